"""Concentration, the public API, the docstring examples, and the package's purity."""

import doctest
import subprocess
import sys

import numpy as np
import pytest

from samverka.analysis import (
    evaluation,
    grid,
    hotspots,
    nearrepeat,
    place,
    rates,
    surveys,
    timeseries,
)
from samverka.analysis.place import Grid, bin_events, concentration


@pytest.mark.parametrize(
    "module", [grid, hotspots, nearrepeat, place, rates, timeseries, surveys, evaluation]
)
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_public_api_is_complete_and_documented():
    for name in place.__all__:
        obj = getattr(place, name)
        if (callable(obj) and not name[0].isupper()) or isinstance(obj, type):
            assert obj.__doc__ and len(obj.__doc__) > 40, name
    for module in (grid, hotspots, nearrepeat, place):
        assert "19" in module.__doc__ or "20" in module.__doc__  # cites its sources


def test_no_django_and_no_global_random_state():
    code = (
        "import sys, numpy as np\n"
        "state = np.random.get_state()[1].copy()\n"
        "from samverka.analysis import place\n"
        "y = place.bin_events([6.5e6 + 1, 6.5e6 + 700], [5e5, 5e5 + 900], cell_size=100.0)\n"
        "place.gi_star(y, 'queen', inference='permutation', permutations=99, min_count=0)\n"
        "place.knox_test([0.0, 1.0, 2.0], [0.0, 0.0, 0.0], [0, 1, 2], permutations=9)\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
        "assert (np.random.get_state()[1] == state).all(), 'global random state used'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)  # noqa: S603


def test_concentration_on_known_counts():
    counts = [50, 20, 10, 5, 5, 4, 3, 2, 1, 0] + [0] * 10
    c = concentration(counts, top=0.1)
    assert (c.events, c.places, c.places_with_events) == (100, 20, 9)
    assert c.events_in_top == pytest.approx(0.7)  # 2 places: 50 + 20
    assert c.places_for_half == pytest.approx(0.05)  # 1 place: 50
    assert c.events_in(0.05) == pytest.approx(0.5)
    assert c.events_in(0.075) == pytest.approx(0.6)  # half way into the second place
    assert c.places_for(0.6) == pytest.approx(0.075)
    assert c.events_in(1.0) == 1.0 and c.events_in(0.0) == 0.0
    assert c.places_for(1.0) == pytest.approx(9 / 20)
    assert c.cumulative.tolist()[:4] == [0, 50, 70, 80]


def test_concentration_denominator_is_the_places_that_can_hold_events():
    counts = np.zeros((10, 10), dtype=int)
    counts[0, 0] = 30
    counts[0, 1] = 10
    counts[9, 9] = 2  # in a "lake", but it evidently can hold events
    land = np.zeros((10, 10), dtype=bool)
    land[:4, :5] = True
    every_cell = concentration(counts, top=0.05)
    on_land = concentration(counts, mask=land, top=0.05)
    assert every_cell.places == 100 and on_land.places == 21
    assert every_cell.events_in_top == 1.0  # 5 cells hold everything
    assert on_land.events_in_top == pytest.approx((30 + 0.05 * 21 % 1 * 10) / 42)
    assert on_land.places_for_half == pytest.approx((21 / 30) / 21)
    binned = bin_events([6.5e6 + 1, 6.5e6 + 2, 6.5e6 + 900], [5e5, 5e5, 5e5], cell_size=250.0)
    assert concentration(binned).places == binned.grid.size


def test_events_in_and_places_for_are_inverse():
    rng = np.random.default_rng(0)
    counts = rng.negative_binomial(0.3, 0.05, 5000)
    c = concentration(counts)
    for share in np.linspace(0.01, 0.95, 40):
        assert c.events_in(c.places_for(share)) == pytest.approx(share, abs=1e-12)
    assert 0 < c.places_for_half < 0.5 < c.events_in_top + 0.5


def test_concentration_edge_cases_and_errors():
    none = concentration(np.zeros(5, dtype=int))
    assert none.events == 0 and np.isnan(none.events_in_top) and np.isnan(none.places_for_half)
    empty = concentration(np.array([], dtype=int))
    assert empty.places == 0 and np.isnan(empty.events_in(0.5))
    assert concentration(np.array([2.0, 0.0])).events == 2
    for bad, message in [
        ([1, -1], ">= 0"),
        ([1.5, 2.0], "whole numbers"),
        ([np.nan, 1.0], "whole numbers"),
    ]:
        with pytest.raises(ValueError, match=message):
            concentration(bad)
    with pytest.raises(ValueError, match="between 0 and 1"):
        concentration([1, 2], top=5)
    with pytest.raises(ValueError, match="mask shape"):
        concentration([1, 2], mask=np.ones(3, dtype=bool))
    with pytest.raises(ValueError, match="boolean"):
        concentration([1, 2], mask=[1, 1])


def test_place_reexports_one_pipeline():
    rng = np.random.default_rng(1)
    north = 6.5e6 + np.concatenate([rng.normal(2000, 150, 800), rng.uniform(0, 5000, 800)])
    east = 5e5 + np.concatenate([rng.normal(2500, 150, 800), rng.uniform(0, 5000, 800)])
    binned = bin_events(north, east, Grid.from_bounds(6.5e6, 5e5, 6.5e6 + 4999, 5e5 + 4999))
    hot = place.gi_star(binned, "queen")
    assert hot.hot[8, 10]
    density = place.kernel_density(north, east, binned.grid, 500.0)
    assert np.unravel_index(density.density.argmax(), binned.grid.shape) in {
        (7, 9),
        (7, 10),
        (8, 9),
        (8, 10),
    }
    assert concentration(binned).places_for_half < 0.1
