"""Delegations and their participants: registration under quotas, the waiting list,
approval and cancellation.

Every change of who holds a place runs under a lock on the event row (``SELECT ... FOR
UPDATE`` on PostgreSQL; SQLite's immediate transactions already let one writer in at a
time), so counting the confirmed participants and adding one is a single step: the
capacity and the quotas hold however many registrations arrive at once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core import audit
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.services import require_rule
from kotacerdas.regions import selectors as region_selectors
from kotacerdas.regions.models import Region

from .. import notifications
from ..models import LARGEST_COUNT, Delegation, Event, ParticipantRole, Quota, Registration

Status = Registration.Status
# Readable when typed at a check-in desk: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def new_ticket() -> tuple[str, str]:
    """An unguessable token for the QR code and a short code to type, both unique."""
    while True:
        token = secrets.token_urlsafe(32)
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Registration.objects.filter(Q(token=token) | Q(code=code)).exists():
            return token, code


def open_delegation(
    *, actor: Any, event: Event, region: Region, is_demo: bool = False
) -> Delegation:
    """The region's delegation to the event, created the first time it is asked for."""
    probe = Delegation(event=event, region=region)
    require_rule(actor, "events.manage_delegation", probe)
    with transaction.atomic():
        delegation, created = Delegation.objects.get_or_create(
            event=event, region=region, defaults={"is_demo": is_demo}
        )
        if created:
            audit.record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=delegation,
                region_code=region.code,
            )
    return delegation


@dataclass(frozen=True)
class Place:
    """Why a participant does or does not fit: the first limit that is full, if any."""

    fits: bool
    full: str = ""


def _count(event: Event, **filters: Any) -> int:
    return Registration.objects.filter(
        delegation__event=event, status=Status.CONFIRMED, **filters
    ).count()


def place_for(event: Event, region_id: int, role: str) -> Place:
    """Whether one more confirmed participant of ``role`` from the region fits the event's
    capacity and every quota that applies. Call it under the event's lock."""
    if _count(event) >= event.capacity:
        return Place(False, _("The event is full (%(n)d places).") % {"n": event.capacity})
    quotas = Quota.objects.filter(event=event).filter(
        Q(region_id=region_id, role="")
        | Q(region__isnull=True, role=role)
        | Q(region_id=region_id, role=role)
    )
    for quota in quotas.order_by("pk"):
        filters: dict[str, Any] = {}
        if quota.region_id:
            filters["delegation__region_id"] = quota.region_id
        if quota.role:
            filters["role"] = quota.role
        if _count(event, **filters) >= quota.limit:
            return Place(False, _quota_text(quota))
    return Place(True)


def _quota_text(quota: Quota) -> str:
    role = ParticipantRole(quota.role).label if quota.role else ""
    if quota.region_id and quota.role:
        return _("The quota of %(n)d %(role)s for %(region)s is full.") % {
            "n": quota.limit,
            "role": role,
            "region": quota.region.name,
        }
    if quota.region_id:
        return _("The quota of %(n)d participants for %(region)s is full.") % {
            "n": quota.limit,
            "region": quota.region.name,
        }
    return _("The quota of %(n)d %(role)s is full.") % {"n": quota.limit, "role": role}


def locked_event(event: Event) -> Event:
    # of=("self",): lock the event row only, not its host region (other events share it).
    return (
        Event.objects.select_for_update(of=("self",)).select_related("host_region").get(pk=event.pk)
    )


def _check_participant(delegation: Delegation, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    elif len(name) > 150 or "\0" in name:
        errors["name"] = [_("At most 150 characters, without NUL characters.")]
    role = data.get("role") or ""
    if role not in ParticipantRole.values:
        errors["role"] = [_("Choose one of the roles.")]
    email = (data.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    kecamatan = (data.get("kecamatan_code") or "").strip()
    kelurahan = (data.get("kelurahan_code") or "").strip()
    region_code = delegation.region.code
    if kecamatan:
        known = {d.code for d in region_selectors.subdivisions(region_code)}
        if kecamatan not in known:
            errors["kecamatan_code"] = [
                _("%(code)s is not a kecamatan of %(region)s.")
                % {"code": kecamatan, "region": delegation.region.name}
            ]
    if kelurahan:
        if not kecamatan:
            errors["kelurahan_code"] = [_("Choose the kecamatan first.")]
        elif "kecamatan_code" not in errors:
            known = {v.code for v in region_selectors.subdivisions(kecamatan)}
            if kelurahan not in known:
                errors["kelurahan_code"] = [
                    _("%(code)s is not a kelurahan/desa of kecamatan %(kecamatan)s.")
                    % {"code": kelurahan, "kecamatan": kecamatan}
                ]
    for field, limit in (("position", 200), ("phone", 30)):
        value = (data.get(field) or "").strip()
        if len(value) > limit or "\0" in value:
            errors[field] = [_("At most %(n)d characters.") % {"n": limit}]
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "role": role,
        "position": (data.get("position") or "").strip(),
        "kecamatan_code": kecamatan,
        "kelurahan_code": kelurahan,
        "email": email,
        "phone": (data.get("phone") or "").strip(),
    }


def registration_open(event: Event, *, now: Any = None) -> bool:
    now = now or timezone.now()
    return (
        event.status == Event.Status.OPEN
        and (event.registration_opens_at is None or event.registration_opens_at <= now)
        and (event.registration_closes_at is None or now < event.registration_closes_at)
    )


def register_participant(
    *, actor: Any, delegation: Delegation, data: dict[str, Any], is_demo: bool = False
) -> Registration:
    """Add a participant to the delegation: confirmed when every limit has room, on the
    waiting list when one is full, awaiting approval when the event asks for it."""
    require_rule(actor, "events.manage_delegation", delegation)
    values = _check_participant(delegation, data)
    with transaction.atomic():
        event = locked_event(delegation.event)
        if actor is not None and not registration_open(event):
            raise ValidationError(_("Registration for this event is not open."))
        if event.requires_approval:
            status = Status.PENDING
        else:
            place = place_for(event, delegation.region_id, values["role"])
            status = Status.CONFIRMED if place.fits else Status.WAITLISTED
        token, code = new_ticket()
        registration = Registration.objects.create(
            delegation=delegation,
            status=status,
            token=token,
            code=code,
            registered_by=audit.acting_user(actor),
            is_demo=is_demo,
            **values,
        )
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=registration,
            region_code=delegation.region.code,
            changes={"status": [None, status], "role": [None, values["role"]]},
        )
        notifications.notify_participant(registration)
    return registration


def _set_status(actor: Any, registration: Registration, status: str) -> None:
    before = registration.status
    registration.status = status
    registration.save(update_fields=["status", "status_changed_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=registration,
        region_code=registration.delegation.region.code,
        changes={"status": [before, status]},
    )


def promote_waiting(*, actor: Any, event: Event) -> list[Registration]:
    """Confirm waiting participants, earliest first, while they fit; one whose limit is
    still full keeps its place in the queue and the next one is tried. Call it under the
    event's lock (the services that free a place do)."""
    promoted = []
    waiting = (
        Registration.objects.filter(delegation__event=event, status=Status.WAITLISTED)
        .select_related("delegation__region")
        .order_by("registered_at", "pk")
    )
    for registration in waiting:
        if place_for(event, registration.delegation.region_id, registration.role).fits:
            _set_status(actor, registration, Status.CONFIRMED)
            notifications.notify_participant(registration)
            promoted.append(registration)
    return promoted


def cancel_registration(*, actor: Any, registration: Registration) -> list[Registration]:
    """Cancel a participation; the place goes to the waiting list. Returns who moved up."""
    require_rule(actor, "events.manage_delegation", registration)
    with transaction.atomic():
        event = locked_event(registration.delegation.event)
        registration = Registration.objects.select_related("delegation__region").get(
            pk=registration.pk
        )
        if registration.status == Status.CANCELLED:
            return []
        freed = registration.status == Status.CONFIRMED
        _set_status(actor, registration, Status.CANCELLED)
        return promote_waiting(actor=actor, event=event) if freed else []


def approve_registration(*, actor: Any, registration: Registration) -> Registration:
    """The secretariat approves a pending participant: confirmed if a place is free,
    otherwise on the waiting list."""
    require_rule(actor, "events.approve_registration", registration)
    with transaction.atomic():
        event = locked_event(registration.delegation.event)
        registration = Registration.objects.select_related("delegation__region").get(
            pk=registration.pk
        )
        if registration.status != Status.PENDING:
            raise ValidationError(_("Only a registration awaiting approval can be approved."))
        place = place_for(event, registration.delegation.region_id, registration.role)
        _set_status(actor, registration, Status.CONFIRMED if place.fits else Status.WAITLISTED)
        notifications.notify_participant(registration)
    return registration


def register_in_region(
    *, actor: Any, event: Event, region: Region, data: dict[str, Any]
) -> Registration:
    """Register a participant in ``region``'s delegation, opening the delegation with its
    first participant; a refused registration leaves no delegation behind."""
    with transaction.atomic():
        delegation = open_delegation(actor=actor, event=event, region=region)
        delegation.event = event
        return register_participant(actor=actor, delegation=delegation, data=data)


def waiting_reason(registration: Registration) -> str:
    """Why a registration is on the waiting list (the first limit that is full); empty
    for one that is not."""
    if registration.status != Status.WAITLISTED:
        return ""
    delegation = registration.delegation
    return place_for(delegation.event, delegation.region_id, registration.role).full


def set_quota(
    *, actor: Any, event: Event, region: Region | None, role: str, limit: int | None
) -> Quota | None:
    """Set (or with ``limit=None`` remove) a quota. A lower limit never removes anyone
    already confirmed; it only stops new confirmations until there is room."""
    require_rule(actor, "events.manage_event", event)
    if not region and not role:
        raise ValidationError(_("A quota is for a region, a role, or both."))
    if role and role not in ParticipantRole.values:
        raise ValidationError({"role": [_("Choose one of the roles.")]})
    # A region's quota belongs to that region's trail; an event-wide one to no region.
    region_code = region.code if region else ""
    with transaction.atomic():
        event = locked_event(event)
        existing = Quota.objects.filter(event=event, region=region, role=role).first()
        if limit is None:
            if existing is not None:
                audit.record(
                    actor=actor,
                    action=AuditEvent.Action.DELETE,
                    obj=existing,
                    region_code=region_code,
                    changes={"limit": [existing.limit, None]},
                )
                existing.delete()
            promote_waiting(actor=actor, event=event)
            return None
        if limit < 0:
            raise ValidationError({"limit": [_("A limit cannot be negative.")]})
        if limit > LARGEST_COUNT:
            raise ValidationError(
                {"limit": [_("A limit is at most %(n)d.") % {"n": LARGEST_COUNT}]}
            )
        before = existing.limit if existing else None
        quota = existing or Quota(event=event, region=region, role=role)
        quota.limit = limit
        quota.save()
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE if existing else AuditEvent.Action.CREATE,
            obj=quota,
            region_code=region_code,
            changes={"limit": [before, limit]},
        )
        promote_waiting(actor=actor, event=event)
    return quota
