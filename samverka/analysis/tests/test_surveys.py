"""Tests for samverka.analysis.surveys: Wilson intervals and Newcombe differences."""

import dataclasses

import pytest
from scipy import stats

from samverka.analysis.rates import Verdict
from samverka.analysis.surveys import difference, proportion


@pytest.mark.parametrize("level", [0.8, 0.95, 0.99])
@pytest.mark.parametrize(
    ("successes", "n"), [(0, 1), (1, 1), (0, 20), (1, 29), (15, 148), (81, 263), (50, 100), (7, 7)]
)
def test_wilson_equals_scipy(successes: int, n: int, level: float) -> None:
    result = proportion(successes, n, level=level)
    ci = stats.binomtest(successes, n).proportion_ci(confidence_level=level, method="wilson")
    assert result.lower == pytest.approx(ci.low, abs=1e-12)
    assert result.upper == pytest.approx(ci.high, abs=1e-12)
    assert result.estimate == successes / n


@pytest.mark.parametrize(
    ("successes", "n", "lower", "upper"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_1998a_table(
    successes: int, n: int, lower: float, upper: float
) -> None:
    result = proportion(successes, n)
    assert round(result.lower, 4) == lower
    assert round(result.upper, 4) == upper


def test_zero_and_all_successes_hit_the_bounds_exactly() -> None:
    assert proportion(0, 40).lower == 0.0
    assert proportion(40, 40).upper == 1.0


@pytest.mark.parametrize(
    ("successes", "n", "small"),
    [
        (10, 29, True),
        (10, 30, False),
        (4, 100, True),
        (96, 100, True),
        (5, 100, False),
        (95, 100, False),
    ],
)
def test_small_sample_rule(successes: int, n: int, small: bool) -> None:
    assert proportion(successes, n).small_sample is small


@pytest.mark.parametrize(
    ("successes", "n", "message"),
    [
        (1, 0, "at least one respondent"),
        (11, 10, "cannot exceed n"),
        (-1, 10, "successes must not be negative"),
        (float("nan"), 10, "successes is NaN"),
        (3, float("nan"), "n is NaN"),
        (3, 10.5, "n must be a whole number"),
    ],
)
def test_proportion_rejects_bad_arguments(successes: object, n: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        proportion(successes, n)  # type: ignore[arg-type]


def test_proportion_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        proportion(3, 10).n = 11  # type: ignore[misc]


# --------------------------------------------------------------------------- Newcombe


@pytest.mark.parametrize(
    ("a", "m", "b", "n", "lower", "upper"),
    [
        # Newcombe (1998b), Table II, method 10, examples (a)-(f).
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
    ],
)
def test_newcombe_matches_published_table(
    a: int, m: int, b: int, n: int, lower: float, upper: float
) -> None:
    result = difference(proportion(a, m), proportion(b, n))
    assert round(result.lower, 4) == pytest.approx(lower)
    assert round(result.upper, 4) == pytest.approx(upper)
    assert result.difference == pytest.approx(a / m - b / n)


def test_newcombe_swapping_groups_mirrors_the_interval() -> None:
    forward = difference(proportion(56, 70), proportion(48, 80))
    backward = difference(proportion(48, 80), proportion(56, 70))
    assert backward.lower == pytest.approx(-forward.upper)
    assert backward.upper == pytest.approx(-forward.lower)
    assert forward.verdict is Verdict.INCREASE
    assert backward.verdict is Verdict.DECREASE


def test_ties_give_no_clear_change() -> None:
    result = difference(proportion(30, 100), proportion(30, 100))
    assert result.difference == 0.0
    assert result.lower < 0 < result.upper
    assert result.verdict is Verdict.NO_CLEAR_CHANGE
    assert result.verdict.value == "ingen säker förändring"


def test_difference_small_sample_if_either_is_small() -> None:
    assert difference(proportion(3, 50), proportion(20, 50)).small_sample
    assert not difference(proportion(10, 50), proportion(20, 50)).small_sample


def test_difference_uses_the_common_level() -> None:
    wide = difference(proportion(56, 70, level=0.99), proportion(48, 80, level=0.99))
    narrow = difference(proportion(56, 70), proportion(48, 80))
    assert wide.level == 0.99
    assert wide.lower < narrow.lower and wide.upper > narrow.upper


def test_difference_rejects_mixed_levels_and_non_proportions() -> None:
    with pytest.raises(ValueError, match="different levels"):
        difference(proportion(5, 10, level=0.9), proportion(5, 10))
    with pytest.raises(ValueError, match="two Proportion objects"):
        difference(0.5, proportion(5, 10))  # type: ignore[arg-type]
