"""E-mails about proposed joint changes: the coordinators of every party asked are told
when a change is proposed (their answer is needed), and the proposing party's
coordinators are told when it is decided. Sent after the change is committed, in Swedish."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import translation

from samverka.accounts.models import User
from samverka.agreements import joint
from samverka.agreements.models import ChangeProposal, ProposalStatus
from samverka.organizations.models import Organization
from samverka.tenancy.access import Role


def _coordinators(parties: QuerySet[Organization], exclude: User | None) -> list[User]:
    users = User.objects.filter(
        is_active=True,
        memberships__role=Role.COORDINATOR,
        memberships__organization__in=parties,
    ).distinct()
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return list(users.exclude(email="").order_by("pk"))


def _send(template: str, users: list[User], context: dict[str, object]) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        for user in users:
            context = {**context, "user": user}
            send_mail(
                subject=render_to_string(f"agreements/{template}_subject.txt", context).strip(),
                message=render_to_string(f"agreements/{template}_email.txt", context),
                from_email=None,
                recipient_list=[user.email],
            )
    return len(users)


def proposal_made(proposal: ChangeProposal, link: str, by: User) -> None:
    """Once committed: ask the coordinators of every party that has yet to answer."""

    def send() -> None:
        if proposal.status != ProposalStatus.PENDING:
            return
        users = _coordinators(joint.unanswered_parties(proposal), exclude=by)
        _send("proposal", users, {"proposal": proposal, "link": link})

    transaction.on_commit(send)


def proposal_decided(proposal: ChangeProposal, link: str, by: User) -> None:
    """Once committed: tell the proposing party's coordinators (and the other parties'
    that answered) that the proposal applies or was rejected."""

    def send() -> None:
        if proposal.status not in (ProposalStatus.APPLIED, ProposalStatus.REJECTED):
            return
        users = _coordinators(proposal.asked.all(), exclude=by)
        _send("proposal_decided", users, {"proposal": proposal, "link": link})

    transaction.on_commit(send)
