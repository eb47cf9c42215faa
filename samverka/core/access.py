"""The one permission entry point for content (DESIGN.md, "Security and privacy").

Every piece of content has an owning organization and a visibility:

* ``internal``: readable by the owning organization only;
* ``shared``: readable by every party of the agreement it belongs to;
* ``public``: readable by anyone, once it is published (``published_at`` set).
  Until then it is readable as if it were shared.

Reading is for memberships with a reading role (coordinator, member, viewer); a
reporter reports EST events and reads only what is public. Changing is for the
owner's coordinators and members.

Every view, API call, export and report gets its objects through
``Model.objects.visible_to(user)`` or ``editable_by(user)``, or through
:func:`get_visible_or_404` / :func:`get_editable_or_404`. Nothing else decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from samverka.accounts.models import User

    AnyUser = User | AnonymousUser
else:
    AnyUser = Any


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("Internal to the owning organization")
    SHARED = "shared", _("Shared with the parties of the agreement")
    PUBLIC = "public", _("Public once published")


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    MEMBER = "member", _("Member")
    REPORTER = "reporter", _("Reporter")
    VIEWER = "viewer", _("Viewer")


READ_ROLES = (Role.COORDINATOR, Role.MEMBER, Role.VIEWER)
WRITE_ROLES = (Role.COORDINATOR, Role.MEMBER)


def organizations_of(user: AnyUser, roles: tuple[str, ...] = READ_ROLES) -> models.QuerySet[Any]:
    """The organizations in which ``user`` holds one of ``roles`` (a subquery)."""
    from samverka.organizations.models import Membership

    if not user.is_authenticated or not user.is_active:
        return Membership.objects.none().values("organization")
    return Membership.objects.filter(user=user, role__in=roles).values("organization")


def agreements_of(user: AnyUser, roles: tuple[str, ...] = READ_ROLES) -> models.QuerySet[Any]:
    """The agreements to which one of ``user``'s organizations is a party (a subquery)."""
    from samverka.agreements.models import Agreement

    return Agreement.objects.filter(parties__in=organizations_of(user, roles)).values("pk")


def writing_party(user: AnyUser, agreement_id: int | None) -> Any:
    """The party of the agreement in whose name ``user`` writes (the first of the user's
    organizations with a writing role that is a party), or None."""
    from samverka.organizations.models import Organization

    if agreement_id is None:
        return None
    return (
        Organization.objects.filter(agreements=agreement_id)
        .filter(pk__in=organizations_of(user, WRITE_ROLES))
        .order_by("kind", "name")
        .first()
    )


def visibility_q(user: AnyUser, prefix: str = "") -> Q:
    """The condition under which ``user`` may read content; ``prefix`` reaches a related object."""
    public = Q(**{f"{prefix}visibility": Visibility.PUBLIC, f"{prefix}published_at__isnull": False})
    if not user.is_authenticated or not user.is_active:
        return public
    return (
        public
        | Q(**{f"{prefix}owner__in": organizations_of(user)})
        | Q(
            **{
                f"{prefix}visibility__in": (Visibility.SHARED, Visibility.PUBLIC),
                f"{prefix}agreement__in": agreements_of(user),
            }
        )
    )


_M = TypeVar("_M", bound=models.Model)


class VisibleQuerySet(models.QuerySet[_M]):
    def visible_to(self, user: AnyUser) -> VisibleQuerySet[_M]:
        return self.filter(visibility_q(user))

    def editable_by(self, user: AnyUser) -> VisibleQuerySet[_M]:
        return self.filter(owner__in=organizations_of(user, WRITE_ROLES))


class VisibleContent(models.Model):
    """Abstract base for every piece of content that has an owner and a visibility."""

    owner = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owning organization"),
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("agreement"),
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    owner_id: int
    agreement_id: int | None

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.visibility == Visibility.SHARED and self.agreement_id is None:
            raise ValidationError({"agreement": _("Shared content must belong to an agreement.")})
        if (
            self.agreement_id is not None
            and self.owner_id is not None
            and self.agreement is not None
            and not self.agreement.parties.filter(pk=self.owner_id).exists()
        ):
            raise ValidationError(
                {"owner": _("The owning organization must be a party of the agreement.")}
            )
        if self.published_at is not None and self.visibility != Visibility.PUBLIC:
            raise ValidationError({"published_at": _("Only public content can be published.")})


def get_visible_or_404(queryset: VisibleQuerySet[_M], user: AnyUser, **lookup: Any) -> _M:
    """The object, if ``user`` may read it; else 404, so its existence does not leak."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except ObjectDoesNotExist:
        raise Http404 from None


def get_editable_or_404(queryset: VisibleQuerySet[_M], user: AnyUser, **lookup: Any) -> _M:
    """The object, if ``user`` may change it; 404 if unreadable, 403 if only readable."""
    obj = get_visible_or_404(queryset, user, **lookup)
    if not queryset.editable_by(user).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj
