"""The masterplan document: its shape, how an edited one is checked, and what is derived
from it (roadmap, budget by year and funding source, revenue, quick wins).

A version's ``content`` is one JSON object:

- ``schema`` (1), ``region`` (code, name, kind, province, population and its year),
  ``horizon`` (``from``, ``to``).
- ``vision`` (a text) and ``mission`` (a list of texts).
- ``profile``, ``readiness``, ``index``: what the generator found, each with a ``text``
  and its ``sources``; ``readiness`` and ``index`` are ``None`` when the region has none.
- ``gaps``: pillars and sub-elements ranked by how far they trail similar regions.
- ``strategies``: one per pillar, with its ``text`` and the ids of its ``programmes``.
- ``programmes``: id, pillar, title, the practice it builds on, cost in rupiah, first
  year and duration, agency, outcome metric with unit and target, funding sources, quick
  win or not, expected effect on regional revenue (PAD), transferability, text, sources.
- ``notes``: what the region's officers added to each section.

A *text* is either ``{"text": "..."}``, written by a person and shown as written, or
``{"key": "...", "params": {...}}``, written by the generator and rendered in the reader's
language (:mod:`kotacerdas.strategy.texts`), so the same draft reads in Indonesian and in
English. A *source* is ``{"kind", "label", "year", "demo", "ref"}``: every generated
sentence and number names where it came from.

Roadmap, budget, revenue and quick wins are computed from the programmes whenever they are
shown, so an edit can never leave them inconsistent.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from kotacerdas.practices.models import Funding

SCHEMA = 1
SECTIONS = (
    "vision",
    "profile",
    "readiness",
    "index",
    "gaps",
    "strategies",
    "quick_wins",
    "roadmap",
    "budget",
    "revenue",
)
# The library's funding sources: a programme takes those of the practice it builds on.
FUNDING = tuple(Funding.values)
# Short names of the funding sources, for table headings (forms spell them out).
FUNDING_LABELS = {
    "apbd": "APBD",
    "apbn": "APBN",
    "village_fund": "Dana Desa",
    "csr": "CSR",
    "partnership": "KPBU",
    "other": pgettext_lazy("funding source", "Other"),
}
MAX_PROGRAMMES = 60
MAX_TEXT = 5000
MAX_TITLE = 200


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ContentInvalid(Exception):
    """An edited document with problems; nothing is saved."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def written(text: str) -> dict[str, Any]:
    """A text as a person wrote it."""
    return {"text": text}


def generated(key: str, **params: Any) -> dict[str, Any]:
    """A text the generator wrote, rendered in the reader's language."""
    return {"key": key, "params": params}


def source(kind: str, label: str, *, year: int | None = None, demo: bool = False, ref: str = ""):
    return {"kind": kind, "label": label, "year": year, "demo": demo, "ref": ref}


# --- derived views -------------------------------------------------------------------------


def programme_years(programme: dict[str, Any], horizon: dict[str, int]) -> list[int]:
    """The years a programme runs, cut to the plan's horizon."""
    first = int(programme["start_year"])
    end = min(first + max(int(programme["duration_years"]), 1) - 1, horizon["to"])
    return list(range(max(first, horizon["from"]), end + 1))


def roadmap(content: dict[str, Any]) -> list[tuple[int, list[dict[str, Any]]]]:
    """Each year of the horizon with the programmes running in it, in the plan's order."""
    horizon = content["horizon"]
    years: dict[int, list[dict[str, Any]]] = {
        y: [] for y in range(horizon["from"], horizon["to"] + 1)
    }
    for programme in content["programmes"]:
        for year in programme_years(programme, horizon):
            years[year].append(programme)
    return sorted(years.items())


def term(programme: dict[str, Any], horizon: dict[str, int]) -> str:
    """``short`` (starts in the first two years), ``medium`` (within five) or ``long``."""
    offset = int(programme["start_year"]) - horizon["from"]
    if offset < 2:
        return "short"
    if offset < 5:
        return "medium"
    return "long"


@dataclass(frozen=True)
class Budget:
    years: list[int]
    sources: list[str]
    cells: dict[tuple[int, str], int]  # (year, funding source) -> rupiah
    unknown: list[str]  # ids of programmes without a cost

    def year_total(self, year: int) -> int:
        return sum(v for (y, _s), v in self.cells.items() if y == year)

    def source_total(self, funding: str) -> int:
        return sum(v for (_y, s), v in self.cells.items() if s == funding)

    @property
    def total(self) -> int:
        return sum(self.cells.values())


def budget(content: dict[str, Any]) -> Budget:
    """Costs spread evenly over each programme's years and split evenly between its
    funding sources (APBD when none is named); rupiah, rounded down, the remainder in the
    last cell so the totals add up."""
    horizon = content["horizon"]
    cells: dict[tuple[int, str], int] = defaultdict(int)
    unknown = []
    for programme in content["programmes"]:
        cost = programme.get("cost_idr")
        if cost is None:
            unknown.append(programme["id"])
            continue
        years = programme_years(programme, horizon)
        funding = [f for f in programme.get("funding") or [] if f in FUNDING] or ["apbd"]
        shares = [(y, f) for y in years for f in funding]
        each = int(cost) // len(shares)
        for year, funding_source in shares:
            cells[(year, funding_source)] += each
        cells[shares[-1]] += int(cost) - each * len(shares)
    used = sorted({s for (_y, s) in cells}, key=FUNDING.index)
    return Budget(
        years=list(range(horizon["from"], horizon["to"] + 1)),
        sources=used,
        cells=dict(cells),
        unknown=unknown,
    )


def quick_wins(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in content["programmes"] if p.get("quick_win")]


def revenue(content: dict[str, Any]) -> list[dict[str, Any]]:
    """Programmes expected to raise regional revenue (PAD), largest effect first."""
    raising = [p for p in content["programmes"] if p.get("pad_effect")]
    return sorted(raising, key=lambda p: (-(p["pad_effect"].get("amount") or 0), p["id"]))


# --- checking an edited document ----------------------------------------------------------


def _text_problem(value: Any, path: str, problems: list[Problem], *, required: bool) -> None:
    if not isinstance(value, dict) or not (
        isinstance(value.get("text"), str)
        or (isinstance(value.get("key"), str) and isinstance(value.get("params", {}), dict))
    ):
        problems.append(Problem(path, _("Not a text.")))
        return
    text = value.get("text")
    if text is not None:
        if required and not text.strip():
            problems.append(Problem(path, _("This field is required.")))
        elif len(text) > MAX_TEXT:
            problems.append(
                Problem(
                    path, _("At most %(n)d characters, without NUL characters.") % {"n": MAX_TEXT}
                )
            )


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _unstorable(value: Any, path: str) -> str | None:
    """The path of the first text that no database can store (NUL, an unpaired surrogate)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return path if "\0" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _unstorable(key, path) or _unstorable(item, f"{path}.{key}" if path else key)
            if found:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _unstorable(item, f"{path}[{i}]")
            if found:
                return found
    return None


def _source_problem(value: Any, path: str, problems: list[Problem]) -> None:
    if not (
        isinstance(value, dict)
        and isinstance(value.get("label", ""), str)
        and (value.get("year") is None or _number(value.get("year")))
    ):
        problems.append(Problem(path, _("Not a source.")))


def _check_programme(
    programme: Any, path: str, horizon: dict[str, int], pillars: set[str], problems: list[Problem]
) -> None:
    if not isinstance(programme, dict):
        problems.append(Problem(path, _("Not a programme.")))
        return
    title = programme.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(Problem(f"{path}.title", _("This field is required.")))
    elif len(title) > MAX_TITLE:
        problems.append(
            Problem(
                f"{path}.title",
                _("At most %(n)d characters, without NUL characters.") % {"n": MAX_TITLE},
            )
        )
    if programme.get("pillar") not in pillars:
        problems.append(Problem(f"{path}.pillar", _("Choose one of the pillars.")))
    start = programme.get("start_year")
    if not isinstance(start, int) or not horizon["from"] <= start <= horizon["to"]:
        problems.append(
            Problem(
                f"{path}.start_year",
                _("A year from %(first)d to %(last)d.")
                % {"first": horizon["from"], "last": horizon["to"]},
            )
        )
    duration = programme.get("duration_years")
    if not isinstance(duration, int) or not 1 <= duration <= horizon["to"] - horizon["from"] + 1:
        problems.append(
            Problem(f"{path}.duration_years", _("A whole number of years within the plan."))
        )
    cost = programme.get("cost_idr")
    if cost is not None and (not _number(cost) or cost < 0 or cost > 10**15):
        problems.append(Problem(f"{path}.cost_idr", _("An amount in rupiah, not negative.")))
    for key in ("baseline", "target", "target_change_pct"):
        value = programme.get(key)
        if value is not None and not _number(value):
            problems.append(Problem(f"{path}.{key}", _("A number.")))
    funding = programme.get("funding") or []
    if not isinstance(funding, list) or any(f not in FUNDING for f in funding):
        problems.append(Problem(f"{path}.funding", _("Choose among the funding sources.")))
    for key in ("agency", "metric", "unit"):
        value = programme.get(key, "")
        if not isinstance(value, str) or len(value) > MAX_TITLE:
            problems.append(
                Problem(
                    f"{path}.{key}",
                    _("At most %(n)d characters, without NUL characters.") % {"n": MAX_TITLE},
                )
            )
    if "text" in programme:
        _text_problem(programme["text"], f"{path}.text", problems, required=False)
    # What the generator wrote about the programme is shown with it: its shape must hold.
    practice = programme.get("practice")
    if practice is not None and not (
        isinstance(practice, dict)
        and isinstance(practice.get("title"), str)
        and isinstance(practice.get("region"), str)
    ):
        problems.append(Problem(f"{path}.practice", _("Not a practice of the library.")))
    pad = programme.get("pad_effect")
    if pad is not None and not (
        isinstance(pad, dict) and (pad.get("amount") is None or _number(pad.get("amount")))
    ):
        problems.append(Problem(f"{path}.pad_effect", _("Not an effect on regional revenue.")))
    texts = programme.get("texts", [])
    if not isinstance(texts, list):
        problems.append(Problem(f"{path}.texts", _("Not a list of texts.")))
    else:
        for j, text in enumerate(texts):
            _text_problem(text, f"{path}.texts[{j}]", problems, required=False)
    sources = programme.get("sources", [])
    if not isinstance(sources, list):
        problems.append(Problem(f"{path}.sources", _("Not a list of sources.")))
    else:
        for j, item in enumerate(sources):
            _source_problem(item, f"{path}.sources[{j}]", problems)


def _check_strategy(
    strategy: Any, path: str, ids: list[Any], pillars: set[str], problems: list[Problem]
) -> None:
    if not isinstance(strategy, dict):
        problems.append(Problem(path, _("Not a strategy.")))
        return
    if strategy.get("pillar") not in pillars:
        problems.append(Problem(f"{path}.pillar", _("Choose one of the pillars.")))
    name = strategy.get("name")
    if not (
        isinstance(name, str)
        or (isinstance(name, dict) and all(isinstance(v, str) for v in name.values()))
    ):
        problems.append(Problem(f"{path}.name", _("This field is required.")))
    listed = strategy.get("programmes")
    if not isinstance(listed, list):
        problems.append(Problem(f"{path}.programmes", _("Not a list of programme ids.")))
    else:
        unknown = [p for p in listed if not isinstance(p, str) or p not in ids]
        if unknown:
            problems.append(
                Problem(
                    f"{path}.programmes",
                    _("No programme has the id %(ids)s.") % {"ids": ", ".join(map(str, unknown))},
                )
            )
    if "text" in strategy:
        _text_problem(strategy["text"], f"{path}.text", problems, required=False)


def check(content: Any, pillars: set[str]) -> dict[str, Any]:
    """The document if its parts are well formed, else ContentInvalid naming every
    problem by its path (``programmes[2].start_year``). Text no database stores (NUL, an
    unpaired surrogate) is refused first, so the checks of the parts need not look for it."""
    problems: list[Problem] = []
    if not isinstance(content, dict) or content.get("schema") != SCHEMA:
        raise ContentInvalid([Problem("schema", _("Not a masterplan document."))])
    unstorable = _unstorable(content, "")
    if unstorable:
        raise ContentInvalid(
            [Problem(unstorable, _("Remove the NUL characters and unpaired surrogates."))]
        )
    horizon = content.get("horizon")
    if not (
        isinstance(horizon, dict)
        and isinstance(horizon.get("from"), int)
        and isinstance(horizon.get("to"), int)
    ):
        raise ContentInvalid([Problem("horizon", _("The planning horizon is missing."))])
    _text_problem(content.get("vision"), "vision", problems, required=True)
    mission = content.get("mission")
    if not isinstance(mission, list) or not mission:
        problems.append(Problem("mission", _("Give at least one mission.")))
    else:
        for i, item in enumerate(mission):
            _text_problem(item, f"mission[{i}]", problems, required=True)
    programmes = content.get("programmes")
    if not isinstance(programmes, list):
        raise ContentInvalid([Problem("programmes", _("Not a list of programmes."))])
    if len(programmes) > MAX_PROGRAMMES:
        problems.append(
            Problem("programmes", _("At most %(n)d programmes.") % {"n": MAX_PROGRAMMES})
        )
    ids = [p.get("id") for p in programmes if isinstance(p, dict)]
    seen: set[Any] = set()
    for i, programme in enumerate(programmes):
        _check_programme(programme, f"programmes[{i}]", horizon, pillars, problems)
        pid = programme.get("id") if isinstance(programme, dict) else None
        if not isinstance(pid, str) or not pid or pid in seen:
            problems.append(Problem(f"programmes[{i}].id", _("Each programme needs its own id.")))
        else:
            seen.add(pid)
    strategies = content.get("strategies") or []
    if not isinstance(strategies, list):
        problems.append(Problem("strategies", _("Not a list of strategies.")))
        strategies = []
    for i, strategy in enumerate(strategies):
        _check_strategy(strategy, f"strategies[{i}]", ids, pillars, problems)
    notes = content.get("notes") or {}
    if not isinstance(notes, dict):
        problems.append(Problem("notes", _("Not a set of notes by section.")))
        notes = {}
    for section, note in notes.items():
        if section not in SECTIONS:
            problems.append(Problem(f"notes.{section}", _("No section has this name.")))
        else:
            _text_problem(note, f"notes.{section}", problems, required=False)
    if problems:
        raise ContentInvalid(problems)
    return content


# --- keeping generated sentences true after an edit -----------------------------------------

# The fields each generated sentence about a programme rests on. When an edit changes one of
# them, the sentence no longer holds (a cost "estimated from the practice's budget" the
# officers replaced, a quick win that "takes a year" and now takes three).
_RESTS_ON = {
    "cost_scaled": ("cost_idr",),
    "cost_same": ("cost_idr",),
    "cost_unknown": ("cost_idr",),
    "cost_set": ("cost_idr",),
    "cost_set_plain": ("cost_idr",),
    "cost_open": ("cost_idr",),
    "target_change": ("target", "metric", "unit"),
    "target_value": ("target", "metric", "unit"),
    "target_set": ("target", "metric", "unit"),
    "target_open": ("target", "metric", "unit"),
    "quick_win": ("quick_win", "cost_idr", "duration_years"),
    "quick_win_set": ("quick_win",),
}
_ESTIMATED = ("cost_scaled", "cost_same")


def _cost_text(text: dict[str, Any], before: dict[str, Any], cost: Any) -> dict[str, Any]:
    params = text.get("params") if isinstance(text.get("params"), dict) else {}
    estimate = params.get("estimate")
    if estimate is None and text.get("key") in _ESTIMATED and before.get("cost_idr") is not None:
        estimate = {"idr": before["cost_idr"]}
    if cost is None:
        return generated("cost_open", estimate=estimate)
    if estimate is not None:
        return generated("cost_set", estimate=estimate)
    return generated("cost_set_plain")


def _replacement(
    text: dict[str, Any], before: dict[str, Any], after: dict[str, Any]
) -> dict[str, Any] | None:
    key = text["key"]
    if key.startswith("cost_"):
        return _cost_text(text, before, after.get("cost_idr"))
    if key.startswith("target_"):
        has_target = after.get("target") is not None or after.get("target_change_pct") is not None
        return generated("target_set" if has_target else "target_open")
    # A quick win: the officers' flag, or nothing when they took it away.
    return generated("quick_win_set") if after.get("quick_win") else None


def settle(document: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """The document with each generated sentence about a programme that the edit made
    untrue replaced by one saying what the region's officers set, taken from ``previous``,
    the version the edit started from.

    A target the officers set (or a metric they changed) also drops the change the
    practice achieved, which the programme aimed at until then. Sentences a person wrote
    and programmes new in this version are left as they are."""
    if previous is None:
        return document
    before_by_id = {p.get("id"): p for p in previous.get("programmes") or [] if isinstance(p, dict)}
    for programme in document["programmes"]:
        before = before_by_id.get(programme.get("id"))
        if before is None:
            continue
        changed = {
            name
            for name in ("cost_idr", "target", "metric", "unit", "quick_win", "duration_years")
            if programme.get(name) != before.get(name)
        }
        if not changed:
            continue
        if changed & {"target", "metric", "unit"} and (
            programme.get("target_change_pct") == before.get("target_change_pct")
        ):
            programme["target_change_pct"] = None
        kept: list[dict[str, Any]] = []
        for text in programme.get("texts") or []:
            key = text.get("key") if isinstance(text, dict) and "text" not in text else None
            rests_on = _RESTS_ON.get(key, ()) if isinstance(key, str) else ()
            if not changed.intersection(rests_on):
                kept.append(text)
                continue
            replacement = _replacement(text, before, programme)
            if replacement is not None:
                kept.append(replacement)
        flagged = any(
            isinstance(t, dict) and t.get("key") in ("quick_win", "quick_win_set") for t in kept
        )
        if programme.get("quick_win") and not before.get("quick_win") and not flagged:
            kept.append(generated("quick_win_set"))
        if "texts" in programme or kept:
            programme["texts"] = kept
    return document
