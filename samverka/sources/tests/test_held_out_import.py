"""The held-out check of issue 13, done as a new user would.

A coordinator of Alingsås (a kommun the demo does not have) imports, through the web,
Brå's monthly reported crimes for Alingsås and Herrljunga as Brå's statistics database
exports them (long format, levels total > main > sub, "2026M01" months, ".." for a
suppressed figure, a preliminary mark, Latin-1 with CRLF) and a national survey file of
trygghet figures per län and riket (nested JSON, per cent, 0 and ".." for missing; and
the same as an XLSX on an index scale). The lägesbild's figures are then compared with
the files' own totals, computed plainly here. No personal data: the figures are invented.
The cache is on.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

from samverka.agreements.models import Agreement, AgreementStatus
from samverka.organizations.models import County, Organization
from samverka.situation.models import Evidence, SituationPicture
from samverka.sources.models import (
    ColumnMapping,
    Dataset,
    ImportJob,
    JobStatus,
    SourceKind,
    Statistic,
)
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership
from samverka.testing import make_kommun, make_lpo, make_user

DEMO_KOMMUNER = {"0882", "0883", "1060", "0761", "0481"}
ALINGSAS, HERRLJUNGA = "1489 Alingsås", "1466 Herrljunga"

# Brå's categories: (level, name, main it belongs to, Alingsås's figure of a usual month).
CATEGORIES: list[tuple[str, str, str, int]] = [
    ("Totalt", "Samtliga brott", "", 0),
    ("Huvudkategori", "Brott mot person", "", 0),
    ("Underkategori", "Misshandel", "Brott mot person", 31),
    ("Underkategori", "Olaga hot", "Brott mot person", 18),
    ("Underkategori", "Ofredande", "Brott mot person", 12),
    ("Huvudkategori", "Stöld- och tillgreppsbrott", "", 0),
    ("Underkategori", "Bostadsinbrott", "Stöld- och tillgreppsbrott", 9),
    ("Underkategori", "Cykelstöld", "Stöld- och tillgreppsbrott", 14),
    ("Underkategori", "Butiksstöld", "Stöld- och tillgreppsbrott", 22),
    ("Huvudkategori", "Skadegörelsebrott", "", 0),
    ("Underkategori", "Klotter", "Skadegörelsebrott", 11),
    ("Huvudkategori", "Bedrägeribrott", "", 0),
    ("Huvudkategori", "Narkotikabrott", "", 0),
    ("Huvudkategori", "Trafikbrott", "", 0),
]
MAIN_ONLY = {"Bedrägeribrott": 48, "Narkotikabrott": 19, "Trafikbrott": 25}
# What a main category holds besides the sub-categories listed (Brå lists only some).
MAIN_REST = {"Brott mot person": 7, "Stöld- och tillgreppsbrott": 61, "Skadegörelsebrott": 16}
TOTAL_REST = 97  # the total holds more than the main categories listed

MONTHS = [dt.date(2025, m, 1) for m in range(1, 13)] + [dt.date(2026, m, 1) for m in range(1, 9)]
PRELIMINARY_FROM = dt.date(2026, 6, 1)
SCALE = {ALINGSAS: 1.0, HERRLJUNGA: 0.23}

SWEDISH_MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]


def month_key(month: dt.date, style: str) -> str:
    if style == "M":
        return f"{month.year}M{month.month:02d}"
    return f"{SWEDISH_MONTHS[month.month - 1]} {month.year}"


def bra_month(area: str, month: dt.date) -> dict[str, int | None]:
    """One kommun's figures of one month by category; None where Brå writes ".."."""
    scale = SCALE[area] * (1 + ((month.month * 7 + month.year) % 9 - 4) / 40)
    subs = {
        name: round(usual * scale)
        for _level, name, _main, usual in CATEGORIES
        if usual  # the sub-categories
    }
    values: dict[str, int | None] = dict(subs)
    mains = {
        main: sum(subs[n] for _l, n, m, _u in CATEGORIES if m == main) + round(rest * scale)
        for main, rest in MAIN_REST.items()
    }
    mains |= {name: round(usual * scale) for name, usual in MAIN_ONLY.items()}
    values |= mains
    values["Samtliga brott"] = sum(mains.values()) + round(TOTAL_REST * scale)
    if area == HERRLJUNGA and month.month in (2, 7):
        values["Cykelstöld"] = None  # too few to publish
    return values


def bra_export(style: str = "M") -> bytes:
    """Brå's export as its statistics database writes it: Latin-1, CRLF, ";" and quotes."""
    lines = ['"Region";"Brott";"Nivå";"Månad";"Antal anmälda brott";"Uppgiftsstatus"']
    for area in (ALINGSAS, HERRLJUNGA):
        for month in MONTHS:
            values = bra_month(area, month)
            status = "Preliminär" if month >= PRELIMINARY_FROM else "Slutlig"
            for level, name, _main, _usual in CATEGORIES:
                value = values[name]
                text = ".." if value is None else str(value)
                lines.append(
                    f'"{area}";"{name}";"{level}";"{month_key(month, style)}";{text};"{status}"'
                )
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


def file_total(area: str, first: dt.date, last: dt.date, category: str = "Samtliga brott") -> int:
    """The file's own figure, summed plainly from its rows (the parsed CSV, not our code)."""
    text = bra_export().decode("latin-1")
    total = 0
    for line in text.split("\r\n")[1:]:
        if not line:
            continue
        cells = [c.strip('"') for c in line.split(";")]
        year, month = int(cells[3][:4]), int(cells[3][5:])
        if cells[0] == area and cells[1] == category and first <= dt.date(year, month, 1) <= last:
            total += int(cells[4]) if cells[4] != ".." else 0
    return total


# Where the coordinator sends each of Brå's categories: the total to the total, the main
# categories to the taxonomy's, the sub-categories the taxonomy has to its own, the rest
# skipped.
TARGETS = {
    "Samtliga brott": "total",
    "Brott mot person": "person",
    "Misshandel": "person.assault",
    "Olaga hot": "person.threat",
    "Ofredande": "skip",
    "Stöld- och tillgreppsbrott": "theft",
    "Bostadsinbrott": "theft.residential",
    "Cykelstöld": "theft.bicycle",
    "Butiksstöld": "theft.shop",
    "Skadegörelsebrott": "damage",
    "Klotter": "damage.graffiti",
    "Bedrägeribrott": "fraud",
    "Narkotikabrott": "drugs",
    "Trafikbrott": "traffic",
}

# --- the survey ---------------------------------------------------------------------------
OTRYGG = "Andel som känner sig otrygga ute sent en kväll i det egna bostadsområdet"
ORO = "Andel som är mycket eller ganska oroliga för brottsligheten i samhället"
SURVEY: dict[str, dict[str, Any]] = {
    # region: {question: (share in per cent or a missing mark, respondents)}
    "Riket": {OTRYGG: (28.7, 74210), ORO: (45.5, 74210)},
    "Västra Götalands län": {OTRYGG: (29.35, 11873), ORO: (0, 11873)},  # 0: not published
    "Kalmar län": {OTRYGG: (24.1, 2980), ORO: ("..", 2980)},
}


def survey_json() -> bytes:
    """Trygghet figures per län and riket as a publisher's JSON: nested, per cent."""
    return json.dumps(
        {
            "metadata": {"källa": "Nationella trygghetsundersökningen", "enhet": "procent"},
            "data": [
                {
                    "region": region,
                    "regionkod": {"Riket": "00", "Västra Götalands län": "14"}.get(region, "08"),
                    "värden": [
                        {"år": 2025, "indikator": q, "andel": v, "antal_svarande": n}
                        for q, (v, n) in questions.items()
                    ],
                }
                for region, questions in SURVEY.items()
            ],
        },
        ensure_ascii=False,
        indent=1,
    ).encode("utf-8")


INDEX_QUESTION = "Problemindex, ordningsstörningar"
INDEX = {"Riket": 100.0, "Västra Götalands län": 103.45, "Kalmar län": 0}  # 0: missing


def survey_xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Län", "År", "Indikator", "Index (riket 2019 = 100)"])
    for region, value in INDEX.items():
        sheet.append([region, 2025, INDEX_QUESTION, value])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(page: str, name: str) -> str:
    part = page[page.index(f'id="fig-{name}"') :]
    return part[: part.index("</section>")]


@override_settings(UPLOAD_DIR=Path(tempfile.mkdtemp(prefix="samverka-held-out-")))
class HeldOutImportTest(TestCase):
    kommun: ClassVar[Organization]
    herrljunga: ClassVar[Organization]
    agreement: ClassVar[Agreement]

    @classmethod
    def setUpTestData(cls) -> None:
        vg = County.objects.create(code="14", name="Västra Götalands län")
        County.objects.create(code="08", name="Kalmar län")
        cls.kommun = make_kommun("Alingsås", "1489", vg, population=42231)
        cls.herrljunga = make_kommun("Herrljunga", "1466", vg, population=9634)
        assert not {"1489", "1466"} & DEMO_KOMMUNER
        lpo = make_lpo("Alingsås", [cls.kommun, cls.herrljunga], county=vg)
        cls.agreement = Agreement.objects.create(
            title="Samverkansöverenskommelse Alingsås",
            starts_on=dt.date(2025, 1, 1),
            ends_on=dt.date(2027, 12, 31),
            status=AgreementStatus.SIGNED,
        )
        cls.agreement.parties.set([cls.kommun, lpo])
        cls.coordinator = make_user("samordnare@alingsas.example", "Sam", title="Samordnare")
        Membership.objects.create(
            user=cls.coordinator, organization=cls.kommun, role=Role.COORDINATOR
        )

    def setUp(self) -> None:
        cache.clear()
        self.client.force_login(self.coordinator)

    # --- the steps a coordinator takes ----------------------------------------------------

    def start_mapping(self, name: str, kind: str, file_name: str, data: bytes) -> Any:
        response = self.client.post(
            reverse("sources:mapping_start"),
            {
                "name": name,
                "kind": kind,
                "owner": self.kommun.pk,
                "kommun": self.kommun.pk,
                "sample": SimpleUploadedFile(file_name, data),
            },
        )
        self.assertRedirects(response, reverse("sources:mapping_columns"))
        return self.client.get(reverse("sources:mapping_columns"))

    def map_bra(self, data: bytes, name: str = "Brå anmälda brott per månad") -> ColumnMapping:
        page = self.start_mapping(name, SourceKind.CRIME_STATISTICS, "bra.csv", data)
        self.assertEqual(page.status_code, 200)
        form = page.context["form"]
        # The right path is the easy one: the columns Brå names are found.
        self.assertEqual(form.initial["level_column"], "Nivå")
        self.assertEqual(form.initial["area_column"], "Region")
        self.assertEqual(form.initial["period_column"], "Månad")
        self.assertEqual(form.initial["category_column"], "Brott")
        self.assertEqual(form.initial["value_column"], "Antal anmälda brott")
        self.assertEqual(form.initial["preliminary_column"], "Uppgiftsstatus")
        self.assertEqual(form.initial["period_kind"], "month")
        self.assertEqual(sorted(form.source_categories), sorted(TARGETS))  # shown at once
        self.assertContains(page, "Kategori för ”Bostadsinbrott” (nivå: Underkategori)")
        columns = {
            "area_column": "Region",
            "period_column": "Månad",
            "value_column": "Antal anmälda brott",
            "category_column": "Brott",
            "level_column": "Nivå",
            "preliminary_column": "Uppgiftsstatus",
        }
        shown = self.client.post(reverse("sources:mapping_columns"), {**columns, "show": "1"})
        form = shown.context["form"]
        self.assertEqual(form.initial["period_kind"], "month")  # detected, to be confirmed
        self.assertEqual(sorted(form.source_categories), sorted(TARGETS))
        chosen = {f"category_{i}": TARGETS[c] for i, c in enumerate(form.source_categories)}
        previewed = self.client.post(
            reverse("sources:mapping_columns"),
            {**columns, **chosen, "period_kind": "month", "preview": "1"},
        )
        self.assertEqual(previewed.status_code, 200)
        preview = previewed.context["statistics_preview"]
        self.assertIsNotNone(preview, previewed.context["form"].errors)
        self.assertEqual(preview.blocking, [])
        self.assertEqual(
            preview.total(ALINGSAS, "2026-08"),
            file_total(ALINGSAS, dt.date(2026, 8, 1), dt.date(2026, 8, 1)),
        )
        saved = self.client.post(
            reverse("sources:mapping_columns"),
            {**columns, **chosen, "period_kind": "month", "save": "1"},
        )
        self.assertRedirects(saved, reverse("sources:mappings"))
        return ColumnMapping.objects.get(name=name)

    def upload(self, kind: str, mapping: ColumnMapping, file_name: str, data: bytes) -> ImportJob:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("sources:upload"),
                {
                    "kind": kind,
                    "mapping": mapping.pk,
                    "owner": self.kommun.pk,
                    "visibility": f"shared:{self.agreement.pk}",
                    "title": file_name,
                    "file": SimpleUploadedFile(file_name, data),
                },
            )
        job = ImportJob.objects.filter(file_name=file_name).latest("pk")
        self.assertRedirects(response, job.get_absolute_url())
        job.refresh_from_db()
        if job.status == JobStatus.PREVIEW:
            page = self.client.get(job.get_absolute_url())
            self.assertContains(page, "Bekräfta och importera")
            with self.captureOnCommitCallbacks(execute=True):
                self.client.post(reverse("sources:job_confirm", args=[job.pk]), {"confirm": "1"})
            job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.DONE, job.message if hasattr(job, "message") else "")
        return job

    def make_picture(self) -> SituationPicture:
        response = self.client.post(
            reverse("situation:create"),
            {
                "agreement": self.agreement.pk,
                "kommun": self.kommun.pk,
                "title": "Lägesbild Alingsås 2026",
                "period_start": "2026-01-01",
                "period_end": "2026-08-31",
            },
        )
        picture = SituationPicture.objects.get(title="Lägesbild Alingsås 2026")
        self.assertRedirects(response, picture.get_absolute_url(), fetch_redirect_response=False)
        return picture

    def use_sources(self, picture: SituationPicture, datasets: list[Dataset]) -> None:
        self.client.post(
            reverse("situation:sources", args=[picture.pk]),
            {f"use-{d.pk}": "on" for d in datasets},
        )
        used = set(picture.source_choices.filter(included=True).values_list("dataset", flat=True))
        self.assertTrue({d.pk for d in datasets} <= used)

    def page(self, picture: SituationPicture) -> str:
        response = self.client.get(picture.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    @staticmethod
    def row_cells(html: str, label: str) -> list[str]:
        """The cells, as words, of the table row whose heading starts with ``label``."""
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
            heading = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
            if heading and text_of(heading.group(1)).startswith(label):
                cells = re.findall(r"<td[^>]*>(.*?)</td>", row.replace("\u00a0", ""), re.S)
                return [text_of(c) for c in cells]
        raise AssertionError(f"no row {label!r}")

    # --- the checks ----------------------------------------------------------------------

    def test_bra_monthly_export_of_two_kommuner_reaches_the_lagesbild(self) -> None:
        data = bra_export()
        self.assertTrue(data.startswith(b'"Region";"Brott";"Niv\xe5"'))  # Latin-1
        mapping = self.map_bra(data)
        job = self.upload(SourceKind.CRIME_STATISTICS, mapping, "bra_alingsas_herrljunga.csv", data)
        dataset = job.dataset
        assert dataset is not None
        self.assertEqual(dataset.rows_rejected, 0, list(dataset.rejected.values_list("reason")))
        # Each kommun's rows are its own: Herrljunga's are not Alingsås's sub-area.
        self.assertFalse(self.kommun.sub_areas.exists())
        herrljunga_august = Statistic.objects.get(
            dataset=dataset,
            kommun=self.herrljunga,
            category=None,
            period_start=dt.date(2026, 8, 1),
        )
        self.assertEqual(
            herrljunga_august.value,
            file_total(HERRLJUNGA, dt.date(2026, 8, 1), dt.date(2026, 8, 1)),
        )
        picture = self.make_picture()
        self.use_sources(picture, [dataset])
        page = self.page(picture)
        statistics = section(page, "statistics")
        expected = file_total(ALINGSAS, dt.date(2026, 1, 1), dt.date(2026, 8, 31))
        self.assertIn(f"data-statistics-total>{expected}<", statistics.replace("\u00a0", ""))
        words = text_of(statistics)
        self.assertIn("Anmälda brott enligt Brå", words)
        # Each main category as the file has it (its own row, not its sub-categories'),
        # and the same months before (May–December 2025) beside it.
        for name, label in (
            ("Stöld- och tillgreppsbrott", "Stöld och inbrott"),
            ("Brott mot person", "Brott mot person"),
        ):
            now = file_total(ALINGSAS, dt.date(2026, 1, 1), dt.date(2026, 8, 31), name)
            before = file_total(ALINGSAS, dt.date(2025, 5, 1), dt.date(2025, 12, 31), name)
            cells = self.row_cells(statistics, label)
            self.assertEqual((cells[0], cells[-2]), (str(now), str(before)), name)
            self.assertRegex(cells[-1], r"^(ökning|minskning|ingen säker förändring) ")
        total_before = file_total(ALINGSAS, dt.date(2025, 5, 1), dt.date(2025, 12, 31))
        self.assertEqual(
            self.row_cells(statistics, "Samtliga anmälda brott")[-2], str(total_before)
        )
        self.assertNotIn("Ingen jämförelse med föregående period", words)
        self.assertIn("preliminär", words.lower())
        # The county, from the same statistics (both kommuner are in Västra Götaland).
        self.assertIn("Västra Götalands län", words)
        # Two kommuner of one county are not Sweden: no "Riket" column equal to the county.
        self.assertNotIn("Riket", words)
        self.assertIn("Sverige visas inte", words)
        # The audit log says what happened in words.
        trail = text_of(self.client.get(reverse("audit:trail")).content.decode())
        for raw in ("{'", '{"', "visibility", "dataset", "UTC"):
            self.assertNotIn(raw, trail)

    def test_the_months_written_in_words_in_utf8_with_bom_import_alike(self) -> None:
        data = "\ufeff".encode() + bra_export(style="words").decode("latin-1").encode("utf-8")
        mapping = self.map_bra(data, name="Brå i ord")
        dataset = self.upload(SourceKind.CRIME_STATISTICS, mapping, "bra_ord.csv", data).dataset
        assert dataset is not None
        self.assertEqual(dataset.rows_rejected, 0)
        stored = Statistic.objects.filter(
            dataset=dataset, kommun=self.kommun, category=None, period_start__year=2026
        )
        self.assertEqual(
            sum(s.value or 0 for s in stored),
            file_total(ALINGSAS, dt.date(2026, 1, 1), dt.date(2026, 8, 31)),
        )

    # --- the national survey -------------------------------------------------------------

    def map_survey(self, name: str, file_name: str, data: bytes, fields: dict[str, Any]) -> Any:
        page = self.start_mapping(name, SourceKind.SURVEY, file_name, data)
        self.assertEqual(page.status_code, 200)
        saved = self.client.post(reverse("sources:mapping_columns"), fields)
        self.assertRedirects(saved, reverse("sources:mappings"))
        return page, ColumnMapping.objects.get(name=name)

    def survey_rows(self, page: str) -> dict[str, list[str]]:
        """The survey section's rows: question → its cells as words."""
        figure = section(page, "surveys").replace("\u00a0", " ")
        rows = {}
        for row in re.findall(r"<tr>(.*?)</tr>", figure, re.S):
            cells = [text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            if cells:
                rows[cells[0]] = cells[1:]
        return rows

    def test_a_national_survey_per_lan_reaches_the_lagesbild(self) -> None:
        data = survey_json()
        page, mapping = self.map_survey(
            "NTU per län",
            "ntu_lan_2025.json",
            data,
            {
                "area_column": "region",
                "area_level": "",
                "period_column": "år",
                "question_column": "indikator",
                "value_column": "andel",
                "value_scale": "percent",
                "missing_marks": ["blank", "..", "0"],
                "respondents_column": "antal_svarande",
                "record_path": "data[].värden[]",
            },
        )
        form = page.context["form"]
        # The records inside the nesting are found, with the outer level's fields.
        self.assertEqual(form.initial["record_path"], "data[].värden[]")
        self.assertEqual(form.initial["question_column"], "indikator")
        job = self.upload(SourceKind.SURVEY, mapping, "ntu_lan_2025.json", data)
        dataset = job.dataset
        assert dataset is not None
        self.assertEqual(dataset.rows_rejected, 0, list(dataset.rejected.values_list("reason")))
        # Two missing values (0 and ".."): skipped and counted, never 0 %.
        self.assertEqual((dataset.rows_imported, dataset.rows_skipped), (4, 2))

        index_data = survey_xlsx()
        _page, index_mapping = self.map_survey(
            "Problemindex per län",
            "problemindex.xlsx",
            index_data,
            {
                "area_column": "Län",
                "area_level": "",
                "period_column": "År",
                "question_column": "Indikator",
                "value_column": "Index (riket 2019 = 100)",
                "value_scale": "index",
                "scale_min": "0",
                "scale_max": "200",
                "missing_marks": ["blank", "0"],
                "respondents_column": "",
            },
        )
        index_set = self.upload(SourceKind.SURVEY, index_mapping, "problemindex.xlsx", index_data)
        assert index_set.dataset is not None

        picture = self.make_picture()
        picture.period_start = dt.date(2025, 1, 1)
        picture.period_end = dt.date(2025, 12, 31)
        picture.save()
        self.use_sources(picture, [dataset, index_set.dataset])
        rows = self.survey_rows(self.page(picture))
        header = rows["Fråga"]
        self.assertEqual(header, ["År", "Västra Götalands län", "Riket"])
        # The file holds nothing of Alingsås's own: no columns of dashes for it.
        self.assertNotIn("Område", rows)
        county, nation = header.index("Västra Götalands län"), header.index("Riket")
        # The file's own value per län, rounded half away from zero: 29.35 → 29 %, 28.7 → 29 %,
        # 45.5 → 46 %.
        otrygg = rows[OTRYGG]
        self.assertTrue(otrygg[county].startswith("29 %"), otrygg)
        self.assertTrue(otrygg[nation].startswith("29 %"), otrygg)
        oro = rows[ORO]
        self.assertTrue(oro[nation].startswith("46 %"), oro)
        self.assertNotIn("0 %", oro[county])  # not published, not 0 %
        index = rows[INDEX_QUESTION]
        self.assertTrue(index[county].startswith("103,5"), index)  # 103.45 → 103,5
        self.assertTrue(index[nation].startswith("100,0"), index)
        # The DOCX has the same columns and values.
        import docx

        document = docx.Document(
            io.BytesIO(self.client.get(reverse("situation:docx", args=[picture.pk])).content)
        )
        tables = [[[c.text for c in r.cells] for r in t.rows] for t in document.tables]
        survey = next(t for t in tables if t[0][0] == "Fråga")
        self.assertEqual(survey[0], ["Fråga", "År", "Västra Götalands län", "Riket"])
        self.assertTrue(next(r for r in survey if r[0] == OTRYGG)[2].startswith("29 %"))

    # --- a mapping corrected later, the coverage strip, the messages -----------------------

    def test_a_corrected_mapping_refreshes_the_figures_with_the_cache_on(self) -> None:
        data = bra_export()
        first = self.map_bra(data, name="Brå: stöld som huvudkategori")
        dataset = self.upload(SourceKind.CRIME_STATISTICS, first, "bra.csv", data).dataset
        assert dataset is not None
        picture = self.make_picture()
        self.use_sources(picture, [dataset])
        page = self.page(picture)
        period = (dt.date(2026, 1, 1), dt.date(2026, 8, 31))
        main = file_total(ALINGSAS, *period, "Stöld- och tillgreppsbrott")
        theft = self.row_cells(section(page, "statistics"), "Stöld och inbrott")
        self.assertEqual(theft[0], str(main))
        # The coverage strip of the source: Alingsås is covered at kommun level, by month.
        sources = page[page.index('id="sources"') :] if 'id="sources"' in page else page
        self.assertIn("cov-kommun", sources)
        self.assertIn("2025-01 – 2026-08", text_of(sources))

        # The coordinator decides theft is to be counted from its sub-categories and maps
        # the same file again.
        targets = dict(TARGETS, **{"Stöld- och tillgreppsbrott": "skip"})
        page2 = self.start_mapping(
            "Brå: stöld ur underkategorier", SourceKind.CRIME_STATISTICS, "bra.csv", data
        )
        columns = {
            "area_column": "Region",
            "period_column": "Månad",
            "value_column": "Antal anmälda brott",
            "category_column": "Brott",
            "level_column": "Nivå",
            "preliminary_column": "Uppgiftsstatus",
        }
        form = self.client.post(
            reverse("sources:mapping_columns"), {**columns, "show": "1"}
        ).context["form"]
        self.assertEqual(page2.status_code, 200)
        chosen = {f"category_{i}": targets[c] for i, c in enumerate(form.source_categories)}
        saved = self.client.post(
            reverse("sources:mapping_columns"),
            {**columns, **chosen, "period_kind": "month", "save": "1"},
        )
        self.assertRedirects(saved, reverse("sources:mappings"))
        second = ColumnMapping.objects.get(name="Brå: stöld ur underkategorier")
        again = self.upload(SourceKind.CRIME_STATISTICS, second, "bra.csv", data).dataset
        assert again is not None
        subs = sum(
            file_total(ALINGSAS, *period, name)
            for name in ("Bostadsinbrott", "Cykelstöld", "Butiksstöld")
        )
        self.assertNotEqual(subs, main)
        page = self.page(picture)
        theft = self.row_cells(section(page, "statistics"), "Stöld och inbrott")
        self.assertEqual(theft[0], str(subs))
        # The total is the file's own still.
        self.assertIn(
            f"data-statistics-total>{file_total(ALINGSAS, *period)}<",
            section(page, "statistics").replace("\u00a0", ""),
        )
        # Evidence pinned now keeps the fresh figures.
        self.client.post(
            reverse("situation:pin", args=[picture.pk]),
            {
                "figure": "statistics",
                "start": "2026-01-01",
                "end": "2026-08-31",
                "category": "",
                "sub_area": "",
                "problem": "",
                "new_problem": "Stölder i centrum",
            },
        )
        evidence = Evidence.objects.get(problem__picture=picture)
        rows = {r["code"]: r["count"] for r in evidence.data["statistics"]["rows"]}
        self.assertEqual(rows["theft"], subs)

    def test_a_bad_row_is_rejected_in_swedish_naming_row_and_field(self) -> None:
        data = bra_export()
        data += '"1489 Alingsås";"Samtliga brott";"Totalt";"2026M13";412;"Preliminär"\r\n'.encode(
            "latin-1"
        )
        data += '"1489 Alingsås";"Samtliga brott";"Totalt";"2026M09";"cirka 400";""\r\n'.encode(
            "latin-1"
        )
        mapping = self.map_bra(bra_export())
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("sources:upload"),
                {
                    "kind": SourceKind.CRIME_STATISTICS,
                    "mapping": mapping.pk,
                    "owner": self.kommun.pk,
                    "visibility": f"shared:{self.agreement.pk}",
                    "file": SimpleUploadedFile("bra_fel.csv", data),
                },
            )
        job = ImportJob.objects.get(file_name="bra_fel.csv")
        page = text_of(self.client.get(job.get_absolute_url()).content.decode())
        rows = len(bra_export().split(b"\r\n")) - 1  # the header is row 1
        self.assertIn(str(rows + 1), page)
        self.assertIn("Kolumn med perioden ”Månad”: inte en månad: ”2026M13”", page)
        self.assertIn("Kolumn med värdet ”Antal anmälda brott”: inte ett tal", page)
        for english in ("not a month", "not a number", "Row", "Field", "Reason", "rejected"):
            self.assertNotIn(english, page)
