"""The scorecard of a year's masterplan progress report, from an evaluation edition.

An *evaluation edition* (``data/evaluation-<year>.yaml``) holds the components, their
weights (adding up to 100), names, definitions and the scales of the components read from
the index; the weights follow the ministry's published evaluation scheme, and how each
component is scored here is KotaCerdas's reading of it. A new edition is a new file:
:func:`current_edition` is the newest shipped one, and :func:`load_edition` reads any
file or dict, so another edition's weights change the score without a code change.

The functions are pure: they take the plan's content, the region's entries and the index
facts as plain data and touch no database. Scoring rules for a report year ``Y``:

``baseline`` (baseline improvement)
    The change of the region's index score from the baseline (the latest published
    result before the plan's first year) to the published result of ``Y``, mapped
    linearly by the edition's scale: ``zero_at`` points or less scores 0, ``full_at``
    points or more 100. Not assessable without both results.
``output`` (policy, institutions, budget)
    Of the programmes under way or done, the share of the three outputs (policy,
    institution, budget) delivered: ``delivered / (3 × programmes) × 100``. Not
    assessable while no programme has started.
``outcome``
    The mean attainment of the programmes under way or done that have a measurable
    target and reported an outcome value ``v``; each attainment is kept within 0–100.
    With a target value ``T`` and a baseline ``B`` (the report's, else the plan's):
    ``(v − B) / (T − B)``, which also serves targets that go down; with ``T`` and no
    baseline: ``v / T`` (growth from zero). With a target change of ``p`` % and a
    baseline ``B ≠ 0``: ``(v − B) / (B × p / 100)``. A target equal to its baseline, a
    zero target without baseline, or a change target without baseline is not measurable,
    and such programmes do not count. Not assessable when no programme counts.
``impact``
    For each pillar the plan's programmes address, the change of the pillar's score from
    the baseline to ``Y``, mapped by the edition's scale, then the mean over the pillars
    with both scores known. Mapping each pillar first keeps one pillar's leap from hiding
    another's decline. Not assessable when no pillar has both scores.
``quick_wins`` (quick-win innovation)
    The share of quick wins done among those due: scheduled to start by ``Y``, or done
    already (a quick win done early counts). Not assessable when none is due.

A component that is not assessable is reported as such; its weight is left out and the
others are scaled up to add up to 100 (:attr:`ScoreCard.note` says which). Component
scores are rounded to one decimal, and the total is the weighted mean of those rounded
scores, rounded to one decimal, so a reader can redo the sum from the table. With nothing
assessable there is no total.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kotacerdas.assessments.models import bilingual

COMPONENTS = ("baseline", "output", "outcome", "impact", "quick_wins")
SCALED = ("baseline", "impact")
STATUSES = ("not_started", "in_progress", "done", "dropped")
STARTED = ("in_progress", "done")
OUTPUTS = ("policy", "institution", "budget")
EDITION_PREFIX = "evaluation-"


# --- evaluation editions ---------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """A change in index points mapped linearly to 0–100."""

    zero_at: float
    full_at: float

    def score(self, change: float) -> float:
        return _clamp((change - self.zero_at) / (self.full_at - self.zero_at) * 100)


@dataclass(frozen=True)
class ComponentSpec:
    code: str
    weight: float
    name: dict[str, str]
    definition: dict[str, str]
    scale: Scale | None = None

    @property
    def title(self) -> str:
        return bilingual(self.name, self.code)

    @property
    def meaning(self) -> str:
        return bilingual(self.definition)


@dataclass(frozen=True)
class Edition:
    code: str
    name: dict[str, str]
    note: dict[str, str]
    components: tuple[ComponentSpec, ...]

    @property
    def title(self) -> str:
        return bilingual(self.name, self.code)

    @property
    def explanation(self) -> str:
        return bilingual(self.note)


def _texts(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or not isinstance(value.get("id"), str):
        raise ValueError(f"{where} needs an Indonesian text (id) and may have an English one (en)")
    return {k: str(v).strip() for k, v in value.items() if k in ("id", "en") and v}


def _edition(data: Any) -> Edition:
    if not isinstance(data, Mapping):
        raise ValueError("an evaluation edition is a mapping")
    code = data.get("code")
    if not isinstance(code, str) or not code:
        raise ValueError("an evaluation edition needs a code")
    parts = data.get("components")
    if not isinstance(parts, list) or not parts:
        raise ValueError(f"{code}: components are missing")
    components = []
    for i, part in enumerate(parts):
        where = f"{code}: components[{i}]"
        if not isinstance(part, Mapping) or part.get("code") not in COMPONENTS:
            raise ValueError(f"{where}: the code is one of {', '.join(COMPONENTS)}")
        weight = part.get("weight")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not weight > 0:
            raise ValueError(f"{where}: the weight is a positive number")
        scale = None
        if part["code"] in SCALED:
            raw = part.get("scale")
            if not isinstance(raw, Mapping):
                raise ValueError(f"{where}: a scale (zero_at, full_at) is needed")
            zero, full = raw.get("zero_at"), raw.get("full_at")
            if not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in (zero, full)
            ):
                raise ValueError(f"{where}: zero_at and full_at are numbers")
            if not full > zero:
                raise ValueError(f"{where}: full_at is above zero_at")
            scale = Scale(float(zero), float(full))
        components.append(
            ComponentSpec(
                code=part["code"],
                weight=float(weight),
                name=_texts(part.get("name"), f"{where}.name"),
                definition=_texts(part.get("definition"), f"{where}.definition"),
                scale=scale,
            )
        )
    codes = [c.code for c in components]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{code}: a component appears twice")
    total = sum(c.weight for c in components)
    if not math.isclose(total, 100.0, abs_tol=1e-9):
        raise ValueError(f"{code}: the weights add up to {total:g}, not 100")
    return Edition(
        code=code,
        name=_texts(data.get("name"), f"{code}.name"),
        note=_texts(data.get("note") or {"id": ""}, f"{code}.note"),
        components=tuple(components),
    )


def load_edition(source: str | Path | Mapping[str, Any]) -> Edition:
    """An edition from a YAML file's path or from its content as a dict; ``ValueError``
    names what is wrong (weights not adding up to 100, an unknown component, ...)."""
    if isinstance(source, Mapping):
        return _edition(source)
    return _edition(yaml.safe_load(Path(source).read_text("utf-8")))


@functools.cache
def shipped_editions() -> tuple[Edition, ...]:
    """The editions shipped in ``data/``, oldest first (by file name)."""
    folder = resources.files("kotacerdas.strategy").joinpath("data")
    names = sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.name.startswith(EDITION_PREFIX) and entry.name.endswith(".yaml")
    )
    return tuple(
        _edition(yaml.safe_load(folder.joinpath(name).read_text("utf-8"))) for name in names
    )


def current_edition() -> Edition:
    """The newest shipped edition, which new reports are scored with."""
    return shipped_editions()[-1]


# --- what the scoring reads --------------------------------------------------------------------


@dataclass(frozen=True)
class IndexFacts:
    """The region's published index results, as plain numbers (``None`` when unknown).

    ``baseline_*`` is the latest published result before the plan's first year, the
    others that of the report year; pillars map a pillar's code to its score.
    """

    baseline_year: int | None = None
    baseline_index: float | None = None
    index: float | None = None
    baseline_pillars: Mapping[str, float | None] = field(default_factory=dict)
    pillars: Mapping[str, float | None] = field(default_factory=dict)


def _clamp(value: float, low: float = 0.0, high: float = 100.0) -> float:
    return min(max(value, low), high)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _entry(entries: Mapping[str, Any], programme_id: str) -> dict[str, Any]:
    """A programme's entry with defaults: not started, nothing delivered, no value."""
    raw = entries.get(programme_id) or {}
    outputs = raw.get("outputs") or {}
    return {
        "status": raw.get("status") if raw.get("status") in STATUSES else "not_started",
        "outputs": {o: outputs.get(o) is True for o in OUTPUTS},
        "outcome": _number(raw.get("outcome")),
        "baseline": _number(raw.get("baseline")),
    }


def asks_baseline(programme: Mapping[str, Any]) -> bool:
    """A change target in per cent is measured from a baseline, which a report may give."""
    return _number(programme.get("target")) is None and bool(
        _number(programme.get("target_change_pct"))
    )


def goal(programme: Mapping[str, Any], entry: Mapping[str, Any]) -> tuple[float, float] | None:
    """The values a programme's outcome is measured from and to, ``None`` when its target
    is not measurable: a target value from the baseline (the report's, else the plan's) or
    from zero without one; a change in per cent from a baseline that is not zero."""
    baseline = _number(entry.get("baseline"))
    if baseline is None:
        baseline = _number(programme.get("baseline"))
    target = _number(programme.get("target"))
    change = _number(programme.get("target_change_pct"))
    if target is not None:
        if baseline is None:
            return (0.0, target) if target != 0 else None
        return (baseline, target) if target != baseline else None
    if change and baseline:
        return baseline, baseline * (1 + change / 100)
    return None


def attainment(programme: Mapping[str, Any], entry: Mapping[str, Any]) -> float | None:
    """How far the programme's outcome went from its start to its goal, kept within
    0–100; ``None`` when the target is not measurable or no value was reported."""
    measured = goal(programme, entry)
    value = _number(entry.get("outcome"))
    if measured is None or value is None:
        return None
    start, end = measured
    return _clamp((value - start) / (end - start) * 100)


# --- the components ------------------------------------------------------------------------------

Scored = tuple[float | None, dict[str, Any]]


def _baseline(year: int, facts: IndexFacts, scale: Scale) -> Scored:
    if facts.baseline_index is None:
        return None, {"key": "no_baseline"}
    if facts.index is None:
        return None, {"key": "no_index", "year": year}
    change = facts.index - facts.baseline_index
    return scale.score(change), {
        "key": "index_change",
        "before_year": facts.baseline_year,
        "year": year,
        "before": facts.baseline_index,
        "after": facts.index,
        "change": change,
        "zero_at": scale.zero_at,
        "full_at": scale.full_at,
    }


def _output(programmes: Sequence[Mapping[str, Any]], entries: dict[str, dict[str, Any]]) -> Scored:
    started = [p["id"] for p in programmes if entries[p["id"]]["status"] in STARTED]
    if not started:
        return None, {"key": "none_started"}
    delivered = sum(entries[pid]["outputs"][o] for pid in started for o in OUTPUTS)
    possible = len(OUTPUTS) * len(started)
    return delivered / possible * 100, {
        "key": "outputs",
        "delivered": delivered,
        "possible": possible,
        "started": len(started),
    }


def _outcome(programmes: Sequence[Mapping[str, Any]], entries: dict[str, dict[str, Any]]) -> Scored:
    items, unreported = [], []
    for programme in programmes:
        entry = entries[programme["id"]]
        if entry["status"] not in STARTED or goal(programme, entry) is None:
            continue
        reached = attainment(programme, entry)
        if reached is None:
            unreported.append(programme["id"])
        else:
            items.append({"id": programme["id"], "attainment": reached})
    if not items:
        return None, {"key": "no_outcome", "unreported": unreported}
    mean = sum(i["attainment"] for i in items) / len(items)
    return mean, {"key": "attainment", "items": items, "unreported": unreported}


def _impact(
    year: int, programmes: Sequence[Mapping[str, Any]], facts: IndexFacts, scale: Scale
) -> Scored:
    pillars = list(dict.fromkeys(p.get("pillar") for p in programmes if p.get("pillar")))
    items, missing = [], []
    for code in pillars:
        before = _number(facts.baseline_pillars.get(code))
        after = _number(facts.pillars.get(code))
        if before is None or after is None:
            missing.append(code)
            continue
        change = after - before
        items.append({"pillar": code, "change": change, "score": scale.score(change)})
    if not items:
        return None, {"key": "no_pillars", "year": year, "missing": missing}
    return sum(i["score"] for i in items) / len(items), {
        "key": "pillar_change",
        "before_year": facts.baseline_year,
        "year": year,
        "items": items,
        "missing": missing,
        "zero_at": scale.zero_at,
        "full_at": scale.full_at,
    }


def _quick_wins(
    year: int, programmes: Sequence[Mapping[str, Any]], entries: dict[str, dict[str, Any]]
) -> Scored:
    due = [
        p["id"]
        for p in programmes
        if p.get("quick_win")
        and (int(p.get("start_year") or year) <= year or entries[p["id"]]["status"] == "done")
    ]
    if not due:
        return None, {"key": "no_quick_wins", "year": year}
    done = sum(entries[pid]["status"] == "done" for pid in due)
    return done / len(due) * 100, {"key": "quick_wins", "done": done, "due": len(due), "year": year}


# --- the scorecard -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    """One line of a scorecard: its weight in the edition, its score (``None`` when not
    assessable), the weight it carries after renormalisation (``share``, per cent) and
    the facts behind the score (:attr:`explanation` renders them in the active language)."""

    code: str
    weight: float
    score: float | None
    facts: dict[str, Any]
    name: dict[str, str]
    definition: dict[str, str]
    share: float | None = None

    @property
    def assessable(self) -> bool:
        return self.score is not None

    @property
    def title(self) -> str:
        return bilingual(self.name, self.code)

    @property
    def meaning(self) -> str:
        return bilingual(self.definition)

    @property
    def explanation(self) -> str:
        return explain(self.facts)


@dataclass(frozen=True)
class ScoreCard:
    """A report's total (0–100, one decimal; ``None`` when nothing is assessable) and
    its components, scored with the edition named by ``edition``."""

    edition: str
    total: float | None
    components: tuple[Component, ...]
    edition_name: dict[str, str] = field(default_factory=dict)
    edition_note: dict[str, str] = field(default_factory=dict)

    @property
    def left_out(self) -> tuple[Component, ...]:
        return tuple(c for c in self.components if not c.assessable)

    @property
    def renormalised(self) -> bool:
        return bool(self.left_out) and self.total is not None

    @property
    def edition_title(self) -> str:
        return bilingual(self.edition_name, self.edition)

    @property
    def edition_explanation(self) -> str:
        return bilingual(self.edition_note)

    def component(self, code: str) -> Component | None:
        return next((c for c in self.components if c.code == code), None)

    @property
    def note(self) -> str:
        """What was left out of the total and how the other weights were scaled."""
        if self.total is None:
            return _("No component can be assessed yet, so there is no total.")
        if not self.left_out:
            return ""
        return _(
            "Not assessable: %(components)s. Their weight (%(weight)s of 100) is left out and "
            "the other components' weights are scaled up to add up to 100."
        ) % {
            "components": ", ".join(c.title for c in self.left_out),
            "weight": _fmt(sum(c.weight for c in self.left_out), 0),
        }

    def as_dict(self) -> dict[str, Any]:
        """The JSON kept with a report (``ProgressReport.breakdown``)."""
        return {
            "edition": self.edition,
            "edition_name": self.edition_name,
            "edition_note": self.edition_note,
            "total": self.total,
            "left_out": [c.code for c in self.left_out],
            "components": [
                {
                    "code": c.code,
                    "weight": c.weight,
                    "score": c.score,
                    "share": c.share,
                    "name": c.name,
                    "definition": c.definition,
                    "facts": c.facts,
                }
                for c in self.components
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreCard:
        return cls(
            edition=str(data.get("edition", "")),
            total=data.get("total"),
            components=tuple(
                Component(
                    code=c["code"],
                    weight=c["weight"],
                    score=c.get("score"),
                    facts=c.get("facts") or {},
                    name=c.get("name") or {},
                    definition=c.get("definition") or {},
                    share=c.get("share"),
                )
                for c in data.get("components") or []
            ),
            edition_name=data.get("edition_name") or {},
            edition_note=data.get("edition_note") or {},
        )


def score_report(
    *,
    year: int,
    content: Mapping[str, Any],
    entries: Mapping[str, Any],
    facts: IndexFacts,
    edition: Edition | str | Path | Mapping[str, Any] | None = None,
) -> ScoreCard:
    """Score a report of ``year`` on the plan ``content`` (its ``programmes``), with the
    region's ``entries`` (programme id → status, outputs, outcome, baseline) and the
    index ``facts``; ``edition`` is an Edition, a YAML path or dict, or ``None`` for the
    current one."""
    if edition is None:
        edition = current_edition()
    elif not isinstance(edition, Edition):
        edition = load_edition(edition)
    programmes = [p for p in content.get("programmes") or [] if isinstance(p, Mapping)]
    cleaned = {p["id"]: _entry(entries, p["id"]) for p in programmes}
    raw: list[tuple[ComponentSpec, float | None, dict[str, Any]]] = []
    for spec in edition.components:
        if spec.code == "baseline":
            score, info = _baseline(year, facts, spec.scale or Scale(0, 10))
        elif spec.code == "output":
            score, info = _output(programmes, cleaned)
        elif spec.code == "outcome":
            score, info = _outcome(programmes, cleaned)
        elif spec.code == "impact":
            score, info = _impact(year, programmes, facts, spec.scale or Scale(0, 10))
        else:
            score, info = _quick_wins(year, programmes, cleaned)
        raw.append((spec, None if score is None else round(score, 1), info))
    assessed = sum(spec.weight for spec, score, _info in raw if score is not None)
    total = (
        round(
            sum(spec.weight * score for spec, score, _i in raw if score is not None) / assessed, 1
        )
        if assessed
        else None
    )
    components = tuple(
        Component(
            code=spec.code,
            weight=spec.weight,
            score=score,
            facts=info,
            name=spec.name,
            definition=spec.definition,
            share=round(spec.weight / assessed * 100, 1) if score is not None else None,
        )
        for spec, score, info in raw
    )
    return ScoreCard(
        edition=edition.code,
        total=total,
        components=components,
        edition_name=edition.name,
        edition_note=edition.note,
    )


# --- explanations ------------------------------------------------------------------------------


def _fmt(value: Any, digits: int = 1) -> str:
    return formats.number_format(round(float(value), digits), digits)


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + _fmt(value)


def _unreported(ids: Sequence[str]) -> str:
    if not ids:
        return ""
    return " " + _("No outcome value was reported for %(programmes)s.") % {
        "programmes": ", ".join(ids)
    }


def explain(facts: Mapping[str, Any]) -> str:
    """The facts behind a component's score in plain words, in the active language."""
    key = facts.get("key")
    if key == "index_change":
        return _(
            "The index went from %(before)s in %(before_year)s to %(after)s in %(year)s, a "
            "change of %(change)s points; %(zero)s points or less scores 0 and %(full)s points "
            "or more scores 100."
        ) % {
            "before": _fmt(facts["before"]),
            "before_year": facts["before_year"],
            "after": _fmt(facts["after"]),
            "year": facts["year"],
            "change": _signed(facts["change"]),
            "zero": _fmt(facts["zero_at"], 0),
            "full": _fmt(facts["full_at"], 0),
        }
    if key == "no_baseline":
        return _(
            "Not assessable: the region has no published index result before the masterplan's "
            "first year."
        )
    if key == "no_index":
        return _("Not assessable: the region has no published index result for %(year)s yet.") % {
            "year": facts["year"]
        }
    if key == "outputs":
        return ngettext(
            "%(delivered)s of %(possible)s outputs (policy, institution, budget) delivered by "
            "the %(started)s programme under way or done.",
            "%(delivered)s of %(possible)s outputs (policy, institution, budget) delivered by "
            "the %(started)s programmes under way or done.",
            facts["started"],
        ) % {
            "delivered": facts["delivered"],
            "possible": facts["possible"],
            "started": facts["started"],
        }
    if key == "none_started":
        return _("Not assessable: no programme is under way or done yet.")
    if key == "attainment":
        items = facts["items"]
        return ngettext(
            "Attainment of the outcome target of %(count)s programme, at most 100: %(items)s.",
            "Mean attainment of the outcome targets of %(count)s programmes, each at most 100: "
            "%(items)s.",
            len(items),
        ) % {
            "count": len(items),
            "items": ", ".join(f"{i['id']} {_fmt(i['attainment'])}" for i in items),
        } + _unreported(facts.get("unreported") or [])
    if key == "no_outcome":
        return _(
            "Not assessable: no programme under way or done with a measurable target reported "
            "an outcome value."
        ) + _unreported(facts.get("unreported") or [])
    if key == "pillar_change":
        text = _(
            "Mean over the plan's pillars of each pillar's change from %(before_year)s to "
            "%(year)s, scored 0 at %(zero)s points or less and 100 at %(full)s points or more: "
            "%(items)s."
        ) % {
            "before_year": facts["before_year"],
            "year": facts["year"],
            "zero": _fmt(facts["zero_at"], 0),
            "full": _fmt(facts["full_at"], 0),
            "items": ", ".join(
                f"{i['pillar']} {_signed(i['change'])} → {_fmt(i['score'])}" for i in facts["items"]
            ),
        }
        if facts.get("missing"):
            text += " " + _("No published scores to compare for %(pillars)s.") % {
                "pillars": ", ".join(facts["missing"])
            }
        return text
    if key == "no_pillars":
        return _(
            "Not assessable: no pillar of the plan has published scores both before the "
            "masterplan and in %(year)s."
        ) % {"year": facts["year"]}
    if key == "quick_wins":
        return ngettext(
            "%(done)s of %(due)s quick win scheduled to start by %(year)s is done.",
            "%(done)s of %(due)s quick wins scheduled to start by %(year)s are done.",
            facts["due"],
        ) % {"done": facts["done"], "due": facts["due"], "year": facts["year"]}
    if key == "no_quick_wins":
        return _("Not assessable: no quick win was scheduled to start by %(year)s.") % {
            "year": facts["year"]
        }
    return ""
