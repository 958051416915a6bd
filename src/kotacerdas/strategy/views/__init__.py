"""Pages of masterplans. The lookups every page module starts with live here."""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from .. import selectors
from ..models import Masterplan

VIEW = "strategy.view_masterplan"


def require(request: HttpRequest, perm: str, obj: Any) -> None:
    """A 403 unless the rule behind ``perm`` holds for the user on ``obj``."""
    if not rules.has_perm(perm, request.user, obj):
        raise PermissionDenied(_("You may not do this."))


def plan_or_404(request: HttpRequest, pk: int, perm: str = VIEW) -> Masterplan:
    """The masterplan ``pk`` if the user may ``perm`` it: a 404 when there is none."""
    plan = selectors.plan_by_pk(pk)
    if plan is None:
        raise Http404(_("There is no such masterplan."))
    require(request, perm, plan)
    return plan
