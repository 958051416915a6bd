"""The secretariat's desk: who may use it, the figures during the event, quotas, invited
delegations, approval, certificates, and the participant exports and badges."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.test import Client
from pypdf import PdfReader

from kotacerdas.core.models import AuditEvent
from kotacerdas.events import services
from kotacerdas.events.models import Certificate, Event, Quota, Registration

from .fixtures import arrive, event, kupang_delegation, register, sumba_delegation

pytestmark = pytest.mark.integration

DESK = "/events/sbp-citynet-2019/desk/"
LOGIN = "login"


def _client(request, role: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def _table(response, testid: str) -> list[str]:
    """The rows of a table on the page as text, header first."""
    html = response.content.decode()
    table = re.search(rf'<table data-testid="{testid}">(.*?)</table>', html, re.S)
    assert table, testid
    return [_text(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)]


@pytest.fixture
def secretary(secretariat):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(secretariat)
    return client


@pytest.fixture
def seminar(event, kupang_delegation, sumba_delegation):
    """Three confirmed (two arrived), one waiting, one cancelled."""
    Event.objects.filter(pk=event.pk).update(capacity=3)
    event.refresh_from_db()
    ina = register(kupang_delegation, "Ina Demo", "head")
    budi = register(kupang_delegation, "Budi Demo", "camat")
    register(sumba_delegation, "Citra Demo", "staff")
    register(sumba_delegation, "Dodi Demo", "staff")
    services.cancel_registration(actor=None, registration=register(kupang_delegation, "X Demo"))
    arrive(ina)
    arrive(budi)
    return event


PAGES = [
    ("get", DESK),
    ("get", "/events/sbp-citynet-2019/participants.csv"),
    ("get", "/events/sbp-citynet-2019/participants.xlsx"),
    ("get", "/events/sbp-citynet-2019/badges.pdf"),
    ("post", "/events/sbp-citynet-2019/desk/quota/"),
    ("post", "/events/sbp-citynet-2019/desk/invite/"),
    ("post", "/events/sbp-citynet-2019/desk/certificates/"),
    ("post", "/events/sbp-citynet-2019/desk/revoke/"),
]


@pytest.mark.parametrize(("method", "url"), PAGES)
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", LOGIN),
        ("officer", 403),
        ("other_officer", 403),
        ("secretariat", "ok"),
        ("admin_user", "ok"),
    ],
)
def test_only_the_secretariat_uses_the_desk(request, db, event, method, url, role, expected):
    response = getattr(_client(request, role), method)(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif expected == "ok":
        # An empty form is a 400 with its problems, a button a redirect, a page a 200.
        assert response.status_code in {200, 302, 400}
    else:
        assert response.status_code == expected
    if expected != "ok":
        assert not AuditEvent.objects.filter(object_type__startswith="events.").exists()


def test_the_desk_shows_the_figures_and_attendance(secretary, seminar):
    response = secretary.get(DESK)
    html = response.content.decode()
    figures = {
        name: _text(value)
        for name, value in re.findall(r'data-testid="figure-(\w+)">(.*?)</div>', html)
    }
    assert figures == {
        "confirmed": "3 / 3",
        "arrived": "2",
        "waitlisted": "1",
        "pending": "0",
        "delegations": "2",
    }
    assert _table(response, "by-role") == [
        "Role Confirmed Arrived No-shows",
        "Head of region 1 1 0",
        "Camat 1 1 0",
        "Staff 1 0 1",
    ]
    assert _table(response, "by-region") == [
        "Region Confirmed Arrived No-shows",
        "Kabupaten Sumba Timur 1 0 1",
        "Kota Kupang 2 2 0",
    ]
    assert _table(response, "delegations") == [
        "Region Confirmed Waiting Pending Arrived",
        "Kabupaten Sumba Timur 1 1 0 0",
        "Kota Kupang 2 0 0 2",
    ]
    waiting = _table(response, "waiting")
    assert len(waiting) == 2
    assert waiting[1].startswith("1 Dodi Demo Kabupaten Sumba Timur Staff ")
    assert waiting[1].endswith(" WITA")
    assert _table(response, "no-shows") == [
        "Name Region Role Phone",
        "Citra Demo Kabupaten Sumba Timur Staff —",
    ]


def test_a_quota_is_set_changed_and_removed_and_waiting_participants_move_up(
    secretary, seminar, sumba
):
    response = secretary.post(
        "/events/sbp-citynet-2019/desk/quota/", {"region": "53.11", "role": "staff", "limit": "1"}
    )
    assert response.status_code == 302
    assert list(Quota.objects.values_list("region__code", "role", "limit")) == [
        ("53.11", "staff", 1)
    ]
    page = secretary.get(DESK)
    assert _table(page, "quotas") == [
        "Region Role Limit Taken",
        "Kabupaten Sumba Timur Staff 1 1",
    ]
    # Raising the capacity lets nobody in beyond the quota; removing the quota does.
    Event.objects.filter(pk=seminar.pk).update(capacity=10)
    secretary.post("/events/sbp-citynet-2019/desk/quota/", {"region": "53.11", "role": "staff"})
    assert not Quota.objects.exists()
    assert Registration.objects.get(name="Dodi Demo").status == "confirmed"
    trail = list(
        AuditEvent.objects.filter(object_type="events.quota")
        .order_by("pk")
        .values_list("action", "region_code", "changes")
    )
    assert trail == [
        ("create", "53.11", {"limit": [None, 1]}),
        ("delete", "53.11", {"limit": [1, None]}),
    ]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"region": "", "role": "", "limit": "3"},
            {"__all__": ["A quota is for a region, a role, or both."]},
        ),
        (
            {"region": "99.99", "role": "", "limit": "3"},
            {"region": ["No region has the code 99.99."]},
        ),
        (
            {"region": "53.71", "role": "mayor", "limit": "3"},
            {"role": ["Select a valid choice. mayor is not one of the available choices."]},
        ),
        (
            {"region": "53.71", "role": "", "limit": "-1"},
            {"limit": ["Ensure this value is greater than or equal to 0."]},
        ),
        (
            {"region": "53.71", "role": "", "limit": "9" * 20},
            {"limit": ["Ensure this value is less than or equal to 2147483647."]},
        ),
    ],
)
def test_a_bad_quota_is_refused_with_the_field_and_changes_nothing(
    secretary, seminar, data, errors
):
    response = secretary.post("/events/sbp-citynet-2019/desk/quota/", data)
    assert response.status_code == 400
    assert dict(response.context["quota_form"].errors) == errors
    assert not Quota.objects.exists()


def test_the_secretariat_opens_a_delegation_for_an_invited_region(secretary, event, sumba):
    response = secretary.post("/events/sbp-citynet-2019/desk/invite/", {"region": "5311"})
    assert response.status_code == 302
    assert list(event.delegations.values_list("region__code", flat=True)) == ["53.11"]
    response = secretary.post("/events/sbp-citynet-2019/desk/invite/", {"region": "53.99"})
    assert response.status_code == 400
    assert dict(response.context["invite_form"].errors) == {
        "region": ["No region has the code 53.99."]
    }


def test_pending_registrations_are_approved_into_places_or_the_waiting_list(
    secretary, event, kupang_delegation
):
    Event.objects.filter(pk=event.pk).update(requires_approval=True, capacity=1)
    first = register(kupang_delegation, "Ina Demo")
    second = register(kupang_delegation, "Budi Demo")
    page = secretary.get(DESK)
    assert [row.split(" Kota Kupang")[0] for row in _table(page, "pending")[1:]] == [
        "Ina Demo",
        "Budi Demo",
    ]
    secretary.post(f"/events/sbp-citynet-2019/registrations/{first.pk}/approve/")
    response = secretary.post(
        f"/events/sbp-citynet-2019/registrations/{second.pk}/approve/", follow=True
    )
    assert "Budi Demo is approved but waits for a place." in _text(response.content.decode())
    assert list(Registration.objects.order_by("pk").values_list("name", "status")) == [
        ("Ina Demo", "confirmed"),
        ("Budi Demo", "waitlisted"),
    ]
    # A second click says why nothing happened.
    response = secretary.post(
        f"/events/sbp-citynet-2019/registrations/{first.pk}/approve/", follow=True
    )
    assert "Only a registration awaiting approval can be approved." in _text(
        response.content.decode()
    )


def test_certificates_are_issued_to_arrivals_and_revoked_by_code(secretary, seminar):
    response = secretary.post("/events/sbp-citynet-2019/desk/certificates/", follow=True)
    assert "2 certificates issued to participants who checked in." in _text(
        response.content.decode()
    )
    assert sorted(Certificate.objects.values_list("registration__name", flat=True)) == [
        "Budi Demo",
        "Ina Demo",
    ]
    certificate = Certificate.objects.get(registration__name="Ina Demo")
    typed = f"{certificate.code[:4]}-{certificate.code[4:].lower()}"
    response = secretary.post(
        "/events/sbp-citynet-2019/desk/revoke/",
        {"code": typed, "reason": "Name misspelt; reissued"},
        follow=True,
    )
    assert f"The certificate {certificate.code} of Ina Demo is revoked." in _text(
        response.content.decode()
    )
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Name misspelt; reissued"
    assert (
        _text(
            re.search(
                r'data-testid="certificate-counts">(.*?)</p>', response.content.decode()
            ).group(1)
        )
        == "2 issued, 1 of them revoked; 0 participants who checked in have none yet."
    )
    # Revoked once; an unknown code names the field.
    again = secretary.post(
        "/events/sbp-citynet-2019/desk/revoke/", {"code": certificate.code, "reason": "again"}
    )
    assert dict(again.context["revoke_form"].errors) == {
        "__all__": ["This certificate is already revoked."]
    }
    unknown = secretary.post(
        "/events/sbp-citynet-2019/desk/revoke/", {"code": "AAAA-BBBB-CCCC", "reason": "x"}
    )
    assert dict(unknown.context["revoke_form"].errors) == {
        "code": ["No certificate of this event has this code."]
    }


def test_the_exports_hold_every_participant_and_neutralise_formulas(
    secretary, seminar, kupang_delegation
):
    Event.objects.filter(pk=seminar.pk).update(capacity=10)
    register(kupang_delegation, "=HYPERLINK(1)", position="+62 380")
    csv_response = secretary.get("/events/sbp-citynet-2019/participants.csv")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        csv_response["Content-Disposition"]
        == 'attachment; filename="participants-sbp-citynet-2019.csv"'
    )
    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("region_code,region,name,role")
    assert len(lines) == 1 + 6
    assert any(line.startswith("53.71,Kota Kupang,'=HYPERLINK(1),staff,'+62 380") for line in lines)
    xlsx = secretary.get("/events/sbp-citynet-2019/participants.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["participants", "by_region", "by_role"]
    names = [row[2] for row in book["participants"].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(
        ["Ina Demo", "Budi Demo", "X Demo", "Citra Demo", "Dodi Demo", "'=HYPERLINK(1)"]
    )
    assert list(book["by_region"].iter_rows(values_only=True)) == [
        ("region", "confirmed", "arrived", "no_shows"),
        ("Kabupaten Sumba Timur", 1, 0, 1),
        ("Kota Kupang", 3, 2, 1),
    ]


def test_all_badges_print_the_confirmed_participants(secretary, seminar):
    response = secretary.get("/events/sbp-citynet-2019/badges.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert all(name in text for name in ("Ina Demo", "Budi Demo", "Citra Demo"))
    assert "Dodi Demo" not in text and "X Demo" not in text


def test_the_desk_needs_a_fixed_number_of_queries(
    secretary, event, kupang_delegation, sumba_delegation, django_assert_max_num_queries
):
    for i in range(2):
        arrive(register(kupang_delegation, f"Demo {i}"))
    with django_assert_max_num_queries(60) as few:
        secretary.get(DESK)
    for i in range(2, 8):
        register(sumba_delegation, f"Demo {i}", "camat")
    with django_assert_max_num_queries(len(few.captured_queries)):
        secretary.get(DESK)
