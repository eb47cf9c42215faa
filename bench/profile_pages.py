"""CPU per request of the four pages of the load bench, in this process (no server, no
client): a signed-in member of a demo kommun asks for the start page, a lägesbild (a
draft's workspace), a plan and a public summary; each page is asked for once to warm
the caches, then N times, timed with the process's CPU clock, its queries counted.

Run against a demo database (make demo, or the load bench's with BENCH_LOAD_KEEP=1),
after ``manage.py collectstatic`` into var/profile-static (STATIC_ROOT):
    DATABASE_URL=postgres://…/samverka_bench_load python bench/profile_pages.py [N]
PROFILE_PAGE=lägesbild adds cProfile's top functions of that page (PROFILE_SQL=1 its
queries).
The machine is shared: CPU time of this process is what a request costs, whatever
else runs. Production settings (DEBUG off) unless DEBUG is set.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

# PROFILE_ROOT: another checkout to measure (to compare before and after a change).
ROOT = Path(os.environ.get("PROFILE_ROOT", str(Path(__file__).resolve().parents[1])))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverka.settings")
os.environ.setdefault("SAMVERKA_MODE", "production")
os.environ.setdefault("SECRET_KEY", "profile-only-" + "k" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_PROXY_SSL_HEADER", "true")
# The manifest of collected static files (manage.py collectstatic with this STATIC_ROOT).
os.environ.setdefault("STATIC_ROOT", str(ROOT / "var" / "profile-static"))


def main() -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from samverka.accounts.models import User
    from samverka.plans.models import ActionPlan
    from samverka.situation import services
    from samverka.situation.models import PublishedSummary, SituationPicture
    from samverka.tenancy.access import Role
    from samverka.tenancy.models import Membership

    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    adopted = SituationPicture.objects.filter(status="adopted").order_by("pk").first()
    assert adopted is not None, "no adopted lägesbild: load the demo first"
    admin = User.objects.filter(is_superuser=True).first()
    summary = PublishedSummary.objects.filter(picture=adopted).first()
    if summary is None:
        summary = services.publish_summary(adopted, "Lägesbilden i korthet.", admin)  # type: ignore[arg-type]
    draft = (
        SituationPicture.objects.filter(kommun=adopted.kommun, status="draft")
        .order_by("pk")
        .first()
    )
    plan = ActionPlan.objects.filter(kommun=adopted.kommun).order_by("pk").first()
    assert draft is not None and plan is not None
    user, _created = User.objects.get_or_create(email="profile@bench.example")
    Membership.objects.get_or_create(
        user=user, organization_id=adopted.kommun_id, defaults={"role": Role.MEMBER}
    )
    client = Client(HTTP_X_FORWARDED_PROTO="https", secure=True)
    client.force_login(user)
    pages = {
        "start": "/",
        "lägesbild": draft.get_absolute_url(),
        "plan": plan.get_absolute_url(),
        "public": summary.get_absolute_url(),
    }
    total = 0.0
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        queries: list[str] = []

        def counting(execute, sql, params, many, context, queries=queries):  # type: ignore[no-untyped-def]
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            client.get(url)
        if os.environ.get("PROFILE_PAGE") == name:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _n in range(rounds):
                client.get(url)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
            if os.environ.get("PROFILE_SQL"):
                print("\n".join(queries))
        started = time.process_time()
        for _n in range(rounds):
            client.get(url)
        cpu = (time.process_time() - started) * 1000 / rounds
        total += cpu
        print(
            f"{name:10} {cpu:6.1f} ms CPU per request, {len(queries):3d} queries,"
            f" {len(response.content) // 1024:4d} KB  {url}",
            flush=True,
        )
    print(f"{'mix':10} {total / len(pages):6.1f} ms CPU per request (mean of the four)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
