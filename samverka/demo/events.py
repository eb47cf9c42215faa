"""Seeded, realistic demo events and survey results for the five seed kommuner.

Plain data only: this module yields frozen dataclasses and imports nothing from Django, so
whoever loads the demo decides how to store them. Everything is drawn from
``random.Random`` seeded by the arguments, so the same arguments always give the same
output.

What the output shows, so that the analyses have something real to find:

* **Volume** scaled to population: about 68 police-reported events per 1 000 inhabitants
  a year (:data:`POLICE_PER_1000`) and 15 EST reports by kommun staff
  (:data:`EST_PER_1000`).
* **Place**: most events in the town centre (within 800 m) or along a main street; the
  rest scattered (Gaussian) around the kommun's named sub-areas. Coastal towns mirror
  points that would land in open water back onto land; nothing is more than a few
  kilometres from the centre.
* **Time**: violence on Friday and Saturday nights (21–03); residential burglary in the
  dark months (October–February) and in the daytime on weekdays; traffic offences at
  the rush hours (07–09, 15–18) and drink driving on weekend nights; shoplifting in
  opening hours; graffiti and other damage in the evening; EST reports in kommun
  working hours (except gatherings and drugs, seen by field staff in the evening).
* **Trends**: residential burglary falls 5 % a year and fraud rises 6 % a year, counted
  from ``start.year``.
* **A hotspot**: from the third calendar year of the period (``start.year + 2``) one
  category piles up within a few hundred metres of one point in one sub-area of each
  kommun (:attr:`KommunProfile.hotspot`): extra police events, half the category's usual
  yearly volume in the kommun (at least 15), growing by a fifth each later year. The
  survey shows that sub-area feeling less safe from the same year.

Town centres are real; the street lines and sub-area positions are approximate and the
sub-area names are invented, which is enough for a demo map. Descriptions are short
Swedish texts from templates and hold no personal data.

>>> events = generate_events("1060", date(2024, 1, 1), date(2024, 1, 31), seed=7)
>>> first = next(events)
>>> first.external_id, first.occurred_at.tzinfo
('demo-1060-1', zoneinfo.ZoneInfo(key='Europe/Stockholm'))
>>> sum(1 for _ in events) > 50
True
"""

from __future__ import annotations

import calendar
import math
import random
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from itertools import pairwise
from typing import TypeVar
from zoneinfo import ZoneInfo

__all__ = [
    "EST_CATEGORIES",
    "EST_PER_1000",
    "HOTSPOT_YEAR_OFFSET",
    "KOMMUNER",
    "POLICE_CATEGORIES",
    "POLICE_PER_1000",
    "STOCKHOLM",
    "SURVEY_QUESTIONS",
    "DemoEvent",
    "DemoSurveyResult",
    "Hotspot",
    "KommunProfile",
    "Street",
    "SubArea",
    "area_boundaries",
    "generate_events",
    "generate_survey",
    "police_shares",
]

STOCKHOLM = ZoneInfo("Europe/Stockholm")

POLICE_PER_1000 = 68.0
EST_PER_1000 = 15.0
# The hotspot appears in the third calendar year of the generated period.
HOTSPOT_YEAR_OFFSET = 2

LatLon = tuple[float, float]
_T = TypeVar("_T")


# --- public data types --------------------------------------------------------------------


@dataclass(frozen=True)
class DemoEvent:
    """One demo event: a police-reported crime (``kind="police"``) or an EST report."""

    external_id: str
    occurred_at: datetime  # aware, Europe/Stockholm
    category: str  # taxonomy code, such as "person.assault"
    source_type: str  # the Swedish label as the police or the kommun writes it
    latitude: float
    longitude: float
    place_name: str  # a street or a sub-area
    description: str
    kind: str  # "police" or "est"


@dataclass(frozen=True)
class DemoSurveyResult:
    """The share of respondents in one sub-area and year agreeing with one statement."""

    area: str
    year: int
    question: str
    respondents: int
    share: float  # 0..1


@dataclass(frozen=True)
class Street:
    """A main street as a short polyline of (lat, lon) points."""

    name: str
    points: tuple[LatLon, ...]


@dataclass(frozen=True)
class SubArea:
    """A named part of the town: a centre, a Gaussian spread and a relative weight."""

    name: str
    centre: LatLon
    spread_m: float
    weight: float
    waterfront: bool = False


@dataclass(frozen=True)
class Hotspot:
    """Where and what piles up from the third year: a category around a point."""

    area: str
    category: str
    centre: LatLon
    spread_m: float = 150.0


@dataclass(frozen=True)
class KommunProfile:
    """What the generator knows about a kommun."""

    code: str
    name: str
    population: int
    centre: LatLon
    streets: tuple[Street, ...]
    areas: tuple[SubArea, ...]
    hotspot: Hotspot
    # Open water lies east of this longitude / south of this latitude near the town.
    sea_east_of: float | None = None
    sea_south_of: float | None = None

    @property
    def police_per_year(self) -> float:
        """Expected police-reported events a year, before trends and the hotspot."""
        return self.population * POLICE_PER_1000 / 1000

    @property
    def est_per_year(self) -> float:
        """Expected EST reports a year."""
        return self.population * EST_PER_1000 / 1000


# --- the five seed kommuner ---------------------------------------------------------------

KOMMUNER: dict[str, KommunProfile] = {
    profile.code: profile
    for profile in (
        KommunProfile(
            code="0882",
            name="Oskarshamn",
            population=26_939,
            centre=(57.2646, 16.4484),
            streets=(
                Street("Kungsgatan", ((57.2598, 16.4466), (57.2646, 16.4484), (57.2702, 16.4478))),
                Street(
                    "Hantverksgatan", ((57.2654, 16.4340), (57.2646, 16.4484), (57.2640, 16.4552))
                ),
                Street(
                    "Döderhultsvägen",
                    ((57.2658, 16.4436), (57.2698, 16.4300), (57.2738, 16.4160)),
                ),
            ),
            areas=(
                SubArea("Centrum", (57.2646, 16.4484), 350, 1.0),
                SubArea("Hamnen", (57.2622, 16.4560), 250, 0.5, waterfront=True),
                SubArea("Norrby", (57.2790, 16.4420), 500, 1.0),
                SubArea("Västerslätt", (57.2640, 16.4180), 550, 1.0),
            ),
            hotspot=Hotspot("Norrby", "damage.graffiti", (57.2800, 16.4395)),
            sea_east_of=16.468,
        ),
        KommunProfile(
            code="0883",
            name="Västervik",
            population=36_600,
            centre=(57.7584, 16.6373),
            streets=(
                Street("Storgatan", ((57.7570, 16.6318), (57.7584, 16.6373), (57.7598, 16.6420))),
                Street("Strömsgatan", ((57.7556, 16.6384), (57.7584, 16.6373), (57.7612, 16.6358))),
                Street(
                    "Västra vägen", ((57.7580, 16.6300), (57.7570, 16.6150), (57.7560, 16.6000))
                ),
            ),
            areas=(
                SubArea("Centrum", (57.7584, 16.6373), 350, 1.0),
                SubArea("Hamnen", (57.7566, 16.6425), 250, 0.5, waterfront=True),
                SubArea("Lindbacken", (57.7630, 16.6150), 550, 1.0),
                SubArea("Tallåsen", (57.7500, 16.6150), 550, 1.0),
            ),
            hotspot=Hotspot("Tallåsen", "order.gathering", (57.7508, 16.6168)),
            sea_east_of=16.650,
        ),
        KommunProfile(
            code="1060",
            name="Olofström",
            population=13_300,
            centre=(56.2772, 14.5330),
            streets=(
                Street("Storgatan", ((56.2720, 14.5318), (56.2772, 14.5330), (56.2830, 14.5345))),
                Street(
                    "Järnvägsgatan", ((56.2765, 14.5230), (56.2772, 14.5330), (56.2780, 14.5430))
                ),
            ),
            areas=(
                SubArea("Centrum", (56.2772, 14.5330), 350, 1.0),
                SubArea("Bruket", (56.2700, 14.5420), 400, 0.5),
                SubArea("Holjebacken", (56.2860, 14.5250), 500, 1.0),
                SubArea("Södra höjden", (56.2680, 14.5220), 500, 1.0),
            ),
            hotspot=Hotspot("Södra höjden", "drugs", (56.2690, 14.5235)),
        ),
        KommunProfile(
            code="0761",
            name="Lessebo",
            population=8_900,
            centre=(56.7510, 15.2670),
            streets=(
                Street("Storgatan", ((56.7470, 15.2640), (56.7510, 15.2670), (56.7550, 15.2700))),
                Street(
                    "Stationsvägen", ((56.7505, 15.2580), (56.7510, 15.2670), (56.7515, 15.2760))
                ),
            ),
            areas=(
                SubArea("Centrum", (56.7510, 15.2670), 300, 1.0),
                SubArea("Bruket", (56.7535, 15.2625), 300, 0.5),
                SubArea("Furuhöjden", (56.7605, 15.2765), 450, 1.0),
                SubArea("Sjöstrand", (56.7435, 15.2565), 450, 0.8),
            ),
            hotspot=Hotspot("Furuhöjden", "damage.other", (56.7612, 15.2775)),
        ),
        KommunProfile(
            code="0481",
            name="Oxelösund",
            population=12_300,
            centre=(58.6705, 17.1010),
            streets=(
                Street("Storgatan", ((58.6700, 17.0900), (58.6705, 17.1010), (58.6710, 17.1120))),
                Street(
                    "Förmansvägen", ((58.6655, 17.1000), (58.6705, 17.1010), (58.6760, 17.1030))
                ),
            ),
            areas=(
                SubArea("Centrum", (58.6705, 17.1010), 350, 1.0),
                SubArea("Hamnen", (58.6645, 17.1150), 300, 0.6, waterfront=True),
                SubArea("Björkåsen", (58.6760, 17.0850), 500, 1.0),
                SubArea("Sundsberget", (58.6800, 17.1080), 450, 1.0),
            ),
            hotspot=Hotspot("Hamnen", "theft.vehicle", (58.6652, 17.1128)),
            sea_east_of=17.135,
            sea_south_of=58.655,
        ),
    )
}


# --- time rhythms: weight of (weekday 0=Monday, hour) ---------------------------------------

Rhythm = Callable[[int, int], float]


def _weekend_night(weekday: int, hour: int) -> bool:
    """The night after a Friday or a Saturday, 21:00–03:59."""
    return (weekday in (4, 5) and hour >= 21) or (weekday in (5, 6) and hour <= 3)


def _night(hour: int) -> bool:
    return hour >= 21 or hour <= 3


def _violence(weekday: int, hour: int) -> float:
    if _weekend_night(weekday, hour):
        return 12.0
    if _night(hour):
        return 2.5
    return 1.0 if 10 <= hour <= 20 else 0.3


def _nightlife(weekday: int, hour: int) -> float:
    if _weekend_night(weekday, hour):
        return 9.0
    if _night(hour):
        return 2.0
    return 0.8 if 10 <= hour <= 20 else 0.3


def _burglary(weekday: int, hour: int) -> float:
    if weekday < 5:
        if 9 <= hour <= 16:
            return 3.0
        if 17 <= hour <= 21:
            return 1.2
        return 0.4
    return 1.2 if 9 <= hour <= 20 else 0.4


def _traffic(weekday: int, hour: int) -> float:
    if weekday < 5:
        if hour in (7, 8, 15, 16, 17):
            return 5.0
        if 9 <= hour <= 14 or hour == 6:
            return 1.5
        return 1.0 if 18 <= hour <= 21 else 0.3
    return 1.2 if 10 <= hour <= 19 else 0.4


def _drink_driving(weekday: int, hour: int) -> float:
    if _weekend_night(weekday, hour):
        return 9.0
    if weekday >= 5 and 6 <= hour <= 10:
        return 2.0  # the morning after
    return 1.5 if _night(hour) else 0.5


def _shop(weekday: int, hour: int) -> float:
    if weekday < 5:
        if 10 <= hour <= 18:
            return 4.0
        return 2.0 if hour in (9, 19) else 0.02
    if weekday == 5:
        return 4.0 if 10 <= hour <= 15 else (1.5 if hour in (9, 16, 17) else 0.02)
    return 2.5 if 11 <= hour <= 15 else (1.0 if hour in (10, 16, 17) else 0.02)


def _evening(weekday: int, hour: int) -> float:
    boost = 1.5 if weekday in (4, 5) else 1.0
    if 18 <= hour <= 23:
        return 4.0 * boost
    if hour <= 2:
        return 3.0 * boost
    return 1.0 if hour <= 5 else 0.6


def _late(weekday: int, hour: int) -> float:
    if hour >= 22 or hour <= 4:
        return 4.0
    return 2.0 if 18 <= hour <= 21 else 0.7


def _daytime(weekday: int, hour: int) -> float:
    return 2.0 if 7 <= hour <= 22 else 0.4


def _youth_evening(weekday: int, hour: int) -> float:
    boost = 1.8 if weekday in (4, 5) else 1.0
    if 17 <= hour <= 23:
        return 4.0 * boost
    if hour <= 1:
        return 2.0 * boost
    return 0.5 if 10 <= hour <= 16 else 0.2


def _office(weekday: int, hour: int) -> float:
    if weekday < 5:
        if 7 <= hour <= 16:
            return 4.0
        return 0.8 if 17 <= hour <= 20 else 0.05
    return 0.6 if 9 <= hour <= 16 else 0.05


def _field_staff(weekday: int, hour: int) -> float:
    if 18 <= hour <= 23:
        return 5.0 if weekday in (4, 5) else 2.0
    return 2.0 if 15 <= hour <= 17 else 0.2


def _any_time(weekday: int, hour: int) -> float:
    return 1.5 if 8 <= hour <= 22 else 0.6


# Month weights, January first.
_FLAT = (1.0,) * 12
_DARK = (1.5, 1.5, 1.1, 0.75, 0.75, 0.75, 0.75, 0.75, 1.1, 1.5, 1.5, 1.5)
_VERY_DARK = (2.0, 1.8, 1.2, 0.6, 0.3, 0.2, 0.2, 0.4, 0.9, 1.6, 2.0, 2.2)
_BOATING = (0.2, 0.2, 0.4, 0.9, 2.0, 2.5, 3.0, 2.5, 1.5, 0.6, 0.3, 0.2)
_CYCLING = (0.4, 0.4, 0.7, 1.1, 1.4, 1.5, 1.5, 1.5, 1.3, 1.0, 0.6, 0.4)
_OUTDOORS = (0.7, 0.7, 0.8, 1.0, 1.2, 1.4, 1.3, 1.2, 1.0, 0.9, 0.8, 1.1)
_WINTER_ROADS = (1.3, 1.2, 1.0, 0.9, 0.9, 1.0, 1.0, 1.0, 0.95, 1.0, 1.1, 1.3)
_LITTER = (0.5, 0.5, 0.8, 1.2, 1.4, 1.5, 1.5, 1.4, 1.0, 0.8, 0.6, 0.8)

# Where an event happens: weights of (town centre, main street, sub-area).
_CENTRE_HEAVY = (0.45, 0.2, 0.35)
_STREET_HEAVY = (0.1, 0.75, 0.15)
_HOMES = (0.05, 0.05, 0.9)
_MIXED = (0.3, 0.25, 0.45)


@dataclass(frozen=True)
class _Category:
    code: str
    share: float  # of the kind's yearly volume (normalised below)
    labels: tuple[tuple[str, float], ...]  # source_type and its weight
    rhythm: Rhythm
    months: tuple[float, ...]
    place: tuple[float, float, float]
    templates: tuple[str, ...]
    trend: float = 1.0  # factor per year since start.year


_POLICE: tuple[_Category, ...] = (
    _Category(
        "person.assault",
        0.075,
        (("Misshandel", 0.85), ("Misshandel, grov", 0.15)),
        _violence,
        _OUTDOORS,
        _CENTRE_HEAVY,
        (
            "Misshandel utomhus {plats} {tid}. Den utsatta fick lindriga skador och "
            "gärningspersonen lämnade platsen.",
            "Bråk mellan flera personer {plats} {tid} som slutade i misshandel. Utredning pågår.",
            "En person slogs ned utanför en krog {plats} {tid}. Ambulans tillkallades.",
            "Misshandel i samband med fest {plats} {tid}. Vittnen har hörts på plats.",
        ),
    ),
    _Category(
        "person.threat",
        0.08,
        (("Olaga hot", 0.7), ("Ofredande", 0.3)),
        _violence,
        _FLAT,
        _MIXED,
        (
            "Olaga hot på allmän plats {plats} {tid}. Den utsatta hotades verbalt, ingen skadad.",
            "En person hotades med tillhygge {plats} {tid}. Gärningspersonen är okänd.",
            "Hot mot personal i butik {plats} {tid}. Anmälan upprättad av polis på plats.",
        ),
    ),
    _Category(
        "person.robbery",
        0.012,
        (("Rån", 0.8), ("Rån, försök", 0.2)),
        _nightlife,
        _FLAT,
        (0.4, 0.3, 0.3),
        (
            "Rån mot person {plats} {tid}. Gärningspersonerna tog mobiltelefon och plånbok.",
            "Försök till rån {plats} {tid}. Den utsatta tog sig därifrån oskadd.",
        ),
    ),
    _Category(
        "theft.residential",
        0.055,
        (("Bostadsinbrott", 0.8), ("Bostadsinbrott, försök", 0.2)),
        _burglary,
        _DARK,
        _HOMES,
        (
            "Inbrott i {bostad} {plats} {tid}. Smycken och elektronik stulna.",
            "Inbrottsförsök i {bostad} {plats}. Brytmärken på {dorr}.",
            "Inbrott i {bostad} {plats} medan de boende var bortresta.",
        ),
        trend=0.95,
    ),
    _Category(
        "theft.vehicle",
        0.065,
        (("Stöld ur motorfordon", 0.7), ("Stöld av motorfordon", 0.3)),
        _late,
        _FLAT,
        (0.15, 0.3, 0.55),
        (
            "Stöld ur bil {plats} {tid}. Sidoruta krossad, {sak} stulen.",
            "Bil stulen från parkering {plats} {tid}.",
            "Katalysator stulen från parkerad bil {plats}.",
        ),
    ),
    _Category(
        "theft.bicycle",
        0.065,
        (("Cykelstöld", 1.0),),
        _daytime,
        _CYCLING,
        (0.35, 0.25, 0.4),
        (
            "Cykel stulen från cykelställ {plats} {tid}. Cykeln var låst med vajerlås.",
            "Elcykel stulen {plats} {tid}.",
        ),
    ),
    _Category(
        "theft.shop",
        0.09,
        (("Butiksstöld", 0.6), ("Snatteri", 0.4)),
        _shop,
        _FLAT,
        (0.55, 0.4, 0.05),
        (
            "Butiksstöld {plats} {tid}. Varor för cirka {n}00 kronor, gärningspersonen avvek.",
            "Snatteri i livsmedelsbutik {plats}. Personal ingrep och polis kallades.",
        ),
    ),
    _Category(
        "theft.boat",
        0.015,
        (("Stöld av båtmotor", 0.6), ("Båtstöld", 0.4)),
        _late,
        _BOATING,
        (0.1, 0.05, 0.85),
        (
            "Båtmotor stulen från båtplats {plats} {tid}.",
            "Båt stulen från brygga {plats} {tid}. Låset uppbrutet.",
        ),
    ),
    _Category(
        "damage.graffiti",
        0.05,
        (("Klotter", 0.8), ("Skadegörelse genom klotter", 0.2)),
        _evening,
        _FLAT,
        _MIXED,
        (
            "Klotter på {yta} {plats} {tid}. Cirka {n} kvadratmeter.",
            "Taggar sprejade på {yta} {plats}. Fotodokumenterat.",
        ),
    ),
    _Category(
        "damage.other",
        0.08,
        (("Skadegörelse", 1.0),),
        _evening,
        _FLAT,
        (0.35, 0.25, 0.4),
        (
            "Skadegörelse {plats} {tid}: {inventarie} förstörd.",
            "Krossade rutor {plats} {tid}. Ingen gärningsperson anträffad.",
        ),
    ),
    _Category(
        "damage.arson",
        0.012,
        (("Anlagd brand", 0.8), ("Skadegörelse genom brand", 0.2)),
        _late,
        _OUTDOORS,
        (0.15, 0.15, 0.7),
        ("Brand i {brandobjekt} {plats} {tid}. Räddningstjänsten släckte, branden bedöms anlagd.",),
    ),
    _Category(
        "drugs",
        0.075,
        (("Narkotikabrott", 0.4), ("Narkotikabrott, ringa", 0.6)),
        _youth_evening,
        _FLAT,
        (0.35, 0.2, 0.45),
        (
            "Narkotikabrott {plats} {tid}. Mindre mängd cannabis beslagtagen vid kontroll.",
            "Misstänkt narkotikaförsäljning {plats} {tid}. Spaning genomförd.",
            "En person påträffades påverkad av narkotika {plats} {tid}. Provtagning gjord.",
        ),
    ),
    _Category(
        "traffic.speeding",
        0.06,
        (("Hastighetsöverträdelse", 1.0),),
        _traffic,
        _FLAT,
        _STREET_HEAVY,
        (
            "Hastighetskontroll {plats} {tid}: {n} förare rapporterade, högsta uppmätta "
            "hastighet {v} km/h där {g} km/h gäller.",
            "Fordon uppmätt till {v} km/h {plats} där {g} km/h gäller. Föraren rapporterad.",
        ),
    ),
    _Category(
        "traffic.drink_driving",
        0.03,
        (("Rattfylleri", 0.7), ("Drograttfylleri", 0.3)),
        _drink_driving,
        _FLAT,
        (0.1, 0.7, 0.2),
        (
            "Rattfylleri {plats} {tid}. Föraren stoppades vid kontroll och blåste positivt.",
            "Misstänkt drograttfylleri {plats} {tid}. Blodprov taget.",
        ),
    ),
    _Category(
        "traffic.accident",
        0.04,
        (
            ("Trafikolycka", 0.6),
            ("Trafikolycka, personskada", 0.25),
            ("Trafikolycka, singel", 0.15),
        ),
        _traffic,
        _WINTER_ROADS,
        (0.15, 0.65, 0.2),
        (
            "Trafikolycka {plats} {tid}: kollision mellan två personbilar, lindriga skador.",
            "Singelolycka {plats} {tid}. Föraren fördes till sjukhus för kontroll.",
            "Cyklist påkörd {plats} {tid}. Lindriga skador.",
        ),
    ),
    _Category(
        "order.disturbance",
        0.06,
        (("Ordningsstörning", 0.6), ("Fylleri/LOB", 0.4)),
        _nightlife,
        _OUTDOORS,
        (0.5, 0.15, 0.35),
        (
            "Ordningsstörning {plats} {tid}. En berusad person omhändertogs.",
            "Högljutt bråk {plats} {tid}. Polis skingrade sällskapet.",
        ),
    ),
    _Category(
        "order.gathering",
        0.02,
        (("Otrygghetsskapande samling", 1.0),),
        _youth_evening,
        _OUTDOORS,
        (0.4, 0.2, 0.4),
        (
            "Grupp om cirka {n} ungdomar samlade {plats} {tid}. Förbipasserande upplevde "
            "situationen som otrygg.",
        ),
    ),
    _Category(
        "order.unsafe_lighting",
        0.004,
        (("Medborgardialog: otrygg plats", 1.0),),
        _any_time,
        _VERY_DARK,
        _MIXED,
        ("Vid medborgardialog framkom att belysningen {plats} är bristfällig och upplevs otrygg.",),
    ),
    _Category(
        "order.unsafe_sightlines",
        0.004,
        (("Medborgardialog: otrygg plats", 1.0),),
        _any_time,
        _FLAT,
        _MIXED,
        ("Vid medborgardialog påtalades dålig insyn {plats}: tät växtlighet skymmer gångvägen.",),
    ),
    _Category(
        "order.unsafe_deserted",
        0.004,
        (("Medborgardialog: otrygg plats", 1.0),),
        _any_time,
        _FLAT,
        _MIXED,
        ("Vid medborgardialog beskrevs stråket {plats} som ödsligt och otryggt kvällstid.",),
    ),
    _Category(
        "order.unsafe_litter",
        0.003,
        (("Medborgardialog: otrygg plats", 1.0),),
        _any_time,
        _LITTER,
        _MIXED,
        ("Vid medborgardialog påtalades nedskräpning {plats}.",),
    ),
    _Category(
        "fraud.fraud",
        0.08,
        (("Bedrägeri", 0.6), ("Kortbedrägeri", 0.25), ("Telefonbedrägeri", 0.15)),
        _office,
        _FLAT,
        (0.1, 0.1, 0.8),
        (
            "Bedrägeri mot äldre person {plats}. Gärningspersonen utgav sig för att ringa "
            "från banken.",
            "Kortbedrägeri: okända köp med ett kontokort som stulits {plats}.",
            "Den utsatta {plats} lurades att legitimera sig med e-legitimation och förlorade "
            "pengar.",
        ),
        trend=1.06,
    ),
)

_EST: tuple[_Category, ...] = (
    _Category(
        "damage.graffiti",
        0.30,
        (("Klotter", 1.0),),
        _office,
        _FLAT,
        (0.35, 0.25, 0.4),
        (
            "Klotter på {yta} {plats}, cirka {n} kvadratmeter. Beställt sanering.",
            "Nytt klotter på {yta} {plats}. Fotograferat och anmält för sanering.",
        ),
    ),
    _Category(
        "damage.other",
        0.18,
        (("Glaskross", 1.0),),
        _office,
        _FLAT,
        (0.35, 0.25, 0.4),
        (
            "Glaskross {plats}: {glas} krossad. Platsen spärrad i väntan på städning.",
            "Krossat glas {plats} efter natten. Städning beställd.",
        ),
    ),
    _Category(
        "order.unsafe_litter",
        0.20,
        (("Nedskräpning", 1.0),),
        _office,
        _LITTER,
        _MIXED,
        (
            "Nedskräpning {plats}: {skrap}. Städning beställd.",
            "Mycket skräp {plats} efter helgen. Gatuenheten underrättad.",
        ),
    ),
    _Category(
        "order.unsafe_lighting",
        0.08,
        (("Otrygg plats", 1.0),),
        _office,
        _VERY_DARK,
        _MIXED,
        (
            "Trasig gatubelysning {plats}, {n} armaturer släckta. Upplevs otryggt efter "
            "mörkrets inbrott.",
        ),
    ),
    _Category(
        "order.unsafe_deserted",
        0.06,
        (("Otrygg plats", 1.0),),
        _office,
        _FLAT,
        (0.2, 0.2, 0.6),
        (
            "Otrygg plats {plats}: ödsligt stråk utan insyn kvällstid. Föreslås för "
            "trygghetsvandring.",
        ),
    ),
    _Category(
        "order.gathering",
        0.12,
        (("Otrygghetsskapande samling", 1.0),),
        _field_staff,
        _OUTDOORS,
        (0.4, 0.2, 0.4),
        (
            "Samling av cirka {n} ungdomar {plats} {tid}. Upplevs otrygghetsskapande av "
            "förbipasserande.",
            "Fältassistenter mötte en större grupp ungdomar {plats} {tid}. Viss oro i området.",
        ),
    ),
    _Category(
        "drugs",
        0.06,
        (("Misstänkt droghantering", 1.0),),
        _field_staff,
        _FLAT,
        (0.3, 0.2, 0.5),
        (
            "Misstänkt droghantering {plats} {tid}. Observerat av fältassistenter och "
            "lämnat till polisen.",
            "Fynd av förpackningsmaterial som tyder på droghantering {plats}.",
        ),
    ),
)

POLICE_CATEGORIES: tuple[str, ...] = tuple(c.code for c in _POLICE)
EST_CATEGORIES: tuple[str, ...] = tuple(c.code for c in _EST)

_FILLERS: dict[str, tuple[str, ...]] = {
    "bostad": ("villa", "lägenhet", "radhus", "källarförråd"),
    "dorr": ("altandörren", "ett fönster", "ytterdörren", "balkongdörren"),
    "sak": ("verktygsväska", "väska", "navigator"),
    "yta": ("fasad", "elskåp", "busskur", "skolbyggnad", "gångtunnel", "bullerplank"),
    "inventarie": ("busskur", "papperskorg", "parkbänk", "skylt", "lekplatsutrustning"),
    "brandobjekt": ("container", "papperskorg", "soprum", "parkerad bil"),
    "glas": ("busskur", "fönsterruta i skolan", "belysningsarmatur", "glasdörr"),
    "skrap": ("flaskor och burkar", "matavfall och förpackningar", "lustgaspatroner"),
}


def _normalised(categories: tuple[_Category, ...]) -> tuple[tuple[_Category, float], ...]:
    total = sum(c.share for c in categories)
    return tuple((c, c.share / total) for c in categories)


_POLICE_SHARES = _normalised(_POLICE)
_EST_SHARES = _normalised(_EST)


def _pick(rng: random.Random, items: Sequence[_T], cum: Sequence[float]) -> _T:
    """One of ``items`` by cumulative weights (what ``rng.choices`` does, for one item)."""
    return items[bisect_right(cum, rng.random() * cum[-1])]


@cache
def _cum(weights: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(_cumulative(list(weights)))


def _cumulative(weights: list[float]) -> list[float]:
    out: list[float] = []
    running = 0.0
    for w in weights:
        running += w
        out.append(running)
    return out


@dataclass(frozen=True)
class _RhythmTable:
    weekday_totals: tuple[float, ...]  # 7
    hour_cum: tuple[tuple[float, ...], ...]  # 7 x 24 cumulative


_RHYTHMS: dict[Rhythm, _RhythmTable] = {}


def _rhythm_table(rhythm: Rhythm) -> _RhythmTable:
    table = _RHYTHMS.get(rhythm)
    if table is None:
        rows = [[rhythm(wd, h) for h in range(24)] for wd in range(7)]
        table = _RhythmTable(
            tuple(sum(row) for row in rows), tuple(tuple(_cumulative(row)) for row in rows)
        )
        _RHYTHMS[rhythm] = table
    return table


# --- sampling helpers ---------------------------------------------------------------------


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam < 30:
        limit, k, p = math.exp(-lam), 0, rng.random()
        while p > limit:
            k += 1
            p *= rng.random()
        return k
    return max(0, round(rng.gauss(lam, math.sqrt(lam))))


class _Frame:
    """Metres east/north of a kommun's centre, good to a fraction of a per cent nearby."""

    def __init__(self, centre: LatLon) -> None:
        self.lat0, self.lon0 = centre
        self.m_lat = 111_132.954 - 559.822 * math.cos(2 * math.radians(self.lat0))
        self.m_lon = 111_412.84 * math.cos(math.radians(self.lat0))

    def to_xy(self, point: LatLon) -> tuple[float, float]:
        return (point[1] - self.lon0) * self.m_lon, (point[0] - self.lat0) * self.m_lat

    def to_latlon(self, x: float, y: float) -> LatLon:
        return self.lat0 + y / self.m_lat, self.lon0 + x / self.m_lon


class _Places:
    """Draws positions and place names for one kommun."""

    CENTRE_SIGMA_M = 300.0
    CENTRE_RADIUS_M = 800.0

    def __init__(self, profile: KommunProfile) -> None:
        self.profile = profile
        self.frame = _Frame(profile.centre)
        self.areas = [(a, self.frame.to_xy(a.centre)) for a in profile.areas]
        self.area_cum = _cumulative([a.weight for a in profile.areas])
        self.waterfront_cum = _cumulative(
            [a.weight * (6.0 if a.waterfront else 1.0) for a in profile.areas]
        )
        self.segments: list[tuple[str, tuple[float, float], tuple[float, float], float]] = []
        for street in profile.streets:
            xy = [self.frame.to_xy(p) for p in street.points]
            for a, b in pairwise(xy):
                self.segments.append((street.name, a, b, math.dist(a, b)))
        self.segment_cum = _cumulative([s[3] for s in self.segments])

    def _onshore(self, lat: float, lon: float) -> LatLon:
        east, south = self.profile.sea_east_of, self.profile.sea_south_of
        if east is not None and lon > east:
            lon = 2 * east - lon
        if south is not None and lat < south:
            lat = 2 * south - lat
        return lat, lon

    def nearest_area(self, x: float, y: float) -> str:
        return min(self.areas, key=lambda item: math.dist(item[1], (x, y)))[0].name

    def _gauss_around(
        self, rng: random.Random, centre: tuple[float, float], sigma: float, limit: float
    ) -> tuple[float, float]:
        for _ in range(20):
            x = centre[0] + rng.gauss(0.0, sigma)
            y = centre[1] + rng.gauss(0.0, sigma)
            if math.hypot(x - centre[0], y - centre[1]) <= limit:
                return x, y
        return centre

    def draw(
        self, rng: random.Random, mode_weights: tuple[float, float, float], waterfront: bool
    ) -> tuple[float, float, str, str]:
        """(lat, lon, place name, place phrase such as "på Storgatan")."""
        mode = _pick(rng, (0, 1, 2), _cum(mode_weights))
        if mode == 1 and self.segments:
            name, a, b, length = _pick(rng, self.segments, self.segment_cum)
            t = rng.random()
            offset = max(-40.0, min(40.0, rng.gauss(0.0, 12.0)))
            nx, ny = (a[1] - b[1]) / length, (b[0] - a[0]) / length  # unit normal
            x = a[0] + t * (b[0] - a[0]) + offset * nx
            y = a[1] + t * (b[1] - a[1]) + offset * ny
            lat, lon = self._onshore(*self.frame.to_latlon(x, y))
            return lat, lon, name, f"{rng.choice(('på', 'vid'))} {name}"
        if mode == 0:
            x, y = self._gauss_around(rng, (0.0, 0.0), self.CENTRE_SIGMA_M, self.CENTRE_RADIUS_M)
        else:
            cum = self.waterfront_cum if waterfront else self.area_cum
            area, xy = _pick(rng, self.areas, cum)
            # Gaussian scatter, cut at three standard deviations.
            x, y = self._gauss_around(rng, xy, area.spread_m, 3 * area.spread_m)
        lat, lon = self._onshore(*self.frame.to_latlon(x, y))
        name = self.nearest_area(*self.frame.to_xy((lat, lon)))
        return lat, lon, name, f"i {name}"

    def draw_hotspot(self, rng: random.Random) -> tuple[float, float, str, str]:
        spot = self.profile.hotspot
        x, y = self._gauss_around(
            rng, self.frame.to_xy(spot.centre), spot.spread_m, 3 * spot.spread_m
        )
        lat, lon = self._onshore(*self.frame.to_latlon(x, y))
        return lat, lon, spot.area, f"i {spot.area}"


def _time_phrase(hour: int) -> str:
    if hour <= 4:
        return "under natten"
    if hour <= 9:
        return "på morgonen"
    if hour <= 11:
        return "på förmiddagen"
    if hour <= 17:
        return "på eftermiddagen"
    return "på kvällen" if hour <= 21 else "sent på kvällen"


def _describe(rng: random.Random, category: _Category, phrase: str, hour: int) -> str:
    template = rng.choice(category.templates)
    limit = rng.choice((30, 40, 50, 50, 70))
    values = {
        "plats": phrase,
        "tid": _time_phrase(hour),
        "n": str(rng.randint(2, 12)),
        "g": str(limit),
        "v": str(limit + rng.randint(12, 45)),
    }
    for key, options in _FILLERS.items():
        if "{" + key + "}" in template:
            values[key] = rng.choice(options)
    return template.format(**values)


def _label(rng: random.Random, category: _Category) -> str:
    return _pick(rng, category.labels, _cum(tuple(w for _, w in category.labels)))[0]


def _local_time(day: date, hour: int, minute: int) -> datetime:
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)
    # Round trip through UTC so a time in the spring-forward gap becomes a real one.
    return local.astimezone(UTC).astimezone(STOCKHOLM)


def _profile(kommun_code: str) -> KommunProfile:
    try:
        return KOMMUNER[kommun_code]
    except KeyError:
        known = ", ".join(f"{c} {p.name}" for c, p in sorted(KOMMUNER.items()))
        raise ValueError(f"no demo profile for kommun {kommun_code!r}; known: {known}") from None


# --- events -------------------------------------------------------------------------------


def generate_events(kommun_code: str, start: date, end: date, seed: int = 1) -> Iterator[DemoEvent]:
    """Yield demo events for one kommun from ``start`` to ``end`` (both inclusive).

    Events come month by month in time order, each month drawn from its own generator
    seeded by ``seed``, the kommun and the month, so nothing is held beyond one month.
    ``external_id`` is ``f"demo-{kommun_code}-{n}"`` with ``n`` counting from 1 in time
    order: stable for the same arguments.

    Parameters
    ----------
    kommun_code : str
        A key of :data:`KOMMUNER`, such as ``"0882"``.
    start, end : datetime.date
        The period. Trends count years from ``start.year`` and the hotspot appears in
        ``start.year + 2``.
    seed : int
        Different seeds give different, equally plausible, output.

    Raises
    ------
    ValueError
        For an unknown kommun or ``start`` after ``end``.

    Examples
    --------
    >>> events = list(generate_events("0761", date(2023, 6, 1), date(2023, 6, 30)))
    >>> len(events) > 40, events[0].occurred_at <= events[-1].occurred_at
    (True, True)
    >>> sorted({e.kind for e in events})
    ['est', 'police']
    """
    profile = _profile(kommun_code)
    if start > end:
        raise ValueError(f"start {start} is after end {end}")
    return _events(profile, start, end, seed)


_HOURS = tuple(range(24))


# An event before it has its external id: (when, code, label, lat, lon, place, text, kind).
_Draft = tuple[datetime, str, str, float, float, str, str, str]


def _draw(
    rng: random.Random,
    places: _Places,
    days: list[date],
    category: _Category,
    count: int,
    kind: str,
    hotspot: bool = False,
) -> list[_Draft]:
    """``count`` events of one category on ``days``."""
    table = _rhythm_table(category.rhythm)
    day_cum = _cumulative([table.weekday_totals[d.weekday()] for d in days])
    out: list[_Draft] = []
    for _ in range(count):
        day = _pick(rng, days, day_cum)
        hour = _pick(rng, _HOURS, table.hour_cum[day.weekday()])
        if hotspot:
            lat, lon, name, phrase = places.draw_hotspot(rng)
        else:
            waterfront = category.code == "theft.boat"
            lat, lon, name, phrase = places.draw(rng, category.place, waterfront)
        out.append(
            (
                _local_time(day, hour, rng.randrange(60)),
                category.code,
                _label(rng, category),
                round(lat, 6),
                round(lon, 6),
                name,
                _describe(rng, category, phrase, hour),
                kind,
            )
        )
    return out


def _month_factor(category: _Category, month: int) -> float:
    return category.months[month - 1] / (sum(category.months) / 12)


def _events(profile: KommunProfile, start: date, end: date, seed: int) -> Iterator[DemoEvent]:
    places = _Places(profile)
    hotspot_category = next(c for c in _POLICE if c.code == profile.hotspot.category)
    hotspot_base = profile.police_per_year * dict(_POLICE_SHARES)[hotspot_category]
    n = 0
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        days_in_month = calendar.monthrange(year, month)[1]
        first = start.day if (year, month) == (start.year, start.month) else 1
        last = end.day if (year, month) == (end.year, end.month) else days_in_month
        days = [date(year, month, d) for d in range(first, last + 1)]
        coverage = len(days) / days_in_month
        years_in = year - start.year
        # Demo data, not security: a plain PRNG seeded for reproducibility.
        rng = random.Random(f"samverka-demo-events:{seed}:{profile.code}:{year}-{month:02d}")  # noqa: S311

        month_events: list[_Draft] = []
        for kind, shares, per_year in (
            ("police", _POLICE_SHARES, profile.police_per_year),
            ("est", _EST_SHARES, profile.est_per_year),
        ):
            for category, share in shares:
                lam = per_year / 12 * share * _month_factor(category, month) * coverage
                lam *= category.trend**years_in
                count = _poisson(rng, lam)
                month_events += _draw(rng, places, days, category, count, kind)
        if years_in >= HOTSPOT_YEAR_OFFSET:
            ramp = 1.0 + 0.2 * (years_in - HOTSPOT_YEAR_OFFSET)
            lam = max(15.0, 0.5 * hotspot_base) * ramp / 12 * coverage
            lam *= _month_factor(hotspot_category, month)
            count = _poisson(rng, lam)
            month_events += _draw(
                rng, places, days, hotspot_category, count, "police", hotspot=True
            )

        month_events.sort(key=lambda draft: draft[0])
        for when, code, label, lat, lon, name, text, kind in month_events:
            n += 1
            yield DemoEvent(
                f"demo-{profile.code}-{n}", when, code, label, lat, lon, name, text, kind
            )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


# --- survey -------------------------------------------------------------------------------

SURVEY_QUESTIONS: tuple[str, ...] = (
    "Känner sig otrygg ute sent på kvällen",
    "Avstår från aktiviteter av oro för brott",
    "Upplever nedskräpning som ett problem i området",
    "Oroar sig för inbrott i bostaden",
)
_SURVEY_BASE = (0.24, 0.14, 0.30, 0.26)
# How much the hotspot worsens each question in its sub-area.
_HOTSPOT_EFFECT = (0.10, 0.06, 0.05, 0.02)


def generate_survey(kommun_code: str, years: range, seed: int = 1) -> list[DemoSurveyResult]:
    """Demo results of a yearly safety survey: each sub-area, year and question.

    Respondents are 80–400 per sub-area and year; the share is drawn binomially
    around a base that differs by question and sub-area, drifts a little from year to
    year (worry about burglary eases with the burglary trend) and rises in the hotspot's
    sub-area from ``years[0] + 2``, the year the hotspot appears in events generated
    from ``years[0]``.

    Examples
    --------
    >>> rows = generate_survey("0481", range(2021, 2026))
    >>> len(rows), rows[0].question
    (80, 'Känner sig otrygg ute sent på kvällen')
    >>> all(80 <= r.respondents <= 400 and 0 <= r.share <= 1 for r in rows)
    True
    """
    profile = _profile(kommun_code)
    if not years:
        return []
    rng = random.Random(f"samverka-demo-survey:{seed}:{profile.code}")  # noqa: S311
    hotspot_year = years[0] + HOTSPOT_YEAR_OFFSET
    total_weight = sum(a.weight for a in profile.areas)
    town = min(0.03, profile.population / 1_000_000)  # bigger towns feel a bit less safe
    offsets = {
        a.name: [
            rng.uniform(-0.04, 0.04) + (0.04 if a.name == "Centrum" and q in (0, 2) else 0.0)
            for q in range(len(SURVEY_QUESTIONS))
        ]
        for a in profile.areas
    }
    drift = [0.0] * len(SURVEY_QUESTIONS)
    results: list[DemoSurveyResult] = []
    for year in years:
        years_in = year - years[0]
        drift = [d + rng.gauss(0.0, 0.008) for d in drift]
        for area in profile.areas:
            size = 80 + 320 * area.weight / total_weight * len(profile.areas) / 2
            respondents = max(80, min(400, round(rng.gauss(size, 25))))
            for q, question in enumerate(SURVEY_QUESTIONS):
                p = _SURVEY_BASE[q] + town + offsets[area.name][q] + drift[q]
                if q == 3:
                    p -= 0.01 * years_in
                if area.name == profile.hotspot.area and year >= hotspot_year:
                    p += _HOTSPOT_EFFECT[q] * (1.0 + 0.2 * (year - hotspot_year))
                p = min(0.95, max(0.02, p))
                yes = sum(1 for _ in range(respondents) if rng.random() < p)
                results.append(
                    DemoSurveyResult(area.name, year, question, respondents, yes / respondents)
                )
    return results


def area_boundaries(kommun_code: str, steps: int = 48) -> dict[str, dict[str, object]]:
    """A GeoJSON polygon for each named sub-area of a kommun, so that a map or a filter
    can place events in them.

    Each polygon is the area's Voronoi cell among the kommun's sub-area centres (every
    point nearer its own centre than any other's), cut at three times its spread and at
    least 1.5 km from the centre, traced at ``steps`` angles. Invented areas, like their
    names.

    >>> shapes = area_boundaries("0882")
    >>> sorted(shapes) == sorted(area.name for area in KOMMUNER["0882"].areas)
    True
    >>> shapes[next(iter(shapes))]["type"]
    'Polygon'
    """
    profile = _profile(kommun_code)
    lat0, lon0 = profile.centre
    metres_lon = 111_320.0 * math.cos(math.radians(lat0))
    metres_lat = 110_540.0
    centres = [
        ((area.centre[1] - lon0) * metres_lon, (area.centre[0] - lat0) * metres_lat)
        for area in profile.areas
    ]
    shapes: dict[str, dict[str, object]] = {}
    for index, area in enumerate(profile.areas):
        cx, cy = centres[index]
        reach = max(1500.0, 3.0 * area.spread_m)
        ring: list[list[float]] = []
        for step in range(steps):
            angle = 2 * math.pi * step / steps
            ux, uy = math.cos(angle), math.sin(angle)
            radius = reach
            for other, (ox, oy) in enumerate(centres):
                if other == index:
                    continue
                dx, dy = ox - cx, oy - cy
                towards = dx * ux + dy * uy
                if towards > 0:
                    radius = min(radius, (dx * dx + dy * dy) / (2 * towards))
            x, y = cx + radius * ux, cy + radius * uy
            ring.append([round(lon0 + x / metres_lon, 6), round(lat0 + y / metres_lat, 6)])
        ring.append(ring[0])
        shapes[area.name] = {"type": "Polygon", "coordinates": [ring]}
    return shapes


def police_shares() -> dict[str, float]:
    """Each police category's share of the yearly volume, as the generator draws them
    (for loads that need the demo's mix without its per-event detail).

    >>> shares = police_shares()
    >>> round(sum(shares.values()), 6), shares["person.assault"] > 0
    (1.0, True)
    """
    return {category.code: share for category, share in _normalised(_POLICE)}
