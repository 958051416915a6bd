"""Shipped frameworks and questionnaires, loaded from the app's YAML into the database."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml
from django.db import transaction

from kotacerdas import engine
from kotacerdas.core import audit
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.services import require

from ..models import Framework, Node, Questionnaire

SHIPPED_FRAMEWORK = "smartcity-2025.yaml"
SHIPPED_QUESTIONNAIRE = "readiness-2025.yaml"


def shipped_document(name: str) -> dict[str, Any]:
    """A YAML document shipped in ``assessments/data``."""
    text = resources.files("kotacerdas.assessments").joinpath("data", name).read_text("utf-8")
    return yaml.safe_load(text)


def _text(value: Any, language: str) -> str:
    if isinstance(value, dict):
        return str(value.get(language) or "")
    return "" if value is None else str(value)


def load_framework(*, actor: Any, document: dict[str, Any]) -> tuple[Framework, bool]:
    """Store a framework version from its YAML document; a loaded version is never changed.

    The document is validated by the engine first (tree, levels, weights, directions).
    Returns the framework and whether it was created.
    """
    require(actor, "assessments.manage_frameworks")
    engine.read_framework_yaml(document)  # raises engine.InputError when the tree is wrong
    existing = Framework.objects.filter(
        code=document["code"], version=str(document["version"])
    ).first()
    if existing:
        return existing, False
    with transaction.atomic():
        framework = Framework.objects.create(
            code=document["code"],
            version=str(document["version"]),
            name_id=_text(document.get("name"), "id"),
            name_en=_text(document.get("name"), "en"),
            description_id=_text(document.get("description"), "id"),
            description_en=_text(document.get("description"), "en"),
            levels={str(k): v for k, v in (document.get("levels") or {}).items()},
            maturity=document.get("maturity") or [],
            document=document,
        )
        by_code: dict[str, Node] = {}
        entries = sorted(document.get("aggregates") or [], key=lambda e: -int(e["level"]))
        entries += [{**e, "level": 1} for e in document.get("indicators") or []]
        for position, entry in enumerate(entries):
            node = Node.objects.create(
                framework=framework,
                code=entry["code"],
                level=int(entry["level"]),
                parent=by_code.get(entry.get("parent")),
                position=position,
                weight=float(entry.get("weight", 1)),
                direction=int(entry.get("direction", 1)),
                name_id=_text(entry.get("name"), "id"),
                name_en=_text(entry.get("name"), "en"),
                unit_id=_text(entry.get("unit"), "id"),
                unit_en=_text(entry.get("unit"), "en"),
                min_value=entry.get("min"),
                max_value=entry.get("max"),
                target=entry.get("target"),
                source_id=_text(entry.get("source"), "id"),
                source_en=_text(entry.get("source"), "en"),
                iso_reference=entry.get("iso") or "",
                definition_id=_text(entry.get("definition"), "id"),
                definition_en=_text(entry.get("definition"), "en"),
            )
            by_code[node.code] = node
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=framework,
            changes={"nodes": [None, len(by_code)]},
        )
    return framework, True


def load_questionnaire(*, actor: Any, document: dict[str, Any]) -> tuple[Questionnaire, bool]:
    require(actor, "assessments.manage_frameworks")
    questionnaire, created = Questionnaire.objects.get_or_create(
        code=document["code"], version=str(document["version"]), defaults={"document": document}
    )
    if created:
        audit.record(actor=actor, action=AuditEvent.Action.CREATE, obj=questionnaire)
    return questionnaire, created


def load_shipped(*, actor: Any = None) -> tuple[Framework, Questionnaire]:
    """Load the shipped smart-city framework and readiness questionnaire (idempotent)."""
    framework, _ = load_framework(actor=actor, document=shipped_document(SHIPPED_FRAMEWORK))
    questionnaire, _ = load_questionnaire(
        actor=actor, document=shipped_document(SHIPPED_QUESTIONNAIRE)
    )
    return framework, questionnaire


def engine_framework(framework_id: int) -> engine.Framework:
    """The engine's view of a stored framework (one query; frameworks never change)."""
    nodes = Node.objects.filter(framework_id=framework_id).select_related("parent")
    records = [
        {
            "code": node.code,
            "type": "Indicator" if node.level == 1 else "Aggregate",
            "level": node.level,
            "parent": node.parent.code if node.parent else None,
            "weight": node.weight,
            "direction": node.direction,
            "name": node.name_en or node.name_id,
            "unit": node.unit_en or node.unit_id,
            "target": node.target,
        }
        for node in sorted(nodes, key=lambda n: (n.level, n.position))
    ]
    return engine.framework_from_records(records)
