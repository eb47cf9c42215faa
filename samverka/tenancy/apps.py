from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    """The bottom floor: roles, visibility and the one access policy. It imports no domain
    app; it reaches organizations, memberships and agreements by model label only."""

    name = "samverka.tenancy"
    verbose_name = _("Access and memberships")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        # A request remembers the user's memberships it has read (samverka.lib.memo); a
        # membership saved or deleted drops what it remembers.
        post_save.connect(_forget, sender="tenancy.Membership", dispatch_uid="memo-save")
        post_delete.connect(_forget, sender="tenancy.Membership", dispatch_uid="memo-del")


def _forget(sender: Any, **kwargs: Any) -> None:
    from samverka.lib import memo

    memo.forget()
