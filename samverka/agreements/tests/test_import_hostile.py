"""A Word file that unpacks to far more than an agreement is refused before python-docx
builds it in memory (a 0.9 MB .docx once took a web worker to 4.1 GB)."""

import io
import zipfile
from unittest import mock

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

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
    def post(self, data: bytes, name: str = "avtal.docx") -> list[str]:
        self.login_as("coordinator")
        response = self.client.post(
            UPLOAD, {"document": SimpleUploadedFile(name, data, content_type=DOCX)}
        )
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
