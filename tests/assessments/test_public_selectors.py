"""Reads of published results for visitors: computations, region results, peers, trend,
weakest sub-elements, map points, the national ranking and the downloads table."""

from __future__ import annotations

import pytest
from django.utils import translation

from kotacerdas.assessments import presentation
from kotacerdas.assessments.models import Computation, Cycle, IndicatorValue, Node, Result
from kotacerdas.assessments.selectors import public as selectors
from kotacerdas.assessments.services import computing
from kotacerdas.regions.models import Region

from .fixtures import SAMPLE_CODES, fill

pytestmark = pytest.mark.integration

PILLARS = ["GOV", "BRD", "ECO", "LIV", "SOC", "ENV"]


def _results(computation, code):
    """{node code: Result} of one region in a computation."""
    return {
        r.node.code: r
        for r in Result.objects.filter(computation=computation, region__code=code).select_related(
            "node"
        )
    }


@pytest.fixture
def kupang_region(sample_regions):
    return next(r for r in sample_regions if r.code == "53.71")


# --- published computations --------------------------------------------------------------


def test_latest_published_computation_ignores_unpublished_ones(published, unpublished, framework):
    later = Cycle.objects.create(framework=framework, year=2026)
    fill(later, list(Region.objects.filter(code__in=["53.71", "53.11", "53.01"])))
    computing.compute_cycle(actor=None, cycle=later)  # computed, never published

    assert unpublished.created_at >= published.created_at
    assert selectors.latest_published_computation() == published
    assert selectors.latest_published_computation(2025) == published
    assert selectors.latest_published_computation(2026) is None
    assert selectors.published_years() == [2025]
    assert list(selectors.published_computations()) == [published]


def test_latest_published_computation_when_nothing_is_published(filled_cycle):
    computing.compute_cycle(actor=None, cycle=filled_cycle)

    assert selectors.latest_published_computation() is None
    assert selectors.published_years() == []


def test_unpublishing_withdraws_the_results(published, kupang_region):
    computing.unpublish(actor=None, computation=published)
    published.refresh_from_db()

    assert selectors.latest_published_computation() is None
    assert selectors.region_results(published, kupang_region) is None
    assert presentation.region_index_context(kupang_region) is None
    assert selectors.national_ranking(published).rows == []
    with pytest.raises(ValueError):
        selectors.published_results_table(published)


# --- population classes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "expected"),
    [
        (None, "unknown"),
        (0, "small"),
        (100_000, "small"),
        (100_001, "medium"),
        (500_000, "medium"),
        (500_001, "large"),
        (1_000_000, "large"),
        (1_000_001, "metro"),
        (10_000_000, "metro"),
    ],
)
def test_population_class_boundaries(population, expected):
    assert selectors.population_class(population) == expected


def test_population_class_q_matches_population_class(registry):
    for key in ("metro", "large", "medium", "small", "unknown"):
        in_class = set(
            Region.objects.filter(selectors.population_class_q(key)).values_list("code", flat=True)
        )
        expected = {
            r.code for r in Region.objects.all() if selectors.population_class(r.population) == key
        }
        assert in_class == expected


# --- one region's results ----------------------------------------------------------------------


def test_region_results_hold_index_pillars_and_sub_elements(published, kupang_region):
    results = selectors.region_results(published, kupang_region)
    stored = _results(published, "53.71")
    framework = published.cycle.framework
    scored = Result.objects.filter(
        computation=published, node__code="INDEX", score__isnull=False
    ).count()

    assert results.year == 2025
    assert results.is_demo is True
    assert results.index.code == "INDEX"
    assert [p.code for p in results.pillars] == PILLARS
    assert [s.parent_code for s in results.sub_elements] == [p for p in PILLARS for _ in range(3)]
    assert len(results.sub_elements) == 18
    for item in [results.index, *results.pillars, *results.sub_elements]:
        row = stored[item.code]
        assert (item.score, item.rank, item.maturity) == (row.score, row.rank, row.maturity)
        assert item.maturity_name == framework.maturity_name(row.maturity)
        assert item.maturity_name in {"Rintisan", "Berkembang", "Mapan", "Maju", "Unggul"}
    assert results.index.of == scored == 12
    assert results.index.has_interval is False


def test_region_results_of_unpublished_computation_is_none(unpublished, kupang_region):
    assert selectors.region_results(unpublished, kupang_region) is None


def test_region_results_of_region_without_results_is_none(published, registry):
    assert selectors.region_results(published, Region.objects.get(code="11.01")) is None


# --- peer groups -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kind", "population_class", "members"),
    [
        ("53.71", "kota", "medium", ["53.71", "91.71"]),
        ("53.11", "kabupaten", "medium", ["53.01", "53.10", "53.11"]),
        ("32.73", "kota", "metro", ["31.71", "32.73", "35.78", "73.71"]),
        ("51.71", "kota", "large", ["51.71"]),
        ("51.03", "kabupaten", "large", ["51.03"]),
        ("35.10", "kabupaten", "metro", ["35.10"]),
    ],
)
def test_peer_group_is_same_kind_and_population_class(
    published, code, kind, population_class, members
):
    region = Region.objects.get(code=code)
    peers = selectors.peer_group(published, region)
    pillar_rows = Result.objects.filter(
        computation=published, region__code__in=members, node__code__in=PILLARS
    )

    assert (peers.kind, peers.population_class) == (kind, population_class)
    assert sorted(m.region.code for m in peers.members) == members
    assert [m.rank for m in peers.members] == sorted(m.rank for m in peers.members)
    for pillar in PILLARS:
        scores = [r.score for r in pillar_rows if r.node.code == pillar]
        assert peers.pillar_means[pillar] == pytest.approx(sum(scores) / len(scores))
    assert peers.size == len(members)


def test_peer_group_of_region_without_population_is_the_unknown_class(published):
    Region.objects.filter(code__in=["53.71", "35.78"]).update(population=None)
    region = Region.objects.get(code="53.71")

    peers = selectors.peer_group(published, region)

    assert peers.population_class == "unknown"
    assert sorted(m.region.code for m in peers.members) == ["35.78", "53.71"]


# --- trend and change --------------------------------------------------------------------------


def test_region_trend_over_two_published_years(two_years, kupang_region):
    earlier, later = two_years
    trend = selectors.region_trend(kupang_region)
    old, new = _results(earlier, "53.71"), _results(later, "53.71")

    assert [p.year for p in trend.points] == [2024, 2025]
    assert [code for code, _name in trend.pillars] == PILLARS
    for point, stored in zip(trend.points, (old, new), strict=True):
        assert point.index == stored["INDEX"].score
        assert point.rank == stored["INDEX"].rank
        assert point.of == 12
        assert point.pillars == {code: stored[code].score for code in PILLARS}
        assert point.is_demo is True
    peers = Result.objects.filter(
        computation=later, node__code="INDEX", region__code__in=["53.71", "91.71"]
    )
    assert trend.points[1].peer_mean == pytest.approx(sum(r.score for r in peers) / 2)

    change = selectors.change_from_previous(trend, 2025)
    assert (change.year, change.previous_year) == (2025, 2024)
    assert change.score_delta == pytest.approx(new["INDEX"].score - old["INDEX"].score)
    assert change.rank_delta == old["INDEX"].rank - new["INDEX"].rank
    assert change.places == abs(change.rank_delta)
    assert selectors.change_from_previous(trend, 2024) is None


def test_region_trend_leaves_out_unpublished_years(published, framework, sample_regions):
    cycle = Cycle.objects.create(framework=framework, year=2024, is_demo=True)
    fill(cycle, sample_regions)
    computing.compute_cycle(actor=None, cycle=cycle)  # not published

    trend = selectors.region_trend(Region.objects.get(code="53.71"))

    assert [p.year for p in trend.points] == [2025]
    assert selectors.change_from_previous(trend, 2025) is None


# --- weakest sub-elements ----------------------------------------------------------------------


def test_weakest_sub_elements_are_the_three_lowest_with_indicator_values(published, kupang_region):
    weakest = selectors.weakest_sub_elements(published, kupang_region)
    stored = _results(published, "53.71")
    subs = sorted(
        (r for r in stored.values() if r.node.level == 2), key=lambda r: (r.score, r.node.code)
    )

    assert [w.result.code for w in weakest] == [r.node.code for r in subs[:3]]
    assert [w.result.score for w in weakest] == [r.score for r in subs[:3]]
    for weak in weakest:
        indicators = Node.objects.filter(parent__code=weak.result.code, level=1).order_by(
            "position"
        )
        assert [i.code for i in weak.indicators] == [n.code for n in indicators]
        values = {
            v.indicator.code: v
            for v in IndicatorValue.objects.filter(
                cycle=published.cycle, region=kupang_region, indicator__in=indicators
            ).select_related("indicator")
        }
        for reading in weak.indicators:
            value = values.get(reading.code)
            assert reading.value == (value.value if value else None)
            assert reading.data_year == (value.year if value else None)
        assert weak.pillar == stored[weak.result.parent_code].node.name


# --- map points --------------------------------------------------------------------------------


def test_map_points_cover_every_region_with_coordinates(published):
    points = selectors.map_points(published)
    with_coordinates = Region.objects.filter(
        retired_at__isnull=True, latitude__isnull=False, longitude__isnull=False
    )
    scores = dict(
        Result.objects.filter(computation=published, node__code="INDEX").values_list(
            "region__code", "score"
        )
    )

    assert len(points) == with_coordinates.count() == 514
    assert {p.code: p.score for p in points if p.score is not None} == scores
    kupang = next(p for p in points if p.code == "53.71")
    assert (kupang.latitude, kupang.longitude) == pytest.approx((-10.153896, 123.61939))


def test_map_points_of_an_unpublished_computation_have_no_scores(unpublished):
    assert all(p.score is None for p in selectors.map_points(unpublished))


# --- the national ranking ----------------------------------------------------------------------


def _codes(ranking):
    return [row.region.code for row in ranking.rows]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"province": "53"}, {"53.01", "53.10", "53.11", "53.71"}),
        ({"kind": "kota"}, {"31.71", "32.73", "35.78", "51.71", "53.71", "73.71", "91.71"}),
        ({"population": "metro"}, {"31.71", "32.73", "35.10", "35.78", "73.71"}),
        ({"population": "medium", "kind": "kabupaten"}, {"53.01", "53.10", "53.11"}),
        ({"q": "kupang"}, {"53.01", "53.71"}),
        ({"q": "Kota Kupang"}, {"53.71"}),
        ({"q": "kab. kupang"}, {"53.01"}),
        ({"q": "SURABAYA"}, {"35.78"}),
        ({"q": "tidak ada"}, set()),
        ({"province": "53", "kind": "kota"}, {"53.71"}),
    ],
)
def test_national_ranking_filters(published, filters, expected):
    ranking = selectors.national_ranking(published, selectors.RankingFilters(**filters))

    assert set(_codes(ranking)) == expected
    assert ranking.ranked == 12


def test_national_ranking_rows_hold_the_stored_results(published):
    ranking = selectors.national_ranking(published)

    assert [row.rank for row in ranking.rows] == list(range(1, 13))
    for row in ranking.rows:
        stored = _results(published, row.region.code)
        assert row.score == row.index_score == stored["INDEX"].score
        assert row.rank == stored["INDEX"].rank
        assert row.maturity == stored["INDEX"].maturity
        assert row.pillar_scores == [stored[code].score for code in PILLARS]
        assert row.population_class == selectors.population_class(row.region.population)


@pytest.mark.parametrize("order", ["rank", "-rank", "name", "province"])
def test_national_ranking_orders(published, order):
    ranking = selectors.national_ranking(published, selectors.RankingFilters(order=order))
    rows = ranking.rows

    if order == "rank":
        assert [r.rank for r in rows] == list(range(1, 13))
    elif order == "-rank":
        assert [r.rank for r in rows] == list(range(12, 0, -1))
    elif order == "name":
        names = [r.region.search_name for r in rows]
        assert names == sorted(names)
    else:
        keys = [(r.region.province.name, r.rank) for r in rows]
        assert keys == sorted(keys)


def test_national_ranking_on_a_pillar(published):
    ranking = selectors.national_ranking(published, selectors.RankingFilters(aggregate="ECO"))
    eco = {
        r.region.code: r
        for r in Result.objects.filter(computation=published, node__code="ECO").select_related(
            "region"
        )
    }

    assert ranking.aggregate.code == "ECO"
    assert _codes(ranking) == sorted(eco, key=lambda code: eco[code].rank)
    assert [row.score for row in ranking.rows] == [eco[c].score for c in _codes(ranking)]
    assert selectors.national_ranking(
        published, selectors.RankingFilters(aggregate="nonsense")
    ).aggregate.code == ("INDEX")


def test_national_ranking_reads_the_published_computation_only(published, unpublished):
    published_scores = [r.score for r in selectors.national_ranking(published).rows]
    unpublished_scores = set(
        Result.objects.filter(computation=unpublished, node__code="INDEX").values_list(
            "score", flat=True
        )
    )

    latest = selectors.latest_published_computation()
    assert latest == published
    assert [r.score for r in selectors.national_ranking(latest).rows] == published_scores
    assert not unpublished_scores & set(published_scores)


def test_national_ranking_query_count_does_not_grow_with_regions(
    framework, registry, django_assert_max_num_queries
):
    cycle = Cycle.objects.create(framework=framework, year=2025, is_demo=True)
    regions = list(Region.objects.filter(retired_at__isnull=True).order_by("code"))
    fill(cycle, regions)
    computation = computing.publish(
        actor=None, computation=computing.compute_cycle(actor=None, cycle=cycle)
    )
    computation = selectors.latest_published_computation()

    with django_assert_max_num_queries(5):
        ranking = selectors.national_ranking(computation)
    with django_assert_max_num_queries(4):
        table = selectors.published_results_table(computation)
    with django_assert_max_num_queries(2):
        points = selectors.map_points(computation)

    assert len(ranking.rows) == len(regions) == 514
    assert len(table[1]) == 514
    assert sum(p.score is not None for p in points) == computation.units


# --- downloads table, sensitivity and method -----------------------------------------------------


def test_published_results_table_matches_the_stored_results(published):
    header, rows = selectors.published_results_table(published)
    aggregates = list(
        Node.objects.filter(framework=published.cycle.framework, level__gt=1).order_by(
            "-level", "position"
        )
    )

    assert header[:5] == ["uCode", "region", "province", "kind", "population_class"]
    assert header[5:7] == ["INDEX_score", "INDEX_rank"]
    assert header[-5:] == ["rank_q5", "rank_q95", "maturity", "maturity_name", "is_demo"]
    assert len(header) == 5 + 2 * 25 + 5
    assert {h[: -len("_score")] for h in header if h.endswith("_score")} == {
        n.code for n in aggregates
    }
    assert [row[0] for row in rows] == sorted(SAMPLE_CODES)
    for row in rows:
        stored = _results(published, row[0])
        region = Region.objects.get(code=row[0])
        assert row[1:5] == [
            region.name,
            region.province.name,
            region.kind,
            selectors.population_class(region.population),
        ]
        for i, name in enumerate(header):
            if name.endswith("_score"):
                code = name[: -len("_score")]
                assert row[i] == stored[code].score
                assert row[i + 1] == stored[code].rank
        assert row[-5:] == [
            None,
            None,
            stored["INDEX"].maturity,
            published.cycle.framework.maturity_name(stored["INDEX"].maturity),
            True,
        ]


def test_sensitivity_rows_read_the_stored_indices(published):
    Computation.objects.filter(pk=published.pk).update(
        sensitivity=[
            {
                "input": "normalise",
                "Si": 0.2,
                "Si_q5": 0.1,
                "Si_q95": 0.3,
                "STi": 0.4,
                "STi_q5": 0.3,
                "STi_q95": 0.5,
            },
            {
                "input": "weight_set",
                "Si": 0.05,
                "Si_q5": None,
                "Si_q95": None,
                "STi": 0.6,
                "STi_q5": 0.5,
                "STi_q95": 0.7,
            },
        ]
    )
    published.refresh_from_db()

    rows = selectors.sensitivity_rows(published)

    assert [(r.input, r.sti, r.si, r.si_low) for r in rows] == [
        ("weight_set", 0.6, 0.05, None),
        ("normalise", 0.4, 0.2, 0.1),
    ]
    assert rows[1].label == "Metode normalisasi"
    with translation.override("en"):
        assert selectors.sensitivity_rows(published)[1].label == "Normalisation method"


def test_method_notes_describe_the_stored_choices(published, unpublished):
    with translation.override("en"):
        notes = selectors.method_notes(published)
        other = selectors.method_notes(unpublished)

    text = " ".join(notes)
    assert "min–max normalisation to the range 0–100" in text
    assert "arithmetic mean" in text
    assert "at least 50 % of the indicators" in text
    assert "up to 5 extreme values were winsorised" in text
    assert "Missing values were not estimated" in text
    other_text = " ".join(other)
    assert "z-scores with mean 10 and deviation 2" in other_text
    assert "geometric mean" in other_text
    assert "Outliers were not treated." in other_text


# --- the framework ----------------------------------------------------------------------------


def test_framework_tree_has_pillars_sub_elements_and_indicators(framework):
    tree = selectors.framework_tree()

    assert tree.framework == framework
    assert [p.code for p, _subs in tree.pillars] == PILLARS
    assert [len(subs) for _p, subs in tree.pillars] == [3] * 6
    assert tree.indicator_count == Node.objects.filter(framework=framework, level=1).count()
    for pillar, subs in tree.pillars:
        for sub, indicators in subs:
            assert sub.parent_id == pillar.pk
            assert all(i.parent_id == sub.pk and i.level == 1 for i in indicators)
    assert [(m["level"], m["low"], m["high"]) for m in tree.maturity] == [
        (1, 0, 20),
        (2, 20, 40),
        (3, 40, 60),
        (4, 60, 80),
        (5, 80, None),
    ]


def test_framework_tree_without_framework_is_none(db):
    assert selectors.framework_tree() is None
