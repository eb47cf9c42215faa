"""Datasets of demo events for the lägesbild tests (no personal data: generated)."""

from __future__ import annotations

import datetime as dt

from samverka.demo import events as demo_events
from samverka.organizations.models import Organization
from samverka.sources.models import (
    Dataset,
    DatasetStatus,
    Event,
    PlacePrecision,
    SourceKind,
    TimePrecision,
)
from samverka.taxonomy.models import Category
from samverka.tenancy.access import Visibility


def event_dataset(
    owner: Organization,
    kommun: Organization,
    start: dt.date,
    end: dt.date,
    *,
    agreement: object = None,
    kind: str = "police",
    title: str = "",
    seed: int = 1,
    visibility: str = Visibility.SHARED,
) -> Dataset:
    """A dataset of the demo generator's events of ``kind`` ("police" or "est")."""
    categories = dict(Category.objects.current().values_list("code", "pk"))
    source = SourceKind.EVENT_TABLE if kind == "police" else SourceKind.EST
    dataset = Dataset.objects.create(
        kind=source,
        title=title or f"{kind} {kommun} {start:%Y}–{end:%Y} ({seed})",
        owner=owner,
        agreement=agreement,  # type: ignore[misc]
        visibility=visibility,
        period_start=start,
        period_end=end,
        status=DatasetStatus.DONE,
        progress=100,
    )
    events = [
        Event(
            dataset=dataset,
            source=source,
            external_id=f"{seed}-{event.external_id}",
            occurred_at=event.occurred_at,
            time_precision=TimePrecision.EXACT,
            category_id=categories.get(event.category),
            source_type=event.source_type,
            place_precision=PlacePrecision.EXACT,
            latitude=event.latitude,
            longitude=event.longitude,
            kommun=kommun,
            place_name=event.place_name,
            description=event.description,
        )
        for event in demo_events.generate_events(kommun.municipality_code or "", start, end, seed)
        if event.kind == kind
    ]
    Event.objects.bulk_create(events, batch_size=2000)
    dataset.rows_read = dataset.rows_imported = len(events)
    dataset.save()
    return dataset
