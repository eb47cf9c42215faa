"""Sharing a dataset with the parties of agreements (issue 13, "Sharing within the agreement").

The owning organization's coordinator shares one of its datasets with the parties of
one or more agreements the owner is a party of, and withdraws a sharing again; while it
is shared with at least one agreement its visibility is *shared*. Each sharing and each
withdrawal is a :class:`~samverka.sources.models.DatasetShare` made or removed in one
transaction, with an entry in the dataset's audit trail.

What a withdrawal takes away (the lägesbilder of the agreement that use the dataset as a
source) is said before it happens: the apps that build on datasets register a function
with :func:`dependents_provider`; sources imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from samverka.accounts.models import User
from samverka.agreements.models import Agreement
from samverka.sources import dataversion
from samverka.sources.models import Dataset, DatasetShare
from samverka.tenancy.access import COORDINATE, AnyUser, Visibility, restrict


@dataclass(frozen=True)
class Dependent:
    """Something built on a dataset through an agreement: what it is, and what happens to
    it when the sharing is withdrawn."""

    label: str
    url: str
    consequence: str


DependentsProvider = Callable[[Dataset, Agreement], Iterable[Dependent]]
_providers: list[DependentsProvider] = []


def dependents_provider(function: DependentsProvider) -> DependentsProvider:
    """Register ``function(dataset, agreement)``: what of the agreement uses the dataset."""
    if function not in _providers:
        _providers.append(function)
    return function


def dependents(dataset: Dataset, agreement: Agreement) -> list[Dependent]:
    """What of ``agreement`` uses ``dataset``, as the registered providers say."""
    return [item for provider in _providers for item in provider(dataset, agreement)]


def shared_agreements(dataset: Dataset) -> QuerySet[Agreement]:
    """The agreements whose parties the dataset is shared with."""
    if dataset.visibility != Visibility.SHARED:
        return Agreement.objects.none()
    return Agreement.objects.filter(
        Q(pk__in=DatasetShare.objects.filter(dataset=dataset).values("agreement_id"))
        | Q(pk=dataset.agreement_id)
    ).order_by("title")


def shareable_agreements(dataset: Dataset) -> QuerySet[Agreement]:
    """The agreements the owner is a party of and the dataset is not shared with yet."""
    return (
        Agreement.objects.filter(parties=dataset.owner_id)
        .exclude(pk__in=shared_agreements(dataset).values("pk"))
        .order_by("title")
    )


def can_share(dataset: Dataset, user: AnyUser) -> bool:
    """Whether ``user`` coordinates the owning organization (the access policy decides)."""
    return restrict(Dataset.objects.filter(pk=dataset.pk), user, COORDINATE).exists()


def _check(dataset: Dataset, user: User | None) -> None:
    if user is not None and not can_share(dataset, user):
        raise PermissionDenied
    if dataset.withdrawn_at is not None:
        raise ValidationError(_("The dataset is withdrawn: it cannot be shared."))
    if dataset.visibility == Visibility.PUBLIC:
        raise ValidationError(
            _("The dataset is public: every party reads it already, there is nothing to share.")
        )


def share(dataset: Dataset, agreements: Iterable[Agreement], *, by: User | None) -> Dataset:
    """Share ``dataset`` with the parties of ``agreements``; ``by`` must coordinate its
    owner (None: a command or the import worker acting for the uploader, checked before)."""
    agreements = list(agreements)
    _check(dataset, by)
    if not agreements:
        raise ValidationError(_("Choose at least one agreement to share the dataset with."))
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        parties_of = set(
            Agreement.objects.filter(
                pk__in=[a.pk for a in agreements], parties=dataset.owner_id
            ).values_list("pk", flat=True)
        )
        for agreement in agreements:
            if agreement.pk not in parties_of:
                raise ValidationError(
                    _(
                        "%(owner)s is not a party of the agreement “%(agreement)s”: a dataset "
                        "is shared only with the parties of the owner's own agreements."
                    )
                    % {"owner": dataset.owner, "agreement": agreement}
                )
        already = set(shared_agreements(dataset).values_list("pk", flat=True))
        new = [a for a in agreements if a.pk not in already]
        DatasetShare.objects.bulk_create(
            DatasetShare(dataset=dataset, agreement=agreement, shared_by=by) for agreement in new
        )
        if dataset.visibility != Visibility.SHARED:
            dataset.visibility = Visibility.SHARED
            dataset.save(update_fields=["visibility", "updated_at"])
        _record(dataset, new, shared=True)
        dataversion.bump()
    return dataset


def unshare(dataset: Dataset, agreement: Agreement, *, by: User | None) -> Dataset:
    """Withdraw the sharing of ``dataset`` with ``agreement``'s parties. A lägesbild or a
    plan of the agreement that used it loses it as a source from now on; adopted
    lägesbilder keep their frozen figures. Without any sharing left it is internal again."""
    if by is not None and not can_share(dataset, by):
        raise PermissionDenied
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if not shared_agreements(dataset).filter(pk=agreement.pk).exists():
            raise ValidationError(
                _("The dataset is not shared with the agreement “%(agreement)s”.")
                % {"agreement": agreement}
            )
        DatasetShare.objects.filter(dataset=dataset, agreement=agreement).delete()
        fields = ["updated_at"]
        if dataset.agreement_id == agreement.pk:
            dataset.agreement = None
            fields.append("agreement")
        if not DatasetShare.objects.filter(dataset=dataset).exists() and dataset.agreement is None:
            dataset.visibility = Visibility.INTERNAL
            fields.append("visibility")
        dataset.save(update_fields=fields)
        _record(dataset, [agreement], shared=False)
        dataversion.bump()
    return dataset


def _record(dataset: Dataset, agreements: list[Agreement], *, shared: bool) -> None:
    from samverka.audit import recorder

    if not agreements:
        return
    names = ", ".join(str(a) for a in agreements)
    change: list[Any] = [None, names] if shared else [names, None]
    recorder.record(dataset, "update", {_("Shared with the parties of"): change})
