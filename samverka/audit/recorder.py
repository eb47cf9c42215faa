"""Records every create, update and delete of a registered model as an AuditEntry.

Models are registered with :func:`register`; content built on
``samverka.tenancy.access.VisibleContent`` is registered with its own owner,
agreement and visibility, so an entry is readable by exactly those who may read
the object. The actor is the signed-in user of the current request (see
:class:`samverka.audit.middleware.AuditActorMiddleware`) or what
:func:`acting_as` names for commands and tasks.

Bulk paths that bypass ``save()`` (imports through ``COPY``) are not recorded
here; their provenance is the dataset they create.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest

from samverka.tenancy.access import Visibility

MASKED = "••••"


@dataclass(frozen=True)
class Scope:
    """Who may read the entries about an object."""

    owner_id: int | None = None
    agreement_id: int | None = None
    visibility: str = Visibility.INTERNAL
    published_at: dt.datetime | None = None


@dataclass
class _Registration:
    exclude: frozenset[str]
    masked: frozenset[str]
    scope: Callable[[Any], Scope]
    m2m: dict[str, Any] = field(default_factory=dict)


_registry: dict[type[models.Model], _Registration] = {}
_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)
_actor: ContextVar[tuple[Any, str] | None] = ContextVar("audit_actor", default=None)


def content_scope(obj: Any) -> Scope:
    """The scope of VisibleContent: its own owner, agreement and visibility."""
    return Scope(obj.owner_id, obj.agreement_id, obj.visibility, obj.published_at)


def register(
    model: type[models.Model],
    *,
    scope: Callable[[Any], Scope] = content_scope,
    exclude: Iterable[str] = (),
    masked: Iterable[str] = (),
) -> None:
    """Record changes of ``model``; ``exclude`` fields are ignored, ``masked`` ones not shown."""
    registration = _Registration(frozenset(exclude), frozenset(masked), scope)
    _registry[model] = registration
    for m2m_field in model._meta.many_to_many:
        if m2m_field.name not in registration.exclude:
            registration.m2m[m2m_field.name] = m2m_field
            through = getattr(model, m2m_field.name).through
            m2m_changed.connect(_on_m2m_changed, sender=through, dispatch_uid=f"audit-{through}")


def registered_models() -> list[type[models.Model]]:
    return list(_registry)


@contextlib.contextmanager
def request_context(request: HttpRequest) -> Iterator[None]:
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


@contextlib.contextmanager
def acting_as(user: Any = None, label: str = "") -> Iterator[None]:
    """Name the actor of changes made outside a request, e.g. by a management command."""
    token = _actor.set((user, label or (str(user) if user else "system")))
    try:
        yield
    finally:
        _actor.reset(token)


def _current_actor() -> tuple[Any, str]:
    explicit = _actor.get()
    if explicit is not None:
        return explicit
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and user.is_authenticated:
        return user, f"{user} <{user.email}>"
    if request is not None:
        return None, "anonymous"
    return None, "system"


def _primitive(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_primitive(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _primitive(v) for k, v in value.items()}
    return str(value)


def _tracked_fields(model: type[models.Model], reg: _Registration) -> list[models.Field[Any, Any]]:
    return [
        f for f in model._meta.concrete_fields if not f.primary_key and f.name not in reg.exclude
    ]


def _snapshot(instance: models.Model, reg: _Registration) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in _tracked_fields(type(instance), reg):
        if f.name in reg.masked:
            values[f.name] = getattr(instance, f.attname)
        elif f.is_relation:
            related_id = getattr(instance, f.attname)
            values[f.name] = None if related_id is None else str(getattr(instance, f.name))
        else:
            values[f.name] = _primitive(getattr(instance, f.attname))
    return values


def _diff(old: dict[str, Any], new: dict[str, Any], reg: _Registration) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in new:
        if old.get(name) != new[name]:
            changes[name] = [MASKED, MASKED] if name in reg.masked else [old.get(name), new[name]]
    return changes


def _write(
    instance: models.Model, action: str, changes: dict[str, Any], reg: _Registration
) -> None:
    from samverka.audit.models import AuditEntry

    scope = reg.scope(instance)
    actor, label = _current_actor()
    AuditEntry.objects.create(
        actor_id=getattr(actor, "pk", None),
        actor_label=label[:300],
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_pk=str(instance.pk),
        object_label=str(instance)[:300],
        changes=changes,
        owner_id=scope.owner_id,
        agreement_id=scope.agreement_id,
        visibility=scope.visibility,
        published_at=scope.published_at,
    )


def record(instance: models.Model, action: str, changes: dict[str, Any]) -> None:
    """An entry for a change the signals do not see, e.g. a queryset's ``update()`` of
    the rows of ``instance`` (a registered model), in its scope."""
    _write(instance, action, changes, _registry[type(instance)])


def _on_pre_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    reg = _registry.get(sender)
    if reg is None or kwargs.get("raw"):
        return
    old = None
    if instance.pk is not None and not instance._state.adding:
        old = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = _snapshot(old, reg) if old is not None else None  # type: ignore[attr-defined]


def _on_post_save(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    reg = _registry.get(sender)
    if reg is None or kwargs.get("raw"):
        return
    before = getattr(instance, "_audit_before", None)
    after = _snapshot(instance, reg)
    if created or before is None:
        changes = _diff({}, after, reg)
        changes = {k: v for k, v in changes.items() if v[1] not in (None, "", [])}
        _write(instance, "create", changes, reg)
        return
    changes = _diff(before, after, reg)
    if changes:
        _write(instance, "update", changes, reg)


def _on_post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    reg = _registry.get(sender)
    if reg is None:
        return
    before = _snapshot(instance, reg)
    changes = {
        k: ([MASKED, None] if k in reg.masked else [v, None])
        for k, v in before.items()
        if v not in (None, "", [])
    }
    _write(instance, "delete", changes, reg)


def _on_m2m_changed(
    sender: Any, instance: models.Model, action: str, reverse: bool, **kwargs: Any
) -> None:
    if reverse:
        # Changed from the other side: record it on the registered model's objects.
        model, pk_set = kwargs["model"], kwargs.get("pk_set") or set()
        reg = _registry.get(model)
        if reg is None or action not in {"post_add", "post_remove"}:
            return
        name = next((n for n in reg.m2m if getattr(model, n).through is sender), None)
        if name is None:
            return
        for obj in model._base_manager.filter(pk__in=pk_set):
            verb = "added" if action == "post_add" else "removed"
            _write(obj, "update", {name: {verb: [str(instance)]}}, reg)
        return
    reg = _registry.get(type(instance))
    if reg is None:
        return
    name = next((n for n in reg.m2m if getattr(type(instance), n).through is sender), None)
    if name is None:
        return
    current = sorted(str(o) for o in getattr(instance, name).all())
    if action in {"pre_add", "pre_remove", "pre_clear"}:
        instance._audit_m2m_before = current  # type: ignore[attr-defined]
    elif action in {"post_add", "post_remove", "post_clear"}:
        before = getattr(instance, "_audit_m2m_before", [])
        if before != current:
            _write(instance, "update", {name: [before, current]}, reg)


def connect_signals() -> None:
    pre_save.connect(_on_pre_save, dispatch_uid="audit-pre-save")
    post_save.connect(_on_post_save, dispatch_uid="audit-post-save")
    post_delete.connect(_on_post_delete, dispatch_uid="audit-post-delete")
