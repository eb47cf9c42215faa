"""Tables of events through a mapping: dates, times, categories, WGS 84 or SWEREF 99 TM."""

import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

import pyarrow as pa
from django.core.management import call_command
from django.test import TestCase

from samverka.lib.geo import wgs84_to_sweref99tm
from samverka.organizations.models import County
from samverka.sources import services, tabular
from samverka.sources.event_table import scoped_id
from samverka.sources.models import ColumnMapping, Dataset, Event, PlacePrecision, SourceKind
from samverka.sources.writing import EventWriter
from samverka.testing import make_kommun

HEADER = "id;datum;tid;typ;lat;lon;plats;beskrivning\n"


class EventTableTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.kommun = make_kommun("Oskarshamn", "0882", County.objects.create(code="08", name="K"))
        cls.mapping = ColumnMapping.objects.create(
            name="EST-export",
            owner=cls.kommun,
            kind=SourceKind.EST,
            kommun=cls.kommun,
            id_column="id",
            date_column="datum",
            time_column="tid",
            category_column="typ",
            x_column="lat",
            y_column="lon",
            place_column="plats",
            description_column="beskrivning",
            categories={"Klotter": "damage.graffiti", "Nedskräpning": "order.unsafe_litter"},
        )

    def run_import(self, text: str, name: str = "est.csv") -> Dataset:
        return services.import_event_table(
            text.encode(), file_name=name, mapping=self.mapping, owner=self.kommun
        ).dataset

    def test_rows_become_events_with_their_precision(self) -> None:
        northing, easting = wgs84_to_sweref99tm(57.2646, 16.4484)
        text = HEADER + (
            "a1;2026-03-01;21.40;Klotter;57,2646;16,4484;Stadsparken;Klotter på lekstugan\n"
            f"a2;2026-03-02;;Nedskräpning;{northing:.2f};{easting:.2f};Hamnen;\n"
            "a3;2026-03-03;08:15;damage.graffiti;;;Centrum;\n"
        )
        dataset = self.run_import(text)
        self.assertEqual((dataset.rows_imported, dataset.rows_rejected), (3, 0))
        first = Event.objects.get(external_id=scoped_id(self.mapping, "a1"))
        self.assertEqual(
            (first.place_precision, first.time_precision), (PlacePrecision.EXACT, "exact")
        )
        self.assertEqual(first.category.code, "damage.graffiti")  # type: ignore[union-attr]
        self.assertEqual(first.occurred_at.astimezone().strftime("%H:%M"), "21:40")
        sweref = Event.objects.get(external_id=scoped_id(self.mapping, "a2"))
        self.assertAlmostEqual(sweref.latitude, 57.2646, places=6)  # type: ignore[arg-type]
        self.assertAlmostEqual(sweref.longitude, 16.4484, places=6)  # type: ignore[arg-type]
        self.assertEqual(sweref.time_precision, "day")
        self.assertEqual(
            Event.objects.get(external_id=scoped_id(self.mapping, "a3")).place_precision,
            PlacePrecision.KOMMUN,
        )
        self.assertEqual(dataset.kind, SourceKind.EST)

    def test_bad_rows_are_named_and_the_rest_goes_in(self) -> None:
        text = HEADER + (
            "b1;2026-02-30;12:00;Klotter;;;;\n"
            "b2;2026-03-01;25:00;Klotter;;;;\n"
            "b3;2026-03-01;12:00;Okänd typ;;;;\n"
            "b4;2026-03-01;12:00;Klotter;99;99;;\n"
            "b5;2026-03-01;12:00;Klotter;;;;Ring 070-123 45 67\n"
            "b6;2026-03-01;12:00;Klotter;;;;\n"
        )
        dataset = self.run_import(text)
        self.assertEqual((dataset.rows_imported, dataset.rows_rejected), (1, 5))
        self.assertEqual(
            [(r.row_number, r.field) for r in dataset.rejected.all()],
            [(2, "datum"), (3, "tid"), (4, "typ"), (5, "lat"), (6, "beskrivning")],
        )

    def test_a_file_cut_off_mid_row_leaves_nothing(self) -> None:
        text = HEADER + "c1;2026-03-01;12:00;Klotter;;;;\nc2;2026-03-0"
        with self.assertRaises(services.ImportError_) as ctx:
            self.run_import(text)
        self.assertIn("rad 3", str(ctx.exception))  # in Swedish, the language of the site
        self.assertFalse(Dataset.objects.exists())
        self.assertFalse(Event.objects.exists())

    def test_many_rows_stream_in_batches_and_the_same_file_again_changes_nothing(self) -> None:
        rows = "".join(f"d{n};2026-01-{1 + n % 28:02d};12:00;Klotter;;;;\n" for n in range(12_001))
        dataset = self.run_import(HEADER + rows)
        self.assertEqual(dataset.rows_imported, 12_001)
        self.assertEqual(Event.objects.count(), 12_001)
        again = services.import_event_table(
            (HEADER + rows).encode(), file_name="igen.csv", mapping=self.mapping, owner=self.kommun
        )
        self.assertTrue(again.already_imported)

    def test_a_later_file_with_some_stored_ids_adds_the_new_and_keeps_the_stored(self) -> None:
        # New ids first, stored ones in a later chunk: the quick plain INSERT meets a
        # stored id mid-way, and the import starts again as a merge, with nothing twice.
        first = "".join(f"s{n};2026-01-{1 + n % 28:02d};12:00;Klotter;;;;\n" for n in range(50))
        self.run_import(HEADER + first)
        later = "".join(f"t{n};2026-02-{1 + n % 28:02d};12:00;Klotter;;;;\n" for n in range(3000))
        with mock.patch.object(tabular, "CHUNK_BYTES", 16_384):
            result = services.import_event_table(
                (HEADER + later + first).encode(),
                file_name="senare.csv",
                mapping=self.mapping,
                owner=self.kommun,
            )
        dataset = result.dataset
        self.assertEqual((dataset.rows_imported, dataset.rows_updated), (3000, 0))
        self.assertEqual(dataset.rows_unchanged, 50)
        self.assertEqual(Event.objects.count(), 3050)
        self.assertEqual(Event.objects.filter(dataset=dataset).count(), 3000)

    def test_two_kommuner_with_the_same_ids_keep_their_own_events(self) -> None:
        # Both exports number their rows 1, 2, 3: neither replaces nor hides the other's.
        other = make_kommun("Västervik", "0883", County.objects.get(code="08"))
        other_mapping = ColumnMapping.objects.create(
            name="EST Västervik",
            owner=other,
            kind=SourceKind.EST,
            kommun=other,
            id_column="id",
            date_column="datum",
            category_column="typ",
            categories={"Klotter": "damage.graffiti"},
        )
        rows = "".join(f"{n};2026-03-0{n};12:00;Klotter;;;;\n" for n in (1, 2, 3))
        self.run_import(HEADER + rows)
        theirs = services.import_event_table(
            (HEADER + rows + "4;2026-03-04;12:00;Klotter;;;;\n").encode(),
            file_name="vastervik.csv",
            mapping=other_mapping,
            owner=other,
        ).dataset
        self.assertEqual((theirs.rows_imported, theirs.rows_unchanged), (4, 0))
        self.assertEqual(Event.objects.filter(kommun=self.kommun).count(), 3)
        self.assertEqual(Event.objects.filter(kommun=other).count(), 4)

    def test_an_id_too_long_to_store_is_named(self) -> None:
        text = HEADER + (
            f"{'x' * 80};2026-03-01;12:00;Klotter;;;;\n" + "ok1;2026-03-01;12:00;Klotter;;;;\n"
        )
        dataset = self.run_import(text)
        self.assertEqual((dataset.rows_imported, dataset.rows_rejected), (1, 1))
        rejection = dataset.rejected.get()
        self.assertEqual((rejection.row_number, rejection.field), (2, "id"))
        self.assertIn("Kolumn med händelsens id ”id”: längre än", rejection.reason)

    def test_a_large_import_leaves_the_tables_keys_and_indexes_as_they_were(self) -> None:
        # A load larger than the table drops the plain indexes (and on PostgreSQL the
        # foreign keys) while it writes: they must all be back, and checked, after it.
        from django.db import connection

        def shape() -> dict[str, tuple[object, ...]]:
            with connection.cursor() as cursor:
                found = connection.introspection.get_constraints(cursor, Event._meta.db_table)
            return {
                name: (tuple(c["columns"]), c["unique"], c["index"], c["foreign_key"])
                for name, c in found.items()
            }

        before = shape()
        self.assertTrue(any(value[3] for value in before.values()) or connection.vendor == "sqlite")
        rows = "".join(f"L{n};2026-01-{1 + n % 28:02d};12:00;Klotter;;;;\n" for n in range(20_500))
        dataset = self.run_import(HEADER + rows)
        self.assertEqual(dataset.rows_imported, 20_500)
        self.assertEqual(shape(), before)
        # A large file that fails part-way leaves them too, and no rows.
        broken = "".join(
            f"M{n};2026-01-{1 + n % 28:02d};12:00;Klotter;;;;\n" for n in range(20_500)
        )
        with self.assertRaises(services.ImportError_):
            self.run_import(HEADER + broken + "M-last;2026-01-0", name="avbruten.csv")
        self.assertEqual(shape(), before)
        self.assertEqual(Event.objects.count(), 20_500)

    def test_after_a_large_import_postgresql_knows_the_new_rows(self) -> None:
        # Issue 12: right after one party's large import, the planner still took the
        # table for the datasets it held before (autovacuum had not looked yet), and
        # another kommun's overview read millions of rows it did not need. The import
        # gathers the statistics again itself. (SQLite's planner keeps no such
        # statistics unless asked: nothing to check there.)
        from django.db import connection

        if connection.vendor != "postgresql":
            return
        rows = "".join(f"S{n};2026-01-{1 + n % 28:02d};12:00;Klotter;;;;\n" for n in range(20_500))
        dataset = self.run_import(HEADER + rows)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_vals::text FROM pg_stats "
                "WHERE tablename = %s AND attname = 'dataset_id'",
                [Event._meta.db_table],
            )
            found = cursor.fetchone()
        self.assertIsNotNone(found)
        self.assertIn(str(dataset.pk), (found[0] or "").strip("{}").split(","))

    def test_progress_is_reported_while_reading_and_while_writing(self) -> None:
        rows = "".join(f"p{n};2026-01-{1 + n % 28:02d};12:00;Klotter;;;;\n" for n in range(6000))
        seen: list[tuple[int, int]] = []
        written: list[int] = []
        original = EventWriter.write

        def write(writer: EventWriter, events: pa.Table) -> None:
            written.append(len(seen))  # how many reports came before this chunk's writing
            original(writer, events)

        with (
            mock.patch.object(tabular, "CHUNK_BYTES", 16_384),
            mock.patch.object(EventWriter, "write", write),
        ):
            dataset = services.import_event_table(
                (HEADER + rows).encode(),
                file_name="p.csv",
                mapping=self.mapping,
                owner=self.kommun,
                progress=lambda done, total: seen.append((done, total)),
            ).dataset
        self.assertEqual(dataset.rows_imported, 6000)
        self.assertGreater(len(written), 5)  # several chunks
        done = [d for d, _total in seen]
        self.assertEqual(done, sorted(done))
        self.assertEqual(seen[-1][0], seen[-1][1])
        # A report before each chunk is written and one after: the bar moves during both.
        self.assertGreaterEqual(len(set(done)), 2 * len(written))
        self.assertTrue(all(0 < d < seen[-1][1] for d in done[:-1]))

    def test_an_irregular_file_is_read_row_by_row_with_the_same_result(self) -> None:
        text = HEADER + (
            "r1;2026-03-01;12:00;Klotter;;;;\n"
            "\n"
            "r2;2026-03-02;12:00;Klotter\n"  # too few cells: padded, as Excel writes them
            ";;;;;;;\n"
            "r3;2026-03-03;12:00;Klotter;;;;;extra\n"
            "r4;2026-13-03;12:00;Klotter;;;;\n"
        )
        dataset = self.run_import(text)
        self.assertEqual((dataset.rows_read, dataset.rows_imported), (4, 3))
        self.assertEqual([(r.row_number, r.field) for r in dataset.rejected.all()], [(7, "datum")])

    def test_the_command_imports_and_names_rejected_rows(self) -> None:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "est.csv"
            path.write_text(HEADER + "k1;2026-03-01;12:00;Klotter;;;;\nk2;x;;Klotter;;;;\n")
            out = StringIO()
            call_command(
                "import_event_table",
                str(path),
                "--mapping",
                "EST-export",
                "--owner",
                self.kommun.slug,
                stdout=out,
                stderr=StringIO(),
            )
        self.assertIn("2 read, 1 new, 0 updated, 0 unchanged, 1 rejected", out.getvalue())
        self.assertIn(
            "row 3, datum: Kolumn med datumet ”datum”: inte ett datum: ”x”", out.getvalue()
        )
