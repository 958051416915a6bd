"""Shared fixtures of the library tests: a complete practice record and practices of
Kota Kupang at each step of the workflow, made through the services."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kotacerdas.practices import services
from kotacerdas.practices.content import parse_record

SCORES = {
    "impact": 4,
    "partnership": 3,
    "sustainability": 4,
    "leadership": 3,
    "innovation": 4,
    "transferability": 5,
    "evidence": 4,
}

RECORD: dict[str, Any] = {
    "language": "id",
    "title": "Pajak Restoran Daring dengan Perekam Transaksi",
    "summary": (
        "Badan pendapatan daerah memasang perekam transaksi di restoran sehingga "
        "pembayaran pajak restoran tercatat otomatis dan pendapatan asli daerah naik."
    ),
    "pillars": ["ECO", "GOV"],
    "sub_elements": ["ECO.TRX", "GOV.POL"],
    "sdgs": [8, 16],
    "stage": "applied",
    "form": "public_service",
    "digital": True,
    "initiator": "agency",
    "started_on": "2019-03-01",
    "applied_on": "2020-01-15",
    "budget_idr": 850_000_000,
    "funding_sources": ["apbd", "partnership"],
    "partner_regions": [],
    "partner_organisations": ["bank pembangunan daerah"],
    "narrative": {
        "situation": "Sebelumnya omzet restoran dilaporkan sendiri dan sering lebih rendah.",
        "objectives": "Mencatat setiap transaksi agar pajak dibayar sesuai omzet.",
        "resources": "Anggaran APBD dan kerja sama dengan bank daerah.",
        "process": "Perangkat dipasang bertahap mulai dari restoran terbesar.",
        "results": "Realisasi pajak restoran naik dalam dua tahun.",
        "sustainability": "Biaya perangkat ditanggung bank mitra.",
        "lessons": "Sosialisasi kepada pemilik usaha menentukan keberhasilan.",
        "transferability": "Daerah lain membutuhkan peraturan kepala daerah dan mitra bank.",
    },
    "outcomes": [
        {
            "name": "Realisasi pajak restoran",
            "unit": "IDR",
            "baseline": 4_200_000_000,
            "baseline_year": 2019,
            "value": 6_100_000_000,
            "year": 2021,
            "source": "Laporan realisasi pendapatan Bapenda",
            "pad": True,
        }
    ],
    "prerequisites": [
        {
            "kind": "budget",
            "description": "Anggaran awal perangkat perekam",
            "min_budget_idr": 500_000_000,
            "readiness": "STR.FIN.1",
            "min_level": 3,
        },
        {
            "kind": "regulation",
            "description": "Peraturan kepala daerah tentang pajak daerah elektronik",
            "readiness": "SUP.REG.2",
            "min_level": 2,
        },
    ],
    "contacts": [
        {
            "name": "Kepala Bidang Pendataan",
            "position": "Kepala Bidang",
            "agency": "Badan Pendapatan Daerah",
            "email": "bapenda@example.invalid",
            "phone": "",
        }
    ],
}


def make_record(**overrides: Any) -> dict[str, Any]:
    """A complete, valid practice record with ``overrides`` applied (top-level keys)."""
    record = copy.deepcopy(RECORD)
    record.update(overrides)
    return record


def make_practice(actor, region, **overrides: Any):
    """A draft practice of ``region`` made by ``actor`` through the service."""
    return services.create_practice(
        actor=actor, region=region, data=parse_record(make_record(**overrides))
    )


def publish(practice, secretariat, *, verified: bool = True, scores=None):
    """Take the practice's latest version through submit, review and publication."""
    version = practice.versions.order_by("-number").first()
    author = version.author or secretariat
    version = services.submit_version(actor=author, version=version)
    version = services.start_review(actor=secretariat, version=version)
    services.publish_version(
        actor=secretariat, version=version, scores=scores or SCORES, verified=verified
    )
    practice.refresh_from_db()
    return practice


@pytest.fixture
def draft_practice(officer, kupang):
    return make_practice(officer, kupang)


@pytest.fixture
def submitted_version(draft_practice, officer):
    version = draft_practice.versions.get()
    return services.submit_version(actor=officer, version=version)


@pytest.fixture
def review_version(submitted_version, secretariat):
    return services.start_review(actor=secretariat, version=submitted_version)


@pytest.fixture
def published_practice(draft_practice, secretariat):
    return publish(draft_practice, secretariat)
