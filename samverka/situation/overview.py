"""The overview of a lägesbild: the figures a coordinator would otherwise assemble by hand.

:func:`build` reads the events, surveys and populations of the chosen datasets for one
kommun, turns them into arrays and hands them to :mod:`samverka.analysis`; what comes
back is plain JSON-safe data (numbers and labels in both languages), so that the same
figures render in the page, in the PDF and in the DOCX, can be pinned as evidence and
can be frozen when the picture is adopted.

What is computed, and from what:

* **categories**: events of the period per main category (or per subcategory of the
  chosen main category), the rate per 100 000 inhabitants with its exact Poisson
  interval, the same rate for the county and the nation from the same datasets (only
  over the kommuner those datasets cover, which the table says), and the change
  against the period of the same length before, as a rate ratio with its interval and
  a verdict that says "ingen säker förändring" where the interval spans no change;
* **months**: events per month of the period against control limits from up to three
  earlier years (:func:`samverka.analysis.timeseries.monthly_control_limits`);
* **weekday_hour**: events with an exact time by weekday and hour, Swedish time;
* **map** and **concentration**: only events with a real position (never kommun or
  county centres): counts on a square SWEREF 99 TM grid, Getis-Ord Gi* hot spots with
  the exact convolution null and Benjamini-Hochberg FDR, and the share of events in
  the busiest places;
* **surveys**: shares with Wilson intervals per area, question and year;
* **est**: EST reports of the period per category.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db.models import Count, F, Func, IntegerField, QuerySet
from django.utils import timezone

from samverka.analysis import place, rates, timeseries
from samverka.lib.dates import stockholm_local
from samverka.lib.geo import wgs84_to_sweref99tm_arrays
from samverka.organizations.models import Organization, SubArea
from samverka.situation import coverage, survey_figures
from samverka.sources.models import (
    Dataset,
    Event,
    PlacePrecision,
    Population,
    SourceKind,
    TimePrecision,
)
from samverka.taxonomy.models import Category

CELL_SIZE = 250  # metres: a few blocks in a town, the default of the analysis core
DENSITY_BANDWIDTH = 500.0  # metres: the quartic kernel's radius for the density map
TOP_PLACES = 10
MIN_HOTSPOT_COUNT = 3  # cells with fewer events are not tested (sparse grids are unstable)
PUBLIC_MIN_CELL_COUNT = 5  # public output suppresses cells with fewer events
BASELINE_YEARS = 3
SMALL_COUNT = 10  # below this a count is shown as a count, not as a rate

WEEKDAYS_SV = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Filters:
    """What the overview is narrowed to; ``category`` is a taxonomy code or empty."""

    start: dt.date
    end: dt.date
    category: str = ""
    sub_area: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "category": self.category,
            "sub_area": self.sub_area,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Filters:
        return cls(
            start=dt.date.fromisoformat(data["start"]),
            end=dt.date.fromisoformat(data["end"]),
            category=data.get("category") or "",
            sub_area=data.get("sub_area") or None,
        )


class Epoch(Func):
    """Seconds since 1970 of a datetime column, computed by the database."""

    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)"
        )


def _epoch(day: dt.date) -> int:
    """Epoch seconds of local midnight starting ``day`` in Sweden."""
    return int(_bounds(day, day)[0].timestamp())


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Stockholm")
    after = end + dt.timedelta(days=1)
    return (
        dt.datetime(start.year, start.month, start.day, tzinfo=zone),
        dt.datetime(after.year, after.month, after.day, tzinfo=zone),
    )


# --- categories --------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryInfo:
    code: str
    label_sv: str
    label_en: str
    parent_id: int | None
    position: int


def categories() -> dict[int, CategoryInfo]:
    """Every category by primary key (all taxonomy versions: old events keep theirs)."""
    return {
        pk: CategoryInfo(code, sv, en, parent, position)
        for pk, code, sv, en, parent, position in Category.objects.values_list(
            "pk", "code", "label_sv", "label_en", "parent_id", "position"
        )
    }


def _grouping(filters: Filters, info: dict[int, CategoryInfo]) -> tuple[dict[int, int], set[int]]:
    """Which row each category counts in, and the categories the filter keeps.

    Without a category filter, rows are main categories; with a main category, its
    subcategories; with a subcategory, that one only.
    """
    by_code = {c.code: pk for pk, c in info.items()}
    chosen = by_code.get(filters.category) if filters.category else None
    row_of: dict[int, int] = {}
    keep: set[int] = set()
    for pk, cat in info.items():
        top = cat.parent_id if cat.parent_id is not None else pk
        if chosen is None:
            row_of[pk] = top
            keep.add(pk)
        elif info[chosen].parent_id is None:
            if top == chosen:
                row_of[pk] = pk
                keep.add(pk)
        elif pk == chosen:
            row_of[pk] = pk
            keep.add(pk)
    return row_of, keep


# --- the data ------------------------------------------------------------------------------


@dataclass
class EventArrays:
    """The events of one kommun as columns."""

    epoch: npt.NDArray[np.int64]
    category: npt.NDArray[np.int64]  # 0 where unmapped
    latitude: npt.NDArray[np.float64]
    longitude: npt.NDArray[np.float64]
    exact_time: npt.NDArray[np.bool_]
    exact_place: npt.NDArray[np.bool_]
    est: npt.NDArray[np.bool_]

    def take(self, mask: npt.NDArray[np.bool_]) -> EventArrays:
        return EventArrays(
            self.epoch[mask],
            self.category[mask],
            self.latitude[mask],
            self.longitude[mask],
            self.exact_time[mask],
            self.exact_place[mask],
            self.est[mask],
        )


def _event_query(dataset_ids: list[int]) -> QuerySet[Event]:
    return Event.objects.in_use().filter(dataset_id__in=dataset_ids)


def load_events(
    kommun: Organization, dataset_ids: list[int], start: dt.date, end: dt.date
) -> EventArrays:
    low, high = _bounds(start, end)
    rows = list(
        _event_query(dataset_ids)
        .filter(kommun=kommun, occurred_at__gte=low, occurred_at__lt=high)
        .order_by()
        .annotate(epoch=Epoch(F("occurred_at")))
        .values_list(
            "epoch",
            "category_id",
            "latitude",
            "longitude",
            "time_precision",
            "place_precision",
            "source",
        )
    )
    if not rows:
        empty_i = np.zeros(0, dtype=np.int64)
        empty_f = np.zeros(0, dtype=np.float64)
        empty_b = np.zeros(0, dtype=bool)
        return EventArrays(empty_i, empty_i, empty_f, empty_f, empty_b, empty_b, empty_b)
    epoch, category, lat, lon, tprec, pprec, source = zip(*rows, strict=True)
    return EventArrays(
        np.fromiter(epoch, dtype=np.int64, count=len(rows)),
        np.fromiter((c or 0 for c in category), dtype=np.int64, count=len(rows)),
        np.array([v if v is not None else np.nan for v in lat], dtype=np.float64),
        np.array([v if v is not None else np.nan for v in lon], dtype=np.float64),
        np.fromiter((t == TimePrecision.EXACT for t in tprec), dtype=bool, count=len(rows)),
        np.fromiter((p == PlacePrecision.EXACT for p in pprec), dtype=bool, count=len(rows)),
        np.fromiter((s == SourceKind.EST for s in source), dtype=bool, count=len(rows)),
    )


def populations(year: int) -> dict[int, int]:
    """Inhabitants per kommun for ``year``: imported population figures where there are
    any (the latest year not after ``year``), else the reference figure."""
    figures: dict[int, int] = {
        pk: population or 0
        for pk, population in Organization.objects.filter(population__isnull=False).values_list(
            "pk", "population"
        )
    }
    imported = (
        Population.objects.filter(dataset__in=Dataset.objects.in_use(), year__lte=year)
        .order_by("kommun_id", "year", "dataset__imported_at", "dataset_id")
        .values_list("kommun_id", "population")
    )
    for kommun_id, population in imported:  # later years (and imports) overwrite earlier ones
        figures[kommun_id] = population
    return figures


def _person(first_name: str | None, last_name: str | None, email: str | None) -> str:
    """A user as the app names one (``User.__str__``), from the values of a query."""
    return f"{first_name or ''} {last_name or ''}".strip() or email or ""


def population_provenance(kommun: Organization, year: int) -> dict[str, Any]:
    """Where the population :func:`populations` uses for ``kommun`` comes from: the import
    (which file, who, when) or the municipality's reference figure."""
    found = (
        Population.objects.filter(
            dataset__in=Dataset.objects.in_use(), year__lte=year, kommun=kommun
        )
        .order_by("-year", "-dataset__imported_at", "-dataset_id")
        .values_list(
            "population",
            "year",
            "dataset_id",
            "dataset__title",
            "dataset__file_name",
            "dataset__imported_at",
            "dataset__imported_by__first_name",
            "dataset__imported_by__last_name",
            "dataset__imported_by__email",
            "dataset__owner__name",
        )
        .first()
    )
    if found is None:
        population = (
            Organization.objects.filter(pk=kommun.pk).values_list("population", flat=True).first()
        )
        return {"population": population or 0, "imported": False}
    population, year_of, dataset_id, title, file_name, imported_at, *user, owner = found
    return {
        "population": population,
        "imported": True,
        "year": year_of,
        "dataset": dataset_id,
        "title": title,
        "file_name": file_name,
        "imported_at": timezone.localtime(imported_at).strftime("%Y-%m-%d %H:%M"),
        "imported_by": _person(*user),
        "owner": owner,
    }


def sub_area_provenance(kommun: Organization, sub_area: int | None) -> dict[str, Any] | None:
    """Where the boundary of ``sub_area`` comes from: the import that drew it last."""
    if not sub_area:
        return None
    found = (
        SubArea.objects.filter(pk=sub_area, kommun=kommun, dataset__isnull=False)
        .values_list(
            "dataset_id",
            "dataset__title",
            "dataset__file_name",
            "dataset__imported_at",
            "dataset__imported_by__first_name",
            "dataset__imported_by__last_name",
            "dataset__imported_by__email",
        )
        .first()
    )
    if found is None:
        return None
    dataset_id, title, file_name, imported_at, *user = found
    return {
        "dataset": dataset_id,
        "title": title,
        "file_name": file_name,
        "imported_at": timezone.localtime(imported_at).strftime("%Y-%m-%d %H:%M"),
        "imported_by": _person(*user),
    }


def _polygons(geometry: dict[str, Any]) -> list[Any]:
    """The polygons (each a list of rings) of a GeoJSON Polygon or MultiPolygon."""
    coordinates = geometry.get("coordinates") or []
    return [coordinates] if geometry.get("type") == "Polygon" else list(coordinates)


def _polygon_mask(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], geometry: dict[str, Any]
) -> npt.NDArray[np.bool_]:
    """Points inside a GeoJSON Polygon or MultiPolygon (even-odd rule, holes respected)."""
    polygons = _polygons(geometry)
    inside = np.zeros(lat.shape, dtype=bool)
    for polygon in polygons:
        in_this = np.zeros(lat.shape, dtype=bool)
        for ring in polygon:
            points = np.asarray(ring, dtype=np.float64)
            xs, ys = points[:, 0], points[:, 1]
            x0, y0 = xs, ys
            x1, y1 = np.roll(xs, -1), np.roll(ys, -1)
            for a, b, c, d in zip(x0, y0, x1, y1, strict=True):
                crosses = ((b > lat) != (d > lat)) & (
                    lon < (c - a) * (lat - b) / ((d - b) if d != b else 1e-300) + a
                )
                in_this ^= crosses
        inside |= in_this
    return inside


# --- the figures ---------------------------------------------------------------------------


def _rate_dict(rate: rates.Rate) -> dict[str, Any]:
    return {
        "rate": rate.rate,
        "lower": rate.lower,
        "upper": rate.upper,
        "small": rate.small_numbers,
    }


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value


def _category_table(
    kommun: Organization,
    dataset_ids: list[int],
    filters: Filters,
    events: EventArrays,
    in_period: npt.NDArray[np.bool_],
    in_previous: npt.NDArray[np.bool_],
    info: dict[int, CategoryInfo],
    row_of: dict[int, int],
    population: dict[int, int],
    *,
    compare_previous: bool = True,
    places: dict[str, Any] | None = None,
) -> dict[str, Any]:
    police = ~events.est
    current = events.category[in_period & police]
    previous = events.category[in_previous & police]
    counts: dict[int, int] = defaultdict(int)
    before: dict[int, int] = defaultdict(int)
    for pk in current.tolist():
        if pk in row_of:
            counts[row_of[pk]] += 1
    for pk in previous.tolist():
        if pk in row_of:
            before[row_of[pk]] += 1
    unmapped = int(np.count_nonzero(current == 0))

    # The county and the nation: only from the chosen datasets that cover more than this
    # kommun (like with like: a kommun's own register is not compared with the police's
    # national notices), over the kommuner those datasets cover; the kommun's own
    # comparable rate is computed from the same datasets.
    low, high = _bounds(filters.start, filters.end)
    grouped = list(
        _event_query(dataset_ids)
        .exclude(source=SourceKind.EST)
        .filter(occurred_at__gte=low, occurred_at__lt=high, kommun__isnull=False)
        .order_by()
        .values_list("dataset_id", "kommun_id", "kommun__county_id", "category_id")
        .annotate(n=Count("id"))
    )
    kommuner_of: dict[int, set[int]] = defaultdict(set)
    for dataset_id, kommun_id, _county, _category, _n in grouped:
        kommuner_of[dataset_id].add(kommun_id)
    wide = {dataset_id for dataset_id, covered in kommuner_of.items() if len(covered) > 1}
    own_counts: dict[int, int] = defaultdict(int)
    county_counts: dict[int, int] = defaultdict(int)
    nation_counts: dict[int, int] = defaultdict(int)
    county_kommuner: set[int] = set()
    nation_kommuner: set[int] = set()
    for dataset_id, kommun_id, county_id, category_id, n in grouped:
        if dataset_id not in wide:
            continue
        nation_kommuner.add(kommun_id)
        same_county = county_id == kommun.county_id
        if same_county:
            county_kommuner.add(kommun_id)
        row = row_of.get(category_id or 0)
        if row is None:
            continue
        nation_counts[row] += n
        if same_county:
            county_counts[row] += n
        if kommun_id == kommun.pk:
            own_counts[row] += n
    county_population = sum(population.get(k, 0) for k in county_kommuner)
    nation_population = sum(population.get(k, 0) for k in nation_kommuner)
    inhabitants = population.get(kommun.pk, 0)
    days = (filters.end - filters.start).days + 1
    years = days / 365.25
    # ``places``: why the kommun's coverage makes a comparison with them say nothing.
    compare = bool(wide) and inhabitants > 0 and kommun.pk in nation_kommuner and not places

    rows: list[dict[str, Any]] = []
    for row in sorted(set(counts) | set(before), key=lambda pk: (info[pk].position, info[pk].code)):
        count = counts.get(row, 0)
        entry: dict[str, Any] = {
            "code": info[row].code,
            "label_sv": info[row].label_sv,
            "label_en": info[row].label_en,
            "count": count,
            "previous": before.get(row, 0),
        }
        if inhabitants:
            entry["kommun"] = _rate_dict(rates.rate_per_100k(count, inhabitants * years))
        if compare:
            own = own_counts.get(row, 0)
            entry["comparable"] = _rate_dict(rates.rate_per_100k(own, inhabitants * years))
            if county_population and len(county_kommuner) > 1:
                entry["county"] = _rate_dict(
                    rates.rate_per_100k(county_counts.get(row, 0), county_population * years)
                )
            if nation_population:
                entry["nation"] = _rate_dict(
                    rates.rate_per_100k(nation_counts.get(row, 0), nation_population * years)
                )
                versus = rates.compare_to_reference(
                    own,
                    inhabitants * years,
                    nation_counts.get(row, 0),
                    nation_population * years,
                )
                entry["versus_nation"] = {
                    rates.Verdict.INCREASE: "higher",
                    rates.Verdict.DECREASE: "lower",
                }.get(versus.verdict, "unclear")
        if not compare_previous:
            rows.append(entry)
            continue
        ratio = rates.rate_ratio(count, days, before.get(row, 0), days)
        entry["change"] = {
            "ratio": _finite(ratio.ratio),
            "lower": _finite(ratio.lower),
            "upper": _finite(ratio.upper),
            "verdict": ratio.verdict.value,
            "small": ratio.small_numbers,
        }
        rows.append(entry)
    total = int(sum(counts.values()))
    return {
        "rows": rows,
        "total": total,
        "previous_total": int(sum(before.values())),
        "unmapped": unmapped,
        "places_coverage": places if wide else None,
        "population": inhabitants,
        "county_name": str(kommun.county) if kommun.county_id else "",
        "county_kommuner": len(county_kommuner) if compare else 0,
        "nation_kommuner": len(nation_kommuner) if compare else 0,
        "reference_sources": sorted(
            Dataset.objects.filter(pk__in=wide).values_list("title", flat=True)
        )
        if compare
        else [],
    }


def _months(
    events: EventArrays, keep: npt.NDArray[np.bool_], filters: Filters, earliest: dt.date
) -> dict[str, Any]:
    local = stockholm_local(events.epoch[keep])
    month_index = local.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    start = (filters.start.year - 1970) * 12 + filters.start.month - 1
    end = (filters.end.year - 1970) * 12 + filters.end.month - 1
    first = (earliest.year - 1970) * 12 + earliest.month - 1
    all_months = np.arange(first, end + 1)
    counts = np.bincount(month_index - first, minlength=len(all_months))[: len(all_months)]
    current = all_months >= start
    labels = [f"{1970 + m // 12}-{m % 12 + 1:02d}" for m in all_months[current].tolist()]
    result: dict[str, Any] = {
        "labels": labels,
        "observed": counts[current].tolist(),
        "baseline_months": int(np.count_nonzero(~current)),
    }
    try:
        limits = timeseries.monthly_control_limits(
            counts[~current],
            all_months[~current].astype("datetime64[M]"),
            counts[current],
            all_months[current].astype("datetime64[M]"),
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


def _weekday_hour(events: EventArrays, keep: npt.NDArray[np.bool_]) -> dict[str, Any]:
    chosen = keep & events.exact_time
    local = stockholm_local(events.epoch[chosen])
    matrix = timeseries.weekday_hour_matrix(local.astype("datetime64[m]"))
    return {
        "matrix": matrix.tolist(),
        "total": int(matrix.sum()),
        "without_time": int(np.count_nonzero(keep & ~events.exact_time)),
        "weekdays_sv": list(WEEKDAYS_SV),
        "weekdays_en": list(WEEKDAYS_EN),
    }


def _project_ring(ring: list[list[float]]) -> list[list[float]]:
    points = np.asarray(ring, dtype=np.float64)
    north, east = wgs84_to_sweref99tm_arrays(points[:, 1], points[:, 0])
    return [[round(float(e), 1), round(float(n), 1)] for n, e in zip(north, east, strict=True)]


def _map(
    kommun: Organization, events: EventArrays, keep: npt.NDArray[np.bool_]
) -> tuple[dict[str, Any], dict[str, Any]]:
    positioned = keep & events.exact_place & np.isfinite(events.latitude)
    without = int(np.count_nonzero(keep & ~positioned))
    if not positioned.any():
        return {"cells": [], "events": 0, "without_position": without}, {}
    north, east = wgs84_to_sweref99tm_arrays(
        events.latitude[positioned], events.longitude[positioned]
    )
    counts = place.bin_events(north, east, cell_size=CELL_SIZE)
    grid = counts.grid
    gi = place.gi_star(counts, "queen", min_count=MIN_HOTSPOT_COUNT)
    nonzero = np.argwhere(counts.counts > 0)
    cells = [[int(r), int(c), int(counts.counts[r, c]), bool(gi.hot[r, c])] for r, c in nonzero]
    conc = place.concentration(counts, top=0.05)
    density = place.smooth_counts(counts.counts, DENSITY_BANDWIDTH, grid.cell_size)
    data = {
        "cell_size": grid.cell_size,
        "origin_northing": grid.origin_northing,
        "origin_easting": grid.origin_easting,
        "rows": grid.rows,
        "cols": grid.cols,
        "cells": cells,
        "events": int(np.count_nonzero(positioned)),
        "without_position": without,
        "hot_cells": int(np.count_nonzero(gi.hot)),
        "tested_cells": int(np.count_nonzero(gi.tested)),
        "alpha": gi.alpha,
        "min_count": MIN_HOTSPOT_COUNT,
        "boundary": _boundary(kommun),
        "areas": _area_outlines(kommun),
        "density": _density_levels(density),
        "density_bandwidth": DENSITY_BANDWIDTH,
        "top": _top_places(kommun, counts, gi, positioned_total=int(np.count_nonzero(positioned))),
    }
    ordered = np.sort(counts.counts.ravel())[::-1]
    cumulative = np.cumsum(ordered)
    total = int(cumulative[-1]) if cumulative.size else 0
    concentration = {
        # In squares, not in shares of a rectangle drawn around the events: the count
        # of squares holding half of the events does not depend on where the map ends.
        "squares_for_half": int(np.searchsorted(cumulative, total / 2) + 1) if total else 0,
        "top_squares": TOP_PLACES,
        "events_in_top_squares": float(cumulative[min(TOP_PLACES, cumulative.size) - 1] / total)
        if total
        else 0.0,
        "events": conc.events,
        "places": conc.places,
        "places_with_events": conc.places_with_events,
        "top": conc.top,
        "events_in_top": _finite(conc.events_in_top),
        "places_for_half": _finite(conc.places_for_half),
        "cell_size": grid.cell_size,
    }
    return data, concentration


def _density_levels(density: npt.NDArray[np.float64]) -> list[list[int]]:
    """Cells of the density surface in five levels (quintiles of the cells above a
    twentieth of the peak), as [row, column, level 1–5]."""
    peak = float(density.max()) if density.size else 0.0
    if peak <= 0:
        return []
    rows, cols = np.nonzero(density > peak / 20)
    values = density[rows, cols]
    edges = np.quantile(values, [0.2, 0.4, 0.6, 0.8])
    levels = np.searchsorted(edges, values, side="right") + 1
    return [
        [int(r), int(c), int(level)]
        for r, c, level in zip(rows.tolist(), cols.tolist(), levels.tolist(), strict=True)
    ]


def _top_places(
    kommun: Organization, counts: place.GridCounts, gi: Any, positioned_total: int
) -> list[dict[str, Any]]:
    """The busiest squares, with their sub-area where one is drawn around them."""
    from samverka.lib.geo import sweref99tm_to_wgs84

    flat = counts.counts.ravel()
    order = np.argsort(flat, kind="stable")[::-1][:TOP_PLACES]
    areas = [
        (area.name, area.geometry)
        for area in SubArea.objects.filter(kommun=kommun)
        if area.geometry
    ]
    grid = counts.grid
    top = []
    for index in order.tolist():
        count = int(flat[index])
        if count == 0:
            break
        r, c = divmod(index, grid.cols)
        north = grid.origin_northing + (r + 0.5) * grid.cell_size
        east = grid.origin_easting + (c + 0.5) * grid.cell_size
        lat, lon = sweref99tm_to_wgs84(north, east)
        area_name = next(
            (
                name
                for name, geometry in areas
                if _polygon_mask(np.array([lat]), np.array([lon]), geometry)[0]
            ),
            "",
        )
        top.append(
            {
                "row": r,
                "col": c,
                "count": count,
                "share": count / positioned_total if positioned_total else 0.0,
                "hot": bool(gi.hot[r, c]),
                "area": area_name,
                "north": round(north),
                "east": round(east),
            }
        )
    return top


def _area_outlines(kommun: Organization) -> list[dict[str, Any]]:
    """The kommun's sub-areas in SWEREF 99 TM, for the map's outlines and names."""
    outlines = []
    for area in SubArea.objects.filter(kommun=kommun).order_by("name"):
        polygons = _polygons(area.geometry or {})
        rings = [_project_ring(polygon[0]) for polygon in polygons if polygon and polygon[0]]
        if rings:
            outlines.append({"name": area.name, "rings": rings})
    return outlines


def _boundary(kommun: Organization) -> list[list[list[float]]]:
    geometry = Organization.objects.filter(pk=kommun.pk).values_list("geometry", flat=True).first()
    if not geometry:
        return []
    return [_project_ring(polygon[0]) for polygon in _polygons(geometry) if polygon]


def _surveys(kommun: Organization, dataset_ids: list[int], filters: Filters) -> dict[str, Any]:
    """The kommun's and its sub-areas' survey results, the län's and the country's beside
    them (:mod:`samverka.situation.survey_figures`)."""
    return survey_figures.build(
        kommun,
        dataset_ids,
        filters.end.year - BASELINE_YEARS,
        filters.end.year,
        filters.sub_area,
    )


def _est(
    events: EventArrays, in_period: npt.NDArray[np.bool_], info: dict[int, CategoryInfo]
) -> dict[str, Any]:
    chosen = events.category[in_period & events.est]
    values, counts = np.unique(chosen, return_counts=True)
    rows = []
    for pk, n in zip(values.tolist(), counts.tolist(), strict=True):
        cat = info.get(pk)
        rows.append(
            {
                "code": cat.code if cat else "",
                "label_sv": cat.label_sv if cat else "Okategoriserad",
                "label_en": cat.label_en if cat else "Uncategorised",
                "count": n,
            }
        )
    rows.sort(key=lambda r: -r["count"])
    return {"rows": rows, "total": int(chosen.size)}


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length just before (a year before, for whole years)."""
    if start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31:
        years = end.year - start.year + 1
        return start.replace(year=start.year - years), end.replace(year=end.year - years)
    length = end - start
    return start - length - dt.timedelta(days=1), start - dt.timedelta(days=1)


def dataset_summary(dataset_ids: list[int]) -> list[dict[str, Any]]:
    return [
        {
            "id": pk,
            "title": title,
            "kind": kind,
            "owner": owner,
            "period_start": start.isoformat() if start else None,
            "period_end": end.isoformat() if end else None,
        }
        for pk, title, kind, owner, start, end in Dataset.objects.filter(pk__in=dataset_ids)
        .order_by("title")
        .values_list("pk", "title", "kind", "owner__name", "period_start", "period_end")
    ]


def _in_sub_area(
    events: EventArrays, kommun: Organization, sub_area: int | None
) -> tuple[EventArrays, str]:
    """The events with a position inside ``sub_area`` (all of them without one)."""
    if not sub_area:
        return events, ""
    area = SubArea.objects.filter(pk=sub_area, kommun=kommun).first()
    if area is None or not area.geometry:
        inside = np.zeros(events.epoch.shape, dtype=bool)
    else:
        inside = events.exact_place & _polygon_mask(
            events.latitude, events.longitude, area.geometry
        )
    return events.take(inside), area.name if area else ""


def count_events(kommun: Organization, dataset_ids: list[int], filters: Filters) -> int:
    """The number of events the overview's table by category shows as its total for
    ``filters``: police-reported events (not EST) of the period in the chosen category
    and area. A goal's indicator counts with this, so that its baseline equals what the
    lägesbild showed."""
    info = categories()
    row_of, _keep = _grouping(filters, info)
    events = load_events(kommun, dataset_ids, filters.start, filters.end)
    events, _name = _in_sub_area(events, kommun, filters.sub_area)
    counted = np.isin(events.category, np.fromiter(row_of, dtype=np.int64)) & ~events.est
    return int(np.count_nonzero(counted))


def build(kommun: Organization, dataset_ids: list[int], filters: Filters) -> dict[str, Any]:
    """Every figure of the overview, as JSON-safe data."""
    info = categories()
    row_of, keep_categories = _grouping(filters, info)
    previous_start, previous_end = previous_period(filters.start, filters.end)
    earliest = min(
        previous_start, dt.date(filters.start.year - BASELINE_YEARS, filters.start.month, 1)
    )
    events = load_events(kommun, dataset_ids, earliest, filters.end)

    events, sub_area_name = _in_sub_area(events, kommun, filters.sub_area)

    category_kept = np.isin(events.category, np.fromiter(keep_categories, dtype=np.int64))
    if not filters.category:
        category_kept |= events.category == 0
    period_low, period_high = _epoch(filters.start), _epoch(filters.end + dt.timedelta(days=1))
    prev_low = _epoch(previous_start)
    in_period = (events.epoch >= period_low) & (events.epoch < period_high)
    in_previous = (events.epoch >= prev_low) & (events.epoch < period_low)
    police = ~events.est

    population = populations(filters.end.year)
    # A source whose coverage of the kommun differs between the periods makes no change.
    need = coverage.SUB_AREA if filters.sub_area else coverage.KOMMUN
    changed = coverage.compare_periods(
        kommun, dataset_ids, (previous_start, previous_end), (filters.start, filters.end), need
    )
    label = next((c for c in info.values() if c.code == filters.category), None)
    figures: dict[str, Any] = {
        "filters": filters.as_dict(),
        "category_label_sv": label.label_sv if label else "",
        "category_label_en": label.label_en if label else "",
        "sub_area_name": sub_area_name,
        "kommun": kommun.name,
        "previous": {
            "start": previous_start.isoformat(),
            "end": previous_end.isoformat(),
            # The change is shown only when every source covers both periods alike.
            "covered": changed is None,
            "coverage": changed,
        },
        "sources": dataset_summary(dataset_ids),
        "population_source": population_provenance(kommun, filters.end.year),
        "sub_area_source": sub_area_provenance(kommun, filters.sub_area),
    }
    if not figures["previous"]["covered"]:
        in_previous = np.zeros(in_previous.shape, dtype=bool)
    figures["categories"] = _category_table(
        kommun,
        dataset_ids,
        filters,
        events,
        in_period,
        in_previous,
        info,
        row_of,
        {} if filters.sub_area else population,  # no population is known for a sub-area
        compare_previous=figures["previous"]["covered"],
        places=coverage.compare_places(kommun, dataset_ids, filters.start, filters.end),
    )
    chosen = category_kept & police
    baseline_from = dt.date(filters.start.year - BASELINE_YEARS, filters.start.month, 1)
    # The baseline: only the months every source describes as it does the period.
    baseline_from, cut = coverage.baseline_start(
        kommun, dataset_ids, (filters.start, filters.end), baseline_from
    )
    figures["months"] = _months(
        events,
        chosen & (events.epoch < period_high) & (events.epoch >= _epoch(baseline_from)),
        filters,
        min(baseline_from, filters.start.replace(day=1)),
    )
    figures["months"]["coverage"] = cut
    figures["weekday_hour"] = _weekday_hour(events, chosen & in_period)
    figures["map"], figures["concentration"] = _map(kommun, events, chosen & in_period)
    figures["surveys"] = _surveys(kommun, dataset_ids, filters)
    figures["est"] = _est(events, in_period & category_kept, info)
    # Reported-crime statistics: their own figures, never added to the events.
    from samverka.situation import statistics

    figures["statistics"] = statistics.build(
        kommun, dataset_ids, filters, info=info, population=population
    )
    return figures


def scrub_for_public(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures safe for anyone: no grid cell with fewer than
    :data:`PUBLIC_MIN_CELL_COUNT` events, no dataset ids."""
    public = {key: value for key, value in figures.items() if key != "sources"}
    public["sources"] = [
        {k: v for k, v in source.items() if k != "id"} for source in figures.get("sources", [])
    ]
    if figures.get("statistics"):
        from samverka.situation import statistics

        public["statistics"] = statistics.scrub_for_public(figures["statistics"])
    if "map" in figures:
        cells = figures["map"].get("cells", [])
        public["map"] = {
            **figures["map"],
            "cells": [cell for cell in cells if cell[2] >= PUBLIC_MIN_CELL_COUNT],
            "top": [
                row
                for row in figures["map"].get("top", [])
                if row["count"] >= PUBLIC_MIN_CELL_COUNT
            ],
            "density": [],
            "suppressed_cells": sum(1 for cell in cells if cell[2] < PUBLIC_MIN_CELL_COUNT),
            "public_min_count": PUBLIC_MIN_CELL_COUNT,
        }
    return public
