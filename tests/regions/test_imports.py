"""CSV imports apply whole or not at all, with a report naming row and column."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from kotacerdas.core.models import AuditEvent
from kotacerdas.core.tabular import ImportRejected
from kotacerdas.regions.models import CohortMember, Membership, RegionHead
from kotacerdas.regions.services import (
    import_cohort_members,
    import_memberships,
    import_region_heads,
)

from ..factories import CohortFactory, MembershipFactory, NetworkFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

HEADER = "region_code,role,joined_on,left_on,note,source,is_demo\n"


def _problems(excinfo):
    return [str(p) for p in excinfo.value.problems]


def test_import_memberships_applies_every_row(secretariat, kupang, sumba):
    network = NetworkFactory()
    raw = (
        HEADER
        + "5371,chair,2019-10-16,,host of the 2019 seminar,,no\n"
        + "53.11,member,2018-01-01,2020-12-31,,https://example.org/sk,no\n"
    ).encode()
    assert import_memberships(actor=secretariat, network=network, raw=raw) == 2
    rows = list(
        Membership.objects.order_by("region__code").values_list(
            "region__code", "role", "joined_on", "left_on", "source", "is_demo"
        )
    )
    assert rows == [
        (
            "53.11",
            "member",
            dt.date(2018, 1, 1),
            dt.date(2020, 12, 31),
            "https://example.org/sk",
            False,
        ),
        ("53.71", "chair", dt.date(2019, 10, 16), None, "", False),
    ]
    assert AuditEvent.objects.filter(object_type="regions.membership", action="create").count() == 2


def test_import_memberships_with_errors_changes_nothing_and_names_each_problem(secretariat, kupang):
    network = NetworkFactory()
    raw = (
        HEADER
        + "5371,member,2019-01-01,,,,no\n"  # fine on its own
        + "99.99,member,2019-01-01,,,,no\n"  # unknown region
        + "abc,member,2019-01-01,,,,no\n"  # not a code
        + "5371,president,2019-13-01,,,,maybe\n"  # bad role, date and flag
        + "5371,member,2019-06-01,2019-01-01,,,no\n"  # overlaps row 2 and ends before it starts
    )
    with pytest.raises(ImportRejected) as excinfo:
        import_memberships(actor=secretariat, network=network, raw=raw)
    assert _problems(excinfo) == [
        "Baris 3, kolom region_code: Tidak ada kabupaten/kota yang berlaku dengan kode 99.99.",
        "Baris 4, kolom region_code: “abc” bukan kode Kemendagri. Gunakan bentuk bertitik seperti 53.71 atau angka 5371.",
        "Baris 5, kolom role: “president” bukan salah satu dari: member, chair, vice_chair, board, observer.",
        "Baris 5, kolom joined_on: “2019-13-01” bukan tanggal; gunakan TTTT-BB-HH.",
        "Baris 5, kolom is_demo: “maybe” bukan ya atau tidak.",
        "Baris 6, kolom left_on: Tanggal keluar lebih awal dari tanggal bergabung.",
    ]
    assert Membership.objects.count() == 0


def test_import_memberships_row_level_model_errors_roll_back_earlier_rows(secretariat, kupang):
    network = NetworkFactory()
    raw = (
        HEADER
        + "5371,member,2019-01-01,,,,no\n99.99,member,2019-01-01,,,,no\n5371,member,2019-06-01,2019-01-01,,,no\n"
    )
    with pytest.raises(ImportRejected) as excinfo:
        import_memberships(actor=secretariat, network=network, raw=raw)
    assert _problems(excinfo) == [
        "Baris 3, kolom region_code: Tidak ada kabupaten/kota yang berlaku dengan kode 99.99.",
        "Baris 4, kolom left_on: Tanggal keluar lebih awal dari tanggal bergabung.",
    ]
    assert Membership.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="regions.membership").exists()


def test_import_rejects_missing_and_unknown_columns(secretariat):
    network = NetworkFactory()
    with pytest.raises(ImportRejected) as excinfo:
        import_memberships(
            actor=secretariat, network=network, raw=b"region,joined_on\n5371,2019-01-01\n"
        )
    assert _problems(excinfo) == [
        "Baris 1, kolom region_code: Kolom ini tidak ada.",
        "Baris 1, kolom region: Kolom tidak dikenal.",
    ]


def test_import_rejects_a_file_that_is_not_utf8(secretariat):
    network = NetworkFactory()
    with pytest.raises(ImportRejected) as excinfo:
        import_memberships(
            actor=secretariat, network=network, raw="region_code\nKabupatén".encode("latin-1")
        )
    assert _problems(excinfo) == [
        "Berkas bukan teks UTF-8. Simpan sebagai CSV UTF-8 lalu coba lagi."
    ]


def test_import_memberships_is_refused_to_an_officer(officer, kupang):
    network = NetworkFactory()
    with pytest.raises(PermissionDenied):
        import_memberships(
            actor=officer, network=network, raw=HEADER + "5371,member,2019-01-01,,,,no\n"
        )
    assert Membership.objects.count() == 0


def test_import_memberships_twice_updates_instead_of_duplicating(secretariat, kupang):
    network = NetworkFactory()
    import_memberships(
        actor=secretariat, network=network, raw=HEADER + "5371,member,2019-01-01,,,,no\n"
    )
    import_memberships(
        actor=secretariat, network=network, raw=HEADER + "5371,chair,2019-01-01,,,,no\n"
    )
    assert list(Membership.objects.values_list("role", flat=True)) == ["chair"]


def test_import_overlapping_membership_is_refused(secretariat, kupang):
    network = NetworkFactory()
    MembershipFactory(network=network, region=kupang, joined_on=dt.date(2018, 1, 1), is_demo=False)
    with pytest.raises(ImportRejected) as excinfo:
        import_memberships(
            actor=secretariat, network=network, raw=HEADER + "5371,member,2019-01-01,,,,no\n"
        )
    assert _problems(excinfo) == [
        "Baris 2, kolom joined_on: Periode ini tumpang tindih dengan keanggotaan sejak 2018-01-01 "
        "dari daerah yang sama dalam jaringan yang sama."
    ]


def test_import_cohort_members_and_heads(secretariat, kupang, sumba):
    cohort = CohortFactory()
    raw = "region_code,status,source,is_demo\n5371,mentored,,yes\n5311,selected,,yes\n"
    assert import_cohort_members(actor=secretariat, cohort=cohort, raw=raw) == 2
    assert sorted(CohortMember.objects.values_list("region__code", "status", "is_demo")) == [
        ("53.11", "selected", True),
        ("53.71", "mentored", True),
    ]
    heads = (
        "region_code,title,name,deputy_name,term_start,term_end,source,is_demo\n"
        "5371,wali_kota,Kepala Contoh,,2021-02-26,2025-02-20,,yes\n"
        "5371,wali_kota,Kepala Contoh Dua,,2025-02-20,2025-01-01,,yes\n"
    )
    with pytest.raises(ImportRejected) as excinfo:
        import_region_heads(actor=secretariat, raw=heads)
    assert _problems(excinfo) == [
        "Baris 3, kolom term_end: Masa jabatan harus berakhir setelah dimulai."
    ]
    assert RegionHead.objects.count() == 0


def test_import_rejects_a_binary_file_with_nul_bytes(secretariat, kupang):
    network = NetworkFactory()
    raw = HEADER.encode() + b"5371,member,2019-01-01,,,,no\n\x00\x01binary"
    with pytest.raises(ImportRejected) as excinfo:
        import_memberships(actor=secretariat, network=network, raw=raw)
    assert _problems(excinfo) == [
        "Baris 3: Baris ini berisi karakter NUL; berkas ini bukan teks CSV."
    ]
    assert Membership.objects.count() == 0
