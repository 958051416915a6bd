"""A region's smart-city masterplan: its versions, the secretariat's comments, and the
yearly progress reports scored against the ministry's evaluation weights.

A masterplan is the lasting identity (a region and a planning horizon). What it says lives
in numbered versions that never change once saved: the generator writes version 1, and
every edit by the region's officers saves the next number, so any two can be compared.
The content is one JSON document whose shape :mod:`kotacerdas.strategy.content` defines.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kotacerdas.core.models import Provenance
from kotacerdas.regions.models import Region

LONGEST_HORIZON = 20


class Masterplan(Provenance):
    """A region's masterplan for a planning horizon (e.g. 2026–2035)."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="masterplans"
    )
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    title = models.CharField(pgettext_lazy("document", "title"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["region__name", "-start_year", "pk"]
        verbose_name = _("masterplan")
        verbose_name_plural = _("masterplans")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "start_year", "end_year"], name="masterplan_once_per_horizon"
            ),
            models.CheckConstraint(
                condition=models.Q(end_year__gt=models.F("start_year")),
                name="masterplan_ends_after_start",
                violation_error_message=_("The last year comes after the first."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class PlanVersion(models.Model):
    """One saved state of a masterplan; never changed after it is saved."""

    masterplan = models.ForeignKey(Masterplan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    generated = models.BooleanField(_("drafted by KotaCerdas"), default=False)
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["masterplan", "-number"]
        verbose_name = _("masterplan version")
        verbose_name_plural = _("masterplan versions")
        constraints = [
            models.UniqueConstraint(fields=["masterplan", "number"], name="plan_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.masterplan} v{self.number}"

    @property
    def region_id(self) -> int:
        return self.masterplan.region_id


class PlanComment(models.Model):
    """The secretariat's comment on a section of one version."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="comments")
    section = models.CharField(_("section"), max_length=40)
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["version", "created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.version} · {self.section}"


class ProgressReport(Provenance):
    """What a region reports for one year of its masterplan, and the score it earns.

    ``entries`` maps a programme's id to its status, the outputs delivered (policy,
    institution, budget) and the outcome value measured; the score and its breakdown
    are computed with the evaluation edition named in ``evaluation``.
    """

    masterplan = models.ForeignKey(Masterplan, on_delete=models.CASCADE, related_name="reports")
    version = models.ForeignKey(
        PlanVersion,
        verbose_name=_("version reported on"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    entries = models.JSONField(_("programme progress"), default=dict)
    note = models.TextField(_("note"), blank=True)
    evaluation = models.CharField(_("evaluation edition"), max_length=40)
    score = models.FloatField(_("score"), null=True)
    breakdown = models.JSONField(_("score by component"), default=dict)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["masterplan", "year"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(fields=["masterplan", "year"], name="report_once_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.masterplan} {self.year}"

    @property
    def region_id(self) -> int:
        return self.masterplan.region_id
