"""Reads for the REST API: filtered lists, and what a viewer may see of unpublished data.

The pages share :mod:`.public` (published results for visitors); the API also lists
frameworks and cycles, serves a cycle's values to whoever may read them and filters the
published results across years, aggregates and regions. Every function returns rows
ready for the API's output schemas (related rows selected, so a page costs a fixed
number of queries).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from kotacerdas.regions.models import Region

from ..models import Computation, Cycle, Framework, IndicatorValue, Node, Result
from .public import published_computation

__all__ = [
    "CycleFilters",
    "RegionYearResults",
    "ResultFilters",
    "api_computation",
    "api_cycle_counts",
    "api_cycle_values",
    "api_cycles",
    "api_framework",
    "api_framework_nodes",
    "api_frameworks",
    "api_published_results",
    "api_region_results",
    "can_see_computation",
    "framework_indicator",
    "framework_node_codes",
    "is_aggregate_code",
    "results_published_for",
]


# --- frameworks ----------------------------------------------------------------------------


def api_frameworks() -> QuerySet[Framework]:
    """Every framework version, by code and newest version first, with its counts."""
    return Framework.objects.annotate(
        n_indicators=Count("nodes", filter=Q(nodes__level=1)),
        n_aggregates=Count("nodes", filter=Q(nodes__level__gt=1)),
    ).order_by("code", "-version")


def api_framework(code: str, version: str) -> Framework | None:
    """One framework version with its counts; None when there is none."""
    return api_frameworks().filter(code=code, version=version).first()


def api_framework_nodes(framework: Framework) -> QuerySet[Node]:
    """The framework's tree as a flat list: the index first, then each level down."""
    return (
        Node.objects.filter(framework=framework)
        .select_related("parent")
        .order_by("-level", "position")
    )


def framework_node_codes(framework: Framework) -> set[str]:
    """The codes of every indicator and aggregate of ``framework``."""
    return set(Node.objects.filter(framework=framework).values_list("code", flat=True))


def framework_indicator(framework: Framework, code: str) -> Node | None:
    """The indicator (level 1) of ``framework`` with ``code``, or None."""
    return Node.objects.filter(framework=framework, level=1, code=code).first()


def is_aggregate_code(code: str) -> bool:
    """Whether some framework has an aggregate (sub-element, pillar or index) ``code``."""
    return Node.objects.filter(level__gt=1, code=code).exists()


# --- cycles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CycleFilters:
    year: int | None = None
    framework: str = ""
    status: str = ""
    is_demo: bool | None = None


def api_cycles(filters: CycleFilters | None = None) -> QuerySet[Cycle]:
    """Cycles, newest year first, each with ``is_published`` (it has a public result)."""
    filters = filters or CycleFilters()
    published = Computation.objects.filter(cycle=OuterRef("pk"), published_at__isnull=False)
    rows = (
        Cycle.objects.select_related("framework")
        .annotate(is_published=Exists(published))
        .order_by("-year", "framework__code", "-framework__version")
    )
    if filters.year is not None:
        rows = rows.filter(year=filters.year)
    if filters.framework:
        rows = rows.filter(framework__code=filters.framework)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.is_demo is not None:
        rows = rows.filter(is_demo=filters.is_demo)
    return rows


def api_cycle_counts(cycle: Cycle) -> dict[str, Any]:
    """Progress of data collection: values (demo ones too), regions, indicators, publication."""
    counts = IndicatorValue.objects.filter(cycle=cycle).aggregate(
        n_values=Count("pk"),
        n_demo_values=Count("pk", filter=Q(is_demo=True)),
        n_regions=Count("region", distinct=True),
    )
    return {
        **counts,
        "n_indicators": Node.objects.filter(framework_id=cycle.framework_id, level=1).count(),
        "published_computation": published_computation(cycle),
        "contains_demo": cycle.is_demo or counts["n_demo_values"] > 0,
    }


def api_cycle_values(
    cycle: Cycle,
    *,
    viewer: Any,
    region: Region | None = None,
    indicator: Node | None = None,
) -> QuerySet[IndicatorValue] | None:
    """The values of ``cycle`` that ``viewer`` may read, by region and indicator.

    Everyone reads them once the cycle has a published computation. Before that the
    secretariat reads all of them and an officer those of their own region; ``None``
    means the viewer may read none of the values asked for (another region's, or any
    at all), which the API answers with a 404.
    """
    rows = (
        IndicatorValue.objects.filter(cycle=cycle)
        .select_related("region", "indicator")
        .order_by("region__code", "indicator__position")
    )
    if region is not None:
        rows = rows.filter(region=region)
    if indicator is not None:
        rows = rows.filter(indicator=indicator)
    if published_computation(cycle) is not None or viewer.has_perm("assessments.view_unpublished"):
        return rows
    own = getattr(viewer, "region", None) if viewer.is_authenticated else None
    if own is None or not viewer.has_perm("assessments.view_region_values", own):
        return None
    if region is not None and region.pk != own.pk:
        return None
    return rows.filter(region=own)


# --- computations --------------------------------------------------------------------------


def api_computation(pk: int) -> Computation | None:
    """A computation with its cycle and framework; None when there is none."""
    return Computation.objects.select_related("cycle__framework").filter(pk=pk).first()


def can_see_computation(viewer: Any, computation: Computation) -> bool:
    """A published computation is public; the others are the secretariat's working copies."""
    return computation.is_published or viewer.has_perm("assessments.view_unpublished")


# --- published results ---------------------------------------------------------------------


@dataclass(frozen=True)
class ResultFilters:
    year: int | None = None
    framework: str = ""
    aggregate: str = ""
    region: Region | None = None
    province: str = ""
    kind: str = ""


def _published() -> QuerySet[Result]:
    return Result.objects.filter(computation__published_at__isnull=False).select_related(
        "region", "node", "computation__cycle__framework"
    )


def results_published_for(year: int) -> bool:
    """Whether some cycle of ``year`` has a published computation."""
    return Computation.objects.filter(cycle__year=year, published_at__isnull=False).exists()


def api_published_results(filters: ResultFilters | None = None) -> QuerySet[Result]:
    """Published results: newest year first, then aggregate by tree order, then by rank.

    Regions with no score (too few values) come last in each ranking.
    """
    filters = filters or ResultFilters()
    rows = _published()
    if filters.year is not None:
        rows = rows.filter(computation__cycle__year=filters.year)
    if filters.framework:
        rows = rows.filter(computation__cycle__framework__code=filters.framework)
    if filters.aggregate:
        rows = rows.filter(node__code=filters.aggregate)
    if filters.region is not None:
        rows = rows.filter(region=filters.region)
    if filters.province:
        rows = rows.filter(region__province__code=filters.province)
    if filters.kind:
        rows = rows.filter(region__kind=filters.kind)
    return rows.order_by(
        "-computation__cycle__year",
        "computation__cycle__framework__code",
        "-node__level",
        "node__position",
        F("rank").asc(nulls_last=True),
        "region__code",
    )


@dataclass
class RegionYearResults:
    """A region's published results of one cycle."""

    computation: Computation
    results: list[Result] = field(default_factory=list)


def api_region_results(region: Region) -> list[RegionYearResults]:
    """A region's published index and pillar results of every year, newest year first."""
    top_two = Q(node__parent__isnull=True) | Q(node__parent__parent__isnull=True)
    rows = (
        _published()
        .filter(top_two, region=region)
        .order_by(
            "-computation__cycle__year",
            "computation__cycle__framework__code",
            "-node__level",
            "node__position",
        )
    )
    years: dict[int, RegionYearResults] = {}
    for result in rows:
        entry = years.setdefault(result.computation_id, RegionYearResults(result.computation))
        entry.results.append(result)
    return list(years.values())
