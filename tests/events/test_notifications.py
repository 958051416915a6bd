"""E-mail to participants: the ticket with its PDF when a registration is confirmed (on
registration, on promotion from the waiting list, on approval), a note when it waits;
after the commit only, never on rollback, never while silenced, never without an address."""

from __future__ import annotations

import io
import logging

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation
from pypdf import PdfReader

from kotacerdas.core.mail import silenced
from kotacerdas.events import notifications, services
from kotacerdas.events.documents import grouped_code
from kotacerdas.events.models import Registration

from .fixtures import event, kupang_delegation, register, sumba_delegation

pytestmark = pytest.mark.integration

FROM = "KotaCerdas <noreply@localhost>"
EVENT = "Sharing Best Practices CityNet Indonesia 2019"
URL = "http://127.0.0.1:8000/events/sbp-citynet-2019/"
WHEN = (
    "Starts: Wednesday, 16 October 2019, 08.00 WITA\n"
    "Ends: Friday, 18 October 2019, 17.00 WITA\n"
    "Venue: Aula Rumah Jabatan, Kupang\n"
)


@pytest.fixture
def english_mail(settings):
    """Mail is written in the platform's default language; English here, to read it."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a service and deliver what it queued for after the commit."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def sent() -> list[tuple[list[str], str, str, str, list[tuple[str, str]]]]:
    """(to, subject, body, from, [(attachment name, type)]) of every message, in order."""
    return [
        (m.to, m.subject, m.body, m.from_email, [(a[0], a[2]) for a in m.attachments])
        for m in mail.outbox
    ]


def ticket_body(registration: Registration, region: str = "Kota Kupang") -> str:
    return (
        f"Dear {registration.name},\n\n"
        f"Your place at {EVENT} is confirmed, as a participant of the delegation of {region}.\n\n"
        f"{WHEN}\n"
        f"Ticket code: {grouped_code(registration.code)}\n\n"
        "Your ticket is attached as a PDF. Show its QR code at the check-in desk, printed or "
        "on your phone, or give the ticket code.\n\n"
        f"{URL}\n"
    )


def ticket(registration: Registration, region: str = "Kota Kupang"):
    return (
        [registration.email],
        f"Your ticket: {EVENT}",
        ticket_body(registration, region),
        FROM,
        [(f"ticket-{registration.code}.pdf", "application/pdf")],
    )


def waitlisted(registration: Registration):
    body = (
        f"Dear {registration.name},\n\n"
        f"You are registered for {EVENT} with the delegation of Kota Kupang, but no place is "
        "free for now: you are on the waiting list. When a place becomes free, participants "
        "move up in the order they registered, and you will receive your ticket by e-mail.\n\n"
        f"{WHEN}\n{URL}\n"
    )
    return ([registration.email], f"On the waiting list: {EVENT}", body, FROM, [])


def pdf_text(message) -> str:
    """The attached ticket's text, lines joined by spaces (long names wrap)."""
    (_name, content, _type) = message.attachments[0]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


# --- the ticket -----------------------------------------------------------------------------


def test_a_confirmed_registration_mails_the_ticket(english_mail, kupang_delegation, commit):
    ina = commit(lambda: register(kupang_delegation, "Ina Ndoen", email="ina@example.org"))
    assert ina.status == Registration.Status.CONFIRMED
    assert sent() == [ticket(ina)]
    assert pdf_text(mail.outbox[0]) == (
        f"PARTICIPANT TICKET {EVENT} 16–18 October 2019 starts 08.00 WITA "
        f"Aula Rumah Jabatan, Kupang Ina Ndoen Staff Kota Kupang {grouped_code(ina.code)} "
        "Show the QR code at the check-in desk, or give this code."
    )


def test_the_mail_is_in_the_default_language_whatever_the_request_is(kupang_delegation, commit):
    """The default language is Indonesian: dates and the ticket follow it, even when the
    officer who registered reads the pages in English."""
    with translation.override("en"):
        ina = commit(lambda: register(kupang_delegation, "Ina Ndoen", email="ina@example.org"))
    (message,) = mail.outbox
    assert "Rabu, 16 Oktober 2019, 08.00 WITA" in message.body
    assert "Jumat, 18 Oktober 2019, 17.00 WITA" in message.body
    assert grouped_code(ina.code) in message.body
    assert "Oktober 2019" in pdf_text(message)


def test_no_mail_without_an_address(english_mail, kupang_delegation, commit):
    commit(lambda: register(kupang_delegation, "Ina Ndoen"))
    assert sent() == []


def test_no_mail_when_the_transaction_rolls_back(english_mail, kupang_delegation, commit):
    def register_then_fail():
        with transaction.atomic():
            register(kupang_delegation, "Ina Ndoen", email="ina@example.org")
            raise RuntimeError("the request failed after registering")

    with pytest.raises(RuntimeError):
        commit(register_then_fail)
    assert sent() == []
    assert not Registration.objects.exists()


def test_no_mail_while_silenced(english_mail, kupang_delegation, commit):
    with silenced():
        commit(lambda: register(kupang_delegation, "Ina Ndoen", email="ina@example.org"))
    assert sent() == []
    # Outside the block mail flows again.
    commit(lambda: register(kupang_delegation, "Umbu Ndakularak", email="umbu@example.org"))
    assert [m.to for m in mail.outbox] == [["umbu@example.org"]]


def test_nothing_is_sent_before_the_commit(english_mail, kupang_delegation):
    register(kupang_delegation, "Ina Ndoen", email="ina@example.org")
    assert sent() == []  # the test's transaction never commits


def test_a_failing_mail_server_does_not_undo_the_registration(
    english_mail, settings, kupang_delegation, commit, caplog
):
    settings.EMAIL_BACKEND = "tests.events.test_notifications.BrokenBackend"
    with caplog.at_level(logging.ERROR):
        ina = commit(lambda: register(kupang_delegation, "Ina Ndoen", email="ina@example.org"))
    assert Registration.objects.get().pk == ina.pk
    assert "mail server is down" in caplog.text


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server is down")


# --- the waiting list and promotion ---------------------------------------------------------


@pytest.fixture
def full_event(event, kupang):
    """Room for one more participant of Kota Kupang."""
    services.set_quota(actor=None, event=event, region=kupang, role="", limit=1)
    return event


def test_a_waitlisted_registration_gets_a_note(english_mail, full_event, kupang_delegation, commit):
    commit(lambda: register(kupang_delegation, "Ina Ndoen"))
    maria = commit(lambda: register(kupang_delegation, "Maria Seran", email="maria@example.org"))
    assert maria.status == Registration.Status.WAITLISTED
    assert sent() == [waitlisted(maria)]


def test_cancelling_mails_the_ticket_to_the_promoted_participant(
    english_mail, full_event, kupang_delegation, officer, commit
):
    ina = commit(lambda: register(kupang_delegation, "Ina Ndoen", email="ina@example.org"))
    maria = commit(lambda: register(kupang_delegation, "Maria Seran", email="maria@example.org"))
    mail.outbox.clear()
    promoted = commit(lambda: services.cancel_registration(actor=officer, registration=ina))
    assert [r.pk for r in promoted] == [maria.pk]
    maria.refresh_from_db()
    assert sent() == [ticket(maria)]
    assert grouped_code(maria.code) in pdf_text(mail.outbox[0])


def test_a_larger_quota_mails_the_ticket_to_the_promoted_participant(
    english_mail, full_event, kupang, kupang_delegation, secretariat, commit
):
    commit(lambda: register(kupang_delegation, "Ina Ndoen"))
    maria = commit(lambda: register(kupang_delegation, "Maria Seran", email="maria@example.org"))
    mail.outbox.clear()
    commit(
        lambda: services.set_quota(
            actor=secretariat, event=full_event, region=kupang, role="", limit=2
        )
    )
    maria.refresh_from_db()
    assert sent() == [ticket(maria)]


def test_waitlisted_and_promoted_in_one_transaction_gets_the_ticket_only(
    english_mail, full_event, kupang, kupang_delegation, commit
):
    commit(lambda: register(kupang_delegation, "Ina Ndoen"))

    def register_and_promote():
        with transaction.atomic():
            maria = register(kupang_delegation, "Maria Seran", email="maria@example.org")
            services.set_quota(actor=None, event=full_event, region=kupang, role="", limit=2)
        maria.refresh_from_db()
        return maria

    maria = commit(register_and_promote)
    assert maria.status == Registration.Status.CONFIRMED
    assert sent() == [ticket(maria)]


# --- approval -------------------------------------------------------------------------------


@pytest.fixture
def approval_event(event):
    event.requires_approval = True
    event.save()
    return event


def test_a_registration_awaiting_approval_gets_a_note_then_the_ticket(
    english_mail, approval_event, kupang_delegation, secretariat, commit
):
    ina = commit(lambda: register(kupang_delegation, "Ina Ndoen", email="ina@example.org"))
    assert ina.status == Registration.Status.PENDING
    body = (
        "Dear Ina Ndoen,\n\n"
        f"You are registered for {EVENT} with the delegation of Kota Kupang. The secretariat "
        "approves every participant of this event; you will receive your ticket by e-mail "
        "once your registration is confirmed.\n\n"
        f"{WHEN}\n{URL}\n"
    )
    assert sent() == [(["ina@example.org"], f"Registration received: {EVENT}", body, FROM, [])]
    mail.outbox.clear()
    ina = commit(lambda: services.approve_registration(actor=secretariat, registration=ina))
    assert ina.status == Registration.Status.CONFIRMED
    assert sent() == [ticket(ina)]
    assert "Ina Ndoen" in pdf_text(mail.outbox[0])


def test_approval_without_a_free_place_puts_on_the_waiting_list(
    english_mail, approval_event, kupang, kupang_delegation, secretariat, commit
):
    services.set_quota(actor=None, event=approval_event, region=kupang, role="", limit=0)
    ina = commit(lambda: register(kupang_delegation, "Ina Ndoen", email="ina@example.org"))
    mail.outbox.clear()
    ina = commit(lambda: services.approve_registration(actor=secretariat, registration=ina))
    assert ina.status == Registration.Status.WAITLISTED
    assert sent() == [waitlisted(ina)]


def test_a_participant_of_another_region_is_named_with_their_delegation(
    english_mail, sumba_delegation, commit
):
    umbu = commit(lambda: register(sumba_delegation, "Umbu Ndakularak", email="umbu@example.org"))
    assert sent() == [ticket(umbu, region="Kabupaten Sumba Timur")]
