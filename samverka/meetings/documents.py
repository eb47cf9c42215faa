"""The minutes of a meeting (protokoll) as PDF and as DOCX for the officials to edit, from
the same data as the page: who was there, the agenda, the notes, the decisions, the actions
decided and the actions followed up."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samverka.meetings.models import Meeting


def filename(meeting: Meeting, extension: str) -> str:
    name = slugify(f"protokoll {meeting.forum.name} {meeting.held_on:%Y-%m-%d}")[:100]
    return f"{name}.{extension}"


def content(meeting: Meeting) -> dict[str, Any]:
    return {
        "meeting": meeting,
        "forum": meeting.forum,
        "organizations": list(meeting.organizations_present.order_by("kind", "name")),
        "users": list(meeting.users_present.order_by("first_name", "last_name")),
        "agenda": list(meeting.agenda.all()),
        "decisions": list(meeting.decisions.all()),
        "actions": list(
            meeting.actions.select_related("owner", "sub_area", "problem", "measure", "promise")
        ),
        "followed_up": list(meeting.actions_followed_up.select_related("owner", "meeting")),
    }


def render_html(meeting: Meeting) -> str:
    return render_to_string("meetings/minutes_document.html", content(meeting))


def render_pdf(meeting: Meeting) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=render_html(meeting)).write_pdf())


def render_docx(meeting: Meeting) -> bytes:
    import docx

    data = content(meeting)
    document = docx.Document()
    title = _("Minutes: %(forum)s %(date)s") % {
        "forum": meeting.forum.name,
        "date": meeting.held_on.isoformat(),
    }
    document.core_properties.title = title[:255]
    document.add_heading(title, level=0)
    if data["organizations"]:
        document.add_paragraph(
            f"{_('Organizations present')}: " + ", ".join(str(o) for o in data["organizations"])
        )
    if data["users"]:
        document.add_paragraph(
            f"{_('Present')}: " + ", ".join(u.get_full_name() for u in data["users"])
        )
    document.add_heading(_("Agenda"), level=1)
    for item in data["agenda"]:
        document.add_paragraph(item.title, style="List Number")
    if meeting.notes:
        document.add_heading(_("Notes"), level=1)
        for paragraph in meeting.notes.split("\n\n"):
            document.add_paragraph(paragraph.strip())
    document.add_heading(_("Decisions"), level=1)
    for decision in data["decisions"]:
        numbered = document.add_paragraph()
        numbered.add_run(f"§ {decision.number} ").bold = True
        numbered.add_run(decision.text)
    if not data["decisions"]:
        document.add_paragraph(_("No decisions."))
    document.add_heading(_("Actions"), level=1)
    if data["actions"]:
        table = document.add_table(rows=1, cols=4)
        for cell, text in zip(
            table.rows[0].cells, (_("What"), _("Owned by"), _("Due"), _("Done on")), strict=True
        ):
            cell.text = text
        for action in data["actions"]:
            row = table.add_row().cells
            row[0].text = action.text
            row[1].text = str(action.owner)
            row[2].text = action.due_on.isoformat() if action.due_on else ""
            row[3].text = action.done_on.isoformat() if action.done_on else ""
    else:
        document.add_paragraph(_("No actions."))
    if data["followed_up"]:
        document.add_heading(_("Actions followed up"), level=1)
        for action in data["followed_up"]:
            document.add_paragraph(
                f"{action.text} ({action.owner}): {_('done on')} {action.done_on}. "
                f"{action.outcome}".strip(),
                style="List Bullet",
            )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
