"""Headers every response carries: no copy of a signed-in page or a download in any cache,
and a Content-Security-Policy without inline code."""

import json
import re
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone

from samverka.situation.charts import CLASSES
from samverka.sources import services
from samverka.tenancy.access import Visibility
from samverka.testing import PersonaTestCase

PRIVATE = "private, no-store"


class CacheControlTest(PersonaTestCase):
    def test_every_signed_in_page_is_kept_out_of_caches(self) -> None:
        self.login_as("coordinator")
        for url in ["/", reverse("agreements:list"), reverse("sources:list")]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Cache-Control"], PRIVATE)

    def test_documents_are_kept_out_of_caches(self) -> None:
        self.login_as("coordinator")
        for name in ["agreements:pdf", "agreements:docx", "agreements:cycle_ics"]:
            with self.subTest(name=name):
                response = self.client.get(reverse(name, kwargs={"pk": self.agreement.pk}))
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Cache-Control"], PRIVATE)

    def test_an_anonymous_download_of_a_public_dataset_is_kept_out_of_caches(self) -> None:
        record = {"id": 1, "datetime": "trasig", "name": "x", "summary": "", "type": "Stöld"}
        dataset = services.import_police_events(
            json.dumps([record]).encode(), file_name="offentlig.json", owner=self.lpo
        ).dataset
        dataset.visibility, dataset.published_at = Visibility.PUBLIC, timezone.now()
        dataset.save()
        response = self.client.get(reverse("sources:rejected_csv", kwargs={"pk": dataset.pk}))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], PRIVATE)

    def test_an_anonymous_public_page_keeps_its_headers(self) -> None:
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("no-store", response.headers.get("Cache-Control", ""))


# Templates rendered only into PDF by WeasyPrint, never served as a page.
# Templates rendered to PDF only (WeasyPrint), never served: by name, "…document.html".
PDF_ONLY_SUFFIX = "document.html"
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+\s*=", re.IGNORECASE)


class ContentSecurityPolicyTest(PersonaTestCase):
    def test_pages_forbid_inline_code_and_anything_from_elsewhere(self) -> None:
        for persona in ["anonymous", "coordinator"]:
            with self.subTest(persona=persona):
                self.login_as(persona)
                policy = self.client.get("/")["Content-Security-Policy"]
                directives = dict(part.partition(" ")[::2] for part in policy.split("; "))
                self.assertEqual(directives["default-src"], "'self'")
                self.assertEqual(directives["script-src"], "'self'")
                self.assertEqual(directives["style-src"], "'self'")
                self.assertEqual(directives["frame-ancestors"], "'none'")
                self.assertNotIn("unsafe-inline", policy)
                self.assertNotIn("http", policy)

    def test_no_served_template_has_inline_scripts_styles_or_handlers(self) -> None:
        offending = []
        for path in sorted(Path(settings.BASE_DIR, "samverka").rglob("templates/**/*.html")):
            if path.name.endswith(PDF_ONLY_SUFFIX):
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if INLINE.search(line):
                    offending.append(f"{path.relative_to(settings.BASE_DIR)}:{number}")
        self.assertEqual(offending, [])

    def test_the_map_legend_classes_have_the_charts_colours(self) -> None:
        css = Path(settings.BASE_DIR, "samverka/shell/static/samverka/samverka.css").read_text()
        for number, colour in enumerate(CLASSES, start=1):
            self.assertIn(f".swatch-count-{number} {{ background: {colour}; }}", css)


class PdfOnlyTemplatesTest(SimpleTestCase):
    def test_no_view_serves_a_pdf_only_template(self) -> None:
        """The templates the CSP check passes over ("…document.html") are only rendered
        to PDF: no view renders one as a page."""
        served = []
        for path in sorted(Path(settings.BASE_DIR, "samverka").rglob("views.py")):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if "document.html" in line:
                    served.append(f"{path.relative_to(settings.BASE_DIR)}:{number}")
        self.assertEqual(served, [])
