"""The agreement as PDF and DOCX: the usual structure, the same content, per persona."""

import io

import docx
import pypdf
from django.urls import reverse

from samverka.agreements.models import Forum, ForumKind, PriorityArea, Signatory
from samverka.testing import PERSONAS, PersonaTestCase

HEADINGS = [
    "Syfte",
    "Parter",
    "Giltighetstid",
    "Organisation och styrgrupp",
    "Lägesbild",
    "Prioriterade områden",
    "Arbetsformer och metoder",
    "Uppföljning",
    "Kommunikation",
    "Underskrifter",
]


class DocumentTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        a = cls.agreement
        a.purpose = "Att gemensamt förebygga brott och öka tryggheten i Oskarshamn."
        a.situation_picture = "Polisens anmälningsstatistik\nMedborgardialog"
        a.communication = "Parterna samverkar kring extern information."
        a.extension_years, a.consultation_months = 4, 6
        a.save()
        PriorityArea.objects.create(agreement=a, title="Trygga ungdomar", description="Med SSPF.")
        Forum.objects.create(
            agreement=a,
            kind=ForumKind.STEERING_GROUP,
            name="Lokala BRÅ",
            meeting_rule="minst en gång per år",
        )
        Forum.objects.create(agreement=a, kind=ForumKind.EST, name="EST")
        Signatory.objects.create(
            agreement=a,
            name="Karin Exempel",
            title="Kommunstyrelsens ordförande",
            organization=cls.kommun,
            place="Oskarshamn",
        )

    def test_the_pdf_has_the_usual_sections_in_order_and_a_block_per_party(self) -> None:
        self.login_as("coordinator")
        response = self.client.get(reverse("agreements:pdf", kwargs={"pk": self.agreement.pk}))
        self.assertEqual(response["Content-Type"], "application/pdf")
        reader = pypdf.PdfReader(io.BytesIO(response.content))
        text = "\n".join(page.extract_text() for page in reader.pages)
        positions = [text.find(f"\n{heading}\n") for heading in HEADINGS]
        self.assertNotIn(-1, positions, dict(zip(HEADINGS, positions, strict=True)))
        self.assertEqual(positions, sorted(positions))
        for expected in (
            "Trygga ungdomar",
            "Lokala BRÅ",
            "minst en gång per år",
            "Medborgardialog",
            "Karin Exempel",
            "två likalydande exemplar",
        ):
            self.assertIn(expected, text)
        # Oskarshamn has a signatory; the LPO gets an empty block to sign in.
        self.assertEqual(text.count("Ort och datum"), 1)
        self.assertIn("LPO Västervik", text.split("Underskrifter")[-1])

    def test_the_docx_is_editable_and_says_the_same(self) -> None:
        self.login_as("police")
        response = self.client.get(reverse("agreements:docx", kwargs={"pk": self.agreement.pk}))
        document = docx.Document(io.BytesIO(response.content))
        headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
        self.assertEqual(headings, HEADINGS)
        body = "\n".join(p.text for p in document.paragraphs)
        self.assertIn("Trygga ungdomar", body)
        cells = "\n".join(c.text for row in document.tables[0].rows for c in row.cells)
        self.assertIn("Karin Exempel", cells)
        self.assertIn("LPO Västervik", cells)

    def test_only_readers_of_the_agreement_get_its_documents(self) -> None:
        expected = dict.fromkeys(PERSONAS, 404) | {"coordinator": 200, "police": 200, "viewer": 200}
        for name in ("pdf", "docx"):
            with self.subTest(document=name):
                self.assert_statuses(
                    "get", reverse(f"agreements:{name}", kwargs={"pk": self.agreement.pk}), expected
                )
