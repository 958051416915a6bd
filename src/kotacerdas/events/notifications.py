"""E-mail to participants: the ticket (PDF attached) when a registration is confirmed, a
short note when it waits — on the waiting list, or for the secretariat's approval.

Mail is sent after the transaction commits, so a rolled-back registration sends nothing;
nothing is sent inside :func:`kotacerdas.core.mail.silenced` (loading the demo) or to a
participant without an address. When it is delivered the registration is read again, and
a message whose status no longer holds is dropped: a participant registered onto the
waiting list and promoted in the same transaction gets the ticket only. The text is
rendered in the platform's default language (Indonesian).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.dateformat import format as format_date

from kotacerdas.core import mail

from .models import Event, Registration

logger = logging.getLogger(__name__)

Status = Registration.Status
TEMPLATES = {
    Status.CONFIRMED: "events/email/ticket.txt",
    Status.WAITLISTED: "events/email/waitlisted.txt",
    Status.PENDING: "events/email/pending.txt",
}


def notify_participant(registration: Registration) -> None:
    """Once the current transaction commits, e-mail the participant what the
    registration's status means for them: the ticket when it is confirmed, a note when it
    is on the waiting list or awaits approval (nothing when it is cancelled)."""
    status = registration.status
    if mail.is_silenced() or not registration.email or status not in TEMPLATES:
        return
    pk = registration.pk

    def deliver() -> None:
        current = (
            Registration.objects.select_related(
                "delegation__event__host_region", "delegation__region"
            )
            .filter(pk=pk)
            .first()
        )
        if current is None or current.status != status or not current.email:
            return
        with translation.override(settings.LANGUAGE_CODE):
            message = participant_message(current)
        message.send(fail_silently=False)

    # robust: the registration is saved whatever the mail server says; a failure is
    # logged rather than turned into an error page that would invite a second try.
    transaction.on_commit(deliver, robust=True)


def participant_message(registration: Registration) -> EmailMessage:
    """The e-mail for the registration's status, in the active language; the ticket's PDF
    is attached to a confirmation."""
    # Imported here: documents imports the services, which import this module.
    from . import documents

    event = registration.delegation.event
    context = {
        "registration": registration,
        "event": event,
        "region": registration.delegation.region.name,
        "code": documents.grouped_code(registration.code),
        "url": event_url(event),
        **event_times(event),
    }
    text = render_to_string(TEMPLATES[registration.status], context).strip()
    subject, _sep, body = text.partition("\n")
    message = EmailMessage(
        subject=subject.strip(),
        body=body.strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[registration.email],
    )
    if registration.status == Status.CONFIRMED:
        message.attach(
            f"ticket-{registration.code}.pdf", documents.ticket_pdf(registration), "application/pdf"
        )
    return message


def event_url(event: Event) -> str:
    return settings.KOTACERDAS_BASE_URL.rstrip("/") + reverse(
        "events:detail", kwargs={"slug": event.slug}
    )


def _moment(event: Event, value: dt.datetime) -> str:
    """``Rabu, 16 Oktober 2019, 08.00 WITA``: the host region's day, clock and zone."""
    local = value.astimezone(event.zone)
    return f"{format_date(local, 'l, j F Y')}, {local:%H.%M} {event.zone_abbreviation}"


def event_times(event: Event) -> dict[str, str]:
    """The event's start and end in the host's zone, and where it is held."""
    parts = (event.venue, event.city)
    return {
        "starts": _moment(event, event.starts_at),
        "ends": _moment(event, event.ends_at),
        "venue": ", ".join(p.strip() for p in parts if p and p.strip()),
    }
