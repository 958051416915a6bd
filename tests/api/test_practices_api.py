"""The best-practice library through the API: search, records, the review workflow,
adoption, questions, transferability, recommendations, the learning network and imports.

Who may do what is in ``test_practices_permissions.py``; here each endpoint's answer is
compared whole with what the records say.
"""

from __future__ import annotations

import copy
import json
import logging
import typing
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation

from kotacerdas.assessments.models import ReadinessResponse
from kotacerdas.core.models import AuditEvent
from kotacerdas.practices import search, services, taxonomy
from kotacerdas.practices.api import schemas as practices_api
from kotacerdas.practices.models import (
    PILLARS,
    Form,
    Funding,
    Initiator,
    Language,
    Practice,
    PracticeVersion,
    Prerequisite,
    Replication,
    Review,
    Stage,
)

from ..practices.fixtures import RECORD, SCORES, make_practice, make_record, publish

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

INVALID = "Some values are not valid; see the fields."
SLUG = "pajak-restoran-daring-dengan-perekam-transaksi"
URL = f"http://testserver/practices/{SLUG}/"
KUPANG = {"code": "53.71", "name": "Kota Kupang", "kind": "kota"}
SUMBA = {"code": "53.11", "name": "Kabupaten Sumba Timur", "kind": "kabupaten"}
KABUPATEN_KUPANG = {"code": "53.01", "name": "Kabupaten Kupang", "kind": "kabupaten"}
DENPASAR = {"code": "51.71", "name": "Kota Denpasar", "kind": "kota"}
REVIEW = {"total": 27, "max_total": 35, "scores": SCORES, "verified": True}


def error(status: int, code: str, message: str, fields: list[Any] | None = None) -> dict:
    return {"error": {"status": status, "code": code, "message": message, "fields": fields or []}}


def not_found(message: str) -> dict:
    return error(404, "not_found", message)


def invalid(*fields: tuple[str | None, str]) -> dict:
    return error(422, "validation_error", INVALID, [{"field": f, "message": m} for f, m in fields])


def stamp(value: Any) -> str | None:
    """A date-time as the API writes it (UTC, milliseconds, ``Z``)."""
    return None if value is None else DjangoJSONEncoder().default(value)


def record_out(record: dict[str, Any] = RECORD) -> dict[str, Any]:
    """A record as the API returns it: every prerequisite field present, null if unset."""
    out = copy.deepcopy(record)
    out["prerequisites"] = [
        {"min_budget_idr": None, "readiness": None, "min_level": None, **need}
        for need in record["prerequisites"]
    ]
    return out


def body_of(record: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {**(record or make_record()), **extra}


def version_json(version: PracticeVersion) -> dict[str, Any]:
    version.refresh_from_db()
    return {
        "number": version.number,
        "status": version.status,
        "change_note": version.change_note,
        "created_at": stamp(version.created_at),
        "submitted_at": stamp(version.submitted_at),
        "published_at": stamp(version.published_at),
    }


def times(practice: Practice, version: PracticeVersion) -> dict[str, Any]:
    """The time stamps of a detail, read back from the database."""
    practice.refresh_from_db()
    version.refresh_from_db()
    return {
        "created_at": stamp(version.created_at),
        "submitted_at": stamp(version.submitted_at),
        "published_at": stamp(version.published_at),
        "first_published_at": stamp(practice.first_published_at),
    }


def api_events() -> list[tuple[str, str, str, str]]:
    return list(
        AuditEvent.objects.filter(channel=AuditEvent.Channel.API)
        .order_by("id")
        .values_list("actor__username", "action", "object_type", "region_code")
    )


def post(api, path: str, body: Any, headers: dict[str, str]):
    return api.post(path, body, content_type="application/json", headers=headers)


def put(api, path: str, body: Any, headers: dict[str, str]):
    return api.put(path, body, content_type="application/json", headers=headers)


# --- the schemas follow the models -----------------------------------------------------------


@pytest.mark.parametrize(
    ("literal", "choices"),
    [
        (practices_api.Language, Language.values),
        (practices_api.Stage, Stage.values),
        (practices_api.PracticeForm, Form.values),
        (practices_api.Initiator, Initiator.values),
        (practices_api.Funding, Funding.values),
        (practices_api.PrerequisiteKind, Prerequisite.Kind.values),
        (practices_api.VersionStatus, PracticeVersion.Status.values),
        (practices_api.ReplicationStatus, Replication.Status.values),
        (practices_api.ReviewDecision, Review.Decision.values),
        (practices_api.Pillar, list(PILLARS)),
        (practices_api.Pillar, list(taxonomy.pillar_codes())),
    ],
)
def test_schema_choices_are_the_models_choices(literal, choices):
    assert list(typing.get_args(literal)) == list(choices)


def test_search_parameters_are_the_search_facets():
    fields = list(practices_api.SearchIn.model_fields)

    assert fields == ["q", *search.FACETS, "page", "page_size"]


# --- search ----------------------------------------------------------------------------------


def card(practice: Practice, **overrides: Any) -> dict[str, Any]:
    version = practice.published_version
    return {
        "slug": practice.slug,
        "title": version.title,
        "summary": version.summary,
        # without a query, the start of the summary (as HTML)
        "snippet": version.summary,
        "lead_region": KUPANG,
        "pillars": ["ECO", "GOV"],
        "stage": "applied",
        "digital": True,
        "is_demo": False,
        "verified": True,
        "review_score": 27,
        "pad_effect": {"amount": 1_900_000_000, "years": 2},
        "url": f"http://testserver/practices/{practice.slug}/",
        **overrides,
    }


def facet(value: str, label: str, count: int = 1, selected: bool = False) -> dict[str, Any]:
    return {"value": value, "label": label, "count": count, "selected": selected}


FACETS_OF_RECORD = {
    "pillar": [facet("ECO", "Smart Economy"), facet("GOV", "Smart Governance")],
    "province": [facet("53", "Nusa Tenggara Timur")],
    "kind": [facet("kota", "city (kota)")],
    "stage": [facet("applied", "applied")],
    "digital": [facet("yes", "yes")],
    "sdg": [facet("16", "SDG 16"), facet("8", "SDG 8")],
    "funding": [
        facet("apbd", "regional budget (APBD)"),
        facet("partnership", "partnership"),
    ],
    "cost_band": [facet("100m-1b", "Rp 100 million – 1 billion")],
    "year": [facet("2019", "2019")],
    "verified": [facet("yes", "yes")],
}


def test_list_shows_published_practices_with_facets(api, published_practice, officer):
    make_practice(officer, published_practice.lead_region, title="Draf yang belum terbit")

    response = api.get("/api/v1/practices")

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "page": 1,
        "pages": 1,
        "suggestion": None,
        # each facet's values by count, then by value
        "facets": FACETS_OF_RECORD,
        "items": [card(published_practice)],
    }


def test_list_searches_filters_and_pages(api, officer, kupang, secretariat):
    practices = [
        publish(make_practice(officer, kupang, title=f"Pajak daring {n}"), secretariat)
        for n in range(3)
    ]
    publish(
        make_practice(officer, kupang, title="Bank sampah", pillars=["ENV"], sub_elements=[]),
        secretariat,
        verified=False,
    )

    paged = api.get("/api/v1/practices", {"pillar": "ECO", "page": 2, "page_size": 2})
    unverified = api.get("/api/v1/practices", {"verified": "no"})
    nothing = api.get("/api/v1/practices", {"pillar": ["SOC", "LIV"]})

    assert paged.status_code == 200
    body = paged.json()
    assert (body["count"], body["page"], body["pages"], len(body["items"])) == (3, 2, 2, 1)
    assert body["items"][0]["slug"] in {p.slug for p in practices}
    assert facet("ECO", "Smart Economy", 3, True) in body["facets"]["pillar"]
    assert [item["slug"] for item in unverified.json()["items"]] == ["bank-sampah"]
    assert unverified.json()["items"][0]["verified"] is False
    assert (nothing.json()["count"], nothing.json()["items"]) == (0, [])


def test_list_highlights_matches_and_suggests_near_misses(api, published_practice):
    found = api.get("/api/v1/practices", {"q": "pajak"})
    missed = api.get("/api/v1/practices", {"q": "pjak restorn"})

    assert found.json()["items"] == [
        card(
            published_practice,
            snippet=(
                "Badan pendapatan daerah memasang perekam transaksi di restoran sehingga "
                "pembayaran <mark>pajak</mark> restoran tercatat otomatis dan pendapatan asli "
                "daerah naik."
            ),
        )
    ]
    assert {**missed.json(), "facets": None} == {
        "count": 0,
        "page": 1,
        "pages": 1,
        "suggestion": "pajak restoran",
        "facets": None,
        "items": [],
    }


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"page_size": 101}, "page_size", "Enter a value of at most 100."),
        ({"page_size": 0}, "page_size", "Enter a value of at least 1."),
        ({"page": 0}, "page", "Enter a value of at least 1."),
        ({"page": "x"}, "page", "Enter a whole number."),
        ({"q": "pajak\x00"}, "q", "Remove the control characters from the search text."),
        ({"q": "x" * 201}, "q", "Use at most 200 characters."),
    ],
)
def test_list_bad_parameters_are_422_naming_them(api, db, query, field, message):
    response = api.get("/api/v1/practices", query)

    assert response.status_code == 422
    assert response.json() == invalid((field, message))


# --- one practice ----------------------------------------------------------------------------


def test_detail_of_a_published_practice_is_public(api, published_practice):
    version = published_practice.published_version

    response = api.get(f"/api/v1/practices/{SLUG}")

    assert response.status_code == 200
    assert response.json() == {
        **record_out(),
        "slug": SLUG,
        "lead_region": KUPANG,
        "version": 1,
        "status": "published",
        "change_note": "",
        "is_demo": False,
        **times(published_practice, version),
        "review": REVIEW,
        "reviews": None,
        "replications": [],
        "versions": [version_json(version)],
        "url": URL,
    }


def test_detail_of_a_draft_shows_its_region_everything(api, draft_practice, officer, bearer):
    version = draft_practice.versions.get()

    response = api.get(f"/api/v1/practices/{SLUG}", headers=bearer(officer))

    assert response.status_code == 200
    assert response.json() == {
        **record_out(),
        "slug": SLUG,
        "lead_region": KUPANG,
        "version": 1,
        "status": "draft",
        "change_note": "",
        "is_demo": False,
        **times(draft_practice, version),
        "review": None,
        "reviews": [],
        "replications": [],
        "versions": [version_json(version)],
        "url": URL,
    }


@pytest.mark.parametrize("who", ["anonymous", "other_officer"])
def test_detail_of_a_draft_is_404_for_others(api, request, draft_practice, bearer, who):
    headers = {} if who == "anonymous" else bearer(request.getfixturevalue(who))

    response = api.get(f"/api/v1/practices/{SLUG}", headers=headers)

    assert response.status_code == 404
    assert response.json() == not_found(f"No practice has the short name “{SLUG}”.")


def test_detail_versions_follow_who_asks(api, published_practice, officer, bearer):
    draft = services.start_new_version(
        actor=officer, practice=published_practice, change_note="Angka 2022"
    )
    headers = bearer(officer)

    public = api.get(f"/api/v1/practices/{SLUG}")
    own = api.get(f"/api/v1/practices/{SLUG}", headers=headers)
    own_draft = api.get(f"/api/v1/practices/{SLUG}?version=2", headers=headers)
    public_draft = api.get(f"/api/v1/practices/{SLUG}?version=2")
    missing = api.get(f"/api/v1/practices/{SLUG}?version=9", headers=headers)

    published = published_practice.published_version
    assert (public.json()["version"], public.json()["versions"]) == (1, [version_json(published)])
    assert (own.json()["version"], own.json()["status"]) == (1, "published")
    assert own.json()["versions"] == [version_json(draft), version_json(published)]
    assert (own_draft.json()["version"], own_draft.json()["status"]) == (2, "draft")
    assert own_draft.json()["change_note"] == "Angka 2022"
    assert (own_draft.json()["review"], own_draft.json()["reviews"]) == (None, [])
    assert public_draft.status_code == 404
    assert public_draft.json() == not_found(f"No practice has the short name “{SLUG}”.")
    assert missing.json() == not_found(f"The practice “{SLUG}” has no version 9.")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/v1/practices/tidak-ada", "No practice has the short name “tidak-ada”."),
        ("/api/v1/practices/Tidak%20Ada", "No practice has the short name “Tidak Ada”."),
        ("/api/v1/practices/tidak-ada/questions", "No practice has the short name “tidak-ada”."),
        (
            "/api/v1/practices/tidak-ada/fit?region=53.11",
            "No practice has the short name “tidak-ada”.",
        ),
    ],
)
def test_unknown_practice_is_404(api, db, path, message):
    response = api.get(path)

    assert response.status_code == 404
    assert response.json() == not_found(message)


def test_detail_bad_version_is_422(api, published_practice):
    response = api.get(f"/api/v1/practices/{SLUG}?version=0")

    assert response.json() == invalid(("version", "Enter a value of at least 1."))


# --- writing ---------------------------------------------------------------------------------


def test_create_returns_the_new_draft(api, kupang, officer, bearer):
    response = post(
        api, "/api/v1/practices", body_of(lead_region="5371", slug="pajak-resto"), bearer(officer)
    )

    assert response.status_code == 201
    practice = Practice.objects.get()
    version = practice.versions.get()
    assert response.json() == {
        **record_out(),
        "slug": "pajak-resto",
        "lead_region": KUPANG,
        "version": 1,
        "status": "draft",
        "change_note": "",
        "is_demo": False,
        **times(practice, version),
        "review": None,
        "reviews": [],
        "replications": [],
        "versions": [version_json(version)],
        "url": "http://testserver/practices/pajak-resto/",
    }
    assert (practice.lead_region, practice.created_by, version.author) == (kupang, officer, officer)
    assert api_events() == [("officer.kupang", "create", "practices.practice", "53.71")]


def test_create_makes_a_slug_and_marks_demo_content(api, kupang, secretariat, bearer):
    response = post(
        api, "/api/v1/practices", body_of(lead_region="53.71", is_demo=True), bearer(secretariat)
    )

    assert response.status_code == 201
    assert (response.json()["slug"], response.json()["is_demo"]) == (SLUG, True)
    assert Practice.objects.get().is_demo is True


def test_create_reports_every_content_problem_with_its_field(api, kupang, officer, bearer):
    record = make_record(
        summary="kata " * 251,
        pillars=["ECO"],
        sub_elements=["GOV.POL"],
        outcomes=[
            {**RECORD["outcomes"][0], "unit": "rupiah"},
            {**RECORD["outcomes"][0], "year": 1800},
        ],
        contacts=[{"name": "Bapenda", "email": "bukan-alamat"}],
    )

    response = post(api, "/api/v1/practices", body_of(record, lead_region="53.71"), bearer(officer))

    assert response.status_code == 422
    assert response.json() == invalid(
        ("summary", "The summary has 251 words; at most 250."),
        ("sub_elements", "Sub-element GOV.POL belongs to pillar GOV, which is not listed."),
        (
            "outcomes.0.unit",
            "An effect on own-source revenue (PAD) is given in rupiah: the unit must be “IDR”.",
        ),
        ("outcomes.1.year", "Must be at least 1990."),
        ("outcomes.1.baseline_year", "The baseline year is after the outcome year."),
        ("contacts.0.email", "“bukan-alamat” is not an e-mail address."),
    )
    assert not Practice.objects.exists()


def test_create_with_unknown_partner_or_lead_as_partner_is_422(api, kupang, officer, bearer):
    record = make_record(partner_regions=["5371", "99.99"])

    response = post(api, "/api/v1/practices", body_of(record, lead_region="53.71"), bearer(officer))

    assert response.json() == invalid(
        ("partner_regions", "Unknown region code “99.99”."),
        ("partner_regions", "The lead region cannot also be a partner."),
    )
    assert not Practice.objects.exists()


def test_create_checks_the_shape_of_the_body(api, kupang, officer, bearer):
    record = make_record(stage="later", pillars=["XYZ"], budget_idr=10**30, colour="red")
    del record["title"]

    response = post(api, "/api/v1/practices", body_of(record, lead_region="53.71"), bearer(officer))

    assert response.status_code == 422
    assert response.json() == invalid(
        ("title", "This field is required."),
        ("pillars.0", "Choose one of: 'GOV', 'BRD', 'ECO', 'LIV', 'SOC' or 'ENV'."),
        ("stage", "Choose one of: 'initiative', 'trial' or 'applied'."),
        ("budget_idr", "Enter a value of at most 9223372036854775807."),
        ("colour", "This field is not accepted here."),
    )


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"lead_region": "99.99"}, "lead_region", "No current kabupaten/kota has the code 99.99."),
        (
            {"lead_region": "kupang"},
            "lead_region",
            "“kupang” is not a Kemendagri code. Use the dotted form such as 53.71 or the digits 5371.",
        ),
        (
            {"lead_region": "53.71", "slug": "Pajak Resto"},
            "slug",
            "The value does not have the expected form.",
        ),
    ],
)
def test_create_bad_region_or_slug_is_422(api, kupang, officer, bearer, extra, field, message):
    response = post(api, "/api/v1/practices", body_of(**extra), bearer(officer))

    assert response.json() == invalid((field, message))


def test_create_with_a_slug_taken_is_422(api, draft_practice, officer, bearer):
    response = post(
        api, "/api/v1/practices", body_of(lead_region="53.71", slug=SLUG), bearer(officer)
    )

    assert response.json() == invalid(("slug", f"A practice with the short name “{SLUG}” exists."))
    assert Practice.objects.count() == 1


def test_workflow_from_draft_to_publication(
    api, kupang, officer, secretariat, bearer, django_capture_on_commit_callbacks
):
    writer, reviewer = bearer(officer), bearer(secretariat)
    path = f"/api/v1/practices/{SLUG}"
    draft = make_record(narrative={**RECORD["narrative"], "results": ""})

    with django_capture_on_commit_callbacks(execute=True):
        created = post(api, "/api/v1/practices", body_of(draft, lead_region="53.71"), writer)
        incomplete = post(api, f"{path}/submit", {}, writer)
        put(api, path, make_record(), writer)
        submitted = post(api, f"{path}/submit", {}, writer)
        started = post(api, f"{path}/review", {"action": "start"}, reviewer)
        returned = post(
            api,
            f"{path}/review",
            {
                "action": "return",
                "comment": "Lampirkan laporan Bapenda.",
                "scores": {"evidence": 2},
            },
            reviewer,
        )
        seen_by_writer = api.get(path, headers=writer)
        revised = put(
            api,
            path,
            make_record(change_note="Laporan dilampirkan", summary="Ringkasan baru."),
            writer,
        )
        resubmitted = post(api, f"{path}/submit", {}, writer)
        restarted = post(api, f"{path}/review", {"action": "start"}, reviewer)
        published = post(
            api,
            f"{path}/review",
            {"action": "publish", "scores": SCORES, "verified": True, "comment": "Baik."},
            reviewer,
        )
        public = api.get(path)
        listed = api.get("/api/v1/practices", {"q": "pajak restoran"})

    assert created.status_code == 201
    assert incomplete.json() == invalid(("narrative.results", "This section is empty."))
    assert [r.json()["status"] for r in (submitted, started, returned)] == [
        "submitted",
        "in_review",
        "returned",
    ]
    assert seen_by_writer.json()["reviews"] == [
        {
            "decision": "returned",
            "scores": {"evidence": 2},
            "total": 2,
            "verified": False,
            "comment": "Lampirkan laporan Bapenda.",
            "created_at": stamp(Review.objects.get(decision="returned").created_at),
        }
    ]
    assert (revised.json()["status"], revised.json()["summary"]) == ("returned", "Ringkasan baru.")
    assert [r.json()["status"] for r in (resubmitted, restarted, published)] == [
        "submitted",
        "in_review",
        "published",
    ]
    practice = Practice.objects.get()
    version = practice.versions.get()
    assert public.status_code == 200
    assert public.json() == {
        **record_out(make_record(summary="Ringkasan baru.")),
        "slug": SLUG,
        "lead_region": KUPANG,
        "version": 1,
        "status": "published",
        "change_note": "Laporan dilampirkan",
        "is_demo": False,
        **times(practice, version),
        "review": REVIEW,
        "reviews": None,
        "replications": [],
        "versions": [version_json(version)],
        "url": URL,
    }
    assert [item["slug"] for item in listed.json()["items"]] == [SLUG]
    assert [event[1:3] for event in api_events()] == [
        ("create", "practices.practice"),
        ("update", "practices.practiceversion"),  # the first PUT
        ("update", "practices.practiceversion"),  # submitted
        ("update", "practices.practiceversion"),  # in review
        ("update", "practices.practiceversion"),  # returned
        ("update", "practices.practiceversion"),  # revised
        ("update", "practices.practiceversion"),  # submitted again
        ("update", "practices.practiceversion"),  # in review again
        ("update", "practices.practiceversion"),  # published
    ]


def test_edit_or_submit_at_the_wrong_step_is_422(api, submitted_version, officer, bearer):
    path = f"/api/v1/practices/{SLUG}"

    edited = put(api, path, make_record(title="Judul baru"), bearer(officer))
    submitted = post(api, f"{path}/submit", {}, bearer(officer))

    assert edited.json() == invalid(
        (None, "Version 1 is submitted; only a draft or a returned version can be edited.")
    )
    assert submitted.json() == invalid(
        (None, "Version 1 is submitted; only a draft or a returned version can be submitted.")
    )
    submitted_version.refresh_from_db()
    assert (submitted_version.title, submitted_version.status) == (RECORD["title"], "submitted")


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("start", "Version 1 is draft; “start” needs a version that is submitted."),
        ("return", "Version 1 is draft; “return” needs a version that is in review."),
        ("publish", "Version 1 is draft; “publish” needs a version that is in review."),
    ],
)
def test_review_at_the_wrong_step_is_422(api, draft_practice, secretariat, bearer, action, message):
    response = post(
        api,
        f"/api/v1/practices/{SLUG}/review",
        {"action": action, "scores": SCORES, "comment": "x"},
        bearer(secretariat),
    )

    assert response.json() == invalid((None, message))
    assert draft_practice.versions.get().status == "draft"


def test_publish_needs_a_score_for_every_criterion(api, review_version, secretariat, bearer):
    response = post(
        api,
        f"/api/v1/practices/{SLUG}/review",
        {"action": "publish", "scores": {"impact": 6, "charm": 5}},
        bearer(secretariat),
    )

    assert response.json() == invalid(
        ("scores.impact", "A score is a whole number from 1 to 5."),
        *[
            (f"scores.{code}", "Score every criterion from 1 to 5.")
            for code in taxonomy.CRITERION_CODES[1:]
        ],
        ("scores.charm", "Unknown criterion."),
    )
    review_version.refresh_from_db()
    assert review_version.status == "in_review"


def test_return_needs_a_comment(api, review_version, secretariat, bearer):
    response = post(
        api, f"/api/v1/practices/{SLUG}/review", {"action": "return"}, bearer(secretariat)
    )

    assert response.json() == invalid(("comment", "Say what needs to change."))


def test_new_version_copies_the_published_one_once(api, published_practice, officer, bearer):
    path = f"/api/v1/practices/{SLUG}/versions"

    first = post(api, path, {"change_note": "Angka 2022"}, bearer(officer))
    again = post(api, path, {}, bearer(officer))
    edited = put(api, f"/api/v1/practices/{SLUG}", make_record(title="Judul 2022"), bearer(officer))
    public = api.get(f"/api/v1/practices/{SLUG}")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() | {"versions": None} == {
        **record_out(),
        "slug": SLUG,
        "lead_region": KUPANG,
        "version": 2,
        "status": "draft",
        "change_note": "Angka 2022",
        "is_demo": False,
        **times(published_practice, published_practice.versions.get(number=2)),
        "first_published_at": stamp(published_practice.first_published_at),
        "review": None,
        "reviews": [],
        "replications": [],
        "versions": None,
        "url": URL,
    }
    assert (again.json()["version"], edited.json()["title"]) == (2, "Judul 2022")
    assert (public.json()["version"], public.json()["title"]) == (1, RECORD["title"])


def test_new_version_of_an_unpublished_practice_is_422(api, draft_practice, officer, bearer):
    response = post(api, f"/api/v1/practices/{SLUG}/versions", {}, bearer(officer))

    assert response.json() == invalid(
        (None, "The practice is not published yet; edit its version 1 instead.")
    )


# --- adoption and questions ------------------------------------------------------------------


def test_adopting_records_then_updates_the_adoption(
    api, published_practice, other_officer, sumba, bearer
):
    path = f"/api/v1/practices/{SLUG}/adopt"

    planned = post(
        api, path, {"status": "planned", "notes": "Studi banding"}, bearer(other_officer)
    )
    adopted = post(
        api,
        path,
        {
            "region": "5311",
            "status": "adopted",
            "started_on": "2023-01-02",
            "ended_on": "2024-06-30",
        },
        bearer(other_officer),
    )
    detail = api.get(f"/api/v1/practices/{SLUG}")

    replication = Replication.objects.get()
    expected = {
        "practice": SLUG,
        "region": SUMBA,
        "status": "adopted",
        "started_on": "2023-01-02",
        "ended_on": "2024-06-30",
        "notes": "",
        "is_demo": False,
        "updated_at": stamp(replication.updated_at),
    }
    assert (planned.status_code, adopted.status_code) == (201, 200)
    assert planned.json()["status"] == "planned"
    assert adopted.json() == expected
    assert detail.json()["replications"] == [expected]


def test_adoption_problems_are_422_naming_the_field(
    api, published_practice, other_officer, secretariat, kabupaten_kupang, bearer
):
    path = f"/api/v1/practices/{SLUG}/adopt"

    elsewhere = post(api, path, {"region": "53.01", "status": "planned"}, bearer(other_officer))
    no_region = post(api, path, {"status": "planned"}, bearer(secretariat))
    ended = post(
        api,
        path,
        {"region": "53.01", "status": "planned", "ended_on": "2024-01-01"},
        bearer(secretariat),
    )
    status = post(api, path, {"region": "53.01", "status": "done"}, bearer(secretariat))

    assert elsewhere.json() == invalid(
        ("region", "An officer records adoptions for their own region only.")
    )
    assert no_region.json() == invalid(("region", "Name the adopting region."))
    assert ended.json() == invalid(
        ("ended_on", "Only an adoption that is done or stopped has an end date.")
    )
    assert status.json() == invalid(
        ("status", "Choose one of: 'planned', 'in_progress', 'adopted' or 'stopped'.")
    )
    assert not Replication.objects.exists()


def test_adopting_an_unpublished_practice_is_422_for_the_secretariat(
    api, draft_practice, secretariat, sumba, bearer
):
    response = post(
        api,
        f"/api/v1/practices/{SLUG}/adopt",
        {"region": "53.11", "status": "planned"},
        bearer(secretariat),
    )

    assert response.json() == invalid((None, "Only a published practice can be adopted."))


def test_questions_and_answers(
    api,
    published_practice,
    officer,
    other_officer,
    secretariat,
    bearer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    path = f"/api/v1/practices/{SLUG}/questions"

    with django_capture_on_commit_callbacks(execute=True):
        asked = post(api, path, {"text": "Berapa biaya per restoran?"}, bearer(other_officer))
        question_id = asked.json()["id"]
        answered = post(
            api, f"{path}/{question_id}/answers", {"text": "Sekitar Rp 5 juta."}, bearer(officer)
        )
        by_secretariat = post(
            api,
            f"{path}/{question_id}/answers",
            {"text": "Lihat juga lampiran."},
            bearer(secretariat),
        )
    listed = api.get(path)

    question = published_practice.questions.get()
    first, second = question.answers.order_by("pk")
    answer = {
        "id": first.pk,
        "region": KUPANG,
        "text": "Sekitar Rp 5 juta.",
        "created_at": stamp(first.created_at),
        "is_demo": False,
    }
    answer_2 = {
        "id": second.pk,
        "region": None,
        "text": "Lihat juga lampiran.",
        "created_at": stamp(second.created_at),
        "is_demo": False,
    }
    assert asked.status_code == 201
    assert asked.json() == {
        "id": question.pk,
        "region": SUMBA,
        "text": "Berapa biaya per restoran?",
        "created_at": stamp(question.created_at),
        "is_demo": False,
        "answers": [],
    }
    assert (answered.status_code, answered.json()) == (201, answer)
    assert by_secretariat.json() == answer_2
    assert listed.json() == {"count": 1, "items": [{**asked.json(), "answers": [answer, answer_2]}]}
    assert sorted(m.to[0] for m in mailoutbox) == [
        "officer.kupang@example.org",
        "officer.sumba@example.org",
        "officer.sumba@example.org",
    ]


def test_question_problems(
    api, published_practice, draft_practice_2, other_officer, officer, bearer
):
    path = f"/api/v1/practices/{SLUG}/questions"

    empty = post(api, path, {"text": "  "}, bearer(other_officer))
    unknown = post(api, f"{path}/999/answers", {"text": "Ya."}, bearer(officer))
    about_draft = api.get(f"/api/v1/practices/{draft_practice_2.slug}/questions")

    assert empty.json() == invalid(("text", "This field is required."))
    assert unknown.json() == not_found(f"The practice “{SLUG}” has no question with the id 999.")
    assert about_draft.json() == not_found(
        f"No practice has the short name “{draft_practice_2.slug}”."
    )


@pytest.fixture
def draft_practice_2(officer, kupang):
    return make_practice(officer, kupang, title="Bank Sampah Digital")


# --- transferability, recommendations, the network -------------------------------------------


@pytest.fixture
def sumba_readiness(questionnaire, sumba):
    return ReadinessResponse.objects.create(
        questionnaire=questionnaire,
        region=sumba,
        year=2024,
        answers={"STR.FIN.1": {"level": 2}, "SUP.REG.2": {"level": 3}},
        is_demo=True,
    )


def english(function, *args):
    with translation.override("en"):
        return function(*args)


def test_fit_compares_prerequisites_with_the_region(api, published_practice, sumba_readiness):
    response = api.get(f"/api/v1/practices/{SLUG}/fit", {"region": "5311"})

    question = english(taxonomy.readiness_question, "STR.FIN.1")
    assert response.status_code == 200
    assert response.json() == {
        "slug": SLUG,
        "region": SUMBA,
        "score": 75,
        "items": [
            {
                "prerequisite": {
                    "kind": "budget",
                    "description": "Anggaran awal perangkat perekam",
                },
                "status": "partly",
                "reason": (
                    "Readiness STR.FIN.1 is at level 2 in 2024 (demo answer); level 3 is needed. "
                    "The budget of Rp 500.0 million cannot be compared: your region's PAD per "
                    "capita or population is not known."
                ),
                "need": f"Raise STR.FIN.1 (“{question}”) from level 2 to 3.",
            },
            {
                "prerequisite": {
                    "kind": "regulation",
                    "description": "Peraturan kepala daerah tentang pajak daerah elektronik",
                },
                "status": "met",
                "reason": "Readiness SUP.REG.2 is at level 3 in 2024 (demo answer); level 2 is needed.",
                "need": "",
            },
        ],
        "needs_first": [f"Raise STR.FIN.1 (“{question}”) from level 2 to 3."],
        "unknown": 0,
        "similarities": [],
        "is_demo": False,
        "facts_demo": True,
    }


@pytest.mark.parametrize(
    ("query", "status", "body"),
    [
        ({"region": "53.99"}, 404, not_found("No kabupaten/kota has the code 53.99.")),
        (
            {"region": "abc"},
            422,
            invalid(
                (
                    "region",
                    "“abc” is not a Kemendagri code. Use the dotted form such as 53.71 or the digits 5371.",
                )
            ),
        ),
        ({}, 422, invalid(("region", "This field is required."))),
    ],
)
def test_fit_needs_a_known_region(api, published_practice, query, status, body):
    response = api.get(f"/api/v1/practices/{SLUG}/fit", query)

    assert (response.status_code, response.json()) == (status, body)


def test_fit_of_an_unpublished_practice_is_404(api, draft_practice, sumba):
    response = api.get(f"/api/v1/practices/{SLUG}/fit", {"region": "53.11"})

    assert response.json() == not_found(f"No practice has the short name “{SLUG}”.")


def test_recommendations_for_a_region_with_stated_priorities(api, published_practice, sumba):
    services.set_priorities(actor=None, region=sumba, pillars=["ECO", "ENV"])

    response = api.get("/api/v1/practices/recommendations/5311")

    assert response.status_code == 200
    assert response.json() == {
        "region": SUMBA,
        "facts": {
            "source": "stated",
            "weak_pillars": [
                {"code": "ECO", "name": "Smart Economy", "score": None},
                {"code": "ENV", "name": "Smart Environment", "score": None},
            ],
            "results_year": None,
            "results_demo": False,
            "population_class": "small",
            "fiscal_class": "unknown",
            "fiscal_year": None,
            "fiscal_demo": False,
            "readiness_year": None,
            "readiness_demo": False,
        },
        "items": [
            {
                "slug": SLUG,
                "title": RECORD["title"],
                "lead_region": KUPANG,
                # 2 × weight 3 for ECO, verified 1, PAD effect 1, review 27/35.
                "score": 8.771,
                "reason": (
                    "Addresses Smart Economy, a priority you stated; from Kota Kupang; raised "
                    "PAD by Rp 1.9 billion in 2 years (verified)"
                ),
                "pillars": ["ECO"],
                "verified": True,
                "adopters": 0,
                "pad_effect": {"amount": 1_900_000_000, "years": 2},
                "is_demo": False,
                "url": URL,
            }
        ],
    }


def test_recommendations_leave_out_the_regions_own_and_adopted_practices(
    api, published_practice, sumba
):
    own = api.get("/api/v1/practices/recommendations/53.71")
    services.record_adoption(
        actor=None, practice=published_practice, region=sumba, status="in_progress"
    )
    adopted = api.get("/api/v1/practices/recommendations/53.11?limit=5")

    assert (own.json()["items"], own.json()["facts"]["source"]) == ([], "none")
    assert adopted.json()["items"] == []


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        (
            "/api/v1/practices/recommendations/53.99",
            404,
            not_found("No kabupaten/kota has the code 53.99."),
        ),
        (
            "/api/v1/practices/recommendations/53",
            422,
            invalid(
                ("region_code", "“53” is not a kabupaten/kota code; it should look like 53.71.")
            ),
        ),
        (
            "/api/v1/practices/recommendations/53.71?limit=51",
            422,
            invalid(("limit", "Enter a value of at most 50.")),
        ),
    ],
)
def test_recommendations_need_a_known_region(api, kupang, path, status, body):
    response = api.get(path)

    assert (response.status_code, response.json()) == (status, body)


def test_network_shows_who_learns_from_whom(api, published_practice, sumba, kabupaten_kupang, bali):
    for region, status in (
        (sumba, "in_progress"),
        (kabupaten_kupang, "adopted"),
        (bali, "stopped"),
    ):
        services.record_adoption(
            actor=None, practice=published_practice, region=region, status=status
        )

    response = api.get("/api/v1/practices/network")

    assert response.status_code == 200
    assert response.json() == {
        "edges": [
            {"source": KUPANG, "target": KABUPATEN_KUPANG, "practices": 1},
            {"source": KUPANG, "target": SUMBA, "practices": 1},
        ],
        "most_replicated": [
            {
                "slug": SLUG,
                "title": RECORD["title"],
                "lead_region": KUPANG,
                "adopters": 2,
                "is_demo": False,
            }
        ],
        "most_active_sharers": [{"region": KUPANG, "adopters": 2, "practices": 1}],
    }


def test_network_of_an_empty_library(api, db):
    response = api.get("/api/v1/practices/network")

    assert response.json() == {"edges": [], "most_replicated": [], "most_active_sharers": []}


# --- import ----------------------------------------------------------------------------------


def json_file(*records: dict[str, Any]) -> SimpleUploadedFile:
    content = json.dumps({"practices": list(records)}).encode()
    return SimpleUploadedFile("practices.json", content, content_type="application/json")


def imported_record(slug: str, title: str) -> dict[str, Any]:
    return make_record(slug=slug, lead_region="53.71", title=title)


def test_import_dry_run_changes_nothing(api, kupang, secretariat, bearer):
    upload = json_file(imported_record("pasar-umkm", "Pasar UMKM Daring"))

    response = api.post("/api/v1/practices/import", {"file": upload}, headers=bearer(secretariat))

    assert response.status_code == 200
    assert response.json() == {
        "dry_run": True,
        "applied": False,
        "count": 1,
        "practices": [{"slug": "pasar-umkm", "lead_region": "53.71", "title": "Pasar UMKM Daring"}],
    }
    assert not Practice.objects.exists()


def test_import_creates_drafts(api, kupang, secretariat, bearer):
    upload = json_file(
        imported_record("pasar-umkm", "Pasar UMKM Daring"),
        imported_record("bank-sampah", "Bank Sampah"),
    )

    response = api.post(
        "/api/v1/practices/import",
        {"file": upload, "dry_run": "false"},
        headers=bearer(secretariat),
    )

    assert response.status_code == 200
    assert response.json() == {
        "dry_run": False,
        "applied": True,
        "count": 2,
        "practices": [
            {"slug": "pasar-umkm", "lead_region": "53.71", "title": "Pasar UMKM Daring"},
            {"slug": "bank-sampah", "lead_region": "53.71", "title": "Bank Sampah"},
        ],
    }
    assert list(
        PracticeVersion.objects.order_by("practice__slug").values_list("practice__slug", "status")
    ) == [("bank-sampah", "draft"), ("pasar-umkm", "draft")]


def test_import_with_problems_names_rows_and_columns(api, kupang, secretariat, bearer):
    text = (
        "slug,lead_region,title,summary,pillars,stage,form,initiator\n"
        "pasar-umkm,53.71,Pasar UMKM,Ringkas,ECO,applied,governance,agency\n"
        "bank-sampah,53.99,Bank Sampah,Ringkas,ENV,later,governance,agency\n"
    )
    upload = SimpleUploadedFile("practices.csv", text.encode(), content_type="text/csv")

    response = api.post(
        "/api/v1/practices/import",
        {"file": upload, "dry_run": "false"},
        headers=bearer(secretariat),
    )

    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "status": 422,
            "code": "validation_error",
            "message": "The file was not imported: 2 problem(s); see the fields.",
            "fields": [
                {
                    "field": "file",
                    "row": 3,
                    "column": "lead_region",
                    "message": "Unknown region code “53.99”.",
                },
                {
                    "field": "file",
                    "row": 3,
                    "column": "stage",
                    "message": "“later” is not one of: initiative, trial, applied.",
                },
            ],
        }
    }
    assert not Practice.objects.exists()


def test_import_of_another_kind_of_file_is_422(api, kupang, secretariat, bearer):
    upload = SimpleUploadedFile("practices.txt", b"hello", content_type="text/plain")

    response = api.post("/api/v1/practices/import", {"file": upload}, headers=bearer(secretariat))

    assert response.json()["error"]["fields"] == [
        {
            "field": "file",
            "row": None,
            "column": None,
            "message": "Upload a .json, .xlsx or .csv file.",
        }
    ]


def test_import_without_a_file_is_422(api, kupang, secretariat, bearer):
    response = api.post("/api/v1/practices/import", {}, headers=bearer(secretariat))

    assert response.json() == invalid(("file", "This field is required."))


# --- junk never causes a 500 -----------------------------------------------------------------

JUNK = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    "1.5",
    "99999999999999999999999",
    "true",
    "..",
    "%",
    "\x00",
    "ku\x00pang",
    "'; DROP TABLE practices_practice; --",
    "<script>alert(1)</script>",
    "Bandung ß ü 🌋",
    "\u202e",
    "x" * 3000,
]


def errors_logged(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def assert_handled(response) -> None:
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}
        assert body["error"]["status"] == response.status_code


@pytest.mark.parametrize("value", JUNK)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/practices/{}",
        "/api/v1/practices/{}/questions",
        "/api/v1/practices/{}/fit?region=53.11",
        f"/api/v1/practices/{SLUG}/fit?region={{}}",
        f"/api/v1/practices/{SLUG}?version={{}}",
        "/api/v1/practices/recommendations/{}",
        "/api/v1/practices?page={}",
        "/api/v1/practices?pillar={}",
        "/api/v1/practices?year={}",
    ],
)
def test_junk_in_reads_never_causes_a_500(api, published_practice, sumba, caplog, path, value):
    with caplog.at_level(logging.WARNING):
        response = api.get(path.format(quote(value, safe="")))

    assert_handled(response)
    assert errors_logged(caplog) == []


@pytest.mark.parametrize("value", [*JUNK, "a\ud800b", 12, -1, 1.5, None, [], {}, True, 10**30])
@pytest.mark.parametrize(
    "field",
    [
        "title",
        "summary",
        "sdgs",
        "budget_idr",
        "started_on",
        "narrative",
        "outcomes",
        "partner_regions",
    ],
)
def test_junk_in_a_record_never_causes_a_500(
    api, kupang, secretariat, bearer, caplog, field, value
):
    body = body_of(lead_region="53.71") | {field: value}
    with caplog.at_level(logging.WARNING):
        response = post(api, "/api/v1/practices", body, bearer(secretariat))

    assert_handled(response)
    assert errors_logged(caplog) == []


@pytest.mark.parametrize("value", ["a\ud800b", "x\x00", 10**30, -1, None, [], "abc"])
@pytest.mark.parametrize(
    "field",
    ["outcomes.0.value", "outcomes.0.name", "prerequisites.0.min_budget_idr", "contacts.0.name"],
)
def test_junk_in_nested_record_fields_never_causes_a_500(
    api, kupang, secretariat, bearer, caplog, field, value
):
    body = body_of(lead_region="53.71")
    name, index, key = field.split(".")
    body[name][int(index)][key] = value
    with caplog.at_level(logging.WARNING):
        response = post(api, "/api/v1/practices", body, bearer(secretariat))

    assert_handled(response)
    assert errors_logged(caplog) == []
