"""One kommun's lägesbild overview with a national load on PostgreSQL.

Goals: with all 290 kommuner, 10 years and at least 15 million events, one kommun's
overview stays under 500 ms on PostgreSQL warm (figures cached until a source changes;
issue 6) and under 1 s cold (computed from the events, the cache emptied first; issue 13).

The load has the demo generator's category mix (:func:`demo_events.police_shares`),
about 143 events per 1 000 inhabitants a year in every kommun, positions scattered
around each kommun's centre and times spread over the decade; it is drawn with numpy
and loaded with COPY, since the per-event generator would take an hour for 15 million.
BENCH_NATIONAL_EVENTS changes the size. PostgreSQL only (BENCH_PG_URL, default
127.0.0.1:5432); skipped with a note when no server answers.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from situation_common import PG_URL, line, postgres_answers, time_workspace  # noqa: E402

EVENTS = int(os.environ.get("BENCH_NATIONAL_EVENTS", "15000000"))
CHUNK = 1_000_000


def main() -> None:
    if not postgres_answers():
        print("   PostgreSQL does not answer: the national bench is skipped")
        return
    os.environ["DATABASE_URL"] = PG_URL
    os.environ["TEST_DATABASE_NAME"] = "samverka_bench_national"
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverka.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("load_reference_data", stdout=io.StringIO())
        from samverka.agreements.models import Agreement, AgreementStatus
        from samverka.demo import events as demo_events
        from samverka.organizations.models import Organization, OrganizationKind
        from samverka.sources.models import Dataset, DatasetStatus, Event
        from samverka.taxonomy.models import Category
        from samverka.tenancy.access import Visibility

        kommuner = list(
            Organization.objects.filter(kind=OrganizationKind.KOMMUN)
            .exclude(latitude__isnull=True)
            .values_list("pk", "county_id", "latitude", "longitude", "population")
        )
        national = Organization.objects.get(slug="polismyndigheten")
        dataset = Dataset.objects.create(
            kind="event_table",
            title="Nationell last (bench)",
            owner=national,
            visibility=Visibility.PUBLIC,
            published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            status=DatasetStatus.DONE,
        )
        shares = demo_events.police_shares()
        codes = dict(Category.objects.current().values_list("code", "pk"))
        category_ids = np.array([codes[c] for c in shares], dtype=np.int64)
        weights = np.array(list(shares.values()))
        populations = np.array([k[4] or 1 for k in kommuner], dtype=np.float64)
        rng = np.random.default_rng(1)
        start = int(dt.datetime(2016, 1, 1, tzinfo=dt.UTC).timestamp())
        end = int(dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp())
        table = Event._meta.db_table
        columns = (
            "dataset_id, source, external_id, occurred_at, time_precision, category_id, "
            "source_type, place_precision, latitude, longitude, kommun_id, county_id, "
            "place_name, description"
        )
        began = time.perf_counter()
        written = 0
        with connection.cursor() as cursor:
            # A bench load, not an import: foreign keys are known good (no per-row
            # trigger), and the secondary indexes are built once at the end.
            cursor.execute("SET synchronous_commit TO off")
            cursor.execute("SET session_replication_role TO replica")
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
                [table],
            )
            secondary = cursor.fetchall()
            for name, _definition in secondary:
                cursor.execute(f'DROP INDEX "{name}"')
            while written < EVENTS:
                n = min(CHUNK, EVENTS - written)
                which = rng.choice(len(kommuner), size=n, p=populations / populations.sum())
                category = category_ids[rng.choice(len(weights), size=n, p=weights)]
                epoch = rng.integers(start, end, size=n)
                lat = np.array([kommuner[i][2] for i in range(len(kommuner))])[which]
                lon = np.array([kommuner[i][3] for i in range(len(kommuner))])[which]
                lat = lat + rng.normal(0, 0.012, size=n)
                lon = lon + rng.normal(0, 0.022, size=n)
                stamps = np.array(epoch, dtype="datetime64[s]").astype(str).tolist()
                places = [f"{k[0]}\t{k[1] if k[1] else chr(92) + 'N'}" for k in kommuner]
                built = time.perf_counter()
                text = "".join(
                    f"{dataset.pk}\tevent_table\tn{number}\t{stamp}+00\texact\t{cat}\tbench\t"
                    f"exact\t{la:.5f}\t{lo:.5f}\t{places[w]}\t\t\n"
                    for number, stamp, cat, la, lo, w in zip(
                        range(written, written + n),
                        stamps,
                        category.tolist(),
                        lat.tolist(),
                        lon.tolist(),
                        which.tolist(),
                        strict=True,
                    )
                )
                copy_started = time.perf_counter()
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    copy.write(text)
                written += n
                print(
                    f"   {written:,} events loaded ({time.perf_counter() - began:.0f} s; "
                    f"this chunk: {copy_started - built:.1f} s text, "
                    f"{time.perf_counter() - copy_started:.1f} s COPY)",
                    flush=True,
                )
            indexing = time.perf_counter()
            for _name, definition in secondary:
                cursor.execute(definition)
            cursor.execute("SET session_replication_role TO DEFAULT")
            cursor.execute(f"ANALYZE {table}")
            print(f"   indexes built in {time.perf_counter() - indexing:.0f} s", flush=True)
        dataset.rows_read = dataset.rows_imported = written
        dataset.save()

        kommun = Organization.objects.get(municipality_code="0882")
        lpo = Organization.objects.get(slug="lpo-vastervik")
        agreement = Agreement.objects.create(
            title="Samverkansavtal Oskarshamn",
            starts_on=dt.date(2021, 1, 1),
            ends_on=dt.date(2027, 12, 31),
            status=AgreementStatus.SIGNED,
        )
        agreement.parties.set([kommun, lpo])
        cold, warm = time_workspace(agreement, kommun, cold_runs=3, warm_runs=10)
        print(
            f"== postgresql, national: {written:,} events in {len(kommuner)} kommuner; "
            f"cold median {cold:.0f} ms, warm median {warm:.0f} ms"
        )
        line("situation_overview_national_warm_postgresql", warm, 500, "ms")
        # Issue 13: computed without the cache, one kommun's overview under the national
        # load answers in a second.
        line("situation_overview_national_cold_postgresql", cold, 1000, "ms")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
