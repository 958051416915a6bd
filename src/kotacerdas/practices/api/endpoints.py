"""The endpoints of the library (see the package's docstring for the rules)."""

from __future__ import annotations

import contextlib
import decimal
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, P, PathEx, Query, Router, Status, UploadedFile

from kotacerdas.api.auth import OPTIONAL_AUTH, OPTIONAL_SECURITY
from kotacerdas.api.errors import rejected_file
from kotacerdas.api.schemas import Error, PageParams, UploadError, paginate
from kotacerdas.core.rules import is_secretariat
from kotacerdas.core.tabular import ImportRejected
from kotacerdas.regions.api import region_from_body, region_from_path

from .. import advice, content, search, selectors, services, taxonomy
from ..models import Practice, PracticeVersion, Question
from ..services import transfer
from .schemas import (
    _INDEX,
    CODE_DESCRIPTION,
    MAX_BIGINT,
    MAX_PAGE_SIZE,
    READ_ERRORS,
    VIEWER_ERRORS,
    WRITE_ERRORS,
    DetailIn,
    FitIn,
    FitOut,
    LearningNetworkOut,
    PracticeAdoptionIn,
    PracticeAnswerIn,
    PracticeAnswerOut,
    PracticeCreateIn,
    PracticeDetail,
    PracticeImportOut,
    PracticeQuestionIn,
    PracticeQuestionOut,
    PracticeQuestionPage,
    PracticeRecordIn,
    PracticeReplicationOut,
    PracticeReviewIn,
    PracticeSearchOut,
    PracticeVersionIn,
    RecommendationsIn,
    RecommendationsOut,
    SearchIn,
    VersionState,
)

router = Router(tags=["practices"])


# --- lookups and shapes shared by the endpoints --------------------------------------------


def _invalid(field: str | None, message: str) -> ValidationError:
    if field is None:
        return ValidationError(message)
    return ValidationError({field: [message]})


def _api_field(path: str) -> str:
    """``outcomes[2].unit`` (how records name fields) as the API does: ``outcomes.1.unit``."""
    return _INDEX.sub(lambda m: f".{int(m.group(1)) - 1}", path)


@contextlib.contextmanager
def _content_checked() -> Iterator[None]:
    """Problems with a practice's content become a 422 naming each body field."""
    try:
        yield
    except content.ContentInvalid as exc:
        problems: dict[str, list[str]] = {}
        for problem in exc.problems:
            name = _api_field(problem.field) or NON_FIELD_ERRORS
            problems.setdefault(name, []).append(problem.message)
        raise ValidationError(problems) from exc


def _parse(payload: PracticeRecordIn) -> content.PracticeData:
    with _content_checked():
        return content.parse_record(payload.record())


def _not_found(slug: str) -> Http404:
    return Http404(_("No practice has the short name “%(slug)s”.") % {"slug": slug})


def _practice(slug: str) -> Practice:
    practice = selectors.practice_by_slug(slug) if content.SLUG.match(slug) else None
    if practice is None:
        raise _not_found(slug)
    return practice


def _published(slug: str) -> Practice:
    """A published practice; one that is not (yet) published is a 404 for public reads."""
    practice = _practice(slug)
    if practice.published_version_id is None:
        raise _not_found(slug)
    return practice


def _latest(practice: Practice) -> PracticeVersion:
    version = selectors.latest_version(practice)
    if version is None:  # pragma: no cover - a practice is created with its first version
        raise _not_found(practice.slug)
    version.practice = practice  # spare the rules a query for the practice they check
    return version


def _at_step(ok: bool, may_act: bool, message: str) -> None:
    """A write at the wrong step of the workflow is a 422 for someone who may act on the
    practice; anyone else learns no more than the service's 403."""
    if not ok and may_act:
        raise _invalid(None, message)


def _status_name(version: PracticeVersion) -> str:
    return str(version.get_status_display())


def _url(request: HttpRequest, practice: Practice) -> str:
    return request.build_absolute_uri(reverse("practices:detail", kwargs={"slug": practice.slug}))


def _number(value: decimal.Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _pad(effect: advice.PadEffect | None) -> dict[str, Any] | None:
    if effect is None:
        return None
    return {"amount": _number(effect.change), "years": effect.years}


def _detail(request: HttpRequest, practice: Practice, version: PracticeVersion) -> dict[str, Any]:
    """Everything :class:`PracticeDetail` shows of ``version``, as ``request``'s user may."""
    user = request.auth
    version = selectors.version_with_content(version.pk)
    review = selectors.final_review(version)
    may_see_reviews = user.has_perm("practices.view_reviews", practice)
    return {
        **content.record_of(version),
        "slug": practice.slug,
        "lead_region": practice.lead_region,
        "version": version.number,
        "status": version.status,
        "change_note": version.change_note,
        "is_demo": practice.is_demo,
        "created_at": version.created_at,
        "submitted_at": version.submitted_at,
        "published_at": version.published_at,
        "first_published_at": practice.first_published_at,
        "review": review,
        "reviews": list(selectors.reviews_of(version)) if may_see_reviews else None,
        "replications": list(selectors.replications_of(practice)),
        "versions": [
            v
            for v in selectors.versions_of(practice)
            if user.has_perm("practices.view_version", _with_practice(v, practice))
        ],
        "url": _url(request, practice),
    }


def _with_practice(version: PracticeVersion, practice: Practice) -> PracticeVersion:
    version.practice = practice
    return version


def _cards(request: HttpRequest, hits: list[search.PracticeHit]) -> list[dict[str, Any]]:
    """Search hits with their review and PAD effect: two queries for the whole page."""
    practices = [hit.practice for hit in hits]
    prefetch_related_objects([p.published_version for p in practices], "outcomes")
    reviews = selectors.published_reviews([p.pk for p in practices])
    cards = []
    for hit in hits:
        practice, version = hit.practice, hit.practice.published_version
        review = reviews.get(practice.pk)
        cards.append(
            {
                "slug": practice.slug,
                "title": version.title,
                "summary": version.summary,
                "snippet": hit.snippet,
                "lead_region": practice.lead_region,
                "pillars": list(version.pillars),
                "stage": version.stage,
                "digital": version.digital,
                "is_demo": practice.is_demo,
                "verified": bool(review and review.verified),
                "review_score": review.total if review else None,
                "pad_effect": _pad(advice.pad_effect(version)),
                "url": _url(request, practice),
            }
        )
    return cards


Slug = PathEx[str, P(description="Short name of the practice.", example="pajak-restoran-daring")]
RegionCode = PathEx[str, P(description=CODE_DESCRIPTION, example="53.71")]
QuestionId = PathEx[int, P(ge=1, le=MAX_BIGINT)]


# --- the library, the network and advice ---------------------------------------------------
#
# Fixed paths come before ``/{slug}`` so that a short name can never shadow them.


@router.get(
    "",
    auth=None,
    response={200: PracticeSearchOut, 422: Error},
    operation_id="list_practices",
    summary="Search published practices",
    description=(
        "Full-text search over the published practices, best match first (newest first "
        "without `q`), with facet counts for every filter: `pillar`, `province`, `kind`, "
        "`stage`, `digital`, `sdg`, `funding`, `cost_band`, `year` and `verified`. Repeat "
        "a filter for several values (`?pillar=ECO&pillar=GOV` matches either). "
        "`suggestion` proposes a corrected query for a near-miss. Pages are numbered from "
        f"1 with `page_size` up to {MAX_PAGE_SIZE}."
    ),
)
def list_practices(request: HttpRequest, params: Query[SearchIn]) -> dict[str, Any]:
    result = search.search_practices(
        params.q, filters=params.filters(), page=params.page, per_page=params.page_size
    )
    return {
        "count": result.total,
        "page": result.page,
        "pages": result.pages,
        "suggestion": result.suggestion,
        "facets": result.facets,
        "items": _cards(request, result.hits),
    }


@router.get(
    "/network",
    auth=None,
    response={200: LearningNetworkOut, 422: Error},
    operation_id="get_learning_network",
    summary="Who learns from whom",
    description=(
        "One edge per pair of regions where the target adopts (plans, runs or has "
        "adopted) published practices of the source, weighted by how many; stopped "
        "adoptions are left out. With the ten most replicated practices and the ten "
        "regions whose practices are adopted most."
    ),
)
def get_learning_network(request: HttpRequest) -> dict[str, Any]:
    return {
        "edges": selectors.learning_network(),
        "most_replicated": list(selectors.most_replicated()),
        "most_active_sharers": selectors.most_active_sharers(),
    }


@router.get(
    "/recommendations/{region_code}",
    auth=None,
    response={200: RecommendationsOut, **READ_ERRORS},
    operation_id="get_recommendations",
    summary="Practices recommended for a region",
    description=(
        "Published practices of other regions that address the region's weakest pillars "
        "(from its latest published index results, else the priorities it stated), "
        "preferring regions like it and verified outcome evidence, each with a one-line "
        "reason. Practices the region already adopts are left out. `facts` shows what the "
        "advice was made from, with years and demo flags."
    ),
)
def get_recommendations(
    request: HttpRequest, params: Query[RecommendationsIn], region_code: RegionCode
) -> dict[str, Any]:
    region = region_from_path(region_code, "region_code")
    facts, items = advice.recommend(region, limit=params.limit)
    return {
        "region": region,
        "facts": {
            "source": facts.weak_source,
            "weak_pillars": [
                {
                    "code": code,
                    "name": taxonomy.node_name(code),
                    "score": facts.pillar_scores.get(code),
                }
                for code in facts.weak_pillars
            ],
            "results_year": facts.results_year,
            "results_demo": facts.results_demo,
            "population_class": facts.population_class,
            "fiscal_class": facts.fiscal_class,
            "fiscal_year": facts.fiscal_year,
            "fiscal_demo": facts.fiscal_demo,
            "readiness_year": facts.readiness_year,
            "readiness_demo": facts.readiness_demo,
        },
        "items": [
            {
                "slug": item.practice.slug,
                "title": item.practice.published_version.title,
                "lead_region": item.practice.lead_region,
                "score": item.score,
                "reason": item.reason,
                "pillars": item.pillars,
                "verified": item.verified,
                "adopters": item.adopters,
                "pad_effect": _pad(item.pad),
                "is_demo": item.practice.is_demo,
                "url": _url(request, item.practice),
            }
            for item in items
        ],
    }


@router.post(
    "/import",
    response={200: PracticeImportOut, 401: Error, 403: Error, 404: Error, 422: UploadError},
    operation_id="import_practices",
    summary="Check or import a file of practices",
    description=(
        "For the secretariat (every region) and officers (rows of their own region). "
        "A JSON, XLSX or CSV file in the shape of the library's export (XLSX: the sheets "
        "`practices`, `outcomes`, `prerequisites` and `contacts` joined by `slug`), sent "
        "as multipart form data in the field `file`. With "
        "`dry_run` true (the default) nothing is stored and the answer lists the practices "
        "the file would create. With `dry_run` false every practice is created as a draft "
        "of its lead region, or none is: a file with any problem is a 422 that lists every "
        "problem with its row and column (the header is row 1; for JSON, the record and "
        "field are in the message)."
    ),
)
def import_practices(
    request: HttpRequest, file: File[UploadedFile], dry_run: Form[bool] = True
) -> Any:
    # One byte more than the limit is enough for the service to refuse a large file.
    data = file.read(transfer.MAX_BYTES + 1)
    filename = file.name or ""
    try:
        if dry_run:
            plan = transfer.plan_import(actor=request.auth, content=data, filename=filename)
            rows = [(slug, region.code, record.title) for region, slug, record in plan]
        else:
            created = transfer.import_practices(actor=request.auth, content=data, filename=filename)
            rows = [(p.slug, p.lead_region.code, p.versions.get().title) for p in created]
    except ImportRejected as exc:
        return Status(422, rejected_file(exc))
    return {
        "dry_run": dry_run,
        "applied": not dry_run,
        "count": len(rows),
        "practices": [
            {"slug": slug, "lead_region": code, "title": title} for slug, code, title in rows
        ],
    }


@router.post(
    "",
    response={201: PracticeDetail, **WRITE_ERRORS},
    operation_id="create_practice",
    summary="Write a new practice",
    description=(
        "For an officer of the lead region or the secretariat. Creates the practice with "
        "its first version as a draft; submit it for review when it is complete. Every "
        "problem with the content is reported at once, each naming its field "
        "(`outcomes.0.unit`). A `slug` already taken is a 422; left out, one is made from "
        "the title."
    ),
)
def create_practice(request: HttpRequest, payload: PracticeCreateIn) -> Status:
    region = region_from_body(payload.lead_region, "lead_region")
    data = _parse(payload)
    with _content_checked():
        practice = services.create_practice(
            actor=request.auth,
            region=region,
            data=data,
            slug=payload.slug or "",
            is_demo=payload.is_demo,
        )
    return Status(201, _detail(request, practice, _latest(practice)))


# --- one practice --------------------------------------------------------------------------


@router.get(
    "/{slug}",
    auth=OPTIONAL_AUTH,
    openapi_extra=OPTIONAL_SECURITY,
    response={200: PracticeDetail, **VIEWER_ERRORS},
    operation_id="get_practice",
    summary="One practice",
    description=(
        "The published version with its review score, verification and adopters. A "
        "practice that is not published, a version that is not (`?version=N`) and review "
        "comments are working data: with a bearer token the lead region's officers and "
        "the secretariat read them; anyone else gets a 404. Without `version`, they see "
        "the published version, or the latest while none is published."
    ),
)
def get_practice(request: HttpRequest, params: Query[DetailIn], slug: Slug) -> dict[str, Any]:
    practice = _practice(slug)
    version = selectors.visible_version(practice, request.auth, params.version)
    if version is None:
        if params.version is not None and request.auth.has_perm("practices.view_reviews", practice):
            raise Http404(
                _("The practice “%(slug)s” has no version %(number)s.")
                % {"slug": slug, "number": params.version}
            )
        raise _not_found(slug)
    return _detail(request, practice, version)


@router.put(
    "/{slug}",
    response={200: PracticeDetail, **WRITE_ERRORS},
    operation_id="update_practice",
    summary="Replace the content of the version being written",
    description=(
        "For an officer of the lead region or the secretariat. Replaces everything the "
        "latest version says, while it is a draft or was returned with comments. A "
        "published practice changes through a new version (`POST .../versions`); a "
        "version waiting for review cannot be changed (a 422 says so)."
    ),
)
def update_practice(request: HttpRequest, payload: PracticeRecordIn, slug: Slug) -> dict[str, Any]:
    practice = _practice(slug)
    version = _latest(practice)
    _at_step(
        version.is_editable,
        request.auth.has_perm("practices.view_reviews", practice),
        _("Version %(number)s is %(status)s; only a draft or a returned version can be edited.")
        % {"number": version.number, "status": _status_name(version)},
    )
    data = _parse(payload)
    with _content_checked():
        version = services.update_version(actor=request.auth, version=version, data=data)
    return _detail(request, practice, version)


@router.post(
    "/{slug}/submit",
    response={200: PracticeDetail, **WRITE_ERRORS},
    operation_id="submit_practice",
    summary="Send the version being written to the secretariat",
    description=(
        "For an officer of the lead region or the secretariat. The version must be a "
        "draft or returned, and complete: the situation, objectives, process and results "
        "written and at least one outcome (a 422 lists what is missing). The secretariat "
        "is notified by e-mail."
    ),
)
def submit_practice(request: HttpRequest, slug: Slug) -> dict[str, Any]:
    practice = _practice(slug)
    version = _latest(practice)
    _at_step(
        version.is_editable,
        request.auth.has_perm("practices.view_reviews", practice),
        _("Version %(number)s is %(status)s; only a draft or a returned version can be submitted.")
        % {"number": version.number, "status": _status_name(version)},
    )
    with _content_checked():
        version = services.submit_version(actor=request.auth, version=version)
    return _detail(request, practice, version)


REVIEW_STEPS = {"start": (VersionState.SUBMITTED,), "return": (VersionState.IN_REVIEW,)}
REVIEW_STEPS["publish"] = REVIEW_STEPS["return"]


@router.post(
    "/{slug}/review",
    response={200: PracticeDetail, **WRITE_ERRORS},
    operation_id="review_practice",
    summary="Review a submitted version",
    description=(
        "For the secretariat. `start` takes a submitted version into review; `return` "
        "sends a version in review back to its region with a `comment` (scores optional); "
        "`publish` publishes it, with `scores` 1–5 on every criterion and `verified` when "
        "the outcome evidence was checked. The version it replaces stays in the history. "
        "The lead region's officers and the author are notified by e-mail."
    ),
)
def review_practice(request: HttpRequest, payload: PracticeReviewIn, slug: Slug) -> dict[str, Any]:
    practice = _practice(slug)
    version = _latest(practice)
    _at_step(
        version.status in REVIEW_STEPS[payload.action],
        is_secretariat(request.auth),
        _("Version %(number)s is %(status)s; “%(action)s” needs a version that is %(needed)s.")
        % {
            "number": version.number,
            "status": _status_name(version),
            "action": payload.action,
            "needed": " / ".join(str(VersionState(s).label) for s in REVIEW_STEPS[payload.action]),
        },
    )
    with _content_checked():
        if payload.action == "start":
            version = services.start_review(actor=request.auth, version=version)
        elif payload.action == "return":
            services.return_version(
                actor=request.auth,
                version=version,
                comment=payload.comment,
                scores=payload.scores,
            )
        else:
            services.publish_version(
                actor=request.auth,
                version=version,
                scores=payload.scores,
                verified=payload.verified,
                comment=payload.comment,
            )
    practice = _practice(slug)
    return _detail(request, practice, version)


@router.post(
    "/{slug}/versions",
    response={200: PracticeDetail, 201: PracticeDetail, **WRITE_ERRORS},
    operation_id="start_practice_version",
    summary="Start a new version of a published practice",
    description=(
        "For an officer of the lead region or the secretariat. A new draft that starts "
        "as a copy of the published version (201); the published version stays public "
        "until the new one passes review. When a newer version is already being written "
        "or reviewed, that one is returned instead (200)."
    ),
)
def start_practice_version(request: HttpRequest, payload: PracticeVersionIn, slug: Slug) -> Status:
    practice = _practice(slug)
    latest = _latest(practice)
    _at_step(
        practice.published_version_id is not None,
        request.auth.has_perm("practices.view_reviews", practice),
        _("The practice is not published yet; edit its version %(number)s instead.")
        % {"number": latest.number},
    )
    version = services.start_new_version(
        actor=request.auth, practice=practice, change_note=payload.change_note
    )
    return Status(201 if version.pk != latest.pk else 200, _detail(request, practice, version))


@router.post(
    "/{slug}/adopt",
    response={200: PracticeReplicationOut, 201: PracticeReplicationOut, **WRITE_ERRORS},
    operation_id="adopt_practice",
    summary="Record that a region adopts a practice",
    description=(
        "For an officer of another region than the lead region (for their own region, "
        "the default of `region`) or the secretariat (naming the `region`). 201 when the "
        "region's adoption is new; 200 when its status, dates or notes are updated. Only "
        "a published practice can be adopted."
    ),
)
def adopt_practice(request: HttpRequest, payload: PracticeAdoptionIn, slug: Slug) -> Status:
    practice = _practice(slug)
    _at_step(
        practice.published_version_id is not None,
        request.auth.has_perm("practices.view_version", practice),
        _("Only a published practice can be adopted."),
    )
    if payload.region:
        region = region_from_body(payload.region, "region")
    elif request.auth.region_id is not None:
        region = request.auth.region
    else:
        raise _invalid("region", _("Name the adopting region."))
    existed = practice.replications.filter(region=region).exists()
    with _content_checked():
        replication = services.record_adoption(
            actor=request.auth,
            practice=practice,
            region=region,
            status=payload.status,
            started_on=payload.started_on,
            ended_on=payload.ended_on,
            notes=payload.notes,
            is_demo=payload.is_demo,
        )
    return Status(200 if existed else 201, replication)


@router.get(
    "/{slug}/questions",
    auth=None,
    response={200: PracticeQuestionPage, **READ_ERRORS},
    operation_id="list_practice_questions",
    summary="Questions about a practice, with their answers",
    description=(
        "Questions officers of other regions asked about a published practice, oldest "
        "first, each with its answers (a null region is the secretariat)."
    ),
)
def list_practice_questions(
    request: HttpRequest, page: Query[PageParams], slug: Slug
) -> dict[str, Any]:
    return paginate(selectors.questions_of(_published(slug)), page)


@router.post(
    "/{slug}/questions",
    response={201: PracticeQuestionOut, **WRITE_ERRORS},
    operation_id="ask_practice_question",
    summary="Ask about a practice",
    description=(
        "For an officer of a region other than the lead region, about a published "
        "practice. The lead region's officers are notified by e-mail."
    ),
)
def ask_practice_question(request: HttpRequest, payload: PracticeQuestionIn, slug: Slug) -> Status:
    practice = _practice(slug)
    _at_step(
        practice.published_version_id is not None,
        request.auth.has_perm("practices.view_version", practice),
        _("Questions can be asked about a published practice only."),
    )
    with _content_checked():
        question = services.ask_question(actor=request.auth, practice=practice, text=payload.text)
    return Status(201, question)


@router.post(
    "/{slug}/questions/{question_id}/answers",
    response={201: PracticeAnswerOut, **WRITE_ERRORS},
    operation_id="answer_practice_question",
    summary="Answer a question about a practice",
    description=(
        "For an officer of the lead region or the secretariat. The officer who asked is "
        "notified by e-mail."
    ),
)
def answer_practice_question(
    request: HttpRequest, payload: PracticeAnswerIn, slug: Slug, question_id: QuestionId
) -> Status:
    practice = _practice(slug)
    question = Question.objects.filter(practice=practice, pk=question_id).first()
    if question is None:
        raise Http404(
            _("The practice “%(slug)s” has no question with the id %(id)s.")
            % {"slug": slug, "id": question_id}
        )
    question.practice = practice
    with _content_checked():
        answer = services.answer_question(actor=request.auth, question=question, text=payload.text)
    return Status(201, answer)


@router.get(
    "/{slug}/fit",
    auth=None,
    response={200: FitOut, **READ_ERRORS},
    operation_id="get_practice_fit",
    summary="Does a published practice fit a region?",
    description=(
        "The transferability check: each prerequisite of the published version compared "
        "with the region's readiness answers and fiscal facts (met, partly, unmet or "
        "unknown) with the reason and what the region would need first, a fit score "
        "0–100, and how the lead region is like this one. An unknown region is a 404."
    ),
)
def get_practice_fit(request: HttpRequest, params: Query[FitIn], slug: Slug) -> dict[str, Any]:
    practice = _published(slug)
    region = region_from_path(params.region, "region")
    report = advice.check_fit(practice, region)
    return {
        "slug": practice.slug,
        "region": region,
        "score": report.score,
        "items": [
            {
                "prerequisite": item.prerequisite,
                "status": item.status,
                "reason": item.reason,
                "need": item.need,
            }
            for item in report.items
        ],
        "needs_first": report.needs_first,
        "unknown": report.unknown,
        "similarities": report.similarities,
        "is_demo": practice.is_demo,
        "facts_demo": report.facts.readiness_demo or report.facts.fiscal_demo,
    }
