"""The agreement parser's speed: a 40-page agreement DOCX parsed in at most 1 s.

The document is built from the parser's test corpus and the five seeds, one Word
paragraph a line, with headings and lists as Word styles, until it holds about 20,000
words (40 pages of an agreement). Run `python bench/bench_parse.py` from the project
root (a few seconds). Prints `BENCH <name> <measured> <goal> ok|short` lines; the time
is the best of three runs after a warm-up, reading the file and parsing it, as CPU time
of this process (the parser is single-threaded; on a shared machine the wall-clock time,
printed too, mostly measures the other processes).
"""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from docx import Document  # noqa: E402

from samverka.agreements.parsing import parse_file  # noqa: E402

AGREEMENTS = ROOT / "samverka" / "agreements"
WORDS = 20_000  # about 40 pages
GOAL_SECONDS = 1.0


def forty_pages() -> bytes:
    texts = [
        path.read_text("utf-8")
        for folder in (AGREEMENTS / "tests" / "corpus", AGREEMENTS / "seeds")
        for path in sorted(folder.glob("*.txt"))
    ]
    document = Document()
    words = 0
    while words < WORDS:
        for text in texts:
            for line in text.splitlines():
                stripped = line.strip()
                if stripped.startswith("#"):
                    document.add_heading(stripped.lstrip("# "), level=1)
                elif stripped.startswith(("- ", "• ")):
                    document.add_paragraph(stripped[2:], style="List Bullet")
                else:
                    document.add_paragraph(stripped)
                words += len(stripped.split())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def main() -> int:
    data = forty_pages()
    parse_file(data, "overenskommelse.docx")  # warm-up
    times, walls = [], []
    for _ in range(3):
        started, wall = time.process_time(), time.perf_counter()
        parsed = parse_file(data, "overenskommelse.docx")
        times.append(time.process_time() - started)
        walls.append(time.perf_counter() - wall)
    best = min(times)
    print(
        f"{len(data) // 1024} kB, {len(parsed.signatories)} signatories read; "
        f"wall-clock best {min(walls):.3f} s"
    )
    verdict = "ok" if best <= GOAL_SECONDS else "short"
    print(f"BENCH parse_docx_40_pages {best:.3f}s {GOAL_SECONDS:.1f}s {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
