from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class PlatformAdminSite(AdminSite):
    site_header = _("samverka platform administration")
    site_title = _("samverka administration")
    index_title = _("Platform administration")

    def has_permission(self, request: HttpRequest) -> bool:
        # Staff status alone is not enough: only platform administrators enter.
        user = request.user
        return bool(user.is_active and user.is_superuser)


class PlatformAdminConfig(AdminConfig):
    """The Django admin, open to platform administrators only."""

    default_site = "samverka.shell.admin_site.PlatformAdminSite"
