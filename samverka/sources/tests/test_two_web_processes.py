"""Two web processes behind one address (a load balancer's view): they share one database,
one Redis and one upload directory, and a ``manage.py db_worker`` imports for both.

A coordinator signs in on the first, uploads an event table there; the worker imports it,
and the second shows the import's progress, its end and the dataset's figures with the
first's session cookie. A value cached by one process is read by another.

Runs on a SQLite file (WAL) of its own, or on PostgreSQL in a database of its own when
DATABASE_URL says so. Needs the ``redis`` package (requirements.txt) and ``redis-server``;
skipped, saying why, without them.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from samverka.sources.tests.test_worker_killed import event_table
from samverka.sources.tests.worker_site import ROOT, Site, postgres_database

ROWS = 300_000
EMAIL = "coordinator@test.example"
PASSWORD = "a-long-test-password"  # samverka.testing.PASSWORD, as make_user sets it

pytestmark = [
    pytest.mark.skipif(
        importlib.util.find_spec("redis") is None,
        reason="the redis package is not installed (pip install -r requirements.txt)",
    ),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the process on port {port} ended"
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise AssertionError(f"nothing answered on port {port}")


@contextlib.contextmanager
def running(
    args: list[str], env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(  # noqa: S603
        args,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)


class Browser:
    """One person's browser: one cookie jar, used against either web process."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, port: int, path: str) -> tuple[str, str]:
        """The page's final address (after redirects) and its HTML."""
        with self.opener.open(f"http://127.0.0.1:{port}{path}", timeout=60) as response:
            return response.geturl(), response.read().decode()

    def post(
        self,
        port: int,
        path: str,
        fields: dict[str, str],
        file: tuple[str, str, bytes] | None = None,
    ) -> tuple[str, str]:
        url = f"http://127.0.0.1:{port}{path}"
        fields = {"csrfmiddlewaretoken": self.csrf(), **fields}
        headers = {"Referer": url}
        if file is None:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            boundary = uuid.uuid4().hex
            disposition = f"--{boundary}\r\nContent-Disposition: form-data"
            parts = [
                f'{disposition}; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
            ]
            name, filename, content = file
            parts.append(
                f'{disposition}; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        with self.opener.open(request, timeout=120) as response:
            return response.geturl(), response.read().decode()


def test_two_web_processes_share_the_session_the_import_and_the_cache(tmp_path: Path) -> None:
    database_url = ""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        name = os.environ.get("TEST_DATABASE_NAME", "samverka_test") + "_scale"
        database_url = postgres_database(name)
    redis_port = free_port()
    site = Site(tmp_path, database_url, REDIS_URL=f"redis://127.0.0.1:{redis_port}/0")
    redis_server = [
        shutil.which("redis-server") or "redis-server",
        "--port",
        str(redis_port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    with running(redis_server) as redis:
        wait_for_port(redis_port, redis)
        site.prepare()
        ids = site.shell(
            "from samverka.sources.models import ColumnMapping\n"
            "m = ColumnMapping.objects.get(name='events')\n"
            "print('IDS', m.pk, m.owner_id)"
        )
        mapping_id, owner_id = ids.split("IDS", 1)[1].split()[:2]

        # The cache is one: a value set by one process is read by another.
        site.shell("from django.core.cache import cache; cache.set('scale-test', 'delad', 600)")
        shared = site.shell("from django.core.cache import cache; print(cache.get('scale-test'))")
        assert shared.strip().splitlines()[-1] == "delad"

        first, second = free_port(), free_port()
        web = [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks"]
        with (
            running([*web, f"127.0.0.1:{first}"], site.env) as web_1,
            running([*web, f"127.0.0.1:{second}"], site.env) as web_2,
            running(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--interval",
                    "0.2",
                    "--no-startup-delay",
                ],
                site.env,
            ),
        ):
            wait_for_port(first, web_1)
            wait_for_port(second, web_2)
            browser = Browser()

            # Signed in on the first process ...
            browser.get(first, "/konto/logga-in/")
            url, _ = browser.post(
                first, "/konto/logga-in/", {"username": EMAIL, "password": PASSWORD}
            )
            assert "logga-in" not in url, "the sign-in failed"
            # ... and so on the second (the session is in the shared database).
            url, _ = browser.get(second, "/kallor/importera/")
            assert url.endswith("/kallor/importera/")

            # An upload on the first.
            upload = tmp_path / "handelser.csv"
            event_table(upload, ROWS)
            browser.get(first, "/kallor/importera/")
            url, _ = browser.post(
                first,
                "/kallor/importera/",
                {
                    "kind": "event_table",
                    "mapping": mapping_id,
                    "owner": owner_id,
                    "visibility": "internal",
                    "title": "Händelser",
                },
                ("file", "handelser.csv", upload.read_bytes()),
            )
            job_path = urllib.parse.urlparse(url).path
            assert re.fullmatch(r"/kallor/import/\d+/", job_path), url

            # The import's progress and its end, read on the second.
            progress: list[int] = []
            page = ""
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                _, page = browser.get(second, job_path)
                if '<meta http-equiv="refresh"' not in page:
                    break
                found = re.search(r'<progress max="100" value="(\d+)"', page)
                if found:
                    progress.append(int(found.group(1)))
                time.sleep(0.2)
            dataset = re.search(r'href="(/kallor/\d+/)"', page)
            assert dataset, f"the import did not end with a dataset: {page[-2000:]}"
            # The running job was read on the second process (its progress bar at least
            # once; how far it had come depends on the machine's speed), never going back.
            assert progress, "the running import was never seen on the second process"
            assert all(0 <= p <= 100 for p in progress), progress
            assert progress == sorted(progress), "progress went backwards"

            # The figures of the import, on the second.
            _, page = browser.get(second, dataset.group(1))
            assert "300\N{NO-BREAK SPACE}000" in page, "the number of imported rows is not shown"
