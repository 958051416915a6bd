"""Input validation: every problem is reported as an Issue with its code, row and column.

Rows count as a spreadsheet does: the header is row 1 and the first data row is row 2.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kotacerdas import engine

from ._build import flat, run, tree

pytestmark = pytest.mark.unit

# Every issue code these tests expect the engine to raise.
CODES_USED = {
    "missing_column",
    "empty_table",
    "duplicate_code",
    "bad_type",
    "bad_level",
    "levels_not_contiguous",
    "bad_number",
    "bad_direction",
    "negative_weight",
    "unknown_parent",
    "parent_wrong_level",
    "no_parent",
    "several_roots",
    "childless_aggregate",
    "unknown_denominator",
    "missing_indicator",
    "missing_unit_code",
    "duplicate_unit",
    "several_times",
    "unknown_time",
    "unknown_group",
    "unknown_level",
    "unknown_code",
    "bad_option",
    "no_units_left",
    "gmean_domain",
    "hmean_domain",
    "no_target",
}


def issues(excinfo) -> list[tuple[str, int | None, str | None]]:
    """(code, row, column) of each issue; checks that each one has a template that formats."""
    found = []
    for issue in excinfo.value.issues:
        assert issue.code in engine.MESSAGES, issue.code
        assert issue.message == engine.MESSAGES[issue.code] % dict(issue.params)
        assert "%(" not in issue.message
        found.append((issue.code, issue.row, issue.column))
    return found


def meta(*changes: dict, drop: tuple[str, ...] = (), extra: list[dict] | None = None):
    """A valid iMeta table (rows 2–8), with ``changes[i]`` applied to data row i + 2."""
    rows = [
        {"iCode": "i1", "Level": "1", "Type": "Indicator", "Parent": "P1", "Direction": "1", "Weight": "1"},
        {"iCode": "i2", "Level": "1", "Type": "Indicator", "Parent": "P1", "Direction": "1", "Weight": "1"},
        {"iCode": "i3", "Level": "1", "Type": "Indicator", "Parent": "P2", "Direction": "-1", "Weight": "2"},
        {"iCode": "P1", "Level": "2", "Type": "Aggregate", "Parent": "Index", "Direction": "", "Weight": "1"},
        {"iCode": "P2", "Level": "2", "Type": "Aggregate", "Parent": "Index", "Direction": "", "Weight": "1"},
        {"iCode": "Index", "Level": "3", "Type": "Aggregate", "Parent": "", "Direction": "", "Weight": ""},
        {"iCode": "G", "Level": "", "Type": "Group", "Parent": "", "Direction": "", "Weight": ""},
    ]  # fmt: skip
    for row, change in zip(rows, changes, strict=False):
        row.update(change)
    rows += extra or []
    return pd.DataFrame(rows).drop(columns=list(drop))


def read_meta_issues(table) -> list[tuple[str, int | None, str | None]]:
    with pytest.raises(engine.InputError) as caught:
        engine.read_meta(table)
    return issues(caught)


# --- iMeta -----------------------------------------------------------------------------


def test_a_valid_meta_table():
    framework = engine.read_meta(meta())
    assert framework.indicators == ("i1", "i2", "i3")
    assert framework.aggregates == ("Index", "P1", "P2")
    assert framework.groups == ("G",)
    assert framework.by_code["i3"].direction == -1
    assert framework.by_code["i3"].weight == 2.0
    assert framework.root == "Index"


def test_missing_columns_are_all_reported():
    assert read_meta_issues(meta(drop=("Type", "Parent"))) == [
        ("missing_column", 1, "Type"),
        ("missing_column", 1, "Parent"),
    ]


def test_empty_table():
    assert read_meta_issues(meta().iloc[:0]) == [("empty_table", None, None)]


def test_duplicate_code_names_the_second_row():
    table = meta(extra=[{"iCode": "i2", "Level": "1", "Type": "Indicator", "Parent": "P2"}])
    assert read_meta_issues(table) == [("duplicate_code", 9, "iCode")]


def test_bad_type_and_bad_levels_are_reported_together():
    table = meta(
        {"Type": "Indikator"},
        {"Level": "x"},
        {},
        {"Level": "1.5"},
        {"Level": "0"},
    )
    assert read_meta_issues(table) == [
        ("bad_type", 2, "Type"),
        ("bad_level", 3, "Level"),
        ("bad_level", 5, "Level"),
        ("bad_level", 6, "Level"),
    ]


def test_an_indicator_must_be_at_level_one():
    # i3 (row 4) at level 2 also leaves its pillar P2 (row 6) without children.
    table = meta({}, {}, {"Level": "2", "Parent": "Index"})
    assert read_meta_issues(table) == [
        ("bad_level", 4, "Level"),
        ("childless_aggregate", 6, "iCode"),
    ]


def test_gap_in_levels():
    table = meta({}, {}, {}, {}, {}, {"Level": "4"})
    found = read_meta_issues(table)
    assert ("levels_not_contiguous", None, None) in found
    with pytest.raises(engine.InputError) as caught:
        engine.read_meta(table)
    gap = [i for i in caught.value.issues if i.code == "levels_not_contiguous"]
    assert [dict(i.params) for i in gap] == [{"level": 3}]
    # The pillars' parent is now two levels up.
    assert ("parent_wrong_level", 5, "Parent") in found
    assert ("parent_wrong_level", 6, "Parent") in found


def test_non_numeric_weight_and_direction_are_named_by_row_and_column():
    table = meta({"Weight": "heavy"}, {}, {"Direction": "down"})
    assert read_meta_issues(table) == [("bad_number", 2, "Weight"), ("bad_number", 4, "Direction")]
    with pytest.raises(engine.InputError) as caught:
        engine.read_meta(table)
    assert [i.params["value"] for i in caught.value.issues] == ["heavy", "down"]


@pytest.mark.parametrize("value", ["2", "0", "-0.5"])
def test_direction_must_be_plus_or_minus_one(value):
    assert read_meta_issues(meta({}, {"Direction": value})) == [("bad_direction", 3, "Direction")]


def test_direction_may_be_written_as_a_float():
    assert engine.read_meta(meta({"Direction": "-1.0"})).by_code["i1"].direction == -1


def test_negative_weight():
    assert read_meta_issues(meta({}, {"Weight": "-1"})) == [("negative_weight", 3, "Weight")]


def test_unknown_parent_and_parent_that_is_not_an_aggregate():
    # Moving both of P1's indicators away also leaves P1 (row 5) without children.
    table = meta({"Parent": "Nope"}, {"Parent": "i3"})
    assert read_meta_issues(table) == [
        ("unknown_parent", 2, "Parent"),
        ("unknown_parent", 3, "Parent"),
        ("childless_aggregate", 5, "iCode"),
    ]


def test_parent_at_the_wrong_level():
    with pytest.raises(engine.InputError) as caught:
        engine.read_meta(meta({"Parent": "Index"}))
    assert issues(caught) == [("parent_wrong_level", 2, "Parent")]
    assert dict(caught.value.issues[0].params) == {
        "parent": "Index",
        "parent_level": 3,
        "expected": 2,
    }


def test_missing_parent():
    assert read_meta_issues(meta({"Parent": ""})) == [("no_parent", 2, "Parent")]


def test_two_roots():
    table = meta(extra=[{"iCode": "Top2", "Level": "3", "Type": "Aggregate", "Parent": ""}])
    with pytest.raises(engine.InputError) as caught:
        engine.read_meta(table)
    found = issues(caught)
    assert ("several_roots", None, None) in found
    roots = [i for i in caught.value.issues if i.code == "several_roots"]
    assert roots[0].params["codes"] == "Index, Top2"


def test_empty_code_of_an_indicator_is_reported():
    # An indicator row without iCode (row 3) cannot be matched to a data column.
    with pytest.raises(engine.InputError) as caught:
        engine.read_meta(meta({}, {"iCode": ""}))
    assert [(i.row, i.column) for i in caught.value.issues] == [(3, "iCode")]
    issues(caught)


def test_childless_aggregate():
    table = meta(extra=[{"iCode": "P3", "Level": "2", "Type": "Aggregate", "Parent": "Index"}])
    assert read_meta_issues(table) == [("childless_aggregate", 9, "iCode")]


def test_structural_problems_are_reported_together():
    table = meta(
        {"Parent": "Nope"},
        {"Parent": "Index"},
        extra=[{"iCode": "P3", "Level": "2", "Type": "Aggregate", "Parent": "Index"}],
    )
    assert read_meta_issues(table) == [
        ("unknown_parent", 2, "Parent"),
        ("parent_wrong_level", 3, "Parent"),
        ("childless_aggregate", 5, "iCode"),  # P1 lost both children
        ("childless_aggregate", 9, "iCode"),
    ]


def test_cell_and_structural_problems_are_reported_at_once():
    # "report every problem at once": a direction of 2 in row 3 and an unknown parent in row 4
    # are independent problems of the same table; moving i3 away also leaves its pillar P2
    # (row 6) without children, which is said too.
    table = meta({}, {"Direction": "2"}, {"Parent": "Nope"})
    assert read_meta_issues(table) == [
        ("bad_direction", 3, "Direction"),
        ("unknown_parent", 4, "Parent"),
        ("childless_aggregate", 6, "iCode"),
    ]


# --- iData -----------------------------------------------------------------------------

FRAMEWORK = flat(["i1", "i2", "i3"], denominators={"i3": "Pop"}, groups=["Region"])


def table(**columns) -> pd.DataFrame:
    base = {
        "uCode": ["AAA", "BBB", "CCC"],
        "uName": ["A", "B", "C"],
        "Region": ["East", "West", "East"],
        "Pop": ["10", "20", "30"],
        "i1": ["1", "2", "3"],
        "i2": ["4", "", "NA"],
        "i3": ["7", "8", "9"],
    }
    base.update(columns)
    return pd.DataFrame({k: v for k, v in base.items() if v is not None})


def read_data_issues(frame, **kwargs) -> list[tuple[str, int | None, str | None]]:
    with pytest.raises(engine.InputError) as caught:
        engine.read_data(frame, FRAMEWORK, **kwargs)
    return issues(caught)


def test_a_valid_data_table():
    unit_data = engine.read_data(table(uCode=["CCC", "AAA", "BBB"]), FRAMEWORK)
    assert list(unit_data.codes) == ["AAA", "BBB", "CCC"]  # sorted as COINr sorts
    assert unit_data.values.shape == (3, 3)
    # Rows were reordered: CCC's values (i1 1, i2 4) come last; "" and "NA" are missing.
    assert unit_data.values[:, 0].tolist() == [2.0, 3.0, 1.0]
    assert pd.isna(unit_data.values[:2, 1]).all() and unit_data.values[2, 1] == 4.0


def test_missing_indicator_and_denominator_columns():
    assert read_data_issues(table(i2=None, Pop=None)) == [
        ("missing_indicator", 1, "i2"),
        ("unknown_denominator", 1, "Pop"),
    ]
    assert read_data_issues(table(uCode=None)) == [("missing_column", 1, "uCode")]


def test_non_numeric_values_are_named_by_row_and_column():
    found = read_data_issues(table(i1=["1", "two", "3"], i3=["7", "8", "1,5"], Pop=["x", "1", "2"]))
    assert sorted(found, key=str) == sorted(
        [("bad_number", 3, "i1"), ("bad_number", 4, "i3"), ("bad_number", 2, "Pop")], key=str
    )


def test_duplicate_and_empty_unit_codes_with_bad_values_at_once():
    found = read_data_issues(table(uCode=["AAA", "", "AAA"], i1=["1", "2", "?"]))
    assert sorted(found, key=str) == sorted(
        [
            ("missing_unit_code", 3, "uCode"),
            ("duplicate_unit", 4, "uCode"),
            ("bad_number", 4, "i1"),
        ],
        key=str,
    )


def test_a_missing_column_does_not_hide_bad_values_elsewhere():
    # "report every problem at once": the bad value in i1 is independent of the missing i2.
    found = read_data_issues(table(i2=None, i1=["1", "two", "3"]))
    assert sorted(found, key=str) == sorted(
        [("missing_indicator", 1, "i2"), ("bad_number", 3, "i1")], key=str
    )


def panel() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uCode": ["AAA", "BBB", "AAA", "BBB"],
            "Time": ["2019", "2019", "2020", "2020"],
            "Pop": ["1", "1", "1", "1"],
            "i1": ["1", "2", "3", "4"],
            "i2": ["1", "2", "3", "4"],
            "i3": ["1", "2", "3", "4"],
        }
    )


def test_several_years_need_a_choice():
    with pytest.raises(engine.InputError) as caught:
        engine.read_data(panel(), FRAMEWORK)
    assert issues(caught) == [("several_times", None, "Time")]
    assert caught.value.issues[0].params["times"] == "2019, 2020"
    unit_data = engine.read_data(panel(), FRAMEWORK, time=2020)
    assert unit_data.values[:, 0].tolist() == [3.0, 4.0]
    assert read_data_issues(panel(), time=2021) == [("unknown_time", None, "Time")]


def test_rows_are_those_of_the_whole_table_when_a_year_is_chosen():
    # The 2020 rows are rows 4 and 5 of the table; a bad value in BBB's 2020 row is in row 5.
    frame = panel()
    frame.loc[3, "i2"] = "n/a"
    frame.loc[2, "uCode"] = "BBB"
    found = read_data_issues(frame, time=2020)
    assert sorted(found, key=str) == sorted(
        [("duplicate_unit", 5, "uCode"), ("bad_number", 5, "i2")], key=str
    )


def test_na_as_a_unit_code_is_a_code():
    # Namibia's ISO code is NA: as a code it is text, as a value it means missing.
    unit_data = engine.read_data(table(uCode=["NA", "ZA", "BW"], i1=["1", "NA", "3"]), FRAMEWORK)
    assert list(unit_data.codes) == ["BW", "NA", "ZA"]
    assert unit_data.values[:, 0].tolist()[:2] == [3.0, 1.0]
    assert pd.isna(unit_data.values[2, 0])


def test_unit_code_na_from_a_csv_file(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("uCode,Pop,i1,i2,i3\nNA,1,1,2,3\nZA,1,,NA,6\n", encoding="utf-8")
    unit_data = engine.read_data(engine.read_table(path), FRAMEWORK)
    assert list(unit_data.codes) == ["NA", "ZA"]
    assert pd.isna(unit_data.values[1, :2]).all()


# --- Recipes against the data ----------------------------------------------------------


def small():
    framework = tree({"P1": ["i1", "i2"], "P2": ["i3"]}, groups=["Region"])
    unit_data = engine.read_data(
        pd.DataFrame(
            {
                "uCode": ["A", "B", "C"],
                "Region": ["x", "y", "x"],
                "i1": [1, 2, 3],
                "i2": [3, 1, 2],
                "i3": [2, 3, 1],
            }
        ),
        framework,
    )
    return framework, unit_data


def compute_issues(**recipe) -> list[tuple[str, int | None, str | None]]:
    framework, unit_data = small()
    with pytest.raises(engine.InputError) as caught:
        run(framework, unit_data, **recipe)
    return issues(caught)


def test_unknown_group_for_group_mean():
    assert compute_issues(impute=engine.parse_impute("group-mean:Province")) == [
        ("unknown_group", None, None)
    ]
    framework, unit_data = small()
    run(framework, unit_data, impute=engine.parse_impute("group-mean:Region"))  # known group


@pytest.mark.parametrize("level", [1, 4])
def test_unknown_level_for_row_mean(level):
    assert compute_issues(impute=engine.Impute("row-mean", level=level)) == [
        ("unknown_level", None, None)
    ]


def test_unknown_or_not_finite_weight_in_a_recipe():
    # A recipe may carry negative weights (signed PCA loadings, as COINr allows), but not
    # NaN or infinity, nor a code that is not in the framework.
    assert sorted(compute_issues(weights=(("Nope", 1.0), ("i1", float("nan"))))) == [
        ("bad_number", None, None),
        ("unknown_code", None, None),
    ]
    framework, unit_data = small()
    assert run(framework, unit_data, weights=(("i1", -1.0),)).scores.notna().any(axis=None)


def test_screening_that_leaves_no_unit():
    framework, _ = small()
    empty = engine.read_data(
        pd.DataFrame({"uCode": ["A", "B"], "i1": [1, None], "i2": [None, 1], "i3": [None, None]}),
        framework,
    )
    with pytest.raises(engine.InputError) as caught:
        run(framework, empty, screen=engine.Screen(1.0))
    assert issues(caught) == [("no_units_left", None, None)]


# --- Weights tables --------------------------------------------------------------------


def test_read_weights():
    framework, _ = small()
    weights = engine.read_weights(
        pd.DataFrame({"iCode": ["i1", "P2"], "Weight": ["2.5", "0"]}), framework
    )
    assert weights == {"i1": 2.5, "P2": 0.0}


def test_read_weights_reports_every_problem():
    framework, _ = small()
    frame = pd.DataFrame({"iCode": ["i1", "Nope", "i2", "i3"], "Weight": ["-1", "1", "x", "1"]})
    with pytest.raises(engine.InputError) as caught:
        engine.read_weights(frame, framework)
    assert issues(caught) == [
        ("negative_weight", 2, "Weight"),
        ("unknown_code", 3, "iCode"),
        ("bad_number", 4, "Weight"),
    ]
    with pytest.raises(engine.InputError) as caught:
        engine.read_weights(pd.DataFrame({"Code": ["i1"]}), framework)
    assert issues(caught) == [("missing_column", 1, "iCode"), ("missing_column", 1, "Weight")]


def test_read_weights_reports_an_empty_weight():
    # An empty Weight cell is no weight: reading it must say so (row 2, column Weight) rather
    # than return NaN, which compute later reports as "weight nan must not be negative".
    framework, _ = small()
    with pytest.raises(engine.InputError) as caught:
        engine.read_weights(pd.DataFrame({"iCode": ["i1"], "Weight": [""]}), framework)
    assert [(i.row, i.column) for i in caught.value.issues] == [(2, "Weight")]
    issues(caught)


# --- Option strings --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["minmax:1", "minmax:a,b", "minmax:5,1", "zscore:0,0", "zscore:0,-1", "mean", "rank:2"]
)
def test_bad_normalise_options(text):
    with pytest.raises(engine.InputError) as caught:
        engine.parse_normalise(text)
    assert issues(caught) == [("bad_option", None, None)]
    assert caught.value.issues[0].params["option"] == "--normalise"


@pytest.mark.parametrize("text", ["group-mean", "group-median:", "row-mean:x", "row-mean", "avg"])
def test_bad_impute_options(text):
    with pytest.raises(engine.InputError) as caught:
        engine.parse_impute(text)
    assert issues(caught) == [("bad_option", None, None)]
    assert caught.value.issues[0].params["option"] == "--impute"


@pytest.mark.parametrize(
    ("options", "option"),
    [
        ({"treat": "trim"}, "--treat"),
        ({"log": "log10"}, "--log"),
        ({"aggregate": "median"}, "--aggregate"),
        ({"screen_min_availability": 1.5}, "--screen-min-availability"),
        ({"winmax": -1}, "--winmax"),
        ({"normalise": "minmax:0"}, "--normalise"),
        ({"impute": "group-mean"}, "--impute"),
    ],
)
def test_bad_recipe_options(options, option):
    with pytest.raises(engine.InputError) as caught:
        engine.recipe_from_options(**options)
    assert issues(caught) == [("bad_option", None, None)]
    assert caught.value.issues[0].params["option"] == option


def test_recipe_options_report_every_bad_option_at_once():
    with pytest.raises(engine.InputError) as caught:
        engine.recipe_from_options(treat="trim", aggregate="median", normalise="minmax:0")
    assert sorted(i.params["option"] for i in caught.value.issues) == [
        "--aggregate",
        "--normalise",
        "--treat",
    ]


def test_options_round_trip():
    recipe = engine.recipe_from_options(
        denominate=True,
        impute="group-median:Region",
        screen_min_availability=0.75,
        winmax=3,
        log="log_CT_plus",
        normalise="zscore:10,2",
        aggregate="gmean",
        weights={"i1": 2.0},
    )
    assert recipe.impute == engine.Impute("group-median", group="Region")
    assert recipe.normalise == engine.Normalise("zscore", (10.0, 2.0))
    assert recipe.treat == engine.Treat(3, 2.0, 3.5, "log_CT_plus")
    assert engine.recipe_from_options(**engine.recipe_options(recipe)) == recipe
    for text in ("minmax:0,100", "rank", "dist2targ-capped", "goalposts:100", "zscore:0,1"):
        assert engine.format_normalise(engine.parse_normalise(text)) == text
    for text in ("none", "mean", "group-mean:Region", "row-mean:2"):
        assert engine.format_impute(engine.parse_impute(text)) == text


# --- Messages --------------------------------------------------------------------------


def test_every_code_used_has_a_template():
    assert set(engine.MESSAGES) >= CODES_USED
    for code, template in engine.MESSAGES.items():
        assert isinstance(template, str) and template, code


def test_messages_name_row_and_column():
    with pytest.raises(engine.InputError) as caught:
        engine.read_meta(meta({}, {"Direction": "2"}))
    assert str(caught.value) == "row 3, column Direction: direction 2 must be 1 or -1"
