"""The index through the API: frameworks, cycles, values, uploads, computations, results.

Who may do what is in ``test_index_permissions.py``; here each endpoint's answer is
compared with the database rows it comes from.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from openpyxl import Workbook, load_workbook

from kotacerdas import engine
from kotacerdas.assessments import api as index_api
from kotacerdas.assessments.models import (
    Computation,
    Cycle,
    IndicatorValue,
    Node,
    Result,
    ValueUpload,
)
from kotacerdas.assessments.services import computing
from kotacerdas.assessments.services.frameworks import (
    load_framework,
    load_shipped,
    shipped_document,
)
from kotacerdas.core.models import AuditEvent
from kotacerdas.regions.models import Region

from ..assessments.fixtures import fill
from ..factories import RegionFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

INVALID = "Some values are not valid; see the fields."
FRAMEWORK = {
    "code": "smartcity-2025",
    "version": "2025.1",
    "name": "KotaCerdas Smart City Index",
}
INDEX = {"code": "INDEX", "name": "Smart City Index", "level": 4}
PILLARS = ["GOV", "BRD", "ECO", "LIV", "SOC", "ENV"]
MATURITY = {1: "Initial", 2: "Developing", 3: "Established", 4: "Advanced", 5: "Leading"}
SPBE = {
    "code": "GOV.SVC.01",
    "name": "Electronic-Based Government System (SPBE) Index",
    "unit": "index 0-5",
}


def error(status: int, code: str, message: str, fields: list[Any] | None = None) -> dict:
    return {"error": {"status": status, "code": code, "message": message, "fields": fields or []}}


def not_found(message: str) -> dict:
    return error(404, "not_found", message)


def invalid(*fields: tuple[str | None, str]) -> dict:
    return error(422, "validation_error", INVALID, [{"field": f, "message": m} for f, m in fields])


def region_ref(region: Region) -> dict[str, str]:
    return {"code": region.code, "name": region.name, "kind": region.kind}


def api_events() -> list[tuple[str, str, str, str]]:
    return list(
        AuditEvent.objects.filter(channel=AuditEvent.Channel.API)
        .order_by("id")
        .values_list("actor__username", "action", "object_type", "region_code")
    )


# --- fixtures: the shipped framework, real registry regions, seeded demo values ------------


def publish_year(framework, regions, year: int, *, is_demo: bool = True) -> Computation:
    cycle = Cycle.objects.create(framework=framework, year=year, status=Cycle.Status.CLOSED)
    fill(cycle, regions, is_demo=is_demo)
    return computing.publish(
        actor=None, computation=computing.compute_cycle(actor=None, cycle=cycle)
    )


def csv_upload(rows: list[str], name: str = "values.csv") -> SimpleUploadedFile:
    text = "\n".join(["region_code,indicator_code,value,source,year", *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def stored_values(cycle: Cycle) -> list[tuple[str, str, float, str, int, bool]]:
    return list(
        IndicatorValue.objects.filter(cycle=cycle)
        .order_by("region__code", "indicator__code")
        .values_list("region__code", "indicator__code", "value", "source", "year", "is_demo")
    )


# --- frameworks ----------------------------------------------------------------------------

FRAMEWORK_SUMMARY = {
    **FRAMEWORK,
    "levels": [
        {"level": 1, "name": "Indicator"},
        {"level": 2, "name": "Sub-element"},
        {"level": 3, "name": "Pillar"},
        {"level": 4, "name": "Index"},
    ],
    "maturity": [
        {"level": 1, "min_score": 0.0, "name": "Initial"},
        {"level": 2, "min_score": 20.0, "name": "Developing"},
        {"level": 3, "min_score": 40.0, "name": "Established"},
        {"level": 4, "min_score": 60.0, "name": "Advanced"},
        {"level": 5, "min_score": 80.0, "name": "Leading"},
    ],
    "n_indicators": 53,
    "n_aggregates": 25,
}


def test_framework_list_has_levels_and_maturity(api, framework):
    response = api.get("/api/v1/index/frameworks")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["items"] == [{**FRAMEWORK_SUMMARY, "description": framework.description_en}]


def test_framework_detail_lists_the_tree_with_parents(api, framework):
    response = api.get("/api/v1/index/frameworks/smartcity-2025/2025.1")

    assert response.status_code == 200
    body = response.json()
    nodes = body.pop("nodes")
    assert body == {**FRAMEWORK_SUMMARY, "description": framework.description_en}
    db_nodes = Node.objects.filter(framework=framework)
    assert [n["code"] for n in nodes] == list(
        db_nodes.order_by("-level", "position").values_list("code", flat=True)
    )
    assert nodes[0] == {
        "code": "INDEX",
        "level": 4,
        "parent": None,
        "is_indicator": False,
        "name": "Smart City Index",
        "unit": "",
        "direction": 1,
        "weight": 1.0,
        "target": None,
        "min_value": None,
        "max_value": None,
        "source": "",
        "iso_reference": "",
        "definition": "",
    }
    spbe = db_nodes.get(code="GOV.SVC.01")
    assert next(n for n in nodes if n["code"] == "GOV.SVC.01") == {
        "code": "GOV.SVC.01",
        "level": 1,
        "parent": "GOV.SVC",
        "is_indicator": True,
        "name": SPBE["name"],
        "unit": "index 0-5",
        "direction": 1,
        "weight": 1.0,
        "target": 4.0,
        "min_value": 0.0,
        "max_value": 5.0,
        "source": spbe.source_en,
        "iso_reference": spbe.iso_reference,
        "definition": spbe.definition_en,
    }
    # Every parent comes before its children, so a client builds the tree in one pass.
    seen: set[str] = set()
    for node in nodes:
        assert node["parent"] is None or node["parent"] in seen, node["code"]
        seen.add(node["code"])


def test_framework_detail_follows_accept_language(framework, client):
    response = client.get(
        "/api/v1/index/frameworks/smartcity-2025/2025.1", HTTP_ACCEPT_LANGUAGE="id"
    )

    body = response.json()
    assert body["name"] == "Indeks Kota Cerdas KotaCerdas"
    assert body["levels"][2] == {"level": 3, "name": "Pilar"}
    assert body["maturity"][4] == {"level": 5, "min_score": 80.0, "name": "Unggul"}
    assert body["nodes"][0]["name"] == "Indeks Kota Cerdas"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/index/frameworks/smartcity-2025/1999.1", "/api/v1/index/frameworks/nope/2025.1"],
)
def test_framework_detail_unknown_is_404(api, framework, path):
    code, version = path.rsplit("/", 2)[1:]

    response = api.get(path)

    assert response.status_code == 404
    assert response.json() == not_found(f"No framework has the code {code} and version {version}.")


def test_framework_list_paginates(api, framework):
    document = shipped_document("smartcity-2025.yaml")
    load_framework(actor=None, document={**document, "version": "2026.1"})

    first = api.get("/api/v1/index/frameworks?limit=1")
    second = api.get("/api/v1/index/frameworks?limit=1&offset=1")

    assert [
        (b["count"], [i["version"] for i in b["items"]]) for b in (first.json(), second.json())
    ] == [
        (2, ["2026.1"]),
        (2, ["2025.1"]),
    ]


# --- cycles --------------------------------------------------------------------------------


@pytest.fixture
def cycles(framework):
    """2023 (closed, demo, published), 2024 (closed), 2025 (open)."""
    demo = Cycle.objects.create(
        framework=framework, year=2023, status=Cycle.Status.CLOSED, is_demo=True
    )
    Computation.objects.create(
        cycle=demo, status=Computation.Status.DONE, published_at="2024-01-01T00:00Z"
    )
    Cycle.objects.create(framework=framework, year=2024, status=Cycle.Status.CLOSED)
    Cycle.objects.create(framework=framework, year=2025, status=Cycle.Status.OPEN)


@pytest.mark.parametrize(
    ("query", "years"),
    [
        ("", [2025, 2024, 2023]),
        ("?year=2024", [2024]),
        ("?status=closed", [2024, 2023]),
        ("?is_demo=true", [2023]),
        ("?is_demo=false&status=closed", [2024]),
        ("?framework=smartcity-2025&status=", [2025, 2024, 2023]),
        ("?framework=other", []),
    ],
)
def test_cycle_list_filters(api, cycles, query, years):
    response = api.get(f"/api/v1/index/cycles{query}")

    assert response.status_code == 200
    assert [item["year"] for item in response.json()["items"]] == years


def test_cycle_list_items(api, cycles):
    response = api.get("/api/v1/index/cycles?limit=2&offset=1")

    assert response.json() == {
        "count": 3,
        "items": [
            {
                "year": 2024,
                "framework": FRAMEWORK,
                "status": "closed",
                "is_demo": False,
                "is_published": False,
            },
            {
                "year": 2023,
                "framework": FRAMEWORK,
                "status": "closed",
                "is_demo": True,
                "is_published": True,
            },
        ],
    }


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("status=draft", "status", "Choose one of: 'open' or 'closed'."),
        ("year=abc", "year", "Enter a whole number."),
        ("year=1800", "year", "Enter a value of at least 1900."),
        ("is_demo=maybe", "is_demo", "Enter true or false."),
        ("framework=a%20b", "framework", "The value does not have the expected form."),
    ],
)
def test_cycle_list_bad_filter_is_422_naming_it(api, cycles, query, field, message):
    response = api.get(f"/api/v1/index/cycles?{query}")

    assert response.status_code == 422
    assert response.json() == invalid((field, message))


def test_cycle_detail_counts_values_and_regions(api, filled_cycle, sample_regions):
    response = api.get("/api/v1/index/cycles/2025")

    n_values = IndicatorValue.objects.filter(cycle=filled_cycle).count()
    assert response.status_code == 200
    assert response.json() == {
        "year": 2025,
        "framework": FRAMEWORK,
        "status": "open",
        "is_demo": False,
        "is_published": False,
        "n_values": n_values,
        "n_demo_values": n_values,
        "n_regions": 12,
        "n_indicators": 53,
        "published_computation": None,
        # A real cycle holding demo values: its figures are demo-derived.
        "contains_demo": True,
    }


def test_cycle_detail_names_the_published_computation(api, published):
    response = api.get("/api/v1/index/cycles/2025")

    body = response.json()
    assert (body["is_published"], body["published_computation"]) == (
        True,
        {"id": published.pk, "published_at": published.published_at.isoformat()[:23] + "Z"},
    )


def test_cycle_detail_unknown_year_is_404(api, cycle):
    response = api.get("/api/v1/index/cycles/2019")

    assert response.status_code == 404
    assert response.json() == not_found("There is no assessment cycle in 2019.")


def test_cycle_detail_unknown_framework_is_404(api, cycle):
    response = api.get("/api/v1/index/cycles/2025?framework=other")

    assert response.json() == not_found("The framework other has no assessment cycle in 2025.")


def test_cycle_detail_of_a_year_with_two_frameworks_asks_for_one(api, cycle):
    document = shipped_document("smartcity-2025.yaml")
    other, _ = load_framework(actor=None, document={**document, "code": "readiness-x"})
    Cycle.objects.create(framework=other, year=2025)

    ambiguous = api.get("/api/v1/index/cycles/2025")
    chosen = api.get("/api/v1/index/cycles/2025?framework=readiness-x")

    assert ambiguous.status_code == 422
    assert ambiguous.json() == invalid(
        (
            "framework",
            "Several frameworks have a cycle in 2025 (readiness-x, smartcity-2025); choose one.",
        )
    )
    assert chosen.json()["framework"]["code"] == "readiness-x"


@pytest.mark.parametrize(
    ("year", "message"),
    [("abc", "Enter a whole number."), ("99999", "Enter a value of at most 2200.")],
)
def test_cycle_detail_bad_year_is_422(api, cycle, year, message):
    response = api.get(f"/api/v1/index/cycles/{year}")

    assert response.status_code == 422
    assert response.json() == invalid(("year", message))


# --- values --------------------------------------------------------------------------------


def value_item(value: IndicatorValue) -> dict[str, Any]:
    return {
        "region": region_ref(value.region),
        "indicator": {
            "code": value.indicator.code,
            "name": value.indicator.name_en,
            "unit": value.indicator.unit_en,
        },
        "value": value.value,
        "data_year": value.year,
        "source": value.source,
        "is_demo": value.is_demo,
        "updated_at": value.updated_at.isoformat()[:23] + "Z",
    }


def test_values_of_a_published_cycle_are_public(api, published):
    response = api.get("/api/v1/index/cycles/2025/values?limit=200&offset=100")

    rows = (
        IndicatorValue.objects.filter(cycle=published.cycle)
        .select_related("region", "indicator")
        .order_by("region__code", "indicator__position")
    )
    assert response.status_code == 200
    assert response.json() == {
        "count": rows.count(),
        "items": [value_item(v) for v in rows[100:300]],
    }


def test_values_filter_by_region_and_indicator(api, published):
    response = api.get("/api/v1/index/cycles/2025/values?region=5371&indicator=GOV.SVC.01")

    value = IndicatorValue.objects.get(
        cycle=published.cycle, region__code="53.71", indicator__code="GOV.SVC.01"
    )
    assert response.json() == {"count": 1, "items": [value_item(value)]}
    assert response.json()["items"][0]["is_demo"] is True


def test_values_of_real_sources_are_not_demo(api, cycle, sample_regions):
    kupang = next(r for r in sample_regions if r.code == "53.71")
    spbe = Node.objects.get(code="GOV.SVC.01")
    value = IndicatorValue.objects.create(
        cycle=cycle, region=kupang, indicator=spbe, value=2.9, year=2024, source="KemenPAN-RB"
    )
    Computation.objects.create(
        cycle=cycle, status=Computation.Status.DONE, published_at="2025-06-01T00:00Z"
    )

    response = api.get("/api/v1/index/cycles/2025/values")

    assert response.json() == {"count": 1, "items": [value_item(value)]}
    assert response.json()["items"][0]["indicator"] == SPBE


@pytest.mark.parametrize(
    ("query", "status", "body"),
    [
        ("region=53.98", 404, not_found("No kabupaten/kota has the code 53.98.")),
        (
            "region=53",
            422,
            invalid(("region", "“53” is not a kabupaten/kota code; it should look like 53.71.")),
        ),
        (
            "indicator=GOV.XXX.01",
            422,
            invalid(("indicator", "The framework smartcity-2025 has no indicator GOV.XXX.01.")),
        ),
        (
            "indicator=GOV",
            422,
            invalid(("indicator", "The framework smartcity-2025 has no indicator GOV.")),
        ),
        (
            "indicator=a%20b",
            422,
            invalid(("indicator", "The value does not have the expected form.")),
        ),
        ("limit=0", 422, invalid(("limit", "Enter a value of at least 1."))),
    ],
)
def test_values_bad_filter(api, published, query, status, body):
    response = api.get(f"/api/v1/index/cycles/2025/values?{query}")

    assert response.status_code == status
    assert response.json() == body


def test_values_of_an_unpublished_cycle_are_404_for_a_visitor(api, filled_cycle):
    response = api.get("/api/v1/index/cycles/2025/values")

    assert response.status_code == 404
    assert response.json() == not_found(
        "The values of the 2025 cycle are not public until its index is published."
    )


def test_values_of_an_unpublished_cycle_for_an_officer_are_their_own(
    api, filled_cycle, officer, bearer
):
    response = api.get("/api/v1/index/cycles/2025/values?limit=200", headers=bearer(officer))

    rows = (
        IndicatorValue.objects.filter(cycle=filled_cycle, region__code="53.71")
        .select_related("region", "indicator")
        .order_by("indicator__position")
    )
    assert response.json() == {"count": rows.count(), "items": [value_item(v) for v in rows]}


def test_values_of_an_unknown_year_are_404(api, filled_cycle):
    response = api.get("/api/v1/index/cycles/2031/values")

    assert response.json() == not_found("There is no assessment cycle in 2031.")


# --- uploads -------------------------------------------------------------------------------

UPLOAD_URL = "/api/v1/index/cycles/2025/values"


@pytest.fixture
def stored(cycle, sample_regions):
    """Two values of Kota Kupang already stored in the 2025 cycle."""
    kupang = next(r for r in sample_regions if r.code == "53.71")
    for code, value, source in [("GOV.SVC.01", 3.0, "SPBE 2024"), ("GOV.SVC.02", 70.0, "ORI")]:
        IndicatorValue.objects.create(
            cycle=cycle,
            region=kupang,
            indicator=Node.objects.get(code=code),
            value=value,
            source=source,
            year=2024,
        )
    return stored_values(cycle)


PLAN_ROWS = [
    '53.71,GOV.SVC.01,"3,5",SPBE 2024,2024',  # changed (decimal comma)
    "5371,GOV.SVC.02,70,ORI,2024",  # unchanged
    "53.11,GOV.SVC.01,2,SPBE 2023,2023",  # new
    "53.11,GOV.SVC.02,,,",  # left empty: skipped
]
PLAN = {
    "counts": {"new": 1, "changed": 1, "unchanged": 1, "skipped": 1, "regions": 2},
    "changes": [
        {
            "row": 2,
            "region": "53.71",
            "indicator": "GOV.SVC.01",
            "old": 3.0,
            "new": 3.5,
            "kind": "changed",
            "source": "SPBE 2024",
            "data_year": 2024,
        },
        {
            "row": 4,
            "region": "53.11",
            "indicator": "GOV.SVC.01",
            "old": None,
            "new": 2.0,
            "kind": "new",
            "source": "SPBE 2023",
            "data_year": 2023,
        },
        {
            "row": 3,
            "region": "53.71",
            "indicator": "GOV.SVC.02",
            "old": 70.0,
            "new": 70.0,
            "kind": "unchanged",
            "source": "ORI",
            "data_year": 2024,
        },
    ],
}


def test_upload_dry_run_returns_the_plan_and_stores_nothing(
    api, cycle, stored, secretariat, bearer
):
    response = api.post(UPLOAD_URL, {"file": csv_upload(PLAN_ROWS)}, headers=bearer(secretariat))

    assert response.status_code == 200
    assert response.json() == {"dry_run": True, "applied": False, **PLAN}
    assert stored_values(cycle) == stored
    assert ValueUpload.objects.count() == 0
    assert api_events() == []


def test_upload_apply_stores_the_values_and_audits_on_the_api_channel(
    api, cycle, stored, secretariat, bearer
):
    response = api.post(
        UPLOAD_URL,
        {"file": csv_upload(PLAN_ROWS), "dry_run": "false"},
        headers=bearer(secretariat),
    )

    assert response.status_code == 200
    assert response.json() == {"dry_run": False, "applied": True, **PLAN}
    assert stored_values(cycle) == [
        ("53.11", "GOV.SVC.01", 2.0, "SPBE 2023", 2023, False),
        ("53.71", "GOV.SVC.01", 3.5, "SPBE 2024", 2024, False),
        ("53.71", "GOV.SVC.02", 70.0, "ORI", 2024, False),
    ]
    assert api_events() == [
        ("secretariat", "import", "assessments.indicatorvalue", "53.71"),
        ("secretariat", "import", "assessments.indicatorvalue", "53.11"),
    ]
    changes = AuditEvent.objects.filter(region_code="53.71").values_list("changes", flat=True)
    assert list(changes) == [{"GOV.SVC.01": [3.0, 3.5]}]
    upload = ValueUpload.objects.get()
    assert (upload.filename, upload.applied_at is not None) == ("values.csv", True)


def test_upload_xlsx_is_imported(api, cycle, stored, officer, bearer):
    book = Workbook()
    sheet = book.active
    sheet.title = "values"
    sheet.append(["region_code", "region_name", "indicator_code", "value", "source", "year"])
    sheet.append(["53.71", "Kota Kupang", "GOV.SVC.01", 3.75, "SPBE 2024", 2024])
    sheet.append(["53.71", "Kota Kupang", "GOV.SVC.03", 14, "Dinas PMPTSP", 2024])
    content = io.BytesIO()
    book.save(content)
    # The file sent is a real workbook: openpyxl reads it back.
    assert load_workbook(io.BytesIO(content.getvalue()))["values"]["D2"].value == 3.75

    response = api.post(
        UPLOAD_URL,
        {
            "file": SimpleUploadedFile("nilai.xlsx", content.getvalue()),
            "dry_run": "false",
        },
        headers=bearer(officer),
    )

    assert response.status_code == 200
    assert response.json()["counts"] == {
        "new": 1,
        "changed": 1,
        "unchanged": 0,
        "skipped": 0,
        "regions": 1,
    }
    assert stored_values(cycle) == [
        ("53.71", "GOV.SVC.01", 3.75, "SPBE 2024", 2024, False),
        ("53.71", "GOV.SVC.02", 70.0, "ORI", 2024, False),
        ("53.71", "GOV.SVC.03", 14.0, "Dinas PMPTSP", 2024, False),
    ]
    assert api_events() == [
        ("officer.kupang", "import", "assessments.indicatorvalue", "53.71"),
    ]


def file_problem(row: int | None, column: str | None, message: str) -> dict[str, Any]:
    return {"field": "file", "row": row, "column": column, "message": message}


def rejected(*problems: dict[str, Any]) -> dict:
    count = len(problems)
    return error(
        422,
        "validation_error",
        f"The file was not imported: {count} problem(s); see the fields.",
        list(problems),
    )


@pytest.mark.parametrize("dry_run", ["true", "false"])
def test_upload_with_errors_is_422_with_every_problem_and_stores_nothing(
    api, cycle, stored, secretariat, bearer, dry_run
):
    rows = [
        "53.71,GOV.SVC.01,abc,SPBE,2024",
        "53.98,GOV.SVC.01,1,SPBE,2024",
        "53.71,NOPE.01,1,SPBE,2024",
        "53.71,GOV.SVC.02,150,ORI,2024",
        "53.71,GOV.SVC.03,12,,2030",
        "53.11,GOV.SVC.01,2,SPBE,2024",  # fine on its own, but the file is rejected whole
    ]

    response = api.post(
        UPLOAD_URL,
        {"file": csv_upload(rows), "dry_run": dry_run},
        headers=bearer(secretariat),
    )

    assert response.status_code == 422
    assert response.json() == rejected(
        file_problem(2, "value", "“abc” is not a number."),
        file_problem(3, "region_code", "Region code 53.98 is not in the registry."),
        file_problem(
            4,
            "indicator_code",
            "Indicator NOPE.01 is not in the framework KotaCerdas Smart City Index (2025.1).",
        ),
        file_problem(
            5,
            "value",
            "150 is outside the valid range 0 to 100 of GOV.SVC.02 (score 0-100).",
        ),
        file_problem(
            6,
            "source",
            "Name the source of the value, for example “BPS, Kota Kupang Dalam Angka 2024”.",
        ),
        file_problem(6, "year", "The data year must be between 2000 and 2025."),
    )
    assert stored_values(cycle) == stored
    assert ValueUpload.objects.count() == 0
    assert api_events() == []


def test_upload_officer_row_of_another_region_is_422_naming_the_row(
    api, cycle, stored, officer, bearer
):
    rows = ["53.71,GOV.SVC.01,4,SPBE 2024,2024", "53.11,GOV.SVC.01,2,SPBE 2024,2024"]

    response = api.post(
        UPLOAD_URL, {"file": csv_upload(rows), "dry_run": "false"}, headers=bearer(officer)
    )

    assert response.status_code == 422
    assert response.json() == rejected(
        file_problem(
            3,
            "region_code",
            "You may import values only for your own region; 53.11 is not.",
        )
    )
    assert stored_values(cycle) == stored
    assert ValueUpload.objects.count() == 0
    assert api_events() == []


@pytest.mark.parametrize(
    ("upload", "problem"),
    [
        (
            SimpleUploadedFile("values.txt", b"region_code\n"),
            file_problem(None, None, "Upload a .csv or .xlsx file."),
        ),
        (
            SimpleUploadedFile("values.xlsx", b"not a zip"),
            file_problem(
                None,
                None,
                "The file is not a readable XLSX workbook (File is not a zip file).",
            ),
        ),
        (
            SimpleUploadedFile("values.csv", b"region_code,value\n53.71,1\n"),
            [
                file_problem(1, "indicator_code", "This column is missing."),
                file_problem(1, "source", "This column is missing."),
            ],
        ),
        (
            SimpleUploadedFile("values.csv", "x".encode("utf-16")),
            file_problem(
                None, None, "The file is not UTF-8 text. Save it as CSV UTF-8 and try again."
            ),
        ),
        (
            SimpleUploadedFile("values.csv", b""),
            file_problem(1, None, "The file is empty."),
        ),
        (
            SimpleUploadedFile("values.csv", b"0" * (10 * 1024 * 1024 + 1)),
            file_problem(None, None, "The file is larger than 10 MB."),
        ),
    ],
)
def test_upload_unreadable_file_is_422(api, cycle, secretariat, bearer, upload, problem):
    problems = problem if isinstance(problem, list) else [problem]

    response = api.post(
        UPLOAD_URL, {"file": upload, "dry_run": "false"}, headers=bearer(secretariat)
    )

    assert response.status_code == 422
    assert response.json() == rejected(*problems)
    assert ValueUpload.objects.count() == 0


def test_upload_to_a_closed_cycle_is_422(api, cycle, secretariat, bearer):
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.CLOSED)

    response = api.post(
        UPLOAD_URL,
        {"file": csv_upload(["53.71,GOV.SVC.01,4,SPBE,2024"])},
        headers=bearer(secretariat),
    )

    assert response.json() == rejected(
        file_problem(None, None, "The 2025 cycle is closed; its values can no longer change.")
    )


def test_upload_without_a_file_is_422_naming_the_field(api, cycle, secretariat, bearer):
    response = api.post(UPLOAD_URL, {"dry_run": "true"}, headers=bearer(secretariat))

    assert response.status_code == 422
    assert response.json() == invalid(("file", "This field is required."))


def test_upload_bad_dry_run_is_422_naming_the_field(api, cycle, secretariat, bearer):
    response = api.post(
        UPLOAD_URL,
        {"file": csv_upload(["53.71,GOV.SVC.01,4,SPBE,2024"]), "dry_run": "perhaps"},
        headers=bearer(secretariat),
    )

    assert response.json() == invalid(("dry_run", "Enter true or false."))


def test_upload_to_an_unknown_year_is_404(api, cycle, secretariat, bearer):
    response = api.post(
        "/api/v1/index/cycles/2031/values",
        {"file": csv_upload(["53.71,GOV.SVC.01,4,SPBE,2024"])},
        headers=bearer(secretariat),
    )

    assert response.json() == not_found("There is no assessment cycle in 2031.")


# --- computations --------------------------------------------------------------------------


def computation_body(computation: Computation, **changes: Any) -> dict[str, Any]:
    computation.refresh_from_db()
    body = {
        "id": computation.pk,
        "year": computation.cycle.year,
        "framework": FRAMEWORK,
        "status": computation.status,
        "error": computation.error,
        "options": computing.DEFAULT_OPTIONS,
        "n_regions": computation.units,
        "n_values": computation.values_used,
        "is_demo": computation.is_demo,
        "created_at": computation.created_at.isoformat()[:23] + "Z",
        "is_published": computation.is_published,
        "published_at": (
            computation.published_at.isoformat()[:23] + "Z" if computation.published_at else None
        ),
        "uncertainty": {
            "status": "none",
            "progress": 0,
            "runs_done": 0,
            "runs_total": 0,
            "runs_failed": 0,
            "runs": None,
            "sensitivity_n": None,
            "error": "",
        },
        "sensitivity": [],
    }
    return {**body, **changes}


def test_computation_input_defaults_are_the_service_defaults():
    assert index_api.ComputationIn().model_dump() == computing.DEFAULT_OPTIONS
    assert index_api.UncertaintyIn().model_dump() == {
        "runs": computing.UNCERTAINTY_DEFAULTS["runs"],
        "sensitivity_n": computing.UNCERTAINTY_DEFAULTS["sensitivity_n"],
    }


def test_computation_create_with_defaults(api, filled_cycle, secretariat, bearer):
    response = api.post(
        "/api/v1/index/cycles/2025/computations",
        {},
        content_type="application/json",
        headers=bearer(secretariat),
    )

    computation = Computation.objects.get()
    assert response.status_code == 201
    assert response.json() == computation_body(computation)
    assert (computation.status, computation.units, computation.is_published) == ("done", 12, False)
    assert computation.values_used == IndicatorValue.objects.filter(cycle=filled_cycle).count()
    assert computation.is_demo is True
    assert Result.objects.filter(computation=computation).count() == 12 * 25


def test_computation_create_with_method_choices(api, filled_cycle, secretariat, bearer):
    choices = {
        "aggregate": "gmean",
        "normalise": "minmax:1,100",
        "treat": "none",
        "screen_min_availability": None,
        "weights": {"GOV": 2, "GOV.SVC.01": 0.5},
    }

    response = api.post(
        "/api/v1/index/cycles/2025/computations",
        choices,
        content_type="application/json",
        headers=bearer(secretariat),
    )

    computation = Computation.objects.get()
    options = {**computing.DEFAULT_OPTIONS, **choices, "weights": {"GOV": 2.0, "GOV.SVC.01": 0.5}}
    assert response.status_code == 201
    assert computation.options == options
    assert response.json() == computation_body(computation, options=options)
    # Maturity levels belong to the default 0–100 arithmetic-mean scale only.
    assert not Result.objects.filter(computation=computation, maturity__isnull=False).exists()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {"normalise": "minmax:5,1"},
            [("normalise", "--normalise: the lower bound must be below the upper bound")],
        ),
        ({"normalise": "softmax"}, [("normalise", "--normalise: unknown method 'softmax'")]),
        (
            {"impute": "group-mean"},
            [("impute", "--impute: group-mean needs a group column, e.g. group-mean:Region")],
        ),
        ({"aggregate": "median"}, [("aggregate", "Choose one of: 'amean', 'gmean' or 'hmean'.")]),
        ({"winmax": -1}, [("winmax", "Enter a value of at least 0.")]),
        (
            {"screen_min_availability": 2},
            [("screen_min_availability", "Enter a value of at most 1.0.")],
        ),
        ({"weights": {"GOV": -1}}, [("weights.GOV", "Enter a value of at least 0.0.")]),
        (
            {"weights": {"NOPE": 1, "GOV": 1, "ALSO.NOT": 2}},
            [
                (
                    "weights.ALSO.NOT",
                    "The framework smartcity-2025 has no indicator or aggregate ALSO.NOT.",
                ),
                (
                    "weights.NOPE",
                    "The framework smartcity-2025 has no indicator or aggregate NOPE.",
                ),
            ],
        ),
        ({"method": "fast"}, [("method", "This field is not accepted here.")]),
    ],
)
def test_computation_bad_method_choice_is_422_naming_it(
    api, filled_cycle, secretariat, bearer, body, fields
):
    response = api.post(
        "/api/v1/index/cycles/2025/computations",
        body,
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.status_code == 422
    assert response.json() == invalid(*fields)
    assert Computation.objects.count() == 0


def test_computation_option_the_engine_refuses_is_422_naming_it(
    api, filled_cycle, secretariat, bearer, monkeypatch
):
    def refuse(**kwargs: Any) -> None:
        raise engine.InputError(
            engine.Issue("bad_option", {"option": "--screen-min-availability", "reason": "no"})
        )

    monkeypatch.setattr(computing, "compute_cycle", refuse)

    response = api.post(
        "/api/v1/index/cycles/2025/computations",
        {},
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.json() == invalid(("screen_min_availability", "--screen-min-availability: no"))


def test_computation_of_a_cycle_without_values_is_stored_as_failed(api, cycle, secretariat, bearer):
    response = api.post(
        "/api/v1/index/cycles/2025/computations",
        {},
        content_type="application/json",
        headers=bearer(secretariat),
    )

    computation = Computation.objects.get()
    assert response.status_code == 201
    assert response.json() == computation_body(
        computation, status="failed", error="The cycle has no values yet."
    )


def test_computation_of_an_unknown_year_is_404(api, cycle, secretariat, bearer):
    response = api.post(
        "/api/v1/index/cycles/2031/computations",
        {},
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.json() == not_found("There is no assessment cycle in 2031.")


def test_publish_replaces_the_previous_publication(api, published, secretariat, bearer):
    second = computing.compute_cycle(actor=None, cycle=published.cycle)

    response = api.post(
        f"/api/v1/index/computations/{second.pk}/publish", headers=bearer(secretariat)
    )

    assert response.status_code == 200
    assert response.json() == computation_body(second)
    published.refresh_from_db()
    assert (published.is_published, second.is_published) == (False, True)
    results = api.get("/api/v1/index/results?year=2025&aggregate=INDEX&limit=1").json()
    assert results["items"][0]["rank"] == 1
    assert api_events() == [
        ("secretariat", "update", "assessments.computation", ""),
        ("secretariat", "update", "assessments.computation", ""),
    ]


def test_publish_failed_computation_is_422(api, cycle, secretariat, bearer):
    failed = computing.compute_cycle(actor=None, cycle=cycle)

    response = api.post(
        f"/api/v1/index/computations/{failed.pk}/publish", headers=bearer(secretariat)
    )

    assert response.status_code == 422
    assert response.json() == invalid((None, "Only a successful computation can be published."))
    failed.refresh_from_db()
    assert failed.published_at is None


def test_uncertainty_runs_and_the_computation_shows_it(api, published, secretariat, bearer):
    response = api.post(
        f"/api/v1/index/computations/{published.pk}/uncertainty",
        {"runs": 10, "sensitivity_n": 4},
        content_type="application/json",
        headers=bearer(secretariat),
    )

    published.refresh_from_db()
    uncertainty = {
        "status": "done",
        "progress": 100,
        "runs_done": 34,
        "runs_total": 34,
        "runs_failed": 0,
        "runs": 10,
        "sensitivity_n": 4,
        "error": "",
    }
    assert response.status_code == 202
    assert response.json() == computation_body(
        published, uncertainty=uncertainty, sensitivity=published.sensitivity
    )
    assert [row["input"] for row in response.json()["sensitivity"]] == [
        "winmax",
        "normalise",
        "weight_set",
        "aggregate",
    ]
    detail = api.get(f"/api/v1/index/computations/{published.pk}")
    assert detail.json() == response.json()
    scored = Result.objects.filter(computation=published, score__isnull=False)
    assert not scored.filter(rank_low__isnull=True).exists()


def test_uncertainty_of_a_failed_computation_is_422(api, cycle, secretariat, bearer):
    failed = computing.compute_cycle(actor=None, cycle=cycle)

    response = api.post(
        f"/api/v1/index/computations/{failed.pk}/uncertainty",
        {},
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.json() == invalid((None, "Only a successful computation can be analysed."))


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"runs": 5}, "runs", "Enter a value of at least 10."),
        ({"runs": 100000}, "runs", "Enter a value of at most 5000."),
        ({"sensitivity_n": "many"}, "sensitivity_n", "Enter a whole number."),
        ({"seed": 1}, "seed", "This field is not accepted here."),
    ],
)
def test_uncertainty_bad_settings_are_422(
    api, published, secretariat, bearer, body, field, message
):
    response = api.post(
        f"/api/v1/index/computations/{published.pk}/uncertainty",
        body,
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.json() == invalid((field, message))
    published.refresh_from_db()
    assert published.uncertainty_status == ""


def test_computation_detail_of_a_published_computation_is_public(api, published):
    response = api.get(f"/api/v1/index/computations/{published.pk}")

    assert response.status_code == 200
    assert response.json() == computation_body(published)


@pytest.mark.parametrize("path", ["/computations/999", "/computations/999/publish"])
def test_unknown_computation_is_404(api, secretariat, bearer, path):
    method = api.post if path.endswith("publish") else api.get

    response = method(f"/api/v1/index{path}", headers=bearer(secretariat))

    assert response.json() == not_found("No computation has the id 999.")


# --- published results ---------------------------------------------------------------------


def result_item(result: Result) -> dict[str, Any]:
    node, computation = result.node, result.computation
    return {
        "year": computation.cycle.year,
        "framework": FRAMEWORK,
        "aggregate": {"code": node.code, "name": node.name_en, "level": node.level},
        "region": region_ref(result.region),
        **standing(result),
    }


def standing(result: Result) -> dict[str, Any]:
    return {
        "score": result.score,
        "rank": result.rank,
        "rank_low": result.rank_low,
        "rank_high": result.rank_high,
        "rank_median": result.rank_median,
        "maturity": result.maturity,
        "maturity_name": MATURITY.get(result.maturity, ""),
        "is_demo": result.computation.is_demo,
    }


def ranking(computation: Computation, aggregate: str = "INDEX", **filters: Any) -> list[Result]:
    return list(
        Result.objects.filter(computation=computation, node__code=aggregate, **filters)
        .select_related("region", "node", "computation__cycle")
        .order_by(F("rank").asc(nulls_last=True), "region__code")
    )


def test_results_match_the_database_rows(api, analysed):
    response = api.get("/api/v1/index/results?year=2025&aggregate=INDEX")

    rows = ranking(analysed)
    assert response.status_code == 200
    assert response.json() == {"count": 12, "items": [result_item(r) for r in rows]}
    assert [item["rank"] for item in response.json()["items"]] == list(range(1, 13))
    assert all(
        item["rank_low"] <= item["rank"] <= item["rank_high"] for item in response.json()["items"]
    )
    assert {item["is_demo"] for item in response.json()["items"]} == {True}


def test_results_without_filters_list_every_aggregate_index_first(api, published):
    response = api.get("/api/v1/index/results?limit=13")

    body = response.json()
    assert body["count"] == 12 * 25
    assert [i["aggregate"]["code"] for i in body["items"]] == ["INDEX"] * 12 + ["GOV"]
    assert body["items"][:12] == [result_item(r) for r in ranking(published)]


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("province=53", {"region__province__code": "53"}),
        ("kind=kabupaten", {"region__kind": "kabupaten"}),
        ("kind=kota&province=53", {"region__kind": "kota", "region__province__code": "53"}),
        ("region=5371", {"region__code": "53.71"}),
        ("province=11", {"region__province__code": "11"}),
        ("kind=&province=", {}),
    ],
)
def test_results_filters(api, published, query, filters):
    response = api.get(f"/api/v1/index/results?year=2025&aggregate=GOV&{query}")

    rows = ranking(published, "GOV", **filters)
    assert response.json() == {"count": len(rows), "items": [result_item(r) for r in rows]}


def test_results_paginate(api, published):
    first = api.get("/api/v1/index/results?aggregate=INDEX&limit=5").json()
    third = api.get("/api/v1/index/results?aggregate=INDEX&limit=5&offset=10").json()

    rows = ranking(published)
    assert first == {"count": 12, "items": [result_item(r) for r in rows[:5]]}
    assert third == {"count": 12, "items": [result_item(r) for r in rows[10:]]}


def test_results_show_only_published_computations(api, published):
    computing.compute_cycle(actor=None, cycle=published.cycle, options={"aggregate": "gmean"})

    response = api.get("/api/v1/index/results?aggregate=INDEX")

    assert response.json()["items"] == [result_item(r) for r in ranking(published)]


@pytest.mark.parametrize("is_demo", [True, False])
def test_results_demo_flag_follows_the_values(api, framework, sample_regions, is_demo):
    computation = publish_year(framework, sample_regions, 2024, is_demo=is_demo)

    response = api.get("/api/v1/index/results?year=2024&aggregate=INDEX&limit=1")
    region = api.get("/api/v1/index/regions/53.71/results").json()

    assert computation.is_demo is is_demo
    assert response.json()["items"][0]["is_demo"] is is_demo
    assert (region["contains_demo"], region["years"][0]["is_demo"]) == (is_demo, is_demo)
    assert {r["is_demo"] for r in region["years"][0]["results"]} == {is_demo}


@pytest.mark.parametrize(
    ("query", "status", "body"),
    [
        ("year=2019", 404, not_found("No results of 2019 are published.")),
        ("region=53.98", 404, not_found("No kabupaten/kota has the code 53.98.")),
        (
            "region=abc",
            422,
            invalid(
                (
                    "region",
                    "“abc” is not a Kemendagri code. Use the dotted form such as 53.71 or "
                    "the digits 5371.",
                )
            ),
        ),
        (
            "aggregate=GOV.SVC.01",
            422,
            invalid(("aggregate", "No framework has an aggregate with the code GOV.SVC.01.")),
        ),
        ("province=5", 422, invalid(("province", "The value does not have the expected form."))),
        ("kind=desa", 422, invalid(("kind", "Choose one of: 'kota' or 'kabupaten'."))),
        ("year=next", 422, invalid(("year", "Enter a whole number."))),
        ("offset=-1", 422, invalid(("offset", "Enter a value of at least 0."))),
    ],
)
def test_results_bad_filter(api, published, query, status, body):
    response = api.get(f"/api/v1/index/results?{query}")

    assert response.status_code == status
    assert response.json() == body


def test_results_of_an_unpublished_year_are_404(api, filled_cycle):
    computing.compute_cycle(actor=None, cycle=filled_cycle)

    response = api.get("/api/v1/index/results?year=2025")

    assert response.json() == not_found("No results of 2025 are published.")


def test_region_results_list_every_year_with_index_and_pillars(
    api, framework, sample_regions, analysed
):
    earlier = publish_year(framework, sample_regions, 2024)

    response = api.get("/api/v1/index/regions/5371/results")

    def year(computation: Computation) -> dict[str, Any]:
        rows = (
            Result.objects.filter(
                computation=computation, region__code="53.71", node__code__in=["INDEX", *PILLARS]
            )
            .select_related("node", "computation__cycle")
            .order_by("-node__level", "node__position")
        )
        return {
            "year": computation.cycle.year,
            "framework": FRAMEWORK,
            "computation_id": computation.pk,
            "published_at": computation.published_at.isoformat()[:23] + "Z",
            "n_regions": 12,
            "is_demo": True,
            "results": [
                {
                    "aggregate": {
                        "code": r.node.code,
                        "name": r.node.name_en,
                        "level": r.node.level,
                    },
                    **standing(r),
                }
                for r in rows
            ],
        }

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "region": {"code": "53.71", "name": "Kota Kupang", "kind": "kota"},
        "contains_demo": True,
        "years": [year(analysed), year(earlier)],
    }
    assert [r["aggregate"]["code"] for r in body["years"][0]["results"]] == ["INDEX", *PILLARS]
    # Rank intervals come with the uncertainty analysis (2025), not before it (2024).
    assert body["years"][0]["results"][0]["rank_low"] is not None
    assert body["years"][1]["results"][0]["rank_low"] is None


def test_region_results_of_a_region_never_scored_are_empty(api, published):
    response = api.get("/api/v1/index/regions/11.01/results")

    assert response.status_code == 200
    assert response.json() == {
        "region": region_ref(Region.objects.get(code="11.01")),
        "contains_demo": False,
        "years": [],
    }


@pytest.mark.parametrize(
    ("code", "status", "body"),
    [
        ("53.98", 404, not_found("No kabupaten/kota has the code 53.98.")),
        (
            "53.71.01",
            422,
            invalid(
                ("code", "“53.71.01” is not a kabupaten/kota code; it should look like 53.71.")
            ),
        ),
    ],
)
def test_region_results_bad_code(api, published, code, status, body):
    response = api.get(f"/api/v1/index/regions/{code}/results")

    assert response.status_code == status
    assert response.json() == body


# --- query counts --------------------------------------------------------------------------


def make_frameworks(n: int) -> None:
    document = shipped_document("smartcity-2025.yaml")
    for i in range(n):
        load_framework(actor=None, document={**document, "version": f"2025.{i + 1}"})


def _published_cycle() -> Computation:
    framework = load_shipped(actor=None)[0]
    cycle = Cycle.objects.create(framework=framework, year=2025, is_demo=True)
    return Computation.objects.create(
        cycle=cycle, status=Computation.Status.DONE, published_at="2025-06-01T00:00Z"
    )


def make_cycles(n: int) -> None:
    framework = load_shipped(actor=None)[0]
    for i in range(n):
        Cycle.objects.create(framework=framework, year=2020 + i)


def make_values(n: int) -> None:
    computation = _published_cycle()
    indicator = Node.objects.get(code="GOV.SVC.01")
    for i in range(n):
        IndicatorValue.objects.create(
            cycle=computation.cycle,
            region=RegionFactory(code=f"53.{i + 10}"),
            indicator=indicator,
            value=i,
            year=2024,
            is_demo=True,
        )


def make_results(n: int) -> None:
    computation = _published_cycle()
    index = Node.objects.get(code="INDEX")
    for i in range(n):
        Result.objects.create(
            computation=computation,
            region=RegionFactory(code=f"53.{i + 10}"),
            node=index,
            score=50 + i,
            rank=n - i,
            maturity=3,
        )


def make_region_results(n: int) -> None:
    framework = load_shipped(actor=None)[0]
    region = RegionFactory(code="53.71", name="Kota Kupang")
    for node in Node.objects.filter(code__in=["INDEX", "GOV"]):
        for i in range(n):
            cycle = Cycle.objects.get_or_create(framework=framework, year=2020 + i)[0]
            computation = cycle.computations.first() or Computation.objects.create(
                cycle=cycle, status=Computation.Status.DONE, published_at="2025-06-01T00:00Z"
            )
            Result.objects.create(computation=computation, region=region, node=node, score=1)


# (url, make n items, queries, items of the body): the count is the same for 1 and 3 items.
QUERY_CASES = {
    # count + page
    "frameworks": ("/api/v1/index/frameworks", make_frameworks, 2, "items"),
    "cycles": ("/api/v1/index/cycles", make_cycles, 2, "items"),
    # the cycle + its published computation + count + page
    "values": ("/api/v1/index/cycles/2025/values", make_values, 4, "items"),
    # is the year published + count + page
    "results": ("/api/v1/index/results?year=2025", make_results, 3, "items"),
    # the region + its results
    "region results": ("/api/v1/index/regions/5371/results", make_region_results, 2, "years"),
}


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("case", list(QUERY_CASES))
def test_index_list_query_count_does_not_grow_with_items(api, django_assert_num_queries, case, n):
    url, make, queries, key = QUERY_CASES[case]
    make(n)

    with django_assert_num_queries(queries):
        response = api.get(url)

    assert response.status_code == 200
    assert len(response.json()[key]) == n
