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
def get_item_plans(mapping: dict[int, object], key: int) -> object:
    return mapping.get(key, {})
