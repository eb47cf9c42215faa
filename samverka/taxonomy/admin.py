from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from samverka.taxonomy.models import Category, TaxonomyVersion


@admin.register(TaxonomyVersion)
class TaxonomyVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "published_on"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """A published version is not edited: a new version is added beside it."""

    list_display = ["code", "label_sv", "label_en", "parent", "version"]
    list_filter = ["version"]
    search_fields = ["code", "label_sv", "label_en"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
