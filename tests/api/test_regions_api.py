"""Reads of the registry and the network through the API: whole bodies, filters, pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, get_args

import pytest
from django.utils import timezone

from kotacerdas.regions import api as regions_api
from kotacerdas.regions.models import CohortMember, Membership, Region, RegionHead

from ..factories import (
    CohortFactory,
    CohortMemberFactory,
    ContactFactory,
    MembershipFactory,
    NetworkFactory,
    RegionFactory,
    RegionHeadFactory,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

NTT = {"code": "53", "name": "Nusa Tenggara Timur"}

KUPANG = {
    "code": "53.71",
    "name": "Kota Kupang",
    "kind": "kota",
    "province": NTT,
    "capital": "Kupang",
    "latitude": -10.153896,
    "longitude": 123.619396,
    "timezone": "Asia/Makassar",
    "timezone_abbreviation": "WITA",
    "area_km2": None,
    "population": 404120,
    "facts_source": "",
    "facts_year": None,
    "retired": False,
}


def codes(body: dict[str, Any]) -> tuple[int, list[str]]:
    """The count and the codes of a page of regions."""
    return body["count"], [item["code"] for item in body["items"]]


@pytest.fixture
def directory(kupang, kabupaten_kupang, sumba, bali):
    """Four current regions in two provinces, one retired, one network, one cohort."""
    RegionFactory(code="53.99", name="Kabupaten Lama", retired_at=timezone.now())
    network = NetworkFactory()
    MembershipFactory(network=network, region=kupang)
    MembershipFactory(network=network, region=bali)
    # Sumba left the network: it is no member today.
    MembershipFactory(network=network, region=sumba, left_on=dt.date(2020, 12, 31))
    cohort = CohortFactory()
    CohortMemberFactory(cohort=cohort, region=sumba)
    CohortMemberFactory(cohort=cohort, region=kabupaten_kupang)


# --- regions: list --------------------------------------------------------------------------


def test_region_list_without_filters_returns_current_regions_in_code_order(api, directory):
    response = api.get("/api/v1/regions")

    assert response.status_code == 200
    assert codes(response.json()) == (4, ["51.71", "53.01", "53.11", "53.71"])


def test_region_list_item_has_every_registry_fact(api, kupang):
    Region.objects.filter(pk=kupang.pk).update(
        area_km2=Decimal("180.270"), facts_source="BPS", facts_year=2025
    )

    response = api.get("/api/v1/regions")

    assert response.json() == {
        "count": 1,
        "items": [KUPANG | {"area_km2": 180.27, "facts_source": "BPS", "facts_year": 2025}],
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "Kupang"}, ["53.01", "53.71"]),
        ({"q": "kupang"}, ["53.01", "53.71"]),
        ({"q": "Kota Kupang"}, ["53.71"]),
        ({"q": "kabupaten kupang"}, ["53.01"]),
        ({"q": "Kab. Kupang"}, ["53.01"]),
        ({"q": "53.71"}, ["53.71"]),
        ({"q": "5371"}, ["53.71"]),
        ({"q": "53"}, ["53.01", "53.11", "53.71"]),
        ({"q": "Sumba"}, ["53.11"]),
        ({"q": "Surabaya"}, []),
        ({"province": "51"}, ["51.71"]),
        ({"province": "53"}, ["53.01", "53.11", "53.71"]),
        ({"kind": "kota"}, ["51.71", "53.71"]),
        ({"kind": "kabupaten"}, ["53.01", "53.11"]),
        ({"network": "citynet-indonesia"}, ["51.71", "53.71"]),
        ({"network": "no-such-network"}, []),
        ({"cohort": "gm100sc-2019"}, ["53.01", "53.11"]),
        ({"include_retired": "true"}, ["51.71", "53.01", "53.11", "53.71", "53.99"]),
        ({"q": "Kupang", "kind": "kabupaten"}, ["53.01"]),
        ({"province": "53", "network": "citynet-indonesia"}, ["53.71"]),
        (
            {"q": "", "kind": "", "province": "", "network": "", "include_retired": ""},
            ["51.71", "53.01", "53.11", "53.71"],
        ),
    ],
)
def test_region_list_filters_select_matching_regions(api, directory, query, expected):
    response = api.get("/api/v1/regions", query)

    assert response.status_code == 200
    assert codes(response.json()) == (len(expected), expected)


def test_region_list_pages_with_limit_and_offset(api, directory):
    first = api.get("/api/v1/regions", {"limit": 2})
    second = api.get("/api/v1/regions", {"limit": 2, "offset": 2})
    beyond = api.get("/api/v1/regions", {"limit": 2, "offset": 10})

    assert codes(first.json()) == (4, ["51.71", "53.01"])
    assert codes(second.json()) == (4, ["53.11", "53.71"])
    assert beyond.json() == {"count": 4, "items": []}


def test_region_list_accepts_the_largest_limit(api, kupang):
    response = api.get("/api/v1/regions", {"limit": 200})

    assert response.json() == {"count": 1, "items": [KUPANG]}


def test_region_list_marks_retired_regions(api, kupang):
    RegionFactory(code="53.99", name="Kabupaten Lama", retired_at=timezone.now())

    response = api.get("/api/v1/regions", {"q": "53.99", "include_retired": "true"})

    item = response.json()["items"][0]
    assert (item["code"], item["retired"]) == ("53.99", True)


# --- regions: detail ------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["53.71", "5371", " 5371 "])
def test_region_detail_accepts_dotted_and_digit_codes(api, kupang, code):
    response = api.get(f"/api/v1/regions/{code}")

    assert response.status_code == 200
    assert response.json() == KUPANG | {
        "website": "",
        "description": "",
        "current_head": None,
        "contacts": [],
        "memberships": [],
        "cohorts": [],
        "contains_demo": False,
    }


def test_region_detail_includes_head_contacts_memberships_and_cohorts(api, kupang):
    Region.objects.filter(pk=kupang.pk).update(
        website="https://kupangkota.go.id", description="Ibu kota NTT."
    )
    RegionHeadFactory(
        region=kupang,
        title=RegionHead.Title.WALI_KOTA,
        name="Wali Lama",
        term_start=dt.date(2017, 1, 1),
        term_end=dt.date(2022, 1, 1),
    )
    RegionHeadFactory(region=kupang, title=RegionHead.Title.WALI_KOTA, name="Wali Kini")
    contact = ContactFactory(
        region=kupang, name="Maria", is_primary=True, is_demo=False, source="Diskominfo"
    )
    membership = MembershipFactory(region=kupang, role=Membership.Role.CHAIR, note="Tuan rumah")
    CohortMemberFactory(region=kupang, status=CohortMember.Status.MENTORED)

    response = api.get("/api/v1/regions/53.71")

    assert response.json() == KUPANG | {
        "website": "https://kupangkota.go.id",
        "description": "Ibu kota NTT.",
        "current_head": {
            "title": "wali_kota",
            "name": "Wali Kini",
            "deputy_name": "",
            "term_start": "2021-02-26",
            "term_end": None,
            "is_demo": True,
            "source": "",
        },
        "contacts": [
            {
                "id": contact.pk,
                "name": "Maria",
                "position": "",
                "agency": "Diskominfo",
                "email": "kontak@example.org",
                "phone": "",
                "is_primary": True,
                "is_demo": False,
                "source": "Diskominfo",
            }
        ],
        "memberships": [
            {
                "id": membership.pk,
                "network": {
                    "slug": "citynet-indonesia",
                    "name": "CityNet Indonesia",
                    "is_demo": True,
                },
                "role": "chair",
                "joined_on": "2019-01-01",
                "left_on": None,
                "is_current": True,
                "note": "Tuan rumah",
                "is_demo": True,
                "source": "",
            }
        ],
        "cohorts": [
            {
                "cohort": {
                    "slug": "gm100sc-2019",
                    "name": "Gerakan Menuju 100 Smart City 2019",
                    "programme": "Gerakan Menuju 100 Smart City",
                    "year": 2019,
                    "is_demo": True,
                },
                "status": "mentored",
                "is_demo": True,
                "source": "",
            }
        ],
        "contains_demo": True,
    }


def test_region_detail_labels_demo_content_only_when_present(api, kupang):
    ContactFactory(region=kupang, is_demo=False)
    official = api.get("/api/v1/regions/5371").json()
    ContactFactory(region=kupang, name="Contoh", is_demo=True)
    with_demo = api.get("/api/v1/regions/5371").json()

    assert official["contains_demo"] is False
    assert with_demo["contains_demo"] is True
    assert [c["is_demo"] for c in with_demo["contacts"]] == [True, False]


def test_region_detail_shows_a_retired_region(api, db):
    RegionFactory(code="53.99", name="Kabupaten Lama", retired_at=timezone.now())

    response = api.get("/api/v1/regions/5399")

    assert (response.status_code, response.json()["retired"]) == (200, True)


# --- subdivisions ---------------------------------------------------------------------------


def test_region_subdivisions_lists_kecamatan_from_the_registry(api, kupang):
    response = api.get("/api/v1/regions/5371/subdivisions", {"limit": 2})

    assert response.json() == {
        "count": 6,
        "items": [
            {"code": "53.71.01", "name": "Alak", "kind": "kecamatan", "postal_code": None},
            {"code": "53.71.02", "name": "Maulafa", "kind": "kecamatan", "postal_code": None},
        ],
    }


@pytest.mark.parametrize("code", ["53.71.01", "537101"])
def test_district_villages_lists_kelurahan_with_postal_codes(api, db, code):
    response = api.get(f"/api/v1/districts/{code}/villages", {"limit": 2})

    assert response.json() == {
        "count": 12,
        "items": [
            {
                "code": "53.71.01.1001",
                "name": "Namosain",
                "kind": "kelurahan",
                "postal_code": "85232",
            },
            {
                "code": "53.71.01.1002",
                "name": "Nunbaun Sabu",
                "kind": "kelurahan",
                "postal_code": "85233",
            },
        ],
    }


# --- provinces ------------------------------------------------------------------------------


def test_province_list_counts_current_kota_and_kabupaten(api, directory):
    response = api.get("/api/v1/provinces")

    facts = {
        "latitude": None,
        "longitude": None,
        "timezone": "Asia/Makassar",
        "timezone_abbreviation": "WITA",
        "area_km2": None,
        "population": None,
        "facts_source": "",
        "facts_year": None,
    }
    assert response.json() == {
        "count": 2,
        "items": [
            {"code": "51", "name": "Bali", "capital": "Denpasar", **facts}
            | {"n_kota": 1, "n_kabupaten": 0},
            {"code": "53", "name": "Nusa Tenggara Timur", "capital": "Kupang", **facts}
            | {"n_kota": 1, "n_kabupaten": 2},
        ],
    }


# --- networks and memberships ---------------------------------------------------------------


CITYNET = {
    "slug": "citynet-indonesia",
    "name": "CityNet Indonesia",
    "description": "",
    "website": "",
    "founded_year": None,
    "is_demo": True,
    "source": "",
}


def test_network_list_counts_current_members(api, directory):
    response = api.get("/api/v1/networks")

    assert response.json() == {"count": 1, "items": [CITYNET | {"n_current_members": 2}]}


def test_network_detail_by_slug(api, directory):
    response = api.get("/api/v1/networks/citynet-indonesia")

    assert response.json() == CITYNET | {"n_current_members": 2}


def test_network_members_lists_every_period_by_region_code(api, directory):
    response = api.get("/api/v1/networks/citynet-indonesia/members")

    body = response.json()
    assert [(m["region"]["code"], m["is_current"]) for m in body["items"]] == [
        ("51.71", True),
        ("53.11", False),
        ("53.71", True),
    ]
    assert body["items"][1] == {
        "id": Membership.objects.get(region__code="53.11").pk,
        "region": {"code": "53.11", "name": "Kabupaten Sumba Timur", "kind": "kabupaten"},
        "role": "member",
        "joined_on": "2019-01-01",
        "left_on": "2020-12-31",
        "is_current": False,
        "note": "",
        "is_demo": True,
        "source": "",
    }


@pytest.mark.parametrize(
    ("current", "expected"),
    [("true", ["51.71", "53.71"]), ("false", ["53.11"]), ("", ["51.71", "53.11", "53.71"])],
)
def test_network_members_filters_current_periods(api, directory, current, expected):
    response = api.get("/api/v1/networks/citynet-indonesia/members", {"current": current})

    body = response.json()
    assert (body["count"], [m["region"]["code"] for m in body["items"]]) == (
        len(expected),
        expected,
    )


def test_membership_detail_names_network_and_region(api, kupang):
    membership = MembershipFactory(region=kupang, is_demo=False, source="SK Sekretariat 2019")

    response = api.get(f"/api/v1/memberships/{membership.pk}")

    assert response.json() == {
        "id": membership.pk,
        "network": {"slug": "citynet-indonesia", "name": "CityNet Indonesia", "is_demo": True},
        "region": {"code": "53.71", "name": "Kota Kupang", "kind": "kota"},
        "role": "member",
        "joined_on": "2019-01-01",
        "left_on": None,
        "is_current": True,
        "note": "",
        "is_demo": False,
        "source": "SK Sekretariat 2019",
    }


# --- cohorts --------------------------------------------------------------------------------


GM100 = {
    "slug": "gm100sc-2019",
    "programme": "Gerakan Menuju 100 Smart City",
    "year": 2019,
    "name": "Gerakan Menuju 100 Smart City 2019",
    "description": "",
    "is_demo": True,
    "source": "",
}


def test_cohort_list_counts_members(api, directory):
    response = api.get("/api/v1/cohorts")

    assert response.json() == {"count": 1, "items": [GM100 | {"n_members": 2}]}


def test_cohort_detail_lists_its_regions(api, directory):
    response = api.get("/api/v1/cohorts/gm100sc-2019")

    member = {"status": "selected", "is_demo": True, "source": ""}
    assert response.json() == GM100 | {
        "n_members": 2,
        "members": [
            {"region": {"code": "53.01", "name": "Kabupaten Kupang", "kind": "kabupaten"}} | member,
            {"region": {"code": "53.11", "name": "Kabupaten Sumba Timur", "kind": "kabupaten"}}
            | member,
        ],
    }


def test_cohort_members_pages_the_regions(api, directory):
    response = api.get("/api/v1/cohorts/gm100sc-2019/members", {"offset": 1})

    assert response.json() == {
        "count": 2,
        "items": [
            {
                "region": {"code": "53.11", "name": "Kabupaten Sumba Timur", "kind": "kabupaten"},
                "status": "selected",
                "is_demo": True,
                "source": "",
            }
        ],
    }


# --- schema choices -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("literal", "choices"),
    [
        (regions_api.Kind, Region.Kind.values),
        (regions_api.MembershipRole, Membership.Role.values),
        (regions_api.CohortStatus, CohortMember.Status.values),
        (regions_api.HeadTitle, RegionHead.Title.values),
    ],
)
def test_schema_choices_equal_model_choices(literal, choices):
    assert sorted(get_args(literal)) == sorted(choices)
