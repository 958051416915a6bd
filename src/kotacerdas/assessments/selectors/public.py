"""Reads of published results, for visitors."""

from __future__ import annotations

from ..models import Computation, Cycle

__all__ = ["published_computation"]


def published_computation(cycle: Cycle) -> Computation | None:
    """The cycle's published computation, if any."""
    return cycle.computations.filter(published_at__isnull=False).first()
