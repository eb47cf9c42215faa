"""Every CSV and XLSX export goes through here, so that no cell is read as a formula.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in
some, a tab or a carriage return) as a formula: a column header ``=HYPERLINK(...)`` in an
uploaded file would become a link in whoever opens the export. Text cells starting with one
of those characters get a leading apostrophe; numbers stay numbers (a numeric -5 is written
as the number -5, not as text).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The value as a cell that is never a formula: numbers, dates and None as they are,
    any other value as text, with an apostrophe in front if it could start a formula."""
    if value is None or isinstance(
        value, (bool, int, float, Decimal, datetime.date, datetime.datetime)
    ):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _disposition(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_attachment(filename: str, rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """A semicolon-separated UTF-8 CSV download (with a byte order mark, so that Excel
    reads it as UTF-8), every cell neutralised."""
    response = HttpResponse(content_type=CSV)
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    return _disposition(response, filename)


def xlsx_bytes(rows: Iterable[Sequence[Any]], *, title: str = "Data") -> bytes:
    """An XLSX workbook of one sheet, every cell neutralised: text is stored as text (never
    as a formula), numbers as numbers."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        cells = []
        for value in row:
            cell_value = neutralise(value)
            if isinstance(cell_value, str):
                cell = WriteOnlyCell(sheet, value=cell_value)
                cell.data_type = "s"  # text, even when openpyxl would guess a formula
                cells.append(cell)
            else:
                cells.append(cell_value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_attachment(filename: str, rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """An XLSX download of one sheet, every cell neutralised."""
    return _disposition(HttpResponse(xlsx_bytes(rows), content_type=XLSX), filename)
