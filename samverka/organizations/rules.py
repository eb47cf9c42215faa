"""Role predicates (django-rules): composable, and read through ``user.has_perm``."""

from __future__ import annotations

from typing import Any

import rules

from samverka.tenancy.access import READ_ROLES, Role, memberships_of


@rules.predicate
def is_platform_admin(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def _has_role(user: Any, organization: Any, roles: tuple[str, ...]) -> bool:
    if not user.is_authenticated or not user.is_active or organization is None:
        return False
    return any(
        m.organization_id == organization.pk and m.role in roles for m in memberships_of(user)
    )


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
    return any(m.role == Role.COORDINATOR for m in memberships_of(user))


rules.add_perm("organizations.view_members", is_platform_admin | is_reader_of)
rules.add_perm("organizations.manage_members", is_platform_admin | is_coordinator_of)
rules.add_perm("organizations.add_actor", is_platform_admin | is_coordinator_anywhere)
rules.add_perm("audit.view_trail", is_platform_admin | is_coordinator_anywhere)


@rules.predicate
def coordinates_a_party_kind(user: Any) -> bool:
    """Coordinators of a kommun or a local police area may record agreements."""
    if not user.is_authenticated or not user.is_active:
        return False
    return any(
        m.role == Role.COORDINATOR and m.organization.kind in ("kommun", "lpo")
        for m in memberships_of(user)
    )


rules.add_perm("agreements.add_agreement", coordinates_a_party_kind)


@rules.predicate
def has_a_writing_role(user: Any) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return any(m.role in (Role.COORDINATOR, Role.MEMBER) for m in memberships_of(user))


rules.add_perm("sources.upload", has_a_writing_role)
rules.add_perm("sources.map_types", is_platform_admin | is_coordinator_anywhere)
