"""The årshjul as iCalendar (RFC 5545), for Outlook, Google and the rest.

Each duty is one all-day event with a stable UID, so importing the file again
updates the events instead of adding copies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _

from samverka.agreements.models import Duty

PRODID = "-//samverka//årshjul//SV"


def to_ics(duties: Iterable[Duty]) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("samverka årshjul"))
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    for duty in duties:
        event = icalendar.Event()
        event.add("uid", f"duty-{duty.pk}@samverka")
        event.add("dtstamp", stamp)
        event.add("dtstart", duty.due_on)
        event.add("dtend", duty.due_on + dt.timedelta(days=1))
        event.add("summary", f"{duty.get_kind_display()} – {duty.agreement}")
        event.add(
            "description",
            _("Duty of the yearly cycle (årshjul) of “%(agreement)s”.")
            % {"agreement": duty.agreement},
        )
        event.add("status", "CONFIRMED")
        if duty.done_on is not None:
            event.add("x-samverka-done", duty.done_on.isoformat())
        cal.add_component(event)
    return bytes(cal.to_ical())
