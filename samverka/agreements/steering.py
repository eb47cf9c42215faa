"""The steering group as the apps that adopt things see it, without importing the app that
holds its meetings (samverka.meetings registers itself here in its AppConfig.ready).

* A lägesbild's adoption, a follow-up's approval and a medborgarlöfte's adoption may name
  the meeting decision that made them: :func:`decision_choices` lists the steering group's
  decisions of the agreement that a user reads, :func:`decision` gives one as a
  :class:`DecisionRef` (the reference text and the day it was made), and :func:`record`
  links the decision to what it adopted.
* "Skicka till styrgruppen": :func:`refer` puts an item on the steering group's next
  agenda (and tells its members).

Without a registered backend there are no decisions to choose and a referral does nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class DecisionRef:
    """A meeting decision as an adoption names it."""

    pk: int
    reference: str  # e.g. "Styrgruppen 2026-02-10 § 3"
    decided_on: dt.date
    label: str  # the reference and the decision's text, for a choice list


class Backend(Protocol):
    def decisions(self, agreement_id: int | None, user: Any) -> list[DecisionRef]: ...

    def decision(self, pk: int, agreement_id: int | None) -> DecisionRef | None: ...

    def record(self, pk: int, subject: models.Model) -> None: ...

    def refer(self, agreement: Any, title: str, url: str, by: Any) -> Any: ...


_backend: list[Backend] = []


def register(backend: Backend) -> None:
    _backend[:] = [backend]


def decision_choices(agreement_id: int | None, user: Any) -> list[tuple[str, str]]:
    """(pk, label) of the steering group's decisions of the agreement that ``user`` reads."""
    if not _backend or agreement_id is None:
        return []
    return [(str(d.pk), d.label) for d in _backend[0].decisions(agreement_id, user)]


def decision(pk: int, agreement_id: int | None) -> DecisionRef:
    """The decision ``pk`` of the agreement's steering group, or a ValidationError."""
    found = _backend[0].decision(pk, agreement_id) if _backend else None
    if found is None:
        raise ValidationError(
            {"decision": _("Choose a decision of this agreement's steering group.")}
        )
    return found


def resolve(
    pk: int | None, agreement_id: int | None, reference: str, on: dt.date, field: str
) -> tuple[str, DecisionRef | None]:
    """The reference text to store and the decision: the decision's reference when no text
    is given; the date ``on`` (stored in ``field``) may not precede the decision."""
    if pk is None:
        return reference, None
    ref = decision(pk, agreement_id)
    if on < ref.decided_on:
        raise ValidationError(
            {
                field: _("The date cannot precede the decision it rests on (%(date)s).")
                % {"date": ref.decided_on.isoformat()}
            }
        )
    return reference.strip() or ref.reference, ref


def record(ref: DecisionRef | None, subject: models.Model) -> None:
    if ref is not None and _backend:
        _backend[0].record(ref.pk, subject)


def refer(agreement: Any, title: str, url: str, by: Any) -> Any:
    """Put ``title`` (with a link to ``url``) on the agreement's steering group's next
    agenda: the meeting, or None when there is no steering group to send to."""
    if not _backend:
        return None
    return _backend[0].refer(agreement, title, url, by)


class DecisionChoiceMixin:
    """For an adoption's form: an optional choice of the steering group's decision (when
    there are decisions to choose); the decision's reference fills ``decision_reference``
    when that is left empty. Call :meth:`add_decision_choice` in ``__init__`` and
    :meth:`check_decision_choice` in ``clean``."""

    fields: dict[str, Any]

    def add_decision_choice(self, agreement_id: int | None, user: Any) -> None:
        from django import forms
        from django.utils.translation import gettext_lazy

        choices = decision_choices(agreement_id, user)
        if not choices:
            return
        field = forms.TypedChoiceField(
            label=gettext_lazy("The steering group's decision"),
            choices=[("", gettext_lazy("None chosen: give the reference below")), *choices],
            coerce=int,
            empty_value=None,
            required=False,
            help_text=gettext_lazy(
                "The decision of the meeting that made it; its reference is filled in from it."
            ),
        )
        ordered = {}
        for name, existing in self.fields.items():
            if name == "decision_reference":
                ordered["decision"] = field
                existing.required = False
            ordered[name] = existing
        self.fields.clear()
        self.fields.update(ordered)

    def check_decision_choice(self, data: dict[str, Any]) -> None:
        chosen = data.get("decision") or (data.get("decision_reference") or "").strip()
        if "decision" in self.fields and not chosen:
            self.add_error(  # type: ignore[attr-defined]
                "decision_reference",
                _("Give the decision's reference or choose the decision."),
            )
