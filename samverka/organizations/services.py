"""Multi-step changes to organizations and memberships, each one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samverka.accounts.models import User
from samverka.lib.throttle import allow
from samverka.organizations.models import Invitation, Organization
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership

RESERVED_SLUGS = {"ny", "inbjudan"}  # paths of the organizations app itself


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


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send_invitation(request: HttpRequest, invitation: Invitation, token: str) -> None:
    path = reverse("organizations:invitation", kwargs={"token": token})
    context = {
        "organization": invitation.organization,
        "role": invitation.get_role_display().lower(),
        "invited_by": request.user,
        "link": request.build_absolute_uri(path),
    }
    send_mail(
        subject=_("You have been invited to samverka"),
        message=render_to_string("organizations/invitation_email.txt", context, request=request),
        from_email=None,
        recipient_list=[invitation.email],
    )


@transaction.atomic
def invite_member(
    request: HttpRequest, organization: Organization, *, email: str, role: str
) -> Invitation:
    """Invite a person by e-mail to a role. Nothing about the address's account is read
    or changed: the person accepts (or not) by following the link in the e-mail."""
    email = User.objects.normalize_email(email).lower()
    if Membership.objects.filter(user__email__iexact=email, organization=organization).exists():
        # The coordinator sees the organization's members anyway: this tells nothing new.
        raise ValidationError(
            {
                "email": _("%(email)s is already a member of %(organization)s.")
                % {"email": email, "organization": organization}
            }
        )
    if not (
        allow("invitation-address", email, settings.INVITATION_LIMIT_PER_ADDRESS)
        and allow("invitation-sender", str(request.user.pk), settings.INVITATION_LIMIT_PER_SENDER)
    ):
        raise ValidationError(
            _("Too many invitations to this address or from you: try again in an hour.")
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        invited_by=request.user if request.user.is_authenticated else None,
        token_hash=_token_hash(token),
    )
    transaction.on_commit(lambda: _send_invitation(request, invitation, token))
    return invitation


def open_invitation(token: str) -> Invitation | None:
    """The invitation of a link's token, if it is still open (not accepted, not too old)."""
    oldest = timezone.now() - dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    return (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=_token_hash(token), accepted_at__isnull=True, created_at__gte=oldest)
        .first()
    )


@transaction.atomic
def accept_invitation(invitation: Invitation, user: User) -> Membership:
    """The invited person, signed in as the invited address, accepts: the role is theirs
    (a membership they already have keeps its role)."""
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(_("The invitation is for another e-mail address."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("The invitation has already been accepted."))
    membership, _created = Membership.objects.get_or_create(
        user=user, organization=invitation.organization, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def set_up_account(
    invitation: Invitation, *, first_name: str, last_name: str, title: str, password: str
) -> Membership:
    """A person new to samverka sets up their account from the invitation and accepts it."""
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("The address already has an account: sign in to accept."))
    user = User.objects.create_user(
        email=invitation.email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        title=title,
    )
    return accept_invitation(invitation, user)


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
