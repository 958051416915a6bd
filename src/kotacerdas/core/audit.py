"""Record writes in the audit trail.

Every service that writes calls :func:`record`. The channel (web, API, admin, CLI) is
taken from a context variable that the middleware and the CLI set, so services do not
need to know who called them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from django.db import models

from .models import AuditEvent

_channel: ContextVar[str] = ContextVar(
    "kotacerdas_audit_channel", default=AuditEvent.Channel.SYSTEM
)


@contextlib.contextmanager
def channel(name: str) -> Iterator[None]:
    """Attribute every write inside the block to ``name`` (one of ``AuditEvent.Channel``)."""
    token = _channel.set(name)
    try:
        yield
    finally:
        _channel.reset(token)


def current_channel() -> str:
    return _channel.get()


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` (foreign keys by id), JSON-safe."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _plain(getattr(obj, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as ``{field: [old, new]}``."""
    keys = before.keys() | after.keys()
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def acting_user(actor: Any) -> Any:
    """The signed-in user behind ``actor``, for "created by" columns; ``None`` for the
    system (``actor=None``) and for anonymous visitors."""
    return actor if getattr(actor, "is_authenticated", False) else None


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    region_code: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event. ``actor`` may be ``None`` (system) or an anonymous user."""
    user = acting_user(actor)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    return AuditEvent.objects.create(
        actor=user,
        actor_label=user.get_username() if user else "",
        channel=current_channel(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        region_code=region_code,
        changes=changes or {},
    )
