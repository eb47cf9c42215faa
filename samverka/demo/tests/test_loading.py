"""The demo: five seed kommuner, a coordinator and a kommunpolis each, an administrator."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from samverka.accounts.models import User
from samverka.agreements.models import Agreement
from samverka.demo import loading as demo
from samverka.sources.models import Event
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership

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
    published = promise_counts()
    # A followed-up medborgarlöfte per kommun with 3–6 commitments, approved by both
    # parties; a communication plan each with a joint press release both approved, sent.
    assert published == (5, 5, 22, 10, 5, 20, 10, 10, 10)
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
    assert promise_counts() == published


def promise_counts() -> tuple[int, ...]:
    from samverka.communication.models import Activity, ActivityApproval, CommunicationPlan
    from samverka.plans.models import Measure
    from samverka.promises.models import CitizenPromise, Commitment, PromiseApproval

    return (
        CitizenPromise.objects.count(),
        CitizenPromise.objects.filter(status="followed_up", published_at__isnull=False).count(),
        Commitment.objects.exclude(judgement="").count(),
        PromiseApproval.objects.count(),
        CommunicationPlan.objects.count(),
        Activity.objects.count(),
        Activity.objects.filter(status="sent").count(),
        ActivityApproval.objects.count(),
        Measure.objects.filter(public=True).count(),
    )


def test_each_seed_kommun_shows_its_promise_and_follow_up_to_the_public() -> None:
    from samverka.promises.models import CitizenPromise

    load_all()
    client = Client()
    index = client.get("/kommuner/")
    assert index.status_code == 200
    for seed in demo.SEEDS:
        promise = CitizenPromise.objects.get(kommun__municipality_code=seed.code)
        commitments = list(promise.commitments.all())
        assert 3 <= len(commitments) <= 6
        # Carried out by the plan: at least one commitment rests on its measures and goals.
        assert any(c.measures.exists() and c.goals.exists() for c in commitments)
        assert promise.adopted_on is not None and promise.decision_reference
        assert set(promise.approvals.values_list("party", flat=True)) == {
            promise.kommun_id,
            promise.police_id,
        }
        page = client.get(f"/kommun/{promise.kommun.slug}/")
        html = page.content.decode()
        assert page.status_code == 200
        assert promise.title in html
        for commitment in commitments:
            assert commitment.text in html
        assert "Belysning och röjning" in html  # a measure the kommun shows the public
        assert "Ingen sammanfattning av lägesbilden är publicerad ännu" not in html
        public = client.get(f"/medborgarloften/{promise.pk}/offentligt/")
        assert public.status_code == 200
        assert commitments[0].text in public.content.decode()
        press = promise.communication_activities.get(channel="press_release")
        assert press.external and press.joint and press.status == "sent"
        assert press.approvals.count() == 2
    # "Which kommuner promise something about Grannsamverkan?"
    found = client.get("/kommuner/loften/", {"q": "Grannsamverkan"}).content.decode()
    assert "hjälper vi boende, båtklubbar och marinor att starta Grannsamverkan" in found
    assert "spåra stulna fordon" not in found


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
