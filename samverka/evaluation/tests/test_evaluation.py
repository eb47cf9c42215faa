"""The evaluation of an agreement period: the figures are the plans' follow-up's, the
documents hold the goals and the commitments, and only the parties read it."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pypdf
from django.urls import reverse
from django.utils import timezone

from samverka.evaluation import report
from samverka.plans import followup
from samverka.plans import services as plans
from samverka.plans.models import IndicatorReading, MeasureStatus
from samverka.promises.models import Giver, Judgement
from samverka.promises.tests.test_promises import PromiseTestCase


class EvaluationTest(PromiseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.today = timezone.localdate()
        IndicatorReading.objects.create(
            goal=self.goal, measured_on=dt.date(2026, 6, 1), value=4, entered_by=self.coordinator
        )
        IndicatorReading.objects.create(
            goal=self.goal, measured_on=dt.date(2026, 10, 1), value=7, entered_by=self.coordinator
        )
        self.measure.status = MeasureStatus.DONE
        self.measure.progress = 100
        self.measure.save()
        promise = self.start(2026)
        self.kept = self.commit(
            promise,
            Giver.KOMMUN,
            "Vi ska tända belysningen i Centrum",
            self.coordinator,
            measures=[self.measure],
            goals=[self.goal],
        )
        self.judged = self.commit(
            promise,
            Giver.POLICE,
            "Vi ska synas kvällstid",
            self.chief,
            measures=[self.police_measure],
        )
        self.judged.judgement = Judgement.NOT_KEPT
        self.judged.explanation = "Närvaron blev mindre än utlovat."
        self.judged.save()
        item = plans.create_follow_up(
            self.plan,
            dt.date(2026, 11, 1),
            "Belysningen är klar; närvaron kvällstid halkade efter.",
        )
        plans.approve_follow_up(item, dt.date(2026, 11, 20), "Styrgruppen 2026-11-20 §3")

    def url(self, name: str = "agreement") -> str:  # type: ignore[override]
        return reverse(f"evaluation:{name}", args=[self.agreement.pk])

    def test_the_figures_are_the_plan_follow_ups(self) -> None:
        self.login_as("coordinator")
        page = self.client.get(self.url())
        self.assertEqual(page.status_code, 200)
        evaluation = page.context["evaluation"]
        (part,) = evaluation.plans
        as_of = min(self.plan.period_end, self.today)
        expected = followup.follow_up(self.plan, as_of)
        self.assertEqual(part.data["goals"], expected["goals"])
        self.assertEqual(part.data["measures"], expected["measures"])
        (goal,) = part.data["goals"]
        self.assertEqual((goal["baseline"], goal["current"]), (2, 7))
        self.assertEqual(goal["verdict"], followup.REACHED)
        self.assertEqual((evaluation.goals_reached, len(evaluation.goals)), (1, 1))
        self.assertEqual((evaluation.measures_done, len(evaluation.measures)), (1, 2))
        # Over the years: the goal read at the end of each year, as the follow-up reads it.
        (series,) = part.series
        by_year = {y.year: y.status for y in series.years}
        self.assertEqual(
            sorted(by_year), list(range(self.agreement.starts_on.year, self.today.year + 1))
        )
        self.assertEqual(by_year[2026]["current"], 7)
        self.assertEqual(by_year[2025]["current"], None)
        # The promise: the parties' judgement where they gave one, else the plan's.
        judgements = {
            c.commitment.pk: (c.judgement, c.by_the_parties) for c in evaluation.commitments
        }
        self.assertEqual(judgements[self.judged.pk], (Judgement.NOT_KEPT, True))
        self.assertEqual(judgements[self.kept.pk], (Judgement.KEPT, False))
        text = page.content.decode()
        self.assertIn("Belysningen är klar; närvaron kvällstid halkade efter.", text)
        self.assertIn("Styrgruppen 2026-11-20 §3", text)
        self.assertIn("Närvaron blev mindre än utlovat.", text)
        self.assertIn("Mål som nåtts", text)

    def test_the_pdf_and_the_docx_hold_the_goals_and_the_commitments(self) -> None:
        self.login_as("police")
        document = docx.Document(io.BytesIO(self.client.get(self.url("docx")).content))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        self.assertTrue(any(c.startswith("Fler trygghetsvandringar") for c in cells), cells)
        self.assertIn("Vi ska synas kvällstid", cells)
        self.assertIn("Inte hållet", cells)
        paragraphs = [p.text for p in document.paragraphs]
        self.assertIn("Belysningen är klar; närvaron kvällstid halkade efter.", paragraphs)
        response = self.client.get(self.url("pdf"))
        self.assertEqual(response["Content-Type"], "application/pdf")
        pdf = " ".join(
            " ".join(p.extract_text().split())
            for p in pypdf.PdfReader(io.BytesIO(response.content)).pages
        )
        self.assertIn("Fler trygghetsvandringar", pdf)
        self.assertIn("Vi ska tända belysningen i Centrum", pdf)
        self.assertIn("Utvärdering av Samverkansavtal Oskarshamn", pdf)

    def test_only_the_parties_read_it_even_when_the_agreement_is_published(self) -> None:
        self.agreement.published_at = timezone.now()
        self.agreement.save()
        self.login_as("outsider")
        self.assertEqual(self.client.get(self.agreement.get_absolute_url()).status_code, 200)
        for name in ("agreement", "pdf", "docx"):
            self.assertEqual(self.client.get(self.url(name)).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(self.url()).status_code, 302)
        self.login_as("viewer")
        self.assertEqual(self.client.get(self.url()).status_code, 200)

    def test_the_agreement_page_links_to_it_near_the_end_of_the_period(self) -> None:
        self.login_as("coordinator")
        page = self.client.get(self.agreement.get_absolute_url()).content.decode()
        self.assertNotIn(self.url(), page)
        self.agreement.ends_on = self.today + dt.timedelta(days=30)
        self.agreement.save()
        page = self.client.get(self.agreement.get_absolute_url()).content.decode()
        self.assertIn(self.url(), page)
        self.login_as("outsider")
        self.agreement.published_at = timezone.now()
        self.agreement.save()
        page = self.client.get(self.agreement.get_absolute_url()).content.decode()
        self.assertNotIn(self.url(), page)

    def test_the_years_run_to_the_period_end_or_today(self) -> None:
        self.agreement.starts_on = dt.date(2023, 7, 1)
        self.agreement.ends_on = dt.date(2025, 6, 30)
        self.assertEqual(
            report.period_years(self.agreement, dt.date(2026, 1, 1)),
            [
                (2023, dt.date(2023, 12, 31)),
                (2024, dt.date(2024, 12, 31)),
                (2025, dt.date(2025, 6, 30)),
            ],
        )
        self.assertEqual(
            report.period_years(self.agreement, dt.date(2024, 3, 1)),
            [(2023, dt.date(2023, 12, 31)), (2024, dt.date(2024, 3, 1))],
        )
