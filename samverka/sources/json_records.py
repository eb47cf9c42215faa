"""Records of a JSON file read as the rows of a table, for imports through a column mapping.

A file is an array of records (``[{"år": 2025, ...}, ...]``) or nested objects; the
mapping names the path to the records, one ``[]`` for each array walked through:
``data[].values[]`` reads every element of ``values`` of every element of ``data``.
A record's own fields are its columns, nested objects flattened with dots
(``region.kod``), and the plain fields of the outer levels are columns of every record
within them (the län's name beside each of its values); a record's own field wins
over an outer one of the same name.

Memory is bounded: the file (unpacked from gzip) may be no larger than
``IMPORT_MAX_JSON_BYTES``, and no more than ``IMPORT_MAX_ROWS`` records are read.

>>> table = read_json_table(b'{"data": [{"lan": "Kalmar", "values": [{"ar": 2025, "v": 1.5}]}]}',
...                         "t.json", "data[].values[]")
>>> table.columns, list(table.rows)
(['lan', 'ar', 'v'], [(1, {'lan': 'Kalmar', 'ar': '2025', 'v': '1.5'})])
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from samverka.lib.unpacking import UnpackError, gunzip
from samverka.sources.tabular import Table, TableError

Record = dict[str, str]


def is_json(data: bytes, file_name: str) -> bool:
    """A JSON file by its name (``.json``, ``.json.gz``) or by its first character."""
    name = file_name.lower()
    if name.endswith((".json", ".json.gz", ".geojson")):
        return True
    if data[:2] == b"\x1f\x8b":
        return name.endswith(".gz") and not name.endswith((".csv.gz", ".xlsx.gz"))
    return data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def load(data: bytes, file_name: str) -> Any:
    """The parsed file; a file too large or not JSON is refused with a message that says why."""
    limit = settings.IMPORT_MAX_JSON_BYTES
    try:
        content = gunzip(data, file_name, max_size=limit) if data[:2] == b"\x1f\x8b" else data
    except UnpackError as exc:
        raise TableError(str(exc)) from exc
    if len(content) > limit:
        raise TableError(
            _("%(file)s is larger than the %(limit)s MB allowed: split it into smaller files.")
            % {"file": file_name, "limit": limit // (1024 * 1024)}
        )
    try:
        return json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise TableError(
            _("%(file)s is not JSON in UTF-8: %(error)s") % {"file": file_name, "error": exc}
        ) from exc
    except json.JSONDecodeError as exc:
        raise TableError(
            _("%(file)s is not valid JSON: %(error)s (line %(line)s, column %(column)s)")
            % {"file": file_name, "error": exc.msg, "line": exc.lineno, "column": exc.colno}
        ) from exc


def parse_path(path: str) -> list[tuple[str, bool]]:
    """``data[].values[]`` → [("data", True), ("values", True)]; ``[]`` alone is the file's
    own array; a part without ``[]`` steps into an object."""
    steps: list[tuple[str, bool]] = []
    for part in path.strip().split("."):
        part = part.strip()
        if not part:
            continue
        many = part.endswith("[]")
        steps.append((part.removesuffix("[]"), many))
    return steps


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # 2025.0 is the year 2025
    return str(value)


def _flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """The plain fields of an object, nested objects with dotted names; arrays left out."""
    fields: dict[str, str] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            fields.update(_flatten(value, f"{name}."))
        elif not isinstance(value, list):
            fields[name] = _scalar(value)
    return fields


def _walk(
    node: Any, steps: list[tuple[str, bool]], outer: dict[str, str], file_name: str, at: str
) -> Iterator[Record]:
    if not steps:
        if isinstance(node, dict):
            yield {**outer, **_flatten(node)}
            return
        if isinstance(node, list):
            for item in node:
                yield from _walk(item, [], outer, file_name, at + "[]")
            return
        raise TableError(
            _("%(file)s: at %(path)s there is no record (an object), but %(value)s")
            % {"file": file_name, "path": at or "/", "value": str(node)[:40]}
        )
    (name, many), rest = steps[0], steps[1:]
    inner = outer
    if name:
        if not isinstance(node, dict) or name not in node:
            raise TableError(
                _("%(file)s: the path has no field “%(field)s” at %(path)s")
                % {"file": file_name, "field": name, "path": at or "/"}
            )
        inner = {**outer, **_flatten(node)}
        node = node[name]
        at = f"{at}.{name}" if at else name
    if many:
        if not isinstance(node, list):
            raise TableError(
                _("%(file)s: %(path)s is not an array") % {"file": file_name, "path": at or "/"}
            )
        for item in node:
            level = {**inner, **_flatten(item)} if isinstance(item, dict) and rest else inner
            yield from _walk(item, rest, level, file_name, at + "[]")
    else:
        yield from _walk(node, rest, inner, file_name, at)


def guess_path(root: Any) -> str:
    """The path to the innermost arrays of records: at each level the first field whose
    value is an array of objects (``data[].values[]``)."""
    parts: list[str] = []
    node = root
    if isinstance(node, list):
        parts.append("[]")
        node = next((item for item in node if isinstance(item, dict)), None)
    while isinstance(node, dict):
        key = next(
            (
                k
                for k, v in node.items()
                if isinstance(v, list) and any(isinstance(item, dict) for item in v)
            ),
            None,
        )
        if key is None:
            break
        parts.append(f"{key}[]")
        node = next(item for item in node[key] if isinstance(item, dict))
    return ".".join(parts)


def read_json_table(data: bytes, file_name: str, path: str = "") -> Table:
    """The file's records as a table (columns: every field seen, in order of first sight).

    With no path the records are found as :func:`guess_path` finds them."""
    root = load(data, file_name)
    return records_table(root, file_name, path or guess_path(root))


def records_table(root: Any, file_name: str, path: str) -> Table:
    steps = parse_path(path)
    limit = settings.IMPORT_MAX_ROWS
    records: list[Record] = []
    for record in _walk(root, steps, {}, file_name, ""):
        records.append(record)
        if len(records) > limit:
            raise TableError(
                _("%(file)s holds more than %(limit)s records: split it into smaller files.")
                % {"file": file_name, "limit": limit}
            )
    if not records:
        raise TableError(
            _("%(file)s: no records at the path %(path)s")
            % {"file": file_name, "path": path or "/"}
        )
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, record in enumerate(records, start=1):
            yield number, {name: record.get(name, "") for name in columns}

    return Table(columns=list(columns), rows=rows(), size_hint=len(records))
