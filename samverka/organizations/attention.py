from collections.abc import Iterator
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from samverka.lib.attention import AttentionItem, provider
from samverka.organizations.models import Organization
from samverka.tenancy.access import Role, memberships_of


@provider
def memberships(user: Any) -> Iterator[AttentionItem]:
    if memberships_of(user):
        return
    if user.is_superuser:
        yield AttentionItem(
            title=_("You administer the platform"),
            text=_(
                "Add the people of each municipality and local police area as members "
                "of their organization, with at least one coordinator each."
            ),
            url=reverse("admin:index"),
            link_text=_("Open the administration"),
        )
        return
    yield AttentionItem(
        title=_("You are not a member of any organization yet"),
        text=_(
            "Ask the coordinator of your municipality or local police area to add you. "
            "Until then you see only what is public."
        ),
        level="warning",
    )


@provider
def lonely_coordinators(user: Any) -> Iterator[AttentionItem]:
    if not any(m.role == Role.COORDINATOR for m in memberships_of(user)):
        return
    organizations = (
        Organization.objects.of_user(user, (Role.COORDINATOR,))
        .annotate(members=Count("memberships"))
        .filter(members__lt=2)
    )
    for organization in organizations:
        yield AttentionItem(
            title=_("You are alone in %(organization)s") % {"organization": organization},
            text=_("Add your colleagues, so that the work does not rest on one person."),
            url=reverse("organizations:member_add", kwargs={"slug": organization.slug}),
            link_text=_("Add a member"),
        )
