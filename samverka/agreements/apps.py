from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "samverka.agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        from samverka.agreements import attention  # noqa: F401  (registers providers)
