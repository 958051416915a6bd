"""Quotas and capacity hold when many registrations arrive at once, on both databases.

Each thread has its own database connection, as the requests of a web server do."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from kotacerdas.events import services
from kotacerdas.events.models import Event, Quota, Registration
from kotacerdas.regions.models import Region

from ..factories import ProvinceFactory, RegionFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ARRIVALS = 12


@pytest.fixture
def seminar(transactional_db):
    province = ProvinceFactory(code="53", name="Nusa Tenggara Timur")
    kupang = RegionFactory(
        code="53.71", name="Kota Kupang", province=province, timezone="Asia/Makassar"
    )
    start = timezone.now() + dt.timedelta(days=30)
    event = Event.objects.create(
        slug="seminar-uji",
        name="Seminar Uji",
        host_region=kupang,
        starts_at=start,
        ends_at=start + dt.timedelta(days=2),
        capacity=5,
        status=Event.Status.OPEN,
    )
    Quota.objects.create(event=event, region=None, role="camat", limit=2)
    return event, services.open_delegation(actor=None, event=event, region=kupang)


def _register_at_once(delegation, roles) -> list[BaseException]:
    barrier = threading.Barrier(len(roles))
    errors: list[BaseException] = []

    def arrive(number: int, role: str) -> None:
        try:
            barrier.wait()
            services.register_participant(
                actor=None,
                delegation=delegation,
                data={"name": f"Peserta {number}", "role": role},
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=arrive, args=(n, role)) for n, role in enumerate(roles)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_capacity_and_role_quota_hold_under_a_burst(seminar):
    event, delegation = seminar
    roles = ["camat"] * 6 + ["staff"] * (ARRIVALS - 6)

    errors = _register_at_once(delegation, roles)

    assert errors == []
    statuses = list(
        Registration.objects.filter(delegation=delegation).values_list("role", "status")
    )
    confirmed = [role for role, status in statuses if status == "confirmed"]
    assert len(statuses) == ARRIVALS
    assert len(confirmed) == event.capacity
    assert confirmed.count("camat") <= 2
    assert sum(1 for _role, status in statuses if status == "waitlisted") == ARRIVALS - 5
    assert connection.vendor in {"sqlite", "postgresql"}
    assert Region.objects.count() == 1
