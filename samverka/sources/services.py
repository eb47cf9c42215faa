"""Imports: each one a dataset with provenance, in one transaction.

Valid rows go in, invalid ones are recorded by row number, field and reason; a crash
or a cancel leaves the database as it was. A file already imported for the same
owner changes nothing and says so.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverka.accounts.models import User
from samverka.organizations.models import County, Organization, OrganizationKind
from samverka.sources import police
from samverka.sources.models import (
    Dataset,
    DatasetStatus,
    PlacePrecision,
    RejectedRow,
    SourceKind,
    TimePrecision,
    TypeMapping,
)
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
