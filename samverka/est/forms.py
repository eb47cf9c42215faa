"""The reporting form: light enough for a phone on a poor connection."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverka.agreements.models import Agreement
from samverka.est import categories
from samverka.est.models import Observation
from samverka.organizations.models import OrganizationKind, SubArea

LOCAL = "%Y-%m-%dT%H:%M"
# A clock a few minutes fast on the phone is not a report from the future.
CLOCK_SLACK = dt.timedelta(minutes=10)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=LOCAL, **kwargs)


class AgreementChoiceField(forms.ModelChoiceField):
    """An agreement named by its kommun: a reporter need not read the agreement itself."""

    def label_from_instance(self, obj: Any) -> str:
        kommuner = obj.parties.filter(kind=OrganizationKind.KOMMUN).values_list("name", flat=True)
        return _("%(kommun)s (agreement %(number)s)") % {
            "kommun": ", ".join(kommuner),
            "number": obj.pk,
        }


class ReportForm(forms.Form):
    agreement = AgreementChoiceField(
        label=_("Agreement"), queryset=Agreement.objects.none(), empty_label=None
    )
    key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, agreements: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["agreement"])
        field.queryset = agreements
        if len(agreements) == 1:
            field.widget = forms.HiddenInput()
            field.initial = agreements[0].pk


class ObservationForm(forms.ModelForm):
    class Meta:
        model = Observation
        fields = [
            "category",
            "sub_area",
            "place_name",
            "latitude",
            "longitude",
            "accuracy_m",
            "starts_at",
            "ends_at",
            "people",
            "description",
        ]
        widgets = {
            "latitude": forms.HiddenInput,
            "longitude": forms.HiddenInput,
            "accuracy_m": forms.HiddenInput,
            "starts_at": LocalDateTimeInput,
            "ends_at": LocalDateTimeInput,
            "description": forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
            "people": forms.NumberInput(attrs={"min": 0, "max": 999, "inputmode": "numeric"}),
        }
        labels = {
            "place_name": _("Named place (optional)"),
            "ends_at": _("Until (for a time span)"),
            "people": _("How many people"),
        }
        help_texts = {
            "description": _(
                "Short: what you saw. No names, personal identity numbers, phone numbers "
                "or e-mail addresses."
            ),
        }

    def __init__(self, *args: Any, sub_areas: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["sub_area"])
        field.queryset = sub_areas if sub_areas is not None else SubArea.objects.none()
        field.empty_label = _("– choose –")
        category = cast(forms.ChoiceField, self.fields["category"])
        category.choices = [("", _("– choose –")), *categories.choices()]
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault(
                "starts_at", timezone.localtime().replace(second=0, microsecond=0)
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None):
            raise ValidationError(_("The position needs both latitude and longitude."))
        if latitude is not None and not (-90 <= latitude <= 90 and -180 <= (longitude or 0) <= 180):
            raise ValidationError(_("The position is not on the earth."))
        if not (data.get("sub_area") or data.get("place_name") or latitude is not None):
            self.add_error(
                "sub_area", _("Say where: choose a sub-area, name the place or use your position.")
            )
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and starts > timezone.now() + CLOCK_SLACK:
            self.add_error("starts_at", _("The time is in the future."))
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The span ends before it starts."))
        return data


ObservationFormSet = forms.formset_factory(
    ObservationForm, extra=0, min_num=1, validate_min=True, max_num=20, validate_max=True
)
CorrectionFormSet = forms.modelformset_factory(Observation, form=ObservationForm, extra=0)


class ReviewForm(forms.Form):
    ACCEPT, MERGE, REJECT = "accept", "merge", "reject"
    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ACCEPT, _("Accept")),
            (MERGE, _("Merge into another observation (duplicate)")),
            (REJECT, _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    into = forms.ModelChoiceField(
        label=_("Duplicate of"), queryset=Observation.objects.none(), required=False
    )
    reason = forms.CharField(
        label=_("Reason for rejecting"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["into"])
        field.queryset = candidates

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == self.MERGE and not data.get("into"):
            self.add_error("into", _("Choose the observation this one duplicates."))
        if data.get("action") == self.REJECT and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the observation is rejected."))
        return data
