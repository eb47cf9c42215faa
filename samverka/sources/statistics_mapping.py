"""The column mapping of a statistics table, made so that it cannot lie quietly.

Nothing is assumed: the kind of period is read from the data and shown to be confirmed
(a kind the values contradict is refused on its field); every category of the table
must be sent somewhere, to a category, to the total or to skip (none is preselected);
a level column (total > main > sub) is understood, and a mapping that would count a
row and the rows it is made of, or store several rows as the total, is refused with the
categories named. The sample is previewed as it would be stored.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverka.sources import periods, targets
from samverka.sources.forms import MappingColumnsForm
from samverka.sources.models import ColumnMapping, SourceKind
from samverka.sources.preview import StatisticsPreview, preview_statistics
from samverka.taxonomy.models import Category


def target_choices() -> list[tuple[str, Any]]:
    """Where a category of the table may go; the empty choice is no choice."""
    return [
        ("", gettext_lazy("— choose —")),
        (targets.TOTAL, gettext_lazy("The total of all crime (the table's total row)")),
        (targets.SKIP, gettext_lazy("Skip: not stored")),
        *((c.code, str(c)) for c in Category.objects.current().select_related("parent")),
    ]


LEVEL_COLUMN_NAMES = ("nivå", "niva", "level", "brottsnivå", "kategorinivå")
YEAR_COLUMN_NAMES = ("år", "ar", "year")
PART_COLUMN_NAMES = ("månad", "manad", "month", "kvartal", "quarter")


class StatisticsColumnsForm(MappingColumnsForm):
    def __init__(self, *args: Any, sample: list[dict[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, kind=SourceKind.CRIME_STATISTICS, **kwargs)
        self.sample = sample
        columns = [c for c, _label in self.fields["area_column"].choices]  # type: ignore[attr-defined]
        self.fields["level_column"] = forms.ChoiceField(
            label=_("Column with the level of the category"),
            choices=[("", _("(none)")), *((c, c) for c in columns)],
            required=False,
            help_text=_(
                "E.g. total, main and sub-category (Brå): each category is then taken from "
                "one level only."
            ),
        )
        self.fields["year_column"] = forms.ChoiceField(
            label=_("Column with the year, when apart from the month"),
            choices=[("", _("(none)")), *((c, c) for c in columns)],
            required=False,
            help_text=_(
                "Only when the year and the month (or quarter) are in columns of their own: "
                "the period column then holds the month or the quarter."
            ),
        )
        lowered = {c.lower(): c for c in columns}
        guess = next((lowered[n] for n in LEVEL_COLUMN_NAMES if n in lowered), "")
        self.initial.setdefault("level_column", guess)
        # A year column beside a month or quarter column: the period is read from both.
        year = next((lowered[n] for n in YEAR_COLUMN_NAMES if n in lowered), "")
        part = next((lowered[n] for n in PART_COLUMN_NAMES if n in lowered), "")
        if year and part and not self.initial.get("year_column"):
            self.initial["year_column"], self.initial["period_column"] = year, part
        # The kind of period: found in the data and confirmed, never assumed.
        period_column = self._chosen("period_column")
        self.detection = periods.detect(
            self._period_text(row, period_column, self._chosen("year_column"), None)
            for row in sample
        )
        help_text = _("Not found in the data: choose what the periods are.")
        if self.detection.kind:
            help_text = _(
                "Found in the column “%(column)s”: %(kind)s (e.g. %(examples)s). Confirm, or "
                "choose what the periods are."
            ) % {
                "column": " + ".join(filter(None, [self._chosen("year_column"), period_column])),
                "kind": kind_name(self.detection.kind),
                "examples": targets.quoted(self.detection.examples, 3),
            }
        self.fields["period_kind"] = forms.ChoiceField(
            label=_("Kind of period"),
            choices=[("", _("— choose —")), *self.PERIODS],
            help_text=help_text,
        )
        self.initial["period_kind"] = self.detection.kind or ""
        # Every category explicitly: no choice preselected.
        self.levels = self._levels()
        choices = target_choices()
        for index, value in enumerate(self.source_categories):
            levels = sorted(self.levels.get(value, ()))
            label = _("Category for “%(value)s”") % {"value": value}
            if levels:
                label += " " + _("(level: %(levels)s)") % {"levels": ", ".join(levels)}
            self.fields[f"category_{index}"] = forms.ChoiceField(
                label=label, choices=choices, required=True
            )
        self.order_fields(
            [
                "area_column",
                "year_column",
                "period_column",
                "period_kind",
                "value_column",
                "category_column",
                "level_column",
                "preliminary_column",
            ]
        )

    @staticmethod
    def _period_text(row: dict[str, str], column: str, year_column: str, kind: str | None) -> str:
        if year_column:
            return periods.combine(row.get(year_column, ""), row.get(column, ""), kind)
        return row.get(column, "")

    def _chosen(self, name: str) -> str:
        value = self.data.get(name) if self.is_bound else None
        return str(value or self.initial.get(name) or "")

    def _levels(self) -> dict[str, set[str]]:
        """The levels each category of the sample is on, when a level column is chosen."""
        level_column, category_column = (
            self._chosen("level_column"),
            self._chosen("category_column"),
        )
        found: dict[str, set[str]] = defaultdict(set)
        if level_column:
            for row in self.sample:
                found[row.get(category_column, "")].add(row.get(level_column, "").strip())
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, column = data.get("period_kind"), data.get("period_column")
        year_column = data.get("year_column", "")
        if kind and column:
            texts = (self._period_text(row, column, year_column, kind) for row in self.sample)
            wrong = [text for text in texts if not _is_period(text, kind)]
            if wrong:
                self.add_error(
                    "period_kind",
                    _(
                        "%(count)s values of the column “%(column)s” are not %(kind)s, "
                        "e.g. %(examples)s."
                    )
                    % {
                        "count": len(wrong),
                        "column": " + ".join(filter(None, [year_column, column])),
                        "kind": kind_name(kind),
                        "examples": targets.quoted(list(dict.fromkeys(wrong)), 3),
                    },
                )
        missing = [
            value
            for index, value in enumerate(self.source_categories)
            if not self.data.get(f"category_{index}")
        ]
        if missing:
            self.add_error(
                None,
                _(
                    "%(count)s of the table's categories are not mapped: %(names)s. Send each "
                    "to a category, to the total or to skip."
                )
                % {"count": len(missing), "names": targets.quoted(missing)},
            )
        else:
            from samverka.sources.services import category_labels

            check = targets.LevelCheck(category_labels())
            for value, target in self.categories().items():
                for level in self.levels.get(value, ()):
                    check.note(level, value)
                if not targets.is_skip(target):
                    for level in self.levels.get(value) or {""}:
                        check.add(target, level, value)
            for problem in check.problems():
                self.add_error(None, problem)
        return data

    def mapping(self, draft: dict[str, Any]) -> ColumnMapping:
        """The mapping as the form describes it (not saved)."""
        data = self.cleaned_data
        return ColumnMapping(
            name=draft["name"],
            kind=SourceKind.CRIME_STATISTICS,
            owner_id=draft["owner"],
            kommun_id=draft["kommun"],
            area_column=data["area_column"],
            period_column=data["period_column"],
            year_column=data.get("year_column", ""),
            period_kind=data["period_kind"],
            value_column=data["value_column"],
            category_column=data.get("category_column", ""),
            preliminary_column=data.get("preliminary_column", ""),
            level_column=data.get("level_column", ""),
            categories=self.categories(),
        )

    def preview(self, draft: dict[str, Any]) -> StatisticsPreview:
        """What the sample would store through this mapping (nothing is stored)."""
        return preview_statistics(
            enumerate(self.sample, start=2), self.mapping(draft), file_name=_("the sample")
        )


def _is_period(value: str, kind: str) -> bool:
    try:
        periods.parse_period(value, kind)
    except ValueError:
        return not value.strip()  # an empty cell is the row's problem, not the kind's
    return True


def kind_name(kind: str) -> str:
    from samverka.sources.preview import kind_name as name

    return name(kind)


def mapping_columns(request: HttpRequest, draft: dict[str, Any], session_key: str) -> HttpResponse:
    """Step 2 for a statistics table: which column is which, where each category goes,
    the kind of period confirmed, and the sample previewed as it would be stored."""
    from samverka.sources.views import _guess_columns

    guessed = _guess_columns(draft["columns"])
    # The categories of the column whose name says it holds them are shown at once.
    category_column = (
        request.POST.get("category_column")
        or request.GET.get("category_column")
        or guessed["category_column"]
    )
    source_categories = sorted(
        {row.get(category_column, "") for row in draft["sample"]} - {""}
        if category_column in draft["columns"]
        else set()
    )
    form = StatisticsColumnsForm(
        request.POST or None,
        columns=draft["columns"],
        source_categories=source_categories,
        initial=guessed,
        sample=draft["sample"],
    )
    valid = request.method == "POST" and form.is_valid()
    if valid and "save" in request.POST:
        mapping = form.mapping(draft)
        mapping.full_clean()
        mapping.save()
        del request.session[session_key]
        messages.success(request, _("The mapping is saved: tables in this layout import with it."))
        return redirect("sources:mappings")
    return render(
        request,
        "sources/mapping_columns.html",
        {
            "form": form,
            "draft": draft,
            "preview": draft["sample"][:5],
            "needs_categories": not source_categories,
            # What the sample would store through the mapping as it stands (nothing is stored).
            "statistics_preview": form.preview(draft) if valid else None,
        },
    )
