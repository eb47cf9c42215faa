from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from samverka.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail can be read, never edited, added to or pruned here."""

    list_display = ["timestamp", "actor_label", "action", "content_type", "object_label"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_label", "actor_label"]
    date_hierarchy = "timestamp"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
