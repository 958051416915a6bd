"""The OpenAPI schema is part of the product; the docs work with no internet."""

from __future__ import annotations

import json
import re
from contextlib import closing

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ENDPOINTS = {
    ("get", "/api/v1/regions"),
    ("get", "/api/v1/regions/{code}"),
    ("patch", "/api/v1/regions/{code}/profile"),
    ("get", "/api/v1/regions/{code}/subdivisions"),
    ("get", "/api/v1/districts/{code}/villages"),
    ("get", "/api/v1/regions/{code}/contacts"),
    ("post", "/api/v1/regions/{code}/contacts"),
    ("patch", "/api/v1/regions/{code}/contacts/{contact_id}"),
    ("delete", "/api/v1/regions/{code}/contacts/{contact_id}"),
    ("get", "/api/v1/provinces"),
    ("get", "/api/v1/networks"),
    ("get", "/api/v1/networks/{slug}"),
    ("get", "/api/v1/networks/{slug}/members"),
    ("post", "/api/v1/networks/{slug}/memberships"),
    ("get", "/api/v1/memberships/{membership_id}"),
    ("patch", "/api/v1/memberships/{membership_id}"),
    ("get", "/api/v1/cohorts"),
    ("get", "/api/v1/cohorts/{slug}"),
    ("get", "/api/v1/cohorts/{slug}/members"),
    ("post", "/api/v1/cohorts/{slug}/members"),
    ("get", "/api/v1/index/frameworks"),
    ("get", "/api/v1/index/frameworks/{code}/{version}"),
    ("get", "/api/v1/index/cycles"),
    ("get", "/api/v1/index/cycles/{year}"),
    ("get", "/api/v1/index/cycles/{year}/values"),
    ("post", "/api/v1/index/cycles/{year}/values"),
    ("post", "/api/v1/index/cycles/{year}/computations"),
    ("get", "/api/v1/index/computations/{computation_id}"),
    ("post", "/api/v1/index/computations/{computation_id}/publish"),
    ("post", "/api/v1/index/computations/{computation_id}/uncertainty"),
    ("get", "/api/v1/index/results"),
    ("get", "/api/v1/index/regions/{code}/results"),
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
# Reads that show more to a signed-in user: a token is optional, and a bad one is a 401.
OPTIONAL_TOKEN = {
    ("get", "/api/v1/index/cycles/{year}/values"),
    ("get", "/api/v1/index/computations/{computation_id}"),
}
# A year without published results is a 404 even though the path has no parameter.
EXTRA_ERRORS = {("get", "/api/v1/index/results"): {"404"}}
# A rejected upload names every problem by row and column: its 422 has its own schema.
OWN_ERROR_SCHEMA = {("post", "/api/v1/index/cycles/{year}/values", "422")}


@pytest.fixture
def schema(api) -> dict:
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def error_schema(operation: dict, status: str) -> dict:
    return operation["responses"][status]["content"]["application/json"]["schema"]


def test_openapi_lists_every_endpoint(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "KotaCerdas API"
    assert {(method, path) for method, path, _ in operations(schema)} == ENDPOINTS


def test_openapi_operations_have_summary_description_tag_and_id(schema):
    for method, path, operation in operations(schema):
        where = f"{method.upper()} {path}"
        assert operation["summary"].strip(), where
        assert operation["description"].strip(), where
        assert len(operation["tags"]) == 1, where
        assert re.fullmatch(r"[a-z_]+", operation["operationId"]), where


def test_openapi_operations_document_their_errors(schema):
    for method, path, operation in operations(schema):
        where = f"{method.upper()} {path}"
        expected = {"422"}
        if "{" in path:
            expected.add("404")
        if method != "get":
            expected |= {"401", "403", "404"}
        if (method, path) in OPTIONAL_TOKEN:
            expected.add("401")
        expected |= EXTRA_ERRORS.get((method, path), set())
        errors = {status for status in operation["responses"] if int(status) >= 400}
        assert errors == expected, where
        for status in errors:
            if (method, path, status) in OWN_ERROR_SCHEMA:
                continue
            assert error_schema(operation, status) == ERROR_REF, (where, status)


def test_openapi_reads_are_public_and_writes_need_the_bearer_token(schema):
    assert schema["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"}
    }
    for method, path, operation in operations(schema):
        if (method, path) in OPTIONAL_TOKEN:
            assert operation["security"] == [{"TokenAuth": []}, {}], path
        elif method == "get":
            assert "security" not in operation, path
        else:
            assert operation["security"] == [{"TokenAuth": []}], path


def test_openapi_error_schema_has_the_one_shape_and_examples(schema):
    components = schema["components"]["schemas"]
    error = components["Error"]
    assert error["required"] == ["error"]
    assert error["examples"][0]["error"]["code"] == "validation_error"
    body = components["ErrorBody"]
    assert set(body["properties"]) == {"status", "code", "message", "fields"}


def test_openapi_region_code_parameter_has_an_example(schema):
    parameters = schema["paths"]["/api/v1/regions/{code}"]["get"]["parameters"]
    assert [(p["name"], p["in"], p["required"]) for p in parameters] == [("code", "path", True)]
    assert parameters[0]["schema"]["example"] == "53.71"


def test_openapi_region_filters_list_the_kinds(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/regions"]["get"]["parameters"]}
    assert list(parameters) == [
        "q",
        "province",
        "kind",
        "network",
        "cohort",
        "include_retired",
        "limit",
        "offset",
    ]
    assert parameters["kind"]["schema"]["anyOf"][0]["enum"] == ["kota", "kabupaten"]
    assert (parameters["limit"]["schema"]["minimum"], parameters["limit"]["schema"]["maximum"]) == (
        1,
        200,
    )


def test_docs_are_served_from_our_static_files_without_a_cdn(api):
    response = api.get("/api/v1/docs")

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert re.findall(r'(?:src|href)="([^"]+)"', html) == [
        "/static/ninja/swagger-ui.css",
        "/static/ninja/favicon.svg",
        "/static/ninja/favicon.png",
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
    ]
    assert "http://" not in html
    assert "https://" not in html
    # Swagger UI would otherwise load a validator badge from validator.swagger.io.
    assert '"validatorUrl": null' in html
    assert '"url": "/api/v1/openapi.json"' in html


@pytest.mark.parametrize("asset", ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js"])
def test_docs_assets_are_served_locally(api, asset):
    with closing(api.get(f"/static/ninja/{asset}")) as response:
        content = b"".join(response.streaming_content)

    assert response.status_code == 200
    assert len(content) > 1000 or asset == "swagger-ui-init.js"
    assert b"SwaggerUIBundle" in content or asset == "swagger-ui.css"


# --- the best-practice library -------------------------------------------------------------
# Its router is registered at /practices; the tests above read these sets when they run,
# so they hold its endpoints, its optional-token read and its upload's own 422 too.

PRACTICE_ENDPOINTS = {
    ("get", "/api/v1/practices"),
    ("post", "/api/v1/practices"),
    ("get", "/api/v1/practices/network"),
    ("get", "/api/v1/practices/recommendations/{region_code}"),
    ("post", "/api/v1/practices/import"),
    ("get", "/api/v1/practices/{slug}"),
    ("put", "/api/v1/practices/{slug}"),
    ("post", "/api/v1/practices/{slug}/submit"),
    ("post", "/api/v1/practices/{slug}/review"),
    ("post", "/api/v1/practices/{slug}/versions"),
    ("post", "/api/v1/practices/{slug}/adopt"),
    ("get", "/api/v1/practices/{slug}/questions"),
    ("post", "/api/v1/practices/{slug}/questions"),
    ("post", "/api/v1/practices/{slug}/questions/{question_id}/answers"),
    ("get", "/api/v1/practices/{slug}/fit"),
}
ENDPOINTS |= PRACTICE_ENDPOINTS
OPTIONAL_TOKEN |= {("get", "/api/v1/practices/{slug}")}
OWN_ERROR_SCHEMA |= {("post", "/api/v1/practices/import", "422")}


def test_openapi_lists_the_practice_endpoints_with_summaries(schema):
    practices = {
        (method, path): operation
        for method, path, operation in operations(schema)
        if path.startswith("/api/v1/practices")
    }

    assert set(practices) == PRACTICE_ENDPOINTS
    assert {tuple(op["tags"]) for op in practices.values()} == {("practices",)}
    summaries = {key: op["summary"] for key, op in practices.items()}
    assert summaries[("get", "/api/v1/practices")] == "Search published practices"
    assert summaries[("post", "/api/v1/practices/{slug}/review")] == "Review a submitted version"
    assert summaries[("get", "/api/v1/practices/{slug}/fit")] == (
        "Does a published practice fit a region?"
    )
    assert all(summary.strip() for summary in summaries.values())


def test_openapi_practice_search_takes_every_facet_repeatable(schema):
    from kotacerdas.practices.search import FACETS

    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/practices"]["get"]["parameters"]}

    assert list(parameters) == ["q", *FACETS, "page", "page_size"]
    assert {name: parameters[name]["schema"]["type"] for name in FACETS} == dict.fromkeys(
        FACETS, "array"
    )
    assert parameters["page_size"]["schema"]["maximum"] == 100


def test_openapi_practice_bodies_list_choices_and_have_examples(schema):
    components = schema["components"]["schemas"]
    record = components["PracticeRecordIn"]

    assert record["examples"][0]["outcomes"][0]["pad"] is True
    assert record["properties"]["stage"]["enum"] == ["initiative", "trial", "applied"]
    assert record["properties"]["pillars"]["items"]["enum"] == [
        "GOV",
        "BRD",
        "ECO",
        "LIV",
        "SOC",
        "ENV",
    ]
    assert components["PracticeReviewIn"]["properties"]["action"]["enum"] == [
        "start",
        "return",
        "publish",
    ]
    assert set(components["PracticeCreateIn"]["required"]) >= {"title", "lead_region"}


def test_openapi_component_names_belong_to_one_schema_each(schema):
    """ninja names a component after its class: two routers' classes of the same name would
    silently replace each other in the schema."""
    from ninja import Schema

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    owners: dict[str, set[str]] = {}
    for cls in subclasses(Schema):
        if cls.__module__.startswith("kotacerdas."):
            owners.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")

    shared = {
        name: sorted(classes)
        for name, classes in owners.items()
        if name in schema["components"]["schemas"] and len(classes) > 1
    }
    assert shared == {}


# --- events --------------------------------------------------------------------------------
# Its router is registered at /events. Participant lists and attendance take the token
# optionally in the schema's terms (a 401 without one) and add a 403 for the wrong user.

EVENT_ENDPOINTS = {
    ("get", "/api/v1/events"),
    ("get", "/api/v1/events/{slug}"),
    ("get", "/api/v1/events/{slug}/sessions"),
    ("get", "/api/v1/events/{slug}/delegations"),
    ("post", "/api/v1/events/{slug}/delegations"),
    ("get", "/api/v1/events/{slug}/delegations/{code}/registrations"),
    ("post", "/api/v1/events/{slug}/delegations/{code}/registrations"),
    ("post", "/api/v1/events/{slug}/registrations/{registration_id}/cancel"),
    ("post", "/api/v1/events/{slug}/registrations/{registration_id}/approve"),
    ("get", "/api/v1/events/{slug}/quotas"),
    ("put", "/api/v1/events/{slug}/quotas"),
    ("post", "/api/v1/events/{slug}/checkin"),
    ("get", "/api/v1/events/{slug}/attendance"),
    ("get", "/api/v1/events/certificates/{code}"),
}
EVENT_PROTECTED_READS = {
    ("get", "/api/v1/events/{slug}/delegations/{code}/registrations"),
    ("get", "/api/v1/events/{slug}/attendance"),
}
ENDPOINTS |= EVENT_ENDPOINTS
OPTIONAL_TOKEN |= EVENT_PROTECTED_READS
EXTRA_ERRORS.update({key: {"403"} for key in EVENT_PROTECTED_READS})


def test_openapi_lists_the_event_endpoints_with_one_tag(schema):
    events = {
        (method, path): operation
        for method, path, operation in operations(schema)
        if path.startswith("/api/v1/events")
    }

    assert set(events) == EVENT_ENDPOINTS
    assert {tuple(op["tags"]) for op in events.values()} == {("events",)}
    assert events[("get", "/api/v1/events/certificates/{code}")]["summary"] == (
        "Verify a certificate of attendance"
    )


# --- masterplans ---------------------------------------------------------------------------
# Its router is registered at /masterplans. Masterplans are the region's working documents:
# every read needs a token (optional in the schema's terms: a 401 without one), and the
# reads of one plan add a 403 for the wrong user; the list filters by region (a 404 for an
# unknown one).

MASTERPLAN_ENDPOINTS = {
    ("get", "/api/v1/masterplans"),
    ("post", "/api/v1/masterplans"),
    ("get", "/api/v1/masterplans/{plan_id}"),
    ("get", "/api/v1/masterplans/{plan_id}/versions/{number}"),
    ("post", "/api/v1/masterplans/{plan_id}/versions"),
    ("get", "/api/v1/masterplans/{plan_id}/versions/{number}/comments"),
    ("post", "/api/v1/masterplans/{plan_id}/versions/{number}/comments"),
    ("get", "/api/v1/masterplans/{plan_id}/scorecards"),
    ("post", "/api/v1/masterplans/{plan_id}/scorecards/{year}"),
}
MASTERPLAN_READS = {(m, p) for m, p in MASTERPLAN_ENDPOINTS if m == "get"}
ENDPOINTS |= MASTERPLAN_ENDPOINTS
OPTIONAL_TOKEN |= MASTERPLAN_READS
EXTRA_ERRORS.update({key: {"403"} for key in MASTERPLAN_READS})
EXTRA_ERRORS[("get", "/api/v1/masterplans")] = {"404"}


def test_openapi_lists_the_masterplan_endpoints_with_one_tag(schema):
    masterplans = {
        (method, path): operation
        for method, path, operation in operations(schema)
        if path.startswith("/api/v1/masterplans")
    }

    assert set(masterplans) == MASTERPLAN_ENDPOINTS
    assert {tuple(op["tags"]) for op in masterplans.values()} == {("masterplans",)}
    assert masterplans[("post", "/api/v1/masterplans")]["summary"] == "Draft a masterplan"
    components = schema["components"]["schemas"]
    assert components["MasterplanCommentIn"]["properties"]["section"]["enum"][:2] == [
        "vision",
        "profile",
    ]
    assert components["MasterplanCreateIn"]["examples"][0]["region"] == "53.71"
