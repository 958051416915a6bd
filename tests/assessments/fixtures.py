"""Fixtures for the index tests (assessments, API, browser): framework, cycles, demo values.

Registered for the whole suite by ``pytest_plugins`` in ``tests/conftest.py``.

Demo values come from the same seeded model as the platform's demo (``assessments.demo``),
for a dozen real registry regions, so computations have realistic spread and are fast.
"""

from __future__ import annotations

import pytest

from kotacerdas.assessments import demo
from kotacerdas.assessments.models import Cycle, IndicatorValue
from kotacerdas.assessments.services import computing
from kotacerdas.assessments.services.frameworks import load_shipped
from kotacerdas.regions.models import Region
from kotacerdas.regions.services import sync_registry

# Kota Kupang and Kabupaten Sumba Timur (the officer fixtures' regions) and ten others.
SAMPLE_CODES = [
    "53.71",
    "53.11",
    "53.10",
    "53.01",
    "51.71",
    "51.03",
    "31.71",
    "32.73",
    "35.78",
    "35.10",
    "91.71",
    "73.71",
]


@pytest.fixture
def registry(db):
    """The official registry (514 regions), as `kotacerdas setup` loads it."""
    sync_registry(actor=None)
    return Region.objects.all()


@pytest.fixture
def framework(db):
    return load_shipped(actor=None)[0]


@pytest.fixture
def questionnaire(db):
    return load_shipped(actor=None)[1]


@pytest.fixture
def sample_regions(registry):
    return list(Region.objects.filter(code__in=SAMPLE_CODES).order_by("code"))


@pytest.fixture
def cycle(framework):
    """An open 2025 cycle with no values."""
    return Cycle.objects.create(framework=framework, year=2025, status=Cycle.Status.OPEN)


def fill(cycle: Cycle, regions, *, is_demo: bool = True) -> int:
    """Store seeded demo values for ``regions`` in ``cycle``; returns how many."""
    generated = demo.generate(cycle.framework, regions, [cycle.year])[cycle.year]
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            cycle=cycle,
            region=region,
            indicator=node,
            value=value,
            year=cycle.year - 1,
            source=demo.DEMO_SOURCE,
            is_demo=is_demo,
        )
        for region, node, value in generated
    )
    return len(generated)


@pytest.fixture
def filled_cycle(cycle, sample_regions):
    """The 2025 cycle with demo values for the twelve sample regions."""
    fill(cycle, sample_regions)
    return cycle


@pytest.fixture
def published(filled_cycle):
    """A computed and published computation of the filled 2025 cycle."""
    computation = computing.compute_cycle(actor=None, cycle=filled_cycle)
    return computing.publish(actor=None, computation=computation)


@pytest.fixture
def analysed(published):
    """The published computation with a (small) uncertainty analysis done."""
    computing.start_uncertainty(
        actor=None, computation=published, options={"runs": 10, "sensitivity_n": 4}
    )
    published.refresh_from_db()
    return published


@pytest.fixture
def unpublished(published):
    """A newer computation of the published cycle with other method choices, unpublished."""
    return computing.compute_cycle(
        actor=None,
        cycle=published.cycle,
        options={"normalise": "zscore:10,2", "aggregate": "gmean", "treat": "none"},
    )


@pytest.fixture
def two_years(published, framework, sample_regions):
    """Published results for 2024 and 2025 (the fixture's) for the sample regions."""
    cycle = Cycle.objects.create(
        framework=framework, year=2024, status=Cycle.Status.CLOSED, is_demo=True
    )
    fill(cycle, sample_regions)
    earlier = computing.publish(
        actor=None, computation=computing.compute_cycle(actor=None, cycle=cycle)
    )
    return earlier, published
