"""Reading tables as Swedish offices save them: CSV or XLSX, in any layout.

CSV from Swedish Excel comes as UTF-8 with or without a byte-order mark, or as
Windows-1252; separated by commas or semicolons (or tabs); with decimal commas and
spaces between thousands. Rows are streamed, numbered as a person sees them in the
file (the header is row 1), and returned as dictionaries by column name.

Large tables are read in chunks of columns instead (:func:`read_chunks`): pyarrow's CSV
reader turns a million rows into string columns in a fraction of a second, with memory
bounded by the chunk; a file it cannot read exactly as the row reader would (rows with
too few or too many cells, a cut-off last row) raises :class:`IrregularTable`, and the
caller reads it again with :func:`row_chunks`, which numbers and pads rows as above.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from django.utils.translation import gettext as _

from samverka.sources import reasons

SUPPRESSED = {"..", "…", ".", "x", "X"}


class TableError(ValueError):
    """The file as a whole cannot be read as a table."""


class IrregularTable(Exception):
    """The fast column reader cannot read this file exactly; read it row by row."""


@dataclass
class Table:
    columns: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    size_hint: int | None = field(default=None)  # about how many rows, for progress


@dataclass
class Chunk:
    """Consecutive rows of a table as columns of strings, with their row numbers.

    Cells may still carry the spaces around them (the row reader strips them; the
    column reader leaves that to the caller, who strips the columns it uses).
    """

    numbers: np.ndarray  # int64, as a person sees them in the file
    columns: dict[str, pa.Array]

    def __len__(self) -> int:
        return len(self.numbers)

    def row(self, index: int) -> dict[str, str]:
        return {
            name: (values[index].as_py() or "").strip() for name, values in self.columns.items()
        }


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def csv_encoding(data: bytes) -> str:
    """The encoding :func:`decode` would read ``data`` with, found without decoding it whole."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1 << 20
    try:
        for start in range(0, len(data), step):
            decoder.decode(data[start : start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def is_xlsx(data: bytes, file_name: str) -> bool:
    return file_name.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK"


def read_csv_header(data: bytes) -> tuple[list[str], int]:
    """The header of a CSV file as :func:`read_csv` reads it, and about how many rows
    follow; reads only the beginning of the file (memory stays that of the bytes)."""
    encoding = csv_encoding(data)
    head = data[:65536].decode(encoding, errors="ignore")
    if not head.strip() and not data.strip():
        raise TableError(_("the file is empty"))
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=_delimiter(head[:4096]))
    try:
        header = [c.strip() for c in next(reader)]
    except (csv.Error, StopIteration) as exc:
        raise TableError(_("not a CSV table: %(error)s") % {"error": exc}) from exc
    if len(set(header)) != len(header) or not all(header):
        raise TableError(_("the first row must name every column, each once"))
    return header, data.count(b"\n")


def _delimiter(sample: str) -> str:
    header = sample.splitlines()[0] if sample else ""
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(data: bytes) -> Table:
    """The rows of a CSV file, decoded as they are read (the text of the whole file is
    never held at once)."""
    encoding = csv_encoding(data)
    head = data[:8192].decode(encoding, errors="ignore")
    if not head.strip() and not data.strip():
        raise TableError(_("the file is empty"))
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=_delimiter(head[:4096]))
    try:
        header = [c.strip() for c in next(reader)]
    except csv.Error as exc:
        raise TableError(_("not a CSV table: %(error)s") % {"error": exc}) from exc
    if len(set(header)) != len(header) or not all(header):
        raise TableError(_("the first row must name every column, each once"))

    cut_off = not data.endswith((b"\n", b"\r"))
    size_hint = data.count(b"\n")

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        previous: tuple[int, list[str]] | None = None
        number = 1
        try:
            for number, cells in enumerate(reader, start=2):
                if previous is not None:
                    yield _as_row(*previous)
                previous = (number, cells) if any(c.strip() for c in cells) else None
        except (csv.Error, UnicodeDecodeError) as exc:  # e.g. a cell over the field limit
            raise TableError(
                _("row %(row)s: %(error)s") % {"row": number + 1, "error": exc}
            ) from exc
        if previous is not None:
            number, cells = previous
            # A last line with too few cells and no line end: the file was cut off.
            if cut_off and len(cells) < len(header):
                raise TableError(
                    _("the file ends in the middle of row %(row)s: is it complete?")
                    % {"row": number}
                )
            yield _as_row(number, cells)

    def _as_row(number: int, cells: list[str]) -> tuple[int, dict[str, str]]:
        return number, {
            name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)
        }

    return Table(header, rows(), size_hint)


def check_xlsx(data: bytes, file_name: str = "") -> None:
    """Refuse, before openpyxl parses anything, a workbook that unpacks to more than the
    limits (settings ``IMPORT_MAX_*``): in total, by ratio, or in its shared strings,
    which openpyxl holds in memory whole even in read-only mode."""
    from django.conf import settings

    from samverka.lib.unpacking import UnpackError, check_zip

    try:
        check_zip(
            data,
            file_name or "XLSX",
            max_total=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            max_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
            max_members={"xl/sharedStrings.xml": settings.IMPORT_MAX_SHARED_STRINGS_BYTES},
        )
    except UnpackError as exc:
        raise TableError(str(exc)) from exc


def _check_cell_length(number: int, name: str, text: str) -> None:
    from django.conf import settings

    if len(text) > settings.IMPORT_MAX_CELL_CHARS:
        raise TableError(
            _("row %(row)s, column %(column)s: a cell longer than %(limit)s characters")
            % {"row": number, "column": name or "?", "limit": settings.IMPORT_MAX_CELL_CHARS}
        )


def read_xlsx(data: bytes, file_name: str = "") -> Table:
    from django.conf import settings
    from openpyxl import load_workbook

    check_xlsx(data, file_name)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableError(_("not an Excel workbook: %(error)s") % {"error": exc}) from exc
    sheet = workbook.worksheets[0]
    max_rows = settings.IMPORT_MAX_ROWS
    if isinstance(sheet.max_row, int) and sheet.max_row > max_rows:
        raise TableError(_("the first sheet has more than %(limit)s rows") % {"limit": max_rows})
    iterator = sheet.iter_rows(values_only=True)
    try:
        first = next(iterator)
    except StopIteration:
        raise TableError(_("the first sheet is empty")) from None
    header = ["" if c is None else str(c).strip() for c in first]
    for name in header:
        _check_cell_length(1, name[:20], name)

    def cell(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, values in enumerate(iterator, start=2):
            if number > max_rows + 1:
                raise TableError(
                    _("the first sheet has more than %(limit)s rows") % {"limit": max_rows}
                )
            for i, value in enumerate(values):
                if isinstance(value, str):
                    _check_cell_length(number, header[i] if i < len(header) else "", value)
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            yield (
                number,
                {
                    name: cell(values[i]) if i < len(values) else ""
                    for i, name in enumerate(header)
                    if name
                },
            )

    size_hint = sheet.max_row - 1 if isinstance(sheet.max_row, int) else None
    return Table([h for h in header if h], rows(), size_hint)


def read_table(data: bytes, file_name: str) -> Table:
    name = file_name.lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        return read_xlsx(data, file_name)
    if name.endswith((".csv", ".txt", ".tsv")) or not name.rpartition(".")[1]:
        return read_csv(data)
    raise TableError(_("%(file)s: only CSV and XLSX tables can be read") % {"file": file_name})


_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def parse_number(text: str) -> float | None:
    """A Swedish number: "1 234,5", "1\u00a0234", "12,0", "-3"; None where there is no value
    (empty) or it is suppressed ("..").

    >>> parse_number("1 234,5"), parse_number(".."), parse_number("90659")
    (1234.5, None, 90659.0)
    """
    raw = text.strip()
    if raw in SUPPRESSED or raw == "":
        return None
    cleaned = raw.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if cleaned.count(",") == 1 and cleaned.count(".") >= 1:
        cleaned = cleaned.replace(".", "")  # 1.234,5: dots group thousands
    cleaned = cleaned.replace(",", ".")
    if not _NUMBER.match(cleaned):
        raise ValueError(reasons.not_a("number", text))
    return float(cleaned)


CHUNK_ROWS = 100_000
CHUNK_BYTES = 8 << 20


def row_chunks(table: Table, rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
    """The rows of ``table`` (any reader) gathered into chunks of columns."""
    numbers: list[int] = []
    cells: dict[str, list[str]] = {name: [] for name in table.columns}
    for number, row in table.rows:
        numbers.append(number)
        for name, values in cells.items():
            values.append(row.get(name, ""))
        if len(numbers) >= rows:
            yield _chunk(numbers, cells)
            numbers, cells = [], {name: [] for name in table.columns}
    if numbers:
        yield _chunk(numbers, cells)


def _chunk(numbers: list[int], cells: dict[str, list[str]]) -> Chunk:
    return Chunk(
        np.array(numbers, dtype=np.int64),
        {name: pa.array(values, type=pa.string()) for name, values in cells.items()},
    )


def read_chunks(data: bytes, file_name: str, header: list[str]) -> Iterator[Chunk]:
    """A CSV file's rows as chunks of string columns, read by pyarrow.

    ``header`` is the first row as :func:`read_csv` read it. Raises
    :class:`IrregularTable` (before yielding the chunk concerned) where the result
    could differ from :func:`read_csv`'s: XLSX, rows of the wrong length, a broken file.
    """
    import pyarrow.csv as pv

    if is_xlsx(data, file_name):
        raise IrregularTable("not CSV")
    encoding = csv_encoding(data)
    if encoding == "utf-8-sig":
        body = data[3:]
    elif encoding == "utf-8":
        body = data
    else:
        body = data.decode("cp1252").encode("utf-8")
    first_line = body[:4096].decode("utf-8", errors="replace")
    irregular: list[object] = []

    def on_invalid_row(row: object) -> str:
        irregular.append(row)
        return "skip"

    try:
        reader = pv.open_csv(
            pa.BufferReader(body),
            read_options=pv.ReadOptions(
                use_threads=False, block_size=CHUNK_BYTES, skip_rows=1, column_names=header
            ),
            parse_options=pv.ParseOptions(
                delimiter=_delimiter(first_line),
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,  # an empty line is a row of empty cells, and counts
                invalid_row_handler=on_invalid_row,
            ),
            convert_options=pv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        number = 2
        for batch in reader:
            if irregular:
                raise IrregularTable("rows of the wrong length")
            if batch.num_rows == 0:
                continue
            yield Chunk(
                np.arange(number, number + batch.num_rows, dtype=np.int64),
                {name: batch.column(i) for i, name in enumerate(header)},
            )
            number += batch.num_rows
        if irregular:
            raise IrregularTable("rows of the wrong length")
    except pa.ArrowException as exc:
        raise IrregularTable(str(exc)) from exc
