"""Events through the API: the list, the agenda, delegations, registration with quotas and
the waiting list, approval, quotas, check-in, attendance and certificate verification.

Who may do what is in ``test_events_permissions.py``; here each endpoint's answer is
compared whole with what the database says, in English (the ``api`` client asks for it).
"""

# The events' shared fixtures are imported by name and named again as test arguments (as
# pyproject.toml allows for tests/events/).
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import logging
import typing
from typing import Any
from urllib.parse import quote

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from kotacerdas.core.models import AuditEvent
from kotacerdas.events import services
from kotacerdas.events.api import schemas as events_api
from kotacerdas.events.models import (
    Certificate,
    CheckIn,
    Delegation,
    Event,
    ParticipantRole,
    Registration,
    Session,
    Speaker,
)

from ..events.fixtures import arrive, event, kupang_delegation, register, sumba_delegation  # noqa: F401
from ..factories import RegionFactory
from ..practices.fixtures import RECORD

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

INVALID = "Some values are not valid; see the fields."
SLUG = "sbp-citynet-2019"
BASE = f"/api/v1/events/{SLUG}"
PRACTICE_SLUG = "pajak-restoran-daring-dengan-perekam-transaksi"
KUPANG = {"code": "53.71", "name": "Kota Kupang", "kind": "kota"}
SUMBA = {"code": "53.11", "name": "Kabupaten Sumba Timur", "kind": "kabupaten"}
WITA = dt.timezone(dt.timedelta(hours=8))

CARD = {
    "slug": SLUG,
    "name": "Sharing Best Practices CityNet Indonesia 2019",
    "theme": "Strategi Pengembangan Smart City",
    "host_region": KUPANG,
    "city": "Kupang",
    "venue": "Aula Rumah Jabatan",
    "starts_at": "2019-10-16T00:00:00Z",
    "ends_at": "2019-10-18T09:00:00Z",
    "starts_local": "2019-10-16T08:00:00+08:00",
    "ends_local": "2019-10-18T17:00:00+08:00",
    "timezone": "Asia/Makassar",
    "timezone_abbreviation": "WITA",
    "status": "open",
    "capacity": 10,
    "registration_opens_at": None,
    "registration_closes_at": None,
    "registration_open": True,
    "requires_approval": False,
    "is_demo": False,
}


def error(status: int, code: str, message: str, fields: list[Any] | None = None) -> dict:
    return {"error": {"status": status, "code": code, "message": message, "fields": fields or []}}


def not_found(message: str) -> dict:
    return error(404, "not_found", message)


def invalid(*fields: tuple[str | None, str]) -> dict:
    return error(422, "validation_error", INVALID, [{"field": f, "message": m} for f, m in fields])


def stamp(value: Any) -> str | None:
    """A date-time as the API writes it (milliseconds; ``Z`` for UTC)."""
    return None if value is None else DjangoJSONEncoder().default(value)


def post(api, path: str, body: Any, headers: dict[str, str]):
    return api.post(path, body, content_type="application/json", headers=headers)


def put(api, path: str, body: Any, headers: dict[str, str]):
    return api.put(path, body, content_type="application/json", headers=headers)


def api_events() -> list[tuple[str, str, str, str]]:
    return list(
        AuditEvent.objects.filter(channel=AuditEvent.Channel.API)
        .order_by("id")
        .values_list("actor__username", "action", "object_type", "region_code")
    )


def participant(registration: Registration, **extra: Any) -> dict[str, Any]:
    """A registration as the API shows it, read back from the database."""
    registration.refresh_from_db()
    region = registration.delegation.region
    certificate = Certificate.objects.filter(registration=registration).first()
    return {
        "id": registration.pk,
        "region": {"code": region.code, "name": region.name, "kind": region.kind},
        "name": registration.name,
        "role": registration.role,
        "position": registration.position,
        "kecamatan_code": registration.kecamatan_code,
        "kelurahan_code": registration.kelurahan_code,
        "email": registration.email,
        "phone": registration.phone,
        "status": registration.status,
        "code": registration.code,
        "registered_at": stamp(registration.registered_at),
        "checked_in": CheckIn.objects.filter(
            registration=registration, session__isnull=True
        ).exists(),
        "certificate": None
        if certificate is None
        else {
            "code": certificate.code,
            "status": "valid" if certificate.revoked_at is None else "revoked",
        },
        "is_demo": registration.is_demo,
        **extra,
    }


def agenda(seminar: Event) -> list[dict[str, Any]]:
    keynote, panel = seminar.sessions.order_by("starts_at")
    return [
        {
            "id": keynote.pk,
            "title": "Strategi Pengembangan Smart City",
            "kind": "keynote",
            "room": "Aula Utama",
            "description": "",
            "starts_at": "2019-10-16T01:00:00Z",
            "ends_at": "2019-10-16T02:00:00Z",
            "starts_local": "2019-10-16T09:00:00+08:00",
            "ends_local": "2019-10-16T10:00:00+08:00",
            "speakers": [
                {"name": "Menteri Kominfo", "role": "keynote", "affiliation": "", "region": None}
            ],
            "practices": [],
        },
        {
            "id": panel.pk,
            "title": "Inovasi Pendapatan Asli Daerah",
            "kind": "panel",
            "room": "Ruang Flobamora",
            "description": "",
            "starts_at": "2019-10-17T01:00:00Z",
            "ends_at": "2019-10-17T03:00:00Z",
            "starts_local": "2019-10-17T09:00:00+08:00",
            "ends_local": "2019-10-17T11:00:00+08:00",
            "speakers": [
                {"name": "Walikota Kupang", "role": "panelist", "affiliation": "", "region": None}
            ],
            "practices": [],
        },
    ]


# --- the schemas follow the models -----------------------------------------------------------


@pytest.mark.parametrize(
    ("literal", "choices"),
    [
        (events_api.EventStatus, Event.Status.values),
        (events_api.SessionKind, Session.Kind.values),
        (events_api.SpeakerRole, Speaker.Role.values),
        (events_api.ParticipantRole, ParticipantRole.values),
        (events_api.RegistrationStatus, Registration.Status.values),
        (events_api.PublicEventStatus, [s for s in Event.Status.values if s != "draft"]),
    ],
)
def test_schema_choices_are_the_models_choices(literal, choices):
    assert list(typing.get_args(literal)) == list(choices)


# --- events and their agenda -------------------------------------------------------------------


def other_events(kupang, sumba) -> tuple[Event, Event]:
    """A held workshop in Sumba in 2018 and a draft for 2020."""
    held = Event.objects.create(
        slug="lokakarya-sumba-2018",
        name="Lokakarya Sumba 2018",
        host_region=sumba,
        city="Waingapu",
        starts_at=dt.datetime(2018, 5, 2, 1, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2018, 5, 2, 9, 0, tzinfo=dt.UTC),
        capacity=40,
        status=Event.Status.HELD,
        is_demo=True,
    )
    draft = Event.objects.create(
        slug="draft-2020",
        name="Seminar 2020",
        host_region=kupang,
        starts_at=dt.datetime(2020, 10, 1, 0, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2020, 10, 2, 0, 0, tzinfo=dt.UTC),
        capacity=100,
    )
    return held, draft


HELD_CARD = {
    "slug": "lokakarya-sumba-2018",
    "name": "Lokakarya Sumba 2018",
    "theme": "",
    "host_region": SUMBA,
    "city": "Waingapu",
    "venue": "",
    "starts_at": "2018-05-02T01:00:00Z",
    "ends_at": "2018-05-02T09:00:00Z",
    "starts_local": "2018-05-02T09:00:00+08:00",
    "ends_local": "2018-05-02T17:00:00+08:00",
    "timezone": "Asia/Makassar",
    "timezone_abbreviation": "WITA",
    "status": "held",
    "capacity": 40,
    "registration_opens_at": None,
    "registration_closes_at": None,
    "registration_open": False,
    "requires_approval": False,
    "is_demo": True,
}


def test_event_list_shows_events_latest_first_without_drafts(api, event, kupang, sumba):
    other_events(kupang, sumba)

    response = api.get("/api/v1/events")

    assert response.status_code == 200
    assert response.json() == {"count": 2, "items": [CARD, HELD_CARD]}


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ({"status": "held"}, ["lokakarya-sumba-2018"]),
        ({"status": "open"}, [SLUG]),
        ({"region": "5311"}, ["lokakarya-sumba-2018"]),
        ({"region": "53.71"}, [SLUG]),
        ({"year": 2019}, [SLUG]),
        ({"year": 2018, "region": "53.11", "status": "held"}, ["lokakarya-sumba-2018"]),
        ({"year": 2020}, []),
        ({"limit": 1, "offset": 1}, ["lokakarya-sumba-2018"]),
    ],
)
def test_event_list_filters(api, event, kupang, sumba, query, slugs):
    other_events(kupang, sumba)

    response = api.get("/api/v1/events", query)

    body = response.json()
    assert [item["slug"] for item in body["items"]] == slugs
    assert body["count"] == (2 if "limit" in query else len(slugs))


def test_event_list_year_is_the_hosts_year(api, kupang):
    # 07:30 WITA on 1 January 2020 is still 2019 in UTC.
    Event.objects.create(
        slug="tahun-baru",
        name="Tahun Baru",
        host_region=kupang,
        starts_at=dt.datetime(2019, 12, 31, 23, 30, tzinfo=dt.UTC),
        ends_at=dt.datetime(2020, 1, 1, 3, 0, tzinfo=dt.UTC),
        capacity=5,
        status=Event.Status.OPEN,
    )

    in_2019 = api.get("/api/v1/events", {"year": 2019}).json()
    in_2020 = api.get("/api/v1/events", {"year": 2020}).json()

    assert (in_2019["count"], in_2020["count"]) == (0, 1)
    assert in_2020["items"][0]["starts_local"] == "2020-01-01T07:30:00+08:00"


@pytest.mark.parametrize(
    ("query", "status", "body"),
    [
        (
            {"status": "draft"},
            422,
            invalid(("status", "Choose one of: 'open', 'closed' or 'held'.")),
        ),
        ({"year": 1800}, 422, invalid(("year", "Enter a value of at least 1900."))),
        ({"region": "53.99"}, 404, not_found("No kabupaten/kota has the code 53.99.")),
        ({"limit": 0}, 422, invalid(("limit", "Enter a value of at least 1."))),
    ],
)
def test_event_list_refuses_bad_filters(api, event, query, status, body):
    response = api.get("/api/v1/events", query)

    assert (response.status_code, response.json()) == (status, body)


def test_event_detail_has_the_agenda_and_the_places_taken(
    api, event, kupang_delegation, published_practice
):
    panel = event.sessions.get(kind=Session.Kind.PANEL)
    panel.practices.add(published_practice)
    Speaker.objects.filter(session=panel).update(affiliation="Pemerintah Kota Kupang")
    Speaker.objects.filter(session=panel).update(region=kupang_delegation.region)
    register(kupang_delegation, "Peserta Satu")
    register(kupang_delegation, "Peserta Dua")
    event.description = "Seminar tahunan jaringan."
    event.save()

    response = api.get(BASE)

    sessions = agenda(event)
    sessions[1]["speakers"][0].update(affiliation="Pemerintah Kota Kupang", region=KUPANG)
    sessions[1]["practices"] = [{"slug": PRACTICE_SLUG, "title": RECORD["title"]}]
    assert response.status_code == 200
    assert response.json() == {
        **CARD,
        "description": "Seminar tahunan jaringan.",
        "sessions": sessions,
        "counts": {"confirmed": 2, "places_left": 8},
    }
    assert "Peserta" not in response.content.decode()


def test_event_detail_leaves_out_practices_that_are_not_published(api, event, draft_practice):
    event.sessions.get(kind=Session.Kind.PANEL).practices.add(draft_practice)

    response = api.get(BASE)

    assert [s["practices"] for s in response.json()["sessions"]] == [[], []]


@pytest.mark.parametrize("path", ["/api/v1/events/{}", "/api/v1/events/{}/sessions"])
def test_unknown_or_draft_event_is_404(api, event, kupang, sumba, path):
    other_events(kupang, sumba)

    unknown = api.get(path.format("tidak-ada"))
    draft = api.get(path.format("draft-2020"))

    assert unknown.json() == not_found("No event has the short name “tidak-ada”.")
    assert draft.json() == not_found("No event has the short name “draft-2020”.")


def test_sessions_list_is_the_agenda_in_pages(api, event):
    first = api.get(f"{BASE}/sessions")
    second = api.get(f"{BASE}/sessions", {"limit": 1, "offset": 1})

    assert first.json() == {"count": 2, "items": agenda(event)}
    assert second.json() == {"count": 2, "items": agenda(event)[1:]}


# --- delegations -------------------------------------------------------------------------------


def test_delegations_are_counted_never_named(api, event, kupang_delegation, sumba_delegation):
    Event.objects.filter(pk=event.pk).update(capacity=2)
    register(kupang_delegation, "Peserta Satu")
    register(kupang_delegation, "Peserta Dua")
    register(sumba_delegation, "Peserta Tiga")
    Delegation.objects.filter(pk=sumba_delegation.pk).update(is_demo=True)

    response = api.get(f"{BASE}/delegations")

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "items": [
            {"region": SUMBA, "confirmed": 0, "waitlisted": 1, "pending": 0, "is_demo": True},
            {"region": KUPANG, "confirmed": 2, "waitlisted": 0, "pending": 0, "is_demo": False},
        ],
    }
    assert "Peserta" not in response.content.decode()


def test_open_delegation_creates_it_once(api, event, officer, bearer):
    headers = bearer(officer)

    first = post(api, f"{BASE}/delegations", {"region": "5371"}, headers)
    again = post(api, f"{BASE}/delegations", {"region": "53.71"}, headers)

    expected = {"region": KUPANG, "confirmed": 0, "waitlisted": 0, "pending": 0, "is_demo": False}
    assert (first.status_code, first.json()) == (201, expected)
    assert (again.status_code, again.json()) == (200, expected)
    assert api_events() == [("officer.kupang", "create", "events.delegation", "53.71")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"region": "53.99"}, invalid(("region", "No current kabupaten/kota has the code 53.99."))),
        ({}, invalid(("region", "This field is required."))),
        (
            {"region": "53.71", "extra": 1},
            invalid(("extra", "This field is not accepted here.")),
        ),
    ],
)
def test_open_delegation_refuses_bad_regions(api, event, secretariat, bearer, body, expected):
    response = post(api, f"{BASE}/delegations", body, bearer(secretariat))

    assert (response.status_code, response.json()) == (422, expected)
    assert not Delegation.objects.exists()


# --- registrations -----------------------------------------------------------------------------


def test_registrations_of_a_delegation_for_its_officer(
    api, event, kupang_delegation, sumba_delegation, officer, bearer
):
    first = register(
        kupang_delegation,
        "Lurah Namosain",
        "lurah",
        position="Lurah",
        kecamatan_code="53.71.01",
        kelurahan_code="53.71.01.1001",
        email="lurah.namosain@example.org",
        phone="0380 123456",
    )
    second = register(kupang_delegation, "Staf Bappeda")
    register(sumba_delegation, "Peserta Sumba")
    arrive(first)
    services.issue_certificates(actor=None, event=event)

    response = api.get(f"{BASE}/delegations/5371/registrations", headers=bearer(officer))

    assert response.status_code == 200
    assert response.json() == {"count": 2, "items": [participant(first), participant(second)]}
    items = response.json()["items"]
    assert (items[0]["checked_in"], items[0]["certificate"]["status"]) == (True, "valid")
    assert "Peserta Sumba" not in response.content.decode()


def test_registrations_of_a_region_without_delegation(api, event, kupang, secretariat, bearer):
    missing = api.get(f"{BASE}/delegations/53.71/registrations", headers=bearer(secretariat))
    unknown = api.get(f"{BASE}/delegations/53.99/registrations", headers=bearer(secretariat))
    malformed = api.get(f"{BASE}/delegations/abc/registrations", headers=bearer(secretariat))

    assert missing.json() == not_found(f"Kota Kupang has no delegation to “{SLUG}”.")
    assert unknown.json() == not_found("No kabupaten/kota has the code 53.99.")
    assert malformed.status_code == 422
    assert malformed.json()["error"]["fields"][0]["field"] == "code"


def test_register_participant_is_confirmed_and_audited(api, event, kupang, officer, bearer):
    body = {
        "name": "Camat Oebobo",
        "role": "camat",
        "position": "Camat",
        "kecamatan_code": "53.71.04",
        "email": "camat.oebobo@example.org",
        "phone": "0380 111",
    }

    response = post(api, f"{BASE}/delegations/53.71/registrations", body, bearer(officer))

    registration = Registration.objects.get()
    assert response.status_code == 201
    assert response.json() == participant(registration, reason="")
    assert (registration.status, registration.registered_by) == ("confirmed", officer)
    # The delegation was opened on the way.
    assert api_events() == [
        ("officer.kupang", "create", "events.delegation", "53.71"),
        ("officer.kupang", "create", "events.registration", "53.71"),
    ]


def test_full_quota_puts_on_the_waiting_list_and_a_cancellation_promotes(
    api, event, kupang_delegation, sumba_delegation, officer, other_officer, secretariat, bearer
):
    services.set_quota(actor=None, event=event, region=None, role="staff", limit=1)
    staff = {"name": "Staf Kupang", "role": "staff"}

    confirmed = post(api, f"{BASE}/delegations/53.71/registrations", staff, bearer(officer))
    waiting = post(
        api,
        f"{BASE}/delegations/53.11/registrations",
        {"name": "Staf Sumba", "role": "staff"},
        bearer(other_officer),
    )

    kupang_staff, sumba_staff = Registration.objects.order_by("pk")
    assert (confirmed.status_code, confirmed.json()) == (201, participant(kupang_staff, reason=""))
    assert (waiting.status_code, waiting.json()) == (
        201,
        participant(sumba_staff, reason="The quota of 1 staff is full."),
    )
    assert sumba_staff.status == "waitlisted"

    cancelled = post(api, f"{BASE}/registrations/{kupang_staff.pk}/cancel", {}, bearer(officer))

    # Kupang's officer learns that one participant moved up, not who: that is Sumba's.
    assert cancelled.status_code == 200
    assert cancelled.json() == {
        "registration": participant(kupang_staff),
        "promoted": [],
        "promoted_count": 1,
    }
    sumba_staff.refresh_from_db()
    assert (kupang_staff.status, sumba_staff.status) == ("cancelled", "confirmed")
    assert "Staf Sumba" not in cancelled.content.decode()


def test_cancellation_by_the_secretariat_lists_who_moved_up(
    api, event, kupang_delegation, sumba_delegation, secretariat, bearer
):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    first = register(kupang_delegation, "Peserta Pertama")
    second = register(sumba_delegation, "Peserta Kedua")

    response = post(api, f"{BASE}/registrations/{first.pk}/cancel", {}, bearer(secretariat))
    again = post(api, f"{BASE}/registrations/{first.pk}/cancel", {}, bearer(secretariat))

    assert response.json() == {
        "registration": participant(first),
        "promoted": [participant(second)],
        "promoted_count": 1,
    }
    second.refresh_from_db()
    assert second.status == "confirmed"
    # Cancelling twice changes nothing.
    assert again.json() == {
        "registration": participant(first),
        "promoted": [],
        "promoted_count": 0,
    }


def test_registration_of_another_event_is_404(api, event, kupang, secretariat, bearer):
    other = Event.objects.create(
        slug="lain",
        name="Lain",
        host_region=kupang,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        capacity=5,
        status=Event.Status.OPEN,
    )
    elsewhere = register(services.open_delegation(actor=None, event=other, region=kupang), "X")

    response = post(api, f"{BASE}/registrations/{elsewhere.pk}/cancel", {}, bearer(secretariat))

    assert response.json() == not_found(
        f"The event “{SLUG}” has no registration with the id {elsewhere.pk}."
    )
    assert Registration.objects.get().status == "confirmed"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"role": "staff"}, invalid(("name", "This field is required."))),
        ({"name": "  ", "role": "staff"}, invalid(("name", "This field is required."))),
        (
            {"name": "Wali Kota", "role": "mayor"},
            invalid(
                (
                    "role",
                    "Choose one of: 'head', 'deputy_head', 'dprd_chair', 'secretary', "
                    "'agency_head', 'camat', 'lurah', 'staff' or 'other'.",
                )
            ),
        ),
        (
            {"name": "Camat", "role": "camat", "kecamatan_code": "53.11.01"},
            invalid(("kecamatan_code", "53.11.01 is not a kecamatan of Kota Kupang.")),
        ),
        (
            {"name": "Lurah", "role": "lurah", "kelurahan_code": "53.71.01.1001"},
            invalid(("kelurahan_code", "Choose the kecamatan first.")),
        ),
        (
            {"name": "Surel", "role": "staff", "email": "bukan-alamat"},
            invalid(("email", "Enter a valid e-mail address.")),
        ),
        (
            {"name": "Nu\x00l", "role": "staff"},
            invalid(("name", "Remove the NUL characters and unpaired surrogates.")),
        ),
        (
            {"name": "Token", "role": "staff", "token": "abc"},
            invalid(("token", "This field is not accepted here.")),
        ),
    ],
)
def test_register_participant_problems_name_their_field(
    api, event, kupang_delegation, officer, bearer, body, expected
):
    response = post(api, f"{BASE}/delegations/53.71/registrations", body, bearer(officer))

    assert (response.status_code, response.json()) == (422, expected)
    assert not Registration.objects.exists()


def test_register_participant_when_registration_is_closed(api, event, kupang, officer, bearer):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CLOSED)

    response = post(
        api,
        f"{BASE}/delegations/53.71/registrations",
        {"name": "Terlambat", "role": "staff"},
        bearer(officer),
    )

    assert (response.status_code, response.json()) == (
        422,
        invalid((None, "Registration for this event is not open.")),
    )
    # The delegation opened on the way is rolled back with the refused registration.
    assert (Delegation.objects.exists(), api_events()) == (False, [])


def test_approval_confirms_a_pending_registration_once(
    api, event, kupang_delegation, secretariat, officer, bearer
):
    Event.objects.filter(pk=event.pk).update(requires_approval=True)
    registered = post(
        api,
        f"{BASE}/delegations/53.71/registrations",
        {"name": "Menunggu", "role": "head"},
        bearer(officer),
    )
    registration = Registration.objects.get()
    path = f"{BASE}/registrations/{registration.pk}/approve"

    approved = post(api, path, {}, bearer(secretariat))
    again = post(api, path, {}, bearer(secretariat))

    assert (registered.json()["status"], registered.json()["reason"]) == ("pending", "")
    assert (approved.status_code, approved.json()) == (200, participant(registration))
    assert registration.status == "confirmed"
    assert (again.status_code, again.json()) == (
        422,
        invalid((None, "Only a registration awaiting approval can be approved.")),
    )


# --- quotas ------------------------------------------------------------------------------------


def test_quotas_are_public_with_their_use(api, event, kupang_delegation, sumba):
    services.set_quota(actor=None, event=event, region=None, role="camat", limit=2)
    services.set_quota(actor=None, event=event, region=sumba, role="", limit=3)
    services.set_quota(actor=None, event=event, region=None, role="head", limit=1)
    register(kupang_delegation, "Camat Alak", "camat")
    register(kupang_delegation, "Camat Oebobo", "camat")

    response = api.get(f"{BASE}/quotas")

    assert response.json() == {
        "count": 3,
        "items": [
            # Roles in their listed order (head of region before camat), as on the desk.
            {"region": None, "role": "head", "limit": 1, "used": 0, "left": 1, "full": False},
            {"region": None, "role": "camat", "limit": 2, "used": 2, "left": 0, "full": True},
            {"region": SUMBA, "role": None, "limit": 3, "used": 0, "left": 3, "full": False},
        ],
    }


def test_set_quota_then_remove_it(api, event, kupang_delegation, secretariat, bearer):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    register(kupang_delegation, "Pertama")
    waiting = register(kupang_delegation, "Kedua")
    services.set_quota(actor=None, event=event, region=None, role="staff", limit=1)
    Event.objects.filter(pk=event.pk).update(capacity=10)
    headers = bearer(secretariat)

    regional = put(api, f"{BASE}/quotas", {"region": "5371", "role": None, "limit": 4}, headers)
    removed = put(api, f"{BASE}/quotas", {"region": None, "role": "staff", "limit": None}, headers)

    kupang_quota = {"region": KUPANG, "role": None, "limit": 4, "used": 1, "left": 3, "full": False}
    assert (regional.status_code, regional.json()) == (
        200,
        {
            "count": 2,
            "items": [
                {"region": None, "role": "staff", "limit": 1, "used": 1, "left": 0, "full": True},
                kupang_quota,
            ],
        },
    )
    # Without the role quota, the waiting participant moves up.
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert removed.json() == {"count": 1, "items": [{**kupang_quota, "used": 2, "left": 2}]}
    assert [(e[1], e[2], e[3]) for e in api_events()] == [
        ("create", "events.quota", "53.71"),
        ("delete", "events.quota", ""),
        ("update", "events.registration", "53.71"),
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"region": None, "role": None, "limit": 3},
            invalid((None, "A quota is for a region, a role, or both.")),
        ),
        (
            {"region": "53.99", "role": None, "limit": 3},
            invalid(("region", "No current kabupaten/kota has the code 53.99.")),
        ),
        ({"role": "staff", "limit": -1}, invalid(("limit", "Enter a value of at least 0."))),
        ({"role": "staff"}, invalid(("limit", "This field is required."))),
    ],
)
def test_set_quota_problems(api, event, secretariat, bearer, body, expected):
    response = put(api, f"{BASE}/quotas", body, bearer(secretariat))

    assert (response.status_code, response.json()) == (422, expected)


# --- check-in ----------------------------------------------------------------------------------


def test_check_in_is_idempotent_and_tells_when_and_where_the_first_was(
    api, event, kupang_delegation, secretariat, bearer
):
    registration = register(kupang_delegation, "Peserta Datang")
    headers = bearer(secretariat)
    typed = registration.code.lower()[:4] + "-" + registration.code.lower()[4:]

    first = post(api, f"{BASE}/checkin", {"code": typed, "place": "Pintu Utama"}, headers)
    second = post(
        api,
        f"{BASE}/checkin",
        {"code": services.ticket_payload(registration), "place": "Meja 2"},
        headers,
    )

    checkin = CheckIn.objects.get()
    expected = {
        "first": True,
        "checked_in_at": stamp(checkin.at),
        "checked_in_local": stamp(checkin.at.astimezone(WITA)),
        "place": "Pintu Utama",
        "session": None,
        "registration": registration.pk,
        "name": "Peserta Datang",
        "region": KUPANG,
        "role": "staff",
    }
    assert (first.status_code, first.json()) == (201, expected)
    assert (second.status_code, second.json()) == (200, {**expected, "first": False})
    assert second.json()["checked_in_local"].endswith("+08:00")
    assert api_events() == [("secretariat", "create", "events.checkin", "53.71")]


def test_check_in_at_a_session(api, event, kupang_delegation, secretariat, bearer):
    registration = register(kupang_delegation, "Peserta Sesi")
    panel = event.sessions.get(kind=Session.Kind.PANEL)

    response = post(
        api,
        f"{BASE}/checkin",
        {"code": registration.code, "session": panel.pk, "place": "Ruang Flobamora"},
        bearer(secretariat),
    )

    assert response.status_code == 201
    assert (response.json()["session"], response.json()["first"]) == (panel.pk, True)
    assert list(CheckIn.objects.values_list("session", "place")) == [(panel.pk, "Ruang Flobamora")]


def test_check_in_problems(api, event, kupang_delegation, secretariat, bearer):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    register(kupang_delegation, "Peserta Ada")
    waiting = register(kupang_delegation, "Peserta Menunggu")
    headers = bearer(secretariat)

    unknown = post(api, f"{BASE}/checkin", {"code": "ZZZZZZZZZZ"}, headers)
    forged = post(api, f"{BASE}/checkin", {"code": f"{waiting.token}:forged"}, headers)
    not_confirmed = post(api, f"{BASE}/checkin", {"code": waiting.code}, headers)
    no_session = post(api, f"{BASE}/checkin", {"code": waiting.code, "session": 999999}, headers)
    empty = post(api, f"{BASE}/checkin", {"code": ""}, headers)

    assert unknown.json() == invalid(("code", "No ticket has this code."))
    assert forged.json() == invalid(("code", "This QR code is not a ticket of KotaCerdas."))
    assert not_confirmed.json() == invalid(
        ("code", "This participant is not confirmed (on the waiting list).")
    )
    assert no_session.json() == invalid(("session", "The event has no session with the id 999999."))
    assert empty.json() == invalid(("code", "Use at least 1 characters."))
    assert not CheckIn.objects.exists()
    assert waiting.token not in forged.content.decode()


# --- attendance --------------------------------------------------------------------------------


def test_attendance_by_region_and_role(
    api, event, kupang_delegation, sumba_delegation, secretariat, bearer
):
    Event.objects.filter(pk=event.pk).update(capacity=3)
    arrive(register(kupang_delegation, "Staf Kupang"))
    register(kupang_delegation, "Camat Kupang", "camat")
    arrive(register(sumba_delegation, "Staf Sumba"))
    register(sumba_delegation, "Menunggu Sumba")

    response = api.get(f"{BASE}/attendance", headers=bearer(secretariat))

    assert response.status_code == 200
    assert response.json() == {
        "capacity": 3,
        "confirmed": 3,
        "waitlisted": 1,
        "pending": 0,
        "cancelled": 0,
        "arrived": 2,
        "delegations": 2,
        "no_shows": 1,
        "by_region": [
            {"region": "Kabupaten Sumba Timur", "confirmed": 1, "arrived": 1, "no_shows": 0},
            {"region": "Kota Kupang", "confirmed": 2, "arrived": 1, "no_shows": 1},
        ],
        "by_role": [
            {"role": "camat", "label": "camat", "confirmed": 1, "arrived": 0, "no_shows": 1},
            {"role": "staff", "label": "staff", "confirmed": 2, "arrived": 2, "no_shows": 0},
        ],
    }


# --- certificates ------------------------------------------------------------------------------


@pytest.fixture
def certificate(event, kupang_delegation) -> Certificate:
    arrive(register(kupang_delegation, "Peserta Bersertifikat", "camat"))
    (issued,) = services.issue_certificates(actor=None, event=event)
    return issued


def certificate_json(certificate: Certificate, **changes: Any) -> dict[str, Any]:
    certificate.refresh_from_db()
    return {
        "code": certificate.code,
        "valid": True,
        "status": "valid",
        "name": "Peserta Bersertifikat",
        "role": "camat",
        "region": KUPANG,
        "event": {
            "slug": SLUG,
            "name": "Sharing Best Practices CityNet Indonesia 2019",
            "city": "Kupang",
            "starts_at": "2019-10-16T00:00:00Z",
            "ends_at": "2019-10-18T09:00:00Z",
            "starts_local": "2019-10-16T08:00:00+08:00",
            "ends_local": "2019-10-18T17:00:00+08:00",
            "timezone": "Asia/Makassar",
        },
        "issued_at": stamp(certificate.issued_at),
        "revoked_at": None,
        "revoked_reason": "",
        "is_demo": False,
        **changes,
    }


def test_certificate_verification_of_a_valid_certificate(api, certificate):
    typed = f"{certificate.code[:4].lower()}-{certificate.code[4:8]}-{certificate.code[8:]}"

    exact = api.get(f"/api/v1/events/certificates/{certificate.code}")
    as_typed = api.get(f"/api/v1/events/certificates/{typed}")

    assert (exact.status_code, exact.json()) == (200, certificate_json(certificate))
    assert as_typed.json() == exact.json()


def test_certificate_verification_of_a_revoked_certificate(api, certificate):
    services.revoke_certificate(actor=None, certificate=certificate, reason="Nama salah ketik.")

    response = api.get(f"/api/v1/events/certificates/{certificate.code}")

    certificate.refresh_from_db()
    assert response.status_code == 200
    assert response.json() == certificate_json(
        certificate,
        valid=False,
        status="revoked",
        revoked_at=stamp(certificate.revoked_at),
        revoked_reason="Nama salah ketik.",
    )


def test_a_draft_events_certificate_is_unknown_to_the_api(api, certificate, event):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)

    response = api.get(f"/api/v1/events/certificates/{certificate.code}")

    assert (response.status_code, response.json()) == (
        404,
        not_found(f"No certificate has the verification code “{certificate.code}”."),
    )


@pytest.mark.parametrize(
    ("code", "status", "body"),
    [
        (
            "ZZZZZZZZZZZZ",
            404,
            not_found("No certificate has the verification code “ZZZZZZZZZZZZ”."),
        ),
        ("---", 404, not_found("No certificate has the verification code “---”.")),
        ("X" * 41, 422, invalid(("code", "Use at most 40 characters."))),
    ],
)
def test_certificate_verification_of_an_unknown_code(api, certificate, code, status, body):
    response = api.get(f"/api/v1/events/certificates/{code}")

    assert (response.status_code, response.json()) == (status, body)


def test_an_event_named_certificates_keeps_its_pages(api, kupang, certificate):
    named = Event.objects.create(
        slug="certificates",
        name="Certificates",
        host_region=kupang,
        starts_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
        ends_at=dt.datetime(2021, 1, 2, tzinfo=dt.UTC),
        capacity=5,
        status=Event.Status.OPEN,
    )
    Session.objects.create(
        event=named,
        title="Pembukaan",
        kind=Session.Kind.KEYNOTE,
        starts_at=named.starts_at,
        ends_at=named.ends_at,
    )

    detail = api.get("/api/v1/events/certificates")
    sessions = api.get("/api/v1/events/certificates/sessions")
    verified = api.get(f"/api/v1/events/certificates/{certificate.code}")

    assert detail.json()["name"] == "Certificates"
    assert [s["title"] for s in sessions.json()["items"]] == ["Pembukaan"]
    assert verified.json()["code"] == certificate.code


# --- the ticket's token never leaves the server ------------------------------------------------


def test_no_answer_ever_contains_a_ticket_token(
    api, event, kupang_delegation, officer, secretariat, bearer
):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    headers = bearer(secretariat)
    bodies = []

    def keep(response):
        assert response.status_code < 400, response.content
        bodies.append(response.content.decode())
        return response.json()

    first = keep(
        post(
            api,
            f"{BASE}/delegations/53.71/registrations",
            {"name": "Satu", "role": "staff"},
            bearer(officer),
        )
    )
    keep(
        post(
            api,
            f"{BASE}/delegations/53.71/registrations",
            {"name": "Dua", "role": "staff"},
            headers,
        )
    )
    satu, dua = Registration.objects.order_by("pk")
    keep(post(api, f"{BASE}/checkin", {"code": services.ticket_payload(satu)}, headers))
    keep(post(api, f"{BASE}/checkin", {"code": services.ticket_payload(satu)}, headers))
    (certificate,) = services.issue_certificates(actor=None, event=event)
    keep(api.get(f"/api/v1/events/certificates/{certificate.code}"))
    keep(api.get(f"{BASE}/delegations/53.71/registrations", headers=bearer(officer)))
    keep(api.get(f"{BASE}/attendance", headers=headers))
    keep(post(api, f"{BASE}/registrations/{satu.pk}/cancel", {}, headers))
    for path in (
        "/api/v1/events",
        BASE,
        f"{BASE}/sessions",
        f"{BASE}/delegations",
        f"{BASE}/quotas",
    ):
        keep(api.get(path))

    assert first["code"] == satu.code
    assert len(bodies) == 13
    for token in (satu.token, dua.token):
        assert all(token not in body for body in bodies)
        assert all(token[:16] not in body for body in bodies)
    assert all("token" not in body for body in bodies)


# --- junk never causes a 500 -------------------------------------------------------------------

JUNK = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    "99999999999999999999999",
    "..",
    "%",
    "\x00",
    "ku\x00pang",
    "'; DROP TABLE events_event; --",
    "<script>",
    "Bandung ß ü 🌋",
    "\u202e",
    "x" * 3000,
]


def assert_handled(response) -> None:
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}
        assert body["error"]["status"] == response.status_code


@pytest.mark.parametrize("value", JUNK)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/{}",
        "/api/v1/events/{}/sessions",
        "/api/v1/events/certificates/{}",
        "/api/v1/events?year={}",
        "/api/v1/events?region={}",
        "/api/v1/events?status={}",
        f"{BASE}/delegations/{{}}/registrations",
        f"{BASE}/registrations/{{}}/cancel",
    ],
)
def test_junk_in_paths_never_causes_a_500(
    api, event, kupang_delegation, secretariat, bearer, caplog, path, value
):
    headers = bearer(secretariat)
    url = path.format(quote(value, safe=""))
    with caplog.at_level(logging.WARNING):
        response = (
            post(api, url, {}, headers)
            if url.endswith("/cancel")
            else api.get(url, headers=headers)
        )

    assert_handled(response)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("value", [*JUNK, "a\ud800b", 12, None, [], {}, True, 10**30])
@pytest.mark.parametrize(
    "field", ["name", "role", "kecamatan_code", "kelurahan_code", "email", "phone"]
)
def test_junk_in_a_registration_never_causes_a_500(
    api, event, kupang_delegation, officer, bearer, caplog, field, value
):
    body = {"name": "Peserta", "role": "staff", field: value}
    with caplog.at_level(logging.WARNING):
        response = post(api, f"{BASE}/delegations/53.71/registrations", body, bearer(officer))

    assert_handled(response)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("value", [*JUNK, "a\ud800b", 12, None, [], 10**30, -5])
@pytest.mark.parametrize("field", ["code", "session", "place"])
def test_junk_in_a_check_in_never_causes_a_500(
    api, event, kupang_delegation, secretariat, bearer, caplog, field, value
):
    registration = register(kupang_delegation, "Peserta")
    body = {"code": registration.code, field: value}
    with caplog.at_level(logging.WARNING):
        response = post(api, f"{BASE}/checkin", body, bearer(secretariat))

    assert_handled(response)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


# --- query counts do not grow with the rows ----------------------------------------------------


def make_events(n: int, kupang, sumba) -> None:
    for i in range(n):
        Event.objects.create(
            slug=f"seminar-{i}",
            name=f"Seminar {i}",
            host_region=kupang if i % 2 else sumba,
            starts_at=dt.datetime(2019, 1, 1 + i, tzinfo=dt.UTC),
            ends_at=dt.datetime(2019, 1, 1 + i, 8, tzinfo=dt.UTC),
            capacity=10,
            status=Event.Status.OPEN,
        )


def make_sessions(n: int, seminar: Event, practice, kupang) -> None:
    Session.objects.filter(event=seminar).delete()
    for i in range(n):
        session = Session.objects.create(
            event=seminar,
            title=f"Sesi {i}",
            kind=Session.Kind.PANEL,
            starts_at=seminar.starts_at + dt.timedelta(hours=i),
            ends_at=seminar.starts_at + dt.timedelta(hours=i, minutes=45),
        )
        Speaker.objects.create(
            session=session, name=f"Pembicara {i}", role="panelist", region=kupang
        )
        Speaker.objects.create(session=session, name=f"Moderator {i}", role="moderator")
        session.practices.add(practice)


def make_delegations(n: int, seminar: Event) -> None:
    for i in range(n):
        region = RegionFactory(code=f"53.{i + 20}", name=f"Kabupaten Contoh {i}")
        delegation = services.open_delegation(actor=None, event=seminar, region=region)
        register(delegation, f"Peserta {i}")


def make_registrations(n: int, delegation: Delegation) -> None:
    for i in range(n):
        registration = register(delegation, f"Peserta {i}")
        if i % 2:
            arrive(registration)
    services.issue_certificates(actor=None, event=delegation.event)


# url, queries (with a token for the protected read: its lookup, the event, the region,
# the delegation, then the count and the page)
QUERY_CASES = {
    "events": ("/api/v1/events", 2),
    "event detail": (BASE, 5),
    "sessions": (f"{BASE}/sessions", 5),
    "delegations": (f"{BASE}/delegations", 3),
    "registrations": (f"{BASE}/delegations/53.71/registrations", 6),
}


@pytest.mark.parametrize("n", [2, 20])
@pytest.mark.parametrize("case", list(QUERY_CASES))
def test_list_query_count_does_not_grow_with_rows(
    api,
    django_assert_num_queries,
    event,
    kupang,
    sumba,
    kupang_delegation,
    published_practice,
    secretariat,
    bearer,
    case,
    n,
):
    url, queries = QUERY_CASES[case]
    headers = {}
    if case == "events":
        Event.objects.filter(pk=event.pk).delete()
        make_events(n, kupang, sumba)
    elif case in {"event detail", "sessions"}:
        make_sessions(n, event, published_practice, kupang)
    elif case == "delegations":
        Delegation.objects.all().delete()
        make_delegations(n, event)
    else:
        Event.objects.filter(pk=event.pk).update(capacity=100)
        make_registrations(n, kupang_delegation)
        headers = bearer(secretariat)
        api.get(url, headers=headers)  # the token's first use is recorded once

    with django_assert_num_queries(queries):
        response = api.get(url, {"limit": 50}, headers=headers)

    assert response.status_code == 200
    body = response.json()
    items = body["sessions"] if case == "event detail" else body["items"]
    assert len(items) == n
