"""Population, areas a kommun draws, and survey results."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import TestCase

from samverka.organizations.models import County, Organization, SubArea
from samverka.sources import services
from samverka.sources.models import (
    ColumnMapping,
    Dataset,
    PeriodKind,
    Population,
    SourceKind,
    SurveyResult,
)
from samverka.testing import make_kommun

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.mark.django_db
def test_the_scb_population_file_imports_for_a_given_year() -> None:
    call_command("load_reference_data", stdout=StringIO())
    owner = Organization.objects.get(slug="polismyndigheten")
    data = (SHARED / "population" / "population_per_kommun.csv").read_bytes()
    with pytest.raises(services.ImportError_, match="årskolumn"):
        services.import_population(data, file_name="population.csv", owner=owner)
    dataset = services.import_population(
        data, file_name="population.csv", owner=owner, year=2024
    ).dataset
    assert (dataset.rows_read, dataset.rows_imported, dataset.rows_rejected) == (290, 290, 0)
    assert Population.objects.get(kommun__name="Oskarshamn", year=2024).population == 26_939
    assert (str(dataset.period_start), str(dataset.period_end)) == ("2024-01-01", "2024-12-31")


class SmallImportsTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        kalmar = County.objects.create(code="08", name="Kalmar län")
        cls.kommun = make_kommun("Oskarshamn", "0882", kalmar)
        cls.owner = cls.kommun

    def test_population_with_its_own_year_column_semicolons_and_a_bad_row(self) -> None:
        text = "Kommunkod;År;Folkmängd\n0882;2023;26 900\n9999;2023;5\n0882;2024;27 001\n"
        dataset = services.import_population(
            text.encode("cp1252"), file_name="folk.csv", owner=self.owner
        ).dataset
        self.assertEqual((dataset.rows_imported, dataset.rows_rejected), (2, 1))
        self.assertEqual(dataset.rejected.get().row_number, 3)
        self.assertEqual(
            list(Population.objects.values_list("year", "population")),
            [(2023, 26900), (2024, 27001)],
        )

    def geojson(self, *features: dict[str, object]) -> bytes:
        return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()

    def square(self, name: str | None, lon: float = 16.44, lat: float = 57.26) -> dict[str, object]:
        ring = [
            [lon, lat],
            [lon + 0.01, lat],
            [lon + 0.01, lat + 0.01],
            [lon, lat + 0.01],
            [lon, lat],
        ]
        return {
            "type": "Feature",
            "properties": {"namn": name} if name else {},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }

    def test_areas_come_from_geojson_by_name_and_bad_ones_are_named(self) -> None:
        data = self.geojson(
            self.square("Centrum"),
            self.square(None),
            self.square("Döderhult", lon=150000.0, lat=6350000.0),  # SWEREF, not WGS84
            self.square("Kristineberg", lon=16.46),
        )
        dataset = services.import_areas(
            data, file_name="omraden.geojson", kommun=self.kommun, owner=self.owner, kind="stadsdel"
        ).dataset
        self.assertEqual((dataset.rows_imported, dataset.rows_rejected), (2, 2))
        self.assertEqual(
            {(r.row_number, r.field) for r in dataset.rejected.all()},
            {(2, "properties.name"), (3, "geometry")},
        )
        self.assertEqual(
            set(SubArea.objects.values_list("name", "kind")),
            {("Centrum", "stadsdel"), ("Kristineberg", "stadsdel")},
        )
        redrawn = services.import_areas(
            self.geojson(self.square("Centrum", lon=16.45)),
            file_name="omraden-2.geojson",
            kommun=self.kommun,
            owner=self.owner,
        ).dataset
        self.assertEqual((redrawn.rows_imported, redrawn.rows_updated), (0, 1))
        self.assertEqual(
            SubArea.objects.get(name="Centrum").geometry["coordinates"][0][0][0], 16.45
        )

    def test_another_kommuns_areas_are_not_redrawn(self) -> None:
        """Issue 12: only an organization whose own area holds the kommun draws its areas."""
        vastervik = make_kommun("Västervik", "0883", County.objects.get(code="08"))
        SubArea.objects.create(kommun=vastervik, name="Centrum", geometry={"type": "Point"})
        with self.assertRaisesMessage(services.ImportError_, "Västervik"):
            services.import_areas(
                self.geojson(self.square("Centrum")),
                file_name="omraden.geojson",
                kommun=vastervik,
                owner=self.owner,
            )
        self.assertEqual(SubArea.objects.get(kommun=vastervik).geometry, {"type": "Point"})
        self.assertFalse(Dataset.objects.filter(kind=SourceKind.AREAS).exists())

    def test_not_geojson_is_refused_whole(self) -> None:
        with self.assertRaises(services.ImportError_):
            services.import_areas(b"{}", file_name="x.json", kommun=self.kommun, owner=self.owner)

    def test_survey_results_through_a_mapping(self) -> None:
        SubArea.objects.create(kommun=self.kommun, name="Centrum")
        mapping = ColumnMapping.objects.create(
            name="Trygghetsmätning",
            owner=self.owner,
            kind=SourceKind.SURVEY,
            area_column="Område",
            period_column="År",
            period_kind=PeriodKind.YEAR,
            question_column="Fråga",
            respondents_column="Svarande",
            value_column="Andel (%)",
            missing_marks=[".."],
            kommun=self.kommun,
        )
        text = (
            "Område;År;Fråga;Svarande;Andel (%)\n"
            "Centrum;2025;Otrygg ute sent på kvällen;212;23,5\n"
            "Oskarshamns kommun;2025;Otrygg ute sent på kvällen;1 040;18\n"
            "Atlantis;2025;Otrygg ute sent på kvällen;10;5\n"
            "Centrum;2025;Otrygg i centrum;;..\n"
        )
        dataset = services.import_survey(
            text.encode(), file_name="trygghet.csv", mapping=mapping, owner=self.owner
        ).dataset
        self.assertEqual(
            (dataset.rows_imported, dataset.rows_rejected, dataset.rows_skipped), (2, 1, 1)
        )
        centrum = SurveyResult.objects.get(
            sub_area__name="Centrum", question__startswith="Otrygg ute"
        )
        self.assertEqual((centrum.respondents, centrum.share), (212, 0.235))
        whole = SurveyResult.objects.get(sub_area=None)
        self.assertEqual((whole.respondents, whole.share), (1040, 0.18))
        # ".." is a missing value: skipped and counted, nothing stored.
        self.assertFalse(SurveyResult.objects.filter(question="Otrygg i centrum").exists())

    def test_a_problem_index_is_kept_as_an_index(self) -> None:
        mapping = ColumnMapping.objects.create(
            name="Polisens trygghetsmätning",
            owner=self.owner,
            kind=SourceKind.SURVEY,
            area_column="area",
            period_column="year",
            period_kind=PeriodKind.YEAR,
            question_column="q",
            value_column="index",
            value_scale="index",
            kommun=self.kommun,
        )
        services.import_survey(
            b'area,year,q,index\nOskarshamn,2025,Problemindex,"1,8"\n',
            file_name="index.csv",
            mapping=mapping,
            owner=self.owner,
        )
        result = SurveyResult.objects.get()
        self.assertEqual((result.index_value, result.share), (1.8, None))
