"""Bearer-token authentication of the API: tokens made in the account pages or the CLI."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from kotacerdas.accounts.models import User
from kotacerdas.accounts.services import authenticate_token

from .errors import TokenRejected


class TokenAuth(HttpBearer):
    """``Authorization: Bearer kc_...``; the authenticated user becomes ``request.auth``.

    No header (or another scheme) gives the generic 401; a token that is sent but not
    accepted gives a 401 that says so, so that a client can tell a missing header from a
    revoked token. Bearer tokens are not sent by browsers on their own, so no CSRF check
    is needed.
    """

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = authenticate_token(token.strip())
        if user is None:
            raise TokenRejected()
        return user


def _anonymous(request: HttpRequest) -> AnonymousUser:
    return AnonymousUser()


# TokenAuth answers None without an Authorization header (the anonymous viewer follows)
# and raises for a token it does not accept, so a revoked token is never read as anonymous.
OPTIONAL_AUTH = [TokenAuth(), _anonymous]
# OpenAPI's way of saying "a bearer token, or none" (added to the TokenAuth requirement).
OPTIONAL_SECURITY: dict[str, Any] = {"security": [{}]}


def signed_in(request: HttpRequest) -> Any:
    """The user of an endpoint with ``OPTIONAL_AUTH`` that needs a token after all (a
    masterplan, a delegation): without one, the API's 401."""
    user = request.auth
    if not user.is_authenticated:
        raise AuthenticationError()
    return user
