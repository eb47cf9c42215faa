from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverka.accounts.models import User
from samverka.agreements.models import PriorityArea
from samverka.agreements.steering import DecisionChoiceMixin
from samverka.lib import numbers
from samverka.lib.privacy import NoPersonalData, validate_no_personal_data
from samverka.organizations.models import Organization, SubArea
from samverka.plans.models import ActionPlan, Goal, IndicatorKind, IndicatorReading, Measure
from samverka.situation.models import PictureStatus, Problem, SituationPicture
from samverka.taxonomy.choices import category_choices
from samverka.tenancy.access import WRITE_ROLES, organizations_of

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.Form):
    situation_picture = forms.ModelChoiceField(
        label=_("Adopted situation picture"),
        queryset=SituationPicture.objects.none(),
        help_text=_("The plan builds on an adopted lägesbild: its problems and its sources."),
    )
    title = forms.CharField(
        label=_("Title"), max_length=300, validators=[validate_no_personal_data]
    )
    period_start = forms.DateField(label=_("Period from"), widget=DATE)
    period_end = forms.DateField(label=_("Period until"), widget=DATE)
    continue_from = forms.ModelChoiceField(
        label=_("Continue from the plan"),
        queryset=ActionPlan.objects.none(),
        required=False,
        help_text=_(
            "Its goals continue with new baselines counted the same way, and its ongoing "
            "and recurring measures are carried over with their history."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pictures = SituationPicture.objects.editable_by(user).filter(status=PictureStatus.ADOPTED)
        self.fields["situation_picture"].queryset = pictures  # type: ignore[attr-defined]
        self.fields["continue_from"].queryset = (  # type: ignore[attr-defined]
            ActionPlan.objects.editable_by(user).order_by("-period_start", "title")
        )
        year = timezone.localdate().year
        self.fields["period_start"].initial = f"{year}-01-01"
        self.fields["period_end"].initial = f"{year}-12-31"
        self.fields["title"].initial = _("Åtgärdsplan %(year)s") % {"year": year}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        earlier, picture = data.get("continue_from"), data.get("situation_picture")
        if (
            earlier
            and picture
            and (
                earlier.agreement_id != picture.agreement_id
                or earlier.kommun_id != picture.kommun_id
            )
        ):
            self.add_error(
                "continue_from",
                _("Choose a plan of the same agreement and kommun as the situation picture."),
            )
        if earlier and start and earlier.period_start >= start:
            self.add_error("continue_from", _("Choose a plan of an earlier period."))
        return data


class GoalForm(forms.ModelForm):
    target_change = forms.FloatField(
        label=_("Or: change against the baseline, in per cent"),
        required=False,
        help_text=_("E.g. −20 for a fifth fewer; the target is then computed from the baseline."),
    )

    class Meta:
        model = Goal
        fields = [
            "title",
            "problem",
            "priority_area",
            "owner",
            "indicator",
            "category",
            "sub_area",
            "survey_question",
            "unit",
            "direction",
            "baseline_start",
            "baseline_end",
            "baseline_value",
            "target_value",
            "deadline",
        ]
        widgets = {"baseline_start": DATE, "baseline_end": DATE, "deadline": DATE}
        help_texts = {
            "baseline_value": _(
                "Only for an indicator entered by hand: a computed indicator's baseline is "
                "counted from the plan's sources when the goal is saved."
            ),
        }

    def __init__(self, *args: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        picture = plan.situation_picture
        self.fields["problem"].queryset = Problem.objects.filter(picture=picture)  # type: ignore[attr-defined]
        areas = PriorityArea.objects.filter(agreement=plan.agreement_id)
        self.fields["priority_area"].queryset = areas  # type: ignore[attr-defined]
        parties = Organization.objects.filter(agreements=plan.agreement_id)
        self.fields["owner"].queryset = parties  # type: ignore[attr-defined]
        self.fields["category"] = forms.ChoiceField(
            label=_("Category"), choices=category_choices(), required=False
        )
        self._survey_question_choice(plan)
        sub_areas = SubArea.objects.filter(kommun=plan.kommun_id)
        self.fields["sub_area"].queryset = sub_areas  # type: ignore[attr-defined]
        self.fields["sub_area"].empty_label = _("The whole municipality")  # type: ignore[attr-defined]
        if not self.instance.pk:
            self.initial.setdefault("baseline_start", picture.period_start)
            self.initial.setdefault("baseline_end", picture.period_end)

    def _survey_question_choice(self, plan: ActionPlan) -> None:
        """A survey goal's question is one the plan's sources hold for the kommun, chosen,
        not typed (a typo would count nothing); its target is in per cent, as shown."""
        from samverka.plans.followup import plan_datasets
        from samverka.situation.survey_figures import questions

        held = questions(plan_datasets(plan), plan.kommun_id)
        current = self.instance.survey_question if self.instance.pk else ""
        choices = [("", _("— choose a question from the sources —")), *((q, q) for q in held)]
        if current and current not in held:
            choices.append(
                (current, _("%(question)s (no longer in the sources)") % {"question": current})
            )
        self.fields["survey_question"] = forms.ChoiceField(
            label=_("Survey question"),
            choices=choices,
            required=False,
            help_text=_("The questions the plan's sources hold for the municipality.")
            if held
            else _("The plan's sources hold no survey results for the municipality."),
        )
        self.fields["target_value"].help_text = _(
            "For a share in a survey: in per cent, e.g. 40 for 40 %."
        )
        target = self.instance.target_value if self.instance.pk else None
        if target is not None and self.instance.indicator == IndicatorKind.SURVEY:
            self.initial["target_value"] = float(numbers.rounded(target * 100, 2))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("indicator")
        if kind == IndicatorKind.SURVEY and not data.get("survey_question"):
            self.add_error("survey_question", _("Choose the survey question."))
        if kind == IndicatorKind.SURVEY and data.get("target_value") is not None:
            target = data["target_value"]
            if not 0 <= target <= 100:
                self.add_error("target_value", _("A share is between 0 and 100 %."))
            else:
                data["target_value"] = target / 100  # stored as a share, as the sources
        if kind == IndicatorKind.MANUAL and not data.get("unit"):
            self.add_error("unit", _("Say what is counted, e.g. “meetings held”."))
        if kind in (IndicatorKind.RATE, IndicatorKind.STATISTICS_RATE) and data.get("sub_area"):
            self.add_error(
                "sub_area",
                _(
                    "A rate per 100 000 needs the population, which is known for the whole "
                    "municipality only."
                ),
            )
        start, end = data.get("baseline_start"), data.get("baseline_end")
        if kind != IndicatorKind.MANUAL and (start is None or end is None):
            self.add_error("baseline_start", _("A computed indicator needs a baseline period."))
        if start and end and end < start:
            self.add_error("baseline_end", _("The period ends before it starts."))
        if data.get("target_value") is not None and data.get("target_change") is not None:
            self.add_error(
                "target_change", _("Give either a target or a change in per cent, not both.")
            )
        return data


class ReadingForm(forms.ModelForm):
    class Meta:
        model = IndicatorReading
        fields = ["measured_on", "value", "note"]
        widgets = {"measured_on": DATE}

    def clean_measured_on(self) -> Any:
        day = self.cleaned_data["measured_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A value cannot be measured in the future."))
        return day


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = [
            "title",
            "description",
            "goals",
            "problem",
            "cause",
            "responsible",
            "responsible_person",
            "participants",
            "starts_on",
            "ends_on",
            "recurrence",
            "status",
            "method",
            "evidence_base",
            "treated_area",
            "comparison_area",
            "evaluation_category",
            "public",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "evidence_base": forms.Textarea(attrs={"rows": 3}),
            "goals": forms.CheckboxSelectMultiple,
            "participants": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, plan: ActionPlan, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        parties = Organization.objects.filter(agreements=plan.agreement_id)
        if user is not None:
            # A party takes responsibility for a measure itself: the others only take part.
            own = parties.filter(pk__in=organizations_of(user, WRITE_ROLES))
            self.fields["responsible"].queryset = own  # type: ignore[attr-defined]
            self.fields["responsible"].help_text = _(
                "Your own organization; the other parties can be participants, and take "
                "on their own measures themselves."
            )
        else:
            self.fields["responsible"].queryset = parties  # type: ignore[attr-defined]
        self.fields["goals"].queryset = Goal.objects.filter(plan=plan)  # type: ignore[attr-defined]
        problems = Problem.objects.filter(picture=plan.situation_picture_id)
        self.fields["problem"].queryset = problems  # type: ignore[attr-defined]
        self.fields["participants"].queryset = parties  # type: ignore[attr-defined]
        people = User.objects.filter(
            memberships__organization__in=parties, is_active=True
        ).distinct()
        self.fields["responsible_person"].queryset = people  # type: ignore[attr-defined]
        party_ids = set(parties.values_list("pk", flat=True))

        def with_organization(person: User) -> str:
            own = [
                str(m.organization)
                for m in person.memberships.select_related("organization")
                if m.organization_id in party_ids
            ]
            return f"{person} ({', '.join(own)})"

        self.fields["responsible_person"].label_from_instance = with_organization  # type: ignore[attr-defined]
        sub_areas = SubArea.objects.filter(kommun=plan.kommun_id)
        self.fields["treated_area"].queryset = sub_areas  # type: ignore[attr-defined]
        self.fields["comparison_area"].queryset = sub_areas  # type: ignore[attr-defined]
        self.fields["evaluation_category"] = forms.ChoiceField(
            label=_("Category evaluated"), choices=category_choices(), required=False
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The measure ends before it starts."))
        person, responsible = data.get("responsible_person"), data.get("responsible")
        if (
            person
            and responsible
            and not person.memberships.filter(organization=responsible).exists()
        ):
            self.add_error(
                "responsible_person",
                _("The responsible person must belong to the responsible organization."),
            )
        treated, comparison = data.get("treated_area"), data.get("comparison_area")
        if treated and comparison and treated == comparison:
            self.add_error("comparison_area", _("Compare with another area."))
        return data


class ProgressForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["status", "progress", "progress_note"]
        widgets = {"progress_note": forms.Textarea(attrs={"rows": 3})}

    def clean_progress(self) -> int:
        value = int(self.cleaned_data["progress"])
        if value > 100:
            raise forms.ValidationError(_("Progress is at most 100 %."))
        return value


class FollowUpForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), widget=DATE)

    def clean_as_of(self) -> Any:
        day = self.cleaned_data["as_of"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A follow-up report is made of what has happened."))
        return day

    comments = forms.CharField(
        label=_("The team's comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[validate_no_personal_data],
    )


class ApproveForm(DecisionChoiceMixin, forms.Form):
    approved_on = forms.DateField(label=_("Approved on"), widget=DATE)
    decision_reference = forms.CharField(
        label=_("Decision reference"),
        max_length=200,
        validators=[NoPersonalData(_("Decision reference"))],
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

    def clean_approved_on(self) -> Any:
        day = self.cleaned_data["approved_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("An approval is recorded after the meeting."))
        return day
