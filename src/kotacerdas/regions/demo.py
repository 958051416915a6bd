"""Load the demo network, programme cohorts, heads of region and contacts.

The content is data (``data/demo_network.json``), not code. It attaches illustrative
records to real regions of the official registry, so it is careful about honesty: every
record is loaded with ``is_demo`` set and a ``source`` that says it is demo content, names
are placeholders marked "(demo)", e-mail addresses use the reserved ``.invalid`` domain,
and no phone number or figure is invented. The loader never mixes demo content into real
records: it refuses a network or cohort that exists as real data, and it gives no demo
head or contact to a region that already has real ones.

Loading is idempotent: records that already exist are left as they are (so edits made in
the application survive a reload), and only missing ones are added.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from importlib import resources
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Cohort, CohortMember, Contact, Membership, Network, Region, RegionHead
from .services import (
    save_cohort,
    save_cohort_member,
    save_contact,
    save_membership,
    save_network,
    save_region_head,
)

DEMO_FILE = "data/demo_network.json"
KINDS = ("networks", "memberships", "cohorts", "cohort_members", "region_heads", "contacts")
HEAD_TITLES = {
    Region.Kind.KOTA: RegionHead.Title.WALI_KOTA,
    Region.Kind.KABUPATEN: RegionHead.Title.BUPATI,
}


class DemoLoadError(Exception):
    """The demo content cannot be loaded into this database; the message says why."""


def read_demo_data() -> dict[str, Any]:
    """The demo content shipped with the package."""
    text = resources.files("kotacerdas.regions").joinpath(DEMO_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _region_codes(data: dict[str, Any]) -> set[str]:
    codes = {m["region"] for n in data["networks"] for m in n["memberships"]}
    codes |= {m["region"] for c in data["cohorts"] for m in c["members"]}
    codes |= {h["region"] for h in data["region_heads"]}
    codes |= {c["region"] for c in data["contacts"]}
    return codes


def _regions(data: dict[str, Any]) -> dict[str, Region]:
    """The current regions the demo refers to; every code must be in the registry."""
    if not Region.objects.exists():
        raise DemoLoadError(
            _("The region registry is empty; load it first with “kotacerdas regions sync”.")
        )
    codes = _region_codes(data)
    regions = {r.code: r for r in Region.objects.filter(code__in=codes, retired_at__isnull=True)}
    missing = sorted(codes - regions.keys())
    if missing:
        raise DemoLoadError(
            _("The demo refers to codes that are not current regions in the registry: %(codes)s.")
            % {"codes": ", ".join(missing)}
        )
    return regions


def _refuse_real(model: type[Network] | type[Cohort], slug: str) -> None:
    if model.objects.filter(slug=slug, is_demo=False).exists():
        raise DemoLoadError(
            _(
                "“%(slug)s” already exists as real data, not demo content; the demo is not "
                "loaded so that it does not mix with real records."
            )
            % {"slug": slug}
        )


def load_demo(
    *, actor: Any = None, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Add the missing demo records and return how many of each kind were added.

    Every write goes through the region services, so it is audited on the channel the
    caller set (the CLI wraps this in ``audit.channel("cli")``). The whole load is one
    transaction: an error leaves the database as it was. Raises :class:`DemoLoadError`
    when the registry is empty or the demo would mix with real records.
    """
    data = read_demo_data()
    source = data["source"]
    regions = _regions(data)
    for network_data in data["networks"]:
        _refuse_real(Network, network_data["slug"])
    for cohort_data in data["cohorts"]:
        _refuse_real(Cohort, cohort_data["slug"])

    added = dict.fromkeys(KINDS, 0)
    total = (
        sum(1 + len(n["memberships"]) for n in data["networks"])
        + sum(1 + len(c["members"]) for c in data["cohorts"])
        + len(data["region_heads"])
        + len(data["contacts"])
    )
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    demo = {"is_demo": True, "source": source}
    with transaction.atomic():
        for network_data in data["networks"]:
            network = Network.objects.filter(slug=network_data["slug"]).first()
            if network is None:
                network = save_network(
                    actor=actor,
                    slug=network_data["slug"],
                    name=network_data["name"],
                    description=network_data["description"],
                    **demo,
                )
                added["networks"] += 1
            step()
            for item in network_data["memberships"]:
                region = regions[item["region"]]
                joined_on = _date(item["joined_on"])
                if not Membership.objects.filter(
                    network=network, region=region, joined_on=joined_on
                ).exists():
                    save_membership(
                        actor=actor,
                        network=network,
                        region=region,
                        role=item["role"],
                        joined_on=joined_on,
                        left_on=_date(item.get("left_on")),
                        note=item.get("note") or data["membership_note"],
                        **demo,
                    )
                    added["memberships"] += 1
                step()

        for cohort_data in data["cohorts"]:
            cohort = Cohort.objects.filter(slug=cohort_data["slug"]).first()
            if cohort is None:
                cohort = save_cohort(
                    actor=actor,
                    slug=cohort_data["slug"],
                    programme=cohort_data["programme"],
                    year=cohort_data["year"],
                    name=cohort_data["name"],
                    description=cohort_data["description"],
                    **demo,
                )
                added["cohorts"] += 1
            step()
            for item in cohort_data["members"]:
                region = regions[item["region"]]
                if not CohortMember.objects.filter(cohort=cohort, region=region).exists():
                    save_cohort_member(
                        actor=actor, cohort=cohort, region=region, status=item["status"], **demo
                    )
                    added["cohort_members"] += 1
                step()

        # A region whose real head or contact is on record gets no demo one next to it.
        with_real_heads = set(
            RegionHead.objects.filter(is_demo=False).values_list("region__code", flat=True)
        )
        for item in data["region_heads"]:
            region = regions[item["region"]]
            term_start = _date(item["term_start"])
            if (
                region.code not in with_real_heads
                and not RegionHead.objects.filter(region=region, term_start=term_start).exists()
            ):
                save_region_head(
                    actor=actor,
                    region=region,
                    title=HEAD_TITLES[region.kind],
                    name=item["name"],
                    deputy_name=item.get("deputy_name", ""),
                    term_start=term_start,
                    term_end=_date(item.get("term_end")),
                    **demo,
                )
                added["region_heads"] += 1
            step()

        with_real_contacts = set(
            Contact.objects.filter(is_demo=False).values_list("region__code", flat=True)
        )
        for item in data["contacts"]:
            region = regions[item["region"]]
            if (
                region.code not in with_real_contacts
                and not Contact.objects.filter(region=region, email=item["email"]).exists()
            ):
                # save_contact takes only the contact's own fields, so the demo label is set
                # on the new instance it is given.
                save_contact(
                    actor=actor,
                    region=region,
                    contact=Contact(region=region, **demo),
                    name=item["name"],
                    position=item.get("position", ""),
                    agency=item.get("agency", ""),
                    email=item["email"],
                    is_primary=not region.contacts.filter(is_primary=True).exists(),
                )
                added["contacts"] += 1
            step()
    return added
