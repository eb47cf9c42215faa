from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samverka.accounts.models import User
from samverka.lib.privacy import NoPersonalData
from samverka.organizations.models import ACTOR_KINDS, County, OrganizationKind
from samverka.tenancy.access import Role


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class AccountSetupForm(forms.Form):
    """A person new to samverka, invited by e-mail: their name and a password."""

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
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            person = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, person)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


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
