"""Hot spots on a count grid: Getis-Ord Gi*, its inference, the FDR, and trends.

Everything works on a dense 2-D grid of event counts (see :mod:`.grid`) and is
computed with window sums over the neighbourhood footprint, never with a
spatial weights object: the statistic for all cells costs a few array passes.

Gi* with binary weights
-----------------------
For cell ``i`` with neighbourhood ``N(i)`` (the cell itself included, the
"star"), ``n`` cells, values ``y``, mean ``ybar`` and population standard
deviation ``s``::

    W_i = |N(i)|,  L_i = sum_{j in N(i)} y_j
    z_i = (L_i - ybar * W_i) / (s * sqrt((n * W_i - W_i**2) / (n - 1)))

(Ord & Getis 1995, eq. 14; Getis & Ord 1992). This is the Gi* z-score ArcGIS
*Hot Spot Analysis* reports for binary weights, and it equals
``esda.G_Local(y, w, star=True, transform='B').Zs`` with the same binary
contiguity or distance-band weights. esda's *default* ``transform='R'``
row-standardises the weights, which divides ``z_i`` by about ``sqrt(W_i)``: a
third of this value for the 9-cell queen neighbourhood. Compare with
``transform='B'``.

Inference: which p-value, and why
---------------------------------
Event counts per cell are skewed and mostly zero. The normal approximation
treats a cell's own count like any other value, so in a sparse grid a single
cell with a few events gets a large z on its own (its count is many standard
deviations above a mean near zero) whatever its neighbours hold. On a synthetic
kommun (400 x 400 cells of 250 m, 30,000 clustered events, queen) with the
counts *shuffled* over the cells, so that nothing clusters, the normal
approximation gave p < 0.05 to 22 % of the cells holding at least 3 events and
after the FDR still called 271 of them hot; the conditional null below gave
p < 0.05 to 3.8 % and called none hot. On the clustered counts themselves the
two mark very different shares too: 2,781 cells at p < 0.05 by the normal
approximation, 5,037 by the conditional null.

So the p-value is *conditional* (Anselin 1995, section 4): cell ``i`` keeps its
own count and its ``m = W_i - 1`` neighbours are replaced by random other
cells; the p-value asks whether the neighbourhood is unusual *given* the
cell's own count. Three ways to get it (``inference=``):

``"convolution"`` (the product's default)
    The exact distribution of the sum of ``m`` draws from the other cells'
    counts, computed by FFT convolution of their count distribution (the
    count-distribution null). Draws are taken with replacement, which differs
    from permutation by ``O(m / n)`` and errs on the conservative side
    (Hoeffding 1963, theorem 4); it matches 200,000 permutations within Monte
    Carlo error in the tests. The transforms are only as long as the observed
    sums need, with a Chernoff bound keeping the probability that wraps around
    under 1e-17. It is the default because it is deterministic,
    so the map never depends on a seed, and it resolves small p-values (down
    to about 1e-12), which the FDR over thousands of cells needs, where
    ``P`` permutations cannot go below ``1 / (P + 1)``. It needs whole-number
    counts.
``"permutation"``
    Conditional permutation, seeded: the neighbours are a random sample
    *without* replacement of the other cells, ``P`` times (default 9,999).
    Use it for small grids (under a few thousand cells) or non-integer values.
``"normal"``
    The analytic p-value of the z-score, as ArcGIS reports it (two-sided there).

The permutations are shared: each of the ``P`` draws is one random sequence of
distinct cells, and cell ``i`` with ``m`` neighbours uses its first ``m``
cells, with ``i`` itself replaced by the ``(m+1)``-th cell when it was drawn,
which gives a uniform sample of the others. The ``P`` simulated sums for each
neighbourhood size are tabulated (or sorted) once and every cell is answered by
a look-up. The swap is applied only where it changes the sum (the incoming and
outgoing cells hold different counts, rarely on a sparse grid) and crosses the
observed value. This is the same shared scheme as esda's ``crand``, vectorised
and drawn in blocks of rows that keep every temporary array small, so 9,999
permutations of a 400 x 400 grid with an 81-cell neighbourhood take about
30 ms (``bench/bench_place.py``).

Tie rule: counts tie often (many neighbourhoods sum to 0). A simulated sum
*equal* to the observed one counts as at least as extreme, in both tails::

    p_greater = (1 + #{sim >= obs}) / (P + 1)
    p_less    = (1 + #{sim <= obs}) / (P + 1)

so a cell whose neighbourhood holds the most common value is never
significant (the convolution null uses ``P(sum >= obs)`` likewise). esda's
default "directed" p-value counts ties only in the upper tail, and so calls
all-zero neighbourhoods significant cold spots.

Hot spots, minimum count and the FDR
------------------------------------
The product looks for hot spots: p-values are one-sided (``p_greater``). A
cell is *tested* when it is in the mask and holds at least ``min_count``
events (default 3: one or two events fall anywhere by chance; a hot place has
repeat events, Sherman, Gartin & Buerger 1989). The Benjamini-Hochberg false
discovery rate (Benjamini & Hochberg 1995) is controlled over the tested cells
and a cell is *hot* when its q-value is at most ``alpha``. Selecting cells by
their own count does not bias the conditional p-values, because the conditional
null holds that count fixed (independent filtering, Bourgon, Gentleman
& Huber 2010); BH is valid under the positive dependence of overlapping
neighbourhoods (Benjamini & Yekutieli 2001; Caldas de Castro & Singer 2006).
With permutation p-values, whose smallest value is ``1 / (P + 1)``, BH can mark
hot spots only if some ``k`` tested cells reach ``p <= alpha * k / n_tested``;
with 9,999 permutations that needs ``k >= n_tested / 500``.

Map stability: the same counts always give the same map with the default
(convolution) null, whatever the seed; the tests check it on the demo data of
the seed kommuner. With permutation inference the seed moves p-values by their
Monte Carlo error, which matters only for cells near the BH threshold: on the
demo data of the five seed kommuner (250 m cells, queen, at least 3 events,
9,999 permutations; all events, police events, and police events of each of
five years) two seeds gave different hot spots in 55 of 315 pairs of seeds,
usually by one cell, and still in 15 of 315 with 99,999 permutations. So
``resolve=True`` (what :func:`.place.hotspot_map` uses) gives the cells whose
decision is in doubt more draws, up to about a million, and classes the few
still in doubt as undecided (:func:`_resolve`): then no decided cell differed
between seeds in the 315 pairs. On the benchmark's kommun two seeds gave
identical hot spots even without it, and on a synthetic town with wide, diffuse
clusters the tests check that two seeds differ only on cells the convolution
null puts at 0.02 < q < 0.1, at most a tenth of the hot cells.

Undefined values: when every cell holds the same value (an empty or all-zero
grid) ``s = 0`` and z is undefined; it is NaN, as are the p-values, and no cell
is hot. Cells outside the mask are NaN too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt

from .grid import (
    DEFAULT_CELL_SIZE,
    GridCounts,
    Neighbourhood,
    _window_cells,
    footprint,
    window_sum,
)

__all__ = [
    "CATEGORIES",
    "DEFAULT_ALPHA",
    "DEFAULT_MIN_COUNT",
    "DEFAULT_PERMUTATIONS",
    "RESOLVE_ERROR",
    "RESOLVE_ROUNDS",
    "EmergingHotspots",
    "FalseDiscovery",
    "GiStar",
    "Inference",
    "MannKendall",
    "PermutationTest",
    "benjamini_hochberg",
    "conditional_permutation",
    "emerging_hotspots",
    "gi_star",
    "mann_kendall",
]

DEFAULT_PERMUTATIONS = 9999
DEFAULT_MIN_COUNT = 3
DEFAULT_ALPHA = 0.05

Inference: TypeAlias = Literal["convolution", "permutation", "normal"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

# Tabulating simulated sums is used while the tables stay this small.
_MAX_TABLE = 1 << 22
# Draws per block of permutations (rows x neighbours): temporaries of at most 512 kB,
# which the allocator reuses from block to block.
_BLOCK = 1 << 16


_A = TypeVar("_A", bound=np.ndarray)


def _frozen(array: _A) -> _A:
    """Mark an array read-only, so the frozen result really is immutable."""
    array.flags.writeable = False
    return array


def _normal_sf(z: FloatArray) -> FloatArray:
    """``1 - Phi(z)``, accurate in the upper tail; NaN stays NaN."""
    from scipy.special import ndtr

    upper = np.array(z, dtype=np.float64)
    np.negative(upper, out=upper)
    ndtr(upper, out=upper)
    return upper


# --------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    values: npt.NDArray[np.int64] | FloatArray  # zero outside the mask
    valid: BoolArray
    cell_size: float
    masked: bool  # False when every cell is valid


def _prepare(
    counts: npt.ArrayLike | GridCounts,
    cell_size: float | None,
    mask: npt.ArrayLike | None,
) -> _Prepared:
    if isinstance(counts, GridCounts):
        if cell_size is not None and float(cell_size) != counts.grid.cell_size:
            raise ValueError(
                f"cell_size {cell_size!r} differs from the grid's {counts.grid.cell_size!r}"
            )
        size = counts.grid.cell_size
        array = np.asarray(counts.counts)
    else:
        size = DEFAULT_CELL_SIZE if cell_size is None else float(cell_size)
        array = np.asarray(counts)
    if array.ndim != 2:
        raise ValueError(f"counts must be a 2-D grid, got shape {array.shape}")
    if array.dtype.kind == "b":
        array = array.astype(np.int64)
    elif array.dtype.kind in "iu":
        array = array.astype(np.int64, copy=False)
    elif array.dtype.kind == "f":
        array = array.astype(np.float64, copy=False)
        if not np.isfinite(array).all():
            raise ValueError("counts must be finite (no NaN or infinity)")
    else:
        raise ValueError(f"counts must be numbers, got dtype {array.dtype}")
    if array.size and array.min() < 0:
        raise ValueError("counts must be >= 0: Gi* is defined for non-negative values")
    if mask is None:
        valid = np.ones(array.shape, dtype=bool)
    else:
        valid = np.asarray(mask)
        if valid.dtype.kind != "b":
            raise ValueError(f"mask must be boolean, got dtype {valid.dtype}")
        if valid.shape != array.shape:
            raise ValueError(f"mask shape {valid.shape} differs from counts shape {array.shape}")
    values = np.where(valid, array, 0) if mask is not None else array
    return _Prepared(values, valid, size, mask is not None)


def _check_alpha(alpha: float, name: str = "alpha") -> float:
    value = float(alpha)
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {alpha!r}")
    return value


def _check_permutations(permutations: int) -> int:
    if isinstance(permutations, bool) or int(permutations) != permutations or permutations < 1:
        raise ValueError(f"permutations must be a whole number >= 1, got {permutations!r}")
    return int(permutations)


# --------------------------------------------------------------------------
# The statistic
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Moments:
    z: FloatArray
    lag: npt.NDArray[np.int64] | FloatArray
    cardinality: IntArray
    n: int
    mean: float
    std: float


def _moments(prepared: _Prepared, shape: npt.NDArray[np.bool_]) -> _Moments:
    y = prepared.values
    valid = prepared.valid
    n = int(valid.sum())
    lag = window_sum(y, shape)
    if prepared.masked:
        cardinality = np.asarray(window_sum(valid, shape), dtype=np.int64)
    else:
        cardinality = _window_cells(valid.shape[0], valid.shape[1], shape)
    total: int | float
    if y.dtype.kind == "i":
        whole = int(y.sum())
        # n * sum(y^2) - (sum y)^2 exactly, in Python integers.
        flat = y.reshape(-1)
        spread = float(n * int(np.dot(flat, flat)) - whole * whole)
        total = whole
    else:
        total = float(y.sum())
        centred = np.where(valid, y - (total / n if n else 0.0), 0.0)
        spread = float(n * (centred * centred).sum())
    mean = total / n if n else math.nan
    std = math.sqrt(spread) / n if n and spread > 0 else 0.0
    # z = (n L - S1 W) / (sqrt(n S2 - S1^2) sqrt(W (n - W) / (n - 1))), in place.
    w = cardinality.astype(np.float64)
    z = np.array(lag, dtype=np.float64)
    if n > 1 and spread > 0:
        scale = np.subtract(n, w)
        scale *= w
        scale *= spread / (n - 1)
        np.sqrt(scale, out=scale)
        z *= n
        w *= float(total)
        z -= w
        with np.errstate(divide="ignore", invalid="ignore"):
            z /= scale
        z[scale <= 0] = np.nan  # the neighbourhood is the whole grid
        if prepared.masked:
            z[~valid] = np.nan
    else:
        z.fill(np.nan)
    return _Moments(z, lag, cardinality, n, float(mean), std)


# --------------------------------------------------------------------------
# Conditional permutation
# --------------------------------------------------------------------------


def _draw_distinct(rng: np.random.Generator, n: int, k: int, rows: int) -> npt.NDArray[Any]:
    """``rows`` uniform random sequences of ``k`` distinct integers below ``n``.

    The integers are int32 when ``n`` allows (half the memory traffic of the
    look-ups that follow), else intp.
    """
    dtype = np.int32 if n < 2**31 else np.intp
    if k == 0:
        return np.empty((rows, 0), dtype=dtype)
    if k * k <= n:
        # Draw with replacement and redraw the rows with a repeat (rare: < 40 %).
        draws = rng.integers(0, n, size=(rows, k), dtype=dtype)
        redo = np.arange(rows)
        while redo.size:
            ordered = np.sort(draws[redo], axis=1)
            repeated = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
            redo = redo[repeated]
            if redo.size:
                draws[redo] = rng.integers(0, n, size=(redo.size, k), dtype=dtype)
        return draws
    if n <= 256:
        # Small pools: the first k of a uniform random ordering of each row.
        return np.argsort(rng.random((rows, n)), axis=1)[:, :k].astype(dtype)
    draws = np.empty((rows, k), dtype=dtype)
    for row in range(rows):
        draws[row] = rng.choice(n, size=k, replace=False)
    return draws


def _tail_counts(
    pool: npt.NDArray[Any],
    others: npt.NDArray[Any],
    m: IntArray,
    permutations: int,
    rng: np.random.Generator,
) -> tuple[IntArray, IntArray]:
    """How many of ``permutations`` conditional draws reach ``>=`` and ``<=`` the observed.

    ``pool`` holds the value of each of the ``n`` cells, ``others[i]`` the
    observed sum over the ``m[i]`` neighbours of cell ``i`` (itself excluded).
    The draws are made in blocks of rows small enough that every temporary
    array stays small (at most 512 kB) and the allocator reuses its memory
    instead of mapping fresh pages for every call.
    """
    n = pool.size
    count = permutations
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    m_max = int(m.max())
    if m_max == 0:
        return (
            np.where(others <= 0, count, 0).astype(np.int64),
            np.where(others >= 0, count, 0).astype(np.int64),
        )
    width = m_max + 1
    rows = max(1, _BLOCK // width)
    blocks = (
        _draw_distinct(rng, n, width, min(rows, count - start)) for start in range(0, count, rows)
    )
    return _shared_tail_counts(pool, others, m, count, blocks)


def _shared_tail_counts(
    pool: npt.NDArray[Any],
    others: npt.NDArray[Any],
    m: IntArray,
    permutations: int,
    blocks: Iterable[npt.NDArray[Any]],
) -> tuple[IntArray, IntArray]:
    """:func:`_tail_counts` for given shared draws.

    ``blocks`` yields arrays of shape ``(rows, m_max + 1)`` whose rows add up to
    ``permutations``; each row is one random sequence of distinct cells. Cell
    ``i`` uses the first ``m[i]`` cells of a row, with ``i`` itself swapped for
    cell ``m[i]`` of the row when it is among them.
    """
    n = pool.size
    m_max = int(m.max())
    if pool.dtype.kind == "i" and int(pool.sum()) < 2**31:
        # Every simulated or observed sum fits: halve the memory traffic.
        pool = pool.astype(np.int32)
        others = others.astype(np.int32)
    key = m.astype(np.int16) if m_max < 2**15 else m
    slots = np.arange(m_max, dtype=key.dtype)
    sums = np.zeros((permutations, m_max + 2), dtype=pool.dtype)
    ge_swapped = np.zeros(n, dtype=np.int64)
    le_swapped = np.zeros(n, dtype=np.int64)
    done = 0
    for draws in blocks:
        rows = draws.shape[0]
        block = sums[done : done + rows]  # block[:, j] = the sum of the first j draws
        done += rows
        drawn = pool[draws]
        np.cumsum(drawn, axis=1, out=block[:, 1:])
        # Where cell i = draws[r, s] drew itself among its first m[i] (s < m[i]),
        # the true draw swaps it for draws[r, m[i]], so its simulated sum is
        # block[r, m[i]] - pool[i] + drawn[r, m[i]]. The swap changes nothing
        # when the incoming value equals the outgoing one (mostly 0 for 0 on a
        # sparse grid), so only the other pairs are looked at, and a count
        # changes only where the swap moves the sum across the observed one.
        own = key[draws[:, :m_max]]
        row_start = np.arange(0, rows * (m_max + 1), m_max + 1, dtype=np.intp)
        at = own.astype(np.intp)
        at += row_start[:, None]
        incoming = drawn.reshape(-1)[at]
        swap = incoming != drawn[:, :m_max]
        swap &= own > slots
        pair = np.flatnonzero(swap)
        if not pair.size:
            continue
        row = pair // m_max
        cell = draws.reshape(-1)[pair + row]
        before = block.reshape(-1)[row * (m_max + 2) + own.reshape(-1)[pair]]
        after = before - pool[cell]
        after += incoming.reshape(-1)[pair]
        target = others[cell]
        for swapped, compare in ((ge_swapped, np.greater_equal), (le_swapped, np.less_equal)):
            now = compare(after, target)
            moved = compare(before, target)
            np.not_equal(moved, now, out=moved)
            if moved.any():
                np.add.at(swapped, cell[moved], np.where(now[moved], 1, -1))
    if done != permutations:
        raise ValueError(f"the blocks hold {done} draws, not {permutations}")

    present = np.flatnonzero(np.bincount(m, minlength=m_max + 1))
    ge = np.empty(n, dtype=np.int64)
    le = np.empty(n, dtype=np.int64)
    count = permutations
    tabulated = False
    if pool.dtype.kind == "i":
        tops = sums[:, present].max(axis=0).astype(np.int64)
        if int(tops.sum()) + 2 * present.size <= _MAX_TABLE:
            # Whole numbers: tabulate #{sim >= t} and #{sim <= t} for every t,
            # once per neighbourhood size; every cell is then one look-up.
            lengths = np.zeros(m_max + 1, dtype=np.int64)
            lengths[present] = tops + 2
            offsets = np.zeros(m_max + 1, dtype=np.int64)
            offsets[1:] = np.cumsum(lengths)[:-1]
            ge_table = np.zeros(int(lengths.sum()), dtype=np.int64)
            le_table = np.zeros_like(ge_table)
            for size, top in zip(present.tolist(), tops.tolist(), strict=True):
                at_most = np.cumsum(np.bincount(sums[:, size], minlength=top + 1))
                start = offsets[size]
                le_table[start : start + top + 1] = at_most
                le_table[start + top + 1] = count
                ge_table[start] = count
                ge_table[start + 1 : start + top + 2] = count - at_most
            index = offsets[m] + np.minimum(others, lengths[m] - 1)
            ge = ge_table[index]
            le = le_table[index]
            tabulated = True
    if not tabulated:
        order = np.argsort(key, kind="stable")
        bounds = np.searchsorted(m[order], np.append(present, m_max + 1))
        for g, size in enumerate(present.tolist()):
            cells = order[bounds[g] : bounds[g + 1]]
            simulated = np.sort(sums[:, size])
            observed = others[cells]
            ge[cells] = count - np.searchsorted(simulated, observed, side="left")
            le[cells] = np.searchsorted(simulated, observed, side="right")
    ge += ge_swapped
    le += le_swapped
    return ge, le


@dataclass(frozen=True, eq=False)
class PermutationTest:
    """Conditional permutation counts for the neighbourhood sum of every cell.

    Attributes
    ----------
    greater_equal, less_equal : ndarray of int64, grid shape
        How many of the ``permutations`` simulated neighbourhood sums were
        ``>=`` (resp. ``<=``) the observed one. Zero outside the mask.
    permutations : int
    valid : ndarray of bool
        The cells tested (the mask).
    """

    greater_equal: IntArray
    less_equal: IntArray
    permutations: int
    valid: BoolArray

    def _p(self, hits: IntArray) -> FloatArray:
        p = np.asarray((hits + 1.0) / (self.permutations + 1.0), dtype=np.float64)
        p[~self.valid] = np.nan
        return p

    @property
    def p_greater(self) -> FloatArray:
        """One-sided p-value for a high neighbourhood sum (hot spot)."""
        return self._p(self.greater_equal)

    @property
    def p_less(self) -> FloatArray:
        """One-sided p-value for a low neighbourhood sum (cold spot)."""
        return self._p(self.less_equal)

    @property
    def p_folded(self) -> FloatArray:
        """The smaller one-sided p-value: esda's ``p_sim`` (``alternative='directed'``)."""
        return self._p(np.minimum(self.greater_equal, self.less_equal))

    @property
    def p_two_sided(self) -> FloatArray:
        """Twice the smaller one-sided p-value, capped at 1."""
        return np.minimum(1.0, 2.0 * self.p_folded)


def _permutation(
    prepared: _Prepared,
    moments: _Moments,
    permutations: int,
    rng: np.random.Generator,
) -> PermutationTest:
    valid = prepared.valid
    y = prepared.values
    if prepared.masked:
        pool = y[valid]
        others = np.asarray(moments.lag[valid] - pool, dtype=pool.dtype)
        m = moments.cardinality[valid] - 1
    else:  # every cell: flat views, no boolean gathers
        pool = y.reshape(-1)
        others = np.asarray(moments.lag.reshape(-1) - pool, dtype=pool.dtype)
        m = moments.cardinality.reshape(-1) - 1
    ge_valid, le_valid = _tail_counts(pool, others, m, permutations, rng)
    if prepared.masked:
        ge = np.zeros(valid.shape, dtype=np.int64)
        le = np.zeros(valid.shape, dtype=np.int64)
        ge[valid] = ge_valid
        le[valid] = le_valid
    else:
        ge = ge_valid.reshape(valid.shape)
        le = le_valid.reshape(valid.shape)
    return PermutationTest(_frozen(ge), _frozen(le), permutations, _frozen(valid.copy()))


def conditional_permutation(
    counts: npt.ArrayLike | GridCounts,
    neighbourhood: Neighbourhood = "queen",
    *,
    cell_size: float | None = None,
    mask: npt.ArrayLike | None = None,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = 0,
) -> PermutationTest:
    """Conditional permutation test of every cell's Gi* (Anselin 1995).

    Under the null hypothesis the values are exchangeable among cells. Holding
    cell ``i``'s own value fixed, its ``W_i - 1`` neighbours are replaced by a
    random sample without replacement of the other ``n - 1`` cells, and the
    neighbourhood sum ``L_i`` (which orders cells exactly as Gi* does, as the
    mean, variance and ``W_i`` do not change under the permutation) is
    recomputed ``permutations`` times. Draws are shared between cells as
    described in the module docstring; the tie rule counts equal sums as at
    least as extreme in both tails.

    Parameters
    ----------
    counts : 2-D array_like or GridCounts
        Non-negative values per cell (event counts).
    neighbourhood : {"queen", "rook"} or float
        See :func:`.grid.footprint`; the cell itself is always included (Gi*).
    cell_size : float, optional
        Cell side in metres (for a distance band); taken from a GridCounts.
    mask : 2-D array of bool, optional
        Cells that can hold events; the others take no part (default: all).
    permutations : int
        Number of draws ``P`` (default 9,999).
    seed : int
        Seed for ``numpy.random.default_rng``.

    Returns
    -------
    PermutationTest

    Examples
    --------
    >>> counts = np.zeros((12, 12), dtype=int)
    >>> counts[5:8, 5:8] = 6
    >>> test = conditional_permutation(counts, "queen", permutations=999, seed=1)
    >>> float(test.p_greater[6, 6])  # no random 9-cell neighbourhood reaches 54
    0.001
    >>> round(float(test.p_less[0, 0]), 2)  # an all-zero corner: ties count against it
    0.83
    """
    permutations = _check_permutations(permutations)
    prepared = _prepare(counts, cell_size, mask)
    moments = _moments(prepared, footprint(neighbourhood, prepared.cell_size))
    return _permutation(prepared, moments, permutations, np.random.default_rng(seed))


# --------------------------------------------------------------------------
# The conditional randomisation null by convolution
# --------------------------------------------------------------------------

_MAX_FFT = 1 << 24  # longest transform the convolution null will use
_P_FLOOR = 1e-15  # p-values are resolved down to about 1e-12; never reported as 0
_FFT_WORKERS = 2
_WRAP = 1e-17  # largest probability a shortened transform may wrap around


def _transform_length(pmf: FloatArray, m_max: int, shortest: int) -> int:
    """Length of the circular convolutions: no more than the survival values need.

    A transform of length ``L`` computes the ``j``-fold convolution of ``pmf``
    modulo ``L``: the probability of sums ``>= L`` wraps onto ``[0, L)``, which
    moves no survival value ``S(t)`` by more than ``P(S_j >= L)``. For sums of
    ``j <= m_max`` non-negative draws, Chernoff's bound (Chernoff 1952) gives, for
    every ``theta > 0``, ``P(S_j >= L) <= exp(-theta L) M(theta)^m_max`` with
    ``M`` the moment generating function of one draw. So any
    ``L >= (m_max log M(theta) - log _WRAP) / theta`` keeps the wrapped
    probability under ``_WRAP``; the smallest such ``L`` over a grid of
    ``theta`` is used, or ``shortest`` (the survival values asked for) when it
    is longer. Sums of a few tens of sparse counts rarely reach a tenth of
    ``m_max`` times the largest count, so this is several times shorter than a
    wrap-free transform.
    """
    from scipy.special import logsumexp

    values = np.flatnonzero(pmf)
    theta = np.logspace(-7.0, 1.0, 321)
    log_mgf = logsumexp(theta[:, None] * values + np.log(pmf[values]), axis=1)
    needed = float(np.min((m_max * log_mgf - math.log(_WRAP)) / theta))
    return max(shortest, math.ceil(needed))


def _expansion_terms(m_max: int, n: int) -> int:
    """Terms of the self-exclusion expansion needed for 1e-17 accuracy."""
    bound = 1.0
    for k in range(1, m_max + 1):
        bound *= (m_max - k + 1) / (k * n)  # C(m, k) / n^k
        if bound < 1e-17:
            return k - 1
    return m_max


def _batches(needed: list[int], length: int) -> list[list[int]]:
    """Split the convolution orders into batches of at most ~2**22 spectrum values."""
    per_batch = max(1, (1 << 22) // (length // 2 + 1))
    return [needed[i : i + per_batch] for i in range(0, len(needed), per_batch)]


def _convolution_p(
    pool: IntArray,
    others: IntArray,
    m: IntArray,
    own: IntArray,
) -> FloatArray:
    """``P(sum of m draws >= others)`` for each cell, draws from the other cells.

    The draws are independent picks from the empirical distribution of the
    ``n - 1`` other cells, ``f_i = (n f - delta_{y_i}) / (n - 1)`` with ``f`` the
    distribution over all ``n`` cells. Expanding ``f_i^{*m}`` binomially,

        S_i(t) = (n / (n-1))^m * sum_k C(m, k) (-1/n)^k S^(m-k)(t - k y_i)

    where ``S^(j)`` is the survival function of the ``j``-fold convolution of
    ``f``, computed once for every ``j`` by FFT. The terms shrink like
    ``(m/n)^k / k!``, so a few suffice on real grids.
    """
    from scipy.fft import irfft, next_fast_len, rfft

    n = pool.size
    cells = others.size
    if cells == 0:
        return np.zeros(0)
    if n <= 1:
        return np.ones(cells)
    m_max = int(m.max())
    top = int(pool.max())
    if m_max == 0 or top == 0:
        return np.where(others <= 0, 1.0, 0.0)
    span = m_max * top + 1
    highest = int(others.max())  # no cell asks for S(t) beyond this
    one_draw = np.bincount(pool) / n
    # S(t) is needed up to highest + 1, and the pmf must fit: no wrap-around
    # below that, and at most _WRAP of probability wrapped onto it.
    length = _transform_length(one_draw, m_max, max(top + 1, highest + 2))
    length = next_fast_len(min(length, span), real=True)
    if length > _MAX_FFT:
        raise ValueError(
            f"the convolution null would need a transform of {length:,} points "
            f"(largest count {top:,} times {m_max} neighbours); use inference='permutation'"
        )
    terms = _expansion_terms(m_max, n)
    spectrum = rfft(one_draw, length)
    # Group cells by neighbourhood size (small keys sort by radix in one pass)
    # and work on each group as a contiguous slice.
    key = m.astype(np.int16) if m_max < 2**15 else m
    order = np.argsort(key, kind="stable")
    bounds = np.searchsorted(m[order], np.arange(m_max + 2)).tolist()
    sorted_others = others[order]
    sorted_own = own[order]
    total = np.zeros(cells)
    scratch = np.empty(cells, dtype=np.int64)
    needed = list(range(max(0, int(m.min()) - terms), m_max + 1))
    for batch in _batches(needed, length):
        # The j-fold convolutions of f for this batch of j, in one inverse FFT.
        powers = np.empty((len(batch), spectrum.size), dtype=spectrum.dtype)
        powers[0] = spectrum ** batch[0]
        for row in range(1, len(batch)):
            np.multiply(powers[row - 1], spectrum, out=powers[row])
        pmfs = irfft(powers, length, axis=-1, workers=_FFT_WORKERS)
        for row, j in enumerate(batch):
            pmf = np.maximum(pmfs[row, : j * top + 1], 0.0)
            limit = min(j * top, highest)
            survival = np.empty(limit + 2)
            survival[-1] = pmf[limit + 1 :].sum()  # S(limit + 1)
            survival[:-1] = np.cumsum(pmf[limit::-1])[::-1]
            survival[:-1] += survival[-1]
            np.minimum(survival, 1.0, out=survival)
            for k in range(terms + 1):
                size = j + k
                if size > m_max:
                    break
                start, stop = bounds[size], bounds[size + 1]
                if start == stop:
                    continue
                # (n/(n-1))^m C(m, k) (-1/n)^k S^(m-k)(t - k y_i)
                coefficient = math.exp(size * math.log1p(1.0 / (n - 1))) * math.comb(size, k)
                coefficient *= (-1.0 / n) ** k
                index = scratch[start:stop]
                np.multiply(sorted_own[start:stop], -k, out=index)
                index += sorted_others[start:stop]
                np.clip(index, 0, survival.size - 1, out=index)
                total[start:stop] += coefficient * survival[index]
    np.clip(total, _P_FLOOR, 1.0, out=total)
    p = np.empty(cells)
    p[order] = total
    return p


def _convolution(prepared: _Prepared, moments: _Moments) -> FloatArray:
    """One-sided upper p-values of every valid cell under the convolution null."""
    valid = prepared.valid
    y = prepared.values
    if y.dtype.kind != "i":
        raise ValueError(
            "the convolution null needs whole-number counts; use inference='permutation' "
            "for other values"
        )
    pool = np.asarray(y[valid], dtype=np.int64)
    others = np.asarray(moments.lag[valid] - pool, dtype=np.int64)
    # Any sum of counts is >= 0: where the neighbours hold nothing, p = 1 exactly.
    active = others > 0
    m = np.asarray(moments.cardinality[valid][active] - 1, dtype=np.int64)
    inside = np.ones(pool.size)
    inside[active] = _convolution_p(pool, others[active], m, pool[active])
    p = np.full(valid.shape, np.nan)
    p[valid] = inside
    return p


# --------------------------------------------------------------------------
# False discovery rate
# --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class FalseDiscovery:
    """Benjamini-Hochberg q-values.

    Attributes
    ----------
    q : ndarray of float64
        Adjusted p-values, same shape as the input; NaN where the input was NaN
        (not part of the family).
    significant : ndarray of bool
        ``q <= alpha``: the hypotheses the BH step-up procedure rejects.
    alpha : float
    """

    q: FloatArray
    significant: BoolArray
    alpha: float


def _q_values(values: FloatArray) -> FloatArray:
    """Benjamini-Hochberg q-values of a 1-D array of p-values (no NaN)."""
    m = values.size
    if m == 0:
        return np.zeros(0)
    order = np.argsort(values)  # tied p-values get the same q whatever their order
    scaled = values[order] * (m / np.arange(1, m + 1))
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(adjusted, 1.0)
    return q


def benjamini_hochberg(p_values: npt.ArrayLike, alpha: float = DEFAULT_ALPHA) -> FalseDiscovery:
    """Benjamini-Hochberg false discovery rate control (Benjamini & Hochberg 1995).

    With the ``m`` finite p-values sorted, ``p_(1) <= ... <= p_(m)``, the step-up
    procedure rejects ``H_(1) ... H_(k)`` for the largest ``k`` with
    ``p_(k) <= k * alpha / m``. The q-value of ``H_(i)`` is
    ``min(1, min_{j >= i} m * p_(j) / j)``, the smallest ``alpha`` at which it is
    rejected, so ``q <= alpha`` is exactly the rejected set. NaN p-values are
    left out of the family (their q is NaN).

    Parameters
    ----------
    p_values : array_like
        Any shape, values in [0, 1] or NaN.
    alpha : float
        The false discovery rate to control (default 0.05).

    Examples
    --------
    The fifteen p-values of Benjamini & Hochberg (1995, section 4.1): the
    procedure rejects the four smallest at 0.05.

    >>> p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
    ...      0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000]
    >>> result = benjamini_hochberg(p, 0.05)
    >>> int(result.significant.sum()), round(float(result.q[3]), 6)
    (4, 0.035625)
    """
    alpha = _check_alpha(alpha)
    p = np.asarray(p_values, dtype=np.float64)
    flat = p.reshape(-1)
    family = np.flatnonzero(~np.isnan(flat))
    values = flat[family]
    if values.size and (values.min() < 0 or values.max() > 1):
        raise ValueError("p-values must lie in [0, 1] (or be NaN)")
    q_flat = np.full(flat.shape, np.nan)
    q_flat[family] = _q_values(values)
    q: FloatArray = q_flat.reshape(p.shape)
    with np.errstate(invalid="ignore"):
        significant = q <= alpha
    return FalseDiscovery(_frozen(q), _frozen(significant), alpha)


# --------------------------------------------------------------------------
# Resolving permutation decisions that Monte Carlo error leaves in doubt
# --------------------------------------------------------------------------

# Extra draws, round by round, for the cells whose FDR decision is still in doubt.
RESOLVE_ROUNDS = (90_000, 900_000)
# Two-sided error of each cell's Clopper-Pearson interval for its exact p-value.
RESOLVE_ERROR = 1e-6


def _clopper_pearson(
    hits: IntArray, draws: IntArray, error: float
) -> tuple[FloatArray, FloatArray]:
    """Exact binomial interval for ``hits / draws`` (Clopper & Pearson 1934)."""
    from scipy.special import betaincinv

    h = hits.astype(np.float64)
    d = draws.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(h > 0, betaincinv(h, d - h + 1.0, error / 2), 0.0)
        high = np.where(h < d, betaincinv(h + 1.0, d - h, 1.0 - error / 2), 1.0)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def _resolve(
    prepared: _Prepared,
    moments: _Moments,
    test: PermutationTest,
    tested: BoolArray,
    alpha: float,
    rng: np.random.Generator,
) -> tuple[FloatArray, int, BoolArray]:
    """Permutation p-values with more draws where the FDR decision is in doubt.

    After the shared draws every tested cell's exact p-value (the probability
    of a simulated sum ``>=`` the observed) lies, but for an error of
    :data:`RESOLVE_ERROR`, in its Clopper-Pearson interval. Benjamini-Hochberg
    is monotone in the p-values, so the cells it rejects with every p-value at
    its upper bound are surely hot and those it rejects only with every
    p-value at its lower bound are in doubt. Only the cells in doubt get more
    draws (:data:`RESOLVE_ROUNDS`), until none is left (after Gandy & Hahn
    2014, MMCTest; Clopper & Pearson 1934). A cell still in doubt after about a
    million draws has an exact p-value within a few Monte Carlo standard
    errors (about 1 % of p) of the FDR threshold; it is returned as
    *undecided*, and the cells decided agree with the decisions on the exact
    p-values but for an error of about ``RESOLVE_ERROR`` each, so two seeds
    disagree only on undecided cells. Returns the p-values
    ``(1 + hits) / (1 + draws)``, how many cells got more draws, and the
    undecided cells.
    """
    valid = prepared.valid
    hits = np.array(test.greater_equal, dtype=np.int64)
    draws = np.full(hits.shape, test.permutations, dtype=np.int64)
    family = np.flatnonzero(tested.reshape(-1))
    # Position of each grid cell among the valid cells (the permutation pool).
    position = np.cumsum(valid.reshape(-1)) - 1
    y = prepared.values.reshape(-1)
    lag = moments.lag.reshape(-1)
    size = moments.cardinality.reshape(-1)
    keep = valid.reshape(-1)
    pool = y[keep]
    others = np.asarray(lag[keep] - pool, dtype=pool.dtype)
    resolved = np.zeros(hits.size, dtype=bool)
    flat_hits = hits.reshape(-1)
    flat_draws = draws.reshape(-1)
    for extra in RESOLVE_ROUNDS:
        if family.size == 0:
            break
        low, high = _clopper_pearson(flat_hits[family], flat_draws[family], RESOLVE_ERROR)
        doubt = (_q_values(low) <= alpha) & ~(_q_values(high) <= alpha)
        if not doubt.any():
            break
        cells = family[doubt]
        # The cells in doubt are answered; every valid cell still takes part in
        # the draws, the others with no neighbours to draw (m = 0).
        m = np.zeros(pool.size, dtype=np.int64)
        m[position[cells]] = size[cells] - 1
        greater_equal, _ = _tail_counts(pool, others, m, extra, rng)
        flat_hits[cells] += greater_equal[position[cells]]
        flat_draws[cells] += extra
        resolved[cells] = True
    undecided = np.zeros(hits.shape, dtype=bool)
    if family.size:
        low, high = _clopper_pearson(flat_hits[family], flat_draws[family], RESOLVE_ERROR)
        doubt = (_q_values(low) <= alpha) & ~(_q_values(high) <= alpha)
        undecided.reshape(-1)[family[doubt]] = True
    p = (hits + 1.0) / (draws + 1.0)
    p[~valid] = np.nan
    return p, int(resolved.sum()), undecided


# --------------------------------------------------------------------------
# Gi*
# --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class GiStar:
    """Getis-Ord Gi* for every cell of a grid, with its inference and hot spots.

    All arrays have the grid's shape and are read-only.

    Attributes
    ----------
    z : ndarray of float64
        Analytic Gi* z-score (NaN outside the mask or where undefined).
    lag : ndarray
        Neighbourhood sum ``L_i`` (the cell included).
    cardinality : ndarray of int64
        Cells of the mask in the neighbourhood, ``W_i``.
    p_norm : ndarray of float64
        One-sided normal p-value ``1 - Phi(z)``; ArcGIS reports the two-sided
        ``2 * min(p, 1 - p)``.
    p : ndarray of float64
        The one-sided p-value used, by ``inference``: the convolution null
        ``P(L* >= L_i)``, the permutation p-value ``(1 + #{sim >= obs}) / (P+1)``,
        or ``p_norm``.
    tested : ndarray of bool
        Cells in the mask holding at least ``min_count`` events, with a defined p.
    q : ndarray of float64
        Benjamini-Hochberg q-values over the tested cells; NaN elsewhere.
    hot : ndarray of bool
        Hot spots: tested, ``z > 0`` and ``q <= alpha``.
    n : int
        Cells in the mask.
    mean, std : float
        Mean and population standard deviation of the values over the mask.
    inference : {"convolution", "permutation", "normal"}
    permutations : int
        0 unless ``inference="permutation"``.
    seed : int
    alpha : float
    min_count : float
    resolved : int
        Cells given more permutations because their FDR decision was in doubt
        (``inference="permutation"`` with ``resolve=True``); their p-value is
        ``(1 + #{sim >= obs}) / (1 + draws)`` over all their draws.
    undecided : ndarray of bool or None
        Cells whose FDR decision the Monte Carlo error still leaves open after
        the extra draws (never hot); all False unless ``resolve=True``.
    """

    z: FloatArray
    lag: npt.NDArray[np.int64] | FloatArray
    cardinality: IntArray
    p_norm: FloatArray
    p: FloatArray
    tested: BoolArray
    q: FloatArray
    hot: BoolArray
    n: int
    mean: float
    std: float
    inference: Inference
    permutations: int
    seed: int
    alpha: float
    min_count: float
    resolved: int = 0
    undecided: BoolArray | None = None


def _gi_star(
    prepared: _Prepared,
    neighbourhood: Neighbourhood,
    inference: Inference,
    permutations: int,
    rng: np.random.Generator,
    seed: int,
    alpha: float,
    min_count: float,
    resolve: bool = False,
) -> GiStar:
    moments = _moments(prepared, footprint(neighbourhood, prepared.cell_size))
    z = moments.z
    defined = ~np.isnan(z)
    p_norm = _normal_sf(z)  # NaN where z is
    tested = defined & (prepared.values >= min_count)
    if prepared.masked:
        tested &= prepared.valid
    resolved = 0
    undecided = np.zeros(z.shape, dtype=bool)
    if not defined.any():
        p = p_norm
    elif inference == "convolution":
        p = _convolution(prepared, moments)
        p[~defined] = np.nan
    elif inference == "permutation":
        test = _permutation(prepared, moments, permutations, rng)
        if resolve:
            p, resolved, undecided = _resolve(prepared, moments, test, tested, alpha, rng)
        else:
            p = test.p_greater
        p[~defined] = np.nan
    else:
        p = p_norm
    q = np.full(z.shape, np.nan)
    q[tested] = _q_values(p[tested])
    with np.errstate(invalid="ignore"):
        hot = (q <= alpha) & (z > 0) & ~undecided
    return GiStar(
        z=_frozen(z),
        lag=_frozen(moments.lag),
        cardinality=_frozen(moments.cardinality),
        p_norm=_frozen(p_norm),
        p=_frozen(p),
        tested=_frozen(tested),
        q=_frozen(q),
        hot=_frozen(hot),
        n=moments.n,
        mean=moments.mean,
        std=moments.std,
        inference=inference,
        permutations=permutations if inference == "permutation" else 0,
        seed=seed,
        alpha=alpha,
        min_count=min_count,
        resolved=resolved,
        undecided=_frozen(undecided),
    )


def _check_inference(inference: str) -> Inference:
    for known in ("convolution", "permutation", "normal"):
        if inference == known:
            return known
    raise ValueError(
        f"inference must be 'convolution', 'permutation' or 'normal', got {inference!r}"
    )


def _check_min_count(min_count: float) -> float:
    value = float(min_count)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"min_count must be a number >= 0, got {min_count!r}")
    return value


def gi_star(
    counts: npt.ArrayLike | GridCounts,
    neighbourhood: Neighbourhood = "queen",
    *,
    cell_size: float | None = None,
    mask: npt.ArrayLike | None = None,
    inference: Inference = "convolution",
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = 0,
    alpha: float = DEFAULT_ALPHA,
    min_count: float = DEFAULT_MIN_COUNT,
    resolve: bool = False,
) -> GiStar:
    """Getis-Ord Gi* hot spots of a count grid (Getis & Ord 1992; Ord & Getis 1995).

    Computes the binary-weight Gi* z-score of every cell with window sums over
    the neighbourhood (module docstring), its one-sided p-value under the
    conditional null (by convolution, the default, or by permutation) or the
    normal approximation, Benjamini-Hochberg q-values over the cells with at
    least ``min_count`` events, and the hot spots.

    Parameters
    ----------
    counts : 2-D array_like or GridCounts
        Non-negative values per cell, usually event counts.
    neighbourhood : {"queen", "rook"} or float
        Queen or rook contiguity, or a distance band in metres (cells whose
        centres are within it); the cell itself is always included.
    cell_size : float, optional
        Cell side in metres, needed for a distance band; taken from a
        GridCounts, else 250 m.
    mask : 2-D array of bool, optional
        Cells that can hold events (land, built-up area). The others are left
        out of ``n``, the mean, the neighbourhoods and the permutations. Default:
        every cell.
    inference : {"convolution", "permutation", "normal"}
        Which p-value decides significance (default "convolution"; see the
        module docstring for why).
    permutations : int
        Conditional permutations with ``inference="permutation"`` (default 9,999).
    seed : int
        Seed for ``numpy.random.default_rng`` with ``inference="permutation"``.
    alpha : float
        False discovery rate (default 0.05).
    min_count : float
        Events a cell must hold to be tested and called hot (default 3).
    resolve : bool
        With ``inference="permutation"``: give the cells whose FDR decision
        the Monte Carlo error leaves in doubt more permutations until it does
        not (see :data:`RESOLVE_ROUNDS`), and mark the few still in doubt
        ``undecided`` (never hot), so that no decided cell depends on the seed
        (:func:`_resolve`). Default False (the plain shared null of ``permutations``
        draws).

    Returns
    -------
    GiStar

    Examples
    --------
    >>> counts = np.zeros((20, 20), dtype=int)
    >>> counts[8:11, 8:11] = 5
    >>> counts[0, 19] = 4
    >>> result = gi_star(counts, "queen")
    >>> round(float(result.z[9, 9]), 4), float(result.p[9, 9]) < 1e-9
    (19.2848, True)
    >>> int(result.hot.sum()), bool(result.hot[9, 9]), bool(result.hot[0, 19])
    (9, True, False)
    >>> same = gi_star(counts, "queen", inference="permutation", permutations=999, seed=7)
    >>> bool((same.hot == result.hot).all())
    True
    """
    inference = _check_inference(inference)
    if inference == "permutation":
        permutations = _check_permutations(permutations)
    alpha = _check_alpha(alpha)
    min_count = _check_min_count(min_count)
    prepared = _prepare(counts, cell_size, mask)
    return _gi_star(
        prepared,
        neighbourhood,
        inference,
        permutations,
        np.random.default_rng(seed),
        seed,
        alpha,
        min_count,
        bool(resolve),
    )


# --------------------------------------------------------------------------
# Trend across periods
# --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class MannKendall:
    """Mann-Kendall trend test results, one per series.

    Attributes
    ----------
    s : ndarray of float64
        ``S = sum_{i<j} sign(x_j - x_i)`` over the finite values.
    var_s : ndarray of float64
        Variance of S under no trend, with the tie correction.
    z : ndarray of float64
        ``(S - sign(S)) / sqrt(var_s)`` (continuity-corrected); NaN with fewer
        than three finite values, 0 when all values tie.
    p : ndarray of float64
        Two-sided p-value ``2 * (1 - Phi(|z|))``.
    n : ndarray of int64
        Finite values in each series.
    """

    s: FloatArray
    var_s: FloatArray
    z: FloatArray
    p: FloatArray
    n: IntArray


def mann_kendall(series: npt.ArrayLike, axis: int = 0) -> MannKendall:
    """Mann-Kendall test for a monotonic trend (Mann 1945; Kendall 1975).

    For each series ``x_1 .. x_n`` (time along ``axis``),
    ``S = sum_{i<j} sign(x_j - x_i)`` and, with ``t_g`` the sizes of the groups
    of tied values,
    ``Var(S) = [n(n-1)(2n+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18``
    (Kendall 1975, *Rank Correlation Methods*, ch. 4). The continuity-corrected
    ``z = (S - sign(S)) / sqrt(Var(S))`` is compared with the normal
    distribution, which Kendall shows is adequate from about n = 10; with
    fewer periods treat the p-value as a guide. NaN values are left out of their
    series. All series are tested at once, in ``O(n^2)`` array passes.

    Parameters
    ----------
    series : array_like
        Values with time along ``axis`` (for example Gi* z-scores, shape
        ``(periods, rows, cols)``).
    axis : int
        The time axis.

    Examples
    --------
    >>> result = mann_kendall([1.0, 2.3, 2.1, 3.5, 4.0, 4.2, 5.1, 6.0, 5.8, 7.2])
    >>> float(result.s), float(result.var_s), round(float(result.p), 5)
    (41.0, 125.0, 0.00035)
    """
    x = np.moveaxis(np.asarray(series, dtype=np.float64), axis, 0)
    if x.ndim == 0 or x.shape[0] < 2:
        raise ValueError("mann_kendall needs at least two values along the time axis")
    finite = np.isfinite(x)
    periods = x.shape[0]
    s = np.zeros(x.shape[1:])
    tied = np.zeros(x.shape[1:])
    for i in range(periods - 1):
        later = x[i + 1 :]
        both = finite[i + 1 :] & finite[i]
        with np.errstate(invalid="ignore"):
            diff = np.where(both, later - x[i], 0.0)
        s += np.sign(diff).sum(axis=0)
        # Tie groups: sum over values of (t - 1)(2t + 5) = sum over groups of t(t-1)(2t+5).
    for i in range(periods):
        with np.errstate(invalid="ignore"):
            equal = ((x == x[i]) & finite & finite[i]).sum(axis=0)
        tied += np.where(finite[i], (equal - 1) * (2 * equal + 5), 0)
    n = finite.sum(axis=0).astype(np.int64)
    var_s = (n * (n - 1) * (2 * n + 5) - tied) / 18.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(var_s > 0, (s - np.sign(s)) / np.sqrt(var_s), 0.0)
    z = np.where(n >= 3, z, np.nan)
    with np.errstate(invalid="ignore"):
        p = 2.0 * _normal_sf(np.abs(z))
    return MannKendall(
        s=np.asarray(s, dtype=np.float64),
        var_s=np.asarray(var_s, dtype=np.float64),
        z=np.asarray(z, dtype=np.float64),
        p=np.asarray(p, dtype=np.float64),
        n=np.asarray(n),
    )


CATEGORIES = ("none", "new", "intensifying", "persistent", "diminishing", "sporadic")
"""Names of the emerging hot spot codes 0-5 (:func:`emerging_hotspots`)."""


@dataclass(frozen=True, eq=False)
class EmergingHotspots:
    """Hot spot trends across periods.

    Attributes
    ----------
    category : ndarray of int8, grid shape
        Code per cell, an index into :data:`CATEGORIES`.
    hot : ndarray of bool, shape (periods, rows, cols)
        Gi* hot spots of each period.
    z : ndarray of float64, shape (periods, rows, cols)
        Gi* z-scores of each period.
    trend : MannKendall
        Mann-Kendall test of each cell's z-score series.
    labels : tuple of str
        :data:`CATEGORIES`.
    """

    category: npt.NDArray[np.int8]
    hot: BoolArray
    z: FloatArray
    trend: MannKendall
    labels: tuple[str, ...] = CATEGORIES

    def named(self) -> npt.NDArray[np.str_]:
        """The category of every cell as a name."""
        return np.asarray(self.labels)[self.category]


def emerging_hotspots(
    counts_by_period: npt.ArrayLike,
    neighbourhood: Neighbourhood = "queen",
    *,
    cell_size: float | None = None,
    mask: npt.ArrayLike | None = None,
    inference: Inference = "convolution",
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = 0,
    alpha: float = DEFAULT_ALPHA,
    min_count: float = DEFAULT_MIN_COUNT,
    trend_alpha: float = DEFAULT_ALPHA,
) -> EmergingHotspots:
    """Classify cells by how their hot spot status develops across periods.

        Method (after ESRI's *Emerging Hot Spot Analysis*): Gi* hot spots of each
        period (:func:`gi_star`, same neighbourhood, inference, FDR and minimum
        count; with permutation inference period ``t`` uses the ``t``-th child of
    ``SeedSequence(seed)``), then
        a Mann-Kendall test (:func:`mann_kendall`) of each cell's Gi* z-score
        series. A trend is significant when its two-sided p-value is at most
        ``trend_alpha``. With ``T`` periods, "at least 90 %" means at least
        ``ceil(0.9 T)`` periods (all of them when ``T < 10``). Each cell gets the
        first category that fits:

        none (0)
            Never hot.
        new (1)
            Hot in the final period and in no earlier one.
        intensifying (2)
            Hot in at least 90 % of the periods, the final one included, and the
            z-scores trend significantly upward.
        persistent (3)
            Hot in at least 90 % of the periods, the final one included, with no
            significant trend.
        diminishing (4)
            Hot in at least 90 % of the periods, the final one included, and the
            z-scores trend significantly downward.
        sporadic (5)
            Hot in some period but none of the above. This folds in ESRI's
            sporadic, oscillating, consecutive and historical hot spots.

        Parameters
        ----------
        counts_by_period : array_like, shape (periods, rows, cols)
            Counts of each period on one grid (bin every period with the same
            :class:`.grid.Grid`). At least two periods.
        trend_alpha : float
            Significance level of the Mann-Kendall test (default 0.05).

        Other parameters are those of :func:`gi_star`.

        Examples
        --------
        >>> rng = np.random.default_rng(3)
        >>> periods = rng.poisson(0.3, size=(10, 16, 16))  # ten periods of background
        >>> t = np.arange(10)[:, None, None]
        >>> periods[:, 2:5, 2:5] += 8            # steady
        >>> periods[:, 2:5, 11:14] += 3 + t      # growing
        >>> periods[:, 11:14, 2:5] += 14 - t     # shrinking, still hot at the end
        >>> periods[9, 11:14, 11:14] += 10       # only in the last period
        >>> result = emerging_hotspots(periods)
        >>> [str(result.named()[cell]) for cell in [(3, 3), (3, 12), (12, 3), (12, 12), (8, 8)]]
        ['persistent', 'intensifying', 'diminishing', 'new', 'none']
    """
    array = np.asarray(counts_by_period)
    if array.ndim != 3:
        raise ValueError(
            f"counts_by_period must have shape (periods, rows, cols), got {array.shape}"
        )
    periods = array.shape[0]
    if periods < 2:
        raise ValueError("emerging_hotspots needs at least two periods")
    inference = _check_inference(inference)
    if inference == "permutation":
        permutations = _check_permutations(permutations)
    alpha = _check_alpha(alpha)
    trend_alpha = _check_alpha(trend_alpha, "trend_alpha")
    min_count = _check_min_count(min_count)
    children = np.random.SeedSequence(seed).spawn(periods)
    hot = np.zeros(array.shape, dtype=bool)
    z = np.full(array.shape, np.nan)
    for t in range(periods):
        prepared = _prepare(array[t], cell_size, mask)
        result = _gi_star(
            prepared,
            neighbourhood,
            inference,
            permutations,
            np.random.default_rng(children[t]),
            seed,
            alpha,
            min_count,
        )
        hot[t] = result.hot
        z[t] = result.z
    trend = mann_kendall(z, axis=0)
    hot_periods = hot.sum(axis=0)
    final = hot[-1]
    mostly = (hot_periods >= math.ceil(0.9 * periods)) & final
    significant = trend.p <= trend_alpha
    with np.errstate(invalid="ignore"):
        up = significant & (trend.z > 0)
        down = significant & (trend.z < 0)
    category = np.zeros(array.shape[1:], dtype=np.int8)
    category[hot_periods > 0] = 5
    category[mostly & ~up & ~down] = 3
    category[mostly & up] = 2
    category[mostly & down] = 4
    category[final & (hot_periods == 1)] = 1
    return EmergingHotspots(
        category=_frozen(category),
        hot=_frozen(hot),
        z=_frozen(z),
        trend=trend,
    )
