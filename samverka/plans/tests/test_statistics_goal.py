"""A goal counted from reported-crime statistics (issue 13, point 1): "anmälda
bostadsinbrott per 100 000 invånare enligt Brå, 2025 → 2027", with its baseline and
follow-up counted exactly as the lägesbild's statistics table counts. Synthetic Brå-like
rows; the cache is on."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.core.cache import cache

from samverka.plans import followup, services
from samverka.plans.models import ActionPlan, Direction, Goal, IndicatorKind
from samverka.situation import overview, statistics
from samverka.situation import services as situation
from samverka.situation.tests.factories import event_dataset
from samverka.situation.tests.test_statistics_figures import CATEGORIES, monthly_rows
from samverka.sources import services as sources
from samverka.sources.models import ColumnMapping, Dataset, PeriodKind
from samverka.tenancy.access import Visibility
from samverka.testing import PersonaTestCase

YEAR_START, YEAR_END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


class StatisticsGoalTest(PersonaTestCase):
    plan: ClassVar[ActionPlan]
    mapping: ClassVar[ColumnMapping]

    @classmethod
    def import_months(cls, first: dt.date, months: int, name: str) -> Dataset:
        lines = ["Kommun;Månad;Brottstyp;Antal"]
        lines += monthly_rows(cls.kommun.name, first, months)
        dataset = sources.import_statistics(
            "\n".join(lines).encode(),
            file_name=name,
            mapping=cls.mapping,
            owner=cls.kommun,
            title=f"Brå {name}",
        ).dataset
        Dataset.objects.filter(pk=dataset.pk).update(
            visibility=Visibility.SHARED, agreement=cls.agreement
        )
        return dataset

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.mapping = ColumnMapping.objects.create(
            name="Brå månad",
            owner=cls.kommun,
            area_column="Kommun",
            period_column="Månad",
            period_kind=PeriodKind.MONTH,
            category_column="Brottstyp",
            value_column="Antal",
            kommun=cls.kommun,
            categories=CATEGORIES,
        )
        event_dataset(cls.lpo, cls.kommun, YEAR_START, YEAR_END, agreement=cls.agreement)
        cls.import_months(dt.date(2024, 1, 1), 24, "2024-2025.csv")
        picture = situation.start_picture(
            cls.agreement,
            cls.kommun,
            cls.kommun,
            YEAR_START,
            YEAR_END,
            "Lägesbild 2025",
            cls.coordinator,
        )
        situation.adopt(picture, dt.date(2026, 2, 10), "Styrgruppen §4", cls.coordinator)
        cls.plan = services.start_plan(
            picture,
            "Åtgärdsplan 2026–2027",
            dt.date(2026, 1, 1),
            dt.date(2027, 12, 31),
            cls.coordinator,
        )

    def setUp(self) -> None:
        cache.clear()

    def goal(self, indicator: str) -> Goal:
        return services.save_goal(
            Goal(
                plan=self.plan,
                title="Färre anmälda bostadsinbrott",
                indicator=indicator,
                category="theft.residential",
                direction=Direction.DECREASE,
                baseline_start=YEAR_START,
                baseline_end=YEAR_END,
                deadline=dt.date(2027, 12, 31),
                owner=self.kommun,
            ),
            target_change=-20,
            on=dt.date(2026, 3, 1),
        )

    def shown(self, start: dt.date, end: dt.date) -> dict[str, object]:
        """The burglary row of the lägesbild's statistics table for ``start`` – ``end``."""
        figures = situation.live_figures(
            self.plan.situation_picture, overview.Filters(start, end, "theft.residential")
        )["statistics"]
        (row,) = figures["rows"]
        return row

    def test_a_statistics_goal_baseline_equals_the_lagesbild_count(self) -> None:
        count_goal = self.goal(IndicatorKind.STATISTICS)
        row = self.shown(YEAR_START, YEAR_END)
        self.assertGreater(row["count"], 0)
        self.assertEqual(count_goal.baseline_value, row["count"])
        rate_goal = self.goal(IndicatorKind.STATISTICS_RATE)
        self.assertEqual(rate_goal.baseline_value, row["kommun"]["rate"])
        self.assertEqual(rate_goal.baseline_basis, row["count"])
        # Events are not counted into it: the events' own count differs.
        events = situation.live_figures(
            self.plan.situation_picture, overview.Filters(YEAR_START, YEAR_END, "theft.residential")
        )["categories"]["total"]
        self.assertNotEqual(events, row["count"])

    def test_the_follow_up_counts_the_new_statistics_as_the_lagesbild_does(self) -> None:
        goal = self.goal(IndicatorKind.STATISTICS_RATE)
        as_of = dt.date(2026, 11, 20)
        before = followup.goal_status(goal, as_of, followup.plan_datasets(self.plan))
        self.assertEqual(before["verdict"], followup.TOO_EARLY)
        self.import_months(dt.date(2026, 1, 1), 10, "2026.csv")  # January – October
        after = followup.goal_status(goal, as_of, followup.plan_datasets(self.plan))
        self.assertEqual(after["current_end"], "2026-10-31")
        shown = statistics.build(
            self.kommun,
            followup.plan_datasets(self.plan),
            overview.Filters(dt.date(2026, 1, 1), dt.date(2026, 10, 31), "theft.residential"),
        )["rows"][0]
        self.assertEqual(after["count"], shown["count"])
        self.assertAlmostEqual(after["current"], shown["kommun"]["rate"])
        self.assertIn(
            after["verdict"],
            {followup.REACHED, followup.ON_TRACK, followup.NOT_ON_TRACK, followup.CANNOT_TELL},
        )
