"""What importing a statistics table would store, shown before anything is stored.

The preview reads the rows exactly as :func:`samverka.sources.services.import_statistics`
does (the same checks, the same reasons) and stores nothing: per area, period and
target (the total, or a category of the taxonomy) the sum that would be stored; the
rows that would be rejected and why; the categories the mapping does not name (which
stop the import); and a warning wherever the mapped rows of one level add up to more
than the table's own total for that area and period (something counted twice).

It is a :class:`StatisticsPreview`, kept with the import job as JSON (versioned), so the
background worker can compute it for a large file and the job page show it; the
mapping screen computes it for its sample.
What it holds is bounded (areas, periods, rejected rows, warnings), whatever the size
of the file.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from samverka.lib.numbers import number
from samverka.lib.privacy import redact
from samverka.sources import periods, targets
from samverka.sources.models import ColumnMapping
from samverka.taxonomy.models import Category

MAX_AREAS = 40
MAX_PERIODS = 240
MAX_CELLS = 20_000  # figures shown in all, so the preview kept with a job stays small
MAX_REJECTED = 100
MAX_WARNINGS = 30
PERIOD_SAMPLE = 5000  # distinct period keys looked at to tell their kind


@dataclass
class PreviewRow:
    """One period of an area: per column (the total, then each category) the value
    that would be stored (None: none) and how it is shown."""

    period: str
    cells: list[tuple[float | None, str]]


@dataclass
class PreviewArea:
    name: str
    new: bool  # a sub-area the import would create
    periods: list[PreviewRow]


@dataclass
class StatisticsPreview:
    """What importing a statistics table would store, and what not (nothing is stored)."""

    VERSION = 1

    file_name: str
    mapping: str
    period_kind: str
    period_kind_name: str
    detected_kind: str  # "" when the values do not tell
    detected_kind_name: str
    detected_examples: list[str]
    rows_read: int
    rows_stored: int
    rows_skipped: int
    rows_rejected: int
    has_total: bool
    columns: list[str]  # the total (when mapped), then each category's name
    areas: list[PreviewArea]
    more_areas: int  # areas not shown, to keep the preview small
    more_rows: int  # periods of an area not shown
    warnings: list[str]  # to be read before confirming (double counting, period kind)
    blocking: list[str]  # why the table cannot be imported with this mapping
    unmapped: list[str]  # the table's categories the mapping does not name
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (row, field, reason)

    def as_json(self) -> dict[str, Any]:
        return {"version": self.VERSION, **asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> StatisticsPreview | None:
        """The preview kept with a job; None while it is computed, or of another version."""
        if not data or data.get("version") != cls.VERSION:
            return None
        values = {k: v for k, v in data.items() if k != "version"}
        values["areas"] = [
            PreviewArea(
                area["name"],
                area["new"],
                [PreviewRow(r["period"], [tuple(c) for c in r["cells"]]) for r in area["periods"]],
            )
            for area in data["areas"]
        ]
        values["rejected"] = [tuple(r) for r in data["rejected"]]
        return cls(**values)

    def total(self, area: str, period: str) -> float | None:
        """The total that would be stored for ``area`` and ``period`` (as labelled)."""
        for entry in self.areas:
            if entry.name == area:
                for row in entry.periods:
                    if row.period == period and self.has_total:
                        return row.cells[0][0]
        return None


def period_label(start: dt.date, kind: str) -> str:
    """2026 · 2026 K3 · 2026-08, as the preview shows a period."""
    if kind == periods.YEAR:
        return f"{start.year}"
    if kind == periods.QUARTER:
        return f"{start.year} K{(start.month - 1) // 3 + 1}"
    return f"{start:%Y-%m}"


def _text(value: float | None) -> str:
    if value is None:
        return "–"
    return number(value, 0 if float(value).is_integer() else 1)


def preview_statistics(
    rows: Iterable[tuple[int, dict[str, str]]], mapping: ColumnMapping, *, file_name: str = ""
) -> StatisticsPreview:
    """The preview of importing ``rows`` through ``mapping`` (see the module's doc)."""
    from samverka.sources import services

    kommuner, _counties = services.places()
    categories = dict(Category.objects.current().values_list("code", "pk"))
    labels = services.category_labels()
    known_sub_areas = {n.lower() for n in mapping.kommun.sub_areas.values_list("name", flat=True)}
    checks = targets.LevelCheck(labels)

    read = stored = skipped = rejected_count = 0
    rejected: list[tuple[int, str, str]] = []
    unmapped: dict[str, int] = {}
    new_areas: set[str] = set()
    period_values: set[str] = set()
    # (area, period start) → target → sum; and → level → sum of the rows mapped to a category
    sums: dict[tuple[str, dt.date], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    suppressed: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    level_sums: dict[tuple[str, dt.date], dict[str, float]] = defaultdict(
        lambda: defaultdict(float)
    )
    used: set[str] = set()

    def reject(number_: int, field: str, reason: str) -> None:
        nonlocal rejected_count
        rejected_count += 1
        if len(rejected) < MAX_REJECTED:
            # As the import writes them: personal data a reason quotes is blanked out.
            rejected.append((number_, redact(field), redact(reason)))

    for number_, row in rows:
        read += 1
        if len(period_values) < PERIOD_SAMPLE and mapping.period_column in row:
            period_values.add(services.period_text(row, mapping).strip())
        if field := services._nul_field(row):
            reject(number_, field, services.reasons.nul())
            continue
        try:
            item = services._statistic_row(row, mapping, kommuner=kommuner, categories=categories)
        except services._Unmapped as exc:
            if len(unmapped) < 1000:
                unmapped.setdefault(exc.category, number_)
            continue
        except services._RowError as exc:
            reject(number_, exc.field, exc.reason)
            continue
        checks.note(item["level"], item["source_category"])
        if item["skip"]:
            skipped += 1
            continue
        area = item["area"]
        if item["kommun_id"] is None and area.lower() not in known_sub_areas:
            if not mapping.create_sub_areas:
                reject(
                    number_,
                    mapping.area_column,
                    services.reasons.column(
                        mapping, "area_column", services.reasons.unknown_area(area)
                    ),
                )
                continue
            new_areas.add(area)
        checks.add(item["target"], item["level"], item["source_category"])
        stored += 1
        key = (area, item["period_start"])
        target = targets.TOTAL if targets.is_total(item["target"]) else item["target"]
        used.add(target)
        if item["value"] is None:
            suppressed[key].add(target)
            continue
        sums[key][target] += item["value"]
        if target != targets.TOTAL:
            level_sums[key][item["level"]] += item["value"]

    kind = mapping.period_kind
    detection = periods.detect(period_values)
    order = [targets.TOTAL] if targets.TOTAL in used else []
    order += sorted((t for t in used if t != targets.TOTAL), key=lambda t: labels.get(t, t))
    areas: dict[str, list[PreviewRow]] = {}
    cells = more_rows = 0
    warnings: list[str] = []
    for (area, start), values in sorted(_all_keys(sums, suppressed), key=lambda item: item[0]):
        label = period_label(start, kind)
        total = values.get(targets.TOTAL)
        for level, value in sorted(level_sums.get((area, start), {}).items()):
            if total is not None and value > total and len(warnings) < MAX_WARNINGS:
                warnings.append(
                    _(
                        "%(area)s, %(period)s: the rows mapped to categories%(level)s add up to "
                        "%(sum)s, more than the total row's %(total)s. Is something counted "
                        "twice (a main category and its sub-categories)?"
                    )
                    % {
                        "area": area,
                        "period": label,
                        "level": _(" at the level “%(level)s”") % {"level": level} if level else "",
                        "sum": _text(value),
                        "total": _text(total),
                    }
                )
        by_level = level_sums.get((area, start), {})
        together = sum(by_level.values())
        if (
            len(by_level) > 1
            and total is not None
            and together > total
            and len(warnings) < MAX_WARNINGS
        ):
            warnings.append(
                _(
                    "%(area)s, %(period)s: rows of %(levels)s levels are mapped to categories "
                    "and add up to %(sum)s, more than the total row's %(total)s: a sub-category "
                    "and the main category it belongs to would both be counted."
                )
                % {
                    "area": area,
                    "period": label,
                    "levels": len(by_level),
                    "sum": _text(together),
                    "total": _text(total),
                }
            )
        periods_of_area = areas.setdefault(area, [])
        if len(periods_of_area) >= MAX_PERIODS or cells + len(order) > MAX_CELLS:
            more_rows += 1
        else:
            cells += len(order)
            periods_of_area.append(
                PreviewRow(
                    label,
                    [
                        (
                            values.get(t),
                            _("suppressed")
                            if t in suppressed.get((area, start), set()) and t not in values
                            else _text(values.get(t)),
                        )
                        for t in order
                    ],
                )
            )
    if detection.kind and kind and detection.kind != kind:
        warnings.insert(
            0,
            _(
                "The periods of the column “%(column)s” look like %(detected)s "
                "(e.g. %(examples)s), but the mapping reads them as %(kind)s."
            )
            % {
                "column": mapping.period_column,
                "detected": kind_name(detection.kind),
                "examples": targets.quoted(detection.examples, 3),
                "kind": kind_name(kind),
            },
        )
    blocking = checks.problems()
    if unmapped:
        blocking.insert(0, services.unmapped_message(file_name, mapping, unmapped))
    return StatisticsPreview(
        file_name=file_name,
        mapping=str(mapping),
        period_kind=kind,
        period_kind_name=kind_name(kind) if kind else "",
        detected_kind=detection.kind or "",
        detected_kind_name=kind_name(detection.kind) if detection.kind else "",
        detected_examples=detection.examples,
        rows_read=read,
        rows_stored=stored,
        rows_skipped=skipped,
        rows_rejected=rejected_count,
        has_total=targets.TOTAL in used,
        columns=[labels.get(t, t) if t != targets.TOTAL else _("Total") for t in order],
        areas=[
            PreviewArea(name, name in new_areas, rows_)
            for name, rows_ in list(areas.items())[:MAX_AREAS]
        ],
        more_areas=max(len(areas) - MAX_AREAS, 0),
        more_rows=more_rows,
        warnings=[redact(w) for w in warnings],
        blocking=[redact(b) for b in blocking],
        unmapped=sorted(unmapped, key=unmapped.__getitem__),
        rejected=rejected,
    )


def _all_keys(
    sums: dict[tuple[str, dt.date], dict[str, float]],
    suppressed: dict[tuple[str, dt.date], set[str]],
) -> list[tuple[tuple[str, dt.date], dict[str, float]]]:
    return [(key, dict(sums.get(key, {}))) for key in set(sums) | set(suppressed)]


def kind_name(kind: str) -> str:
    names = {periods.YEAR: _("years"), periods.QUARTER: _("quarters"), periods.MONTH: _("months")}
    return str(names.get(kind, kind))
