"""The demo event: the Kupang 2019 seminar as publicly reported, an illustrative agenda and
478 demo participants loaded through the registration services; labelled demo, in WITA,
within every quota, and idempotent."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter

import pytest
from django.db.models import Count, Q

from kotacerdas.assessments.services.frameworks import load_shipped
from kotacerdas.core.models import AuditEvent
from kotacerdas.events import demo
from kotacerdas.events.models import (
    Certificate,
    CheckIn,
    Delegation,
    Event,
    Quota,
    Registration,
    Session,
    Speaker,
)
from kotacerdas.practices import demo as practices_demo
from kotacerdas.practices.models import Practice
from kotacerdas.regions import demo as regions_demo
from kotacerdas.regions.models import Region
from kotacerdas.regions.selectors import subdivisions
from kotacerdas.regions.services import sync_registry

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

WITA = zoneinfo.ZoneInfo("Asia/Makassar")
SLUG = "sbp-citynet-indonesia-2019"
EXPECTED = {
    "events": 1,
    "sessions": 21,
    "speakers": 14,
    "practice_links": 9,
    "delegations": 51,
    # 51 delegations x 6 roles, plus Kupang's camat and lurah.
    "quotas": 308,
    "registrations": 478,
    "confirmed": 472,
    "waitlisted": 6,
    # 472 confirmed, of whom floor(472 x 8 %) = 37 stay away.
    "checkins": 435,
    "certificates": 435,
}
LINKED = {
    "pajak-restoran-daring-kupang",
    "e-bphtb-terintegrasi-sidoarjo",
    "kanal-pengaduan-terpadu-makassar",
    "panggilan-darurat-112-jayapura",
    "bus-pengumpan-nontunai-palembang",
    "kalender-event-daerah-banyuwangi",
    "bumdes-bersama-rumput-laut-kupang",
    "pemantauan-stunting-kader-posyandu-tts",
}
PUBLIC_SPEAKERS = {
    ("Wali Kota Kupang", "keynote", "53.71"),
    ("Menteri Komunikasi dan Informatika", "keynote", None),
    ("Bupati Sidoarjo (Presiden CityNet)", "panelist", "35.15"),
    ("Bupati Banyuwangi", "panelist", "35.10"),
    ("Wali Kota Kupang", "panelist", "53.71"),
    ("Profesor dari Seoul", "panelist", None),
}


@pytest.fixture
def library():
    """The whole registry and the demo practices the agenda links to."""
    sync_registry(actor=None)
    load_shipped(actor=None)
    practices_demo.load()


def _model_counts() -> dict[str, int]:
    models = (Event, Session, Speaker, Quota, Delegation, Registration, CheckIn, Certificate)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["links"] = Session.practices.through.objects.count()
    counts["audit"] = AuditEvent.objects.count()
    return counts


def _wita(moment: dt.datetime) -> tuple[str, str]:
    local = moment.astimezone(WITA)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M")


def test_the_file_describes_the_delegations_as_publicly_reported():
    sync_registry(actor=None)
    doc = demo.document()
    groups = {name: g["regions"] for name, g in doc["groups"].items()}
    assert {name: len(set(codes)) for name, codes in groups.items()} == {
        "citynet": 24,
        "gm100sc_2019": 18,
        "ntt": 22,
    }
    # Every current kabupaten and kota of Nusa Tenggara Timur in the registry.
    ntt = Region.objects.filter(province__code="53", retired_at__isnull=True)
    assert set(groups["ntt"]) == set(ntt.values_list("code", flat=True))
    # Every region of the file is a current region of the registry.
    codes = {item["region"] for item in doc["delegations"]}
    assert Region.objects.filter(code__in=codes, retired_at__isnull=True).count() == len(codes)
    # Members and the 2019 cohort come from the project's demo network where it has them.
    network = regions_demo.read_demo_data()
    day = "2019-10-16"
    members = {
        m["region"]
        for n in network["networks"]
        if n["slug"] == "citynet-indonesia"
        for m in n["memberships"]
        if m["role"] != "observer"
        and m["joined_on"] <= day
        and (m.get("left_on") is None or m["left_on"] >= day)
    }
    assert set(groups["citynet"]) == members | {"35.15"}  # Sidoarjo: CityNet's president
    (cohort,) = [c for c in network["cohorts"] if c["slug"] == "gm100sc-2019"]
    assert {m["region"] for m in cohort["members"]} < set(groups["gm100sc_2019"])
    # One delegation per region of the three groups, and none other.
    codes = [item["region"] for item in doc["delegations"]]
    assert len(codes) == len(set(codes)) == 51
    assert set(codes) == set().union(*groups.values())


def test_load_adds_the_seminar_its_delegations_and_478_demo_participants(library):
    added = demo.load()

    assert added == EXPECTED
    event = Event.objects.get(slug=SLUG)
    assert event.name == "Sharing Best Practices CityNet Indonesia 2019"
    assert event.theme == "Strategi Pengembangan Smart City"
    assert event.host_region.code == "53.71"
    assert (event.city, event.venue) == ("Kupang", "")  # the venue is not stated
    assert event.capacity == 500
    assert event.status == Event.Status.HELD
    assert event.is_demo and "ilustratif" in event.source
    assert event.registration_opens_at is None and event.registration_closes_at is None

    registrations = Registration.objects.filter(delegation__event=event)
    assert Counter(registrations.values_list("status", flat=True)) == {
        Registration.Status.CONFIRMED: 472,
        Registration.Status.WAITLISTED: 6,
    }
    assert Delegation.objects.filter(event=event, is_demo=True).count() == 51
    assert not Delegation.objects.filter(is_demo=False).exists()
    assert not registrations.filter(is_demo=False).exists()
    assert not registrations.filter(source="").exists()
    # The waiting list: the staff beyond the quota of 4 of the three delegations that sent 6.
    waiting = registrations.filter(status=Registration.Status.WAITLISTED)
    assert Counter(waiting.values_list("delegation__region__code", "role")) == {
        ("35.78", "staff"): 2,
        ("32.73", "staff"): 2,
        ("73.71", "staff"): 2,
    }
    # Check-ins and certificates: event arrivals only, one certificate per attendee.
    checkins = CheckIn.objects.filter(registration__delegation__event=event)
    assert checkins.count() == 435
    assert not checkins.filter(session__isnull=False).exists()
    assert not checkins.exclude(registration__status=Registration.Status.CONFIRMED).exists()
    assert set(checkins.values_list("place", flat=True)) == {"Meja registrasi"}
    certificates = Certificate.objects.filter(registration__delegation__event=event)
    assert certificates.count() == 435
    assert set(certificates.values_list("registration", flat=True)) == set(
        checkins.values_list("registration", flat=True)
    )
    assert not certificates.filter(revoked_at__isnull=False).exists()
    # Every participant went through the audited service.
    assert (
        AuditEvent.objects.filter(
            object_type="events.registration", action=AuditEvent.Action.CREATE
        ).count()
        == 478
    )

    # Quotas and the capacity are never exceeded.
    confirmed = registrations.filter(status=Registration.Status.CONFIRMED)
    assert confirmed.count() <= event.capacity
    quotas = Quota.objects.filter(event=event)
    assert quotas.count() == 308
    for quota in quotas:
        held = confirmed.filter(delegation__region=quota.region, role=quota.role).count()
        assert held <= quota.limit, quota
    kupang = quotas.filter(region__code="53.71")
    assert dict(kupang.values_list("role", "limit")) == {
        "head": 1,
        "deputy_head": 1,
        "dprd_chair": 1,
        "secretary": 1,
        "agency_head": 8,
        "staff": 8,
        "camat": 6,
        "lurah": 51,
    }
    assert dict(quotas.filter(region__code="53.01").values_list("role", "limit")) == {
        "head": 1,
        "deputy_head": 1,
        "dprd_chair": 1,
        "secretary": 1,
        "agency_head": 3,
        "staff": 4,
    }

    # Loading again adds nothing.
    before = _model_counts()
    assert demo.load() == dict.fromkeys(EXPECTED, 0)
    assert _model_counts() == before


def test_every_participant_is_marked_demo_and_kupang_sends_its_camat_and_lurah(library):
    demo.load()

    registrations = Registration.objects.filter(delegation__event__slug=SLUG)
    names = list(registrations.values_list("name", flat=True))
    assert len(names) == 478
    assert all(name.endswith(" (demo)") for name in names)
    assert not registrations.exclude(email="").exists()
    assert not registrations.exclude(phone="").exists()
    numbered = sorted(n for n in names if n.startswith("Peserta Demo "))
    assert len(numbered) == 478 - 57
    assert numbered[0] == "Peserta Demo 001 (demo)"
    assert numbered[-1] == "Peserta Demo 421 (demo)"

    kupang = registrations.filter(delegation__region__code="53.71")
    kecamatan = subdivisions("53.71")
    camat = kupang.filter(role="camat")
    assert {(r.name, r.kecamatan_code, r.kelurahan_code) for r in camat} == {
        (f"Camat {k.name} (demo)", k.code, "") for k in kecamatan
    }
    assert {r.name for r in camat} >= {"Camat Alak (demo)", "Camat Maulafa (demo)"}
    lurah = kupang.filter(role="lurah")
    expected = {
        (f"Lurah {v.name} (demo)", k.code, v.code) for k in kecamatan for v in subdivisions(k.code)
    }
    assert len(expected) == 51
    assert {(r.name, r.kecamatan_code, r.kelurahan_code) for r in lurah} == expected
    assert ("Lurah Namosain (demo)", "53.71.01", "53.71.01.1001") in expected
    assert Counter(kupang.values_list("role", flat=True)) == {
        "head": 1,
        "deputy_head": 1,
        "dprd_chair": 1,
        "secretary": 1,
        "agency_head": 8,
        "staff": 8,
        "camat": 6,
        "lurah": 51,
    }
    # No kecamatan or kelurahan outside Kupang's camat and lurah.
    assert (
        not registrations.exclude(role__in=["camat", "lurah"]).exclude(kecamatan_code="").exists()
    )
    assert dict(
        registrations.filter(role="head").values_list("position").annotate(n=Count("pk"))
    ) == {"Kepala daerah": 41}


def test_times_are_wita_and_the_agenda_links_speakers_and_practices(library):
    demo.load()
    event = Event.objects.get(slug=SLUG)

    # 16–18 October 2019 in Kupang (WITA, UTC+8): 08:00 local is 00:00 UTC.
    assert event.starts_at == dt.datetime(2019, 10, 16, 0, 0, tzinfo=dt.UTC)
    assert event.ends_at == dt.datetime(2019, 10, 18, 9, 0, tzinfo=dt.UTC)
    sessions = list(Session.objects.filter(event=event).order_by("starts_at", "pk"))
    first = sessions[0]
    assert first.starts_at == dt.datetime(2019, 10, 16, 0, 0, tzinfo=dt.UTC)
    assert _wita(first.starts_at) == ("2019-10-16", "08:00")
    assert first.title == "Pembukaan dan sambutan tuan rumah"
    assert _wita(sessions[-1].ends_at) == ("2019-10-18", "17:00")
    assert sessions[-1].title == "Penutupan"
    assert Counter(_wita(s.starts_at)[0] for s in sessions) == {
        "2019-10-16": 8,
        "2019-10-17": 8,
        "2019-10-18": 5,
    }
    assert all(event.starts_at <= s.starts_at < s.ends_at <= event.ends_at for s in sessions)
    assert all(s.description.endswith("(agenda ilustratif)") for s in sessions)
    assert Counter(s.kind for s in sessions) == {
        "keynote": 3,
        "panel": 2,
        "presentation": 3,
        "workshop": 4,
        "field_visit": 1,
        "break": 8,
    }

    # Check-ins during the event, registrations before it, certificates at its end.
    registrations = Registration.objects.filter(delegation__event=event)
    checkins = CheckIn.objects.filter(registration__delegation__event=event)
    assert not checkins.filter(Q(at__lt=event.starts_at) | Q(at__gt=event.ends_at)).exists()
    assert Counter(_wita(c.at)[0] for c in checkins) == {"2019-10-16": 414, "2019-10-17": 21}
    assert min(_wita(c.at) for c in checkins) == ("2019-10-16", "08:00")
    assert not registrations.filter(registered_at__gte=event.starts_at).exists()
    assert _wita(registrations.order_by("registered_at").first().registered_at) == (
        "2019-10-01",
        "08:00",
    )
    assert set(
        Certificate.objects.filter(registration__delegation__event=event).values_list(
            "issued_at", flat=True
        )
    ) == {dt.datetime(2019, 10, 18, 9, 0, tzinfo=dt.UTC)}

    # Public speakers by their role, never by a personal name; presenters are demo.
    speakers = Speaker.objects.filter(session__event=event).select_related("region", "session")
    assert speakers.count() == 14
    public = {
        (s.name, s.role, s.region.code if s.region else None)
        for s in speakers
        if not s.name.endswith("(demo)")
    }
    assert public == PUBLIC_SPEAKERS
    keynote = speakers.get(name="Menteri Komunikasi dan Informatika")
    assert keynote.session.kind == Session.Kind.KEYNOTE
    assert _wita(keynote.session.starts_at) == ("2019-10-16", "09:00")
    assert set(
        speakers.get(name="Profesor dari Seoul").session.speakers.values_list("name", flat=True)
    ) == {
        "Bupati Sidoarjo (Presiden CityNet)",
        "Bupati Banyuwangi",
        "Wali Kota Kupang",
        "Profesor dari Seoul",
    }

    # Practices of the demo library, linked both ways, each presented by its lead region.
    links = Session.practices.through.objects.filter(session__event=event)
    assert links.count() == 9
    assert set(links.values_list("practice__slug", flat=True)) == LINKED
    kupang_practice = Practice.objects.get(slug="pajak-restoran-daring-kupang")
    assert {s.kind for s in kupang_practice.sessions.all()} == {"panel", "field_visit"}
    for session in sessions:
        demo_speakers = [s for s in session.speakers.all() if s.name.endswith("(demo)")]
        if not demo_speakers:
            continue
        practices = list(session.practices.select_related("lead_region"))
        assert sorted(s.region_id for s in demo_speakers) == sorted(
            p.lead_region_id for p in practices
        )
        assert {s.name for s in demo_speakers} == {
            f"Perwakilan {p.lead_region.name} (demo)" for p in practices
        }
    roles = Counter(s.role for s in speakers if s.name.endswith("(demo)"))
    assert roles == {"panelist": 2, "presenter": 6}


def test_regions_missing_from_the_registry_are_skipped(kupang, sumba):
    added = demo.load()

    # Kupang (host profile, 6 camat, 51 lurah) and Sumba Timur (standard) only; no demo
    # practices, so no links and no presenters; the public speakers remain.
    assert added == {
        "events": 1,
        "sessions": 21,
        "speakers": 6,
        "practice_links": 0,
        "delegations": 2,
        "quotas": 14,
        "registrations": 85,
        "confirmed": 85,
        "waitlisted": 0,
        "checkins": 79,
        "certificates": 79,
    }
    assert set(Delegation.objects.values_list("region__code", flat=True)) == {"53.71", "53.11"}
    assert set(
        Speaker.objects.filter(region__isnull=False).values_list("region__code", flat=True)
    ) == {"53.71"}


def test_without_the_host_region_nothing_is_loaded(sumba):
    assert demo.load() == dict.fromkeys(EXPECTED, 0)
    assert not Event.objects.exists()
