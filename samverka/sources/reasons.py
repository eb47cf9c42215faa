"""Why a row was rejected, in words and in the active language (Swedish first).

Every reason names the field by its label, as the mapping form shows it ("Kolumn med
perioden ”Månad”: inte en månad: ”8.0”"), or for the Police's events by what the field
holds ("Plats (location.name): saknas"). The reasons are stored as written at import
time, so the rejected rows' table and its CSV show them as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverka.lib.privacy import describe

if TYPE_CHECKING:
    from samverka.sources.models import ColumnMapping

_NOT_A = {
    "date": gettext_lazy("not a date: “%(value)s”"),
    "time": gettext_lazy("not a time: “%(value)s”"),
    "number": gettext_lazy("not a number: “%(value)s”"),
    "share": gettext_lazy("not a share: “%(value)s”"),
    "month": gettext_lazy("not a month: “%(value)s”"),
    "quarter": gettext_lazy("not a quarter: “%(value)s”"),
    "year": gettext_lazy("not a year: “%(value)s”"),
}

# The Police's API fields, by what they hold.
POLICE_FIELDS = {
    "": gettext_lazy("The whole record"),
    "id": gettext_lazy("Id (id)"),
    "datetime": gettext_lazy("Time of publication (datetime)"),
    "name": gettext_lazy("Heading (name)"),
    "type": gettext_lazy("Type (type)"),
    "summary": gettext_lazy("Summary (summary)"),
    "location.name": gettext_lazy("Place (location.name)"),
    "location.gps": gettext_lazy("Position (location.gps)"),
}


def not_a(kind: str, value: object) -> str:
    """'not a month: “8.0”' (kind: date, time, number, share, month, quarter, year)."""
    return str(_NOT_A[kind]) % {"value": str(value)[:80]}


def personal_data(found: list[str]) -> str:
    return _("contains personal data (%(what)s): samverka stores none") % {"what": describe(found)}


def not_mapped(category: str) -> str:
    return _("the category “%(value)s” is not in the mapping") % {"value": category[:80]}


def nul() -> str:
    return _("holds a NUL character (\\x00), which no text may hold")


def unknown_area(area: str) -> str:
    return _("unknown area: “%(value)s”") % {"value": area[:80]}


def missing() -> str:
    return _("missing")


def empty() -> str:
    return _("empty")


def column(mapping: ColumnMapping, attr: str, reason: str) -> str:
    """``reason`` behind the label of the mapping's column ``attr`` and its name in the file."""
    label = capfirst(str(type(mapping)._meta.get_field(attr).verbose_name))  # type: ignore[union-attr]
    return _("%(label)s “%(column)s”: %(reason)s") % {
        "label": label,
        "column": getattr(mapping, attr),
        "reason": reason,
    }


def police(field: str, reason: str) -> str:
    """``reason`` behind the label of the Police API's ``field``."""
    label = POLICE_FIELDS.get(field, field)
    return _("%(label)s: %(reason)s") % {"label": label, "reason": reason}
