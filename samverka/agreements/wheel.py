"""The årshjul drawn as a year: a circle of twelve months with each dated item of the
year (duties now; meetings and promise dates when their apps add them) placed on it at its
day. The drawing is plain geometry for the template; a table beside it says the same in
words, so nothing is only in the picture."""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samverka.agreements.models import Duty

SIZE = 360
CENTRE = SIZE / 2
RING = 150  # outer radius of the month ring
INNER = 105  # inner radius of the month ring
DOTS = 92  # radius on which the items sit, inside the ring


@dataclass(frozen=True)
class Item:
    """One dated thing on the wheel."""

    on: dt.date
    label: str
    kind: str  # "duty", "meeting", "promise", …: a CSS class and a legend entry
    state: str  # "done", "overdue" or "coming"
    url: str = ""


# Other apps add their dated items (promises, meetings, communication): a function of
# (agreement ids, year, user) -> the items ``user`` may read, through the access policy;
# not every reader of an agreement may read a party's drafts. Without a user (a wheel
# drawn for nobody in particular) they are left out.
UserItemSource = Callable[[list[int], int, Any], Iterable[Item]]
USER_SOURCES: list[UserItemSource] = []


def duties(agreement_ids: list[int], year: int) -> list[Item]:
    today = timezone.localdate()
    items = []
    for duty in Duty.objects.filter(agreement__in=agreement_ids, due_on__year=year).order_by(
        "due_on", "kind"
    ):
        state = "done" if duty.done_on else "overdue" if duty.due_on < today else "coming"
        items.append(Item(duty.due_on, f"{duty.get_kind_display()} {duty.year}", "duty", state))
    return items


def _angle(day: dt.date) -> float:
    """Radians clockwise from twelve o'clock, 1 January at the top."""
    length = 366 if calendar.isleap(day.year) else 365
    return 2 * math.pi * (day.timetuple().tm_yday - 1) / length


def _point(angle: float, radius: float) -> tuple[float, float]:
    return (
        round(CENTRE + radius * math.sin(angle), 1),
        round(CENTRE - radius * math.cos(angle), 1),
    )


def _sector(start: float, end: float) -> str:
    """An SVG path of the ring between two angles."""
    x1, y1 = _point(start, RING)
    x2, y2 = _point(end, RING)
    x3, y3 = _point(end, INNER)
    x4, y4 = _point(start, INNER)
    large = 1 if end - start > math.pi else 0
    return (
        f"M {x1} {y1} A {RING} {RING} 0 {large} 1 {x2} {y2} "
        f"L {x3} {y3} A {INNER} {INNER} 0 {large} 0 {x4} {y4} Z"
    )


def wheel(agreement_ids: list[int], year: int, user: Any = None) -> dict[str, Any]:
    """The geometry and the items of one year's wheel for the given agreements (with the
    items of ``USER_SOURCES`` that ``user`` may read, if a user is given)."""
    found = duties(agreement_ids, year)
    if user is not None:
        found += [item for source in USER_SOURCES for item in source(agreement_ids, year, user)]
    items = sorted(found, key=lambda item: (item.on, item.label))
    months = []
    for month in range(1, 13):
        start = _angle(dt.date(year, month, 1))
        end = 2 * math.pi if month == 12 else _angle(dt.date(year, month + 1, 1))
        label_x, label_y = _point((start + end) / 2, (RING + INNER) / 2)
        months.append(
            {
                "path": _sector(start, end),
                "label": formats.date_format(dt.date(year, month, 1), "b"),
                "x": label_x,
                "y": label_y,
                "even": month % 2 == 0,
            }
        )
    placed = []
    seen: dict[dt.date, int] = {}
    for number, item in enumerate(items, start=1):
        # Items on the same day move inwards so that none hides another.
        stacked = seen.get(item.on, 0)
        seen[item.on] = stacked + 1
        x, y = _point(_angle(item.on), DOTS - 16 * stacked)
        placed.append({"item": item, "number": number, "x": x, "y": y})
    today = timezone.localdate()
    now = _point(_angle(today), RING + 6) if today.year == year else None
    return {
        "size": SIZE,
        "centre": CENTRE,
        "year": year,
        "months": months,
        "items": placed,
        "now": {"x": now[0], "y": now[1], "inner": _point(_angle(today), INNER - 6)}
        if now
        else None,
        "description": _(
            "The year %(year)s as a circle of twelve months, January at the top, with "
            "%(count)s dated items placed on their days; the table lists the same."
        )
        % {"year": year, "count": len(items)},
    }
