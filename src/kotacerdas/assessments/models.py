"""Indicator frameworks, assessment cycles, values, computed results and readiness.

A framework is versioned data (loaded from the project's YAML); a cycle is one year of
assessment under one framework version. Values keep their source and year. A computation
stores the method choices it used beside its results, so every published figure says how
it was made; results computed from demo values are demo themselves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.models import Provenance
from kotacerdas.regions.models import Region


def bilingual(value: Any, fallback: str = "") -> str:
    """A ``{"id": ..., "en": ...}`` text of the shipped data in the active language,
    Indonesian when the language has none."""
    if isinstance(value, dict):
        language = (get_language() or "id")[:2]
        return str(value.get(language) or value.get("id") or fallback)
    return fallback if value is None else str(value)


def localised(obj: models.Model, field: str) -> str:
    """``field_id`` or ``field_en`` by the active language, falling back to Indonesian."""
    language = (get_language() or "id")[:2]
    value = getattr(obj, f"{field}_{language}", "") if language == "en" else ""
    return value or getattr(obj, f"{field}_id", "")


class Framework(models.Model):
    """One version of an indicator framework (a tree of indicators and aggregates)."""

    code = models.SlugField(_("code"), max_length=50)
    version = models.CharField(_("version"), max_length=20)
    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_id = models.TextField(_("description (Indonesian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    levels = models.JSONField(_("level names"), default=dict)
    maturity = models.JSONField(
        _("maturity levels"),
        default=list,
        help_text=_("Five levels with the lowest score of each, on the 0–100 scale."),
    )
    document = models.JSONField(_("source document"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="framework_code_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    @property
    def name(self) -> str:
        return localised(self, "name")

    @property
    def description(self) -> str:
        return localised(self, "description")

    def level_name(self, level: int) -> str:
        return bilingual(self.levels.get(str(level)) or {}, str(level))

    def maturity_of(self, score: float | None) -> int | None:
        """The maturity level (1–5) of a 0–100 score, from the framework's thresholds."""
        if score is None:
            return None
        level = None
        for entry in sorted(self.maturity, key=lambda e: e["min"]):
            if score >= entry["min"]:
                level = entry["level"]
        return level

    def maturity_name(self, level: int | None) -> str:
        for entry in self.maturity:
            if entry["level"] == level:
                return bilingual(entry["name"])
        return ""


class Node(models.Model):
    """An indicator (level 1) or an aggregate (sub-element, pillar, index) of a framework."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="nodes"
    )
    code = models.CharField(_("code"), max_length=40)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    weight = models.FloatField(_("weight"), default=1.0)
    direction = models.SmallIntegerField(_("direction"), default=1)
    name_id = models.CharField(_("name (Indonesian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    unit_id = models.CharField(_("unit (Indonesian)"), max_length=100, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=100, blank=True)
    min_value = models.FloatField(_("lowest valid value"), null=True, blank=True)
    max_value = models.FloatField(_("highest valid value"), null=True, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    source_id = models.CharField(_("data source (Indonesian)"), max_length=300, blank=True)
    source_en = models.CharField(_("data source (English)"), max_length=300, blank=True)
    iso_reference = models.CharField(_("ISO reference"), max_length=300, blank=True)
    definition_id = models.TextField(_("definition (Indonesian)"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)

    class Meta:
        ordering = ["framework", "-level", "position"]
        verbose_name = _("indicator or aggregate")
        verbose_name_plural = _("indicators and aggregates")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="node_framework_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_indicator(self) -> bool:
        return self.level == 1

    @property
    def name(self) -> str:
        return localised(self, "name")

    @property
    def unit(self) -> str:
        return localised(self, "unit")

    @property
    def data_source(self) -> str:
        return localised(self, "source")

    @property
    def definition(self) -> str:
        return localised(self, "definition")


class Cycle(models.Model):
    """One year of assessment under one framework version."""

    class Status(models.TextChoices):
        OPEN = "open", _("open for data")
        CLOSED = "closed", _("closed")

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="cycles"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    is_demo = models.BooleanField(_("demo content"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("assessment cycle")
        verbose_name_plural = _("assessment cycles")
        constraints = [
            models.UniqueConstraint(fields=["framework", "year"], name="cycle_framework_year")
        ]

    def __str__(self) -> str:
        return f"{self.framework.name} {self.year}"


class IndicatorValue(Provenance):
    """The value of one indicator for one region in one cycle, with its source and year."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="values"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="values"
    )
    indicator = models.ForeignKey(
        Node, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    value = models.FloatField(_("value"))
    year = models.PositiveSmallIntegerField(_("data year"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "region", "indicator"], name="value_cycle_region_indicator"
            )
        ]
        indexes = [models.Index(fields=["region", "cycle"])]

    def __str__(self) -> str:
        return f"{self.region.code} {self.indicator.code} = {self.value:g}"


# An uncertainty analysis takes seconds to minutes; one "running" for longer was lost.
STALE_AFTER = dt.timedelta(minutes=30)


class Computation(models.Model):
    """One run of the index for a cycle: the method choices, the state and the results."""

    class Status(models.TextChoices):
        DONE = "done", _("computed")
        FAILED = "failed", _("failed")

    class UncertaintyStatus(models.TextChoices):
        NONE = "", _("not run")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="computations"
    )
    options = models.JSONField(_("method choices"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    error = models.TextField(_("error"), blank=True)
    units = models.PositiveIntegerField(_("regions computed"), default=0)
    values_used = models.PositiveIntegerField(_("values used"), default=0)
    is_demo = models.BooleanField(_("demo content"), default=False)
    created_at = models.DateTimeField(_("computed"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    uncertainty_status = models.CharField(
        _("uncertainty analysis"),
        max_length=10,
        choices=UncertaintyStatus.choices,
        default=UncertaintyStatus.NONE,
        blank=True,
    )
    uncertainty_options = models.JSONField(_("uncertainty choices"), default=dict, blank=True)
    uncertainty_started_at = models.DateTimeField(
        _("uncertainty analysis started"), null=True, blank=True
    )
    uncertainty_done = models.PositiveIntegerField(_("runs done"), default=0)
    uncertainty_total = models.PositiveIntegerField(_("runs planned"), default=0)
    uncertainty_failed = models.PositiveIntegerField(_("runs failed"), default=0)
    uncertainty_error = models.TextField(_("uncertainty error"), blank=True)
    sensitivity = models.JSONField(_("sensitivity indices"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("computation")
        verbose_name_plural = _("computations")

    def __str__(self) -> str:
        return f"{self.cycle} #{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def uncertainty_is_running(self) -> bool:
        """Queued or running, and started recently: a run that the server lost (a restart
        kills its thread) may be started again after :data:`STALE_AFTER`."""
        if self.uncertainty_status not in (
            self.UncertaintyStatus.QUEUED,
            self.UncertaintyStatus.RUNNING,
        ):
            return False
        started = self.uncertainty_started_at
        return started is not None and timezone.now() - started < STALE_AFTER

    @property
    def uncertainty_progress(self) -> int:
        if not self.uncertainty_total:
            return 0
        return round(100 * self.uncertainty_done / self.uncertainty_total)


class Result(models.Model):
    """Score, rank and rank interval of one region on one aggregate in one computation."""

    computation = models.ForeignKey(
        Computation,
        verbose_name=_("computation"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="results"
    )
    node = models.ForeignKey(
        Node, verbose_name=_("aggregate"), on_delete=models.CASCADE, related_name="results"
    )
    score = models.FloatField(_("score"), null=True)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    maturity = models.PositiveSmallIntegerField(_("maturity level"), null=True)
    rank_median = models.FloatField(_("median rank"), null=True)
    rank_low = models.FloatField(_("rank, 5th percentile"), null=True)
    rank_high = models.FloatField(_("rank, 95th percentile"), null=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [
            models.UniqueConstraint(
                fields=["computation", "region", "node"], name="result_computation_region_node"
            )
        ]
        indexes = [models.Index(fields=["region", "node"])]

    def __str__(self) -> str:
        return f"{self.region.code} {self.node.code} {self.score}"


class Questionnaire(models.Model):
    """A version of the readiness self-assessment (struktur, infrastruktur, suprastruktur)."""

    code = models.SlugField(_("code"), max_length=50)
    version = models.CharField(_("version"), max_length=20)
    document = models.JSONField(_("questions"), default=dict)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("readiness questionnaire")
        verbose_name_plural = _("readiness questionnaires")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="questionnaire_version")
        ]

    def __str__(self) -> str:
        return f"{bilingual(self.document.get('name') or {}, self.code)} ({self.version})"


class ReadinessResponse(Provenance):
    """A region's answers to the readiness questionnaire for one year."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="readiness"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    answers = models.JSONField(
        _("answers"), default=dict, help_text=_("Per question code: level 1–5 and evidence.")
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("readiness self-assessment")
        verbose_name_plural = _("readiness self-assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "region", "year"], name="readiness_region_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"


class ValueUpload(models.Model):
    """A values file as uploaded: checked and previewed first, applied on confirmation."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="uploads"
    )
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("content"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("values upload")
        verbose_name_plural = _("values uploads")

    def __str__(self) -> str:
        return self.filename
