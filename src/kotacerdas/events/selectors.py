"""Reads of events: delegations, participants, attendance and certificate verification."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from kotacerdas.core.tabular import csv_bytes, xlsx_bytes
from kotacerdas.regions.models import Region

from .models import (
    Certificate,
    CheckIn,
    Delegation,
    Event,
    ParticipantRole,
    Quota,
    Registration,
)

Status = Registration.Status


def event_by_slug(slug: str) -> Event | None:
    return Event.objects.select_related("host_region").filter(slug=slug).first()


def _event_checkins() -> QuerySet[CheckIn]:
    """The check-in at the event (not at a session) of the outer registration."""
    return CheckIn.objects.filter(registration=OuterRef("pk"), session__isnull=True)


def participants(event: Event) -> QuerySet[Registration]:
    """Every registration of the event with its region and whether it checked in."""
    arrived = _event_checkins()
    return (
        Registration.objects.filter(delegation__event=event)
        .select_related("delegation__region")
        .annotate(arrived=Exists(arrived))
        .order_by("delegation__region__name", "registered_at", "pk")
    )


def delegation_participants(delegation: Delegation) -> QuerySet[Registration]:
    return participants(delegation.event).filter(delegation=delegation)


@dataclass(frozen=True)
class AttendanceRow:
    key: str
    label: str
    confirmed: int
    arrived: int

    @property
    def no_shows(self) -> int:
        return self.confirmed - self.arrived


def _attendance(event: Event, field: str) -> list[tuple[Any, int, int]]:
    # Not ``Q(checkins__session__isnull=True)``: through the outer join it also holds for
    # a registration without any check-in.
    arrived = Q(arrived=True)
    return list(
        Registration.objects.filter(delegation__event=event, status=Status.CONFIRMED)
        .annotate(arrived=Exists(_event_checkins()))
        .values(field)
        .annotate(
            confirmed=Count("pk", distinct=True),
            arrived=Count("pk", filter=arrived, distinct=True),
        )
        .order_by(field)
        .values_list(field, "confirmed", "arrived")
    )


def attendance_by_region(event: Event) -> list[AttendanceRow]:
    """Confirmed participants and arrivals per region, by region name."""
    rows = _attendance(event, "delegation__region__name")
    return [AttendanceRow(name, name, confirmed, arrived) for name, confirmed, arrived in rows]


def attendance_by_role(event: Event) -> list[AttendanceRow]:
    """Confirmed participants and arrivals per role, in the roles' order."""
    counts = {role: (c, a) for role, c, a in _attendance(event, "role")}
    return [
        AttendanceRow(role.value, str(role.label), *counts[role.value])
        for role in ParticipantRole
        if role.value in counts
    ]


def no_shows(event: Event) -> QuerySet[Registration]:
    """Confirmed participants who never checked in at the event."""
    return participants(event).filter(status=Status.CONFIRMED, arrived=False)


@dataclass(frozen=True)
class Dashboard:
    capacity: int
    confirmed: int
    waitlisted: int
    pending: int
    cancelled: int
    arrived: int
    delegations: int


def dashboard(event: Event) -> Dashboard:
    """The secretariat's figures during the event (one query for the statuses)."""
    counts = dict(
        Registration.objects.filter(delegation__event=event)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return Dashboard(
        capacity=event.capacity,
        confirmed=counts.get(Status.CONFIRMED, 0),
        waitlisted=counts.get(Status.WAITLISTED, 0),
        pending=counts.get(Status.PENDING, 0),
        cancelled=counts.get(Status.CANCELLED, 0),
        arrived=CheckIn.objects.filter(
            registration__delegation__event=event, session__isnull=True
        ).count(),
        delegations=event.delegations.count(),
    )


# --- delegations and the secretariat's desk ------------------------------------------------


@dataclass(frozen=True)
class QuotaUse:
    """A quota and how many confirmed participants it counts now."""

    quota: Quota
    used: int

    @property
    def left(self) -> int:
        return max(self.quota.limit - self.used, 0)

    @property
    def full(self) -> bool:
        return self.used >= self.quota.limit


def quota_usage(event: Event, region: Region | None = None) -> list[QuotaUse]:
    """The event's quotas (only those that apply to ``region`` when given) with their use,
    counted from one grouped query of the confirmed participants."""
    quotas = Quota.objects.filter(event=event).select_related("region")
    if region is not None:
        quotas = quotas.filter(Q(region=region) | Q(region__isnull=True))
    counts = list(
        Registration.objects.filter(delegation__event=event, status=Status.CONFIRMED)
        .values("delegation__region_id", "role")
        .annotate(n=Count("pk"))
        .values_list("delegation__region_id", "role", "n")
    )
    uses = []
    for quota in quotas.order_by(
        # Event-wide quotas first on every database (NULLs sort last on PostgreSQL).
        F("region__name").asc(nulls_first=True),
        "role",
        "pk",
    ):
        used = sum(
            n
            for region_id, role, n in counts
            if (quota.region_id is None or region_id == quota.region_id)
            and (not quota.role or role == quota.role)
        )
        uses.append(QuotaUse(quota, used))
    return uses


def confirmed_count(event: Event) -> int:
    return Registration.objects.filter(delegation__event=event, status=Status.CONFIRMED).count()


def delegation_of(event: Event, region: Region) -> Delegation | None:
    return Delegation.objects.filter(event=event, region=region).select_related("region").first()


def delegations_overview(event: Event) -> QuerySet[Delegation]:
    """Every delegation with its participants counted by status and its arrivals."""
    arrived = CheckIn.objects.filter(
        registration__delegation=OuterRef("pk"), session__isnull=True
    ).values("registration__delegation")
    by_status = {
        name: Count("registrations", filter=Q(registrations__status=status))
        for name, status in (
            ("confirmed", Status.CONFIRMED),
            ("waitlisted", Status.WAITLISTED),
            ("pending", Status.PENDING),
        )
    }
    return (
        Delegation.objects.filter(event=event)
        .select_related("region")
        .annotate(
            **by_status,
            arrived=Coalesce(Subquery(arrived.annotate(n=Count("pk")).values("n")[:1]), Value(0)),
        )
        .order_by("region__name")
    )


def in_status(event: Event, status: str) -> QuerySet[Registration]:
    """The event's registrations of one status, first registered first (the order in
    which the waiting list is promoted)."""
    return participants(event).filter(status=status).order_by("registered_at", "pk")


def registration_of(event: Event, pk: int) -> Registration | None:
    return (
        Registration.objects.select_related("delegation__region", "delegation__event__host_region")
        .filter(delegation__event=event, pk=pk)
        .first()
    )


@dataclass(frozen=True)
class CertificateCounts:
    issued: int
    revoked: int
    awaiting: int  # checked in, confirmed, no certificate yet


def certificate_counts(event: Event) -> CertificateCounts:
    certificates = Certificate.objects.filter(registration__delegation__event=event)
    counts = certificates.aggregate(
        issued=Count("pk"), revoked=Count("pk", filter=Q(revoked_at__isnull=False))
    )
    awaiting = (
        participants(event)
        .filter(status=Status.CONFIRMED, arrived=True, certificate__isnull=True)
        .count()
    )
    return CertificateCounts(counts["issued"], counts["revoked"], awaiting)


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate a public verification asks about (codes are case-insensitive)."""
    cleaned = "".join(c for c in (code or "").upper() if c.isalnum())[:16]
    if not cleaned:
        return None
    return (
        Certificate.objects.select_related(
            "registration__delegation__event__host_region", "registration__delegation__region"
        )
        .filter(code=cleaned)
        .first()
    )


# --- exports ------------------------------------------------------------------------------

HEADER = (
    "region_code",
    "region",
    "name",
    "role",
    "position",
    "kecamatan_code",
    "kelurahan_code",
    "email",
    "phone",
    "status",
    "checked_in",
    "is_demo",
)


def _rows(event: Event) -> list[list[Any]]:
    return [
        [
            r.delegation.region.code,
            r.delegation.region.name,
            r.name,
            r.role,
            r.position,
            r.kecamatan_code,
            r.kelurahan_code,
            r.email,
            r.phone,
            r.status,
            r.arrived,
            r.is_demo,
        ]
        for r in participants(event)
    ]


def participants_csv(event: Event) -> bytes:
    """Participants as CSV; text that a spreadsheet would run as a formula is neutralised."""
    return csv_bytes(HEADER, _rows(event))


def participants_xlsx(event: Event) -> bytes:
    """Participants, attendance by region and by role as three sheets."""
    return xlsx_bytes(
        [
            ("participants", [list(HEADER), *_rows(event)]),
            (
                "by_region",
                [["region", "confirmed", "arrived", "no_shows"]]
                + [
                    [r.label, r.confirmed, r.arrived, r.no_shows]
                    for r in attendance_by_region(event)
                ],
            ),
            (
                "by_role",
                [["role", "confirmed", "arrived", "no_shows"]]
                + [[r.key, r.confirmed, r.arrived, r.no_shows] for r in attendance_by_role(event)],
            ),
        ]
    )
