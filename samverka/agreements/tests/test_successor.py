"""A coordinator drafts the next agreement from the old one: the same parties, text,
priority areas and forums, for the period after it; the old one is untouched."""

from __future__ import annotations

import datetime as dt

from django.forms.models import model_to_dict
from django.urls import reverse

from samverka.agreements import services
from samverka.agreements.models import (
    Agreement,
    AgreementStatus,
    Forum,
    ForumKind,
    PriorityArea,
    Signatory,
)
from samverka.taxonomy.models import Category, TargetGroup
from samverka.testing import PersonaTestCase


def _state(agreement: Agreement) -> dict[str, object]:
    """Everything about an agreement a user would see change."""
    return {
        "fields": model_to_dict(agreement, exclude=["parties"]),
        "parties": sorted(agreement.parties.values_list("pk", flat=True)),
        "areas": list(agreement.priority_areas.values_list("pk", "title", "target_groups")),
        "forums": list(agreement.forums.values_list("pk", "name")),
        "signatories": list(agreement.signatories.values_list("pk", "name")),
        "revisions": list(agreement.revisions.values_list("pk", "number")),
        "duties": list(agreement.duties.values_list("pk", "kind", "year", "done_on")),
    }


class SuccessorTest(PersonaTestCase):
    def setUp(self) -> None:
        super().setUp()
        old = self.agreement
        old.title = "Samverkansöverenskommelse 2023–2026"
        old.starts_on, old.ends_on = dt.date(2023, 1, 1), dt.date(2026, 12, 31)
        old.purpose = "Att minska brottsligheten och öka tryggheten."
        old.vision = "Ett tryggt Oskarshamn."
        old.overall_goals = "Färre inbrott\nFler trygga unga"
        old.follow_up = "Uppföljning varje år i styrgruppen."
        old.extension_years = 1
        old.consultation_months = 6
        old.status = AgreementStatus.DRAFT
        services.save_agreement(old)
        services.sign(old, user=self.coordinator, made_on=dt.date(2023, 1, 10))
        area = PriorityArea.objects.create(
            agreement=old,
            title="Unga i riskzon",
            description="Tidiga insatser.",
            target_groups=[TargetGroup.CHILDREN_AND_YOUTH],
            position=1,
        )
        area.categories.set([Category.objects.current().get(code="traffic.speeding")])
        forum = Forum.objects.create(
            agreement=old,
            kind=ForumKind.STEERING_GROUP,
            name="Styrgrupp",
            coordinator=self.kommun,
            meeting_rule="minst två gånger per år",
            meetings_per_year=2,
        )
        forum.participants.set([self.kommun, self.lpo])
        Signatory.objects.create(agreement=old, name="Kommunchefen", title="Kommunchef")
        self.before = _state(old)

    def test_a_coordinator_drafts_the_next_agreement_and_the_old_one_is_untouched(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(reverse("agreements:successor", args=[self.agreement.pk]))
        new = Agreement.objects.exclude(pk__in=[self.agreement.pk, self.other_agreement.pk]).get()
        self.assertRedirects(response, new.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(new.title, "Samverkansöverenskommelse 2027–2030")
        self.assertEqual((new.starts_on, new.ends_on), (dt.date(2027, 1, 1), dt.date(2030, 12, 31)))
        self.assertEqual(new.status, AgreementStatus.DRAFT)
        for name in ("purpose", "vision", "overall_goals", "follow_up"):
            self.assertEqual(getattr(new, name), getattr(self.agreement, name), name)
        self.assertEqual((new.extension_years, new.consultation_months), (1, 6))
        self.assertEqual(set(new.parties.all()), {self.kommun, self.lpo})
        (area,) = new.priority_areas.all()
        self.assertEqual(
            (area.title, area.description, area.target_groups, area.position),
            ("Unga i riskzon", "Tidiga insatser.", ["children_youth"], 1),
        )
        self.assertEqual([c.code for c in area.categories.all()], ["traffic.speeding"])
        (forum,) = new.forums.all()
        self.assertEqual(
            (forum.name, forum.kind, forum.coordinator, forum.meetings_per_year),
            ("Styrgrupp", ForumKind.STEERING_GROUP, self.kommun, 2),
        )
        self.assertEqual(set(forum.participants.all()), {self.kommun, self.lpo})
        # Signatories and revisions are the new agreement's own; no duty is done yet.
        self.assertFalse(new.signatories.exists())
        self.assertFalse(new.revisions.exists())
        self.assertFalse(new.duties.filter(done_on__isnull=False).exists())
        self.agreement.refresh_from_db()
        self.assertEqual(_state(self.agreement), self.before)
        self.assertIsNone(self.agreement.replaced_by)
        # Once the new one is saved as replacing the old one, the old one is replaced.
        services.save_agreement(new, replaces=self.agreement)
        self.agreement.refresh_from_db()
        self.assertEqual(self.agreement.replaced_by, new)

    def test_only_a_coordinator_drafts_it(self) -> None:
        url = reverse("agreements:successor", args=[self.agreement.pk])
        self.assert_statuses(
            "post",
            url,
            {
                "coordinator": 302,
                "police": 403,
                "viewer": 403,
                "reporter": 404,
                "outsider": 404,
                "admin": 404,
                "anonymous": 302,
            },
        )

    def test_a_period_of_odd_length_keeps_its_days(self) -> None:
        self.agreement.starts_on = dt.date(2024, 3, 15)
        self.agreement.ends_on = dt.date(2025, 3, 20)
        self.assertEqual(
            services.next_period(self.agreement), (dt.date(2025, 3, 21), dt.date(2026, 3, 26))
        )
