"""The lägesbild overview of one kommun with five years of demo data.

Goal (issue 6): the workspace page of a kommun with at least 25,000 events with
positions renders in under 300 ms median, warm, on SQLite and on PostgreSQL. "Warm"
is the second and later requests: the overview's figures are then read from the cache
until a source changes. The cold figure (the overview computed from the events, the
cache emptied before each request) is printed beside it, with its own goal of 1 s.

Runs itself once on SQLite and once on PostgreSQL when a server answers on
127.0.0.1:5432 (set BENCH_PG_URL to use another). Prints
`BENCH <name> <measured> <goal> ok|short` lines.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from situation_common import (  # noqa: E402
    PG_URL,
    line,
    postgres_answers,
    seed_positioned_events,
    time_workspace,
)

REQUESTS = 15


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
        from samverka.agreements.models import Agreement, AgreementStatus
        from samverka.organizations.models import Organization
        from samverka.sources.models import Event

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
        events = Event.objects.count()
        print(
            f"== {vendor}: {events:,} events with positions in {kommun}, 2021–2025 "
            f"(generated in {time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        cold, warm = time_workspace(agreement, kommun, cold_runs=5, warm_runs=REQUESTS)
        print(f"   cold: median {cold:.0f} ms; warm: median {warm:.0f} ms")
        line(f"situation_overview_warm_{vendor}", warm, 300, "ms")
        line(f"situation_overview_cold_{vendor}", cold, 1000, "ms")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    if os.environ.get("BENCH_SITUATION_CHILD"):
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
                    "TEST_DATABASE_NAME": "samverka_bench_situation",
                },
            )
        )
    else:
        print("   PostgreSQL does not answer: the bench runs on SQLite only")
    for _vendor, env in runs:
        env = {**env, "BENCH_SITUATION_CHILD": "1"}
        subprocess.run([sys.executable, __file__], env=env, check=True)  # noqa: S603 - ourselves


if __name__ == "__main__":
    main()
