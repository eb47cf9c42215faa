"""The evaluation as a PDF (WeasyPrint, from the page's HTML) and a Word document."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samverka.evaluation.report import Evaluation
from samverka.plans import documents as plan_documents


def filename(evaluation: Evaluation, extension: str) -> str:
    slug = slugify(evaluation.agreement.title)[:80] or "overenskommelse"
    return f"utvardering-{slug}-{evaluation.as_of}.{extension}"


def render_html(evaluation: Evaluation) -> str:
    return render_to_string("evaluation/document.html", {"evaluation": evaluation})


def render_pdf(evaluation: Evaluation) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=render_html(evaluation)).write_pdf())


def _table(document: Any, headers: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = str(header)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value


def render_docx(evaluation: Evaluation) -> bytes:
    import docx

    agreement = evaluation.agreement
    document = docx.Document()
    title = _("Evaluation of %(agreement)s") % {"agreement": agreement.title}
    document.core_properties.title = title[:255]  # Word's limit
    document.add_heading(title, level=0)
    document.add_paragraph(
        _("The agreement period %(start)s – %(end)s, as of %(date)s.")
        % {"start": agreement.starts_on, "end": agreement.ends_on, "date": evaluation.as_of}
    )
    document.add_heading(_("Summary"), level=1)
    for label, count, total in (
        (_("Goals reached"), evaluation.goals_reached, len(evaluation.goals)),
        (_("Measures done"), evaluation.measures_done, len(evaluation.measures)),
        (_("Commitments kept"), evaluation.commitments_kept, len(evaluation.commitments)),
    ):
        document.add_paragraph(
            f"{label}: " + _("%(count)s of %(total)s") % {"count": count, "total": total}
        )
    document.add_paragraph(
        f"{_('Follow-ups approved by the steering group')}: {evaluation.follow_up_count}"
    )
    if evaluation.pictures:
        document.add_paragraph(
            f"{_('Adopted lägesbilder')}: "
            + "; ".join(f"{p.title} ({p.adopted_on})" for p in evaluation.pictures)
        )
    for part in evaluation.plans:
        document.add_heading(part.plan.title, level=1)
        document.add_paragraph(
            _("Plan period %(start)s – %(end)s; read as of %(date)s.")
            % {"start": part.plan.period_start, "end": part.plan.period_end, "date": part.as_of}
        )
        document.add_heading(_("Goals"), level=2)
        _table(
            document,
            [_("Goal"), _("Baseline"), _("Now"), _("Target"), _("Deadline"), _("Verdict")],
            plan_documents.goal_rows(part.data),
        )
        document.add_heading(_("Measures"), level=2)
        _table(
            document,
            [_("Status"), _("Measures")],
            [[label, str(count)] for label, count in part.measures_by_status],
        )
        _table(
            document,
            [_("Measure"), _("Responsible"), _("Period"), _("Progress"), _("Status")],
            plan_documents.measure_rows(part.data),
        )
        if part.series:
            document.add_heading(_("The indicators over the years"), level=2)
            for series in part.series:
                document.add_paragraph(series.goal["title"])
                _table(
                    document,
                    [_("Year"), _("Read on"), _("Value"), _("Verdict")],
                    [
                        [
                            str(y.year),
                            str(y.as_of),
                            plan_documents.goal_number(y.status, "current"),
                            str(
                                plan_documents.VERDICTS.get(
                                    y.status["verdict"], y.status["verdict"]
                                )
                            ),
                        ]
                        for y in series.years
                    ],
                )
        document.add_heading(_("What the follow-ups said"), level=2)
        for item in part.follow_ups:
            document.add_heading(
                _("As of %(date)s, approved %(approved)s (%(reference)s)")
                % {
                    "date": item.as_of,
                    "approved": item.approved_on,
                    "reference": item.decision_reference,
                },
                level=3,
            )
            for paragraph in (item.comments or _("No comments.")).split("\n\n"):
                document.add_paragraph(paragraph.strip())
        if not part.follow_ups:
            document.add_paragraph(
                _("No follow-up of this plan has been approved by the steering group.")
            )
    document.add_heading(_("Medborgarlöften"), level=1)
    for promise_part in evaluation.promises:
        promise = promise_part.promise
        document.add_heading(
            f"{promise.title} ({promise.period_start} – {promise.period_end})", level=2
        )
        _table(
            document,
            [_("Commitment"), _("Given by"), _("Judgement"), _("Explanation")],
            [
                [
                    c.commitment.text,
                    c.commitment.giver_label(),
                    c.judgement_label
                    + (
                        ""
                        if c.by_the_parties
                        else f" ({_('suggested by the plan; not yet judged by the parties')})"
                    ),
                    c.commitment.explanation or "–",
                ]
                for c in promise_part.commitments
            ],
        )
    if not evaluation.promises:
        document.add_paragraph(_("No medborgarlöfte of the period."))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
