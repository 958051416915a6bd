"""Input and output schemas of the masterplan endpoints, one pair per operation."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from kotacerdas.api.schemas import Error, Page, Text
from kotacerdas.regions.api import RegionRef

# The sections a comment or a note belongs to (content.SECTIONS), spelled out so that the
# OpenAPI schema lists them; tests/api/test_masterplans_api.py checks that they stay equal.
Section = Literal[
    "vision",
    "profile",
    "readiness",
    "index",
    "gaps",
    "strategies",
    "quick_wins",
    "roadmap",
    "budget",
    "revenue",
]
Language = Literal["id", "en"]

READ_ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error, 422: Error}
WRITE_ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error, 422: Error}
LIST_ERRORS: dict[int, Any] = {401: Error, 404: Error, 422: Error}
CODE_DESCRIPTION = "Kemendagri code of a kabupaten/kota, dotted (53.71) or digits (5371)."
# Version numbers are PositiveIntegerField: larger ones are a 422, not a database error.
MAX_VERSION = 2**31 - 1


# --- output schemas ------------------------------------------------------------------------


class MasterplanCard(Schema):
    """A masterplan as it appears in the list."""

    id: int = Field(..., examples=[1])
    region: RegionRef
    start_year: int = Field(..., examples=[2026])
    end_year: int = Field(..., examples=[2035])
    title: str = Field(..., examples=["Masterplan kota cerdas Kota Kupang 2026–2035"])
    latest_version: int | None = Field(..., description="The latest version's number.")
    version_count: int = Field(..., description="Versions saved, the draft included.")
    created_at: dt.datetime
    is_demo: bool = Field(
        ..., description="Built on demo content (index, readiness or practices), not official."
    )
    url: str = Field(..., description="The plan's page.")


class MasterplanPage(Page[MasterplanCard]):
    pass


class MasterplanVersionRef(Schema):
    number: int = Field(..., examples=[2])
    note: str = Field(..., description="What changed.", examples=["Visi kami; data dulu."])
    generated: bool = Field(..., description="Drafted by KotaCerdas (version 1).")
    author: str | None = Field(..., description="Username; null for the system.")
    created_at: dt.datetime
    comment_count: int = Field(..., description="The secretariat's comments on it.")


class MasterplanDetail(MasterplanCard):
    """A masterplan with its versions, latest first."""

    author: str | None = Field(..., description="Who drafted it (username); null: the system.")
    versions: list[MasterplanVersionRef]


class ReadingParagraphOut(Schema):
    text: str
    sources: list[str] = Field(
        ..., description="Where its sentences and numbers come from.", examples=[["Index, 2025"]]
    )


class ReadingTableOut(Schema):
    caption: str
    header: list[str]
    rows: list[list[str]] = Field(..., description="Cells as shown, numbers formatted.")
    numeric: list[int] = Field(..., description="Columns (from 0) holding numbers.")
    total: list[str] | None = Field(..., description="A last row of totals, if any.")


class ReadingSectionOut(Schema):
    key: str = Field(..., examples=["budget"])
    title: str = Field(..., examples=["Budget by year and funding source"])
    note: str = Field(..., description="What the region's officers added to the section.")
    paragraphs: list[ReadingParagraphOut]
    tables: list[ReadingTableOut]
    subsections: list[ReadingSectionOut] = Field(..., description="A strategy per pillar.")


class ReadingOut(Schema):
    """The version as a reader sees it in one language: the same text as the plan's page
    and its DOCX and PDF files (charts are left out)."""

    title: str
    region: str = Field(..., examples=["Kota Kupang"])
    horizon: str = Field(..., examples=["2026–2035"])
    language: Language
    demo: bool
    vision: str
    mission: list[str]
    vision_note: str = Field(
        ..., description="The officers' note on the vision and mission; empty when none."
    )
    sections: list[ReadingSectionOut]


class MasterplanFilesOut(Schema):
    docx: str = Field(..., description="The plan as a Word document (add ?lang=en).")
    pdf: str = Field(..., description="The plan as a PDF (add ?lang=en).")
    summary: str = Field(..., description="A one-page summary as a PDF (add ?lang=en).")


class MasterplanVersionOut(MasterplanVersionRef):
    """One version: its document and, when a language is asked for, its reading."""

    masterplan: int = Field(..., description="The masterplan's id.")
    content: dict[str, Any] = Field(
        ...,
        description=(
            "The document (see the API description): generated texts are "
            '`{"key", "params"}`, texts a person wrote `{"text"}`; every generated '
            "sentence and number names its sources."
        ),
    )
    reading: ReadingOut | None = Field(..., description="With `?lang=id|en`; else null.")
    url: str = Field(..., description="The version's page.")
    files: MasterplanFilesOut


class MasterplanCommentOut(Schema):
    id: int
    version: int = Field(..., description="The version's number.")
    section: Section
    text: str
    author: str | None = Field(..., description="Username.")
    created_at: dt.datetime


class MasterplanCommentPage(Page[MasterplanCommentOut]):
    pass


class ScorecardOut(Schema):
    """A year's progress report with the score it earned."""

    year: int = Field(..., examples=[2027])
    version: int = Field(..., description="The number of the version reported on.")
    evaluation: str = Field(..., description="The evaluation edition that scored it.")
    score: float | None = Field(..., description="0 to 100; null when nothing can be scored.")
    breakdown: dict[str, Any] = Field(
        ...,
        description="The score by component (baseline, output, outcome, impact, quick wins) "
        "with each component's weight, score and the facts it was computed from.",
    )
    entries: dict[str, Any] = Field(
        ..., description="By programme id: status, outputs, outcome and baseline values."
    )
    note: str
    submitted: bool = Field(..., description="Submitted reports are final.")
    submitted_at: dt.datetime | None
    updated_at: dt.datetime
    is_demo: bool


class ScorecardPage(Page[ScorecardOut]):
    pass


# --- input schemas -------------------------------------------------------------------------


class _Input(Schema):
    # A field the endpoint does not know is a mistake to report, not to ignore.
    model_config = ConfigDict(extra="forbid")


class MasterplanFiltersIn(Schema):
    region: str | None = Field(None, description=f"Only this region's plans: {CODE_DESCRIPTION}")


class VersionQueryIn(Schema):
    lang: Language | None = Field(
        None, description="Also return the version's reading in this language (id or en)."
    )


class MasterplanCreateIn(_Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"region": "53.71", "start_year": 2026, "end_year": 2035, "title": ""}]
        },
    )

    region: Text = Field(..., max_length=20, description=CODE_DESCRIPTION)
    start_year: int = Field(..., description="The first year of the plan (2000 to 2100).")
    end_year: int = Field(..., description="The last year; at most 20 years in all.")
    title: Text = Field("", max_length=200, description="Empty: a title is made from the region.")


class MasterplanVersionIn(_Input):
    content: dict[str, Any] = Field(
        ...,
        description=(
            "The whole document, edited from the latest version's `content`. The parts "
            "drafted from data (region, horizon, profile, readiness, index, gaps) stay as "
            "they are; add notes instead. Problems are a 422 naming each field, e.g. "
            "`content.programmes.2.start_year`."
        ),
    )
    note: Text = Field("", max_length=300, description="What changed.")
    based_on: int = Field(
        ...,
        ge=1,
        le=MAX_VERSION,
        description="The number of the version the edit started from; when another version "
        "was saved meanwhile the edit is refused (a 422 on this field).",
    )


class MasterplanCommentIn(_Input):
    section: Section
    text: Text = Field(..., max_length=3000, examples=["Rinci biaya per tahun anggaran."])


class ScorecardIn(_Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "entries": {
                        "P1": {
                            "status": "in_progress",
                            "outputs": {"policy": True, "institution": False, "budget": True},
                            "outcome": 5_200_000_000,
                            "baseline": 4_200_000_000,
                        }
                    },
                    "note": "",
                    "submit": False,
                }
            ]
        },
    )

    entries: dict[str, Any] = Field(
        ...,
        description="By programme id of the latest version: `status` (not_started, "
        "in_progress, done, dropped), `outputs` (policy, institution, budget: true or "
        "false), `outcome` and `baseline` values. A programme left out is not started.",
    )
    note: Text = Field("", max_length=3000)
    submit: bool = Field(False, description="Submit the report: it becomes final.")
