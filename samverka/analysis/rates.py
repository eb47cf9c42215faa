"""Crime rates per 100 000 inhabitants and ratios of two rates, with exact intervals.

Counts of crimes in a kommun are treated as Poisson counts. All intervals here
are *exact* (they never rely on a normal approximation), because the numbers
in a small kommun are often small and the normal approximation then misleads.

References
----------
Garwood, F. (1936). Fiducial limits for the Poisson distribution.
    *Biometrika*, 28(3/4), 437–442.
Clopper, C. J., & Pearson, E. S. (1934). The use of confidence or fiducial
    limits illustrated in the case of the binomial. *Biometrika*, 26(4), 404–413.
Breslow, N. E., & Day, N. E. (1987). *Statistical Methods in Cancer Research,
    Vol. II: The Design and Analysis of Cohort Studies*. IARC Scientific
    Publications No. 82, Lyon (chapter 2: comparing two Poisson rates by
    conditioning on their total).
Ulm, K. (1990). A simple method to calculate the confidence interval of a
    standardized mortality ratio (SMR). *American Journal of Epidemiology*,
    131(2), 373–375.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from scipy import stats

__all__ = [
    "PER",
    "SMALL_COUNT",
    "Rate",
    "RateRatio",
    "Rates",
    "Verdict",
    "compare_to_reference",
    "rate_per_100k",
    "rate_ratio",
    "rates_per_100k",
    "verdict_from_interval",
]

PER = 100_000
"""Rates are expressed per this many inhabitants (or person-years)."""

SMALL_COUNT = 10
"""Counts below this are "small numbers": show the counts, not rates or percentages.

With 9 events the exact 95 % interval runs from about −54 % to +90 % of the
observed value, so a rate or a percentage change suggests a precision that the
data do not have.
"""


class Verdict(StrEnum):
    """Plain-language verdict on a change, in Swedish, for coordinators.

    The verdict is read off the confidence interval alone: it says "ökning" or
    "minskning" only when the whole interval lies on one side of "no change"
    (a ratio of 1 or a difference of 0); otherwise it says
    "ingen säker förändring".
    """

    INCREASE = "ökning"
    DECREASE = "minskning"
    NO_CLEAR_CHANGE = "ingen säker förändring"


def verdict_from_interval(lower: float, upper: float, no_change: float) -> Verdict:
    """Return the :class:`Verdict` for an interval around a "no change" value.

    An interval that touches or contains `no_change` gives
    ``Verdict.NO_CLEAR_CHANGE``.

    Examples
    --------
    >>> verdict_from_interval(1.1, 2.0, no_change=1.0)
    <Verdict.INCREASE: 'ökning'>
    >>> verdict_from_interval(-0.3, 0.1, no_change=0.0).value
    'ingen säker förändring'
    """
    if lower > no_change:
        return Verdict.INCREASE
    if upper < no_change:
        return Verdict.DECREASE
    return Verdict.NO_CLEAR_CHANGE


@dataclass(frozen=True)
class Rate:
    """A rate per 100 000 with its exact Poisson (Garwood) interval.

    Attributes
    ----------
    count : int
        Number of events.
    population : float
        Population (or person-years) at risk.
    rate : float
        ``count / population * 100_000``.
    lower, upper : float
        Confidence limits for the rate per 100 000.
    level : float
        Confidence level of the interval, e.g. 0.95.
    small_numbers : bool
        True when ``count < SMALL_COUNT``: show the count, not the rate.
    """

    count: int
    population: float
    rate: float
    lower: float
    upper: float
    level: float
    small_numbers: bool


@dataclass(frozen=True)
class Rates:
    """Vectorised :class:`Rate`: one element per area (read-only arrays)."""

    count: npt.NDArray[np.int64]
    population: npt.NDArray[np.float64]
    rate: npt.NDArray[np.float64]
    lower: npt.NDArray[np.float64]
    upper: npt.NDArray[np.float64]
    level: float
    small_numbers: npt.NDArray[np.bool_]


@dataclass(frozen=True)
class RateRatio:
    """Ratio of two Poisson rates, ``(count_a/exposure_a) / (count_b/exposure_b)``.

    Attributes
    ----------
    count_a, count_b : int
        Event counts in group a (e.g. this year, or the kommun) and b.
    exposure_a, exposure_b : float
        Population or person-time of a and b.
    ratio : float or None
        The rate ratio; None when ``count_b == 0`` (the ratio is then
        undefined or infinite, which is reported, not shown as a number).
    lower : float
        Lower confidence limit (0 when ``count_a == 0``).
    upper : float
        Upper confidence limit; ``math.inf`` when ``count_b == 0``, meaning the
        data put no upper bound on the ratio.
    level : float
        Confidence level.
    p_value : float
        Two-sided exact conditional p-value for "the rates are equal".
    verdict : Verdict
        "ökning" if the interval lies above 1, "minskning" if below 1,
        otherwise "ingen säker förändring".
    small_numbers : bool
        True when either count is below ``SMALL_COUNT``: show the counts
        rather than a percentage change.
    """

    count_a: int
    exposure_a: float
    count_b: int
    exposure_b: float
    ratio: float | None
    lower: float
    upper: float
    level: float
    p_value: float
    verdict: Verdict
    small_numbers: bool


# --------------------------------------------------------------------------- checks


def check_level(level: float) -> float:
    """Return `level` as a float, or raise ValueError unless 0 < level < 1.

    An argument check shared by the analysis modules (not part of ``__all__``).

    >>> check_level(0.95)
    0.95
    >>> check_level(95)
    Traceback (most recent call last):
    ...
    ValueError: level must be strictly between 0 and 1, got 95
    """
    if isinstance(level, bool) or not isinstance(level, numbers.Real):
        raise ValueError(f"level must be a number between 0 and 1, got {level!r}")
    value = float(level)
    if not 0.0 < value < 1.0:  # also rejects NaN
        raise ValueError(f"level must be strictly between 0 and 1, got {level!r}")
    return value


def check_count(value: object, name: str) -> int:
    """Return `value` as a non-negative int, or raise ValueError naming `name`.

    >>> check_count(12.0, "events")
    12
    >>> check_count(2.5, "events")
    Traceback (most recent call last):
    ...
    ValueError: events must be a whole number, got 2.5
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    number = float(value)
    if math.isnan(number):
        raise ValueError(f"{name} is NaN; a count must be a whole number")
    if math.isinf(number) or number != math.floor(number):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if number < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return int(number)


def check_positive(value: object, name: str) -> float:
    """Return `value` as a finite float > 0, or raise ValueError naming `name`.

    >>> check_positive(26939, "population")
    26939.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    number = float(value)
    if math.isnan(number):
        raise ValueError(f"{name} is NaN")
    if math.isinf(number) or number <= 0:
        raise ValueError(f"{name} must be a positive, finite number, got {value!r}")
    return number


def count_array(values: npt.ArrayLike, name: str) -> npt.NDArray[np.int64]:
    """Return a 1-D int64 array of non-negative whole counts, or raise ValueError.

    >>> count_array([3, 0, 7.0], "counts").tolist()
    [3, 0, 7]
    """
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if np.isnan(array).any():
        raise ValueError(f"{name} contains NaN; counts must be whole numbers")
    if not np.isfinite(array).all() or (array != np.floor(array)).any():
        raise ValueError(f"{name} must contain whole numbers only")
    if (array < 0).any():
        raise ValueError(f"{name} must not contain negative counts")
    return array.astype(np.int64)


def positive_array(values: npt.ArrayLike, name: str) -> npt.NDArray[np.float64]:
    """Return a 1-D float array of finite values > 0, or raise ValueError.

    >>> positive_array([26939, 36600], "population").tolist()
    [26939.0, 36600.0]
    """
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if np.isnan(array).any():
        raise ValueError(f"{name} contains NaN")
    if not np.isfinite(array).all() or (array <= 0).any():
        raise ValueError(f"{name} must contain positive, finite numbers only (no zeros)")
    return array


_Scalar = TypeVar("_Scalar", bound=np.generic)


def read_only(array: npt.NDArray[_Scalar]) -> npt.NDArray[_Scalar]:
    """Mark `array` read-only (results are frozen) and return it.

    >>> read_only(np.zeros(2)).flags.writeable
    False
    """
    array.flags.writeable = False
    return array


# --------------------------------------------------------------------------- rates


def _garwood(
    counts: npt.NDArray[np.int64], level: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Exact limits for Poisson means: Gamma(k) and Gamma(k + 1) quantiles.

    ``gamma.ppf(q, k)`` equals ``chi2.ppf(q, 2k) / 2`` (Garwood 1936); the lower
    limit for k = 0 is 0 by definition.
    """
    alpha = 1.0 - level
    safe = np.maximum(counts, 1)  # gamma.ppf is undefined for shape 0
    lower = np.where(counts > 0, stats.gamma.ppf(alpha / 2, safe), 0.0)
    upper = stats.gamma.ppf(1 - alpha / 2, counts + 1)
    return np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)


def rates_per_100k(
    counts: npt.ArrayLike, populations: npt.ArrayLike, *, level: float = 0.95
) -> Rates:
    """Rates per 100 000 with exact Poisson intervals, for many areas at once.

    Parameters
    ----------
    counts : array_like of int
        Event counts, one per area; whole numbers >= 0.
    populations : array_like of float
        Population (or person-years) per area; each > 0. Same length as `counts`.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    Rates
        Read-only arrays: ``rate``, ``lower``, ``upper``, ``small_numbers``.

    Notes
    -----
    The count is taken as Poisson with mean ``λ·population``; the interval for
    λ is Garwood's (1936) exact interval, ``[χ²(α/2; 2k)/2, χ²(1−α/2; 2k+2)/2]``,
    computed here as the equivalent gamma quantiles and scaled to 100 000.
    It has at least the nominal coverage for every true rate.

    Examples
    --------
    >>> r = rates_per_100k([0, 12], [8_000, 15_000])
    >>> r.rate.round(1).tolist()
    [0.0, 80.0]
    >>> r.lower.round(1).tolist(), r.upper.round(1).tolist()
    ([0.0, 41.3], [46.1, 139.7])
    >>> r.small_numbers.tolist()
    [True, False]
    """
    level = check_level(level)
    count = count_array(counts, "counts")
    population = positive_array(populations, "populations")
    if count.shape != population.shape:
        raise ValueError(
            f"counts and populations differ in length: {count.size} and {population.size}"
        )
    low, high = _garwood(count, level)
    scale = PER / population
    return Rates(
        count=read_only(count),
        population=read_only(population.copy()),
        rate=read_only(count * scale),
        lower=read_only(low * scale),
        upper=read_only(high * scale),
        level=level,
        small_numbers=read_only(count < SMALL_COUNT),
    )


def rate_per_100k(count: int, population: float, *, level: float = 0.95) -> Rate:
    """Rate per 100 000 with an exact Poisson (Garwood 1936) confidence interval.

    Parameters
    ----------
    count : int
        Number of events (whole number >= 0).
    population : float
        Population or person-years at risk (> 0).
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    Rate

    Notes
    -----
    See :func:`rates_per_100k` for the method. For ``count == 0`` the lower
    limit is 0 and the upper limit is ``−ln(α/2)`` events (3.69 at 95 %).

    Examples
    --------
    >>> r = rate_per_100k(10, 25_000)
    >>> round(r.rate, 1), round(r.lower, 1), round(r.upper, 1)
    (40.0, 19.2, 73.6)
    >>> rate_per_100k(0, 25_000).lower
    0.0
    """
    count = check_count(count, "count")
    population = check_positive(population, "population")
    result = rates_per_100k([count], [population], level=level)
    return Rate(
        count=count,
        population=population,
        rate=float(result.rate[0]),
        lower=float(result.lower[0]),
        upper=float(result.upper[0]),
        level=result.level,
        small_numbers=bool(result.small_numbers[0]),
    )


# --------------------------------------------------------------------------- ratios


def _clopper_pearson(successes: int, n: int, level: float) -> tuple[float, float]:
    """Exact binomial interval via beta quantiles (Clopper & Pearson 1934)."""
    alpha = 1.0 - level
    lower = 0.0 if successes == 0 else stats.beta.ppf(alpha / 2, successes, n - successes + 1)
    upper = 1.0 if successes == n else stats.beta.ppf(1 - alpha / 2, successes + 1, n - successes)
    return float(lower), float(upper)


def _odds_to_ratio(share: float, exposure_ratio: float) -> float:
    """Turn a binomial share π = a/(a+b) into a rate ratio (π/(1−π))·(E_b/E_a)."""
    if share >= 1.0:
        return math.inf
    return share / (1.0 - share) * exposure_ratio


def _doubled_tail_p(successes: int, n: int, share: float) -> float:
    """Two-sided exact p-value as twice the smaller tail (matches Clopper–Pearson)."""
    if n == 0:
        return 1.0
    below = stats.binom.cdf(successes, n, share)
    above = stats.binom.sf(successes - 1, n, share)
    return float(min(1.0, 2.0 * min(below, above)))


def rate_ratio(
    count_a: int,
    exposure_a: float,
    count_b: int,
    exposure_b: float,
    *,
    level: float = 0.95,
) -> RateRatio:
    """Ratio of two Poisson rates with an exact conditional interval and p-value.

    Parameters
    ----------
    count_a, exposure_a : int, float
        Events and population (or person-time) of the group of interest,
        e.g. this year.
    count_b, exposure_b : int, float
        Events and population of the comparison group, e.g. last year.
        Must not overlap group a (see :func:`compare_to_reference`).
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    RateRatio

    Notes
    -----
    Conditional on the total ``n = a + b``, the count a is binomial with
    ``π = RR·E_a / (RR·E_a + E_b)`` (Breslow & Day 1987, ch. 2). The exact
    Clopper–Pearson interval for π is transformed to the ratio scale,
    ``RR = π/(1−π) · E_b/E_a``. The p-value is twice the smaller exact binomial
    tail at ``π₀ = E_a/(E_a+E_b)``; this is the test that the central
    Clopper–Pearson interval inverts, so ``p < 1 − level`` exactly when the
    interval excludes 1 and the p-value never contradicts the verdict.

    Examples
    --------
    >>> rr = rate_ratio(30, 10_000, 15, 10_000)
    >>> rr.ratio, round(rr.lower, 2), round(rr.upper, 2)
    (2.0, 1.04, 4.0)
    >>> rr.verdict.value, round(rr.p_value, 3)
    ('ökning', 0.036)
    >>> rate_ratio(6, 10_000, 4, 10_000).verdict.value
    'ingen säker förändring'
    """
    level = check_level(level)
    a = check_count(count_a, "count_a")
    b = check_count(count_b, "count_b")
    e_a = check_positive(exposure_a, "exposure_a")
    e_b = check_positive(exposure_b, "exposure_b")

    n = a + b
    exposure_ratio = e_b / e_a
    if n == 0:
        low_share, high_share = 0.0, 1.0
    else:
        low_share, high_share = _clopper_pearson(a, n, level)
    lower = _odds_to_ratio(low_share, exposure_ratio)
    upper = _odds_to_ratio(high_share, exposure_ratio)
    return RateRatio(
        count_a=a,
        exposure_a=e_a,
        count_b=b,
        exposure_b=e_b,
        ratio=None if b == 0 else (a / e_a) / (b / e_b),
        lower=lower,
        upper=upper,
        level=level,
        p_value=_doubled_tail_p(a, n, e_a / (e_a + e_b)),
        verdict=verdict_from_interval(lower, upper, no_change=1.0),
        small_numbers=a < SMALL_COUNT or b < SMALL_COUNT,
    )


def compare_to_reference(
    count: int,
    population: float,
    ref_count: int,
    ref_population: float,
    *,
    level: float = 0.95,
) -> RateRatio:
    """Compare an area's rate with a reference area that contains it (kommun vs län).

    The kommun is part of the län (or the nation), so its own events and
    inhabitants are **subtracted from the reference before comparing**: the
    kommun is compared with *the rest of* the reference area. Comparing with
    the whole reference would count the kommun on both sides, pull the ratio
    towards 1 and break the independence that the exact test needs.

    Parameters
    ----------
    count, population : int, float
        Events and inhabitants of the kommun.
    ref_count, ref_population : int, float
        Events and inhabitants of the whole reference area, *including* the
        kommun.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    RateRatio
        Group a is the kommun, group b the rest of the reference area
        (``count_b = ref_count − count``, ``exposure_b = ref_population −
        population``). Read "ökning" as "högre än resten av länet" and
        "minskning" as "lägre".

    Notes
    -----
    Uses :func:`rate_ratio` (exact conditional binomial method).

    Examples
    --------
    >>> rr = compare_to_reference(120, 50_000, 1_120, 1_050_000)
    >>> rr.count_b, rr.exposure_b
    (1000, 1000000.0)
    >>> round(rr.ratio, 2), rr.verdict.value
    (2.4, 'ökning')
    """
    count = check_count(count, "count")
    population = check_positive(population, "population")
    ref_count = check_count(ref_count, "ref_count")
    ref_population = check_positive(ref_population, "ref_population")
    if ref_count < count:
        raise ValueError(
            f"ref_count ({ref_count}) is smaller than count ({count}); the reference "
            "area must include the area itself"
        )
    if ref_population <= population:
        raise ValueError(
            f"ref_population ({ref_population}) must be larger than population "
            f"({population}); the reference area must include the area and more"
        )
    return rate_ratio(
        count, population, ref_count - count, ref_population - population, level=level
    )
