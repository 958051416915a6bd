"""Yearly progress reports on a masterplan and the scorecard they earn.

Each year of the horizon the region's officers report, for every programme of the latest
version, its status, the outputs delivered (policy, institution, budget) and the outcome
value measured (with a baseline where the target is a change in per cent). The report is
scored with the current evaluation edition (:mod:`kotacerdas.strategy.scoring`) against
the region's published index results, and the score, its breakdown and the edition are
kept with the report. A report stays a draft, saved as often as needed, until it is
submitted; a submitted report is final.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotacerdas.assessments.selectors.public import region_trend
from kotacerdas.core import audit
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.services import require_rule

from .. import scoring
from ..models import Masterplan, PlanVersion, ProgressReport

MAX_NOTE = 3000
LARGEST_VALUE = 1e15
STATUS_CHOICES = (
    ("not_started", gettext_lazy("not started")),
    ("in_progress", gettext_lazy("in progress")),
    ("done", gettext_lazy("done")),
    ("dropped", gettext_lazy("dropped")),
)
OUTPUT_CHOICES = (
    ("policy", gettext_lazy("policy")),
    ("institution", gettext_lazy("institution")),
    ("budget", gettext_lazy("budget")),
)
AUDITED = ("version_id", "entries", "note", "evaluation", "score", "submitted_at")


def _value(raw: Any) -> tuple[bool, float | None]:
    """``(valid, value)`` of an outcome or baseline: a finite number or nothing."""
    if raw is None:
        return True, None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return False, None
    if not math.isfinite(raw) or abs(raw) > LARGEST_VALUE:
        return False, None
    return True, float(raw)


def clean_entries(entries: Any, programme_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The entries checked against the version's programmes, one for every programme (a
    programme not reported is not started); ValidationError names each bad row."""
    if not isinstance(entries, Mapping):
        raise ValidationError({"entries": [_("Give the programmes' progress as a mapping.")]})
    errors: dict[str, list[str]] = {}
    unknown = [str(pid) for pid in entries if pid not in programme_ids]
    if unknown:
        errors["entries"] = [
            _("No programme of the masterplan has the id %(ids)s.") % {"ids": ", ".join(unknown)}
        ]
    cleaned: dict[str, dict[str, Any]] = {}
    statuses = [code for code, _label in STATUS_CHOICES]
    for pid in programme_ids:
        raw = entries.get(pid, {})
        problems: list[str] = []
        if not isinstance(raw, Mapping):
            errors[f"entries.{pid}"] = [_("Programme %(id)s: not a progress entry.") % {"id": pid}]
            continue
        extra = sorted(set(raw) - {"status", "outputs", "outcome", "baseline"})
        if extra:
            problems.append(
                _("Programme %(id)s: unknown field %(fields)s.")
                % {"id": pid, "fields": ", ".join(map(str, extra))}
            )
        status = raw.get("status", "not_started")
        if status not in statuses:
            problems.append(
                _("Programme %(id)s: the status is one of %(statuses)s.")
                % {"id": pid, "statuses": ", ".join(str(label) for _c, label in STATUS_CHOICES)}
            )
        outputs = raw.get("outputs") or {}
        if (
            not isinstance(outputs, Mapping)
            or set(outputs) - set(scoring.OUTPUTS)
            or any(not isinstance(v, bool) for v in outputs.values())
        ):
            problems.append(
                _("Programme %(id)s: outputs are policy, institution and budget, each yes or no.")
                % {"id": pid}
            )
            outputs = {}
        valid, outcome = _value(raw.get("outcome"))
        if not valid:
            problems.append(_("Programme %(id)s: the outcome value is a number.") % {"id": pid})
        valid, baseline = _value(raw.get("baseline"))
        if not valid:
            problems.append(_("Programme %(id)s: the baseline value is a number.") % {"id": pid})
        if problems:
            errors[f"entries.{pid}"] = problems
            continue
        cleaned[pid] = {
            "status": status,
            "outputs": {o: outputs.get(o, False) for o in scoring.OUTPUTS},
            "outcome": outcome,
            "baseline": baseline,
        }
    if errors:
        raise ValidationError(errors)
    return cleaned


def index_facts(masterplan: Masterplan, year: int) -> tuple[scoring.IndexFacts, bool]:
    """The region's published index results the scoring compares, and whether any of them
    is demo content: the baseline is the latest published result (with an index score)
    before the plan's first year, the other that of ``year`` itself."""
    trend = region_trend(masterplan.region)
    before = [p for p in trend.points if p.year < masterplan.start_year and p.index is not None]
    baseline = before[-1] if before else None
    current = trend.at(year)
    facts = scoring.IndexFacts(
        baseline_year=baseline.year if baseline else None,
        baseline_index=baseline.index if baseline else None,
        index=current.index if current else None,
        baseline_pillars=dict(baseline.pillars) if baseline else {},
        pillars=dict(current.pillars) if current else {},
    )
    demo = bool((baseline and baseline.is_demo) or (current and current.is_demo))
    return facts, demo


def _final(report: ProgressReport) -> ValidationError:
    return ValidationError(
        _(
            "The report for %(year)s was submitted on %(date)s and is final; it can no longer "
            "be changed."
        )
        % {
            "year": report.year,
            "date": formats.date_format(timezone.localtime(report.submitted_at), "DATE_FORMAT"),
        }
    )


def save_report(
    *,
    actor: Any,
    masterplan: Masterplan,
    year: int,
    entries: Any,
    note: str = "",
    submit: bool = False,
) -> ProgressReport:
    """Save the region's report for ``year`` on the latest version, scored; ``submit``
    makes it final. One report per plan and year: a draft is updated, a submitted one is
    refused."""
    require_rule(actor, "strategy.report_progress", masterplan)
    if isinstance(year, bool) or not isinstance(year, int) or year not in masterplan.years:
        raise ValidationError(
            {
                "year": [
                    _("A year of the masterplan, from %(first)d to %(last)d.")
                    % {"first": masterplan.start_year, "last": masterplan.end_year}
                ]
            }
        )
    note = (note or "").strip()
    if len(note) > MAX_NOTE or "\0" in note:
        raise ValidationError(
            {"note": [_("At most %(n)d characters, without NUL characters.") % {"n": MAX_NOTE}]}
        )
    try:
        with transaction.atomic():
            # One writer per plan at a time: two officers saving the same year do not race.
            plan = (
                Masterplan.objects.select_for_update()
                .select_related("region")
                .get(pk=masterplan.pk)
            )
            report = ProgressReport.objects.filter(masterplan=plan, year=year).first()
            if report is not None and report.submitted_at is not None:
                raise _final(report)
            version = PlanVersion.objects.filter(masterplan=plan).order_by("-number").first()
            if version is None:
                raise ValidationError(_("The masterplan has no version to report on."))
            programmes = [p for p in version.content.get("programmes") or [] if "id" in p]
            cleaned = clean_entries(entries, [p["id"] for p in programmes])
            facts, index_demo = index_facts(plan, year)
            card = scoring.score_report(
                year=year, content=version.content, entries=cleaned, facts=facts
            )
            creating = report is None
            if creating:
                report = ProgressReport(masterplan=plan, year=year)
                before: dict[str, Any] = {}
            else:
                before = audit.snapshot(report, AUDITED)
            report.version = version
            report.entries = cleaned
            report.note = note
            report.evaluation = card.edition
            report.score = card.total
            report.breakdown = card.as_dict()
            report.is_demo = plan.is_demo or index_demo
            report.updated_by = audit.acting_user(actor)
            if submit:
                report.submitted_at = timezone.now()
            report.save()
            audit.record(
                actor=actor,
                action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
                obj=report,
                region_code=plan.region.code,
                changes=audit.diff(before, audit.snapshot(report, AUDITED)),
            )
    except IntegrityError:
        # Only reachable when the plan row lock is bypassed; say so rather than fail.
        raise ValidationError(
            _("Someone saved the report for %(year)s at the same time; open it and try again.")
            % {"year": year}
        ) from None
    return report
