"""Who may do what with events: truth tables over roles × objects.

The rules are asked directly (``rules.has_perm``), as the services ask them: the
administrator is a Django superuser, whom ``user.has_perm`` would grant everything, and
follows the secretariat's rules through the predicates themselves.
"""

from __future__ import annotations

import datetime as dt

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from kotacerdas.accounts.models import Role
from kotacerdas.events import services
from kotacerdas.events.models import CheckIn, Delegation, Event

from ..factories import UserFactory

pytestmark = pytest.mark.integration

ROLES = ["anonymous", "officer", "other_officer", "secretariat", "admin"]

F, T = False, True
STAFF = [F, F, F, T, T]  # the secretariat, and administrators under the same rule
DELEGATES = [F, T, F, T, T]  # plus the officers of the delegation's own region

PERMS = [
    "events.manage_event",
    "events.manage_delegation",
    "events.view_participants",
    "events.approve_registration",
    "events.check_in",
    "events.issue_certificates",
    "events.view_event",
    "events.view_session",
    "events.view_speaker",
    "events.view_quota",
    "events.view_delegation",
    "events.view_registration",
    "events.view_checkin",
]
DELEGATION_PERMS = {"events.manage_delegation", "events.view_participants"}


@pytest.fixture
def actors(officer, other_officer, secretariat, admin_user):
    return {
        "anonymous": AnonymousUser(),
        "officer": officer,
        "other_officer": other_officer,
        "secretariat": secretariat,
        "admin": admin_user,
    }


def _event(region, **fields) -> Event:
    return Event.objects.create(
        slug=fields.pop("slug", "sbp-citynet-2019"),
        name="Sharing Best Practices CityNet Indonesia 2019",
        host_region=region,
        starts_at=dt.datetime(2019, 10, 16, 0, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2019, 10, 18, 9, 0, tzinfo=dt.UTC),
        capacity=500,
        status=Event.Status.OPEN,
        **fields,
    )


@pytest.fixture
def objects(kupang, secretariat):
    """The objects the rules are asked about, all of Kota Kupang's delegation."""
    event = _event(kupang)
    delegation = services.open_delegation(actor=None, event=event, region=kupang)
    registration = services.register_participant(
        actor=None, delegation=delegation, data={"name": "Peserta", "role": "staff"}
    )
    checkin = services.check_in(
        actor=secretariat, event=event, scanned=services.ticket_payload(registration)
    ).checkin
    return {
        "event": event,
        "delegation": delegation,
        # What open_delegation asks about before the delegation exists.
        "new_delegation": Delegation(event=event, region=kupang),
        "registration": registration,
        "checkin": checkin,
        "nothing": None,
    }


def _table(actors, perm, obj) -> list[bool]:
    return [rules.has_perm(perm, actors[role], obj) for role in ROLES]


TABLES = {
    perm: {
        "event": STAFF,
        "delegation": DELEGATES if perm in DELEGATION_PERMS else STAFF,
        "new_delegation": DELEGATES if perm in DELEGATION_PERMS else STAFF,
        "registration": DELEGATES if perm in DELEGATION_PERMS else STAFF,
        "checkin": STAFF,
        "nothing": STAFF,
    }
    for perm in PERMS
}


@pytest.mark.parametrize("obj", ["event", "delegation", "new_delegation", "registration"])
@pytest.mark.parametrize("perm", PERMS)
def test_event_permissions(actors, objects, perm, obj):
    assert _table(actors, perm, objects[obj]) == TABLES[perm][obj]


@pytest.mark.parametrize("obj", ["checkin", "nothing"])
@pytest.mark.parametrize("perm", sorted(DELEGATION_PERMS))
def test_delegation_permissions_on_other_objects_are_the_secretariats(actors, objects, perm, obj):
    assert _table(actors, perm, objects[obj]) == TABLES[perm][obj]


def test_every_events_permission_is_in_the_tables():
    registered = {name for name in rules.permissions.permissions if name.startswith("events.")}
    assert registered == set(PERMS)


@pytest.mark.parametrize("perm", sorted(DELEGATION_PERMS))
def test_delegation_officer_not_granted_by_an_event_whose_id_is_the_regions(actors, kupang, perm):
    # An event, a check-in or any other object carries no region: its primary key must
    # never be compared with the officer's region.
    event = _event(kupang, pk=kupang.pk, slug="same-id")
    delegation = services.open_delegation(actor=None, event=event, region=kupang)
    registration = services.register_participant(
        actor=None, delegation=delegation, data={"name": "Peserta", "role": "staff"}
    )
    checkin = CheckIn(pk=kupang.pk, registration=registration, at=event.starts_at)

    assert (_table(actors, perm, event), _table(actors, perm, checkin)) == (STAFF, STAFF)


@pytest.mark.parametrize("perm", sorted(DELEGATION_PERMS))
def test_delegation_permissions_inactive_officer_refused(kupang, objects, perm):
    gone = UserFactory(
        username="officer.kupang.gone", role=Role.OFFICER, region=kupang, is_active=False
    )

    assert [rules.has_perm(perm, gone, objects[o]) for o in ("delegation", "registration")] == [
        F,
        F,
    ]


@pytest.mark.parametrize("perm", PERMS)
def test_admin_without_superuser_flag_follows_the_secretariat_rule(objects, perm):
    admin = UserFactory(username="admin.plain", role=Role.ADMIN, is_superuser=False)

    assert rules.has_perm(perm, admin, objects["registration"]) is True
