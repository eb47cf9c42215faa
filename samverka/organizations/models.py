"""Organizations (the parties and other actors), the geography they cover, and memberships."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samverka.tenancy.access import AnyUser, Role, organizations_of


class County(models.Model):
    """A län, by its official two-digit länskod."""

    code = models.CharField(
        _("county code"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^\d{2}$", _("A county code has two digits."))],
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    police_region = models.ForeignKey(
        "Organization",
        on_delete=models.PROTECT,
        related_name="counties",
        null=True,
        blank=True,
        limit_choices_to={"kind": "police_region"},
        verbose_name=_("police region"),
    )
    geometry = models.JSONField(_("boundary (GeoJSON, WGS84)"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name


class OrganizationKind(models.TextChoices):
    KOMMUN = "kommun", _("Municipality")
    LOCAL_POLICE_AREA = "lpo", _("Local police area")
    POLICE_REGION = "police_region", _("Police region")
    NATIONAL = "national", _("National authority")
    REGION = "region", _("Region")
    COAST_GUARD = "coast_guard", _("Coast guard")
    RESCUE_SERVICE = "rescue_service", _("Rescue service")
    HOUSING_COMPANY = "housing_company", _("Housing company")
    BUSINESS_ASSOCIATION = "business_association", _("Business association")
    SCHOOL = "school", _("School")
    ASSOCIATION = "association", _("Association")
    OTHER = "other", _("Other actor")


# Kinds maintained by the reference data; users add only the other actors.
REFERENCE_KINDS = (
    OrganizationKind.KOMMUN,
    OrganizationKind.LOCAL_POLICE_AREA,
    OrganizationKind.POLICE_REGION,
)
# Kinds users may add themselves; national authorities are added by the platform administrator.
ACTOR_KINDS = tuple(
    kind for kind in OrganizationKind if kind not in (*REFERENCE_KINDS, OrganizationKind.NATIONAL)
)


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def of_user(self, user: AnyUser, roles: tuple[str, ...] | None = None) -> OrganizationQuerySet:
        """Organizations where ``user`` has a membership (with one of ``roles``, if given)."""
        all_roles = tuple(Role.values)
        return self.filter(pk__in=organizations_of(user, roles or all_roles))


class OrganizationManager(models.Manager["Organization"]):
    def get_queryset(self) -> OrganizationQuerySet:
        return OrganizationQuerySet(self.model, using=self._db).defer("geometry")

    def of_user(self, user: AnyUser, roles: tuple[str, ...] | None = None) -> OrganizationQuerySet:
        return self.get_queryset().of_user(user, roles)


class Organization(models.Model):
    """A party to an agreement or another actor: a kommun, a lokalpolisområde, a region, …"""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    municipality_code = models.CharField(
        _("municipality code"),
        max_length=4,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("A municipality code has four digits."))],
        help_text=_("SCB's four-digit kommunkod; municipalities only."),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="organizations",
        null=True,
        blank=True,
        verbose_name=_("county"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        verbose_name=_("part of"),
        help_text=_("For a local police area: its police region."),
    )
    covers = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="covered_by",
        blank=True,
        verbose_name=_("municipalities covered"),
        help_text=_("For a local police area: the municipalities it covers."),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    geometry = models.JSONField(_("boundary (GeoJSON, WGS84)"), null=True, blank=True)
    latitude = models.FloatField(_("latitude of centre"), null=True, blank=True)
    longitude = models.FloatField(_("longitude of centre"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # The boundary is large and drawn only by maps: loaded only when asked for.
    objects = OrganizationManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        indexes = [models.Index(fields=["kind", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="kommun", municipality_code__isnull=False)
                | (~models.Q(kind="kommun") & models.Q(municipality_code__isnull=True)),
                name="organization_code_iff_kommun",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", kwargs={"slug": self.slug})

    @property
    def is_reference(self) -> bool:
        """Maintained by the reference data (kommun, LPO, police region), not by users."""
        return self.kind in REFERENCE_KINDS

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.kind == OrganizationKind.KOMMUN:
            if not self.municipality_code:
                errors["municipality_code"] = _("A municipality needs its municipality code.")
            if self.county_id is None:
                errors["county"] = _("A municipality belongs to a county.")
        elif self.municipality_code:
            errors["municipality_code"] = _("Only municipalities have a municipality code.")
        if (
            self.kind == OrganizationKind.LOCAL_POLICE_AREA
            and self.parent is not None
            and self.parent.kind != OrganizationKind.POLICE_REGION
        ):
            errors["parent"] = _("A local police area is part of a police region.")
        if errors:
            raise ValidationError(errors)


class SubArea(models.Model):
    """An area a kommun draws itself (stadsdel, stadsområde, tätort), with its boundary."""

    kommun = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="sub_areas",
        limit_choices_to={"kind": OrganizationKind.KOMMUN},
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of area"), max_length=100, blank=True)
    geometry = models.JSONField(_("boundary (GeoJSON, WGS84)"), null=True, blank=True)
    # Where the boundary came from: the import that drew it last (who, which file, when).
    dataset = models.ForeignKey(
        "sources.Dataset",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported with"),
    )

    class Meta:
        ordering = ["kommun", "name"]
        verbose_name = _("sub-area")
        verbose_name_plural = _("sub-areas")
        constraints = [
            models.UniqueConstraint(fields=["kommun", "name"], name="sub_area_name_per_kommun")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kommun})"


class Invitation(models.Model):
    """An offer of a role in an organization, sent by e-mail. Nothing changes until the
    person accepts: signed in as the invited address, or by setting up a new account with
    it. Only a hash of the link's token is stored."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organization"),
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} – {self.organization} ({self.get_role_display()})"
