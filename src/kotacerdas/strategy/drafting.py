"""Drafting a masterplan from what the platform knows about a region.

The draft puts together, each with its source: the region's registry facts and
memberships; its readiness self-assessment; its index result with the uncertainty
interval of its rank, its peers' mean and its own trend; the pillars ranked by how far they
trail similar regions; per pillar a strategy and programmes built on published practices
that fit the region (the transferability check), with cost, duration, agency, outcome
metric and target taken from the practice; quick wins; and the practices' effect on
regional revenue. The roadmap and the budget are derived from the programmes
(:mod:`kotacerdas.strategy.content`).

Planning assumptions (agencies, how many programmes, scaling limits, what makes a quick
win) are data: ``data/planning.yaml``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from django.db.models import Count, Q
from django.utils import translation

from kotacerdas.assessments.models import Node
from kotacerdas.assessments.selectors.public import (
    latest_published_computation,
    nodes_tree,
    peer_group,
    population_class_label,
    region_results,
    region_trend,
)
from kotacerdas.assessments.selectors.readiness import readiness_profile
from kotacerdas.practices import advice, search, taxonomy
from kotacerdas.practices.models import Practice
from kotacerdas.practices.selectors import (
    ACTIVE_ADOPTION,
    published_practices,
    published_reviews,
)
from kotacerdas.regions.models import Membership, Region

from .content import SCHEMA, generated, source

LANGUAGES = ("id", "en")


@functools.cache
def planning() -> dict[str, Any]:
    text = resources.files("kotacerdas.strategy").joinpath("data/planning.yaml").read_text()
    return yaml.safe_load(text)


def _names(node: Node) -> dict[str, str]:
    return {"id": node.name_id, "en": node.name_en or node.name_id}


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def _plain(value: Any) -> int | float:
    """A measured value for a sentence: whole numbers without a decimal (``4.200.000.000``,
    not ``4.200.000.000,0``)."""
    number = float(value)
    return int(number) if number.is_integer() else number


def _significant(amount: float, digits: int = 3) -> int:
    """Rupiah rounded to three significant figures: an estimate should not look exact."""
    if amount <= 0:
        return 0
    scale = 10 ** max(math.floor(math.log10(amount)) - digits + 1, 0)
    return int(round(amount / scale) * scale)


# --- what the platform knows ----------------------------------------------------------------


@dataclass
class PillarFacts:
    code: str
    names: dict[str, str]
    score: float | None = None
    rank: int | None = None
    rank_low: float | None = None
    rank_high: float | None = None
    of: int = 0
    peer_mean: float | None = None
    trend: list[tuple[int, float]] | None = None

    @property
    def gap(self) -> float | None:
        if self.score is None or self.peer_mean is None:
            return None
        return self.peer_mean - self.score


def _profile(region: Region) -> dict[str, Any]:
    sources = [
        source(
            "registry",
            region.facts_source or "Kemendagri",
            year=region.facts_year,
            ref=region.code,
        )
    ]
    params = {
        "region": region.name,
        "kind": _bilingual(lambda: Region.Kind(region.kind).label),
        "province": region.province.name,
    }
    if region.population:
        text = generated(
            "profile",
            **params,
            population=int(region.population),
            population_year=str(region.facts_year or "—"),
        )
    else:
        text = generated("profile_no_population", **params)
    memberships = list(
        Membership.objects.filter(region=region, left_on__isnull=True)
        .select_related("network")
        .order_by("network__name")
    )
    texts = [text]
    if memberships:
        texts.append(generated("profile_networks", networks=[m.network.name for m in memberships]))
        sources.append(source("network", ", ".join(m.network.name for m in memberships)))
    return {
        "population": region.population,
        "population_year": region.facts_year,
        "memberships": [
            {"network": m.network.name, "role": m.role, "since": m.joined_on.isoformat()}
            for m in memberships
        ],
        "texts": texts,
        "sources": sources,
    }


def _readiness(region: Region) -> dict[str, Any]:
    profiles = {}
    for language in LANGUAGES:
        with translation.override(language):
            profiles[language] = readiness_profile(region)
    profile = profiles["id"]
    if profile is None:
        return {"texts": [generated("readiness_none")], "sources": [], "dimensions": []}
    english = profiles["en"]
    dimensions = [
        {
            "code": d.code,
            "name": {"id": d.name, "en": e.name},
            "mean": _round(d.mean),
        }
        for d, e in zip(profile.dimensions, english.dimensions, strict=True)
    ]
    texts = [
        generated(
            "readiness",
            year=str(profile.year),
            overall=_round(profile.overall),
            dimensions=[
                generated("named_value", name=d["name"], value=d["mean"])
                for d in dimensions
                if d["mean"] is not None
            ],
        )
    ]
    if profile.weakest:
        texts.append(
            generated(
                "readiness_weakest",
                aspects=[
                    {"id": a.name, "en": b.name}
                    for a, b in zip(profile.weakest, english.weakest, strict=True)
                ],
            )
        )
    return {
        "year": profile.year,
        "demo": profile.is_demo,
        "overall": _round(profile.overall),
        "dimensions": dimensions,
        "texts": texts,
        "sources": [
            source(
                "readiness",
                profile.questionnaire_name,
                year=profile.year,
                demo=profile.is_demo,
                ref=region.code,
            )
        ],
    }


def _index(region: Region) -> tuple[dict[str, Any] | None, list[PillarFacts]]:
    computation = latest_published_computation()
    results = region_results(computation, region) if computation else None
    if computation is None or results is None or results.index.score is None:
        return None, []
    tree = nodes_tree(computation.cycle.framework_id)
    peers = peer_group(computation, region, tree=tree)
    trend = region_trend(region, tree=tree)
    year, demo = computation.cycle.year, computation.is_demo
    index_source = source("index", "KotaCerdas Smart City Index", year=year, demo=demo)
    pillars = []
    for node, result in zip(tree.pillars, results.pillars, strict=True):
        history = [
            (point.year, round(point.pillars[node.code], 1))
            for point in trend.points
            if point.pillars.get(node.code) is not None
        ]
        pillars.append(
            PillarFacts(
                code=node.code,
                names=_names(node),
                score=_round(result.score),
                rank=result.rank,
                rank_low=result.rank_low,
                rank_high=result.rank_high,
                of=result.of,
                peer_mean=_round(peers.pillar_means.get(node.code)),
                trend=history,
            )
        )
    index = results.index
    params = {
        "year": str(year),
        "score": _round(index.score),
        "rank": index.rank,
        "of": index.of,
    }
    if index.has_interval:
        texts = [
            generated(
                "index",
                **params,
                low=round(index.rank_low),
                high=round(index.rank_high),
            )
        ]
    else:
        texts = [generated("index_no_interval", **params)]
    if peers.index_mean is not None:
        texts.append(
            generated(
                "index_peers",
                peers=_peer_label(peers),
                n=peers.size,
                peer_mean=_round(peers.index_mean),
            )
        )
    for pillar in pillars:
        texts.append(
            generated(
                "pillar",
                pillar=pillar.names,
                score=pillar.score,
                trend=_trend_text(pillar, year),
                peer_mean=pillar.peer_mean,
            )
        )
    return (
        {
            "year": year,
            "demo": demo,
            "score": _round(index.score),
            "rank": index.rank,
            "rank_low": index.rank_low,
            "rank_high": index.rank_high,
            "of": index.of,
            "peer_mean": _round(peers.index_mean),
            # In both languages, like every name in the document.
            "peer_label": _peer_label(peers),
            "pillars": [
                {
                    "code": p.code,
                    "name": p.names,
                    "score": p.score,
                    "rank": p.rank,
                    "rank_low": p.rank_low,
                    "rank_high": p.rank_high,
                    "peer_mean": p.peer_mean,
                    "trend": p.trend,
                }
                for p in pillars
            ],
            "texts": texts,
            "sources": [index_source],
        },
        pillars,
    )


def _bilingual(text: Callable[[], Any]) -> dict[str, str]:
    """``text()`` in each language of the plan, so a stored draft reads in both."""
    labels = {}
    for language in LANGUAGES:
        with translation.override(language):
            labels[language] = str(text())
    return labels


def _peer_label(peers: Any) -> dict[str, str]:
    """The peer group's name in both languages (a PeerGroup names it in one)."""
    return _bilingual(
        lambda: f"{Region.Kind(peers.kind).label}, {population_class_label(peers.population_class)}"
    )


def _trend_text(pillar: PillarFacts, year: int) -> dict[str, Any]:
    history = pillar.trend or []
    if len(history) < 2:
        return generated("trend_none", year=str(year))
    (first_year, first), (_last_year, last) = history[0], history[-1]
    change = round(last - first, 1)
    if abs(change) < 0.05:
        return generated("trend_flat", since=str(first_year))
    return generated(
        "trend_up" if change > 0 else "trend_down", change=abs(change), since=str(first_year)
    )


# --- gaps, strategies and programmes ----------------------------------------------------------


def _ranked_pillars(pillars: list[PillarFacts], stated: list[str]) -> list[PillarFacts]:
    """Pillars by how far they trail similar regions (the largest gap first; without
    index results, the stated priorities first, then the framework's order)."""
    if any(p.gap is not None for p in pillars):
        return sorted(pillars, key=lambda p: (-(p.gap if p.gap is not None else -999), p.code))
    order = {code: i for i, code in enumerate(stated)}
    # A stable sort: pillars that were not stated keep the framework's order.
    return sorted(pillars, key=lambda p: order.get(p.code, len(order)))


def _gap_entry(pillar: PillarFacts, index: dict[str, Any] | None, stated: list[str]):
    entry = {
        "code": pillar.code,
        "name": pillar.names,
        "score": pillar.score,
        "peer_mean": pillar.peer_mean,
        "gap": _round(pillar.gap),
    }
    if pillar.gap is not None and pillar.gap > 0:
        entry["text"] = generated(
            "gap",
            name=pillar.names,
            score=pillar.score,
            gap=_round(pillar.gap),
            peer_mean=pillar.peer_mean,
        )
        entry["sources"] = index["sources"] if index else []
    elif pillar.gap is not None:
        entry["text"] = generated(
            "gap_ahead", name=pillar.names, score=pillar.score, peer_mean=pillar.peer_mean
        )
        entry["sources"] = index["sources"] if index else []
    elif pillar.code in stated:
        entry["text"] = generated("gap_stated", name=pillar.names)
        entry["sources"] = [source("priorities", "")]  # the reading names the kind
    return entry


@dataclass
class Candidate:
    practice: Practice
    pillar: str
    prescore: float
    adopters: int
    verified: bool
    pad: advice.PadEffect | None
    similar: int
    fit: advice.FitReport | None = None

    @property
    def score(self) -> float:
        fit = (self.fit.score or 0) / 100 if self.fit else 0
        return self.prescore + 2 * fit


def _candidates(
    region: Region, facts: advice.RegionFacts, pillar_codes: list[str]
) -> dict[str, list[Candidate]]:
    """Published practices of other regions for each pillar, with a cheap score: similar
    region, verified evidence, PAD effect, adoption elsewhere."""
    settings = planning()["programmes"]
    ids_by_pillar = {
        code: search.backend().browse_ids(filters={"pillar": [code]}, limit=200)
        for code in pillar_codes
    }
    all_ids = {pk for ids in ids_by_pillar.values() for pk in ids}

    practices = {
        p.pk: p
        for p in published_practices()
        .filter(pk__in=all_ids)
        .exclude(lead_region=region)
        .annotate(
            adopters=Count("replications", filter=Q(replications__status__in=ACTIVE_ADOPTION))
        )
        .prefetch_related("published_version__outcomes", "published_version__prerequisites")
    }
    reviews = published_reviews(list(practices))
    result: dict[str, list[Candidate]] = {}
    for code, ids in ids_by_pillar.items():
        scored = []
        for pk in ids:
            practice = practices.get(pk)
            if practice is None:
                continue
            version = practice.published_version
            review = reviews.get(pk)
            pad = advice.pad_effect(version)
            lead = practice.lead_region
            similar = int(lead.kind == region.kind) + int(
                facts.population_class != "unknown"
                and advice.population_class(lead.population) == facts.population_class
            )
            verified = bool(review and review.verified)
            prescore = (
                similar
                + (1.0 if verified else 0.0)
                + (1.0 if pad else 0.0)
                + min(practice.adopters, 5) * 0.2
                + (1.0 if version.pillars and version.pillars[0] == code else 0.0)
            )
            scored.append(
                Candidate(practice, code, prescore, practice.adopters, verified, pad, similar)
            )
        scored.sort(key=lambda c: (-c.prescore, c.practice.published_version.title, c.practice.pk))
        checked = scored[: settings["checked_per_pillar"]]
        for candidate in checked:
            candidate.fit = advice.check_fit(candidate.practice, region, facts)
        checked.sort(key=lambda c: (-c.score, c.practice.published_version.title, c.practice.pk))
        result[code] = checked
    return result


def _duration(practice: Practice) -> int:
    settings = planning()["programmes"]
    version = practice.published_version
    if version.started_on and version.applied_on and version.applied_on > version.started_on:
        years = math.ceil((version.applied_on - version.started_on).days / 365.25)
        return max(1, min(years, settings["longest_duration"]))
    return settings["default_duration"]


def _cost(practice: Practice, region: Region) -> tuple[int | None, dict[str, Any]]:
    settings = planning()["programmes"]
    version = practice.published_version
    lead = practice.lead_region
    if not version.budget_idr:
        return None, generated("cost_unknown")
    budget = float(version.budget_idr)
    if region.population and lead.population:
        factor = min(
            max(region.population / lead.population, settings["scale_min"]), settings["scale_max"]
        )
        # Rounded as the text shows it (one decimal), so the cost is the budget times
        # the factor the reader sees.
        factor = round(factor, 1)
        if factor != 1:
            return _significant(budget * factor), generated(
                "cost_scaled",
                budget={"idr": int(budget)},
                lead=lead.name,
                lead_population=int(lead.population),
                factor=factor,
            )
    return _significant(budget), generated("cost_same", budget={"idr": int(budget)}, lead=lead.name)


def _agency(practice: Practice, pillar: str, pad: advice.PadEffect | None) -> str:
    agencies = planning()["agencies"]
    if pad is not None:
        return agencies["revenue"]
    for code in practice.published_version.sub_elements or []:
        if code.startswith(f"{pillar}.") and code in agencies["sub_elements"]:
            return agencies["sub_elements"][code]
    return agencies["pillars"].get(pillar, "")


def _target(practice: Practice, pad: advice.PadEffect | None) -> dict[str, Any]:
    """The practice's outcome the programme aims at: its PAD outcome when it has one,
    else its first outcome with a baseline, else its first."""
    outcomes = list(practice.published_version.outcomes.all())
    if not outcomes:
        return {}
    chosen = next((o for o in outcomes if pad and o.affects_pad and o.name == pad.name), None)
    chosen = chosen or next((o for o in outcomes if o.baseline), outcomes[0])
    entry: dict[str, Any] = {"metric": chosen.name, "unit": chosen.unit}
    lead = practice.lead_region.name
    if chosen.baseline:
        change = (float(chosen.value) - float(chosen.baseline)) / abs(float(chosen.baseline)) * 100
        years = chosen.year - chosen.baseline_year if chosen.baseline_year else None
        entry["target_change_pct"] = round(change, 1)
        entry["target_text"] = generated(
            "target_change",
            metric=chosen.name,
            direction={
                "id": "naik" if change >= 0 else "turun",
                "en": "up" if change >= 0 else "down",
            },
            change=round(abs(change), 1),
            years=str(years or "—"),
            lead=lead,
            baseline=_plain(chosen.baseline),
            value=_plain(chosen.value),
            unit=chosen.unit,
            source=chosen.source,
        )
    else:
        entry["target"] = float(chosen.value)
        entry["target_text"] = generated(
            "target_value",
            metric=chosen.name,
            value=_plain(chosen.value),
            unit=chosen.unit,
            lead=lead,
        )
    return entry


def _fit_text(fit: advice.FitReport | None) -> dict[str, Any]:
    if fit is None or not fit.items:
        return generated("fit_none")
    met = sum(1 for i in fit.items if i.status == "met")
    if met == len(fit.items):
        return generated("fit_met")
    return generated("fit_partly", met=met, total=len(fit.items), unknown=fit.unknown)


def _quick_win_limit(facts: advice.RegionFacts) -> int:
    rules = planning()["quick_wins"]
    limit = rules["max_cost_idr"]
    if facts.yearly_pad:
        limit = max(limit, int(facts.yearly_pad * rules["max_share_of_pad"]))
    return limit


def _programme(
    number: int,
    candidate: Candidate,
    region: Region,
    facts: advice.RegionFacts,
    horizon: tuple[int, int],
) -> dict[str, Any]:
    practice = candidate.practice
    version = practice.published_version
    lead = practice.lead_region
    cost, cost_text = _cost(practice, region)
    duration = min(_duration(practice), horizon[1] - horizon[0] + 1)
    limit = _quick_win_limit(facts)
    proven = candidate.adopters > 0 or candidate.similar > 0
    quick_win = (
        cost is not None
        and cost <= limit
        and duration <= planning()["quick_wins"]["max_duration"]
        and proven
    )
    first = version.started_on.year if version.started_on else None
    last = version.applied_on.year if version.applied_on else None
    if first and last and last > first:
        years = f"{first}–{last}"
    else:
        years = str(last or first or (version.published_at.year if version.published_at else ""))
    texts = [
        generated(
            "programme",
            practice=version.title,
            lead=lead.name,
            years=years,
            fit=_fit_text(candidate.fit),
        ),
        cost_text,
    ]
    target = _target(practice, candidate.pad)
    if target.get("target_text"):
        texts.append(target.pop("target_text"))
    if quick_win:
        proof = (
            generated("proof_replicated", n=candidate.adopters)
            if candidate.adopters
            else generated("proof_similar")
        )
        texts.append(generated("quick_win", limit={"idr": limit}, proof=proof))
    pad = None
    if candidate.pad is not None:
        pad = {
            "amount": float(candidate.pad.change),
            "years": candidate.pad.years,
            "metric": candidate.pad.name,
            "verified": candidate.verified,
        }
        texts.append(
            generated(
                "pad_effect",
                lead=lead.name,
                amount={"idr": float(candidate.pad.change)},
                years=str(candidate.pad.years or "—"),
                verified=generated("verified") if candidate.verified else "",
            )
        )
    fit = candidate.fit
    return {
        "id": f"P{number}",
        "pillar": candidate.pillar,
        "title": version.title,
        "practice": {
            "slug": practice.slug,
            "title": version.title,
            "region": lead.name,
            "region_code": lead.code,
            "demo": practice.is_demo,
        },
        "cost_idr": cost,
        "start_year": horizon[0],
        "duration_years": duration,
        "agency": _agency(practice, candidate.pillar, candidate.pad),
        "metric": target.get("metric", ""),
        "unit": target.get("unit", ""),
        "baseline": None,
        "target": target.get("target"),
        "target_change_pct": target.get("target_change_pct"),
        "funding": [f for f in version.funding_sources if f] or ["apbd"],
        "quick_win": quick_win,
        "pad_effect": pad,
        "fit": {
            "score": fit.score if fit else None,
            "unknown": fit.unknown if fit else 0,
            "needs_first": list(fit.needs_first) if fit else [],
        },
        "texts": texts,
        "sources": [
            source(
                "practice",
                f"{version.title} — {lead.name}",
                year=version.published_at.year if version.published_at else None,
                demo=practice.is_demo,
                ref=practice.slug,
            )
        ],
    }


def _schedule(programmes: list[dict[str, Any]], horizon: tuple[int, int]) -> None:
    """Quick wins start in the first year; the others follow in the plan's order (the
    weakest pillar first), a limited number a year, later when prerequisites are unmet."""
    per_year = planning()["programmes"]["starts_per_year"]
    starts: dict[int, int] = {}
    for programme in programmes:
        if programme["quick_win"]:
            programme["start_year"] = horizon[0]
            continue
        earliest = horizon[0] + (2 if programme["fit"]["needs_first"] else 0)
        year = earliest
        while starts.get(year, 0) >= per_year and year < horizon[1]:
            year += 1
        year = min(year, horizon[1])
        starts[year] = starts.get(year, 0) + 1
        programme["start_year"] = year
        programme["duration_years"] = min(programme["duration_years"], horizon[1] - year + 1)


def draft(region: Region, *, start: int, end: int) -> dict[str, Any]:
    """The generated content of version 1 of a masterplan for ``region`` and the years
    ``start`` to ``end`` (see :mod:`kotacerdas.strategy.content`)."""
    settings = planning()["programmes"]
    horizon = (start, end)
    facts = advice.region_facts(region)
    profile = _profile(region)
    readiness = _readiness(region)
    index, pillar_facts = _index(region)
    if not pillar_facts:
        with translation.override("id"):
            names_id = {c: taxonomy.node_name(c) for c in taxonomy.pillar_codes()}
        with translation.override("en"):
            names_en = {c: taxonomy.node_name(c) for c in taxonomy.pillar_codes()}
        pillar_facts = [
            PillarFacts(code=c, names={"id": names_id[c], "en": names_en[c]})
            for c in taxonomy.pillar_codes()
        ]
    stated = list(facts.weak_pillars) if facts.weak_source == "stated" else []
    ranked = _ranked_pillars(pillar_facts, stated)
    weak = {p.code for p in ranked[: settings["weak_pillars"]]}
    candidates = _candidates(region, facts, [p.code for p in ranked])
    programmes: list[dict[str, Any]] = []
    strategies = []
    used: set[int] = set()
    for pillar in ranked:
        count = settings["per_weak_pillar"] if pillar.code in weak else settings["per_other_pillar"]
        chosen = []
        for candidate in candidates.get(pillar.code, []):
            if len(chosen) >= count:
                break
            if candidate.practice.pk in used:
                continue
            used.add(candidate.practice.pk)
            programme = _programme(len(programmes) + 1, candidate, region, facts, horizon)
            programmes.append(programme)
            chosen.append(programme["id"])
        if not chosen:
            text = generated("strategy_empty", pillar=pillar.names)
        elif pillar.gap is not None and pillar.gap > 0:
            text = generated(
                "strategy_close",
                pillar=pillar.names,
                score=pillar.score,
                peer_mean=pillar.peer_mean,
            )
        elif pillar.gap is not None:
            text = generated("strategy_keep", pillar=pillar.names, score=pillar.score)
        elif pillar.code in stated:
            text = generated("strategy_stated", pillar=pillar.names)
        else:
            text = generated("strategy_build", pillar=pillar.names)
        strategies.append(
            {"pillar": pillar.code, "name": pillar.names, "text": text, "programmes": chosen}
        )
    _schedule(programmes, horizon)
    mission_pillars = [p.code for p in ranked[: settings["weak_pillars"]]]
    return {
        "schema": SCHEMA,
        "region": {
            "code": region.code,
            "name": region.name,
            "kind": region.kind,
            "province": region.province.name,
        },
        "horizon": {"from": start, "to": end},
        "demo": bool(
            (index and index["demo"])
            or readiness.get("demo")
            or any(p["practice"]["demo"] for p in programmes)
        ),
        "vision": generated("vision", region=region.name, year=str(end), kind=region.kind),
        "mission": [generated(f"mission_{code}") for code in mission_pillars],
        "profile": profile,
        "readiness": readiness,
        "index": index,
        "gaps": [_gap_entry(p, index, stated) for p in ranked],
        "strategies": strategies,
        "programmes": programmes,
        "notes": {},
    }
