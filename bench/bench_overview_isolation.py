"""One party's large internal import must not slow another kommun's lägesbild.

Goal (issue 12, point 7): after another organization imported 4.8 million internal
events (reported: Oskarshamn's uncached overview then took 3.1 s instead of 0.15 s),
a kommun's cold overview (cache emptied; the best of seven, as the machine is shared)
takes at most 1.2x its time without them, in the same run: the overview's queries touch only the chosen sources' rows.

The kommun is Oskarshamn with five years of the demo generator's events (about 25,000
with positions, its LPO's and its own EST register); the other party is Västervik,
whose internal dataset of BENCH_OTHER_EVENTS (default 4,800,000; BENCH_QUICK=1 takes
1,000,000) events over the same years in Västervik is imported as an upload is (the
event-table import of a generated CSV). The overview is timed right after the import,
before autovacuum has looked at the table (it is off for the table during the bench):
the worst moment. The query plans of the overview's event queries are printed. PostgreSQL only (BENCH_PG_URL,
default 127.0.0.1:5432); skipped with a note when no server answers.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from situation_common import (  # noqa: E402
    PG_URL,
    postgres_answers,
    seed_positioned_events,
    time_workspace,
)

QUICK = bool(os.environ.get("BENCH_QUICK"))
OTHER_EVENTS = int(os.environ.get("BENCH_OTHER_EVENTS", "1000000" if QUICK else "4800000"))
RUNS = 7


def import_other_party(other: Any) -> Any:
    """OTHER_EVENTS internal events of ``other`` in its own kommun, 2021–2025, imported
    as an upload is (the event-table import); the dataset."""
    from django.db import connection

    from samverka.sources import services
    from samverka.sources.models import ColumnMapping, SourceKind
    from samverka.taxonomy.models import Category
    from samverka.tenancy.access import Visibility

    codes = list(Category.objects.current().values_list("code", flat=True))
    mapping = ColumnMapping.objects.create(
        name="intern (bench)",
        owner=other,
        kind=SourceKind.EVENT_TABLE,
        kommun=other,
        id_column="id",
        date_column="datum",
        time_column="tid",
        category_column="typ",
        x_column="lat",
        y_column="lon",
        categories={f"Typ {n}": code for n, code in enumerate(codes)},
    )
    rng = np.random.default_rng(7)
    started = time.perf_counter()
    days = rng.integers(0, 5 * 365, size=OTHER_EVENTS)
    minutes = rng.integers(0, 24 * 60, size=OTHER_EVENTS)
    types = rng.integers(0, len(codes), size=OTHER_EVENTS)
    lat = (other.latitude or 57.76) + rng.normal(0, 0.012, size=OTHER_EVENTS)
    lon = (other.longitude or 16.64) + rng.normal(0, 0.022, size=OTHER_EVENTS)
    first = dt.date(2021, 1, 1).toordinal()
    dates = [dt.date.fromordinal(first + d).isoformat() for d in range(5 * 365)]
    out = io.StringIO()
    out.write("id;datum;tid;typ;lat;lon\n")
    for number, (day, minute, kind, la, lo) in enumerate(
        zip(
            days.tolist(), minutes.tolist(), types.tolist(), lat.tolist(), lon.tolist(), strict=True
        )
    ):
        out.write(
            f"i{number};{dates[day]};{minute // 60:02d}:{minute % 60:02d};Typ {kind};"
            f"{la:.5f};{lo:.5f}\n"
        )
    data = out.getvalue().encode()
    del out
    built = time.perf_counter()
    # The state right after the import, before autovacuum has looked at the table.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE sources_event SET (autovacuum_enabled = false)")
    result = services.import_event_table(
        data, file_name="intern.csv", mapping=mapping, owner=other, title="Interna händelser"
    )
    dataset = result.dataset
    dataset.visibility = Visibility.INTERNAL
    dataset.agreement = None
    dataset.save()
    print(
        f"   {dataset.rows_imported:,} internal events of the other party imported in "
        f"{time.perf_counter() - built:.0f} s ({built - started:.0f} s to make the CSV)",
        flush=True,
    )
    return dataset


def slowest_queries(picture_id: int) -> None:
    """The slowest queries of one cold overview, the slowest with its plan."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samverka.situation import overview
    from samverka.situation.models import SituationPicture

    picture = SituationPicture.objects.get(pk=picture_id)
    from samverka.situation import services

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        services.live_figures(picture, overview.Filters(picture.period_start, picture.period_end))
    slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
    for query in slowest:
        print(f"   {float(query['time']) * 1000:.0f} ms: {query['sql'][:400]}")


def explain(picture_id: int) -> None:
    """The plans of the overview's event queries, as PostgreSQL runs them now."""
    from django.db import connection

    from samverka.situation import overview, services
    from samverka.situation.models import SituationPicture

    picture = SituationPicture.objects.get(pk=picture_id)
    dataset_ids = services.used_dataset_ids(picture)
    filters = overview.Filters(picture.period_start, picture.period_end)
    low, high = overview._bounds(filters.start, filters.end)
    queries = {
        "events of the kommun": overview._event_query(dataset_ids).filter(
            kommun=picture.kommun, occurred_at__gte=low, occurred_at__lt=high
        ),
        "county and nation": overview._event_query(dataset_ids)
        .filter(occurred_at__gte=low, occurred_at__lt=high, kommun__isnull=False)
        .values_list("dataset_id", "kommun_id", "category_id"),
    }
    with connection.cursor() as cursor:
        for label, query in queries.items():
            sql, params = query.query.sql_with_params()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
            print(f"   plan, {label}:")
            for (row,) in cursor.fetchall()[:14]:
                print(f"      {row}")


def main() -> None:
    if not postgres_answers():
        print("   PostgreSQL does not answer: the isolation bench is skipped")
        return
    os.environ["DATABASE_URL"] = PG_URL
    os.environ["TEST_DATABASE_NAME"] = "samverka_bench_isolation"
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
        from samverka.organizations.models import Organization
        from samverka.situation.models import SituationPicture
        from samverka.sources.models import Event

        kommun = Organization.objects.get(municipality_code="0882")
        other = Organization.objects.get(municipality_code="0883")
        lpo = Organization.objects.get(slug="lpo-vastervik")
        agreement = Agreement.objects.create(
            title="Samverkansavtal Oskarshamn",
            starts_on=dt.date(2021, 1, 1),
            ends_on=dt.date(2027, 12, 31),
            status=AgreementStatus.SIGNED,
        )
        agreement.parties.set([kommun, lpo])
        seed_positioned_events(agreement, kommun, lpo)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Event._meta.db_table}")
        own = Event.objects.count()
        without, _warm = time_workspace(
            agreement, kommun, cold_runs=RUNS, warm_runs=1, statistic=min
        )
        print(
            f"== postgresql: {own:,} events of Oskarshamn's sources; cold best of {RUNS} {without:.0f} ms"
        )

        import_other_party(other)
        with_other, _warm = time_workspace(
            agreement, kommun, cold_runs=RUNS, warm_runs=1, statistic=min
        )
        print(
            f"   with {OTHER_EVENTS:,} internal events of Västervik: cold best of {RUNS} {with_other:.0f} ms "
            f"({with_other / without:.2f}x)",
            flush=True,
        )
        latest = SituationPicture.objects.filter(kommun=kommun).latest("pk").pk
        slowest_queries(latest)
        explain(latest)
        ratio = with_other / without
        print(
            f"BENCH overview_cold_with_other_party_large_import {ratio:.2f}x 1.2x "
            f"{'ok' if ratio <= 1.2 else 'short'}",
            flush=True,
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
