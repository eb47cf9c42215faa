from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "samverka.audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from samverka.audit import recorder

        recorder.connect_signals()
        recorder.register_defaults()
