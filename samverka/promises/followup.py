"""Each commitment judged from the plan's own follow-up (:func:`samverka.plans.followup.follow_up`):
its linked measures' progress (green, yellow, red; done) and its linked goals' verdicts.
No new count: the same statuses and verdicts the plan's page shows.

* kept (*hållet*): every linked measure done and every linked goal reached;
* not kept (*inte hållet*): a measure past its end and not done, or a goal not on track,
  and nothing done or reached;
* partly (*delvis*): something done or reached, or under way, but not everything;
* too early (*för tidigt*): nothing linked yet, or nothing begun and nothing failed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from samverka.plans import followup as plan_followup
from samverka.plans.models import ActionPlan
from samverka.promises.models import Commitment, Judgement

DONE_STATUS = "done"


@dataclass(frozen=True)
class Basis:
    """What a commitment's judgement rests on: its measures' and goals' statuses."""

    measures: list[dict[str, Any]] = field(default_factory=list)
    goals: list[dict[str, Any]] = field(default_factory=list)

    @property
    def measures_done(self) -> int:
        return sum(1 for m in self.measures if m["status"] == DONE_STATUS)

    @property
    def goals_reached(self) -> int:
        return sum(1 for g in self.goals if g["verdict"] == plan_followup.REACHED)


def judge(basis: Basis) -> str:
    """The judgement the measures and goals give (see the module's docstring)."""
    if not basis.measures and not basis.goals:
        return Judgement.TOO_EARLY
    measures = [m for m in basis.measures if m["colour"] != plan_followup.GREY]
    all_done = all(m["status"] == DONE_STATUS for m in measures)
    all_reached = all(g["verdict"] == plan_followup.REACHED for g in basis.goals)
    if all_done and all_reached and (measures or basis.goals):
        return Judgement.KEPT
    failed = any(m["colour"] == plan_followup.RED for m in measures) or any(
        g["verdict"] == plan_followup.NOT_ON_TRACK for g in basis.goals
    )
    achieved = basis.measures_done > 0 or basis.goals_reached > 0
    under_way = any(m["progress"] > 0 for m in measures) or any(
        g["verdict"] == plan_followup.ON_TRACK for g in basis.goals
    )
    if failed and not achieved:
        return Judgement.NOT_KEPT
    if achieved or under_way or failed:
        return Judgement.PARTLY
    return Judgement.TOO_EARLY


def plan_of(commitment: Commitment) -> list[ActionPlan]:
    plans = {m.plan for m in commitment.measures.all()} | {g.plan for g in commitment.goals.all()}
    return sorted(plans, key=lambda p: p.pk)


def bases(commitments: list[Commitment], as_of: dt.date) -> dict[int, Basis]:
    """Each commitment's basis on ``as_of``: each plan's follow-up computed once."""
    reports: dict[int, dict[str, Any]] = {}
    found: dict[int, Basis] = {}
    for commitment in commitments:
        measure_ids = [m.pk for m in commitment.measures.all()]
        goal_ids = [g.pk for g in commitment.goals.all()]
        for plan in plan_of(commitment):
            if plan.pk not in reports:
                reports[plan.pk] = plan_followup.follow_up(plan, as_of)
        measures = [m for r in reports.values() for m in r["measures"] if m["id"] in measure_ids]
        goals = [g for r in reports.values() for g in r["goals"] if g["id"] in goal_ids]
        found[commitment.pk] = Basis(measures, goals)
    return found
