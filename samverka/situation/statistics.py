"""Reported-crime statistics as figures of the lägesbild, beside the events, never added to them.

A statistics dataset (Brå's reported crimes per kommun and month, quarter or year and
category; see :class:`samverka.sources.models.Statistic`) is a different kind of
source than the Police's published events: it counts crimes reported, the events are
notices the Police chose to publish. So its figures are their own section, named
"Anmälda brott enligt Brå", and credit only the statistics datasets that produced them.

What is computed, for one kommun, the chosen datasets and the lägesbild's period:

* per category (main categories, or the subcategories of the chosen one) the reported
  crimes of the whole periods of the data that lie inside the lägesbild's period, the
  rate per 100 000 inhabitants and year with its exact Poisson interval
  (:func:`samverka.analysis.rates.rate_per_100k`), and the change against the period
  of the same length before as a rate ratio with the verdict the events table uses;
  the change only when the data covers as many months before as now;
* where the data holds a category's own figure and its subcategories' too, the
  category's own figure is used (the subcategories are not added on top);
* a total: the source's own total of all crime where it has one, else the sum of the
  categories;
* the county and Sweden from the same statistics, over the kommuner the datasets cover,
  when they cover more than this kommun;
* a monthly series with control limits (:func:`samverka.analysis.timeseries.
  monthly_control_limits`, as the events' chart) where the data is monthly;
* preliminary figures marked: a row flagged so by the source, and every monthly figure
  until the February after its year (Brå's monthly figures are preliminary until then).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import numpy as np
from django.db.models import Sum
from django.utils import timezone

from samverka.analysis import rates, timeseries
from samverka.lib.dates import add_months
from samverka.lib.numbers import rounded
from samverka.organizations.models import Organization
from samverka.situation import overview
from samverka.sources.models import Dataset, PeriodKind, SourceKind, Statistic

KIND = SourceKind.CRIME_STATISTICS
MONTHS_OF = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}
TOTAL = 0  # the row key of the source's own total of all crime (category empty)


def statistics_datasets(dataset_ids: list[int]) -> list[int]:
    """The chosen datasets that are reported-crime statistics and in use."""
    return sorted(
        Dataset.objects.in_use().filter(pk__in=dataset_ids, kind=KIND).values_list("pk", flat=True)
    )


def _latest_start(end: dt.date, months: int) -> dt.date:
    """The latest start of a period of ``months`` months that ends on or before ``end``
    (periods start on the first of a month)."""
    after = end + dt.timedelta(days=1)
    return add_months(after.replace(day=1), -months)


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period compared with: for a period of whole months (the units statistics come
    in) as many whole months just before, so that January–August is compared with
    May–December, not with 3 May – 31 December (which whole months cover only seven of
    eight); otherwise the events' rule (the same number of days)."""
    if start.day == 1 and (end + dt.timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        return add_months(start, -months), start - dt.timedelta(days=1)
    return overview.previous_period(start, end)


def is_preliminary(kind: str, period_start: dt.date, flagged: bool, today: dt.date) -> bool:
    """Flagged by the source, or a monthly figure before the February after its year."""
    return flagged or (kind == PeriodKind.MONTH and today < dt.date(period_start.year + 1, 2, 1))


def _as_count(value: float) -> int:
    return int(rounded(value))


class _Units:
    """Values of one area by (row, period unit), with the category's own figure
    preferred over the sum of its subcategories."""

    def __init__(self, row_of: dict[int, int]) -> None:
        self.row_of = row_of
        self.own: dict[tuple[int, dt.date], float] = defaultdict(float)
        self.children: dict[tuple[int, dt.date], float] = defaultdict(float)
        self.preliminary: dict[tuple[int, dt.date], bool] = defaultdict(bool)

    def add(self, category_id: int | None, start: dt.date, value: float, preliminary: bool) -> None:
        if category_id is None:
            key = (TOTAL, start)
            self.own[key] += value
        else:
            row = self.row_of.get(category_id)
            if row is None:
                return
            key = (row, start)
            (self.own if row == category_id else self.children)[key] += value
        self.preliminary[key] |= preliminary

    def values(self) -> dict[tuple[int, dt.date], float]:
        """(row, unit) → value: the own figure where there is one, else the children's sum."""
        merged = dict(self.children)
        merged.update(self.own)
        return merged


def _load(
    kommun: Organization,
    ids: list[int],
    start: dt.date,
    end: dt.date,
    sub_area: int | None,
) -> list[tuple[str, dt.date, int | None, float | None, bool, bool, int]]:
    """The kommun's (or the sub-area's) rows whose whole period lies in ``start`` – ``end``."""
    query = Statistic.objects.filter(
        dataset_id__in=ids, kommun=kommun, period_start__gte=start, period_start__lte=end
    )
    query = query.filter(sub_area_id=sub_area) if sub_area else query.filter(sub_area__isnull=True)
    latest = {str(kind): _latest_start(end, months) for kind, months in MONTHS_OF.items()}
    return [
        row
        for row in query.order_by().values_list(
            "period_kind",
            "period_start",
            "category_id",
            "value",
            "suppressed",
            "preliminary",
            "dataset_id",
        )
        if row[1] <= latest.get(row[0], start)
    ]


def _finest_kind(rows: list[tuple[Any, ...]]) -> str | None:
    kinds = {row[0] for row in rows}
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        if kind in kinds:
            return str(kind)
    return None


def _fold(
    rows: list[tuple[Any, ...]], kind: str, row_of: dict[int, int], today: dt.date
) -> tuple[_Units, set[dt.date], int]:
    units = _Units(row_of)
    covered: set[dt.date] = set()
    suppressed = 0
    for period_kind, start, category_id, value, is_suppressed, flagged, _dataset in rows:
        if period_kind != kind:
            continue
        covered.add(start)
        if is_suppressed or value is None:
            suppressed += 1
            continue
        units.add(category_id, start, value, is_preliminary(kind, start, flagged, today))
    return units, covered, suppressed


def _sum_rows(units: _Units, low: dt.date, high: dt.date) -> tuple[dict[int, int], dict[int, bool]]:
    """Per row: the count over the units in ``low`` – ``high`` and whether any is preliminary."""
    sums: dict[int, float] = defaultdict(float)
    preliminary: dict[int, bool] = defaultdict(bool)
    for (row, start), value in units.values().items():
        if low <= start <= high:
            sums[row] += value
            preliminary[row] |= units.preliminary[(row, start)]
    return {row: _as_count(value) for row, value in sums.items()}, dict(preliminary)


def _rates(counts: list[int], exposure: float) -> list[dict[str, Any]]:
    """Rates per 100 000 with their exact intervals for many counts of one exposure at
    once (as :func:`overview._rate_dict` gives one); none without counts or exposure."""
    if not counts or exposure <= 0:
        return []
    found = rates.rates_per_100k(counts, [exposure] * len(counts))
    return [
        {
            "rate": float(found.rate[i]),
            "lower": float(found.lower[i]),
            "upper": float(found.upper[i]),
            "small": bool(found.small_numbers[i]),
        }
        for i in range(len(counts))
    ]


def _change(count: int, years: float, before: int, before_years: float) -> dict[str, Any]:
    ratio = rates.rate_ratio(count, years, before, before_years)
    return {
        "ratio": overview._finite(ratio.ratio),
        "lower": overview._finite(ratio.lower),
        "upper": overview._finite(ratio.upper),
        "verdict": ratio.verdict.value,
        "small": ratio.small_numbers,
    }


def _references(
    kommun: Organization,
    ids: list[int],
    filters: overview.Filters,
    kind: str,
    row_of: dict[int, int],
    population: dict[int, int],
) -> dict[str, Any]:
    """The county's and Sweden's counts per row from the same statistics, over the
    kommuner those datasets cover (only when they cover more than this kommun)."""
    grouped = list(
        Statistic.objects.filter(
            dataset_id__in=ids,
            period_kind=kind,
            period_start__gte=filters.start,
            period_start__lte=_latest_start(filters.end, MONTHS_OF[PeriodKind(kind)]),
            sub_area__isnull=True,
            value__isnull=False,
        )
        .order_by()
        .values_list("kommun_id", "category_id")
        .annotate(total=Sum("value"))
    )
    # Only kommuner whose population is known: a count without its inhabitants would
    # inflate the county's and Sweden's rates.
    kommuner = {kommun_id for kommun_id, _category, _total in grouped if population.get(kommun_id)}
    if len(kommuner) < 2 or kommun.pk not in kommuner:
        return {}
    county_of: dict[int, int | None] = dict(
        Organization.objects.filter(pk__in=kommuner).values_list("pk", "county_id")
    )
    per_kommun: dict[int, _Units] = {}
    epoch = dt.date(1970, 1, 1)  # one unit: the period's sums are already added up
    for kommun_id, category_id, total in grouped:
        if kommun_id not in kommuner:
            continue
        units = per_kommun.setdefault(kommun_id, _Units(row_of))
        units.add(category_id, epoch, float(total), False)
    county: dict[int, int] = defaultdict(int)
    nation: dict[int, int] = defaultdict(int)
    for kommun_id, units in per_kommun.items():
        sums, _preliminary = _sum_rows(units, epoch, epoch)
        for row, value in sums.items():
            nation[row] += value
            if county_of[kommun_id] == kommun.county_id:
                county[row] += value
    county_kommuner = {k for k, c in county_of.items() if c == kommun.county_id}
    return {
        "county": dict(county),
        "nation": dict(nation),
        "county_kommuner": len(county_kommuner),
        "nation_kommuner": len(kommuner),
        "county_population": sum(population.get(k, 0) for k in county_kommuner),
        "nation_population": sum(population.get(k, 0) for k in kommuner),
    }


def _months(
    units: _Units,
    covered: set[dt.date],
    rows: set[int],
    filters: overview.Filters,
    today: dt.date,
    flagged: set[dt.date],
    *,
    use_total: bool,
) -> dict[str, Any]:
    """The monthly series of the rows shown (the source's total where it has one),
    judged against control limits from up to three earlier years of the same data."""
    values = units.values()
    per_month: dict[dt.date, float] = defaultdict(float)
    with_total = {start for (row, start) in values if row == TOTAL} if use_total else set()
    for (row, start), value in values.items():
        if (row == TOTAL) if start in with_total else (row != TOTAL and row in rows):
            per_month[start] += value
    first = filters.start.replace(day=1)
    months = sorted(covered)
    current = [m for m in months if m >= first]
    baseline = [m for m in months if m < first]
    result: dict[str, Any] = {
        "labels": [f"{m.year}-{m.month:02d}" for m in current],
        "observed": [_as_count(per_month.get(m, 0.0)) for m in current],
        "preliminary": [is_preliminary(PeriodKind.MONTH, m, m in flagged, today) for m in current],
        "baseline_months": len(baseline),
    }

    def as_months(days: list[dt.date]) -> Any:
        return np.array([f"{m.year}-{m.month:02d}" for m in days], dtype="datetime64[M]")

    try:
        limits = timeseries.monthly_control_limits(
            [_as_count(per_month.get(m, 0.0)) for m in baseline],
            as_months(baseline),
            result["observed"],
            as_months(current),
        )
    except ValueError as error:
        result["limits_missing"] = str(error)
        return result
    result.update(
        expected=[round(float(v), 2) for v in limits.expected],
        lower=limits.lower.tolist(),
        upper=limits.upper.tolist(),
        above=limits.above.tolist(),
        below=limits.below.tolist(),
    )
    return result


def build(
    kommun: Organization,
    dataset_ids: list[int],
    filters: overview.Filters,
    *,
    info: dict[int, overview.CategoryInfo] | None = None,
    population: dict[int, int] | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The statistics figures of the lägesbild as JSON-safe data; ``{}`` when no
    statistics dataset is chosen."""
    ids = statistics_datasets(dataset_ids)
    if not ids:
        return {}
    today = today or timezone.localdate()
    info = info if info is not None else overview.categories()
    row_of, _keep = overview._grouping(filters, info)
    if population is None:
        population = overview.populations(filters.end.year)
    previous_start, previous_end = previous_period(filters.start, filters.end)
    baseline_from = dt.date(filters.start.year - overview.BASELINE_YEARS, filters.start.month, 1)
    earliest = min(previous_start, baseline_from)
    loaded = _load(kommun, ids, earliest, filters.end, filters.sub_area)
    producing = sorted({row[6] for row in loaded})
    kind = _finest_kind([r for r in loaded if r[1] >= filters.start])
    result: dict[str, Any] = {
        "kind": "statistics",
        "sources": overview.dataset_summary(producing or ids),
        "rows": [],
        "total": 0,
    }
    if kind is None:
        return result
    units, covered, suppressed = _fold(loaded, kind, row_of, today)
    flagged = {r[1] for r in loaded if r[0] == kind and r[5]}
    step = MONTHS_OF[PeriodKind(kind)]
    now_units = {u for u in covered if filters.start <= u <= filters.end}
    before_last = _latest_start(previous_end, step)
    before_units = {u for u in covered if previous_start <= u <= before_last}
    months_now = len(now_units) * step
    months_before = len(before_units) * step
    years, before_years = months_now / 12, months_before / 12
    counts, preliminary = _sum_rows(units, filters.start, filters.end)
    before, _p = _sum_rows(units, previous_start, before_last)
    comparable = months_before == months_now and months_now > 0
    inhabitants = 0 if filters.sub_area else population.get(kommun.pk, 0)
    references = (
        {} if filters.sub_area else _references(kommun, ids, filters, kind, row_of, population)
    )
    shown = sorted(
        (row for row in set(counts) | set(before) if row != TOTAL and row in info),
        key=lambda pk: (info[pk].position, info[pk].code),
    )
    with_county = bool(references) and references["county_kommuner"] > 1
    with_county = with_county and bool(references["county_population"])
    with_nation = bool(references) and bool(references["nation_population"]) and bool(inhabitants)
    # Statistics of a few kommuner of one county are not Sweden: the country is shown only
    # where they reach beyond the county.
    with_nation = with_nation and references["nation_kommuner"] > references["county_kommuner"]
    kommun_rates = _rates([counts.get(row, 0) for row in shown], inhabitants * years)
    county_rates = _rates(
        [references["county"].get(row, 0) for row in shown] if with_county else [],
        references.get("county_population", 0) * years,
    )
    nation_rates = _rates(
        [references["nation"].get(row, 0) for row in shown] if with_nation else [],
        references.get("nation_population", 0) * years,
    )
    rows: list[dict[str, Any]] = []
    for index, row in enumerate(shown):
        count = counts.get(row, 0)
        entry: dict[str, Any] = {
            "code": info[row].code,
            "label_sv": info[row].label_sv,
            "label_en": info[row].label_en,
            "count": count,
            "previous": before.get(row, 0),
            "preliminary": preliminary.get(row, False),
        }
        if kommun_rates:
            entry["kommun"] = kommun_rates[index]
        if county_rates:
            entry["county"] = county_rates[index]
        if nation_rates:
            entry["nation"] = nation_rates[index]
            versus = rates.compare_to_reference(
                count,
                inhabitants * years,
                references["nation"].get(row, 0),
                references["nation_population"] * years,
            )
            entry["versus_nation"] = {
                rates.Verdict.INCREASE: "higher",
                rates.Verdict.DECREASE: "lower",
            }.get(versus.verdict, "unclear")
        if comparable:
            entry["change"] = _change(count, years, before.get(row, 0), before_years)
        rows.append(entry)
    from_source = TOTAL in counts and not filters.category
    total = counts[TOTAL] if from_source else sum(counts.get(row, 0) for row in shown)
    previous_total = (
        before.get(TOTAL, 0) if from_source else sum(before.get(row, 0) for row in shown)
    )
    result.update(
        rows=rows,
        period_kind=kind,
        total=total,
        total_from_source=from_source,
        total_preliminary=bool(preliminary.get(TOTAL))
        if from_source
        else any(preliminary.get(row) for row in shown),
        previous_total=previous_total,
        preliminary=any(preliminary.values()),
        suppressed=suppressed,
        population=inhabitants,
        months_covered=months_now,
        months_in_period=_months_between(filters.start, filters.end),
        previous={
            "start": previous_start.isoformat(),
            "end": previous_end.isoformat(),
            "covered": comparable,
            "months_covered": months_before,
        },
        county_name=str(kommun.county) if kommun.county_id and references else "",
        county_kommuner=references.get("county_kommuner", 0),
        nation_kommuner=references.get("nation_kommuner", 0) if with_nation else 0,
    )
    if comparable and from_source:
        result["total_change"] = _change(total, years, previous_total, before_years)
    if kind == PeriodKind.MONTH:
        result["months"] = _months(
            units,
            {u for u in covered if u >= baseline_from and u <= filters.end},
            set(row_of.values()),
            filters,
            today,
            flagged,
            use_total=not filters.category,
        )
    return result


def _months_between(start: dt.date, end: dt.date) -> int:
    """Whole months in ``start`` – ``end``."""
    first = start if start.day == 1 else add_months(start.replace(day=1), 1)
    after = (end + dt.timedelta(days=1)).replace(day=1)
    return max(0, (after.year - first.year) * 12 + after.month - first.month)


def count(
    kommun: Organization, dataset_ids: list[int], filters: overview.Filters
) -> tuple[int, float]:
    """The count the statistics table shows as its total for ``filters``, and the years
    of data behind it: a goal's baseline and follow-up count with this, so that they
    equal what the lägesbild showed."""
    figures = build(kommun, dataset_ids, filters)
    return int(figures.get("total", 0)), figures.get("months_covered", 0) / 12


def data_end(kommun: Organization, dataset_ids: list[int]) -> dt.date | None:
    """The last day of the latest period the chosen statistics hold for the kommun."""
    ids = statistics_datasets(dataset_ids)
    last = (
        Statistic.objects.filter(dataset_id__in=ids, kommun=kommun)
        .order_by("-period_start")
        .values_list("period_kind", "period_start")
        .first()
    )
    if last is None:
        return None
    return add_months(last[1], MONTHS_OF[PeriodKind(last[0])]) - dt.timedelta(days=1)


def scrub_for_public(figures: dict[str, Any]) -> dict[str, Any]:
    """The statistics figures safe for anyone: published aggregates, without dataset ids."""
    return {
        **figures,
        "sources": [
            {k: v for k, v in source.items() if k != "id"} for source in figures.get("sources", [])
        ],
    }
