from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverka.lib.privacy import validate_no_personal_data
from samverka.meetings.models import Action, Meeting
from samverka.organizations.models import SubArea
from samverka.plans.models import Measure
from samverka.promises.models import CitizenPromise
from samverka.situation.models import Problem, SituationPicture
from samverka.tenancy.access import VIEW, restrict

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date of the meeting"), widget=DATE)


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "organizations_present", "notes"]
        widgets = {
            "held_on": DATE,
            "organizations_present": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "notes": _("No names of residents or cases: the minutes are shared with every party."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organizations_present"]
        field.queryset = self.instance.forum.agreement.parties.order_by("kind", "name")  # type: ignore[attr-defined]


class AgendaItemForm(forms.Form):
    title = forms.CharField(
        label=_("Agenda item"), max_length=300, validators=[validate_no_personal_data]
    )


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_personal_data],
        help_text=_("E.g. “Styrgruppen fastställer lägesbilden 2026.”"),
    )
    decided_on = forms.DateField(
        label=_("Decided on"),
        widget=DATE,
        required=False,
        help_text=_("The meeting's date if left empty; never before it."),
    )


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["text", "owner", "due_on", "sub_area", "problem", "measure", "promise"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "due_on": DATE}

    def __init__(self, *args: Any, meeting: Meeting, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agreement = meeting.forum.agreement
        parties = agreement.parties.all()
        fields: Any = self.fields
        fields["owner"].queryset = parties.order_by("kind", "name")
        fields["sub_area"].queryset = SubArea.objects.filter(kommun__in=parties).order_by(
            "kommun__name", "name"
        )
        pictures = restrict(SituationPicture.objects.filter(agreement=agreement), user, VIEW)
        fields["problem"].queryset = Problem.objects.filter(picture__in=pictures)
        fields["measure"].queryset = restrict(
            Measure.objects.filter(plan__agreement=agreement), user, VIEW
        )
        fields["promise"].queryset = restrict(
            CitizenPromise.objects.filter(agreement=agreement), user, VIEW
        )


class DoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DATE)
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_personal_data],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate()
