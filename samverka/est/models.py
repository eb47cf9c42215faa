"""EST reports (Effektiv samordning för trygghet): what staff of the kommun, housing
companies, security companies and the police saw this week, filed from a phone.

A :class:`Report` is filed by one user of an organization that is a party of the
agreement, under an idempotency key made on the device (a report queued offline and
sent twice is stored once). It holds one or several :class:`Observation`\\ s. A
coordinator of the agreement's kommun reviews each observation: accepted ones become
events of the agreement's EST dataset (:mod:`samverka.est.services`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverka.est import categories
from samverka.tenancy.access import COORDINATOR_ROLES, Policy, PolicyQuerySet

# How long a reporter may correct a report after filing it.
CORRECTION_WINDOW = dt.timedelta(days=7)
DESCRIPTION_MAX = 500


class Report(models.Model):
    # Read by its author and the coordinators of the agreement's kommun; changed by its
    # author only (for a week, see ``correctable``); reviewed by those coordinators.
    access_policy = Policy(
        content=None,
        also_readers=(("kommun", COORDINATOR_ROLES),),
        authors="reported_by",
        changers="",
        coordinators="kommun",
    )

    key = models.UUIDField(_("key of the report"), unique=True, editable=False)
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agreement"),
    )
    kommun = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reporting organization"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by"),
    )
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("EST report")
        verbose_name_plural = _("EST reports")

    def __str__(self) -> str:
        return f"{self.organization} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("est:edit", kwargs={"pk": self.pk})

    @property
    def correctable_until(self) -> dt.datetime:
        return self.created_at + CORRECTION_WINDOW

    def correctable(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) < self.correctable_until


class ObservationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    MERGED = "merged", _("Merged into another observation")
    REJECTED = "rejected", _("Rejected")


class Observation(models.Model):
    access_policy = Policy(
        content=None,
        also_readers=(("report__kommun", COORDINATOR_ROLES),),
        authors="report__reported_by",
        changers="",
        coordinators="report__kommun",
    )

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="observations")
    category = models.CharField(_("category"), max_length=32, choices=categories.choices)
    sub_area = models.ForeignKey(
        "organizations.SubArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sub-area"),
    )
    place_name = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(
        _("accuracy of the position (m)"), null=True, blank=True
    )
    starts_at = models.DateTimeField(_("when"))
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    people = models.PositiveSmallIntegerField(_("number of people"), null=True, blank=True)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ObservationStatus.choices,
        default=ObservationStatus.PENDING,
    )
    reason = models.TextField(_("reason"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    event = models.OneToOneField(
        "sources.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("event"),
    )

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("EST observation")
        verbose_name_plural = _("EST observations")

    def __str__(self) -> str:
        return f"{self.get_category_display()} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("est:observation", kwargs={"pk": self.pk})

    @property
    def named_place(self) -> str:
        """The sub-area and the place's name, as the reporter chose them."""
        return ", ".join(
            p for p in (self.sub_area.name if self.sub_area else "", self.place_name) if p
        )

    @property
    def place(self) -> str:
        parts = [self.named_place] if self.named_place else []
        if self.latitude is not None and self.longitude is not None:
            parts.append(f"{self.latitude:.5f}, {self.longitude:.5f}")
        return ", ".join(parts)


class EstDataset(models.Model):
    """The dataset of an agreement's accepted EST observations: one per agreement and kommun."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="+"
    )
    kommun = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    dataset = models.OneToOneField("sources.Dataset", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("EST dataset")
        verbose_name_plural = _("EST datasets")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "kommun"], name="est_dataset_once")
        ]

    def __str__(self) -> str:
        return str(self.dataset)
