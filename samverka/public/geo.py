"""Sweden's kommuner as a small SVG map: the polygons of
``organizations/data/swedish_municipalities.geojson``, projected, simplified
(Douglas–Peucker) and rounded once per process."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GEOJSON = (
    Path(__file__).resolve().parent.parent
    / "organizations"
    / "data"
    / "swedish_municipalities.geojson"
)
WIDTH = 300  # the map's width in SVG units; the height follows Sweden's shape
TOLERANCE = 0.015  # degrees of latitude: a kommun stays recognisable, the file stays small
MID_LATITUDE = 62.0  # Sweden's middle, for an equirectangular projection

Point = tuple[float, float]


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    path: str


@dataclass(frozen=True)
class Map:
    width: int
    height: int
    shapes: tuple[Shape, ...]


def _distance(point: Point, start: Point, end: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (x1 + t * dx), y - (y1 + t * dy))


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker, iteratively (rings have thousands of points)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index >= 0 and worst > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _rings(geometry: dict) -> list[list[Point]]:
    """The outer ring of each polygon (holes do not show at this size)."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    return []


@lru_cache(maxsize=1)
def sweden() -> Map:
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    scale_x = math.cos(math.radians(MID_LATITUDE))
    features = []
    west = north = math.inf
    east = south = -math.inf
    for feature in data["features"]:
        rings = []
        for ring in _rings(feature["geometry"]):
            points = [(lon * scale_x, -lat) for lon, lat in ring]
            simple = simplify(points, TOLERANCE)
            if len(simple) >= 4:
                rings.append(simple)
                for x, y in simple:
                    west, east = min(west, x), max(east, x)
                    north, south = min(north, y), max(south, y)
        features.append((feature["properties"], rings))
    factor = WIDTH / (east - west)
    shapes = []
    for properties, rings in features:
        parts = []
        for ring in rings:
            coords = [
                f"{round((x - west) * factor, 1):g},{round((y - north) * factor, 1):g}"
                for x, y in ring
            ]
            parts.append("M" + "L".join(coords) + "Z")
        if parts:
            shapes.append(Shape(properties["id"], properties["kom_namn"], "".join(parts)))
    height = math.ceil((south - north) * factor)
    return Map(WIDTH, height, tuple(sorted(shapes, key=lambda s: s.code)))
