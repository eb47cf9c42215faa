"""Writing many events fast, the same result on SQLite and PostgreSQL.

Events come as pyarrow tables of :data:`SCHEMA` (one row per external id), chunk by
chunk. A row whose (source, id) is not stored yet is inserted; a newer version (a
later publication time) of a stored one replaces it; the rest count as unchanged.
Never a save per row:

- PostgreSQL: the chunks are encoded column-wise in ``COPY``'s text format and sent
  in one ``COPY`` straight into the table (:class:`EventWriter` with ``direct``; into
  a table without its foreign keys and plain indexes when the import is at least as
  large as the table, see :func:`_postgresql_drop_keys_and_indexes`); when
  an id turns out to be stored already, the caller rolls back to its savepoint and
  writes again with ``direct=False``: each chunk is copied into a temporary table and
  merged with ``INSERT … ON CONFLICT DO UPDATE … WHERE newer``.
- SQLite: one prepared ``INSERT`` run over the chunk's rows (``executemany``); as on
  PostgreSQL, when an id turns out to be stored already, the caller rolls back and
  writes again with ``INSERT … ON CONFLICT DO UPDATE … WHERE newer``. When an import
  brings at least as many rows as the table holds, the table's plain (not unique)
  indexes are dropped first and created again at the end, inside the same
  transaction: building an index by sorting is several times quicker than inserting
  into it row by row.

A stored event belongs to the organization whose dataset stored it first: the merge
updates only rows of datasets of the importing dataset's owner (on PostgreSQL ``WHERE
newer AND owned``; on SQLite such ids are left out of the merge's rows); an id stored
by another organization is left as it is and reported as a conflict
(:attr:`WriteCounts.conflicts`, :meth:`EventWriter.take_conflicts`), for the import to
list among its rejected rows. Found by one join of the chunk's ids with the unique
index, in the merge only: a direct ``COPY`` or ``INSERT`` meets no stored id.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from itertools import repeat
from operator import attrgetter
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

from samverka.sources.models import Dataset, Event


@dataclass(frozen=True)
class EventRow:
    external_id: str
    occurred_at: dt.datetime
    time_precision: str
    published_at: dt.datetime | None
    category_id: int | None
    source_type: str
    place_precision: str
    latitude: float | None
    longitude: float | None
    kommun_id: int | None
    county_id: int | None
    place_name: str
    description: str


COLUMNS = [f.name for f in fields(EventRow)]
UPDATABLE = [c for c in COLUMNS if c != "external_id"]
_TIMESTAMP = pa.timestamp("us", "UTC")
SCHEMA = pa.schema(
    [
        ("external_id", pa.string()),
        ("occurred_at", _TIMESTAMP),
        ("time_precision", pa.string()),
        ("published_at", _TIMESTAMP),
        ("category_id", pa.int64()),
        ("source_type", pa.string()),
        ("place_precision", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("kommun_id", pa.int64()),
        ("county_id", pa.int64()),
        ("place_name", pa.string()),
        ("description", pa.string()),
    ]
)
assert SCHEMA.names == COLUMNS  # noqa: S101  (the two lists must not drift apart)


def rows_to_table(rows: Sequence[EventRow]) -> pa.Table:
    """Event rows as a table of :data:`SCHEMA` (aware datetimes become UTC instants)."""
    values = list(zip(*map(attrgetter(*COLUMNS), rows), strict=True)) if rows else []
    return pa.table(
        {
            name: pa.array(values[i] if values else [], type=SCHEMA.field(name).type)
            for i, name in enumerate(COLUMNS)
        },
        schema=SCHEMA,
    )


@dataclass
class WriteCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    # Ids stored by another organization's dataset: neither moved nor rewritten.
    conflicts: list[str] = field(default_factory=list)

    def add(self, other: WriteCounts) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.conflicts.extend(other.conflicts)


class AlreadyStored(Exception):
    """A direct ``COPY`` met an id stored before: write again with ``direct=False``."""


_TABLE = Event._meta.db_table
# After an import of at least this many new events, PostgreSQL's statistics of the
# events table are gathered again at once (ANALYZE), inside the import's transaction.
ANALYZE_AFTER_ROWS = 20_000
_INSERTED = ["dataset_id", "source", *COLUMNS]
_NEWER = "{new}.published_at IS NOT NULL AND ({old}.published_at IS NULL OR {new}.published_at > {old}.published_at)"  # noqa: E501
_DATASETS = Dataset._meta.db_table
# The stored row's dataset belongs to the importing owner (the parameter).
_OWNED = f"EXISTS (SELECT 1 FROM {_DATASETS} d WHERE d.id = {{old}}.dataset_id AND d.owner_id = {{owner}})"  # noqa: E501, S608


def _owner_of(dataset_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT owner_id FROM {_DATASETS} WHERE id = %s", [dataset_id])  # noqa: S608
        (owner_id,) = cursor.fetchone()
    return int(owner_id)


class EventWriter:
    """Writes chunks of events for one dataset and source; :meth:`close` gives the counts.

    Must run inside a transaction (the caller's savepoint, see the module's doc).
    """

    def __init__(
        self, dataset_id: int, source: str, *, direct: bool = True, expected_rows: int = 0
    ) -> None:
        self.dataset_id = dataset_id
        self.expected_rows = expected_rows
        self._to_restore: list[str] | None = None
        self.source = source
        self.postgresql = connection.vendor == "postgresql"
        self.direct = direct
        self.counts = WriteCounts()
        self._reported = 0
        self._copy: Any = None
        self._copy_context: Any = None
        self._cursor: Any = None

    def write(self, events: pa.Table) -> None:
        """Write one chunk: ids unique within it (see ``event_table.last_of_each_id``)."""
        if len(events) == 0:
            return
        if not self.postgresql:
            if self._to_restore is None:
                self._to_restore = _sqlite_drop_indexes(self.expected_rows)
            self.counts.add(_sqlite_write(self.dataset_id, self.source, events, self.direct))
        elif self.direct:
            if self._to_restore is None:
                self._to_restore = _postgresql_drop_keys_and_indexes(self.expected_rows)
            self._send(_copy_text(events, self.dataset_id, self.source))
            self.counts.new += len(events)
        else:
            self.counts.add(_postgresql_merge(self.dataset_id, self.source, events))

    def take_conflicts(self) -> list[str]:
        """The ids met since the last call that another organization's dataset holds."""
        new = self.counts.conflicts[self._reported :]
        self._reported = len(self.counts.conflicts)
        return new

    def _send(self, payload: bytes) -> None:
        import psycopg

        try:
            if self._copy is None:
                self._cursor = connection.cursor()
                raw = self._cursor.cursor
                sql = f"COPY {_TABLE} ({', '.join(_INSERTED)}) FROM STDIN"
                # Sending blocks while the server is behind (memory stays bounded); the
                # next chunk is read and checked meanwhile (see services._checked_ahead).
                self._copy_context = raw.copy(sql)
                self._copy = self._copy_context.__enter__()
            self._copy.write(payload)
        except psycopg.errors.UniqueViolation as exc:
            self.abort(exc)
            raise AlreadyStored from exc

    def abort(self, exc: BaseException) -> None:
        """End an open ``COPY`` after a failure, so that the savepoint can roll back."""
        context, self._copy, self._copy_context = self._copy_context, None, None
        if context is not None:
            # The COPY failed already, or its caller did: that error is the one raised.
            with contextlib.suppress(Exception):
                context.__exit__(type(exc), exc, exc.__traceback__)
        if self._cursor is not None:
            self._cursor.close()
            self._cursor = None

    def close(self) -> WriteCounts:
        if self._copy_context is not None:
            import psycopg  # only here: on SQLite its import alone took 0.2 s of an import

            context, self._copy, self._copy_context = self._copy_context, None, None
            try:
                context.__exit__(None, None, None)
            except psycopg.errors.UniqueViolation as exc:
                raise AlreadyStored from exc
            finally:
                self._cursor.close()
                self._cursor = None
        if self._to_restore:
            # Built again from the rows now stored; a foreign key is checked by one join.
            with connection.cursor() as cursor:
                for sql in self._to_restore:
                    cursor.execute(sql)
            self._to_restore = []
        if self.postgresql and self.counts.new >= ANALYZE_AFTER_ROWS:
            # The planner's statistics, as they are after the rows: without them it takes
            # the chosen datasets for the whole table until autovacuum runs, and another
            # kommun's overview read millions of rows it did not need (issue 12).
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {_TABLE}")
        return self.counts


def write_events(
    dataset_id: int,
    source: str,
    rows: Sequence[EventRow],
    progress: Callable[[int], None] | None = None,
    batch: int = 10_000,
) -> WriteCounts:
    """Insert or update ``rows`` (ids unique within the call) for ``source``.

    Runs its own savepoint so that a direct ``COPY`` meeting stored ids can start again
    as a merge; ``progress(rows written)`` after each batch.
    """
    from django.db import transaction

    for direct in (True, False):
        try:
            with transaction.atomic():
                writer = EventWriter(dataset_id, source, direct=direct)
                for start in range(0, len(rows), batch):
                    writer.write(rows_to_table(rows[start : start + batch]))
                    if progress:
                        progress(min(start + batch, len(rows)))
                return writer.close()
        except AlreadyStored:
            continue
    raise AssertionError("unreachable: the merge never raises AlreadyStored")


# --- PostgreSQL ----------------------------------------------------------------------


def _escape(values: pa.Array) -> pa.Array:
    """Text for COPY's text format: backslash, tab, newline and carriage return escaped."""
    if not pc.any(pc.match_substring_regex(values, r"[\\\t\n\r]")).as_py():
        return values
    for raw, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        values = pc.replace_substring(values, raw, escaped)
    return values


def _copy_text(events: pa.Table, dataset_id: int, source: str) -> bytes:
    """The chunk in COPY's text format, built column-wise (no Python loop over rows)."""
    n = len(events)
    columns: list[pa.Array] = [
        pa.repeat(pa.scalar(str(dataset_id)), n),
        pa.repeat(pa.scalar(_escape(pa.array([source]))[0].as_py()), n),
    ]
    for name in COLUMNS:
        values = events[name].combine_chunks()
        is_text = pa.types.is_string(values.type)
        text = _escape(values) if is_text else pc.cast(values, pa.string())
        if values.null_count:
            text = pc.fill_null(text, "\\N")
        columns.append(text)
    lines = pc.binary_join_element_wise(*columns, "\t")
    lines = pc.binary_join_element_wise(lines, "\n", "")
    _validity, offsets_buffer, data = lines.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[lines.offset :]
    start, end = int(offsets[0]), int(offsets[len(lines)])
    return data.slice(start, end - start).to_pybytes()


def _outgrows_table(expected_rows: int) -> bool:
    """Whether an import is large (20,000 rows or more) and at least as large as the
    events stored: then the table's indexes (and on PostgreSQL its foreign keys) are
    dropped while it writes and built again at the end."""
    if expected_rows < 20_000:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {_TABLE}")  # noqa: S608
        (stored,) = cursor.fetchone()
    return bool(stored <= expected_rows)


def _postgresql_drop_keys_and_indexes(expected_rows: int) -> list[str]:
    """Drop the events' foreign keys and plain indexes when the import is at least as
    large as the table; the statements that add them again.

    As PostgreSQL's manual advises for a bulk load ("Populating a Database"): a foreign
    key checked row by row cost more than the COPY itself, and added again it is checked
    for all rows by one join. Inside the import's transaction, so a failure restores
    them; the table is locked against reading until the import commits, which only a
    load larger than all stored events does.
    """
    if not _outgrows_table(expected_rows):
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [_TABLE],
        )
        keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisunique AND NOT x.indisprimary "
            "ORDER BY i.relname",
            [_TABLE],
        )
        indexes = cursor.fetchall()
        # Pending checks of rows written earlier in the transaction (the dataset's own)
        # would forbid the ALTER: they are run now, as Django's check_constraints does.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for name, _definition in keys:
            cursor.execute(f'ALTER TABLE {_TABLE} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    return [
        *(definition for _name, definition in indexes),
        *(
            f'ALTER TABLE {_TABLE} ADD CONSTRAINT "{name}" {definition}'
            for name, definition in keys
        ),
    ]


_STAGING = "samverka_event_staging"


def _postgresql_merge(dataset_id: int, source: str, events: pa.Table) -> WriteCounts:
    columns = ", ".join(COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in ["dataset_id", *UPDATABLE])
    newer = _NEWER.format(new="EXCLUDED", old=_TABLE)
    owned = _OWNED.format(old=_TABLE, owner="%s")
    owner_id = _owner_of(dataset_id)
    with connection.cursor() as cursor:
        cursor.execute(  # names from the model and this module, never from input
            f"CREATE TEMP TABLE IF NOT EXISTS {_STAGING} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {', '.join(_INSERTED)} FROM {_TABLE} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {_STAGING}")
        with cursor.cursor.copy(f"COPY {_STAGING} ({', '.join(_INSERTED)}) FROM STDIN") as copy:
            copy.write(_copy_text(events, dataset_id, source))
        # Names come from the model and this module, never from input. Ids another
        # organization's dataset holds are conflicts: that row is neither moved nor
        # rewritten (the same condition guards the update).
        owned_by_stored = _OWNED.format(old="e", owner="%s")
        cursor.execute(
            f"SELECT s.external_id FROM {_STAGING} s JOIN {_TABLE} e "  # noqa: S608
            "ON e.source = s.source AND e.external_id = s.external_id "
            f"WHERE NOT {owned_by_stored}",
            [owner_id],
        )
        conflicts = [external_id for (external_id,) in cursor.fetchall()]
        cursor.execute(
            f"WITH written AS (INSERT INTO {_TABLE} ({', '.join(_INSERTED)}) "  # noqa: S608
            f"SELECT dataset_id, source, {columns} FROM {_STAGING} "
            f"ON CONFLICT (source, external_id) DO UPDATE SET {updates} "
            f"WHERE {newer} AND {owned} "
            "RETURNING (xmax = 0) AS inserted) "
            "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) "
            "FROM written",
            [owner_id],
        )
        new, updated = cursor.fetchone()
    return WriteCounts(new, updated, len(events) - new - updated - len(conflicts), conflicts)


# --- SQLite --------------------------------------------------------------------------


def _sqlite_drop_indexes(expected_rows: int) -> list[str]:
    """Drop the events' plain indexes when the import is at least as large as the table;
    the statements that create them again."""
    if not _outgrows_table(expected_rows):
        return []
    connection.ensure_connection()
    raw = connection.connection
    indexes = raw.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'",
        (_TABLE,),
    ).fetchall()
    for name, _sql in indexes:
        raw.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in indexes]


@functools.cache
def _clock() -> pa.Array:
    """ "HH:MM:SS" for each second of a day, at its index."""
    two_digits = pa.array([f"{i:02d}" for i in range(60)], pa.string())
    second = np.arange(86_400)
    return pc.binary_join_element_wise(
        two_digits.take(pa.array(second // 3600)),
        two_digits.take(pa.array(second // 60 % 60)),
        two_digits.take(pa.array(second % 60)),
        ":",
    )


def _sqlite_datetimes(values: pa.ChunkedArray) -> list[str | None]:
    """As Django's SQLite backend stores datetimes: UTC, no zone, "YYYY-MM-DD HH:MM:SS[.ffffff]".

    Built from each distinct day and the second of the day (pyarrow's cast of a
    timestamp to text took a quarter of an import's time): the day's text once per day,
    the clock's from a table of the day's 86,400 seconds.
    """
    if values.null_count == len(values):
        return [None] * len(values)
    valid = pc.is_valid(values)
    micros = pc.fill_null(pc.cast(values, pa.int64()), 0).to_numpy(zero_copy_only=False)
    seconds = micros // 1_000_000
    days, of_day = np.divmod(seconds, 86_400)
    distinct, at = np.unique(days, return_inverse=True)
    day_text = pa.array(np.datetime_as_string(distinct.astype("datetime64[D]")).tolist())
    text_array = pc.binary_join_element_wise(
        day_text.take(pa.array(at.reshape(-1))), _clock().take(pa.array(of_day)), " "
    )
    if values.null_count:
        text_array = pc.if_else(valid, text_array, pa.scalar(None, pa.string()))
    text: list[str | None] = text_array.to_pylist()
    fractions = micros % 1_000_000
    for i in np.flatnonzero(fractions).tolist():
        text[i] = f"{text[i]}.{int(fractions[i]):06d}"
    return text


def _same_value(column: pa.ChunkedArray) -> tuple[Any] | None:
    """(the value,) when every row of ``column`` holds the same one (or none), else None.

    Such columns (the kommun, the precision, an empty description, no publication
    time) are common; building a Python list of a value per row cost more than the check.
    """
    if column.null_count == len(column):
        return (None,)
    if column.null_count or not (
        pa.types.is_string(column.type) or pa.types.is_integer(column.type)
    ):
        return None
    low, high = (value.as_py() for value in pc.min_max(column).values())
    return (low,) if low == high else None


def _sqlite_write(dataset_id: int, source: str, events: pa.Table, direct: bool) -> WriteCounts:
    # Python values for 20,000 rows at a time: memory follows that, not the chunk.
    counts = WriteCounts()
    for start in range(0, len(events), 20_000):
        batch = events.slice(start, 20_000)
        counts.add(_sqlite_write_batch(dataset_id, source, batch, direct))
    return counts


def _sqlite_write_batch(
    dataset_id: int, source: str, events: pa.Table, direct: bool
) -> WriteCounts:
    values: list[Iterable[Any]] = []
    for name in COLUMNS:
        column = events[name]
        if name != "external_id" and (same := _same_value(column)) is not None:
            values.append(repeat(same[0]))  # one value for every row: no list of them
        elif pa.types.is_timestamp(column.type):
            values.append(_sqlite_datetimes(column))
        else:
            values.append(column.to_pylist())
    params: Iterable[tuple[Any, ...]] = zip(repeat(dataset_id), repeat(source), *values)
    placeholders = ", ".join(["?"] * len(_INSERTED))
    # Names come from the model and this module, never from input.
    sql = f"INSERT INTO {_TABLE} ({', '.join(_INSERTED)}) VALUES ({placeholders})"  # noqa: S608
    connection.ensure_connection()
    raw = connection.connection
    if direct:  # a plain INSERT is quicker; a stored id ends it (see the module's doc)
        try:
            raw.executemany(sql, params)
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" not in str(exc):
                raise
            raise AlreadyStored from exc
        return WriteCounts(new=len(events))
    updates = ", ".join(f"{c} = excluded.{c}" for c in ["dataset_id", *UPDATABLE])
    newer = _NEWER.format(new="excluded", old=_TABLE)
    # Ids another organization's dataset holds are conflicts: their rows are not sent,
    # so that row is neither moved nor rewritten. (The import holds SQLite's write lock:
    # no other writer can store an id between this query and the INSERT.)
    owned_by_stored = _OWNED.format(old="e", owner=_owner_of(dataset_id))
    conflicts = [
        external_id
        for (external_id,) in raw.execute(
            f"SELECT e.external_id FROM json_each(?) j CROSS JOIN {_TABLE} e "  # noqa: S608
            f"ON e.source = ? AND e.external_id = j.value WHERE NOT {owned_by_stored}",
            (json.dumps(values[0]), source),
        )
    ]
    if conflicts:
        taken = set(conflicts)
        params = (p for p in params if p[2] not in taken)  # (dataset, source, id, …)
    sql += f" ON CONFLICT (source, external_id) DO UPDATE SET {updates} WHERE {newer}"
    (before,) = raw.execute(f"SELECT coalesce(max(id), 0) FROM {_TABLE}").fetchone()  # noqa: S608
    changed = raw.executemany(sql, params).rowcount
    (new,) = raw.execute(f"SELECT count(*) FROM {_TABLE} WHERE id > ?", (before,)).fetchone()  # noqa: S608
    return WriteCounts(new, changed - new, len(events) - changed - len(conflicts), conflicts)
