"""What a request that only reads asks more than once, answered once.

A page asks several times for the same few facts: the signed-in user's memberships
(every access check, the menu, the start page's attention), the version of the data
(every cache key of the figures), the current taxonomy. Inside :func:`scope` (the
middleware opens one around each GET, HEAD and OPTIONS request) :func:`remember` keeps
the first answer for the rest of the request; outside one (a POST, a task, a test calling
a function directly) every call computes afresh, so nothing read before a write is ever
used after it.

A write inside a scope that changes a remembered fact calls :func:`forget` (the receivers
on memberships and the data version's bump do).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

_T = TypeVar("_T")

_store: ContextVar[dict[Hashable, Any] | None] = ContextVar("samverka_memo", default=None)


@contextmanager
def scope() -> Iterator[None]:
    """Remember answers until the end of the block (one request that only reads)."""
    token = _store.set({})
    try:
        yield
    finally:
        _store.reset(token)


def remember(key: Hashable, compute: Callable[[], _T]) -> _T:
    """``compute()``, computed once per scope for ``key``; every time outside a scope."""
    store = _store.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    found: _T = store[key]
    return found


def active() -> bool:
    """Whether answers are remembered now."""
    return _store.get() is not None


def forget() -> None:
    """Drop every remembered answer of the current scope (after a write)."""
    store = _store.get()
    if store is not None:
        store.clear()
