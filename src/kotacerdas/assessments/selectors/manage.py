"""Reads for running assessment cycles (secretariat and officers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from kotacerdas.regions.models import Region
from kotacerdas.regions.selectors import RegionFilters, search_regions

from ..models import Computation, Cycle, IndicatorValue, Node, Result, ValueUpload
from ..services.values import ImportPlan, plan_import

__all__ = [
    "CycleRow",
    "IndicatorCoverage",
    "RegionValue",
    "current_regions",
    "cycle_computations",
    "cycle_for_year",
    "cycle_indicators",
    "cycle_rows",
    "cycle_uploads",
    "indicator_coverage",
    "ranking_top",
    "region_coverage",
    "region_values",
    "results_table",
    "upload_plan",
]


@dataclass(frozen=True)
class CycleRow:
    """A cycle on the cycles list, with how far its data and computations have come."""

    cycle: Cycle
    regions_with_values: int
    regions_total: int
    values: int
    latest: Computation | None
    published: Computation | None


def _count(queryset: QuerySet, expression: Any) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values("cycle").annotate(n=expression).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def cycle_rows(*, include_unpublished: bool) -> list[CycleRow]:
    """Every cycle, newest first, with counts and its latest and published computation.

    Without ``include_unpublished`` the latest computation is the latest published one.
    """
    values = IndicatorValue.objects.filter(cycle=OuterRef("pk"))
    computations = Computation.objects.order_by("-created_at", "-pk")
    if not include_unpublished:
        computations = computations.filter(published_at__isnull=False)
    cycles = (
        Cycle.objects.select_related("framework")
        .annotate(
            n_values=_count(values, Count("pk")),
            n_regions=_count(values, Count("region", distinct=True)),
        )
        .prefetch_related(Prefetch("computations", queryset=computations))
        .order_by("-year", "framework__code")
    )
    total = Region.objects.filter(retired_at__isnull=True).count()
    rows = []
    for cycle in cycles:
        computations = list(cycle.computations.all())
        rows.append(
            CycleRow(
                cycle=cycle,
                regions_with_values=cycle.n_regions,
                regions_total=total,
                values=cycle.n_values,
                latest=computations[0] if computations else None,
                published=next((c for c in computations if c.is_published), None),
            )
        )
    return rows


def cycle_for_year(year: int) -> Cycle:
    """The cycle of ``year`` (under the newest framework, should a year have several).

    Raises ``Cycle.DoesNotExist``.
    """
    cycle = (
        Cycle.objects.select_related("framework")
        .filter(year=year)
        .order_by("-framework__created_at", "-framework__pk")
        .first()
    )
    if cycle is None:
        raise Cycle.DoesNotExist(year)
    return cycle


def current_regions(*, province: str = "") -> QuerySet[Region]:
    """Regions of the registry today, in code order; one province's when given (``53``)."""
    return search_regions(RegionFilters(province=province))


def cycle_indicators(cycle: Cycle) -> list[Node]:
    return list(cycle.framework.nodes.filter(level=1).order_by("position"))


@dataclass(frozen=True)
class IndicatorCoverage:
    indicator: Node
    regions: int


def indicator_coverage(cycle: Cycle, indicators: list[Node]) -> list[IndicatorCoverage]:
    """How many regions have a value for each indicator of the cycle."""
    counts = dict(
        IndicatorValue.objects.filter(cycle=cycle)
        .order_by()
        .values_list("indicator")
        .annotate(n=Count("region"))
    )
    return [IndicatorCoverage(node, counts.get(node.pk, 0)) for node in indicators]


def region_coverage(
    cycle: Cycle, *, q: str = "", province: str = "", completeness: str = "", indicators: int
) -> QuerySet[Region]:
    """Current regions with how many values each has in the cycle and when they last changed.

    ``completeness`` keeps regions with every indicator (``complete``), some (``partial``)
    or none (``none``).
    """
    in_cycle = Q(values__cycle=cycle)
    regions = search_regions(RegionFilters(q=q, province=province)).annotate(
        n_values=Count("values", filter=in_cycle),
        n_demo=Count("values", filter=in_cycle & Q(values__is_demo=True)),
        last_change=Max("values__updated_at", filter=in_cycle),
    )
    if completeness == "complete":
        regions = regions.filter(n_values__gte=indicators)
    elif completeness == "partial":
        regions = regions.filter(n_values__gt=0, n_values__lt=indicators)
    elif completeness == "none":
        regions = regions.filter(n_values=0)
    return regions.order_by("code")


@dataclass(frozen=True)
class RegionValue:
    indicator: Node
    value: IndicatorValue | None


def region_values(cycle: Cycle, region: Region, indicators: list[Node]) -> list[RegionValue]:
    """Every indicator of the cycle with the region's stored value (or none)."""
    stored = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(cycle=cycle, region=region).select_related(
            "updated_by"
        )
    }
    return [RegionValue(node, stored.get(node.pk)) for node in indicators]


def cycle_uploads(cycle: Cycle, *, uploaded_by: Any = None) -> QuerySet[ValueUpload]:
    """Uploads of the cycle, newest first; only those of ``uploaded_by`` when given."""
    uploads = (
        ValueUpload.objects.filter(cycle=cycle)
        .select_related("uploaded_by")
        .defer("content")
        .order_by("-created_at", "-pk")
    )
    if uploaded_by is not None:
        uploads = uploads.filter(uploaded_by=uploaded_by)
    return uploads


def cycle_computations(cycle: Cycle, *, published_only: bool) -> QuerySet[Computation]:
    computations = cycle.computations.select_related("created_by").order_by("-created_at", "-pk")
    if published_only:
        computations = computations.filter(published_at__isnull=False)
    return computations


def upload_plan(*, actor: Any, stored: ValueUpload) -> ImportPlan:
    """What confirming a stored upload would change today (raises ImportRejected)."""
    return plan_import(
        actor=actor, cycle=stored.cycle, content=bytes(stored.content), filename=stored.filename
    )


def _root(computation: Computation) -> Node:
    return (
        Node.objects.filter(framework_id=computation.cycle.framework_id, parent__isnull=True)
        .order_by("-level")
        .first()
    )


def ranking_top(computation: Computation, limit: int = 20) -> list[Result]:
    """The best-ranked regions on the index, with their province and maturity name."""
    root = _root(computation)
    framework = computation.cycle.framework
    top = list(
        Result.objects.filter(computation=computation, node=root, rank__isnull=False)
        .select_related("region__province")
        .order_by("rank", "region__code")[:limit]
    )
    for result in top:
        result.maturity_name = framework.maturity_name(result.maturity) if result.maturity else ""
    return top


def results_table(computation: Computation) -> tuple[list[str], list[list[Any]]]:
    """Every region's scores and ranks on every aggregate: a header and one row per region.

    The index comes first with its rank interval (when the uncertainty analysis has run)
    and maturity level, then the pillars and sub-elements in framework order.
    """
    framework = computation.cycle.framework
    aggregates = list(
        Node.objects.filter(framework=framework, level__gt=1).order_by("-level", "position")
    )
    root, others = aggregates[0], aggregates[1:]
    header = [
        "uCode",
        "uName",
        "province",
        "kind",
        f"{root.code}_score",
        f"{root.code}_rank",
        f"{root.code}_rank_low",
        f"{root.code}_rank_high",
        "maturity",
        "maturity_name",
    ]
    for node in others:
        header += [f"{node.code}_score", f"{node.code}_rank"]
    header.append("is_demo")
    by_region: dict[int, dict[int, Result]] = {}
    regions: dict[int, Region] = {}
    for result in Result.objects.filter(computation=computation).select_related("region__province"):
        by_region.setdefault(result.region_id, {})[result.node_id] = result
        regions[result.region_id] = result.region

    def order(region_id: int) -> tuple[int, int, str]:
        top = by_region[region_id].get(root.pk)
        rank = top.rank if top is not None else None
        return (rank is None, rank or 0, regions[region_id].code)

    rows = []
    for region_id in sorted(by_region, key=order):
        region, results = regions[region_id], by_region[region_id]
        top = results.get(root.pk)
        row: list[Any] = [
            region.code,
            region.name,
            region.province.name,
            region.kind,
            top.score if top else None,
            top.rank if top else None,
            top.rank_low if top else None,
            top.rank_high if top else None,
            top.maturity if top else None,
            framework.maturity_name(top.maturity) if top and top.maturity else "",
        ]
        for node in others:
            result = results.get(node.pk)
            row += [result.score if result else None, result.rank if result else None]
        row.append(computation.is_demo)
        rows.append(row)
    return header, rows
