"""Coordinates for Swedish data: WGS 84 degrees and SWEREF 99 TM metres.

The scalar functions need nothing but the standard library; :func:`pairs_to_wgs84` and
:func:`wgs84_to_sweref99tm_arrays` do the same for whole columns with numpy (an import
of a million rows converts them at once; a map projects every event of a kommun).

SWEREF 99 TM (EPSG:3006) is a Transverse Mercator projection of the GRS 80 ellipsoid
with central meridian 15° E, scale 0.9996 on the central meridian, false easting
500 000 m and false northing 0. The projection is computed with Lantmäteriet's
Gauss–Krüger formulas ("Gauss Conformal Projection (Transverse Mercator), Krüger's
formulas"): the series in the third flattening ``n`` with the coefficients
``A*``–``D*``, ``beta1``–``beta4`` (forward) and ``delta1``–``delta4`` (inverse), which
Lantmäteriet states are accurate to about 0.1 mm inside Sweden.

Latitude and longitude are treated as SWEREF 99 (the geodetic datum of SWEREF 99 TM).
WGS 84 as delivered by a GNSS receiver or a web map differs from SWEREF 99 by well
under one metre in Sweden, which does not matter for crime and safety statistics.

Coordinates read from a table can come in either system and either order;
:func:`guess_crs`, :func:`guess_axes` and :func:`pair_to_wgs84` tell them apart, and
:func:`grid_cell` bins SWEREF metres into square cells.

>>> n, e = wgs84_to_sweref99tm(57.0, 19.5)
>>> round(n, 3), round(e, 3)
(6326392.707, 773251.054)
>>> lat, lon = sweref99tm_to_wgs84(6326392.707, 773251.054)
>>> round(lat, 7), round(lon, 7)
(57.0, 19.5)
"""

from __future__ import annotations

import math
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt
from django.utils.translation import gettext as _

__all__ = [
    "EASTING_RANGE",
    "LAT_RANGE",
    "LON_RANGE",
    "NORTHING_RANGE",
    "AxisGuess",
    "Crs",
    "grid_cell",
    "guess_axes",
    "guess_crs",
    "pair_to_wgs84",
    "pairs_to_wgs84",
    "representative_point",
    "sweref99tm_to_wgs84",
    "wgs84_to_sweref99tm",
    "wgs84_to_sweref99tm_arrays",
    "within",
]

Crs = Literal["wgs84", "sweref99tm"]

# Plausible values for Sweden (inclusive). Input outside them is refused: it is almost
# always a mix-up (swapped axes, another projection such as RT 90, or a typo).
LAT_RANGE = (54.0, 70.0)
LON_RANGE = (10.0, 25.0)
NORTHING_RANGE = (6_100_000.0, 7_700_000.0)
EASTING_RANGE = (200_000.0, 1_000_000.0)

# --- GRS 80 and the SWEREF 99 TM projection parameters -----------------------------------
_A = 6_378_137.0  # semi-major axis (m)
_F = 1.0 / 298.257222101  # flattening
_LON0 = math.radians(15.0)  # central meridian
_K0 = 0.9996  # scale on the central meridian
_FALSE_NORTHING = 0.0
_FALSE_EASTING = 500_000.0

_E2 = _F * (2.0 - _F)  # first eccentricity squared
_N = _F / (2.0 - _F)  # third flattening
_A_HAT = _A / (1.0 + _N) * (1.0 + _N**2 / 4.0 + _N**4 / 64.0)  # rectifying radius

# Geodetic latitude -> conformal latitude (forward).
_AF = _E2
_BF = (5.0 * _E2**2 - _E2**3) / 6.0
_CF = (104.0 * _E2**3 - 45.0 * _E2**4) / 120.0
_DF = (1237.0 * _E2**4) / 1260.0

# Conformal latitude -> geodetic latitude (inverse).
_AI = _E2 + _E2**2 + _E2**3 + _E2**4
_BI = -(7.0 * _E2**2 + 17.0 * _E2**3 + 30.0 * _E2**4) / 6.0
_CI = (224.0 * _E2**3 + 889.0 * _E2**4) / 120.0
_DI = -(4279.0 * _E2**4) / 1260.0

_BETA = (
    _N / 2.0 - 2.0 * _N**2 / 3.0 + 5.0 * _N**3 / 16.0 + 41.0 * _N**4 / 180.0,
    13.0 * _N**2 / 48.0 - 3.0 * _N**3 / 5.0 + 557.0 * _N**4 / 1440.0,
    61.0 * _N**3 / 240.0 - 103.0 * _N**4 / 140.0,
    49561.0 * _N**4 / 161280.0,
)
_DELTA = (
    _N / 2.0 - 2.0 * _N**2 / 3.0 + 37.0 * _N**3 / 96.0 - _N**4 / 360.0,
    _N**2 / 48.0 + _N**3 / 15.0 - 437.0 * _N**4 / 1440.0,
    17.0 * _N**3 / 480.0 - 37.0 * _N**4 / 840.0,
    4397.0 * _N**4 / 161280.0,
)


def _axis_name(name: str) -> str:
    """The name of an axis as a message shows it (translated)."""
    names = {
        "latitude": _("latitude"),
        "longitude": _("longitude"),
        "northing": _("northing"),
        "easting": _("easting"),
    }
    return names.get(name, name)


def _check(value: float, name: str, bounds: tuple[float, float], unit: str) -> float:
    """``value`` as a float, or a ``ValueError`` naming the value and its plausible range."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(
            _("%(name)s must be a number, not %(value)s")
            % {"name": _axis_name(name), "value": repr(value)}
        ) from None
    if math.isnan(number) or math.isinf(number):
        raise ValueError(
            _("%(name)s must be a finite number, not %(value)s")
            % {"name": _axis_name(name), "value": number}
        )
    low, high = bounds
    if not low <= number <= high:
        raise ValueError(
            _(
                "%(name)s %(value)s is outside the plausible range for Sweden "
                "(%(low)s–%(high)s %(unit)s)"
            )
            % {
                "name": _axis_name(name),
                "value": _show(number),
                "low": _show(low, True),
                "high": _show(high, True),
                "unit": _("degrees") if unit == "degrees" else unit,
            }
        )
    return number


def _show(value: float, group: bool = False) -> str:
    """A number as a message shows it; ``group`` splits the thousands of whole metres."""
    if abs(value) < 1000:
        return f"{value:g}"
    if not float(value).is_integer():
        return f"{value:.3f}"
    return f"{int(value):,}".replace(",", " ") if group else str(int(value))


def wgs84_to_sweref99tm(lat: float, lon: float) -> tuple[float, float]:
    """Project latitude and longitude (degrees) to SWEREF 99 TM.

    Parameters
    ----------
    lat, lon : float
        Latitude 54–70 and longitude 10–25, in decimal degrees.

    Returns
    -------
    tuple of float
        ``(northing, easting)`` in metres.

    Raises
    ------
    ValueError
        When either value is not a finite number or outside the range above.

    Examples
    --------
    Oskarshamn, Lilla torget:

    >>> n, e = wgs84_to_sweref99tm(57.2646, 16.4484)
    >>> round(n), round(e)
    (6347769, 587358)

    On the central meridian the easting is exactly the false easting:

    >>> wgs84_to_sweref99tm(60.0, 15.0)[1]
    500000.0
    """
    phi = math.radians(_check(lat, "latitude", LAT_RANGE, "degrees"))
    lam = math.radians(_check(lon, "longitude", LON_RANGE, "degrees"))

    s2 = math.sin(phi) ** 2
    phi_c = phi - math.sin(phi) * math.cos(phi) * (_AF + s2 * (_BF + s2 * (_CF + s2 * _DF)))
    d_lam = lam - _LON0
    xi = math.atan(math.tan(phi_c) / math.cos(d_lam))
    eta = math.atanh(math.cos(phi_c) * math.sin(d_lam))

    x, y = xi, eta
    for j, beta in enumerate(_BETA, start=1):
        x += beta * math.sin(2 * j * xi) * math.cosh(2 * j * eta)
        y += beta * math.cos(2 * j * xi) * math.sinh(2 * j * eta)
    return _K0 * _A_HAT * x + _FALSE_NORTHING, _K0 * _A_HAT * y + _FALSE_EASTING


def wgs84_to_sweref99tm_arrays(
    lat: npt.ArrayLike, lon: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """:func:`wgs84_to_sweref99tm` for whole arrays (the same formulas, vectorised).

    Values outside Sweden are not refused here: the caller filters its rows first.

    >>> n, e = wgs84_to_sweref99tm_arrays([57.2646, 60.0], [16.4484, 15.0])
    >>> [round(v) for v in n], [round(v) for v in e]
    ([6347769, 6651411], [587358, 500000])
    """
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    sin_phi = np.sin(phi)
    s2 = sin_phi**2
    phi_c = phi - sin_phi * np.cos(phi) * (_AF + s2 * (_BF + s2 * (_CF + s2 * _DF)))
    d_lam = lam - _LON0
    xi = np.arctan(np.tan(phi_c) / np.cos(d_lam))
    eta = np.arctanh(np.cos(phi_c) * np.sin(d_lam))
    x = xi.copy()
    y = eta.copy()
    for j, beta in enumerate(_BETA, start=1):
        x += beta * np.sin(2 * j * xi) * np.cosh(2 * j * eta)
        y += beta * np.cos(2 * j * xi) * np.sinh(2 * j * eta)
    return _K0 * _A_HAT * x + _FALSE_NORTHING, _K0 * _A_HAT * y + _FALSE_EASTING


def sweref99tm_to_wgs84(northing: float, easting: float) -> tuple[float, float]:
    """Unproject SWEREF 99 TM metres to latitude and longitude (degrees).

    Parameters
    ----------
    northing : float
        6 100 000–7 700 000 m.
    easting : float
        200 000–1 000 000 m.

    Returns
    -------
    tuple of float
        ``(lat, lon)`` in decimal degrees.

    Raises
    ------
    ValueError
        When either value is not a finite number or outside the range above.

    Examples
    --------
    >>> lat, lon = sweref99tm_to_wgs84(6347769, 587358)
    >>> round(lat, 4), round(lon, 4)
    (57.2646, 16.4484)
    >>> sweref99tm_to_wgs84(57.26, 16.45)
    Traceback (most recent call last):
    ...
    ValueError: nordkoordinat 57.26 ligger utanför det rimliga intervallet för Sverige (6 100 000–7 700 000 m)
    """  # noqa: E501
    n = _check(northing, "northing", NORTHING_RANGE, "m")
    e = _check(easting, "easting", EASTING_RANGE, "m")

    xi = (n - _FALSE_NORTHING) / (_K0 * _A_HAT)
    eta = (e - _FALSE_EASTING) / (_K0 * _A_HAT)
    xp, yp = xi, eta
    for j, delta in enumerate(_DELTA, start=1):
        xp -= delta * math.sin(2 * j * xi) * math.cosh(2 * j * eta)
        yp -= delta * math.cos(2 * j * xi) * math.sinh(2 * j * eta)

    phi_c = math.asin(math.sin(xp) / math.cosh(yp))
    d_lam = math.atan(math.sinh(yp) / math.cos(xp))
    s2 = math.sin(phi_c) ** 2
    phi = phi_c + math.sin(phi_c) * math.cos(phi_c) * (_AI + s2 * (_BI + s2 * (_CI + s2 * _DI)))
    return math.degrees(phi), math.degrees(_LON0 + d_lam)


class AxisGuess(NamedTuple):
    """What a coordinate pair read from a table is.

    Attributes
    ----------
    crs : {"wgs84", "sweref99tm"}
        The coordinate system.
    north_first : bool
        True when the pair is ``(lat, lon)`` or ``(northing, easting)``; False when it is
        ``(lon, lat)`` or ``(easting, northing)``.
    """

    crs: Crs
    north_first: bool


def _within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def guess_axes(x: float, y: float) -> AxisGuess:
    """Which system, and which order, a coordinate pair from a table is in.

    Values of a thousand or more are metres (SWEREF 99 TM), smaller ones degrees
    (WGS 84). Inside Sweden the two axes of each system never overlap (latitude 54–70
    against longitude 10–25; northing 6.1–7.7 million against easting 0.2–1 million),
    so the order follows from the values themselves.

    Parameters
    ----------
    x, y : float
        The two numbers in the order the table holds them.

    Returns
    -------
    AxisGuess
        ``crs`` and ``north_first``.

    Raises
    ------
    ValueError
        When a value is not finite, the two are of different kinds (one degrees, one
        metres), or neither order puts both in Sweden.

    Examples
    --------
    >>> guess_axes(57.2646, 16.4484)
    AxisGuess(crs='wgs84', north_first=True)
    >>> guess_axes(16.4484, 57.2646)
    AxisGuess(crs='wgs84', north_first=False)
    >>> guess_axes(587358, 6347769)
    AxisGuess(crs='sweref99tm', north_first=False)
    >>> guess_axes(57.2646, 6347769)
    Traceback (most recent call last):
    ...
    ValueError: går inte att avgöra koordinatsystemet för (57.2646, 6347769): det ena värdet är grader och det andra meter
    """  # noqa: E501
    try:
        a, b = float(x), float(y)
    except (TypeError, ValueError):
        raise ValueError(
            _("coordinates must be numbers, not (%(x)s, %(y)s)") % {"x": repr(x), "y": repr(y)}
        ) from None
    if not (math.isfinite(a) and math.isfinite(b)):
        raise ValueError(
            _("coordinates must be finite numbers, not (%(x)s, %(y)s)") % {"x": a, "y": b}
        )
    big_a, big_b = abs(a) >= 1000, abs(b) >= 1000
    if big_a != big_b:
        raise ValueError(
            _(
                "cannot tell the coordinate system of (%(x)s, %(y)s): "
                "one value is degrees and the other metres"
            )
            % {"x": _show(a), "y": _show(b)}
        )
    crs: Crs
    if big_a:
        crs, north, east = "sweref99tm", NORTHING_RANGE, EASTING_RANGE
    else:
        crs, north, east = "wgs84", LAT_RANGE, LON_RANGE
    if _within(a, north) and _within(b, east):
        return AxisGuess(crs, True)
    if _within(b, north) and _within(a, east):
        return AxisGuess(crs, False)
    raise ValueError(
        _("(%(x)s, %(y)s) is not a plausible %(crs)s position in Sweden in either order")
        % {"x": _show(a), "y": _show(b), "crs": "WGS 84" if crs == "wgs84" else "SWEREF 99 TM"}
    )


def guess_crs(x: float, y: float) -> Crs:
    """``"wgs84"`` or ``"sweref99tm"`` for a coordinate pair from a table, in either order.

    A shorthand for ``guess_axes(x, y).crs``; see :func:`guess_axes` for the rule and
    for the order of the pair.

    Examples
    --------
    >>> guess_crs(6347769, 587358)
    'sweref99tm'
    >>> guess_crs(16.4484, 57.2646)
    'wgs84'
    """
    return guess_axes(x, y).crs


def pair_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """``(lat, lon)`` for a coordinate pair in either system and either order.

    Examples
    --------
    >>> [round(v, 4) for v in pair_to_wgs84(587358, 6347769)]
    [57.2646, 16.4484]
    >>> pair_to_wgs84(16.4484, 57.2646)
    (57.2646, 16.4484)
    """
    crs, north_first = guess_axes(x, y)
    north, east = (float(x), float(y)) if north_first else (float(y), float(x))
    if crs == "sweref99tm":
        return sweref99tm_to_wgs84(north, east)
    return north, east


def pairs_to_wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`pair_to_wgs84` for columns: ``(lat, lon, ok)``, ``ok`` False where it would raise.

    Where ``ok`` is False, ``lat`` and ``lon`` are NaN; the scalar function tells why.

    Examples
    --------
    >>> lat, lon, ok = pairs_to_wgs84(np.array([587358.0, 16.4484, 99.0]),
    ...                               np.array([6347769.0, 57.2646, 99.0]))
    >>> [round(float(v), 4) for v in lat[:2]], [round(float(v), 4) for v in lon[:2]], ok.tolist()
    ([57.2646, 57.2646], [16.4484, 16.4484], [True, True, False])
    """
    a = np.asarray(x, dtype=np.float64)
    b = np.asarray(y, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(a) & np.isfinite(b)
        big = np.abs(a) >= 1000
        same_kind = finite & (big == (np.abs(b) >= 1000))

        north_lo = np.where(big, NORTHING_RANGE[0], LAT_RANGE[0])
        north_hi = np.where(big, NORTHING_RANGE[1], LAT_RANGE[1])
        east_lo = np.where(big, EASTING_RANGE[0], LON_RANGE[0])
        east_hi = np.where(big, EASTING_RANGE[1], LON_RANGE[1])
        a_north = (a >= north_lo) & (a <= north_hi) & (b >= east_lo) & (b <= east_hi)
        b_north = (b >= north_lo) & (b <= north_hi) & (a >= east_lo) & (a <= east_hi)
    ok = same_kind & (a_north | b_north)
    north = np.where(a_north, a, b)
    east = np.where(a_north, b, a)
    lat = np.where(ok, north, np.nan)
    lon = np.where(ok, east, np.nan)
    metres = ok & big
    if metres.any():
        lat[metres], lon[metres] = _sweref99tm_to_wgs84_arrays(north[metres], east[metres])
    return lat, lon, ok


def _sweref99tm_to_wgs84_arrays(n: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The formulas of :func:`sweref99tm_to_wgs84` on arrays already known to be in range."""
    xi = (n - _FALSE_NORTHING) / (_K0 * _A_HAT)
    eta = (e - _FALSE_EASTING) / (_K0 * _A_HAT)
    xp, yp = xi.copy(), eta.copy()
    for j, delta in enumerate(_DELTA, start=1):
        xp -= delta * np.sin(2 * j * xi) * np.cosh(2 * j * eta)
        yp -= delta * np.cos(2 * j * xi) * np.sinh(2 * j * eta)
    phi_c = np.arcsin(np.sin(xp) / np.cosh(yp))
    d_lam = np.arctan(np.sinh(yp) / np.cos(xp))
    s2 = np.sin(phi_c) ** 2
    phi = phi_c + np.sin(phi_c) * np.cos(phi_c) * (_AI + s2 * (_BI + s2 * (_CI + s2 * _DI)))
    return np.degrees(phi), np.degrees(_LON0 + d_lam)


def grid_cell(northing: float, easting: float, size_m: int) -> tuple[int, int]:
    """The square SWEREF 99 TM grid cell holding a point, named by its south-west corner.

    Cells are aligned to multiples of ``size_m`` and include their south and west
    edges, so a point on a cell boundary belongs to the cell north-east of it.

    Parameters
    ----------
    northing, easting : float
        SWEREF 99 TM metres, in the ranges of :func:`sweref99tm_to_wgs84`.
    size_m : int
        Side of a cell in metres, a positive whole number (such as 250 or 1000).

    Returns
    -------
    tuple of int
        ``(northing, easting)`` of the cell's south-west corner, in metres.

    Raises
    ------
    ValueError
        For a coordinate outside Sweden or not finite, or a size that is not a positive
        whole number.

    Examples
    --------
    >>> grid_cell(6347769.5, 587358.0, 1000)
    (6347000, 587000)
    >>> grid_cell(6347769.5, 587358.0, 250)
    (6347750, 587250)
    >>> grid_cell(6348000.0, 587000.0, 500)
    (6348000, 587000)
    """
    n = _check(northing, "northing", NORTHING_RANGE, "m")
    e = _check(easting, "easting", EASTING_RANGE, "m")
    if isinstance(size_m, bool) or not isinstance(size_m, int | float):
        raise ValueError(
            _("the size of a cell must be a positive whole number of metres, not %(value)s")
            % {"value": repr(size_m)}
        )
    if not (math.isfinite(size_m) and size_m > 0 and float(size_m).is_integer()):
        raise ValueError(
            _("the size of a cell must be a positive whole number of metres, not %(value)s")
            % {"value": repr(size_m)}
        )
    size = int(size_m)
    return math.floor(n / size) * size, math.floor(e / size) * size


def _rings(geometry: dict[str, object]) -> list[list[list[list[float]]]]:
    """The polygons (each a list of rings of ``[lon, lat]``) of a Polygon or MultiPolygon."""
    coordinates = geometry.get("coordinates") or []
    if geometry.get("type") == "Polygon":
        return [coordinates]  # type: ignore[list-item]
    if geometry.get("type") == "MultiPolygon":
        return list(coordinates)  # type: ignore[call-overload]
    return []


def representative_point(geometry: dict[str, object]) -> tuple[float, float]:
    """A point ``(lon, lat)`` of a GeoJSON Polygon or MultiPolygon that lies in it when its
    shape allows: the middle of its largest polygon's outer ring's bounding box if that is
    inside, else the first vertex's neighbourhood (the mean of the outer ring's vertices).

    >>> representative_point({"type": "Polygon", "coordinates": [[[16, 57], [17, 57], [17, 58], [16, 58], [16, 57]]]})
    (16.5, 57.5)
    """  # noqa: E501
    polygons = _rings(geometry)
    outer = max((p[0] for p in polygons if p), key=len)
    lons = [float(p[0]) for p in outer]
    lats = [float(p[1]) for p in outer]
    middle = ((min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2)
    if within(middle, geometry):
        return middle
    return sum(lons) / len(lons), sum(lats) / len(lats)


def _in_ring(lon: float, lat: float, ring: list[list[float]]) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = float(ring[i][0]), float(ring[i][1])
        xj, yj = float(ring[j][0]), float(ring[j][1])
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def within(point: tuple[float, float], geometry: dict[str, object]) -> bool:
    """Whether ``(lon, lat)`` lies inside a GeoJSON Polygon or MultiPolygon (holes excluded).

    >>> square = {"type": "Polygon", "coordinates": [[[16, 57], [17, 57], [17, 58], [16, 58], [16, 57]]]}
    >>> within((16.5, 57.5), square), within((18.0, 57.5), square)
    (True, False)
    """  # noqa: E501
    lon, lat = point
    for polygon in _rings(geometry):
        if (
            polygon
            and _in_ring(lon, lat, polygon[0])
            and not any(_in_ring(lon, lat, hole) for hole in polygon[1:])
        ):
            return True
    return False
