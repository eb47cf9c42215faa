"""The hot spot map a lägesbild shows, and its stability on the demo data.

The demo events (samverka.demo.events, plain Python, no database) are
projected to SWEREF 99 TM with samverka.lib.geo and mapped with the defaults.
"""

from datetime import date
from functools import cache

import numpy as np
import pytest

from samverka.analysis.place import (
    DEFAULT_CELL_SIZE,
    HOTSPOT_CLASSES,
    METHOD_TEXTS,
    Grid,
    hotspot_map,
)
from samverka.demo.events import generate_events
from samverka.lib.geo import wgs84_to_sweref99tm


@cache
def demo_positions(code: str, police_only: bool, year: int | None = None):
    """Northings and eastings of the demo events of a kommun, 2021-2025, seed 1."""
    start, end = (date(2021, 1, 1), date(2025, 12, 31))
    if year is not None:
        start, end = date(year, 1, 1), date(year, 12, 31)
    events = [
        e
        for e in generate_events(code, start, end, seed=1)
        if not police_only or e.kind == "police"
    ]
    positions = np.array([wgs84_to_sweref99tm(e.latitude, e.longitude) for e in events])
    return positions[:, 0], positions[:, 1]


def test_the_default_map_does_not_depend_on_the_seed_on_the_demo_data():
    north, east = demo_positions("0882", police_only=False)  # Oskarshamn, five years
    first = hotspot_map(north, east, seed=1)
    second = hotspot_map(north, east, seed=2)
    assert first.grid.cell_size == DEFAULT_CELL_SIZE == 250.0
    assert first.inference == "convolution"
    assert first.events == north.size > 10_000
    assert 5 <= first.hot.sum() <= 0.2 * first.statistic.tested.sum()
    np.testing.assert_array_equal(first.hot, second.hot)
    np.testing.assert_array_equal(first.q, second.q)
    np.testing.assert_array_equal(first.category, second.category)
    assert "does not depend on a random seed" in first.method


@pytest.mark.parametrize(
    ("code", "police_only", "year"),
    [
        ("0882", False, None),  # Oskarshamn, all events, five years
        ("0882", True, None),  # its police events, where plain permutations flip a cell
        ("1060", True, 2025),  # Olofström, one year: a cell at the FDR threshold
    ],
)
def test_the_permutation_map_is_stable_between_seeds_on_the_demo_data(code, police_only, year):
    north, east = demo_positions(code, police_only, year)
    exact = hotspot_map(north, east)
    maps = [hotspot_map(north, east, inference="permutation", seed=s) for s in (1, 2, 3)]
    undecided = np.zeros(exact.grid.shape, dtype=bool)
    for result in maps:
        assert result.statistic.undecided is not None
        undecided |= result.statistic.undecided
    # Monte Carlo error leaves at most a cell or two open; every decided cell agrees.
    assert undecided.sum() <= 2
    for result in maps[1:]:
        np.testing.assert_array_equal(result.hot & ~undecided, maps[0].hot & ~undecided)
    # And with the exact (with-replacement) null, but for its O(m / n) difference.
    for result in maps:
        assert (result.hot != exact.hot).sum() <= 2


def test_plain_permutations_can_flip_a_cell_that_resolving_keeps():
    # The reason for resolve=True: on Oskarshamn's police events, 9,999 shared
    # permutations alone put one cell on either side of the FDR threshold.
    from samverka.analysis.place import gi_star

    north, east = demo_positions("0882", police_only=True)
    counts = hotspot_map(north, east).counts
    plain = [
        gi_star(counts, "queen", cell_size=250.0, inference="permutation", seed=s).hot
        for s in range(1, 11)
    ]
    assert any((hot != plain[0]).any() for hot in plain[1:])


def test_categories_hot_cells_and_method_text():
    rng = np.random.default_rng(5)
    north = np.concatenate(
        [6_400_000 + rng.uniform(0, 5000, 300), 6_402_600 + rng.normal(0, 150, 200)]
    )
    east = np.concatenate([500_000 + rng.uniform(0, 5000, 300), 502_600 + rng.normal(0, 150, 200)])
    grid = Grid(6_400_000.0, 500_000.0, 250.0, 20, 20)
    result = hotspot_map(north, east, grid=grid)
    assert result.grid is grid and result.outside == 0
    names = result.named()
    assert set(np.unique(names)) <= set(HOTSPOT_CLASSES)
    assert (names == "not_tested").sum() == (~result.statistic.tested).sum()
    assert np.array_equal(result.hot, np.isin(names, ["hot", "hot_strong"]))
    cells = result.hot_cells()
    assert len(cells) == result.hot.sum() > 0
    assert [c.q for c in cells] == sorted(c.q for c in cells)
    assert all(c.count >= 3 and c.z > 0 and c.q <= 0.05 for c in cells)
    for inference in ("convolution", "permutation", "normal"):
        text = hotspot_map(north, east, inference=inference, permutations=999).method
        assert "%(" not in text and "250 m cells" in text and "Benjamini-Hochberg" in text
    assert set(METHOD_TEXTS) == {"convolution", "permutation", "normal"}
    band = hotspot_map(north, east, neighbourhood=500.0)
    assert "13 cells whose centres lie within 500 m" in band.method
    for array in (result.counts, result.z, result.hot, result.category):
        assert not array.flags.writeable


def test_hotspot_map_rejects_bad_input():
    with pytest.raises(ValueError, match="NaN"):
        hotspot_map([6.4e6, np.nan], [5e5, 5e5])
    with pytest.raises(ValueError, match="zero events"):
        hotspot_map([], [])
    with pytest.raises(ValueError, match="inference"):
        hotspot_map([6.4e6], [5e5], inference="bootstrap")
