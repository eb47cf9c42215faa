"""The åtgärdsplan: goals with indicators, measures with owners, the responsibility
matrix, the timeline, the follow-up at any date and its report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samverka.agreements.models import ForumKind
from samverka.lib.downloads import DOCX, PDF, attachment
from samverka.organizations.models import Organization
from samverka.plans import documents, followup, services
from samverka.plans import timeline as dated_items
from samverka.plans.forms import (
    ApproveForm,
    FollowUpForm,
    GoalForm,
    MeasureForm,
    PlanForm,
    ProgressForm,
    ReadingForm,
)
from samverka.plans.models import ActionPlan, FollowUp, Goal, Measure
from samverka.situation.models import SituationPicture
from samverka.tenancy.access import CHANGE, VIEW, get_or_404


def _plans() -> QuerySet[ActionPlan]:
    return ActionPlan.objects.select_related("kommun", "agreement", "situation_picture").defer(
        "kommun__geometry", "situation_picture__snapshot"
    )


def _as_of(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("datum", ""))
    except ValueError:
        return timezone.localdate()


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = ActionPlan.objects.visible_to(request.user).select_related("kommun", "agreement")
    can_start = SituationPicture.objects.editable_by(request.user).filter(status="adopted").exists()
    return render(request, "plans/plan_list.html", {"plans": plans, "can_start": can_start})


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None, user=request.user)
    if not form.fields["situation_picture"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied  # no adopted lägesbild this user may build a plan on
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.start_plan(
                data["situation_picture"],
                data["title"],
                data["period_start"],
                data["period_end"],
                request.user,  # type: ignore[arg-type]
                continue_from=data["continue_from"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The action plan is started."))
            return redirect(plan)
    return render(request, "plans/plan_form.html", {"form": form})


def _tree(
    statuses: dict[int, dict[str, Any]], goals: list[Goal], measures: list[Measure]
) -> list[dict[str, Any]]:
    """Priority areas → problems → goals → measures, in the agreement's order (the goals
    and measures as the follow-up read them)."""
    by_goal: dict[int, list[Measure]] = {}
    unlinked = []
    for measure in measures:
        linked = [g.pk for g in measure.goals.all()]
        for pk in linked:
            by_goal.setdefault(pk, []).append(measure)
        if not linked:
            unlinked.append(measure)
    groups: dict[Any, dict[str, Any]] = {}
    for goal in goals:
        area = goal.priority_area or (goal.problem.priority_areas.first() if goal.problem else None)
        group = groups.setdefault(area.pk if area else None, {"area": area, "problems": {}})
        problem_group = group["problems"].setdefault(
            goal.problem_id, {"problem": goal.problem, "goals": []}
        )
        problem_group["goals"].append(
            {
                "goal": goal,
                "status": statuses.get(goal.pk, {}),
                "measures": by_goal.get(goal.pk, []),
            }
        )
    ordered = sorted(
        groups.values(), key=lambda g: (g["area"] is None, g["area"].position if g["area"] else 0)
    )
    for group in ordered:
        group["problems"] = list(group["problems"].values())
    return [*ordered, {"area": None, "problems": [], "unlinked": unlinked}] if unlinked else ordered


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_page(request, get_or_404(_plans(), request.user, VIEW, pk=pk))


def _plan_page(
    request: HttpRequest, plan: ActionPlan, follow_up_form: FollowUpForm | None = None
) -> HttpResponse:
    """The plan's page; with a refused follow-up form, that form with what was written."""
    pk = plan.pk
    as_of = _as_of(request)
    goals, measures = followup.plan_goals(plan), followup.plan_measures(plan)
    data = followup.follow_up(plan, as_of, goals, measures)
    statuses = {g["id"]: g for g in data["goals"]}
    measure_statuses = {m["id"]: m for m in data["measures"]}
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "as_of": as_of,
            "data": data,
            "tree": _tree(statuses, goals, measures),
            "measure_statuses": measure_statuses,
            "can_edit": ActionPlan.objects.editable_by(request.user).filter(pk=pk).exists(),
            "own_measures": set(
                Measure.objects.editable_by(request.user)
                .filter(plan=plan)
                .values_list("pk", flat=True)
            ),
            "follow_ups": plan.follow_ups.all(),
            "follow_up_form": follow_up_form or FollowUpForm(initial={"as_of": as_of}),
        },
        status=400 if follow_up_form else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int, goal_pk: int | None = None) -> HttpResponse:
    plan = get_or_404(_plans(), request.user, CHANGE, pk=pk)
    instance = get_object_or_404(plan.goals, pk=goal_pk) if goal_pk else Goal(plan=plan)
    counted = (instance.baseline_value, instance.baseline_basis, instance.baseline_set_on)
    form = GoalForm(request.POST or None, instance=instance, plan=plan)
    if request.method == "POST" and form.is_valid():
        recount = not instance.pk or bool(set(form.changed_data) & set(services.DEFINITION))
        goal = form.save(commit=False)
        if goal.is_computed and not recount:
            # A computed baseline is not typed in: it stays as counted when it was set.
            goal.baseline_value, goal.baseline_basis, goal.baseline_set_on = counted
        try:
            goal = services.save_goal(goal, form.cleaned_data.get("target_change"), recount=recount)
        except ValidationError as error:
            form.add_error(None, error)
            return render(
                request,
                "plans/goal_form.html",
                {"form": form, "plan": plan, "instance": instance if instance.pk else None},
            )
        messages.success(request, _("The goal is saved."))
        if goal.missing():
            messages.warning(
                request,
                _("The goal is not yet SMART: it lacks %(missing)s.")
                % {"missing": ", ".join(goal.missing())},
            )
        return redirect(plan.get_absolute_url() + f"#goal-{goal.pk}")
    return render(
        request,
        "plans/goal_form.html",
        {"form": form, "plan": plan, "instance": instance if instance.pk else None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reading_add(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    plan = get_or_404(_plans(), request.user, CHANGE, pk=pk)
    goal = get_object_or_404(plan.goals, pk=goal_pk)
    form = ReadingForm(request.POST or None, initial={"measured_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        reading = form.save(commit=False)
        reading.goal = goal
        reading.entered_by = request.user
        reading.save()
        messages.success(request, _("The value is saved."))
        return redirect(plan.get_absolute_url() + f"#goal-{goal.pk}")
    return render(request, "plans/reading_form.html", {"form": form, "plan": plan, "goal": goal})


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, pk: int, measure_pk: int | None = None) -> HttpResponse:
    plan = get_or_404(_plans(), request.user, CHANGE, pk=pk)
    instance = (
        get_or_404(plan.measures.all(), request.user, CHANGE, pk=measure_pk)
        if measure_pk
        else Measure(plan=plan)
    )
    form = MeasureForm(request.POST or None, instance=instance, plan=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        measure = form.save()
        messages.success(request, _("The measure is saved."))
        return redirect(measure)
    return render(
        request,
        "plans/measure_form.html",
        {"form": form, "plan": plan, "instance": instance if instance.pk else None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_detail(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    plan = get_or_404(_plans(), request.user, VIEW, pk=pk)
    measure = get_object_or_404(
        plan.measures.select_related("responsible", "responsible_person", "problem"),
        pk=measure_pk,
    )
    can_report = Measure.objects.editable_by(request.user).filter(pk=measure.pk).exists()
    form = ProgressForm(request.POST or None, instance=measure)
    if request.method == "POST":
        if not can_report:
            raise PermissionDenied
        if form.is_valid():
            services.report_progress(form.save(commit=False), request.user)  # type: ignore[arg-type]
            messages.success(request, _("The progress is reported."))
            return redirect(measure)
    as_of = _as_of(request)
    return render(
        request,
        "plans/measure_detail.html",
        {
            "plan": plan,
            "measure": measure,
            "status": followup.measure_status(measure, as_of),
            "evaluation": followup.evaluate(measure, as_of, followup.plan_datasets(plan)),
            "form": form if can_report else None,
            "can_edit": can_report,
            "reports": measure.reports.select_related("reported_by"),
            "earlier": services.history(measure, request.user),
        },
    )


@login_required
def matrix(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_or_404(_plans(), request.user, VIEW, pk=pk)
    measures = list(
        plan.measures.select_related(
            "responsible", "responsible_person", "problem"
        ).prefetch_related("participants", "goals", "reports")
    )
    today = timezone.localdate()
    organizations = list(
        Organization.objects.filter(agreements=plan.agreement_id).order_by("kind", "name")
    )
    known = {o.pk for o in organizations}
    for measure in measures:
        for org in [measure.responsible, *measure.participants.all()]:
            if org.pk not in known:
                organizations.append(org)
                known.add(org.pk)
    rows = []
    for measure in measures:
        participants = {o.pk for o in measure.participants.all()}
        rows.append(
            {
                "measure": measure,
                "status": followup.measure_status(measure, today),
                "cells": [
                    "responsible"
                    if org.pk == measure.responsible_id
                    else ("participating" if org.pk in participants else "")
                    for org in organizations
                ],
            }
        )
    return render(
        request,
        "plans/matrix.html",
        {"plan": plan, "organizations": organizations, "rows": rows, "today": today},
    )


@login_required
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_or_404(_plans(), request.user, VIEW, pk=pk)
    as_of = _as_of(request)
    measures = list(
        plan.measures.select_related("responsible", "responsible_person").prefetch_related(
            "reports"
        )
    )
    statuses = {m.pk: followup.measure_status(m, as_of) for m in measures}
    return render(
        request,
        "plans/timeline.html",
        {
            "plan": plan,
            "measures": measures,
            "chart": documents.timeline_svg(plan, measures, as_of, statuses),
            "statuses": statuses,
            "dated": dated_items.dated(plan, request.user),
        },
    )


@login_required
@require_POST
def follow_up_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_or_404(_plans(), request.user, CHANGE, pk=pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():  # the page again, with the errors and the text as written
        return _plan_page(request, plan, form)
    item = services.create_follow_up(
        plan, form.cleaned_data["as_of"], form.cleaned_data["comments"]
    )
    messages.success(request, _("The follow-up report is drafted."))
    return redirect("plans:follow_up", pk=plan.pk, follow_up_pk=item.pk)


def _follow_up(request: HttpRequest, pk: int, follow_up_pk: int) -> tuple[ActionPlan, FollowUp]:
    plan = get_or_404(_plans(), request.user, VIEW, pk=pk)
    return plan, get_object_or_404(plan.follow_ups, pk=follow_up_pk)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_detail(request: HttpRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    plan, item = _follow_up(request, pk, follow_up_pk)
    form = ApproveForm(
        request.POST or None,
        initial={"approved_on": timezone.localdate()},
        agreement_id=plan.agreement_id,
        user=request.user,
    )
    if request.method == "POST":
        if not ActionPlan.objects.editable_by(request.user).filter(pk=pk).exists():
            raise PermissionDenied
        if form.is_valid():
            try:
                services.approve_follow_up(
                    item,
                    form.cleaned_data["approved_on"],
                    form.cleaned_data["decision_reference"],
                    decision=form.cleaned_data.get("decision"),
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The follow-up is approved; its numbers are frozen."))
                return redirect("plans:follow_up", pk=plan.pk, follow_up_pk=item.pk)
    can_edit = ActionPlan.objects.editable_by(request.user).filter(pk=pk).exists()
    return render(
        request,
        "plans/follow_up.html",
        {
            "plan": plan,
            "item": item,
            "data": services.report_data(item),
            "form": form if can_edit and not item.is_approved else None,
            "can_edit": can_edit,
            "changed": services.changed_since_sent(item) if can_edit else [],
        },
    )


@login_required
@require_POST
def follow_up_send(request: HttpRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    """Freeze the draft's numbers for the steering group, or (``reopen``) take it back."""
    plan = get_or_404(_plans(), request.user, CHANGE, pk=pk)
    item = get_object_or_404(plan.follow_ups, pk=follow_up_pk)
    try:
        if request.POST.get("reopen"):
            services.reopen_follow_up(item)
            messages.success(
                request, _("The follow-up is a draft again; its numbers are computed anew.")
            )
        else:
            link = request.build_absolute_uri(
                reverse("plans:follow_up", kwargs={"pk": plan.pk, "follow_up_pk": item.pk})
            )
            services.send_follow_up(item, timezone.localdate(), request.user, link)  # type: ignore[arg-type]
            messages.success(
                request,
                _("The follow-up is sent to the steering group; its numbers are frozen as sent."),
            )
            agreement = plan.agreement
            if agreement and agreement.forums.filter(kind=ForumKind.STEERING_GROUP).exists():
                messages.info(
                    request,
                    _(
                        "It is on the agenda of the steering group's next meeting; its "
                        "parties' coordinators are told by e-mail."
                    ),
                )
            else:
                messages.warning(
                    request,
                    _(
                        "The agreement names no steering group among its forums: nobody is "
                        "told. Add the steering group to the agreement to put it on its agenda."
                    ),
                )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("plans:follow_up", pk=plan.pk, follow_up_pk=item.pk)


@login_required
@require_safe
def follow_up_pdf(request: HttpRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    _plan, item = _follow_up(request, pk, follow_up_pk)
    return attachment(documents.render_pdf(item), PDF, documents.filename(item, "pdf"))


@login_required
@require_safe
def follow_up_docx(request: HttpRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    _plan, item = _follow_up(request, pk, follow_up_pk)
    return attachment(documents.render_docx(item), DOCX, documents.filename(item, "docx"))
