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
from samverka.lib.numbers import rounded
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
    # A re-import of the same file with another mapping: how many rows of the earlier
    # import it replaced (None: not a re-import).
    replaced: int | None = None


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
    """ "Göteborg kommun", "Göteborgs kommun" and "Göteborg" all name the kommun, and so
    does "1480 Göteborg", the code before the name as Brå's and SCB's exports write it."""
    if coded := re.fullmatch(r"\d{4}\s+(\S.*)", area.strip()):
        area = coded.group(1)
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


def _earlier(
    kind: str, owner: Organization, digest: str, mapping: ColumnMapping | None = None
) -> ImportResult | None:
    """The same file imported before for the same owner with the same mapping: nothing
    to do, and say so. With another mapping it is imported again (see :func:`_replaced`)."""
    earlier = Dataset.objects.in_use().filter(kind=kind, owner=owner, sha256=digest)
    if mapping is not None:
        earlier = earlier.filter(mapping=mapping)
    found = earlier.first()
    return ImportResult(found, already_imported=True) if found is not None else None


def _replaced(kind: str, owner: Organization, digest: str) -> Dataset | None:
    """The earlier import of the same file for the same owner (with another mapping),
    whose rows a re-import replaces; None if there is none."""
    return (
        Dataset.objects.in_use()
        .filter(kind=kind, owner=owner, sha256=digest)
        .order_by("-imported_at", "-pk")
        .first()
    )


def _new_dataset(
    kind: str,
    title: str,
    file_name: str,
    digest: str,
    owner: Organization,
    user: User | None,
    mapping: ColumnMapping | None = None,
) -> tuple[Dataset, int | None]:
    """The dataset the import writes into, and how many rows of an earlier import of the
    same file it replaces (None: a new dataset). Called inside the import's transaction:
    the earlier rows are deleted in it, so a failing re-import leaves them as they were."""
    earlier = _replaced(kind, owner, digest) if mapping is not None else None
    if earlier is None:
        dataset = Dataset.objects.create(
            kind=kind,
            title=title,
            owner=owner,
            file_name=file_name[:300],
            sha256=digest,
            imported_by=user,
            mapping=mapping,
        )
        return dataset, None
    return _clear_for_reimport(earlier, mapping, user)


def _clear_for_reimport(
    dataset: Dataset, mapping: ColumnMapping | None, user: User | None
) -> tuple[Dataset, int]:
    """Delete the rows of ``dataset``'s import (its events, statistics, survey results and
    rejected rows) for a re-import with ``mapping`` to write again: the dataset (locked
    until the import's transaction ends) and how many rows were deleted."""
    from samverka.audit import recorder
    from samverka.sources.models import Event

    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    removed = 0
    for rows in (
        Event.objects.filter(dataset=dataset),
        Statistic.objects.filter(dataset=dataset),
        SurveyResult.objects.filter(dataset=dataset),
    ):
        removed += rows._raw_delete(rows.db)  # plain rows, nothing refers to them
    RejectedRow.objects.filter(dataset=dataset)._raw_delete(RejectedRow.objects.db)
    recorder.record(
        dataset,
        "update",
        {
            _("Column mapping"): [str(dataset.mapping or "–"), str(mapping)],
            _("Rows replaced by a re-import"): [removed, None],
        },
    )
    dataset.mapping = mapping
    dataset.imported_by = user
    for name in ("imported", "updated", "unchanged", "skipped", "rejected"):
        setattr(dataset, f"rows_{name}", 0)
    dataset.save(update_fields=["mapping", "imported_by", "updated_at"])
    return dataset, removed


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
        )[0]
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
            )[0]
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
    if (earlier := _earlier(SourceKind.CRIME_STATISTICS, owner, digest, mapping)) is not None:
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
        dataset, replaced = _new_dataset(
            SourceKind.CRIME_STATISTICS,
            title or _("Statistics: %(file)s") % {"file": file_name},
            file_name,
            digest,
            owner,
            user,
            mapping,
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
    return ImportResult(dataset, replaced=replaced)


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
POPULATION_NAME_COLUMNS = ("kommun_namn", "kommunnamn", "kommun", "namn", "name", "region")
POPULATION_VALUE_COLUMNS = ("population", "folkmängd", "folkmangd", "invånare", "antal")
YEAR_COLUMNS = ("year", "år", "ar")
# A preview shows this many of the rows to be stored and of the rows rejected.
PREVIEW_ROWS = 200


def _first_present(columns: list[str], candidates: tuple[str, ...]) -> str | None:
    lowered = {c.lower(): c for c in columns}
    return next((lowered[c] for c in candidates if c in lowered), None)


def _check_size(data: bytes, file_name: str, limit: int, size: int | None = None) -> None:
    """Refuse a file larger than ``limit`` bytes before anything reads it."""
    size = len(data) if size is None else size
    if size > limit:
        raise ImportError_(
            _("%(file)s is %(size)s, more than the %(limit)s allowed: split it into smaller files.")
            % {"file": file_name, "size": _bytes(size), "limit": _bytes(limit)}
        )


def _bytes(size: int) -> str:
    """A file size as a message shows it: "32 MB", "800 kB"."""
    megabyte = 1024 * 1024
    return f"{size / megabyte:.0f} MB" if size >= megabyte else f"{max(size / 1024, 1):.0f} kB"


def size_limit(kind: str) -> int | None:
    """The largest file an import of ``kind`` reads whole, or None (it streams, or has its
    own limits)."""
    limits = {
        SourceKind.POPULATION: settings.IMPORT_MAX_POPULATION_BYTES,
        SourceKind.AREAS: settings.IMPORT_MAX_GEOJSON_BYTES,
    }
    return limits.get(SourceKind(kind)) if kind in SourceKind.values else None


def check_file_size(kind: str, size: int, file_name: str) -> None:
    """Refuse a file of ``size`` bytes too large for an import of ``kind``, unread."""
    limit = size_limit(kind)
    if limit is not None:
        _check_size(b"", file_name, limit, size=size)


def _quiet(done: int, total: int) -> None:
    """A progress callback that shows nothing."""


@dataclass
class PopulationRead:
    """What a population file holds, checked: what would be stored and what rejected."""

    rows: dict[tuple[int, int], int]  # (kommun id, year) -> inhabitants
    rejected: list[Rejection]
    read: int
    names: dict[int, str]  # kommun id -> name, for the preview

    @property
    def years(self) -> list[int]:
        return sorted({y for _k, y in self.rows})

    def preview(self) -> dict[str, Any]:
        """What a person confirms before anything is stored (a few rows of each)."""
        stored = sorted(self.rows.items(), key=lambda item: (self.names[item[0][0]], item[0][1]))
        return {
            "read": self.read,
            "stored_count": len(self.rows),
            "rejected_count": len(self.rejected),
            "years": self.years,
            "stored": [[self.names[k], str(y), str(p)] for (k, y), p in stored[:PREVIEW_ROWS]],
            "rejected": [[n, f, r] for n, f, r in self.rejected[:PREVIEW_ROWS]],
        }


def read_population(
    data: bytes,
    *,
    file_name: str,
    owner: Organization,
    kommuner: set[int] | None,
    year: int | None = None,
    progress: Progress = _quiet,
) -> PopulationRead:
    """Read and check a population table without storing anything (the preview, and the
    first half of :func:`import_population`).

    ``kommuner``: the kommuner whose population may be imported (None: every one, the
    platform administrator's national population); rows of any other kommun are
    rejected with the reason."""
    _check_size(data, file_name, settings.IMPORT_MAX_POPULATION_BYTES)
    if kommuner is not None and not kommuner:
        raise ImportError_(
            _(
                "%(file)s: %(owner)s imports no population. A kommun imports its own "
                "population; the population of every kommun is imported by the platform "
                "administrator."
            )
            % {"file": file_name, "owner": owner}
        )
    table = _open_table(data, file_name, required=[])
    code_column = _first_present(table.columns, POPULATION_CODE_COLUMNS)
    name_column = _first_present(table.columns, POPULATION_NAME_COLUMNS)
    value_column = _first_present(table.columns, POPULATION_VALUE_COLUMNS)
    year_column = _first_present(table.columns, YEAR_COLUMNS)
    if (code_column is None and name_column is None) or value_column is None:
        raise ImportError_(
            _(
                "%(file)s needs a column with the kommunkod or the kommun's name and one "
                "with the population (it has: %(present)s)."
            )
            % {"file": file_name, "present": ", ".join(table.columns)}
        )
    if year_column is None and year is None:
        raise ImportError_(_("%(file)s has no year column: give the year.") % {"file": file_name})
    all_kommuner = list(
        Organization.objects.filter(kind=OrganizationKind.KOMMUN).values_list(
            "pk", "municipality_code", "name"
        )
    )
    by_code = {code: pk for pk, code, _name in all_kommuner}
    by_name = {name.lower(): pk for pk, _code, name in all_kommuner}
    names = {pk: name for pk, _code, name in all_kommuner}
    rows: dict[tuple[int, int], int] = {}
    first_row: dict[tuple[int, int], int] = {}
    rejected: list[Rejection] = []
    read = 0
    total = max(data.count(b"\n"), 1)
    for number, row in _rows(table, file_name):
        read += 1
        if read % 500 == 0:
            progress(read, total)
        if code_column is not None and row[code_column].strip():
            column, given = code_column, row[code_column]
            kommun_id = by_code.get(given.strip().zfill(4))
        else:
            column = name_column or code_column or ""
            given = row.get(column, "")
            kommun_id = _kommun_of_area(given.strip(), by_name) if given.strip() else None
        if kommun_id is None:
            rejected.append(
                (
                    number,
                    column,
                    _("Column “%(column)s”: no municipality “%(value)s”")
                    % {"column": column, "value": given},
                )
            )
            continue
        if kommuner is not None and kommun_id not in kommuner:
            rejected.append(
                (
                    number,
                    column,
                    _(
                        "Column “%(column)s”: %(kommun)s is not in %(owner)s's own area; "
                        "its population is imported by the kommun itself or by the "
                        "platform administrator"
                    )
                    % {"column": column, "kommun": names[kommun_id], "owner": owner},
                )
            )
            continue
        row_year = year
        if year_column is not None:
            try:
                row_year = int(row[year_column].strip())
            except ValueError:
                row_year = None
            if row_year is None or not 1900 <= row_year <= 2100:
                rejected.append(
                    (
                        number,
                        year_column,
                        _("Column “%(column)s”: not a year: “%(value)s”")
                        % {"column": year_column, "value": row[year_column]},
                    )
                )
                continue
        try:
            value = parse_number(row[value_column])
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
        if value is None or value <= 0 or row_year is None:
            rejected.append(
                (
                    number,
                    value_column,
                    _("Column “%(column)s”: no population") % {"column": value_column},
                )
            )
            continue
        key = (kommun_id, row_year)
        if key in rows:
            rejected.append(
                (
                    number,
                    column,
                    _("%(kommun)s %(year)s is given already in row %(row)s")
                    % {"kommun": names[kommun_id], "year": row_year, "row": first_row[key]},
                )
            )
            continue
        first_row[key] = number
        rows[key] = int(rounded(value))
    return PopulationRead(rows, rejected, read, names)


def _earlier_population(owner: Organization, digest: str, year: int | None) -> ImportResult | None:
    """The same file imported before for the same owner and the same stated year."""
    earlier = Dataset.objects.in_use().filter(
        kind=SourceKind.POPULATION, owner=owner, sha256=digest
    )
    if year is not None:
        earlier = earlier.filter(period_start=dt.date(year, 1, 1))
    found = earlier.first()
    return ImportResult(found, already_imported=True) if found is not None else None


def import_population(
    data: bytes,
    *,
    file_name: str,
    owner: Organization,
    kommuner: set[int] | None = None,
    year: int | None = None,
    user: User | None = None,
    title: str = "",
    progress: Progress = _quiet,
) -> ImportResult:
    """Population per kommun (and year): a table with a kommunkod (or the kommun's name)
    and a population column.

    The SCB-derived file states no year: give ``year``; a file with a year column
    (år, year) carries its own. ``kommuner`` as :func:`read_population`.
    """
    digest = sha256(data)
    if (earlier := _earlier_population(owner, digest, year)) is not None:
        return earlier
    found = read_population(
        data, file_name=file_name, owner=owner, kommuner=kommuner, year=year, progress=progress
    )
    progress(1, 2)
    with transaction.atomic():
        dataset = _new_dataset(
            SourceKind.POPULATION,
            title or _("Population: %(file)s") % {"file": file_name},
            file_name,
            digest,
            owner,
            user,
        )[0]
        Population.objects.bulk_create(
            [
                Population(dataset=dataset, kommun_id=k, year=y, population=p)
                for (k, y), p in found.rows.items()
            ],
            batch_size=2000,
        )
        years = found.years
        _finish(
            dataset,
            found.rejected,
            read=found.read,
            imported=len(found.rows),
            period=(dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)) if years else (None, None),
        )
    progress(1, 1)
    return ImportResult(dataset)


NAME_PROPERTIES = ("name", "namn", "NAMN", "Name", "omrade", "område")


@dataclass
class AreasRead:
    """What a GeoJSON file of sub-areas holds, checked: what would be stored and what rejected."""

    kommun: Organization
    areas: dict[str, dict[str, Any]]  # name -> geometry
    rejected: list[Rejection]
    read: int
    known: set[str]  # names of the kommun's sub-areas already known (they get the new boundary)

    def preview(self) -> dict[str, Any]:
        names = sorted(self.areas)
        return {
            "read": self.read,
            "stored_count": len(self.areas),
            "rejected_count": len(self.rejected),
            "kommun": self.kommun.name,
            "stored": [
                [name, str(_("new")) if name not in self.known else str(_("new boundary"))]
                for name in names[:PREVIEW_ROWS]
            ],
            "rejected": [[n, f, r] for n, f, r in self.rejected[:PREVIEW_ROWS]],
        }


def _geojson(data: bytes, file_name: str) -> Any:
    """The parsed GeoJSON (plain or gzip), refused when larger than
    ``IMPORT_MAX_GEOJSON_BYTES`` (parsed, it is held in memory) or unreadable."""
    limit = settings.IMPORT_MAX_GEOJSON_BYTES
    if data[:2] == b"\x1f\x8b":
        try:
            data = gunzip(data, file_name, max_size=limit)
        except UnpackError as exc:
            raise ImportError_(str(exc)) from exc
    _check_size(data, file_name, limit)
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise ImportError_(
            _("%(file)s is not GeoJSON: %(error)s") % {"file": file_name, "error": exc}
        ) from exc


def read_areas(
    data: bytes,
    *,
    file_name: str,
    kommun: Organization,
    owner: Organization,
    progress: Progress = _quiet,
) -> AreasRead:
    """Read and check a GeoJSON file of sub-areas without storing anything (the preview,
    and the first half of :func:`import_areas`). Only an organization whose own area
    holds the kommun draws its sub-areas, and each area must lie in the kommun."""
    from samverka.lib.geo import representative_point, within
    from samverka.sources.ownership import in_own_area

    if not in_own_area(owner, kommun.pk):
        raise ImportError_(
            _("%(file)s: %(kommun)s is not in %(owner)s's own area; its areas are its own.")
            % {"file": file_name, "kommun": kommun, "owner": owner}
        )
    collection = _geojson(data, file_name)
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        raise ImportError_(
            _("%(file)s is not a GeoJSON FeatureCollection (no list “features”).")
            % {"file": file_name}
        )
    boundary = Organization.objects.filter(pk=kommun.pk).values_list("geometry", flat=True).first()
    areas: dict[str, dict[str, Any]] = {}
    rejected: list[Rejection] = []
    for number, feature in enumerate(features, start=1):
        if number % 100 == 0:
            progress(number, len(features))
        feature = feature if isinstance(feature, dict) else {}
        properties = feature.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        name = next((str(properties[p]).strip() for p in NAME_PROPERTIES if properties.get(p)), "")
        geometry = feature.get("geometry")
        geometry = geometry if isinstance(geometry, dict) else {}
        if not name:
            rejected.append(
                (number, "properties.name", _("Name (properties.name): the area has no name"))
            )
            continue
        if len(name) > 200:
            rejected.append(
                (
                    number,
                    "properties.name",
                    _("Name (properties.name): longer than 200 characters"),
                )
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
        if boundary and not within(representative_point(geometry), boundary):
            rejected.append(
                (
                    number,
                    "geometry",
                    _("Shape (geometry): the area %(name)s lies outside %(kommun)s")
                    % {"name": name, "kommun": kommun},
                )
            )
            continue
        if name in areas:
            rejected.append(
                (
                    number,
                    "properties.name",
                    _("Name (properties.name): %(name)s is drawn already by an earlier feature")
                    % {"name": name},
                )
            )
            continue
        areas[name] = geometry
    known = set(
        SubArea.objects.filter(kommun=kommun, name__in=areas).values_list("name", flat=True)
    )
    return AreasRead(kommun, areas, rejected, len(features), known)


def preview_import(
    kind: str,
    data: bytes,
    *,
    file_name: str,
    owner: Organization,
    user: User,
    parameters: dict[str, Any],
) -> dict[str, Any]:
    """What an import of population or sub-areas would store and reject, stored nothing."""
    from samverka.sources.ownership import population_kommuner

    check_file_size(kind, len(data), file_name)
    if kind == SourceKind.POPULATION:
        return read_population(
            data,
            file_name=file_name,
            owner=owner,
            kommuner=population_kommuner(user, owner),
            year=parameters.get("year"),
        ).preview()
    kommun = Organization.objects.get(pk=parameters["kommun"], kind=OrganizationKind.KOMMUN)
    return read_areas(data, file_name=file_name, kommun=kommun, owner=owner).preview()


def import_areas(
    data: bytes,
    *,
    file_name: str,
    kommun: Organization,
    owner: Organization,
    kind: str = "",
    user: User | None = None,
    title: str = "",
    progress: Progress = _quiet,
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
    earlier = (
        Dataset.objects.in_use()
        .filter(kind=SourceKind.AREAS, owner=owner, sha256=digest)
        .filter(pk__in=SubArea.objects.filter(kommun=kommun).values("dataset"))
        .first()
    )
    if earlier is not None:  # the same file drew this kommun's areas already
        return ImportResult(earlier, already_imported=True)
    found = read_areas(data, file_name=file_name, kommun=kommun, owner=owner, progress=progress)
    with transaction.atomic():
        dataset = _new_dataset(
            SourceKind.AREAS,
            title or _("Areas of %(kommun)s: %(file)s") % {"kommun": kommun, "file": file_name},
            file_name,
            digest,
            owner,
            user,
        )[0]
        created = updated = 0
        for number, (name, geometry) in enumerate(found.areas.items(), start=1):
            _area, was_created = SubArea.objects.update_or_create(
                kommun=kommun,
                name=name,
                defaults={"geometry": geometry, "kind": kind, "dataset_id": dataset.pk},
            )
            created += was_created
            updated += not was_created
            progress(number, len(found.areas))
        _finish(
            dataset,
            found.rejected,
            read=found.read,
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
        return _("coordinates that cannot be read")
    if not points:
        return _("no coordinates")
    if not (min(lats) >= 54 and max(lats) <= 70 and min(lons) >= 10 and max(lons) <= 25):
        return _("coordinates outside Sweden, or not in WGS 84 (longitude, latitude)")
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
    """Survey results (trygghetsmätning, LUPP, SCB's per län, the kommun's own) per area,
    question and year: see :mod:`samverka.sources.survey_import`."""
    from samverka.sources.survey_import import import_survey as survey

    return survey(data, file_name=file_name, mapping=mapping, owner=owner, user=user, title=title)


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
    if (earlier := _earlier(kind, owner, digest, mapping)) is not None:
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
        dataset, replaced = _new_dataset(
            kind,
            title or _("Events: %(file)s") % {"file": file_name},
            file_name,
            digest,
            owner,
            user,
            mapping,
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
    return ImportResult(dataset, replaced=replaced)


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
