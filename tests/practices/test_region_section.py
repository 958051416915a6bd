"""The practices section of a region's page: what the region leads, what it adopts, its
working versions for its own officers and the secretariat, and the way to its
recommendations."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kotacerdas.practices import services
from kotacerdas.practices.content import parse_record

from .fixtures import make_practice, make_record, publish

pytestmark = pytest.mark.integration

SLUG = "pajak-restoran-daring-dengan-perekam-transaksi"


def _client(request, role: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _section(client: Client, code: str) -> str:
    response = client.get(f"/regions/{code}/")
    assert response.status_code == 200
    html = response.content.decode()
    return re.search(r'data-testid="practices-section">(.*?)</section>', html, re.S).group(1)


def _items(section: str, testid: str) -> list[tuple[str, ...]]:
    block = re.search(rf'data-testid="{testid}">(.*?)</ul>', section, re.S)
    if block is None:
        return []
    return [
        (slug, extra, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip())
        for slug, extra, text in re.findall(
            r'<li data-slug="([^"]+)"(?: data-status="([a-z_]+)")?>(.*?)</li>', block.group(1), re.S
        )
    ]


@pytest.fixture
def kupang_practices(officer, other_officer, secretariat, kupang, sumba):
    """Kupang: a published practice with a new draft version, a submitted practice and a
    demo draft; Sumba Timur adopts the published one and leads one Kupang adopts."""
    published = publish(make_practice(officer, kupang), secretariat)
    services.start_new_version(actor=officer, practice=published, change_note="Data 2024")
    submitted = make_practice(officer, kupang, title="Layanan Izin Usaha Daring")
    services.submit_version(actor=officer, version=submitted.versions.get())
    services.create_practice(
        actor=officer,
        region=kupang,
        data=parse_record(make_record(title="Peta Digital Pasar")),
        is_demo=True,
    )
    theirs = publish(
        make_practice(other_officer, sumba, title="Retribusi Pasar Nontunai"), secretariat
    )
    services.record_adoption(
        actor=other_officer, practice=published, region=sumba, status="in_progress"
    )
    services.record_adoption(
        actor=officer, practice=theirs, region=kupang, status="adopted", is_demo=True
    )
    return published, submitted, theirs


@pytest.mark.parametrize(
    ("role", "working"),
    [
        ("anonymous", []),
        ("other_officer", []),
        (
            "officer",
            [
                (SLUG, "draft", "Pajak Restoran Daring dengan Perekam Transaksi draft version 2"),
                (
                    "layanan-izin-usaha-daring",
                    "submitted",
                    "Layanan Izin Usaha Daring submitted version 1",
                ),
                ("peta-digital-pasar", "draft", "Peta Digital Pasar draft version 1 DEMO"),
            ],
        ),
        (
            "secretariat",
            [
                (SLUG, "draft", "Pajak Restoran Daring dengan Perekam Transaksi draft version 2"),
                (
                    "layanan-izin-usaha-daring",
                    "submitted",
                    "Layanan Izin Usaha Daring submitted version 1",
                ),
                ("peta-digital-pasar", "draft", "Peta Digital Pasar draft version 1 DEMO"),
            ],
        ),
    ],
)
def test_region_section_by_role(request, db, kupang_practices, role, working):
    section = _section(_client(request, role), "53.71")
    assert _items(section, "led-practices") == [
        (SLUG, "", "Pajak Restoran Daring dengan Perekam Transaksi")
    ]
    assert sorted(_items(section, "working-versions")) == sorted(working)
    assert _items(section, "adopted-practices") == [
        (
            "retribusi-pasar-nontunai",
            "adopted",
            "Retribusi Pasar Nontunai from Kabupaten Sumba Timur — adopted DEMO",
        )
    ]
    assert '<a href="/practices/for/53.71/" data-testid="recommendations-link">' in section
    assert ('href="/practices/manage/new/"' in section) is (working != [])


@pytest.mark.django_db
def test_region_section_links_working_versions_to_the_version(request, kupang_practices):
    section = _section(_client(request, "officer"), "53.71")
    assert f'href="/practices/{SLUG}/?version=2"' in section
    html = _client(request, "officer").get(f"/practices/{SLUG}/?version=2")
    assert html.status_code == 200


@pytest.mark.django_db
def test_region_section_of_the_adopting_region(kupang_practices):
    section = _section(Client(HTTP_ACCEPT_LANGUAGE="en"), "53.11")
    assert _items(section, "led-practices") == [
        ("retribusi-pasar-nontunai", "", "Retribusi Pasar Nontunai")
    ]
    assert _items(section, "adopted-practices") == [
        (
            SLUG,
            "in_progress",
            "Pajak Restoran Daring dengan Perekam Transaksi from Kota Kupang — in progress",
        )
    ]


@pytest.mark.django_db
def test_region_section_of_a_region_without_practices(kupang):
    section = _section(Client(HTTP_ACCEPT_LANGUAGE="en"), "53.71")
    assert "The region has not published a practice yet." in section
    assert "The region has not recorded adopting another region's practice." in section
    assert 'data-testid="recommendations-link"' in section


@pytest.mark.django_db
def test_region_section_stopped_adoptions_still_show_with_their_status(
    kupang_practices, other_officer, sumba
):
    published, _submitted, _theirs = kupang_practices
    replication = published.replications.get(region=sumba)
    services.update_adoption(
        actor=other_officer,
        replication=replication,
        status="stopped",
        started_on=None,
        ended_on=None,
        notes="",
    )
    section = _section(Client(HTTP_ACCEPT_LANGUAGE="en"), "53.11")
    assert [item[1] for item in _items(section, "adopted-practices")] == ["stopped"]
