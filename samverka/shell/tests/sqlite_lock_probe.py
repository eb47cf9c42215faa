"""Run by test_sqlite_lock in a process of its own, with the embedded mode's settings and a
file SQLite database: while another connection holds a long write transaction (as an
import does), sign in and read pages, and print what happened as JSON."""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
import time

import django

HOLD = float(sys.argv[1])


class _NoMigrations(dict[str, None]):
    """Every app without migrations: the tables are made directly (fast), no data."""

    def __contains__(self, item: object) -> bool:
        return True

    def __getitem__(self, item: str) -> None:
        return None


def main() -> None:
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from samverka.accounts.models import User

    settings.MIGRATION_MODULES = _NoMigrations()
    call_command("migrate", run_syncdb=True, verbosity=0)
    User.objects.create_user("cora@test.example", "ett-långt-lösen-42", first_name="Cora")
    signed_in = Client(HTTP_HOST="localhost", raise_request_exception=False)
    signed_in.force_login(User.objects.get())
    signed_in.get("/")  # the first request imports and compiles what every page needs

    locked, released = threading.Event(), threading.Event()

    def import_like_writer() -> None:
        db = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        db.execute("UPDATE accounts_user SET title = 'importing'")
        locked.set()
        time.sleep(HOLD)
        db.execute("COMMIT")
        released.set()
        db.close()

    writer = threading.Thread(target=import_like_writer)
    writer.start()
    locked.wait()
    result: dict[str, object] = {}

    def read_a_page() -> None:
        start = time.monotonic()
        response = signed_in.get("/")
        result["page"] = [response.status_code, round(time.monotonic() - start, 1)]

    # Both at once, while the writer holds the lock.
    reader = threading.Thread(target=read_a_page)
    reader.start()
    start = time.monotonic()
    response = Client(HTTP_HOST="localhost", raise_request_exception=False).post(
        "/konto/logga-in/", {"username": "cora@test.example", "password": "ett-långt-lösen-42"}
    )
    result["sign_in"] = [response.status_code, round(time.monotonic() - start, 1)]
    reader.join()
    result["writer_done_first"] = released.is_set()
    writer.join()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
