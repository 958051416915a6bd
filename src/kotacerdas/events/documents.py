"""The files an event hands out: iCalendar exports, the printable agenda, tickets, badges
and certificates of attendance, each returned as bytes for a view, an e-mail or the CLI.

Times are stored in UTC and printed in the host region's zone with its abbreviation, the
Indonesian way (``08.30–09.15 WITA``); dates follow the active language (Indonesian by
default: ``Rabu, 16 Oktober 2019``).

Fonts are never fetched: the PDFs use DejaVu Sans when a package on the machine ships it
(Debian's ``fonts-dejavu-core``, which fontconfig and so Chromium pull in, or matplotlib's
copy), so any name prints as typed. Without it they fall back to the PDF core font
Helvetica, which only knows Windows-1252; a character outside it is printed as its base
letters (``ễ`` → ``e``) or, failing that, as ``?`` — never dropped silently, never an
error. The same replacement covers a character DejaVu itself lacks (CJK, for instance).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from io import BytesIO
from itertools import groupby

import segno
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from fpdf import FontFace, XPos, YPos
from icalendar import Calendar
from icalendar import Event as VEvent

from kotacerdas.core.pdf import HousePDF

from .models import Certificate, Event, Registration, Session, Speaker
from .services.checkin import ticket_payload

__all__ = [
    "agenda_pdf",
    "badges_pdf",
    "certificate_pdf",
    "event_ics",
    "grouped_code",
    "make_qr_png",
    "qr_code",
    "session_ics",
    "ticket_pdf",
]

PRODID = "-//KotaCerdas//Events//ID"
# fpdf2 names no A6 (and warns on "A5"): sizes in millimetres.
A6 = (105.0, 148.0)


# --- text -------------------------------------------------------------------------------


def grouped_code(code: str, size: int = 4) -> str:
    """``ABCDEFGHJK`` as ``ABCD-EFGH-JK``: easier to read out and to type."""
    return "-".join(code[i : i + size] for i in range(0, len(code), size))


def in_host_zone(event: Event, moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(event.zone)


def _clock(event: Event, moment: dt.datetime) -> str:
    return f"{in_host_zone(event, moment):%H.%M}"


def time_range(event: Event, start: dt.datetime, end: dt.datetime) -> str:
    return f"{_clock(event, start)}–{_clock(event, end)} {event.zone_abbreviation}"


def _day(day: dt.date) -> str:
    return format_date(day, "l, j F Y")


def date_range(event: Event) -> str:
    """The event's days in the host's zone: ``16–18 Oktober 2019``."""
    start, end = (
        in_host_zone(event, event.starts_at).date(),
        in_host_zone(event, event.ends_at).date(),
    )
    if start == end:
        return format_date(start, "j F Y")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_date(end, 'j F Y')}"
    if start.year == end.year:
        return f"{format_date(start, 'j F')} – {format_date(end, 'j F Y')}"
    return f"{format_date(start, 'j F Y')} – {format_date(end, 'j F Y')}"


def _place(*parts: str) -> str:
    return ", ".join(part.strip() for part in parts if part and part.strip())


def _speaker_line(speaker: Speaker) -> str:
    who = _place(speaker.name, speaker.affiliation)
    return f"{who} ({speaker.get_role_display()})"


def _participant_line(registration: Registration) -> str:
    """The position as the region names it (``Camat Kelapa Lima``), else the role."""
    return registration.position or capfirst(registration.get_role_display())


# --- iCalendar --------------------------------------------------------------------------


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _vevent(
    uid: str,
    summary: str,
    start: dt.datetime,
    end: dt.datetime,
    location: str,
    description: str,
) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", uid)
    vevent.add("dtstamp", timezone.now().astimezone(dt.UTC))
    vevent.add("dtstart", start.astimezone(dt.UTC))
    vevent.add("dtend", end.astimezone(dt.UTC))
    vevent.add("summary", summary)
    if location:
        vevent.add("location", location)
    if description:
        vevent.add("description", description)
    return vevent


def _session_vevent(session: Session, event: Event) -> VEvent:
    lines = [capfirst(session.get_kind_display())]
    lines += [_speaker_line(speaker) for speaker in session.speakers.all()]
    if session.description:
        lines += ["", session.description]
    lines += ["", event.name]
    return _vevent(
        f"session-{session.pk}@kotacerdas",
        session.title,
        session.starts_at,
        session.ends_at,
        _place(session.room, event.venue, event.city),
        "\n".join(lines),
    )


def event_ics(event: Event) -> bytes:
    """An iCalendar file with the whole event and one VEVENT per session, times in UTC."""
    calendar = _calendar(event.name)
    description = "\n\n".join(part for part in (event.theme, event.description) if part)
    calendar.add_component(
        _vevent(
            f"event-{event.pk}@kotacerdas",
            event.name,
            event.starts_at,
            event.ends_at,
            _place(event.venue, event.city),
            description,
        )
    )
    for session in event.sessions.prefetch_related("speakers").order_by("starts_at", "pk"):
        calendar.add_component(_session_vevent(session, event))
    return calendar.to_ical()


def session_ics(session: Session) -> bytes:
    """An iCalendar file with one session of an event."""
    calendar = _calendar(session.event.name)
    calendar.add_component(_session_vevent(session, session.event))
    return calendar.to_ical()


# --- QR codes ---------------------------------------------------------------------------


def qr_code(text: str) -> segno.QRCode:
    """The QR symbol printed for ``text``: level M survives a creased or smudged ticket."""
    return segno.make_qr(text, error="m")


def make_qr_png(text: str, *, scale: int = 8) -> bytes:
    """``text`` as a black-and-white PNG QR code with the standard four-module border."""
    buffer = BytesIO()
    qr_code(text).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


# --- PDF layout -------------------------------------------------------------------------


class _Document(HousePDF):
    """A page set in the house font, that prints every character it is given somehow."""

    def __init__(
        self, *, title: str, orientation: str = "portrait", page: str | tuple[float, float] = "A4"
    ):
        super().__init__(orientation=orientation, page=page)
        self.set_title(title)
        self.set_lang(translation.get_language() or "id")
        self.set_margins(12, 12)
        self.set_auto_page_break(True, margin=12)

    def paragraph(self, text: str, size: float, *, bold=False, align="C", w: float = 0) -> None:
        """A paragraph from the current x, wrapped to ``w`` (0: the right margin)."""
        self.font(size, bold=bold)
        self.multi_cell(w, size * 0.45, text, align=align, new_x=XPos.LEFT, new_y=YPos.NEXT)

    def fit(self, text: str, width: float, size: float, smallest: float) -> float:
        """The largest font size up to ``size`` at which ``text`` fits on one line."""
        self.font(size, bold=True)
        while size > smallest and self.get_string_width(text) > width - 2 * self.c_margin:
            size -= 0.5
            self.font(size, bold=True)
        return size

    def qr(self, text: str, x: float, y: float, size: float) -> None:
        self.image(BytesIO(make_qr_png(text)), x=x, y=y, w=size, h=size)

    def to_bytes(self) -> bytes:
        return bytes(self.output())


# --- PDF documents ----------------------------------------------------------------------


def _agenda_day(pdf: _Document, event: Event, day: dt.date, sessions: list[Session]) -> None:
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.ln(4)
    pdf.paragraph(_day(day), 12, bold=True, align="L")
    pdf.ln(1)
    pdf.font(8.5)
    bold = FontFace(emphasis="BOLD")
    with pdf.table(
        col_widths=(30, 20, 50, 24, 50),
        text_align="LEFT",
        borders_layout="HORIZONTAL_LINES",
        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
        line_height=4.2,
        padding=1.2,
    ) as table:
        table.row([_("Time"), _("Type"), _("Session"), _("Room"), _("Speakers")])
        for session in sessions:
            row = table.row()
            row.cell(time_range(event, session.starts_at, session.ends_at))
            row.cell(capfirst(session.get_kind_display()))
            row.cell(session.title, style=bold)
            row.cell(session.room)
            row.cell("\n".join(_speaker_line(s) for s in session.speakers.all()))


def agenda_pdf(event: Event) -> bytes:
    """The printable agenda: one table per day in the host's zone, A4 portrait."""
    pdf = _Document(title=_("Agenda: %(event)s") % {"event": event.name})
    pdf.add_page()
    pdf.paragraph(event.name, 16, bold=True)
    if event.theme:
        pdf.paragraph(event.theme, 11)
    pdf.paragraph(_place(date_range(event), event.venue, event.city), 10)
    pdf.paragraph(_("Times are %(zone)s.") % {"zone": event.zone_abbreviation}, 8)
    sessions = event.sessions.prefetch_related("speakers").order_by("starts_at", "pk")
    for day, items in groupby(sessions, key=lambda s: in_host_zone(event, s.starts_at).date()):
        _agenda_day(pdf, event, day, list(items))
    return pdf.to_bytes()


def ticket_pdf(registration: Registration) -> bytes:
    """An A6 ticket: the event, the participant, the QR code and the code to type."""
    event = registration.delegation.event
    pdf = _Document(title=_("Ticket: %(name)s") % {"name": registration.name}, page=A6)
    pdf.set_margins(8, 8)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.paragraph(_("Participant ticket").upper(), 8, bold=True)
    pdf.ln(1)
    pdf.paragraph(event.name, 12, bold=True)
    pdf.paragraph(date_range(event), 9)
    pdf.paragraph(_("starts %(time)s") % {"time": _local_start(event)}, 9)
    pdf.paragraph(_place(event.venue, event.city), 9)
    pdf.ln(3)
    pdf.paragraph(registration.name, pdf.fit(registration.name, pdf.epw, 16, 10), bold=True)
    pdf.paragraph(_participant_line(registration), 9)
    pdf.paragraph(registration.delegation.region.name, 9)
    size = 50
    pdf.qr(ticket_payload(registration), (pdf.w - size) / 2, pdf.get_y() + 2, size)
    pdf.set_y(pdf.get_y() + size + 2)
    pdf.paragraph(grouped_code(registration.code), 14, bold=True)
    pdf.paragraph(_("Show the QR code at the check-in desk, or give this code."), 7)
    return pdf.to_bytes()


def _local_start(event: Event) -> str:
    return f"{_clock(event, event.starts_at)} {event.zone_abbreviation}"


BADGE_W, BADGE_H, BADGE_COLUMNS, BADGE_ROWS = 90.0, 65.0, 2, 4
BADGE_QR = 22.0


def _badge(pdf: _Document, registration: Registration, x: float, y: float) -> None:
    pdf.set_draw_color(160, 160, 160)  # a light cutting line
    pdf.rect(x, y, BADGE_W, BADGE_H)
    pdf.set_xy(x + 4, y + 4)
    pdf.paragraph(registration.delegation.event.name, 7, align="L", w=BADGE_W - 8)
    pdf.set_xy(x + 4, y + 14)
    size = pdf.fit(registration.name, BADGE_W - 8, 20, 11)
    pdf.paragraph(registration.name, size, bold=True, align="L", w=BADGE_W - 8)
    pdf.set_x(x + 4)
    pdf.paragraph(_participant_line(registration), 10, align="L", w=BADGE_W - 12 - BADGE_QR)
    pdf.set_x(x + 4)
    pdf.paragraph(registration.delegation.region.name, 10, align="L", w=BADGE_W - 12 - BADGE_QR)
    qr_x, qr_y = x + BADGE_W - 4 - BADGE_QR, y + BADGE_H - 4 - BADGE_QR
    pdf.qr(ticket_payload(registration), qr_x, qr_y, BADGE_QR)


def badges_pdf(registrations: Iterable[Registration]) -> bytes:
    """Badges to cut out, eight to an A4 page (no registrations: one empty page)."""
    pdf = _Document(title=_("Badges"))
    pdf.set_auto_page_break(False)
    per_page = BADGE_COLUMNS * BADGE_ROWS
    left = (pdf.w - BADGE_COLUMNS * BADGE_W) / 2
    top = (pdf.h - BADGE_ROWS * BADGE_H) / 2
    pdf.add_page()
    for index, registration in enumerate(registrations):
        if index and index % per_page == 0:
            pdf.add_page()
        row, column = divmod(index % per_page, BADGE_COLUMNS)
        _badge(pdf, registration, left + column * BADGE_W, top + row * BADGE_H)
    return pdf.to_bytes()


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    """An A4 landscape certificate of attendance, with its code, URL and a QR of the URL.

    Raises ValueError for a revoked certificate: show its verification page instead.
    """
    if certificate.revoked_at is not None:
        raise ValueError(_("A revoked certificate is not printed."))
    name = certificate.registration.name
    pdf = _Document(title=_("Certificate: %(name)s") % {"name": name}, orientation="landscape")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, pdf.w - 22, pdf.h - 22)
    pdf.set_margins(25, 25, 25)
    _certificate_body(pdf, certificate.registration)
    _certificate_footer(pdf, certificate, verify_url)
    return pdf.to_bytes()


def _certificate_body(pdf: _Document, registration: Registration) -> None:
    event = registration.delegation.event
    took_part = _("%(role)s, delegation of %(region)s, took part in") % {
        "role": _participant_line(registration),
        "region": registration.delegation.region.name,
    }
    held = _("held in %(city)s on %(dates)s.") % {
        "city": event.city or event.host_region.name,
        "dates": date_range(event),
    }
    pdf.set_xy(25, 34)
    pdf.paragraph(_("Certificate of attendance").upper(), 26, bold=True)
    pdf.ln(10)
    pdf.paragraph(_("This certifies that"), 12)
    pdf.ln(5)
    pdf.paragraph(registration.name, pdf.fit(registration.name, pdf.epw, 28, 14), bold=True)
    pdf.ln(5)
    pdf.paragraph(took_part, 12)
    pdf.ln(5)
    pdf.paragraph(event.name, 18, bold=True)
    if event.theme:
        pdf.ln(1)
        pdf.paragraph(f"“{event.theme}”", 12)
    pdf.ln(4)
    pdf.paragraph(held, 12)


def _certificate_footer(pdf: _Document, certificate: Certificate, verify_url: str) -> None:
    size = 32
    pdf.qr(verify_url, pdf.w - 25 - size, pdf.h - 22 - size, size)
    pdf.set_xy(25, pdf.h - 22 - size + 4)
    width = pdf.w - 50 - size - 6
    event = certificate.registration.delegation.event
    issued = format_date(in_host_zone(event, certificate.issued_at), "j F Y")
    code = _("Verification code: %(code)s") % {"code": certificate.code}
    pdf.paragraph(_("Issued %(date)s") % {"date": issued}, 9, align="L", w=width)
    pdf.paragraph(code, 11, bold=True, align="L", w=width)
    pdf.paragraph(_("Verify this certificate at"), 9, align="L", w=width)
    pdf.paragraph(verify_url, 9, align="L", w=width)
