"""Input and output schemas of the library's endpoints, one pair per operation."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from kotacerdas.api.schemas import Error, Page, Text
from kotacerdas.regions.api import RegionRef
from kotacerdas.regions.codes import normalise_region_code

from .. import content, search, taxonomy
from ..models import PracticeVersion

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
