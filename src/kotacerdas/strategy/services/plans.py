"""Drafting a masterplan, saving edited versions, and the secretariat's comments.

Every write checks the rule (``require_rule``: a superuser gets no more than the
secretariat) and is audited under the region's code. Versions never change once saved:
an edit is saved as the next number, so any two can be compared.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kotacerdas.core import audit
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.services import require_rule
from kotacerdas.practices import taxonomy
from kotacerdas.regions.models import Region

from .. import content as plan_content
from .. import drafting
from ..models import LONGEST_HORIZON, Masterplan, PlanComment, PlanVersion

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100
MAX_COMMENT = 3000
MAX_NOTE = 300


def check_horizon(start: Any, end: Any) -> tuple[int, int]:
    """The first and last year of a planning horizon, else ValidationError by field
    (``start_year``, ``end_year``)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(start, int) or not EARLIEST_YEAR <= start <= LATEST_YEAR:
        errors["start_year"] = [
            _("A year from %(first)d to %(last)d.") % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
        ]
    if not isinstance(end, int) or not EARLIEST_YEAR <= end <= LATEST_YEAR:
        errors["end_year"] = [
            _("A year from %(first)d to %(last)d.") % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
        ]
    if not errors:
        if end <= start:
            errors["end_year"] = [_("The last year comes after the first.")]
        elif end - start + 1 > LONGEST_HORIZON:
            errors["end_year"] = [
                _("A masterplan covers at most %(n)d years.") % {"n": LONGEST_HORIZON}
            ]
    if errors:
        raise ValidationError(errors)
    return start, end


def create_masterplan(
    *,
    actor: Any,
    region: Region,
    start_year: int,
    end_year: int,
    title: str = "",
    demo: bool = False,
) -> Masterplan:
    """A new masterplan for the region and horizon, with the generated draft as version 1.

    The plan is demo content when the draft drew on demo data, or when ``demo`` says so
    (the demo loader's plan is illustrative whatever it drew on)."""
    require_rule(actor, "strategy.create_masterplan", region)
    start, end = check_horizon(start_year, end_year)
    if Masterplan.objects.filter(region=region, start_year=start, end_year=end).exists():
        raise ValidationError(
            _("%(region)s already has a masterplan for %(first)d–%(last)d.")
            % {"region": region.name, "first": start, "last": end}
        )
    document = drafting.draft(region, start=start, end=end)
    document["demo"] = bool(document["demo"] or demo)
    title = (title or "").strip()[:200] or _(
        "Smart city masterplan of %(region)s %(first)d–%(last)d"
    ) % {
        "region": region.name,
        "first": start,
        "last": end,
    }
    try:
        with transaction.atomic():
            plan = Masterplan.objects.create(
                region=region,
                start_year=start,
                end_year=end,
                title=title,
                created_by=audit.acting_user(actor),
                is_demo=document["demo"],
            )
            version = PlanVersion.objects.create(
                masterplan=plan,
                number=1,
                content=document,
                generated=True,
                note=_("Drafted by KotaCerdas"),
                created_by=audit.acting_user(actor),
            )
            audit.record(
                actor=actor, action=AuditEvent.Action.CREATE, obj=plan, region_code=region.code
            )
            audit.record(
                actor=actor, action=AuditEvent.Action.CREATE, obj=version, region_code=region.code
            )
    except IntegrityError:
        # Two drafts of the same horizon at once: the other one was saved first.
        raise ValidationError(
            _("%(region)s already has a masterplan for %(first)d–%(last)d.")
            % {"region": region.name, "first": start, "last": end}
        ) from None
    return plan


# What the generator found about the region: the region's officers comment on it in the
# sections' notes but do not change it, and the pages are drawn from its exact shape.
DRAFTED_PARTS = ("schema", "region", "horizon", "demo", "profile", "readiness", "index", "gaps")


def _keep_drafted_parts(document: dict[str, Any], previous: dict[str, Any] | None) -> None:
    if previous is None:
        return
    changed = [key for key in DRAFTED_PARTS if document.get(key) != previous.get(key)]
    if changed:
        raise plan_content.ContentInvalid(
            [
                plan_content.Problem(
                    key,
                    _(
                        "This part was drafted from the platform's data and cannot be "
                        "edited; add a note to its section instead."
                    ),
                )
                for key in changed
            ]
        )


def save_version(
    *, actor: Any, masterplan: Masterplan, content: Any, note: str = "", based_on: int | None = None
) -> PlanVersion:
    """Save an edited document as the next version. ``based_on`` is the number the editor
    started from: when someone else saved a version meanwhile, the edit is refused rather
    than silently overwriting theirs."""
    require_rule(actor, "strategy.edit_masterplan", masterplan)
    document = plan_content.check(content, set(taxonomy.pillar_codes()))
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": [_("At most %(n)d characters.") % {"n": MAX_NOTE}]})
    if "\0" in note:
        raise ValidationError({"note": [_("Remove the NUL characters and unpaired surrogates.")]})
    with transaction.atomic():
        plan = Masterplan.objects.select_for_update().get(pk=masterplan.pk)
        previous = plan.versions.order_by("-number").first()
        latest = previous.number if previous else 0
        if based_on is not None and based_on != latest:
            message = _(
                "Version %(latest)d was saved while you were editing version %(based)d; "
                "open the latest version and make your change again."
            ) % {"latest": latest, "based": based_on}
            raise ValidationError({"based_on": [message]})
        _keep_drafted_parts(document, previous.content if previous else None)
        plan_content.settle(document, previous.content if previous else None)
        version = PlanVersion.objects.create(
            masterplan=plan,
            number=latest + 1,
            content=document,
            note=note,
            created_by=audit.acting_user(actor),
        )
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=version,
            region_code=plan.region.code,
            changes={"number": [latest, latest + 1]},
        )
    return version


def add_comment(*, actor: Any, version: PlanVersion, section: str, text: str) -> PlanComment:
    """The secretariat's comment on a section of a version."""
    require_rule(actor, "strategy.comment_masterplan", version)
    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    if section not in plan_content.SECTIONS:
        errors["section"] = [_("No section has this name.")]
    if not text:
        errors["text"] = [_("This field is required.")]
    elif len(text) > MAX_COMMENT or "\0" in text:
        errors["text"] = [
            _("At most %(n)d characters, without NUL characters.") % {"n": MAX_COMMENT}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        comment = PlanComment.objects.create(
            version=version, section=section, text=text, author=audit.acting_user(actor)
        )
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=comment,
            region_code=version.masterplan.region.code,
        )
    return comment
