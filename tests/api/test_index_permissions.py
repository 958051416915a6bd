"""Who may do what with the index through the API: truth tables over actors × endpoints.

Writes: officers upload values of their own region only (another region's row is a 422
that names it), the secretariat and admins compute, publish and analyse; a forbidden
write changes nothing and an allowed one is audited on the API channel. Unpublished
reads: a cycle's values before publication are the secretariat's and, for their own
region, the officer's; an unpublished computation is the secretariat's; anyone else gets
a 404. A revoked token is a 401 everywhere, reads included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kotacerdas.accounts.services import create_token, revoke_token
from kotacerdas.assessments.models import Computation, Cycle, IndicatorValue, ValueUpload
from kotacerdas.assessments.services import computing
from kotacerdas.assessments.services.frameworks import load_shipped
from kotacerdas.core.models import AuditEvent

from ..assessments.fixtures import fill
from ..factories import ProvinceFactory, RegionFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ACTORS = ["anonymous", "officer", "other_officer", "secretariat", "admin_user", "revoked"]
USERNAMES = {
    "officer": "officer.kupang",
    "other_officer": "officer.sumba",
    "secretariat": "secretariat",
    "admin_user": "admin",
}


@pytest.fixture
def world(kupang, sumba) -> dict[str, Computation]:
    """2024 published; 2025 open with values and an unpublished (draft) computation."""
    framework = load_shipped(actor=None)[0]
    bali = ProvinceFactory(code="51", name="Bali")
    regions = [
        kupang,
        sumba,
        RegionFactory(code="53.01", name="Kabupaten Kupang", population=366_000),
        RegionFactory(code="51.71", name="Kota Denpasar", province=bali, population=726_000),
    ]
    old = Cycle.objects.create(framework=framework, year=2024, status=Cycle.Status.CLOSED)
    fill(old, regions)
    public = computing.publish(
        actor=None, computation=computing.compute_cycle(actor=None, cycle=old)
    )
    current = Cycle.objects.create(framework=framework, year=2025, status=Cycle.Status.OPEN)
    fill(current, regions)
    draft = computing.compute_cycle(actor=None, cycle=current)
    return {"public": public, "draft": draft}


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


def api_events() -> list[tuple[str, str, str, str]]:
    return list(
        AuditEvent.objects.filter(channel=AuditEvent.Channel.API)
        .order_by("id")
        .values_list("actor__username", "action", "object_type", "region_code")
    )


# --- writes --------------------------------------------------------------------------------


def _kupang_spbe() -> Any:
    """Kupang's 2025 SPBE value, and how many files were kept."""
    value = (
        IndicatorValue.objects.filter(
            cycle__year=2025, region__code="53.71", indicator__code="GOV.SVC.01"
        )
        .values_list("value", "source", "year", "is_demo")
        .first()
    )
    return value, ValueUpload.objects.count()


def _computations() -> Any:
    """(year, status, published, uncertainty status) of every computation."""
    rows = Computation.objects.order_by("pk").values_list(
        "cycle__year", "status", "published_at", "uncertainty_status"
    )
    return [(year, status, at is not None, uncertainty) for year, status, at, uncertainty in rows]


def _values_file() -> SimpleUploadedFile:
    text = "region_code,indicator_code,value,source,year\n53.71,GOV.SVC.01,4.25,SPBE 2024,2024\n"
    return SimpleUploadedFile("values.csv", text.encode(), content_type="text/csv")


@dataclass(frozen=True)
class Write:
    path: Callable[[dict[str, Computation]], str]
    data: Callable[[], dict[str, Any]]  # the request body, made fresh for each request
    is_json: bool
    state: Callable[[], Any]
    after: Any  # the state after a successful write; None: the same as before
    success: int
    events: list[tuple[str, str, str]]  # (action, object_type, region_code) per audit event
    allowed: frozenset[str]


UPLOADERS = frozenset({"officer", "secretariat", "admin_user"})
SECRETARIAT = frozenset({"secretariat", "admin_user"})
WRITES = {
    "values dry run": Write(
        lambda w: "/api/v1/index/cycles/2025/values",
        lambda: {"file": _values_file()},
        False,
        _kupang_spbe,
        None,
        200,
        [],
        UPLOADERS,
    ),
    "values import": Write(
        lambda w: "/api/v1/index/cycles/2025/values",
        lambda: {"file": _values_file(), "dry_run": "false"},
        False,
        _kupang_spbe,
        ((4.25, "SPBE 2024", 2024, False), 1),
        200,
        [("import", "assessments.indicatorvalue", "53.71")],
        UPLOADERS,
    ),
    "compute": Write(
        lambda w: "/api/v1/index/cycles/2025/computations",
        lambda: {"treat": "none"},
        True,
        _computations,
        [(2024, "done", True, ""), (2025, "done", False, ""), (2025, "done", False, "")],
        201,
        [("create", "assessments.computation", "")],
        SECRETARIAT,
    ),
    "publish": Write(
        lambda w: f"/api/v1/index/computations/{w['draft'].pk}/publish",
        dict,
        True,
        _computations,
        [(2024, "done", True, ""), (2025, "done", True, "")],
        200,
        [("update", "assessments.computation", "")],
        SECRETARIAT,
    ),
    "uncertainty": Write(
        lambda w: f"/api/v1/index/computations/{w['draft'].pk}/uncertainty",
        lambda: {"runs": 10, "sensitivity_n": 4},
        True,
        _computations,
        [(2024, "done", True, ""), (2025, "done", False, "done")],
        202,
        [("update", "assessments.computation", "")],
        SECRETARIAT,
    ),
}


def expected_write_status(write: Write, actor: str) -> int:
    if actor in {"anonymous", "revoked"}:
        return 401
    if actor in write.allowed:
        return write.success
    # Uploads are checked row by row: another region's row is a problem of the file.
    return 422 if write.allowed is UPLOADERS else 403


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("write_name", list(WRITES))
def test_write_permissions_truth_table(api, world, headers_for, write_name, actor):
    write = WRITES[write_name]
    headers = headers_for(actor)
    before = write.state()

    if write.is_json:
        response = api.post(
            write.path(world), write.data(), content_type="application/json", headers=headers
        )
    else:
        response = api.post(write.path(world), write.data(), headers=headers)

    status = expected_write_status(write, actor)
    assert response.status_code == status, response.content
    if status < 400:
        after = before if write.after is None else write.after
        assert write.state() == after
        assert api_events() == [(USERNAMES[actor], *event) for event in write.events]
        return
    assert write.state() == before
    assert api_events() == []
    error = response.json()["error"]
    assert error["status"] == status
    if status == 422:
        assert error["fields"] == [
            {
                "field": "file",
                "row": 2,
                "column": "region_code",
                "message": "You may import values only for your own region; 53.71 is not.",
            }
        ]
    else:
        assert error["code"] == {
            "anonymous": "not_authenticated",
            "revoked": "invalid_token",
        }.get(actor, "permission_denied")


def test_write_truth_table_covers_every_write_endpoint(api):
    schema = api.get("/api/v1/openapi.json").json()
    posts = {
        path
        for path, methods in schema["paths"].items()
        if path.startswith("/api/v1/index/") and set(methods) - {"get"}
    }

    assert posts == {
        "/api/v1/index/cycles/{year}/values",
        "/api/v1/index/cycles/{year}/computations",
        "/api/v1/index/computations/{computation_id}/publish",
        "/api/v1/index/computations/{computation_id}/uncertainty",
    }


# --- reads of working data -----------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    path: Callable[[dict[str, Computation]], str]
    visible: dict[str, frozenset[str] | None]  # actor: region codes in the page; None: not a page


EVERYONE = {"anonymous", "officer", "other_officer", "secretariat", "admin_user"}
SAMPLE = frozenset({"53.71", "53.11", "53.01", "51.71"})
READS = {
    "values of an unpublished cycle": Read(
        lambda w: "/api/v1/index/cycles/2025/values?limit=200",
        {
            "officer": frozenset({"53.71"}),
            "other_officer": frozenset({"53.11"}),
            "secretariat": SAMPLE,
            "admin_user": SAMPLE,
        },
    ),
    "Kupang's values of an unpublished cycle": Read(
        lambda w: "/api/v1/index/cycles/2025/values?region=53.71&limit=200",
        {
            "officer": frozenset({"53.71"}),
            "secretariat": frozenset({"53.71"}),
            "admin_user": frozenset({"53.71"}),
        },
    ),
    "unpublished computation": Read(
        lambda w: f"/api/v1/index/computations/{w['draft'].pk}",
        {"secretariat": None, "admin_user": None},
    ),
    "values of a published cycle": Read(
        lambda w: "/api/v1/index/cycles/2024/values?region=53.71&limit=200",
        {actor: frozenset({"53.71"}) for actor in EVERYONE},
    ),
    "published computation": Read(
        lambda w: f"/api/v1/index/computations/{w['public'].pk}",
        dict.fromkeys(EVERYONE),
    ),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("read_name", list(READS))
def test_read_permissions_truth_table(api, world, headers_for, read_name, actor):
    read = READS[read_name]

    response = api.get(read.path(world), headers=headers_for(actor))

    body = response.json()
    if actor == "revoked":
        assert response.status_code == 401
        assert body["error"]["code"] == "invalid_token"
    elif actor not in read.visible:
        assert response.status_code == 404
        assert body["error"]["code"] == "not_found"
    elif read.visible[actor] is None:
        assert response.status_code == 200
        assert body["id"] in {world["draft"].pk, world["public"].pk}
    else:
        # The secretariat's list is longer than one page: its count says it holds them all.
        assert response.status_code == 200
        assert {item["region"]["code"] for item in body["items"]} <= read.visible[actor]
        year = 2025 if "unpublished" in read_name else 2024
        assert (
            body["count"]
            == IndicatorValue.objects.filter(
                cycle__year=year, region__code__in=read.visible[actor]
            ).count()
        )


def test_hidden_values_and_computations_say_not_found(api, world, bearer, other_officer):
    headers = bearer(other_officer)

    values = api.get("/api/v1/index/cycles/2025/values?region=5371", headers=headers)
    computation = api.get(f"/api/v1/index/computations/{world['draft'].pk}", headers=headers)

    assert values.json()["error"]["message"] == (
        "The values of the 2025 cycle are not public until its index is published."
    )
    assert computation.json()["error"]["message"] == (
        f"No computation has the id {world['draft'].pk}."
    )


def test_publishing_makes_the_values_public(api, world, bearer, secretariat):
    before = api.get("/api/v1/index/cycles/2025/values?limit=1")

    api.post(f"/api/v1/index/computations/{world['draft'].pk}/publish", headers=bearer(secretariat))
    after = api.get("/api/v1/index/cycles/2025/values?limit=1")

    assert (before.status_code, after.status_code) == (404, 200)
    assert after.json()["count"] == IndicatorValue.objects.filter(cycle__year=2025).count()
