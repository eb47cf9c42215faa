"""The embedded mode on SQLite: a long import's write transaction does not make sign-in
fail with "database is locked", and pages that only read answer meanwhile."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HOLD = 7.0  # longer than SQLite's default busy timeout of 5 s


def test_sign_in_waits_for_a_long_write_and_reading_pages_do_not(tmp_path: Path) -> None:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SQLITE_BUSY_TIMEOUT"}
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "samverka.shell.tests.sqlite_lock_probe", str(HOLD)],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "samverka.settings",
            "SAMVERKA_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    page_status, page_seconds = found["page"]
    assert page_status == 200
    assert page_seconds < HOLD / 2, "a page that only reads waited for the write lock"
    sign_in_status, _seconds = found["sign_in"]
    assert sign_in_status == 302, "sign-in failed while an import wrote"
    assert found["writer_done_first"] is True
