from django.contrib import admin

from samverka.accounts.admin import UserAdmin
from samverka.organizations.models import County, Organization
from samverka.tenancy.models import Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


# A user's memberships are edited on the user's page; accounts knows nothing of organizations.
UserAdmin.inlines = [*UserAdmin.inlines, MembershipInline]


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "police_region"]
    search_fields = ["name", "code"]
    exclude = ["geometry"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality_code", "county", "population"]
    list_filter = ["kind", "county"]
    search_fields = ["name", "municipality_code"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["covers"]
    exclude = ["geometry"]
    autocomplete_fields = ["parent", "county"]
