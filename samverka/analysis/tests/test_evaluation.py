"""Tests for samverka.analysis.evaluation: the WDD test and the WDQ."""

import math

import pytest
from scipy import stats

from samverka.analysis.evaluation import WDQStatus, weighted_displacement
from samverka.analysis.rates import Verdict


def test_wheeler_ratcliffe_worked_example() -> None:
    # Wheeler & Ratcliffe (2018): T = (207, 110), Ct = (308, 318),
    # D = (178, 157), Cd = (150, 140) gives WDD = −118, Var = 1568,
    # z = −2.98 and a 95 % interval of −196 to −40.
    result = weighted_displacement((207, 110), (308, 318), (178, 157), (150, 140))
    assert result.wdd == -118
    assert result.se == pytest.approx(math.sqrt(1568))
    assert round(result.z or 0.0, 2) == -2.98
    assert (round(result.lower), round(result.upper)) == (-196, -40)
    assert result.local == -107
    assert result.displacement == -11
    assert result.local_se == pytest.approx(math.sqrt(207 + 110 + 308 + 318))
    assert result.displacement_se == pytest.approx(math.sqrt(178 + 157 + 150 + 140))
    assert result.p_value == pytest.approx(2 * stats.norm.sf(118 / math.sqrt(1568)))
    assert result.verdict is Verdict.DECREASE
    assert not result.shared_control


@pytest.mark.parametrize(
    ("args", "local", "displacement", "total"),
    [
        # The unit tests of the ptools R package (Wheeler), control first there.
        ((((20, 10)), (20, 20)), -10, None, -10),
        (((20, 20), (20, 20), (20, 10), (20, 20)), 0, -10, -10),
        (((20, 10), (20, 20), (20, 10), (20, 20)), -10, -10, -20),
    ],
)
def test_matches_ptools_estimates(
    args: tuple[tuple[int, int], ...], local: int, displacement: int | None, total: int
) -> None:
    result = weighted_displacement(*args)
    assert (result.local, result.displacement, result.wdd) == (local, displacement, total)


def test_local_only() -> None:
    result = weighted_displacement((30, 20), (30, 25))
    assert result.wdd == result.local == -5
    assert result.displacement is None and result.displacement_se is None
    assert result.se == pytest.approx(math.sqrt(105))
    assert result.wdq is None
    assert result.wdq_status is WDQStatus.NO_BUFFER
    assert result.verdict is Verdict.NO_CLEAR_CHANGE


def test_shared_control_counts_its_variance_four_times() -> None:
    result = weighted_displacement((50, 30), (60, 62), (40, 45))
    assert result.shared_control
    assert result.wdd == (30 - 50) + (45 - 40) - 2 * (62 - 60)
    assert result.se**2 == pytest.approx(50 + 30 + 40 + 45 + 4 * (60 + 62))
    assert result.displacement == (45 - 40) - (62 - 60)


def test_interval_and_p_value_agree() -> None:
    z95 = stats.norm.ppf(0.975)
    result = weighted_displacement((120, 60), (120, 118), level=0.95)
    assert result.lower == pytest.approx(result.wdd - z95 * result.se)
    assert result.upper == pytest.approx(result.wdd + z95 * result.se)
    assert (result.upper < 0) == (result.p_value < 0.05)
    assert result.verdict is Verdict.DECREASE


def test_increase_verdict() -> None:
    assert weighted_displacement((40, 90), (40, 42)).verdict is Verdict.INCREASE


def test_all_zero_counts_have_no_z() -> None:
    result = weighted_displacement((0, 0), (0, 0), (0, 0), (0, 0))
    assert result.wdd == 0 and result.se == 0.0
    assert result.z is None
    assert result.p_value == 1.0
    assert result.verdict is Verdict.NO_CLEAR_CHANGE


def test_single_event() -> None:
    result = weighted_displacement((1, 0), (0, 0))
    assert result.wdd == -1
    assert result.se == 1.0
    assert result.z == -1.0


# --------------------------------------------------------------------------- WDQ


def test_wdq_hand_computed() -> None:
    # Bowers & Johnson (2003): WDQ = (Da/Ca − Db/Cb) / (Ra/Ca − Rb/Cb).
    result = weighted_displacement((100, 60), (200, 200), (80, 70))
    success = 60 / 200 - 100 / 200
    buffer = 70 / 200 - 80 / 200
    assert result.success_measure == pytest.approx(success)
    assert result.buffer_measure == pytest.approx(buffer)
    assert result.wdq == pytest.approx(buffer / success)  # 0.25: diffusion of benefit
    assert result.wdq_status is WDQStatus.DEFINED


def test_wdq_uses_the_treated_areas_control_even_with_a_buffer_control() -> None:
    result = weighted_displacement((100, 60), (200, 200), (80, 70), (10, 50))
    assert result.wdq == pytest.approx((70 / 200 - 80 / 200) / (60 / 200 - 100 / 200))


def test_wdq_displacement_is_negative() -> None:
    result = weighted_displacement((100, 60), (100, 100), (50, 70))
    assert result.wdq is not None and result.wdq < 0


def test_wdq_undefined_when_control_has_no_crime() -> None:
    result = weighted_displacement((10, 5), (0, 3), (8, 9))
    assert result.wdq is None
    assert result.success_measure is None
    assert result.wdq_status is WDQStatus.CONTROL_ZERO
    assert result.wdd == (5 - 10) + (9 - 8) - 2 * 3  # the WDD is still given


def test_wdq_undefined_without_reduction() -> None:
    for treated in [(50, 50), (50, 70)]:  # no change, and an increase, relative to control
        result = weighted_displacement(treated, (100, 100), (30, 20))
        assert result.wdq is None
        assert result.wdq_status is WDQStatus.NO_REDUCTION
        assert result.success_measure is not None and result.success_measure >= 0
        assert result.buffer_measure == pytest.approx(20 / 100 - 30 / 100)


def test_wdq_never_infinite() -> None:
    for treated in [(0, 0), (5, 5), (0, 9)]:
        result = weighted_displacement(treated, (7, 7), (3, 4))
        assert result.wdq is None or math.isfinite(result.wdq)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"treated": (-1, 5), "control": (3, 3)}, "treated before must not be negative"),
        ({"treated": (1, float("nan")), "control": (3, 3)}, "treated after is NaN"),
        ({"treated": (1, 2, 3), "control": (3, 3)}, "before, after"),
        ({"treated": "12", "control": (3, 3)}, "before, after"),
        ({"treated": 12, "control": (3, 3)}, "before, after"),
        ({"treated": (1, 2), "control": (3, 3.5)}, "control after must be a whole number"),
        ({"treated": (1, 2), "control": (3, 3), "buffer_control": (1, 1)}, "without a buffer"),
        ({"treated": (1, 2), "control": (3, 3), "level": 95}, "level"),
    ],
)
def test_rejects_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        weighted_displacement(**kwargs)  # type: ignore[arg-type]
