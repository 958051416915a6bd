"""What the public pages of events show: the list of events, an event's page with its
agenda, a certificate's verification, and the events sections of the practice and region
pages (template tags in :mod:`kotacerdas.events.templatetags.events_tags`).

Nothing here writes. Times are stored in UTC and formatted here in the host region's zone
with its abbreviation (``08.00–09.00 WITA``, ``16–18 Oktober 2019, WITA``) and in the
active language, so the templates only lay them out. The reads the pages need are here
too, each a fixed number of queries however many sessions, speakers or events there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import capfirst

from kotacerdas.core.rules import is_officer
from kotacerdas.practices.models import Practice
from kotacerdas.regions.models import Region

from . import selectors
from .documents import date_range, grouped_code, in_host_zone, time_range
from .models import Certificate, Delegation, Event, Registration, Session, Speaker
from .services.registration import registration_open

Status = Event.Status
Confirmed = Registration.Status.CONFIRMED


# --- formatting -----------------------------------------------------------------------------


def event_dates(event: Event) -> str:
    """The event's days in the host's zone, with the zone: ``16–18 Oktober 2019, WITA``."""
    return f"{date_range(event)}, {event.zone_abbreviation}"


def event_url(event: Event, anchor: str = "") -> str:
    url = reverse("events:detail", kwargs={"slug": event.slug})
    return f"{url}#{anchor}" if anchor else url


def _local_date(event: Event, moment: dt.datetime, pattern: str = "j F Y") -> str:
    return format_date(in_host_zone(event, moment), pattern)


def _local_moment(event: Event, moment: dt.datetime | None) -> str:
    """``16 Oktober 2019 08.00 WITA``: a date and time in the host's zone."""
    if moment is None:
        return ""
    local = in_host_zone(event, moment)
    return f"{format_date(local, 'j F Y')} {local:%H.%M} {event.zone_abbreviation}"


# --- the list of events ---------------------------------------------------------------------


@dataclass
class EventRow:
    event: Event
    dates: str
    year: int
    status: str


def _row(event: Event) -> EventRow:
    return EventRow(
        event=event,
        dates=event_dates(event),
        year=in_host_zone(event, event.starts_at).year,
        status=event.get_status_display(),
    )


def list_context(user: Any, *, year: str = "", status: str = "") -> dict[str, Any]:
    """Upcoming events (soonest first) and past ones (latest first), optionally of one year
    (in the host's zone) or one status. One query: a network holds a few events a year."""
    now = timezone.now()
    events = list(selectors.visible_events(user).order_by("starts_at", "pk"))
    statuses = [(value, label) for value, label in Status.choices if value != Status.DRAFT]
    if user.has_perm("events.manage_event"):
        statuses = list(Status.choices)
    years = sorted({in_host_zone(e, e.starts_at).year for e in events}, reverse=True)
    # Compared as text: "²" is a digit to str.isdigit but no number to int().
    chosen_year = next((y for y in years if str(y) == year), None)
    chosen_status = status if status in dict(statuses) else ""
    rows = [
        _row(e)
        for e in events
        if (chosen_year is None or in_host_zone(e, e.starts_at).year == chosen_year)
        and (not chosen_status or e.status == chosen_status)
    ]
    return {
        "upcoming": [r for r in rows if r.event.ends_at >= now],
        "past": [r for r in reversed(rows) if r.event.ends_at < now],
        "years": years,
        "statuses": statuses,
        "year": chosen_year,
        "status": chosen_status,
        "filtered": chosen_year is not None or bool(chosen_status),
        "any_event": bool(events),
    }


# --- one event ------------------------------------------------------------------------------


@dataclass
class SessionRow:
    session: Session
    time: str
    kind: str
    speakers: list[Speaker]
    practices: list[Practice]
    calendar_url: str


@dataclass
class AgendaDay:
    date: dt.date
    label: str
    sessions: list[SessionRow] = field(default_factory=list)


@dataclass
class Places:
    capacity: int
    confirmed: int

    @property
    def left(self) -> int:
        return max(self.capacity - self.confirmed, 0)


@dataclass
class Links:
    """The pages of the event's organisers that the person may open. The page builds each
    URL only if its module is installed, so the public pages also serve without the
    organisers' modules (tests/events/test_public_pages.py checks it)."""

    edit: bool = False
    desk: bool = False
    check_in: bool = False
    delegation_region: Region | None = None

    @property
    def any(self) -> bool:
        return self.edit or self.desk or self.check_in or self.delegation_region is not None


def _links(user: Any, event: Event) -> Links:
    manage = user.has_perm("events.manage_event", event)
    region = user.region if is_officer(user) else None
    return Links(
        edit=manage,
        desk=manage,
        check_in=user.has_perm("events.check_in", event),
        delegation_region=region,
    )


def agenda_days(event: Event) -> list[AgendaDay]:
    """The agenda grouped by day in the host's zone."""
    days = []
    for day, sessions in groupby(
        selectors.agenda(event), key=lambda s: in_host_zone(event, s.starts_at).date()
    ):
        rows = [
            SessionRow(
                session=s,
                time=time_range(event, s.starts_at, s.ends_at),
                kind=capfirst(s.get_kind_display()),
                speakers=list(s.speakers.all()),
                practices=list(s.practices.all()),
                calendar_url=reverse(
                    "events:session_calendar", kwargs={"slug": event.slug, "pk": s.pk}
                ),
            )
            for s in sessions
        ]
        label = capfirst(format_date(day, "l, j F Y"))
        days.append(AgendaDay(date=day, label=label, sessions=rows))
    return days


def detail_context(event: Event, user: Any) -> dict[str, Any]:
    """Everything the event's page shows to ``user`` (who may see the event)."""
    days = agenda_days(event)
    return {
        "event": event,
        "dates": event_dates(event),
        "zone": event.zone_abbreviation,
        "registration_opens": _local_moment(event, event.registration_opens_at),
        "registration_closes": _local_moment(event, event.registration_closes_at),
        "registration_open": registration_open(event),
        "places": Places(event.capacity, selectors.confirmed_count(event)),
        "days": days,
        "session_count": sum(len(d.sessions) for d in days),
        "links": _links(user, event),
    }


# --- certificates ---------------------------------------------------------------------------


def certificate_context(certificate: Certificate, user: Any) -> dict[str, Any]:
    """What a certificate says, and nothing more: no contact, no ticket."""
    registration = certificate.registration
    event = registration.delegation.event
    return {
        "certificate": certificate,
        "code": grouped_code(certificate.code),
        "name": registration.name,
        "region": registration.delegation.region,
        "event": event,
        "event_visible": selectors.visible_events(user).filter(pk=event.pk).exists(),
        "dates": event_dates(event),
        "city": event.city or event.host_region.name,
        "issued": _local_date(event, certificate.issued_at),
        "revoked": _local_date(event, certificate.revoked_at) if certificate.revoked_at else "",
        "is_revoked": certificate.revoked_at is not None,
        "is_demo": registration.is_demo or event.is_demo,
    }


# --- sections of other apps' pages ----------------------------------------------------------


@dataclass
class PresentedRow:
    session: Session
    event: Event
    date: str
    url: str


def practice_sessions_context(practice: Practice) -> dict[str, Any]:
    """The sessions where the practice was presented, for its page (one query)."""
    rows = [
        PresentedRow(
            session=s,
            event=s.event,
            date=_local_date(s.event, s.starts_at),
            url=event_url(s.event, f"session-{s.pk}"),
        )
        for s in selectors.sessions_presenting(practice)
    ]
    return {"practice": practice, "rows": rows}


@dataclass
class DelegationRow:
    delegation: Delegation
    event: Event
    dates: str
    confirmed: int
    arrived: int | None  # None before the event starts: nobody can have arrived


def region_events_context(region: Region) -> dict[str, Any]:
    """The events a region hosts and those its delegation went to, with counts and no
    names (two queries)."""
    now = timezone.now()
    hosted = [(e, event_dates(e)) for e in selectors.hosted_events(region)]
    delegations = [
        DelegationRow(
            delegation=d,
            event=d.event,
            dates=event_dates(d.event),
            confirmed=d.confirmed_count,
            arrived=d.arrived_count if d.event.starts_at <= now else None,
        )
        for d in selectors.region_delegations(region)
    ]
    return {"region": region, "hosted": hosted, "delegations": delegations}
