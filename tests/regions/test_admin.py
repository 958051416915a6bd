"""Writes through the Django admin land in the audit trail too."""

import pytest

from kotacerdas.core.models import AuditEvent
from kotacerdas.regions.models import Membership

from ..factories import NetworkFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_secretariat_adds_a_membership_in_the_admin_and_it_is_audited(client, secretariat, kupang):
    network = NetworkFactory()
    client.force_login(secretariat)
    response = client.post(
        "/admin/regions/membership/add/",
        {
            "network": network.pk,
            "region": kupang.pk,
            "role": "member",
            "joined_on": "2019-10-16",
            "left_on": "",
            "note": "",
            "source": "https://example.org/sk-keanggotaan",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get()
    event = AuditEvent.objects.get()
    assert (event.actor, event.channel, event.action, event.object_id, event.region_code) == (
        secretariat,
        "admin",
        "create",
        str(membership.pk),
        "53.71",
    )


def test_officer_cannot_enter_the_admin(client, officer):
    client.force_login(officer)
    response = client.get("/admin/regions/membership/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
