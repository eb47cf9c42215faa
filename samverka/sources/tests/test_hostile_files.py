"""Hostile and broken files end their import with a clear error or a complete import,
never a job left "Importeras 53 %" forever; the upload is removed once the job ended.

The limits are settings, lowered here so that small generated files reach them; the
bench (bench/bench_hostile.py) imports full-size files and measures the worker's memory.
"""

import gzip
import io
import json
import os
import tempfile
import time
import zipfile
from pathlib import Path
from unittest import mock

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from samverka.sources import services
from samverka.sources.models import (
    ColumnMapping,
    Dataset,
    Event,
    ImportJob,
    JobStatus,
    PeriodKind,
    RejectedRow,
    SourceKind,
    Statistic,
)
from samverka.sources.tasks import run_import
from samverka.sources.tests.hostile import xlsx_with_shared_strings
from samverka.tenancy.access import Visibility
from samverka.testing import PersonaTestCase


def rec(id_: int, **extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": id_,
        "datetime": "2026-08-22 9:48:12 +02:00",
        "name": "22 augusti 08:15, Stöld, Oskarshamn",
        "summary": "En cykel stals.",
        "type": "Stöld",
        "location": {"name": "Oskarshamn", "gps": "57.264,16.448"},
    }
    base.update(extra)
    return base


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    """The zip archive ``data`` with one more member."""
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


STATISTICS_HEADER = ["area", "year", "crime_type", "count"]


class HostileFileTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.statistics = ColumnMapping.objects.create(
            name="Brå",
            owner=cls.kommun,
            area_column="area",
            period_column="year",
            period_kind=PeriodKind.YEAR,
            category_column="crime_type",
            value_column="count",
            kommun=cls.kommun,
            categories={"misshandel": "person.assault", "alla_brott": ""},
        )
        cls.events = ColumnMapping.objects.create(
            name="EST",
            owner=cls.kommun,
            kind=SourceKind.EST,
            kommun=cls.kommun,
            id_column="id",
            date_column="datum",
            category_column="typ",
            place_column="plats",
            description_column="beskrivning",
            categories={"Klotter": "damage.graffiti"},
        )

    def setUp(self) -> None:
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.upload_dir = Path(directory.name)
        self.enterContext(override_settings(UPLOAD_DIR=self.upload_dir))

    def run_job(
        self, kind: str, data: bytes, name: str, mapping: ColumnMapping | None = None
    ) -> ImportJob:
        """Store ``data`` as an upload and run its job as the worker would."""
        stored = self.upload_dir / "job.upload"
        stored.write_bytes(data)
        job = ImportJob.objects.create(
            kind=kind,
            owner=self.kommun,
            file_name=name,
            mapping=mapping,
            stored_path=str(stored),
            created_by=self.coordinator,
        )
        run_import.call(job.pk)
        job.refresh_from_db()
        self.assertNotIn(job.status, (JobStatus.QUEUED, JobStatus.RUNNING))
        self.assertEqual(list(self.upload_dir.iterdir()), [], "the upload is removed")
        return job

    def assert_failed(self, job: ImportJob, *words: str) -> None:
        self.assertEqual(job.status, JobStatus.FAILED, job.message)
        for word in words:
            self.assertIn(word, job.message)
        self.assertFalse(Dataset.objects.exists(), "nothing half-imported")
        self.assertIsNotNone(job.finished_at)

    # gzip

    def test_a_truncated_json_gz_fails_as_incomplete_through_the_upload_page(self) -> None:
        packed = gzip.compress(json.dumps([rec(n) for n in range(1, 300)]).encode())
        self.login_as("coordinator")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("sources:upload"),
                {
                    "kind": SourceKind.POLICE_EVENTS,
                    "owner": self.kommun.pk,
                    "visibility": Visibility.INTERNAL,
                    "file": SimpleUploadedFile("handelser.json.gz", packed[: len(packed) // 2]),
                },
            )
        job = ImportJob.objects.get()
        self.assert_failed(job, "handelser.json.gz", "ofullständig")
        self.assertFalse(Path(job.stored_path).exists())
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, "ofullständig")
        self.assertNotContains(page, "<progress")

    @override_settings(IMPORT_MAX_JSON_BYTES=100_000)
    def test_a_gzip_bomb_is_refused_before_it_is_unpacked_whole(self) -> None:
        bomb = gzip.compress(b"[" + b" " * 50_000_000 + b"]")
        job = self.run_job(SourceKind.POLICE_EVENTS, bomb, "bomb.json.gz")
        self.assert_failed(job, "bomb.json.gz", "mer än")

    # NUL characters

    def test_a_nul_character_in_a_police_record_rejects_that_record_naming_the_field(
        self,
    ) -> None:
        records = [rec(1), rec(2, summary="En cykel\x00 stals."), rec(3)]
        job = self.run_job(SourceKind.POLICE_EVENTS, json.dumps(records).encode(), "p.json")
        self.assertEqual(job.status, JobStatus.DONE, job.message)
        assert job.dataset is not None
        self.assertEqual((job.dataset.rows_imported, job.dataset.rows_rejected), (2, 1))
        rejected = RejectedRow.objects.get()
        self.assertEqual((rejected.row_number, rejected.field), (2, "summary"))
        self.assertIn("NUL", rejected.reason)
        self.assertEqual(Event.objects.count(), 2)

    def test_a_nul_character_in_a_statistics_table_rejects_that_row_naming_the_field(
        self,
    ) -> None:
        text = (
            "area;year;crime_type;count\n"
            "Oskarshamn;2024;misshandel;12\n"
            "Oskarshamn\x00;2024;alla_brott;3\n"
        )
        job = self.run_job(SourceKind.CRIME_STATISTICS, text.encode(), "s.csv", self.statistics)
        self.assertEqual(job.status, JobStatus.DONE, job.message)
        rejected = RejectedRow.objects.get()
        self.assertEqual((rejected.row_number, rejected.field), (3, "area"))
        self.assertEqual(Statistic.objects.count(), 1)

    def test_a_nul_character_in_an_event_table_rejects_that_row_naming_the_field(self) -> None:
        text = (
            "id;datum;typ;plats;beskrivning\n"
            "a1;2024-03-01;Klotter;Centrum;Klotter på vägg\n"
            "a2;2024-03-02;Klotter;Cent\x00rum;Klotter på vägg\n"
            "a3;2024-03-03;Klotter;Centrum;Klotter\x00 på vägg\n"
        )
        job = self.run_job(SourceKind.EST, text.encode(), "est.csv", self.events)
        self.assertEqual(job.status, JobStatus.DONE, job.message)
        self.assertEqual(
            list(RejectedRow.objects.values_list("row_number", "field")),
            [(3, "plats"), (4, "beskrivning")],
        )
        self.assertEqual(Event.objects.count(), 1)

    def test_a_nul_character_in_a_survey_rejects_that_row_naming_the_field(self) -> None:
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
            "Oskarshamn;2025;Otrygg ute sent på kvällen;18\n"
            "Oskarshamn;2025;Otrygg\x00 i centrum;20\n"
        )
        job = self.run_job(SourceKind.SURVEY, text.encode(), "t.csv", mapping)
        self.assertEqual(job.status, JobStatus.DONE, job.message)
        rejected = RejectedRow.objects.get()
        self.assertEqual((rejected.row_number, rejected.field), (3, "Fråga"))
        assert job.dataset is not None
        self.assertEqual((job.dataset.rows_imported, job.dataset.rows_rejected), (1, 1))

    # XLSX

    def test_an_xlsx_zip_bomb_is_refused_before_openpyxl_opens_it(self) -> None:
        data = xlsx([STATISTICS_HEADER, ["Oskarshamn", 2024, "misshandel", 12]])
        bomb = with_member(data, "xl/worksheets/sheet2.xml", b"<a/>" * 5_000_000)
        with mock.patch("openpyxl.load_workbook") as load:
            job = self.run_job(SourceKind.CRIME_STATISTICS, bomb, "bomb.xlsx", self.statistics)
        load.assert_not_called()
        self.assert_failed(job, "bomb.xlsx", "xl/worksheets/sheet2.xml")

    @override_settings(IMPORT_MAX_UNCOMPRESSED_BYTES=200 * 1024)
    def test_an_xlsx_unpacking_to_more_than_the_limit_is_refused(self) -> None:
        rows = [STATISTICS_HEADER] + [[f"Område {n}", 2024, "misshandel", n] for n in range(5000)]
        job = self.run_job(SourceKind.EST, xlsx(rows), "stor.xlsx", self.events)
        self.assert_failed(job, "stor.xlsx", "200 kB")

    @override_settings(IMPORT_MAX_SHARED_STRINGS_BYTES=50_000)
    def test_an_xlsx_with_a_huge_shared_string_is_refused_before_it_is_parsed(self) -> None:
        buffer = io.BytesIO()
        xlsx_with_shared_strings(
            buffer, STATISTICS_HEADER, [["Oskarshamn", "2024", "misshandel", "1"]], padding=200_000
        )
        data = buffer.getvalue()
        with mock.patch("openpyxl.load_workbook") as load:
            job = self.run_job(SourceKind.CRIME_STATISTICS, data, "lang.xlsx", self.statistics)
        load.assert_not_called()
        self.assert_failed(job, "lang.xlsx", "xl/sharedStrings.xml")

    @override_settings(IMPORT_MAX_CELL_CHARS=1000)
    def test_an_xlsx_cell_longer_than_the_limit_fails_naming_row_and_column(self) -> None:
        data = xlsx(
            [
                STATISTICS_HEADER,
                ["Oskarshamn", 2024, "misshandel", 1],
                ["Oskarshamn", 2025, "misshandel" + "x" * 5000, 1],
            ]
        )
        job = self.run_job(SourceKind.CRIME_STATISTICS, data, "cell.xlsx", self.statistics)
        self.assert_failed(job, "cell.xlsx", "3", "crime_type", "1000")

    @override_settings(IMPORT_MAX_ROWS=10)
    def test_an_xlsx_with_more_rows_than_the_limit_is_refused(self) -> None:
        rows = [STATISTICS_HEADER] + [["Oskarshamn", 2000 + n, "misshandel", n] for n in range(20)]
        job = self.run_job(SourceKind.CRIME_STATISTICS, xlsx(rows), "rader.xlsx", self.statistics)
        self.assert_failed(job, "rader.xlsx", "10")

    def test_a_file_that_is_not_a_zip_but_starts_like_one_fails_clearly(self) -> None:
        broken = b"PK\x03\x04broken"
        job = self.run_job(SourceKind.CRIME_STATISTICS, broken, "x.xlsx", self.statistics)
        self.assert_failed(job, "x.xlsx")

    # Statistics stream

    def test_a_statistics_file_whose_rows_are_all_refused_is_written_in_batches(self) -> None:
        lines = ["area;year;crime_type;count"]
        lines += [f"Oskarshamn;20x{n};misshandel;1" for n in range(25)]
        with mock.patch.object(services._RejectionWriter, "batch", 10):
            job = self.run_job(
                SourceKind.CRIME_STATISTICS, "\n".join(lines).encode(), "s.csv", self.statistics
            )
        self.assertEqual(job.status, JobStatus.DONE, job.message)
        assert job.dataset is not None
        self.assertEqual((job.dataset.rows_read, job.dataset.rows_rejected), (25, 25))
        self.assertEqual(
            sorted(RejectedRow.objects.values_list("row_number", flat=True)), list(range(2, 27))
        )

    # Unexpected errors and workers that die

    def test_an_unexpected_error_fails_the_job_with_a_generic_message_and_logs_the_detail(
        self,
    ) -> None:
        with (
            mock.patch.object(
                services, "import_police_events", side_effect=RuntimeError("detalj 19800101")
            ),
            self.assertLogs("samverka.sources.tasks", "ERROR") as logs,
        ):
            job = self.run_job(SourceKind.POLICE_EVENTS, b"[]", "p.json")
        self.assert_failed(job, "oväntat fel")
        self.assertNotIn("19800101", job.message)
        self.assertIn("19800101", "\n".join(logs.output))

    def _running_job(self, beat_age: float) -> ImportJob:
        stored = self.upload_dir / "r.upload"
        stored.write_bytes(b"[]")
        job = ImportJob.objects.create(
            kind=SourceKind.POLICE_EVENTS,
            owner=self.kommun,
            file_name="stor.json",
            stored_path=str(stored),
            created_by=self.coordinator,
            status=JobStatus.RUNNING,
        )
        job.heartbeat_path.touch()
        beat = time.time() - beat_age
        os.utime(job.heartbeat_path, (beat, beat))
        os.utime(stored, (beat, beat))
        return job

    @override_settings(IMPORT_STALL_SECONDS=60)
    def test_a_job_whose_worker_stopped_responding_is_failed_when_it_is_looked_at(self) -> None:
        job = self._running_job(beat_age=300)
        self.login_as("coordinator")
        page = self.client.get(job.get_absolute_url())
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertEqual(job.message, "Importen avbröts: arbetsprocessen slutade svara.")
        self.assertContains(page, "arbetsprocessen slutade svara")
        self.assertEqual(list(self.upload_dir.iterdir()), [], "the upload is removed")

    @override_settings(IMPORT_STALL_SECONDS=60)
    def test_a_job_whose_worker_beats_is_left_running(self) -> None:
        job = self._running_job(beat_age=5)
        self.login_as("coordinator")
        self.client.get(reverse("sources:list"))
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.RUNNING)
        self.assertTrue(Path(job.stored_path).exists())

    def test_an_xlsx_of_shared_strings_within_the_limits_imports(self) -> None:
        buffer = io.BytesIO()
        xlsx_with_shared_strings(
            buffer,
            STATISTICS_HEADER,
            [["Oskarshamn", "2024", "misshandel", "12"], ["Oskarshamn", "2025", "alla_brott", "3"]],
        )
        job = self.run_job(
            SourceKind.CRIME_STATISTICS, buffer.getvalue(), "ok.xlsx", self.statistics
        )
        self.assertEqual(job.status, JobStatus.DONE, job.message)
        self.assertEqual(Statistic.objects.count(), 2)
