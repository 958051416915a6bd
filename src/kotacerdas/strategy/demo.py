"""Load the demo masterplan: Kota Kupang 2026–2035, drafted, edited once and reported on.

What the plan says is drafted by the generator from what the platform holds, which after
``demo load`` is the demo index and the demo library: so the plan is demo content through
and through. It is flagged ``is_demo`` (pages, files, the API and the scorecard show the
label), its title says "(contoh)", and the officers' edit and the progress report are
written as examples (``data/demo-masterplan.yaml``). Everything goes through the same
services as a region's own work, with ``actor=None`` (the system).

Without Kota Kupang in the registry nothing is loaded. Loading is idempotent: when Kupang
already has a plan for the demo horizon, nothing is added.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from importlib import resources
from typing import Any

import yaml
from django.db import transaction

from kotacerdas.regions.models import Region

from . import services
from .models import Masterplan

DEMO_FILE = "data/demo-masterplan.yaml"
COUNT_KEYS = ("masterplans", "versions", "reports")


def document() -> dict[str, Any]:
    text = resources.files("kotacerdas.strategy").joinpath(DEMO_FILE).read_text("utf-8")
    return yaml.safe_load(text)


def _edited(content: dict[str, Any], edit: dict[str, Any]) -> dict[str, Any]:
    edited = copy.deepcopy(content)
    edited["notes"] = {key: {"text": text} for key, text in edit.get("notes", {}).items()}
    for position in edit.get("quick_wins", []):
        if position <= len(edited["programmes"]):
            edited["programmes"][position - 1]["quick_win"] = True
    return edited


def _entries(content: dict[str, Any], by_position: dict[int, Any]) -> dict[str, Any]:
    programmes = content["programmes"]
    return {
        programmes[position - 1]["id"]: dict(entry)
        for position, entry in by_position.items()
        if position <= len(programmes)
    }


def load(*, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Add the demo masterplan if it is missing; returns counts of what was added."""
    doc = document()
    counts = dict.fromkeys(COUNT_KEYS, 0)
    region = Region.objects.filter(code=doc["region"], retired_at__isnull=True).first()
    if region is None:
        return counts
    if Masterplan.objects.filter(
        region=region, start_year=doc["from"], end_year=doc["to"]
    ).exists():
        return counts
    steps = 3

    with transaction.atomic():
        plan = services.create_masterplan(
            actor=None,
            region=region,
            start_year=doc["from"],
            end_year=doc["to"],
            title=doc["title"],
            demo=True,
        )
        counts["masterplans"] = counts["versions"] = 1
        if progress:
            progress(1, steps)
        first = plan.versions.get()
        version = services.save_version(
            actor=None,
            masterplan=plan,
            content=_edited(first.content, doc["edit"]),
            note=doc["edit"]["note"],
            based_on=first.number,
        )
        counts["versions"] += 1
        if progress:
            progress(2, steps)
        report = doc["report"]
        services.save_report(
            actor=None,
            masterplan=plan,
            year=report["year"],
            entries=_entries(version.content, report["entries"]),
            note=report["note"],
            submit=report.get("submit", False),
        )
        counts["reports"] = 1
        if progress:
            progress(3, steps)
    return counts
