"""The national overview: which kommuner have an agreement, and what they prioritise.

For police-region and national users: per kommun, whether an agreement is in force,
expiring (inside its consultation notice, six months by default) or missing; the most
common priority areas by län and by police region; and a map of Sweden drawn from the
kommun polygons, with the same numbers as a table beside it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from samverka.agreements.models import Agreement, Lifecycle, PriorityArea
from samverka.organizations.models import County, Organization, OrganizationKind
from samverka.tenancy.access import READ_ROLES, AnyUser, memberships_of

IN_FORCE, EXPIRING, NONE = "in_force", "expiring", "none"
MAP_WIDTH = 360.0
_COS_LAT = math.cos(math.radians(62.0))  # Sweden's middle latitude keeps shapes honest


def overview_scope(user: AnyUser) -> QuerySet[County] | None:
    """The län a user may overview, or None when the user may not use the overview."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return County.objects.all()
    memberships = [m for m in memberships_of(user) if m.role in READ_ROLES]
    kinds = {m.organization.kind for m in memberships}
    if OrganizationKind.NATIONAL in kinds:
        return County.objects.all()
    regions = [
        m.organization_id
        for m in memberships
        if m.organization.kind == OrganizationKind.POLICE_REGION
    ]
    if regions:
        return County.objects.filter(police_region__in=regions)
    return None


@dataclass
class KommunStatus:
    kommun: Organization
    status: str
    agreement: Agreement | None
    path: str = ""


@dataclass
class Overview:
    kommuner: list[KommunStatus]
    counts: dict[str, int]
    by_county: list[dict[str, Any]]
    by_region: list[dict[str, Any]]
    top_categories: list[tuple[str, int]]
    view_box: str
    groups: dict[str, str] = field(default_factory=dict)


def build(counties: QuerySet[County]) -> Overview:
    today = timezone.localdate()
    kommuner = list(
        Organization.objects.filter(kind=OrganizationKind.KOMMUN, county__in=counties)
        .select_related("county__police_region")
        .order_by("name")
    )
    ids = {k.pk for k in kommuner}
    current: dict[int, Agreement] = {}
    agreements = (
        Agreement.objects.in_force_on(today)
        .filter(parties__in=ids)
        .prefetch_related("parties")
        .distinct()
        .order_by("ends_on")
    )
    for agreement in agreements:
        for party in agreement.parties.all():
            if party.pk in ids:
                current[party.pk] = agreement  # the one that runs longest wins
    statuses = []
    for kommun in kommuner:
        found = current.get(kommun.pk)
        if found is None:
            status = NONE
        elif found.lifecycle(today) == Lifecycle.EXPIRING:
            status = EXPIRING
        else:
            status = IN_FORCE
        statuses.append(KommunStatus(kommun, status, found))

    # Priority areas of agreements in force, counted once per kommun and main category.
    areas = PriorityArea.objects.filter(
        agreement__in=[a.pk for a in current.values()]
    ).prefetch_related("categories__parent")
    categories_of_agreement: dict[int, set[str]] = defaultdict(set)
    for area in areas:
        for category in area.categories.all():
            main = category.parent or category
            categories_of_agreement[area.agreement_id].add(main.label)
    per_county: dict[str, Counter[str]] = defaultdict(Counter)
    per_region: dict[str, Counter[str]] = defaultdict(Counter)
    overall: Counter[str] = Counter()
    for item in statuses:
        if item.agreement is None:
            continue
        labels = categories_of_agreement.get(item.agreement.pk, set())
        county = item.kommun.county
        per_county[str(county)].update(labels)
        if county is not None and county.police_region is not None:
            per_region[str(county.police_region)].update(labels)
        overall.update(labels)

    shapes = _shapes(kommuner)
    bounds = [shape[1] for shape in shapes.values()]
    for item in statuses:
        if item.kommun.pk in shapes:
            item.path = shapes[item.kommun.pk][0]
    return Overview(
        kommuner=statuses,
        counts=Counter(item.status for item in statuses),
        by_county=_table(per_county),
        by_region=_table(per_region),
        top_categories=overall.most_common(),
        view_box=_view_box(bounds),
    )


def _table(counters: dict[str, Counter[str]]) -> list[dict[str, Any]]:
    return [
        {"name": name, "top": counter.most_common(3)} for name, counter in sorted(counters.items())
    ]


def _project(lon: float, lat: float) -> tuple[float, float]:
    scale = MAP_WIDTH / ((24.2 - 10.9) * _COS_LAT)
    return (lon - 10.9) * _COS_LAT * scale, (69.1 - lat) * scale


def _ring(ring: list[list[float]]) -> tuple[str, list[tuple[float, float]]]:
    points = [_project(lon, lat) for lon, lat in ring]
    text = "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z"
    return text, points


Shape = tuple[str, tuple[float, float, float, float]]
# SVG path and bounds per (kommun, last change): recomputed only when a boundary changes.
_shape_cache: dict[tuple[int, object], Shape] = {}


def _shape(geometry: dict[str, Any]) -> Shape:
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    parts: list[str] = []
    points: list[tuple[float, float]] = []
    for polygon in polygons:
        for ring in polygon:
            text, ring_points = _ring(ring)
            parts.append(text)
            points.extend(ring_points)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return "".join(parts), (min(xs), min(ys), max(xs), max(ys))


def _shapes(kommuner: list[Organization]) -> dict[int, Shape]:
    wanted = {(k.pk, k.updated_at): k.pk for k in kommuner}
    missing = [pk for key, pk in wanted.items() if key not in _shape_cache]
    if missing:
        rows = Organization.objects.filter(pk__in=missing, geometry__isnull=False).values_list(
            "pk", "updated_at", "geometry"
        )
        for pk, updated_at, geometry in rows:
            if geometry:
                _shape_cache[(pk, updated_at)] = _shape(geometry)
    return {pk: _shape_cache[key] for key, pk in wanted.items() if key in _shape_cache}


def _view_box(bounds: list[tuple[float, float, float, float]]) -> str:
    if not bounds:
        return f"0 0 {MAP_WIDTH:.0f} {MAP_WIDTH * 2:.0f}"
    x0 = min(b[0] for b in bounds) - 4
    y0 = min(b[1] for b in bounds) - 4
    x1 = max(b[2] for b in bounds) + 4
    y1 = max(b[3] for b in bounds) + 4
    return f"{x0:.1f} {y0:.1f} {x1 - x0:.1f} {y1 - y0:.1f}"
