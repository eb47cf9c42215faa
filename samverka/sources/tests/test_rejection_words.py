"""Rejected rows are named in Swedish, by the field's label (issue 13, point 7)."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from samverka.sources import services
from samverka.sources.models import ColumnMapping, PeriodKind
from samverka.tenancy.access import Visibility
from samverka.testing import PersonaTestCase


class RejectionWordsTest(PersonaTestCase):
    def test_a_monthly_import_names_the_period_column_and_its_value_in_swedish(self) -> None:
        mapping = ColumnMapping.objects.create(
            name="Brå månad",
            owner=self.kommun,
            visibility=Visibility.INTERNAL,
            area_column="Område",
            period_column="Månad",
            period_kind=PeriodKind.MONTH,
            category_column="Brott",
            value_column="Antal",
            kommun=self.kommun,
            categories={"misshandel": "person.assault"},
        )
        area = self.kommun.name
        text = (
            "Månad;Område;Brott;Antal\n"
            f"2026-08;{area};misshandel;4\n"
            f"8.0;{area};misshandel;5\n"
            f"2026-09;{area};misshandel;tolv\n"
        )
        dataset = services.import_statistics(
            text.encode(), file_name="brott.csv", mapping=mapping, owner=self.kommun
        ).dataset
        self.assertEqual((dataset.rows_imported, dataset.rows_rejected), (1, 2))
        expected = {
            (3, "Månad", "Kolumn med perioden ”Månad”: inte en månad: ”8.0”"),
            (4, "Antal", "Kolumn med värdet ”Antal”: inte ett tal: ”tolv”"),
        }

        self.login_as("coordinator")
        page = self.client.get(reverse("sources:dataset", args=[dataset.pk])).content.decode()
        for _number, _field, reason in expected:
            self.assertIn(reason, page)
        self.assertNotIn("not a month", page)

        response = self.client.get(reverse("sources:rejected_csv", args=[dataset.pk]))
        content = b"".join(response.streaming_content if response.streaming else [response.content])
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual({(int(r[0]), r[1], r[2]) for r in rows[1:]}, expected)
