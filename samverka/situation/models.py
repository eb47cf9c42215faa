"""The lägesbild: the parties' shared picture of crime and insecurity for a period.

A :class:`SituationPicture` belongs to an agreement and covers one kommun and one
period. It names the sources it is built on and the ones left out (with the reason),
holds qualitative inputs (medarbetardialog, medborgardialog, the police's summary of
its intelligence picture), and the problems the team names, each with the evidence it
pinned from the overview and its orsaksanalys. Adopting (fastställa) it freezes its
numbers in :attr:`SituationPicture.snapshot`, so that later imports change nothing
of what was adopted.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samverka.lib.privacy import validate_no_personal_data
from samverka.tenancy.access import (
    Policy,
    VisibleContent,
    VisibleQuerySet,
)


class PictureStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")


class SituationPictureQuerySet(VisibleQuerySet["SituationPicture"]):
    """The policy is SituationPicture.access_policy."""


class SituationPicture(VisibleContent):
    # Reading follows the picture's visibility; the parties draft it together, so any
    # party's members may change it, and any party's coordinators adopt it.
    access_policy = Policy(changers="agreement__parties", coordinators="agreement__parties")

    """A lägesbild; drafts are shared with the agreement's parties."""

    title = models.CharField(_("title"), max_length=300, validators=[validate_no_personal_data])
    kommun = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="situation_pictures",
        verbose_name=_("municipality"),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    summary = models.TextField(
        _("summary"),
        blank=True,
        validators=[validate_no_personal_data],
        help_text=_("The picture in a few paragraphs: what the parties see and why it matters."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PictureStatus.choices, default=PictureStatus.DRAFT
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_versions",
        verbose_name=_("started from"),
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    decision_reference = models.CharField(
        _("decision reference"),
        max_length=200,
        blank=True,
        help_text=_("The steering group's minutes or the decision's reference number."),
    )
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adopted by"),
    )
    snapshot = models.JSONField(_("frozen figures"), default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SituationPictureQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-period_start", "-version"]
        verbose_name = _("situation picture")
        verbose_name_plural = _("situation pictures")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("situation:detail", args=[self.pk])

    @property
    def is_adopted(self) -> bool:
        return self.status == PictureStatus.ADOPTED


class SourceChoice(models.Model):
    """A source the picture is built on, or one it leaves out and why (Brå's guidance)."""

    picture = models.ForeignKey(
        SituationPicture, on_delete=models.CASCADE, related_name="source_choices"
    )
    dataset = models.ForeignKey(
        "sources.Dataset",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dataset"),
    )
    name = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        validators=[validate_no_personal_data],
        help_text=_("For a source that is not in samverka, e.g. a school survey."),
    )
    included = models.BooleanField(_("used"), default=True)
    reason = models.TextField(
        _("why it is left out"), blank=True, validators=[validate_no_personal_data]
    )

    class Meta:
        ordering = ["picture", "-included", "pk"]
        verbose_name = _("source of a situation picture")
        verbose_name_plural = _("sources of a situation picture")
        constraints = [
            models.UniqueConstraint(
                fields=["picture", "dataset"],
                condition=models.Q(dataset__isnull=False),
                name="situation_source_once",
            )
        ]

    def __str__(self) -> str:
        return self.name or str(self.dataset)


class InputKind(models.TextChoices):
    EMPLOYEE_DIALOGUE = "employee_dialogue", _("Medarbetardialog")
    CITIZEN_DIALOGUE = "citizen_dialogue", _("Medborgardialog")
    POLICE_SUMMARY = "police_summary", _("The police's summary of its intelligence picture")
    OTHER = "other", _("Other qualitative source")


class QualitativeInput(VisibleContent):
    """A qualitative section of the picture, with its own owner and visibility."""

    picture = models.ForeignKey(SituationPicture, on_delete=models.CASCADE, related_name="inputs")
    kind = models.CharField(_("kind"), max_length=32, choices=InputKind.choices)
    title = models.CharField(_("title"), max_length=300, validators=[validate_no_personal_data])
    held_on = models.DateField(_("date"), null=True, blank=True)
    text = models.TextField(_("text"), validators=[validate_no_personal_data])
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["picture", "kind", "pk"]
        verbose_name = _("qualitative input")
        verbose_name_plural = _("qualitative inputs")

    def __str__(self) -> str:
        return self.title


class Criterion(models.TextChoices):
    """Brå's criteria for ranking problems."""

    FREQUENCY = "frequency", _("How common")
    TREND = "trend", _("Rising")
    SIGNAL = "signal", _("Signal value")
    HARM = "harm", _("Harm")
    CONCENTRATION = "concentration", _("Concentrated in place or people")


class Problem(models.Model):
    """A named problem, ranked by Brå's criteria, with its orsaksanalys."""

    picture = models.ForeignKey(SituationPicture, on_delete=models.CASCADE, related_name="problems")
    title = models.CharField(_("problem"), max_length=300, validators=[validate_no_personal_data])
    description = models.TextField(
        _("description"), blank=True, validators=[validate_no_personal_data]
    )
    frequency = models.PositiveSmallIntegerField(_("How common"), default=0)
    trend = models.PositiveSmallIntegerField(_("Rising"), default=0)
    signal = models.PositiveSmallIntegerField(_("Signal value"), default=0)
    harm = models.PositiveSmallIntegerField(_("Harm"), default=0)
    concentration = models.PositiveSmallIntegerField(
        _("Concentrated in place or people"), default=0
    )
    # Orsaksanalys: the problem triangle, and why here and now.
    offender = models.TextField(
        _("offenders: who, and why"), blank=True, validators=[validate_no_personal_data]
    )
    place = models.TextField(
        _("place: where, and what makes it possible"),
        blank=True,
        validators=[validate_no_personal_data],
    )
    target = models.TextField(
        _("targets and victims: who or what, and why"),
        blank=True,
        validators=[validate_no_personal_data],
    )
    why_here_now = models.TextField(
        _("why here and now"), blank=True, validators=[validate_no_personal_data]
    )
    priority_areas = models.ManyToManyField(
        "agreements.PriorityArea",
        blank=True,
        related_name="problems",
        verbose_name=_("priority areas"),
    )

    CRITERIA = ("frequency", "trend", "signal", "harm", "concentration")
    SCALE = 3

    class Meta:
        ordering = ["picture", "pk"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return sum(getattr(self, name) for name in self.CRITERIA)

    @property
    def has_causes(self) -> bool:
        return any((self.offender, self.place, self.target, self.why_here_now))


class FigureKind(models.TextChoices):
    CATEGORIES = "categories", _("Reported events by category")
    MONTHS = "months", _("Events per month")
    WEEKDAY_HOUR = "weekday_hour", _("Weekday and hour")
    HOTSPOTS = "hotspots", _("Hot spots")
    CONCENTRATION = "concentration", _("Concentration")
    SURVEYS = "surveys", _("Survey results")
    EST = "est", _("EST reports")
    STATISTICS = "statistics", _("Reported crimes by category")


class Evidence(models.Model):
    """A figure pinned from the overview, with its filters and its numbers as they were."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="evidence")
    figure = models.CharField(_("figure"), max_length=32, choices=FigureKind.choices)
    filters = models.JSONField(_("filters"), default=dict)
    data = models.JSONField(_("numbers"), default=dict)
    note = models.TextField(_("note"), blank=True, validators=[validate_no_personal_data])
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pinned by"),
    )
    pinned_at = models.DateTimeField(_("pinned"), auto_now_add=True)

    class Meta:
        ordering = ["problem", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.get_figure_display()} ({self.problem})"

    @property
    def html_prefix(self) -> str:
        """Keeps the ids of a pinned figure apart from the overview's on the same page."""
        return f"evidence-{self.pk}-"

    @property
    def cache_key(self) -> str:
        """Identifies the numbers kept: they never change once pinned."""
        return f"evidence:{self.pk}:{self.pinned_at.isoformat() if self.pinned_at else ''}"


class PublishedSummary(VisibleContent):
    """The public summary of an adopted picture, chosen by the coordinator.

    Public output shows no single event's position: grid cells with few events are
    suppressed when the summary is made.
    """

    picture = models.OneToOneField(
        SituationPicture, on_delete=models.CASCADE, related_name="published_summary"
    )
    text = models.TextField(_("public summary"), validators=[validate_no_personal_data])
    figures = models.JSONField(_("published figures"), default=dict, editable=False)

    class Meta:
        verbose_name = _("published summary")
        verbose_name_plural = _("published summaries")

    def __str__(self) -> str:
        return str(self.picture)

    def get_absolute_url(self) -> str:
        return reverse("situation:public", args=[self.pk])


def json_safe(value: Any) -> Any:
    """``value`` with tuples turned into lists, as JSONField gives it back."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value
