"""Input and output schemas of the events endpoints, one pair per operation.

Times come twice: ``*_at`` in UTC (as stored) and ``*_local`` in the host region's time
zone with its offset (Kupang is WITA, ``+08:00``), so a client never has to know the zone
to show the time a participant reads on the agenda.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from kotacerdas.api.schemas import MAX_ID, Page, Text
from kotacerdas.regions.api import RegionRef

from ..models import FIRST_YEAR, LARGEST_COUNT, LAST_YEAR

# The choices of the models, spelled out so that the OpenAPI schema lists them;
# tests/api/test_events_api.py checks that they stay equal to the models' choices.
EventStatus = Literal["draft", "open", "closed", "held"]
PublicEventStatus = Literal["open", "closed", "held"]
SessionKind = Literal["keynote", "panel", "presentation", "workshop", "field_visit", "break"]
SpeakerRole = Literal["keynote", "panelist", "moderator", "presenter"]
ParticipantRole = Literal[
    "head",
    "deputy_head",
    "dprd_chair",
    "secretary",
    "agency_head",
    "camat",
    "lurah",
    "staff",
    "other",
]
RegistrationStatus = Literal["pending", "confirmed", "waitlisted", "cancelled"]
CertificateStatus = Literal["valid", "revoked"]

CODE_DESCRIPTION = "Kemendagri code of a kabupaten/kota, dotted (53.71) or digits (5371)."
# Quota limits are PositiveIntegerField: larger ones are a 422, not a database error.
MAX_LIMIT = LARGEST_COUNT


# --- output schemas ------------------------------------------------------------------------


class EventCard(Schema):
    """An event as it appears in the list."""

    slug: str = Field(..., examples=["sbp-citynet-indonesia-2019"])
    name: str = Field(..., examples=["Sharing Best Practices CityNet Indonesia 2019"])
    theme: str = Field(..., examples=["Strategi Pengembangan Smart City"])
    host_region: RegionRef
    city: str = Field(..., examples=["Kupang"])
    venue: str
    starts_at: dt.datetime = Field(..., description="UTC.", examples=["2019-10-16T00:00:00Z"])
    ends_at: dt.datetime = Field(..., description="UTC.")
    starts_local: dt.datetime = Field(
        ..., description="In the host's time zone.", examples=["2019-10-16T08:00:00+08:00"]
    )
    ends_local: dt.datetime = Field(..., description="In the host's time zone.")
    timezone: str = Field(..., description="The host's IANA time zone.", examples=["Asia/Makassar"])
    timezone_abbreviation: str = Field(..., examples=["WITA"])
    status: EventStatus
    capacity: int = Field(..., description="Participants in total.", examples=[500])
    registration_opens_at: dt.datetime | None = Field(..., description="UTC; null: no limit.")
    registration_closes_at: dt.datetime | None = Field(..., description="UTC; null: no limit.")
    registration_open: bool = Field(
        ..., description="The event is open and now is inside the registration window."
    )
    requires_approval: bool = Field(
        ..., description="New registrations wait for the secretariat's approval."
    )
    is_demo: bool = Field(..., description="Illustrative demo content, not an official record.")


class EventPage(Page[EventCard]):
    pass


class EventSpeakerOut(Schema):
    name: str = Field(..., examples=["Walikota Kupang"])
    role: SpeakerRole
    affiliation: str
    region: RegionRef | None = Field(..., description="The region the speaker represents.")


class EventPracticeRef(Schema):
    """A published practice of the library presented in a session."""

    slug: str = Field(..., examples=["pajak-restoran-daring"])
    title: str


class EventSessionOut(Schema):
    id: int
    title: str
    kind: SessionKind
    room: str
    description: str
    starts_at: dt.datetime = Field(..., description="UTC.")
    ends_at: dt.datetime = Field(..., description="UTC.")
    starts_local: dt.datetime = Field(..., description="In the host's time zone.")
    ends_local: dt.datetime = Field(..., description="In the host's time zone.")
    speakers: list[EventSpeakerOut]
    practices: list[EventPracticeRef] = Field(..., description="Published practices presented.")


class EventSessionPage(Page[EventSessionOut]):
    pass


class EventCountsOut(Schema):
    confirmed: int = Field(..., description="Confirmed participants.")
    places_left: int = Field(..., description="Capacity minus confirmed, at least 0.")


class EventDetail(EventCard):
    """One event with its agenda and how many places are taken (no participant data)."""

    description: str
    sessions: list[EventSessionOut] = Field(..., description="The agenda, in time order.")
    counts: EventCountsOut


class EventDelegationOut(Schema):
    """A region's delegation: how many participants, never who."""

    region: RegionRef
    confirmed: int
    waitlisted: int
    pending: int = Field(..., description="Awaiting the secretariat's approval.")
    is_demo: bool


class EventDelegationPage(Page[EventDelegationOut]):
    pass


class EventCertificateRef(Schema):
    code: str = Field(..., examples=["ABCDEFGHJKMN"])
    status: CertificateStatus


class EventRegistrationOut(Schema):
    """A participant, for the delegation's officers and the secretariat. The ticket's QR
    token is never shown; ``code`` is the short code printed on the ticket."""

    id: int
    region: RegionRef = Field(..., description="The delegation's region.")
    name: str
    role: ParticipantRole
    position: str
    kecamatan_code: str
    kelurahan_code: str
    email: str
    phone: str
    status: RegistrationStatus
    code: str = Field(..., description="Ticket code, typed at the desk.", examples=["K7PM2QXR9T"])
    registered_at: dt.datetime
    checked_in: bool = Field(..., description="Arrived at the event (not only at a session).")
    certificate: EventCertificateRef | None
    is_demo: bool


class EventRegistrationPage(Page[EventRegistrationOut]):
    pass


class EventRegistrationCreated(EventRegistrationOut):
    reason: str = Field(
        ...,
        description="For a participant on the waiting list, which limit is full; else empty.",
        examples=["The quota of 2 staff is full."],
    )


class EventCancellationOut(Schema):
    registration: EventRegistrationOut
    promoted: list[EventRegistrationOut] = Field(
        ...,
        description=(
            "Participants confirmed from the waiting list by the cancellation, earliest "
            "first, as far as the caller may see them (an officer sees their own region's)."
        ),
    )
    promoted_count: int = Field(..., description="All participants promoted, seen or not.")


class EventQuotaOut(Schema):
    region: RegionRef | None = Field(..., description="Null: the quota is for every region.")
    role: ParticipantRole | None = Field(..., description="Null: the quota is for every role.")
    limit: int
    used: int = Field(..., description="Confirmed participants it counts now.")
    left: int
    full: bool


class EventQuotaPage(Page[EventQuotaOut]):
    pass


class EventCheckInOut(Schema):
    """The arrival of a ticket's holder; on a repeat scan, the first arrival."""

    first: bool = Field(..., description="False: the participant had already checked in.")
    checked_in_at: dt.datetime = Field(..., description="UTC, of the first check-in.")
    checked_in_local: dt.datetime = Field(..., description="In the host's time zone.")
    place: str = Field(..., description="Where the first check-in was.", examples=["Meja 1"])
    session: int | None = Field(..., description="The session's id; null: the event.")
    registration: int = Field(..., description="The registration's id.")
    name: str
    region: RegionRef
    role: ParticipantRole


class EventAttendanceRegionOut(Schema):
    region: str = Field(..., examples=["Kota Kupang"])
    confirmed: int
    arrived: int
    no_shows: int


class EventAttendanceRoleOut(Schema):
    role: ParticipantRole
    label: str = Field(..., examples=["camat"])
    confirmed: int
    arrived: int
    no_shows: int


class EventAttendanceOut(Schema):
    """The secretariat's figures during the event."""

    capacity: int
    confirmed: int
    waitlisted: int
    pending: int
    cancelled: int
    arrived: int = Field(..., description="Participants who checked in at the event.")
    delegations: int
    no_shows: int = Field(..., description="Confirmed participants who have not checked in.")
    by_region: list[EventAttendanceRegionOut] = Field(..., description="By region name.")
    by_role: list[EventAttendanceRoleOut] = Field(..., description="In the roles' order.")


class EventRef(Schema):
    slug: str
    name: str
    city: str
    starts_at: dt.datetime = Field(..., description="UTC.")
    ends_at: dt.datetime = Field(..., description="UTC.")
    starts_local: dt.datetime = Field(..., description="In the host's time zone.")
    ends_local: dt.datetime = Field(..., description="In the host's time zone.")
    timezone: str = Field(..., examples=["Asia/Makassar"])


class EventCertificateOut(Schema):
    """What a certificate of attendance says, and whether it still holds."""

    code: str = Field(..., examples=["ABCDEFGHJKMN"])
    valid: bool = Field(..., description="False once the certificate is revoked.")
    status: CertificateStatus
    name: str = Field(..., description="The participant.")
    role: ParticipantRole
    region: RegionRef = Field(..., description="The delegation the participant came with.")
    event: EventRef
    issued_at: dt.datetime
    revoked_at: dt.datetime | None
    revoked_reason: str
    is_demo: bool = Field(..., description="A demo participant, not a real person.")


# --- input schemas -------------------------------------------------------------------------


class _Input(Schema):
    # A field the endpoint does not know is a mistake to report, not to ignore.
    model_config = ConfigDict(extra="forbid")


class EventFiltersIn(Schema):
    status: PublicEventStatus | None = Field(None, description="open, closed or held.")
    region: str | None = Field(None, description=f"The host region: {CODE_DESCRIPTION}")
    year: int | None = Field(
        None,
        ge=FIRST_YEAR,
        le=LAST_YEAR,
        description="The year the event starts, in the host's zone.",
    )


class EventDelegationIn(_Input):
    region: Text = Field(..., max_length=20, description=CODE_DESCRIPTION, examples=["53.71"])


class EventRegistrationIn(_Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Yohanes Tefa",
                    "role": "camat",
                    "position": "Camat Oebobo",
                    "kecamatan_code": "53.71.04",
                    "email": "camat.oebobo@example.org",
                    "phone": "+62 380 123456",
                }
            ]
        },
    )

    name: Text = Field(..., max_length=150)
    role: ParticipantRole
    position: Text = Field("", max_length=200)
    kecamatan_code: Text = Field(
        "", max_length=20, description="A kecamatan of the delegation's region (dotted code)."
    )
    kelurahan_code: Text = Field(
        "", max_length=20, description="A kelurahan/desa of that kecamatan (dotted code)."
    )
    email: Text = Field("", max_length=254)
    phone: Text = Field("", max_length=30)


class EventQuotaIn(_Input):
    region: Text | None = Field(
        None, max_length=20, description=f"{CODE_DESCRIPTION} Null: every region."
    )
    role: ParticipantRole | None = Field(None, description="Null: every role.")
    limit: int | None = Field(
        ..., ge=0, le=MAX_LIMIT, description="Confirmed participants at most; null removes it."
    )


class EventCheckInIn(_Input):
    code: Text = Field(
        ...,
        min_length=1,
        max_length=500,
        description="The ticket code as typed (dashes and case do not matter) or the text "
        "of the ticket's QR code as scanned.",
        examples=["K7PM-2QXR-9T"],
    )
    session: int | None = Field(
        None, ge=1, le=MAX_ID, description="A session's id; null: arrival at the event."
    )
    place: Text = Field("", max_length=120, description="The desk or door.", examples=["Meja 1"])
