"""The draft press release on an adopted medborgarlöfte, as DOCX for the parties'
communicators to edit: a title, the promise's background, its commitments by giver,
places for quotes and for the press contacts. No personal data: every name, title and
telephone number is a placeholder for the communicators to fill in."""

from __future__ import annotations

import io

from django.utils.text import slugify
from django.utils.translation import gettext as _

from samverka.promises.models import CitizenPromise, Commitment


def filename(promise: CitizenPromise) -> str:
    return f"pressmeddelande-{slugify(promise.title)[:80] or 'medborgarlofte'}.docx"


def by_giver(promise: CitizenPromise) -> list[tuple[str, list[Commitment]]]:
    """The commitments grouped by their giver, in the promise's order of givers."""
    groups: dict[str, list[Commitment]] = {}
    for commitment in promise.commitments.select_related("other_party"):
        groups.setdefault(commitment.giver_label(), []).append(commitment)
    return list(groups.items())


def press_release_docx(promise: CitizenPromise) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = _("Press release: %(title)s") % {"title": promise.title[:200]}
    document.add_paragraph(_("DRAFT – press release for the communicators to edit"))
    document.add_heading(
        _("%(kommun)s and %(police)s give the residents a citizen promise for %(period)s")
        % {
            "kommun": promise.kommun,
            "police": promise.police,
            "period": f"{promise.period_start:%Y-%m-%d} – {promise.period_end:%Y-%m-%d}",
        },
        level=0,
    )
    lead = _(
        "%(kommun)s and %(police)s have agreed on what they will do together for a safer "
        "municipality: “%(title)s”."
    ) % {"kommun": promise.kommun, "police": promise.police, "title": promise.title}
    if promise.adopted_on:
        lead += " " + _("The steering group adopted the promise on %(date)s.") % {
            "date": promise.adopted_on.isoformat()
        }
    document.add_paragraph(lead)
    if promise.background:
        document.add_heading(_("Why"), level=1)
        for paragraph in promise.background.split("\n\n"):
            if paragraph.strip():
                document.add_paragraph(paragraph.strip())
    document.add_heading(_("What we promise"), level=1)
    for giver, commitments in by_giver(promise):
        document.add_heading(giver, level=2)
        for commitment in commitments:
            item = document.add_paragraph(commitment.text, style="List Bullet")
            if commitment.place:
                item.add_run(f" ({commitment.place})")
    document.add_heading(_("Quotes"), level=1)
    for party in (promise.kommun, promise.police):
        document.add_paragraph(_("“[Quote]” says [name, title], %(party)s.") % {"party": party})
    document.add_heading(_("For more information"), level=1)
    for party in (promise.kommun, promise.police):
        document.add_paragraph(
            _("%(party)s: [name, title], [telephone], [e-mail]") % {"party": party}
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
