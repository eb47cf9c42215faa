"""What needs a signed-in user's attention, shown on the start page.

Each app registers providers in its ``AppConfig.ready()``; a provider takes the
user and yields :class:`AttentionItem`s. Later features (overdue duties of the
årshjul, measures past their dates) add their own without touching the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

Level = Literal["info", "warning", "danger"]
_ORDER = {"danger": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class AttentionItem:
    title: str
    text: str
    level: Level = "info"
    url: str | None = None
    link_text: str | None = None


Provider = Callable[[Any], Iterable[AttentionItem]]
_providers: list[Provider] = []


def provider(func: Provider) -> Provider:
    """Register ``func`` as a provider (usable as a decorator)."""
    if func not in _providers:
        _providers.append(func)
    return func


def items_for(user: Any) -> list[AttentionItem]:
    items = [item for func in _providers for item in func(user)]
    return sorted(items, key=lambda item: _ORDER[item.level])
