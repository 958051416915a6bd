"""The one error shape: every failure, from any layer, is the same JSON; never a 500."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import quote

import pytest
from django.core.validators import EmailValidator
from django.test import RequestFactory
from django.utils import translation

from kotacerdas.accounts.services import create_token, revoke_token
from kotacerdas.api.urls import api as ninja_api
from kotacerdas.regions.models import Region

from ..factories import CohortMemberFactory, ContactFactory, MembershipFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

INVALID = "Some values are not valid; see the fields."


def error(status: int, code: str, message: str, fields: list[Any] | None = None) -> dict:
    return {"error": {"status": status, "code": code, "message": message, "fields": fields or []}}


def invalid(*fields: tuple[str | None, str]) -> dict:
    return error(422, "validation_error", INVALID, [{"field": f, "message": m} for f, m in fields])


# --- 404 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["53.98", "5398"])
def test_region_detail_unknown_code_is_404(api, kupang, code):
    response = api.get(f"/api/v1/regions/{code}")

    assert response.status_code == 404
    assert response.json() == error(404, "not_found", "No kabupaten/kota has the code 53.98.")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/v1/regions/53.98/subdivisions", "No kabupaten/kota has the code 53.98."),
        ("/api/v1/regions/53.98/contacts", "No kabupaten/kota has the code 53.98."),
        ("/api/v1/districts/53.71.99/villages", "No kecamatan has the code 53.71.99."),
        ("/api/v1/networks/nope", "No network has the short name “nope”."),
        ("/api/v1/networks/nope/members", "No network has the short name “nope”."),
        ("/api/v1/cohorts/nope", "No programme cohort has the short name “nope”."),
        ("/api/v1/cohorts/nope/members", "No programme cohort has the short name “nope”."),
        ("/api/v1/memberships/999", "No membership has the id 999."),
        ("/api/v1/no/such/thing", "The API has no such address; see /api/v1/docs for the list."),
        ("/api/v1/regions/53.71/", "The API has no such address; see /api/v1/docs for the list."),
    ],
)
def test_unknown_objects_and_paths_are_404_in_the_error_shape(api, kupang, path, message):
    response = api.get(path)

    assert response.status_code == 404
    assert response.json() == error(404, "not_found", message)


def test_contact_of_another_region_is_404(api, kupang, sumba, secretariat, bearer):
    contact = ContactFactory(region=sumba)

    response = api.patch(
        f"/api/v1/regions/53.71/contacts/{contact.pk}",
        {"name": "X"},
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.json() == error(
        404, "not_found", f"Region 53.71 has no contact with the id {contact.pk}."
    )


# --- 422 ------------------------------------------------------------------------------------


def test_region_list_bad_kind_is_422_naming_the_field(api, kupang):
    response = api.get("/api/v1/regions", {"kind": "desa"})

    assert response.status_code == 422
    assert response.json() == invalid(("kind", "Choose one of: 'kota' or 'kabupaten'."))


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ("0", "Enter a value of at least 1."),
        ("201", "Enter a value of at most 200."),
        ("ten", "Enter a whole number."),
        ("-5", "Enter a value of at least 1."),
    ],
)
def test_region_list_bad_limit_is_422_naming_the_field(api, kupang, limit, message):
    response = api.get("/api/v1/regions", {"limit": limit})

    assert response.status_code == 422
    assert response.json() == invalid(("limit", message))


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"offset": "-1"}, "offset", "Enter a value of at least 0."),
        ({"province": "5"}, "province", "Use a two-digit province code such as 53."),
        ({"province": "53.71"}, "province", "Use a two-digit province code such as 53."),
        (
            {"network": "city net"},
            "network",
            "Use a short name of letters, digits and hyphens, such as citynet-indonesia.",
        ),
        (
            {"cohort": "a/b"},
            "cohort",
            "Use a short name of letters, digits and hyphens, such as citynet-indonesia.",
        ),
        ({"include_retired": "perhaps"}, "include_retired", "Enter true or false."),
        ({"q": "x" * 101}, "q", "Use at most 100 characters."),
        ({"q": "ku\x00pang"}, "q", "Remove the control characters from the search text."),
    ],
)
def test_region_list_bad_filters_are_422_naming_the_field(api, kupang, query, field, message):
    response = api.get("/api/v1/regions", query)

    assert response.status_code == 422
    assert response.json() == invalid((field, message))


def test_region_list_reports_every_bad_field_at_once(api, kupang):
    response = api.get("/api/v1/regions", {"kind": "x", "limit": "0", "province": "x"})

    assert response.json() == invalid(
        ("province", "Use a two-digit province code such as 53."),
        ("kind", "Choose one of: 'kota' or 'kabupaten'."),
        ("limit", "Enter a value of at least 1."),
    )


# A region path parameter that is not a kabupaten/kota code at all is a 422 naming
# "code" (the message says what a code looks like); a well-formed unknown code is a 404.
@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "abc",
            "“abc” is not a Kemendagri code. Use the dotted form such as 53.71 or the digits 5371.",
        ),
        (
            "537",
            "“537” is not a Kemendagri code. Use the dotted form such as 53.71 or the digits 5371.",
        ),
        ("53", "“53” is not a kabupaten/kota code; it should look like 53.71."),
        ("53.71.01", "“53.71.01” is not a kabupaten/kota code; it should look like 53.71."),
    ],
)
def test_region_detail_malformed_code_is_422(api, kupang, code, message):
    response = api.get(f"/api/v1/regions/{code}")

    assert response.status_code == 422
    assert response.json() == invalid(("code", message))


def test_district_villages_region_code_is_422(api, db):
    response = api.get("/api/v1/districts/5371/villages")

    assert response.json() == invalid(
        ("code", "“5371” is not a kecamatan code; it should look like 53.71.01.")
    )


def test_path_id_that_is_not_a_number_is_422(api, db):
    response = api.get("/api/v1/memberships/first")

    assert response.json() == invalid(("membership_id", "Enter a whole number."))


def test_body_problems_name_the_body_field(api, kupang, secretariat, bearer):
    response = api.post(
        "/api/v1/networks/citynet-indonesia/memberships",
        {"role": "king", "joined_on": "yesterday", "colour": "red"},
        content_type="application/json",
        headers=bearer(secretariat),
    )

    # The network is looked up after the body is read, so an unknown one comes second.
    assert response.json() == invalid(
        ("region", "This field is required."),
        (
            "role",
            "Choose one of: 'member', 'chair', 'vice_chair', 'board' or 'observer'.",
        ),
        ("joined_on", "Enter a date as YYYY-MM-DD."),
        ("colour", "This field is not accepted here."),
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Send a JSON object in the request body."),
        ("[1, 2]", "Send a JSON object."),
        ('"text"', "Send a JSON object."),
        ("null", "Send a JSON object."),
    ],
)
def test_body_that_is_not_an_object_is_422(api, kupang, officer, bearer, body, message):
    response = api.post(
        "/api/v1/regions/5371/contacts",
        body,
        content_type="application/json",
        headers=bearer(officer),
    )

    assert response.status_code == 422
    assert response.json() == invalid((None, message))
    assert Region.objects.get(code="53.71").contacts.count() == 0


def test_body_that_is_not_json_is_400(api, kupang, officer, bearer):
    response = api.patch(
        "/api/v1/regions/5371/profile",
        "{website: nope",
        content_type="application/json",
        headers=bearer(officer),
    )

    assert response.status_code == 400
    assert response.json() == error(
        400, "bad_request", "The request could not be read; send a JSON object in the body."
    )


def test_service_validation_error_is_422_with_model_field_messages(api, kupang, officer, bearer):
    response = api.post(
        "/api/v1/regions/5371/contacts",
        {"name": "", "email": "not-an-address"},
        content_type="application/json",
        headers=bearer(officer),
    )

    assert response.json() == invalid(
        ("name", "This field cannot be blank."),
        ("email", "Enter a valid email address."),
    )


def test_overlapping_membership_is_422_on_joined_on(api, kupang, secretariat, bearer):
    MembershipFactory(region=kupang)

    response = api.post(
        "/api/v1/networks/citynet-indonesia/memberships",
        {"region": "5371", "joined_on": "2020-06-01"},
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.json() == invalid(
        (
            "joined_on",
            "This period overlaps the membership from 2019-01-01 of the same region in the "
            "same network.",
        )
    )


@pytest.mark.parametrize(
    ("region", "message"),
    [
        (
            "abc",
            "“abc” is not a Kemendagri code. Use the dotted form such as 53.71 or the digits 5371.",
        ),
        ("53", "“53” is not a kabupaten/kota code; it should look like 53.71."),
        ("53.98", "No current kabupaten/kota has the code 53.98."),
    ],
)
def test_cohort_member_bad_region_is_422_on_region(
    api, kupang, secretariat, bearer, region, message
):
    CohortMemberFactory(region=kupang)

    response = api.post(
        "/api/v1/cohorts/gm100sc-2019/members",
        {"region": region},
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.json() == invalid(("region", message))


# --- 401, 403, 405 --------------------------------------------------------------------------


def test_write_without_token_is_401_with_challenge(api, kupang):
    response = api.patch(
        "/api/v1/regions/5371/profile", {"website": ""}, content_type="application/json"
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == error(
        401,
        "not_authenticated",
        "Authentication required: send the header “Authorization: Bearer <token>”.",
    )


@pytest.mark.parametrize(
    "header",
    ["Bearer kc_not-a-real-token", "Bearer ", "Bearer nonsense"],
)
def test_write_with_bad_token_is_401_invalid_token(api, kupang, header):
    response = api.patch(
        "/api/v1/regions/5371/profile",
        {"website": ""},
        content_type="application/json",
        headers={"Authorization": header},
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'
    assert response.json() == error(
        401,
        "invalid_token",
        "The token is not valid: it is unknown, revoked or its user is inactive.",
    )


def test_write_with_another_scheme_is_401(api, kupang):
    response = api.patch(
        "/api/v1/regions/5371/profile",
        {"website": ""},
        content_type="application/json",
        headers={"Authorization": "Basic b2ZmaWNlcjpwdw=="},
    )

    assert response.json()["error"]["code"] == "not_authenticated"


def test_write_with_revoked_token_is_401(api, kupang, officer):
    token, plain = create_token(actor=None, user=officer, name="t")
    revoke_token(actor=None, token=token)

    response = api.patch(
        "/api/v1/regions/5371/profile",
        {"website": ""},
        content_type="application/json",
        headers={"Authorization": f"Bearer {plain}"},
    )

    assert response.json()["error"]["code"] == "invalid_token"


def test_write_without_permission_is_403(api, kupang, other_officer, bearer):
    response = api.patch(
        "/api/v1/regions/5371/profile",
        {"website": "https://evil.example"},
        content_type="application/json",
        headers=bearer(other_officer),
    )

    assert response.status_code == 403
    assert response.json() == error(
        403, "permission_denied", "You do not have permission to do this."
    )


def test_unknown_method_is_405_in_the_error_shape(api, kupang):
    response = api.post("/api/v1/regions", {}, content_type="application/json")

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == error(
        405, "method_not_allowed", "The method POST is not allowed here; use GET."
    )


# --- language -------------------------------------------------------------------------------


def test_error_messages_follow_accept_language(client, kupang, officer, bearer):
    # Django ships Indonesian messages for its validators; ours follow once translated.
    response = client.post(
        "/api/v1/regions/5371/contacts",
        {"name": "Maria", "email": "not-an-address"},
        content_type="application/json",
        headers=bearer(officer) | {"Accept-Language": "id"},
    )

    with translation.override("id"):
        expected = str(EmailValidator.message)
    assert expected != "Enter a valid email address."
    assert response["Content-Language"] == "id"
    assert response.json()["error"]["fields"] == [{"field": "email", "message": expected}]


# --- 500 ------------------------------------------------------------------------------------


def test_unexpected_exception_is_500_in_the_error_shape(caplog):
    request = RequestFactory().get("/api/v1/regions", HTTP_ACCEPT_LANGUAGE="en")
    with translation.override("en"), caplog.at_level(logging.ERROR, logger="kotacerdas.api"):
        try:
            raise RuntimeError("boom")
        except RuntimeError as exc:
            response = ninja_api.on_exception(request, exc)

    assert response.status_code == 500
    assert json.loads(response.content) == error(
        500, "server_error", "An unexpected error occurred. It has been logged."
    )
    assert [r.getMessage() for r in caplog.records] == ["Unexpected error in GET /api/v1/regions"]


JUNK = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    "1.5",
    "99999999999999999999999",
    "true",
    "null",
    "53.71.01.1001.9",
    "..",
    "%",
    "\x00",
    "ku\x00pang",
    "'; DROP TABLE regions_region; --",
    "<script>alert(1)</script>",
    "Bandung ß ü 🌋",
    "\u202e",
    "x" * 3000,
]

QUERY_ENDPOINTS = [
    ("/api/v1/regions", "q"),
    ("/api/v1/regions", "province"),
    ("/api/v1/regions", "kind"),
    ("/api/v1/regions", "network"),
    ("/api/v1/regions", "cohort"),
    ("/api/v1/regions", "include_retired"),
    ("/api/v1/regions", "limit"),
    ("/api/v1/regions", "offset"),
    ("/api/v1/provinces", "limit"),
    ("/api/v1/networks", "offset"),
    ("/api/v1/networks/citynet-indonesia/members", "current"),
    ("/api/v1/cohorts", "limit"),
]

PATH_ENDPOINTS = [
    "/api/v1/regions/{}",
    "/api/v1/regions/{}/subdivisions",
    "/api/v1/regions/{}/contacts",
    "/api/v1/districts/{}/villages",
    "/api/v1/networks/{}",
    "/api/v1/networks/{}/members",
    "/api/v1/cohorts/{}",
    "/api/v1/cohorts/{}/members",
    "/api/v1/memberships/{}",
]


def errors_logged(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def assert_handled(response) -> None:
    """A response that is either a success or a 4xx in the one error shape."""
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}
        assert body["error"]["status"] == response.status_code
        assert set(body["error"]) == {"status", "code", "message", "fields"}


@pytest.fixture
def populated(kupang):
    MembershipFactory(region=kupang)
    CohortMemberFactory(region=kupang)


@pytest.mark.parametrize("value", JUNK)
@pytest.mark.parametrize(("path", "param"), QUERY_ENDPOINTS)
def test_junk_query_values_never_cause_a_500(api, populated, caplog, path, param, value):
    with caplog.at_level(logging.WARNING):
        response = api.get(path, {param: value})

    assert_handled(response)
    assert errors_logged(caplog) == []


@pytest.mark.parametrize("value", JUNK)
@pytest.mark.parametrize("path", PATH_ENDPOINTS)
def test_junk_path_values_never_cause_a_500(api, populated, caplog, path, value):
    with caplog.at_level(logging.WARNING):
        response = api.get(path.format(quote(value, safe="")))

    assert_handled(response)
    assert errors_logged(caplog) == []


BODY_FIELDS = [
    ("/api/v1/networks/citynet-indonesia/memberships", "post", "region"),
    ("/api/v1/networks/citynet-indonesia/memberships", "post", "joined_on"),
    ("/api/v1/networks/citynet-indonesia/memberships", "post", "role"),
    ("/api/v1/cohorts/gm100sc-2019/members", "post", "region"),
    ("/api/v1/cohorts/gm100sc-2019/members", "post", "status"),
    ("/api/v1/regions/5371/contacts", "post", "email"),
    ("/api/v1/regions/5371/contacts", "post", "name"),
    ("/api/v1/regions/5371/contacts", "post", "is_primary"),
    ("/api/v1/regions/5371/profile", "patch", "website"),
    ("/api/v1/regions/5371/profile", "patch", "description"),
]
VALID_BODIES = {
    "memberships": {"region": "5371", "joined_on": "2030-01-01"},
    "members": {"region": "5371"},
    "contacts": {"name": "Maria"},
    "profile": {},
}


@pytest.mark.parametrize("value", [*JUNK, "a\ud800b", 12, -1, 1.5, None, [], {}, True, 10**30])
@pytest.mark.parametrize(("path", "method", "field"), BODY_FIELDS)
def test_junk_body_values_never_cause_a_500(
    api, populated, secretariat, bearer, caplog, path, method, field, value
):
    body = VALID_BODIES[path.rsplit("/", 1)[1]] | {field: value}
    with caplog.at_level(logging.WARNING):
        response = getattr(api, method)(
            path, body, content_type="application/json", headers=bearer(secretariat)
        )

    assert_handled(response)
    assert errors_logged(caplog) == []
