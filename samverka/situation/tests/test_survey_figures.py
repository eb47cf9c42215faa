"""The lägesbild's survey section: the kommun's results with the län's and the country's
beside them, an index with its range, a share without respondents said in words
(issue 13, point 4)."""

from __future__ import annotations

import io
import json
import re

from samverka.situation import services, survey_figures
from samverka.situation.tests.test_workspace import WorkspaceTestCase
from samverka.sources import services as sources
from samverka.sources.models import ColumnMapping, Dataset, SourceKind, SurveyScale
from samverka.tenancy.access import Visibility

OWN = "Känner du dig trygg ute en sen kväll?"
ONLY_WIDER = "Har du utsatts för brott?"


def _record(area: str, question: str, value: float, respondents: int | str = "") -> dict:
    return {"omrade": area, "ar": 2025, "fraga": question, "andel": value, "svarande": respondents}


class SurveyFiguresTest(WorkspaceTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        share = cls._import(
            {
                "resultat": [
                    _record("Oskarshamn", OWN, 45.6),  # no respondents
                    _record("Kalmar län", OWN, 41.2, 4000),
                    _record("Riket", OWN, 38.5, 60000),
                    _record("Kalmar län", ONLY_WIDER, 0),  # 0: not published
                    _record("Hela landet", ONLY_WIDER, 12.5, 60000),
                    _record("Kronobergs län", OWN, 39.0, 3000),  # another län: not shown
                ]
            },
            SurveyScale.PERCENT,
            "andelar.json",
        )
        index = cls._import(
            {
                "resultat": [
                    _record("08", "Problemindex", 104.2),  # Kalmar län by its code
                    _record("Riket", "Problemindex", 100),
                ]
            },
            SurveyScale.INDEX,
            "index.json",
        )
        services.set_sources(cls.picture, {share.pk: (True, ""), index.pk: (True, "")})

    @classmethod
    def _import(cls, content: dict, scale: str, name: str) -> Dataset:
        mapping = ColumnMapping.objects.create(
            name=name,
            owner=cls.kommun,
            kind=SourceKind.SURVEY,
            area_column="omrade",
            period_column="ar",
            period_kind="year",
            question_column="fraga",
            value_column="andel",
            respondents_column="svarande",
            value_scale=scale,
            scale_min=0 if scale == SurveyScale.INDEX else None,
            scale_max=200 if scale == SurveyScale.INDEX else None,
            missing_marks=["0", "blank"],
            record_path="resultat[]",
            kommun=cls.kommun,
        )
        dataset = sources.import_survey(
            json.dumps(content).encode(), file_name=name, mapping=mapping, owner=cls.kommun
        ).dataset
        Dataset.objects.filter(pk=dataset.pk).update(
            agreement=cls.agreement, visibility=Visibility.SHARED
        )
        return dataset

    def test_the_county_and_the_country_stand_beside_the_kommun(self) -> None:
        figure = services.figures(self.picture)["surveys"]
        self.assertEqual(figure["county"], "Kalmar län")
        self.assertTrue(figure["comparisons"])
        # The kommun's rows have no respondents: no column of dashes, words in the value.
        self.assertTrue(figure["hide_respondents"])
        rows = {row["question"]: row for row in figure["rows"]}
        own = rows[OWN]
        self.assertEqual((own["share"], own.get("lower")), (0.456, None))
        self.assertEqual(own["county"]["respondents"], 4000)
        self.assertAlmostEqual(own["nation"]["share"], 0.385, places=3)
        # A question only the country holds here: a row of its own, the kommun's empty.
        self.assertNotIn("share", rows[ONLY_WIDER])
        self.assertNotIn("county", rows[ONLY_WIDER])  # 0 was "not published", not 0 %
        self.assertAlmostEqual(rows[ONLY_WIDER]["nation"]["share"], 0.125)
        self.assertEqual(rows["Problemindex"]["county"]["index"], 104.2)

    def test_the_page_and_the_docx_say_it_in_words(self) -> None:
        self.login_as("coordinator")
        html = self.client.get(self.url("detail")).content.decode()
        section = html[html.index('id="fig-surveys"') :]
        section = section[: section.index("</section>")]
        text = " ".join(re.sub(r"<[^>]+>", " ", section).split())
        self.assertIn("46 % (antal svarande saknas; osäkerheten kan inte anges)", text)
        self.assertIn("Kalmar län", text)
        self.assertIn("104,2 (index 0–200)", text)
        self.assertIn("100,0 (index 0–200)", text)
        self.assertIn("13 % (12–13 %)", text)  # 12.5 % rounded half away from zero

        import docx

        document = docx.Document(io.BytesIO(self.client.get(self.url("docx")).content))
        rows = [
            [cell.text for cell in row.cells] for table in document.tables for row in table.rows
        ]
        header = next(row for row in rows if "Kalmar län" in row and "Riket" in row)
        self.assertEqual(header[-2:], ["Kalmar län", "Riket"])
        own = next(row for row in rows if OWN in row)
        self.assertEqual(own[-3], "46 % (antal svarande saknas; osäkerheten kan inte anges)")
        self.assertNotIn("Svarande", header)


def test_yes_counts_round_half_away_from_zero() -> None:
    # 0.5 × 45 = 22.5: 23 respondents, not round()'s 22.
    assert survey_figures.yes_count(0.5, 45) == 23
    assert survey_figures.yes_count(0.25, 10) == 3
