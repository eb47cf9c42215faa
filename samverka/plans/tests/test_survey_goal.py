"""A survey goal: its question chosen from what the sources hold, its target in per cent
as the page shows it (issue 13, point 4)."""

from __future__ import annotations

import re

from samverka.plans.models import Direction, Goal, IndicatorKind
from samverka.plans.tests.test_plans import PlanTestCase
from samverka.sources import services as sources
from samverka.sources.models import ColumnMapping, Dataset, SourceKind, SurveyScale
from samverka.tenancy.access import Visibility

QUESTION = "Känner du dig trygg ute en sen kväll?"
ELSEWHERE = "Fråga som bara Lessebo har"


class SurveyGoalTest(PlanTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        mapping = ColumnMapping.objects.create(
            name="Trygghetsmätning",
            owner=cls.kommun,
            kind=SourceKind.SURVEY,
            area_column="Område",
            period_column="År",
            period_kind="year",
            question_column="Fråga",
            value_column="Andel",
            respondents_column="Svarande",
            value_scale=SurveyScale.PERCENT,
            kommun=cls.kommun,
        )
        text = (
            "Område;År;Fråga;Svarande;Andel\n"
            f"Oskarshamn;2025;{QUESTION};400;45,6\n"
            f"Lessebo;2025;{ELSEWHERE};300;30\n"
        )
        dataset = sources.import_survey(
            text.encode(), file_name="trygghet.csv", mapping=mapping, owner=cls.kommun
        ).dataset
        Dataset.objects.filter(pk=dataset.pk).update(
            agreement=cls.agreement, visibility=Visibility.SHARED
        )

    def fields(self, **extra: str) -> dict[str, str]:
        return {
            "title": "Fler känner sig trygga",
            "owner": str(self.kommun.pk),
            "indicator": IndicatorKind.SURVEY,
            "direction": Direction.DECREASE,
            "baseline_start": "2025-01-01",
            "baseline_end": "2025-12-31",
            "deadline": "2027-12-31",
            "survey_question": QUESTION,
            "target_value": "40",
        } | extra

    def test_the_question_is_chosen_from_the_questions_the_data_holds(self) -> None:
        self.login_as("coordinator")
        form = self.client.get(self.url("goal_add")).context["form"]
        offered = [value for value, _label in form.fields["survey_question"].choices]
        self.assertEqual(offered, ["", QUESTION])  # not Lessebo's question
        typed = self.client.post(self.url("goal_add"), self.fields(survey_question="Trygg?"))
        self.assertIn("survey_question", typed.context["form"].errors)
        self.assertFalse(Goal.objects.filter(title="Fler känner sig trygga").exists())

    def test_the_target_is_given_in_per_cent_and_shown_in_per_cent(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(self.url("goal_add"), self.fields())
        goal = Goal.objects.get(title="Fler känner sig trygga")
        self.assertEqual(response.status_code, 302)
        self.assertEqual((goal.baseline_value, goal.baseline_basis), (0.456, 400))
        self.assertAlmostEqual(goal.target_value or 0, 0.40)
        page = self.client.get(self.url("detail")).content.decode()
        row = page[page.index("Fler känner sig trygga") :]
        row = " ".join(re.sub(r"<[^>]+>", " ", row[: row.index("</tr>")]).split())
        self.assertIn("46 %", row)  # the baseline, 45.6 % rounded half away from zero
        self.assertIn("40 %", row)  # the target as it was typed
        # The edit form gives the target back in per cent.
        edit = self.client.get(self.url("goal_edit", goal.pk)).context["form"]
        self.assertEqual(edit.initial["target_value"], 40.0)

    def test_a_target_above_100_per_cent_is_refused(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(self.url("goal_add"), self.fields(target_value="140"))
        self.assertIn("target_value", response.context["form"].errors)
