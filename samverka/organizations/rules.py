"""Role predicates (django-rules): composable, and read through ``user.has_perm``."""

from __future__ import annotations

from typing import Any

import rules

from samverka.tenancy.access import READ_ROLES, Role


@rules.predicate
def is_platform_admin(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def _has_role(user: Any, organization: Any, roles: tuple[str, ...]) -> bool:
    if not user.is_authenticated or not user.is_active or organization is None:
        return False
    return user.memberships.filter(organization=organization, role__in=roles).exists()


@rules.predicate
def is_coordinator_of(user: Any, organization: Any) -> bool:
    return _has_role(user, organization, (Role.COORDINATOR,))


@rules.predicate
def is_reader_of(user: Any, organization: Any) -> bool:
    return _has_role(user, organization, READ_ROLES)


@rules.predicate
def is_coordinator_anywhere(user: Any) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.memberships.filter(role=Role.COORDINATOR).exists()


rules.add_perm("organizations.view_members", is_platform_admin | is_reader_of)
rules.add_perm("organizations.manage_members", is_platform_admin | is_coordinator_of)
rules.add_perm("organizations.add_actor", is_platform_admin | is_coordinator_anywhere)
rules.add_perm("audit.view_trail", is_platform_admin | is_coordinator_anywhere)


@rules.predicate
def coordinates_a_party_kind(user: Any) -> bool:
    """Coordinators of a kommun or a local police area may record agreements."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.memberships.filter(
        role=Role.COORDINATOR, organization__kind__in=("kommun", "lpo")
    ).exists()


rules.add_perm("agreements.add_agreement", coordinates_a_party_kind)


@rules.predicate
def has_a_writing_role(user: Any) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.memberships.filter(role__in=(Role.COORDINATOR, Role.MEMBER)).exists()


rules.add_perm("sources.upload", has_a_writing_role)
rules.add_perm("sources.map_types", is_platform_admin | is_coordinator_anywhere)
