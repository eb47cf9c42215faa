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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverka.accounts.models import User
from samverka.organizations.models import County, Organization, OrganizationKind, SubArea
from samverka.sources import police
from samverka.sources.models import (
    ColumnMapping,
    Dataset,
    DatasetStatus,
    PeriodKind,
    PlacePrecision,
    RejectedRow,
    SourceKind,
    Statistic,
    TimePrecision,
    TypeMapping,
)
from samverka.sources.tabular import SUPPRESSED, TableError, parse_number, read_table
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
    earlier = (
        Dataset.objects.in_use()
        .filter(kind=SourceKind.POLICE_EVENTS, owner=owner, sha256=digest)
        .first()
    )
    if earlier is not None:
        return ImportResult(earlier, already_imported=True)
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
    rejected: list[tuple[int, str, str]] = []
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
        dataset = Dataset.objects.create(
            kind=SourceKind.POLICE_EVENTS,
            title=title or _("Police events: %(file)s") % {"file": file_name},
            owner=owner,
            file_name=file_name[:300],
            sha256=digest,
            imported_by=user,
        )
        counts = write_events(dataset.pk, SourceKind.POLICE_EVENTS, list(rows.values()))
        RejectedRow.objects.bulk_create(
            [RejectedRow(dataset=dataset, row_number=n, field=f, reason=r) for n, f, r in rejected],
            batch_size=1000,
        )
        times = [r.occurred_at for r in rows.values()]
        dataset.period_start = min(times).date() if times else None
        dataset.period_end = max(times).date() if times else None
        dataset.rows_read = total
        dataset.rows_imported = counts.new
        dataset.rows_updated = counts.updated
        # Older versions of an id in the same file count as unchanged, like stored ones.
        dataset.rows_unchanged = counts.unchanged + (total - skipped - len(rejected) - len(rows))
        dataset.rows_skipped = skipped
        dataset.rows_rejected = len(rejected)
        dataset.status = DatasetStatus.DONE
        dataset.progress = 100
        dataset.save()
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
    earlier = (
        Dataset.objects.in_use()
        .filter(kind=SourceKind.CRIME_STATISTICS, owner=owner, sha256=digest)
        .first()
    )
    if earlier is not None:
        return ImportResult(earlier, already_imported=True)
    try:
        table = read_table(data, file_name)
    except TableError as exc:
        raise ImportError_(f"{file_name}: {exc}") from exc
    needed = [
        mapping.area_column,
        mapping.period_column,
        mapping.category_column,
        mapping.value_column,
    ] + ([mapping.preliminary_column] if mapping.preliminary_column else [])
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise ImportError_(
            _("%(file)s has no column %(columns)s (it has: %(present)s).")
            % {
                "file": file_name,
                "columns": ", ".join(missing),
                "present": ", ".join(table.columns),
            }
        )
    kommuner, _counties = places()
    categories = dict(Category.objects.current().values_list("code", "pk"))
    sub_areas = {
        name.lower(): pk for name, pk in mapping.kommun.sub_areas.values_list("name", "pk")
    }
    new_sub_areas: set[str] = set()
    parsed: list[dict[str, Any]] = []
    rejected: list[tuple[int, str, str]] = []
    read = 0
    for number, row in table.rows:
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
        dataset = Dataset.objects.create(
            kind=SourceKind.CRIME_STATISTICS,
            title=title or _("Statistics: %(file)s") % {"file": file_name},
            owner=owner,
            file_name=file_name[:300],
            sha256=digest,
            imported_by=user,
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
        RejectedRow.objects.bulk_create(
            [RejectedRow(dataset=dataset, row_number=n, field=f, reason=r) for n, f, r in rejected],
            batch_size=1000,
        )
        starts = [o.period_start for o in objects]
        dataset.period_start = min(starts) if starts else None
        dataset.period_end = _period_end(max(starts), mapping.period_kind) if starts else None
        dataset.rows_read = read
        dataset.rows_imported = len(objects)
        dataset.rows_rejected = len(rejected)
        dataset.status = DatasetStatus.DONE
        dataset.progress = 100
        dataset.save()
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
    # "Göteborg kommun", "Göteborgs kommun" and "Göteborg" all name the kommun.
    bare = re.sub(r"s? kommun$", "", area, flags=re.IGNORECASE).strip().lower()
    kommun_id = kommuner.get(area.lower()) or kommuner.get(bare)
    if kommun_id is None and area.lower().endswith(" kommun"):
        kommun_id = kommuner.get(area.lower().removesuffix(" kommun"))
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
