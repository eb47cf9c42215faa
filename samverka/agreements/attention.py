from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samverka.agreements.models import Agreement, ChangeProposal, Duty, Lifecycle, ProposalStatus
from samverka.lib.attention import AttentionItem, provider
from samverka.organizations.models import Organization, OrganizationKind
from samverka.tenancy.access import Role, memberships_of


def _coordinates(user: Any) -> bool:
    """Whether ``user`` coordinates an organization (without one, the questions below
    have no answer: asked once per page from the user's memberships)."""
    return any(m.role == Role.COORDINATOR for m in memberships_of(user))


@provider
def agreements_in_force(user: Any) -> Iterator[AttentionItem]:
    """Coordinators of a kommun or LPO: no agreement in force, or one about to end."""
    if not _coordinates(user):
        return
    today = timezone.localdate()
    parties = Organization.objects.of_user(user, (Role.COORDINATOR,)).filter(
        kind__in=(OrganizationKind.KOMMUN, OrganizationKind.LOCAL_POLICE_AREA)
    )
    current = list(
        Agreement.objects.in_force_on(today)
        .filter(parties__in=parties)
        .distinct()
        .prefetch_related("parties")
    )
    for organization in parties:
        if organization.kind == OrganizationKind.KOMMUN and not any(
            organization in agreement.parties.all() for agreement in current
        ):
            yield AttentionItem(
                title=_("%(organization)s has no agreement in force")
                % {"organization": organization},
                text=_(
                    "The law (2023:196) asks every municipality to work with the police on a "
                    "shared picture and a plan. Start by recording your agreement."
                ),
                level="warning",
                url=reverse("agreements:create"),
                link_text=_("Record an agreement"),
            )
    for agreement in current:
        if agreement.lifecycle(today) == Lifecycle.EXPIRING:
            yield AttentionItem(
                title=_("“%(agreement)s” ends on %(date)s")
                % {"agreement": agreement, "date": formats.date_format(agreement.ends_on)},
                text=_("Consult the other parties about extending or renewing it."),
                level="warning",
                url=agreement.get_absolute_url(),
                link_text=_("Open the agreement"),
            )


@provider
def overdue_duties(user: Any) -> Iterator[AttentionItem]:
    """Every member who reads an agreement sees its overdue duties of the årshjul."""
    today = timezone.localdate()
    for duty in Duty.objects.of_user(user).overdue(today).select_related("agreement")[:20]:
        yield AttentionItem(
            title=_("Overdue: %(duty)s") % {"duty": duty},
            text=_("Due %(date)s under “%(agreement)s”.")
            % {"date": formats.date_format(duty.due_on), "agreement": duty.agreement},
            level="danger",
            url=reverse("agreements:cycle", kwargs={"pk": duty.agreement_id}),
            link_text=_("Open the årshjul"),
        )


@provider
def proposals_to_answer(user: Any) -> Iterator[AttentionItem]:
    """A coordinator of a party asked about a proposed change that it has not answered."""
    if not _coordinates(user):
        return
    coordinated = Organization.objects.of_user(user, (Role.COORDINATOR,))
    pending = (
        ChangeProposal.objects.filter(status=ProposalStatus.PENDING, asked__in=coordinated)
        .exclude(answers__party__in=coordinated)
        .select_related("agreement", "proposing_party")
        .distinct()
    )
    for proposal in pending[:20]:  # one answer covers all of the user's parties
        yield AttentionItem(
            title=_("“%(agreement)s”: a proposed change awaits your answer")
            % {"agreement": proposal.agreement},
            text=_(
                "%(party)s proposes to change the parties, period or text of the agreement. "
                "It takes effect only when every party has accepted."
            )
            % {"party": proposal.proposing_party},
            level="warning",
            url=proposal.get_absolute_url(),
            link_text=_("Answer the proposal"),
        )
