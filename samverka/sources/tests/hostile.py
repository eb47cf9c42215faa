# ruff: noqa: E501  (the parts of a workbook are long XML lines)
"""Hostile files, generated: the tests use them small, the bench (bench/bench_hostile.py) large.

Each writes to a file object as it goes, so a file unpacking to gigabytes is made
with little memory.
"""

from __future__ import annotations

import zipfile
from typing import BinaryIO

CHUNK = 1 << 20

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def _column(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


def xlsx_with_shared_strings(
    out: BinaryIO, header: list[str], rows: list[list[str]], *, padding: int = 0
) -> None:
    """A workbook whose cells are all shared strings; the first string of the first data
    row gets ``padding`` more characters ("x"), written in chunks (a "huge shared string")."""
    strings: list[str] = []
    cells: list[list[int]] = []
    for row in [header, *rows]:
        cells.append([])
        for value in row:
            cells[-1].append(len(strings))
            strings.append(value)
    padded = len(header) if rows else -1
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        sheet = ['<?xml version="1.0" encoding="UTF-8"?>']
        sheet.append(
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        )
        for number, row_cells in enumerate(cells, start=1):
            sheet.append(f'<row r="{number}">')
            for index, string in enumerate(row_cells):
                sheet.append(f'<c r="{_column(index)}{number}" t="s"><v>{string}</v></c>')
            sheet.append("</row>")
        sheet.append("</sheetData></worksheet>")
        archive.writestr("xl/worksheets/sheet1.xml", "".join(sheet))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as shared:
            shared.write(
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            for index, value in enumerate(strings):
                shared.write(b"<si><t>" + value.encode())
                if index == padded:
                    left = padding
                    while left > 0:
                        step = min(left, CHUNK)
                        shared.write(b"x" * step)
                        left -= step
                shared.write(b"</t></si>")
            shared.write(b"</sst>")


def zip_with_padding(out: BinaryIO, members: dict[str, bytes], name: str, size: int) -> None:
    """A zip archive with ``members`` and one more member ``name`` of ``size`` repetitive
    bytes (a "zip bomb": it packs about a thousandfold)."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
        with archive.open(name, "w", force_zip64=True) as padded:
            left = size
            while left > 0:
                step = min(left, CHUNK)
                padded.write(b"<a/>" * (step // 4))
                left -= step
