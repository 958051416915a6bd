"""The files an event hands out, opened again with their own libraries: iCalendar with
icalendar, PDFs with pypdf (text, page size, and the QR code's modules read back from the
embedded image, since no QR decoder is installed)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
import segno
from django.utils import translation
from icalendar import Calendar
from pypdf import PdfReader

from kotacerdas.core import pdf
from kotacerdas.events import documents
from kotacerdas.events.models import (
    Certificate,
    Delegation,
    Event,
    Registration,
    Session,
    Speaker,
)
from kotacerdas.events.services.checkin import ticket_payload

pytestmark = pytest.mark.integration

EVENT_NAME = "Sharing Best Practices CityNet Indonesia 2019"
VERIFY_URL = "https://kotacerdas.example/acara/sertifikat/K7QMXRT4WZ2P/"
A6 = (297.64, 419.53)  # points
A4 = (595.28, 841.89)
needs_unicode_font = pytest.mark.skipif(
    pdf.unicode_font() is None, reason="no DejaVu Sans on this machine"
)


def _utc(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2019, 10, day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def event(kupang):
    # 16–18 October 2019 in Kupang (WITA, UTC+8): 08:00 on the first day is 00:00 UTC.
    assert kupang.timezone == "Asia/Makassar"
    return Event.objects.create(
        slug="sbp-citynet-2019",
        name=EVENT_NAME,
        theme="Strategi Pengembangan Smart City",
        host_region=kupang,
        venue="Aula Demo",
        city="Kupang",
        starts_at=_utc(16, 0),
        ends_at=_utc(18, 9),
        capacity=500,
        status=Event.Status.OPEN,
    )


@pytest.fixture
def sessions(event) -> dict[str, Session]:
    def session(title, kind, room, start, end, *speakers):
        made = Session.objects.create(
            event=event, title=title, kind=kind, room=room, starts_at=start, ends_at=end
        )
        for position, (name, role, affiliation) in enumerate(speakers):
            Speaker.objects.create(
                session=made, position=position, name=name, role=role, affiliation=affiliation
            )
        return made

    return {
        "opening": session(
            "Pembukaan dan keynote",
            Session.Kind.KEYNOTE,
            "Ruang Utama",
            _utc(16, 0),
            _utc(16, 1),
            ("Menteri Kominfo (demo)", Speaker.Role.KEYNOTE, "Kementerian Kominfo"),
        ),
        "panel": session(
            "Panel kepala daerah",
            Session.Kind.PANEL,
            "Ruang Utama",
            _utc(16, 1, 15),
            _utc(16, 2, 30),
            ("Ketua CityNet (demo)", Speaker.Role.PANELIST, "CityNet"),
            ("Moderator (demo)", Speaker.Role.MODERATOR, ""),
        ),
        # 23:30 UTC on the 16th is 07:30 WITA on the 17th: it belongs to the second day.
        "breakfast": session(
            "Sarapan bersama", Session.Kind.BREAK, "", _utc(16, 23, 30), _utc(17, 0, 15)
        ),
        "visit": session(
            "Kunjungan lapangan", Session.Kind.FIELD_VISIT, "", _utc(17, 0, 30), _utc(17, 4)
        ),
    }


@pytest.fixture
def delegation(event, kupang):
    return Delegation.objects.create(event=event, region=kupang)


def _registration(delegation, index: int, name: str, code: str) -> Registration:
    return Registration.objects.create(
        delegation=delegation,
        name=name,
        role="camat",
        position="Camat Kelapa Lima",
        status=Registration.Status.CONFIRMED,
        token=f"demo-token-{index:032d}",
        code=code,
    )


@pytest.fixture
def registration(delegation):
    return _registration(delegation, 0, "Yohana Ndoen (demo)", "ABCDEFGHJK")


@pytest.fixture
def certificate(registration):
    return Certificate.objects.create(registration=registration, code="K7QMXRT4WZ2P")


def _text(pdf: bytes) -> tuple[PdfReader, str]:
    """The reader and all text, with line breaks and runs of spaces as one space (a long
    name wraps)."""
    reader = PdfReader(BytesIO(pdf))
    return reader, " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _size(page) -> tuple[float, float]:
    return round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)


def _modules(image, side: int) -> list[list[bool]]:
    """The dark modules of a QR image with a four-module quiet zone, read at each
    module's centre."""
    grey = image.convert("L")
    scale = grey.width / (side + 8)
    assert grey.width == grey.height and scale == int(scale)
    quiet_row = [grey.getpixel((x, int(scale) // 2)) for x in range(grey.width)]
    assert min(quiet_row) >= 128
    return [
        [
            grey.getpixel((int((4 + col + 0.5) * scale), int((4 + row + 0.5) * scale))) < 128
            for col in range(side)
        ]
        for row in range(side)
    ]


def _assert_qr_holds(image, text: str) -> None:
    """The embedded image is, module for module, the level-M QR symbol of ``text``."""
    expected = segno.make_qr(text, error="m")
    side = expected.symbol_size(border=0)[0]
    assert _modules(image, side) == [[bool(m) for m in row] for row in expected.matrix]


# --- iCalendar --------------------------------------------------------------------------


def test_event_ics_has_the_event_and_every_session_in_utc(event, sessions):
    with translation.override("en"):
        ics = documents.event_ics(event)
    calendar = Calendar.from_ical(ics)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//KotaCerdas//Events//ID"
    vevents = calendar.walk("VEVENT")
    assert len(vevents) == 5
    found = {
        str(v["UID"]): (
            str(v["SUMMARY"]),
            v.decoded("DTSTART"),
            v.decoded("DTEND"),
            str(v.get("LOCATION", "")),
        )
        for v in vevents
    }
    s = sessions
    assert found == {
        f"event-{event.pk}@kotacerdas": (EVENT_NAME, _utc(16, 0), _utc(18, 9), "Aula Demo, Kupang"),
        f"session-{s['opening'].pk}@kotacerdas": (
            "Pembukaan dan keynote",
            _utc(16, 0),
            _utc(16, 1),
            "Ruang Utama, Aula Demo, Kupang",
        ),
        f"session-{s['panel'].pk}@kotacerdas": (
            "Panel kepala daerah",
            _utc(16, 1, 15),
            _utc(16, 2, 30),
            "Ruang Utama, Aula Demo, Kupang",
        ),
        f"session-{s['breakfast'].pk}@kotacerdas": (
            "Sarapan bersama",
            _utc(16, 23, 30),
            _utc(17, 0, 15),
            "Aula Demo, Kupang",
        ),
        f"session-{s['visit'].pk}@kotacerdas": (
            "Kunjungan lapangan",
            _utc(17, 0, 30),
            _utc(17, 4),
            "Aula Demo, Kupang",
        ),
    }
    # Written in UTC ("Z"), not as a floating or zoned local time.
    assert b"DTSTART:20191016T000000Z" in ics
    assert b"DTSTART:20191016T233000Z" in ics
    assert all(v.decoded("DTSTART").utcoffset() == dt.timedelta(0) for v in vevents)


def test_event_ics_describes_speakers_with_their_roles(event, sessions):
    with translation.override("en"):
        calendar = Calendar.from_ical(documents.event_ics(event))
    by_uid = {str(v["UID"]): v for v in calendar.walk("VEVENT")}
    panel = by_uid[f"session-{sessions['panel'].pk}@kotacerdas"]
    assert str(panel["DESCRIPTION"]) == (
        "Panel\n"
        "Ketua CityNet (demo), CityNet (panelist)\n"
        "Moderator (demo) (moderator)\n"
        "\n"
        f"{EVENT_NAME}"
    )
    assert str(by_uid[f"event-{event.pk}@kotacerdas"]["DESCRIPTION"]) == (
        "Strategi Pengembangan Smart City"
    )


def test_session_ics_holds_that_session_alone(sessions):
    opening = sessions["opening"]
    with translation.override("en"):
        calendar = Calendar.from_ical(documents.session_ics(opening))
    [vevent] = calendar.walk("VEVENT")
    assert str(calendar["VERSION"]) == "2.0"
    assert str(vevent["UID"]) == f"session-{opening.pk}@kotacerdas"
    assert str(vevent["SUMMARY"]) == "Pembukaan dan keynote"
    assert vevent.decoded("DTSTART") == opening.starts_at == _utc(16, 0)
    assert vevent.decoded("DTEND") == opening.ends_at
    assert str(vevent["LOCATION"]) == "Ruang Utama, Aula Demo, Kupang"
    assert str(vevent["DESCRIPTION"]) == (
        f"Keynote\nMenteri Kominfo (demo), Kementerian Kominfo (keynote speaker)\n\n{EVENT_NAME}"
    )


# --- agenda -----------------------------------------------------------------------------


def test_agenda_pdf_lists_sessions_by_day_in_the_hosts_zone(event, sessions):
    reader, text = _text(documents.agenda_pdf(event))
    assert len(reader.pages) == 1
    assert _size(reader.pages[0]) == A4
    expected_order = [
        EVENT_NAME,
        "16–18 Oktober 2019",
        "Rabu, 16 Oktober 2019",
        "08.00–09.00 WITA",
        "Pembukaan dan keynote",
        "Menteri Kominfo (demo)",
        "09.15–10.30 WITA",
        "Panel kepala daerah",
        "Ketua CityNet (demo)",
        "Moderator (demo)",
        "Kamis, 17 Oktober 2019",
        "07.30–08.15 WITA",
        "Sarapan bersama",
        "08.30–12.00 WITA",
        "Kunjungan lapangan",
    ]
    positions = [text.find(piece) for piece in expected_order]
    assert -1 not in positions, [
        p for p, at in zip(expected_order, positions, strict=True) if at < 0
    ]
    assert positions == sorted(positions)
    assert "Jumat" not in text  # no session on the third day: no heading for it


def test_agenda_pdf_of_an_event_without_sessions_has_its_heading_only(event):
    reader, text = _text(documents.agenda_pdf(event))
    assert len(reader.pages) == 1
    assert EVENT_NAME in text
    assert "WITA" in text
    assert "Rabu" not in text


# --- tickets ----------------------------------------------------------------------------


def test_ticket_pdf_shows_event_participant_and_grouped_code(registration):
    reader, text = _text(documents.ticket_pdf(registration))
    assert len(reader.pages) == 1
    assert _size(reader.pages[0]) == A6
    for piece in (
        EVENT_NAME,
        "16–18 Oktober 2019",
        "08.00 WITA",
        "Aula Demo, Kupang",
        "Yohana Ndoen (demo)",
        "Camat Kelapa Lima",
        "Kota Kupang",
        "ABCD-EFGH-JK",
    ):
        assert piece in text, piece


def test_ticket_pdf_qr_code_carries_the_signed_token(registration):
    reader = PdfReader(BytesIO(documents.ticket_pdf(registration)))
    [image] = reader.pages[0].images
    payload = ticket_payload(registration)
    assert payload.startswith(registration.token + ":")
    _assert_qr_holds(image.image, payload)


@needs_unicode_font
def test_ticket_pdf_prints_a_name_outside_latin1_as_typed(delegation):
    registration = _registration(delegation, 1, "Nguyễn Thị Ánh (demo)", "MNPQRSTUVW")
    _, text = _text(documents.ticket_pdf(registration))
    assert "Nguyễn Thị Ánh (demo)" in text


def test_ticket_pdf_without_a_unicode_font_spells_such_a_name_in_base_letters(
    delegation, monkeypatch
):
    monkeypatch.setattr(pdf, "unicode_font", lambda: None)
    registration = _registration(delegation, 1, "Nguyễn Thị Ánh 李 (demo)", "MNPQRSTUVW")
    _, text = _text(documents.ticket_pdf(registration))
    # Windows-1252 keeps Á and the en dash; ễ and ị lose their marks; 李 has no base letter.
    assert "Nguyen Thi Ánh ? (demo)" in text
    assert "16–18 Oktober 2019" in text
    assert "MNPQ-RSTU-VW" in text


def test_grouped_code_splits_in_fours():
    assert documents.grouped_code("ABCDEFGHJK") == "ABCD-EFGH-JK"
    assert documents.grouped_code("K7QMXRT4WZ2P") == "K7QM-XRT4-WZ2P"
    assert documents.grouped_code("") == ""


def test_make_qr_png_is_the_level_m_symbol_of_its_text():
    from PIL import Image

    _assert_qr_holds(Image.open(BytesIO(documents.make_qr_png("halo"))), "halo")


# --- badges -----------------------------------------------------------------------------


def test_badges_pdf_puts_eight_on_a_page_each_with_its_own_qr(delegation):
    made = [
        _registration(delegation, i, f"Peserta Demo {i:02d}", f"ABCDEFGH{i:02d}") for i in range(9)
    ]
    registrations = Registration.objects.filter(pk__in=[r.pk for r in made]).select_related(
        "delegation__event__host_region", "delegation__region"
    )
    reader = PdfReader(BytesIO(documents.badges_pdf(registrations.order_by("pk"))))
    assert len(reader.pages) == 2
    assert [_size(page) for page in reader.pages] == [A4, A4]
    first, second = (page.extract_text() for page in reader.pages)
    assert all(f"Peserta Demo {i:02d}" in first for i in range(8))
    assert "Peserta Demo 08" in second and "Peserta Demo 07" not in second
    assert "Camat Kelapa Lima" in second and "Kota Kupang" in second
    assert [len(page.images) for page in reader.pages] == [8, 1]
    _assert_qr_holds(reader.pages[1].images[0].image, ticket_payload(made[8]))


def test_badges_pdf_of_nobody_is_one_empty_page(db):
    reader = PdfReader(BytesIO(documents.badges_pdf([])))
    assert len(reader.pages) == 1
    assert reader.pages[0].extract_text() == ""


# --- certificates -----------------------------------------------------------------------


def test_certificate_pdf_names_the_attendee_and_how_to_verify(certificate):
    reader, text = _text(documents.certificate_pdf(certificate, VERIFY_URL))
    assert len(reader.pages) == 1
    assert _size(reader.pages[0]) == (A4[1], A4[0])  # landscape
    for piece in (
        "Yohana Ndoen (demo)",
        EVENT_NAME,
        "Strategi Pengembangan Smart City",
        "Kupang",
        "16–18 Oktober 2019",
        "Kota Kupang",
        "K7QMXRT4WZ2P",
        VERIFY_URL,
    ):
        assert piece in text, piece
    [image] = reader.pages[0].images
    _assert_qr_holds(image.image, VERIFY_URL)


def test_certificate_pdf_refuses_a_revoked_certificate(certificate):
    certificate.revoked_at = _utc(20, 0)
    certificate.revoked_reason = "Did not attend."
    certificate.save()
    with pytest.raises(ValueError, match="revoked"), translation.override("en"):
        documents.certificate_pdf(certificate, VERIFY_URL)
