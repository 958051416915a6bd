"""Monte-Carlo uncertainty and variance-based sensitivity analysis (METHODS.md,
"Uncertainty and sensitivity: get_sensitivity")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from kotacerdas import engine

from ._build import data, flat

pytestmark = pytest.mark.unit


# --- cut: uniform samples to discrete choices ------------------------------------------


def test_cut_of_the_documented_example():
    # R: cut(c(0, 0.5, 1), 2). Range [0, 1], width 1; breaks seq(0, 1, length.out = 3) =
    # (0, 0.5, 1) with the ends moved out by 0.1 % of the width: (−0.001, 0.5, 1.001).
    # Intervals are right-closed: (−0.001, 0.5] holds 0 and 0.5, (0.5, 1.001] holds 1.
    # R's bins 1, 1, 2 are 0, 0, 1 here.
    assert_array_equal(engine.cut(np.array([0.0, 0.5, 1.0]), 2), [0, 0, 1])


def test_cut_uses_the_observed_range_not_floor():
    # Range [0.2, 0.4]: breaks (0.1998, 0.3, 0.4002). floor(u·2) would put all four in bin 0.
    u = np.array([0.2, 0.25, 0.35, 0.4])
    assert_array_equal(engine.cut(u, 2), [0, 0, 1, 1])
    assert_array_equal(np.floor(u * 2), [0, 0, 0, 0])


def test_cut_into_five():
    # Range [0, 1]: breaks (−0.001, 0.2, 0.4, 0.6, 0.8, 1.001).
    u = np.array([0.0, 0.19, 0.21, 0.5, 0.99, 1.0, 0.61])
    assert_array_equal(engine.cut(u, 5), [0, 0, 1, 2, 4, 4, 3])


def test_cut_of_a_constant_sample():
    # No spread: R widens by |x|/1000 on each side, so breaks are
    # seq(0.2997, 0.3003, length.out = 4) and 0.3 falls in the middle bin.
    assert_array_equal(engine.cut(np.array([0.3, 0.3]), 3), [1, 1])


# --- Sampling --------------------------------------------------------------------------


def test_saltelli_design():
    # SA_sample: N(d + 2) rows: A, B, then AB_i = A with column i taken from B.
    n, d = 6, 3
    sample = engine.saltelli(n, d, seed=11)
    assert sample.shape == (n * (d + 2), d)
    assert ((sample >= 0) & (sample < 1)).all()
    a, b = sample[:n], sample[n : 2 * n]
    assert not np.isin(a, b).any()
    for i in range(d):
        ab = sample[(2 + i) * n : (3 + i) * n]
        assert_array_equal(ab[:, i], b[:, i])
        others = [k for k in range(d) if k != i]
        assert_array_equal(ab[:, others], a[:, others])
    assert_array_equal(engine.saltelli(n, d, seed=11), sample)
    assert not np.array_equal(engine.saltelli(n, d, seed=12), sample)


def test_noisy_weights_change_only_the_chosen_levels_within_bounds(asem_framework):
    # get_noisy_weights: each level-2 and level-3 weight becomes w + (2U − 1)·0.25·w.
    base = asem_framework.weights()
    sets = engine.noisy_weights(asem_framework, levels=(2, 3), factor=0.25, n=40, seed=1001)
    assert list(sets) == [str(k) for k in range(1, 41)]
    for weights in sets.values():
        assert set(weights) == set(base)
        for code, w in weights.items():
            level = asem_framework.by_code[code].level
            if level in (2, 3):
                assert base[code] * 0.75 <= w <= base[code] * 1.25
            else:
                assert w == base[code]
    moved = np.array([[s[c] for c in asem_framework.codes_at(2)] for s in sets.values()])
    assert moved.std(axis=0).min() > 0.05  # the weights really vary
    assert engine.noisy_weights(asem_framework, n=40, seed=1001) == sets


def test_noisy_weights_scale_with_the_weight():
    framework = flat(["i1", "i2"], weights={"i1": 4.0, "i2": 0.5})
    sets = engine.noisy_weights(framework, levels=(1,), factor=0.1, n=30, seed=3)
    i1 = np.array([s["i1"] for s in sets.values()])
    i2 = np.array([s["i2"] for s in sets.values()])
    assert ((i1 >= 3.6) & (i1 <= 4.4)).all() and ((i2 >= 0.45) & (i2 <= 0.55)).all()
    assert all(s["Index"] == 1.0 for s in sets.values())


# --- Runs ------------------------------------------------------------------------------

# Two indicators spanning 0 … 100, so min-max leaves them unchanged.
SMALL = flat(["i1", "i2"])
SMALL_DATA = data(SMALL, {"i1": [0, 100, 40, 80], "i2": [100, 0, 60, 30]}, codes="ABCD")
WEIGHTS = engine.Uncertain.weight_sets(
    {
        "only_i1": {"i1": 1.0, "i2": 0.0},
        "only_i2": {"i1": 0.0, "i2": 1.0},
        "equal": {"i1": 1.0, "i2": 1.0},
    }
)
BASE = engine.Recipe(treat=None)


def test_rank_statistics_by_hand():
    # Runs: index = i1 → ranks A 4, B 1, C 3, D 2; index = i2 → A 1, B 4, C 2, D 3;
    # equal weights → scores 50, 50, 50, 55 → A 2, B 2, C 2, D 1 (also the nominal ranks).
    analysis = engine.replay(SMALL, SMALL_DATA, BASE, [WEIGHTS], np.array([[0], [1], [2]]))
    assert_array_equal(analysis.runs.ranks, [[4, 1, 3, 2], [1, 4, 2, 3], [2, 2, 2, 1]])
    assert_array_equal(analysis.nominal, [2, 2, 2, 1])
    stats = analysis.rank_stats.set_index("uCode")

    def type7(ranks, p):
        # R's quantile type 7: h = (m − 1)p on the sorted ranks, linear in between.
        r = sorted(ranks)
        h = (len(r) - 1) * p
        lo = int(h)
        return r[lo] + (h - lo) * (r[min(lo + 1, len(r) - 1)] - r[lo])

    # A: (4, 1, 2) → sorted 1, 2, 4: Q5 = 1 + 0.1·1 = 1.1, Q95 = 2 + 0.9·2 = 3.8.
    assert type7([4, 1, 2], 0.05) == pytest.approx(1.1)
    assert type7([4, 1, 2], 0.95) == pytest.approx(3.8)
    by_unit = {"A": [4, 1, 2], "B": [1, 4, 2], "C": [3, 2, 2], "D": [2, 3, 1]}
    for unit, ranks in by_unit.items():
        row = stats.loc[unit]
        assert row["Mean"] == pytest.approx(np.mean(ranks))
        assert row["Median"] == pytest.approx(np.median(ranks))
        assert row["Q5"] == pytest.approx(type7(ranks, 0.05))
        assert row["Q95"] == pytest.approx(type7(ranks, 0.95))
    assert_allclose(stats["Q95"], [3.8, 3.8, 2.9, 2.9])
    assert_array_equal(stats["Nominal"], [2, 2, 2, 1])


def test_sensitivity_rank_statistics_use_the_a_and_b_runs_only():
    # With d = 1 and N = 1 the design is A, B, AB_1; the rank statistics use A and B only.
    # A = only_i1, B = equal, AB_1 = only_i2: unit A's ranks (4, 2) → mean 3,
    # Q5 = 2 + 0.05·2 = 2.1 (with AB_1's rank 1 the mean would be 7/3).
    analysis = engine.sensitivity(
        SMALL, SMALL_DATA, BASE, [WEIGHTS], choice=np.array([[0], [2], [1]]), n_boot=10
    )
    stats = analysis.rank_stats.set_index("uCode")
    assert stats.loc["A", "Mean"] == pytest.approx(3.0)
    assert stats.loc["A", "Q5"] == pytest.approx(2.1)
    assert stats.loc["C", "Median"] == pytest.approx(2.5)
    assert list(analysis.indices["input"]) == ["weight_set"]
    # Mean absolute rank shifts from the nominal (2, 2, 2, 1): A 1.25, B 0, AB_1 1.25;
    # varY = var(1.25, 0); Si = 1.25·0·…= 0 (yB = 0); STi = 0 (yAB_1 = yA).
    assert analysis.indices.loc[0, "Si"] == 0.0
    assert analysis.indices.loc[0, "STi"] == 0.0


def test_a_failed_run_is_recorded_and_the_others_count():
    # "A run whose regeneration fails (e.g. gmean on a non-positive value) gives NA scores."
    # z-scores are negative for half the units, so every gmean run fails.
    base = engine.Recipe(treat=None, normalise=engine.Normalise("zscore", (0.0, 1.0)))
    inputs = [WEIGHTS, engine.Uncertain.aggregation(("amean", "gmean"))]
    choice = np.array([[0, 0], [1, 1], [1, 0], [2, 1]])
    analysis = engine.replay(SMALL, SMALL_DATA, base, inputs, choice)
    design = analysis.design
    assert list(design["status"]) == ["ok", "failed", "ok", "failed"]
    assert list(design["aggregate"]) == ["amean", "gmean", "amean", "gmean"]
    assert list(design["weight_set"]) == ["only_i1", "only_i2", "only_i2", "equal"]
    assert (design.loc[design["status"] == "ok", "error"] == "").all()
    for message in design.loc[design["status"] == "failed", "error"]:
        assert "geometric mean" in message and "Index" in message
    assert np.isnan(analysis.runs.scores[[1, 3]]).all()
    assert not np.isnan(analysis.runs.scores[[0, 2]]).any()
    assert_array_equal(analysis.runs.failed, [False, True, False, True])
    # The ok runs (index = i1, then i2) alone make the statistics: A ranks 4 and 1.
    stats = analysis.rank_stats.set_index("uCode")
    assert stats.loc["A", "Mean"] == pytest.approx(2.5)
    assert stats.loc["C", "Mean"] == pytest.approx(2.5)


# --- The ASEM example ------------------------------------------------------------------

FULL = engine.Recipe(
    denominate=True,
    impute=engine.Impute("group-mean", group="EurAsia_group"),
    screen=engine.Screen(0.9),
)


def coinr_inputs(framework) -> list[engine.Uncertain]:
    """The four uncertain inputs of COINr's vignette."""
    return [
        engine.Uncertain.winmax((1, 2, 3, 4, 5)),
        engine.Uncertain.normalisation(
            [engine.Normalise("minmax", (1.0, 100.0)), engine.Normalise("zscore", (10.0, 2.0))],
            ["n_minmax", "n_zscore"],
        ),
        engine.Uncertain.weight_sets(engine.noisy_weights(framework, n=10, seed=1001)),
        engine.Uncertain.aggregation(("amean", "gmean")),
    ]


def test_replay_gives_the_scores_of_compute_run_by_run(asem_framework, asem_data):
    inputs = coinr_inputs(asem_framework)
    choice = np.array([[0, 0, 0, 0], [4, 1, 3, 0], [2, 0, 7, 1], [1, 1, 9, 1], [3, 0, 5, 0]])
    analysis = engine.replay(asem_framework, asem_data, FULL, inputs, choice)
    assert analysis.runs.scores.shape == (5, len(asem_data.codes))
    assert list(analysis.runs.units) == list(asem_data.codes)
    for r, row in enumerate(choice):
        recipe = FULL
        for k, u in enumerate(inputs):
            recipe = u.apply(recipe, int(row[k]))
        try:
            result = engine.compute(asem_framework, asem_data, recipe)
        except engine.DomainError as exc:
            assert analysis.design.loc[r, "status"] == "failed"
            assert analysis.design.loc[r, "error"] == str(exc)
            continue
        assert analysis.design.loc[r, "status"] == "ok"
        expected = result.scores["Index"].reindex(asem_data.codes).to_numpy()
        assert_allclose(analysis.runs.scores[r], expected, rtol=1e-12, atol=0)
        ranks = result.ranks["Index"].reindex(asem_data.codes).to_numpy()
        assert_array_equal(analysis.runs.ranks[r], ranks)
    assert (analysis.design["status"] == "ok").sum() >= 4
    nominal = engine.compute(asem_framework, asem_data, FULL).ranks["Index"]
    assert_array_equal(analysis.nominal, nominal.reindex(asem_data.codes))


def test_sensitivity_of_asem_end_to_end(asem_framework, asem_data):
    inputs = coinr_inputs(asem_framework)
    n = 8
    analysis = engine.sensitivity(asem_framework, asem_data, FULL, inputs, n=n, seed=3003)
    d = len(inputs)
    assert len(analysis.design) == n * (d + 2)
    assert list(analysis.design["run"]) == list(range(1, n * (d + 2) + 1))
    assert analysis.runs.scores.shape == (n * (d + 2), 51)
    indices = analysis.indices
    assert list(indices["input"]) == ["winmax", "normalise", "weight_set", "aggregate"]
    for column in ("Si", "Si_q5", "Si_q95", "STi", "STi_q5", "STi_q95"):
        assert column in indices
    assert np.isfinite(indices["STi"]).all() and (indices["STi"] >= 0).all()
    assert len(analysis.rank_stats) == 51
    assert set(analysis.design["status"]) <= {"ok", "failed"}
    # The design follows the Saltelli layout: AB_i agrees with A except in input i.
    labels = analysis.design[[u.name for u in inputs]].to_numpy()
    a = labels[:n]
    b = labels[n : 2 * n]
    for i, u in enumerate(inputs):
        ab = labels[(2 + i) * n : (3 + i) * n]
        assert_array_equal(ab[:, i], b[:, i], err_msg=u.name)
        others = [k for k in range(d) if k != i]
        assert_array_equal(ab[:, others], a[:, others], err_msg=u.name)


# --- Sensitivity indices ---------------------------------------------------------------


def test_indices_of_a_function_of_the_first_input_only():
    # y = f(x1): AB_2 and AB_3 give exactly y_A, so STi = Σ(yA − yABi)²/(2N·varY) = 0 and
    # Si = mean(yB·(yABi − yA))/varY = 0; for x1, AB_1 gives y_B and Si ≈ STi ≈ 1.
    n, d = 4096, 3
    x = engine.saltelli(n, d, seed=5)
    y = np.sin(2 * np.pi * x[:, 0]) + x[:, 0]
    indices = engine.sensitivity_indices(y, n, ["x1", "x2", "x3"], n_boot=20).set_index("input")
    assert_array_equal(indices.loc[["x2", "x3"], "STi"], [0.0, 0.0])
    assert_array_equal(indices.loc[["x2", "x3"], "Si"], [0.0, 0.0])
    assert indices.loc["x1", "Si"] == pytest.approx(1.0, abs=0.1)
    assert indices.loc["x1", "STi"] == pytest.approx(1.0, abs=0.1)


def test_indices_of_an_additive_function():
    # y = x1 + 2·x2 with uniform inputs: variances 1/12 and 4/12, so Si ≈ STi ≈ 0.2 and 0.8.
    n = 4096
    x = engine.saltelli(n, 2, seed=8)
    y = x[:, 0] + 2 * x[:, 1]
    indices = engine.sensitivity_indices(y, n, ["x1", "x2"], n_boot=20)
    assert_allclose(indices["Si"], [0.2, 0.8], atol=0.06)
    assert_allclose(indices["STi"], [0.2, 0.8], atol=0.06)
    assert (indices["STi_q5"] <= indices["STi_q95"]).all()


def test_indices_formulas_on_a_tiny_sample():
    # N = 2, d = 1: yA = (1, 3), yB = (2, 6), yAB1 = (2, 5).
    # varY = var(1, 3, 2, 6) = 4.6667 (n − 1); Si = mean(yB·(yAB − yA))/varY =
    # ((2·1) + (6·2))/2/varY = 7/varY; STi = Σ(yA − yAB)²/(2N·varY) = (1 + 4)/4/varY.
    y = np.array([1.0, 3.0, 2.0, 6.0, 2.0, 5.0])
    var = np.var([1, 3, 2, 6], ddof=1)
    indices = engine.sensitivity_indices(y, 2, ["x"], n_boot=5)
    assert indices.loc[0, "Si"] == pytest.approx(7 / var)
    assert indices.loc[0, "STi"] == pytest.approx(5 / 4 / var)


def test_indices_when_a_and_b_have_no_variance():
    # N = 1: yA = yB = 1, yAB1 = 0. varY = var(1, 1) = 0, so as in R Si = mean(1·(0 − 1))/0
    # = −Inf and STi = (1 − 0)²/(2·0) = Inf, without a numpy RuntimeWarning (the engine is
    # meant to suppress the warnings it expects; pytest turns them into errors).
    indices = engine.sensitivity_indices(np.array([1.0, 1.0, 0.0]), 1, ["x"], n_boot=5)
    assert indices.loc[0, "Si"] == -np.inf
    assert indices.loc[0, "STi"] == np.inf


def test_uncertainty_design_is_cut_of_seeded_uniforms():
    inputs = [WEIGHTS, engine.Uncertain.aggregation(("amean", "amean"))]
    analysis = engine.uncertainty(SMALL, SMALL_DATA, BASE, inputs, n=12, seed=2002)
    u = np.random.default_rng(2002).random((12, 2))
    labels = np.array(WEIGHTS.labels)[engine.cut(u[:, 0], 3)]
    assert_array_equal(analysis.design["weight_set"], labels)
    pd.testing.assert_series_equal(analysis.design["status"], pd.Series(["ok"] * 12, name="status"))
