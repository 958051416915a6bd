"""The codes a practice is classified by: pillars and sub-elements of the shipped
smart-city framework, the readiness questions prerequisites point to, SDGs, and the
criteria award juries score a practice on.

Pillars, sub-elements and readiness questions are read from the assessment app's shipped
YAML, so the library and the index always speak of the same pillars.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from kotacerdas.assessments.models import bilingual
from kotacerdas.assessments.services.frameworks import (
    SHIPPED_FRAMEWORK,
    SHIPPED_QUESTIONNAIRE,
    shipped_document,
)

SDGS = tuple(range(1, 18))


@dataclass(frozen=True)
class Criterion:
    code: str
    label: Any
    question: Any


# The criteria follow what public-service innovation juries in Indonesia and abroad ask
# about (KIPP, UN Public Service Awards, Guangzhou Award): each is scored 1–5.
CRITERIA = (
    Criterion(
        "impact", _("Impact"), _("Did the practice measurably improve the situation before?")
    ),
    Criterion(
        "partnership",
        _("Partnership"),
        _("Are other agencies, regions, communities or the private sector involved?"),
    ),
    Criterion(
        "sustainability",
        _("Sustainability"),
        _("Is it funded, regulated and staffed to continue after its first years?"),
    ),
    Criterion(
        "leadership",
        _("Leadership"),
        _("Do the region's leaders own it and keep it going?"),
    ),
    Criterion(
        "innovation",
        _("Innovation in context"),
        _("Is it new for this kind of region, or a new way of solving a known problem?"),
    ),
    Criterion(
        "transferability",
        _("Transferability"),
        _("Could another region adopt it, and does the record say what that takes?"),
    ),
    Criterion(
        "evidence",
        _("Evidence"),
        _("Are the outcome figures backed by a source that can be checked?"),
    ),
)
CRITERION_CODES = tuple(c.code for c in CRITERIA)
MAX_SCORE = 5 * len(CRITERIA)


@functools.cache
def _framework_nodes() -> tuple[dict[str, Any], ...]:
    return tuple(shipped_document(SHIPPED_FRAMEWORK)["aggregates"])


def pillar_codes() -> tuple[str, ...]:
    return tuple(n["code"] for n in _framework_nodes() if n["level"] == 3)


def sub_element_parents() -> dict[str, str]:
    """Sub-element code → pillar code."""
    return {n["code"]: n["parent"] for n in _framework_nodes() if n["level"] == 2}


def node_name(code: str) -> str:
    """The name of a pillar or sub-element in the active language."""
    for node in _framework_nodes():
        if node["code"] == code:
            return bilingual(node["name"], code)
    return code


def pillar_choices() -> list[tuple[str, str]]:
    return [(code, node_name(code)) for code in pillar_codes()]


def sub_element_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} — {node_name(code)}") for code in sub_element_parents()]


@functools.cache
def _readiness_questions() -> dict[str, dict[str, Any]]:
    document = shipped_document(SHIPPED_QUESTIONNAIRE)
    return {
        question["code"]: question
        for dimension in document["dimensions"]
        for aspect in dimension["aspects"]
        for question in aspect["questions"]
    }


def readiness_codes() -> tuple[str, ...]:
    return tuple(_readiness_questions())


def readiness_question(code: str) -> str:
    question = _readiness_questions().get(code)
    return bilingual(question["text"], code) if question else code


def readiness_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} — {readiness_question(code)}") for code in readiness_codes()]
