"""Signed-in users against gunicorn and PostgreSQL on this machine.

Goals (issue 12, point 7): with the start page, a lägesbild (a draft's workspace, its
overview computed from the events), an åtgärdsplan and a public summary in the mix,

- 50 signed-in users each waiting 1–2 s between requests for 60 s: p95 at most 300 ms
  and no errors (any status but 200, a timeout or a refused connection);
- closed loop (50 users, no waiting) for 30 s: at least 120 requests/s.

The bench makes its own database (samverka_bench_load: migrate, load_reference_data,
load_demo with the 81k real Police events), publishes the demo's adopted pictures,
creates 50 users (ten in each demo kommun, signed in by a session made for each, as
the sign-in form would) and starts gunicorn on a free loopback port with production
settings (SAMVERKA_MODE=production, DEBUG off, the manifest static files; the load
client says X-Forwarded-Proto: https, as the proxy in front would). The client is
asyncio (aiohttp) in this process. Both are stopped at the end, whatever happens.

BENCH_QUICK=1 halves the phases; BENCH_LOAD_WORKERS and BENCH_LOAD_THREADS change
gunicorn's processes and threads; BENCH_LOAD_KEEP=1 keeps the database; BENCH_LOAD_ROOT
serves another checkout (to compare before and after a change). PostgreSQL
only (BENCH_PG_URL, default 127.0.0.1:5432); skipped with a note when no server answers.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Another checkout of samverka to serve (to compare before and after a change).
APP = Path(os.environ.get("BENCH_LOAD_ROOT", str(ROOT))).resolve()
POLICE_FILE = (
    ROOT.parent / "shared" / "data" / "polisen_events" / "events_2023-03_2026-08_dedup.json.gz"
)
sys.path.insert(0, str(Path(__file__).resolve().parent))
from situation_common import PG_URL, postgres_answers  # noqa: E402

DATABASE = "samverka_bench_load"
QUICK = bool(os.environ.get("BENCH_QUICK"))
USERS = 50
OPEN_SECONDS = 30 if QUICK else 60
CLOSED_SECONDS = 15 if QUICK else 30
WARMUP_SECONDS = 10
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_LOAD_THREADS", "4"))
TIMEOUT = 30


def database_url() -> str:
    return PG_URL.rsplit("/", 1)[0] + "/" + DATABASE


def server_env(static_root: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "TEST_DATABASE_NAME", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "SAMVERKA_MODE": "production",
            "SECRET_KEY": "bench-load-only-" + "k" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url(),
            "SECURE_PROXY_SSL_HEADER": "true",
            "STATIC_ROOT": static_root,
            "LOG_LEVEL": "WARNING",
            "TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "PYTHONPATH": str(APP),
        }
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - this interpreter, the project's manage.py
        [sys.executable, str(APP / "manage.py"), *args],
        cwd=APP,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"   manage.py {args[0]}: {time.perf_counter() - started:.0f} s", flush=True)


def make_database(env: dict[str, str]) -> None:
    import psycopg

    admin = PG_URL.replace("postgres://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    manage(env, "migrate", "--noinput")
    manage(env, "load_reference_data")
    manage(env, "load_demo", *(["--events", str(POLICE_FILE)] if POLICE_FILE.is_file() else []))
    manage(env, "collectstatic", "--noinput")


def drop_database() -> None:
    import psycopg

    admin = PG_URL.replace("postgres://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def prepare_users() -> None:
    """In a Django process on the bench's database: publish the adopted pictures, make
    the users and their sessions; prints, as JSON, each user's session and pages."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from samverka.accounts.models import User
    from samverka.plans.models import ActionPlan
    from samverka.situation import services
    from samverka.situation.models import SituationPicture
    from samverka.tenancy.access import Role
    from samverka.tenancy.models import Membership

    admin = User.objects.filter(is_superuser=True).first()
    pages_by_kommun: dict[int, list[str]] = {}
    for adopted in SituationPicture.objects.filter(status="adopted").order_by("pk"):
        summary = services.publish_summary(adopted, "Lägesbilden i korthet.", admin)  # type: ignore[arg-type]
        draft = (
            SituationPicture.objects.filter(kommun=adopted.kommun, status="draft")
            .order_by("pk")
            .first()
        )
        plan = ActionPlan.objects.filter(kommun=adopted.kommun).order_by("pk").first()
        assert draft is not None and plan is not None, adopted.kommun
        pages_by_kommun[adopted.kommun_id] = [
            "/",
            draft.get_absolute_url(),
            plan.get_absolute_url(),
            summary.get_absolute_url(),
        ]
    kommuner = sorted(pages_by_kommun)
    users = []
    for n in range(USERS):
        kommun_id = kommuner[n % len(kommuner)]
        user = User.objects.create_user(f"last{n}@bench.example", "bench-load-" + "x" * 8)
        Membership.objects.create(user=user, organization_id=kommun_id, role=Role.MEMBER)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        users.append({"session": session.session_key, "pages": pages_by_kommun[kommun_id]})
    print(json.dumps(users))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "samverka.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--worker-class",
        "gthread" if THREADS > 1 else "sync",
        "--threads",
        str(THREADS),
        "--timeout",
        "60",
        "--preload",
    ]
    handle = log.open("wb")
    server = subprocess.Popen(  # noqa: S603 - gunicorn of this venv, loopback only
        command, cwd=APP, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"gunicorn ended with {server.returncode}: {log.read_text()[-2000:]}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


async def load(
    base: str, users: list[dict], seconds: float, wait: tuple[float, float] | None
) -> tuple[list[float], list[str], float, dict[str, list[float]]]:
    """Every user requests its pages in turn until ``seconds`` have passed, waiting
    ``wait`` seconds (uniform) between requests, or not at all."""
    import aiohttp

    latencies: list[float] = []
    errors: list[str] = []
    by_page: dict[str, list[float]] = {"start": [], "lägesbild": [], "plan": [], "public": []}
    kinds = list(by_page)
    timeout = aiohttp.ClientTimeout(total=TIMEOUT)
    connector = aiohttp.TCPConnector(limit=0)
    begun = time.perf_counter()
    end = begun + seconds
    async with aiohttp.ClientSession(
        timeout=timeout, connector=connector, cookie_jar=aiohttp.DummyCookieJar()
    ) as client:

        async def user(number: int, info: dict) -> None:
            rng = random.Random(number)
            headers = {
                "Cookie": f"sessionid={info['session']}",
                "X-Forwarded-Proto": "https",
                "Accept-Language": "sv",
            }
            step = rng.randrange(4)
            if wait:  # spread the users' first requests over the first waiting time
                await asyncio.sleep(rng.uniform(0, wait[1]))
            while time.perf_counter() < end:
                kind = step % 4
                url = base + info["pages"][kind]
                step += 1
                started = time.perf_counter()
                try:
                    async with client.get(url, headers=headers, allow_redirects=False) as response:
                        await response.read()
                        if response.status != 200:
                            errors.append(f"{response.status} {url}")
                except (aiohttp.ClientError, TimeoutError) as exc:
                    errors.append(f"{type(exc).__name__} {url}")
                elapsed = (time.perf_counter() - started) * 1000
                latencies.append(elapsed)
                by_page[kinds[kind]].append(elapsed)
                if wait:
                    await asyncio.sleep(rng.uniform(*wait))

        await asyncio.gather(*(user(n, info) for n, info in enumerate(users)))
    return latencies, errors, time.perf_counter() - begun, by_page


def server_cpu_seconds(server: subprocess.Popen[bytes]) -> float:
    """CPU seconds used so far by gunicorn (its master and workers) and by PostgreSQL's
    backends serving the bench's database: with the requests served, the cost of one
    request whatever else the machine runs at the same time."""
    import psycopg

    pids = {server.pid}
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == server.pid:  # the parent's pid
            pids.add(int(status.parent.name))
    admin = PG_URL.replace("postgres://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [DATABASE]
        ).fetchall()
    pids.update(pid for (pid,) in rows)
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def describe(label: str, latencies: list[float], seconds: float, by_page: dict) -> None:
    print(
        f"   {label}: {len(latencies)} requests in {seconds:.0f} s ({len(latencies) / seconds:.1f}/s); "
        f"p50 {statistics.median(latencies):.0f} ms, p95 {percentile(latencies, 95):.0f} ms, "
        f"max {max(latencies):.0f} ms",
        flush=True,
    )
    for page, values in by_page.items():
        if values:
            print(
                f"      {page}: p50 {statistics.median(values):.0f} ms, "
                f"p95 {percentile(values, 95):.0f} ms ({len(values)})",
                flush=True,
            )


def main() -> int:
    if not postgres_answers():
        print("   PostgreSQL does not answer: the load bench is skipped")
        return 0
    static_root = tempfile.mkdtemp(prefix="samverka-bench-static-")
    env = server_env(static_root)
    server = None
    try:
        make_database(env)
        out = subprocess.run(  # noqa: S603 - ourselves
            [sys.executable, __file__, "--prepare"],
            cwd=APP,
            env={**env, "DJANGO_SETTINGS_MODULE": "samverka.settings"},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        users = json.loads(out.strip().splitlines()[-1])
        port = free_port()
        log = Path(static_root) / "gunicorn.log"
        server = start_gunicorn(env, port, log)
        base = f"http://127.0.0.1:{port}"
        print(f"   gunicorn: {WORKERS} workers x {THREADS} threads on {base}", flush=True)

        _lat, warm_errors, _s, _p = asyncio.run(load(base, users, WARMUP_SECONDS, (0.2, 0.5)))
        if warm_errors:
            print(f"   warm-up errors: {warm_errors[:5]}", flush=True)

        cpu = server_cpu_seconds(server)
        latencies, errors, seconds, by_page = asyncio.run(load(base, users, OPEN_SECONDS, (1, 2)))
        describe(f"{USERS} users waiting 1–2 s", latencies, seconds, by_page)
        p95 = percentile(latencies, 95)
        cpu_open = server_cpu_seconds(server) - cpu
        closed, closed_errors, closed_seconds, closed_pages = asyncio.run(
            load(base, users, CLOSED_SECONDS, None)
        )
        describe(f"{USERS} users closed loop", closed, closed_seconds, closed_pages)
        cpu_closed = server_cpu_seconds(server) - cpu - cpu_open
        per_request = (cpu_open + cpu_closed) * 1000 / (len(latencies) + len(closed))
        print(
            f"   server CPU (gunicorn and PostgreSQL): {per_request:.1f} ms per request "
            f"(at most {2000 / per_request:.0f} requests/s on two free cores; load average "
            f"{os.getloadavg()[0]:.1f} during the run)",
            flush=True,
        )
        for error in (errors + closed_errors)[:10]:
            print(f"   error: {error}", flush=True)
        rps = len(closed) / closed_seconds
        print(f"BENCH load_p95_50_users {p95:.0f}ms 300ms {'ok' if p95 <= 300 else 'short'}")
        print(f"BENCH load_errors {len(errors)} 0 {'ok' if not errors else 'short'}")
        print(
            f"BENCH load_closed_loop_errors {len(closed_errors)} 0 "
            f"{'ok' if not closed_errors else 'short'}"
        )
        print(f"BENCH load_closed_loop_rps {rps:.0f}/s >=120/s {'ok' if rps >= 120 else 'short'}")
        return 0
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(static_root, ignore_errors=True)
        if not os.environ.get("BENCH_LOAD_KEEP"):
            drop_database()


if __name__ == "__main__":
    if sys.argv[1:] == ["--prepare"]:
        prepare_users()
    else:
        sys.exit(main())
