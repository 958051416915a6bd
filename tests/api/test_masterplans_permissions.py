"""Who may do what with masterplans through the API: truth tables over actors × endpoints ×
the region whose plan the request is about.

Masterplans are the region's working documents: every endpoint needs a token (401
without). The region's officers and the secretariat (and admins, through the same rules)
read them; an officer of the region or the secretariat drafts one; only the region's
officers save edits and report progress; only the secretariat comments. A forbidden write
changes nothing; an allowed one is audited on the API channel under the region's code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from kotacerdas.accounts.services import create_token, revoke_token
from kotacerdas.core.models import AuditEvent
from kotacerdas.regions.models import Region
from kotacerdas.strategy import services
from kotacerdas.strategy.models import Masterplan, PlanComment, PlanVersion, ProgressReport

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ACTORS = ["anonymous", "officer", "other_officer", "secretariat", "admin_user"]
USERNAMES = {
    "officer": "officer.kupang",
    "other_officer": "officer.sumba",
    "secretariat": "secretariat",
    "admin_user": "admin",
}
BASE = "/api/v1/masterplans"
KUPANG, SUMBA = "53.71", "53.11"
REGIONS = [KUPANG, SUMBA]
OFFICER_OF = {KUPANG: "officer", SUMBA: "other_officer"}
SECRETARIAT = frozenset({"secretariat", "admin_user"})


@pytest.fixture
def headers_for(request, bearer) -> Callable[[str], dict[str, str]]:
    def make(actor: str) -> dict[str, str]:
        if actor == "anonymous":
            return {}
        return bearer(request.getfixturevalue(actor))

    return make


@pytest.fixture
def plans(kupang, sumba) -> dict[str, Masterplan]:
    """A drafted masterplan of each region, 2026–2035 (by the system)."""
    return {
        code: services.create_masterplan(
            actor=None, region=Region.objects.get(code=code), start_year=2026, end_year=2035
        )
        for code in REGIONS
    }


def state() -> dict[str, Any]:
    """Everything a write to masterplans may change."""
    return {
        "plans": list(
            Masterplan.objects.order_by("pk").values_list("region__code", "start_year", "end_year")
        ),
        "versions": list(
            PlanVersion.objects.order_by("pk").values_list("masterplan__region__code", "number")
        ),
        "comments": list(
            PlanComment.objects.order_by("pk").values_list(
                "version__masterplan__region__code", "section", "text"
            )
        ),
        "reports": list(
            ProgressReport.objects.order_by("pk").values_list("masterplan__region__code", "year")
        ),
    }


def api_events() -> list[tuple[str, str, str, str]]:
    return list(
        AuditEvent.objects.filter(channel=AuditEvent.Channel.API)
        .order_by("id")
        .values_list("actor__username", "action", "object_type", "region_code")
    )


def expected_status(allowed: frozenset[str], success: int, actor: str) -> int:
    if actor == "anonymous":
        return 401
    return success if actor in allowed else 403


# --- writes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    path: Callable[[Masterplan], str]
    body: Callable[[Masterplan, str], Any]
    success: int
    change: Callable[[dict[str, Any], str], dict[str, Any]]  # state() after
    audit: list[tuple[str, str]]  # (action, object_type) of the audit events
    officer: bool  # the region's officer may do it
    secretariat: bool  # the secretariat may do it

    def allowed(self, code: str) -> frozenset[str]:
        allowed = set(SECRETARIAT) if self.secretariat else set()
        if self.officer:
            allowed.add(OFFICER_OF[code])
        return frozenset(allowed)


def _edited(plan: Masterplan, code: str) -> dict[str, Any]:
    document = dict(plan.versions.get().content)
    document["vision"] = {"text": f"Visi {code}"}
    return {"content": document, "note": "Visi", "based_on": 1}


WRITES = {
    "draft": Write(
        lambda plan: BASE,
        lambda plan, code: {"region": code, "start_year": 2036, "end_year": 2045},
        201,
        lambda before, code: {
            **before,
            "plans": [*before["plans"], (code, 2036, 2045)],
            "versions": [*before["versions"], (code, 1)],
        },
        [("create", "strategy.masterplan"), ("create", "strategy.planversion")],
        officer=True,
        secretariat=True,
    ),
    "save version": Write(
        lambda plan: f"{BASE}/{plan.pk}/versions",
        _edited,
        201,
        lambda before, code: {**before, "versions": [*before["versions"], (code, 2)]},
        [("create", "strategy.planversion")],
        officer=True,
        secretariat=False,
    ),
    "comment": Write(
        lambda plan: f"{BASE}/{plan.pk}/versions/1/comments",
        lambda plan, code: {"section": "budget", "text": "Rinci."},
        201,
        lambda before, code: {**before, "comments": [(code, "budget", "Rinci.")]},
        [("create", "strategy.plancomment")],
        officer=False,
        secretariat=True,
    ),
    "scorecard": Write(
        lambda plan: f"{BASE}/{plan.pk}/scorecards/2027",
        lambda plan, code: {"entries": {}, "note": "Belum mulai"},
        201,
        lambda before, code: {**before, "reports": [(code, 2027)]},
        [("create", "strategy.progressreport")],
        officer=True,
        secretariat=False,
    ),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("code", REGIONS)
@pytest.mark.parametrize("write_name", list(WRITES))
def test_write_permissions_truth_table(api, plans, headers_for, write_name, code, actor):
    write = WRITES[write_name]
    plan = plans[code]
    headers = headers_for(actor)
    before = state()

    response = api.post(
        write.path(plan), write.body(plan, code), content_type="application/json", headers=headers
    )

    status = expected_status(write.allowed(code), write.success, actor)
    assert response.status_code == status, response.content
    if status < 400:
        assert state() == write.change(before, code)
        assert api_events() == [(USERNAMES[actor], *audit, code) for audit in write.audit]
        return
    assert state() == before
    assert api_events() == []
    error = response.json()["error"]
    expected_code = "not_authenticated" if actor == "anonymous" else "permission_denied"
    assert (error["status"], error["code"]) == (status, expected_code)


def test_write_truth_table_covers_every_write_endpoint(api):
    schema = api.get("/api/v1/openapi.json").json()
    writes = {
        (method, path)
        for path, methods in schema["paths"].items()
        if path.startswith(BASE)
        for method in methods
        if method != "get"
    }

    class Templated:
        pk = "{plan_id}"

    covered = {
        ("post", w.path(Templated()).replace("/1/", "/{number}/").replace("/2027", "/{year}"))
        for w in WRITES.values()
    }
    assert covered == writes


# --- reads ---------------------------------------------------------------------------------------

READS: dict[str, Callable[[Masterplan], str]] = {
    "one masterplan": lambda plan: f"{BASE}/{plan.pk}",
    "version": lambda plan: f"{BASE}/{plan.pk}/versions/1",
    "version read": lambda plan: f"{BASE}/{plan.pk}/versions/1?lang=en",
    "comments": lambda plan: f"{BASE}/{plan.pk}/versions/1/comments",
    "scorecards": lambda plan: f"{BASE}/{plan.pk}/scorecards",
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("code", REGIONS)
@pytest.mark.parametrize("read_name", list(READS))
def test_read_permissions_truth_table(api, plans, headers_for, read_name, code, actor):
    plan = plans[code]

    response = api.get(READS[read_name](plan), headers=headers_for(actor))

    status = expected_status(SECRETARIAT | {OFFICER_OF[code]}, 200, actor)
    assert response.status_code == status, response.content
    body = response.json()
    if status == 200:
        return
    expected_code = "not_authenticated" if actor == "anonymous" else "permission_denied"
    assert body == {
        "error": {
            "status": status,
            "code": expected_code,
            "message": body["error"]["message"],
            "fields": [],
        }
    }
    assert plan.title not in response.content.decode()


VISIBLE = {
    "officer": [KUPANG],
    "other_officer": [SUMBA],
    "secretariat": [SUMBA, KUPANG],
    "admin_user": [SUMBA, KUPANG],
}


@pytest.mark.parametrize("actor", ACTORS)
def test_list_shows_each_actor_the_plans_they_may_read(api, plans, headers_for, actor):
    response = api.get(BASE, headers=headers_for(actor))

    if actor == "anonymous":
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
        return
    assert response.status_code == 200
    assert [item["region"]["code"] for item in response.json()["items"]] == VISIBLE[actor]


def test_protected_reads_cover_every_read(api):
    schema = api.get("/api/v1/openapi.json").json()
    reads = {
        path
        for path, methods in schema["paths"].items()
        if path.startswith(BASE) and "get" in methods
    }
    protected = {
        path for path in reads if {"401", "403"} <= set(schema["paths"][path]["get"]["responses"])
    }

    class Templated:
        pk = "{plan_id}"

    covered = {
        read(Templated()).split("?")[0].replace("/1", "/{number}") for read in READS.values()
    }
    assert protected == covered
    assert reads - protected == {BASE}


@pytest.mark.parametrize("read_name", list(READS))
def test_reads_refuse_a_revoked_token(api, plans, secretariat, read_name):
    token, plain = create_token(actor=None, user=secretariat, name="old")
    revoke_token(actor=None, token=token)

    response = api.get(
        READS[read_name](plans[KUPANG]), headers={"Authorization": f"Bearer {plain}"}
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_an_unknown_plan_is_a_404_for_everyone_signed_in(api, plans, headers_for):
    for actor in ACTORS[1:]:
        response = api.get(f"{BASE}/999999", headers=headers_for(actor))
        assert response.status_code == 404
    assert api.get(f"{BASE}/999999").status_code == 401
