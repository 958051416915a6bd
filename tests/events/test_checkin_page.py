"""The check-in desk page: who may use it, what a scan or a typed code shows (first
arrival, a repeat, every kind of refused ticket), session attendance, the desk's memory
of its name, the running count and the last check-ins, and CSRF."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kotacerdas.core.models import AuditEvent
from kotacerdas.events import services
from kotacerdas.events.documents import grouped_code
from kotacerdas.events.models import CheckIn, Event, Registration
from kotacerdas.events.services.checkin import TICKET_SALT

from .fixtures import arrive, event, kupang_delegation, register, sumba_delegation

pytestmark = pytest.mark.integration

ROLES = ("anonymous", "officer", "other_officer", "secretariat", "admin_user")
URL = "/events/sbp-citynet-2019/checkin/"
# 09:12 WITA on the first day of the seminar (UTC+8).
ARRIVAL = dt.datetime(2019, 10, 16, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def client():
    """English pages, so assertions do not depend on the Indonesian catalogue."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def clock(monkeypatch):
    """``timezone.now()`` answers what the test set, so the times shown are exact."""

    class Clock:
        now = ARRIVAL

    monkeypatch.setattr(timezone, "now", lambda: Clock.now)
    return Clock


@pytest.fixture
def desk(client, secretariat, clock):
    client.force_login(secretariat)
    return client


@pytest.fixture
def ina(kupang_delegation):
    return register(kupang_delegation, "Ina Ndoen", "staff", position="Kepala Bidang")


@pytest.fixture
def umbu(sumba_delegation):
    return register(sumba_delegation, "Umbu Ndakularak", "camat")


def panel(response: Any) -> str:
    """The result panel's text, with whitespace collapsed ("" when there is none)."""
    assert response.status_code == 200
    match = re.search(
        r'<section class="checkin-result (\w+)" data-testid="checkin-result"[^>]*>(.*?)</section>',
        response.content.decode(),
        re.S,
    )
    if match is None:
        return ""
    text = html.unescape(re.sub(r"<[^>]+>", " ", match.group(2)))
    return f"[{match.group(1)}] " + " ".join(text.split())


def scan(client: Client, code: str, *, place: str = "Meja 1", session: Any = None) -> Any:
    data = {"code": code, "place": place, "session": session.pk if session else ""}
    return client.post(URL, data)


def checkins() -> list[tuple[str, str | None, dt.datetime, str, str]]:
    return [
        (c.registration.name, c.session.title if c.session else None, c.at, c.place, c.by.username)
        for c in CheckIn.objects.select_related("registration", "session", "by").order_by("pk")
    ]


# --- who may use the desk -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"), list(zip(ROLES, ("login", 403, 403, 200, 200), strict=True))
)
def test_desk_page_permissions(request, db, client, event, role, expected):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(URL)
    if expected == "login":
        assert (response.status_code, response["Location"]) == (
            302,
            f"/accounts/login/?next={URL}",
        )
    else:
        assert response.status_code == expected
    if expected == 200:
        assert 'data-testid="checkin-code"' in response.content.decode()


@pytest.mark.parametrize(
    ("role", "expected"), list(zip(ROLES, ("login", 403, 403, 200, 200), strict=True))
)
def test_check_in_permissions(request, db, client, ina, role, expected):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = scan(client, ina.code)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == expected
    arrived = [(c.registration.name, c.by.username) for c in CheckIn.objects.all()]
    assert arrived == ([("Ina Ndoen", role.replace("_user", ""))] if expected == 200 else [])


def test_an_unknown_event_is_not_found(desk):
    assert desk.get("/events/no-such-event/checkin/").status_code == 404


# --- a scan and what it shows ---------------------------------------------------------------


def test_first_check_in_shows_the_participant_and_the_local_time(desk, ina):
    response = scan(desk, ina.code)
    assert panel(response) == (
        "[success] Welcome Ina Ndoen Kota Kupang · Staff · Kepala Bidang Checked in at 09:12 WITA."
    )
    assert checkins() == [("Ina Ndoen", None, ARRIVAL, "Meja 1", "secretariat")]
    # Re-rendered, not redirected: the code box is empty and focused for the next scan.
    page = response.content.decode()
    assert re.search(r'<input type="text" name="code"[^>]*autofocus', page)
    assert 'value="' not in re.search(r'<input type="text" name="code"[^>]*>', page).group(0)


def test_check_in_is_audited(desk, ina, secretariat):
    scan(desk, ina.code)
    checkin = CheckIn.objects.get()
    rows = list(
        AuditEvent.objects.filter(object_type="events.checkin").values_list(
            "actor__username", "channel", "action", "object_id", "region_code"
        )
    )
    assert rows == [("secretariat", "ui", "create", str(checkin.pk), "53.71")]


def test_second_check_in_says_when_and_where_the_first_was(desk, ina, clock):
    scan(desk, ina.code)
    clock.now = ARRIVAL + dt.timedelta(minutes=40)
    response = scan(desk, ina.code, place="Meja 2")
    assert panel(response) == (
        "[already] Already checked in Ina Ndoen Kota Kupang · Staff · Kepala Bidang "
        "Already checked in at 09:12 WITA (Meja 1)."
    )
    assert checkins() == [("Ina Ndoen", None, ARRIVAL, "Meja 1", "secretariat")]


def test_second_check_in_on_another_day_names_the_date(desk, ina, clock):
    scan(desk, ina.code)
    clock.now = ARRIVAL + dt.timedelta(days=1)
    assert panel(scan(desk, ina.code)) == (
        "[already] Already checked in Ina Ndoen Kota Kupang · Staff · Kepala Bidang "
        "Already checked in on 16 Oct 2019 at 09:12 WITA (Meja 1)."
    )


def test_second_check_in_without_a_desk_name(desk, ina, clock):
    scan(desk, ina.code, place="")
    clock.now = ARRIVAL + dt.timedelta(minutes=5)
    assert panel(scan(desk, ina.code, place="")).endswith("Already checked in at 09:12 WITA.")


def test_the_same_scan_sent_twice_seconds_later_still_says_when_and_where(desk, ina, clock):
    """A double click or a scanner's second Enter is answered like any later scan."""
    scan(desk, ina.code)
    clock.now = ARRIVAL + dt.timedelta(seconds=3)
    assert panel(scan(desk, ina.code)) == (
        "[already] Already checked in Ina Ndoen Kota Kupang · Staff · Kepala Bidang "
        "Already checked in at 09:12 WITA (Meja 1)."
    )
    assert len(checkins()) == 1


def test_someone_else_with_the_ticket_a_moment_later_is_a_warning(
    desk, client, ina, clock, admin_user
):
    scan(desk, ina.code)
    clock.now = ARRIVAL + dt.timedelta(seconds=3)
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.force_login(admin_user)
    assert panel(scan(other, ina.code)).startswith("[already] Already checked in Ina Ndoen")


def test_a_typed_code_ignores_dashes_spaces_and_case(desk, ina):
    typed = " " + grouped_code(ina.code).lower().replace("-", " - ") + " "
    assert panel(scan(desk, typed)).startswith("[success] Welcome Ina Ndoen")
    assert checkins() == [("Ina Ndoen", None, ARRIVAL, "Meja 1", "secretariat")]


def test_the_qr_payload_of_a_ticket_is_accepted(desk, ina):
    assert panel(scan(desk, services.ticket_payload(ina))).startswith("[success] Welcome Ina")
    assert checkins() == [("Ina Ndoen", None, ARRIVAL, "Meja 1", "secretariat")]


@pytest.mark.parametrize(
    ("make_code", "message"),
    [
        (
            lambda r: signing.Signer(key="not-the-site-key", salt=TICKET_SALT).sign(r.token),
            "This QR code is not a ticket of KotaCerdas.",
        ),
        (lambda r: r.token + ":forged", "This QR code is not a ticket of KotaCerdas."),
        (lambda r: "ZZZZ-ZZZZ-ZZ", "No ticket has this code."),
        (lambda r: "ABC", "No ticket has this code."),
    ],
    ids=["payload-signed-with-another-key", "payload-made-up", "unknown-code", "short-code"],
)
def test_a_forged_or_unknown_ticket_is_refused(desk, ina, make_code, message):
    code = make_code(ina)
    assert panel(scan(desk, code)) == f"[error] Not checked in {message} Entered: {code[:60]}"
    assert checkins() == []


def test_a_ticket_of_another_event_is_refused(desk, ina, kupang):
    other = Event.objects.create(
        slug="rakor-2020",
        name="Rakor 2020",
        host_region=kupang,
        starts_at=dt.datetime(2020, 3, 1, tzinfo=dt.UTC),
        ends_at=dt.datetime(2020, 3, 2, tzinfo=dt.UTC),
        capacity=5,
        status=Event.Status.OPEN,
    )
    delegation = services.open_delegation(actor=None, event=other, region=kupang)
    stranger = register(delegation, "Yohanes Rakor")
    response = scan(desk, services.ticket_payload(stranger))
    assert panel(response) == (
        "[error] Not checked in This ticket is for another event. "
        f"Entered: {services.ticket_payload(stranger)[:60]}"
    )
    assert panel(scan(desk, stranger.code)).startswith(
        "[error] Not checked in This ticket is for another event."
    )
    assert checkins() == []


def test_a_waitlisted_participant_is_refused(desk, event, kupang, kupang_delegation):
    services.set_quota(actor=None, event=event, region=kupang, role="lurah", limit=0)
    waiting = register(kupang_delegation, "Maria Lurah", "lurah")
    assert waiting.status == Registration.Status.WAITLISTED
    assert panel(scan(desk, waiting.code)) == (
        "[error] Not checked in This participant is not confirmed (on the waiting list). "
        f"Entered: {waiting.code}"
    )
    assert checkins() == []


def test_an_empty_code_asks_for_one(desk, ina):
    response = scan(desk, "   ")
    assert panel(response) == ""
    assert "Scan a ticket or type its code." in response.content.decode()
    assert checkins() == []


# --- sessions -------------------------------------------------------------------------------


def test_session_attendance_is_recorded_apart_from_the_event(desk, event, ina):
    keynote, panel_session = event.sessions.order_by("starts_at")
    response = scan(desk, ina.code, session=keynote)
    assert panel(response) == (
        "[success] Welcome Ina Ndoen Kota Kupang · Staff · Kepala Bidang "
        "Session: Strategi Pengembangan Smart City Checked in at 09:12 WITA."
    )
    # The session stays chosen for the next scan, and the count is the session's.
    page = response.content.decode()
    assert f'<option value="{keynote.pk}" selected>' in page
    assert "1 of 1 confirmed participants at “Strategi Pengembangan Smart City”" in page
    # Arriving at the event is still a first check-in, and so is the other session.
    assert panel(scan(desk, ina.code)).startswith("[success]")
    assert panel(scan(desk, ina.code, session=panel_session)).startswith("[success]")
    assert checkins() == [
        ("Ina Ndoen", "Strategi Pengembangan Smart City", ARRIVAL, "Meja 1", "secretariat"),
        ("Ina Ndoen", None, ARRIVAL, "Meja 1", "secretariat"),
        ("Ina Ndoen", "Inovasi Pendapatan Asli Daerah", ARRIVAL, "Meja 1", "secretariat"),
    ]


def test_a_session_of_another_event_is_not_a_choice(desk, ina, kupang):
    other = Event.objects.create(
        slug="rakor-2020",
        name="Rakor 2020",
        host_region=kupang,
        starts_at=dt.datetime(2020, 3, 1, tzinfo=dt.UTC),
        ends_at=dt.datetime(2020, 3, 2, tzinfo=dt.UTC),
        capacity=5,
    )
    foreign = other.sessions.create(
        title="Pembukaan",
        kind="keynote",
        starts_at=dt.datetime(2020, 3, 1, 1, tzinfo=dt.UTC),
        ends_at=dt.datetime(2020, 3, 1, 2, tzinfo=dt.UTC),
    )
    response = scan(desk, ina.code, session=foreign)
    assert panel(response) == ""
    assert "Select a valid choice." in response.content.decode()
    assert checkins() == []


# --- the desk: its name, the count, the last check-ins --------------------------------------


def test_the_desk_name_is_remembered(desk, ina):
    assert 'name="place" value="' not in desk.get(URL).content.decode()
    scan(desk, ina.code, place="Meja Sumba")
    assert 'name="place" value="Meja Sumba"' in desk.get(URL).content.decode()


def test_count_and_last_check_ins_at_this_desk(desk, ina, umbu, kupang_delegation):
    register(kupang_delegation, "Yanti Bessie")
    arrive(umbu, place="Meja 2")  # another desk: counted, not listed here
    response = scan(desk, ina.code)
    page = response.content.decode()
    assert "2 of 3 confirmed participants have arrived" in page
    table = re.search(r'<table data-testid="checkin-recent">(.*?)</table>', page, re.S).group(1)
    rows = [
        [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in cells]
        for cells in (re.findall(r"<td>(.*?)</td>", row, re.S) for row in table.split("<tr>"))
        if cells
    ]
    assert rows == [["09:12 WITA", "Ina Ndoen", "Kota Kupang", "the event"]]


def test_last_check_ins_from_another_day_carry_the_date(desk, ina, clock):
    scan(desk, ina.code)
    clock.now = ARRIVAL + dt.timedelta(days=1)
    page = desk.get(URL).content.decode()
    assert "<td>16 Oct 2019 09:12 WITA</td>" in page


@pytest.mark.parametrize("n", [1, 3])
def test_desk_queries_do_not_grow_with_the_list(desk, kupang_delegation, n):
    for i in range(n):
        arrive(register(kupang_delegation, f"Peserta {i}"), place="Meja 1")
    desk.post(URL, {"code": "", "place": "Meja 1"})  # the desk's name is in the session
    with CaptureQueriesContext(connection) as queries:
        response = desk.get(URL)
    assert response.content.decode().count("<td>Peserta") == n
    # Session and user, the event, the sessions of the select, two counts, the list.
    assert len(queries) == 7


# --- the page itself ------------------------------------------------------------------------


def test_the_page_works_without_inline_script(desk, event):
    page = desk.get(URL).content.decode()
    scripts = re.findall(r"<script[^>]*>", page)
    assert '<script src="/static/events/checkin.js" defer>' in scripts
    assert all("src=" in tag for tag in scripts)
    # Without JavaScript there is no camera button to press, and the note says what to do.
    assert re.search(r"<button[^>]*data-checkin-camera hidden", page)
    assert re.search(r"<p class=\"muted\" data-checkin-no-camera>", page)
    assert "type the code or use a scanner" in page


def test_check_in_needs_the_csrf_token(secretariat, ina, clock):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(secretariat)
    assert client.post(URL, {"code": ina.code}).status_code == 403
    assert checkins() == []
    page = client.get(URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(URL, {"code": ina.code, "csrfmiddlewaretoken": token})
    assert panel(response).startswith("[success]")
