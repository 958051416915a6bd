"""The engine against COINr 1.1.14 on the ASEM example: three pipelines, every number.

Each pipeline folder in the conformance set holds the exact COINr calls (settings.json) and
what COINr produced: results.csv, dset_<Step>.csv for every intermediate data set,
treat_details.csv, treat_points.csv and (with screening) screen_summary.csv. Scores must
agree to 1e-9 relative to max(1, |reference|), with the same missing values.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kotacerdas import engine

pytestmark = pytest.mark.unit

TOL = 1e-9

# The recipe equivalent to each pipeline's settings.json.
RECIPES = {
    # new_coin -> qTreat(defaults) -> qNormalise(n_minmax, c(0, 100)) -> Aggregate(a_amean)
    "a_default_minmax_amean": engine.Recipe(),
    # as (a) but n_zscore m_sd = c(0, 1)
    "c_zscore_amean": engine.Recipe(normalise=engine.Normalise("zscore", (0.0, 1.0))),
    # build_example_coin(): Denominate -> Impute(i_mean_grp, EurAsia_group)
    # -> Screen(byNA, 0.9) -> Treat(winmax 5) -> Normalise(minmax 0-100) -> Aggregate(amean)
    "f_full_example_coin": engine.Recipe(
        denominate=True,
        impute=engine.Impute("group-mean", group="EurAsia_group"),
        screen=engine.Screen(0.9),
        treat=engine.Treat(),
        normalise=engine.Normalise("minmax", (0.0, 100.0)),
        aggregate="amean",
    ),
}
PIPELINES = sorted(RECIPES)


def assert_close(got, ref, what: str) -> None:
    """Same NaN pattern, and |got − ref| ≤ 1e-9·max(1, |ref|) everywhere else."""
    got = np.asarray(got, dtype=float)
    ref = np.asarray(ref, dtype=float)
    assert got.shape == ref.shape, f"{what}: shape {got.shape} != {ref.shape}"
    np.testing.assert_array_equal(np.isnan(got), np.isnan(ref), err_msg=f"{what}: NaN pattern")
    both = ~np.isnan(ref)
    err = np.abs(got[both] - ref[both]) / np.maximum(1.0, np.abs(ref[both]))
    worst = float(err.max()) if err.size else 0.0
    assert worst <= TOL, f"{what}: worst scaled error {worst:.3g}"


def assert_ranks(got: pd.Series, ref: pd.Series, scores: pd.Series, what: str) -> None:
    """Ranks equal, except that a unit whose score ties another's to 1e-9 may take any rank
    of its tie group (METHODS.md, "What is in this folder")."""
    np.testing.assert_array_equal(got.isna().to_numpy(), ref.isna().to_numpy(), err_msg=what)
    for code in ref.index[ref.notna()]:
        if got[code] == ref[code]:
            continue
        ties = scores[(scores - scores[code]).abs() <= TOL * max(1.0, abs(scores[code]))]
        allowed = ref[ties.index]
        assert len(ties) > 1 and allowed.min() <= got[code] <= allowed.max(), (
            f"{what}: unit {code} has rank {got[code]}, COINr {ref[code]}"
        )


@pytest.fixture(scope="module")
def results(asem_framework, asem_data) -> dict[str, engine.IndexResult]:
    return {name: engine.compute(asem_framework, asem_data, RECIPES[name]) for name in PIPELINES}


def folder(coinr_dir: Path, name: str) -> Path:
    return coinr_dir / "pipelines" / name


def read_ref(path: Path) -> pd.DataFrame:
    return pd.read_csv(path).set_index("uCode")


def test_settings_are_the_pipelines_encoded_here(coinr_dir):
    # Guard against the reference folder changing under the recipes above.
    for name in PIPELINES:
        settings = json.loads((folder(coinr_dir, name) / "settings.json").read_text())
        steps = [step["step"] for step in settings["steps"]]
        assert settings["coinr_version"] == "1.1.14"
        if name == "f_full_example_coin":
            assert steps == [
                "new_coin",
                "Denominate",
                "Impute",
                "Screen",
                "Treat",
                "Normalise",
                "Aggregate",
            ]
            assert settings["coin_log"]["Impute"]["use_group"] == "EurAsia_group"
            assert settings["coin_log"]["Screen"]["dat_thresh"] == 0.9
        else:
            assert steps == ["new_coin", "qTreat", "qNormalise", "Aggregate"]
        assert settings["coin_log"]["Aggregate"]["f_ag"] == "a_amean"


@pytest.mark.parametrize("name", PIPELINES)
def test_every_aggregate_and_rank(name, coinr_dir, results):
    ref = read_ref(folder(coinr_dir, name) / "results.csv")
    result = results[name]
    aggregates = [c for c in ref.columns if c != "uName" and not c.startswith("Rank")]
    assert sorted(aggregates) == sorted(result.scores.columns)
    assert sorted(result.scores.index) == sorted(ref.index)
    scores = result.scores.loc[ref.index]
    ranks = result.ranks.loc[ref.index]
    assert_close(scores[aggregates], ref[aggregates], f"{name} scores")
    assert_ranks(ranks["Index"], ref["Rank"], scores["Index"], f"{name} Rank")
    for code in aggregates:
        if code != "Index":
            assert_ranks(ranks[code], ref[f"Rank_{code}"], scores[code], f"{name} Rank_{code}")
    # The results table carries the same numbers and names.
    table = result.table().set_index("uCode").loc[ref.index]
    pd.testing.assert_series_equal(table["uName"], ref["uName"], check_dtype=False)
    assert_close(table["Index"], ref["Index"], f"{name} table")
    np.testing.assert_array_equal(table["Rank_Index"].to_numpy(dtype=float), ref["Rank"])


@pytest.mark.parametrize("name", PIPELINES)
def test_every_intermediate_dataset(name, coinr_dir, results):
    files = sorted(folder(coinr_dir, name).glob("dset_*.csv"))
    assert files
    datasets = results[name].datasets
    for path in files:
        step = path.stem.removeprefix("dset_")
        assert step in datasets, f"{name}: no data set {step}"
        ref = read_ref(path)
        got = datasets[step]
        assert list(got.index) == list(ref.index), f"{name} {step}: units or their order"
        assert sorted(got.columns) == sorted(ref.columns), f"{name} {step}: columns"
        assert_close(got[ref.columns], ref, f"{name} dset_{step}")


@pytest.mark.parametrize("name", PIPELINES)
def test_treatment_details(name, coinr_dir, results):
    ref = pd.read_csv(folder(coinr_dir, name) / "treat_details.csv").set_index("iCode")
    got = results[name].treatment.loc[ref.index]
    assert_close(got["skew_before"], ref["check_SkewKurt0.Skew"], f"{name} skew before")
    assert_close(got["kurt_before"], ref["check_SkewKurt0.Kurt"], f"{name} kurt before")
    assert_close(got["skew_winsorised"], ref["check_SkewKurt1.Skew"], f"{name} skew after")
    assert_close(got["kurt_winsorised"], ref["check_SkewKurt1.Kurt"], f"{name} kurt after")
    passed = ref["check_SkewKurt0.Pass"].astype(bool)
    np.testing.assert_array_equal(got["method"] == "none", passed)
    # Every ASEM column that was treated was brought within the thresholds by winsorising.
    assert ref.loc[~passed, "check_SkewKurt1.Pass"].astype(bool).all()
    assert (got.loc[~passed, "method"] == "winsorise").all()
    assert "check_SkewKurt2.Skew" not in ref
    assert got["skew_logged"].isna().all()
    nwin = ref["winsorise.nwin"]
    np.testing.assert_array_equal(got.loc[nwin.notna(), "nwin"], nwin.dropna().astype(int))
    assert (got.loc[nwin.isna(), "nwin"] == 0).all()


@pytest.mark.parametrize("name", PIPELINES)
def test_treatment_points(name, coinr_dir, results):
    """treat_points marks the points of the last winsorised blocks (winhi/winlo), cell by cell."""
    ref = pd.read_csv(
        folder(coinr_dir, name) / "treat_points.csv", dtype=str, keep_default_na=False
    ).set_index("uCode")
    ours = results[name].treated_points.loc[ref.index, ref.columns]
    pd.testing.assert_frame_equal(ours.astype(str), ref, check_names=False)


def test_screening_summary(coinr_dir, results):
    name = "f_full_example_coin"
    ref = read_ref(folder(coinr_dir, name) / "screen_summary.csv")
    result = results[name]
    got = result.screening.loc[ref.index]
    assert list(result.screening.index) == list(ref.index)
    assert_close(got["availability"], ref["Dat_Avail"], "Dat_Avail")
    assert_close(got["nonzero"], ref["Non_Zero"], "Non_Zero")
    np.testing.assert_array_equal(got["included"].to_numpy(), ref["Included"].to_numpy())
    # The counts behind the shares, from the imputed data set that was screened.
    imputed = result.datasets["Imputed"].loc[ref.index]
    np.testing.assert_array_equal(imputed.isna().sum(axis=1), ref["N_missing"])
    np.testing.assert_array_equal((imputed == 0).sum(axis=1), ref["N_zero"])
    kept = ref.index[ref["Included"].astype(bool)]
    assert list(result.scores.index) == list(kept)


def test_effective_weights_of_asem(asem_framework, asem_data, results):
    weights = results["a_default_minmax_amean"].effective_weights
    # METHODS.md, "Weights": Goods = 1/5 · 1/5 · 1/2 (5 indicators in ConEcFin, 5 pillars
    # in Conn, 2 sub-indices).
    assert weights["Goods"] == pytest.approx(0.02, rel=1e-12)
    # LPI is one of 8 indicators in Physical.
    assert weights["LPI"] == pytest.approx(1 / 8 * 1 / 5 * 1 / 2, rel=1e-12)
    # Renew is one of 5 in Environ, one of 3 pillars in Sust.
    assert weights["Renew"] == pytest.approx(1 / 5 * 1 / 3 * 1 / 2, rel=1e-12)
    assert weights["Index"] == 1.0
    assert weights[list(asem_framework.indicators)].sum() == pytest.approx(1.0, rel=1e-12)


def test_effective_weights_of_custom_weights(coinr_dir, asem_framework, asem_data):
    table = engine.read_table(coinr_dir / "inputs" / "custom_weights_j.csv")
    weights = engine.read_weights(table, asem_framework)
    result = engine.compute(asem_framework, asem_data, engine.Recipe().with_weights(weights))
    eff = result.effective_weights
    # Renew 3 beside four 1s in Environ; Environ 1 beside Social 2 and SusEcFin 1; Sust 0.4
    # beside Conn 0.6.
    assert eff["Renew"] == pytest.approx(3 / 7 * 1 / 4 * 0.4, rel=1e-12)
    # LPI 3 beside seven 1s in Physical; Physical 2 beside four 1s; Conn 0.6.
    assert eff["LPI"] == pytest.approx(3 / 10 * 2 / 6 * 0.6, rel=1e-12)
    assert eff["Goods"] == pytest.approx(1 / 5 * 1 / 6 * 0.6, rel=1e-12)
    assert eff[list(asem_framework.indicators)].sum() == pytest.approx(1.0, rel=1e-12)
    # The index is the weighted mean of the sub-indices with the custom weights.
    expected = 0.6 * result.scores["Conn"] + 0.4 * result.scores["Sust"]
    assert_close(result.scores["Index"], expected, "Index from Conn and Sust")
