"""Imports: each one a dataset with provenance, in one transaction.

Valid rows go in, invalid ones are recorded by row number, field and reason; a crash
or a cancel leaves the database as it was. A file already imported for the same
owner changes nothing and says so.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samverka.accounts.models import User
from samverka.lib.privacy import find_personal_data, redact
from samverka.lib.unpacking import UnpackError, gunzip
from samverka.organizations.models import County, Organization, OrganizationKind, SubArea
from samverka.sources import dataversion, periods, police, reasons, targets
from samverka.sources.event_table import CheckedChunk, ChunkChecker
from samverka.sources.models import (
    ColumnMapping,
    Dataset,
    DatasetStatus,
    PeriodKind,
    PlacePrecision,
    PollRecord,
    Population,
    RejectedRow,
    SourceKind,
    Statistic,
    SurveyResult,
    TimePrecision,
    TypeMapping,
)
from samverka.sources.tabular import (
    SUPPRESSED,
    Chunk,
    IrregularTable,
    Table,
    TableError,
    is_xlsx,
    parse_number,
    read_chunks,
    read_csv_header,
    read_table,
    row_chunks,
)
from samverka.sources.writing import AlreadyStored, EventRow, EventWriter, WriteCounts, write_events
from samverka.taxonomy.models import Category

Progress = Callable[[int, int], None]  # (done, total)


class ImportError_(ValueError):
    """The file as a whole cannot be imported (not a row: the file)."""


@dataclass
class ImportResult:
    dataset: Dataset
    already_imported: bool = False


def taken_reason(external_id: str) -> str:
    """Why a row whose id another organization's dataset holds is not imported."""
    return _(
        "The id %(id)s is stored already in another organization's dataset: "
        "an upload does not change it."
    ) % {"id": external_id}


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
        message = str(exc)
        raise ImportError_(
            message if message.startswith(file_name) else f"{file_name}: {message}"
        ) from exc
    _check_columns(table.columns, file_name, required, optional)
    return table


def _check_columns(
    columns: Sequence[str], file_name: str, required: Sequence[str], optional: Sequence[str]
) -> None:
    missing = [c or "?" for c in required if not c or c not in columns]
    missing += [c for c in optional if c and c not in columns]
    if missing:
        raise ImportError_(
            _("%(file)s has no column %(columns)s (it has: %(present)s).")
            % {
                "file": file_name,
                "columns": ", ".join(missing),
                "present": ", ".join(columns),
            }
        )


def _check_mapping_area(mapping: ColumnMapping, owner: Organization, file_name: str) -> None:
    """A mapping places rows (and creates sub-areas) only in the owner's own kommuner."""
    from samverka.sources.ownership import in_own_area

    if not in_own_area(owner, mapping.kommun_id):
        raise ImportError_(
            _(
                "%(file)s: the mapping %(mapping)s places rows in %(kommun)s, which is not in "
                "%(owner)s's own area."
            )
            % {"file": file_name, "mapping": mapping, "kommun": mapping.kommun, "owner": owner}
        )


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
    rejected_before: int = 0,
    **counts: int,
) -> None:
    """Record the rejected rows and the counts, and mark the dataset imported.

    ``rejected_before``: rejected rows the import has already written itself."""
    RejectedRow.objects.bulk_create(
        [
            RejectedRow(dataset=dataset, row_number=n, field=redact(f), reason=redact(r))
            for n, f, r in rejected
        ],
        batch_size=1000,
    )
    dataset.period_start, dataset.period_end = period
    dataset.rows_read = read
    dataset.rows_imported = imported
    dataset.rows_rejected = rejected_before + len(rejected)
    for name, value in counts.items():
        setattr(dataset, f"rows_{name}", value)
    dataset.status = DatasetStatus.DONE
    dataset.progress = 100
    dataset.save()
    dataversion.bump()


def _decompress(data: bytes, file_name: str) -> bytes:
    """JSON as uploaded, or unpacked from gzip; refused when larger than the limit
    (``IMPORT_MAX_JSON_BYTES``: the parsed records are held in memory) or cut off."""
    limit = settings.IMPORT_MAX_JSON_BYTES
    try:
        content = gunzip(data, file_name, max_size=limit) if data[:2] == b"\x1f\x8b" else data
    except UnpackError as exc:
        raise ImportError_(str(exc)) from exc
    if len(content) > limit:
        raise ImportError_(
            _("%(file)s is larger than the %(limit)s MB allowed: split it into smaller files.")
            % {"file": file_name, "limit": limit // (1024 * 1024)}
        )
    return content


NUL = "\x00"


def _nul_field(row: dict[str, Any], prefix: str = "") -> str | None:
    """The first field (``location.name`` for nested ones) whose text holds a NUL character,
    which no text column may (PostgreSQL refuses it), or None."""
    for name, value in row.items():
        if isinstance(value, str) and NUL in value:
            return prefix + str(name)
        if isinstance(value, dict) and (found := _nul_field(value, f"{prefix}{name}.")):
            return found
    return None


def category_lookup(source: str, owner_id: int | None = None) -> Callable[[str], int | None]:
    """Type at the source → category id: the owner's saved mappings first, then the
    platform's, then the built-in table."""
    categories = dict(Category.objects.current().values_list("code", "pk"))
    saved = dict(
        TypeMapping.objects.filter(source=source, owner__isnull=True).values_list(
            "source_type", "category_id"
        )
    )
    if owner_id is not None:
        saved.update(
            TypeMapping.objects.filter(source=source, owner_id=owner_id).values_list(
                "source_type", "category_id"
            )
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


@dataclass
class PoliceRead:
    """A response or export of the Police events API, read and checked."""

    rows: list[EventRow]  # one per id: its newest version
    rejected: list[Rejection]
    total: int
    skipped: int  # summaries
    numbers: dict[str, int] = field(default_factory=dict)  # id → record number of its row

    def conflicts(self, counts: WriteCounts) -> list[Rejection]:
        """The rows whose id another organization's dataset holds, as rejected rows."""
        return [(self.numbers.get(i, 0), "id", taken_reason(i)) for i in counts.conflicts]

    @property
    def older_versions(self) -> int:
        return self.total - self.skipped - len(self.rejected) - len(self.rows)

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        times = [r.occurred_at for r in self.rows]
        return (min(times).date(), max(times).date()) if times else (None, None)


def read_police_events(
    data: bytes,
    file_name: str,
    progress: Progress | None = None,
    owner: Organization | None = None,
) -> PoliceRead:
    """Parse and check every record (no writing); ``progress(n, 2 * total)`` as it goes,
    the second half being the writing's. Types are categorised by ``owner``'s mappings,
    then the platform's."""
    content = _decompress(data, file_name)
    try:
        records = json.loads(content)
        del content
    except (ValueError, OSError, RecursionError) as exc:
        raise ImportError_(
            _("%(file)s is not JSON: %(error)s") % {"file": file_name, "error": exc}
        ) from exc
    if isinstance(records, dict):  # a saved API response may wrap the list
        records = records.get("events") or records.get("data") or []
    if not isinstance(records, list):
        raise ImportError_(_("%(file)s holds no list of events.") % {"file": file_name})
    lookup = category_lookup(SourceKind.POLICE_EVENTS, owner.pk if owner else None)
    kommuner, counties = places()
    rows: dict[str, EventRow] = {}
    numbers: dict[str, int] = {}
    rejected: list[Rejection] = []
    skipped = 0
    total = len(records)
    for number in range(1, total + 1):
        # Each record is let go once read, so the records and their rows are not both
        # held whole at the peak.
        record, records[number - 1] = records[number - 1], None
        if progress and number % 5000 == 0:
            progress(number, 2 * total)
        if isinstance(record, dict) and police.is_summary(record):
            skipped += 1
            continue
        if isinstance(record, dict) and (field := _nul_field(record)):
            rejected.append((number, field, reasons.nul()))
            continue
        try:
            row = _police_row(police.parse_record(record), lookup, kommuner, counties)
        except police.RecordError as exc:
            rejected.append((number, exc.field, exc.reason))
            continue
        previous = rows.get(row.external_id)
        if previous is None or _newer_or_same(row, previous):
            rows[row.external_id] = row  # the newest version of an id wins
            numbers[row.external_id] = number
    return PoliceRead(list(rows.values()), rejected, total, skipped, numbers)


def _write_police(
    dataset: Dataset, read: PoliceRead, progress: Progress | None = None
) -> WriteCounts:
    total = read.total

    def written(n: int) -> None:
        if progress:
            progress(total + n * total // max(len(read.rows), 1), 2 * total)

    return write_events(dataset.pk, SourceKind.POLICE_EVENTS, read.rows, progress=written)


def import_police_events(
    data: bytes,
    *,
    file_name: str,
    owner: Organization,
    user: User | None = None,
    title: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Import a saved response or export of the Police events API (JSON, optionally gzip).

    Reading and checking every record comes first, outside the transaction; then the
    writing, in one transaction. Progress covers both (half each).
    """
    digest = sha256(data)
    if (earlier := _earlier(SourceKind.POLICE_EVENTS, owner, digest)) is not None:
        return earlier
    read = read_police_events(data, file_name, progress, owner)
    with transaction.atomic():
        dataset = _new_dataset(
            SourceKind.POLICE_EVENTS,
            title or _("Police events: %(file)s") % {"file": file_name},
            file_name,
            digest,
            owner,
            user,
        )
        counts = _write_police(dataset, read, progress)
        _finish(
            dataset,
            read.rejected + read.conflicts(counts),
            read=read.total,
            imported=counts.new,
            period=read.period(),
            updated=counts.updated,
            # Older versions of an id in the same file count as unchanged, like stored ones.
            unchanged=counts.unchanged + read.older_versions,
            skipped=read.skipped,
        )
    if progress:
        progress(2 * read.total, 2 * read.total)
    return ImportResult(dataset)


@dataclass
class PollImport:
    dataset: Dataset
    poll: PollRecord | None  # None: the response was seen before, nothing changed

    @property
    def already_imported(self) -> bool:
        return self.poll is None


def import_police_poll(
    data: bytes,
    *,
    kommuner: Sequence[str],
    owner: Organization,
    polled_at: dt.datetime,
    file_name: str,
) -> PollImport:
    """Fold one response of the live API into the rolling dataset of its kommuner and month.

    The polls of the same kommuner in the same month (local time) make one dataset:
    each response that differs from the last adds its new events and newer versions,
    adds its counts to the dataset's, and is recorded as a :class:`PollRecord` (time,
    SHA-256, counts). A response identical to one imported before changes nothing.
    A withdrawn dataset is not added to: the next poll starts a new one.
    """
    digest = sha256(data)
    if (earlier := _earlier(SourceKind.POLICE_EVENTS, owner, digest)) is not None:
        return PollImport(earlier.dataset, None)
    selection = ";".join(kommuner)
    month = timezone.localtime(polled_at).date().replace(day=1)
    read = read_police_events(data, file_name, owner=owner)
    with transaction.atomic():
        latest = (
            PollRecord.objects.select_for_update()
            .filter(
                selection=selection,
                month=month,
                dataset__owner=owner,
                dataset__kind=SourceKind.POLICE_EVENTS,
                dataset__withdrawn_at__isnull=True,
            )
            .select_related("dataset")
            .first()
        )
        if latest is not None:
            dataset = latest.dataset
        else:
            dataset = _new_dataset(
                SourceKind.POLICE_EVENTS,
                f"Police events API: {', '.join(kommuner)}, {month:%Y-%m}",
                file_name,
                digest,
                owner,
                None,
            )
        counts = _write_police(dataset, read)
        poll = PollRecord.objects.create(
            dataset=dataset,
            selection=selection,
            month=month,
            polled_at=polled_at,
            file_name=file_name[:300],
            sha256=digest,
            rows_read=read.total,
            rows_new=counts.new,
            rows_updated=counts.updated,
            rows_unchanged=counts.unchanged + read.older_versions,
            rows_skipped=read.skipped,
            rows_rejected=len(read.rejected) + len(counts.conflicts),
        )
        RejectedRow.objects.bulk_create(
            [
                RejectedRow(
                    dataset=dataset,
                    row_number=n,
                    field=redact(f),
                    reason=redact(f"{file_name}: {r}"),
                )
                for n, f, r in read.rejected + read.conflicts(counts)
            ]
        )
        start, end = read.period()
        if start and end:
            dataset.period_start = min(filter(None, [dataset.period_start, start]))
            dataset.period_end = max(filter(None, [dataset.period_end, end]))
        dataset.file_name = file_name[:300]
        dataset.sha256 = digest  # the last response: an identical next one changes nothing
        dataset.rows_read += poll.rows_read
        dataset.rows_imported += poll.rows_new
        dataset.rows_updated += poll.rows_updated
        dataset.rows_unchanged += poll.rows_unchanged
        dataset.rows_skipped += poll.rows_skipped
        dataset.rows_rejected += poll.rows_rejected
        dataset.status = DatasetStatus.DONE
        dataset.progress = 100
        dataset.save()
        dataversion.bump()
    return PollImport(dataset, poll)


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
            raise police.RecordError(
                "location.name", _("unknown county: “%(value)s”") % {"value": event.place_name}
            )
        kommun_id, precision = None, PlacePrecision.COUNTY
    else:
        kommun_id = kommuner.get(place)
        if kommun_id is None:
            raise police.RecordError(
                "location.name",
                _("unknown municipality: “%(value)s”") % {"value": event.place_name},
            )
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
    with transaction.atomic():
        dataset.save(update_fields=["withdrawn_at", "withdrawn_reason", "updated_at"])
        dataversion.bump()  # its population, sub-areas or statistics count nowhere now
    return dataset


def type_owners(user: User) -> QuerySet[Organization] | None:
    """The organizations whose datasets' types ``user`` re-categorises: those the user
    coordinates; None for the platform administrator (the platform's mapping, for the
    national authorities' datasets: the Police's events)."""
    from samverka.tenancy.access import Role

    if user.is_superuser:
        return None
    return Organization.objects.of_user(user, (Role.COORDINATOR,))


def unmapped_types(
    source: str, owners: QuerySet[Organization] | None = None
) -> list[tuple[str, int]]:
    """Types at the source that no category is known for, with how many events have
    them: in the datasets of ``owners`` (None: of the national authorities', which the
    platform's mapping re-categorises)."""
    from django.db.models import Count

    from samverka.sources.models import Event

    events = Event.objects.filter(source=source, category__isnull=True)
    if owners is not None:
        events = events.filter(dataset__owner__in=owners)
    else:
        events = events.filter(dataset__owner__kind=OrganizationKind.NATIONAL)
    return list(events.values_list("source_type").annotate(n=Count("pk")).order_by("-n"))


def map_type(
    source: str,
    source_type: str,
    category: Category,
    user: User | None,
    owner: Organization | None = None,
) -> int:
    """Save ``owner``'s mapping and apply it to the events of ``owner``'s datasets;
    returns how many events changed.

    The re-categorising is the owner's act: ``user`` must coordinate ``owner``. Without
    an owner it is the platform's mapping, the platform administrator's act: it applies
    to the stored events of the national authorities' datasets (the Police's) and is
    where every later import of any owner starts from. Each dataset changed gets an entry in the
    audit trail with the number of its events changed (``update()`` is not seen by the
    recorder). ``user`` None: a command, not a person.
    """
    from django.core.exceptions import PermissionDenied
    from django.db.models import Count

    from samverka.audit import recorder
    from samverka.sources.models import Event

    if user is not None and not user.is_superuser:
        owners = type_owners(user)
        if owner is None or owners is None or not owners.filter(pk=owner.pk).exists():
            raise PermissionDenied
    with transaction.atomic():
        TypeMapping.objects.update_or_create(
            source=source,
            source_type=source_type,
            owner=owner,
            defaults={"category": category, "mapped_by": user},
        )
        events = Event.objects.filter(source=source, source_type=source_type)
        if owner is not None:
            events = events.filter(dataset__owner=owner)
        else:
            # The platform's mapping re-categorises the national authorities' datasets
            # (Polismyndigheten's) only; every other owner's stored events are its own
            # to re-categorise. Later imports of any owner start from it.
            own = TypeMapping.objects.filter(
                source=source, source_type=source_type, owner__isnull=False
            )
            events = events.filter(dataset__owner__kind=OrganizationKind.NATIONAL).exclude(
                dataset__owner__in=own.values("owner")
            )
        events = events.exclude(category=category)
        per_dataset = {
            row["dataset_id"]: row["n"]
            for row in events.order_by().values("dataset_id").annotate(n=Count("pk"))
        }
        changed = Event.objects.filter(pk__in=events.values("pk")).update(category=category)
        for dataset in Dataset.objects.filter(pk__in=per_dataset):
            recorder.record(
                dataset,
                "update",
                {
                    _("Type at the source"): [None, source_type],
                    _("Category of its events"): [None, str(category)],
                    _("Events re-categorised"): [None, per_dataset[dataset.pk]],
                },
            )
        dataversion.bump()  # update() touches no dataset: the figures' categories changed
        return changed


def period_text(row: dict[str, str], mapping: ColumnMapping) -> str:
    """The period key of a row: its period column, or its year and period columns."""
    if mapping.year_column:
        return periods.combine(
            row[mapping.year_column], row[mapping.period_column], mapping.period_kind
        )
    return row[mapping.period_column]


def _period_start(text: str, kind: str) -> dt.date:
    """The first day of the period ``text`` names (see :mod:`samverka.sources.periods`)."""
    return periods.parse_period(text, kind)


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
    """Import a statistics table (CSV or XLSX) through a saved column mapping.

    Streams: rows are read one at a time and written in batches inside the import's
    transaction, rejected rows too, so memory follows the batch, not the file.
    """
    digest = sha256(data)
    if (earlier := _earlier(SourceKind.CRIME_STATISTICS, owner, digest)) is not None:
        return earlier
    _check_mapping_area(mapping, owner, file_name)
    table = statistics_table(data, file_name, mapping)
    kommuner, _counties = places()
    categories = dict(Category.objects.current().values_list("code", "pk"))
    checks = targets.LevelCheck(category_labels())
    unmapped: dict[str, int] = {}  # category → the first row it is on
    skipped = 0
    sub_areas = {
        name.lower(): pk for name, pk in mapping.kommun.sub_areas.values_list("name", "pk")
    }
    total = max(table.size_hint or 0, 1)
    read = imported = 0
    first: dt.date | None = None
    last: dt.date | None = None

    with transaction.atomic():
        dataset = _new_dataset(
            SourceKind.CRIME_STATISTICS,
            title or _("Statistics: %(file)s") % {"file": file_name},
            file_name,
            digest,
            owner,
            user,
        )
        rejected = _RejectionWriter(dataset)
        objects: list[Statistic] = []
        for number, row in _rows(table, file_name):
            read += 1
            if progress and read % 5000 == 0:
                progress(min(read, total - 1), total)
            if field := _nul_field(row):
                rejected.add(number, field, reasons.nul())
                continue
            try:
                item = _statistic_row(row, mapping, kommuner=kommuner, categories=categories)
            except _Unmapped as exc:
                if len(unmapped) < 1000:
                    unmapped.setdefault(exc.category, number)
                continue
            except _RowError as exc:
                rejected.add(number, exc.field, exc.reason)
                continue
            checks.note(item["level"], item["source_category"])
            if item["skip"]:
                skipped += 1
                continue
            checks.add(item["target"], item["level"], item["source_category"])
            is_kommun = item["kommun_id"] is not None
            sub_area_id = None
            if not is_kommun:
                key = item["area"].lower()
                if key not in sub_areas:
                    if not mapping.create_sub_areas:
                        rejected.add(
                            number,
                            mapping.area_column,
                            reasons.column(
                                mapping, "area_column", reasons.unknown_area(item["area"])
                            ),
                        )
                        continue
                    sub_areas[key] = SubArea.objects.create(
                        kommun=mapping.kommun, name=item["area"]
                    ).pk
                sub_area_id = sub_areas[key]
            objects.append(
                Statistic(
                    dataset=dataset,
                    kommun_id=item["kommun_id"] if is_kommun else mapping.kommun_id,
                    sub_area_id=sub_area_id,
                    period_kind=mapping.period_kind,
                    period_start=item["period_start"],
                    category_id=item["category_id"],
                    source_category=item["source_category"],
                    value=item["value"],
                    suppressed=item["suppressed"],
                    preliminary=item["preliminary"],
                )
            )
            start = item["period_start"]
            first = start if first is None else min(first, start)
            last = start if last is None else max(last, start)
            if len(objects) >= STATISTICS_BATCH:
                Statistic.objects.bulk_create(objects)
                imported += len(objects)
                objects = []
        # Nothing is stored (the transaction rolls back) when the mapping would lie.
        if unmapped:
            raise ImportError_(redact(unmapped_message(file_name, mapping, unmapped)))
        if problems := checks.problems():
            raise ImportError_(redact(f"{file_name}: " + " ".join(problems)))
        Statistic.objects.bulk_create(objects, batch_size=STATISTICS_BATCH)
        imported += len(objects)
        _finish(
            dataset,
            rejected.rest(),
            read=read,
            imported=imported,
            period=(first, _period_end(last, mapping.period_kind))
            if first and last
            else (None, None),
            rejected_before=rejected.written,
            skipped=skipped,
        )
    if progress:
        progress(total, total)
    return ImportResult(dataset)


def statistics_table(data: bytes, file_name: str, mapping: ColumnMapping) -> Table:
    """The table of a statistics file, with the columns its mapping names checked."""
    return _open_table(
        data,
        file_name,
        [mapping.area_column, mapping.period_column, mapping.category_column, mapping.value_column],
        [mapping.preliminary_column, mapping.level_column, mapping.year_column],
    )


STATISTICS_BATCH = 2000


class _RejectionWriter:
    """Rejected rows of an import, written in batches as they come (a file whose every
    row is refused holds no more of them in memory than a batch)."""

    batch = 5000

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.pending: list[Rejection] = []
        self.written = 0

    def add(self, number: int, field: str, reason: str) -> None:
        self.pending.append((number, field, reason))
        if len(self.pending) >= self.batch:
            RejectedRow.objects.bulk_create(
                [
                    RejectedRow(
                        dataset=self.dataset, row_number=n, field=redact(f), reason=redact(r)
                    )
                    for n, f, r in self.pending
                ],
                batch_size=1000,
            )
            self.written += len(self.pending)
            self.pending = []

    def rest(self) -> list[Rejection]:
        """The rejected rows not yet written, for :func:`_finish`."""
        rest, self.pending = self.pending, []
        return rest


def _period_end(start: dt.date, kind: str) -> dt.date:
    from samverka.lib.dates import add_months

    months = {PeriodKind.YEAR: 12, PeriodKind.QUARTER: 3, PeriodKind.MONTH: 1}[PeriodKind(kind)]
    return add_months(start, months) - dt.timedelta(days=1)


class _RowError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.reason = field, reason


class _Unmapped(_RowError):
    """A category the mapping does not say where to put: it stops the import."""

    def __init__(self, field: str, reason: str, category: str) -> None:
        super().__init__(field, reason)
        self.category = category


def category_labels() -> dict[str, str]:
    """Category code → its name, as the mapping form shows it."""
    return {c.code: str(c) for c in Category.objects.current().select_related("parent")}


def unmapped_message(file_name: str, mapping: ColumnMapping, unmapped: dict[str, int]) -> str:
    """Why a table with categories its mapping does not name is not imported."""
    return _(
        "%(file)s: nothing was imported. The mapping “%(mapping)s” does not say where "
        "%(count)s of the table's categories go: %(names)s. Make a mapping that maps each of "
        "them to a category, to the total or to skip."
    ) % {
        "file": file_name,
        "mapping": mapping,
        "count": len(unmapped),
        "names": targets.quoted(
            [
                f"{name} ({_('row')} {row})"
                for name, row in sorted(unmapped.items(), key=lambda i: i[1])
            ]
        ),
    }


@functools.lru_cache(maxsize=4096)
def _personal_data_in(text: str) -> tuple[str, ...]:
    """find_personal_data for cells, which repeat (area names, categories, questions)."""
    return tuple(find_personal_data(text))


def _screen_cell(text: str, mapping: ColumnMapping, attr: str) -> None:
    """Refuse the row when a cell that is stored as text holds personal data."""
    found = _personal_data_in(text)
    if found:
        raise _RowError(
            getattr(mapping, attr),
            reasons.column(mapping, attr, reasons.personal_data(list(found))),
        )


def _statistic_row(
    row: dict[str, str],
    mapping: ColumnMapping,
    *,
    kommuner: dict[str, int],
    categories: dict[str, int],
) -> dict[str, Any]:
    area = row[mapping.area_column].strip()
    if not area:
        raise _RowError(
            mapping.area_column, reasons.column(mapping, "area_column", reasons.empty())
        )
    _screen_cell(area, mapping, "area_column")  # it may become the name of a new sub-area
    kommun_id = _kommun_of_area(area, kommuner)
    source_category = row[mapping.category_column].strip()
    _screen_cell(source_category, mapping, "category_column")
    if not source_category:
        raise _RowError(
            mapping.category_column, reasons.column(mapping, "category_column", reasons.empty())
        )
    if source_category not in mapping.categories:
        raise _Unmapped(
            mapping.category_column,
            reasons.column(mapping, "category_column", reasons.not_mapped(source_category)),
            source_category,
        )
    code = mapping.categories[source_category]
    level = row[mapping.level_column].strip() if mapping.level_column else ""
    if targets.is_skip(code):
        return {"skip": True, "source_category": source_category, "level": level}
    try:
        period_start = _period_start(period_text(row, mapping), mapping.period_kind)
    except ValueError as exc:
        raise _RowError(
            mapping.period_column, reasons.column(mapping, "period_column", str(exc))
        ) from None
    category_id = None
    if not targets.is_total(code):
        category_id = categories.get(code)
        if category_id is None:
            raise _RowError(
                mapping.category_column,
                reasons.column(
                    mapping,
                    "category_column",
                    _("unknown category code: “%(value)s”") % {"value": code},
                ),
            )
    raw_value = row[mapping.value_column].strip()
    try:
        value = parse_number(raw_value)
    except ValueError as exc:
        raise _RowError(
            mapping.value_column, reasons.column(mapping, "value_column", str(exc))
        ) from None
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
        "skip": False,
        "target": code,
        "level": level,
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
            rejected.append(
                (
                    number,
                    code_column,
                    _("Column “%(column)s”: no municipality with the code “%(value)s”")
                    % {"column": code_column, "value": row[code_column]},
                )
            )
            continue
        try:
            value = parse_number(row[value_column])
            row_year = int(row[year_column]) if year_column else year
        except ValueError as exc:
            rejected.append(
                (
                    number,
                    value_column,
                    _("Column “%(column)s”: %(reason)s")
                    % {"column": value_column, "reason": str(exc)},
                )
            )
            continue
        if value is None or value < 0 or row_year is None:
            rejected.append(
                (
                    number,
                    value_column,
                    _("Column “%(column)s”: no population") % {"column": value_column},
                )
            )
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

    An area already known by name gets the new boundary; WGS84 coordinates only. Only an
    organization whose own area holds the kommun draws its sub-areas.
    """
    from samverka.sources.ownership import in_own_area

    if not in_own_area(owner, kommun.pk):
        raise ImportError_(
            _("%(file)s: %(kommun)s is not in %(owner)s's own area; its areas are its own.")
            % {"file": file_name, "kommun": kommun, "owner": owner}
        )
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
            rejected.append(
                (number, "properties.name", _("Name (properties.name): the area has no name"))
            )
            continue
        if found := find_personal_data(name):
            rejected.append(
                (
                    number,
                    "properties.name",
                    _("Name (properties.name): %(reason)s")
                    % {"reason": reasons.personal_data(found)},
                )
            )
            continue
        problem = _geometry_problem(geometry)
        if problem:
            rejected.append(
                (number, "geometry", _("Shape (geometry): %(reason)s") % {"reason": problem})
            )
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
        return _("not a polygon but “%(value)s”") % {"value": kind}
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
    """Survey results (trygghetsmätning, LUPP, the kommun's own) per area, question and year.

    Streams like :func:`import_statistics`: rows are written in batches as they are read.
    """
    digest = sha256(data)
    if (earlier := _earlier(SourceKind.SURVEY, owner, digest)) is not None:
        return earlier
    _check_mapping_area(mapping, owner, file_name)
    table = _open_table(
        data,
        file_name,
        [mapping.area_column, mapping.period_column, mapping.question_column, mapping.value_column],
        [mapping.respondents_column],
    )
    kommuner, _counties = places()
    sub_areas = {n.lower(): pk for n, pk in mapping.kommun.sub_areas.values_list("name", "pk")}
    read = imported = 0
    first_year: int | None = None
    last_year: int | None = None
    with transaction.atomic():
        dataset = _new_dataset(
            SourceKind.SURVEY,
            title or _("Survey: %(file)s") % {"file": file_name},
            file_name,
            digest,
            owner,
            user,
        )
        rejected = _RejectionWriter(dataset)
        results: list[SurveyResult] = []
        for number, row in _rows(table, file_name):
            read += 1
            if field := _nul_field(row):
                rejected.add(number, field, reasons.nul())
                continue
            area = row[mapping.area_column].strip()
            kommun_id = _kommun_of_area(area, kommuner)
            sub_area_id = None if kommun_id else sub_areas.get(area.lower())
            if kommun_id is None and sub_area_id is None:
                rejected.add(
                    number,
                    mapping.area_column,
                    reasons.column(mapping, "area_column", reasons.unknown_area(area)),
                )
                continue
            question = row[mapping.question_column].strip()[:300]
            if found := _personal_data_in(question):
                rejected.add(
                    number,
                    mapping.question_column,
                    reasons.column(mapping, "question_column", reasons.personal_data(list(found))),
                )
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
                rejected.add(
                    number, mapping.value_column, reasons.column(mapping, "value_column", str(exc))
                )
                continue
            share = index_value = None
            if value is not None and mapping.value_is_index:
                index_value = value
            elif value is not None:
                share = value / 100 if value > 1 else value  # "23" or "23,0" means 23 %
                if not 0 <= share <= 1:
                    rejected.add(
                        number,
                        mapping.value_column,
                        reasons.column(mapping, "value_column", reasons.not_a("share", value)),
                    )
                    continue
            results.append(
                SurveyResult(
                    dataset=dataset,
                    kommun_id=kommun_id or mapping.kommun_id,
                    sub_area_id=sub_area_id,
                    year=year,
                    question=question,
                    respondents=int(respondents) if respondents is not None else None,
                    share=share,
                    index_value=index_value,
                )
            )
            first_year = year if first_year is None else min(first_year, year)
            last_year = year if last_year is None else max(last_year, year)
            if len(results) >= STATISTICS_BATCH:
                SurveyResult.objects.bulk_create(results)
                imported += len(results)
                results = []
        SurveyResult.objects.bulk_create(results, batch_size=STATISTICS_BATCH)
        imported += len(results)
        _finish(
            dataset,
            rejected.rest(),
            read=read,
            imported=imported,
            period=(dt.date(first_year, 1, 1), dt.date(last_year, 12, 31))
            if first_year is not None and last_year is not None
            else (None, None),
            rejected_before=rejected.written,
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

    Streams: the file is read in chunks of columns (pyarrow), each chunk checked column
    by column (:mod:`samverka.sources.event_table`) and written at once
    (:mod:`samverka.sources.writing`), all inside one transaction; memory follows the
    chunk, not the file. Progress is reported after each chunk is read and checked,
    and after it is written.
    """
    kind = mapping.kind if mapping.kind == SourceKind.EST else SourceKind.EVENT_TABLE
    digest = sha256(data)
    if (earlier := _earlier(kind, owner, digest)) is not None:
        return earlier
    _check_mapping_area(mapping, owner, file_name)
    required = [mapping.date_column, mapping.category_column]
    optional = [
        mapping.time_column,
        mapping.x_column,
        mapping.y_column,
        mapping.place_column,
        mapping.id_column,
        mapping.description_column,
    ]
    if is_xlsx(data, file_name):
        table = _open_table(data, file_name, required, optional)
        columns, size_hint = table.columns, table.size_hint
        del table
    else:  # only the header: the rows are read in chunks
        try:
            columns, size_hint = read_csv_header(data)
        except TableError as exc:
            raise ImportError_(f"{file_name}: {exc}") from exc
        _check_columns(columns, file_name, required, optional)
    checker = ChunkChecker(
        mapping,
        dict(Category.objects.current().values_list("code", "pk")),
        timezone.get_current_timezone(),
        digest,
    )
    total = max(size_hint or 0, 1)

    def chunks(exact: bool) -> Iterator[Chunk]:
        if not exact:
            return read_chunks(data, file_name, columns)
        return row_chunks(_open_table(data, file_name, []))

    with transaction.atomic():
        dataset = _new_dataset(
            kind,
            title or _("Events: %(file)s") % {"file": file_name},
            file_name,
            digest,
            owner,
            user,
        )
        exact, direct = False, True
        while True:
            # A savepoint per attempt: a file the fast reader cannot read exactly is read
            # again row by row, and a direct COPY that meets stored ids becomes a merge.
            try:
                with transaction.atomic():
                    outcome = _write_event_chunks(
                        dataset, kind, chunks(exact), checker, direct, progress, total, file_name
                    )
                break
            except IrregularTable:
                exact = True
            except AlreadyStored:
                direct = False
        counts, rejected, read, first, last, duplicates = outcome
        zone = timezone.get_current_timezone()
        _finish(
            dataset,
            rejected,
            read=read,
            imported=counts.new,
            period=(first.astimezone(zone).date(), last.astimezone(zone).date())
            if first and last
            else (None, None),
            updated=counts.updated,
            # Earlier rows of an id repeated in the same file count as unchanged.
            unchanged=counts.unchanged + duplicates,
        )
    if progress:
        progress(total, total)
    return ImportResult(dataset)


def _checked_ahead(
    chunks: Iterator[Chunk], checker: ChunkChecker
) -> Iterator[tuple[int, CheckedChunk]]:
    """(rows, checked chunk), the next chunk read and checked in a thread while the
    caller writes this one (pyarrow and the database release the GIL as they work)."""

    def step() -> tuple[int, CheckedChunk] | None:
        chunk = next(chunks, None)
        return None if chunk is None else (len(chunk), checker.check(chunk))

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="check") as pool:
        future = pool.submit(step)
        while (item := future.result()) is not None:
            future = pool.submit(step)
            yield item


def _conflicting_rows(checked: CheckedChunk, conflicts: list[str]) -> list[Rejection]:
    """The rows of a chunk whose id another organization's dataset holds."""
    at = pc.index_in(pa.array(conflicts, pa.string()), checked.events["external_id"]).to_pylist()
    numbers = checked.numbers
    return [
        (int(numbers[i]) if numbers is not None and i is not None else 0, "id", taken_reason(c))
        for c, i in zip(conflicts, at, strict=True)
    ]


def _write_event_chunks(
    dataset: Dataset,
    kind: str,
    chunks: Iterator[Chunk],
    checker: ChunkChecker,
    direct: bool,
    progress: Progress | None,
    total: int,
    file_name: str,
) -> tuple[WriteCounts, list[Rejection], int, dt.datetime | None, dt.datetime | None, int]:
    writer = EventWriter(dataset.pk, kind, direct=direct, expected_rows=total)
    rejected: list[Rejection] = []
    read = done = duplicates = 0
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    try:
        for size, checked in _checked_ahead(chunks, checker):
            rejected.extend(checked.rejected)
            read += checked.read
            duplicates += checked.duplicates
            if len(checked.events):
                low, high = pc.min_max(checked.events["occurred_at"]).values()
                first = low.as_py() if first is None else min(first, low.as_py())
                last = high.as_py() if last is None else max(last, high.as_py())
            if progress:
                progress(min(done + size // 2, total - 1), total)
            writer.write(checked.events)
            if conflicts := writer.take_conflicts():
                rejected.extend(_conflicting_rows(checked, conflicts))
            done += size
            if progress:
                progress(min(done, total - 1), total)
        counts = writer.close()
    except BaseException as exc:
        writer.abort(exc)  # an open COPY must end before the savepoint can roll back
        if isinstance(exc, TableError):
            raise ImportError_(f"{file_name}: {exc}") from exc
        raise
    return counts, rejected, read, first, last, duplicates
