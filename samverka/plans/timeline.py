"""Dated things of other apps shown under a plan's timeline (e.g. the communication
plan's activities): each app appends a function of (plan, user) -> the items ``user``
may read, through the access policy, in AppConfig.ready. Plans imports none of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Dated:
    on: dt.date
    label: str
    kind: str  # a short name of what it is, e.g. "Kommunikation"
    url: str = ""


DatedSource = Callable[[Any, Any], Iterable[Dated]]
SOURCES: list[DatedSource] = []


def dated(plan: Any, user: Any) -> list[Dated]:
    """Every item of the sources within the plan's period, in date order."""
    items = [
        item
        for source in SOURCES
        for item in source(plan, user)
        if plan.period_start <= item.on <= plan.period_end
    ]
    return sorted(items, key=lambda item: (item.on, item.label))
