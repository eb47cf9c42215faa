"""The start page's EST items: a reporter finds the form, a kommun's coordinator the
observations waiting for review."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samverka.est import services
from samverka.est.models import Observation, ObservationStatus
from samverka.lib.attention import AttentionItem
from samverka.tenancy.access import COORDINATE, restrict


def est_items(user: Any) -> Iterator[AttentionItem]:
    if not user.is_authenticated:
        return
    if services.reporting_agreements(user).exists():
        yield AttentionItem(
            _("EST report"),
            _("Report what you saw this week: it takes a minute, from a phone too."),
            url=reverse("est:report"),
            link_text=_("Report what you saw"),
        )
    waiting = restrict(
        Observation.objects.filter(status=ObservationStatus.PENDING), user, COORDINATE
    ).count()
    if waiting:
        yield AttentionItem(
            _("EST observations to review"),
            ngettext(
                "%(count)s observation waits for your review.",
                "%(count)s observations wait for your review.",
                waiting,
            )
            % {"count": waiting},
            level="warning",
            url=reverse("est:review"),
            link_text=_("Review EST reports"),
        )
