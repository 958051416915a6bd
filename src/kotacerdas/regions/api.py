"""The registry and the network in the REST API: regions, provinces, subdivisions,
networks, memberships and programme cohorts.

Endpoints are thin: they parse input, call one selector or service and shape the output
with the schemas below. Reads are public; writes need a bearer token and the services
decide who may write (a region officer on their own region, the secretariat on the
network). Errors are raised and turned into the API's one error shape by
:mod:`kotacerdas.api.errors`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, P, PathEx, Query, Router, Schema, Status
from pydantic import ConfigDict, field_validator

from kotacerdas.api.schemas import MAX_ID, Error, Page, PageParams, paginate

from . import selectors, services
from .codes import normalise_code, normalise_region_code
from .models import Cohort, CohortMember, Contact, Membership, Network, Region

router = Router()

# The choices of the models, spelled out so that the OpenAPI schema lists them;
# tests/api/test_regions_api.py checks that they stay equal to the models' choices.
Kind = Literal["kota", "kabupaten"]
MembershipRole = Literal["member", "chair", "vice_chair", "board", "observer"]
CohortStatus = Literal["selected", "mentored", "completed", "withdrawn"]
HeadTitle = Literal["wali_kota", "bupati", "pj_wali_kota", "pj_bupati"]

_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

READ_ERRORS: dict[int, Any] = {404: Error, 422: Error}
WRITE_ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error, 422: Error}
CODE_DESCRIPTION = "Kemendagri code of a kabupaten/kota, dotted (53.71) or digits (5371)."


# --- output schemas ------------------------------------------------------------------------


class ProvinceRef(Schema):
    code: str = Field(..., examples=["53"])
    name: str = Field(..., examples=["Nusa Tenggara Timur"])


class RegionRef(Schema):
    code: str = Field(..., description="Dotted Kemendagri code.", examples=["53.71"])
    name: str = Field(..., examples=["Kota Kupang"])
    kind: Kind


class NetworkRef(Schema):
    slug: str = Field(..., examples=["citynet-indonesia"])
    name: str = Field(..., examples=["CityNet Indonesia"])
    is_demo: bool


class CohortRef(Schema):
    slug: str = Field(..., examples=["gm100sc-2019"])
    name: str = Field(..., examples=["Gerakan Menuju 100 Smart City 2019"])
    programme: str
    year: int = Field(..., examples=[2019])
    is_demo: bool


def _area(obj: Any) -> float | None:
    return None if obj.area_km2 is None else float(obj.area_km2)


class RegistryFactsOut(Schema):
    """Facts that come with the official registry, common to provinces and regions."""

    capital: str = Field(..., examples=["Kupang"])
    latitude: float | None = Field(..., examples=[-10.1772])
    longitude: float | None = Field(..., examples=[123.607])
    timezone: str = Field(..., description="IANA time zone.", examples=["Asia/Makassar"])
    timezone_abbreviation: str = Field(..., description="WIB, WITA or WIT.", examples=["WITA"])
    area_km2: float | None = Field(
        ...,
        description=(
            "Area in km² as a JSON number with at most three decimals (the registry keeps "
            "it to the m²); null when the source gives none."
        ),
        examples=[180.27],
    )
    population: int | None = Field(..., examples=[442758])
    facts_source: str = Field(..., description="Where the facts above come from.")
    facts_year: int | None = Field(..., examples=[2025])

    @staticmethod
    def resolve_area_km2(obj: Any) -> float | None:
        return _area(obj)


class _RegionIdentity(Schema):
    code: str = Field(..., description="Dotted Kemendagri code.", examples=["53.71"])
    name: str = Field(..., examples=["Kota Kupang"])
    kind: Kind
    province: ProvinceRef


class RegionOut(RegistryFactsOut, _RegionIdentity):
    """A kabupaten or kota of the official registry (never demo content)."""

    # Fields come in MRO order: identity first, then the registry facts, then these.
    retired: bool = Field(
        ..., description="True when the code is no longer in the current regulation."
    )

    @staticmethod
    def resolve_retired(obj: Any) -> bool:
        return bool(obj.is_retired)


class HeadOut(Schema):
    title: HeadTitle
    name: str
    deputy_name: str
    term_start: dt.date
    term_end: dt.date | None
    is_demo: bool
    source: str


class ContactOut(Schema):
    id: int
    name: str = Field(..., examples=["Petugas Diskominfo"])
    position: str
    agency: str = Field(..., examples=["Diskominfo"])
    email: str
    phone: str
    is_primary: bool
    is_demo: bool
    source: str


def _is_current(membership: Membership) -> bool:
    """Running today, the same test as :func:`selectors.current_memberships`."""
    today = timezone.localdate()
    return membership.joined_on <= today and (
        membership.left_on is None or membership.left_on >= today
    )


class _MembershipFields(Schema):
    id: int
    role: MembershipRole
    joined_on: dt.date = Field(..., examples=["2019-10-16"])
    left_on: dt.date | None
    is_current: bool = Field(..., description="The period runs today.")
    note: str
    is_demo: bool
    source: str

    @staticmethod
    def resolve_is_current(obj: Any) -> bool:
        return _is_current(obj)


class RegionMembershipOut(_MembershipFields):
    """A membership seen from the region: which network."""

    network: NetworkRef


class NetworkMemberOut(_MembershipFields):
    """A membership seen from the network: which region."""

    region: RegionRef


class MembershipOut(_MembershipFields):
    network: NetworkRef
    region: RegionRef


class RegionCohortOut(Schema):
    cohort: CohortRef
    status: CohortStatus
    is_demo: bool
    source: str


class RegionDetail(RegionOut):
    """A region with everything its profile shows."""

    website: str
    description: str
    current_head: HeadOut | None
    contacts: list[ContactOut]
    memberships: list[RegionMembershipOut]
    cohorts: list[RegionCohortOut]
    contains_demo: bool = Field(
        ..., description="True when any record in this response is demo content."
    )

    @staticmethod
    def resolve_contains_demo(obj: Any) -> bool:
        rows = [*obj.memberships, *obj.cohorts, *obj.contacts]
        if obj.current_head is not None:
            rows.append(obj.current_head)
        return any(row.is_demo for row in rows)


class RegionProfileOut(Schema):
    code: str = Field(..., examples=["53.71"])
    website: str
    description: str


class ProvinceOut(RegistryFactsOut, ProvinceRef):
    n_kota: int = Field(..., description="Current kota in the province.")
    n_kabupaten: int = Field(..., description="Current kabupaten in the province.")


class SubdivisionOut(Schema):
    code: str = Field(..., examples=["53.71.01"])
    name: str = Field(..., examples=["Alak"])
    kind: str = Field(..., description="kecamatan, kelurahan or desa.", examples=["kecamatan"])
    postal_code: str | None = Field(..., examples=[None])


class NetworkOut(Schema):
    slug: str = Field(..., examples=["citynet-indonesia"])
    name: str = Field(..., examples=["CityNet Indonesia"])
    description: str
    website: str
    founded_year: int | None
    n_current_members: int = Field(..., description="Regions whose membership runs today.")
    is_demo: bool
    source: str

    @staticmethod
    def resolve_n_current_members(obj: Any) -> int:
        return int(obj.n_current)


class CohortMemberOut(Schema):
    region: RegionRef
    status: CohortStatus
    is_demo: bool
    source: str


class CohortOut(Schema):
    slug: str = Field(..., examples=["gm100sc-2019"])
    programme: str = Field(..., examples=["Gerakan Menuju 100 Smart City"])
    year: int = Field(..., examples=[2019])
    name: str
    description: str
    n_members: int
    is_demo: bool
    source: str


class CohortDetail(CohortOut):
    members: list[CohortMemberOut]


class RegionPage(Page[RegionOut]):
    pass


class ProvincePage(Page[ProvinceOut]):
    pass


class SubdivisionPage(Page[SubdivisionOut]):
    pass


class ContactPage(Page[ContactOut]):
    pass


class NetworkPage(Page[NetworkOut]):
    pass


class NetworkMemberPage(Page[NetworkMemberOut]):
    pass


class CohortPage(Page[CohortOut]):
    pass


class CohortMemberPage(Page[CohortMemberOut]):
    pass


# --- input schemas -------------------------------------------------------------------------


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


class RegionFiltersIn(Schema):
    q: str = Field(
        "",
        max_length=100,
        description=(
            "A name with or without its prefix (Kupang, Kota Kupang, Kab. Kupang), or a "
            "code (53.71, 5371, or 53 for every region of a province)."
        ),
        examples=["Kota Kupang"],
    )
    province: str | None = Field(None, description="Two-digit province code.", examples=["53"])
    kind: Kind | None = None
    network: str | None = Field(
        None,
        description="Slug of a network: its current members only.",
        examples=["citynet-indonesia"],
    )
    cohort: str | None = Field(
        None, description="Slug of a programme cohort.", examples=["gm100sc-2019"]
    )
    include_retired: bool = Field(False, description="Also list codes no longer in force.")

    # A form that leaves a filter empty sends "kind=": that is no filter, not an error.
    @field_validator("province", "kind", "network", "cohort", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return _blank_to_none(value)

    @field_validator("include_retired", mode="before")
    @classmethod
    def _blank_is_false(cls, value: Any) -> Any:
        return False if _blank_to_none(value) is None else value

    @field_validator("q")
    @classmethod
    def _printable(cls, value: str) -> str:
        if _CONTROL.search(value):
            raise ValueError(_("Remove the control characters from the search text."))
        return value.strip()

    @field_validator("province")
    @classmethod
    def _province_code(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d{2}", value.strip()):
            raise ValueError(_("Use a two-digit province code such as 53."))
        return value and value.strip()

    @field_validator("network", "cohort")
    @classmethod
    def _slug(cls, value: str | None) -> str | None:
        if value is not None and not _SLUG.match(value.strip()):
            raise ValueError(
                _("Use a short name of letters, digits and hyphens, such as citynet-indonesia.")
            )
        return value and value.strip()

    def as_filters(self) -> selectors.RegionFilters:
        return selectors.RegionFilters(
            q=self.q,
            province=self.province or "",
            kind=self.kind or "",
            network=self.network or "",
            cohort=self.cohort or "",
            include_retired=self.include_retired,
        )


class CurrentFilterIn(Schema):
    current: bool | None = Field(
        None,
        description=(
            "true: only memberships running today; false: only those that ended or have "
            "not started; left out: all of them."
        ),
    )

    @field_validator("current", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return _blank_to_none(value)


class _Input(Schema):
    # A field the endpoint does not know is a mistake to report, not to ignore.
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        # NUL cannot be stored in PostgreSQL text, nor an unpaired surrogate (which JSON
        # allows as "\ud800") in UTF-8; refuse them here rather than fail on save.
        if isinstance(value, str) and ("\x00" in value or not _encodable(value)):
            raise ValueError(_("Remove the NUL characters and unpaired surrogates."))
        return value


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class RegionProfileIn(_Input):
    """The parts of the profile a region keeps itself; a field left out stays as it is."""

    website: str | None = Field(
        None,
        description="Null or an empty string clears it.",
        examples=["https://kupangkota.go.id"],
    )
    description: str | None = Field(None, description="Null or an empty string clears it.")


class ContactIn(_Input):
    name: str = Field(..., examples=["Maria Ndun"])
    position: str = Field("", examples=["Kepala Bidang Aplikasi Informatika"])
    agency: str = Field("", examples=["Diskominfo"])
    email: str = Field("", examples=["diskominfo@kupangkota.go.id"])
    phone: str = ""
    is_primary: bool = Field(
        False, description="Making a contact primary makes the previous primary one not."
    )


class ContactPatchIn(_Input):
    """Fields left out or null stay as they are."""

    name: str | None = None
    position: str | None = None
    agency: str | None = None
    email: str | None = None
    phone: str | None = None
    is_primary: bool | None = None


class MembershipIn(_Input):
    region: str = Field(..., description=CODE_DESCRIPTION, examples=["53.71"])
    role: MembershipRole = "member"
    joined_on: dt.date = Field(..., examples=["2019-10-16"])
    left_on: dt.date | None = None
    note: str = ""
    is_demo: bool = Field(False, description="Mark illustrative records as demo content.")
    source: str = Field("", description="The public source that backs the record.")


class MembershipPatchIn(_Input):
    """Fields left out stay as they are; ``left_on`` set ends the membership, null reopens it."""

    role: MembershipRole | None = None
    joined_on: dt.date | None = None
    left_on: dt.date | None = Field(None, examples=["2024-12-31"])
    note: str | None = None
    is_demo: bool | None = None
    source: str | None = None


class CohortMemberIn(_Input):
    region: str = Field(..., description=CODE_DESCRIPTION, examples=["53.71"])
    status: CohortStatus = "selected"
    is_demo: bool = Field(False, description="Mark illustrative records as demo content.")
    source: str = ""


# --- lookups shared by the endpoints -------------------------------------------------------
#
# Problems are raised as Django's own Http404 (with a message for the client) and
# ValidationError (keyed by the parameter or body field); the API layer turns them
# into its one error shape.


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def region_from_path(code: str, field: str = "code") -> Region:
    """The region of a path or query parameter: 422 on ``field`` for a malformed code, 404
    for an unknown one. Other apps' endpoints use it too."""
    try:
        normalised = normalise_region_code(code)
    except ValidationError as exc:
        raise _invalid(field, exc.messages[0]) from exc
    try:
        return selectors.get_region(normalised)
    except Region.DoesNotExist as exc:
        raise Http404(_("No kabupaten/kota has the code %(code)s.") % {"code": normalised}) from exc


def region_from_body(code: str, field: str = "region") -> Region:
    """The current region named in a request body; any problem is a 422 on ``field``."""
    try:
        normalised = normalise_region_code(code)
    except ValidationError as exc:
        raise _invalid(field, exc.messages[0]) from exc
    try:
        region = selectors.get_region(normalised)
    except Region.DoesNotExist:
        region = None
    if region is None or region.is_retired:
        raise _invalid(
            field, _("No current kabupaten/kota has the code %(code)s.") % {"code": normalised}
        )
    return region


def _network(slug: str) -> Network:
    network = selectors.find_network(slug) if _SLUG.match(slug) else None
    if network is None:
        raise Http404(_("No network has the short name “%(slug)s”.") % {"slug": slug})
    return network


def _cohort(slug: str) -> Cohort:
    cohort = selectors.find_cohort(slug) if _SLUG.match(slug) else None
    if cohort is None:
        raise Http404(_("No programme cohort has the short name “%(slug)s”.") % {"slug": slug})
    return cohort


def _membership(membership_id: int) -> Membership:
    membership = selectors.find_membership(membership_id)
    if membership is None:
        raise Http404(_("No membership has the id %(id)s.") % {"id": membership_id})
    return membership


def _contact(region: Region, contact_id: int) -> Contact:
    contact = selectors.region_contacts(region).filter(pk=contact_id).first()
    if contact is None:
        raise Http404(
            _("Region %(code)s has no contact with the id %(id)s.")
            % {"code": region.code, "id": contact_id}
        )
    contact.region = region  # spare the services a query for the region they check
    return contact


class _RegionWithProfile:
    """A region read together with its profile, for :class:`RegionDetail`."""

    def __init__(self, region: Region, profile: dict[str, Any]) -> None:
        self._region = region
        self._profile = profile

    def __getattr__(self, name: str) -> Any:
        if name in self._profile:
            return self._profile[name]
        return getattr(self._region, name)


def _present(values: dict[str, Any], keep_null: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields a PATCH body sets: null means "leave as is" except for ``keep_null``."""
    return {k: v for k, v in values.items() if v is not None or k in keep_null}


RegionCode = PathEx[str, P(description=CODE_DESCRIPTION, example="53.71")]
DistrictCode = PathEx[
    str, P(description="Kecamatan code, dotted (53.71.01) or digits (537101).", example="53.71.01")
]
NetworkSlug = PathEx[str, P(description="Short name of a network.", example="citynet-indonesia")]
CohortSlug = PathEx[str, P(description="Short name of a cohort.", example="gm100sc-2019")]
RowId = PathEx[int, P(ge=1, le=MAX_ID)]


# --- regions -------------------------------------------------------------------------------


@router.get(
    "/regions",
    auth=None,
    response={200: RegionPage, 422: Error},
    tags=["regions"],
    operation_id="list_regions",
    summary="List kabupaten and kota",
    description=(
        "The region directory, in code order, filtered by name or code, province, kind, "
        "network or cohort. Retired codes are left out unless `include_retired` is true. "
        "An unknown network or cohort slug matches no region. A filter value of the wrong "
        "form (a `kind` other than kota or kabupaten, a `province` that is not two digits) "
        "is a 422 naming the parameter."
    ),
)
def list_regions(
    request: HttpRequest, filters: Query[RegionFiltersIn], page: Query[PageParams]
) -> dict[str, Any]:
    return paginate(selectors.search_regions(filters.as_filters()), page)


@router.get(
    "/regions/{code}",
    auth=None,
    response={200: RegionDetail, **READ_ERRORS},
    tags=["regions"],
    operation_id="get_region",
    summary="One region with its profile",
    description=(
        "Registry facts, the current head of region, contacts, network memberships and "
        "programme cohorts. `/regions/5371` and `/regions/53.71` are the same region."
    ),
)
def get_region(request: HttpRequest, code: RegionCode) -> RegionDetail:
    region = region_from_path(code)
    profile = selectors.region_profile(region)
    return RegionDetail.model_validate(_RegionWithProfile(region, profile))


@router.patch(
    "/regions/{code}/profile",
    response={200: RegionProfileOut, **WRITE_ERRORS},
    tags=["regions"],
    operation_id="update_region_profile",
    summary="Change a region's website and description",
    description=(
        "For an officer of that region or the secretariat. Fields left out keep their "
        "value. The change is recorded in the audit trail."
    ),
)
def update_region_profile(
    request: HttpRequest, payload: RegionProfileIn, code: RegionCode
) -> Region:
    region = region_from_path(code)
    values = payload.model_dump(exclude_unset=True)
    return services.update_region_profile(
        actor=request.auth,
        region=region,
        website=values.get("website", region.website) or "",
        description=values.get("description", region.description) or "",
    )


@router.get(
    "/regions/{code}/subdivisions",
    auth=None,
    response={200: SubdivisionPage, **READ_ERRORS},
    tags=["subdivisions"],
    operation_id="list_region_subdivisions",
    summary="Kecamatan of a region",
    description="The districts (kecamatan) of a kabupaten/kota, from the official registry.",
)
def list_region_subdivisions(
    request: HttpRequest, page: Query[PageParams], code: RegionCode
) -> dict[str, Any]:
    region = region_from_path(code)
    return paginate(selectors.subdivisions(region.code), page)


@router.get(
    "/districts/{code}/villages",
    auth=None,
    response={200: SubdivisionPage, **READ_ERRORS},
    tags=["subdivisions"],
    operation_id="list_district_villages",
    summary="Desa and kelurahan of a kecamatan",
    description=(
        "The villages (desa and kelurahan) of one district, with postal codes where "
        "known. The district code is dotted (53.71.01) or digits (537101)."
    ),
)
def list_district_villages(
    request: HttpRequest,
    page: Query[PageParams],
    code: DistrictCode,
) -> dict[str, Any]:
    try:
        district = normalise_code(code)
    except ValidationError as exc:
        raise _invalid("code", exc.messages[0]) from exc
    if district.count(".") != 2:
        raise _invalid(
            "code",
            _("“%(value)s” is not a kecamatan code; it should look like 53.71.01.")
            % {"value": code.strip()},
        )
    villages = selectors.subdivisions(district)
    if not villages:
        raise Http404(_("No kecamatan has the code %(code)s.") % {"code": district})
    return paginate(villages, page)


# --- contacts ------------------------------------------------------------------------------


@router.get(
    "/regions/{code}/contacts",
    auth=None,
    response={200: ContactPage, **READ_ERRORS},
    tags=["contacts"],
    operation_id="list_region_contacts",
    summary="Contact persons of a region",
    description="The primary contact first, then by name.",
)
def list_region_contacts(
    request: HttpRequest, page: Query[PageParams], code: RegionCode
) -> dict[str, Any]:
    return paginate(selectors.region_contacts(region_from_path(code)), page)


@router.post(
    "/regions/{code}/contacts",
    response={201: ContactOut, **WRITE_ERRORS},
    tags=["contacts"],
    operation_id="create_region_contact",
    summary="Add a contact person to a region",
    description="For an officer of that region or the secretariat.",
)
def create_region_contact(request: HttpRequest, payload: ContactIn, code: RegionCode) -> Status:
    region = region_from_path(code)
    contact = services.save_contact(actor=request.auth, region=region, **payload.model_dump())
    return Status(201, contact)


@router.patch(
    "/regions/{code}/contacts/{contact_id}",
    response={200: ContactOut, **WRITE_ERRORS},
    tags=["contacts"],
    operation_id="update_region_contact",
    summary="Change a contact person of a region",
    description="For an officer of that region or the secretariat. Fields left out stay.",
)
def update_region_contact(
    request: HttpRequest,
    payload: ContactPatchIn,
    code: RegionCode,
    contact_id: RowId,
) -> Contact:
    region = region_from_path(code)
    contact = _contact(region, contact_id)
    values = _present(payload.model_dump(exclude_unset=True))
    return services.save_contact(actor=request.auth, region=region, contact=contact, **values)


@router.delete(
    "/regions/{code}/contacts/{contact_id}",
    response={204: None, **WRITE_ERRORS},
    tags=["contacts"],
    operation_id="delete_region_contact",
    summary="Remove a contact person from a region",
    description="For an officer of that region or the secretariat. Its last values stay "
    "in the audit trail.",
)
def delete_region_contact(request: HttpRequest, code: RegionCode, contact_id: RowId) -> Status:
    region = region_from_path(code)
    services.delete_contact(actor=request.auth, contact=_contact(region, contact_id))
    return Status(204, None)


# --- provinces -----------------------------------------------------------------------------


@router.get(
    "/provinces",
    auth=None,
    response={200: ProvincePage, 422: Error},
    tags=["provinces"],
    operation_id="list_provinces",
    summary="List provinces",
    description=(
        "Current provinces in code order, with their numbers of kota and kabupaten. "
        "Use `/regions?province=53` for the regions of one province."
    ),
)
def list_provinces(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return paginate(selectors.provinces_with_counts().order_by("code"), page)


# --- networks and memberships --------------------------------------------------------------


@router.get(
    "/networks",
    auth=None,
    response={200: NetworkPage, 422: Error},
    tags=["networks"],
    operation_id="list_networks",
    summary="List networks",
    description="Networks of regions, by name, with the number of current members.",
)
def list_networks(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return paginate(selectors.networks_with_counts(), page)


@router.get(
    "/networks/{slug}",
    auth=None,
    response={200: NetworkOut, **READ_ERRORS},
    tags=["networks"],
    operation_id="get_network",
    summary="One network",
    description="Its members are at `/networks/{slug}/members`.",
)
def get_network(request: HttpRequest, slug: NetworkSlug) -> Network:
    return _network(slug)


@router.get(
    "/networks/{slug}/members",
    auth=None,
    response={200: NetworkMemberPage, **READ_ERRORS},
    tags=["networks"],
    operation_id="list_network_members",
    summary="Memberships of a network",
    description=(
        "Every period of membership, past and present, by region code; `current=true` "
        "keeps those running today."
    ),
)
def list_network_members(
    request: HttpRequest,
    filters: Query[CurrentFilterIn],
    page: Query[PageParams],
    slug: NetworkSlug,
) -> dict[str, Any]:
    memberships = selectors.network_members(_network(slug))
    if filters.current is True:
        memberships = memberships.filter(selectors.current_memberships())
    elif filters.current is False:
        memberships = memberships.exclude(selectors.current_memberships())
    return paginate(memberships, page)


@router.post(
    "/networks/{slug}/memberships",
    response={201: MembershipOut, **WRITE_ERRORS},
    tags=["memberships"],
    operation_id="create_membership",
    summary="Record a period of membership",
    description=(
        "For the secretariat. A period that overlaps another period of the same region in "
        "the same network is a 422 on `joined_on`."
    ),
)
def create_membership(
    request: HttpRequest,
    payload: MembershipIn,
    slug: NetworkSlug,
) -> Status:
    network = _network(slug)
    region = region_from_body(payload.region)
    membership = services.save_membership(
        actor=request.auth,
        network=network,
        region=region,
        **payload.model_dump(exclude={"region"}),
    )
    return Status(201, membership)


@router.get(
    "/memberships/{membership_id}",
    auth=None,
    response={200: MembershipOut, **READ_ERRORS},
    tags=["memberships"],
    operation_id="get_membership",
    summary="One period of membership",
    description="A region's membership of a network from `joined_on` to `left_on`.",
)
def get_membership(request: HttpRequest, membership_id: RowId) -> Membership:
    return _membership(membership_id)


@router.patch(
    "/memberships/{membership_id}",
    response={200: MembershipOut, **WRITE_ERRORS},
    tags=["memberships"],
    operation_id="update_membership",
    summary="Change or end a period of membership",
    description=(
        'For the secretariat. `{"left_on": "2024-12-31"}` ends the membership on that '
        'day; `{"left_on": null}` reopens it.'
    ),
)
def update_membership(
    request: HttpRequest, payload: MembershipPatchIn, membership_id: RowId
) -> Membership:
    membership = _membership(membership_id)
    values = _present(payload.model_dump(exclude_unset=True), keep_null=("left_on",))
    if set(values) == {"left_on"} and values["left_on"] is not None:
        return services.end_membership(
            actor=request.auth, membership=membership, left_on=values["left_on"]
        )
    return services.save_membership(
        actor=request.auth,
        network=membership.network,
        region=membership.region,
        membership=membership,
        **values,
    )


# --- cohorts -------------------------------------------------------------------------------


@router.get(
    "/cohorts",
    auth=None,
    response={200: CohortPage, 422: Error},
    tags=["cohorts"],
    operation_id="list_cohorts",
    summary="List programme cohorts",
    description="Groups of regions selected by a programme in one year, newest first.",
)
def list_cohorts(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return paginate(selectors.cohorts_with_counts(), page)


@router.get(
    "/cohorts/{slug}",
    auth=None,
    response={200: CohortDetail, **READ_ERRORS},
    tags=["cohorts"],
    operation_id="get_cohort",
    summary="One programme cohort with its regions",
    description="Every region of the cohort with its status, in code order.",
)
def get_cohort(request: HttpRequest, slug: CohortSlug) -> Any:
    cohort = _cohort(slug)
    return {
        **CohortOut.model_validate(cohort).model_dump(),
        "members": list(selectors.cohort_members(cohort)),
    }


@router.get(
    "/cohorts/{slug}/members",
    auth=None,
    response={200: CohortMemberPage, **READ_ERRORS},
    tags=["cohorts"],
    operation_id="list_cohort_members",
    summary="Regions of a programme cohort, page by page",
    description="The same members as in the cohort, with pagination.",
)
def list_cohort_members(
    request: HttpRequest,
    page: Query[PageParams],
    slug: CohortSlug,
) -> dict[str, Any]:
    return paginate(selectors.cohort_members(_cohort(slug)), page)


@router.post(
    "/cohorts/{slug}/members",
    response={200: CohortMemberOut, 201: CohortMemberOut, **WRITE_ERRORS},
    tags=["cohorts"],
    operation_id="add_cohort_member",
    summary="Add a region to a programme cohort",
    description=(
        "For the secretariat. 201 when the region joins the cohort; 200 when it was "
        "already in it and its status or provenance is updated."
    ),
)
def add_cohort_member(
    request: HttpRequest,
    payload: CohortMemberIn,
    slug: CohortSlug,
) -> Status:
    cohort = _cohort(slug)
    region = region_from_body(payload.region)
    existed = CohortMember.objects.filter(cohort=cohort, region=region).exists()
    member = services.save_cohort_member(
        actor=request.auth, cohort=cohort, region=region, **payload.model_dump(exclude={"region"})
    )
    return Status(200 if existed else 201, member)
