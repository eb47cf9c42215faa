"""Follow-up at any date: each goal's indicator against its baseline and target, each
measure's status in green, yellow or red, and the evaluation of a measure in a place.

Computed indicators count with :func:`samverka.situation.overview.count_events`, the
very count the lägesbild's table shows, over the plan's sources; so a baseline equals
what the lägesbild showed for the same category, area and period.

The verdict on a goal is honest about chance, with the statistics of the lägesbild:

* a count or a rate: the rate ratio of the latest period (as long as the baseline
  period, ending on the follow-up date) to the baseline, with its exact interval
  (:func:`samverka.analysis.rates.rate_ratio`);
* a survey share: the difference of two proportions with Newcombe's interval
  (:func:`samverka.analysis.surveys.difference`).

No verdict is given where a source describes the kommun differently in the baseline and
the latest period (it starts, stops or gives only the county; see
:mod:`samverka.situation.coverage`): the goal says why instead.

"reached" needs the target met *and* a change beyond chance in the goal's direction;
a target met within chance is "cannot tell yet", as is a change whose interval spans
none. A change beyond chance in the goal's direction that has not met the target is
"on track" until the deadline, "not on track" after it; a change beyond chance the
other way is "not on track". A hand-entered indicator has no sampling error: it is
"reached" when it meets the target, "on track" when it has come at least as far
towards the target as the time towards the deadline has.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.core.cache import cache
from django.db.models import Max, Prefetch
from django.utils import timezone

from samverka.analysis import evaluation, rates, surveys
from samverka.plans.models import (
    STATISTICS_INDICATORS,
    ActionPlan,
    Direction,
    Goal,
    IndicatorKind,
    Measure,
    MeasureStatus,
)
from samverka.situation import coverage, overview, statistics
from samverka.situation import services as situation
from samverka.situation.survey_figures import yes_count
from samverka.sources import dataversion
from samverka.sources.models import Dataset, Event, SourceKind, SurveyResult

REACHED = "reached"
ON_TRACK = "on_track"
NOT_ON_TRACK = "not_on_track"
CANNOT_TELL = "cannot_tell"
TOO_EARLY = "too_early"
NO_DATA = "no_data"
# A source describes the kommun differently in the baseline and the latest period.
COVERAGE_CHANGED = "coverage_changed"
# The latest period must be at least this long (and after the baseline) for a verdict.
MIN_DAYS = 90

GREEN, YELLOW, RED, GREY = "green", "yellow", "red", "grey"
STALE_REPORT_DAYS = 90


def plan_datasets(plan: ActionPlan) -> list[int]:
    """The sources of the plan: those its lägesbild is built on, and those of its
    parties that arrived since (new imports of the evidence), but none the lägesbild
    left out; another organization's dataset only when a party chose it."""
    picture = plan.situation_picture
    choices = picture.source_choices.filter(dataset__isnull=False).values_list(
        "dataset_id", "included"
    )
    chosen = {pk for pk, included in choices if included}
    left_out = {pk for pk, included in choices if not included}
    candidates = [
        (pk, owner)
        for pk, kind, owner in situation.eligible_rows(picture)
        if kind in situation.FIGURE_KINDS and pk not in left_out
    ]
    # Taken without a choice: see situation.taken_by_default.
    by_default = (
        situation.default_owner_ids(picture)
        if any(pk not in chosen for pk, _owner in candidates)
        else set()
    )
    return sorted(pk for pk, owner in candidates if pk in chosen or owner in by_default)


def count_events(kommun: Any, dataset_ids: list[int], filters: overview.Filters) -> int:
    """:func:`overview.count_events`, cached as the lägesbild's overview is: until one of
    the data changes (:func:`situation.data_stamp` is part of the key). The plan page
    asks for several counts (each goal's baseline and latest period, each evaluated
    measure's areas) on every view; reading the events for each was most of its time."""
    key = "plan-count:" + ":".join(
        [
            str(kommun.pk),
            ",".join(map(str, dataset_ids)),
            situation.data_stamp(dataset_ids),
            filters.start.isoformat(),
            filters.end.isoformat(),
            filters.category,
            str(filters.sub_area or ""),
        ]
    )
    found: int | None = cache.get(key)
    if found is None:
        found = overview.count_events(kommun, dataset_ids, filters)
        cache.set(key, found, 60 * 60)
    return found


def count_statistics(
    kommun: Any, dataset_ids: list[int], filters: overview.Filters
) -> tuple[int, float]:
    """:func:`statistics.count` (the reported crimes the lägesbild's statistics table
    shows as its total, and the years of data behind them), cached as the counts are."""
    key = "plan-statistics:" + ":".join(
        [
            str(kommun.pk),
            ",".join(map(str, dataset_ids)),
            situation.data_stamp(dataset_ids),
            filters.start.isoformat(),
            filters.end.isoformat(),
            filters.category,
            str(filters.sub_area or ""),
        ]
    )
    found: tuple[int, float] | None = cache.get(key)
    if found is None:
        found = statistics.count(kommun, dataset_ids, filters)
        cache.set(key, found, 60 * 60)
    return found


def _filters(goal: Goal, start: dt.date, end: dt.date) -> overview.Filters:
    return overview.Filters(start, end, goal.category, goal.sub_area_id)


def _survey(goal: Goal, dataset_ids: list[int], year: int) -> tuple[float, int] | None:
    row = (
        SurveyResult.objects.filter(
            dataset_id__in=dataset_ids,
            dataset__in=Dataset.objects.in_use(),
            kommun_id=goal.plan.kommun_id,
            sub_area_id=goal.sub_area_id,
            question=goal.survey_question,
            year__lte=year,
            share__isnull=False,
            respondents__isnull=False,
        )
        .order_by("-year")
        .values_list("share", "respondents")
        .first()
    )
    if row is None or row[0] is None or not row[1]:
        return None
    return float(row[0]), int(row[1])


def _population(goal: Goal, year: int) -> int:
    return overview.populations(year).get(goal.plan.kommun_id, 0)


def indicator_value(
    goal: Goal, start: dt.date, end: dt.date, dataset_ids: list[int]
) -> tuple[float | None, int | None]:
    """The computed indicator over a period: (value, the count or respondents behind it)."""
    if goal.indicator == IndicatorKind.SURVEY:
        found = _survey(goal, dataset_ids, end.year)
        return (found[0], found[1]) if found else (None, None)
    if goal.indicator in STATISTICS_INDICATORS:
        # Counted exactly as the lägesbild's statistics table counts: its total for the
        # goal's category over the whole periods of the data inside start – end, and its
        # rate per 100 000 and year of the months the data covers.
        count, years = count_statistics(goal.plan.kommun, dataset_ids, _filters(goal, start, end))
        if goal.indicator == IndicatorKind.STATISTICS:
            return (float(count), count) if years else (None, None)
        population = _population(goal, end.year)
        if not population or not years:
            return None, count if years else None
        return count / (population * years) * 100_000, count
    count = count_events(goal.plan.kommun, dataset_ids, _filters(goal, start, end))
    if goal.indicator == IndicatorKind.RATE:
        population = _population(goal, end.year)
        if not population:
            return None, count
        years = ((end - start).days + 1) / 365.25
        return count / (population * years) * 100_000, count
    return float(count), count


def compute_baseline(goal: Goal, on: dt.date | None = None) -> None:
    """Set a computed goal's baseline from the plan's sources as they are on ``on``."""
    if not goal.is_computed or goal.baseline_start is None or goal.baseline_end is None:
        return
    value, basis = indicator_value(
        goal, goal.baseline_start, goal.baseline_end, plan_datasets(goal.plan)
    )
    goal.baseline_value = value
    goal.baseline_basis = basis
    goal.baseline_set_on = on or timezone.localdate()


def _met(goal: Goal, value: float) -> bool:
    assert goal.target_value is not None  # noqa: S101 - checked by the caller
    if goal.direction == Direction.DECREASE:
        return value <= goal.target_value
    return value >= goal.target_value


def _verdict(
    goal: Goal, value: float, lower: float, upper: float, no_change: float, as_of: dt.date
) -> str:
    wanted_certain = (
        upper < no_change if goal.direction == Direction.DECREASE else lower > no_change
    )
    other_certain = lower > no_change if goal.direction == Direction.DECREASE else upper < no_change
    if _met(goal, value):
        return REACHED if wanted_certain else CANNOT_TELL
    if wanted_certain:
        return NOT_ON_TRACK if goal.deadline and as_of > goal.deadline else ON_TRACK
    if other_certain:
        return NOT_ON_TRACK
    return CANNOT_TELL


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value


def _category_labels(code: str) -> dict[str, str]:
    label = _all_category_labels().get(code) if code else None
    return {
        "category_label_sv": label[0] if label else "",
        "category_label_en": label[1] if label else "",
    }


def _all_category_labels() -> dict[str, tuple[str, str]]:
    """Every category of the current taxonomy by its code, (Swedish, English): cached
    until the taxonomy changes (it bumps the version of the data, in the key)."""
    from samverka.taxonomy.models import Category

    key = f"plan-category-labels:{dataversion.current()}"
    found: dict[str, tuple[str, str]] | None = cache.get(key)
    if found is None:
        found = {
            code: (label_sv, label_en)
            for code, label_sv, label_en in Category.objects.current()
            .order_by("position", "pk")
            .values_list("code", "label_sv", "label_en")
        }
        cache.set(key, found, 60 * 60)
    return found


def _dataset_summary(dataset_ids: list[int]) -> list[dict[str, Any]]:
    """:func:`overview.dataset_summary`, cached until one of the datasets or the data
    changes (a dataset's owner renamed bumps the version of the data)."""
    key = f"plan-sources:{','.join(map(str, dataset_ids))}:{situation.data_stamp(dataset_ids)}"
    found: list[dict[str, Any]] | None = cache.get(key)
    if found is None:
        found = overview.dataset_summary(dataset_ids)
        cache.set(key, found, 60 * 60)
    return found


def data_end(plan: ActionPlan, dataset_ids: list[int]) -> dt.date | None:
    """The last day with a police-reported event of the kommun in the plan's sources
    (cached as the counts are: until the data changes)."""
    key = f"plan-data-end:{plan.kommun_id}:{','.join(map(str, dataset_ids))}:"
    key += situation.data_stamp(dataset_ids)
    found: tuple[dt.date | None] | None = cache.get(key)
    if found is None:
        last = (
            Event.objects.in_use()
            .filter(dataset_id__in=dataset_ids, kommun_id=plan.kommun_id)
            .exclude(source=SourceKind.EST)
            .aggregate(last=Max("occurred_at"))["last"]
        )
        found = (timezone.localtime(last).date() if last else None,)
        cache.set(key, found, 60 * 60)
    return found[0]


def goal_status(
    goal: Goal,
    as_of: dt.date,
    dataset_ids: list[int],
    last_day: dt.date | None | bool = False,
) -> dict[str, Any]:
    """The goal on ``as_of``: value now, baseline, target and the verdict.

    The latest period ends on ``as_of`` or on the last day the sources have data,
    whichever is earlier; it is as long as the baseline period but never reaches back
    into it. A count over a shorter period is scaled up to the baseline's length to be
    read against the target (and says so); under :data:`MIN_DAYS` days there is no
    verdict yet.
    """
    status: dict[str, Any] = {
        "id": goal.pk,
        "title": goal.title,
        "indicator": goal.indicator,
        "category": goal.category,
        "sub_area": goal.sub_area.name if goal.sub_area else "",
        "unit": goal.unit,
        "survey_question": goal.survey_question,
        "direction": goal.direction,
        "baseline": goal.baseline_value,
        "baseline_start": goal.baseline_start.isoformat() if goal.baseline_start else None,
        "baseline_end": goal.baseline_end.isoformat() if goal.baseline_end else None,
        "target": goal.target_value,
        "deadline": goal.deadline.isoformat() if goal.deadline else None,
        "owner": str(goal.owner) if goal.owner else "",
        "sub_area_name": goal.sub_area.name if goal.sub_area else "",
        **_category_labels(goal.category),
        "baseline_set_on": goal.baseline_set_on.isoformat() if goal.baseline_set_on else None,
        "missing": goal.missing(),
        "current": None,
        "verdict": NO_DATA,
    }
    if goal.target_value is None or goal.baseline_value is None:
        return status
    if goal.indicator == IndicatorKind.MANUAL:
        return _manual_status(goal, as_of, status)
    assert goal.baseline_start is not None and goal.baseline_end is not None  # noqa: S101
    if goal.indicator == IndicatorKind.SURVEY:
        return _survey_status(goal, as_of, dataset_ids, status)
    if goal.indicator in STATISTICS_INDICATORS:
        return _statistics_status(goal, as_of, dataset_ids, status)
    if last_day is False:
        last_day = data_end(goal.plan, dataset_ids)
    end = min(as_of, last_day) if isinstance(last_day, dt.date) else as_of
    length = goal.baseline_end - goal.baseline_start
    start = max(goal.baseline_end + dt.timedelta(days=1), end - length)
    days = (end - start).days + 1
    base_days = (goal.baseline_end - goal.baseline_start).days + 1
    status.update(current_start=start.isoformat(), current_end=end.isoformat(), days=days)
    baseline = (goal.baseline_start, goal.baseline_end)
    need = coverage.SUB_AREA if goal.sub_area_id else coverage.KOMMUN
    if days < MIN_DAYS:
        # Too early, unless the kommun's data ended because a source changed how it
        # describes the kommun (gives only the county) since the baseline.
        after = (goal.baseline_end + dt.timedelta(days=1), as_of)
        changed = (
            coverage.compare_periods(
                goal.plan.kommun, dataset_ids, baseline, after, need, until_data_ends=True
            )
            if as_of > goal.baseline_end
            else None
        )
        if changed is not None:
            status["coverage"] = changed
        status["verdict"] = TOO_EARLY if changed is None else COVERAGE_CHANGED
        return status
    changed = coverage.compare_periods(goal.plan.kommun, dataset_ids, baseline, (start, end), need)
    if changed is not None:  # the count would follow the source, not crime
        status.update(verdict=COVERAGE_CHANGED, coverage=changed)
        return status
    value, basis = indicator_value(goal, start, end, dataset_ids)
    base_count = goal.baseline_basis
    if value is None or basis is None or base_count is None:
        return status
    if goal.indicator == IndicatorKind.EVENTS:
        value = basis * base_days / days  # scaled to the baseline period's length
    status.update(current=value, count=basis, scaled=days != base_days)
    exposure = float(days)
    base_exposure = float(base_days)
    if goal.indicator == IndicatorKind.RATE:
        exposure *= _population(goal, end.year) or 1
        base_exposure *= _population(goal, goal.baseline_end.year) or 1
    ratio = rates.rate_ratio(basis, exposure, base_count, base_exposure)
    status.update(
        baseline_count=base_count,
        ratio=_finite(ratio.ratio),
        lower=_finite(ratio.lower),
        upper=_finite(ratio.upper),
    )
    status["verdict"] = _verdict(goal, value, ratio.lower, ratio.upper, 1.0, as_of)
    return status


def _statistics_status(
    goal: Goal, as_of: dt.date, dataset_ids: list[int], status: dict[str, Any]
) -> dict[str, Any]:
    """A goal counted from reported-crime statistics: the latest period as long as the
    baseline's, ending with the last period the statistics hold (or ``as_of``); counts and
    exposures in the years of data each period covers, as the lägesbild counts them."""
    assert goal.baseline_start is not None and goal.baseline_end is not None  # noqa: S101
    last = statistics.data_end(goal.plan.kommun, dataset_ids)
    end = min(as_of, last) if last else as_of
    length = goal.baseline_end - goal.baseline_start
    start = max(goal.baseline_end + dt.timedelta(days=1), end - length)
    days = (end - start).days + 1
    status.update(current_start=start.isoformat(), current_end=end.isoformat(), days=days)
    if days < MIN_DAYS:
        status["verdict"] = TOO_EARLY
        return status
    kommun = goal.plan.kommun
    count, years = count_statistics(kommun, dataset_ids, _filters(goal, start, end))
    base_count, base_years = count_statistics(
        kommun, dataset_ids, _filters(goal, goal.baseline_start, goal.baseline_end)
    )
    if not years or not base_years:
        status["verdict"] = TOO_EARLY if not years else NO_DATA
        return status
    exposure, base_exposure = years, base_years
    if goal.indicator == IndicatorKind.STATISTICS_RATE:
        population = _population(goal, end.year)
        base_population = _population(goal, goal.baseline_end.year)
        if not population or not base_population:
            return status
        exposure, base_exposure = years * population, base_years * base_population
        value = count / exposure * 100_000
    else:
        value = count * base_years / years  # scaled to the baseline period's length
    status.update(current=value, count=count, scaled=years != base_years)
    ratio = rates.rate_ratio(count, exposure, base_count, base_exposure)
    status.update(
        baseline_count=base_count,
        ratio=_finite(ratio.ratio),
        lower=_finite(ratio.lower),
        upper=_finite(ratio.upper),
    )
    status["verdict"] = _verdict(goal, value, ratio.lower, ratio.upper, 1.0, as_of)
    return status


def _survey_status(
    goal: Goal, as_of: dt.date, dataset_ids: list[int], status: dict[str, Any]
) -> dict[str, Any]:
    """A survey after the baseline's year against the baseline's, with Newcombe's interval."""
    assert goal.baseline_end is not None and goal.baseline_value is not None  # noqa: S101
    found = _survey(goal, dataset_ids, as_of.year)
    year = _survey_year(goal, dataset_ids, as_of.year)
    if found is None or year is None or year <= goal.baseline_end.year:
        status["verdict"] = TOO_EARLY
        return status
    value, respondents = found
    status.update(current=value, current_end=str(year), count=respondents)
    before_n = goal.baseline_basis or 0
    if not before_n:
        return status
    # The yes-counts behind the shares, rounded half away from zero as the lägesbild does.
    now = surveys.proportion(yes_count(value, respondents), respondents)
    before = surveys.proportion(yes_count(goal.baseline_value, before_n), before_n)
    change = surveys.difference(now, before)
    status.update(lower=change.lower, upper=change.upper)
    status["verdict"] = _verdict(goal, value, change.lower, change.upper, 0.0, as_of)
    return status


def _survey_year(goal: Goal, dataset_ids: list[int], year: int) -> int | None:
    found: int | None = (
        SurveyResult.objects.filter(
            dataset_id__in=dataset_ids,
            kommun_id=goal.plan.kommun_id,
            sub_area_id=goal.sub_area_id,
            question=goal.survey_question,
            year__lte=year,
            share__isnull=False,
        )
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return found


def _manual_status(goal: Goal, as_of: dt.date, status: dict[str, Any]) -> dict[str, Any]:
    begun = goal.baseline_set_on or goal.plan.period_start
    if as_of < begun:
        status["verdict"] = TOO_EARLY
        return status
    reading = goal.readings.filter(measured_on__lte=as_of).order_by("-measured_on", "-pk").first()
    if reading is None:
        return status
    status.update(current=reading.value, current_end=reading.measured_on.isoformat())
    assert goal.target_value is not None and goal.baseline_value is not None  # noqa: S101
    if _met(goal, reading.value):
        status["verdict"] = REACHED
        return status
    if goal.deadline and as_of > goal.deadline:
        status["verdict"] = NOT_ON_TRACK
        return status
    span = goal.target_value - goal.baseline_value
    travelled = (reading.value - goal.baseline_value) / span if span else 0.0
    total = ((goal.deadline or goal.plan.period_end) - begun).days or 1
    elapsed = min(1.0, max(0.0, (as_of - begun).days / total))
    status["verdict"] = ON_TRACK if travelled >= elapsed else NOT_ON_TRACK
    return status


def _as_reported(measure: Measure, as_of: dt.date) -> tuple[str, int, dt.date | None]:
    """Status, progress and report date of the measure as they stood on ``as_of``: from
    its latest report by then (planned and 0 % before its first report)."""
    reports = list(measure.reports.all())
    if not reports:
        return measure.status, measure.progress, measure.reported_on
    earlier = [r for r in reports if r.reported_on <= as_of]
    if not earlier:
        return MeasureStatus.PLANNED, 0, None
    latest = max(earlier, key=lambda r: (r.reported_on, r.pk))
    return latest.status, latest.progress, latest.reported_on


def measure_status(measure: Measure, as_of: dt.date) -> dict[str, Any]:
    """Green, yellow or red by the measure's dates and its reports up to ``as_of``."""
    status, progress, reported_on = _as_reported(measure, as_of)
    colour, reason = GREEN, "on_schedule"
    if status == MeasureStatus.DONE:
        colour, reason = GREEN, "done"
    elif status == MeasureStatus.CANCELLED:
        colour, reason = GREY, "cancelled"
    elif measure.ends_on and measure.ends_on < as_of:
        colour, reason = RED, "overdue"
    elif measure.starts_on > as_of:
        colour, reason = GREEN, "not_started_yet"
    elif status == MeasureStatus.PLANNED:
        colour, reason = YELLOW, "should_have_started"
    elif status == MeasureStatus.PAUSED:
        colour, reason = YELLOW, "paused"
    else:
        if measure.ends_on:
            total = (measure.ends_on - measure.starts_on).days or 1
            expected = min(100.0, 100.0 * (as_of - measure.starts_on).days / total)
            if progress + 25 < expected:
                colour, reason = YELLOW, "behind"
        if colour == GREEN and (
            reported_on is None or (as_of - reported_on).days > STALE_REPORT_DAYS
        ):
            colour, reason = YELLOW, "no_recent_report"
    return {
        "id": measure.pk,
        "title": measure.title,
        "responsible": str(measure.responsible),
        "responsible_person": str(measure.responsible_person or ""),
        "starts_on": measure.starts_on.isoformat(),
        "ends_on": measure.ends_on.isoformat() if measure.ends_on else None,
        "status": status,
        "progress": progress,
        "progress_note": measure.progress_note if reported_on == measure.reported_on else "",
        "colour": colour,
        "reason": reason,
    }


def evaluate(measure: Measure, as_of: dt.date, dataset_ids: list[int]) -> dict[str, Any] | None:
    """Counts before and after in the measure's area against the comparison area, as a
    weighted displacement difference with its interval; None without both areas."""
    if measure.treated_area_id is None or measure.comparison_area_id is None:
        return None
    end = min(as_of, measure.ends_on) if measure.ends_on else as_of
    if end <= measure.starts_on:
        return None
    length = end - measure.starts_on
    before_start = measure.starts_on - length - dt.timedelta(days=1)
    before_end = measure.starts_on - dt.timedelta(days=1)
    kommun = measure.plan.kommun

    def count(area: int | None, start: dt.date, stop: dt.date) -> int:
        filters = overview.Filters(start, stop, measure.evaluation_category, area)
        return count_events(kommun, dataset_ids, filters)

    treated = (
        count(measure.treated_area_id, before_start, before_end),
        count(measure.treated_area_id, measure.starts_on, end),
    )
    control = (
        count(measure.comparison_area_id, before_start, before_end),
        count(measure.comparison_area_id, measure.starts_on, end),
    )
    result = evaluation.weighted_displacement(treated, control)
    return {
        "before": [before_start.isoformat(), before_end.isoformat()],
        "after": [measure.starts_on.isoformat(), end.isoformat()],
        "treated": list(treated),
        "control": list(control),
        "wdd": result.wdd,
        "lower": result.lower,
        "upper": result.upper,
        "p_value": result.p_value,
        "verdict": result.verdict.value,
        "treated_area": measure.treated_area.name if measure.treated_area else "",
        "comparison_area": measure.comparison_area.name if measure.comparison_area else "",
    }


def plan_goals(plan: ActionPlan) -> list[Goal]:
    """The plan's goals with what the follow-up and the plan's page read of them."""
    goals = list(
        plan.goals.select_related("sub_area", "owner", "problem", "priority_area")
        .defer("sub_area__geometry", "owner__geometry")
        .order_by("position", "pk")  # the model's order, within one plan
    )
    for goal in goals:
        goal.plan = plan
    return goals


def plan_measures(plan: ActionPlan) -> list[Measure]:
    """The plan's measures with their reports and the ids of their goals."""
    measures = list(
        plan.measures.select_related("responsible", "responsible_person")
        .defer("responsible__geometry")
        .order_by("starts_on", "pk")  # the model's order, within one plan
        .prefetch_related("reports", Prefetch("goals", queryset=Goal.objects.only("pk")))
    )
    for measure in measures:
        measure.plan = plan
    return measures


def follow_up(
    plan: ActionPlan,
    as_of: dt.date,
    goals: list[Goal] | None = None,
    measures: list[Measure] | None = None,
) -> dict[str, Any]:
    """The whole follow-up on ``as_of``, as JSON-safe data (what a report freezes);
    ``goals`` and ``measures``: :func:`plan_goals` and :func:`plan_measures`, when the
    caller has them already."""
    dataset_ids = plan_datasets(plan)
    last_day = data_end(plan, dataset_ids)
    goal_statuses = [
        goal_status(goal, as_of, dataset_ids, last_day)
        for goal in (plan_goals(plan) if goals is None else goals)
    ]
    measure_statuses = [
        measure_status(measure, as_of)
        for measure in (plan_measures(plan) if measures is None else measures)
    ]
    counts: dict[str, int] = {}
    for goal in goal_statuses:
        counts[goal["verdict"]] = counts.get(goal["verdict"], 0) + 1
    colours: dict[str, int] = {}
    for measure in measure_statuses:
        colours[measure["colour"]] = colours.get(measure["colour"], 0) + 1
    return {
        "as_of": as_of.isoformat(),
        "goals": goal_statuses,
        "measures": measure_statuses,
        "verdicts": counts,
        "colours": colours,
        "sources": _dataset_summary(dataset_ids),
        "data_end": last_day.isoformat() if last_day else None,
    }
