"""Changes to agreements that take more than one step, each one transaction."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from samverka.accounts.models import User
from samverka.agreements.cycle import sync_duties
from samverka.agreements.models import Agreement, AgreementStatus, PriorityArea, Revision
from samverka.lib.dates import add_months
from samverka.taxonomy.models import Category
from samverka.taxonomy.suggest import suggest_for_area

TEXT_FIELDS = (
    "title",
    "purpose",
    "vision",
    "overall_goals",
    "how_we_work",
    "what_we_work_on",
    "situation_picture",
    "follow_up",
    "communication",
)


def snapshot(agreement: Agreement) -> dict[str, Any]:
    """Everything the agreement says, as plain data, for a revision."""
    return {
        **{name: getattr(agreement, name) for name in TEXT_FIELDS},
        "in_two_parts": agreement.in_two_parts,
        "starts_on": agreement.starts_on.isoformat(),
        "ends_on": agreement.ends_on.isoformat(),
        "extension_years": agreement.extension_years,
        "consultation_months": agreement.consultation_months,
        "parties": sorted(str(p) for p in agreement.parties.all()),
        "priority_areas": [
            {
                "title": area.title,
                "description": area.description,
                "categories": [c.code for c in area.categories.all()],
                "target_groups": list(area.target_groups),
            }
            for area in agreement.priority_areas.prefetch_related("categories")
        ],
        "forums": [
            {
                "kind": forum.kind,
                "name": forum.name,
                "description": forum.description,
                "meeting_rule": forum.meeting_rule,
            }
            for forum in agreement.forums.all()
        ],
        "signatories": [
            {
                "name": s.name,
                "title": s.title,
                "organization": str(s.organization or ""),
                "place": s.place,
                "signed_on": s.signed_on.isoformat() if s.signed_on else None,
            }
            for s in agreement.signatories.select_related("organization")
        ],
    }


def unsigned_parties(agreement: Agreement) -> list[Any]:
    """The parties of ``agreement`` for which no signatory of that party is recorded."""
    signed = set(
        agreement.signatories.exclude(organization=None).values_list("organization", flat=True)
    )
    return [p for p in agreement.parties.order_by("kind", "name") if p.pk not in signed]


@transaction.atomic
def record_revision(
    agreement: Agreement, *, user: User | None, made_on: dt.date, summary: str
) -> Revision:
    if agreement.status != AgreementStatus.SIGNED:
        raise ValidationError(_("Only a signed agreement has revisions; edit the draft freely."))
    number = (agreement.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = Revision(
        agreement=agreement,
        number=number,
        made_on=made_on,
        summary=summary,
        snapshot=snapshot(agreement),
        created_by=user,
    )
    revision.full_clean()
    revision.save()
    return revision


@transaction.atomic
def sign(agreement: Agreement, *, user: User | None, made_on: dt.date) -> Revision:
    """The parties have signed: the agreement takes effect by its dates, version 1 is kept."""
    if agreement.status == AgreementStatus.SIGNED:
        raise ValidationError(_("The agreement is already signed."))
    if agreement.parties.count() < 2:
        raise ValidationError(_("An agreement needs at least two parties before it is signed."))
    agreement.status = AgreementStatus.SIGNED
    agreement.save(update_fields=["status", "updated_at"])
    revision = record_revision(agreement, user=user, made_on=made_on, summary=_("Signed."))
    sync_duties(agreement)
    return revision


@transaction.atomic
def extend(agreement: Agreement, *, user: User | None, made_on: dt.date) -> Revision:
    """Extend by the agreement's own rule (e.g. four years at a time)."""
    if agreement.status != AgreementStatus.SIGNED or agreement.replaced_by_id is not None:
        raise ValidationError(
            _("Only a signed agreement that has not been replaced can be extended.")
        )
    if not agreement.extension_years:
        raise ValidationError(
            _("The agreement has no extension rule; record a revision with new dates instead.")
        )
    old_end = agreement.ends_on
    agreement.ends_on = add_months(old_end, 12 * agreement.extension_years)
    agreement.save(update_fields=["ends_on", "updated_at"])
    sync_duties(agreement)
    return record_revision(
        agreement,
        user=user,
        made_on=made_on,
        summary=_("Extended by %(years)s years, from %(old)s to %(new)s.")
        % {
            "years": agreement.extension_years,
            "old": old_end.isoformat(),
            "new": agreement.ends_on.isoformat(),
        },
    )


@transaction.atomic
def save_agreement(
    agreement: Agreement, parties: list[Any] | None = None, replaces: Agreement | None = None
) -> Agreement:
    """Save the agreement's own fields (and parties) and keep its årshjul in step.

    ``replaces`` is an earlier agreement this one takes over from: it is marked
    replaced, and its open duties end.
    """
    agreement.full_clean()
    agreement.save()
    if parties is not None:
        agreement.parties.set(parties)
    sync_duties(agreement)
    if replaces is not None and replaces.pk != agreement.pk:
        replaces.replaced_by = agreement
        replaces.save(update_fields=["replaced_by", "updated_at"])
        sync_duties(replaces)
    return agreement


@transaction.atomic
def save_part(form: Any, agreement: Agreement) -> Any:
    """Save a part of ``agreement`` (priority area, forum, method, …) from a valid model
    form, with its many-to-many fields; a new priority area without categories or target
    groups gets those suggested from its words."""
    obj = form.save(commit=False)
    obj.agreement = agreement
    obj.full_clean()
    obj.save()
    form.save_m2m()
    if isinstance(obj, PriorityArea) and not obj.categories.exists() and not obj.target_groups:
        suggestion = suggest_for_area(obj.title, obj.description)
        obj.categories.set(Category.objects.current().filter(code__in=suggestion.categories))
        obj.target_groups = suggestion.target_groups
        obj.save(update_fields=["target_groups"])
    return obj


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any
    diff: list[tuple[str, str]]  # (op, text) with op in {"same", "removed", "added"}


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    a, b = old.split(), new.split()
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("added", " ".join(b[j1:j2])))
    return parts


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """What changed between two snapshots, field by field; texts word by word."""
    changes: list[Change] = []
    for key in new:
        before, after = old.get(key), new[key]
        if before == after:
            continue
        if isinstance(before, str) and isinstance(after, str):
            changes.append(Change(key, before, after, _word_diff(before, after)))
        elif key in {"priority_areas", "forums", "signatories"}:
            label = "title" if key == "priority_areas" else "name"
            before, after = before or [], after or []
            was = [item[label] for item in before]
            now = [item[label] for item in after]
            diff = [("removed", x) for x in was if x not in now]
            diff += [("added", x) for x in now if x not in was]
            diff += [
                ("changed", x)
                for x in now
                if x in was and _item(before, label, x) != _item(after, label, x)
            ]
            changes.append(Change(key, was, now, diff))
        else:
            changes.append(Change(key, before, after, []))
    return changes


def _item(items: list[dict[str, Any]], label: str, value: str) -> dict[str, Any] | None:
    return next((item for item in items if item[label] == value), None)


def next_period(agreement: Agreement) -> tuple[dt.date, dt.date]:
    """The period after ``agreement``'s: from the day after it ends, as long as it (in
    whole months when the old period is whole months, else in days)."""
    starts = agreement.ends_on + dt.timedelta(days=1)
    old = agreement.starts_on
    months = (starts.year - old.year) * 12 + starts.month - old.month
    if months > 0 and add_months(old, months) == starts:
        return starts, add_months(starts, months) - dt.timedelta(days=1)
    return starts, starts + (agreement.ends_on - agreement.starts_on)


def _next_title(agreement: Agreement, starts: dt.date, ends: dt.date) -> str:
    """The title with the old period's years (“2023–2026”) moved to the new one's."""
    title = agreement.title
    for dash in ("–", "-", "—"):
        old = f"{agreement.starts_on.year}{dash}{agreement.ends_on.year}"
        if old in title:
            return title.replace(old, f"{starts.year}{dash}{ends.year}")
    return title


@transaction.atomic
def draft_successor(agreement: Agreement) -> Agreement:
    """A draft of the next agreement from ``agreement``: the same parties, text, priority
    areas (with their categories and target groups), forums and rules for extension and
    consultation, for the period after it. Signatories, revisions and duties are the new
    agreement's own; ``agreement`` itself is untouched (it is marked replaced only when
    the new one is saved as replacing it)."""
    starts, ends = next_period(agreement)
    new = Agreement(
        **{name: getattr(agreement, name) for name in TEXT_FIELDS},
        in_two_parts=agreement.in_two_parts,
        extension_years=agreement.extension_years,
        consultation_months=agreement.consultation_months,
        starts_on=starts,
        ends_on=ends,
        status=AgreementStatus.DRAFT,
    )
    new.title = _next_title(agreement, starts, ends)
    save_agreement(new, list(agreement.parties.all()))
    for area in agreement.priority_areas.order_by("position", "pk"):
        categories = list(area.categories.all())
        area.pk = None
        area._state.adding = True
        area.agreement = new
        area.save()
        area.categories.set(categories)
    for forum in agreement.forums.order_by("position", "pk"):
        participants = list(forum.participants.all())
        forum.pk = None
        forum._state.adding = True
        forum.agreement = new
        forum.save()
        forum.participants.set(participants)
    return new
