"""The lägesbild's SVG charts, drawn from figures the tests write."""

import re

from django.utils import translation

from samverka.situation import charts

SQUARE = 250.0


def figures(boundary_side: float) -> dict[str, object]:
    """Events in a 2 km patch near the south-west corner of a square kommun."""
    east0, north0 = 500_000.0, 6_400_000.0
    cells = [[r, c, 1 + (r * c) % 4, False] for r in range(8) for c in range(8)]
    corner = [
        [east0 - 1000, north0 - 1000],
        [east0 - 1000 + boundary_side, north0 - 1000],
        [east0 - 1000 + boundary_side, north0 - 1000 + boundary_side],
        [east0 - 1000, north0 - 1000 + boundary_side],
        [east0 - 1000, north0 - 1000],
    ]
    return {
        "cell_size": SQUARE,
        "origin_northing": north0,
        "origin_easting": east0,
        "cells": cells,
        "boundary": [corner],
        "areas": [],
    }


def test_a_map_of_a_small_part_of_a_large_kommun_shows_where_it_is() -> None:
    with translation.override("sv"):
        svg = str(charts.grid_map(figures(40_000), "Karta"))
    locator = re.search(r'<g class="locator">(.*?)</g>', svg, re.S)
    assert locator, "no locator map"
    assert "Hela kommunen" in locator.group(1)
    assert "<polygon" in locator.group(1)
    marked = re.findall(
        r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', locator.group(1)
    )
    # The frame, then the part shown: small, in the kommun's south-west corner.
    (fx, fy, fw, fh), (x, y, w, h) = ((float(v) for v in m) for m in marked[:2])
    assert w < fw / 4 and h < fh / 4
    assert x < fx + fw / 4 and y + h > fy + fh * 3 / 4


def test_a_map_that_shows_most_of_the_kommun_has_no_locator() -> None:
    svg = str(charts.grid_map(figures(3_000), "Karta"))
    assert 'class="locator"' not in svg
