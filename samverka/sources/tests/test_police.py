"""Reading Police events API records, with the traps found in the real data."""

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from samverka.sources import police

SHARED_EVENTS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "polisen_events"
CEST = dt.timezone(dt.timedelta(hours=2))


def record(**extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": 1,
        "datetime": "2026-08-22 9:48:12 +02:00",
        "name": "22 augusti 09:15, Stöld, Oskarshamn",
        "summary": "En cykel stals vid stationen.",
        "url": "/aktuellt/handelser/",
        "type": "Stöld",
        "location": {"name": "Oskarshamn", "gps": "57.264,16.448"},
    }
    base.update(extra)
    return base


def test_an_unpadded_hour_in_the_publication_time_is_read() -> None:
    event = police.parse_record(record())
    assert event.published_at == dt.datetime(2026, 8, 22, 9, 48, 12, tzinfo=CEST)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("22 augusti 09:15, Stöld, Oskarshamn", dt.datetime(2026, 8, 22, 9, 15, tzinfo=CEST)),
        ("22 augusti 09.15, Stöld, Oskarshamn", dt.datetime(2026, 8, 22, 9, 15, tzinfo=CEST)),
        ("2 augusti 9.05, Stöld, Oskarshamn", dt.datetime(2026, 8, 2, 9, 5, tzinfo=CEST)),
        # Published 09:48 about 23:41: it happened the night before.
        ("22 augusti 23:41, Detonation, Trelleborg", dt.datetime(2026, 8, 21, 23, 41, tzinfo=CEST)),
        # Announced a few minutes ahead: the named time stands.
        ("22 augusti 10:15, Övrigt, Kalmar län", dt.datetime(2026, 8, 22, 10, 15, tzinfo=CEST)),
    ],
)
def test_the_event_time_is_read_from_the_name(name: str, expected: dt.datetime) -> None:
    event = police.parse_record(record(name=name))
    assert event.occurred_at == expected


def test_a_december_event_published_in_january_is_last_years() -> None:
    published = dt.datetime(2025, 1, 1, 0, 20, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    when = police.event_time("31 december 23:50, Brand, Nybro", published)
    assert when.date() == dt.date(2024, 12, 31)


def test_a_type_with_a_trailing_space_is_the_same_type() -> None:
    event = police.parse_record(record(type="Lagen om hundar och katter "))
    assert event.source_type == "Lagen om hundar och katter"
    assert event.source_type in police.TYPE_CATEGORIES


def test_summaries_are_recognised() -> None:
    assert police.is_summary(record(type="Sammanfattning natt"))
    assert police.is_summary(record(type="Sammanfattning kväll och natt"))
    assert not police.is_summary(record())


def test_a_county_is_kept_as_a_county() -> None:
    event = police.parse_record(record(location={"name": "Kalmar län", "gps": "56.66,16.36"}))
    assert event.is_county


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"datetime": "i går"}, "datetime"),
        ({"name": "Stöld, Oskarshamn"}, "name"),
        ({"name": "22 smörgås 09:15, Stöld"}, "name"),
        ({"location": {"name": "Oskarshamn", "gps": "x"}}, "location.gps"),
        ({"location": {"name": "", "gps": ""}}, "location.name"),
        ({"summary": "Vittnen kan ringa 070-123 45 67."}, "summary"),
        ({"id": None}, "id"),
    ],
)
def test_a_bad_record_names_its_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(police.RecordError) as exc:
        police.parse_record(record(**change))
    assert exc.value.field == field


def test_every_type_in_the_real_data_is_mapped() -> None:
    with gzip.open(SHARED_EVENTS / "events_2023-03_2026-08_dedup.json.gz") as fh:
        records = json.load(fh)
    types = {police.normal_type(r["type"]) for r in records}
    assert len(types) == 97
    events = {t for t in types if not t.startswith("Sammanfattning")}
    assert len(types - events) == 8  # summaries: not events
    assert events == set(police.TYPE_CATEGORIES)  # every other type mapped, none invented
