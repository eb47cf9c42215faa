from django.contrib import admin

from samverka.agreements.models import Agreement
from samverka.tenancy.models import AgreementParty


class PartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_on", "ends_on", "status"]
    list_filter = ["status"]
    search_fields = ["title"]
    inlines = [PartyInline]
