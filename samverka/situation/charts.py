"""One chart definition for the page and the PDF: inline SVG drawn from overview data.

Each function takes the JSON-safe data of one figure (see :mod:`.overview`) and returns
SVG markup with a title for screen readers; the numbers themselves are always in a
table beside the chart (the templates put them there), so nothing is only visible.
No JavaScript and nothing fetched: the same markup works offline, in WeasyPrint and
when printed.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from samverka.lib import numbers

INK = "#1b1f24"
MUTED = "#4a5560"
ACCENT = "#005a9c"
ALERT = "#b3261e"
LIGHT = "#c7ced6"
# Sequential blues for counts, light to dark; contrast against white is kept for the
# darker classes, and the hot-spot outline is drawn in a colour and a thick stroke.
CLASSES = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")


def _label(row: dict[str, Any]) -> str:
    english = (get_language() or "sv").startswith("en")
    return str(row.get("label_en" if english else "label_sv") or row.get("code", ""))


def _num(value: float, digits: int = 0) -> str:
    return numbers.number(value, digits)


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every text inside is escaped where it is built
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart" '
        f'preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def category_chart(table: dict[str, Any], title: str) -> SafeString:
    """Rates per 100 000 (bars) with their intervals (whiskers); counts where the
    kommun's population is unknown. The county and the nation are in the table beside:
    they come only from the sources that cover them, which may not be all of these."""
    rows = table.get("rows", [])
    if not rows:
        return SafeString("")
    use_rates = all("kommun" in row for row in rows)

    def value(row: dict[str, Any], key: str = "kommun") -> float:
        if use_rates:
            return float(row.get(key, {}).get("rate") or 0.0)
        return float(row["count"]) if key == "kommun" else 0.0

    top = max(
        (row.get("kommun", {}).get("upper") or 0.0) if use_rates else value(row) for row in rows
    )
    top = top or 1.0
    label_w, bar_w, row_h = 230, 420, 26
    width, height = label_w + bar_w + 70, 30 + row_h * len(rows)
    body = [
        f'<text x="{label_w}" y="14" font-size="11" fill="{MUTED}">'
        + escape(_("per 100 000 inhabitants and year") if use_rates else _("events"))
        + "</text>"
    ]
    for index, row in enumerate(rows):
        y = 24 + index * row_h
        scale = bar_w / top
        body.append(
            f'<text x="{label_w - 8}" y="{y + 15}" font-size="12" text-anchor="end" '
            f'fill="{INK}">{escape(_label(row))}</text>'
        )
        v = value(row)
        body.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{v * scale:.1f}" height="{row_h - 10}" '
            f'fill="{ACCENT}"/>'
        )
        if use_rates:
            lo, hi = row["kommun"]["lower"], row["kommun"]["upper"]
            body.append(
                f'<line x1="{label_w + lo * scale:.1f}" x2="{label_w + hi * scale:.1f}" '
                f'y1="{y + row_h / 2 - 1}" y2="{y + row_h / 2 - 1}" stroke="{INK}" '
                f'stroke-width="1.5"/>'
            )
        shown = _num(v, 0) if use_rates else str(row["count"])
        body.append(
            f'<text x="{label_w + v * scale + 6:.1f}" y="{y + 15}" font-size="11" '
            f'fill="{MUTED}">{shown}</text>'
        )
    return _svg(width, height, title, body)


def month_chart(months: dict[str, Any], title: str) -> SafeString:
    """Events per month, with the control band from the baseline where there is one."""
    observed = months.get("observed", [])
    if not observed:
        return SafeString("")
    n = len(observed)
    upper = months.get("upper") or []
    lower = months.get("lower") or []
    expected = months.get("expected") or []
    top = max([*observed, *upper, 1])
    left, width, height, plot_h = 40, 700, 220, 170
    step = (width - left - 10) / max(n - 1, 1)

    def x(i: int) -> float:
        return left + i * step

    def y(v: float) -> float:
        return 10 + plot_h - (v / top) * plot_h

    body: list[str] = []
    for tick in _ticks(top):
        body.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{LIGHT}" stroke-width="0.5"/>'
            f'<text x="{left - 4}" y="{y(tick) + 4:.1f}" font-size="10" text-anchor="end" '
            f'fill="{MUTED}">{tick}</text>'
        )
    if upper and lower:
        band = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(upper))
        band += " " + " ".join(
            f"{x(i):.1f},{y(v):.1f}" for i, v in reversed(list(enumerate(lower)))
        )
        body.append(f'<polygon points="{band}" fill="#e8eef5"/>')
        path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(expected))
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{MUTED}" stroke-dasharray="4 3"/>'
        )
    line = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(observed))
    body.append(f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
    above = months.get("above") or [False] * n
    below = months.get("below") or [False] * n
    for i, v in enumerate(observed):
        colour = ALERT if above[i] else (ACCENT if not below[i] else "#2e7d32")
        radius = 4.5 if above[i] or below[i] else 2.5
        body.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="{radius}" fill="{colour}"/>')
    labels = months.get("labels", [])
    every = max(1, math.ceil(n / 12))
    for i, label in enumerate(labels):
        if i % every == 0:
            body.append(
                f'<text x="{x(i):.1f}" y="{height - 22}" font-size="10" text-anchor="middle" '
                f'fill="{MUTED}">{escape(label)}</text>'
            )
    return _svg(width, height, title, body)


def _ticks(top: float) -> list[int]:
    if top <= 0:
        return [0]
    raw = top / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = max(1, int(math.ceil(raw / magnitude) * magnitude))
    return list(range(0, int(top) + 1, step))


def heatmap(data: dict[str, Any], title: str) -> SafeString:
    """Weekday × hour: darker is more events."""
    matrix = data.get("matrix") or []
    if not matrix or not data.get("total"):
        return SafeString("")
    english = (get_language() or "sv").startswith("en")
    names = data["weekdays_en" if english else "weekdays_sv"]
    top = max(max(row) for row in matrix) or 1
    cell, left, topy = 24, 40, 18
    width, height = left + 24 * cell + 10, topy + 7 * cell + 10
    body = []
    for hour in range(0, 24, 3):
        body.append(
            f'<text x="{left + hour * cell + cell / 2}" y="12" font-size="10" '
            f'text-anchor="middle" fill="{MUTED}">{hour:02d}</text>'
        )
    for day, row in enumerate(matrix):
        body.append(
            f'<text x="{left - 6}" y="{topy + day * cell + 16}" font-size="11" '
            f'text-anchor="end" fill="{INK}">{escape(names[day])}</text>'
        )
        for hour, count in enumerate(row):
            share = count / top
            colour = CLASSES[min(len(CLASSES) - 1, int(share * len(CLASSES)))] if count else "#fff"
            body.append(
                f'<rect x="{left + hour * cell}" y="{topy + day * cell}" width="{cell - 1}" '
                f'height="{cell - 1}" fill="{colour}" stroke="{LIGHT}" stroke-width="0.3"/>'
            )
    return _svg(width, height, title, body)


def count_classes(counts: list[int]) -> list[int]:
    """Upper bounds of up to five classes (quantiles of the non-empty cells)."""
    if not counts:
        return []
    ordered = sorted(counts)
    bounds: list[int] = []
    for q in (0.5, 0.75, 0.9, 0.97, 1.0):
        value = ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1)))]
        if not bounds or value > bounds[-1]:
            bounds.append(value)
    return bounds


def grid_map(data: dict[str, Any], title: str, *, density: bool = False) -> SafeString:
    """The kommun's grid: cells shaded by count (or, with ``density``, by the level of
    the kernel density surface), hot spots outlined, the boundary drawn."""
    cells = data.get("cells") or []
    if not cells or (density and not data.get("density")):
        return SafeString("")
    size = float(data["cell_size"])
    north0, east0 = float(data["origin_northing"]), float(data["origin_easting"])
    xs = [east0 + c * size for _, c, _, _ in cells]
    ys = [north0 + r * size for r, _, _, _ in cells]
    min_x, max_x = min(xs), max(xs) + size
    min_y, max_y = min(ys), max(ys) + size
    pad = 4 * size
    min_x, max_x, min_y, max_y = min_x - pad, max_x + pad, min_y - pad, max_y + pad
    span = max(max_x - min_x, max_y - min_y)
    width = 640
    scale = width / span
    height = int((max_y - min_y) * scale) + 1

    def px(e: float) -> float:
        return (e - min_x) * scale

    def py(n: float) -> float:
        return (max_y - n) * scale

    body = [f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f7f9fb"/>']
    for ring in data.get("boundary") or []:
        points = " ".join(f"{px(e):.1f},{py(n):.1f}" for e, n in ring)
        body.append(f'<polygon points="{points}" fill="#fff" stroke="{MUTED}" stroke-width="1"/>')
    bounds = count_classes([count for _, _, count, _ in cells])
    side = size * scale
    shaded = (
        [(r, c, level - 1) for r, c, level in data["density"]]
        if density
        else [
            (r, c, next(i for i, b in enumerate(bounds) if count <= b))
            for r, c, count, _hot in cells
        ]
    )
    for r, c, klass in shaded:
        body.append(
            f'<rect x="{px(east0 + c * size):.1f}" y="{py(north0 + (r + 1) * size):.1f}" '
            f'width="{side + 0.2:.1f}" height="{side + 0.2:.1f}" fill="{CLASSES[klass]}"/>'
        )
    for r, c, _count, hot in cells:
        if hot:
            body.append(
                f'<rect x="{px(east0 + c * size):.1f}" y="{py(north0 + (r + 1) * size):.1f}" '
                f'width="{side:.1f}" height="{side:.1f}" fill="none" stroke="{ALERT}" '
                f'stroke-width="2"/>'
            )
    for area in data.get("areas") or []:
        for ring in area["rings"]:
            points = " ".join(f"{px(e):.1f},{py(n):.1f}" for e, n in ring)
            body.append(
                f'<polygon points="{points}" fill="none" stroke="{INK}" stroke-width="0.8" '
                f'stroke-dasharray="4 3"/>'
            )
        ring = max(area["rings"], key=len)
        cx = sum(e for e, _n in ring) / len(ring)
        cy = sum(n for _e, n in ring) / len(ring)
        if min_x <= cx <= max_x and min_y <= cy <= max_y:
            body.append(
                f'<text x="{px(cx):.1f}" y="{py(cy):.1f}" font-size="12" text-anchor="middle" '
                f'fill="{INK}" stroke="#fff" stroke-width="3" paint-order="stroke">'
                f"{escape(area['name'])}</text>"
            )
    body.append(
        f'<line x1="10" x2="{10 + 1000 * scale:.1f}" y1="{height - 10}" y2="{height - 10}" '
        f'stroke="{INK}" stroke-width="2"/><text x="10" y="{height - 14}" font-size="10" '
        f'fill="{INK}">1 km</text>'
    )
    # Beside the map, not on it: it must not hide a square.
    locator = _locator(data.get("boundary") or [], (min_x, max_x, min_y, max_y), width)
    if locator:  # a strip of its own, covering what of the outlines runs past the map
        body.append(
            f'<rect x="{width}" y="0" width="{LOCATOR + 20}" height="{height}" fill="#fff"/>'
        )
    body.extend(locator)
    return _svg(width + (LOCATOR + 20 if locator else 0), height, title, body)


LOCATOR = 130  # the side of the locator map, in the map's pixels


def _locator(
    boundary: list[list[list[float]]], shown: tuple[float, float, float, float], width: int
) -> list[str]:
    """A small map of the whole kommun in the corner, the part shown marked on it: the
    detail map is cropped to where the events are, which may be a small part of it.
    Nothing when the detail already shows most of the kommun."""
    points = [point for ring in boundary for point in ring]
    if not points:
        return []
    west, east = min(e for e, _n in points), max(e for e, _n in points)
    south, north = min(n for _e, n in points), max(n for _e, n in points)
    min_x, max_x, min_y, max_y = shown
    if (max_x - min_x) >= 0.6 * (east - west) and (max_y - min_y) >= 0.6 * (north - south):
        return []
    scale = LOCATOR / max(east - west, north - south)
    w, h = (east - west) * scale, (north - south) * scale
    left, top = width + 14, 10

    def px(e: float) -> float:
        return left + (max(min(e, east), west) - west) * scale

    def py(n: float) -> float:
        return top + (north - max(min(n, north), south)) * scale

    label = escape(_("The whole municipality; the part shown is marked"))
    parts = [
        f'<g class="locator"><title>{label}</title>',
        f'<rect x="{left - 4:.1f}" y="{top - 4:.1f}" width="{w + 8:.1f}" height="{h + 8:.1f}" '
        f'fill="#fff" stroke="{MUTED}" stroke-width="0.8"/>',
    ]
    for ring in boundary:
        ring_points = " ".join(f"{px(e):.1f},{py(n):.1f}" for e, n in ring)
        parts.append(
            f'<polygon points="{ring_points}" fill="#eef1f4" stroke="{MUTED}" stroke-width="0.8"/>'
        )
    parts.append(
        f'<rect x="{px(min_x):.1f}" y="{py(max_y):.1f}" '
        f'width="{max(px(max_x) - px(min_x), 2):.1f}" height="{max(py(min_y) - py(max_y), 2):.1f}" '
        f'fill="none" stroke="{ALERT}" stroke-width="1.5"/></g>'
    )
    return parts


def legend_classes(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(colour, range) for the map's legend."""
    bounds = count_classes([count for _, _, count, _ in data.get("cells") or []])
    legend = []
    low = 1
    for colour, bound in zip(CLASSES, bounds, strict=False):
        legend.append((colour, f"{low}–{bound}" if bound > low else f"{bound}"))
        low = bound + 1
    return legend
