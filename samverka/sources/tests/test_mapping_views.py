"""Making a column mapping in the browser, from a sample of the table."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samverka.organizations.models import County
from samverka.sources.models import ColumnMapping, SourceKind
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership
from samverka.testing import PERSONAS, PersonaTestCase, make_kommun

BRA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "crime_stats"
LOGIN = 302


class MappingViewsTest(PersonaTestCase):
    def sample(self) -> SimpleUploadedFile:
        data = (BRA / "bra_goteborg_stadsomraden_2023-2025.csv").read_bytes()
        return SimpleUploadedFile("bra.csv", data, "text/csv")

    def test_who_may_list_and_make_mappings(self) -> None:
        signed_in = dict.fromkeys(PERSONAS, 200) | {"anonymous": LOGIN}
        self.assert_statuses("get", reverse("sources:mappings"), signed_in)
        makers = dict.fromkeys(PERSONAS, 403) | {
            "coordinator": 200,
            "police": 200,
            "outsider": 200,
            "admin": 200,
            "anonymous": LOGIN,
        }
        self.assert_statuses("get", reverse("sources:mapping_start"), makers)

    def test_a_coordinator_maps_the_bra_export_column_by_column(self) -> None:
        goteborg = make_kommun("Göteborg", "1480", County.objects.create(code="14", name="VG"))
        # A mapping places rows only in its owner's own kommuner: Göteborg's, for Göteborg.
        Membership.objects.create(user=self.coordinator, organization=goteborg, role=Role.MEMBER)
        self.login_as("coordinator")
        response = self.client.post(
            reverse("sources:mapping_start"),
            {
                "name": "Brå SOL",
                "kind": SourceKind.CRIME_STATISTICS,
                "owner": goteborg.pk,
                "kommun": goteborg.pk,
                "sample": self.sample(),
            },
        )
        self.assertRedirects(response, reverse("sources:mapping_columns"))
        step2 = self.client.get(reverse("sources:mapping_columns"))
        form = step2.context["form"]
        # The columns whose names say what they are come pre-selected.
        self.assertEqual(form.initial["area_column"], "area")
        self.assertEqual(form.initial["category_column"], "crime_type")
        self.assertContains(step2, "Göteborg kommun")  # the preview of the sample
        columns = {
            "area_column": "area",
            "period_column": "year",
            "period_kind": "year",
            "value_column": "count",
            "category_column": "crime_type",
        }
        shown = self.client.post(reverse("sources:mapping_columns"), {**columns, "show": "1"})
        self.assertContains(shown, "Kategori för ”bilstold”")
        self.assertEqual(len(shown.context["form"].source_categories), 6)
        categories = {
            f"category_{i}": code
            for i, code in enumerate(
                [
                    "total",
                    "theft.vehicle",
                    "theft.residential",
                    "theft.residential",
                    "person.assault",
                    "theft.vehicle",
                ]
            )
        }
        saved = self.client.post(
            reverse("sources:mapping_columns"), {**columns, **categories, "save": "1"}
        )
        self.assertRedirects(saved, reverse("sources:mappings"))
        mapping = ColumnMapping.objects.get(name="Brå SOL")
        self.assertEqual(mapping.categories["alla_brott"], "total")
        self.assertEqual(mapping.categories["misshandel"], "person.assault")
        self.assertEqual(mapping.owner, goteborg)
        self.assertContains(self.client.get(reverse("sources:mappings")), "Brå SOL")

    def test_an_unreadable_sample_is_refused_on_its_field(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            reverse("sources:mapping_start"),
            {
                "name": "X",
                "kind": SourceKind.CRIME_STATISTICS,
                "owner": self.kommun.pk,
                "kommun": self.kommun.pk,
                "sample": SimpleUploadedFile("bild.png", b"\x89PNG", "image/png"),
            },
        )
        self.assertIn("sample", response.context["form"].errors)

    def test_step_two_without_step_one_goes_back(self) -> None:
        self.login_as("coordinator")
        self.assertRedirects(
            self.client.get(reverse("sources:mapping_columns")), reverse("sources:mapping_start")
        )
