"""The lägesbild's survey figures: the kommun's and its sub-areas' results, with the län's
and the country's beside the kommun's where the sources hold them.

A share with its number of respondents gets Wilson's interval (the yes-count rounded
half away from zero from share × respondents); a share without respondents has no
interval, and says so in words; an index is shown with its range.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from samverka.analysis import surveys
from samverka.lib import numbers
from samverka.organizations.models import Organization
from samverka.sources.models import Dataset, SurveyLevel, SurveyResult

FIELDS = (
    "level",
    "sub_area__name",
    "question",
    "year",
    "respondents",
    "share",
    "index_value",
    "scale_min",
    "scale_max",
)


def yes_count(share: float, respondents: int) -> int:
    """The respondents behind a share, rounded half away from zero (0.5 × 45 → 23)."""
    return int(numbers.rounded(share * respondents))


def entry(
    respondents: int | None,
    share: float | None,
    index_value: float | None,
    scale_min: float | None = None,
    scale_max: float | None = None,
) -> dict[str, Any]:
    """One result as the figures keep it (JSON-safe)."""
    found: dict[str, Any] = {"respondents": respondents}
    if share is not None and respondents:
        result = surveys.proportion(yes_count(share, respondents), respondents)
        found.update(
            share=result.estimate, lower=result.lower, upper=result.upper, small=result.small_sample
        )
    elif share is not None:
        found.update(share=share, no_respondents=True)
    elif index_value is not None:
        found.update(index=index_value, scale_min=scale_min, scale_max=scale_max)
    return found


def build(
    kommun: Organization, dataset_ids: list[int], first_year: int, last_year: int, sub_area: Any
) -> dict[str, Any]:
    """``{"rows": [...], "county": name, "comparisons": bool, "hide_respondents": bool}``."""
    base = SurveyResult.objects.filter(
        dataset_id__in=dataset_ids,
        dataset__in=Dataset.objects.in_use(),
        year__lte=last_year,
        year__gte=first_year,
    )
    local = base.filter(kommun=kommun, level__in=(SurveyLevel.KOMMUN, SurveyLevel.SUB_AREA))
    if sub_area:
        local = local.filter(sub_area_id=sub_area)
    rows: list[dict[str, Any]] = []
    for _level, area, question, year, *values in local.order_by(
        "sub_area__name", "question", "year"
    ).values_list(*FIELDS):
        rows.append({"area": area or "", "question": question, "year": year} | entry(*values))
    county_name = ""
    wider: dict[tuple[str, int], dict[str, Any]] = {}
    if not sub_area:
        county_name = kommun.county.name if kommun.county is not None else ""
        around = base.filter(
            Q(level=SurveyLevel.COUNTY, county_id=kommun.county_id) | Q(level=SurveyLevel.NATION)
        )
        for level, _area, question, year, *values in around.order_by("year").values_list(*FIELDS):
            key = "county" if level == SurveyLevel.COUNTY else "nation"
            wider.setdefault((question, year), {})[key] = entry(*values)
    _attach(rows, wider)
    return {
        "rows": rows,
        "county": county_name,
        "comparisons": bool(wider),
        # Without respondents anywhere the column would be empty: the values say it in words.
        "hide_respondents": not any(row.get("respondents") for row in rows),
        # A national file of län and riket holds nothing of the kommun's own: no columns of
        # dashes for its area and share, the län's and the country's values stand alone.
        "hide_own": bool(wider) and not any(_has_value(row) for row in rows),
    }


def _has_value(row: dict[str, Any]) -> bool:
    return row.get("share") is not None or row.get("index") is not None


def _attach(rows: list[dict[str, Any]], wider: dict[tuple[str, int], dict[str, Any]]) -> None:
    """The län's and the country's results beside the kommun's of the same question and
    year; a question only they hold gets a row of its own with no value of the kommun's."""
    for row in rows:
        if row["area"] == "":
            row.update(wider.pop((row["question"], row["year"]), {}))
    for (question, year), around in sorted(wider.items()):
        rows.append({"area": "", "question": question, "year": year, "respondents": None} | around)
    rows.sort(key=lambda r: (r["area"] != "", r["area"], r["question"], r["year"]))


def value_text(found: dict[str, Any] | None) -> str:
    """A result in words: "46 % (30–42 %)", "46 % (antal svarande saknas; osäkerheten kan
    inte anges)", "104,2 (index 0–200)"; "–" for none."""
    if not found:
        return numbers.DASH
    if found.get("share") is not None:
        text = numbers.percent(found["share"])
        if found.get("no_respondents") or found.get("lower") is None:
            missing = _("number of respondents missing; the uncertainty cannot be given")
            return f"{text} ({missing})"
        interval = numbers.interval(found["lower"], found["upper"], percent=True)
        small = f", {_('small sample')}" if found.get("small") else ""
        return f"{text} ({interval}{small})"
    if found.get("index") is not None:
        text = numbers.number(found["index"], 1)
        low, high = found.get("scale_min"), found.get("scale_max")
        if low is None or high is None:
            return f"{text} ({_('index')})"
        scale = _("index %(min)s–%(max)s") % {
            "min": numbers.number(low, _digits(low)),
            "max": numbers.number(high, _digits(high)),
        }
        return f"{text} ({scale})"
    return numbers.DASH


def _digits(value: float) -> int:
    return 0 if float(value).is_integer() else 1


def questions(dataset_ids: Iterable[int], kommun_id: int) -> list[str]:
    """The questions the sources hold for a kommun (its own results and its sub-areas'),
    for a goal to choose from."""
    return list(
        SurveyResult.objects.filter(
            dataset_id__in=list(dataset_ids),
            dataset__in=Dataset.objects.in_use(),
            kommun_id=kommun_id,
        )
        .values_list("question", flat=True)
        .distinct()
        .order_by("question")
    )


def table(figure: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The survey figure as the DOCX's table: the same columns as the page's."""
    own = not figure.get("hide_own")
    headers = [_("Area"), _("Question"), _("Year")] if own else [_("Question"), _("Year")]
    if own and not figure.get("hide_respondents"):
        headers.append(_("Respondents"))
    if own:
        headers.append(_("Share (95 % interval)"))
    if figure.get("comparisons"):
        headers += [figure.get("county") or _("County"), _("Sweden")]
    rows = []
    for row in figure.get("rows") or []:
        cells = [row["question"], str(row["year"])]
        if own:
            cells.insert(0, row.get("area") or numbers.DASH)
            if not figure.get("hide_respondents"):
                cells.append(numbers.count(row.get("respondents") or None))
            cells.append(value_text(row))
        if figure.get("comparisons"):
            cells += [value_text(row.get("county")), value_text(row.get("nation"))]
        rows.append(cells)
    return headers, rows
