"""Limits on what an uploaded file unpacks to, checked before any parser opens it.

An XLSX or DOCX file is a zip archive and a ``.json.gz`` a gzip stream: a file of one
megabyte may unpack to gigabytes (a "bomb"), and the parsers (openpyxl's shared
strings, python-docx's document tree, ``json.loads``) hold what they read in memory.
So the archive's directory is read first and a file whose members would unpack to
more than the limits (in total, by ratio, or for one named member) is refused with a
message that says why; a gzip stream is unpacked no further than its limit, and one
that ends early (a cut-off download) is refused as incomplete.

The messages are Swedish through gettext; the limits come from the settings so that
tests can lower them.
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib

from django.utils.translation import gettext as _

MB = 1024 * 1024
# A member smaller than this may be compressed at any ratio (empty sheets, styles).
SMALL_MEMBER = MB


class UnpackError(ValueError):
    """The file would unpack to too much, or cannot be unpacked at all."""


def _megabytes(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= MB else f"{size / 1024:.0f} kB"


def check_zip(
    data: bytes,
    file_name: str,
    *,
    max_total: int,
    max_ratio: int,
    max_members: dict[str, int] | None = None,
) -> None:
    """Refuse a zip archive whose members would unpack to more than the limits.

    ``max_members`` limits single members by name (e.g. ``xl/sharedStrings.xml``). Uses
    only the archive's directory; Python's zipfile stops a member at the size its
    directory entry states, so a member cannot unpack to more than checked here.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnpackError(
            _("%(file)s is not a readable Office file (zip): %(error)s")
            % {"file": file_name, "error": exc}
        ) from exc
    total = sum(m.file_size for m in members)
    if total > max_total:
        raise UnpackError(
            _(
                "%(file)s unpacks to %(size)s, more than the %(limit)s allowed: "
                "split it into smaller files."
            )
            % {"file": file_name, "size": _megabytes(total), "limit": _megabytes(max_total)}
        )
    for member in members:
        if member.file_size > SMALL_MEMBER and member.file_size > max_ratio * max(
            member.compress_size, 1
        ):
            raise UnpackError(
                _(
                    "%(file)s is refused: its part %(part)s unpacks to %(size)s from "
                    "%(packed)s, which only a manipulated file does."
                )
                % {
                    "file": file_name,
                    "part": member.filename,
                    "size": _megabytes(member.file_size),
                    "packed": _megabytes(member.compress_size),
                }
            )
        limit = (max_members or {}).get(member.filename)
        if limit is not None and member.file_size > limit:
            raise UnpackError(
                _("%(file)s is refused: its part %(part)s is %(size)s, more than %(limit)s.")
                % {
                    "file": file_name,
                    "part": member.filename,
                    "size": _megabytes(member.file_size),
                    "limit": _megabytes(limit),
                }
            )


def gunzip(data: bytes, file_name: str, *, max_size: int) -> bytes:
    """The content of a gzip stream, refused when larger than ``max_size`` or cut off."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            content = stream.read(max_size + 1)
    except EOFError as exc:
        raise UnpackError(
            _(
                "%(file)s ends before the compressed data does: the file is incomplete "
                "(was the download or copy cut off?)."
            )
            % {"file": file_name}
        ) from exc
    except (OSError, zlib.error) as exc:
        raise UnpackError(
            _("%(file)s is not a readable gzip file: %(error)s") % {"file": file_name, "error": exc}
        ) from exc
    if len(content) > max_size:
        raise UnpackError(
            _("%(file)s unpacks to more than the %(limit)s allowed: split it into smaller files.")
            % {"file": file_name, "limit": _megabytes(max_size)}
        )
    return content
