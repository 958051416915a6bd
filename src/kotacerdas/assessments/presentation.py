"""What the index pages show: charts and template contexts built from the selectors.

Selectors read results; this module turns them into the server-side SVG charts
(:mod:`kotacerdas.charts`) and the contexts of the national page and the region page's
index section, with translated titles and the demo label where it applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _

from kotacerdas import charts
from kotacerdas.regions.models import Region

from .models import Computation, Result
from .selectors.public import (
    MapEntry,
    PeerGroup,
    PeerMember,
    RankingFilters,
    RegionResults,
    Trend,
    change_from_previous,
    map_points,
    method_notes,
    national_ranking,
    nodes_tree,
    peer_group,
    region_results,
    region_trend,
    sensitivity_rows,
    weakest_sub_elements,
)
from .selectors.readiness import readiness_profile

__all__ = ["map_chart", "national_context", "region_index_context"]


def _fmt(value: float, digits: int = 1) -> str:
    """A number as the templates show it: rounded half up, in the active locale."""
    return str(floatformat(value, digits))


def _rank_fmt(value: float) -> str:
    return _fmt(value, 0)


def _demo(text: str, is_demo: bool) -> str:
    return _("%(title)s (demo)") % {"title": text} if is_demo else text


def _region_url(code: str) -> str:
    return reverse("regions:detail", kwargs={"code": code})


def map_chart(
    entries: Sequence[MapEntry],
    *,
    title: str,
    legend_title: str,
    highlight: str | None = None,
    is_demo: bool = False,
    id_prefix: str = "index-map",
) -> str:
    """The map of Indonesia, every region linking to its page, ``highlight`` ringed."""
    scored = sum(1 for e in entries if e.score is not None)
    desc = _(
        "Map of Indonesia with %(count)s regions as circles coloured by score from dark "
        "(low) to light (high); %(scored)s of them have a score, the others are grey."
    ) % {"count": len(entries), "scored": scored}
    return charts.indonesia_map(
        [
            charts.MapPoint(
                key=e.code,
                label=e.name,
                lon=e.longitude,
                lat=e.latitude,
                value=e.score,
                href=_region_url(e.code),
                highlight=e.code == highlight,
            )
            for e in entries
        ],
        title=_demo(title, is_demo),
        desc=_demo(desc, is_demo),
        legend_title=legend_title,
        missing_label=_("no score"),
        fmt=_fmt,
        id_prefix=id_prefix,
    )


# How many peers the region page's ranking shows around the region.
PEER_WINDOW = 15


def _peer_window(members: list[PeerMember], code: str) -> list[PeerMember]:
    ranked = [m for m in members if m.rank is not None]
    position = next((i for i, m in enumerate(ranked) if m.region.code == code), 0)
    start = max(0, min(position - PEER_WINDOW // 2, len(ranked) - PEER_WINDOW))
    return ranked[start : start + PEER_WINDOW]


def _region_charts(
    results: RegionResults, peers: PeerGroup, trend: Trend, shown: list[PeerMember]
) -> dict[str, str]:
    region = results.region
    demo = results.is_demo
    year = results.year
    axes = [p.name for p in results.pillars]
    radar = charts.radar(
        axes,
        [
            charts.Series(
                _("Peer-group mean"),
                [peers.pillar_means.get(p.code) for p in results.pillars],
                "secondary",
            ),
            charts.Series(region.name, [p.score for p in results.pillars], "primary"),
        ],
        title=_demo(
            _("Pillar scores of %(region)s, %(year)s") % {"region": region.name, "year": year}, demo
        ),
        desc=_demo(
            _(
                "Radar chart of the six pillar scores (0–100) of %(region)s compared with the "
                "mean of its %(count)s peers (%(group)s)."
            )
            % {"region": region.name, "count": peers.size, "group": peers.label},
            demo,
        ),
        fmt=_fmt,
        missing_label=_("no score"),
        size=440,
        id_prefix="index-radar",
    )
    ranking = charts.ranking(
        [
            charts.RankRow(
                key=m.region.code,
                label=m.region.name,
                rank=float(m.rank),
                low=m.rank_low,
                high=m.rank_high,
                href=_region_url(m.region.code),
            )
            for m in shown
            if m.rank is not None
        ],
        title=_demo(
            _("National rank of %(region)s among its peers, %(year)s")
            % {"region": region.name, "year": year},
            demo,
        ),
        desc=_demo(
            _(
                "National index rank (1 = best, of %(total)s) of %(count)s regions of the peer "
                "group %(group)s, with bars over the 5th–95th percentile rank interval where the "
                "uncertainty analysis ran; %(region)s is highlighted."
            )
            % {
                "total": results.index.of,
                "count": len(shown),
                "group": peers.label,
                "region": region.name,
            },
            demo,
        ),
        axis_label=_("National rank (1 = best), 5th–95th percentile interval"),
        highlight=region.code,
        rank_max=float(max(results.index.of, 1)),
        fmt=_rank_fmt,
        id_prefix="index-ranking",
    )
    trend_chart = charts.trend(
        [(p.year, p.index) for p in trend.points],
        title=_demo(
            _("Index of %(region)s over the years") % {"region": region.name}, trend.is_demo
        ),
        desc=_demo(
            _(
                "Line chart of the index score (0–100) of %(region)s in each published year "
                "(%(years)s), with the mean of its peer group."
            )
            % {"region": region.name, "years": ", ".join(str(p.year) for p in trend.points)},
            trend.is_demo,
        ),
        y_label=_("Index score"),
        series_label=region.name,
        extra=[(_("Peer-group mean"), [(p.year, p.peer_mean) for p in trend.points])],
        fmt=_fmt,
        id_prefix="index-trend",
    )
    return {"radar": radar, "ranking": ranking, "trend": trend_chart}


def region_index_context(region: Region) -> dict[str, Any] | None:
    """Everything the index section of a region's page shows, or ``None`` if nothing.

    The results are those of the latest published computation that holds the region;
    ``results`` is ``None`` (with the readiness profile still given) when the region has
    no published result.
    """
    readiness = readiness_profile(region)
    latest = (
        Result.objects.filter(
            region=region,
            node__parent__isnull=True,
            computation__published_at__isnull=False,
            computation__status=Computation.Status.DONE,
        )
        .select_related("computation__cycle__framework")
        .order_by("-computation__cycle__year", "-computation__published_at")
        .first()
    )
    if latest is None:
        return {"results": None, "readiness": readiness} if readiness else None
    computation = latest.computation
    tree = nodes_tree(computation.cycle.framework_id)
    results = region_results(computation, region, tree=tree)
    if results is None:  # pragma: no cover - the index result above exists
        return None
    peers = peer_group(computation, region, tree=tree)
    trend = region_trend(region, tree=tree)
    shown = _peer_window(peers.members, region.code)
    return {
        "computation": computation,
        "year": results.year,
        "is_demo": computation.is_demo,
        "results": results,
        "peers": peers,
        "peers_shown": len(shown),
        "pillar_rows": [(p, peers.pillar_means.get(p.code)) for p in results.pillars],
        "trend": trend,
        "change": change_from_previous(trend, results.year),
        "weakest": weakest_sub_elements(computation, region, results=results),
        "charts": {
            **_region_charts(results, peers, trend, shown),
            "map": map_chart(
                map_points(computation),
                title=_("Index score of every region, %(year)s") % {"year": results.year},
                legend_title=_("Index score (0–100)"),
                highlight=region.code,
                is_demo=computation.is_demo,
            ),
        },
        "readiness": readiness,
    }


def national_context(
    computation: Computation, filters: RankingFilters | None = None
) -> dict[str, Any]:
    """The ranking, map, sensitivity chart and method notes of the national page."""
    tree = nodes_tree(computation.cycle.framework_id)
    ranking = national_ranking(computation, filters, tree=tree)
    year = computation.cycle.year
    demo = computation.is_demo
    aggregate = ranking.aggregate
    sensitivity = sensitivity_rows(computation)
    sensitivity_chart = ""
    if sensitivity:
        items = []
        for row in sensitivity:
            if row.sti is not None:
                items.append(
                    (
                        _("%(input)s: total (STi)") % {"input": row.label},
                        row.sti,
                        row.sti_low,
                        row.sti_high,
                    )
                )
            if row.si is not None:
                items.append(
                    (
                        _("%(input)s: first-order (Si)") % {"input": row.label},
                        row.si,
                        row.si_low,
                        row.si_high,
                    )
                )
        if items:
            sensitivity_chart = charts.bars(
                items,
                title=_demo(_("Sensitivity of the index ranks, %(year)s") % {"year": year}, demo),
                desc=_demo(
                    _(
                        "Bar chart of the total (STi) and first-order (Si) sensitivity index "
                        "of each uncertain method choice, with its 5th–95th percentile interval: "
                        "the share of the variance of the regions' ranks that the choice explains."
                    ),
                    demo,
                ),
                x_label=_("Sensitivity index (0–1)"),
                fmt=lambda v: _fmt(v, 2),
                label_width=300.0,
                width=720,
                id_prefix="index-sensitivity",
            )
    return {
        "computation": computation,
        "year": year,
        "is_demo": demo,
        "ranking": ranking,
        # Which pillar column the ranking is on (-1: the index), to mark it in the table.
        "chosen_pillar": next(
            (i for i, p in enumerate(ranking.pillars) if p.pk == aggregate.pk), -1
        ),
        "sensitivity": sensitivity,
        "sensitivity_chart": sensitivity_chart,
        "map": map_chart(
            map_points(computation, aggregate.code),
            title=_("%(aggregate)s of every region, %(year)s")
            % {"aggregate": aggregate.name, "year": year},
            legend_title=_("Score (0–100)"),
            is_demo=demo,
        ),
        "method_notes": method_notes(computation),
    }
