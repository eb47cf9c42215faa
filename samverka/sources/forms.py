from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samverka.core.access import WRITE_ROLES, Visibility
from samverka.organizations.models import Organization
from samverka.sources.models import ColumnMapping, SourceKind
from samverka.taxonomy.models import Category

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of source"),
        choices=[
            (SourceKind.POLICE_EVENTS.value, SourceKind.POLICE_EVENTS.label),
            (SourceKind.CRIME_STATISTICS.value, SourceKind.CRIME_STATISTICS.label),
        ],
    )
    mapping = forms.ModelChoiceField(
        label=_("Column mapping"),
        queryset=ColumnMapping.objects.none(),
        required=False,
        help_text=_("For a table: which column is the area, the period, the category, the value."),
    )
    owner = forms.ModelChoiceField(
        label=_("Owning organization"), queryset=Organization.objects.none()
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Police events: a saved response of the API or an export, JSON or .json.gz. "
            "Statistics: CSV or XLSX."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A platform administrator imports for any organization (e.g. the national events).
        owners = (
            Organization.objects.all()
            if user.is_superuser
            else Organization.objects.of_user(user, WRITE_ROLES)
        )
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["mapping"].queryset = ColumnMapping.objects.visible_to(user)  # type: ignore[attr-defined]
        if owners.count() == 1:
            self.initial["owner"] = owners.first()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == SourceKind.CRIME_STATISTICS and not data.get("mapping"):
            self.add_error("mapping", _("A table needs a column mapping."))
        if data.get("visibility") == Visibility.SHARED:
            self.add_error(
                "visibility",
                _(
                    "A dataset is shared with an agreement's parties from the lägesbild; "
                    "choose internal or public here."
                ),
            )
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it withdrawn?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class MapTypeForm(forms.Form):
    source_type = forms.CharField(widget=forms.HiddenInput)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.current().select_related("parent")  # type: ignore[attr-defined]
