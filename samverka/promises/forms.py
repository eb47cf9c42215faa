from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverka.agreements.forms import MAX_IMPORT_BYTES
from samverka.agreements.models import PriorityArea
from samverka.agreements.parsing import extract_text
from samverka.agreements.steering import DecisionChoiceMixin
from samverka.lib.privacy import validate_no_personal_data
from samverka.organizations.models import Organization
from samverka.plans.models import ActionPlan, Goal, Measure
from samverka.promises.models import CitizenPromise, Commitment, Giver, Judgement
from samverka.situation.models import PictureStatus, Problem, SituationPicture
from samverka.tenancy.access import restrict

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PromiseStartForm(forms.Form):
    situation_picture = forms.ModelChoiceField(
        label=_("Adopted situation picture"),
        queryset=SituationPicture.objects.none(),
        help_text=_("The promise answers the problems of an adopted lägesbild."),
    )
    title = forms.CharField(
        label=_("Title"), max_length=300, validators=[validate_no_personal_data]
    )
    period_start = forms.DateField(label=_("Period from"), widget=DATE)
    period_end = forms.DateField(label=_("Period until"), widget=DATE)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pictures = SituationPicture.objects.editable_by(user).filter(status=PictureStatus.ADOPTED)
        self.fields["situation_picture"].queryset = pictures  # type: ignore[attr-defined]
        year = timezone.localdate().year + 1
        self.fields["period_start"].initial = f"{year}-01-01"
        self.fields["period_end"].initial = f"{year}-12-31"
        self.fields["title"].initial = _("Medborgarlöfte %(year)s") % {"year": year}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class PromiseForm(forms.ModelForm):
    class Meta:
        model = CitizenPromise
        fields = ["title", "period_start", "period_end", "background", "problems"]
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            "problems": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        problems = Problem.objects.filter(picture=self.instance.situation_picture_id)
        self.fields["problems"].queryset = problems  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class CommitmentForm(forms.ModelForm):
    measures = forms.ModelMultipleChoiceField(
        label=_("Measures of the plan that carry it out"),
        queryset=Measure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("Goals of the plan it serves"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Commitment
        fields = ["giver", "other_party", "text", "place", "priority_area", "problem"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, promise: CitizenPromise, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other_party"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            agreements=promise.agreement_id
        ).exclude(pk__in=[promise.kommun_id, promise.police_id])
        self.fields["other_party"].help_text = _("Only when the giver is another party.")
        self.fields["priority_area"].queryset = PriorityArea.objects.filter(  # type: ignore[attr-defined]
            agreement=promise.agreement_id
        )
        self.fields["problem"].queryset = Problem.objects.filter(  # type: ignore[attr-defined]
            picture=promise.situation_picture_id
        )
        # The plans of the same agreement and kommun, as far as the user may read them.
        measures = restrict(Measure.objects.all(), user, "view").filter(
            plan__agreement=promise.agreement_id, plan__kommun=promise.kommun_id
        )
        plans = restrict(ActionPlan.objects.all(), user, "view").filter(
            agreement=promise.agreement_id, kommun=promise.kommun_id
        )
        goals = Goal.objects.filter(plan__in=plans.values("pk"))
        self.fields["measures"].queryset = measures.select_related("plan")  # type: ignore[attr-defined]
        self.fields["goals"].queryset = goals  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["measures"].initial = list(self.instance.measures.all())
            self.fields["goals"].initial = list(self.instance.goals.all())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("giver") == Giver.OTHER and not data.get("other_party"):
            self.add_error("other_party", _("Name the party that gives the commitment."))
        return data


class AdoptForm(DecisionChoiceMixin, forms.Form):
    adopted_on = forms.DateField(label=_("Adopted at the steering group's meeting on"), widget=DATE)
    decision_reference = forms.CharField(
        label=_("Decision reference"),
        max_length=200,
        validators=[validate_no_personal_data],
        help_text=_("E.g. “Styrgruppen 2026-12-10 §5”."),
    )

    def __init__(
        self, *args: Any, agreement_id: int | None = None, user: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.add_decision_choice(agreement_id, user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.check_decision_choice(data)
        return data


class JudgementForm(forms.Form):
    judgement = forms.ChoiceField(
        label=_("Judgement"),
        choices=[("", _("As the plan's follow-up gives it")), *Judgement.choices],
        required=False,
        help_text=_("Leave it to the plan, or judge otherwise: the plan's judgement is kept too."),
    )
    explanation = forms.CharField(
        label=_("Public explanation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        validators=[validate_no_personal_data],
    )


class FollowUpDateForm(forms.Form):
    as_of = forms.DateField(label=_("Followed up as of"), widget=DATE)


class ImportTextForm(forms.Form):
    text = forms.CharField(
        label=_("The promise's text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        help_text=_("Paste the text of an earlier medborgarlöfte, or choose a file below."),
    )
    file = forms.FileField(
        label=_("Or a file (TXT, Word or PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,.docx,.pdf"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_IMPORT_BYTES:
                self.add_error("file", _("The file is larger than 10 MB."))
                return data
            try:
                data["text"] = extract_text(upload.read(), upload.name or "")
            except ValueError:
                self.add_error(
                    "file",
                    _("%(file)s could not be read: use a text file (TXT), Word (DOCX) or PDF.")
                    % {"file": upload.name},
                )
                return data
        if not (data.get("text") or "").strip():
            self.add_error("text", _("Paste the text or choose a file."))
        return data


IMPORT_GIVERS = [(value, label) for value, label in Giver.choices if value != Giver.OTHER]


class ReviewRowForm(forms.Form):
    include = forms.BooleanField(label=_("Take it"), required=False, initial=True)
    giver = forms.ChoiceField(label=_("Given by"), choices=IMPORT_GIVERS)
    text = forms.CharField(
        label=_("The promise"),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_personal_data],
    )
    place = forms.CharField(
        label=_("Place or group"),
        required=False,
        max_length=300,
        validators=[validate_no_personal_data],
    )
    line = forms.IntegerField(widget=forms.HiddenInput, required=False)


ReviewFormSet = forms.formset_factory(ReviewRowForm, extra=0)
