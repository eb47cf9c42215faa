"""Whose data is about where: an organization's own area.

A dataset's rows about a kommun count on their own only when the kommun lies in the
area of the dataset's owner: a kommun's own area is itself, a lokalpolisområde's the
kommuner it covers, a police region's those its lokalpolisområden cover, a national
authority's (Polismyndigheten, Brå) every kommun. Rows about any other kommun count
only where a party of that kommun's agreement chose the dataset (the lägesbild's
sources). A column mapping places rows only in its owner's own kommuner.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from samverka.organizations.models import Organization, OrganizationKind
from samverka.tenancy.access import WRITE_ROLES, organizations_coordinated


def area_owners(kommun_id: int) -> QuerySet[Organization]:
    """The organizations whose own area holds the kommun ``kommun_id``."""
    return Organization.objects.filter(
        Q(kind=OrganizationKind.NATIONAL)
        | Q(pk=kommun_id, kind=OrganizationKind.KOMMUN)
        | Q(kind=OrganizationKind.LOCAL_POLICE_AREA, covers=kommun_id)
        | Q(kind=OrganizationKind.POLICE_REGION, children__covers=kommun_id)
    )


def _kommuner_of(organizations: QuerySet[Organization]) -> QuerySet[Organization]:
    kommuner = Organization.objects.filter(kind=OrganizationKind.KOMMUN)
    if organizations.filter(kind=OrganizationKind.NATIONAL).exists():
        return kommuner
    return kommuner.filter(
        pk__in=Organization.objects.filter(
            Q(pk__in=organizations.values("pk"))
            | Q(covered_by__in=organizations.filter(kind=OrganizationKind.LOCAL_POLICE_AREA))
            | Q(covered_by__parent__in=organizations.filter(kind=OrganizationKind.POLICE_REGION))
        ).values("pk")
    )


def own_kommuner(organization: Organization) -> QuerySet[Organization]:
    """The kommuner in ``organization``'s own area."""
    return _kommuner_of(Organization.objects.filter(pk=organization.pk))


def kommuner_of_user(user: Any) -> QuerySet[Organization]:
    """The kommuner a mapping of ``user``'s may place rows in: those of the own areas of
    the organizations the user writes for (every kommun for the platform administrator)."""
    if user.is_superuser:
        return Organization.objects.filter(kind=OrganizationKind.KOMMUN)
    return _kommuner_of(Organization.objects.of_user(user, WRITE_ROLES))


def in_own_area(organization: Organization, kommun_id: int | None) -> bool:
    """Whether the kommun ``kommun_id`` lies in ``organization``'s own area."""
    return kommun_id is not None and own_kommuner(organization).filter(pk=kommun_id).exists()


def population_kommuner(user: Any, owner: Organization) -> set[int] | None:
    """The kommuner whose population ``user`` imports for ``owner``: None (every kommun)
    for the platform administrator, whose is the national population; for anyone else
    the kommuner of ``owner``'s own area, if ``user`` coordinates ``owner`` — never every
    kommun through a national organization (an empty set: nothing)."""
    if user is not None and user.is_superuser:
        return None
    if user is None or owner.kind == OrganizationKind.NATIONAL:
        return set()
    if not organizations_coordinated(user).filter(pk=owner.pk).exists():
        return set()
    return set(own_kommuner(owner).values_list("pk", flat=True))
