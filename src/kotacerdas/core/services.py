"""Audited saves and deletes shared by the domain services."""

from __future__ import annotations

from typing import Any, TypeVar

import rules
from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from . import audit
from .models import AuditEvent

M = TypeVar("M", bound=models.Model)


def require(actor: Any, perm: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless ``actor`` holds ``perm`` (on ``obj``).

    ``actor=None`` is the system itself (migrations, the registry sync, CLI commands
    run by the machine's operator) and is always allowed.
    """
    if actor is None:
        return
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(perm)


def require_rule(actor: Any, perm: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless the rule behind ``perm`` holds (``actor=None`` is the
    system and always may).

    Unlike :func:`require`, the rule is asked directly, not through ``actor.has_perm``:
    Django lets an active superuser pass every ``has_perm``, and rules that carry a
    workflow's states (only a submitted version goes into review; a full event confirms
    nobody) must hold for administrators too, who get the secretariat's rights through
    the rules themselves.
    """
    if actor is None:
        return
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(perm)


def save_instance(*, actor: Any, instance: M, values: dict[str, Any], region_code: str = "") -> M:
    """Set ``values`` on ``instance``, validate it, save it and audit what changed."""
    creating = instance._state.adding
    before = {} if creating else audit.snapshot(instance)
    for name, value in values.items():
        setattr(instance, name, value)
    instance.full_clean()
    with transaction.atomic():
        instance.save()
        changes = audit.diff(before, audit.snapshot(instance))
        if creating or changes:
            audit.record(
                actor=actor,
                action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
                obj=instance,
                region_code=region_code,
                changes=changes,
            )
    return instance


def delete_instance(*, actor: Any, instance: models.Model, region_code: str = "") -> None:
    """Delete ``instance`` and keep its last values in the audit trail."""
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            obj=instance,
            region_code=region_code,
            changes=audit.diff(audit.snapshot(instance), {}),
        )
        instance.delete()
