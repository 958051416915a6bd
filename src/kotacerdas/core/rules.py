"""Role predicates shared by every app, and the audit-trail permission."""

from __future__ import annotations

from typing import Any

import rules


def _active(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


@rules.predicate
def is_admin(user: Any) -> bool:
    return _active(user) and (user.is_superuser or user.role == "admin")


@rules.predicate
def is_secretariat(user: Any) -> bool:
    """The network secretariat; administrators may do everything it does."""
    return _active(user) and (user.is_superuser or user.role in {"secretariat", "admin"})


@rules.predicate
def is_officer(user: Any) -> bool:
    return _active(user) and user.role == "officer" and user.region_id is not None


@rules.predicate
def is_officer_of_region(user: Any, region: Any) -> bool:
    """An officer acting on their own region (``region`` is a Region or has ``region_id``)."""
    if region is None or not (_active(user) and user.role == "officer"):
        return False
    region_id = getattr(region, "region_id", None) or getattr(region, "pk", None)
    return user.region_id is not None and user.region_id == region_id


rules.add_perm("core.view_auditevent", is_secretariat)
