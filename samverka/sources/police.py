"""Reading records of the Police events API (``/api/events``).

The traps (see the shared data README): the hour in ``datetime`` is not always
zero-padded; ``datetime`` is when the police published, the event's own time is in
``name`` ("21 mars 09:45, Misshandel, Södertälje" or "… 17.59, …") and may lie on
the day before; ``location.name`` is a län in about a third of the records and such
events stay at län level; ``gps`` is always a centre, never the scene; summaries
("Sammanfattning natt") are not events; a record can come again, updated, under the
same id; one type has a trailing space.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from samverka.lib.privacy import find_personal_data
from samverka.sources import reasons

# Every type the API has used (97), mapped to the common taxonomy; summaries are skipped.
TYPE_CATEGORIES: dict[str, str] = {
    "Alkohollagen": "other",
    "Anträffad död": "other",
    "Anträffat gods": "theft.other",
    "Arbetsplatsolycka": "other",
    "Bedrägeri": "fraud.fraud",
    "Bombhot": "person.threat",
    "Brand": "other",
    "Brand automatlarm": "other",
    "Bråk": "order.disturbance",
    "Detonation": "organized.explosion",
    "Djur": "other",
    "Efterlyst person": "other",
    "Ekobrott": "fraud.work",
    "Explosion": "organized.explosion",
    "Farligt föremål, misstänkt": "other",
    "Fjällräddning": "other",
    "Fylleri": "order.disturbance",
    "Fylleri/LOB": "order.disturbance",
    "Förfalskningsbrott": "fraud.fraud",
    "Försvunnen person": "other",
    "Hemfridsbrott": "person.threat",
    "Hets mot folkgrupp": "extremism",
    "Häleri": "theft.other",
    "Inbrott": "theft.residential",
    "Inbrott, försök": "theft.residential",
    "Information": "other",
    "Knivlagen": "other",
    "Kontroll": "other",
    "Kontroll person/fordon": "other",
    "Lagen om hundar och katter": "other",
    "Larm Inbrott": "theft.residential",
    "Larm Överfall": "person.robbery",
    "Luftfartslagen": "other",
    "Miljöbrott": "other",
    "Missbruk av urkund": "fraud.fraud",
    "Misshandel": "person.assault",
    "Misshandel, grov": "person.assault",
    "Mord/dråp": "person.lethal",
    "Mord/dråp, försök": "person.lethal",
    "Mordbrand": "damage.arson",
    "Motorfordon, anträffat stulet": "theft.vehicle",
    "Motorfordon, stöld": "theft.vehicle",
    "Narkotikabrott": "drugs",
    "Ofredande/förargelse": "person.threat",
    "Olaga frihetsberövande/människorov": "person",
    "Olaga hot": "person.threat",
    "Olaga intrång": "order.mischief",
    "Olovlig körning": "traffic",
    "Ordningslagen": "order.disturbance",
    "Polisinsats/kommendering": "other",
    "Rattfylleri": "traffic.drink_driving",
    "Räddningsinsats": "other",
    "Rån": "person.robbery",
    "Rån väpnat": "person.robbery",
    "Rån övrigt": "person.robbery",
    "Rån, försök": "person.robbery",
    "Sabotage mot blåljusverksamhet": "damage.other",
    "Sedlighetsbrott": "person.sexual",
    "Sexualbrott": "person.sexual",
    "Sjukdom/olycksfall": "other",
    "Sjölagen": "other",
    "Skadegörelse": "damage.other",
    "Skottlossning": "organized.shooting",
    "Skottlossning, misstänkt": "organized.shooting",
    "Skyddslagen": "other",
    "Smällar": "order.disturbance",
    "Spridning smitta/kemikalier": "other",
    "Stöld": "theft.other",
    "Stöld, försök": "theft.other",
    "Stöld/inbrott": "theft",
    "Trafikbrott": "traffic",
    "Trafikhinder": "other",
    "Trafikkontroll": "traffic",
    "Trafikolycka": "traffic.accident",
    "Trafikolycka, personskada": "traffic.accident",
    "Trafikolycka, singel": "traffic.accident",
    "Trafikolycka, smitning från": "traffic.accident",
    "Trafikolycka, vilt": "traffic.accident",
    "Uppdatering": "other",
    "Upphittat föremål": "other",
    "Utlänningslagen": "other",
    "Vapenlagen": "other",
    "Varningslarm/haveri": "other",
    "Våld/hot mot tjänsteman": "person.threat",
    "Våldtäkt": "person.sexual",
    "Våldtäkt, försök": "person.sexual",
    "Vållande till kroppsskada": "other",
    "Åldringsbrott": "fraud.fraud",
    "Övrigt": "other",
}
SUMMARY_PREFIX = "Sammanfattning"

MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ],
        start=1,
    )
}
_NAME = re.compile(r"^\s*(\d{1,2}) ([a-zåäö]+) (\d{1,2})[:.](\d{2})\s*,", re.IGNORECASE)
# Announcements are often published a few minutes before the time they name.
ROLLBACK_AFTER = dt.timedelta(hours=1)


class RecordError(ValueError):
    """A record that cannot become an event; ``field`` names where the trouble is."""

    def __init__(self, field: str, reason: str) -> None:
        reason = reasons.police(field, reason)  # named by the field's label
        super().__init__(reason)
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class PoliceEvent:
    external_id: str
    occurred_at: dt.datetime
    published_at: dt.datetime
    source_type: str
    place_name: str
    is_county: bool
    latitude: float | None
    longitude: float | None
    description: str


def normal_type(raw: str) -> str:
    return " ".join(raw.split())


def is_summary(record: dict[str, Any]) -> bool:
    return normal_type(str(record.get("type", ""))).startswith(SUMMARY_PREFIX)


def parse_published(raw: str) -> dt.datetime:
    """'2026-08-22 9:48:12 +02:00' (the hour not always zero-padded)."""
    try:
        return dt.datetime.strptime(raw.strip(), "%Y-%m-%d %H:%M:%S %z")
    except (ValueError, AttributeError):
        raise RecordError("datetime", reasons.not_a("time", raw)) from None


def event_time(name: str, published: dt.datetime) -> dt.datetime:
    """The event's own time, from ``name``, in the publication's time zone.

    The year is the publication's (the year before for a December event published in
    January). Where the named time lies more than an hour after publication, the
    event happened the day before: the police published it the next morning.

    >>> pub = dt.datetime(2023, 4, 4, 6, 50, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    >>> event_time("04 april 23:41, Detonation, Trelleborg", pub).isoformat()
    '2023-04-03T23:41:00+02:00'
    >>> event_time("4 april 06.15, Brand, Trelleborg", pub).isoformat()
    '2023-04-04T06:15:00+02:00'
    """
    match = _NAME.match(name)
    if match is None:
        raise RecordError(
            "name", _("no date and time at the start: “%(value)s”") % {"value": name[:60]}
        )
    day, month_name, hour, minute = match.groups()
    month = MONTHS.get(month_name.lower())
    if month is None:
        raise RecordError("name", _("unknown month: “%(value)s”") % {"value": month_name})
    year = published.year - 1 if month == 12 and published.month == 1 else published.year
    try:
        when = dt.datetime(year, month, int(day), int(hour), int(minute), tzinfo=published.tzinfo)
    except ValueError:
        raise RecordError("name", reasons.not_a("date", f"{day} {month_name}")) from None
    if when - published > ROLLBACK_AFTER:
        when -= dt.timedelta(days=1)
    return when


def parse_record(record: dict[str, Any]) -> PoliceEvent:
    """One API record as an event; raises :class:`RecordError` naming the field."""
    if not isinstance(record, dict):
        raise RecordError("", _("not an object"))
    raw_id = record.get("id")
    if raw_id is None or str(raw_id).strip() == "":
        raise RecordError("id", _("missing"))
    published = parse_published(str(record.get("datetime", "")))
    source_type = normal_type(str(record.get("type", "")))
    if not source_type:
        raise RecordError("type", _("missing"))
    location = record.get("location") or {}
    place = str(location.get("name", "")).strip()
    if not place:
        raise RecordError("location.name", _("missing"))
    latitude = longitude = None
    gps = str(location.get("gps", "")).strip()
    if gps:
        try:
            lat_text, lon_text = gps.split(",")
            latitude, longitude = float(lat_text), float(lon_text)
        except ValueError:
            raise RecordError(
                "location.gps", _("not “lat,lon”: “%(value)s”") % {"value": gps}
            ) from None
        if not (54 <= latitude <= 70 and 10 <= longitude <= 25):
            raise RecordError("location.gps", _("outside Sweden: “%(value)s”") % {"value": gps})
    description = str(record.get("summary", "")).strip()
    for field, text in (("summary", description), ("location.name", place), ("type", source_type)):
        found = find_personal_data(text)
        if found:
            raise RecordError(field, reasons.personal_data(found))
    return PoliceEvent(
        external_id=str(raw_id).strip(),
        occurred_at=event_time(str(record.get("name", "")), published),
        published_at=published,
        source_type=source_type,
        place_name=place,
        is_county=place.endswith(" län"),
        latitude=latitude,
        longitude=longitude,
        description=description,
    )
