"""Hostile and oversized files through the worker path, with the worker's peak memory.

Each file is uploaded as an import job on a site of its own (a SQLite file in a
temporary directory, or a fresh database on the PostgreSQL server of DATABASE_URL) and
run by a real `manage.py db_worker --batch` in a process of its own; its peak resident
memory is read from the kernel (os.wait4's ru_maxrss). Every job must end (done, or
failed with its reason) and every worker stay within 1 GB. The Word bomb goes to the
agreement import's reader, in a process of its own too.

Sizes: BENCH_HOSTILE_MB (default 200) for the CSV and JSON files; the bombs unpack to
1 GB. BENCH_HOSTILE_CASES=event_csv,xlsx_bomb runs only the cases named. Prints `BENCH hostile_<kind>_peak_memory <MB> <=1024MB ok|short` per case and
exits non-zero when a line is short. Runs standalone: `python bench/bench_hostile.py`.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from samverka.sources.tests.hostile import (  # noqa: E402
    xlsx_with_shared_strings,
    zip_with_padding,
)
from samverka.sources.tests.worker_site import Site, postgres_database  # noqa: E402

SIZE = int(os.environ.get("BENCH_HOSTILE_MB", "200")) * 1024 * 1024
BOMB = 1024 * 1024 * 1024
GOAL_MB = 1024
XLSX_ROWS = int(os.environ.get("BENCH_HOSTILE_XLSX_ROWS", "300000"))

STATISTICS_HEADER = ["area", "year", "crime_type", "count"]


def statistics_csv(path: Path) -> None:
    note = "Brå, polisens anmälningsstatistik; uttag för samverkansavtalets uppföljning " * 2
    with path.open("w", encoding="utf-8") as out:
        out.write("area;year;crime_type;count;note\n")
        n = 0
        while out.tell() < SIZE:
            out.write(
                "".join(
                    f"Oskarshamn;{2000 + (n + i) % 25};"
                    f"{'misshandel' if (n + i) % 2 else 'alla_brott'};{(n + i) % 97};{note}\n"
                    for i in range(10_000)
                )
            )
            n += 10_000


def event_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("id;datum;typ;plats;beskrivning\n")
        n = 0
        while out.tell() < SIZE:
            out.write(
                "".join(
                    f"e{n + i};2024-{(n + i) % 12 + 1:02d}-{(n + i) % 28 + 1:02d};"
                    "Klotter;Centrum;Klotter på vägg vid skolan\n"
                    for i in range(10_000)
                )
            )
            n += 10_000


def _police_records(size: int, first_id: int = 1) -> bytes:
    """A Police events JSON of about ``size`` bytes."""
    parts = [b"["]
    total = 0
    n = 0
    while total < size:
        record = {
            "id": first_id + n,
            "datetime": "2026-08-22 9:48:12 +02:00",
            "name": "22 augusti 08:15, Stöld, Oskarshamn",
            "summary": "En cykel stals vid stationen under eftermiddagen.",
            "url": "/aktuellt/handelser/2026/augusti/22/stold-oskarshamn/",
            "type": "Stöld",
            "location": {"name": "Oskarshamn", "gps": "57.264,16.448"},
        }
        chunk = (b"," if n else b"") + json.dumps(record, ensure_ascii=False).encode()
        parts.append(chunk)
        total += len(chunk)
        n += 1
    parts.append(b"]")
    return b"".join(parts)


def json_gz_truncated(path: Path) -> None:
    packed = gzip.compress(_police_records(SIZE // 2), compresslevel=1)
    path.write_bytes(packed[: len(packed) * 2 // 3])


def json_gz_oversized(path: Path) -> None:
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(_police_records(SIZE))


def police_json_at_limit(path: Path) -> None:
    size = int(os.environ.get("BENCH_HOSTILE_JSON_MB", "90")) << 20
    path.write_bytes(_police_records(size, first_id=10_000_000))


def _small_xlsx_members() -> dict[str, bytes]:
    import zipfile

    buffer = io.BytesIO()
    xlsx_with_shared_strings(buffer, STATISTICS_HEADER, [["Oskarshamn", "2024", "misshandel", "1"]])
    archive = zipfile.ZipFile(buffer)
    return {name: archive.read(name) for name in archive.namelist()}


def xlsx_bomb(path: Path) -> None:
    with path.open("wb") as out:
        zip_with_padding(out, _small_xlsx_members(), "xl/worksheets/sheet2.xml", BOMB)


def xlsx_shared_string(path: Path) -> None:
    with path.open("wb") as out:
        xlsx_with_shared_strings(
            out, STATISTICS_HEADER, [["Oskarshamn", "2024", "misshandel", "1"]], padding=BOMB
        )


def xlsx_large(path: Path) -> None:
    rows = [
        ["Oskarshamn", str(2000 + n % 25), "misshandel" if n % 2 else "alla_brott", str(n % 97)]
        for n in range(XLSX_ROWS)
    ]
    with path.open("wb") as out:
        xlsx_with_shared_strings(out, STATISTICS_HEADER, rows)


def docx_bomb(path: Path) -> None:
    import zipfile

    import docx

    document = docx.Document()
    document.add_paragraph("Samverkansavtal mellan Oskarshamns kommun och Polisen")
    buffer = io.BytesIO()
    document.save(buffer)
    archive = zipfile.ZipFile(buffer)
    members = {name: archive.read(name) for name in archive.namelist()}
    with path.open("wb") as out:
        zip_with_padding(out, members, "word/document2.xml", BOMB)


# kind, file generator, job kind, file name, mapping
CASES: list[tuple[str, Callable[[Path], None], str, str, str]] = [
    ("statistics_csv", statistics_csv, "statistics", "statistik.csv", "statistics"),
    ("event_csv", event_csv, "event_table", "handelser.csv", "events"),
    ("xlsx_bomb", xlsx_bomb, "statistics", "bomb.xlsx", "statistics"),
    ("xlsx_shared_string", xlsx_shared_string, "statistics", "lang.xlsx", "statistics"),
    ("xlsx_large", xlsx_large, "statistics", "stor.xlsx", "statistics"),
    ("json_gz_truncated", json_gz_truncated, "police_events", "handelser.json.gz", ""),
    ("json_gz_oversized", json_gz_oversized, "police_events", "stor.json.gz", ""),
    ("police_json_at_limit", police_json_at_limit, "police_events", "handelser.json", ""),
]


# Linux carries a process's peak memory over fork and exec, so the command is started by
# a small fresh process: the figure is the command's own, not this (larger) process's.
MEASURE = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_pid, status, usage = os.wait4(process.pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def peak_of(command: list[str], site: Site) -> tuple[float, int]:
    """Run ``command`` in a process of its own: (its peak resident memory in MB, its exit code)."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", MEASURE, *command],
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        check=True,
    )
    peak_kb, code = result.stdout.split()[-2:]
    return int(peak_kb) / 1024, int(code)  # Linux: kB


def line(kind: str, peak: float, ended: bool, outcome: str) -> bool:
    ok = ended and peak <= GOAL_MB
    print(f"#   {kind}: {outcome}", flush=True)
    print(
        f"BENCH hostile_{kind}_peak_memory {peak:.0f}MB <={GOAL_MB}MB {'ok' if ok else 'short'}",
        flush=True,
    )
    return ok


def main() -> int:
    database_url = ""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        database_url = postgres_database("samverka_bench_hostile")
    all_ok = True
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as directory:
        site = Site(Path(directory), database_url)
        print(f"== hostile files ({'PostgreSQL' if database_url else 'SQLite'})", flush=True)
        site.prepare()
        worker = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"]
        chosen = os.environ.get("BENCH_HOSTILE_CASES", "").split(",")
        for kind, make, job_kind, name, mapping in CASES:
            if chosen != [""] and kind not in chosen:
                continue
            path = site.uploads / f"{kind}.upload"
            make(path)
            size = path.stat().st_size
            job = site.enqueue(job_kind, path, name, mapping)
            started = time.monotonic()
            peak, code = peak_of([*worker, "--no-reload"], site)
            seconds = time.monotonic() - started
            state = site.state(job)
            ended = state["status"] in ("done", "failed") and code == 0
            if state["status"] == "done":
                outcome = f"done, {state['rows_imported']:,} rows"
            else:
                outcome = f"{state['status']}: {state['message'][:160]}"
            outcome += f" ({size / 1e6:.0f} MB file, {seconds:.0f} s)"
            if state["upload_exists"]:
                ended, outcome = False, outcome + "; the upload was left on disk"
            all_ok &= line(kind, peak, ended, outcome)

        # The agreement import's reader, given a Word bomb.
        path = site.uploads / "bomb.docx"
        docx_bomb(path)
        code_text = (
            "from samverka.agreements.parsing import parse_file\n"
            f"data = open({str(path)!r}, 'rb').read()\n"
            "try:\n    parse_file(data, 'bomb.docx')\n"
            "except ValueError as exc:\n    raise SystemExit(0 if 'bomb.docx' in str(exc) else 3)\n"
            "raise SystemExit(4)\n"
        )
        peak, code = peak_of([sys.executable, "manage.py", "shell", "-c", code_text], site)
        outcome = "refused with its name" if code == 0 else f"not refused (exit {code})"
        all_ok &= line(
            "docx_bomb", peak, code == 0, f"{outcome} ({path.stat().st_size / 1e6:.1f} MB file)"
        )
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
