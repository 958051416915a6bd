"""Tickets, check-in and certificates.

A ticket's QR code carries the registration's token signed with the site's secret, so a
code cannot be made up; the short code printed beside it is what staff type when a camera
is not at hand. Checking in is idempotent: a second scan changes nothing and says when and
where the first one was.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core import audit
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.services import require_rule

from ..models import Certificate, CheckIn, Event, Registration, Session
from .registration import CODE_ALPHABET, CODE_LENGTH

TICKET_SALT = "kotacerdas.events.ticket"
CERTIFICATE_CODE_LENGTH = 12


def ticket_payload(registration: Registration) -> str:
    """What the ticket's QR code holds: the token, signed."""
    return signing.Signer(salt=TICKET_SALT).sign(registration.token)


def _normalised_code(text: str) -> str:
    return "".join(c for c in text.upper() if c.isalnum())


def find_ticket(event: Event, scanned: str) -> Registration:
    """The registration of a scanned QR payload or a typed ticket code at ``event``."""
    text = (scanned or "").strip()
    registration = None
    if ":" in text:
        try:
            token = signing.Signer(salt=TICKET_SALT).unsign(text)
        except signing.BadSignature:
            raise ValidationError(_("This QR code is not a ticket of KotaCerdas.")) from None
        registration = (
            Registration.objects.select_related("delegation__region").filter(token=token).first()
        )
    else:
        code = _normalised_code(text)
        if len(code) == CODE_LENGTH:
            registration = (
                Registration.objects.select_related("delegation__region").filter(code=code).first()
            )
    if registration is None:
        raise ValidationError(_("No ticket has this code."))
    if registration.delegation.event_id != event.pk:
        raise ValidationError(_("This ticket is for another event."))
    if registration.status != Registration.Status.CONFIRMED:
        raise ValidationError(
            _("This participant is not confirmed (%(status)s).")
            % {"status": registration.get_status_display()}
        )
    return registration


@dataclass(frozen=True)
class CheckInResult:
    registration: Registration
    checkin: CheckIn
    first: bool  # False: the participant had already checked in (see checkin.at/place)


def check_in(
    *,
    actor: Any,
    event: Event,
    scanned: str,
    session: Session | None = None,
    place: str = "",
) -> CheckInResult:
    """Record that the ticket's holder arrived at the event (or at one session)."""
    require_rule(actor, "events.check_in", event)
    if session is not None and session.event_id != event.pk:
        raise ValidationError(_("This session belongs to another event."))
    registration = find_ticket(event, scanned)
    existing = CheckIn.objects.filter(registration=registration, session=session).first()
    if existing is not None:
        return CheckInResult(registration, existing, first=False)
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                registration=registration,
                session=session,
                at=timezone.now(),
                place=(place or "").strip()[:120],
                by=audit.acting_user(actor),
            )
            audit.record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=checkin,
                region_code=registration.delegation.region.code,
            )
    except IntegrityError:
        # A second scanner won the race: theirs is the first check-in.
        existing = CheckIn.objects.get(registration=registration, session=session)
        return CheckInResult(registration, existing, first=False)
    return CheckInResult(registration, checkin, first=True)


def _certificate_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CERTIFICATE_CODE_LENGTH))
        if not Certificate.objects.filter(code=code).exists():
            return code


def issue_certificates(*, actor: Any, event: Event) -> list[Certificate]:
    """A certificate for every confirmed participant who checked in and has none yet."""
    require_rule(actor, "events.issue_certificates", event)
    # An Exists, not ``checkins__session__isnull=True``: through the outer join that also
    # holds for a participant who never checked in.
    arrived = CheckIn.objects.filter(registration=OuterRef("pk"), session__isnull=True)
    attendees = (
        Registration.objects.filter(
            Exists(arrived),
            delegation__event=event,
            status=Registration.Status.CONFIRMED,
            certificate__isnull=True,
        )
        .select_related("delegation__region")
        .order_by("pk")
    )
    issued = []
    with transaction.atomic():
        for registration in attendees:
            certificate = Certificate.objects.create(
                registration=registration, code=_certificate_code()
            )
            audit.record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=certificate,
                region_code=registration.delegation.region.code,
            )
            issued.append(certificate)
    return issued


def revoke_certificate(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    require_rule(actor, "events.issue_certificates", certificate.registration.delegation.event)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the certificate is revoked.")]})
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at is not None:
            # The first revocation's time and reason stand.
            raise ValidationError(_("This certificate is already revoked."))
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason[:300]
        certificate.save(update_fields=["revoked_at", "revoked_reason"])
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=certificate,
            region_code=certificate.registration.delegation.region.code,
            changes={"revoked_reason": ["", certificate.revoked_reason]},
        )
    return certificate
