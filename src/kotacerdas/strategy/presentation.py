"""What the masterplan pages show: a version as its reading in the page's language with
the secretariat's comments beside each section, the version list, the comparison of two
versions, and the masterplan and scorecard sections of the region page.

Nothing here writes. Every text of a plan comes from :func:`kotacerdas.strategy.reading.
read`, the one reading the files are drawn from too, so the page and the DOCX say the same.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import rules
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kotacerdas import charts
from kotacerdas.core.textdiff import word_diff
from kotacerdas.practices import taxonomy
from kotacerdas.regions.models import Region

from . import content as plan_content
from . import reading, selectors
from .forms import FUNDING_LABELS, CommentForm, ProgrammeForm
from .models import Masterplan, PlanComment, PlanVersion, ProgressReport


def page_language() -> str:
    """``en`` when the page is in English, else ``id``: the language a plan is read in."""
    return "en" if (translation.get_language() or "").startswith("en") else "id"


def vision_title() -> str:
    return _("Vision and mission")


def section_titles() -> dict[str, str]:
    """Section key → its title in the active language, in the document's order."""
    return {"vision": vision_title(), **{k: str(t) for k, t in reading.TITLES.items()}}


# --- a version's page ------------------------------------------------------------------------


@dataclass
class PageSection:
    key: str
    title: str
    section: reading.Section | None  # None for vision and mission, laid out on their own
    comments: list[PlanComment] = field(default_factory=list)


def version_context(user: Any, plan: Masterplan, number: int | None) -> dict[str, Any] | None:
    """The page of version ``number`` (the latest when None); None when there is none."""
    versions = list(selectors.versions_of(plan).defer("content"))
    if not versions:
        return None
    latest = versions[0]
    wanted = latest.number if number is None else number
    if not any(v.number == wanted for v in versions):
        return None
    version = selectors.version_of(plan, wanted)
    language = page_language()
    text = reading.read(plan.title, version.content, language, demo=plan.is_demo)
    comments: dict[str, list[PlanComment]] = defaultdict(list)
    for comment in selectors.comments_on(version):
        comments[comment.section].append(comment)
    titles = section_titles()
    sections = [PageSection("vision", titles["vision"], None, comments.pop("vision", []))]
    sections += [PageSection(s.key, s.title, s, comments.pop(s.key, [])) for s in text.sections]
    can_comment = rules.has_perm("strategy.comment_masterplan", user, version)
    previous = next((v for v in versions if v.number < version.number), None)
    return {
        "plan": plan,
        "version": version,
        "latest": latest,
        "is_latest": version.number == latest.number,
        "previous": previous,
        "versions": versions,
        "reading": text,
        "sections": sections,
        "can_edit": rules.has_perm("strategy.edit_masterplan", user, plan),
        "can_comment": can_comment,
        "comment_form": CommentForm(titles=titles) if can_comment else None,
        "languages": [("id", "Bahasa Indonesia"), ("en", "English")],
    }


def list_context(user: Any) -> dict[str, Any]:
    region = getattr(user, "region", None)
    own = region if rules.has_perm("strategy.create_masterplan", user, region) else None
    return {"plans": list(selectors.visible_plans(user)), "own_region": own}


def region_plans_context(region: Region, user: Any) -> dict[str, Any]:
    """The region's masterplans for those who may read them, and whether they may draft one."""
    shown = rules.has_perm("strategy.view_masterplan", user, region)
    return {
        "region": region,
        "shown": shown,
        "plans": list(selectors.plans_for(region)) if shown else [],
        "can_create": rules.has_perm("strategy.create_masterplan", user, region),
    }


# --- comparing two versions ------------------------------------------------------------------


@dataclass
class SectionDiff:
    key: str
    title: str
    parts: list[tuple[str, str]]

    @property
    def changed(self) -> bool:
        return any(kind != "same" for kind, _text in self.parts)


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class ProgrammeChange:
    id: str
    title: str
    kind: str  # added, removed, changed
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class TotalChange:
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def _lines(section: reading.Section) -> list[str]:
    lines = [p.text for p in section.paragraphs]
    for sub in section.subsections:
        lines.append(f"— {sub.title} —")
        lines += [p.text for p in sub.paragraphs]
    if section.note:
        lines.append(_("Officers' note: %(note)s") % {"note": section.note})
    return lines


def _vision_lines(text: reading.Reading) -> list[str]:
    lines = [text.vision, *(f"• {m}" for m in text.mission)]
    if text.vision_note:
        lines.append(_("Officers' note: %(note)s") % {"note": text.vision_note})
    return lines


def section_diffs(old: reading.Reading, new: reading.Reading) -> list[SectionDiff]:
    diffs = [
        SectionDiff(
            "vision",
            vision_title(),
            word_diff("\n".join(_vision_lines(old)), "\n".join(_vision_lines(new))),
        )
    ]
    before = {s.key: s for s in old.sections}
    for section in new.sections:
        previous = before.get(section.key)
        diffs.append(
            SectionDiff(
                section.key,
                section.title,
                word_diff(
                    "\n".join(_lines(previous)) if previous else "",
                    "\n".join(_lines(section)),
                ),
            )
        )
    return diffs


def _shown(name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if name == "pillar":
        return taxonomy.node_name(value)
    if name == "cost_idr":
        return reading.rupiah(value)
    if name == "funding":
        return ", ".join(str(FUNDING_LABELS.get(f, f)) for f in value)
    if name == "quick_win":
        return _("yes") if value else _("no")
    if name in ("start_year", "duration_years", "position"):
        return str(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number_format(value, force_grouping=True)
    return str(value)


def _field_labels() -> dict[str, str]:
    labels = {name: str(ProgrammeForm.base_fields[name].label) for name in ProgrammeForm.EDITED}
    labels["target_change_pct"] = _("Target change (%)")
    labels["position"] = pgettext("place in a list", "Position")
    return labels


def programme_changes(old: dict[str, Any], new: dict[str, Any]) -> list[ProgrammeChange]:
    """Programmes added, removed and changed (field by field) from ``old`` to ``new``."""
    before = {p["id"]: (i, p) for i, p in enumerate(old["programmes"])}
    after = {p["id"]: (i, p) for i, p in enumerate(new["programmes"])}
    labels = _field_labels()
    # A programme has moved when its place among the programmes of both versions changed,
    # not when one before it was removed or added.
    common_before = [pid for pid in before if pid in after]
    common_after = [pid for pid in after if pid in before]
    moved = {pid for pid, other in zip(common_before, common_after, strict=True) if pid != other}
    changes = []
    for pid, (position, programme) in after.items():
        if pid not in before:
            changes.append(ProgrammeChange(pid, programme.get("title", ""), "added"))
            continue
        old_position, previous = before[pid]
        fields = []
        for name, label in labels.items():
            if name == "position":
                if pid not in moved:
                    continue
                a, b = old_position + 1, position + 1
            else:
                a, b = previous.get(name), programme.get(name)
                if name == "funding":
                    a, b = sorted(a or []), sorted(b or [])
            if a != b and _shown(name, a) != _shown(name, b):
                fields.append(FieldChange(label, _shown(name, a), _shown(name, b)))
        if fields:
            changes.append(ProgrammeChange(pid, programme.get("title", ""), "changed", fields))
    for pid, (_position, programme) in before.items():
        if pid not in after:
            changes.append(ProgrammeChange(pid, programme.get("title", ""), "removed"))
    order = {"added": 0, "changed": 1, "removed": 2}
    return sorted(changes, key=lambda c: (order[c.kind], _id_number(c.id), c.id))


def _id_number(pid: str) -> int:
    digits = re.sub(r"\D", "", pid)
    return int(digits) if digits else 0


def total_changes(old: dict[str, Any], new: dict[str, Any]) -> list[TotalChange]:
    a, b = plan_content.budget(old), plan_content.budget(new)
    return [
        TotalChange(_("Estimated total cost"), reading.rupiah(a.total), reading.rupiah(b.total)),
        TotalChange(_("Programmes"), str(len(old["programmes"])), str(len(new["programmes"]))),
        TotalChange(
            _("Quick wins"),
            str(len(plan_content.quick_wins(old))),
            str(len(plan_content.quick_wins(new))),
        ),
        TotalChange(
            _("Programmes without a cost estimate"),
            ", ".join(a.unknown) or "—",
            ", ".join(b.unknown) or "—",
        ),
    ]


def diff_context(plan: Masterplan, old: PlanVersion, new: PlanVersion) -> dict[str, Any]:
    language = page_language()
    before = reading.read(plan.title, old.content, language, demo=plan.is_demo)
    after = reading.read(plan.title, new.content, language, demo=plan.is_demo)
    return {
        "plan": plan,
        "old": old,
        "new": new,
        "sections": section_diffs(before, after),
        "programmes": programme_changes(old.content, new.content),
        "totals": total_changes(old.content, new.content),
        "versions": list(selectors.versions_of(plan).defer("content")),
    }


# --- the scorecard on the region page -------------------------------------------------------


def score_text(value: float) -> str:
    """A score as the scorecard charts print it: one decimal in the page's language."""
    return str(floatformat(value, 1))


def demo_title(text: str, is_demo: bool) -> str:
    """A chart's title or description, saying "(demo)" when it shows demo content."""
    return _("%(title)s (demo)") % {"title": text} if is_demo else text


@dataclass(frozen=True)
class PlanScores:
    plan: Masterplan
    reports: list[ProgressReport]
    may_view: bool


def region_scorecard_context(region: Any, user: Any) -> dict[str, Any]:
    """The totals of the progress reports the region *submitted*, by plan and year, with
    a small trend chart; drafts are never shown. One query."""
    reports = selectors.submitted_reports_for(region)
    groups: dict[int, PlanScores] = {}
    for item in reports:
        plan = item.masterplan
        if plan.pk not in groups:
            groups[plan.pk] = PlanScores(
                plan=plan,
                reports=[],
                may_view=bool(user) and rules.has_perm("strategy.view_masterplan", user, plan),
            )
        groups[plan.pk].reports.append(item)
    plans = list(groups.values())
    if not plans:
        return {"region": region, "plans": []}
    demo = any(p.plan.is_demo for p in plans) or any(r.is_demo for r in reports)
    title = _("Masterplan scorecard of %(region)s") % {"region": region.name}
    desc = _(
        "Line chart of the total score (0–100) of each submitted yearly progress report on "
        "the region's masterplans, by year."
    )
    title, desc = demo_title(title, demo), demo_title(desc, demo)
    lines = [
        (f"{p.plan.start_year}–{p.plan.end_year}", [(r.year, r.score) for r in p.reports])
        for p in plans
    ]
    chart = charts.trend(
        lines[0][1],
        title=title,
        desc=desc,
        y_label=_("Total score"),
        series_label=lines[0][0],
        extra=lines[1:],
        fmt=score_text,
        width=560,
        height=200,
        id_prefix="masterplan-scorecard",
    )
    return {"region": region, "plans": plans, "chart": chart, "demo": demo}
