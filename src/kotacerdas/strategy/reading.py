"""A masterplan version as a reader sees it, in one language: sections with paragraphs
(each naming its sources), tables and charts. The plan's page, the DOCX and the PDF are all
drawn from this one reading, so they cannot say different things.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from kotacerdas import charts
from kotacerdas.regions.models import Membership

from . import content as plan_content
from .texts import render


@dataclass
class Paragraph:
    text: str
    sources: list[str] = field(default_factory=list)


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]
    numeric: tuple[int, ...] = ()  # columns aligned right
    total: list[str] | None = None  # a last row in bold


@dataclass
class Chart:
    title: str
    svg: str


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    note: str = ""
    subsections: list[Section] = field(default_factory=list)


@dataclass
class Reading:
    title: str
    region: str
    horizon: str
    language: str
    demo: bool
    vision: str
    mission: list[str]
    sections: list[Section]
    vision_note: str = ""  # the officers' note on the vision and mission


# The sections' titles, in the document's order after the vision and mission.
TITLES = {
    "profile": gettext_lazy("Regional profile"),
    "readiness": gettext_lazy("Readiness"),
    "index": gettext_lazy("Smart-city index results"),
    "gaps": gettext_lazy("Gaps, largest first"),
    "strategies": gettext_lazy("Strategies and programmes"),
    "quick_wins": gettext_lazy("Quick wins"),
    "roadmap": gettext_lazy("Roadmap"),
    "budget": gettext_lazy("Budget by year and funding source"),
    "revenue": gettext_lazy("Regional revenue (PAD)"),
}


def _fmt(value: float | None, digits: int = 1) -> str:
    # Rounded first: number_format cuts digits off (2.6 with no decimals would show 2).
    return (
        "—" if value is None else number_format(round(value, digits), digits, force_grouping=True)
    )


def rupiah(value: float | int | None) -> str:
    if value is None:
        return "—"
    return "Rp " + number_format(round(value), 0, force_grouping=True)


def _name(names: dict[str, str] | str, language: str) -> str:
    if isinstance(names, dict):
        return names.get(language) or names.get("id", "")
    return names


# Sources that carry no name of their own are named by their kind.
KIND_LABELS = {"priorities": gettext_lazy("stated priorities")}


def source_label(item: dict[str, Any]) -> str:
    parts = [item.get("label") or str(KIND_LABELS.get(item.get("kind"), ""))]
    if item.get("year"):
        parts.append(str(item["year"]))
    label = ", ".join(p for p in parts if p)
    if item.get("demo"):
        return _("%(source)s (demo data)") % {"source": label}
    return label


def _paragraphs(texts: list[dict[str, Any]], sources: list[dict[str, Any]], language: str):
    labels = [source_label(s) for s in sources]
    return [Paragraph(render(t, language), labels) for t in texts if render(t, language)]


def _note(content: dict[str, Any], key: str, language: str) -> str:
    return render((content.get("notes") or {}).get(key), language)


def _role_label(role: str) -> str:
    """A network role as the reader's language names it (a stored code)."""
    return str(Membership.Role(role).label) if role in Membership.Role.values else role


def _profile(content: dict[str, Any], language: str) -> Section:
    profile = content["profile"]
    section = Section("profile", str(TITLES["profile"]))
    section.paragraphs = _paragraphs(profile["texts"], profile["sources"], language)
    if profile["memberships"]:
        section.tables.append(
            Table(
                _("Networks"),
                [_("Network"), _("Role"), _("Member since")],
                [
                    [m["network"], _role_label(m["role"]), m["since"][:4]]
                    for m in profile["memberships"]
                ],
            )
        )
    return section


def _readiness(content: dict[str, Any], language: str) -> Section:
    readiness = content["readiness"]
    section = Section("readiness", str(TITLES["readiness"]))
    section.paragraphs = _paragraphs(readiness["texts"], readiness["sources"], language)
    dimensions = readiness.get("dimensions") or []
    if dimensions:
        section.tables.append(
            Table(
                _("Mean readiness level by dimension (1 to 5)"),
                [_("Dimension"), _("Mean level")],
                [[_name(d["name"], language), _fmt(d["mean"])] for d in dimensions],
                numeric=(1,),
            )
        )
        section.charts.append(
            Chart(
                _("Readiness by dimension"),
                charts.bars(
                    [
                        (_name(d["name"], language), d["mean"] or 0.0, None, None)
                        for d in dimensions
                    ],
                    title=_("Readiness by dimension"),
                    desc=_("Mean level (1 to 5) of each readiness dimension."),
                    x_label=_("Mean level"),
                    x_max=5,
                    fmt=_fmt,
                    id_prefix="readiness",
                ),
            )
        )
    return section


def _index(content: dict[str, Any], language: str) -> Section:
    index = content["index"]
    section = Section("index", str(TITLES["index"]))
    if index is None:
        section.paragraphs = [Paragraph(render({"key": "index_none", "params": {}}, language))]
        return section
    section.paragraphs = _paragraphs(index["texts"], index["sources"], language)
    pillars = index["pillars"]
    section.tables.append(
        Table(
            _("Pillar scores (0 to 100) in %(year)s") % {"year": index["year"]},
            [_("Pillar"), _("Score"), _("Rank"), _("Rank interval"), _("Similar regions")],
            [
                [
                    _name(p["name"], language),
                    _fmt(p["score"]),
                    str(p["rank"] or "—"),
                    f"{_fmt(p['rank_low'], 0)}–{_fmt(p['rank_high'], 0)}"
                    if p.get("rank_low") is not None
                    else "—",
                    _fmt(p["peer_mean"]),
                ]
                for p in pillars
            ],
            numeric=(1, 2, 3, 4),
        )
    )
    names = [_name(p["name"], language) for p in pillars]
    section.charts.append(
        Chart(
            _("Pillars against similar regions"),
            charts.radar(
                names,
                [
                    charts.Series(
                        label=content["region"]["name"], values=[p["score"] for p in pillars]
                    ),
                    charts.Series(
                        label=_("Similar regions"),
                        values=[p["peer_mean"] for p in pillars],
                        style="secondary",
                    ),
                ],
                title=_("Pillars against similar regions"),
                desc=_("Score of each pillar (0 to 100) and the mean of similar regions."),
                fmt=_fmt,
                id_prefix="pillars",
            ),
        )
    )
    return section


def _gaps(content: dict[str, Any], language: str) -> Section:
    section = Section("gaps", str(TITLES["gaps"]))
    rows = []
    for gap in content["gaps"]:
        if gap.get("text"):
            section.paragraphs.append(
                Paragraph(
                    render(gap["text"], language),
                    [source_label(s) for s in gap.get("sources", [])],
                )
            )
        rows.append(
            [
                _name(gap["name"], language),
                _fmt(gap["score"]),
                _fmt(gap["peer_mean"]),
                _fmt(gap["gap"]),
            ]
        )
    section.tables.append(
        Table(
            _("Pillars by gap to similar regions"),
            [_("Pillar"), _("Score"), _("Similar regions"), _("Gap")],
            rows,
            numeric=(1, 2, 3),
        )
    )
    return section


def _programme_row(p: dict[str, Any]) -> list[str]:
    end = p["start_year"] + p["duration_years"] - 1
    years = str(p["start_year"]) if end == p["start_year"] else f"{p['start_year']}–{end}"
    target = p.get("metric") or ""
    if p.get("target_change_pct") is not None:
        change = p["target_change_pct"]
        target = f"{target} ({'+' if change >= 0 else ''}{_fmt(change)} %)"
    elif p.get("target") is not None:
        unit = p.get("unit", "")
        target = f"{target}: {_fmt(p['target'])} {unit}".strip()
    return [
        p["id"],
        p["title"],
        p.get("agency") or "—",
        years,
        rupiah(p.get("cost_idr")),
        target or "—",
    ]


def _programme_header() -> list[str]:
    return [
        pgettext("identifier", "Id"),
        _("Programme"),
        _("Lead agency"),
        _("Years"),
        _("Cost"),
        _("Outcome and target"),
    ]


def _strategies(content: dict[str, Any], language: str) -> Section:
    section = Section("strategies", str(TITLES["strategies"]))
    by_id = {p["id"]: p for p in content["programmes"]}
    for strategy in content["strategies"]:
        sub = Section(f"strategy-{strategy['pillar']}", _name(strategy["name"], language))
        sub.paragraphs.append(Paragraph(render(strategy.get("text"), language)))
        programmes = [by_id[i] for i in strategy["programmes"] if i in by_id]
        if programmes:
            sub.tables.append(
                Table(
                    _("Programmes"),
                    _programme_header(),
                    [_programme_row(p) for p in programmes],
                    numeric=(4,),
                )
            )
        for p in programmes:
            sub.paragraphs.append(
                Paragraph(
                    f"{p['id']} · " + " ".join(render(t, language) for t in p.get("texts", [])),
                    [source_label(s) for s in p.get("sources", [])],
                )
            )
        section.subsections.append(sub)
    # Programmes a region added outside any strategy still belong in the plan.
    listed = {i for s in content["strategies"] for i in s["programmes"]}
    others = [p for p in content["programmes"] if p["id"] not in listed]
    if others:
        sub = Section("strategy-other", _("Other programmes"))
        sub.tables.append(
            Table(
                _("Programmes"),
                _programme_header(),
                [_programme_row(p) for p in others],
                numeric=(4,),
            )
        )
        section.subsections.append(sub)
    return section


def _quick_wins(content: dict[str, Any], language: str) -> Section:
    section = Section("quick_wins", str(TITLES["quick_wins"]))
    wins = plan_content.quick_wins(content)
    if not wins:
        section.paragraphs.append(Paragraph(_("No programme qualifies as a quick win yet.")))
        return section
    section.paragraphs.append(
        Paragraph(_("Low cost, one year, and proven in similar regions: these can start at once."))
    )
    section.tables.append(
        Table(
            _("Quick wins"),
            _programme_header(),
            [_programme_row(p) for p in wins],
            numeric=(4,),
        )
    )
    return section


def _roadmap(content: dict[str, Any], language: str) -> Section:
    section = Section("roadmap", str(TITLES["roadmap"]))
    horizon = content["horizon"]
    rows = []
    for year, programmes in plan_content.roadmap(content):
        starting = [p["id"] for p in programmes if p["start_year"] == year]
        running = [p["id"] for p in programmes if p["start_year"] != year]
        rows.append([str(year), ", ".join(starting) or "—", ", ".join(running) or "—"])
    section.tables.append(
        Table(
            _("Programmes by year"),
            [_("Year"), _("Starting"), _("Continuing")],
            rows,
        )
    )
    terms = {"short": [], "medium": [], "long": []}
    for p in content["programmes"]:
        terms[plan_content.term(p, horizon)].append(p["id"])
    section.paragraphs.append(
        Paragraph(
            _(
                "Short term (first two years): %(short)s. Medium term (years 3 to 5): "
                "%(medium)s. Long term: %(long)s."
            )
            % {k: ", ".join(v) or "—" for k, v in terms.items()}
        )
    )
    return section


def _budget(content: dict[str, Any], language: str) -> Section:
    section = Section("budget", str(TITLES["budget"]))
    budget = plan_content.budget(content)
    labels = [str(plan_content.FUNDING_LABELS.get(s, s)) for s in budget.sources]
    rows = [
        [str(y)]
        + [rupiah(budget.cells.get((y, s), 0)) for s in budget.sources]
        + [rupiah(budget.year_total(y))]
        for y in budget.years
    ]
    section.tables.append(
        Table(
            _("Estimated cost by year and funding source"),
            [_("Year"), *labels, _("Total")],
            rows,
            numeric=tuple(range(1, len(labels) + 2)),
            total=[_("Total")]
            + [rupiah(budget.source_total(s)) for s in budget.sources]
            + [rupiah(budget.total)],
        )
    )
    if budget.unknown:
        section.paragraphs.append(
            Paragraph(
                _("Without a cost estimate yet: %(ids)s.") % {"ids": ", ".join(budget.unknown)}
            )
        )
    section.paragraphs.append(
        Paragraph(
            _(
                "Each programme's cost is spread evenly over its years and its funding sources; "
                "costs are estimates from the budgets of the practices they build on."
            )
        )
    )
    totals = [(str(y), float(budget.year_total(y)) / 1e9, None, None) for y in budget.years]
    section.charts.append(
        Chart(
            _("Estimated cost by year (billion rupiah)"),
            charts.bars(
                totals,
                title=_("Estimated cost by year (billion rupiah)"),
                desc=_("The plan's estimated cost in each year of its horizon."),
                x_label=_("billion rupiah"),
                fmt=_fmt,
                label_width=60,
                id_prefix="budget",
            ),
        )
    )
    return section


def _revenue(content: dict[str, Any], language: str) -> Section:
    section = Section("revenue", str(TITLES["revenue"]))
    raising = plan_content.revenue(content)
    if not raising:
        section.paragraphs.append(
            Paragraph(_("No programme of this plan has a measured effect on regional revenue yet."))
        )
        return section
    section.paragraphs.append(
        Paragraph(
            _(
                "These programmes build on practices that raised their region's own revenue; "
                "the amounts are what the practice achieved there, not a forecast for this region."
            )
        )
    )
    section.tables.append(
        Table(
            _("Programmes expected to raise regional revenue"),
            [
                pgettext("identifier", "Id"),
                _("Programme"),
                _("Practice's region"),
                _("Revenue raised there"),
                _("Years"),
            ],
            [
                [
                    p["id"],
                    p["title"],
                    p["practice"]["region"] if p.get("practice") else "—",
                    rupiah(p["pad_effect"].get("amount")),
                    str(p["pad_effect"].get("years") or "—"),
                ]
                for p in raising
            ],
            numeric=(3, 4),
        )
    )
    return section


BUILDERS = {
    "profile": _profile,
    "readiness": _readiness,
    "index": _index,
    "gaps": _gaps,
    "strategies": _strategies,
    "quick_wins": _quick_wins,
    "roadmap": _roadmap,
    "budget": _budget,
    "revenue": _revenue,
}


def read(title: str, content: dict[str, Any], language: str, *, demo: bool = False) -> Reading:
    """The version's content as sections in ``language`` (``id`` or ``en``), labelled demo
    when its document says so or ``demo`` does (a plan flagged demo stays labelled on every
    page, file and API answer, whatever its document holds)."""
    with translation.override(language):
        sections = []
        for key, build in BUILDERS.items():
            section = build(content, language)
            section.note = _note(content, key, language)
            sections.append(section)
        horizon = content["horizon"]
        return Reading(
            title=title,
            region=content["region"]["name"],
            horizon=f"{horizon['from']}–{horizon['to']}",
            language=language,
            demo=bool(content.get("demo")) or demo,
            vision=render(content["vision"], language),
            mission=[render(m, language) for m in content["mission"]],
            sections=sections,
            vision_note=_note(content, "vision", language),
        )


def as_data(text: Reading) -> dict[str, Any]:
    """The reading as JSON for the API and the command's ``.json`` file: sections with
    their paragraphs, sources and tables; charts (SVG) are left out."""

    def section(item: Section) -> dict[str, Any]:
        data = dataclasses.asdict(item)
        data.pop("charts")
        data["tables"] = [dict(t, numeric=list(t["numeric"])) for t in data["tables"]]
        data["subsections"] = [section(sub) for sub in item.subsections]
        return data

    data = dataclasses.asdict(text)
    data["sections"] = [section(item) for item in text.sections]
    return data
