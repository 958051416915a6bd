"""The best-practice library in the REST API: search, records, the review workflow,
adoption, questions, transferability, recommendations and bulk import.

Endpoints are thin: they parse input, call one selector or service and shape the output
with the schemas below; every operation has its own input and output schemas. Published
practices, their questions, fit reports, recommendations and the learning network are
public. A version that is not published is working data: ``GET /practices/{slug}``
accepts a bearer token without requiring one and shows it to the lead region's officers
and the secretariat only (a 404 for anyone else, as if it did not exist).

Writes need a bearer token and the services decide who may write (an officer on their own
region's practices, the secretariat reviews and publishes). A practice's content is
checked by :func:`kotacerdas.practices.content.parse_record`; its problems come back as
the API's one error shape, each naming the body field (``outcomes.0.unit``). A request
that is allowed but comes at the wrong step of the workflow (editing a submitted version,
publishing one that is not in review) is a 422 that says which step the version is at;
to anyone who may not act on the practice at all it stays a 403.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, P, PathEx, Query, Router, Schema, Status, UploadedFile
from pydantic import AfterValidator, ConfigDict, field_validator

from kotacerdas.api.auth import OPTIONAL_AUTH, OPTIONAL_SECURITY
from kotacerdas.api.errors import rejected_file
from kotacerdas.api.schemas import Error, Page, PageParams, UploadError, paginate
from kotacerdas.core.rules import is_secretariat
from kotacerdas.core.tabular import ImportRejected
from kotacerdas.regions.api import RegionRef, region_from_body, region_from_path
from kotacerdas.regions.codes import normalise_region_code

from . import advice, content, search, selectors, services, taxonomy
from .models import Practice, PracticeVersion, Question
from .services import transfer

router = Router(tags=["practices"])

VersionState = PracticeVersion.Status

# The choices of the models, spelled out so that the OpenAPI schema lists them;
# tests/api/test_practices_api.py checks that they stay equal to the models' choices.
Language = Literal["id", "en"]
Pillar = Literal["GOV", "BRD", "ECO", "LIV", "SOC", "ENV"]
Stage = Literal["initiative", "trial", "applied"]
PracticeForm = Literal["governance", "public_service", "other"]
Initiator = Literal["head_of_region", "dprd_member", "agency", "civil_servant", "community"]
Funding = Literal["apbd", "apbn", "village_fund", "csr", "partnership", "other"]
PrerequisiteKind = Literal["budget", "infrastructure", "regulation", "skills"]
VersionStatus = Literal["draft", "submitted", "in_review", "returned", "published", "superseded"]
ReplicationStatus = Literal["planned", "in_progress", "adopted", "stopped"]
ReviewDecision = Literal["returned", "published"]
ReviewAction = Literal["start", "return", "publish"]
FitStatus = Literal["met", "partly", "unmet", "unknown"]
WeakSource = Literal["index", "stated", "none"]

READ_ERRORS: dict[int, Any] = {404: Error, 422: Error}
WRITE_ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error, 422: Error}
VIEWER_ERRORS: dict[int, Any] = {401: Error, 404: Error, 422: Error}
CODE_DESCRIPTION = "Kemendagri code of a kabupaten/kota, dotted (53.71) or digits (5371)."
# The largest number the database stores in a budget column (a signed 64-bit integer).
MAX_BIGINT = 2**63 - 1
# Version numbers are PositiveIntegerField: larger ones are a 422, not a database error.
MAX_VERSION = 2**31 - 1
MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_INDEX = re.compile(r"\[(\d+)\]")


def _storable(value: str) -> str:
    # NUL cannot be stored in PostgreSQL text, nor an unpaired surrogate (which JSON
    # allows as "\ud800") in UTF-8; refuse them here rather than fail on save.
    if "\x00" in value:
        raise ValueError(_("Remove the NUL characters and unpaired surrogates."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("Remove the NUL characters and unpaired surrogates.")) from None
    return value


Text = Annotated[str, AfterValidator(_storable)]


# --- output schemas ------------------------------------------------------------------------


class PadEffectOut(Schema):
    """The largest increase of own-source revenue (PAD) among the practice's outcomes."""

    amount: int | float = Field(
        ..., description="Increase in rupiah, value minus baseline.", examples=[1_900_000_000]
    )
    years: int | None = Field(
        ..., description="Years from the baseline to the value; null if not known.", examples=[2]
    )


class FacetValueOut(Schema):
    value: str = Field(..., description="The value to send back as a filter.", examples=["ECO"])
    label: str = Field(..., description="The value in words.", examples=["Smart Economy"])
    count: int = Field(..., description="Practices matching with this value.", examples=[12])
    selected: bool = Field(..., description="The value is one of the filters sent.")


class PracticeCard(Schema):
    """A published practice as a search result."""

    slug: str = Field(..., examples=["pajak-restoran-daring"])
    title: str
    summary: str
    snippet: str = Field(
        ...,
        description=(
            "An excerpt of the summary or the text that matched, as HTML: the matched "
            "words in <mark>, everything else escaped. Without `q`, the start of the summary."
        ),
    )
    lead_region: RegionRef
    pillars: list[str] = Field(..., examples=[["ECO", "GOV"]])
    stage: Stage
    digital: bool
    is_demo: bool = Field(..., description="Illustrative demo content, not an official record.")
    verified: bool = Field(..., description="The secretariat checked the outcome evidence.")
    review_score: int | None = Field(
        ..., description="Total of the review scores (7 criteria × 1–5).", examples=[27]
    )
    pad_effect: PadEffectOut | None
    url: str = Field(..., description="The practice's page.")


class PracticeSearchOut(Schema):
    count: int = Field(..., description="Practices matching, over all pages.")
    page: int
    pages: int = Field(..., description="Number of pages (at least 1).")
    suggestion: str | None = Field(
        ..., description="A corrected query when the one sent finds little; null if none."
    )
    facets: dict[str, list[FacetValueOut]] = Field(
        ..., description="For each facet, its values with the number of practices matching."
    )
    items: list[PracticeCard]


class PracticeNarrativeOut(Schema):
    situation: str
    objectives: str
    resources: str
    process: str
    results: str
    sustainability: str
    lessons: str
    transferability: str


class PracticeOutcomeOut(Schema):
    name: str
    unit: str = Field(..., description="IDR for an effect on PAD.", examples=["IDR"])
    baseline: int | float | None
    baseline_year: int | None
    value: int | float
    year: int
    source: str = Field(..., description="Source or evidence of the figure.")
    pad: bool = Field(..., description="The outcome is own-source revenue (PAD), in rupiah.")


class PracticePrerequisiteOut(Schema):
    kind: PrerequisiteKind
    description: str
    min_budget_idr: int | None = None
    readiness: str | None = Field(
        None, description="The readiness question that shows it.", examples=["STR.FIN.1"]
    )
    min_level: int | None = Field(None, description="Its minimum level, 1–5.")


class PracticeContactOut(Schema):
    name: str
    position: str
    agency: str
    email: str
    phone: str


class PracticeRecordOut(Schema):
    """Everything a version of a practice says (the shape of the import files)."""

    language: Language
    title: str
    summary: str
    pillars: list[str]
    sub_elements: list[str]
    sdgs: list[int]
    stage: Stage
    form: PracticeForm
    digital: bool
    initiator: Initiator
    started_on: dt.date | None
    applied_on: dt.date | None
    budget_idr: int | None
    funding_sources: list[str]
    partner_regions: list[str] = Field(..., description="Codes of the partner regions.")
    partner_organisations: list[str]
    narrative: PracticeNarrativeOut
    outcomes: list[PracticeOutcomeOut]
    prerequisites: list[PracticePrerequisiteOut]
    contacts: list[PracticeContactOut]


class PracticeReviewOut(Schema):
    """The review that published the version."""

    total: int = Field(..., examples=[27])
    max_total: int = Field(..., examples=[35])
    scores: dict[str, int] = Field(..., description="1–5 per criterion.")
    verified: bool = Field(..., description="The secretariat checked the outcome evidence.")

    @staticmethod
    def resolve_max_total(obj: Any) -> int:
        return taxonomy.MAX_SCORE


class PracticeReviewRoundOut(Schema):
    """One round of review, with the secretariat's comment."""

    decision: ReviewDecision
    scores: dict[str, int]
    total: int
    verified: bool
    comment: str
    created_at: dt.datetime


class PracticeVersionOut(Schema):
    number: int
    status: VersionStatus
    change_note: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    published_at: dt.datetime | None


class PracticeReplicationOut(Schema):
    """A region adopting the practice."""

    practice: str = Field(..., description="Short name of the practice.")
    region: RegionRef
    status: ReplicationStatus
    started_on: dt.date | None
    ended_on: dt.date | None
    notes: str
    is_demo: bool
    updated_at: dt.datetime

    @staticmethod
    def resolve_practice(obj: Any) -> str:
        return obj.practice.slug


class PracticeDetail(PracticeRecordOut):
    """One version of a practice with its place in the workflow, review and adopters."""

    slug: str = Field(..., examples=["pajak-restoran-daring"])
    lead_region: RegionRef
    version: int = Field(..., description="The number of the version shown.", examples=[1])
    status: VersionStatus
    change_note: str
    is_demo: bool = Field(..., description="Illustrative demo content, not an official record.")
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    published_at: dt.datetime | None = Field(..., description="When this version was published.")
    first_published_at: dt.datetime | None
    review: PracticeReviewOut | None = Field(
        ..., description="The review that published this version; null if not published."
    )
    reviews: list[PracticeReviewRoundOut] | None = Field(
        ...,
        description=(
            "Every review round of this version, newest first, with comments: for the lead "
            "region's officers and the secretariat; null for anyone else."
        ),
    )
    replications: list[PracticeReplicationOut] = Field(..., description="Regions adopting it.")
    versions: list[PracticeVersionOut] = Field(
        ..., description="The versions the caller may see, newest first."
    )
    url: str = Field(..., description="The practice's page.")


class PracticeAnswerOut(Schema):
    id: int
    region: RegionRef | None = Field(..., description="Null when the secretariat answered.")
    text: str
    created_at: dt.datetime
    is_demo: bool


class PracticeQuestionOut(Schema):
    id: int
    region: RegionRef = Field(..., description="The region of the officer who asked.")
    text: str
    created_at: dt.datetime
    is_demo: bool
    answers: list[PracticeAnswerOut]

    @staticmethod
    def resolve_answers(obj: Any) -> list[Any]:
        return list(obj.answers.all())


class PracticeQuestionPage(Page[PracticeQuestionOut]):
    pass


class FitPrerequisiteOut(Schema):
    kind: PrerequisiteKind
    description: str


class FitItemOut(Schema):
    prerequisite: FitPrerequisiteOut
    status: FitStatus
    reason: str = Field(..., description="Why, from the region's facts, with their year.")
    need: str = Field(..., description="What the region would need first; empty when met.")


class FitOut(Schema):
    """How well a published practice fits a region, prerequisite by prerequisite."""

    slug: str
    region: RegionRef
    score: int | None = Field(
        ..., description="0–100; null when no prerequisite could be checked.", examples=[75]
    )
    items: list[FitItemOut]
    needs_first: list[str] = Field(..., description="What to do before adopting.")
    unknown: int = Field(..., description="Prerequisites no platform data can check.")
    similarities: list[str] = Field(
        ..., description="How the lead region is like this one.", examples=[["a kota like yours"]]
    )
    is_demo: bool = Field(..., description="The practice is demo content.")
    facts_demo: bool = Field(
        ..., description="A readiness answer or fiscal value used is demo content."
    )


class WeakPillarOut(Schema):
    code: str = Field(..., examples=["ECO"])
    name: str = Field(..., examples=["Smart Economy"])
    score: float | None = Field(
        ..., description="The pillar's published index score; null for a stated priority."
    )


class AdviceFactsOut(Schema):
    """What the recommendations were made from."""

    source: WeakSource = Field(
        ...,
        description=(
            "index: the weakest pillars of the latest published index; stated: the "
            "priorities the region stated; none: neither is known."
        ),
    )
    weak_pillars: list[WeakPillarOut] = Field(..., description="Weakest (or first) first.")
    results_year: int | None
    results_demo: bool = Field(..., description="The index results used are demo values.")
    population_class: str = Field(..., examples=["medium"])
    fiscal_class: str = Field(
        ..., description="low, medium, high or unknown, by the PAD share.", examples=["low"]
    )
    fiscal_year: int | None
    fiscal_demo: bool
    readiness_year: int | None
    readiness_demo: bool


class RecommendationOut(Schema):
    slug: str
    title: str
    lead_region: RegionRef
    score: float = Field(..., description="Higher is a better match; for ordering only.")
    reason: str = Field(..., description="Why, in one line a person can check.")
    pillars: list[str] = Field(..., description="The weak pillars it addresses.")
    verified: bool
    adopters: int = Field(..., description="Regions adopting or having adopted it.")
    pad_effect: PadEffectOut | None
    is_demo: bool
    url: str


class RecommendationsOut(Schema):
    region: RegionRef
    facts: AdviceFactsOut
    items: list[RecommendationOut]


class NetworkEdgeOut(Schema):
    source: RegionRef = Field(..., description="The region whose practices are adopted.")
    target: RegionRef = Field(..., description="The adopting region.")
    practices: int = Field(..., description="How many of its practices the target adopts.")


class ReplicatedPracticeOut(Schema):
    slug: str
    title: str
    lead_region: RegionRef
    adopters: int
    is_demo: bool

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return obj.published_version.title


class SharerOut(Schema):
    region: RegionRef
    adopters: int = Field(..., description="Adoptions of the region's practices.")
    practices: int = Field(..., description="Its practices adopted at least once.")


class LearningNetworkOut(Schema):
    edges: list[NetworkEdgeOut] = Field(..., description="Who learns from whom, strongest first.")
    most_replicated: list[ReplicatedPracticeOut]
    most_active_sharers: list[SharerOut]


class ImportedPracticeOut(Schema):
    slug: str
    lead_region: str = Field(..., examples=["53.71"])
    title: str


class PracticeImportOut(Schema):
    dry_run: bool
    applied: bool = Field(..., description="The practices were created (dry_run was false).")
    count: int
    practices: list[ImportedPracticeOut] = Field(
        ..., description="The practices the file creates (as drafts of their lead region)."
    )


# --- input schemas -------------------------------------------------------------------------


class _Input(Schema):
    # A field the endpoint does not know is a mistake to report, not to ignore.
    model_config = ConfigDict(extra="forbid")


class SearchIn(Schema):
    q: str = Field(
        "",
        max_length=200,
        description=(
            "Words to search for, in Indonesian or English; inflected forms and synonyms "
            "match (pajak ↔ perpajakan, PAD ↔ pendapatan asli daerah). Empty: all."
        ),
        examples=["pajak daring"],
    )
    pillar: list[str] = Field([], description="Pillar codes (repeat the parameter for more).")
    province: list[str] = Field([], description="Two-digit province codes.")
    kind: list[str] = Field([], description="kota or kabupaten.")
    stage: list[str] = Field([], description="initiative, trial or applied.")
    digital: list[str] = Field([], description="yes or no.")
    sdg: list[str] = Field([], description="SDG numbers, 1–17.")
    funding: list[str] = Field([], description="Funding sources (apbd, apbn, csr, ...).")
    cost_band: list[str] = Field(
        [], description="lt100m, 100m-1b, 1b-5b, gte5b or unknown (budget in rupiah)."
    )
    year: list[str] = Field([], description="Year the practice started.")
    verified: list[str] = Field([], description="yes: evidence verified by the secretariat.")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="Practices per page.")

    @field_validator("q")
    @classmethod
    def _printable(cls, value: str) -> str:
        if _CONTROL.search(value):
            raise ValueError(_("Remove the control characters from the search text."))
        return value.strip()

    def filters(self) -> dict[str, list[str]]:
        return {name: getattr(self, name) for name in search.FACETS if getattr(self, name)}


class DetailIn(Schema):
    version: int | None = Field(
        None,
        ge=1,
        le=MAX_VERSION,
        description="A version number; without it the published version (or the latest).",
    )


class FitIn(Schema):
    region: str = Field(..., description=CODE_DESCRIPTION, examples=["53.11"])


class RecommendationsIn(Schema):
    limit: int = Field(10, ge=1, le=50, description="How many practices, 1 to 50.")


class PracticeNarrativeIn(_Input):
    situation: Text = Field("", description="The situation before.")
    objectives: Text = Field("", description="Objectives and strategy.")
    resources: Text = Field("", description="Budget, funding source, people.")
    process: Text = ""
    results: Text = ""
    sustainability: Text = ""
    lessons: Text = Field("", description="Lessons learned.")
    transferability: Text = Field("", description="What another region would need.")


class PracticeOutcomeIn(_Input):
    name: Text = Field(..., examples=["Realisasi pajak restoran"])
    unit: Text = Field(..., description="IDR for an effect on PAD.", examples=["IDR"])
    baseline: int | float | None = Field(None, examples=[4_200_000_000])
    baseline_year: int | None = Field(None, examples=[2019])
    value: int | float = Field(..., examples=[6_100_000_000])
    year: int = Field(..., examples=[2021])
    source: Text = Field(..., description="Source or evidence.")
    pad: bool = Field(False, description="Own-source revenue (PAD) in rupiah.")


class PracticePrerequisiteIn(_Input):
    kind: PrerequisiteKind
    description: Text
    min_budget_idr: int | None = Field(
        None, ge=0, le=MAX_BIGINT, description="For a budget prerequisite only."
    )
    readiness: Text | None = Field(
        None, description="A readiness question code.", examples=["STR.FIN.1"]
    )
    min_level: int | None = Field(None, description="Its minimum level, 1–5.", examples=[3])


class PracticeContactIn(_Input):
    name: Text
    position: Text = ""
    agency: Text = ""
    email: Text = ""
    phone: Text = ""


class PracticeRecordIn(_Input):
    """The content of a version. Checked whole: every problem is reported at once."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Pajak Restoran Daring dengan Perekam Transaksi",
                    "summary": "Perekam transaksi di restoran mencatat pajak secara otomatis.",
                    "pillars": ["ECO", "GOV"],
                    "stage": "applied",
                    "form": "public_service",
                    "initiator": "agency",
                    "narrative": {"situation": "...", "objectives": "...", "results": "..."},
                    "outcomes": [
                        {
                            "name": "Realisasi pajak restoran",
                            "unit": "IDR",
                            "baseline": 4_200_000_000,
                            "baseline_year": 2019,
                            "value": 6_100_000_000,
                            "year": 2021,
                            "source": "Laporan realisasi pendapatan Bapenda",
                            "pad": True,
                        }
                    ],
                }
            ]
        },
    )

    language: Language = "id"
    title: Text
    summary: Text = Field(..., description="At most 250 words.")
    pillars: list[Pillar] = Field(..., description="At least one.")
    sub_elements: list[Text] = Field([], examples=[["ECO.TRX"]])
    sdgs: list[int] = Field([], description="SDG goals, 1–17.", examples=[[8, 16]])
    stage: Stage
    form: PracticeForm
    digital: bool = True
    initiator: Initiator
    started_on: dt.date | None = None
    applied_on: dt.date | None = None
    budget_idr: int | None = Field(None, ge=0, le=MAX_BIGINT)
    funding_sources: list[Funding] = []
    partner_regions: list[Text] = Field([], description="Codes of partner regions.")
    partner_organisations: list[Text] = []
    narrative: PracticeNarrativeIn = Field(default_factory=PracticeNarrativeIn)
    outcomes: list[PracticeOutcomeIn] = []
    prerequisites: list[PracticePrerequisiteIn] = []
    contacts: list[PracticeContactIn] = []
    change_note: Text = Field("", description="What this version changes.")

    @field_validator("partner_regions")
    @classmethod
    def _dotted(cls, codes: list[str]) -> list[str]:
        # 5371 and 53.71 are the same region; a code of the wrong form is left for the
        # service to report as unknown.
        dotted = []
        for code in codes:
            try:
                dotted.append(normalise_region_code(code))
            except ValidationError:
                dotted.append(code.strip())
        return dotted

    def record(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"slug", "lead_region", "is_demo"})


class PracticeCreateIn(PracticeRecordIn):
    slug: str | None = Field(
        None,
        max_length=80,
        pattern=content.SLUG.pattern,
        description="Short name in the address; made from the title when left out.",
        examples=["pajak-restoran-daring"],
    )
    lead_region: str = Field(..., description=CODE_DESCRIPTION, examples=["53.71"])
    is_demo: bool = Field(False, description="Mark illustrative records as demo content.")


class PracticeReviewIn(_Input):
    action: ReviewAction = Field(
        ...,
        description=(
            "start: take a submitted version into review; return: send it back with a "
            "comment; publish: publish it, scored on every criterion."
        ),
    )
    scores: dict[str, int] = Field(
        {},
        description=(
            "1–5 per criterion: impact, partnership, sustainability, leadership, "
            "innovation, transferability, evidence. All of them to publish."
        ),
        examples=[
            {
                "impact": 4,
                "partnership": 3,
                "sustainability": 4,
                "leadership": 3,
                "innovation": 4,
                "transferability": 5,
                "evidence": 4,
            }
        ],
    )
    verified: bool = Field(False, description="The outcome evidence was checked (publish).")
    comment: Text = Field("", description="Required to return: what needs to change.")


class PracticeVersionIn(_Input):
    change_note: Text = Field("", max_length=300, description="What the new version will change.")


class PracticeAdoptionIn(_Input):
    region: str | None = Field(
        None,
        description=f"{CODE_DESCRIPTION} An officer's own region when left out.",
        examples=["53.11"],
    )
    status: ReplicationStatus
    started_on: dt.date | None = None
    ended_on: dt.date | None = Field(None, description="Only when adopted or stopped.")
    notes: Text = ""
    is_demo: bool = Field(False, description="Mark illustrative records as demo content.")


class PracticeQuestionIn(_Input):
    text: Text = Field(..., examples=["Berapa lama pemasangan perekam transaksi?"])


class PracticeAnswerIn(_Input):
    text: Text = Field(..., examples=["Sekitar enam bulan untuk seratus restoran."])


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
