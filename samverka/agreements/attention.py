import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samverka.agreements.models import Agreement, AgreementStatus
from samverka.core.access import Role
from samverka.core.attention import AttentionItem, provider
from samverka.organizations.models import Organization, OrganizationKind

EXPIRY_WARNING = dt.timedelta(days=183)  # the seeds' consultation notice: six months


@provider
def agreements_in_force(user: Any) -> Iterator[AttentionItem]:
    """Coordinators of a kommun or LPO: no agreement in force, or one about to end."""
    today = timezone.localdate()
    parties = Organization.objects.of_user(user, (Role.COORDINATOR,)).filter(
        kind__in=(OrganizationKind.KOMMUN, OrganizationKind.LOCAL_POLICE_AREA)
    )
    current = list(
        Agreement.objects.filter(
            parties__in=parties,
            status=AgreementStatus.IN_FORCE,
            starts_on__lte=today,
            ends_on__gte=today,
        )
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
            )
    for agreement in current:
        if agreement.ends_on - today <= EXPIRY_WARNING:
            yield AttentionItem(
                title=_("“%(agreement)s” ends on %(date)s")
                % {"agreement": agreement, "date": formats.date_format(agreement.ends_on)},
                text=_("Consult the other parties about extending or renewing it."),
                level="warning",
            )
