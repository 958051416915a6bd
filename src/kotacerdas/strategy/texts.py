"""The sentences the generator writes, rendered in the reader's language.

A generated text is stored as a key and its parameters, never as a finished sentence, so a
draft reads in Indonesian or English whoever opens it. Parameters are plain JSON:

- numbers are formatted in the language (``47,4`` / ``47.4``);
- ``{"idr": n}`` is an amount in rupiah, grouped (``1.900.000.000``);
- ``{"id": "...", "en": "..."}`` is a name that has both languages (a pillar);
- ``{"key": ..., "params": ...}`` is a generated fragment, rendered first;
- anything else is shown as it is (a region's or practice's name).
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

TEMPLATES: dict[str, Any] = {
    # profile
    "profile": _(
        "%(region)s is a %(kind)s in %(province)s with %(population)s inhabitants "
        "(%(population_year)s)."
    ),
    "profile_no_population": _("%(region)s is a %(kind)s in %(province)s."),
    "profile_networks": _("It is a member of %(networks)s."),
    # readiness
    "readiness": _(
        "In its %(year)s readiness self-assessment the region reached a mean level of "
        "%(overall)s of 5: %(dimensions)s."
    ),
    "readiness_weakest": _("The weakest aspects are %(aspects)s; the plan strengthens them first."),
    "readiness_none": _(
        "The region has not submitted a readiness self-assessment; the plan starts with one, "
        "because structure, infrastructure and superstructure decide what can be built."
    ),
    # index
    "index": _(
        "In the %(year)s smart-city index the region scored %(score)s and ranked %(rank)s of "
        "%(of)s; across the uncertainty analysis its rank lies between %(low)s and %(high)s."
    ),
    "index_no_interval": _(
        "In the %(year)s smart-city index the region scored %(score)s and ranked %(rank)s of "
        "%(of)s."
    ),
    "index_peers": _("Similar regions (%(peers)s, %(n)s regions) scored %(peer_mean)s on average."),
    "index_none": _(
        "The region has no published index result yet; the gaps follow the priorities it "
        "stated, and the first index cycle will give the baseline."
    ),
    "pillar": _("%(pillar)s: %(score)s, %(trend)s; similar regions %(peer_mean)s."),
    "trend_up": _("up %(change)s points since %(since)s"),
    "trend_down": _("down %(change)s points since %(since)s"),
    "trend_flat": _("unchanged since %(since)s"),
    "trend_none": _("first measured in %(year)s"),
    # gaps
    "gap": _("%(name)s scores %(score)s, %(gap)s points below similar regions (%(peer_mean)s)."),
    "gap_ahead": _("%(name)s scores %(score)s, at or above similar regions (%(peer_mean)s)."),
    "gap_stated": _("%(name)s is one of the priorities the region stated."),
    # strategies and programmes
    "strategy_close": _(
        "Close the gap in %(pillar)s (%(score)s against %(peer_mean)s for similar regions) "
        "with programmes built on practices that worked elsewhere."
    ),
    "strategy_keep": _(
        "Keep %(pillar)s at its level (%(score)s) and build on it with proven practices."
    ),
    "strategy_stated": _(
        "Strengthen %(pillar)s, a stated priority, with programmes built on practices that "
        "worked elsewhere."
    ),
    "strategy_build": _(
        "Strengthen %(pillar)s with programmes built on practices that worked elsewhere."
    ),
    "strategy_empty": _(
        "The library has no published practice for %(pillar)s that fits yet; add programmes "
        "of the region's own."
    ),
    "programme": _("Builds on “%(practice)s” of %(lead)s (%(years)s). Transferability: %(fit)s."),
    "fit_met": _("every prerequisite is met"),
    "fit_partly": _("%(met)s of %(total)s prerequisites met, %(unknown)s unknown"),
    "fit_none": _("the practice names no prerequisite"),
    "cost_scaled": _(
        "Cost estimated from the practice's budget (Rp %(budget)s in %(lead)s, population "
        "%(lead_population)s) scaled to this region's population by a factor %(factor)s."
    ),
    "cost_same": _("Cost taken from the practice's budget (Rp %(budget)s in %(lead)s)."),
    "cost_unknown": _("The practice reports no budget: the cost is still to be estimated."),
    "cost_set": _(
        "Cost set by the region's officers; the draft estimated Rp %(estimate)s from the "
        "practice's budget."
    ),
    "cost_set_plain": _("Cost set by the region's officers."),
    "cost_open": _("The region's officers removed the cost: it is still to be estimated."),
    "target_change": _(
        "Target: %(metric)s %(direction)s by %(change)s %% within %(years)s years, as in "
        "%(lead)s (from %(baseline)s to %(value)s %(unit)s, %(source)s)."
    ),
    "target_value": _("Target: %(metric)s of %(value)s %(unit)s, as reached in %(lead)s."),
    "target_set": _("Target set by the region's officers."),
    "target_open": _("The target is still to be set."),
    "quick_win_set": _("Marked as a quick win by the region's officers."),
    "quick_win": _("Quick win: costs at most Rp %(limit)s, takes a year, and %(proof)s."),
    "proof_replicated": _("%(n)s other regions have adopted it"),
    "proof_similar": _("it worked in a region like this one"),
    "pad_effect": _(
        "In %(lead)s it raised regional revenue by Rp %(amount)s in %(years)s years%(verified)s."
    ),
    "verified": _(" (evidence verified by the secretariat)"),
    # vision and mission
    "vision": _(
        "%(region)s %(year)s: a smart %(kind)s that serves its people with data and digital "
        "services, raises its own revenue and learns from the network."
    ),
    "mission_GOV": _("Deliver public services that are digital, open and accountable."),
    "mission_BRD": _("Make the region known for its tourism, business climate and city face."),
    "mission_ECO": _(
        "Grow the local economy and the region's own revenue with digital transactions."
    ),
    "mission_LIV": _("Improve health, mobility and harmony in daily life."),
    "mission_SOC": _("Build a learning, connected and safe community."),
    "mission_ENV": _("Protect the environment, manage waste and save energy."),
    # lists and fragments
    "and": _("%(first)s and %(last)s"),
    "named_value": _("%(name)s %(value)s"),
}


def _format(value: Any, language: str) -> Any:
    if isinstance(value, bool) or value is None:
        return "—" if value is None else value
    if isinstance(value, int):
        return number_format(value, 0, force_grouping=True)
    if isinstance(value, float):
        # number_format cuts the digits off; a stored 2.66 reads 2.7, not 2.6.
        return number_format(round(value, 1), 1, force_grouping=True)
    if isinstance(value, dict):
        if "idr" in value:
            amount = value["idr"]
            if isinstance(amount, bool) or not isinstance(amount, int | float):
                return "—"
            return number_format(round(amount), 0, force_grouping=True)
        if "key" in value:
            return render(value, language)
        if language in value or "id" in value:
            return value.get(language) or value.get("id", "")
    if isinstance(value, list):
        return join([str(_format(v, language)) for v in value], language)
    return value


def join(items: list[str], language: str) -> str:
    """``a, b and c`` in the language (``a; b and c`` when an item holds a comma)."""
    if len(items) <= 1:
        return "".join(items)
    # Items that hold a comma themselves (a decimal comma: "Struktur 2,5") are separated
    # by semicolons, so the list stays readable.
    separator = "; " if any("," in item for item in items) else ", "
    with translation.override(language):
        return str(TEMPLATES["and"]) % {"first": separator.join(items[:-1]), "last": items[-1]}


def render(text: dict[str, Any] | None, language: str) -> str:
    """A stored text as the reader sees it: a person's words as written, a generated one in
    ``language``. An unknown key (from a later release) renders as nothing."""
    if not text:
        return ""
    if "text" in text:
        return str(text["text"])
    key = text.get("key")
    template = TEMPLATES.get(key) if isinstance(key, str) else None
    if template is None:
        return ""
    given = text.get("params")
    with translation.override(language):
        params = _Params(
            {k: _format(v, language) for k, v in (given if isinstance(given, dict) else {}).items()}
        )
        return str(template) % params


class _Params(dict[str, Any]):
    """A template's parameters; one that a stored text lacks (it was edited, or written
    by an older release) shows as a dash instead of failing the whole page."""

    def __missing__(self, key: str) -> str:
        return "—"
