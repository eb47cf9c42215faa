"""What the two lägesbild benches share: the goal line, whether PostgreSQL answers,
and timing the workspace page of a picture, cold (cache emptied) and warm."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/test")


def line(name: str, measured: float, goal: float, unit: str) -> None:
    ok = measured <= goal
    print(f"BENCH {name} {measured:.0f}{unit} {goal:g}{unit} {'ok' if ok else 'short'}", flush=True)


def postgres_answers() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_URL.replace("postgres://", "postgresql://"), connect_timeout=3):
            return True
    except Exception:
        return False


def seed_positioned_events(agreement: Any, kommun: Any, lpo: Any) -> None:
    """About 30,000 events of 2021–2025 in ``kommun``: the police's positioned events
    (at least 25,000 with exact places) and the kommun's EST reports, as the lägesbild
    benches measure."""
    from samverka.situation.tests.factories import event_dataset
    from samverka.sources.models import Event

    seed = 0
    while Event.objects.filter(place_precision="exact").count() < 25_000:
        seed += 1
        event_dataset(
            lpo,
            kommun,
            dt.date(2021, 1, 1),
            dt.date(2025, 12, 31),
            agreement=agreement,
            seed=seed,
        )
    event_dataset(
        kommun,
        kommun,
        dt.date(2021, 1, 1),
        dt.date(2025, 12, 31),
        agreement=agreement,
        kind="est",
    )


def time_workspace(
    agreement: Any,
    kommun: Any,
    *,
    cold_runs: int,
    warm_runs: int,
    email: str = "bench@test.example",
    statistic: Callable[[list[float]], float] = statistics.median,
) -> tuple[float, float]:
    """Median (or ``statistic``) milliseconds of the 2025 lägesbild page of ``kommun``:
    (cold, warm)."""
    from django.core.cache import cache
    from django.test import Client

    from samverka.accounts.models import User
    from samverka.situation import services
    from samverka.tenancy.access import Role
    from samverka.tenancy.models import Membership

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, "x" * 12)
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
    client = Client()
    client.force_login(user)
    url = picture.get_absolute_url()

    def timed() -> float:
        begun = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - begun
        assert response.status_code == 200, response.status_code
        return elapsed * 1000

    cold = []
    for _ in range(cold_runs):
        cache.clear()
        cold.append(timed())
    timed()  # warm the cache
    warm = [timed() for _ in range(warm_runs)]
    return statistic(cold), statistic(warm)
