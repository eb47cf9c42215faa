"""Joint things change jointly: a change of an agreement's parties, period or signed
text is proposed by a coordinator of one party and applied only when the coordinators
of every other party (those leaving and those joining too) have accepted it.

Until an agreement is joint (a draft nobody has signed, with coordinators in one party
only) its coordinators edit it directly. Each function here is one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samverka.accounts.models import User
from samverka.agreements.cycle import sync_duties
from samverka.agreements.models import (
    JOINT_FIELDS,
    Agreement,
    AgreementStatus,
    ChangeProposal,
    ProposalAnswer,
    ProposalStatus,
)
from samverka.lib.dates import add_months
from samverka.organizations.models import Organization
from samverka.tenancy.access import (
    VIEW,
    AnyUser,
    Role,
    Visibility,
    VisibleContent,
    organizations_of,
    policy_of,
    restrict,
)
from samverka.tenancy.models import Membership

DATE_FIELDS = ("starts_on", "ends_on")


def joint_values(agreement: Agreement) -> dict[str, Any]:
    """The agreement's parties and signed fields as plain data (dates as ISO text)."""
    values: dict[str, Any] = {}
    for name in JOINT_FIELDS:
        value = getattr(agreement, name)
        values[name] = value.isoformat() if isinstance(value, dt.date) else value
    values["parties"] = sorted(agreement.parties.values_list("pk", flat=True))
    return values


def coordinated_parties(agreement: Agreement) -> QuerySet[Organization]:
    """The parties of ``agreement`` that have at least one coordinator in samverka."""
    with_coordinators = Membership.objects.filter(role=Role.COORDINATOR).values("organization")
    return agreement.parties.filter(pk__in=with_coordinators)


def with_coordinators(organizations: QuerySet[Organization]) -> set[int]:
    """The ids of those of ``organizations`` that have at least one coordinator."""
    return set(
        Membership.objects.filter(role=Role.COORDINATOR, organization__in=organizations)
        .values_list("organization", flat=True)
        .distinct()
    )


def is_joint(agreement: Agreement) -> bool:
    """Signed, or more than one party has coordinators: changes then need every party."""
    return agreement.status == AgreementStatus.SIGNED or coordinated_parties(agreement).count() > 1


def _coordinated_by(user: AnyUser) -> QuerySet[Organization]:
    return Organization.objects.filter(pk__in=organizations_of(user, (Role.COORDINATOR,)))


def proposals_readable_by(user: AnyUser) -> QuerySet[ChangeProposal]:
    """Proposals a user may read (the model's access policy): those of agreements one of
    the user's organizations is a party to, and those that ask a party the user
    coordinates (a party that would join)."""
    return restrict(ChangeProposal.objects.all(), user, VIEW)


def unanswered_parties(proposal: ChangeProposal) -> QuerySet[Organization]:
    return proposal.asked.exclude(pk__in=proposal.answers.values("party"))


def parties_user_answers_for(proposal: ChangeProposal, user: AnyUser) -> list[Organization]:
    """The asked parties, not yet answered, that ``user`` coordinates."""
    if not proposal.is_pending:
        return []
    return list(unanswered_parties(proposal).filter(pk__in=_coordinated_by(user)))


def may_withdraw(proposal: ChangeProposal, user: AnyUser) -> bool:
    return (
        proposal.is_pending
        and _coordinated_by(user).filter(pk=proposal.proposing_party_id).exists()
    )


@transaction.atomic
def propose(
    agreement: Agreement,
    proposed: Agreement,
    parties: list[Organization],
    by: User,
    reason: str = "",
) -> ChangeProposal:
    """Propose ``proposed`` (an unsaved copy of the agreement with the new field values)
    with ``parties``; the proposer's party accepts at once. Applied at once only if no
    other party is asked."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    party = _coordinated_by(by).filter(pk__in=agreement.parties.all()).order_by("pk").first()
    if party is None:
        raise PermissionDenied
    if agreement.change_proposals.filter(status=ProposalStatus.PENDING).exists():
        raise ValidationError(
            _(
                "A proposed change of this agreement already awaits an answer; "
                "answer or withdraw it first."
            )
        )
    proposed.full_clean()
    current = joint_values(agreement)
    new = {
        name: getattr(proposed, name).isoformat()
        if name in DATE_FIELDS
        else getattr(proposed, name)
        for name in JOINT_FIELDS
    }
    new["parties"] = sorted({p.pk for p in parties})
    if new == current:
        raise ValidationError(_("The proposal changes nothing."))
    proposal = ChangeProposal(
        agreement=agreement,
        proposing_party=party,
        proposed_by=by,
        reason=reason.strip(),
        current=current,
        proposed=new,
    )
    proposal.full_clean()
    proposal.save()
    proposal.asked.set(sorted(set(current["parties"]) | set(new["parties"])))
    ProposalAnswer.objects.create(proposal=proposal, party=party, accepted=True, answered_by=by)
    if not unanswered_parties(proposal).exists():
        _apply(proposal, by)
    return proposal


@transaction.atomic
def propose_extension(agreement: Agreement, by: User) -> ChangeProposal:
    """Extending by the agreement's own rule changes its period: the parties consult,
    so it is a proposal like any other change of the period."""
    if agreement.status != AgreementStatus.SIGNED or agreement.replaced_by_id is not None:
        raise ValidationError(
            _("Only a signed agreement that has not been replaced can be extended.")
        )
    if not agreement.extension_years:
        raise ValidationError(
            _("The agreement has no extension rule; record a revision with new dates instead.")
        )
    proposed = Agreement.objects.get(pk=agreement.pk)
    proposed.ends_on = add_months(agreement.ends_on, 12 * agreement.extension_years)
    reason = _("Extended by %(years)s years, from %(old)s to %(new)s.") % {
        "years": agreement.extension_years,
        "old": agreement.ends_on.isoformat(),
        "new": proposed.ends_on.isoformat(),
    }
    return propose(agreement, proposed, list(agreement.parties.all()), by, reason)


@transaction.atomic
def answer(proposal: ChangeProposal, by: User, *, accept: bool) -> ChangeProposal:
    """A coordinator of an asked party accepts or rejects; a rejection ends the proposal,
    the last acceptance applies it."""
    proposal = ChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_pending:
        raise ValidationError(_("This proposal has already been decided."))
    parties = parties_user_answers_for(proposal, by)
    if not parties:
        raise PermissionDenied
    for party in parties:
        ProposalAnswer.objects.create(
            proposal=proposal, party=party, accepted=accept, answered_by=by
        )
    if not accept:
        proposal.status = ProposalStatus.REJECTED
        proposal.decided_at = timezone.now()
        proposal.save(update_fields=["status", "decided_at"])
    elif not unanswered_parties(proposal).exists():
        _apply(proposal, by)
    return proposal


@transaction.atomic
def withdraw(proposal: ChangeProposal, by: User) -> ChangeProposal:
    proposal = ChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if not may_withdraw(proposal, by):
        raise PermissionDenied
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    return proposal


def _apply(proposal: ChangeProposal, by: User) -> None:
    """Every asked party has accepted: change the agreement as proposed (in the caller's
    transaction), keep its årshjul in step and record a version of a signed agreement."""
    from samverka.agreements.services import record_revision

    agreement = Agreement.objects.select_for_update().get(pk=proposal.agreement_id)
    if joint_values(agreement) != proposal.current:
        raise ValidationError(
            _("The agreement has changed since this proposal was made; propose the change again.")
        )
    for name in JOINT_FIELDS:
        value = proposal.proposed[name]
        setattr(agreement, name, dt.date.fromisoformat(value) if name in DATE_FIELDS else value)
    agreement.full_clean()
    agreement.save()
    agreement.parties.set(proposal.proposed["parties"])
    sync_duties(agreement)
    proposal.status = ProposalStatus.APPLIED
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    if agreement.status == AgreementStatus.SIGNED:
        record_revision(
            agreement,
            user=by,
            made_on=timezone.localdate(),
            summary=_("Changed as %(party)s proposed, accepted by every party.")
            % {"party": proposal.proposing_party}
            + (f" {proposal.reason}" if proposal.reason else ""),
        )


@dataclass
class AccessChange:
    """What one party would lose or gain read access to if a proposal is applied."""

    party: Organization
    loses: list[str] = field(default_factory=list)
    gains: list[str] = field(default_factory=list)


def _content_models() -> list[type[VisibleContent]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, VisibleContent) and not model._meta.abstract
    ]


def readable_through_agreement(agreement: Agreement, party: Organization) -> list[str]:
    """What ``party`` reads only because it is a party of ``agreement``: the agreement
    itself (unless published), and every piece of content of the agreement that another
    organization owns and shares with the parties (public content not yet published too)."""
    items: list[str] = []
    if agreement.published_at is None:
        items.append(
            _("the agreement “%(agreement)s” with its versions and årshjul")
            % {"agreement": agreement}
        )
    shared = Q(visibility=Visibility.SHARED) | Q(
        visibility=Visibility.PUBLIC, published_at__isnull=True
    )
    for model in _content_models():
        # Content shared with the agreement: its own, or one of its further agreements
        # (a dataset shared with the parties of several agreements).
        also_shared = policy_of(model).also_shared
        with_agreement = Q(agreement=agreement)
        if also_shared:
            with_agreement |= Q(**{also_shared: agreement})
        rows = model._default_manager.filter(with_agreement).filter(shared).distinct()
        for obj in rows.exclude(owner=party).order_by("pk"):
            items.append(f"{model._meta.verbose_name} “{obj}”")
    return items


def access_changes(proposal: ChangeProposal) -> list[AccessChange]:
    """Who loses and who gains access if ``proposal`` is applied."""
    before = set(proposal.current.get("parties", []))
    after = set(proposal.proposed.get("parties", []))
    agreement = proposal.agreement
    changes = []
    for party in Organization.objects.filter(pk__in=before ^ after).order_by("kind", "name"):
        items = readable_through_agreement(agreement, party)
        if party.pk in before:
            changes.append(AccessChange(party, loses=items))
        else:
            changes.append(AccessChange(party, gains=items))
    return changes


def field_changes(proposal: ChangeProposal) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each field the proposal changes; parties by name."""
    rows = []
    for name in (*JOINT_FIELDS, "parties"):
        before, after = proposal.current.get(name), proposal.proposed.get(name)
        if before == after:
            continue
        if name == "parties":
            names = dict(
                Organization.objects.filter(pk__in={*before, *after}).values_list("pk", "name")
            )
            before = ", ".join(sorted(names.get(pk, "?") for pk in before))
            after = ", ".join(sorted(names.get(pk, "?") for pk in after))
        rows.append((name, before, after))
    return rows
