"""The secretariat's organising pages: a new event, an event's settings and its agenda.

Thin: each view checks that the user organises events, finds what the address names,
calls one service of :mod:`kotacerdas.events.services.agenda` and renders. The forms carry
what was typed (times in the host region's zone); the services judge it, and every problem
they report goes back next to its field. Only the secretariat (and administrators, through
the same rule) sees these pages; anybody else signed in gets a 403, whatever the address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kotacerdas.regions import selectors as region_selectors
from kotacerdas.web.forms import attach_errors

from .. import selectors, services
from ..forms import (
    EventForm,
    HostRegionForm,
    SessionForm,
    speaker_formset,
    speakers_of,
    with_extra_row,
    zone_label,
)
from ..models import Event, Session

MANAGE = "events.manage_event"


# --- who and what ----------------------------------------------------------------------------


def _require_organiser(request: HttpRequest, event: Event | None = None) -> None:
    if not rules.has_perm(MANAGE, request.user, event):
        raise PermissionDenied(_("Only the network secretariat organises events."))


def _event(request: HttpRequest, slug: str) -> Event:
    # Asked before the lookup: whether a draft event exists is nobody else's business.
    _require_organiser(request)
    event = selectors.event_by_slug(slug)
    if event is None:
        raise Http404(_("There is no such event."))
    _require_organiser(request, event)
    return event


def _session(event: Event, pk: int) -> Session:
    return get_object_or_404(
        Session.objects.select_related("event__host_region"), pk=pk, event=event
    )


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _edit_url(event: Event) -> str:
    return reverse("events:edit", kwargs={"slug": event.slug})


# --- the agenda as the editor lists it -------------------------------------------------------


@dataclass(frozen=True)
class AgendaRow:
    session: Session
    time: str


@dataclass(frozen=True)
class AgendaDay:
    day: dt.date
    rows: list[AgendaRow]


def _clock_range(event: Event, session: Session) -> str:
    """``08.00–09.00 WITA``; a session past midnight names the day it ends."""
    zone = event.zone
    start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
    label = event.host_region.timezone_abbreviation or zone.key
    if start.date() == end.date():
        return f"{start:%H.%M}–{end:%H.%M} {label}"
    return f"{start:%H.%M}–{end:%d.%m. %H.%M} {label}"


def _agenda(event: Event) -> list[AgendaDay]:
    """The event's sessions grouped by their day in the host's zone."""
    days: dict[dt.date, list[AgendaRow]] = {}
    for session in selectors.organiser_agenda(event):
        day = session.starts_at.astimezone(event.zone).date()
        days.setdefault(day, []).append(AgendaRow(session, _clock_range(event, session)))
    return [AgendaDay(day, rows) for day, rows in days.items()]


# --- the event -----------------------------------------------------------------------------


def _event_page(
    request: HttpRequest,
    form: EventForm,
    *,
    event: Event | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "event": event,
        "region": form.region,
        "zone": zone_label(form.region),
        "new": event is None,
    }
    if event is not None:
        context |= {"agenda": _agenda(event), "regions": region_selectors.current_regions()}
    return render(request, "events/organise/event.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    if request.method == "GET":
        # First the host region: its zone is the one the times are typed in.
        if "region" not in request.GET:
            return _region_page(request, HostRegionForm())
        chosen = HostRegionForm(request.GET)
        if not chosen.is_valid():
            return _region_page(request, chosen, status=422)
        return _event_page(request, EventForm(region=chosen.cleaned_data["region"]))
    region = region_selectors.current_region(request.POST.get("host_region", ""))
    form = EventForm(request.POST, region=region)
    if form.is_valid():
        try:
            event = services.create_event(actor=request.user, data=form.values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("The event is saved as “%(status)s”. Add its agenda below.")
                % {"status": event.get_status_display()},
            )
            return redirect(_edit_url(event))
    return _event_page(request, form, status=422)


def _region_page(request: HttpRequest, form: HostRegionForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "events/organise/host.html",
        {"form": form, "regions": region_selectors.current_regions()},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    form = EventForm(_posted(request), region=event.host_region, event=event)
    if request.method == "GET":
        return _event_page(request, form, event=event)
    if form.is_valid():
        try:
            event = services.update_event(actor=request.user, event=event, data=form.values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(_edit_url(event))
    return _event_page(request, form, event=event, status=422)


# --- sessions ------------------------------------------------------------------------------


def _session_page(
    request: HttpRequest,
    event: Event,
    form: SessionForm,
    speakers: Any,
    *,
    session: Session | None = None,
    speaker_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "events/organise/session.html",
        {
            "event": event,
            "session": session,
            "form": form,
            "speakers": speakers,
            "speaker_errors": speaker_errors or [],
            "zone": zone_label(event.host_region),
            # The suggestions of the practices' boxes: short name and title.
            "published": selectors.presentable_practices(),
        },
        status=status,
    )


def _save_session(request: HttpRequest, event: Event, session: Session | None) -> HttpResponse:
    form = SessionForm(_posted(request), event=event, session=session)
    speakers = speaker_formset(_posted(request), session=session)
    if request.method == "GET":
        return _session_page(request, event, form, speakers, session=session)
    if request.POST.get("add") == "speakers":
        return _session_page(request, event, form, with_extra_row(speakers), session=session)
    speaker_errors: list[str] = []
    if form.is_valid() and speakers.is_valid():
        data = form.values() | {"speakers": speakers_of(speakers)}
        try:
            saved = services.save_session(
                actor=request.user, event=event, session=session, data=data
            )
        except ValidationError as exc:
            problems = exc.message_dict if hasattr(exc, "error_dict") else {}
            speaker_errors = problems.pop("speakers", [])
            attach_errors(form, ValidationError(problems) if problems else exc)
        else:
            messages.success(
                request, _("The session “%(title)s” is saved.") % {"title": saved.title}
            )
            return redirect(_edit_url(event) + f"#session-{saved.pk}")
    return _session_page(
        request,
        event,
        form,
        speakers,
        session=session,
        speaker_errors=speaker_errors,
        status=422,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _save_session(request, _event(request, slug), None)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _event(request, slug)
    return _save_session(request, event, _session(event, pk))


@login_required
@require_http_methods(["GET", "POST"])
def session_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _event(request, slug)
    session = _session(event, pk)
    if request.method == "GET":
        return render(
            request,
            "events/organise/session_delete.html",
            {
                "event": event,
                "session": session,
                "day": session.starts_at.astimezone(event.zone).date(),
                "time": _clock_range(event, session),
            },
        )
    try:
        services.delete_session(actor=request.user, session=session)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_edit_url(event) + f"#session-{session.pk}")
    messages.success(request, _("The session “%(title)s” is deleted.") % {"title": session.title})
    return redirect(_edit_url(event) + "#agenda")


urlpatterns = [
    path("new/", create, name="create"),
    path("<slug:slug>/edit/", edit, name="edit"),
    path("<slug:slug>/sessions/new/", session_create, name="session_create"),
    path("<slug:slug>/sessions/<int:pk>/edit/", session_edit, name="session_edit"),
    path("<slug:slug>/sessions/<int:pk>/delete/", session_delete, name="session_delete"),
]
