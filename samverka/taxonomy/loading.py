"""Writing a taxonomy version into the database (used by the data migrations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from samverka.taxonomy.v1 import Node


def load_version(
    version_model: Any, category_model: Any, number: int, published_on: str, tree: tuple[Node, ...]
) -> None:
    """Create version ``number`` with its categories; a version already there is left as it is."""
    version, created = version_model.objects.get_or_create(
        number=number, defaults={"published_on": dt.date.fromisoformat(published_on)}
    )
    if not created:
        return
    position = 0
    for code, label_sv, label_en, children in tree:
        position += 1
        parent = category_model.objects.create(
            version=version, code=code, label_sv=label_sv, label_en=label_en, position=position
        )
        for child_code, child_sv, child_en in children:
            position += 1
            category_model.objects.create(
                version=version,
                code=child_code,
                parent=parent,
                label_sv=child_sv,
                label_en=child_en,
                position=position,
            )
