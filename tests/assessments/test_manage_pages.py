"""The cycle pages: who may open what, and what the secretariat and officers see there."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.urls import reverse

from kotacerdas.assessments.models import Computation, Cycle, IndicatorValue, ValueUpload
from kotacerdas.assessments.services import computing, values
from kotacerdas.assessments.services.cycles import open_cycle, set_cycle_status
from kotacerdas.core.models import AuditEvent
from kotacerdas.regions.models import Region

pytestmark = pytest.mark.integration

ROLES = ("anonymous", "officer", "other_officer", "secretariat", "admin_user")
LOGIN = "login"


@pytest.fixture
def client(client):
    """English pages, so assertions do not depend on the Indonesian catalogue."""
    client.cookies["django_language"] = "en"
    return client


@dataclass
class World:
    cycle: Cycle
    upload: ValueUpload
    draft: Computation
    public: Computation


@pytest.fixture
def world(filled_cycle, officer, other_officer, secretariat, admin_user) -> World:
    """The filled 2025 cycle with an officer's pending upload, a draft and a published result."""
    upload, _plan = values.upload(
        actor=officer,
        cycle=filled_cycle,
        content=b"region_code,indicator_code,value,source,year\n53.71,GOV.SVC.01,3.5,BPS,2024\n",
        filename="kupang.csv",
    )
    draft = computing.compute_cycle(actor=None, cycle=filled_cycle)
    public = computing.publish(
        actor=None, computation=computing.compute_cycle(actor=None, cycle=filled_cycle)
    )
    return World(filled_cycle, upload, draft, public)


# (name, method, url, data, expected status for anonymous, officer of 53.71, officer of
# 53.11, secretariat, admin). The upload belongs to the officer of 53.71.
CASES: list[tuple[str, str, Any, Any, tuple]] = [
    ("cycles", "get", lambda w: "/index/cycles/", None, (LOGIN, 200, 200, 200, 200)),
    ("cycle-new", "get", lambda w: "/index/cycles/new/", None, (LOGIN, 403, 403, 200, 200)),
    (
        "cycle-new-post",
        "post",
        lambda w: "/index/cycles/new/",
        lambda w: {"framework": w.cycle.framework_id, "year": 2026},
        (LOGIN, 403, 403, 302, 302),
    ),
    ("cycle", "get", lambda w: "/index/cycles/2025/", None, (LOGIN, 200, 200, 200, 200)),
    (
        "cycle-status",
        "post",
        lambda w: "/index/cycles/2025/status/",
        lambda w: {"status": "closed"},
        (LOGIN, 403, 403, 302, 302),
    ),
    (
        "template-xlsx",
        "get",
        lambda w: "/index/cycles/2025/template.xlsx",
        None,
        (LOGIN, 200, 200, 200, 200),
    ),
    (
        "template-csv",
        "get",
        lambda w: "/index/cycles/2025/template.csv?province=53",
        None,
        (LOGIN, 200, 200, 200, 200),
    ),
    ("import", "get", lambda w: "/index/cycles/2025/import/", None, (LOGIN, 200, 200, 200, 200)),
    (
        "upload",
        "get",
        lambda w: f"/index/cycles/2025/import/{w.upload.pk}/",
        None,
        (LOGIN, 200, 403, 200, 200),
    ),
    (
        "upload-confirm",
        "post",
        lambda w: f"/index/cycles/2025/import/{w.upload.pk}/",
        lambda w: {},
        (LOGIN, 302, 403, 302, 302),
    ),
    ("compute", "get", lambda w: "/index/cycles/2025/compute/", None, (LOGIN, 403, 403, 200, 200)),
    (
        "compute-post",
        "post",
        lambda w: "/index/cycles/2025/compute/",
        lambda w: {
            "impute": "none",
            "screen_min_availability": "0.5",
            "treat": "winsorise",
            "winmax": "5",
            "skew_threshold": "2",
            "kurt_threshold": "3.5",
            "log": "log_CT",
            "weighting": "framework",
            "normalise": "minmax",
            "normalise_params": "0,100",
            "aggregate": "amean",
        },
        (LOGIN, 403, 403, 302, 302),
    ),
    (
        "draft",
        "get",
        lambda w: f"/index/computations/{w.draft.pk}/",
        None,
        (LOGIN, 404, 404, 200, 200),
    ),
    (
        "draft-progress",
        "get",
        lambda w: f"/index/computations/{w.draft.pk}/progress/",
        None,
        (LOGIN, 404, 404, 200, 200),
    ),
    (
        "draft-results-csv",
        "get",
        lambda w: f"/index/computations/{w.draft.pk}/results.csv",
        None,
        (LOGIN, 404, 404, 200, 200),
    ),
    (
        "draft-results-xlsx",
        "get",
        lambda w: f"/index/computations/{w.draft.pk}/results.xlsx",
        None,
        (LOGIN, 404, 404, 200, 200),
    ),
    (
        "public",
        "get",
        lambda w: f"/index/computations/{w.public.pk}/",
        None,
        (200, 200, 200, 200, 200),
    ),
    (
        "public-progress",
        "get",
        lambda w: f"/index/computations/{w.public.pk}/progress/",
        None,
        (200, 200, 200, 200, 200),
    ),
    (
        "public-results-csv",
        "get",
        lambda w: f"/index/computations/{w.public.pk}/results.csv",
        None,
        (200, 200, 200, 200, 200),
    ),
    (
        "uncertainty",
        "post",
        lambda w: f"/index/computations/{w.draft.pk}/uncertainty/",
        lambda w: {"runs": 20, "sensitivity_n": 4},
        (LOGIN, 403, 403, 302, 302),
    ),
    (
        "publish",
        "post",
        lambda w: f"/index/computations/{w.draft.pk}/publish/",
        lambda w: {},
        (LOGIN, 403, 403, 302, 302),
    ),
    (
        "unpublish",
        "post",
        lambda w: f"/index/computations/{w.public.pk}/unpublish/",
        lambda w: {},
        (LOGIN, 403, 403, 302, 302),
    ),
]


@pytest.mark.parametrize(
    ("name", "method", "url", "data", "role", "expected"),
    [
        pytest.param(name, method, url, data, role, expected, id=f"{name}-{role}")
        for name, method, url, data, statuses in CASES
        for role, expected in zip(ROLES, statuses, strict=True)
    ],
)
def test_permissions(request, client, world, name, method, url, data, role, expected):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    events = AuditEvent.objects.count()
    target = url(world)
    response = client.get(target) if method == "get" else client.post(target, data(world))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == expected
    if method == "post" and expected in (LOGIN, 403, 404):
        assert AuditEvent.objects.count() == events  # a refused write changes nothing


def test_get_on_write_only_urls_is_refused(client, world, secretariat):
    client.force_login(secretariat)
    for url in [
        "/index/cycles/2025/status/",
        f"/index/computations/{world.draft.pk}/publish/",
        f"/index/computations/{world.draft.pk}/unpublish/",
        f"/index/computations/{world.draft.pk}/uncertainty/",
    ]:
        assert client.get(url).status_code == 405, url


def test_unknown_cycle_and_computation_are_404(client, secretariat, framework):
    client.force_login(secretariat)
    assert client.get("/index/cycles/2031/").status_code == 404
    assert client.get("/index/computations/999/").status_code == 404


# --- the cycles list -----------------------------------------------------------------------


def _table(body: str, testid: str) -> list[list[str]]:
    block = body.split(f'data-testid="{testid}"', 1)[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", block.split("<tbody>", 1)[1], re.S)
    return [
        [" ".join(html.unescape(re.sub(r"<[^>]+>", "", c)).split()) for c in cells]
        for cells in (re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows)
    ]


def test_cycles_list_shows_progress_of_each_cycle(client, secretariat, published, framework):
    demo = Cycle.objects.create(framework=framework, year=2024, is_demo=True, status="closed")
    total = Region.objects.filter(retired_at__isnull=True).count()
    stored = IndicatorValue.objects.filter(cycle=published.cycle).count()
    client.force_login(secretariat)
    body = client.get("/index/cycles/").content.decode()
    rows = _table(body, "cycles")
    assert [row[:5] for row in rows] == [
        [
            "2025",
            "KotaCerdas Smart City Index (2025.1)",
            "open for data",
            f"12 / {total}",
            f"{stored}",
        ],
        ["2024 DEMO", "KotaCerdas Smart City Index (2025.1)", "closed", f"0 / {total}", "0"],
    ]
    assert rows[0][5].startswith("computed, ") and rows[0][5].endswith(" WIB")
    assert rows[0][6].startswith("yes, ") and rows[0][6].endswith(" WIB")
    assert rows[0][7] == "close" and rows[1][5:] == ["not computed yet", "no", "reopen"]
    assert 'data-testid="open-cycle"' in body
    assert f'href="/index/cycles/{demo.year}/"' in body
    assert f'href="/index/computations/{published.pk}/"' in body


def test_officer_sees_cycles_read_only_with_times_in_their_zone(client, officer, published):
    draft = computing.compute_cycle(actor=None, cycle=published.cycle)
    client.force_login(officer)
    body = client.get("/index/cycles/").content.decode()
    assert 'data-testid="open-cycle"' not in body
    [row] = _table(body, "cycles")
    assert len(row) == 7  # no close/reopen column
    # the draft computed after the published one is not shown to officers
    assert f"/index/computations/{draft.pk}/" not in body
    assert body.count(f'href="/index/computations/{published.pk}/"') == 2
    assert row[5].startswith("computed, ") and row[5].endswith(" WITA")  # Kupang's own zone
    assert row[6].startswith("yes, ") and row[6].endswith(" WITA")


@pytest.mark.parametrize("n", [1, 3])
def test_cycles_list_query_count_does_not_grow(
    client, django_assert_num_queries, secretariat, framework, n
):
    for year in range(2025, 2025 + n):
        cycle = Cycle.objects.create(framework=framework, year=year)
        computing.compute_cycle(actor=None, cycle=cycle)
    client.force_login(secretariat)
    # session, user, cycles with counts, their computations, regions total
    with django_assert_num_queries(5):
        response = client.get("/index/cycles/")
    assert len(_table(response.content.decode(), "cycles")) == n


# --- opening and closing cycles ------------------------------------------------------------


def test_secretariat_opens_a_cycle_and_it_is_audited(client, secretariat, framework):
    client.force_login(secretariat)
    response = client.post("/index/cycles/new/", {"framework": framework.pk, "year": 2026})
    assert response.status_code == 302
    assert response["Location"] == "/index/cycles/2026/"
    cycle = Cycle.objects.get()
    assert (cycle.framework, cycle.year, cycle.status, cycle.is_demo) == (
        framework,
        2026,
        "open",
        False,
    )
    event = AuditEvent.objects.get(object_type="assessments.cycle")
    assert (event.actor, event.channel, event.action, event.object_id) == (
        secretariat,
        "ui",
        "create",
        str(cycle.pk),
    )
    assert event.changes["year"] == [None, 2026]
    page = client.get("/index/cycles/2026/")
    assert "The 2026 cycle is open for data." in page.content.decode()


def test_opening_a_year_twice_is_refused_on_the_form(client, secretariat, cycle):
    client.force_login(secretariat)
    response = client.post("/index/cycles/new/", {"framework": cycle.framework_id, "year": 2025})
    assert response.status_code == 422
    assert "The 2025 cycle already exists (KotaCerdas Smart City Index (2025.1))." in html.unescape(
        response.content.decode()
    )
    assert Cycle.objects.count() == 1
    assert not AuditEvent.objects.filter(object_type="assessments.cycle").exists()


def test_secretariat_closes_and_reopens_a_cycle(client, secretariat, officer, cycle, registry):
    client.force_login(secretariat)
    response = client.post("/index/cycles/2025/status/", {"status": "closed"}, follow=True)
    cycle.refresh_from_db()
    assert cycle.status == "closed"
    body = response.content.decode()
    assert "The 2025 cycle is closed." in body
    assert re.search(r'data-testid="cycle-status">closed<', body)
    assert "Reopen the cycle" in body
    assert 'data-testid="import-link"' not in body
    client.post("/index/cycles/2025/status/", {"status": "open"})
    cycle.refresh_from_db()
    assert cycle.status == "open"
    events = AuditEvent.objects.filter(object_type="assessments.cycle").order_by("at", "id")
    assert [e.changes for e in events] == [
        {"status": ["open", "closed"]},
        {"status": ["closed", "open"]},
    ]


def test_cycle_services_refuse_officers(officer, framework, cycle):
    with pytest.raises(PermissionDenied):
        open_cycle(actor=officer, framework=framework, year=2030)
    with pytest.raises(PermissionDenied):
        set_cycle_status(actor=officer, cycle=cycle, status="closed")
    assert list(Cycle.objects.values_list("year", "status")) == [(2025, "open")]


# --- the cycle page ------------------------------------------------------------------------


def test_secretariat_cycle_page_shows_coverage_uploads_and_computations(client, secretariat, world):
    Computation.objects.filter(pk=world.draft.pk).update(uncertainty_status="done")
    client.force_login(secretariat)
    body = client.get("/index/cycles/2025/").content.decode()
    counts = dict(
        IndicatorValue.objects.filter(cycle=world.cycle)
        .values_list("indicator__code")
        .annotate(n=Count("region"))
    )
    nodes = world.cycle.framework.nodes.filter(level=1).order_by("position")
    assert _table(body, "indicator-coverage") == [
        [f"{n.code} {n.name_en}", n.unit_en, str(counts.get(n.code, 0))] for n in nodes
    ]
    total = Region.objects.filter(retired_at__isnull=True).count()
    assert f"{total} regions" in body
    regions = _table(body, "region-coverage")
    first_page = Region.objects.filter(retired_at__isnull=True).select_related("province")[:50]
    assert [r[:3] for r in regions] == [[r.code, r.name, r.province.name] for r in first_page]
    kupang = Region.objects.get(code="53.71")
    assert regions[0][3:] == ["0 / 53", "—"]
    page = client.get("/index/cycles/2025/?q=5371").content.decode()
    [row] = _table(page, "region-coverage")
    n = IndicatorValue.objects.filter(cycle=world.cycle, region=kupang).count()
    assert row[:4] == ["53.71", "Kota Kupang", "Nusa Tenggara Timur", f"{n} / 53 DEMO"]
    assert row[4].endswith(" WIB")
    uploads = _table(body, "uploads")
    assert len(uploads) == 1
    assert uploads[0][:2] == ["kupang.csv", "officer.kupang"]
    assert uploads[0][2].endswith(" WIB")
    assert uploads[0][3:] == ["awaiting confirmation", "0", "1", "0", "1"]
    computations = _table(body, "computations")
    assert [(c[1], c[2], c[3], c[5]) for c in computations] == [
        ("computed", "minmax:0,100 · amean · none", "12", "not run"),
        ("computed", "minmax:0,100 · amean · none", "12", "done"),
    ]
    assert computations[0][0].endswith("DEMO")
    assert computations[0][4] != "no" and computations[1][4] == "no"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("province=53&completeness=complete", ["53.01", "53.10", "53.11", "53.71"]),
        ("province=53&completeness=partial", []),
        ("province=91&completeness=partial", ["91.71"]),
        ("province=91&completeness=none", "province 91 but 91.71"),
        ("q=kupang", ["53.01", "53.71"]),
        ("q=5371&completeness=complete", ["53.71"]),
    ],
)
def test_secretariat_filters_regions_by_coverage(
    client, secretariat, cycle, sample_regions, query, expected
):
    complete = [r for r in sample_regions if r.code.startswith("53.")]
    plan = values.plan_import(
        actor=None, cycle=cycle, content=_full_csv(cycle, complete), filename="all.csv"
    )
    values.apply_plan(actor=None, plan=plan)
    IndicatorValue.objects.create(
        cycle=cycle,
        region=Region.objects.get(code="91.71"),
        indicator=cycle.framework.nodes.get(code="GOV.SVC.01"),
        value=3,
        source="KemenPAN-RB 2024",
        year=2024,
    )
    if expected == "province 91 but 91.71":
        expected = list(
            Region.objects.filter(province__code="91", retired_at__isnull=True)
            .exclude(code="91.71")
            .values_list("code", flat=True)
        )
    client.force_login(secretariat)
    body = client.get(f"/index/cycles/2025/?{query}").content.decode()
    codes = [row[0] for row in _table(body, "region-coverage") if len(row) > 1]
    assert codes == expected


def _full_csv(cycle: Cycle, regions) -> bytes:
    rows = ["region_code,indicator_code,value,source,year"]
    for node in cycle.framework.nodes.filter(level=1):
        for region in regions:
            middle = (node.min_value + node.max_value) / 2
            rows.append(f"{region.code},{node.code},{middle},BPS 2024,2024")
    return ("\n".join(rows) + "\n").encode()


def test_officer_cycle_page_shows_own_values_with_source_and_year(client, officer, world):
    client.force_login(officer)
    body = client.get("/index/cycles/2025/").content.decode()
    assert 'data-testid="region-coverage"' not in body
    assert "Values of Kota Kupang" in body
    rows = _table(body, "region-values")
    stored = {
        v.indicator.code: v
        for v in IndicatorValue.objects.filter(
            cycle=world.cycle, region=officer.region
        ).select_related("indicator")
    }
    assert len(rows) == 53
    for row in rows:
        code = row[0].split()[0]
        if code in stored:
            value = stored[code]
            assert row[1] == str(value.value)
            assert row[3] == f"{value.source} DEMO"
            assert row[4] == str(value.year)
            assert row[5].endswith(" WITA")
        else:
            assert row[1:] == ["—", row[2], "no value yet"]
    # only their own upload and only published computations
    assert [r[0] for r in _table(body, "uploads")] == ["kupang.csv"]
    assert len(_table(body, "computations")) == 1
    assert f"/index/computations/{world.draft.pk}/" not in body
    assert "Compute the index" not in body and "Close the cycle" not in body


def test_officer_of_another_region_sees_neither_kupangs_values_nor_upload(
    client, other_officer, world
):
    client.force_login(other_officer)
    body = client.get("/index/cycles/2025/").content.decode()
    assert "Values of Kabupaten Sumba Timur" in body
    assert "kupang.csv" not in body
    assert "No file has been uploaded yet." in body


def test_upload_link_on_cycle_page_reaches_the_import(client, officer, world):
    client.force_login(officer)
    body = client.get("/index/cycles/2025/").content.decode()
    assert f'href="{reverse("assessments:import", kwargs={"year": 2025})}"' in body
    assert 'href="/index/cycles/2025/template.xlsx"' in body


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize(("role", "queries"), [("secretariat", 10), ("officer", 11)])
def test_cycle_page_query_count_does_not_grow(
    request, client, django_assert_num_queries, filled_cycle, role, queries, n
):
    user = request.getfixturevalue(role)
    for i in range(n):
        values.upload(
            actor=user,
            cycle=filled_cycle,
            content=b"region_code,indicator_code,value,source\n53.71,GOV.SVC.01,3,BPS\n",
            filename=f"{i}.csv",
        )
        computing.publish(
            actor=None, computation=computing.compute_cycle(actor=None, cycle=filled_cycle)
        )
    client.force_login(user)
    # session, user, cycle, indicators, coverage, uploads, computations; then for the
    # secretariat provinces, region count and page; for an officer region, values, editors
    with django_assert_num_queries(queries):
        response = client.get("/index/cycles/2025/")
    assert len(_table(response.content.decode(), "uploads")) == n
    # one computation per cycle is published at a time, and officers see only that one
    shown = n if role == "secretariat" else 1
    assert len(_table(response.content.decode(), "computations")) == shown
