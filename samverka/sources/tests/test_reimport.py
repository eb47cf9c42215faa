"""Re-importing a file with another mapping (issue 13, point 2).

The duplicate check is per file *and* mapping: the same file with a corrected mapping is
imported again and replaces the earlier dataset's rows, in one transaction (a failing
re-import leaves them as they were); the same file with the same mapping is still a
duplicate that changes nothing.
"""

from __future__ import annotations

from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.test import TestCase
from django.urls import reverse

from samverka.organizations.models import County
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
from samverka.testing import PersonaTestCase, make_kommun

# Two months of reported crimes in Oskarshamn: a total row and two categories per month,
# and a row with a period no mapping reads (rejected, so the rejects are replaced too).
TABLE = (
    "period,område,brott,antal\n"
    "2026-07,Oskarshamn,Samtliga brott,150\n"
    "2026-07,Oskarshamn,Bostadsinbrott,12\n"
    "2026-07,Oskarshamn,Misshandel,9\n"
    "2026-08,Oskarshamn,Samtliga brott,140\n"
    "2026-08,Oskarshamn,Bostadsinbrott,10\n"
    "2026-08,Oskarshamn,Misshandel,7\n"
    "augusti,Oskarshamn,Misshandel,3\n"
).encode()

# The first mapping swapped two categories (an easy slip on a long list).
SWAPPED = {
    "Samtliga brott": "",
    "Bostadsinbrott": "person.assault",
    "Misshandel": "theft.residential",
}
CORRECTED = {
    "Samtliga brott": "",
    "Bostadsinbrott": "theft.residential",
    "Misshandel": "person.assault",
}


def statistics_mapping(owner: object, kommun: object, name: str, categories: dict) -> ColumnMapping:
    return ColumnMapping.objects.create(
        name=name,
        owner=owner,
        kind=SourceKind.CRIME_STATISTICS,
        kommun=kommun,
        area_column="område",
        period_column="period",
        period_kind=PeriodKind.MONTH,
        category_column="brott",
        value_column="antal",
        categories=categories,
    )


def totals(dataset: Dataset) -> float:
    """What the dataset says is the total of all crime."""
    rows = Statistic.objects.filter(dataset=dataset, category__isnull=True)
    return float(rows.aggregate(total=Sum("value"))["total"] or 0)


def burglaries(dataset: Dataset) -> float:
    rows = Statistic.objects.filter(dataset=dataset, category__code="theft.residential")
    return float(rows.aggregate(total=Sum("value"))["total"] or 0)


class StatisticsReimportTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.kommun = make_kommun(
            "Oskarshamn", "0882", County.objects.create(code="08", name="Kalmar län")
        )
        cls.wrong = statistics_mapping(cls.kommun, cls.kommun, "Förväxlad", SWAPPED)
        cls.right = statistics_mapping(cls.kommun, cls.kommun, "Rättad", CORRECTED)

    def import_with(self, mapping: ColumnMapping) -> services.ImportResult:
        return services.import_statistics(
            TABLE, file_name="bra-oskarshamn.csv", mapping=mapping, owner=self.kommun
        )

    def test_another_mapping_replaces_the_rows_and_the_same_mapping_is_a_duplicate(
        self,
    ) -> None:
        first = self.import_with(self.wrong)
        dataset = first.dataset
        self.assertIsNone(first.replaced)
        self.assertEqual(Statistic.objects.filter(dataset=dataset).count(), 6)
        self.assertEqual(burglaries(dataset), 16)  # the assaults, counted as burglaries: wrong
        self.assertEqual(RejectedRow.objects.filter(dataset=dataset).count(), 1)

        again = self.import_with(self.right)
        self.assertEqual(again.dataset.pk, dataset.pk)  # the same dataset, not a second
        self.assertFalse(again.already_imported)
        self.assertEqual(again.replaced, 6)
        self.assertEqual(Dataset.objects.count(), 1)
        self.assertEqual(Statistic.objects.count(), 6)  # replaced, not added
        self.assertEqual(totals(dataset), 290)  # 150 + 140: the totals only
        self.assertEqual(burglaries(dataset), 22)
        self.assertEqual(RejectedRow.objects.filter(dataset=dataset).count(), 1)
        dataset.refresh_from_db()
        self.assertEqual(dataset.mapping, self.right)
        self.assertEqual((dataset.rows_read, dataset.rows_imported), (7, 6))

        duplicate = self.import_with(self.right)
        self.assertTrue(duplicate.already_imported)
        self.assertEqual(duplicate.dataset.pk, dataset.pk)
        self.assertEqual(Statistic.objects.count(), 6)
        self.assertEqual(totals(dataset), 290)

    def test_a_failing_reimport_leaves_the_earlier_rows_as_they_were(self) -> None:
        dataset = self.import_with(self.wrong).dataset
        with (
            mock.patch.object(services, "_finish", side_effect=RuntimeError("disk full")),
            self.assertRaises(RuntimeError),
        ):
            self.import_with(self.right)
        dataset.refresh_from_db()
        self.assertEqual(dataset.mapping, self.wrong)
        self.assertEqual(Statistic.objects.filter(dataset=dataset).count(), 6)
        self.assertEqual(burglaries(dataset), 16)
        self.assertEqual(RejectedRow.objects.filter(dataset=dataset).count(), 1)


EVENTS = (
    "id;datum;typ;plats\n"
    "a1;2026-03-01;Klotter;Stadsparken\n"
    "a2;2026-03-02;Nedskräpning;Hamnen\n"
    "a3;2026-03-03;Klotter;Centrum\n"
).encode()


class EventTableReimportTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.kommun = make_kommun(
            "Oskarshamn", "0882", County.objects.create(code="08", name="Kalmar län")
        )
        common = {
            "owner": cls.kommun,
            "kind": SourceKind.EST,
            "kommun": cls.kommun,
            "id_column": "id",
            "date_column": "datum",
            "category_column": "typ",
            "place_column": "plats",
        }
        cls.first = ColumnMapping.objects.create(
            name="EST utan nedskräpning", categories={"Klotter": "damage.graffiti"}, **common
        )
        cls.second = ColumnMapping.objects.create(
            name="EST",
            categories={"Klotter": "damage.graffiti", "Nedskräpning": "order.unsafe_litter"},
            **common,
        )

    def import_with(self, mapping: ColumnMapping) -> services.ImportResult:
        return services.import_event_table(
            EVENTS, file_name="est.csv", mapping=mapping, owner=self.kommun
        )

    def test_the_events_of_the_earlier_import_are_replaced(self) -> None:
        dataset = self.import_with(self.first).dataset
        # The first mapping knew no "Nedskräpning": that row was rejected.
        self.assertEqual(Event.objects.filter(dataset=dataset).count(), 2)
        self.assertEqual(RejectedRow.objects.filter(dataset=dataset).count(), 1)
        again = self.import_with(self.second)
        self.assertEqual((again.dataset.pk, again.replaced), (dataset.pk, 2))
        self.assertEqual(Event.objects.count(), 3)
        self.assertEqual(
            sorted(Event.objects.filter(dataset=dataset).values_list("category__code", flat=True)),
            ["damage.graffiti", "damage.graffiti", "order.unsafe_litter"],
        )
        self.assertEqual(RejectedRow.objects.filter(dataset=dataset).count(), 0)
        dataset.refresh_from_db()
        self.assertEqual((dataset.rows_imported, dataset.rows_rejected), (3, 0))
        self.assertTrue(self.import_with(self.second).already_imported)
        self.assertEqual(Event.objects.count(), 3)


class ReimportThroughTheWebTest(PersonaTestCase):
    def test_the_import_page_says_the_reimport_replaced_the_earlier_rows(self) -> None:
        wrong = statistics_mapping(self.kommun, self.kommun, "Förväxlad", SWAPPED)
        right = statistics_mapping(self.kommun, self.kommun, "Rättad", CORRECTED)
        self.client.force_login(self.coordinator)
        jobs = []
        for mapping in (wrong, right, right):
            with self.captureOnCommitCallbacks(execute=True):
                self.client.post(
                    reverse("sources:upload"),
                    {
                        "kind": SourceKind.CRIME_STATISTICS,
                        "mapping": mapping.pk,
                        "owner": self.kommun.pk,
                        "visibility": "internal",
                        "file": SimpleUploadedFile("bra.csv", TABLE, "text/csv"),
                    },
                )
            job = ImportJob.objects.order_by("-pk").first()
            assert job is not None
            if job.status == JobStatus.PREVIEW:  # a statistics table is confirmed first
                with self.captureOnCommitCallbacks(execute=True):
                    self.client.post(
                        reverse("sources:job_confirm", args=[job.pk]), {"confirm": "1"}
                    )
            jobs.append(job)
        for job in jobs:
            assert job is not None
            job.refresh_from_db()
            self.assertEqual(job.status, JobStatus.DONE, job.message)
        self.assertEqual(len({job.dataset_id for job in jobs}), 1)
        page = self.client.get(jobs[1].get_absolute_url())  # type: ignore[union-attr]
        self.assertContains(
            page,
            "Filen har importerats tidigare med en annan kolumnmappning: den här importen "
            "ersatte de 6 raderna från den tidigare importen.",
        )
        page = self.client.get(jobs[2].get_absolute_url())  # type: ignore[union-attr]
        self.assertContains(page, "Filen har importerats tidigare: inget ändrades.")
        self.assertEqual(Statistic.objects.count(), 6)
