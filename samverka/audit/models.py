"""The audit trail: who changed what, when, from what to what.

Entries are written by :mod:`samverka.audit.recorder` in the same transaction as
the change. They are append-only: the references they hold (actor, owner,
agreement, object) are plain ids without database constraints, so deleting the
thing an entry is about never changes or removes the entry.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverka.tenancy.access import (
    AnyUser,
    Visibility,
    VisibleQuerySet,
    agreements_of,
    organizations_of,
)


class AuditQuerySet(VisibleQuerySet["AuditEntry"]):
    def readable_by(self, user: AnyUser) -> AuditQuerySet:
        """The history of what the owner's organization and the agreement's parties keep.

        Unlike the content, the history of published content is not public: its entries
        name related things (the agreement, the owner) by their labels as they were, and
        those are not all published.
        """
        return self.filter(
            models.Q(owner__in=organizations_of(user))
            | models.Q(
                visibility__in=(Visibility.SHARED, Visibility.PUBLIC),
                agreement__in=agreements_of(user),
            )
        )


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")


class AuditEntry(models.Model):
    timestamp = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=300)
    action = models.CharField(_("action"), max_length=8, choices=AuditAction.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of object")
    )
    object_pk = models.CharField(_("object id"), max_length=64)
    object_label = models.CharField(_("object"), max_length=300)
    changes = models.JSONField(_("changes"), default=dict)
    # Who may read the entry: the visibility of the object at the time of the change.
    owner = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("owning organization"),
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("agreement"),
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    published_at = models.DateTimeField(null=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-timestamp", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["content_type", "object_pk"])]

    def __str__(self) -> str:
        return (
            f"{self.timestamp:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit entries cannot be deleted.")
