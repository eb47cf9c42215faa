"""The lägesbild workspace: start, sources, overview with filters, qualitative inputs,
problems with pinned evidence, adoption, versions, documents and the public summary."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samverka.agreements.models import Agreement
from samverka.lib.downloads import DOCX, PDF, attachment
from samverka.situation import documents, overview, services
from samverka.situation.forms import (
    AdoptForm,
    FilterForm,
    InputForm,
    PictureForm,
    PinForm,
    ProblemForm,
    PublishForm,
    SummaryForm,
)
from samverka.situation.models import (
    FigureKind,
    InputKind,
    PublishedSummary,
    QualitativeInput,
    SituationPicture,
)
from samverka.sources import dataversion
from samverka.tenancy.access import CHANGE, COORDINATE, VIEW, Visibility, get_or_404


def _pictures() -> QuerySet[SituationPicture]:
    return SituationPicture.objects.select_related(
        "kommun", "kommun__county", "agreement", "owner"
    ).defer("kommun__geometry", "kommun__county__geometry", "owner__geometry")


def _draft(request: HttpRequest, picture: SituationPicture) -> SituationPicture:
    """The picture, while it is a draft; an adopted one can no longer change."""
    if picture.is_adopted:
        messages.error(
            request,
            _("This situation picture is adopted and can no longer change; start a new version."),
        )
        raise _Redirect(picture.get_absolute_url())
    return picture


class _Redirect(Exception):  # control flow, not an error
    def __init__(self, url: str) -> None:
        self.url = url


def _redirecting(view: Any) -> Any:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response: HttpResponse = view(request, *args, **kwargs)
        except _Redirect as target:
            return redirect(target.url)
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@login_required
def picture_list(request: HttpRequest) -> HttpResponse:
    pictures = (
        SituationPicture.objects.visible_to(request.user)
        .select_related("kommun", "agreement")
        .order_by("agreement__title", "-period_start", "-version")
    )
    can_start = Agreement.objects.editable_by(request.user).exists()
    return render(
        request, "situation/picture_list.html", {"pictures": pictures, "can_start": can_start}
    )


@login_required
@require_http_methods(["GET", "POST"])
def picture_create(request: HttpRequest) -> HttpResponse:
    form = PictureForm(request.POST or None, user=request.user)
    if not form.fields["agreement"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        picture = services.start_picture(
            data["agreement"],
            data["kommun"],
            data["owner"],
            data["period_start"],
            data["period_end"],
            data["title"],
            request.user,  # type: ignore[arg-type]
        )
        messages.success(request, _("The situation picture is started."))
        return redirect(picture)
    return render(request, "situation/picture_form.html", {"form": form})


def _filters(
    request: HttpRequest, picture: SituationPicture
) -> tuple[FilterForm, overview.Filters]:
    default = overview.Filters(picture.period_start, picture.period_end)
    data = request.GET if "start" in request.GET else None
    form = FilterForm(
        data,
        kommun=picture.kommun,
        initial={"start": picture.period_start, "end": picture.period_end},
    )
    if data is not None and form.is_valid():
        cleaned = form.cleaned_data
        return form, overview.Filters(
            cleaned["start"], cleaned["end"], cleaned["category"] or "", cleaned["sub_area"]
        )
    return form, default


def _filter_fields(form: FilterForm, picture: SituationPicture) -> SafeString:
    """The overview filter's fields as HTML. Unfilled (the picture's period), they are the
    same for every reader of the pictures of a kommun and period, and rendering the
    category choices is dear: cached until the taxonomy or the areas change (the version
    of the data is in the key, as in the choices' own)."""
    if form.is_bound:
        return mark_safe(render_to_string("situation/filter_fields.html", {"filter_form": form}))  # noqa: S308
    key = ":".join(
        [
            "overview-filter-html",
            str(dataversion.current()),
            get_language() or "",
            str(picture.kommun_id),
            picture.period_start.isoformat(),
            picture.period_end.isoformat(),
        ]
    )
    html: str | None = cache.get(key)
    if html is None:
        html = render_to_string("situation/filter_fields.html", {"filter_form": form})
        cache.set(key, html, 60 * 60)
    return mark_safe(html)  # noqa: S308 - a rendered template


def _context(request: HttpRequest, picture: SituationPicture) -> dict[str, Any]:
    filter_form, filters = _filters(request, picture)
    default = overview.Filters(picture.period_start, picture.period_end)
    # The figures are read only when their rendered HTML is not cached (figures_block).
    key = services.figures_key(picture, filters)
    figures = SimpleLazyObject(lambda: services.figures(picture, filters, key))
    can_edit = SituationPicture.objects.editable_by(request.user).filter(pk=picture.pk).exists()
    return {
        "picture": picture,
        "filter_errors": [str(e) for errors in filter_form.errors.values() for e in errors]
        if filter_form.is_bound
        else [],
        "filter_form": filter_form,
        "filter_fields": _filter_fields(filter_form, picture),
        "filters": filters,
        "figures": figures,
        "figures_key": key,
        "is_default_view": filters == default,
        "can_edit": can_edit and not picture.is_adopted,
        "problems": list(picture.problems.prefetch_related("priority_areas", "evidence")),
        "pin_figures": FigureKind,
    }


@login_required
def picture_detail(request: HttpRequest, pk: int) -> HttpResponse:
    picture = get_or_404(_pictures(), request.user, VIEW, pk=pk)
    context = _context(request, picture)
    if request.GET.get("partial") == "overview":
        return render(request, "situation/overview.html", context)
    can_coordinate = SituationPicture.objects.coordinated_by(request.user).filter(pk=pk).exists()
    all_choices = services.source_choices(picture)
    choices = {c.dataset_id: c for c in all_choices if c.dataset_id}
    eligible = services.eligible_list(picture)
    frozen = services.source_list(picture, request.user) if picture.is_adopted else None
    named = [d.pk for d in eligible]
    named += [source["dataset_id"] for source in frozen or [] if source.get("dataset_id")]
    strips = services.coverage_strips(picture, named)
    context.update(
        summary_form=SummaryForm(initial={"summary": picture.summary}),
        eligible=[(d, choices.get(d.pk), strips.get(d.pk)) for d in eligible],
        frozen_sources=[
            {**source, "strip": strips.get(source.get("dataset_id") or 0)} for source in frozen
        ]
        if frozen is not None
        else None,
        other_sources=[c for c in all_choices if c.dataset_id is None],
        inputs=picture.inputs.visible_to(request.user)
        .select_related("owner")
        .defer("owner__geometry"),
        can_coordinate=can_coordinate,
        adopt_form=AdoptForm(agreement_id=picture.agreement_id, user=request.user),
        versions=services.versions_of(picture)
        .visible_to(request.user)
        .exclude(pk=picture.pk)
        .defer("snapshot", "summary")  # only named and linked
        .order_by("-version"),
        # Only an adopted picture is published.
        published=PublishedSummary.objects.filter(picture=picture).first()
        if picture.is_adopted
        else None,
        input_kinds=InputKind,
    )
    return render(request, "situation/picture_detail.html", context)


@login_required
@require_POST
@_redirecting
def summary_edit(request: HttpRequest, pk: int) -> HttpResponse:
    picture = _draft(request, get_or_404(_pictures(), request.user, CHANGE, pk=pk))
    form = SummaryForm(request.POST)
    if form.is_valid():
        picture.summary = form.cleaned_data["summary"]
        picture.save(update_fields=["summary", "updated_at"])
        messages.success(request, _("The summary is saved."))
    else:
        for error in form.errors.get("summary", []):
            messages.error(request, str(error))
    return redirect(picture.get_absolute_url() + "#summary")


@login_required
@require_POST
@_redirecting
def sources_edit(request: HttpRequest, pk: int) -> HttpResponse:
    picture = _draft(request, get_or_404(_pictures(), request.user, CHANGE, pk=pk))
    choices: dict[int, tuple[bool, str]] = {}
    eligible = services.eligible_datasets(picture)
    # Another organization's dataset nobody chose: not a source, nothing to explain.
    optional = set(
        eligible.exclude(services.taken_by_default(picture))
        .exclude(pk__in=picture.source_choices.values("dataset_id"))
        .values_list("pk", flat=True)
    )
    for dataset in eligible:
        used = request.POST.get(f"use-{dataset.pk}") == "on"
        reason = request.POST.get(f"reason-{dataset.pk}", "")
        if dataset.pk in optional and not used and not reason.strip():
            continue
        choices[dataset.pk] = (used, reason)
    other = request.POST.get("other_name", "").strip()
    try:
        with transaction.atomic():
            services.set_sources(picture, choices)
            if other:
                services.add_other_source(picture, other, request.POST.get("other_reason", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The sources are saved."))
    return redirect(picture.get_absolute_url() + "#sources")


@login_required
@require_POST
@_redirecting
def other_source_delete(request: HttpRequest, pk: int, choice_pk: int) -> HttpResponse:
    """Remove a source outside samverka from the list of those left out."""
    picture = _draft(request, get_or_404(_pictures(), request.user, CHANGE, pk=pk))
    get_object_or_404(picture.source_choices, pk=choice_pk, dataset__isnull=True).delete()
    messages.success(request, _("The source is removed from the list."))
    return redirect(picture.get_absolute_url() + "#sources")


@login_required
@require_http_methods(["GET", "POST"])
@_redirecting
def input_edit(request: HttpRequest, pk: int, input_pk: int | None = None) -> HttpResponse:
    picture = _draft(request, get_or_404(_pictures(), request.user, CHANGE, pk=pk))
    instance = None
    if input_pk is not None:
        instance = get_or_404(
            QualitativeInput.objects.filter(picture=picture), request.user, CHANGE, pk=input_pk
        )
    kind = request.GET.get("kind", InputKind.EMPLOYEE_DIALOGUE)
    if instance is None:
        try:
            owner = services.drafting_party(picture, request.user)  # type: ignore[arg-type]
        except ValidationError:
            raise PermissionDenied from None
        instance = QualitativeInput(picture=picture, agreement=picture.agreement, owner=owner)
        initial = {"kind": kind if kind in InputKind.values else InputKind.EMPLOYEE_DIALOGUE}
    else:
        initial = None
    form = InputForm(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The section is saved."))
        return redirect(picture.get_absolute_url() + "#inputs")
    return render(
        request,
        "situation/input_form.html",
        {"form": form, "picture": picture, "instance": instance if instance.pk else None},
    )


@login_required
@require_http_methods(["GET", "POST"])
@_redirecting
def problem_edit(request: HttpRequest, pk: int, problem_pk: int | None = None) -> HttpResponse:
    picture = _draft(request, get_or_404(_pictures(), request.user, CHANGE, pk=pk))
    instance = get_object_or_404(picture.problems, pk=problem_pk) if problem_pk else None
    form = ProblemForm(
        request.POST or None,
        instance=instance,
        agreement=picture.agreement,  # type: ignore[arg-type]  # a picture always has one
    )
    if request.method == "POST" and form.is_valid():
        problem = services.save_problem(picture, form)
        messages.success(request, _("The problem is saved."))
        return redirect(picture.get_absolute_url() + f"#problem-{problem.pk}")
    return render(
        request,
        "situation/problem_form.html",
        {"form": form, "picture": picture, "instance": instance},
    )


@login_required
@require_POST
@_redirecting
def problem_delete(request: HttpRequest, pk: int, problem_pk: int) -> HttpResponse:
    picture = _draft(request, get_or_404(_pictures(), request.user, CHANGE, pk=pk))
    problem = get_object_or_404(picture.problems, pk=problem_pk)
    problem.delete()
    messages.success(request, _("The problem is removed."))
    return redirect(picture.get_absolute_url() + "#problems")


@login_required
@require_POST
@_redirecting
def evidence_delete(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    picture = _draft(request, get_or_404(_pictures(), request.user, CHANGE, pk=pk))
    from samverka.situation.models import Evidence

    evidence = get_object_or_404(Evidence, pk=evidence_pk, problem__picture=picture)
    evidence.delete()
    messages.success(request, _("The evidence is removed."))
    return redirect(picture.get_absolute_url() + "#problems")


@login_required
@require_POST
@_redirecting
def pin(request: HttpRequest, pk: int) -> HttpResponse:
    picture = _draft(request, get_or_404(_pictures(), request.user, CHANGE, pk=pk))
    form = PinForm(request.POST, picture=picture)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(picture.get_absolute_url() + "#overview")
    data = form.cleaned_data
    filters = overview.Filters(data["start"], data["end"], data["category"], data["sub_area"])
    if data["problem"] is None:
        evidence = services.pin_to_new_problem(
            picture,
            data["new_problem"],
            data["figure"],
            filters,
            request.user,  # type: ignore[arg-type]
        )
    else:
        evidence = services.pin(
            picture,
            data["problem"],
            data["figure"],
            filters,
            request.user,  # type: ignore[arg-type]
        )
    problem = evidence.problem
    messages.success(
        request,
        _("%(figure)s is pinned as evidence for “%(problem)s”.")
        % {"figure": FigureKind(data["figure"]).label, "problem": problem.title},
    )
    return redirect(picture.get_absolute_url() + f"#problem-{problem.pk}")


@login_required
@require_POST
def adopt(request: HttpRequest, pk: int) -> HttpResponse:
    picture = get_or_404(_pictures(), request.user, COORDINATE, pk=pk)
    form = AdoptForm(request.POST, agreement_id=picture.agreement_id, user=request.user)
    if form.is_valid():
        try:
            services.adopt(
                picture,
                form.cleaned_data["adopted_on"],
                form.cleaned_data["decision_reference"],
                request.user,  # type: ignore[arg-type]
                decision=form.cleaned_data.get("decision"),
            )
        except ValidationError as refusal:
            for message in refusal.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("The situation picture is adopted; its figures are frozen.")
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(picture)


@login_required
@require_POST
def new_version(request: HttpRequest, pk: int) -> HttpResponse:
    picture = get_or_404(_pictures(), request.user, VIEW, pk=pk)
    if not SituationPicture.objects.editable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    draft = services.new_version(picture, request.user)  # type: ignore[arg-type]
    messages.success(request, _("A new version is started from this one."))
    return redirect(draft)


@login_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    picture = get_or_404(_pictures(), request.user, VIEW, pk=pk)
    other_pk = request.GET.get("med") or (picture.previous_id and str(picture.previous_id))
    if not other_pk or not str(other_pk).isdigit():
        raise Http404
    other = get_or_404(_pictures(), request.user, VIEW, pk=int(other_pk))
    if not services.versions_of(picture).filter(pk=other.pk).exists():
        raise Http404
    older, newer = sorted((picture, other), key=lambda p: (p.version, p.pk))
    return render(
        request,
        "situation/compare.html",
        {"older": older, "newer": newer, "changes": services.compare(older, newer, request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    picture = get_or_404(_pictures(), request.user, COORDINATE, pk=pk)
    if not picture.is_adopted:
        messages.error(request, _("Only an adopted situation picture can be published."))
        return redirect(picture)
    existing = PublishedSummary.objects.filter(picture=picture).first()
    form = PublishForm(
        request.POST or None, initial={"text": existing.text if existing else picture.summary}
    )
    if request.method == "POST" and form.is_valid():
        summary = services.publish_summary(picture, form.cleaned_data["text"], request.user)  # type: ignore[arg-type]
        messages.success(request, _("The public summary is published."))
        return redirect(summary)
    return render(request, "situation/publish_form.html", {"form": form, "picture": picture})


def public_list(request: HttpRequest) -> HttpResponse:
    """Every published summary anyone may read."""
    summaries = (
        PublishedSummary.objects.visible_to(request.user)
        .filter(visibility=Visibility.PUBLIC, published_at__isnull=False)
        .select_related("picture", "picture__kommun")
        .order_by("picture__kommun__name", "-picture__period_start")
    )
    return render(request, "situation/public_list.html", {"summaries": summaries})


def public_summary(request: HttpRequest, pk: int) -> HttpResponse:
    summary = get_or_404(
        PublishedSummary.objects.select_related("picture", "picture__kommun").defer(
            "figures", "picture__snapshot", "picture__kommun__geometry"
        ),
        request.user,
        VIEW,
        pk=pk,
        visibility=Visibility.PUBLIC,
    )
    # The figures' HTML is cached (figures_block) under what identifies them: every
    # publishing replaces them and sets a new publishing time.
    published = summary.published_at.isoformat() if summary.published_at else ""
    key = f"published:{summary.pk}:{published}"
    return render(
        request,
        "situation/public_summary.html",
        {
            "summary": summary,
            "figures": SimpleLazyObject(lambda: summary.figures),
            "figures_key": key,
        },
    )


@login_required
@require_safe
def picture_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    picture = get_or_404(_pictures(), request.user, VIEW, pk=pk)
    content = documents.render_pdf(picture, request.user)
    return attachment(content, PDF, documents.filename(picture, "pdf"))


@login_required
@require_safe
def picture_docx(request: HttpRequest, pk: int) -> HttpResponse:
    picture = get_or_404(_pictures(), request.user, VIEW, pk=pk)
    content = documents.render_docx(picture, request.user)
    return attachment(content, DOCX, documents.filename(picture, "docx"))
