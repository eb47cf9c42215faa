"""The communication plan, as its users meet it: each party plans its own activities,
external information is approved by both parties' coordinators before it is sent (a
change clears the approvals), the activities are on the årshjul and the plan's timeline,
and a draft press release on an adopted promise comes as Word."""

from __future__ import annotations

import datetime as dt
import io
from typing import ClassVar

import docx
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samverka.accounts.models import User
from samverka.audit.models import AuditEntry
from samverka.communication import services
from samverka.communication.models import Activity, ActivityStatus, Channel
from samverka.plans import services as plans
from samverka.plans.models import ActionPlan, Measure
from samverka.promises import services as promises
from samverka.promises.models import CitizenPromise, Commitment, Giver
from samverka.situation import services as situation
from samverka.situation.models import Problem, SourceChoice
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership
from samverka.testing import PersonaTestCase, make_user

YEAR = timezone.localdate().year


class CommunicationTestCase(PersonaTestCase):
    chief: ClassVar[User]
    problem: ClassVar[Problem]
    measure: ClassVar[Measure]
    plan: ClassVar[ActionPlan]
    promise: ClassVar[CitizenPromise]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.chief = make_user("chief@test.example", "Karin", title="Kommunpolis")
        Membership.objects.create(user=cls.chief, organization=cls.lpo, role=Role.COORDINATOR)
        picture = situation.start_picture(
            cls.agreement,
            cls.kommun,
            cls.kommun,
            dt.date(YEAR - 1, 1, 1),
            dt.date(YEAR - 1, 12, 31),
            "Lägesbild",
            cls.coordinator,
        )
        SourceChoice.objects.create(picture=picture, name="Polisens statistik", included=True)
        cls.problem = Problem.objects.create(picture=picture, title="Bostadsinbrott")
        situation.adopt(picture, dt.date(YEAR, 1, 10), "Styrgruppen §4", cls.coordinator)
        cls.plan = plans.start_plan(
            picture, "Åtgärdsplan", dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), cls.coordinator
        )
        cls.measure = Measure.objects.create(
            plan=cls.plan,
            title="Bättre belysning i Centrum",
            responsible=cls.kommun,
            starts_on=dt.date(YEAR, 1, 1),
            ends_on=dt.date(YEAR, 6, 30),
        )
        promise = promises.start_promise(
            picture, "Medborgarlöfte", dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), cls.coordinator
        )
        promise.background = "Bostadsinbrotten i Centrum har ökat."
        promises.save_promise(promise)
        for giver, text, by in (
            (Giver.POLICE, "Polisen ska vara synlig i Centrum kvällstid.", cls.police),
            (Giver.KOMMUN, "Kommunen ska laga belysningen vid stationen.", cls.coordinator),
            (Giver.BOTH, "Vi ska hålla fyra trygghetsvandringar.", cls.coordinator),
        ):
            promises.save_commitment(Commitment(promise=promise, giver=giver, text=text), by)
        cls.promise = promise

    def activity(self, by: User | None = None, **fields: object) -> Activity:
        values: dict[str, object] = {
            "message": "Medborgarlöftet är antaget",
            "target_group": "Boende i Centrum",
            "channel": Channel.PRESS_RELEASE,
            "external": True,
            "joint": True,
            "month": 3,
        }
        values.update(fields)
        return services.add_activity(
            self.agreement, YEAR, Activity(**values), by or self.coordinator
        )

    def adopt_promise(self) -> None:
        promises.approve(self.promise, self.coordinator)
        promises.approve(self.promise, self.chief)
        self.promise.refresh_from_db()
        promises.adopt(self.promise, timezone.localdate(), "Styrgruppen §5", self.coordinator)


class ApprovalTests(CommunicationTestCase):
    def test_external_information_is_sent_only_after_both_parties_approve(self) -> None:
        activity = self.activity()
        with self.assertRaisesMessage(ValidationError, "Västervik"):
            services.mark_sent(activity)
        services.approve(activity, self.coordinator)
        with self.assertRaises(ValidationError):
            services.mark_sent(activity)
        services.approve(activity, self.chief)
        services.mark_sent(activity)
        activity.refresh_from_db()
        self.assertEqual(activity.status, ActivityStatus.SENT)
        self.assertEqual(activity.sent_on, timezone.localdate())

    def test_a_change_after_an_approval_clears_the_approvals(self) -> None:
        activity = self.activity()
        services.approve(activity, self.coordinator)
        services.approve(activity, self.chief)
        activity.message = "Medborgarlöftet är antaget – nu med datum"
        services.save_activity(activity, self.coordinator)
        self.assertFalse(activity.approvals.exists())
        with self.assertRaises(ValidationError):
            services.mark_sent(activity)

    def test_a_change_through_the_page_clears_the_approvals(self) -> None:
        activity = self.activity()
        services.approve(activity, self.coordinator)
        self.client.force_login(self.police)
        url = reverse("communication:activity_edit", args=[activity.pk])
        page = self.client.get(url)
        self.assertContains(page, "godkänner på nytt")
        data = {
            "message": "Nytt budskap",
            "target_group": "Lokala medier",
            "channel": Channel.PRESS_RELEASE,
            "external": "on",
            "joint": "on",
            "month": "4",
        }
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        activity.refresh_from_db()
        self.assertEqual(activity.message, "Nytt budskap")
        self.assertFalse(activity.approvals.exists())

    def test_the_approvals_and_the_sending_are_in_the_audit_trail(self) -> None:
        activity = self.activity()
        services.approve(activity, self.coordinator)
        services.approve(activity, self.chief)
        services.mark_sent(activity)
        entries = AuditEntry.objects.filter(agreement=self.agreement)
        approvals = entries.filter(content_type__model="activityapproval")
        self.assertEqual(approvals.count(), 2)
        sent = entries.filter(content_type__model="activity", object_pk=str(activity.pk))
        self.assertTrue(any(e.changes.get("status") for e in sent if e.action == "update"))

    def test_a_party_approves_once_and_only_its_coordinator(self) -> None:
        activity = self.activity()
        with self.assertRaises(ValidationError):  # a member, not a coordinator
            services.approve(activity, self.police)
        services.approve(activity, self.coordinator)
        with self.assertRaises(ValidationError):
            services.approve(activity, self.coordinator)

    def test_internal_information_of_one_party_is_sent_without_approvals(self) -> None:
        activity = self.activity(
            external=False, joint=False, party=self.kommun, channel=Channel.MEETING
        )
        services.mark_sent(activity)
        activity.refresh_from_db()
        self.assertTrue(activity.is_sent)

    def test_a_press_release_is_external_information_whatever_the_box_says(self) -> None:
        self.client.force_login(self.coordinator)
        url = reverse("communication:activity_add", args=[self.agreement.pk, YEAR])
        data = {
            "message": "Pressmeddelande om löftet",
            "target_group": "Lokala medier",
            "channel": Channel.PRESS_RELEASE,
            "party": str(self.kommun.pk),
            "on": f"{YEAR}-03-15",
        }
        self.assertEqual(self.client.post(url, data).status_code, 302)
        activity = Activity.objects.get()
        self.assertTrue(activity.external)
        self.assertEqual(services.missing_approvals(activity), [self.kommun, self.lpo])
        page = self.client.post(reverse("communication:activity_sent", args=[activity.pk]))
        self.assertEqual(page.status_code, 302)
        activity.refresh_from_db()
        self.assertFalse(activity.is_sent)


class OwnershipTests(CommunicationTestCase):
    def test_a_party_writes_only_its_own_activities(self) -> None:
        police_activity = self.activity(
            by=self.police, joint=False, party=self.lpo, external=False, channel=Channel.MEETING
        )
        police_activity.message = "Kommunen skriver om polisens aktivitet"
        with self.assertRaises(ValidationError):
            services.save_activity(police_activity, self.coordinator)
        self.client.force_login(self.coordinator)
        url = reverse("communication:activity_edit", args=[police_activity.pk])
        self.assertEqual(self.client.get(url).status_code, 403)
        self.client.force_login(self.police)
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_both_parties_write_a_joint_activity(self) -> None:
        activity = self.activity()
        self.assertEqual(set(activity.parties.all()), {self.kommun, self.lpo})
        for user in (self.coordinator, self.police):
            self.client.force_login(user)
            url = reverse("communication:activity_edit", args=[activity.pk])
            self.assertEqual(self.client.get(url).status_code, 200)

    def test_another_kommun_sees_nothing(self) -> None:
        self.activity(message="Hemligt budskap om Centrum")
        self.client.force_login(self.outsider)
        url = reverse("communication:plan", args=[self.agreement.pk, YEAR])
        self.assertEqual(self.client.get(url).status_code, 404)
        index = self.client.get(reverse("communication:index"))
        self.assertNotContains(index, "Samverkansavtal Oskarshamn")
        wheel = self.client.get(reverse("agreements:cycle_all") + f"?ar={YEAR}")
        self.assertNotContains(wheel, "Hemligt budskap")

    def test_the_date_must_be_in_the_plans_year(self) -> None:
        with self.assertRaisesMessage(ValidationError, str(YEAR)):
            self.activity(on=dt.date(YEAR + 1, 2, 1), month=None)


class PagesTests(CommunicationTestCase):
    def test_the_plan_lists_the_activities_with_their_links_and_approvals(self) -> None:
        self.activity(promise=self.promise, problem=self.problem, measure=self.measure)
        self.client.force_login(self.chief)
        page = self.client.get(reverse("communication:plan", args=[self.agreement.pk, YEAR]))
        self.assertContains(page, "Medborgarlöftet är antaget")
        self.assertContains(page, "Pressmeddelande")
        self.assertContains(page, "Bättre belysning i Centrum")
        self.assertContains(page, "Bostadsinbrott")
        self.assertContains(page, "Godkänn för min part")
        self.assertNotContains(page, "Markera som skickad")

    def test_the_agreement_page_links_to_the_communication_plan(self) -> None:
        self.client.force_login(self.viewer)
        page = self.client.get(reverse("agreements:detail", args=[self.agreement.pk]))
        self.assertContains(page, reverse("communication:plan", args=[self.agreement.pk, YEAR]))

    def test_the_activities_are_on_the_arshjul_and_the_plans_timeline(self) -> None:
        self.activity(on=dt.date(YEAR, 3, 14), month=None, message="Löftet i lokalpressen")
        self.client.force_login(self.viewer)
        wheel = self.client.get(
            reverse("agreements:cycle", args=[self.agreement.pk]) + f"?ar={YEAR}"
        )
        self.assertContains(wheel, "Löftet i lokalpressen")
        self.assertContains(wheel, f"{YEAR}-03-14")
        timeline = self.client.get(reverse("plans:timeline", args=[self.plan.pk]))
        self.assertContains(timeline, "Löftet i lokalpressen")


class PressReleaseTests(CommunicationTestCase):
    def test_the_draft_press_release_holds_the_commitments_by_giver(self) -> None:
        self.adopt_promise()
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("communication:press_release", args=[self.promise.pk]))
        self.assertEqual(response.status_code, 200)
        document = docx.Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in document.paragraphs)
        self.assertIn("Polisen ska vara synlig i Centrum kvällstid.", text)
        self.assertIn("Kommunen ska laga belysningen vid stationen.", text)
        self.assertIn("Vi ska hålla fyra trygghetsvandringar.", text)
        self.assertIn("Bostadsinbrotten i Centrum har ökat.", text)
        self.assertIn("[namn, titel]", text)
        self.assertNotIn("Cora", text)  # no person's name, only placeholders

    def test_no_press_release_on_a_promise_not_adopted_nor_for_another_kommun(self) -> None:
        url = reverse("communication:press_release", args=[self.promise.pk])
        self.client.force_login(self.coordinator)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.adopt_promise()
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)
