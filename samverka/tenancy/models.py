"""The rows the access policy reads: a user's role in an organization (membership) and
an organization's place among an agreement's parties. Both refer to the domain models by
label only, so no domain app is imported from here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverka.tenancy.access import Role


class Membership(models.Model):
    """A user's role in one organization."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "organizations_membership"
        ordering = ["organization__name", "user__last_name", "user__first_name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_one_role_per_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organization} ({self.get_role_display()})"


class AgreementParty(models.Model):
    """An organization is a party of an agreement: what makes shared content readable."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, verbose_name=_("agreement")
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, verbose_name=_("party")
    )

    class Meta:
        db_table = "agreements_agreement_parties"
        verbose_name = _("party of an agreement")
        verbose_name_plural = _("parties of agreements")
        unique_together = [("agreement", "organization")]

    def __str__(self) -> str:
        return f"{self.organization} – {self.agreement}"


class PartyApproval(models.Model):
    """A party's coordinator approved a joint thing (a promise, external information) as
    it stood then. Concrete approvals add the thing approved and their own constraint."""

    party = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("party"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_on = models.DateField(_("approved on"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.party} {self.approved_on}"
