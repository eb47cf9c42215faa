"""Runs every benchmark under bench/ (files named bench_*.py); each prints
`BENCH <name> <measured> <goal> ok|short` lines."""

import runpy
import sys
from pathlib import Path

benches = sorted(Path(__file__).parent.glob("bench_*.py"))
if not benches:
    print("no benchmarks yet")
for path in benches:
    print(f"== {path.name}", flush=True)
    runpy.run_path(str(path), run_name="__main__")
sys.exit(0)
