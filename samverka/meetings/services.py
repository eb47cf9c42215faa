"""The writes of meetings and decisions, each one transaction: a meeting planned with its
agenda drafted from the open actions of the forum's earlier meetings, minutes recorded,
decisions and actions added in date order, actions followed up, and items "sent to the
steering group" put on its next agenda (its members told once the change is committed).
Also the steering group as :mod:`samverka.agreements.steering` sees it, and the meetings
on the årshjul."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samverka.accounts.models import User
from samverka.agreements import steering, wheel
from samverka.agreements.models import Agreement, Forum, ForumKind
from samverka.meetings import notices
from samverka.meetings.models import (
    Action,
    AgendaItem,
    AgendaKind,
    Decision,
    Meeting,
    MeetingStatus,
)
from samverka.organizations.models import Organization
from samverka.tenancy.access import VIEW, restrict

# A draft meeting made for a referral when the steering group has none planned.
DRAFT_AFTER = dt.timedelta(days=14)


def parties(forum: Forum) -> models.QuerySet[Organization]:
    return forum.agreement.parties.all()


def open_actions(forum: Forum, before: Meeting | None = None) -> models.QuerySet[Action]:
    """The actions of the forum's meetings not yet done (of meetings before ``before``)."""
    actions = Action.objects.filter(meeting__forum=forum, done_on__isnull=True)
    if before is not None:
        actions = actions.exclude(meeting=before).filter(meeting__held_on__lte=before.held_on)
    return actions.select_related("owner", "meeting").order_by("meeting__held_on", "position")


def _next_position(items: models.QuerySet[Any]) -> int:
    return (items.aggregate(top=Max("position"))["top"] or 0) + 1


def draft_agenda(meeting: Meeting) -> int:
    """Carry every open action of the forum's earlier meetings onto the agenda (once)."""
    carried = set(meeting.agenda.exclude(action=None).values_list("action", flat=True))
    position = _next_position(meeting.agenda.all())
    added = 0
    for action in open_actions(meeting.forum, before=meeting):
        if action.pk in carried:
            continue
        title = _("Follow-up: %(action)s (%(owner)s, from %(date)s)") % {
            "action": action.text[:200],
            "owner": action.owner,
            "date": action.meeting.held_on.isoformat(),
        }
        AgendaItem.objects.create(
            meeting=meeting,
            kind=AgendaKind.OPEN_ACTION,
            title=title[:300],
            action=action,
            position=position,
        )
        position += 1
        added += 1
    return added


@transaction.atomic
def plan_meeting(forum: Forum, held_on: dt.date, by: User | None) -> Meeting:
    """A new meeting of the forum; its agenda starts with the open actions."""
    meeting = Meeting.objects.create(forum=forum, held_on=held_on, created_by=by)
    draft_agenda(meeting)
    return meeting


@transaction.atomic
def record_minutes(
    meeting: Meeting,
    held_on: dt.date,
    notes: str,
    organizations: list[Organization],
) -> Meeting:
    """The meeting was held on ``held_on`` with ``organizations`` present; a date still to
    come moves the planned meeting (it stays planned)."""
    allowed = set(parties(meeting.forum).values_list("pk", flat=True))
    strangers = [str(o) for o in organizations if o.pk not in allowed]
    if strangers:
        raise ValidationError(
            {
                "organizations_present": _("Not a party of the agreement: %(names)s.")
                % {"names": ", ".join(strangers)}
            }
        )
    earliest = meeting.decisions.order_by("decided_on").values_list("decided_on", flat=True)
    first = earliest.first()
    if first is not None and first < held_on:
        raise ValidationError(
            {
                "held_on": _(
                    "A decision of this meeting is dated %(date)s: the meeting cannot be later."
                )
                % {"date": first.isoformat()}
            }
        )
    meeting.held_on = held_on
    meeting.notes = notes
    held = held_on <= timezone.localdate()
    meeting.status = MeetingStatus.HELD if held else MeetingStatus.PLANNED
    meeting.full_clean()
    meeting.save()
    meeting.organizations_present.set(organizations)
    return meeting


@transaction.atomic
def set_present(meeting: Meeting, user: User, present: bool) -> None:
    """A user says (or takes back) that they were at the meeting."""
    if present:
        meeting.users_present.add(user)
    else:
        meeting.users_present.remove(user)


@transaction.atomic
def add_agenda_item(
    meeting: Meeting, title: str, kind: str = AgendaKind.ITEM, url: str = ""
) -> AgendaItem:
    item = AgendaItem(
        meeting=meeting,
        kind=kind,
        title=title.strip()[:300],
        url=url[:300],
        position=_next_position(meeting.agenda.all()),
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def add_decision(meeting: Meeting, text: str, decided_on: dt.date | None = None) -> Decision:
    """A decision (the next §) of the meeting; it cannot precede the meeting."""
    decided_on = decided_on or meeting.held_on
    if decided_on < meeting.held_on:
        raise ValidationError(
            {
                "decided_on": _("A decision cannot precede its meeting (%(date)s).")
                % {"date": meeting.held_on.isoformat()}
            }
        )
    number = (meeting.decisions.aggregate(top=Max("number"))["top"] or 0) + 1
    decision = Decision(meeting=meeting, number=number, text=text.strip(), decided_on=decided_on)
    decision.full_clean()
    decision.save()
    return decision


def _check_links(meeting: Meeting, action: Action) -> None:
    agreement_id = meeting.forum.agreement_id
    party_ids = set(parties(meeting.forum).values_list("pk", flat=True))
    errors: dict[str, str] = {}
    if action.owner_id not in party_ids:
        errors["owner"] = _("The owner must be a party of the agreement.")
    if action.sub_area is not None and action.sub_area.kommun_id not in party_ids:
        errors["sub_area"] = _("The place lies outside the agreement's municipalities.")
    if action.problem is not None and action.problem.picture.agreement_id != agreement_id:
        errors["problem"] = _("The problem belongs to another agreement.")
    if action.measure is not None and action.measure.plan.agreement_id != agreement_id:
        errors["measure"] = _("The measure belongs to another agreement.")
    if action.promise is not None and action.promise.agreement_id != agreement_id:
        errors["promise"] = _("The citizen promise belongs to another agreement.")
    if action.due_on is not None and action.due_on < meeting.held_on:
        errors["due_on"] = _("An action cannot be due before the meeting that decided it.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_action(meeting: Meeting, action: Action) -> Action:
    """An action decided at the meeting (its owner a party, its links the agreement's)."""
    action.meeting = meeting
    action.position = _next_position(meeting.actions.all())
    _check_links(meeting, action)
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def mark_done(action: Action, on: dt.date, at: Meeting | None, outcome: str = "") -> Action:
    """The action is done on ``on``, as followed up at the meeting ``at``."""
    if not action.is_open:
        raise ValidationError(_("The action is marked done already."))
    if on < action.meeting.held_on:
        raise ValidationError(
            {
                "done_on": _(
                    "An action cannot be done before the meeting that decided it (%(date)s)."
                )
                % {"date": action.meeting.held_on.isoformat()}
            }
        )
    if on > timezone.localdate():
        raise ValidationError({"done_on": _("The date cannot be in the future.")})
    if at is not None and at.forum_id != action.meeting.forum_id:
        raise ValidationError(_("An action is followed up by its own forum."))
    action.done_on = on
    action.done_at = at
    action.outcome = outcome.strip()
    action.full_clean()
    action.save()
    return action


def steering_group(agreement: Agreement) -> Forum | None:
    return agreement.forums.filter(kind=ForumKind.STEERING_GROUP).order_by("position", "pk").first()


def next_meeting(forum: Forum) -> Meeting | None:
    """The forum's next planned meeting (today or later)."""
    return (
        forum.meetings.filter(status=MeetingStatus.PLANNED, held_on__gte=timezone.localdate())
        .order_by("held_on", "pk")
        .first()
    )


@transaction.atomic
def refer(agreement: Agreement, title: str, url: str, by: User | None) -> Meeting | None:
    """ "Skicka till styrgruppen": the item goes on the steering group's next agenda (a draft
    meeting two weeks ahead when none is planned); its parties' coordinators are e-mailed
    once committed. None when the agreement names no steering group."""
    forum = steering_group(agreement)
    if forum is None:
        return None
    meeting = next_meeting(forum)
    if meeting is None:
        meeting = plan_meeting(forum, timezone.localdate() + DRAFT_AFTER, by)
    if not meeting.agenda.filter(kind=AgendaKind.REFERRAL, title=title[:300], url=url).exists():
        add_agenda_item(meeting, title, AgendaKind.REFERRAL, url)
    notices.referred(meeting, title, url, by)
    return meeting


class SteeringGroup:
    """The steering group's decisions as the apps that adopt things see them."""

    def _decisions(self, agreement_id: int | None) -> models.QuerySet[Decision]:
        return Decision.objects.filter(
            meeting__forum__agreement=agreement_id,
            meeting__forum__kind=ForumKind.STEERING_GROUP,
        ).select_related("meeting__forum")

    def _ref(self, decision: Decision) -> steering.DecisionRef:
        return steering.DecisionRef(
            decision.pk,
            decision.reference,
            decision.decided_on,
            f"{decision.reference}: {decision.text[:120]}",
        )

    def decisions(self, agreement_id: int | None, user: Any) -> list[steering.DecisionRef]:
        found = restrict(self._decisions(agreement_id), user, VIEW)
        return [self._ref(d) for d in found.order_by("-meeting__held_on", "-number")[:200]]

    def decision(self, pk: int, agreement_id: int | None) -> steering.DecisionRef | None:
        found = self._decisions(agreement_id).filter(pk=pk).first()
        return self._ref(found) if found is not None else None

    def record(self, pk: int, subject: models.Model) -> None:
        field = {
            "situation.situationpicture": "adopts_picture",
            "plans.followup": "approves_follow_up",
            "promises.citizenpromise": "adopts_promise",
        }.get(subject._meta.label_lower)
        if field is None:
            raise TypeError(f"a decision does not adopt {subject._meta.label}")
        decision = Decision.objects.get(pk=pk)
        setattr(decision, field, subject)
        decision.save(update_fields=[field])

    def refer(self, agreement: Any, title: str, url: str, by: Any) -> Meeting | None:
        return refer(agreement, title, url, by)


def wheel_items(agreement_ids: list[int], year: int, user: Any) -> list[wheel.Item]:
    """The forums' meetings that ``user`` may read, on the årshjul."""
    today = timezone.localdate()
    items = []
    meetings = (
        restrict(Meeting.objects.all(), user, VIEW)
        .filter(forum__agreement__in=agreement_ids, held_on__year=year)
        .select_related("forum")
    )
    for meeting in meetings.order_by("held_on", "pk"):
        state = "done" if meeting.is_held else "overdue" if meeting.held_on < today else "coming"
        label = _("Meeting: %(forum)s") % {"forum": meeting.forum.name}
        items.append(
            wheel.Item(meeting.held_on, str(label), "meeting", state, meeting.get_absolute_url())
        )
    return items
