from django.apps import AppConfig


class TenancyConfig(AppConfig):
    """The bottom floor: roles, visibility and the one access policy. It imports no domain
    app; it reaches organizations, memberships and agreements by model label only."""

    name = "samverka.tenancy"
