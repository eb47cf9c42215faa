import io

import pytest
from openpyxl import load_workbook

from samverka.lib.spreadsheet import csv_attachment, neutralise, xlsx_bytes

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_could_start_a_formula_gets_an_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text


def test_numbers_and_plain_text_stay_as_they_are() -> None:
    assert neutralise(-5) == -5
    assert neutralise(2.5) == 2.5
    assert neutralise(None) is None
    assert neutralise("Stöld") == "Stöld"


def test_a_csv_download_has_no_formula_cell() -> None:
    response = csv_attachment("x.csv", [["Rad", "Fält"], [1, '=HYPERLINK("http://x")']])
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[1] == '1;"\'=HYPERLINK(""http://x"")"'
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'


def test_an_xlsx_keeps_numbers_as_numbers_and_formulas_as_text() -> None:
    data = xlsx_bytes([["Fält", "Antal"], ["=1+1", -5], ["-3", 4.5]])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    rows = [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]
    assert rows[1] == [("'=1+1", "s"), (-5, "n")]
    assert rows[2] == [("'-3", "s"), (4.5, "n")]
