from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromisesConfig(AppConfig):
    name = "samverka.promises"
    verbose_name = _("Citizen promises")

    def ready(self) -> None:
        from samverka.audit.recorder import Scope, register
        from samverka.promises.models import CitizenPromise, Commitment, PromiseApproval

        def of_promise(obj: object) -> Scope:
            promise = obj.promise  # type: ignore[attr-defined]
            return Scope(
                promise.owner_id, promise.agreement_id, promise.visibility, promise.published_at
            )

        register(CitizenPromise, exclude={"updated_at"})
        register(Commitment, scope=of_promise)
        register(PromiseApproval, scope=of_promise)
