"""Place statistics: where events concentrate, cluster and repeat.

The public API of the place statistics, in one import:

- grids and counts: :class:`Grid`, :func:`bin_events` (:mod:`.grid`);
- kernel density: :func:`kernel_density` (quartic kernel, :mod:`.grid`);
- hot spots: :func:`gi_star` (Getis-Ord Gi* with conditional permutation
  inference and the Benjamini-Hochberg FDR), :func:`emerging_hotspots`
  (Gi* per period and a Mann-Kendall trend), :func:`benjamini_hochberg`,
  :func:`mann_kendall` (:mod:`.hotspots`);
- near repeats: :func:`knox_test` (:mod:`.nearrepeat`);
- concentration: :func:`concentration` (this module).

Positions are SWEREF 99 TM metres (northing, easting); events with only a
kommun-centre position must be filtered out by the caller.

References
----------
- Anselin, L. (1995). Local indicators of spatial association - LISA.
  *Geographical Analysis* 27(2), 93-115.
- Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate.
  *J. R. Stat. Soc. B* 57(1), 289-300.
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
    "Concentration",
    "EmergingHotspots",
    "FalseDiscovery",
    "GiStar",
    "Grid",
    "GridCounts",
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
    "kernel_density",
    "knox_test",
    "mann_kendall",
    "quartic_kernel",
    "smooth_counts",
    "window_sum",
]

IntArray: TypeAlias = npt.NDArray[np.int64]


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
