"""Reads of published results, for visitors.

Only published computations are ever read here: a computation the secretariat has not
published (or has withdrawn) never reaches a public page, an export or a chart. Each
cycle has at most one published computation; a year's public result is the published
computation of that year's cycle (the most recently published one should two framework
versions share a year).

The functions return plain dataclasses, lists and querysets; :func:`region_index_context`
and :func:`national_context` also draw the charts of their pages (server-side SVG from
:mod:`kotacerdas.charts`, with translated titles), so a page needs one call.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.template.defaultfilters import floatformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotacerdas.regions.models import Region
from kotacerdas.textsearch import split_region_query

from ..models import Computation, Cycle, Framework, IndicatorValue, Node, Result

__all__ = [
    "POPULATION_CLASSES",
    "RANKING_ORDERS",
    "AggregateResult",
    "Change",
    "FrameworkTree",
    "IndicatorReading",
    "MapEntry",
    "NationalRanking",
    "PeerGroup",
    "PeerMember",
    "RankingFilters",
    "RankingRow",
    "RegionResults",
    "SensitivityRow",
    "Trend",
    "TrendPoint",
    "WeakElement",
    "aggregate_choices",
    "change_from_previous",
    "framework_tree",
    "latest_framework",
    "latest_published_computation",
    "map_points",
    "method_notes",
    "national_ranking",
    "nodes_tree",
    "peer_group",
    "population_class",
    "population_class_label",
    "population_class_q",
    "published_computation",
    "published_computations",
    "published_results_table",
    "published_years",
    "region_results",
    "region_trend",
    "sensitivity_rows",
    "weakest_sub_elements",
]


# --- published computations -----------------------------------------------------------


def published_computation(cycle: Cycle) -> Computation | None:
    """The cycle's published computation, if any."""
    return cycle.computations.filter(published_at__isnull=False).first()


def published_computations() -> QuerySet[Computation]:
    """Every published computation, newest year first, with its cycle and framework."""
    return (
        Computation.objects.filter(published_at__isnull=False, status=Computation.Status.DONE)
        .select_related("cycle__framework")
        .order_by("-cycle__year", "-published_at", "-pk")
    )


def latest_published_computation(year: int | None = None) -> Computation | None:
    """The public result of ``year`` (or of the latest published year when ``None``)."""
    computations = published_computations()
    if year is not None:
        computations = computations.filter(cycle__year=year)
    return computations.first()


def published_years() -> list[int]:
    """Years that have a published result, newest first."""
    return sorted(set(published_computations().values_list("cycle__year", flat=True)), reverse=True)


def _published_by_year() -> dict[int, Computation]:
    """The public computation of each published year (one query)."""
    by_year: dict[int, Computation] = {}
    for computation in published_computations():
        by_year.setdefault(computation.cycle.year, computation)
    return by_year


# --- population classes and peer groups ------------------------------------------------


@dataclass(frozen=True)
class _PopulationClass:
    key: str
    above: int | None  # population > above
    up_to: int | None  # population <= up_to
    label: Promise


# The size classes of Indonesian urban areas (metropolitan, large, medium, small); each
# upper bound belongs to its class, so 500,000 is "medium" and 1,000,000 is "large".
POPULATION_CLASSES: tuple[_PopulationClass, ...] = (
    _PopulationClass("metro", 1_000_000, None, gettext_lazy("over 1,000,000 inhabitants")),
    _PopulationClass("large", 500_000, 1_000_000, gettext_lazy("500,000–1,000,000 inhabitants")),
    _PopulationClass("medium", 100_000, 500_000, gettext_lazy("100,000–500,000 inhabitants")),
    _PopulationClass("small", None, 100_000, gettext_lazy("up to 100,000 inhabitants")),
    _PopulationClass("unknown", None, None, gettext_lazy("population unknown")),
)
_CLASSES = {c.key: c for c in POPULATION_CLASSES}


def population_class(population: int | None) -> str:
    """The key of the population class of ``population`` (``"unknown"`` for ``None``)."""
    if population is None:
        return "unknown"
    for c in POPULATION_CLASSES:
        above = c.above is None or population > c.above
        below = c.up_to is None or population <= c.up_to
        if c.key != "unknown" and above and below:
            return c.key
    return "unknown"  # pragma: no cover - the classes cover every number


def population_class_label(key: str) -> str:
    return str(_CLASSES[key].label) if key in _CLASSES else ""


def population_class_q(key: str, prefix: str = "") -> Q:
    """A filter on Region (through ``prefix``, e.g. ``"region__"``) for one class."""
    c = _CLASSES[key]
    if c.key == "unknown":
        return Q(**{f"{prefix}population__isnull": True})
    q = Q(**{f"{prefix}population__isnull": False})
    if c.above is not None:
        q &= Q(**{f"{prefix}population__gt": c.above})
    if c.up_to is not None:
        q &= Q(**{f"{prefix}population__lte": c.up_to})
    return q


def _peer_q(region: Region, prefix: str = "") -> Q:
    return Q(**{f"{prefix}kind": region.kind}) & population_class_q(
        population_class(region.population), prefix
    )


# --- the framework tree -----------------------------------------------------------------


@dataclass(frozen=True)
class NodesTree:
    """The aggregates of a framework: the index, its pillars and their sub-elements."""

    root: Node
    pillars: list[Node]
    sub_elements: list[Node]
    by_id: dict[int, Node]

    def parent_of(self, node: Node) -> Node | None:
        return self.by_id.get(node.parent_id) if node.parent_id else None


def nodes_tree(framework_id: int) -> NodesTree:
    nodes = list(Node.objects.filter(framework_id=framework_id, level__gt=1).order_by("position"))
    by_id = {n.pk: n for n in nodes}
    root = next(n for n in nodes if n.parent_id is None)
    pillars = [n for n in nodes if n.parent_id == root.pk]
    pillar_ids = {p.pk: i for i, p in enumerate(pillars)}
    subs = sorted(
        (n for n in nodes if n.parent_id in pillar_ids),
        key=lambda n: (pillar_ids[n.parent_id], n.position),
    )
    return NodesTree(root=root, pillars=pillars, sub_elements=subs, by_id=by_id)


def aggregate_choices(computation: Computation) -> list[tuple[str, str]]:
    """``(code, name)`` of the index and its pillars, the aggregates a ranking can use."""
    tree = nodes_tree(computation.cycle.framework_id)
    return [(node.code, node.name) for node in [tree.root, *tree.pillars]]


# --- one region's results ----------------------------------------------------------------


@dataclass(frozen=True)
class AggregateResult:
    """A region's score, rank (``rank`` of ``of``), rank interval and maturity on one node."""

    code: str
    name: str
    score: float | None
    rank: int | None
    of: int
    rank_low: float | None = None
    rank_high: float | None = None
    maturity: int | None = None
    maturity_name: str = ""
    parent_code: str | None = None

    @property
    def has_interval(self) -> bool:
        return self.rank_low is not None and self.rank_high is not None


@dataclass(frozen=True)
class RegionResults:
    """A region's results in one published computation: index, pillars, sub-elements."""

    computation: Computation
    region: Region
    index: AggregateResult
    pillars: list[AggregateResult]
    sub_elements: list[AggregateResult]

    @property
    def year(self) -> int:
        return self.computation.cycle.year

    @property
    def is_demo(self) -> bool:
        return self.computation.is_demo


def _ranked_counts(computation: Computation) -> dict[int, int]:
    """How many regions have a score on each node of ``computation`` (one query)."""
    return dict(
        Result.objects.filter(computation=computation, score__isnull=False)
        .values("node_id")
        .annotate(n=Count("id"))
        .values_list("node_id", "n")
    )


def _aggregate_result(
    framework: Framework, node: Node, row: Any, of: int, parent: Node | None
) -> AggregateResult:
    return AggregateResult(
        code=node.code,
        name=node.name,
        score=row.score if row else None,
        rank=row.rank if row else None,
        of=of,
        rank_low=row.rank_low if row else None,
        rank_high=row.rank_high if row else None,
        maturity=row.maturity if row else None,
        maturity_name=framework.maturity_name(row.maturity) if row and row.maturity else "",
        parent_code=parent.code if parent else None,
    )


def region_results(
    computation: Computation, region: Region, *, tree: NodesTree | None = None
) -> RegionResults | None:
    """The region's index, six pillars and 18 sub-elements in ``computation``.

    ``None`` when the computation is not published or holds no result for the region.
    """
    if not computation.is_published:
        return None
    rows = {r.node_id: r for r in Result.objects.filter(computation=computation, region=region)}
    if not rows:
        return None
    tree = tree or nodes_tree(computation.cycle.framework_id)
    counts = _ranked_counts(computation)
    framework = computation.cycle.framework

    def make(node: Node) -> AggregateResult:
        return _aggregate_result(
            framework, node, rows.get(node.pk), counts.get(node.pk, 0), tree.parent_of(node)
        )

    return RegionResults(
        computation=computation,
        region=region,
        index=make(tree.root),
        pillars=[make(n) for n in tree.pillars],
        sub_elements=[make(n) for n in tree.sub_elements],
    )


@dataclass(frozen=True)
class PeerMember:
    """One region of a peer group with its index score, rank and rank interval."""

    region: Region
    score: float | None
    rank: int | None
    rank_low: float | None
    rank_high: float | None


@dataclass(frozen=True)
class PeerGroup:
    """Regions of the same kind and population class, with their mean pillar scores.

    ``members`` holds every peer with a result in the computation, the region itself
    included, best index rank first; the means are over those members.
    """

    kind: str
    kind_label: str
    population_class: str
    population_label: str
    members: list[PeerMember]
    pillar_means: dict[str, float | None]
    index_mean: float | None

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def label(self) -> str:
        return f"{self.kind_label}, {self.population_label}"


def _mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def peer_group(
    computation: Computation, region: Region, *, tree: NodesTree | None = None
) -> PeerGroup:
    """The region's peer group in ``computation``: same kind, same population class."""
    tree = tree or nodes_tree(computation.cycle.framework_id)
    nodes = [tree.root, *tree.pillars]
    rows = (
        Result.objects.filter(
            _peer_q(region, "region__"),
            computation=computation,
            node__in=nodes,
        )
        .select_related("region__province")
        .order_by("region__code")
        if computation.is_published
        else Result.objects.none()
    )
    regions: dict[int, Region] = {}
    scores: dict[int, dict[int, Result]] = defaultdict(dict)
    for row in rows:
        regions[row.region_id] = row.region
        scores[row.node_id][row.region_id] = row
    index_rows = scores[tree.root.pk]
    members = [
        PeerMember(
            region=regions[region_id],
            score=r.score,
            rank=r.rank,
            rank_low=r.rank_low,
            rank_high=r.rank_high,
        )
        for region_id, r in index_rows.items()
    ]
    members.sort(key=lambda m: (m.rank is None, m.rank or 0, m.region.name))
    key = population_class(region.population)
    return PeerGroup(
        kind=region.kind,
        kind_label=str(region.get_kind_display()),
        population_class=key,
        population_label=population_class_label(key),
        members=members,
        pillar_means={p.code: _mean(r.score for r in scores[p.pk].values()) for p in tree.pillars},
        index_mean=_mean(m.score for m in members),
    )


# --- trend and change ----------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    """A region's index and pillar scores in one published year."""

    year: int
    is_demo: bool
    index: float | None
    rank: int | None
    of: int
    pillars: dict[str, float | None]
    peer_mean: float | None = None


@dataclass(frozen=True)
class Trend:
    """A region's scores per published year, oldest first, and the pillars' names."""

    points: list[TrendPoint]
    pillars: list[tuple[str, str]]  # (code, name)

    def at(self, year: int) -> TrendPoint | None:
        return next((p for p in self.points if p.year == year), None)

    @property
    def is_demo(self) -> bool:
        return any(p.is_demo for p in self.points)


def region_trend(region: Region, *, tree: NodesTree | None = None) -> Trend:
    """Index and pillar scores of ``region`` in every published year, oldest first.

    Pillars are matched by code across years; ``peer_mean`` is the mean index score of
    the region's peer group (same kind and population class) that year.
    """
    by_year = _published_by_year()
    if not by_year:
        return Trend(points=[], pillars=[])
    if tree is None:
        tree = nodes_tree(by_year[max(by_year)].cycle.framework_id)
    codes = [tree.root.code, *(p.code for p in tree.pillars)]
    ids = [c.pk for c in by_year.values()]
    cells: dict[tuple[int, str], tuple[float | None, int | None]] = {}
    for computation_id, code, score, rank in Result.objects.filter(
        region=region, computation_id__in=ids, node__code__in=codes
    ).values_list("computation_id", "node__code", "score", "rank"):
        cells[(computation_id, code)] = (score, rank)
    index_rows = Result.objects.filter(computation_id__in=ids, node__code=tree.root.code)
    counts = dict(
        index_rows.filter(score__isnull=False)
        .values("computation_id")
        .annotate(n=Count("id"))
        .values_list("computation_id", "n")
    )
    peer_means = dict(
        index_rows.filter(_peer_q(region, "region__"))
        .values("computation_id")
        .annotate(mean=Avg("score"))
        .values_list("computation_id", "mean")
    )
    points = []
    for year in sorted(by_year):
        computation = by_year[year]
        index = cells.get((computation.pk, tree.root.code))
        if index is None:
            continue  # the region took no part that year
        points.append(
            TrendPoint(
                year=year,
                is_demo=computation.is_demo,
                index=index[0],
                rank=index[1],
                of=counts.get(computation.pk, 0),
                pillars={
                    p.code: cells.get((computation.pk, p.code), (None, None))[0]
                    for p in tree.pillars
                },
                peer_mean=peer_means.get(computation.pk),
            )
        )
    return Trend(points=points, pillars=[(p.code, p.name) for p in tree.pillars])


@dataclass(frozen=True)
class Change:
    """Change of the index from the previous published year.

    ``rank_delta`` is the previous rank minus the current one: positive means the region
    moved up. Either delta is ``None`` when a year has no score.
    """

    year: int
    previous_year: int
    score_delta: float | None
    rank_delta: int | None

    @property
    def places(self) -> int:
        """How many places the region moved, up or down."""
        return abs(self.rank_delta or 0)


def change_from_previous(trend: Trend, year: int) -> Change | None:
    """The change of the index in ``year`` from the region's previous published year."""
    earlier = [p for p in trend.points if p.year < year]
    current = trend.at(year)
    if current is None or not earlier:
        return None
    previous = earlier[-1]
    return Change(
        year=year,
        previous_year=previous.year,
        score_delta=(
            current.index - previous.index
            if current.index is not None and previous.index is not None
            else None
        ),
        rank_delta=(
            previous.rank - current.rank
            if current.rank is not None and previous.rank is not None
            else None
        ),
    )


# --- weakest sub-elements ------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorReading:
    """An indicator of a sub-element and the region's value in the computation's cycle."""

    code: str
    name: str
    unit: str
    direction: int
    value: float | None
    data_year: int | None
    source: str
    is_demo: bool


@dataclass(frozen=True)
class WeakElement:
    """One of the region's lowest-scoring sub-elements, with its indicators' values."""

    result: AggregateResult
    pillar: str
    indicators: list[IndicatorReading] = field(default_factory=list)


def weakest_sub_elements(
    computation: Computation,
    region: Region,
    *,
    count: int = 3,
    results: RegionResults | None = None,
) -> list[WeakElement]:
    """The region's ``count`` lowest-scoring sub-elements, lowest first (ties by code)."""
    results = results or region_results(computation, region)
    if results is None:
        return []
    scored = [r for r in results.sub_elements if r.score is not None]
    weakest = sorted(scored, key=lambda r: (r.score, r.code))[:count]
    if not weakest:
        return []
    pillar_names = {p.code: p.name for p in results.pillars}
    indicators = list(
        Node.objects.filter(
            framework_id=computation.cycle.framework_id,
            level=1,
            parent__code__in=[w.code for w in weakest],
        )
        .select_related("parent")
        .order_by("position")
    )
    values = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(
            cycle_id=computation.cycle_id, region=region, indicator__in=indicators
        )
    }
    by_parent: dict[str, list[IndicatorReading]] = defaultdict(list)
    for node in indicators:
        value = values.get(node.pk)
        by_parent[node.parent.code].append(
            IndicatorReading(
                code=node.code,
                name=node.name,
                unit=node.unit,
                direction=node.direction,
                value=value.value if value else None,
                data_year=value.year if value else None,
                source=value.source if value else "",
                is_demo=bool(value and value.is_demo),
            )
        )
    return [
        WeakElement(
            result=w, pillar=pillar_names.get(w.parent_code or "", ""), indicators=by_parent[w.code]
        )
        for w in weakest
    ]


# --- map points ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapEntry:
    """A region with coordinates and its score on one aggregate (``None`` if none)."""

    code: str
    name: str
    latitude: float
    longitude: float
    score: float | None


def map_points(computation: Computation | None, aggregate: str | None = None) -> list[MapEntry]:
    """Every current region with coordinates, with its score in ``computation``.

    ``aggregate`` is a node code (the index when ``None``). Two queries whatever the
    number of regions.
    """
    scores: dict[int, float | None] = {}
    if computation is not None and computation.is_published:
        rows = Result.objects.filter(computation=computation)
        rows = (
            rows.filter(node__code=aggregate)
            if aggregate
            else rows.filter(node__parent__isnull=True)
        )
        scores = dict(rows.values_list("region_id", "score"))
    regions = Region.objects.filter(
        retired_at__isnull=True, latitude__isnull=False, longitude__isnull=False
    ).order_by("code")
    return [
        MapEntry(r.code, r.name, r.latitude, r.longitude, scores.get(r.pk))
        for r in regions.only("code", "name", "latitude", "longitude")
    ]


# --- the national ranking -------------------------------------------------------------------

RANKING_ORDERS: tuple[tuple[str, Promise], ...] = (
    ("rank", gettext_lazy("rank, best first")),
    ("-rank", gettext_lazy("rank, lowest first")),
    ("name", gettext_lazy("name")),
    ("province", gettext_lazy("province")),
)


@dataclass(frozen=True)
class RankingFilters:
    """Filters and order of the national ranking; every field is optional.

    ``aggregate`` is the code of the index or a pillar (the index when empty), ``order``
    one of :data:`RANKING_ORDERS`.
    """

    q: str = ""
    province: str = ""  # province code, "53"
    kind: str = ""  # "kota" or "kabupaten"
    population: str = ""  # a key of POPULATION_CLASSES
    aggregate: str = ""
    order: str = "rank"


@dataclass(frozen=True)
class RankingRow:
    """One region of the national ranking on the chosen aggregate."""

    region: Region
    population_class: str
    score: float | None
    rank: int | None
    rank_low: float | None
    rank_high: float | None
    maturity: int | None
    maturity_name: str
    index_score: float | None
    pillar_scores: list[float | None]


@dataclass(frozen=True)
class NationalRanking:
    """The ranking of one published computation on one aggregate, filtered and ordered."""

    computation: Computation
    aggregate: Node
    index: Node
    pillars: list[Node]
    rows: list[RankingRow]
    ranked: int  # regions with a score on the aggregate, before filtering
    has_intervals: bool


def _region_filter(filters: RankingFilters, prefix: str = "") -> Q:
    q = Q()
    if filters.q:
        query = split_region_query(filters.q)  # folds case, accents and punctuation
        q &= Q(**{f"{prefix}search_name__contains": query.name})
        if query.kind:
            q &= Q(**{f"{prefix}kind": query.kind})
    if filters.province:
        q &= Q(**{f"{prefix}province__code": filters.province})
    if filters.kind:
        q &= Q(**{f"{prefix}kind": filters.kind})
    if filters.population in _CLASSES:
        q &= population_class_q(filters.population, prefix)
    return q


def national_ranking(
    computation: Computation,
    filters: RankingFilters | None = None,
    *,
    tree: NodesTree | None = None,
) -> NationalRanking:
    """Regions of a published computation ranked on the index or a pillar.

    The rows hold the chosen aggregate's score, rank, rank interval and maturity and
    every region's index and pillar scores. A fixed number of queries (four), however
    many regions there are. Regions without a score come last.
    """
    filters = filters or RankingFilters()
    tree = tree or nodes_tree(computation.cycle.framework_id)
    choices = {n.code: n for n in [tree.root, *tree.pillars]}
    aggregate = choices.get(filters.aggregate) or tree.root
    nodes = [tree.root, *tree.pillars]
    if not computation.is_published:
        return NationalRanking(computation, aggregate, tree.root, tree.pillars, [], 0, False)
    framework = computation.cycle.framework
    cells: dict[tuple[int, int], tuple] = {}
    for region_id, node_id, *rest in Result.objects.filter(
        _region_filter(filters, "region__"), computation=computation, node__in=nodes
    ).values_list("region_id", "node_id", "score", "rank", "rank_low", "rank_high", "maturity"):
        cells[(region_id, node_id)] = tuple(rest)
    region_ids = {region_id for region_id, node_id in cells if node_id == aggregate.pk}
    regions = Region.objects.filter(pk__in=region_ids).select_related("province")
    empty = (None, None, None, None, None)
    rows = []
    for region in regions:
        score, rank, low, high, maturity = cells[(region.pk, aggregate.pk)]
        rows.append(
            RankingRow(
                region=region,
                population_class=population_class(region.population),
                score=score,
                rank=rank,
                rank_low=low,
                rank_high=high,
                maturity=maturity,
                maturity_name=framework.maturity_name(maturity) if maturity else "",
                index_score=cells.get((region.pk, tree.root.pk), empty)[0],
                pillar_scores=[cells.get((region.pk, p.pk), empty)[0] for p in tree.pillars],
            )
        )
    last = math.inf
    orders: dict[str, Callable[[RankingRow], Any]] = {
        "rank": lambda r: (r.rank is None, r.rank or last, r.region.name),
        "-rank": lambda r: (r.rank is None, -(r.rank or 0), r.region.name),
        "name": lambda r: (r.region.search_name, r.region.name),
        "province": lambda r: (r.region.province.name, r.rank is None, r.rank or last),
    }
    rows.sort(key=orders.get(filters.order, orders["rank"]))
    ranked = Result.objects.filter(
        computation=computation, node=aggregate, score__isnull=False
    ).count()
    return NationalRanking(
        computation=computation,
        aggregate=aggregate,
        index=tree.root,
        pillars=tree.pillars,
        rows=rows,
        ranked=ranked,
        has_intervals=any(r.rank_low is not None for r in rows),
    )


# --- downloads ---------------------------------------------------------------------------------


def published_results_table(computation: Computation) -> tuple[list[str], list[list[Any]]]:
    """The published results as a table: a header row and one row per region.

    Columns: ``uCode``, region, province, kind, population class, then the score and rank
    of every aggregate (index, pillars, sub-elements), the index's 5th and 95th percentile
    rank, the maturity level and its name, and ``is_demo``. Rows are in code order.
    Three queries. Raises ``ValueError`` for a computation that is not published.
    """
    if not computation.is_published:
        raise ValueError("only published results are exported")
    tree = nodes_tree(computation.cycle.framework_id)
    nodes = [tree.root, *tree.pillars, *tree.sub_elements]
    framework = computation.cycle.framework
    header = ["uCode", "region", "province", "kind", "population_class"]
    for node in nodes:
        header += [f"{node.code}_score", f"{node.code}_rank"]
    header += ["rank_q5", "rank_q95", "maturity", "maturity_name", "is_demo"]
    cells: dict[tuple[int, int], tuple] = {}
    for region_id, node_id, *rest in Result.objects.filter(computation=computation).values_list(
        "region_id", "node_id", "score", "rank", "rank_low", "rank_high", "maturity"
    ):
        cells[(region_id, node_id)] = tuple(rest)
    region_ids = {region_id for region_id, _node in cells}
    empty = (None, None, None, None, None)
    rows = []
    for region in (
        Region.objects.filter(pk__in=region_ids).select_related("province").order_by("code")
    ):
        row: list[Any] = [
            region.code,
            region.name,
            region.province.name,
            region.kind,
            population_class(region.population),
        ]
        for node in nodes:
            score, rank, *_rest = cells.get((region.pk, node.pk), empty)
            row += [score, rank]
        _s, _r, low, high, maturity = cells.get((region.pk, tree.root.pk), empty)
        row += [
            low,
            high,
            maturity,
            framework.maturity_name(maturity) if maturity else "",
            computation.is_demo,
        ]
        rows.append(row)
    return header, rows


# --- sensitivity and method ----------------------------------------------------------------------

_INPUT_LABELS = {
    "winmax": gettext_lazy("Outlier treatment (winsorisation)"),
    "normalise": gettext_lazy("Normalisation method"),
    "weight_set": gettext_lazy("Weights"),
    "aggregate": gettext_lazy("Aggregation method"),
    "impute": gettext_lazy("Imputation of missing values"),
}


@dataclass(frozen=True)
class SensitivityRow:
    """Sensitivity of the index ranks to one uncertain input: first-order (Si) and total
    (STi) indices with their 5–95 % bootstrap intervals."""

    input: str
    label: str
    si: float | None
    si_low: float | None
    si_high: float | None
    sti: float | None
    sti_low: float | None
    sti_high: float | None


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def sensitivity_rows(computation: Computation) -> list[SensitivityRow]:
    """The stored sensitivity indices of a published computation, largest STi first."""
    if not computation.is_published:
        return []
    rows = [
        SensitivityRow(
            input=str(entry.get("input", "")),
            label=str(_INPUT_LABELS.get(entry.get("input", ""), entry.get("input", ""))),
            si=_finite(entry.get("Si")),
            si_low=_finite(entry.get("Si_q5")),
            si_high=_finite(entry.get("Si_q95")),
            sti=_finite(entry.get("STi")),
            sti_low=_finite(entry.get("STi_q5")),
            sti_high=_finite(entry.get("STi_q95")),
        )
        for entry in computation.sensitivity or []
    ]
    return sorted(rows, key=lambda r: -(r.sti or 0))


_NORMALISATION = {
    "rank": gettext_lazy("Indicators were replaced by the regions' ranks."),
    "prank": gettext_lazy("Indicators were replaced by percentile ranks."),
    "borda": gettext_lazy("Indicators were replaced by Borda scores."),
    "dist2max": gettext_lazy("Indicators were scaled as the distance to the best region."),
    "dist2targ": gettext_lazy("Indicators were scaled as the distance to the framework's target."),
    "dist2targ-capped": gettext_lazy(
        "Indicators were scaled as the distance to the framework's target, capped at the target."
    ),
    "fracmax": gettext_lazy("Indicators were scaled as a fraction of the best region's value."),
}
_AGGREGATION = {
    "amean": gettext_lazy("arithmetic mean"),
    "gmean": gettext_lazy("geometric mean"),
    "hmean": gettext_lazy("harmonic mean"),
}


def _num(value: Any, digits: int = 0) -> str:
    return str(floatformat(float(value), digits))


def method_notes(computation: Computation) -> list[str]:
    """The method choices stored with ``computation``, in plain words (active language)."""
    options = computation.options or {}
    notes = []
    if options.get("denominate"):
        notes.append(_("Indicators were divided by their denominators (for example population)."))
    impute = str(options.get("impute") or "none")
    name, _sep, arg = impute.partition(":")
    if name == "none":
        notes.append(_("Missing values were not estimated: a region is scored on the data it has."))
    elif name in ("mean", "median"):
        notes.append(
            _("Missing values were replaced by the %(statistic)s of all regions.")
            % {"statistic": _("mean") if name == "mean" else _("median")}
        )
    elif name in ("group-mean", "group-median"):
        notes.append(
            _("Missing values were replaced by the %(statistic)s of the region's group %(group)s.")
            % {"statistic": _("mean") if name == "group-mean" else _("median"), "group": arg}
        )
    else:
        notes.append(
            _("Missing values were replaced by the mean of the region's other indicators.")
        )
    screen = options.get("screen_min_availability")
    if screen is not None:
        notes.append(
            _("A region needs at least %(share)s %% of the indicators to get a score.")
            % {"share": _num(100 * float(screen))}
        )
    if options.get("treat") == "winsorise":
        notes.append(
            _(
                "Outliers were treated: in an indicator with absolute skewness above %(skew)s "
                "and kurtosis above %(kurt)s, up to %(winmax)s extreme values were winsorised, "
                "and a log transformation was used where that was not enough."
            )
            % {
                "skew": _num(options.get("skew_threshold", 2.0), 1),
                "kurt": _num(options.get("kurt_threshold", 3.5), 1),
                "winmax": _num(options.get("winmax", 5)),
            }
        )
    else:
        notes.append(_("Outliers were not treated."))
    normalise = str(options.get("normalise") or "")
    method, _sep, params = normalise.partition(":")
    numbers = [p for p in params.split(",") if p]
    if method == "minmax" and len(numbers) == 2:
        notes.append(
            _("Indicators were rescaled by min–max normalisation to the range %(low)s–%(high)s.")
            % {"low": _num(numbers[0]), "high": _num(numbers[1])}
        )
    elif method == "zscore" and len(numbers) == 2:
        notes.append(
            _("Indicators were standardised to z-scores with mean %(mean)s and deviation %(sd)s.")
            % {"mean": _num(numbers[0]), "sd": _num(numbers[1])}
        )
    elif method == "goalposts":
        notes.append(_("Indicators were rescaled between goalposts."))
    elif normalise in _NORMALISATION:
        notes.append(str(_NORMALISATION[normalise]))
    aggregate = str(options.get("aggregate") or "amean")
    notes.append(
        _("Sub-elements, pillars and the index are the %(method)s of their components.")
        % {"method": _AGGREGATION.get(aggregate, aggregate)}
    )
    if options.get("weighting") == "equal":
        notes.append(_("Every indicator and aggregate had the same weight within its group."))
    elif options.get("weighting") == "pca":
        notes.append(
            _(
                "The indicators' weights are the loadings of the first principal component "
                "of each sub-element, computed from the data."
            )
        )
    elif options.get("weights"):
        notes.append(
            _("Weights were changed for: %(codes)s; all other weights are the framework's.")
            % {"codes": ", ".join(sorted(options["weights"]))}
        )
    else:
        notes.append(_("Weights are those of the framework (equal within each group)."))
    if computation.uncertainty_status == Computation.UncertaintyStatus.DONE:
        runs = (computation.uncertainty_options or {}).get("runs")
        notes.append(
            _(
                "Rank intervals (5th to 95th percentile) come from %(runs)s Monte Carlo runs "
                "varying the outlier treatment, normalisation, weights and aggregation."
            )
            % {"runs": _num(runs or computation.uncertainty_total)}
        )
    return notes


# --- the framework page --------------------------------------------------------------------------


@dataclass
class FrameworkTree:
    """A framework with its pillars, each with sub-elements, each with indicators."""

    framework: Framework
    pillars: list[tuple[Node, list[tuple[Node, list[Node]]]]]
    maturity: list[dict[str, Any]]

    @property
    def indicator_count(self) -> int:
        return sum(len(indicators) for _p, subs in self.pillars for _s, indicators in subs)


def latest_framework() -> Framework | None:
    """The most recently loaded framework version."""
    return Framework.objects.order_by("-created_at", "-pk").first()


def framework_tree(framework: Framework | None = None) -> FrameworkTree | None:
    """The indicator tree and maturity levels of ``framework`` (the latest by default).

    Maturity levels carry ``level``, ``name``, ``low`` and ``high`` (``None`` for the top).
    """
    framework = framework or latest_framework()
    if framework is None:
        return None
    nodes = list(Node.objects.filter(framework=framework).order_by("position"))
    children: dict[int | None, list[Node]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    root = children[None][0]
    pillars = [
        (pillar, [(sub, children[sub.pk]) for sub in children[pillar.pk]])
        for pillar in children[root.pk]
    ]
    levels = sorted(framework.maturity, key=lambda e: e["min"])
    maturity = [
        {
            "level": entry["level"],
            "name": framework.maturity_name(entry["level"]),
            "low": entry["min"],
            "high": levels[i + 1]["min"] if i + 1 < len(levels) else None,
        }
        for i, entry in enumerate(levels)
    ]
    return FrameworkTree(framework=framework, pillars=pillars, maturity=maturity)
