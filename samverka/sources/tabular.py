"""Reading tables as Swedish offices save them: CSV or XLSX, in any layout.

CSV from Swedish Excel comes as UTF-8 with or without a byte-order mark, or as
Windows-1252; separated by commas or semicolons (or tabs); with decimal commas and
spaces between thousands. Rows are streamed, numbered as a person sees them in the
file (the header is row 1), and returned as dictionaries by column name.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

SUPPRESSED = {"..", "…", ".", "x", "X"}


class TableError(ValueError):
    """The file as a whole cannot be read as a table."""


@dataclass
class Table:
    columns: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _delimiter(sample: str) -> str:
    header = sample.splitlines()[0] if sample else ""
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(data: bytes) -> Table:
    text = decode(data)
    if not text.strip():
        raise TableError("the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text[:4096]))
    try:
        header = [c.strip() for c in next(reader)]
    except csv.Error as exc:
        raise TableError(f"not a CSV table: {exc}") from exc
    if len(set(header)) != len(header) or not all(header):
        raise TableError("the first row must name every column, each once")

    cut_off = not text.endswith(("\n", "\r"))

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        previous: tuple[int, list[str]] | None = None
        for number, cells in enumerate(reader, start=2):
            if previous is not None:
                yield _as_row(*previous)
            previous = (number, cells) if any(c.strip() for c in cells) else None
        if previous is not None:
            number, cells = previous
            # A last line with too few cells and no line end: the file was cut off.
            if cut_off and len(cells) < len(header):
                raise TableError(f"the file ends in the middle of row {number}: is it complete?")
            yield _as_row(number, cells)

    def _as_row(number: int, cells: list[str]) -> tuple[int, dict[str, str]]:
        return number, {
            name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)
        }

    return Table(header, rows())


def read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableError(f"not an Excel workbook: {exc}") from exc
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        header = ["" if c is None else str(c).strip() for c in next(iterator)]
    except StopIteration:
        raise TableError("the first sheet is empty") from None

    def cell(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, values in enumerate(iterator, start=2):
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

    return Table([h for h in header if h], rows())


def read_table(data: bytes, file_name: str) -> Table:
    name = file_name.lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        return read_xlsx(data)
    if name.endswith((".csv", ".txt", ".tsv")) or not name.rpartition(".")[1]:
        return read_csv(data)
    raise TableError(f"{file_name}: only CSV and XLSX tables can be read")


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
        raise ValueError(f"not a number: {text!r}")
    return float(cleaned)
