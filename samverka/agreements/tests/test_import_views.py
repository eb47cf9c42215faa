"""Importing an agreement from a document: read, reviewed field by field, saved."""

import io
from pathlib import Path

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samverka.agreements.models import Agreement, AgreementReading, AgreementStatus
from samverka.organizations.models import Organization, OrganizationKind
from samverka.testing import PERSONAS, PersonaTestCase

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
UPLOAD = reverse("agreements:import")
REVIEW = reverse("agreements:import_review")


class ImportTest(PersonaTestCase):
    def seed(self, prefix: str) -> str:
        (path,) = SEEDS.glob(f"{prefix}_*.txt")
        return path.read_text("utf-8")

    def test_who_may_import(self) -> None:
        expected = dict.fromkeys(PERSONAS, 403) | {"coordinator": 200, "admin": 200}
        expected["anonymous"] = 302
        self.assert_statuses("get", UPLOAD, expected)

    def test_oskarshamns_agreement_is_read_reviewed_and_saved(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(UPLOAD, {"text": self.seed("000")})
        self.assertRedirects(response, REVIEW)
        response = self.client.get(REVIEW)
        form = response.context["form"]
        self.assertEqual(
            form.initial["title"], "Samverkansavtal mellan Oskarshamns kommun och Polisen"
        )
        self.assertEqual(form.initial["kommuner"], [self.kommun])
        self.assertEqual(form.initial["police"], self.lpo)
        self.assertEqual(str(form.initial["starts_on"]), "2020-01-01")
        self.assertEqual(form.initial["consultation_months"], 6)
        self.assertContains(response, "Statistik från polisens anmälningssystem")
        self.assertContains(response, "Undertecknare")  # listed as not found
        # Two areas, each repeated in the text as the head of its activities.
        areas = [label for _, label in form.fields["areas"].choices]
        self.assertEqual(len(areas), 2)
        self.assertContains(response, "<li>Information till nyanlända</li>", html=True)
        self.assertIn("line 38", form.fields["areas"].help_text.replace("rad", "line"))

        data = {
            "title": form.initial["title"],
            "kommuner": [self.kommun.pk],
            "police": self.lpo.pk,
            "starts_on": "2020-01-01",
            "ends_on": "2023-12-31",
            "extension_years": "4",
            "consultation_months": "6",
            "purpose": form.initial["purpose"],
            "areas": [0, 1],  # keep the first two only
            "forums": [c for c, _ in form.fields["forums"].choices],
        }
        response = self.client.post(REVIEW, data)
        agreement = Agreement.objects.get(title=form.initial["title"])
        self.assertRedirects(response, agreement.get_absolute_url())
        self.assertEqual(agreement.status, AgreementStatus.DRAFT)
        self.assertEqual(agreement.consultation_deadline.isoformat(), "2023-06-30")
        titles = list(agreement.priority_areas.values_list("title", flat=True))
        self.assertEqual(len(titles), 2)
        speed = agreement.priority_areas.get(title__startswith="Trafiksäkerhetsarbete")
        self.assertIn("- Arbeta aktivt med trafikkontroller", speed.description)
        self.assertIn("traffic.speeding", [c.code for c in speed.categories.all()])
        self.assertIn("steering_group", list(agreement.forums.values_list("kind", flat=True)))
        self.assertNotIn("agreement_import", self.client.session)

    def test_a_word_document_is_read_like_its_text(self) -> None:
        document = docx.Document()
        for line in self.seed("001").splitlines():
            document.add_paragraph(line)
        buffer = io.BytesIO()
        document.save(buffer)
        self.login_as("coordinator")
        upload = SimpleUploadedFile(
            "vastervik.docx",
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response = self.client.post(UPLOAD, {"document": upload}, follow=True)
        # Read by the worker, not in the request; the reading's page leads to the review.
        self.assertRegex(response.redirect_chain[0][0], r"/importera/\d+/$")
        self.assertEqual(response.redirect_chain[-1][0], REVIEW)
        self.assertFalse(AgreementReading.objects.exists())
        form = self.client.get(REVIEW).context["form"]
        self.assertEqual(str(form.initial["ends_on"]), "2027-12-31")
        self.assertEqual(len(form.fields["areas"].choices), 8)
        signatories = [label for _, label in form.fields["signatories"].choices]
        self.assertTrue(signatories[0].startswith("Sofia Karlsson, Lokalpolisområdeschef"))

    def test_an_unreadable_file_is_refused_with_its_name(self) -> None:
        self.login_as("coordinator")
        upload = SimpleUploadedFile("bild.png", b"\x89PNG\r\n", content_type="image/png")
        response = self.client.post(UPLOAD, {"document": upload}, follow=True)
        self.assertIn("document", response.context["form"].errors)
        self.assertIn("bild.png", str(response.context["form"].errors["document"]))
        self.assertNotIn("agreement_import", self.client.session)

    def test_nothing_to_read_is_refused(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(UPLOAD, {"text": "   "})
        self.assertContains(response, "Välj en fil eller klistra in")

    def test_the_review_without_an_upload_sends_the_user_to_step_one(self) -> None:
        self.login_as("coordinator")
        self.assertRedirects(self.client.get(REVIEW), UPLOAD)


LESSEBO = """Samverkansöverenskommelse mellan Lessebo kommun och lokalpolisområde Nybro

Överenskommelsen gäller 2025-01-01 till 2027-12-31.

Syfte
Att gemensamt minska brottsligheten och öka tryggheten i Lessebo.
"""


class ImportScopeTest(PersonaTestCase):
    """The review keeps the parsed parties, and says plainly who may record the agreement
    (issue 16, point 3)."""

    def review(self, user_name: str) -> object:
        self.login_as(user_name)
        self.client.post(UPLOAD, {"text": LESSEBO})
        return self.client.get(REVIEW)

    def post_review(self, form: object, **changes: object) -> object:
        data = {
            "title": "Samverkansöverenskommelse Lessebo 2025",
            "kommuner": [k.pk for k in form.initial["kommuner"]],  # type: ignore[attr-defined]
            "police": form.initial["police"].pk,  # type: ignore[attr-defined]
            "starts_on": "2025-01-01",
            "ends_on": "2027-12-31",
        }
        data.update(changes)
        return self.client.post(REVIEW, data)

    def test_the_parsed_kommun_and_lpo_stay_chosen_for_another_kommuns_coordinator(self) -> None:
        response = self.review("coordinator")  # Oskarshamn's coordinator
        form = response.context["form"]  # type: ignore[attr-defined]
        self.assertEqual(form.initial["kommuner"], [self.other_kommun])
        self.assertEqual(form.initial["police"], self.other_lpo)
        # …and saving says plainly why not, naming the kommun; nothing is saved.
        response = self.post_review(form)
        self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]
        self.assertContains(response, "endast för en kommun du tillhör")
        self.assertContains(response, "Lessebo")
        self.assertFalse(Agreement.objects.filter(title__contains="Lessebo 2025").exists())

    def test_a_police_coordinator_records_an_agreement_of_a_kommun_the_lpo_covers(self) -> None:
        from samverka.tenancy.access import Role
        from samverka.tenancy.models import Membership

        nybro = self.police
        Membership.objects.filter(user=nybro).update(organization=self.other_lpo)
        Membership.objects.filter(user=nybro).update(role=Role.COORDINATOR)
        response = self.review("police")
        form = response.context["form"]  # type: ignore[attr-defined]
        self.assertEqual(form.initial["kommuner"], [self.other_kommun])
        response = self.post_review(form)
        agreement = Agreement.objects.get(title="Samverkansöverenskommelse Lessebo 2025")
        self.assertRedirects(response, agreement.get_absolute_url())  # type: ignore[arg-type]
        self.assertEqual(set(agreement.parties.all()), {self.other_kommun, self.other_lpo})
        # A kommun the LPO does not cover is not Nybro's to record, even as a party.
        self.review("police")
        response = self.post_review(form, title="Oskarshamn och Nybro", kommuner=[self.kommun.pk])
        self.assertContains(response, "endast för en kommun du tillhör")
        self.assertFalse(Agreement.objects.filter(title="Oskarshamn och Nybro").exists())

    def test_an_open_ended_agreement_gets_its_first_revision_as_end_and_promises_are_shown(
        self,
    ) -> None:
        corpus = Path(__file__).resolve().parent / "corpus"
        self.login_as("coordinator")
        text = (corpus / "03_gotland.txt").read_text("utf-8")
        self.client.post(UPLOAD, {"text": text})
        response = self.client.get(REVIEW)
        form = response.context["form"]
        # Signed 2024-03-05, in force until further notice, revised every third year.
        self.assertEqual(str(form.initial["starts_on"]), "2024-03-05")
        self.assertEqual(str(form.initial["ends_on"]), "2027-03-04")
        follow_up = "Parterna följer gemensamt upp överenskommelsen en gång per år."
        self.assertEqual(form.initial["follow_up"], follow_up)
        self.assertContains(response, "revideras vart 3:e år")
        # The text beside the fields, with the line each was read from marked.
        self.assertContains(
            response,
            '<li id="line-7"><mark>Överenskommelsen gäller tills vidare från den dag den '
            "undertecknas och revideras vart tredje år i samband med att en ny lägesbild tas "
            'fram.</mark> <small class="source-fields">I kraft från, Gäller tills vidare, '
            "Revideras vart (år)</small></li>",
            html=True,
        )

        text = (corpus / "14_eslov.txt").read_text("utf-8")
        self.client.post(UPLOAD, {"text": text})
        response = self.client.get(REVIEW)
        self.assertContains(response, "helgvandringar i centrum")  # the medborgarlöfte
        self.assertContains(response, "<li>SSPF-möten varannan vecka</li>", html=True)

    def test_the_police_as_a_whole_and_other_actors_are_matched_by_name(self) -> None:
        police = Organization.objects.create(
            name="Polismyndigheten", slug="polismyndigheten", kind=OrganizationKind.NATIONAL
        )
        county = Organization.objects.create(
            name="Länsstyrelsen Kalmar", slug="lst-kalmar", kind=OrganizationKind.OTHER
        )
        text = (
            "Samverkansöverenskommelse\n\n"
            "Parter\n"
            "Parter är Oskarshamns kommun, Polismyndigheten och Länsstyrelsen Kalmar.\n\n"
            "Period\nÖverenskommelsen gäller för 2025–2027.\n"
        )
        self.login_as("coordinator")
        self.client.post(UPLOAD, {"text": text})
        response = self.client.get(REVIEW)
        self.assertEqual(response.context["unmatched"], [])
        form = response.context["form"]
        self.assertEqual(form.initial["kommuner"], [self.kommun])
        self.assertEqual(form.initial["other_parties"], [county])
        self.assertNotIn(police, form.initial["other_parties"])
