"""What the public pages show: only what anyone may read, through the one access policy
(:func:`samverka.tenancy.access.public_only`), so that a page is the same for every
visitor, signed in or not, and may be cached by anyone.

For a kommun: its current medborgarlöfte (in force today, else the latest published) and
its follow-up, its latest published lägesbild summary, the priority areas of its latest
signed agreement that is published, and the measures their responsible organizations
chose to show. Each page's ETag and Last-Modified come from this data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from samverka.agreements.models import Agreement, AgreementStatus, PriorityArea
from samverka.organizations.models import Organization, OrganizationKind
from samverka.plans.models import Measure
from samverka.promises.models import PUBLIC_STATES, CitizenPromise, Commitment
from samverka.situation.models import PublishedSummary
from samverka.taxonomy.models import Category
from samverka.tenancy.access import public_only


def kommuner() -> QuerySet[Organization]:
    return Organization.objects.filter(kind=OrganizationKind.KOMMUN).order_by("name")


def promises() -> QuerySet[CitizenPromise]:
    """Every published medborgarlöfte (published, followed up or closed)."""
    return public_only(CitizenPromise.objects.filter(status__in=PUBLIC_STATES))


def current_promise_kommuner(today: dt.date) -> set[int]:
    """The kommuner with a published promise in force ``today``."""
    return set(
        promises()
        .filter(period_start__lte=today, period_end__gte=today)
        .values_list("kommun_id", flat=True)
    )


def kommuner_with_content() -> set[int]:
    """The kommuner with anything published: a promise, a summary or a public measure."""
    found = set(promises().values_list("kommun_id", flat=True))
    found |= set(
        public_only(PublishedSummary.objects.all()).values_list("picture__kommun_id", flat=True)
    )
    found |= set(
        public_only(Measure.objects.filter(public=True)).values_list("plan__kommun_id", flat=True)
    )
    return found


def theme_q(theme: Category | None, lookup: str) -> Q:
    """Rows whose categories (through ``lookup``) are ``theme`` or one of its children."""
    if theme is None:
        return Q()
    return Q(**{f"{lookup}": theme}) | Q(**{f"{lookup}__parent": theme})


def themes() -> QuerySet[Category]:
    return Category.objects.current().top_level()


def search_commitments(words: str, theme: Category | None) -> QuerySet[Commitment]:
    """Every published commitment whose words, place, priority area or category match each
    of ``words`` (case-insensitive substrings), within ``theme`` if given."""
    found = public_only(Commitment.objects.filter(promise__status__in=PUBLIC_STATES))
    condition = theme_q(theme, "priority_area__categories")
    for word in words.split()[:8]:
        category = "priority_area__categories__"
        condition &= (
            Q(text__icontains=word)
            | Q(place__icontains=word)
            | Q(priority_area__title__icontains=word)
            | Q(**{f"{category}label_sv__icontains": word})
            | Q(**{f"{category}label_en__icontains": word})
            | Q(**{f"{category}parent__label_sv__icontains": word})
            | Q(**{f"{category}parent__label_en__icontains": word})
        )
    matching = Commitment.objects.filter(condition).values("pk")
    return (
        found.filter(pk__in=matching)
        .select_related("promise__kommun", "priority_area")
        .prefetch_related("priority_area__categories")
        .order_by("promise__kommun__name", "-promise__period_start", "position", "pk")
    )


@dataclass
class KommunContent:
    kommun: Organization
    promise: CitizenPromise | None = None
    commitments: list[Commitment] = field(default_factory=list)
    earlier: list[CitizenPromise] = field(default_factory=list)
    summary: PublishedSummary | None = None
    agreement: Agreement | None = None
    areas: list[PriorityArea] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.promise is None and self.summary is None and not self.measures

    @property
    def followed_up(self) -> bool:
        return any(c.judgement for c in self.commitments)

    def _facts(self) -> list[Any]:
        promise = self.promise
        return [
            self.kommun.pk,
            self.kommun.name,
            promise and (promise.pk, promise.updated_at, promise.status, promise.followed_up_on),
            [
                (c.pk, c.text, c.place, c.judgement, c.explanation, c.judged_on)
                for c in self.commitments
            ],
            [(p.pk, p.updated_at) for p in self.earlier],
            self.summary and (self.summary.pk, self.summary.published_at, self.summary.text),
            self.agreement and (self.agreement.pk, self.agreement.updated_at),
            [(a.pk, a.title, a.description) for a in self.areas],
            [
                (m.pk, m.title, m.status, m.progress, m.starts_on, m.ends_on, m.reported_on)
                for m in self.measures
            ],
        ]

    def etag(self) -> str:
        return hashlib.sha256(repr(self._facts()).encode()).hexdigest()[:32]

    def last_modified(self) -> dt.datetime | None:
        stamps = [
            self.promise and self.promise.updated_at,
            self.summary and self.summary.published_at,
            self.agreement and self.agreement.updated_at,
            *(p.updated_at for p in self.earlier),
        ]
        for measure in self.measures:
            if measure.reported_on:
                stamps.append(dt.datetime.combine(measure.reported_on, dt.time(), tzinfo=dt.UTC))
        found = [s for s in stamps if s]
        return max(found) if found else None


def kommun_content(kommun: Organization, today: dt.date | None = None) -> KommunContent:
    today = today or timezone.localdate()
    content = KommunContent(kommun)
    published = list(
        promises()
        .filter(kommun=kommun)
        .select_related("kommun", "police")
        .order_by("-period_start", "-pk")
    )
    in_force = [p for p in published if p.period_start <= today <= p.period_end]
    content.promise = in_force[0] if in_force else (published[0] if published else None)
    content.earlier = [p for p in published if p != content.promise]
    if content.promise is not None:
        content.commitments = list(
            public_only(Commitment.objects.filter(promise=content.promise))
            .select_related("other_party", "priority_area")
            .order_by("position", "pk")
        )
    content.summary = (
        public_only(PublishedSummary.objects.filter(picture__kommun=kommun))
        .select_related("picture")
        .order_by("-picture__period_end", "-published_at")
        .first()
    )
    content.agreement = (
        public_only(Agreement.objects.filter(parties=kommun, status=AgreementStatus.SIGNED))
        .order_by("-starts_on", "-pk")
        .first()
    )
    if content.agreement is not None:
        content.areas = list(content.agreement.priority_areas.prefetch_related("categories"))
    content.measures = list(
        public_only(Measure.objects.filter(plan__kommun=kommun, public=True))
        .select_related("responsible")
        .order_by("-starts_on", "title", "pk")
    )
    return content


def summaries_of(kommun: Organization) -> list[PublishedSummary]:
    """Every published lägesbild summary of ``kommun``, newest first."""
    return list(
        public_only(PublishedSummary.objects.filter(picture__kommun=kommun))
        .select_related("picture")
        .order_by("-published_at")
    )
