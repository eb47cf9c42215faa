from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samverka.agreements.models import (
    Agreement,
    Forum,
    ForumYear,
    PriorityArea,
    Signatory,
)
from samverka.lib.privacy import (
    NoPersonalData,
    describe,
    find_personal_data,
    validate_no_personal_data,
)
from samverka.organizations.models import ACTOR_KINDS, Organization, OrganizationKind
from samverka.taxonomy.models import Category, TargetGroup
from samverka.tenancy.access import Role

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementForm(forms.ModelForm):
    kommuner = forms.ModelMultipleChoiceField(
        label=_("Municipalities"),
        queryset=Organization.objects.filter(kind=OrganizationKind.KOMMUN),
        help_text=_("Usually one; hold Ctrl (Cmd) to choose more."),
    )
    police = forms.ModelChoiceField(
        label=_("Local police area"),
        queryset=Organization.objects.filter(kind=OrganizationKind.LOCAL_POLICE_AREA),
    )
    other_parties = forms.ModelMultipleChoiceField(
        label=_("Other parties"),
        queryset=Organization.objects.filter(kind__in=ACTOR_KINDS),
        required=False,
    )
    replaces = forms.ModelChoiceField(
        label=_("Replaces the earlier agreement"),
        queryset=Agreement.objects.none(),
        required=False,
        help_text=_("The earlier agreement is then shown as replaced, and its open duties end."),
    )

    class Meta:
        model = Agreement
        fields = [
            "title",
            "starts_on",
            "ends_on",
            "extension_years",
            "consultation_months",
            "purpose",
            "vision",
            "overall_goals",
            "in_two_parts",
            "how_we_work",
            "what_we_work_on",
            "situation_picture",
            "follow_up",
            "communication",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "vision": forms.Textarea(attrs={"rows": 3}),
            "overall_goals": forms.Textarea(attrs={"rows": 4}),
            "how_we_work": forms.Textarea(attrs={"rows": 5}),
            "what_we_work_on": forms.Textarea(attrs={"rows": 5}),
            "situation_picture": forms.Textarea(attrs={"rows": 5}),
            "follow_up": forms.Textarea(attrs={"rows": 3}),
            "communication": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, joint: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if joint:
            # A joint agreement changes by proposal; which earlier agreement it replaced
            # was settled when it was recorded.
            del self.fields["replaces"]
            self.fields["reason"] = forms.CharField(
                label=_("Why the change"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Shown to the other parties' coordinators with the proposal."),
                validators=[validate_no_personal_data],
            )
        earlier = Agreement.objects.coordinated_by(user).filter(replaced_by__isnull=True)
        if self.instance.pk:
            earlier = earlier.exclude(pk=self.instance.pk)
            self.initial["replaces"] = self.instance.replaces.first()
        if "replaces" in self.fields:
            self.fields["replaces"].queryset = earlier  # type: ignore[attr-defined]
        if self.instance.pk:
            parties = list(self.instance.parties.all())
            self.initial["kommuner"] = [p for p in parties if p.kind == OrganizationKind.KOMMUN]
            self.initial["police"] = next(
                (p for p in parties if p.kind == OrganizationKind.LOCAL_POLICE_AREA), None
            )
            self.initial["other_parties"] = [p for p in parties if p.kind in ACTOR_KINDS]
        else:
            # What was given (e.g. parsed from an imported text) stays; only what is
            # missing defaults to the user's own kommun and LPO.
            own = Organization.objects.of_user(user, (Role.COORDINATOR,))
            kommuner = self.initial.get("kommuner") or [
                o for o in own if o.kind == OrganizationKind.KOMMUN
            ]
            self.initial["kommuner"] = kommuner
            # The user's own LPO, or else the one that covers the kommun.
            self.initial["police"] = (
                self.initial.get("police")
                or next((o for o in own if o.kind == OrganizationKind.LOCAL_POLICE_AREA), None)
                or Organization.objects.filter(covers__in=kommuner).first()
            )

    def parties(self) -> list[Organization]:
        data = self.cleaned_data
        return [*data["kommuner"], data["police"], *data.get("other_parties", [])]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if {"kommuner", "police"} <= set(data) and not self.user.is_superuser:
            own = set(
                Organization.objects.of_user(
                    self.user, (Role.COORDINATOR, Role.MEMBER)
                ).values_list("pk", flat=True)
            )
            covered = set(
                Organization.objects.filter(
                    covered_by__in=own, kind=OrganizationKind.KOMMUN
                ).values_list("pk", flat=True)
            )
            kommuner = {p.pk for p in data["kommuner"]}
            if not kommuner & (own | covered):
                raise forms.ValidationError(
                    _(
                        "You can record an agreement only for a municipality you belong to or "
                        "one your local police area covers, and none of %(kommuner)s is. "
                        "Ask a coordinator of that municipality or its local police area."
                    )
                    % {"kommuner": ", ".join(str(k) for k in data["kommuner"])}
                )
            if not own & {p.pk for p in self.parties()}:
                raise forms.ValidationError(
                    _("One of your own organizations must be a party of the agreement.")
                )
        return data


class PriorityAreaForm(forms.ModelForm):
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty to have categories suggested from the title."),
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = PriorityArea
        fields = ["title", "description", "categories", "target_groups", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = self.fields["categories"]
        categories.queryset = Category.objects.current().select_related("parent")  # type: ignore[attr-defined]


class ForumForm(forms.ModelForm):
    class Meta:
        model = Forum
        fields = [
            "kind",
            "name",
            "description",
            "coordinator",
            "participants",
            "meeting_rule",
            "meetings_per_year",
            "position",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parties = agreement.parties.all()
        self.fields["coordinator"].queryset = parties  # type: ignore[attr-defined]
        self.fields["participants"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            kind__in=(OrganizationKind.KOMMUN, OrganizationKind.LOCAL_POLICE_AREA, *ACTOR_KINDS)
        )
        self.fields["participants"].help_text = _("Hold Ctrl (Cmd) to choose more than one.")


class ForumYearForm(forms.ModelForm):
    class Meta:
        model = ForumYear
        fields = ["year", "meetings_held", "cases"]


class SignatoryForm(forms.ModelForm):
    class Meta:
        model = Signatory
        fields = ["name", "title", "organization", "place", "signed_on", "position"]
        widgets = {"signed_on": DATE}

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = agreement.parties.all()  # type: ignore[attr-defined]


class ProposalAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[("accept", _("Accept")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )


class DatedActionForm(forms.Form):
    made_on = forms.DateField(label=_("Date"), widget=DATE)


class RevisionForm(DatedActionForm):
    summary = forms.CharField(
        label=_("Summary of the change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[NoPersonalData(_("Summary of the change"))],
    )


class DutyForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("done", "done"), ("undo", "undo"), ("move", "move")],
        widget=forms.HiddenInput,
    )
    due_on = forms.DateField(label=_("New due date"), widget=DATE, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "move" and not data.get("due_on"):
            self.add_error("due_on", _("Give the new due date."))
        return data


MAX_IMPORT_BYTES = 10 * 1024 * 1024


class ImportUploadForm(forms.Form):
    document = forms.FileField(
        label=_("The agreement as a file"),
        required=False,
        help_text=_("Word (.docx), PDF, Markdown or plain text; at most 10 MB."),
    )
    text = forms.CharField(
        label=_("Or paste its text"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    def clean_document(self) -> Any:
        document = self.cleaned_data.get("document")
        if document is not None and document.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return document

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("document") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a file or paste the text of the agreement."))
        return data


# Review form fields and the parsed field each is read from.
FOUND_ON = {
    "title": "title",
    "kommuner": "parties",
    "police": "parties",
    "starts_on": "starts_on",
    "ends_on": "ends_on",
    "extension_years": "extension_years",
    "consultation_months": "consultation_months",
    "purpose": "purpose",
    "vision": "vision",
    "overall_goals": "overall_goals",
    "situation_picture": "situation_picture_sources",
    "follow_up": "follow_up",
    "communication": "communication",
    "areas": "priority_areas",
    "forums": "forums",
    "signatories": "signatories",
}


class ImportReviewForm(AgreementForm):
    """The agreement's fields as read, and which of its parts to keep."""

    areas = forms.TypedMultipleChoiceField(
        label=_("Priority areas to keep"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    forums = forms.TypedMultipleChoiceField(
        label=_("Forums and methods to keep"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    signatories = forms.TypedMultipleChoiceField(
        label=_("Signatories to keep"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, parsed: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].choices = [  # type: ignore[attr-defined]
            (i, a["title"]) for i, a in enumerate(parsed["priority_areas"])
        ]
        self.fields["forums"].choices = [  # type: ignore[attr-defined]
            (i, f"{f['name']}") for i, f in enumerate(parsed["forums"])
        ]
        self.fields["signatories"].choices = [  # type: ignore[attr-defined]
            (
                i,
                ", ".join(
                    part
                    for part in (s["name"], s["title"], s["place"], s["signed_on"] or "")
                    if part
                ),
            )
            for i, s in enumerate(parsed["signatories"])
        ]
        for name in ("areas", "forums", "signatories"):
            self.initial.setdefault(name, [c for c, _ in self.fields[name].choices])  # type: ignore[attr-defined]
        self.parsed = parsed
        # Where in the document each field was read, so the reviewer can check it there.
        lines = parsed.get("lines", {})
        for name, source in FOUND_ON.items():
            if name in self.fields and lines.get(source):
                found = _("Read from line %(line)s of the document.") % {"line": lines[source]}
                help_text = self.fields[name].help_text
                self.fields[name].help_text = f"{help_text} {found}".strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # A part kept is saved as read: one holding personal data is refused on its list.
        for name, key in (
            ("areas", "priority_areas"),
            ("forums", "forums"),
            ("signatories", "signatories"),
        ):
            labels = dict(self.fields[name].choices)  # type: ignore[attr-defined]
            for index in data.get(name) or []:
                values = self.parsed[key][index].values()
                texts = [v for v in values if isinstance(v, str)]
                texts += [t for v in values if isinstance(v, list) for t in v if isinstance(t, str)]
                found = next(filter(None, map(find_personal_data, texts)), None)
                if found:
                    self.add_error(
                        name,
                        forms.ValidationError(
                            _(
                                "“%(part)s” seems to contain %(what)s: leave it out here and "
                                "add it by hand without it."
                            ),
                            code="personal_data",
                            params={"part": labels[index], "what": describe(found)},
                        ),
                    )
        return data
