from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    name = "samverka.sources"
    verbose_name = _("Sources")

    def ready(self) -> None:
        from samverka.audit.recorder import Scope, register
        from samverka.sources import dataversion
        from samverka.sources.models import Dataset, TypeMapping

        # Events and rejected rows are bulk data: their provenance is their dataset.
        register(Dataset, exclude={"progress", "rows_read", "updated_at"})
        register(TypeMapping, scope=lambda mapping: Scope(owner_id=mapping.owner_id))
        dataversion.install()
