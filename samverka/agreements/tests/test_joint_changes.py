"""Joint things change jointly (issue 12, failure 4 and point 3): the parties, period and
signed text of a joint agreement change only when a coordinator of every party has
accepted; members cannot; what a party would lose or gain is listed first."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from samverka.accounts.models import User
from samverka.agreements import joint
from samverka.agreements.models import (
    Agreement,
    AgreementStatus,
    ChangeProposal,
    ProposalAnswer,
    ProposalStatus,
)
from samverka.audit.models import AuditEntry
from samverka.organizations.models import County, Organization
from samverka.plans.models import ActionPlan
from samverka.situation.models import SituationPicture
from samverka.sources.models import Dataset, DatasetStatus, SourceKind
from samverka.tenancy.access import Role, Visibility
from samverka.tenancy.models import Membership
from samverka.testing import PersonaTestCase, make_kommun, make_lpo, make_user

LOGIN = 302


def url(name: str, **kwargs: object) -> str:
    return reverse(f"agreements:{name}", kwargs=kwargs)


class JointChangeTestCase(PersonaTestCase):
    kommun_member: ClassVar[User]
    police_coordinator: ClassVar[User]
    outsider_coordinator: ClassVar[User]
    karlshamn: ClassVar[Organization]
    karlshamn_coordinator: ClassVar[User]
    picture: ClassVar[SituationPicture]
    plan: ClassVar[ActionPlan]
    police_data: ClassVar[Dataset]
    kommun_internal: ClassVar[Dataset]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.kommun_member = make_user("member@test.example", "Maja")
        Membership.objects.create(user=cls.kommun_member, organization=cls.kommun, role=Role.MEMBER)
        cls.police_coordinator = make_user("lpo-coordinator@test.example", "Lars")
        Membership.objects.create(
            user=cls.police_coordinator, organization=cls.lpo, role=Role.COORDINATOR
        )
        cls.outsider_coordinator = make_user("lessebo-coordinator@test.example", "Lena")
        Membership.objects.create(
            user=cls.outsider_coordinator, organization=cls.other_kommun, role=Role.COORDINATOR
        )
        blekinge = County.objects.create(code="10", name="Blekinge län")
        karlshamn_kommun = make_kommun("Karlshamn", "1082", blekinge)
        cls.karlshamn = make_lpo("Karlshamn", [karlshamn_kommun], county=blekinge)
        cls.karlshamn_coordinator = make_user("karlshamn@test.example", "Kalle")
        Membership.objects.create(
            user=cls.karlshamn_coordinator, organization=cls.karlshamn, role=Role.COORDINATOR
        )
        year = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
        cls.picture = SituationPicture.objects.create(
            owner=cls.kommun,
            agreement=cls.agreement,
            visibility=Visibility.SHARED,
            kommun=cls.kommun,
            period_start=year[0],
            period_end=year[1],
            title="Lägesbild Oskarshamn 2025",
        )
        cls.plan = ActionPlan.objects.create(
            owner=cls.kommun,
            agreement=cls.agreement,
            visibility=Visibility.SHARED,
            kommun=cls.kommun,
            period_start=year[0],
            period_end=year[1],
            title="Åtgärdsplan Oskarshamn 2026",
            situation_picture=cls.picture,
        )
        cls.police_data = Dataset.objects.create(
            kind=SourceKind.EVENT_TABLE,
            title="LPO Västerviks händelser i Oskarshamn",
            owner=cls.lpo,
            agreement=cls.agreement,
            visibility=Visibility.SHARED,
            status=DatasetStatus.DONE,
        )
        cls.kommun_internal = Dataset.objects.create(
            kind=SourceKind.EST,
            title="Kommunens interna EST",
            owner=cls.kommun,
            agreement=cls.agreement,
            visibility=Visibility.INTERNAL,
            status=DatasetStatus.DONE,
        )

    def form_data(self, **changes: Any) -> dict[str, Any]:
        agreement = self.agreement
        data = {
            "title": agreement.title,
            "kommuner": [self.kommun.pk],
            "police": self.lpo.pk,
            "starts_on": agreement.starts_on.isoformat(),
            "ends_on": agreement.ends_on.isoformat(),
        }
        data.update(changes)
        return data

    def parties(self) -> set[int]:
        return set(Agreement.objects.get(pk=self.agreement.pk).parties.values_list("pk", flat=True))

    def reads(self, user: User) -> dict[str, bool]:
        """What ``user`` may read of the agreement's content, through the access policy."""
        return {
            "picture": SituationPicture.objects.visible_to(user)
            .filter(pk=self.picture.pk)
            .exists(),
            "plan": ActionPlan.objects.visible_to(user).filter(pk=self.plan.pk).exists(),
            "dataset": Dataset.objects.visible_to(user).filter(pk=self.police_data.pk).exists(),
            "agreement": Agreement.objects.visible_to(user).filter(pk=self.agreement.pk).exists(),
        }

    def propose_karlshamn(self) -> ChangeProposal:
        self.client.force_login(self.coordinator)
        response = self.client.post(
            url("edit", pk=self.agreement.pk),
            self.form_data(police=self.karlshamn.pk, reason="Ny indelning av lokalpolisområden."),
        )
        proposal = ChangeProposal.objects.get(agreement=self.agreement)
        self.assertRedirects(response, proposal.get_absolute_url())
        return proposal


class TheAttackTest(JointChangeTestCase):
    def test_a_member_cannot_replace_the_police_party(self) -> None:
        before = self.parties()
        self.client.force_login(self.kommun_member)
        response = self.client.post(
            url("edit", pk=self.agreement.pk), self.form_data(police=self.karlshamn.pk)
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.parties(), before)
        self.assertFalse(ChangeProposal.objects.exists())
        self.assertFalse(any(self.reads(self.karlshamn_coordinator).values()))
        self.assertTrue(all(self.reads(self.police_coordinator).values()))
        self.client.force_login(self.karlshamn_coordinator)
        self.assertEqual(
            self.client.get(reverse("situation:detail", args=[self.picture.pk])).status_code, 404
        )

    def test_a_coordinators_change_of_the_police_party_waits_for_the_police(self) -> None:
        before = self.parties()
        proposal = self.propose_karlshamn()
        self.assertEqual(proposal.status, ProposalStatus.PENDING)
        self.assertEqual(self.parties(), before)
        self.assertFalse(any(self.reads(self.karlshamn_coordinator).values()))
        self.assertTrue(all(self.reads(self.police_coordinator).values()))
        self.assertEqual(
            set(proposal.asked.values_list("pk", flat=True)),
            {self.kommun.pk, self.lpo.pk, self.karlshamn.pk},
        )
        # Asked again while the proposal waits: the edit page leads to it, nothing new.
        response = self.client.get(url("edit", pk=self.agreement.pk))
        self.assertRedirects(response, proposal.get_absolute_url())
        self.assertEqual(ChangeProposal.objects.count(), 1)

    def test_after_every_party_accepts_access_moves(self) -> None:
        proposal = self.propose_karlshamn()
        self.client.force_login(self.police_coordinator)
        response = self.client.post(
            url("proposal_answer", pk=self.agreement.pk, proposal_pk=proposal.pk),
            {"answer": "accept"},
        )
        self.assertEqual(response.status_code, 302)
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, ProposalStatus.PENDING)  # Karlshamn is still asked
        self.assertIn(self.lpo.pk, self.parties())
        self.client.force_login(self.karlshamn_coordinator)
        page = self.client.get(proposal.get_absolute_url())
        self.assertContains(page, "Godta ändringen")
        self.client.post(
            url("proposal_answer", pk=self.agreement.pk, proposal_pk=proposal.pk),
            {"answer": "accept"},
        )
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, ProposalStatus.APPLIED)
        self.assertEqual(self.parties(), {self.kommun.pk, self.karlshamn.pk})
        self.assertEqual(
            self.reads(self.karlshamn_coordinator),
            {"picture": True, "plan": True, "dataset": True, "agreement": True},
        )
        # LPO Västervik keeps its own dataset only.
        self.assertEqual(
            self.reads(self.police_coordinator),
            {"picture": False, "plan": False, "dataset": True, "agreement": False},
        )
        self.client.force_login(self.police_coordinator)
        self.assertEqual(
            self.client.get(reverse("situation:detail", args=[self.picture.pk])).status_code, 404
        )
        # A version of the signed agreement is kept, and the change is in the audit trail.
        revision = self.agreement.revisions.get()
        self.assertIn("LPO Karlshamn", revision.snapshot["parties"])
        self.assertTrue(
            AuditEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Agreement),
                object_pk=str(self.agreement.pk),
                changes__has_key="parties",
            ).exists()
        )

    def test_the_leaving_party_keeps_what_it_makes_internal_before_accepting(self) -> None:
        proposal = self.propose_karlshamn()
        Dataset.objects.filter(pk=self.police_data.pk).update(visibility=Visibility.INTERNAL)
        gains = {c.party: c.gains for c in joint.access_changes(proposal)}[self.karlshamn]
        self.assertFalse(any("LPO Västerviks händelser" in item for item in gains))
        for user in (self.police_coordinator, self.karlshamn_coordinator):
            joint.answer(proposal, user, accept=True)
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, ProposalStatus.APPLIED)
        self.assertFalse(self.reads(self.karlshamn_coordinator)["dataset"])
        self.assertTrue(self.reads(self.police_coordinator)["dataset"])

    def test_a_rejection_leaves_everything_as_it_was(self) -> None:
        before = self.parties()
        proposal = self.propose_karlshamn()
        self.client.force_login(self.police_coordinator)
        response = self.client.post(
            url("proposal_answer", pk=self.agreement.pk, proposal_pk=proposal.pk),
            {"answer": "reject"},
        )
        self.assertRedirects(response, proposal.get_absolute_url())
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, ProposalStatus.REJECTED)
        self.assertEqual(self.parties(), before)
        self.assertFalse(any(self.reads(self.karlshamn_coordinator).values()))
        self.assertTrue(all(self.reads(self.police_coordinator).values()))
        # Karlshamn's acceptance can no longer apply it.
        self.client.force_login(self.karlshamn_coordinator)
        response = self.client.post(
            url("proposal_answer", pk=self.agreement.pk, proposal_pk=proposal.pk),
            {"answer": "accept"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.parties(), before)
        self.assertFalse(self.agreement.revisions.exists())

    def test_the_proposal_lists_what_the_leaving_party_loses_and_the_joining_one_gains(
        self,
    ) -> None:
        proposal = self.propose_karlshamn()
        self.client.force_login(self.police_coordinator)
        page = self.client.get(proposal.get_absolute_url()).content.decode()
        self.assertIn("LPO Västervik förlorar åtkomst till:", page)
        self.assertIn("LPO Karlshamn får åtkomst till:", page)
        changes = {change.party: change for change in joint.access_changes(proposal)}
        loses = changes[self.lpo].loses
        gains = changes[self.karlshamn].gains
        self.assertEqual(changes[self.lpo].gains, [])
        self.assertIn("lägesbild “Lägesbild Oskarshamn 2025”", loses)
        self.assertIn("åtgärdsplan “Åtgärdsplan Oskarshamn 2026”", loses)
        self.assertFalse(any("LPO Västerviks händelser" in item for item in loses))  # its own
        self.assertIn("datamängd “LPO Västerviks händelser i Oskarshamn”", gains)
        self.assertIn("lägesbild “Lägesbild Oskarshamn 2025”", gains)
        self.assertTrue(any("Samverkansavtal Oskarshamn" in item for item in gains))
        for item in loses:
            self.assertIn(item, page)
        # The party that would join answers without reading the agreement's content first.
        self.client.force_login(self.karlshamn_coordinator)
        page = self.client.get(proposal.get_absolute_url()).content.decode()
        self.assertIn("Godta ändringen", page)
        self.assertNotIn("Lägesbild Oskarshamn 2025", page)
        self.assertNotIn("Åtgärdsplan Oskarshamn 2026", page)
        for listed in (loses, gains):
            self.assertFalse(any("Kommunens interna EST" in item for item in listed))
        self.assertNotIn("Kommunens interna EST", page)


class SignedTextTest(JointChangeTestCase):
    def test_a_change_of_the_text_or_period_of_a_signed_agreement_is_a_proposal(self) -> None:
        self.client.force_login(self.coordinator)
        new_end = self.agreement.ends_on + dt.timedelta(days=365)
        self.client.post(
            url("edit", pk=self.agreement.pk),
            self.form_data(vision="Oskarshamn ska vara tryggt.", ends_on=new_end.isoformat()),
        )
        agreement = Agreement.objects.get(pk=self.agreement.pk)
        self.assertEqual(agreement.vision, "")
        self.assertEqual(agreement.ends_on, self.agreement.ends_on)
        proposal = ChangeProposal.objects.get()
        self.client.force_login(self.police_coordinator)
        page = self.client.get(proposal.get_absolute_url())
        self.assertContains(page, "Oskarshamn ska vara tryggt.")
        self.assertNotContains(page, "förlorar åtkomst")
        self.client.post(
            url("proposal_answer", pk=self.agreement.pk, proposal_pk=proposal.pk),
            {"answer": "accept"},
        )
        agreement.refresh_from_db()
        self.assertEqual(agreement.vision, "Oskarshamn ska vara tryggt.")
        self.assertEqual(agreement.ends_on, new_end)

    def test_a_proposal_that_changes_nothing_is_refused(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.client.post(url("edit", pk=self.agreement.pk), self.form_data())
        self.assertContains(response, "Förslaget ändrar ingenting")
        self.assertFalse(ChangeProposal.objects.exists())

    def test_the_police_coordinator_is_told_on_the_start_page(self) -> None:
        proposal = self.propose_karlshamn()
        for user, told in (
            (self.police_coordinator, True),
            (self.karlshamn_coordinator, True),
            (self.coordinator, False),  # its party proposed
            (self.police, False),  # a member does not answer
        ):
            with self.subTest(user=user.email):
                self.client.force_login(user)
                home = self.client.get("/")
                if told:
                    self.assertContains(home, proposal.get_absolute_url())
                else:
                    self.assertNotContains(home, proposal.get_absolute_url())

    def test_a_stale_proposal_is_not_applied_over_a_later_change(self) -> None:
        proposal = self.propose_karlshamn()
        Agreement.objects.filter(pk=self.agreement.pk).update(title="Ändrad av administratören")
        self.client.force_login(self.police_coordinator)
        self.client.post(
            url("proposal_answer", pk=self.agreement.pk, proposal_pk=proposal.pk),
            {"answer": "accept"},
        )
        self.client.force_login(self.karlshamn_coordinator)
        response = self.client.post(
            url("proposal_answer", pk=self.agreement.pk, proposal_pk=proposal.pk),
            {"answer": "accept"},
            follow=True,
        )
        self.assertContains(response, "har ändrats sedan förslaget")
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, ProposalStatus.PENDING)
        self.assertIn(self.lpo.pk, self.parties())


class DraftTest(JointChangeTestCase):
    """A draft nobody signed, with coordinators in one party only, is not joint yet."""

    def make_draft(self) -> Agreement:
        Membership.objects.filter(user=self.police_coordinator).delete()
        Agreement.objects.filter(pk=self.agreement.pk).update(status=AgreementStatus.DRAFT)
        return Agreement.objects.get(pk=self.agreement.pk)

    def test_its_coordinator_edits_it_directly(self) -> None:
        draft = self.make_draft()
        self.assertFalse(joint.is_joint(draft))
        self.client.force_login(self.coordinator)
        response = self.client.post(
            url("edit", pk=draft.pk), self.form_data(police=self.karlshamn.pk)
        )
        self.assertRedirects(response, draft.get_absolute_url())
        self.assertEqual(self.parties(), {self.kommun.pk, self.karlshamn.pk})
        self.assertFalse(ChangeProposal.objects.exists())

    def test_its_members_cannot(self) -> None:
        draft = self.make_draft()
        self.client.force_login(self.kommun_member)
        response = self.client.post(
            url("edit", pk=draft.pk), self.form_data(police=self.karlshamn.pk)
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.parties(), {self.kommun.pk, self.lpo.pk})

    def test_a_draft_with_coordinators_in_two_parties_is_joint(self) -> None:
        Agreement.objects.filter(pk=self.agreement.pk).update(status=AgreementStatus.DRAFT)
        draft = Agreement.objects.get(pk=self.agreement.pk)
        self.assertTrue(joint.is_joint(draft))
        self.client.force_login(self.coordinator)
        self.client.post(url("edit", pk=draft.pk), self.form_data(police=self.karlshamn.pk))
        self.assertEqual(self.parties(), {self.kommun.pk, self.lpo.pk})
        self.assertEqual(ChangeProposal.objects.get().status, ProposalStatus.PENDING)


class PersonaDenialTest(JointChangeTestCase):
    """Each new URL for every persona; a refused request changes nothing."""

    def statuses(
        self,
        method: str,
        target: str,
        expected: dict[str, int],
        unchanged: Any = None,
        **data: Any,
    ) -> None:
        """Request ``target`` as each persona; after each refused request (any status but
        200 and 302), ``unchanged()`` must still hold."""
        users = {
            "kommun coordinator": self.coordinator,
            "kommun member": self.kommun_member,
            "viewer": self.viewer,
            "reporter": self.reporter,
            "police member": self.police,
            "police coordinator": self.police_coordinator,
            "outsider": self.outsider,
            "outsider coordinator": self.outsider_coordinator,
            "admin": self.admin,
            "anonymous": None,
        }
        self.assertEqual(set(expected), set(users))
        for name, status in expected.items():
            with self.subTest(persona=name):
                self.client.logout()
                if users[name] is not None:
                    self.client.force_login(users[name])
                response = getattr(self.client, method)(target, data)
                self.assertEqual(response.status_code, status, f"{name} {method} {target}")
                if unchanged is not None and (status not in (200, 302) or name == "anonymous"):
                    unchanged()

    def snapshot(self, proposal: ChangeProposal) -> tuple[Any, ...]:
        proposal.refresh_from_db()
        return (
            proposal.status,
            sorted(ProposalAnswer.objects.values_list("party", "accepted")),
            self.parties(),
        )

    def test_the_proposal_page(self) -> None:
        proposal = self.propose_karlshamn()
        self.statuses(
            "get",
            proposal.get_absolute_url(),
            {
                "kommun coordinator": 200,
                "kommun member": 200,
                "viewer": 200,
                "reporter": 404,
                "police member": 200,
                "police coordinator": 200,
                "outsider": 404,
                "outsider coordinator": 404,
                "admin": 404,
                "anonymous": LOGIN,
            },
        )
        # The joining party's coordinator reads it too, to answer it.
        self.client.force_login(self.karlshamn_coordinator)
        self.assertEqual(self.client.get(proposal.get_absolute_url()).status_code, 200)

    def test_answering(self) -> None:
        proposal = self.propose_karlshamn()
        before = self.snapshot(proposal)
        target = url("proposal_answer", pk=self.agreement.pk, proposal_pk=proposal.pk)
        expected = {
            "kommun coordinator": 403,  # its party answered by proposing
            "kommun member": 403,
            "viewer": 403,
            "reporter": 404,
            "police member": 403,
            "outsider": 404,
            "outsider coordinator": 404,
            "admin": 404,
            "anonymous": LOGIN,
            "police coordinator": 302,  # last: it accepts
        }
        self.statuses(
            "post",
            target,
            expected,
            unchanged=lambda: self.assertEqual(self.snapshot(proposal), before),
            answer="accept",
        )
        proposal.refresh_from_db()
        self.assertEqual(
            set(proposal.answers.values_list("party", "accepted")),
            {(self.kommun.pk, True), (self.lpo.pk, True)},
        )

    def test_withdrawing(self) -> None:
        proposal = self.propose_karlshamn()
        before = self.snapshot(proposal)
        target = url("proposal_withdraw", pk=self.agreement.pk, proposal_pk=proposal.pk)
        self.statuses(
            "post",
            target,
            {
                "kommun member": 403,
                "viewer": 403,
                "reporter": 404,
                "police member": 403,
                "police coordinator": 403,  # it rejects instead
                "outsider": 404,
                "outsider coordinator": 404,
                "admin": 404,
                "anonymous": LOGIN,
                "kommun coordinator": 302,  # last: its party proposed, so it withdraws
            },
            unchanged=lambda: self.assertEqual(self.snapshot(proposal), before),
        )
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, ProposalStatus.WITHDRAWN)
        self.assertEqual(self.parties(), {self.kommun.pk, self.lpo.pk})

    def test_the_edit_page(self) -> None:
        before = self.parties()
        target = url("edit", pk=self.agreement.pk)
        self.statuses(
            "post",
            target,
            {
                "kommun coordinator": 302,  # a proposal, checked below
                "kommun member": 403,
                "viewer": 403,
                "reporter": 404,
                "police member": 403,
                "police coordinator": 302,  # the edit page leads to the waiting proposal
                "outsider": 404,
                "outsider coordinator": 404,
                "admin": 404,
                "anonymous": LOGIN,
            },
            **self.form_data(police=self.karlshamn.pk),
        )
        self.assertEqual(self.parties(), before)
        self.assertEqual(ChangeProposal.objects.get().status, ProposalStatus.PENDING)


class ProposalEmailTest(JointChangeTestCase):
    """The coordinators asked are told by e-mail; nobody has to find the proposal."""

    def test_every_asked_party_that_has_not_answered_is_emailed(self) -> None:
        from django.core import mail

        with self.captureOnCommitCallbacks(execute=True):
            proposal = self.propose_karlshamn()
        recipients = sorted(address for message in mail.outbox for address in message.to)
        self.assertEqual(recipients, ["karlshamn@test.example", "lpo-coordinator@test.example"])
        message = mail.outbox[0]
        self.assertIn("Ditt svar behövs", message.subject)
        self.assertIn(f"http://testserver{proposal.get_absolute_url()}", message.body)
        self.assertIn("Ny indelning av lokalpolisområden.", message.body)
        # Neither the proposer nor an outsider is written to.
        self.assertNotIn(self.coordinator.email, recipients)
        self.assertNotIn(self.outsider_coordinator.email, recipients)

    def test_the_parties_are_told_when_it_applies(self) -> None:
        from django.core import mail

        proposal = self.propose_karlshamn()
        joint.answer(proposal, self.police_coordinator, accept=True)
        self.client.force_login(self.karlshamn_coordinator)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                url("proposal_answer", pk=self.agreement.pk, proposal_pk=proposal.pk),
                {"answer": "accept"},
            )
        recipients = sorted(address for message in mail.outbox for address in message.to)
        self.assertIn(self.coordinator.email, recipients)
        self.assertNotIn(self.karlshamn_coordinator.email, recipients)  # who answered last
        self.assertIn("gäller nu", mail.outbox[0].subject)
