"""The årshjul: the dated duties an agreement implies, year by year.

Early in the year the lägesbild is updated; the yearly follow-up comes before the
steering group's last meeting, where next year's medborgarlöfte is adopted; before
the agreement ends, the parties consult on extending it and evaluate it before a
new one is signed. Dates a coordinator moves by hand stay where they were put.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from samverka.agreements.models import Agreement, AgreementStatus, Duty, DutyKind
from samverka.lib.dates import add_months

# Default (month, day) of the yearly duties.
YEARLY: dict[str, tuple[int, int]] = {
    DutyKind.SITUATION_PICTURE: (3, 31),
    DutyKind.FOLLOW_UP: (10, 31),
    DutyKind.CITIZEN_PROMISE: (12, 15),
}


@dataclass(frozen=True)
class PlannedDuty:
    kind: str
    year: int
    due_on: dt.date


def planned_duties(agreement: Agreement) -> list[PlannedDuty]:
    """The duties of a signed agreement that has not been replaced."""
    if agreement.status != AgreementStatus.SIGNED or agreement.replaced_by_id is not None:
        return []
    planned: list[PlannedDuty] = []
    for year in range(agreement.starts_on.year, agreement.ends_on.year + 1):
        for kind, (month, day) in YEARLY.items():
            due = dt.date(year, month, day)
            if not agreement.starts_on <= due <= agreement.ends_on:
                continue
            if kind == DutyKind.CITIZEN_PROMISE and year + 1 > agreement.ends_on.year:
                continue  # next year's promise falls under the next agreement
            planned.append(PlannedDuty(kind, year, due))
    deadline = agreement.consultation_deadline
    if deadline is not None:
        planned.append(PlannedDuty(DutyKind.CONSULTATION, deadline.year, deadline))
    evaluation = add_months(deadline, -1) if deadline else add_months(agreement.ends_on, -3)
    planned.append(PlannedDuty(DutyKind.EVALUATION, evaluation.year, evaluation))
    return sorted(planned, key=lambda duty: (duty.due_on, duty.kind))


@transaction.atomic
def sync_duties(agreement: Agreement) -> None:
    """Bring the stored duties in line with the agreement; done duties are history, kept.

    Duties due before the agreement was recorded in samverka (an agreement entered
    years after it was signed) are not created: they are not today's work.
    """
    # Duties that fell due before the agreement was recorded here are history, not work.
    first = agreement.revisions.order_by("number").first()
    recorded_on = timezone.localdate(first.created_at) if first else timezone.localdate()
    planned = {(p.kind, p.year): p for p in planned_duties(agreement) if p.due_on >= recorded_on}
    existing = {(d.kind, d.year): d for d in agreement.duties.all()}
    for key, duty in existing.items():
        if duty.done_on is not None:
            continue
        wanted = planned.get(key)
        if wanted is None:
            duty.delete()
        elif not duty.due_on_set_by_hand and duty.due_on != wanted.due_on:
            duty.due_on = wanted.due_on
            duty.save(update_fields=["due_on"])
    for key, wanted in planned.items():
        if key not in existing:
            Duty.objects.create(
                agreement=agreement, kind=wanted.kind, year=wanted.year, due_on=wanted.due_on
            )
