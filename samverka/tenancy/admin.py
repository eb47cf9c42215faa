from django.contrib import admin

from samverka.tenancy.models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role", "organization__kind"]
    search_fields = ["user__email", "user__last_name", "organization__name"]
    autocomplete_fields = ["user", "organization"]
