"""Wide tables and charts on a phone: the goal table reads as one card per goal and a
chart keeps legible text, nothing makes the page scroll sideways; on a wide screen both
are as before."""

import os
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ["SCREENSHOTS"]) if os.environ.get("SCREENSHOTS") else None
CSS = Path(__file__).resolve().parents[2] / "samverka/shell/static/samverka/samverka.css"

GOAL = {
    "title": "Bostadsinbrotten i Norrby minskar med 20 % till 2027",
    "indicator": "events",
    "category": "theft.residential",
    "category_label_sv": "Bostadsinbrott",
    "category_label_en": "Residential burglary",
    "sub_area": "norrby",
    "sub_area_name": "Norrby",
    "unit": "",
    "survey_question": "",
    "baseline": 91.0,
    "baseline_start": "2025-01-01",
    "baseline_end": "2025-12-31",
    "baseline_set_on": "2026-03-01",
    "current": 64.0,
    "current_start": "2026-01-01",
    "current_end": "2026-09-30",
    "scaled": True,
    "count": 48,
    "days": 273,
    "target": 72.8,
    "deadline": "2027-12-31",
    "verdict": "on_track",
    "ratio": 0.7,
    "lower": 0.55,
    "upper": 0.9,
    "missing": [],
}


def show(page: Page, width: int) -> None:
    with translation.override("sv"):
        table = render_to_string("plans/goal_table.html", {"data": {"goals": [GOAL, GOAL]}})
    page.set_viewport_size({"width": width, "height": 800})
    page.set_content(
        f"<!doctype html><html lang='sv'><head><meta name='viewport' "
        f"content='width=device-width'><style>{CSS.read_text()}</style></head>"
        f"<body><main>{table}</main></body></html>"
    )


def test_on_a_phone_the_goal_table_does_not_scroll_sideways(page: Page) -> None:
    show(page, 375)
    region = page.get_by_role("region", name="Mål")
    overflow = region.evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow <= 1, f"scrolls {overflow} px sideways"
    # Each number is named by its column, since the header row is out of sight.
    labels = page.locator("td[data-label]").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content)"
    )
    assert any("Utgångsläge" in label for label in labels), labels
    if SHOTS:  # SCREENSHOTS=dir keeps a picture to look at
        page.screenshot(path=str(SHOTS / "goal-table-phone.png"))


def test_on_a_wide_screen_it_is_a_table(page: Page) -> None:
    show(page, 1200)
    display = page.locator("td[data-label]").first.evaluate("c => getComputedStyle(c).display")
    assert display == "table-cell"
    assert page.locator("thead").first.is_visible()


def show_chart(page: Page, width: int) -> None:
    from samverka.situation import charts

    months = {
        "labels": [f"2025-{m:02d}" for m in range(1, 13)],
        "observed": [12, 9, 14, 11, 10, 16, 22, 19, 13, 12, 11, 15],
    }
    chart = charts.month_chart(months, "Händelser per månad")
    page.set_viewport_size({"width": width, "height": 800})
    page.set_content(
        f"<!doctype html><html lang='sv'><head><meta name='viewport' "
        f"content='width=device-width'><style>{CSS.read_text()}</style></head>"
        f"<body><main><div class='chart-box'>{chart}</div></main></body></html>"
    )


def smallest_text_px(page: Page) -> float:
    """The smallest chart text as drawn on the screen, in CSS pixels."""
    return float(
        page.locator("svg.chart").evaluate(
            "svg => Math.min(...[...svg.querySelectorAll('text')].map("
            "t => t.getBoundingClientRect().height))"
        )
    )


def test_on_a_phone_chart_text_stays_legible_and_the_chart_scrolls_in_its_box(
    page: Page,
) -> None:
    show_chart(page, 375)
    assert smallest_text_px(page) >= 9, smallest_text_px(page)
    # The page itself does not scroll sideways: the chart's box does.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.locator(".chart-box").evaluate("b => b.scrollWidth > b.clientWidth")


def test_on_a_wide_screen_the_chart_fits_its_box(page: Page) -> None:
    show_chart(page, 1200)
    assert page.locator(".chart-box").evaluate("b => b.scrollWidth <= b.clientWidth")
