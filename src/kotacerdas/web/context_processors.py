"""Values every page needs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kotacerdas import __version__


def platform(request: HttpRequest) -> dict[str, Any]:
    # Permissions reach templates through Django's own ``perms``; nothing to add here.
    return {"kotacerdas_version": __version__}
