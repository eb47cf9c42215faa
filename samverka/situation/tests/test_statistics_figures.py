"""Reported-crime statistics are figures of the lägesbild (issue 13, point 1): their own
section beside the events, never added to them, named by their kind of source, carried
into pinned evidence, the adopted picture, the public summary and the documents.

The statistics are synthetic Brå-like rows (monthly reported crimes per kommun and
category, with Brå's total of all crime), imported through a column mapping as a
coordinator would. The cache is on."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import ClassVar

from django.core.cache import cache

from samverka.lib.dates import add_months
from samverka.organizations.models import SubArea
from samverka.situation import overview, services, statistics
from samverka.situation.models import FigureKind, Problem
from samverka.situation.tests.test_workspace import (
    YEAR_END,
    YEAR_START,
    WorkspaceTestCase,
    pdf_text,
)
from samverka.sources import services as sources
from samverka.sources.models import ColumnMapping, Dataset, PeriodKind, SourceKind, Statistic
from samverka.sources.tests.test_statistics import BRA, StatisticsTestBase
from samverka.tenancy.access import Visibility

# Brå's category names as in its exports, mapped to the common taxonomy.
CATEGORIES = {
    "Samtliga brott": "",
    "Bostadsinbrott": "theft.residential",
    "Misshandel": "person.assault",
    "Stöld ur eller från motordrivet fordon": "theft.vehicle",
}
AUGUST = dt.date(2025, 8, 1)


def monthly_rows(area: str, first: dt.date, months: int, *, august_total: int = 652) -> list[str]:
    """Four years of months: a total of all crime and three categories below it."""
    lines = []
    for index in range(months):
        month = add_months(first, index)
        burglary, assault, vehicle = 8 + index % 5, 21 + index % 7, 30 + index % 11
        total = august_total if month == AUGUST else 540 + (index * 37) % 120
        for name, value in (
            ("Samtliga brott", total),
            ("Bostadsinbrott", burglary),
            ("Misshandel", assault),
            ("Stöld ur eller från motordrivet fordon", vehicle),
        ):
            lines.append(f"{area};{month:%Y-%m};{name};{value}")
    return lines


class StatisticsFiguresTest(WorkspaceTestCase):
    statistics_data: ClassVar[Dataset]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        mapping = ColumnMapping.objects.create(
            name="Brå månad",
            owner=cls.kommun,
            area_column="Kommun",
            period_column="Månad",
            period_kind=PeriodKind.MONTH,
            category_column="Brottstyp",
            value_column="Antal",
            kommun=cls.kommun,
            categories=CATEGORIES,
        )
        lines = ["Kommun;Månad;Brottstyp;Antal"]
        lines += monthly_rows(f"{cls.kommun.name} kommun", dt.date(2022, 1, 1), 48)
        result = sources.import_statistics(
            "\n".join(lines).encode(),
            file_name="bra-anmalda-brott-manad.csv",
            mapping=mapping,
            owner=cls.kommun,
            title="Anmälda brott per månad, Brå",
        )
        cls.statistics_data = result.dataset
        Dataset.objects.filter(pk=cls.statistics_data.pk).update(
            visibility=Visibility.SHARED, agreement=cls.agreement
        )
        cls.picture.source_choices.create(dataset=cls.statistics_data, included=True)

    def setUp(self) -> None:
        cache.clear()

    def august(self) -> overview.Filters:
        return overview.Filters(AUGUST, dt.date(2025, 8, 31))

    def test_a_month_of_652_reported_crimes_shows_652_on_the_lagesbild(self) -> None:
        plain = Statistic.objects.get(
            dataset=self.statistics_data, period_start=AUGUST, category__isnull=True
        ).value
        self.assertEqual(plain, 652)
        figures = services.figures(self.picture, self.august())
        self.assertEqual(figures["statistics"]["total"], 652)
        self.login_as("coordinator")
        page = self.client.get(
            self.url("detail"), {"start": "2025-08-01", "end": "2025-08-31"}
        ).content.decode()
        section = page[page.index('id="fig-statistics"') :]
        self.assertIn("data-statistics-total>652<", section)
        self.assertIn("Anmälda brott enligt Brå: Anmälda brott per månad, Brå", section)
        # Statistics and events are never added together: the events' total is the
        # police events' own count.
        self.assertEqual(
            figures["categories"]["total"],
            overview.count_events(self.kommun, [self.police_data.pk], self.august()),
        )

    def test_the_categories_are_counted_from_the_input(self) -> None:
        figures = services.figures(self.picture)["statistics"]
        by_code = {row["code"]: row["count"] for row in figures["rows"]}
        year = Statistic.objects.filter(
            dataset=self.statistics_data, period_start__year=2025, category__isnull=False
        )
        theft = sum(
            s.value for s in year if s.source_category != "Misshandel"
        )  # both theft rows roll up into the main category
        person = sum(s.value for s in year if s.source_category == "Misshandel")
        self.assertEqual(by_code, {"theft": theft, "person": person})
        total = sum(
            s.value
            for s in Statistic.objects.filter(
                dataset=self.statistics_data, period_start__year=2025, category__isnull=True
            )
        )
        self.assertEqual(figures["total"], total)
        self.assertEqual(figures["months_covered"], 12)

    def test_rates_are_per_100000_a_year_rounded_half_away_from_zero(self) -> None:
        figures = services.figures(self.picture)["statistics"]
        person = next(row for row in figures["rows"] if row["code"] == "person")
        self.assertAlmostEqual(person["kommun"]["rate"], person["count"] / 27000 * 100000)
        self.assertLess(person["kommun"]["lower"], person["kommun"]["rate"])
        # A rate of x.5 reads as the next whole number up, on the page and in the chart:
        # 27 assaults in the year among 8 000 inhabitants are 337.5 per 100 000.
        Statistic.objects.filter(
            dataset=self.statistics_data, period_start__year=2025, source_category="Misshandel"
        ).update(value=0)
        Statistic.objects.filter(
            dataset=self.statistics_data, period_start=AUGUST, source_category="Misshandel"
        ).update(value=27)
        self.kommun.population = 8000
        self.kommun.save()
        Dataset.objects.filter(pk=self.statistics_data.pk).update(
            updated_at=dt.datetime.now(dt.UTC)
        )
        cache.clear()
        figures = services.figures(self.picture)["statistics"]
        person = next(row for row in figures["rows"] if row["code"] == "person")
        self.assertEqual(person["kommun"]["rate"], 27 / 8000 * 100000)  # 337.5
        self.login_as("coordinator")
        page = self.client.get(self.url("detail")).content.decode()
        section = page[page.index('id="fig-statistics"') :]
        self.assertRegex(section, r"338\*?(</span>)? <span class=\"muted\">")
        self.assertNotRegex(section, r">337\*?(</span>)? <span class=\"muted\">")
        chart = section[: section.index("</svg>")]
        self.assertIn(">338</text>", chart)
        self.assertNotIn(">337</text>", chart)

    def test_the_events_figures_credit_only_event_sources(self) -> None:
        self.login_as("coordinator")
        page = self.client.get(self.url("detail")).content.decode()
        events = page[page.index('id="fig-categories"') : page.index('id="fig-statistics"')]
        self.assertNotIn("Brå", events)
        self.assertIn("Källa:", events)
        for section in re.findall(r'id="fig-(?:months|weekday|map)".*?</section>', page, re.S):
            self.assertNotIn("Brå", section)
        statistics_section = page[page.index('id="fig-statistics"') :]
        statistics_section = statistics_section[: statistics_section.index("</section>")]
        self.assertNotIn(self.police_data.title, statistics_section)

    def test_the_change_uses_the_verdicts_of_the_events_table(self) -> None:
        figures = services.figures(self.picture)["statistics"]
        self.assertTrue(figures["previous"]["covered"])
        for row in figures["rows"]:
            change = row["change"]
            self.assertIn(change["verdict"], {"ökning", "minskning", "ingen säker förändring"})
            if change["lower"] <= 1 <= change["upper"]:
                self.assertEqual(change["verdict"], "ingen säker förändring")

    def test_the_months_have_control_limits_and_preliminary_marks(self) -> None:
        figures = statistics.build(
            self.kommun,
            [self.statistics_data.pk],
            overview.Filters(YEAR_START, YEAR_END),
            today=dt.date(2026, 1, 15),
        )
        months = figures["months"]
        self.assertEqual(len(months["observed"]), 12)
        self.assertEqual(months["observed"][7], 652)
        self.assertEqual(months["baseline_months"], 36)
        self.assertEqual(len(months["upper"]), 12)
        self.assertTrue(all(months["preliminary"]))  # before February 2026
        final = statistics.build(
            self.kommun,
            [self.statistics_data.pk],
            overview.Filters(YEAR_START, YEAR_END),
            today=dt.date(2026, 2, 1),
        )
        self.assertFalse(any(final["months"]["preliminary"]))
        self.assertFalse(final["preliminary"])

    def test_the_county_and_nation_come_from_the_same_statistics(self) -> None:
        lines = ["Kommun;Månad;Brottstyp;Antal"]
        lines += monthly_rows(self.kommun.name, YEAR_START, 12)
        lines += monthly_rows(self.other_kommun.name, YEAR_START, 12)
        mapping = ColumnMapping.objects.get(name="Brå månad")
        national = sources.import_statistics(
            "\n".join(lines).encode(),
            file_name="bra-riket.csv",
            mapping=mapping,
            owner=self.kommun,
            title="Brå, två kommuner",
        ).dataset
        self.other_kommun.population = 9000
        self.other_kommun.save()
        figures = statistics.build(
            self.kommun, [national.pk], overview.Filters(YEAR_START, YEAR_END)
        )
        self.assertEqual(figures["nation_kommuner"], 2)
        person = next(row for row in figures["rows"] if row["code"] == "person")
        self.assertAlmostEqual(person["nation"]["rate"], 2 * person["count"] / 36000 * 1e5)

    def test_a_pinned_figure_the_adopted_picture_and_the_public_summary_carry_them(self) -> None:
        problem = Problem.objects.create(picture=self.picture, title="Bostadsinbrott")
        evidence = services.pin(
            self.picture,
            problem,
            FigureKind.STATISTICS,
            overview.Filters(YEAR_START, YEAR_END),
            self.coordinator,
        )
        self.assertEqual(
            evidence.data["statistics"]["total"],
            services.figures(self.picture)["statistics"]["total"],
        )
        self.assertEqual(
            evidence.data["statistics"]["sources"][0]["kind"], SourceKind.CRIME_STATISTICS
        )
        services.adopt(self.picture, dt.date(2026, 3, 1), "KS 2026/12", self.coordinator)
        frozen = self.picture.snapshot["overview"]["statistics"]
        self.assertEqual(frozen["total"], evidence.data["statistics"]["total"])
        summary = services.publish_summary(self.picture, "Sammanfattning", self.coordinator)
        self.assertEqual(summary.figures["statistics"]["total"], frozen["total"])
        self.assertNotIn("id", summary.figures["statistics"]["sources"][0])
        self.client.logout()
        page = self.client.get(summary.get_absolute_url()).content.decode()
        self.assertIn("Anmälda brott enligt Brå", page)
        self.assertIn(f"data-statistics-total>{frozen['total']:,}<".replace(",", "\xa0"), page)
        self.login_as("coordinator")
        pdf = self.client.get(self.url("pdf"))
        self.assertIn("Anmälda brott per kategori", pdf_text(pdf.content))

    def test_a_coordinator_pins_the_statistics_from_the_page(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            self.url("pin"),
            {
                "figure": "statistics",
                "new_problem": "Misshandel i augusti",
                "start": "2025-08-01",
                "end": "2025-08-31",
                "category": "",
                "sub_area": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        evidence = Problem.objects.get(title="Misshandel i augusti").evidence.get()
        self.assertEqual(evidence.data["statistics"]["total"], 652)
        page = self.client.get(self.url("detail")).content.decode()
        pinned = page[page.index("Misshandel i augusti") :]
        self.assertIn("Anmälda brott per kategori", pinned)
        self.assertIn("data-statistics-total>652<", pinned)

    def test_a_new_version_compares_the_statistics(self) -> None:
        services.adopt(self.picture, dt.date(2026, 3, 1), "KS 2026/12", self.coordinator)
        draft = services.new_version(self.picture, self.coordinator)
        Statistic.objects.filter(
            dataset=self.statistics_data, period_start=AUGUST, source_category="Bostadsinbrott"
        ).update(value=100)
        Dataset.objects.filter(pk=self.statistics_data.pk).update(
            updated_at=dt.datetime.now(dt.UTC)
        )
        changes = services.compare(self.picture, draft, self.coordinator)
        theft = next(
            n for n in changes["statistics_numbers"] if n["label_sv"] == "Stöld och inbrott"
        )
        self.assertGreater(theft["new"], theft["old"])

    def test_the_docx_names_each_kind_of_source_and_carries_the_statistics(self) -> None:
        import io

        import docx

        self.login_as("coordinator")
        document = docx.Document(io.BytesIO(self.client.get(self.url("docx")).content))
        text = "\n".join(p.text for p in document.paragraphs)
        events_source = next(p for p in text.splitlines() if "Tabell över händelser:" in p)
        self.assertNotIn("Brå", events_source)
        self.assertIn("Källa: Anmälda brott enligt Brå: Anmälda brott per månad, Brå", text)
        figures = services.figures(self.picture)["statistics"]
        cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
        self.assertIn(
            ["Samtliga anmälda brott", f"{figures['total']:,}".replace(",", "\xa0")],
            [row[:2] for row in cells],
        )


class RealBraExportTest(StatisticsTestBase):
    """Brå's yearly export for Göteborg and its stadsområden (a real public file)."""

    def test_the_lagesbild_shows_the_files_own_totals_and_keeps_sub_areas_apart(self) -> None:
        data = (BRA / "bra_goteborg_stadsomraden_2023-2025.csv").read_bytes()
        dataset = self.run_import(data, "bra_goteborg_stadsomraden_2023-2025.csv")
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))

        def in_file(year: str, area: str, types: set[str]) -> int:
            return sum(
                int(r["count"])
                for r in rows
                if r["year"] == year and r["area"] == area and r["crime_type"] in types
            )

        year = overview.Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        figures = statistics.build(self.goteborg, [dataset.pk], year)
        self.assertEqual(figures["period_kind"], PeriodKind.YEAR)
        self.assertEqual(figures["total"], in_file("2025", "Göteborg kommun", {"alla_brott"}))
        self.assertTrue(figures["total_from_source"])
        self.assertEqual(
            figures["previous_total"], in_file("2024", "Göteborg kommun", {"alla_brott"})
        )
        self.assertNotIn("months", figures)  # yearly data has no monthly series
        theft = next(row for row in figures["rows"] if row["code"] == "theft")
        theft_types = {
            "bilstold",
            "bostadsinbrott_lagenhet",
            "bostadsinbrott_villa",
            "stold_ur_fordon",
        }
        self.assertEqual(theft["count"], in_file("2025", "Göteborg kommun", theft_types))
        self.assertIn("change", theft)
        centrum = SubArea.objects.get(kommun=self.goteborg, name="Centrum")
        area = statistics.build(
            self.goteborg,
            [dataset.pk],
            overview.Filters(year.start, year.end, sub_area=centrum.pk),
        )
        self.assertEqual(area["total"], in_file("2025", "Centrum", {"alla_brott"}))
        self.assertNotIn("kommun", area["rows"][0])  # no population is known for a sub-area
