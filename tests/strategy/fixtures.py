"""Shared fixtures of the masterplan tests: practices of Kabupaten Sumba Timur published in
the library (the generator builds Kota Kupang's programmes on them) and a masterplan of
Kota Kupang for 2026–2035 drafted through the service.

Kupang has no published index result and no readiness answers here, so the draft follows
the framework's pillar order; tests that need index results make them themselves.
Import what a module needs: ``from .fixtures import english, practices, plan``.

Transactional tests must rebuild or clear the library's search index (it is no model):
``kotacerdas.practices.search.rebuild_index()`` / ``search.backend().clear()``.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from kotacerdas.practices import search
from kotacerdas.strategy import services

from ..factories import UserFactory
from ..practices.fixtures import make_practice, make_record, publish


@pytest.fixture
def english(default_language):
    with translation.override("en"):
        yield


@pytest.fixture
def practices(sumba, secretariat):
    """Three published practices of Sumba Timur: revenue (ECO, with a PAD outcome),
    waste (ENV) and health queues (LIV)."""
    from kotacerdas.accounts.models import Role

    author = UserFactory(username="officer.sumba.lib", role=Role.OFFICER, region=sumba)
    made = [
        publish(make_practice(author, sumba), secretariat),
        publish(
            make_practice(
                author,
                sumba,
                title="Bank Sampah Kelurahan",
                pillars=["ENV"],
                sub_elements=["ENV.WST"],
                budget_idr=120_000_000,
                outcomes=[
                    {
                        "name": "Sampah terpilah",
                        "unit": "ton",
                        "baseline": 40,
                        "baseline_year": 2020,
                        "value": 120,
                        "year": 2022,
                        "source": "Catatan DLH",
                        "pad": False,
                    }
                ],
            ),
            secretariat,
        ),
        publish(
            make_practice(
                author,
                sumba,
                title="Antrean Puskesmas Daring",
                pillars=["LIV"],
                sub_elements=["LIV.HEA"],
                budget_idr=90_000_000,
                prerequisites=[],
            ),
            secretariat,
        ),
    ]
    yield made
    search.backend().clear()


@pytest.fixture
def plan(officer, kupang, practices):
    """Kota Kupang's masterplan for 2026–2035, version 1 as the generator drafted it."""
    return services.create_masterplan(actor=officer, region=kupang, start_year=2026, end_year=2035)


__all__ = ["english", "make_record", "plan", "practices"]
