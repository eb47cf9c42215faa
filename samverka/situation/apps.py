from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SituationConfig(AppConfig):
    name = "samverka.situation"
    verbose_name = _("Situation pictures")

    def ready(self) -> None:
        from samverka.audit.recorder import Scope, register
        from samverka.situation.models import (
            Evidence,
            Problem,
            PublishedSummary,
            QualitativeInput,
            SituationPicture,
            SourceChoice,
        )
        from samverka.tenancy.access import Visibility

        def of_picture(obj: object) -> Scope:
            picture = obj.picture if hasattr(obj, "picture") else obj.problem.picture  # type: ignore[attr-defined]
            return Scope(picture.owner_id, picture.agreement_id, Visibility.SHARED)

        register(SituationPicture, exclude={"snapshot", "updated_at"})
        register(QualitativeInput, exclude={"updated_at"})
        register(PublishedSummary, exclude={"figures"})
        register(SourceChoice, scope=of_picture)
        register(Problem, scope=of_picture)
        register(Evidence, scope=of_picture, exclude={"data"})

        from samverka.situation.services import pictures_using
        from samverka.sources.sharing import dependents_provider

        dependents_provider(pictures_using)
