"""EST on a phone with the network cut: a reporter files two reports offline, they wait
on the device, and when the connection returns each arrives once; the kommun's
coordinator accepts them and they are events of the agreement's EST dataset. The form's
first load is light (all bytes of the page, its style sheet and scripts)."""

import datetime as dt

import pytest
from playwright.sync_api import Browser, Page, Response, expect

from samverka.accounts.models import User
from samverka.agreements.models import Agreement, AgreementStatus
from samverka.est.models import Observation, ObservationStatus, Report
from samverka.organizations.models import County, SubArea
from samverka.sources.models import Dataset, Event, SourceKind
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership
from samverka.testing import PASSWORD, make_kommun, make_lpo
from tests.browser.test_situation import ensure_taxonomy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
FIRST_LOAD_LIMIT = 150_000


@pytest.fixture
def users() -> tuple[User, User]:
    ensure_taxonomy()
    kommun = make_kommun("Oskarshamn", "0882", County.objects.create(code="08", name="Kalmar län"))
    lpo = make_lpo("Västervik", [kommun])
    agreement = Agreement.objects.create(
        title="Samverkansavtal Oskarshamn",
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        status=AgreementStatus.SIGNED,
    )
    agreement.parties.set([kommun, lpo])
    SubArea.objects.create(kommun=kommun, name="Centrum")
    SubArea.objects.create(kommun=kommun, name="Norrby")
    reporter = User.objects.create_user("rita@test.example", PASSWORD, first_name="Rita")
    Membership.objects.create(user=reporter, organization=kommun, role=Role.REPORTER)
    coordinator = User.objects.create_user("saga@test.example", PASSWORD, first_name="Saga")
    Membership.objects.create(user=coordinator, organization=kommun, role=Role.COORDINATOR)
    return reporter, coordinator


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/konto/logga-in/")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def test_reports_written_offline_arrive_once_and_become_events(
    browser: Browser, live_server: object, users: tuple[User, User]
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    context = browser.new_context(locale="sv-SE", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    sign_in(page, base, "rita@test.example")

    loaded: list[int] = []

    def count(response: Response) -> None:
        loaded.append(len(response.body()))

    page.on("response", count)
    page.goto(f"{base}/est/")
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", count)
    assert 0 < sum(loaded) <= FIRST_LOAD_LIMIT, f"first load {sum(loaded)} bytes"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The service worker keeps the form: it loads again with the network cut.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_load_state("networkidle")
    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="Rapportera det du såg")).to_be_visible()
    page.get_by_label("Kategori").select_option(label="Klotter")
    page.get_by_label("Delområde").select_option(label="Centrum (Oskarshamn)")
    page.get_by_label("Hur många personer").fill("3")
    page.get_by_label("Beskrivning").fill("Nya taggar på tunnelns vägg")
    page.get_by_role("button", name="Skicka rapporten").click()
    expect(page.locator("#est-status")).to_contain_text(
        "väntar på att skickas från den här enheten: 1"
    )

    page.get_by_label("Kategori").select_option(label="Nedskräpning")
    page.get_by_label("Delområde").select_option(label="Norrby (Oskarshamn)")
    page.get_by_role("button", name="Skicka rapporten").click()
    expect(page.locator("#est-status")).to_contain_text("enheten: 2")
    expect(page.locator("#est-queue-list li")).to_have_count(2)
    assert not Report.objects.exists()

    context.set_offline(False)
    expect(page.locator("#est-status")).to_contain_text("Skickade: 2", timeout=15_000)
    expect(page.locator("#est-queue-list li")).to_have_count(0)
    # A reload sends nothing again: the queue is empty, each key stored once.
    page.reload()
    page.wait_for_load_state("networkidle")
    assert Report.objects.count() == 2
    assert sorted(Observation.objects.values_list("category", flat=True)) == [
        "klotter",
        "nedskrapning",
    ]
    page.goto(f"{base}/est/mina/")
    expect(page.get_by_role("main")).to_contain_text("Nya taggar på tunnelns vägg")
    context.close()

    context = browser.new_context(locale="sv-SE", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    sign_in(page, base, "saga@test.example")
    for _ in range(2):
        page.goto(f"{base}/est/granska/")
        page.get_by_role("main").get_by_role("list").first.get_by_role("link").first.click()
        page.get_by_label("Godta").check()
        page.get_by_role("button", name="Besluta").click()
        expect(page.get_by_role("status")).to_contain_text("godtagen som händelse")
    expect(page.get_by_role("main")).to_contain_text("Inget väntar på granskning")
    context.close()

    assert set(Observation.objects.values_list("status", flat=True)) == {ObservationStatus.ACCEPTED}
    dataset = Dataset.objects.get(kind=SourceKind.EST)
    events = Event.objects.filter(dataset=dataset)
    assert events.count() == 2
    assert dataset.rows_imported == 2
    assert {e.source_type for e in events} == {"Klotter", "Nedskräpning"}
