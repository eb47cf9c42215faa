"""Personal data is refused in an upload's title and file name, and each importer rejects the
rows that carry it in a text it would store (area names, questions, places), by row and field."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samverka.organizations.models import SubArea
from samverka.sources import services
from samverka.sources.models import (
    ColumnMapping,
    Dataset,
    Event,
    ImportJob,
    JobStatus,
    PeriodKind,
    SourceKind,
    Statistic,
    SurveyResult,
)
from samverka.sources.preview import StatisticsPreview
from samverka.sources.tests.test_views import police_file, rec
from samverka.tenancy.access import Visibility
from samverka.testing import PersonaTestCase

PERSONAL = "innehåller personuppgifter"
STORES_NONE = "samverka lagrar inga"
AREA = "Kolumn med området ”område”:"
PLACE = "Kolumn med platsens namn ”plats”:"


class UploadScreeningTest(PersonaTestCase):
    def upload(self, **extra: object) -> object:
        data = {
            "kind": SourceKind.POLICE_EVENTS,
            "owner": self.kommun.pk,
            "visibility": Visibility.INTERNAL,
            "title": "Polisens händelser augusti",
            "file": police_file(rec(1)),
            **extra,
        }
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("sources:upload"), data)

    def test_an_upload_title_with_personal_data_is_refused_on_its_field(self) -> None:
        self.login_as("coordinator")
        for title, what in (
            ("Händelser 19800101-1234", "ett personnummer"),  # a wrong check digit
            ("Händelser 800101-1234", "ett personnummer"),
            ("Händelser, ring 070-123 45 67", "ett telefonnummer"),
            ("Händelser från kalle@example.se", "en e-postadress"),
        ):
            response = self.upload(title=title, file=police_file(rec(1)))
            self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]
            errors = response.context["form"].errors  # type: ignore[attr-defined]
            self.assertEqual(list(errors), ["title"])
            self.assertIn(f"Fältet ”Rubrik” verkar innehålla {what}", errors["title"][0])
        self.assertFalse(ImportJob.objects.exists())
        self.assertFalse(Dataset.objects.filter(kind=SourceKind.POLICE_EVENTS).exists())

    def test_a_file_named_with_a_phone_number_is_refused(self) -> None:
        self.login_as("coordinator")
        response = self.upload(file=police_file(rec(1), name="kontakt 0701234567.json"))
        errors = response.context["form"].errors  # type: ignore[attr-defined]
        self.assertIn("Fältet ”Filnamn” verkar innehålla ett telefonnummer", errors["file"][0])
        self.assertFalse(ImportJob.objects.exists())

    def test_a_title_with_a_period_and_a_diarienummer_is_imported(self) -> None:
        self.login_as("coordinator")
        self.upload(title="Händelser 2026-08, 202608, dnr KS 2026/123")
        job = ImportJob.objects.get()
        self.assertEqual(job.status, JobStatus.DONE)
        assert job.dataset is not None
        self.assertEqual(job.dataset.title, "Händelser 2026-08, 202608, dnr KS 2026/123")

    def test_statistics_area_names_with_personal_data_are_rejected_by_row_and_field(
        self,
    ) -> None:
        mapping = ColumnMapping.objects.create(
            name="Polisens utdrag",
            owner=self.kommun,
            kind=SourceKind.CRIME_STATISTICS,
            area_column="område",
            period_column="år",
            period_kind=PeriodKind.YEAR,
            category_column="brott",
            value_column="antal",
            kommun=self.kommun,
            categories={"Misshandel": ""},
        )
        table = (
            "område,år,brott,antal\n"
            "Centrum,2025,Misshandel,12\n"
            "Familjen 19800101-1234,2025,Misshandel,3\n"  # a wrong check digit
            "Ring 070-123 45 67,2025,Misshandel,1\n"
            "Hos kalle@example.se,2025,Misshandel,1\n"
            "Norr,2025,Misshandel,4\n"
        )
        self.login_as("coordinator")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("sources:upload"),
                {
                    "kind": SourceKind.CRIME_STATISTICS,
                    "mapping": mapping.pk,
                    "owner": self.kommun.pk,
                    "visibility": Visibility.INTERNAL,
                    "title": "Misshandel per område 2025",
                    "file": SimpleUploadedFile("utdrag.csv", table.encode(), "text/csv"),
                },
            )
        job = ImportJob.objects.get()
        # The preview names the rows to be rejected before anything is stored.
        self.assertEqual(job.status, JobStatus.PREVIEW, job.message)
        preview = StatisticsPreview.from_json(job.preview)
        assert preview is not None
        self.assertEqual([r[0] for r in preview.rejected], [3, 4, 5])
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("sources:job_confirm", args=[job.pk]), {"confirm": "1"})
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.DONE, job.message)
        dataset = job.dataset
        assert dataset is not None
        self.assertEqual((dataset.rows_imported, dataset.rows_rejected), (2, 3))
        self.assertEqual(
            sorted((r.row_number, r.field, r.reason) for r in dataset.rejected.all()),
            [
                (3, "område", f"{AREA} {PERSONAL} (ett personnummer): {STORES_NONE}"),
                (4, "område", f"{AREA} {PERSONAL} (ett telefonnummer): {STORES_NONE}"),
                (5, "område", f"{AREA} {PERSONAL} (en e-postadress): {STORES_NONE}"),
            ],
        )
        self.assertEqual(
            set(SubArea.objects.filter(kommun=self.kommun).values_list("name", flat=True)),
            {"Centrum", "Norr"},
        )
        self.assertEqual(Statistic.objects.filter(dataset=dataset).count(), 2)
        rejected_csv = self.client.get(reverse("sources:rejected_csv", args=[dataset.pk]))
        self.assertNotIn("1234", rejected_csv.content.decode())


class ImporterScreeningTest(PersonaTestCase):
    def test_police_records_with_personal_data_in_the_place_or_type_are_rejected(self) -> None:
        records = [
            rec(1),
            rec(2, location={"name": "Oskarshamn 800101-1234", "gps": "57.264,16.448"}),
            rec(3, type="Stöld, ring 0491-76 40 00"),
        ]
        dataset = services.import_police_events(
            json.dumps(records).encode(), file_name="events.json", owner=self.kommun
        ).dataset
        self.assertEqual(
            sorted((r.row_number, r.field, r.reason) for r in dataset.rejected.all()),
            [
                (
                    2,
                    "location.name",
                    f"Plats (location.name): {PERSONAL} (ett personnummer): {STORES_NONE}",
                ),
                (3, "type", f"Typ (type): {PERSONAL} (ett telefonnummer): {STORES_NONE}"),
            ],
        )
        self.assertEqual(Event.objects.count(), 1)

    def test_event_table_places_with_personal_data_are_rejected(self) -> None:
        mapping = ColumnMapping.objects.create(
            name="Kommunens rapporter",
            owner=self.kommun,
            kind=SourceKind.EVENT_TABLE,
            date_column="datum",
            category_column="typ",
            place_column="plats",
            kommun=self.kommun,
            categories={"Klotter": ""},
        )
        table = (
            "datum,typ,plats\n"
            "2025-03-01,Klotter,Storgatan 12\n"
            "2025-03-02,Klotter,Hos 800101-1234\n"
            "2025-03-03,Klotter,Ring 0701234567\n"
            "2025-03-04,Klotter,Skolgatan 3 (N 6347875 E 587375)\n"
        )
        dataset = services.import_event_table(
            table.encode(), file_name="rapporter.csv", mapping=mapping, owner=self.kommun
        ).dataset
        self.assertEqual(
            sorted((r.row_number, r.field, r.reason) for r in dataset.rejected.all()),
            [
                (3, "plats", f"{PLACE} {PERSONAL} (ett personnummer): {STORES_NONE}"),
                (4, "plats", f"{PLACE} {PERSONAL} (ett telefonnummer): {STORES_NONE}"),
            ],
        )
        self.assertEqual(
            set(Event.objects.values_list("place_name", flat=True)),
            {"Storgatan 12", "Skolgatan 3 (N 6347875 E 587375)"},
        )

    def test_survey_questions_and_drawn_area_names_with_personal_data_are_rejected(self) -> None:
        mapping = ColumnMapping.objects.create(
            name="Trygghetsmätning",
            owner=self.kommun,
            kind=SourceKind.SURVEY,
            area_column="Område",
            period_column="År",
            period_kind=PeriodKind.YEAR,
            question_column="Fråga",
            value_column="Andel (%)",
            kommun=self.kommun,
        )
        text = (
            "Område;År;Fråga;Andel (%)\n"
            "Oskarshamns kommun;2025;Otrygg ute sent på kvällen;18\n"
            "Oskarshamns kommun;2025;Otrygg, svar från 19800101-1234;20\n"
        )
        dataset = services.import_survey(
            text.encode(), file_name="trygghet.csv", mapping=mapping, owner=self.kommun
        ).dataset
        self.assertEqual(
            [(r.row_number, r.field, r.reason) for r in dataset.rejected.all()],
            [
                (
                    3,
                    "Fråga",
                    f"Kolumn med frågan ”Fråga”: {PERSONAL} (ett personnummer): {STORES_NONE}",
                )
            ],
        )
        self.assertEqual(
            list(SurveyResult.objects.values_list("question", flat=True)),
            ["Otrygg ute sent på kvällen"],
        )
        ring = [[16.44, 57.26], [16.45, 57.26], [16.45, 57.27], [16.44, 57.26]]
        geojson = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"namn": name},
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
                for name in ("Centrum", "Familjen Svensson, 070-123 45 67")
            ],
        }
        areas = services.import_areas(
            json.dumps(geojson).encode(),
            file_name="omraden.geojson",
            kommun=self.kommun,
            owner=self.kommun,
        ).dataset
        self.assertEqual(
            [(r.row_number, r.field, r.reason) for r in areas.rejected.all()],
            [
                (
                    2,
                    "properties.name",
                    f"Namn (properties.name): {PERSONAL} (ett telefonnummer): {STORES_NONE}",
                )
            ],
        )
        self.assertEqual(list(SubArea.objects.values_list("name", flat=True)), ["Centrum"])
