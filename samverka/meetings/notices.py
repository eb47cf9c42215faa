"""E-mails about the steering group's agenda: when an item is sent to the steering group,
the coordinators of the group's parties are told (after the change is committed, in
Swedish), as :mod:`samverka.agreements.notices` does for proposed changes."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from samverka.accounts.models import User
from samverka.tenancy.access import Role

if TYPE_CHECKING:
    from samverka.meetings.models import Meeting


def coordinators(meeting: Meeting, exclude: User | None) -> list[User]:
    """The coordinators of the forum's parties (those taking part, if the forum names them)."""
    forum = meeting.forum
    parties = forum.agreement.parties.all()
    if forum.participants.exists():
        parties = parties.filter(pk__in=forum.participants.values("pk"))
    users = User.objects.filter(
        is_active=True,
        memberships__role=Role.COORDINATOR,
        memberships__organization__in=parties,
    ).distinct()
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return list(users.exclude(email="").order_by("pk"))


def referred(meeting: Meeting, title: str, url: str, by: User | None) -> None:
    """Once committed: tell the steering group's coordinators what is on its agenda (the
    link to the meeting on the same site as ``url``, the item's address)."""

    def send() -> None:
        parts = urlsplit(url)
        link = urlunsplit((parts.scheme, parts.netloc, meeting.get_absolute_url(), "", ""))
        with translation.override(settings.LANGUAGE_CODE):
            for user in coordinators(meeting, exclude=by):
                context = {"meeting": meeting, "title": title, "link": link, "user": user}
                send_mail(
                    subject=render_to_string("meetings/referral_subject.txt", context).strip(),
                    message=render_to_string("meetings/referral_email.txt", context),
                    from_email=None,
                    recipient_list=[user.email],
                )

    transaction.on_commit(send)
