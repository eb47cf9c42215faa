"""Suggest categories and target groups for a free-text priority area.

Agreements name their priority areas in their own words ("Trafiksäkerhetsarbete med
fokus på hastighet", "Unga i riskzon"). This matches Swedish word stems to the
taxonomy's codes so that an imported or newly written area starts with a sensible
mapping, which the coordinator then confirms or changes. A specific stem (hastighet)
wins over its main category (trafik); text that matches nothing maps to ``other``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from samverka.taxonomy.models import TargetGroup

# (pattern, codes): patterns are matched against the lower-cased text.
CATEGORY_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"misshandel|våldsbrott|\bvåld\b(?! i nära)", ("person.assault",)),
    (r"\bhot\b|olaga hot", ("person.threat",)),
    (r"\brån", ("person.robbery",)),
    (r"sexualbrott|våldtäkt", ("person.sexual",)),
    (r"nära relation|relationsvåld|våld i hemmet", ("person.domestic",)),
    (r"heder", ("person.honour",)),
    (r"bostadsinbrott|inbrott", ("theft.residential",)),
    (r"fordon|bilinbrott|\bbil", ("theft.vehicle",)),
    (r"cykel", ("theft.bicycle",)),
    (r"butik", ("theft.shop",)),
    (r"båtmotor|båtstöld", ("theft.boat",)),
    (r"stöld|tillgrepp", ("theft",)),
    (r"grannsamverkan", ("theft.residential",)),
    (r"båtsamverkan", ("theft.boat",)),
    (r"klotter", ("damage.graffiti",)),
    (r"skadegörelse", ("damage",)),
    (r"anlagd brand|anlagda bränder|brandanläggelse", ("damage.arson",)),
    (r"narkotika|droger|\bdrog", ("drugs",)),
    (r"alkohol|rattfylleri|ratt-? och drogfylleri", ("traffic.drink_driving",)),
    (r"hastighet|fortkörning", ("traffic.speeding",)),
    (r"trafikolyck|olyckorna", ("traffic.accident",)),
    (r"trafik", ("traffic",)),
    (r"ordningsstörning", ("order.disturbance",)),
    (r"\bsamling(?:ar)?\b|samlas|ungdomsgäng", ("order.gathering",)),
    (r"\bofog", ("order.mischief",)),
    (r"belysning", ("order.unsafe_lighting",)),
    (r"nedskräpning", ("order.unsafe_litter",)),
    (
        r"otrygg|trygga platser|offentlig(?:a)? miljö|boendemiljö|brottskoncentration|platser",
        ("order",),
    ),
    (r"bedrägeri", ("fraud.fraud",)),
    (r"välfärdsbrott", ("fraud.welfare",)),
    (r"kriminell ekonomi|arbetslivskriminalitet|ekonomisk brottslighet", ("fraud.work",)),
    (r"skjutning", ("organized.shooting",)),
    (r"sprängning|explosion", ("organized.explosion",)),
    (r"kriminella nätverk|kriminella gäng|\bgäng", ("organized.networks",)),
    (r"organiserad brottslighet", ("organized",)),
    (r"extremism|radikalisering", ("extremism",)),
)

TARGET_RULES: tuple[tuple[str, TargetGroup], ...] = (
    (r"\bung|ungdom|\bbarn|skol|elever|normbrytande", TargetGroup.CHILDREN_AND_YOUTH),
    (r"brottsutsatt|brottsoffer|utsätts", TargetGroup.VICTIMS),
    (r"avhoppare|lämna kriminalitet", TargetGroup.LEAVERS),
    (r"äldre", TargetGroup.ELDERLY),
    (r"nyanlända", TargetGroup.NEWCOMERS),
    (r"näringsidkare|företag|handlare", TargetGroup.BUSINESSES),
    (r"boende|grannar|bostadsområde", TargetGroup.RESIDENTS),
)


@dataclass
class Suggestion:
    categories: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)


def suggest(text: str) -> Suggestion:
    """Categories (most specific first matches) and target groups for ``text``.

    >>> suggest("Trafiksäkerhetsarbete med fokus på hastighet").categories
    ['traffic.speeding']
    >>> s = suggest("Unga i riskzon att utveckla en kriminell livsstil")
    >>> s.categories, s.target_groups
    ([], ['children_youth'])
    """
    lowered = text.lower()
    found: list[str] = []
    for pattern, codes in CATEGORY_RULES:
        if re.search(pattern, lowered):
            found.extend(code for code in codes if code not in found)
    # A main category adds nothing where one of its subcategories already matched.
    specific = [c for c in found if not any(o.startswith(c + ".") for o in found if o != c)]
    # "Våld i nära relation" is its own category, not assault in general.
    if "person.domestic" in specific and "misshandel" not in lowered:
        specific = [c for c in specific if c != "person.assault"]
    groups = [group.value for pattern, group in TARGET_RULES if re.search(pattern, lowered)]
    # A theme across categories ("Unga i riskzon") carries target groups only.
    return Suggestion(categories=specific or ([] if groups else ["other"]), target_groups=groups)


def suggest_for_area(title: str, description: str = "") -> Suggestion:
    """The title decides; the description is read only when the title says nothing.

    A description often mentions neighbouring problems ("... främjar våld ..."), which
    would pull in categories the area is not about.

    >>> suggest_for_area("Trafiksäkerhet", "där trafikmiljöer upplevs som otrygga").categories
    ['traffic']
    """
    first = suggest(title)
    if first.categories == ["other"] and not first.target_groups and description:
        return suggest(f"{title} {description}")
    return first
