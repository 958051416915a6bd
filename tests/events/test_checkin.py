"""Tickets, check-in at the event and at its sessions, and certificates of attendance,
through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from kotacerdas.core.models import AuditEvent
from kotacerdas.events import services
from kotacerdas.events.models import Certificate, CheckIn, Event, Registration, Session
from kotacerdas.events.services.checkin import TICKET_SALT, find_ticket
from kotacerdas.events.services.registration import CODE_ALPHABET

pytestmark = pytest.mark.integration

# 08:30 WITA on the first day of the seminar, and the same morning a little later.
ARRIVAL = dt.datetime(2019, 10, 16, 0, 30, tzinfo=dt.UTC)
LATER = dt.datetime(2019, 10, 16, 1, 15, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def english(default_language):
    """Messages are compared in the source language, so that a translation added to the
    catalogue later does not change what these tests check."""
    with translation.override("en"):
        yield


@pytest.fixture
def clock(monkeypatch):
    """``timezone.now()`` answers what the test set, so check-in times are exact."""

    class Clock:
        now = ARRIVAL

    monkeypatch.setattr(timezone, "now", lambda: Clock.now)
    return Clock


def _event(region: Any, slug: str, capacity: int = 10) -> Event:
    return Event.objects.create(
        slug=slug,
        name=f"Seminar {slug}",
        host_region=region,
        starts_at=dt.datetime(2019, 10, 16, 0, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2019, 10, 18, 9, 0, tzinfo=dt.UTC),
        capacity=capacity,
        status=Event.Status.OPEN,
    )


@pytest.fixture
def event(kupang):
    return _event(kupang, "sbp-citynet-2019", capacity=2)


@pytest.fixture
def other_event(kupang):
    return _event(kupang, "rakor-2020")


@pytest.fixture
def delegation(event, kupang):
    return services.open_delegation(actor=None, event=event, region=kupang)


def _register(delegation: Any, name: str) -> Registration:
    return services.register_participant(
        actor=None, delegation=delegation, data={"name": name, "role": "staff"}
    )


@pytest.fixture
def participant(delegation):
    return _register(delegation, "Peserta Hadir")


def _session(event: Event, title: str) -> Session:
    return Session.objects.create(
        event=event,
        title=title,
        kind=Session.Kind.KEYNOTE,
        starts_at=dt.datetime(2019, 10, 16, 1, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2019, 10, 16, 2, 0, tzinfo=dt.UTC),
    )


def _checkins() -> list[tuple[Any, ...]]:
    return list(
        CheckIn.objects.order_by("pk").values_list(
            "registration__name", "session__title", "at", "place", "by__username"
        )
    )


def _result(result: Any) -> tuple[Any, ...]:
    return (
        result.registration.pk,
        result.first,
        result.checkin.pk,
        result.checkin.session_id,
        result.checkin.at,
        result.checkin.place,
    )


# --- tickets and check-in ----------------------------------------------------------------


def test_check_in_scanned_ticket_first_time(clock, event, participant, secretariat):
    payload = services.ticket_payload(participant)

    result = services.check_in(actor=secretariat, event=event, scanned=payload, place="  Meja 1  ")

    assert payload == signing.Signer(salt=TICKET_SALT).sign(participant.token)
    checkin = CheckIn.objects.get()
    assert _result(result) == (participant.pk, True, checkin.pk, None, ARRIVAL, "Meja 1")
    assert _checkins() == [("Peserta Hadir", None, ARRIVAL, "Meja 1", "secretariat")]
    assert list(
        AuditEvent.objects.filter(object_type="events.checkin").values_list(
            "actor_label", "action", "object_id", "region_code"
        )
    ) == [("secretariat", "create", str(checkin.pk), "53.71")]


def test_check_in_second_scan_shows_the_first(clock, event, participant, secretariat, admin_user):
    payload = services.ticket_payload(participant)
    first = services.check_in(actor=secretariat, event=event, scanned=payload, place="Meja 1")
    audited = AuditEvent.objects.count()
    clock.now = LATER

    again = services.check_in(actor=admin_user, event=event, scanned=payload, place="Meja 4")

    assert _result(again) == (participant.pk, False, first.checkin.pk, None, ARRIVAL, "Meja 1")
    assert _checkins() == [("Peserta Hadir", None, ARRIVAL, "Meja 1", "secretariat")]
    assert AuditEvent.objects.count() == audited


@pytest.mark.parametrize(
    "typed", ["ABCDEFGHJK", "abcd-efgh-jk", "  Abcd Efgh Jk ", "abcdefghjk\n", "ABC.DEF.GHJK"]
)
def test_check_in_typed_code_ignores_case_and_separators(
    clock, event, participant, secretariat, typed
):
    Registration.objects.filter(pk=participant.pk).update(code="ABCDEFGHJK")

    result = services.check_in(actor=secretariat, event=event, scanned=typed)

    assert _result(result) == (participant.pk, True, CheckIn.objects.get().pk, None, ARRIVAL, "")


def _tampered(participant: Registration, other: Registration) -> str:
    token, signature = services.ticket_payload(participant).rsplit(":", 1)
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return f"{token}:{flipped}"


def _swapped(participant: Registration, other: Registration) -> str:
    """Another participant's token under this one's signature."""
    signature = services.ticket_payload(participant).rsplit(":", 1)[1]
    return f"{other.token}:{signature}"


def _unsigned(participant: Registration, other: Registration) -> str:
    return participant.token


NOT_A_TICKET = "This QR code is not a ticket of KotaCerdas."
NO_TICKET = "No ticket has this code."


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_tampered, NOT_A_TICKET),
        (_swapped, NOT_A_TICKET),
        (lambda p, o: signing.Signer(salt="another.salt").sign(p.token), NOT_A_TICKET),
        (_unsigned, NO_TICKET),
        (lambda p, o: "ZZZZ-ZZZZ-ZZ", NO_TICKET),
        (lambda p, o: p.code[:-1], NO_TICKET),
        (lambda p, o: "", NO_TICKET),
    ],
    ids=["tampered", "swapped", "other-salt", "unsigned", "unknown", "short", "empty"],
)
def test_check_in_not_a_ticket_refused(event, delegation, participant, secretariat, make, message):
    other = _register(delegation, "Peserta Lain")

    with pytest.raises(ValidationError) as raised:
        services.check_in(actor=secretariat, event=event, scanned=make(participant, other))

    assert raised.value.messages == [message]
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize("scan", ["payload", "code"])
def test_check_in_ticket_of_another_event_refused(
    event, other_event, kupang, participant, secretariat, scan
):
    scanned = services.ticket_payload(participant) if scan == "payload" else participant.code

    with pytest.raises(ValidationError) as raised:
        services.check_in(actor=secretariat, event=other_event, scanned=scanned)

    assert raised.value.messages == ["This ticket is for another event."]
    assert CheckIn.objects.count() == 0


def _waitlisted(delegation: Any, participant: Registration) -> Registration:
    _register(delegation, "Peserta Kedua")  # the second and last place
    late = _register(delegation, "Peserta Terlambat")
    assert late.status == Registration.Status.WAITLISTED
    return late


def _cancelled(delegation: Any, participant: Registration) -> Registration:
    services.cancel_registration(actor=None, registration=participant)
    participant.refresh_from_db()
    return participant


def _pending(delegation: Any, participant: Registration) -> Registration:
    Event.objects.filter(pk=delegation.event_id).update(requires_approval=True)
    return _register(delegation, "Menunggu")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_waitlisted, "This participant is not confirmed (on the waiting list)."),
        (_cancelled, "This participant is not confirmed (cancelled)."),
        (_pending, "This participant is not confirmed (awaiting approval)."),
    ],
    ids=["waitlisted", "cancelled", "pending"],
)
def test_check_in_unconfirmed_participant_refused(
    event, delegation, participant, secretariat, make, message
):
    holder = make(delegation, participant)

    with pytest.raises(ValidationError) as raised:
        services.check_in(actor=secretariat, event=event, scanned=services.ticket_payload(holder))

    assert raised.value.messages == [message]
    assert CheckIn.objects.count() == 0


def test_revoke_certificate_twice_keeps_the_first_revocation(clock, certificate, secretariat):
    clock.now = LATER
    services.revoke_certificate(actor=secretariat, certificate=certificate, reason="Pertama")

    with pytest.raises(ValidationError) as raised:
        services.revoke_certificate(actor=secretariat, certificate=certificate, reason="Kedua")

    assert raised.value.messages == ["This certificate is already revoked."]
    certificate.refresh_from_db()
    assert (certificate.revoked_at, certificate.revoked_reason) == (LATER, "Pertama")


@pytest.mark.parametrize("who", ["anonymous", "officer", "other_officer"])
def test_check_in_without_the_permission_refused(request, event, participant, who):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.check_in(actor=actor, event=event, scanned=services.ticket_payload(participant))

    assert CheckIn.objects.count() == 0


def test_find_ticket_returns_the_registration(event, participant):
    assert find_ticket(event, services.ticket_payload(participant)) == participant
    assert find_ticket(event, participant.code.lower()) == participant


# --- sessions ----------------------------------------------------------------------------


def test_check_in_session_is_separate_from_the_event(clock, event, participant, secretariat):
    keynote = _session(event, "Pidato Kunci")
    payload = services.ticket_payload(participant)

    at_session = services.check_in(
        actor=secretariat, event=event, scanned=payload, session=keynote, place="Aula"
    )
    clock.now = LATER
    at_event = services.check_in(actor=secretariat, event=event, scanned=payload, place="Meja 1")
    again = services.check_in(
        actor=secretariat, event=event, scanned=participant.code, session=keynote, place="Pintu"
    )

    assert (at_session.first, at_event.first, again.first) == (True, True, False)
    assert again.checkin.pk == at_session.checkin.pk
    assert _checkins() == [
        ("Peserta Hadir", "Pidato Kunci", ARRIVAL, "Aula", "secretariat"),
        ("Peserta Hadir", None, LATER, "Meja 1", "secretariat"),
    ]


def test_check_in_session_of_another_event_refused(event, other_event, participant, secretariat):
    elsewhere = _session(other_event, "Sesi Lain")

    with pytest.raises(ValidationError) as raised:
        services.check_in(
            actor=secretariat,
            event=event,
            scanned=services.ticket_payload(participant),
            session=elsewhere,
        )

    assert raised.value.messages == ["This session belongs to another event."]
    assert CheckIn.objects.count() == 0


# --- certificates ------------------------------------------------------------------------


@pytest.fixture
def attendance(event, delegation, secretariat):
    """Who came: one at the event, one only to a session, one no-show, one who left."""
    event.capacity = 10
    event.save()
    people = {
        name: _register(delegation, name)
        for name in ("Hadir", "Hadir Juga", "Sesi Saja", "Tidak Datang", "Batal")
    }
    keynote = _session(event, "Pidato Kunci")
    for name in ("Hadir", "Hadir Juga", "Batal"):
        services.check_in(
            actor=secretariat, event=event, scanned=services.ticket_payload(people[name])
        )
    for name in ("Hadir", "Sesi Saja"):
        services.check_in(
            actor=secretariat,
            event=event,
            scanned=services.ticket_payload(people[name]),
            session=keynote,
        )
    services.cancel_registration(actor=secretariat, registration=people["Batal"])
    return people


def test_issue_certificates_only_to_confirmed_participants_checked_in(
    event, attendance, secretariat
):
    issued = services.issue_certificates(actor=secretariat, event=event)

    assert [c.registration.name for c in issued] == ["Hadir", "Hadir Juga"]
    assert list(
        Certificate.objects.order_by("pk").values_list(
            "registration__name", "revoked_at", "revoked_reason"
        )
    ) == [("Hadir", None, ""), ("Hadir Juga", None, "")]
    codes = [c.code for c in issued]
    assert len(set(codes)) == 2
    assert all(len(code) == 12 and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert list(
        AuditEvent.objects.filter(object_type="events.certificate")
        .order_by("pk")
        .values_list("actor_label", "action", "object_repr", "region_code")
    ) == [("secretariat", "create", code, "53.71") for code in codes]


def test_issue_certificates_again_issues_none_twice(event, attendance, delegation, secretariat):
    first = services.issue_certificates(actor=secretariat, event=event)
    latecomer = _register(delegation, "Datang Siang")
    services.check_in(actor=secretariat, event=event, scanned=services.ticket_payload(latecomer))

    second = services.issue_certificates(actor=secretariat, event=event)
    third = services.issue_certificates(actor=secretariat, event=event)

    assert ([c.registration.name for c in second], third) == (["Datang Siang"], [])
    assert Certificate.objects.count() == len(first) + 1 == 3


@pytest.mark.parametrize("who", ["anonymous", "officer", "other_officer"])
def test_issue_certificates_without_the_permission_refused(request, event, attendance, who):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.issue_certificates(actor=actor, event=event)

    assert Certificate.objects.count() == 0


@pytest.fixture
def certificate(event, attendance, secretariat):
    return services.issue_certificates(actor=secretariat, event=event)[0]


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_revoke_certificate_without_a_reason_refused(certificate, secretariat, reason):
    audited = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as raised:
        services.revoke_certificate(actor=secretariat, certificate=certificate, reason=reason)

    assert raised.value.message_dict == {"reason": ["Say why the certificate is revoked."]}
    certificate.refresh_from_db()
    assert (certificate.revoked_at, certificate.revoked_reason) == (None, "")
    assert AuditEvent.objects.count() == audited


def test_revoke_certificate_with_a_reason(clock, certificate, secretariat):
    clock.now = LATER

    revoked = services.revoke_certificate(
        actor=secretariat, certificate=certificate, reason="  Tidak hadir penuh.  "
    )

    certificate.refresh_from_db()
    assert (revoked.pk, certificate.revoked_at, certificate.revoked_reason) == (
        certificate.pk,
        LATER,
        "Tidak hadir penuh.",
    )
    event = AuditEvent.objects.order_by("pk").last()
    assert (
        event.actor_label,
        event.action,
        event.object_type,
        event.object_repr,
        event.region_code,
        event.changes,
    ) == (
        "secretariat",
        "update",
        "events.certificate",
        certificate.code,
        "53.71",
        {"revoked_reason": ["", "Tidak hadir penuh."]},
    )


@pytest.mark.parametrize("who", ["anonymous", "officer", "other_officer"])
def test_revoke_certificate_without_the_permission_refused(request, certificate, who):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.revoke_certificate(actor=actor, certificate=certificate, reason="Salah.")

    certificate.refresh_from_db()
    assert certificate.revoked_at is None
