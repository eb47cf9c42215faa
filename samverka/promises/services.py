"""The medborgarlöfte's lifecycle, one transaction each: start → commitments → approved by
each party's coordinator (agreed) → adopted by the steering group (fulfils the årshjul's
duty) → published → followed up → closed. Every save is recorded by the audit recorder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverka.accounts.models import User
from samverka.agreements import steering
from samverka.agreements.models import Duty, DutyKind
from samverka.organizations.models import Organization, OrganizationKind
from samverka.plans.models import Goal, Measure
from samverka.promises import followup
from samverka.promises.models import (
    CitizenPromise,
    Commitment,
    Giver,
    PromiseApproval,
    PromiseStatus,
)
from samverka.situation.models import Problem, SituationPicture
from samverka.tenancy.access import (
    COORDINATOR_ROLES,
    WRITE_ROLES,
    Visibility,
    organization_ids_of,
    organizations_of,
)


def police_of(picture: SituationPicture) -> Organization | None:
    """The lokalpolisområde of the picture's agreement that covers its kommun (else the
    agreement's only one)."""
    lpos = Organization.objects.filter(
        agreements=picture.agreement_id, kind=OrganizationKind.LOCAL_POLICE_AREA
    ).order_by("name")
    return lpos.filter(covers=picture.kommun_id).first() or lpos.first()


def _ensure_open(promise: CitizenPromise) -> None:
    if not promise.is_open:
        raise ValidationError(
            _("An adopted promise is not changed: start next period's promise instead.")
        )


def _clear_approvals(promise: CitizenPromise) -> None:
    """Any change after an approval needs both parties' approval again."""
    if promise.approvals.exists():
        promise.approvals.all().delete()
    if promise.status != PromiseStatus.DRAFT:
        promise.status = PromiseStatus.DRAFT
        promise.save(update_fields=["status", "updated_at"])


@transaction.atomic
def start_promise(
    picture: SituationPicture,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    by: User,
    background: str = "",
) -> CitizenPromise:
    """A draft promise of the picture's kommun and its police, shared with the parties."""
    if not picture.is_adopted:
        raise ValidationError(_("A citizen promise builds on an adopted situation picture."))
    police = police_of(picture)
    if police is None:
        raise ValidationError(_("The agreement has no local police area as a party."))
    owner = (
        Organization.objects.filter(pk__in=[picture.kommun_id, police.pk])
        .filter(pk__in=organizations_of(by, WRITE_ROLES))
        .order_by("kind")
        .first()
    )
    if owner is None:
        raise ValidationError(
            _("Only the municipality's or the police's members write the citizen promise.")
        )
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    promise = CitizenPromise(
        owner=owner,
        agreement=picture.agreement,
        visibility=Visibility.SHARED,
        kommun=picture.kommun,
        police=police,
        situation_picture=picture,
        title=title,
        period_start=period_start,
        period_end=period_end,
        background=background,
        created_by=by,
    )
    promise.full_clean()
    promise.save()
    promise.parties.set([picture.kommun, police])
    return promise


@transaction.atomic
def save_promise(promise: CitizenPromise, problems: Iterable[Problem] | None = None) -> None:
    """Save a change of the promise's text or period: the approvals are cleared."""
    _ensure_open(promise)
    promise.full_clean()
    promise.save()
    if problems is not None:
        promise.problems.set(list(problems))
    _clear_approvals(promise)


def giving_parties(commitment: Commitment) -> list[Organization]:
    promise = commitment.promise
    if commitment.giver == Giver.POLICE:
        return [promise.police]
    if commitment.giver == Giver.KOMMUN:
        return [promise.kommun]
    if commitment.giver == Giver.BOTH:
        return [promise.kommun, promise.police]
    if commitment.other_party is None:
        raise ValidationError({"other_party": _("Name the party that gives the commitment.")})
    return [commitment.other_party]


@transaction.atomic
def save_commitment(
    commitment: Commitment,
    by: User,
    measures: Iterable[Measure] = (),
    goals: Iterable[Goal] = (),
) -> Commitment:
    """Save a commitment in the giver's name. A party writes only the commitments it
    gives (both parties' members write a joint one); the approvals are cleared."""
    promise = commitment.promise
    _ensure_open(promise)
    parties = giving_parties(commitment)
    own = organization_ids_of(by, WRITE_ROLES)
    if not own & {p.pk for p in parties}:
        raise ValidationError(
            {"giver": _("You can only write the commitments your organization gives.")}
        )
    if commitment.giver != Giver.OTHER:
        commitment.other_party = None
    if commitment.pk is None and not commitment.position:
        commitment.position = promise.commitments.count() + 1
    commitment.full_clean()
    commitment.save()
    commitment.parties.set(parties)
    commitment.measures.set(list(measures))
    commitment.goals.set(list(goals))
    _clear_approvals(promise)
    return commitment


@transaction.atomic
def remove_commitment(commitment: Commitment) -> None:
    promise = commitment.promise
    _ensure_open(promise)
    commitment.delete()
    _clear_approvals(promise)


def approving_party(promise: CitizenPromise, user: User) -> Organization | None:
    """The party (kommun or police) for which ``user`` is a coordinator, or None."""
    return (
        Organization.objects.filter(pk__in=[promise.kommun_id, promise.police_id])
        .filter(pk__in=organizations_of(user, COORDINATOR_ROLES))
        .exclude(pk__in=promise.approvals.values("party"))
        .order_by("kind")
        .first()
    )


@transaction.atomic
def approve(promise: CitizenPromise, by: User, on: dt.date | None = None) -> PromiseApproval:
    """A party's coordinator approves the text; with both approvals it is agreed."""
    _ensure_open(promise)
    if not promise.commitments.exists():
        raise ValidationError(_("A promise without commitments cannot be approved."))
    party = approving_party(promise, by)
    if party is None:
        raise ValidationError(
            _("Only a coordinator of a party that has not yet approved can approve.")
        )
    approval = PromiseApproval.objects.create(
        promise=promise, party=party, approved_by=by, approved_on=on or timezone.localdate()
    )
    approved = set(promise.approvals.values_list("party", flat=True))
    if {promise.kommun_id, promise.police_id} <= approved:
        promise.status = PromiseStatus.AGREED
        promise.save(update_fields=["status", "updated_at"])
    return approval


def missing_approvals(promise: CitizenPromise) -> list[Organization]:
    approved = set(promise.approvals.values_list("party", flat=True))
    return [p for p in (promise.kommun, promise.police) if p.pk not in approved]


def promise_duty(promise: CitizenPromise, on: dt.date) -> Duty | None:
    """The årshjul's open duty "Anta nästa års medborgarlöfte" this adoption fulfils: the
    one of the year before the period starts, else of the year of the adoption."""
    open_duties = Duty.objects.filter(
        agreement=promise.agreement_id, kind=DutyKind.CITIZEN_PROMISE, done_on__isnull=True
    )
    for year in (promise.period_start.year - 1, on.year):
        duty = open_duties.filter(year=year).first()
        if duty is not None:
            return duty
    return None


@transaction.atomic
def adopt(
    promise: CitizenPromise,
    on: dt.date,
    reference: str,
    by: User,
    decision: int | None = None,
) -> CitizenPromise:
    """The steering group adopted the promise: both parties must have approved it before;
    the årshjul's duty for the medborgarlöfte is fulfilled by this adoption. ``decision``,
    the steering group's decision that adopts it (its reference fills an empty
    ``reference``; the adoption cannot precede it), is linked to the promise."""
    if promise.status != PromiseStatus.AGREED or missing_approvals(promise):
        raise ValidationError(
            _("Both parties' coordinators must approve the promise before it is adopted.")
        )
    reference, ref = steering.resolve(decision, promise.agreement_id, reference, on, "adopted_on")
    if not reference.strip():
        raise ValidationError({"decision_reference": _("Give the decision's reference.")})
    latest = max(a.approved_on for a in promise.approvals.all())
    if on < latest:
        raise ValidationError(
            {
                "adopted_on": _("The adoption cannot precede the approvals (the last on %(date)s).")
                % {"date": latest.isoformat()}
            }
        )
    if on > timezone.localdate():
        raise ValidationError({"adopted_on": _("The adoption date cannot be in the future.")})
    promise.status = PromiseStatus.ADOPTED
    promise.adopted_on = on
    promise.decision_reference = reference.strip()
    promise.adopted_by = by
    promise.save()
    steering.record(ref, promise)
    duty = promise_duty(promise, on)
    if duty is not None:
        duty.done_on, duty.done_by = on, by
        duty.save(update_fields=["done_on", "done_by"])
    return promise


@transaction.atomic
def publish(promise: CitizenPromise) -> CitizenPromise:
    if promise.status != PromiseStatus.ADOPTED:
        raise ValidationError(_("Only an adopted promise can be published."))
    promise.status = PromiseStatus.PUBLISHED
    promise.visibility = Visibility.PUBLIC
    promise.published_at = timezone.now()
    promise.full_clean()
    promise.save()
    return promise


@transaction.atomic
def record_follow_up(
    promise: CitizenPromise, as_of: dt.date, judgements: dict[int, dict[str, Any]]
) -> CitizenPromise:
    """Judge each commitment: the judgement the plan's follow-up gives on ``as_of`` is
    kept as ``suggested``; ``judgements`` (by commitment) holds the judgement the team
    stands by and its public explanation."""
    if promise.status not in (PromiseStatus.PUBLISHED, PromiseStatus.FOLLOWED_UP):
        raise ValidationError(_("Only a published promise is followed up."))
    commitments = list(promise.commitments.prefetch_related("measures__plan", "goals__plan"))
    found = followup.bases(commitments, as_of)
    for commitment in commitments:
        given = judgements.get(commitment.pk, {})
        commitment.suggested = followup.judge(found[commitment.pk])
        commitment.judgement = given.get("judgement") or commitment.suggested
        commitment.explanation = given.get("explanation", commitment.explanation).strip()
        commitment.judged_on = as_of
        commitment.full_clean()
        commitment.save()
    promise.status = PromiseStatus.FOLLOWED_UP
    promise.followed_up_on = as_of
    promise.save(update_fields=["status", "followed_up_on", "updated_at"])
    return promise


@transaction.atomic
def close(promise: CitizenPromise) -> CitizenPromise:
    if promise.status != PromiseStatus.FOLLOWED_UP:
        raise ValidationError(_("A promise is closed after its follow-up."))
    promise.status = PromiseStatus.CLOSED
    promise.save(update_fields=["status", "updated_at"])
    return promise


@transaction.atomic
def import_commitments(promise: CitizenPromise, rows: list[dict[str, str]]) -> list[Commitment]:
    """The commitments of an existing promise text, as reviewed (``rows``: giver, text,
    place). The text was agreed by both parties before it came here, so a writer of either
    party transcribes it whole, in each giver's name; the approvals are cleared, so both
    coordinators approve what was transcribed before it is adopted. A refused row is named
    and nothing is saved."""
    _ensure_open(promise)
    created = []
    position = promise.commitments.count()
    for number, row in enumerate(rows, start=1):
        commitment = Commitment(
            promise=promise,
            giver=row["giver"],
            text=row["text"].strip(),
            place=row.get("place", "").strip(),
            position=position + number,
        )
        try:
            if commitment.giver == Giver.OTHER:
                raise ValidationError({"giver": _("Another party writes its own commitments.")})
            commitment.full_clean()
            commitment.save()
        except ValidationError as error:
            raise ValidationError(
                _("Commitment %(number)s: %(error)s")
                % {"number": number, "error": " ".join(error.messages)}
            ) from error
        commitment.parties.set(giving_parties(commitment))
        created.append(commitment)
    _clear_approvals(promise)
    return created
