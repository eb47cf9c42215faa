"""The evaluation of an agreement's whole period: what the seeds ask for before a new
agreement is signed ("Innan en ny samverkansöverenskommelse tecknas ska erfarenheterna …
följas upp och utvärderas").

Everything is read from what the period left behind, counted as the plans' follow-up
counts it (:mod:`samverka.plans.followup`), never anew: each plan's goals (baseline,
latest value, verdict) and measures, each goal's indicator at the end of every year of
the period, the steering group's approved follow-ups and their comments, the adopted
lägesbilder, and the medborgarlöften with their commitments' judgements. Only what the
user reads is shown (the one access policy).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from samverka.agreements.models import Agreement
from samverka.plans import followup
from samverka.plans.models import ActionPlan, FollowUp, FollowUpStatus, MeasureStatus
from samverka.promises import followup as promise_followup
from samverka.promises.models import CitizenPromise, Commitment, Judgement
from samverka.situation.models import PictureStatus, SituationPicture
from samverka.tenancy.access import VIEW, AnyUser, restrict


@dataclass
class YearValue:
    year: int
    as_of: dt.date
    status: dict[str, Any]


@dataclass
class IndicatorSeries:
    """One goal's indicator at the end of each year of the period (or on the day the
    evaluation is made, for the year under way)."""

    goal: dict[str, Any]
    years: list[YearValue]


@dataclass
class PlanPart:
    plan: ActionPlan
    as_of: dt.date
    data: dict[str, Any]  # plans.followup.follow_up(plan, as_of)
    measures_by_status: list[tuple[str, int]]
    follow_ups: list[FollowUp]
    series: list[IndicatorSeries]


@dataclass
class JudgedCommitment:
    commitment: Commitment
    judgement: str  # a Judgement value
    by_the_parties: bool  # judged by the parties, not only suggested by the plan

    @property
    def judgement_label(self) -> str:
        return str(Judgement(self.judgement).label)


@dataclass
class PromisePart:
    promise: CitizenPromise
    commitments: list[JudgedCommitment]


@dataclass
class Evaluation:
    agreement: Agreement
    as_of: dt.date
    plans: list[PlanPart] = field(default_factory=list)
    promises: list[PromisePart] = field(default_factory=list)
    pictures: list[SituationPicture] = field(default_factory=list)

    @property
    def goals(self) -> list[dict[str, Any]]:
        return [goal for part in self.plans for goal in part.data["goals"]]

    @property
    def goals_reached(self) -> int:
        return sum(1 for goal in self.goals if goal["verdict"] == followup.REACHED)

    @property
    def measures(self) -> list[dict[str, Any]]:
        return [measure for part in self.plans for measure in part.data["measures"]]

    @property
    def measures_done(self) -> int:
        return sum(1 for m in self.measures if m["status"] == MeasureStatus.DONE)

    @property
    def commitments(self) -> list[JudgedCommitment]:
        return [c for part in self.promises for c in part.commitments]

    @property
    def commitments_kept(self) -> int:
        return sum(1 for c in self.commitments if c.judgement == Judgement.KEPT)

    @property
    def follow_up_count(self) -> int:
        return sum(len(part.follow_ups) for part in self.plans)


def period_years(agreement: Agreement, as_of: dt.date) -> list[tuple[int, dt.date]]:
    """Each year of the period up to ``as_of``, with the day it is read on: the year's
    last day (or the period's, or ``as_of``, whichever is earliest)."""
    found = []
    for year in range(agreement.starts_on.year, min(agreement.ends_on, as_of).year + 1):
        day = min(dt.date(year, 12, 31), agreement.ends_on, as_of)
        if day >= agreement.starts_on:
            found.append((year, day))
    return found


def _plan_part(plan: ActionPlan, agreement: Agreement, as_of: dt.date) -> PlanPart:
    on = min(plan.period_end, as_of)
    goals = followup.plan_goals(plan)
    measures = followup.plan_measures(plan)
    data = followup.follow_up(plan, on, goals, measures)
    dataset_ids = followup.plan_datasets(plan)
    last_day = followup.data_end(plan, dataset_ids)
    years = period_years(agreement, as_of)
    series = [
        IndicatorSeries(
            goal=status,
            years=[
                YearValue(year, day, followup.goal_status(goal, day, dataset_ids, last_day))
                for year, day in years
            ],
        )
        for goal, status in zip(goals, data["goals"], strict=True)
    ]
    counts: dict[str, int] = {}
    for measure in data["measures"]:
        counts[measure["status"]] = counts.get(measure["status"], 0) + 1
    by_status = [
        (str(label), counts[value]) for value, label in MeasureStatus.choices if value in counts
    ]
    # The plan is read already (restricted above): its approved follow-ups with it.
    follow_ups = list(
        plan.follow_ups.filter(status=FollowUpStatus.APPROVED).order_by("as_of", "pk")
    )
    return PlanPart(plan, on, data, by_status, follow_ups, series)


def _promise_part(promise: CitizenPromise, user: AnyUser, as_of: dt.date) -> PromisePart:
    commitments = list(
        restrict(Commitment.objects.all(), user, VIEW)
        .filter(promise=promise)
        .prefetch_related("measures__plan", "goals__plan")
        .order_by("position", "pk")
    )
    unjudged = [c for c in commitments if not c.judgement]
    bases = promise_followup.bases(unjudged, min(promise.period_end, as_of)) if unjudged else {}
    judged = []
    for commitment in commitments:
        if commitment.judgement:
            judged.append(JudgedCommitment(commitment, commitment.judgement, True))
        else:
            judged.append(
                JudgedCommitment(commitment, promise_followup.judge(bases[commitment.pk]), False)
            )
    return PromisePart(promise, judged)


def evaluate(agreement: Agreement, user: AnyUser, as_of: dt.date | None = None) -> Evaluation:
    """The evaluation of ``agreement``'s period on ``as_of`` (today; never after the
    period's end), from what ``user`` reads."""
    as_of = min(as_of or timezone.localdate(), agreement.ends_on)
    result = Evaluation(agreement, as_of)
    plans = (
        restrict(ActionPlan.objects.all(), user, VIEW)
        .filter(agreement=agreement, period_start__lte=agreement.ends_on)
        .select_related("kommun")
        .order_by("period_start", "pk")
    )
    result.plans = [_plan_part(plan, agreement, as_of) for plan in plans]
    promises = (
        restrict(CitizenPromise.objects.all(), user, VIEW)
        .filter(agreement=agreement)
        .order_by("period_start", "pk")
    )
    result.promises = [_promise_part(promise, user, as_of) for promise in promises]
    result.pictures = list(
        restrict(SituationPicture.objects.all(), user, VIEW)
        .filter(agreement=agreement, status=PictureStatus.ADOPTED)
        .order_by("adopted_on", "pk")
    )
    return result
