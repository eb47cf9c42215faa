"""A coordinator records an agreement in the browser and downloads it as PDF."""

import io

import pypdf
import pytest
from playwright.sync_api import Page, expect

from samverka.accounts.models import User
from samverka.organizations.models import County, Organization
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership
from samverka.testing import PASSWORD, make_kommun, make_lpo
from tests.browser.test_shell import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator() -> User:
    kommun = make_kommun("Oxelösund", "0481", County.objects.create(code="04", name="Sörmland"))
    make_lpo("Nyköping", [kommun])
    user = User.objects.create_user("ida@test.example", PASSWORD, first_name="Ida")
    Membership.objects.create(user=user, organization=kommun, role=Role.COORDINATOR)
    return user


def test_a_coordinator_records_an_agreement_and_downloads_its_pdf(
    page: Page, live_server: object, coordinator: User
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/konto/logga-in/")
    page.get_by_label("E-postadress").fill("ida@test.example")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Logga in").click()

    page.goto(f"{base}/overenskommelser/")
    page.get_by_role("link", name="Lägg in en överenskommelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lägg in en överenskommelse")
    # The user's kommun and the LPO that covers it are chosen already.
    expect(page.get_by_label("Lokalpolisområde")).to_have_value(
        str(Organization.objects.get(slug="lpo-nykoping").pk)
    )
    assert_no_axe_violations(page)
    page.get_by_label("Rubrik").fill("Samverkansöverenskommelse Oxelösund 2026–2029")
    page.get_by_label("Gäller från").fill("2026-01-01")
    page.get_by_label("Gäller till och med").fill("2029-12-31")
    page.get_by_label("Kan förlängas med (år i taget)").fill("4")
    page.get_by_label("Syfte").fill("Att tillsammans minska stölder och öka tryggheten.")
    page.get_by_role("button", name="Spara").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Samverkansöverenskommelse Oxelösund 2026–2029"
    )
    expect(page.get_by_role("status")).to_contain_text("sparad som utkast")
    assert_no_axe_violations(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ned som PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    content = open(download.path(), "rb").read()  # noqa: SIM115
    assert content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert "Samverkansöverenskommelse Oxelösund" in text
    assert "Att tillsammans minska stölder" in text
    assert "LPO Nyköping" in text
