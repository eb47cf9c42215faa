"""The communication plan's pages: the plans of the user's agreements, one agreement's
plan for a year, an activity added or changed, approved, marked sent or removed, and the
draft press release on an adopted medborgarlöfte (DOCX)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samverka.agreements.models import Agreement
from samverka.communication import documents, services
from samverka.communication.forms import ActivityForm, SentForm
from samverka.communication.models import Activity, CommunicationPlan
from samverka.lib.downloads import DOCX, attachment
from samverka.plans.models import Measure
from samverka.promises.models import PUBLIC_STATES, CitizenPromise, PromiseStatus
from samverka.situation.models import Problem, SituationPicture
from samverka.tenancy.access import (
    CHANGE,
    COORDINATE,
    VIEW,
    agreements_of,
    get_or_404,
    restrict,
    writing_party,
)

MIN_YEAR, MAX_YEAR = 2000, 2100


def _party_agreement(request: HttpRequest, pk: int) -> Agreement:
    """The agreement, if the user's organization is one of its parties (a communication
    plan is the parties' own, even of a published agreement); 404 otherwise."""
    agreement = Agreement.objects.filter(pk=pk, pk__in=agreements_of(request.user)).first()
    if agreement is None:
        raise Http404
    return agreement


def _year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    return year


def _activities() -> QuerySet[Activity]:
    return Activity.objects.select_related(
        "plan__agreement", "party", "promise", "problem", "measure"
    ).prefetch_related("approvals__party", "parties")


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    agreements = Agreement.objects.filter(pk__in=agreements_of(request.user)).order_by("title")
    years: dict[int, list[int]] = {}
    for plan in restrict(CommunicationPlan.objects.all(), request.user, VIEW):
        years.setdefault(plan.agreement_id, []).append(plan.year)
    this_year = timezone.localdate().year
    rows = [
        {"agreement": a, "years": sorted(years.get(a.pk, []), reverse=True)} for a in agreements
    ]
    return render(request, "communication/index.html", {"rows": rows, "this_year": this_year})


@login_required
@require_safe
def plan(request: HttpRequest, agreement_pk: int, year: int) -> HttpResponse:
    agreement = _party_agreement(request, agreement_pk)
    year = _year(year)
    user = request.user
    activities = list(
        restrict(_activities(), user, VIEW).filter(plan__agreement=agreement, plan__year=year)
    )
    own = set(
        restrict(Activity.objects.all(), user, CHANGE)
        .filter(plan__agreement=agreement, plan__year=year)
        .values_list("pk", flat=True)
    )
    # A linked promise, problem or measure is shown only to who may read it.
    promise_ids = set(
        restrict(CitizenPromise.objects.all(), user, VIEW)
        .filter(pk__in=[a.promise_id for a in activities if a.promise_id])
        .values_list("pk", flat=True)
    )
    measure_ids = set(
        restrict(Measure.objects.all(), user, VIEW)
        .filter(pk__in=[a.measure_id for a in activities if a.measure_id])
        .values_list("pk", flat=True)
    )
    problem_ids = set(
        Problem.objects.filter(
            pk__in=[a.problem_id for a in activities if a.problem_id],
            picture__in=restrict(SituationPicture.objects.all(), user, VIEW).values("pk"),
        ).values_list("pk", flat=True)
    )
    rows = []
    for activity in activities:
        missing = services.missing_approvals(activity)
        rows.append(
            {
                "activity": activity,
                "promise": activity.promise if activity.promise_id in promise_ids else None,
                "measure": activity.measure if activity.measure_id in measure_ids else None,
                "problem": activity.problem if activity.problem_id in problem_ids else None,
                "editable": activity.pk in own and not activity.is_sent,
                "missing": missing,
                "can_approve": services.approving_party(activity, user) is not None,  # type: ignore[arg-type]
                "can_send": activity.pk in own and not activity.is_sent and not missing,
            }
        )
    promises = restrict(CitizenPromise.objects.all(), user, VIEW).filter(
        agreement=agreement, status__in=(PromiseStatus.ADOPTED, *PUBLIC_STATES)
    )
    return render(
        request,
        "communication/plan.html",
        {
            "agreement": agreement,
            "year": year,
            "rows": rows,
            "can_add": writing_party(user, agreement.pk) is not None,
            "promises": promises,
            "today": timezone.localdate(),
        },
    )


def _edit(
    request: HttpRequest, agreement: Agreement, year: int, instance: Activity
) -> HttpResponse:
    form = ActivityForm(
        request.POST or None,
        instance=instance,
        agreement_id=agreement.pk,
        year=year,
        user=request.user,
    )
    back = reverse_plan(agreement.pk, year)
    if request.method == "POST" and form.is_valid():
        if instance.pk and not form.has_changed():  # nothing to approve again
            return redirect(instance.get_absolute_url())
        try:
            if instance.pk:
                activity = services.save_activity(form.save(commit=False), request.user)  # type: ignore[arg-type]
            else:
                activity = services.add_activity(
                    agreement,
                    year,
                    form.save(commit=False),
                    request.user,  # type: ignore[arg-type]
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The activity is saved."))
            return redirect(activity.get_absolute_url())
    return render(
        request,
        "communication/activity_form.html",
        {
            "form": form,
            "agreement": agreement,
            "year": year,
            "instance": instance if instance.pk else None,
            "back": back,
        },
    )


def reverse_plan(agreement_pk: int, year: int) -> str:
    from django.urls import reverse

    return reverse("communication:plan", args=[agreement_pk, year])


@login_required
@require_http_methods(["GET", "POST"])
def activity_add(request: HttpRequest, agreement_pk: int, year: int) -> HttpResponse:
    agreement = _party_agreement(request, agreement_pk)
    year = _year(year)
    if writing_party(request.user, agreement.pk) is None:
        raise PermissionDenied
    return _edit(request, agreement, year, Activity())


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_or_404(_activities(), request.user, CHANGE, pk=pk)
    if activity.is_sent:
        messages.error(request, _("A sent activity is not changed: add a new one instead."))
        return redirect(activity.get_absolute_url())
    return _edit(request, activity.plan.agreement, activity.plan.year, activity)


@login_required
@require_POST
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_or_404(_activities(), request.user, CHANGE, pk=pk)
    back = activity.plan.get_absolute_url()
    try:
        services.remove_activity(activity)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The activity is removed."))
    return redirect(back)


@login_required
@require_POST
def activity_approve(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_or_404(_activities(), request.user, COORDINATE, pk=pk)
    try:
        services.approve(activity, request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Your party's approval is recorded."))
    return redirect(activity.get_absolute_url())


@login_required
@require_POST
def activity_sent(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_or_404(_activities(), request.user, CHANGE, pk=pk)
    form = SentForm(request.POST)
    on = form.cleaned_data["sent_on"] if form.is_valid() else None
    try:
        services.mark_sent(activity, on)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The activity is marked sent."))
    return redirect(activity.get_absolute_url())


@login_required
@require_safe
def press_release(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft press release on an adopted promise, for the parties' communicators."""
    promise = get_or_404(
        CitizenPromise.objects.select_related("kommun", "police"), request.user, VIEW, pk=pk
    )
    if promise.agreement_id is None:
        raise Http404
    _party_agreement(request, promise.agreement_id)
    if promise.status not in (PromiseStatus.ADOPTED, *PUBLIC_STATES):
        raise Http404
    return attachment(documents.press_release_docx(promise), DOCX, documents.filename(promise))
