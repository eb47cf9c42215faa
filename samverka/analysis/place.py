"""Place statistics: where events concentrate, cluster and repeat.

The public API of the place statistics, in one import:

- grids and counts: :class:`Grid`, :func:`bin_events` (:mod:`.grid`);
- kernel density: :func:`kernel_density` (quartic kernel, :mod:`.grid`);
- hot spots: :func:`gi_star` (Getis-Ord Gi* with conditional permutation
  inference and the Benjamini-Hochberg FDR), :func:`emerging_hotspots`
  (Gi* per period and a Mann-Kendall trend), :func:`benjamini_hochberg`,
  :func:`mann_kendall` (:mod:`.hotspots`);
- near repeats: :func:`knox_test` (:mod:`.nearrepeat`);
- concentration: :func:`concentration` (this module);
- the map a lägesbild shows: :func:`hotspot_map` (this module), events in,
  grid, counts, Gi*, inference, FDR and a per-cell class out, with the
  method in words.

Positions are SWEREF 99 TM metres (northing, easting); events with only a
kommun-centre position must be filtered out by the caller.

References
----------
- Anselin, L. (1995). Local indicators of spatial association - LISA.
  *Geographical Analysis* 27(2), 93-115.
- Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate.
  *J. R. Stat. Soc. B* 57(1), 289-300.
- Chernoff, H. (1952). A measure of asymptotic efficiency for tests of a
  hypothesis based on the sum of observations. *Ann. Math. Stat.* 23(4),
  493-507.
- Clopper, C. J. & Pearson, E. S. (1934). The use of confidence or fiducial
  limits illustrated in the case of the binomial. *Biometrika* 26(4), 404-413.
- Gandy, A. & Hahn, G. (2014). MMCTest - a safe algorithm for implementing
  multiple Monte Carlo tests. *Scand. J. Stat.* 41(4), 1083-1101.
- Bernasco, W. & Steenbeek, W. (2017). More places than crimes. *J. Quant.
  Criminol.* 33, 451-467.
- Getis, A. & Ord, J. K. (1992). The analysis of spatial association by use of
  distance statistics. *Geographical Analysis* 24(3), 189-206.
- Kendall, M. G. (1975). *Rank Correlation Methods*, 4th ed. Griffin.
- Knox, E. G. (1964). The detection of space-time interactions. *J. R. Stat.
  Soc. C* 13(1), 25-30.
- Mann, H. B. (1945). Nonparametric tests against trend. *Econometrica* 13(3),
  245-259.
- Ord, J. K. & Getis, A. (1995). Local spatial autocorrelation statistics:
  distributional issues and an application. *Geographical Analysis* 27(4),
  286-306.
- Weisburd, D. (2015). The law of crime concentration and the criminology of
  place. *Criminology* 53(2), 133-157.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from .grid import (
    DEFAULT_CELL_SIZE,
    Grid,
    GridCounts,
    KernelDensity,
    Neighbourhood,
    bin_events,
    footprint,
    kernel_density,
    quartic_kernel,
    smooth_counts,
    window_sum,
)
from .hotspots import (
    CATEGORIES,
    DEFAULT_ALPHA,
    DEFAULT_MIN_COUNT,
    DEFAULT_PERMUTATIONS,
    RESOLVE_ERROR,
    RESOLVE_ROUNDS,
    EmergingHotspots,
    FalseDiscovery,
    GiStar,
    Inference,
    MannKendall,
    PermutationTest,
    benjamini_hochberg,
    conditional_permutation,
    emerging_hotspots,
    gi_star,
    mann_kendall,
)
from .nearrepeat import KnoxTest, knox_test

__all__ = [
    "CATEGORIES",
    "DEFAULT_ALPHA",
    "DEFAULT_CELL_SIZE",
    "DEFAULT_MIN_COUNT",
    "DEFAULT_PERMUTATIONS",
    "HOTSPOT_CLASSES",
    "METHOD_TEXTS",
    "RESOLVE_ERROR",
    "RESOLVE_ROUNDS",
    "Concentration",
    "EmergingHotspots",
    "FalseDiscovery",
    "GiStar",
    "Grid",
    "GridCounts",
    "HotCell",
    "HotspotMap",
    "Inference",
    "KernelDensity",
    "KnoxTest",
    "MannKendall",
    "Neighbourhood",
    "PermutationTest",
    "benjamini_hochberg",
    "bin_events",
    "concentration",
    "conditional_permutation",
    "emerging_hotspots",
    "footprint",
    "gi_star",
    "hotspot_map",
    "kernel_density",
    "knox_test",
    "mann_kendall",
    "quartic_kernel",
    "smooth_counts",
    "window_sum",
]

IntArray: TypeAlias = npt.NDArray[np.int64]
FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Concentration:
    """How concentrated events are among places.

    Attributes
    ----------
    events : int
        Events counted.
    places : int
        The denominator: places (cells) that can hold events.
    places_with_events : int
        Places holding at least one event.
    top : float
        The share of places asked about (for example 0.05, the top 5 %).
    events_in_top : float
        Share of the events in the busiest ``top`` share of the places.
    places_for_half : float
        Share of the places, busiest first, that together hold half of the events.
    cumulative : ndarray of int64
        Events in the busiest ``k`` places, ``k = 0 .. places`` (the Lorenz curve
        read from the top); ``cumulative[-1] == events``.
    """

    events: int
    places: int
    places_with_events: int
    top: float
    events_in_top: float
    places_for_half: float
    cumulative: IntArray

    def events_in(self, share_of_places: float) -> float:
        """Share of the events in the busiest ``share_of_places`` of the places.

        Read from the curve through ``(k / places, cumulative[k] / events)``,
        linear between whole places, so it is exact when ``share * places`` is a
        whole number.
        """
        return _events_in(self.cumulative, _check_share(share_of_places, "share_of_places"))

    def places_for(self, share_of_events: float) -> float:
        """Share of the places, busiest first, needed to hold ``share_of_events``.

        The inverse of :meth:`events_in` on the same piecewise linear curve.
        """
        return _places_for(self.cumulative, _check_share(share_of_events, "share_of_events"))


def _events_in(cumulative: IntArray, share: float) -> float:
    places = cumulative.size - 1
    events = int(cumulative[-1])
    if places == 0 or events == 0:
        return math.nan
    k = share * places
    whole = min(math.floor(k), places - 1)
    held = cumulative[whole] + (k - whole) * (cumulative[whole + 1] - cumulative[whole])
    return float(held / events)


def _places_for(cumulative: IntArray, share: float) -> float:
    places = cumulative.size - 1
    events = int(cumulative[-1])
    if places == 0 or events == 0:
        return math.nan
    target = share * events
    j = int(np.searchsorted(cumulative, target, side="left"))
    if j == 0:
        return 0.0
    step = cumulative[j] - cumulative[j - 1]
    return float(((j - 1) + (target - cumulative[j - 1]) / step) / places)


def _check_share(share: float, name: str) -> float:
    value = float(share)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {share!r}")
    return value


def concentration(
    counts: npt.ArrayLike | GridCounts,
    mask: npt.ArrayLike | None = None,
    top: float = 0.05,
) -> Concentration:
    """Concentration of events among places (the law of crime concentration).

    Weisburd (2015, "The law of crime concentration and the criminology of
    place", *Criminology* 53(2)) found that about half of crime falls on 4-5 %
    of street segments and a quarter on about 1 %. This reports the two
    numbers behind that law for any set of places, here usually grid cells:
    the share of events in the busiest ``top`` share of the places, and the
    share of the places that hold half of the events.

    Denominator: the places that *can* hold events, given by ``mask`` (for
    example cells with land, roads or addresses). Counting every cell of the
    bounding rectangle would add lakes and forest and inflate the
    concentration; counting only the cells with an event would make the answer
    depend on the sample size (Bernasco & Steenbeek 2017, "More places than
    crimes", *J. Quant. Criminol.* 33). A cell outside the mask that still holds
    events is counted as a place, since it evidently can hold them. When events
    are fewer than places, at most ``events / places`` of the places can hold
    any, so compare ``places_with_events / places`` with the shares.

    Places are ranked busiest first; ties between equal counts do not change
    the curve. Shares between whole places are interpolated linearly.

    Parameters
    ----------
    counts : array_like or GridCounts
        Events per place (any shape), whole numbers >= 0.
    mask : array_like of bool, optional
        Places that can hold events, same shape as ``counts`` (default: all).
    top : float
        The top share of places to report (default 0.05).

    Returns
    -------
    Concentration

    Examples
    --------
    >>> c = concentration([50, 20, 10, 5, 5, 4, 3, 2, 1, 0] + [0] * 10, top=0.1)
    >>> c.places, c.events, c.events_in_top   # top 10 % = the 2 busiest places
    (20, 100, 0.7)
    >>> c.places_for_half                      # the busiest place alone
    0.05
    """
    array = np.asarray(counts.counts if isinstance(counts, GridCounts) else counts)
    whole = array.dtype.kind in "biu" or (
        array.dtype.kind == "f" and bool(np.isfinite(array).all()) and bool((array % 1 == 0).all())
    )
    if not whole:
        raise ValueError("counts must be whole numbers of events")
    array = array.astype(np.int64)
    if array.size and array.min() < 0:
        raise ValueError("counts must be >= 0")
    top = _check_share(top, "top")
    if mask is None:
        places = array.reshape(-1)
    else:
        allowed = np.asarray(mask)
        if allowed.dtype.kind != "b":
            raise ValueError(f"mask must be boolean, got dtype {allowed.dtype}")
        if allowed.shape != array.shape:
            raise ValueError(f"mask shape {allowed.shape} differs from counts shape {array.shape}")
        places = array[allowed | (array > 0)]
    ranked = np.sort(places)[::-1]
    cumulative = np.zeros(ranked.size + 1, dtype=np.int64)
    np.cumsum(ranked, out=cumulative[1:])
    cumulative.flags.writeable = False
    return Concentration(
        events=int(cumulative[-1]),
        places=int(ranked.size),
        places_with_events=int(np.count_nonzero(ranked)),
        top=top,
        events_in_top=_events_in(cumulative, top),
        places_for_half=_places_for(cumulative, 0.5),
        cumulative=cumulative,
    )


# --------------------------------------------------------------------------
# The hot spot map of a lägesbild
# --------------------------------------------------------------------------

HOTSPOT_CLASSES = ("not_tested", "not_significant", "undecided", "hot", "hot_strong")
"""Names of the codes 0-4 of :attr:`HotspotMap.category`.

not_tested (0)
    Outside the mask, fewer than ``min_count`` events, or z undefined.
not_significant (1)
    Tested, not a hot spot.
undecided (2)
    Permutation inference only: even after the extra draws the Monte Carlo
    error leaves the FDR decision open (the exact p-value is at the threshold).
hot (3)
    A hot spot: tested, ``z > 0`` and ``q <= alpha``.
hot_strong (4)
    A hot spot with ``q <= alpha / 5`` (0.01 at the default 5 %).
"""

_NEIGHBOURHOOD_TEXTS = {
    "queen": "the cell and its 8 surrounding cells (queen contiguity)",
    "rook": "the cell and its 4 edge neighbours (rook contiguity)",
}

METHOD_TEXTS: dict[str, str] = {
    "convolution": (
        "Events counted on %(cell)s m cells. Getis-Ord Gi* with binary weights; "
        "neighbourhood: %(neighbourhood)s. A cell is tested when it holds at least "
        "%(min_count)s events. Its p-value is the exact probability, given the cell's own "
        "count, that %(neighbours)s cells drawn from the other cells hold at least as many "
        "events as its neighbours do (the count-distribution null, computed by convolution; "
        "ties count as extreme), so the map does not depend on a random seed. Hot spots: "
        "tested cells with a positive z-score and a Benjamini-Hochberg q-value of at most "
        "%(alpha)s (false discovery rate). %(tested)s cells tested, %(hot)s hot."
    ),
    "permutation": (
        "Events counted on %(cell)s m cells. Getis-Ord Gi* with binary weights; "
        "neighbourhood: %(neighbourhood)s. A cell is tested when it holds at least "
        "%(min_count)s events. Its p-value comes from %(permutations)s conditional "
        "permutations (seed %(seed)s): the cell keeps its count and its neighbours are "
        "replaced by random other cells; a simulated sum equal to the observed one counts "
        "as extreme. Cells whose decision the random error left open got up to "
        "%(max_draws)s draws; %(undecided)s remain undecided. Hot spots: tested cells with a "
        "positive z-score and a Benjamini-Hochberg q-value of at most %(alpha)s (false "
        "discovery rate). %(tested)s cells tested, %(hot)s hot."
    ),
    "normal": (
        "Events counted on %(cell)s m cells. Getis-Ord Gi* with binary weights; "
        "neighbourhood: %(neighbourhood)s. A cell is tested when it holds at least "
        "%(min_count)s events. Its p-value is the normal approximation of the z-score, "
        "which overstates significance on skewed counts. Hot spots: tested cells with a "
        "positive z-score and a Benjamini-Hochberg q-value of at most %(alpha)s (false "
        "discovery rate). %(tested)s cells tested, %(hot)s hot."
    ),
}
"""The method of a :class:`HotspotMap` in words, per inference.

Plain English templates with ``%(name)s`` placeholders, filled from
:attr:`HotspotMap.method_parameters`; the interface translates a template
(``gettext(template) % parameters``) before filling it. Cold spots are never
reported: on sparse event counts a low neighbourhood mostly means few events,
which the counts already show, and an all-zero neighbourhood is the most
common value, so the tie rule never makes it significant.
"""


@dataclass(frozen=True)
class HotCell:
    """One hot cell, for the table beside the map.

    ``northing`` and ``easting`` are the cell centre in SWEREF 99 TM metres.
    """

    row: int
    col: int
    northing: float
    easting: float
    count: int
    z: float
    p: float
    q: float
    strong: bool


@dataclass(frozen=True, eq=False)
class HotspotMap:
    """A hot spot map: events on a grid, Gi*, its inference, the FDR and a class per cell.

    All arrays have ``grid.shape`` and are read-only; row 0 is the southern
    edge (flip the rows to draw north up).

    Attributes
    ----------
    grid : Grid
        Origin (south-west corner, SWEREF 99 TM metres), cell size, rows, cols.
    counts : ndarray of int64
        Events per cell.
    outside : int
        Events outside the grid, left out.
    z, p, q : ndarray of float64
        Gi* z-score, one-sided p-value, Benjamini-Hochberg q-value (NaN where
        not tested); see :class:`GiStar`.
    hot : ndarray of bool
        The hot spots.
    category : ndarray of int8
        A code per cell, an index into :data:`HOTSPOT_CLASSES`.
    statistic : GiStar
        Everything Gi* computed (neighbourhood sums, cardinalities, ``p_norm``).
    neighbourhood : {"queen", "rook"} or float
    inference : {"convolution", "permutation", "normal"}
    """

    grid: Grid
    counts: IntArray
    outside: int
    z: FloatArray
    p: FloatArray
    q: FloatArray
    hot: BoolArray
    category: npt.NDArray[np.int8]
    statistic: GiStar
    neighbourhood: Neighbourhood
    inference: Inference
    labels: tuple[str, ...] = HOTSPOT_CLASSES

    @property
    def events(self) -> int:
        """Events on the grid."""
        return int(self.counts.sum())

    def named(self) -> npt.NDArray[np.str_]:
        """The class of every cell as a name."""
        return np.asarray(self.labels)[self.category]

    def hot_cells(self) -> list[HotCell]:
        """The hot cells, most significant first (by q, then by z, highest first)."""
        rows, cols = np.nonzero(self.hot)
        order = np.lexsort((-self.z[rows, cols], self.q[rows, cols]))
        strong = self.category == HOTSPOT_CLASSES.index("hot_strong")
        cells = []
        for k in order.tolist():
            r, c = int(rows[k]), int(cols[k])
            north, east = self.grid.cell_centre(r, c)
            cells.append(
                HotCell(
                    r,
                    c,
                    north,
                    east,
                    int(self.counts[r, c]),
                    float(self.z[r, c]),
                    float(self.p[r, c]),
                    float(self.q[r, c]),
                    bool(strong[r, c]),
                )
            )
        return cells

    @property
    def method_parameters(self) -> dict[str, str]:
        """The values that fill :data:`METHOD_TEXTS` (numbers formatted, no locale)."""
        gi = self.statistic
        shape = footprint(self.neighbourhood, self.grid.cell_size)
        if isinstance(self.neighbourhood, str):
            described = _NEIGHBOURHOOD_TEXTS[self.neighbourhood]
        else:
            described = (
                f"the {int(shape.sum())} cells whose centres lie within "
                f"{float(self.neighbourhood):g} m (distance band)"
            )
        undecided = gi.undecided if gi.undecided is not None else np.zeros(1, dtype=bool)
        return {
            "cell": f"{self.grid.cell_size:g}",
            "neighbourhood": described,
            "neighbours": str(int(shape.sum()) - 1),
            "min_count": f"{gi.min_count:g}",
            "alpha": f"{gi.alpha:g}",
            "permutations": f"{gi.permutations:,}",
            "seed": str(gi.seed),
            "max_draws": f"{gi.permutations + sum(RESOLVE_ROUNDS):,}",
            "undecided": f"{int(undecided.sum()):,}",
            "tested": f"{int(gi.tested.sum()):,}",
            "hot": f"{int(self.hot.sum()):,}",
        }

    @property
    def method(self) -> str:
        """The method in English words (:data:`METHOD_TEXTS`, filled)."""
        return METHOD_TEXTS[self.inference] % self.method_parameters


def hotspot_map(
    northing: npt.ArrayLike,
    easting: npt.ArrayLike,
    *,
    grid: Grid | None = None,
    cell_size: float = DEFAULT_CELL_SIZE,
    neighbourhood: Neighbourhood = "queen",
    mask: npt.ArrayLike | None = None,
    inference: Inference = "convolution",
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = 0,
    alpha: float = DEFAULT_ALPHA,
    min_count: float = DEFAULT_MIN_COUNT,
) -> HotspotMap:
    """The hot spot map of a set of events: the one call a lägesbild makes.

    Method: bin the events on a square grid (:func:`bin_events`; 250 m cells
    by default, see :mod:`.grid` for why), compute the binary-weight Getis-Ord
    Gi* of every cell (Getis & Ord 1992; Ord & Getis 1995) with its
    conditional p-value, control the false discovery rate over the cells with
    at least ``min_count`` events (Benjamini & Hochberg 1995) and classify
    every cell (:data:`HOTSPOT_CLASSES`). See :func:`gi_star` and the
    :mod:`.hotspots` module docstring for the statistic and the choice of
    inference.

    Stability. The defaults (250 m cells, queen neighbourhood, at least 3
    events, the exact count-distribution null by convolution, FDR 5 %) give a
    map that is a function of the events alone: there is no random seed, so
    drawing the map again always shows the same hot spots (tested on the demo
    data of the five seed kommuner). With ``inference="permutation"`` the
    p-values carry Monte Carlo error; the cells whose FDR decision that error
    leaves in doubt get up to a million more draws (``resolve=True`` of
    :func:`gi_star`, after Gandy & Hahn 2014), and any still in doubt are
    classed ``"undecided"`` instead of hot or not, so a cell called hot with one
    seed is never called not significant with another (tested on the demo
    data: decided cells agree between seeds).

    Parameters
    ----------
    northing, easting : array_like, shape (n,)
        SWEREF 99 TM positions in metres of events with a real position (NaN
        rejected: filter out events placed at a kommun centre first).
    grid : Grid, optional
        The grid (for example the kommun's extent, so that maps of different
        periods line up); default the snapped grid covering the events.
    cell_size : float
        Cell side in metres when ``grid`` is not given (default 250).
    neighbourhood : {"queen", "rook"} or float
        Contiguity or a distance band in metres (default queen).
    mask : 2-D array of bool, optional
        Cells that can hold events (land, built-up area); default every cell.
    inference : {"convolution", "permutation", "normal"}
        Default "convolution" (exact, no seed).
    permutations : int
        First-round permutations with ``inference="permutation"`` (9,999).
    seed : int
        Seed with ``inference="permutation"``.
    alpha : float
        False discovery rate (default 0.05).
    min_count : float
        Events a cell must hold to be tested (default 3).

    Returns
    -------
    HotspotMap

    Examples
    --------
    >>> rng = np.random.default_rng(5)
    >>> north = np.concatenate([6_400_000 + rng.uniform(0, 5000, 300),
    ...                         6_402_600 + rng.normal(0, 150, 200)])
    >>> east = np.concatenate([500_000 + rng.uniform(0, 5000, 300),
    ...                        502_600 + rng.normal(0, 150, 200)])
    >>> result = hotspot_map(north, east)
    >>> result.grid.cell_size, result.grid.shape, result.events
    (250.0, (20, 20), 500)
    >>> top = result.hot_cells()[0]
    >>> (round(top.northing), round(top.easting)), top.strong
    ((6402625, 502625), True)
    >>> same = hotspot_map(north, east, inference="permutation", seed=1)
    >>> bool((same.hot == result.hot).all())
    True
    >>> result.method.split(".")[0]
    'Events counted on 250 m cells'
    """
    if grid is None:
        binned = bin_events(northing, easting, cell_size=cell_size)
    else:
        binned = bin_events(northing, easting, grid)
    gi = gi_star(
        binned,
        neighbourhood,
        mask=mask,
        inference=inference,
        permutations=permutations,
        seed=seed,
        alpha=alpha,
        min_count=min_count,
        resolve=True,
    )
    category = np.zeros(binned.grid.shape, dtype=np.int8)
    category[gi.tested] = 1
    if gi.undecided is not None:
        category[gi.undecided] = 2
    category[gi.hot] = 3
    with np.errstate(invalid="ignore"):
        category[gi.hot & (gi.q <= gi.alpha / 5)] = 4
    category.flags.writeable = False
    return HotspotMap(
        grid=binned.grid,
        counts=binned.counts,
        outside=binned.outside,
        z=gi.z,
        p=gi.p,
        q=gi.q,
        hot=gi.hot,
        category=category,
        statistic=gi,
        neighbourhood=neighbourhood,
        inference=gi.inference,
    )
