"""The public pages in a browser: a resident on a 375 px phone reads a kommun's page, the
national index with its map, the search and the embeddable card; none scrolls sideways,
none sets a cookie, printing leaves out the navigation, and axe-core finds no violation."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from samverka.agreements.models import Agreement, AgreementStatus, PriorityArea
from samverka.organizations.models import County
from samverka.plans import services as plans
from samverka.plans.models import Measure
from samverka.promises import services as promises
from samverka.promises.models import Commitment, Giver
from samverka.situation import services as situation
from samverka.situation.models import SourceChoice
from samverka.taxonomy.models import Category
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership
from samverka.testing import make_kommun, make_lpo, make_user
from tests.browser.test_shell import assert_no_axe_violations
from tests.browser.test_situation import ensure_taxonomy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published() -> str:
    """Oskarshamn with a published promise, summary, agreement and a public measure."""
    ensure_taxonomy()
    county = County.objects.create(code="08", name="Kalmar län")
    kommun = make_kommun("Oskarshamn", "0882", county, population=27000)
    make_kommun("Mönsterås", "0861", county)
    lpo = make_lpo("Västervik", [kommun])
    today = timezone.localdate()
    agreement = Agreement.objects.create(
        title="Samverkansavtal Oskarshamn",
        starts_on=dt.date(today.year - 1, 1, 1),
        ends_on=dt.date(today.year + 2, 12, 31),
        status=AgreementStatus.SIGNED,
        published_at=timezone.now(),
    )
    agreement.parties.set([kommun, lpo])
    area = PriorityArea.objects.create(agreement=agreement, title="Trafiksäkerhet vid skolor")
    area.categories.set([Category.objects.current().get(code="traffic.speeding")])
    coordinator = make_user("cora@test.example", "Cora")
    chief = make_user("karin@test.example", "Karin")
    Membership.objects.create(user=coordinator, organization=kommun, role=Role.COORDINATOR)
    Membership.objects.create(user=chief, organization=lpo, role=Role.COORDINATOR)
    picture = situation.start_picture(
        agreement,
        kommun,
        kommun,
        dt.date(today.year - 1, 1, 1),
        dt.date(today.year - 1, 12, 31),
        "Lägesbild Oskarshamn",
        coordinator,
    )
    SourceChoice.objects.create(picture=picture, name="Polisens statistik", included=True)
    situation.adopt(picture, dt.date(today.year, 2, 1), "Styrgruppen §4", coordinator)
    situation.publish_summary(picture, "Bostadsinbrotten har ökat i centrum.", coordinator)
    plan = plans.start_plan(
        picture, "Åtgärdsplan", dt.date(today.year, 1, 1), dt.date(today.year, 12, 31), coordinator
    )
    Measure.objects.create(
        plan=plan,
        title="Bättre belysning i gångtunneln",
        responsible=kommun,
        starts_on=dt.date(today.year, 3, 1),
        ends_on=dt.date(today.year, 5, 31),
        public=True,
    )
    promise = promises.start_promise(
        picture,
        f"Medborgarlöfte {today.year}",
        dt.date(today.year, 1, 1),
        dt.date(today.year, 12, 31),
        coordinator,
    )
    promises.save_commitment(
        Commitment(
            promise=promise,
            giver=Giver.KOMMUN,
            text="Kommunen ska sänka hastigheten vid skolorna.",
            priority_area=area,
        ),
        coordinator,
    )
    promises.save_commitment(
        Commitment(promise=promise, giver=Giver.POLICE, text="Polisen ska synas kvällstid."),
        chief,
    )
    promises.approve(promise, coordinator)
    promises.approve(promise, chief)
    promises.adopt(promise, today, "Styrgruppen §2", coordinator)
    promises.publish(promise)
    return kommun.slug


def pages(slug: str) -> list[str]:
    return [
        f"/kommun/{slug}/",
        "/kommuner/",
        "/kommuner/?q=osk&tema=traffic",
        "/kommuner/loften/",
        "/kommuner/loften/?q=trafik",
        f"/kommun/{slug}/kort/",
    ]


def test_every_public_page_on_a_phone_passes_axe(
    browser: Browser, live_server: object, published: str
) -> None:
    context = browser.new_context(locale="sv-SE", viewport={"width": 375, "height": 800})
    page = context.new_page()
    base = live_server.url  # type: ignore[attr-defined]
    for path in pages(published):
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        assert "public" in response.headers["cache-control"], path
        assert_no_axe_violations(page)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 375, f"{path} scrolls sideways ({wide} px)"
    assert context.cookies() == [], "a public page set a cookie"
    page.goto(f"{base}/kommun/{published}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trygghet i Oskarshamn")
    expect(page.get_by_text("Kommunen ska sänka hastigheten vid skolorna.")).to_be_visible()
    expect(page.get_by_text("Bättre belysning i gångtunneln")).to_be_visible()
    expect(page.get_by_text("Trafiksäkerhet vid skolor")).to_be_visible()
    context.close()


def test_printing_leaves_out_the_navigation_and_the_sharing(
    page: Page, live_server: object, published: str
) -> None:
    page.goto(f"{live_server.url}/kommun/{published}/")  # type: ignore[attr-defined]
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation")).to_be_hidden()
    expect(page.get_by_label("Kod för er egen webbplats", exact=False)).to_be_hidden()
    expect(page.get_by_text("Polisen ska synas kvällstid.")).to_be_visible()
    assert_no_axe_violations(page)
