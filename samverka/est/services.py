"""Filing, correcting and reviewing EST reports; each write is one transaction.

A report is stored once per key: the device makes the key when the report is written,
so a report queued offline and sent again (the answer lost on a poor connection) is
recognised and not stored twice. An accepted observation becomes an event of the
agreement's EST dataset (owned by the kommun, shared with the agreement), with the
observation as its provenance, and the figures' data version is bumped.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samverka.agreements.models import Agreement
from samverka.est import categories
from samverka.est.models import EstDataset, Observation, ObservationStatus, Report
from samverka.organizations.models import Organization, OrganizationKind
from samverka.sources import dataversion
from samverka.sources.models import (
    Dataset,
    DatasetStatus,
    Event,
    PlacePrecision,
    SourceKind,
    TimePrecision,
)
from samverka.taxonomy.models import Category
from samverka.tenancy.access import (
    CHANGE,
    COORDINATE,
    AnyUser,
    Role,
    Visibility,
    agreements_of,
    organizations_of,
    restrict,
)

ALL_ROLES = tuple(Role.values)


def reporting_agreements(user: AnyUser) -> QuerySet[Agreement]:
    """The agreements ``user`` reports to: those one of the user's organizations (in any
    role, a reporter's too) is a party of, that have a kommun to review the reports."""
    return (
        Agreement.objects.filter(pk__in=agreements_of(user, ALL_ROLES))
        .filter(parties__kind=OrganizationKind.KOMMUN)
        .distinct()
        .order_by("title")
    )


def kommun_of(agreement: Agreement) -> Organization | None:
    return agreement.parties.filter(kind=OrganizationKind.KOMMUN).order_by("name").first()


def reporting_organization(user: AnyUser, agreement: Agreement) -> Organization | None:
    """The party of ``agreement`` in whose name ``user`` reports."""
    return (
        agreement.parties.filter(pk__in=organizations_of(user, ALL_ROLES))
        .order_by("kind", "name")
        .first()
    )


def file_report(
    user: AnyUser, agreement: Agreement, key: uuid.UUID, observations: Sequence[Observation]
) -> tuple[Report, bool]:
    """Store a report with ``observations`` (unsaved) under ``key``; (report, created).

    A report already stored under ``key`` by the same user is returned as it is (False):
    the device sent it again. Another user's key is refused."""
    existing = Report.objects.filter(key=key).first()
    if existing is not None:
        return _same_reporter(existing, user), False
    if not reporting_agreements(user).filter(pk=agreement.pk).exists():
        raise PermissionDenied
    organization = reporting_organization(user, agreement)
    kommun = kommun_of(agreement)
    user_id = user.pk
    if organization is None or kommun is None or user_id is None:
        raise PermissionDenied
    if not observations:
        raise ValidationError(_("A report needs at least one observation."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    key=key,
                    agreement=agreement,
                    kommun=kommun,
                    organization=organization,
                    reported_by_id=user_id,
                )
        except IntegrityError:
            # Sent twice at the same moment: the other request stored it.
            return _same_reporter(Report.objects.get(key=key), user), False
        for observation in observations:
            area = observation.sub_area
            if area is not None and area.kommun_id != kommun.pk:
                raise ValidationError(
                    {"sub_area": _("The sub-area is not in %(kommun)s.") % {"kommun": kommun}}
                )
            observation.report = report
            observation.save()
    return report, True


def _same_reporter(report: Report, user: AnyUser) -> Report:
    if report.reported_by_id != user.pk:
        raise PermissionDenied
    return report


def correct(report: Report, user: AnyUser, observations: Sequence[Observation]) -> None:
    """Save the reporter's corrections of ``observations`` of ``report``: within a week
    of filing it, and only of observations not reviewed yet."""
    if not restrict(Report.objects.filter(pk=report.pk), user, CHANGE).exists():
        raise PermissionDenied
    if not report.correctable():
        raise ValidationError(
            _(
                "A report can be corrected for a week after it was filed; "
                "this one was filed %(when)s."
            )
            % {"when": timezone.localtime(report.created_at).strftime("%Y-%m-%d %H:%M")}
        )
    with transaction.atomic():
        for observation in observations:
            stored = Observation.objects.select_for_update().get(pk=observation.pk, report=report)
            if stored.status != ObservationStatus.PENDING:
                raise ValidationError(
                    _("An observation that has been reviewed can no longer be corrected.")
                )
            observation.save()
        report.save(update_fields=["updated_at"])


def _reviewable(observation: Observation, user: AnyUser) -> Observation:
    allowed = restrict(Observation.objects.filter(pk=observation.pk), user, COORDINATE)
    if not allowed.exists():
        raise PermissionDenied
    stored = Observation.objects.select_for_update().select_related("report").get(pk=observation.pk)
    if stored.status != ObservationStatus.PENDING:
        raise ValidationError(_("The observation has already been reviewed."))
    return stored


def accept(observation: Observation, user: AnyUser) -> Event:
    """Accept ``observation``: it becomes an event of the agreement's EST dataset."""
    with transaction.atomic():
        stored = _reviewable(observation, user)
        dataset = _est_dataset(stored.report, user)
        event = Event.objects.create(**_event_fields(stored, dataset))
        day = timezone.localdate(stored.starts_at)
        dataset.rows_read += 1
        dataset.rows_imported += 1
        dataset.period_start = min(dataset.period_start or day, day)
        dataset.period_end = max(dataset.period_end or day, day)
        dataset.save()
        stored.status = ObservationStatus.ACCEPTED
        stored.event = event
        _reviewed(stored, user)
        dataversion.bump()
    return event


def reject(observation: Observation, user: AnyUser, reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the observation is rejected.")})
    with transaction.atomic():
        stored = _reviewable(observation, user)
        stored.status = ObservationStatus.REJECTED
        stored.reason = reason.strip()
        _reviewed(stored, user)


def merge(observation: Observation, into: Observation, user: AnyUser) -> None:
    """Mark ``observation`` as a duplicate of ``into`` (of the same kommun), which is
    counted once."""
    with transaction.atomic():
        stored = _reviewable(observation, user)
        if not restrict(Observation.objects.filter(pk=into.pk), user, COORDINATE).exists():
            raise PermissionDenied
        target = Observation.objects.select_related("report").get(pk=into.pk)
        if target.pk == stored.pk or target.report.kommun_id != stored.report.kommun_id:
            raise ValidationError(
                {"into": _("Choose another observation of the same municipality.")}
            )
        if target.status in (ObservationStatus.MERGED, ObservationStatus.REJECTED):
            raise ValidationError(
                {"into": _("An observation that is rejected or merged cannot take duplicates.")}
            )
        stored.status = ObservationStatus.MERGED
        stored.merged_into = target
        _reviewed(stored, user)


def _reviewed(observation: Observation, user: AnyUser) -> None:
    observation.reviewed_by_id = user.pk
    observation.reviewed_at = timezone.now()
    observation.save()


def _est_dataset(report: Report, user: AnyUser) -> Dataset:
    link = (
        EstDataset.objects.select_related("dataset")
        .filter(agreement=report.agreement, kommun=report.kommun)
        .first()
    )
    if link is not None:
        return Dataset.objects.select_for_update().get(pk=link.dataset_id)
    dataset = Dataset.objects.create(
        kind=SourceKind.EST,
        title=_("EST reports %(kommun)s") % {"kommun": report.kommun.name},
        owner=report.kommun,
        agreement=report.agreement,
        visibility=Visibility.SHARED,
        status=DatasetStatus.DONE,
        progress=100,
        imported_by_id=user.pk,
    )
    EstDataset.objects.create(agreement=report.agreement, kommun=report.kommun, dataset=dataset)
    return dataset


def _event_fields(observation: Observation, dataset: Dataset) -> dict[str, Any]:
    category = categories.by_code(observation.category)
    positioned = observation.latitude is not None and observation.longitude is not None
    return {
        "dataset": dataset,
        "source": SourceKind.EST,
        "external_id": f"est-{observation.pk}",
        "occurred_at": observation.starts_at,
        "time_precision": TimePrecision.EXACT if observation.ends_at is None else TimePrecision.DAY,
        "published_at": timezone.now(),
        "category": Category.objects.current().filter(code=category.taxonomy).first(),
        "source_type": category.sv,
        "place_precision": PlacePrecision.EXACT if positioned else PlacePrecision.KOMMUN,
        "latitude": observation.latitude if positioned else None,
        "longitude": observation.longitude if positioned else None,
        "kommun": observation.report.kommun,
        "place_name": observation.named_place[:200],
        "description": observation.description,
    }
