"""Proportions from surveys (trygghetsmätningar) and differences between them.

The methods assume a simple random sample: every respondent counts once and
with equal weight. Weighted or clustered survey designs need a design effect,
which these functions do not apply.

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and
    statistical inference. *Journal of the American Statistical Association*,
    22(158), 209–212.
Newcombe, R. G. (1998a). Two-sided confidence intervals for the single
    proportion: comparison of seven methods. *Statistics in Medicine*, 17(8),
    857–872.
Newcombe, R. G. (1998b). Interval estimation for the difference between
    independent proportions: comparison of eleven methods. *Statistics in
    Medicine*, 17(8), 873–890.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from samverka.analysis.rates import Verdict, check_count, check_level, verdict_from_interval

__all__ = [
    "SMALL_SAMPLE_N",
    "Proportion",
    "ProportionDifference",
    "difference",
    "proportion",
]

SMALL_SAMPLE_N = 30
"""Fewer respondents than this is a small sample (see :func:`proportion`)."""

SMALL_SAMPLE_CELL = 5
"""Fewer "yes" or fewer "no" answers than this is a small sample."""


@dataclass(frozen=True)
class Proportion:
    """A proportion with its Wilson score interval.

    Attributes
    ----------
    successes : int
        Respondents with the answer of interest, e.g. "känner sig otrygg".
    n : int
        Respondents who answered the question.
    estimate : float
        ``successes / n``.
    lower, upper : float
        Wilson score confidence limits.
    level : float
        Confidence level.
    small_sample : bool
        True when ``n < 30`` or fewer than 5 answered "yes" or fewer than 5
        answered "no": report "x av n" rather than a percentage.
    """

    successes: int
    n: int
    estimate: float
    lower: float
    upper: float
    level: float
    small_sample: bool


@dataclass(frozen=True)
class ProportionDifference:
    """Difference ``first.estimate − second.estimate`` with Newcombe's interval.

    Attributes
    ----------
    first, second : Proportion
        The two proportions, e.g. this year's and the previous survey's.
    difference : float
        Difference in proportions (−1 to 1).
    lower, upper : float
        Newcombe hybrid score confidence limits.
    level : float
        Confidence level.
    verdict : Verdict
        "ökning" if the interval lies above 0, "minskning" if below 0,
        otherwise "ingen säker förändring".
    small_sample : bool
        True when either proportion is a small sample.
    """

    first: Proportion
    second: Proportion
    difference: float
    lower: float
    upper: float
    level: float
    verdict: Verdict
    small_sample: bool


def _wilson(successes: int, n: int, level: float) -> tuple[float, float]:
    """Wilson (1927) score interval, without continuity correction."""
    z = float(stats.norm.ppf(0.5 + level / 2))
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half_width = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    lower = 0.0 if successes == 0 else centre - half_width  # exact 0 and 1 at the ends
    upper = 1.0 if successes == n else centre + half_width
    return lower, upper


def proportion(successes: int, n: int, *, level: float = 0.95) -> Proportion:
    """Proportion with a Wilson score confidence interval.

    Parameters
    ----------
    successes : int
        Respondents giving the answer of interest (0 ≤ successes ≤ n).
    n : int
        Respondents who answered (> 0).
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    Proportion

    Notes
    -----
    The Wilson (1927) score interval inverts the score test; Newcombe (1998a)
    found it close to nominal coverage where the simple Wald interval
    ``p ± z·√(p(1−p)/n)`` fails (small n, p near 0 or 1), and unlike Wald it
    never leaves [0, 1] or collapses to a point at 0 or n successes.

    Small-sample rule: ``n < 30`` or ``successes < 5`` or
    ``n − successes < 5`` (the usual n·p ≥ 5 and n·(1−p) ≥ 5 rule with the
    observed proportion). The interval stays valid; the flag tells the
    caller that a percentage would suggest more precision than there is.

    Examples
    --------
    >>> p = proportion(45, 150)
    >>> round(p.estimate, 3), round(p.lower, 4), round(p.upper, 4)
    (0.3, 0.2324, 0.3776)
    >>> proportion(0, 12).lower, proportion(0, 12).small_sample
    (0.0, True)
    """
    level = check_level(level)
    successes = check_count(successes, "successes")
    n = check_count(n, "n")
    if n == 0:
        raise ValueError("n is 0: a proportion needs at least one respondent")
    if successes > n:
        raise ValueError(f"successes ({successes}) cannot exceed n ({n})")
    lower, upper = _wilson(successes, n, level)
    return Proportion(
        successes=successes,
        n=n,
        estimate=successes / n,
        lower=lower,
        upper=upper,
        level=level,
        small_sample=(
            n < SMALL_SAMPLE_N or successes < SMALL_SAMPLE_CELL or n - successes < SMALL_SAMPLE_CELL
        ),
    )


def difference(first: Proportion, second: Proportion) -> ProportionDifference:
    """Difference between two independent proportions, Newcombe's hybrid score interval.

    Parameters
    ----------
    first, second : Proportion
        Proportions from two independent samples (e.g. two survey years with
        different respondents), made with the same `level`. The difference is
        ``first − second``, so pass the newer survey first to read the verdict
        as a change over time.

    Returns
    -------
    ProportionDifference

    Notes
    -----
    Newcombe (1998b), method 10: with Wilson limits ``(l₁, u₁)`` and
    ``(l₂, u₂)`` and ``d = p₁ − p₂``,
    ``lower = d − √((p₁ − l₁)² + (u₂ − p₂)²)`` and
    ``upper = d + √((u₁ − p₁)² + (p₂ − l₂)²)``.
    Not for paired data (the same respondents asked twice).

    Examples
    --------
    Newcombe (1998b), Table II, example (a): 56/70 against 48/80.

    >>> d = difference(proportion(56, 70), proportion(48, 80))
    >>> round(d.difference, 4), round(d.lower, 4), round(d.upper, 4)
    (0.2, 0.0524, 0.3339)
    >>> d.verdict.value
    'ökning'
    """
    if not isinstance(first, Proportion) or not isinstance(second, Proportion):
        raise ValueError("difference() takes two Proportion objects from proportion()")
    if first.level != second.level:
        raise ValueError(
            f"the proportions have different levels ({first.level} and {second.level})"
        )
    d = first.estimate - second.estimate
    lower = d - math.hypot(first.estimate - first.lower, second.upper - second.estimate)
    upper = d + math.hypot(first.upper - first.estimate, second.estimate - second.lower)
    return ProportionDifference(
        first=first,
        second=second,
        difference=d,
        lower=max(-1.0, lower),
        upper=min(1.0, upper),
        level=first.level,
        verdict=verdict_from_interval(lower, upper, no_change=0.0),
        small_sample=first.small_sample or second.small_sample,
    )
