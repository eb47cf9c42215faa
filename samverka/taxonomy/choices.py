"""The current taxonomy as the choices of a filter: main categories, each followed by
its subcategories, after an "all categories" choice."""

from __future__ import annotations

from django.utils.translation import gettext as _

from samverka.taxonomy.models import Category


def category_choices() -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = [("", _("All categories"))]
    for top in Category.objects.current().top_level().prefetch_related("children"):
        choices.append((top.code, top.label))
        choices.extend((child.code, f"– {child.label}") for child in top.children.all())
    return choices
