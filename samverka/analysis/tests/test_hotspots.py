"""Gi*, its inference, the FDR, Mann-Kendall and emerging hot spots.

Oracles: esda's G_Local with binary weights (libpysal lat2W and DistanceBand),
exact enumeration of the conditional permutation distribution on a tiny grid,
scipy's Benjamini-Hochberg and Kendall tau, and textbook loops.
"""

import itertools
import math
import warnings

import numpy as np
import pytest
import scipy.stats

from samverka.analysis.grid import bin_events, footprint, window_sum
from samverka.analysis.hotspots import (
    CATEGORIES,
    benjamini_hochberg,
    conditional_permutation,
    emerging_hotspots,
    gi_star,
    mann_kendall,
)

esda_getisord = pytest.importorskip("esda.getisord")
libpysal_weights = pytest.importorskip("libpysal.weights")


def clustered_counts(rng, rows=120, cols=120, events=12_000, cell=250.0):
    """Events around a few town centres of very different size plus background."""
    centres = rng.uniform(0.15, 0.85, (6, 2)) * np.array([rows, cols]) * cell
    weights = np.array([0.4, 0.25, 0.15, 0.1, 0.06, 0.04])
    clustered = int(events * 0.85)
    which = rng.choice(6, size=clustered, p=weights)
    spread = rng.choice([250.0, 700.0, 2000.0], size=(clustered, 1), p=[0.3, 0.4, 0.3])
    points = centres[which] + rng.normal(0, 1, (clustered, 2)) * spread
    background = rng.uniform(0, 1, (events - clustered, 2)) * np.array([rows, cols]) * cell
    points = np.vstack([points, background])
    from samverka.analysis.grid import Grid

    grid = Grid(6_500_000.0, 500_000.0, cell, rows, cols)
    return bin_events(6_500_000.0 + points[:, 0], 500_000.0 + points[:, 1], grid).counts


def esda_z(y, w):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return esda_getisord.G_Local(
            np.asarray(y, dtype=float).ravel(), w, transform="B", star=True, permutations=0
        ).Zs


def weights_for(neighbourhood, rows, cols, cell=250.0):
    if neighbourhood == "queen":
        return libpysal_weights.lat2W(rows, cols, rook=False)
    if neighbourhood == "rook":
        return libpysal_weights.lat2W(rows, cols, rook=True)
    r, c = np.mgrid[0:rows, 0:cols]
    centres = np.column_stack([c.ravel() * cell + cell / 2, r.ravel() * cell + cell / 2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return libpysal_weights.DistanceBand(
            centres, threshold=neighbourhood, binary=True, silence_warnings=True
        )


# --------------------------------------------------------------------------
# z-scores against esda
# --------------------------------------------------------------------------


def grids():
    rng = np.random.default_rng(20240601)
    yield "poisson", rng.poisson(1.3, (9, 11))
    yield "sparse", rng.poisson(0.15, (14, 10))
    clustered = rng.poisson(0.4, (16, 19))
    clustered[4:8, 5:9] += rng.poisson(6, (4, 4))
    clustered[12, 15] += 30
    yield "clustered", clustered
    yield "town", clustered_counts(rng, rows=30, cols=36, events=3000)
    yield "continuous", rng.gamma(0.7, 3.0, (12, 12))


@pytest.mark.parametrize("neighbourhood", ["queen", "rook", 250.0, 500.0, 400.0])
@pytest.mark.parametrize(
    ("name", "y"), list(grids()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_z_equals_esda_binary_gi_star(neighbourhood, name, y):
    rows, cols = y.shape
    ours = gi_star(y, neighbourhood, cell_size=250.0, inference="normal")
    expected = esda_z(y, weights_for(neighbourhood, rows, cols))
    np.testing.assert_allclose(ours.z.ravel(), expected, rtol=0, atol=1e-9)
    # The lag and cardinality are the binary-weight sums, exactly.
    w = weights_for(neighbourhood, rows, cols)
    dense = w.sparse.toarray() + np.eye(rows * cols)
    np.testing.assert_array_equal(ours.cardinality.ravel(), dense.sum(axis=1))
    np.testing.assert_allclose(ours.lag.ravel(), dense @ y.ravel(), rtol=1e-12)


def test_z_equals_esda_on_a_masked_grid():
    rng = np.random.default_rng(5)
    y = rng.poisson(1.0, (10, 12))
    y[2:5, 3:6] += 5
    mask = np.ones(y.shape, dtype=bool)
    mask[7:, :4] = False  # a lake
    mask[0, 11] = False
    w = libpysal_weights.lat2W(10, 12, rook=False)
    ids = [i for i in range(y.size) if mask.ravel()[i]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sub = libpysal_weights.w_subset(w, ids)
    expected = esda_z(y.ravel()[ids], sub)
    ours = gi_star(np.where(mask, y, 99), "queen", mask=mask, inference="normal")
    np.testing.assert_allclose(ours.z[mask], expected, rtol=0, atol=1e-9)
    assert np.isnan(ours.z[~mask]).all()
    assert ours.n == mask.sum()


def test_row_standardised_esda_is_about_a_third_for_queen():
    rng = np.random.default_rng(9)
    y = rng.poisson(2.0, (20, 20))
    y[5:9, 5:9] += 6
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        row = esda_getisord.G_Local(
            y.ravel().astype(float),
            libpysal_weights.lat2W(20, 20, rook=False),
            transform="R",
            star=True,
            permutations=0,
        ).Zs
    ours = gi_star(y, "queen", inference="normal").z.ravel()
    interior = np.zeros((20, 20), dtype=bool)
    interior[1:-1, 1:-1] = True
    strong = interior.ravel() & (np.abs(ours) > 2)
    ratio = row[strong] / ours[strong]
    assert np.all((ratio > 0.3) & (ratio < 0.37))  # 1/sqrt(9) with a finite-n correction


def test_window_sum_is_exact_against_a_convolution():
    from scipy import ndimage

    rng = np.random.default_rng(1)
    values = rng.integers(0, 1000, (37, 53))
    for neighbourhood in ["queen", "rook", 300.0, 500.0, 1234.0]:
        shape = footprint(neighbourhood, 100.0)
        expected = ndimage.correlate(values, shape.astype(np.int64), mode="constant")
        np.testing.assert_array_equal(window_sum(values, shape), expected)


# --------------------------------------------------------------------------
# Conditional permutation
# --------------------------------------------------------------------------


def test_permutation_p_values_agree_with_esda_within_monte_carlo_error():
    rng = np.random.default_rng(11)
    y = rng.gamma(1.0, 2.0, (12, 13))  # continuous: no ties, so the tie rules agree
    y[3:6, 4:8] += 3.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = esda_getisord.G_Local(
            y.ravel(),
            libpysal_weights.lat2W(12, 13, rook=False),
            transform="B",
            star=True,
            permutations=9999,
            seed=1,
        ).p_sim
    ours = conditional_permutation(y, "queen", permutations=99_999, seed=2).p_folded.ravel()
    error = np.sqrt(reference * (1 - reference) / 9999 + ours * (1 - ours) / 99_999)
    assert np.all(np.abs(ours - reference) <= 4.5 * error + 2e-4)
    assert np.mean(np.abs(ours - reference)) < 0.004


def exact_tails(y, neighbourhood):
    """The conditional permutation distribution, enumerated."""
    shape = footprint(neighbourhood)
    lag = window_sum(y, shape).ravel()
    size = window_sum(np.ones(y.shape, dtype=int), shape).ravel()
    flat = y.ravel()
    ge = np.zeros(flat.size)
    le = np.zeros(flat.size)
    for i in range(flat.size):
        others = np.delete(flat, i)
        observed = lag[i] - flat[i]
        sums = np.array([sum(c) for c in itertools.combinations(others, size[i] - 1)])
        ge[i] = np.mean(sums >= observed)
        le[i] = np.mean(sums <= observed)
    return ge, le


@pytest.mark.parametrize("neighbourhood", ["queen", "rook"])
def test_permutation_matches_the_enumerated_distribution_on_a_tiny_grid(neighbourhood):
    # On 16 cells a cell often draws itself, which exercises the swap that
    # keeps the shared draws exact; counts tie a lot, which exercises the tie rule.
    y = np.array([[0, 1, 0, 2], [3, 0, 0, 1], [0, 5, 1, 0], [0, 0, 2, 0]])
    ge, le = exact_tails(y, neighbourhood)
    draws = 200_000
    test = conditional_permutation(y, neighbourhood, permutations=draws, seed=3)
    for simulated, exact in ((test.greater_equal, ge), (test.less_equal, le)):
        error = np.sqrt(np.maximum(exact * (1 - exact), 1e-6) / draws)
        np.testing.assert_array_less(np.abs(simulated.ravel() / draws - exact), 4.5 * error)


@pytest.mark.parametrize("values", ["counts", "continuous"])
def test_shared_draws_equal_a_per_cell_swap_on_the_same_draws(values):
    # The vectorised counts (blocks of rows, a look-up per neighbourhood size,
    # corrections only where a cell drew itself and the swap crosses the
    # observed sum) equal drawing each cell's neighbours one by one.
    from samverka.analysis.hotspots import _draw_distinct, _shared_tail_counts

    rng = np.random.default_rng(12)
    for _ in range(20):
        n = int(rng.integers(2, 40))
        pool = rng.poisson(1.0, n) if values == "counts" else rng.gamma(1.0, 1.0, n)
        m = rng.integers(0, n, n)
        if m.max() == 0:
            continue
        if values == "counts":  # observed sums of real neighbourhoods: many ties
            others = np.array(
                [pool[rng.choice(np.delete(np.arange(n), i), m[i], False)].sum() for i in range(n)]
            )
        else:  # no ties, so rounding cannot decide a comparison
            others = rng.uniform(0, pool.sum(), n)
        draws = _draw_distinct(rng, n, int(m.max()) + 1, 60)
        ge, le = _shared_tail_counts(pool, others, m, 60, [draws[:25], draws[25:]])
        naive_ge = np.zeros(n, dtype=int)
        naive_le = np.zeros(n, dtype=int)
        for i in range(n):
            for row in draws:
                chosen = list(row[: m[i]])
                if i in chosen:
                    chosen[chosen.index(i)] = row[m[i]]
                total = pool[chosen].sum()
                naive_ge[i] += total >= others[i]
                naive_le[i] += total <= others[i]
        np.testing.assert_array_equal(ge, naive_ge)
        np.testing.assert_array_equal(le, naive_le)


def test_float_values_take_the_sorted_path_and_match_enumeration():
    y = np.array([[0.5, 1.25, 0.0], [3.0, 0.0, 0.75], [0.0, 2.5, 1.0]])
    ge, _ = exact_tails(y, "queen")
    draws = 100_000
    test = conditional_permutation(y, "queen", permutations=draws, seed=4)
    np.testing.assert_allclose(test.greater_equal.ravel() / draws, ge, atol=0.007)


def test_tie_rule_counts_equal_sums_as_extreme_in_both_tails():
    y = np.zeros((30, 30), dtype=int)
    y[10:13, 10:13] = 4
    test = conditional_permutation(y, "queen", permutations=999, seed=0)
    far = (25, 25)  # an all-zero neighbourhood: the most common value
    assert test.greater_equal[far] == 999  # every simulated sum >= 0
    assert test.p_greater[far] == 1.0
    assert test.p_less[far] > 0.5  # ties count against a cold spot too
    assert test.p_greater[11, 11] == pytest.approx(1 / 1000)


def test_same_seed_same_result_and_seeds_differ():
    y = clustered_counts(np.random.default_rng(2), rows=60, cols=60, events=4000)
    a = gi_star(y, 500.0, inference="permutation", permutations=999, seed=5)
    b = gi_star(y, 500.0, inference="permutation", permutations=999, seed=5)
    c = gi_star(y, 500.0, inference="permutation", permutations=999, seed=6)
    np.testing.assert_array_equal(a.p, b.p)
    assert not np.array_equal(a.p, c.p, equal_nan=True)


def test_map_stability_two_seeds_give_the_same_hot_spots():
    y = clustered_counts(np.random.default_rng(20250101), rows=200, cols=200, events=30_000)
    for neighbourhood in ["queen", "rook", 500.0]:
        default = gi_star(y, neighbourhood, seed=1)
        assert default.hot.sum() > 100
        np.testing.assert_array_equal(default.hot, gi_star(y, neighbourhood, seed=2).hot)
        # Permutation p-values carry Monte Carlo error, so two seeds can differ,
        # but only on cells the exact null puts at the FDR threshold.
        first = gi_star(y, neighbourhood, inference="permutation", seed=1)
        second = gi_star(y, neighbourhood, inference="permutation", seed=2)
        for run in (first, second):
            differ = run.hot != default.hot
            assert differ.sum() <= 0.1 * default.hot.sum()
            assert np.all((default.q[differ] > 0.02) & (default.q[differ] < 0.1))
        assert (first.hot != second.hot).sum() <= 0.1 * default.hot.sum()


def kommun_counts(rng, events=30_000):
    """A 100 x 100 km kommun of 250 m cells: a dozen towns of very different size."""
    from samverka.analysis.grid import Grid

    centres = rng.uniform(20e3, 80e3, (12, 2))
    weights = rng.pareto(1.2, 12) + 0.2
    clustered = int(events * 0.85)
    which = rng.choice(12, size=clustered, p=weights / weights.sum())
    spread = rng.choice([300.0, 900.0, 2500.0], size=(clustered, 1), p=[0.3, 0.4, 0.3])
    points = centres[which] + rng.normal(0, 1, (clustered, 2)) * spread
    points = np.vstack([points, rng.uniform(0, 100e3, (events - clustered, 2))])
    grid = Grid(6_400_000.0, 400_000.0, 250.0, 400, 400)
    return bin_events(6_400_000.0 + points[:, 0], 400_000.0 + points[:, 1], grid).counts


@pytest.mark.parametrize("seed", [0, 1])
def test_map_stability_on_a_kommun_permutation_seeds_agree_exactly(seed):
    y = kommun_counts(np.random.default_rng(seed))
    for neighbourhood in ["queen", "rook", 500.0]:
        first = gi_star(y, neighbourhood, inference="permutation", seed=1)
        second = gi_star(y, neighbourhood, inference="permutation", seed=2)
        assert first.hot.sum() > 500
        np.testing.assert_array_equal(first.hot, second.hot)


def test_convolution_null_is_the_enumerated_with_replacement_distribution():
    y = np.array([[0, 1, 0, 2], [3, 0, 0, 1], [0, 5, 1, 0], [0, 0, 2, 0]])
    for neighbourhood in ("rook", "queen"):
        shape = footprint(neighbourhood)
        lag = window_sum(y, shape).ravel()
        size = window_sum(np.ones_like(y), shape).ravel()
        flat = y.ravel()
        exact = []
        for i in range(flat.size):
            others = np.bincount(np.delete(flat, i), minlength=6) / (flat.size - 1)
            pmf = np.ones(1)
            for _ in range(size[i] - 1):
                pmf = np.convolve(pmf, others)
            exact.append(pmf[lag[i] - flat[i] :].sum())
        result = gi_star(y, neighbourhood, min_count=0)
        np.testing.assert_allclose(result.p.ravel(), exact, rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("neighbourhood", ["queen", 500.0])
def test_convolution_null_agrees_with_many_permutations(neighbourhood):
    y = clustered_counts(np.random.default_rng(8), rows=100, cols=100, events=10_000)
    draws = 200_000
    convolution = gi_star(y, neighbourhood).p
    permutation = conditional_permutation(y, neighbourhood, permutations=draws, seed=9).p_greater
    error = np.sqrt(np.maximum(convolution * (1 - convolution), 1e-7) / draws)
    assert np.all(np.abs(convolution - permutation) <= 5 * error + 1e-5)


def test_a_shortened_transform_gives_the_wrap_free_p_values(monkeypatch):
    # Skewed counts and an 81-cell band: the transform is cut from m * max + 1
    # points to what the observed sums and the Chernoff bound need.
    from samverka.analysis import hotspots

    rng = np.random.default_rng(21)
    y = clustered_counts(rng, rows=90, cols=90, events=9000, cell=100.0).copy()
    y[40, 40] += 400
    calls = []
    original = hotspots._transform_length

    def spy(pmf, m_max, shortest):
        calls.append((original(pmf, m_max, shortest), m_max * (pmf.size - 1) + 1))
        return calls[-1][0]

    monkeypatch.setattr(hotspots, "_transform_length", spy)
    short = gi_star(y, 500.0, cell_size=100.0, min_count=0)
    assert calls and calls[0][0] < calls[0][1] / 3
    monkeypatch.setattr(hotspots, "_transform_length", lambda pmf, m_max, shortest: 1 << 30)
    full = gi_star(y, 500.0, cell_size=100.0, min_count=0)
    np.testing.assert_allclose(short.p, full.p, rtol=1e-6, atol=1e-13)
    np.testing.assert_array_equal(short.hot, full.hot)


def test_convolution_null_needs_whole_counts_of_a_sane_size():
    with pytest.raises(ValueError, match="whole-number counts"):
        gi_star(np.linspace(0, 3, 25).reshape(5, 5), "queen")
    huge = np.zeros((10, 10), dtype=np.int64)
    huge[5, 5] = 3_000_000
    with pytest.raises(ValueError, match="use inference='permutation'"):
        gi_star(huge, "queen")
    assert gi_star(huge, "queen", inference="permutation", permutations=99).p[5, 5] == 1.0


def test_normal_approximation_over_marks_on_shuffled_counts_permutation_does_not():
    rng = np.random.default_rng(7)
    y = clustered_counts(rng, rows=160, cols=160, events=25_000)
    shuffled = rng.permuted(y.ravel()).reshape(y.shape)  # no clustering left
    normal = gi_star(shuffled, "queen", inference="normal")
    tested = normal.tested
    assert np.mean(normal.p[tested] < 0.05) > 0.08
    assert normal.hot.sum() > 20
    for inference in ("permutation", "convolution"):
        conditional = gi_star(shuffled, "queen", inference=inference, seed=3)
        assert np.mean(conditional.p[tested] < 0.05) < 0.07
        assert conditional.hot.sum() == 0
    # On the clustered data both find hot spots, in very different numbers at p < 0.05.
    clustered_normal = gi_star(y, "queen", inference="normal")
    clustered = gi_star(y, "queen")
    assert clustered.hot.sum() > 100
    assert (clustered.p < 0.05).sum() > 1.3 * (clustered_normal.p < 0.05).sum()


# --------------------------------------------------------------------------
# Hot spots: minimum count, FDR family, edge cases
# --------------------------------------------------------------------------


def test_hot_spots_need_the_minimum_count_and_a_positive_z():
    y = np.zeros((25, 25), dtype=int)
    y[10:13, 10:13] = 6
    y[11, 11] = 1  # inside the cluster but below the minimum
    result = gi_star(y, "queen", min_count=3)
    assert not result.tested[11, 11] and not result.hot[11, 11]
    assert np.isnan(result.q[11, 11])
    assert result.hot.sum() == 8
    assert np.all(result.z[result.hot] > 0)
    loose = gi_star(y, "queen", min_count=1)
    assert loose.hot[11, 11]


def test_all_zero_and_constant_grids_have_undefined_z_and_no_hot_spots():
    for y in (np.zeros((8, 9), dtype=int), np.full((8, 9), 3)):
        for inference in ("normal", "permutation", "convolution"):
            result = gi_star(y, "queen", inference=inference, permutations=99, min_count=0)
            assert np.isnan(result.z).all()
            assert np.isnan(result.p).all()
            assert not result.hot.any() and not result.tested.any()


def test_empty_grid():
    result = gi_star(np.zeros((0, 0), dtype=int), "queen", permutations=99)
    assert result.z.shape == (0, 0) and result.n == 0 and not result.hot.any()


def test_a_single_event_is_never_a_permutation_hot_spot():
    y = np.zeros((40, 40), dtype=int)
    y[20, 20] = 1
    for inference in ("convolution", "permutation"):
        conditional = gi_star(y, "queen", min_count=1, inference=inference, permutations=999)
        assert conditional.p[20, 20] == 1.0 and not conditional.hot.any()
    # The normal approximation calls it a hot spot: its z comes from its own count.
    normal = gi_star(y, "queen", min_count=1, inference="normal")
    assert normal.z[20, 20] > 10 and normal.hot[20, 20]


def test_gi_star_accepts_grid_counts_and_uses_its_cell_size():
    binned = bin_events(
        [6_500_010.0, 6_500_020.0, 6_500_700.0], [500_010.0, 500_020.0, 500_900.0], cell_size=100.0
    )
    assert gi_star(binned, 150.0, inference="normal").cardinality[3, 3] == 9  # diagonal 141 m
    result = gi_star(binned, 120.0, inference="normal")
    assert result.cardinality[3, 3] == 5  # a 120 m band on 100 m cells is the rook cross
    with pytest.raises(ValueError, match="differs from the grid"):
        gi_star(binned, "queen", cell_size=250.0)


def test_results_are_read_only():
    result = gi_star(np.arange(16).reshape(4, 4), "queen")
    with pytest.raises(ValueError):
        result.z[0, 0] = 1.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"counts": np.array([1, 2, 3])}, "2-D"),
        ({"counts": np.array([[1, -1], [0, 0]])}, ">= 0"),
        ({"counts": np.array([[1.0, np.nan], [0, 0]])}, "finite"),
        ({"counts": np.array([["a"]])}, "numbers"),
        ({"neighbourhood": "bishop"}, "queen"),
        ({"neighbourhood": -5.0}, "positive"),
        ({"neighbourhood": 100.0}, "does not reach"),
        ({"neighbourhood": True}, "queen"),
        ({"cell_size": -250.0}, "cell_size"),
        ({"mask": np.ones((3, 3), dtype=bool)}, "mask shape"),
        ({"mask": np.ones((4, 4))}, "boolean"),
        ({"permutations": 0, "inference": "permutation"}, "permutations"),
        ({"alpha": 1.5}, "alpha"),
        ({"min_count": -1}, "min_count"),
        ({"inference": "bootstrap"}, "inference"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, message):
    arguments = {"counts": np.ones((4, 4), dtype=int), "neighbourhood": "queen"}
    arguments.update(kwargs)
    counts = arguments.pop("counts")
    neighbourhood = arguments.pop("neighbourhood")
    with pytest.raises(ValueError, match=message):
        gi_star(counts, neighbourhood, **arguments)


# --------------------------------------------------------------------------
# Benjamini-Hochberg
# --------------------------------------------------------------------------


def textbook_bh(p, alpha):
    """Benjamini & Hochberg (1995), step-up: reject H_(1..k), k = max{i: p_(i) <= i alpha / m}."""
    order = np.argsort(p)
    m = len(p)
    k = 0
    for i, index in enumerate(order, start=1):
        if p[index] <= i * alpha / m:
            k = i
    rejected = np.zeros(m, dtype=bool)
    rejected[order[:k]] = True
    return rejected


def test_fdr_benjamini_hochberg_1995_example():
    p = np.array([0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
                  0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000])  # fmt: skip
    result = benjamini_hochberg(p, 0.05)
    np.testing.assert_array_equal(result.significant, np.arange(15) < 4)
    np.testing.assert_array_equal(result.significant, textbook_bh(p, 0.05))
    np.testing.assert_allclose(result.q, scipy.stats.false_discovery_control(p), rtol=1e-12)
    # Bonferroni would reject only three (0.05 / 15 = 0.0033).
    assert (p <= 0.05 / 15).sum() == 3


def test_fdr_matches_the_textbook_and_scipy_on_random_inputs():
    rng = np.random.default_rng(0)
    for _ in range(50):
        m = int(rng.integers(1, 400))
        p = np.concatenate([rng.uniform(0, 1, m), rng.uniform(0, 0.002, m // 5)])
        p[rng.integers(0, p.size, 5)] = p[0]  # ties
        for alpha in (0.01, 0.05, 0.1):
            result = benjamini_hochberg(p, alpha)
            np.testing.assert_array_equal(result.significant, textbook_bh(p, alpha))
        np.testing.assert_allclose(result.q, scipy.stats.false_discovery_control(p), rtol=1e-12)


def test_fdr_keeps_shape_and_leaves_nan_out_of_the_family():
    p = np.array([[0.001, np.nan], [0.04, 0.5]])
    result = benjamini_hochberg(p, 0.05)
    assert result.q.shape == (2, 2) and np.isnan(result.q[0, 1])
    np.testing.assert_allclose(result.q[~np.isnan(p)], [0.003, 0.06, 0.5])
    assert not result.significant[0, 1]
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        benjamini_hochberg([0.5, 1.2])
    assert benjamini_hochberg(np.array([])).q.size == 0


# --------------------------------------------------------------------------
# Mann-Kendall and emerging hot spots
# --------------------------------------------------------------------------


def textbook_mann_kendall(x):
    x = [v for v in x if not math.isnan(v)]
    n = len(x)
    s = sum(np.sign(x[j] - x[i]) for i in range(n) for j in range(i + 1, n))
    _, ties = np.unique(x, return_counts=True)
    var = (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in ties)) / 18
    z = 0.0 if s == 0 or var == 0 else (s - np.sign(s)) / math.sqrt(var)
    return s, var, z


def test_mann_kendall_matches_the_textbook_with_ties_and_nan():
    rng = np.random.default_rng(3)
    series = rng.integers(0, 5, (12, 40)).astype(float)  # many ties
    series[:, :10] += np.arange(12)[:, None] * 0.7  # trends
    series[3, 5] = np.nan
    result = mann_kendall(series)
    for cell in range(40):
        s, var, z = textbook_mann_kendall(series[:, cell])
        assert result.s[cell] == s
        assert result.var_s[cell] == pytest.approx(var)
        assert result.z[cell] == pytest.approx(z)
    assert result.n[5] == 11


def test_mann_kendall_without_continuity_correction_is_kendalls_tau_test():
    rng = np.random.default_rng(4)
    x = rng.normal(size=15) + np.linspace(0, 2, 15)
    result = mann_kendall(x)
    tau = scipy.stats.kendalltau(np.arange(15), x, method="asymptotic")
    uncorrected = result.s / math.sqrt(result.var_s)
    assert 2 * scipy.stats.norm.sf(abs(uncorrected)) == pytest.approx(tau.pvalue, rel=1e-9)


def test_mann_kendall_edge_cases():
    flat = mann_kendall([2.0, 2.0, 2.0, 2.0])
    assert flat.z == 0 and flat.p == 1
    short = mann_kendall([1.0, np.nan, 2.0])
    assert np.isnan(short.z)
    with pytest.raises(ValueError, match="two values"):
        mann_kendall([1.0])


def test_emerging_hot_spot_categories():
    rng = np.random.default_rng(3)
    periods = rng.poisson(0.3, size=(10, 16, 16))
    t = np.arange(10)[:, None, None]
    periods[:, 2:5, 2:5] += 8
    periods[:, 2:5, 11:14] += 3 + t
    periods[:, 11:14, 2:5] += 14 - t
    periods[9, 11:14, 11:14] += 10
    periods[[1, 4, 7], 7:9, 7:9] += 12  # on and off
    result = emerging_hotspots(periods)
    named = result.named()
    assert named[3, 3] == "persistent"
    assert named[3, 12] == "intensifying"
    assert named[12, 3] == "diminishing"
    assert named[12, 12] == "new"
    assert named[7, 7] == "sporadic"
    assert named[0, 15] == "none"
    assert result.hot.shape == periods.shape and result.labels == CATEGORIES
    by_permutation = emerging_hotspots(periods, inference="permutation", permutations=999, seed=1)
    for cell in [(3, 3), (3, 12), (12, 3), (12, 12), (7, 7), (0, 15)]:
        assert by_permutation.named()[cell] == named[cell]


def test_emerging_hot_spots_need_periods_on_one_grid():
    with pytest.raises(ValueError, match="periods, rows, cols"):
        emerging_hotspots(np.zeros((5, 5)))
    with pytest.raises(ValueError, match="two periods"):
        emerging_hotspots(np.zeros((1, 5, 5)))
