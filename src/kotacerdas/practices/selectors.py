"""Reads of the library shared by pages, the API, exports and the command line."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from kotacerdas.regions.models import Region

from .models import (
    Answer,
    Practice,
    PracticeVersion,
    Question,
    Replication,
    Review,
    StatedPriorities,
)

Status = PracticeVersion.Status
ACTIVE_ADOPTION = (Replication.Status.IN_PROGRESS, Replication.Status.ADOPTED)


def version_content_prefetch(prefix: str = "") -> list[str]:
    return [
        f"{prefix}outcomes",
        f"{prefix}prerequisites",
        f"{prefix}contacts",
        f"{prefix}attachments",
        f"{prefix}partner_regions",
    ]


def published_practices() -> QuerySet[Practice]:
    """Published practices with what a list shows, newest first."""
    return (
        Practice.objects.filter(published_version__isnull=False)
        .select_related("lead_region__province", "published_version")
        .order_by("-published_version__published_at", "pk")
    )


def practice_by_slug(slug: str) -> Practice | None:
    return (
        Practice.objects.select_related("lead_region__province", "published_version", "created_by")
        .filter(slug=slug)
        .first()
    )


def latest_version(practice: Practice) -> PracticeVersion | None:
    return practice.versions.order_by("-number").first()


def version_with_content(version_id: int) -> PracticeVersion:
    return (
        PracticeVersion.objects.select_related("practice__lead_region__province", "author")
        .prefetch_related(*version_content_prefetch())
        .get(pk=version_id)
    )


def visible_version(
    practice: Practice, user: Any, number: int | None = None
) -> PracticeVersion | None:
    """The version ``user`` sees: the one asked for if they may see it, else the
    published one, else (for its region and the secretariat) the latest."""
    if number is not None:
        version = practice.versions.filter(number=number).first()
        if version is not None and user.has_perm("practices.view_version", version):
            return version_with_content(version.pk)
        return None
    if practice.published_version_id:
        return version_with_content(practice.published_version_id)
    latest = latest_version(practice)
    if latest is not None and user.has_perm("practices.view_version", latest):
        return version_with_content(latest.pk)
    return None


def versions_of(practice: Practice) -> QuerySet[PracticeVersion]:
    return practice.versions.select_related("author").order_by("-number")


def final_review(version: PracticeVersion) -> Review | None:
    """The review that published ``version`` (None when it is not published)."""
    return (
        version.reviews.filter(decision=Review.Decision.PUBLISHED).order_by("-created_at").first()
    )


def reviews_of(version: PracticeVersion) -> QuerySet[Review]:
    return version.reviews.select_related("reviewer").order_by("-created_at", "-pk")


def published_reviews(practice_ids: list[int]) -> dict[int, Review]:
    """The publishing review of each practice's published version, by practice id."""
    reviews = Review.objects.filter(
        decision=Review.Decision.PUBLISHED,
        version__practice_id__in=practice_ids,
        version__status=Status.PUBLISHED,
    ).order_by("version__practice_id", "-created_at", "-pk")
    result: dict[int, Review] = {}
    for review in reviews.select_related("version"):
        result.setdefault(review.version.practice_id, review)
    return result


def review_queue() -> QuerySet[PracticeVersion]:
    """Versions waiting for the secretariat, oldest submission first."""
    return (
        PracticeVersion.objects.filter(status__in=[Status.SUBMITTED, Status.IN_REVIEW])
        .select_related("practice__lead_region", "author")
        .order_by("submitted_at", "pk")
    )


def _review_rounds() -> Prefetch:
    """A version's reviews, newest first, as ``version.rounds``."""
    return Prefetch(
        "reviews", queryset=Review.objects.order_by("-created_at", "-pk"), to_attr="rounds"
    )


def region_latest_versions(region: Region) -> list[PracticeVersion]:
    """The latest version of each practice the region leads, with its review rounds
    (``version.rounds``, newest first), by short name."""
    versions = (
        PracticeVersion.objects.filter(practice__lead_region=region)
        .select_related("practice")
        .prefetch_related(_review_rounds())
        .order_by("practice__slug", "-number")
    )
    seen: set[int] = set()
    latest = []
    for version in versions:
        if version.practice_id not in seen:
            seen.add(version.practice_id)
            latest.append(version)
    return latest


def versions_being_written(limit: int) -> QuerySet[PracticeVersion]:
    """Drafts and returned versions in every region, latest change first, with their
    review rounds (``version.rounds``)."""
    return (
        PracticeVersion.objects.filter(status__in=PracticeVersion.EDITABLE)
        .select_related("practice__lead_region", "author")
        .prefetch_related(_review_rounds())
        .order_by("-updated_at", "-pk")[:limit]
    )


def replications_of(practice: Practice) -> QuerySet[Replication]:
    return practice.replications.select_related("region__province").order_by("region__name")


def questions_of(practice: Practice) -> QuerySet[Question]:
    return (
        practice.questions.select_related("region", "author")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("region", "author"))
        )
        .order_by("created_at", "pk")
    )


def adoptions_by(region: Region) -> QuerySet[Replication]:
    return region.adoptions.select_related(
        "practice__lead_region", "practice__published_version"
    ).order_by("-updated_at", "pk")


def most_replicated(limit: int = 10) -> QuerySet[Practice]:
    """Published practices by how many regions adopted them or are adopting them."""
    return (
        published_practices()
        .annotate(
            adopters=Count("replications", filter=Q(replications__status__in=ACTIVE_ADOPTION))
        )
        .filter(adopters__gt=0)
        .order_by("-adopters", "published_version__title", "pk")[:limit]
    )


def most_active_sharers(limit: int = 10) -> list[dict[str, Any]]:
    """Regions by the number of their published practices that others adopt."""
    rows = (
        Replication.objects.filter(
            status__in=ACTIVE_ADOPTION, practice__published_version__isnull=False
        )
        .values("practice__lead_region")
        .annotate(adopters=Count("pk"), practices=Count("practice", distinct=True))
        .order_by("-adopters", "-practices", "practice__lead_region")[:limit]
    )
    regions = Region.objects.in_bulk([row["practice__lead_region"] for row in rows])
    return [
        {
            "region": regions[row["practice__lead_region"]],
            "adopters": row["adopters"],
            "practices": row["practices"],
        }
        for row in rows
    ]


@dataclass(frozen=True)
class Edge:
    source: Region
    target: Region
    practices: int
    is_demo: bool  # some adoption behind the edge, or its practice, is demo content


def learning_network() -> list[Edge]:
    """Who learns from whom: one edge per (lead region → adopting region) pair, weighted
    by how many practices the adopter takes from that lead region (stopped ones excluded)."""
    rows = (
        Replication.objects.exclude(status=Replication.Status.STOPPED)
        .filter(practice__published_version__isnull=False)
        .values_list("practice__lead_region_id", "region_id", "is_demo", "practice__is_demo")
    )
    pairs: Counter[tuple[int, int]] = Counter()
    demo: set[tuple[int, int]] = set()
    for lead, adopter, adoption_demo, practice_demo in rows:
        pairs[lead, adopter] += 1
        if adoption_demo or practice_demo:
            demo.add((lead, adopter))
    ids = {i for pair in pairs for i in pair}
    regions = Region.objects.select_related("province").in_bulk(ids)
    return sorted(
        (Edge(regions[a], regions[b], n, (a, b) in demo) for (a, b), n in pairs.items()),
        key=lambda e: (-e.practices, e.source.name, e.target.name),
    )


def stated_pillars(region: Region) -> list[str]:
    """The priority pillars the region stated, most important first (maybe none)."""
    stated = StatedPriorities.objects.filter(region=region).first()
    return list(stated.pillars) if stated else []
