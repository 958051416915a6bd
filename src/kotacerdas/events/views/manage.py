"""Delegations and the secretariat's desk.

A region's officers register their delegation's participants (up to the quotas; beyond
them onto the waiting list), cancel them, and download tickets and badges. The
secretariat sees every delegation, sets quotas, invites regions, approves registrations,
follows arrivals during the event, exports the participants, and issues and revokes
certificates. Each view finds what the request is about, asks the rule, calls one service
or selector and renders; the services check the rule again inside their transaction.

Who sees what: a delegation page is for the region's officers and the secretariat (403
for other signed-in users); the desk is the secretariat's alone.
"""

from __future__ import annotations

from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kotacerdas.regions import selectors as region_selectors
from kotacerdas.regions.models import Region
from kotacerdas.web.forms import attach_errors
from kotacerdas.web.responses import CSV, PDF, XLSX, download

from .. import documents, selectors, services
from ..forms_manage import InviteForm, ParticipantForm, QuotaForm, RevokeForm
from ..models import Delegation, Event, Registration
from ..services.registration import registration_open

Status = Registration.Status
NO_SHOW_LIMIT = 200


# --- finding what a request is about --------------------------------------------------------


def _may(request: HttpRequest, perm: str, obj: Any = None) -> bool:
    """Asked of the rule directly, like the services do (a superuser gets the
    secretariat's rights through the rule, and no more)."""
    return rules.has_perm(perm, request.user, obj)


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not _may(request, perm, obj):
        raise PermissionDenied(_("You may not do this."))


def _event(request: HttpRequest, slug: str) -> Event:
    # A draft is the secretariat's until it opens.
    event = selectors.visible_event(request.user, slug)
    if event is None:
        raise Http404(_("There is no such event."))
    return event


def _region(code: str) -> Region:
    try:
        return region_selectors.get_region(code)
    except (Region.DoesNotExist, ValidationError):
        raise Http404(_("No region has the code %(code)s.") % {"code": code}) from None


def _registration(request: HttpRequest, event: Event, pk: int, perm: str) -> Registration:
    registration = selectors.registration_of(event, pk)
    if registration is None:
        raise Http404(_("There is no such participant."))
    _require(request, perm, registration)
    return registration


def _delegation_url(event: Event, region: Region) -> str:
    return reverse("events:delegation", kwargs={"slug": event.slug, "code": region.code})


def _desk_url(event: Event) -> str:
    return reverse("events:desk", kwargs={"slug": event.slug})


def _back(request: HttpRequest, fallback: str) -> str:
    """Where a POST from the delegation page or the desk returns to (only our own pages)."""
    target = request.POST.get("next", "")
    return target if target.startswith("/events/") else fallback


# --- a region's delegation --------------------------------------------------------------------


def _announce(request: HttpRequest, event: Event, registration: Registration) -> None:
    """Say what became of a new registration, and why when it had to wait."""
    values = {"name": registration.name}
    if registration.status == Status.CONFIRMED:
        messages.success(request, _("%(name)s is registered and confirmed.") % values)
    elif registration.status == Status.PENDING:
        messages.info(
            request, _("%(name)s is registered and awaits the secretariat's approval.") % values
        )
    else:
        reason = services.waiting_reason(registration)
        messages.warning(
            request,
            _("%(name)s is on the waiting list: %(reason)s") % {**values, "reason": reason},
        )


@login_required
def delegation(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    event = _event(request, slug)
    region = _region(code)
    existing = selectors.delegation_of(event, region)
    probe = existing or Delegation(event=event, region=region)
    _require(request, "events.view_participants", probe)
    may_register = _may(request, "events.manage_delegation", probe)
    is_open = registration_open(event)
    form = ParticipantForm(
        request.POST if request.method == "POST" else None, region_code=region.code
    )
    if request.method == "POST":
        _require(request, "events.manage_delegation", probe)
        if form.is_valid():
            try:
                registration = services.register_in_region(
                    actor=request.user, event=event, region=region, data=form.cleaned_data
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                _announce(request, event, registration)
                return redirect(_delegation_url(event, region))
    participants = list(selectors.delegation_participants(existing)) if existing else []
    return render(
        request,
        "events/manage/delegation.html",
        {
            "event": event,
            "region": region,
            "delegation": existing,
            "participants": participants,
            "counts": {
                status: sum(1 for p in participants if p.status == status) for status in Status
            },
            "quotas": selectors.quota_usage(event, region),
            "confirmed_total": selectors.confirmed_count(event),
            "form": form,
            "may_register": may_register and is_open,
            "registration_open": is_open,
            "is_secretariat": _may(request, "events.manage_event", event),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _event(request, slug)
    registration = _registration(request, event, pk, "events.manage_delegation")
    promoted = services.cancel_registration(actor=request.user, registration=registration)
    messages.success(request, _("%(name)s is cancelled.") % {"name": registration.name})
    if promoted:
        messages.info(
            request,
            _("Moved up from the waiting list: %(names)s.")
            % {"names": ", ".join(f"{r.name} ({r.delegation.region.name})" for r in promoted)},
        )
    return redirect(_back(request, _delegation_url(event, registration.delegation.region)))


@login_required
@require_safe
def ticket_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _event(request, slug)
    registration = _registration(request, event, pk, "events.view_participants")
    if registration.status != Status.CONFIRMED:
        raise Http404(_("Only a confirmed participant has a ticket."))
    return download(documents.ticket_pdf(registration), PDF, f"ticket-{registration.code}.pdf")


@login_required
@require_safe
def delegation_badges(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    event = _event(request, slug)
    region = _region(code)
    existing = selectors.delegation_of(event, region)
    _require(
        request, "events.view_participants", existing or Delegation(event=event, region=region)
    )
    confirmed = (
        selectors.delegation_participants(existing).filter(status=Status.CONFIRMED)
        if existing
        else []
    )
    return download(documents.badges_pdf(confirmed), PDF, f"badges-{event.slug}-{region.code}.pdf")


# --- the secretariat's desk -------------------------------------------------------------------


def _desk_context(request: HttpRequest, event: Event, **forms: Any) -> dict[str, Any]:
    no_shows = selectors.no_shows(event)
    return {
        "event": event,
        "figures": selectors.dashboard(event),
        "by_region": selectors.attendance_by_region(event),
        "by_role": selectors.attendance_by_role(event),
        "delegations": selectors.delegations_overview(event),
        "quotas": selectors.quota_usage(event),
        "pending": selectors.in_status(event, Status.PENDING),
        "waiting": selectors.in_status(event, Status.WAITLISTED),
        "no_shows": no_shows[:NO_SHOW_LIMIT],
        "no_show_limit": NO_SHOW_LIMIT,
        "no_show_count": no_shows.count(),
        "certificates": selectors.certificate_counts(event),
        "quota_form": forms.get("quota_form") or QuotaForm(),
        "invite_form": forms.get("invite_form") or InviteForm(),
        "revoke_form": forms.get("revoke_form") or RevokeForm(),
        "may_check_in": _may(request, "events.check_in", event),
    }


def _desk_page(request: HttpRequest, event: Event, status: int = 200, **forms: Any) -> HttpResponse:
    return render(
        request, "events/manage/desk.html", _desk_context(request, event, **forms), status=status
    )


@login_required
@require_safe
def desk(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    _require(request, "events.manage_event", event)
    return _desk_page(request, event)


@login_required
@require_POST
def quota(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    _require(request, "events.manage_event", event)
    form = QuotaForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_quota(
                actor=request.user,
                event=event,
                region=data["region"],
                role=data["role"],
                limit=data["limit"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The quota is saved."))
            return redirect(_desk_url(event) + "#quotas")
    return _desk_page(request, event, status=400, quota_form=form)


@login_required
@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    _require(request, "events.manage_event", event)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _desk_page(request, event, status=400, invite_form=form)
    region = form.cleaned_data["region"]
    services.open_delegation(actor=request.user, event=event, region=region)
    messages.success(request, _("The delegation of %(region)s is open.") % {"region": region.name})
    return redirect(_desk_url(event) + "#delegations")


@login_required
@require_POST
def approve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _event(request, slug)
    registration = _registration(request, event, pk, "events.approve_registration")
    try:
        registration = services.approve_registration(actor=request.user, registration=registration)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if registration.status == Status.CONFIRMED:
            messages.success(request, _("%(name)s is confirmed.") % {"name": registration.name})
        else:
            messages.warning(
                request,
                _("%(name)s is approved but waits for a place.") % {"name": registration.name},
            )
    return redirect(_back(request, _desk_url(event) + "#pending"))


@login_required
@require_POST
def issue_certificates(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    _require(request, "events.issue_certificates", event)
    issued = services.issue_certificates(actor=request.user, event=event)
    messages.success(
        request,
        _("%(n)d certificates issued to participants who checked in.") % {"n": len(issued)},
    )
    return redirect(_desk_url(event) + "#certificates")


@login_required
@require_POST
def revoke(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    _require(request, "events.issue_certificates", event)
    form = RevokeForm(request.POST)
    if form.is_valid():
        certificate = selectors.certificate_by_code(form.cleaned_data["code"])
        if certificate is None or certificate.registration.delegation.event_id != event.pk:
            form.add_error("code", _("No certificate of this event has this code."))
        else:
            try:
                services.revoke_certificate(
                    actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The certificate %(code)s of %(name)s is revoked.")
                    % {"code": certificate.code, "name": certificate.registration.name},
                )
                return redirect(_desk_url(event) + "#certificates")
    return _desk_page(request, event, status=400, revoke_form=form)


@login_required
@require_safe
def participants_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    event = _event(request, slug)
    _require(request, "events.manage_event", event)
    name = f"participants-{event.slug}.{fmt}"
    if fmt == "csv":
        return download(selectors.participants_csv(event), CSV, name)
    return download(selectors.participants_xlsx(event), XLSX, name)


@login_required
@require_safe
def badges(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    _require(request, "events.manage_event", event)
    confirmed = selectors.participants(event).filter(status=Status.CONFIRMED)
    return download(documents.badges_pdf(confirmed), PDF, f"badges-{event.slug}.pdf")


urlpatterns = [
    path("<slug:slug>/desk/", desk, name="desk"),
    path("<slug:slug>/desk/quota/", quota, name="quota"),
    path("<slug:slug>/desk/invite/", invite, name="invite"),
    path("<slug:slug>/desk/certificates/", issue_certificates, name="issue_certificates"),
    path("<slug:slug>/desk/revoke/", revoke, name="revoke"),
    path("<slug:slug>/participants.csv", participants_export, {"fmt": "csv"}, name="export_csv"),
    path("<slug:slug>/participants.xlsx", participants_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("<slug:slug>/badges.pdf", badges, name="badges"),
    path("<slug:slug>/delegations/<str:code>/", delegation, name="delegation"),
    path(
        "<slug:slug>/delegations/<str:code>/badges.pdf", delegation_badges, name="delegation_badges"
    ),
    path("<slug:slug>/registrations/<int:pk>/cancel/", cancel, name="cancel"),
    path("<slug:slug>/registrations/<int:pk>/approve/", approve, name="approve"),
    path("<slug:slug>/registrations/<int:pk>/ticket.pdf", ticket_pdf, name="ticket_pdf"),
]
