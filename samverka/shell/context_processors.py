from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the main menu shows; evaluated only when a template asks."""

    def show_overview() -> bool:
        from samverka.agreements.overview import overview_scope

        return overview_scope(request.user) is not None

    return {"show_overview": SimpleLazyObject(show_overview)}
