from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "samverka.audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from samverka.audit import recorder

        # Each app registers its own models in its ready(); the trail imports none of them.
        recorder.connect_signals()
