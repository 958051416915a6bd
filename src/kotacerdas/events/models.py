"""Knowledge-exchange seminars: the event, its agenda, the delegations of member regions,
quotas, registrations with a waiting list, check-ins and certificates.

Every time is stored in UTC and shown in the host region's zone (Kupang is WITA). A
registration belongs to the delegation of one region; quotas per role, per region and per
region and role, and the event's capacity, are checked under a lock on the event row, so
they hold when many registrations arrive at once.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kotacerdas.core.models import Provenance
from kotacerdas.regions.models import TIMEZONE_ABBREVIATIONS, Region

# The largest capacity or quota limit: a PositiveIntegerField holds no more on any database.
LARGEST_COUNT = 2**31 - 1
# Event and session times lie within these years (Python cannot move year 1 between zones).
FIRST_YEAR, LAST_YEAR = 1900, 2200


class ParticipantRole(models.TextChoices):
    HEAD = "head", _("head of region")
    DEPUTY_HEAD = "deputy_head", _("deputy head of region")
    DPRD_CHAIR = "dprd_chair", _("DPRD chair")
    SECRETARY = "secretary", _("regional secretary")
    AGENCY_HEAD = "agency_head", _("head of agency")
    CAMAT = "camat", _("camat")
    LURAH = "lurah", _("lurah")
    STAFF = "staff", _("staff")
    OTHER = "other", _("other")


class Event(Provenance):
    """A seminar or workshop of the network, hosted by a region."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", pgettext_lazy("registration", "open")
        CLOSED = "closed", pgettext_lazy("registration", "closed")
        HELD = "held", _("held")

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    host_region = models.ForeignKey(
        Region, verbose_name=_("host region"), on_delete=models.PROTECT, related_name="events"
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), validators=[MinValueValidator(1)], help_text=_("Participants in total.")
    )
    requires_approval = models.BooleanField(
        _("registrations need the secretariat's approval"), default=False
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "slug"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("An event ends after it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The host region's time zone, in which the event's times are shown."""
        return zoneinfo.ZoneInfo(self.host_region.timezone or "Asia/Jakarta")

    @property
    def zone_abbreviation(self) -> str:
        """WIB, WITA or WIT; another zone's own abbreviation or name."""
        zone = self.zone
        return TIMEZONE_ABBREVIATIONS.get(zone.key) or dt.datetime.now(zone).tzname() or zone.key


class Session(models.Model):
    """One item of the agenda."""

    class Kind(models.TextChoices):
        KEYNOTE = "keynote", _("keynote")
        PANEL = "panel", _("panel")
        PRESENTATION = "presentation", _("presentation")
        WORKSHOP = "workshop", _("workshop")
        FIELD_VISIT = "field_visit", _("field visit")
        BREAK = "break", _("break")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(pgettext_lazy("document", "title"), max_length=200)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    room = models.CharField(_("room"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    description = models.TextField(_("description"), blank=True)
    practices = models.ManyToManyField(
        "practices.Practice",
        verbose_name=_("practices presented"),
        blank=True,
        related_name="sessions",
    )

    class Meta:
        ordering = ["event", "starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("A session ends after it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Speaker(models.Model):
    class Role(models.TextChoices):
        KEYNOTE = "keynote", _("keynote speaker")
        PANELIST = "panelist", _("panelist")
        MODERATOR = "moderator", _("moderator")
        PRESENTER = "presenter", _("presenter")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="speakers")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["session", "position", "pk"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self) -> str:
        return self.name


class Quota(models.Model):
    """At most ``limit`` confirmed participants: of a role, of a region's delegation, or
    of a role within a region's delegation (the event's capacity is its own limit)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="quotas")
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("role"), max_length=12, choices=ParticipantRole.choices, blank=True)
    limit = models.PositiveIntegerField(_("limit"))

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            # NULL regions are distinct in SQL: the event-wide quotas need their own rule.
            models.UniqueConstraint(
                fields=["event", "region", "role"],
                condition=models.Q(region__isnull=False),
                name="quota_once_per_region",
            ),
            models.UniqueConstraint(
                fields=["event", "role"],
                condition=models.Q(region__isnull=True),
                name="quota_once_per_role",
            ),
            models.CheckConstraint(
                condition=~models.Q(region__isnull=True, role=""),
                name="quota_names_a_region_or_role",
                violation_error_message=_("A quota is for a region, a role, or both."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.region or '*'} / {self.role or '*'} ≤ {self.limit}"


class Delegation(Provenance):
    """The participants a region sends to an event, managed by its officers."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="delegations")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="delegations")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["event", "region__name"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [models.UniqueConstraint(fields=["event", "region"], name="delegation_once")]

    def __str__(self) -> str:
        return f"{self.region} @ {self.event}"


class Registration(Provenance):
    """One participant of a delegation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting approval")
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="registrations"
    )
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=12, choices=ParticipantRole.choices)
    position = models.CharField(_("position"), max_length=200, blank=True)
    kecamatan_code = models.CharField(_("kecamatan"), max_length=8, blank=True)
    kelurahan_code = models.CharField(_("kelurahan/desa"), max_length=13, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # The QR code carries this token, signed; it is never shown in lists.
    token = models.CharField(max_length=43, unique=True, editable=False)
    # What staff type when a QR code cannot be scanned (printed on the ticket).
    code = models.CharField(_("ticket code"), max_length=12, unique=True, editable=False)
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("status changed"), auto_now=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["delegation", "registered_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [models.Index(fields=["delegation", "status"])]

    def __str__(self) -> str:
        return self.name


class CheckIn(models.Model):
    """A participant's arrival at the event (``session`` empty) or at one session."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="checkins"
    )
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="checkins"
    )
    at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"],
                condition=models.Q(session__isnull=False),
                name="checkin_once_per_session",
            ),
            models.UniqueConstraint(
                fields=["registration"],
                condition=models.Q(session__isnull=True),
                name="checkin_once_per_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration} {self.at:%Y-%m-%d %H:%M}"


class Certificate(models.Model):
    """A certificate of attendance, verifiable by its code until it is revoked."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(_("verification code"), max_length=16, unique=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.code
