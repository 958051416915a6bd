"""Who may do what with practices: truth tables over roles × objects.

Every role is asked the way views ask (``user.has_perm(perm, obj)``). The administrator is
a superuser, whom Django's ``has_perm`` grants everything; the services therefore ask the
rule itself (``rules.has_perm``), and for the administrator the tables hold for the rule
while ``has_perm`` says yes throughout. The workflow tests check that the services refuse
an administrator's step from the wrong state.
"""

from __future__ import annotations

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from kotacerdas.accounts.models import Role
from kotacerdas.practices import services

from ..factories import UserFactory
from .fixtures import SCORES, make_practice

pytestmark = pytest.mark.integration

ROLES = ["anonymous", "inactive_officer", "lead_officer", "other_officer", "secretariat", "admin"]
STATES = ["draft", "submitted", "in_review", "returned", "published", "superseded"]

F, T = False, True
NOBODY = [F, F, F, F, F, F]
WRITERS = [F, F, T, F, T, T]  # the lead region's officers and the secretariat
STAFF = [F, F, F, F, T, T]
EVERYONE = [T, T, T, T, T, T]


@pytest.fixture
def actors(officer, other_officer, secretariat, admin_user, kupang):
    return {
        "anonymous": AnonymousUser(),
        "inactive_officer": UserFactory(
            username="officer.kupang.gone", role=Role.OFFICER, region=kupang, is_active=False
        ),
        "lead_officer": officer,
        "other_officer": other_officer,
        "secretariat": secretariat,
        "admin": admin_user,
    }


def _version_in(state, officer, secretariat, kupang):
    """A version of a Kota Kupang practice in ``state``, made through the services."""
    practice = make_practice(officer, kupang, title=f"Praktik {state}")
    version = practice.versions.get()
    if state == "draft":
        return version
    version = services.submit_version(actor=officer, version=version)
    if state == "submitted":
        return version
    version = services.start_review(actor=secretariat, version=version)
    if state == "in_review":
        return version
    if state == "returned":
        services.return_version(actor=secretariat, version=version, comment="Perbaiki.")
        version.refresh_from_db()
        return version
    services.publish_version(actor=secretariat, version=version, scores=SCORES, verified=True)
    if state == "superseded":
        newer = services.start_new_version(actor=officer, practice=practice)
        newer = services.submit_version(actor=officer, version=newer)
        newer = services.start_review(actor=secretariat, version=newer)
        services.publish_version(actor=secretariat, version=newer, scores=SCORES, verified=True)
    version.refresh_from_db()
    assert version.status == state
    return version


@pytest.fixture
def versions(officer, secretariat, kupang):
    return {state: _version_in(state, officer, secretariat, kupang) for state in STATES}


def _table(actors, perm, obj):
    """Each role's answer; the administrator's from the rule (see the module's docstring)."""
    answers = [actors[role].has_perm(perm, obj) for role in ROLES]
    assert answers[-1] is True  # Django: an active superuser holds every permission
    answers[-1] = rules.has_perm(perm, actors["admin"], obj)
    return answers


# --- on a version ------------------------------------------------------------------------

#                      anonymous inactive lead   other  secr.  admin
VERSION_TABLES = {
    "practices.view_version": {
        "draft": WRITERS,
        "submitted": WRITERS,
        "in_review": WRITERS,
        "returned": WRITERS,
        "published": EVERYONE,
        "superseded": WRITERS,
    },
    "practices.edit_version": {
        "draft": WRITERS,
        "submitted": NOBODY,
        "in_review": NOBODY,
        "returned": WRITERS,
        "published": NOBODY,
        "superseded": NOBODY,
    },
    "practices.submit_version": {
        "draft": WRITERS,
        "submitted": NOBODY,
        "in_review": NOBODY,
        "returned": WRITERS,
        "published": NOBODY,
        "superseded": NOBODY,
    },
    "practices.start_review": {
        "draft": NOBODY,
        "submitted": STAFF,
        "in_review": NOBODY,
        "returned": NOBODY,
        "published": NOBODY,
        "superseded": NOBODY,
    },
    "practices.decide_review": {
        "draft": NOBODY,
        "submitted": NOBODY,
        "in_review": STAFF,
        "returned": NOBODY,
        "published": NOBODY,
        "superseded": NOBODY,
    },
    "practices.view_reviews": dict.fromkeys(STATES, WRITERS),
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("perm", list(VERSION_TABLES))
def test_version_permissions(actors, versions, perm, state):
    assert _table(actors, perm, versions[state]) == VERSION_TABLES[perm][state]


# --- on a practice -----------------------------------------------------------------------

# A practice is published from its first publication on, whatever its newest version does.
PUBLISHED_PRACTICE = {"draft": F, "submitted": F, "in_review": F, "returned": F}
PRACTICE_TABLES = {
    "practices.view_version": (WRITERS, EVERYONE),
    "practices.new_version": (NOBODY, WRITERS),
    "practices.delete_practice": (STAFF, STAFF),
    "practices.record_adoption": (NOBODY, [F, F, F, T, T, T]),
    "practices.ask_question": (NOBODY, [F, F, F, T, F, F]),
    "practices.answer_question": (WRITERS, WRITERS),
    "practices.view_reviews": (WRITERS, WRITERS),
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("perm", list(PRACTICE_TABLES))
def test_practice_permissions(actors, versions, perm, state):
    unpublished, published = PRACTICE_TABLES[perm]
    expected = published if state in ("published", "superseded") else unpublished
    assert _table(actors, perm, versions[state].practice) == expected


def test_a_published_practice_with_a_new_draft_stays_published(
    actors, versions, officer, secretariat
):
    practice = versions["published"].practice
    draft = services.start_new_version(actor=officer, practice=practice)
    practice.refresh_from_db()
    assert _table(actors, "practices.new_version", practice) == WRITERS
    assert _table(actors, "practices.ask_question", practice) == [F, F, F, T, F, F]
    assert _table(actors, "practices.view_version", draft) == WRITERS
    assert _table(actors, "practices.edit_version", draft) == WRITERS


# --- on a region, a replication, and without an object ------------------------------------------


@pytest.mark.parametrize("perm", ["practices.add_practice", "practices.set_priorities"])
@pytest.mark.parametrize(
    ("region", "expected"),
    [("kupang", WRITERS), ("sumba", [F, F, F, T, T, T])],
)
def test_region_permissions(request, actors, perm, region, expected):
    assert _table(actors, perm, request.getfixturevalue(region)) == expected


def test_replication_permissions(actors, versions, sumba, secretariat):
    replication = services.record_adoption(
        actor=secretariat, practice=versions["published"].practice, region=sumba, status="planned"
    )
    # The adopting region's officers and the secretariat; not the lead region's officers.
    assert _table(actors, "practices.change_replication", replication) == [F, F, F, T, T, T]


@pytest.mark.parametrize(
    ("perm", "expected"),
    [
        # Officers import rows of their own region only (checked row by row).
        ("practices.import_practices", [F, F, T, T, T, T]),
        ("practices.view_practice", STAFF),
        ("practices.view_practiceversion", STAFF),
        ("practices.view_review", STAFF),
        ("practices.view_replication", STAFF),
        ("practices.view_question", STAFF),
        ("practices.view_answer", STAFF),
        ("practices.view_attachment", STAFF),
        # Object permissions asked without their object hold for the secretariat only.
        ("practices.add_practice", STAFF),
        ("practices.set_priorities", STAFF),
        ("practices.answer_question", STAFF),
        ("practices.ask_question", NOBODY),
        ("practices.edit_version", NOBODY),
        ("practices.new_version", NOBODY),
    ],
)
def test_permissions_without_an_object(actors, perm, expected):
    assert _table(actors, perm, None) == expected


def test_an_inactive_secretariat_holds_nothing(versions, kupang):
    gone = UserFactory(username="gone", role=Role.SECRETARIAT, region=None, is_active=False)
    assert [
        gone.has_perm("practices.start_review", versions["submitted"]),
        gone.has_perm("practices.decide_review", versions["in_review"]),
        gone.has_perm("practices.delete_practice", versions["draft"].practice),
        gone.has_perm("practices.add_practice", kupang),
        gone.has_perm("practices.import_practices"),
    ] == [F, F, F, F, F]
