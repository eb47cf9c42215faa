"""Period keys as publishers write them, in Swedish and English, read as text."""

from __future__ import annotations

import pytest

from samverka.sources import periods

MONTHS = [
    "2026-08",
    "2026M08",
    "2026m8",
    "2026/8",
    "202608",
    "augusti 2026",
    "Augusti 2026",
    "aug 2026",
    "Aug. 2026",
    "aug-2026",
    "August 2026",
    "2026 augusti",
    " 2026-08 ",
]
QUARTERS = [
    "2026K3",
    "2026-Q3",
    "2026 Q3",
    "Q3 2026",
    "K3 2026",
    "kvartal 3 2026",
    "2026 kvartal 3",
]


@pytest.mark.parametrize("text", MONTHS)
def test_a_month_in_any_idiom_is_august(text: str) -> None:
    assert periods.detect([text]).kind == periods.MONTH
    assert str(periods.parse_period(text, periods.MONTH)) == "2026-08-01"


@pytest.mark.parametrize("text", QUARTERS)
def test_a_quarter_in_any_idiom_is_the_third(text: str) -> None:
    assert periods.detect([text]).kind == periods.QUARTER
    assert str(periods.parse_period(text, periods.QUARTER)) == "2026-07-01"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("januari 2026", 1),
        ("feb 2026", 2),
        ("mars 2026", 3),
        ("maj 2026", 5),
        ("May 2026", 5),
        ("juni 2026", 6),
        ("sept 2026", 9),
        ("okt 2026", 10),
        ("October 2026", 10),
        ("dec 2026", 12),
    ],
)
def test_every_month_name_is_its_month(text: str, number: int) -> None:
    assert periods.parse_period(text, periods.MONTH).month == number


@pytest.mark.parametrize(
    "text", ["8.0", "8", "2026-13", "augusti", "Q5 2026", "2026-02-30", "tjugo"]
)
def test_what_is_no_period_is_refused_in_words(text: str) -> None:
    assert periods.read(text) is None
    with pytest.raises(ValueError, match="inte en månad"):
        periods.parse_period(text, periods.MONTH)


def test_a_month_or_a_quarter_is_never_read_as_a_year() -> None:
    for text in ("2026-08", "2026K3"):
        with pytest.raises(ValueError):
            periods.parse_period(text, periods.YEAR)


def test_dates_are_read_as_the_period_they_start() -> None:
    assert periods.detect(["2024-01-01", "2025-01-01"]).kind == periods.YEAR
    assert periods.detect(["2026-01-01", "2026-04-01", "2026-07-01"]).kind == periods.QUARTER
    assert periods.detect(["2026-07-01", "2026-08-01"]).kind == periods.MONTH
    assert periods.detect(["2026-08-01 00:00:00"]).kind == periods.MONTH
    assert str(periods.parse_period("2026-08-17", periods.MONTH)) == "2026-08-01"


def test_mixed_kinds_are_not_guessed() -> None:
    detected = periods.detect(["2026", "2026-08", "8.0"])
    assert detected.kind is None
    assert detected.unreadable == [("8.0", 1)]
