from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from samverka.agreements.models import Agreement, PriorityArea
from samverka.agreements.steering import DecisionChoiceMixin
from samverka.lib.privacy import NoPersonalData, validate_no_personal_data
from samverka.organizations.models import Organization, OrganizationKind, SubArea
from samverka.situation.models import FigureKind, InputKind, Problem, QualitativeInput
from samverka.sources import dataversion
from samverka.taxonomy.choices import category_choices
from samverka.tenancy.access import Visibility, writing_party

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PictureForm(forms.Form):
    agreement = forms.ModelChoiceField(label=_("Agreement"), queryset=Agreement.objects.none())
    kommun = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Organization.objects.filter(kind=OrganizationKind.KOMMUN),
        help_text=_("The municipality the picture covers; a party of the agreement."),
    )
    title = forms.CharField(
        label=_("Title"), max_length=300, validators=[validate_no_personal_data]
    )
    period_start = forms.DateField(label=_("Period from"), widget=DATE)
    period_end = forms.DateField(label=_("Period until"), widget=DATE)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        agreements = Agreement.objects.editable_by(user).order_by("title")
        self.fields["agreement"].queryset = agreements  # type: ignore[attr-defined]
        kommuner = Organization.objects.filter(
            kind=OrganizationKind.KOMMUN, agreements__in=agreements
        ).distinct()
        self.fields["kommun"].queryset = kommuner  # type: ignore[attr-defined]
        if agreements.count() == 1:
            self.fields["agreement"].initial = agreements.first()
        if kommuner.count() == 1:
            self.fields["kommun"].initial = kommuner.first()
        last_year = timezone.localdate().year - 1
        self.fields["period_start"].initial = dt.date(last_year, 1, 1)
        self.fields["period_end"].initial = dt.date(last_year, 12, 31)
        self.fields["title"].initial = _("Lägesbild %(year)s") % {"year": last_year}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        agreement, kommun = data.get("agreement"), data.get("kommun")
        if agreement and kommun and not agreement.parties.filter(pk=kommun.pk).exists():
            self.add_error("kommun", _("The municipality is not a party of this agreement."))
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        if agreement:
            owner = writing_party(self.user, agreement.pk)
            if owner is None:
                self.add_error("agreement", _("You cannot draft for this agreement."))
            data["owner"] = owner
        return data


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[validate_no_personal_data],
        help_text=_("The picture in a few paragraphs: what the parties see and why it matters."),
    )


def filter_choices(kommun: Organization) -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    """The overview filter's categories (the current taxonomy) and ``kommun``'s areas,
    cached until one of them changes: a change of the taxonomy or of a sub-area bumps the
    version of the data (:mod:`samverka.sources.dataversion`), which is in the key."""
    key = f"overview-filter-choices:{dataversion.current()}:{get_language()}:{kommun.pk}"
    found: tuple[list[tuple[str, str]], list[tuple[int, str]]] | None = cache.get(key)
    if found is None:
        areas = SubArea.objects.filter(kommun=kommun).values_list("pk", "name")
        found = (category_choices(), list(areas))
        cache.set(key, found, 60 * 60)
    return found


class FilterForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("Until"), widget=DATE)
    category = forms.ChoiceField(label=_("Category"), required=False)
    sub_area = forms.TypedChoiceField(label=_("Area"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, kommun: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories, areas = filter_choices(kommun)
        self.fields["category"].choices = categories  # type: ignore[attr-defined]
        self.fields["sub_area"].choices = [("", _("The whole municipality")), *areas]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period ends before it starts."))
        return data


class InputForm(forms.ModelForm):
    class Meta:
        model = QualitativeInput
        fields = ["kind", "title", "held_on", "text", "visibility"]
        widgets = {"held_on": DATE, "text": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "visibility": _(
                "The police's summary stays internal to the police unless the police "
                "chooses to share it."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visibility"].choices = [  # type: ignore[attr-defined]
            (Visibility.INTERNAL, Visibility.INTERNAL.label),
            (Visibility.SHARED, Visibility.SHARED.label),
        ]
        if not self.instance.pk:
            police_summary = self.initial.get("kind") == InputKind.POLICE_SUMMARY
            self.initial["visibility"] = (
                Visibility.INTERNAL if police_summary else Visibility.SHARED
            )


class ProblemForm(forms.ModelForm):
    class Meta:
        model = Problem
        fields = [
            "title",
            "description",
            "frequency",
            "trend",
            "signal",
            "harm",
            "concentration",
            "offender",
            "place",
            "target",
            "why_here_now",
            "priority_areas",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "offender": forms.Textarea(attrs={"rows": 3}),
            "place": forms.Textarea(attrs={"rows": 3}),
            "target": forms.Textarea(attrs={"rows": 3}),
            "why_here_now": forms.Textarea(attrs={"rows": 3}),
            "priority_areas": forms.CheckboxSelectMultiple,
        }

    SCALE = [
        (0, _("0 – not at all")),
        (1, _("1 – a little")),
        (2, _("2 – clearly")),
        (3, _("3 – very much")),
    ]

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = PriorityArea.objects.filter(agreement=agreement)
        self.fields["priority_areas"].queryset = areas  # type: ignore[attr-defined]
        for name in Problem.CRITERIA:
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label,
                choices=self.SCALE,
                coerce=int,
                initial=getattr(self.instance, name, 0),
            )


class PinForm(forms.Form):
    figure = forms.ChoiceField(choices=FigureKind.choices)
    problem = forms.ModelChoiceField(
        label=_("Pin as evidence for"),
        queryset=Problem.objects.none(),
        required=False,
        empty_label=_("A new problem…"),
    )
    new_problem = forms.CharField(
        label=_("New problem"),
        max_length=300,
        required=False,
        validators=[validate_no_personal_data],
    )
    start = forms.DateField()
    end = forms.DateField()
    category = forms.CharField(required=False)
    sub_area = forms.IntegerField(required=False)

    def __init__(self, *args: Any, picture: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = Problem.objects.filter(picture=picture)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("problem") and not (data.get("new_problem") or "").strip():
            self.add_error("new_problem", _("Choose a problem or name a new one."))
        return data


class AdoptForm(DecisionChoiceMixin, forms.Form):
    adopted_on = forms.DateField(label=_("Adopted on"), widget=DATE)
    decision_reference = forms.CharField(
        label=_("Decision reference"),
        max_length=200,
        help_text=_("The steering group's minutes or the decision's reference number."),
        validators=[NoPersonalData(_("Decision reference"))],
    )

    def __init__(
        self, *args: Any, agreement_id: int | None = None, user: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adopted_on"].initial = timezone.localdate()
        self.add_decision_choice(agreement_id, user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.check_decision_choice(data)
        return data


class PublishForm(forms.Form):
    figures = forms.MultipleChoiceField(
        label=_("Figures to publish"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("categories", _("Reported events by category")),
            ("months", _("Events per month")),
            ("map", _("Map of hot spots (squares with at least five events)")),
            ("statistics", _("Reported crimes by category")),
        ],
    )
    text = forms.CharField(
        label=_("Public summary"),
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[validate_no_personal_data],
        help_text=_(
            "What anyone may read. Figures by category and month are published with it; "
            "the map only with cells of at least five events."
        ),
    )
