from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    """The bottom floor: roles, visibility and the one access policy. It imports no domain
    app; it reaches organizations, memberships and agreements by model label only."""

    name = "samverka.tenancy"
    verbose_name = _("Access and memberships")
