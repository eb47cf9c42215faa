"""A GeoJSON file of sub-areas over the size limit, imported by a real ``manage.py db_worker``:
its job ends as failed with a Swedish message naming the file and the limit (not a stuck
job, not a worker out of memory), its upload is removed, and the next file imports.

Runs on a SQLite file database of its own (or on PostgreSQL when DATABASE_URL is set),
shared by the worker and the test (see worker_site.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from samverka.sources.tests.worker_site import Site, postgres_database

ENQUEUE_AREAS = """
from samverka.accounts.models import User
from samverka.sources.models import ImportJob
from samverka.sources.tasks import run_import
user = User.objects.get(email="coordinator@test.example")
kommun = user.memberships.first().organization
job = ImportJob.objects.create(
    kind="areas", owner=kommun, file_name=NAME, stored_path=PATH, created_by=user,
    parameters={"kommun": kommun.pk, "area_kind": "stadsdel"},
)
run_import.enqueue(job.pk)
print("JOB", job.pk)
"""


def areas(count: int) -> bytes:
    ring = [[16.44, 57.26], [16.46, 57.26], [16.46, 57.28], [16.44, 57.28], [16.44, 57.26]]
    features = [
        {
            "type": "Feature",
            "properties": {"namn": f"Område {n}"},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }
        for n in range(count)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def enqueue(site: Site, path: Path, name: str) -> int:
    out = site.shell(f"NAME = {name!r}\nPATH = {str(path)!r}\n" + ENQUEUE_AREAS)
    return int(out.split("JOB", 1)[1].split()[0])


def test_a_geojson_over_the_limit_fails_in_the_worker_and_the_next_one_imports(
    tmp_path: Path,
) -> None:
    database_url = ""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        name = os.environ.get("TEST_DATABASE_NAME", "samverka_test") + "_areas"
        database_url = postgres_database(name)
    site = Site(tmp_path, database_url, IMPORT_MAX_GEOJSON_BYTES="4000")
    site.prepare()
    big = site.uploads / "big.upload"
    big.write_bytes(areas(100))
    assert big.stat().st_size > 4000
    small = site.uploads / "small.upload"
    small.write_bytes(areas(2))
    too_big = enqueue(site, big, "stadsdelar.geojson")
    fits = enqueue(site, small, "centrum.geojson")

    site.manage("db_worker", "--batch", "--no-startup-delay", timeout=300)

    failed = site.state(too_big, look=True)
    assert failed["status"] == "failed"
    assert failed["message"] == (
        "stadsdelar.geojson är 19 kB, mer än de 4 kB som tillåts: dela upp den i mindre filer."
    )
    assert not failed["upload_exists"]
    done = site.state(fits)
    assert done["status"] == "done", done["message"]
    assert done["rows_imported"] == 2
    assert not done["upload_exists"]
    assert sorted(p.name for p in site.uploads.iterdir()) == []
