"""Multi-step changes to organizations and memberships, each one transaction."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samverka.accounts.models import User
from samverka.core.access import Role
from samverka.organizations.models import Membership, Organization

RESERVED_SLUGS = {"ny"}  # paths of the organizations app itself


def unique_slug(name: str) -> str:
    base = slugify(name)[:90] or "organisation"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_actor(*, name: str, kind: str, county_id: int | None, created_by: User) -> Organization:
    """Add another actor (housing company, school, …); its creator coordinates it at first."""
    organization = Organization(name=name, kind=kind, county_id=county_id, slug=unique_slug(name))
    organization.full_clean()
    organization.save()
    if not created_by.is_superuser:
        Membership.objects.create(user=created_by, organization=organization, role=Role.COORDINATOR)
    return organization


def _send_invitation(request: HttpRequest, user: User, organization: Organization) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    context = {
        "user": user,
        "organization": organization,
        "invited_by": request.user,
        "link": request.build_absolute_uri(path),
    }
    send_mail(
        subject=_("You have been invited to samverka"),
        message=render_to_string("organizations/invitation_email.txt", context, request=request),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def add_member(
    request: HttpRequest,
    organization: Organization,
    *,
    email: str,
    first_name: str,
    last_name: str,
    title: str,
    role: str,
) -> Membership:
    """Give a person a role; a person new to samverka gets an invitation to set a password."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    invited = user is None
    if user is None:
        user = User.objects.create_user(
            email=email, first_name=first_name, last_name=last_name, title=title
        )
    elif Membership.objects.filter(user=user, organization=organization).exists():
        raise ValidationError(
            {
                "email": _("%(email)s is already a member of %(organization)s.")
                % {"email": email, "organization": organization}
            }
        )
    else:
        # A person already in samverka keeps the name they gave; blanks are filled in.
        given = {"first_name": first_name, "last_name": last_name, "title": title}
        filled = [name for name, value in given.items() if value and not getattr(user, name)]
        for name in filled:
            setattr(user, name, given[name])
        if filled:
            user.save(update_fields=filled)
    membership = Membership.objects.create(user=user, organization=organization, role=role)
    if invited:
        transaction.on_commit(lambda: _send_invitation(request, user, organization))
    return membership


def is_last_coordinator(membership: Membership) -> bool:
    return (
        membership.role == Role.COORDINATOR
        and not Membership.objects.filter(
            organization=membership.organization_id, role=Role.COORDINATOR
        )
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def change_role(membership: Membership, role: str) -> Membership:
    if role != Role.COORDINATOR and is_last_coordinator(membership):
        raise ValidationError({"role": _("An organization must keep at least one coordinator.")})
    membership.role = role
    membership.save()
    return membership


@transaction.atomic
def remove_member(membership: Membership) -> None:
    if is_last_coordinator(membership):
        raise ValidationError(_("An organization must keep at least one coordinator."))
    membership.delete()
