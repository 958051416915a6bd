"""The scorecard of a progress report: each component's rule, renormalisation when one
cannot be assessed, and evaluation editions kept as data."""

from __future__ import annotations

import json
from importlib import resources

import pytest
import yaml

from kotacerdas.strategy import scoring
from kotacerdas.strategy.scoring import IndexFacts, ScoreCard, attainment, score_report

from .fixtures import english

pytestmark = pytest.mark.unit

YEAR = 2027
CONTENT = {
    "horizon": {"from": 2026, "to": 2035},
    "programmes": [
        # A target value without a baseline, a quick win due in 2026.
        {"id": "P1", "pillar": "GOV", "start_year": 2026, "quick_win": True, "target": 100.0},
        # A change in per cent: the report gives the baseline.
        {"id": "P2", "pillar": "ENV", "start_year": 2026, "target_change_pct": 200.0},
        # A quick win scheduled for 2028: not due in 2027.
        {"id": "P3", "pillar": "ENV", "start_year": 2028, "quick_win": True},
        # A target that goes down, from the plan's baseline.
        {"id": "P4", "pillar": "LIV", "start_year": 2027, "target": 50.0, "baseline": 80.0},
    ],
}
ALL = {"policy": True, "institution": True, "budget": True}
ENTRIES = {
    "P1": {"status": "done", "outputs": ALL, "outcome": 80},
    "P2": {
        "status": "in_progress",
        "outputs": {"policy": True, "institution": False, "budget": False},
        "outcome": 70,
        "baseline": 40,
    },
    "P3": {"status": "not_started"},
    "P4": {
        "status": "in_progress",
        "outputs": {"policy": True, "institution": False, "budget": True},
        "outcome": 65,
    },
}
FACTS = IndexFacts(
    baseline_year=2025,
    baseline_index=50.0,
    index=56.0,
    baseline_pillars={"GOV": 40.0, "ENV": 50.0, "LIV": 60.0, "SOC": 10.0},
    pillars={"GOV": 44.0, "ENV": 49.0, "LIV": 72.0, "SOC": 90.0},
)


def _scores(card: ScoreCard) -> list[tuple[str, float, float | None, float | None]]:
    return [(c.code, c.weight, c.score, c.share) for c in card.components]


def _edition(weights: dict[str, float], full_at: float = 10) -> dict:
    folder = resources.files("kotacerdas.strategy")
    shipped = yaml.safe_load((folder / "data/evaluation-2025.yaml").read_text("utf-8"))
    shipped["code"] = "test-edition"
    for component in shipped["components"]:
        component["weight"] = weights[component["code"]]
        if "scale" in component:
            component["scale"]["full_at"] = full_at
    return shipped


def test_the_shipped_edition_holds_the_ministrys_weights():
    edition = scoring.current_edition()
    assert edition.code == "kemenkominfo-2025"
    assert [(c.code, c.weight) for c in edition.components] == [
        ("baseline", 10.0),
        ("output", 20.0),
        ("outcome", 30.0),
        ("impact", 30.0),
        ("quick_wins", 10.0),
    ]
    assert all(c.definition["id"] and c.definition["en"] for c in edition.components)
    assert "KotaCerdas's reading" in edition.note["en"]
    assert [c.scale for c in edition.components if c.scale] == [
        scoring.Scale(0.0, 10.0),
        scoring.Scale(0.0, 10.0),
    ]


def test_every_component_scores_by_its_rule():
    card = score_report(year=YEAR, content=CONTENT, entries=ENTRIES, facts=FACTS)
    # baseline +6 points of 10 → 60; output 6 of 9 → 66.7; outcome mean(80, 37.5, 50);
    # impact mean(GOV +4 → 40, ENV −1 → 0, LIV +12 → 100), SOC is no pillar of the plan;
    # quick wins: P1 done of P1 due.
    assert _scores(card) == [
        ("baseline", 10.0, 60.0, 10.0),
        ("output", 20.0, 66.7, 20.0),
        ("outcome", 30.0, 55.8, 30.0),
        ("impact", 30.0, 46.7, 30.0),
        ("quick_wins", 10.0, 100.0, 10.0),
    ]
    # (10 × 60 + 20 × 66.7 + 30 × 55.8 + 30 × 46.7 + 10 × 100) / 100 = 60.09
    assert card.total == 60.1
    assert card.edition == "kemenkominfo-2025"
    assert card.left_out == () and not card.renormalised and card.note == ""


def test_the_explanations_give_the_facts(english):
    card = score_report(year=YEAR, content=CONTENT, entries=ENTRIES, facts=FACTS)
    assert [c.explanation for c in card.components] == [
        "The index went from 50.0 in 2025 to 56.0 in 2027, a change of +6.0 points; 0 points "
        "or less scores 0 and 10 points or more scores 100.",
        "6 of 9 outputs (policy, institution, budget) delivered by the 3 programmes under way "
        "or done.",
        "Mean attainment of the outcome targets of 3 programmes, each at most 100: P1 80.0, "
        "P2 37.5, P4 50.0.",
        "Mean over the plan's pillars of each pillar's change from 2025 to 2027, scored 0 at "
        "0 points or less and 100 at 10 points or more: GOV +4.0 → 40.0, ENV -1.0 → 0.0, "
        "LIV +12.0 → 100.0.",
        "1 of 1 quick win scheduled to start by 2027 is done.",
    ]
    assert card.component("output").title == "Output (policy, institutions, budget)"


def test_a_component_without_data_is_left_out_and_the_others_renormalised(english):
    card = score_report(year=YEAR, content=CONTENT, entries=ENTRIES, facts=IndexFacts())
    assert _scores(card) == [
        ("baseline", 10.0, None, None),
        ("output", 20.0, 66.7, 33.3),
        ("outcome", 30.0, 55.8, 50.0),
        ("impact", 30.0, None, None),
        ("quick_wins", 10.0, 100.0, 16.7),
    ]
    # (20 × 66.7 + 30 × 55.8 + 10 × 100) / 60 = 66.8
    assert card.total == 66.8
    assert card.renormalised
    assert card.note == (
        "Not assessable: Baseline improvement, Impact. Their weight (40 of 100) is left out "
        "and the other components' weights are scaled up to add up to 100."
    )
    assert card.component("baseline").explanation == (
        "Not assessable: the region has no published index result before the masterplan's "
        "first year."
    )
    assert card.component("impact").explanation == (
        "Not assessable: no pillar of the plan has published scores both before the "
        "masterplan and in 2027."
    )


def test_the_report_years_missing_index_result_is_not_assessable(english):
    facts = IndexFacts(baseline_year=2025, baseline_index=50.0, baseline_pillars={"GOV": 40.0})
    card = score_report(year=YEAR, content=CONTENT, entries=ENTRIES, facts=facts)
    assert card.component("baseline").score is None
    assert card.component("baseline").explanation == (
        "Not assessable: the region has no published index result for 2027 yet."
    )


def test_nothing_assessable_gives_no_total(english):
    content = {"programmes": [CONTENT["programmes"][1], CONTENT["programmes"][3]]}
    card = score_report(year=2026, content=content, entries={}, facts=IndexFacts())
    assert [c.score for c in card.components] == [None, None, None, None, None]
    assert card.total is None and not card.renormalised
    assert card.note == "No component can be assessed yet, so there is no total."
    assert card.component("quick_wins").explanation == (
        "Not assessable: no quick win was scheduled to start by 2026."
    )


def test_a_quick_win_due_but_not_done_scores_zero_and_an_early_one_counts():
    not_done = score_report(year=2026, content=CONTENT, entries={}, facts=IndexFacts())
    assert not_done.component("quick_wins").score == 0.0
    assert not_done.total == 0.0
    early = {"P1": {"status": "done"}, "P3": {"status": "done"}}
    card = score_report(year=2026, content=CONTENT, entries=early, facts=IndexFacts())
    assert card.component("quick_wins").facts == {
        "key": "quick_wins",
        "done": 2,
        "due": 2,
        "year": 2026,
    }


def test_dropped_and_unstarted_programmes_deliver_no_outputs(english):
    entries = {
        "P1": {"status": "dropped", "outputs": ALL, "outcome": 100},
        "P4": {"status": "not_started", "outputs": ALL, "outcome": 50},
    }
    card = score_report(year=YEAR, content=CONTENT, entries=entries, facts=IndexFacts())
    assert card.component("output").score is None
    assert card.component("output").explanation == (
        "Not assessable: no programme is under way or done yet."
    )
    assert card.component("outcome").score is None


def test_a_started_programme_without_an_outcome_value_is_named(english):
    entries = {**ENTRIES, "P4": {"status": "done", "outputs": ALL}}
    card = score_report(year=YEAR, content=CONTENT, entries=entries, facts=FACTS)
    assert card.component("outcome").score == 58.8  # mean(80, 37.5)
    assert card.component("outcome").explanation == (
        "Mean attainment of the outcome targets of 2 programmes, each at most 100: P1 80.0, "
        "P2 37.5. No outcome value was reported for P4."
    )


@pytest.mark.parametrize(
    ("programme", "entry", "expected"),
    [
        ({"target": 100}, {"outcome": 80}, 80.0),  # from zero
        ({"target": 100}, {"outcome": 130}, 100.0),  # capped
        ({"target": 100, "baseline": 60}, {"outcome": 70}, 25.0),
        ({"target": 100, "baseline": 60}, {"outcome": 70, "baseline": 90}, 0.0),  # report's
        ({"target": 50, "baseline": 80}, {"outcome": 65}, 50.0),  # going down
        ({"target": 50, "baseline": 80}, {"outcome": 90}, 0.0),  # worse than the baseline
        ({"target_change_pct": 50}, {"outcome": 130, "baseline": 100}, 60.0),
        ({"target_change_pct": -20, "baseline": 200}, {"outcome": 180}, 50.0),
        ({"target_change_pct": 50}, {"outcome": 130}, None),  # no baseline
        ({"target_change_pct": 50}, {"outcome": 130, "baseline": 0}, None),
        ({"target": 60, "baseline": 60}, {"outcome": 70}, None),  # nothing to reach
        ({"target": 0}, {"outcome": 0}, None),
        ({"metric": "Visitors"}, {"outcome": 10}, None),  # no target
        ({"target": 100}, {"outcome": None}, None),  # nothing reported
    ],
)
def test_attainment(programme, entry, expected):
    assert attainment(programme, entry) == expected


def test_a_second_edition_with_other_weights_changes_the_score(tmp_path):
    weights = {"baseline": 40, "output": 10, "outcome": 20, "impact": 20, "quick_wins": 10}
    as_dict = _edition(weights)
    card = score_report(year=YEAR, content=CONTENT, entries=ENTRIES, facts=FACTS, edition=as_dict)
    # (40 × 60 + 10 × 66.7 + 20 × 55.8 + 20 × 46.7 + 10 × 100) / 100 = 61.17
    assert card.total == 61.2
    assert card.edition == "test-edition"
    assert [(c.code, c.weight) for c in card.components] == list(
        {k: float(v) for k, v in weights.items()}.items()
    )
    path = tmp_path / "evaluation-2030.yaml"
    path.write_text(yaml.safe_dump(_edition(weights, full_at=5)), "utf-8")
    from_file = score_report(year=YEAR, content=CONTENT, entries=ENTRIES, facts=FACTS, edition=path)
    # The scale is data too: +6 points now reach 100; GOV +4 → 80, ENV 0, LIV 100.
    assert from_file.component("baseline").score == 100.0
    assert from_file.component("impact").score == 60.0
    # (40 × 100 + 10 × 66.7 + 20 × 55.8 + 20 × 60 + 10 × 100) / 100 = 79.83
    assert from_file.total == 79.8


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weight": 20}, "the weights add up to 110, not 100"),
        ({"weight": 0}, "the weight is a positive number"),
        ({"code": "charisma"}, "the code is one of baseline, output, outcome, impact"),
        ({"scale": {"zero_at": 5, "full_at": 5}}, "full_at is above zero_at"),
    ],
)
def test_an_edition_that_does_not_add_up_is_refused(change, message):
    data = _edition({"baseline": 10, "output": 20, "outcome": 30, "impact": 30, "quick_wins": 10})
    data["components"][0].update(change)
    with pytest.raises(ValueError, match=message):
        scoring.load_edition(data)


def test_a_scorecard_survives_its_json_round_trip():
    card = score_report(year=YEAR, content=CONTENT, entries=ENTRIES, facts=IndexFacts())
    stored = json.loads(json.dumps(card.as_dict()))
    assert stored["left_out"] == ["baseline", "impact"]
    assert stored["total"] == 66.8
    assert ScoreCard.from_dict(stored) == card
