"""The endpoints of events (see the package's docstring for the rules)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import rules
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import P, PathEx, Query, Router, Status

from kotacerdas.api.auth import OPTIONAL_AUTH, OPTIONAL_SECURITY, signed_in
from kotacerdas.api.schemas import MAX_ID, Error, PageParams, paginate
from kotacerdas.core.services import require_rule
from kotacerdas.regions.api import region_from_body, region_from_path

from .. import selectors, services
from ..models import Certificate, Delegation, Event, Registration, Session
from ..services.registration import registration_open
from .schemas import (
    CODE_DESCRIPTION,
    EventAttendanceOut,
    EventCancellationOut,
    EventCertificateOut,
    EventCheckInIn,
    EventCheckInOut,
    EventDelegationIn,
    EventDelegationOut,
    EventDelegationPage,
    EventDetail,
    EventFiltersIn,
    EventPage,
    EventQuotaIn,
    EventQuotaPage,
    EventRegistrationCreated,
    EventRegistrationIn,
    EventRegistrationOut,
    EventRegistrationPage,
    EventSessionPage,
)

router = Router(tags=["events"])

READ_ERRORS: dict[int, Any] = {404: Error, 422: Error}
WRITE_ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error, 422: Error}
# Reads of participant data: a token is needed (401 without), and the right one (403).
PROTECTED_ERRORS: dict[int, Any] = WRITE_ERRORS

_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")
RegistrationStatus = Registration.Status

Slug = PathEx[str, P(description="Short name of the event.", example="sbp-citynet-indonesia-2019")]
RegionCode = PathEx[str, P(description=CODE_DESCRIPTION, example="53.71")]
RegistrationId = PathEx[int, P(ge=1, le=MAX_ID, description="The registration's id.")]
CertificateCode = PathEx[
    str,
    P(
        max_length=40,
        description="The verification code printed on the certificate (case and dashes "
        "do not matter).",
        example="ABCD-EFGH-JKMN",
    ),
]


# --- lookups -------------------------------------------------------------------------------


def _event(slug: str, viewer: Any = None) -> Event:
    """The event; a draft is the secretariat's until it opens (a 404 for anyone else)."""
    event = selectors.visible_event(viewer, slug) if _SLUG.match(slug) else None
    if event is None:
        raise Http404(_("No event has the short name “%(slug)s”.") % {"slug": slug})
    return event


def _registration(event: Event, pk: int) -> Registration:
    registration = selectors.registration_of(event, pk)
    if registration is None:
        raise Http404(
            _("The event “%(slug)s” has no registration with the id %(id)s.")
            % {"slug": event.slug, "id": pk}
        )
    return registration


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


# --- shapes --------------------------------------------------------------------------------


def _local(value: dt.datetime | None, event: Event) -> dt.datetime | None:
    return None if value is None else value.astimezone(event.zone)


def _card(event: Event) -> dict[str, Any]:
    region = event.host_region
    return {
        "slug": event.slug,
        "name": event.name,
        "theme": event.theme,
        "host_region": region,
        "city": event.city,
        "venue": event.venue,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "starts_local": _local(event.starts_at, event),
        "ends_local": _local(event.ends_at, event),
        "timezone": event.zone.key,
        "timezone_abbreviation": region.timezone_abbreviation,
        "status": event.status,
        "capacity": event.capacity,
        "registration_opens_at": event.registration_opens_at,
        "registration_closes_at": event.registration_closes_at,
        "registration_open": registration_open(event),
        "requires_approval": event.requires_approval,
        "is_demo": event.is_demo,
    }


def _session(session: Session, event: Event) -> dict[str, Any]:
    return {
        "id": session.pk,
        "title": session.title,
        "kind": session.kind,
        "room": session.room,
        "description": session.description,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "starts_local": _local(session.starts_at, event),
        "ends_local": _local(session.ends_at, event),
        "speakers": list(session.speakers.all()),
        "practices": [
            {"slug": practice.slug, "title": practice.published_version.title}
            for practice in session.practices.all()
        ],
    }


def _certificate_status(certificate: Certificate) -> str:
    return "valid" if certificate.revoked_at is None else "revoked"


def _participant(registration: Registration) -> dict[str, Any]:
    # A missing reverse one-to-one raises an AttributeError subclass: getattr's default.
    certificate = getattr(registration, "certificate", None)
    return {
        "id": registration.pk,
        "region": registration.delegation.region,
        "name": registration.name,
        "role": registration.role,
        "position": registration.position,
        "kecamatan_code": registration.kecamatan_code,
        "kelurahan_code": registration.kelurahan_code,
        "email": registration.email,
        "phone": registration.phone,
        "status": registration.status,
        "code": registration.code,
        "registered_at": registration.registered_at,
        "checked_in": bool(getattr(registration, "arrived", False)),
        "certificate": None
        if certificate is None
        else {"code": certificate.code, "status": _certificate_status(certificate)},
        "is_demo": registration.is_demo,
    }


def _participants(event: Event, pks: Iterable[int]) -> list[Registration]:
    """The registrations ``pks`` read back after a write, in the order given."""
    order = list(pks)
    rows = {r.pk: r for r in selectors.registrations_with_certificates(event, order)}
    return [rows[pk] for pk in order]


def _quotas(event: Event) -> list[dict[str, Any]]:
    """The event's quotas in the desk's order: those for every region first, then by region
    name, roles in their listed order."""
    return [
        {
            "region": use.quota.region,
            "role": use.quota.role or None,
            "limit": use.quota.limit,
            "used": use.used,
            "left": use.left,
            "full": use.full,
        }
        for use in selectors.quota_usage(event)
    ]


# --- events and their agenda ---------------------------------------------------------------
#
# Every /{slug}/... path comes before /certificates/{code}: an event whose short name is
# "certificates" keeps its sub-resources, and no verification code (12 characters) is
# spelled like one of them.


@router.get(
    "",
    auth=None,
    response={200: EventPage, 422: Error},
    operation_id="list_events",
    summary="List events",
    description=(
        "Seminars and workshops of the network, latest first, filtered by `status` "
        "(open, closed, held), host `region` and the `year` they start. Drafts are not "
        "listed. Times are given in UTC and in the host's time zone."
    ),
)
def list_events(
    request: HttpRequest, filters: Query[EventFiltersIn], page: Query[PageParams]
) -> dict[str, Any]:
    region = region_from_path(filters.region, "region") if filters.region else None
    rows = selectors.public_events(status=filters.status, region=region, year=filters.year)
    result = paginate(rows, page)
    result["items"] = [_card(event) for event in result["items"]]
    return result


@router.get(
    "/{slug}",
    auth=None,
    response={200: EventDetail, **READ_ERRORS},
    operation_id="get_event",
    summary="One event with its agenda",
    description=(
        "The event, its sessions with speakers and the practices of the library presented, "
        "and how many places are taken. No participant is named."
    ),
)
def get_event(request: HttpRequest, slug: Slug) -> dict[str, Any]:
    event = _event(slug)
    confirmed = selectors.confirmed_count(event)
    return {
        **_card(event),
        "description": event.description,
        "sessions": [_session(session, event) for session in selectors.agenda(event)],
        "counts": {"confirmed": confirmed, "places_left": max(event.capacity - confirmed, 0)},
    }


@router.get(
    "/{slug}/sessions",
    auth=None,
    response={200: EventSessionPage, **READ_ERRORS},
    operation_id="list_event_sessions",
    summary="The agenda of an event",
    description="Sessions in time order, with speakers and the published practices presented.",
)
def list_event_sessions(
    request: HttpRequest, page: Query[PageParams], slug: Slug
) -> dict[str, Any]:
    event = _event(slug)
    result = paginate(selectors.agenda(event), page)
    result["items"] = [_session(session, event) for session in result["items"]]
    return result


# --- delegations and registrations ---------------------------------------------------------


@router.get(
    "/{slug}/delegations",
    auth=None,
    response={200: EventDelegationPage, **READ_ERRORS},
    operation_id="list_event_delegations",
    summary="Delegations to an event",
    description=(
        "Every region's delegation, by region name, with its participants counted by "
        "status. Names are for the region's officers and the secretariat: see "
        "`.../delegations/{code}/registrations`."
    ),
)
def list_event_delegations(
    request: HttpRequest, page: Query[PageParams], slug: Slug
) -> dict[str, Any]:
    return paginate(selectors.delegations_overview(_event(slug)), page)


@router.post(
    "/{slug}/delegations",
    response={200: EventDelegationOut, 201: EventDelegationOut, **WRITE_ERRORS},
    operation_id="open_event_delegation",
    summary="Open a region's delegation",
    description=(
        "For an officer of that region or the secretariat. 201 when the delegation is "
        "new, 200 when the region already has one (nothing changes)."
    ),
)
def open_event_delegation(request: HttpRequest, payload: EventDelegationIn, slug: Slug) -> Status:
    event = _event(slug, request.auth)
    region = region_from_body(payload.region, "region")
    existed = selectors.delegation_of(event, region) is not None
    delegation = services.open_delegation(actor=request.auth, event=event, region=region)
    row = selectors.delegations_overview(event).get(pk=delegation.pk)
    return Status(200 if existed else 201, row)


@router.get(
    "/{slug}/delegations/{code}/registrations",
    auth=OPTIONAL_AUTH,
    openapi_extra=OPTIONAL_SECURITY,
    response={200: EventRegistrationPage, **PROTECTED_ERRORS},
    operation_id="list_delegation_registrations",
    summary="Participants of a delegation",
    description=(
        "For an officer of the region and the secretariat (a bearer token is needed: 401 "
        "without one, 403 for anyone else). Names, roles, contacts, status, the ticket "
        "code, arrival and certificate, by registration time. The ticket's QR token is "
        "never shown."
    ),
)
def list_delegation_registrations(
    request: HttpRequest, page: Query[PageParams], slug: Slug, code: RegionCode
) -> dict[str, Any]:
    user = signed_in(request)
    event = _event(slug, user)
    region = region_from_path(code)
    delegation = selectors.delegation_of(event, region)
    require_rule(
        user, "events.view_participants", delegation or Delegation(event=event, region=region)
    )
    if delegation is None:
        raise Http404(
            _("%(region)s has no delegation to “%(slug)s”.")
            % {"region": region.name, "slug": event.slug}
        )
    rows = selectors.registrations_with_certificates(event).filter(delegation=delegation)
    result = paginate(rows, page)
    result["items"] = [_participant(r) for r in result["items"]]
    return result


@router.post(
    "/{slug}/delegations/{code}/registrations",
    response={201: EventRegistrationCreated, **WRITE_ERRORS},
    operation_id="register_participant",
    summary="Register a participant in a delegation",
    description=(
        "For an officer of the region or the secretariat, while registration is open. "
        "The region's delegation is opened if it has none. The participant is confirmed "
        "when the capacity and every quota that applies have room, put on the waiting "
        "list when one is full (`reason` says which), or awaits approval when the event "
        "asks for it. A kecamatan or kelurahan must be one of the region's in the registry."
    ),
)
def register_participant(
    request: HttpRequest, payload: EventRegistrationIn, slug: Slug, code: RegionCode
) -> Status:
    event = _event(slug, request.auth)
    region = region_from_path(code)
    registration = services.register_in_region(
        actor=request.auth, event=event, region=region, data=payload.model_dump()
    )
    (row,) = _participants(event, [registration.pk])
    return Status(201, {**_participant(row), "reason": services.waiting_reason(registration)})


@router.post(
    "/{slug}/registrations/{registration_id}/cancel",
    response={200: EventCancellationOut, **WRITE_ERRORS},
    operation_id="cancel_registration",
    summary="Cancel a participation",
    description=(
        "For an officer of the participant's region or the secretariat. A confirmed "
        "place goes to the waiting list, earliest first, as far as the quotas allow; the "
        "answer lists who moved up. Cancelling twice changes nothing."
    ),
)
def cancel_registration(
    request: HttpRequest, slug: Slug, registration_id: RegistrationId
) -> dict[str, Any]:
    event = _event(slug, request.auth)
    registration = _registration(event, registration_id)
    promoted = services.cancel_registration(actor=request.auth, registration=registration)
    cancelled, *moved = _participants(event, [registration.pk, *(r.pk for r in promoted)])
    return {
        "registration": _participant(cancelled),
        "promoted": [
            _participant(r)
            for r in moved
            if rules.has_perm("events.view_participants", request.auth, r)
        ],
        "promoted_count": len(moved),
    }


@router.post(
    "/{slug}/registrations/{registration_id}/approve",
    response={200: EventRegistrationOut, **WRITE_ERRORS},
    operation_id="approve_registration",
    summary="Approve a registration",
    description=(
        "For the secretariat, when the event asks for approval. The participant is "
        "confirmed if a place is free, otherwise put on the waiting list. Only a "
        "registration awaiting approval can be approved (a 422 otherwise)."
    ),
)
def approve_registration(
    request: HttpRequest, slug: Slug, registration_id: RegistrationId
) -> dict[str, Any]:
    event = _event(slug, request.auth)
    registration = _registration(event, registration_id)
    services.approve_registration(actor=request.auth, registration=registration)
    (row,) = _participants(event, [registration.pk])
    return _participant(row)


# --- quotas, check-in, attendance ----------------------------------------------------------


@router.get(
    "/{slug}/quotas",
    auth=None,
    response={200: EventQuotaPage, **READ_ERRORS},
    operation_id="list_event_quotas",
    summary="Quotas of an event",
    description=(
        "Limits per role, per region and per region and role (the event's capacity is its "
        "own limit), with how many confirmed participants each counts now. Public, so "
        "that every region can see the places it has."
    ),
)
def list_event_quotas(request: HttpRequest, page: Query[PageParams], slug: Slug) -> dict[str, Any]:
    return paginate(_quotas(_event(slug)), page)


@router.put(
    "/{slug}/quotas",
    response={200: EventQuotaPage, **WRITE_ERRORS},
    operation_id="set_event_quota",
    summary="Set or remove a quota",
    description=(
        "For the secretariat. Sets the quota of a `region`, a `role`, or a role within a "
        "region to `limit` (null removes it). A lower limit never removes anyone already "
        "confirmed; a higher one confirms waiting participants who now fit. Answers with "
        "every quota of the event."
    ),
)
def set_event_quota(request: HttpRequest, payload: EventQuotaIn, slug: Slug) -> dict[str, Any]:
    event = _event(slug, request.auth)
    region = region_from_body(payload.region, "region") if payload.region else None
    services.set_quota(
        actor=request.auth,
        event=event,
        region=region,
        role=payload.role or "",
        limit=payload.limit,
    )
    items = _quotas(event)
    return {"count": len(items), "items": items}


@router.post(
    "/{slug}/checkin",
    response={200: EventCheckInOut, 201: EventCheckInOut, **WRITE_ERRORS},
    operation_id="check_in_participant",
    summary="Check a participant in",
    description=(
        "For staff with the check-in permission (the secretariat). `code` is the ticket "
        "code as typed or the QR code's text as scanned; `session` records attendance at "
        "one session instead of arrival at the event. 201 at the first check-in; a repeat "
        "is a 200 with `first` false and the time and place of the first one. A ticket "
        "that is unknown, of another event or not confirmed is a 422 on `code`."
    ),
)
def check_in_participant(request: HttpRequest, payload: EventCheckInIn, slug: Slug) -> Status:
    event = _event(slug, request.auth)
    session = None
    if payload.session is not None:
        session = event.sessions.filter(pk=payload.session).first()
        # Only someone who may check in learns about the agenda; the others get the 403.
        if session is None and rules.has_perm("events.check_in", request.auth, event):
            raise _invalid(
                "session",
                _("The event has no session with the id %(id)s.") % {"id": payload.session},
            )
    try:
        result = services.check_in(
            actor=request.auth,
            event=event,
            scanned=payload.code,
            session=session,
            place=payload.place,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise ValidationError({"code": exc.messages}) from exc
    registration, checkin = result.registration, result.checkin
    body = {
        "first": result.first,
        "checked_in_at": checkin.at,
        "checked_in_local": _local(checkin.at, event),
        "place": checkin.place,
        "session": checkin.session_id,
        "registration": registration.pk,
        "name": registration.name,
        "region": registration.delegation.region,
        "role": registration.role,
    }
    return Status(201 if result.first else 200, body)


@router.get(
    "/{slug}/attendance",
    auth=OPTIONAL_AUTH,
    openapi_extra=OPTIONAL_SECURITY,
    response={200: EventAttendanceOut, **PROTECTED_ERRORS},
    operation_id="get_event_attendance",
    summary="Attendance of an event",
    description=(
        "For the secretariat (a bearer token is needed: 401 without one, 403 for anyone "
        "else). Participants by status, arrivals, delegations, no-shows, and confirmed "
        "participants and arrivals by region and by role."
    ),
)
def get_event_attendance(request: HttpRequest, slug: Slug) -> dict[str, Any]:
    user = signed_in(request)
    event = _event(slug, user)
    require_rule(user, "events.manage_event", event)
    figures = selectors.dashboard(event)
    return {
        "capacity": figures.capacity,
        "confirmed": figures.confirmed,
        "waitlisted": figures.waitlisted,
        "pending": figures.pending,
        "cancelled": figures.cancelled,
        "arrived": figures.arrived,
        "delegations": figures.delegations,
        "no_shows": selectors.no_shows(event).count(),
        "by_region": [
            {
                "region": row.label,
                "confirmed": row.confirmed,
                "arrived": row.arrived,
                "no_shows": row.no_shows,
            }
            for row in selectors.attendance_by_region(event)
        ],
        "by_role": [
            {
                "role": row.key,
                "label": row.label,
                "confirmed": row.confirmed,
                "arrived": row.arrived,
                "no_shows": row.no_shows,
            }
            for row in selectors.attendance_by_role(event)
        ],
    }


# --- certificates --------------------------------------------------------------------------


@router.get(
    "/certificates/{code}",
    auth=None,
    response={200: EventCertificateOut, **READ_ERRORS},
    operation_id="verify_certificate",
    summary="Verify a certificate of attendance",
    description=(
        "What the certificate with this verification code says (participant, delegation, "
        "event and dates) and whether it is valid or was revoked, when and why. An unknown "
        "code is a 404."
    ),
)
def verify_certificate(request: HttpRequest, code: CertificateCode) -> dict[str, Any]:
    certificate = selectors.verifiable_certificate(code, None)
    if certificate is None:
        raise Http404(_("No certificate has the verification code “%(code)s”.") % {"code": code})
    registration = certificate.registration
    event = registration.delegation.event
    return {
        "code": certificate.code,
        "valid": certificate.revoked_at is None,
        "status": _certificate_status(certificate),
        "name": registration.name,
        "role": registration.role,
        "region": registration.delegation.region,
        "event": {
            "slug": event.slug,
            "name": event.name,
            "city": event.city,
            "starts_at": event.starts_at,
            "ends_at": event.ends_at,
            "starts_local": _local(event.starts_at, event),
            "ends_local": _local(event.ends_at, event),
            "timezone": event.zone.key,
        },
        "issued_at": certificate.issued_at,
        "revoked_at": certificate.revoked_at,
        "revoked_reason": certificate.revoked_reason,
        "is_demo": registration.is_demo,
    }
