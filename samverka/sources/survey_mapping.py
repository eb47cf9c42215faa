"""The column mapping of a survey table (step 2 of a new mapping): which column is which,
the scale of the values, the marks of a missing value and, for JSON, where the records are."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverka.sources.json_records import is_json, load, records_table
from samverka.sources.models import ColumnMapping, SourceKind, SurveyScale
from samverka.sources.survey_import import AREAS_COUNTIES, MISSING_BLANK, MISSING_MARKS
from samverka.sources.tabular import Table, read_table


class SurveyMappingForm(forms.Form):
    def __init__(self, *args: Any, columns: list[str], json: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(c, c) for c in columns]
        optional = [("", gettext_lazy("(none)")), *choices]
        model = ColumnMapping._meta

        def column(label: Any, required: bool = True) -> forms.ChoiceField:
            return forms.ChoiceField(
                label=label, choices=choices if required else optional, required=required
            )

        self.fields["area_column"] = column(gettext_lazy("Column with the area"))
        self.fields["area_level"] = forms.ChoiceField(
            label=gettext_lazy("The areas are"),
            choices=model.get_field("area_level").choices,  # type: ignore[arg-type]
            required=False,
            help_text=gettext_lazy(
                "Sub-areas of the mapping's municipality, municipalities, counties (“Kalmar "
                "län” or the county code “08”) or Sweden (“Sverige”, “Riket”, “Hela landet”), "
                "each stored at its own level."
            ),
        )
        self.fields["period_column"] = column(gettext_lazy("Column with the year"))
        self.fields["question_column"] = column(gettext_lazy("Column with the question"))
        self.fields["value_column"] = column(gettext_lazy("Column with the value"))
        self.fields["value_scale"] = forms.ChoiceField(
            label=gettext_lazy("Scale of the value"),
            choices=SurveyScale.choices,
            initial=SurveyScale.PERCENT,
            help_text=gettext_lazy(
                "A value outside the scale is a rejected row; it is never read in another scale."
            ),
        )
        self.fields["scale_min"] = forms.FloatField(
            label=gettext_lazy("Lowest value of the index"), required=False
        )
        self.fields["scale_max"] = forms.FloatField(
            label=gettext_lazy("Highest value of the index"), required=False
        )
        self.fields["missing_marks"] = forms.MultipleChoiceField(
            label=gettext_lazy("A missing value is written as"),
            choices=MISSING_MARKS,
            required=False,
            initial=[MISSING_BLANK, ".."],
            widget=forms.CheckboxSelectMultiple,
            help_text=gettext_lazy(
                "Rows with a missing value are skipped and counted, never stored as 0."
            ),
        )
        self.fields["respondents_column"] = column(
            gettext_lazy("Column with the respondents"), required=False
        )
        self.fields["respondents_column"].help_text = gettext_lazy(
            "Optional: without the number of respondents a share has no interval."
        )
        if json:
            self.fields["record_path"] = forms.CharField(
                label=gettext_lazy("Path to the records"),
                max_length=200,
                required=False,
                help_text=gettext_lazy(
                    "One [] for each array walked through, e.g. data[].values[]; the fields "
                    "of the outer levels are columns of every record within them."
                ),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("value_scale") == SurveyScale.INDEX:
            low, high = data.get("scale_min"), data.get("scale_max")
            if low is None or high is None:
                self.add_error(
                    "scale_max", _("An index needs its range: its lowest and highest value.")
                )
            elif low >= high:
                self.add_error("scale_max", _("The highest value must be above the lowest."))
        else:
            data["scale_min"] = data["scale_max"] = None
        return data


def read_sample(data: bytes, file_name: str, kind: str) -> tuple[Table, str]:
    """A sample table and, for JSON (surveys only), the path to its records as guessed."""
    if kind == SourceKind.SURVEY and is_json(data, file_name):
        from samverka.sources.json_records import guess_path

        root = load(data, file_name)
        path = guess_path(root)
        return records_table(root, file_name, path), path
    return read_table(data, file_name), ""


def _guess(columns: list[str]) -> dict[str, Any]:
    hints = {
        "area_column": ("område", "omrade", "area", "region", "län", "lan", "kommun", "stadsdel"),
        "period_column": ("år", "ar", "year", "period"),
        "question_column": ("fråga", "fraga", "question", "indikator"),
        "value_column": ("andel", "andel (%)", "värde", "varde", "value", "index"),
        "respondents_column": ("svarande", "antal svarande", "respondents", "antal_svarande"),
    }
    lowered = {c.lower(): c for c in columns}
    initial: dict[str, Any] = {
        field: next((lowered[h] for h in names if h in lowered), "")
        for field, names in hints.items()
    }
    if initial["area_column"].lower() in {"län", "lan", "region"}:
        initial["area_level"] = AREAS_COUNTIES
    return initial


def mapping_columns(request: HttpRequest, draft: dict[str, Any], session_key: str) -> HttpResponse:
    """Step 2 for a survey table: saves the mapping (the session's draft of step 1)."""
    path = draft.get("record_path", "")
    form = SurveyMappingForm(
        request.POST or None,
        columns=draft["columns"],
        json=bool(path),
        initial={**_guess(draft["columns"]), "record_path": path},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        mapping = ColumnMapping(
            name=draft["name"],
            kind=SourceKind.SURVEY,
            owner_id=draft["owner"],
            kommun_id=draft["kommun"],
            area_column=data["area_column"],
            area_level=data.get("area_level") or "",
            period_column=data["period_column"],
            period_kind="year",
            question_column=data["question_column"],
            value_column=data["value_column"],
            respondents_column=data.get("respondents_column") or "",
            value_scale=data["value_scale"],
            scale_min=data["scale_min"],
            scale_max=data["scale_max"],
            missing_marks=list(data.get("missing_marks") or []),
            record_path=(data.get("record_path") or "").strip(),
        )
        try:
            mapping.full_clean()
        except ValidationError as error:
            form.add_error(None, "; ".join(error.messages))
        else:
            mapping.save()
            del request.session[session_key]
            messages.success(
                request, _("The mapping is saved: tables in this layout import with it.")
            )
            return redirect("sources:mappings")
    return render(
        request,
        "sources/mapping_columns.html",
        {"form": form, "draft": draft, "preview": draft["sample"][:5], "needs_categories": False},
        status=400 if request.method == "POST" else 200,
    )
