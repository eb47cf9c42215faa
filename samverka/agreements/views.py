"""Agreements: list, create, read, edit, sign, extend, revisions; the parts an
agreement names (priority areas, forums and methods, signatories); the årshjul."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model
from django.forms import BaseForm, Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samverka.agreements import (
    calendar,
    documents,
    importing,
    joint,
    notices,
    overview,
    services,
    wheel,
)
from samverka.agreements.forms import (
    AgreementForm,
    DatedActionForm,
    DutyForm,
    ForumForm,
    ForumYearForm,
    ImportReviewForm,
    ImportUploadForm,
    PriorityAreaForm,
    ProposalAnswerForm,
    RevisionForm,
    SignatoryForm,
)
from samverka.agreements.models import (
    Agreement,
    AgreementReading,
    ChangeProposal,
    Duty,
    DutyKind,
    Forum,
    ForumYear,
    PriorityArea,
    ProposalStatus,
    ReadingStatus,
    Signatory,
)
from samverka.agreements.parsing import extract_text, parse_text
from samverka.agreements.tasks import fail_stalled_readings, read_agreement
from samverka.lib.downloads import DOCX, PDF, attachment
from samverka.organizations.models import Organization, OrganizationKind
from samverka.tenancy.access import CHANGE, COORDINATE, VIEW, agreements_of, get_or_404


def agreement_list(request: HttpRequest) -> HttpResponse:
    agreements = Agreement.objects.visible_to(request.user).prefetch_related("parties")
    return render(
        request,
        "agreements/agreement_list.html",
        {
            "agreements": agreements,
            "can_add": request.user.has_perm("agreements.add_agreement"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("agreements.add_agreement"):
        raise PermissionDenied
    form = AgreementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        agreement = services.save_agreement(
            form.save(commit=False), form.parties(), form.cleaned_data["replaces"]
        )
        messages.success(request, _("The agreement was saved as a draft."))
        return redirect(agreement)
    return render(request, "agreements/agreement_form.html", {"form": form})


def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_or_404(Agreement.objects.all(), request.user, VIEW, pk=pk)
    user = request.user
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "parties": agreement.parties.order_by("kind", "name"),
            "areas": agreement.priority_areas.prefetch_related("categories__parent"),
            "forums": agreement.forums.select_related("coordinator").prefetch_related(
                "participants", "years"
            ),
            "signatories": agreement.signatories.select_related("organization"),
            "unsigned": services.unsigned_parties(agreement),
            "revisions": agreement.revisions.all(),
            "duties": agreement.duties.all(),
            "can_edit": Agreement.objects.editable_by(user).filter(pk=pk).exists(),
            "can_coordinate": Agreement.objects.coordinated_by(user).filter(pk=pk).exists(),
            "is_party": Agreement.objects.filter(pk=pk, pk__in=agreements_of(user)).exists(),
            "is_joint": joint.is_joint(agreement),
            "proposals": joint.proposals_readable_by(user)
            .filter(agreement=agreement)
            .select_related("proposing_party"),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator edits the parties, period and text: directly while the agreement is
    not yet joint, else as a proposal the other parties' coordinators answer."""
    agreement = get_or_404(Agreement.objects.all(), request.user, COORDINATE, pk=pk)
    is_joint = joint.is_joint(agreement)
    pending = agreement.change_proposals.filter(status=ProposalStatus.PENDING).first()
    if is_joint and pending is not None:
        messages.info(
            request, _("A proposed change already awaits an answer; answer or withdraw it first.")
        )
        return redirect(pending)
    form = AgreementForm(
        request.POST or None, instance=agreement, user=request.user, joint=is_joint
    )
    if request.method == "POST" and form.is_valid():
        if not is_joint:
            services.save_agreement(
                form.save(commit=False), form.parties(), form.cleaned_data["replaces"]
            )
            messages.success(request, _("The agreement was saved."))
            return redirect(agreement)
        try:
            proposal = joint.propose(
                agreement,
                form.instance,
                form.parties(),
                request.user,  # type: ignore[arg-type]
                form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _proposed(request, proposal)
    return render(
        request,
        "agreements/agreement_form.html",
        {"form": form, "agreement": agreement, "is_joint": is_joint},
    )


def _proposal(request: HttpRequest, pk: int, proposal_pk: int) -> ChangeProposal:
    return get_object_or_404(
        joint.proposals_readable_by(request.user).select_related(
            "agreement", "proposing_party", "proposed_by"
        ),
        pk=proposal_pk,
        agreement_id=pk,
    )


@login_required
@require_safe
def proposal_detail(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    """The proposed change, who has answered, and who would lose or gain access."""
    proposal = _proposal(request, pk, proposal_pk)
    labels = {**FIELD_LABELS, "parties": gettext_lazy("Parties")}
    answered = {a.party_id: a for a in proposal.answers.select_related("party", "answered_by")}
    with_coordinators = joint.with_coordinators(proposal.asked.all())
    asked = [
        {
            "party": party,
            "answer": answered.get(party.pk),
            "has_coordinator": party.pk in with_coordinators,
        }
        for party in proposal.asked.order_by("kind", "name")
    ]
    return render(
        request,
        "agreements/proposal_detail.html",
        {
            "agreement": proposal.agreement,
            "proposal": proposal,
            "changes": [
                (labels.get(name, name), before, after)
                for name, before, after in joint.field_changes(proposal)
            ],
            "asked": asked,
            # What a party loses or gains is shown to the agreement's own parties only, not
            # to a party that is asked because it would join.
            "access": joint.access_changes(proposal)
            if proposal.is_pending
            and Agreement.objects.of_user(request.user).filter(pk=pk).exists()
            else [],
            "answer_for": joint.parties_user_answers_for(proposal, request.user),
            "may_withdraw": joint.may_withdraw(proposal, request.user),
            "form": ProposalAnswerForm(),
        },
    )


@login_required
@require_POST
def proposal_answer(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = _proposal(request, pk, proposal_pk)
    if not joint.parties_user_answers_for(proposal, request.user):
        raise PermissionDenied
    form = ProposalAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to accept or reject the proposal."))
        return redirect(proposal)
    accept = form.cleaned_data["answer"] == "accept"
    try:
        proposal = joint.answer(proposal, request.user, accept=accept)  # type: ignore[arg-type]
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(proposal)
    link = request.build_absolute_uri(proposal.get_absolute_url())
    notices.proposal_decided(proposal, link, request.user)  # type: ignore[arg-type]
    if proposal.status == ProposalStatus.APPLIED:
        messages.success(request, _("Every party has accepted: the change now applies."))
    elif accept:
        messages.success(
            request, _("Your acceptance is recorded; other parties have yet to answer.")
        )
    else:
        messages.success(request, _("The proposal is rejected; the agreement stays as it was."))
    if not Agreement.objects.of_user(request.user).filter(pk=pk).exists():
        return redirect("agreements:list")  # the user's party has left the agreement
    return redirect(proposal)


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = _proposal(request, pk, proposal_pk)
    if not joint.may_withdraw(proposal, request.user):
        raise PermissionDenied
    joint.withdraw(proposal, request.user)  # type: ignore[arg-type]
    messages.success(request, _("The proposal is withdrawn; the agreement stays as it was."))
    return redirect(proposal.agreement)


def _dated_action(
    request: HttpRequest, pk: int, action: Any, template: str, form_class: type = DatedActionForm
) -> HttpResponse:
    agreement = get_or_404(Agreement.objects.all(), request.user, COORDINATE, pk=pk)
    form = form_class(request.POST or None, initial={"made_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            action(agreement, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Done: the change is recorded as a new version."))
            return redirect(agreement)
    return render(
        request,
        template,
        {"agreement": agreement, "form": form, "unsigned": services.unsigned_parties(agreement)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    return _dated_action(request, pk, services.sign, "agreements/agreement_sign.html")


def _proposed(request: HttpRequest, proposal: ChangeProposal) -> HttpResponse:
    """On to the proposal just made, saying when it takes effect; the other parties'
    coordinators are asked by e-mail."""
    link = request.build_absolute_uri(proposal.get_absolute_url())
    notices.proposal_made(proposal, link, request.user)  # type: ignore[arg-type]
    if proposal.status == ProposalStatus.APPLIED:
        messages.success(request, _("The change is saved."))
        return redirect(proposal)
    messages.success(
        request,
        _("The change is proposed. It takes effect when every other party has accepted it."),
    )
    return redirect(proposal)


@login_required
@require_POST
def agreement_successor(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator drafts the next agreement from this one (for the period after it)."""
    agreement = get_or_404(Agreement.objects.all(), request.user, COORDINATE, pk=pk)
    try:
        new = services.draft_successor(agreement)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(agreement)
    messages.success(
        request,
        _(
            "A draft of the next agreement is made from this one. Check its text and period; "
            "when you save it, choose which agreement it replaces."
        ),
    )
    return redirect(new)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_extend(request: HttpRequest, pk: int) -> HttpResponse:
    """Extending changes the period: a proposal the other parties' coordinators answer."""
    agreement = get_or_404(Agreement.objects.all(), request.user, COORDINATE, pk=pk)
    form = Form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = joint.propose_extension(agreement, request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _proposed(request, proposal)
    return render(
        request, "agreements/agreement_extend.html", {"agreement": agreement, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def revision_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _dated_action(
        request, pk, services.record_revision, "agreements/revision_form.html", RevisionForm
    )


def revision_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    agreement = get_or_404(Agreement.objects.all(), request.user, VIEW, pk=pk)
    revision = get_object_or_404(agreement.revisions, number=number)
    return render(
        request,
        "agreements/revision_detail.html",
        {"agreement": agreement, "revision": revision, "content": revision.snapshot},
    )


FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "purpose": gettext_lazy("Purpose"),
    "vision": gettext_lazy("Vision"),
    "overall_goals": gettext_lazy("Overall goals"),
    "how_we_work": gettext_lazy("Part one: how we work together"),
    "what_we_work_on": gettext_lazy("Part two: what we work on"),
    "situation_picture": gettext_lazy("Lägesbild"),
    "follow_up": gettext_lazy("Follow-up"),
    "communication": gettext_lazy("Communication"),
    "in_two_parts": gettext_lazy("In two parts"),
    "starts_on": gettext_lazy("In force from"),
    "ends_on": gettext_lazy("In force until"),
    "extension_years": gettext_lazy("Extension (years)"),
    "consultation_months": gettext_lazy("Consultation notice (months)"),
    "parties": gettext_lazy("Parties"),
    "priority_areas": gettext_lazy("Priority areas"),
    "forums": gettext_lazy("Forums and methods"),
    "signatories": gettext_lazy("Signatories"),
}


def revision_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two versions side by side; ``b=current`` compares with the agreement as it is now."""
    agreement = get_or_404(Agreement.objects.all(), request.user, VIEW, pk=pk)
    revisions = list(agreement.revisions.order_by("number"))
    if not revisions:
        raise Http404
    by_number = {str(r.number): r for r in revisions}
    a_key = request.GET.get("a") or str(revisions[0].number)
    b_key = request.GET.get("b") or "current"
    if a_key not in by_number or (b_key != "current" and b_key not in by_number):
        raise Http404
    old = by_number[a_key].snapshot
    new = services.snapshot(agreement) if b_key == "current" else by_number[b_key].snapshot
    changes = [
        {"label": FIELD_LABELS.get(c.field, c.field), "change": c}
        for c in services.compare(old, new)
    ]
    return render(
        request,
        "agreements/revision_compare.html",
        {
            "agreement": agreement,
            "revisions": revisions,
            "a": a_key,
            "b": b_key,
            "changes": changes,
        },
    )


@dataclass(frozen=True)
class Part:
    """One kind of thing an agreement names, edited on pages of the same shape."""

    model: type[Model]
    form: type[BaseForm]
    noun: Any
    needs_agreement: bool = False


PARTS = {
    "omraden": Part(PriorityArea, PriorityAreaForm, gettext_lazy("priority area")),
    "forum": Part(Forum, ForumForm, gettext_lazy("forum or method"), needs_agreement=True),
    "undertecknare": Part(
        Signatory, SignatoryForm, gettext_lazy("signatory"), needs_agreement=True
    ),
}


def _part(kind: str) -> Part:
    if kind not in PARTS:
        raise Http404
    return PARTS[kind]


@login_required
@require_http_methods(["GET", "POST"])
def part_edit(request: HttpRequest, pk: int, kind: str, part_pk: int | None = None) -> HttpResponse:
    agreement = get_or_404(Agreement.objects.all(), request.user, CHANGE, pk=pk)
    part = _part(kind)
    instance = get_object_or_404(part.model, pk=part_pk, agreement=agreement) if part_pk else None
    kwargs: dict[str, Any] = {"instance": instance}
    if part.needs_agreement:
        kwargs["agreement"] = agreement
    form = part.form(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        services.save_part(form, agreement)
        messages.success(request, _("Saved."))
        return redirect(agreement)
    return render(
        request,
        "agreements/part_form.html",
        {"agreement": agreement, "form": form, "noun": part.noun, "instance": instance},
    )


@login_required
@require_http_methods(["GET", "POST"])
def part_delete(request: HttpRequest, pk: int, kind: str, part_pk: int) -> HttpResponse:
    agreement = get_or_404(Agreement.objects.all(), request.user, CHANGE, pk=pk)
    part = _part(kind)
    instance = get_object_or_404(part.model, pk=part_pk, agreement=agreement)
    if request.method == "POST":
        instance.delete()
        messages.success(request, _("Removed."))
        return redirect(agreement)
    return render(
        request,
        "agreements/part_delete.html",
        {"agreement": agreement, "instance": instance, "noun": part.noun},
    )


@login_required
@require_http_methods(["GET", "POST"])
def forum_years(request: HttpRequest, pk: int, forum_pk: int) -> HttpResponse:
    """A forum's aggregate numbers per year (never people or cases)."""
    agreement = get_or_404(Agreement.objects.all(), request.user, CHANGE, pk=pk)
    forum = get_object_or_404(Forum, pk=forum_pk, agreement=agreement)
    form = ForumYearForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        ForumYear.objects.update_or_create(
            forum=forum,
            year=form.cleaned_data["year"],
            defaults={
                "meetings_held": form.cleaned_data["meetings_held"],
                "cases": form.cleaned_data["cases"],
            },
        )
        messages.success(request, _("Saved."))
        return redirect("agreements:forum_years", pk=pk, forum_pk=forum_pk)
    return render(
        request,
        "agreements/forum_years.html",
        {"agreement": agreement, "forum": forum, "form": form, "years": forum.years.all()},
    )


def cycle(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_or_404(Agreement.objects.all(), request.user, VIEW, pk=pk)
    return render(
        request,
        "agreements/cycle.html",
        {
            "agreement": agreement,
            "wheel": wheel.wheel([agreement.pk], _wheel_year(request), request.user),
            "duties": agreement.duties.select_related("done_by"),
            "can_edit": Agreement.objects.editable_by(request.user).filter(pk=pk).exists(),
            "today": timezone.localdate(),
        },
    )


@login_required
def cycle_all(request: HttpRequest) -> HttpResponse:
    """The årshjul across all of the user's agreements."""
    duties = Duty.objects.of_user(request.user).select_related("agreement", "done_by")
    agreement_ids = list(Agreement.objects.of_user(request.user).values_list("pk", flat=True))
    return render(
        request,
        "agreements/cycle_all.html",
        {
            "duties": duties,
            "wheel": wheel.wheel(agreement_ids, _wheel_year(request), request.user),
            "today": timezone.localdate(),
        },
    )


def _wheel_year(request: HttpRequest) -> int:
    """The year asked for (?ar=2027), within reason, else this year."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("ar", this_year))
    except ValueError:
        return this_year
    return year if 2000 <= year <= this_year + 20 else this_year


@login_required
@require_http_methods(["POST"])
def duty_update(request: HttpRequest, pk: int, duty_pk: int) -> HttpResponse:
    agreement = get_or_404(Agreement.objects.all(), request.user, CHANGE, pk=pk)
    duty = get_object_or_404(Duty, pk=duty_pk, agreement=agreement)
    form = DutyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("due_on", [])))
        return redirect("agreements:cycle", pk=pk)
    action = form.cleaned_data["action"]
    if action in ("done", "undo") and duty.kind == DutyKind.CITIZEN_PROMISE:
        # Fulfilled by adopting the medborgarlöfte, never ticked by hand.
        messages.error(
            request,
            _("This duty is done when the steering group's adoption of the promise is recorded."),
        )
        return redirect("agreements:cycle", pk=pk)
    if action == "done":
        duty.done_on, duty.done_by = timezone.localdate(), request.user  # type: ignore[assignment]
    elif action == "undo":
        duty.done_on, duty.done_by = None, None
    else:
        duty.due_on, duty.due_on_set_by_hand = form.cleaned_data["due_on"], True
    duty.save()
    messages.success(request, _("Saved."))
    return redirect("agreements:cycle", pk=pk)


def _ics(duties: Any, filename: str) -> HttpResponse:
    response = HttpResponse(calendar.to_ics(duties), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def cycle_ics(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_or_404(Agreement.objects.all(), request.user, VIEW, pk=pk)
    return _ics(agreement.duties.select_related("agreement"), f"arshjul-{agreement.pk}.ics")


@login_required
def cycle_all_ics(request: HttpRequest) -> HttpResponse:
    return _ics(Duty.objects.of_user(request.user).select_related("agreement"), "arshjul.ics")


IMPORT_SESSION_KEY = "agreement_import"


@login_required
@require_http_methods(["GET", "POST"])
def agreement_import(request: HttpRequest) -> HttpResponse:
    """Step 1: a file or pasted text is read into a draft to review."""
    if not request.user.has_perm("agreements.add_agreement"):
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data["document"]
        if document is not None and not document.name.lower().endswith(_TEXT_SUFFIXES):
            # Word and PDF are read by the worker, never in the web request.
            return redirect(_start_reading(request, document))
        try:
            if document is not None:
                text = extract_text(document.read(), document.name)
            else:
                text = form.cleaned_data["text"]
            found = None if request.POST.get("as_agreement") else importing.elsewhere(text)
            if found is not None:  # a medborgarlöfte, say: offered where it belongs
                return render(
                    request,
                    "agreements/import_upload.html",
                    {"form": ImportUploadForm(initial={"text": text}), "elsewhere": found},
                )
            parsed = parse_text(text)
        except ValueError as exc:
            form.add_error("document" if document is not None else "text", str(exc))
        else:
            request.session[IMPORT_SESSION_KEY] = importing.to_session(parsed)
            return redirect("agreements:import_review")
    return render(request, "agreements/import_upload.html", {"form": form})


_TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")


def _start_reading(request: HttpRequest, document: UploadedFile) -> AgreementReading:
    directory = settings.UPLOAD_DIR
    directory.mkdir(parents=True, exist_ok=True)
    stored = directory / f"{uuid.uuid4().hex}.agreement"
    with stored.open("wb") as fh:
        for chunk in document.chunks():
            fh.write(chunk)
    reading = AgreementReading.objects.create(
        created_by=request.user,  # type: ignore[misc]
        file_name=(document.name or "")[:300],
        stored_path=str(stored),
    )
    read_agreement.enqueue(reading.pk)
    return reading


@login_required
@require_safe
def agreement_import_reading(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1½: the worker reads the file; when it has, on to the review."""
    if not request.user.has_perm("agreements.add_agreement"):
        raise PermissionDenied
    fail_stalled_readings()
    reading = get_object_or_404(AgreementReading, pk=pk, created_by=request.user)
    if reading.status == ReadingStatus.DONE and reading.parsed is not None:
        request.session[IMPORT_SESSION_KEY] = reading.parsed
        reading.delete()
        return redirect("agreements:import_review")
    form = ImportUploadForm()
    if reading.status == ReadingStatus.FAILED:
        form.cleaned_data = {}
        form.add_error("document", reading.message)
    return render(request, "agreements/import_reading.html", {"reading": reading, "form": form})


MISSING_LABELS = {
    "title": gettext_lazy("Title"),
    "parties": gettext_lazy("Parties"),
    "starts_on": gettext_lazy("In force from"),
    "ends_on": gettext_lazy("In force until"),
    "extension_years": gettext_lazy("Extension (years)"),
    "consultation_months": gettext_lazy("Consultation notice (months)"),
    "purpose": gettext_lazy("Purpose"),
    "vision": gettext_lazy("Vision"),
    "overall_goals": gettext_lazy("Overall goals"),
    "priority_areas": gettext_lazy("Priority areas"),
    "forums": gettext_lazy("Forums and methods"),
    "situation_picture_sources": gettext_lazy("Sources of the lägesbild"),
    "signatories": gettext_lazy("Signatories"),
}


# Fields the review shows beside the text but never lists as missing.
FOUND_LABELS = {
    **MISSING_LABELS,
    "until_further_notice": gettext_lazy("In force until further notice"),
    "revision_years": gettext_lazy("Revised every (years)"),
    "activities": gettext_lazy("Activities"),
    "follow_up": gettext_lazy("Follow-up"),
    "communication": gettext_lazy("Communication"),
    "citizen_promises": gettext_lazy("Medborgarlöfte"),
    "signed_place": gettext_lazy("Place of signing"),
    "signed_on": gettext_lazy("Date of signing"),
}


def source_with_fields(parsed: dict[str, Any]) -> list[tuple[int, str, list[str]]]:
    """The text as read, line by line, each with the fields read from it."""
    found: dict[int, list[str]] = {}
    for name, line in parsed.get("lines", {}).items():
        if name in FOUND_LABELS:
            found.setdefault(line, []).append(str(FOUND_LABELS[name]))
    for key in ("priority_areas", "forums", "signatories"):
        for item in parsed.get(key, []):
            if item.get("line") and str(FOUND_LABELS[key]) not in found.get(item["line"], []):
                found.setdefault(item["line"], []).append(str(FOUND_LABELS[key]))
    return [
        (number, text, found.get(number, []))
        for number, text in enumerate(parsed.get("source_lines", []), start=1)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def agreement_import_review(request: HttpRequest) -> HttpResponse:
    """Step 2: the coordinator checks each field, then saves the draft."""
    if not request.user.has_perm("agreements.add_agreement"):
        raise PermissionDenied
    parsed = request.session.get(IMPORT_SESSION_KEY)
    if parsed is None:
        messages.info(request, _("Start by choosing the agreement to import."))
        return redirect("agreements:import")
    form = ImportReviewForm(
        request.POST or None,
        user=request.user,
        parsed=parsed,
        initial=importing.initial_for_form(parsed),
    )
    if request.method == "POST" and form.is_valid():
        agreement = importing.create_draft(
            form.save(commit=False),
            form.parties(),
            parsed,
            areas=form.cleaned_data["areas"],
            forums=form.cleaned_data["forums"],
            signatories=form.cleaned_data["signatories"],
        )
        del request.session[IMPORT_SESSION_KEY]
        messages.success(
            request, _("The agreement was imported as a draft. Check it, then mark it signed.")
        )
        return redirect(agreement)
    unmatched = importing.match_parties(parsed["parties"]).unmatched
    missing = [MISSING_LABELS.get(name, name) for name in parsed["missing"]]
    return render(
        request,
        "agreements/import_review.html",
        {
            "form": form,
            "parsed": parsed,
            "missing": missing,
            "unmatched": unmatched,
            "source": source_with_fields(parsed),
        },
    )


@require_safe
def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_or_404(Agreement.objects.all(), request.user, VIEW, pk=pk)
    return attachment(documents.render_pdf(agreement), PDF, f"overenskommelse-{pk}.pdf")


@require_safe
def agreement_docx(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_or_404(Agreement.objects.all(), request.user, VIEW, pk=pk)
    return attachment(documents.render_docx(agreement), DOCX, f"overenskommelse-{pk}.docx")


@login_required
def national_overview(request: HttpRequest) -> HttpResponse:
    """Agreements and priorities across kommuner, for police-region and national users."""
    scope = overview.overview_scope(request.user)
    if scope is None:
        raise PermissionDenied
    region = request.GET.get("region")
    regions = Organization.objects.filter(
        kind=OrganizationKind.POLICE_REGION, counties__in=scope
    ).distinct()
    if region and region.isdigit() and regions.filter(pk=int(region)).exists():
        scope = scope.filter(police_region_id=int(region))
    result = overview.build(scope)
    return render(
        request,
        "agreements/overview.html",
        {
            "overview": result,
            "regions": regions,
            "region": region,
            "status_labels": {
                overview.IN_FORCE: _("In force"),
                overview.EXPIRING: _("Expiring within the notice"),
                overview.NONE: _("No agreement in force"),
            },
        },
    )
