"""One version number for every input of the computed figures.

The inputs of the lägesbild's overview and of a plan's counts are events (and their
categories after a re-mapping), statistics, surveys, population, sub-areas, the
taxonomy and the mappings. A write service that changes any of them calls
:func:`bump` inside its transaction (bulk writes send no signal); saving or deleting
one of the input models through the ORM bumps it as well (see :func:`install`). The
caches put :func:`current` into their keys: a bump makes every cached figure unreachable
in every process (the counter is a row of the database, not of a process's memory).

The bump is an ``UPDATE`` of one row: concurrent writers wait for each other's commit
at that row, so write services call it last, just before their transaction ends.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from samverka.lib import memo

SCOPE = "figures"


def bump() -> None:
    """Every cached figure is stale from the commit of the current transaction on."""
    from samverka.sources.models import DataVersion

    memo.forget()
    with transaction.atomic():
        if not DataVersion.objects.filter(scope=SCOPE).update(version=F("version") + 1):
            DataVersion.objects.get_or_create(scope=SCOPE, defaults={"version": 1})


def current() -> int:
    """The version the figures read now are computed from (read once per request that
    only reads: every cache key of a page uses the same)."""
    from samverka.sources.models import DataVersion

    def read() -> int:
        found = DataVersion.objects.filter(scope=SCOPE).values_list("version", flat=True).first()
        return found or 0

    return memo.remember("dataversion", read)


def _changed(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # fixtures being loaded
        return
    bump()


def install() -> None:
    """Bump on every save and delete of a model whose rows the figures read."""
    from django.db.models.signals import post_delete, post_save

    from samverka.organizations.models import Organization, SubArea
    from samverka.sources.models import ColumnMapping, Dataset, TypeMapping
    from samverka.taxonomy.models import Category, TaxonomyVersion

    # Not the row models (events, statistics, surveys, population): they are written in
    # bulk by the importers, which bump once, and a receiver on them would make every
    # cascading delete of a dataset load its rows one by one.
    inputs = (SubArea, TypeMapping, ColumnMapping, Category, TaxonomyVersion)
    for model in inputs:
        post_save.connect(_changed, sender=model, dispatch_uid=f"dataversion-save-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"dataversion-delete-{model.__name__}"
        )
    # A dataset deleted takes its rows with it; one saved is in the keys already (its
    # updated_at), and one withdrawn bumps in the service. The population of an
    # organization is the denominator where no population is imported.
    post_delete.connect(_changed, sender=Dataset, dispatch_uid="dataversion-delete-Dataset")
    post_save.connect(_population_changed, sender=Organization, dispatch_uid="dataversion-org")


def _population_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if kwargs.get("raw") or (fields is not None and "population" not in fields):
        return
    bump()
