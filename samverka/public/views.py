"""The public face: a page per kommun with published content, the national index with
its map and its search over every published commitment, a feed per kommun and a card a
kommun's own website may embed. No sign-in; the same page for everyone, so cacheable:
``Cache-Control: public``, an ETag and Last-Modified from the data (a conditional GET is
answered 304)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from csp.decorators import csp_replace
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from samverka.organizations.models import Organization
from samverka.public import content, geo
from samverka.taxonomy.models import Category

MAX_AGE = 300  # seconds a browser or a proxy may keep a public page without asking again
SEARCH_LIMIT = 200


def _cached(
    request: HttpRequest,
    etag: str,
    last_modified: dt.datetime | None,
    make: Callable[[], HttpResponse],
) -> HttpResponse:
    """``make()``'s response with the caching headers, or 304 when the visitor's copy is
    still the data's."""
    quoted = quote_etag(etag)
    stamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=quoted, last_modified=stamp)
    if response is None:
        response = make()
    response["ETag"] = quoted
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp)
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def _digest(*facts: Any) -> str:
    return hashlib.sha256(repr(facts).encode()).hexdigest()[:32]


def _kommun(slug: str) -> content.KommunContent:
    kommun = content.kommuner().filter(slug=slug).first()
    if kommun is None:
        raise Http404
    found = content.kommun_content(kommun)
    if found.is_empty:
        raise Http404
    return found


def _theme(request: HttpRequest) -> Category | None:
    code = request.GET.get("tema", "").strip()
    return content.themes().filter(code=code).first() if code else None


@require_safe
def kommun_page(request: HttpRequest, slug: str) -> HttpResponse:
    found = _kommun(slug)
    page_url = request.build_absolute_uri(reverse("public:kommun", args=[slug]))
    card_url = request.build_absolute_uri(reverse("public:card", args=[slug]))

    def make() -> HttpResponse:
        return render(
            request,
            "public/kommun.html",
            {
                "c": found,
                "kommun": found.kommun,
                "page_url": page_url,
                "card_url": card_url,
                "feed_url": reverse("public:feed", args=[slug]),
            },
        )

    return _cached(request, found.etag(), found.last_modified(), make)


@require_safe
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})  # type: ignore[arg-type]
def card(request: HttpRequest, slug: str) -> HttpResponse:
    """A small card for a kommun's own website to embed (the one framable page)."""
    found = _kommun(slug)
    page_url = request.build_absolute_uri(reverse("public:kommun", args=[slug]))

    def make() -> HttpResponse:
        return render(request, "public/card.html", {"c": found, "page_url": page_url})

    return _cached(request, "card-" + found.etag(), found.last_modified(), make)


@require_safe
def feed(request: HttpRequest, slug: str) -> HttpResponse:
    """An Atom feed: each published promise, its follow-up, each published summary."""
    found = _kommun(slug)
    kommun = found.kommun
    page_url = request.build_absolute_uri(reverse("public:kommun", args=[slug]))
    entries = _feed_entries(request, found)
    updated = max((e["updateddate"] for e in entries), default=None)

    def make() -> HttpResponse:
        atom = Atom1Feed(
            title=_("Safety in %(kommun)s: citizen promises and situation pictures")
            % {"kommun": kommun.name},
            link=page_url,
            description="",
            language="sv",
            feed_url=request.build_absolute_uri(),
            feed_guid=page_url,
        )
        for entry in sorted(entries, key=lambda e: e["updateddate"], reverse=True):
            atom.add_item(**entry)
        response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
        atom.write(response, "utf-8")
        return response

    etag = _digest("feed", [(e["unique_id"], e["updateddate"]) for e in entries])
    return _cached(request, etag, updated, make)


def _at_noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


def _feed_entries(request: HttpRequest, found: content.KommunContent) -> list[dict[str, Any]]:
    kommun = found.kommun
    entries: list[dict[str, Any]] = []
    for promise in [p for p in [found.promise, *found.earlier] if p is not None]:
        link = request.build_absolute_uri(reverse("promises:public", args=[promise.pk]))
        published = promise.published_at or promise.updated_at
        entries.append(
            {
                "title": _("Citizen promise published: %(title)s") % {"title": promise.title},
                "link": link,
                "unique_id": f"{link}#publicerat",
                "description": promise.background,
                "pubdate": published,
                "updateddate": max(published, promise.updated_at),
            }
        )
        if promise.followed_up_on:
            when = _at_noon(promise.followed_up_on)
            entries.append(
                {
                    "title": _("Follow-up of the citizen promise: %(title)s")
                    % {"title": promise.title},
                    "link": link,
                    "unique_id": f"{link}#uppfoljning",
                    "description": _("How the promises were kept."),
                    "pubdate": when,
                    "updateddate": max(when, promise.updated_at),
                }
            )
    for summary in content.summaries_of(kommun):
        if summary.published_at is None:  # public_only gives published ones only
            continue
        link = request.build_absolute_uri(summary.get_absolute_url())
        entries.append(
            {
                "title": _("Situation picture published: %(title)s")
                % {"title": summary.picture.title},
                "link": link,
                "unique_id": link,
                "description": summary.text,
                "pubdate": summary.published_at,
                "updateddate": summary.published_at,
            }
        )
    return entries


@dataclass(frozen=True)
class Row:
    kommun: Organization
    current: bool  # a published promise in force today
    published: bool  # anything published: the kommun has a page


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Every kommun, searchable by name, filtered by a theme of the common taxonomy, on a
    map coloured by whether a promise in force is published (and as a table)."""
    query = request.GET.get("q", "").strip()[:100]
    theme = _theme(request)
    today = timezone.localdate()
    current = content.current_promise_kommuner(today)
    published = content.kommuner_with_content()
    kommuner = content.kommuner()
    if theme is not None:
        in_theme = content.search_commitments("", theme).values_list("promise__kommun_id")
        kommuner = kommuner.filter(pk__in=in_theme)
    # The name is matched here, not in SQL: SQLite folds the case of ASCII letters only,
    # and "örebro" should find Örebro.
    wanted = query.casefold()
    rows = [
        Row(k, k.pk in current, k.pk in published)
        for k in kommuner.only("pk", "name", "slug", "municipality_code")
        if wanted in k.name.casefold()
    ]
    etag = _digest(
        "index",
        query,
        theme and theme.code,
        today,
        [(r.kommun.pk, r.kommun.slug, r.current, r.published) for r in rows],
    )

    def make() -> HttpResponse:
        shown = {r.kommun.municipality_code: r for r in rows}
        sweden = geo.sweden()
        shapes = [
            {
                "shape": shape,
                "state": (
                    "current"
                    if shape.code in shown and shown[shape.code].current
                    else ("other" if shape.code in shown else "hidden")
                ),
            }
            for shape in sweden.shapes
        ]
        return render(
            request,
            "public/index.html",
            {
                "rows": rows,
                "query": query,
                "theme": theme,
                "themes": content.themes(),
                "map": sweden,
                "shapes": shapes,
                "current_count": sum(1 for r in rows if r.current),
                "page_url": request.build_absolute_uri(reverse("public:index")),
            },
        )

    return _cached(request, etag, None, make)


@require_safe
def commitments(request: HttpRequest) -> HttpResponse:
    """Every published commitment, found by its words and its category."""
    query = request.GET.get("q", "").strip()[:200]
    theme = _theme(request)
    searched = bool(query or theme)
    found = list(content.search_commitments(query, theme)[:SEARCH_LIMIT]) if searched else []
    etag = _digest(
        "commitments",
        query,
        theme and theme.code,
        [(c.pk, c.text, c.promise.pk, c.promise.updated_at) for c in found],
    )

    def make() -> HttpResponse:
        return render(
            request,
            "public/commitments.html",
            {
                "found": found,
                "query": query,
                "theme": theme,
                "themes": content.themes(),
                "searched": searched,
                "limit": SEARCH_LIMIT,
                "page_url": request.build_absolute_uri(reverse("public:commitments")),
            },
        )

    return _cached(request, etag, None, make)
