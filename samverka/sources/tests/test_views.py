"""Source pages for every persona: upload, follow, read, withdraw, map types."""

import json
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from samverka.sources import services
from samverka.sources.models import Dataset, Event, ImportJob, JobStatus, SourceKind
from samverka.sources.tasks import JobProgress
from samverka.taxonomy.models import Category
from samverka.tenancy.access import Visibility
from samverka.testing import PERSONAS, PersonaTestCase

LOGIN = 302


def police_file(*records: dict[str, object], name: str = "events.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(list(records)).encode(), "application/json")


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


class UploadTest(PersonaTestCase):
    def test_who_may_upload(self) -> None:
        expected = {
            "coordinator": 200,
            "police": 200,
            "outsider": 200,
            "reporter": 403,
            "viewer": 403,
            "admin": 200,
            "anonymous": LOGIN,
        }
        self.assert_statuses("get", reverse("sources:upload"), expected)

    def test_an_upload_is_imported_in_the_background_and_followed(self) -> None:
        self.login_as("coordinator")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("sources:upload"),
                {
                    "kind": SourceKind.POLICE_EVENTS,
                    "owner": self.kommun.pk,
                    "visibility": Visibility.INTERNAL,
                    "title": "Polisens händelser augusti",
                    "file": police_file(rec(1), rec(2, datetime="trasig"), rec(3)),
                },
            )
        job = ImportJob.objects.get()
        self.assertRedirects(response, job.get_absolute_url())
        job.refresh_from_db()
        self.assertEqual((job.status, job.progress), (JobStatus.DONE, 100))
        dataset = job.dataset
        assert dataset is not None
        self.assertEqual((dataset.rows_imported, dataset.rows_rejected), (2, 1))
        self.assertEqual(dataset.owner, self.kommun)
        self.assertEqual(dataset.imported_by, self.coordinator)
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, "Klar")
        self.assertContains(page, dataset.get_absolute_url())

    def test_a_running_job_shows_the_progress_the_worker_wrote_inside_its_transaction(
        self,
    ) -> None:
        self.login_as("coordinator")
        with tempfile.TemporaryDirectory() as directory:
            job = ImportJob.objects.create(
                kind=SourceKind.POLICE_EVENTS,
                owner=self.kommun,
                file_name="stor.json",
                stored_path=str(Path(directory) / "x.upload"),
                created_by=self.coordinator,
                status=JobStatus.RUNNING,
            )
            progress = JobProgress(job)
            with transaction.atomic():  # as inside the import's transaction
                for done in (10, 10, 40, 70):
                    progress(done, 100)
            self.assertEqual(progress.reported, [9, 38, 66])  # 0–95 %, each change once
            self.assertContains(self.client.get(job.get_absolute_url()), 'value="66"')
            progress.remove()
            self.assertFalse(job.progress_path.exists())

    def test_an_import_reports_progress_while_reading_and_while_writing(self) -> None:
        seen: list[tuple[int, int]] = []
        records = [rec(n) for n in range(1, 12_001)]
        services.import_police_events(
            json.dumps(records).encode(),
            file_name="p.json",
            owner=self.kommun,
            progress=lambda done, total: seen.append((done, total)),
        )
        total = seen[-1][1]
        self.assertEqual(total, 2 * len(records))
        reading = [d for d, _t in seen if d <= len(records)]
        writing = [d for d, _t in seen if len(records) < d < total]
        self.assertGreaterEqual(len(reading), 2)
        self.assertGreaterEqual(len(writing), 1)

    def test_an_unreadable_file_fails_with_its_reason_and_saves_nothing(self) -> None:
        self.login_as("police")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("sources:upload"),
                {
                    "kind": SourceKind.POLICE_EVENTS,
                    "owner": self.lpo.pk,
                    "visibility": Visibility.INTERNAL,
                    "file": police_file(name="x.json"),
                }
                | {"file": SimpleUploadedFile("x.json", b'[{"id": 1,', "application/json")},
            )
        job = ImportJob.objects.get()
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertIn("x.json", job.message)
        self.assertFalse(Dataset.objects.exists())
        self.assertContains(self.client.get(job.get_absolute_url()), "inget sparades")

    def test_a_user_cannot_upload_in_another_organizations_name(self) -> None:
        self.login_as("police")
        response = self.client.post(
            reverse("sources:upload"),
            {
                "kind": SourceKind.POLICE_EVENTS,
                "owner": self.kommun.pk,
                "visibility": Visibility.INTERNAL,
                "file": police_file(rec(1)),
            },
        )
        self.assertIn("owner", response.context["form"].errors)
        self.assertFalse(ImportJob.objects.exists())


class DatasetPagesTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        data = json.dumps([rec(1), rec(2, datetime="trasig")]).encode()
        cls.dataset = services.import_police_events(
            data, file_name="kommunens.json", owner=cls.kommun
        ).dataset
        public = services.import_police_events(
            json.dumps([rec(7)]).encode(), file_name="offentlig.json", owner=cls.lpo
        ).dataset
        public.visibility, public.published_at = Visibility.PUBLIC, timezone.now()
        public.save()
        cls.public = public

    def test_an_internal_dataset_is_read_by_its_owner_only(self) -> None:
        expected = dict.fromkeys(PERSONAS, 404) | {"coordinator": 200, "viewer": 200}
        self.assert_statuses("get", self.dataset.get_absolute_url(), expected)
        self.assert_statuses(
            "get", reverse("sources:rejected_csv", kwargs={"pk": self.dataset.pk}), expected
        )

    def test_a_public_dataset_is_read_by_everyone(self) -> None:
        self.assert_statuses("get", self.public.get_absolute_url(), dict.fromkeys(PERSONAS, 200))
        self.login_as("anonymous")
        self.assertContains(self.client.get(reverse("sources:list")), "offentlig.json")

    def test_the_rejected_rows_download_names_row_field_and_reason(self) -> None:
        self.login_as("coordinator")
        response = self.client.get(reverse("sources:rejected_csv", kwargs={"pk": self.dataset.pk}))
        text = response.content.decode("utf-8-sig")
        self.assertEqual(text.splitlines()[0], "Rad;Fält;Orsak")
        self.assertIn("2;datetime;", text)

    def test_a_column_name_like_a_formula_is_not_a_formula_in_the_rejected_rows(self) -> None:
        self.dataset.rejected.create(
            row_number=9, field='=HYPERLINK("http://example.org/x","Klicka")', reason="Okänd"
        )
        self.dataset.rejected.create(row_number=10, field="@SUM(A1)", reason="-1 för få")
        self.login_as("coordinator")
        response = self.client.get(reverse("sources:rejected_csv", kwargs={"pk": self.dataset.pk}))
        lines = response.content.decode("utf-8-sig").splitlines()
        self.assertIn('9;"\'=HYPERLINK(""http://example.org/x"",""Klicka"")";Okänd', lines)
        self.assertIn("10;'@SUM(A1);'-1 för få", lines)

    def test_the_owner_withdraws_a_dataset_and_others_may_not(self) -> None:
        url = reverse("sources:withdraw", kwargs={"pk": self.dataset.pk})
        expected = dict.fromkeys(PERSONAS, 404) | {
            "coordinator": 200,
            "viewer": 403,
            "anonymous": LOGIN,
        }
        self.assert_statuses("get", url, expected)
        self.login_as("coordinator")
        self.client.post(url, {"reason": "Fel period"})
        self.dataset.refresh_from_db()
        self.assertIsNotNone(self.dataset.withdrawn_at)
        self.assertFalse(Event.objects.in_use().filter(dataset=self.dataset).exists())
        self.assertContains(self.client.get(self.dataset.get_absolute_url()), "Fel period")


class TypeMappingTest(PersonaTestCase):
    def test_who_may_map_types(self) -> None:
        expected = dict.fromkeys(PERSONAS, 403) | {
            "coordinator": 200,
            "admin": 200,
            "anonymous": LOGIN,
        }
        self.assert_statuses("get", reverse("sources:types"), expected)

    def test_a_coordinator_maps_an_unknown_type(self) -> None:
        services.import_police_events(
            json.dumps([rec(1, type="Ny typ")]).encode(), file_name="a.json", owner=self.kommun
        )
        self.login_as("coordinator")
        response = self.client.get(reverse("sources:types"))
        self.assertContains(response, "Ny typ")
        category = Category.objects.current().get(code="order.mischief")
        self.client.post(
            reverse("sources:types"), {"source_type": "Ny typ", "category": category.pk}
        )
        self.assertEqual(Event.objects.get().category, category)
        self.assertContains(self.client.get(reverse("sources:types")), "Alla typer har en kategori")
