"""The masterplan document: how an edited one is checked (every problem named by its path,
in the reader's language) and what is derived from its programmes (roadmap, budget by
year and funding source, terms, quick wins, revenue)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kotacerdas.strategy import content
from kotacerdas.strategy.content import ContentInvalid, generated, written

from .fixtures import english

pytestmark = pytest.mark.unit

PILLARS = {"GOV", "BRD", "ECO", "LIV", "SOC", "ENV"}
HORIZON = {"from": 2026, "to": 2035}


def programme(pid: str = "P1", **overrides: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": pid,
        "pillar": "ECO",
        "title": "Pajak Restoran Daring",
        "practice": None,
        "cost_idr": 1_000_000,
        "start_year": 2026,
        "duration_years": 2,
        "agency": "Badan Pendapatan Daerah",
        "metric": "Realisasi pajak",
        "unit": "IDR",
        "baseline": None,
        "target": None,
        "target_change_pct": 45.2,
        "funding": ["apbd"],
        "quick_win": False,
        "pad_effect": None,
        "texts": [generated("cost_unknown")],
        "sources": [content.source("practice", "Pajak — Sumba", year=2025, ref="pajak")],
    }
    entry.update(overrides)
    return entry


def document(*programmes: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    listed = list(programmes) if programmes else [programme()]
    doc: dict[str, Any] = {
        "schema": 1,
        "region": {"code": "53.71", "name": "Kota Kupang", "kind": "kota", "province": "NTT"},
        "horizon": dict(HORIZON),
        "vision": written("Kupang cerdas 2035"),
        "mission": [written("Layanan digital"), generated("mission_GOV")],
        "strategies": [
            {
                "pillar": "ECO",
                "name": {"id": "Ekonomi Cerdas", "en": "Smart Economy"},
                "text": generated("strategy_build", pillar={"id": "Ekonomi", "en": "Economy"}),
                "programmes": [p["id"] for p in listed],
            }
        ],
        "programmes": listed,
        "notes": {"budget": written("Dibahas dengan Bappeda.")},
    }
    doc.update(overrides)
    return doc


def problems(doc: Any) -> list[tuple[str, str]]:
    with pytest.raises(ContentInvalid) as caught:
        content.check(doc, PILLARS)
    return [(p.path, p.message) for p in caught.value.problems]


# --- checking -------------------------------------------------------------------------------


def test_check_returns_a_well_formed_document_as_it_is(english):
    doc = document()
    kept = copy.deepcopy(doc)

    assert content.check(doc, PILLARS) is doc
    assert doc == kept


def test_check_accepts_a_generated_draft_shape_without_optional_fields(english):
    bare = {"id": "P1", "pillar": "GOV", "title": "T", "start_year": 2035, "duration_years": 1}
    doc = document(bare, notes={})
    del doc["notes"]
    del doc["strategies"]

    assert content.check(doc, PILLARS) is doc


@pytest.mark.parametrize(
    "doc",
    [None, [], "masterplan", {"schema": 2, "horizon": HORIZON, "programmes": []}, {}],
    ids=["none", "list", "text", "schema-2", "empty"],
)
def test_check_refuses_what_is_not_a_masterplan(english, doc):
    assert problems(doc) == [("schema", "Not a masterplan document.")]


@pytest.mark.parametrize(
    "horizon",
    [None, [], {"from": 2026}, {"from": "2026", "to": 2035}, {"from": 2026.0, "to": 2035}],
    ids=["none", "list", "no-end", "text", "float"],
)
def test_check_refuses_a_document_without_its_horizon(english, horizon):
    assert problems(document(horizon=horizon)) == [("horizon", "The planning horizon is missing.")]


@pytest.mark.parametrize("value", [None, "programmes", {"P1": {}}], ids=["none", "text", "dict"])
def test_check_refuses_programmes_that_are_not_a_list(english, value):
    assert problems(document(programmes=value)) == [("programmes", "Not a list of programmes.")]


def test_check_refuses_text_that_no_database_stores(english):
    doc = document()
    doc["programmes"][0]["agency"] = "Dinas\x00"
    assert problems(doc) == [
        ("programmes[0].agency", "Remove the NUL characters and unpaired surrogates.")
    ]
    doc = document(notes={"budget": written("\ud800")})
    assert problems(doc) == [
        ("notes.budget.text", "Remove the NUL characters and unpaired surrogates.")
    ]


LONG = "x" * (content.MAX_TEXT + 1)
TITLE_LIMIT = "At most 200 characters, without NUL characters."
TEXT_LIMIT = "At most 5000 characters, without NUL characters."


def _set(path: str, value: Any):
    """A change to the document: ``programmes.0.title`` set to ``value`` (``...`` deletes)."""

    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = doc
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        key: Any = int(last) if isinstance(target, list) else last
        if value is ...:
            del target[key]
        else:
            target[key] = value

    return change


PROBLEMS = {
    # vision and mission
    "vision missing": (_set("vision", ...), [("vision", "Not a text.")]),
    "vision a string": (_set("vision", "Kupang"), [("vision", "Not a text.")]),
    "vision key not a string": (_set("vision", {"key": 5}), [("vision", "Not a text.")]),
    "vision params not a dict": (
        _set("vision", {"key": "vision", "params": []}),
        [("vision", "Not a text.")],
    ),
    "vision blank": (_set("vision", written("  ")), [("vision", "This field is required.")]),
    "vision too long": (_set("vision", written(LONG)), [("vision", TEXT_LIMIT)]),
    "mission empty": (_set("mission", []), [("mission", "Give at least one mission.")]),
    "mission not a list": (
        _set("mission", written("M")),
        [("mission", "Give at least one mission.")],
    ),
    "mission item blank": (
        _set("mission.1", written("")),
        [("mission[1]", "This field is required.")],
    ),
    # a programme
    "programme not a dict": (
        _set("programmes.0", "P1"),
        [
            ("programmes[0]", "Not a programme."),
            ("programmes[0].id", "Each programme needs its own id."),
            ("strategies[0].programmes", "No programme has the id P1."),
        ],
    ),
    "title missing": (
        _set("programmes.0.title", ...),
        [("programmes[0].title", "This field is required.")],
    ),
    "title blank": (
        _set("programmes.0.title", " "),
        [("programmes[0].title", "This field is required.")],
    ),
    "title too long": (
        _set("programmes.0.title", "t" * 201),
        [("programmes[0].title", TITLE_LIMIT)],
    ),
    "pillar unknown": (
        _set("programmes.0.pillar", "XYZ"),
        [("programmes[0].pillar", "Choose one of the pillars.")],
    ),
    "start before the horizon": (
        _set("programmes.0.start_year", 2025),
        [("programmes[0].start_year", "A year from 2026 to 2035.")],
    ),
    "start after the horizon": (
        _set("programmes.0.start_year", 2036),
        [("programmes[0].start_year", "A year from 2026 to 2035.")],
    ),
    "start a string": (
        _set("programmes.0.start_year", "2027"),
        [("programmes[0].start_year", "A year from 2026 to 2035.")],
    ),
    "duration zero": (
        _set("programmes.0.duration_years", 0),
        [("programmes[0].duration_years", "A whole number of years within the plan.")],
    ),
    "duration longer than the plan": (
        _set("programmes.0.duration_years", 11),
        [("programmes[0].duration_years", "A whole number of years within the plan.")],
    ),
    "duration a float": (
        _set("programmes.0.duration_years", 1.5),
        [("programmes[0].duration_years", "A whole number of years within the plan.")],
    ),
    "cost negative": (
        _set("programmes.0.cost_idr", -1),
        [("programmes[0].cost_idr", "An amount in rupiah, not negative.")],
    ),
    "cost too large": (
        _set("programmes.0.cost_idr", 10**15 + 1),
        [("programmes[0].cost_idr", "An amount in rupiah, not negative.")],
    ),
    "cost a boolean": (
        _set("programmes.0.cost_idr", True),
        [("programmes[0].cost_idr", "An amount in rupiah, not negative.")],
    ),
    "cost infinite": (
        _set("programmes.0.cost_idr", float("inf")),
        [("programmes[0].cost_idr", "An amount in rupiah, not negative.")],
    ),
    "cost a string": (
        _set("programmes.0.cost_idr", "1000"),
        [("programmes[0].cost_idr", "An amount in rupiah, not negative.")],
    ),
    "baseline a string": (
        _set("programmes.0.baseline", "40"),
        [("programmes[0].baseline", "A number.")],
    ),
    "target not a number": (
        _set("programmes.0.target", float("nan")),
        [("programmes[0].target", "A number.")],
    ),
    "target change a string": (
        _set("programmes.0.target_change_pct", "45 %"),
        [("programmes[0].target_change_pct", "A number.")],
    ),
    "funding unknown": (
        _set("programmes.0.funding", ["apbd", "loan"]),
        [("programmes[0].funding", "Choose among the funding sources.")],
    ),
    "funding not a list": (
        _set("programmes.0.funding", "apbd"),
        [("programmes[0].funding", "Choose among the funding sources.")],
    ),
    "agency too long": (
        _set("programmes.0.agency", "a" * 201),
        [("programmes[0].agency", TITLE_LIMIT)],
    ),
    "metric not a string": (
        _set("programmes.0.metric", 5),
        [("programmes[0].metric", TITLE_LIMIT)],
    ),
    "unit null": (
        _set("programmes.0.unit", None),
        [("programmes[0].unit", TITLE_LIMIT)],
    ),
    "text not a text": (_set("programmes.0.text", "x"), [("programmes[0].text", "Not a text.")]),
    "practice without its region": (
        _set("programmes.0.practice", {"slug": "x", "title": "X"}),
        [("programmes[0].practice", "Not a practice of the library.")],
    ),
    "pad effect not a dict": (
        _set("programmes.0.pad_effect", 5),
        [("programmes[0].pad_effect", "Not an effect on regional revenue.")],
    ),
    "pad amount a string": (
        _set("programmes.0.pad_effect", {"amount": "1 M", "years": 2}),
        [("programmes[0].pad_effect", "Not an effect on regional revenue.")],
    ),
    "texts not a list": (
        _set("programmes.0.texts", written("x")),
        [("programmes[0].texts", "Not a list of texts.")],
    ),
    "texts item not a text": (
        _set("programmes.0.texts", [written("a"), "b"]),
        [("programmes[0].texts[1]", "Not a text.")],
    ),
    "sources not a list": (
        _set("programmes.0.sources", "Sumba"),
        [("programmes[0].sources", "Not a list of sources.")],
    ),
    "source label not a string": (
        _set("programmes.0.sources", [{"label": 5}]),
        [("programmes[0].sources[0]", "Not a source.")],
    ),
    "source year a string": (
        _set("programmes.0.sources", [{"label": "x", "year": "2020"}]),
        [("programmes[0].sources[0]", "Not a source.")],
    ),
    "id missing": (
        _set("programmes.0.id", ...),
        [
            ("programmes[0].id", "Each programme needs its own id."),
            ("strategies[0].programmes", "No programme has the id P1."),
        ],
    ),
    "id not a string": (
        _set("programmes.0.id", ["P1"]),
        [
            ("programmes[0].id", "Each programme needs its own id."),
            ("strategies[0].programmes", "No programme has the id P1."),
        ],
    ),
    # strategies
    "strategies not a list": (
        _set("strategies", {"ECO": []}),
        [("strategies", "Not a list of strategies.")],
    ),
    "strategy not a dict": (_set("strategies.0", "ECO"), [("strategies[0]", "Not a strategy.")]),
    "strategy pillar unknown": (
        _set("strategies.0.pillar", "ECONOMY"),
        [("strategies[0].pillar", "Choose one of the pillars.")],
    ),
    "strategy name missing": (
        _set("strategies.0.name", ...),
        [("strategies[0].name", "This field is required.")],
    ),
    "strategy programmes missing": (
        _set("strategies.0.programmes", ...),
        [("strategies[0].programmes", "Not a list of programme ids.")],
    ),
    "strategy programme unknown": (
        _set("strategies.0.programmes", ["P1", "P9", 3]),
        [("strategies[0].programmes", "No programme has the id P9, 3.")],
    ),
    "strategy text too long": (
        _set("strategies.0.text", written(LONG)),
        [("strategies[0].text", TEXT_LIMIT)],
    ),
    # notes
    "notes not a dict": (_set("notes", ["budget"]), [("notes", "Not a set of notes by section.")]),
    "note of an unknown section": (
        _set("notes.annex", written("x")),
        [("notes.annex", "No section has this name.")],
    ),
    "note not a text": (_set("notes.budget", "x"), [("notes.budget", "Not a text.")]),
    "note too long": (_set("notes.budget", written(LONG)), [("notes.budget", TEXT_LIMIT)]),
}


@pytest.mark.parametrize("name", list(PROBLEMS))
def test_check_names_each_problem_by_its_path(english, name):
    change, expected = PROBLEMS[name]
    doc = document()
    change(doc)

    assert problems(doc) == expected


def test_check_names_every_problem_at_once(english):
    second = programme("P1", title="", start_year=2040)
    doc = document(programme(), second, vision=written(""))

    assert problems(doc) == [
        ("vision", "This field is required."),
        ("programmes[1].title", "This field is required."),
        ("programmes[1].start_year", "A year from 2026 to 2035."),
        ("programmes[1].id", "Each programme needs its own id."),
    ]


def test_check_limits_the_number_of_programmes(english):
    many = [programme(f"P{i}") for i in range(1, content.MAX_PROGRAMMES + 2)]

    assert problems(document(*many)) == [("programmes", "At most 60 programmes.")]
    assert content.check(document(*many[:-1]), PILLARS)


def test_content_invalid_says_every_problem(english):
    with pytest.raises(ContentInvalid) as caught:
        content.check(document(vision=written(""), mission=[]), PILLARS)

    assert str(caught.value) == (
        "vision: This field is required.; mission: Give at least one mission."
    )


# --- derived views ------------------------------------------------------------------------------


def test_programme_years_are_cut_to_the_horizon():
    assert content.programme_years(programme(start_year=2034, duration_years=5), HORIZON) == [
        2034,
        2035,
    ]
    assert content.programme_years(programme(start_year=2020, duration_years=8), HORIZON) == [
        2026,
        2027,
    ]
    assert content.programme_years(programme(start_year=2030, duration_years=0), HORIZON) == [2030]


def test_roadmap_lists_every_year_with_the_programmes_running_in_it():
    doc = document(
        programme("P1", start_year=2026, duration_years=2),
        programme("P2", start_year=2027, duration_years=1),
        programme("P3", start_year=2034, duration_years=4),
    )

    assert [(year, [p["id"] for p in running]) for year, running in content.roadmap(doc)] == [
        (2026, ["P1"]),
        (2027, ["P1", "P2"]),
        (2028, []),
        (2029, []),
        (2030, []),
        (2031, []),
        (2032, []),
        (2033, []),
        (2034, ["P3"]),
        (2035, ["P3"]),
    ]


@pytest.mark.parametrize(
    ("start", "expected"),
    [(2026, "short"), (2027, "short"), (2028, "medium"), (2030, "medium"), (2031, "long")],
)
def test_term_of_a_programme(start, expected):
    assert content.term(programme(start_year=start), HORIZON) == expected


def test_budget_spreads_each_cost_over_years_and_sources_in_whole_rupiah():
    doc = document(
        # 1,000,000,001 over 3 years × 2 sources: 166,666,666 each, 5 left for the last cell.
        programme(
            "P1",
            cost_idr=1_000_000_001,
            start_year=2026,
            duration_years=3,
            funding=["partnership", "apbd"],
        ),
        # No funding source named: APBD.
        programme("P2", cost_idr=100, start_year=2027, duration_years=3, funding=[]),
        # Runs past the horizon: its cost is spread over the two years left.
        programme("P3", cost_idr=7, start_year=2034, duration_years=5, funding=["csr"]),
        programme("P4", cost_idr=None),
    )

    budget = content.budget(doc)

    each = 166_666_666
    assert budget.cells == {
        (2026, "partnership"): each,
        (2026, "apbd"): each,
        (2027, "partnership"): each,
        (2027, "apbd"): each + 33,
        (2028, "partnership"): each,
        (2028, "apbd"): each + 5 + 33,
        (2029, "apbd"): 34,
        (2034, "csr"): 3,
        (2035, "csr"): 4,
    }
    assert budget.years == list(range(2026, 2036))
    # In the order of FUNDING, whatever the programmes' order.
    assert budget.sources == ["apbd", "csr", "partnership"]
    assert budget.unknown == ["P4"]
    assert budget.total == 1_000_000_001 + 100 + 7
    assert budget.year_total(2026) == 2 * each
    assert budget.year_total(2028) == 2 * each + 5 + 33
    assert budget.year_total(2030) == 0
    assert budget.source_total("apbd") == 3 * each + 5 + 100
    assert budget.source_total("partnership") == 3 * each
    assert sum(budget.year_total(y) for y in budget.years) == budget.total
    assert sum(budget.source_total(s) for s in budget.sources) == budget.total


def test_budget_of_a_plan_without_costs():
    budget = content.budget(document(programme(cost_idr=None)))

    assert (budget.cells, budget.sources, budget.unknown, budget.total) == ({}, [], ["P1"], 0)


def test_quick_wins_in_the_plans_order():
    doc = document(
        programme("P1", quick_win=False),
        programme("P2", quick_win=True),
        programme("P3"),
        programme("P4", quick_win=True),
    )
    del doc["programmes"][2]["quick_win"]

    assert [p["id"] for p in content.quick_wins(doc)] == ["P2", "P4"]


def test_revenue_lists_the_programmes_raising_pad_largest_first():
    doc = document(
        programme("P1", pad_effect={"amount": 5_000_000.0, "years": 2}),
        programme("P2"),
        programme("P3", pad_effect={"amount": 9_000_000.0, "years": 1}),
        programme("P4", pad_effect={"amount": None, "years": None}),
        programme("P5", pad_effect={"amount": 5_000_000.0, "years": 3}),
    )

    assert [p["id"] for p in content.revenue(doc)] == ["P3", "P1", "P5", "P4"]


def test_texts_and_sources_helpers():
    assert written("Visi") == {"text": "Visi"}
    assert generated("vision", region="Kota Kupang", year="2035") == {
        "key": "vision",
        "params": {"region": "Kota Kupang", "year": "2035"},
    }
    assert content.source("index", "Index", year=2025, demo=True) == {
        "kind": "index",
        "label": "Index",
        "year": 2025,
        "demo": True,
        "ref": "",
    }


# --- settling generated sentences after an edit ---------------------------------------------

DRAFTED_TEXTS = [
    generated("programme", practice="Pajak Daring", lead="Sumba Timur", years="2023", fit=""),
    generated("cost_scaled", budget={"idr": 400_000_000}, lead="Sumba Timur", factor="1.5"),
    generated("target_change", metric="Realisasi pajak", change=45.2),
    generated("quick_win", limit={"idr": 500_000_000}, proof=generated("proof_similar")),
    generated("pad_effect", lead="Sumba Timur", amount={"idr": 1_000_000}, years="2"),
]


def drafted(**overrides: Any) -> dict[str, Any]:
    values = {
        "cost_idr": 600_000_000,
        "duration_years": 1,
        "quick_win": True,
        "texts": copy.deepcopy(DRAFTED_TEXTS),
    }
    return programme(**(values | overrides))


def settled(before: dict[str, Any], **changes: Any) -> dict[str, Any]:
    after = copy.deepcopy(before) | changes
    return content.settle(document(after), document(before))["programmes"][0]


def keep(*indexes: int) -> list[dict[str, Any]]:
    return [DRAFTED_TEXTS[i] for i in indexes]


ESTIMATE = {"idr": 600_000_000}


@pytest.mark.parametrize(
    ("changes", "texts", "target_change_pct"),
    [
        # Nothing the sentences rest on changed: the title, agency, years and funding.
        (
            {"title": "Pajak Kita", "agency": "Bapenda", "start_year": 2028, "funding": ["csr"]},
            keep(0, 1, 2, 3, 4),
            45.2,
        ),
        # A cost of the officers': the estimate is named, and the quick win's limit no longer
        # vouches for it.
        (
            {"cost_idr": 700_000_000},
            [
                *keep(0),
                generated("cost_set", estimate=ESTIMATE),
                *keep(2),
                generated("quick_win_set"),
                *keep(4),
            ],
            45.2,
        ),
        (
            {"cost_idr": None},
            [
                *keep(0),
                generated("cost_open", estimate=ESTIMATE),
                *keep(2),
                generated("quick_win_set"),
                *keep(4),
            ],
            45.2,
        ),
        # A target of the officers' replaces the change the practice achieved.
        (
            {"target": 5_000_000_000.0},
            [*keep(0, 1), generated("target_set"), *keep(3, 4)],
            None,
        ),
        (
            {"metric": "Wajib pajak daring"},
            [*keep(0, 1), generated("target_open"), *keep(3, 4)],
            None,
        ),
        # No longer a quick win, or one that takes three years.
        ({"quick_win": False}, keep(0, 1, 2, 4), 45.2),
        (
            {"duration_years": 3},
            [*keep(0, 1, 2), generated("quick_win_set"), *keep(4)],
            45.2,
        ),
    ],
)
def test_settle_replaces_the_sentences_an_edit_made_untrue(changes, texts, target_change_pct):
    after = settled(drafted(), **changes)

    assert after["texts"] == texts
    assert after["target_change_pct"] == target_change_pct
    for name, value in changes.items():
        assert after[name] == value


def test_settle_keeps_the_drafts_estimate_through_later_edits():
    before = drafted()
    second = settled(before, cost_idr=700_000_000)
    third = settled(second, cost_idr=None)
    fourth = settled(third, cost_idr=800_000_000)

    assert [t for t in fourth["texts"] if t["key"].startswith("cost")] == [
        generated("cost_set", estimate=ESTIMATE)
    ]


def test_settle_marks_a_quick_win_the_officers_chose_once():
    before = programme(texts=[generated("cost_unknown")])
    chosen = settled(before, quick_win=True)
    kept = settled(chosen, duration_years=1)
    dropped = settled(kept, quick_win=False)

    assert chosen["texts"] == [generated("cost_unknown"), generated("quick_win_set")]
    assert kept["texts"] == chosen["texts"]
    assert dropped["texts"] == [generated("cost_unknown")]


def test_settle_leaves_written_sentences_and_new_programmes_alone():
    mine = {"text": "Biaya disepakati DPRD.", "key": "cost_scaled"}
    before = drafted(texts=[mine])
    new = programme("P9", texts=[generated("cost_unknown")], cost_idr=5)
    doc = document(copy.deepcopy(before) | {"cost_idr": 1}, new)

    after = content.settle(doc, document(before))

    assert after["programmes"][0]["texts"] == [mine]
    assert after["programmes"][1]["texts"] == [generated("cost_unknown")]
    assert content.settle(document(new), None) == document(new)


def test_settled_sentences_read_in_both_languages():
    from kotacerdas.strategy import texts

    cost = generated("cost_set", estimate=ESTIMATE)
    assert texts.render(cost, "en") == (
        "Cost set by the region's officers; the draft estimated Rp 600,000,000 from the "
        "practice's budget."
    )
    assert texts.render(cost, "id").startswith("Biaya ditetapkan")
    assert texts.render(generated("quick_win_set"), "en") == (
        "Marked as a quick win by the region's officers."
    )
    # Every sentence settle writes gets the parameters its template names.
    written_by_settle = [
        generated("cost_set", estimate=ESTIMATE),
        generated("cost_set_plain"),
        generated("cost_open", estimate=ESTIMATE),
        generated("target_set"),
        generated("target_open"),
        generated("quick_win_set"),
    ]
    for text in written_by_settle:
        for language in ("id", "en"):
            shown = texts.render(text, language)
            assert shown and "—" not in shown, (text, language)
