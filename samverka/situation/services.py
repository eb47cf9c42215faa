"""Multi-step writes of the lägesbild: start, choose sources, pin, adopt, new version, publish."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samverka.accounts.models import User
from samverka.agreements import steering
from samverka.agreements.models import Agreement
from samverka.lib import memo
from samverka.organizations.models import Organization
from samverka.situation import coverage, overview
from samverka.situation.models import (
    Evidence,
    FigureKind,
    PictureStatus,
    Problem,
    PublishedSummary,
    QualitativeInput,
    SituationPicture,
    SituationPictureQuerySet,
    SourceChoice,
)
from samverka.sources import dataversion
from samverka.sources.models import (
    Dataset,
    Event,
    SourceKind,
    Statistic,
    SurveyLevel,
    SurveyResult,
)
from samverka.sources.ownership import area_owners
from samverka.tenancy.access import AnyUser, Visibility, readable_by_parties, writing_party

# The figures a public summary may show.
PUBLISHABLE = ("categories", "months", "map", "statistics")

# The kinds of dataset a lägesbild draws figures from.
FIGURE_KINDS = (
    SourceKind.POLICE_EVENTS,
    SourceKind.EVENT_TABLE,
    SourceKind.EST,
    SourceKind.SURVEY,
    SourceKind.CRIME_STATISTICS,
)


def eligible_datasets(picture: SituationPicture) -> QuerySet[Dataset]:
    """Datasets every party of the picture may read, holding data about its kommun.

    A dataset internal to one party cannot be a source of the shared picture: its
    figures would show the other parties what they may not read. Its owner's coordinator
    first shares it with the agreement (:mod:`samverka.sources.sharing`); which datasets
    every party reads is the access policy's to say.
    """
    about_kommun = (
        Exists(Event.objects.filter(dataset=OuterRef("pk"), kommun_id=picture.kommun_id))
        | Exists(SurveyResult.objects.filter(dataset=OuterRef("pk"), kommun_id=picture.kommun_id))
        # A survey's results for the kommun's län or for Sweden: compared beside the kommun's.
        | Exists(
            SurveyResult.objects.filter(dataset=OuterRef("pk"), kommun__isnull=True).filter(
                Q(county_id=picture.kommun.county_id) | Q(level=SurveyLevel.NATION)
            )
        )
        | Exists(Statistic.objects.filter(dataset=OuterRef("pk"), kommun_id=picture.kommun_id))
    )
    return (
        readable_by_parties(Dataset.objects.in_use(), picture.agreement_id)
        .filter(about_kommun)
        .select_related("owner")
        .order_by("kind", "title")
    )


def taken_by_default(picture: SituationPicture) -> Q:
    """The eligible datasets a picture may use without a party choosing them: those a
    party of its agreement owns, holding the picture's kommun in the owner's own area
    (see :mod:`samverka.sources.ownership`). Any other dataset becomes a source only
    when a party of the agreement chooses it."""
    parties = Organization.objects.filter(agreements=picture.agreement_id)
    return Q(owner__in=parties.values("pk")) & Q(
        owner__in=area_owners(picture.kommun_id).values("pk")
    )


def sources_stamp() -> str:
    """What decides which datasets may be a source of a picture, as one stamp: the
    version of the data (the rows about each kommun: every import and deletion bumps it),
    the last change of any dataset (its state, visibility, agreement or withdrawal: every
    change saves its ``updated_at``) and their number (a deletion). Read once per request
    that only reads."""

    def read() -> str:
        found = Dataset.objects.aggregate(last=Max("updated_at"), number=Count("pk"))
        last = found["last"].isoformat() if found["last"] else "-"
        return f"{dataversion.current()}/{found['number']}/{last}"

    return memo.remember("sources_stamp", read)


def eligible_rows(picture: SituationPicture) -> list[tuple[int, str, int]]:
    """(pk, kind, owner) of :func:`eligible_datasets`, in their order: cached until a
    dataset or the data changes (:func:`sources_stamp` is in the key). The question is
    asked by every view of a lägesbild and a plan, and it is the dearest of the page."""
    key = f"situation-eligible:{picture.agreement_id}:{picture.kommun_id}:{sources_stamp()}"
    rows: list[tuple[int, str, int]] | None = cache.get(key)
    if rows is None:
        rows = list(
            eligible_datasets(picture)
            .order_by("kind", "title", "pk")
            .values_list("pk", "kind", "owner_id")
        )
        cache.set(key, rows, 60 * 60)
    return rows


def eligible_list(picture: SituationPicture) -> list[Dataset]:
    """:func:`eligible_datasets` as a list, with their owners (names only)."""
    order = {pk: n for n, (pk, _kind, _owner) in enumerate(eligible_rows(picture))}
    datasets = (
        Dataset.objects.filter(pk__in=order)
        .select_related("owner")
        .defer("owner__geometry")
        .order_by()
    )
    return sorted(datasets, key=lambda dataset: order[dataset.pk])


def default_owner_ids(picture: SituationPicture) -> set[int]:
    """The owners whose eligible datasets :func:`taken_by_default` takes, as ids."""
    parties = Organization.objects.filter(agreements=picture.agreement_id)
    return set(
        parties.filter(pk__in=area_owners(picture.kommun_id).values("pk")).values_list(
            "pk", flat=True
        )
    )


def source_choices(picture: SituationPicture) -> list[SourceChoice]:
    """The picture's choices of sources (read once per request that only reads)."""
    return memo.remember(("source_choices", picture.pk), lambda: list(picture.source_choices.all()))


def used_dataset_ids(picture: SituationPicture) -> list[int]:
    """The chosen datasets that are still in use (a withdrawn one drops out)."""
    included = {c.dataset_id for c in source_choices(picture) if c.included and c.dataset_id}
    return sorted(pk for pk, _kind, _owner in eligible_rows(picture) if pk in included)


def _period_of_year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


@transaction.atomic
def start_picture(
    agreement: Agreement,
    kommun: Organization,
    owner: Organization,
    period_start: dt.date,
    period_end: dt.date,
    title: str,
    by: User,
) -> SituationPicture:
    """A new draft, shared with the parties, built at first on every eligible source its
    parties own about the kommun in their own areas; the others wait for a party's choice."""
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    picture = SituationPicture(
        owner=owner,
        agreement=agreement,
        visibility=Visibility.SHARED,
        kommun=kommun,
        period_start=period_start,
        period_end=period_end,
        title=title,
        created_by=by,
    )
    picture.full_clean()
    picture.save()
    SourceChoice.objects.bulk_create(
        SourceChoice(picture=picture, dataset=dataset, included=True)
        for dataset in eligible_datasets(picture)
        .filter(kind__in=FIGURE_KINDS)
        .filter(taken_by_default(picture))
    )
    return picture


def ensure_draft(picture: SituationPicture) -> None:
    if picture.is_adopted:
        raise ValidationError(
            _("This situation picture is adopted and can no longer change; start a new version.")
        )


@transaction.atomic
def set_sources(
    picture: SituationPicture, choices: dict[int, tuple[bool, str]]
) -> list[SourceChoice]:
    """Use or leave out each eligible dataset; leaving one out needs a reason."""
    ensure_draft(picture)
    eligible = {d.pk: d for d in eligible_datasets(picture)}
    errors = {}
    for dataset_id, (included, reason) in choices.items():
        if dataset_id not in eligible:
            errors[str(dataset_id)] = _("This dataset cannot be a source of this picture.")
        elif not included and not reason.strip():
            errors[str(dataset_id)] = _("Say why %(title)s is left out.") % {
                "title": eligible[dataset_id].title
            }
    if errors:
        raise ValidationError(errors)
    saved = []
    for dataset_id, (included, reason) in choices.items():
        choice = SourceChoice.objects.filter(picture=picture, dataset_id=dataset_id).first()
        choice = choice or SourceChoice(picture=picture, dataset_id=dataset_id)
        choice.included = included
        choice.reason = "" if included else reason.strip()
        choice.full_clean()  # the reason is screened for personal data
        choice.save()
        saved.append(choice)
    picture.save(update_fields=["updated_at"])
    return saved


def add_other_source(picture: SituationPicture, name: str, reason: str) -> SourceChoice:
    """A source outside samverka that the picture leaves out, with the reason."""
    ensure_draft(picture)
    if not reason.strip():
        raise ValidationError(
            {"other_reason": _("Say why %(title)s is left out.") % {"title": name}}
        )
    choice = SourceChoice(picture=picture, name=name.strip(), included=False, reason=reason.strip())
    choice.full_clean()
    choice.save()
    return choice


def drafting_party(picture: SituationPicture, user: User) -> Organization:
    """The party of the picture's agreement in whose name ``user`` writes."""
    party: Organization | None = writing_party(user, picture.agreement_id)
    if party is None:
        raise ValidationError(_("You cannot draft for this agreement."))
    return party


def coverage_window(picture: SituationPicture) -> tuple[dt.date, dt.date]:
    """The months a source's coverage is shown for: those the figures compare (the
    control limits' earlier years, so the period before too) and the period."""
    start = picture.period_start
    return dt.date(start.year - overview.BASELINE_YEARS, start.month, 1), picture.period_end


def coverage_strips(picture: SituationPicture, dataset_ids: list[int]) -> dict[int, Any]:
    """Per dataset, its level of data about the picture's kommun month by month over
    :func:`coverage_window` (see :func:`coverage.strips`)."""
    return coverage.strips(picture.kommun, dataset_ids, *coverage_window(picture))


def data_stamp(dataset_ids: list[int]) -> str:
    """What cached figures from ``dataset_ids`` are valid for: the version of the data
    (bumped by every write of an input: events and their categories, statistics,
    surveys, population, sub-areas, taxonomy, mappings) and the sources' last change.

    That is :func:`sources_stamp`, the last change of any dataset: a dataset is saved
    without a bump of the version only when its visibility changes (the bump follows
    every import and withdrawal anyway), and the page reads that stamp already; so
    ``dataset_ids`` changes nothing."""
    return sources_stamp()


def _cache_key(picture: SituationPicture, dataset_ids: list[int], filters: overview.Filters) -> str:
    parts = [
        str(picture.kommun_id),
        ",".join(map(str, dataset_ids)),
        data_stamp(dataset_ids),
        filters.start.isoformat(),
        filters.end.isoformat(),
        filters.category,
        str(filters.sub_area or ""),
    ]
    return "situation-overview:" + ":".join(parts)


def live_figures(
    picture: SituationPicture, filters: overview.Filters, key: str | None = None
) -> dict[str, Any]:
    """The overview computed now from the chosen sources (cached until a source changes);
    ``key``: :func:`figures_key`, when the caller has it already."""
    dataset_ids = used_dataset_ids(picture)
    key = key or _cache_key(picture, dataset_ids, filters)
    figures: dict[str, Any] | None = cache.get(key)
    if figures is None:
        figures = overview.build(picture.kommun, dataset_ids, filters)
        cache.set(key, figures, 60 * 60)
    return figures


def _frozen(picture: SituationPicture, filters: overview.Filters) -> bool:
    default = overview.Filters(picture.period_start, picture.period_end)
    return picture.is_adopted and (filters == default or not picture.snapshot.get("overview"))


def figures_key(picture: SituationPicture, filters: overview.Filters) -> str:
    """What identifies the figures :func:`figures` returns: the adopted picture's frozen
    figures, or the live ones' cache key (the sources, the filters and the version of
    the data). Equal keys, equal figures: whoever may read the picture reads them."""
    if _frozen(picture, filters):
        return (
            f"situation-frozen:{picture.pk}:{picture.adopted_on}:{picture.updated_at.isoformat()}"
        )
    return _cache_key(picture, used_dataset_ids(picture), filters)


def figures(
    picture: SituationPicture, filters: overview.Filters | None = None, key: str | None = None
) -> dict[str, Any]:
    """What the overview shows: the frozen figures of an adopted picture (for its own
    filters), else the live ones."""
    filters = filters or overview.Filters(picture.period_start, picture.period_end)
    if _frozen(picture, filters):
        return dict(picture.snapshot.get("overview", {}))
    return live_figures(picture, filters, key)


def figure_data(figures: dict[str, Any], figure: str) -> dict[str, Any]:
    """The part of the overview one pinned figure keeps."""
    keys = {
        FigureKind.CATEGORIES: ("categories",),
        FigureKind.MONTHS: ("months",),
        FigureKind.WEEKDAY_HOUR: ("weekday_hour",),
        FigureKind.HOTSPOTS: ("map", "concentration"),
        FigureKind.CONCENTRATION: ("concentration",),
        FigureKind.SURVEYS: ("surveys",),
        FigureKind.EST: ("est",),
        FigureKind.STATISTICS: ("statistics",),
    }[FigureKind(figure)]
    data = {key: figures.get(key) for key in keys}
    for key in ("sources", "filters", "previous", "category_label_sv", "category_label_en"):
        data[key] = figures.get(key, [] if key == "sources" else {})
    data["sub_area_name"] = figures.get("sub_area_name", "")
    data["kommun"] = figures.get("kommun", "")
    return data


@transaction.atomic
def pin(
    picture: SituationPicture,
    problem: Problem,
    figure: str,
    filters: overview.Filters,
    by: User,
    note: str = "",
) -> Evidence:
    """Pin a figure of the overview, with its filters, as evidence for ``problem``; the
    evidence keeps the numbers it had when it was pinned."""
    ensure_draft(picture)
    if problem.picture_id != picture.pk:
        raise ValidationError(_("The problem belongs to another situation picture."))
    data = figure_data(figures(picture, filters), figure)
    evidence = Evidence(
        problem=problem,
        figure=figure,
        filters=filters.as_dict(),
        data=data,
        note=note,
        pinned_by=by,
    )
    evidence.full_clean()
    evidence.save()
    return evidence


@transaction.atomic
def pin_to_new_problem(
    picture: SituationPicture,
    title: str,
    figure: str,
    filters: overview.Filters,
    by: User,
) -> Evidence:
    """Name a new problem of ``picture`` and pin a figure as its first evidence, together."""
    ensure_draft(picture)
    problem = Problem(picture=picture, title=title.strip())
    problem.full_clean()
    problem.save()
    return pin(picture, problem, figure, filters, by)


@transaction.atomic
def save_problem(picture: SituationPicture, form: Any) -> Problem:
    """Save a problem of the draft ``picture`` from a valid ``ProblemForm``, with its
    priority areas and categories."""
    ensure_draft(picture)
    problem: Problem = form.save(commit=False)
    problem.picture = picture
    problem.save()
    form.save_m2m()
    return problem


def frozen_sources(picture: SituationPicture) -> list[dict[str, Any]]:
    """The source list as it reads on adoption (titles and periods can change later)."""
    return [
        {
            "name": str(choice),
            "dataset_id": choice.dataset_id,
            "included": choice.included,
            "reason": choice.reason,
            "owner": str(choice.dataset.owner) if choice.dataset else "",
            "period_start": choice.dataset.period_start.isoformat()
            if choice.dataset and choice.dataset.period_start
            else "",
            "period_end": choice.dataset.period_end.isoformat()
            if choice.dataset and choice.dataset.period_end
            else "",
        }
        for choice in picture.source_choices.select_related("dataset", "dataset__owner")
    ]


@transaction.atomic
def adopt(
    picture: SituationPicture,
    on: dt.date,
    reference: str,
    by: User,
    decision: int | None = None,
) -> SituationPicture:
    """Adopt (fastställ) the picture: its figures are frozen from now on. ``decision``, the
    steering group's decision that adopts it (its reference fills an empty ``reference``;
    the adoption cannot precede it), is linked to the picture."""
    ensure_draft(picture)
    reference, ref = steering.resolve(decision, picture.agreement_id, reference, on, "adopted_on")
    if not reference.strip():
        raise ValidationError({"decision_reference": _("Give the decision's reference.")})
    if not picture.source_choices.filter(included=True).exists():
        raise ValidationError(_("A situation picture needs at least one source."))
    if on < picture.period_start or on > timezone.localdate():
        raise ValidationError(
            {"adopted_on": _("The adoption date lies between the start of the period and today.")}
        )
    default = overview.Filters(picture.period_start, picture.period_end)
    picture.snapshot = {
        "overview": overview.build(picture.kommun, used_dataset_ids(picture), default),
        "sources": frozen_sources(picture),
        "frozen_at": timezone.now().isoformat(),
    }
    picture.status = PictureStatus.ADOPTED
    picture.adopted_on = on
    picture.decision_reference = reference.strip()
    picture.adopted_by = by
    picture.save()
    steering.record(ref, picture)
    return picture


def versions_of(picture: SituationPicture) -> SituationPictureQuerySet:
    """Every version of the picture: the same agreement, kommun and period."""
    return SituationPicture.objects.filter(
        agreement=picture.agreement_id,
        kommun=picture.kommun_id,
        period_start=picture.period_start,
        period_end=picture.period_end,
    )


@transaction.atomic
def new_version(picture: SituationPicture, by: User) -> SituationPicture:
    """A draft started from ``picture``: same sources, inputs and problems with their
    evidence; its figures are live again."""
    draft = SituationPicture.objects.create(
        owner=picture.owner,
        agreement=picture.agreement,
        visibility=Visibility.SHARED,
        kommun=picture.kommun,
        period_start=picture.period_start,
        period_end=picture.period_end,
        title=picture.title,
        summary=picture.summary,
        version=(versions_of(picture).aggregate(top=Max("version"))["top"] or 0) + 1,
        previous=picture,
        created_by=by,
    )
    for choice in picture.source_choices.all():
        SourceChoice.objects.create(
            picture=draft,
            dataset=choice.dataset,
            name=choice.name,
            included=choice.included,
            reason=choice.reason,
        )
    for item in picture.inputs.all():
        QualitativeInput.objects.create(
            picture=draft,
            owner=item.owner,
            agreement=item.agreement,
            visibility=item.visibility if item.visibility != Visibility.PUBLIC else "shared",
            kind=item.kind,
            title=item.title,
            held_on=item.held_on,
            text=item.text,
        )
    for problem in picture.problems.prefetch_related("priority_areas", "evidence"):
        areas = list(problem.priority_areas.all())
        evidence = list(problem.evidence.all())
        problem.pk = None
        problem.picture = draft
        problem.save()
        problem.priority_areas.set(areas)
        for pinned in evidence:
            pinned.pk = None
            pinned.problem = problem
            pinned.save()
    return draft


@transaction.atomic
def publish_summary(
    picture: SituationPicture,
    text: str,
    by: User,
    figures_to_publish: list[str] | None = None,
) -> PublishedSummary:
    """Publish the public summary of an adopted picture: the text and the figures the
    coordinator chose (by category, by month, the map), the map without any cell of few
    events."""
    figures_to_publish = list(figures_to_publish if figures_to_publish is not None else PUBLISHABLE)
    if not picture.is_adopted:
        raise ValidationError(_("Only an adopted situation picture can be published."))
    frozen = picture.snapshot.get("overview", {})
    public_figures = overview.scrub_for_public(
        {
            key: frozen[key]
            for key in [
                *figures_to_publish,
                "sources",
                "filters",
                "kommun",
                "previous",
                "category_label_sv",
                "category_label_en",
            ]
            if key in frozen
        }
    )
    summary, _created = PublishedSummary.objects.update_or_create(
        picture=picture,
        defaults={
            "owner": picture.owner,
            "agreement": picture.agreement,
            "visibility": Visibility.PUBLIC,
            "published_at": timezone.now(),
            "text": text,
            "figures": public_figures,
        },
    )
    summary.full_clean()
    return summary


def _problem_fields(problem: Any) -> dict[str, Any]:
    return {
        "description": problem.description,
        "offender": problem.offender,
        "place": problem.place,
        "target": problem.target,
        "why_here_now": problem.why_here_now,
        "score": problem.score,
        "areas": sorted(str(area) for area in problem.priority_areas.all()),
    }


def source_list(picture: SituationPicture, user: AnyUser) -> list[dict[str, Any]]:
    """The picture's sources as ``user`` may read them: frozen on adoption, else as they
    are. A dataset ``user`` may not read (one its owner has since made internal) is left
    out of the list, its name too."""
    if picture.is_adopted and "sources" in picture.snapshot:
        rows = list(picture.snapshot["sources"])
    else:
        rows = frozen_sources(picture)
    named = {row.get("dataset_id") for row in rows} - {None}
    readable = set(
        Dataset.objects.visible_to(user).filter(pk__in=named).values_list("pk", flat=True)
    )
    return [row for row in rows if row.get("dataset_id") is None or row["dataset_id"] in readable]


def _changed_counts(
    old_table: dict[str, Any] | None, new_table: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """The rows of a table by category whose count differs between two versions."""
    old_rows = {r["code"]: r for r in (old_table or {}).get("rows", [])}
    new_rows = {r["code"]: r for r in (new_table or {}).get("rows", [])}
    numbers = []
    for code in set(old_rows) | set(new_rows):
        before, after = old_rows.get(code), new_rows.get(code)
        row = after or before or {}
        if (before or {}).get("count") != (after or {}).get("count"):
            numbers.append(
                {
                    "label_sv": row["label_sv"],
                    "label_en": row["label_en"],
                    "old": before["count"] if before else None,
                    "new": after["count"] if after else None,
                }
            )
    numbers.sort(key=lambda n: n["label_sv"])
    return numbers


def compare(old: SituationPicture, new: SituationPicture, user: AnyUser) -> dict[str, Any]:
    """What changed between two versions, as ``user`` may read them: numbers by category,
    problems (named, dropped or changed in their causes, ranking or priority areas),
    sources, sections, texts. A section or source ``user`` may not read (the police's
    internal summary) is neither named nor counted as a change."""
    old_figures, new_figures = figures(old), figures(new)
    numbers = _changed_counts(old_figures.get("categories"), new_figures.get("categories"))
    # Reported crimes are compared apart from the events, never added to them.
    statistics_numbers = _changed_counts(
        old_figures.get("statistics"), new_figures.get("statistics")
    )
    old_problems = {p.title: _problem_fields(p) for p in old.problems.all()}
    new_problems = {p.title: _problem_fields(p) for p in new.problems.all()}
    old_sources = {s["name"] for s in source_list(old, user) if s["included"]}
    new_sources = {s["name"] for s in source_list(new, user) if s["included"]}
    readable = QualitativeInput.objects.visible_to(user)
    old_inputs = set(readable.filter(picture=old).values_list("title", flat=True))
    new_inputs = set(readable.filter(picture=new).values_list("title", flat=True))
    return {
        "numbers": numbers,
        "statistics_numbers": statistics_numbers,
        "problems_added": sorted(set(new_problems) - set(old_problems)),
        "problems_removed": sorted(set(old_problems) - set(new_problems)),
        "problems_changed": sorted(
            title
            for title in set(old_problems) & set(new_problems)
            if old_problems[title] != new_problems[title]
        ),
        "sources_added": sorted(new_sources - old_sources),
        "sources_removed": sorted(old_sources - new_sources),
        "inputs_added": sorted(new_inputs - old_inputs),
        "inputs_removed": sorted(old_inputs - new_inputs),
        "summary_changed": old.summary != new.summary,
        "old_summary": old.summary,
        "new_summary": new.summary,
    }


def pictures_using(dataset: Dataset, agreement: Agreement) -> list[Any]:
    """The lägesbilder of ``agreement`` that use ``dataset`` as a source: what a withdrawal
    of its sharing with the agreement changes (registered with sources.sharing)."""
    from samverka.sources.sharing import Dependent

    pictures = (
        SituationPicture.objects.filter(
            agreement=agreement,
            source_choices__dataset=dataset,
            source_choices__included=True,
        )
        .select_related("kommun")
        .distinct()
        .order_by("kommun__name", "-version")
    )
    return [
        Dependent(
            label=_("Lägesbild “%(title)s” (%(kommun)s, version %(version)s)")
            % {"title": picture.title, "kommun": picture.kommun, "version": picture.version},
            url=picture.get_absolute_url(),
            consequence=_(
                "Adopted: its frozen figures and sources stay as they were adopted; a new "
                "version can no longer use the dataset."
            )
            if picture.is_adopted
            else _(
                "Draft: the dataset is no longer a source; its figures, and the follow-up of "
                "plans built on it, are counted without it."
            ),
        )
        for picture in pictures
    ]
