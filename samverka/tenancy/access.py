"""The one access policy (DESIGN.md, "Security and privacy"; issue 12, "Tenancy at the bottom").

This module is the bottom floor: it imports no domain app. It reaches organizations,
memberships and agreements by their model labels only.

Every piece of content has an owning organization and a visibility:

* ``internal``: readable by the owning organization only;
* ``shared``: readable by every party of the agreement it belongs to (and, for a model
  whose policy names ``also_shared``, of every further agreement it is shared with);
* ``public``: readable by anyone, once it is published (``published_at`` set).
  Until then it is readable as if it were shared.

Reading is for memberships with a reading role (coordinator, member, viewer); a
reporter reports EST events and reads only what is public. Changing is for the
owner's coordinators and members.

Every view, form choice list, comparison, export, document and task gets its objects
through :func:`restrict` (``restrict(queryset, user, action)``, action one of ``view``,
``change``, ``coordinate``, ``administer``) or :func:`get_or_404`. Each model declares its
policy in one place, its ``access_policy`` (a :class:`Policy`: the lookups from the model to
its visibility fields and to the organizations whose members change or coordinate it).
The querysets' ``visible_to`` / ``editable_by`` / ``coordinated_by`` are the same policy.
Nothing else decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypeVar

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from samverka.lib import memo

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from samverka.accounts.models import User

    AnyUser: TypeAlias = User | AnonymousUser
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
COORDINATOR_ROLES = (Role.COORDINATOR,)

Action = Literal["view", "change", "coordinate", "administer"]
VIEW: Action = "view"
CHANGE: Action = "change"
COORDINATE: Action = "coordinate"
ADMINISTER: Action = "administer"
ACTIONS: tuple[Action, ...] = (VIEW, CHANGE, COORDINATE, ADMINISTER)


def memberships_of(user: AnyUser) -> list[Any]:
    """``user``'s memberships, each with its organization (without its boundary), by the
    organization's name. Asked once per request that only reads (:mod:`samverka.lib.memo`):
    every access check, the menu and the start page use the same answer."""
    if not _active(user):
        return []
    Membership = apps.get_model("tenancy", "Membership")

    def read() -> list[Any]:
        return list(
            Membership.objects.filter(user=user)
            .select_related("organization")
            .defer("organization__geometry")
            .order_by("organization__name", "pk")
        )

    return memo.remember(("memberships", user.pk), read)


def organizations_of(
    user: AnyUser, roles: tuple[str, ...] = READ_ROLES
) -> models.QuerySet[Any] | list[int]:
    """The organizations in which ``user`` holds one of ``roles``, for an ``__in`` lookup: a
    subquery, or inside a request that only reads their ids (from :func:`memberships_of`,
    asked once), so that each access check neither repeats nor nests the question."""
    Membership = apps.get_model("tenancy", "Membership")
    if not _active(user):
        return Membership.objects.none().values("organization")
    if memo.active():
        return [m.organization_id for m in memberships_of(user) if m.role in roles]
    return Membership.objects.filter(user=user, role__in=roles).values("organization")


def organization_ids_of(user: AnyUser, roles: tuple[str, ...] = READ_ROLES) -> set[int]:
    """The ids of the organizations in which ``user`` holds one of ``roles``, as a set."""
    found = organizations_of(user, roles)
    if isinstance(found, list):
        return set(found)
    return set(found.values_list("organization", flat=True))


def organizations_coordinated(user: AnyUser) -> models.QuerySet[Any]:
    """The organizations for which ``user`` imports reference data (population, sub-areas):
    those ``user`` coordinates; every organization for the platform administrator."""
    Organization = apps.get_model("organizations", "Organization")
    if _active(user) and user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(pk__in=organizations_of(user, COORDINATOR_ROLES))


def agreements_of(user: AnyUser, roles: tuple[str, ...] = READ_ROLES) -> models.QuerySet[Any]:
    """The agreements to which one of ``user``'s organizations is a party (a subquery)."""
    Agreement = apps.get_model("agreements", "Agreement")
    parties = Agreement.parties.through.objects.filter(
        organization__in=organizations_of(user, roles)
    )
    return parties.values("agreement")


def writing_party(user: AnyUser, agreement_id: int | None) -> Any:
    """The party of the agreement in whose name ``user`` writes (the first of the user's
    organizations with a writing role that is a party), or None."""
    Organization = apps.get_model("organizations", "Organization")
    if agreement_id is None:
        return None
    return (
        Organization.objects.filter(agreements=agreement_id)
        .filter(pk__in=organizations_of(user, WRITE_ROLES))
        .order_by("kind", "name")
        .first()
    )


def _shared_with(prefix: str, agreements: Any, also_shared: str | None) -> Q:
    """Shared (or public, not yet published) with one of ``agreements``: the content's
    agreement, or one of the further agreements ``also_shared`` reaches."""
    shared = (Visibility.SHARED, Visibility.PUBLIC)
    condition = Q(**{f"{prefix}visibility__in": shared, f"{prefix}agreement__in": agreements})
    if also_shared:
        condition |= Q(
            **{f"{prefix}visibility__in": shared, f"{prefix}{also_shared}__in": agreements}
        )
    return condition


def visibility_q(user: AnyUser, prefix: str = "", also_shared: str | None = None) -> Q:
    """The condition under which ``user`` may read content; ``prefix`` reaches a related object,
    ``also_shared`` (from the content) the further agreements it is shared with."""
    public = Q(**{f"{prefix}visibility": Visibility.PUBLIC, f"{prefix}published_at__isnull": False})
    if not user.is_authenticated or not user.is_active:
        return public
    return (
        public
        | Q(**{f"{prefix}owner__in": organizations_of(user)})
        | _shared_with(prefix, agreements_of(user), also_shared)
    )


def _active(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


@dataclass(frozen=True)
class Policy:
    """Who may do what with a model's rows, as lookups from the model.

    ``content``: the prefix of the visibility fields (``visibility``, ``published_at``,
    ``owner``, ``agreement``) that decide reading, e.g. ``""`` for content itself or
    ``"plan__"`` for what belongs to a plan; None when reading is decided by ``parties``.
    ``parties``: the organizations whose reading members read the row (a joint thing
    such as an agreement); ``published``: the field that makes it readable by anyone.
    ``also_readers``: further (lookup, roles) pairs whose organizations' members in those
    roles read the row too (e.g. the coordinators of a party asked to join).
    ``changers`` / ``coordinators``: the organizations whose writing members change it,
    whose coordinators coordinate it (adopt, decide for the parties).
    ``also_shared``: a lookup from the content to further agreements it is shared with
    (a dataset shared with the parties of several agreements), beside its ``agreement``.
    ``public_flag``: a boolean field that, once its changers set it, makes the row readable
    by anyone (a measure its responsible organization shows on the kommun's public page).
    ``authors``: a lookup to the user who wrote the row: that user reads and changes it,
    whatever the role (a reporter's own EST reports); ``changers`` empty: nobody else does.
    ``administer`` is the platform administrator's, for every model.
    """

    content: str | None = ""
    also_shared: str | None = None
    parties: str | None = None
    published: str | None = None
    also_readers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    changers: str = "owner"
    coordinators: str = "owner"
    public_flag: str | None = None
    authors: str | None = None

    def condition(self, user: AnyUser, action: Action) -> Q:
        if action == VIEW:
            return self._view(user)
        if action == CHANGE:
            condition = (
                Q(**{f"{self.changers}__in": organizations_of(user, WRITE_ROLES)})
                if self.changers
                else Q(pk__in=[])
            )
            return condition | self._by_author(user)
        if action == COORDINATE:
            return Q(**{f"{self.coordinators}__in": organizations_of(user, COORDINATOR_ROLES)})
        raise ValueError(f"unknown action {action!r}")

    def _view(self, user: AnyUser) -> Q:
        if self.content is not None:
            condition = visibility_q(user, self.content, self.also_shared)
            if self.public_flag:
                condition |= Q(**{self.public_flag: True})
            return condition
        condition = Q(**{f"{self.published}__isnull": False}) if self.published else Q(pk__in=[])
        if _active(user) and self.parties:
            condition |= Q(**{f"{self.parties}__in": organizations_of(user)})
        if _active(user):
            for lookup, roles in self.also_readers:
                condition |= Q(**{f"{lookup}__in": organizations_of(user, roles)})
        return condition | self._by_author(user)

    def _by_author(self, user: AnyUser) -> Q:
        if self.authors and _active(user):
            return Q(**{self.authors: user.pk})
        return Q(pk__in=[])

    def crosses_many(self, action: Action) -> bool:
        """Whether the lookup may match a row more than once (through a many-to-many)."""
        if action == VIEW and self.content is None and self.also_readers:
            return True
        if action == VIEW and self.content is not None and self.also_shared:
            return True
        lookup = {
            VIEW: self.parties if self.content is None else None,
            CHANGE: self.changers,
            COORDINATE: self.coordinators,
        }.get(action)
        return bool(lookup and "parties" in lookup)


CONTENT_POLICY = Policy()


def policy_of(model: type[models.Model]) -> Policy:
    policy = getattr(model, "access_policy", None)
    if not isinstance(policy, Policy):
        raise TypeError(f"{model._meta.label} declares no access_policy")
    return policy


_M = TypeVar("_M", bound=models.Model)


def restrict(queryset: models.QuerySet[_M], user: AnyUser, action: Action) -> models.QuerySet[_M]:
    """The rows of ``queryset`` on which ``user`` may do ``action``: the one policy entry point."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if action == ADMINISTER:
        return queryset if _active(user) and user.is_superuser else queryset.none()
    policy = policy_of(queryset.model)
    condition = policy.condition(user, action)
    if policy.crosses_many(action):
        # One row per object, without DISTINCT on the caller's query.
        return queryset.filter(
            pk__in=queryset.model._default_manager.filter(condition).values("pk")
        )
    return queryset.filter(condition)


def public_only(queryset: models.QuerySet[_M]) -> models.QuerySet[_M]:
    """The rows of ``queryset`` anyone reads, signed in or not: what a public page shows
    (whoever looks at it, so that it is the same page for everyone and may be cached)."""
    from django.contrib.auth.models import AnonymousUser

    return restrict(queryset, AnonymousUser(), VIEW)


def readable_by_parties(
    queryset: models.QuerySet[_M], agreement_id: int | None
) -> models.QuerySet[_M]:
    """The rows of ``queryset`` that every party of the agreement ``agreement_id`` reads,
    whoever the user: published public content, and content shared with that agreement.
    What a joint thing of the agreement (its lägesbild, its plan) may be built on."""
    policy = policy_of(queryset.model)
    if policy.content is None:
        raise TypeError(f"{queryset.model._meta.label} is not content with a visibility")
    prefix = policy.content
    condition = Q(
        **{f"{prefix}visibility": Visibility.PUBLIC, f"{prefix}published_at__isnull": False}
    ) | _shared_with(prefix, [agreement_id] if agreement_id else [], policy.also_shared)
    if policy.also_shared:
        return queryset.filter(
            pk__in=queryset.model._default_manager.filter(condition).values("pk")
        )
    return queryset.filter(condition)


class PolicyQuerySet(models.QuerySet[_M]):
    """A queryset that answers the model's policy by name."""

    def visible_to(self, user: AnyUser) -> Any:
        return restrict(self, user, VIEW)

    def editable_by(self, user: AnyUser) -> Any:
        return restrict(self, user, CHANGE)

    def coordinated_by(self, user: AnyUser) -> Any:
        return restrict(self, user, COORDINATE)


class VisibleQuerySet(PolicyQuerySet[_M]):
    pass


class VisibleContent(models.Model):
    """Abstract base for every piece of content that has an owner and a visibility."""

    access_policy = CONTENT_POLICY

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

    def shared_with_an_agreement(self) -> bool:
        """Whether there is an agreement whose parties shared content is shared with."""
        return self.agreement_id is not None

    def clean(self) -> None:
        super().clean()
        if self.visibility == Visibility.SHARED and not self.shared_with_an_agreement():
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


def get_or_404(
    queryset: models.QuerySet[_M], user: AnyUser, action: Action = VIEW, **lookup: Any
) -> _M:
    """The object, if ``user`` may do ``action`` on it: 404 when ``user`` may not read it (so
    its existence does not leak), 403 when ``user`` reads it but may not do ``action``."""
    try:
        obj = restrict(queryset, user, VIEW).get(**lookup)
    except ObjectDoesNotExist:
        raise Http404 from None
    if action != VIEW and not restrict(queryset, user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj
