"""The demo event generator: volumes, places, rhythms, trends, the hotspot, privacy.

Statistical checks run on five years (2021–2025) of all five kommuner with seed 1,
generated once for the module. No database is involved.
"""

import doctest
import inspect
import math
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest

from samverka.demo import events as demo_events
from samverka.demo.events import (
    EST_CATEGORIES,
    KOMMUNER,
    POLICE_CATEGORIES,
    SURVEY_QUESTIONS,
    DemoEvent,
    DemoSurveyResult,
    KommunProfile,
    generate_events,
    generate_survey,
)
from samverka.lib.geo import wgs84_to_sweref99tm
from samverka.lib.privacy import find_personal_data

START, END = date(2021, 1, 1), date(2025, 12, 31)
YEARS = range(2021, 2026)
HOTSPOT_FROM = 2023  # the third calendar year

TAXONOMY = {
    "person.assault",
    "person.threat",
    "person.robbery",
    "theft.residential",
    "theft.vehicle",
    "theft.bicycle",
    "theft.shop",
    "theft.boat",
    "damage.graffiti",
    "damage.other",
    "damage.arson",
    "drugs",
    "traffic.speeding",
    "traffic.drink_driving",
    "traffic.accident",
    "order.disturbance",
    "order.gathering",
    "order.unsafe_lighting",
    "order.unsafe_litter",
    "order.unsafe_sightlines",
    "order.unsafe_deserted",
    "fraud.fraud",
}
EST_TAXONOMY = {
    "damage.graffiti",
    "damage.other",
    "order.unsafe_litter",
    "order.unsafe_lighting",
    "order.unsafe_deserted",
    "order.gathering",
    "drugs",
}


@pytest.fixture(scope="module")
def events() -> dict[str, list[DemoEvent]]:
    return {code: list(generate_events(code, START, END, seed=1)) for code in KOMMUNER}


def everything(events: dict[str, list[DemoEvent]]) -> list[DemoEvent]:
    return [e for evs in events.values() for e in evs]


def police(events: dict[str, list[DemoEvent]], *codes: str) -> list[DemoEvent]:
    return [e for e in everything(events) if e.kind == "police" and e.category in codes]


def share(items: Iterable[DemoEvent], test: Callable[[DemoEvent], bool]) -> float:
    items = list(items)
    assert items, "nothing to measure"
    return sum(1 for e in items if test(e)) / len(items)


# --- geometry in SWEREF 99 TM metres ---------------------------------------------------------


def metres(lat: float, lon: float) -> tuple[float, float]:
    n, e = wgs84_to_sweref99tm(lat, lon)
    return e, n


def to_segment(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    t = ((p[0] - ax) * dx + (p[1] - ay) * dy) / (dx * dx + dy * dy)
    t = max(0.0, min(1.0, t))
    return math.dist(p, (ax + t * dx, ay + t * dy))


class Geometry:
    def __init__(self, profile: KommunProfile) -> None:
        self.centre = metres(*profile.centre)
        self.segments = []
        for street in profile.streets:
            pts = [metres(*p) for p in street.points]
            self.segments += list(pairwise(pts))

    def from_centre(self, e: DemoEvent) -> float:
        return math.dist(metres(e.latitude, e.longitude), self.centre)

    def from_street(self, e: DemoEvent) -> float:
        p = metres(e.latitude, e.longitude)
        return min(to_segment(p, a, b) for a, b in self.segments)

    def concentrated(self, e: DemoEvent) -> bool:
        return self.from_centre(e) <= 800 or self.from_street(e) <= 60


# --- profiles --------------------------------------------------------------------------------


def test_the_five_kommuner_and_their_profiles() -> None:
    expected = {
        "0882": ("Oskarshamn", 26_939, (57.2646, 16.4484)),
        "0883": ("Västervik", 36_600, (57.7584, 16.6373)),
        "1060": ("Olofström", 13_300, (56.2772, 14.5330)),
        "0761": ("Lessebo", 8_900, (56.7510, 15.2670)),
        "0481": ("Oxelösund", 12_300, (58.6705, 17.1010)),
    }
    assert set(KOMMUNER) == set(expected)
    for code, (name, population, centre) in expected.items():
        profile = KOMMUNER[code]
        assert (profile.code, profile.name, profile.population) == (code, name, population)
        assert math.dist(profile.centre, centre) < 0.005
        assert 2 <= len(profile.streets) <= 4
        assert 2 <= len(profile.areas) <= 4
        assert all(len(s.points) >= 2 for s in profile.streets)
        names = [a.name for a in profile.areas]
        assert len(set(names)) == len(names)
        # Streets pass through the centre; sub-areas and the hotspot are in the town.
        geometry = Geometry(profile)
        assert min(to_segment(geometry.centre, a, b) for a, b in geometry.segments) < 50
        for area in profile.areas:
            assert math.dist(metres(*area.centre), geometry.centre) < 5_000
        assert profile.hotspot.area in names
        assert profile.hotspot.area != "Centrum"
        assert profile.hotspot.category in POLICE_CATEGORIES
        nearest = min(
            profile.areas,
            key=lambda a: math.dist(metres(*a.centre), metres(*profile.hotspot.centre)),
        )
        assert nearest.name == profile.hotspot.area


def test_the_docstring_examples_run() -> None:
    result = doctest.testmod(demo_events)
    assert result.attempted >= 5
    assert result.failed == 0


# --- volume, categories, basic shape ---------------------------------------------------------


def test_volumes_scale_with_population(events: dict[str, list[DemoEvent]]) -> None:
    for code, evs in events.items():
        population = KOMMUNER[code].population
        per_year = Counter((e.occurred_at.year, e.kind) for e in evs)
        police_rates = [per_year[(y, "police")] / population * 1000 for y in YEARS]
        est_rates = [per_year[(y, "est")] / population * 1000 for y in YEARS]
        assert 60 <= sum(police_rates) / 5 <= 80, (code, police_rates)
        assert 12 <= sum(est_rates) / 5 <= 18, (code, est_rates)
        assert all(55 <= r <= 85 for r in police_rates), (code, police_rates)
        assert all(10 <= r <= 20 for r in est_rates), (code, est_rates)


def test_exactly_the_taxonomy_codes(events: dict[str, list[DemoEvent]]) -> None:
    every = everything(events)
    assert {e.kind for e in every} == {"police", "est"}
    assert {e.category for e in every if e.kind == "police"} == TAXONOMY
    assert {e.category for e in every if e.kind == "est"} == EST_TAXONOMY
    assert set(POLICE_CATEGORIES) == TAXONOMY
    assert set(EST_CATEGORIES) == EST_TAXONOMY
    # The mix is plausible: no category dominates, the common ones are common.
    counts = Counter(e.category for e in every if e.kind == "police")
    total = sum(counts.values())
    assert max(counts.values()) / total < 0.15
    for code in ("theft.shop", "person.assault", "damage.other", "fraud.fraud", "drugs"):
        assert counts[code] / total > 0.05


def test_source_types_are_swedish_labels(events: dict[str, list[DemoEvent]]) -> None:
    labels = Counter((e.kind, e.category, e.source_type) for e in everything(events))
    est = {label for kind, _, label in labels if kind == "est"}
    assert est == {
        "Klotter",
        "Glaskross",
        "Nedskräpning",
        "Otrygg plats",
        "Otrygghetsskapande samling",
        "Misstänkt droghantering",
    }
    assert ("police", "person.assault", "Misshandel") in labels
    assert ("police", "theft.residential", "Bostadsinbrott") in labels
    assert ("police", "traffic.drink_driving", "Rattfylleri") in labels
    for _, _, label in labels:
        assert label[0].isupper()
        assert re.fullmatch(r"[A-ZÅÄÖ][\w ,:/åäöÅÄÖé-]+", label), label


def test_events_are_well_formed_and_in_order(events: dict[str, list[DemoEvent]]) -> None:
    for code, evs in events.items():
        ids = [e.external_id for e in evs]
        assert ids == [f"demo-{code}-{n}" for n in range(1, len(evs) + 1)]
        times = [e.occurred_at for e in evs]
        assert times == sorted(times)
        for e in evs[:: max(1, len(evs) // 500)]:
            assert e.occurred_at.tzinfo is demo_events.STOCKHOLM
            assert e.occurred_at.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
            assert START <= e.occurred_at.date() <= END
            assert e.place_name
            assert e.description
        assert evs[0].occurred_at.date() < date(2021, 1, 8)
        assert evs[-1].occurred_at.date() > date(2025, 12, 24)
    all_ids = [e.external_id for e in everything(events)]
    assert len(all_ids) == len(set(all_ids))


def test_a_partial_month_only_covers_its_days() -> None:
    evs = list(generate_events("0882", date(2024, 3, 10), date(2024, 3, 20), seed=3))
    assert evs
    assert all(date(2024, 3, 10) <= e.occurred_at.date() <= date(2024, 3, 20) for e in evs)
    # About 11/366 of a year.
    expected = (68 + 15) * 26.939 * 11 / 366
    assert 0.7 * expected < len(evs) < 1.3 * expected
    assert list(generate_events("0882", date(2024, 3, 10), date(2024, 3, 10))) != []


def test_times_in_the_spring_forward_gap_are_real_times() -> None:
    for e in generate_events("0883", date(2024, 3, 31), date(2024, 3, 31), seed=5):
        # Converting to UTC and back gives the same wall time: it exists.
        assert e.occurred_at.astimezone(demo_events.UTC).astimezone(demo_events.STOCKHOLM) == (
            e.occurred_at
        )
        assert e.occurred_at.replace(tzinfo=None) == (
            e.occurred_at.astimezone(demo_events.STOCKHOLM).replace(tzinfo=None)
        )


# --- place -----------------------------------------------------------------------------------


def test_events_concentrate_in_the_centre_and_along_main_streets(
    events: dict[str, list[DemoEvent]],
) -> None:
    for code, evs in events.items():
        geometry = Geometry(KOMMUNER[code])
        sample = evs[::3]
        concentrated = share(sample, geometry.concentrated)
        assert concentrated >= 0.5, (code, concentrated)
        # The rest is spread out over the sub-areas, not piled on the centre point.
        assert share(sample, lambda e, g=geometry: g.from_centre(e) > 800) >= 0.15
        # Traffic happens on the streets, shoplifting in the centre, burglary in homes.
        traffic = [e for e in evs if e.category == "traffic.speeding"]
        assert share(traffic, lambda e, g=geometry: g.from_street(e) <= 60) >= 0.7
        shop = [e for e in evs if e.category == "theft.shop"]
        assert share(shop, geometry.concentrated) >= 0.9
        burglary = [e for e in evs if e.category == "theft.residential"]
        assert share(burglary, lambda e, g=geometry: g.from_centre(e) > 800) >= 0.3
        assert share(burglary, geometry.concentrated) + 0.25 < share(shop, geometry.concentrated)


def test_events_stay_near_the_town_and_off_the_open_sea(
    events: dict[str, list[DemoEvent]],
) -> None:
    for code, evs in events.items():
        profile = KOMMUNER[code]
        geometry = Geometry(profile)
        farthest = max(geometry.from_centre(e) for e in evs)
        assert farthest < 15_000, (code, farthest)
        if profile.sea_east_of is not None:
            assert all(e.longitude <= profile.sea_east_of for e in evs)
        if profile.sea_south_of is not None:
            assert all(e.latitude >= profile.sea_south_of for e in evs)


def test_place_names_are_streets_or_sub_areas(events: dict[str, list[DemoEvent]]) -> None:
    for code, evs in events.items():
        profile = KOMMUNER[code]
        known = {s.name for s in profile.streets} | {a.name for a in profile.areas}
        names = Counter(e.place_name for e in evs)
        assert set(names) <= known
        assert set(names) == known  # every street and area is used


# --- time ------------------------------------------------------------------------------------


def weekend_night(e: DemoEvent) -> bool:
    """The night after a Friday or Saturday, 21:00–03:59 local time."""
    wd, h = e.occurred_at.weekday(), e.occurred_at.hour
    return (wd in (4, 5) and h >= 21) or (wd in (5, 6) and h <= 3)


# 14 of the week's 168 hours.
WEEKEND_NIGHT_BASELINE = 14 / 168


def test_violence_happens_on_friday_and_saturday_nights(
    events: dict[str, list[DemoEvent]],
) -> None:
    violence = police(events, "person.assault", "person.threat")
    assert len(violence) > 2000
    night_share = share(violence, weekend_night)
    assert night_share >= 0.40
    assert night_share >= 4 * WEEKEND_NIGHT_BASELINE
    assert share(violence, lambda e: 5 <= e.occurred_at.hour <= 8) < 0.05


def test_burglary_in_the_dark_months_and_weekday_daytime(
    events: dict[str, list[DemoEvent]],
) -> None:
    burglary = police(events, "theft.residential")
    dark = share(burglary, lambda e: e.occurred_at.month in (10, 11, 12, 1, 2))
    assert dark >= 0.50  # 5 of 12 months would be 0.42
    weekday_day = share(
        burglary, lambda e: e.occurred_at.weekday() < 5 and 8 <= e.occurred_at.hour <= 16
    )
    assert weekday_day >= 0.40  # 45 of 168 hours would be 0.27
    by_month = Counter(e.occurred_at.month for e in burglary)
    assert by_month[11] > 1.5 * by_month[6]


def test_traffic_peaks_at_rush_hour_and_drink_driving_at_weekend_nights(
    events: dict[str, list[DemoEvent]],
) -> None:
    traffic = police(events, "traffic.speeding", "traffic.accident")
    rush = share(traffic, lambda e: e.occurred_at.hour in (7, 8, 15, 16, 17))
    assert rush >= 0.40  # 5 of 24 hours would be 0.21
    weekdays = [e for e in traffic if e.occurred_at.weekday() < 5]
    assert share(weekdays, lambda e: e.occurred_at.hour in (7, 8, 15, 16, 17)) >= 0.5
    by_hour = Counter(e.occurred_at.hour for e in traffic)
    assert by_hour[7] > 3 * by_hour[3]
    assert by_hour[16] > 2 * by_hour[12] / 1.5
    drink = police(events, "traffic.drink_driving")
    assert share(drink, weekend_night) >= 0.35


def test_shoplifting_happens_when_shops_are_open(events: dict[str, list[DemoEvent]]) -> None:
    shop = police(events, "theft.shop")
    assert share(shop, lambda e: 9 <= e.occurred_at.hour <= 19) >= 0.97


def test_graffiti_and_damage_in_the_evening(events: dict[str, list[DemoEvent]]) -> None:
    damage = police(events, "damage.graffiti", "damage.other")
    evening = share(damage, lambda e: e.occurred_at.hour >= 18 or e.occurred_at.hour <= 2)
    assert evening >= 0.55  # 9 of 24 hours would be 0.375


def test_est_reports_come_in_working_hours_except_field_work(
    events: dict[str, list[DemoEvent]],
) -> None:
    est = [e for e in everything(events) if e.kind == "est"]
    office = [e for e in est if e.category not in ("order.gathering", "drugs")]
    assert share(office, lambda e: e.occurred_at.weekday() < 5) >= 0.85
    assert share(office, lambda e: 7 <= e.occurred_at.hour <= 16) >= 0.8
    field = [e for e in est if e.category == "order.gathering"]
    assert share(field, lambda e: e.occurred_at.hour >= 18) >= 0.6
    lighting = [e for e in est if e.category == "order.unsafe_lighting"]
    assert share(lighting, lambda e: e.occurred_at.month in (10, 11, 12, 1, 2)) >= 0.65


def test_boat_theft_is_a_summer_thing(events: dict[str, list[DemoEvent]]) -> None:
    boats = police(events, "theft.boat")
    assert share(boats, lambda e: 5 <= e.occurred_at.month <= 9) >= 0.7


# --- trends and the hotspot ------------------------------------------------------------------


def log_slope(counts: Counter[int], years: range) -> float:
    """Least-squares slope of log(count) on year: about log(0.95) = -0.051 for -5 %/year."""
    mean_year = sum(years) / len(years)
    logs = {y: math.log(counts[y]) for y in years}
    mean_log = sum(logs.values()) / len(years)
    num = sum((y - mean_year) * (logs[y] - mean_log) for y in years)
    return num / sum((y - mean_year) ** 2 for y in years)


def test_burglary_falls_and_fraud_rises(events: dict[str, list[DemoEvent]]) -> None:
    burglary = Counter(e.occurred_at.year for e in police(events, "theft.residential"))
    fraud = Counter(e.occurred_at.year for e in police(events, "fraud.fraud"))
    # About 350 burglaries a year in all five: +-5 % noise a year, so five years show the
    # direction; the size is checked over ten years below.
    assert -0.10 < log_slope(burglary, YEARS) < 0
    assert burglary[2024] + burglary[2025] < burglary[2021] + burglary[2022]
    assert 0.01 < log_slope(fraud, YEARS) < 0.11


def test_the_burglary_trend_over_ten_years() -> None:
    years = range(2016, 2026)
    burglary: Counter[int] = Counter()
    for code in ("0882", "0883"):
        for e in generate_events(code, date(2016, 1, 1), date(2025, 12, 31), seed=4):
            if e.category == "theft.residential":
                burglary[e.occurred_at.year] += 1
    assert log_slope(burglary, years) == pytest.approx(math.log(0.95), abs=0.02)
    assert burglary[2025] + burglary[2024] < 0.75 * (burglary[2016] + burglary[2017])


def test_a_hotspot_appears_in_the_third_year(events: dict[str, list[DemoEvent]]) -> None:
    for code, evs in events.items():
        spot = KOMMUNER[code].hotspot
        centre = metres(*spot.centre)
        near = Counter(
            e.occurred_at.year
            for e in evs
            if e.kind == "police"
            and e.category == spot.category
            and math.dist(metres(e.latitude, e.longitude), centre) <= 300
        )
        before = (near[2021] + near[2022]) / 2
        after = (near[2023] + near[2024] + near[2025]) / 3
        assert after >= 12, (code, near)
        assert after >= 3 * max(before, 1), (code, near)
        assert near[2023] >= 3 * max(before, 1), (code, near)
        # The same category elsewhere in the kommun does not jump.
        elsewhere = Counter(
            e.occurred_at.year
            for e in evs
            if e.kind == "police"
            and e.category == spot.category
            and math.dist(metres(e.latitude, e.longitude), centre) > 1000
        )
        later = (elsewhere[2023] + elsewhere[2024] + elsewhere[2025]) / 3
        assert later < 1.7 * max((elsewhere[2021] + elsewhere[2022]) / 2, 1), (code, elsewhere)
        # The hotspot's events carry the sub-area's name, so counting by name finds it too.
        tagged = Counter(
            e.occurred_at.year
            for e in evs
            if e.category == spot.category and e.place_name == spot.area
        )
        assert (tagged[2023] + tagged[2024] + tagged[2025]) / 3 > 2 * max(
            (tagged[2021] + tagged[2022]) / 2, 1
        ), (code, tagged)


def test_the_hotspot_follows_the_start_year() -> None:
    spot = KOMMUNER["0761"].hotspot

    def near_spot(start: date, end: date) -> int:
        centre = metres(*spot.centre)
        return sum(
            1
            for e in generate_events("0761", start, end)
            if e.category == spot.category
            and math.dist(metres(e.latitude, e.longitude), centre) <= 300
        )

    # 2023 is the third year when starting in 2021 but the first when starting in 2023.
    assert (
        near_spot(date(2021, 1, 1), date(2023, 12, 31))
        > near_spot(date(2023, 1, 1), date(2023, 12, 31)) + 8
    )


# --- descriptions and privacy ----------------------------------------------------------------

PERSONNUMMER = re.compile(r"\b(?:19|20)?\d{6}[-+]?\d{4}\b")
PHONE = re.compile(r"(?:\+46|\b0)[\d\s-]{6,}\d")
EMAIL = re.compile(r"\S+@\S+")
LONG_NUMBER = re.compile(r"\d{5,}")


def test_descriptions_hold_no_personal_data(events: dict[str, list[DemoEvent]]) -> None:
    descriptions = {e.description for e in everything(events)}
    assert len(descriptions) > 300  # templates with varied fillers
    allowed_capitals = {
        name
        for profile in KOMMUNER.values()
        for name in [profile.name]
        + [s.name for s in profile.streets]
        + [a.name for a in profile.areas]
    }
    for text in descriptions:
        assert not PERSONNUMMER.search(text), text
        assert not PHONE.search(text), text
        assert not EMAIL.search(text), text
        assert not LONG_NUMBER.search(text), text
        assert find_personal_data(text) == [], text
        assert 20 <= len(text) <= 200, text
        # No names of people: a capital letter only starts a sentence or a place name.
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            words = sentence.split()
            assert words[0][0].isupper(), text
            for word in words[1:]:
                if word[0].isupper():
                    stripped = word.strip(".,:;")
                    assert any(stripped in place.split() for place in allowed_capitals), (
                        word,
                        text,
                    )


def test_descriptions_are_swedish_and_fit_the_category(
    events: dict[str, list[DemoEvent]],
) -> None:
    sample = everything(events)[::50]
    assert share(sample, lambda e: re.search(r"[åäö]", e.description) is not None) > 0.6
    for e in sample:
        assert "{" not in e.description and "}" not in e.description
        if e.category == "theft.residential":
            assert "nbrott" in e.description
        if e.category == "damage.graffiti":
            assert "lotter" in e.description or "Taggar" in e.description
        if e.kind == "est" and e.category == "damage.other":
            assert "glas" in e.description.lower()


# --- determinism, laziness, speed, errors ----------------------------------------------------


def test_same_seed_same_output_other_seed_other_output() -> None:
    a = list(generate_events("1060", date(2022, 1, 1), date(2022, 6, 30), seed=42))
    b = list(generate_events("1060", date(2022, 1, 1), date(2022, 6, 30), seed=42))
    c = list(generate_events("1060", date(2022, 1, 1), date(2022, 6, 30), seed=43))
    assert a == b
    assert a != c
    assert [e.external_id for e in a[:5]] == [e.external_id for e in c[:5]]
    assert {(e.occurred_at, e.latitude) for e in a}.isdisjoint(
        {(e.occurred_at, e.latitude) for e in c}
    )
    other = list(generate_events("0481", date(2022, 1, 1), date(2022, 6, 30), seed=42))
    assert {e.description for e in a} != {e.description for e in other}


def test_a_month_does_not_depend_on_when_the_period_ends() -> None:
    short = list(generate_events("0883", date(2022, 1, 1), date(2022, 2, 28)))
    long = list(generate_events("0883", date(2022, 1, 1), date(2022, 12, 31)))
    assert long[: len(short)] == short


def test_generation_is_lazy_and_fast() -> None:
    events = generate_events("0883", date(2000, 1, 1), date(2100, 12, 31))
    assert inspect.isgenerator(events)
    began = time.perf_counter()
    first = next(events)
    assert time.perf_counter() - began < 0.5
    assert first.occurred_at < datetime(2000, 2, 1, tzinfo=demo_events.STOCKHOLM)

    began = time.perf_counter()
    total = sum(1 for code in KOMMUNER for _ in generate_events(code, START, END, seed=9))
    elapsed = time.perf_counter() - began
    assert total > 35_000
    assert elapsed < 5.0, elapsed


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="no demo profile for kommun '9999'"):
        generate_events("9999", START, END)
    with pytest.raises(ValueError, match="after end"):
        generate_events("0882", date(2022, 1, 2), date(2022, 1, 1))
    with pytest.raises(ValueError, match="0882 Oskarshamn"):
        generate_survey("0000", YEARS)


# --- survey ----------------------------------------------------------------------------------


def test_survey_shape_and_ranges() -> None:
    for code, profile in KOMMUNER.items():
        rows = generate_survey(code, YEARS, seed=1)
        assert all(isinstance(r, DemoSurveyResult) for r in rows)
        assert len(rows) == len(profile.areas) * len(YEARS) * len(SURVEY_QUESTIONS)
        keys = {(r.area, r.year, r.question) for r in rows}
        assert len(keys) == len(rows)
        assert {r.area for r in rows} == {a.name for a in profile.areas}
        assert {r.year for r in rows} == set(YEARS)
        assert "Känner sig otrygg ute sent på kvällen" in {r.question for r in rows}
        for r in rows:
            assert 80 <= r.respondents <= 400
            assert 0.0 <= r.share <= 1.0
            assert round(r.share * r.respondents) == pytest.approx(r.share * r.respondents)
        respondents = {r.respondents for r in rows}
        assert len(respondents) > 3
        # Shares vary sensibly: neither constant nor absurd.
        unsafe = [r.share for r in rows if r.question == SURVEY_QUESTIONS[0]]
        assert 0.1 < sum(unsafe) / len(unsafe) < 0.45
        assert max(unsafe) - min(unsafe) > 0.03
        assert generate_survey(code, YEARS, seed=1) == rows
        assert generate_survey(code, YEARS, seed=2) != rows
    assert generate_survey("0882", range(2021, 2021)) == []


def test_survey_gets_worse_where_the_hotspot_appears() -> None:
    rises_at_spot, rises_elsewhere = [], []
    for code, profile in KOMMUNER.items():
        rows = generate_survey(code, YEARS, seed=1)
        for area in profile.areas:
            unsafe = {
                r.year: r.share
                for r in rows
                if r.area == area.name and r.question == SURVEY_QUESTIONS[0]
            }
            change = (
                sum(unsafe[y] for y in (2023, 2024, 2025)) / 3 - (unsafe[2021] + unsafe[2022]) / 2
            )
            (rises_at_spot if area.name == profile.hotspot.area else rises_elsewhere).append(change)
    assert len(rises_at_spot) == 5
    assert sum(rises_at_spot) / 5 >= 0.06
    assert sum(rises_at_spot) / 5 > sum(rises_elsewhere) / len(rises_elsewhere) + 0.05
    assert all(change > 0 for change in rises_at_spot)
