"""The demo: five seed kommuner, a coordinator and a kommunpolis each, an administrator."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from samverka.accounts.models import User
from samverka.agreements.models import Agreement
from samverka.demo import loading as demo
from samverka.organizations.models import Membership
from samverka.sources.models import Event
from samverka.tenancy.access import Role

pytestmark = pytest.mark.django_db


# The five seed kommuner's real events: the same importer as the national file, quicker.
FIVE = (
    Path(__file__).resolve().parents[3].parent
    / "shared"
    / "data"
    / "polisen_events"
    / "events_five_municipalities.json"
)


def load_all() -> str:
    call_command("load_reference_data", stdout=StringIO())
    out = StringIO()
    call_command("load_demo", "--events", str(FIVE), "--generated-years", "1", stdout=out)
    return out.getvalue()


def test_the_demo_prints_its_logins_and_loads_twice_without_duplicates() -> None:
    output = load_all()
    assert "samordnare.oskarshamn@demo.example" in output
    assert "kommunpolis.oxelosund@demo.example" in output
    assert demo.DEMO_PASSWORD in output
    counts = (
        User.objects.count(),
        Membership.objects.count(),
        Agreement.objects.count(),
        Event.objects.count(),
    )
    assert counts[:3] == (13, 12, 5)
    assert counts[3] > 500  # the real events of the five kommuner, and generated ones
    exact = Event.objects.filter(place_precision="exact")
    assert exact.count() > 4000  # a year of generated events with positions
    assert not exact.filter(category__isnull=True).exists()
    assert set(exact.values_list("kommun__municipality_code", flat=True).distinct()) == {
        seed.code for seed in demo.SEEDS
    }
    # A draft lägesbild per kommun, and an adopted one with an action plan on it.
    from samverka.plans.models import ActionPlan, Goal, Measure
    from samverka.situation.models import SituationPicture

    work = (
        SituationPicture.objects.filter(status="draft").count(),
        SituationPicture.objects.filter(status="adopted").count(),
        ActionPlan.objects.count(),
        Goal.objects.count(),
        Measure.objects.count(),
    )
    assert work == (5, 5, 5, 10, 10)
    assert "0 new rows, nothing changed" in load_all()
    assert (
        User.objects.count(),
        Membership.objects.count(),
        Agreement.objects.count(),
        Event.objects.count(),
    ) == counts
    assert (
        SituationPicture.objects.filter(status="draft").count(),
        SituationPicture.objects.filter(status="adopted").count(),
        ActionPlan.objects.count(),
        Goal.objects.count(),
        Measure.objects.count(),
    ) == work


def test_each_seed_kommun_has_a_coordinator_and_its_lpo_a_kommunpolis() -> None:
    load_all()
    for seed in demo.SEEDS:
        agreement = Agreement.objects.get(parties__municipality_code=seed.code)
        kinds = set(agreement.parties.values_list("kind", flat=True))
        assert kinds == {"kommun", "lpo"}
        kommun = agreement.parties.get(kind="kommun")
        assert Membership.objects.filter(organization=kommun, role=Role.COORDINATOR).exists()
        # Imported through the importer: the seed's own priority areas came along.
        assert agreement.priority_areas.exists()
    oskarshamn = Agreement.objects.get(parties__municipality_code="0882")
    assert oskarshamn.ends_on.isoformat() == "2027-12-31"  # extended once, by its rule
    assert list(oskarshamn.revisions.values_list("number", flat=True)) == [2, 1]
    vastervik = Agreement.objects.get(parties__municipality_code="0883")
    assert [s.name for s in vastervik.signatories.all()] == ["Sofia Karlsson", "Harald Hjalmarsson"]
    assert {"steering_group", "sspf", "tistel"} <= set(
        vastervik.forums.values_list("kind", flat=True)
    )
    assert User.objects.get(email=demo.ADMIN_EMAIL).is_superuser


def test_a_demo_coordinator_signs_in_to_the_swedish_start_page() -> None:
    load_all()
    client = Client()
    response = client.post(
        "/konto/logga-in/",
        {"username": "samordnare.vastervik@demo.example", "password": demo.DEMO_PASSWORD},
        follow=True,
    )
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "Välkommen, Vera" in html
    assert "Västervik" in html
    assert "Samverkansöverenskommelse för minskad brottslighet och ökad trygghet" in html
