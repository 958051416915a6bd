"""Query-count guards: list endpoints make as many queries for 3 items as for 1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from ..factories import (
    CohortFactory,
    CohortMemberFactory,
    ContactFactory,
    MembershipFactory,
    NetworkFactory,
    ProvinceFactory,
    RegionFactory,
    RegionHeadFactory,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def make_regions(n: int) -> None:
    network, cohort = NetworkFactory(), CohortFactory()
    for i in range(n):
        region = RegionFactory(code=f"53.{i + 10}", name=f"Kabupaten Contoh {i}")
        MembershipFactory(network=network, region=region)
        CohortMemberFactory(cohort=cohort, region=region)


def make_provinces(n: int) -> None:
    for i in range(n):
        province = ProvinceFactory(code=f"{i + 11}", name=f"Provinsi {i}")
        RegionFactory(code=f"{i + 11}.01", name=f"Kabupaten Contoh {i}", province=province)


def make_networks(n: int) -> None:
    region = RegionFactory(code="53.10")
    for i in range(n):
        MembershipFactory(
            network=NetworkFactory(slug=f"net-{i}", name=f"Jaringan {i}"), region=region
        )


def make_network_members(n: int) -> None:
    network = NetworkFactory()
    for i in range(n):
        MembershipFactory(network=network, region=RegionFactory(code=f"53.{i + 10}"))


def make_cohorts(n: int) -> None:
    region = RegionFactory(code="53.10")
    for i in range(n):
        cohort = CohortFactory(slug=f"cohort-{i}", name=f"Kohort {i}", year=2019 + i)
        CohortMemberFactory(cohort=cohort, region=region)


def make_cohort_members(n: int) -> None:
    cohort = CohortFactory()
    for i in range(n):
        CohortMemberFactory(cohort=cohort, region=RegionFactory(code=f"53.{i + 10}"))


def make_contacts(n: int) -> None:
    region = RegionFactory(code="53.71", name="Kota Kupang")
    for i in range(n):
        ContactFactory(region=region, name=f"Petugas {i}")


def make_profile(n: int) -> None:
    """A region with n of everything its detail lists."""
    region = RegionFactory(code="53.71", name="Kota Kupang")
    for i in range(n):
        MembershipFactory(network=NetworkFactory(slug=f"net-{i}"), region=region)
        CohortMemberFactory(cohort=CohortFactory(slug=f"cohort-{i}", year=2019 + i), region=region)
        RegionHeadFactory(region=region, term_start=dt.date(2000 + 5 * i, 1, 1))
        ContactFactory(region=region, name=f"Petugas {i}")


# (url, make n items, queries): the count is the same for one item and for three.
CASES: dict[str, tuple[str, Callable[[int], None], int]] = {
    # count + page
    "regions": ("/api/v1/regions", make_regions, 2),
    "regions by network": ("/api/v1/regions?network=citynet-indonesia", make_regions, 2),
    "regions by cohort": ("/api/v1/regions?cohort=gm100sc-2019", make_regions, 2),
    "provinces": ("/api/v1/provinces", make_provinces, 2),
    "networks": ("/api/v1/networks", make_networks, 2),
    "cohorts": ("/api/v1/cohorts", make_cohorts, 2),
    # the parent + count + page
    "network members": (
        "/api/v1/networks/citynet-indonesia/members?current=true",
        make_network_members,
        3,
    ),
    "cohort members": ("/api/v1/cohorts/gm100sc-2019/members", make_cohort_members, 3),
    "contacts": ("/api/v1/regions/5371/contacts", make_contacts, 3),
    # the cohort + its members
    "cohort detail": ("/api/v1/cohorts/gm100sc-2019", make_cohort_members, 2),
    # the region + memberships, cohorts, heads, contacts
    "region detail": ("/api/v1/regions/5371", make_profile, 5),
}


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("case", list(CASES))
def test_list_query_count_does_not_grow_with_items(api, django_assert_num_queries, case, n):
    url, make, queries = CASES[case]
    make(n)

    with django_assert_num_queries(queries):
        response = api.get(url)

    assert response.status_code == 200
    body = response.json()
    items = body["items"] if "items" in body else body.get("members", body.get("contacts"))
    assert len(items) == n


# --- the best-practice library -------------------------------------------------------------


def make_adopted_practices(n: int, officer, kupang, sumba, secretariat) -> None:
    """n published practices of Kota Kupang, each adopted by Sumba Timur."""
    from kotacerdas.practices import services

    from ..practices.fixtures import make_practice, publish

    for i in range(n):
        practice = publish(make_practice(officer, kupang, title=f"Praktik Baik {i}"), secretariat)
        services.record_adoption(actor=None, practice=practice, region=sumba, status="adopted")


# (url, queries, the list in the answer that holds one row per practice)
PRACTICE_CASES: dict[str, tuple[str, int, str]] = {
    # the hits + provinces (facet labels) + outcomes (PAD effect) + reviews; the search
    # index itself is read on the raw connection and not counted here
    "practice search": ("/api/v1/practices", 4, "items"),
    # adoption pairs + their regions, most replicated, sharers + their regions
    "learning network": ("/api/v1/practices/network", 5, "most_replicated"),
}


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("case", list(PRACTICE_CASES))
def test_practice_list_query_count_does_not_grow_with_items(
    api, django_assert_num_queries, officer, kupang, sumba, secretariat, case, n
):
    url, queries, rows = PRACTICE_CASES[case]
    make_adopted_practices(n, officer, kupang, sumba, secretariat)

    with django_assert_num_queries(queries):
        response = api.get(url)

    assert response.status_code == 200
    assert len(response.json()[rows]) == n
