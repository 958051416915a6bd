"""Computing, analysing, publishing and downloading the index through the pages."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kotacerdas import engine
from kotacerdas.assessments.forms import ComputeForm
from kotacerdas.assessments.models import Computation, IndicatorValue, Node, Result
from kotacerdas.assessments.services import computing
from kotacerdas.assessments.services.frameworks import engine_framework
from kotacerdas.core.models import AuditEvent
from kotacerdas.regions.models import Region

from .fixtures import fill

pytestmark = pytest.mark.integration

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_NAME = '=HYPERLINK("http://example.org","Kabupaten Kupang")'


@pytest.fixture
def client(client):
    """English pages, so assertions do not depend on the Indonesian catalogue."""
    client.cookies["django_language"] = "en"
    return client


def _form_data(**changes) -> dict[str, object]:
    """The compute form as the page first shows it (the defaults), with ``changes``."""
    data = ComputeForm.initial_from(computing.DEFAULT_OPTIONS)
    data.pop("denominate")
    data.update(changes)
    return {k: "" if v is None else v for k, v in data.items()}


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _table(body: str, testid: str) -> list[list[str]]:
    block = body.split(f'data-testid="{testid}"', 1)[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", block.split("<tbody>", 1)[1], re.S)
    return [[_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def _facts(body: str, testid: str) -> dict[str, str]:
    block = body.split(f'data-testid="{testid}"', 1)[1].split("</dl>")[0]
    return {_text(k): _text(v) for k, v in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block, re.S)}


def _within(body: str, testid: str, end: str) -> str:
    """The text of the element marked ``testid`` (up to ``end``), tags removed."""
    return _text(body.split(f'data-testid="{testid}"', 1)[1].split(">", 1)[1].split(end)[0])


def _interval(low: float, high: float) -> str:
    """A rank interval as the page shows it: whole ranks (Django's floatformat:0, half up)."""

    def whole(value: float) -> str:
        return str(Decimal(repr(value)).quantize(Decimal("1"), ROUND_HALF_UP))

    return f"{whole(low)}–{whole(high)}"


def _messages(response) -> list[str]:
    return [_text(m) for m in re.findall(r'role="status">(.*?)</li>', response.content.decode())]


# --- computing -----------------------------------------------------------------------------


def test_compute_page_starts_from_the_defaults(client, secretariat, filled_cycle):
    client.force_login(secretariat)
    body = client.get("/index/cycles/2025/compute/").content.decode()
    for name, value in [
        ("impute", "none"),
        ("treat", "winsorise"),
        ("log", "log_CT"),
        ("normalise", "minmax"),
        ("aggregate", "amean"),
    ]:
        assert re.search(rf'name="{name}" value="{value}"[^>]*checked', body), name
    assert 'name="winmax" value="5"' in body
    assert 'name="screen_min_availability" value="0.5"' in body
    assert 'name="normalise_params" value="0,100"' in body
    assert "Geometric mean — a weak indicator weighs more" in html.unescape(body)


def test_compute_with_default_options(client, secretariat, filled_cycle):
    client.force_login(secretariat)
    response = client.post("/index/cycles/2025/compute/", _form_data())
    computation = Computation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/index/computations/{computation.pk}/"
    defaults = {k: v for k, v in computing.DEFAULT_OPTIONS.items() if k != "weighting"}
    expected = engine.recipe_options(engine.recipe_from_options(**defaults))
    assert computation.options == {**expected, "weighting": "framework"}
    assert (computation.status, computation.units, computation.is_demo, computation.created_by) == (
        "done",
        12,
        True,
        secretariat,
    )
    assert computation.published_at is None
    page = client.get(response["Location"])
    body = page.content.decode()
    assert _messages(page) == ["The index was computed."]
    assert _facts(body, "options") == {
        "Missing values": "None — a missing value stays missing; aggregates use the indicators "
        "a region has.",
        "Screening": "Regions with less than 50% of the indicators get no score.",
        "Outliers": "Winsorise — pull in the few extreme values of a strongly skewed indicator, "
        "then take logs if that is not enough.",
        "Outlier limits": "At most 5 values winsorised per indicator; an indicator is treated "
        "when its skewness is above 2.0 and its kurtosis above 3.5.",
        "Logarithm": "Log — when winsorising is not enough, take the logarithm of the indicator.",
        "Normalisation": "Min–max — the lowest region gets the lower bound, the highest the upper "
        "bound (0 to 100 by default). Bounds used: 0 – 100.",
        "Aggregation": "Arithmetic mean — a weak indicator can be made up by a strong one.",
    }
    assert _within(body, "published", "</strong>") == "Not published"
    assert "DEMO" in body.split("<h1>")[1].split("</h1>")[0]
    framework = filled_cycle.framework
    maturity = {e["level"]: e["name"]["en"] for e in framework.maturity}
    results = Result.objects.filter(computation=computation, node__code="INDEX").select_related(
        "region__province"
    )
    assert _table(body, "ranking") == [
        [
            str(r.rank),
            r.region.name,
            r.region.province.name,
            f"{r.score:.2f}",
            f"{r.maturity} · {maturity[r.maturity]}",
            "run the uncertainty analysis",
        ]
        for r in sorted(results, key=lambda r: (r.rank, r.region.code))
    ]
    assert AuditEvent.objects.filter(object_type="assessments.computation").count() == 1


def test_compute_with_custom_options(client, secretariat, filled_cycle):
    client.force_login(secretariat)
    response = client.post(
        "/index/cycles/2025/compute/",
        _form_data(
            impute="mean",
            screen_min_availability=None,
            treat="none",
            normalise="zscore",
            normalise_params="10, 2",
            aggregate="gmean",
        ),
    )
    computation = Computation.objects.get()
    assert response.status_code == 302
    assert computation.options == {
        "denominate": False,
        "impute": "mean",
        "screen_min_availability": None,
        "treat": "none",
        "winmax": 5,
        "skew_threshold": 2.0,
        "kurt_threshold": 3.5,
        "log": "log_CT",
        "normalise": "zscore:10,2",
        "aggregate": "gmean",
        "weights": {},
        "weighting": "framework",
    }
    assert computation.status == "done"
    # maturity levels are defined on the min-max 0–100 scale only
    assert not Result.objects.filter(computation=computation, maturity__isnull=False).exists()
    body = client.get(response["Location"]).content.decode()
    facts = _facts(body, "options")
    assert facts["Normalisation"].endswith("Bounds used: 10 – 2.")
    assert facts["Screening"] == "None — every region with a value is computed."
    assert "Outlier limits" not in facts and "Logarithm" not in facts


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        (
            {"normalise": "minmax", "normalise_params": "100,0"},
            "--normalise: the lower bound must be below the upper bound",
        ),
        (
            {"normalise": "zscore", "normalise_params": "ten,two"},
            "--normalise: 'ten,two' is not 2 comma-separated numbers",
        ),
        (
            {"normalise": "rank", "normalise_params": "0,100"},
            "Only min–max and z-score normalisation take bounds.",
        ),
        ({"screen_min_availability": "1.5"}, "Ensure this value is less than or equal to 1."),
    ],
)
def test_compute_with_a_bad_option_shows_it_on_the_form(
    client, secretariat, filled_cycle, changes, field_error
):
    client.force_login(secretariat)
    response = client.post("/index/cycles/2025/compute/", _form_data(**changes))
    assert response.status_code == 422
    errors = re.findall(r'<ul class="errorlist"[^>]*><li>(.*?)</li>', response.content.decode())
    assert [html.unescape(e) for e in errors] == [field_error]
    assert not Computation.objects.exists()


def test_failed_computation_shows_its_error(client, secretariat, cycle):
    client.force_login(secretariat)
    response = client.post("/index/cycles/2025/compute/", _form_data())
    computation = Computation.objects.get()
    assert (computation.status, computation.error) == ("failed", "The cycle has no values yet.")
    page = client.get(response["Location"])
    body = page.content.decode()
    assert _messages(page) == ["The computation failed; the reason is shown below."]
    assert _within(body, "error", "</div>") == (
        "The computation failed. The cycle has no values yet."
    )
    assert "Publish" not in body and "results.csv" not in body
    assert client.get(f"/index/computations/{computation.pk}/results.csv").status_code == 404


# --- publishing ----------------------------------------------------------------------------


def test_publish_and_unpublish(client, secretariat, officer, filled_cycle):
    first = computing.compute_cycle(actor=None, cycle=filled_cycle)
    computing.publish(actor=None, computation=first)
    second = computing.compute_cycle(actor=None, cycle=filled_cycle)
    client.force_login(secretariat)
    url = f"/index/computations/{second.pk}/"
    response = client.post(url + "publish/")
    assert response.status_code == 302 and response["Location"] == url
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_published, second.is_published) == (False, True)
    events = AuditEvent.objects.filter(object_type="assessments.computation", actor=secretariat)
    assert sorted((e.object_id, e.changes["published"][1]) for e in events) == sorted(
        [(str(first.pk), False), (str(second.pk), True)]
    )
    page = client.get(url)
    assert _messages(page) == [
        "The computation is published; it replaces any earlier result of the cycle."
    ]
    assert "Unpublish" in page.content.decode()
    # a published computation is public
    client.logout()
    assert client.get(url).status_code == 200
    client.force_login(secretariat)
    assert client.post(url + "unpublish/").status_code == 302
    second.refresh_from_db()
    assert second.published_at is None
    client.force_login(officer)
    assert client.get(url).status_code == 404


def test_failed_computation_cannot_be_published(client, secretariat, cycle):
    failed = computing.compute_cycle(actor=None, cycle=cycle)
    client.force_login(secretariat)
    response = client.post(f"/index/computations/{failed.pk}/publish/", follow=True)
    assert _messages(response) == ["Only a successful computation can be published."]
    failed.refresh_from_db()
    assert failed.published_at is None


# --- uncertainty ---------------------------------------------------------------------------


def test_uncertainty_analysis_runs_and_shows_sensitivity(client, secretariat, filled_cycle):
    computation = computing.compute_cycle(actor=None, cycle=filled_cycle)
    client.force_login(secretariat)
    url = f"/index/computations/{computation.pk}/"
    response = client.post(url + "uncertainty/", {"runs": 20, "sensitivity_n": 4})
    assert response.status_code == 302
    computation.refresh_from_db()
    assert computation.uncertainty_status == "done"
    assert computation.uncertainty_options == {
        **computing.UNCERTAINTY_DEFAULTS,
        "runs": 20,
        "sensitivity_n": 4,
    }
    assert computation.uncertainty_done == computation.uncertainty_total == 20 + 4 * 6
    assert [row["input"] for row in computation.sensitivity] == [
        "winmax",
        "normalise",
        "weight_set",
        "aggregate",
    ]
    fragment = client.get(url + "progress/")
    body = fragment.content.decode()
    assert "hx-trigger" not in body  # finished: no more polling
    assert (
        f"{computation.uncertainty_total} runs done, {computation.uncertainty_failed} of them "
        "failed." in body
    )
    assert "Failed runs are counted and reported, not silently dropped" in body
    table = _table(body, "sensitivity")
    assert [row[0] for row in table] == [
        "Outlier treatment (how many values may be winsorised)",
        "Normalisation method",
        "Weights",
        "Aggregation method",
    ]
    si = computation.sensitivity[1]
    assert table[1][1:] == [
        f"{si['Si']:.3f}",
        f"{si['Si_q5']:.3f} – {si['Si_q95']:.3f}",
        f"{si['STi']:.3f}",
        f"{si['STi_q5']:.3f} – {si['STi_q95']:.3f}",
    ]
    # the ranking now shows rank intervals
    page = client.get(url).content.decode()
    top = Result.objects.filter(computation=computation, node__code="INDEX", rank=1).get()
    assert top.rank_low is not None and top.rank_high is not None
    assert _table(page, "ranking")[0][5] == _interval(top.rank_low, top.rank_high)


def test_progress_fragment_polls_while_running_and_refreshes_when_done(
    client, secretariat, filled_cycle
):
    computation = computing.compute_cycle(actor=None, cycle=filled_cycle)
    Computation.objects.filter(pk=computation.pk).update(
        uncertainty_status="running",
        uncertainty_started_at=timezone.now(),
        uncertainty_done=10,
        uncertainty_total=44,
        uncertainty_failed=2,
    )
    client.force_login(secretariat)
    url = f"/index/computations/{computation.pk}/progress/"
    running = client.get(url, headers={"HX-Request": "true"})
    body = running.content.decode()
    assert "<html" not in body
    assert f'hx-get="{url}" hx-trigger="every 1s" hx-swap="outerHTML"' in body
    assert '<progress id="uncertainty-bar" max="44" value="10">23 %</progress>' in body
    assert "10 of 44 runs, 2 failed" in body
    assert "HX-Refresh" not in running.headers
    # the whole page shows the same fragment and no second "run" button while running
    page = client.get(f"/index/computations/{computation.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and 'data-testid="run-uncertainty"' not in page
    Computation.objects.filter(pk=computation.pk).update(uncertainty_status="done")
    done = client.get(url, headers={"HX-Request": "true"})
    assert done.headers["HX-Refresh"] == "true"


# --- result files --------------------------------------------------------------------------


@pytest.fixture
def formula_region(sample_regions):
    """A sample region whose name a spreadsheet would run as a formula."""
    region = Region.objects.get(code="53.01")
    region.name = FORMULA_NAME
    region.save()
    return region


def _expected_rows(computation) -> tuple[list[str], dict[str, list]]:
    aggregates = list(
        Node.objects.filter(framework=computation.cycle.framework, level__gt=1).order_by(
            "-level", "position"
        )
    )
    header = [
        "uCode",
        "uName",
        "province",
        "kind",
        "INDEX_score",
        "INDEX_rank",
        "INDEX_rank_low",
        "INDEX_rank_high",
        "maturity",
        "maturity_name",
    ]
    for node in aggregates[1:]:
        header += [f"{node.code}_score", f"{node.code}_rank"]
    header.append("is_demo")
    results = {
        (r.region.code, r.node.code): r
        for r in Result.objects.filter(computation=computation).select_related("region", "node")
    }
    return header, results


@pytest.mark.parametrize("is_demo", [True, False])
def test_results_csv_has_every_region_and_aggregate(
    client, secretariat, cycle, sample_regions, formula_region, is_demo
):
    fill(cycle, sample_regions, is_demo=is_demo)
    computation = computing.compute_cycle(actor=None, cycle=cycle)
    computing.start_uncertainty(
        actor=None, computation=computation, options={"runs": 20, "sensitivity_n": 4}
    )
    client.force_login(secretariat)
    response = client.get(f"/index/computations/{computation.pk}/results.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="kotacerdas-hasil-2025-{computation.pk}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, results = _expected_rows(computation)
    assert rows[0] == header
    assert len(rows) == 1 + 12
    assert [int(r[5]) for r in rows[1:]] == list(range(1, 13))  # by index rank
    by_code = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    kupang = by_code["53.71"]
    index = results[("53.71", "INDEX")]
    assert kupang == {
        **kupang,
        "uName": "Kota Kupang",
        "province": "Nusa Tenggara Timur",
        "kind": "kota",
        "INDEX_score": repr(index.score),
        "INDEX_rank": str(index.rank),
        "INDEX_rank_low": repr(index.rank_low),
        "INDEX_rank_high": repr(index.rank_high),
        "maturity": str(index.maturity),
        "GOV_score": repr(results[("53.71", "GOV")].score),
        "GOV.SVC_rank": str(results[("53.71", "GOV.SVC")].rank),
        "is_demo": str(is_demo),
    }
    assert by_code["53.01"]["uName"] == "'" + FORMULA_NAME
    assert {r["is_demo"] for r in by_code.values()} == {str(is_demo)}


def test_results_xlsx_has_the_same_table(client, secretariat, filled_cycle, formula_region):
    computation = computing.compute_cycle(actor=None, cycle=filled_cycle)
    computing.publish(actor=None, computation=computation)
    # published results are open data: no login needed
    response = client.get(f"/index/computations/{computation.pk}/results.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["results"]
    rows = list(book["results"].iter_rows(values_only=True))
    header, results = _expected_rows(computation)
    assert list(rows[0]) == header
    assert len(rows) == 1 + 12
    by_code = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    index = results[("53.71", "INDEX")]
    assert (
        by_code["53.71"]["INDEX_score"],
        by_code["53.71"]["INDEX_rank"],
        by_code["53.71"]["INDEX_rank_low"],
        by_code["53.71"]["is_demo"],
    ) == (pytest.approx(index.score), index.rank, None, True)
    assert by_code["53.01"]["uName"] == "'" + FORMULA_NAME
    cell = next(c for c in book["results"]["B"] if c.value == "'" + FORMULA_NAME)
    assert cell.data_type == "s"  # text, not a formula


def test_uncertainty_total_counts_the_runs_made_without_outlier_treatment(filled_cycle):
    computation = computing.compute_cycle(actor=None, cycle=filled_cycle, options={"treat": "none"})
    computing.start_uncertainty(
        actor=None, computation=computation, options={"runs": 20, "sensitivity_n": 4}
    )
    computation.refresh_from_db()
    assert [row["input"] for row in computation.sensitivity] == [
        "normalise",
        "weight_set",
        "aggregate",
    ]
    # runs + N · (d + 2) with d = 3 inputs
    assert computation.uncertainty_total == 20 + 4 * (3 + 2)


@pytest.mark.parametrize("weighting", ["equal", "pca"])
def test_equal_and_principal_component_weights(filled_cycle, weighting):
    framework = engine_framework(filled_cycle.framework_id)
    base = computing.compute_cycle(actor=None, cycle=filled_cycle)
    other = computing.compute_cycle(
        actor=None, cycle=filled_cycle, options={"weighting": weighting}
    )

    assert other.status == Computation.Status.DONE
    assert other.options["weighting"] == weighting
    # The stored options hold the weights actually used, so the result can be recomputed.
    data = computing.cycle_data(filled_cycle)
    again = engine.compute(framework, data, computing.recipe_of(other))
    stored = {
        r.region.code: r.score
        for r in other.results.filter(node__code="INDEX").select_related("region")
    }
    assert [stored[c] for c in again.scores.index] == pytest.approx(list(again.scores["INDEX"]))
    if weighting == "equal":
        # The shipped framework's weights are all 1: equal weights change nothing.
        assert base.results.get(region__code="53.71", node__code="INDEX").score == pytest.approx(
            stored["53.71"]
        )
    else:
        weights = other.options["weights"]
        assert set(weights) == set(framework.indicators)
        assert any(w != 1 for w in weights.values())


def test_an_unknown_weighting_is_refused(filled_cycle):
    with pytest.raises(engine.InputError):
        computing.compute_cycle(actor=None, cycle=filled_cycle, options={"weighting": "vibes"})


def test_the_compute_page_shows_every_field_of_the_form(client, secretariat, filled_cycle):
    client.force_login(secretariat)
    body = client.get("/index/cycles/2025/compute/").content.decode()

    for name in ComputeForm.base_fields:
        assert f'name="{name}"' in body, name


@pytest.mark.parametrize(
    ("impute", "group"), [("group-mean:kind", "kind"), ("group-median:province", "province")]
)
def test_imputation_by_the_regions_group(filled_cycle, impute, group):
    kupang = IndicatorValue.objects.get(
        cycle=filled_cycle, region__code="53.71", indicator__code="GOV.SVC.01"
    )
    kupang.delete()
    computation = computing.compute_cycle(
        actor=None, cycle=filled_cycle, options={"impute": impute, "treat": "none"}
    )

    assert computation.status == Computation.Status.DONE
    data = computing.cycle_data(filled_cycle)
    kotas = data.groups[group] == data.groups[group][list(data.codes).index("53.71")]
    others = data.values[kotas & (data.codes != "53.71"), 0]
    filled = float(np.nanmean(others) if impute.startswith("group-mean") else np.nanmedian(others))
    result = engine.compute(
        engine_framework(filled_cycle.framework_id), data, computing.recipe_of(computation)
    )
    assert result.datasets["Imputed"].loc["53.71", "GOV.SVC.01"] == pytest.approx(filled)


def test_a_lost_uncertainty_analysis_can_be_started_again(client, secretariat, published):
    # A restart kills the background thread: the status says "running" forever.
    stale = timezone.now() - dt.timedelta(hours=1)
    Computation.objects.filter(pk=published.pk).update(
        uncertainty_status="running", uncertainty_started_at=stale, uncertainty_total=10
    )
    published.refresh_from_db()
    client.force_login(secretariat)

    page = client.get(f"/index/computations/{published.pk}/").content.decode()
    assert 'data-testid="stale"' in page
    assert 'data-testid="run-uncertainty"' in page
    computing.start_uncertainty(
        actor=secretariat, computation=published, options={"runs": 10, "sensitivity_n": 4}
    )
    published.refresh_from_db()
    assert published.uncertainty_status == "done"


def test_a_running_uncertainty_analysis_is_not_started_twice(published):
    Computation.objects.filter(pk=published.pk).update(
        uncertainty_status="running", uncertainty_started_at=timezone.now()
    )
    published.refresh_from_db()

    computing.start_uncertainty(actor=None, computation=published)

    published.refresh_from_db()
    assert (published.uncertainty_status, published.uncertainty_done) == ("running", 0)
