"""CSV imports of network data by the secretariat: whole or not at all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kotacerdas.core.services import require
from kotacerdas.core.tabular import (
    Column,
    ImportRejected,
    Problem,
    choice,
    parse_bool,
    parse_date,
    parse_rows,
)

from ..codes import normalise_region_code
from ..models import Cohort, CohortMember, Membership, Network, Region, RegionHead
from .network import save_cohort_member, save_membership
from .profile import save_region_head

MEMBERSHIP_COLUMNS = [
    Column("region_code", normalise_region_code),
    Column("role", choice(Membership.Role.values), required=False),
    Column("joined_on", parse_date),
    Column("left_on", parse_date, required=False),
    Column("note", required=False),
    Column("source", required=False),
    Column("is_demo", parse_bool, required=False),
]
COHORT_MEMBER_COLUMNS = [
    Column("region_code", normalise_region_code),
    Column("status", choice(CohortMember.Status.values), required=False),
    Column("source", required=False),
    Column("is_demo", parse_bool, required=False),
]
# One example row per import, shown on the upload page.
MEMBERSHIP_EXAMPLE = "5371,member,2019-10-16,,,,no"
COHORT_MEMBER_EXAMPLE = "53.71,selected,,no"
HEAD_EXAMPLE = "53.71,wali_kota,Nama Lengkap,,2025-02-20,,https://example.go.id/sk,no"

HEAD_COLUMNS = [
    Column("region_code", normalise_region_code),
    Column("title", choice(RegionHead.Title.values)),
    Column("name"),
    Column("deputy_name", required=False),
    Column("term_start", parse_date),
    Column("term_end", parse_date, required=False),
    Column("source", required=False),
    Column("is_demo", parse_bool, required=False),
]


def _apply(
    raw: bytes | str, columns: list[Column], write: Callable[[Region, dict[str, Any]], Any]
) -> int:
    """Write every row in one transaction; any problem rolls all of them back.

    Rows that parsed are still tried when others did not, so that the report lists every
    problem of the file at once, not only the first kind.
    """
    rows, problems = parse_rows(raw, columns)
    regions = {r.code: r for r in Region.objects.filter(retired_at__isnull=True)}
    with transaction.atomic():
        for row in rows:
            region = regions.get(row["region_code"])
            if region is None:
                problems.append(
                    Problem(
                        row["_row"],
                        "region_code",
                        _("No current kabupaten/kota has the code %(code)s.")
                        % {"code": row["region_code"]},
                    )
                )
                continue
            values = {
                k: v for k, v in row.items() if v is not None and k not in {"_row", "region_code"}
            }
            try:
                with transaction.atomic():
                    write(region, values)
            except ValidationError as exc:
                found = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                for name, messages in found.items():
                    column = "" if name == "__all__" else name
                    problems.append(Problem(row["_row"], column, " ".join(messages)))
        if problems:
            # Leaving the block with an exception undoes the rows already written.
            raise ImportRejected(sorted(problems, key=lambda p: p.row or 0))
    return len(rows)


def import_memberships(*, actor: Any, network: Network, raw: bytes | str) -> int:
    """Import membership periods of ``network``; returns the number of rows written."""
    require(actor, "regions.manage_network")

    def write(region: Region, values: dict[str, Any]) -> None:
        existing = Membership.objects.filter(
            network=network, region=region, joined_on=values["joined_on"]
        ).first()
        save_membership(actor=actor, network=network, region=region, membership=existing, **values)

    return _apply(raw, MEMBERSHIP_COLUMNS, write)


def import_cohort_members(*, actor: Any, cohort: Cohort, raw: bytes | str) -> int:
    require(actor, "regions.manage_network")
    return _apply(
        raw,
        COHORT_MEMBER_COLUMNS,
        lambda region, values: save_cohort_member(
            actor=actor, cohort=cohort, region=region, **values
        ),
    )


def import_region_heads(*, actor: Any, raw: bytes | str) -> int:
    require(actor, "regions.manage_network")

    def write(region: Region, values: dict[str, Any]) -> None:
        existing = RegionHead.objects.filter(region=region, term_start=values["term_start"]).first()
        save_region_head(actor=actor, region=region, head=existing, **values)

    return _apply(raw, HEAD_COLUMNS, write)
