"""Labels for the follow-up's codes (verdicts, colours, reasons) in the current language."""

from __future__ import annotations

from django import template

from samverka.plans import documents

register = template.Library()


@register.filter
def verdict(code: str) -> str:
    return str(documents.VERDICTS.get(code, code))


@register.filter
def colour(code: str) -> str:
    return str(documents.COLOURS.get(code, code))


@register.filter
def reason(code: str) -> str:
    return str(documents.REASONS.get(code, code))


@register.filter
def num(value: float | None) -> str:
    return documents.number(value)


@register.filter
def goal_num(goal: dict[str, object], key: str) -> str:
    """A goal's value in the unit shown: a survey's share in per cent."""
    return documents.goal_number(goal, key)


@register.filter
def get_item_plans(mapping: dict[int, object], key: int) -> object:
    return mapping.get(key, {})


@register.simple_tag
def indicator_text(goal: dict[str, object]) -> str:
    """What a goal's indicator counts, in words: "Klotter, Norrby (events with a
    position), number of events"."""
    from django.utils.translation import get_language
    from django.utils.translation import gettext as _

    from samverka.plans.models import IndicatorKind

    english = (get_language() or "sv").startswith("en")
    kind = str(goal.get("indicator") or "")
    parts = []
    if kind == IndicatorKind.MANUAL:
        return str(goal.get("unit") or "")
    if kind == IndicatorKind.SURVEY:
        parts.append(str(goal.get("survey_question", "")))
    else:
        label = goal.get("category_label_en" if english else "category_label_sv")
        parts.append(str(label or _("all categories")))
    if goal.get("sub_area_name"):
        parts.append(
            _("%(area)s (events with a position)") % {"area": goal["sub_area_name"]}
            if kind != IndicatorKind.SURVEY
            else str(goal["sub_area_name"])
        )
    parts.append(str(IndicatorKind(kind).label) if kind in IndicatorKind.values else "")
    return ", ".join(p for p in parts if p)
