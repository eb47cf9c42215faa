"""Near-repeat analysis: the Knox test over bands of distance and time.

A near repeat is an event close in space *and* time to an earlier one, as
burglaries cluster after a first burglary nearby (Townsley, Homel & Chaseling
2003; Johnson & Bowers 2004). The Knox test (Knox 1964) counts the pairs of
events that are close in both and asks whether there are more than the times
alone would give. :func:`knox_test` does this for a table of distance bands
(metres) by time bands (days), as Ratcliffe's *Near Repeat Calculator* does,
with Monte Carlo significance from permuting the times.

Positions are SWEREF 99 TM metres; NaN positions or times are rejected (the
caller filters out events without a real position or date).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt

from .grid import _as_positions

__all__ = ["KnoxTest", "knox_test"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]

DEFAULT_PERMUTATIONS = 999

# Whole-day times spanning at most this many days use a look-up table.
_MAX_LOOKUP = 1 << 20
_BATCH = 8  # permutations per worker and round


_A = TypeVar("_A", bound=np.ndarray)


def _frozen(array: _A) -> _A:
    """Mark an array read-only, so the frozen result really is immutable."""
    array.flags.writeable = False
    return array


def _edges(values: npt.ArrayLike, name: str, unit: str) -> FloatArray:
    edges = np.asarray(values, dtype=np.float64)
    if edges.ndim != 1 or edges.size < 2:
        raise ValueError(f"{name} must list at least two band edges in {unit}, got {values!r}")
    if not np.isfinite(edges).all() or edges[0] < 0:
        raise ValueError(f"{name} must be finite and >= 0, got {values!r}")
    if (np.diff(edges) <= 0).any():
        raise ValueError(f"{name} must increase strictly, got {values!r}")
    return edges


def _as_days(times: npt.ArrayLike) -> FloatArray | IntArray:
    raw = np.asarray(times)
    if raw.ndim != 1:
        raise ValueError(f"days must be a 1-D array, got shape {raw.shape}")
    if raw.dtype.kind == "M":
        if np.isnat(raw).any():
            raise ValueError("days contains NaT: every event needs a date")
        if raw.size == 0:
            return np.zeros(0, dtype=np.int64)
        offset = raw - raw.min()
        return np.asarray(offset / np.timedelta64(1, "D"), dtype=np.float64)
    if raw.dtype.kind in "iub":
        return raw.astype(np.int64)
    if raw.dtype.kind != "f":
        raise ValueError(f"days must be numbers of days or datetime64, got dtype {raw.dtype}")
    days = raw.astype(np.float64)
    if not np.isfinite(days).all():
        raise ValueError("days contains NaN or infinity: every event needs a date")
    return days


def _band_lookup(edges: FloatArray) -> tuple[FloatArray, IntArray]:
    """Edges to search and a map from search position to band (``bands`` = outside).

    Band ``k`` is ``(e_k, e_k+1]``; the first band also holds ``e_0``, which is
    done by moving the first edge down by one ulp before a ``side='left'`` search.
    """
    bands = edges.size - 1
    search = edges.copy()
    search[0] = np.nextafter(search[0], -np.inf)
    position_to_band = np.concatenate(([bands], np.arange(bands), [bands])).astype(np.int64)
    return search, position_to_band


def _pairs_within(north: FloatArray, east: FloatArray, reach: float) -> tuple[IntArray, IntArray]:
    """All pairs ``i < j`` within ``reach`` metres (a little beyond, filtered later)."""
    from scipy.spatial import cKDTree

    if north.size < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    centre_n = float(north.mean())
    centre_e = float(east.mean())
    tree = cKDTree(np.column_stack((north - centre_n, east - centre_e)))
    pairs = tree.query_pairs(reach * (1 + 1e-9) + 1e-6, output_type="ndarray")
    return pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)


def _time_pairs_at_most(sorted_days: FloatArray | IntArray, gap: float, inclusive: bool) -> int:
    """Pairs of events whose times differ by at most (or less than) ``gap``."""
    side = "right" if inclusive else "left"
    reach = np.searchsorted(sorted_days, sorted_days + gap, side=side)  # type: ignore[call-overload]
    # Count the later events j > i only; a strict search can stop before i.
    return int(np.maximum(reach - np.arange(1, sorted_days.size + 1), 0).sum())


class _Counter:
    """Counts the Knox table for the fixed spatial pairs under a permutation of the times."""

    def __init__(
        self,
        times: npt.NDArray[Any],
        first: npt.NDArray[np.intp],
        second: npt.NDArray[np.intp],
        bounds: list[int],
        n_time: int,
        gap_band: IntArray | None,
        t_search: FloatArray | None,
        t_band: IntArray | None,
    ) -> None:
        self.times = times
        self.first = first
        self.second = second
        self.bounds = bounds
        self.n_time = n_time
        self.gap_band = gap_band
        self.t_search = t_search
        self.t_band = t_band

    def table(self, order: npt.NDArray[np.intp] | None) -> IntArray:
        """Pairs per (distance band, time band) with the times taken in ``order``."""
        times = self.times if order is None else self.times[order]
        gap = times[self.first]
        np.subtract(gap, times[self.second], out=gap)
        np.abs(gap, out=gap)
        rows = len(self.bounds) - 1
        out = np.zeros((rows, self.n_time), dtype=np.int64)
        if self.gap_band is not None:
            days = self.gap_band.size
            for row in range(rows):
                part = gap[self.bounds[row] : self.bounds[row + 1]]
                if part.size:
                    per_day = np.bincount(part, minlength=days)
                    per_band = np.bincount(
                        self.gap_band, weights=per_day, minlength=self.n_time + 1
                    )
                    out[row] = per_band[: self.n_time].round().astype(np.int64)
        else:
            assert self.t_search is not None and self.t_band is not None  # noqa: S101
            band = self.t_band[np.searchsorted(self.t_search, gap, side="left")]
            for row in range(rows):
                part = band[self.bounds[row] : self.bounds[row + 1]]
                out[row] = np.bincount(part, minlength=self.n_time + 1)[: self.n_time]
        return out

    def simulate(
        self, observed: IntArray, permutations: int, seed: int, workers: int
    ) -> tuple[IntArray, IntArray]:
        """Tables reaching ``observed`` and their sum over ``permutations`` permutations."""
        rng = np.random.default_rng(seed)
        n = self.times.size
        reached = np.zeros(observed.shape, dtype=np.int64)
        total = np.zeros(observed.shape, dtype=np.int64)

        def run(orders: list[npt.NDArray[np.intp]]) -> tuple[IntArray, IntArray]:
            hits = np.zeros(observed.shape, dtype=np.int64)
            sums = np.zeros(observed.shape, dtype=np.int64)
            for order in orders:
                simulated = self.table(order)
                hits += simulated >= observed
                sums += simulated
            return hits, sums

        done = 0
        with ThreadPoolExecutor(max_workers=workers) as pool:
            while done < permutations:
                batch = min(permutations - done, _BATCH * workers)
                orders = [rng.permutation(n) for _ in range(batch)]
                futures = [pool.submit(run, orders[w::workers]) for w in range(workers)]
                for future in futures:
                    hits, sums = future.result()
                    reached += hits
                    total += sums
                done += batch
        return reached, total


@dataclass(frozen=True, eq=False)
class KnoxTest:
    """The Knox table of pairs by distance band and time band.

    Band ``k`` holds the pairs with ``edges[k] < gap <= edges[k+1]``; the first
    band also holds ``gap == edges[0]``.

    Attributes
    ----------
    space_edges : ndarray, shape (S+1,)
        Distance band edges in metres.
    time_edges : ndarray, shape (T+1,)
        Time band edges in days.
    observed : ndarray of int64, shape (S, T)
        Pairs of events in each distance band and time band, counted exactly.
    expected : ndarray of float64, shape (S, T)
        The exact expectation of ``observed`` when the times are permuted at
        random: ``space_pairs[a] * time_pairs[b] / total_pairs``.
    ratio : ndarray of float64, shape (S, T)
        Knox ratio ``observed / expected`` (NaN where nothing is expected);
        above 1 means more near repeats than chance.
    p_value : ndarray of float64, shape (S, T)
        One-sided Monte Carlo p-value ``(1 + #{sim >= observed}) / (P + 1)``.
    simulated_mean : ndarray of float64, shape (S, T)
        Mean count over the permutations (what Ratcliffe's calculator calls
        expected; it converges to ``expected``).
    space_pairs : ndarray of int64, shape (S,)
        Pairs in each distance band, at any time gap.
    time_pairs : ndarray of int64, shape (T,)
        Pairs in each time band, at any distance.
    total_pairs : int
        ``n (n - 1) / 2``.
    n_events, permutations, seed : int
    """

    space_edges: FloatArray
    time_edges: FloatArray
    observed: IntArray
    expected: FloatArray
    ratio: FloatArray
    p_value: FloatArray
    simulated_mean: FloatArray
    space_pairs: IntArray
    time_pairs: IntArray
    total_pairs: int
    n_events: int
    permutations: int
    seed: int


def knox_test(
    northing: npt.ArrayLike,
    easting: npt.ArrayLike,
    days: npt.ArrayLike,
    space_bands: npt.ArrayLike = (0.0, 100.0, 200.0, 300.0, 400.0, 500.0),
    time_bands: npt.ArrayLike = (0.0, 7.0, 14.0, 21.0, 28.0),
    *,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = 0,
    workers: int | None = None,
) -> KnoxTest:
    """Knox test of space-time interaction over distance and time bands (Knox 1964).

    Every pair of events is classified by its distance band and its time band;
    ``observed`` counts the pairs in each cell of the table. Under the null
    hypothesis the times carry no information about the places, so the times
    are permuted among the events (Mantel 1967; Johnson et al. 2007, "Space-time
    patterns of risk", *J. Quant. Criminol.* 23) and the table recounted
    ``permutations`` times; the p-value of a cell is the share of permuted
    tables with at least the observed count (plus one over ``P + 1``). The
    expected count under that null is exact: a pair keeps its distance and gets
    the time gap of a random pair of events.

    Counting is exact and efficient: the pairs within the largest distance are
    found once with a KD-tree and classified by squared distance; each
    permutation then only recomputes the time gaps of those pairs (through a
    look-up table when times are whole days). The expected counts use sorted
    times and binary search, ``O(n log n)``.

    Parameters
    ----------
    northing, easting : array_like, shape (n,)
        SWEREF 99 TM positions in metres.
    days : array_like, shape (n,)
        Event times in days (numbers, for example days since some date, or
        ``datetime64``, converted to days).
    space_bands : sequence of float
        Distance band edges in metres, increasing from >= 0 (default 0, 100, ...,
        500 m). Pairs farther than the last edge are not counted.
    time_bands : sequence of float
        Time band edges in days (default 0, 7, 14, 21, 28 days).
    permutations : int
        Monte Carlo permutations of the times (default 999; 0 skips them and
        leaves ``p_value`` NaN).
    seed : int
        Seed for ``numpy.random.default_rng``. The permutations are drawn in
        order from one generator, so the result does not depend on ``workers``.
    workers : int, optional
        Threads counting permuted tables (numpy releases the GIL while it
        counts); default the number of CPUs, at most 4.

    Returns
    -------
    KnoxTest

    Examples
    --------
    Three burglaries on one street within a week, and unrelated ones elsewhere:

    >>> north = [0.0, 50.0, 90.0, 5000.0, 9000.0, 2000.0]
    >>> east = [0.0, 0.0, 30.0, 5000.0, 0.0, 7000.0]
    >>> day = [1, 3, 6, 2, 4, 300]
    >>> result = knox_test(north, east, day, [0, 100, 200], [0, 7, 14], seed=1)
    >>> result.observed.tolist()
    [[3, 0], [0, 0]]
    >>> result.space_pairs.tolist(), result.time_pairs.tolist(), result.total_pairs
    ([3, 0], [10, 0], 15)
    >>> float(result.ratio[0, 0])  # 3 observed, 3 * 10 / 15 = 2 expected
    1.5
    """
    north, east = _as_positions(northing, easting)
    times = _as_days(days)
    if times.size != north.size:
        raise ValueError(f"days has {times.size} values but there are {north.size} positions")
    space_edges = _edges(space_bands, "space_bands", "metres")
    time_edges = _edges(time_bands, "time_bands", "days")
    if isinstance(permutations, bool) or int(permutations) != permutations or permutations < 0:
        raise ValueError(f"permutations must be a whole number >= 0, got {permutations!r}")
    permutations = int(permutations)
    if workers is None:
        workers = min(4, os.cpu_count() or 1)
    elif isinstance(workers, bool) or int(workers) != workers or workers < 1:
        raise ValueError(f"workers must be a whole number >= 1, got {workers!r}")
    n = north.size
    n_space = space_edges.size - 1
    n_time = time_edges.size - 1

    # Pairs within the largest distance, classified by squared distance and
    # grouped by distance band (a stable radix sort keeps them in i order).
    first, second = _pairs_within(north, east, float(space_edges[-1]))
    gap_n = north[first] - north[second]
    gap_e = east[first] - east[second]
    squared = gap_n * gap_n + gap_e * gap_e
    search, to_band = _band_lookup(space_edges * space_edges)
    space_band = to_band[np.searchsorted(search, squared, side="left")]
    keep = np.flatnonzero(space_band < n_space)
    by_band = keep[np.argsort(space_band[keep].astype(np.int16), kind="stable")]
    first = first[by_band].astype(np.intp)
    second = second[by_band].astype(np.intp)
    space_pairs = np.bincount(space_band[keep], minlength=n_space)[:n_space].astype(np.int64)
    bounds = np.concatenate(([0], np.cumsum(space_pairs))).tolist()
    del gap_n, gap_e, squared, space_band, keep, by_band

    # Time bands: a histogram of whole-day gaps, else a binary search.
    t_search, t_band = _band_lookup(time_edges)
    whole = times.dtype.kind == "i" or bool(np.all(np.floor(times) == times))
    span = int(times.max() - times.min()) if n else 0
    work: npt.NDArray[Any]
    if whole and span <= _MAX_LOOKUP:
        work = (times - (times.min() if n else 0)).astype(np.int32)
        gap_band = t_band[np.searchsorted(t_search, np.arange(span + 1.0), side="left")]
        counter = _Counter(work, first, second, bounds, n_time, gap_band, None, None)
    else:
        work = times.astype(np.float64)
        counter = _Counter(work, first, second, bounds, n_time, None, t_search, t_band)

    observed = counter.table(None)

    # Exact expectation under random permutation of the times.
    sorted_days = np.sort(times.astype(np.float64))
    at_most = [_time_pairs_at_most(sorted_days, float(edge), True) for edge in time_edges]
    below_first = _time_pairs_at_most(sorted_days, float(time_edges[0]), False)
    time_pairs = np.asarray(
        np.diff(np.array([below_first, *at_most[1:]], dtype=np.int64)), dtype=np.int64
    )
    total_pairs = n * (n - 1) // 2
    expected = (
        np.outer(space_pairs, time_pairs) / total_pairs
        if total_pairs
        else np.zeros((n_space, n_time))
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / np.where(expected > 0, expected, 1.0), np.nan)

    p_value = np.full((n_space, n_time), np.nan)
    simulated_mean = np.full((n_space, n_time), np.nan)
    if permutations:
        reached, total = counter.simulate(observed, permutations, seed, workers)
        p_value = (reached + 1.0) / (permutations + 1.0)
        simulated_mean = total / permutations

    return KnoxTest(
        space_edges=_frozen(space_edges),
        time_edges=_frozen(time_edges),
        observed=_frozen(observed),
        expected=_frozen(np.asarray(expected, dtype=np.float64)),
        ratio=_frozen(ratio),
        p_value=_frozen(p_value),
        simulated_mean=_frozen(simulated_mean),
        space_pairs=_frozen(space_pairs),
        time_pairs=_frozen(time_pairs),
        total_pairs=total_pairs,
        n_events=n,
        permutations=permutations,
        seed=seed,
    )
