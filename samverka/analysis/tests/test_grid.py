"""Grids, binning, footprints and kernel density."""

import math

import numpy as np
import pytest

from samverka.analysis.grid import (
    DEFAULT_CELL_SIZE,
    Grid,
    bin_events,
    footprint,
    kernel_density,
    quartic_kernel,
    smooth_counts,
)

N0, E0 = 6_500_000.0, 500_000.0


def test_default_cell_size_is_250_m():
    assert DEFAULT_CELL_SIZE == 250.0
    assert bin_events([N0 + 1.0], [E0 + 1.0]).grid.cell_size == 250.0


def test_covering_grid_snaps_to_the_cell_size_and_holds_every_event():
    rng = np.random.default_rng(0)
    north = N0 + rng.uniform(-3000, 3000, 500)
    east = E0 + rng.uniform(-2000, 5000, 500)
    grid = Grid.covering(north, east, 250.0)
    assert grid.origin_northing % 250 == 0 and grid.origin_easting % 250 == 0
    assert grid.origin_northing <= north.min() < grid.origin_northing + 250
    row, col = grid.locate(north, east)
    assert (row >= 0).all() and (col >= 0).all()
    assert row.max() == grid.rows - 1 and col.max() == grid.cols - 1


def test_bin_events_matches_a_direct_count():
    rng = np.random.default_rng(1)
    north = N0 + rng.uniform(-100, 5100, 20_000)
    east = E0 + rng.uniform(-100, 3100, 20_000)
    grid = Grid(N0, E0, 100.0, rows=50, cols=30)
    binned = bin_events(north, east, grid)
    expected = np.zeros((50, 30), dtype=int)
    outside = 0
    for n, e in zip(north, east, strict=True):
        r, c = math.floor((n - N0) / 100.0), math.floor((e - E0) / 100.0)
        if 0 <= r < 50 and 0 <= c < 30:
            expected[r, c] += 1
        else:
            outside += 1
    np.testing.assert_array_equal(binned.counts, expected)
    assert binned.outside == outside > 0
    assert binned.total + binned.outside == north.size
    # flat_index maps every event back to its cell
    flat = grid.flat_index(north, east)
    np.testing.assert_array_equal(
        np.bincount(flat[flat >= 0], minlength=grid.size).reshape(grid.shape), binned.counts
    )
    assert (
        (flat == -1) == ~((north >= N0) & (north < N0 + 5000) & (east >= E0) & (east < E0 + 3000))
    ).all()


def test_cells_are_half_open_and_far_events_are_outside():
    grid = Grid(N0, E0, 250.0, rows=2, cols=2)
    binned = bin_events(
        [N0, N0 + 250.0, N0 + 500.0, N0 - 1e-6, N0 + 1e12, N0 - 1e300],
        [E0, E0 + 499.99, E0, E0, E0, E0],
        grid,
    )
    assert binned.counts.tolist() == [[1, 0], [0, 1]]
    assert binned.outside == 4
    row, col = grid.locate([N0 + 500.0, N0 + 499.0], [E0, E0 + 250.0])
    assert row.tolist() == [-1, 1] and col.tolist() == [-1, 1]


def test_centres_map_back_to_their_cells():
    grid = Grid(N0, E0, 250.0, rows=4, cols=5)
    north, east = grid.centres()
    assert north[0] == N0 + 125.0 and east[-1] == E0 + 4 * 250.0 + 125.0
    rows, cols = np.meshgrid(np.arange(4), np.arange(5), indexing="ij")
    r, c = grid.locate(north[rows.ravel()], east[cols.ravel()])
    np.testing.assert_array_equal(r, rows.ravel())
    np.testing.assert_array_equal(c, cols.ravel())
    assert grid.cell_centre(3, 4) == (north[3], east[4])


def test_empty_and_single_event():
    grid = Grid(N0, E0, 250.0, rows=3, cols=3)
    empty = bin_events(np.array([]), np.array([]), grid)
    assert empty.counts.shape == (3, 3) and empty.total == 0 and empty.outside == 0
    with pytest.raises(ValueError, match="zero events"):
        bin_events([], [])
    single = bin_events([N0 + 10.0], [E0 + 10.0])
    assert single.counts.tolist() == [[1]] and single.grid.shape == (1, 1)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_infinite_positions_are_rejected(bad):
    with pytest.raises(ValueError, match="kommun-centre"):
        bin_events([N0, bad], [E0, E0])
    with pytest.raises(ValueError, match="NaN or infinite"):
        Grid(N0, E0, 250.0, 2, 2).locate([N0], [bad])
    with pytest.raises(ValueError, match="kommun-centre"):
        kernel_density([N0], [bad], Grid(N0, E0, 250.0, 2, 2), 500.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: bin_events([N0, N0], [E0]), "same length"),
        (lambda: bin_events([[N0]], [[E0]]), "1-D"),
        (lambda: bin_events([N0], [E0], cell_size=-250.0), "positive"),
        (lambda: bin_events([N0], [E0], cell_size=0), "positive"),
        (lambda: bin_events([N0], [E0], cell_size=float("nan")), "positive"),
        (lambda: bin_events([N0], [E0], grid="grid"), "Grid"),
        (lambda: Grid(N0, E0, 250.0, rows=-1, cols=2), "rows"),
        (lambda: Grid(N0, E0, 250.0, rows=2.5, cols=2), "rows"),
        (lambda: Grid(float("nan"), E0, 250.0, rows=1, cols=1), "origin_northing"),
        (lambda: Grid.from_bounds(N0, E0, N0 - 1, E0), "min <= max"),
        (lambda: footprint("king"), "queen"),
        (lambda: footprint(200.0, 250.0), "does not reach"),
        (lambda: quartic_kernel(100.0, 250.0), "below the cell size"),
        (lambda: quartic_kernel(-1.0), "positive"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_footprints():
    assert footprint("queen").sum() == 9
    assert footprint("rook").sum() == 5
    assert footprint(250.0, 250.0).sum() == 5
    assert footprint(354.0, 250.0).sum() == 9  # reaches the diagonal at 353.6 m
    assert footprint(500.0, 250.0).sum() == 13
    assert footprint(500.0, 100.0).sum() == 81
    assert footprint(300.0, 100.0).sum() == 29  # exactly 300 m away counts


def test_quartic_kernel_is_the_biweight_and_sums_to_one():
    kernel = quartic_kernel(1000.0, 250.0)
    assert kernel.shape == (7, 7)
    assert kernel.sum() == pytest.approx(1.0, abs=1e-15)
    offsets = np.arange(-3, 4) * 250.0
    d2 = (offsets[:, None] ** 2 + offsets[None, :] ** 2) / 1000.0**2
    raw = np.where(d2 < 1, 3 / (math.pi * 1000.0**2) * (1 - d2) ** 2, 0)
    np.testing.assert_allclose(kernel, raw / raw.sum(), rtol=1e-13)
    np.testing.assert_allclose(kernel, kernel.T)
    np.testing.assert_allclose(kernel, kernel[::-1])


def test_kernel_density_equals_a_direct_sum_over_binned_events():
    rng = np.random.default_rng(2)
    grid = Grid(N0, E0, 100.0, rows=40, cols=50)
    north = N0 + rng.uniform(0, 4000, 3000)
    east = E0 + rng.uniform(0, 5000, 3000)
    bandwidth = 450.0
    result = kernel_density(north, east, grid, bandwidth)
    counts = bin_events(north, east, grid).counts
    kernel = quartic_kernel(bandwidth, 100.0)
    reach = kernel.shape[0] // 2
    expected = np.zeros(grid.shape)
    for r, c in zip(*np.nonzero(counts), strict=True):
        for dr in range(-reach, reach + 1):
            for dc in range(-reach, reach + 1):
                if 0 <= r + dr < 40 and 0 <= c + dc < 50:
                    expected[r + dr, c + dc] += counts[r, c] * kernel[dr + reach, dc + reach]
    expected /= 0.01  # one cell is 0.01 km^2
    np.testing.assert_allclose(result.density, expected, rtol=1e-9, atol=1e-9)
    assert (result.density[expected == 0] == 0).all()
    assert result.outside == 0 and result.bandwidth == bandwidth


def test_kernel_density_keeps_mass_away_from_edges_and_drops_outside_events():
    grid = Grid(N0, E0, 250.0, rows=21, cols=21)
    result = kernel_density([N0 + 2625.0, N0 + 99_999.0], [E0 + 2625.0, E0], grid, 1000.0)
    assert result.outside == 1
    assert result.density.sum() * 0.0625 == pytest.approx(1.0, abs=1e-12)
    assert result.density[10, 10] == result.density.max()
    np.testing.assert_allclose(result.density, result.density[::-1, ::-1], atol=1e-12)
    none = kernel_density(np.array([]), np.array([]), grid, 1000.0)
    assert (none.density == 0).all()
    with pytest.raises(ValueError):
        result.density[0, 0] = 1.0


def test_smooth_counts_checks_its_input():
    with pytest.raises(ValueError, match="whole numbers"):
        smooth_counts(np.ones((3, 3)) * 0.5, 500.0, 250.0)
    with pytest.raises(ValueError, match=">= 0"):
        smooth_counts(-np.ones((3, 3), dtype=int), 500.0, 250.0)
