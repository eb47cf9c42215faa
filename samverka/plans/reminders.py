"""E-mail reminders of measures past their end date; run once a day (cron or a scheduler).

A measure that has ended without being done or cancelled is reminded to its responsible
person, or, without one, to the coordinators of the responsible organization; once,
then again every week while it stays open.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from samverka.accounts.models import User
from samverka.plans.models import Measure, MeasureStatus
from samverka.tenancy.access import Role

AGAIN_AFTER = dt.timedelta(days=7)


@dataclass(frozen=True)
class ReminderResult:
    measures: int
    emails: int


def overdue(today: dt.date) -> list[Measure]:
    """Measures past their end date, and planned ones a week past their start, not done."""
    late_start = Q(status=MeasureStatus.PLANNED, starts_on__lt=today - AGAIN_AFTER)
    return list(
        Measure.objects.filter(Q(ends_on__lt=today) | late_start)
        .exclude(status__in=(MeasureStatus.DONE, MeasureStatus.CANCELLED))
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lte=today - AGAIN_AFTER))
        .select_related("plan", "responsible", "responsible_person")
    )


@transaction.atomic
def send_reminders(today: dt.date | None = None, base_url: str = "") -> ReminderResult:
    today = today or timezone.localdate()
    measures = overdue(today)
    by_user: dict[User, list[Measure]] = defaultdict(list)
    for measure in measures:
        person = measure.responsible_person
        if person is not None and person.is_active:
            by_user[person].append(measure)
            continue
        for user in User.objects.filter(
            is_active=True,
            memberships__role=Role.COORDINATOR,
            memberships__organization=measure.responsible,
        ).distinct():
            by_user[user].append(measure)
    with translation.override(settings.LANGUAGE_CODE):
        for user, user_measures in by_user.items():
            context = {
                "user": user,
                "measures": user_measures,
                "today": today,
                "base_url": base_url,
            }
            send_mail(
                subject=render_to_string("plans/reminder_subject.txt", context).strip(),
                message=render_to_string("plans/reminder_email.txt", context),
                from_email=None,
                recipient_list=[user.email],
            )
    Measure.objects.filter(pk__in=[m.pk for m in measures]).update(reminded_on=today)
    return ReminderResult(measures=len(measures), emails=len(by_user))
