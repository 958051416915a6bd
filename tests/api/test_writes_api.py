"""Writes through the API: who may do what (a truth table), and what each write does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from kotacerdas.core.models import AuditEvent
from kotacerdas.regions.models import CohortMember, Contact, Membership, Region

from ..factories import (
    CohortFactory,
    CohortMemberFactory,
    ContactFactory,
    MembershipFactory,
    NetworkFactory,
    RegionFactory,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ROLES = ["anonymous", "bad_token", "officer", "other_officer", "secretariat", "admin_user"]


@pytest.fixture
def world(kupang, sumba):
    """Kupang with a contact and a membership; a network and a cohort to write to."""
    network = NetworkFactory()
    return {
        "kupang": kupang,
        "network": network,
        "cohort": CohortFactory(),
        "contact": ContactFactory(region=kupang, name="Petugas Lama", is_primary=True),
        "membership": MembershipFactory(network=network, region=kupang),
    }


@pytest.fixture
def headers_for(request, bearer) -> Callable[[str], dict[str, str]]:
    def make(role: str) -> dict[str, str]:
        if role == "anonymous":
            return {}
        if role == "bad_token":
            return {"Authorization": "Bearer kc_forged-token-that-was-never-issued"}
        return bearer(request.getfixturevalue(role))

    return make


def api_events() -> list[tuple[str, str, str, str]]:
    return list(
        AuditEvent.objects.filter(channel=AuditEvent.Channel.API)
        .order_by("id")
        .values_list("actor__username", "action", "object_type", "region_code")
    )


# --- the truth table ------------------------------------------------------------------------


def _profile() -> Any:
    return Region.objects.values("website", "description").get(code="53.71")


def _contacts() -> Any:
    return list(Contact.objects.order_by("name").values_list("region__code", "name", "is_primary"))


def _memberships() -> Any:
    return list(
        Membership.objects.order_by("region__code", "joined_on").values_list(
            "region__code", "role", "joined_on", "left_on"
        )
    )


def _cohort_members() -> Any:
    return list(CohortMember.objects.values_list("cohort__slug", "region__code", "status"))


@dataclass(frozen=True)
class Write:
    method: str
    path: Callable[[dict[str, Any]], str]
    body: dict[str, Any] | None
    state: Callable[[], Any]
    after: Any  # the state after a successful write
    success: int
    events: list[tuple[str, str, str]]  # (action, object_type, region_code) per audit event


WRITES = {
    "profile patch": Write(
        "patch",
        lambda w: "/api/v1/regions/5371/profile",
        {"website": "https://kupangkota.go.id"},
        _profile,
        {"website": "https://kupangkota.go.id", "description": ""},
        200,
        [("update", "regions.region", "53.71")],
    ),
    "contact create": Write(
        "post",
        lambda w: "/api/v1/regions/53.71/contacts",
        {"name": "Maria", "is_primary": True},
        _contacts,
        [("53.71", "Maria", True), ("53.71", "Petugas Lama", False)],
        201,
        # Making Maria primary first takes the mark off the previous primary contact.
        [("update", "regions.contact", "53.71"), ("create", "regions.contact", "53.71")],
    ),
    "contact update": Write(
        "patch",
        lambda w: f"/api/v1/regions/5371/contacts/{w['contact'].pk}",
        {"name": "Petugas Baru"},
        _contacts,
        [("53.71", "Petugas Baru", True)],
        200,
        [("update", "regions.contact", "53.71")],
    ),
    "contact delete": Write(
        "delete",
        lambda w: f"/api/v1/regions/5371/contacts/{w['contact'].pk}",
        None,
        _contacts,
        [],
        204,
        [("delete", "regions.contact", "53.71")],
    ),
    "membership create": Write(
        "post",
        lambda w: "/api/v1/networks/citynet-indonesia/memberships",
        {"region": "5311", "joined_on": "2021-03-01", "role": "board"},
        _memberships,
        [
            ("53.11", "board", dt.date(2021, 3, 1), None),
            ("53.71", "member", dt.date(2019, 1, 1), None),
        ],
        201,
        [("create", "regions.membership", "53.11")],
    ),
    "membership update": Write(
        "patch",
        lambda w: f"/api/v1/memberships/{w['membership'].pk}",
        {"left_on": "2024-12-31"},
        _memberships,
        [("53.71", "member", dt.date(2019, 1, 1), dt.date(2024, 12, 31))],
        200,
        [("update", "regions.membership", "53.71")],
    ),
    "cohort member create": Write(
        "post",
        lambda w: "/api/v1/cohorts/gm100sc-2019/members",
        {"region": "53.71", "status": "mentored"},
        _cohort_members,
        [("gm100sc-2019", "53.71", "mentored")],
        201,
        [("create", "regions.cohortmember", "53.71")],
    ),
}

REGION_WRITES = {"profile patch", "contact create", "contact update", "contact delete"}
ALLOWED = {
    # Region data: officers of that region and the secretariat (admins included).
    **{name: {"officer", "secretariat", "admin_user"} for name in REGION_WRITES},
    # Network data: the secretariat only.
    **{name: {"secretariat", "admin_user"} for name in WRITES.keys() - REGION_WRITES},
}


def expected_status(write_name: str, role: str) -> int:
    if role in {"anonymous", "bad_token"}:
        return 401
    return WRITES[write_name].success if role in ALLOWED[write_name] else 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write_name", list(WRITES))
def test_write_permissions_truth_table(api, world, headers_for, write_name, role):
    write = WRITES[write_name]
    headers = headers_for(role)
    before = write.state()

    response = getattr(api, write.method)(
        write.path(world),
        write.body,
        content_type="application/json",
        headers=headers,
    )

    status = expected_status(write_name, role)
    assert response.status_code == status, response.content
    if status < 400:
        username = {"admin_user": "admin", "officer": "officer.kupang"}.get(role, role)
        assert write.state() == write.after
        assert api_events() == [(username, *event) for event in write.events]
    else:
        assert write.state() == before
        assert api_events() == []
        assert response.json()["error"]["status"] == status
        assert response.json()["error"]["code"] in {
            "not_authenticated",
            "invalid_token",
            "permission_denied",
        }


# --- what each write does -------------------------------------------------------------------


def test_profile_patch_changes_only_the_given_fields(api, kupang, officer, bearer):
    Region.objects.filter(pk=kupang.pk).update(description="Ibu kota NTT.")

    response = api.patch(
        "/api/v1/regions/53.71/profile",
        {"website": "https://kupangkota.go.id"},
        content_type="application/json",
        headers=bearer(officer),
    )

    assert response.json() == {
        "code": "53.71",
        "website": "https://kupangkota.go.id",
        "description": "Ibu kota NTT.",
    }


def test_profile_patch_null_clears_a_field(api, kupang, officer, bearer):
    Region.objects.filter(pk=kupang.pk).update(website="https://old.example")

    response = api.patch(
        "/api/v1/regions/53.71/profile",
        {"website": None},
        content_type="application/json",
        headers=bearer(officer),
    )

    assert response.json() == {"code": "53.71", "website": "", "description": ""}
    assert Region.objects.get(pk=kupang.pk).website == ""


def test_profile_patch_bad_website_is_422_and_changes_nothing(api, kupang, officer, bearer):
    response = api.patch(
        "/api/v1/regions/53.71/profile",
        {"website": "not a url", "description": "Baru"},
        content_type="application/json",
        headers=bearer(officer),
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == [
        {"field": "website", "message": "Enter a valid URL."}
    ]
    assert _profile() == {"website": "", "description": ""}
    assert api_events() == []


def test_contact_create_returns_the_contact(api, kupang, officer, bearer):
    response = api.post(
        "/api/v1/regions/5371/contacts",
        {
            "name": "Maria Ndun",
            "position": "Kabid Aptika",
            "agency": "Diskominfo",
            "email": "maria@kupangkota.go.id",
            "phone": "+62 380 123",
        },
        content_type="application/json",
        headers=bearer(officer),
    )

    contact = Contact.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": contact.pk,
        "name": "Maria Ndun",
        "position": "Kabid Aptika",
        "agency": "Diskominfo",
        "email": "maria@kupangkota.go.id",
        "phone": "+62 380 123",
        "is_primary": False,
        "is_demo": False,
        "source": "",
    }


def test_contact_update_keeps_fields_left_out(api, kupang, officer, bearer):
    contact = ContactFactory(region=kupang, name="Maria", phone="0380")

    response = api.patch(
        f"/api/v1/regions/5371/contacts/{contact.pk}",
        {"email": "maria@kupangkota.go.id", "phone": None},
        content_type="application/json",
        headers=bearer(officer),
    )

    assert response.json() == {
        "id": contact.pk,
        "name": "Maria",
        "position": "",
        "agency": "Diskominfo",
        "email": "maria@kupangkota.go.id",
        "phone": "0380",
        "is_primary": False,
        "is_demo": False,
        "source": "",
    }


def test_contact_delete_is_204_without_body(api, kupang, officer, bearer):
    contact = ContactFactory(region=kupang)

    response = api.delete(f"/api/v1/regions/5371/contacts/{contact.pk}", headers=bearer(officer))

    assert (response.status_code, response.content) == (204, b"")
    assert Contact.objects.count() == 0


def test_membership_create_returns_the_membership(api, kupang, secretariat, bearer):
    NetworkFactory()

    response = api.post(
        "/api/v1/networks/citynet-indonesia/memberships",
        {
            "region": "5371",
            "joined_on": "2019-10-16",
            "role": "chair",
            "note": "Tuan rumah seminar 2019",
            "source": "Notulen rapat anggota 2019",
        },
        content_type="application/json",
        headers=bearer(secretariat),
    )

    membership = Membership.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": membership.pk,
        "network": {"slug": "citynet-indonesia", "name": "CityNet Indonesia", "is_demo": True},
        "region": {"code": "53.71", "name": "Kota Kupang", "kind": "kota"},
        "role": "chair",
        "joined_on": "2019-10-16",
        "left_on": None,
        "is_current": True,
        "note": "Tuan rumah seminar 2019",
        "is_demo": False,
        "source": "Notulen rapat anggota 2019",
    }


def test_membership_create_refuses_a_retired_region(api, db, secretariat, bearer):
    NetworkFactory()
    RegionFactory(code="53.99", name="Kabupaten Lama", retired_at=timezone.now())

    response = api.post(
        "/api/v1/networks/citynet-indonesia/memberships",
        {"region": "53.99", "joined_on": "2019-10-16"},
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.json()["error"]["fields"] == [
        {"field": "region", "message": "No current kabupaten/kota has the code 53.99."}
    ]
    assert Membership.objects.count() == 0


def test_membership_update_ends_and_reopens_a_membership(api, kupang, secretariat, bearer):
    membership = MembershipFactory(region=kupang)
    headers = bearer(secretariat)
    url = f"/api/v1/memberships/{membership.pk}"

    ended = api.patch(
        url, {"left_on": "2020-12-31"}, content_type="application/json", headers=headers
    )
    reopened = api.patch(url, {"left_on": None}, content_type="application/json", headers=headers)

    assert (ended.json()["left_on"], ended.json()["is_current"]) == ("2020-12-31", False)
    assert (reopened.json()["left_on"], reopened.json()["is_current"]) == (None, True)
    changes = (
        AuditEvent.objects.filter(channel="api").order_by("id").values_list("changes", flat=True)
    )
    assert list(changes) == [
        {"left_on": [None, "2020-12-31"]},
        {"left_on": ["2020-12-31", None]},
    ]


def test_membership_update_leaving_before_joining_is_422(api, kupang, secretariat, bearer):
    membership = MembershipFactory(region=kupang)

    response = api.patch(
        f"/api/v1/memberships/{membership.pk}",
        {"left_on": "2018-01-01"},
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.json()["error"]["fields"] == [
        {"field": "left_on", "message": "The leaving date is before the joining date."}
    ]
    assert Membership.objects.get().left_on is None


def test_cohort_member_post_for_a_member_updates_it_with_200(api, kupang, secretariat, bearer):
    CohortMemberFactory(region=kupang)

    response = api.post(
        "/api/v1/cohorts/gm100sc-2019/members",
        {"region": "5371", "status": "completed", "source": "Laporan masterplan 2020"},
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.status_code == 200
    assert response.json() == {
        "region": {"code": "53.71", "name": "Kota Kupang", "kind": "kota"},
        "status": "completed",
        "is_demo": False,
        "source": "Laporan masterplan 2020",
    }
    assert _cohort_members() == [("gm100sc-2019", "53.71", "completed")]
