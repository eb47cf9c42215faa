"""At which place level each source has data about a kommun, month by month.

A change against an earlier period, a control limit, a goal's verdict or a comparison
with the county and the nation means something only where every source describes the
kommun in the same way in the periods compared. The Police's events, for one, placed
every event at county level only from February 2026: a kommun's count from them falls
to nothing then, not its crime. This module knows, per source and kommun and month,
the finest place level the source has data at:

* ``point`` (an exact position), ``sub_area``, ``kommun``: the kommun's own rows;
* ``county``: only rows of the kommun's county ("… län"), none of the kommun's own;
* ``none``: no data.

A month in which the kommun has no rows of its own is not a month without coverage
when the source reported other kommuner that month (a real zero), or when it lies in
the source's declared period (a quiet month): it keeps the level the source had.

Everything is computed from one grouped query over the chosen datasets' rows (months
in Swedish time), cached per dataset with the version of the data: the rows of other
datasets are never read.

Datasets of the Police's events are one stream (a file and the polls of the API
partition the same notices): their coverage is compared as one source; the datasets of
any other kind are one source per owner (a register imported a year at a time).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import TruncMonth
from django.utils import formats
from django.utils.translation import gettext as _

from samverka.organizations.models import Organization
from samverka.sources import dataversion
from samverka.sources.models import (
    Dataset,
    Event,
    PeriodKind,
    PlacePrecision,
    SourceKind,
    Statistic,
)

NONE, COUNTY, KOMMUN, SUB_AREA, POINT = "none", "county", "kommun", "sub_area", "point"
LEVELS = (NONE, COUNTY, KOMMUN, SUB_AREA, POINT)  # coarse to fine
_CHAR = {NONE: "-", COUNTY: "L", KOMMUN: "K", SUB_AREA: "S", POINT: "P"}
_LEVEL = {char: level for level, char in _CHAR.items()}
_RANK = {char: rank for rank, char in enumerate("-LKSP")}
_PRECISION: dict[str, str] = {
    PlacePrecision.EXACT: "P",
    PlacePrecision.KOMMUN: "K",
    PlacePrecision.UNKNOWN: "K",  # counted in the kommun all the same
    PlacePrecision.COUNTY: "L",
}
# The kinds whose rows are counted by month and place (surveys are yearly answers).
COVERED_KINDS = (
    SourceKind.POLICE_EVENTS,
    SourceKind.EVENT_TABLE,
    SourceKind.EST,
    SourceKind.CRIME_STATISTICS,
)
# The sources of the event figures (EST reports are counted apart; statistics are never
# added to events).
EVENT_KINDS = (SourceKind.POLICE_EVENTS, SourceKind.EVENT_TABLE)
ZONE = ZoneInfo("Europe/Stockholm")
CACHE_SECONDS = 60 * 60


def month_index(day: dt.date) -> int:
    """Months since January 1970."""
    return (day.year - 1970) * 12 + day.month - 1


def month_date(index: int) -> dt.date:
    return dt.date(1970 + index // 12, index % 12 + 1, 1)


def _months(start: dt.date, end: dt.date) -> list[int]:
    return list(range(month_index(start), month_index(end) + 1))


# --- what is cached per dataset ------------------------------------------------------------


def _finest(current: str, new: str) -> str:
    return new if _RANK[new] > _RANK[current] else current


class _Builder:
    """The months and levels of one dataset's rows, as they come out of the query."""

    def __init__(self, declared: tuple[dt.date | None, dt.date | None]) -> None:
        self.kommuner: dict[int, dict[int, str]] = {}
        self.counties: dict[int, set[int]] = {}
        self.reported: set[int] = set()
        self.months: set[int] = set()
        start, end = declared
        self.declared = (
            month_index(start) if start else None,
            month_index(end) if end else None,
        )

    def kommun_row(self, kommun_id: int, month: int, char: str) -> None:
        levels = self.kommuner.setdefault(kommun_id, {})
        levels[month] = _finest(levels.get(month, "-"), char)
        self.reported.add(month)
        self.months.add(month)

    def county_row(self, county_id: int, month: int) -> None:
        self.counties.setdefault(county_id, set()).add(month)
        self.months.add(month)

    def done(self) -> dict[str, Any]:
        ends = [m for m in (*self.months, *self.declared) if m is not None]
        if not ends:
            return {"first": None, "last": None, "kommuner": {}, "counties": {}, "reported": ""}
        first, last = min(ends), max(ends)
        width = last - first + 1

        def chars(levels: dict[int, str]) -> str:
            return "".join(levels.get(first + i, "-") for i in range(width))

        return {
            "first": first,
            "last": last,
            "declared": list(self.declared),
            "kommuner": {k: chars(levels) for k, levels in self.kommuner.items()},
            "counties": {
                county: chars(dict.fromkeys(months, "L"))
                for county, months in self.counties.items()
            },
            "reported": chars(dict.fromkeys(self.reported, "K")),
        }


def _trunc(value: dt.datetime | dt.date) -> int:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(ZONE)
    return (value.year - 1970) * 12 + value.month - 1


def _compute(datasets: dict[int, Dataset], kommun: Organization) -> dict[int, dict[str, Any]]:
    """One grouped query per kind of row over ``datasets``, about ``kommun`` and its county
    only (nothing else is read): the kommun's own rows, the county's rows, and the other
    kommuner of the county, whose rows say that the source was reporting kommuner in a
    month (so that a month without any row of the kommun is a real zero). A national
    source's other counties are never read: the cold page stays fast under a national load."""
    builders = {pk: _Builder((d.period_start, d.period_end)) for pk, d in datasets.items()}
    events = [pk for pk, d in datasets.items() if d.kind != SourceKind.CRIME_STATISTICS]
    about = Q(kommun_id=kommun.pk)
    if kommun.county_id is not None:
        neighbours = Organization.objects.filter(county_id=kommun.county_id).values("pk")
        about |= Q(county_id=kommun.county_id) | Q(kommun_id__in=neighbours)
    if events:
        rows = (
            Event.objects.filter(about, dataset_id__in=events)
            .annotate(month=TruncMonth("occurred_at", tzinfo=ZONE))
            .order_by()
            .values_list("dataset_id", "kommun_id", "county_id", "place_precision", "month")
            .distinct()
        )
        for dataset_id, kommun_id, county_id, precision, month in rows:
            index = _trunc(month)
            if kommun_id is not None:
                builders[dataset_id].kommun_row(kommun_id, index, _PRECISION.get(precision, "K"))
            elif county_id is not None:
                builders[dataset_id].county_row(county_id, index)
    statistics = [pk for pk, d in datasets.items() if d.kind == SourceKind.CRIME_STATISTICS]
    if statistics:
        figures = (
            Statistic.objects.filter(dataset_id__in=statistics, kommun_id=kommun.pk)
            .annotate(
                in_area=Case(
                    When(sub_area__isnull=False, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
            .order_by()
            .values_list("dataset_id", "kommun_id", "in_area", "period_kind", "period_start")
            .distinct()
        )
        length: dict[str, int] = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}
        for dataset_id, kommun_id, in_area, kind, start in figures:
            first = month_index(start)
            for index in range(first, first + length.get(kind, 1)):
                builders[dataset_id].kommun_row(kommun_id, index, "S" if in_area else "K")
    return {pk: builder.done() for pk, builder in builders.items()}


def _data(
    dataset_ids: list[int], kommun: Organization
) -> dict[int, tuple[Dataset, dict[str, Any]]]:
    """Each covered dataset with its months by level about ``kommun`` (and its county),
    from the cache where it is fresh."""
    datasets = {
        d.pk: d
        for d in Dataset.objects.in_use()
        .filter(pk__in=dataset_ids, kind__in=COVERED_KINDS)
        .only("pk", "title", "kind", "owner_id", "period_start", "period_end", "updated_at")
    }
    if not datasets:
        return {}
    version = dataversion.current()
    scope = f"{kommun.pk}:{kommun.county_id}"
    keys = {
        pk: f"coverage:{pk}:{scope}:{version}:{d.updated_at.isoformat()}"
        for pk, d in datasets.items()
    }
    found = cache.get_many(list(keys.values()))
    data = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = {pk: d for pk, d in datasets.items() if pk not in data}
    if missing:
        computed = _compute(missing, kommun)
        cache.set_many({keys[pk]: value for pk, value in computed.items()}, CACHE_SECONDS)
        data.update(computed)
    return {pk: (datasets[pk], data[pk]) for pk in datasets}


def _at(chars: str | None, first: int, index: int) -> str:
    if chars is None or index < first or index >= first + len(chars):
        return "-"
    return chars[index - first]


def _span(data: dict[str, Any]) -> tuple[int, int]:
    """The months of a dataset's declared period (where it declares none, its rows')."""
    low, high = data.get("declared") or (None, None)
    return (data["first"] if low is None else low, data["last"] if high is None else high)


def _combine(values: list[dict[str, Any]]) -> dict[str, Any]:
    """The datasets of one source as one: the finest level of each kommun and month,
    every month with county rows or reported kommuner, every declared period."""
    present = [v for v in values if v["first"] is not None]
    if len(present) <= 1:
        return present[0] if present else values[0]
    first = min(v["first"] for v in present)
    last = max(v["last"] for v in present)

    def widen(chars: str, start: int) -> str:
        return "-" * (start - first) + chars + "-" * (last - start - len(chars) + 1)

    def finest(rows: list[tuple[str, int]]) -> str:
        merged = "-" * (last - first + 1)
        for chars, start in rows:
            wide = widen(chars, start)
            merged = "".join(_finest(a, b) for a, b in zip(merged, wide, strict=True))
        return merged

    def by_key(field: str) -> dict[int, str]:
        rows: dict[int, list[tuple[str, int]]] = {}
        for v in present:
            for key, chars in v[field].items():
                rows.setdefault(key, []).append((chars, v["first"]))
        return {key: finest(found) for key, found in rows.items()}

    return {
        "first": first,
        "last": last,
        "kommuner": by_key("kommuner"),
        "counties": by_key("counties"),
        "reported": finest([(v["reported"], v["first"]) for v in present]),
        "spans": [_span(v) for v in present],
    }


def _kommun_chars(
    data: dict[str, Any], kommun_id: int, county_id: int | None, months: list[int]
) -> str:
    """The level char of each of ``months`` for the kommun (see the module's rules)."""
    first, last = data["first"], data["last"]
    if first is None or not months:
        return "-" * len(months)
    own = data["kommuner"].get(kommun_id)
    county = data["counties"].get(county_id) if county_id is not None else None
    reported = data["reported"]
    spans = data.get("spans") or [_span(data)]
    result: dict[int, str] = {}
    usual = next((c for c in own if c != "-"), "K") if own else "K"
    previous = usual
    for index in range(min(first, months[0]), max(last, months[-1]) + 1):
        mine = _at(own, first, index)
        if mine != "-":
            level = usual = mine
        elif own is None:  # the source never describes this kommun itself
            level = _at(county, first, index)
        elif _at(reported, first, index) != "-":
            level = usual  # other kommuner were reported that month: a real zero here
        elif _at(county, first, index) != "-":
            level = "L"
        elif any(low <= index <= high for low, high in spans):
            level = previous  # a quiet month within the source's period
        else:
            level = "-"
        result[index] = level
        previous = level
    return "".join(result.get(m, "-") for m in months)


# --- sources and their levels -------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A source as coverage compares it: the Police's events as one, else one dataset."""

    title: str
    kind: str
    dataset_ids: tuple[int, ...]


def _streams(
    data: dict[int, tuple[Dataset, dict[str, Any]]], kinds: tuple[str, ...]
) -> list[Source]:
    """The sources among ``data``: the Police's events as one; every other kind per
    owner (an organization's register imported a year at a time is one source)."""
    groups: dict[tuple[str, int | None], list[Dataset]] = {}
    for dataset, _values in sorted(data.values(), key=lambda item: (item[0].title, item[0].pk)):
        if dataset.kind not in kinds:
            continue
        owner = None if dataset.kind == SourceKind.POLICE_EVENTS else dataset.owner_id
        groups.setdefault((dataset.kind, owner), []).append(dataset)
    return [
        Source("; ".join(d.title for d in datasets), kind, tuple(d.pk for d in datasets))
        for (kind, _owner), datasets in sorted(groups.items(), key=lambda item: item[0][0])
    ]


def _merged(
    data: dict[int, tuple[Dataset, dict[str, Any]]],
    ids: tuple[int, ...],
    kommun: Organization,
    months: list[int],
) -> str:
    combined = _combine([data[pk][1] for pk in ids])
    return _kommun_chars(combined, kommun.pk, kommun.county_id, months)


def _effective(char: str, need: str) -> str:
    """Levels finer than the figure needs are all the same to it."""
    limit = _CHAR[need]
    return limit if _RANK[char] > _RANK[limit] else char


def _runs(chars: str, months: list[int]) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    for char, index in zip(chars, months, strict=True):
        if runs and runs[-1]["level"] == _LEVEL[char] and runs[-1]["_last"] == index - 1:
            runs[-1]["_last"] = index
            runs[-1]["end"] = month_date(index).strftime("%Y-%m")
        else:
            month = month_date(index).strftime("%Y-%m")
            runs.append({"level": _LEVEL[char], "start": month, "end": month, "_last": index})
    for run in runs:
        del run["_last"]
    return runs


def strips(
    kommun: Organization, dataset_ids: list[int], start: dt.date, end: dt.date
) -> dict[int, dict[str, Any]]:
    """Per dataset (by id), its level for the kommun in each month from ``start`` to
    ``end``: ``{"months": [{"month": "2026-02", "level": "county"}, …], "runs": […]}``,
    the runs being the same months grouped into spans of one level (for the text)."""
    months = _months(start, end)
    data = _data(dataset_ids, kommun)
    result: dict[int, dict[str, Any]] = {}
    for pk, (_dataset, values) in data.items():
        chars = _kommun_chars(values, kommun.pk, kommun.county_id, months)
        result[pk] = {
            "months": [
                {"month": month_date(m).strftime("%Y-%m"), "level": _LEVEL[c]}
                for m, c in zip(months, chars, strict=True)
            ],
            "runs": _runs(chars, months),
        }
    return result


# --- refusals -----------------------------------------------------------------------------


def _refusal(
    source: Source,
    kommun: Organization,
    earlier: tuple[dt.date, dt.date],
    before: tuple[str, int],
    after: tuple[str, int],
) -> dict[str, Any]:
    """What a page says instead of a verdict: which source, what happened, from when."""
    (char_before, month_before), (char_after, month_after) = before, after
    if char_after == "-":
        change, month = "stops", month_before
    elif char_before == "-":
        change, month = "starts", month_after
    elif char_after == "L":
        change, month = "county", month_after
    else:
        change, month = "level", month_after
    start, end = earlier
    whole_years = start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31
    return {
        "source": source.title,
        "kind": source.kind,
        "kommun": kommun.name,
        "change": change,
        "month": month_date(month).isoformat(),
        "before": _LEVEL[char_before],
        "after": _LEVEL[char_after],
        "earlier": (str(start.year) if start.year == end.year else f"{start.year}–{end.year}")
        if whole_years
        else f"{start.isoformat()} – {end.isoformat()}",
    }


def compare_periods(
    kommun: Organization,
    dataset_ids: list[int],
    earlier: tuple[dt.date, dt.date],
    later: tuple[dt.date, dt.date],
    need: str = KOMMUN,
    kinds: tuple[str, ...] = EVENT_KINDS,
    *,
    until_data_ends: bool = False,
) -> dict[str, Any] | None:
    """None when every source describes the kommun at the same level (``need`` at the
    finest) in every month of both periods; else why a comparison says nothing: the
    first source and month where the level changes. ``until_data_ends``: months after
    a source's last data are data not yet arrived, not a change."""
    months = _months(*earlier) + [m for m in _months(*later) if m > month_index(earlier[1])]
    data = _data(dataset_ids, kommun)
    for source in _streams(data, kinds):
        chars = [_effective(c, need) for c in _merged(data, source.dataset_ids, kommun, months)]
        while until_data_ends and chars and chars[-1] == "-":
            chars.pop()
        if set(chars) in ({"-"}, set()):
            continue  # the source says nothing about the kommun in either period
        for i in range(1, len(chars)):
            if chars[i] != chars[0]:
                return _refusal(
                    source, kommun, earlier, (chars[i - 1], months[i - 1]), (chars[i], months[i])
                )
    return None


def compare_places(
    kommun: Organization,
    dataset_ids: list[int],
    start: dt.date,
    end: dt.date,
    kinds: tuple[str, ...] = EVENT_KINDS,
) -> dict[str, Any] | None:
    """None when every source with data about the kommun in the period has it at kommun
    level (or finer) in every month of it; else why a comparison with the county and the
    nation says nothing (the kommun's own count from the source is not all it had)."""
    months = _months(start, end)
    data = _data(dataset_ids, kommun)
    for source in _streams(data, kinds):
        chars = [_effective(c, KOMMUN) for c in _merged(data, source.dataset_ids, kommun, months)]
        if set(chars) in ({"-"}, set()):
            continue
        for i, char in enumerate(chars):
            if char != "K":
                before = (chars[i - 1], months[i - 1]) if i else ("K", months[0] - 1)
                refusal = _refusal(source, kommun, (start, end), before, (char, months[i]))
                refusal["earlier"] = ""
                return refusal
    return None


def baseline_start(
    kommun: Organization,
    dataset_ids: list[int],
    period: tuple[dt.date, dt.date],
    earliest: dt.date,
    kinds: tuple[str, ...] = EVENT_KINDS,
) -> tuple[dt.date, dict[str, Any] | None]:
    """The first month of a control limits' baseline (from ``earliest`` on) in which
    every source describes the kommun as it does in the period; with the reason where
    that cuts the baseline short. Where the period itself mixes levels, no month: the
    baseline is the period's first month and the reason says why."""
    period_months = _months(*period)
    first = month_index(earliest)
    months = list(range(first, period_months[0])) + period_months
    data = _data(dataset_ids, kommun)
    start = first
    reason: dict[str, Any] | None = None
    for source in _streams(data, kinds):
        chars = [_effective(c, KOMMUN) for c in _merged(data, source.dataset_ids, kommun, months)]
        own = chars[len(months) - len(period_months) :]
        if set(own) == {"-"}:
            continue
        if len(set(own)) > 1:
            i = next(i for i in range(1, len(own)) if own[i] != own[0])
            at = len(months) - len(period_months) + i
            refusal = _refusal(
                source, kommun, period, (chars[at - 1], months[at - 1]), (chars[at], months[at])
            )
            return month_date(period_months[0]), refusal
        for i in range(len(months) - len(period_months) - 1, -1, -1):
            if chars[i] != own[0]:
                if months[i + 1] > start:
                    start = months[i + 1]
                    reason = _refusal(
                        source,
                        kommun,
                        (earliest, period[1]),
                        (chars[i], months[i]),
                        (chars[i + 1], months[i + 1]),
                    )
                break
    return month_date(start), reason


# --- in words -----------------------------------------------------------------------------


def level_name(level: str) -> str:
    names = {
        POINT: _("exact places"),
        SUB_AREA: _("sub-areas"),
        KOMMUN: _("the municipality"),
        COUNTY: _("only the county"),
        NONE: _("no data"),
    }
    return str(names.get(level, level))


def source_name(refusal: dict[str, Any]) -> str:
    if refusal.get("kind") == SourceKind.POLICE_EVENTS:
        return str(_("The Police's events"))
    return str(refusal.get("source", ""))


def what_changed(refusal: dict[str, Any]) -> str:
    """The first half of a refusal: what happened to the source, and from when."""
    values = {
        "source": source_name(refusal),
        "kommun": refusal.get("kommun", ""),
        "month": formats.date_format(dt.date.fromisoformat(refusal["month"]), "F Y"),
        "before": level_name(refusal.get("before", "")),
        "after": level_name(refusal.get("after", "")),
    }
    change = refusal.get("change")
    if change == "county":
        return _("%(source)s gives only the county from %(month)s") % values
    if change == "stops":
        return _("%(source)s has no data about %(kommun)s after %(month)s") % values
    if change == "starts":
        return _("%(source)s has data about %(kommun)s only from %(month)s") % values
    text = _("%(source)s describes %(kommun)s by %(after)s from %(month)s, by %(before)s before")
    return text % values


def reason(refusal: dict[str, Any] | None, what: str = "change") -> str:
    """A refusal in words: why ``what`` (a "change", the "places" comparison with the
    county and the nation, the control "limits") says nothing about crime."""
    if not refusal:
        return ""
    first = what_changed(refusal)
    if what == "places":
        second = _("the comparison with the county and Sweden says nothing about crime")
    elif what == "limits":
        second = _("the control limits are drawn only from months the sources describe alike")
    else:
        second = _("the comparison with %(earlier)s says nothing about crime") % {
            "earlier": refusal.get("earlier", "")
        }
    return f"{first}; {second}."
