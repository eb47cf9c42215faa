from django import forms
from django.utils.translation import gettext_lazy as _

from samverka.core.access import Role
from samverka.lib.privacy import NoPersonalData
from samverka.organizations.models import ACTOR_KINDS, County, OrganizationKind


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(
        label=_("First name"), max_length=150, validators=[NoPersonalData(_("First name"))]
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, validators=[NoPersonalData(_("Last name"))]
    )
    title = forms.CharField(
        label=_("Job title"),
        max_length=200,
        required=False,
        validators=[NoPersonalData(_("Job title"))],
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ActorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, validators=[NoPersonalData(_("Name"))])
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(kind.value, kind.label) for kind in OrganizationKind if kind in ACTOR_KINDS],
    )
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=County.objects.all(),
        required=False,
        empty_label=_("Choose a county"),
    )


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All kinds")), *OrganizationKind.choices],
        required=False,
    )
