from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "samverka.organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from samverka.audit.recorder import Scope, register
        from samverka.organizations import attention  # noqa: F401  (registers providers)
        from samverka.organizations.models import County, Invitation, Organization, SubArea
        from samverka.tenancy.access import Visibility
        from samverka.tenancy.models import Membership

        register(
            County, scope=lambda c: Scope(visibility=Visibility.INTERNAL), exclude={"geometry"}
        )
        register(
            Organization,
            scope=lambda o: Scope(owner_id=o.pk),
            exclude={"geometry", "created_at", "updated_at"},
        )
        register(
            Membership,
            scope=lambda m: Scope(owner_id=m.organization_id),
            exclude={"created_at"},
        )

        # Who invited whom to which role, and when it was accepted; never the token.
        register(
            Invitation,
            scope=lambda invitation: Scope(owner_id=invitation.organization_id),
            exclude={"token_hash", "created_at"},
        )
        # A kommun's sub-areas: who drew or redrew which (the boundary itself is not copied).
        register(SubArea, scope=lambda area: Scope(owner_id=area.kommun_id), exclude={"geometry"})
