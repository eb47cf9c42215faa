"""The follow-up report (PDF and DOCX) and the measures' timeline, from the same data
as the page: :func:`samverka.plans.services.report_data`."""

from __future__ import annotations

import datetime as dt
import io
from html import escape
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverka.lib import numbers
from samverka.plans import followup, services
from samverka.plans.models import ActionPlan, FollowUp, Measure
from samverka.situation import coverage

VERDICTS = {
    followup.REACHED: gettext_lazy("reached"),
    followup.ON_TRACK: gettext_lazy("on track"),
    followup.NOT_ON_TRACK: gettext_lazy("not on track"),
    followup.CANNOT_TELL: gettext_lazy("cannot tell yet"),
    followup.TOO_EARLY: gettext_lazy("too early to tell"),
    followup.NO_DATA: gettext_lazy("no data"),
    followup.COVERAGE_CHANGED: gettext_lazy("cannot be compared"),
}
COLOURS = {
    followup.GREEN: gettext_lazy("green"),
    followup.YELLOW: gettext_lazy("yellow"),
    followup.RED: gettext_lazy("red"),
    followup.GREY: gettext_lazy("grey"),
}
REASONS = {
    "done": gettext_lazy("done"),
    "cancelled": gettext_lazy("cancelled"),
    "overdue": gettext_lazy("past its end date and not done"),
    "not_started_yet": gettext_lazy("starts later"),
    "should_have_started": gettext_lazy("should have started"),
    "paused": gettext_lazy("paused"),
    "behind": gettext_lazy("behind its schedule"),
    "no_recent_report": gettext_lazy("no report in the last 90 days"),
    "on_schedule": gettext_lazy("on schedule"),
}
FILL = {"green": "#1e6b34", "yellow": "#8a5a00", "red": "#b3261e", "grey": "#6b7682"}


def number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if float(value).is_integer():
        return numbers.count(value)
    return numbers.number(value, digits)


def goal_number(goal: dict[str, Any], key: str) -> str:
    """A goal's baseline, current value or target in the unit shown: a survey's share in
    per cent ("46 %"), any other as a number."""
    value = goal.get(key)
    if goal.get("indicator") == "survey" and value is not None:
        return numbers.percent(value)
    return number(value)


def filename(item: FollowUp, extension: str) -> str:
    return f"uppfoljning-{slugify(item.plan.title)[:80] or 'plan'}-{item.as_of}.{extension}"


def render_html(item: FollowUp) -> str:
    return render_to_string(
        "plans/follow_up_document.html",
        {"item": item, "plan": item.plan, "data": services.report_data(item)},
    )


def render_pdf(item: FollowUp) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=render_html(item)).write_pdf())


def goal_rows(data: dict[str, Any]) -> list[list[str]]:
    """The goals' table as the report prints it: the page's columns, each number with the
    period it counts on a line of its own, and the change with its 95 % interval."""
    from samverka.plans.templatetags.plans import indicator_text
    from samverka.situation.templatetags.situation import ratio

    def lines(*parts: str) -> str:
        return "\n".join(part for part in parts if part)

    rows = []
    for goal in data["goals"]:
        baseline_period = (
            f"{goal['baseline_start']} – {goal['baseline_end']}"
            if goal.get("baseline_start")
            else ""
        )
        if not goal.get("current_start"):  # a hand-entered value: its date
            current_period = str(goal.get("current_end") or "")
        elif goal["current_start"] <= goal["current_end"]:
            current_period = f"{goal['current_start']} – {goal['current_end']}"
        else:  # the sources end before the latest period starts
            current_period = ""
        counted = (
            _("counted %(date)s") % {"date": goal["baseline_set_on"]}
            if goal.get("baseline_set_on")
            else ""
        )
        scaled = (
            _("%(count)s events in %(days)s days, scaled to the baseline's length")
            % {"count": goal["count"], "days": goal["days"]}
            if goal.get("scaled")
            else ""
        )
        change = f"{_('change')} {ratio(goal)}" if goal.get("ratio") is not None else ""
        rows.append(
            [
                lines(goal["title"], indicator_text(goal)),
                lines(goal_number(goal, "baseline"), baseline_period, counted),
                lines(goal_number(goal, "current"), current_period, scaled),
                goal_number(goal, "target"),
                goal["deadline"] or "–",
                lines(
                    str(VERDICTS.get(goal["verdict"], goal["verdict"])),
                    change,
                    coverage.reason(goal.get("coverage")),
                ),
            ]
        )
    return rows


def measure_rows(data: dict[str, Any]) -> list[list[str]]:
    return [
        [
            measure["title"],
            measure["responsible"],
            f"{measure['starts_on']} – {measure['ends_on'] or ''}",
            f"{measure['progress']} %",
            f"{COLOURS[measure['colour']]}: {REASONS[measure['reason']]}",
        ]
        for measure in data["measures"]
    ]


def render_docx(item: FollowUp) -> bytes:
    import docx

    data = services.report_data(item)
    plan = item.plan
    document = docx.Document()
    title = _("Follow-up of %(plan)s") % {"plan": plan.title}
    document.core_properties.title = title[:255]  # Word's limit
    document.add_heading(title, level=0)
    document.add_paragraph(
        _("%(kommun)s, as of %(date)s.") % {"kommun": plan.kommun, "date": data["as_of"]}
    )
    if item.is_approved:
        document.add_paragraph(
            _("Approved by the steering group on %(date)s (%(reference)s).")
            % {"date": item.approved_on, "reference": item.decision_reference}
        )
    elif item.is_sent:
        document.add_paragraph(
            _("Sent to the steering group on %(date)s: the numbers are as sent.")
            % {"date": item.sent_on}
        )
    else:
        document.add_paragraph(
            _(
                "Draft: the numbers are computed anew until it is sent to the steering group "
                "or approved."
            )
        )
    if data.get("comments"):
        document.add_heading(_("The team's comments"), level=1)
        for paragraph in data["comments"].split("\n\n"):
            document.add_paragraph(paragraph.strip())
    for heading, headers, rows in (
        (
            _("Goals"),
            [_("Goal"), _("Baseline"), _("Now"), _("Target"), _("Deadline"), _("Verdict")],
            goal_rows(data),
        ),
        (
            _("Measures"),
            [_("Measure"), _("Responsible"), _("Period"), _("Progress"), _("Status")],
            measure_rows(data),
        ),
    ):
        document.add_heading(heading, level=1)
        table = document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, header in zip(table.rows[0].cells, headers, strict=True):
            cell.text = str(header)
        for row in rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                cell.text = value
    if data.get("data_end"):
        document.add_paragraph(
            _("The sources have events up to %(date)s: a later date counts no further.")
            % {"date": data["data_end"]}
        )
    if data.get("sources"):
        document.add_paragraph(
            f"{_('Sources:')} " + "; ".join(str(source["title"]) for source in data["sources"])
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def timeline_svg(
    plan: ActionPlan,
    measures: list[Measure],
    as_of: dt.date,
    statuses: dict[int, dict[str, Any]],
) -> SafeString:
    """The measures as bars over the plan's period, coloured by their status on ``as_of``
    (``statuses``: :func:`followup.measure_status` of each, by primary key)."""
    if not measures:
        return SafeString("")
    start = min([plan.period_start, *(m.starts_on for m in measures)])
    end = max([plan.period_end, *(m.ends_on or plan.period_end for m in measures)])
    span = max((end - start).days, 1)
    label_w, bar_w, row_h = 260, 560, 26
    rows_end = 30 + row_h * len(measures)
    width, height = label_w + bar_w + 20, rows_end + 18

    def x(day: dt.date) -> float:
        return label_w + (day - start).days / span * bar_w

    body = []
    year = start.year
    while dt.date(year, 1, 1) <= end:
        tick = max(dt.date(year, 1, 1), start)
        body.append(
            f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="18" y2="{height}" '
            f'stroke="#c7ced6" stroke-width="0.6"/><text x="{x(tick) + 3:.1f}" y="14" '
            f'font-size="11" fill="#4a5560">{year}</text>'
        )
        year += 1
    if start <= as_of <= end:
        # The day the statuses are read on, named: today, or the chosen date.
        marker = _("Today") if as_of == timezone.localdate() else as_of.isoformat()
        anchor = "end" if x(as_of) > label_w + bar_w * 0.8 else "start"
        shift = -4 if anchor == "end" else 4
        body.append(
            f'<line x1="{x(as_of):.1f}" x2="{x(as_of):.1f}" y1="18" y2="{rows_end}" '
            f'stroke="#1b1f24" stroke-dasharray="3 3"/>'
            f'<text x="{x(as_of) + shift:.1f}" y="{rows_end + 13}" font-size="11" '
            f'text-anchor="{anchor}" fill="#1b1f24">{escape(marker)}</text>'
        )
    for index, measure in enumerate(measures):
        y = 24 + index * row_h
        status = statuses[measure.pk]
        stop = measure.ends_on or end
        left, bar = x(measure.starts_on), max(x(stop) - x(measure.starts_on), 3)
        body.append(
            f'<text x="{label_w - 8}" y="{y + 15}" font-size="12" text-anchor="end" '
            f'fill="#1b1f24">{escape(measure.title[:40])}</text>'
            f'<rect x="{left:.1f}" y="{y + 4}" width="{bar:.1f}" height="{row_h - 10}" '
            f'fill="{FILL[status["colour"]]}"/>'
        )
        if measure.recurrence:  # a recurring measure says how often: on its bar, or after
            inside = bar >= 110
            body.append(
                f'<text x="{left + 4 if inside else left + bar + 4:.1f}" y="{y + 14}" '
                f'font-size="10" fill="{"#ffffff" if inside else "#1b1f24"}">'
                f"↻ {escape(str(measure.get_recurrence_display()))}</text>"
            )
    title = escape(_("Timeline of the measures"))
    return mark_safe(  # noqa: S308 - every text inside is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{title}"><title>{title}</title>{"".join(body)}</svg>'
    )
