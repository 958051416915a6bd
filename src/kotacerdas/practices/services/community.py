"""What regions do with each other's practices: adopt them, ask about them, and say
which pillars they want to improve first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core import audit
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.services import require_rule
from kotacerdas.regions.models import Region

from .. import notifications, taxonomy
from ..content import ContentInvalid, FieldProblem
from ..models import Answer, Practice, Question, Replication, StatedPriorities

MAX_TEXT = 4000


def _check_dates(status: str, started_on: dt.date | None, ended_on: dt.date | None) -> None:
    problems = []
    today = timezone.localdate()
    for name, when in (("started_on", started_on), ("ended_on", ended_on)):
        if when and when > today + dt.timedelta(days=366 * 5):
            problems.append(FieldProblem(name, _("The date is too far in the future.")))
    if started_on and ended_on and ended_on < started_on:
        problems.append(FieldProblem("ended_on", _("The end is before the start.")))
    if ended_on and status in (Replication.Status.PLANNED, Replication.Status.IN_PROGRESS):
        problems.append(
            FieldProblem("ended_on", _("Only an adoption that is done or stopped has an end date."))
        )
    if status not in Replication.Status.values:
        problems.append(FieldProblem("status", _("Unknown status.")))
    if problems:
        raise ContentInvalid(problems)


def _locked_replication(practice: Practice, region: Region) -> tuple[Replication, bool]:
    """The region's adoption record of the practice, locked; a new unsaved one when there is
    none. Two first recordings at once cannot both insert: the loser of the unique
    constraint reads and locks the winner's row instead of failing."""
    existing = Replication.objects.select_for_update().filter(practice=practice, region=region)
    replication = existing.first()
    if replication is not None:
        return replication, False
    try:
        with transaction.atomic():
            return Replication.objects.create(
                practice=practice, region=region, status="planned"
            ), True
    except IntegrityError:
        return existing.get(), False


def record_adoption(
    *,
    actor: Any,
    practice: Practice,
    region: Region,
    status: str,
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    notes: str = "",
    is_demo: bool = False,
) -> Replication:
    """Record (or update) that ``region`` adopts ``practice``."""
    require_rule(actor, "practices.record_adoption", practice)
    if (
        actor is not None
        and getattr(actor, "role", "") == "officer"
        and actor.region_id != region.pk
    ):
        raise ContentInvalid(
            [FieldProblem("region", _("An officer records adoptions for their own region only."))]
        )
    if region.pk == practice.lead_region_id:
        raise ContentInvalid([FieldProblem("region", _("A region cannot adopt its own practice."))])
    _check_dates(status, started_on, ended_on)
    notes = _notes(notes)
    with transaction.atomic():
        replication, creating = _locked_replication(practice, region)
        before = {} if creating else audit.snapshot(replication)
        # Recording over a demo adoption makes it the region's own (as readiness answers do).
        replication.is_demo = is_demo
        replication.status = status
        replication.started_on = started_on
        replication.ended_on = ended_on
        replication.notes = notes
        replication.save()
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
            obj=replication,
            region_code=region.code,
            changes=audit.diff(before, audit.snapshot(replication)),
        )
    return replication


def update_adoption(
    *,
    actor: Any,
    replication: Replication,
    status: str,
    started_on: dt.date | None,
    ended_on: dt.date | None,
    notes: str,
) -> Replication:
    require_rule(actor, "practices.change_replication", replication)
    _check_dates(status, started_on, ended_on)
    notes = _notes(notes)
    with transaction.atomic():
        replication = (
            Replication.objects.select_for_update().select_related("region").get(pk=replication.pk)
        )
        before = audit.snapshot(replication)
        if actor is not None:
            # A person's update of a demo adoption makes it the region's own record.
            replication.is_demo = False
        replication.status = status
        replication.started_on = started_on
        replication.ended_on = ended_on
        replication.notes = notes
        replication.save()
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=replication,
            region_code=replication.region.code,
            changes=audit.diff(before, audit.snapshot(replication)),
        )
    return replication


def _text(value: str, field: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ContentInvalid([FieldProblem(field, _("This field is required."))])
    if "\0" in value:
        # PostgreSQL refuses NUL in text; say so instead of failing on save.
        raise ContentInvalid([FieldProblem(field, _("The text contains a NUL character."))])
    if len(value) > MAX_TEXT:
        raise ContentInvalid(
            [FieldProblem(field, _("At most %(max)d characters.") % {"max": MAX_TEXT})]
        )
    return value


def _notes(notes: str | None) -> str:
    return _text(notes or "", "notes", required=False)


def ask_question(*, actor: Any, practice: Practice, text: str) -> Question:
    """An officer of another region asks about a published practice; its owners hear."""
    require_rule(actor, "practices.ask_question", practice)
    text = _text(text, "text")
    with transaction.atomic():
        question = Question.objects.create(
            practice=practice, region_id=actor.region_id, author=actor, text=text
        )
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=question,
            region_code=actor.region.code,
        )
        owners = set(notifications.region_addresses(practice.lead_region_id))
        if practice.created_by is not None and practice.created_by.is_active:
            owners.add(practice.created_by.email)
        notifications.send(
            "question",
            [a for a in owners if a],
            {
                "practice": practice.published_version,
                "question": question,
                "url": notifications.practice_url(practice),
            },
        )
    return question


def answer_question(*, actor: Any, question: Question, text: str) -> Answer:
    practice = question.practice
    require_rule(actor, "practices.answer_question", practice)
    text = _text(text, "text")
    with transaction.atomic():
        answer = Answer.objects.create(
            question=question,
            region_id=getattr(actor, "region_id", None),
            author=audit.acting_user(actor),
            text=text,
        )
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=answer,
            region_code=practice.lead_region.code,
        )
        author = question.author
        if author is not None and author.is_active and author.email:
            notifications.send(
                "answer",
                [author.email],
                {
                    "practice": practice.published_version,
                    "answer": answer,
                    "answer_region": answer.region.name if answer.region else _("The secretariat"),
                    "url": notifications.practice_url(practice),
                },
            )
    return answer


def set_priorities(*, actor: Any, region: Region, pillars: list[str]) -> StatedPriorities:
    """The pillars ``region`` wants to improve first, most important first."""
    require_rule(actor, "practices.set_priorities", region)
    known = taxonomy.pillar_codes()
    unknown = [p for p in pillars if p not in known]
    if unknown:
        raise ContentInvalid(
            [
                FieldProblem("pillars", _("Unknown pillar “%(code)s”.") % {"code": code})
                for code in unknown
            ]
        )
    with transaction.atomic():
        stated, created = StatedPriorities.objects.select_for_update().get_or_create(region=region)
        before = list(stated.pillars)
        stated.pillars = list(dict.fromkeys(pillars))
        stated.save()
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
            obj=stated,
            region_code=region.code,
            changes={"pillars": [before, stated.pillars]} if before != stated.pillars else {},
        )
    return stated
