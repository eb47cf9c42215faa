"""Tests for samverka.analysis.timeseries: control limits, weekday × hour, seasonality."""

import datetime
import zoneinfo

import numpy as np
import pytest
from scipy import stats

from samverka.analysis.timeseries import (
    monthly_control_limits,
    seasonality,
    weekday_hour_matrix,
)

SEASON = np.array([20, 18, 22, 25, 30, 35, 40, 38, 30, 26, 22, 21])


def _months(start: str, n: int) -> np.ndarray:
    return np.arange(np.datetime64(start, "M"), np.datetime64(start, "M") + n)


# --------------------------------------------------------------------------- control limits


def test_expected_is_seasonal_mean() -> None:
    counts = np.concatenate([SEASON, SEASON + 3, SEASON - 3])
    chart = monthly_control_limits(counts, _months("2021-01", 36), SEASON, _months("2024-01", 12))
    assert chart.expected == pytest.approx(SEASON.astype(float))


def test_limits_are_poisson_quantiles_with_prediction_variance() -> None:
    # Identical years: no over-dispersion, φ = 1. The variance is then μ (new
    # month) + μ/3 (seasonal mean of three years), and limits are negative
    # binomial quantiles with that mean and variance.
    counts = np.tile(SEASON, 3)
    chart = monthly_control_limits(
        counts, _months("2021-01", 36), SEASON, _months("2024-01", 12), level=0.95
    )
    assert chart.dispersion == 1.0
    mu = SEASON.astype(float)
    variance = mu * (1 + 1 / 3)
    law = stats.nbinom(mu * mu / (variance - mu), mu / variance)
    assert chart.lower.tolist() == law.ppf(0.025).astype(int).tolist()
    assert chart.upper.tolist() == law.ppf(0.975).astype(int).tolist()


def test_long_baseline_approaches_poisson_c_chart() -> None:
    # With 300 identical years the baseline mean is essentially known and the
    # limits are the Poisson quantiles of a c chart (Montgomery 2013, §7.3).
    years = 300
    counts = np.tile(SEASON, years)
    chart = monthly_control_limits(
        counts, _months("1700-01", 12 * years), SEASON, _months("2000-01", 12)
    )
    poisson = stats.poisson(SEASON)
    assert chart.lower.tolist() == poisson.ppf((1 - 0.9973) / 2).astype(int).tolist()
    assert chart.upper.tolist() == poisson.ppf(1 - (1 - 0.9973) / 2).astype(int).tolist()


def test_dispersion_is_pearson_chi_square_over_df() -> None:
    offsets = np.array([0, 8, -8, 4])
    counts = np.concatenate([SEASON + o for o in offsets])
    chart = monthly_control_limits(counts, _months("2020-01", 48), SEASON, _months("2024-01", 12))
    mean = SEASON + offsets.mean()
    pearson = sum((((SEASON + o) - mean) ** 2 / mean).sum() for o in offsets)
    assert chart.dispersion == pytest.approx(pearson / (48 - 12))
    assert chart.dispersion > 1


def test_over_dispersion_widens_limits() -> None:
    calm = monthly_control_limits(
        np.tile(SEASON, 4), _months("2020-01", 48), SEASON, _months("2024-01", 12)
    )
    noisy_counts = np.concatenate([SEASON + o for o in (0, 12, -12, 0)])
    noisy = monthly_control_limits(
        noisy_counts, _months("2020-01", 48), SEASON, _months("2024-01", 12)
    )
    assert (noisy.upper >= calm.upper).all()
    assert (noisy.upper > calm.upper).any()
    assert (noisy.lower <= calm.lower).all()


def test_flags_above_and_below() -> None:
    counts = np.tile(SEASON, 3)
    current = SEASON.copy()
    current[0], current[6] = 80, 5
    chart = monthly_control_limits(counts, _months("2021-01", 36), current, _months("2024-01", 12))
    assert chart.above.tolist() == [i == 0 for i in range(12)]
    assert chart.below.tolist() == [i == 6 for i in range(12)]
    assert chart.observed.tolist() == current.tolist()


def test_linear_trend_is_extrapolated() -> None:
    months = _months("2021-01", 36)
    counts = np.tile(SEASON, 3) + np.arange(36)  # one more event each month
    chart = monthly_control_limits(counts, months, [SEASON[0] + 36], ["2024-01"], trend=True)
    assert chart.expected[0] == pytest.approx(SEASON[0] + 36)
    assert chart.trend
    without = monthly_control_limits(counts, months, [SEASON[0] + 36], ["2024-01"])
    assert without.expected[0] == pytest.approx(SEASON[0] + 12)


def test_negative_trend_prediction_is_clipped_at_zero() -> None:
    months = _months("2021-01", 36)
    counts = np.maximum(np.full(36, 40) - 2 * np.arange(36), 0)
    chart = monthly_control_limits(counts, months, [0], ["2026-01"], trend=True)
    assert chart.expected[0] == 0.0
    assert (chart.lower[0], chart.upper[0]) == (0, 0)


def test_all_zero_baseline() -> None:
    chart = monthly_control_limits(
        np.zeros(24), _months("2022-01", 24), [0, 1], ["2024-01", "2024-02"]
    )
    assert chart.expected.tolist() == [0.0, 0.0]
    assert chart.above.tolist() == [False, True]


def test_false_alarm_rate_is_at_most_nominal_under_the_null() -> None:
    # Seeded simulation: a three-year baseline and a current year drawn from
    # the same over-dispersed process (negative binomial, φ = 2). With the
    # estimated φ and the Student-t tail, false alarms stay at or below the
    # nominal 5 % (4.3 % with this seed; plug-in limits without the t tail: 5.3 %).
    rng = np.random.default_rng(20240601)
    mu = SEASON.astype(float)
    alarms = 0
    runs = 400
    for _ in range(runs):
        draws = rng.negative_binomial(np.tile(mu, 4), 0.5)  # size μ/(φ−1), p 1/φ
        chart = monthly_control_limits(
            draws[:36], _months("2021-01", 36), draws[36:], _months("2024-01", 12), level=0.95
        )
        alarms += int(chart.above.sum() + chart.below.sum())
    assert alarms / (12 * runs) <= 0.05


def test_results_are_deterministic_and_read_only() -> None:
    counts = np.tile(SEASON, 3)
    first = monthly_control_limits(counts, _months("2021-01", 36), SEASON, _months("2024-01", 12))
    second = monthly_control_limits(counts, _months("2021-01", 36), SEASON, _months("2024-01", 12))
    assert first.upper.tolist() == second.upper.tolist()
    with pytest.raises(ValueError, match="read-only"):
        first.upper[0] = 1


def test_months_accept_dates_and_strings() -> None:
    counts = np.tile(SEASON, 2)
    dates = [datetime.date(2022 + i // 12, i % 12 + 1, 15) for i in range(24)]
    from_dates = monthly_control_limits(counts, dates, [20], [datetime.date(2024, 1, 1)])
    from_strings = monthly_control_limits(
        counts, _months("2022-01", 24).astype(str), [20], ["2024-01"]
    )
    assert from_dates.upper.tolist() == from_strings.upper.tolist()


def test_control_limits_need_each_calendar_month_twice() -> None:
    with pytest.raises(ValueError, match=r"month\(s\) 1, 2 at least twice"):
        monthly_control_limits(SEASON, _months("2023-01", 12), [1, 2], ["2024-01", "2024-02"])
    months = np.r_[_months("2022-03", 10), _months("2023-03", 10)]  # no Jan or Feb
    with pytest.raises(ValueError, match="at least twice"):
        monthly_control_limits(np.ones(20), months, [1], ["2024-01"])


@pytest.mark.parametrize(
    ("baseline_months", "current_months", "message"),
    [
        (np.repeat(_months("2023-01", 12), 2), ["2024-01"], "more than once"),
        (_months("2022-01", 23), ["2024-01"], "differ in length"),
        (np.r_[_months("2022-01", 23), np.datetime64("NaT", "M")], ["2024-01"], "NaT"),
        (_months("2022-01", 24), ["not a month"], "months such as"),
    ],
)
def test_control_limits_reject_bad_months(
    baseline_months: object, current_months: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        monthly_control_limits(np.tile(SEASON, 2), baseline_months, [1], current_months)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        (np.where(np.arange(24) == 3, np.nan, 10.0), "baseline_counts contains NaN"),
        (np.where(np.arange(24) == 3, -1, 10), "negative"),
        (np.full(24, 2.5), "whole numbers"),
    ],
)
def test_control_limits_reject_bad_counts(counts: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        monthly_control_limits(counts, _months("2022-01", 24), [1], ["2024-01"])


def test_control_limits_reject_bad_current_counts() -> None:
    with pytest.raises(ValueError, match="current_counts contains NaN"):
        monthly_control_limits(np.tile(SEASON, 2), _months("2022-01", 24), [np.nan], ["2024-01"])


# --------------------------------------------------------------------------- weekday × hour


def test_weekday_hour_matrix_monday_first() -> None:
    stamps = np.array(
        [
            "2024-03-04T00:00",  # Monday 00
            "2024-03-04T23:59",  # Monday 23
            "2024-03-10T12:30",  # Sunday 12
            "2024-03-10T12:45",  # Sunday 12 (tie in the same cell)
            "1969-12-31T23:30",  # Wednesday 23, before the epoch
        ],
        dtype="datetime64[m]",
    )
    matrix = weekday_hour_matrix(stamps)
    assert matrix.shape == (7, 24)
    assert matrix[0, 0] == 1
    assert matrix[0, 23] == 1
    assert matrix[6, 12] == 2
    assert matrix[2, 23] == 1
    assert matrix.sum() == 5


def test_weekday_hour_matrix_python_datetimes_agree_with_numpy() -> None:
    rng = np.random.default_rng(7)
    seconds = rng.integers(0, 5 * 365 * 86_400, size=500)
    stamps = np.datetime64("2020-01-01T00:00:00") + seconds.astype("timedelta64[s]")
    python = [s.item() for s in stamps]
    expected = np.zeros((7, 24), dtype=int)
    for moment in python:
        expected[moment.weekday(), moment.hour] += 1
    assert (weekday_hour_matrix(stamps) == expected).all()
    assert (weekday_hour_matrix(python) == expected).all()


def test_weekday_hour_matrix_empty() -> None:
    assert weekday_hour_matrix([]).sum() == 0
    assert weekday_hour_matrix(np.array([], dtype="datetime64[s]")).shape == (7, 24)


def test_weekday_hour_matrix_rejects_aware_datetimes() -> None:
    aware = datetime.datetime(2024, 3, 4, 22, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Stockholm"))
    with pytest.raises(ValueError, match="naive local times"):
        weekday_hour_matrix([aware])


@pytest.mark.parametrize(
    "timestamps",
    [
        [datetime.date(2024, 3, 4)],
        np.array(["2024-03-04"], dtype="datetime64[D]"),
        ["2024-03-04T10:00"],
        "2024-03-04T10:00",
        [1.5],
    ],
)
def test_weekday_hour_matrix_rejects_values_without_time(timestamps: object) -> None:
    with pytest.raises(ValueError, match="timestamps"):
        weekday_hour_matrix(timestamps)  # type: ignore[arg-type]


def test_weekday_hour_matrix_rejects_nat() -> None:
    with pytest.raises(ValueError, match="NaT"):
        weekday_hour_matrix(np.array(["2024-03-04T10:00", "NaT"], dtype="datetime64[m]"))


# --------------------------------------------------------------------------- seasonality


def _days(months: np.ndarray) -> np.ndarray:
    return ((months + 1).astype("datetime64[D]") - months.astype("datetime64[D]")).astype(int)


def test_constant_daily_rate_is_not_seasonal() -> None:
    # Counts exactly proportional to days in the month (including a leap
    # February): short February must not look like a seasonal dip.
    months = _months("2023-01", 24)
    result = seasonality(_days(months) * 3, months)
    assert result.index == pytest.approx(np.ones(12))
    assert result.chi2 == pytest.approx(0.0, abs=1e-9)
    assert result.p_value == pytest.approx(1.0)
    assert not result.seasonal


def test_one_year_uses_plain_chi_square_against_days() -> None:
    months = _months("2023-01", 12)
    counts = np.array([40, 30, 35, 38, 45, 52, 60, 58, 44, 41, 37, 39])
    result = seasonality(counts, months)
    days = _days(months)
    expected = counts.sum() * days / days.sum()
    reference = stats.chisquare(counts, expected)
    assert result.chi2 == pytest.approx(reference.statistic)
    assert result.p_value == pytest.approx(reference.pvalue)
    assert result.df == 11
    assert result.dispersion is None


def test_strong_season_is_detected() -> None:
    months = _months("2021-01", 36)
    counts = np.tile([20, 20, 20, 20, 30, 60, 80, 70, 30, 20, 20, 20], 3)
    result = seasonality(counts, months)
    assert result.seasonal
    assert result.p_value < 1e-6
    assert result.index[6] > 2
    assert not result.small_numbers


def test_year_to_year_noise_weakens_the_test() -> None:
    # The same calendar-month totals, but spread unevenly over the years:
    # the dispersion-adjusted F test is less sure than the plain χ² test.
    months = _months("2021-01", 36)
    season = np.array([30, 28, 31, 30, 36, 40, 44, 42, 33, 31, 30, 31])
    steady = seasonality(np.tile(season, 3), months)
    jumpy_counts = np.concatenate([season - 15, season + 25, season - 10])
    jumpy = seasonality(jumpy_counts, months)
    assert jumpy.chi2 == pytest.approx(steady.chi2)
    assert jumpy.dispersion is not None and jumpy.dispersion > 1
    assert jumpy.p_value > steady.p_value


def test_dispersion_formula() -> None:
    months = _months("2022-01", 24)
    counts = np.concatenate([np.full(12, 20), np.full(12, 40)])
    result = seasonality(counts, months)
    days = _days(months)
    calendar = np.arange(24) % 12
    rate = np.bincount(calendar, counts) / np.bincount(calendar, days)
    fitted = rate[calendar] * days
    phi = ((counts - fitted) ** 2 / fitted).sum() / 12
    assert result.dispersion == pytest.approx(phi)
    assert result.p_value == pytest.approx(stats.f.sf(result.chi2 / 11 / phi, 11, 12))


def test_small_expected_counts_are_flagged() -> None:
    months = _months("2023-01", 12)
    counts = np.array([1, 0, 2, 0, 0, 5, 3, 1, 0, 0, 1, 0])
    assert seasonality(counts, months).small_numbers


@pytest.mark.parametrize(
    ("counts", "months", "message"),
    [
        (np.zeros(12), _months("2023-01", 12), "all zero"),
        (np.ones(11), _months("2023-01", 11), "every calendar month"),
        (np.ones(12), _months("2023-01", 11), "differ in length"),
        (np.r_[np.nan, np.ones(11)], _months("2023-01", 12), "NaN"),
        (np.ones(13), np.r_[_months("2023-01", 12), _months("2023-01", 1)], "more than once"),
    ],
)
def test_seasonality_rejects_bad_input(
    counts: np.ndarray, months: np.ndarray, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        seasonality(counts, months)
