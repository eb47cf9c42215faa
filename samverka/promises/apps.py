from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromisesConfig(AppConfig):
    name = "samverka.promises"
    verbose_name = _("Citizen promises")

    def ready(self) -> None:
        from django.urls import reverse

        from samverka.agreements.importing import Elsewhere
        from samverka.audit.recorder import Scope, register
        from samverka.promises.models import CitizenPromise, Commitment, PromiseApproval

        def of_promise(obj: object) -> Scope:
            promise = obj.promise  # type: ignore[attr-defined]
            return Scope(
                promise.owner_id, promise.agreement_id, promise.visibility, promise.published_at
            )

        from samverka.agreements.importing import register_recogniser
        from samverka.promises.parsing import is_promise

        def as_promise(text: str) -> Elsewhere | None:
            if not is_promise(text):
                return None
            return Elsewhere(
                str(
                    _(
                        "This text reads as a medborgarlöfte, not an agreement: its "
                        "commitments are imported into a citizen promise (open the promise "
                        "and choose “Import a promise text”)."
                    )
                ),
                reverse("promises:list"),
                str(_("To the citizen promises")),
            )

        register_recogniser(as_promise)

        from samverka.agreements import wheel

        def promise_dates(agreement_ids: list[int], year: int, user: Any) -> list[wheel.Item]:
            """The adoption and follow-up of the promises ``user`` may read, on the årshjul."""
            from django.utils import timezone

            from samverka.tenancy.access import VIEW, restrict

            today = timezone.localdate()
            items = []
            readable = restrict(CitizenPromise.objects.all(), user, VIEW)
            for promise in readable.filter(agreement__in=agreement_ids):
                url = promise.get_absolute_url()
                if promise.adopted_on and promise.adopted_on.year == year:
                    label = _("Citizen promise adopted: %(title)s") % {"title": promise}
                    items.append(wheel.Item(promise.adopted_on, str(label), "promise", "done", url))
                if promise.period_end.year == year:
                    done = promise.followed_up_on is not None
                    state = (
                        "done" if done else "overdue" if promise.period_end < today else "coming"
                    )
                    label = _("Follow up the citizen promise: %(title)s") % {"title": promise}
                    items.append(wheel.Item(promise.period_end, str(label), "promise", state, url))
            return items

        wheel.USER_SOURCES.append(promise_dates)
        register(CitizenPromise, exclude={"updated_at"})
        register(Commitment, scope=of_promise)
        register(PromiseApproval, scope=of_promise)
