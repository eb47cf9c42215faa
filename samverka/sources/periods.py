"""Periods of a statistics table as publishers write them, read as text.

A period key is read by patterns that are data (``data/periods.toml``): a new way of
writing a month is a new line there (or a new name of a month), not new code. The kind
of period (year, quarter, month) is found from the values of the column (:func:`detect`)
and shown to the person making the mapping to confirm: it is never assumed.

>>> parse_period("augusti 2026", "month"), parse_period("2026K3", "quarter")
(datetime.date(2026, 8, 1), datetime.date(2026, 7, 1))
>>> detect(["2026-08", "2026-09"]).kind
'month'
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from samverka.sources import reasons

YEAR, QUARTER, MONTH = "year", "quarter", "month"
KINDS = (YEAR, QUARTER, MONTH)

DATA = Path(__file__).resolve().parent / "data" / "periods.toml"


@dataclass(frozen=True)
class Pattern:
    kind: str  # what the value is: year, quarter, month, or date (a day)
    regex: re.Pattern[str]
    example: str


def _load(path: Path = DATA) -> tuple[dict[str, int], tuple[Pattern, ...]]:
    """The month names and the patterns of ``periods.toml``."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    names: dict[str, int] = {}
    for spelling in data["months"].values():
        for number, name in enumerate(spelling, start=1):
            if name:
                names[name.lower()] = number
    quarters = data["quarters"]
    parts = {
        "year": r"(?P<year>\d{4})",
        "quarter": r"(?P<quarter>[1-4])",
        "month": r"(?P<month>0?[1-9]|1[0-2])",
        "month2": r"(?P<month2>0[1-9]|1[0-2])",
        "day": r"(?P<day>0[1-9]|[12]\d|3[01])",
        "name": "(?P<name>" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + ")",
        "letter": "(?:" + "|".join(map(re.escape, quarters["letters"])) + ")",
        "word": "(?:" + "|".join(map(re.escape, quarters["words"])) + ")",
    }
    patterns = tuple(
        Pattern(
            entry["kind"],
            re.compile(r"^\s*" + entry["pattern"].format(**parts) + r"\s*$", re.IGNORECASE),
            entry["example"],
        )
        for entry in data["patterns"]
    )
    return names, patterns


# Month names (Swedish and English, with abbreviations) → number, and every way of
# writing a period that samverka reads: data, in ``data/periods.toml``.
MONTH_NAMES, PATTERNS = _load()

# The length of each kind of period, in months.
MONTHS = {YEAR: 12, QUARTER: 3, MONTH: 1}


@dataclass(frozen=True)
class Reading:
    """A period key read: what it is, and the day it starts."""

    kind: str  # year, quarter, month or date
    start: dt.date


def read(text: str) -> Reading | None:
    """What ``text`` is as a period, or None when no pattern reads it."""
    for pattern in PATTERNS:
        match = pattern.regex.match(text)
        if match is None:
            continue
        groups = match.groupdict()
        year = int(groups["year"])
        try:
            if pattern.kind == YEAR:
                return Reading(YEAR, dt.date(year, 1, 1))
            if pattern.kind == QUARTER:
                return Reading(QUARTER, dt.date(year, 3 * int(groups["quarter"]) - 2, 1))
            if pattern.kind == MONTH:
                month = groups.get("month") or groups.get("month2")
                number = int(month) if month else MONTH_NAMES[groups["name"].lower()]
                return Reading(MONTH, dt.date(year, number, 1))
            return Reading("date", dt.date(year, int(groups["month2"]), int(groups["day"])))
        except ValueError:  # 2026-02-30
            return None
    return None


def _fits(reading: Reading, kind: str) -> bool:
    """Whether a value read as ``reading`` can be a period of ``kind``."""
    if reading.kind == kind:
        return True
    if reading.kind != "date":
        return False
    start = reading.start
    if kind == MONTH:
        return True  # the month the day is in
    if kind == QUARTER:
        return start.day == 1 and start.month in (1, 4, 7, 10)
    return (start.month, start.day) == (1, 1)


def parse_period(text: str, kind: str) -> dt.date:
    """The first day of the period ``text`` names, as a period of ``kind``; ValueError
    (in words: 'not a month: “8.0”') when it is not one."""
    reading = read(text)
    if reading is None or not _fits(reading, kind):
        raise ValueError(reasons.not_a(kind, text))
    start = reading.start
    return start.replace(month=start.month - (start.month - 1) % MONTHS[kind], day=1)


_WHOLE = re.compile(r"^\s*(\d+)(?:[.,]0+)?\s*$")  # "8", "08", "8.0" (a number some tool wrote)


def combine(year: str, part: str, kind: str | None = None) -> str:
    """One period key from a year column and a month (or quarter) column, as text:
    ("2026", "8") → "2026-08"; ("2026", "8.0") → "2026-08"; ("2026", "augusti") →
    "augusti 2026"; ("2026", "K3") → "2026 K3"; ("2026", "3", "quarter") → "2026 K3".
    A part that is a whole number is a month unless ``kind`` says quarter."""
    year_match = _WHOLE.match(year or "")
    year_text = year_match[1] if year_match else (year or "").strip()
    part = (part or "").strip()
    if not part:
        return year_text
    whole = _WHOLE.match(part)
    if whole and kind == QUARTER:
        return f"{year_text} K{int(whole[1])}"
    if whole:
        return f"{year_text}-{int(whole[1]):02d}"
    if re.fullmatch(r"[KQ]\s*[1-4]", part, re.IGNORECASE):
        return f"{year_text} {part.replace(' ', '')}"
    return f"{part} {year_text}"


@dataclass
class Detection:
    """What the values of a period column are.

    ``kind`` is the one kind every readable value fits (None when they disagree or none
    is readable); ``examples`` a few values as written; ``unreadable`` values no
    pattern reads, with how many times each occurs.
    """

    kind: str | None
    examples: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # kind as read → values
    unreadable: list[tuple[str, int]] = field(default_factory=list)


def detect(values: Iterable[str]) -> Detection:
    """The kind of period the values of a column are (see :class:`Detection`)."""
    readings: dict[str, Reading] = {}
    unreadable: Counter[str] = Counter()
    for value in values:
        text = (value or "").strip()
        if not text or text in readings:
            continue
        reading = read(text)
        if reading is None:
            unreadable[text] += 1
        else:
            readings[text] = reading
    counts = Counter(r.kind for r in readings.values())
    kind: str | None = None
    if readings:
        fitting = [k for k in KINDS if all(_fits(r, k) for r in readings.values())]
        if len(fitting) == 1:
            kind = fitting[0]
        elif fitting:
            # Only dates: the coarsest kind they all start, when they are more than one
            # (2024-01-01, 2025-01-01: years); one date alone is taken as its month.
            kind = fitting[0] if len({r.start for r in readings.values()}) > 1 else MONTH
    return Detection(
        kind=kind,
        examples=list(readings)[:3],
        counts=dict(counts),
        unreadable=unreadable.most_common(5),
    )
