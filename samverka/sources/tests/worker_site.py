"""A samverka site of its own on disk, with a real ``manage.py db_worker``: for the test of a
worker killed mid-import (test_worker_killed.py) and the bench of hostile files.

Everything runs in subprocesses with ``samverka.settings`` (the database task backend),
on a SQLite file in a temporary directory, or on PostgreSQL when ``database_url`` is
given, so that the worker, the test and "the web" share one database.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]

SETUP = """
import json
from samverka.tenancy.access import Role
from samverka.organizations.models import County
from samverka.tenancy.models import Membership
from samverka.sources.models import ColumnMapping, PeriodKind, SourceKind
from samverka.testing import make_kommun, make_user

county = County.objects.create(code="08", name="Kalmar län")
kommun = make_kommun("Oskarshamn", "0882", county)
user = make_user("coordinator@test.example", "Cora")
Membership.objects.create(user=user, organization=kommun, role=Role.COORDINATOR)
ColumnMapping.objects.create(
    name="events", owner=kommun, kind=SourceKind.EVENT_TABLE, kommun=kommun, id_column="id",
    date_column="datum", category_column="typ", place_column="plats",
    description_column="beskrivning", categories={"Klotter": "damage.graffiti"},
)
ColumnMapping.objects.create(
    name="statistics", owner=kommun, area_column="area", period_column="year",
    period_kind=PeriodKind.YEAR, category_column="crime_type", value_column="count",
    kommun=kommun, categories={"misshandel": "person.assault", "alla_brott": ""},
)
"""

ENQUEUE = """
import json
from samverka.accounts.models import User
from samverka.sources.models import ColumnMapping, ImportJob
from samverka.sources.tasks import run_import
spec = json.loads(SPEC)
user = User.objects.get(email="coordinator@test.example")
mapping = ColumnMapping.objects.filter(name=spec["mapping"]).first() if spec["mapping"] else None
job = ImportJob.objects.create(
    kind=spec["kind"], owner=user.memberships.first().organization, file_name=spec["name"],
    mapping=mapping, stored_path=spec["path"], created_by=user,
)
run_import.enqueue(job.pk)
print("JOB", job.pk)
"""

STATE = """
import json
from django.test import Client
from samverka.accounts.models import User
from samverka.sources.models import Dataset, Event, ImportJob, RejectedRow, Statistic
job = ImportJob.objects.get(pk=JOB_ID)
if LOOK:
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(email="coordinator@test.example"))
    response = client.get(job.get_absolute_url())  # as a user looking at the job's page
    assert response.status_code == 200, response.status_code
    job.refresh_from_db()
print("STATE", json.dumps({
    "status": job.status, "message": job.message, "progress": job.current_progress,
    "datasets": Dataset.objects.count(), "events": Event.objects.count(),
    "statistics": Statistic.objects.count(), "rejected": RejectedRow.objects.count(),
    "upload_exists": __import__("os").path.exists(job.stored_path),
    "rows_imported": job.dataset.rows_imported if job.dataset else None,
}))
"""


class Site:
    def __init__(self, directory: Path, database_url: str = "", **settings: str) -> None:
        self.directory = directory
        self.uploads = directory / "uploads"
        self.uploads.mkdir(parents=True, exist_ok=True)
        clean = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "TASK_BACKEND"}
        }
        self.env = {
            **clean,
            "DJANGO_SETTINGS_MODULE": "samverka.settings",
            "SAMVERKA_VAR_DIR": str(directory),
            "UPLOAD_DIR": str(self.uploads),
            "PYTHONPATH": str(ROOT),
            **settings,
        }
        if database_url:
            self.env["DATABASE_URL"] = database_url

    def manage(self, *args: str, timeout: float = 600) -> str:
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)}: {result.stdout}{result.stderr}")
        return result.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code)

    def prepare(self) -> None:
        self.manage("migrate", "--no-input")
        self.shell(SETUP)

    def enqueue(self, kind: str, path: Path, name: str, mapping: str = "") -> int:
        spec = json.dumps({"kind": kind, "path": str(path), "name": name, "mapping": mapping})
        out = self.shell(f"SPEC = {spec!r}\n" + ENQUEUE)
        return int(out.split("JOB", 1)[1].split()[0])

    def state(self, job_id: int, *, look: bool = False) -> dict[str, Any]:
        out = self.shell(f"JOB_ID = {job_id}\nLOOK = {look}\n" + STATE)
        return dict(json.loads(out.split("STATE", 1)[1]))

    def start_worker(self, *extra: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
                "--no-startup-delay",
                "--no-reload",  # one process: the one killed is the one importing
                *extra,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    @staticmethod
    def kill(worker: subprocess.Popen[bytes]) -> None:
        """kill -9: the worker (its own process group) gets no chance to clean up anything."""
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)


def postgres_database(name: str) -> str:
    """A fresh database ``name`` on the server of DATABASE_URL, for a worker and its test."""
    import psycopg

    url = os.environ["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name
