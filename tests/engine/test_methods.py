"""Each documented COINr rule on a case small enough to compute by hand.

Section names in the comments refer to the conformance folder's METHODS.md.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from kotacerdas import engine

from ._build import column, data, flat, run, tree

pytestmark = pytest.mark.unit

NAN = math.nan
BASE = list(range(1, 21))  # 1 … 20: no outliers of its own


# --- Outlier treatment: skewness and kurtosis ------------------------------------------


def test_skew_and_kurt_are_excel_skew_and_kurt():
    # "Skewness is Excel SKEW / e1071 type 2", "Kurtosis is Excel KURT / e1071 type 2".
    # x = (1, 2, 3, 10): mean 4, deviations (−3, −2, −1, 6), biased central moments
    # m2 = (9 + 4 + 1 + 36)/4 = 12.5, m3 = (−27 − 8 − 1 + 216)/4 = 45,
    # m4 = (81 + 16 + 1 + 1296)/4 = 348.5.
    n, m2, m3, m4 = 4, 12.5, 45.0, 348.5
    skew = math.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5  # = 1.7636…
    kurt = ((n + 1) * (m4 / m2**2 - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))  # = 3.228
    assert kurt == pytest.approx(3.228, abs=1e-12)
    got_skew, got_kurt = engine.skew_kurt(np.array([[1.0], [2.0], [3.0], [10.0]]))
    assert_allclose(got_skew, [skew], rtol=1e-13)
    assert_allclose(got_kurt, [kurt], rtol=1e-13)


def test_skew_and_kurt_ignore_missing_values_and_need_three_and_four_values():
    # "It is NA if n<3" (skew), "It is NA if n<4" (kurtosis); NAs are ignored.
    x = np.array(
        [
            [1.0, 1.0, 1.0, 1.0],
            [2.0, 2.0, 2.0, 2.0],
            [NAN, 3.0, 3.0, NAN],
            [NAN, NAN, 10.0, 3.0],
            [NAN, NAN, NAN, 10.0],
        ]
    )
    skew, kurt = engine.skew_kurt(x)
    # Columns 1 and 2 have 2 and 3 values; column 3 is (1, 2, 3, 10) and column 4 the same
    # values with a NaN in between.
    assert np.isnan(skew[0]) and np.isnan(kurt[0])
    assert skew[1] == pytest.approx(0.0, abs=1e-15) and np.isnan(kurt[1])
    assert_allclose(skew[2:], [math.sqrt(12) / 2 * 45 / 12.5**1.5] * 2, rtol=1e-13)
    assert_allclose(kurt[2:], [3.228] * 2, rtol=1e-13)


@pytest.mark.parametrize(("value", "n"), [(0.0, 20), (0.1, 20), (2.675, 51)])
def test_skew_and_kurt_of_a_constant_column_are_missing(value, n):
    # A constant column has zero variance, so skew = m3/m2^1.5 = 0/0 is NA, as is kurtosis
    # (METHODS.md, step 5: "zero variance after winsorising a near-constant column").
    # In R, mean(rep(0.1, 20)) is exactly 0.1 (long-double sum and a correction pass), so
    # x − mean(x) is exactly 0; a naive sum/n gives 0.10000000000000002 and a spurious
    # non-zero m2 of about 1e-34.
    skew, kurt = engine.skew_kurt(np.full((n, 1), value))
    assert np.isnan(skew[0])
    assert np.isnan(kurt[0])


# --- Outlier treatment: pass rule and winsorising --------------------------------------


def treat_one(values, **treat) -> engine.IndexResult:
    framework = flat(["i1"])
    return run(framework, data(framework, {"i1": values}), treat=engine.Treat(**treat))


def test_pass_rule_is_an_or_with_strict_less_than():
    # "Pass rule: pass = |skew| < skew_thresh OR kurt < kurt_thresh", "The thresholds use
    # strict < for passing". A column exactly at both thresholds is treated; nudging either
    # threshold one ulp up lets it pass.
    values = [*BASE, 100, 100]
    skew, kurt = engine.skew_kurt(np.array(values, dtype=float)[:, None])
    s, k = float(skew[0]), float(kurt[0])
    assert s > 2 and k > 3.5
    at = treat_one(values, skew_threshold=s, kurt_threshold=k)
    assert at.treatment.loc["i1", "method"] == "winsorise"
    for thresholds in ((math.nextafter(s, math.inf), k), (s, math.nextafter(k, math.inf))):
        passed = treat_one(values, skew_threshold=thresholds[0], kurt_threshold=thresholds[1])
        assert passed.treatment.loc["i1", "method"] == "none"
        assert_array_equal(column(passed, "Treated"), values)


def test_pass_rule_uses_absolute_skew():
    # A left-skewed column at |skew| = threshold is treated too.
    values = [-v for v in [*BASE, 100, 100]]
    skew, kurt = engine.skew_kurt(np.array(values, dtype=float)[:, None])
    assert skew[0] < -2
    result = treat_one(values, skew_threshold=-float(skew[0]), kurt_threshold=float(kurt[0]))
    assert result.treatment.loc["i1", "method"] == "winsorise"


def test_default_thresholds_leave_a_column_that_fails_only_one_test():
    # "Treatment only happens if both |skew| ≥ 2 and kurt ≥ 3.5". Symmetric outliers
    # (−100, 1, …, 20, 120) give kurtosis 9.76 but skew −0.04: untouched.
    values = [-100, *BASE, 120]
    skew, kurt = engine.skew_kurt(np.array(values, dtype=float)[:, None])
    assert abs(skew[0]) < 2 and kurt[0] > 3.5
    result = treat_one(values)
    assert result.treatment.loc["i1", "method"] == "none"
    assert result.treatment.loc["i1", "nwin"] == 0
    assert_array_equal(column(result, "Treated"), values)


def test_tied_maxima_are_winsorised_together_and_nwin_may_exceed_winmax():
    # "Tied maxima are all winsorised in one step, so nwin can exceed winmax when there are
    # ties". Both 100s move to the next distinct value, 20, in the single step winmax = 1
    # allows; the column then passes and nwin = 2 > winmax.
    result = treat_one([*BASE, 100, 100], winmax=1)
    assert result.treatment.loc["i1", "method"] == "winsorise"
    assert result.treatment.loc["i1", "nwin"] == 2
    assert result.treatment.loc["i1", "points_winsorised"] == 2
    assert_array_equal(column(result, "Treated"), [*BASE, 20, 20])


def test_nwin_is_the_size_of_the_last_block_not_a_running_count():
    # "nwin is not a running counter. It is the size of the last tied block". Step 1 moves
    # 100 to 60 (block of 1; (…, 60, 60) still fails: skew 2.36, kurt 5.4); step 2 moves both
    # 60s to 20 (block of 2). nwin = 2, not 1 + 2 = 3.
    values = [*BASE, 60, 100]
    result = treat_one(values)
    details = result.treatment.loc["i1"]
    assert details["method"] == "winsorise"
    assert details["nwin"] == 2
    assert details["points_winsorised"] == 2
    assert_array_equal(column(result, "Treated"), [*BASE, 20, 20])
    after_skew, after_kurt = engine.skew_kurt(np.array([*BASE, 20, 20], dtype=float)[:, None])
    assert details["skew_winsorised"] == pytest.approx(after_skew[0], rel=1e-12)
    assert details["kurt_winsorised"] == pytest.approx(after_kurt[0], rel=1e-12)


def test_left_skewed_columns_are_winsorised_at_the_low_end():
    # "Otherwise do the same at the low end (imin, min)": the mirror image of the case above.
    values = [-v for v in [*BASE, 60, 100]]
    result = treat_one(values)
    assert result.treatment.loc["i1", "method"] == "winsorise"
    assert result.treatment.loc["i1", "nwin"] == 2
    assert result.treatment.loc["i1", "skew_before"] < 0
    assert_array_equal(column(result, "Treated"), [-v for v in [*BASE, 20, 20]])


def test_winsorising_alternates_ends_when_the_skew_changes_sign():
    # "When the skew changes sign during the loop, the loop alternates ends", and nwin =
    # length(imax) + length(imin) of the last blocks at each end. (−50, 1, …, 20, 200, 200):
    # skew 2.77 → both 200s move to 20; now skew −3.41 → −50 moves to 1; skew −0.05 passes.
    result = treat_one([-50, *BASE, 200, 200])
    details = result.treatment.loc["i1"]
    assert details["method"] == "winsorise"
    assert details["nwin"] == 3
    assert details["points_winsorised"] == 3
    assert_array_equal(column(result, "Treated"), [1, *BASE, 20, 20])


HEAVY = [1] * 10 + [2, 3, 5, 10, 50, 200, 500]


def test_log_ct_is_applied_to_the_original_column_when_winsorising_is_not_enough():
    # Algorithm step 4: "apply f2 to the ORIGINAL column (the winsorisation is discarded)",
    # log_CT(x) = log(x − min(x) + 0.01·(max(x) − min(x))). With winmax = 1, 500 → 200
    # leaves (…, 200, 200) at skew 2.47, kurt 4.88: still failing.
    result = treat_one(HEAVY, winmax=1)
    details = result.treatment.loc["i1"]
    assert details["method"] == "log_CT"
    assert details["nwin"] == 1  # "treat_details.csv still shows winsorise.nwin"
    assert details["skew_winsorised"] == pytest.approx(2.468743604350718, rel=1e-12)
    x = np.array(HEAVY, dtype=float)
    expected = np.log(x - 1 + 0.01 * (500 - 1))
    assert_allclose(column(result, "Treated"), expected, rtol=1e-14)
    assert column(result, "Treated")[-1] == pytest.approx(math.log(503.99), rel=1e-14)
    log_skew, log_kurt = engine.skew_kurt(expected[:, None])
    assert details["skew_logged"] == pytest.approx(log_skew[0], rel=1e-12)
    assert details["kurt_logged"] == pytest.approx(log_kurt[0], rel=1e-12)


def test_log_ct_plus_on_a_left_skewed_column():
    # "log_CT_plus: if skew > 0, same as log_CT; otherwise −log(max + a − x) with
    # a = 0.01·(max − min)".
    x = -np.array(HEAVY, dtype=float)  # min −500, max −1
    result = treat_one(list(x), winmax=1, log="log_CT_plus")
    assert result.treatment.loc["i1", "method"] == "log_CT_plus"
    a = 0.01 * (-1 - -500)
    assert_allclose(column(result, "Treated"), -np.log(-1 + a - x), rtol=1e-14)
    # log_CT_plus on a right-skewed column is plain log_CT.
    right = treat_one(HEAVY, winmax=1, log="log_CT_plus")
    assert_allclose(column(right, "Treated"), np.log(np.array(HEAVY) - 1 + 0.01 * 499), rtol=1e-14)


@pytest.mark.parametrize(("low", "high"), [(0.0, 1.0), (0.1, 5.0)])
def test_a_check_that_cannot_be_computed_leaves_the_column_untreated(low, high):
    # "NA from the check": (low × 19, high) fails (skew 4.47); winsorising the high value
    # gives a constant column whose skewness is NA, and the untreated column is returned.
    values = [low] * 19 + [high]
    for winmax in (1, 5):
        result = treat_one(values, winmax=winmax)
        assert result.treatment.loc["i1", "method"] == "untreated"
        assert result.treatment.loc["i1", "points_winsorised"] == 0
        assert_array_equal(column(result, "Treated"), values)


def test_treatment_comes_before_direction():
    # "Treatment comes before direction flipping; normalisation comes after it". A direction
    # −1 indicator with a heavy right tail on the raw scale is logged as log_CT of the raw
    # values (on −x, log_CT would give a different column), then flipped by the normaliser.
    framework = flat(["i1", "i2"], directions={"i1": -1})
    x = np.array(HEAVY, dtype=float)
    result = run(
        framework,
        data(framework, {"i1": x, "i2": np.arange(len(x))}),
        treat=engine.Treat(winmax=1),
    )
    assert result.treatment.loc["i1", "method"] == "log_CT"
    assert result.treatment.loc["i1", "skew_before"] > 0
    treated = np.log(x - 1 + 0.01 * 499)
    assert_allclose(column(result, "Treated"), treated, rtol=1e-14)
    flipped = -treated
    expected = (flipped - flipped.min()) / (flipped.max() - flipped.min()) * 100
    assert_allclose(column(result, "Normalised"), expected, rtol=1e-12, atol=1e-12)


# --- Normalisation ---------------------------------------------------------------------


def normalise_one(values, method: str, **nodes) -> np.ndarray:
    framework = flat(["i1", "i2"], **nodes)
    unit_data = data(framework, {"i1": values, "i2": range(len(values))})
    result = run(framework, unit_data, normalise=engine.parse_normalise(method))
    return column(result, "Normalised")


def test_minmax_of_a_constant_column_is_missing():
    # Normalisation table: n_minmax, "constant column → NaN". The index then rests on the
    # other indicator alone (aggregation over non-missing children).
    framework = flat(["i1", "i2"])
    result = run(framework, data(framework, {"i1": [5, 5, 5], "i2": [0, 1, 2]}))
    assert np.isnan(column(result, "Normalised")).all()
    assert_allclose(result.scores["Index"], [0, 50, 100])


def test_zscore_of_a_constant_column_is_missing():
    # n_zscore divides by the sample sd, which is 0 for a constant column: 0/0 → NaN (R's
    # mean and sd of rep(0.1, 20) are exactly 0.1 and 0).
    framework = flat(["i1", "i2"])
    unit_data = data(framework, {"i1": [0.1] * 20, "i2": range(20)})
    result = run(framework, unit_data, normalise=engine.Normalise("zscore", (0.0, 1.0)))
    assert np.isnan(column(result, "Normalised")).all()


def test_minmax_bounds():
    # (x − min)/(max − min)·(u − l) + l
    assert_allclose(normalise_one([2, 4, 10], "minmax:-1,1"), [-1, -0.5, 1])


def test_zscore_uses_the_sample_standard_deviation():
    # n_zscore: (x − mean)/sd·s + m, "with the sample sd (n−1)". x = (1, 2, 3, 4): mean 2.5,
    # sample variance (2.25 + 0.25 + 0.25 + 2.25)/3 = 5/3.
    sd = math.sqrt(5 / 3)
    expected = [(v - 2.5) / sd * 2 + 10 for v in (1, 2, 3, 4)]
    assert_allclose(normalise_one([1, 2, 3, 4], "zscore:10,2"), expected, rtol=1e-14)
    # The population sd, sqrt(1.25), would give ±1.342 at the ends instead of ±1.162.
    assert normalise_one([1, 2, 3, 4], "zscore:0,1")[0] == pytest.approx(-1.5 / sd)


def test_rank_prank_and_borda():
    # n_rank: rank(x, ties = "min", NA kept); n_borda = n_rank − 1;
    # n_prank = (n_rank − 1)/(n_nonNA − 1). Four values present.
    values = [3, 1, 3, NAN, 2]
    assert_array_equal(normalise_one(values, "rank"), [3, 1, 3, NAN, 2])
    assert_array_equal(normalise_one(values, "borda"), [2, 0, 2, NAN, 1])
    assert_allclose(normalise_one(values, "prank"), [2 / 3, 0, 2 / 3, NAN, 1 / 3])


def test_rank_follows_direction():
    # Direction is applied before the normaliser: for direction −1 the highest value ranks 1.
    assert_array_equal(normalise_one([3, 1, 2], "rank", directions={"i1": -1}), [1, 3, 2])


def test_dist2max_and_fracmax():
    # n_dist2max: 1 − (max − x)/(max − min); n_fracmax: x/max.
    assert_allclose(normalise_one([2, 4, 10], "dist2max"), [0, 0.25, 1])
    assert_allclose(normalise_one([2, 4, 10], "fracmax"), [0.2, 0.4, 1])


def test_dist2targ_for_direction_minus_one_and_capped():
    # n_dist2targ with use_iMeta: target·direction, so for direction −1 it equals
    # (max(x) − x)/(max(x) − Target) on the raw scale; values above 1 are kept unless capped.
    values = [10, 20, 30, 40]
    nodes = {"directions": {"i1": -1}, "targets": {"i1": 15.0, "i2": 3.0}}
    # (40 − x)/(40 − 15)
    assert_allclose(normalise_one(values, "dist2targ", **nodes), [1.2, 0.8, 0.4, 0.0])
    assert_allclose(normalise_one(values, "dist2targ-capped", **nodes), [1.0, 0.8, 0.4, 0.0])
    # Direction +1: (x − min)/(target − min) = (x − 10)/(35 − 10)
    up = {"targets": {"i1": 35.0, "i2": 3.0}}
    assert_allclose(normalise_one(values, "dist2targ", **up), [0, 0.4, 0.8, 1.2])


def test_dist2targ_needs_a_target():
    framework = flat(["i1"])
    with pytest.raises(engine.InputError) as caught:
        run(framework, data(framework, {"i1": [1, 2]}), normalise=engine.Normalise("dist2targ"))
    assert [(i.code, dict(i.params)) for i in caught.value.issues] == [
        ("no_target", {"code": "i1"})
    ]


def test_goalposts():
    # n_goalposts: (x − lo)/(hi − lo), truncated to [0, 1], times scale; here (worst, best)
    # = (2, 12) and scale 100. For direction −1 (worst 12, best 2): (x − 12)/(2 − 12).
    values = [0, 5, 10, 15]
    nodes = {"goalposts": {"i1": (2.0, 12.0), "i2": (0.0, 3.0)}}
    assert_allclose(normalise_one(values, "goalposts:100", **nodes), [0, 30, 80, 100])
    down = {"directions": {"i1": -1}, "goalposts": {"i1": (12.0, 2.0), "i2": (0.0, 3.0)}}
    assert_allclose(normalise_one(values, "goalposts:100", **down), [100, 70, 20, 0])


# --- Aggregation and ranks -------------------------------------------------------------


def test_amean_over_present_children_with_weights_renormalised():
    # Aggregation: "Every mean uses only the non-NA children, with their weights
    # renormalised". Columns span 0 … 100 exactly, so min-max [0, 100] leaves them as they are.
    framework = flat(["i1", "i2", "i3"], weights={"i1": 1, "i2": 2, "i3": 3})
    unit_data = data(framework, {"i1": [0, 50, 100], "i2": [100, NAN, 0], "i3": [0, 100, 20]})
    result = run(framework, unit_data)
    assert_allclose(
        result.scores["Index"],
        [
            (1 * 0 + 2 * 100 + 3 * 0) / 6,
            (1 * 50 + 3 * 100) / (1 + 3),  # i2 missing
            (1 * 100 + 2 * 0 + 3 * 20) / 6,
        ],
        rtol=1e-14,
    )


def test_aggregate_of_only_missing_children_is_missing():
    # a_amean: "all-NA → NA"; the level above uses the other pillar only and the rank of the
    # missing pillar stays missing.
    framework = tree({"P1": ["i1", "i2"], "P2": ["i3"]})
    unit_data = data(framework, {"i1": [0, NAN, 100], "i2": [100, NAN, 0], "i3": [0, 40, 100]})
    result = run(framework, unit_data)
    assert_allclose(result.scores["P1"], [50, NAN, 50])
    assert_allclose(result.scores["Index"], [25, 40, 75])
    assert_array_equal(result.ranks["P1"], [1, NAN, 1])
    assert_array_equal(result.ranks["Index"], [3, 2, 1])


def test_gmean_refuses_zero_and_names_unit_and_aggregate():
    # a_gmean: "any non-NA x ≤ 0 → error"; "Geometric mean after min-max [0,100]: COINr
    # raises an error". Min-max gives 0 to AAA in i1 (under P1) and to BBB in i2 (under P2).
    framework = tree({"P1": ["i1"], "P2": ["i2", "i3"]})
    unit_data = data(
        framework, {"i1": [1, 2, 3], "i2": [5, 1, 9], "i3": [1, 2, 3]}, codes=["AAA", "BBB", "CCC"]
    )
    with pytest.raises(engine.DomainError) as caught:
        run(framework, unit_data, aggregate="gmean")
    issues = caught.value.issues
    assert len(issues) == 1 and issues[0].code == "gmean_domain"
    # The first unit (in unit order) holding a zero is the one named, with its aggregate.
    assert issues[0].params["unit"] == "AAA"
    assert issues[0].params["aggregate"] == "P1"
    assert "AAA" in str(caught.value) and "P1" in str(caught.value)


def test_gmean_refuses_negative_values():
    framework = flat(["i1", "i2"])
    unit_data = data(framework, {"i1": [1, 2, 4], "i2": [1, 3, 4]}, codes=["X", "Y", "Z"])
    with pytest.raises(engine.DomainError) as caught:
        run(framework, unit_data, aggregate="gmean", normalise=engine.Normalise("zscore", (0, 1)))
    (issue,) = caught.value.issues
    assert (issue.code, issue.params["unit"], issue.params["aggregate"]) == (
        "gmean_domain",
        "X",
        "Index",
    )


def test_gmean_value():
    # exp(Σ w ln x / Σ w) over present children; min-max to [1, 100] keeps values positive.
    framework = flat(["i1", "i2"], weights={"i1": 1, "i2": 3})
    unit_data = data(framework, {"i1": [0, 1, 3], "i2": [2, NAN, 0]})
    result = run(
        framework, unit_data, aggregate="gmean", normalise=engine.Normalise("minmax", (1, 100))
    )
    # i1 → (1, 34, 100); i2 → (100, NaN, 1)
    assert_allclose(
        result.scores["Index"],
        [math.exp((math.log(1) + 3 * math.log(100)) / 4), 34, math.exp(math.log(100) / 4)],
        rtol=1e-13,
    )


def test_hmean_refuses_zero_but_accepts_negative_values():
    # a_hmean: Σw / Σ(w/x); "any x == 0 → error (negative values are allowed)".
    framework = flat(["i1", "i2"])
    unit_data = data(framework, {"i1": [1, 2, 4], "i2": [0, 3, 4]}, codes=["X", "Y", "Z"])
    with pytest.raises(engine.DomainError) as caught:
        run(framework, unit_data, aggregate="hmean")
    (issue,) = caught.value.issues
    assert (issue.code, issue.params["unit"], issue.params["aggregate"]) == (
        "hmean_domain",
        "X",
        "Index",
    )
    # z-scores: both columns have mean 7/3, which no value equals, so none is 0.
    result = run(
        framework, unit_data, aggregate="hmean", normalise=engine.Normalise("zscore", (0, 1))
    )
    z = result.datasets["Normalised"].to_numpy()
    assert (z < 0).any() and (z != 0).all()
    assert_allclose(result.scores["Index"], 2 / (1 / z[:, 0] + 1 / z[:, 1]), rtol=1e-13)


def test_ranks_are_descending_with_shared_best_rank_and_missing_kept():
    # Ranks: rank(−score, ties.method = "min", na.last = "keep"), "1224" ranking.
    framework = flat(["i1"])
    result = run(framework, data(framework, {"i1": [5, 3, 3, NAN, 0]}))
    assert_array_equal(result.ranks["Index"], [1, 2, 2, NAN, 4])
    assert_array_equal(engine.rank_min(np.array([5.0, 3, 3, NAN, 0])), [4, 2, 2, NAN, 1])


# --- Imputation ------------------------------------------------------------------------


def test_group_mean_leaves_units_without_group_and_empty_groups_missing():
    # i_mean_grp: "A group with no observed value gets NaN", "Units whose group is NA are left
    # untouched".
    framework = flat(["i1", "i2"], groups=["G"])
    unit_data = data(
        framework,
        {
            "i1": [1, 3, NAN, NAN, NAN, NAN],
            "i2": [1, 2, 3, 4, 5, 6],
            "G": ["A", "A", "A", "B", "B", ""],
        },
    )
    result = run(framework, unit_data, impute=engine.parse_impute("group-mean:G"))
    assert_array_equal(column(result, "Imputed"), [1, 3, 2, NAN, NAN, NAN])
    assert_array_equal(column(result, "Imputed", "i2"), [1, 2, 3, 4, 5, 6])


def test_group_median_is_the_mean_of_the_two_middle_values():
    # i_median_grp: R's median, which averages the two middle values of an even count.
    framework = flat(["i1", "i2"], groups=["G"])
    unit_data = data(
        framework,
        {
            "i1": [1, 2, 4, 10, NAN, 7, NAN],
            "i2": [1, 2, 3, 4, 5, 6, 7],
            "G": ["A", "A", "A", "A", "A", "B", "B"],
        },
    )
    result = run(framework, unit_data, impute=engine.parse_impute("group-median:G"))
    assert_array_equal(column(result, "Imputed"), [1, 2, 4, 10, 3, 7, 7])


def test_column_mean_and_median():
    framework = flat(["i1"])
    unit_data = data(framework, {"i1": [1, 2, 9, NAN]})
    assert_array_equal(
        column(run(framework, unit_data, impute=engine.Impute("mean")), "Imputed"), [1, 2, 9, 4]
    )
    assert_array_equal(
        column(run(framework, unit_data, impute=engine.Impute("median")), "Imputed"), [1, 2, 9, 2]
    )


ROW_FRAMEWORK = tree({"P1": ["i1", "i2"], "P2": ["i3"]}, directions={"i2": -1})
ROW_DATA = {"i1": [0, 10, 4], "i2": [20, 40, NAN], "i3": [1, 3, 2]}


def test_row_mean_imputation_by_hand():
    # impute_by = "row", normalise_first: multiply by direction, min-max to [0, 1], fill with
    # the row mean of the unit's other scaled indicators, scale back, multiply by direction.
    # Scaled: i1 (0, 1, 0.4); i2·(−1) = (−20, −40, NaN) → (1, 0, NaN); i3 (0, 1, 0.5).
    # Whole index (level 3): u03's i2 = mean(0.4, 0.5) = 0.45 → 0.45·(−20 − −40) + −40 = −31
    # → times −1 = 31: 45 % of the way from the worst value 40 to the best 20.
    unit_data = data(ROW_FRAMEWORK, ROW_DATA)
    result = run(ROW_FRAMEWORK, unit_data, impute=engine.parse_impute("row-mean:3"))
    assert_allclose(column(result, "Imputed", "i2"), [20, 40, 31], rtol=1e-14)
    # "With group_level=k, only indicators in the same level-k group count": within P1 only
    # i1 (0.4) counts → 40 − 0.4·20 = 32.
    result = run(ROW_FRAMEWORK, unit_data, impute=engine.parse_impute("row-mean:2"))
    assert_allclose(column(result, "Imputed", "i2"), [20, 40, 32], rtol=1e-14)


@pytest.mark.parametrize(
    "method", ["mean", "median", "group-mean:G", "group-median:G", "row-mean:2", "row-mean:3"]
)
def test_observed_values_never_change(method):
    # Impute, "Safety rule. Observed values are never changed."
    framework = tree({"P1": ["i1", "i2"], "P2": ["i3"]}, directions={"i2": -1}, groups=["G"])
    raw = {
        "i1": [0.5, NAN, 3.25, 7.0, NAN, 1.0],
        "i2": [NAN, 2.0, 2.0, NAN, 9.5, 4.0],
        "i3": [1.0, 6.0, NAN, 2.0, 3.0, NAN],
    }
    unit_data = data(framework, {**raw, "G": ["A", "B", "A", "B", "A", "B"]})
    result = run(framework, unit_data, impute=engine.parse_impute(method))
    before = result.datasets["Raw"].to_numpy()
    after = result.datasets["Imputed"].to_numpy()
    observed = ~np.isnan(before)
    assert_array_equal(after[observed], before[observed])
    assert not np.isnan(after).all()
    assert (~np.isnan(after)).sum() > observed.sum()


# --- Screening, denomination, weights --------------------------------------------------


def test_screening_keeps_units_at_exactly_the_threshold():
    # Screen byNA: "keep if Dat_Avail >= dat_thresh", Dat_Avail = 1 − nNA/nInd. With four
    # indicators one missing value gives exactly 0.75 and two give 0.5.
    framework = flat(["i1", "i2", "i3", "i4"])
    unit_data = data(
        framework,
        {
            "i1": [1, 2, NAN, 4],
            "i2": [1, NAN, NAN, 0],
            "i3": [1, 2, 3, 4],
            "i4": [4, 3, 2, 1],
        },
    )
    result = run(framework, unit_data, screen=engine.Screen(0.75))
    assert_array_equal(result.screening["availability"], [1, 0.75, 0.5, 1])
    assert_array_equal(result.screening["nonzero"], [1, 1, 1, 0.75])
    assert_array_equal(result.screening["included"], [True, True, False, True])
    assert list(result.scores.index) == ["u01", "u02", "u04"]
    assert list(result.datasets["Screened"].index) == ["u01", "u02", "u04"]
    # byNAandzeros: also "Non_Zero >= nonzero_thresh".
    both = run(framework, unit_data, screen=engine.Screen(0.75, min_nonzero=0.8))
    assert list(both.scores.index) == ["u01", "u02"]


def test_denominate_divides_by_the_denominator_column():
    # Denominate: x / (denom / ScaleFactor), ScaleFactor 1.
    framework = flat(["i1", "i2"], denominators={"i1": "Pop"})
    unit_data = data(framework, {"i1": [10, 30, NAN], "i2": [1, 2, 3], "Pop": [4, 5, 2]})
    result = run(framework, unit_data, denominate=True)
    assert_allclose(column(result, "Denominated"), [2.5, 6, NAN])
    assert_array_equal(column(result, "Denominated", "i2"), [1, 2, 3])


def test_custom_weights_override_only_the_codes_given():
    framework = tree({"P1": ["i1", "i2"], "P2": ["i3"]}, weights={"i2": 2})
    unit_data = data(framework, {"i1": [0, 100], "i2": [100, 0], "i3": [0, 100]})
    result = run(framework, unit_data, weights=(("i1", 3.0),))
    # i1 3 (given), i2 keeps its framework weight 2, P1 and P2 keep 1.
    eff = result.effective_weights
    assert_allclose(
        eff[["i1", "i2", "i3", "P1", "P2"]], [3 / 5 / 2, 2 / 5 / 2, 1 / 2, 1 / 2, 1 / 2]
    )
    assert_allclose(result.scores["P1"], [2 / 5 * 100, 3 / 5 * 100])
    base = run(framework, unit_data)
    assert_allclose(base.effective_weights[["i1", "i2"]], [1 / 3 / 2, 2 / 3 / 2])
