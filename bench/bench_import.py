"""Import speed and memory, against a bare COPY of the same rows in the same run.

Goals (issue 4): 1,000,000 mapped event rows from CSV into PostgreSQL in at most 2x
the time of a bare COPY of the same rows into a table of the same shape; into
SQLite at least 100,000 rows/s; the 81,444 real Police events in under 10 s on
either database; peak memory flat as the file grows (1M rows in ~500 MB).

Run with `make bench` (BENCH_ROWS changes the size; DATABASE_URL selects PostgreSQL,
else SQLite). Prints `BENCH <name> <measured> <goal> ok|short` lines.
"""

from __future__ import annotations

import io
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverka.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
POLICE_FILE = (
    ROOT.parent / "shared" / "data" / "polisen_events" / "events_2023-03_2026-08_dedup.json.gz"
)


def line(name: str, measured: float, goal: float, unit: str, higher_is_better: bool) -> None:
    ok = measured >= goal if higher_is_better else measured <= goal
    print(f"BENCH {name} {measured:.2f}{unit} {goal:g}{unit} {'ok' if ok else 'short'}", flush=True)


def make_csv(rows: int) -> bytes:
    rng = random.Random(1)
    out = io.StringIO()
    out.write("id;datum;tid;typ;lat;lon;plats\n")
    for n in range(rows):
        lat = 57.2646 + rng.gauss(0, 0.01)
        lon = 16.4484 + rng.gauss(0, 0.02)
        out.write(
            f"e{n};2025-{1 + n % 12:02d}-{1 + n % 28:02d};{n % 24:02d}:{n % 60:02d};Klotter;"
            f"{lat:.5f};{lon:.5f};Plats {n % 50}\n"
        )
    return out.getvalue().encode()


def main() -> None:
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    vendor = connection.vendor
    try:
        call_command("load_reference_data", stdout=io.StringIO())
        from samverka.organizations.models import Organization
        from samverka.sources import services
        from samverka.sources.models import ColumnMapping, Event, SourceKind

        kommun = Organization.objects.get(municipality_code="0882")
        mapping = ColumnMapping.objects.create(
            name="bench",
            owner=kommun,
            kind=SourceKind.EVENT_TABLE,
            kommun=kommun,
            id_column="id",
            date_column="datum",
            time_column="tid",
            category_column="typ",
            x_column="lat",
            y_column="lon",
            place_column="plats",
            categories={"Klotter": "damage.graffiti"},
        )
        data = make_csv(ROWS)
        print(f"== {vendor}: {ROWS:,} rows, {len(data) / 1e6:.0f} MB of CSV", flush=True)

        if POLICE_FILE.is_file():
            owner = Organization.objects.get(slug="polismyndigheten")
            started = time.perf_counter()
            services.import_police_events(
                POLICE_FILE.read_bytes(), file_name="p.json.gz", owner=owner
            )
            line(f"police_events_81444_{vendor}", time.perf_counter() - started, 10, "s", False)

        started = time.perf_counter()
        result = services.import_event_table(
            data, file_name="bench.csv", mapping=mapping, owner=kommun
        )
        ours = time.perf_counter() - started
        assert result.dataset.rows_imported == ROWS, result.dataset.rows_rejected
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"   samverka import: {ours:.2f} s ({ROWS / ours:,.0f} rows/s), peak RSS {peak_mb:.0f} MB"
        )
        line(f"event_table_peak_memory_{vendor}", peak_mb, 500, "MB", False)

        if vendor == "postgresql":
            table = Event._meta.db_table
            columns = (
                "dataset_id, source, external_id, occurred_at, time_precision, category_id, "
                "source_type, place_precision, latitude, longitude, kommun_id, place_name, description"
            )
            buffer = io.StringIO()
            for n in range(ROWS):
                buffer.write(
                    f"{result.dataset.pk}\tx\tb{n}\t2025-01-01 12:00:00+00\texact\t\\N\tKlotter\texact\t57.26\t16.44\t{kommun.pk}\tPlats\t\n"
                )
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE TEMP TABLE bench_copy (LIKE {table} INCLUDING ALL)")
                started = time.perf_counter()
                with cursor.cursor.copy(f"COPY bench_copy ({columns}) FROM STDIN") as copy:
                    copy.write(buffer.getvalue())
                bare = time.perf_counter() - started
            print(f"   bare COPY: {bare:.2f} s ({ROWS / bare:,.0f} rows/s)")
            line("event_table_vs_copy_postgresql", ours / bare, 2, "x", False)
        else:
            line("event_table_rows_per_s_sqlite", ROWS / ours, 100_000, "", True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
