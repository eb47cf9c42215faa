"""Calendar arithmetic: months for the agreements, Swedish wall-clock time for arrays."""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import numpy.typing as npt


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


def _last_sunday_utc_1am(year: int, month: int) -> int:
    """Epoch seconds of 01:00 UTC on the last Sunday of ``month`` in ``year``."""
    last = calendar.monthrange(year, month)[1]
    day = dt.date(year, month, last)
    day -= dt.timedelta(days=(day.weekday() - 6) % 7)
    return int(dt.datetime(day.year, day.month, day.day, 1, tzinfo=dt.UTC).timestamp())


def stockholm_local(epoch_seconds: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    """Wall-clock time in Sweden for many UTC instants at once (``datetime64[s]``).

    Sweden keeps CET (UTC+1) and, from 01:00 UTC on the last Sunday of March to
    01:00 UTC on the last Sunday of October, CEST (UTC+2): the EU rule in force
    since 1996. Per-row ``astimezone`` is slow for a lägesbild's tens of thousands
    of events; this is the same rule, vectorised.

    >>> import numpy as np
    >>> summer = dt.datetime(2025, 7, 1, 10, tzinfo=dt.UTC).timestamp()
    >>> winter = dt.datetime(2025, 1, 1, 10, tzinfo=dt.UTC).timestamp()
    >>> [str(t) for t in stockholm_local(np.array([summer, winter]))]
    ['2025-07-01T12:00:00', '2025-01-01T11:00:00']
    """
    seconds = np.asarray(epoch_seconds, dtype=np.int64)
    if seconds.size == 0:
        return seconds.astype("datetime64[s]")
    years = seconds.astype("datetime64[s]").astype("datetime64[Y]").astype(np.int64) + 1970
    offset = np.full(seconds.shape, 3600, dtype=np.int64)
    for year in np.unique(years).tolist():
        start = _last_sunday_utc_1am(year, 3)
        end = _last_sunday_utc_1am(year, 10)
        summer = (years == year) & (seconds >= start) & (seconds < end)
        offset[summer] = 7200
    return (seconds + offset).astype("datetime64[s]")
