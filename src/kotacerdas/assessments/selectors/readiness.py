"""Reads of readiness self-assessments: the questionnaire's outline, profiles, the overview.

Texts come from the questionnaire document in the active language (Indonesian when the
document has no text in it), so call these inside the request that shows the result.

A profile counts only submitted responses, and demo responses: demo answers are never
submitted by anyone, but they stand for submitted ones and carry the demo label. Means
are plain means of the levels (1–5) of the answered questions: per aspect, per dimension
and overall; a question without a level counts neither as 0 nor at all.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kotacerdas import charts
from kotacerdas.regions.models import Region

from ..models import Questionnaire, ReadinessResponse, bilingual

__all__ = [
    "AspectOutline",
    "AspectScore",
    "DimensionOutline",
    "DimensionScore",
    "LevelOutline",
    "QuestionOutline",
    "QuestionnaireOutline",
    "ReadinessOverview",
    "ReadinessOverviewRow",
    "ReadinessProfile",
    "profile_of",
    "question_codes",
    "questionnaire_outline",
    "readiness_overview",
    "readiness_profile",
    "readiness_response",
    "readiness_years",
    "status_label",
]

WEAKEST = 2
STATUSES = ("submitted", "draft", "demo", "missing")


# --- the questionnaire ---------------------------------------------------------------------


@dataclass(frozen=True)
class LevelOutline:
    level: int
    name: str
    descriptor: str


@dataclass(frozen=True)
class QuestionOutline:
    code: str
    text: str
    levels: tuple[LevelOutline, ...]
    evidence: str


@dataclass(frozen=True)
class AspectOutline:
    code: str
    name: str
    questions: tuple[QuestionOutline, ...]


@dataclass(frozen=True)
class DimensionOutline:
    code: str
    name: str
    aspects: tuple[AspectOutline, ...]


@dataclass(frozen=True)
class QuestionnaireOutline:
    """A questionnaire in the active language: dimensions → aspects → questions."""

    name: str
    version: str
    scale: dict[int, str]
    dimensions: tuple[DimensionOutline, ...]

    def questions(self) -> Iterator[QuestionOutline]:
        for dimension in self.dimensions:
            for aspect in dimension.aspects:
                yield from aspect.questions

    def level_name(self, level: int | None) -> str:
        return self.scale.get(level, "") if level is not None else ""


def questionnaire_outline(questionnaire: Questionnaire) -> QuestionnaireOutline:
    """The questionnaire's dimensions, aspects, questions and scale in the active language."""
    document = questionnaire.document
    scale = {int(entry["level"]): bilingual(entry["name"]) for entry in document.get("scale", [])}
    dimensions = tuple(
        DimensionOutline(
            code=dimension["code"],
            name=bilingual(dimension["name"]),
            aspects=tuple(
                AspectOutline(
                    code=aspect["code"],
                    name=bilingual(aspect["name"]),
                    questions=tuple(
                        QuestionOutline(
                            code=question["code"],
                            text=bilingual(question["text"]),
                            levels=tuple(
                                LevelOutline(
                                    level=level,
                                    name=scale.get(level, ""),
                                    descriptor=bilingual(text),
                                )
                                for level, text in enumerate(question["levels"], start=1)
                            ),
                            evidence=bilingual(question.get("evidence")),
                        )
                        for question in aspect["questions"]
                    ),
                )
                for aspect in dimension["aspects"]
            ),
        )
        for dimension in document.get("dimensions", [])
    )
    return QuestionnaireOutline(
        name=bilingual(document.get("name")) or questionnaire.code,
        version=questionnaire.version,
        scale=scale,
        dimensions=dimensions,
    )


def question_codes(questionnaire: Questionnaire) -> list[str]:
    """Every question code of the questionnaire, in its order."""
    return [
        question["code"]
        for dimension in questionnaire.document.get("dimensions", [])
        for aspect in dimension["aspects"]
        for question in aspect["questions"]
    ]


def _levels(answers: dict[str, Any]) -> dict[str, int]:
    """The level of every answered question; answers without a valid level are left out."""
    out = {}
    for code, answer in answers.items():
        level = answer.get("level") if isinstance(answer, dict) else None
        if isinstance(level, int) and not isinstance(level, bool) and 1 <= level <= 5:
            out[code] = level
    return out


def _mean(levels: list[int]) -> float | None:
    return fmean(levels) if levels else None


def _nearest_level(mean: float | None) -> int | None:
    """The scale level nearest to a mean, halves rounding up (2.5 is level 3)."""
    if mean is None:
        return None
    return min(5, max(1, math.floor(mean + 0.5)))


# --- profiles ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AspectScore:
    """One aspect of a profile: the mean level of its answered questions."""

    code: str
    name: str
    dimension_code: str
    mean: float | None
    answered: int
    total: int


@dataclass(frozen=True)
class DimensionScore:
    """One dimension of a profile: the mean level over all its answered questions."""

    code: str
    name: str
    mean: float | None
    aspects: tuple[AspectScore, ...]
    answered: int
    total: int


@dataclass(frozen=True)
class ReadinessProfile:
    """A region's submitted (or demo) readiness self-assessment for one year, summarised.

    ``overall`` is the mean level (1–5) over every answered question, ``overall_level``
    the scale level nearest to it and ``overall_level_name`` that level's name;
    ``weakest`` holds the (at most) two aspects with the lowest mean, ties in
    questionnaire order. Names are in the language active when the profile was made.
    """

    region: Region
    year: int
    is_demo: bool
    submitted_at: dt.datetime | None
    questionnaire_name: str
    overall: float | None
    overall_level: int | None
    overall_level_name: str
    dimensions: tuple[DimensionScore, ...]
    weakest: tuple[AspectScore, ...]
    answered: int
    total: int

    @property
    def aspects(self) -> tuple[AspectScore, ...]:
        return tuple(a for d in self.dimensions for a in d.aspects)

    @property
    def url(self) -> str:
        return reverse(
            "assessments:readiness", kwargs={"region_code": self.region.code, "year": self.year}
        )

    @property
    def radar(self) -> str:
        """An SVG radar of the mean level of every aspect, on the 1–5 scale."""
        aspects = self.aspects
        missing = _("not answered")
        values = ", ".join(
            f"{a.name} {_fmt(a.mean) if a.mean is not None else missing}" for a in aspects
        )
        return charts.radar(
            [a.name for a in aspects],
            [charts.Series(label=_("Mean level"), values=[a.mean for a in aspects])],
            title=_("Readiness of %(region)s by aspect, %(year)s")
            % {"region": self.region.name, "year": self.year},
            desc=_("Mean level (1 to 5) of each aspect: %(values)s.") % {"values": values},
            max_value=5,
            fmt=_fmt,
            missing_label=missing,
        )


def _fmt(value: float) -> str:
    return number_format(value, 1)


def profile_of(response: ReadinessResponse) -> ReadinessProfile:
    """The profile of one response, whatever its state (the caller decides who sees it)."""
    outline = questionnaire_outline(response.questionnaire)
    levels = _levels(response.answers)
    dimensions = []
    for dimension in outline.dimensions:
        aspects = []
        for aspect in dimension.aspects:
            answered = [levels[q.code] for q in aspect.questions if q.code in levels]
            aspects.append(
                AspectScore(
                    code=aspect.code,
                    name=aspect.name,
                    dimension_code=dimension.code,
                    mean=_mean(answered),
                    answered=len(answered),
                    total=len(aspect.questions),
                )
            )
        answered = [
            levels[q.code] for a in dimension.aspects for q in a.questions if q.code in levels
        ]
        dimensions.append(
            DimensionScore(
                code=dimension.code,
                name=dimension.name,
                mean=_mean(answered),
                aspects=tuple(aspects),
                answered=len(answered),
                total=sum(a.total for a in aspects),
            )
        )
    all_levels = [levels[q.code] for q in outline.questions() if q.code in levels]
    overall = _mean(all_levels)
    scored = [a for d in dimensions for a in d.aspects if a.mean is not None]
    # sorted() is stable, so equal means keep questionnaire order.
    weakest = tuple(sorted(scored, key=lambda a: a.mean)[:WEAKEST])
    return ReadinessProfile(
        region=response.region,
        year=response.year,
        is_demo=response.is_demo,
        submitted_at=response.submitted_at,
        questionnaire_name=outline.name,
        overall=overall,
        overall_level=_nearest_level(overall),
        overall_level_name=outline.level_name(_nearest_level(overall)),
        dimensions=tuple(dimensions),
        weakest=weakest,
        answered=len(all_levels),
        total=sum(d.total for d in dimensions),
    )


_SHOWN = Q(submitted_at__isnull=False) | Q(is_demo=True)


def readiness_profile(region: Region, year: int | None = None) -> ReadinessProfile | None:
    """The profile of the region's latest submitted or demo response (of ``year`` if given).

    None when the region has none. One query.
    """
    responses = ReadinessResponse.objects.filter(_SHOWN, region=region)
    if year is not None:
        responses = responses.filter(year=year)
    response = (
        responses.select_related("questionnaire", "region")
        .order_by("-year", "-questionnaire_id")
        .first()
    )
    return profile_of(response) if response else None


def readiness_response(region: Region, year: int) -> ReadinessResponse | None:
    """The region's response for the year in any state (draft, submitted or demo).

    When a region answered several questionnaire versions in one year, the newest version's.
    """
    return (
        ReadinessResponse.objects.filter(region=region, year=year)
        .select_related("questionnaire", "region")
        .order_by("-questionnaire_id")
        .first()
    )


# --- the secretariat's overview -----------------------------------------------------------


@dataclass(frozen=True)
class ReadinessOverviewRow:
    """One region's state for the year: ``submitted``, ``draft``, ``demo`` or ``missing``."""

    region: Region
    status: str
    submitted_at: dt.datetime | None
    updated_at: dt.datetime | None
    answered: int
    total: int

    @property
    def status_label(self) -> str:
        return status_label(self.status)


def status_label(status: str) -> str:
    """The name of a self-assessment state, in the active language."""
    return {
        "submitted": _("submitted"),
        "draft": _("draft"),
        "demo": _("demo answers"),
        "missing": _("not started"),
    }[status]


@dataclass(frozen=True)
class ReadinessOverview:
    """Which regions have self-assessed for a year, and the years that have responses."""

    year: int
    rows: tuple[ReadinessOverviewRow, ...]
    counts: dict[str, int]
    years: tuple[int, ...]
    status: str = ""


def readiness_years() -> list[int]:
    """Years with at least one response, newest first."""
    return list(
        ReadinessResponse.objects.order_by("-year").values_list("year", flat=True).distinct()
    )


def readiness_overview(year: int, *, status: str = "") -> ReadinessOverview:
    """Every current region with the state of its self-assessment for ``year``.

    ``status`` keeps only the rows in that state. A constant number of queries, however
    many regions there are.
    """
    responses: dict[int, ReadinessResponse] = {}
    for response in (
        ReadinessResponse.objects.filter(year=year)
        .only("region_id", "questionnaire_id", "answers", "submitted_at", "updated_at", "is_demo")
        .order_by("questionnaire_id")
    ):
        responses[response.region_id] = response  # the newest questionnaire version wins
    totals = {
        q.pk: len(question_codes(q))
        for q in Questionnaire.objects.filter(
            pk__in={r.questionnaire_id for r in responses.values()}
        )
    }
    rows = []
    for region in Region.objects.filter(retired_at__isnull=True).select_related("province"):
        response = responses.get(region.pk)
        if response is None:
            row = ReadinessOverviewRow(region, "missing", None, None, 0, 0)
        else:
            if response.submitted_at is not None:
                state = "submitted"
            elif response.is_demo:
                state = "demo"
            else:
                state = "draft"
            row = ReadinessOverviewRow(
                region=region,
                status=state,
                submitted_at=response.submitted_at,
                updated_at=response.updated_at,
                answered=len(_levels(response.answers)),
                total=totals.get(response.questionnaire_id, 0),
            )
        rows.append(row)
    return ReadinessOverview(
        year=year,
        rows=tuple(r for r in rows if not status or r.status == status),
        counts={s: sum(1 for r in rows if r.status == s) for s in STATUSES},
        years=tuple(sorted({year, *readiness_years()}, reverse=True)),
        status=status,
    )
