"""The åtgärdsplan and its follow-up, for every persona: goals that measure themselves,
measures with owners, the matrix, the follow-up report and its approval."""

from __future__ import annotations

import datetime as dt
import io
from typing import ClassVar
from unittest import mock

import docx
import pypdf
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from samverka.agreements.models import PriorityArea
from samverka.demo import events as demo_events
from samverka.organizations.models import SubArea
from samverka.plans import followup, services
from samverka.plans.models import (
    ActionPlan,
    Direction,
    FollowUp,
    Goal,
    IndicatorKind,
    IndicatorReading,
    Measure,
    MeasureStatus,
)
from samverka.situation import overview
from samverka.situation import services as situation
from samverka.situation.models import Problem
from samverka.situation.tests.factories import event_dataset
from samverka.sources import services as sources
from samverka.sources.models import Dataset, Event
from samverka.taxonomy.models import Category
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership
from samverka.testing import PERSONAS, PersonaTestCase, make_user

YEAR_START, YEAR_END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


class PlanTestCase(PersonaTestCase):
    plan: ClassVar[ActionPlan]
    area: ClassVar[SubArea]
    problem: ClassVar[Problem]
    police_data: ClassVar[Dataset]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for name, geometry in demo_events.area_boundaries("0882").items():
            SubArea.objects.create(kommun=cls.kommun, name=name, geometry=geometry)
        cls.area = SubArea.objects.get(kommun=cls.kommun, name="Centrum")
        cls.police_data = event_dataset(
            cls.lpo, cls.kommun, dt.date(2023, 1, 1), YEAR_END, agreement=cls.agreement
        )
        picture = situation.start_picture(
            cls.agreement,
            cls.kommun,
            cls.kommun,
            YEAR_START,
            YEAR_END,
            "Lägesbild 2025",
            cls.coordinator,
        )
        cls.problem = Problem.objects.create(picture=picture, title="Bostadsinbrott")
        situation.adopt(picture, dt.date(2026, 2, 10), "Styrgruppen §4", cls.coordinator)
        cls.plan = services.start_plan(
            picture,
            "Åtgärdsplan 2026–2027",
            dt.date(2026, 1, 1),
            dt.date(2027, 12, 31),
            cls.coordinator,
        )

    def goal(self, **fields: object) -> Goal:
        values: dict[str, object] = {
            "plan": self.plan,
            "title": "Bostadsinbrotten minskar med 20 %",
            "indicator": IndicatorKind.EVENTS,
            "category": "theft.residential",
            "baseline_start": YEAR_START,
            "baseline_end": YEAR_END,
            "deadline": dt.date(2027, 12, 31),
            "owner": self.kommun,
            "problem": self.problem,
        }
        values.update(fields)
        return services.save_goal(Goal(**values), target_change=-20, on=dt.date(2026, 3, 1))

    def url(self, name: str, *args: object) -> str:
        return reverse(f"plans:{name}", args=[self.plan.pk, *args])


class GoalTest(PlanTestCase):
    def test_the_baseline_equals_the_lagesbild_count_with_the_same_filters(self) -> None:
        goal = self.goal(sub_area=self.area)
        shown = situation.live_figures(
            self.plan.situation_picture,
            overview.Filters(YEAR_START, YEAR_END, "theft.residential", self.area.pk),
        )["categories"]["total"]
        self.assertGreater(shown, 0)
        self.assertEqual(goal.baseline_value, shown)
        self.assertEqual(goal.target_value, round(shown * 0.8, 4))
        self.assertEqual(goal.baseline_set_on, dt.date(2026, 3, 1))
        self.assertEqual(goal.missing(), [])

    def test_new_data_moves_the_current_value_and_the_verdict_follows(self) -> None:
        goal = self.goal()
        as_of = dt.date(2026, 12, 31)
        before = followup.goal_status(goal, as_of, followup.plan_datasets(self.plan))
        # No event of 2026 has been imported yet: the sources end with 2025, so nothing
        # after the baseline can be judged (not "reached" because nothing was counted).
        self.assertIsNone(before["current"])
        self.assertEqual(before["verdict"], followup.TOO_EARLY)
        # The events of 2026 arrive as a new import of the police's events.
        event_dataset(
            self.lpo, self.kommun, dt.date(2026, 1, 1), as_of, agreement=self.agreement, seed=2
        )
        after = followup.goal_status(goal, as_of, followup.plan_datasets(self.plan))
        low, high = overview._bounds(dt.date(2026, 1, 1), as_of)
        counted = Event.objects.filter(
            occurred_at__gte=low,
            occurred_at__lt=high,
            category__code="theft.residential",
            kommun=self.kommun,
        ).count()
        self.assertEqual(after["current"], counted)  # a whole year: nothing is scaled
        self.assertFalse(after["scaled"])
        self.assertGreater(counted, 0.6 * goal.baseline_value)  # type: ignore[operator]
        self.assertNotEqual(after["verdict"], followup.REACHED)
        self.assertIn(after["verdict"], (followup.CANNOT_TELL, followup.ON_TRACK))
        self.assertEqual(goal.baseline_value, before["baseline"])  # the baseline stays

    def test_a_short_latest_period_is_scaled_and_a_very_short_one_is_too_early(self) -> None:
        goal = self.goal()
        event_dataset(
            self.lpo,
            self.kommun,
            dt.date(2026, 1, 1),
            dt.date(2026, 6, 30),
            agreement=self.agreement,
            seed=2,
        )
        ids = followup.plan_datasets(self.plan)
        early = followup.goal_status(goal, dt.date(2026, 2, 15), ids)
        self.assertEqual(early["verdict"], followup.TOO_EARLY)
        # On a date after the data ends, the latest period ends with the data.
        half = followup.goal_status(goal, dt.date(2026, 12, 31), ids)
        self.assertEqual(half["current_end"], "2026-06-30")
        self.assertEqual(half["current_start"], "2026-01-01")
        self.assertTrue(half["scaled"])
        self.assertAlmostEqual(half["current"], half["count"] * 365 / 181)

    def test_the_baseline_stays_when_the_title_changes_and_moves_with_the_definition(
        self,
    ) -> None:
        goal = self.goal()
        first = goal.baseline_value
        more = event_dataset(self.lpo, self.kommun, YEAR_START, YEAR_END, seed=7)
        Event.objects.filter(dataset=more).update(dataset=self.police_data)
        self.login_as("coordinator")
        data = {
            "title": "Nytt namn",
            "indicator": goal.indicator,
            "category": goal.category,
            "direction": goal.direction,
            "baseline_start": "2025-01-01",
            "baseline_end": "2025-12-31",
            "target_value": goal.target_value,
            "deadline": "2027-12-31",
            "owner": self.kommun.pk,
        }
        self.client.post(self.url("goal_edit", goal.pk), data)
        goal.refresh_from_db()
        self.assertEqual((goal.title, goal.baseline_value), ("Nytt namn", first))
        self.client.post(
            self.url("goal_edit", goal.pk),
            {**data, "category": "theft", "target_value": "", "target_change": "-20"},
        )
        goal.refresh_from_db()
        self.assertGreater(goal.baseline_value, first)  # type: ignore[operator]

    def test_a_target_on_the_wrong_side_of_the_baseline_is_refused(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            self.url("goal_add"),
            {
                "title": "Fel håll",
                "indicator": IndicatorKind.EVENTS,
                "category": "theft.residential",
                "direction": Direction.DECREASE,
                "baseline_start": "2025-01-01",
                "baseline_end": "2025-12-31",
                "target_change": "20",
            },
        )
        self.assertContains(response, "målvärde under utgångsläget")
        self.assertFalse(Goal.objects.filter(title="Fel håll").exists())

    def test_a_goal_without_target_deadline_or_owner_is_flagged(self) -> None:
        goal = Goal.objects.create(plan=self.plan, title="Tryggare centrum", indicator="manual")
        missing = goal.missing()
        self.assertEqual(len(missing), 5)
        self.login_as("coordinator")
        page = self.client.get(self.url("detail"))
        self.assertContains(page, "inte SMART")
        self.assertContains(page, "en måltidpunkt")

    def test_a_hand_entered_indicator_is_judged_against_time(self) -> None:
        goal = Goal.objects.create(
            plan=self.plan,
            title="SSPF-möten varje månad",
            indicator=IndicatorKind.MANUAL,
            unit="möten",
            direction=Direction.INCREASE,
            baseline_value=2,
            baseline_set_on=dt.date(2026, 1, 1),
            target_value=12,
            deadline=dt.date(2026, 12, 31),
            owner=self.kommun,
        )
        IndicatorReading.objects.create(goal=goal, measured_on=dt.date(2026, 7, 1), value=8)
        status = followup.goal_status(goal, dt.date(2026, 7, 2), [])
        self.assertEqual((status["current"], status["verdict"]), (8, followup.ON_TRACK))
        IndicatorReading.objects.create(goal=goal, measured_on=dt.date(2026, 11, 1), value=9)
        status = followup.goal_status(goal, dt.date(2026, 11, 2), [])
        self.assertEqual(status["verdict"], followup.NOT_ON_TRACK)
        IndicatorReading.objects.create(goal=goal, measured_on=dt.date(2026, 12, 1), value=12)
        self.assertEqual(
            followup.goal_status(goal, dt.date(2026, 12, 2), [])["verdict"], followup.REACHED
        )

    def test_the_goal_form_computes_the_baseline_and_the_target(self) -> None:
        area = PriorityArea.objects.create(agreement=self.agreement, title="Trygga bostadsområden")
        self.login_as("police")
        response = self.client.post(
            self.url("goal_add"),
            {
                "title": "Färre bostadsinbrott i Centrum",
                "problem": self.problem.pk,
                "priority_area": area.pk,
                "owner": self.lpo.pk,
                "indicator": IndicatorKind.EVENTS,
                "category": "theft.residential",
                "sub_area": self.area.pk,
                "direction": Direction.DECREASE,
                "baseline_start": "2025-01-01",
                "baseline_end": "2025-12-31",
                "target_change": "-20",
                "deadline": "2027-12-31",
            },
        )
        goal = Goal.objects.get(title="Färre bostadsinbrott i Centrum")
        self.assertRedirects(
            response, self.url("detail") + f"#goal-{goal.pk}", fetch_redirect_response=False
        )
        self.assertIsNotNone(goal.baseline_value)
        self.assertEqual(goal.target_value, round(goal.baseline_value * 0.8, 4))  # type: ignore[operator]

    def test_a_rate_is_refused_for_a_sub_area(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            self.url("goal_add"),
            {
                "title": "Färre inbrott per invånare",
                "indicator": IndicatorKind.RATE,
                "category": "theft",
                "sub_area": self.area.pk,
                "direction": Direction.DECREASE,
                "baseline_start": "2025-01-01",
                "baseline_end": "2025-12-31",
            },
        )
        self.assertContains(response, "hela kommunen")
        self.assertFalse(Goal.objects.filter(title="Färre inbrott per invånare").exists())


class MeasureAccessTest(PlanTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.police_measure = Measure.objects.create(
            plan=cls.plan,
            title="Riktad närvaro kvällstid",
            responsible=cls.lpo,
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 12, 31),
        )
        cls.kommun_measure = Measure.objects.create(
            plan=cls.plan,
            title="Bättre belysning i Centrum",
            responsible=cls.kommun,
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 6, 30),
        )
        cls.kommun_measure.participants.set([cls.lpo])

    def report(self, measure: Measure) -> int:
        return self.client.post(
            reverse("plans:measure", args=[self.plan.pk, measure.pk]),
            {"status": MeasureStatus.ONGOING, "progress": "40", "progress_note": "Halvvägs"},
        ).status_code

    def test_the_police_updates_its_own_measures_not_the_kommuns(self) -> None:
        self.login_as("police")
        self.assertEqual(self.report(self.police_measure), 302)
        self.assertEqual(self.report(self.kommun_measure), 403)
        self.police_measure.refresh_from_db()
        self.kommun_measure.refresh_from_db()
        self.assertEqual((self.police_measure.progress, self.kommun_measure.progress), (40, 0))
        self.assertEqual(
            self.client.get(self.url("measure_edit", self.kommun_measure.pk)).status_code, 403
        )

    def test_the_kommun_updates_its_own_measures_not_the_polices(self) -> None:
        self.login_as("coordinator")
        self.assertEqual(self.report(self.kommun_measure), 302)
        self.assertEqual(self.report(self.police_measure), 403)

    def test_a_viewer_reads_only(self) -> None:
        self.login_as("viewer")
        page = self.client.get(
            reverse("plans:measure", args=[self.plan.pk, self.kommun_measure.pk])
        )
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "Rapportera framsteg")
        self.assertEqual(self.report(self.kommun_measure), 403)
        self.assertEqual(self.client.get(self.url("goal_add")).status_code, 403)
        self.assertEqual(self.client.get(self.url("measure_add")).status_code, 403)

    def test_every_persona_on_the_plan_pages(self) -> None:
        readers = {
            "coordinator": 200,
            "police": 200,
            "viewer": 200,
            "reporter": 404,
            "outsider": 404,
            "admin": 404,
            "anonymous": 302,
        }
        for name in ("detail", "matrix", "timeline"):
            with self.subTest(page=name):
                self.assert_statuses("get", self.url(name), readers)
        self.assert_statuses(
            "get",
            self.url("goal_add"),
            {**readers, "viewer": 403},
        )

    def test_the_timeline_names_today_and_marks_recurring_measures(self) -> None:
        self.kommun_measure.recurrence = "monthly"
        self.kommun_measure.save()
        self.login_as("viewer")
        inside = self.plan.period_start + dt.timedelta(days=40)
        with mock.patch("django.utils.timezone.localdate", return_value=inside):
            page = self.client.get(self.url("timeline")).content.decode()
            chosen = self.client.get(
                self.url("timeline") + f"?datum={inside + dt.timedelta(days=1)}"
            ).content.decode()
        chart = page.split("<svg", 1)[1].split("</svg>", 1)[0]
        self.assertIn(">Idag</text>", chart)
        self.assertIn("↻ Varje månad", chart)
        self.assertEqual(chart.count("↻"), 1)  # only the recurring measure
        self.assertIn("<td>Varje månad</td>", page)
        self.assertIn(">Återkommer</th>", page)
        self.assertIn(f">{inside + dt.timedelta(days=1)}</text>", chosen)
        self.assertNotIn(">Idag</text>", chosen)

    def test_the_matrix_shows_who_is_responsible_and_who_takes_part(self) -> None:
        self.login_as("viewer")
        page = self.client.get(self.url("matrix"))
        rows = {row["measure"].title: row["cells"] for row in page.context["rows"]}
        organizations = [o.name for o in page.context["organizations"]]
        kommun_col, police_col = (
            organizations.index("Oskarshamn"),
            organizations.index("LPO Västervik"),
        )
        self.assertEqual(rows["Bättre belysning i Centrum"][kommun_col], "responsible")
        self.assertEqual(rows["Bättre belysning i Centrum"][police_col], "participating")
        self.assertEqual(rows["Riktad närvaro kvällstid"][police_col], "responsible")
        self.assertEqual(rows["Riktad närvaro kvällstid"][kommun_col], "")
        self.assertContains(page, "<title>Ansvarsmatris – samverka</title>", html=False)
        self.assertContains(page, "Planen enligt Brås mall", count=3)  # heading, label, caption

    def test_a_follow_up_at_an_earlier_date_shows_the_status_reported_by_then(self) -> None:
        self.login_as("coordinator")
        import time_machine

        with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)):
            self.report(self.kommun_measure)
        with time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)):
            self.client.post(
                reverse("plans:measure", args=[self.plan.pk, self.kommun_measure.pk]),
                {"status": MeasureStatus.DONE, "progress": "100", "progress_note": "Klart"},
            )
        self.kommun_measure.refresh_from_db()
        self.assertEqual(self.kommun_measure.reports.count(), 2)
        at = followup.measure_status
        self.assertEqual(at(self.kommun_measure, dt.date(2026, 2, 1))["status"], "planned")
        self.assertEqual(at(self.kommun_measure, dt.date(2026, 4, 1))["progress"], 40)
        self.assertEqual(at(self.kommun_measure, dt.date(2026, 7, 1))["reason"], "done")

    def test_measures_are_green_yellow_or_red_by_their_dates_and_reports(self) -> None:
        as_of = dt.date(2026, 8, 1)
        self.assertEqual(followup.measure_status(self.kommun_measure, as_of)["colour"], "red")
        self.assertEqual(
            followup.measure_status(self.police_measure, as_of)["reason"], "should_have_started"
        )
        self.police_measure.status = MeasureStatus.ONGOING
        self.police_measure.progress = 55
        self.police_measure.reported_on = dt.date(2026, 7, 15)
        self.assertEqual(followup.measure_status(self.police_measure, as_of)["colour"], "green")
        self.police_measure.progress = 10
        self.assertEqual(followup.measure_status(self.police_measure, as_of)["reason"], "behind")
        self.kommun_measure.status = MeasureStatus.DONE
        self.assertEqual(followup.measure_status(self.kommun_measure, as_of)["colour"], "green")

    def test_owners_of_overdue_measures_are_reminded_once_a_week(self) -> None:
        person = make_user("ansvarig@test.example", "Ansa")
        Membership.objects.create(user=person, organization=self.kommun, role=Role.MEMBER)
        self.kommun_measure.responsible_person = person
        self.kommun_measure.save()
        out = io.StringIO()
        with self.settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            import time_machine

            with time_machine.travel(dt.datetime(2026, 7, 10, 8, tzinfo=dt.UTC)):
                call_command("send_measure_reminders", stdout=out)
                call_command("send_measure_reminders", stdout=out)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["ansvarig@test.example"])
        self.assertIn("Bättre belysning i Centrum", mail.outbox[0].body)
        # The police's measure should have started in January: reminded too, to the
        # police's coordinators (it has none here); the kommun's went to its person.
        self.assertIn("2 measures reminded in 1 e-mails", out.getvalue())


class EvaluationTest(PlanTestCase):
    def test_counts_before_and_after_against_a_comparison_area(self) -> None:
        comparison = SubArea.objects.exclude(pk=self.area.pk).filter(kommun=self.kommun).first()
        assert comparison is not None
        measure = Measure.objects.create(
            plan=self.plan,
            title="Kameraövervakning i Centrum",
            responsible=self.lpo,
            starts_on=dt.date(2025, 7, 1),
            ends_on=dt.date(2025, 12, 31),
            treated_area=self.area,
            comparison_area=comparison,
            evaluation_category="damage",
        )
        result = followup.evaluate(measure, dt.date(2026, 3, 1), followup.plan_datasets(self.plan))
        assert result is not None
        ids = followup.plan_datasets(self.plan)
        after = overview.count_events(
            self.kommun,
            ids,
            overview.Filters(dt.date(2025, 7, 1), YEAR_END, "damage", self.area.pk),
        )
        before = overview.count_events(
            self.kommun,
            ids,
            overview.Filters(
                dt.date(2025, 7, 1) - (YEAR_END - dt.date(2025, 7, 1)) - dt.timedelta(days=1),
                dt.date(2025, 6, 30),
                "damage",
                self.area.pk,
            ),
        )
        self.assertEqual(result["treated"], [before, after])
        self.assertEqual(
            result["wdd"],
            (after - before) - (result["control"][1] - result["control"][0]),
        )
        self.assertLess(result["lower"], result["wdd"])
        self.login_as("viewer")
        page = self.client.get(measure.get_absolute_url() + "?datum=2026-03-01")
        self.assertContains(page, "Viktad förflyttningsskillnad")


class FollowUpReportTest(PlanTestCase):
    def test_the_report_numbers_equal_the_page_and_freeze_on_approval(self) -> None:
        goal = self.goal()
        Measure.objects.create(
            plan=self.plan,
            title="Grannsamverkan i villaområdena",
            responsible=self.lpo,
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 12, 31),
            status=MeasureStatus.ONGOING,
            progress=50,
            reported_on=dt.date(2026, 11, 1),
        ).goals.set([goal])
        self.login_as("coordinator")
        response = self.client.post(
            self.url("follow_up_create"),
            {
                "as_of": "2026-11-15",
                "comments": "Inbrotten har inte minskat i den takt vi hoppades.",
            },
        )
        item = FollowUp.objects.get(plan=self.plan)
        self.assertRedirects(
            response, self.url("follow_up", item.pk), fetch_redirect_response=False
        )
        page = self.client.get(self.url("follow_up", item.pk))
        page_goal = page.context["data"]["goals"][0]
        document = docx.Document(
            io.BytesIO(self.client.get(self.url("follow_up_docx", item.pk)).content)
        )
        goal_row = [cell.text.split("\n") for cell in document.tables[0].rows[1].cells]
        from samverka.plans.documents import number

        self.assertEqual(
            [cell[0] for cell in goal_row[:4]],
            [
                goal.title,
                number(page_goal["baseline"]),
                number(page_goal["current"]),
                number(page_goal["target"]),
            ],
        )
        # Each number with the period it counts, as on the page and in the PDF; no
        # latest period while the sources end before it starts.
        self.assertEqual(goal_row[1][1:], ["2025-01-01 – 2025-12-31", "räknat 2026-03-01"])
        self.assertEqual(goal_row[2], ["–"])
        texts = [p.text for p in document.paragraphs]
        self.assertTrue(any(t.startswith("Källor:") for t in texts), texts)
        pdf = "\n".join(
            p.extract_text()
            for p in pypdf.PdfReader(
                io.BytesIO(self.client.get(self.url("follow_up_pdf", item.pk)).content)
            ).pages
        )
        self.assertIn("Grannsamverkan i", pdf)
        self.assertIn("Uppföljning av Åtgärdsplan 2026–2027", pdf)
        self.assertIn(number(page_goal["baseline"]), pdf)
        # Approval freezes: new data for the period no longer moves the report.
        response = self.client.post(
            self.url("follow_up", item.pk),
            {"approved_on": "2026-11-30", "decision_reference": "Styrgruppen 2026-11-30 §2"},
        )
        self.assertEqual(response.status_code, 302)
        frozen = self.client.get(self.url("follow_up", item.pk)).context["data"]["goals"][0]
        live = self.late_events(goal)
        self.assertNotEqual(live["current"], frozen["current"])
        again = self.client.get(self.url("follow_up", item.pk)).context["data"]["goals"][0]
        self.assertEqual(again, frozen)

    def late_events(self, goal: Goal) -> dict[str, object]:
        """Events of 2026 imported late; the goal's status counted now, on 2026-11-15."""
        event_dataset(
            self.lpo,
            self.kommun,
            dt.date(2026, 1, 1),
            dt.date(2026, 11, 15),
            agreement=self.agreement,
            seed=3,
        )
        return followup.goal_status(goal, dt.date(2026, 11, 15), followup.plan_datasets(self.plan))

    def test_the_steering_group_approves_the_numbers_it_was_sent(self) -> None:
        goal = self.goal()
        item = services.create_follow_up(self.plan, dt.date(2026, 11, 15), "")
        self.login_as("coordinator")
        page = self.client.get(self.url("follow_up", item.pk))
        self.assertContains(page, "Skicka till styrgruppen")
        self.assertEqual(self.client.post(self.url("follow_up_send", item.pk)).status_code, 302)
        item.refresh_from_db()
        self.assertEqual((item.status, item.sent_on), ("sent", timezone.localdate()))
        sent = self.client.get(self.url("follow_up", item.pk)).context["data"]["goals"][0]
        live = self.late_events(goal)  # arriving after the group got the report
        self.assertNotEqual(live["current"], sent["current"])
        page = self.client.get(self.url("follow_up", item.pk))
        self.assertEqual(page.context["data"]["goals"][0], sent)  # the page shows what was sent
        self.assertEqual(page.context["changed"], [goal.title])  # and warns of the change
        self.assertContains(page, "Ta tillbaka som utkast")
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        refused = self.client.post(
            self.url("follow_up", item.pk),
            {"approved_on": tomorrow.isoformat(), "decision_reference": "Styrgruppen §4"},
        )
        self.assertContains(refused, "Ett godkännande registreras efter mötet.")
        item.refresh_from_db()
        self.assertTrue(item.is_sent)
        # An approval dated before the sending is refused (issue 15).
        before = timezone.localdate() - dt.timedelta(days=1)
        refused = self.client.post(
            self.url("follow_up", item.pk),
            {"approved_on": before.isoformat(), "decision_reference": "Styrgruppen §4"},
        )
        self.assertContains(refused, "Godkännandet kan inte föregå utskicket till styrgruppen")
        item.refresh_from_db()
        self.assertTrue(item.is_sent)
        self.client.post(
            self.url("follow_up", item.pk),
            {
                "approved_on": timezone.localdate().isoformat(),
                "decision_reference": "Styrgruppen §4",
            },
        )
        item.refresh_from_db()
        self.assertTrue(item.is_approved)
        self.assertEqual(services.report_data(item)["goals"][0], sent)
        # A sent follow-up taken back to draft is counted anew.
        other = services.create_follow_up(self.plan, dt.date(2026, 11, 15), "")
        services.send_follow_up(other, dt.date(2026, 11, 16))
        self.client.post(self.url("follow_up_send", other.pk), {"reopen": "1"})
        other.refresh_from_db()
        self.assertEqual((other.status, other.snapshot, other.sent_on), ("draft", {}, None))
        self.assertEqual(services.report_data(other)["goals"][0]["current"], live["current"])

    def test_only_parties_see_follow_ups(self) -> None:
        item = services.create_follow_up(self.plan, dt.date(2026, 6, 30), "")
        statuses = dict.fromkeys(PERSONAS, 404)
        statuses.update(coordinator=200, police=200, viewer=200, anonymous=302)
        self.assert_statuses("get", self.url("follow_up", item.pk), statuses)

    def test_the_report_rows_carry_periods_scaling_and_the_change_with_its_interval(self) -> None:
        from samverka.plans.documents import goal_rows

        goal = {
            "title": "Klottret minskar",
            "indicator": "events",
            "category": "damage.graffiti",
            "category_label_sv": "Klotter",
            "category_label_en": "Graffiti",
            "sub_area": "",
            "sub_area_name": "",
            "unit": "",
            "survey_question": "",
            "baseline": 120.0,
            "baseline_start": "2025-01-01",
            "baseline_end": "2025-12-31",
            "current": 80.0,
            "current_start": "2026-01-01",
            "current_end": "2026-06-30",
            "scaled": True,
            "count": 40,
            "days": 181,
            "target": 96.0,
            "deadline": "2027-12-31",
            "verdict": "reached",
            "ratio": 0.66,
            "lower": 0.5,
            "upper": 0.85,
        }
        (row,) = goal_rows({"goals": [goal]})
        self.assertEqual(row[1], "120\n2025-01-01 – 2025-12-31")
        self.assertEqual(
            row[2],
            "80\n2026-01-01 – 2026-06-30\n"
            "40 händelser på 181 dagar, uppräknat till utgångslägets längd",
        )
        self.assertEqual(row[5].split("\n")[1], "förändring −34 % (−50 – −15 %)")

    def test_a_report_of_the_future_is_refused(self) -> None:
        self.login_as("coordinator")
        self.client.post(self.url("follow_up_create"), {"as_of": "2099-12-31", "comments": ""})
        self.assertFalse(FollowUp.objects.filter(plan=self.plan).exists())

    def test_refused_comments_come_back_as_written_with_the_reason(self) -> None:
        self.login_as("coordinator")
        written = "Ring mig på 070-123 45 67 om inbrotten i Norrby."
        response = self.client.post(
            self.url("follow_up_create"), {"as_of": "2026-06-30", "comments": written}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(FollowUp.objects.filter(plan=self.plan).exists())
        page = response.content.decode()
        self.assertIn(written, page)  # nothing the team wrote is lost
        self.assertIn('class="error-summary"', page)
        self.assertIn('aria-describedby="id_comments_errors"', page)


class PlanWriteDenialTest(PlanTestCase):
    def test_readers_and_outsiders_change_nothing(self) -> None:
        goal = Goal.objects.create(
            plan=self.plan,
            title="Möten",
            indicator="manual",
            unit="möten",
            baseline_value=1,
            target_value=4,
        )
        item = services.create_follow_up(self.plan, dt.date(2026, 6, 30), "")
        posts = {
            "goal_add": (
                {"title": "Nytt", "indicator": "manual", "unit": "st", "direction": "increase"},
            ),
            "goal_edit": (
                {"title": "Ändrat", "indicator": "manual", "unit": "st", "direction": "increase"},
                goal.pk,
            ),
            "reading_add": ({"measured_on": "2026-05-01", "value": "3"}, goal.pk),
            "measure_add": (
                {
                    "title": "Ny",
                    "responsible": self.kommun.pk,
                    "starts_on": "2026-01-01",
                    "status": "planned",
                    "method": "other",
                },
            ),
            "follow_up_create": ({"as_of": "2026-06-30"},),
            "follow_up": ({"approved_on": "2026-07-01", "decision_reference": "§1"}, item.pk),
            "follow_up_send": ({}, item.pk),
        }
        for name, (data, *args) in posts.items():
            with self.subTest(view=name):
                for persona, status in (("viewer", 403), ("outsider", 404)):
                    self.login_as(persona)
                    self.assertEqual(
                        self.client.post(self.url(name, *args), data).status_code, status
                    )
        goal.refresh_from_db()
        item.refresh_from_db()
        self.assertEqual(goal.title, "Möten")
        self.assertEqual(list(self.plan.goals.values_list("title", flat=True)), ["Möten"])
        self.assertFalse(IndicatorReading.objects.exists())
        self.assertFalse(Measure.objects.exists())
        self.assertEqual(FollowUp.objects.count(), 1)
        self.assertFalse(item.is_approved)
        self.assertEqual((item.status, item.snapshot), ("draft", {}))

    def test_only_those_with_an_adopted_lagesbild_to_build_on_may_start_a_plan(self) -> None:
        self.assert_statuses(
            "get",
            reverse("plans:create"),
            {
                "coordinator": 200,
                "police": 200,
                "viewer": 403,
                "reporter": 403,
                "outsider": 403,  # its agreement has no adopted lägesbild
                "admin": 403,
                "anonymous": 302,
            },
        )

    def test_documents_are_for_the_parties_only(self) -> None:
        item = services.create_follow_up(self.plan, dt.date(2026, 6, 30), "")
        statuses = dict.fromkeys(PERSONAS, 404)
        statuses.update(coordinator=200, police=200, viewer=200, anonymous=302)
        for name in ("follow_up_pdf", "follow_up_docx"):
            with self.subTest(document=name):
                self.assert_statuses("get", self.url(name, item.pk), statuses)


class CachedCountTest(PlanTestCase):
    """The plan page's counts are cached (it asks for them on every view) until one of
    the plan's sources changes: a cached count never hides a new import or a withdrawal."""

    def setUp(self) -> None:
        from django.core.cache import cache

        cache.clear()

    def test_counts_are_read_once_and_follow_a_withdrawal_and_a_new_import(self) -> None:
        goal = self.goal()
        datasets = followup.plan_datasets(self.plan)
        as_of = dt.date(2026, 12, 31)
        first = followup.indicator_value(goal, YEAR_START, YEAR_END, datasets)
        with mock.patch.object(overview, "load_events", side_effect=AssertionError):
            self.assertEqual(followup.indicator_value(goal, YEAR_START, YEAR_END, datasets), first)
        self.assertEqual(first[0], goal.baseline_value)
        # A new import of 2026's events is a new source of the plan: counted at once.
        event_dataset(
            self.lpo, self.kommun, dt.date(2026, 1, 1), as_of, agreement=self.agreement, seed=2
        )
        status = followup.goal_status(goal, as_of, followup.plan_datasets(self.plan))
        self.assertGreater(status["current"], 0)
        # Withdrawing the police's events takes their counts away at once.
        self.police_data.withdrawn_at = timezone.now()
        self.police_data.save()
        value, _n = followup.indicator_value(goal, YEAR_START, YEAR_END, datasets)
        self.assertEqual(value, 0)


class FreshCountTest(PlanTestCase):
    """The plan page's cached counts follow a re-categorised source type at once (issue 13,
    point 6): the re-mapping touches no dataset, only the events' categories."""

    def test_the_plan_page_counts_a_remapped_type_at_once(self) -> None:
        goal = self.goal()
        as_of = dt.date(2026, 12, 31)
        event_dataset(
            self.lpo, self.kommun, dt.date(2026, 1, 1), as_of, agreement=self.agreement, seed=2
        )
        self.login_as("coordinator")
        url = self.plan.get_absolute_url() + f"?datum={as_of.isoformat()}"

        def shown() -> object:
            goals = {g["id"]: g for g in self.client.get(url).context["data"]["goals"]}
            return goals[goal.pk]["current"]

        before = shown()
        assert isinstance(before, int | float)
        self.assertGreater(before, 0)
        # The most common type of the burglaries is the lpo's own to re-categorise.
        source_type = (
            Event.objects.filter(category__code="theft.residential", kommun=self.kommun)
            .values_list("source_type", flat=True)
            .first()
        )
        other = Category.objects.current().get(code="theft.other")
        moved = sources.map_type("event_table", str(source_type), other, None, owner=self.lpo)
        self.assertGreater(moved, 0)
        low, high = overview._bounds(dt.date(2026, 1, 1), as_of)
        counted = Event.objects.filter(
            occurred_at__gte=low,
            occurred_at__lt=high,
            category__code="theft.residential",
            kommun=self.kommun,
        ).count()
        self.assertLess(counted, before)
        self.assertEqual(shown(), counted)


class CarryOverTest(PlanTestCase):
    """Next year's plan starts from this one (issue 16, point 5): goals continue with new
    baselines counted the same way; open and recurring measures carry over with their
    history; closed one-off measures do not."""

    def setUp(self) -> None:
        self.events_goal = self.goal()
        self.manual_goal = Goal.objects.create(
            plan=self.plan,
            title="Fler trygghetsvandringar",
            indicator=IndicatorKind.MANUAL,
            unit="st",
            direction=Direction.INCREASE,
            baseline_value=4,
            target_value=8,
            owner=self.kommun,
        )
        IndicatorReading.objects.create(
            goal=self.manual_goal, measured_on=dt.date(2026, 11, 30), value=6
        )
        common = {"plan": self.plan, "responsible": self.kommun, "starts_on": dt.date(2026, 1, 1)}
        self.ongoing = Measure.objects.create(
            title="Grannsamverkan i Kristineberg",
            status=MeasureStatus.ONGOING,
            progress=40,
            **common,
        )
        self.ongoing.goals.set([self.events_goal])
        self.ongoing.participants.set([self.lpo])
        self.client.force_login(self.coordinator)
        self.client.post(
            reverse("plans:measure", args=[self.plan.pk, self.ongoing.pk]),
            {"status": MeasureStatus.ONGOING, "progress": "40", "progress_note": "Tre nya områden"},
        )
        self.recurring = Measure.objects.create(
            title="Trygghetsvandring i Centrum",
            status=MeasureStatus.DONE,
            progress=100,
            recurrence="yearly",
            **common,
        )
        Measure.objects.create(
            title="Ny belysning vid stationen", status=MeasureStatus.DONE, **common
        )
        Measure.objects.create(title="Inställd kampanj", status=MeasureStatus.CANCELLED, **common)
        # The events of 2026: the continued goal's baseline year.
        event_dataset(
            self.lpo,
            self.kommun,
            dt.date(2026, 1, 1),
            dt.date(2026, 12, 31),
            agreement=self.agreement,
            seed=2,
        )

    def start_next(self) -> ActionPlan:
        response = self.client.post(
            reverse("plans:create"),
            {
                "situation_picture": self.plan.situation_picture_id,
                "title": "Åtgärdsplan 2027",
                "period_start": "2027-01-01",
                "period_end": "2027-12-31",
                "continue_from": self.plan.pk,
            },
        )
        plan = ActionPlan.objects.get(title="Åtgärdsplan 2027")
        self.assertRedirects(response, plan.get_absolute_url())
        return plan

    def test_goals_continue_with_a_new_baseline_counted_the_same_way(self) -> None:
        plan = self.start_next()
        goal = plan.goals.get(indicator=IndicatorKind.EVENTS)
        self.assertEqual(goal.continues, self.events_goal)
        self.assertEqual(
            (goal.baseline_start, goal.baseline_end), (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        )
        low, high = overview._bounds(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        counted = Event.objects.filter(
            occurred_at__gte=low,
            occurred_at__lt=high,
            category__code="theft.residential",
            kommun=self.kommun,
        ).count()
        self.assertGreater(counted, 0)
        self.assertEqual(goal.baseline_value, counted)
        self.assertEqual(goal.target_value, round(counted * 0.8, 4))  # still 20 % fewer
        self.assertEqual(goal.deadline, dt.date(2028, 12, 31))
        manual = plan.goals.get(indicator=IndicatorKind.MANUAL)
        self.assertEqual((manual.baseline_value, manual.target_value), (6, 8))
        # The earlier plan is untouched.
        self.events_goal.refresh_from_db()
        self.assertEqual(self.events_goal.baseline_start, YEAR_START)

    def test_open_and_recurring_measures_carry_over_with_their_history(self) -> None:
        plan = self.start_next()
        titles = set(plan.measures.values_list("title", flat=True))
        self.assertEqual(titles, {"Grannsamverkan i Kristineberg", "Trygghetsvandring i Centrum"})
        ongoing = plan.measures.get(continues=self.ongoing)
        self.assertEqual((ongoing.status, ongoing.progress), (MeasureStatus.ONGOING, 40))
        self.assertEqual(
            list(ongoing.goals.all()), list(plan.goals.filter(continues=self.events_goal))
        )
        self.assertEqual(list(ongoing.participants.all()), [self.lpo])
        again = plan.measures.get(continues=self.recurring)
        self.assertEqual((again.status, again.progress), (MeasureStatus.PLANNED, 0))
        page = self.client.get(reverse("plans:measure", args=[plan.pk, ongoing.pk]))
        self.assertContains(page, "Tidigare, i Åtgärdsplan 2026–2027")
        self.assertContains(page, "Tre nya områden")
        # Someone who cannot read the earlier plan does not see its history.
        self.assertEqual(services.history(ongoing, self.outsider), [])

    def test_only_an_earlier_plan_of_the_same_agreement_and_kommun(self) -> None:
        response = self.client.post(
            reverse("plans:create"),
            {
                "situation_picture": self.plan.situation_picture_id,
                "title": "Åtgärdsplan 2025",
                "period_start": "2025-01-01",
                "period_end": "2025-12-31",
                "continue_from": self.plan.pk,
            },
        )
        self.assertContains(response, "en plan för en tidigare period")
        self.assertFalse(ActionPlan.objects.filter(title="Åtgärdsplan 2025").exists())
