"""Tests for samverka.analysis.rates: exact Poisson rates and rate ratios."""

import dataclasses
import math

import numpy as np
import pytest
from scipy import optimize, stats

from samverka.analysis.rates import (
    SMALL_COUNT,
    Verdict,
    compare_to_reference,
    rate_per_100k,
    rate_ratio,
    rates_per_100k,
    verdict_from_interval,
)

# --------------------------------------------------------------------------- Garwood limits


def _root_limits(k: int, level: float) -> tuple[float, float]:
    """Garwood limits by root finding on the Poisson distribution itself."""
    tail = (1 - level) / 2
    upper = optimize.brentq(lambda mu: stats.poisson.cdf(k, mu) - tail, 1e-12, 10 * k + 50)
    if k == 0:
        return 0.0, upper
    lower = optimize.brentq(lambda mu: stats.poisson.sf(k - 1, mu) - tail, 1e-12, 10 * k + 50)
    return lower, upper


@pytest.mark.parametrize("level", [0.90, 0.95, 0.99])
@pytest.mark.parametrize("count", [0, 1, 2, 5, 9, 10, 37, 250])
def test_garwood_limits_equal_poisson_root_finding(count: int, level: float) -> None:
    population = 100_000  # rate per 100k equals the count: limits compare directly
    rate = rate_per_100k(count, population, level=level)
    lower, upper = _root_limits(count, level)
    assert rate.lower == pytest.approx(lower, rel=1e-9, abs=1e-12)
    assert rate.upper == pytest.approx(upper, rel=1e-9)


@pytest.mark.parametrize(
    ("count", "lower", "upper"),
    [(0, 0.0, 3.689), (1, 0.0253, 5.572), (2, 0.2422, 7.225), (10, 4.795, 18.39)],
)
def test_garwood_limits_match_published_table(count: int, lower: float, upper: float) -> None:
    # Values from the classic tables of exact 95 % Poisson limits for a mean.
    rate = rate_per_100k(count, 100_000)
    assert round(rate.lower, 4 if count < 10 else 3) == pytest.approx(lower)
    assert rate.upper == pytest.approx(upper, abs=6e-4)


def test_garwood_equals_chi_square_form() -> None:
    k = 17
    rate = rate_per_100k(k, 100_000)
    assert rate.lower == pytest.approx(stats.chi2.ppf(0.025, 2 * k) / 2, rel=1e-12)
    assert rate.upper == pytest.approx(stats.chi2.ppf(0.975, 2 * k + 2) / 2, rel=1e-12)


def test_rate_is_scaled_to_100k() -> None:
    rate = rate_per_100k(30, 15_000)
    assert rate.rate == pytest.approx(200.0)
    assert rate.lower < rate.rate < rate.upper
    assert rate.lower == pytest.approx(stats.gamma.ppf(0.025, 30) * 100_000 / 15_000)


def test_zero_count_has_lower_limit_zero() -> None:
    rate = rate_per_100k(0, 5_000)
    assert rate.rate == 0.0
    assert rate.lower == 0.0
    assert rate.upper == pytest.approx(-math.log(0.025) * 100_000 / 5_000)
    assert rate.small_numbers


def test_single_event() -> None:
    rate = rate_per_100k(1, 100_000)
    assert rate.rate == 1.0
    assert 0 < rate.lower < 1 < rate.upper


def test_small_numbers_flag_threshold() -> None:
    assert rate_per_100k(SMALL_COUNT - 1, 10_000).small_numbers
    assert not rate_per_100k(SMALL_COUNT, 10_000).small_numbers


def test_vectorised_matches_scalar() -> None:
    counts = [0, 1, 7, 120]
    populations = [2_500, 10_000, 31_000.5, 250_000]
    many = rates_per_100k(counts, populations, level=0.9)
    for i, (count, population) in enumerate(zip(counts, populations, strict=True)):
        one = rate_per_100k(count, population, level=0.9)
        assert many.rate[i] == pytest.approx(one.rate)
        assert many.lower[i] == pytest.approx(one.lower)
        assert many.upper[i] == pytest.approx(one.upper)
        assert bool(many.small_numbers[i]) == one.small_numbers


def test_vectorised_result_is_read_only() -> None:
    rates = rates_per_100k(np.array([1, 2]), np.array([10.0, 20.0]))
    with pytest.raises(ValueError, match="read-only"):
        rates.rate[0] = 5.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        rates.level = 0.5  # type: ignore[misc]


def test_vectorised_empty_input() -> None:
    rates = rates_per_100k([], [])
    assert rates.rate.shape == (0,)


@pytest.mark.parametrize(
    ("count", "population", "message"),
    [
        (-1, 1000, "must not be negative"),
        (float("nan"), 1000, "count is NaN"),
        (2.5, 1000, "whole number"),
        (True, 1000, "whole number"),
        ("3", 1000, "whole number"),
        (3, 0, "population must be a positive"),
        (3, -10, "population must be a positive"),
        (3, float("nan"), "population is NaN"),
        (3, float("inf"), "population must be a positive"),
    ],
)
def test_rate_rejects_bad_arguments(count: object, population: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rate_per_100k(count, population)  # type: ignore[arg-type]


def test_whole_float_count_is_accepted() -> None:
    assert rate_per_100k(4.0, 1000).count == 4  # type: ignore[arg-type]


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1, float("nan"), "0.95"])
def test_bad_level_rejected(level: object) -> None:
    with pytest.raises(ValueError, match="level"):
        rate_per_100k(3, 1000, level=level)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("counts", "populations", "message"),
    [
        ([1, 2], [100.0], "differ in length"),
        ([1, np.nan], [100.0, 100.0], "counts contains NaN"),
        ([1, -2], [100.0, 100.0], "negative"),
        ([1, 2], [100.0, 0.0], "no zeros"),
        ([1, 2], [100.0, np.nan], "populations contains NaN"),
        ([[1, 2]], [[100.0, 100.0]], "one-dimensional"),
    ],
)
def test_vectorised_rejects_bad_arrays(counts: object, populations: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rates_per_100k(counts, populations)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- rate ratios


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
@pytest.mark.parametrize(
    ("a", "e_a", "b", "e_b"),
    [(30, 10_000, 15, 10_000), (1, 5_000, 7, 12_000), (12, 3_000, 40, 30_000), (5, 1, 5, 1)],
)
def test_rate_ratio_interval_is_transformed_clopper_pearson(
    a: int, e_a: float, b: int, e_b: float, level: float
) -> None:
    result = rate_ratio(a, e_a, b, e_b, level=level)
    ci = stats.binomtest(a, a + b).proportion_ci(confidence_level=level, method="exact")
    assert result.lower == pytest.approx(ci.low / (1 - ci.low) * e_b / e_a)
    assert result.upper == pytest.approx(ci.high / (1 - ci.high) * e_b / e_a)
    assert result.ratio == pytest.approx((a / e_a) / (b / e_b))


@pytest.mark.parametrize(("a", "b"), [(30, 15), (3, 12), (0, 6), (8, 0), (10, 10), (1, 1)])
def test_rate_ratio_p_value_is_doubled_exact_tail(a: int, b: int) -> None:
    e_a, e_b = 20_000.0, 30_000.0
    share = e_a / (e_a + e_b)
    less = stats.binomtest(a, a + b, share, alternative="less").pvalue
    greater = stats.binomtest(a, a + b, share, alternative="greater").pvalue
    expected = min(1.0, 2 * min(less, greater))
    assert rate_ratio(a, e_a, b, e_b).p_value == pytest.approx(expected)


def test_p_value_agrees_with_interval_and_verdict() -> None:
    for a in range(0, 40, 3):
        for b in range(0, 40, 4):
            result = rate_ratio(a, 1_000, b, 1_300)
            excludes_one = result.lower > 1 or result.upper < 1
            assert excludes_one == (result.p_value < 0.05), (a, b)
            assert (result.verdict != Verdict.NO_CLEAR_CHANGE) == excludes_one


def test_rate_ratio_is_symmetric() -> None:
    forward = rate_ratio(14, 9_000, 25, 11_000)
    backward = rate_ratio(25, 11_000, 14, 9_000)
    assert forward.lower == pytest.approx(1 / backward.upper)
    assert forward.upper == pytest.approx(1 / backward.lower)
    assert forward.p_value == pytest.approx(backward.p_value)


def test_rate_ratio_verdicts() -> None:
    assert rate_ratio(60, 10_000, 30, 10_000).verdict is Verdict.INCREASE
    assert rate_ratio(30, 10_000, 60, 10_000).verdict is Verdict.DECREASE
    assert rate_ratio(33, 10_000, 30, 10_000).verdict is Verdict.NO_CLEAR_CHANGE
    assert Verdict.NO_CLEAR_CHANGE.value == "ingen säker förändring"


def test_ties_give_ratio_one_and_no_change() -> None:
    result = rate_ratio(20, 5_000, 20, 5_000)
    assert result.ratio == 1.0
    assert result.p_value == 1.0
    assert result.verdict is Verdict.NO_CLEAR_CHANGE


def test_verdict_interval_touching_no_change_is_not_a_change() -> None:
    assert verdict_from_interval(1.0, 2.0, no_change=1.0) is Verdict.NO_CLEAR_CHANGE
    assert verdict_from_interval(0.5, 1.0, no_change=1.0) is Verdict.NO_CLEAR_CHANGE


def test_rate_ratio_zero_in_numerator() -> None:
    result = rate_ratio(0, 10_000, 12, 10_000)
    assert result.ratio == 0.0
    assert result.lower == 0.0
    share = stats.beta.ppf(0.975, 1, 12)  # Clopper–Pearson upper limit for 0 of 12
    assert result.upper == pytest.approx(share / (1 - share))
    assert result.verdict is Verdict.DECREASE


def test_rate_ratio_zero_in_denominator_is_reported_not_infinite() -> None:
    result = rate_ratio(12, 10_000, 0, 10_000)
    assert result.ratio is None
    assert result.upper == math.inf
    assert result.lower > 1
    assert result.verdict is Verdict.INCREASE


def test_rate_ratio_both_zero() -> None:
    result = rate_ratio(0, 10_000, 0, 10_000)
    assert result.ratio is None
    assert (result.lower, result.upper) == (0.0, math.inf)
    assert result.p_value == 1.0
    assert result.verdict is Verdict.NO_CLEAR_CHANGE


def test_rate_ratio_small_numbers_flag() -> None:
    assert rate_ratio(9, 1_000, 50, 1_000).small_numbers
    assert rate_ratio(50, 1_000, 9, 1_000).small_numbers
    assert not rate_ratio(10, 1_000, 10, 1_000).small_numbers


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, 1.0, 3, 1.0), "count_a must not be negative"),
        ((1, 1.0, float("nan"), 1.0), "count_b is NaN"),
        ((1, 0.0, 3, 1.0), "exposure_a"),
        ((1, 1.0, 3, float("nan")), "exposure_b is NaN"),
    ],
)
def test_rate_ratio_rejects_bad_arguments(args: tuple[float, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rate_ratio(*args)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- reference areas


def test_compare_to_reference_subtracts_the_area_itself() -> None:
    result = compare_to_reference(120, 50_000, 1_120, 1_050_000)
    direct = rate_ratio(120, 50_000, 1_000, 1_000_000)
    assert result == direct
    assert result.ratio == pytest.approx(2.4)


def test_compare_to_reference_area_equal_to_rest() -> None:
    result = compare_to_reference(10, 10_000, 20, 20_000)
    assert result.ratio == 1.0
    assert result.verdict is Verdict.NO_CLEAR_CHANGE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((50, 1_000, 40, 10_000), "must include the area"),
        ((5, 10_000, 40, 10_000), "must be larger than population"),
        ((5, 10_000, 40, 9_000), "must be larger than population"),
    ],
)
def test_compare_to_reference_rejects_inconsistent_reference(
    args: tuple[int, int, int, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        compare_to_reference(*args)
