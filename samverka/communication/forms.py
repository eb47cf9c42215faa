from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samverka.communication.models import EXTERNAL_CHANNELS, Activity, Channel
from samverka.organizations.models import Organization
from samverka.plans.models import Measure
from samverka.promises.models import CitizenPromise
from samverka.situation.models import Problem, SituationPicture
from samverka.tenancy.access import WRITE_ROLES, organizations_of, restrict

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "message",
            "target_group",
            "channel",
            "channel_detail",
            "external",
            "joint",
            "party",
            "on",
            "month",
            "promise",
            "problem",
            "measure",
        ]
        widgets = {"message": forms.Textarea(attrs={"rows": 3}), "on": DATE}

    def __init__(self, *args: Any, agreement_id: int, year: int, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year
        # A party writes in its own name: the parties of the agreement the user writes for.
        self.fields["party"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            agreements=agreement_id, pk__in=organizations_of(user, WRITE_ROLES)
        ).order_by("kind", "name")
        self.fields["party"].help_text = _("Not needed for a joint activity.")
        self.fields["on"].help_text = _(
            "A date in %(year)s, or leave it empty and give the month."
        ) % {"year": year}
        self.fields["promise"].queryset = restrict(  # type: ignore[attr-defined]
            CitizenPromise.objects.all(), user, "view"
        ).filter(agreement=agreement_id)
        pictures = restrict(SituationPicture.objects.all(), user, "view").filter(
            agreement=agreement_id
        )
        self.fields["problem"].queryset = Problem.objects.filter(  # type: ignore[attr-defined]
            picture__in=pictures.values("pk")
        ).select_related("picture")
        self.fields["measure"].queryset = (  # type: ignore[attr-defined]
            restrict(Measure.objects.all(), user, "view")
            .filter(plan__agreement=agreement_id)
            .select_related("plan")
        )
        self.fields["external"].help_text = _(
            "Information to the public or the media: both parties' coordinators approve it "
            "before it is marked sent. A press release and a press conference always are."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("channel") in EXTERNAL_CHANNELS:
            data["external"] = True
            self.instance.external = True
        on, month = data.get("on"), data.get("month")
        if on is None and month is None:
            self.add_error("on", _("Give a date or a month for the activity."))
        if on is not None and on.year != self.year:
            self.add_error(
                "on", _("The date must be in the plan's year %(year)s.") % {"year": self.year}
            )
        if not data.get("joint") and not data.get("party"):
            self.add_error(
                "party", _("Name the party that carries out the activity, or mark it joint.")
            )
        if data.get("channel") == Channel.OTHER and not (data.get("channel_detail") or "").strip():
            self.add_error("channel_detail", _("Say which channel “Other channel” is."))
        return data


class SentForm(forms.Form):
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE)
