"""Statistics tables through a saved column mapping: Brå exports and extracts in any layout."""

import io
from pathlib import Path

import openpyxl
from django.test import TestCase

from samverka.organizations.models import County, Organization, OrganizationKind, SubArea
from samverka.sources import services
from samverka.sources.models import ColumnMapping, Dataset, PeriodKind, Statistic
from samverka.testing import make_kommun

BRA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "crime_stats"

BRA_CATEGORIES = {
    "alla_brott": "",  # the total of all crime
    "bilstold": "theft.vehicle",
    "bostadsinbrott_lagenhet": "theft.residential",
    "bostadsinbrott_villa": "theft.residential",
    "misshandel": "person.assault",
    "stold_ur_fordon": "theft.vehicle",
}


class StatisticsTestBase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        vg = County.objects.create(code="14", name="Västra Götalands län")
        cls.goteborg = make_kommun("Göteborg", "1480", vg)
        cls.owner = Organization.objects.create(
            name="Brå", slug="bra", kind=OrganizationKind.NATIONAL
        )
        cls.mapping = ColumnMapping.objects.create(
            name="Brå SOL (år, område, brottstyp, antal)",
            owner=cls.owner,
            area_column="area",
            period_column="year",
            period_kind=PeriodKind.YEAR,
            category_column="crime_type",
            value_column="count",
            kommun=cls.goteborg,
            categories=BRA_CATEGORIES,
        )

    def run_import(self, data: bytes, name: str = "tabell.csv") -> Dataset:
        return services.import_statistics(
            data, file_name=name, mapping=self.mapping, owner=self.owner
        ).dataset


class StatisticsImportTest(StatisticsTestBase):
    def test_the_bra_export_imports_through_a_mapping(self) -> None:
        data = (BRA / "bra_goteborg_stadsomraden_2023-2025.csv").read_bytes()
        dataset = self.run_import(data, "bra_goteborg_stadsomraden_2023-2025.csv")
        self.assertEqual(
            (dataset.rows_read, dataset.rows_imported, dataset.rows_rejected), (90, 90, 0)
        )
        self.assertEqual(
            set(SubArea.objects.values_list("name", flat=True)),
            {"Centrum", "Hisingen", "Nordost", "Sydväst"},
        )
        total_2023 = Statistic.objects.get(
            kommun=self.goteborg,
            sub_area=None,
            source_category="alla_brott",
            period_start__year=2023,
        )
        self.assertEqual(total_2023.value, 90659)
        self.assertIsNone(total_2023.category)
        burglary = Statistic.objects.filter(
            kommun=self.goteborg,
            sub_area=None,
            period_start__year=2023,
            category__code="theft.residential",
        )
        self.assertEqual(sorted(s.value for s in burglary), [203.0, 381.0])
        self.assertEqual(
            (str(dataset.period_start), str(dataset.period_end)), ("2023-01-01", "2025-12-31")
        )
        again = services.import_statistics(
            data, file_name="igen.csv", mapping=self.mapping, owner=self.owner
        )
        self.assertTrue(again.already_imported)
        self.assertEqual(Statistic.objects.count(), 90)

    def test_swedish_excel_csv_with_bom_semicolons_decimal_commas_and_suppressed_values(
        self,
    ) -> None:
        text = (
            "year;area;crime_type;count\r\n"
            "2024;Göteborgs kommun;misshandel;1 234,0\r\n"
            "2024;Sydväst;misshandel;..\r\n"
            "2024;Centrum;misshandel;12,5\r\n"
        )
        dataset = self.run_import("\ufeff".encode() + text.encode("utf-8"))
        self.assertEqual(dataset.rows_imported, 3)
        self.assertEqual(Statistic.objects.get(sub_area=None).value, 1234.0)
        suppressed = Statistic.objects.get(sub_area__name="Sydväst")
        self.assertTrue(suppressed.suppressed)
        self.assertIsNone(suppressed.value)  # not zero
        self.assertEqual(Statistic.objects.get(sub_area__name="Centrum").value, 12.5)

    def test_windows_1252_is_read(self) -> None:
        text = "year,area,crime_type,count\n2024,Sydväst,bilstold,7\n"
        self.run_import(text.encode("cp1252"))
        self.assertEqual(Statistic.objects.get().sub_area.name, "Sydväst")  # type: ignore[union-attr]

    def test_an_xlsx_file_is_read_like_csv(self) -> None:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["year", "area", "crime_type", "count"])
        sheet.append([2025, "Göteborg kommun", "misshandel", 5100])
        sheet.append([2025, "Hisingen", "misshandel", None])
        buffer = io.BytesIO()
        workbook.save(buffer)
        dataset = self.run_import(buffer.getvalue(), "tabell.xlsx")
        self.assertEqual((dataset.rows_imported, dataset.rows_rejected), (2, 0))
        self.assertEqual(Statistic.objects.get(sub_area=None).value, 5100)

    def test_broken_rows_are_named_and_the_rest_goes_in(self) -> None:
        text = (
            "year,area,crime_type,count\n"
            "2024,Centrum,misshandel,10\n"
            "2024,Centrum,misshandel,tolv\n"
            "tjugo,Centrum,misshandel,3\n"
            "2024,Centrum,bilstold,5\n"
        )
        dataset = self.run_import(text.encode())
        self.assertEqual((dataset.rows_imported, dataset.rows_rejected), (2, 2))
        rejected = {(r.row_number, r.field) for r in dataset.rejected.all()}
        self.assertEqual(rejected, {(3, "count"), (4, "year")})

    def test_a_missing_column_stops_the_import_and_names_it(self) -> None:
        with self.assertRaises(services.ImportError_) as ctx:
            self.run_import(b"ar,omrade,antal\n2024,Centrum,3\n")
        self.assertIn("year", str(ctx.exception))
        self.assertFalse(Dataset.objects.exists())

    def test_unknown_areas_are_rejected_when_the_mapping_says_so(self) -> None:
        self.mapping.create_sub_areas = False
        self.mapping.save()
        dataset = self.run_import(b"year,area,crime_type,count\n2024,Atlantis,bilstold,1\n")
        self.assertEqual(dataset.rows_rejected, 1)
        self.assertFalse(SubArea.objects.exists())


class StatisticsEntryPointsTest(StatisticsTestBase):
    def test_the_command_imports_through_a_named_mapping(self) -> None:
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command(
            "import_statistics",
            str(BRA / "bra_goteborg_stadsomraden_2023-2025.csv"),
            "--mapping",
            self.mapping.name,
            "--owner",
            "bra",
            stdout=out,
        )
        self.assertIn("90 imported, 0 rejected", out.getvalue())

    def test_a_table_is_uploaded_through_the_web_with_its_mapping(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from samverka.sources.models import ImportJob, JobStatus
        from samverka.tenancy.access import Role
        from samverka.tenancy.models import Membership
        from samverka.testing import make_user

        analyst = make_user("analys@test.example", "Ann")
        Membership.objects.create(user=analyst, organization=self.owner, role=Role.MEMBER)
        self.client.force_login(analyst)
        upload = SimpleUploadedFile(
            "bra.csv", (BRA / "bra_goteborg_stadsomraden_2023-2025.csv").read_bytes(), "text/csv"
        )
        without = self.client.post(
            "/kallor/importera/",
            {
                "kind": "statistics",
                "owner": self.owner.pk,
                "visibility": "internal",
                "file": upload,
            },
        )
        self.assertIn("mapping", without.context["form"].errors)
        upload.seek(0)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                "/kallor/importera/",
                {
                    "kind": "statistics",
                    "owner": self.owner.pk,
                    "visibility": "internal",
                    "mapping": self.mapping.pk,
                    "file": upload,
                },
            )
        job = ImportJob.objects.get()
        self.assertEqual(job.status, JobStatus.PREVIEW)  # nothing stored before confirming
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/kallor/import/{job.pk}/bekrafta/", {"confirm": "1"})
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.DONE)
        self.assertEqual(job.dataset.rows_imported, 90)  # type: ignore[union-attr]
