"""Shared fixtures: regions made by factories, one user per role, API clients."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from kotacerdas.accounts.models import Role

from .factories import ProvinceFactory, RegionFactory, UserFactory

# The index fixtures serve tests/assessments, tests/api and tests/browser alike.
pytest_plugins = ["tests.assessments.fixtures", "tests.practices.fixtures"]

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def default_language():
    """Start every test in the default language; a request's language would otherwise linger
    in the thread (LocaleMiddleware activates it and nothing resets it)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def eager_tasks(settings) -> None:
    """Background tasks run inline, so a test sees their outcome when the request returns."""
    settings.KOTACERDAS_TASKS = "eager"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Factories hash every user's password; the production hash would only cost time here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def kupang(db):
    province = ProvinceFactory(code="53", name="Nusa Tenggara Timur")
    return RegionFactory(
        code="53.71",
        name="Kota Kupang",
        province=province,
        capital="Kupang",
        latitude=-10.153896,
        longitude=123.619396,
        population=404120,
    )


@pytest.fixture
def sumba(db):
    province = ProvinceFactory(code="53", name="Nusa Tenggara Timur")
    return RegionFactory(code="53.11", name="Kabupaten Sumba Timur", province=province)


@pytest.fixture
def officer(kupang):
    return UserFactory(username="officer.kupang", role=Role.OFFICER, region=kupang)


@pytest.fixture
def other_officer(sumba):
    return UserFactory(username="officer.sumba", role=Role.OFFICER, region=sumba)


@pytest.fixture
def secretariat(db):
    return UserFactory(username="secretariat", role=Role.SECRETARIAT, region=None)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMIN, region=None)
