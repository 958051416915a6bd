"""Events on other apps' pages: a practice's page lists the sessions it was presented at and
the event's agenda links the practice back; a region's page lists the events it hosts and
those its delegation took part in, with counts and no names. Drafts appear nowhere."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.test import Client

from kotacerdas.events import services
from kotacerdas.events.models import Event, Session

from ..practices.fixtures import make_practice, publish
from .fixtures import arrive, event, kupang_delegation, register, sumba_delegation

pytestmark = pytest.mark.integration

SLUG = "sbp-citynet-2019"
PRACTICE_SLUG = "pajak-restoran-daring-dengan-perekam-transaksi"
PRACTICE_TITLE = "Pajak Restoran Daring dengan Perekam Transaksi"
EVENT_NAME = "Sharing Best Practices CityNet Indonesia 2019"


def _html(url: str) -> str:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment)).strip()


def _items(html: str, testid: str) -> list[str]:
    block = re.search(rf'data-testid="{testid}">(.*?)</ul>', html, re.S)
    return [_text(li) for li in re.findall(r"<li[^>]*>(.*?)</li>", block.group(1), re.S)]


@pytest.fixture
def practice(officer, secretariat, kupang):
    return publish(make_practice(officer, kupang), secretariat)


@pytest.fixture
def panel(event, practice) -> Session:
    panel = event.sessions.get(kind=Session.Kind.PANEL)
    panel.practices.add(practice)
    return panel


# --- practice ↔ session ---------------------------------------------------------------------


@pytest.mark.django_db
def test_practice_page_lists_the_session_it_was_presented_at(panel):
    html = _html(f"/practices/{PRACTICE_SLUG}/")
    section = re.search(r'data-testid="presented-at">(.*?)</section>', html, re.S).group(1)
    assert '<h2 id="presented-h">Presented at</h2>' in section
    assert _items(html, "presented-at") == [
        f"{EVENT_NAME} — 17 October 2019: Inovasi Pendapatan Asli Daerah"
    ]
    assert f'href="/events/{SLUG}/#session-{panel.pk}"' in section


@pytest.mark.django_db
def test_event_page_links_the_practice_presented(panel):
    html = _html(f"/events/{SLUG}/")
    row = re.search(rf'<tr id="session-{panel.pk}".*?</tr>', html, re.S).group(0)
    assert _items(row, "session-practices") == [f"{PRACTICE_TITLE} — Kota Kupang"]
    assert f'<a href="/practices/{PRACTICE_SLUG}/">{PRACTICE_TITLE}</a>' in row


@pytest.mark.django_db
def test_an_unpublished_practice_is_not_linked_from_the_agenda(event, officer, kupang):
    draft = make_practice(officer, kupang, title="Praktik Belum Terbit")
    event.sessions.get(kind=Session.Kind.PANEL).practices.add(draft)
    html = _html(f"/events/{SLUG}/")
    assert 'data-testid="session-practices"' not in html
    assert "Praktik Belum Terbit" not in html


@pytest.mark.django_db
def test_a_draft_events_session_is_not_on_the_practice_page(event, panel):
    event.status = Event.Status.DRAFT
    event.save()
    html = _html(f"/practices/{PRACTICE_SLUG}/")
    assert 'data-testid="presented-at"' not in html
    assert EVENT_NAME not in html


@pytest.mark.django_db
def test_practice_page_without_sessions_has_no_presented_section(practice):
    assert 'data-testid="presented-at"' not in _html(f"/practices/{PRACTICE_SLUG}/")


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 3])
def test_practice_sessions_tag_is_one_query(event, practice, n, django_assert_num_queries):
    for i in range(n):
        session = Session.objects.create(
            event=event,
            title=f"Sesi {i}",
            kind=Session.Kind.PRESENTATION,
            starts_at=dt.datetime(2019, 10, 18, i, tzinfo=dt.UTC),
            ends_at=dt.datetime(2019, 10, 18, i + 1, tzinfo=dt.UTC),
        )
        session.practices.add(practice)
    template = Template("{% load events_tags %}{% practice_sessions practice %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"practice": practice}))
    assert html.count("data-session=") == n


# --- region ↔ events ------------------------------------------------------------------------


@pytest.fixture
def attendance(event, kupang_delegation, sumba_delegation):
    """Kupang: two confirmed, one of whom arrived, one cancelled. Sumba: one confirmed who
    arrived at a session only (not at the event)."""
    first = register(kupang_delegation, "Peserta Kupang Satu")
    register(kupang_delegation, "Peserta Kupang Dua")
    services.cancel_registration(
        actor=None, registration=register(kupang_delegation, "Peserta Kupang Batal")
    )
    arrive(first)
    sumba = register(sumba_delegation, "Peserta Sumba")
    arrive(sumba, session=event.sessions.get(kind=Session.Kind.KEYNOTE))
    return event


@pytest.mark.django_db
def test_host_region_page_lists_the_events_it_hosts_with_counts(attendance):
    html = _html("/regions/53.71/")
    section = re.search(r'data-testid="events-section">(.*?)</section>', html, re.S).group(1)
    assert _items(section, "hosted-events") == [
        f"{EVENT_NAME} 16–18 October 2019, WITA · 2 delegations, 3 confirmed participants"
    ]
    assert _items(section, "delegation-events") == [
        f"{EVENT_NAME} 16–18 October 2019, WITA · 2 confirmed participants, 1 attended"
    ]
    assert f'href="/events/{SLUG}/"' in section
    assert "Peserta" not in section


@pytest.mark.django_db
def test_delegation_region_page_lists_the_event_its_delegation_went_to(attendance):
    html = _html("/regions/53.11/")
    assert re.search(
        r'data-testid="delegation-events">.*?data-confirmed="1" data-arrived="0"', html, re.S
    )
    assert _items(html, "delegation-events") == [
        f"{EVENT_NAME} 16–18 October 2019, WITA · 1 confirmed participant, 0 attended"
    ]
    assert "The region has not hosted an event." in html


@pytest.mark.django_db
def test_region_page_counts_no_attendance_before_the_event(event, kupang_delegation):
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    Event.objects.filter(pk=event.pk).update(starts_at=start, ends_at=start + dt.timedelta(days=2))
    register(kupang_delegation, "Peserta Kupang")
    html = _html("/regions/53.71/")
    [line] = _items(html, "delegation-events")
    assert line.endswith("· 1 confirmed participant")


@pytest.mark.django_db
def test_region_page_leaves_out_draft_events(event, kupang_delegation):
    event.status = Event.Status.DRAFT
    event.save()
    html = _html("/regions/53.71/")
    assert EVENT_NAME not in html
    assert "The region has not hosted an event." in html
    assert "The region's delegation has not registered for an event." in html


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 3])
def test_region_events_tag_is_two_queries(kupang, sumba, n, django_assert_num_queries):
    for i in range(n):
        event = Event.objects.create(
            slug=f"acara-{i}",
            name=f"Acara {i}",
            host_region=kupang,
            starts_at=dt.datetime(2019 + i, 10, 16, tzinfo=dt.UTC),
            ends_at=dt.datetime(2019 + i, 10, 17, tzinfo=dt.UTC),
            capacity=10,
            status=Event.Status.HELD,
        )
        for region in (kupang, sumba):
            delegation = services.open_delegation(actor=None, event=event, region=region)
            register(delegation, f"Peserta {i} {region.code}")
    template = Template("{% load events_tags %}{% region_events region %}")
    with django_assert_num_queries(2):
        html = template.render(Context({"region": kupang}))
    assert len(_items(html, "hosted-events")) == n
    assert len(_items(html, "delegation-events")) == n
