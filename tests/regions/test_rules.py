"""Who may do what, as truth tables over roles x objects."""

import pytest
from django.contrib.auth.models import AnonymousUser

from kotacerdas.accounts.models import Role

from ..factories import RegionFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ROLES = ["anonymous", "own_officer", "other_officer", "secretariat", "admin"]


@pytest.fixture
def actors(kupang, sumba):
    return {
        "anonymous": AnonymousUser(),
        "own_officer": UserFactory(username="o1", role=Role.OFFICER, region=kupang),
        "other_officer": UserFactory(username="o2", role=Role.OFFICER, region=sumba),
        "secretariat": UserFactory(username="s1", role=Role.SECRETARIAT, region=None),
        "admin": UserFactory(username="a1", role=Role.ADMIN, region=None),
    }


REGION_PERMS = [
    "regions.edit_region_profile",
    "regions.manage_region_contacts",
    "regions.manage_region_heads",
]
#                 anonymous own    other  secr.  admin
REGION_TABLE = [False, True, False, True, True]


@pytest.mark.parametrize("perm", REGION_PERMS)
@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, REGION_TABLE, strict=True)))
def test_region_permissions_on_kupang(actors, kupang, perm, role, expected):
    assert actors[role].has_perm(perm, kupang) is expected


@pytest.mark.parametrize(
    ("perm", "table"),
    [
        ("regions.manage_network", [False, False, False, True, True]),
        ("core.view_auditevent", [False, False, False, True, True]),
        ("accounts.manage_users", [False, False, False, False, True]),
        ("regions.change_membership", [False, False, False, True, True]),
    ],
)
def test_global_permissions(actors, perm, table):
    assert [actors[role].has_perm(perm) for role in ROLES] == table


def test_officer_has_no_region_permission_without_an_object(actors):
    # Without an object an officer holds nothing: the object decides.
    assert not actors["own_officer"].has_perm("regions.edit_region_profile")


def test_inactive_officer_loses_every_permission(kupang):
    officer = UserFactory(username="gone", role=Role.OFFICER, region=kupang, is_active=False)
    assert not officer.has_perm("regions.edit_region_profile", kupang)


def test_officer_of_one_region_cannot_reach_a_region_with_the_same_number(actors):
    other_province = RegionFactory(code="73.71", name="Kota Makassar")
    assert not actors["own_officer"].has_perm("regions.edit_region_profile", other_province)
