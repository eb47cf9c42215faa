"""A Word file that unpacks to far more than an agreement is refused before python-docx
builds it in memory (a 0.9 MB .docx once took a web worker to 4.1 GB)."""

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path
from unittest import mock

import docx
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from samverka.agreements.models import AgreementReading, ReadingStatus
from samverka.sources.tests.hostile import zip_with_padding
from samverka.testing import PersonaTestCase

UPLOAD = reverse("agreements:import")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def word_file(*lines: str) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def with_padding(data: bytes, name: str, size: int) -> bytes:
    members = {
        i.filename: zipfile.ZipFile(io.BytesIO(data)).read(i)
        for i in zipfile.ZipFile(io.BytesIO(data)).infolist()
    }
    buffer = io.BytesIO()
    zip_with_padding(buffer, members, name, size)
    return buffer.getvalue()


class HostileWordFileTest(PersonaTestCase):
    def setUp(self) -> None:
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.upload_dir = Path(directory.name)
        self.enterContext(override_settings(UPLOAD_DIR=self.upload_dir))

    def post(self, data: bytes, name: str = "avtal.docx") -> list[str]:
        self.login_as("coordinator")
        response = self.client.post(
            UPLOAD, {"document": SimpleUploadedFile(name, data, content_type=DOCX)}, follow=True
        )
        self.assertEqual(list(self.upload_dir.iterdir()), [], "the upload is removed")
        self.assertNotIn("agreement_import", self.client.session)
        return [str(e) for e in response.context["form"].errors.get("document", [])]

    def test_a_docx_bomb_is_refused_before_python_docx_opens_it(self) -> None:
        bomb = with_padding(word_file("Samverkansavtal"), "word/document2.xml", 40_000_000)
        self.assertLess(len(bomb), 1_000_000)
        with mock.patch("docx.Document") as opened:
            errors = self.post(bomb, "bomb.docx")
        opened.assert_not_called()
        self.assertEqual(len(errors), 1)
        self.assertIn("bomb.docx", errors[0])
        self.assertIn("word/document2.xml", errors[0])
        self.assertIn("manipulerad", errors[0])

    @override_settings(AGREEMENT_MAX_UNCOMPRESSED_BYTES=20_000)
    def test_a_docx_unpacking_to_more_than_the_limit_is_refused(self) -> None:
        errors = self.post(word_file("Samverkansavtal"), "stor.docx")
        self.assertEqual(len(errors), 1)
        self.assertIn("stor.docx", errors[0])
        self.assertIn("20 kB", errors[0])


class ReadingInTheWorkerTest(PersonaTestCase):
    """Word and PDF files are read by the worker: the upload only queues the reading."""

    def setUp(self) -> None:
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.enterContext(override_settings(UPLOAD_DIR=Path(directory.name)))

    def test_the_upload_queues_the_reading_and_the_page_waits_for_it(self) -> None:
        self.login_as("coordinator")
        with mock.patch("samverka.agreements.views.read_agreement") as task:
            response = self.client.post(
                UPLOAD,
                {"document": SimpleUploadedFile("avtal.docx", word_file("Avtal"), DOCX)},
            )
        reading = AgreementReading.objects.get()
        task.enqueue.assert_called_once_with(reading.pk)
        self.assertRedirects(response, reading.get_absolute_url())
        page = self.client.get(reading.get_absolute_url())
        self.assertContains(page, 'http-equiv="refresh"')
        self.assertContains(page, "avtal.docx")
        self.login_as("police")  # another user's reading is not theirs to see
        self.assertIn(self.client.get(reading.get_absolute_url()).status_code, (403, 404))

    @override_settings(IMPORT_STALL_SECONDS=60)
    def test_a_reading_whose_worker_died_fails_and_its_file_is_removed(self) -> None:
        stored = Path(settings.UPLOAD_DIR) / "x.agreement"
        stored.write_bytes(b"x")
        reading = AgreementReading.objects.create(
            created_by=self.coordinator,
            file_name="avtal.pdf",
            stored_path=str(stored),
            status=ReadingStatus.RUNNING,
            started_at=timezone.now() - dt.timedelta(minutes=5),
        )
        self.login_as("coordinator")
        page = self.client.get(reading.get_absolute_url())
        self.assertContains(page, "arbetsprocessen slutade svara")
        self.assertFalse(stored.exists())
