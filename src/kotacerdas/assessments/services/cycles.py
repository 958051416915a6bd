"""Opening, closing and reopening assessment cycles (the secretariat's work)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kotacerdas.core.services import require, save_instance

from ..models import Cycle, Framework


def open_cycle(*, actor: Any, framework: Framework, year: int) -> Cycle:
    """Open a new cycle of ``framework`` for ``year``; audited.

    The network assesses once a year, so a year that already has a cycle (under any
    framework version) is refused: pages and files name a cycle by its year alone.
    """
    require(actor, "assessments.manage_cycles")
    existing = Cycle.objects.filter(year=year).select_related("framework").first()
    if existing is not None:
        raise ValidationError(
            {
                "year": _("The %(year)s cycle already exists (%(framework)s).")
                % {"year": year, "framework": existing.framework}
            }
        )
    return save_instance(
        actor=actor,
        instance=Cycle(framework=framework),
        values={"year": year, "status": Cycle.Status.OPEN},
    )


def set_cycle_status(*, actor: Any, cycle: Cycle, status: str) -> Cycle:
    """Close a cycle (its values can no longer change) or reopen it; audited."""
    require(actor, "assessments.manage_cycles")
    if status not in Cycle.Status.values:
        raise ValidationError({"status": _("Choose open or closed.")})
    if cycle.status == status:
        return cycle
    return save_instance(actor=actor, instance=cycle, values={"status": status})
