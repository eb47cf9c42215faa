from typing import Any

import rules
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the main menu shows; evaluated only when a template asks."""

    def show_overview() -> bool:
        from samverka.agreements.overview import overview_scope

        return overview_scope(request.user) is not None

    def show_audit_trail() -> bool:
        # The rule itself (organizations/rules.py), as the trail's view asks it through
        # user.has_perm: no Permission row of that name exists for Django's model backend
        # to grant, and asking it would cost two queries on every page.
        return bool(rules.has_perm("audit.view_trail", request.user))

    return {
        "show_overview": SimpleLazyObject(show_overview),
        "show_audit_trail": SimpleLazyObject(show_audit_trail),
    }
