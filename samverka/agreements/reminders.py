"""E-mail reminders of the årshjul's duties; run once a day (cron or a scheduler).

A duty is reminded two weeks before it is due and, while it stays open after its
date, once a week. The coordinators of the agreement's parties get one e-mail each
listing their duties, in Swedish.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from samverka.accounts.models import User
from samverka.agreements.models import Duty
from samverka.tenancy.access import Role

AHEAD = dt.timedelta(days=14)
AGAIN_AFTER = dt.timedelta(days=7)


@dataclass(frozen=True)
class ReminderResult:
    duties: int
    emails: int


def due_for_reminder(today: dt.date) -> list[Duty]:
    duties = Duty.objects.open().filter(due_on__lte=today + AHEAD).select_related("agreement")
    return [
        d
        for d in duties
        if d.reminded_on is None or (d.due_on < today and d.reminded_on <= today - AGAIN_AFTER)
    ]


@transaction.atomic
def send_reminders(today: dt.date | None = None, base_url: str = "") -> ReminderResult:
    today = today or timezone.localdate()
    duties = due_for_reminder(today)
    by_user: dict[User, list[Duty]] = defaultdict(list)
    for duty in duties:
        coordinators = User.objects.filter(
            is_active=True,
            memberships__role=Role.COORDINATOR,
            memberships__organization__in=duty.agreement.parties.all(),
        ).distinct()
        for user in coordinators:
            by_user[user].append(duty)
    with translation.override(settings.LANGUAGE_CODE):
        for user, user_duties in by_user.items():
            context = {"user": user, "duties": user_duties, "today": today, "base_url": base_url}
            send_mail(
                subject=render_to_string("agreements/reminder_subject.txt", context).strip(),
                message=render_to_string("agreements/reminder_email.txt", context),
                from_email=None,
                recipient_list=[user.email],
            )
    Duty.objects.filter(pk__in=[d.pk for d in duties]).update(reminded_on=today)
    return ReminderResult(duties=len(duties), emails=len(by_user))
