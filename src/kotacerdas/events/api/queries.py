"""Reads the events endpoints need beyond :mod:`kotacerdas.events.selectors`: the public
list, the agenda with its speakers and practices, and registrations with their
certificates. Each returns a queryset whose query count does not grow with its rows."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet

from kotacerdas.practices.models import Practice
from kotacerdas.regions.models import Region, TimeZone

from .. import selectors
from ..models import Event, Registration, Session, Speaker


def _starting_in(year: int) -> Q:
    """Events that start in ``year`` as their host reads the calendar (an event at 07:00
    WITA on 1 January is still 31 December in UTC)."""
    condition = Q()
    for name in TimeZone.values:
        zone = zoneinfo.ZoneInfo(name)
        condition |= Q(
            host_region__timezone=name,
            starts_at__gte=dt.datetime(year, 1, 1, tzinfo=zone),
            starts_at__lt=dt.datetime(year + 1, 1, 1, tzinfo=zone),
        )
    return condition


def public_events(
    *, status: str | None = None, region: Region | None = None, year: int | None = None
) -> QuerySet[Event]:
    """Events that are not drafts, latest first."""
    events = Event.objects.exclude(status=Event.Status.DRAFT).select_related("host_region")
    if status:
        events = events.filter(status=status)
    if region is not None:
        events = events.filter(host_region=region)
    if year is not None:
        events = events.filter(_starting_in(year))
    return events.order_by("-starts_at", "slug")


def agenda(event: Event) -> QuerySet[Session]:
    """The sessions in time order with their speakers (and regions) and the published
    practices presented: three queries however many sessions."""
    return (
        Session.objects.filter(event=event)
        .order_by("starts_at", "pk")
        .prefetch_related(
            Prefetch(
                "speakers",
                queryset=Speaker.objects.select_related("region").order_by("position", "pk"),
            ),
            Prefetch(
                "practices",
                queryset=Practice.objects.filter(published_version__isnull=False)
                .select_related("published_version")
                .order_by("slug"),
            ),
        )
    )


def registrations(event: Event, pks: Iterable[int] | None = None) -> QuerySet[Registration]:
    """The event's registrations (``pks`` only when given) with their region, arrival and
    certificate."""
    rows = selectors.participants(event).select_related("certificate")
    if pks is not None:
        rows = rows.filter(pk__in=list(pks))
    return rows
