"""Personal data is refused in a plan's goals, on the field that holds it."""

from __future__ import annotations

from samverka.plans.models import Direction, Goal, IndicatorKind
from samverka.plans.tests.test_plans import PlanTestCase


class GoalScreeningTest(PlanTestCase):
    def post_goal(self, unit: str) -> object:
        return self.client.post(
            self.url("goal_add"),
            {
                "title": "SSPF-möten varje månad",
                "owner": self.kommun.pk,
                "indicator": IndicatorKind.MANUAL,
                "unit": unit,
                "direction": Direction.INCREASE,
                "baseline_value": "2",
                "target_value": "12",
                "deadline": "2027-12-31",
            },
        )

    def test_a_goals_unit_refuses_personal_data_on_its_field(self) -> None:
        self.login_as("coordinator")
        for unit, what in (
            ("möten med 800101-1234", "ett personnummer"),  # a wrong check digit
            ("samtal till 070-123 45 67", "ett telefonnummer"),
            ("mejl till kalle@example.se", "en e-postadress"),
        ):
            response = self.post_goal(unit)
            self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]
            errors = response.context["form"].errors  # type: ignore[attr-defined]
            self.assertEqual(list(errors), ["unit"])
            self.assertIn(f"Fältet ”Enhet” verkar innehålla {what}", errors["unit"][0])
        self.assertFalse(Goal.objects.filter(title="SSPF-möten varje månad").exists())

    def test_a_unit_with_a_year_and_a_count_is_kept(self) -> None:
        self.login_as("coordinator")
        self.post_goal("möten per år (2026–2027), minst 12")
        goal = Goal.objects.get(title="SSPF-möten varje månad")
        self.assertEqual(goal.unit, "möten per år (2026–2027), minst 12")
