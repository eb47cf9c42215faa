"""The medborgarlöfte's pages: the list, the draft and its commitments, the approvals,
the adoption, publishing, the follow-up, the public page and the documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samverka.lib.downloads import DOCX, PDF, attachment
from samverka.plans import documents as plan_documents
from samverka.plans.models import ActionPlan, Goal, Measure, MeasureStatus
from samverka.promises import documents, followup, parsing, services
from samverka.promises.forms import (
    AdoptForm,
    CommitmentForm,
    FollowUpDateForm,
    ImportTextForm,
    JudgementForm,
    PromiseForm,
    PromiseStartForm,
    ReviewFormSet,
)
from samverka.promises.models import (
    PUBLIC_STATES,
    CitizenPromise,
    Commitment,
    Judgement,
    PromiseStatus,
)
from samverka.situation.models import PictureStatus, SituationPicture
from samverka.tenancy.access import CHANGE, COORDINATE, VIEW, get_or_404, restrict, writing_party


def _promises() -> QuerySet[CitizenPromise]:
    return CitizenPromise.objects.select_related("kommun", "police", "situation_picture")


def _commitments(promise: CitizenPromise) -> QuerySet[Commitment]:
    return promise.commitments.select_related(
        "other_party", "priority_area", "problem"
    ).prefetch_related("measures__plan", "goals__plan", "parties")


def _can(user: Any, action: Any, promise: CitizenPromise) -> bool:
    return restrict(CitizenPromise.objects.all(), user, action).filter(pk=promise.pk).exists()


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def promise_list(request: HttpRequest) -> HttpResponse:
    promises = list(restrict(_promises(), request.user, VIEW))
    groups: dict[tuple[int, int], dict[str, Any]] = {}
    for promise in promises:
        key = (promise.kommun_id, promise.police_id)
        groups.setdefault(
            key, {"kommun": promise.kommun, "police": promise.police, "promises": []}
        )["promises"].append(promise)
    can_start = (
        SituationPicture.objects.editable_by(request.user)
        .filter(status=PictureStatus.ADOPTED)
        .exists()
    )
    return render(
        request,
        "promises/promise_list.html",
        {"groups": list(groups.values()), "can_start": can_start},
    )


@login_required
@require_http_methods(["GET", "POST"])
def promise_create(request: HttpRequest) -> HttpResponse:
    form = PromiseStartForm(request.POST or None, user=request.user)
    if not form.fields["situation_picture"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            promise = services.start_promise(
                data["situation_picture"],
                data["title"],
                data["period_start"],
                data["period_end"],
                request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The citizen promise is started."))
            return redirect(promise)
    return render(request, "promises/promise_form.html", {"form": form, "promise": None})


@login_required
def promise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    promise = get_or_404(_promises(), request.user, VIEW, pk=pk)
    commitments = list(_commitments(promise))
    own = set(
        restrict(Commitment.objects.all(), request.user, CHANGE)
        .filter(promise=promise)
        .values_list("pk", flat=True)
    )
    linked = Measure.objects.filter(commitments__promise=promise)
    readable_measures = set(restrict(linked, request.user, VIEW).values_list("pk", flat=True))
    readable_goals = set(
        Goal.objects.filter(
            commitments__promise=promise,
            plan__in=restrict(ActionPlan.objects.all(), request.user, VIEW).values("pk"),
        ).values_list("pk", flat=True)
    )
    rows = [
        {
            "commitment": c,
            "editable": promise.is_open and c.pk in own,
            "measures": [m for m in c.measures.all() if m.pk in readable_measures],
            "goals": [g for g in c.goals.all() if g.pk in readable_goals],
        }
        for c in commitments
    ]
    user = request.user
    return render(
        request,
        "promises/promise_detail.html",
        {
            "promise": promise,
            "rows": rows,
            "problems": promise.problems.all(),
            "approvals": promise.approvals.select_related("party", "approved_by"),
            "missing": services.missing_approvals(promise),
            "can_edit": promise.is_open and _can(user, CHANGE, promise),
            "can_add": promise.is_open and writing_party(user, promise.agreement_id) is not None,
            "can_coordinate": _can(user, COORDINATE, promise),
            "can_approve": promise.is_open and services.approving_party(promise, user) is not None,  # type: ignore[arg-type]
            "adopt_form": AdoptForm(
                initial={"adopted_on": timezone.localdate()},
                agreement_id=promise.agreement_id,
                user=request.user,
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def promise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    promise = get_or_404(_promises(), request.user, CHANGE, pk=pk)
    if not promise.is_open:
        messages.error(request, _("An adopted promise is not changed."))
        return redirect(promise)
    form = PromiseForm(request.POST or None, instance=promise)
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():  # nothing to approve again
            return redirect(promise)
        try:
            services.save_promise(form.save(commit=False), form.cleaned_data["problems"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The promise is saved."))
            return redirect(promise)
    return render(request, "promises/promise_form.html", {"form": form, "promise": promise})


@login_required
@require_http_methods(["GET", "POST"])
def commitment_edit(
    request: HttpRequest, pk: int, commitment_pk: int | None = None
) -> HttpResponse:
    promise = get_or_404(_promises(), request.user, VIEW, pk=pk)
    if commitment_pk:
        instance = get_or_404(promise.commitments.all(), request.user, CHANGE, pk=commitment_pk)
    else:
        if writing_party(request.user, promise.agreement_id) is None:
            raise PermissionDenied
        instance = Commitment(promise=promise)
    if not promise.is_open:
        messages.error(request, _("An adopted promise is not changed."))
        return redirect(promise)
    form = CommitmentForm(
        request.POST or None, instance=instance, promise=promise, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        if instance.pk and not form.has_changed():  # nothing to approve again
            return redirect(promise.get_absolute_url() + f"#commitment-{instance.pk}")
        try:
            commitment = services.save_commitment(
                form.save(commit=False),
                request.user,  # type: ignore[arg-type]
                form.cleaned_data["measures"],
                form.cleaned_data["goals"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The commitment is saved."))
            return redirect(promise.get_absolute_url() + f"#commitment-{commitment.pk}")
    return render(
        request,
        "promises/commitment_form.html",
        {"form": form, "promise": promise, "instance": instance if instance.pk else None},
    )


@login_required
@require_POST
def commitment_delete(request: HttpRequest, pk: int, commitment_pk: int) -> HttpResponse:
    promise = get_or_404(_promises(), request.user, VIEW, pk=pk)
    commitment = get_or_404(promise.commitments.all(), request.user, CHANGE, pk=commitment_pk)
    try:
        services.remove_commitment(commitment)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The commitment is removed."))
    return redirect(promise)


@login_required
@require_POST
def promise_approve(request: HttpRequest, pk: int) -> HttpResponse:
    promise = get_or_404(_promises(), request.user, COORDINATE, pk=pk)
    try:
        services.approve(promise, request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Your party's approval is recorded."))
    return redirect(promise)


@login_required
@require_http_methods(["GET", "POST"])
def promise_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    promise = get_or_404(_promises(), request.user, COORDINATE, pk=pk)
    form = AdoptForm(
        request.POST or None,
        initial={"adopted_on": timezone.localdate()},
        agreement_id=promise.agreement_id,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.adopt(
                promise,
                form.cleaned_data["adopted_on"],
                form.cleaned_data["decision_reference"],
                request.user,  # type: ignore[arg-type]
                decision=form.cleaned_data.get("decision"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The promise is adopted; the årshjul's duty for the medborgarlöfte is done."),
            )
            return redirect(promise)
    return render(
        request,
        "promises/adopt.html",
        {"form": form, "promise": promise, "missing": services.missing_approvals(promise)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def promise_publish(request: HttpRequest, pk: int) -> HttpResponse:
    promise = get_or_404(_promises(), request.user, COORDINATE, pk=pk)
    try:
        services.publish(promise)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The promise is published: anyone can read it now."))
    return redirect(promise)


@login_required
@require_POST
def promise_close(request: HttpRequest, pk: int) -> HttpResponse:
    promise = get_or_404(_promises(), request.user, COORDINATE, pk=pk)
    try:
        services.close(promise)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The promise is closed."))
    return redirect(promise)


def _as_of(request: HttpRequest, promise: CitizenPromise) -> dt.date:
    form = FollowUpDateForm(request.GET)
    if form.is_valid():
        as_of: dt.date = form.cleaned_data["as_of"]
        return as_of
    return promise.followed_up_on or min(timezone.localdate(), promise.period_end)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """Each commitment's judgement from its measures and goals, with a public explanation."""
    promise = get_or_404(_promises(), request.user, CHANGE, pk=pk)
    as_of = _as_of(request, promise)
    commitments = list(_commitments(promise))
    found = followup.bases(commitments, as_of)
    rows: list[dict[str, Any]] = []
    for commitment in commitments:
        suggested = followup.judge(found[commitment.pk])
        form = JudgementForm(
            request.POST or None,
            prefix=f"c{commitment.pk}",
            initial={
                "judgement": ""
                if commitment.judgement == commitment.suggested
                else commitment.judgement,
                "explanation": commitment.explanation,
            },
        )
        basis = found[commitment.pk]
        rows.append(
            {
                "commitment": commitment,
                "basis": basis,
                "measures": [
                    {**m, "status_label": MeasureStatus(m["status"]).label} for m in basis.measures
                ],
                "goals": [
                    {**g, "verdict_label": plan_documents.VERDICTS.get(g["verdict"], "")}
                    for g in basis.goals
                ],
                "suggested_label": Judgement(suggested).label,
                "suggested": suggested,
                "form": form,
            }
        )
    open_to_follow_up = promise.status in (PromiseStatus.PUBLISHED, PromiseStatus.FOLLOWED_UP)
    if request.method == "POST":
        if not open_to_follow_up:
            messages.error(request, _("Only a published promise is followed up."))
            return redirect(promise)
        if all(row["form"].is_valid() for row in rows):
            judgements = {row["commitment"].pk: row["form"].cleaned_data for row in rows}
            try:
                services.record_follow_up(promise, as_of, judgements)
            except ValidationError as error:
                _refused(request, error)
            else:
                messages.success(request, _("The follow-up is saved and shown on the public page."))
                return redirect("promises:follow_up", pk=promise.pk)
    return render(
        request,
        "promises/follow_up.html",
        {
            "promise": promise,
            "rows": rows,
            "as_of": as_of,
            "can_save": open_to_follow_up,
        },
        status=400 if request.method == "POST" else 200,
    )


def _public(pk: int) -> CitizenPromise:
    """A promise as anyone reads it: published, through the same policy as for a visitor."""
    found = (
        restrict(_promises(), AnonymousUser(), VIEW).filter(status__in=PUBLIC_STATES, pk=pk).first()
    )
    if found is None:
        raise Http404
    return found


@require_safe
def public(request: HttpRequest, pk: int) -> HttpResponse:
    promise = _public(pk)
    return render(
        request,
        "promises/public.html",
        {
            "promise": promise,
            "commitments": list(_commitments(promise)),
            "problems": promise.problems.all(),
        },
    )


def _document_promise(request: HttpRequest, pk: int) -> CitizenPromise:
    return get_or_404(_promises(), request.user, VIEW, pk=pk)


@require_safe
def promise_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    promise = _document_promise(request, pk)
    return attachment(documents.render_pdf(promise), PDF, documents.filename(promise, "pdf"))


@require_safe
def promise_docx(request: HttpRequest, pk: int) -> HttpResponse:
    promise = _document_promise(request, pk)
    return attachment(documents.render_docx(promise), DOCX, documents.filename(promise, "docx"))


@login_required
@require_http_methods(["GET", "POST"])
def promise_import(request: HttpRequest, pk: int) -> HttpResponse:
    """An existing promise text (pasted, or a text, Word or PDF file): the commitments
    found with their giver, then a review in which each is taken or left, its giver and
    words corrected."""
    promise = get_or_404(_promises(), request.user, CHANGE, pk=pk)
    if not promise.is_open:
        messages.error(request, _("An adopted promise is not changed."))
        return redirect(promise)
    context: dict[str, Any] = {"promise": promise}
    if request.method == "POST" and request.POST.get("step") == "save":
        formset = ReviewFormSet(request.POST, prefix="row")
        if formset.is_valid():
            rows = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("include")]
            try:
                created = services.import_commitments(promise, rows)
            except ValidationError as error:
                _refused(request, error)
            else:
                messages.success(
                    request,
                    _("%(count)s commitments are added; both parties approve them again.")
                    % {"count": len(created)},
                )
                return redirect(promise)
        return render(request, "promises/import.html", context | {"formset": formset}, status=400)
    form = ImportTextForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        found = parsing.find_commitments(form.cleaned_data["text"])
        if found:
            formset = ReviewFormSet(
                prefix="row",
                initial=[{"giver": c.giver, "text": c.text, "line": c.line} for c in found],
            )
            return render(request, "promises/import.html", context | {"formset": formset})
        form.add_error(
            "text",
            _(
                "No commitment was found: a commitment names who promises and how, e.g. "
                "“Polisen lovar att …”, “Kommunen ska …”, “Tillsammans ska vi …”."
            ),
        )
    return render(request, "promises/import.html", context | {"form": form})
