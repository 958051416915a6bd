"""Writes to the readiness self-assessment: a region's officer saves and submits answers.

A region has one response per questionnaire and year. Every save replaces the whole set
of answers, so the stored answers are always the ones the officer last saw. The answers
live in one field, and what visitors see must be what was submitted: saving a draft
therefore takes a submitted response back to draft until it is submitted again, and every
submission records its own time.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core import audit
from kotacerdas.core.services import require, save_instance
from kotacerdas.regions.models import Region

from ..models import Questionnaire, ReadinessResponse
from ..selectors.readiness import question_codes
from .frameworks import SHIPPED_QUESTIONNAIRE, load_questionnaire, shipped_document

__all__ = [
    "EARLIEST_YEAR",
    "MAX_EVIDENCE",
    "MAX_LEVEL",
    "MIN_LEVEL",
    "can_answer",
    "clean_answers",
    "current_questionnaire",
    "latest_year",
    "save_answers",
]

MIN_LEVEL = 1
MAX_LEVEL = 5
MAX_EVIDENCE = 1000
EARLIEST_YEAR = 2000


def latest_year() -> int:
    """The last year a self-assessment may be made for: next year, for early planners."""
    return timezone.localdate().year + 1


def can_answer(user: Any, region: Region) -> bool:
    """Whether ``user`` may answer the region's self-assessment: its own officer only.

    The rule is asked directly because Django lets a superuser pass every ``has_perm``;
    a self-assessment is the region's own statement, so administrators may not write it.
    """
    return rules.has_perm("assessments.edit_readiness", user, region)


def current_questionnaire() -> Questionnaire:
    """The questionnaire new self-assessments answer: the version loaded last.

    When none is stored yet the shipped one is loaded, so a fresh installation works.
    """
    questionnaire = Questionnaire.objects.order_by("-pk").first()
    if questionnaire is None:
        questionnaire, _created = load_questionnaire(
            actor=None, document=shipped_document(SHIPPED_QUESTIONNAIRE)
        )
    return questionnaire


def _clean_answer(code: str, answer: Any) -> tuple[dict[str, Any] | None, list[ValidationError]]:
    if not isinstance(answer, dict):
        message = _("Question %(code)s: an answer must have a level and evidence.")
        return None, [ValidationError(message, code="invalid", params={"code": code})]
    errors = []
    level = answer.get("level")
    # bool is an int in Python; True must not pass as level 1.
    if level is not None and (
        isinstance(level, bool) or not isinstance(level, int) or not MIN_LEVEL <= level <= MAX_LEVEL
    ):
        errors.append(
            ValidationError(
                _(
                    "Question %(code)s: the level must be a whole number from 1 to 5, "
                    "not %(value)s."
                ),
                code="invalid_level",
                params={"code": code, "value": level},
            )
        )
    evidence = answer.get("evidence") or ""
    if not isinstance(evidence, str):
        errors.append(
            ValidationError(
                _("Question %(code)s: the evidence must be text."),
                code="invalid_evidence",
                params={"code": code},
            )
        )
        evidence = ""
    evidence = evidence.strip()
    if len(evidence) > MAX_EVIDENCE:
        errors.append(
            ValidationError(
                _(
                    "Question %(code)s: the evidence may be at most %(limit)d characters "
                    "long; it has %(length)d."
                ),
                code="evidence_too_long",
                params={"code": code, "limit": MAX_EVIDENCE, "length": len(evidence)},
            )
        )
    if errors:
        return None, errors
    if level is None and not evidence:
        return None, []  # nothing to keep
    return {"level": level, "evidence": evidence}, []


def clean_answers(
    questionnaire: Questionnaire, answers: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """The answers in questionnaire order, checked; every problem is reported at once.

    An answer is ``{"level": 1..5 or None, "evidence": str}``; a level of ``None`` keeps the
    evidence of a question not yet answered. Answers with neither are dropped. Raises
    ValidationError keyed by question code, each message naming the question.
    """
    known = question_codes(questionnaire)
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict[str, dict[str, Any]] = {}
    for code in answers:
        if code not in known:
            errors[str(code)] = [
                ValidationError(
                    _("There is no question %(code)s in this questionnaire."),
                    code="unknown_question",
                    params={"code": code},
                )
            ]
    for code in known:
        if code not in answers:
            continue
        answer, problems = _clean_answer(code, answers[code])
        if problems:
            errors[code] = problems
        elif answer is not None:
            cleaned[code] = answer
    if errors:
        raise ValidationError(errors)
    return cleaned


def save_answers(
    *,
    actor: Any,
    questionnaire: Questionnaire,
    region: Region,
    year: int,
    answers: dict[str, Any],
    submit: bool,
) -> ReadinessResponse:
    """Store a region's answers for a year as a draft or, with ``submit``, as submitted.

    Only the region's own officer may write. The answers replace those stored; a submitted
    response may be edited and submitted again (with a new submission time), and saving it
    as a draft withdraws it from the public profile until then. Saving over demo answers
    turns the response into the region's own. Audited.
    """
    require(actor, "assessments.edit_readiness", region)
    if actor is not None and not can_answer(actor, region):
        raise PermissionDenied("assessments.edit_readiness")
    if not EARLIEST_YEAR <= year <= latest_year():
        raise ValidationError(
            {
                "year": ValidationError(
                    _("The year must be between %(first)d and %(last)d."),
                    code="invalid_year",
                    params={"first": EARLIEST_YEAR, "last": latest_year()},
                )
            }
        )
    cleaned = clean_answers(questionnaire, answers)
    if submit and not any(a["level"] is not None for a in cleaned.values()):
        message = _("Answer at least one question before submitting.")
        raise ValidationError({NON_FIELD_ERRORS: ValidationError(message, code="empty")})
    if not cleaned:
        message = _("Answer at least one question or give evidence before saving.")
        raise ValidationError({NON_FIELD_ERRORS: ValidationError(message, code="empty")})
    response = ReadinessResponse.objects.filter(
        questionnaire=questionnaire, region=region, year=year
    ).first() or ReadinessResponse(questionnaire=questionnaire, region=region, year=year)
    return save_instance(
        actor=actor,
        instance=response,
        values={
            "answers": cleaned,
            "submitted_at": timezone.now() if submit else None,
            "updated_by": audit.acting_user(actor),
            "is_demo": False,
            "source": "",
        },
        region_code=region.code,
    )
