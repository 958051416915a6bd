"""Login, throttling, password reset, API tokens in the UI, the audit trail page."""

import re

import pytest
from django.core import mail

from kotacerdas.accounts.models import ApiToken
from kotacerdas.accounts.services import authenticate_token
from kotacerdas.core.models import AuditEvent

from ..conftest import PASSWORD

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_login_and_logout(client, officer):
    response = client.post("/accounts/login/", {"username": "officer.kupang", "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/accounts/")
    body = client.get("/accounts/").content.decode()
    assert "petugas daerah" in body
    assert "Kota Kupang" in body
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/accounts/").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, officer):
    response = client.post("/accounts/login/", {"username": "officer.kupang", "password": "wrong"})
    assert response.status_code == 200
    assert "dan sandi yang benar" in response.content.decode()


def test_login_is_locked_after_five_failures(client, officer):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "officer.kupang", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "officer.kupang", "password": PASSWORD})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link(client, officer):
    response = client.post("/accounts/password/reset/", {"email": officer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [officer.email]
    assert message.subject == "Atur ulang sandi KotaCerdas Anda"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("a-new-long-passphrase")


def test_password_change(client, officer):
    client.force_login(officer)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-pass",
            "new_password2": "another-long-pass",
        },
    )
    assert (response.status_code, response["Location"]) == (302, "/accounts/")
    officer.refresh_from_db()
    assert officer.check_password("another-long-pass")


def test_token_is_shown_once_works_and_can_be_revoked(client, officer):
    client.force_login(officer)
    client.post("/accounts/tokens/", {"name": "portal data"})
    body = client.get("/accounts/").content.decode()
    plain = re.search(r'data-testid="new-token">(kc_[\w-]+)<', body).group(1)
    assert authenticate_token(plain) == officer
    assert plain not in client.get("/accounts/").content.decode()  # shown once only
    token = ApiToken.objects.get()
    assert token.digest != plain and plain not in token.digest
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert authenticate_token(plain) is None
    assert list(
        AuditEvent.objects.order_by("id").values_list("action", "channel", "actor__username")
    ) == [
        ("token", "ui", "officer.kupang"),
        ("token", "ui", "officer.kupang"),
    ]


def test_officer_cannot_revoke_another_users_token(client, officer, secretariat):
    from kotacerdas.accounts.services import create_token

    token, plain = create_token(actor=None, user=secretariat, name="x")
    client.force_login(officer)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert authenticate_token(plain) == secretariat


@pytest.mark.parametrize(
    ("role", "status"), [("officer", 403), ("secretariat", 200), ("admin_user", 200)]
)
def test_audit_trail_page_is_for_the_secretariat(client, request, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/accounts/audit/").status_code == status


def test_audit_trail_lists_writes_and_filters_by_region(
    client, secretariat, officer, kupang, sumba
):
    client.force_login(officer)
    client.post("/regions/53.71/edit/", {"website": "https://kupangkota.go.id", "description": ""})
    client.force_login(secretariat)
    body = client.get("/accounts/audit/?region_code=5371").content.decode()
    assert "website: ∅ → https://kupangkota.go.id" in body
    assert "officer.kupang" in body
    assert "[53.71]" in body


def test_anonymous_visitor_sees_public_pages(client, kupang):
    for url in [
        "/",
        "/about/",
        "/regions/",
        "/regions/53.71/",
        "/regions/networks/",
        "/regions/cohorts/",
    ]:
        assert client.get(url).status_code == 200, url


def test_audit_trail_shows_sync_summaries_as_counts(client, secretariat):
    from kotacerdas.regions.services import sync_registry
    from kotacerdas.regions.services.registry import RegistryEntry

    sync_registry(
        actor=None, entries=[RegistryEntry("53", "Nusa Tenggara Timur", "provinsi")], facts={}
    )
    client.force_login(secretariat)
    body = client.get("/accounts/audit/").content.decode()
    assert "added: 1; changed: 0; restored: 0; retired: 0; unchanged: 0" in body
