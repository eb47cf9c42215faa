"""Population and sub-areas have a door (issue 13, point 8): imported from Källor with a
preview before anything is stored, in the background worker, only for the importer's own
kommuner, with provenance where the figures use them; and from the command line."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from samverka.audit.models import AuditEntry
from samverka.lib.geo import within
from samverka.organizations.models import Organization, SubArea
from samverka.situation import overview
from samverka.situation import services as situation
from samverka.situation.tests.test_workspace import YEAR_END, YEAR_START, WorkspaceTestCase
from samverka.sources.models import (
    Dataset,
    ImportJob,
    JobStatus,
    Population,
    RejectedRow,
    SourceKind,
)
from samverka.sources.tasks import run_import
from samverka.tenancy.access import Visibility
from samverka.testing import PersonaTestCase

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"
LOGIN = 302


def square(lon: float, lat: float, half: float = 0.01) -> dict[str, Any]:
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def geojson(*areas: tuple[str, dict[str, Any]]) -> bytes:
    features = [
        {"type": "Feature", "properties": {"namn": name}, "geometry": geometry}
        for name, geometry in areas
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


# Oskarshamn's kommun, drawn as a box around its centre; Lessebo lies far outside it.
OSKARSHAMN = square(16.45, 57.27, 0.3)
INSIDE = square(16.45, 57.27)
OUTSIDE = square(15.27, 56.75)  # Lessebo


class WhoMayImportTest(PersonaTestCase):
    def test_only_coordinators_and_the_platform_administrator_import_reference_data(
        self,
    ) -> None:
        expected = {
            "coordinator": 200,
            "police": 403,  # a member of the lpo, not its coordinator
            "outsider": 403,
            "reporter": 403,
            "viewer": 403,
            "admin": 200,
            "anonymous": LOGIN,
        }
        for name in ("sources:population", "sources:areas", "sources:import_confirm"):
            with self.subTest(name):
                statuses = dict(expected)
                if name == "sources:import_confirm":  # no preview waiting: back to Källor
                    statuses.update(coordinator=302, admin=302)
                self.assert_statuses("get", reverse(name), statuses)

    def test_a_coordinator_chooses_only_its_own_organization_as_owner(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            reverse("sources:population"),
            {
                "owner": self.other_kommun.pk,
                "year": 2025,
                "visibility": Visibility.INTERNAL,
                "file": SimpleUploadedFile("f.csv", b"kommunkod;folkmangd\n0761;9000\n"),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("owner", response.context["form"].errors)
        self.assertFalse(Dataset.objects.filter(kind=SourceKind.POPULATION).exists())


class PopulationThroughTheWebTest(WorkspaceTestCase):
    filters = overview.Filters(YEAR_START, YEAR_END)

    def upload(self, content: bytes, **extra: Any) -> Any:
        return self.client.post(
            reverse("sources:population"),
            {
                "owner": self.kommun.pk,
                "year": 2025,
                "visibility": Visibility.INTERNAL,
                "file": SimpleUploadedFile("folkmangd-2025.csv", content),
                **extra,
            },
        )

    def test_preview_confirm_store_and_the_lagesbild_rate_changes(self) -> None:
        self.login_as("coordinator")
        page = self.client.get(self.url("detail"))  # the figures are cached now
        before = page.context["figures"]["categories"]
        self.assertEqual(before["population"], 27000)
        self.assertIn("referensfolkmängd", page.content.decode())

        response = self.upload(b"kommunkod;folkm\xc3\xa4ngd\n0882;54000\n0761;9000\n")
        self.assertRedirects(response, reverse("sources:import_confirm"))
        preview = self.client.get(reverse("sources:import_confirm"))
        text = preview.content.decode()
        self.assertEqual(preview.context["preview"]["stored"], [["Oskarshamn", "2025", "54000"]])
        self.assertIn("Lessebo ligger inte i Oskarshamn eget område", text)
        self.assertIn("Det här avvisas, och varför", text)
        # Nothing is stored before it is confirmed.
        self.assertFalse(Population.objects.exists())
        self.assertFalse(Dataset.objects.filter(kind=SourceKind.POPULATION).exists())
        self.assertFalse(ImportJob.objects.filter(kind=SourceKind.POPULATION).exists())

        with self.captureOnCommitCallbacks(execute=True):
            confirmed = self.client.post(reverse("sources:import_confirm"), {"confirm": "1"})
        job = ImportJob.objects.get(kind=SourceKind.POPULATION)
        self.assertRedirects(confirmed, job.get_absolute_url())
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.DONE, job.message)
        dataset = job.dataset
        assert dataset is not None
        self.assertEqual((dataset.imported_by, dataset.owner), (self.coordinator, self.kommun))
        self.assertEqual(
            list(Population.objects.values_list("kommun__name", "year", "population")),
            [("Oskarshamn", 2025, 54000)],
        )
        dataset_page = self.client.get(dataset.get_absolute_url())
        self.assertContains(dataset_page, "<td>Oskarshamn</td><td>2025</td>", html=False)
        reject = RejectedRow.objects.get(dataset=dataset)
        self.assertEqual(reject.row_number, 3)
        download = self.client.get(reverse("sources:rejected_csv", kwargs={"pk": dataset.pk}))
        self.assertIn("Lessebo ligger inte i Oskarshamn eget område", download.content.decode())
        self.assertTrue(
            AuditEntry.objects.filter(object_pk=str(dataset.pk), actor=self.coordinator).exists()
        )

        # The lägesbild reads the new population at once, with the cache on.
        page = self.client.get(self.url("detail"))
        after = page.context["figures"]["categories"]
        self.assertEqual(after["population"], 54000)
        row_before, row_after = before["rows"][0], after["rows"][0]
        self.assertEqual(row_after["count"], row_before["count"])
        self.assertAlmostEqual(row_after["kommun"]["rate"], row_before["kommun"]["rate"] / 2)
        # And says where the population comes from: which file, who, when.
        source = page.context["figures"]["population_source"]
        self.assertEqual(
            (source["file_name"], source["imported_by"], source["year"]),
            ("folkmangd-2025.csv", str(self.coordinator), 2025),
        )
        self.assertIn("folkmangd-2025.csv, importerad av Cora", page.content.decode())

    def test_a_cancelled_preview_stores_nothing_and_removes_the_file(self) -> None:
        self.login_as("coordinator")
        self.upload(b"kommunkod;folkmangd\n0882;54000\n")
        stored = Path(self.client.session["reference_import_draft"]["stored_path"])
        self.assertTrue(stored.exists())
        response = self.client.post(reverse("sources:import_confirm"), {"cancel": "1"})
        self.assertRedirects(response, reverse("sources:list"))
        self.assertFalse(stored.exists())
        self.assertFalse(ImportJob.objects.exists())
        self.assertFalse(Population.objects.exists())

    def test_a_file_without_a_year_and_no_year_given_is_refused_in_swedish(self) -> None:
        self.login_as("coordinator")
        response = self.upload(b"kommunkod;folkmangd\n0882;54000\n", year="")
        self.assertEqual(response.status_code, 200)
        self.assertIn("har ingen årskolumn", str(response.context["form"].errors["file"]))

    def test_a_coordinator_of_a_national_organization_imports_no_national_population(
        self,
    ) -> None:
        from samverka.organizations.models import OrganizationKind
        from samverka.tenancy.access import Role
        from samverka.tenancy.models import Membership

        national = Organization.objects.create(
            name="Polismyndigheten", slug="polismyndigheten", kind=OrganizationKind.NATIONAL
        )
        Membership.objects.create(
            user=self.coordinator, organization=national, role=Role.COORDINATOR
        )
        self.login_as("coordinator")
        response = self.upload(b"kommunkod;folkmangd\n0882;54000\n", owner=national.pk)
        self.assertEqual(response.status_code, 200)
        self.assertIn("plattformens administratör", str(response.context["form"].errors))

    def test_the_platform_administrator_imports_every_kommuns_population(self) -> None:
        self.login_as("admin")
        self.upload(b"kommun;folkmangd;ar\nOskarshamn;30000;2025\nLessebo;9000;2025\n")
        preview = self.client.get(reverse("sources:import_confirm")).context["preview"]
        self.assertEqual((preview["stored_count"], preview["rejected_count"]), (2, 0))


class AreasThroughTheWebTest(WorkspaceTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Organization.objects.filter(pk=cls.kommun.pk).update(geometry=OSKARSHAMN)

    def upload(self, content: bytes, name: str = "stadsdelar.geojson") -> Any:
        return self.client.post(
            reverse("sources:areas"),
            {
                "owner": self.kommun.pk,
                "kommun": self.kommun.pk,
                "area_kind": "stadsdel",
                "visibility": Visibility.INTERNAL,
                "file": SimpleUploadedFile(name, content),
            },
        )

    def test_areas_outside_the_own_kommun_are_rejected_and_the_rest_imported(self) -> None:
        self.login_as("coordinator")
        response = self.upload(geojson(("Centrum", INSIDE), ("Lessebo torg", OUTSIDE)))
        self.assertRedirects(response, reverse("sources:import_confirm"))
        preview = self.client.get(reverse("sources:import_confirm"))
        self.assertEqual(preview.context["preview"]["stored"], [["Centrum", "nytt"]])
        self.assertIn("området Lessebo torg ligger utanför Oskarshamn", preview.content.decode())
        self.assertFalse(SubArea.objects.exists())
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("sources:import_confirm"), {"confirm": "1"})
        job = ImportJob.objects.get(kind=SourceKind.AREAS)
        self.assertEqual(job.status, JobStatus.DONE, job.message)
        area = SubArea.objects.get()
        self.assertEqual((area.name, area.kind, area.dataset), ("Centrum", "stadsdel", job.dataset))
        dataset_page = self.client.get(area.dataset.get_absolute_url())  # type: ignore[union-attr]
        self.assertContains(dataset_page, "Områden vars gräns kommer från den här importen")
        self.assertContains(dataset_page, "<li>Centrum</li>", html=True)
        # Where the lägesbild is drawn for the area, it says where the boundary comes from.
        figures = overview.build(
            self.kommun,
            situation.used_dataset_ids(self.picture),
            overview.Filters(YEAR_START, YEAR_END, sub_area=area.pk),
        )
        self.assertEqual(figures["sub_area_source"]["file_name"], "stadsdelar.geojson")
        self.assertEqual(figures["sub_area_source"]["imported_by"], str(self.coordinator))

    def test_the_kommun_must_be_in_the_owners_own_area(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            reverse("sources:areas"),
            {
                "owner": self.kommun.pk,
                "kommun": self.other_kommun.pk,
                "visibility": Visibility.INTERNAL,
                "file": SimpleUploadedFile("a.geojson", geojson(("Centrum", OUTSIDE))),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)
        self.assertFalse(SubArea.objects.exists())

    @override_settings(IMPORT_MAX_GEOJSON_BYTES=1000)
    def test_a_geojson_over_the_size_limit_is_refused_at_the_door(self) -> None:
        self.login_as("coordinator")
        big = geojson(*((f"Område {n}", INSIDE) for n in range(20)))
        self.assertGreater(len(big), 1000)
        response = self.upload(big)
        self.assertEqual(response.status_code, 200)
        self.assertIn("mer än de 1 kB som tillåts", str(response.context["form"].errors["file"]))
        self.assertFalse(ImportJob.objects.exists())

    def test_a_geojson_over_the_size_limit_ends_its_job_as_failed_in_swedish(self) -> None:
        self.login_as("coordinator")
        self.upload(geojson(*((f"Område {n}", INSIDE) for n in range(20))))
        # The limit is lowered after the preview: the worker checks again, before reading.
        with (
            override_settings(IMPORT_MAX_GEOJSON_BYTES=1000),
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.client.post(reverse("sources:import_confirm"), {"confirm": "1"})
        job = ImportJob.objects.get(kind=SourceKind.AREAS)
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertIsNotNone(job.finished_at)
        self.assertRegex(job.message, r"^stadsdelar\.geojson är \d+ kB, mer än de 1 kB som tillåts")
        self.assertFalse(Path(job.stored_path).exists())
        self.assertFalse(SubArea.objects.exists())
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, "inget sparades")

    def test_an_uploader_who_is_no_longer_coordinator_when_the_job_runs_imports_nothing(
        self,
    ) -> None:
        from samverka.tenancy.models import Membership

        self.login_as("coordinator")
        self.upload(geojson(("Centrum", INSIDE)))
        self.client.get(reverse("sources:import_confirm"))
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            self.client.post(reverse("sources:import_confirm"), {"confirm": "1"})
        Membership.objects.filter(user=self.coordinator).delete()
        for callback in callbacks:
            callback()
        job = ImportJob.objects.get(kind=SourceKind.AREAS)
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertIn("är inte längre samordnare för Oskarshamn", job.message)
        self.assertFalse(SubArea.objects.exists())

    def test_a_broken_geojson_ends_its_job_as_failed_in_swedish(self) -> None:
        self.login_as("coordinator")
        self.upload(geojson(("Centrum", INSIDE)))
        draft = self.client.session["reference_import_draft"]
        Path(draft["stored_path"]).write_bytes(b'{"type": "FeatureCollection", "feat')
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("sources:import_confirm"), {"confirm": "1"})
        job = ImportJob.objects.get(kind=SourceKind.AREAS)
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertIn("är inte GeoJSON", job.message)
        run_import.call(job.pk)  # ended already: a second run changes nothing
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.FAILED)


@pytest.mark.django_db
def test_the_population_command_imports_the_real_file_for_a_stated_year() -> None:
    call_command("load_reference_data", stdout=StringIO())
    path = SHARED / "population" / "population_per_kommun.csv"
    with pytest.raises(CommandError, match="årskolumn"):
        call_command("import_population", str(path), "--owner", "polismyndigheten")
    out = StringIO()
    call_command(
        "import_population", str(path), "--owner", "polismyndigheten", "--year", "2024", stdout=out
    )
    assert "290 read, 290 new" in out.getvalue()
    dataset = Dataset.objects.get(kind=SourceKind.POPULATION)
    assert dataset.period_start is not None and dataset.period_start.year == 2024
    assert Population.objects.filter(year=2024).count() == 290
    stockholm = Population.objects.get(kommun__municipality_code="0180")
    assert stockholm.population == Organization.objects.get(municipality_code="0180").population


@pytest.mark.django_db
def test_the_population_command_for_a_coordinator_imports_only_its_own_kommun() -> None:
    from samverka.tenancy.access import Role
    from samverka.tenancy.models import Membership
    from samverka.testing import make_user

    call_command("load_reference_data", stdout=StringIO())
    oskarshamn = Organization.objects.get(municipality_code="0882")
    user = make_user("samordnare@test.example", "Sam")
    Membership.objects.create(user=user, organization=oskarshamn, role=Role.COORDINATOR)
    path = SHARED / "population" / "population_per_kommun.csv"
    preview = StringIO()
    call_command(
        "import_population",
        str(path),
        "--owner",
        oskarshamn.slug,
        "--year",
        "2024",
        "--user",
        user.email,
        "--preview",
        stdout=preview,
    )
    assert "290 read, 1 would be stored, 289 rejected" in preview.getvalue()
    assert not Population.objects.exists()
    out = StringIO()
    call_command(
        "import_population",
        str(path),
        "--owner",
        oskarshamn.slug,
        "--year",
        "2024",
        "--user",
        user.email,
        stdout=out,
    )
    assert "290 read, 1 new" in out.getvalue()
    assert list(Population.objects.values_list("kommun__municipality_code", flat=True)) == ["0882"]
    assert RejectedRow.objects.count() == 289
    assert "ligger inte i Oskarshamn eget område" in RejectedRow.objects.first().reason


@pytest.mark.django_db
def test_the_areas_command_imports_sub_areas_inside_a_real_kommun(tmp_path: Path) -> None:
    call_command("load_reference_data", stdout=StringIO())
    oskarshamn = Organization.objects.get(municipality_code="0882")
    lessebo = Organization.objects.get(municipality_code="0761")
    assert oskarshamn.geometry is not None
    inside = square(oskarshamn.longitude, oskarshamn.latitude, 0.005)
    outside = square(lessebo.longitude, lessebo.latitude, 0.005)
    assert within((oskarshamn.longitude, oskarshamn.latitude), oskarshamn.geometry)
    path = tmp_path / "omraden.geojson"
    path.write_bytes(geojson(("Centrum", inside), ("Hultebruk", outside)))
    preview = StringIO()
    call_command(
        "import_areas",
        str(path),
        "--owner",
        oskarshamn.slug,
        "--kommun",
        "0882",
        "--preview",
        stdout=preview,
    )
    assert "preview (nothing stored): 2 read, 1 would be stored, 1 rejected" in preview.getvalue()
    assert not SubArea.objects.exists() and not Dataset.objects.exists()
    out = StringIO()
    call_command(
        "import_areas",
        str(path),
        "--owner",
        oskarshamn.slug,
        "--kommun",
        "0882",
        "--kind",
        "stadsdel",
        stdout=out,
    )
    assert "2 read, 1 new" in out.getvalue()
    assert "ligger utanför Oskarshamn" in out.getvalue()
    assert list(SubArea.objects.values_list("name", "kommun__name")) == [("Centrum", "Oskarshamn")]
    # Another kommun's areas are not Oskarshamn's to draw.
    with pytest.raises(CommandError, match="eget område"):
        call_command("import_areas", str(path), "--owner", oskarshamn.slug, "--kommun", "0761")


def test_the_public_summary_names_the_importing_organization_not_the_person() -> None:
    from django.template.loader import render_to_string

    source = {
        "population": 54000,
        "imported": True,
        "year": 2025,
        "title": "Folkmängd 2025",
        "file_name": "folkmangd-2025.csv",
        "imported_at": "2026-12-05 10:00",
        "imported_by": "Cora Samordnare",
        "owner": "Oskarshamn",
    }
    row = {"code": "x", "label_sv": "Stöld", "label_en": "Theft", "count": 12}
    figures = {
        "filters": {"start": "2025-01-01", "end": "2025-12-31"},
        "kommun": "Oskarshamn",
        "previous": {"covered": False},
        "sources": [],
        "population_source": source,
        "categories": {"rows": [row], "population": 54000, "total": 12},
    }
    public = render_to_string("situation/figures.html", {"figures": figures, "public": True})
    inside = render_to_string("situation/figures.html", {"figures": figures})
    assert "importerad av Oskarshamn, 2026-12-05 10:00" in public
    assert "Cora" not in public
    assert "folkmangd-2025.csv, importerad av Cora Samordnare" in inside
