"""Template helpers for regions: times shown in the region's own zone (WIB/WITA/WIT)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import template
from django.utils import formats

from ..models import TIMEZONE_ABBREVIATIONS

register = template.Library()


@register.filter
def region_time(value: dt.datetime | None, region: object) -> str:
    """A UTC datetime as the region's local time with its zone: ``16 Okt 2019 09:00 WITA``."""
    if value is None:
        return ""
    zone_name = getattr(region, "timezone", "Asia/Jakarta") or "Asia/Jakarta"
    local = value.astimezone(zoneinfo.ZoneInfo(zone_name))
    label = TIMEZONE_ABBREVIATIONS.get(zone_name, zone_name)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {label}"
