"""Reads of accounts and of the audit trail."""

from __future__ import annotations

from django.db.models import QuerySet

from kotacerdas.core.models import AuditEvent

from .models import ApiToken, User


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def audit_trail(
    *, region_code: str = "", channel: str = "", actor: str = ""
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.all()
    if region_code:
        qs = qs.filter(region_code=region_code)
    if channel:
        qs = qs.filter(channel=channel)
    if actor:
        qs = qs.filter(actor_label=actor)
    return qs.order_by("-at", "-id")
