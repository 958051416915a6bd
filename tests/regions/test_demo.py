"""The demo loader: labelled, honest, idempotent, and never mixed with real records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from kotacerdas.regions.demo import KINDS, DemoLoadError, load_demo, read_demo_data
from kotacerdas.regions.models import (
    Cohort,
    CohortMember,
    Contact,
    Membership,
    Network,
    Region,
    RegionHead,
)
from kotacerdas.regions.services import sync_registry
from tests.factories import ContactFactory, NetworkFactory, RegionHeadFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

DEMO_MODELS = (Network, Membership, Cohort, CohortMember, RegionHead, Contact)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def registry():
    sync_registry(actor=None)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in DEMO_MODELS}


def _expected_added() -> dict[str, int]:
    data = read_demo_data()
    return {
        "networks": len(data["networks"]),
        "memberships": sum(len(n["memberships"]) for n in data["networks"]),
        "cohorts": len(data["cohorts"]),
        "cohort_members": sum(len(c["members"]) for c in data["cohorts"]),
        "region_heads": len(data["region_heads"]),
        "contacts": len(data["contacts"]),
    }


def test_load_demo_empty_registry_raises_clear_error():
    with pytest.raises(DemoLoadError) as error:
        load_demo(actor=None)

    assert str(error.value) == (
        "The region registry is empty; load it first with “kotacerdas regions sync”."
    )
    assert set(_counts().values()) == {0}


def test_load_demo_first_run_adds_every_record_of_the_file(registry):
    added = load_demo(actor=None)

    assert added == _expected_added()
    assert added == {
        "networks": 1,
        "memberships": 26,
        "cohorts": 3,
        "cohort_members": 36,
        "region_heads": 13,
        "contacts": 10,
    }
    assert _counts() == {
        "Network": 1,
        "Membership": 26,
        "Cohort": 3,
        "CohortMember": 36,
        "RegionHead": 13,
        "Contact": 10,
    }


def test_load_demo_second_run_adds_nothing(registry):
    load_demo(actor=None)
    before = _counts()

    assert load_demo(actor=None) == dict.fromkeys(KINDS, 0)
    assert _counts() == before


def test_load_demo_every_record_is_labelled_demo_with_a_source(registry):
    load_demo(actor=None)

    for model in DEMO_MODELS:
        rows = list(model.objects.values_list("is_demo", "source"))
        assert rows, model.__name__
        assert all(is_demo for is_demo, _source in rows), model.__name__
        assert all("demo" in source and "not an official record" in source for _d, source in rows)
    assert all("demo" in note.lower() for note in Membership.objects.values_list("note", flat=True))


def test_load_demo_descriptions_say_the_lists_are_illustrative(registry):
    load_demo(actor=None)

    network = Network.objects.get(slug="citynet-indonesia")
    assert network.name == "CityNet Indonesia"
    assert "ilustratif" in network.description
    assert "illustrative, not the official membership" in network.description
    cohorts = Cohort.objects.order_by("year")
    assert [(c.slug, c.year) for c in cohorts] == [
        ("gm100sc-2017", 2017),
        ("gm100sc-2018", 2018),
        ("gm100sc-2019", 2019),
    ]
    for cohort in cohorts:
        assert cohort.programme == "Gerakan Menuju 100 Smart City"
        assert "bukan daftar resmi kementerian" in cohort.description
        assert "illustrative, not the ministry's official list" in cohort.description
        assert 8 <= cohort.members.count() <= 18


def test_load_demo_names_are_placeholders_and_contacts_unreachable(registry):
    load_demo(actor=None)

    heads = RegionHead.objects.all()
    assert {h.name for h in heads} == {
        "Kepala Daerah Contoh (demo)",
        "Kepala Daerah Contoh Terdahulu (demo)",
    }
    assert all(h.deputy_name.endswith("(demo)") for h in heads)
    contacts = Contact.objects.select_related("region")
    assert {c.name for c in contacts} == {"Petugas Contoh (demo)"}
    assert all(c.agency == "Diskominfo" and c.phone == "" for c in contacts)
    assert {c.email for c in contacts} == {
        f"demo-{c.region.code_digits}@example.invalid" for c in contacts
    }
    assert Contact.objects.get(region__code="53.71").email == "demo-5371@example.invalid"


def test_load_demo_head_titles_match_region_kind(registry):
    load_demo(actor=None)

    heads = RegionHead.objects.select_related("region")
    assert {(h.region.kind, h.title) for h in heads} == {
        ("kota", RegionHead.Title.WALI_KOTA),
        ("kabupaten", RegionHead.Title.BUPATI),
    }
    assert len({h.region_id for h in heads}) == 10
    kupang = list(
        RegionHead.objects.filter(region__code="53.71").values_list("term_start", "term_end")
    )
    assert kupang == [(dt.date(2025, 2, 20), None), (dt.date(2021, 2, 26), dt.date(2025, 2, 20))]


def test_load_demo_memberships_show_roles_and_history(registry):
    load_demo(actor=None)

    memberships = Membership.objects.select_related("region")
    assert {m.role for m in memberships} == {"chair", "vice_chair", "member", "observer"}
    assert memberships.get(role="chair").region.code == "53.71"
    assert memberships.filter(left_on__isnull=False).count() == 3
    assert len({m.region_id for m in memberships}) == 25
    medan = memberships.filter(region__code="12.71").order_by("joined_on")
    assert [(m.joined_on, m.left_on) for m in medan] == [
        (dt.date(2017, 6, 1), dt.date(2020, 12, 31)),
        (dt.date(2023, 1, 1), None),
    ]
    assert "Sharing Best Practices CityNet Indonesia 2019" in memberships.get(role="chair").note


def test_load_demo_only_refers_to_current_registry_regions(registry):
    data = read_demo_data()
    codes = {m["region"] for m in data["networks"][0]["memberships"]}
    codes |= {m["region"] for c in data["cohorts"] for m in c["members"]}
    codes |= {h["region"] for h in data["region_heads"]} | {c["region"] for c in data["contacts"]}

    assert Region.objects.filter(code__in=codes, retired_at__isnull=True).count() == len(codes)


def test_load_demo_retired_code_raises_and_writes_nothing(registry):
    Region.objects.filter(code="35.78").update(retired_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))

    with pytest.raises(DemoLoadError) as error:
        load_demo(actor=None)

    assert str(error.value) == (
        "The demo refers to codes that are not current regions in the registry: 35.78."
    )
    assert set(_counts().values()) == {0}


def test_load_demo_real_network_with_same_slug_is_refused(registry):
    NetworkFactory(slug="citynet-indonesia", is_demo=False)

    with pytest.raises(DemoLoadError) as error:
        load_demo(actor=None)

    assert str(error.value) == (
        "“citynet-indonesia” already exists as real data, not demo content; the demo is not "
        "loaded so that it does not mix with real records."
    )
    assert Membership.objects.count() == 0
    assert Cohort.objects.count() == 0


def test_load_demo_region_with_real_head_and_contact_gets_no_demo_ones(registry):
    kupang = Region.objects.get(code="53.71")
    RegionHeadFactory(region=kupang, title="wali_kota", name="Real Name", is_demo=False)
    ContactFactory(region=kupang, name="Real Officer", is_primary=True)

    load_demo(actor=None)

    assert list(kupang.heads.values_list("name", flat=True)) == ["Real Name"]
    assert list(kupang.contacts.values_list("name", "is_primary")) == [("Real Officer", True)]
    assert RegionHead.objects.filter(is_demo=True).count() == 11
    assert Contact.objects.filter(is_demo=True).count() == 9


def test_load_demo_keeps_edits_made_after_loading(registry):
    load_demo(actor=None)
    Membership.objects.filter(region__code="53.71").update(left_on=dt.date(2024, 12, 31))

    load_demo(actor=None)

    assert list(
        Membership.objects.filter(region__code="53.71").values_list("joined_on", "left_on")
    ) == [(dt.date(2017, 3, 1), dt.date(2024, 12, 31))]


def test_load_demo_reports_progress_up_to_the_total(registry):
    calls: list[tuple[int, int]] = []

    load_demo(actor=None, progress=lambda done, total: calls.append((done, total)))

    total = 1 + 26 + 3 + 36 + 13 + 10
    assert calls[0] == (1, total)
    assert calls[-1] == (total, total)
    assert [done for done, _total in calls] == list(range(1, total + 1))
