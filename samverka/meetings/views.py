"""The pages of meetings and decisions: the forums and their meetings, a meeting with its
agenda, minutes, decisions and actions, the follow-up of open actions, and the minutes as
PDF and DOCX. Everything through the one policy: a meeting is its agreement's parties'."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samverka.agreements.models import Forum
from samverka.lib.downloads import DOCX, PDF, attachment
from samverka.meetings import documents, services
from samverka.meetings.forms import (
    ActionForm,
    AgendaItemForm,
    DecisionForm,
    DoneForm,
    MinutesForm,
    PlanMeetingForm,
)
from samverka.meetings.models import AgendaKind, Meeting
from samverka.tenancy.access import CHANGE, VIEW, get_or_404, restrict


def _forums() -> QuerySet[Forum]:
    return Forum.objects.select_related("agreement", "coordinator")


def _meetings() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("forum__agreement")


def _can_change(user: Any, meeting: Meeting) -> bool:
    return restrict(Meeting.objects.all(), user, CHANGE).filter(pk=meeting.pk).exists()


def _refused(form: Any, error: ValidationError) -> None:
    """The service's refusal on the form: by field where the form has the field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@require_safe
def meeting_list(request: HttpRequest) -> HttpResponse:
    """The forums of the user's agreements, each with its latest and next meetings."""
    forums = restrict(_forums(), request.user, VIEW).order_by("agreement__title", "position")
    meetings = restrict(_meetings(), request.user, VIEW).filter(forum__in=forums)
    by_forum: dict[int, list[Meeting]] = {}
    for meeting in meetings.order_by("-held_on", "-pk"):
        by_forum.setdefault(meeting.forum_id, []).append(meeting)
    rows = [(forum, by_forum.get(forum.pk, [])[:5]) for forum in forums]
    return render(request, "meetings/meeting_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def forum_meetings(request: HttpRequest, forum_pk: int) -> HttpResponse:
    """A forum's meetings, its open actions, and (for its writers) a new meeting."""
    action = CHANGE if request.method == "POST" else VIEW
    forum = get_or_404(_forums(), request.user, action, pk=forum_pk)
    can_edit = restrict(Forum.objects.all(), request.user, CHANGE).filter(pk=forum.pk).exists()
    form = PlanMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = services.plan_meeting(forum, form.cleaned_data["held_on"], request.user)  # type: ignore[arg-type]
        messages.success(
            request, _("The meeting is planned; its agenda starts with the open actions.")
        )
        return redirect(meeting)
    return render(
        request,
        "meetings/forum.html",
        {
            "forum": forum,
            "meetings": restrict(forum.meetings.all(), request.user, VIEW).order_by("-held_on"),
            "open_actions": services.open_actions(forum),
            "form": form if can_edit else None,
        },
        status=400 if form.errors else 200,
    )


def _detail_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    can_edit = _can_change(request.user, meeting)
    return {
        "meeting": meeting,
        "forum": meeting.forum,
        **documents.content(meeting),
        "present": meeting.users_present.filter(pk=request.user.pk).exists(),
        "can_edit": can_edit,
        "agenda_form": AgendaItemForm() if can_edit else None,
        "decision_form": DecisionForm() if can_edit else None,
        "referral": AgendaKind.REFERRAL,
        "open_action": AgendaKind.OPEN_ACTION,
    }


@login_required
@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_or_404(_meetings(), request.user, VIEW, pk=pk)
    return render(request, "meetings/meeting_detail.html", _detail_context(request, meeting))


@login_required
@require_http_methods(["GET", "POST"])
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_or_404(_meetings(), request.user, CHANGE, pk=pk)
    form = MinutesForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.record_minutes(
                Meeting.objects.get(pk=meeting.pk),
                form.cleaned_data["held_on"],
                form.cleaned_data["notes"],
                list(form.cleaned_data["organizations_present"]),
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            if saved.is_held:
                messages.success(request, _("The minutes are recorded."))
            else:
                messages.success(request, _("The meeting is planned for the new date."))
            return redirect(meeting)
    return render(
        request,
        "meetings/minutes_form.html",
        {"form": form, "meeting": meeting},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def present(request: HttpRequest, pk: int) -> HttpResponse:
    """The user says they were at the meeting (or takes it back)."""
    meeting = get_or_404(_meetings(), request.user, VIEW, pk=pk)
    services.set_present(meeting, request.user, request.POST.get("present") == "1")  # type: ignore[arg-type]
    messages.success(request, _("Your presence is recorded."))
    return redirect(meeting)


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_or_404(_meetings(), request.user, CHANGE, pk=pk)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            services.add_agenda_item(meeting, form.cleaned_data["title"])
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The item is on the agenda."))
            return redirect(meeting)
    context = _detail_context(request, meeting) | {"agenda_form": form}
    return render(request, "meetings/meeting_detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_or_404(_meetings(), request.user, CHANGE, pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_decision(
                meeting, form.cleaned_data["text"], form.cleaned_data["decided_on"]
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect(meeting)
    return render(
        request,
        "meetings/item_form.html",
        {"form": form, "meeting": meeting, "heading": _("Record a decision")},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_or_404(_meetings(), request.user, CHANGE, pk=pk)
    form = ActionForm(request.POST or None, meeting=meeting, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_action(meeting, form.save(commit=False))
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The action is recorded."))
            return redirect(meeting)
    return render(
        request,
        "meetings/item_form.html",
        {"form": form, "meeting": meeting, "heading": _("Record an action")},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_done(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """An open action of the forum, followed up at this meeting: marked done with a date."""
    meeting = get_or_404(_meetings(), request.user, CHANGE, pk=pk)
    item = services.open_actions(meeting.forum).filter(pk=action_pk).first()
    if item is None:
        raise Http404
    form = DoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_done(
                item, form.cleaned_data["done_on"], meeting, form.cleaned_data["outcome"]
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The action is marked done."))
            return redirect(meeting)
    return render(
        request,
        "meetings/item_form.html",
        {
            "form": form,
            "meeting": meeting,
            "heading": _("Mark the action done"),
            "action": item,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_or_404(_meetings(), request.user, VIEW, pk=pk)
    return attachment(documents.render_pdf(meeting), PDF, documents.filename(meeting, "pdf"))


@login_required
@require_safe
def minutes_docx(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_or_404(_meetings(), request.user, VIEW, pk=pk)
    return attachment(documents.render_docx(meeting), DOCX, documents.filename(meeting, "docx"))
