"""Advice for a region: which practices to look at first, and whether one fits.

Everything here is a read. A recommendation carries the facts it was made from, so its
one-line reason can be checked against the region's index results, the practice's
outcomes and the registry. Results computed from demo values say so.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kotacerdas.assessments.models import IndicatorValue, ReadinessResponse, Result
from kotacerdas.assessments.selectors.public import (
    latest_published_computation,
    population_class,
    published_computations,
)
from kotacerdas.regions.models import Region

from . import search, taxonomy
from .models import Practice, Prerequisite, Replication, Review, StatedPriorities
from .selectors import ACTIVE_ADOPTION, published_practices, published_reviews

PAD_SHARE = "GOV.POL.01"  # PAD as a share of total regional revenue, in %
PAD_PER_CAPITA = "GOV.POL.03"  # rupiah per inhabitant
# Fiscal capacity classes on the PAD share (%), a project choice: below 10 % most of a
# region's revenue is transfers; from 20 % it raises a real share itself.
FISCAL_CLASSES = ((10.0, "low"), (20.0, "medium"))
# A prerequisite budget fits when it is at most this share of the region's yearly PAD.
BUDGET_FITS = 0.01
BUDGET_STRETCH = 0.05
WEAK_PILLARS = 3
# Advice weighs at most this many practices on the pillars in question, the most recently
# published first (and a few on other pillars for recommendations), so a page stays fast
# with a library of tens of thousands of practices.
CANDIDATES = 1000
CANDIDATES_ANY_PILLAR = 200
# How much each practice already recommended for a weak pillar discounts the next one for
# that pillar: about one similarity fact, so a close match still comes first.
SPREAD = 1.5


def fiscal_class(pad_share: float | None) -> str:
    if pad_share is None:
        return "unknown"
    for bound, name in FISCAL_CLASSES:
        if pad_share < bound:
            return name
    return "high"


def rupiah(amount: float | int | decimal.Decimal) -> str:
    """A short rupiah amount: ``Rp 1,9 miliar`` / ``Rp 1.9 billion`` by the language."""
    value = float(amount)
    sign = "−" if value < 0 else ""
    value = abs(value)
    for size, label in (
        (1e12, _("trillion")),
        (1e9, _("billion")),
        (1e6, _("million")),
    ):
        # Judged after rounding too: 999,960,000 is "1.0 billion", not "1000.0 million"
        # (below a million the amount is written out in full).
        if value >= size or (size > 1e6 and round(value / size, 1) >= 1):
            scaled = number_format(round(value / size, 1), 1, force_grouping=True)
            return f"{sign}Rp {scaled} {label}"
    return f"{sign}Rp {number_format(round(value), 0, force_grouping=True)}"


@dataclass
class RegionFacts:
    """What the advice knows about a region, each fact with its year and demo flag."""

    region: Region
    population_class: str
    pillar_scores: dict[str, float] = field(default_factory=dict)
    results_year: int | None = None
    results_demo: bool = False
    weak_pillars: list[str] = field(default_factory=list)
    weak_source: str = "none"  # "index", "stated" or "none"
    readiness: dict[str, int] = field(default_factory=dict)
    readiness_year: int | None = None
    readiness_demo: bool = False
    pad_share: float | None = None
    pad_per_capita: float | None = None
    fiscal_year: int | None = None
    fiscal_demo: bool = False

    @property
    def fiscal_class(self) -> str:
        return fiscal_class(self.pad_share)

    @property
    def yearly_pad(self) -> float | None:
        if self.pad_per_capita is None or not self.region.population:
            return None
        return self.pad_per_capita * self.region.population


def _latest_values(
    codes: Iterable[str], region_ids: Iterable[int] | None
) -> dict[tuple[int, str], IndicatorValue]:
    """The latest public value of each indicator code per region: from a cycle with
    published results (values of a cycle still being filled are not public)."""
    published_cycles = published_computations().values("cycle_id")
    queryset = IndicatorValue.objects.filter(
        indicator__code__in=list(codes), cycle_id__in=published_cycles
    ).select_related("indicator", "cycle")
    if region_ids is not None:
        queryset = queryset.filter(region_id__in=list(region_ids))
    latest: dict[tuple[int, str], IndicatorValue] = {}
    for value in queryset.order_by("region_id", "indicator__code", "-cycle__year", "-pk"):
        latest.setdefault((value.region_id, value.indicator.code), value)
    return latest


def region_facts(region: Region) -> RegionFacts:
    facts = RegionFacts(region=region, population_class=population_class(region.population))
    computation = latest_published_computation()
    if computation is not None:
        pillars = taxonomy.pillar_codes()
        rows = Result.objects.filter(
            computation=computation, region=region, node__code__in=pillars, score__isnull=False
        ).select_related("node")
        facts.pillar_scores = {r.node.code: r.score for r in rows}
        if facts.pillar_scores:
            facts.results_year = computation.cycle.year
            # A computation of demo values is demo even in a cycle that is not.
            facts.results_demo = computation.is_demo
            facts.weak_pillars = sorted(
                facts.pillar_scores, key=lambda c: (facts.pillar_scores[c], c)
            )[:WEAK_PILLARS]
            facts.weak_source = "index"
    if not facts.weak_pillars:
        stated = StatedPriorities.objects.filter(region=region).first()
        if stated is not None and stated.pillars:
            facts.weak_pillars = list(stated.pillars)[:WEAK_PILLARS]
            facts.weak_source = "stated"
    # Only answers the region made public (submitted) or demo ones: a draft is withdrawn
    # from the public profile, and advice pages are public.
    response = (
        ReadinessResponse.objects.filter(
            Q(submitted_at__isnull=False) | Q(is_demo=True), region=region
        )
        .order_by("-year", "-questionnaire_id")
        .first()
    )
    if response is not None:
        facts.readiness = {
            code: int(answer["level"])
            for code, answer in response.answers.items()
            if isinstance(answer, dict) and answer.get("level")
        }
        facts.readiness_year = response.year
        facts.readiness_demo = response.is_demo
    values = _latest_values([PAD_SHARE, PAD_PER_CAPITA], [region.pk])
    share = values.get((region.pk, PAD_SHARE))
    per_capita = values.get((region.pk, PAD_PER_CAPITA))
    if share is not None:
        facts.pad_share = share.value
        facts.fiscal_year = share.year
        facts.fiscal_demo = share.is_demo
    if per_capita is not None:
        facts.pad_per_capita = per_capita.value
        facts.fiscal_year = facts.fiscal_year or per_capita.year
        facts.fiscal_demo = facts.fiscal_demo or per_capita.is_demo
    return facts


# --- transferability ----------------------------------------------------------------------


@dataclass
class FitItem:
    prerequisite: Prerequisite
    status: str  # "met", "partly", "unmet" or "unknown"
    reason: str
    need: str = ""


@dataclass
class FitReport:
    items: list[FitItem]
    score: int | None
    needs_first: list[str]
    unknown: int
    facts: RegionFacts
    similarities: list[str]


STATUS_WEIGHT = {"met": 1.0, "partly": 0.5, "unmet": 0.0, "unknown": 0.0}


def _readiness_item(need: Prerequisite, facts: RegionFacts) -> FitItem:
    question = taxonomy.readiness_question(need.readiness_code)
    level = facts.readiness.get(need.readiness_code)
    if level is None:
        return FitItem(
            need,
            "unknown",
            _("Your region has not answered readiness question %(code)s (“%(question)s”).")
            % {"code": need.readiness_code, "question": question},
            _("Answer readiness question %(code)s.") % {"code": need.readiness_code},
        )
    demo = _(" (demo answer)") if facts.readiness_demo else ""
    args = {
        "code": need.readiness_code,
        "level": level,
        "min": need.min_level,
        "year": facts.readiness_year,
        "demo": demo,
    }
    if level >= need.min_level:
        return FitItem(
            need,
            "met",
            _(
                "Readiness %(code)s is at level %(level)s in %(year)s%(demo)s; "
                "level %(min)s is needed."
            )
            % args,
        )
    return FitItem(
        need,
        "partly" if level == need.min_level - 1 else "unmet",
        _("Readiness %(code)s is at level %(level)s in %(year)s%(demo)s; level %(min)s is needed.")
        % args,
        _("Raise %(code)s (“%(question)s”) from level %(level)s to %(min)s.")
        % {**args, "question": question},
    )


def _budget_item(need: Prerequisite, facts: RegionFacts) -> FitItem:
    yearly = facts.yearly_pad
    if yearly is None or not yearly:
        return FitItem(
            need,
            "unknown",
            _(
                "The budget of %(amount)s cannot be compared: your region's PAD per capita "
                "or population is not known."
            )
            % {"amount": rupiah(need.min_budget_idr)},
            _("Check that %(amount)s can be budgeted.") % {"amount": rupiah(need.min_budget_idr)},
        )
    share = need.min_budget_idr / yearly
    args = {
        "amount": rupiah(need.min_budget_idr),
        "share": number_format(round(share * 100, 2), 2),
        "pad": rupiah(yearly),
        "year": facts.fiscal_year,
        "demo": _(", demo values") if facts.fiscal_demo else "",
    }
    reason = (
        _(
            "%(amount)s is %(share)s%% of your yearly PAD of about %(pad)s "
            "(PAD per capita × population, %(year)s%(demo)s)."
        )
        % args
    )
    if share <= BUDGET_FITS:
        return FitItem(need, "met", reason)
    if share <= BUDGET_STRETCH:
        return FitItem(need, "partly", reason, _("Plan %(amount)s in the APBD.") % args)
    return FitItem(
        need, "unmet", reason, _("Find %(amount)s, for example through partners or CSR.") % args
    )


def check_fit(practice: Practice, region: Region, facts: RegionFacts | None = None) -> FitReport:
    """Compare the prerequisites of the practice's published version with the region's
    readiness answers and fiscal facts, item by item."""
    facts = facts or region_facts(region)
    version = practice.published_version
    items: list[FitItem] = []
    for need in version.prerequisites.all():
        if need.readiness_code:
            item = _readiness_item(need, facts)
            if (
                need.kind == Prerequisite.Kind.BUDGET
                and need.min_budget_idr
                and item.status != "unknown"
            ):
                budget = _budget_item(need, facts)
                if (
                    budget.status != "unknown"
                    and STATUS_WEIGHT[budget.status] < STATUS_WEIGHT[item.status]
                ):
                    item = budget
                else:
                    item.reason = f"{item.reason} {budget.reason}"
        elif need.kind == Prerequisite.Kind.BUDGET and need.min_budget_idr:
            item = _budget_item(need, facts)
        else:
            item = FitItem(
                need,
                "unknown",
                _("No platform data shows this; check it yourself."),
                need.description,
            )
        items.append(item)
    checked = [i for i in items if i.status != "unknown"]
    score = round(100 * sum(STATUS_WEIGHT[i.status] for i in items) / len(items)) if items else None
    lead = practice.lead_region
    return FitReport(
        items=items,
        score=score if checked else None,
        needs_first=[i.need for i in items if i.status in ("unmet", "partly") and i.need],
        unknown=len(items) - len(checked),
        facts=facts,
        similarities=_similarities(
            lead, facts, lead_fiscal=_fiscal_classes([lead.pk]).get(lead.pk)
        ),
    )


def _similarities(lead: Region, facts: RegionFacts, *, lead_fiscal: str | None) -> list[str]:
    region = facts.region
    found = []
    if lead.kind == region.kind:
        found.append(
            _("a kota like yours")
            if region.kind == Region.Kind.KOTA
            else _("a kabupaten like yours")
        )
    if (
        facts.population_class != "unknown"
        and population_class(lead.population) == facts.population_class
    ):
        found.append(_("of similar population"))
    if facts.fiscal_class != "unknown" and lead_fiscal == facts.fiscal_class:
        found.append(_("with similar fiscal capacity"))
    return found


def _fiscal_classes(region_ids: Iterable[int]) -> dict[int, str]:
    values = _latest_values([PAD_SHARE], region_ids)
    return {region_id: fiscal_class(v.value) for (region_id, _code), v in values.items()}


# --- recommendations ----------------------------------------------------------------------


@dataclass
class PadEffect:
    change: decimal.Decimal
    years: int | None
    name: str

    def describe(self) -> str:
        if self.years:
            return ngettext(
                "raised PAD by %(amount)s in %(years)d year",
                "raised PAD by %(amount)s in %(years)d years",
                self.years,
            ) % {"amount": rupiah(self.change), "years": self.years}
        return _("raised PAD by %(amount)s") % {"amount": rupiah(self.change)}


def pad_effect(version: Any) -> PadEffect | None:
    """The largest PAD increase among the version's outcomes (prefetched)."""
    best = None
    for outcome in version.outcomes.all():
        if not outcome.affects_pad or outcome.baseline is None:
            continue
        change = outcome.value - outcome.baseline
        if change > 0 and (best is None or change > best.change):
            years = outcome.year - outcome.baseline_year if outcome.baseline_year else None
            best = PadEffect(change, years, outcome.name)
    return best


@dataclass
class Recommendation:
    practice: Practice
    score: float
    reason: str
    pillars: list[str]
    verified: bool
    pad: PadEffect | None
    adopters: int


def recommend(
    region: Region, *, limit: int = 10, facts: RegionFacts | None = None
) -> tuple[RegionFacts, list[Recommendation]]:
    """Published practices of other regions for ``region``, best first.

    A practice scores for each of the region's weak pillars it addresses (the weakest
    most), for being from a region of the same kind, population class and fiscal
    capacity, for evidence the secretariat verified, for a PAD effect, and for being
    adopted elsewhere. Practices the region already adopts are left out.

    The list is then spread over the weak pillars: each practice already chosen for the
    same weak pillar lowers the next one's claim by ``SPREAD`` points (its stored score
    stays as computed), so the weakest pillar leads without filling the whole list.
    """
    facts = facts or region_facts(region)
    adopted = set(
        Replication.objects.filter(region=region)
        .exclude(status=Replication.Status.STOPPED)
        .values_list("practice_id", flat=True)
    )
    candidates = set(_recent_ids(facts.weak_pillars, CANDIDATES))
    candidates |= set(_recent_ids([], CANDIDATES_ANY_PILLAR))
    practices = list(
        published_practices()
        .filter(pk__in=candidates)
        .exclude(lead_region=region)
        .exclude(pk__in=adopted)
        .annotate(
            adopters=Count("replications", filter=Q(replications__status__in=ACTIVE_ADOPTION))
        )
        .prefetch_related("published_version__outcomes")
    )
    reviews = published_reviews([p.pk for p in practices])
    fiscal = _fiscal_classes({p.lead_region_id for p in practices})
    weights = {code: WEAK_PILLARS - i for i, code in enumerate(facts.weak_pillars)}
    ranked = []
    for practice in practices:
        version = practice.published_version
        review = reviews.get(practice.pk)
        matched = [c for c in facts.weak_pillars if c in version.pillars]
        similar = _similarities(
            practice.lead_region, facts, lead_fiscal=fiscal.get(practice.lead_region_id)
        )
        verified = bool(review and review.verified)
        pad = pad_effect(version)
        score = 2.0 * sum(weights[c] for c in matched)
        score += len(similar)
        score += 1.0 if verified else 0.0
        score += 1.0 if pad else 0.0
        score += min(practice.adopters, 5) * 0.2
        score += (review.total / taxonomy.MAX_SCORE) if review else 0.0
        ranked.append(
            Recommendation(
                practice=practice,
                score=round(score, 3),
                reason=_reason(
                    facts, matched, similar, pad, verified, practice.adopters, practice.lead_region
                ),
                pillars=matched,
                verified=verified,
                pad=pad,
                adopters=practice.adopters,
            )
        )
    ranked.sort(key=lambda r: (-r.score, r.practice.published_version.title, r.practice.pk))
    return facts, _spread(ranked, limit)


def _spread(ranked: list[Recommendation], limit: int) -> list[Recommendation]:
    """Pick greedily, discounting a practice by ``SPREAD`` for every practice already
    picked for the same (first matched) weak pillar; ties keep the ranked order."""
    chosen: list[Recommendation] = []
    taken: dict[str, int] = {}
    rest = list(ranked)
    while rest and len(chosen) < limit:
        best = max(
            range(len(rest)),
            key=lambda i: (
                rest[i].score - SPREAD * taken.get(rest[i].pillars[0], 0)
                if rest[i].pillars
                else rest[i].score,
                -i,
            ),
        )
        pick = rest.pop(best)
        if pick.pillars:
            taken[pick.pillars[0]] = taken.get(pick.pillars[0], 0) + 1
        chosen.append(pick)
    return chosen


def _reason(
    facts: RegionFacts,
    matched: list[str],
    similar: list[str],
    pad: PadEffect | None,
    verified: bool,
    adopters: int,
    lead: Region,
) -> str:
    parts = []
    if matched:
        code = matched[0]
        if facts.weak_source == "index":
            parts.append(
                _(
                    "addresses %(pillar)s, one of your weakest pillars "
                    "(score %(score)s in %(year)s%(demo)s)"
                )
                % {
                    "pillar": taxonomy.node_name(code),
                    "score": number_format(round(facts.pillar_scores[code], 1), 1),
                    "year": facts.results_year,
                    "demo": _(", demo data") if facts.results_demo else "",
                }
            )
        else:
            parts.append(
                _("addresses %(pillar)s, a priority you stated")
                % {"pillar": taxonomy.node_name(code)}
            )
    if similar:
        parts.append(
            _("from %(region)s, %(how)s") % {"region": lead.name, "how": ", ".join(similar)}
        )
    else:
        parts.append(_("from %(region)s") % {"region": lead.name})
    if pad:
        parts.append(pad.describe() + (_(" (verified)") if verified else _(" (not verified)")))
    if adopters:
        parts.append(
            ngettext("adopted by %(n)d region", "adopted by %(n)d regions", adopters)
            % {"n": adopters}
        )
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def _recent_ids(pillars: list[str], limit: int) -> list[int]:
    """The most recently published practices on any of ``pillars`` (on any pillar when
    empty), read from the search index's catalogue rather than from every row."""
    return search.backend().browse_ids(
        filters={"pillar": pillars} if pillars else None, limit=limit
    )


def similar_practices(practice: Practice, *, limit: int = 5) -> list[Practice]:
    """Other published practices that share pillars and sub-elements with ``practice``,
    then the same stage and region kind; ties by title."""
    version = practice.published_version
    if version is None:
        return []
    pillars = set(version.pillars)
    subs = set(version.sub_elements)
    scored = []
    candidates = _recent_ids(sorted(pillars), CANDIDATES)
    for other in published_practices().filter(pk__in=candidates).exclude(pk=practice.pk):
        theirs = other.published_version
        shared = len(pillars & set(theirs.pillars)) * 2 + len(subs & set(theirs.sub_elements)) * 3
        if not shared:
            continue
        shared += (theirs.stage == version.stage) + (
            other.lead_region.kind == practice.lead_region.kind
        )
        scored.append((-shared, theirs.title, other.pk, other))
    scored.sort(key=lambda row: row[:3])
    return [row[3] for row in scored[:limit]]


def review_of(practice: Practice) -> Review | None:
    return published_reviews([practice.pk]).get(practice.pk)
