"""The communication plan (kommunikationsplan): per agreement and year, what the parties
tell whom, through which channel, when and by whom, linked to the medborgarlöfte, the
lägesbild's problems and the plan's measures it is about.

The seeds: "Polisen och kommunen ansvarar gemensamt för att kommunicera kring
samverkansöverenskommelsen och medborgarlöftet"; each party answers for its own internal
information, while "Parterna ska samverka kring den externa informationen såsom
pressmeddelanden, presskonferens och information" (seed 000). So an activity of *external
information* needs the approval of both parties (each one's coordinator: the
municipality's and the police's) before it is marked sent, and any change after an
approval clears the approvals. "Enskilda men överensstämmande kommunikationsplaner" (seed
003): every party writes its own activities in the one plan, the joint ones both write.

Reading: the agreement's parties. Changing: the members of the party carrying out the
activity (both parties' for a joint one).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samverka.tenancy.access import Policy, PolicyQuerySet
from samverka.tenancy.models import PartyApproval


class Channel(models.TextChoices):
    PRESS_RELEASE = "press_release", _("Press release")
    PRESS_CONFERENCE = "press_conference", _("Press conference")
    SOCIAL_MEDIA = "social_media", _("Social media")
    WEBSITE = "website", _("Website")
    MEETING = "meeting", _("Meeting")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Other channel")


# The channels that are external information by nature (the form proposes "external").
EXTERNAL_CHANNELS = (Channel.PRESS_RELEASE, Channel.PRESS_CONFERENCE)

MONTHS = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]


class CommunicationPlanQuerySet(PolicyQuerySet["CommunicationPlan"]):
    """The policy is CommunicationPlan.access_policy."""


class CommunicationPlan(models.Model):
    """The communication plan of one agreement for one year: the activities' frame."""

    # The agreement's parties read and write it; each party writes its own activities.
    access_policy = Policy(
        content=None,
        parties="agreement__parties",
        changers="agreement__parties",
        coordinators="agreement__parties",
    )

    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.CASCADE,
        related_name="communication_plans",
        verbose_name=_("agreement"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CommunicationPlanQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "-year"]
        verbose_name = _("communication plan")
        verbose_name_plural = _("communication plans")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year"], name="communication_plan_once")
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("communication:plan", args=[self.agreement_id, self.year])


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    SENT = "sent", _("Sent")


class ActivityQuerySet(PolicyQuerySet["Activity"]):
    """The policy is Activity.access_policy."""


class Activity(models.Model):
    """One activity of the communication plan: a message, to whom, through which channel,
    by which party (or both), when, and what it is about."""

    # The agreement's parties read it; the members of the parties carrying it out change
    # it; the coordinators of the agreement's parties approve external information.
    access_policy = Policy(
        content=None,
        parties="plan__agreement__parties",
        changers="parties",
        coordinators="plan__agreement__parties",
    )

    plan = models.ForeignKey(CommunicationPlan, on_delete=models.CASCADE, related_name="activities")
    message = models.TextField(
        _("message"), help_text=_("What the residents or the recipients are told.")
    )
    target_group = models.CharField(
        _("target group"),
        max_length=300,
        help_text=_("To whom: e.g. “boende i Centrum”, “lokala medier”, “skolpersonal”."),
    )
    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices)
    channel_detail = models.CharField(
        _("channel, in detail"),
        max_length=200,
        blank=True,
        help_text=_("E.g. which website or meeting; required for “Other channel”."),
    )
    joint = models.BooleanField(
        _("joint activity"),
        default=False,
        help_text=_("Carried out by the municipality and the police together."),
    )
    party = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("carried out by"),
    )
    parties = models.ManyToManyField(
        "organizations.Organization", related_name="+", verbose_name=_("responsible parties")
    )
    external = models.BooleanField(
        _("external information"),
        default=False,
        help_text=_(
            "Information to the public or the media (press release, press conference, …): "
            "both parties approve it before it is sent."
        ),
    )
    on = models.DateField(_("date"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(_("month"), choices=MONTHS, null=True, blank=True)
    promise = models.ForeignKey(
        "promises.CitizenPromise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communication_activities",
        verbose_name=_("citizen promise"),
    )
    problem = models.ForeignKey(
        "situation.Problem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communication_activities",
        verbose_name=_("problem of the lägesbild"),
    )
    measure = models.ForeignKey(
        "plans.Measure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communication_activities",
        verbose_name=_("measure of the plan"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "month", "on", "pk"]
        verbose_name = _("communication activity")
        verbose_name_plural = _("communication activities")

    def __str__(self) -> str:
        return self.message[:80]

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#activity-{self.pk}"

    @property
    def is_sent(self) -> bool:
        return self.status == ActivityStatus.SENT

    def when_month(self) -> int | None:
        """The month of the activity: its date's, else the month given."""
        return self.on.month if self.on else self.month

    def by_label(self) -> str:
        if self.joint:
            return str(_("The municipality and the police together"))
        return str(self.party) if self.party else ""


class ActivityApproval(PartyApproval):
    """A party's coordinator approved the external information as it stood then."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="approvals")

    class Meta:
        ordering = ["activity", "approved_on"]
        verbose_name = _("approval of a communication activity")
        verbose_name_plural = _("approvals of communication activities")
        constraints = [
            models.UniqueConstraint(fields=["activity", "party"], name="activity_approval_once")
        ]
