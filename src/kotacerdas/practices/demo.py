"""Load the demo library: illustrative practices, adoptions and questions.

The records are data (``data/demo-practices.yaml``), written for this project. They are
attached to real regions of the registry, so every one is flagged ``is_demo``, titled
"(contoh)" / "(example)", cites its figures as demo illustrations and names its contacts
"(demo)"; pages, exports and the API show the demo label. Each practice goes through the
same services as a real one (draft, submitted, reviewed, published), so the demo also
exercises the workflow; no e-mail is sent while loading.

Loading is idempotent: practices whose short name exists are left alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib import resources
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from kotacerdas.core import audit, mail
from kotacerdas.core.models import AuditEvent
from kotacerdas.regions.models import Region

from . import services
from .content import ContentInvalid, parse_record
from .models import Answer, Practice, Question

DEMO_FILE = "data/demo-practices.yaml"
DEMO_SOURCE = "DEMO — illustrative practice written for KotaCerdas, not an official record"
# A demo practice is published this long after it was applied (or started).
PUBLISHED_AFTER = dt.timedelta(days=200)


class DemoDataError(Exception):
    """The shipped demo file is wrong: a bug in the project, reported with the record."""


def document() -> dict[str, Any]:
    text = resources.files("kotacerdas.practices").joinpath(DEMO_FILE).read_text("utf-8")
    return yaml.safe_load(text)


def _published_at(item: dict[str, Any]) -> dt.datetime:
    start = item.get("applied_on") or item.get("started_on") or dt.date(2020, 1, 1)
    if isinstance(start, str):
        start = dt.date.fromisoformat(start)
    moment = dt.datetime.combine(start + PUBLISHED_AFTER, dt.time(3, 0), tzinfo=dt.UTC)
    return min(moment, timezone.now())


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def load(*, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Add the demo practices that are missing; returns counts of what was added."""
    doc = document()
    items = doc.get("practices", [])
    regions = {r.code: r for r in Region.objects.all()}
    existing = set(Practice.objects.values_list("slug", flat=True))
    counts = {"practices": 0, "replications": 0, "questions": 0}
    added: dict[str, Practice] = {}
    with mail.silenced(), transaction.atomic():
        for number, item in enumerate(items, start=1):
            if progress:
                progress(number, len(items))
            slug = item["slug"]
            if slug in existing:
                continue
            region = regions.get(item["lead_region"])
            if region is None:
                continue  # a registry without that region (tests load a few regions only)
            try:
                data = parse_record(item)
            except ContentInvalid as invalid:
                raise DemoDataError(f"{slug}: {invalid}") from None
            if any(code not in regions for code in data.partner_regions):
                data.partner_regions = [c for c in data.partner_regions if c in regions]
            practice = services.create_practice(
                actor=None, region=region, data=data, slug=slug, is_demo=True
            )
            Practice.objects.filter(pk=practice.pk).update(source=DEMO_SOURCE)
            version = practice.versions.get()
            version = services.submit_version(actor=None, version=version)
            version = services.start_review(actor=None, version=version)
            review = item.get("review") or {}
            services.publish_version(
                actor=None,
                version=version,
                scores=review.get("scores") or {},
                verified=bool(review.get("verified")),
                comment=review.get("comment") or "",
                published_at=_published_at(item),
            )
            added[slug] = practice
            counts["practices"] += 1
        by_slug = {p.slug: p for p in Practice.objects.filter(slug__in=list(added))}
        for item in doc.get("replications", []):
            practice = by_slug.get(item["practice"])
            region = regions.get(item["region"])
            if practice is None or region is None or region.pk == practice.lead_region_id:
                continue
            services.record_adoption(
                actor=None,
                practice=practice,
                region=region,
                status=item["status"],
                started_on=_date(item.get("started_on")),
                ended_on=_date(item.get("ended_on")),
                notes=item.get("note") or "",
                is_demo=True,
            )
            counts["replications"] += 1
        for item in doc.get("questions", []):
            practice = by_slug.get(item["practice"])
            region = regions.get(item["region"])
            if practice is None or region is None:
                continue
            question = Question.objects.create(
                practice=practice, region=region, text=item["question"], is_demo=True
            )
            audit.record(
                actor=None, action=AuditEvent.Action.CREATE, obj=question, region_code=region.code
            )
            if item.get("answer"):
                answer = Answer.objects.create(
                    question=question,
                    region=practice.lead_region,
                    text=item["answer"],
                    is_demo=True,
                )
                audit.record(
                    actor=None,
                    action=AuditEvent.Action.CREATE,
                    obj=answer,
                    region_code=practice.lead_region.code,
                )
            counts["questions"] += 1
    return counts
