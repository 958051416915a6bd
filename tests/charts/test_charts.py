import ast
import json
import math
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kotacerdas import charts
from kotacerdas.charts import (
    MISSING_COLOUR,
    MapPoint,
    RankRow,
    Series,
    bars,
    indonesia_map,
    project,
    radar,
    rank_x,
    ranking,
    sequential,
    trend,
)
from kotacerdas.charts._colour import VIRIDIS

pytestmark = pytest.mark.unit

NS = "{http://www.w3.org/2000/svg}"
NASTY = "A & B <script>alert('x')</script> \"q\""
AXES = ["Governance", "Branding", "Economy", "Living", "Society", "Environment"]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it
    assert root.tag == f"{NS}svg"
    return root


def find_all(root: ET.Element, tag: str) -> list[ET.Element]:
    return list(root.iter(f"{NS}{tag}"))


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def by_id(root: ET.Element, element_id: str) -> ET.Element:
    matches = [e for e in root.iter() if e.get("id") == element_id]
    assert len(matches) == 1, element_id
    return matches[0]


def all_text(root: ET.Element) -> list[str]:
    return [t for e in root.iter() for t in (e.text, e.tail) if t and t.strip()]


def sample_map(**kwargs) -> str:
    points = [
        MapPoint("53.71", "Kota Kupang", 123.6, -10.17, 100.0, href="/r/53.71/", highlight=True),
        MapPoint("31.71", "Kota Jakarta Pusat", 106.83, -6.18, 0.0, href="/r/31.71/"),
        MapPoint("94.71", "Kota Jayapura", 140.7, -2.53, None),
        MapPoint("12.71", NASTY, 98.67, 3.59, 55.5),
    ]
    defaults = {
        "title": "Index map",
        "desc": "Scores of four regions",
        "legend_title": "Score",
        "missing_label": "No data",
    }
    return indonesia_map(points, **(defaults | kwargs))


def sample_radar(**kwargs) -> str:
    series = [
        Series("Kota Kupang", [70, 55, None, 64, 80, 47], "primary"),
        Series("Province", [60, 62, 58, 70, 66, 52], "secondary"),
        Series("Median", [65, 60, 61, 63, 68, 55], "muted"),
    ]
    defaults = {"title": "Pillars", "desc": "Six pillars", "missing_label": "no data"}
    return radar(AXES, series, **(defaults | kwargs))


RANK_ROWS = [
    RankRow("c", "Kota C", 3, 2, 7, href="/r/c/"),
    RankRow("a", "Kota A", 1, 1, 2.5, href="/r/a/"),
    RankRow("d", "Kota D", 4, None, None),
    RankRow("b", "Kota B", 2, 1, 4, href="/r/b/"),
]


def sample_ranking(**kwargs) -> str:
    defaults = {"title": "Ranking", "desc": "Four regions", "axis_label": "Rank", "highlight": "c"}
    return ranking(RANK_ROWS, **(defaults | kwargs))


def sample_trend(**kwargs) -> str:
    defaults = {
        "title": "Trend",
        "desc": "Score by year",
        "y_label": "Score",
        "series_label": "Kota Kupang",
        "extra": [("Median", [(2020, 50.0), (2021, 51.0), (2022, 53.0)])],
    }
    return trend([(2020, 52.0), (2021, None), (2022, 61.0), (2023, 64.2)], **(defaults | kwargs))


def sample_bars(**kwargs) -> str:
    items = [("Governance", 0.31, 0.25, 0.38), ("Economy", 0.18, None, None)]
    defaults = {"title": "Sensitivity", "desc": "First-order indices", "x_label": "Si"}
    return bars(items, **(defaults | kwargs))


ALL_CHARTS = [sample_map, sample_radar, sample_ranking, sample_trend, sample_bars]


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_every_chart_is_an_accessible_scalable_svg(make):
    svg = make(title="The title", desc="The description")
    root = parse(svg)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert by_id(root, title_id).tag == f"{NS}title"
    assert by_id(root, title_id).text == "The title"
    assert by_id(root, desc_id).tag == f"{NS}desc"
    assert by_id(root, desc_id).text == "The description"
    assert root[0].tag == f"{NS}title"
    assert len(root.get("viewBox").split()) == 4
    assert root.get("width") == "100%"
    assert "height:auto" in root.get("style")
    assert root.get("font-family") == "system-ui, sans-serif"


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_every_chart_escapes_caller_text(make):
    svg = make(title=NASTY, desc=NASTY)
    root = parse(svg)
    assert "<script" not in svg
    assert find_all(root, "script") == []
    assert NASTY in all_text(root)


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_every_chart_is_self_contained(make):
    svg = make()
    root = parse(svg)
    for tag in ("script", "image", "foreignObject", "use", "style"):
        assert find_all(root, tag) == []
    for element in root.iter():
        for name, value in element.attrib.items():
            if name == "href":
                assert element.tag == f"{NS}a"
                assert value.startswith("/r/")
            elif "url(" in value:
                assert value.startswith("url(#")
            assert not name.startswith("on")
    # The namespace declaration is the one absolute URL in the output.
    assert svg.count("http") == 1


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_every_chart_is_deterministic_with_ids_from_its_content(make):
    first, second = make(), make()
    assert first == second
    other = make(title="Another chart")
    assert parse(first).get("aria-labelledby") != parse(other).get("aria-labelledby")
    given_prefix = parse(make(id_prefix="fig-7"))
    assert given_prefix.get("aria-labelledby") == "fig-7-title fig-7-desc"
    ids = [e.get("id") for e in given_prefix.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("fig-7-") for i in ids)


@pytest.mark.parametrize("prefix", ["7up", "a b", 'x"y', ""])
def test_an_unsafe_id_prefix_is_refused(prefix):
    with pytest.raises(ValueError, match="id_prefix"):
        sample_bars(id_prefix=prefix)


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "JavaScript:alert(1)", "java\nscript:alert(1)", "data:x"]
)
def test_a_script_link_is_refused(href):
    point = MapPoint("k", "K", 110.0, -7.0, 50.0, href=href)
    with pytest.raises(ValueError, match="link"):
        indonesia_map(
            [point], title="t", desc="d", legend_title="l", missing_label="m", id_prefix="m"
        )


def test_a_caller_link_to_another_site_is_kept():
    row = RankRow("k", "K", 1, href="https://example.org/a?b=1&c=2")
    root = parse(ranking([row], title="t", desc="d", axis_label="a"))
    assert [a.get("href") for a in find_all(root, "a")] == ["https://example.org/a?b=1&c=2"]


def xml_text(label: str) -> str:
    """What an XML parser reads back: characters XML forbids dropped, line ends normalised."""
    kept = "".join(
        c
        for c in label
        if c in "\t\n\r"
        or (ord(c) >= 32 and not 0xD800 <= ord(c) <= 0xDFFF and c not in "\ufffe\uffff")
    )
    return kept.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_any_label_gives_well_formed_output(label):
    svg = bars([(label, 1.0, 0.5, 1.5)], title=label, desc=label, x_label=label)
    root = parse(svg)
    title_id = root.get("aria-labelledby").split()[0]
    assert (by_id(root, title_id).text or "") == xml_text(label)


# --- map ---------------------------------------------------------------------------------


def regions(root: ET.Element) -> dict[str, ET.Element]:
    return {c.get("data-key"): c for c in find_all(root, "circle") if "region" in classes(c)}


def test_map_draws_one_circle_per_point_at_its_projected_position():
    root = parse(sample_map())
    assert len(find_all(root, "circle")) == 4
    kupang = regions(root)["53.71"]
    x, y = project(123.6, -10.17, 900)
    assert float(kupang.get("cx")) == pytest.approx(x, abs=0.01)
    assert float(kupang.get("cy")) == pytest.approx(y, abs=0.01)
    assert root.get("viewBox") == f"0 0 900 {900 * 18 / 47 + 62:.2f}".rstrip("0").rstrip(".")


def test_map_colours_follow_the_scale_and_missing_is_grey():
    circles = regions(parse(sample_map()))
    assert circles["53.71"].get("fill") == VIRIDIS[-1]
    assert circles["31.71"].get("fill") == VIRIDIS[0]
    assert circles["53.71"].get("fill") != circles["31.71"].get("fill")
    assert circles["94.71"].get("fill") == MISSING_COLOUR
    assert "missing" in classes(circles["94.71"])


def test_map_circles_have_tooltips_with_label_and_value():
    circles = regions(parse(sample_map(fmt=lambda v: f"{v:.0f} pts")))
    assert circles["53.71"].find(f"{NS}title").text == "Kota Kupang: 100 pts"
    assert circles["94.71"].find(f"{NS}title").text == "Kota Jayapura: No data"
    assert circles["12.71"].find(f"{NS}title").text == f"{NASTY}: 56 pts"


def test_map_highlight_is_larger_with_a_dark_ring_and_drawn_last():
    root = parse(sample_map())
    circles = regions(root)
    kupang, jakarta = circles["53.71"], circles["31.71"]
    assert "highlight" in classes(kupang)
    assert "highlight" not in classes(jakarta)
    assert float(kupang.get("r")) > float(jakarta.get("r"))
    assert kupang.get("stroke") == "#111827"
    assert find_all(root, "circle")[-1] is kupang


def test_map_links_wrap_circles_that_have_one():
    root = parse(sample_map())
    links = {a.find(f"{NS}circle").get("data-key"): a.get("href") for a in find_all(root, "a")}
    assert links == {"53.71": "/r/53.71/", "31.71": "/r/31.71/"}


def test_map_legend_has_a_gradient_its_title_and_the_missing_swatch():
    root = parse(sample_map(legend_title="Skor indeks", missing_label="Tidak ada data"))
    stops = find_all(root, "stop")
    assert [s.get("stop-color") for s in stops] == list(VIRIDIS)
    gradient = find_all(root, "linearGradient")[0]
    assert any(r.get("fill") == f"url(#{gradient.get('id')})" for r in find_all(root, "rect"))
    texts = all_text(root)
    assert "Skor indeks" in texts
    assert "Tidak ada data" in texts
    swatch = [r for r in find_all(root, "rect") if "missing-swatch" in classes(r)]
    assert swatch[0].get("fill") == MISSING_COLOUR


def test_map_draws_the_outline_of_indonesia():
    root = parse(sample_map())
    land = [p for p in find_all(root, "path") if p.get("fill") == "#e6e9ee"]
    assert len(land) == 1
    assert land[0].get("d").count("M") == len(charts.outline()["polygons"])


# --- outline data ------------------------------------------------------------------------


def test_outline_is_public_domain_simplified_indonesia():
    data = charts.outline()
    assert data["licence"] == "public domain (Natural Earth)"
    assert "Natural Earth" in data["source"]
    lon_min, lat_min, lon_max, lat_max = data["bbox"]
    assert 94.5 < lon_min < 96 and 140 < lon_max < 141.5
    assert -11.5 < lat_min < -10 and 5 < lat_max < 6.5
    assert len(data["polygons"]) > 50
    for ring in data["polygons"] + data["neighbours"]:
        assert len(ring) >= 3
        assert all(round(c, 3) == c for point in ring for c in point)
    path = resources.files("kotacerdas.charts").joinpath("data/indonesia.json")
    assert len(path.read_bytes()) < 150_000
    assert json.loads(path.read_text("utf-8")) == data


def test_outline_is_read_once():
    assert charts.outline() is charts.outline()


# --- radar -------------------------------------------------------------------------------


def series_groups(root: ET.Element) -> list[ET.Element]:
    return [g for g in find_all(root, "g") if "series" in classes(g)]


def polygon_points(element: ET.Element) -> list[tuple[float, float]]:
    return [tuple(map(float, p.split(","))) for p in element.get("points").split()]


def test_radar_polygon_has_one_vertex_per_axis():
    root = parse(sample_radar())
    groups = series_groups(root)
    assert len(groups) == 3
    for group in groups:
        assert len(polygon_points(group.find(f"{NS}polygon"))) == len(AXES)
    # The grid rings are polygons with one vertex per axis too.
    assert all(len(polygon_points(p)) == len(AXES) for p in find_all(root, "polygon"))


def test_radar_draws_the_primary_series_last_and_values_on_their_axis():
    root = parse(sample_radar(max_value=100.0))
    groups = series_groups(root)
    assert [g.get("data-series") for g in groups] == ["2", "1", "0"]
    primary = polygon_points(groups[-1].find(f"{NS}polygon"))
    centre_x = float(root.get("viewBox").split()[2]) / 2
    # Axis 0 points straight up, so its vertex sits on the vertical through the centre.
    assert primary[0][0] == pytest.approx(centre_x)
    # Axis 3 points straight down: 64 % of the radius below the centre.
    assert primary[3][0] == pytest.approx(centre_x)
    # Axis 2 is missing and drawn at the centre.
    assert primary[2][0] == pytest.approx(centre_x)
    assert (primary[3][1] - primary[2][1]) / (primary[2][1] - primary[0][1]) == pytest.approx(
        64 / 70, abs=0.01
    )


def test_radar_marks_a_missing_value_at_the_centre_and_notes_it():
    root = parse(sample_radar())
    hollow = [c for c in find_all(root, "circle") if "missing" in classes(c)]
    assert len(hollow) == 1
    assert hollow[0].get("fill") == "#ffffff"
    assert hollow[0].find(f"{NS}title").text == "Kota Kupang · Economy: no data"
    primary = polygon_points(series_groups(root)[-1].find(f"{NS}polygon"))
    assert (float(hollow[0].get("cx")), float(hollow[0].get("cy"))) == pytest.approx(primary[2])
    assert "no data: Economy" in all_text(root)


def test_radar_legend_lists_every_series_and_the_axes_are_labelled():
    texts = all_text(parse(sample_radar()))
    for label in ("Kota Kupang", "Province", "Median", *AXES):
        assert label in texts


def test_radar_rejects_bad_input():
    with pytest.raises(ValueError, match="three axes"):
        radar(["a", "b"], [], title="t", desc="d")
    with pytest.raises(ValueError, match="values"):
        radar(AXES, [Series("s", [1, 2])], title="t", desc="d")


# --- ranking -----------------------------------------------------------------------------


def rows_of(root: ET.Element) -> list[ET.Element]:
    return [g for g in find_all(root, "g") if "row" in classes(g)]


def test_ranking_rows_are_in_rank_order():
    rows = rows_of(parse(sample_ranking()))
    assert [g.get("data-key") for g in rows] == ["a", "b", "c", "d"]
    ys = [float(g.find(f"{NS}circle").get("cy")) for g in rows]
    assert ys == sorted(ys)


def test_ranking_dots_and_whiskers_sit_on_the_documented_scale():
    rows = {g.get("data-key"): g for g in rows_of(parse(sample_ranking(rank_max=10)))}
    for row in RANK_ROWS:
        group = rows[row.key]
        dot = group.find(f"{NS}circle")
        assert float(dot.get("cx")) == pytest.approx(rank_x(row.rank, 10, 640, 180), abs=0.01)
        whiskers = [e for e in group if "interval" in classes(e)]
        if row.low is None:
            assert whiskers == []
            continue
        (whisker,) = whiskers
        assert float(whisker.get("x1")) == pytest.approx(rank_x(row.low, 10, 640, 180), abs=0.01)
        assert float(whisker.get("x2")) == pytest.approx(rank_x(row.high, 10, 640, 180), abs=0.01)
    # Rank 1 is on the left edge of the plot, rank_max on the right.
    assert rank_x(1, 10, 640, 180) == 196
    assert rank_x(10, 10, 640, 180) == 616


def test_ranking_default_axis_end_covers_the_widest_interval():
    rows = {g.get("data-key"): g for g in rows_of(parse(sample_ranking()))}
    whisker = next(e for e in rows["c"] if "interval" in classes(e))
    assert float(whisker.get("x2")) == pytest.approx(rank_x(7, 7, 640, 180))


def test_ranking_marks_the_highlighted_row_and_links_rows():
    root = parse(sample_ranking())
    rows = {g.get("data-key"): g for g in rows_of(root)}
    assert [k for k, g in rows.items() if "highlight" in classes(g)] == ["c"]
    assert rows["c"].find(f"{NS}circle").get("fill") != rows["a"].find(f"{NS}circle").get("fill")
    links = {a.find(f"{NS}g").get("data-key"): a.get("href") for a in find_all(root, "a")}
    assert links == {"a": "/r/a/", "b": "/r/b/", "c": "/r/c/"}
    assert rows["c"].find(f"{NS}title").text == "Kota C: 3 (2\u20137)"


def test_ranking_without_highlight_marks_nothing():
    root = parse(sample_ranking(highlight=None))
    assert not any("highlight" in classes(g) for g in rows_of(root))


def test_ranking_shortens_long_labels_but_keeps_them_in_the_tooltip():
    label = "Kabupaten " + "Panjang " * 10
    root = parse(ranking([RankRow("k", label, 1)], title="t", desc="d", axis_label="a"))
    (row,) = rows_of(root)
    assert row.find(f"{NS}title").text.startswith(label)
    assert row.find(f"{NS}text").text.endswith("…")


# --- trend -------------------------------------------------------------------------------


def test_trend_breaks_the_line_at_missing_years_and_marks_known_ones():
    root = parse(sample_trend())
    main = next(g for g in find_all(root, "g") if "main" in classes(g))
    path = main.find(f"{NS}path").get("d")
    assert path.count("M") == 2
    assert path.count("L") == 1
    assert len(main.findall(f"{NS}circle")) == 3
    titles = [c.find(f"{NS}title").text for c in main.findall(f"{NS}circle")]
    assert titles == ["Kota Kupang 2020: 52.0", "Kota Kupang 2022: 61.0", "Kota Kupang 2023: 64.2"]


def test_trend_maps_values_between_y_min_and_y_max():
    root = parse(sample_trend(y_min=50, y_max=70, extra=()))
    main = next(g for g in find_all(root, "g") if "main" in classes(g))
    cys = [float(c.get("cy")) for c in main.findall(f"{NS}circle")]
    # 52, 61 and 64.2 on a 50..70 axis from y=230 (bottom) to y=14 (top).
    assert cys == pytest.approx([230 - 216 * 0.1, 230 - 216 * 0.55, 230 - 216 * 0.71], abs=0.01)
    assert {"Kota Kupang", "Score", "2020", "2023"} <= set(all_text(root))


def test_trend_draws_extra_series_under_the_main_one():
    root = parse(sample_trend())
    groups = [g for g in find_all(root, "g") if "series" in classes(g)]
    assert [g.get("data-series") for g in groups] == ["1", "0"]
    assert groups[0].find(f"{NS}path").get("stroke-dasharray")
    assert "Median" in all_text(root)


def test_trend_with_a_single_year_still_draws():
    root = parse(trend([(2024, 40.0)], title="t", desc="d", y_label="y", series_label="s"))
    assert len(find_all(root, "circle")) == 1


# --- bars --------------------------------------------------------------------------------


def test_bars_are_proportional_with_intervals_where_given():
    root = parse(sample_bars(x_max=0.5, fmt=lambda v: f"{v:.2f}"))
    groups = [g for g in find_all(root, "g") if "bar" in classes(g)]
    assert len(groups) == 2
    widths = [float(g.find(f"{NS}rect").get("width")) for g in groups]
    assert widths[0] / widths[1] == pytest.approx(0.31 / 0.18, rel=0.01)
    # The plot runs from 212 (zero) to 588 (x_max).
    assert widths[0] == pytest.approx(0.31 / 0.5 * 376, abs=0.01)
    interval = [e for e in groups[0] if "interval" in classes(e)]
    assert interval[0].get("d").startswith(f"M{212 + 0.25 / 0.5 * 376:g} ")
    assert not [e for e in groups[1] if "interval" in classes(e)]
    assert groups[0].find(f"{NS}title").text == "Governance: 0.31 (0.25\u20130.38)"
    assert {"0.31", "0.18", "Si"} <= set(all_text(root))


def test_bars_default_axis_end_is_a_round_number_above_the_largest_value():
    root = parse(sample_bars())
    assert {"0.0", "0.1", "0.4"} <= set(all_text(root))
    assert "0.5" not in all_text(root)


def test_bars_handle_negative_estimates():
    root = parse(bars([("x", -0.02, -0.05, 0.01)], title="t", desc="d", x_label="Si"))
    rect = find_all(root, "rect")[0]
    assert float(rect.get("width")) > 0


# --- colour scale and package rules ------------------------------------------------------


def test_sequential_scale_runs_from_dark_to_light_and_clamps():
    assert sequential(0) == VIRIDIS[0]
    assert sequential(100) == VIRIDIS[-1]
    assert sequential(-5) == VIRIDIS[0]
    assert sequential(250) == VIRIDIS[-1]
    assert sequential(50) == VIRIDIS[5]
    assert sequential(5, 0, 10) == VIRIDIS[5]
    assert sequential(None) == MISSING_COLOUR
    assert sequential(math.nan) == MISSING_COLOUR
    assert MISSING_COLOUR not in VIRIDIS
    with pytest.raises(ValueError):
        sequential(1, 5, 5)


def test_package_imports_neither_django_nor_other_apps():
    package = Path(charts.__file__).parent
    for module in package.glob("*.py"):
        tree = ast.parse(module.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith(("django", "kotacerdas")), (module.name, name)


def test_public_api():
    assert sorted(charts.__all__) == sorted(
        name for name in charts.__all__ if not name.startswith("_")
    )
    for name in ("radar", "ranking", "trend", "bars", "indonesia_map"):
        assert name in charts.__all__
        assert getattr(charts, name).__doc__
