"""Template helpers for the lägesbild figures (JSON-safe data in two languages)."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy

from samverka.lib import numbers
from samverka.situation import coverage, documents, survey_figures
from samverka.situation.documents import chart_context

register = template.Library()

_PIN_SLOT = re.compile(r"<!--pin-slot:([a-z_]+)-->\n?")


@register.simple_tag(takes_context=True)
def figures_block(
    context: template.Context,
    figures: Any,
    key: str = "",
    *,
    pinning: bool = False,
    prefix: str = "",
    hx: str = "",
    public: bool = False,
) -> SafeString:
    """``situation/figures.html`` for ``figures``, its HTML cached under ``key`` (what
    identifies the figures, see :func:`samverka.situation.services.figures_key`) and the
    language: the same for every reader of those figures. The pin forms, which carry the
    reader's CSRF token and problems, are not in the cached HTML: each reader's are put
    in its slots (none for a reader who may not pin). ``figures`` may be lazy: it is read
    only when the HTML is not cached. ``public``: for a public page (no names of people)."""
    audience = "public" if public else "parties"
    full_key = f"figures-html:{get_language()}:{audience}:{prefix}:{hx}:{key}" if key else ""
    html = cache.get(full_key) if full_key else None
    if html is None:
        html = render_to_string(
            "situation/figures.html",
            {
                "figures": figures,
                "prefix": prefix,
                "hx": hx,
                "pinning": True,
                "pin_slot": True,
                "public": public,
            },
        )
        if full_key:
            cache.set(full_key, html, 60 * 60)

    if not pinning:
        return mark_safe(_PIN_SLOT.sub("", html))  # noqa: S308 - rendered templates
    filters = context.get("filters")  # the overview's: the figures need not be read
    # One pin form rendered per request, named for each figure in its slot. The marker
    # cannot come from a reader's text (problem titles): there "<" is escaped.
    marker = mark_safe("<pin-figure>")
    form = render_to_string(
        "situation/pin_form.html",
        {
            "figure": marker,
            "figures": {"filters": filters.as_dict()} if filters is not None else figures,
            "picture": context.get("picture"),
            "problems": context.get("problems", []),
        },
        request=context.get("request"),
    )

    def pin_form(match: re.Match[str]) -> str:
        return form.replace(marker, match.group(1))

    return mark_safe(_PIN_SLOT.sub(pin_form, html))  # noqa: S308 - rendered templates


@register.simple_tag
def charts_for(figures: dict[str, Any]) -> dict[str, Any]:
    """The SVG charts of ``figures``: ``{% charts_for figures as charts %}``."""
    return chart_context(figures)


@register.filter
def label(row: dict[str, Any]) -> str:
    """A row's label in the current language."""
    english = (get_language() or "sv").startswith("en")
    return str(row.get("label_en" if english else "label_sv") or row.get("code", ""))


@register.filter
def rate(entry: dict[str, Any] | None) -> str:
    """A rate per 100 000 rounded, or a dash."""
    if not entry:
        return "–"
    return numbers.rate(entry["rate"])


@register.filter
def interval(entry: dict[str, Any] | None) -> str:
    """A rate's interval, "120–180"."""
    if not entry:
        return ""
    return numbers.interval(entry["lower"], entry["upper"])


@register.filter
def percent(value: float | None, digits: int = 0) -> str:
    """0.456 → "46 %"."""
    return numbers.percent(value, digits)


@register.filter
def share_interval(row: dict[str, Any] | None) -> str:
    """A share's interval, each end rounded: "30–42 %"."""
    if not row:
        return ""
    return numbers.interval(row.get("lower"), row.get("upper"), percent=True)


@register.filter
def survey_value(found: dict[str, Any] | None) -> str:
    """A survey result in words: "46 % (30–42 %)", "104,2 (index 0–200)"."""
    return survey_figures.value_text(found)


@register.filter
def ratio(change: dict[str, Any] | None) -> str:
    """A rate ratio as a percentage change with its interval, "+25 % (−5 till +64 %)"."""
    if not change or change.get("ratio") is None:
        return "–"
    pct = numbers.change
    return f"{pct(change['ratio'])} % ({pct(change.get('lower'))} – {pct(change.get('upper'))} %)"


@register.filter
def weekday_rows(data: dict[str, Any]) -> list[tuple[str, list[int]]]:
    english = (get_language() or "sv").startswith("en")
    names = data.get("weekdays_en" if english else "weekdays_sv") or []
    return list(zip(names, data.get("matrix") or [], strict=False))


@register.filter
def month_rows(months: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for index, name in enumerate(months.get("labels") or []):
        row: dict[str, Any] = {"month": name, "observed": months["observed"][index]}
        if months.get("preliminary"):
            row["preliminary"] = months["preliminary"][index]
        if months.get("expected"):
            row.update(
                expected=months["expected"][index],
                lower=months["lower"][index],
                upper=months["upper"][index],
                above=months["above"][index],
                below=months["below"][index],
            )
        rows.append(row)
    return rows


@register.simple_tag
def coverage_reason(refusal: dict[str, Any] | None, what: str = "change") -> str:
    """Why a comparison is refused, in words (see :func:`coverage.reason`)."""
    return coverage.reason(refusal, what)


@register.filter
def coverage_level(level: str) -> str:
    """A level of coverage in words ("only the county", "exact places", …)."""
    return coverage.level_name(level)


@register.simple_tag
def coverage_levels() -> tuple[str, ...]:
    return tuple(reversed(coverage.LEVELS))


@register.simple_tag
def sources_by_kind(figures: dict[str, Any], kinds: str) -> str:
    """The figure's sources of the given kinds, each kind named:
    "Polisens publicerade händelser: title (owner); …"."""
    return documents.sources_by_kind(figures, kinds)


_VERDICTS = {
    "ökning": gettext_lazy("increase"),
    "minskning": gettext_lazy("decrease"),
    "ingen säker förändring": gettext_lazy("no certain change"),
}


@register.filter
def change_verdict(value: str) -> str:
    """The analysis core's verdict (in Swedish) in the current language."""
    return str(_VERDICTS.get(value, value))


@register.simple_tag
def filter_category(figures: dict[str, Any]) -> str:
    """The chosen category of a figure's filters, by its label."""
    english = (get_language() or "sv").startswith("en")
    label = figures.get("category_label_en" if english else "category_label_sv")
    return str(label or figures.get("filters", {}).get("category", ""))
