"""The Knox test: exact counts against a naive loop and pointpats, and its inference."""

import warnings

import numpy as np
import pytest

from samverka.analysis.nearrepeat import knox_test

N0, E0 = 6_500_000.0, 500_000.0


def naive_table(north, east, days, space_edges, time_edges):
    """Every pair, classified by the band rules, in plain Python."""
    n = len(north)
    table = np.zeros((len(space_edges) - 1, len(time_edges) - 1), dtype=int)

    def band(value, edges):
        for k in range(len(edges) - 1):
            if edges[k] < value <= edges[k + 1] or (k == 0 and value == edges[0]):
                return k
        return None

    squared = [e * e for e in space_edges]
    for i in range(n):
        for j in range(i + 1, n):
            dn = north[i] - north[j]
            de = east[i] - east[j]
            a = band(dn * dn + de * de, squared)
            b = band(abs(days[i] - days[j]), time_edges)
            if a is not None and b is not None:
                table[a, b] += 1
    return table


def burglaries(n, rng, repeats=0.2, side=8000.0, span=365):
    first = int(n * (1 - repeats))
    north = N0 + rng.uniform(0, side, first)
    east = E0 + rng.uniform(0, side, first)
    day = rng.integers(0, span, first)
    parent = rng.integers(0, first, n - first)
    north = np.concatenate([north, north[parent] + rng.normal(0, 60, n - first)])
    east = np.concatenate([east, east[parent] + rng.normal(0, 60, n - first)])
    day = np.concatenate([day, np.minimum(day[parent] + rng.integers(0, 10, n - first), span)])
    return north, east, day


@pytest.mark.parametrize(
    ("space", "time"),
    [
        ((0, 100, 200, 300, 400), (0, 7, 14, 21, 28)),
        ((50, 150, 400), (3, 10, 30)),
        ((0, 1, 250), (0, 0.5, 14)),
    ],
)
def test_counts_equal_a_naive_pair_loop(space, time):
    rng = np.random.default_rng(0)
    north, east, day = burglaries(400, rng, side=3000.0, span=120)
    north = np.round(north, 0)  # whole metres: many exact band-edge distances
    east = np.round(east, 0)
    east[:20] = east[20:40]  # same addresses
    north[:20] = north[20:40]
    result = knox_test(north, east, day, space, time, permutations=0)
    np.testing.assert_array_equal(result.observed, naive_table(north, east, day, space, time))
    fractional = day + rng.uniform(0, 1, day.size).round(2)
    result = knox_test(north, east, fractional, space, time, permutations=0)
    np.testing.assert_array_equal(
        result.observed, naive_table(north, east, fractional, space, time)
    )


def test_band_edges_are_inclusive_above():
    # A 3-4-5 triangle: exactly 100 m apart, exactly 7 days apart.
    north = [N0, N0 + 60.0, N0 + 60.0]
    east = [E0, E0 + 80.0, E0 + 80.0]
    result = knox_test(north, east, [0, 7, 7], [0, 100, 200], [0, 7, 14], permutations=0)
    assert result.observed.tolist() == [[3, 0], [0, 0]]
    shifted = knox_test(north, east, [0, 8, 8], [0, 99.999, 200], [0, 7, 14], permutations=0)
    assert shifted.observed.tolist() == [[1, 0], [0, 2]]


def test_expected_is_exact_and_matches_the_permutation_mean():
    rng = np.random.default_rng(1)
    north, east, day = burglaries(300, rng, side=2000.0, span=60)
    result = knox_test(north, east, day, (0, 100, 300), (0, 3, 10), permutations=3000, seed=1)
    everything = naive_table(north, east, day, (0, 100, 300), (0, 3, 10, 1e9))
    space = everything.sum(axis=1)
    gaps = np.abs(day[:, None] - day[None, :])[np.triu_indices(300, 1)]
    time = [(gaps <= 3).sum(), ((gaps > 3) & (gaps <= 10)).sum()]
    np.testing.assert_array_equal(result.space_pairs, space)
    np.testing.assert_array_equal(result.time_pairs, time)
    assert result.total_pairs == 300 * 299 // 2
    np.testing.assert_allclose(result.expected, np.outer(space, time) / result.total_pairs)
    spread = np.sqrt(result.expected / 3000)  # roughly Poisson per table cell
    assert np.all(np.abs(result.simulated_mean - result.expected) < 5 * spread + 0.05)
    np.testing.assert_allclose(result.ratio, result.observed / result.expected)


def test_matches_pointpats_knox():
    spacetime = pytest.importorskip("pointpats.spacetime")
    rng = np.random.default_rng(2)
    north, east, day = burglaries(300, rng, side=3000.0, span=90)
    ours = knox_test(north, east, day, (0, 200), (0, 7), permutations=999, seed=3)
    np.random.seed(4)  # pointpats draws from numpy's global generator
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = spacetime.Knox(
            np.column_stack([north, east]),
            day[:, None].astype(float),
            delta=200,
            tau=7,
            permutations=999,
        )
    assert ours.observed[0, 0] == theirs.nst
    assert ours.expected[0, 0] == pytest.approx(theirs.expected[0, 0], rel=1e-12)
    assert ours.space_pairs[0] == theirs.observed[0].sum()
    assert ours.time_pairs[0] == theirs.observed[:, 0].sum()
    p = theirs.p_sim
    assert abs(ours.p_value[0, 0] - p) <= 4.5 * np.sqrt(2 * p * (1 - p) / 999) + 0.002


def test_finds_near_repeats_and_not_in_random_data():
    rng = np.random.default_rng(3)
    north, east, day = burglaries(3000, rng)
    result = knox_test(north, east, day, (0, 100, 200, 400), (0, 7, 14, 28), permutations=199)
    assert result.ratio[0, 0] > 3 and result.p_value[0, 0] == 1 / 200
    random = knox_test(
        north, east, rng.permutation(day), (0, 100, 200, 400), (0, 7, 14, 28), permutations=199
    )
    assert np.all(random.ratio < 1.5) and np.all(random.p_value > 1 / 200)


def test_seeded_and_independent_of_the_number_of_workers():
    rng = np.random.default_rng(4)
    north, east, day = burglaries(2000, rng)
    one = knox_test(north, east, day, permutations=99, seed=7, workers=1)
    three = knox_test(north, east, day, permutations=99, seed=7, workers=3)
    np.testing.assert_array_equal(one.p_value, three.p_value)
    np.testing.assert_array_equal(one.simulated_mean, three.simulated_mean)
    other = knox_test(north, east, day, permutations=99, seed=8, workers=1)
    assert not np.array_equal(one.simulated_mean, other.simulated_mean)


def test_datetimes_are_days():
    rng = np.random.default_rng(5)
    north, east, day = burglaries(500, rng, side=2000.0)
    dates = np.datetime64("2025-01-01") + day.astype("timedelta64[D]")
    a = knox_test(north, east, day, permutations=0)
    b = knox_test(north, east, dates, permutations=0)
    np.testing.assert_array_equal(a.observed, b.observed)
    np.testing.assert_array_equal(a.expected, b.expected)


def test_too_few_events():
    for n in (0, 1):
        result = knox_test([N0] * n, [E0] * n, [0] * n, permutations=9)
        assert result.observed.sum() == 0 and result.total_pairs == 0
        assert np.isnan(result.ratio).all() and (result.p_value == 1).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"northing": [N0, np.nan]}, "kommun-centre"),
        ({"days": [0.0, np.nan]}, "NaN"),
        ({"days": np.array(["2025-01-01", "NaT"], dtype="datetime64[D]")}, "NaT"),
        ({"days": [0, 1, 2]}, "positions"),
        ({"days": ["a", "b"]}, "datetime64"),
        ({"space_bands": (100, 100)}, "increase"),
        ({"space_bands": (-1, 100)}, ">= 0"),
        ({"time_bands": (7,)}, "two band edges"),
        ({"permutations": -1}, "permutations"),
        ({"workers": 0}, "workers"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, message):
    arguments = {"northing": [N0, N0 + 1], "easting": [E0, E0], "days": [0, 1]}
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        knox_test(**arguments)
