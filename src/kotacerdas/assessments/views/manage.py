"""Pages for the secretariat and officers: cycles, imports, computations, readiness."""

from __future__ import annotations

urlpatterns: list = []
