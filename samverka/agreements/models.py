"""The samverkansöverenskommelse: the container every later piece of work hangs on.

This is the core of the model (parties, period, status); revisions, signatories,
priority areas and the yearly cycle build on it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samverka.core.access import WRITE_ROLES, AnyUser, Role, organizations_of


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired")
    REPLACED = "replaced", _("Replaced")


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def visible_to(self, user: AnyUser) -> AgreementQuerySet:
        """Parties' members read an agreement; anyone reads it once it is published."""
        published = Q(published_at__isnull=False)
        if not user.is_authenticated:
            return self.filter(published)
        return self.filter(published | Q(parties__in=organizations_of(user))).distinct()

    def of_user(self, user: AnyUser) -> AgreementQuerySet:
        """Agreements to which one of the user's organizations is a party (reading roles)."""
        return self.filter(parties__in=organizations_of(user)).distinct()

    def editable_by(self, user: AnyUser) -> AgreementQuerySet:
        return self.filter(parties__in=organizations_of(user, WRITE_ROLES)).distinct()

    def coordinated_by(self, user: AnyUser) -> AgreementQuerySet:
        return self.filter(parties__in=organizations_of(user, (Role.COORDINATOR,))).distinct()


class Agreement(models.Model):
    title = models.CharField(_("title"), max_length=300)
    parties = models.ManyToManyField(
        "organizations.Organization", related_name="agreements", verbose_name=_("parties")
    )
    starts_on = models.DateField(_("in force from"))
    ends_on = models.DateField(_("in force until"))
    status = models.CharField(
        _("status"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="agreement_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The agreement cannot end before it starts.")})
