"""The shell as a person uses it: keyboard only, a screen reader's landmarks, axe-core."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from samverka.accounts.models import User
from samverka.organizations.models import County
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership
from samverka.testing import PASSWORD, make_kommun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator() -> User:
    kommun = make_kommun("Oskarshamn", "0882", County.objects.create(code="08", name="Kalmar län"))
    user = User.objects.create_user("cora@test.example", PASSWORD, first_name="Cora")
    Membership.objects.create(user=user, organization=kommun, role=Role.COORDINATOR)
    return user


def assert_no_axe_violations(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_coordinator_signs_in_with_the_keyboard_only(
    page: Page, live_server: object, coordinator: User
) -> None:
    page.goto(f"{live_server.url}/konto/logga-in/")  # type: ignore[attr-defined]
    assert_no_axe_violations(page)
    # The e-mail field has focus on arrival; type, tab, type, Enter.
    expect(page.get_by_label("E-postadress")).to_be_focused()
    page.keyboard.type("cora@test.example")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Cora")
    expect(page.get_by_role("navigation", name="Huvudmeny")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Dina organisationer")
    assert_no_axe_violations(page)

    # The first Tab lands on the skip link, which then shows; Enter moves focus past
    # the header into the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_form_errors_are_announced_and_tied_to_their_fields(
    page: Page, live_server: object, coordinator: User
) -> None:
    page.goto(f"{live_server.url}/konto/logga-in/")  # type: ignore[attr-defined]
    page.get_by_label("E-postadress").fill("cora@test.example")
    page.get_by_label("Lösenord").fill("fel-lösenord")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("alert")).to_contain_text("Rätta till följande")
    # Focus moves to the summary of errors, where each error links to its field.
    expect(page.get_by_role("alert")).to_be_focused()
    assert_no_axe_violations(page)


def test_the_interface_switches_to_english(
    page: Page, live_server: object, coordinator: User
) -> None:
    page.goto(f"{live_server.url}/")  # type: ignore[attr-defined]
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    assert_no_axe_violations(page)
