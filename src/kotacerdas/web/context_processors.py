"""Values every page needs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kotacerdas import __version__


def platform(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "kotacerdas_version": __version__,
        "is_secretariat": bool(user.is_authenticated and user.has_perm("regions.manage_network")),
    }
