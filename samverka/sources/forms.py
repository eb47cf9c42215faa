from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samverka.agreements.models import Agreement
from samverka.lib.privacy import NoPersonalData
from samverka.organizations.models import Organization
from samverka.sources.models import ColumnMapping, SourceKind
from samverka.sources.ownership import in_own_area, kommuner_of_user
from samverka.taxonomy.models import Category
from samverka.tenancy.access import (
    COORDINATOR_ROLES,
    WRITE_ROLES,
    Visibility,
    organizations_coordinated,
    organizations_of,
)

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
SHARED_PREFIX = "shared:"


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of source"),
        choices=[
            (SourceKind.POLICE_EVENTS.value, SourceKind.POLICE_EVENTS.label),
            (SourceKind.CRIME_STATISTICS.value, SourceKind.CRIME_STATISTICS.label),
            (SourceKind.EVENT_TABLE.value, SourceKind.EVENT_TABLE.label),
            (SourceKind.EST.value, SourceKind.EST.label),
            (SourceKind.SURVEY.value, SourceKind.SURVEY.label),
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
        label=_("Who may see it"),
        choices=[],
        initial=Visibility.INTERNAL,
        help_text=_(
            "Shared: the parties of the agreement read it and may use it in the agreement's "
            "lägesbild. Only a coordinator of the owning organization shares."
        ),
    )
    title = forms.CharField(
        label=_("Title"), max_length=300, required=False, validators=[NoPersonalData(_("Title"))]
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Police events: a saved response of the API or an export, JSON or .json.gz. "
            "Statistics: CSV or XLSX. Survey results: CSV, XLSX or JSON."
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
        # Shared with the parties of an agreement one of the user's coordinated
        # organizations is a party of: "Delad med överenskommelse X".
        self.agreements = {
            str(a.pk): a
            for a in Agreement.objects.filter(parties__in=organizations_of(user, COORDINATOR_ROLES))
            .distinct()
            .order_by("title")
        }
        self.fields["visibility"].choices = [  # type: ignore[attr-defined]
            (Visibility.INTERNAL.value, Visibility.INTERNAL.label),
            *((f"{SHARED_PREFIX}{pk}", shared_with_label(a)) for pk, a in self.agreements.items()),
            (Visibility.PUBLIC.value, Visibility.PUBLIC.label),
        ]
        self.user = user

    def clean_visibility(self) -> tuple[str, Any]:
        """(visibility, agreement): "shared:<pk>" is shared with that agreement."""
        value = self.cleaned_data["visibility"]
        if value.startswith(SHARED_PREFIX):
            return Visibility.SHARED, self.agreements[value.removeprefix(SHARED_PREFIX)]
        return value, None

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB."))
        NoPersonalData(_("File name"))(upload.name)  # it is kept with the dataset
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") != SourceKind.POLICE_EVENTS and not data.get("mapping"):
            self.add_error("mapping", _("A table needs a column mapping."))
        mapping, owner = data.get("mapping"), data.get("owner")
        if mapping and owner and not in_own_area(owner, mapping.kommun_id):
            self.add_error("mapping", outside_area_error(mapping.kommun, owner))
        visibility, agreement = data.get("visibility") or (None, None)
        if visibility == Visibility.SHARED and owner is not None:
            coordinated = organizations_of(self.user, COORDINATOR_ROLES)
            if not Organization.objects.filter(pk=owner.pk, pk__in=coordinated).exists():
                self.add_error(
                    "visibility",
                    _("Only a coordinator of %(owner)s shares its datasets.") % {"owner": owner},
                )
            elif agreement is not None and not agreement.parties.filter(pk=owner.pk).exists():
                self.add_error(
                    "visibility",
                    _(
                        "%(owner)s is not a party of the agreement %(agreement)s: a dataset is "
                        "shared only with the parties of the owner's own agreements."
                    )
                    % {"owner": owner, "agreement": agreement},
                )
        return data


def shared_with_label(agreement: Agreement) -> str:
    return _("Shared with the agreement %(agreement)s") % {"agreement": agreement}


class ShareForm(forms.Form):
    """The agreements whose parties a dataset is shared with (its owner's agreements)."""

    agreements = forms.ModelMultipleChoiceField(
        label=_("Share with the parties of"),
        queryset=Agreement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one agreement to share the dataset with.")},
    )

    def __init__(self, *args: Any, agreements: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreements"].queryset = agreements  # type: ignore[attr-defined]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it withdrawn?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[NoPersonalData(_("Why is it withdrawn?"))],
    )


class MapTypeForm(forms.Form):
    """A type of one owner's datasets, and its category; for the platform administrator
    no owner means the platform's mapping (the Police's events)."""

    source_type = forms.CharField(widget=forms.HiddenInput)
    owner = forms.ModelChoiceField(
        queryset=Organization.objects.none(), required=False, widget=forms.HiddenInput
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())

    def __init__(self, *args: Any, owners: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.current().select_related("parent")  # type: ignore[attr-defined]
        owner = self.fields["owner"]
        owner.queryset = Organization.objects.all() if owners is None else owners  # type: ignore[attr-defined]
        self.owners = owners

    def clean_owner(self) -> Any:
        owner = self.cleaned_data.get("owner")
        if owner is None and self.owners is not None:
            if len(self.owners) != 1:
                raise forms.ValidationError(_("Choose the organization whose datasets it is."))
            owner = self.owners[0]  # the one organization coordinated
        return owner


class MappingStartForm(forms.Form):
    """Step 1: what the mapping is for, and a sample of the table to read its columns from."""

    name = forms.CharField(
        label=_("Name of the mapping"),
        max_length=200,
        validators=[NoPersonalData(_("Name of the mapping"))],
    )
    kind = forms.ChoiceField(
        label=_("Kind of table"),
        choices=[
            (SourceKind.CRIME_STATISTICS.value, SourceKind.CRIME_STATISTICS.label),
            (SourceKind.SURVEY.value, SourceKind.SURVEY.label),
        ],
    )
    owner = forms.ModelChoiceField(
        label=_("Owning organization"), queryset=Organization.objects.none()
    )
    kommun = forms.ModelChoiceField(
        label=_("Municipality of the sub-areas"),
        queryset=Organization.objects.filter(kind="kommun"),
        help_text=_("Areas in the table that are not municipalities are this one's sub-areas."),
    )
    sample = forms.FileField(
        label=_("A sample of the table"),
        help_text=_("CSV or XLSX, as exported; for survey results JSON too."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = (
            Organization.objects.all()
            if user.is_superuser
            else Organization.objects.of_user(user, WRITE_ROLES)
        )
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        # A mapping places rows only in its owner's own kommuner.
        self.fields["kommun"].queryset = kommuner_of_user(user)  # type: ignore[attr-defined]
        kommuner = owners.filter(kind="kommun")
        if kommuner.count() == 1:
            self.initial["kommun"] = kommuner.first()
        if owners.count() == 1:
            self.initial["owner"] = owners.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kommun, owner = data.get("kommun"), data.get("owner")
        if kommun and owner and not in_own_area(owner, kommun.pk):
            self.add_error("kommun", outside_area_error(kommun, owner))
        return data


def outside_area_error(kommun: Organization, owner: Organization) -> forms.ValidationError:
    return forms.ValidationError(
        _(
            "%(kommun)s is not in %(owner)s's own area: a mapping places rows only in the "
            "owner's own municipalities."
        )
        % {"kommun": kommun, "owner": owner}
    )


def category_choices() -> list[tuple[str, Any]]:
    return [
        ("", _("— the total of all crime —")),
        *((c.code, str(c)) for c in Category.objects.current().select_related("parent")),
    ]


class MappingColumnsForm(forms.Form):
    """Step 2: which column is which; for statistics, where each category goes."""

    PERIODS = [("year", _("Year")), ("quarter", _("Quarter")), ("month", _("Month"))]

    def __init__(
        self,
        *args: Any,
        columns: list[str],
        kind: str,
        source_categories: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(c, c) for c in columns]
        optional = [("", _("(none)")), *choices]

        def column(label: Any, required: bool = True) -> forms.ChoiceField:
            return forms.ChoiceField(
                label=label, choices=choices if required else optional, required=required
            )

        self.fields["area_column"] = column(_("Column with the area"))
        self.fields["period_column"] = column(_("Column with the period"))
        self.fields["period_kind"] = forms.ChoiceField(
            label=_("Kind of period"), choices=self.PERIODS
        )
        self.fields["value_column"] = column(_("Column with the value"))
        self.kind = kind
        self.source_categories = source_categories
        if kind == SourceKind.SURVEY:
            self.fields["question_column"] = column(_("Column with the question"))
            self.fields["respondents_column"] = column(
                _("Column with the respondents"), required=False
            )
        else:
            self.fields["category_column"] = column(_("Column with the category"))
            self.fields["preliminary_column"] = column(
                _("Column saying a value is preliminary"), required=False
            )
            for index, value in enumerate(source_categories):
                self.fields[f"category_{index}"] = forms.ChoiceField(
                    label=_("Category for “%(value)s”") % {"value": value},
                    choices=category_choices(),
                    required=False,
                )

    def categories(self) -> dict[str, str]:
        return {
            value: self.cleaned_data.get(f"category_{index}", "")
            for index, value in enumerate(self.source_categories)
        }


class ReferenceUploadForm(forms.Form):
    """A file of reference data (population, sub-areas), for an organization the user
    coordinates (any organization for the platform administrator)."""

    kind: str = ""

    owner = forms.ModelChoiceField(
        label=_("Owning organization"), queryset=Organization.objects.none()
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"),
        choices=[(v, label) for v, label in Visibility.choices if v != Visibility.SHARED],
        initial=Visibility.INTERNAL,
    )
    title = forms.CharField(
        label=_("Title"), max_length=300, required=False, validators=[NoPersonalData(_("Title"))]
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = Organization.objects.filter(pk__in=organizations_coordinated(user).values("pk"))
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        if owners.count() == 1:
            self.initial["owner"] = owners.first()

    def clean_file(self) -> Any:
        from samverka.sources.services import ImportError_, check_file_size

        upload = self.cleaned_data["file"]
        try:
            check_file_size(self.kind, upload.size, upload.name)
        except ImportError_ as exc:
            raise forms.ValidationError(str(exc)) from exc
        NoPersonalData(_("File name"))(upload.name)  # it is kept with the dataset
        return upload


class PopulationUploadForm(ReferenceUploadForm):
    kind = SourceKind.POPULATION

    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_(
            "The year the figures are for (e.g. the population on 31 December), when the "
            "file has no year column."
        ),
    )
    field_order = ["owner", "file", "year", "title", "visibility"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV or XLSX: a column with the kommunkod or the kommun's name, one with the "
            "population and, if the file has one, one with the year."
        )


class AreasUploadForm(ReferenceUploadForm):
    kind = SourceKind.AREAS

    kommun = forms.ModelChoiceField(label=_("Municipality"), queryset=Organization.objects.none())
    area_kind = forms.CharField(
        label=_("Kind of area"),
        max_length=100,
        required=False,
        help_text=_("E.g. stadsdel, stadsområde, tätort."),
    )
    field_order = ["owner", "kommun", "file", "area_kind", "title", "visibility"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["kommun"].queryset = kommuner_of_user(user).order_by("name")  # type: ignore[attr-defined]
        self.fields["file"].help_text = _(
            "GeoJSON (a FeatureCollection) in WGS 84: one polygon per area, with its name in "
            "the property “name” or “namn”."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kommun, owner = data.get("kommun"), data.get("owner")
        if kommun and owner and not in_own_area(owner, kommun.pk):
            self.add_error(
                "kommun",
                _("%(kommun)s is not in %(owner)s's own area: its areas are drawn by others.")
                % {"kommun": kommun, "owner": owner},
            )
        return data
