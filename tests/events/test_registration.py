"""Registering a delegation's participants through the services: capacity and quotas, the
waiting list and its promotion, approval, the registration window, validation of a
participant, and the audit trail every write leaves."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from kotacerdas.core.models import AuditEvent
from kotacerdas.events import services
from kotacerdas.events.models import Delegation, Event, Quota, Registration
from kotacerdas.events.services import registration as registration_services
from kotacerdas.events.services.registration import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Place,
    place_for,
    registration_open,
)

pytestmark = pytest.mark.integration

CONFIRMED = Registration.Status.CONFIRMED
WAITLISTED = Registration.Status.WAITLISTED
PENDING = Registration.Status.PENDING
CANCELLED = Registration.Status.CANCELLED
NOT_OPEN = "Registration for this event is not open."


@pytest.fixture(autouse=True)
def english(default_language):
    """Messages are compared in the source language, so that a translation added to the
    catalogue later does not change what these tests check."""
    with translation.override("en"):
        yield


@pytest.fixture
def event(kupang):
    # 16–18 October 2019 in Kupang (WITA, UTC+8): 08:00 on the first day is 00:00 UTC.
    return Event.objects.create(
        slug="sbp-citynet-2019",
        name="Sharing Best Practices CityNet Indonesia 2019",
        theme="Strategi Pengembangan Smart City",
        host_region=kupang,
        city="Kupang",
        starts_at=dt.datetime(2019, 10, 16, 0, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2019, 10, 18, 9, 0, tzinfo=dt.UTC),
        capacity=3,
        status=Event.Status.OPEN,
    )


@pytest.fixture
def kupang_delegation(event, kupang):
    return services.open_delegation(actor=None, event=event, region=kupang)


@pytest.fixture
def sumba_delegation(event, sumba):
    return services.open_delegation(actor=None, event=event, region=sumba)


def _register(actor: Any, delegation: Delegation, name: str, role: str = "staff", **data: Any):
    return services.register_participant(
        actor=actor, delegation=delegation, data={"name": name, "role": role, **data}
    )


def _statuses(event: Event) -> list[tuple[str, str, str, str]]:
    """Every registration of the event in the order it arrived: name, region, role, status."""
    return [
        (r.name, r.delegation.region.code, r.role, r.status)
        for r in Registration.objects.filter(delegation__event=event)
        .select_related("delegation__region")
        .order_by("registered_at", "pk")
    ]


def _events() -> list[tuple[Any, ...]]:
    """The audit trail, oldest first: (actor, action, object type, object, region, changes)."""
    return [
        (e.actor_label, e.action, e.object_type, e.object_repr, e.region_code, e.changes)
        for e in AuditEvent.objects.order_by("pk")
    ]


# --- delegations -------------------------------------------------------------------------


def test_open_delegation_creates_once_and_audits_once(event, kupang, officer):
    first = services.open_delegation(actor=officer, event=event, region=kupang)
    again = services.open_delegation(actor=officer, event=event, region=kupang)

    assert again == first
    assert list(Delegation.objects.values_list("event_id", "region_id", "is_demo")) == [
        (event.pk, kupang.pk, False)
    ]
    assert _events() == [
        (
            "officer.kupang",
            "create",
            "events.delegation",
            "Kota Kupang @ Sharing Best Practices CityNet Indonesia 2019",
            "53.71",
            {},
        )
    ]


@pytest.mark.parametrize("who", ["anonymous", "other_officer"])
def test_open_delegation_of_another_region_refused(request, event, kupang, who):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.open_delegation(actor=actor, event=event, region=kupang)

    assert (Delegation.objects.count(), AuditEvent.objects.count()) == (0, 0)


# --- capacity and quotas -----------------------------------------------------------------


def test_register_participant_confirmed_until_capacity_then_waitlisted(
    event, kupang, kupang_delegation, officer
):
    registrations = [_register(officer, kupang_delegation, f"Peserta {n}") for n in range(1, 5)]

    assert [r.status for r in registrations] == [CONFIRMED, CONFIRMED, CONFIRMED, WAITLISTED]
    assert _statuses(event) == [
        ("Peserta 1", "53.71", "staff", CONFIRMED),
        ("Peserta 2", "53.71", "staff", CONFIRMED),
        ("Peserta 3", "53.71", "staff", CONFIRMED),
        ("Peserta 4", "53.71", "staff", WAITLISTED),
    ]
    assert place_for(event, kupang.pk, "staff") == Place(False, "The event is full (3 places).")


def test_register_participant_role_quota_applies_event_wide(
    event, kupang, sumba, kupang_delegation, sumba_delegation, secretariat
):
    services.set_quota(actor=secretariat, event=event, region=None, role="camat", limit=1)

    _register(None, kupang_delegation, "Camat Kupang", "camat")
    _register(None, sumba_delegation, "Camat Sumba", "camat")
    _register(None, sumba_delegation, "Staf Sumba", "staff")

    assert _statuses(event) == [
        ("Camat Kupang", "53.71", "camat", CONFIRMED),
        ("Camat Sumba", "53.11", "camat", WAITLISTED),
        ("Staf Sumba", "53.11", "staff", CONFIRMED),
    ]
    assert place_for(event, sumba.pk, "camat") == Place(False, "The quota of 1 camat is full.")
    assert place_for(event, kupang.pk, "camat") == Place(False, "The quota of 1 camat is full.")


def test_register_participant_region_quota_applies_to_that_region_only(
    event, kupang, sumba, kupang_delegation, sumba_delegation, secretariat
):
    event.capacity = 10
    event.save()
    services.set_quota(actor=secretariat, event=event, region=kupang, role="", limit=2)

    _register(None, kupang_delegation, "Kupang 1", "staff")
    _register(None, kupang_delegation, "Kupang 2", "lurah")
    _register(None, kupang_delegation, "Kupang 3", "camat")
    _register(None, sumba_delegation, "Sumba 1", "staff")

    assert _statuses(event) == [
        ("Kupang 1", "53.71", "staff", CONFIRMED),
        ("Kupang 2", "53.71", "lurah", CONFIRMED),
        ("Kupang 3", "53.71", "camat", WAITLISTED),
        ("Sumba 1", "53.11", "staff", CONFIRMED),
    ]
    assert place_for(event, kupang.pk, "head") == Place(
        False, "The quota of 2 participants for Kota Kupang is full."
    )
    assert place_for(event, sumba.pk, "head") == Place(True)


def test_register_participant_region_role_quota_applies_to_that_pair_only(
    event, kupang, sumba, kupang_delegation, sumba_delegation, secretariat
):
    event.capacity = 10
    event.save()
    services.set_quota(actor=secretariat, event=event, region=kupang, role="lurah", limit=1)

    _register(None, kupang_delegation, "Lurah Kupang 1", "lurah")
    _register(None, kupang_delegation, "Lurah Kupang 2", "lurah")
    _register(None, kupang_delegation, "Staf Kupang", "staff")
    _register(None, sumba_delegation, "Lurah Sumba", "lurah")

    assert _statuses(event) == [
        ("Lurah Kupang 1", "53.71", "lurah", CONFIRMED),
        ("Lurah Kupang 2", "53.71", "lurah", WAITLISTED),
        ("Staf Kupang", "53.71", "staff", CONFIRMED),
        ("Lurah Sumba", "53.11", "lurah", CONFIRMED),
    ]
    assert place_for(event, kupang.pk, "lurah") == Place(
        False, "The quota of 1 lurah for Kota Kupang is full."
    )
    assert place_for(event, kupang.pk, "staff") == Place(True)
    assert place_for(event, sumba.pk, "lurah") == Place(True)


def test_place_for_counts_only_confirmed_participants(
    event, kupang, kupang_delegation, secretariat
):
    event.capacity = 1
    event.requires_approval = True
    event.save()
    _register(None, kupang_delegation, "Menunggu Persetujuan")
    cancelled = _register(None, kupang_delegation, "Batal")
    services.approve_registration(actor=secretariat, registration=cancelled)
    services.cancel_registration(actor=secretariat, registration=cancelled)

    assert place_for(event, kupang.pk, "staff") == Place(True)


# --- approval ----------------------------------------------------------------------------


def test_register_participant_awaits_approval_then_confirmed_or_waitlisted(
    event, kupang_delegation, officer, secretariat
):
    event.capacity = 1
    event.requires_approval = True
    event.save()
    first = _register(officer, kupang_delegation, "Pertama")
    second = _register(officer, kupang_delegation, "Kedua")
    assert (first.status, second.status) == (PENDING, PENDING)

    approved = services.approve_registration(actor=secretariat, registration=first)
    late = services.approve_registration(actor=secretariat, registration=second)

    assert (approved.pk, approved.status, late.pk, late.status) == (
        first.pk,
        CONFIRMED,
        second.pk,
        WAITLISTED,
    )
    assert _statuses(event) == [
        ("Pertama", "53.71", "staff", CONFIRMED),
        ("Kedua", "53.71", "staff", WAITLISTED),
    ]
    assert _events()[-2:] == [
        (
            "secretariat",
            "update",
            "events.registration",
            "Pertama",
            "53.71",
            {"status": ["pending", "confirmed"]},
        ),
        (
            "secretariat",
            "update",
            "events.registration",
            "Kedua",
            "53.71",
            {"status": ["pending", "waitlisted"]},
        ),
    ]


def test_approve_registration_not_pending_refused(event, kupang_delegation, secretariat):
    registration = _register(None, kupang_delegation, "Sudah Terkonfirmasi")
    audited = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as raised:
        services.approve_registration(actor=secretariat, registration=registration)

    assert raised.value.messages == ["Only a registration awaiting approval can be approved."]
    registration.refresh_from_db()
    assert (registration.status, AuditEvent.objects.count()) == (CONFIRMED, audited)


@pytest.mark.parametrize("who", ["anonymous", "officer", "other_officer"])
def test_approve_registration_by_non_secretariat_refused(request, event, kupang_delegation, who):
    event.requires_approval = True
    event.save()
    registration = _register(None, kupang_delegation, "Menunggu")
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.approve_registration(actor=actor, registration=registration)

    registration.refresh_from_db()
    assert registration.status == PENDING


def test_approve_registration_by_admin_follows_the_secretariat_rule(
    event, kupang_delegation, admin_user
):
    event.requires_approval = True
    event.save()
    registration = _register(None, kupang_delegation, "Menunggu")

    approved = services.approve_registration(actor=admin_user, registration=registration)

    assert approved.status == CONFIRMED


# --- the registration window -------------------------------------------------------------

NOW = dt.datetime(2019, 9, 1, 2, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("status", "opens", "closes", "expected"),
    [
        ("open", None, None, True),
        ("open", NOW, None, True),  # opens at this very moment
        ("open", NOW + HOUR, None, False),  # not yet
        ("open", None, NOW + HOUR, True),
        ("open", None, NOW, False),  # closed at this very moment
        ("open", NOW - HOUR, NOW + HOUR, True),
        ("draft", None, None, False),
        ("closed", None, None, False),
        ("held", None, None, False),
    ],
)
def test_registration_open_window(event, status, opens, closes, expected):
    event.status = status
    event.registration_opens_at = opens
    event.registration_closes_at = closes

    assert registration_open(event, now=NOW) is expected


CLOSED_WINDOWS = {
    "draft": {"status": "draft"},
    "closed": {"status": "closed"},
    "held": {"status": "held"},
    "before_opening": {"registration_opens_at": dt.timedelta(days=1)},
    "after_closing": {"registration_closes_at": dt.timedelta(days=-1)},
}


def _close(event: Event, window: str) -> None:
    for field, value in CLOSED_WINDOWS[window].items():
        setattr(event, field, timezone.now() + value if isinstance(value, dt.timedelta) else value)
    event.save()


@pytest.mark.parametrize("window", list(CLOSED_WINDOWS))
def test_register_participant_closed_registration_refused_for_officer(
    event, kupang_delegation, officer, window
):
    _close(event, window)
    audited = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as raised:
        _register(officer, kupang_delegation, "Terlambat")

    assert raised.value.messages == [NOT_OPEN]
    assert (Registration.objects.count(), AuditEvent.objects.count()) == (0, audited)


@pytest.mark.parametrize("window", list(CLOSED_WINDOWS))
def test_register_participant_closed_registration_allowed_for_system(
    event, kupang_delegation, window
):
    _close(event, window)

    registration = _register(None, kupang_delegation, "Impor Demo")

    assert (registration.status, registration.registered_by) == (CONFIRMED, None)


# --- validating a participant ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"name": "  ", "role": "staff"}, {"name": ["This field is required."]}),
        ({"role": "staff"}, {"name": ["This field is required."]}),
        (
            {"name": "x" * 151, "role": "staff"},
            {"name": ["At most 150 characters, without NUL characters."]},
        ),
        ({"name": "Tanpa Peran"}, {"role": ["Choose one of the roles."]}),
        ({"name": "Wali Kota", "role": "mayor"}, {"role": ["Choose one of the roles."]}),
        (
            {"name": "Surel Salah", "role": "staff", "email": "bukan-alamat"},
            {"email": ["Enter a valid e-mail address."]},
        ),
        (
            {"name": "Camat Waingapu", "role": "camat", "kecamatan_code": "53.11.01"},
            {"kecamatan_code": ["53.11.01 is not a kecamatan of Kota Kupang."]},
        ),
        (
            {"name": "Lurah", "role": "lurah", "kelurahan_code": "53.71.01.1001"},
            {"kelurahan_code": ["Choose the kecamatan first."]},
        ),
        (
            # Namosain is a kelurahan of Alak (53.71.01), not of Maulafa (53.71.02).
            {
                "name": "Lurah Namosain",
                "role": "lurah",
                "kecamatan_code": "53.71.02",
                "kelurahan_code": "53.71.01.1001",
            },
            {"kelurahan_code": ["53.71.01.1001 is not a kelurahan/desa of kecamatan 53.71.02."]},
        ),
        (
            # A wrong kecamatan is reported once, not again through its kelurahan.
            {
                "name": "Lurah",
                "role": "lurah",
                "kecamatan_code": "53.11.01",
                "kelurahan_code": "53.71.01.1001",
            },
            {"kecamatan_code": ["53.11.01 is not a kecamatan of Kota Kupang."]},
        ),
        (
            {"name": "", "role": "mayor", "email": "@", "phone": "0" * 31},
            {
                "name": ["This field is required."],
                "role": ["Choose one of the roles."],
                "email": ["Enter a valid e-mail address."],
                "phone": ["At most 30 characters."],
            },
        ),
    ],
)
def test_register_participant_invalid_data_refused(event, kupang_delegation, officer, data, errors):
    audited = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as raised:
        services.register_participant(actor=officer, delegation=kupang_delegation, data=data)

    assert raised.value.message_dict == errors
    assert (Registration.objects.count(), AuditEvent.objects.count()) == (0, audited)


def test_register_participant_stores_the_whole_row(event, kupang_delegation, officer):
    registration = services.register_participant(
        actor=officer,
        delegation=kupang_delegation,
        data={
            "name": "  Lurah Namosain  ",
            "role": "lurah",
            "position": " Lurah ",
            "kecamatan_code": "53.71.01",
            "kelurahan_code": "53.71.01.1001",
            "email": " lurah.namosain@example.org ",
            "phone": " 0380 123456 ",
        },
    )

    registration.refresh_from_db()
    assert (
        registration.delegation,
        registration.name,
        registration.role,
        registration.position,
        registration.kecamatan_code,
        registration.kelurahan_code,
        registration.email,
        registration.phone,
        registration.status,
        registration.registered_by,
        registration.is_demo,
    ) == (
        kupang_delegation,
        "Lurah Namosain",
        "lurah",
        "Lurah",
        "53.71.01",
        "53.71.01.1001",
        "lurah.namosain@example.org",
        "0380 123456",
        CONFIRMED,
        officer,
        False,
    )


@pytest.mark.parametrize("who", ["anonymous", "other_officer"])
def test_register_participant_in_another_delegation_refused(request, event, kupang_delegation, who):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        _register(actor, kupang_delegation, "Penyusup")

    assert Registration.objects.count() == 0


# --- cancelling and the waiting list -----------------------------------------------------


@pytest.fixture
def queue(event, kupang_delegation, sumba_delegation, secretariat):
    """Two places, one camat at most: a confirmed camat and staff member, then three waiting."""
    event.capacity = 2
    event.save()
    services.set_quota(actor=secretariat, event=event, region=None, role="camat", limit=1)
    people = {
        "camat_kupang": _register(None, kupang_delegation, "Camat Kupang", "camat"),
        "staff_kupang": _register(None, kupang_delegation, "Staf Kupang", "staff"),
        "camat_sumba": _register(None, sumba_delegation, "Camat Sumba", "camat"),
        "staff_sumba": _register(None, sumba_delegation, "Staf Sumba", "staff"),
        "head_kupang": _register(None, kupang_delegation, "Wali Kota", "head"),
    }
    assert [p.status for p in people.values()] == [CONFIRMED, CONFIRMED] + [WAITLISTED] * 3
    return people


def test_cancel_registration_promotes_earliest_waiting_that_fits(event, queue, officer):
    promoted = services.cancel_registration(actor=officer, registration=queue["staff_kupang"])

    # The camat of Sumba waits longer, but the camat quota is still full: the next one moves.
    assert [p.pk for p in promoted] == [queue["staff_sumba"].pk]
    assert _statuses(event) == [
        ("Camat Kupang", "53.71", "camat", CONFIRMED),
        ("Staf Kupang", "53.71", "staff", CANCELLED),
        ("Camat Sumba", "53.11", "camat", WAITLISTED),
        ("Staf Sumba", "53.11", "staff", CONFIRMED),
        ("Wali Kota", "53.71", "head", WAITLISTED),
    ]
    assert _events()[-2:] == [
        (
            "officer.kupang",
            "update",
            "events.registration",
            "Staf Kupang",
            "53.71",
            {"status": ["confirmed", "cancelled"]},
        ),
        (
            "officer.kupang",
            "update",
            "events.registration",
            "Staf Sumba",
            "53.11",
            {"status": ["waitlisted", "confirmed"]},
        ),
    ]


def test_cancel_registration_skipped_participant_keeps_its_place_in_the_queue(
    event, queue, officer, other_officer
):
    services.cancel_registration(actor=officer, registration=queue["staff_kupang"])

    # Now the camat quota frees as well: the camat of Sumba moves up before the head.
    promoted = services.cancel_registration(actor=officer, registration=queue["camat_kupang"])

    assert [p.pk for p in promoted] == [queue["camat_sumba"].pk]
    assert _statuses(event) == [
        ("Camat Kupang", "53.71", "camat", CANCELLED),
        ("Staf Kupang", "53.71", "staff", CANCELLED),
        ("Camat Sumba", "53.11", "camat", CONFIRMED),
        ("Staf Sumba", "53.11", "staff", CONFIRMED),
        ("Wali Kota", "53.71", "head", WAITLISTED),
    ]


def test_cancel_registration_of_a_waitlisted_participant_promotes_nobody(
    event, queue, other_officer
):
    audited = AuditEvent.objects.count()

    promoted = services.cancel_registration(actor=other_officer, registration=queue["staff_sumba"])

    assert promoted == []
    assert _statuses(event) == [
        ("Camat Kupang", "53.71", "camat", CONFIRMED),
        ("Staf Kupang", "53.71", "staff", CONFIRMED),
        ("Camat Sumba", "53.11", "camat", WAITLISTED),
        ("Staf Sumba", "53.11", "staff", CANCELLED),
        ("Wali Kota", "53.71", "head", WAITLISTED),
    ]
    assert AuditEvent.objects.count() == audited + 1


def test_cancel_registration_twice_is_a_no_op(event, queue, officer):
    services.cancel_registration(actor=officer, registration=queue["staff_kupang"])
    before = (_statuses(event), _events())

    again = services.cancel_registration(actor=officer, registration=queue["staff_kupang"])

    assert again == []
    assert (_statuses(event), _events()) == before


@pytest.mark.parametrize("who", ["anonymous", "other_officer"])
def test_cancel_registration_of_another_delegation_refused(request, event, queue, who):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    before = (_statuses(event), AuditEvent.objects.count())

    with pytest.raises(PermissionDenied):
        services.cancel_registration(actor=actor, registration=queue["staff_kupang"])

    assert (_statuses(event), AuditEvent.objects.count()) == before


# --- quotas ------------------------------------------------------------------------------


def test_set_quota_lower_never_removes_confirmed_participants(
    event, kupang, kupang_delegation, secretariat
):
    for n in range(1, 4):
        _register(None, kupang_delegation, f"Peserta {n}")
    event.capacity = 10
    event.save()

    quota = services.set_quota(actor=secretariat, event=event, region=kupang, role="", limit=1)
    late = _register(None, kupang_delegation, "Peserta 4")

    assert list(Quota.objects.values_list("pk", "event_id", "region_id", "role", "limit")) == [
        (quota.pk, event.pk, kupang.pk, "", 1)
    ]
    assert _statuses(event) == [
        ("Peserta 1", "53.71", "staff", CONFIRMED),
        ("Peserta 2", "53.71", "staff", CONFIRMED),
        ("Peserta 3", "53.71", "staff", CONFIRMED),
        ("Peserta 4", "53.71", "staff", WAITLISTED),
    ]
    assert late.status == WAITLISTED
    assert place_for(event, kupang.pk, "staff") == Place(
        False, "The quota of 1 participants for Kota Kupang is full."
    )


def test_set_quota_raised_then_removed_promotes_in_order(
    event, kupang, kupang_delegation, secretariat
):
    event.capacity = 10
    event.save()
    services.set_quota(actor=secretariat, event=event, region=kupang, role="", limit=1)
    for n in range(1, 4):
        _register(None, kupang_delegation, f"Peserta {n}")

    raised = services.set_quota(actor=secretariat, event=event, region=kupang, role="", limit=2)

    assert (raised.region, raised.role, raised.limit, Quota.objects.count()) == (kupang, "", 2, 1)
    assert [s[3] for s in _statuses(event)] == [CONFIRMED, CONFIRMED, WAITLISTED]

    removed = services.set_quota(actor=secretariat, event=event, region=kupang, role="", limit=None)

    assert (removed, Quota.objects.count()) == (None, 0)
    assert [s[3] for s in _statuses(event)] == [CONFIRMED, CONFIRMED, CONFIRMED]
    assert _events()[-4:] == [
        (
            "secretariat",
            "update",
            "events.quota",
            "Sharing Best Practices CityNet Indonesia 2019: Kota Kupang / * ≤ 2",
            "53.71",
            {"limit": [1, 2]},
        ),
        (
            "secretariat",
            "update",
            "events.registration",
            "Peserta 2",
            "53.71",
            {"status": ["waitlisted", "confirmed"]},
        ),
        (
            "secretariat",
            "delete",
            "events.quota",
            "Sharing Best Practices CityNet Indonesia 2019: Kota Kupang / * ≤ 2",
            "53.71",
            {"limit": [2, None]},
        ),
        (
            "secretariat",
            "update",
            "events.registration",
            "Peserta 3",
            "53.71",
            {"status": ["waitlisted", "confirmed"]},
        ),
    ]


@pytest.mark.parametrize(
    ("region", "role", "limit", "messages"),
    [
        (None, "", 5, ["A quota is for a region, a role, or both."]),
        (None, "mayor", 5, ["Choose one of the roles."]),
        ("kupang", "", -1, ["A limit cannot be negative."]),
        ("kupang", "", 2**31, ["A limit is at most 2147483647."]),
    ],
)
def test_set_quota_invalid_refused(request, event, secretariat, region, role, limit, messages):
    target = request.getfixturevalue(region) if region else None

    with pytest.raises(ValidationError) as raised:
        services.set_quota(actor=secretariat, event=event, region=target, role=role, limit=limit)

    assert raised.value.messages == messages
    assert (Quota.objects.count(), AuditEvent.objects.count()) == (0, 0)


@pytest.mark.parametrize("who", ["anonymous", "officer", "other_officer"])
def test_set_quota_by_non_secretariat_refused(request, event, kupang, who):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.set_quota(actor=actor, event=event, region=kupang, role="", limit=5)

    assert Quota.objects.count() == 0


# --- the audit trail ---------------------------------------------------------------------


def test_every_registration_write_is_audited(event, kupang, sumba, officer, secretariat):
    event.capacity = 1
    event.save()
    name = event.name

    delegation = services.open_delegation(actor=officer, event=event, region=kupang)
    services.set_quota(actor=secretariat, event=event, region=None, role="head", limit=1)
    services.set_quota(actor=secretariat, event=event, region=sumba, role="camat", limit=2)
    first = _register(officer, delegation, "Pertama")
    _register(officer, delegation, "Kedua", "head")
    services.cancel_registration(actor=officer, registration=first)

    assert _events() == [
        ("officer.kupang", "create", "events.delegation", f"Kota Kupang @ {name}", "53.71", {}),
        (
            "secretariat",
            "create",
            "events.quota",
            f"{name}: * / head ≤ 1",
            "",
            {"limit": [None, 1]},
        ),
        (
            "secretariat",
            "create",
            "events.quota",
            f"{name}: Kabupaten Sumba Timur / camat ≤ 2",
            "53.11",
            {"limit": [None, 2]},
        ),
        (
            "officer.kupang",
            "create",
            "events.registration",
            "Pertama",
            "53.71",
            {"status": [None, "confirmed"], "role": [None, "staff"]},
        ),
        (
            "officer.kupang",
            "create",
            "events.registration",
            "Kedua",
            "53.71",
            {"status": [None, "waitlisted"], "role": [None, "head"]},
        ),
        (
            "officer.kupang",
            "update",
            "events.registration",
            "Pertama",
            "53.71",
            {"status": ["confirmed", "cancelled"]},
        ),
        (
            "officer.kupang",
            "update",
            "events.registration",
            "Kedua",
            "53.71",
            {"status": ["waitlisted", "confirmed"]},
        ),
    ]


# --- tickets -----------------------------------------------------------------------------


def test_register_participant_tickets_are_unique_and_readable(event, kupang_delegation):
    event.capacity = 40
    event.save()

    registrations = [_register(None, kupang_delegation, f"Peserta {n}") for n in range(40)]

    tokens = {r.token for r in registrations}
    codes = {r.code for r in registrations}
    assert (len(tokens), len(codes)) == (40, 40)
    assert {len(t) for t in tokens} == {43}
    assert {len(c) for c in codes} == {CODE_LENGTH}
    assert set("".join(codes)) <= set(CODE_ALPHABET)
    # Nothing that reads as another character at a check-in desk.
    assert set(CODE_ALPHABET) & set("0O1IL") == set()
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET) == 31


def test_new_ticket_draws_again_when_a_token_or_code_is_taken(
    monkeypatch, event, kupang_delegation
):
    taken = _register(None, kupang_delegation, "Pertama")
    tokens = iter([taken.token, "fresh-token", "another-token"])
    codes = iter([taken.code, "ABCDEFGHJK", "MNPQRSTUVW"])

    class Draw:
        @staticmethod
        def token_urlsafe(nbytes: int) -> str:
            return next(tokens)

        @staticmethod
        def choice(alphabet: str) -> str:
            # A whole code per call of new_ticket: hand out its characters one by one.
            if not Draw.pending:
                Draw.pending = list(next(codes))
            return Draw.pending.pop(0)

        pending: list[str] = []

    monkeypatch.setattr(registration_services, "secrets", Draw)

    assert registration_services.new_ticket() == ("fresh-token", "ABCDEFGHJK")
