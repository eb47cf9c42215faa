"""The lägesbild as a document: PDF (the page's own charts) and editable DOCX.

Both are drawn from :func:`outline`, which reads the frozen figures of an adopted
picture (or the live ones of a draft, marked as a draft), so a PDF of an adopted
picture is the same whatever is imported afterwards. Sections readable only by some
parties (the police's internal summary) appear only in the documents of those who
may read them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from samverka.lib import numbers
from samverka.situation import charts, coverage, services, survey_figures
from samverka.situation.models import SituationPicture
from samverka.tenancy.access import AnyUser


@dataclass
class Outline:
    picture: SituationPicture
    figures: dict[str, Any]
    sources_used: list[Any]
    sources_left_out: list[Any]
    inputs: list[Any]
    problems: list[Any]
    priority_areas: list[Any]


def outline(picture: SituationPicture, user: AnyUser) -> Outline:
    figures = services.figures(picture)
    choices = services.source_list(picture, user)
    problems = sorted(
        picture.problems.prefetch_related("priority_areas", "evidence"),
        key=lambda p: (-p.score, p.pk),
    )
    areas = list(picture.agreement.priority_areas.all()) if picture.agreement else []
    return Outline(
        picture=picture,
        figures=figures,
        sources_used=[c for c in choices if c["included"]],
        sources_left_out=[c for c in choices if not c["included"]],
        inputs=list(picture.inputs.visible_to(user).select_related("owner")),
        problems=problems,
        priority_areas=areas,
    )


def filename(picture: SituationPicture, extension: str) -> str:
    return f"{slugify(picture.title)[:80] or 'lagesbild'}-v{picture.version}.{extension}"


def render_html(picture: SituationPicture, user: AnyUser) -> str:
    return render_to_string(
        "situation/document.html", {"outline": outline(picture, user), "document": True}
    )


def render_pdf(picture: SituationPicture, user: AnyUser) -> bytes:
    from weasyprint import HTML  # imported here: loading it takes a moment

    return bytes(HTML(string=render_html(picture, user)).write_pdf())


def _label(row: dict[str, Any]) -> str:
    english = (get_language() or "sv").startswith("en")
    return str(row.get("label_en" if english else "label_sv") or "")


def _rate(entry: dict[str, Any] | None) -> str:
    if not entry:
        return "–"
    return f"{numbers.rate(entry['rate'])} ({numbers.interval(entry['lower'], entry['upper'])})"


def category_rows(table: dict[str, Any]) -> list[list[str]]:
    """The category table as the document prints it (the same columns as the page)."""
    rows = []
    for row in table.get("rows", []):
        change = row.get("change", {})
        rows.append(
            [
                _label(row),
                numbers.count(row["count"]),
                _rate(row.get("kommun")),
                _rate(row.get("comparable")),
                _rate(row.get("county")),
                _rate(row.get("nation")),
                numbers.count(row["previous"]),
                str(change.get("verdict", "")),
            ]
        )
    return rows


def chart_png(svg: str, width: int = 1600) -> bytes:
    """The page's own SVG chart as a PNG for Word (which edits no SVG)."""
    import cairosvg  # type: ignore[import-untyped]

    if not svg:
        return b""
    return bytes(cairosvg.svg2png(bytestring=svg.encode(), output_width=width) or b"")


def _add_chart(document: Any, svg: str) -> None:
    from docx.shared import Cm

    png = chart_png(svg)
    if png:
        document.add_picture(io.BytesIO(png), width=Cm(16))


def render_docx(picture: SituationPicture, user: AnyUser) -> bytes:
    import docx

    doc = outline(picture, user)
    figures = doc.figures
    document = docx.Document()
    document.core_properties.title = picture.title[:255]  # Word's limit
    document.add_heading(picture.title, level=0)
    document.add_paragraph(
        f"{picture.kommun} · {formats.date_format(picture.period_start)}–"
        f"{formats.date_format(picture.period_end)} · {_('Version')} {picture.version}"
    )
    if picture.is_adopted and picture.adopted_on:
        document.add_paragraph(
            _("Adopted on %(date)s (%(reference)s).")
            % {
                "date": formats.date_format(picture.adopted_on),
                "reference": picture.decision_reference,
            }
        )
    else:
        document.add_paragraph(_("Draft: the figures change when the sources change."))
    if picture.summary:
        document.add_heading(_("Summary"), level=1)
        for paragraph in picture.summary.split("\n\n"):
            document.add_paragraph(paragraph.strip())

    document.add_heading(_("Sources"), level=1)
    for choice in doc.sources_used:
        period = f"{choice['period_start']} – {choice['period_end']}".strip(" –")
        details = ", ".join(part for part in (choice["owner"], period) if part)
        document.add_paragraph(
            f"{choice['name']} ({details})" if details else choice["name"], style="List Bullet"
        )
    if doc.sources_left_out:
        document.add_heading(_("Sources left out"), level=2)
        for choice in doc.sources_left_out:
            document.add_paragraph(f"{choice['name']}: {choice['reason']}", style="List Bullet")

    _add_figures(document, figures, level=1)

    for item in doc.inputs:
        document.add_heading(f"{item.get_kind_display()}: {item.title}", level=1)
        for paragraph in item.text.split("\n\n"):
            document.add_paragraph(paragraph.strip())

    document.add_heading(_("Problems"), level=1)
    for problem in doc.problems:
        document.add_heading(problem.title, level=2)
        if problem.description:
            document.add_paragraph(problem.description)
        document.add_paragraph(
            _("Ranking: %(score)s of %(max)s") % {"score": problem.score, "max": 15}
        )
        for label, text in (
            (_("Offenders"), problem.offender),
            (_("Place"), problem.place),
            (_("Targets and victims"), problem.target),
            (_("Why here and now"), problem.why_here_now),
        ):
            if text:
                document.add_paragraph(f"{label}: {text}")
        areas = ", ".join(str(area) for area in problem.priority_areas.all())
        if areas:
            document.add_paragraph(_("Priority areas: %(areas)s") % {"areas": areas})
        for evidence in problem.evidence.all():
            document.add_heading(f"{_('Evidence:')} {evidence.get_figure_display()}", level=3)
            if evidence.note:
                document.add_paragraph(evidence.note)
            _add_figures(document, evidence.data, level=4)
    if doc.priority_areas:
        document.add_heading(_("Priority areas of the agreement"), level=1)
        for area in doc.priority_areas:
            document.add_paragraph(str(area), style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _add_figures(document: Any, figures: dict[str, Any], level: int) -> None:
    """The overview's figures, each a chart and its table: the picture's own (``level``
    1) and each pinned figure under its problem, as the PDF shows them."""
    drawn = chart_context(figures)
    if figures.get("categories") or level == 1:  # a pinned figure may be another
        document.add_heading(_("Reported events by category"), level=level)
        _source_paragraph(document, figures, EVENT_KINDS)
        headers = [
            _("Category"),
            _("Events"),
            _("Per 100 000 and year"),
            _("Comparable, the municipality"),
            _("County"),
            _("Sweden"),
            _("Previous period"),
            _("Change"),
        ]
        _add_chart(document, drawn["category_svg"])
        rows = category_rows(figures.get("categories", {}))
        table = document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, header in zip(table.rows[0].cells, headers, strict=True):
            cell.text = header
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value
        # Where a source's coverage of the kommun changed: why there is no verdict.
        if (figures.get("previous") or {}).get("coverage"):
            document.add_paragraph(
                f"{_('No comparison with the previous period:')} "
                f"{coverage.reason(figures['previous']['coverage'])}"
            )
        if (figures.get("categories") or {}).get("places_coverage"):
            document.add_paragraph(
                f"{_('No comparison with the county and Sweden:')} "
                f"{coverage.reason(figures['categories']['places_coverage'], 'places')}"
            )

    months = figures.get("months", {})
    if months.get("observed"):
        document.add_heading(_("Events per month"), level=level)
        _add_chart(document, drawn["month_svg"])
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, header in zip(
            table.rows[0].cells,
            [_("Month"), _("Events"), _("Expected"), _("Upper limit")],
            strict=True,
        ):
            cell.text = header
        for index, label in enumerate(months.get("labels", [])):
            cells = table.add_row().cells
            cells[0].text = label
            cells[1].text = str(months["observed"][index])
            cells[2].text = (
                numbers.number(months["expected"][index], 1) if months.get("expected") else "–"
            )
            cells[3].text = str(months["upper"][index]) if months.get("upper") else "–"
        if months.get("coverage"):
            document.add_paragraph(coverage.reason(months["coverage"], "limits"))

    _add_statistics(document, figures, drawn, level)

    if drawn["heatmap_svg"]:
        document.add_heading(_("Weekday and hour"), level=level)
        _add_chart(document, drawn["heatmap_svg"])
    concentration = figures.get("concentration") or {}
    if concentration.get("events"):
        document.add_heading(_("Places and hot spots"), level=level)
        _add_chart(document, drawn["map_svg"])
        document.add_paragraph(concentration_sentence(concentration))

    top = (figures.get("map") or {}).get("top") or []
    if top:
        _table(
            document,
            _("The busiest places"),
            [_("Square (SWEREF 99 TM, centre)"), _("Area"), _("Events"), _("Hot spot")],
            [
                [
                    f"N {row['north']}, E {row['east']}",
                    row["area"] or "–",
                    numbers.count(row["count"]),
                    _("yes") if row["hot"] else _("no"),
                ]
                for row in top
            ],
            level=level + 1,
        )
    survey = figures.get("surveys") or {}
    if survey.get("rows"):
        document.add_heading(_("Survey results"), level=level)
        headers, rows = survey_figures.table(survey)
        _table(document, "", headers, rows)
    est = figures.get("est") or {}
    if est.get("total"):
        document.add_heading(_("EST reports"), level=level)
        _table(
            document,
            "",
            [_("Category"), _("Reports")],
            [[_label(row), numbers.count(row["count"])] for row in est["rows"]],
        )


# What kind of source a figure is built from, named in its source line: reported crimes
# and published events are different things and are never added together.
SOURCE_KINDS = {
    "police_events": gettext_lazy("Published police events"),
    "event_table": gettext_lazy("Table of events"),
    "statistics": gettext_lazy("Reported crimes according to Brå"),
    "est": gettext_lazy("EST reports"),
    "survey": gettext_lazy("Survey results"),
}
EVENT_KINDS = "police_events event_table"


def sources_by_kind(figures: dict[str, Any], kinds: str) -> str:
    """The sources of ``figures`` of the given kinds, each kind named:
    "Polisens publicerade händelser: title (owner); …"."""
    parts = []
    for kind in kinds.split():
        named = "; ".join(
            f"{s['title']} ({s['owner']})" if s.get("owner") else str(s["title"])
            for s in figures.get("sources", [])
            if s.get("kind") == kind
        )
        if named:
            parts.append(f"{SOURCE_KINDS.get(kind, kind)}: {named}")
    return "; ".join(parts)


def _source_paragraph(document: Any, figures: dict[str, Any], kinds: str) -> None:
    named = sources_by_kind(figures, kinds)
    document.add_paragraph(f"{_('Source:')} {named or _('no sources chosen')}.")


def _add_statistics(
    document: Any, figures: dict[str, Any], drawn: dict[str, Any], level: int
) -> None:
    """Reported crimes by category (and by month where the data is monthly), on their own."""
    st = figures.get("statistics") or {}
    if not st:
        return
    document.add_heading(_("Reported crimes by category"), level=level)
    _source_paragraph(document, st, "statistics")
    if drawn.get("statistics_svg"):
        _add_chart(document, drawn["statistics_svg"])
    preliminary = f" ({_('preliminary')})"
    rows = [
        [
            _label(row) + (preliminary if row.get("preliminary") else ""),
            numbers.count(row["count"]),
            _rate(row.get("kommun")),
            numbers.rate(row["county"]["rate"]) if row.get("county") else "–",
            numbers.rate(row["nation"]["rate"]) if row.get("nation") else "–",
            numbers.count(row["previous"]) if st.get("previous", {}).get("covered") else "–",
            str((row.get("change") or {}).get("verdict", "–")),
        ]
        for row in st.get("rows", [])
    ]
    total_label = _("All reported crimes") if st.get("total_from_source") else _("Total")
    rows.append(
        [
            total_label + (preliminary if st.get("total_preliminary") else ""),
            numbers.count(st.get("total", 0)),
            "",
            "",
            "",
            numbers.count(st.get("previous_total"))
            if st.get("previous", {}).get("covered")
            else "–",
            str((st.get("total_change") or {}).get("verdict", "")),
        ]
    )
    _table(
        document,
        "",
        [
            _("Category"),
            _("Reported crimes"),
            _("Per 100 000 and year"),
            _("County"),
            _("Sweden"),
            _("Previous period"),
            _("Change"),
        ],
        rows,
    )
    months = st.get("months") or {}
    if months.get("observed"):
        document.add_heading(_("Reported crimes per month"), level=level + 1)
        if drawn.get("statistics_month_svg"):
            _add_chart(document, drawn["statistics_month_svg"])
        marks = months.get("preliminary") or [False] * len(months["observed"])
        _table(
            document,
            "",
            [_("Month"), _("Reported crimes"), _("Expected"), _("Upper limit")],
            [
                [
                    label + (preliminary if marks[index] else ""),
                    numbers.count(months["observed"][index]),
                    numbers.number(months["expected"][index], 1) if months.get("expected") else "–",
                    str(months["upper"][index]) if months.get("upper") else "–",
                ]
                for index, label in enumerate(months.get("labels", []))
            ],
        )


def _table(
    document: Any, heading: str, headers: list[str], rows: list[list[str]], level: int = 2
) -> None:
    if heading:
        document.add_heading(heading, level=level)
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = str(header)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value


def concentration_sentence(concentration: dict[str, Any]) -> str:
    """How concentrated the events are, in squares: "Half of the events happened in
    9 of the 189 squares with any event; the 10 busiest held 41 %"."""
    size = int(concentration.get("cell_size") or 0)
    with_events = concentration.get("places_with_events") or 0
    half = concentration.get("squares_for_half")
    if half is None:  # figures frozen before squares were counted
        return ""
    return _(
        "Half of the events happened in %(half)s of the %(squares)s squares "
        "(%(size)s × %(size)s m) with any event; the %(top)s busiest squares held "
        "%(share)s %% of them."
    ) % {
        "half": half,
        "squares": with_events,
        "size": size,
        "top": concentration.get("top_squares"),
        "share": numbers.number((concentration.get("events_in_top_squares") or 0) * 100),
    }


def chart_context(figures: dict[str, Any]) -> dict[str, Any]:
    """The charts of the overview as SVG, for the page and the PDF alike."""
    return {
        "category_svg": charts.category_chart(
            figures.get("categories", {}), _("Events per 100 000 inhabitants and year by category")
        ),
        "month_svg": charts.month_chart(figures.get("months", {}), _("Events per month")),
        "statistics_svg": charts.category_chart(
            figures.get("statistics") or {},
            _("Reported crimes per 100 000 inhabitants and year by category"),
        ),
        "statistics_month_svg": charts.month_chart(
            (figures.get("statistics") or {}).get("months", {}), _("Reported crimes per month")
        ),
        "heatmap_svg": charts.heatmap(
            figures.get("weekday_hour", {}), _("Events by weekday and hour")
        ),
        "map_svg": charts.grid_map(figures.get("map", {}), _("Map of events and hot spots")),
        "density_svg": charts.grid_map(
            figures.get("map", {}), _("Kernel density of events"), density=True
        ),
        "legend": charts.legend_classes(figures.get("map", {})),
        "concentration_text": concentration_sentence(figures["concentration"])
        if (figures.get("concentration") or {}).get("events")
        else "",
    }
