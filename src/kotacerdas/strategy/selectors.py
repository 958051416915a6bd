"""Reads of masterplans."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, QuerySet

from kotacerdas.core.rules import is_officer, is_secretariat
from kotacerdas.regions.models import Region

from .models import Masterplan, PlanComment, PlanVersion, ProgressReport


def _with_counts() -> QuerySet[Masterplan]:
    return Masterplan.objects.select_related("region__province").annotate(
        version_count=Count("versions"), latest_number=Max("versions__number")
    )


def plans_for(region: Region) -> QuerySet[Masterplan]:
    """The region's masterplans, latest horizon first, with their version count."""
    return _with_counts().filter(region=region).order_by("-start_year", "-end_year", "pk")


def visible_plans(user: Any) -> QuerySet[Masterplan]:
    """Every plan for the secretariat, the own region's for an active officer, none
    otherwise."""
    plans = _with_counts().order_by("region__name", "-start_year", "pk")
    if is_secretariat(user):
        return plans
    return plans.filter(region_id=user.region_id) if is_officer(user) else plans.none()


def plan_by_pk(pk: int) -> Masterplan | None:
    return Masterplan.objects.select_related("region__province").filter(pk=pk).first()


def latest_version(plan: Masterplan) -> PlanVersion | None:
    return plan.versions.select_related("created_by").order_by("-number").first()


def version_of(plan: Masterplan, number: int) -> PlanVersion | None:
    return plan.versions.select_related("created_by").filter(number=number).first()


def versions_of(plan: Masterplan) -> QuerySet[PlanVersion]:
    return (
        plan.versions.select_related("created_by")
        .annotate(comment_count=Count("comments"))
        .order_by("-number")
    )


def comments_on(version: PlanVersion) -> QuerySet[PlanComment]:
    return version.comments.select_related("author").order_by("created_at", "pk")


def reports_of(plan: Masterplan) -> QuerySet[ProgressReport]:
    return plan.reports.order_by("year")


def report_of(plan: Masterplan, year: int) -> ProgressReport | None:
    """The plan's report on ``year``, with who saved it last."""
    return plan.reports.select_related("updated_by", "version").filter(year=year).first()


def submitted_reports_for(region: Region) -> list[ProgressReport]:
    """The progress reports the region submitted on any of its plans (drafts are never
    public), newest plan first and by year. One query."""
    return list(
        ProgressReport.objects.filter(masterplan__region=region, submitted_at__isnull=False)
        .select_related("masterplan")
        .order_by("-masterplan__start_year", "-masterplan__end_year", "masterplan_id", "year")
    )
