"""Sections that events add to other apps' pages, as inclusion tags, so that the practices
and regions apps show them without importing events:

- ``{% practice_sessions practice %}``: where the practice was presented;
- ``{% region_events region %}``: the events a region hosts and those its delegation went to.
"""

from __future__ import annotations

from typing import Any

from django import template

from .. import presentation

register = template.Library()


@register.inclusion_tag("events/_practice_sessions.html")
def practice_sessions(practice: Any) -> dict[str, Any]:
    """The sessions of events (not drafts) where ``practice`` was presented."""
    return presentation.practice_sessions_context(practice)


@register.inclusion_tag("events/_region_events.html")
def region_events(region: Any) -> dict[str, Any]:
    """The events ``region`` hosts and the events its delegation registered for."""
    return presentation.region_events_context(region)
