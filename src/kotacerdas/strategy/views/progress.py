"""Pages of masterplans (progress): the scorecard over the years and a year's report.

``strategy:progress`` shows, for every year of the horizon, the report's total and each
component's score, and the totals as a trend chart; ``strategy:report`` is the yearly form
(one row per programme of the latest version: status, the three outputs, the outcome
value and, for a target in per cent, its baseline) with "save draft" and "submit", and
after saving the computed scorecard. Who may see them: the secretariat and the region's
officers (``strategy.view_masterplan``); who may report: the region's officers
(``strategy.report_progress``). A submitted report is final and shown read-only.

The region page shows, for everyone, the totals of the reports a region has *submitted*
(:func:`kotacerdas.strategy.presentation.region_scorecard_context`): a region's reported
progress is public accountability, while a draft is work in progress and never shown there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kotacerdas import charts
from kotacerdas.practices import taxonomy

from .. import presentation, scoring, selectors, services
from ..forms import parse_number, show_number
from ..models import Masterplan, ProgressReport
from ..services.progress import OUTPUT_CHOICES, STATUS_CHOICES
from . import plan_or_404, require

REPORT = "strategy.report_progress"


def _card(report: ProgressReport | None) -> scoring.ScoreCard | None:
    return scoring.ScoreCard.from_dict(report.breakdown) if report and report.breakdown else None


# --- the scorecard over the years ---------------------------------------------------------------


@dataclass(frozen=True)
class YearRow:
    year: int
    report: ProgressReport | None
    card: scoring.ScoreCard | None
    scores: list[scoring.Component | None]


def _trend_chart(plan: Masterplan, rows: list[YearRow]) -> str:
    submitted = [
        (r.year, r.report.score if r.report and r.report.submitted_at else None) for r in rows
    ]
    drafts = [
        (r.year, r.report.score if r.report and not r.report.submitted_at else None) for r in rows
    ]
    demo = plan.is_demo or any(r.report.is_demo for r in rows if r.report)
    title = _("Scorecard of %(plan)s over the years") % {"plan": plan.title}
    desc = _(
        "Line chart of the total score (0–100) of the yearly progress reports on the "
        "masterplan, %(first)s–%(last)s; submitted reports as the main line, drafts apart."
    ) % {"first": plan.start_year, "last": plan.end_year}
    title, desc = presentation.demo_title(title, demo), presentation.demo_title(desc, demo)
    return charts.trend(
        submitted,
        title=title,
        desc=desc,
        y_label=_("Total score"),
        series_label=_("Submitted"),
        extra=[(_("Draft"), drafts)],
        fmt=presentation.score_text,
        id_prefix="progress-trend",
    )


@login_required
@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    reports = {r.year: r for r in selectors.reports_of(plan)}
    edition = scoring.current_edition()
    codes = [c.code for c in edition.components]
    rows = []
    for year in plan.years:
        report = reports.get(year)
        card = _card(report)
        rows.append(
            YearRow(
                year=year,
                report=report,
                card=card,
                scores=[card.component(code) if card else None for code in codes],
            )
        )
    return render(
        request,
        "strategy/progress/progress.html",
        {
            "plan": plan,
            "edition": edition,
            "rows": rows,
            "chart": _trend_chart(plan, rows) if reports else "",
            "may_report": rules.has_perm(REPORT, request.user, plan),
            "demo": plan.is_demo or any(r.is_demo for r in reports.values()),
        },
    )


# --- a year's report ------------------------------------------------------------------------------


@dataclass
class EntryRow:
    """A programme's row of the form: what the plan says and what is entered."""

    programme: dict[str, Any]
    status: str
    outputs: dict[str, bool]
    outcome: str
    baseline: str
    asks_baseline: bool
    problems: list[str]

    @property
    def id(self) -> str:
        return self.programme["id"]

    @property
    def pillar(self) -> str:
        return taxonomy.node_name(self.programme.get("pillar", ""))

    @property
    def status_label(self) -> str:
        return str(dict(STATUS_CHOICES).get(self.status, self.status))

    @property
    def delivered(self) -> list[tuple[str, str, bool]]:
        return [(code, str(label), self.outputs.get(code, False)) for code, label in OUTPUT_CHOICES]

    @property
    def delivered_text(self) -> str:
        return ", ".join(label for _code, label, checked in self.delivered if checked)


def _text(value: Any) -> str:
    """A stored number as an input's value in the page's language, empty for none."""
    return show_number(value, presentation.page_language()) if value is not None else ""


def _number(text: str) -> Any:
    """A number typed in the page's language (``1.250,5`` on an Indonesian page), None for
    an empty field; anything else is passed on as typed so that the service names the row
    it belongs to."""
    return parse_number(text, presentation.page_language())


def _posted_entries(request: HttpRequest, programmes: list[dict[str, Any]]) -> dict[str, Any]:
    entries = {}
    for programme in programmes:
        pid = programme["id"]
        entry: dict[str, Any] = {
            "status": request.POST.get(f"status-{pid}", "not_started"),
            "outputs": {code: f"{code}-{pid}" in request.POST for code, _label in OUTPUT_CHOICES},
            "outcome": _number(request.POST.get(f"outcome-{pid}", "")),
        }
        if scoring.asks_baseline(programme):
            entry["baseline"] = _number(request.POST.get(f"baseline-{pid}", ""))
        entries[pid] = entry
    return entries


def _rows(
    programmes: list[dict[str, Any]],
    values: dict[str, Any],
    *,
    posted: bool,
    problems: dict[str, list[str]],
) -> list[EntryRow]:
    rows = []
    for programme in programmes:
        pid = programme["id"]
        entry = values.get(pid) or {}
        outcome, baseline = entry.get("outcome"), entry.get("baseline")
        if baseline is None and not posted:
            baseline = programme.get("baseline")
        rows.append(
            EntryRow(
                programme=programme,
                status=str(entry.get("status") or "not_started"),
                outputs={k: v is True for k, v in (entry.get("outputs") or {}).items()},
                outcome=outcome if isinstance(outcome, str) else _text(outcome),
                baseline=baseline if isinstance(baseline, str) else _text(baseline),
                asks_baseline=scoring.asks_baseline(programme),
                problems=problems.get(f"entries.{pid}", []),
            )
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    if year not in plan.years:
        raise Http404(_("The masterplan does not cover %(year)s.") % {"year": year})
    existing = selectors.report_of(plan, year)
    may_report = rules.has_perm(REPORT, request.user, plan)
    final = existing is not None and existing.submitted_at is not None
    version = existing.version if final and existing else selectors.latest_version(plan)
    programmes = [
        p for p in (version.content.get("programmes") if version else None) or [] if "id" in p
    ]
    stored: dict[str, Any] = existing.entries if existing else {}
    values = stored
    note = existing.note if existing else ""
    problems: list[str] = []
    by_row: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        require(request, REPORT, plan)
        posted = _posted_entries(request, programmes)
        posted_note = request.POST.get("note", "")
        submit = request.POST.get("action") == "submit"
        try:
            services.save_report(
                actor=request.user,
                masterplan=plan,
                year=year,
                entries=posted,
                note=posted_note,
                submit=submit,
            )
        except ValidationError as exc:
            if not final:
                # Show what was typed, to be corrected; a final report stays as it was.
                values, note = posted, posted_note
            status = 400
            by_row = exc.message_dict if hasattr(exc, "error_dict") else {}
            problems = exc.messages
        else:
            messages.success(
                request,
                _("The report for %(year)s is submitted; it is now final.") % {"year": year}
                if submit
                else _("The report for %(year)s is saved as a draft.") % {"year": year},
            )
            return redirect(reverse("strategy:report", kwargs={"pk": plan.pk, "year": year}))
    return render(
        request,
        "strategy/progress/report.html",
        {
            "plan": plan,
            "year": year,
            "report": existing,
            "version": version,
            "rows": _rows(programmes, values, posted=values is not stored, problems=by_row),
            "note": note,
            "problems": problems,
            "card": _card(existing),
            "editable": may_report and not final,
            "final": final,
            "statuses": [(code, str(label)) for code, label in STATUS_CHOICES],
            "demo": plan.is_demo or bool(existing and existing.is_demo),
        },
        status=status,
    )


urlpatterns = [
    path("<int:pk>/progress/", progress, name="progress"),
    path("<int:pk>/progress/<int:year>/", report, name="report"),
]
