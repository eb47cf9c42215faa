import doctest
import math

import pytest

from samverka.lib import geo
from samverka.lib.geo import (
    AxisGuess,
    grid_cell,
    guess_axes,
    guess_crs,
    pair_to_wgs84,
    sweref99tm_to_wgs84,
    wgs84_to_sweref99tm,
)

# Lantmäteriet, "Kontrollpunkter för SWEREF 99 TM" (2007-11-20): SWEREF 99 latitude and
# longitude (whole minutes) with their SWEREF 99 TM northing and easting to the millimetre.
LANTMATERIET_POINTS = [
    (55.0, 12.75, 6097106.672, 356083.438),
    (55.0, 14.25, 6095048.642, 452024.069),
    (57.0, 12.75, 6319636.937, 363331.554),
    (57.0, 19.5, 6326392.707, 773251.054),
    (59.0, 11.25, 6546096.724, 284626.066),
    (59.0, 19.5, 6548757.206, 758410.519),
    (61.0, 12.75, 6764877.311, 378323.440),
    (61.0, 18.75, 6768593.345, 702745.127),
    (63.0, 12.0, 6989134.048, 348083.148),
    (63.0, 19.5, 6993565.630, 727798.671),
    (65.0, 13.5, 7209293.753, 429270.201),
    (65.0, 21.75, 7225449.115, 817833.405),
    (67.0, 16.5, 7432168.174, 565398.458),
    (67.0, 24.0, 7459745.672, 891298.142),
    (69.0, 21.0, 7666089.698, 739639.195),
]

# The published values are rounded to the millimetre, so half a millimetre plus
# floating-point noise is the tightest honest tolerance.
MM = 0.0006

A, F, K0 = 6_378_137.0, 1 / 298.257222101, 0.9996


def metres_apart(lat1: float, lon1: float, lat2: float, lon2: float) -> tuple[float, float]:
    """North and east ground distance, good to far better than a millimetre over metres."""
    e2 = F * (2 - F)
    phi = math.radians((lat1 + lat2) / 2)
    w = math.sqrt(1 - e2 * math.sin(phi) ** 2)
    m = A * (1 - e2) / w**3  # meridian radius of curvature
    n = A / w  # prime vertical radius of curvature
    return math.radians(lat2 - lat1) * m, math.radians(lon2 - lon1) * n * math.cos(phi)


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Ground distance between two nearby points."""
    return math.hypot(*metres_apart(lat1, lon1, lat2, lon2))


def test_the_docstring_examples_run() -> None:
    result = doctest.testmod(geo)
    assert result.attempted > 10
    assert result.failed == 0


@pytest.mark.parametrize(("lat", "lon", "northing", "easting"), LANTMATERIET_POINTS)
def test_forward_matches_lantmateriets_control_points(
    lat: float, lon: float, northing: float, easting: float
) -> None:
    n, e = wgs84_to_sweref99tm(lat, lon)
    assert abs(n - northing) < MM
    assert abs(e - easting) < MM


@pytest.mark.parametrize(("lat", "lon", "northing", "easting"), LANTMATERIET_POINTS)
def test_inverse_matches_lantmateriets_control_points(
    lat: float, lon: float, northing: float, easting: float
) -> None:
    if northing < geo.NORTHING_RANGE[0]:
        # The two 55° N points lie in the sea south of Skåne, outside the accepted grid.
        with pytest.raises(ValueError, match="nordkoordinat"):
            sweref99tm_to_wgs84(northing, easting)
        return
    got_lat, got_lon = sweref99tm_to_wgs84(northing, easting)
    d_north, d_east = metres_apart(got_lat, got_lon, lat, lon)
    assert abs(d_north) < MM
    assert abs(d_east) < MM


def _meridian_arc(lat: float, steps: int = 2000) -> float:
    """Distance along the GRS 80 meridian from the equator, by Simpson's rule."""
    e2 = F * (2 - F)
    phi = math.radians(lat)
    h = phi / steps

    def m(t: float) -> float:
        return A * (1 - e2) / (1 - e2 * math.sin(t) ** 2) ** 1.5

    total = m(0) + m(phi)
    total += 4 * sum(m((2 * i - 1) * h) for i in range(1, steps // 2 + 1))
    total += 2 * sum(m(2 * i * h) for i in range(1, steps // 2))
    return total * h / 3


@pytest.mark.parametrize("lat", [55.3, 57.2646, 59.33, 62.0, 65.5, 69.06])
def test_on_the_central_meridian_northing_is_the_scaled_meridian_arc(lat: float) -> None:
    # An independent check: on 15° E, Transverse Mercator is the meridian arc times k0.
    n, e = wgs84_to_sweref99tm(lat, 15.0)
    assert e == pytest.approx(500_000.0, abs=1e-6)
    assert abs(n - K0 * _meridian_arc(lat)) < 0.0005


@pytest.mark.parametrize(("lat", "lon"), [(55.5, 10.5), (58.0, 24.5), (63.0, 12.0), (68.5, 23.5)])
def test_the_projection_is_conformal_far_from_the_central_meridian(lat: float, lon: float) -> None:
    # A second independent check: the scale is the same in every direction.
    d = 1e-4  # degrees
    n0, e0 = wgs84_to_sweref99tm(lat, lon)
    n1, e1 = wgs84_to_sweref99tm(lat + d, lon)
    n2, e2 = wgs84_to_sweref99tm(lat, lon + d)
    k_north = math.hypot(n1 - n0, e1 - e0) / metres_between(lat, lon, lat + d, lon)
    k_east = math.hypot(n2 - n0, e2 - e0) / metres_between(lat, lon, lat, lon + d)
    assert k_north == pytest.approx(k_east, rel=2e-6)
    # Grid north and grid east stay at a right angle.
    dot = (n1 - n0) * (n2 - n0) + (e1 - e0) * (e2 - e0)
    assert abs(dot) / (math.hypot(n1 - n0, e1 - e0) * math.hypot(n2 - n0, e2 - e0)) < 1e-5


def _in_grid_range(n: float, e: float) -> bool:
    return (
        geo.NORTHING_RANGE[0] <= n <= geo.NORTHING_RANGE[1]
        and geo.EASTING_RANGE[0] <= e <= geo.EASTING_RANGE[1]
    )


def test_round_trip_across_sweden_is_better_than_a_millimetre() -> None:
    worst = 0.0
    count = 0
    lat = 55.4
    while lat <= 69.1:
        lon = 10.6
        while lon <= 24.2:
            n, e = wgs84_to_sweref99tm(lat, lon)
            lon += 0.35
            if not _in_grid_range(n, e):  # the corners of the box are not Sweden
                continue
            back = sweref99tm_to_wgs84(n, e)
            worst = max(worst, metres_between(lat, lon - 0.35, *back))
            count += 1
        lat += 0.25
    assert count > 1500
    assert worst < 0.001


def test_round_trip_from_the_grid_is_better_than_a_millimetre() -> None:
    worst = 0.0
    count = 0
    for northing in range(6_110_000, 7_690_001, 40_000):
        for easting in range(210_000, 990_001, 30_000):
            lat, lon = sweref99tm_to_wgs84(northing, easting + 0.123)
            if not (geo.LON_RANGE[0] <= lon <= geo.LON_RANGE[1]):
                continue
            n, e = wgs84_to_sweref99tm(lat, lon)
            worst = max(worst, math.hypot(n - northing, e - easting - 0.123))
            count += 1
    assert count > 800
    assert worst < 0.001


def test_known_places() -> None:
    # Stockholm Central, commonly given as 59.330231 N, 18.059196 E = 6580822, 674032.
    n, e = wgs84_to_sweref99tm(59.330231, 18.059196)
    assert (round(n), round(e)) == (6580822, 674032)
    # Points west of 15° E have eastings below 500 000, east of it above.
    assert wgs84_to_sweref99tm(58.0, 12.0)[1] < 500_000 < wgs84_to_sweref99tm(58.0, 18.0)[1]


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        (math.nan, 16.0, "latitud måste vara ett ändligt tal"),
        (57.0, math.nan, "longitud måste vara ett ändligt tal"),
        (math.inf, 16.0, "ändligt"),
        (53.99, 16.0, "latitud 53.99 ligger utanför"),
        (70.01, 16.0, "latitud"),
        (57.0, 9.99, "longitud 9.99 ligger utanför"),
        (57.0, 25.01, "longitud"),
        (16.0, 57.0, "latitud 16 ligger utanför"),  # swapped
        ("57,2", 16.0, "latitud måste vara ett tal"),
    ],
)
def test_forward_refuses_implausible_input(lat: float, lon: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        wgs84_to_sweref99tm(lat, lon)


@pytest.mark.parametrize(
    ("northing", "easting", "message"),
    [
        (math.nan, 500_000.0, "nordkoordinat måste vara ett ändligt tal"),
        (6_500_000.0, math.nan, "östkoordinat måste vara ett ändligt tal"),
        (6_099_999.0, 500_000.0, r"nordkoordinat 6099999 ligger utanför .*6 100 000–7 700 000 m"),
        (7_700_001.0, 500_000.0, "nordkoordinat"),
        (6_500_000.0, 199_999.0, "östkoordinat 199999 ligger utanför"),
        (6_500_000.0, 1_000_001.0, "östkoordinat"),
        (587_358.0, 6_347_769.0, "nordkoordinat 587358 ligger utanför"),  # swapped
        (1_427_000.0, 6_350_000.0, "nordkoordinat"),  # RT 90 style, swapped
    ],
)
def test_inverse_refuses_implausible_input(northing: float, easting: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sweref99tm_to_wgs84(northing, easting)


def test_the_range_limits_themselves_are_accepted() -> None:
    for lat in geo.LAT_RANGE:
        for lon in geo.LON_RANGE:
            wgs84_to_sweref99tm(lat, lon)
    for northing in geo.NORTHING_RANGE:
        for easting in geo.EASTING_RANGE:
            sweref99tm_to_wgs84(northing, easting)
    # Integers are numbers too.
    assert wgs84_to_sweref99tm(60, 15) == wgs84_to_sweref99tm(60.0, 15.0)


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [
        (57.2646, 16.4484, AxisGuess("wgs84", True)),
        (16.4484, 57.2646, AxisGuess("wgs84", False)),
        (6347769.0, 587358.0, AxisGuess("sweref99tm", True)),
        (587358.0, 6347769.0, AxisGuess("sweref99tm", False)),
        (69.06, 20.55, AxisGuess("wgs84", True)),  # Treriksröset
        (55.34, 13.36, AxisGuess("wgs84", True)),  # Smygehuk
        (24.1, 65.8, AxisGuess("wgs84", False)),  # Haparanda, lon first
        (7_600_000, 900_000, AxisGuess("sweref99tm", True)),
    ],
)
def test_guess_axes(x: float, y: float, expected: AxisGuess) -> None:
    assert guess_axes(x, y) == expected
    assert guess_crs(x, y) == expected.crs


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        (57.2, 6_347_769.0, "det ena värdet är grader och det andra meter"),
        (0.0, 0.0, "inte en rimlig position i WGS 84"),
        (40.0, 16.0, "inte en rimlig position i WGS 84"),
        (57.0, 58.0, "inte en rimlig position i WGS 84"),  # two latitudes
        (6_347_769.0, 6_400_000.0, "inte en rimlig position i SWEREF 99 TM"),
        (1_427_000.0, 6_350_000.0, "inte en rimlig position i SWEREF 99 TM"),  # RT 90
        (math.nan, 16.0, "ändliga"),
        (None, 16.0, "måste vara tal"),
    ],
)
def test_guess_axes_refuses_what_it_cannot_tell(x: float, y: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        guess_axes(x, y)


def test_pair_to_wgs84_accepts_all_four_forms() -> None:
    n, e = wgs84_to_sweref99tm(57.7584, 16.6373)
    for pair in [(57.7584, 16.6373), (16.6373, 57.7584), (n, e), (e, n)]:
        lat, lon = pair_to_wgs84(*pair)
        assert metres_between(lat, lon, 57.7584, 16.6373) < 0.001


def test_grid_cell() -> None:
    assert grid_cell(6347769.5, 587358.0, 1000) == (6347000, 587000)
    assert grid_cell(6347769.5, 587358.0, 250) == (6347750, 587250)
    assert grid_cell(6347769.5, 587358.0, 1) == (6347769, 587358)
    # Boundaries belong to the cell to the north-east.
    assert grid_cell(6348000.0, 587000.0, 1000) == (6348000, 587000)
    assert grid_cell(6347999.999, 586999.999, 1000) == (6347000, 586000)
    # Cells that do not divide a million still line up with multiples of the size.
    assert grid_cell(6347769.5, 587358.0, 300) == (6347700, 587100)
    assert grid_cell(6347769.5, 587358.0, 500.0) == (6347500, 587000)
    result = grid_cell(6347769.5, 587358.0, 500.0)
    assert all(type(v) is int for v in result)


def test_grid_cell_is_consistent_with_the_projection() -> None:
    # Two points 10 m apart in one 250 m cell, the cell east of it 250 m further east.
    n, e = wgs84_to_sweref99tm(56.2772, 14.5330)
    cell = grid_cell(n, e, 250)
    assert cell[0] <= n < cell[0] + 250
    assert cell[1] <= e < cell[1] + 250
    assert grid_cell(n, cell[1] + 250, 250) == (cell[0], cell[1] + 250)


@pytest.mark.parametrize("size", [0, -100, 2.5, math.nan, math.inf, True, "100", None])
def test_grid_cell_refuses_bad_sizes(size: object) -> None:
    with pytest.raises(ValueError, match="måste vara ett positivt helt antal meter"):
        grid_cell(6_500_000.0, 500_000.0, size)  # type: ignore[arg-type]


def test_grid_cell_refuses_coordinates_outside_sweden() -> None:
    with pytest.raises(ValueError, match="nordkoordinat"):
        grid_cell(57.2, 16.4, 1000)
    with pytest.raises(ValueError, match="östkoordinat måste vara ett ändligt tal"):
        grid_cell(6_500_000.0, math.nan, 1000)


def test_pairs_to_wgs84_agrees_with_the_scalar_function() -> None:
    import numpy as np

    rng = np.random.default_rng(4)
    lat = rng.uniform(55.5, 68.5, 500)
    lon = rng.uniform(11.5, 23.5, 500)
    metres = np.array([geo.wgs84_to_sweref99tm(a, b) for a, b in zip(lat, lon, strict=True)])
    x = np.concatenate([lat, lon, metres[:, 1], [57.26, 99.0, 57.26, np.nan]])
    y = np.concatenate([lon, lat, metres[:, 0], [6347769.0, 99.0, 16.44, 16.44]])
    got_lat, got_lon, ok = geo.pairs_to_wgs84(x, y)
    for i, (a, b) in enumerate(zip(x, y, strict=True)):
        try:
            want = geo.pair_to_wgs84(a, b)
        except ValueError:
            assert not ok[i]
            continue
        assert ok[i]
        np.testing.assert_allclose((got_lat[i], got_lon[i]), want, rtol=0, atol=1e-9)
