"""Importing Police events: provenance, bad rows, re-imports, withdrawal, the real file."""

import gzip
import json
from collections import Counter
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import TestCase

from samverka.organizations.models import County, Organization, OrganizationKind
from samverka.sources import services
from samverka.sources.models import Dataset, Event, PlacePrecision, SourceKind
from samverka.taxonomy.models import Category
from samverka.testing import make_kommun

SHARED_EVENTS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "polisen_events"


def rec(id_: int, **extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": id_,
        "datetime": "2026-08-22 9:48:12 +02:00",
        "name": "22 augusti 08:15, Stöld, Oskarshamn",
        "summary": "En cykel stals.",
        "url": "/",
        "type": "Stöld",
        "location": {"name": "Oskarshamn", "gps": "57.264,16.448"},
    }
    base.update(extra)
    return base


def as_bytes(records: list[dict[str, object]]) -> bytes:
    return json.dumps(records, ensure_ascii=False).encode()


class ImportTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.kalmar = County.objects.create(code="08", name="Kalmar län")
        cls.kommun = make_kommun("Oskarshamn", "0882", cls.kalmar)
        make_kommun(
            "Upplands Väsby", "0114", County.objects.create(code="01", name="Stockholms län")
        )
        cls.owner = Organization.objects.create(
            name="Polismyndigheten", slug="polismyndigheten", kind=OrganizationKind.NATIONAL
        )

    def run_import(self, records: list[dict[str, object]], name: str = "events.json") -> Dataset:
        return services.import_police_events(
            as_bytes(records), file_name=name, owner=self.owner
        ).dataset

    def test_valid_rows_go_in_and_a_broken_row_is_named(self) -> None:
        records = [
            rec(1),
            rec(
                2,
                type="Sammanfattning natt",
                name="22 augusti 06:00, Sammanfattning natt, Kalmar län",
            ),
            rec(3, datetime="igår"),  # broken, in the middle
            rec(4, location={"name": "Kalmar län", "gps": "56.66,16.36"}, type="Brand"),
            rec(
                5,
                name="22 augusti 07.59, Lagen om hundar och katter , Upplands väsby",
                type="Lagen om hundar och katter ",
                location={"name": "Upplands väsby", "gps": "59.52,17.91"},
            ),
            rec(6, summary="Ring 070-123 45 67 om du sett något."),
        ]
        dataset = self.run_import(records)
        self.assertEqual(
            (dataset.rows_read, dataset.rows_imported, dataset.rows_skipped, dataset.rows_rejected),
            (6, 3, 1, 2),
        )
        rejected = {(r.row_number, r.field) for r in dataset.rejected.all()}
        self.assertEqual(rejected, {(3, "datetime"), (6, "summary")})
        self.assertIn("innehåller personuppgifter", dataset.rejected.get(row_number=6).reason)
        self.assertFalse(Event.objects.filter(description__contains="070").exists())
        county_event = Event.objects.get(external_id="4")
        self.assertIsNone(county_event.kommun)
        self.assertEqual(county_event.county, self.kalmar)
        self.assertEqual(county_event.place_precision, PlacePrecision.COUNTY)
        vasby = Event.objects.get(external_id="5")
        self.assertEqual(vasby.kommun.name, "Upplands Väsby")  # type: ignore[union-attr]
        self.assertEqual(vasby.category, Category.objects.current().get(code="other"))
        self.assertEqual(str(dataset.period_start), "2026-08-22")
        self.assertEqual(len(dataset.sha256), 64)

    def test_the_same_file_again_changes_nothing_and_says_so(self) -> None:
        data = as_bytes([rec(1), rec(2)])
        services.import_police_events(data, file_name="a.json", owner=self.owner)
        again = services.import_police_events(data, file_name="a.json", owner=self.owner)
        self.assertTrue(again.already_imported)
        self.assertEqual(Dataset.objects.count(), 1)
        self.assertEqual(Event.objects.count(), 2)

    def test_a_newer_version_of_an_event_replaces_the_older(self) -> None:
        self.run_import([rec(1)], "first.json")
        newer = rec(1, datetime="2026-08-22 11:02:00 +02:00", summary="Cykeln är återfunnen.")
        dataset = self.run_import([newer, rec(2)], "second.json")
        self.assertEqual((dataset.rows_imported, dataset.rows_updated), (1, 1))
        event = Event.objects.get(external_id="1")
        self.assertEqual(event.description, "Cykeln är återfunnen.")
        self.assertEqual(event.dataset, dataset)
        # An older version in another file changes nothing.
        older = self.run_import([rec(1), rec(9)], "third.json")
        self.assertEqual((older.rows_imported, older.rows_updated, older.rows_unchanged), (1, 0, 1))
        self.assertEqual(Event.objects.get(external_id="1").description, "Cykeln är återfunnen.")

    def test_the_newest_version_wins_within_one_file(self) -> None:
        self.run_import([rec(1, datetime="2026-08-22 11:00:00 +02:00", summary="Ny"), rec(1)])
        self.assertEqual(Event.objects.get(external_id="1").description, "Ny")

    def test_a_file_cut_off_midway_leaves_no_dataset(self) -> None:
        data = as_bytes([rec(1), rec(2), rec(3)])
        with self.assertRaises(services.ImportError_):
            services.import_police_events(
                data[: len(data) // 2], file_name="cut.json", owner=self.owner
            )
        self.assertFalse(Dataset.objects.exists())
        self.assertFalse(Event.objects.exists())

    def test_a_crash_during_the_import_leaves_the_database_as_it_was(self) -> None:
        with (
            mock.patch(
                "samverka.sources.services.RejectedRow.objects.bulk_create",
                side_effect=RuntimeError("disk full"),
            ),
            self.assertRaises(RuntimeError),
        ):
            self.run_import([rec(1), rec(2, datetime="x")])
        self.assertFalse(Dataset.objects.exists())
        self.assertFalse(Event.objects.exists())

    def test_a_withdrawn_dataset_is_left_out(self) -> None:
        dataset = self.run_import([rec(1), rec(2)])
        self.assertEqual(Event.objects.in_use().count(), 2)
        services.withdraw(dataset, reason="Fel fil")
        self.assertEqual(Event.objects.in_use().count(), 0)
        self.assertFalse(Dataset.objects.in_use().exists())

    def test_an_unknown_type_is_listed_and_mapped_by_hand(self) -> None:
        self.run_import([rec(1, type="Helt ny typ"), rec(2, type="Helt ny typ")])
        self.assertEqual(services.unmapped_types(SourceKind.POLICE_EVENTS), [("Helt ny typ", 2)])
        category = Category.objects.current().get(code="order.disturbance")
        changed = services.map_type(SourceKind.POLICE_EVENTS, "Helt ny typ", category, None)
        self.assertEqual(changed, 2)
        self.assertEqual(services.unmapped_types(SourceKind.POLICE_EVENTS), [])
        self.run_import([rec(3, type="Helt ny typ")], "later.json")
        self.assertEqual(Event.objects.get(external_id="3").category, category)

    def test_the_command_imports_and_reports(self) -> None:
        path = Path(self._testMethodName + ".json")
        out = StringIO()
        with mock.patch.object(Path, "read_bytes", return_value=as_bytes([rec(1), rec(2)])):
            call_command("import_police_events", str(path), stdout=out)
            call_command("import_police_events", str(path), stdout=out)
        self.assertIn("2 new", out.getvalue())
        self.assertIn("0 new rows, nothing changed", out.getvalue())
        self.assertEqual(Dataset.objects.get().visibility, "public")


@pytest.mark.django_db
def test_the_81444_real_events_import_and_count_right_per_kommun() -> None:
    call_command("load_reference_data", stdout=StringIO())
    path = SHARED_EVENTS / "events_2023-03_2026-08_dedup.json.gz"
    owner = Organization.objects.get(slug="polismyndigheten")
    data = path.read_bytes()
    dataset = services.import_police_events(data, file_name=path.name, owner=owner).dataset
    assert dataset.rows_read == 81_444
    records = json.loads(gzip.decompress(data))
    plain = Counter(
        r["location"]["name"] for r in records if not r["type"].startswith("Sammanfattning")
    )
    for kommun in ("Västervik", "Oskarshamn", "Olofström", "Lessebo", "Oxelösund"):
        stored = Event.objects.in_use().filter(kommun__name=kommun).count()
        assert stored == plain[kommun], kommun
        assert stored > 0
    assert not Event.objects.filter(category__isnull=True).exists()
    assert Event.objects.filter(place_precision="exact").count() == 0  # centres only
    again = services.import_police_events(data, file_name=path.name, owner=owner)
    assert again.already_imported and Event.objects.count() == dataset.rows_imported
