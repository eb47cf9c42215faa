"""Calendar arithmetic the agreements need (no third-party dependency)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` (negative: back), clamped to the end of the month.

    >>> add_months(dt.date(2023, 12, 31), -6)
    datetime.date(2023, 6, 30)
    >>> add_months(dt.date(2023, 12, 31), 48)
    datetime.date(2027, 12, 31)
    >>> add_months(dt.date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))
