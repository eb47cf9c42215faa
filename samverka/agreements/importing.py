"""From a parsed agreement (see :mod:`samverka.agreements.parsing`) to a draft.

The parser reads names; here they meet the organizations samverka knows. A kommun is
matched by its name, a lokalpolisområde by "LPO <name>"; what cannot be matched is
listed for the coordinator instead of guessed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from samverka.agreements import services
from samverka.agreements.models import Agreement, Forum, ForumKind, PriorityArea, Signatory
from samverka.agreements.parsing import ParsedAgreement
from samverka.organizations.models import ACTOR_KINDS, Organization, OrganizationKind
from samverka.taxonomy.models import Category
from samverka.taxonomy.suggest import suggest_for_area


@dataclass(frozen=True)
class Elsewhere:
    """Where a text pasted into the agreement import belongs instead (a medborgarlöfte …)."""

    message: str
    url: str
    link_text: str


# Other kinds of document a text may be: an app registers, in its ``AppConfig.ready()``, a
# function that says where the text belongs, or None (promises.apps registers the
# medborgarlöfte). The agreement import asks them before reading a text as an agreement.
Recogniser = Callable[[str], Elsewhere | None]
_recognisers: list[Recogniser] = []


def register_recogniser(func: Recogniser) -> Recogniser:
    if func not in _recognisers:
        _recognisers.append(func)
    return func


def elsewhere(text: str) -> Elsewhere | None:
    """Where ``text`` belongs if it is not an agreement, else None."""
    for recogniser in _recognisers:
        found = recogniser(text)
        if found is not None:
            return found
    return None


SOURCE_LINES_KEPT = 6000
_KINDS = {"kommun": OrganizationKind.KOMMUN, "lpo": OrganizationKind.LOCAL_POLICE_AREA}
# Where each kind of parsed party is looked for: the Police as a whole is the national
# authority; another actor is any organization users add ("Länsstyrelsen Dalarna").
_MATCH_KINDS: dict[str, tuple[str, ...]] = {
    "kommun": (OrganizationKind.KOMMUN,),
    "lpo": (OrganizationKind.LOCAL_POLICE_AREA,),
    "police": (OrganizationKind.NATIONAL,),
    "other": (*ACTOR_KINDS, OrganizationKind.NATIONAL),
}


@dataclass
class PartyMatch:
    matched: list[Organization] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def match_parties(parties: list[dict[str, str]]) -> PartyMatch:
    result = PartyMatch()
    for party in parties:
        kinds = _MATCH_KINDS.get(party["kind"], ())
        found = Organization.objects.filter(kind__in=kinds, name__iexact=party["name"]).first()
        if found is None:
            result.unmatched.append(party["name"])
        elif found not in result.matched:
            result.matched.append(found)
    return result


def to_session(parsed: ParsedAgreement) -> dict[str, Any]:
    """Plain JSON-safe data, kept between the upload and the review."""

    def plain(value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    data: dict[str, Any] = plain(dataclasses.asdict(parsed))
    # The text is kept for the review to show beside the fields; a very long document
    # is shown as far as a session holds comfortably.
    data["source_lines"] = data["source_lines"][:SOURCE_LINES_KEPT]
    return data


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def open_ended_end(data: dict[str, Any]) -> dt.date | None:
    """The end date of an agreement in force "tills vidare" that is revised every n
    years: the day before its first revision, so the cycle of duties has an end."""
    starts_on = _date(data["starts_on"])
    years = data.get("revision_years")
    if not data.get("until_further_notice") or data["ends_on"] or not starts_on or not years:
        return None
    try:
        return starts_on.replace(year=starts_on.year + years) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return starts_on.replace(year=starts_on.year + years, day=28)


def _area_description(item: dict[str, Any]) -> str:
    """The area's description, then its activities as a list."""
    description = item["description"]
    missing = [a for a in item.get("activities", []) if a not in description]
    if missing:
        lines = "\n".join(f"- {activity}" for activity in missing)
        description = f"{description}\n\n{lines}".strip()
    return description


def initial_for_form(data: dict[str, Any]) -> dict[str, Any]:
    parties = match_parties(data["parties"]).matched
    return {
        "title": data["title"],
        "starts_on": _date(data["starts_on"]),
        "ends_on": _date(data["ends_on"]) or open_ended_end(data),
        "follow_up": data.get("follow_up", ""),
        "communication": data.get("communication", ""),
        "extension_years": data["extension_years"],
        "consultation_months": data["consultation_months"],
        "purpose": data["purpose"],
        "vision": data["vision"],
        "overall_goals": "\n".join(data["overall_goals"]),
        "in_two_parts": data["two_parts"],
        "situation_picture": "\n".join(data["situation_picture_sources"]),
        "kommuner": [p for p in parties if p.kind == OrganizationKind.KOMMUN],
        "police": next((p for p in parties if p.kind == OrganizationKind.LOCAL_POLICE_AREA), None),
        "other_parties": [p for p in parties if p.kind in ACTOR_KINDS],
    }


@transaction.atomic
def create_draft(
    agreement: Agreement,
    parties: list[Organization],
    data: dict[str, Any],
    *,
    areas: list[int],
    forums: list[int],
    signatories: list[int],
) -> Agreement:
    """Save the reviewed agreement with the chosen areas, forums and signatories."""
    services.save_agreement(agreement, parties)
    categories = {c.code: c for c in Category.objects.current()}
    for position, index in enumerate(areas, start=1):
        item = data["priority_areas"][index]
        description = _area_description(item)
        suggestion = suggest_for_area(item["title"], description)
        area = PriorityArea(
            agreement=agreement,
            title=item["title"][:300],
            description=description,
            target_groups=suggestion.target_groups,
            position=position,
        )
        area.full_clean()
        area.save()
        area.categories.set([categories[c] for c in suggestion.categories if c in categories])
    by_kind = {p.kind: p for p in parties}
    for position, index in enumerate(forums, start=1):
        item = data["forums"][index]
        forum = Forum(
            agreement=agreement,
            kind=item["kind"] if item["kind"] in ForumKind.values else ForumKind.OTHER,
            name=item["name"][:200],
            description=item["description"],
            position=position,
        )
        forum.full_clean()
        forum.save()
    for position, index in enumerate(signatories, start=1):
        item = data["signatories"][index]
        signatory = Signatory(
            agreement=agreement,
            name=item["name"][:200],
            title=item["title"][:200],
            organization=by_kind.get(_KINDS.get(item["organization"], "")),
            place=item["place"][:100],
            signed_on=_date(item["signed_on"]),
            position=position,
        )
        signatory.full_clean()
        signatory.save()
    return agreement
