"""The medborgarlöfte as a one-page printable document (PDF, A4, with places for both
logos and signature lines) and as DOCX for the officials to edit, from the same data as
the public page."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samverka.promises.models import CitizenPromise, Commitment


def filename(promise: CitizenPromise, extension: str) -> str:
    return f"medborgarlofte-{slugify(promise.title)[:80] or 'lofte'}.{extension}"


def commitments(promise: CitizenPromise) -> list[Commitment]:
    return list(promise.commitments.select_related("other_party", "priority_area"))


def render_html(promise: CitizenPromise) -> str:
    return render_to_string(
        "promises/promise_document.html",
        {"promise": promise, "commitments": commitments(promise)},
    )


def render_pdf(promise: CitizenPromise) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=render_html(promise)).write_pdf())


def period(promise: CitizenPromise) -> str:
    return f"{promise.period_start:%Y-%m-%d} – {promise.period_end:%Y-%m-%d}"


def render_docx(promise: CitizenPromise) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = promise.title[:255]
    logos = document.add_table(rows=1, cols=2)
    logos.rows[0].cells[0].text = _("[%(party)s logotype]") % {"party": promise.kommun}
    logos.rows[0].cells[1].text = _("[%(party)s logotype]") % {"party": promise.police}
    document.add_heading(promise.title, level=0)
    document.add_paragraph(
        _("%(kommun)s and %(police)s promise the residents, %(period)s.")
        % {"kommun": promise.kommun, "police": promise.police, "period": period(promise)}
    )
    if promise.background:
        document.add_heading(_("Why"), level=1)
        for paragraph in promise.background.split("\n\n"):
            document.add_paragraph(paragraph.strip())
    document.add_heading(_("We promise"), level=1)
    for commitment in commitments(promise):
        item = document.add_paragraph(style="List Bullet")
        item.add_run(f"{commitment.giver_label()}: ").bold = True
        item.add_run(commitment.text)
        if commitment.place:
            item.add_run(f" ({commitment.place})")
        if commitment.judgement:
            document.add_paragraph(
                f"{_('Follow-up')}: {commitment.get_judgement_display()}. "
                f"{commitment.explanation}".strip()
            )
    if promise.adopted_on:
        document.add_paragraph(
            _("Adopted by the steering group on %(date)s (%(reference)s).")
            % {"date": promise.adopted_on.isoformat(), "reference": promise.decision_reference}
        )
    signatures = document.add_table(rows=3, cols=2)
    for index, party in enumerate((promise.kommun, promise.police)):
        cells = [row.cells[index] for row in signatures.rows]
        cells[0].text = "\n\n______________________________"
        cells[1].text = _("Signature, %(party)s") % {"party": party}
        cells[2].text = _("Name in print and date")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
