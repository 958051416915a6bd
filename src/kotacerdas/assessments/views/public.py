"""Public pages: the national ranking and the index section of a region's page."""

from __future__ import annotations

urlpatterns: list = []
