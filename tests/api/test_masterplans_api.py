"""Masterplans through the API: drafting one, the list, a plan with its versions, a version
with its document and its reading, saving an edit, the secretariat's comments and the
yearly scorecards.

Who may do what is in ``test_masterplans_permissions.py``; here each endpoint's answer is
compared whole with what the database says, in English (the ``api`` client asks for it).
"""

# The strategy's shared fixtures are imported by name and named again as test arguments.
# ruff: noqa: F811

from __future__ import annotations

import copy
import typing
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from kotacerdas.core.models import AuditEvent
from kotacerdas.strategy import content as plan_content
from kotacerdas.strategy import reading, services
from kotacerdas.strategy.api import schemas as masterplan_api
from kotacerdas.strategy.models import Masterplan, PlanComment, PlanVersion, ProgressReport

from ..factories import RegionFactory
from ..strategy.fixtures import plan, practices  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

BASE = "/api/v1/masterplans"
INVALID = "Some values are not valid; see the fields."
KUPANG = {"code": "53.71", "name": "Kota Kupang", "kind": "kota"}
SUMBA = {"code": "53.11", "name": "Kabupaten Sumba Timur", "kind": "kabupaten"}


def iso(value) -> str:
    """A datetime as the API writes it (milliseconds, ``Z``)."""
    return DjangoJSONEncoder().default(value)


def post(api, path: str, body: Any, headers: dict[str, str]):
    return api.post(path, body, content_type="application/json", headers=headers)


def invalid(*fields: tuple[str | None, str]) -> dict[str, Any]:
    return {
        "error": {
            "status": 422,
            "code": "validation_error",
            "message": INVALID,
            "fields": [{"field": f, "message": m} for f, m in fields],
        }
    }


def not_found(message: str) -> dict[str, Any]:
    return {"error": {"status": 404, "code": "not_found", "message": message, "fields": []}}


def card(plan: Masterplan, region: dict[str, str], *, latest: int = 1, count: int = 1):
    return {
        "id": plan.pk,
        "region": region,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "title": plan.title,
        "latest_version": latest,
        "version_count": count,
        "created_at": iso(plan.created_at),
        "is_demo": plan.is_demo,
        "url": f"http://testserver/masterplans/{plan.pk}/",
    }


def version_ref(version: PlanVersion, comments: int = 0) -> dict[str, Any]:
    return {
        "number": version.number,
        "note": version.note,
        "generated": version.generated,
        "author": version.created_by.username if version.created_by else None,
        "created_at": iso(version.created_at),
        "comment_count": comments,
    }


def version_out(version: PlanVersion, comments: int = 0, reading_body=None) -> dict[str, Any]:
    pk, number = version.masterplan_id, version.number
    files = f"http://testserver/masterplans/{pk}/v{number}"
    return {
        **version_ref(version, comments),
        "masterplan": pk,
        "content": version.content,
        "reading": reading_body,
        "url": f"http://testserver/masterplans/{pk}/v{number}/",
        "files": {
            "docx": f"{files}/plan.docx",
            "pdf": f"{files}/plan.pdf",
            "summary": f"{files}/summary.pdf",
        },
    }


def bare_plan(region, start: int, *, versions: int = 1, title: str = "") -> Masterplan:
    """A masterplan stored directly (its document does not matter to the lists)."""
    made = Masterplan.objects.create(
        region=region, start_year=start, end_year=start + 9, title=title or f"Rencana {start}"
    )
    for number in range(1, versions + 1):
        PlanVersion.objects.create(
            masterplan=made, number=number, content={"schema": 1}, generated=number == 1
        )
    return made


# --- the schema's choices ---------------------------------------------------------------------


def test_sections_of_the_schema_are_the_documents_sections():
    assert typing.get_args(masterplan_api.Section) == plan_content.SECTIONS


# --- drafting ---------------------------------------------------------------------------------


def test_create_masterplan_answers_the_plan_with_its_draft(api, bearer, officer, kupang, practices):
    response = post(
        api,
        BASE,
        {"region": "5371", "start_year": 2026, "end_year": 2035, "title": " Kupang Cerdas "},
        bearer(officer),
    )

    assert response.status_code == 201, response.content
    made = Masterplan.objects.get()
    version = made.versions.get()
    assert made.title == "Kupang Cerdas"
    assert response.json() == {
        **card(made, KUPANG),
        "author": "officer.kupang",
        "versions": [version_ref(version)],
    }
    assert version.note == "Drafted by KotaCerdas"  # the request's language
    assert [p["practice"]["slug"] for p in version.content["programmes"]] == [
        practices[0].slug,
        practices[2].slug,
        practices[1].slug,
    ]
    assert list(
        AuditEvent.objects.filter(object_type__startswith="strategy.")
        .order_by("id")
        .values_list("channel", "actor_label", "object_type", "region_code")
    ) == [
        ("api", "officer.kupang", "strategy.masterplan", "53.71"),
        ("api", "officer.kupang", "strategy.planversion", "53.71"),
    ]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {"region": "53.71", "start_year": 2035, "end_year": 2026},
            [("end_year", "The last year comes after the first.")],
        ),
        (
            {"region": "53.71", "start_year": 1990, "end_year": 2300},
            [
                ("start_year", "A year from 2000 to 2100."),
                ("end_year", "A year from 2000 to 2100."),
            ],
        ),
        (
            {"region": "53.71", "start_year": 2026, "end_year": 2050},
            [("end_year", "A masterplan covers at most 20 years.")],
        ),
        (
            {"region": "53.99", "start_year": 2026, "end_year": 2035},
            [("region", "No current kabupaten/kota has the code 53.99.")],
        ),
        (
            {"region": "abc", "start_year": 2026, "end_year": 2035},
            [
                (
                    "region",
                    "“abc” is not a Kemendagri code. Use the dotted form such as 53.71 or the digits 5371.",
                )
            ],
        ),
        (
            {"region": "53.71", "start_year": "soon", "end_year": 2035, "colour": "red"},
            [
                ("start_year", "Enter a whole number."),
                ("colour", "This field is not accepted here."),
            ],
        ),
        (
            {"region": "53.71", "start_year": 2026, "end_year": 2035, "title": "a\x00"},
            [("title", "Remove the NUL characters and unpaired surrogates.")],
        ),
        (
            {},
            [
                ("region", "This field is required."),
                ("start_year", "This field is required."),
                ("end_year", "This field is required."),
            ],
        ),
    ],
)
def test_create_masterplan_refuses_bad_input_and_saves_nothing(
    api, bearer, officer, kupang, body, fields
):
    response = post(api, BASE, body, bearer(officer))

    assert response.status_code == 422
    assert response.json() == invalid(*fields)
    assert not Masterplan.objects.exists()


def test_create_masterplan_twice_for_a_horizon(api, bearer, officer, plan):
    response = post(
        api, BASE, {"region": "53.71", "start_year": 2026, "end_year": 2035}, bearer(officer)
    )

    assert response.status_code == 422
    assert response.json() == invalid((None, "Kota Kupang already has a masterplan for 2026–2035."))
    assert Masterplan.objects.count() == 1


# --- the list and one plan ----------------------------------------------------------------------


def test_list_masterplans_shows_the_officer_their_regions(
    api, bearer, officer, secretariat, kupang, sumba
):
    kupang_old = bare_plan(kupang, 2016, versions=3)
    kupang_new = bare_plan(kupang, 2026)
    sumba_plan = bare_plan(sumba, 2026, versions=2)

    mine = api.get(BASE, headers=bearer(officer))
    everything = api.get(BASE, headers=bearer(secretariat))
    filtered = api.get(BASE, {"region": "5311"}, headers=bearer(secretariat))

    assert mine.json() == {
        "count": 2,
        "items": [card(kupang_new, KUPANG), card(kupang_old, KUPANG, latest=3, count=3)],
    }
    # By region name (Kabupaten Sumba Timur before Kota Kupang), latest horizon first.
    assert everything.json() == {
        "count": 3,
        "items": [
            card(sumba_plan, SUMBA, latest=2, count=2),
            card(kupang_new, KUPANG),
            card(kupang_old, KUPANG, latest=3, count=3),
        ],
    }
    assert filtered.json() == {"count": 1, "items": [card(sumba_plan, SUMBA, latest=2, count=2)]}
    second_page = api.get(BASE, {"limit": 1, "offset": 1}, headers=bearer(secretariat)).json()
    assert second_page == {"count": 3, "items": [card(kupang_new, KUPANG)]}


def test_list_masterplans_filter_errors(api, bearer, secretariat, kupang):
    headers = bearer(secretariat)

    unknown = api.get(BASE, {"region": "53.99"}, headers=headers)
    malformed = api.get(BASE, {"region": "53"}, headers=headers)

    assert unknown.status_code == 404
    assert unknown.json() == not_found("No kabupaten/kota has the code 53.99.")
    assert malformed.status_code == 422
    assert malformed.json()["error"]["fields"][0]["field"] == "region"


def test_get_masterplan_with_its_versions_latest_first(api, bearer, officer, secretariat, plan):
    first = plan.versions.get()
    document = copy.deepcopy(first.content)
    document["vision"] = {"text": "Kupang 2035: kota yang melayani."}
    second = services.save_version(actor=officer, masterplan=plan, content=document, note="Visi")
    services.add_comment(actor=secretariat, version=first, section="budget", text="Rinci.")
    services.add_comment(actor=secretariat, version=first, section="vision", text="Tajam.")

    response = api.get(f"{BASE}/{plan.pk}", headers=bearer(secretariat))

    assert response.status_code == 200
    assert response.json() == {
        **card(plan, KUPANG, latest=2, count=2),
        "author": "officer.kupang",
        "versions": [version_ref(second), version_ref(first, comments=2)],
    }


def test_unknown_masterplan_and_version(api, bearer, secretariat, plan):
    headers = bearer(secretariat)

    assert api.get(f"{BASE}/999999", headers=headers).json() == not_found(
        "No masterplan has the id 999999."
    )
    assert api.get(f"{BASE}/{plan.pk}/versions/7", headers=headers).json() == not_found(
        f"The masterplan {plan.pk} has no version 7."
    )
    zero = api.get(f"{BASE}/0", headers=headers)
    assert zero.status_code == 422
    assert zero.json()["error"]["fields"][0]["field"] == "plan_id"


# --- a version ---------------------------------------------------------------------------------


def test_get_version_without_a_language_has_no_reading(api, bearer, officer, plan):
    version = plan.versions.get()

    response = api.get(f"{BASE}/{plan.pk}/versions/1", headers=bearer(officer))

    assert response.status_code == 200
    assert response.json() == version_out(version)


def _reading_body(read: reading.Reading) -> dict[str, Any]:
    def section(s: reading.Section) -> dict[str, Any]:
        return {
            "key": s.key,
            "title": s.title,
            "note": s.note,
            "paragraphs": [{"text": p.text, "sources": p.sources} for p in s.paragraphs],
            "tables": [
                {
                    "caption": t.caption,
                    "header": t.header,
                    "rows": t.rows,
                    "numeric": list(t.numeric),
                    "total": t.total,
                }
                for t in s.tables
            ],
            "subsections": [section(sub) for sub in s.subsections],
        }

    return {
        "title": read.title,
        "region": read.region,
        "horizon": read.horizon,
        "language": read.language,
        "demo": read.demo,
        "vision": read.vision,
        "mission": read.mission,
        "vision_note": read.vision_note,
        "sections": [section(s) for s in read.sections],
    }


@pytest.mark.parametrize("language", ["id", "en"])
def test_get_version_with_its_reading_in_a_language(api, bearer, officer, plan, language):
    version = plan.versions.get()

    response = api.get(f"{BASE}/{plan.pk}/versions/1", {"lang": language}, headers=bearer(officer))

    body = response.json()
    expected = _reading_body(reading.read(plan.title, version.content, language))
    assert body == version_out(version, reading_body=expected)
    assert "<svg" not in response.content.decode()
    sections = body["reading"]["sections"]
    assert [s["key"] for s in sections] == [
        "profile",
        "readiness",
        "index",
        "gaps",
        "strategies",
        "quick_wins",
        "roadmap",
        "budget",
        "revenue",
    ]
    budget = next(s for s in sections if s["key"] == "budget")["tables"][0]
    if language == "en":
        assert body["reading"]["vision"].startswith("Kota Kupang 2035: a smart kota")
        assert budget["total"] == [
            "Total",
            "Rp 1,060,000,000",
            "Rp 1,060,000,000",
            "Rp 2,120,000,000",
        ]
        strategies = next(s for s in sections if s["key"] == "strategies")
        assert [sub["title"] for sub in strategies["subsections"]][:2] == [
            "Smart Governance",
            "Smart Branding",
        ]
    else:
        assert budget["total"][-1] == "Rp 2.120.000.000"


def test_the_reading_carries_the_officers_note_on_the_vision(api, bearer, officer, plan):
    document = edited(plan, notes={"vision": {"text": "Disepakati dalam musrenbang 2025."}})
    services.save_version(actor=officer, masterplan=plan, content=document)

    response = api.get(f"{BASE}/{plan.pk}/versions/2", {"lang": "en"}, headers=bearer(officer))

    assert response.json()["reading"]["vision_note"] == "Disepakati dalam musrenbang 2025."
    first = api.get(f"{BASE}/{plan.pk}/versions/1", {"lang": "en"}, headers=bearer(officer))
    assert first.json()["reading"]["vision_note"] == ""


def test_get_version_in_an_unknown_language(api, bearer, officer, plan):
    response = api.get(f"{BASE}/{plan.pk}/versions/1", {"lang": "fr"}, headers=bearer(officer))

    assert response.status_code == 422
    assert response.json() == invalid(("lang", "Choose one of: 'id' or 'en'."))


# --- saving an edit ---------------------------------------------------------------------------


def edited(plan, **changes) -> dict[str, Any]:
    document = copy.deepcopy(plan.versions.order_by("-number").first().content)
    document.update(changes)
    return document


def test_save_version_answers_the_new_version(api, bearer, officer, plan):
    document = edited(plan, vision={"text": "Kupang 2035: kota yang melayani."})

    response = post(
        api,
        f"{BASE}/{plan.pk}/versions",
        {"content": document, "note": "Visi kami", "based_on": 1},
        bearer(officer),
    )

    assert response.status_code == 201, response.content
    version = plan.versions.get(number=2)
    assert version.content == document
    assert response.json() == version_out(version)
    assert response.json()["author"] == "officer.kupang"
    assert (
        AuditEvent.objects.filter(
            object_type="strategy.planversion", channel="api", region_code="53.71"
        ).count()
        == 1
    )


def test_save_version_names_each_problem_of_the_document(api, bearer, officer, plan):
    document = edited(plan, vision={"text": ""}, notes={"annex": {"text": "x"}})
    document["programmes"][2]["start_year"] = 2040
    document["programmes"][0]["funding"] = ["loan"]
    document["index"] = {"year": 2025}

    response = post(
        api, f"{BASE}/{plan.pk}/versions", {"content": document, "based_on": 1}, bearer(officer)
    )

    assert response.status_code == 422
    assert response.json() == invalid(
        ("content.vision", "This field is required."),
        ("content.programmes.0.funding", "Choose among the funding sources."),
        ("content.programmes.2.start_year", "A year from 2026 to 2035."),
        ("content.notes.annex", "No section has this name."),
    )
    assert plan.versions.count() == 1


def test_save_version_refuses_a_change_to_the_drafted_analysis(api, bearer, officer, plan):
    response = post(
        api,
        f"{BASE}/{plan.pk}/versions",
        {"content": edited(plan, index={"year": 2025}), "based_on": 1},
        bearer(officer),
    )

    assert response.json() == invalid(
        (
            "content.index",
            "This part was drafted from the platform's data and cannot be edited; add a note "
            "to its section instead.",
        )
    )
    assert plan.versions.count() == 1


def test_save_version_refuses_an_edit_of_an_old_version(api, bearer, officer, plan):
    headers = bearer(officer)
    url = f"{BASE}/{plan.pk}/versions"
    assert post(api, url, {"content": edited(plan), "based_on": 1}, headers).status_code == 201

    stale = post(api, url, {"content": edited(plan), "based_on": 1}, headers)

    assert stale.status_code == 422
    assert stale.json() == invalid(
        (
            "based_on",
            "Version 2 was saved while you were editing version 1; open the latest version "
            "and make your change again.",
        )
    )
    assert plan.versions.count() == 2


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"content": {"schema": 1}}, [("based_on", "This field is required.")]),
        (
            {"content": [], "based_on": 1},
            [("content", "Send a JSON object.")],
        ),
        (
            {"content": {"schema": 9}, "based_on": 1},
            [("content.schema", "Not a masterplan document.")],
        ),
        (
            {"content": {"schema": 1, "programmes": []}, "based_on": 1},
            [("content.horizon", "The planning horizon is missing.")],
        ),
        (
            {"content": {"schema": 1, "horizon": {"from": 2026, "to": 2035}}, "based_on": 1},
            [("content.programmes", "Not a list of programmes.")],
        ),
        (
            {"content": {"schema": 1, "vision": {"text": "\x00"}}, "based_on": 1},
            [("content.vision.text", "Remove the NUL characters and unpaired surrogates.")],
        ),
    ],
)
def test_save_version_refuses_what_is_not_a_document(api, bearer, officer, plan, body, fields):
    response = post(api, f"{BASE}/{plan.pk}/versions", body, bearer(officer))

    assert response.status_code == 422
    assert response.json() == invalid(*fields)
    assert plan.versions.count() == 1


# --- comments ---------------------------------------------------------------------------------


def test_comments_of_a_version_oldest_first(api, bearer, officer, secretariat, plan):
    version = plan.versions.get()
    response = post(
        api,
        f"{BASE}/{plan.pk}/versions/1/comments",
        {"section": "budget", "text": " Rinci per tahun anggaran. "},
        bearer(secretariat),
    )
    later = services.add_comment(
        actor=secretariat, version=version, section="vision", text="Tajamkan."
    )

    first = PlanComment.objects.order_by("pk").first()
    assert response.status_code == 201
    assert response.json() == {
        "id": first.pk,
        "version": 1,
        "section": "budget",
        "text": "Rinci per tahun anggaran.",
        "author": "secretariat",
        "created_at": iso(first.created_at),
    }
    listed = api.get(f"{BASE}/{plan.pk}/versions/1/comments", headers=bearer(officer))
    assert listed.json() == {
        "count": 2,
        "items": [
            response.json(),
            {
                "id": later.pk,
                "version": 1,
                "section": "vision",
                "text": "Tajamkan.",
                "author": "secretariat",
                "created_at": iso(later.created_at),
            },
        ],
    }


def test_comment_with_bad_input(api, bearer, secretariat, plan):
    url = f"{BASE}/{plan.pk}/versions/1/comments"
    headers = bearer(secretariat)

    section = post(api, url, {"section": "annex", "text": "x"}, headers)
    blank = post(api, url, {"section": "budget", "text": "  "}, headers)
    missing = post(
        api, f"{BASE}/{plan.pk}/versions/2/comments", {"section": "budget", "text": "x"}, headers
    )

    assert section.status_code == 422
    assert section.json()["error"]["fields"][0]["field"] == "section"
    assert blank.json() == invalid(("text", "This field is required."))
    assert missing.json() == not_found(f"The masterplan {plan.pk} has no version 2.")
    assert not PlanComment.objects.exists()


# --- scorecards -------------------------------------------------------------------------------


def scorecard(report: ProgressReport) -> dict[str, Any]:
    return {
        "year": report.year,
        "version": report.version.number,
        "evaluation": report.evaluation,
        "score": report.score,
        "breakdown": report.breakdown,
        "entries": report.entries,
        "note": report.note,
        "submitted": report.submitted_at is not None,
        "submitted_at": iso(report.submitted_at) if report.submitted_at else None,
        "updated_at": iso(report.updated_at),
        "is_demo": report.is_demo,
    }


ENTRIES = {
    "P1": {
        "status": "in_progress",
        "outputs": {"policy": True, "budget": True},
        "outcome": 5_000_000_000,
        "baseline": 4_200_000_000,
    },
    "P3": {"status": "done", "outputs": {"institution": True}},
}


def test_scorecards_are_saved_updated_submitted_and_listed(api, bearer, officer, plan):
    headers = bearer(officer)
    url = f"{BASE}/{plan.pk}/scorecards"
    assert api.get(url, headers=headers).json() == {"count": 0, "items": []}

    created = post(api, f"{url}/2027", {"entries": ENTRIES, "note": "Tahun kedua"}, headers)
    report = ProgressReport.objects.get()
    assert created.status_code == 201, created.content
    assert created.json() == scorecard(report)
    assert report.entries["P1"] == {
        "status": "in_progress",
        "outputs": {"policy": True, "institution": False, "budget": True},
        "outcome": 5_000_000_000.0,
        "baseline": 4_200_000_000.0,
    }
    assert report.entries["P2"]["status"] == "not_started"
    assert report.score is not None and report.breakdown["total"] == report.score

    updated = post(api, f"{url}/2027", {"entries": ENTRIES, "submit": True}, headers)
    report.refresh_from_db()
    assert updated.status_code == 200
    assert updated.json() == scorecard(report)
    assert updated.json()["submitted"] is True
    post(api, f"{url}/2026", {"entries": {}}, headers)

    listed = api.get(url, headers=headers)
    assert listed.json() == {
        "count": 2,
        "items": [scorecard(r) for r in ProgressReport.objects.order_by("year")],
    }
    assert [item["year"] for item in listed.json()["items"]] == [2026, 2027]

    final = post(api, f"{url}/2027", {"entries": ENTRIES}, headers)
    assert final.status_code == 422
    assert final.json()["error"]["fields"][0]["field"] is None


def test_scorecard_with_bad_input(api, bearer, officer, plan):
    headers = bearer(officer)
    url = f"{BASE}/{plan.pk}/scorecards"

    year = post(api, f"{url}/2040", {"entries": {}}, headers)
    unknown = post(api, f"{url}/2027", {"entries": {"P9": {}}}, headers)
    status = post(api, f"{url}/2027", {"entries": {"P1": {"status": "finished"}}}, headers)

    assert year.json() == invalid(("year", "A year of the masterplan, from 2026 to 2035."))
    assert unknown.json() == invalid(("entries", "No programme of the masterplan has the id P9."))
    assert status.status_code == 422
    assert status.json()["error"]["fields"][0]["field"] == "entries.P1"
    assert not ProgressReport.objects.exists()


# --- query counts -------------------------------------------------------------------------------


def _plans(n: int, kupang) -> Masterplan:
    made = [bare_plan(kupang, 2000 + 10 * i, versions=2) for i in range(n)]
    return made[0]


def _comments(n: int, kupang, secretariat) -> Masterplan:
    made = bare_plan(kupang, 2026)
    version = made.versions.get()
    for i in range(n):
        PlanComment.objects.create(
            version=version, section="budget", text=f"#{i}", author=secretariat
        )
    return made


def _reports(n: int, kupang, officer) -> Masterplan:
    made = bare_plan(kupang, 2026)
    version = made.versions.get()
    for i in range(n):
        ProgressReport.objects.create(
            masterplan=made, version=version, year=2026 + i, evaluation="e", updated_by=officer
        )
    return made


QUERY_CASES = {
    # the token, then: the count and the page
    "masterplans": (lambda made: BASE, 3),
    # the plan, its versions with their comment counts
    "one masterplan": (lambda made: f"{BASE}/{made.pk}", 3),
    # the plan, the version, the count and the page of comments with their authors
    "comments": (lambda made: f"{BASE}/{made.pk}/versions/1/comments", 5),
    # the plan, the count and the page of reports with their version's number
    "scorecards": (lambda made: f"{BASE}/{made.pk}/scorecards", 4),
}


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("case", list(QUERY_CASES))
def test_list_query_count_does_not_grow_with_rows(
    api, django_assert_num_queries, bearer, officer, secretariat, kupang, case, n
):
    if case in {"masterplans", "one masterplan"}:
        made = _plans(n, kupang)
        if case == "one masterplan":
            for number in range(3, 3 + n):
                PlanVersion.objects.create(masterplan=made, number=number, content={})
    elif case == "comments":
        made = _comments(n, kupang, secretariat)
    else:
        made = _reports(n, kupang, officer)
    headers = bearer(officer)
    url, queries = QUERY_CASES[case]
    api.get(url(made), headers=headers)  # the token's first use is recorded once

    with django_assert_num_queries(queries):
        response = api.get(url(made), headers=headers)

    assert response.status_code == 200
    body = response.json()
    items = body["versions"] if case == "one masterplan" else body["items"]
    assert len(items) == (n + 2 if case == "one masterplan" else n)


def test_a_region_of_another_province_in_the_list(api, bearer, secretariat, kupang):
    bali = RegionFactory(code="51.71", name="Kota Denpasar")
    made = bare_plan(bali, 2026)

    body = api.get(BASE, {"region": "51.71"}, headers=bearer(secretariat)).json()

    assert body == {
        "count": 1,
        "items": [card(made, {"code": "51.71", "name": "Kota Denpasar", "kind": "kota"})],
    }
