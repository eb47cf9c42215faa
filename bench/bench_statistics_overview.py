"""The lägesbild overview with reported-crime statistics beside the events.

Goal (issue 13, point 1): the overview of a kommun with about 30,000 positioned events
(five years of the demo generator's police events and EST reports) and five years of
monthly reported-crime statistics in 40 categories (Brå-like rows, with Brå's total of
all crime, for the kommun and the other kommuner of its county, so that the county and
Sweden are computed too) is computed without the cache (cold: ``overview.build``, the
best of seven as the machine is shared) in at most 300 ms, on SQLite and on PostgreSQL
when a server answers on 127.0.0.1:5432 (BENCH_PG_URL). The warm figure (the figures
read from the cache, as the page reads them until a source changes) is printed beside
it, with the statistics section's own cold time.

Prints `BENCH <name> <measured> <goal> ok|short` lines.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from situation_common import PG_URL, line, postgres_answers, seed_positioned_events  # noqa: E402

RUNS = 7
CATEGORIES = 40
FIRST, MONTHS = dt.date(2021, 1, 1), 60


def seed_statistics(agreement: Any, kommun: Any) -> Any:
    """Five years of monthly reported crimes in 40 categories (and the total of all
    crime) for ``kommun`` and the other kommuner of its county: one shared dataset."""
    from samverka.lib.dates import add_months
    from samverka.organizations.models import Organization, OrganizationKind
    from samverka.sources.models import (
        Dataset,
        DatasetStatus,
        PeriodKind,
        SourceKind,
        Statistic,
    )
    from samverka.taxonomy.models import Category
    from samverka.tenancy.access import Visibility

    codes = list(Category.objects.current().order_by("code").values_list("pk", flat=True))
    mapped = [codes[index % len(codes)] for index in range(CATEGORIES)]
    kommuner = list(
        Organization.objects.filter(kind=OrganizationKind.KOMMUN, county_id=kommun.county_id)
    )
    dataset = Dataset.objects.create(
        kind=SourceKind.CRIME_STATISTICS,
        title="Anmälda brott per månad (bench)",
        owner=kommun,
        agreement=agreement,
        visibility=Visibility.SHARED,
        period_start=FIRST,
        period_end=add_months(FIRST, MONTHS) - dt.timedelta(days=1),
        status=DatasetStatus.DONE,
        progress=100,
    )
    rows = []
    for place in kommuner:
        for month_index in range(MONTHS):
            month = add_months(FIRST, month_index)
            values = [3 + (month_index * 7 + c * 13 + place.pk) % 40 for c in range(CATEGORIES)]
            for number, (category, value) in enumerate(zip(mapped, values, strict=True)):
                rows.append(
                    Statistic(
                        dataset=dataset,
                        kommun=place,
                        period_kind=PeriodKind.MONTH,
                        period_start=month,
                        category_id=category,
                        source_category=f"brottstyp {number}",
                        value=value,
                    )
                )
            rows.append(
                Statistic(
                    dataset=dataset,
                    kommun=place,
                    period_kind=PeriodKind.MONTH,
                    period_start=month,
                    category_id=None,
                    source_category="Samtliga brott",
                    value=sum(values) + 100,
                )
            )
    Statistic.objects.bulk_create(rows, batch_size=5000)
    return dataset, len(kommuner), len(rows)


def run_one() -> None:
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
    vendor = connection.vendor
    try:
        call_command("load_reference_data", stdout=io.StringIO())
        from django.core.cache import cache

        from samverka.accounts.models import User
        from samverka.agreements.models import Agreement, AgreementStatus
        from samverka.organizations.models import Organization
        from samverka.situation import overview, services, statistics
        from samverka.sources.models import Event
        from samverka.tenancy.access import Role
        from samverka.tenancy.models import Membership

        kommun = Organization.objects.get(municipality_code="0882")
        lpo = Organization.objects.get(slug="lpo-vastervik")
        agreement = Agreement.objects.create(
            title="Samverkansavtal Oskarshamn",
            starts_on=dt.date(2021, 1, 1),
            ends_on=dt.date(2027, 12, 31),
            status=AgreementStatus.SIGNED,
        )
        agreement.parties.set([kommun, lpo])
        started = time.perf_counter()
        seed_positioned_events(agreement, kommun, lpo)
        _dataset, places, rows = seed_statistics(agreement, kommun)
        print(
            f"== {vendor}: {Event.objects.count():,} events in {kommun}, 2021–2025, and "
            f"{rows:,} monthly statistics rows ({CATEGORIES} categories, {places} kommuner) "
            f"(generated in {time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        user = User.objects.create_user("bench@test.example", "x" * 12)
        Membership.objects.create(user=user, organization=kommun, role=Role.COORDINATOR)
        picture = services.start_picture(
            agreement,
            kommun,
            kommun,
            dt.date(2025, 1, 1),
            dt.date(2025, 12, 31),
            "Lägesbild 2025",
            user,
        )
        ids = services.used_dataset_ids(picture)
        filters = overview.Filters(picture.period_start, picture.period_end)
        figures = overview.build(kommun, ids, filters)
        assert figures["statistics"]["rows"], "the statistics reach the overview"
        assert figures["statistics"]["months"]["upper"], "with control limits"

        cpu: dict[str, float] = {}

        def best(run: Any, name: str = "") -> float:
            times, spent = [], []
            for _ in range(RUNS):
                begun, begun_cpu = time.perf_counter(), time.process_time()
                run()
                times.append((time.perf_counter() - begun) * 1000)
                spent.append((time.process_time() - begun_cpu) * 1000)
            cpu[name] = min(spent)
            return min(times)

        cold = best(lambda: overview.build(kommun, ids, filters), "cold")
        section = best(lambda: statistics.build(kommun, ids, filters), "section")
        cache.clear()
        services.live_figures(picture, filters)
        warm = best(lambda: services.live_figures(picture, filters))
        print(
            f"   cold overview: best {cold:.0f} ms (statistics section {section:.0f} ms); "
            f"warm (cached): best {warm:.1f} ms"
        )
        print(
            f"   CPU time of this process (the machine is shared): cold overview "
            f"{cpu['cold']:.0f} ms, statistics section {cpu['section']:.0f} ms"
        )
        line(f"statistics_overview_cold_{vendor}", cold, 300, "ms")
        line(f"statistics_overview_warm_{vendor}", warm, 300, "ms")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    if os.environ.get("BENCH_STATISTICS_CHILD"):
        run_one()
        return
    runs = [("sqlite", {k: v for k, v in os.environ.items() if k != "DATABASE_URL"})]
    if postgres_answers():
        runs.append(
            (
                "postgresql",
                {
                    **os.environ,
                    "DATABASE_URL": PG_URL,
                    "TEST_DATABASE_NAME": "samverka_bench_statistics13",
                },
            )
        )
    else:
        print("   PostgreSQL does not answer: the bench runs on SQLite only")
    for _vendor, env in runs:
        env = {**env, "BENCH_STATISTICS_CHILD": "1"}
        subprocess.run([sys.executable, __file__], env=env, check=True)  # noqa: S603 - ourselves


if __name__ == "__main__":
    main()
