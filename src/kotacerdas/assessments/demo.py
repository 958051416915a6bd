"""Demo indicator values for every region, 2019–2025, from a seeded model.

Nothing here is an official figure. The values come from a small latent-variable model:
each region has a seeded "capacity" (higher for kota than kabupaten, rising with
population, with a province effect), each pillar its own deviation, and every year a
modest improvement and noise. An indicator maps the latent value into the part of its
valid range between a poor value and the framework's target, sometimes with a skewed
shape so that outlier treatment has work to do. About 3 % of values are left missing.
Every value, cycle and computation made here is flagged ``is_demo`` and shows the demo
badge wherever it appears.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kotacerdas.core.bulk import insert_rows
from kotacerdas.regions.models import Region

from .models import (
    Computation,
    Cycle,
    Framework,
    IndicatorValue,
    Node,
    Questionnaire,
    ReadinessResponse,
)
from .services import computing
from .services.frameworks import load_shipped

DEMO_SOURCE = "DEMO — KotaCerdas seeded model, not an official figure"
YEARS = tuple(range(2019, 2026))
SEED = 2019


def _region_seed(code: str) -> int:
    return int(code.replace(".", ""))


def _phi(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))


def latent(regions: Sequence[Region], pillars: Sequence[str], years: Sequence[int]) -> np.ndarray:
    """Latent capacity, shape (regions, pillars, years); depends only on each region's code."""
    out = np.empty((len(regions), len(pillars), len(years)))
    province_effect: dict[str, float] = {}
    for i, region in enumerate(regions):
        province = region.code[:2]
        if province not in province_effect:
            province_effect[province] = float(
                np.random.default_rng([SEED, int(province)]).normal(0, 0.45)
            )
        rng = np.random.default_rng([SEED, _region_seed(region.code)])
        population = region.population or 200_000
        base = (
            (0.55 if region.kind == Region.Kind.KOTA else -0.1)
            + 0.35 * (math.log10(population) - 5.3)
            + province_effect[province]
            + rng.normal(0, 0.55)
        )
        pillar = rng.normal(0, 0.45, size=len(pillars))
        growth = rng.normal(0.09, 0.04)
        for t, year in enumerate(years):
            out[i, :, t] = (
                base + pillar + growth * (year - YEARS[0]) + rng.normal(0, 0.2, len(pillars))
            )
    return out


def _bounds(node: Node) -> tuple[float, float]:
    """(poor, good) values of an indicator on its own scale."""
    target = node.target
    if node.direction > 0:
        poor = node.min_value if node.min_value is not None else 0.0
        good = target if target is not None else (node.max_value or poor + 1)
    else:
        good = target if target is not None else (node.min_value or 0.0)
        poor = node.max_value if node.max_value is not None else good * 4 + 1
    return float(poor), float(good)


def generate(
    framework: Framework, regions: Sequence[Region], years: Sequence[int]
) -> dict[int, list[tuple[Region, Node, float]]]:
    """Demo values by year: (region, indicator, value) for about 97 % of the cells."""
    indicators = list(
        framework.nodes.filter(level=1).order_by("position").select_related("parent__parent")
    )
    pillars = sorted({n.parent.parent.code for n in indicators})
    z = latent(regions, pillars, years)
    pillar_index = {code: k for k, code in enumerate(pillars)}
    out: dict[int, list[tuple[Region, Node, float]]] = {year: [] for year in years}
    for j, node in enumerate(indicators):
        rng = np.random.default_rng([SEED, 7, j])
        shape = float(rng.choice([1.0, 1.0, 1.6, 3.0]))  # some indicators right-skewed
        poor, good = _bounds(node)
        k = pillar_index[node.parent.parent.code]
        noise = rng.normal(0, 1.0, size=z[:, k, :].shape)
        share = _phi((z[:, k, :] + noise) * 0.55) ** shape
        values = poor + share * (good - poor)
        low = node.min_value if node.min_value is not None else -np.inf
        high = node.max_value if node.max_value is not None else np.inf
        values = np.clip(np.round(values, 2), low, high)
        missing = rng.random(values.shape) < 0.03
        for t, year in enumerate(years):
            for i, region in enumerate(regions):
                if not missing[i, t]:
                    out[year].append((region, node, float(values[i, t])))
    return out


def load(
    *,
    years: Iterable[int] | None = None,
    regions: Sequence[Region] | None = None,
    uncertainty_runs: int = 200,
    progress: Any = None,
) -> dict[str, int]:
    """Create demo cycles with values, compute and publish them (skips cycles that exist).

    The latest year also gets the uncertainty analysis and demo readiness answers.
    Returns counts of what was created.
    """
    framework, questionnaire = load_shipped(actor=None)
    years = getattr(settings, "KOTACERDAS_DEMO_YEARS", YEARS) if years is None else years
    regions = list(
        regions
        if regions is not None
        else Region.objects.filter(retired_at__isnull=True).order_by("code")
    )
    years = sorted(years)
    todo = [y for y in years if not Cycle.objects.filter(framework=framework, year=y).exists()]
    counts = {"cycles": 0, "values": 0, "computations": 0, "readiness": 0}
    if not todo:
        return counts
    generated = generate(framework, regions, todo)
    for step, year in enumerate(todo, start=1):
        with transaction.atomic():
            cycle = Cycle.objects.create(
                framework=framework,
                year=year,
                is_demo=True,
                status=Cycle.Status.OPEN if year == max(YEARS) else Cycle.Status.CLOSED,
            )
            now = timezone.now()
            insert_rows(
                IndicatorValue,
                [
                    "cycle",
                    "region",
                    "indicator",
                    "value",
                    "year",
                    "source",
                    "is_demo",
                    "updated_at",
                ],
                (
                    (cycle.pk, region.pk, node.pk, value, year - 1, DEMO_SOURCE, True, now)
                    for region, node, value in generated[year]
                ),
            )
        counts["cycles"] += 1
        counts["values"] += len(generated[year])
        computation = computing.compute_cycle(actor=None, cycle=cycle)
        if computation.status == Computation.Status.DONE:
            computing.publish(actor=None, computation=computation)
            counts["computations"] += 1
            if year == years[-1] and uncertainty_runs:
                computing.start_uncertainty(
                    actor=None,
                    computation=computation,
                    options={
                        "runs": uncertainty_runs,
                        "sensitivity_n": max(8, uncertainty_runs // 8),
                    },
                    background=False,
                )
        if progress:
            progress(step, len(todo))
    counts["readiness"] = load_readiness(questionnaire, regions, years[-1])
    return counts


def load_readiness(questionnaire: Questionnaire, regions: Sequence[Region], year: int) -> int:
    """Demo readiness answers (levels 1–5) drawn from each region's latent capacity."""
    questions = [
        q["code"]
        for dimension in questionnaire.document["dimensions"]
        for aspect in dimension["aspects"]
        for q in aspect["questions"]
    ]
    z = latent(regions, ["R"], [year])[:, 0, 0]
    created = []
    for i, region in enumerate(regions):
        if ReadinessResponse.objects.filter(
            questionnaire=questionnaire, region=region, year=year
        ).exists():
            continue
        rng = np.random.default_rng([SEED, 11, _region_seed(region.code)])
        levels = np.clip(np.round(3 + 1.1 * z[i] + rng.normal(0, 0.8, len(questions))), 1, 5)
        created.append(
            ReadinessResponse(
                questionnaire=questionnaire,
                region=region,
                year=year,
                is_demo=True,
                source=DEMO_SOURCE,
                answers={
                    code: {"level": int(level), "evidence": "DEMO"}
                    for code, level in zip(questions, levels, strict=True)
                },
            )
        )
    ReadinessResponse.objects.bulk_create(created, batch_size=500)
    return len(created)
