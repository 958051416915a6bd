"""Reads of events: delegations, participants, attendance and certificate verification."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from kotacerdas.core.tabular import csv_bytes, xlsx_bytes
from kotacerdas.practices.models import Practice
from kotacerdas.regions.models import Region, TimeZone

from .models import (
    Certificate,
    CheckIn,
    Delegation,
    Event,
    ParticipantRole,
    Quota,
    Registration,
    Session,
    Speaker,
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


# --- events, agendas and the events of a region --------------------------------------------


def visible_events(user: Any) -> QuerySet[Event]:
    """The events ``user`` may see, with their host region: drafts only for the secretariat
    (``user=None`` is the public)."""
    events = Event.objects.select_related("host_region")
    if user is None or not user.has_perm("events.manage_event"):
        events = events.exclude(status=Event.Status.DRAFT)
    return events


def visible_event(user: Any, slug: str) -> Event | None:
    """The event ``slug`` if ``user`` may see it (a draft is the secretariat's alone)."""
    return visible_events(user).filter(slug=slug).first()


def agenda(event: Event) -> QuerySet[Session]:
    """The event's sessions in time order with their speakers (in order) and the published
    practices presented in them: three queries, however long the agenda."""
    presented = (
        Practice.objects.filter(published_version__isnull=False)
        .select_related("published_version", "lead_region")
        .order_by("published_version__title", "pk")
    )
    return (
        Session.objects.filter(event=event)
        .order_by("starts_at", "pk")
        .prefetch_related(
            Prefetch(
                "speakers",
                queryset=Speaker.objects.select_related("region").order_by("position", "pk"),
            ),
            Prefetch("practices", queryset=presented),
        )
    )


def organiser_agenda(event: Event) -> QuerySet[Session]:
    """The event's sessions for its organisers: with every practice linked, published or
    not any more, by short name."""
    return (
        Session.objects.filter(event=event)
        .order_by("starts_at", "pk")
        .prefetch_related(
            Prefetch("speakers", queryset=Speaker.objects.order_by("position", "pk")),
            Prefetch(
                "practices",
                queryset=Practice.objects.select_related("published_version").order_by("slug"),
            ),
        )
    )


def presentable_practices() -> QuerySet[Any]:
    """(short name, title) of the published practices a session may present, by short
    name: the suggestions of the agenda editor."""
    return (
        Practice.objects.filter(published_version__isnull=False)
        .order_by("slug")
        .values_list("slug", "published_version__title")
    )


def sessions_presenting(practice: Practice) -> QuerySet[Session]:
    """The sessions of events that are not drafts where ``practice`` was presented."""
    return (
        Session.objects.filter(practices=practice)
        .exclude(event__status=Event.Status.DRAFT)
        .select_related("event__host_region")
        .order_by("starts_at", "pk")
    )


def _count(queryset: QuerySet[Any], group: str) -> Coalesce:
    """How many rows of ``queryset`` (filtered on an OuterRef) there are, as a subquery."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def hosted_events(region: Region) -> QuerySet[Event]:
    """The events ``region`` hosts (not drafts), newest first, with their numbers of
    delegations and of confirmed participants."""
    confirmed = Registration.objects.filter(
        delegation__event=OuterRef("pk"), status=Status.CONFIRMED
    )
    return (
        Event.objects.filter(host_region=region)
        .exclude(status=Event.Status.DRAFT)
        .select_related("host_region")
        .annotate(
            delegation_count=_count(Delegation.objects.filter(event=OuterRef("pk")), "event"),
            confirmed_count=_count(confirmed, "delegation__event"),
        )
        .order_by("-starts_at", "pk")
    )


def region_delegations(region: Region) -> QuerySet[Delegation]:
    """The delegations ``region`` sent to events (not drafts), newest event first, with
    their confirmed participants and those who arrived."""
    confirmed = Registration.objects.filter(delegation=OuterRef("pk"), status=Status.CONFIRMED)
    arrived = CheckIn.objects.filter(registration__delegation=OuterRef("pk"), session__isnull=True)
    return (
        Delegation.objects.filter(region=region)
        .exclude(event__status=Event.Status.DRAFT)
        .select_related("event__host_region")
        .annotate(
            confirmed_count=_count(confirmed, "delegation"),
            arrived_count=_count(arrived, "registration__delegation"),
        )
        .order_by("-event__starts_at", "pk")
    )


def _starting_in(year: int) -> Q:
    """Events that start in ``year`` as their host reads the calendar (an event at 07:00
    WITA on 1 January is still 31 December in UTC)."""
    condition = Q()
    for name in TimeZone.values:
        zone = zoneinfo.ZoneInfo(name)
        condition |= Q(
            host_region__timezone=name,
            starts_at__gte=dt.datetime(year, 1, 1, tzinfo=zone),
            starts_at__lt=dt.datetime(year + 1, 1, 1, tzinfo=zone),
        )
    return condition


def public_events(
    *, status: str | None = None, region: Region | None = None, year: int | None = None
) -> QuerySet[Event]:
    """Events that are not drafts, latest first."""
    events = Event.objects.exclude(status=Event.Status.DRAFT).select_related("host_region")
    if status:
        events = events.filter(status=status)
    if region is not None:
        events = events.filter(host_region=region)
    if year is not None:
        events = events.filter(_starting_in(year))
    return events.order_by("-starts_at", "slug")


def registrations_with_certificates(
    event: Event, pks: Iterable[int] | None = None
) -> QuerySet[Registration]:
    """The event's registrations (``pks`` only when given) with their region, arrival and
    certificate."""
    rows = participants(event).select_related("certificate")
    if pks is not None:
        rows = rows.filter(pk__in=list(pks))
    return rows


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
    roles = list(ParticipantRole.values)
    # Event-wide quotas first, then by region; within each, roles in their listed order.
    ordered = sorted(
        quotas,
        key=lambda q: (
            q.region is not None,
            q.region.name if q.region else "",
            roles.index(q.role) if q.role else -1,
            q.pk,
        ),
    )
    for quota in ordered:
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


@dataclass(frozen=True)
class Arrivals:
    arrived: int
    confirmed: int


def arrivals(event: Event, session: Session | None) -> Arrivals:
    """Check-ins at the event (``session`` None) or at one session, against the confirmed
    participants: the check-in desk's running count."""
    # session=None is the arrival at the event itself (IS NULL).
    arrived = CheckIn.objects.filter(registration__delegation__event=event, session=session)
    return Arrivals(arrived=arrived.count(), confirmed=confirmed_count(event))


def desk_checkins(event: Event, user: Any, place: str, *, limit: int) -> list[CheckIn]:
    """The last check-ins at a desk: by the desk's name, or without one, the user's own."""
    desk = Q(place=place) if place else Q(place="", by=user)
    return list(
        CheckIn.objects.filter(desk, registration__delegation__event=event)
        .select_related("registration__delegation__region", "session")
        .order_by("-at", "-pk")[:limit]
    )


def delegation_of(event: Event, region: Region) -> Delegation | None:
    return Delegation.objects.filter(event=event, region=region).select_related("region").first()


def delegations_overview(event: Event) -> QuerySet[Delegation]:
    """Every delegation with its participants counted by status and its arrivals."""
    arrived = CheckIn.objects.filter(registration__delegation=OuterRef("pk"), session__isnull=True)
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
        .annotate(**by_status, arrived=_count(arrived, "registration__delegation"))
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


def certificate_code(code: str) -> str:
    """A verification code as stored: letters and digits, upper case (dashes, spaces and
    case as typed do not matter)."""
    return "".join(c for c in (code or "").upper() if c.isalnum())[:16]


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate a public verification asks about (codes are case-insensitive)."""
    cleaned = certificate_code(code)
    if not cleaned:
        return None
    return (
        Certificate.objects.select_related(
            "registration__delegation__event__host_region", "registration__delegation__region"
        )
        .filter(code=cleaned)
        .first()
    )


def verifiable_certificate(code: str, viewer: Any) -> Certificate | None:
    """The certificate a verification shows ``viewer`` (None: the public): a draft event's
    certificates do not exist for anyone but the secretariat."""
    certificate = certificate_by_code(code)
    if (
        certificate is not None
        and certificate.registration.delegation.event.status == Event.Status.DRAFT
        and not (viewer is not None and viewer.has_perm("events.manage_event"))
    ):
        return None
    return certificate


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
