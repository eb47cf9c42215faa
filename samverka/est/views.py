"""EST pages: the reporting form (offline-capable), the reporter's own reports, and the
kommun coordinator's review."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from samverka.est import services
from samverka.est.forms import (
    CorrectionFormSet,
    ObservationForm,
    ObservationFormSet,
    ReportForm,
    ReviewForm,
)
from samverka.est.models import Observation, ObservationStatus, Report
from samverka.organizations.models import SubArea
from samverka.tenancy.access import CHANGE, COORDINATE, VIEW, get_or_404, restrict

PREFIX = "obs"


def _sub_areas(agreements: QuerySet[Any]) -> QuerySet[SubArea]:
    kommuner = [k.pk for a in agreements if (k := services.kommun_of(a)) is not None]
    return SubArea.objects.filter(kommun__in=kommuner).select_related("kommun")


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "samverka-est"


def _errors(form: ReportForm, formset: Any) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, messages_ in form.errors.items():
        errors[name] = [str(m) for m in messages_]
    for index, sub in enumerate(formset.forms):
        for name, messages_ in sub.errors.items():
            label = _("Observation %(number)s") % {"number": index + 1}
            field = sub.fields[name].label if name in sub.fields else ""
            errors[f"{label}: {field}"] = [str(m) for m in messages_]
    errors.update({"": list(formset.non_form_errors())} if formset.non_form_errors() else {})
    return errors


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    agreements = services.reporting_agreements(request.user)
    sub_areas = _sub_areas(agreements)
    form_kwargs = {"sub_areas": sub_areas}
    if request.method == "POST":
        form = ReportForm(request.POST, agreements=agreements)
        formset = ObservationFormSet(request.POST, prefix=PREFIX, form_kwargs=form_kwargs)
        if "add" in request.POST:  # without JavaScript: one more observation, as typed
            fields = ObservationForm.Meta.fields
            typed = [
                {name: request.POST.get(f"{PREFIX}-{i}-{name}", "") for name in fields}
                for i in range(formset.total_form_count())
            ]
            formset = ObservationFormSet(
                initial=[*typed, {}], prefix=PREFIX, form_kwargs=form_kwargs
            )
            form = ReportForm(
                initial={
                    "agreement": request.POST.get("agreement"),
                    "key": request.POST.get("key"),
                },
                agreements=agreements,
            )
        elif form.is_valid() and formset.is_valid():
            observations = [f.save(commit=False) for f in formset.forms]
            try:
                _filed, created = services.file_report(
                    request.user,
                    form.cleaned_data["agreement"],
                    form.cleaned_data["key"],
                    observations,
                )
            except ValidationError as error:
                if _wants_json(request):
                    return JsonResponse({"errors": {"": error.messages}}, status=400)
                form.add_error(None, error)
            else:
                if _wants_json(request):
                    status = "created" if created else "duplicate"
                    return JsonResponse({"status": status}, status=201 if created else 200)
                if created:
                    messages.success(request, _("Thank you, the report was received."))
                else:
                    messages.info(request, _("The report had already been received."))
                return redirect("est:mine")
        elif _wants_json(request):
            return JsonResponse({"errors": _errors(form, formset)}, status=400)
    else:
        form = ReportForm(agreements=agreements, initial={"key": uuid.uuid4()})
        formset = ObservationFormSet(prefix=PREFIX, form_kwargs=form_kwargs)
    return render(
        request,
        "est/report.html",
        {"form": form, "formset": formset, "agreements": agreements},
    )


@require_safe
def worker(request: HttpRequest) -> HttpResponse:
    """The service worker that keeps the form loadable offline (its scope is /est/)."""
    response = render(
        request,
        "est/sw.js",
        {"form_path": reverse("est:report"), "static_url": settings.STATIC_URL},
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    reports = (
        restrict(Report.objects.filter(reported_by=request.user.pk), request.user, VIEW)
        .select_related("agreement", "organization")
        .prefetch_related("observations__sub_area")
    )
    return render(request, "est/mine.html", {"reports": reports})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    report_ = get_or_404(Report.objects.select_related("agreement"), request.user, CHANGE, pk=pk)
    pending = report_.observations.filter(status=ObservationStatus.PENDING)
    form_kwargs = {"sub_areas": SubArea.objects.filter(kommun=report_.kommun_id)}
    formset = CorrectionFormSet(
        request.POST if request.method == "POST" else None,
        queryset=pending,
        prefix=PREFIX,
        form_kwargs=form_kwargs,
    )
    if request.method == "POST" and formset.is_valid():
        try:
            services.correct(report_, request.user, formset.save(commit=False))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The report was corrected."))
            return redirect("est:mine")
    return render(
        request,
        "est/edit.html",
        {
            "report": report_,
            "formset": formset,
            "correctable": report_.correctable(),
            "reviewed": report_.observations.exclude(status=ObservationStatus.PENDING),
        },
    )


@login_required
@require_safe
def review(request: HttpRequest) -> HttpResponse:
    observations = (
        restrict(Observation.objects.all(), request.user, COORDINATE)
        .select_related("report__organization", "report__agreement", "sub_area")
        .order_by("status", "-starts_at")
    )
    pending = [o for o in observations if o.status == ObservationStatus.PENDING]
    done = [o for o in observations if o.status != ObservationStatus.PENDING][:50]
    return render(request, "est/review.html", {"pending": pending, "done": done})


@login_required
@require_http_methods(["GET", "POST"])
def observation(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_or_404(
        Observation.objects.select_related("report__organization", "sub_area", "event__dataset"),
        request.user,
        COORDINATE,
        pk=pk,
    )
    candidates = (
        restrict(Observation.objects.all(), request.user, COORDINATE)
        .filter(report__kommun=item.report.kommun_id)
        .filter(status__in=(ObservationStatus.PENDING, ObservationStatus.ACCEPTED))
        .exclude(pk=item.pk)
        .order_by("-starts_at")
    )
    form = ReviewForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        try:
            if action == ReviewForm.ACCEPT:
                services.accept(item, request.user)
                messages.success(request, _("The observation was accepted as an event."))
            elif action == ReviewForm.MERGE:
                services.merge(item, form.cleaned_data["into"], request.user)
                messages.success(request, _("The observation was merged as a duplicate."))
            else:
                services.reject(item, request.user, form.cleaned_data["reason"])
                messages.success(request, _("The observation was rejected."))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        except PermissionDenied:
            raise
        else:
            return redirect("est:review")
    return render(request, "est/observation.html", {"item": item, "form": form})
