"""The åtgärdsplan: priority areas → problems → SMART goals → measures, and its follow-up.

An :class:`ActionPlan` belongs to an agreement and builds on an adopted lägesbild. Its
:class:`Goal` s carry an indicator, either computed from the evidence (events of a
category in an area, counted or per 100 000 inhabitants, or a survey share) or entered
by hand (:class:`IndicatorReading`), with a baseline, a target and a deadline. Its
:class:`Measure` s say who does what, when, against which cause, by which method.
A :class:`FollowUp` freezes the plan's state on a date when the steering group approves
it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samverka.lib.privacy import validate_no_personal_data
from samverka.tenancy.access import (
    Policy,
    PolicyQuerySet,
    VisibleContent,
    VisibleQuerySet,
)


class ActionPlanQuerySet(VisibleQuerySet["ActionPlan"]):
    """The policy is ActionPlan.access_policy."""


class ActionPlan(VisibleContent):
    # The parties draft the plan together: any party's members may change it.
    access_policy = Policy(changers="agreement__parties", coordinators="agreement__parties")

    title = models.CharField(_("title"), max_length=300, validators=[validate_no_personal_data])
    kommun = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="action_plans",
        verbose_name=_("municipality"),
    )
    situation_picture = models.ForeignKey(
        "situation.SituationPicture",
        on_delete=models.PROTECT,
        related_name="action_plans",
        verbose_name=_("situation picture"),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
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

    objects = ActionPlanQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-period_start", "title"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.pk])


class IndicatorKind(models.TextChoices):
    EVENTS = "events", _("Number of events")
    RATE = "rate", _("Events per 100 000 inhabitants")
    SURVEY = "survey", _("Share in a survey")
    MANUAL = "manual", _("Entered by hand")
    STATISTICS = "statistics", _("Number of reported crimes according to Brå")
    STATISTICS_RATE = (
        "statistics_rate",
        _("Reported crimes per 100 000 inhabitants according to Brå"),
    )


# The indicators counted from reported-crime statistics (never from events).
STATISTICS_INDICATORS = (IndicatorKind.STATISTICS, IndicatorKind.STATISTICS_RATE)


class Direction(models.TextChoices):
    DECREASE = "decrease", _("Decrease")
    INCREASE = "increase", _("Increase")


class Goal(models.Model):
    """An operational goal with its indicator (SMART: specific, measurable, accepted,
    realistic, time-bound)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=300, validators=[validate_no_personal_data])
    problem = models.ForeignKey(
        "situation.Problem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("problem"),
    )
    priority_area = models.ForeignKey(
        "agreements.PriorityArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("priority area"),
    )
    owner = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible organization"),
    )
    indicator = models.CharField(
        _("indicator"), max_length=16, choices=IndicatorKind.choices, default=IndicatorKind.EVENTS
    )
    category = models.CharField(
        _("category"),
        max_length=64,
        blank=True,
        help_text=_("A main category or a subcategory of the common taxonomy."),
    )
    sub_area = models.ForeignKey(
        "organizations.SubArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    survey_question = models.CharField(_("survey question"), max_length=300, blank=True)
    unit = models.CharField(
        _("unit"),
        max_length=100,
        blank=True,
        help_text=_(
            "For an indicator entered by hand, e.g. “meetings held” or "
            "“share of schools with a safety plan”."
        ),
    )
    direction = models.CharField(
        _("the goal is a"), max_length=16, choices=Direction.choices, default=Direction.DECREASE
    )
    baseline_start = models.DateField(_("baseline from"), null=True, blank=True)
    baseline_end = models.DateField(_("baseline until"), null=True, blank=True)
    baseline_value = models.FloatField(_("baseline"), null=True, blank=True)
    # The count (events, rate) or the respondents (survey) behind a computed baseline.
    baseline_basis = models.PositiveIntegerField(null=True, blank=True, editable=False)
    baseline_set_on = models.DateField(_("baseline computed on"), null=True, blank=True)
    target_value = models.FloatField(_("target"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    continues = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continued_by",
        editable=False,
        verbose_name=_("continues the goal"),
    )

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.title

    @property
    def is_computed(self) -> bool:
        return self.indicator != IndicatorKind.MANUAL

    def missing(self) -> list[str]:
        """What keeps the goal from being SMART, in words for the page."""
        gaps = []
        if self.indicator == IndicatorKind.MANUAL and not self.unit:
            gaps.append(str(_("a measurable indicator (the unit of what is counted)")))
        if self.indicator == IndicatorKind.SURVEY and not self.survey_question:
            gaps.append(str(_("a measurable indicator (the survey question)")))
        if self.is_computed and (self.baseline_start is None or self.baseline_end is None):
            gaps.append(str(_("a baseline period")))
        if self.baseline_value is None:
            gaps.append(str(_("a baseline value")))
        if self.target_value is None:
            gaps.append(str(_("a target")))
        if self.deadline is None:
            gaps.append(str(_("a deadline")))
        if self.owner_id is None:
            gaps.append(str(_("an owner")))
        return gaps


class IndicatorReading(models.Model):
    """A value of a goal's hand-entered indicator on a date."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="readings")
    measured_on = models.DateField(_("date"))
    value = models.FloatField(_("value"))
    note = models.CharField(
        _("note"), max_length=300, blank=True, validators=[validate_no_personal_data]
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )

    class Meta:
        ordering = ["goal", "-measured_on", "-pk"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")

    def __str__(self) -> str:
        return f"{self.goal}: {self.value} ({self.measured_on})"


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    PAUSED = "paused", _("Paused")
    CANCELLED = "cancelled", _("Cancelled")


class Method(models.TextChoices):
    NEIGHBOURHOOD_WATCH = "grannsamverkan", _("Grannsamverkan")
    BOAT_WATCH = "batsamverkan", _("Båtsamverkan")
    EST = "est", _("EST (Effektiv samordning för trygghet)")
    SSPF = "sspf", _("SSPF (skola, socialtjänst, polis, fritid)")
    SAFETY_WALK = "trygghetsvandring", _("Trygghetsvandring")
    CAMERA = "kamera", _("Kameraövervakning")
    LIGHTING = "belysning", _("Belysning och röjning")
    PATROL = "patrol", _("Riktad polisiär närvaro")
    COMMUNICATION = "communication", _("Information och kommunikation")
    OTHER = "other", _("Other")


class Recurrence(models.TextChoices):
    ONCE = "", _("Once")
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every quarter")
    YEARLY = "yearly", _("Every year")


class MeasureQuerySet(PolicyQuerySet["Measure"]):
    """The policy is Measure.access_policy."""


class Measure(models.Model):
    """An åtgärd: what, against which cause, who is responsible, who takes part, when."""

    # Read as its plan is read; changed by the members of its responsible organization only.
    # Its responsible organization may also show it on the kommun's public page (``public``).
    access_policy = Policy(
        content="plan__", changers="responsible", coordinators="responsible", public_flag="public"
    )

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField(_("measure"), max_length=300, validators=[validate_no_personal_data])
    description = models.TextField(
        _("description"), blank=True, validators=[validate_no_personal_data]
    )
    goals = models.ManyToManyField(
        Goal, blank=True, related_name="measures", verbose_name=_("goals")
    )
    problem = models.ForeignKey(
        "situation.Problem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("problem"),
    )
    cause = models.CharField(
        _("cause it addresses"),
        max_length=300,
        blank=True,
        validators=[validate_no_personal_data],
    )
    responsible = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="responsible_measures",
        verbose_name=_("responsible organization"),
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_measures",
        verbose_name=_("responsible person"),
    )
    participants = models.ManyToManyField(
        "organizations.Organization",
        blank=True,
        related_name="participating_measures",
        verbose_name=_("participating organizations"),
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    recurrence = models.CharField(
        _("recurs"), max_length=16, choices=Recurrence.choices, default="", blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    public = models.BooleanField(
        _("shown on the public page"),
        default=False,
        help_text=_(
            "Residents see the measure, its dates and its status on the kommun's public page."
        ),
    )
    progress_note = models.TextField(
        _("latest report"), blank=True, validators=[validate_no_personal_data]
    )
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    method = models.CharField(
        _("method"), max_length=32, choices=Method.choices, default=Method.OTHER
    )
    evidence_base = models.TextField(
        _("what is known of the method's effect"),
        blank=True,
        validators=[validate_no_personal_data],
    )
    treated_area = models.ForeignKey(
        "organizations.SubArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area of the measure"),
    )
    comparison_area = models.ForeignKey(
        "organizations.SubArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("comparison area"),
    )
    evaluation_category = models.CharField(_("category evaluated"), max_length=64, blank=True)
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    continues = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continued_by",
        editable=False,
        verbose_name=_("continues the measure"),
    )

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "starts_on", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:measure", args=[self.plan_id, self.pk])


class MeasureReport(models.Model):
    """A report of a measure's progress: its history, so that a follow-up at an earlier
    date shows the measure as it was reported then."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="reports")
    reported_on = models.DateField(_("reported on"))
    status = models.CharField(_("status"), max_length=16, choices=MeasureStatus.choices)
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    note = models.TextField(_("report"), blank=True, validators=[validate_no_personal_data])
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )

    class Meta:
        ordering = ["measure", "-reported_on", "-pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.measure} {self.reported_on}"


class FollowUpStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent to the steering group")
    APPROVED = "approved", _("Approved by the steering group")


class FollowUp(models.Model):
    """A yearly follow-up of the plan on a date. Its numbers are frozen when it is sent to
    the steering group (what the group reads is what it approves), or else on approval."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="follow_ups")
    as_of = models.DateField(_("as of"))
    comments = models.TextField(
        _("the team's comments"), blank=True, validators=[validate_no_personal_data]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.DRAFT
    )
    sent_on = models.DateField(_("sent to the steering group on"), null=True, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    decision_reference = models.CharField(_("decision reference"), max_length=200, blank=True)
    snapshot = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "-as_of"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.plan} ({self.as_of})"

    @property
    def is_approved(self) -> bool:
        return self.status == FollowUpStatus.APPROVED

    @property
    def is_sent(self) -> bool:
        return self.status == FollowUpStatus.SENT
