from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstConfig(AppConfig):
    name = "samverka.est"
    verbose_name = _("EST reporting")

    def ready(self) -> None:
        from samverka.audit.recorder import Scope, register
        from samverka.est.models import Observation, Report

        def of_report(obj: Any) -> Scope:
            report = getattr(obj, "report", obj)
            return Scope(report.kommun_id, report.agreement_id)

        from samverka.est.attention import est_items
        from samverka.lib.attention import provider

        provider(est_items)
        register(Report, scope=of_report, exclude={"updated_at"})
        register(Observation, scope=of_report)
