from django.contrib import admin

from samverka.agreements.models import Agreement


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_on", "ends_on", "status"]
    list_filter = ["status"]
    search_fields = ["title"]
    filter_horizontal = ["parties"]
