"""A region's delegation page: who may see and change it, registering up to the quotas and
onto the waiting list, validation, cancelling with promotion, tickets and badges."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from kotacerdas.core.models import AuditEvent
from kotacerdas.events import services
from kotacerdas.events.models import Event, Registration

from .fixtures import event, kupang_delegation, register

pytestmark = pytest.mark.integration

URL = "/events/sbp-citynet-2019/delegations/53.71/"
ROLES = ("anonymous", "officer", "other_officer", "secretariat", "admin_user")
LOGIN = "login"


def _client(request, role: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _statuses(event_) -> list[tuple[str, str, str]]:
    return list(
        Registration.objects.filter(delegation__event=event_)
        .order_by("registered_at", "pk")
        .values_list("name", "role", "status")
    )


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", LOGIN),
        ("officer", 200),
        ("other_officer", 403),
        ("secretariat", 200),
        ("admin_user", 200),
    ],
)
def test_who_sees_a_delegation_page(request, db, event, role, expected):
    response = _client(request, role).get(URL)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", LOGIN),
        ("officer", True),
        ("other_officer", False),
        ("secretariat", True),
        ("admin_user", True),
    ],
)
def test_who_may_register_into_kupangs_delegation(request, db, event, role, allowed):
    response = _client(request, role).post(URL, {"name": "Ina Demo", "role": "staff"})
    if allowed == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif allowed:
        assert response.status_code == 302 and response["Location"] == URL
    else:
        assert response.status_code == 403
    expected = [("Ina Demo", "staff", "confirmed")] if allowed is True else []
    assert _statuses(event) == expected


def test_an_officer_registers_up_to_the_quota_and_then_onto_the_waiting_list(
    officer,
    event,
):
    services.set_quota(actor=None, event=event, region=officer.region, role="camat", limit=2)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    for name in ("Camat Alak", "Camat Maulafa", "Camat Oebobo"):
        response = client.post(URL, {"name": name, "role": "camat"}, follow=True)
        assert response.status_code == 200
    text = _text(response)
    assert (
        "Camat Oebobo is on the waiting list: The quota of 2 camat for Kota Kupang is full." in text
    )
    assert _statuses(event) == [
        ("Camat Alak", "camat", "confirmed"),
        ("Camat Maulafa", "camat", "confirmed"),
        ("Camat Oebobo", "camat", "waitlisted"),
    ]
    # The page shows the quota used up, and the counts.
    quota_row = re.search(r'data-testid="quotas".*?</table>', response.content.decode(), re.S)
    assert "camat of this region 2 2 0" in _text_of(quota_row.group(0))
    assert re.search(r'data-testid="count-confirmed">2<', response.content.decode())
    assert re.search(r'data-testid="count-waitlisted">1<', response.content.decode())
    # Ticket codes show for the confirmed only.
    assert len(re.findall(r'data-testid="ticket-code"', response.content.decode())) == 2


def _text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def test_the_first_registration_opens_the_delegation_and_both_are_audited(officer, event):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    assert not event.delegations.exists()
    client.post(URL, {"name": "Ina Demo", "role": "staff"})
    delegation = event.delegations.get()
    assert delegation.region == officer.region
    trail = list(
        AuditEvent.objects.filter(region_code="53.71")
        .order_by("pk")
        .values_list("action", "object_type", "actor__username")
    )
    assert trail == [
        ("create", "events.delegation", "officer.kupang"),
        ("create", "events.registration", "officer.kupang"),
    ]


def test_bad_participant_data_is_shown_next_to_the_field_and_changes_nothing(officer, event):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    response = client.post(
        URL,
        {
            "name": "Lurah Demo",
            "role": "lurah",
            "kecamatan_code": "53.71.01",
            "kelurahan_code": "53.71.02.1001",
            "email": "not-an-address",
        },
    )
    assert response.status_code == 400
    errors = {field: list(errs) for field, errs in response.context["form"].errors.items()}
    assert errors == {"email": ["Enter a valid email address."]}
    response = client.post(
        URL,
        {
            "name": "Lurah Demo",
            "role": "lurah",
            "kecamatan_code": "53.71.01",
            "kelurahan_code": "53.71.02.1001",
        },
    )
    assert response.status_code == 400
    assert dict(response.context["form"].errors) == {
        "kelurahan_code": ["53.71.02.1001 is not a kelurahan/desa of kecamatan 53.71.01."]
    }
    response = client.post(URL, {"name": "", "role": "mayor"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "role"}
    assert _statuses(event) == []
    assert not event.delegations.exists()


def test_registration_outside_the_window_is_refused_with_the_reason(officer, event):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CLOSED)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    page = client.get(URL)
    assert 'data-testid="registration-closed"' in page.content.decode()
    assert 'data-testid="register-form"' not in page.content.decode()
    response = client.post(URL, {"name": "Late Demo", "role": "staff"})
    assert response.status_code == 400
    assert list(response.context["form"].non_field_errors()) == [
        "Registration for this event is not open."
    ]
    assert _statuses(event) == []


def test_cancelling_moves_the_first_waiting_participant_up(officer, event, kupang_delegation):
    Event.objects.filter(pk=event.pk).update(capacity=2)
    event.refresh_from_db()
    first = register(kupang_delegation, "Satu Demo")
    register(kupang_delegation, "Dua Demo")
    register(kupang_delegation, "Tiga Demo")
    register(kupang_delegation, "Empat Demo")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    response = client.post(f"/events/{event.slug}/registrations/{first.pk}/cancel/", follow=True)
    text = _text(response)
    assert "Satu Demo is cancelled." in text
    assert "Moved up from the waiting list: Tiga Demo (Kota Kupang)." in text
    assert [s for _, _, s in _statuses(event)] == [
        "cancelled",
        "confirmed",
        "confirmed",
        "waitlisted",
    ]


def test_an_officer_cannot_cancel_or_print_another_regions_participants(
    other_officer,
    event,
    kupang_delegation,
):
    participant = register(kupang_delegation, "Ina Demo")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(other_officer)
    base = f"/events/{event.slug}/registrations/{participant.pk}"
    assert client.post(f"{base}/cancel/").status_code == 403
    assert client.get(f"{base}/ticket.pdf").status_code == 403
    assert client.get(f"/events/{event.slug}/delegations/53.71/badges.pdf").status_code == 403
    participant.refresh_from_db()
    assert participant.status == "confirmed"
    # A registration of another event is not found under this event's address.
    assert client.get("/events/another/registrations/1/ticket.pdf").status_code == 404


def test_the_ticket_and_the_badges_are_pdfs_with_the_participants(
    officer,
    event,
    kupang_delegation,
):
    ina = register(kupang_delegation, "Ina Demo", "camat", position="Camat Alak")
    Event.objects.filter(pk=event.pk).update(capacity=1)
    waiting = register(kupang_delegation, "Budi Demo")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    ticket = client.get(f"/events/{event.slug}/registrations/{ina.pk}/ticket.pdf")
    assert ticket["Content-Type"] == "application/pdf"
    assert ticket["Content-Disposition"] == f'attachment; filename="ticket-{ina.code}.pdf"'
    text = _pdf_text(ticket.content)
    assert "Ina Demo" in text and ina.code[:4] in text
    # Someone on the waiting list has no ticket yet.
    assert (
        client.get(f"/events/{event.slug}/registrations/{waiting.pk}/ticket.pdf").status_code == 404
    )
    badges = client.get(f"/events/{event.slug}/delegations/53.71/badges.pdf")
    text = _pdf_text(badges.content)
    assert "Ina Demo" in text and "Budi Demo" not in text


def test_the_page_lists_participants_with_few_queries(
    officer,
    event,
    kupang_delegation,
    django_assert_max_num_queries,
):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    for i in range(2):
        register(kupang_delegation, f"Demo {i}")
    with django_assert_max_num_queries(30) as few:
        client.get(URL)
    for i in range(2, 9):
        register(kupang_delegation, f"Demo {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert len(re.findall(r'data-testid="participant"', response.content.decode())) == 9


def test_unknown_event_or_region_is_a_404(officer, event):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    assert client.get("/events/no-such-event/delegations/53.71/").status_code == 404
    assert client.get("/events/sbp-citynet-2019/delegations/99.99/").status_code == 404
    assert client.get("/events/sbp-citynet-2019/delegations/abc/").status_code == 404


def test_a_draft_event_is_hidden_from_officers(officer, event):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    assert client.get(URL).status_code == 404
