from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverka.audit.forms import TrailFilterForm
from samverka.audit.models import AuditEntry
from samverka.audit.recorder import registered_models
from samverka.lib import numbers

# How the trail writes a moment and a day ("2 juni 2026 01:30", Swedish time).
WHEN = "j F Y H:i"
DAY = "j F Y"


def _field(content_type: ContentType, name: str) -> Any:
    model = content_type.model_class()
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _display(field: Any, value: Any) -> Any:
    """A recorded value in words, as the forms show it: a choice by its label in the
    reader's language, a yes/no in words, a time in Swedish time, a number in the
    page's number format, a dict or list as "key: value" pairs (never raw JSON)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(_display(None, v) or "–") for v in value) or "–"
    if isinstance(value, dict):
        pairs = [f"{key}: {_display(None, v) or '–'}" for key, v in value.items()]
        return "; ".join(pairs) or "–"
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            decimals = len(repr(value).partition(".")[2])
            return numbers.number(value, min(decimals, 4))
        return numbers.count(value)
    if isinstance(value, str):
        choices = dict(getattr(field, "flatchoices", None) or ())
        if choices:
            return choices.get(value, value)
        return _when(field, value)
    return value


def _when(field: Any, value: str) -> str:
    """A recorded date or time (ISO, UTC) as the reader reads it: "2 juni 2026 01:30"."""
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, dt.UTC)
            return formats.date_format(timezone.localtime(moment), WHEN)
    elif isinstance(field, models.DateField):
        day = parse_date(value)
        if day is not None:
            return formats.date_format(day, DAY)
    return value


# Actors that are not people, as the recorder names them; shown in the reader's language.
SYSTEM_ACTORS = {
    "system": gettext_lazy("system"),
    "anonymous": gettext_lazy("anonymous visitor"),
    "demo data": gettext_lazy("demo data"),
    "reference data": gettext_lazy("reference data"),
}


def _kind_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model is not None else content_type.model


def _rows(entry: AuditEntry) -> list[dict[str, Any]]:
    rows = []
    for name, change in entry.changes.items():
        if isinstance(change, dict):  # many-to-many changed from the other side
            old, new = change.get("removed"), change.get("added")
        else:
            old, new = change
        field = _field(entry.content_type, name)
        rows.append(
            {
                "field": str(getattr(field, "verbose_name", name)),
                "old": _display(field, old),
                "new": _display(field, new),
            }
        )
    return rows


@login_required
def trail(request: HttpRequest) -> HttpResponse:
    """The audit trail of what the user may see; coordinators and platform administrators."""
    user = request.user
    if not user.has_perm("audit.view_trail"):
        raise PermissionDenied
    entries = AuditEntry.objects.select_related("content_type")
    if not user.is_superuser:
        entries = entries.readable_by(user)
    kinds = ContentType.objects.get_for_models(*registered_models()).values()
    form = TrailFilterForm(request.GET or None, kinds=kinds)
    if form.is_valid():
        if action := form.cleaned_data["action"]:
            entries = entries.filter(action=action)
        if kind := form.cleaned_data["kind"]:
            entries = entries.filter(content_type_id=kind)
        if q := form.cleaned_data["q"]:
            entries = entries.filter(object_label__icontains=q)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/trail.html",
        {
            "form": form,
            "page": page,
            "rows": [
                {
                    "entry": entry,
                    "actor": SYSTEM_ACTORS.get(entry.actor_label, entry.actor_label),
                    "kind": _kind_label(entry.content_type),
                    "changes": _rows(entry),
                }
                for entry in page
            ],
            "query": query.urlencode(),
        },
    )
