"""Sections that masterplans add to other apps' pages, as inclusion tags, so that the
regions app shows them without importing strategy:

- ``{% region_masterplans region %}``: the region's masterplans, for those who may read
  them, and the button to draft one for those who may.
"""

from __future__ import annotations

from typing import Any

from django import template

from .. import presentation

register = template.Library()


@register.inclusion_tag("strategy/_region_plans.html", takes_context=True)
def region_masterplans(context: template.Context, region: Any) -> dict[str, Any]:
    """The masterplans section of ``region``'s page for the user viewing it."""
    return presentation.region_plans_context(region, context["request"].user)


@register.inclusion_tag("strategy/progress/_region_scorecard.html", takes_context=True)
def masterplan_scorecard(context: template.Context, region: Any) -> dict[str, Any]:
    """``{% masterplan_scorecard region %}``: the totals of the progress reports ``region``
    submitted on its masterplans, by year, for everyone (drafts are never shown)."""
    request = context.get("request")
    return presentation.region_scorecard_context(region, getattr(request, "user", None))
