"""The communication plan's writes, one transaction each: an activity saved in its
party's name (a change clears the approvals), the approval of external information by
each party's coordinator, marking an activity sent (external information only once both
parties approved it), and removing an activity. Every save is recorded by the audit
recorder."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverka.accounts.models import User
from samverka.agreements.models import Agreement
from samverka.communication.models import (
    Activity,
    ActivityApproval,
    ActivityStatus,
    Channel,
    CommunicationPlan,
)
from samverka.organizations.models import Organization, OrganizationKind
from samverka.tenancy.access import (
    COORDINATOR_ROLES,
    WRITE_ROLES,
    organization_ids_of,
    organizations_of,
)


def main_parties(agreement_id: int) -> list[Organization]:
    """The two parties that communicate jointly: the agreement's municipality and its
    local police area (the first of each, by name)."""
    parties = Organization.objects.filter(agreements=agreement_id).order_by("name")
    found = [
        parties.filter(kind=kind).first()
        for kind in (OrganizationKind.KOMMUN, OrganizationKind.LOCAL_POLICE_AREA)
    ]
    return [party for party in found if party is not None]


def plan_for(agreement: Agreement, year: int) -> CommunicationPlan:
    plan, _created = CommunicationPlan.objects.get_or_create(agreement=agreement, year=year)
    return plan


def responsible_parties(activity: Activity, agreement_id: int) -> list[Organization]:
    if activity.joint:
        parties = main_parties(agreement_id)
        if len(parties) < 2:
            raise ValidationError(
                {"joint": _("A joint activity needs a municipality and a police party.")}
            )
        return parties
    if activity.party_id is None:
        raise ValidationError(
            {"party": _("Name the party that carries out the activity, or mark it joint.")}
        )
    if not Organization.objects.filter(pk=activity.party_id, agreements=agreement_id).exists():
        raise ValidationError({"party": _("The party must be a party of the agreement.")})
    return [activity.party]  # type: ignore[list-item]


def _check(activity: Activity) -> None:
    year = activity.plan.year
    if activity.on is None and activity.month is None:
        raise ValidationError({"on": _("Give a date or a month for the activity.")})
    if activity.on is not None:
        if activity.on.year != year:
            raise ValidationError(
                {"on": _("The date must be in the plan's year %(year)s.") % {"year": year}}
            )
        activity.month = activity.on.month
    if activity.channel == Channel.OTHER and not activity.channel_detail.strip():
        raise ValidationError({"channel_detail": _("Say which channel “Other channel” is.")})


def _clear_approvals(activity: Activity) -> None:
    """Any change after an approval needs both parties' approval again."""
    activity.approvals.all().delete()


@transaction.atomic
def save_activity(activity: Activity, by: User) -> Activity:
    """Save an activity in its party's name: a party writes only its own activities (both
    parties' members write a joint one); a sent activity is not changed; the approvals
    are cleared."""
    plan = activity.plan
    if activity.pk is not None:
        stored = Activity.objects.select_for_update().get(pk=activity.pk)
        if stored.is_sent:
            raise ValidationError(_("A sent activity is not changed: add a new one instead."))
    if activity.joint:
        activity.party = None
    parties = responsible_parties(activity, plan.agreement_id)
    own = organization_ids_of(by, WRITE_ROLES)
    if not own & {p.pk for p in parties}:
        raise ValidationError(
            {"party": _("You can only write the activities your organization carries out.")}
        )
    _check(activity)
    if activity.pk is None:
        activity.created_by = by
    activity.full_clean()
    activity.save()
    activity.parties.set(parties)
    _clear_approvals(activity)
    return activity


@transaction.atomic
def add_activity(agreement: Agreement, year: int, activity: Activity, by: User) -> Activity:
    """A new activity in the agreement's plan for ``year`` (the plan is made if needed)."""
    activity.plan = plan_for(agreement, year)
    return save_activity(activity, by)


@transaction.atomic
def remove_activity(activity: Activity) -> None:
    if activity.is_sent:
        raise ValidationError(_("A sent activity is not removed."))
    activity.delete()


def approving_party(activity: Activity, user: User) -> Organization | None:
    """The party (municipality or police) for which ``user`` is a coordinator and which
    has not yet approved, or None."""
    if not activity.external or activity.is_sent:
        return None
    parties = [p.pk for p in main_parties(activity.plan.agreement_id)]
    return (
        Organization.objects.filter(pk__in=parties)
        .filter(pk__in=organizations_of(user, COORDINATOR_ROLES))
        .exclude(pk__in=activity.approvals.values("party"))
        .order_by("kind")
        .first()
    )


def missing_approvals(activity: Activity) -> list[Organization]:
    """The parties whose approval the activity still needs before it is sent."""
    if not activity.external:
        return []
    approved = set(activity.approvals.values_list("party", flat=True))
    return [p for p in main_parties(activity.plan.agreement_id) if p.pk not in approved]


@transaction.atomic
def approve(activity: Activity, by: User, on: dt.date | None = None) -> ActivityApproval:
    """A party's coordinator approves the external information as it stands."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not activity.external:
        raise ValidationError(_("Only external information is approved by both parties."))
    if activity.is_sent:
        raise ValidationError(_("The activity is already sent."))
    party = approving_party(activity, by)
    if party is None:
        raise ValidationError(
            _("Only a coordinator of a party that has not yet approved can approve.")
        )
    return ActivityApproval.objects.create(
        activity=activity, party=party, approved_by=by, approved_on=on or timezone.localdate()
    )


@transaction.atomic
def mark_sent(activity: Activity, on: dt.date | None = None) -> Activity:
    """The activity is carried out. External information only once both parties approved."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.is_sent:
        raise ValidationError(_("The activity is already sent."))
    missing = missing_approvals(activity)
    if missing:
        raise ValidationError(
            _(
                "External information is sent only after both parties approved it; "
                "still missing: %(parties)s."
            )
            % {"parties": ", ".join(str(p) for p in missing)}
        )
    sent_on = on or timezone.localdate()
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": _("The date sent cannot be in the future.")})
    activity.status = ActivityStatus.SENT
    activity.sent_on = sent_on
    activity.save(update_fields=["status", "sent_on", "updated_at"])
    return activity
