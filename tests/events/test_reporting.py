"""Attendance reports, the secretariat's dashboard, exports and certificate lookup."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from kotacerdas.events import selectors, services
from kotacerdas.events.models import Event, Quota

from ..factories import RegionFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def seminar(kupang, sumba):
    start = timezone.now() + dt.timedelta(days=30)
    event = Event.objects.create(
        slug="seminar-laporan",
        name="Seminar Laporan",
        host_region=kupang,
        starts_at=start,
        ends_at=start + dt.timedelta(days=2),
        capacity=4,
        status=Event.Status.OPEN,
    )
    Quota.objects.create(event=event, region=None, role="camat", limit=1)
    kota = services.open_delegation(actor=None, event=event, region=kupang)
    kabupaten = services.open_delegation(actor=None, event=event, region=sumba)
    people = {}
    for delegation, name, role in (
        (kota, "Ana", "head"),
        (kota, "=Budi", "camat"),
        (kota, "Citra", "camat"),  # waitlisted: one camat only
        (kabupaten, "Dedi", "staff"),
        (kabupaten, "Eka", "staff"),
        (kabupaten, "Fajar", "staff"),  # waitlisted: capacity 4
    ):
        people[name] = services.register_participant(
            actor=None, delegation=delegation, data={"name": name, "role": role}
        )
    for name in ("Ana", "Dedi"):
        services.check_in(
            actor=None, event=event, scanned=services.ticket_payload(people[name]), place="Pintu A"
        )
    return event, people


def test_attendance_by_region_and_role_counts_confirmed_and_arrived(seminar):
    event, _people = seminar

    by_region = [
        (r.label, r.confirmed, r.arrived, r.no_shows) for r in selectors.attendance_by_region(event)
    ]
    by_role = [
        (r.key, r.confirmed, r.arrived, r.no_shows) for r in selectors.attendance_by_role(event)
    ]

    assert by_region == [("Kabupaten Sumba Timur", 2, 1, 1), ("Kota Kupang", 2, 1, 1)]
    assert by_role == [("head", 1, 1, 0), ("camat", 1, 0, 1), ("staff", 2, 1, 1)]


def test_no_shows_are_the_confirmed_who_never_arrived(seminar):
    event, _people = seminar
    assert [r.name for r in selectors.no_shows(event)] == ["Eka", "=Budi"]


def test_dashboard_counts_each_status_and_arrivals(seminar):
    event, _people = seminar
    assert selectors.dashboard(event) == selectors.Dashboard(
        capacity=4, confirmed=4, waitlisted=2, pending=0, cancelled=0, arrived=2, delegations=2
    )


def test_participants_csv_neutralises_formulas_and_reports_arrival(seminar):
    event, _people = seminar

    rows = list(csv.reader(io.StringIO(selectors.participants_csv(event).decode("utf-8-sig"))))

    assert rows[0] == list(selectors.HEADER)
    assert [(r[1], r[2], r[3], r[9], r[10]) for r in rows[1:]] == [
        ("Kabupaten Sumba Timur", "Dedi", "staff", "confirmed", "True"),
        ("Kabupaten Sumba Timur", "Eka", "staff", "confirmed", "False"),
        ("Kabupaten Sumba Timur", "Fajar", "staff", "waitlisted", "False"),
        ("Kota Kupang", "Ana", "head", "confirmed", "True"),
        ("Kota Kupang", "'=Budi", "camat", "confirmed", "False"),
        ("Kota Kupang", "Citra", "camat", "waitlisted", "False"),
    ]


def test_participants_xlsx_has_participants_and_attendance_sheets(seminar):
    event, _people = seminar

    book = openpyxl.load_workbook(io.BytesIO(selectors.participants_xlsx(event)))

    assert book.sheetnames == ["participants", "by_region", "by_role"]
    names = [row[2] for row in book["participants"].iter_rows(min_row=2, values_only=True)]
    assert names == ["Dedi", "Eka", "Fajar", "Ana", "'=Budi", "Citra"]
    assert list(book["by_role"].iter_rows(values_only=True)) == [
        ("role", "confirmed", "arrived", "no_shows"),
        ("head", 1, 1, 0),
        ("camat", 1, 0, 1),
        ("staff", 2, 1, 1),
    ]


def test_certificate_by_code_ignores_case_and_dashes(seminar):
    event, _people = seminar
    [first, _second] = services.issue_certificates(actor=None, event=event)
    code = first.code

    found = selectors.certificate_by_code(f"{code[:4].lower()}-{code[4:]}")

    assert found == first
    assert found.registration.name == "Ana"
    assert selectors.certificate_by_code("") is None
    assert selectors.certificate_by_code("TIDAKADA") is None


def test_participants_of_other_events_stay_apart(seminar, kupang):
    event, _people = seminar
    other = Event.objects.create(
        slug="seminar-lain",
        name="Seminar Lain",
        host_region=RegionFactory(code="53.02", name="Kabupaten Timor Tengah Selatan"),
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        capacity=10,
        status=Event.Status.OPEN,
    )
    services.register_participant(
        actor=None,
        delegation=services.open_delegation(actor=None, event=other, region=kupang),
        data={"name": "Gita", "role": "staff"},
    )
    assert selectors.participants(event).count() == 6
    assert [r.name for r in selectors.participants(other)] == ["Gita"]
