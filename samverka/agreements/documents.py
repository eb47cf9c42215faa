"""The agreement as a document, PDF and editable DOCX, from one outline.

Both renderers read the same :func:`outline`, in the usual order of a
samverkansöverenskommelse: syfte, parter, giltighetstid, organisation och
styrgrupp, lägesbild, prioriterade områden, arbetsformer och metoder,
uppföljning, kommunikation, underskrifter, with a signature block for each party.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _

from samverka.agreements.models import Agreement, ForumKind, Signatory


@dataclass
class Block:
    heading: str = ""
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)


@dataclass
class Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class SignatureBlock:
    party: str
    place_and_date: str
    name: str
    title: str


@dataclass
class Outline:
    title: str
    sections: list[Section]
    copies_note: str
    signatures: list[SignatureBlock]


def _lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in text.splitlines() if line.strip()]


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _date(value: dt.date | None) -> str:
    return formats.date_format(value, "j F Y") if value else ""


def outline(agreement: Agreement) -> Outline:
    parties = list(agreement.parties.order_by("kind", "name"))
    forums = list(agreement.forums.select_related("coordinator").prefetch_related("participants"))
    sections: list[Section] = []

    purpose = Section(_("Purpose"))
    if agreement.purpose:
        purpose.blocks.append(Block(paragraphs=_paragraphs(agreement.purpose)))
    if agreement.vision:
        purpose.blocks.append(Block(_("Vision"), paragraphs=_paragraphs(agreement.vision)))
    if agreement.goals_list:
        purpose.blocks.append(Block(_("Overall goals"), bullets=agreement.goals_list))
    sections.append(purpose)

    party_lines = [f"{p} ({p.get_kind_display().lower()})" for p in parties]
    sections.append(Section(_("Parties"), [Block(bullets=party_lines)]))

    period = [
        _("The agreement is in force from %(start)s until %(end)s.")
        % {"start": _date(agreement.starts_on), "end": _date(agreement.ends_on)}
    ]
    if agreement.extension_years:
        period.append(
            _(
                "It can be extended by %(years)s years at a time "
                "after consultation between the parties."
            )
            % {"years": agreement.extension_years}
        )
    if agreement.consultation_deadline:
        period.append(
            _("The consultation shall have taken place no later than %(date)s.")
            % {"date": _date(agreement.consultation_deadline)}
        )
    sections.append(Section(_("Period of validity"), [Block(paragraphs=period)]))

    if agreement.in_two_parts:
        sections.append(
            Section(
                _("Part one: how we work together"),
                [Block(paragraphs=_paragraphs(agreement.how_we_work))],
            )
        )
        sections.append(
            Section(
                _("Part two: what we work on and with which methods"),
                [Block(paragraphs=_paragraphs(agreement.what_we_work_on))],
            )
        )

    def forum_block(forum: object) -> Block:
        paragraphs = _paragraphs(forum.description)  # type: ignore[attr-defined]
        facts = []
        if forum.meeting_rule:  # type: ignore[attr-defined]
            facts.append(_("Meets: %(rule)s.") % {"rule": forum.meeting_rule})  # type: ignore[attr-defined]
        participants = ", ".join(str(o) for o in forum.participants.all())  # type: ignore[attr-defined]
        if participants:
            facts.append(_("Taking part: %(who)s.") % {"who": participants})
        return Block(forum.name, paragraphs=paragraphs + facts)  # type: ignore[attr-defined]

    steering = [f for f in forums if f.kind == ForumKind.STEERING_GROUP]
    sections.append(
        Section(
            _("Organisation and steering group"),
            [forum_block(f) for f in steering]
            or [Block(paragraphs=[_("The steering group is not yet described.")])],
        )
    )

    picture = _lines(agreement.situation_picture)
    sections.append(
        Section(
            _("Lägesbild"),
            [
                Block(
                    paragraphs=[
                        _(
                            "The parties build a common lägesbild at least once a year and "
                            "state which sources it was built on."
                        )
                    ],
                    bullets=picture,
                )
            ],
        )
    )

    areas = [
        Block(area.title, paragraphs=_paragraphs(area.description))
        for area in agreement.priority_areas.all()
    ]
    sections.append(Section(_("Priority areas"), areas))

    methods = [forum_block(f) for f in forums if f.kind != ForumKind.STEERING_GROUP]
    sections.append(Section(_("Ways of working and methods"), methods))

    sections.append(
        Section(
            _("Follow-up"),
            [
                Block(
                    paragraphs=_paragraphs(agreement.follow_up)
                    or [_("The work under the agreement is followed up at least once a year.")]
                )
            ],
        )
    )
    if agreement.communication:
        sections.append(
            Section(_("Communication"), [Block(paragraphs=_paragraphs(agreement.communication))])
        )

    signatories = list(agreement.signatories.select_related("organization"))
    signatures: list[SignatureBlock] = []
    for party in parties:
        signed: list[Signatory | None] = [s for s in signatories if s.organization_id == party.pk]
        for s in signed or [None]:
            signatures.append(
                SignatureBlock(
                    party=str(party),
                    place_and_date=(
                        f"{s.place} {_date(s.signed_on)}".strip() if s is not None else ""
                    ),
                    name=s.name if s is not None else "",
                    title=s.title if s is not None else "",
                )
            )
    for s in signatories:
        if s.organization_id is None:
            signatures.append(
                SignatureBlock("", f"{s.place} {_date(s.signed_on)}".strip(), s.name, s.title)
            )
    return Outline(
        title=agreement.title,
        sections=[s for s in sections if s.blocks],
        copies_note=_(
            "This agreement has been drawn up in two identical copies, of which the parties "
            "have taken one each."
        ),
        signatures=signatures,
    )


def render_pdf(agreement: Agreement) -> bytes:
    from weasyprint import HTML  # imported here: loading it takes a moment

    html = render_to_string("agreements/document.html", {"outline": outline(agreement)})
    return bytes(HTML(string=html).write_pdf())


def render_docx(agreement: Agreement) -> bytes:
    import docx
    from docx.shared import Pt

    doc_outline = outline(agreement)
    document = docx.Document()
    document.core_properties.title = doc_outline.title
    document.add_heading(doc_outline.title, level=0)
    for section in doc_outline.sections:
        document.add_heading(section.heading, level=1)
        for block in section.blocks:
            if block.heading:
                document.add_heading(block.heading, level=2)
            for paragraph in block.paragraphs:
                document.add_paragraph(paragraph)
            for bullet in block.bullets:
                document.add_paragraph(bullet, style="List Bullet")
    document.add_heading(_("Signatures"), level=1)
    document.add_paragraph(doc_outline.copies_note)
    table = document.add_table(rows=0, cols=2)
    for index in range(0, len(doc_outline.signatures), 2):
        cells = table.add_row().cells
        for cell, signature in zip(cells, doc_outline.signatures[index : index + 2], strict=False):
            cell.text = ""
            lines = [
                signature.party,
                signature.place_and_date or _("Place and date") + ": ____________",
                "",
                "______________________________",
                signature.name,
                signature.title,
            ]
            paragraph = cell.paragraphs[0]
            for number, line in enumerate(lines):
                run = paragraph.add_run(line)
                run.font.size = Pt(10)
                if number < len(lines) - 1:
                    run.add_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
