"""Writes to accounts: users with roles, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from kotacerdas.core import audit
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.services import require

from .models import ApiToken, Role, User

TOKEN_PREFIX = "kc_"  # noqa: S105 - a public marker, not a secret


def create_user(
    *,
    actor: Any,
    username: str,
    email: str,
    password: str | None,
    role: str,
    region: Any = None,
    first_name: str = "",
    last_name: str = "",
    position: str = "",
) -> User:
    """Create a user with one role; the secretariat and admins get the admin site too."""
    require(actor, "accounts.manage_users")
    user = User(
        username=username,
        email=email,
        role=role,
        region=region if role == Role.OFFICER else None,
        first_name=first_name,
        last_name=last_name,
        position=position,
        is_staff=role in {Role.SECRETARIAT, Role.ADMIN},
        is_superuser=role == Role.ADMIN,
    )
    user.full_clean(exclude=["password"])
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    with transaction.atomic():
        user.save()
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=user,
            region_code=user.region.code if user.region else "",
            changes={"username": [None, username], "role": [None, role]},
        )
    return user


def _digest(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def create_token(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``; the plain token is returned once and never stored."""
    if actor is not None and actor.pk != user.pk:
        require(actor, "accounts.manage_users")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name.strip() or "token", prefix=plain[:10], digest=_digest(plain)
        )
        audit.record(
            actor=actor or None,
            action=AuditEvent.Action.TOKEN,
            obj=token,
            changes={"created": [None, token.prefix]},
        )
    return token, plain


def revoke_token(*, actor: Any, token: ApiToken) -> ApiToken:
    if actor is not None and actor.pk != token.user_id:
        require(actor, "accounts.manage_users")
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(
                actor=actor,
                action=AuditEvent.Action.TOKEN,
                obj=token,
                changes={"revoked": [None, token.revoked_at.isoformat()]},
            )
    return token


def authenticate_token(plain: str) -> User | None:
    """The active user holding an unrevoked token, or None."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(plain), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Only touch the row once a minute, so reads do not turn into writes.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
