"""Survey results as publishers write them: per län and for the whole country, on a 0–100
or an index scale, 0 for a missing value, as nested JSON (issue 13, point 4)."""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

from samverka.organizations.models import County, SubArea
from samverka.sources import services
from samverka.sources.models import (
    ColumnMapping,
    Dataset,
    ImportJob,
    JobStatus,
    SourceKind,
    SurveyLevel,
    SurveyResult,
    SurveyScale,
)
from samverka.sources.tasks import run_import
from samverka.testing import PersonaTestCase, make_kommun

QUESTION = "Otrygghet ute ensam sent en kväll"
PROBLEMS = "Problem med nedskräpning"


def per_county_file() -> dict[str, Any]:
    """Shaped like SCB's and the Police's per-län trygghet figures: län (by name, bare or
    with "län", or by code) holding their yearly values, an index where the country's
    2017 level is 100, and 0 where the figure is not published."""

    def values(*rows: tuple[int, str, float]) -> list[dict[str, Any]]:
        return [{"ar": year, "fraga": question, "index": value} for year, question, value in rows]

    return {
        "metadata": {"titel": "Trygghet per län", "enhet": "index, riket 2017 = 100"},
        "data": [
            {
                "lan": "Kalmar län",
                "lanskod": "08",
                "values": values(
                    (2024, QUESTION, 110.8),
                    (2025, QUESTION, 104.2),
                    (2024, PROBLEMS, 0),  # not published: missing, not zero
                    (2025, PROBLEMS, 96.5),
                ),
            },
            {
                "lan": "Kronoberg",
                "lanskod": "07",
                "values": values((2024, QUESTION, 98.0), (2025, QUESTION, 250.0)),  # 250: out
            },
            {
                "lan": "Riket",
                "lanskod": "00",
                "values": values((2024, QUESTION, 100.0), (2025, QUESTION, 0)),
            },
            {"lan": "Atlantis län", "lanskod": "99", "values": values((2025, QUESTION, 90.0))},
        ],
    }


class SurveyImportTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.kalmar = County.objects.create(code="08", name="Kalmar län")
        cls.kronoberg = County.objects.create(code="07", name="Kronobergs län")
        cls.kommun = make_kommun("Kalmar", "0880", cls.kalmar)

    def mapping(self, **extra: Any) -> ColumnMapping:
        fields: dict[str, Any] = {
            "name": "Trygghet per län",
            "owner": self.kommun,
            "kind": SourceKind.SURVEY,
            "area_column": "lan",
            "period_column": "ar",
            "period_kind": "year",
            "question_column": "fraga",
            "value_column": "index",
            "kommun": self.kommun,
        }
        return ColumnMapping.objects.create(**(fields | extra))

    def import_file(self, data: bytes, mapping: ColumnMapping, name: str) -> Dataset:
        return services.import_survey(
            data, file_name=name, mapping=mapping, owner=self.kommun
        ).dataset

    def test_the_per_county_json_imports_at_county_and_country_level(self) -> None:
        mapping = self.mapping(
            record_path="data[].values[]",
            area_level="county",  # "Kalmar" is the län here, not the kommun
            value_scale=SurveyScale.INDEX,
            scale_min=0,
            scale_max=200,
            missing_marks=["0", "blank"],
        )
        data = json.dumps(per_county_file()).encode()
        dataset = self.import_file(data, mapping, "trygghet_per_lan.json")
        self.assertEqual(
            (dataset.rows_read, dataset.rows_imported, dataset.rows_skipped, dataset.rows_rejected),
            (9, 5, 2, 2),
        )
        kalmar = SurveyResult.objects.get(county=self.kalmar, year=2024, question=QUESTION)
        self.assertEqual((kalmar.level, kalmar.kommun_id), (SurveyLevel.COUNTY, None))
        self.assertEqual((kalmar.index_value, kalmar.scale_min, kalmar.scale_max), (110.8, 0, 200))
        self.assertTrue(SurveyResult.objects.filter(county=self.kronoberg, year=2024).exists())
        nation = SurveyResult.objects.get(level=SurveyLevel.NATION)
        self.assertEqual((nation.year, nation.index_value, nation.county_id), (2024, 100.0, None))
        # 0 means "not published": nothing stored, not an index of 0.
        self.assertFalse(SurveyResult.objects.filter(index_value=0).exists())
        self.assertFalse(SurveyResult.objects.filter(question=PROBLEMS, year=2024).exists())
        reasons = dict(dataset.rejected.values_list("row_number", "reason"))
        self.assertEqual(
            reasons[6], "Kolumn med värdet ”index”: 250 ligger utanför skalan index 0–200"
        )
        self.assertEqual(reasons[9], "Kolumn med området ”lan”: okänt område: ”Atlantis län”")
        self.assertEqual(set(dataset.rejected.values_list("field", flat=True)), {"index", "lan"})

    def test_a_county_is_found_by_its_code_and_a_gzipped_file_is_read(self) -> None:
        mapping = self.mapping(
            area_column="lanskod",
            value_scale=SurveyScale.INDEX,
            scale_min=0,
            scale_max=200,
            missing_marks=["0"],
        )
        data = gzip.compress(json.dumps(per_county_file()).encode())
        dataset = self.import_file(data, mapping, "trygghet.json.gz")
        self.assertEqual(dataset.rows_imported, 5)
        self.assertEqual(SurveyResult.objects.filter(county=self.kalmar).count(), 3)

    def test_without_the_county_setting_kalmar_is_the_kommun_and_kalmar_lan_the_county(
        self,
    ) -> None:
        mapping = self.mapping(value_scale=SurveyScale.PERCENT, scale_min=None)
        text = "lan;ar;fraga;index\nKalmar;2025;Otrygg;45,6\nKalmar län;2025;Otrygg;40\n"
        self.import_file(text.encode(), mapping, "t.csv")
        kommun = SurveyResult.objects.get(level=SurveyLevel.KOMMUN)
        self.assertEqual((kommun.kommun, kommun.share), (self.kommun, 0.456))
        self.assertEqual(SurveyResult.objects.get(level=SurveyLevel.COUNTY).county, self.kalmar)

    def test_per_cent_out_of_scale_and_missing_marks(self) -> None:
        SubArea.objects.create(kommun=self.kommun, name="Centrum")
        mapping = self.mapping(
            area_column="Område",
            period_column="År",
            question_column="Fråga",
            value_column="Andel",
            respondents_column="Svarande",
            value_scale=SurveyScale.PERCENT,
            missing_marks=["..", "-"],
        )
        text = (
            "Område;År;Fråga;Svarande;Andel\n"
            "Centrum;2025;Otrygg;212;45,6\n"  # stored as 0.456, no guessing
            "Centrum;2024;Otrygg;;0,5\n"  # 0.5 % on a per-cent scale, without respondents
            "Centrum;2023;Otrygg;200;110,8\n"  # not a per cent
            "Centrum;2022;Otrygg;200;..\n"  # missing
            "Centrum;2021;Otrygg;200;–\n"  # missing (a dash)
            "Centrum;2020;Otrygg;200;\n"  # blank, not declared missing: refused
            "Centrum;20x;Otrygg;200;3\n"
            "Centrum;2019;Otrygg;12,5;3\n"
        )
        dataset = self.import_file(text.encode(), mapping, "t.csv")
        self.assertEqual(
            (dataset.rows_imported, dataset.rows_skipped, dataset.rows_rejected), (2, 2, 4)
        )
        self.assertEqual(SurveyResult.objects.get(year=2025).share, 0.456)
        without = SurveyResult.objects.get(year=2024)
        self.assertEqual((without.share, without.respondents), (0.005, None))
        self.assertEqual(without.level, SurveyLevel.SUB_AREA)
        reasons = list(dataset.rejected.order_by("row_number").values_list("field", "reason"))
        self.assertEqual(
            reasons,
            [
                ("Andel", "Kolumn med värdet ”Andel”: 110,8 ligger utanför skalan 0–100 %"),
                ("Andel", "Kolumn med värdet ”Andel”: tom"),
                ("År", "Kolumn med perioden ”År”: inte ett år: ”20x”"),
                ("Svarande", "Kolumn med antalet svarande ”Svarande”: inte ett tal: ”12,5”"),
            ],
        )

    def test_a_share_scale_refuses_per_cents(self) -> None:
        mapping = self.mapping(value_scale=SurveyScale.SHARE)
        text = "lan;ar;fraga;index\nKalmar;2025;Otrygg;0,25\nKalmar;2024;Otrygg;25\n"
        dataset = self.import_file(text.encode(), mapping, "t.csv")
        self.assertEqual((dataset.rows_imported, dataset.rows_rejected), (1, 1))
        self.assertEqual(SurveyResult.objects.get().share, 0.25)

    def test_malformed_json_fails_the_file_in_swedish(self) -> None:
        mapping = self.mapping(record_path="data[].values[]")
        with self.assertRaisesMessage(
            services.ImportError_, "trasig.json är inte giltig JSON: Expecting"
        ):
            self.import_file(b'{"data": [{"lan": "Kalmar", ', mapping, "trasig.json")
        with self.assertRaisesMessage(services.ImportError_, "har inget fält ”data”"):
            self.import_file(b'{"rows": []}', mapping, "fel.json")
        self.assertFalse(Dataset.objects.exists())

    def test_a_json_file_over_the_limit_is_refused(self) -> None:
        mapping = self.mapping(record_path="data[].values[]")
        with (
            self.settings(IMPORT_MAX_JSON_BYTES=100),
            self.assertRaisesMessage(services.ImportError_, "större än"),
        ):
            self.import_file(json.dumps(per_county_file()).encode(), mapping, "stor.json")


class SurveyMappingViewTest(PersonaTestCase):
    """The survey mapping is made and saved in the browser (it answered HTTP 500)."""

    def test_a_survey_mapping_from_a_json_sample_saves(self) -> None:
        self.login_as("coordinator")
        sample = SimpleUploadedFile(
            "trygghet.json", json.dumps(per_county_file()).encode(), "application/json"
        )
        response = self.client.post(
            reverse("sources:mapping_start"),
            {
                "name": "Trygghet per län",
                "kind": SourceKind.SURVEY,
                "owner": self.kommun.pk,
                "kommun": self.kommun.pk,
                "sample": sample,
            },
        )
        self.assertRedirects(response, reverse("sources:mapping_columns"))
        step2 = self.client.get(reverse("sources:mapping_columns"))
        form = step2.context["form"]
        self.assertEqual(form.initial["record_path"], "data[].values[]")
        self.assertEqual(form.initial["area_column"], "lan")
        self.assertEqual(form.initial["area_level"], "county")
        self.assertContains(step2, "Kalmar län")  # the preview: outer fields beside the values
        fields = {
            "area_column": "lan",
            "area_level": "county",
            "period_column": "ar",
            "question_column": "fraga",
            "value_column": "index",
            "value_scale": "index",
            "scale_min": "0",
            "scale_max": "",
            "missing_marks": ["0"],
            "respondents_column": "",
            "record_path": "data[].values[]",
        }
        refused = self.client.post(reverse("sources:mapping_columns"), fields)
        self.assertContains(refused, "Ett index behöver sitt intervall", status_code=400)
        saved = self.client.post(reverse("sources:mapping_columns"), fields | {"scale_max": "200"})
        self.assertRedirects(saved, reverse("sources:mappings"))
        mapping = ColumnMapping.objects.get(name="Trygghet per län")
        self.assertEqual(
            (mapping.value_scale, mapping.scale_min, mapping.scale_max, mapping.missing_marks),
            ("index", 0, 200, ["0"]),
        )
        self.assertEqual((mapping.record_path, mapping.categories), ("data[].values[]", {}))

    def test_a_csv_survey_mapping_saves_without_respondents(self) -> None:
        self.login_as("coordinator")
        sample = SimpleUploadedFile(
            "t.csv", "Område;År;Fråga;Andel (%)\nCentrum;2025;Otrygg;45,6\n".encode(), "text/csv"
        )
        self.client.post(
            reverse("sources:mapping_start"),
            {
                "name": "Egen mätning",
                "kind": SourceKind.SURVEY,
                "owner": self.kommun.pk,
                "kommun": self.kommun.pk,
                "sample": sample,
            },
        )
        saved = self.client.post(
            reverse("sources:mapping_columns"),
            {
                "area_column": "Område",
                "period_column": "År",
                "question_column": "Fråga",
                "value_column": "Andel (%)",
                "value_scale": "percent",
                "missing_marks": ["blank", ".."],
            },
        )
        self.assertEqual(saved.status_code, 302)
        mapping = ColumnMapping.objects.get(name="Egen mätning")
        self.assertEqual((mapping.respondents_column, mapping.record_path), ("", ""))
        self.assertEqual(mapping.missing_marks, ["blank", ".."])


class SurveyJobTest(PersonaTestCase):
    """A JSON survey uploaded as a background job, as a coordinator does."""

    def setUp(self) -> None:
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.upload_dir = Path(directory.name)
        self.enterContext(override_settings(UPLOAD_DIR=self.upload_dir))

    def run_job(self, data: bytes, name: str) -> ImportJob:
        mapping = ColumnMapping.objects.create(
            name="Trygghet per län",
            owner=self.kommun,
            kind=SourceKind.SURVEY,
            area_column="lan",
            area_level="county",
            period_column="ar",
            period_kind="year",
            question_column="fraga",
            value_column="index",
            value_scale=SurveyScale.INDEX,
            scale_min=0,
            scale_max=200,
            missing_marks=["0"],
            record_path="data[].values[]",
            kommun=self.kommun,
        )
        stored = self.upload_dir / "job.upload"
        stored.write_bytes(data)
        job = ImportJob.objects.create(
            kind=SourceKind.SURVEY,
            owner=self.kommun,
            file_name=name,
            mapping=mapping,
            stored_path=str(stored),
            created_by=self.coordinator,
        )
        run_import.call(job.pk)
        job.refresh_from_db()
        return job

    def test_the_json_imports_as_a_job(self) -> None:
        job = self.run_job(json.dumps(per_county_file()).encode(), "trygghet.json")
        self.assertEqual(job.status, JobStatus.DONE, job.message)
        assert job.dataset is not None
        self.assertEqual((job.dataset.rows_imported, job.dataset.rows_skipped), (5, 2))
        self.login_as("coordinator")
        page = self.client.get(job.dataset.get_absolute_url())
        self.assertContains(page, "Överhoppade (ett saknat värde")
        self.assertContains(page, "ligger utanför skalan index 0–200")

    def test_a_malformed_json_fails_the_job_in_swedish(self) -> None:
        job = self.run_job(b'{"data": [{"lan": "Kalmar l\xc3\xa4n", "values": [', "trasig.json")
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertIn("trasig.json är inte giltig JSON", job.message)
        self.assertIn("rad 1", job.message)
        self.assertFalse(Dataset.objects.exists())
