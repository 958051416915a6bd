"""What the library's public pages show: template contexts built from the selectors,
search and advice, shared by the views and by the region page's practices section.

Nothing here writes. Numbers and names are formatted here in the active language, so the
templates only lay them out; the learning network's map is drawn here as a server-side
SVG in the style of :mod:`kotacerdas.charts`.
"""

from __future__ import annotations

import decimal
import functools
import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import prefetch_related_objects
from django.http import QueryDict
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kotacerdas import charts
from kotacerdas.assessments.selectors.public import latest_published_computation
from kotacerdas.core.rules import is_officer
from kotacerdas.regions.models import Region

from . import advice, search, selectors, taxonomy
from .models import (
    Funding,
    Outcome,
    Practice,
    PracticeVersion,
)

Status = PracticeVersion.Status
EXPORT_FORMATS = ("csv", "xlsx", "json")


# --- small formatting helpers ----------------------------------------------------------------


def pillar_names(codes: list[str]) -> list[str]:
    return [taxonomy.node_name(code) for code in codes]


def _plain(value: decimal.Decimal) -> decimal.Decimal:
    """A stored decimal without its trailing zeros (never in exponent form)."""
    if value == value.to_integral_value():
        return value.quantize(decimal.Decimal(1))
    return value.normalize()


def amount(value: decimal.Decimal | None, unit: str, *, signed: bool = False) -> str:
    """An outcome figure in the active locale: rupiah amounts short (``Rp 6,1 miliar``)."""
    if value is None:
        return "—"
    sign = "+" if signed and value > 0 else ""
    if unit.upper() == "IDR":
        return sign + advice.rupiah(value)
    return f"{sign}{number_format(_plain(value), force_grouping=True)} {unit}".strip()


def funding_names(codes: list[str]) -> list[str]:
    labels = dict(Funding.choices)
    return [str(labels.get(code, code)) for code in codes]


def region_url(region: Region) -> str:
    return reverse("regions:detail", kwargs={"code": region.code})


def practice_url(practice: Practice) -> str:
    return reverse("practices:detail", kwargs={"slug": practice.slug})


# --- the library: search results -------------------------------------------------------------


@dataclass
class ListRow:
    practice: Practice
    version: PracticeVersion
    pillars: list[str]
    stage: str
    verified: bool
    pad: advice.PadEffect | None
    snippet: SafeString


@dataclass
class FacetGroup:
    name: str
    title: str
    values: list[search.FacetValue]

    @property
    def selected(self) -> int:
        return sum(1 for v in self.values if v.selected)


def _query(base: QueryDict, **changes: Any) -> str:
    query = base.copy()
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = str(value)
    return query.urlencode()


def _facet_groups(result: search.PracticeSearch) -> list[FacetGroup]:
    """The facets with values; a chosen value that no longer matches stays, so it can be
    unticked."""
    groups = []
    for name in search.FACETS:
        values = list(result.facets.get(name, []))
        shown = {v.value for v in values}
        values += [
            search.FacetValue(value, search.facet_label(name, value, {}), 0, True)
            for value in result.filters.get(name, [])
            if value not in shown
        ]
        if values:
            groups.append(FacetGroup(name, search.facet_title(name), values))
    return groups


def list_context(result: search.PracticeSearch, params: QueryDict) -> dict[str, Any]:
    """The library page: result rows with their badges, the facets, paging and downloads.

    ``params`` is the request's query; paging and the did-you-mean link keep its filters.
    """
    hits = result.hits
    versions = [hit.practice.published_version for hit in hits]
    prefetch_related_objects(versions, "outcomes")
    reviews = selectors.published_reviews([hit.practice.pk for hit in hits])
    rows = []
    for hit, version in zip(hits, versions, strict=True):
        review = reviews.get(hit.practice.pk)
        rows.append(
            ListRow(
                practice=hit.practice,
                version=version,
                pillars=pillar_names(version.pillars),
                stage=version.get_stage_display(),
                verified=bool(review and review.verified),
                pad=advice.pad_effect(version),
                # The snippet is HTML made by our own highlighter from escaped text with
                # <mark> around the matched words; it is the one field marked safe.
                snippet=mark_safe(hit.snippet),  # noqa: S308
            )
        )
    base = params.copy()
    base.pop("page", None)
    return {
        "result": result,
        "rows": rows,
        "facets": _facet_groups(result),
        "filtered": bool(result.filters),
        "previous_query": _query(base, page=result.page - 1) if result.page > 1 else None,
        "next_query": _query(base, page=result.page + 1) if result.page < result.pages else None,
        "suggestion_query": (
            _query(base, q=result.suggestion) if result.suggestion is not None else None
        ),
        "exports": [
            (fmt.upper(), reverse("practices:export", kwargs={"fmt": fmt}))
            for fmt in EXPORT_FORMATS
        ],
    }


# --- one practice ----------------------------------------------------------------------------


@dataclass
class OutcomeRow:
    outcome: Outcome
    baseline: str
    value: str
    change: str
    years: str


def _outcome_row(outcome: Outcome) -> OutcomeRow:
    if outcome.baseline_year and outcome.baseline_year != outcome.year:
        years = f"{outcome.baseline_year}–{outcome.year}"
    else:
        years = str(outcome.year)
    return OutcomeRow(
        outcome=outcome,
        baseline=amount(outcome.baseline, outcome.unit),
        value=amount(outcome.value, outcome.unit),
        change=amount(outcome.change, outcome.unit, signed=True),
        years=years,
    )


@dataclass
class VersionRow:
    version: PracticeVersion
    can_view: bool
    shown: bool


@dataclass
class ScoreRow:
    label: str
    question: str
    score: int | None


@dataclass
class Actions:
    """What the signed-in person may do from the practice page."""

    edit: bool = False
    submit: bool = False
    new_version: bool = False
    review: bool = False
    adopt: bool = False
    ask: bool = False
    answer: bool = False
    fit_region: Region | None = None

    @property
    def manage(self) -> bool:
        return self.edit or self.submit or self.new_version or self.review


def _actions(user: Any, practice: Practice, latest: PracticeVersion | None) -> Actions:
    """The buttons the page offers. Each needs the permission and the state the step
    starts from: Django lets an active superuser pass every permission check, and a
    button that can only fail helps nobody."""
    published = practice.published_version_id is not None
    status = latest.status if latest is not None else None
    actions = Actions(
        edit=bool(latest and latest.is_editable)
        and user.has_perm("practices.edit_version", latest),
        submit=bool(latest and latest.is_editable)
        and user.has_perm("practices.submit_version", latest),
        review=(status == Status.SUBMITTED and user.has_perm("practices.start_review", latest))
        or (status == Status.IN_REVIEW and user.has_perm("practices.decide_review", latest)),
        new_version=status == Status.PUBLISHED and user.has_perm("practices.new_version", practice),
        adopt=published and user.has_perm("practices.record_adoption", practice),
        ask=published and can_ask(user, practice),
        answer=published and user.has_perm("practices.answer_question", practice),
    )
    region = getattr(user, "region", None) if user.is_authenticated else None
    if published and region is not None and region.pk != practice.lead_region_id:
        actions.fit_region = region
    return actions


def can_ask(user: Any, practice: Practice) -> bool:
    """Questions come from a region: only an officer asks (an administrator, whom Django
    lets through every permission check, has no region to ask for)."""
    return is_officer(user) and user.has_perm("practices.ask_question", practice)


def _version_rows(
    versions: list[PracticeVersion], shown: PracticeVersion, user: Any
) -> list[VersionRow]:
    """The history: every version for those who may see them, else the ones that were
    published (a superseded version is listed, though only its region opens it)."""
    rows = []
    for v in versions:
        can_view = user.has_perm("practices.view_version", v)
        if can_view or v.status in (Status.PUBLISHED, Status.SUPERSEDED):
            rows.append(VersionRow(v, can_view, v.pk == shown.pk))
    return rows


def detail_context(practice: Practice, version: PracticeVersion, user: Any) -> dict[str, Any]:
    """Everything the practice page shows of ``version`` (one the user may see)."""
    versions = list(selectors.versions_of(practice))
    latest = versions[0] if versions else None
    review = selectors.final_review(version)
    published = practice.published_version
    prerequisites = [
        (
            p,
            taxonomy.readiness_question(p.readiness_code) if p.readiness_code else "",
            advice.rupiah(p.min_budget_idr) if p.min_budget_idr is not None else "",
        )
        for p in version.prerequisites.all()
    ]
    replications = list(selectors.replications_of(practice))
    return {
        "practice": practice,
        "version": version,
        "lead": practice.lead_region,
        "is_published_view": version.status == Status.PUBLISHED,
        "published": published,
        "pillars": list(zip(version.pillars, pillar_names(version.pillars), strict=True)),
        "sub_elements": [(c, taxonomy.node_name(c)) for c in version.sub_elements],
        "funding": funding_names(version.funding_sources),
        "budget": advice.rupiah(version.budget_idr) if version.budget_idr is not None else None,
        "narrative": [(n, label, text) for n, label, text in version.narrative_sections() if text],
        "outcomes": [_outcome_row(o) for o in version.outcomes.all()],
        "pad": advice.pad_effect(version),
        "prerequisites": prerequisites,
        "review": review,
        "scores": [
            ScoreRow(str(c.label), str(c.question), review.scores.get(c.code))
            for c in taxonomy.CRITERIA
        ]
        if review
        else [],
        "max_score": taxonomy.MAX_SCORE,
        "versions": _version_rows(versions, version, user),
        "latest": latest,
        "replications": [
            (r, user.has_perm("practices.change_replication", r)) for r in replications
        ],
        "similar": advice.similar_practices(practice) if published else [],
        "questions": list(selectors.questions_of(practice)),
        "actions": _actions(user, practice, latest),
    }


# --- the region page's section ---------------------------------------------------------------


def region_practices_context(region: Region, user: Any) -> dict[str, Any]:
    """The practices a region leads and adopts, for the region's page.

    Its own officers and the secretariat also see the versions still in the workflow.
    """
    own = user.has_perm("practices.add_practice", region)
    working = []
    if own:
        working = [
            v for v in selectors.region_latest_versions(region) if v.status != Status.PUBLISHED
        ]
    return {
        "region": region,
        "led": list(selectors.published_practices().filter(lead_region=region)),
        "working": working,
        "adoptions": list(selectors.adoptions_by(region)),
        "own": own,
    }


# --- recommendations and the transferability check -------------------------------------------


@dataclass
class WeakPillar:
    code: str
    name: str
    score: float | None


def facts_context(facts: advice.RegionFacts) -> dict[str, Any]:
    """The facts a recommendation or a fit check rests on, with their demo flags."""
    has_index = facts.weak_source == "index"
    results_demo = facts.results_demo
    if has_index and not results_demo:
        # A computation made from demo values is demo even when its cycle is not flagged
        # (the flag RegionFacts carries is the cycle's).
        computation = latest_published_computation()
        results_demo = bool(computation and computation.is_demo)
    return {
        "facts": facts,
        "weak": [
            WeakPillar(code, taxonomy.node_name(code), facts.pillar_scores.get(code))
            for code in facts.weak_pillars
        ],
        "has_index": has_index,
        "results_demo": results_demo,
    }


@dataclass
class RecommendationRow:
    recommendation: advice.Recommendation
    practice: Practice
    pillars: list[str]
    pad: str


def recommendation_rows(recommendations: list[advice.Recommendation]) -> list[RecommendationRow]:
    return [
        RecommendationRow(
            recommendation=r,
            practice=r.practice,
            pillars=pillar_names(r.pillars),
            pad=r.pad.describe() if r.pad else "",
        )
        for r in recommendations
    ]


def fit_status_label(status: str) -> str:
    return {
        "met": _("met"),
        "partly": _("partly met"),
        "unmet": _("not met"),
        "unknown": _("unknown"),
    }[status]


# The word and the symbol carry the status; the colour only helps.
FIT_SYMBOLS = {"met": "✓", "partly": "◐", "unmet": "✗", "unknown": "?"}


@dataclass
class FitRow:
    item: advice.FitItem
    label: str
    symbol: str
    question: str


def fit_rows(report: advice.FitReport) -> list[FitRow]:
    return [
        FitRow(
            item=item,
            label=fit_status_label(item.status),
            symbol=FIT_SYMBOLS[item.status],
            question=(
                taxonomy.readiness_question(item.prerequisite.readiness_code)
                if item.prerequisite.readiness_code
                else ""
            ),
        )
        for item in report.items
    ]


# --- the learning network --------------------------------------------------------------------

# Okabe-Ito colours, as in kotacerdas.charts: distinguishable with colour-vision deficiency.
_BLUE = "#0072b2"
_VERMILLION = "#d55e00"
_TEXT = "#1f2937"
_MUTED_TEXT = "#4b5563"
_LAND = "#e6e9ee"
_LAND_EDGE = "#aab3bf"
_SEA = "#f6f9fc"
MAP_WIDTH = 900.0
LEGEND_HEIGHT = 80.0


@dataclass
class Node:
    region: Region
    x: float
    y: float
    shares: int = 0
    adopts: int = 0
    links: list[str] = field(default_factory=list)


def _n(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@functools.cache
def _land_path(width: float) -> str:
    parts = []
    for ring in charts.outline()["polygons"]:
        points = [charts.project(lon, lat, width) for lon, lat in ring]
        parts.append("M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in points) + "Z")
    return "".join(parts)


def _stroke(practices: int) -> float:
    return min(1.5 + 1.5 * (practices - 1), 9.0)


def learning_map(
    edges: list[selectors.Edge], *, title: str, desc: str, id_prefix: str = "learning-map"
) -> str:
    """The learning network on the outline map of Indonesia: every region at its
    coordinates, an arrow from the region that shares a practice to each region that
    adopts it, thicker for more practices. Regions without coordinates are left out
    (the table beside the map lists every pair)."""
    width = MAP_WIDTH
    height = charts.project(94.5, -11.5, width)[1]
    nodes: dict[int, Node] = {}
    for edge in edges:
        for region in (edge.source, edge.target):
            if region.pk not in nodes and region.latitude is not None:
                if region.longitude is None:
                    continue
                x, y = charts.project(region.longitude, region.latitude, width)
                nodes[region.pk] = Node(region, x, y)
        if edge.source.pk in nodes:
            nodes[edge.source.pk].shares += edge.practices
        if edge.target.pk in nodes:
            nodes[edge.target.pk].adopts += edge.practices

    lines = []
    for edge in edges:
        start, end = nodes.get(edge.source.pk), nodes.get(edge.target.pk)
        if start is None or end is None:
            continue
        dx, dy = end.x - start.x, end.y - start.y
        length = math.hypot(dx, dy)
        if length < 1:
            continue
        ux, uy = dx / length, dy / length
        # Bend every line to its left, so A→B and B→A are two arcs, not one line.
        bend = 0.18 * length
        cx, cy = (start.x + end.x) / 2 + uy * bend, (start.y + end.y) / 2 - ux * bend
        # Stop short of the circles so the arrow head stays visible.
        sx, sy = _towards(start.x, start.y, cx, cy, 7)
        ex, ey = _towards(end.x, end.y, cx, cy, 9)
        label = ngettext(
            "%(source)s → %(target)s: %(count)d practice",
            "%(source)s → %(target)s: %(count)d practices",
            edge.practices,
        ) % {"source": edge.source.name, "target": edge.target.name, "count": edge.practices}
        lines.append(
            f'<path class="edge" d="M{_n(sx)} {_n(sy)} Q{_n(cx)} {_n(cy)} {_n(ex)} {_n(ey)}" '
            f'fill="none" stroke="{_BLUE}" stroke-opacity="0.7" '
            f'stroke-width="{_n(_stroke(edge.practices))}" stroke-linecap="round" '
            f'marker-end="url(#{id_prefix}-arrow)" data-source="{escape(edge.source.code)}" '
            f'data-target="{escape(edge.target.code)}" data-practices="{edge.practices}">'
            f"<title>{escape(label)}</title></path>"
        )

    # Label the busiest regions first and leave out a label that would cover one already
    # placed (dense Java would be unreadable); every circle keeps its name as a tooltip.
    labelled: set[int] = set()
    boxes: list[tuple[float, float, float, float]] = []
    left_of: set[int] = set()  # names that would run off the right edge go to the left
    for node in sorted(nodes.values(), key=lambda n: (-(n.shares + n.adopts), n.region.code)):
        text_width = 6.2 * len(node.region.name)
        box = (node.x + 6, node.y - 17, node.x + 10 + text_width, node.y - 3)
        if box[2] > width:
            box = (node.x - 10 - text_width, node.y - 17, node.x - 6, node.y - 3)
            left_of.add(node.region.pk)
        if not any(
            box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes
        ):
            boxes.append(box)
            labelled.add(node.region.pk)

    circles = []
    for node in sorted(nodes.values(), key=lambda n: (n.shares > 0, n.region.code)):
        region = node.region
        side = (
            f'x="{_n(node.x - 8)}" text-anchor="end"'
            if region.pk in left_of
            else f'x="{_n(node.x + 8)}"'
        )
        name = (
            f'<text {side} y="{_n(node.y - 6)}" font-size="11" fill="{_TEXT}" '
            f'stroke="#ffffff" stroke-width="3" paint-order="stroke">{escape(region.name)}</text>'
            if region.pk in labelled
            else ""
        )
        parts = []
        if node.shares:
            parts.append(
                ngettext("shares %(count)d adoption", "shares %(count)d adoptions", node.shares)
                % {"count": node.shares}
            )
        if node.adopts:
            parts.append(
                ngettext("adopts %(count)d practice", "adopts %(count)d practices", node.adopts)
                % {"count": node.adopts}
            )
        tooltip = f"{region.name}: {', '.join(parts)}"
        fill = _VERMILLION if node.shares else "#ffffff"
        circles.append(
            f'<a href="{escape(region_url(region))}"><g class="node" '
            f'data-key="{escape(region.code)}">'
            f'<circle cx="{_n(node.x)}" cy="{_n(node.y)}" r="{6 if node.shares else 5}" '
            f'fill="{fill}" stroke="{_BLUE if not node.shares else "#ffffff"}" '
            f'stroke-width="{2 if not node.shares else 1.5}"/>{name}'
            f"<title>{escape(tooltip)}</title></g></a>"
        )

    y0 = height + 14
    # Translated outside the f-string: xgettext does not look inside f-strings.
    shares = escape(_("region that shares practices (filled)"))
    adopts = escape(_("region that only adopts (open)"))
    arrows = escape(_("adopted from; thicker = more practices"))
    # One row each: the Indonesian labels are too long to share a line.
    legend = (
        f'<g class="legend" font-size="12" fill="{_MUTED_TEXT}">'
        f'<circle cx="22" cy="{_n(y0 + 8)}" r="6" fill="{_VERMILLION}" stroke="#ffffff"/>'
        f'<text x="44" y="{_n(y0 + 12)}" fill="{_MUTED_TEXT}">{shares}</text>'
        f'<circle cx="22" cy="{_n(y0 + 28)}" r="5" fill="#ffffff" stroke="{_BLUE}" '
        f'stroke-width="2"/><text x="44" y="{_n(y0 + 32)}" fill="{_MUTED_TEXT}">{adopts}</text>'
        f'<path d="M10 {_n(y0 + 48)} L34 {_n(y0 + 48)}" stroke="{_BLUE}" stroke-width="3" '
        f'marker-end="url(#{id_prefix}-arrow)"/>'
        f'<text x="44" y="{_n(y0 + 52)}" fill="{_MUTED_TEXT}">{arrows}</text></g>'
    )
    arrow = (
        f'<marker id="{id_prefix}-arrow" viewBox="0 0 10 10" refX="8" refY="5" '
        f'markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" '
        f'orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="{_BLUE}"/></marker>'
    )
    total_height = height + LEGEND_HEIGHT
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(total_height)}" '
        f'width="100%" style="max-width:{_n(width)}px;height:auto;display:block" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'font-family="system-ui, sans-serif" font-size="12" class="kc-chart kc-network">'
        f'<title id="{id_prefix}-title">{escape(title)}</title>'
        f'<desc id="{id_prefix}-desc">{escape(desc)}</desc>'
        f"<defs>{arrow}</defs>"
        f'<rect x="0" y="0" width="{_n(width)}" height="{_n(height)}" fill="{_SEA}" rx="6"/>'
        f'<path class="land" aria-hidden="true" d="{_land_path(width)}" fill="{_LAND}" '
        f'stroke="{_LAND_EDGE}" stroke-width="0.6" stroke-linejoin="round"/>'
        f'<g class="edges">{"".join(lines)}</g>'
        f'<g class="nodes">{"".join(circles)}</g>'
        f"{legend}</svg>"
    )


def _towards(x: float, y: float, tx: float, ty: float, distance: float) -> tuple[float, float]:
    """The point ``distance`` units from (x, y) in the direction of (tx, ty)."""
    dx, dy = tx - x, ty - y
    length = math.hypot(dx, dy) or 1.0
    return x + dx / length * distance, y + dy / length * distance


def network_context() -> dict[str, Any]:
    """Who learns from whom: the pairs, their map, the most replicated practices and the
    most active sharers."""
    edges = selectors.learning_network()
    regions = {r.pk: r for e in edges for r in (e.source, e.target)}
    placed = [r for r in regions.values() if r.latitude is not None and r.longitude is not None]
    any_demo = any(e.is_demo for e in edges)
    total = sum(e.practices for e in edges)
    desc = _(
        "Map of Indonesia with %(regions)s regions and %(pairs)s arrows, each from a region "
        "that shares practices to a region that adopts them (%(total)s adoptions); thicker "
        "arrows stand for more practices."
    ) % {"regions": len(placed), "pairs": len(edges), "total": total}
    title = _("Who learns from whom")
    if any_demo:
        title = _("%(title)s (demo)") % {"title": title}
    return {
        "edges": [(e, e.is_demo) for e in edges],
        "any_demo": any_demo,
        "map": learning_map(edges, title=title, desc=desc) if edges else "",
        "unplaced": sorted((r for r in regions.values() if r not in placed), key=lambda r: r.name),
        "most_replicated": list(selectors.most_replicated()),
        "sharers": selectors.most_active_sharers(),
    }
