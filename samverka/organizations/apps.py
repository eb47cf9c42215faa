from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "samverka.organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from samverka.organizations import attention  # noqa: F401  (registers providers)
