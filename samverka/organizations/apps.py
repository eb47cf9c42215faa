from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "samverka.organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from samverka.audit.recorder import Scope, register
        from samverka.organizations import attention  # noqa: F401  (registers providers)
        from samverka.organizations.models import Invitation

        # Who invited whom to which role, and when it was accepted; never the token.
        register(
            Invitation,
            scope=lambda invitation: Scope(owner_id=invitation.organization_id),
            exclude={"token_hash", "created_at"},
        )
