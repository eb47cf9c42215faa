"""The samverkansöverenskommelse and what it names: parties, priority areas, forums
and methods, signatories, revisions, and the dated duties of its yearly cycle."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverka.lib.dates import add_months
from samverka.lib.privacy import validate_no_personal_data
from samverka.taxonomy.models import TargetGroup
from samverka.tenancy.access import (
    COORDINATOR_ROLES,
    AnyUser,
    Policy,
    PolicyQuerySet,
    organizations_of,
)

DEFAULT_NOTICE_MONTHS = 6  # the seeds' usual consultation notice


class AgreementStatus(models.TextChoices):
    """The stored state; what a reader sees is :class:`Lifecycle`, derived from the dates."""

    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


class Lifecycle(models.TextChoices):
    DRAFT = "draft", _("Draft")
    UPCOMING = "upcoming", _("Not yet in force")
    IN_FORCE = "in_force", _("In force")
    EXPIRING = "expiring", _("Expiring")
    EXPIRED = "expired", _("Expired")
    REPLACED = "replaced", _("Replaced")


class AgreementQuerySet(PolicyQuerySet["Agreement"]):
    """The policy is the agreement's ``access_policy``: ``visible_to``, ``editable_by`` and
    ``coordinated_by`` come from it."""

    def of_user(self, user: AnyUser) -> AgreementQuerySet:
        """Agreements to which one of the user's organizations is a party (reading roles)."""
        return self.filter(parties__in=organizations_of(user)).distinct()

    def in_force_on(self, day: dt.date) -> AgreementQuerySet:
        return self.filter(
            status=AgreementStatus.SIGNED,
            replaced_by__isnull=True,
            starts_on__lte=day,
            ends_on__gte=day,
        )


class Agreement(models.Model):
    # Parties' members read an agreement; anyone reads it once it is published. Every
    # party's members change it, and its coordinators decide for their party.
    access_policy = Policy(
        content=None,
        parties="parties",
        published="published_at",
        changers="parties",
        coordinators="parties",
    )

    title = models.CharField(_("title"), max_length=300)
    parties = models.ManyToManyField(
        "organizations.Organization",
        through="tenancy.AgreementParty",
        related_name="agreements",
        verbose_name=_("parties"),
    )
    purpose = models.TextField(_("purpose"), blank=True, validators=[validate_no_personal_data])
    vision = models.TextField(_("vision"), blank=True, validators=[validate_no_personal_data])
    overall_goals = models.TextField(
        _("overall goals"),
        blank=True,
        help_text=_("One goal per line."),
        validators=[validate_no_personal_data],
    )
    in_two_parts = models.BooleanField(
        _("in two parts"),
        default=False,
        help_text=_(
            "Part one: how we work together. Part two: what we work on, with which methods."
        ),
    )
    how_we_work = models.TextField(
        _("part one: how we work together"), blank=True, validators=[validate_no_personal_data]
    )
    what_we_work_on = models.TextField(
        _("part two: what we work on and with which methods"),
        blank=True,
        validators=[validate_no_personal_data],
    )
    situation_picture = models.TextField(
        _("lägesbild: how it is made and from which sources"),
        blank=True,
        help_text=_("One source per line, or a paragraph."),
        validators=[validate_no_personal_data],
    )
    follow_up = models.TextField(_("follow-up"), blank=True, validators=[validate_no_personal_data])
    communication = models.TextField(
        _("communication"), blank=True, validators=[validate_no_personal_data]
    )
    starts_on = models.DateField(_("in force from"))
    ends_on = models.DateField(_("in force until"))
    extension_years = models.PositiveSmallIntegerField(
        _("can be extended by (years at a time)"), null=True, blank=True
    )
    consultation_months = models.PositiveSmallIntegerField(
        _("consultation at the latest (months before the end)"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="agreement_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreements:detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The agreement cannot end before it starts.")})
        if self.replaced_by_id is not None and self.replaced_by_id == self.pk:
            raise ValidationError({"replaced_by": _("An agreement cannot replace itself.")})

    @property
    def consultation_deadline(self) -> dt.date | None:
        """The last day for consulting on an extension, if the agreement names a notice."""
        if self.consultation_months is None:
            return None
        return add_months(self.ends_on, -self.consultation_months)

    @property
    def expiry_notice_starts(self) -> dt.date:
        """From this day the agreement counts as expiring."""
        months = self.consultation_months or DEFAULT_NOTICE_MONTHS
        return add_months(self.ends_on, -months)

    def lifecycle(self, today: dt.date | None = None) -> Lifecycle:
        today = today or timezone.localdate()
        if self.status == AgreementStatus.DRAFT:
            return Lifecycle.DRAFT
        if self.replaced_by_id is not None:
            return Lifecycle.REPLACED
        if today < self.starts_on:
            return Lifecycle.UPCOMING
        if today > self.ends_on:
            return Lifecycle.EXPIRED
        if today >= self.expiry_notice_starts:
            return Lifecycle.EXPIRING
        return Lifecycle.IN_FORCE

    @property
    def lifecycle_now(self) -> Lifecycle:
        return self.lifecycle()

    @property
    def goals_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.overall_goals.splitlines() if line.strip()]


class PriorityArea(models.Model):
    """A prioriterat område / samverkansområde / satsningsområde."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="priority_areas"
    )
    title = models.CharField(_("title"), max_length=300, validators=[validate_no_personal_data])
    description = models.TextField(
        _("description"), blank=True, validators=[validate_no_personal_data]
    )
    categories = models.ManyToManyField(
        "taxonomy.Category",
        blank=True,
        related_name="priority_areas",
        verbose_name=_("categories"),
    )
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["agreement", "position", "pk"]
        verbose_name = _("priority area")
        verbose_name_plural = _("priority areas")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        unknown = set(self.target_groups or []) - set(TargetGroup.values)
        if unknown:
            raise ValidationError({"target_groups": _("Unknown target group.")})

    @property
    def target_group_labels(self) -> list[str]:
        labels = dict(TargetGroup.choices)
        return [str(labels[g]) for g in self.target_groups if g in labels]


class ForumKind(models.TextChoices):
    STEERING_GROUP = "steering_group", _("Steering group (local crime prevention council)")
    FRIDAY_MEETING = "friday_meeting", _("Friday meeting")
    EST = "est", _("EST (effective coordination for safety)")
    SSPF = "sspf", _("SSPF (school, social services, police, leisure)")
    TISTEL = "tistel", _("Tistel (labour and economic crime)")
    NEIGHBOURHOOD_WATCH = "neighbourhood_watch", _("Neighbourhood watch (Grannsamverkan)")
    BOAT_WATCH = "boat_watch", _("Boat watch (Båtsamverkan)")
    SCHOOL_LEADERSHIP = "school_leadership", _("Meetings with school leadership")
    COMMUNITY_POLICE = "community_police", _("Community police officer")
    OTHER = "other", _("Other forum or method")


# Forums that work with individual cases: they hold aggregate numbers only, never people.
AGGREGATE_ONLY_KINDS = (ForumKind.SSPF, ForumKind.TISTEL)


class Forum(models.Model):
    """A forum or method the agreement names, with who coordinates it and who takes part."""

    # Its meetings and decisions are the parties' own: read by the members of the
    # agreement's parties only (not by anyone once the agreement is published).
    access_policy = Policy(
        content=None,
        parties="agreement__parties",
        changers="agreement__parties",
        coordinators="agreement__parties",
    )

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="forums")
    kind = models.CharField(_("kind"), max_length=32, choices=ForumKind.choices)
    name = models.CharField(_("name"), max_length=200, validators=[validate_no_personal_data])
    description = models.TextField(
        _("description"), blank=True, validators=[validate_no_personal_data]
    )
    coordinator = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coordinating organization"),
    )
    participants = models.ManyToManyField(
        "organizations.Organization",
        blank=True,
        related_name="forums",
        verbose_name=_("organizations taking part"),
    )
    meeting_rule = models.CharField(
        _("meeting rule"),
        max_length=200,
        blank=True,
        help_text=_("As the agreement says it, e.g. “at least once a year”, “every Friday”."),
    )
    meetings_per_year = models.PositiveSmallIntegerField(
        _("meetings per year, at least"), null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["agreement", "position", "pk"]
        verbose_name = _("forum or method")
        verbose_name_plural = _("forums and methods")

    def __str__(self) -> str:
        return self.name

    @property
    def aggregate_only(self) -> bool:
        return self.kind in AGGREGATE_ONLY_KINDS


class ForumYear(models.Model):
    """Aggregate numbers of a forum for one year: never names or cases."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    meetings_held = models.PositiveSmallIntegerField(_("meetings held"), default=0)
    cases = models.PositiveIntegerField(
        _("cases or people handled (a count only)"), null=True, blank=True
    )

    class Meta:
        ordering = ["forum", "-year"]
        verbose_name = _("year's figures")
        verbose_name_plural = _("years' figures")
        constraints = [models.UniqueConstraint(fields=["forum", "year"], name="forum_year_once")]

    def __str__(self) -> str:
        return f"{self.forum} {self.year}"


class Signatory(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("job title"), max_length=200)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    place = models.CharField(_("place"), max_length=100, blank=True)
    signed_on = models.DateField(_("date"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["agreement", "position", "pk"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self) -> str:
        return f"{self.name}, {self.title}"


class Revision(models.Model):
    """A dated version of the agreement: what it said then, and a summary of the change."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("number"))
    made_on = models.DateField(_("date"))
    summary = models.TextField(_("summary of the change"), validators=[validate_no_personal_data])
    snapshot = models.JSONField(_("content"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["agreement", "-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="revision_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.agreement} – {_('version')} {self.number} ({self.made_on:%Y-%m-%d})"


class DutyKind(models.TextChoices):
    SITUATION_PICTURE = "situation_picture", _("Update the lägesbild")
    FOLLOW_UP = "follow_up", _("Yearly follow-up")
    CITIZEN_PROMISE = "citizen_promise", _("Adopt next year's medborgarlöfte")
    CONSULTATION = "consultation", _("Consult on extending the agreement")
    EVALUATION = "evaluation", _("Evaluate before a new agreement")


class DutyQuerySet(models.QuerySet["Duty"]):
    def open(self) -> DutyQuerySet:
        return self.filter(done_on__isnull=True)

    def overdue(self, today: dt.date | None = None) -> DutyQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def of_user(self, user: AnyUser) -> DutyQuerySet:
        return self.filter(agreement__in=Agreement.objects.of_user(user).values("pk"))


class Duty(models.Model):
    """A dated duty of the yearly cycle (årshjul), derived from the agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="duties")
    kind = models.CharField(_("duty"), max_length=32, choices=DutyKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    due_on = models.DateField(_("due"))
    due_on_set_by_hand = models.BooleanField(default=False, editable=False)
    done_on = models.DateField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    reminded_on = models.DateField(_("last reminded"), null=True, blank=True, editable=False)

    objects = DutyQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "kind"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "kind", "year"], name="duty_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.done_on is None and self.due_on < (today or timezone.localdate())

    @property
    def overdue_now(self) -> bool:
        return self.is_overdue()


# What the parties signed: changing any of these, or the parties, needs every party.
JOINT_FIELDS = (
    "title",
    "starts_on",
    "ends_on",
    "extension_years",
    "consultation_months",
    "purpose",
    "vision",
    "overall_goals",
    "in_two_parts",
    "how_we_work",
    "what_we_work_on",
    "situation_picture",
    "follow_up",
    "communication",
)


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the other parties")
    APPLIED = "applied", _("Accepted by every party and applied")
    REJECTED = "rejected", _("Rejected by a party")
    WITHDRAWN = "withdrawn", _("Withdrawn by the proposing party")


class ChangeProposal(models.Model):
    """A change of a joint agreement's parties, period or signed text, proposed by a
    coordinator of one party; it is applied only when every party it asks has accepted.

    Read by the agreement's parties and by the coordinators of a party asked to join;
    answered (coordinated) by the coordinators of the parties asked."""

    access_policy = Policy(
        content=None,
        parties="agreement__parties",
        also_readers=(("asked", COORDINATOR_ROLES),),
        changers="proposing_party",
        coordinators="asked",
    )

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="change_proposals"
    )
    proposing_party = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by (party)"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    asked = models.ManyToManyField(
        "organizations.Organization",
        related_name="+",
        verbose_name=_("parties asked"),
        help_text=_("Every party before and after the change; each must accept."),
    )
    reason = models.TextField(
        _("why the change"), blank=True, validators=[validate_no_personal_data]
    )
    current = models.JSONField(_("the agreement when proposed"), default=dict)
    proposed = models.JSONField(_("the agreement as proposed"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "-created_at", "-pk"]
        verbose_name = _("proposed change of an agreement")
        verbose_name_plural = _("proposed changes of agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status="pending"),
                name="one_pending_change_per_agreement",
            )
        ]

    def __str__(self) -> str:
        return _("Proposed change of “%(agreement)s”") % {"agreement": self.agreement}

    def get_absolute_url(self) -> str:
        return reverse(
            "agreements:proposal_detail",
            kwargs={"pk": self.agreement_id, "proposal_pk": self.pk},
        )

    @property
    def is_pending(self) -> bool:
        return self.status == ProposalStatus.PENDING


class ProposalAnswer(models.Model):
    """One party's answer to a proposed change, given by one of its coordinators."""

    proposal = models.ForeignKey(ChangeProposal, on_delete=models.CASCADE, related_name="answers")
    party = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("party"),
    )
    accepted = models.BooleanField(_("accepted"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), auto_now_add=True)

    class Meta:
        ordering = ["proposal", "answered_at", "pk"]
        verbose_name = _("answer to a proposed change")
        verbose_name_plural = _("answers to proposed changes")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "party"], name="one_answer_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.party}: {self.accepted}"


class ReadingStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Reading")
    DONE = "done", _("Read")
    FAILED = "failed", _("Failed")


class AgreementReading(models.Model):
    """An uploaded agreement (Word or PDF) read by the background worker, never in the web
    request: a large or hostile file costs the worker's memory and time, not a web
    worker's. What was read waits here for its uploader's review."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=300)
    stored_path = models.CharField(max_length=500, editable=False)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReadingStatus.choices, default=ReadingStatus.QUEUED
    )
    message = models.TextField(_("message"), blank=True)
    parsed = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("agreement being read")
        verbose_name_plural = _("agreements being read")

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("agreements:import_reading", kwargs={"pk": self.pk})
