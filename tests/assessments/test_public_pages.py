"""What visitors see of the index: the region page's index section, the national page,
the framework page and the downloads, through Django's test client."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from kotacerdas.assessments.models import Computation, Cycle, Node, Result
from kotacerdas.assessments.selectors import public as selectors
from kotacerdas.assessments.services import computing
from kotacerdas.regions.models import Region

from .fixtures import fill

pytestmark = pytest.mark.integration

PILLARS = ["GOV", "BRD", "ECO", "LIV", "SOC", "ENV"]
DEMO_BADGE = '<span class="badge demo"'


def _index(computation, code):
    return Result.objects.get(computation=computation, region__code=code, node__code="INDEX")


def _fmt(value, language="id", digits=1):
    """A number as the pages show it in ``language`` (rounded, localised)."""
    with translation.override(language):
        return str(floatformat(value, digits))


def _svg(html, testid):
    """The SVG inside the element with ``data-testid``."""
    match = re.search(rf'data-testid="{testid}"[^>]*>\s*(<svg.*?</svg>)', html, re.S)
    assert match, f"no chart in {testid}"
    return match.group(1)


@pytest.fixture
def official(framework, sample_regions):
    """A published computation from values that are not demo (as real data would be)."""
    cycle = Cycle.objects.create(framework=framework, year=2025, is_demo=False)
    fill(cycle, sample_regions, is_demo=False)
    return computing.publish(
        actor=None, computation=computing.compute_cycle(actor=None, cycle=cycle)
    )


def _region_page(client, code="53.71", **headers):
    response = client.get(reverse("regions:detail", kwargs={"code": code}), **headers)
    assert response.status_code == 200
    return response.content.decode()


# --- the region page ----------------------------------------------------------------------------


def test_region_section_shows_score_rank_maturity_and_charts(client, two_years):
    earlier, latest = two_years
    html = _region_page(client)
    index = _index(latest, "53.71")
    before = _index(earlier, "53.71")
    section = html[html.index('data-testid="index-section"') :]

    assert 'id="index"' in html
    score = re.search(r'data-testid="index-score">.*?class="figure">([^<]+)<', section, re.S)
    assert score.group(1).strip() == _fmt(index.score)
    rank = re.search(r'data-testid="index-rank">.*?class="figure">([^<]+)<', section, re.S)
    assert rank.group(1).strip() == f"{index.rank} dari 12"
    maturity = re.search(r'data-testid="index-maturity">.*?class="figure">([^<]+)<', section, re.S)
    assert maturity.group(1).strip() == latest.cycle.framework.maturity_name(index.maturity)
    change = re.search(r'data-testid="index-change">.*?class="figure">([^<]+)<', section, re.S)
    delta = index.score - before.score
    assert change.group(1).strip() == ("+" if delta > 0 else "") + _fmt(delta)
    assert "Perubahan sejak 2024" in section

    radar = _svg(section, "radar")
    assert 'role="img"' in radar
    axes = re.search(r'<g class="axes">(.*?)</g>', radar, re.S).group(1)
    assert axes.count("<text") == 6
    assert radar.count('class="series') == 2
    assert "<title" in radar and "<desc" in radar

    trend = _svg(section, "trend")
    main = re.search(r'<g class="series main"[^>]*>(.*?)</g>', trend, re.S).group(1)
    assert main.count("<circle") == 2
    assert "2024" in trend and "2025" in trend
    assert '<tr data-year="2024">' in section and '<tr data-year="2025">' in section

    ranking = _svg(section, "peer-ranking")
    assert re.findall(r'data-key="([\d.]+)"', ranking) == sorted(
        ["53.71", "91.71"], key=lambda c: _index(latest, c).rank
    )
    assert 'class="row highlight" data-key="53.71"' in ranking

    map_svg = _svg(section, "index-map")
    assert len(re.findall(r'<circle[^>]*class="region[ "]', map_svg)) == 514
    highlighted = re.findall(
        r'<circle[^>]*class="region highlight"[^>]*data-key="([\d.]+)"', map_svg
    )
    assert highlighted == ["53.71"]
    assert '<a href="/regions/53.71/">' in map_svg
    assert '<a href="/regions/91.71/">' in map_svg


def test_region_section_lists_the_weakest_sub_elements(client, published):
    html = _region_page(client)
    results = selectors.region_results(published, Region.objects.get(code="53.71"))
    weakest = sorted(
        (s for s in results.sub_elements if s.score is not None), key=lambda s: (s.score, s.code)
    )[:3]
    table = re.search(r'data-testid="weakest">(.*?)</table>', html, re.S).group(1)

    assert re.findall(r'<tr data-code="([A-Z.]+)">', table) == [w.code for w in weakest]
    for weak in weakest:
        assert weak.name in table
        assert _fmt(weak.score) in table
    first = Node.objects.filter(parent__code=weakest[0].code, level=1).order_by("position")
    for indicator in first:
        assert f'<li data-code="{indicator.code}">' in table


def test_region_section_shows_rank_interval_after_uncertainty_analysis(client, published):
    computing.start_uncertainty(
        actor=None, computation=published, options={"runs": 20, "sensitivity_n": 8}
    )
    index = _index(published, "53.71")
    assert index.rank_low is not None

    html = _region_page(client)

    assert (
        f"kemungkinan antara {_fmt(index.rank_low, digits=0)} dan "
        f"{_fmt(index.rank_high, digits=0)}" in html
    )
    ranking = _svg(html, "peer-ranking")
    assert 'class="interval"' in ranking

    national = client.get(reverse("assessments:national")).content.decode()
    assert 'class="kc-chart kc-bars"' in national
    assert "Indeks sensitivitas dalam bentuk tabel" in national


def test_region_page_never_shows_unpublished_numbers(client, published, unpublished):
    shown = _index(published, "53.71")
    hidden = _index(unpublished, "53.71")
    assert _fmt(shown.score) != _fmt(hidden.score)

    html = _region_page(client)

    assert _fmt(shown.score) in html
    assert _fmt(hidden.score) not in html


def test_region_without_published_results_gets_an_explanation(client, filled_cycle, registry):
    computing.compute_cycle(actor=None, cycle=filled_cycle)  # computed, not published

    html = _region_page(client)
    other = _region_page(client, "11.01")

    for page in (html, other):
        assert 'data-testid="no-index"' in page
        assert "Belum ada hasil indeks terbitan yang mencakup daerah ini." in page
        assert "<svg" not in page


def test_region_section_demo_badge_for_demo_results(client, published):
    html = _region_page(client)
    section = html[html.index('data-testid="index-section"') :]

    assert 'data-testid="demo-notice"' in section
    for testid in ("index-score", "index-rank"):
        block = re.search(rf'data-testid="{testid}">(.*?)</div>\s*</div>', section, re.S).group(1)
        assert DEMO_BADGE in block
    assert "(demo)</title>" in _svg(section, "radar")
    assert "(demo)</desc>" in _svg(section, "index-map")


def test_region_section_has_no_demo_badge_for_official_results(client, official):
    html = _region_page(client)
    section = html[html.index('data-testid="index-section"') :]

    assert official.is_demo is False
    assert _fmt(_index(official, "53.71").score) in section
    assert DEMO_BADGE not in section
    assert "(demo)" not in section


@pytest.mark.parametrize(("language", "heading"), [("en", "Smart City Index"), ("id", None)])
def test_region_section_renders_in_both_languages(client, published, language, heading):
    client.cookies["django_language"] = language
    html = _region_page(client)
    score = _index(published, "53.71").score

    assert f'<html lang="{language}">' in html
    assert _fmt(score, language) in html
    if language == "id":
        assert "," in _fmt(score, "id")
    else:
        assert heading in html


def test_region_section_includes_the_readiness_profile(client, published, questionnaire):
    from kotacerdas.assessments import demo

    kupang = Region.objects.get(code="53.71")
    assert demo.load_readiness(questionnaire, [kupang], 2025) == 1

    html = _region_page(client)
    section = html[html.index('data-testid="index-section"') :]

    assert 'data-testid="readiness-profile"' in section
    assert 'data-testid="readiness-profile"' not in _region_page(client, "53.11")


def test_region_without_results_still_shows_its_readiness_profile(client, questionnaire, registry):
    from kotacerdas.assessments import demo

    demo.load_readiness(questionnaire, [Region.objects.get(code="53.71")], 2025)

    html = _region_page(client)

    assert 'data-testid="no-index"' in html
    assert 'data-testid="readiness-profile"' in html


# --- the national page --------------------------------------------------------------------------


def _rows(html):
    return re.findall(r'<tr data-code="([\d.]+)">', html)


def test_national_page_ranks_every_region_of_the_published_year(client, published):
    response = client.get(reverse("assessments:national"))
    html = response.content.decode()
    ranking = selectors.national_ranking(published)

    assert response.status_code == 200
    assert _rows(html) == [row.region.code for row in ranking.rows]
    row = re.search(r'<tr data-code="53.71">(.*?)</tr>', html, re.S).group(1)
    index = _index(published, "53.71")
    cells = [
        re.sub(r"<[^>]+>|\s+", " ", c).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    assert cells[0] == str(index.rank)
    assert cells[1] == "Kota Kupang"
    assert cells[2] == "Nusa Tenggara Timur"
    assert cells[4].startswith(_fmt(index.score))
    assert cells[5] == "—"
    assert cells[6] == published.cycle.framework.maturity_name(index.maturity)
    for cell, code in zip(cells[7:], PILLARS, strict=True):
        pillar = Result.objects.get(computation=published, region__code="53.71", node__code=code)
        assert cell == _fmt(pillar.score)
    assert '<a href="/regions/53.71/">Kota Kupang</a>' in row
    assert 'class="kc-chart kc-map"' in html
    assert 'data-testid="method-notes"' in html
    assert reverse("assessments:framework") in html
    assert reverse("assessments:published-csv", kwargs={"year": 2025}) in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("province=53", {"53.01", "53.10", "53.11", "53.71"}),
        ("kind=kota&population=medium", {"53.71", "91.71"}),
        ("q=kupang", {"53.01", "53.71"}),
        ("q=Kota+Kupang", {"53.71"}),
        ("population=metro&kind=kabupaten", {"35.10"}),
        ("q=tidak+ada", set()),
        ("province=99&kind=kota&population=medium", {"53.71", "91.71"}),
    ],
)
def test_national_page_filters(client, published, query, expected):
    html = client.get(reverse("assessments:national") + "?" + query).content.decode()

    assert set(_rows(html)) == expected
    if not expected:
        assert '<p class="notice">' in html


def test_national_page_ranks_on_a_pillar_and_orders(client, published):
    url = reverse("assessments:national")
    by_eco = _rows(client.get(url + "?aggregate=ECO").content.decode())
    by_name = _rows(client.get(url + "?order=name").content.decode())
    eco = dict(
        Result.objects.filter(computation=published, node__code="ECO").values_list(
            "region__code", "rank"
        )
    )

    assert by_eco == sorted(eco, key=eco.get)
    names = dict(Region.objects.filter(code__in=by_name).values_list("code", "search_name"))
    assert by_name == sorted(names, key=names.get)


def test_national_page_htmx_returns_the_results_only(client, published):
    response = client.get(reverse("assessments:national") + "?province=53", HTTP_HX_REQUEST="true")
    html = response.content.decode()

    assert "<html" not in html
    assert 'class="index-results"' in html
    assert set(_rows(html)) == {"53.01", "53.10", "53.11", "53.71"}


def test_national_page_year_choice(client, two_years):
    earlier, _latest = two_years
    url = reverse("assessments:national")

    default = client.get(url).content.decode()
    old = client.get(url + "?year=2024").content.decode()
    bad = client.get(url + "?year=1999").content.decode()

    assert 'data-year="2025"' in default
    assert 'data-year="2024"' in old
    assert 'data-year="2025"' in bad
    assert _fmt(_index(earlier, "53.71").score) in old
    assert '<option value="2024"' in default and '<option value="2025"' in default


def test_national_page_never_shows_unpublished_numbers(client, published, unpublished):
    html = client.get(reverse("assessments:national")).content.decode()
    shown = dict(
        Result.objects.filter(computation=published, node__code="INDEX").values_list(
            "region__code", "score"
        )
    )
    hidden = dict(
        Result.objects.filter(computation=unpublished, node__code="INDEX").values_list(
            "region__code", "score"
        )
    )

    assert _rows(html) == [r.region.code for r in selectors.national_ranking(published).rows]
    for code, score in shown.items():
        row = re.search(rf'<tr data-code="{code}">(.*?)</tr>', html, re.S).group(1)
        index_cell = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[4]
        assert index_cell.startswith(_fmt(score))
        if _fmt(hidden[code]) != _fmt(score):
            assert not index_cell.startswith(_fmt(hidden[code]))


def test_national_page_without_published_results(client, filled_cycle):
    computing.compute_cycle(actor=None, cycle=filled_cycle)

    html = client.get(reverse("assessments:national")).content.decode()

    assert 'data-testid="no-results"' in html
    assert "<table" not in html


def test_national_page_query_count_with_every_region(
    client, framework, registry, django_assert_max_num_queries
):
    cycle = Cycle.objects.create(framework=framework, year=2025, is_demo=True)
    fill(cycle, list(Region.objects.filter(retired_at__isnull=True)))
    computing.publish(actor=None, computation=computing.compute_cycle(actor=None, cycle=cycle))

    with django_assert_max_num_queries(16):
        response = client.get(reverse("assessments:national"))
    html = response.content.decode()
    assert len(_rows(html)) == 514

    with django_assert_max_num_queries(16):
        client.get(reverse("assessments:national") + "?kind=kota&aggregate=GOV")
    with django_assert_max_num_queries(8):
        client.get(reverse("assessments:published-csv", kwargs={"year": 2025}))
    with django_assert_max_num_queries(24):
        html = _region_page(client)
    assert 'class="region highlight"' in html


def test_national_page_demo_badge_and_titles(client, published):
    html = client.get(reverse("assessments:national")).content.decode()
    row = re.search(r'<tr data-code="53.71">(.*?)</tr>', html, re.S).group(1)

    assert 'data-testid="demo-notice"' in html
    assert DEMO_BADGE in row
    assert "(demo)</title>" in html


def test_national_page_no_demo_badge_for_official_results(client, official):
    html = client.get(reverse("assessments:national")).content.decode()
    main = html[html.index('<main id="main"') : html.index("</main>")]

    assert _rows(html)
    assert DEMO_BADGE not in main
    assert "(demo)" not in main


@pytest.mark.parametrize("language", ["en", "id"])
def test_national_page_renders_in_both_languages(client, published, language):
    html = client.get(
        reverse("assessments:national"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()

    assert f'<html lang="{language}">' in html
    assert _fmt(_index(published, "53.71").score, language) in html


# --- downloads ----------------------------------------------------------------------------------


def _expected_rows(computation):
    """The download rows built straight from the Result rows."""
    aggregates = [
        Node.objects.get(framework=computation.cycle.framework, code=code)
        for code in ["INDEX", *PILLARS]
    ]
    subs = [
        sub
        for pillar in aggregates[1:]
        for sub in Node.objects.filter(parent=pillar).order_by("position")
    ]
    nodes = [*aggregates, *subs]
    rows = {}
    for region in Region.objects.filter(results__computation=computation).distinct():
        stored = {
            r.node_id: r for r in Result.objects.filter(computation=computation, region=region)
        }
        index = stored[aggregates[0].pk]
        row = [
            region.code,
            region.name,
            region.province.name,
            region.kind,
            selectors.population_class(region.population),
        ]
        for node in nodes:
            row += [stored[node.pk].score, stored[node.pk].rank]
        row += [
            index.rank_low,
            index.rank_high,
            index.maturity,
            computation.cycle.framework.maturity_name(index.maturity),
            computation.is_demo,
        ]
        rows[region.code] = row
    header = ["uCode", "region", "province", "kind", "population_class"]
    for node in nodes:
        header += [f"{node.code}_score", f"{node.code}_rank"]
    header += ["rank_q5", "rank_q95", "maturity", "maturity_name", "is_demo"]
    return header, rows


def _as_csv_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.parametrize("fixture", ["published", "official"])
def test_csv_download_matches_the_results(client, db, request, fixture):
    # `db` is named so that pytest-django orders this test with the other database tests
    computation = request.getfixturevalue(fixture)
    response = client.get(reverse("assessments:published-csv", kwargs={"year": 2025}))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    demo = "-demo" if computation.is_demo else ""
    assert f'filename="kotacerdas-index-2025{demo}.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    header, expected = _expected_rows(computation)
    reader = list(csv.reader(io.StringIO(text)))

    assert reader[0] == header
    assert [row[0] for row in reader[1:]] == sorted(expected)
    for row in reader[1:]:
        assert row == [_as_csv_text(v) for v in expected[row[0]]]
        assert row[-1] == ("true" if computation.is_demo else "false")


def test_xlsx_download_matches_the_results(client, published):
    response = client.get(reverse("assessments:published-xlsx", kwargs={"year": 2025}))

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["results", "about"]
    rows = list(book["results"].iter_rows(values_only=True))
    header, expected = _expected_rows(published)

    assert list(rows[0]) == header
    assert [row[0] for row in rows[1:]] == sorted(expected)
    for row in rows[1:]:
        want = expected[row[0]]
        assert list(row[:5]) == want[:5]
        assert list(row[5:-5]) == pytest.approx(want[5:-5])
        assert list(row[-5:]) == want[-5:]
        assert row[-1] is True
    about = [row[0] for row in book["about"].iter_rows(values_only=True)]
    assert "DEMO" in about
    book.close()


def test_downloads_neutralise_formula_like_text(client, published):
    Region.objects.filter(code="53.71").update(name="=HYPERLINK(1)")

    text = client.get(reverse("assessments:published-csv", kwargs={"year": 2025})).content.decode(
        "utf-8-sig"
    )
    row = next(r for r in csv.reader(io.StringIO(text)) if r[0] == "53.71")
    book = load_workbook(
        io.BytesIO(
            client.get(reverse("assessments:published-xlsx", kwargs={"year": 2025})).content
        ),
        read_only=True,
    )
    xrow = next(r for r in book["results"].iter_rows(values_only=True) if r[0] == "53.71")
    book.close()

    assert row[1] == "'=HYPERLINK(1)"
    assert xrow[1] == "'=HYPERLINK(1)"


def test_downloads_only_for_published_years(client, published, framework, sample_regions):
    cycle = Cycle.objects.create(framework=framework, year=2024, is_demo=True)
    fill(cycle, sample_regions)
    computing.compute_cycle(actor=None, cycle=cycle)  # computed, never published

    for year in (2024, 2019):
        for name in ("assessments:published-csv", "assessments:published-xlsx"):
            assert client.get(reverse(name, kwargs={"year": year})).status_code == 404


def test_download_of_newer_unpublished_computation_gives_published_numbers(
    client, published, unpublished
):
    text = client.get(reverse("assessments:published-csv", kwargs={"year": 2025})).content.decode(
        "utf-8-sig"
    )
    row = next(r for r in csv.reader(io.StringIO(text)) if r[0] == "53.71")

    assert float(row[5]) == _index(published, "53.71").score
    assert float(row[5]) != _index(unpublished, "53.71").score


# --- the framework page -------------------------------------------------------------------------


def test_framework_page_lists_the_indicator_tree(client, framework):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("assessments:framework"))
    html = response.content.decode()
    indicators = Node.objects.filter(framework=framework, level=1)

    assert response.status_code == 200
    assert len(re.findall(r'<tr id="i-[^"]+" data-code="', html)) == indicators.count()
    for code in PILLARS:
        assert f'id="p-{code.lower()}"' in html
    assert html.count("<h3 ") == 18
    with translation.override("en"):
        node = Node.objects.get(framework=framework, code="GOV.SVC.03")
        row = re.search(r'data-code="GOV.SVC.03">(.*?)</tr>', html, re.S).group(1)
        assert node.name in row
        assert "days" in row
        assert "lower is better" in row
        assert "ISO 37122:2019" in row
        assert "0 – 180" in row
        assert node.data_source.split(" (")[0] in row
    levels = re.search(r'data-testid="maturity-levels">(.*?)</table>', html, re.S).group(1)
    for name in ("Initial", "Developing", "Established", "Advanced", "Leading"):
        assert name in levels
    assert "80 and above" in levels


def test_framework_page_in_indonesian(client, framework):
    html = client.get(reverse("assessments:framework")).content.decode()

    assert '<html lang="id">' in html
    assert "Rata-rata waktu tindak lanjut pengaduan masyarakat" in html
    assert "Rintisan" in html and "Unggul" in html


def test_framework_page_without_framework_is_404(client, db):
    assert client.get(reverse("assessments:framework")).status_code == 404


def test_public_pages_are_read_only(client, published):
    for url in (
        reverse("assessments:national"),
        reverse("assessments:framework"),
        reverse("assessments:published-csv", kwargs={"year": 2025}),
    ):
        assert client.post(url).status_code == 405


def test_sensitivity_section_only_when_indices_are_stored(client, published):
    url = reverse("assessments:national")
    assert "Indeks sensitivitas dalam bentuk tabel" not in client.get(url).content.decode()

    Computation.objects.filter(pk=published.pk).update(
        sensitivity=[
            {
                "input": "aggregate",
                "Si": 0.1,
                "Si_q5": 0.05,
                "Si_q95": 0.2,
                "STi": 0.3,
                "STi_q5": 0.2,
                "STi_q95": 0.4,
            }
        ]
    )
    html = client.get(url).content.decode()

    chart = re.search(r"(<svg[^>]*kc-bars.*?</svg>)", html, re.S).group(1)
    assert chart.count('class="bar"') == 2
    assert chart.count('class="interval"') == 2
    assert "Sensitivitas peringkat indeks, 2025 (demo)" in chart
