"""The secretariat's organising pages: a new event with its times typed in the host's zone,
the event's settings and agenda editor, sessions with speakers and practices, deleting a
session, and who may see and use these pages."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.test import Client

from kotacerdas.core.models import AuditEvent
from kotacerdas.events import services
from kotacerdas.events.models import Event, Registration, Session, Speaker

from ..factories import ProvinceFactory, RegionFactory
from ..practices.fixtures import make_practice, publish
from .fixtures import STARTS, arrive, event, kupang_delegation, register

pytestmark = pytest.mark.integration

UTC = dt.UTC
ROLES = ("anonymous", "officer", "other_officer", "secretariat", "admin_user")
LOGIN = "login"
SEES = (LOGIN, 403, 403, 200, 200)
WRITES = (LOGIN, 403, 403, 302, 302)
REQUIRED = "This field is required."


@pytest.fixture
def client():
    """English pages, so assertions do not depend on the Indonesian catalogue."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def organiser(client, secretariat):
    client.force_login(secretariat)
    return client


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


@pytest.fixture
def published(officer, kupang, secretariat):
    return publish(make_practice(officer, kupang, title="Pajak Restoran Daring"), secretariat)


@pytest.fixture
def draft(officer, kupang):
    return make_practice(officer, kupang, title="Sampah Jadi Rupiah")


# --- reading pages ---------------------------------------------------------------------------


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def marked(body: str, testid: str, end: str) -> str:
    """The text of the first element marked ``data-testid=testid``, up to ``end``."""
    block = body.split(f'data-testid="{testid}"', 1)[1].split(">", 1)[1]
    return text_of(block.split(end, 1)[0])


def all_marked(body: str, testid: str, end: str) -> list[str]:
    return [
        text_of(part.split(">", 1)[1].split(end, 1)[0])
        for part in body.split(f'data-testid="{testid}"')[1:]
    ]


def errors_at(body: str, key: str) -> list[str]:
    """The error messages shown at a field (``id_slug``)."""
    found = re.findall(r'<ul class="errorlist[^"]*" id="(id_[^"]+)_error">(.*?)</ul>', body, re.S)
    return [
        text_of(item)
        for field_id, errors in found
        if field_id == key
        for item in re.findall(r"<li>(.*?)</li>", errors, re.S)
    ]


def input_value(body: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', body)
    if match is None:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else ""


def input_values(body: str, name: str) -> list[str]:
    return [
        html.unescape((re.search(r'value="([^"]*)"', tag) or [None, ""])[1])
        for tag in re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', body)
    ]


def options(body: str, name: str) -> list[tuple[str, bool]]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S).group(1)
    return [
        (value, "selected" in attrs)
        for value, attrs in re.findall(r'<option value="([^"]*)"([^>]*)>', select)
    ]


def messages_of(body: str) -> list[str]:
    return [
        text_of(item)
        for item in re.findall(r'<li class="message[^"]*"[^>]*>(.*?)</li>', body, re.S)
    ]


# --- what the forms post ---------------------------------------------------------------------


def event_post(**overrides: Any) -> dict[str, str]:
    """The event form's fields for a seminar in Kupang, times typed in WITA."""
    data = {
        "host_region": "53.71",
        "slug": "sbp-citynet-2020",
        "name": "Sharing Best Practices CityNet Indonesia 2020",
        "theme": "Kota Cerdas untuk Semua",
        "description": "Seminar tahunan.",
        "venue": "Aula Rumah Jabatan",
        "city": "Kupang",
        "starts_at_0": "2019-10-16",
        "starts_at_1": "08:00",
        "ends_at_0": "2019-10-18",
        "ends_at_1": "17:00",
        "registration_opens_at_0": "2019-10-01",
        "registration_opens_at_1": "08:00",
        "registration_closes_at_0": "2019-10-15",
        "registration_closes_at_1": "17:00",
        "capacity": "500",
        "requires_approval": "on",
        "status": "open",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_post(event: Event, **overrides: Any) -> dict[str, str]:
    """The edit form as shown for the ``event`` fixture, with ``overrides``."""
    shown = {
        "host_region": event.host_region.code,
        "slug": event.slug,
        "name": event.name,
        "theme": event.theme,
        "description": event.description,
        "venue": event.venue,
        "city": event.city,
        "registration_opens_at_0": "",
        "registration_opens_at_1": "",
        "registration_closes_at_0": "",
        "registration_closes_at_1": "",
        "capacity": str(event.capacity),
        "requires_approval": None,
        "status": event.status,
    }
    return event_post(**(shown | overrides))


def session_post(speakers: list[dict[str, str]] | None = None, **overrides: Any) -> dict:
    speakers = (
        speakers
        if speakers is not None
        else [
            {"name": "Bupati Banyuwangi", "role": "panelist", "affiliation": "Pemkab"},
            {"name": "Moderator", "role": "moderator"},
        ]
    )
    data: dict[str, Any] = {
        "title": "Panel: Digitalisasi PAD",
        "kind": "panel",
        "room": "Ruang Flobamora",
        "starts_at_0": "2019-10-16",
        "starts_at_1": "13:00",
        "ends_at_0": "2019-10-16",
        "ends_at_1": "15:30",
        "description": "Pengalaman daerah.",
        "practices": ["", "", ""],
        "speakers-TOTAL_FORMS": str(len(speakers)),
        "speakers-INITIAL_FORMS": "0",
        "speakers-MIN_NUM_FORMS": "0",
        "speakers-MAX_NUM_FORMS": "1000",
    }
    for index, speaker in enumerate(speakers):
        for key in ("name", "role", "affiliation", "region", "DELETE"):
            if key in speaker:
                data[f"speakers-{index}-{key}"] = speaker[key]
    data.update(overrides)
    return data


def session_rows() -> list[tuple]:
    return [
        (
            s.title,
            s.kind,
            s.room,
            s.starts_at,
            s.ends_at,
            s.description,
            list(s.speakers.order_by("position").values_list("position", "name", "role")),
            sorted(s.practices.values_list("slug", flat=True)),
        )
        for s in Session.objects.order_by("starts_at", "pk")
    ]


def snapshot() -> tuple:
    """Everything a write here could change."""
    return (
        list(
            Event.objects.order_by("pk").values_list(
                "slug", "name", "starts_at", "capacity", "status"
            )
        ),
        session_rows(),
        list(Registration.objects.order_by("pk").values_list("name", "status")),
        AuditEvent.objects.count(),
    )


# --- creating an event -----------------------------------------------------------------------


def test_new_event_starts_with_the_host_region(organiser, kupang, sumba):
    body = organiser.get("/events/new/").content.decode()
    assert 'data-testid="host-form"' in body
    assert 'data-testid="event-form"' not in body
    # The codes are offered with the regions' names as one types.
    assert '<option value="53.11">Kabupaten Sumba Timur</option>' in body
    assert '<option value="53.71">Kota Kupang</option>' in body


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the host region's code."),
        ("99.99", "Unknown region code “99.99”."),
        (
            "Kupang",
            "“Kupang” is not a Kemendagri code. Use the dotted form such as 53.71 or the "
            "digits 5371.",
        ),
        ("53", "“53” is not a kabupaten/kota code; it should look like 53.71."),
    ],
)
def test_new_event_refuses_an_unknown_host_region(organiser, kupang, typed, message):
    response = organiser.get("/events/new/", {"region": typed})
    body = response.content.decode()
    assert response.status_code == 422
    assert errors_at(body, "id_region") == [message]
    assert 'data-testid="event-form"' not in body


def test_new_event_in_kupang_is_typed_in_wita_and_stored_in_utc(organiser, secretariat, kupang):
    body = organiser.get("/events/new/", {"region": "5371"}).content.decode()
    assert marked(body, "host-region", "</div>") == (
        "Host region: Kota Kupang (53.71) · times in WITA (UTC+8) · choose another region"
    )
    assert all_marked(body, "zone", "</span>") == ["WITA"] * 4
    assert input_value(body, "host_region") == "53.71"
    assert options(body, "status") == [("draft", True), ("open", False)]

    response = organiser.post("/events/new/", event_post())
    event = Event.objects.get()
    assert (response.status_code, response["Location"]) == (302, "/events/sbp-citynet-2020/edit/")
    assert (
        event.slug,
        event.name,
        event.theme,
        event.description,
        event.host_region,
        event.venue,
        event.city,
        event.starts_at,
        event.ends_at,
        event.registration_opens_at,
        event.registration_closes_at,
        event.capacity,
        event.requires_approval,
        event.status,
    ) == (
        "sbp-citynet-2020",
        "Sharing Best Practices CityNet Indonesia 2020",
        "Kota Cerdas untuk Semua",
        "Seminar tahunan.",
        kupang,
        "Aula Rumah Jabatan",
        "Kupang",
        dt.datetime(2019, 10, 16, 0, 0, tzinfo=UTC),  # 08:00 WITA
        dt.datetime(2019, 10, 18, 9, 0, tzinfo=UTC),
        dt.datetime(2019, 10, 1, 0, 0, tzinfo=UTC),
        dt.datetime(2019, 10, 15, 9, 0, tzinfo=UTC),
        500,
        True,
        "open",
    )
    audit = AuditEvent.objects.get(object_type="events.event")
    assert (audit.action, audit.actor, audit.channel, audit.region_code) == (
        "create",
        secretariat,
        "ui",
        "53.71",
    )
    body = organiser.get(response["Location"]).content.decode()
    assert messages_of(body) == ["The event is saved as “open”. Add its agenda below."]


@pytest.mark.parametrize(
    ("region", "abbreviation", "label", "starts"),
    [
        ("jayapura", "WIT", "WIT (UTC+9)", dt.datetime(2019, 10, 15, 23, 0, tzinfo=UTC)),
        ("banyuwangi", "WIB", "WIB (UTC+7)", dt.datetime(2019, 10, 16, 1, 0, tzinfo=UTC)),
    ],
)
def test_new_event_elsewhere_is_typed_in_that_regions_zone(
    request, db, organiser, region, abbreviation, label, starts
):
    host = request.getfixturevalue(region)
    body = organiser.get("/events/new/", {"region": host.code}).content.decode()
    assert f"times in {label}" in marked(body, "host-region", "</div>")
    assert set(all_marked(body, "zone", "</span>")) == {abbreviation}
    response = organiser.post("/events/new/", event_post(host_region=host.code))
    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.host_region, event.starts_at) == (host, starts)
    # Shown back as typed, in the host's zone.
    body = organiser.get(response["Location"]).content.decode()
    assert (input_value(body, "starts_at_0"), input_value(body, "starts_at_1")) == (
        "2019-10-16",
        "08:00",
    )
    assert set(all_marked(body, "zone", "</span>")) == {abbreviation}


def test_new_event_shows_every_problem_and_saves_nothing(organiser, kupang, event):
    data = event_post(
        slug="new",
        name="",
        starts_at_1="",
        ends_at_0="",
        registration_closes_at_0="2019-10-20",
        capacity="0",
        status="held",
    )
    response = organiser.post("/events/new/", data)
    body = response.content.decode()
    assert response.status_code == 422
    assert marked(body, "problems", "</div>") == ("Some fields need correcting. Nothing was saved.")
    # The form's own problems first (a half-typed time); the service's once those are right.
    assert {
        key: errors_at(body, f"id_{key}") for key in ("starts_at", "ends_at", "slug", "name")
    } == {
        "starts_at": ["Enter the time."],
        "ends_at": ["Enter the date."],
        "slug": [],
        "name": [],
    }
    response = organiser.post(
        "/events/new/", event_post(**{**data, "starts_at_1": "08:00", "ends_at_0": "2019-10-18"})
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert {
        key: errors_at(body, f"id_{key}")
        for key in ("slug", "name", "registration_closes_at", "capacity", "status")
    } == {
        "slug": ["“new” is the address of a page of the site; choose another short name."],
        "name": [REQUIRED],
        "registration_closes_at": ["Registration closes no later than the event ends."],
        "capacity": ["The capacity is at least 1."],
        "status": ["A new event is a draft or open for registration."],
    }
    # What was typed is kept.
    assert (input_value(body, "slug"), input_value(body, "registration_closes_at_0")) == (
        "new",
        "2019-10-20",
    )
    assert Event.objects.count() == 1


def test_new_event_with_a_tampered_host_region(organiser, kupang):
    response = organiser.post("/events/new/", event_post(host_region="99.99"))
    body = response.content.decode()
    assert response.status_code == 422
    assert errors_at(body, "id_host_region") == ["Unknown region code “99.99”."]
    assert Event.objects.count() == 0


# --- the event's page ------------------------------------------------------------------------


def test_edit_page_shows_the_event_in_local_time_and_the_agenda_by_day(organiser, event, published):
    keynote = event.sessions.get(kind="keynote")
    keynote.practices.add(published)
    body = organiser.get("/events/sbp-citynet-2019/edit/").content.decode()
    assert {
        name: input_value(body, name)
        for name in (
            "host_region",
            "slug",
            "name",
            "starts_at_0",
            "starts_at_1",
            "ends_at_0",
            "ends_at_1",
            "registration_opens_at_0",
            "capacity",
        )
    } == {
        "host_region": "53.71",
        "slug": "sbp-citynet-2019",
        "name": "Sharing Best Practices CityNet Indonesia 2019",
        "starts_at_0": "2019-10-16",
        "starts_at_1": "08:00",
        "ends_at_0": "2019-10-18",
        "ends_at_1": "17:00",
        "registration_opens_at_0": "",
        "capacity": "10",
    }
    assert all_marked(body, "zone", "</span>") == ["WITA"] * 4
    # An open event may stay open, close, or be marked held.
    assert options(body, "status") == [("open", True), ("closed", False), ("held", False)]
    assert marked(body, "event-status", "</span>") == "Open"
    days = all_marked(body, "agenda-day", "</section>")
    assert [day.split(" Time ")[0] for day in days] == [
        "Wednesday, 16 October 2019",
        "Thursday, 17 October 2019",
    ]
    assert all_marked(body, "session-row", "</tr>") == [
        "09.00–10.00 WITA Strategi Pengembangan Smart City Keynote Aula Utama "
        "Menteri Kominfo (keynote speaker) Pajak Restoran Daring Edit · Delete",
        "09.00–11.00 WITA Inovasi Pendapatan Asli Daerah Panel Ruang Flobamora "
        "Walikota Kupang (panelist) Edit · Delete",
    ]
    assert f'href="/practices/{published.slug}/"' in body


def test_edit_page_in_indonesian_by_default(client, secretariat, event):
    indonesian = Client()
    indonesian.force_login(secretariat)
    body = indonesian.get("/events/sbp-citynet-2019/edit/").content.decode()
    assert all_marked(body, "agenda-day", "</h3>")[0] == "Rabu, 16 Oktober 2019"
    assert all_marked(body, "session-time", "</td>")[0] == "09.00–10.00 WITA"


def test_edit_event_saves_times_typed_in_wita(organiser, secretariat, event):
    data = edit_post(
        event,
        name="SBP CityNet 2019",
        starts_at_1="07:30",
        registration_opens_at_0="2019-10-01",
        registration_opens_at_1="08:00",
        registration_closes_at_0="2019-10-16",
        registration_closes_at_1="12:00",
        status="closed",
    )
    response = organiser.post("/events/sbp-citynet-2019/edit/", data)
    assert (response.status_code, response["Location"]) == (302, "/events/sbp-citynet-2019/edit/")
    event.refresh_from_db()
    assert (
        event.name,
        event.starts_at,
        event.registration_opens_at,
        event.registration_closes_at,
        event.status,
    ) == (
        "SBP CityNet 2019",
        dt.datetime(2019, 10, 15, 23, 30, tzinfo=UTC),
        dt.datetime(2019, 10, 1, 0, 0, tzinfo=UTC),
        dt.datetime(2019, 10, 16, 4, 0, tzinfo=UTC),
        "closed",
    )
    audit = AuditEvent.objects.get(object_type="events.event")
    assert (audit.action, audit.actor, audit.region_code, sorted(audit.changes)) == (
        "update",
        secretariat,
        "53.71",
        ["name", "registration_closes_at", "registration_opens_at", "starts_at", "status"],
    )
    assert messages_of(organiser.get(response["Location"]).content.decode()) == ["Saved."]


def test_edit_event_refusals_are_shown_at_their_fields(organiser, event, kupang_delegation):
    for name in ("Ani", "Budi", "Citra"):
        register(kupang_delegation, name)
    Event.objects.filter(pk=event.pk).update(status="held")
    event.refresh_from_db()
    before = snapshot()
    data = edit_post(
        event,
        status="open",
        capacity="2",
        ends_at_0="2019-10-16",
        ends_at_1="08:00",
        host_region="99.99",
    )
    response = organiser.post("/events/sbp-citynet-2019/edit/", data)
    body = response.content.decode()
    assert response.status_code == 422
    assert {
        key: errors_at(body, f"id_{key}")
        for key in ("status", "capacity", "ends_at", "host_region")
    } == {
        "status": ["The status of an event cannot change from “held” to “open”."],
        "capacity": ["3 participants are confirmed: the capacity cannot be lower than 3."],
        "ends_at": ["An event ends after it starts."],
        "host_region": ["Unknown region code “99.99”."],
    }
    # A held event offers no other status.
    assert options(body, "status") == [("held", False)]
    assert snapshot() == before


def test_raising_the_capacity_on_the_page_promotes_the_waiting_list(
    organiser, event, kupang_delegation
):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    event.refresh_from_db()
    register(kupang_delegation, "Ani")
    register(kupang_delegation, "Budi")
    response = organiser.post("/events/sbp-citynet-2019/edit/", edit_post(event, capacity="2"))
    assert response.status_code == 302
    assert dict(Registration.objects.values_list("name", "status")) == {
        "Ani": "confirmed",
        "Budi": "confirmed",
    }


def test_edit_page_for_an_unknown_event(organiser, client, officer):
    assert organiser.get("/events/tidak-ada/edit/").status_code == 404
    assert organiser.get("/events/tidak-ada/sessions/new/").status_code == 404
    officer_client = Client(HTTP_ACCEPT_LANGUAGE="en")
    officer_client.force_login(officer)
    # Nobody else learns whether an event exists.
    assert officer_client.get("/events/tidak-ada/edit/").status_code == 403


def test_session_of_another_event_is_404(organiser, secretariat, event, kupang):
    other = services.create_event(
        actor=secretariat,
        data={
            "slug": "lain",
            "name": "Lain",
            "host_region": "53.71",
            "starts_at": STARTS,
            "ends_at": STARTS + dt.timedelta(hours=4),
            "capacity": 5,
        },
    )
    session = event.sessions.first()
    for url in (
        f"/events/{other.slug}/sessions/{session.pk}/edit/",
        f"/events/{other.slug}/sessions/{session.pk}/delete/",
    ):
        assert organiser.get(url).status_code == 404
    assert organiser.post(f"/events/{other.slug}/sessions/{session.pk}/delete/").status_code == 404
    assert Session.objects.filter(pk=session.pk).exists()


# --- sessions --------------------------------------------------------------------------------


def test_add_a_session_with_speakers_and_practices(organiser, secretariat, event, published):
    body = organiser.get("/events/sbp-citynet-2019/sessions/new/").content.decode()
    assert all_marked(body, "zone", "</span>") == ["WITA", "WITA"]
    assert f'<option value="{published.slug}">Pajak Restoran Daring</option>' in body
    assert input_values(body, "practices") == ["", "", ""]
    assert re.search(r'name="starts_at_0"[^>]*min="2019-10-16"[^>]*max="2019-10-18"', body) or (
        re.search(r'max="2019-10-18"[^>]*min="2019-10-16"[^>]*name="starts_at_0"', body)
    )

    data = session_post(practices=["", published.slug, ""])
    response = organiser.post("/events/sbp-citynet-2019/sessions/new/", data)
    session = Session.objects.get(title="Panel: Digitalisasi PAD")
    assert (response.status_code, response["Location"]) == (
        302,
        f"/events/sbp-citynet-2019/edit/#session-{session.pk}",
    )
    assert session_rows()[1] == (
        "Panel: Digitalisasi PAD",
        "panel",
        "Ruang Flobamora",
        dt.datetime(2019, 10, 16, 5, 0, tzinfo=UTC),  # 13:00 WITA
        dt.datetime(2019, 10, 16, 7, 30, tzinfo=UTC),
        "Pengalaman daerah.",
        [(0, "Bupati Banyuwangi", "panelist"), (1, "Moderator", "moderator")],
        [published.slug],
    )
    assert list(published.sessions.all()) == [session]
    audit = AuditEvent.objects.get(object_type="events.session")
    assert (audit.action, audit.actor, audit.channel, audit.region_code) == (
        "create",
        secretariat,
        "ui",
        "53.71",
    )
    body = organiser.get(response["Location"]).content.decode()
    assert messages_of(body) == ["The session “Panel: Digitalisasi PAD” is saved."]
    assert all_marked(body, "session-time", "</td>") == [
        "09.00–10.00 WITA",
        "13.00–15.30 WITA",
        "09.00–11.00 WITA",
    ]


def test_edit_a_session_shows_it_as_saved_and_replaces_the_speakers(
    organiser, event, published, jayapura
):
    session = services.save_session(
        actor=None,
        event=event,
        data={
            "title": "Panel",
            "kind": "panel",
            "starts_at": dt.datetime(2019, 10, 17, 5, 0, tzinfo=UTC),
            "ends_at": dt.datetime(2019, 10, 17, 6, 0, tzinfo=UTC),
            "speakers": [
                {"name": "A", "role": "panelist", "region": "91.71"},
                {"name": "B", "role": "moderator", "affiliation": "Kemendagri"},
            ],
            "practices": [published.slug],
        },
    )
    url = f"/events/sbp-citynet-2019/sessions/{session.pk}/edit/"
    body = organiser.get(url).content.decode()
    assert {
        name: input_value(body, name)
        for name in (
            "title",
            "starts_at_0",
            "starts_at_1",
            "ends_at_1",
            "speakers-0-name",
            "speakers-0-region",
            "speakers-1-name",
            "speakers-1-affiliation",
            "speakers-2-name",
        )
    } == {
        "title": "Panel",
        "starts_at_0": "2019-10-17",
        "starts_at_1": "13:00",
        "ends_at_1": "14:00",
        "speakers-0-name": "A",
        "speakers-0-region": "91.71",
        "speakers-1-name": "B",
        "speakers-1-affiliation": "Kemendagri",
        "speakers-2-name": "",  # an empty row to add to
    }
    assert input_values(body, "practices") == [published.slug, "", "", ""]

    # B is removed, C added before an empty row; the practice is unlinked.
    data = session_post(
        speakers=[
            {"name": "A", "role": "panelist", "region": "91.71"},
            {"name": "B", "role": "moderator", "DELETE": "on"},
            {"name": "C", "role": "presenter"},
            {"name": "", "role": ""},
        ],
        title="Panel baru",
        starts_at_0="2019-10-17",
        starts_at_1="13:00",
        ends_at_0="2019-10-17",
        ends_at_1="14:30",
    )
    response = organiser.post(url, data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.title, session.ends_at) == (
        "Panel baru",
        dt.datetime(2019, 10, 17, 6, 30, tzinfo=UTC),
    )
    assert list(
        Speaker.objects.filter(session=session)
        .order_by("position")
        .values_list("position", "name", "region__code")
    ) == [(0, "A", "91.71"), (1, "C", None)]
    assert (list(session.practices.all()), list(published.sessions.all())) == ([], [])


def test_add_a_row_keeps_what_was_typed_and_saves_nothing(organiser, event):
    before = snapshot()
    data = session_post(add="speakers")
    response = organiser.post("/events/sbp-citynet-2019/sessions/new/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert input_value(body, "speakers-TOTAL_FORMS") == "3"
    assert [input_value(body, f"speakers-{i}-name") for i in range(3)] == [
        "Bupati Banyuwangi",
        "Moderator",
        "",
    ]
    assert input_value(body, "title") == "Panel: Digitalisasi PAD"
    assert snapshot() == before


def test_session_problems_are_shown_and_nothing_is_saved(organiser, event, published, draft):
    before = snapshot()
    data = session_post(
        speakers=[
            {"name": "Tanpa peran", "role": ""},
            {"name": "X", "role": "panelist", "region": "99.99"},
        ],
        kind="",
        starts_at_0="2019-10-15",
        practices=[published.slug, draft.slug, "tidak-ada"],
    )
    response = organiser.post("/events/sbp-citynet-2019/sessions/new/", data)
    body = response.content.decode()
    assert response.status_code == 422
    assert {key: errors_at(body, f"id_{key}") for key in ("kind", "starts_at", "practices")} == {
        "kind": ["Choose one of the session types."],
        "starts_at": [
            "A session takes place during the event, which starts Oct. 16, 2019, 8 a.m. WITA."
        ],
        "practices": [
            f"“{draft.slug}” is not published: only published practices can be linked.",
            "There is no practice “tidak-ada”.",
        ],
    }
    assert marked(body, "speaker-errors", "</div>") == (
        "Speaker 1: Choose one of the speaker roles. Speaker 2: Unknown region code “99.99”."
    )
    assert input_values(body, "practices") == [published.slug, draft.slug, "tidak-ada", "", "", ""]
    assert snapshot() == before


def test_delete_a_session_after_confirming(organiser, secretariat, event):
    session = event.sessions.get(kind="panel")
    url = f"/events/sbp-citynet-2019/sessions/{session.pk}/delete/"
    body = organiser.get(url).content.decode()
    assert marked(body, "delete-question", "</p>") == (
        "“Inovasi Pendapatan Asli Daerah” (17 October 2019, 09.00–11.00 WITA) leaves the "
        "agenda with its speakers and its links to practices. This cannot be undone."
    )
    assert Session.objects.filter(pk=session.pk).exists()
    response = organiser.post(url)
    assert (response.status_code, response["Location"]) == (
        302,
        "/events/sbp-citynet-2019/edit/#agenda",
    )
    assert not Session.objects.filter(pk=session.pk).exists()
    audit = AuditEvent.objects.get(object_type="events.session")
    assert (audit.action, audit.actor, audit.region_code) == ("delete", secretariat, "53.71")
    body = organiser.get(response["Location"]).content.decode()
    assert messages_of(body) == ["The session “Inovasi Pendapatan Asli Daerah” is deleted."]
    assert all_marked(body, "session-title", "</td>") == ["Strategi Pengembangan Smart City"]


def test_a_session_with_check_ins_is_not_deleted(organiser, event, kupang_delegation):
    session = event.sessions.get(kind="keynote")
    arrive(register(kupang_delegation, "Ani"), session=session)
    response = organiser.post(f"/events/sbp-citynet-2019/sessions/{session.pk}/delete/")
    assert (response.status_code, response["Location"]) == (
        302,
        f"/events/sbp-citynet-2019/edit/#session-{session.pk}",
    )
    assert Session.objects.filter(pk=session.pk).exists()
    assert messages_of(organiser.get(response["Location"]).content.decode()) == [
        "1 participant checked in to this session; it cannot be deleted."
    ]


# --- who may see and use the pages -----------------------------------------------------------


def _first_session(event: Event) -> int:
    return event.sessions.order_by("starts_at").first().pk


PAGES = {
    "create": lambda e: "/events/new/",
    "create-in-region": lambda e: "/events/new/?region=53.71",
    "edit": lambda e: "/events/sbp-citynet-2019/edit/",
    "session-create": lambda e: "/events/sbp-citynet-2019/sessions/new/",
    "session-edit": lambda e: f"/events/sbp-citynet-2019/sessions/{_first_session(e)}/edit/",
    "session-delete": lambda e: f"/events/sbp-citynet-2019/sessions/{_first_session(e)}/delete/",
}


@pytest.mark.parametrize(
    ("page", "role", "expected"),
    [
        pytest.param(page, role, expected, id=f"{page}-{role}")
        for page in PAGES
        for role, expected in zip(ROLES, SEES, strict=True)
    ],
)
def test_who_sees_the_organising_pages(request, db, client, event, page, role, expected):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    url = PAGES[page](event)
    response = client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == expected
    if expected == 403:
        assert 'data-testid="forbidden"' in response.content.decode()


POSTS = {
    "create": (lambda e: "/events/new/", lambda e: event_post()),
    "edit": (lambda e: "/events/sbp-citynet-2019/edit/", lambda e: edit_post(e, name="Baru")),
    "session-create": (
        lambda e: "/events/sbp-citynet-2019/sessions/new/",
        lambda e: session_post(),
    ),
    "session-edit": (
        lambda e: f"/events/sbp-citynet-2019/sessions/{_first_session(e)}/edit/",
        lambda e: session_post(starts_at_0="2019-10-16", starts_at_1="09:00", ends_at_1="10:00"),
    ),
    "session-delete": (
        lambda e: f"/events/sbp-citynet-2019/sessions/{_first_session(e)}/delete/",
        lambda e: {},
    ),
}


@pytest.mark.parametrize(
    ("action", "role", "expected"),
    [
        pytest.param(action, role, expected, id=f"{action}-{role}")
        for action in POSTS
        for role, expected in zip(ROLES, WRITES, strict=True)
    ],
)
def test_who_may_organise(request, db, client, event, action, role, expected):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    url, data = POSTS[action]
    before = snapshot()
    response = client.post(url(event), data(event))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/events/sbp-citynet")
        assert snapshot() != before
    else:
        assert snapshot() == before


def test_pages_refuse_other_methods(organiser, event):
    assert organiser.put("/events/sbp-citynet-2019/edit/").status_code == 405
    assert organiser.delete("/events/new/").status_code == 405


# --- queries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 3])
def test_edit_page_queries_do_not_grow_with_the_agenda(
    organiser, event, published, django_assert_num_queries, n
):
    event.sessions.all().delete()
    for index in range(n):
        services.save_session(
            actor=None,
            event=event,
            data={
                "title": f"Sesi {index}",
                "kind": "panel",
                "starts_at": STARTS + dt.timedelta(days=index % 2, hours=index),
                "ends_at": STARTS + dt.timedelta(days=index % 2, hours=index + 1),
                "speakers": [{"name": "A", "role": "panelist"}, {"name": "B", "role": "moderator"}],
                "practices": [published.slug],
            },
        )
    # session, user, event, regions (datalist), sessions, speakers, practices, messages
    with django_assert_num_queries(7):
        response = organiser.get("/events/sbp-citynet-2019/edit/")
    assert len(all_marked(response.content.decode(), "session-row", "</tr>")) == n
