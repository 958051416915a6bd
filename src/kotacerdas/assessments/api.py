"""The smart-city index in the REST API: frameworks, cycles, values, computations, results.

Endpoints are thin: they parse input, call one selector or service and shape the output
with the schemas below; every operation has its own input and output schemas. Published
results, frameworks and cycles are public. A cycle's values and the computations that
are not published are working data: the endpoints that serve them accept a bearer token
without requiring one, and show each viewer what the assessment rules let them read
(everything once published; before that the secretariat all of it, an officer their
own region's values). What a viewer may not read is a 404, as if it did not exist.

Writes need a bearer token and the services decide who may write (an officer uploads
values of their own region only; the secretariat computes and publishes). Problems are
raised as Django's ``Http404`` and ``ValidationError`` and turned into the API's one
error shape by :mod:`kotacerdas.api.errors`; a rejected values file is the one answer
built here, because its problems carry a row and a column besides the field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, P, PathEx, Query, Router, Schema, Status, UploadedFile
from pydantic import ConfigDict, field_validator

from kotacerdas import engine
from kotacerdas.api.auth import OPTIONAL_AUTH, OPTIONAL_SECURITY
from kotacerdas.api.errors import rejected_file
from kotacerdas.api.schemas import MAX_ID, Error, Page, PageParams, UploadError, paginate
from kotacerdas.core.tabular import ImportRejected
from kotacerdas.regions import selectors as region_selectors
from kotacerdas.regions.api import RegionRef
from kotacerdas.regions.codes import normalise_region_code
from kotacerdas.regions.models import Region

from .engine_messages import describe
from .models import Computation, Cycle, Node
from .selectors import api as reads
from .services import computing, values

router = Router(tags=["index"])

CycleStatus = Literal["open", "closed"]
ComputationStatus = Literal["done", "failed"]
UncertaintyStatus = Literal["none", "queued", "running", "done", "failed"]
ChangeKind = Literal["new", "changed", "unchanged"]
Kind = Literal["kota", "kabupaten"]
Treat = Literal["winsorise", "none"]
Log = Literal["log_CT", "log_CT_plus", "none"]
Aggregation = Literal["amean", "gmean", "hmean"]

FRAMEWORK_PATTERN = r"^[-a-zA-Z0-9_]{1,50}$"
NODE_PATTERN = r"^[-A-Za-z0-9_.]{1,40}$"
CODE_DESCRIPTION = "Kemendagri code of a kabupaten/kota, dotted (53.71) or digits (5371)."
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200

READ_ERRORS: dict[int, Any] = {404: Error, 422: Error}
WRITE_ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error, 422: Error}
# Reads that show more to a signed-in viewer: a token is optional, but a bad one is a 401.
VIEWER_ERRORS: dict[int, Any] = {401: Error, 404: Error, 422: Error}


# --- output schemas ------------------------------------------------------------------------


class FrameworkRef(Schema):
    code: str = Field(..., examples=["smartcity-2025"])
    version: str = Field(..., examples=["2025.1"])
    name: str = Field(..., examples=["KotaCerdas Smart City Index"])


class LevelOut(Schema):
    level: int = Field(..., description="1 for indicators, up to the index.", examples=[3])
    name: str = Field(..., examples=["Pillar"])


class MaturityLevelOut(Schema):
    level: int = Field(..., ge=1, le=5, examples=[3])
    min_score: float = Field(
        ..., description="The lowest index score (0–100) of this level.", examples=[40]
    )
    name: str = Field(..., examples=["Established"])


class FrameworkOut(FrameworkRef):
    """One version of an indicator framework (frameworks are never demo content)."""

    description: str
    levels: list[LevelOut] = Field(..., description="The names of the levels of the tree.")
    maturity: list[MaturityLevelOut] = Field(
        ..., description="Maturity levels of a score, lowest first."
    )
    n_indicators: int = Field(..., examples=[52])
    n_aggregates: int = Field(
        ..., description="The index, pillars and sub-elements.", examples=[25]
    )

    @staticmethod
    def resolve_levels(obj: Any) -> list[dict[str, Any]]:
        return [
            {"level": int(level), "name": obj.level_name(int(level))}
            for level in sorted(obj.levels, key=int)
        ]

    @staticmethod
    def resolve_maturity(obj: Any) -> list[dict[str, Any]]:
        return [
            {
                "level": entry["level"],
                "min_score": entry["min"],
                "name": obj.maturity_name(entry["level"]),
            }
            for entry in sorted(obj.maturity, key=lambda e: e["level"])
        ]


class NodeOut(Schema):
    """An indicator (level 1) or an aggregate of the framework's tree."""

    code: str = Field(..., examples=["GOV.SVC.01"])
    level: int = Field(..., examples=[1])
    parent: str | None = Field(
        ..., description="The code of the aggregate above; null for the index.", examples=["GOV"]
    )
    is_indicator: bool
    name: str
    unit: str = Field(..., description="Empty for aggregates.", examples=["index 0-5"])
    direction: int = Field(
        ..., description="1 when a higher value is better, -1 when lower is.", examples=[1]
    )
    weight: float = Field(..., description="Weight among its siblings.", examples=[1.0])
    target: float | None = Field(..., examples=[4.0])
    min_value: float | None = Field(..., description="The lowest valid value.", examples=[0.0])
    max_value: float | None = Field(..., description="The highest valid value.", examples=[5.0])
    source: str = Field(..., description="Where the data of an indicator come from.")
    iso_reference: str = Field(..., description="The ISO 37120/37122 indicator, if any.")
    definition: str

    @staticmethod
    def resolve_parent(obj: Any) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_source(obj: Any) -> str:
        return obj.data_source


class FrameworkDetail(FrameworkOut):
    nodes: list[NodeOut] = Field(
        ..., description="The tree as a flat list: the index first, then each level down."
    )


class CycleOut(Schema):
    year: int = Field(..., examples=[2025])
    framework: FrameworkRef
    status: CycleStatus = Field(..., description="open: values may still change.")
    is_demo: bool
    is_published: bool = Field(..., description="The cycle has a published computation.")


class PublishedComputationRef(Schema):
    id: int
    published_at: dt.datetime


class CycleDetail(CycleOut):
    n_values: int = Field(..., description="Indicator values stored.", examples=[3420])
    n_demo_values: int = Field(..., description="Of which demo content.", examples=[0])
    n_regions: int = Field(..., description="Regions with at least one value.", examples=[66])
    n_indicators: int = Field(..., description="Indicators of the framework.", examples=[52])
    published_computation: PublishedComputationRef | None
    contains_demo: bool = Field(
        ..., description="True when the cycle is demo content or any of its values is."
    )


class IndicatorRef(Schema):
    code: str = Field(..., examples=["GOV.SVC.01"])
    name: str
    unit: str = Field(..., examples=["index 0-5"])


class ValueOut(Schema):
    region: RegionRef
    indicator: IndicatorRef
    value: float = Field(..., examples=[3.12])
    data_year: int = Field(..., description="The year the value describes.", examples=[2024])
    source: str = Field(..., examples=["KemenPAN-RB, evaluasi SPBE 2024"])
    is_demo: bool
    updated_at: dt.datetime

    @staticmethod
    def resolve_data_year(obj: Any) -> int:
        return obj.year


class ImportCountsOut(Schema):
    new: int = Field(..., description="Values the region did not have yet.")
    changed: int = Field(..., description="Values whose figure, source or year changes.")
    unchanged: int
    skipped: int = Field(..., description="Rows left without a value (ignored).")
    regions: int = Field(..., description="Regions the file has values for.")


class ImportChangeOut(Schema):
    row: int = Field(..., description="Row of the file; the header is row 1.", examples=[2])
    region: str = Field(..., examples=["53.71"])
    indicator: str = Field(..., examples=["GOV.SVC.01"])
    old: float | None = Field(..., description="The value stored now; null if none.")
    new: float
    kind: ChangeKind
    source: str
    data_year: int = Field(..., examples=[2024])

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return obj.region.code

    @staticmethod
    def resolve_indicator(obj: Any) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_data_year(obj: Any) -> int:
        return obj.year


class ImportPlanOut(Schema):
    dry_run: bool
    applied: bool = Field(..., description="The values were stored (dry_run was false).")
    counts: ImportCountsOut
    changes: list[ImportChangeOut] = Field(
        ..., description="Every row with a value: changed and new ones first, then by row."
    )


class MethodOptionsOut(Schema):
    """The method choices a computation used (the same names as the request)."""

    denominate: bool
    impute: str = Field(..., examples=["none"])
    screen_min_availability: float | None = Field(..., examples=[0.5])
    treat: Treat
    winmax: int
    skew_threshold: float
    kurt_threshold: float
    log: Log
    normalise: str = Field(..., examples=["minmax:0,100"])
    aggregate: Aggregation
    weights: dict[str, float] = Field(
        ..., description="Weights that replaced the framework's (every indicator's with pca)."
    )
    weighting: Literal["framework", "equal", "pca"] = "framework"


class UncertaintyOut(Schema):
    status: UncertaintyStatus = Field(..., description="none: the analysis was not started.")
    progress: int = Field(..., ge=0, le=100, description="Percent of the runs done.")
    runs_done: int
    runs_total: int
    runs_failed: int
    runs: int | None = Field(..., description="Monte-Carlo runs asked for.")
    sensitivity_n: int | None = Field(..., description="Sensitivity base sample size N.")
    error: str


class SensitivityOut(Schema):
    """First-order (Si) and total (STi) sensitivity of the index ranks to one input."""

    input: str = Field(..., examples=["normalise"])
    Si: float | None = None
    Si_q5: float | None = None
    Si_q95: float | None = None
    STi: float | None = None
    STi_q5: float | None = None
    STi_q95: float | None = None


class ComputationOut(Schema):
    id: int
    year: int = Field(..., examples=[2025])
    framework: FrameworkRef
    status: ComputationStatus = Field(..., description="failed: see error.")
    error: str
    options: MethodOptionsOut
    n_regions: int = Field(..., description="Regions that received an index score.")
    n_values: int = Field(..., description="Indicator values used.")
    is_demo: bool = Field(..., description="Computed from demo values.")
    created_at: dt.datetime
    is_published: bool
    published_at: dt.datetime | None
    uncertainty: UncertaintyOut
    sensitivity: list[SensitivityOut]

    @staticmethod
    def resolve_year(obj: Any) -> int:
        return obj.cycle.year

    @staticmethod
    def resolve_framework(obj: Any) -> Any:
        return obj.cycle.framework

    @staticmethod
    def resolve_n_regions(obj: Any) -> int:
        return obj.units

    @staticmethod
    def resolve_n_values(obj: Any) -> int:
        return obj.values_used

    @staticmethod
    def resolve_uncertainty(obj: Any) -> dict[str, Any]:
        options = obj.uncertainty_options or {}
        return {
            "status": obj.uncertainty_status or "none",
            "progress": obj.uncertainty_progress,
            "runs_done": obj.uncertainty_done,
            "runs_total": obj.uncertainty_total,
            "runs_failed": obj.uncertainty_failed,
            "runs": options.get("runs"),
            "sensitivity_n": options.get("sensitivity_n"),
            "error": obj.uncertainty_error,
        }


class AggregateRef(Schema):
    code: str = Field(..., examples=["INDEX"])
    name: str = Field(..., examples=["Smart City Index"])
    level: int = Field(..., examples=[4])


class _Standing(Schema):
    score: float | None = Field(..., description="0–100 with the default method.")
    rank: int | None = Field(..., description="1 is best; null when not scored.")
    rank_low: float | None = Field(
        ..., description="Best rank in the uncertainty analysis (5th percentile)."
    )
    rank_high: float | None = Field(
        ..., description="Worst rank in the uncertainty analysis (95th percentile)."
    )
    rank_median: float | None
    maturity: int | None = Field(..., description="Maturity level 1–5, when the method has one.")
    maturity_name: str
    is_demo: bool = Field(..., description="Computed from demo values.")

    @staticmethod
    def resolve_maturity_name(obj: Any) -> str:
        return obj.computation.cycle.framework.maturity_name(obj.maturity)

    @staticmethod
    def resolve_is_demo(obj: Any) -> bool:
        return obj.computation.is_demo


class _ResultIdentity(Schema):
    year: int = Field(..., examples=[2025])
    framework: FrameworkRef
    aggregate: AggregateRef
    region: RegionRef

    @staticmethod
    def resolve_year(obj: Any) -> int:
        return obj.computation.cycle.year

    @staticmethod
    def resolve_framework(obj: Any) -> Any:
        return obj.computation.cycle.framework

    @staticmethod
    def resolve_aggregate(obj: Any) -> Any:
        return obj.node


class ResultOut(_Standing, _ResultIdentity):
    """One region's published score and rank on one aggregate in one year."""

    # Fields come in MRO order: what the result is about first, then the standing.


class _AggregateIdentity(Schema):
    aggregate: AggregateRef

    @staticmethod
    def resolve_aggregate(obj: Any) -> Any:
        return obj.node


class RegionResultOut(_Standing, _AggregateIdentity):
    """A region's published score and rank on one aggregate."""


class RegionYearOut(Schema):
    year: int = Field(..., examples=[2025])
    framework: FrameworkRef
    computation_id: int
    published_at: dt.datetime
    n_regions: int = Field(..., description="Regions that received an index score that year.")
    is_demo: bool
    results: list[RegionResultOut] = Field(..., description="The index, then each pillar.")

    @staticmethod
    def resolve_year(obj: Any) -> int:
        return obj.computation.cycle.year

    @staticmethod
    def resolve_framework(obj: Any) -> Any:
        return obj.computation.cycle.framework

    @staticmethod
    def resolve_computation_id(obj: Any) -> int:
        return obj.computation.pk

    @staticmethod
    def resolve_published_at(obj: Any) -> dt.datetime:
        return obj.computation.published_at

    @staticmethod
    def resolve_n_regions(obj: Any) -> int:
        return obj.computation.units

    @staticmethod
    def resolve_is_demo(obj: Any) -> bool:
        return obj.computation.is_demo


class RegionResultsOut(Schema):
    region: RegionRef
    contains_demo: bool = Field(..., description="True when any year's results are demo.")
    years: list[RegionYearOut] = Field(..., description="Newest year first.")


class FrameworkPage(Page[FrameworkOut]):
    pass


class CyclePage(Page[CycleOut]):
    pass


class ValuePage(Page[ValueOut]):
    pass


class ResultPage(Page[ResultOut]):
    pass


# --- input schemas -------------------------------------------------------------------------


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


class _Filters(Schema):
    # A form that leaves a filter empty sends "kind=": that is no filter, not an error.
    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return _blank_to_none(value)


class CycleChoiceIn(_Filters):
    framework: str | None = Field(
        None,
        pattern=FRAMEWORK_PATTERN,
        description=(
            "Code of the framework, needed only when several frameworks have a cycle "
            "in the same year."
        ),
        examples=["smartcity-2025"],
    )


class CycleFiltersIn(_Filters):
    year: int | None = Field(None, ge=EARLIEST_YEAR, le=LATEST_YEAR, examples=[2025])
    framework: str | None = Field(None, pattern=FRAMEWORK_PATTERN, examples=["smartcity-2025"])
    status: CycleStatus | None = None
    is_demo: bool | None = Field(None, description="true: demo cycles only; false: real ones.")

    def as_filters(self) -> reads.CycleFilters:
        return reads.CycleFilters(
            year=self.year,
            framework=self.framework or "",
            status=self.status or "",
            is_demo=self.is_demo,
        )


class ValueFiltersIn(CycleChoiceIn):
    region: str | None = Field(None, description=CODE_DESCRIPTION, examples=["53.71"])
    indicator: str | None = Field(
        None,
        pattern=NODE_PATTERN,
        description="Code of an indicator of the cycle's framework.",
        examples=["GOV.SVC.01"],
    )


class ResultFiltersIn(_Filters):
    year: int | None = Field(None, ge=EARLIEST_YEAR, le=LATEST_YEAR, examples=[2025])
    framework: str | None = Field(None, pattern=FRAMEWORK_PATTERN, examples=["smartcity-2025"])
    aggregate: str | None = Field(
        None,
        pattern=NODE_PATTERN,
        description="Code of the index, a pillar or a sub-element.",
        examples=["INDEX"],
    )
    region: str | None = Field(None, description=CODE_DESCRIPTION, examples=["53.71"])
    province: str | None = Field(
        None, pattern=r"^\d{2}$", description="Two-digit province code.", examples=["53"]
    )
    kind: Kind | None = None


class _Input(Schema):
    # A field the endpoint does not know is a mistake to report, not to ignore.
    model_config = ConfigDict(extra="forbid")


Weight = Annotated[float, Field(ge=0)]
DEFAULTS = computing.DEFAULT_OPTIONS


def _engine_option(parse: Any, text: str) -> str:
    try:
        parse(text)
    except engine.EngineError as exc:
        raise ValueError(" ".join(describe(issue) for issue in exc.issues)) from None
    return text


class ComputationIn(_Input):
    """Method choices; every one left out takes the platform's default."""

    denominate: bool = Field(DEFAULTS["denominate"], description="Divide by denominators.")
    impute: str = Field(
        DEFAULTS["impute"],
        max_length=60,
        description="none, mean, median, group-mean:COL, group-median:COL or row-mean:LEVEL.",
        examples=["none"],
    )
    screen_min_availability: float | None = Field(
        DEFAULTS["screen_min_availability"],
        ge=0,
        le=1,
        description="Regions with a smaller share of indicators get no score; null: none.",
    )
    treat: Treat = Field(DEFAULTS["treat"], description="Outlier treatment.")
    winmax: int = Field(DEFAULTS["winmax"], ge=0, le=100, description="Most points winsorised.")
    skew_threshold: float = Field(DEFAULTS["skew_threshold"], gt=0)
    kurt_threshold: float = Field(DEFAULTS["kurt_threshold"], gt=0)
    log: Log = Field(DEFAULTS["log"], description="Log transform of what winsorising leaves.")
    normalise: str = Field(
        DEFAULTS["normalise"],
        max_length=60,
        description=(
            "minmax:L,U, zscore:M,S, rank, prank, borda, dist2max, dist2targ, "
            "dist2targ-capped, fracmax or goalposts[:SCALE]."
        ),
        examples=["minmax:0,100"],
    )
    aggregate: Aggregation = Field(DEFAULTS["aggregate"], description="Mean of the children.")
    weights: dict[str, Weight] = Field(
        default_factory=dict,
        description="Weights that replace the framework's, by indicator or aggregate code.",
        examples=[{"GOV": 2}],
    )
    weighting: Literal["framework", "equal", "pca"] = Field(
        "framework",
        description=(
            "framework: the framework's weights (with `weights` replacing some); equal: the "
            "same weight for every sibling; pca: first principal component loadings of the "
            "indicators of each sub-element, computed from the data."
        ),
    )

    @field_validator("impute")
    @classmethod
    def _impute(cls, value: str) -> str:
        return _engine_option(engine.parse_impute, value)

    @field_validator("normalise")
    @classmethod
    def _normalise(cls, value: str) -> str:
        return _engine_option(engine.parse_normalise, value)


class UncertaintyIn(_Input):
    runs: int = Field(
        computing.UNCERTAINTY_DEFAULTS["runs"],
        ge=10,
        le=5000,
        description="Monte-Carlo runs for the rank intervals.",
    )
    sensitivity_n: int = Field(
        computing.UNCERTAINTY_DEFAULTS["sensitivity_n"],
        ge=4,
        le=1000,
        description="Base sample size N of the sensitivity analysis (N × 6 runs).",
    )


# --- lookups shared by the endpoints -------------------------------------------------------


def _invalid(field: str | None, message: str) -> ValidationError:
    if field is None:
        return ValidationError(message)
    return ValidationError({field: [message]})


def _region(code: str, field: str) -> Region:
    """The region of a path parameter or filter: 422 when malformed, 404 when unknown."""
    try:
        normalised = normalise_region_code(code)
    except ValidationError as exc:
        raise _invalid(field, exc.messages[0]) from exc
    try:
        return region_selectors.get_region(normalised)
    except Region.DoesNotExist as exc:
        raise Http404(_("No kabupaten/kota has the code %(code)s.") % {"code": normalised}) from exc


def _cycle(year: int, framework: str | None) -> Cycle:
    cycles = list(reads.api_cycles(reads.CycleFilters(year=year, framework=framework or "")))
    if not cycles:
        if framework:
            raise Http404(
                _("The framework %(framework)s has no assessment cycle in %(year)s.")
                % {"framework": framework, "year": year}
            )
        raise Http404(_("There is no assessment cycle in %(year)s.") % {"year": year})
    if len(cycles) > 1:
        raise _invalid(
            "framework",
            _("Several frameworks have a cycle in %(year)s (%(codes)s); choose one.")
            % {"year": year, "codes": ", ".join(c.framework.code for c in cycles)},
        )
    return cycles[0]


def _indicator(cycle: Cycle, code: str) -> Node:
    node = reads.framework_indicator(cycle.framework, code)
    if node is None:
        raise _invalid(
            "indicator",
            _("The framework %(framework)s has no indicator %(code)s.")
            % {"framework": cycle.framework.code, "code": code},
        )
    return node


def _computation(computation_id: int) -> Computation:
    computation = reads.api_computation(computation_id)
    if computation is None:
        raise Http404(_("No computation has the id %(id)s.") % {"id": computation_id})
    return computation


_OPTION = re.compile(r"^-*")


def _option_problems(exc: engine.EngineError) -> ValidationError:
    """Method choices the engine refused, keyed by the request field they came from."""
    problems: dict[str, list[str]] = {}
    for issue in exc.issues:
        option = str(issue.params.get("option", ""))
        name = _OPTION.sub("", option).replace("-", "_") or "__all__"
        problems.setdefault(name, []).append(describe(issue))
    return ValidationError(problems)


class _FrameworkWithNodes:
    """A framework read together with its tree, for :class:`FrameworkDetail`."""

    def __init__(self, framework: Any, nodes: list[Node]) -> None:
        self._framework = framework
        self.nodes = nodes

    def __getattr__(self, name: str) -> Any:
        return getattr(self._framework, name)


Year = PathEx[
    int,
    P(ge=EARLIEST_YEAR, le=LATEST_YEAR, description="Year of the assessment cycle.", example=2025),
]
FrameworkCode = PathEx[str, P(description="Code of the framework.", example="smartcity-2025")]
FrameworkVersion = PathEx[str, P(description="Version of the framework.", example="2025.1")]
ComputationId = PathEx[int, P(ge=1, le=MAX_ID)]
RegionCode = PathEx[str, P(description=CODE_DESCRIPTION, example="53.71")]


# --- frameworks ----------------------------------------------------------------------------


@router.get(
    "/frameworks",
    auth=None,
    response={200: FrameworkPage, 422: Error},
    operation_id="list_frameworks",
    summary="List indicator frameworks",
    description=(
        "Every version of every framework, by code and newest version first, with the "
        "names of its levels and its maturity levels. The tree of indicators is at "
        "`/index/frameworks/{code}/{version}`."
    ),
)
def list_frameworks(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return paginate(reads.api_frameworks(), page)


@router.get(
    "/frameworks/{code}/{version}",
    auth=None,
    response={200: FrameworkDetail, **READ_ERRORS},
    operation_id="get_framework",
    summary="One framework version with its tree of indicators",
    description=(
        "The index, pillars, sub-elements and indicators as a flat list, each naming its "
        "parent, with unit, direction, weight, target, valid range, data source and ISO "
        "reference. Names follow `Accept-Language`."
    ),
)
def get_framework(
    request: HttpRequest, code: FrameworkCode, version: FrameworkVersion
) -> _FrameworkWithNodes:
    framework = reads.api_framework(code, version)
    if framework is None:
        raise Http404(
            _("No framework has the code %(code)s and version %(version)s.")
            % {"code": code, "version": version}
        )
    return _FrameworkWithNodes(framework, list(reads.api_framework_nodes(framework)))


# --- cycles and values ---------------------------------------------------------------------


@router.get(
    "/cycles",
    auth=None,
    response={200: CyclePage, 422: Error},
    operation_id="list_cycles",
    summary="List assessment cycles",
    description=(
        "One cycle is one year of assessment under one framework version; newest year "
        "first. `is_published` tells whether its results are public."
    ),
)
def list_cycles(
    request: HttpRequest, filters: Query[CycleFiltersIn], page: Query[PageParams]
) -> dict[str, Any]:
    return paginate(reads.api_cycles(filters.as_filters()), page)


@router.get(
    "/cycles/{year}",
    auth=None,
    response={200: CycleDetail, **READ_ERRORS},
    operation_id="get_cycle",
    summary="One assessment cycle with its progress",
    description=(
        "How many values and regions the cycle has, and which computation is published. "
        "When several frameworks have a cycle in the same year, `framework` chooses one "
        "(otherwise a 422 names it)."
    ),
)
def get_cycle(request: HttpRequest, choice: Query[CycleChoiceIn], year: Year) -> dict[str, Any]:
    cycle = _cycle(year, choice.framework)
    return {**CycleOut.model_validate(cycle).model_dump(), **reads.api_cycle_counts(cycle)}


@router.get(
    "/cycles/{year}/values",
    auth=OPTIONAL_AUTH,
    openapi_extra=OPTIONAL_SECURITY,
    response={200: ValuePage, **VIEWER_ERRORS},
    operation_id="list_cycle_values",
    summary="Indicator values of a cycle",
    description=(
        "Values with their source and data year, by region code and indicator. Public "
        "once the cycle has a published computation. Before that they are working data: "
        "with a bearer token the secretariat reads all of them and a region officer "
        "those of their own region (without a `region` filter, the list holds only "
        "theirs). Anyone else, and an officer asking for another region, gets a 404. "
        "A token that is sent must be valid: a revoked one is a 401."
    ),
)
def list_cycle_values(
    request: HttpRequest,
    filters: Query[ValueFiltersIn],
    page: Query[PageParams],
    year: Year,
) -> dict[str, Any]:
    cycle = _cycle(year, filters.framework)
    region = _region(filters.region, "region") if filters.region else None
    indicator = _indicator(cycle, filters.indicator) if filters.indicator else None
    rows = reads.api_cycle_values(cycle, viewer=request.auth, region=region, indicator=indicator)
    if rows is None:
        raise Http404(
            _("The values of the %(year)s cycle are not public until its index is published.")
            % {"year": cycle.year}
        )
    return paginate(rows, page)


@router.post(
    "/cycles/{year}/values",
    response={200: ImportPlanOut, 401: Error, 403: Error, 404: Error, 422: UploadError},
    operation_id="upload_cycle_values",
    summary="Check or import a file of indicator values",
    description=(
        "A CSV (UTF-8) or XLSX file with the columns of the import template "
        "(`region_code`, `indicator_code`, `value`, `source`, and optionally "
        "`region_name`, `indicator_name`, `unit`, `year`), sent as multipart form data "
        "in the field `file`. With `dry_run` true (the default) nothing is stored and the "
        "answer says what importing would change, row by row. With `dry_run` false the "
        "whole file is imported, or nothing is: a file with any problem is a 422 that "
        "lists every problem with its row (the header is row 1) and column. A region "
        "officer may send rows of their own region only; a row of another region is one "
        "of those problems. Every import is recorded in the audit trail."
    ),
)
def upload_cycle_values(
    request: HttpRequest,
    choice: Query[CycleChoiceIn],
    year: Year,
    file: File[UploadedFile],
    dry_run: Form[bool] = True,
) -> Any:
    cycle = _cycle(year, choice.framework)
    # One byte more than the limit is enough for the service to refuse a large file.
    content = file.read(values.MAX_UPLOAD_BYTES + 1)
    filename = file.name or ""
    try:
        # Checked before it is kept: the answer is the report, so a rejected file is not
        # stored for later (the pages keep one to show its report again).
        plan = values.plan_import(
            actor=request.auth, cycle=cycle, content=content, filename=filename
        )
        if not dry_run:
            stored, _checked = values.upload(
                actor=request.auth, cycle=cycle, content=content, filename=filename
            )
            plan = values.apply_upload(actor=request.auth, stored=stored)
    except ImportRejected as exc:
        return Status(422, rejected_file(exc))
    return {
        "dry_run": dry_run,
        "applied": not dry_run,
        "counts": plan.counts(),
        "changes": plan.shown(),
    }


# --- computations --------------------------------------------------------------------------


@router.post(
    "/cycles/{year}/computations",
    response={201: ComputationOut, **WRITE_ERRORS},
    operation_id="create_computation",
    summary="Compute the index of a cycle",
    description=(
        "For the secretariat. Computes every region's scores and ranks with the method "
        "choices given (`{}` takes the defaults) and keeps them unpublished. A "
        "computation that cannot be done with these values (none yet, a method that does "
        "not fit them) is still stored, with status `failed` and the reason in `error`."
    ),
)
def create_computation(
    request: HttpRequest, payload: ComputationIn, choice: Query[CycleChoiceIn], year: Year
) -> Status:
    cycle = _cycle(year, choice.framework)
    unknown = sorted(set(payload.weights) - reads.framework_node_codes(cycle.framework))
    if unknown:
        raise ValidationError(
            {
                f"weights.{code}": [
                    _("The framework %(framework)s has no indicator or aggregate %(code)s.")
                    % {"framework": cycle.framework.code, "code": code}
                ]
                for code in unknown
            }
        )
    try:
        computation = computing.compute_cycle(
            actor=request.auth, cycle=cycle, options=payload.model_dump()
        )
    except engine.InputError as exc:
        raise _option_problems(exc) from exc
    return Status(201, computation)


@router.get(
    "/computations/{computation_id}",
    auth=OPTIONAL_AUTH,
    openapi_extra=OPTIONAL_SECURITY,
    response={200: ComputationOut, **VIEWER_ERRORS},
    operation_id="get_computation",
    summary="One computation of the index",
    description=(
        "Its status, method choices, the uncertainty analysis (status and progress) and "
        "the sensitivity indices. A published computation is public; the others are "
        "visible to the secretariat only (a 404 for anyone else)."
    ),
)
def get_computation(request: HttpRequest, computation_id: ComputationId) -> Computation:
    computation = _computation(computation_id)
    if not reads.can_see_computation(request.auth, computation):
        raise Http404(_("No computation has the id %(id)s.") % {"id": computation_id})
    return computation


@router.post(
    "/computations/{computation_id}/publish",
    response={200: ComputationOut, **WRITE_ERRORS},
    operation_id="publish_computation",
    summary="Publish a computation",
    description=(
        "For the secretariat. Makes this computation the public result of its cycle, "
        "replacing the one published before, and makes the cycle's values public. Only a "
        "computation with status `done` can be published (otherwise a 422)."
    ),
)
def publish_computation(request: HttpRequest, computation_id: ComputationId) -> Computation:
    computation = _computation(computation_id)
    try:
        return computing.publish(actor=request.auth, computation=computation)
    except ValueError as exc:
        raise _invalid(None, str(exc)) from exc


@router.post(
    "/computations/{computation_id}/uncertainty",
    response={202: ComputationOut, **WRITE_ERRORS},
    operation_id="start_computation_uncertainty",
    summary="Start the uncertainty and sensitivity analysis",
    description=(
        "For the secretariat. Queues the Monte-Carlo analysis that gives every rank an "
        "interval, and the sensitivity analysis of the index ranks; follow its progress "
        "at `/index/computations/{id}`. While an analysis is queued or running, asking "
        "again changes nothing. Only a computation with status `done` can be analysed."
    ),
)
def start_computation_uncertainty(
    request: HttpRequest, payload: UncertaintyIn, computation_id: ComputationId
) -> Status:
    computation = _computation(computation_id)
    try:
        computation = computing.start_uncertainty(
            actor=request.auth, computation=computation, options=payload.model_dump()
        )
    except ValueError as exc:
        raise _invalid(None, str(exc)) from exc
    computation.refresh_from_db()  # the task may already have written its progress
    return Status(202, computation)


# --- published results ---------------------------------------------------------------------


@router.get(
    "/results",
    auth=None,
    response={200: ResultPage, **READ_ERRORS},
    operation_id="list_results",
    summary="Published scores and ranks",
    description=(
        "The published results of every cycle: newest year first, then the index before "
        "its pillars and sub-elements, then by rank (regions without a score last). "
        "`rank_low` and `rank_high` bound the rank in the uncertainty analysis (null "
        "until it has run). Filter by `year`, `aggregate` (INDEX for the index ranking), "
        "`region`, `province` and `kind`. A year with no published results and an unknown "
        "region are a 404; an aggregate no framework has is a 422."
    ),
)
def list_results(
    request: HttpRequest, filters: Query[ResultFiltersIn], page: Query[PageParams]
) -> dict[str, Any]:
    region = _region(filters.region, "region") if filters.region else None
    if filters.aggregate and not reads.is_aggregate_code(filters.aggregate):
        raise _invalid(
            "aggregate",
            _("No framework has an aggregate with the code %(code)s.")
            % {"code": filters.aggregate},
        )
    if filters.year is not None and not reads.results_published_for(filters.year):
        raise Http404(_("No results of %(year)s are published.") % {"year": filters.year})
    return paginate(
        reads.api_published_results(
            reads.ResultFilters(
                year=filters.year,
                framework=filters.framework or "",
                aggregate=filters.aggregate or "",
                region=region,
                province=filters.province or "",
                kind=filters.kind or "",
            )
        ),
        page,
    )


@router.get(
    "/regions/{code}/results",
    auth=None,
    response={200: RegionResultsOut, **READ_ERRORS},
    operation_id="get_region_results",
    summary="A region's published results of every year",
    description=(
        "The index and pillar scores, ranks and rank intervals of each published year, "
        "newest first. A region never scored has an empty list of years."
    ),
)
def get_region_results(request: HttpRequest, code: RegionCode) -> dict[str, Any]:
    region = _region(code, "code")
    years = reads.api_region_results(region)
    return {
        "region": region,
        "contains_demo": any(entry.computation.is_demo for entry in years),
        "years": years,
    }
