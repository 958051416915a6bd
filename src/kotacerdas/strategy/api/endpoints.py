"""The endpoints of masterplans (see the package's docstring for the rules)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import P, PathEx, Query, Router, Status

from kotacerdas.api.auth import OPTIONAL_AUTH, OPTIONAL_SECURITY, signed_in
from kotacerdas.api.schemas import MAX_ID, PageParams, paginate
from kotacerdas.regions.api import region_from_body, region_from_path

from .. import content, reading, selectors, services
from ..models import Masterplan, PlanComment, PlanVersion, ProgressReport
from .schemas import (
    LIST_ERRORS,
    MAX_VERSION,
    READ_ERRORS,
    WRITE_ERRORS,
    MasterplanCommentIn,
    MasterplanCommentOut,
    MasterplanCommentPage,
    MasterplanCreateIn,
    MasterplanDetail,
    MasterplanFiltersIn,
    MasterplanPage,
    MasterplanVersionIn,
    MasterplanVersionOut,
    ScorecardIn,
    ScorecardOut,
    ScorecardPage,
    VersionQueryIn,
)

router = Router(tags=["masterplans"])

PlanId = PathEx[int, P(ge=1, le=MAX_ID, description="The masterplan's id.", example=1)]
VersionNumber = PathEx[
    int, P(ge=1, le=MAX_VERSION, description="The version's number (1: the draft).", example=1)
]
Year = PathEx[int, P(ge=1, le=9999, description="A year of the plan's horizon.", example=2027)]

_PATH_INDEX = re.compile(r"\[(\d+)\]")


# --- lookups -------------------------------------------------------------------------------


def _plan(request: HttpRequest, plan_id: int, perm: str = "strategy.view_masterplan") -> Masterplan:
    """The masterplan, if the caller may ``perm`` it: a 404 when there is none, a 403 for
    someone who may not."""
    user = signed_in(request)
    plan = selectors.plan_by_pk(plan_id)
    if plan is None:
        raise Http404(_("No masterplan has the id %(id)s.") % {"id": plan_id})
    if not rules.has_perm(perm, user, plan):
        raise PermissionDenied(perm)
    return plan


def _version(plan: Masterplan, number: int) -> PlanVersion:
    version = selectors.version_of(plan, number)
    if version is None:
        raise Http404(
            _("The masterplan %(id)s has no version %(number)s.")
            % {"id": plan.pk, "number": number}
        )
    version.masterplan = plan  # spare the rules and the shapes a query for the plan
    return version


def _api_field(path: str) -> str:
    """``programmes[2].start_year`` (how the document names a place) as the API names the
    body field: ``content.programmes.2.start_year``."""
    return "content." + _PATH_INDEX.sub(lambda m: f".{m.group(1)}", path) if path else "content"


@contextlib.contextmanager
def _content_checked() -> Iterator[None]:
    """Problems of an edited document become a 422 naming each body field."""
    try:
        yield
    except content.ContentInvalid as exc:
        problems: dict[str, list[str]] = {}
        for problem in exc.problems:
            problems.setdefault(_api_field(problem.path), []).append(problem.message)
        raise ValidationError(problems) from exc


# --- shapes --------------------------------------------------------------------------------


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _card(request: HttpRequest, plan: Masterplan, latest: int | None, count: int) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "region": plan.region,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "title": plan.title,
        "latest_version": latest,
        "version_count": count,
        "created_at": plan.created_at,
        "is_demo": plan.is_demo,
        "url": request.build_absolute_uri(reverse("strategy:detail", kwargs={"pk": plan.pk})),
    }


def _version_ref(version: PlanVersion, comment_count: int | None = None) -> dict[str, Any]:
    return {
        "number": version.number,
        "note": version.note,
        "generated": version.generated,
        "author": _username(version.created_by),
        "created_at": version.created_at,
        "comment_count": version.comment_count if comment_count is None else comment_count,
    }


def _detail(request: HttpRequest, plan: Masterplan) -> dict[str, Any]:
    # The versions without their documents: the list needs their numbers and notes only.
    versions = list(selectors.versions_of(plan).defer("content"))
    latest = versions[0].number if versions else None
    return {
        **_card(request, plan, latest, len(versions)),
        "author": _username(plan.created_by),
        "versions": [_version_ref(v) for v in versions],
    }


def _version_out(
    request: HttpRequest, version: PlanVersion, comment_count: int, language: str | None
) -> dict[str, Any]:
    plan = version.masterplan
    kwargs = {"pk": plan.pk, "number": version.number}

    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(f"strategy:{name}", kwargs=kwargs))

    body = {
        **_version_ref(version, comment_count),
        "masterplan": plan.pk,
        "content": version.content,
        "reading": None,
        "url": url("version"),
        "files": {"docx": url("docx"), "pdf": url("pdf"), "summary": url("summary")},
    }
    if language:
        read = reading.read(plan.title, version.content, language, demo=plan.is_demo)
        body["reading"] = reading.as_data(read)
    return body


def _comment(comment: PlanComment, number: int) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "version": number,
        "section": comment.section,
        "text": comment.text,
        "author": _username(comment.author),
        "created_at": comment.created_at,
    }


def _scorecard(report: ProgressReport) -> dict[str, Any]:
    return {
        "year": report.year,
        "version": report.version_number,
        "evaluation": report.evaluation,
        "score": report.score,
        "breakdown": report.breakdown,
        "entries": report.entries,
        "note": report.note,
        "submitted": report.submitted_at is not None,
        "submitted_at": report.submitted_at,
        "updated_at": report.updated_at,
        "is_demo": report.is_demo,
    }


def _reports(plan: Masterplan) -> Any:
    return selectors.reports_of(plan).annotate(version_number=F("version__number"))


# --- masterplans ---------------------------------------------------------------------------


@router.get(
    "",
    auth=OPTIONAL_AUTH,
    openapi_extra=OPTIONAL_SECURITY,
    response={200: MasterplanPage, **LIST_ERRORS},
    operation_id="list_masterplans",
    summary="List masterplans",
    description=(
        "The masterplans the caller may read (a bearer token is needed: 401 without one): "
        "every plan for the secretariat, the own region's for an officer, none for anyone "
        "else. By region name, latest horizon first; `region` keeps one region's."
    ),
)
def list_masterplans(
    request: HttpRequest, filters: Query[MasterplanFiltersIn], page: Query[PageParams]
) -> dict[str, Any]:
    user = signed_in(request)
    plans = selectors.visible_plans(user)
    if filters.region:
        plans = plans.filter(region=region_from_path(filters.region, "region"))
    result = paginate(plans, page)
    result["items"] = [
        _card(request, plan, plan.latest_number, plan.version_count) for plan in result["items"]
    ]
    return result


@router.post(
    "",
    response={201: MasterplanDetail, **WRITE_ERRORS},
    operation_id="create_masterplan",
    summary="Draft a masterplan",
    description=(
        "For an officer of the region or the secretariat. Drafts the region's masterplan "
        "for the years `start_year` to `end_year` (at most 20) from what the platform "
        "knows: registry facts, readiness, index results against similar regions, and "
        "programmes built on published practices that fit; the draft is version 1. A "
        "region has one plan per horizon (a 422 for a second one)."
    ),
)
def create_masterplan(request: HttpRequest, payload: MasterplanCreateIn) -> Status:
    region = region_from_body(payload.region, "region")
    plan = services.create_masterplan(
        actor=request.auth,
        region=region,
        start_year=payload.start_year,
        end_year=payload.end_year,
        title=payload.title,
    )
    return Status(201, _detail(request, plan))


@router.get(
    "/{plan_id}",
    auth=OPTIONAL_AUTH,
    openapi_extra=OPTIONAL_SECURITY,
    response={200: MasterplanDetail, **READ_ERRORS},
    operation_id="get_masterplan",
    summary="One masterplan with its versions",
    description=(
        "For the region's officers and the secretariat (401 without a token, 403 for "
        "anyone else): the plan, its latest version's number and every version, latest "
        "first, with what changed and how many comments it has."
    ),
)
def get_masterplan(request: HttpRequest, plan_id: PlanId) -> dict[str, Any]:
    return _detail(request, _plan(request, plan_id))


# --- versions --------------------------------------------------------------------------------


@router.get(
    "/{plan_id}/versions/{number}",
    auth=OPTIONAL_AUTH,
    openapi_extra=OPTIONAL_SECURITY,
    response={200: MasterplanVersionOut, **READ_ERRORS},
    operation_id="get_masterplan_version",
    summary="One version of a masterplan",
    description=(
        "For the region's officers and the secretariat. The version's document as stored "
        "(`content`) and, with `lang=id` or `lang=en`, its reading in that language: the "
        "sections with their paragraphs (each naming its sources) and tables, as the "
        "plan's page and files show them."
    ),
)
def get_masterplan_version(
    request: HttpRequest, plan_id: PlanId, number: VersionNumber, query: Query[VersionQueryIn]
) -> dict[str, Any]:
    version = _version(_plan(request, plan_id), number)
    return _version_out(request, version, version.comments.count(), query.lang)


@router.post(
    "/{plan_id}/versions",
    response={201: MasterplanVersionOut, **WRITE_ERRORS},
    operation_id="save_masterplan_version",
    summary="Save an edited version",
    description=(
        "For an officer of the plan's region. Saves the edited document as the next "
        "version; versions never change once saved. `based_on` is the number the edit "
        "started from: when another version was saved meanwhile the edit is refused (a 422 "
        "on `based_on`). Each problem of the document is a 422 naming its field."
    ),
)
def save_masterplan_version(
    request: HttpRequest, payload: MasterplanVersionIn, plan_id: PlanId
) -> Status:
    plan = _plan(request, plan_id)
    with _content_checked():
        version = services.save_version(
            actor=request.auth,
            masterplan=plan,
            content=payload.content,
            note=payload.note,
            based_on=payload.based_on,
        )
    version.masterplan = plan
    return Status(201, _version_out(request, version, 0, None))


# --- comments --------------------------------------------------------------------------------


@router.get(
    "/{plan_id}/versions/{number}/comments",
    auth=OPTIONAL_AUTH,
    openapi_extra=OPTIONAL_SECURITY,
    response={200: MasterplanCommentPage, **READ_ERRORS},
    operation_id="list_masterplan_comments",
    summary="The secretariat's comments on a version",
    description=(
        "For the region's officers and the secretariat: comments by section, oldest first."
    ),
)
def list_masterplan_comments(
    request: HttpRequest, page: Query[PageParams], plan_id: PlanId, number: VersionNumber
) -> dict[str, Any]:
    version = _version(_plan(request, plan_id), number)
    result = paginate(selectors.comments_on(version), page)
    result["items"] = [_comment(c, version.number) for c in result["items"]]
    return result


@router.post(
    "/{plan_id}/versions/{number}/comments",
    response={201: MasterplanCommentOut, **WRITE_ERRORS},
    operation_id="add_masterplan_comment",
    summary="Comment on a section of a version",
    description="For the secretariat, which mentors the regions: a comment on one section.",
)
def add_masterplan_comment(
    request: HttpRequest, payload: MasterplanCommentIn, plan_id: PlanId, number: VersionNumber
) -> Status:
    version = _version(_plan(request, plan_id), number)
    comment = services.add_comment(
        actor=request.auth, version=version, section=payload.section, text=payload.text
    )
    return Status(201, _comment(comment, version.number))


# --- scorecards ------------------------------------------------------------------------------


@router.get(
    "/{plan_id}/scorecards",
    auth=OPTIONAL_AUTH,
    openapi_extra=OPTIONAL_SECURITY,
    response={200: ScorecardPage, **READ_ERRORS},
    operation_id="list_masterplan_scorecards",
    summary="The yearly progress reports and their scores",
    description=(
        "For the region's officers and the secretariat: each year's report, oldest first, "
        "with its score (0 to 100) and the breakdown by the evaluation's components "
        "(baseline improvement, output, outcome, impact, quick-win innovation)."
    ),
)
def list_masterplan_scorecards(
    request: HttpRequest, page: Query[PageParams], plan_id: PlanId
) -> dict[str, Any]:
    result = paginate(_reports(_plan(request, plan_id)), page)
    result["items"] = [_scorecard(report) for report in result["items"]]
    return result


@router.post(
    "/{plan_id}/scorecards/{year}",
    response={200: ScorecardOut, 201: ScorecardOut, **WRITE_ERRORS},
    operation_id="save_masterplan_scorecard",
    summary="Report a year's progress",
    description=(
        "For an officer of the plan's region. Saves the year's report on the latest "
        "version and scores it: 201 for a new report, 200 when a draft report is updated. "
        "With `submit` the report becomes final; a submitted report is a 422."
    ),
)
def save_masterplan_scorecard(
    request: HttpRequest, payload: ScorecardIn, plan_id: PlanId, year: Year
) -> Status:
    plan = _plan(request, plan_id)
    existed = selectors.report_of(plan, year) is not None
    report = services.save_report(
        actor=request.auth,
        masterplan=plan,
        year=year,
        entries=payload.entries,
        note=payload.note,
        submit=payload.submit,
    )
    row = _reports(plan).get(pk=report.pk)
    return Status(200 if existed else 201, _scorecard(row))
