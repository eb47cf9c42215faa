"""A statistics mapping cannot lie quietly (issue 13, point 5).

The period kind is read from the data and confirmed, every category is mapped
explicitly, a level column (total > main > sub) is understood, and a preview shows what
would be stored before anything is.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.test import override_settings
from django.urls import reverse

from samverka.organizations.models import County
from samverka.sources import periods, services
from samverka.sources.models import (
    ColumnMapping,
    Dataset,
    ImportJob,
    JobStatus,
    PeriodKind,
    RejectedRow,
    SourceKind,
    Statistic,
)
from samverka.sources.preview import StatisticsPreview, preview_statistics
from samverka.sources.tabular import read_table
from samverka.tenancy.access import Visibility
from samverka.testing import PersonaTestCase, make_kommun

BRA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "crime_stats"

# Brå-like: a total, 8 main categories that add up to it, and 32 sub-categories that
# add up to less than their main ones (not every crime has a sub-category): 41 rows.
MAIN = [
    ("Brott mot person", 180, ["Misshandel", "Olaga hot", "Rån", "Sexualbrott", "Ofredande"]),
    (
        "Stöld- och tillgreppsbrott",
        250,
        ["Bostadsinbrott", "Bilstöld", "Stöld ur bil", "Cykelstöld", "Butiksstöld", "Fickstöld"],
    ),
    ("Skadegörelsebrott", 90, ["Klotter", "Annan skadegörelse", "Anlagd brand", "Vandalism"]),
    ("Bedrägeribrott", 60, ["Internetbedrägeri", "Kortbedrägeri", "Annat bedrägeri"]),
    ("Narkotikabrott", 40, ["Eget bruk", "Innehav", "Överlåtelse"]),
    ("Trafikbrott", 20, ["Rattfylleri", "Drograttfylleri", "Olovlig körning", "Smitning"]),
    ("Vapenbrott", 5, ["Vapeninnehav", "Knivlagen"]),
    ("Övriga brott", 7, ["Ordningslagen", "Miljöbrott", "Djurplågeri", "Förskingring", "Mened"]),
]
LEVELS = ("Totalt", "Huvudkategori", "Underkategori")


def bra_rows(month: str, scale: float = 1.0) -> list[tuple[str, str, str, int]]:
    """(period, level, category, count) of one month: 41 rows; the total 652 at scale 1."""
    rows = []
    mains = [(name, round(value * scale), subs) for name, value, subs in MAIN]
    rows.append((month, LEVELS[0], "Samtliga brott", sum(v for _n, v, _s in mains)))
    for name, value, subs in mains:
        rows.append((month, LEVELS[1], name, value))
        for sub in subs:
            rows.append((month, LEVELS[2], sub, value // (len(subs) + 1)))
    return rows


def bra_table(area: str, months: tuple[str, ...] = ("2026-07", "2026-08")) -> bytes:
    lines = ["Region;Månad;Nivå;Brott;Antal"]
    for index, month in enumerate(months):
        scale = 1.0 if month == "2026-08" else 0.9 + index / 100
        lines += [f"{area};{p};{level};{name};{n}" for p, level, name, n in bra_rows(month, scale)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def good_targets() -> dict[str, str]:
    """The total row to the total, main categories to the taxonomy, sub-categories skipped
    except where the taxonomy is finer (burglary), whose main category is then skipped."""
    mapped = {
        "Samtliga brott": "total",
        "Brott mot person": "person",
        "Stöld- och tillgreppsbrott": "skip",
        "Skadegörelsebrott": "damage",
        "Bedrägeribrott": "fraud",
        "Narkotikabrott": "drugs",
        "Trafikbrott": "traffic",
        "Vapenbrott": "skip",
        "Övriga brott": "skip",
    }
    for _name, _value, subs in MAIN:
        mapped.update(dict.fromkeys(subs, "skip"))
    mapped.update({"Bostadsinbrott": "theft.residential", "Cykelstöld": "theft.bicycle"})
    return mapped


class BraMonthly(PersonaTestCase):
    """Oskarshamn's reported crimes per month, levels total > main > sub."""

    def setUp(self) -> None:
        self.area = f"{self.kommun.name}s kommun"
        self.data = bra_table(self.area)

    def mapping(self, **extra: object) -> ColumnMapping:
        fields: dict[str, object] = {
            "name": "Brå månad",
            "owner": self.kommun,
            "visibility": Visibility.INTERNAL,
            "area_column": "Region",
            "period_column": "Månad",
            "period_kind": PeriodKind.MONTH,
            "category_column": "Brott",
            "level_column": "Nivå",
            "value_column": "Antal",
            "kommun": self.kommun,
            "categories": good_targets(),
        }
        return ColumnMapping.objects.create(**(fields | extra))

    def preview(self, mapping: ColumnMapping) -> StatisticsPreview:
        table = read_table(self.data, "bra.csv")
        return preview_statistics(table.rows, mapping, file_name="bra.csv")


class BraMonthlyTest(BraMonthly):
    def test_the_table_is_what_the_issue_describes(self) -> None:
        august = bra_rows("2026-08")
        self.assertEqual(len(august), 41)
        self.assertEqual(august[0][3], 652)
        # Stored as 41 totals, the month would be far more than its 652.
        self.assertGreater(sum(r[3] for r in august), 1800)

    def test_2026_08_keys_are_read_as_months_never_as_8_0(self) -> None:
        detected = periods.detect(["2026-07", "2026-08"])
        self.assertEqual(detected.kind, PeriodKind.MONTH)
        for text in ("2026-08", "2026M08", "augusti 2026", "aug 2026", "2026-08-01"):
            with self.subTest(text=text):
                self.assertEqual(str(periods.parse_period(text, PeriodKind.MONTH)), "2026-08-01")
        for text, kind in (("Q3 2026", "quarter"), ("2026K3", "quarter"), ("2026-Q3", "quarter")):
            self.assertEqual(periods.detect([text]).kind, kind)
            self.assertEqual(str(periods.parse_period(text, kind)), "2026-07-01")
        self.assertEqual(periods.detect(["2025", "2026"]).kind, PeriodKind.YEAR)
        # A month is never read as a whole year.
        with self.assertRaises(ValueError):
            periods.parse_period("2026-08", PeriodKind.YEAR)

        dataset = services.import_statistics(
            self.data, file_name="bra.csv", mapping=self.mapping(), owner=self.kommun
        ).dataset
        self.assertEqual(dataset.rows_rejected, 0)
        self.assertEqual(
            sorted(Statistic.objects.values_list("period_start", flat=True).distinct()),
            [periods.parse_period("2026-07", "month"), periods.parse_period("2026-08", "month")],
        )
        self.assertFalse(RejectedRow.objects.filter(reason__contains="8.0").exists())

    def test_months_saved_by_excel_as_dates_are_months(self) -> None:
        import datetime as dt
        import io

        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["Region", "Månad", "Nivå", "Brott", "Antal"])
        august = dt.datetime(2026, 8, 1)  # noqa: DTZ001 (a cell of Excel has no time zone)
        for _p, level, name, count in bra_rows("2026-08"):
            sheet.append([self.area, august, level, name, float(count)])
        buffer = io.BytesIO()
        book.save(buffer)
        table = read_table(buffer.getvalue(), "bra.xlsx")
        rows = list(table.rows)
        self.assertEqual(periods.detect(r["Månad"] for _n, r in rows).kind, PeriodKind.MONTH)
        shown = preview_statistics(iter(rows), self.mapping(), file_name="bra.xlsx")
        self.assertEqual(shown.rows_rejected, 0, shown.rejected)
        self.assertEqual(shown.total(self.area, "2026-08"), 652)

    def test_a_year_column_and_a_month_column_make_the_month(self) -> None:
        # As some exports write them: the year and the month apart, the month a number a
        # tool wrote as "8.0", or a name.
        for month in ("8", "08", "8.0", "augusti", "aug"):
            with self.subTest(month=month):
                lines = ["År;Månad;Region;Nivå;Brott;Antal"] + [
                    f"2026;{month};{self.area};{level};{name};{n}"
                    for _p, level, name, n in bra_rows("2026-08")
                ]
                rows = read_table("\n".join(lines).encode(), "bra.csv").rows
                mapping = self.mapping(year_column="År")
                shown = preview_statistics(rows, mapping, file_name="bra.csv")
                self.assertEqual(shown.detected_kind, PeriodKind.MONTH)
                self.assertEqual(shown.rows_rejected, 0, shown.rejected)
                self.assertEqual(shown.total(self.area, "2026-08"), 652)
        self.assertEqual(periods.combine("2026", "3", PeriodKind.QUARTER), "2026 K3")
        self.assertEqual(str(periods.parse_period("2026 K3", PeriodKind.QUARTER)), "2026-07-01")

    def test_the_preview_shows_652_and_the_import_stores_652(self) -> None:
        mapping = self.mapping()
        shown = self.preview(mapping)
        self.assertEqual(shown.total(self.area, "2026-08"), 652)
        self.assertEqual(shown.blocking, [])
        self.assertEqual(shown.warnings, [])
        self.assertEqual((shown.rows_read, shown.rows_rejected), (82, 0))
        self.assertFalse(Statistic.objects.exists())  # a preview stores nothing

        services.import_statistics(
            self.data, file_name="bra.csv", mapping=mapping, owner=self.kommun
        )
        august = Statistic.objects.filter(period_start__year=2026, period_start__month=8)
        self.assertEqual(august.filter(category=None).aggregate(s=Sum("value"))["s"], 652)
        self.assertEqual(august.count(), 8)  # the total and 7 categories; 33 rows skipped
        self.assertEqual(Dataset.objects.get().rows_skipped, 2 * 33)

    def test_the_rejected_rows_are_named_by_row_and_field_without_personal_data(self) -> None:
        self.data += f"{self.area};2026-08;Totalt;Samtliga brott;ring 070-123 45 67\r\n".encode()
        self.data += f"{self.area};8.0;Totalt;Samtliga brott;3\r\n".encode()
        shown = self.preview(self.mapping())
        self.assertEqual(shown.rows_rejected, 2)
        (row, field, reason), (row2, field2, reason2) = shown.rejected
        self.assertEqual((row, field, row2, field2), (84, "Antal", 85, "Månad"))
        self.assertTrue(reason.startswith("Kolumn med värdet ”Antal”: inte ett tal"), reason)
        self.assertNotIn("070-123 45 67", reason)
        self.assertEqual(reason2, "Kolumn med perioden ”Månad”: inte en månad: ”8.0”")

    def test_an_unmapped_category_blocks_the_import_and_names_it(self) -> None:
        targets = good_targets()
        del targets["Knivlagen"], targets["Mened"]
        mapping = self.mapping(categories=targets)
        shown = self.preview(mapping)
        self.assertEqual(shown.unmapped, ["Knivlagen", "Mened"])
        self.assertIn("Knivlagen", shown.blocking[0])
        with self.assertRaises(services.ImportError_) as raised:
            services.import_statistics(
                self.data, file_name="bra.csv", mapping=mapping, owner=self.kommun
            )
        self.assertIn("”Knivlagen", str(raised.exception))
        self.assertIn("”Mened", str(raised.exception))
        self.assertEqual((Dataset.objects.count(), Statistic.objects.count()), (0, 0))

    def test_a_main_category_and_its_sub_categories_mapped_together_warn(self) -> None:
        # Theft as a main category, and burglary and bicycle theft beside it: together
        # the mapped rows add up to more than the total.
        targets = good_targets() | {
            "Stöld- och tillgreppsbrott": "theft.other",
            "Vapenbrott": "order",
            "Övriga brott": "order.mischief",
            "Misshandel": "person.assault",
        }
        shown = self.preview(self.mapping(categories=targets))
        warnings = " ".join(shown.warnings)
        self.assertIn("2026-08", warnings)
        self.assertIn("652", warnings)
        self.assertEqual(shown.blocking, [])

    def test_one_level_mapped_to_one_category_twice_is_refused(self) -> None:
        # Burglary from the main level and from the sub level both: counted twice.
        targets = good_targets() | {"Stöld- och tillgreppsbrott": "theft.residential"}
        mapping = self.mapping(categories=targets)
        self.assertIn("Bostadsinbrott", " ".join(self.preview(mapping).blocking))
        with self.assertRaises(services.ImportError_):
            services.import_statistics(
                self.data, file_name="bra.csv", mapping=mapping, owner=self.kommun
            )
        self.assertFalse(Statistic.objects.exists())

    def test_a_main_category_taken_for_the_total_is_refused(self) -> None:
        targets = good_targets() | {"Samtliga brott": "skip", "Brott mot person": "total"}
        blocking = " ".join(self.preview(self.mapping(categories=targets)).blocking)
        self.assertIn("Huvudkategori", blocking)
        self.assertIn("Totalt", blocking)

    def test_41_rows_mapped_as_the_total_are_refused_not_stored_as_2697(self) -> None:
        everything_total = dict.fromkeys(good_targets(), "total")
        mapping = self.mapping(categories=everything_total, level_column="")
        shown = self.preview(mapping)
        self.assertIn("41", " ".join(shown.blocking))
        with self.assertRaises(services.ImportError_):
            services.import_statistics(
                self.data, file_name="bra.csv", mapping=mapping, owner=self.kommun
            )
        self.assertFalse(Statistic.objects.exists())


@override_settings(UPLOAD_DIR=Path(tempfile.mkdtemp(prefix="samverka-preview-")))
class BraMonthlyThroughTheWebTest(BraMonthly):
    def make_mapping_in_the_browser(self) -> ColumnMapping:
        self.login_as("coordinator")
        self.client.post(
            reverse("sources:mapping_start"),
            {
                "name": "Brå SOL månad",
                "kind": SourceKind.CRIME_STATISTICS,
                "owner": self.kommun.pk,
                "kommun": self.kommun.pk,
                "sample": SimpleUploadedFile("bra.csv", self.data, "text/csv"),
            },
        )
        columns = {
            "area_column": "Region",
            "period_column": "Månad",
            "value_column": "Antal",
            "category_column": "Brott",
            "level_column": "Nivå",
        }
        step = self.client.post(reverse("sources:mapping_columns"), {**columns, "show": "1"})
        form = step.context["form"]
        # The period kind is found in the data and shown, not assumed to be years.
        self.assertEqual(form.initial["period_kind"], PeriodKind.MONTH)
        self.assertContains(step, "2026-07")
        self.assertEqual(len(form.source_categories), 41)
        # No category is sent anywhere by default: saving without choosing is refused,
        # naming what is missing, each error linked to its field.
        refused = self.client.post(
            reverse("sources:mapping_columns"),
            {**columns, "period_kind": "month", "save": "1"},
        )
        self.assertFalse(ColumnMapping.objects.filter(name="Brå SOL månad").exists())
        self.assertContains(refused, "41 av tabellens kategorier är inte mappade")
        self.assertContains(refused, 'href="#id_category_0"')
        # Years for monthly keys are refused on the field.
        wrong = self.client.post(
            reverse("sources:mapping_columns"),
            {**columns, "period_kind": "year", "save": "1"},
        )
        self.assertIn("period_kind", wrong.context["form"].errors)
        chosen = {
            f"category_{i}": good_targets()[name] for i, name in enumerate(form.source_categories)
        }
        previewed = self.client.post(
            reverse("sources:mapping_columns"),
            {**columns, **chosen, "period_kind": "month", "preview": "1"},
        )
        self.assertEqual(previewed.context["statistics_preview"].total(self.area, "2026-08"), 652)
        self.assertContains(previewed, "<caption>")
        saved = self.client.post(
            reverse("sources:mapping_columns"),
            {**columns, **chosen, "period_kind": "month", "save": "1"},
        )
        self.assertRedirects(saved, reverse("sources:mappings"))
        return ColumnMapping.objects.get(name="Brå SOL månad")

    def test_a_year_and_a_month_column_are_found_on_the_mapping_screen(self) -> None:
        lines = ["År;Månad;Region;Nivå;Brott;Antal"] + [
            f"2026;8.0;{self.area};{level};{name};{n}" for _p, level, name, n in bra_rows("x")
        ]
        self.login_as("coordinator")
        self.client.post(
            reverse("sources:mapping_start"),
            {
                "name": "Brå år och månad",
                "kind": SourceKind.CRIME_STATISTICS,
                "owner": self.kommun.pk,
                "kommun": self.kommun.pk,
                "sample": SimpleUploadedFile("bra.csv", "\n".join(lines).encode(), "text/csv"),
            },
        )
        form = self.client.get(reverse("sources:mapping_columns")).context["form"]
        self.assertEqual(
            (form.initial["year_column"], form.initial["period_column"]), ("År", "Månad")
        )
        self.assertEqual(form.initial["period_kind"], PeriodKind.MONTH)
        self.assertEqual(form.initial["level_column"], "Nivå")

    def test_upload_preview_confirm_stores_652_and_nothing_before(self) -> None:
        mapping = self.make_mapping_in_the_browser()
        self.assertEqual(mapping.level_column, "Nivå")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("sources:upload"),
                {
                    "kind": SourceKind.CRIME_STATISTICS,
                    "mapping": mapping.pk,
                    "owner": self.kommun.pk,
                    "visibility": Visibility.INTERNAL,
                    "file": SimpleUploadedFile("oskarshamn.csv", self.data, "text/csv"),
                },
            )
        job = ImportJob.objects.get()
        self.assertRedirects(response, job.get_absolute_url())
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.PREVIEW)
        # Nothing is stored before the confirmation.
        self.assertEqual((Dataset.objects.count(), Statistic.objects.count()), (0, 0))
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, "652")
        self.assertContains(page, '<th scope="row">2026-08</th>')
        self.assertContains(page, "Bekräfta och importera")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("sources:job_confirm", args=[job.pk]), {"confirm": "1"})
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.DONE)
        august = Statistic.objects.filter(
            period_start__year=2026, period_start__month=8, category=None
        )
        self.assertEqual(august.aggregate(s=Sum("value"))["s"], 652)
        dataset = job.dataset
        assert dataset is not None
        self.assertEqual(dataset.rows_skipped, 2 * 33)

    def test_the_worker_does_not_import_a_table_whose_preview_is_not_confirmed(self) -> None:
        from samverka.sources.preview_jobs import PENDING, run_preview
        from samverka.sources.tasks import run_import

        stored = Path(tempfile.mkdtemp(prefix="samverka-preview-")) / "x.upload"
        stored.write_bytes(self.data)
        job = ImportJob.objects.create(
            kind=SourceKind.CRIME_STATISTICS,
            owner=self.kommun,
            mapping=self.mapping(),
            file_name="oskarshamn.csv",
            stored_path=str(stored),
            created_by=self.coordinator,
            preview=PENDING,
        )
        run_import.call(job.pk)  # as if enqueued by mistake before the confirmation
        run_preview.call(job.pk)
        run_import.call(job.pk)
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.PREVIEW)
        self.assertEqual(StatisticsPreview.from_json(job.preview).total(self.area, "2026-08"), 652)
        self.assertEqual((Dataset.objects.count(), Statistic.objects.count()), (0, 0))

    def test_a_preview_that_blocks_cannot_be_confirmed(self) -> None:
        targets = good_targets()
        del targets["Mened"]
        mapping = self.mapping(categories=targets)
        self.login_as("coordinator")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("sources:upload"),
                {
                    "kind": SourceKind.CRIME_STATISTICS,
                    "mapping": mapping.pk,
                    "owner": self.kommun.pk,
                    "visibility": Visibility.INTERNAL,
                    "file": SimpleUploadedFile("oskarshamn.csv", self.data, "text/csv"),
                },
            )
        job = ImportJob.objects.get()
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, "Mened")
        self.assertNotContains(page, "Bekräfta och importera")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("sources:job_confirm", args=[job.pk]), {"confirm": "1"})
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.PREVIEW)
        self.assertEqual((Dataset.objects.count(), Statistic.objects.count()), (0, 0))
        # Another organization's member may not confirm it.
        self.login_as("outsider")
        response = self.client.post(reverse("sources:job_confirm", args=[job.pk]), {})
        self.assertEqual(response.status_code, 404)


class RealBraExportPreviewTest(PersonaTestCase):
    def test_the_goteborg_export_is_read_as_years_and_previewed(self) -> None:
        goteborg = make_kommun("Göteborg", "1480", County.objects.create(code="14", name="VG"))
        data = (BRA / "bra_goteborg_stadsomraden_2023-2025.csv").read_bytes()
        self.assertIn(b"\r\n", data)
        table = read_table(data, "bra.csv")
        rows = list(table.rows)
        self.assertEqual(periods.detect(r["year"] for _n, r in rows).kind, PeriodKind.YEAR)
        mapping = ColumnMapping.objects.create(
            name="Brå SOL",
            owner=goteborg,
            area_column="area",
            period_column="year",
            period_kind=PeriodKind.YEAR,
            category_column="crime_type",
            value_column="count",
            kommun=goteborg,
            categories={
                "alla_brott": "total",
                "bilstold": "theft.vehicle",
                "stold_ur_fordon": "theft.vehicle",
                "bostadsinbrott_lagenhet": "theft.residential",
                "bostadsinbrott_villa": "theft.residential",
                "misshandel": "person.assault",
            },
        )
        shown = preview_statistics(iter(rows), mapping, file_name="bra.csv")
        self.assertEqual(shown.detected_kind, PeriodKind.YEAR)
        self.assertEqual((shown.rows_read, shown.rows_rejected), (90, 0))
        self.assertEqual(shown.blocking, [])
        self.assertEqual(shown.total("Göteborg kommun", "2023"), 90659)
        self.assertEqual(
            {a.name for a in shown.areas if a.new},
            {"Centrum", "Hisingen", "Nordost", "Sydväst"},
        )
        self.assertFalse(Statistic.objects.exists())

    def test_the_goteborg_export_is_detected_as_years_on_the_mapping_screen(self) -> None:
        from samverka.tenancy.access import Role
        from samverka.tenancy.models import Membership

        goteborg = make_kommun("Göteborg", "1480", County.objects.create(code="14", name="VG"))
        Membership.objects.create(user=self.coordinator, organization=goteborg, role=Role.MEMBER)
        self.login_as("coordinator")
        data = (BRA / "bra_goteborg_stadsomraden_2023-2025.csv").read_bytes()
        self.client.post(
            reverse("sources:mapping_start"),
            {
                "name": "Brå SOL år",
                "kind": SourceKind.CRIME_STATISTICS,
                "owner": goteborg.pk,
                "kommun": goteborg.pk,
                "sample": SimpleUploadedFile("bra.csv", data, "text/csv"),
            },
        )
        columns = {
            "area_column": "area",
            "period_column": "year",
            "value_column": "count",
            "category_column": "crime_type",
            "level_column": "",
        }
        step = self.client.post(reverse("sources:mapping_columns"), {**columns, "show": "1"})
        form = step.context["form"]
        self.assertEqual(form.initial["period_kind"], PeriodKind.YEAR)
        self.assertIn("2023", form.fields["period_kind"].help_text)
        targets = {
            "alla_brott": "total",
            "misshandel": "person.assault",
            "bilstold": "theft.vehicle",
            "stold_ur_fordon": "theft.vehicle",
            "bostadsinbrott_villa": "theft.residential",
            "bostadsinbrott_lagenhet": "theft.residential",
        }
        chosen = {f"category_{i}": targets[c] for i, c in enumerate(form.source_categories)}
        # Months for these yearly keys are refused on the field.
        wrong = self.client.post(
            reverse("sources:mapping_columns"),
            {**columns, **chosen, "period_kind": "month", "preview": "1"},
        )
        self.assertIn("period_kind", wrong.context["form"].errors)
        shown = self.client.post(
            reverse("sources:mapping_columns"),
            {**columns, **chosen, "period_kind": "year", "preview": "1"},
        ).context["statistics_preview"]
        self.assertEqual(shown.total("Göteborg kommun", "2025"), 84816)
        self.assertEqual((shown.rows_read, shown.rows_rejected), (90, 0))
        self.assertFalse(Statistic.objects.exists())
