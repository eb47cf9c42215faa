"""The main pages under the Content-Security-Policy in a real browser: nothing they need is
blocked (no inline script, style or handler), for a signed-in coordinator and a visitor."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from samverka.accounts.models import User
from samverka.agreements.models import Agreement
from samverka.plans import services as plans
from samverka.plans.models import Measure
from samverka.situation import services as situation
from samverka.testing import PASSWORD
from tests.browser.test_situation import coordinator  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Reported in the page by the browser itself; an init script is not subject to the policy.
LISTEN = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline")
    + " " + event.sourceFile + ":" + event.lineNumber);
});
"""


def watch(page: Page) -> list[str]:
    """Every CSP violation the page reports, as events and as console messages."""
    console: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return console


def violations(page: Page, console: list[str]) -> list[str]:
    return [*page.evaluate("window.cspViolations || []"), *console]


def test_the_main_pages_run_under_the_policy_without_a_violation(
    page: Page,
    live_server: object,
    coordinator: User,  # noqa: F811
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    agreement = Agreement.objects.get(title="Samverkansavtal Oskarshamn")
    kommun = agreement.parties.get(name="Oskarshamn")
    adopted = situation.start_picture(
        agreement,
        kommun,
        kommun,
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 31),
        "Lägesbild 2024",
        coordinator,
    )
    situation.adopt(adopted, dt.date(2025, 2, 10), "Styrgruppen §4", coordinator)
    summary = situation.publish_summary(adopted, "Tryggheten i Oskarshamn 2024.", coordinator)
    plan = plans.start_plan(
        adopted, "Åtgärdsplan 2025–2026", dt.date(2025, 1, 1), dt.date(2026, 12, 31), coordinator
    )
    Measure.objects.create(
        plan=plan,
        title="Bättre belysning i Centrum",
        responsible=kommun,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 6, 30),
    )
    draft = situation.start_picture(
        agreement,
        kommun,
        kommun,
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
        "Lägesbild 2025",
        coordinator,
    )
    console = watch(page)

    # A visitor: the public summary with its figures, and the sign-in page.
    response = page.goto(f"{base}/lagesbild/publik/{summary.pk}/")
    assert response is not None
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, policy
    assert "unsafe-inline" not in policy
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lägesbild 2024")
    assert page.locator("svg").count() > 0
    assert violations(page, console) == []
    page.goto(f"{base}/konto/logga-in/")
    page.get_by_label("E-postadress").fill("saga@test.example")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Logga in").click()

    # The start page, styled by the stylesheet (which an over-strict policy would block).
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Saga")
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display")
    assert page.evaluate("document.styleSheets.length") >= 1
    assert violations(page, console) == []

    # The lägesbild's overview: charts, the map legend, and the filter that reloads in place.
    page.goto(f"{base}{draft.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lägesbild 2025")
    page.get_by_label("Kategori", exact=True).select_option(label="Stöld och inbrott")
    expect(page.locator("#overview-status")).to_have_text("Översikten är uppdaterad.")
    assert "category=theft" in page.url
    assert violations(page, console) == []

    # The plan, its responsibility matrix (the print button is wired by the script file).
    page.goto(f"{base}{plan.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Åtgärdsplan 2025–2026")
    page.goto(f"{base}/atgardsplan/{plan.pk}/ansvar/")
    page.evaluate("window.print = function () { window.printed = true; }")
    page.get_by_role("button", name="Skriv ut").click()
    assert page.evaluate("window.printed") is True
    assert violations(page, console) == []
