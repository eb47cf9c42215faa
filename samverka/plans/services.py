"""Multi-step writes of the åtgärdsplan: start, goals with computed baselines, the
follow-up report and its approval."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverka.accounts.models import User
from samverka.lib import numbers
from samverka.plans import followup
from samverka.plans.models import (
    ActionPlan,
    Direction,
    FollowUp,
    FollowUpStatus,
    Goal,
    IndicatorKind,
)
from samverka.situation.models import SituationPicture
from samverka.tenancy.access import Visibility, writing_party


@transaction.atomic
def start_plan(
    picture: SituationPicture,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    by: User,
) -> ActionPlan:
    """A plan for the picture's agreement and kommun, shared with the parties."""
    if not picture.is_adopted:
        raise ValidationError(_("An action plan builds on an adopted situation picture."))
    owner = writing_party(by, picture.agreement_id)
    if owner is None:
        raise ValidationError(_("You cannot draft for this agreement."))
    plan = ActionPlan(
        owner=owner,
        agreement=picture.agreement,
        visibility=Visibility.SHARED,
        kommun=picture.kommun,
        situation_picture=picture,
        title=title,
        period_start=period_start,
        period_end=period_end,
        created_by=by,
    )
    plan.full_clean()
    plan.save()
    return plan


# What defines a computed indicator: its baseline is counted again only when one changes.
DEFINITION = (
    "indicator",
    "category",
    "sub_area",
    "survey_question",
    "baseline_start",
    "baseline_end",
)


@transaction.atomic
def save_goal(
    goal: Goal,
    target_change: float | None = None,
    on: dt.date | None = None,
    *,
    recount: bool = True,
) -> Goal:
    """Save a goal. A computed indicator's baseline is counted from the plan's sources
    when the goal is set and when its definition changes (``recount``), never on other
    edits: it is the baseline of the day the goal was set. A target given as a change in
    per cent is turned into a value; a target on the wrong side of the baseline for the
    goal's direction is refused."""
    if goal.is_computed and (recount or goal.baseline_value is None):
        followup.compute_baseline(goal, on)
    elif goal.baseline_set_on is None:
        goal.baseline_set_on = on or timezone.localdate()
    if target_change is not None and goal.baseline_value is not None:
        goal.target_value = round(goal.baseline_value * (1 + target_change / 100), 4)
    if goal.target_value is not None and goal.baseline_value is not None:
        wrong_way = (
            goal.target_value >= goal.baseline_value
            if goal.direction == Direction.DECREASE
            else goal.target_value <= goal.baseline_value
        )
        if wrong_way:
            message = (
                _("A decrease needs a target below the baseline (%(baseline)s).")
                if goal.direction == Direction.DECREASE
                else _("An increase needs a target above the baseline (%(baseline)s).")
            ) % {
                "baseline": numbers.percent(goal.baseline_value, 1)
                if goal.indicator == IndicatorKind.SURVEY
                else numbers.number(goal.baseline_value, 2)
            }
            raise ValidationError(
                {"target_change" if target_change is not None else "target_value": message}
            )
    goal.save()
    return goal


def _frozen_report(plan: ActionPlan, as_of: dt.date, comments: str) -> dict[str, Any]:
    data = followup.follow_up(plan, as_of)
    data["comments"] = comments
    return data


@transaction.atomic
def create_follow_up(plan: ActionPlan, as_of: dt.date, comments: str) -> FollowUp:
    item = FollowUp(plan=plan, as_of=as_of, comments=comments)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def send_follow_up(item: FollowUp, on: dt.date) -> FollowUp:
    """The draft goes to the steering group: its numbers are frozen as they are now, so
    that what the group reads is what it approves."""
    if item.status != FollowUpStatus.DRAFT:
        raise ValidationError(_("Only a draft can be sent to the steering group."))
    item.snapshot = _frozen_report(item.plan, item.as_of, item.comments)
    item.status = FollowUpStatus.SENT
    item.sent_on = on
    item.save()
    return item


@transaction.atomic
def reopen_follow_up(item: FollowUp) -> FollowUp:
    """Take a sent follow-up back to draft: its numbers are computed anew."""
    if not item.is_sent:
        raise ValidationError(_("Only a follow-up sent to the steering group can be taken back."))
    item.snapshot = {}
    item.status = FollowUpStatus.DRAFT
    item.sent_on = None
    item.save()
    return item


def changed_since_sent(item: FollowUp) -> list[str]:
    """The goals whose numbers or verdict would differ if counted now (data imported
    since the follow-up was sent): the team sees it before the approval."""
    if not item.is_sent or not item.snapshot:
        return []
    now = {goal["id"]: goal for goal in _frozen_report(item.plan, item.as_of, "")["goals"]}
    keys = ("baseline", "current", "verdict")
    changed = []
    for goal in item.snapshot.get("goals", []):
        fresh = now.get(goal["id"])
        if fresh is None or any(fresh.get(key) != goal.get(key) for key in keys):
            changed.append(str(goal["title"]))
    return changed


@transaction.atomic
def approve_follow_up(item: FollowUp, on: dt.date, reference: str) -> FollowUp:
    """The steering group approved the follow-up: its numbers are frozen, as sent to the
    group when it was sent, else as they are now."""
    if item.is_approved:
        raise ValidationError(_("The follow-up is approved already."))
    if not reference.strip():
        raise ValidationError({"decision_reference": _("Give the decision's reference.")})
    if not (item.is_sent and item.snapshot):
        item.snapshot = _frozen_report(item.plan, item.as_of, item.comments)
    item.status = FollowUpStatus.APPROVED
    item.approved_on = on
    item.decision_reference = reference.strip()
    item.save()
    return item


def report_data(item: FollowUp) -> dict[str, Any]:
    """What the report shows: frozen once sent or approved, else computed now."""
    if (item.is_approved or item.is_sent) and item.snapshot:
        return dict(item.snapshot)
    return _frozen_report(item.plan, item.as_of, item.comments)
