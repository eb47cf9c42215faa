"""The steering group's decisions adopt things: a lägesbild, a plan's follow-up and a
medborgarlöfte name the meeting decision that made them (its reference filled in from it,
never dated before it); a follow-up is never approved before it was sent; and "Skicka
till styrgruppen" puts the follow-up on the group's next agenda and e-mails its parties'
coordinators."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samverka.accounts.models import User
from samverka.agreements.models import Forum, ForumKind
from samverka.meetings import services
from samverka.meetings.models import AgendaKind, Decision, Meeting
from samverka.plans import services as plans
from samverka.plans.models import ActionPlan
from samverka.promises import services as promises
from samverka.promises.models import Commitment, Giver, PromiseStatus
from samverka.situation import services as situation
from samverka.situation.models import SituationPicture, SourceChoice
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership
from samverka.testing import PersonaTestCase, make_user


class SteeringTestCase(PersonaTestCase):
    chief: ClassVar[User]
    steering: ClassVar[Forum]
    picture: ClassVar[SituationPicture]
    plan: ClassVar[ActionPlan]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.chief = make_user("chief@test.example", "Karin", title="Kommunpolis")
        Membership.objects.create(user=cls.chief, organization=cls.lpo, role=Role.COORDINATOR)
        cls.steering = Forum.objects.create(
            agreement=cls.agreement, kind=ForumKind.STEERING_GROUP, name="Lokala BRÅ"
        )
        cls.picture = cls.draft_picture()

    @classmethod
    def draft_picture(cls) -> SituationPicture:
        picture = situation.start_picture(
            cls.agreement,
            cls.kommun,
            cls.kommun,
            dt.date(2025, 1, 1),
            dt.date(2025, 12, 31),
            "Lägesbild 2025",
            cls.coordinator,
        )
        SourceChoice.objects.create(picture=picture, name="Polisens statistik", included=True)
        return picture

    def decide(self, on: dt.date, text: str, forum: Forum | None = None) -> Decision:
        meeting = services.plan_meeting(forum or self.steering, on, self.coordinator)
        return services.add_decision(meeting, text)


class AdoptionTests(SteeringTestCase):
    def test_the_decision_adopts_the_picture_and_fills_the_reference(self) -> None:
        decision = self.decide(dt.date(2026, 2, 10), "Lägesbilden 2025 fastställs")
        with self.assertRaises(ValidationError) as refused:
            situation.adopt(
                self.picture, dt.date(2026, 2, 9), "", self.coordinator, decision=decision.pk
            )
        self.assertIn("adopted_on", refused.exception.message_dict)
        situation.adopt(
            self.picture, dt.date(2026, 2, 10), "", self.coordinator, decision=decision.pk
        )
        self.picture.refresh_from_db()
        self.assertEqual(self.picture.decision_reference, "Lokala BRÅ 2026-02-10 § 1")
        decision.refresh_from_db()
        self.assertEqual(decision.adopts_picture, self.picture)
        page = self.client
        page.force_login(self.police)
        self.assertContains(page.get(decision.meeting.get_absolute_url()), "Lägesbild 2025")

    def test_the_adoption_form_offers_the_steering_groups_decisions_only(self) -> None:
        decision = self.decide(dt.date(2026, 2, 10), "Lägesbilden 2025 fastställs")
        friday = Forum.objects.create(
            agreement=self.agreement, kind=ForumKind.FRIDAY_MEETING, name="Fredagsmöte"
        )
        self.decide(dt.date(2026, 2, 6), "Fokus på stationen", forum=friday)
        self.client.force_login(self.coordinator)
        page = self.client.get(self.picture.get_absolute_url())
        self.assertContains(page, "Lägesbilden 2025 fastställs")
        self.assertNotContains(page, "Fokus på stationen")
        self.client.post(
            reverse("situation:adopt", args=[self.picture.pk]),
            {"adopted_on": "2026-02-10", "decision_reference": "", "decision": decision.pk},
        )
        self.picture.refresh_from_db()
        self.assertTrue(self.picture.is_adopted)
        self.assertEqual(self.picture.decision_reference, decision.reference)

    def test_another_agreements_decision_is_refused(self) -> None:
        other = Forum.objects.create(
            agreement=self.other_agreement, kind=ForumKind.STEERING_GROUP, name="BRÅ Lessebo"
        )
        decision = self.decide(dt.date(2026, 2, 10), "Beslut i Lessebo", forum=other)
        with self.assertRaises(ValidationError):
            situation.adopt(
                self.picture, dt.date(2026, 2, 10), "", self.coordinator, decision=decision.pk
            )
        self.assertFalse(SituationPicture.objects.get(pk=self.picture.pk).is_adopted)

    def test_the_decision_adopts_the_promise(self) -> None:
        situation.adopt(self.picture, dt.date(2026, 2, 10), "Styrgruppen §4", self.coordinator)
        today = timezone.localdate()
        promise = promises.start_promise(
            self.picture,
            "Medborgarlöfte 2027",
            dt.date(2027, 1, 1),
            dt.date(2027, 12, 31),
            self.coordinator,
        )
        promises.save_commitment(
            Commitment(promise=promise, giver=Giver.BOTH, text="Vi ska lysa upp Centrum."),
            self.coordinator,
        )
        promises.approve(promise, self.coordinator, today)
        promises.approve(promise, self.chief, today)
        decision = self.decide(today, "Medborgarlöftet 2027 antas")
        promises.adopt(promise, today, "", self.coordinator, decision=decision.pk)
        promise.refresh_from_db()
        self.assertEqual(promise.status, PromiseStatus.ADOPTED)
        self.assertEqual(promise.decision_reference, decision.reference)
        decision.refresh_from_db()
        self.assertEqual(decision.adopts_promise, promise)


class FollowUpTests(SteeringTestCase):
    plan: ClassVar[ActionPlan]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        situation.adopt(cls.picture, dt.date(2026, 2, 10), "Styrgruppen §4", cls.coordinator)
        cls.plan = plans.start_plan(
            cls.picture, "Åtgärdsplan", dt.date(2026, 1, 1), dt.date(2026, 12, 31), cls.coordinator
        )

    def test_an_approval_cannot_precede_the_sending(self) -> None:
        item = plans.create_follow_up(self.plan, dt.date(2026, 11, 1), "")
        plans.send_follow_up(item, dt.date(2026, 11, 16))
        with self.assertRaises(ValidationError) as refused:
            plans.approve_follow_up(item, dt.date(2026, 11, 15), "Styrgruppen §2")
        self.assertIn("approved_on", refused.exception.message_dict)
        item.refresh_from_db()
        self.assertTrue(item.is_sent)
        plans.approve_follow_up(item, dt.date(2026, 11, 16), "Styrgruppen §2")
        self.assertTrue(item.is_approved)

    def test_send_to_the_steering_group_puts_it_on_the_next_agenda_and_tells_its_coordinators(
        self,
    ) -> None:
        item = plans.create_follow_up(self.plan, dt.date(2026, 11, 1), "")
        self.client.force_login(self.coordinator)
        url = reverse("plans:follow_up_send", args=[self.plan.pk, item.pk])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url)
        self.assertEqual(response.status_code, 302)
        meeting = Meeting.objects.get(forum=self.steering)
        self.assertGreater(meeting.held_on, timezone.localdate())  # a draft next meeting
        referral = meeting.agenda.get(kind=AgendaKind.REFERRAL)
        self.assertIn("Åtgärdsplan", referral.title)
        self.assertTrue(
            referral.url.endswith(reverse("plans:follow_up", args=[self.plan.pk, item.pk]))
        )
        # The police coordinator is told; the sender is not.
        self.assertEqual([m.to for m in mail.outbox], [[self.chief.email]])
        self.assertIn("Åtgärdsplan", mail.outbox[0].subject)
        self.assertIn(meeting.get_absolute_url(), mail.outbox[0].body)
        # A second item goes on the same next meeting.
        other = plans.create_follow_up(self.plan, dt.date(2026, 11, 2), "")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("plans:follow_up_send", args=[self.plan.pk, other.pk]))
        self.assertEqual(Meeting.objects.filter(forum=self.steering).count(), 1)
        self.assertEqual(meeting.agenda.filter(kind=AgendaKind.REFERRAL).count(), 2)

    def test_the_approval_form_takes_the_decision_and_its_reference(self) -> None:
        item = plans.create_follow_up(self.plan, dt.date(2026, 11, 1), "")
        today = timezone.localdate()
        plans.send_follow_up(item, today)
        decision = self.decide(today, "Uppföljningen godkänns")
        self.client.force_login(self.coordinator)
        url = reverse("plans:follow_up", args=[self.plan.pk, item.pk])
        page = self.client.get(url)
        self.assertContains(page, "Uppföljningen godkänns")
        self.client.post(url, {"approved_on": today.isoformat(), "decision": decision.pk})
        item.refresh_from_db()
        self.assertEqual((item.is_approved, item.decision_reference), (True, decision.reference))
        decision.refresh_from_db()
        self.assertEqual(decision.approves_follow_up, item)
