"""Imports: each one a dataset with provenance, in one transaction.

Valid rows go in, invalid ones are recorded by row number, field and reason; a crash
or a cancel leaves the database as it was. A file already imported for the same
owner changes nothing and says so.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverka.accounts.models import User
from samverka.lib.privacy import find_personal_data
from samverka.organizations.models import County, Organization, OrganizationKind, SubArea
from samverka.sources import police
from samverka.sources.models import (
    ColumnMapping,
    Dataset,
    DatasetStatus,
    PeriodKind,
    PlacePrecision,
    Population,
    RejectedRow,
    SourceKind,
    Statistic,
    SurveyResult,
    TimePrecision,
    TypeMapping,
)
from samverka.sources.tabular import SUPPRESSED, Table, TableError, parse_number, read_table
from samverka.sources.writing import EventRow, write_events
from samverka.taxonomy.models import Category

Progress = Callable[[int, int], None]  # (done, total)


class ImportError_(ValueError):
    """The file as a whole cannot be imported (not a row: the file)."""


@dataclass
class ImportResult:
    dataset: Dataset
    already_imported: bool = False


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


Rejection = tuple[int, str, str]  # (row number, field, reason)


def _open_table(
    data: bytes, file_name: str, required: Sequence[str], optional: Sequence[str] = ()
) -> Table:
    """Read the table and check that it has the mapping's columns; names what is missing."""
    try:
        table = read_table(data, file_name)
    except TableError as exc:
        raise ImportError_(f"{file_name}: {exc}") from exc
    missing = [c or "?" for c in required if not c or c not in table.columns]
    missing += [c for c in optional if c and c not in table.columns]
    if missing:
        raise ImportError_(
            _("%(file)s has no column %(columns)s (it has: %(present)s).")
            % {
                "file": file_name,
                "columns": ", ".join(missing),
                "present": ", ".join(table.columns),
            }
        )
    return table


def _kommun_of_area(area: str, kommuner: dict[str, int]) -> int | None:
    """ "Göteborg kommun", "Göteborgs kommun" and "Göteborg" all name the kommun."""
    bare = re.sub(r"s? kommun$", "", area, flags=re.IGNORECASE).strip().lower()
    return (
        kommuner.get(area.lower())
        or kommuner.get(bare)
        or kommuner.get(area.lower().removesuffix(" kommun"))
    )


def _rows(table: Table, file_name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """The table's rows; a file found broken half-way stops the import with its name."""
    try:
        yield from table.rows
    except TableError as exc:
        raise ImportError_(f"{file_name}: {exc}") from exc


def _earlier(kind: str, owner: Organization, digest: str) -> ImportResult | None:
    """The same file imported before for the same owner: nothing to do, and say so."""
    earlier = Dataset.objects.in_use().filter(kind=kind, owner=owner, sha256=digest).first()
    return ImportResult(earlier, already_imported=True) if earlier is not None else None


def _new_dataset(
    kind: str, title: str, file_name: str, digest: str, owner: Organization, user: User | None
) -> Dataset:
    return Dataset.objects.create(
        kind=kind,
        title=title,
        owner=owner,
        file_name=file_name[:300],
        sha256=digest,
        imported_by=user,
    )


def _finish(
    dataset: Dataset,
    rejected: list[Rejection],
    *,
    read: int,
    imported: int,
    period: tuple[dt.date | None, dt.date | None],
    **counts: int,
) -> None:
    """Record the rejected rows and the counts, and mark the dataset imported."""
    RejectedRow.objects.bulk_create(
        [RejectedRow(dataset=dataset, row_number=n, field=f, reason=r) for n, f, r in rejected],
        batch_size=1000,
    )
    dataset.period_start, dataset.period_end = period
    dataset.rows_read = read
    dataset.rows_imported = imported
    dataset.rows_rejected = len(rejected)
    for name, value in counts.items():
        setattr(dataset, f"rows_{name}", value)
    dataset.status = DatasetStatus.DONE
    dataset.progress = 100
    dataset.save()


def _decompress(data: bytes) -> bytes:
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def category_lookup(source: str) -> Callable[[str], int | None]:
    """Type at the source → category id: saved mappings first, then the built-in table."""
    categories = dict(Category.objects.current().values_list("code", "pk"))
    saved = dict(
        TypeMapping.objects.filter(source=source).values_list("source_type", "category_id")
    )
    builtin = police.TYPE_CATEGORIES if source == SourceKind.POLICE_EVENTS else {}

    def lookup(source_type: str) -> int | None:
        if source_type in saved:
            return saved[source_type]
        code = builtin.get(source_type)
        return categories.get(code) if code else None

    return lookup


def places() -> tuple[dict[str, int], dict[str, int]]:
    """Kommun and län ids by lower-case name (the API writes "Upplands väsby")."""
    kommuner = {
        name.lower(): pk
        for name, pk in Organization.objects.filter(kind=OrganizationKind.KOMMUN).values_list(
            "name", "pk"
        )
    }
    counties = {name.lower(): pk for name, pk in County.objects.values_list("name", "pk")}
    return kommuner, counties


def import_police_events(
    data: bytes,
    *,
    file_name: str,
    owner: Organization,
    user: User | None = None,
    title: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Import a saved response or export of the Police events API (JSON, optionally gzip)."""
    digest = sha256(data)
    if (earlier := _earlier(SourceKind.POLICE_EVENTS, owner, digest)) is not None:
        return earlier
    try:
        records = json.loads(_decompress(data))
    except (ValueError, OSError) as exc:
        raise ImportError_(
            _("%(file)s is not JSON: %(error)s") % {"file": file_name, "error": exc}
        ) from exc
    if isinstance(records, dict):  # a saved API response may wrap the list
        records = records.get("events") or records.get("data") or []
    if not isinstance(records, list):
        raise ImportError_(_("%(file)s holds no list of events.") % {"file": file_name})

    # Reading and checking every row comes first, outside the transaction, so that its
    # progress can be seen; the writing is one transaction.
    lookup = category_lookup(SourceKind.POLICE_EVENTS)
    kommuner, counties = places()
    rows: dict[str, EventRow] = {}
    rejected: list[Rejection] = []
    skipped = 0
    total = len(records)
    for number, record in enumerate(records, start=1):
        if progress and number % 5000 == 0:
            progress(number, total)
        if isinstance(record, dict) and police.is_summary(record):
            skipped += 1
            continue
        try:
            row = _police_row(police.parse_record(record), lookup, kommuner, counties)
        except police.RecordError as exc:
            rejected.append((number, exc.field, exc.reason))
            continue
        previous = rows.get(row.external_id)
        if previous is None or _newer_or_same(row, previous):
            rows[row.external_id] = row  # the newest version of an id wins

    with transaction.atomic():
        dataset = _new_dataset(
            SourceKind.POLICE_EVENTS,
            title or _("Police events: %(file)s") % {"file": file_name},
            file_name,
            digest,
            owner,
            user,
        )
        counts = write_events(dataset.pk, SourceKind.POLICE_EVENTS, list(rows.values()))
        times = [r.occurred_at for r in rows.values()]
        _finish(
            dataset,
            rejected,
            read=total,
            imported=counts.new,
            period=(min(times).date(), max(times).date()) if times else (None, None),
            updated=counts.updated,
            # Older versions of an id in the same file count as unchanged, like stored ones.
            unchanged=counts.unchanged + (total - skipped - len(rejected) - len(rows)),
            skipped=skipped,
        )
    if progress:
        progress(total, total)
    return ImportResult(dataset)


def _newer_or_same(row: EventRow, previous: EventRow) -> bool:
    if row.published_at is None or previous.published_at is None:
        return True
    return row.published_at >= previous.published_at


def _police_row(
    event: police.PoliceEvent,
    lookup: Callable[[str], int | None],
    kommuner: dict[str, int],
    counties: dict[str, int],
) -> EventRow:
    place = event.place_name.lower()
    if event.is_county:
        # Län-level events stay at län level: never given to a kommun.
        county_id = counties.get(place)
        if county_id is None:
            raise police.RecordError("location.name", f"unknown county {event.place_name!r}")
        kommun_id, precision = None, PlacePrecision.COUNTY
    else:
        kommun_id = kommuner.get(place)
        if kommun_id is None:
            raise police.RecordError("location.name", f"unknown municipality {event.place_name!r}")
        county_id, precision = None, PlacePrecision.KOMMUN
    return EventRow(
        external_id=event.external_id,
        occurred_at=event.occurred_at,
        time_precision=TimePrecision.EXACT,
        published_at=event.published_at,
        category_id=lookup(event.source_type),
        source_type=event.source_type,
        place_precision=precision,
        latitude=event.latitude,
        longitude=event.longitude,
        kommun_id=kommun_id,
        county_id=county_id,
        place_name=event.place_name,
        description=event.description,
    )


def withdraw(dataset: Dataset, *, reason: str) -> Dataset:
    """Take a dataset out of use: nothing computed afterwards uses its rows."""
    dataset.withdrawn_at = timezone.now()
    dataset.withdrawn_reason = reason
    dataset.save(update_fields=["withdrawn_at", "withdrawn_reason", "updated_at"])
    return dataset


def unmapped_types(source: str) -> list[tuple[str, int]]:
    """Types at the source that no category is known for, with how many events have them."""
    from django.db.models import Count

    from samverka.sources.models import Event

    return list(
        Event.objects.filter(source=source, category__isnull=True)
        .values_list("source_type")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )


def map_type(source: str, source_type: str, category: Category, user: User | None) -> int:
    """Save a mapping and apply it to the events already stored; returns how many changed."""
    from samverka.sources.models import Event

    with transaction.atomic():
        TypeMapping.objects.update_or_create(
            source=source,
            source_type=source_type,
            defaults={"category": category, "mapped_by": user},
        )
        return Event.objects.filter(source=source, source_type=source_type).update(
            category=category
        )


def _period_start(text: str, kind: str) -> dt.date:
    """'2024' (year), '2024K2' / '2024 Q2' / '2024-Q2' (quarter), '2024-03' / '2024M03' (month)."""
    raw = text.strip().upper().replace(" ", "")
    if kind == PeriodKind.YEAR and re.fullmatch(r"\d{4}", raw):
        return dt.date(int(raw), 1, 1)
    if kind == PeriodKind.QUARTER:
        match = re.fullmatch(r"(\d{4})-?[KQ]([1-4])", raw)
        if match:
            return dt.date(int(match[1]), 3 * int(match[2]) - 2, 1)
    if kind == PeriodKind.MONTH:
        match = re.fullmatch(r"(\d{4})[-M]?(\d{2})", raw)
        if match and 1 <= int(match[2]) <= 12:
            return dt.date(int(match[1]), int(match[2]), 1)
    raise ValueError(f"not a {kind}: {text!r}")


def import_statistics(
    data: bytes,
    *,
    file_name: str,
    mapping: ColumnMapping,
    owner: Organization,
    user: User | None = None,
    title: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Import a statistics table (CSV or XLSX) through a saved column mapping."""
    digest = sha256(data)
    if (earlier := _earlier(SourceKind.CRIME_STATISTICS, owner, digest)) is not None:
        return earlier
    table = _open_table(
        data,
        file_name,
        [mapping.area_column, mapping.period_column, mapping.category_column, mapping.value_column],
        [mapping.preliminary_column],
    )
    kommuner, _counties = places()
    categories = dict(Category.objects.current().values_list("code", "pk"))
    sub_areas = {
        name.lower(): pk for name, pk in mapping.kommun.sub_areas.values_list("name", "pk")
    }
    new_sub_areas: set[str] = set()
    parsed: list[dict[str, Any]] = []
    rejected: list[Rejection] = []
    read = 0
    for number, row in _rows(table, file_name):
        read += 1
        if progress and read % 5000 == 0:
            progress(read, read + 1)
        try:
            parsed.append(_statistic_row(row, mapping, kommuner=kommuner, categories=categories))
        except _RowError as exc:
            rejected.append((number, exc.field, exc.reason))
            continue
        area = parsed[-1]
        if area["kommun_id"] is None:
            key = area["area"].lower()
            if key not in sub_areas:
                if not mapping.create_sub_areas:
                    parsed.pop()
                    rejected.append((number, mapping.area_column, f"unknown area {area['area']!r}"))
                    continue
                new_sub_areas.add(area["area"])

    with transaction.atomic():
        for name in sorted(new_sub_areas):
            sub_areas[name.lower()] = SubArea.objects.create(kommun=mapping.kommun, name=name).pk
        dataset = _new_dataset(
            SourceKind.CRIME_STATISTICS,
            title or _("Statistics: %(file)s") % {"file": file_name},
            file_name,
            digest,
            owner,
            user,
        )
        objects = []
        for item in parsed:
            is_kommun = item["kommun_id"] is not None
            objects.append(
                Statistic(
                    dataset=dataset,
                    kommun_id=item["kommun_id"] if is_kommun else mapping.kommun_id,
                    sub_area_id=None if is_kommun else sub_areas[item["area"].lower()],
                    period_kind=mapping.period_kind,
                    period_start=item["period_start"],
                    category_id=item["category_id"],
                    source_category=item["source_category"],
                    value=item["value"],
                    suppressed=item["suppressed"],
                    preliminary=item["preliminary"],
                )
            )
        Statistic.objects.bulk_create(objects, batch_size=2000)
        starts = [o.period_start for o in objects]
        _finish(
            dataset,
            rejected,
            read=read,
            imported=len(objects),
            period=(min(starts), _period_end(max(starts), mapping.period_kind))
            if starts
            else (None, None),
        )
    if progress:
        progress(read, read)
    return ImportResult(dataset)


def _period_end(start: dt.date, kind: str) -> dt.date:
    from samverka.lib.dates import add_months

    months = {PeriodKind.YEAR: 12, PeriodKind.QUARTER: 3, PeriodKind.MONTH: 1}[PeriodKind(kind)]
    return add_months(start, months) - dt.timedelta(days=1)


class _RowError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.reason = field, reason


def _statistic_row(
    row: dict[str, str],
    mapping: ColumnMapping,
    *,
    kommuner: dict[str, int],
    categories: dict[str, int],
) -> dict[str, Any]:
    area = row[mapping.area_column].strip()
    if not area:
        raise _RowError(mapping.area_column, "empty")
    kommun_id = _kommun_of_area(area, kommuner)
    try:
        period_start = _period_start(row[mapping.period_column], mapping.period_kind)
    except ValueError as exc:
        raise _RowError(mapping.period_column, str(exc)) from None
    source_category = row[mapping.category_column].strip()
    if source_category not in mapping.categories:
        raise _RowError(
            mapping.category_column,
            f"the category {source_category!r} is not in the mapping",
        )
    code = mapping.categories[source_category]
    category_id = None
    if code:
        category_id = categories.get(code)
        if category_id is None:
            raise _RowError(mapping.category_column, f"unknown category code {code!r}")
    raw_value = row[mapping.value_column].strip()
    try:
        value = parse_number(raw_value)
    except ValueError as exc:
        raise _RowError(mapping.value_column, str(exc)) from None
    preliminary = False
    if mapping.preliminary_column:
        preliminary = row[mapping.preliminary_column].strip().lower() in {
            "1",
            "ja",
            "yes",
            "true",
            "p",
            "prel",
            "preliminär",
            "preliminary",
        }
    return {
        "area": area,
        "kommun_id": kommun_id,
        "period_start": period_start,
        "category_id": category_id,
        "source_category": source_category,
        "value": value,
        "suppressed": raw_value in SUPPRESSED,
        "preliminary": preliminary,
    }


POPULATION_CODE_COLUMNS = ("kommun_kod", "kommunkod", "kod", "region_kod", "regionkod")
POPULATION_VALUE_COLUMNS = ("population", "folkmängd", "folkmangd", "invånare", "antal")
YEAR_COLUMNS = ("year", "år", "ar")


def _first_present(columns: list[str], candidates: tuple[str, ...]) -> str | None:
    lowered = {c.lower(): c for c in columns}
    return next((lowered[c] for c in candidates if c in lowered), None)


def import_population(
    data: bytes,
    *,
    file_name: str,
    owner: Organization,
    year: int | None = None,
    user: User | None = None,
    title: str = "",
) -> ImportResult:
    """Population per kommun (and year): a table with a kommunkod and a population column.

    The SCB-derived file states no year: give ``year``; a file with a year column
    (år, year) carries its own.
    """
    digest = sha256(data)
    if (earlier := _earlier(SourceKind.POPULATION, owner, digest)) is not None:
        return earlier
    table = _open_table(data, file_name, required=[])
    code_column = _first_present(table.columns, POPULATION_CODE_COLUMNS)
    value_column = _first_present(table.columns, POPULATION_VALUE_COLUMNS)
    year_column = _first_present(table.columns, YEAR_COLUMNS)
    if code_column is None or value_column is None:
        raise ImportError_(
            _("%(file)s needs a column with the kommunkod and one with the population.")
            % {"file": file_name}
        )
    if year_column is None and year is None:
        raise ImportError_(_("%(file)s has no year column: give the year.") % {"file": file_name})
    kommuner = dict(
        Organization.objects.filter(kind=OrganizationKind.KOMMUN).values_list(
            "municipality_code", "pk"
        )
    )
    rows: dict[tuple[int, int], int] = {}
    rejected: list[Rejection] = []
    read = 0
    for number, row in _rows(table, file_name):
        read += 1
        code = row[code_column].strip().zfill(4)
        if code not in kommuner:
            rejected.append((number, code_column, f"no kommun with the code {row[code_column]!r}"))
            continue
        try:
            value = parse_number(row[value_column])
            row_year = int(row[year_column]) if year_column else year
        except ValueError as exc:
            rejected.append((number, value_column, str(exc)))
            continue
        if value is None or value < 0 or row_year is None:
            rejected.append((number, value_column, "no population"))
            continue
        rows[(kommuner[code], row_year)] = int(value)
    with transaction.atomic():
        dataset = _new_dataset(
            SourceKind.POPULATION,
            title or _("Population: %(file)s") % {"file": file_name},
            file_name,
            digest,
            owner,
            user,
        )
        Population.objects.bulk_create(
            [
                Population(dataset=dataset, kommun_id=k, year=y, population=p)
                for (k, y), p in rows.items()
            ],
            batch_size=2000,
        )
        years = sorted({y for _k, y in rows})
        _finish(
            dataset,
            rejected,
            read=read,
            imported=len(rows),
            period=(dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)) if years else (None, None),
        )
    return ImportResult(dataset)


NAME_PROPERTIES = ("name", "namn", "NAMN", "Name", "omrade", "område")


def import_areas(
    data: bytes,
    *,
    file_name: str,
    kommun: Organization,
    owner: Organization,
    kind: str = "",
    user: User | None = None,
    title: str = "",
) -> ImportResult:
    """Sub-areas a kommun draws (stadsdelar, områden), from GeoJSON with a name per feature.

    An area already known by name gets the new boundary; WGS84 coordinates only.
    """
    digest = sha256(data)
    if (earlier := _earlier(SourceKind.AREAS, owner, digest)) is not None:
        return earlier
    try:
        collection = json.loads(data)
    except ValueError as exc:
        raise ImportError_(f"{file_name}: not GeoJSON: {exc}") from exc
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        raise ImportError_(f"{file_name}: not a GeoJSON FeatureCollection")
    areas: dict[str, dict[str, Any]] = {}
    rejected: list[Rejection] = []
    for number, feature in enumerate(features, start=1):
        properties = (feature or {}).get("properties") or {}
        name = next((str(properties[p]).strip() for p in NAME_PROPERTIES if properties.get(p)), "")
        geometry = (feature or {}).get("geometry") or {}
        if not name:
            rejected.append((number, "properties.name", "the area has no name"))
            continue
        problem = _geometry_problem(geometry)
        if problem:
            rejected.append((number, "geometry", problem))
            continue
        areas[name] = geometry
    with transaction.atomic():
        dataset = _new_dataset(
            SourceKind.AREAS,
            title or _("Areas: %(file)s") % {"file": file_name},
            file_name,
            digest,
            owner,
            user,
        )
        created = updated = 0
        for name, geometry in areas.items():
            _area, was_created = SubArea.objects.update_or_create(
                kommun=kommun, name=name, defaults={"geometry": geometry, "kind": kind}
            )
            created += was_created
            updated += not was_created
        _finish(
            dataset,
            rejected,
            read=len(features),
            imported=created,
            period=(None, None),
            updated=updated,
        )
    return ImportResult(dataset)


def _geometry_problem(geometry: dict[str, Any]) -> str:
    kind = geometry.get("type")
    if kind not in {"Polygon", "MultiPolygon"}:
        return f"not a polygon but {kind!r}"
    polygons = geometry.get("coordinates") or []
    if kind == "Polygon":
        polygons = [polygons]
    try:
        points = [point for polygon in polygons for ring in polygon for point in ring]
        lons, lats = [float(p[0]) for p in points], [float(p[1]) for p in points]
    except (TypeError, ValueError, IndexError):
        return "coordinates that cannot be read"
    if not points:
        return "no coordinates"
    if not (min(lats) >= 54 and max(lats) <= 70 and min(lons) >= 10 and max(lons) <= 25):
        return "coordinates outside Sweden, or not in WGS84 (longitude, latitude)"
    return ""


def import_survey(
    data: bytes,
    *,
    file_name: str,
    mapping: ColumnMapping,
    owner: Organization,
    user: User | None = None,
    title: str = "",
) -> ImportResult:
    """Survey results (trygghetsmätning, LUPP, the kommun's own) per area, question and year."""
    digest = sha256(data)
    if (earlier := _earlier(SourceKind.SURVEY, owner, digest)) is not None:
        return earlier
    table = _open_table(
        data,
        file_name,
        [mapping.area_column, mapping.period_column, mapping.question_column, mapping.value_column],
        [mapping.respondents_column],
    )
    kommuner, _counties = places()
    sub_areas = {n.lower(): pk for n, pk in mapping.kommun.sub_areas.values_list("name", "pk")}
    results: list[SurveyResult] = []
    rejected: list[Rejection] = []
    read = 0
    for number, row in _rows(table, file_name):
        read += 1
        area = row[mapping.area_column].strip()
        kommun_id = _kommun_of_area(area, kommuner)
        sub_area_id = None if kommun_id else sub_areas.get(area.lower())
        if kommun_id is None and sub_area_id is None:
            rejected.append((number, mapping.area_column, f"unknown area {area!r}"))
            continue
        try:
            year = int(row[mapping.period_column])
            value = parse_number(row[mapping.value_column])
            respondents = (
                parse_number(row[mapping.respondents_column])
                if mapping.respondents_column
                else None
            )
        except ValueError as exc:
            rejected.append((number, mapping.value_column, str(exc)))
            continue
        share = index_value = None
        if value is not None and mapping.value_is_index:
            index_value = value
        elif value is not None:
            share = value / 100 if value > 1 else value  # "23" or "23,0" means 23 %
            if not 0 <= share <= 1:
                rejected.append((number, mapping.value_column, f"not a share: {value}"))
                continue
        results.append(
            SurveyResult(
                kommun_id=kommun_id or mapping.kommun_id,
                sub_area_id=sub_area_id,
                year=year,
                question=row[mapping.question_column].strip()[:300],
                respondents=int(respondents) if respondents is not None else None,
                share=share,
                index_value=index_value,
            )
        )
    with transaction.atomic():
        dataset = _new_dataset(
            SourceKind.SURVEY,
            title or _("Survey: %(file)s") % {"file": file_name},
            file_name,
            digest,
            owner,
            user,
        )
        for result in results:
            result.dataset = dataset
        SurveyResult.objects.bulk_create(results, batch_size=2000)
        years = sorted({r.year for r in results})
        _finish(
            dataset,
            rejected,
            read=read,
            imported=len(results),
            period=(dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)) if years else (None, None),
        )
    return ImportResult(dataset)


def import_event_table(
    data: bytes,
    *,
    file_name: str,
    mapping: ColumnMapping,
    owner: Organization,
    user: User | None = None,
    title: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """A table with one event per row (a police extract, the kommun's own reports, EST).

    Streams: rows are checked and written in batches inside one transaction, so a
    file of a million rows needs no more memory than one of a thousand.
    """
    kind = mapping.kind if mapping.kind == SourceKind.EST else SourceKind.EVENT_TABLE
    digest = sha256(data)
    if (earlier := _earlier(kind, owner, digest)) is not None:
        return earlier
    table = _open_table(
        data,
        file_name,
        [mapping.date_column, mapping.category_column],
        [
            mapping.time_column,
            mapping.x_column,
            mapping.y_column,
            mapping.place_column,
            mapping.id_column,
            mapping.description_column,
        ],
    )
    categories = dict(Category.objects.current().values_list("code", "pk"))
    zone = timezone.get_current_timezone()
    rejected: list[Rejection] = []
    read = imported = updated = unchanged = 0
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    with transaction.atomic():
        dataset = _new_dataset(
            kind,
            title or _("Events: %(file)s") % {"file": file_name},
            file_name,
            digest,
            owner,
            user,
        )
        batch: dict[str, EventRow] = {}

        def flush() -> None:
            nonlocal imported, updated, unchanged
            counts = write_events(dataset.pk, kind, list(batch.values()))
            imported, updated, unchanged = (
                imported + counts.new,
                updated + counts.updated,
                unchanged + counts.unchanged,
            )
            batch.clear()

        for number, row in _rows(table, file_name):
            read += 1
            try:
                event = _table_event(row, number, mapping, categories, zone, digest)
            except _RowError as exc:
                rejected.append((number, exc.field, exc.reason))
                continue
            batch[event.external_id] = event
            first = event.occurred_at if first is None else min(first, event.occurred_at)
            last = event.occurred_at if last is None else max(last, event.occurred_at)
            if len(batch) >= 5000:
                flush()
                if progress:
                    progress(read, read + 1)
        flush()
        _finish(
            dataset,
            rejected,
            read=read,
            imported=imported,
            period=(first.date(), last.date()) if first and last else (None, None),
            updated=updated,
            unchanged=unchanged,
        )
    if progress:
        progress(read, read)
    return ImportResult(dataset)


_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")


def _parse_date(text: str) -> dt.date:
    raw = text.strip()[:10] if "T" in text or " " in text.strip() else text.strip()
    if len(raw) == 10 and raw[4] == "-":
        try:
            return dt.date.fromisoformat(raw)  # the usual case, and the quickest
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()  # noqa: DTZ007  (a date, no zone)
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def _parse_time(text: str) -> dt.time:
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?", text.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"not a time: {text!r}")
    return dt.time(int(match[1]), int(match[2]), int(match[3] or 0))


def _table_event(
    row: dict[str, str],
    number: int,
    mapping: ColumnMapping,
    categories: dict[str, int],
    zone: dt.tzinfo,
    digest: str,
) -> EventRow:
    from samverka.lib.geo import pair_to_wgs84

    date_text = row[mapping.date_column]
    try:
        day = _parse_date(date_text)
        # A date column may carry the time too ("2024-03-01 21:40").
        time_text = row[mapping.time_column] if mapping.time_column else ""
        if not time_text and re.search(r"\d[T ]\d{1,2}[:.]\d{2}", date_text):
            time_text = re.split(r"[T ]", date_text.strip(), maxsplit=1)[1]
        at = _parse_time(time_text) if time_text.strip() else None
    except ValueError as exc:
        field = (
            mapping.time_column
            if "time" in str(exc) and mapping.time_column
            else mapping.date_column
        )
        raise _RowError(field, str(exc)) from None
    occurred = dt.datetime.combine(day, at or dt.time(12, 0), tzinfo=zone)
    source_category = row[mapping.category_column].strip()
    if source_category in mapping.categories:
        code = mapping.categories[source_category]
    elif source_category in categories:  # already a code of the taxonomy
        code = source_category
    else:
        raise _RowError(
            mapping.category_column, f"the category {source_category!r} is not in the mapping"
        )
    latitude = longitude = None
    precision = PlacePrecision.KOMMUN
    if mapping.x_column and mapping.y_column:
        x_text, y_text = row[mapping.x_column], row[mapping.y_column]
        if x_text.strip() or y_text.strip():
            try:
                latitude, longitude = pair_to_wgs84(
                    float(x_text.replace(",", ".").replace(" ", "")),
                    float(y_text.replace(",", ".").replace(" ", "")),
                )
            except ValueError as exc:
                raise _RowError(mapping.x_column, str(exc)) from None
            precision = PlacePrecision.EXACT
    description = row[mapping.description_column].strip() if mapping.description_column else ""
    found = find_personal_data(description)
    if found:
        raise _RowError(mapping.description_column, "contains personal data: " + ", ".join(found))
    external_id = row[mapping.id_column].strip() if mapping.id_column else ""
    return EventRow(
        external_id=external_id or f"{digest[:16]}-{number}",
        occurred_at=occurred,
        time_precision=TimePrecision.EXACT if at else TimePrecision.DAY,
        published_at=None,
        category_id=categories.get(code) if code else None,
        source_type=source_category[:120],
        place_precision=precision,
        latitude=latitude,
        longitude=longitude,
        kommun_id=mapping.kommun_id,
        county_id=None,
        place_name=(row[mapping.place_column].strip() if mapping.place_column else "")[:200],
        description=description,
    )
