"""The medborgarlöfte, as its users meet it: written by both parties (each its own
commitments), approved by both coordinators, adopted by the steering group (which ticks
the årshjul), published for anyone, followed up from the plan, printed and edited in Word."""

from __future__ import annotations

import datetime as dt
import io
from typing import ClassVar

import docx
import pypdf
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samverka.accounts.models import User
from samverka.agreements import cycle
from samverka.agreements.models import Duty, DutyKind, PriorityArea
from samverka.plans import followup as plan_followup
from samverka.plans import services as plans
from samverka.plans.models import Goal, IndicatorReading, Measure, MeasureReport, MeasureStatus
from samverka.promises import followup, services
from samverka.promises.models import (
    CitizenPromise,
    Commitment,
    Giver,
    Judgement,
    PromiseStatus,
)
from samverka.situation import services as situation
from samverka.situation.models import Problem, SourceChoice
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership
from samverka.testing import PersonaTestCase, make_user


class PromiseTestCase(PersonaTestCase):
    chief: ClassVar[User]
    problem: ClassVar[Problem]
    measure: ClassVar[Measure]
    police_measure: ClassVar[Measure]
    goal: ClassVar[Goal]
    area: ClassVar[PriorityArea]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # The kommunpolis coordinates for LPO Västervik (the base's police is a member).
        cls.chief = make_user("chief@test.example", "Karin", title="Kommunpolis")
        Membership.objects.create(user=cls.chief, organization=cls.lpo, role=Role.COORDINATOR)
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
        cls.problem = Problem.objects.create(picture=picture, title="Bostadsinbrott")
        situation.adopt(picture, dt.date(2026, 2, 10), "Styrgruppen §4", cls.coordinator)
        cls.picture = picture
        cls.area = PriorityArea.objects.create(agreement=cls.agreement, title="Trygg stadskärna")
        plan = plans.start_plan(
            picture, "Åtgärdsplan", dt.date(2026, 1, 1), dt.date(2026, 12, 31), cls.coordinator
        )
        cls.plan = plan
        cls.goal = Goal.objects.create(
            plan=plan,
            title="Fler trygghetsvandringar",
            indicator="manual",
            unit="vandringar",
            direction="increase",
            baseline_value=2,
            target_value=6,
            baseline_set_on=dt.date(2026, 1, 1),
            deadline=dt.date(2026, 12, 31),
            owner=cls.kommun,
        )
        cls.measure = Measure.objects.create(
            plan=plan,
            title="Bättre belysning i Centrum",
            responsible=cls.kommun,
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 6, 30),
        )
        cls.police_measure = Measure.objects.create(
            plan=plan,
            title="Riktad närvaro kvällstid",
            responsible=cls.lpo,
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 3, 31),
        )

    def start(self, year: int = 2027) -> CitizenPromise:
        return services.start_promise(
            self.picture,
            f"Medborgarlöfte {year}",
            dt.date(year, 1, 1),
            dt.date(year, 12, 31),
            self.coordinator,
        )

    def commit(
        self, promise: CitizenPromise, giver: str, text: str, by: User, **links: object
    ) -> Commitment:
        return services.save_commitment(
            Commitment(promise=promise, giver=giver, text=text, place="Centrum"),
            by,
            links.get("measures", ()),  # type: ignore[arg-type]
            links.get("goals", ()),  # type: ignore[arg-type]
        )

    def agreed(self, promise: CitizenPromise, on: dt.date | None = None) -> CitizenPromise:
        services.approve(promise, self.coordinator, on)
        services.approve(promise, self.chief, on)
        promise.refresh_from_db()
        return promise

    def url(self, name: str, promise: CitizenPromise, *args: object) -> str:
        return reverse(f"promises:{name}", args=[promise.pk, *args])


class LifecycleTest(PromiseTestCase):
    def test_both_coordinators_approve_and_a_change_after_that_clears_the_approvals(self) -> None:
        promise = self.start()
        kommun = self.commit(
            promise, Giver.KOMMUN, "Kommunen ska laga belysningen.", self.coordinator
        )
        services.approve(promise, self.coordinator)
        promise.refresh_from_db()
        self.assertEqual(promise.status, PromiseStatus.DRAFT)  # the police has not approved
        services.approve(promise, self.chief)
        promise.refresh_from_db()
        self.assertEqual(promise.status, PromiseStatus.AGREED)
        # The kommun rewords its commitment on the page: both must approve again.
        self.client.force_login(self.coordinator)
        response = self.client.post(
            self.url("commitment_edit", promise, kommun.pk),
            {"giver": Giver.KOMMUN, "text": "Kommunen ska laga all belysning i Centrum."},
        )
        self.assertEqual(response.status_code, 302)
        promise.refresh_from_db()
        self.assertEqual(promise.status, PromiseStatus.DRAFT)
        self.assertFalse(promise.approvals.exists())
        self.assertEqual(services.missing_approvals(promise), [self.kommun, self.lpo])

    def test_adoption_before_both_approvals_is_refused(self) -> None:
        promise = self.start()
        self.commit(promise, Giver.BOTH, "Vi ska hålla trygghetsvandringar.", self.coordinator)
        services.approve(promise, self.coordinator)
        with self.assertRaises(ValidationError):
            services.adopt(promise, timezone.localdate(), "Styrgruppen §5", self.coordinator)
        self.client.force_login(self.coordinator)
        response = self.client.post(
            self.url("adopt", promise),
            {"adopted_on": timezone.localdate().isoformat(), "decision_reference": "§5"},
        )
        self.assertContains(response, "Båda parternas samordnare", status_code=400)
        promise.refresh_from_db()
        self.assertEqual(promise.status, PromiseStatus.DRAFT)
        self.assertIsNone(promise.adopted_on)

    def test_the_adoption_cannot_precede_the_approvals(self) -> None:
        promise = self.start()
        self.commit(promise, Giver.BOTH, "Vi ska hålla trygghetsvandringar.", self.coordinator)
        today = timezone.localdate()
        self.agreed(promise, today)
        with self.assertRaises(ValidationError) as refused:
            services.adopt(promise, today - dt.timedelta(days=1), "§5", self.coordinator)
        self.assertIn("adopted_on", refused.exception.message_dict)

    def test_the_adoption_fulfils_the_arshjul_duty_for_next_years_promise(self) -> None:
        cycle.sync_duties(self.agreement)
        today = timezone.localdate()
        duty = Duty.objects.get(
            agreement=self.agreement, kind=DutyKind.CITIZEN_PROMISE, year=today.year
        )
        self.assertIsNone(duty.done_on)
        promise = self.start(today.year + 1)
        self.commit(promise, Giver.BOTH, "Vi ska hålla trygghetsvandringar.", self.coordinator)
        self.agreed(promise, today)
        self.client.force_login(self.chief)
        response = self.client.post(
            self.url("adopt", promise),
            {"adopted_on": today.isoformat(), "decision_reference": "Styrgruppen §7"},
        )
        self.assertEqual(response.status_code, 302)
        duty.refresh_from_db()
        self.assertEqual(duty.done_on, today)
        self.assertEqual(duty.done_by, self.chief)
        page = self.client.get(reverse("agreements:cycle", args=[self.agreement.pk]))
        self.assertContains(page, "Klar när löftets antagande registreras")
        # The adoption is on this year's årshjul, with a link to the promise.
        on_wheel = [p["item"] for p in page.context["wheel"]["items"]]
        adopted = [i for i in on_wheel if i.kind == "promise" and i.on == today]
        self.assertEqual(len(adopted), 1)
        self.assertEqual(adopted[0].url, promise.get_absolute_url())
        self.assertContains(page, "Medborgarlöfte antaget")

    def test_an_adopted_promise_is_published_and_then_not_changed(self) -> None:
        promise = self.start()
        commitment = self.commit(promise, Giver.BOTH, "Vi ska lysa upp Centrum.", self.coordinator)
        self.agreed(promise)
        services.adopt(promise, timezone.localdate(), "§5", self.coordinator)
        self.assertEqual(self.client.get(self.url("public", promise)).status_code, 404)
        self.client.force_login(self.chief)
        self.client.post(self.url("publish", promise))
        self.client.logout()
        page = self.client.get(self.url("public", promise))
        self.assertContains(page, "Vi ska lysa upp Centrum.")
        with self.assertRaises(ValidationError):
            services.remove_commitment(commitment)


class WhoSeesAndWritesTest(PromiseTestCase):
    def test_a_party_edits_only_the_commitments_it_gives(self) -> None:
        promise = self.start()
        police = self.commit(promise, Giver.POLICE, "Polisen ska vara synlig.", self.police)
        kommun = self.commit(promise, Giver.KOMMUN, "Kommunen ska röja.", self.coordinator)
        joint = self.commit(promise, Giver.BOTH, "Vi ska vandra.", self.coordinator)
        for user, commitment, status in (
            (self.police, police, 200),
            (self.police, kommun, 403),
            (self.police, joint, 200),
            (self.coordinator, police, 403),
            (self.coordinator, kommun, 200),
            (self.coordinator, joint, 200),
            (self.viewer, joint, 403),
            (self.outsider, joint, 404),
        ):
            with self.subTest(user=user.email, commitment=commitment.text):
                self.client.force_login(user)
                url = self.url("commitment_edit", promise, commitment.pk)
                self.assertEqual(self.client.get(url).status_code, status)
        # Nor can the kommun write a commitment in the police's name.
        with self.assertRaises(ValidationError) as refused:
            self.commit(promise, Giver.POLICE, "Polisen ska …", self.coordinator)
        self.assertIn("giver", refused.exception.message_dict)
        self.client.force_login(self.coordinator)
        self.client.post(self.url("commitment_delete", promise, police.pk))
        self.assertTrue(Commitment.objects.filter(pk=police.pk).exists())

    def test_a_draft_is_internal_to_the_parties_and_the_public_sees_only_what_is_published(
        self,
    ) -> None:
        draft = self.start(2027)
        self.commit(draft, Giver.BOTH, "Utkastets löfte.", self.coordinator)
        published = self.start(2026)
        self.commit(published, Giver.BOTH, "Det publicerade löftet.", self.coordinator)
        self.agreed(published)
        services.adopt(published, timezone.localdate(), "§5", self.coordinator)
        services.publish(published)
        for user in (self.coordinator, self.police):
            self.client.force_login(user)
            self.assertContains(self.client.get(reverse("promises:list")), "Medborgarlöfte 2027")
        self.client.force_login(self.outsider)
        listing = self.client.get(reverse("promises:list"))
        self.assertNotContains(listing, "Medborgarlöfte 2027")
        self.assertContains(listing, "Medborgarlöfte 2026")
        self.assertEqual(self.client.get(self.url("detail", draft)).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(self.url("public", draft)).status_code, 404)
        self.assertEqual(self.client.get(self.url("pdf", draft)).status_code, 404)
        self.assertContains(self.client.get(self.url("public", published)), "Det publicerade")


class FollowUpTest(PromiseTestCase):
    def test_judgements_follow_the_measures_and_the_goals(self) -> None:
        basis = followup.Basis
        done = {"status": "done", "colour": "green", "progress": 100}
        overdue = {"status": "ongoing", "colour": "red", "progress": 0}
        started = {"status": "ongoing", "colour": "green", "progress": 30}
        planned = {"status": "planned", "colour": "green", "progress": 0}
        reached = {"verdict": plan_followup.REACHED}
        failing = {"verdict": plan_followup.NOT_ON_TRACK}
        early = {"verdict": plan_followup.TOO_EARLY}
        cases = [
            (basis([done], [reached]), Judgement.KEPT),
            (basis([done, overdue], []), Judgement.PARTLY),
            (basis([started], [early]), Judgement.PARTLY),
            (basis([overdue], [failing]), Judgement.NOT_KEPT),
            (basis([planned], [early]), Judgement.TOO_EARLY),
            (basis([], []), Judgement.TOO_EARLY),
        ]
        for found, judgement in cases:
            with self.subTest(found=found):
                self.assertEqual(followup.judge(found), judgement)

    def test_the_follow_up_judges_from_the_plan_and_shows_on_the_public_page(self) -> None:
        # The kommun's measure is done, the goal reached; the police's measure is overdue.
        MeasureReport.objects.create(
            measure=self.measure,
            reported_on=dt.date(2026, 6, 20),
            status=MeasureStatus.DONE,
            progress=100,
        )
        IndicatorReading.objects.create(goal=self.goal, measured_on=dt.date(2026, 9, 1), value=7)
        promise = self.start(2026)
        lights = self.commit(
            promise,
            Giver.KOMMUN,
            "Kommunen ska lysa upp Centrum.",
            self.coordinator,
            measures=[self.measure],
            goals=[self.goal],
        )
        presence = self.commit(
            promise,
            Giver.POLICE,
            "Polisen ska synas kvällstid.",
            self.chief,
            measures=[self.police_measure],
        )
        unlinked = self.commit(promise, Giver.BOTH, "Vi ska lyssna.", self.coordinator)
        self.agreed(promise, dt.date(2026, 1, 5))
        services.adopt(promise, dt.date(2026, 1, 10), "§2", self.coordinator)
        services.publish(promise)
        self.client.force_login(self.coordinator)
        url = self.url("follow_up", promise) + "?as_of=2026-10-01"
        page = self.client.get(url)
        self.assertContains(page, "Utifrån planen: <strong>Hållet</strong>", html=True)
        # The team writes the explanations and leaves the judgements to the plan.
        data = {}
        for commitment in (lights, presence, unlinked):
            data[f"c{commitment.pk}-judgement"] = ""
            data[f"c{commitment.pk}-explanation"] = f"Förklaring {commitment.pk}."
        self.assertEqual(self.client.post(url, data).status_code, 302)
        judged = {c.pk: c.judgement for c in promise.commitments.all()}
        self.assertEqual(judged[lights.pk], Judgement.KEPT)
        self.assertEqual(judged[presence.pk], Judgement.NOT_KEPT)
        self.assertEqual(judged[unlinked.pk], Judgement.TOO_EARLY)
        # The team may judge otherwise than the plan: its judgement is shown, the plan's kept.
        data[f"c{unlinked.pk}-judgement"] = Judgement.PARTLY
        self.assertEqual(self.client.post(url, data).status_code, 302)
        unlinked.refresh_from_db()
        self.assertEqual((unlinked.judgement, unlinked.suggested), ("partly", "too_early"))
        lights.refresh_from_db()
        self.assertEqual((lights.judgement, lights.suggested), ("kept", "kept"))
        promise.refresh_from_db()
        self.assertEqual(promise.status, PromiseStatus.FOLLOWED_UP)
        self.client.logout()
        public = self.client.get(self.url("public", promise))
        self.assertContains(public, "Inte hållet")
        self.assertContains(public, f"Förklaring {lights.pk}.")


class DocumentTest(PromiseTestCase):
    def test_the_pdf_and_the_docx_hold_the_commitments(self) -> None:
        promise = self.start()
        self.commit(promise, Giver.POLICE, "Polisen ska vara synlig i hamnen.", self.police)
        self.commit(promise, Giver.KOMMUN, "Kommunen ska laga belysningen.", self.coordinator)
        self.client.force_login(self.coordinator)
        pdf = self.client.get(self.url("pdf", promise))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        reader = pypdf.PdfReader(io.BytesIO(pdf.content))
        self.assertEqual(len(reader.pages), 1)  # one printable page
        text = " ".join(page.extract_text() for page in reader.pages)
        for words in ("Polisen ska vara synlig i hamnen.", "Kommunen ska laga belysningen."):
            self.assertIn(words, " ".join(text.split()))
        self.assertIn("Underskrift, Oskarshamn", text)
        word = self.client.get(self.url("docx", promise))
        document = docx.Document(io.BytesIO(word.content))
        paragraphs = "\n".join(p.text for p in document.paragraphs)
        self.assertIn("Polisen: Polisen ska vara synlig i hamnen.", paragraphs)
        self.assertIn("Kommunen: Kommunen ska laga belysningen.", paragraphs)


class ImportTest(PromiseTestCase):
    TEXT = (
        "Medborgarlöfte 2027\n\nInbrotten har ökat i Centrum.\n\nPolisen lovar att:\n"
        "- synas i centrum på fredagskvällar\n\nKommunen ska laga belysningen i parken. "
        "Tillsammans ska vi hålla två trygghetsvandringar.\n"
    )

    def test_a_pasted_text_is_read_reviewed_and_saved(self) -> None:
        promise = self.start()
        self.commit(promise, Giver.KOMMUN, "Kommunen ska röja.", self.coordinator)
        services.approve(promise, self.coordinator)
        self.client.force_login(self.police)
        review = self.client.post(self.url("import", promise), {"step": "read", "text": self.TEXT})
        self.assertEqual(review.status_code, 200)
        self.assertContains(review, "Synas i centrum på fredagskvällar")
        self.assertEqual(Commitment.objects.filter(promise=promise).count(), 1)  # not yet
        rows = review.context["formset"].initial
        self.assertEqual([row["giver"] for row in rows], [Giver.POLICE, Giver.KOMMUN, Giver.BOTH])
        # The reviewer leaves the kommun's line out and corrects the joint one's words.
        data = {
            "step": "save",
            "row-TOTAL_FORMS": "3",
            "row-INITIAL_FORMS": "3",
            "row-0-include": "on",
            "row-0-giver": Giver.POLICE,
            "row-0-text": rows[0]["text"],
            "row-1-giver": Giver.KOMMUN,
            "row-1-text": rows[1]["text"],
            "row-2-include": "on",
            "row-2-giver": Giver.BOTH,
            "row-2-text": "Tillsammans ska vi hålla tre trygghetsvandringar.",
            "row-2-place": "Centrum",
        }
        self.assertEqual(self.client.post(self.url("import", promise), data).status_code, 302)
        added = Commitment.objects.filter(promise=promise).order_by("position")
        self.assertEqual(
            [(c.giver, c.text) for c in added][1:],
            [
                (Giver.POLICE, "Synas i centrum på fredagskvällar"),
                (Giver.BOTH, "Tillsammans ska vi hålla tre trygghetsvandringar."),
            ],
        )
        self.assertEqual(set(added.last().parties.all()), {self.kommun, self.lpo})
        self.assertFalse(promise.approvals.exists())  # both approve what was imported

    def test_a_row_with_personal_data_is_named_and_nothing_is_saved(self) -> None:
        promise = self.start()
        with self.assertRaises(ValidationError) as refused:
            services.import_commitments(
                promise,
                [
                    {"giver": Giver.POLICE, "text": "Polisen ska synas."},
                    {"giver": Giver.KOMMUN, "text": "Ring 070-123 45 67 för frågor."},
                ],
            )
        self.assertTrue(refused.exception.messages[0].startswith("Löfte 2:"))
        self.assertFalse(promise.commitments.exists())

    def test_a_text_without_commitments_is_refused_with_a_hint(self) -> None:
        promise = self.start()
        self.client.force_login(self.coordinator)
        response = self.client.post(
            self.url("import", promise), {"step": "read", "text": "Inbrotten har ökat."}
        )
        self.assertContains(response, "Polisen lovar att")
        self.assertFalse(promise.commitments.exists())


class UnchangedTest(PromiseTestCase):
    def test_saving_without_a_change_keeps_the_approvals(self) -> None:
        promise = self.start()
        joint = self.commit(promise, Giver.BOTH, "Vi ska vandra.", self.coordinator)
        services.approve(promise, self.coordinator)
        self.client.force_login(self.coordinator)
        self.client.post(
            self.url("commitment_edit", promise, joint.pk),
            {"giver": Giver.BOTH, "text": "Vi ska vandra.", "place": "Centrum"},
        )
        self.assertEqual(promise.approvals.count(), 1)
        self.client.post(
            self.url("commitment_edit", promise, joint.pk),
            {"giver": Giver.BOTH, "text": "Vi ska vandra två gånger.", "place": "Centrum"},
        )
        self.assertEqual(promise.approvals.count(), 0)


class ImportFileTest(PromiseTestCase):
    def test_a_word_file_is_read_with_its_bullets(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        document = docx.Document()
        document.add_heading("Medborgarlöfte 2027", level=0)
        document.add_paragraph("Polisen lovar att:")
        document.add_paragraph("synas vid skolorna varje vecka", style="List Bullet")
        document.add_paragraph("Tillsammans ska vi ordna två trygghetsvandringar.")
        buffer = io.BytesIO()
        document.save(buffer)
        promise = self.start()
        self.client.force_login(self.coordinator)
        upload = SimpleUploadedFile("lofte.docx", buffer.getvalue())
        review = self.client.post(self.url("import", promise), {"step": "read", "file": upload})
        rows = review.context["formset"].initial
        self.assertEqual(
            [(row["giver"], row["text"]) for row in rows],
            [
                (Giver.POLICE, "Synas vid skolorna varje vecka"),
                (Giver.BOTH, "Tillsammans ska vi ordna två trygghetsvandringar."),
            ],
        )

    def test_a_file_that_is_not_text_is_refused_by_name(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        promise = self.start()
        self.client.force_login(self.coordinator)
        upload = SimpleUploadedFile("bild.png", b"\x89PNG\r\n")
        response = self.client.post(self.url("import", promise), {"step": "read", "file": upload})
        self.assertContains(response, "bild.png")
        self.assertNotIn("formset", response.context)


class AgreementImportOffersThePromiseTest(PromiseTestCase):
    def test_a_promise_pasted_into_the_agreement_import_is_offered_here(self) -> None:
        self.client.force_login(self.coordinator)
        text = "Medborgarlöfte 2027\n\nPolisen lovar att:\n- synas vid skolorna\n"
        response = self.client.post(reverse("agreements:import"), {"text": text})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "medborgarlöfte, inte en överenskommelse")
        self.assertContains(response, reverse("promises:list"))
        # The coordinator may still read it as an agreement.
        response = self.client.post(
            reverse("agreements:import"), {"text": text, "as_agreement": "1"}
        )
        self.assertRedirects(response, reverse("agreements:import_review"))


class QueryCountTest(PromiseTestCase):
    def test_the_pages_ask_as_often_for_one_commitment_as_for_five(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        promise = self.start()
        first = self.commit(
            promise,
            Giver.BOTH,
            "Vi ska vandra.",
            self.coordinator,
            measures=[self.measure],
            goals=[self.goal],
        )
        first.problem = self.problem
        first.priority_area = self.area
        first.save()
        self.client.force_login(self.coordinator)

        def count(name: str) -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(self.url(name, promise)).status_code, 200)
            return len(queries)

        # Warm once: what the plan's pages cache by the data version is read on first use.
        for name in ("detail", "follow_up"):
            count(name)
        one = {name: count(name) for name in ("detail", "follow_up")}
        for number in range(4):
            self.commit(
                promise,
                Giver.KOMMUN,
                f"Kommunen ska laga lampa {number}.",
                self.coordinator,
                measures=[self.measure],
                goals=[self.goal],
            )
        five = {name: count(name) for name in ("detail", "follow_up")}
        self.assertEqual(five, one)


class PromiseOnTheArshjulTest(PromiseTestCase):
    """The årshjul shows a promise's dates only to those who may read the promise: a
    draft's title never reaches the public årshjul of a published agreement."""

    def test_a_draft_is_on_the_parties_arshjul_only(self) -> None:
        from django.contrib.auth.models import AnonymousUser

        from samverka.agreements import wheel

        year = timezone.localdate().year
        promise = self.start(year)

        def titles(user: object) -> list[str]:
            drawn = wheel.wheel([self.agreement.pk], year, user)
            return [p["item"].label for p in drawn["items"] if p["item"].kind == "promise"]

        self.assertTrue(any(promise.title in label for label in titles(self.coordinator)))
        self.assertEqual(titles(AnonymousUser()), [])
        self.assertEqual(titles(self.outsider), [])
