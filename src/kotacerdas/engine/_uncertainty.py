"""Monte-Carlo uncertainty analysis and variance-based sensitivity analysis.

Each run is a full :class:`Recipe`. Runs that share everything up to normalisation share
that work (the expensive, per-indicator part); their aggregations, which differ only in
weights and the aggregation function, are done together as one batched matrix product.
Distinct upstream recipes are processed on a thread pool (numpy releases the GIL), so both
cores work. A run whose method cannot apply to its values (e.g. a geometric mean of a zero)
is recorded as failed with the reason; its scores are NaN, never silently dropped.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ._errors import EngineError, InputError, Issue
from ._framework import Framework, UnitData
from ._pipeline import Normalise, Recipe, aggregate, prepare
from ._stats import rank_min

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Uncertain:
    """One uncertain input: a name, labels of its alternatives and how each changes a recipe.

    Use the constructors :meth:`winmax`, :meth:`normalisation`, :meth:`aggregation`,
    :meth:`weight_sets` and :meth:`imputation`, or give any ``apply(recipe, i) -> recipe``.
    """

    name: str
    labels: tuple[str, ...]
    apply: Callable[[Recipe, int], Recipe]

    @property
    def n(self) -> int:
        return len(self.labels)

    @classmethod
    def winmax(cls, values: Sequence[int] = (1, 2, 3, 4, 5)) -> Uncertain:
        def apply(recipe: Recipe, i: int) -> Recipe:
            if recipe.treat is None:
                raise InputError(
                    Issue(
                        "bad_option",
                        {"option": "winmax", "reason": "the base recipe does not treat outliers"},
                    )
                )
            return replace(recipe, treat=replace(recipe.treat, winmax=int(values[i])))

        return cls("winmax", tuple(str(v) for v in values), apply)

    @classmethod
    def normalisation(cls, options: Sequence[Normalise], labels: Sequence[str]) -> Uncertain:
        return cls(
            "normalise", tuple(labels), lambda recipe, i: replace(recipe, normalise=options[i])
        )

    @classmethod
    def aggregation(cls, methods: Sequence[str] = ("amean", "gmean")) -> Uncertain:
        return cls(
            "aggregate", tuple(methods), lambda recipe, i: replace(recipe, aggregate=methods[i])
        )

    @classmethod
    def weight_sets(cls, sets: Mapping[str, Mapping[str, float]]) -> Uncertain:
        names = list(sets)
        frozen = [tuple(sorted(sets[name].items())) for name in names]
        return cls("weight_set", tuple(names), lambda recipe, i: replace(recipe, weights=frozen[i]))

    @classmethod
    def imputation(cls, options: Sequence[Any], labels: Sequence[str]) -> Uncertain:
        return cls("impute", tuple(labels), lambda recipe, i: replace(recipe, impute=options[i]))


def noisy_weights(
    framework: Framework,
    *,
    levels: Sequence[int] = (2, 3),
    factor: float = 0.25,
    n: int = 100,
    seed: int = 1001,
) -> dict[str, dict[str, float]]:
    """``n`` weight sets where each weight at ``levels`` becomes w·(1 + (2U − 1)·factor).

    Parameters
    ----------
    levels : sequence of int
        Levels of the nodes whose weights are perturbed (1 = indicators).
    factor : float
        Largest relative change of a weight.
    seed : int
        Seed of the random generator; the same seed gives the same sets.

    Returns
    -------
    dict
        ``{"1": {code: weight, ...}, ...}``, every node's weight in every set.
    """
    rng = np.random.default_rng(seed)
    base = framework.weights()
    codes = [node.code for node in framework.nodes]
    w = np.array([base[c] for c in codes])
    noisy = np.array([framework.by_code[c].level in set(levels) for c in codes])
    u = rng.random((n, len(codes)))
    sets = np.where(noisy, w * (1 + (2 * u - 1) * factor), w)
    return {str(k + 1): dict(zip(codes, sets[k].tolist(), strict=True)) for k in range(n)}


def cut(u: np.ndarray, n_alternatives: int) -> np.ndarray:
    """Map uniform samples to 0 … n−1 as R's ``cut(u, n)`` does (COINr's mapping).

    Equal-width bins over the observed range of ``u`` widened by 0.1 % at both ends,
    right-closed — not ``floor(u·n)``.
    """
    low, high = float(np.min(u)), float(np.max(u))
    spread = high - low
    if spread == 0:
        spread = abs(low)
        breaks = np.linspace(low - spread / 1000, high + spread / 1000, n_alternatives + 1)
    else:
        breaks = np.linspace(low, high, n_alternatives + 1)
        breaks[0], breaks[-1] = low - spread / 1000, high + spread / 1000
    return np.clip(np.searchsorted(breaks, u, side="left") - 1, 0, n_alternatives - 1)


@dataclass(frozen=True)
class Runs:
    """Scores and ranks of a target aggregate for many recipes.

    Attributes
    ----------
    units : ndarray of str, shape (n_units,)
        All units of the data (a unit screened out in a run has NaN there).
    scores, ranks : ndarray, shape (n_runs, n_units)
    errors : list of str or None
        Why each failed run failed (``None`` for a run that worked).
    """

    units: np.ndarray
    scores: np.ndarray
    ranks: np.ndarray
    errors: list[str | None]
    also: Mapping[str, Runs] = field(default_factory=dict)

    @property
    def failed(self) -> np.ndarray:
        return np.array([e is not None for e in self.errors])


def _weight_matrix(framework: Framework, recipes: Sequence[Recipe]) -> np.ndarray:
    base = framework.weights()
    codes = [node.code for node in framework.nodes]
    position = {c: j for j, c in enumerate(codes)}
    w = np.tile(np.array([base[c] for c in codes]), (len(recipes), 1))
    for r, recipe in enumerate(recipes):
        for code, weight in recipe.weights:
            w[r, position[code]] = weight
    return w


def evaluate(
    framework: Framework,
    data: UnitData,
    recipes: Sequence[Recipe],
    *,
    target: str | None = None,
    also: Sequence[str] = (),
    n_jobs: int = 2,
    progress: ProgressCallback | None = None,
) -> Runs:
    """Compute the ``target`` aggregate (the index by default) for every recipe.

    Parameters
    ----------
    recipes : sequence of Recipe
        One per run; each is checked first, and an unusable option stops everything.
    also : sequence of str
        Other aggregates to keep from the same runs, returned in ``Runs.also``.
    n_jobs : int
        Threads for distinct upstream recipes.
    progress : callable, optional
        Called as ``progress(done_runs, total_runs)``.
    """
    target = target or framework.root
    wanted = list(dict.fromkeys([target, *also]))
    for code in wanted:
        if code not in framework.aggregates:
            raise InputError(Issue("unknown_code", {"code": code}))
    places = [
        (framework.by_code[c].level, framework.codes_at(framework.by_code[c].level).index(c))
        for c in wanted
    ]
    for recipe in set(recipes):
        recipe.check(framework, data)
    n_runs, n_units = len(recipes), len(data.codes)
    scores = np.full((len(wanted), n_runs, n_units), np.nan)
    errors: list[str | None] = [None] * n_runs
    groups: dict[Recipe, list[int]] = defaultdict(list)
    for r, recipe in enumerate(recipes):
        groups[replace(recipe, aggregate="amean", weights=())].append(r)
    done = 0

    def run_group(item: tuple[Recipe, list[int]]) -> int:
        upstream, members = item
        try:
            prepared = prepare(framework, data, upstream)
        except EngineError as exc:
            for r in members:
                errors[r] = str(exc)
            return len(members)
        codes = data.codes[prepared.keep]
        by_method: dict[str, list[int]] = defaultdict(list)
        for r in members:
            by_method[recipes[r].aggregate].append(r)
        for method, runs in by_method.items():
            weights = _weight_matrix(framework, [recipes[r] for r in runs])
            try:
                levels = aggregate(
                    framework, prepared.normalised, weights, method, unit_codes=codes
                )
                kept = np.flatnonzero(prepared.keep)
                for t, (level, column) in enumerate(places):
                    scores[t][np.ix_(runs, kept)] = levels[level][..., column]
            except EngineError:
                # Some runs of this batch fail: find which, one at a time.
                for k, r in enumerate(runs):
                    try:
                        levels = aggregate(
                            framework, prepared.normalised, weights[k], method, unit_codes=codes
                        )
                        for t, (level, column) in enumerate(places):
                            scores[t, r, prepared.keep] = levels[level][:, column]
                    except EngineError as exc:
                        errors[r] = str(exc)
        return len(members)

    items = list(groups.items())
    with ThreadPoolExecutor(max_workers=max(1, n_jobs)) as pool:
        for finished in pool.map(run_group, items):
            done += finished
            if progress:
                progress(done, n_runs)
    results = [
        Runs(units=data.codes, scores=scores[t], ranks=rank_min(-scores[t].T).T, errors=errors)
        for t in range(len(wanted))
    ]
    return replace(results[0], also=dict(zip(wanted[1:], results[1:], strict=True)))


def rank_statistics(runs: Runs, nominal: np.ndarray, names: np.ndarray) -> pd.DataFrame:
    """Per unit: nominal rank and the mean, median, 5th and 95th percentile of its ranks.

    Percentiles are R's type 7 (numpy's default); failed runs are left out.
    """
    ranks = runs.ranks[~runs.failed]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if len(ranks):
            q = np.nanquantile(ranks, [0.05, 0.5, 0.95], axis=0)
            mean = np.nanmean(ranks, axis=0)
        else:
            q, mean = np.full((3, len(runs.units)), np.nan), np.full(len(runs.units), np.nan)
    return pd.DataFrame(
        {
            "uCode": runs.units,
            "uName": names,
            "Nominal": nominal,
            "Mean": mean,
            "Median": q[1],
            "Q5": q[0],
            "Q95": q[2],
        }
    )


def mean_rank_shift(runs: Runs, nominal: np.ndarray) -> np.ndarray:
    """The sensitivity target: for each run, the mean over units of |rank − nominal rank|."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(np.abs(runs.ranks - nominal), axis=1)


def sensitivity_indices(
    y: np.ndarray, n: int, inputs: Sequence[str], *, n_boot: int = 100, seed: int = 3003
) -> pd.DataFrame:
    """First-order (Si) and total (STi) indices from a Saltelli sample's outputs.

    Parameters
    ----------
    y : ndarray, shape (n · (d + 2),)
        Outputs of the runs A (n rows), B (n rows), then AB_1 … AB_d (n rows each).
    n : int
        Base sample size N.
    inputs : sequence of str
        Names of the d inputs.
    n_boot : int
        Bootstrap resamples for the 5 %–95 % intervals.

    Returns
    -------
    DataFrame
        One row per input: ``Si``, ``Si_q5``, ``Si_q95``, ``STi``, ``STi_q5``, ``STi_q95``.
    """
    d = len(inputs)
    y_a, y_b = y[:n], y[n : 2 * n]
    y_ab = y[2 * n :].reshape(d, n)

    def estimate(idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # idx: (n_sets, n) row choices; returns Si, STi of shape (n_sets, d). A failed run
        # (NaN output) leaves out only the rows it belongs to: pairwise-complete estimates.
        a, b, ab = y_a[idx], y_b[idx], y_ab[:, idx]  # ab: (d, n_sets, n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            var = np.nanvar(np.concatenate([a, b], axis=1), axis=1, ddof=1)
            si = np.nanmean(b * (ab - a), axis=2) / var
            sti = np.nanmean((a - ab) ** 2, axis=2) / (2 * var)
        return si.T, sti.T

    si, sti = estimate(np.arange(n)[None, :])
    rng = np.random.default_rng(seed)
    boot_si, boot_sti = estimate(rng.integers(0, n, size=(n_boot, n)))
    with warnings.catch_warnings():
        # Outputs without variance give infinite indices, and their quantiles NaN.
        warnings.simplefilter("ignore", RuntimeWarning)
        frame = pd.DataFrame(
            {
                "input": list(inputs),
                "Si": si[0],
                "Si_q5": np.quantile(boot_si, 0.05, axis=0),
                "Si_q95": np.quantile(boot_si, 0.95, axis=0),
                "STi": sti[0],
                "STi_q5": np.quantile(boot_sti, 0.05, axis=0),
                "STi_q95": np.quantile(boot_sti, 0.95, axis=0),
            }
        )
    return frame


@dataclass(frozen=True)
class Analysis:
    """Outcome of :func:`uncertainty` or :func:`sensitivity`.

    Attributes
    ----------
    design : DataFrame
        One row per run: the label of each input's alternative, ``status`` (ok/failed) and
        ``error``.
    runs : Runs
    nominal : ndarray
        The base recipe's ranks of the target, per unit.
    rank_stats : DataFrame
    indices : DataFrame or None
        Sensitivity indices (sensitivity analysis only).
    """

    design: pd.DataFrame
    runs: Runs
    nominal: np.ndarray
    rank_stats: pd.DataFrame
    indices: pd.DataFrame | None = None
    also: Mapping[str, pd.DataFrame] = field(default_factory=dict)


def _design_frame(inputs: Sequence[Uncertain], choice: np.ndarray, runs: Runs) -> pd.DataFrame:
    frame = pd.DataFrame(
        {u.name: [u.labels[i] for i in choice[:, k]] for k, u in enumerate(inputs)}
    )
    frame.insert(0, "run", np.arange(1, len(choice) + 1))
    frame["status"] = np.where(runs.failed, "failed", "ok")
    frame["error"] = [e or "" for e in runs.errors]
    return frame


def _nominal(framework, data, base, target, also) -> Runs:
    return evaluate(framework, data, [base], target=target, also=also, n_jobs=1)


def _analysis(inputs, choice, runs: Runs, nominal: Runs, names, first: int | None = None):
    def stats(r: Runs, nominal_ranks: np.ndarray) -> pd.DataFrame:
        if first is not None:
            r = Runs(r.units, r.scores[:first], r.ranks[:first], r.errors[:first])
        return rank_statistics(r, nominal_ranks, names)

    return Analysis(
        design=_design_frame(inputs, choice, runs),
        runs=runs,
        nominal=nominal.ranks[0],
        rank_stats=stats(runs, nominal.ranks[0]),
        also={code: stats(runs.also[code], nominal.also[code].ranks[0]) for code in runs.also},
    )


def _recipes(base: Recipe, inputs: Sequence[Uncertain], choice: np.ndarray) -> list[Recipe]:
    recipes = []
    for row in choice:
        recipe = base
        for k, u in enumerate(inputs):
            recipe = u.apply(recipe, int(row[k]))
        recipes.append(recipe)
    return recipes


def replay(
    framework: Framework,
    data: UnitData,
    base: Recipe,
    inputs: Sequence[Uncertain],
    choice: np.ndarray,
    *,
    target: str | None = None,
    also: Sequence[str] = (),
    n_jobs: int = 2,
    progress: ProgressCallback | None = None,
) -> Analysis:
    """Run exactly the given design: ``choice[r, k]`` is run r's alternative of input k.

    ``also`` names other aggregates whose rank statistics are wanted from the same runs
    (``Analysis.also``).
    """
    choice = np.asarray(choice, dtype=int)
    recipes = _recipes(base, inputs, choice)
    runs = evaluate(
        framework, data, recipes, target=target, also=also, n_jobs=n_jobs, progress=progress
    )
    nominal = _nominal(framework, data, base, target, also)
    return _analysis(inputs, choice, runs, nominal, data.names)


def uncertainty(
    framework: Framework,
    data: UnitData,
    base: Recipe,
    inputs: Sequence[Uncertain],
    *,
    n: int = 100,
    seed: int = 2002,
    target: str | None = None,
    also: Sequence[str] = (),
    n_jobs: int = 2,
    progress: ProgressCallback | None = None,
) -> Analysis:
    """Monte-Carlo uncertainty analysis over ``n`` random runs (seeded, reproducible)."""
    u = np.random.default_rng(seed).random((n, len(inputs)))
    choice = np.column_stack([cut(u[:, k], inp.n) for k, inp in enumerate(inputs)])
    return replay(
        framework,
        data,
        base,
        inputs,
        choice,
        target=target,
        also=also,
        n_jobs=n_jobs,
        progress=progress,
    )


def saltelli(n: int, d: int, seed: int) -> np.ndarray:
    """The N(d + 2) × d sample: A, B, then AB_i (A with column i from B) for each i."""
    rng = np.random.default_rng(seed)
    a, b = rng.random((n, d)), rng.random((n, d))
    blocks = [a, b]
    for i in range(d):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    return np.vstack(blocks)


def sensitivity(
    framework: Framework,
    data: UnitData,
    base: Recipe,
    inputs: Sequence[Uncertain],
    *,
    n: int = 100,
    seed: int = 3003,
    n_boot: int = 100,
    target: str | None = None,
    also: Sequence[str] = (),
    n_jobs: int = 2,
    progress: ProgressCallback | None = None,
    choice: np.ndarray | None = None,
) -> Analysis:
    """Variance-based sensitivity analysis on a Saltelli design of N(d + 2) runs.

    The output of a run is the mean absolute rank shift of the target from the nominal
    ranks. Rank statistics use the A and B runs only, as COINr does. Give ``choice`` to
    replay a design instead of sampling one (its rows must be in Saltelli order).
    """
    d = len(inputs)
    if choice is None:
        sample = saltelli(n, d, seed)
        choice = np.column_stack([cut(sample[:, k], inp.n) for k, inp in enumerate(inputs)])
    elif len(choice) % (d + 2):
        raise InputError(
            Issue(
                "bad_design",
                {"row": len(choice), "reason": f"a sensitivity design needs N·{d + 2} rows"},
            )
        )
    else:
        n = len(choice) // (d + 2)
    choice = np.asarray(choice, dtype=int)
    runs = evaluate(
        framework,
        data,
        _recipes(base, inputs, choice),
        target=target,
        also=also,
        n_jobs=n_jobs,
        progress=progress,
    )
    nominal = _nominal(framework, data, base, target, also)
    analysis = _analysis(inputs, choice, runs, nominal, data.names, first=2 * n)
    y = mean_rank_shift(runs, analysis.nominal)
    indices = sensitivity_indices(y, n, [u.name for u in inputs], n_boot=n_boot, seed=seed)
    return replace(analysis, indices=indices)
