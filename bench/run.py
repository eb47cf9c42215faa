"""Runs every benchmark under bench/ (files named bench_*.py), each in a process of its
own, and checks their goals.

Each bench prints `BENCH <name> <measured> <goal> ok|short` lines; its output is shown
as it comes. At the end a summary lists every goal line, and the run exits non-zero
when any line is short, any bench exits non-zero, or a bench printed no goal line.

    python bench/run.py                 # every bench, the issues' sizes
    python bench/run.py import load     # only the benches whose names contain these
    BENCH_QUICK=1 python bench/run.py   # smaller sizes where a bench offers them (--quick)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOAL = re.compile(r"^BENCH (\S+) (\S+) (\S+) (ok|short)\s*$")


def run_bench(
    path: Path, env: dict[str, str]
) -> tuple[int, list[tuple[str, str, str, str]], float]:
    """Runs one bench, streaming its output; returns its exit code, goal lines and seconds."""
    started = time.perf_counter()
    lines: list[tuple[str, str, str, str]] = []
    process = subprocess.Popen(  # noqa: S603 - this interpreter, a bench of this directory
        [sys.executable, "-u", str(path)],
        cwd=HERE.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    assert process.stdout is not None
    for text in process.stdout:
        sys.stdout.write(text)
        sys.stdout.flush()
        found = GOAL.match(text.strip())
        if found:
            name, measured, goal, verdict = found.groups()
            lines.append((name, measured, goal, verdict))
    code = process.wait()
    return code, lines, time.perf_counter() - started


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    wanted = [a for a in argv if not a.startswith("-")]
    benches = sorted(HERE.glob("bench_*.py"))
    if wanted:
        benches = [b for b in benches if any(w in b.stem for w in wanted)]
    if not benches:
        print("no benchmarks found")
        return 1
    env = dict(os.environ)
    if quick:
        env["BENCH_QUICK"] = "1"
    env.setdefault("PYTHONPATH", str(HERE.parent))
    results: list[tuple[str, int, list[tuple[str, str, str, str]], float]] = []
    for path in benches:
        print(f"== {path.name}", flush=True)
        code, lines, seconds = run_bench(path, env)
        results.append((path.name, code, lines, seconds))
        print(f"== {path.name}: exit {code}, {len(lines)} goal lines, {seconds:.0f} s", flush=True)

    failures: list[str] = []
    print("\n== summary")
    for name, code, lines, seconds in results:
        print(f"{name} ({seconds:.0f} s)")
        for goal_name, measured, goal, verdict in lines:
            print(f"   {verdict:<5} {goal_name} {measured} (goal {goal})")
            if verdict == "short":
                failures.append(f"{name}: {goal_name} is short ({measured}, goal {goal})")
        if code != 0:
            failures.append(f"{name} exited with {code}")
        if not lines:
            failures.append(f"{name} printed no BENCH line")
    total = sum(len(lines) for _, _, lines, _ in results)
    if failures:
        print(f"\n{len(failures)} problem(s) in {len(results)} benches, {total} goal lines:")
        for failure in failures:
            print(f"   {failure}")
        return 1
    print(f"\nall {total} goal lines of {len(results)} benches ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
