"""What visitors see of events: the list, the event's page with its agenda in the host's
time zone, the calendar files and the printable agenda opened again with their own
libraries, certificate verification, drafts hidden, demo labels and the organisers' links,
through Django's test client (in English unless a test says otherwise)."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from types import ModuleType

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path
from icalendar import Calendar
from pypdf import PdfReader

from kotacerdas.events import demo, services
from kotacerdas.events.models import Certificate, Event, Session, Speaker
from kotacerdas.events.views import public
from kotacerdas.web import urls as root_urls

from ..factories import ProvinceFactory, RegionFactory
from ..practices.fixtures import make_practice, publish
from .fixtures import arrive, event, kupang_delegation, register

pytestmark = pytest.mark.integration

SLUG = "sbp-citynet-2019"
EVENT_NAME = "Sharing Best Practices CityNet Indonesia 2019"


def _utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def _client(request=None, role: str = "anonymous", *, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _text(fragment: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def _inline(fragment: str) -> str:
    """The text of inline HTML (tags removed, not spaced), whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment)).strip()


def _agenda(html: str) -> list[tuple[str, str, str, str, str]]:
    """(local day, time, title, kind, speakers) of each session, in page order."""
    rows = []
    for day, body in re.findall(
        r'<section class="agenda-day" data-day="([^"]+)".*?>(.*?)</section>', html, re.S
    ):
        for row in re.findall(r'<tr id="session-\d+".*?</tr>', body, re.S):
            time = re.search(r'data-testid="session-time">(.*?)</td>', row, re.S).group(1)
            title = re.search(r'data-testid="session-title">(.*?)</strong>', row, re.S).group(1)
            kind = re.search(r'data-testid="session-kind"[^>]*>(.*?)</td>', row, re.S).group(1)
            speakers = re.search(r'data-testid="speakers">(.*?)</ul>', row, re.S)
            people = re.findall(r"<li[^>]*>(.*?)</li>", speakers.group(1)) if speakers else []
            rows.append((day, time, title, kind, "; ".join(_inline(p) for p in people)))
    return rows


def _testids(html: str) -> set[str]:
    return set(re.findall(r'data-testid="([a-z-]+)"', html))


@pytest.fixture(autouse=True)
def fresh_cache():
    """Verification counts unknown codes per address in the cache: start every test clean."""
    cache.clear()
    yield
    cache.clear()


# --- the event page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_event_page_shows_the_agenda_in_wita_in_order(event):
    # A third session on the first day, made after the others but earlier in the day.
    early = Session.objects.create(
        event=event,
        title="Registrasi peserta",
        kind=Session.Kind.BREAK,
        room="Lobi",
        starts_at=_utc(2019, 10, 15, 23, 30),  # 07.30 WITA on the 16th
        ends_at=_utc(2019, 10, 16, 0, 0),
    )
    html = _html(_client().get(f"/events/{SLUG}/"))
    assert _agenda(html) == [
        ("2019-10-16", "07.30–08.00 WITA", "Registrasi peserta", "Break", ""),
        (
            "2019-10-16",
            "09.00–10.00 WITA",
            "Strategi Pengembangan Smart City",
            "Keynote",
            "Menteri Kominfo (keynote speaker)",
        ),
        (
            "2019-10-17",
            "09.00–11.00 WITA",
            "Inovasi Pendapatan Asli Daerah",
            "Panel",
            "Walikota Kupang (panelist)",
        ),
    ]
    days = re.findall(r'<h3 id="day-\d+">(.*?)</h3>', html)
    assert days == ["Wednesday, 16 October 2019", "Thursday, 17 October 2019"]
    assert f'id="session-{early.pk}"' in html
    when = re.search(r'data-testid="event-when">(.*?)</p>', html, re.S).group(1)
    assert _text(when) == "16–18 October 2019, WITA · Aula Rumah Jabatan, Kupang"
    assert "Times are shown in the host region's time zone (WITA)." in html


@pytest.mark.django_db
def test_event_page_of_a_jakarta_host_shows_wib_and_local_days():
    province = ProvinceFactory(code="31", name="DKI Jakarta", timezone="Asia/Jakarta")
    jakarta = RegionFactory(
        code="31.71", name="Kota Jakarta Pusat", province=province, timezone="Asia/Jakarta"
    )
    event = Event.objects.create(
        slug="rakor-jakarta-2024",
        name="Rapat Koordinasi Jakarta 2024",
        host_region=jakarta,
        city="Jakarta",
        starts_at=_utc(2024, 5, 7, 1),  # 08.00 WIB
        ends_at=_utc(2024, 5, 8, 10),  # 17.00 WIB on the 8th
        capacity=50,
        status=Event.Status.OPEN,
    )
    Session.objects.create(
        event=event,
        title="Pembukaan",
        kind=Session.Kind.KEYNOTE,
        starts_at=_utc(2024, 5, 7, 2),
        ends_at=_utc(2024, 5, 7, 3, 30),
    )
    # 23.30 UTC on the 7th is 06.30 WIB on the 8th: it belongs to the second day.
    Session.objects.create(
        event=event,
        title="Kunjungan pagi",
        kind=Session.Kind.FIELD_VISIT,
        starts_at=_utc(2024, 5, 7, 23, 30),
        ends_at=_utc(2024, 5, 8, 1),
    )
    html = _html(_client().get("/events/rakor-jakarta-2024/"))
    assert _agenda(html) == [
        ("2024-05-07", "09.00–10.30 WIB", "Pembukaan", "Keynote", ""),
        ("2024-05-08", "06.30–08.00 WIB", "Kunjungan pagi", "Field visit", ""),
    ]
    assert re.search(r'data-testid="event-dates">(.*?)</strong>', html).group(1) == (
        "7–8 May 2024, WIB"
    )


@pytest.mark.django_db
def test_event_page_lists_speakers_in_their_order_with_roles(event):
    panel = event.sessions.get(kind=Session.Kind.PANEL)
    Speaker.objects.filter(session=panel).update(position=1)
    Speaker.objects.create(
        session=panel,
        position=2,
        name="Bupati Banyuwangi",
        role=Speaker.Role.PANELIST,
        affiliation="Pemerintah Kabupaten Banyuwangi",
    )
    Speaker.objects.create(
        session=panel, position=0, name="Moderator Sesi", role=Speaker.Role.MODERATOR
    )
    html = _html(_client().get(f"/events/{SLUG}/"))
    assert _agenda(html)[1][4] == (
        "Moderator Sesi (moderator); Walikota Kupang (panelist); "
        "Bupati Banyuwangi, Pemerintah Kabupaten Banyuwangi (panelist)"
    )


@pytest.mark.django_db
def test_event_page_shows_places_and_the_registration_window(event, kupang_delegation):
    event.registration_opens_at = _utc(2019, 9, 1, 0)
    event.registration_closes_at = _utc(2019, 10, 10, 9)
    event.save()
    register(kupang_delegation, "Peserta Satu")
    register(kupang_delegation, "Peserta Dua")
    cancelled = register(kupang_delegation, "Peserta Tiga")
    services.cancel_registration(actor=None, registration=cancelled)
    html = _html(_client().get(f"/events/{SLUG}/"))
    places = re.search(r'data-testid="places"[^>]*>(.*?)</dd>', html, re.S)
    assert _text(places.group(1)) == "10 places, 2 confirmed, 8 left"
    registration = re.search(r'data-testid="registration" data-open="(\w+)">(.*?)</dd>', html, re.S)
    assert registration.group(1) == "no"  # the window closed in 2019
    assert _text(registration.group(2)) == (
        "Closed from 1 September 2019 08.00 WITA until 10 October 2019 17.00 WITA"
    )
    # Names of participants are never on the public page.
    assert "Peserta Satu" not in html


@pytest.mark.django_db
def test_event_page_says_registration_is_open(event):
    html = _html(_client().get(f"/events/{SLUG}/"))
    registration = re.search(r'data-testid="registration" data-open="(\w+)">(.*?)</dd>', html, re.S)
    assert (registration.group(1), _text(registration.group(2))) == ("yes", "Open")


@pytest.mark.django_db
def test_event_page_links_the_calendar_files_and_the_printable_agenda(event):
    html = _html(_client().get(f"/events/{SLUG}/"))
    sessions = list(event.sessions.order_by("starts_at"))
    assert re.findall(r'href="([^"]+)" data-testid="session-ics"', html) == [
        f"/events/{SLUG}/sessions/{s.pk}/calendar.ics" for s in sessions
    ]
    assert f'href="/events/{SLUG}/calendar.ics" data-testid="event-ics"' in html
    assert f'href="/events/{SLUG}/agenda.pdf" data-testid="agenda-pdf"' in html
    assert 'href="/regions/53.71/" data-testid="host-region"' in html


@pytest.mark.django_db
def test_unknown_event_is_not_found(db):
    assert _client().get("/events/no-such-event/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 3])
def test_event_page_query_count_does_not_grow(
    event, officer, secretariat, n, django_assert_num_queries
):
    Session.objects.filter(event=event).delete()
    for i in range(n):
        session = Session.objects.create(
            event=event,
            title=f"Sesi {i}",
            kind=Session.Kind.PRESENTATION,
            starts_at=_utc(2019, 10, 16 + i, 1),
            ends_at=_utc(2019, 10, 16 + i, 2),
        )
        for position in range(2):
            Speaker.objects.create(
                session=session,
                position=position,
                name=f"Pembicara {i}.{position}",
                role=Speaker.Role.PRESENTER,
                region=event.host_region,
            )
        practice = publish(
            make_practice(officer, event.host_region, title=f"Praktik {i}"), secretariat
        )
        session.practices.add(practice)
    client = _client()
    # The event, the confirmed count, the sessions, their speakers, their practices.
    with django_assert_num_queries(5):
        html = _html(client.get(f"/events/{SLUG}/"))
    assert len(_agenda(html)) == n
    assert html.count('data-testid="session-practices"') == n


# --- the list -------------------------------------------------------------------------------


@pytest.fixture
def events(kupang, sumba) -> dict[str, Event]:
    def make(slug, name, start, status, *, host=kupang, is_demo=False):
        return Event.objects.create(
            slug=slug,
            name=name,
            theme=f"Tema {name}",
            host_region=host,
            city=host.name.removeprefix("Kota ").removeprefix("Kabupaten "),
            starts_at=start,
            ends_at=start + dt.timedelta(days=1, hours=8),
            capacity=100,
            status=status,
            is_demo=is_demo,
        )

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return {
        "held": make("seminar-2019", "Seminar 2019", _utc(2019, 10, 16, 0), "held", is_demo=True),
        "closed": make("lokakarya-2023", "Lokakarya 2023", _utc(2023, 3, 1, 0), "closed"),
        "next": make("seminar-depan", "Seminar Depan", now + dt.timedelta(days=60), "open"),
        "soon": make(
            "rapat-segera", "Rapat Segera", now + dt.timedelta(days=7), "open", host=sumba
        ),
        "draft": make("konsep-acara", "Konsep Acara", now + dt.timedelta(days=90), "draft"),
    }


def _listed(html: str, testid: str) -> list[str]:
    block = re.search(rf'data-testid="{testid}">(.*?)</ul>', html, re.S)
    return re.findall(r'data-slug="([^"]+)"', block.group(1)) if block else []


@pytest.mark.django_db
def test_list_shows_upcoming_soonest_first_and_past_latest_first(events):
    html = _html(_client().get("/events/"))
    assert _listed(html, "upcoming") == ["rapat-segera", "seminar-depan"]
    assert _listed(html, "past") == ["lokakarya-2023", "seminar-2019"]
    card = re.search(r'<li class="event-card" data-slug="seminar-2019".*?</li>', html, re.S)
    assert _text(card.group(0)) == (
        "Seminar 2019 DEMO Held “Tema Seminar 2019” 16–17 October 2019, WITA · Kupang "
        "· hosted by Kota Kupang"
    )


@pytest.mark.django_db
def test_list_shows_drafts_to_the_secretariat_only(request, events):
    assert "konsep-acara" not in _html(_client().get("/events/"))
    assert "konsep-acara" not in _html(_client(request, "officer").get("/events/"))
    html = _html(_client(request, "secretariat").get("/events/"))
    assert _listed(html, "upcoming") == ["rapat-segera", "seminar-depan", "konsep-acara"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "upcoming", "past"),
    [
        ("?year=2019", [], ["seminar-2019"]),
        ("?status=closed", [], ["lokakarya-2023"]),
        ("?status=open", ["rapat-segera", "seminar-depan"], []),
        # A draft is no status the public can ask for, and a year without events no year.
        ("?status=draft", ["rapat-segera", "seminar-depan"], ["lokakarya-2023", "seminar-2019"]),
        ("?year=1999", ["rapat-segera", "seminar-depan"], ["lokakarya-2023", "seminar-2019"]),
        # Not a year at all: a superscript digit, a number too long to convert.
        ("?year=²", ["rapat-segera", "seminar-depan"], ["lokakarya-2023", "seminar-2019"]),
        (
            "?year=" + "9" * 5000,
            ["rapat-segera", "seminar-depan"],
            ["lokakarya-2023", "seminar-2019"],
        ),
    ],
)
def test_list_filters_by_year_and_status(events, query, upcoming, past):
    html = _html(_client().get(f"/events/{query}"))
    assert (_listed(html, "upcoming"), _listed(html, "past")) == (upcoming, past)


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 3])
def test_list_query_count_does_not_grow(kupang, n, django_assert_num_queries):
    for i in range(n):
        Event.objects.create(
            slug=f"acara-{i}",
            name=f"Acara {i}",
            host_region=kupang,
            starts_at=_utc(2019 + i, 10, 16, 0),
            ends_at=_utc(2019 + i, 10, 17, 0),
            capacity=10,
            status=Event.Status.HELD,
        )
    client = _client()
    with django_assert_num_queries(1):
        html = _html(client.get("/events/"))
    assert len(_listed(html, "past")) == n


def test_the_navigation_links_the_events(db):
    html = _html(_client().get("/events/"))
    assert '<a href="/events/" data-testid="events-link">Events</a>' in html


# --- calendar files and the printable agenda ------------------------------------------------


@pytest.mark.django_db
def test_event_calendar_has_the_event_and_every_session_in_utc(event):
    response = _client().get(f"/events/{SLUG}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{SLUG}.ics"'
    calendar = Calendar.from_ical(response.content)
    found = [
        (str(v["summary"]), v.decoded("dtstart"), v.decoded("dtend"), str(v.get("location")))
        for v in calendar.walk("VEVENT")
    ]
    assert found == [
        (EVENT_NAME, _utc(2019, 10, 16, 0), _utc(2019, 10, 18, 9), "Aula Rumah Jabatan, Kupang"),
        (
            "Strategi Pengembangan Smart City",
            _utc(2019, 10, 16, 1),
            _utc(2019, 10, 16, 2),
            "Aula Utama, Aula Rumah Jabatan, Kupang",
        ),
        (
            "Inovasi Pendapatan Asli Daerah",
            _utc(2019, 10, 17, 1),
            _utc(2019, 10, 17, 3),
            "Ruang Flobamora, Aula Rumah Jabatan, Kupang",
        ),
    ]


@pytest.mark.django_db
def test_session_calendar_has_the_one_session(event):
    panel = event.sessions.get(kind=Session.Kind.PANEL)
    response = _client().get(f"/events/{SLUG}/sessions/{panel.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'attachment; filename="{SLUG}-session-{panel.pk}.ics"'
    )
    [vevent] = Calendar.from_ical(response.content).walk("VEVENT")
    assert (str(vevent["summary"]), vevent.decoded("dtstart"), vevent.decoded("dtend")) == (
        "Inovasi Pendapatan Asli Daerah",
        _utc(2019, 10, 17, 1),
        _utc(2019, 10, 17, 3),
    )
    assert "Walikota Kupang (panelist)" in str(vevent["description"])


@pytest.mark.django_db
def test_session_calendar_of_another_event_is_not_found(event, kupang):
    other = Event.objects.create(
        slug="lain",
        name="Lain",
        host_region=kupang,
        starts_at=_utc(2020, 1, 1, 0),
        ends_at=_utc(2020, 1, 2, 0),
        capacity=5,
        status=Event.Status.OPEN,
    )
    panel = event.sessions.get(kind=Session.Kind.PANEL)
    assert (
        _client().get(f"/events/{other.slug}/sessions/{panel.pk}/calendar.ics").status_code == 404
    )


@pytest.mark.django_db
def test_agenda_pdf_lists_the_sessions_in_local_time(event):
    response = _client().get(f"/events/{SLUG}/agenda.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{SLUG}-agenda.pdf"'
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    for expected in (
        EVENT_NAME,
        "16–18 October 2019, Aula Rumah Jabatan, Kupang",
        "Times are WITA.",
        "Wednesday, 16 October 2019",
        "09.00–10.00 WITA",
        "Strategi Pengembangan Smart City",
        "Menteri Kominfo (keynote speaker)",
        "Thursday, 17 October 2019",
        "09.00–11.00 WITA",
        "Inovasi Pendapatan Asli Daerah",
    ):
        assert expected in text, expected
    assert text.index("Wednesday, 16 October 2019") < text.index("Thursday, 17 October 2019")


# --- drafts ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("officer", 404),
        ("other_officer", 404),
        ("secretariat", 200),
        ("admin_user", 200),
    ],
)
def test_draft_event_is_the_secretariats_alone(request, event, role, status):
    event.status = Event.Status.DRAFT
    event.save()
    panel = event.sessions.get(kind=Session.Kind.PANEL)
    client = _client(request, role)
    for url in (
        f"/events/{SLUG}/",
        f"/events/{SLUG}/calendar.ics",
        f"/events/{SLUG}/agenda.pdf",
        f"/events/{SLUG}/sessions/{panel.pk}/calendar.ics",
    ):
        assert client.get(url).status_code == status, url
    if status == 200:
        assert 'data-testid="draft-notice"' in client.get(f"/events/{SLUG}/").content.decode()


# --- the organisers' links ------------------------------------------------------------------


def _stub(request, **kwargs) -> HttpResponse:
    return HttpResponse("stub")


# The organisers' pages are built elsewhere; these stand-ins let the links be reversed.
urlpatterns = [p for p in root_urls.urlpatterns if getattr(p, "namespace", None) != "events"] + [
    path(
        "events/",
        include(
            (
                [
                    path("<slug:slug>/edit/", _stub, name="edit"),
                    path("<slug:slug>/desk/", _stub, name="desk"),
                    path("<slug:slug>/checkin/", _stub, name="checkin"),
                    path("<slug:slug>/delegations/<str:code>/", _stub, name="delegation"),
                    *public.urlpatterns,
                ],
                "events",
            )
        ),
    )
]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("role", "links"),
    [
        ("anonymous", {}),
        ("officer", {"delegation-link": f"/events/{SLUG}/delegations/53.71/"}),
        ("other_officer", {"delegation-link": f"/events/{SLUG}/delegations/53.11/"}),
        (
            "secretariat",
            {
                "edit-link": f"/events/{SLUG}/edit/",
                "desk-link": f"/events/{SLUG}/desk/",
                "checkin-link": f"/events/{SLUG}/checkin/",
            },
        ),
    ],
)
def test_organisers_see_the_links_their_permissions_allow(request, event, role, links):
    html = _html(_client(request, role).get(f"/events/{SLUG}/"))
    nav = re.search(r'data-testid="organiser-links">(.*?)</nav>', html, re.S)
    found = re.findall(r'href="([^"]+)" data-testid="([a-z]+-link)"', nav.group(1) if nav else "")
    assert {testid: url for url, testid in found} == links


@pytest.mark.django_db
def test_links_to_pages_not_installed_leave_the_page_working(request, event, settings):
    """Without the organisers' modules the page renders, without their links."""
    urlconf = ModuleType("public_pages_only")
    urlconf.urlpatterns = [
        *[p for p in root_urls.urlpatterns if getattr(p, "namespace", None) != "events"],
        path("events/", include((public.urlpatterns, "events"))),
    ]
    settings.ROOT_URLCONF = urlconf
    html = _html(_client(request, "secretariat").get(f"/events/{SLUG}/"))
    assert 'data-testid="agenda"' in html
    nav = re.search(r'data-testid="organiser-links">(.*?)</nav>', html, re.S).group(1)
    assert "href" not in nav


# --- demo labels ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_event_is_labelled_with_its_illustrative_agenda(kupang):
    counts = demo.load()
    assert counts["events"] == 1
    html = _html(_client().get("/events/sbp-citynet-indonesia-2019/"))
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    assert _text(heading) == "Sharing Best Practices CityNet Indonesia 2019 DEMO Held"
    notice = re.search(r'data-testid="demo-notice">(.*?)</p>', html, re.S).group(1)
    assert _text(notice).startswith(
        "DEMO This event is demo content. Its agenda, delegations and participants are "
        "illustrative, not an official record. Source: Fakta acara dari pemberitaan publik 2019"
    )
    assert _text(re.search(r'data-testid="agenda-demo">(.*?)</p>', html, re.S).group(1)) == (
        "DEMO Illustrative agenda: the sessions, times and rooms are demo content."
    )
    agenda = _agenda(html)
    assert agenda[0][:3] == ("2019-10-16", "08.00–09.00 WITA", "Pembukaan dan sambutan tuan rumah")
    assert len(agenda) == 21
    assert html.count("(agenda ilustratif)") == 21
    dates = re.search(r'data-testid="event-dates">(.*?)</strong>', html).group(1)
    assert dates == "16–18 October 2019, WITA"
    # A demo participant's certificate says so too.
    certificate = Certificate.objects.select_related("registration").order_by("pk").first()
    html = _html(_client().get(f"/events/verify/{certificate.code}/"))
    assert _facts(html)["Name"] == f"{certificate.registration.name} DEMO"
    assert certificate.registration.name.endswith("(demo)")


# --- Indonesian by default ------------------------------------------------------------------


@pytest.mark.django_db
def test_event_page_is_indonesian_by_default(event):
    html = _html(Client().get(f"/events/{SLUG}/"))
    assert '<html lang="id">' in html
    assert re.search(r'data-testid="event-dates">(.*?)</strong>', html).group(1) == (
        "16–18 Oktober 2019, WITA"
    )
    assert re.findall(r'<h3 id="day-\d+">(.*?)</h3>', html) == [
        "Rabu, 16 Oktober 2019",
        "Kamis, 17 Oktober 2019",
    ]
    head = re.search(r'<table class="agenda-table">\s*<thead>(.*?)</thead>', html, re.S)
    assert _text(head.group(1)) == "Waktu Sesi Tipe Ruang Pembicara"
    assert _agenda(html)[0][3:] == ("Paparan utama", "Menteri Kominfo (pembicara utama)")
    assert 'data-testid="event-status">Dibuka</span>' in html


# --- certificates ---------------------------------------------------------------------------


@pytest.fixture
def certificate(event, kupang_delegation) -> Certificate:
    registration = register(kupang_delegation, "Maria Goreti Ndun", position="Lurah Oebobo")
    arrive(registration)
    [certificate] = services.issue_certificates(actor=None, event=event)
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=_utc(2019, 10, 18, 10))
    certificate.refresh_from_db()
    return certificate


def _facts(html: str) -> dict[str, str]:
    block = re.search(r'data-testid="certificate">(.*?)</dl>', html, re.S).group(1)
    pairs = re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", block, re.S)
    return {dt_: _text(dd) for dt_, dd in pairs}


def _grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@pytest.mark.django_db
def test_certificate_page_shows_a_valid_certificate(certificate):
    response = _client().get(f"/events/verify/{certificate.code}/")
    html = _html(response)
    status = re.search(
        r'data-testid="certificate-status" data-status="(\w+)">(.*?)</div>', html, re.S
    )
    assert (status.group(1), _text(status.group(2))) == (
        "valid",
        "✓ VALID The network secretariat issued this certificate and it has not been revoked.",
    )
    assert _facts(html) == {
        "Verification code": _grouped(certificate.code),
        "Name": "Maria Goreti Ndun",
        "Delegation of": "Kota Kupang",
        "Event": EVENT_NAME,
        "Held": "16–18 October 2019, WITA, Kupang",
        "Issued": "18 October 2019",
    }
    assert f'href="/events/verify/{certificate.code}/certificate.pdf"' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    # Nothing beyond what the certificate says: no ticket code, no position in the registry.
    assert certificate.registration.code not in html


@pytest.mark.django_db
def test_certificate_codes_ignore_case_dashes_and_spaces(certificate):
    typed = _grouped(certificate.code).lower().replace("-", " - ", 1)
    response = _client().get(f"/events/verify/{typed}/")
    assert _facts(_html(response))["Name"] == "Maria Goreti Ndun"


@pytest.mark.django_db
def test_certificate_page_shows_a_revoked_certificate(certificate, secretariat):
    services.revoke_certificate(
        actor=secretariat, certificate=certificate, reason="Peserta tidak hadir penuh."
    )
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=_utc(2019, 11, 1, 3))
    html = _html(_client().get(f"/events/verify/{certificate.code}/"))
    status = re.search(
        r'data-testid="certificate-status" data-status="(\w+)">(.*?)</div>', html, re.S
    )
    assert (status.group(1), _text(status.group(2))) == (
        "revoked",
        "✗ REVOKED This certificate was revoked on 1 November 2019. It is no longer valid. "
        "Reason: Peserta tidak hadir penuh.",
    )
    assert "certificate.pdf" not in html


@pytest.mark.django_db
def test_revoked_certificate_has_no_pdf(certificate, secretariat):
    services.revoke_certificate(actor=secretariat, certificate=certificate, reason="Keliru.")
    response = _client().get(f"/events/verify/{certificate.code}/certificate.pdf")
    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'data-testid="no-pdf">A revoked certificate has no PDF.</p>' in html
    assert 'data-status="revoked"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["ZZZZZZZZZZZZ", "abc", "----"])
def test_unknown_code_says_no_certificate_has_it(db, code):
    response = _client().get(f"/events/verify/{code}/")
    assert response.status_code == 404
    html = response.content.decode()
    message = re.search(r'data-testid="unknown-code">(.*?)</p>', html, re.S).group(1)
    assert message == (
        f"No certificate has the code “{code}”. Check the code on the certificate and try again."
    )
    assert 'data-testid="verify-form"' in html
    assert _client().get(f"/events/verify/{code}/certificate.pdf").status_code == 404


@pytest.mark.django_db
def test_certificate_pdf_names_the_participant_and_the_code(certificate):
    response = _client().get(f"/events/verify/{certificate.code.lower()}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{SLUG}-certificate-{certificate.code}.pdf"'
    )
    reader = PdfReader(BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in (
        "CERTIFICATE OF ATTENDANCE",
        "Maria Goreti Ndun",
        "Lurah Oebobo, delegation of Kota Kupang, took part in",
        EVENT_NAME,
        "held in Kupang on 16–18 October 2019.",
        "Issued 18 October 2019",
        f"Verification code: {certificate.code}",
        f"http://testserver/events/verify/{certificate.code}/",
    ):
        assert expected in text, expected


@pytest.mark.django_db
def test_verify_form_leads_to_the_certificate(certificate):
    client = _client()
    html = _html(client.get("/events/verify/"))
    assert 'data-testid="verify-form"' in html
    assert "unknown-code" not in html
    typed = _grouped(certificate.code).lower()
    response = client.get("/events/verify/", {"code": f" {typed} "})
    assert response.status_code == 302
    assert response["Location"] == f"/events/verify/{certificate.code}/"


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["", "  ", "--//--"])
def test_verify_form_refuses_a_code_without_letters_or_digits(db, typed):
    html = _html(_client().get("/events/verify/", {"code": typed}))
    errors = re.search(r'<ul class="errorlist"[^>]*>(.*?)</ul>', html, re.S)
    assert _text(errors.group(1)) in (
        "This field is required.",
        "A verification code has letters and digits.",
    )


@pytest.mark.django_db
def test_a_draft_events_certificate_is_unknown_to_the_public(request, certificate, event):
    event.status = Event.Status.DRAFT
    event.save()
    assert _client().get(f"/events/verify/{certificate.code}/").status_code == 404
    html = _html(_client(request, "secretariat").get(f"/events/verify/{certificate.code}/"))
    assert _facts(html)["Name"] == "Maria Goreti Ndun"


@pytest.mark.django_db
def test_many_unknown_codes_from_one_address_are_slowed_down(certificate, monkeypatch):
    monkeypatch.setattr(public, "MISS_LIMIT", 3)
    client = _client()
    for number in range(3):
        assert client.get(f"/events/verify/UNKNOWN{number}/").status_code == 404
    # Now even a real code waits: guessing must not go on.
    response = client.get(f"/events/verify/{certificate.code}/")
    assert response.status_code == 429
    assert 'data-testid="throttled"' in response.content.decode()
    assert client.get(f"/events/verify/{certificate.code}/certificate.pdf").status_code == 429
    # Another address is not affected.
    other = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="192.0.2.7")
    assert other.get(f"/events/verify/{certificate.code}/").status_code == 200
