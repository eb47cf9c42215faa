"""The medborgarlöfte: what the Police and the kommun promise the residents for a period,
built on an adopted lägesbild and its agreement, commitment by commitment.

A :class:`CitizenPromise` belongs to an agreement, a kommun and its lokalpolisområde (its
two ``parties``); while a draft it is shared with the agreement's parties, once published
it is public. Each :class:`Commitment` has a giver (Polisen, kommunen, both, or another
party of the agreement), whose members alone change it, and links to the plan's measures
and goals that carry it out; the follow-up judges it from them
(:mod:`samverka.promises.followup`). Each party's coordinator approves the promise
(:class:`PromiseApproval`); any change after an approval clears the approvals.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samverka.tenancy.access import Policy, PolicyQuerySet, VisibleContent, VisibleQuerySet
from samverka.tenancy.models import PartyApproval


class PromiseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AGREED = "agreed", _("Agreed by both parties")
    ADOPTED = "adopted", _("Adopted by the steering group")
    PUBLISHED = "published", _("Published")
    FOLLOWED_UP = "followed_up", _("Followed up")
    CLOSED = "closed", _("Closed")


# The states in which the text may still change (a change clears the approvals).
OPEN_STATES = (PromiseStatus.DRAFT, PromiseStatus.AGREED)
# The states in which the promise is public.
PUBLIC_STATES = (PromiseStatus.PUBLISHED, PromiseStatus.FOLLOWED_UP, PromiseStatus.CLOSED)


class CitizenPromiseQuerySet(VisibleQuerySet["CitizenPromise"]):
    """The policy is CitizenPromise.access_policy."""


class CitizenPromise(VisibleContent):
    # Read as content (shared while a draft, public once published); changed by the
    # members of its two parties, the kommun and the police, coordinated by theirs.
    access_policy = Policy(changers="parties", coordinators="parties")

    title = models.CharField(_("title"), max_length=300)
    kommun = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="citizen_promises",
        verbose_name=_("municipality"),
    )
    police = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="police_citizen_promises",
        verbose_name=_("local police area"),
    )
    parties = models.ManyToManyField(
        "organizations.Organization",
        related_name="+",
        verbose_name=_("parties of the promise"),
    )
    situation_picture = models.ForeignKey(
        "situation.SituationPicture",
        on_delete=models.PROTECT,
        related_name="citizen_promises",
        verbose_name=_("situation picture"),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    background = models.TextField(
        _("background"),
        blank=True,
        help_text=_(
            "In plain language: which problems the lägesbild found, and from which evidence."
        ),
    )
    problems = models.ManyToManyField(
        "situation.Problem",
        blank=True,
        related_name="citizen_promises",
        verbose_name=_("problems of the lägesbild"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PromiseStatus.choices, default=PromiseStatus.DRAFT
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    decision_reference = models.CharField(_("decision reference"), max_length=200, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adoption recorded by"),
    )
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True)
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

    objects = CitizenPromiseQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-period_start", "title"]
        verbose_name = _("citizen promise")
        verbose_name_plural = _("citizen promises")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("promises:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATES and self.published_at is not None


class PromiseApproval(PartyApproval):
    """A party's coordinator approved the promise's text as it stood then."""

    promise = models.ForeignKey(CitizenPromise, on_delete=models.CASCADE, related_name="approvals")

    class Meta:
        ordering = ["promise", "approved_on"]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            models.UniqueConstraint(fields=["promise", "party"], name="promise_approval_once")
        ]


class Giver(models.TextChoices):
    POLICE = "police", _("The Police")
    KOMMUN = "kommun", _("The municipality")
    BOTH = "both", _("The Police and the municipality together")
    OTHER = "other", _("Another party")


class Judgement(models.TextChoices):
    KEPT = "kept", _("Kept")
    PARTLY = "partly", _("Partly kept")
    NOT_KEPT = "not_kept", _("Not kept")
    TOO_EARLY = "too_early", _("Too early to tell")


class CommitmentQuerySet(PolicyQuerySet["Commitment"]):
    """The policy is Commitment.access_policy."""


class Commitment(models.Model):
    """One promise of the medborgarlöfte: who gives it, its words, where or for whom, what
    it answers, and the measures and goals of the plan that carry it out."""

    # Read as its promise is read; changed by the members of the parties giving it (both
    # parties' members for a joint commitment).
    access_policy = Policy(content="promise__", changers="parties", coordinators="parties")

    promise = models.ForeignKey(
        CitizenPromise, on_delete=models.CASCADE, related_name="commitments"
    )
    giver = models.CharField(_("given by"), max_length=16, choices=Giver.choices)
    other_party = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("other party"),
    )
    parties = models.ManyToManyField(
        "organizations.Organization",
        related_name="+",
        verbose_name=_("giving parties"),
    )
    text = models.TextField(_("the promise"))
    place = models.CharField(
        _("place or group"),
        max_length=300,
        blank=True,
        help_text=_("Where, or for whom: e.g. “Centrum kvällstid” or “unga 13–17 år”."),
    )
    priority_area = models.ForeignKey(
        "agreements.PriorityArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("priority area"),
    )
    problem = models.ForeignKey(
        "situation.Problem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("problem"),
    )
    measures = models.ManyToManyField(
        "plans.Measure", blank=True, related_name="commitments", verbose_name=_("measures")
    )
    goals = models.ManyToManyField(
        "plans.Goal", blank=True, related_name="commitments", verbose_name=_("goals")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    judgement = models.CharField(
        _("judgement"), max_length=16, choices=Judgement.choices, blank=True
    )
    suggested = models.CharField(
        _("judgement from the plan"), max_length=16, choices=Judgement.choices, blank=True
    )
    explanation = models.TextField(
        _("public explanation"),
        blank=True,
        help_text=_("A few sentences for the residents: what was done, and what came of it."),
    )
    judged_on = models.DateField(_("judged on"), null=True, blank=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["promise", "position", "pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self) -> str:
        return self.text[:80]

    def giver_label(self) -> str:
        if self.giver == Giver.OTHER and self.other_party is not None:
            return str(self.other_party)
        return str(self.get_giver_display())
