"""A real ``manage.py db_worker`` killed with SIGKILL in the middle of writing a large import:
the job ends as failed with a Swedish message once its heartbeat has stopped, nothing of
the file is in the database, and the upload is removed; a new worker imports the next file.

Runs on a SQLite file database of its own (or on PostgreSQL when DATABASE_URL is set,
in a database of its own on that server), shared by the worker and the test.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from samverka.sources.tests.worker_site import Site, postgres_database

ROWS = 1_200_000


def event_table(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("id;datum;typ;plats;beskrivning\n")
        for start in range(0, rows, 100_000):
            out.write(
                "".join(
                    f"e{n};2024-{n % 12 + 1:02d}-{n % 28 + 1:02d};Klotter;Centrum;Klotter på vägg\n"
                    for n in range(start, min(start + 100_000, rows))
                )
            )


def test_a_worker_killed_mid_write_leaves_a_failed_job_no_rows_and_no_upload(
    tmp_path: Path,
) -> None:
    database_url = ""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        name = os.environ.get("TEST_DATABASE_NAME", "samverka_test") + "_worker"
        database_url = postgres_database(name)
    site = Site(tmp_path, database_url, IMPORT_HEARTBEAT_SECONDS="1", IMPORT_STALL_SECONDS="4")
    site.prepare()
    upload = site.uploads / "big.upload"
    event_table(upload, ROWS)
    job_id = site.enqueue("event_table", upload, "stor.csv", "events")

    worker = site.start_worker()
    try:
        progress_file = Path(f"{upload}.progress")
        deadline = time.monotonic() + 300
        progress = 0
        while time.monotonic() < deadline and worker.poll() is None:
            try:
                progress = int(progress_file.read_text() or 0)
            except (OSError, ValueError):
                progress = 0
            if progress >= 10:  # rows are being written, inside the import's transaction
                break
            time.sleep(0.05)
        assert worker.poll() is None, "the worker ended before it could be killed"
        assert 10 <= progress < 95, f"not caught mid-write: {progress} %"
        site.kill(worker)
    finally:
        if worker.poll() is None:
            site.kill(worker)

    killed = site.state(job_id)
    assert killed["status"] == "running"  # nobody has noticed yet
    assert (killed["datasets"], killed["events"]) == (0, 0), "nothing half-written"

    time.sleep(5)  # longer than IMPORT_STALL_SECONDS
    after = site.state(job_id, look=True)
    assert after["status"] == "failed"
    assert after["message"] == "Importen avbröts: arbetsprocessen slutade svara."
    assert (after["datasets"], after["events"]) == (0, 0)
    assert not after["upload_exists"]
    assert sorted(p.name for p in site.uploads.iterdir()) == []

    # The next worker imports the next file completely.
    small = site.uploads / "small.upload"
    event_table(small, 1000)
    next_job = site.enqueue("event_table", small, "liten.csv", "events")
    site.manage("db_worker", "--batch", "--no-startup-delay", timeout=300)
    done = site.state(next_job)
    assert done["status"] == "done", done["message"]
    assert (done["events"], done["rows_imported"]) == (1000, 1000)
    assert not done["upload_exists"]
