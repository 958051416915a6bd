"""Reads for running assessment cycles (secretariat and officers)."""

from __future__ import annotations

__all__: list[str] = []
