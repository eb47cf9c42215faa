"""Place statistics: speed against esda and pointpats in the same run, and scale.

Goals: Gi* on a 400 x 400 grid at least 50x faster than esda's G_Local (its
fastest route: a libpysal.graph.Graph, no permutations), ours at most 20 ms for
neighbourhoods up to 500 m and at most 50 ms with inference; kernel density of
1,000,000 points at most 50 ms; the Knox test of 50,000 events at most 0.5 s
for one pass and 20 s with 999 permutations (pointpats is compared on fewer
events: its permutations are a Python loop); the national grid (4 million
100 m cells, 20 million events) binned and tested in at most 1 s and 4 GB;
the first analysis in a fresh process in under 1 s.

Run `python bench/bench_place.py` from the project root (about two minutes).
BENCH_PLACE_FULL=1 adds the slow reference runs (esda on the 81-cell
neighbourhood, pointpats on 20,000 instead of 5,000 events). Prints
`BENCH <name> <measured> <goal> ok|short` lines; times are the best of
several runs after a warm-up.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from samverka.analysis.place import (  # noqa: E402
    Grid,
    Neighbourhood,
    bin_events,
    gi_star,
    kernel_density,
    knox_test,
)

FULL = os.environ.get("BENCH_PLACE_FULL") == "1"
N0, E0 = 6_400_000.0, 400_000.0


def line(
    name: str, measured: float, goal: float, unit: str, higher_is_better: bool = False
) -> None:
    ok = measured >= goal if higher_is_better else measured <= goal
    shown = f"{measured:.3g}" if abs(measured) < 0.01 else f"{measured:.2f}"
    print(f"BENCH {name} {shown}{unit} {goal:g}{unit} {'ok' if ok else 'short'}", flush=True)


def info(text: str) -> None:
    print(f"  {text}", flush=True)


def best(function: Callable[[], object], repeat: int = 5) -> float:
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def kommun_events(rng: np.random.Generator, n: int = 30_000) -> tuple[np.ndarray, np.ndarray]:
    """Events around a dozen towns of very different size, plus background, in 100 x 100 km."""
    centres = rng.uniform(20e3, 80e3, (12, 2))
    weights = rng.pareto(1.2, 12) + 0.2
    weights /= weights.sum()
    clustered = int(n * 0.85)
    which = rng.choice(12, size=clustered, p=weights)
    spread = rng.choice([300.0, 900.0, 2500.0], size=(clustered, 1), p=[0.3, 0.4, 0.3])
    points = centres[which] + rng.normal(0, 1, (clustered, 2)) * spread
    points = np.vstack([points, rng.uniform(0, 100e3, (n - clustered, 2))])
    return N0 + points[:, 0], E0 + points[:, 1]


def burglaries(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Events in a 30 x 30 km city over two years, a fifth of them near repeats."""
    first = int(n * 0.8)
    centres = rng.uniform(0, 30_000.0, (150, 2))
    points = centres[rng.integers(0, 150, first)] + rng.normal(0, 700, (first, 2))
    day = rng.integers(0, 730, first)
    parent = rng.integers(0, first, n - first)
    repeats = points[parent] + rng.normal(0, 80, (n - first, 2))
    later = np.minimum(day[parent] + rng.integers(0, 15, n - first), 729)
    points = np.vstack([points, repeats])
    return N0 + points[:, 0], E0 + points[:, 1], np.concatenate([day, later])


# --------------------------------------------------------------------------


def bench_gi_star() -> None:
    from esda.getisord import G_Local
    from libpysal.graph import Graph
    from libpysal.weights import lat2SW

    rng = np.random.default_rng(1)
    grid = Grid(N0, E0, 250.0, 400, 400)
    binned = bin_events(*kommun_events(rng), grid)
    counts = binned.counts
    y = counts.ravel().astype(float)
    info(f"kommun grid 400 x 400 cells of 250 m, {binned.total:,} events")

    cases: list[tuple[str, Neighbourhood, float]] = [
        ("queen", "queen", 250.0),
        ("rook", "rook", 250.0),
        ("band500m_250m", 500.0, 250.0),
        ("band500m_100m", 500.0, 100.0),
    ]
    for label, neighbourhood, cell in cases:
        run = partial(gi_star, counts, neighbourhood, cell_size=cell)
        ours = best(partial(run, inference="normal"))
        line(f"gistar_z_400x400_{label}", ours * 1000, 20, "ms")
        with_inference = best(run)
        line(f"gistar_convolution_fdr_400x400_{label}", with_inference * 1000, 50, "ms")
        permutation = best(partial(run, inference="permutation"), repeat=3)
        line(f"gistar_permutation9999_fdr_400x400_{label}", permutation * 1000, 50, "ms")

        if label == "band500m_100m" and not FULL:
            info("esda on the 81-cell band skipped (BENCH_PLACE_FULL=1 runs it)")
            continue
        start = time.perf_counter()
        if isinstance(neighbourhood, str):
            graph = Graph.from_sparse(lat2SW(400, 400, criterion=neighbourhood).tocsr())
        else:
            r, c = np.mgrid[0:400, 0:400]
            centres = np.column_stack([c.ravel() * cell + cell / 2, r.ravel() * cell + cell / 2])
            graph = Graph.build_distance_band(centres, neighbourhood, binary=True)
        built = time.perf_counter() - start
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            esda = partial(G_Local, y, graph, transform="B", star=True, permutations=0)
            esda_time = best(esda, repeat=2)
            reference = esda().Zs
        z = gi_star(counts, neighbourhood, cell_size=cell, inference="normal").z.ravel()
        info(
            f"esda G_Local ({label}, Graph, no permutations) {esda_time * 1000:.0f} ms "
            f"plus {built:.1f} s to build the Graph; ours {ours * 1000:.1f} ms"
        )
        line(f"gistar_speedup_vs_esda_{label}", esda_time / ours, 50, "x", higher_is_better=True)
        line(f"gistar_max_abs_z_diff_vs_esda_{label}", float(np.abs(z - reference).max()), 1e-9, "")


def bench_kde() -> None:
    rng = np.random.default_rng(2)
    north, east = kommun_events(rng, 1_000_000)
    grid = Grid(N0, E0, 250.0, 400, 400)
    for bandwidth in (500.0, 1000.0, 2000.0):
        elapsed = best(partial(kernel_density, north, east, grid, bandwidth))
        line(f"kde_1M_points_400x400_h{bandwidth:g}m", elapsed * 1000, 50, "ms")


def bench_knox() -> None:
    from pointpats.spacetime import Knox

    rng = np.random.default_rng(3)
    north, east, day = burglaries(50_000, rng)
    one = best(lambda: knox_test(north, east, day, permutations=0), repeat=3)
    result = knox_test(north, east, day, permutations=0)
    info(
        f"50,000 events, 5 distance bands to 500 m x 4 time bands to 28 days: "
        f"{int(result.space_pairs.sum()):,} pairs within 500 m; "
        f"Knox ratio in the closest band {result.ratio[0, 0]:.2f}"
    )
    line("knox_50k_one_pass", one, 0.5, "s")
    start = time.perf_counter()
    full = knox_test(north, east, day, permutations=999, seed=1)
    line("knox_50k_999_permutations", time.perf_counter() - start, 20, "s")
    info(f"p-value of the closest band {full.p_value[0, 0]:.4f}")

    n = 20_000 if FULL else 5_000
    small_n, small_e, small_d = north[:n], east[:n], day[:n]
    ours = best(
        lambda: knox_test(small_n, small_e, small_d, (0, 200), (0, 7), permutations=99, seed=2),
        repeat=3,
    )
    mine = knox_test(small_n, small_e, small_d, (0, 200), (0, 7), permutations=99, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        theirs = Knox(
            np.column_stack([small_n, small_e]), small_d[:, None].astype(float), 200, 7, 99
        )
        their_time = time.perf_counter() - start
    info(
        f"pointpats Knox on {n:,} events, 99 permutations: {their_time:.2f} s, ours {ours:.3f} s; "
        f"space-time pairs {theirs.nst} (pointpats) vs {int(mine.observed[0, 0])} (ours)"
    )
    # No goal was set for this comparison; 10x is ours.
    line(f"knox_{n}_speedup_vs_pointpats", their_time / ours, 10, "x", higher_is_better=True)
    line(
        f"knox_{n}_count_difference_vs_pointpats",
        abs(theirs.nst - int(mine.observed[0, 0])),
        0,
        "",
    )


def national() -> None:
    """Runs in its own process so that its peak memory is its own."""
    rng = np.random.default_rng(4)
    n = 20_000_000
    k = 300
    centres = rng.uniform(0, 200_000, (k, 2))
    weights = rng.pareto(1.1, k) + 0.1
    weights /= weights.sum()
    clustered = int(n * 0.8)
    which = rng.choice(k, size=clustered, p=weights)
    north = np.empty(n)
    east = np.empty(n)
    north[:clustered] = centres[which, 0] + rng.normal(0, 1500, clustered)
    east[:clustered] = centres[which, 1] + rng.normal(0, 1500, clustered)
    del which
    north[clustered:] = rng.uniform(0, 200_000, n - clustered)
    east[clustered:] = rng.uniform(0, 200_000, n - clustered)
    north += N0
    east += E0
    grid = Grid(N0, E0, 100.0, 2000, 2000)

    def run() -> None:
        binned = bin_events(north, east, grid)
        gi_star(binned, "queen")

    binning = best(lambda: bin_events(north, east, grid), repeat=3)
    total = best(run, repeat=3)
    result = gi_star(bin_events(north, east, grid), "queen")
    info(
        f"national: 2,000 x 2,000 cells of 100 m, 20,000,000 events; {int(result.tested.sum()):,} "
        f"cells tested, {int(result.hot.sum()):,} hot; binning alone {binning:.2f} s"
    )
    line("national_4M_cells_20M_events_bin_and_gistar_fdr", total, 1.0, "s")
    line("national_peak_memory_including_the_positions", peak_memory_mb(), 4000, "MB")


def peak_memory_mb() -> float:
    """This process's own peak resident memory.

    VmHWM belongs to the process's address space; ru_maxrss on Linux also
    carries over the parent's size from before the exec.
    """
    try:
        for row in Path("/proc/self/status").read_text().splitlines():
            if row.startswith("VmHWM:"):
                return int(row.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_national() -> None:
    subprocess.run([sys.executable, __file__, "--national"], check=True, cwd=ROOT)  # noqa: S603


def bench_fresh_process() -> None:
    code = (
        "import time; start = time.perf_counter()\n"
        "import numpy as np\n"
        "from samverka.analysis.place import bin_events, gi_star, Grid\n"
        "rng = np.random.default_rng(0)\n"
        "north = 6.4e6 + rng.normal(50e3, 8e3, 30_000)\n"
        "east = 4e5 + rng.normal(50e3, 8e3, 30_000)\n"
        "counts = bin_events(north, east, Grid(6.4e6, 4e5, 250.0, 400, 400))\n"
        "result = gi_star(counts, 500.0)\n"
        "print(time.perf_counter() - start)\n"
    )
    times = []
    inner = []
    for _ in range(3):
        start = time.perf_counter()
        out = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT
        )
        times.append(time.perf_counter() - start)
        inner.append(float(out.stdout.strip()))
    info(
        f"fresh process: interpreter start to result {min(times):.2f} s, "
        f"of which imports and analysis {min(inner):.2f} s"
    )
    line("first_analysis_in_a_fresh_process", min(times), 1.0, "s")


def main() -> None:
    if "--national" in sys.argv:
        national()
        return
    started = time.perf_counter()
    bench_fresh_process()
    bench_gi_star()
    bench_kde()
    bench_knox()
    bench_national()
    info(f"bench_place took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
