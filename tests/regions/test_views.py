"""Pages of the registry and the network, through Django's test client."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from kotacerdas.core.models import AuditEvent
from kotacerdas.regions.models import Contact, Membership

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


def _names(response):
    return re.findall(r'<a href="/regions/[\d.]+/">([^<]+)</a>', response.content.decode())


@pytest.fixture
def directory(kupang, sumba):
    bali = ProvinceFactory(code="51", name="Bali", timezone="Asia/Makassar")
    RegionFactory(code="51.71", name="Kota Denpasar", province=bali)
    RegionFactory(code="53.01", name="Kabupaten Kupang", province=kupang.province)
    network = NetworkFactory()
    MembershipFactory(network=network, region=kupang)
    MembershipFactory(
        network=network, region=sumba, joined_on=dt.date(2017, 1, 1), left_on=dt.date(2018, 1, 1)
    )
    CohortMemberFactory(cohort=CohortFactory(), region=sumba)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Kabupaten Kupang", "Kabupaten Sumba Timur", "Kota Denpasar", "Kota Kupang"]),
        ("q=kupang", ["Kabupaten Kupang", "Kota Kupang"]),
        ("q=Kota+Kupang", ["Kota Kupang"]),
        ("q=kab.+kupang", ["Kabupaten Kupang"]),
        ("q=5371", ["Kota Kupang"]),
        ("q=53.71", ["Kota Kupang"]),
        ("q=51", ["Kota Denpasar"]),
        ("province=51", ["Kota Denpasar"]),
        ("kind=kota", ["Kota Denpasar", "Kota Kupang"]),
        ("network=citynet-indonesia", ["Kota Kupang"]),
        ("cohort=gm100sc-2019", ["Kabupaten Sumba Timur"]),
        ("q=tidak+ada", []),
    ],
)
def test_directory_filters(client, directory, query, expected):
    response = client.get(f"/regions/?{query}")
    assert response.status_code == 200
    assert sorted(_names(response)) == expected


def test_directory_invalid_filter_is_ignored_not_an_error(client, directory):
    response = client.get("/regions/?kind=desa&province=zz")
    assert response.status_code == 200
    assert "Masukkan pilihan yang valid" in response.content.decode()


def test_directory_htmx_request_returns_only_the_results(client, directory):
    response = client.get("/regions/?q=kupang", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert sorted(_names(response)) == ["Kabupaten Kupang", "Kota Kupang"]


def test_directory_paginates_at_fifty(client, kupang):
    for n in range(1, 60):
        RegionFactory(code=f"53.{n + 10:02d}", name=f"Kabupaten Uji {n}", province=kupang.province)
    first = client.get("/regions/")
    assert len(_names(first)) == 50
    assert "Halaman 1 dari 2" in first.content.decode()
    second = client.get("/regions/?page=2")
    assert len(_names(second)) == 10


@pytest.mark.parametrize("n", [1, 3])
def test_directory_query_count_does_not_grow(client, django_assert_num_queries, kupang, n):
    network = NetworkFactory()
    for i in range(n):
        region = RegionFactory(code=f"53.{i + 20}", name=f"Kota Uji {i}", province=kupang.province)
        MembershipFactory(network=network, region=region)
    # filters (provinces, networks, cohorts), count, page, prefetched memberships
    with django_assert_num_queries(6):
        client.get("/regions/")


def test_profile_shows_registry_facts_network_and_demo_labels(client, kupang):
    network = NetworkFactory()
    MembershipFactory(network=network, region=kupang, role=Membership.Role.CHAIR)
    CohortMemberFactory(cohort=CohortFactory(), region=kupang, status="mentored")
    RegionHeadFactory(
        region=kupang, title="wali_kota", name="Kepala Contoh", term_start=dt.date(2021, 1, 1)
    )
    ContactFactory(region=kupang, name="Petugas Contoh", is_demo=True)
    body = client.get("/regions/53.71/").content.decode()
    for text in [
        "Kota Kupang",
        "Nusa Tenggara Timur",
        "WITA (UTC+8)",
        "404.120",
        "Wali Kota: Kepala Contoh",
        "CityNet Indonesia",
        "ketua",
        "Gerakan Menuju 100 Smart City 2019",
        "didampingi",
        "Petugas Contoh",
    ]:
        assert text in body, text
    # membership, cohort entry, current head and contact; the list of terms is folded away
    # for a visitor when there is only one
    assert body.count(">DEMO<") == 4
    assert "Ubah profil" not in body  # a visitor cannot edit


def test_profile_digit_code_redirects_to_dotted(client, kupang):
    response = client.get("/regions/5371/")
    assert response.status_code == 301
    assert response["Location"] == "/regions/53.71/"


@pytest.mark.parametrize("code", ["99.99", "abc", "5", "53.71.01"])
def test_profile_unknown_code_is_404(client, kupang, code):
    response = client.get(f"/regions/{code}/")
    assert response.status_code == 404


def test_officer_edits_own_contact_and_it_is_audited(client, officer, kupang):
    client.force_login(officer)
    assert "Ubah profil" in client.get("/regions/53.71/").content.decode()
    response = client.post(
        "/regions/53.71/contacts/add/",
        {
            "name": "Ina Bara",
            "position": "Kepala Bidang",
            "agency": "Diskominfo",
            "email": "ina@kupangkota.go.id",
            "phone": "",
            "is_primary": "on",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.region, contact.name, contact.is_primary, contact.is_demo) == (
        kupang,
        "Ina Bara",
        True,
        False,
    )
    event = AuditEvent.objects.get(object_type="regions.contact")
    assert (event.actor, event.channel, event.action, event.region_code) == (
        officer,
        "ui",
        "create",
        "53.71",
    )
    assert event.changes["name"] == [None, "Ina Bara"]


@pytest.mark.parametrize(
    "url",
    ["/regions/53.11/edit/", "/regions/53.11/contacts/add/", "/regions/53.11/heads/add/"],
)
def test_officer_is_refused_on_another_region(client, officer, sumba, url):
    client.force_login(officer)
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "X", "website": "", "description": "x"}).status_code == 403
    assert not AuditEvent.objects.exists()
    assert "Ubah profil" not in client.get("/regions/53.11/").content.decode()


def test_anonymous_edit_redirects_to_login(client, kupang):
    response = client.get("/regions/53.71/edit/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/regions/53.71/edit/"


def test_edit_profile_bad_url_shows_field_error(client, officer, kupang):
    client.force_login(officer)
    response = client.post("/regions/53.71/edit/", {"website": "not a url", "description": ""})
    assert response.status_code == 422
    assert "Masukkan URL yang valid." in response.content.decode()
    kupang.refresh_from_db()
    assert kupang.website == ""


def test_secretariat_adds_and_ends_a_membership(client, secretariat, kupang):
    network = NetworkFactory()
    client.force_login(secretariat)
    response = client.post(
        reverse("regions:membership-add", kwargs={"slug": network.slug}),
        {
            "region": "5371",
            "role": "member",
            "joined_on": "2019-10-16",
            "left_on": "",
            "note": "",
            "source": "",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get()
    response = client.post(
        reverse("regions:membership-end", kwargs={"pk": membership.pk}), {"left_on": "2024-12-31"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.joined_on, membership.left_on, membership.is_demo) == (
        dt.date(2019, 10, 16),
        dt.date(2024, 12, 31),
        False,
    )
    assert list(AuditEvent.objects.order_by("id").values_list("action", "channel")) == [
        ("create", "ui"),
        ("update", "ui"),
    ]


def test_membership_form_unknown_region_names_the_code(client, secretariat, kupang):
    network = NetworkFactory()
    client.force_login(secretariat)
    response = client.post(
        reverse("regions:membership-add", kwargs={"slug": network.slug}),
        {"region": "9999", "role": "member", "joined_on": "2019-10-16"},
    )
    assert response.status_code == 422
    assert "Tidak ada kabupaten/kota yang berlaku dengan kode 99.99." in response.content.decode()


def test_membership_import_page_shows_every_problem(client, secretariat, kupang):
    from django.core.files.uploadedfile import SimpleUploadedFile

    network = NetworkFactory()
    client.force_login(secretariat)
    upload = SimpleUploadedFile(
        "m.csv",
        b"region_code,joined_on\n5371,2019-01-01\n9999,2019-01-01\n",
        content_type="text/csv",
    )
    response = client.post(
        reverse("regions:membership-import", kwargs={"slug": network.slug}), {"file": upload}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Berkas memiliki 1 masalah. Tidak ada yang diubah." in body
    assert (
        "Baris 3, kolom region_code: Tidak ada kabupaten/kota yang berlaku dengan kode 99.99."
        in body
    )
    assert Membership.objects.count() == 0


@pytest.mark.parametrize("role_fixture", ["officer", None])
def test_network_pages_refuse_non_secretariat(client, request, kupang, role_fixture):
    network = NetworkFactory()
    if role_fixture:
        client.force_login(request.getfixturevalue(role_fixture))
    response = client.get(reverse("regions:membership-add", kwargs={"slug": network.slug}))
    assert response.status_code == (403 if role_fixture else 302)


@pytest.mark.parametrize("n", [1, 3])
def test_network_detail_query_count(client, django_assert_num_queries, kupang, n):
    network = NetworkFactory()
    for i in range(n):
        MembershipFactory(
            network=network, region=RegionFactory(code=f"53.{i + 30}", province=kupang.province)
        )
    with django_assert_num_queries(2):
        client.get(f"/regions/networks/{network.slug}/")


@pytest.mark.parametrize("n", [1, 3])
def test_cohort_detail_query_count(client, django_assert_num_queries, kupang, n):
    cohort = CohortFactory()
    for i in range(n):
        CohortMemberFactory(
            cohort=cohort, region=RegionFactory(code=f"53.{i + 40}", province=kupang.province)
        )
    with django_assert_num_queries(2):
        client.get(f"/regions/cohorts/{cohort.slug}/")


def test_cohort_and_heads_import_pages_apply_a_good_file(client, secretariat, kupang):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kotacerdas.regions.models import CohortMember, RegionHead

    cohort = CohortFactory()
    client.force_login(secretariat)
    members = SimpleUploadedFile("c.csv", b"region_code,status\n5371,mentored\n")
    response = client.post(f"/regions/cohorts/{cohort.slug}/members/import/", {"file": members})
    assert (response.status_code, response["Location"]) == (302, f"/regions/cohorts/{cohort.slug}/")
    assert list(CohortMember.objects.values_list("region__code", "status")) == [
        ("53.71", "mentored")
    ]
    heads = SimpleUploadedFile(
        "h.csv", b"region_code,title,name,term_start\n5371,wali_kota,Nama Resmi,2025-02-20\n"
    )
    response = client.post("/regions/heads/import/", {"file": heads})
    assert (response.status_code, response["Location"]) == (302, "/regions/")
    assert list(RegionHead.objects.values_list("region__code", "name", "is_demo")) == [
        ("53.71", "Nama Resmi", False)
    ]
