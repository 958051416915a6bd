"""The check-in desk: staff scan a ticket's QR code or type its code, for the event or for
one of its sessions.

The page answers a scan with the same page (no redirect), the code box empty and focused,
so a handheld scanner can read the next ticket at once. Sending the same form twice is
harmless: the service records one check-in, and every later scan of the ticket says when
and where the first one happened. The page
works without JavaScript; ``events/checkin.js`` adds the camera where the browser can read
QR codes (``BarcodeDetector``) and blocks a second submission while one is on its way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import rules
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .. import selectors, services
from ..models import CheckIn, Event, Registration, Session

PLACE_KEY = "events.checkin.place"
RECENT = 8
CODE_MAX = 300


class SessionChoice(forms.ModelChoiceField):
    def __init__(self, event: Event, **kwargs: Any) -> None:
        self.event = event
        super().__init__(queryset=event.sessions.order_by("starts_at", "pk"), **kwargs)

    def label_from_instance(self, obj: Session) -> str:
        return f"{_local_time(self.event, obj.starts_at, with_date=True)} — {obj.title}"


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Ticket code or QR code"),
        max_length=CODE_MAX,
        error_messages={"required": gettext_lazy("Scan a ticket or type its code.")},
    )
    place = forms.CharField(
        label=gettext_lazy("Desk"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("Where you check people in, e.g. “Meja 1”. Remembered."),
    )

    def __init__(self, event: Event, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"] = SessionChoice(
            event,
            label=_("Check in for"),
            required=False,
            empty_label=_("The event itself"),
        )


@dataclass(frozen=True)
class Outcome:
    """What the desk shows after a scan: ``kind`` is success, already or error."""

    kind: str
    message: str
    registration: Registration | None = None
    checkin: CheckIn | None = None
    entered: str = ""

    @property
    def role_line(self) -> str:
        registration = self.registration
        if registration is None:
            return ""
        role = capfirst(registration.get_role_display())
        if registration.position and registration.position.lower() != role.lower():
            return f"{role} · {registration.position}"
        return role


def _local_time(event: Event, moment: dt.datetime, *, with_date: bool = False) -> str:
    """``09:12 WITA`` (or ``16 Oct 2019 09:12 WITA``) in the host region's zone."""
    local = moment.astimezone(event.zone)
    clock = f"{local:%H:%M} {event.zone_abbreviation}".strip()
    return f"{format_date(local, 'j M Y')} {clock}" if with_date else clock


def _other_day(event: Event, moment: dt.datetime) -> bool:
    return moment.astimezone(event.zone).date() != timezone.now().astimezone(event.zone).date()


def _already(event: Event, checkin: CheckIn) -> str:
    values = {
        "time": _local_time(event, checkin.at),
        "date": format_date(checkin.at.astimezone(event.zone), "j M Y"),
        "place": checkin.place,
    }
    if _other_day(event, checkin.at):
        if checkin.place:
            return _("Already checked in on %(date)s at %(time)s (%(place)s).") % values
        return _("Already checked in on %(date)s at %(time)s.") % values
    if checkin.place:
        return _("Already checked in at %(time)s (%(place)s).") % values
    return _("Already checked in at %(time)s.") % values


def _outcome(request: HttpRequest, event: Event, result: Any, place: str) -> Outcome:
    checkin, registration = result.checkin, result.registration
    if result.first:
        message = _("Checked in at %(time)s.") % {"time": _local_time(event, checkin.at)}
        return Outcome("success", message, registration, checkin)
    return Outcome("already", _already(event, checkin), registration, checkin)


def _event_for_desk(request: HttpRequest, slug: str) -> Event:
    event = selectors.event_by_slug(slug)
    if event is None:
        raise Http404(_("There is no such event."))
    # The rule, not user.has_perm: the service asks the rule too, and a superuser is
    # secretariat through it.
    if not rules.has_perm("events.check_in", request.user, event):
        raise PermissionDenied(_("Only the secretariat checks participants in."))
    return event


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_for_desk(request, slug)
    outcome = None
    session = None
    place = request.session.get(PLACE_KEY, "")
    if request.method == "POST":
        form = CheckInForm(event, request.POST)
        valid = form.is_valid()
        # The fields that are valid stay chosen even when the code is missing.
        session = form.cleaned_data.get("session")
        if "place" in form.cleaned_data:
            place = form.cleaned_data["place"].strip()
            if request.session.get(PLACE_KEY) != place:  # no session write on every scan
                request.session[PLACE_KEY] = place
        if valid:
            code = form.cleaned_data["code"]
            try:
                result = services.check_in(
                    actor=request.user, event=event, scanned=code, session=session, place=place
                )
            except ValidationError as error:
                outcome = Outcome("error", " ".join(error.messages), entered=code[:60])
            else:
                outcome = _outcome(request, event, result, place)
    else:
        form = CheckInForm(event, initial={"place": place})
    recent = [
        (item, _local_time(event, item.at, with_date=_other_day(event, item.at)))
        for item in selectors.desk_checkins(event, request.user, place, limit=RECENT)
    ]
    context = {
        "event": event,
        "form": form,
        "outcome": outcome,
        "session": session,
        "place": place,
        "figures": selectors.arrivals(event, session),
        "recent": recent,
    }
    return render(request, "events/checkin/desk.html", context)


urlpatterns: list[URLPattern] = [
    path("<slug:slug>/checkin/", checkin, name="checkin"),
]
