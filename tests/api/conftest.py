"""Fixtures of the API tests: an English-speaking client, tokens, a few more regions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from kotacerdas.accounts.services import create_token

from ..factories import ProvinceFactory, RegionFactory


@pytest.fixture
def api() -> Client:
    """A client that asks for English, so messages do not depend on the default locale."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def bearer(db) -> Callable[..., dict[str, str]]:
    """Headers that authenticate as ``user`` with a fresh token."""

    def make(user) -> dict[str, str]:
        _, plain = create_token(actor=None, user=user, name="test")
        return {"Authorization": f"Bearer {plain}"}

    return make


@pytest.fixture
def kabupaten_kupang(kupang):
    return RegionFactory(
        code="53.01", name="Kabupaten Kupang", province=kupang.province, capital="Oelamasi"
    )


@pytest.fixture
def bali(db):
    province = ProvinceFactory(code="51", name="Bali", capital="Denpasar")
    return RegionFactory(code="51.71", name="Kota Denpasar", province=province, capital="Denpasar")
