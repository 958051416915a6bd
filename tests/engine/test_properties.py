"""Invariants of the engine over generated inputs (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from kotacerdas import engine

from ._build import data, flat, run

pytestmark = pytest.mark.unit

FAST = settings(max_examples=50, deadline=None, database=None)
FEW = settings(max_examples=10, deadline=None, database=None)

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_subnormal=False)


@FAST
@given(
    x=st.lists(values, min_size=2, max_size=12),
    bounds=st.tuples(
        st.floats(-1e3, 1e3, allow_subnormal=False), st.floats(1e-3, 1e3, allow_subnormal=False)
    ),
)
def test_minmax_lies_within_bounds_and_hits_both(x, bounds):
    low, width = bounds
    high = low + width
    assume(low < high)
    assume(max(x) - min(x) > 1e-6 * max(1.0, abs(max(x)), abs(min(x))))
    framework = flat(["i1"])
    result = run(
        framework, data(framework, {"i1": x}), normalise=engine.Normalise("minmax", (low, high))
    )
    out = result.datasets["Normalised"]["i1"].to_numpy()
    slack = 4 * np.spacing(max(abs(low), abs(high)))
    assert (out >= low).all() and (out <= high + slack).all()
    assert out.min() == low
    assert out.max() == pytest.approx(high, abs=slack)
    # Order is kept (ties may appear where rounding merges nearly equal values).
    by_x = out[np.argsort(x, kind="stable")]
    assert (np.diff(by_x) >= 0).all()


@st.composite
def frameworks(draw):
    """A random three-level tree with positive weights."""
    n_pillars = draw(st.integers(1, 4))
    weight = st.floats(0.01, 10, allow_subnormal=False)
    records = [{"code": "Index", "type": "Aggregate", "level": 3, "parent": None}]
    k = 0
    for p in range(n_pillars):
        records.append(
            {
                "code": f"P{p}",
                "type": "Aggregate",
                "level": 2,
                "parent": "Index",
                "weight": draw(weight),
            }
        )
        for _ in range(draw(st.integers(1, 4))):
            records.append(
                {
                    "code": f"i{k}",
                    "type": "Indicator",
                    "level": 1,
                    "parent": f"P{p}",
                    "weight": draw(weight),
                }
            )
            k += 1
    return engine.framework_from_records(records)


@FAST
@given(framework=frameworks())
def test_effective_weights_of_the_indicators_sum_to_one(framework):
    weights = framework.effective_weights()
    assert math.fsum(weights[c] for c in framework.indicators) == pytest.approx(1.0, rel=1e-12)
    assert math.fsum(weights[c] for c in framework.codes_at(2)) == pytest.approx(1.0, rel=1e-12)
    assert all(weights[c] > 0 for c in framework.indicators)
    assert weights["Index"] == 1.0


small_values = st.lists(
    st.one_of(st.sampled_from([0.0, 1.0, 2.0, 5.0]), st.just(math.nan)), min_size=1, max_size=15
)


@FAST
@given(x=small_values)
def test_ranks_of_the_index(x):
    # Borda scores keep ties and order, so the index ranks are those of x, descending.
    framework = flat(["i1"])
    result = run(framework, data(framework, {"i1": x}), normalise=engine.Normalise("borda", ()))
    ranks = result.ranks["Index"].to_numpy()
    x = np.array(x)
    present = ~np.isnan(x)
    assert_array_equal(np.isnan(ranks), ~present)
    if present.any():
        r = ranks[present]
        assert ((r >= 1) & (r <= present.sum())).all()
        assert (r == 1).sum() == (x[present] == x[present].max()).sum()
        # Higher value, better (smaller) rank; equal values, equal rank.
        for i in np.flatnonzero(present):
            for j in np.flatnonzero(present):
                if x[i] > x[j]:
                    assert ranks[i] < ranks[j]
                elif x[i] == x[j]:
                    assert ranks[i] == ranks[j]


@FAST
@given(x=st.lists(st.one_of(st.integers(-3, 3).map(float), st.just(math.nan)), max_size=20))
def test_rank_min_matches_a_plain_reference(x):
    # R's rank(x, ties.method = "min", na.last = "keep"): 1 + the number of smaller values.
    expected = [
        math.nan if math.isnan(v) else 1 + sum(1 for w in x if not math.isnan(w) and w < v)
        for v in x
    ]
    assert_array_equal(engine.rank_min(np.array(x, dtype=float)), np.array(expected))


@st.composite
def raise_one_value(draw):
    n = draw(st.integers(3, 8))
    table = [
        [draw(st.integers(0, 100)) + draw(st.sampled_from([0.0, 0.25, 0.5])) for _ in range(n)]
        for _ in range(3)
    ]
    unit = draw(st.integers(0, n - 1))
    indicator = draw(st.integers(0, 2))
    step = draw(st.floats(0.01, 200, allow_subnormal=False))
    directions = draw(st.lists(st.sampled_from([1, -1]), min_size=3, max_size=3))
    weights = draw(st.lists(st.floats(0.1, 5, allow_subnormal=False), min_size=3, max_size=3))
    return table, unit, indicator, step, directions, weights


@FAST
@given(case=raise_one_value())
def test_raising_a_value_moves_the_index_with_the_direction(case):
    table, unit, indicator, step, directions, weights = case
    # The other units must keep a spread, or min-max could turn the column into NaN.
    others = [v for k, v in enumerate(table[indicator]) if k != unit]
    assume(len(set(others)) > 1)
    codes = ["i1", "i2", "i3"]
    framework = flat(
        codes,
        directions=dict(zip(codes, directions, strict=True)),
        weights=dict(zip(codes, weights, strict=True)),
    )
    before = run(framework, data(framework, dict(zip(codes, table, strict=True))))
    raised = [list(col) for col in table]
    raised[indicator][unit] += step
    after = run(framework, data(framework, dict(zip(codes, raised, strict=True))))
    old, new = before.scores["Index"].iloc[unit], after.scores["Index"].iloc[unit]
    if directions[indicator] == 1:
        assert new >= old - 1e-12
    else:
        assert new <= old + 1e-12


FULL = engine.Recipe(
    denominate=True,
    impute=engine.Impute("group-mean", group="EurAsia_group"),
    screen=engine.Screen(0.9),
)


@pytest.fixture(scope="module")
def asem_reference(asem_framework, asem_data):
    return engine.compute(asem_framework, asem_data, FULL)


@FEW
@given(order=st.permutations(range(51)))
def test_result_does_not_depend_on_row_order(order, asem_framework, asem_table, asem_reference):
    reference = asem_reference
    recipe = FULL
    shuffled = asem_table.iloc[list(order)].reset_index(drop=True)
    result = engine.compute(asem_framework, engine.read_data(shuffled, asem_framework), recipe)
    pd.testing.assert_frame_equal(result.scores, reference.scores, check_exact=True)
    pd.testing.assert_frame_equal(result.ranks, reference.ranks, check_exact=True)
    pd.testing.assert_frame_equal(result.treatment, reference.treatment, check_exact=True)
    pd.testing.assert_frame_equal(result.screening, reference.screening, check_exact=True)


def small_problem():
    framework = flat(["i1", "i2", "i3"])
    rng = np.random.default_rng(7)
    unit_data = data(framework, {c: rng.uniform(1, 100, 12) for c in ("i1", "i2", "i3")})
    inputs = [
        engine.Uncertain.winmax((1, 2, 3)),
        engine.Uncertain.normalisation(
            [engine.Normalise("minmax", (1, 100)), engine.Normalise("zscore", (10, 2))],
            ["minmax", "zscore"],
        ),
        engine.Uncertain.aggregation(("amean", "gmean")),
    ]
    return framework, unit_data, inputs


@FEW
@given(seed=st.integers(0, 2**32 - 1), other=st.integers(0, 2**32 - 1))
def test_uncertainty_is_reproducible_by_seed(seed, other):
    assume(seed != other)
    framework, unit_data, inputs = small_problem()
    base = engine.Recipe()
    first = engine.uncertainty(framework, unit_data, base, inputs, n=16, seed=seed, n_jobs=1)
    again = engine.uncertainty(framework, unit_data, base, inputs, n=16, seed=seed, n_jobs=1)
    pd.testing.assert_frame_equal(first.design, again.design)
    assert_array_equal(first.runs.scores, again.runs.scores)
    pd.testing.assert_frame_equal(first.rank_stats, again.rank_stats)
    different = engine.uncertainty(framework, unit_data, base, inputs, n=16, seed=other, n_jobs=1)
    labels = [u.name for u in inputs]
    assert not first.design[labels].equals(different.design[labels])
