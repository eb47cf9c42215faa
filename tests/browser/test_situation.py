"""Coordinator and police build a lägesbild in the browser: choose the sources, filter the
overview in place, pin a figure as evidence for a problem, adopt it, download the PDF."""

import datetime as dt
import io

import pypdf
import pytest
from playwright.sync_api import Page, expect

from samverka.accounts.models import User
from samverka.agreements.models import Agreement, AgreementStatus
from samverka.organizations.models import County
from samverka.situation.models import Evidence, Problem, SituationPicture
from samverka.situation.tests.factories import event_dataset
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership
from samverka.testing import PASSWORD, make_kommun, make_lpo
from tests.browser.test_shell import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ensure_taxonomy() -> None:
    """The taxonomy comes from a data migration; a transactional test before this one
    flushed it, so load version 1 again as the migration does."""
    from samverka.taxonomy import v1
    from samverka.taxonomy.loading import load_version
    from samverka.taxonomy.models import Category, TaxonomyVersion

    if not TaxonomyVersion.objects.exists():
        load_version(TaxonomyVersion, Category, v1.VERSION, v1.PUBLISHED_ON, v1.TAXONOMY)


@pytest.fixture
def coordinator() -> User:
    ensure_taxonomy()
    kommun = make_kommun(
        "Oskarshamn",
        "0882",
        County.objects.create(code="08", name="Kalmar län"),
        population=27000,
    )
    lpo = make_lpo("Västervik", [kommun])
    agreement = Agreement.objects.create(
        title="Samverkansavtal Oskarshamn",
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        status=AgreementStatus.SIGNED,
    )
    agreement.parties.set([kommun, lpo])
    event_dataset(
        lpo,
        kommun,
        dt.date(2022, 1, 1),
        dt.date(2025, 12, 31),
        agreement=agreement,
        title="Polisanmälda händelser 2022–2025",
    )
    event_dataset(
        kommun,
        kommun,
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
        agreement=agreement,
        kind="est",
        title="EST-rapporter 2025",
    )
    user = User.objects.create_user("saga@test.example", PASSWORD, first_name="Saga")
    Membership.objects.create(user=user, organization=kommun, role=Role.COORDINATOR)
    return user


def test_a_coordinator_builds_adopts_and_downloads_a_situation_picture(
    page: Page, live_server: object, coordinator: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/konto/logga-in/")
    page.get_by_label("E-postadress").fill("saga@test.example")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Logga in").click()

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Lägesbild").click()
    page.get_by_role("link", name="Påbörja en lägesbild").click()
    page.get_by_label("Överenskommelse").select_option(label="Samverkansavtal Oskarshamn")
    page.get_by_label("Kommun", exact=True).select_option(label="Oskarshamn")
    page.get_by_label("Rubrik").fill("Lägesbild 2025")
    page.get_by_label("Period från").fill("2025-01-01")
    page.get_by_label("Period till").fill("2025-12-31")
    page.get_by_role("button", name="Påbörja lägesbilden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lägesbild 2025")
    assert_no_axe_violations(page)

    # Sources: leave the EST reports out, with the reason.
    page.get_by_label("Använd EST-rapporter 2025").uncheck()
    page.get_by_label("Varför EST-rapporter 2025 inte används").fill("Granskas i nästa version")
    page.get_by_role("button", name="Spara källorna").click()
    expect(page.get_by_role("status").first).to_contain_text("Källorna är sparade")
    expect(page.get_by_label("Använd EST-rapporter 2025")).not_to_be_checked()
    expect(page.get_by_role("heading", name="EST-rapporter")).to_have_count(0)

    # Filter the overview in place: the page is not reloaded, the URL follows.
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Kategori", exact=True).select_option(label="Stöld och inbrott")
    expect(page.locator("#overview-status")).to_have_text("Översikten är uppdaterad.")
    assert page.evaluate("window.notReloaded") is True
    assert "category=theft" in page.url
    table = page.get_by_role("table", name="Anmälda händelser per kategori")
    expect(table).to_contain_text("Bostadsinbrott")
    expect(table).not_to_contain_text("Brott mot person")

    # Pin the filtered table as evidence for a new problem.
    figure = page.get_by_role("region", name="Anmälda händelser per kategori")
    figure.get_by_placeholder("Namn på ett nytt problem").fill("Inbrott under mörka månader")
    figure.get_by_role("button", name="Fäst").click()
    expect(page.get_by_role("status").first).to_contain_text("är fäst som belägg")
    problem = Problem.objects.get(title="Inbrott under mörka månader")
    evidence = Evidence.objects.get(problem=problem)
    assert evidence.filters["category"] == "theft"
    expect(page.locator(f"#problem-{problem.pk}")).to_contain_text(
        "Anmälda händelser per kategori · 2025-01-01 – 2025-12-31 · Stöld och inbrott"
    )
    assert_no_axe_violations(page)

    # Adopt: the figures are frozen.
    page.get_by_label("Fastställd den").fill("2026-02-10")
    page.get_by_label("Beslutsreferens").fill("Styrgruppen 2026-02-10 §4")
    page.get_by_role("button", name="Fastställ").click()
    expect(page.get_by_role("status").first).to_contain_text("Lägesbilden är fastställd")
    picture = SituationPicture.objects.get(title="Lägesbild 2025")
    assert picture.is_adopted
    expect(page.locator("#overview")).to_contain_text("Frysta när lägesbilden fastställdes")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ned som PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    content = open(download.path(), "rb").read()  # noqa: SIM115
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert "Lägesbild 2025" in text
    assert "Inbrott under mörka månader" in text
    assert "Styrgruppen 2026-02-10 §4" in text
    assert "Granskas i nästa version" in text
