"""Writing events and their agendas through the services: the saved rows (times in UTC),
every validation message, the status moves, capacity against confirmed participants and
the waiting list, speakers and practice links, the audit trail and who may write."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from kotacerdas.core.models import AuditEvent
from kotacerdas.events import services
from kotacerdas.events.models import Event, Registration, Session, Speaker
from kotacerdas.events.services.agenda import next_statuses, status_allowed

from ..factories import ProvinceFactory, RegionFactory
from ..practices.fixtures import make_practice, publish
from .fixtures import (
    ENDS,
    STARTS,
    arrive,
    english,
    event,
    kupang_delegation,
    register,
    sumba_delegation,
)

pytestmark = pytest.mark.integration

WITA = zoneinfo.ZoneInfo("Asia/Makassar")
WIT = zoneinfo.ZoneInfo("Asia/Jayapura")
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
UTC = dt.UTC
ROLES = ["anonymous", "officer", "other_officer", "secretariat", "admin"]
MAY = [False, False, False, True, True]


@pytest.fixture(autouse=True)
def _english(english):
    """Every message here is compared in English."""


@pytest.fixture
def actors(officer, other_officer, secretariat, admin_user) -> dict[str, Any]:
    return {
        "anonymous": AnonymousUser(),
        "officer": officer,
        "other_officer": other_officer,
        "secretariat": secretariat,
        "admin": admin_user,
    }


@pytest.fixture
def jayapura(db):
    province = ProvinceFactory(code="91", name="Papua", timezone="Asia/Jayapura")
    return RegionFactory(
        code="91.71", name="Kota Jayapura", province=province, timezone="Asia/Jayapura"
    )


@pytest.fixture
def banyuwangi(db):
    province = ProvinceFactory(code="35", name="Jawa Timur", timezone="Asia/Jakarta")
    return RegionFactory(
        code="35.10", name="Kabupaten Banyuwangi", province=province, timezone="Asia/Jakarta"
    )


def local(zone: zoneinfo.ZoneInfo, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2019, 10, day, hour, minute, tzinfo=zone)


def event_data(**overrides: Any) -> dict[str, Any]:
    """A complete new event in Kupang, times typed in WITA."""
    data = {
        "slug": "sbp-citynet-2020",
        "name": "Sharing Best Practices CityNet Indonesia 2020",
        "theme": "Kota Cerdas untuk Semua",
        "description": "Seminar tahunan jaringan.",
        "host_region": "53.71",
        "venue": "Aula Rumah Jabatan",
        "city": "Kupang",
        "starts_at": local(WITA, 16, 8),
        "ends_at": local(WITA, 18, 17),
        "registration_opens_at": local(WITA, 1, 8),
        "registration_closes_at": local(WITA, 15, 17),
        "capacity": 500,
        "requires_approval": True,
        "status": "open",
    }
    data.update(overrides)
    return data


def event_row(event: Event) -> dict[str, Any]:
    event.refresh_from_db()
    return {
        "slug": event.slug,
        "name": event.name,
        "theme": event.theme,
        "description": event.description,
        "host_region": event.host_region.code,
        "venue": event.venue,
        "city": event.city,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "registration_opens_at": event.registration_opens_at,
        "registration_closes_at": event.registration_closes_at,
        "capacity": event.capacity,
        "requires_approval": event.requires_approval,
        "status": event.status,
        "is_demo": event.is_demo,
    }


def errors_of(call, **kwargs: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        call(**kwargs)
    return raised.value.message_dict


def audit_rows(object_type: str) -> list[tuple]:
    return list(
        AuditEvent.objects.filter(object_type=object_type)
        .order_by("pk")
        .values_list("action", "actor__username", "region_code", "object_repr")
    )


# --- creating an event -----------------------------------------------------------------------


def test_create_event_stores_wita_times_in_utc_and_audits(secretariat, kupang):
    event = services.create_event(actor=secretariat, data=event_data())
    assert event_row(event) == {
        "slug": "sbp-citynet-2020",
        "name": "Sharing Best Practices CityNet Indonesia 2020",
        "theme": "Kota Cerdas untuk Semua",
        "description": "Seminar tahunan jaringan.",
        "host_region": "53.71",
        "venue": "Aula Rumah Jabatan",
        "city": "Kupang",
        # 08:00 WITA (UTC+8) is midnight UTC; 17:00 WITA is 09:00 UTC.
        "starts_at": dt.datetime(2019, 10, 16, 0, 0, tzinfo=UTC),
        "ends_at": dt.datetime(2019, 10, 18, 9, 0, tzinfo=UTC),
        "registration_opens_at": dt.datetime(2019, 10, 1, 0, 0, tzinfo=UTC),
        "registration_closes_at": dt.datetime(2019, 10, 15, 9, 0, tzinfo=UTC),
        "capacity": 500,
        "requires_approval": True,
        "status": "open",
        "is_demo": False,
    }
    assert audit_rows("events.event") == [
        ("create", "secretariat", "53.71", "Sharing Best Practices CityNet Indonesia 2020")
    ]
    changes = AuditEvent.objects.get(object_type="events.event").changes
    assert changes["starts_at"] == [None, "2019-10-16T00:00:00+00:00"]
    assert changes["host_region_id"] == [None, kupang.pk]


@pytest.mark.parametrize(
    ("region", "zone", "utc_hour", "utc_day"),
    [("jayapura", WIT, 23, 15), ("banyuwangi", WIB, 1, 16)],
)
def test_create_event_in_another_zone_stores_utc(
    request, db, secretariat, region, zone, utc_hour, utc_day
):
    host = request.getfixturevalue(region)
    data = event_data(
        host_region=host.code,
        starts_at=local(zone, 16, 8),
        ends_at=local(zone, 18, 17),
        registration_opens_at=None,
        registration_closes_at=None,
    )
    event = services.create_event(actor=secretariat, data=data)
    event.refresh_from_db()
    assert (event.host_region, event.starts_at) == (
        host,
        dt.datetime(2019, 10, utc_day, utc_hour, 0, tzinfo=UTC),
    )
    assert event.starts_at.astimezone(event.zone).hour == 8
    assert AuditEvent.objects.get(object_type="events.event").region_code == host.code


def test_create_event_defaults(secretariat, kupang):
    event = services.create_event(
        actor=secretariat,
        data={
            "slug": "Lokakarya-2020",
            "name": "  Lokakarya  ",
            "host_region": "5371",
            "starts_at": local(WITA, 16, 8),
            "ends_at": local(WITA, 16, 12),
            "capacity": "40",
        },
    )
    row = event_row(event)
    assert row == {
        "slug": "lokakarya-2020",
        "name": "Lokakarya",
        "theme": "",
        "description": "",
        "host_region": "53.71",
        "venue": "",
        "city": "",
        "starts_at": dt.datetime(2019, 10, 16, 0, 0, tzinfo=UTC),
        "ends_at": dt.datetime(2019, 10, 16, 4, 0, tzinfo=UTC),
        "registration_opens_at": None,
        "registration_closes_at": None,
        "capacity": 40,
        "requires_approval": False,
        "status": "draft",
        "is_demo": False,
    }


REQUIRED = "This field is required."


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param({"slug": ""}, {"slug": [REQUIRED]}, id="slug-missing"),
        pytest.param(
            {"slug": "two words"},
            {
                "slug": [
                    "A short name is made of lowercase letters, digits and single hyphens or "
                    "underscores between them, such as sbp-citynet-2019."
                ]
            },
            id="slug-not-a-slug",
        ),
        pytest.param(
            {"slug": "-seminar"},
            {
                "slug": [
                    "A short name is made of lowercase letters, digits and single hyphens or "
                    "underscores between them, such as sbp-citynet-2019."
                ]
            },
            id="slug-leading-hyphen",
        ),
        pytest.param({"slug": "x" * 81}, {"slug": ["At most 80 characters."]}, id="slug-too-long"),
        pytest.param(
            {"slug": "new"},
            {"slug": ["“new” is the address of a page of the site; choose another short name."]},
            id="slug-reserved-new",
        ),
        pytest.param(
            {"slug": "Verify"},
            {"slug": ["“verify” is the address of a page of the site; choose another short name."]},
            id="slug-reserved-verify",
        ),
        pytest.param({"name": "  "}, {"name": [REQUIRED]}, id="name-missing"),
        pytest.param({"name": "x" * 201}, {"name": ["At most 200 characters."]}, id="name-long"),
        pytest.param({"name": "a\0b"}, {"name": ["The text contains a NUL character."]}, id="nul"),
        pytest.param({"theme": "x" * 301}, {"theme": ["At most 300 characters."]}, id="theme"),
        pytest.param({"venue": "x" * 201}, {"venue": ["At most 200 characters."]}, id="venue"),
        pytest.param({"city": "x" * 121}, {"city": ["At most 120 characters."]}, id="city"),
        pytest.param({"host_region": ""}, {"host_region": [REQUIRED]}, id="region-missing"),
        pytest.param(
            {"host_region": "99.99"},
            {"host_region": ["Unknown region code “99.99”."]},
            id="region-unknown",
        ),
        pytest.param(
            {"host_region": "53"},
            {"host_region": ["“53” is not a kabupaten/kota code; it should look like 53.71."]},
            id="region-a-province",
        ),
        pytest.param({"starts_at": None}, {"starts_at": [REQUIRED]}, id="starts-missing"),
        pytest.param(
            {"starts_at": dt.datetime(2019, 10, 16, 8, 0)},
            {"starts_at": ["Enter a date and time with its time zone."]},
            id="starts-naive",
        ),
        pytest.param(
            {"ends_at": local(WITA, 16, 8)},
            {"ends_at": ["An event ends after it starts."]},
            id="ends-at-start",
        ),
        pytest.param(
            {"registration_opens_at": local(WITA, 15, 17)},
            {"registration_opens_at": ["Registration opens before it closes."]},
            id="opens-after-closes",
        ),
        pytest.param(
            {"registration_closes_at": local(WITA, 18, 17, 1)},
            {"registration_closes_at": ["Registration closes no later than the event ends."]},
            id="closes-after-end",
        ),
        pytest.param(
            {"registration_closes_at": None, "registration_opens_at": local(WITA, 18, 17)},
            {"registration_opens_at": ["Registration opens before the event ends."]},
            id="opens-after-end",
        ),
        pytest.param({"capacity": None}, {"capacity": [REQUIRED]}, id="capacity-missing"),
        pytest.param({"capacity": 0}, {"capacity": ["The capacity is at least 1."]}, id="cap-0"),
        pytest.param(
            {"capacity": "-5"}, {"capacity": ["The capacity is at least 1."]}, id="cap-negative"
        ),
        pytest.param({"capacity": "lima"}, {"capacity": ["Enter a whole number."]}, id="cap-text"),
        pytest.param({"capacity": 2.5}, {"capacity": ["Enter a whole number."]}, id="cap-float"),
        pytest.param(
            {"capacity": "9" * 20},
            {"capacity": ["The capacity is at most 2147483647."]},
            id="cap-beyond-the-column",
        ),
        pytest.param(
            {"starts_at": dt.datetime(1, 1, 1, 0, 0, tzinfo=WITA)},
            {"starts_at": ["Enter a date from 1900 to 2200."]},
            id="starts-in-year-1",
        ),
        pytest.param(
            {"status": "cancelled"}, {"status": ["Choose one of the statuses."]}, id="status-bad"
        ),
        pytest.param(
            {"status": "held"},
            {"status": ["A new event is a draft or open for registration."]},
            id="status-new-held",
        ),
        pytest.param(
            {"status": "closed"},
            {"status": ["A new event is a draft or open for registration."]},
            id="status-new-closed",
        ),
    ],
)
def test_create_event_validation_messages(secretariat, kupang, overrides, expected):
    before = (Event.objects.count(), AuditEvent.objects.count())
    assert errors_of(services.create_event, actor=secretariat, data=event_data(**overrides)) == (
        expected
    )
    assert (Event.objects.count(), AuditEvent.objects.count()) == before


def test_create_event_reports_every_problem_at_once(secretariat, kupang):
    data = {"slug": "new", "starts_at": local(WITA, 16, 8), "ends_at": local(WITA, 16, 7)}
    assert errors_of(services.create_event, actor=secretariat, data=data) == {
        "slug": ["“new” is the address of a page of the site; choose another short name."],
        "name": [REQUIRED],
        "host_region": [REQUIRED],
        "ends_at": ["An event ends after it starts."],
        "capacity": [REQUIRED],
    }


def test_create_event_refuses_a_short_name_in_use(secretariat, event):
    errors = errors_of(
        services.create_event, actor=secretariat, data=event_data(slug="sbp-citynet-2019")
    )
    assert errors == {"slug": ["Another event already has the short name “sbp-citynet-2019”."]}


def test_create_event_refuses_a_retired_region(secretariat, kupang):
    kupang.retired_at = dt.datetime(2025, 1, 1, tzinfo=UTC)
    kupang.save()
    errors = errors_of(services.create_event, actor=secretariat, data=event_data())
    assert errors == {"host_region": ["Unknown region code “53.71”."]}


# --- updating an event -----------------------------------------------------------------------


def test_update_event_changes_only_what_is_given_and_audits_the_difference(
    secretariat, event, jayapura
):
    updated = services.update_event(
        actor=secretariat,
        event=event,
        data={"name": "SBP CityNet 2019", "host_region": "91.71", "venue": ""},
    )
    row = event_row(updated)
    assert (row["name"], row["host_region"], row["venue"], row["starts_at"], row["capacity"]) == (
        "SBP CityNet 2019",
        "91.71",
        "",
        STARTS,
        10,
    )
    audit = AuditEvent.objects.get(object_type="events.event")
    assert (audit.action, audit.actor, audit.region_code, audit.changes) == (
        "update",
        secretariat,
        "91.71",
        {
            "name": ["Sharing Best Practices CityNet Indonesia 2019", "SBP CityNet 2019"],
            "host_region_id": [event.host_region_id, jayapura.pk],
            "venue": ["Aula Rumah Jabatan", ""],
        },
    )


def test_update_event_without_a_change_leaves_no_audit_row(secretariat, event):
    services.update_event(actor=secretariat, event=event, data={"name": event.name})
    assert AuditEvent.objects.filter(object_type="events.event").count() == 0


def test_update_event_may_keep_its_own_short_name_and_take_a_free_one(secretariat, event):
    services.update_event(actor=secretariat, event=event, data={"slug": "sbp-citynet-2019"})
    updated = services.update_event(actor=secretariat, event=event, data={"slug": "sbp-2019"})
    assert updated.slug == "sbp-2019"
    assert Event.objects.get().slug == "sbp-2019"


def test_update_event_refuses_another_events_short_name(secretariat, event, kupang):
    services.create_event(actor=secretariat, data=event_data())
    errors = errors_of(
        services.update_event, actor=secretariat, event=event, data={"slug": "sbp-citynet-2020"}
    )
    assert errors == {"slug": ["Another event already has the short name “sbp-citynet-2020”."]}


def test_update_event_refuses_dates_that_leave_sessions_outside(secretariat, event):
    # The keynote is at 09:00 WITA on the 16th, the panel on the 17th.
    errors = errors_of(
        services.update_event,
        actor=secretariat,
        event=event,
        data={"starts_at": local(WITA, 16, 10)},
    )
    assert errors == {
        "starts_at": ["1 session of the agenda falls outside these dates; move or delete it first."]
    }
    errors = errors_of(
        services.update_event,
        actor=secretariat,
        event=event,
        data={"starts_at": local(WITA, 17, 12), "ends_at": local(WITA, 17, 13)},
    )
    assert errors == {
        "starts_at": [
            "2 sessions of the agenda fall outside these dates; move or delete them first."
        ]
    }
    errors = errors_of(
        services.update_event, actor=secretariat, event=event, data={"ends_at": local(WITA, 17, 9)}
    )
    assert errors == {
        "ends_at": ["1 session of the agenda falls outside these dates; move or delete it first."]
    }
    assert event_row(event)["starts_at"] == STARTS


STATUSES = ["draft", "open", "closed", "held"]
ALLOWED = {
    ("draft", "draft"),
    ("draft", "open"),
    ("open", "open"),
    ("open", "closed"),
    ("open", "held"),
    ("closed", "closed"),
    ("closed", "open"),
    ("closed", "held"),
    ("held", "held"),
}
LABELS = {"draft": "draft", "open": "open", "closed": "closed", "held": "held"}


@pytest.mark.parametrize(
    ("before", "after"), [(b, a) for b in STATUSES for a in STATUSES], ids=lambda s: s
)
def test_status_transitions_truth_table(secretariat, event, before, after):
    Event.objects.filter(pk=event.pk).update(status=before)
    event.refresh_from_db()
    assert status_allowed(before, after) == ((before, after) in ALLOWED)
    if (before, after) in ALLOWED:
        updated = services.update_event(actor=secretariat, event=event, data={"status": after})
        assert (updated.status, Event.objects.get().status) == (after, after)
    else:
        errors = errors_of(
            services.update_event, actor=secretariat, event=event, data={"status": after}
        )
        assert errors == {
            "status": [
                f"The status of an event cannot change from “{LABELS[before]}” to "
                f"“{LABELS[after]}”."
            ]
        }
        assert Event.objects.get().status == before


def test_next_statuses_offer_the_allowed_moves():
    assert {s: next_statuses(s) for s in [None, *STATUSES]} == {
        None: ["draft", "open"],
        "draft": ["draft", "open"],
        "open": ["open", "closed", "held"],
        "closed": ["open", "closed", "held"],
        "held": ["held"],
    }


def test_capacity_cannot_drop_below_the_confirmed_participants(
    secretariat, event, kupang_delegation
):
    for name in ("Ani", "Budi", "Citra"):
        register(kupang_delegation, name)
    cancelled = register(kupang_delegation, "Dewi")
    services.cancel_registration(actor=None, registration=cancelled)
    errors = errors_of(services.update_event, actor=secretariat, event=event, data={"capacity": 2})
    assert errors == {
        "capacity": ["3 participants are confirmed: the capacity cannot be lower than 3."]
    }
    assert Event.objects.get().capacity == 10
    # Exactly the confirmed participants is fine.
    assert services.update_event(actor=secretariat, event=event, data={"capacity": 3}).capacity == 3


def test_raising_the_capacity_promotes_the_waiting_list_in_order(
    secretariat, event, kupang_delegation, sumba_delegation
):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    event.refresh_from_db()
    first = register(kupang_delegation, "Ani")
    waiting = [register(kupang_delegation, "Budi"), register(sumba_delegation, "Citra")]
    last = register(kupang_delegation, "Dewi")
    assert [r.status for r in (first, *waiting, last)] == [
        "confirmed",
        "waitlisted",
        "waitlisted",
        "waitlisted",
    ]
    services.update_event(actor=secretariat, event=event, data={"capacity": 3})
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {
        "Ani": "confirmed",
        "Budi": "confirmed",
        "Citra": "confirmed",
        "Dewi": "waitlisted",
    }
    assert list(
        AuditEvent.objects.filter(object_type="events.registration", action="update")
        .order_by("pk")
        .values_list("object_repr", "actor__username", "region_code", "changes")
    ) == [
        ("Budi", "secretariat", "53.71", {"status": ["waitlisted", "confirmed"]}),
        ("Citra", "secretariat", "53.11", {"status": ["waitlisted", "confirmed"]}),
    ]


def test_lowering_the_capacity_promotes_nobody(secretariat, event, kupang_delegation):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    event.refresh_from_db()
    register(kupang_delegation, "Ani")
    register(kupang_delegation, "Budi")
    services.update_event(actor=secretariat, event=event, data={"name": "Renamed"})
    assert dict(Registration.objects.values_list("name", "status")) == {
        "Ani": "confirmed",
        "Budi": "waitlisted",
    }


# --- sessions --------------------------------------------------------------------------------


@pytest.fixture
def published(officer, kupang, secretariat):
    return publish(make_practice(officer, kupang, title="Pajak Restoran Daring"), secretariat)


@pytest.fixture
def draft(officer, kupang):
    return make_practice(officer, kupang, title="Sampah Jadi Rupiah")


def session_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Panel: Digitalisasi PAD",
        "kind": "panel",
        "room": "Ruang Flobamora",
        "starts_at": local(WITA, 16, 13),
        "ends_at": local(WITA, 16, 15, 30),
        "description": "Pengalaman daerah.",
        "speakers": [
            {"name": "Bupati Banyuwangi", "role": "panelist", "affiliation": "Pemkab"},
            {"name": "Moderator", "role": "moderator", "affiliation": ""},
        ],
        "practices": [],
    }
    data.update(overrides)
    return data


def session_row(session: Session) -> dict[str, Any]:
    session.refresh_from_db()
    return {
        "event": session.event.slug,
        "title": session.title,
        "kind": session.kind,
        "room": session.room,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "description": session.description,
        "speakers": list(
            session.speakers.order_by("position").values_list(
                "position", "name", "role", "affiliation", "region__code"
            )
        ),
        "practices": list(session.practices.values_list("slug", flat=True)),
    }


def test_save_session_creates_it_in_utc_with_speakers_in_order_and_practices(
    secretariat, event, published, jayapura
):
    data = session_data(
        practices=[published.slug],
        speakers=[
            {"name": "Bupati Banyuwangi", "role": "panelist", "affiliation": "Pemkab"},
            {"name": "Wali Kota Jayapura", "role": "panelist", "region": "9171"},
            {"name": "Moderator", "role": "moderator"},
        ],
    )
    session = services.save_session(actor=secretariat, event=event, data=data)
    assert session_row(session) == {
        "event": "sbp-citynet-2019",
        "title": "Panel: Digitalisasi PAD",
        "kind": "panel",
        "room": "Ruang Flobamora",
        # 13:00–15:30 WITA
        "starts_at": dt.datetime(2019, 10, 16, 5, 0, tzinfo=UTC),
        "ends_at": dt.datetime(2019, 10, 16, 7, 30, tzinfo=UTC),
        "description": "Pengalaman daerah.",
        "speakers": [
            (0, "Bupati Banyuwangi", "panelist", "Pemkab", None),
            (1, "Wali Kota Jayapura", "panelist", "", "91.71"),
            (2, "Moderator", "moderator", "", None),
        ],
        "practices": [published.slug],
    }
    # Linked both ways.
    assert list(published.sessions.all()) == [session]
    audit = AuditEvent.objects.get(object_type="events.session")
    assert (audit.action, audit.actor, audit.region_code, audit.object_repr) == (
        "create",
        secretariat,
        "53.71",
        "Panel: Digitalisasi PAD",
    )
    assert audit.changes["speakers"] == [
        None,
        ["Bupati Banyuwangi (panelist)", "Wali Kota Jayapura (panelist)", "Moderator (moderator)"],
    ]
    assert audit.changes["practices"] == [None, [published.slug]]


def test_save_session_in_a_wit_event_stores_utc(secretariat, jayapura):
    event = services.create_event(
        actor=secretariat,
        data=event_data(
            host_region="91.71",
            starts_at=local(WIT, 16, 8),
            ends_at=local(WIT, 16, 17),
            registration_opens_at=None,
            registration_closes_at=None,
        ),
    )
    session = services.save_session(
        actor=secretariat,
        event=event,
        data=session_data(starts_at=local(WIT, 16, 8), ends_at=local(WIT, 16, 9)),
    )
    assert (session_row(session)["starts_at"], session_row(session)["ends_at"]) == (
        dt.datetime(2019, 10, 15, 23, 0, tzinfo=UTC),
        dt.datetime(2019, 10, 16, 0, 0, tzinfo=UTC),
    )
    assert AuditEvent.objects.get(object_type="events.session").region_code == "91.71"


def test_save_session_replaces_speakers_whole_and_keeps_what_is_not_given(
    secretariat, event, published
):
    session = services.save_session(actor=secretariat, event=event, data=session_data())
    services.save_session(
        actor=secretariat,
        event=event,
        session=session,
        data={
            "room": "Aula",
            "speakers": [{"name": "Moderator Baru", "role": "moderator"}],
            "practices": [published.pk],
        },
    )
    row = session_row(session)
    assert (row["title"], row["room"], row["speakers"], row["practices"]) == (
        "Panel: Digitalisasi PAD",
        "Aula",
        [(0, "Moderator Baru", "moderator", "", None)],
        [published.slug],
    )
    assert Speaker.objects.filter(session=session).count() == 1
    update = AuditEvent.objects.filter(object_type="events.session", action="update").get()
    assert update.changes == {
        "room": ["Ruang Flobamora", "Aula"],
        "speakers": [
            ["Bupati Banyuwangi (panelist)", "Moderator (moderator)"],
            ["Moderator Baru (moderator)"],
        ],
        "practices": [[], [published.slug]],
    }
    # Without speakers or practices in the data they stay; an empty list removes them.
    services.save_session(actor=secretariat, event=event, session=session, data={"title": "T"})
    assert session_row(session)["speakers"] == [(0, "Moderator Baru", "moderator", "", None)]
    services.save_session(
        actor=secretariat, event=event, session=session, data={"speakers": [], "practices": []}
    )
    assert (session_row(session)["speakers"], list(published.sessions.all())) == ([], [])


def test_practice_links_only_published_practices(secretariat, event, published, draft):
    errors = errors_of(
        services.save_session,
        actor=secretariat,
        event=event,
        data=session_data(practices=[published.slug, draft.slug, "tidak-ada", 999999]),
    )
    assert errors == {
        "practices": [
            f"“{draft.slug}” is not published: only published practices can be linked.",
            "There is no practice “tidak-ada”.",
            "There is no practice “999999”.",
        ]
    }
    assert (Session.objects.filter(event=event).count(), list(published.sessions.all())) == (2, [])
    # Once published it can be linked, by id or short name, once however often named.
    publish(draft, secretariat)
    session = services.save_session(
        actor=secretariat,
        event=event,
        data=session_data(practices=[draft.pk, draft.slug, published.slug]),
    )
    assert sorted(session.practices.values_list("slug", flat=True)) == sorted(
        [draft.slug, published.slug]
    )
    assert list(draft.sessions.all()) == [session]
    assert list(published.sessions.all()) == [session]


WINDOW_STARTS = "A session takes place during the event, which starts Oct. 16, 2019, 8 a.m. WITA."
WINDOW_ENDS = "A session takes place during the event, which ends Oct. 18, 2019, 5 p.m. WITA."


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param({"title": ""}, {"title": [REQUIRED]}, id="title-missing"),
        pytest.param({"title": "x" * 201}, {"title": ["At most 200 characters."]}, id="title"),
        pytest.param({"kind": ""}, {"kind": ["Choose one of the session types."]}, id="kind"),
        pytest.param(
            {"kind": "dinner"}, {"kind": ["Choose one of the session types."]}, id="kind-bad"
        ),
        pytest.param({"room": "x" * 121}, {"room": ["At most 120 characters."]}, id="room"),
        pytest.param({"starts_at": None}, {"starts_at": [REQUIRED]}, id="starts-missing"),
        pytest.param({"ends_at": ""}, {"ends_at": [REQUIRED]}, id="ends-missing"),
        pytest.param(
            {"ends_at": local(WITA, 16, 13)},
            {"ends_at": ["A session ends after it starts."]},
            id="ends-at-start",
        ),
        pytest.param(
            {"starts_at": local(WITA, 16, 7, 59)},
            {"starts_at": [WINDOW_STARTS]},
            id="before-the-event",
        ),
        pytest.param(
            {"starts_at": local(WITA, 18, 16), "ends_at": local(WITA, 18, 17, 30)},
            {"ends_at": [WINDOW_ENDS]},
            id="after-the-event",
        ),
        pytest.param(
            {"starts_at": local(WITA, 15, 9), "ends_at": local(WITA, 15, 8)},
            {"ends_at": ["A session ends after it starts."], "starts_at": [WINDOW_STARTS]},
            id="both",
        ),
        pytest.param(
            {"speakers": [{"name": "", "role": "host"}, {"name": "Ok", "role": "panelist"}]},
            {
                "speakers": [
                    "Speaker 1: This field is required.",
                    "Speaker 1: Choose one of the speaker roles.",
                ]
            },
            id="speaker-row",
        ),
        pytest.param(
            {
                "speakers": [
                    {"name": "A", "role": "panelist", "affiliation": "x" * 201},
                    {"name": "B", "role": "panelist", "region": "99.99"},
                ]
            },
            {
                "speakers": [
                    "Speaker 1: At most 200 characters.",
                    "Speaker 2: Unknown region code “99.99”.",
                ]
            },
            id="speaker-affiliation-region",
        ),
        pytest.param(
            {"speakers": "Bupati"}, {"speakers": ["Give the speakers as a list."]}, id="speakers"
        ),
        pytest.param(
            {"practices": "pajak"}, {"practices": ["Give the practices as a list."]}, id="prac"
        ),
    ],
)
def test_save_session_validation_messages(secretariat, event, overrides, expected):
    before = (Session.objects.count(), Speaker.objects.count(), AuditEvent.objects.count())
    errors = errors_of(
        services.save_session, actor=secretariat, event=event, data=session_data(**overrides)
    )
    assert errors == expected
    assert (Session.objects.count(), Speaker.objects.count(), AuditEvent.objects.count()) == before


def test_save_session_refuses_a_session_of_another_event(secretariat, event, kupang):
    other = services.create_event(actor=secretariat, data=event_data())
    with pytest.raises(ValueError):
        services.save_session(
            actor=secretariat, event=other, session=event.sessions.first(), data={}
        )


def test_delete_session_removes_it_with_speakers_and_links_and_audits(
    secretariat, event, published
):
    session = services.save_session(
        actor=secretariat, event=event, data=session_data(practices=[published.slug])
    )
    pk = session.pk
    services.delete_session(actor=secretariat, session=session)
    assert not Session.objects.filter(pk=pk).exists()
    assert (Speaker.objects.filter(session_id=pk).count(), published.sessions.count()) == (0, 0)
    audit = AuditEvent.objects.get(object_type="events.session", action="delete")
    assert (audit.actor, audit.region_code, audit.object_id, audit.object_repr) == (
        secretariat,
        "53.71",
        str(pk),
        "Panel: Digitalisasi PAD",
    )
    assert audit.changes["speakers"] == [
        ["Bupati Banyuwangi (panelist)", "Moderator (moderator)"],
        None,
    ]
    assert audit.changes["practices"] == [[published.slug], None]


def test_delete_session_keeps_a_session_with_check_ins(secretariat, event, kupang_delegation):
    session = event.sessions.order_by("starts_at").first()
    arrive(register(kupang_delegation, "Ani"), session=session)
    arrive(register(kupang_delegation, "Budi"), session=session)
    with pytest.raises(ValidationError) as raised:
        services.delete_session(actor=secretariat, session=session)
    assert raised.value.messages == [
        "2 participants checked in to this session; it cannot be deleted."
    ]
    assert Session.objects.filter(pk=session.pk).exists()


# --- who may write ---------------------------------------------------------------------------


def _create(actors, name, event):
    return services.create_event(actor=actors[name], data=event_data())


def _update(actors, name, event):
    return services.update_event(actor=actors[name], event=event, data={"name": "Baru"})


def _add_session(actors, name, event):
    return services.save_session(actor=actors[name], event=event, data=session_data())


def _edit_session(actors, name, event):
    session = event.sessions.first()
    return services.save_session(
        actor=actors[name], event=event, session=session, data={"title": "Baru"}
    )


def _delete_session(actors, name, event):
    return services.delete_session(actor=actors[name], session=event.sessions.first())


SERVICES = {
    "create_event": _create,
    "update_event": _update,
    "save_session-new": _add_session,
    "save_session-edit": _edit_session,
    "delete_session": _delete_session,
}


def _state() -> tuple:
    return (
        list(Event.objects.order_by("pk").values_list("slug", "name")),
        list(Session.objects.order_by("pk").values_list("pk", "title")),
        Speaker.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize(
    ("service", "role", "allowed"),
    [
        pytest.param(service, role, allowed, id=f"{service}-{role}")
        for service in SERVICES
        for role, allowed in zip(ROLES, MAY, strict=True)
    ],
)
def test_who_may_write_events_and_agendas(actors, event, service, role, allowed):
    before = _state()
    if allowed:
        SERVICES[service](actors, role, event)
        assert _state() != before
        audit = AuditEvent.objects.order_by("pk").last()
        assert (audit.actor, audit.region_code) == (actors[role], "53.71")
    else:
        with pytest.raises(PermissionDenied):
            SERVICES[service](actors, role, event)
        assert _state() == before


def test_the_system_may_write_without_a_user(event, kupang):
    created = services.create_event(actor=None, data=event_data())
    audit = AuditEvent.objects.get(object_type="events.event")
    assert (created.slug, audit.actor, audit.actor_label, audit.region_code) == (
        "sbp-citynet-2020",
        None,
        "",
        "53.71",
    )


def test_event_fixture_window_is_what_the_messages_name():
    assert (STARTS.astimezone(WITA).hour, ENDS.astimezone(WITA).hour) == (8, 17)
