"""Meetings and decisions: every forum of an agreement (the steering group, the
fredagsmöte, the EST group, SSPF, Tistel, …) holds meetings with an agenda, the
organizations present (and the users who say they were there), notes, **decisions** and
**actions** (what, which organization owns it, by when, and what it concerns), followed up
at the next meeting: an open action is carried onto the next agenda until it is marked
done.

A meeting and all it holds is read by the parties of the forum's agreement only, and
changed by their writing members (:attr:`Meeting.access_policy`). Every text is screened
for personal data: SSPF and Tistel work with individual cases, and their minutes must
never name anyone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samverka.lib.privacy import validate_no_personal_data
from samverka.tenancy.access import Policy, PolicyQuerySet

PARTIES = "forum__agreement__parties"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held (minutes recorded)")


class MeetingQuerySet(PolicyQuerySet["Meeting"]):
    """The policy is Meeting.access_policy."""


class Meeting(models.Model):
    # Read by the members of the forum's agreement's parties, never anyone else; changed
    # by their writing members.
    access_policy = Policy(content=None, parties=PARTIES, changers=PARTIES, coordinators=PARTIES)

    forum = models.ForeignKey(
        "agreements.Forum",
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("forum"),
    )
    held_on = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    organizations_present = models.ManyToManyField(
        "organizations.Organization",
        blank=True,
        related_name="+",
        verbose_name=_("organizations present"),
    )
    users_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("users who were present"),
    )
    notes = models.TextField(_("notes"), blank=True, validators=[validate_no_personal_data])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["forum", "-held_on", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.forum} {self.held_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD


MEETING_PARTIES = f"meeting__{PARTIES}"
AS_MEETING = Policy(
    content=None, parties=MEETING_PARTIES, changers=MEETING_PARTIES, coordinators=MEETING_PARTIES
)


class Action(models.Model):
    """What a meeting asked an organization to do, by when; open until marked done."""

    access_policy = AS_MEETING

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="actions", verbose_name=_("meeting")
    )
    text = models.TextField(_("what"), validators=[validate_no_personal_data])
    owner = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owned by"),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    sub_area = models.ForeignKey(
        "organizations.SubArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place or sub-area"),
    )
    problem = models.ForeignKey(
        "situation.Problem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("problem of the lägesbild"),
    )
    measure = models.ForeignKey(
        "plans.Measure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("measure of the plan"),
    )
    promise = models.ForeignKey(
        "promises.CitizenPromise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("citizen promise"),
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_at = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions_followed_up",
        verbose_name=_("followed up at"),
    )
    outcome = models.TextField(_("outcome"), blank=True, validators=[validate_no_personal_data])
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_open(self) -> bool:
        return self.done_on is None

    def links(self) -> list[tuple[str, str]]:
        """(what, name) of what the action concerns."""
        pairs = [
            (_("Place or sub-area"), self.sub_area),
            (_("Problem"), self.problem),
            (_("Measure"), self.measure),
            (_("Citizen promise"), self.promise),
        ]
        return [(str(label), str(target)) for label, target in pairs if target is not None]


class AgendaKind(models.TextChoices):
    ITEM = "item", _("Item")
    OPEN_ACTION = "open_action", _("Follow-up of an open action")
    REFERRAL = "referral", _("Sent to the steering group")


class AgendaItem(models.Model):
    access_policy = AS_MEETING

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("meeting")
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=AgendaKind.choices, default=AgendaKind.ITEM
    )
    title = models.CharField(_("item"), max_length=300, validators=[validate_no_personal_data])
    url = models.CharField(
        _("link"), max_length=300, blank=True, validators=[validate_no_personal_data]
    )
    action = models.ForeignKey(
        Action,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("open action"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """A decision of a meeting (a §), and what it adopted or approved, if anything."""

    access_policy = AS_MEETING

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    number = models.PositiveSmallIntegerField(_("§"))
    text = models.TextField(_("decision"), validators=[validate_no_personal_data])
    decided_on = models.DateField(_("decided on"))
    adopts_picture = models.ForeignKey(
        "situation.SituationPicture",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adopted situation picture"),
    )
    approves_follow_up = models.ForeignKey(
        "plans.FollowUp",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved follow-up"),
    )
    adopts_promise = models.ForeignKey(
        "promises.CitizenPromise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adopted citizen promise"),
    )

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "number", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="decision_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.text[:80]}"

    @property
    def reference(self) -> str:
        return f"{self.meeting.forum.name} {self.meeting.held_on:%Y-%m-%d} § {self.number}"

    def adopted(self) -> models.Model | None:
        return self.adopts_picture or self.approves_follow_up or self.adopts_promise
