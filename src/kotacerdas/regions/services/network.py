"""Writes to the network: networks, memberships over time, programme cohorts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kotacerdas.core.services import delete_instance, require, save_instance

from ..models import Cohort, CohortMember, Membership, Network, Region

NETWORK_FIELDS = ("slug", "name", "description", "website", "founded_year", "is_demo", "source")
MEMBERSHIP_FIELDS = ("role", "joined_on", "left_on", "note", "is_demo", "source")
COHORT_FIELDS = ("slug", "programme", "year", "name", "description", "is_demo", "source")
COHORT_MEMBER_FIELDS = ("status", "is_demo", "source")


def _pick(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {k: values[k] for k in names if k in values}


def save_network(*, actor: Any, network: Network | None = None, **values: Any) -> Network:
    require(actor, "regions.manage_network")
    return save_instance(
        actor=actor, instance=network or Network(), values=_pick(values, NETWORK_FIELDS)
    )


def save_membership(
    *,
    actor: Any,
    network: Network,
    region: Region,
    membership: Membership | None = None,
    **values: Any,
) -> Membership:
    """Record a period of membership. Overlapping periods of one region are refused."""
    require(actor, "regions.manage_network")
    membership = membership or Membership(network=network, region=region)
    membership.network, membership.region = network, region
    return save_instance(
        actor=actor,
        instance=membership,
        values=_pick(values, MEMBERSHIP_FIELDS),
        region_code=region.code,
    )


def end_membership(*, actor: Any, membership: Membership, left_on: dt.date) -> Membership:
    require(actor, "regions.manage_network")
    return save_instance(
        actor=actor,
        instance=membership,
        values={"left_on": left_on},
        region_code=membership.region.code,
    )


def save_cohort(*, actor: Any, cohort: Cohort | None = None, **values: Any) -> Cohort:
    require(actor, "regions.manage_network")
    return save_instance(
        actor=actor, instance=cohort or Cohort(), values=_pick(values, COHORT_FIELDS)
    )


def save_cohort_member(
    *, actor: Any, cohort: Cohort, region: Region, **values: Any
) -> CohortMember:
    require(actor, "regions.manage_network")
    member = CohortMember.objects.filter(cohort=cohort, region=region).first()
    return save_instance(
        actor=actor,
        instance=member or CohortMember(cohort=cohort, region=region),
        values=_pick(values, COHORT_MEMBER_FIELDS),
        region_code=region.code,
    )


def remove_cohort_member(*, actor: Any, member: CohortMember) -> None:
    require(actor, "regions.manage_network")
    delete_instance(actor=actor, instance=member, region_code=member.region.code)
