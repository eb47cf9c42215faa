from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from samverka.sources.models import Dataset, Event, ImportJob, TypeMapping


class ReadOnlyAdmin(admin.ModelAdmin):
    """Imported data is changed by imports and withdrawals, never by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dataset)
class DatasetAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "owner", "status", "rows_imported", "imported_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "file_name", "sha256"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["source_type", "occurred_at", "kommun", "county", "category"]
    list_filter = ["source", "place_precision"]
    search_fields = ["external_id", "source_type"]
    list_select_related = ["kommun", "county", "category"]
    raw_id_fields = ["dataset"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "kind", "owner", "status", "progress", "created_at"]


@admin.register(TypeMapping)
class TypeMappingAdmin(admin.ModelAdmin):
    list_display = ["source", "source_type", "owner", "category", "mapped_by", "mapped_at"]
    list_filter = ["source"]
