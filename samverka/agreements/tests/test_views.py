"""Agreement pages for every persona: who may read, edit, sign and extend."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from samverka.agreements import services
from samverka.agreements.models import (
    Agreement,
    AgreementStatus,
    Duty,
    DutyKind,
    Forum,
    ForumKind,
    PriorityArea,
    Signatory,
)
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership
from samverka.testing import PERSONAS, PersonaTestCase, make_user

LOGIN = 302

READERS = dict.fromkeys(PERSONAS, 404) | {"coordinator": 200, "police": 200, "viewer": 200}
EDITORS = READERS | {"viewer": 403, "anonymous": LOGIN}
COORDINATORS = EDITORS | {"police": 403}  # the police persona is a member, not a coordinator


def url(name: str, **kwargs: object) -> str:
    return reverse(f"agreements:{name}", kwargs=kwargs)


class ListAndDetailTest(PersonaTestCase):
    def test_everyone_gets_the_list_but_sees_only_what_they_may(self) -> None:
        self.assert_statuses("get", url("list"), dict.fromkeys(PERSONAS, 200))
        self.login_as("police")
        response = self.client.get(url("list"))
        self.assertContains(response, "Samverkansavtal Oskarshamn")
        self.assertNotContains(response, "Samverkansöverenskommelse Lessebo")
        self.login_as("anonymous")
        self.assertContains(self.client.get(url("list")), "Ingen överenskommelse har publicerats")

    def test_the_parties_members_read_an_agreement_others_do_not_find_it(self) -> None:
        self.assert_statuses("get", url("detail", pk=self.agreement.pk), READERS)

    def test_a_published_agreement_is_public(self) -> None:
        Agreement.objects.filter(pk=self.agreement.pk).update(published_at=timezone.now())
        self.assert_statuses(
            "get", url("detail", pk=self.agreement.pk), dict.fromkeys(PERSONAS, 200)
        )
        self.login_as("anonymous")
        response = self.client.get(url("detail", pk=self.agreement.pk))
        self.assertNotContains(response, url("edit", pk=self.agreement.pk))


class CreateTest(PersonaTestCase):
    def data(self, **extra: object) -> dict[str, object]:
        return {
            "title": "Samverkansöverenskommelse 2026–2029",
            "kommuner": [self.kommun.pk],
            "police": self.lpo.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2029-12-31",
            "extension_years": "4",
            "consultation_months": "6",
            "purpose": "Minska brottsligheten och öka tryggheten.",
            **extra,
        }

    def test_only_coordinators_of_a_kommun_or_lpo_may_record_an_agreement(self) -> None:
        # The platform administrator may too, for a kommun that asks for help.
        self.assert_statuses(
            "get",
            url("create"),
            {
                "coordinator": 200,
                "police": 403,
                "outsider": 403,
                "reporter": 403,
                "viewer": 403,
                "admin": 200,
                "anonymous": LOGIN,
            },
        )

    def test_a_coordinator_records_a_draft_with_both_parties(self) -> None:
        self.login_as("coordinator")
        response = self.client.get(url("create"))
        self.assertEqual(response.context["form"].initial["kommuner"], [self.kommun])
        self.assertEqual(response.context["form"].initial["police"], self.lpo)
        response = self.client.post(url("create"), self.data())
        agreement = Agreement.objects.get(title="Samverkansöverenskommelse 2026–2029")
        self.assertRedirects(response, agreement.get_absolute_url())
        self.assertEqual(agreement.status, AgreementStatus.DRAFT)
        self.assertEqual(set(agreement.parties.all()), {self.kommun, self.lpo})
        self.assertEqual(agreement.consultation_deadline, dt.date(2029, 6, 30))
        self.assertFalse(agreement.duties.exists())

    def test_an_agreement_without_the_users_own_organization_is_refused(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            url("create"), self.data(kommuner=[self.other_kommun.pk], police=self.other_lpo.pk)
        )
        self.assertContains(response, "endast för en kommun du tillhör")
        self.assertContains(response, "Lessebo")
        self.assertFalse(Agreement.objects.filter(title__contains="2026–2029").exists())

    def test_bad_dates_and_personal_data_are_refused_on_their_fields(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            url("create"),
            self.data(
                ends_on="2025-01-01",
                purpose="Kontakta Kalle på 070-123 45 67.",
            ),
        )
        errors = response.context["form"].errors
        self.assertIn("purpose", errors)
        self.assertIn("telefonnummer", str(errors["purpose"]))
        self.assertTrue("ends_on" in errors or "__all__" in errors)
        self.assertEqual(Agreement.objects.count(), 2)


class EditSignExtendTest(PersonaTestCase):
    def test_who_may_open_the_edit_page(self) -> None:
        # The parties, period and text are the coordinators' (see test_joint_changes).
        self.assert_statuses("get", url("edit", pk=self.agreement.pk), COORDINATORS)

    def test_who_may_sign_extend_and_record_a_revision(self) -> None:
        draft = self.agreement
        draft.status = AgreementStatus.DRAFT
        draft.save()
        self.assert_statuses("get", url("sign", pk=draft.pk), COORDINATORS)
        self.assert_statuses("get", url("extend", pk=draft.pk), COORDINATORS)
        self.assert_statuses("get", url("revision_create", pk=draft.pk), COORDINATORS)

    def test_the_coordinator_edits_the_text_of_a_draft_only_its_party_coordinates(self) -> None:
        self.agreement.status = AgreementStatus.DRAFT
        self.agreement.save()
        self.login_as("coordinator")
        data = {
            "title": "Samverkansavtal Oskarshamn (reviderat)",
            "kommuner": [self.kommun.pk],
            "police": self.lpo.pk,
            "starts_on": self.agreement.starts_on.isoformat(),
            "ends_on": self.agreement.ends_on.isoformat(),
            "vision": "Oskarshamn ska vara tryggt.",
        }
        response = self.client.post(url("edit", pk=self.agreement.pk), data)
        self.assertRedirects(response, self.agreement.get_absolute_url())
        self.agreement.refresh_from_db()
        self.assertEqual(self.agreement.vision, "Oskarshamn ska vara tryggt.")

    def test_the_coordinator_signs_then_extends_and_versions_are_kept(self) -> None:
        self.agreement.status = AgreementStatus.DRAFT
        self.agreement.extension_years = 4
        self.agreement.save()
        self.login_as("coordinator")
        response = self.client.post(url("sign", pk=self.agreement.pk), {"made_on": "2025-01-10"})
        self.assertRedirects(response, self.agreement.get_absolute_url())
        old_end = self.agreement.ends_on
        # Extending changes the period: the police's coordinator accepts it first.
        response = self.client.post(url("extend", pk=self.agreement.pk))
        proposal = self.agreement.change_proposals.get()
        self.assertRedirects(response, proposal.get_absolute_url())
        self.agreement.refresh_from_db()
        self.assertEqual(self.agreement.ends_on, old_end)
        police_coordinator = make_user("lpo-coordinator@test.example")
        Membership.objects.create(
            user=police_coordinator, organization=self.lpo, role=Role.COORDINATOR
        )
        self.client.force_login(police_coordinator)
        self.client.post(
            url("proposal_answer", pk=self.agreement.pk, proposal_pk=proposal.pk),
            {"answer": "accept"},
        )
        self.agreement.refresh_from_db()
        self.assertEqual(self.agreement.ends_on, old_end.replace(year=old_end.year + 4))
        self.assertEqual(list(self.agreement.revisions.values_list("number", flat=True)), [2, 1])
        self.assertIn("Förlängd med 4 år", self.agreement.revisions.get(number=2).summary)
        response = self.client.get(url("revision_compare", pk=self.agreement.pk) + "?a=1&b=2")
        self.assertContains(response, "I kraft till och med")
        self.assertContains(response, f"<ins>{self.agreement.ends_on.isoformat()}</ins>", html=True)

    def test_a_revision_is_recorded_with_its_summary(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            url("revision_create", pk=self.agreement.pk),
            {"made_on": "2026-03-01", "summary": "Nytt prioriterat område: Trygga ungdomar."},
        )
        self.assertRedirects(response, self.agreement.get_absolute_url())
        revision = self.agreement.revisions.get()
        self.assertEqual(revision.summary, "Nytt prioriterat område: Trygga ungdomar.")
        self.assert_statuses(
            "get", url("revision_detail", pk=self.agreement.pk, number=revision.number), READERS
        )
        self.assert_statuses("get", url("revision_compare", pk=self.agreement.pk), READERS)

    def test_a_draft_has_no_versions_to_record(self) -> None:
        self.agreement.status = AgreementStatus.DRAFT
        self.agreement.save()
        self.login_as("coordinator")
        response = self.client.post(
            url("revision_create", pk=self.agreement.pk),
            {"made_on": "2026-03-01", "summary": "Något"},
        )
        self.assertContains(response, "Bara en undertecknad överenskommelse har versioner")


class PartsTest(PersonaTestCase):
    def test_who_may_add_parts(self) -> None:
        for kind in ("omraden", "forum", "undertecknare"):
            with self.subTest(kind=kind):
                self.assert_statuses(
                    "get", url("part_create", pk=self.agreement.pk, kind=kind), EDITORS
                )

    def test_an_unknown_kind_of_part_is_not_found(self) -> None:
        self.login_as("coordinator")
        response = self.client.get(url("part_create", pk=self.agreement.pk, kind="annat"))
        self.assertEqual(response.status_code, 404)

    def test_a_priority_area_gets_suggested_categories_when_none_are_chosen(self) -> None:
        self.login_as("coordinator")
        self.client.post(
            url("part_create", pk=self.agreement.pk, kind="omraden"),
            {"title": "Trafiksäkerhetsarbete med fokus på hastighet", "position": 1},
        )
        self.client.post(
            url("part_create", pk=self.agreement.pk, kind="omraden"),
            {"title": "Unga i riskzon att utveckla en kriminell livsstil", "position": 2},
        )
        speed, youth = PriorityArea.objects.filter(agreement=self.agreement)
        self.assertEqual([c.code for c in speed.categories.all()], ["traffic.speeding"])
        self.assertEqual(youth.target_groups, ["children_youth"])
        response = self.client.get(self.agreement.get_absolute_url())
        self.assertContains(response, "Trafik › Hastighet")
        self.assertContains(response, "Barn och unga")

    def test_a_forum_holds_aggregate_numbers_only(self) -> None:
        self.login_as("police")
        self.client.post(
            url("part_create", pk=self.agreement.pk, kind="forum"),
            {
                "kind": ForumKind.SSPF,
                "name": "SSPF Oskarshamn",
                "coordinator": self.kommun.pk,
                "participants": [self.kommun.pk, self.lpo.pk],
                "meeting_rule": "varannan vecka",
                "position": 1,
            },
        )
        forum = Forum.objects.get(name="SSPF Oskarshamn")
        self.assertTrue(forum.aggregate_only)
        years = url("forum_years", pk=self.agreement.pk, forum_pk=forum.pk)
        self.client.post(years, {"year": 2025, "meetings_held": 22, "cases": 14})
        self.client.post(years, {"year": 2025, "meetings_held": 23, "cases": 15})
        self.assertEqual(list(forum.years.values_list("meetings_held", "cases")), [(23, 15)])
        self.assert_statuses("get", years, EDITORS)
        self.login_as("police")
        response = self.client.post(
            url("part_edit", pk=self.agreement.pk, kind="forum", part_pk=forum.pk),
            {
                "kind": ForumKind.SSPF,
                "name": "SSPF Oskarshamn",
                "position": 1,
                "description": "Ärende gällande 0701234567",
            },
        )
        self.assertIn("description", response.context["form"].errors)

    def test_a_signatory_is_added_edited_and_removed(self) -> None:
        self.login_as("coordinator")
        self.client.post(
            url("part_create", pk=self.agreement.pk, kind="undertecknare"),
            {
                "name": "Karin Exempel",
                "title": "Kommunstyrelsens ordförande",
                "organization": self.kommun.pk,
                "place": "Oskarshamn",
                "signed_on": "2020-01-01",
                "position": 1,
            },
        )
        signatory = Signatory.objects.get(agreement=self.agreement)
        edit = url("part_edit", pk=self.agreement.pk, kind="undertecknare", part_pk=signatory.pk)
        remove = url(
            "part_delete", pk=self.agreement.pk, kind="undertecknare", part_pk=signatory.pk
        )
        self.assert_statuses("get", edit, EDITORS)
        self.assert_statuses("get", remove, EDITORS)
        self.login_as("coordinator")
        self.client.post(remove)
        self.assertFalse(Signatory.objects.filter(pk=signatory.pk).exists())

    def test_a_part_of_another_agreement_is_not_reached_through_this_one(self) -> None:
        other = PriorityArea.objects.create(agreement=self.other_agreement, title="Lessebos")
        self.login_as("coordinator")
        response = self.client.get(
            url("part_edit", pk=self.agreement.pk, kind="omraden", part_pk=other.pk)
        )
        self.assertEqual(response.status_code, 404)


class CycleViewsTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.agreement.status = AgreementStatus.DRAFT
        cls.agreement.save()
        services.sign(cls.agreement, user=None, made_on=cls.agreement.starts_on)
        duties = Duty.objects.filter(agreement=cls.agreement).order_by("due_on")
        cls.duty = duties.exclude(kind=DutyKind.CITIZEN_PROMISE).first()
        cls.promise_duty = duties.filter(kind=DutyKind.CITIZEN_PROMISE).first()

    def test_who_reads_the_arshjul(self) -> None:
        self.assert_statuses("get", url("cycle", pk=self.agreement.pk), READERS)
        signed_in = dict.fromkeys(PERSONAS, 200) | {"anonymous": LOGIN}
        self.assert_statuses("get", url("cycle_all"), signed_in)

    def test_a_member_marks_a_duty_done_and_a_viewer_may_not(self) -> None:
        duty_url = url("duty_update", pk=self.agreement.pk, duty_pk=self.duty.pk)
        self.login_as("viewer")
        self.assertEqual(self.client.post(duty_url, {"action": "done"}).status_code, 403)
        self.login_as("police")
        self.client.post(duty_url, {"action": "done"})
        self.duty.refresh_from_db()
        self.assertEqual(self.duty.done_on, timezone.localdate())
        self.assertEqual(self.duty.done_by, self.police)
        self.client.post(duty_url, {"action": "move", "due_on": ""})
        self.client.post(duty_url, {"action": "move", "due_on": "2030-01-15"})
        self.duty.refresh_from_db()
        self.assertEqual(self.duty.due_on, dt.date(2030, 1, 15))
        self.assertTrue(self.duty.due_on_set_by_hand)

    def test_the_promise_duty_is_not_ticked_by_hand(self) -> None:
        """Adopting the medborgarlöfte fulfils it (promises.services.adopt), nothing else."""
        duty_url = url("duty_update", pk=self.agreement.pk, duty_pk=self.promise_duty.pk)
        self.login_as("police")
        response = self.client.post(duty_url, {"action": "done"}, follow=True)
        self.promise_duty.refresh_from_db()
        self.assertIsNone(self.promise_duty.done_on)
        self.assertContains(response, "antagande")

    def test_overdue_duties_are_shown_on_the_start_page(self) -> None:
        Duty.objects.filter(pk=self.duty.pk).update(
            due_on=timezone.localdate() - dt.timedelta(days=3),
            kind=DutyKind.FOLLOW_UP,
            year=1999,  # a year of its own: no other follow-up duty has it
        )
        for persona, shown in (("coordinator", True), ("police", True), ("outsider", False)):
            with self.subTest(persona=persona):
                self.login_as(persona)
                response = self.client.get("/")
                self.assertEqual("Försenad: Årlig uppföljning" in response.content.decode(), shown)


class ReplaceTest(PersonaTestCase):
    def test_a_new_agreement_replaces_the_earlier_one_and_ends_its_duties(self) -> None:
        self.agreement.status = AgreementStatus.DRAFT
        self.agreement.save()
        services.sign(self.agreement, user=None, made_on=self.agreement.starts_on)
        self.assertTrue(self.agreement.duties.exists())
        self.login_as("coordinator")
        response = self.client.post(
            url("create"),
            {
                "title": "Ny överenskommelse",
                "kommuner": [self.kommun.pk],
                "police": self.lpo.pk,
                "starts_on": "2030-01-01",
                "ends_on": "2033-12-31",
                "replaces": self.agreement.pk,
            },
        )
        new = Agreement.objects.get(title="Ny överenskommelse")
        self.assertRedirects(response, new.get_absolute_url())
        self.agreement.refresh_from_db()
        self.assertEqual(self.agreement.replaced_by, new)
        self.assertEqual(self.agreement.lifecycle_now, "replaced")
        self.assertFalse(self.agreement.duties.filter(done_on__isnull=True).exists())
        self.assertContains(self.client.get(new.get_absolute_url()), "Ersätter")

    def test_only_agreements_the_user_coordinates_can_be_replaced(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            url("create"),
            {
                "title": "Kapning",
                "kommuner": [self.kommun.pk],
                "police": self.lpo.pk,
                "starts_on": "2030-01-01",
                "ends_on": "2033-12-31",
                "replaces": self.other_agreement.pk,
            },
        )
        self.assertIn("replaces", response.context["form"].errors)
        self.other_agreement.refresh_from_db()
        self.assertIsNone(self.other_agreement.replaced_by)


class SignatureStateTest(PersonaTestCase):
    """Status, signatories and versions agree (issue 16, point 4): a signed agreement
    without signatories says so, naming the parties whose signature is missing."""

    def test_a_signed_agreement_names_the_parties_without_a_signatory(self) -> None:
        from samverka.agreements.models import Signatory

        self.login_as("coordinator")
        detail = reverse("agreements:detail", args=[self.agreement.pk])
        page = self.client.get(detail)
        self.assertNotContains(page, "Inga undertecknare ännu")
        self.assertContains(page, "inga undertecknare är registrerade")
        self.assertContains(page, "Oskarshamn, LPO Västervik.")
        Signatory.objects.create(
            agreement=self.agreement, name="K. Ordförande", title="KSO", organization=self.kommun
        )
        page = self.client.get(detail)
        self.assertContains(page, "ingen undertecknare är registrerad för:")
        self.assertContains(page, "LPO Västervik.")
        Signatory.objects.create(
            agreement=self.agreement, name="L. Chef", title="LPO-chef", organization=self.lpo
        )
        self.assertNotContains(self.client.get(detail), "är registrerad")

    def test_a_version_kept_without_signatories_says_so(self) -> None:
        from samverka.agreements import services

        revision = services.record_revision(
            self.agreement, user=self.coordinator, made_on=self.agreement.starts_on, summary="x"
        )
        self.login_as("coordinator")
        page = self.client.get(
            reverse("agreements:revision_detail", args=[self.agreement.pk, revision.number])
        )
        self.assertContains(page, "Inga undertecknare var registrerade")
