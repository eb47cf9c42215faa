"""Headers every response carries: no copy of a signed-in page or a download in any cache,
and a Content-Security-Policy without inline code."""

import json

from django.urls import reverse
from django.utils import timezone

from samverka.core.access import Visibility
from samverka.sources import services
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
