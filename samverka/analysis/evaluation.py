"""Evaluating place-based interventions: the WDD test and the WDQ.

Counts are given as ``(before, after)`` pairs for periods of equal length.
Four kinds of area take part: the treated area (insatsområdet), a buffer
around it where crime may move to or where benefits may spread
(buffertzonen), and comparison areas (jämförelseområden) that show what would
have happened anyway.

References
----------
Bowers, K. J., & Johnson, S. D. (2003). Measuring the geographical
    displacement and diffusion of benefit effects of crime prevention
    activity. *Journal of Quantitative Criminology*, 19(3), 275–301.
Wheeler, A. P., & Ratcliffe, J. H. (2018). A simple weighted displacement
    difference test to evaluate place based crime interventions.
    *Crime Science*, 7, 11. https://doi.org/10.1186/s40163-018-0085-5
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from scipy import stats

from samverka.analysis.rates import Verdict, check_count, check_level, verdict_from_interval

__all__ = ["WDQStatus", "WeightedDisplacement", "weighted_displacement"]


class WDQStatus(StrEnum):
    """Whether the weighted displacement quotient could be given, and if not, why."""

    DEFINED = "defined"
    NO_BUFFER = "no_buffer"
    """No buffer area was given."""
    CONTROL_ZERO = "control_zero"
    """The comparison area had no crime in one period: the ratios are undefined."""
    NO_REDUCTION = "no_reduction"
    """Crime did not fall in the treated area relative to the comparison area;
    Bowers & Johnson (2003) define the quotient only for that case."""


@dataclass(frozen=True)
class WeightedDisplacement:
    """Result of :func:`weighted_displacement`.

    Attributes
    ----------
    local : int
        ``ΔT − ΔCt``: change in the treated area beyond the change in its
        comparison area. Negative means fewer crimes than expected.
    local_se : float
        Standard error of `local`.
    displacement : int or None
        ``ΔD − ΔCd`` for the buffer; None without a buffer. Positive means
        crime moved to the buffer, negative means benefits spread.
    displacement_se : float or None
        Standard error of `displacement`.
    wdd : int
        Weighted displacement difference, ``local + displacement``: the net
        number of crimes prevented (negative) or added (positive).
    se : float
        Standard error of `wdd`.
    lower, upper : float
        Normal-approximation confidence interval for `wdd`.
    z : float or None
        ``wdd / se``; None when every count is 0 (no information at all).
    p_value : float
        Two-sided p-value for "no net change" (1.0 when `z` is None).
    level : float
        Confidence level.
    verdict : Verdict
        "minskning" when the interval lies below 0, "ökning" above 0,
        otherwise "ingen säker förändring".
    shared_control : bool
        True when the treated area's comparison area also served the buffer.
    success_measure : float or None
        Bowers & Johnson's ``Ta/Ca − Tb/Cb``; None when the comparison area
        had no crime in a period.
    buffer_measure : float or None
        ``Da/Ca − Db/Cb``; None without a buffer or when Ca or Cb is 0.
    wdq : float or None
        Weighted displacement quotient ``buffer_measure / success_measure``,
        None unless `wdq_status` is ``WDQStatus.DEFINED``.
    wdq_status : WDQStatus
        Why `wdq` is or is not given.
    """

    local: int
    local_se: float
    displacement: int | None
    displacement_se: float | None
    wdd: int
    se: float
    lower: float
    upper: float
    z: float | None
    p_value: float
    level: float
    verdict: Verdict
    shared_control: bool
    success_measure: float | None
    buffer_measure: float | None
    wdq: float | None
    wdq_status: WDQStatus


def _pair(value: Sequence[int], name: str) -> tuple[int, int]:
    """Validate a ``(before, after)`` pair of counts."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence) or len(value) != 2:
        raise ValueError(f"{name} must be a (before, after) pair of counts, got {value!r}")
    return check_count(value[0], f"{name} before"), check_count(value[1], f"{name} after")


def _change(pair: tuple[int, int]) -> int:
    return pair[1] - pair[0]


def _quotient(
    treated: tuple[int, int],
    control: tuple[int, int],
    buffer: tuple[int, int] | None,
) -> tuple[float | None, float | None, float | None, WDQStatus]:
    """Bowers & Johnson's success measure, buffer measure and WDQ with its status."""
    (c_before, c_after) = control
    if c_before == 0 or c_after == 0:
        status = WDQStatus.NO_BUFFER if buffer is None else WDQStatus.CONTROL_ZERO
        return None, None, None, status
    success = treated[1] / c_after - treated[0] / c_before
    if buffer is None:
        return success, None, None, WDQStatus.NO_BUFFER
    buffer_measure = buffer[1] / c_after - buffer[0] / c_before
    if success >= 0:
        return success, buffer_measure, None, WDQStatus.NO_REDUCTION
    return success, buffer_measure, buffer_measure / success, WDQStatus.DEFINED


def weighted_displacement(
    treated: Sequence[int],
    control: Sequence[int],
    buffer: Sequence[int] | None = None,
    buffer_control: Sequence[int] | None = None,
    *,
    level: float = 0.95,
) -> WeightedDisplacement:
    """Weighted displacement difference (WDD) test and displacement quotient (WDQ).

    Parameters
    ----------
    treated : (int, int)
        Crimes in the treated area, ``(before, after)``.
    control : (int, int)
        Crimes in the comparison area for the treated area, ``(before, after)``.
        It should have about as many crimes as the treated area (Wheeler &
        Ratcliffe 2018): the WDD compares changes in counts, not in rates.
    buffer : (int, int), optional
        Crimes in the buffer (displacement) area.
    buffer_control : (int, int), optional
        Crimes in a comparison area for the buffer, as Wheeler & Ratcliffe
        prescribe. If omitted while `buffer` is given, `control` serves the
        buffer too (see Notes).
    level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    WeightedDisplacement

    Notes
    -----
    WDD (Wheeler & Ratcliffe 2018): with ``ΔX = X_after − X_before``,
    ``WDD = ΔT − ΔCt + ΔD − ΔCd``. Treating every count as an independent
    Poisson count, ``Var(WDD)`` is the sum of all eight counts; the test uses
    ``z = WDD / √Var`` against the standard normal and the interval is
    ``WDD ± z_(1−α/2)·√Var``. The periods before and after must be equally
    long.

    With one comparison area for both treated area and buffer,
    ``WDD = ΔT + ΔD − 2ΔC`` and, since the same counts enter twice,
    ``Var = T₀ + T₁ + D₀ + D₁ + 4(C₀ + C₁)``. This follows from the same
    Poisson assumption but is not in the paper; that comparison area should
    then resemble both the treated area and the buffer in crime counts.

    WDQ (Bowers & Johnson 2003), always with `control`:
    ``WDQ = (Da/Ca − Db/Cb) / (Ta/Ca − Tb/Cb)`` (a = after, b = before).
    It is reported only when the denominator (success measure) is negative,
    i.e. the treated area improved relative to the comparison area; otherwise
    `wdq` is None and `wdq_status` says why. WDQ > 0 suggests diffusion of
    benefits to the buffer, WDQ < 0 displacement; WDQ < −1 means displacement
    outweighs the local effect. The WDQ has no standard error; the WDD has.

    Examples
    --------
    The worked example of Wheeler & Ratcliffe (2018):

    >>> r = weighted_displacement((207, 110), (308, 318), (178, 157), (150, 140))
    >>> r.local, r.displacement, r.wdd, r.se ** 2
    (-107, -11, -118, 1568.0)
    >>> round(r.z, 2), round(r.lower), round(r.upper), r.verdict.value
    (-2.98, -196, -40, 'minskning')
    >>> r.wdq_status.value, round(r.wdq, 3)
    ('defined', 0.258)
    """
    level = check_level(level)
    t = _pair(treated, "treated")
    c = _pair(control, "control")
    d = None if buffer is None else _pair(buffer, "buffer")
    if buffer_control is not None and d is None:
        raise ValueError("buffer_control was given without a buffer")
    shared = d is not None and buffer_control is None
    cd = c if buffer_control is None else _pair(buffer_control, "buffer_control")

    local = _change(t) - _change(c)
    local_variance = float(sum(t) + sum(c))
    if d is None:
        displacement, displacement_variance = None, None
        total, variance = local, local_variance
    else:
        displacement = _change(d) - _change(cd)
        displacement_variance = float(sum(d) + sum(cd))
        total = local + displacement
        # A shared comparison area enters twice: Var(2ΔC) = 4(C₀ + C₁).
        variance = float(sum(t) + sum(d) + (4 * sum(c) if shared else sum(c) + sum(cd)))

    se = math.sqrt(variance)
    half_width = float(stats.norm.ppf(0.5 + level / 2)) * se
    z = total / se if se > 0 else None
    p_value = 1.0 if z is None else float(2 * stats.norm.sf(abs(z)))
    success, buffer_measure, wdq, status = _quotient(t, c, d)
    return WeightedDisplacement(
        local=local,
        local_se=math.sqrt(local_variance),
        displacement=displacement,
        displacement_se=None if displacement_variance is None else math.sqrt(displacement_variance),
        wdd=total,
        se=se,
        lower=total - half_width,
        upper=total + half_width,
        z=z,
        p_value=p_value,
        level=level,
        verdict=verdict_from_interval(total - half_width, total + half_width, no_change=0.0),
        shared_control=shared,
        success_measure=success,
        buffer_measure=buffer_measure,
        wdq=wdq,
        wdq_status=status,
    )
