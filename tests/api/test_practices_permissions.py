"""Who may do what with the library through the API: truth tables over actors × endpoints.

Writes: an officer writes and submits their own region's practices, adopts and asks about
other regions' practices, and answers questions about their own; the secretariat (and
admins) may do all of that for any region except ask, and alone reviews, publishes and
imports. A forbidden write changes nothing and an allowed one is audited on the API
channel. Reads: a version that is not published is seen by its region's officers and the
secretariat only; anyone else gets a 404, as if it did not exist.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kotacerdas.accounts.services import create_token, revoke_token
from kotacerdas.core.models import AuditEvent
from kotacerdas.practices import services
from kotacerdas.practices.models import Answer, PracticeVersion, Question, Replication, Review

from ..practices.fixtures import RECORD, SCORES, make_record

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ACTORS = ["anonymous", "officer", "other_officer", "secretariat", "admin_user", "revoked"]
USERNAMES = {
    "officer": "officer.kupang",
    "other_officer": "officer.sumba",
    "secretariat": "secretariat",
    "admin_user": "admin",
}
SLUG = "pajak-restoran-daring-dengan-perekam-transaksi"
TITLE = RECORD["title"]


@pytest.fixture
def headers_for(request, bearer) -> Callable[[str], dict[str, str]]:
    """The Authorization header of an actor; ``revoked`` is the secretariat's old token."""

    def make(actor: str) -> dict[str, str]:
        if actor == "anonymous":
            return {}
        if actor == "revoked":
            token, plain = create_token(
                actor=None, user=request.getfixturevalue("secretariat"), name="old"
            )
            revoke_token(actor=None, token=token)
            return {"Authorization": f"Bearer {plain}"}
        return bearer(request.getfixturevalue(actor))

    return make


@pytest.fixture
def question(published_practice, other_officer):
    return services.ask_question(
        actor=other_officer, practice=published_practice, text="Berapa biaya per restoran?"
    )


def api_events() -> list[tuple[str, str, str, str]]:
    return list(
        AuditEvent.objects.filter(channel=AuditEvent.Channel.API)
        .order_by("id")
        .values_list("actor__username", "action", "object_type", "region_code")
    )


def library() -> dict[str, Any]:
    """Everything a write to the library may change."""
    return {
        "versions": list(
            PracticeVersion.objects.order_by("practice__slug", "number").values_list(
                "practice__slug", "number", "status", "title"
            )
        ),
        "reviews": list(Review.objects.order_by("pk").values_list("decision", "verified")),
        "replications": list(
            Replication.objects.order_by("pk").values_list(
                "practice__slug", "region__code", "status"
            )
        ),
        "questions": list(Question.objects.order_by("pk").values_list("text", "region__code")),
        "answers": list(Answer.objects.order_by("pk").values_list("text", "region__code")),
    }


def _import_file() -> SimpleUploadedFile:
    record = make_record(slug="pasar-umkm", lead_region="53.71", title="Pasar UMKM Daring")
    content = json.dumps({"practices": [record]}).encode()
    return SimpleUploadedFile("practices.json", content, content_type="application/json")


@dataclass(frozen=True)
class Write:
    method: str
    setup: str  # the fixture that makes the state the write starts from
    path: Callable[[Any], str]  # from the setup fixture's object
    body: Callable[[], Any]  # made fresh for each request
    after: dict[str, Any]  # what a successful write changes in library()
    success: int
    events: list[tuple[str, str, str]]  # (action, object_type, region_code) per audit event
    allowed: frozenset[str]


WRITERS = frozenset({"officer", "secretariat", "admin_user"})
SECRETARIAT = frozenset({"secretariat", "admin_user"})
ADOPTERS = frozenset({"other_officer", "secretariat", "admin_user"})
BASE = f"/api/v1/practices/{SLUG}"
VERSION_UPDATE = ("update", "practices.practiceversion", "53.71")


def review(action: str, **extra: Any) -> Callable[[], dict[str, Any]]:
    return lambda: {"action": action, **extra}


WRITES = {
    "create": Write(
        "post",
        "kupang",
        lambda _: "/api/v1/practices",
        lambda: {**make_record(), "slug": "pajak-resto", "lead_region": "53.71"},
        {"versions": [("pajak-resto", 1, "draft", TITLE)]},
        201,
        [("create", "practices.practice", "53.71")],
        WRITERS,
    ),
    "update": Write(
        "put",
        "draft_practice",
        lambda _: BASE,
        lambda: make_record(title="Judul baru"),
        {"versions": [(SLUG, 1, "draft", "Judul baru")]},
        200,
        [VERSION_UPDATE],
        WRITERS,
    ),
    "submit": Write(
        "post",
        "draft_practice",
        lambda _: f"{BASE}/submit",
        dict,
        {"versions": [(SLUG, 1, "submitted", TITLE)]},
        200,
        [VERSION_UPDATE],
        WRITERS,
    ),
    "review start": Write(
        "post",
        "submitted_version",
        lambda _: f"{BASE}/review",
        review("start"),
        {"versions": [(SLUG, 1, "in_review", TITLE)]},
        200,
        [VERSION_UPDATE],
        SECRETARIAT,
    ),
    "review return": Write(
        "post",
        "review_version",
        lambda _: f"{BASE}/review",
        review("return", comment="Lampirkan laporan."),
        {"versions": [(SLUG, 1, "returned", TITLE)], "reviews": [("returned", False)]},
        200,
        [VERSION_UPDATE],
        SECRETARIAT,
    ),
    "review publish": Write(
        "post",
        "review_version",
        lambda _: f"{BASE}/review",
        review("publish", scores=SCORES, verified=True),
        {"versions": [(SLUG, 1, "published", TITLE)], "reviews": [("published", True)]},
        200,
        [VERSION_UPDATE],
        SECRETARIAT,
    ),
    "new version": Write(
        "post",
        "published_practice",
        lambda _: f"{BASE}/versions",
        dict,
        {"versions": [(SLUG, 1, "published", TITLE), (SLUG, 2, "draft", TITLE)]},
        201,
        [("create", "practices.practiceversion", "53.71")],
        WRITERS,
    ),
    "adopt": Write(
        "post",
        "published_practice",
        lambda _: f"{BASE}/adopt",
        lambda: {"region": "53.11", "status": "planned"},
        {"replications": [(SLUG, "53.11", "planned")]},
        201,
        [("create", "practices.replication", "53.11")],
        ADOPTERS,
    ),
    "ask": Write(
        "post",
        "published_practice",
        lambda _: f"{BASE}/questions",
        lambda: {"text": "Siapa mitra banknya?"},
        {"questions": [("Siapa mitra banknya?", "53.11")]},
        201,
        [("create", "practices.question", "53.11")],
        frozenset({"other_officer"}),
    ),
    "answer": Write(
        "post",
        "question",
        lambda question: f"{BASE}/questions/{question.pk}/answers",
        lambda: {"text": "Bank daerah."},
        {"answers": [("Bank daerah.", None)]},
        201,
        [("create", "practices.answer", "53.71")],
        WRITERS,
    ),
    "import": Write(
        "post",
        "kupang",
        lambda _: "/api/v1/practices/import",
        lambda: {"file": _import_file(), "dry_run": "false"},
        {"versions": [("pasar-umkm", 1, "draft", "Pasar UMKM Daring")]},
        200,
        [("create", "practices.practice", "53.71")],
        WRITERS,
    ),
}
# The answer of an officer of the lead region carries their region.
ANSWER_REGION = {"officer": "53.71"}


def expected_write_status(write: Write, actor: str) -> int:
    if actor in {"anonymous", "revoked"}:
        return 401
    if write is WRITES["import"] and actor == "other_officer":
        # Officers may import, but only rows of their own region: the file's Kupang row
        # is reported as a problem of the file, and nothing is created.
        return 422
    return write.success if actor in write.allowed else 403


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("write_name", list(WRITES))
def test_write_permissions_truth_table(
    api, db, request, sumba, other_officer, headers_for, write_name, actor
):
    write = WRITES[write_name]
    target = request.getfixturevalue(write.setup)
    headers = headers_for(actor)
    before = library()

    body = write.body()
    path = write.path(target)
    if write.method == "put":
        response = api.put(path, body, content_type="application/json", headers=headers)
    elif write_name == "import":
        response = api.post(path, body, headers=headers)
    else:
        response = api.post(path, body, content_type="application/json", headers=headers)

    status = expected_write_status(write, actor)
    assert response.status_code == status, response.content
    if status < 400:
        after = {**before, **write.after}
        if write_name == "answer":
            after["answers"] = [("Bank daerah.", ANSWER_REGION.get(actor))]
        assert library() == after
        assert api_events() == [(USERNAMES[actor], *event) for event in write.events]
        return
    assert library() == before
    assert api_events() == []
    error = response.json()["error"]
    expected_code = {"anonymous": "not_authenticated", "revoked": "invalid_token"}.get(
        actor, "validation_error" if status == 422 else "permission_denied"
    )
    assert (error["status"], error["code"]) == (status, expected_code)


def test_write_truth_table_covers_every_write_endpoint(api):
    schema = api.get("/api/v1/openapi.json").json()
    writes = {
        (method, path)
        for path, methods in schema["paths"].items()
        if path.startswith("/api/v1/practices")
        for method in methods
        if method != "get"
    }

    templated = SimpleNamespace(pk="{question_id}")
    covered = {(w.method, w.path(templated).replace(SLUG, "{slug}")) for w in WRITES.values()}
    assert (
        covered
        == writes
        == {
            ("post", "/api/v1/practices"),
            ("put", "/api/v1/practices/{slug}"),
            ("post", "/api/v1/practices/{slug}/submit"),
            ("post", "/api/v1/practices/{slug}/review"),
            ("post", "/api/v1/practices/{slug}/versions"),
            ("post", "/api/v1/practices/{slug}/adopt"),
            ("post", "/api/v1/practices/{slug}/questions"),
            ("post", "/api/v1/practices/{slug}/questions/{question_id}/answers"),
            ("post", "/api/v1/practices/import"),
        }
    )


def test_officer_of_another_region_cannot_create_for_the_lead_region(
    api, kupang, other_officer, bearer
):
    response = api.post(
        "/api/v1/practices",
        {**make_record(), "lead_region": "53.71"},
        content_type="application/json",
        headers=bearer(other_officer),
    )

    assert response.status_code == 403
    assert response.json()["error"]["message"] == "You do not have permission to do this."
    assert library()["versions"] == []


# --- reads of working data -------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    setup: str
    path: str
    visible: frozenset[str]  # actors who get a 200; everyone else a 404
    shown: tuple[int, str] | None = None  # (version, status) of the detail they see


OWNERS = frozenset({"officer", "secretariat", "admin_user"})
READS = {
    "a draft": Read("draft_practice", BASE, OWNERS, (1, "draft")),
    "a draft by number": Read("draft_practice", f"{BASE}?version=1", OWNERS, (1, "draft")),
    "a new version of a published practice": Read(
        "new_version", f"{BASE}?version=2", OWNERS, (2, "draft")
    ),
    "a version in review": Read("review_version", BASE, OWNERS, (1, "in_review")),
    "the questions of a draft": Read("draft_practice", f"{BASE}/questions", frozenset()),
    "the fit of a draft": Read("draft_practice", f"{BASE}/fit?region=53.11", frozenset()),
}


@pytest.fixture
def new_version(published_practice, officer):
    return services.start_new_version(actor=officer, practice=published_practice)


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "revoked"])
@pytest.mark.parametrize("read_name", list(READS))
def test_read_permissions_truth_table(
    api, db, request, sumba, other_officer, headers_for, read_name, actor
):
    read = READS[read_name]
    request.getfixturevalue(read.setup)

    response = api.get(read.path, headers=headers_for(actor))

    body = response.json()
    if actor not in read.visible:
        assert response.status_code == 404
        assert body["error"]["message"] == f"No practice has the short name “{SLUG}”."
        return
    assert response.status_code == 200
    assert (body["version"], body["status"]) == read.shown


@pytest.mark.parametrize("read_name", [name for name, read in READS.items() if read.shown])
def test_working_data_reads_refuse_a_revoked_token(api, db, request, headers_for, read_name):
    request.getfixturevalue(READS[read_name].setup)

    response = api.get(READS[read_name].path, headers=headers_for("revoked"))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "revoked"])
def test_review_comments_are_shown_to_the_region_and_the_secretariat(
    api, request, draft_practice, officer, secretariat, other_officer, headers_for, actor
):
    version = services.submit_version(actor=officer, version=draft_practice.versions.get())
    version = services.start_review(actor=secretariat, version=version)
    services.return_version(actor=secretariat, version=version, comment="Lampirkan laporan.")

    response = api.get(BASE, headers=headers_for(actor))

    if actor in OWNERS:
        assert [r["comment"] for r in response.json()["reviews"]] == ["Lampirkan laporan."]
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "revoked"])
def test_published_practice_hides_review_rounds_from_the_public(
    api, published_practice, other_officer, headers_for, actor
):
    response = api.get(BASE, headers=headers_for(actor))

    body = response.json()
    assert response.status_code == 200
    assert body["review"]["total"] == 27
    if actor in OWNERS:
        assert [(r["decision"], r["comment"]) for r in body["reviews"]] == [("published", "")]
    else:
        assert body["reviews"] is None


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "revoked"])
def test_search_never_lists_unpublished_practices(
    api, draft_practice, other_officer, headers_for, actor
):
    response = api.get("/api/v1/practices", headers=headers_for(actor))

    assert (response.json()["count"], response.json()["items"]) == (0, [])
