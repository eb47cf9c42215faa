"""Multi-step writes of the åtgärdsplan: start, goals with computed baselines, the
follow-up report and its approval."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverka.accounts.models import User
from samverka.agreements import steering
from samverka.lib import numbers
from samverka.lib.dates import add_months
from samverka.plans import followup
from samverka.plans.models import (
    ActionPlan,
    Direction,
    FollowUp,
    FollowUpStatus,
    Goal,
    IndicatorKind,
    Measure,
    MeasureReport,
    MeasureStatus,
)
from samverka.situation.models import SituationPicture
from samverka.tenancy.access import AnyUser, Visibility, writing_party


@transaction.atomic
def start_plan(
    picture: SituationPicture,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    by: User,
    continue_from: ActionPlan | None = None,
) -> ActionPlan:
    """A plan for the picture's agreement and kommun, shared with the parties; started
    from ``continue_from`` (its goals and open or recurring measures) when given."""
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
    if continue_from is not None:
        carry_over(plan, continue_from)
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


def _shifted(day: dt.date | None, months: int) -> dt.date | None:
    if day is None:
        return None
    moved = add_months(day, months)
    # A period that ended on a month's last day ends on the last day of the new month.
    if (day + dt.timedelta(days=1)).month != day.month:
        moved = add_months(moved.replace(day=1), 1) - dt.timedelta(days=1)
    return moved


@dataclass(frozen=True)
class CarriedOver:
    goals: int
    measures: int


CLOSED = (MeasureStatus.DONE, MeasureStatus.CANCELLED)


@transaction.atomic
def carry_over(plan: ActionPlan, earlier: ActionPlan) -> CarriedOver:
    """Start ``plan`` from ``earlier``: every goal continues, its baseline period moved
    on by the distance between the plans and its baseline counted again from the new
    plan's sources in the same way (a target set as a change keeps its change); every
    measure still open, and every recurring one, is carried over with a link to its
    history. Nothing of ``earlier`` changes."""
    if plan.measures.exists() or plan.goals.exists():
        raise ValidationError(_("Carry over into a new, empty plan only."))
    if earlier.agreement_id != plan.agreement_id or earlier.kommun_id != plan.kommun_id:
        raise ValidationError(_("Carry over from a plan of the same agreement and kommun only."))
    if earlier.period_start >= plan.period_start:
        raise ValidationError(_("Carry over from an earlier plan only."))
    months = (plan.period_start.year - earlier.period_start.year) * 12 + (
        plan.period_start.month - earlier.period_start.month
    )
    same_picture = plan.situation_picture_id == earlier.situation_picture_id
    new_goals: dict[int, Goal] = {}
    for old in earlier.goals.order_by("position", "pk"):
        goal = Goal(
            plan=plan,
            continues=old,
            title=old.title,
            problem=old.problem if same_picture else None,
            priority_area=old.priority_area,
            owner=old.owner,
            indicator=old.indicator,
            category=old.category,
            sub_area=old.sub_area,
            survey_question=old.survey_question,
            unit=old.unit,
            direction=old.direction,
            baseline_start=_shifted(old.baseline_start, months),
            baseline_end=_shifted(old.baseline_end, months),
            deadline=_shifted(old.deadline, months),
            position=old.position,
        )
        change = None
        if goal.is_computed and old.baseline_value and old.target_value is not None:
            change = (old.target_value / old.baseline_value - 1) * 100
        elif not goal.is_computed:
            # A manual indicator starts from its latest reading.
            latest = old.readings.order_by("-measured_on", "-pk").first()
            if latest is not None:
                goal.baseline_value = latest.value
                goal.baseline_start = goal.baseline_end = latest.measured_on
            else:
                goal.baseline_value = old.baseline_value
            goal.target_value = old.target_value
        else:
            goal.target_value = old.target_value
        try:
            save_goal(goal, change, recount=True)
        except ValidationError:
            # The new baseline already passes the old target: keep the goal, without a
            # target, for the parties to set one.
            goal.target_value = None
            save_goal(goal, None, recount=False)
        new_goals[old.pk] = goal
    carried = 0
    for old_measure in earlier.measures.prefetch_related("goals", "participants"):
        if old_measure.status in CLOSED and not old_measure.recurrence:
            continue
        reopened = old_measure.status in CLOSED
        measure = Measure.objects.create(
            plan=plan,
            continues=old_measure,
            title=old_measure.title,
            description=old_measure.description,
            problem=old_measure.problem if same_picture else None,
            cause=old_measure.cause,
            responsible=old_measure.responsible,
            responsible_person=old_measure.responsible_person,
            starts_on=max(old_measure.starts_on, plan.period_start),
            ends_on=old_measure.ends_on
            if old_measure.ends_on and old_measure.ends_on >= plan.period_start
            else None,
            recurrence=old_measure.recurrence,
            status=MeasureStatus.PLANNED if reopened else old_measure.status,
            progress=0 if reopened else old_measure.progress,
            progress_note="" if reopened else old_measure.progress_note,
            reported_on=None if reopened else old_measure.reported_on,
            method=old_measure.method,
            evidence_base=old_measure.evidence_base,
            treated_area=old_measure.treated_area,
            comparison_area=old_measure.comparison_area,
            evaluation_category=old_measure.evaluation_category,
        )
        measure.participants.set(old_measure.participants.all())
        measure.goals.set([new_goals[g.pk] for g in old_measure.goals.all() if g.pk in new_goals])
        carried += 1
    return CarriedOver(goals=len(new_goals), measures=carried)


def history(measure: Measure, user: AnyUser) -> list[tuple[Measure, list[MeasureReport]]]:
    """The measure's reports in the earlier plans it continues that ``user`` may read,
    newest plan first."""
    readable = set(ActionPlan.objects.visible_to(user).values_list("pk", flat=True))
    chain = []
    seen = {measure.pk}
    earlier = measure.continues
    while earlier is not None and earlier.pk not in seen:
        seen.add(earlier.pk)
        if earlier.plan_id in readable:
            chain.append((earlier, list(earlier.reports.select_related("reported_by"))))
        earlier = earlier.continues
    return chain


@transaction.atomic
def report_progress(measure: Measure, by: User) -> MeasureReport:
    """Save ``measure``'s reported status, progress and note (already set on it, e.g.
    by a form) as of today, and keep the report in the measure's history."""
    measure.reported_on = timezone.localdate()
    measure.save()
    return MeasureReport.objects.create(
        measure=measure,
        reported_on=measure.reported_on,
        status=measure.status,
        progress=measure.progress,
        note=measure.progress_note,
        reported_by=by,
    )


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
def send_follow_up(item: FollowUp, on: dt.date, by: User | None = None, link: str = "") -> FollowUp:
    """The draft goes to the steering group: its numbers are frozen as they are now, so
    that what the group reads is what it approves. It is put on the agenda of the steering
    group's next meeting (``link``, its address), whose parties' coordinators are told."""
    if item.status != FollowUpStatus.DRAFT:
        raise ValidationError(_("Only a draft can be sent to the steering group."))
    item.snapshot = _frozen_report(item.plan, item.as_of, item.comments)
    item.status = FollowUpStatus.SENT
    item.sent_on = on
    item.save()
    title = _("Approve the follow-up of %(plan)s as of %(date)s") % {
        "plan": item.plan,
        "date": item.as_of.isoformat(),
    }
    if item.plan.agreement is not None:
        steering.refer(item.plan.agreement, title, link, by)
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
def approve_follow_up(
    item: FollowUp, on: dt.date, reference: str, decision: int | None = None
) -> FollowUp:
    """The steering group approved the follow-up: its numbers are frozen, as sent to the
    group when it was sent, else as they are now. The approval cannot precede the sending;
    ``decision``, the steering group's decision that approves it (its reference fills an
    empty ``reference``; the approval cannot precede it), is linked to the follow-up."""
    if item.is_approved:
        raise ValidationError(_("The follow-up is approved already."))
    if item.sent_on is not None and on < item.sent_on:
        raise ValidationError(
            {
                "approved_on": _(
                    "The approval cannot precede the sending to the steering group (%(date)s)."
                )
                % {"date": item.sent_on.isoformat()}
            }
        )
    reference, ref = steering.resolve(
        decision, item.plan.agreement_id, reference, on, "approved_on"
    )
    if not reference.strip():
        raise ValidationError({"decision_reference": _("Give the decision's reference.")})
    if not (item.is_sent and item.snapshot):
        item.snapshot = _frozen_report(item.plan, item.as_of, item.comments)
    item.status = FollowUpStatus.APPROVED
    item.approved_on = on
    item.decision_reference = reference.strip()
    item.save()
    steering.record(ref, item)
    return item


def report_data(item: FollowUp) -> dict[str, Any]:
    """What the report shows: frozen once sent or approved, else computed now."""
    if (item.is_approved or item.is_sent) and item.snapshot:
        return dict(item.snapshot)
    return _frozen_report(item.plan, item.as_of, item.comments)
