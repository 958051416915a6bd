"""Shared fixtures of the event page and API tests: the Kupang seminar (WITA, UTC+8) with
a two-session agenda, the delegations of Kota Kupang and Kabupaten Sumba Timur, and
helpers that register and check in participants through the services.

Import what a module needs: ``from .fixtures import english, event, register, ...``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from kotacerdas.events import services
from kotacerdas.events.models import Delegation, Event, Registration, Session, Speaker

# 08:00 WITA on 16 October 2019 is 00:00 UTC; the seminar ends 17:00 WITA on the 18th.
STARTS = dt.datetime(2019, 10, 16, 0, 0, tzinfo=dt.UTC)
ENDS = dt.datetime(2019, 10, 18, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def english(default_language):
    """Messages are compared in the source language, so that a translation added to the
    catalogue later does not change what a test checks."""
    with translation.override("en"):
        yield


@pytest.fixture
def event(kupang) -> Event:
    """An open seminar in Kupang for 10 participants with a keynote and a panel."""
    event = Event.objects.create(
        slug="sbp-citynet-2019",
        name="Sharing Best Practices CityNet Indonesia 2019",
        theme="Strategi Pengembangan Smart City",
        host_region=kupang,
        venue="Aula Rumah Jabatan",
        city="Kupang",
        starts_at=STARTS,
        ends_at=ENDS,
        capacity=10,
        status=Event.Status.OPEN,
    )
    keynote = Session.objects.create(
        event=event,
        title="Strategi Pengembangan Smart City",
        kind=Session.Kind.KEYNOTE,
        room="Aula Utama",
        starts_at=dt.datetime(2019, 10, 16, 1, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2019, 10, 16, 2, 0, tzinfo=dt.UTC),
    )
    Speaker.objects.create(session=keynote, name="Menteri Kominfo", role=Speaker.Role.KEYNOTE)
    panel = Session.objects.create(
        event=event,
        title="Inovasi Pendapatan Asli Daerah",
        kind=Session.Kind.PANEL,
        room="Ruang Flobamora",
        starts_at=dt.datetime(2019, 10, 17, 1, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2019, 10, 17, 3, 0, tzinfo=dt.UTC),
    )
    Speaker.objects.create(session=panel, name="Walikota Kupang", role=Speaker.Role.PANELIST)
    return event


@pytest.fixture
def kupang_delegation(event, kupang) -> Delegation:
    return services.open_delegation(actor=None, event=event, region=kupang)


@pytest.fixture
def sumba_delegation(event, sumba) -> Delegation:
    return services.open_delegation(actor=None, event=event, region=sumba)


def register(
    delegation: Delegation, name: str, role: str = "staff", *, actor: Any = None, **data: Any
) -> Registration:
    """A participant registered through the service (by the system unless ``actor``)."""
    return services.register_participant(
        actor=actor, delegation=delegation, data={"name": name, "role": role, **data}
    )


def arrive(registration: Registration, *, place: str = "Meja 1", session: Any = None):
    """The participant checked in by the system, as a scan of the ticket's code would."""
    return services.check_in(
        actor=None,
        event=registration.delegation.event,
        scanned=registration.code,
        session=session,
        place=place,
    )
