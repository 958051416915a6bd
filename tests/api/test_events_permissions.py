"""Who may do what with events through the API: truth tables over actors × endpoints ×
the region whose delegation the request is about.

An officer opens and fills their own region's delegation, reads its participants and
cancels them; never another region's. The secretariat (and admins, through the same
rules) may do all of that for any region and alone sets quotas, approves registrations,
checks people in and reads the attendance. A forbidden write changes nothing; an allowed
one is audited on the API channel. Anonymous callers get a 401 everywhere but the public
reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest

from kotacerdas.accounts.services import create_token, revoke_token
from kotacerdas.core.models import AuditEvent
from kotacerdas.events import services
from kotacerdas.events.models import CheckIn, Delegation, Event, Quota, Registration
from kotacerdas.regions.models import Region

from ..events.fixtures import event, register  # noqa: F401 - event is a fixture

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ACTORS = ["anonymous", "officer", "other_officer", "secretariat", "admin_user"]
USERNAMES = {
    "officer": "officer.kupang",
    "other_officer": "officer.sumba",
    "secretariat": "secretariat",
    "admin_user": "admin",
}
SLUG = "sbp-citynet-2019"
BASE = f"/api/v1/events/{SLUG}"
KUPANG, SUMBA = "53.71", "53.11"
REGIONS = [KUPANG, SUMBA]
# The officer of each region; the other one is the wrong-region actor.
OFFICER_OF = {KUPANG: "officer", SUMBA: "other_officer"}
SECRETARIAT = frozenset({"secretariat", "admin_user"})


@pytest.fixture
def headers_for(request, bearer) -> Callable[[str], dict[str, str]]:
    def make(actor: str) -> dict[str, str]:
        if actor == "anonymous":
            return {}
        return bearer(request.getfixturevalue(actor))

    return make


# --- the states a request starts from --------------------------------------------------------


def _bare(seminar: Event) -> dict[str, Registration]:
    return {}


def _world(seminar: Event) -> dict[str, Registration]:
    """Both delegations, each with one confirmed participant."""
    participants = {}
    for code, name in ((KUPANG, "Peserta Kupang"), (SUMBA, "Peserta Sumba")):
        region = Region.objects.get(code=code)
        delegation = services.open_delegation(actor=None, event=seminar, region=region)
        participants[code] = register(delegation, name)
    return participants


def _awaiting(seminar: Event) -> dict[str, Registration]:
    """Both delegations of an event that asks for approval, one pending participant each."""
    _world(seminar)
    Event.objects.filter(pk=seminar.pk).update(requires_approval=True)
    return {
        code: register(Delegation.objects.get(event=seminar, region__code=code), f"Menunggu {code}")
        for code in REGIONS
    }


SETUPS = {"bare": _bare, "world": _world, "awaiting": _awaiting}


def state() -> dict[str, Any]:
    """Everything a write to events may change."""
    return {
        "delegations": list(
            Delegation.objects.order_by("region__code").values_list("region__code", flat=True)
        ),
        "registrations": list(
            Registration.objects.order_by("pk").values_list(
                "name", "delegation__region__code", "status"
            )
        ),
        "quotas": list(Quota.objects.order_by("pk").values_list("region__code", "role", "limit")),
        "checkins": list(
            CheckIn.objects.order_by("pk").values_list("registration__name", "session", "place")
        ),
    }


def api_events() -> list[tuple[str, str, str, str]]:
    return list(
        AuditEvent.objects.filter(channel=AuditEvent.Channel.API)
        .order_by("id")
        .values_list("actor__username", "action", "object_type", "region_code")
    )


# --- writes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    method: str
    setup: str
    path: Callable[[SimpleNamespace], str]  # from the participants of the setup, by region
    body: Callable[[SimpleNamespace], Any]
    success: int
    change: Callable[[dict[str, Any], SimpleNamespace], dict[str, Any]]  # state() after
    audit: tuple[str, str]  # (action, object_type) of the one audit event, in the region
    region_scoped: bool  # an officer of the region may do it

    def allowed(self, code: str) -> frozenset[str]:
        return SECRETARIAT | {OFFICER_OF[code]} if self.region_scoped else SECRETARIAT


def _status(before: dict[str, Any], name: str, status: str) -> dict[str, Any]:
    rows = [(n, c, status if n == name else s) for n, c, s in before["registrations"]]
    return {**before, "registrations": rows}


WRITES = {
    "open delegation": Write(
        "post",
        "bare",
        lambda ctx: f"{BASE}/delegations",
        lambda ctx: {"region": ctx.code},
        201,
        lambda before, ctx: {**before, "delegations": [ctx.code]},
        ("create", "events.delegation"),
        True,
    ),
    "register": Write(
        "post",
        "world",
        lambda ctx: f"{BASE}/delegations/{ctx.code}/registrations",
        lambda ctx: {"name": "Peserta Baru", "role": "camat"},
        201,
        lambda before, ctx: {
            **before,
            "registrations": [*before["registrations"], ("Peserta Baru", ctx.code, "confirmed")],
        },
        ("create", "events.registration"),
        True,
    ),
    "cancel": Write(
        "post",
        "world",
        lambda ctx: f"{BASE}/registrations/{ctx.target.pk}/cancel",
        lambda ctx: {},
        200,
        lambda before, ctx: _status(before, ctx.target.name, "cancelled"),
        ("update", "events.registration"),
        True,
    ),
    "approve": Write(
        "post",
        "awaiting",
        lambda ctx: f"{BASE}/registrations/{ctx.target.pk}/approve",
        lambda ctx: {},
        200,
        lambda before, ctx: _status(before, ctx.target.name, "confirmed"),
        ("update", "events.registration"),
        False,
    ),
    "set quota": Write(
        "put",
        "world",
        lambda ctx: f"{BASE}/quotas",
        lambda ctx: {"region": ctx.code, "role": "staff", "limit": 5},
        200,
        lambda before, ctx: {**before, "quotas": [(ctx.code, "staff", 5)]},
        ("create", "events.quota"),
        False,
    ),
    "check in": Write(
        "post",
        "world",
        lambda ctx: f"{BASE}/checkin",
        lambda ctx: {"code": ctx.target.code, "place": "Meja 1"},
        201,
        lambda before, ctx: {**before, "checkins": [(ctx.target.name, None, "Meja 1")]},
        ("create", "events.checkin"),
        False,
    ),
}


def expected_status(allowed: frozenset[str], success: int, actor: str) -> int:
    if actor == "anonymous":
        return 401
    return success if actor in allowed else 403


def _context(request, setup: str, code: str) -> SimpleNamespace:
    seminar = request.getfixturevalue("event")
    request.getfixturevalue("sumba")
    participants = SETUPS[setup](seminar)
    return SimpleNamespace(code=code, target=participants.get(code))


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("code", REGIONS)
@pytest.mark.parametrize("write_name", list(WRITES))
def test_write_permissions_truth_table(api, db, request, headers_for, write_name, code, actor):
    write = WRITES[write_name]
    ctx = _context(request, write.setup, code)
    headers = headers_for(actor)
    before = state()

    path, body = write.path(ctx), write.body(ctx)
    if write.method == "put":
        response = api.put(path, body, content_type="application/json", headers=headers)
    else:
        response = api.post(path, body, content_type="application/json", headers=headers)

    status = expected_status(write.allowed(code), write.success, actor)
    assert response.status_code == status, response.content
    if status < 400:
        assert state() == write.change(before, ctx)
        assert api_events() == [(USERNAMES[actor], *write.audit, code)]
        return
    assert state() == before
    assert api_events() == []
    error = response.json()["error"]
    expected_code = "not_authenticated" if actor == "anonymous" else "permission_denied"
    assert (error["status"], error["code"]) == (status, expected_code)


def test_write_truth_table_covers_every_write_endpoint(api):
    schema = api.get("/api/v1/openapi.json").json()
    writes = {
        (method, path)
        for path, methods in schema["paths"].items()
        if path.startswith("/api/v1/events")
        for method in methods
        if method != "get"
    }

    templated = SimpleNamespace(code="{code}", target=SimpleNamespace(pk="{registration_id}"))
    covered = {(w.method, w.path(templated).replace(SLUG, "{slug}")) for w in WRITES.values()}
    assert (
        covered
        == writes
        == {
            ("post", "/api/v1/events/{slug}/delegations"),
            ("post", "/api/v1/events/{slug}/delegations/{code}/registrations"),
            ("post", "/api/v1/events/{slug}/registrations/{registration_id}/cancel"),
            ("post", "/api/v1/events/{slug}/registrations/{registration_id}/approve"),
            ("put", "/api/v1/events/{slug}/quotas"),
            ("post", "/api/v1/events/{slug}/checkin"),
        }
    )


# --- reads of participant data and attendance --------------------------------------------------


@dataclass(frozen=True)
class Read:
    path: Callable[[str], str]
    region_scoped: bool

    def allowed(self, code: str) -> frozenset[str]:
        return SECRETARIAT | {OFFICER_OF[code]} if self.region_scoped else SECRETARIAT


READS = {
    "registrations": Read(lambda code: f"{BASE}/delegations/{code}/registrations", True),
    "attendance": Read(lambda code: f"{BASE}/attendance", False),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("code", REGIONS)
@pytest.mark.parametrize("read_name", list(READS))
def test_read_permissions_truth_table(api, db, request, headers_for, read_name, code, actor):
    read = READS[read_name]
    ctx = _context(request, "world", code)

    response = api.get(read.path(code), headers=headers_for(actor))

    status = expected_status(read.allowed(code), 200, actor)
    assert response.status_code == status, response.content
    body = response.json()
    if status == 200:
        if read_name == "registrations":
            assert [item["name"] for item in body["items"]] == [ctx.target.name]
        else:
            assert (body["confirmed"], body["delegations"]) == (2, 2)
        return
    expected_code = "not_authenticated" if actor == "anonymous" else "permission_denied"
    assert (body["error"]["status"], body["error"]["code"]) == (status, expected_code)
    assert ctx.target.name not in response.content.decode()


def test_protected_reads_cover_every_read_that_is_not_public(api):
    schema = api.get("/api/v1/openapi.json").json()
    protected = {
        path
        for path, methods in schema["paths"].items()
        if path.startswith("/api/v1/events")
        and "get" in methods
        and "401" in methods["get"]["responses"]
    }

    assert protected == {read.path("{code}").replace(SLUG, "{slug}") for read in READS.values()}


@pytest.mark.parametrize("read_name", list(READS))
def test_protected_reads_refuse_a_revoked_token(api, db, request, secretariat, read_name):
    _context(request, "world", KUPANG)
    token, plain = create_token(actor=None, user=secretariat, name="old")
    revoke_token(actor=None, token=token)

    response = api.get(READS[read_name].path(KUPANG), headers={"Authorization": f"Bearer {plain}"})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


# --- public reads stay public, and show no participant ------------------------------------------

PUBLIC_READS = [
    "/api/v1/events",
    BASE,
    f"{BASE}/sessions",
    f"{BASE}/delegations",
    f"{BASE}/quotas",
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("path", PUBLIC_READS)
def test_public_reads_answer_everyone_without_participant_data(
    api, request, headers_for, path, actor
):
    ctx = _context(request, "world", KUPANG)

    response = api.get(path, headers=headers_for(actor))

    assert response.status_code == 200
    content = response.content.decode()
    assert ctx.target.name not in content
    assert ctx.target.code not in content


# --- a draft is the secretariat's --------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_draft_event_is_hidden_from_everyone_but_the_secretariat(
    api, db, request, sumba, headers_for, actor
):
    seminar = request.getfixturevalue("event")
    Event.objects.filter(pk=seminar.pk).update(status=Event.Status.DRAFT)
    headers = headers_for(actor)

    public = api.get(BASE, headers=headers)
    quota = api.put(
        f"{BASE}/quotas",
        {"region": None, "role": "head", "limit": 30},
        content_type="application/json",
        headers=headers,
    )
    delegation = api.post(
        f"{BASE}/delegations",
        {"region": KUPANG},
        content_type="application/json",
        headers=headers,
    )

    assert public.status_code == 404
    expected = {
        "anonymous": (401, 401),
        "officer": (404, 404),
        "other_officer": (404, 404),
        "secretariat": (200, 201),
        "admin_user": (200, 201),
    }[actor]
    assert (quota.status_code, delegation.status_code) == expected
    if actor in {"officer", "other_officer"}:
        assert quota.json()["error"]["message"] == f"No event has the short name “{SLUG}”."
