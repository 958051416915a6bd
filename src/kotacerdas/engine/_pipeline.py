"""A composite-index pipeline: the method choices (:class:`Recipe`) and their results."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from . import _steps
from ._errors import InputError, Issue
from ._framework import Framework, UnitData
from ._treat import Treatment, treat

IMPUTERS = ("mean", "median", "group-mean", "group-median", "row-mean")
AGGREGATORS = ("amean", "gmean", "hmean")
LOGS = ("log_CT", "log_CT_plus", "none")


@dataclass(frozen=True)
class Impute:
    """How to fill missing values.

    ``mean``/``median`` use the column; ``group-mean``/``group-median`` the unit's category
    in the data's ``group`` column; ``row-mean`` the unit's mean over the other indicators
    under the same aggregate at ``level`` (after direction-aware min-max scaling).
    """

    method: str
    group: str | None = None
    level: int | None = None


@dataclass(frozen=True)
class Screen:
    """Keep a unit only if its share of present indicator values reaches ``min_availability``
    (and, when given, its share of non-zero present values reaches ``min_nonzero``)."""

    min_availability: float = 2 / 3
    min_nonzero: float | None = None


@dataclass(frozen=True)
class Treat:
    """Outlier treatment (COINr's defaults)."""

    winmax: int = 5
    skew_threshold: float = 2.0
    kurt_threshold: float = 3.5
    log: str = "log_CT"


@dataclass(frozen=True)
class Normalise:
    """Normalisation; ``params`` are (l, u) for minmax, (mean, sd) for zscore, (scale,) for
    goalposts; ``cap`` caps distance to target at 1."""

    method: str = "minmax"
    params: tuple[float, ...] = (0.0, 100.0)
    cap: bool = False


@dataclass(frozen=True)
class Recipe:
    """Every method choice of one computation. Immutable and hashable, so results can be
    cached and stored beside the scores they produced.

    ``weights`` overrides the framework's weights for the codes it names.
    """

    denominate: bool = False
    impute: Impute | None = None
    screen: Screen | None = None
    treat: Treat | None = field(default_factory=Treat)
    normalise: Normalise = field(default_factory=Normalise)
    aggregate: str = "amean"
    weights: tuple[tuple[str, float], ...] = ()

    def with_weights(self, weights: Mapping[str, float]) -> Recipe:
        return replace(self, weights=tuple(sorted(weights.items())))

    def check(self, framework: Framework, data: UnitData) -> None:
        """Raise :class:`InputError` naming every option that cannot apply to these inputs."""
        issues: list[Issue] = []

        def bad(option: str, reason: str) -> None:
            issues.append(Issue("bad_option", {"option": option, "reason": reason}))

        if self.impute is not None:
            method = self.impute.method
            if method not in IMPUTERS:
                bad("impute", method)
            elif method.startswith("group-") and self.impute.group not in data.groups:
                issues.append(Issue("unknown_group", {"column": self.impute.group}))
            elif method == "row-mean" and not (
                self.impute.level and 2 <= self.impute.level <= framework.max_level
            ):
                issues.append(Issue("unknown_level", {"level": self.impute.level}))
        if self.screen is not None and not 0 <= self.screen.min_availability <= 1:
            bad("screen", str(self.screen.min_availability))
        if self.treat is not None:
            if self.treat.winmax < 0:
                bad("winmax", str(self.treat.winmax))
            if self.treat.log not in LOGS:
                bad("log", self.treat.log)
        norm = self.normalise
        if norm.method not in _steps.NORMALISERS:
            bad("normalise", norm.method)
        elif norm.method in ("minmax", "zscore") and len(norm.params) != 2:
            bad("normalise", f"{norm.method} needs two numbers")
        elif norm.method == "minmax" and norm.params[0] >= norm.params[1]:
            bad("normalise", "the lower bound must be below the upper bound")
        elif norm.method == "zscore" and norm.params[1] <= 0:
            bad("normalise", "the standard deviation must be positive")
        if self.aggregate not in AGGREGATORS:
            bad("aggregate", self.aggregate)
        for code, weight in self.weights:
            if code not in framework.by_code:
                issues.append(Issue("unknown_code", {"code": code}))
            elif not math.isfinite(weight):
                # Negative weights are allowed here: PCA loadings are signed, as in COINr.
                issues.append(Issue("bad_number", {"value": weight}))
        if issues:
            raise InputError(issues)


@dataclass(frozen=True)
class Prepared:
    """The data up to normalisation: what every aggregation of the same recipe shares."""

    keep: np.ndarray  # units kept by screening, shape (n_units,)
    normalised: np.ndarray  # (n_kept, n_indicators)
    datasets: dict[str, np.ndarray]
    treatment: Treatment | None
    availability: np.ndarray
    nonzero: np.ndarray


def prepare(framework: Framework, data: UnitData, recipe: Recipe) -> Prepared:
    """Run denominate → impute → screen → treat → normalise."""
    x = data.values
    datasets = {"Raw": x}
    if recipe.denominate:
        denominators = [
            data.denominators.get(framework.by_code[c].denominator)  # type: ignore[arg-type]
            if framework.by_code[c].denominator
            else None
            for c in framework.indicators
        ]
        x = _steps.denominate(x, denominators)
        datasets["Denominated"] = x
    if recipe.impute is not None:
        imp = recipe.impute
        if imp.method in ("mean", "median"):
            x = _steps.impute_column(x, imp.method)
        elif imp.method in ("group-mean", "group-median"):
            x = _steps.impute_column(x, imp.method[6:], data.groups[imp.group])  # type: ignore[index]
        else:
            groups = [framework.ancestor(c, imp.level) for c in framework.indicators]  # type: ignore[arg-type]
            x = _steps.impute_row(x, framework.directions, groups)
        datasets["Imputed"] = x
    available, nonzero = _steps.availability(x)
    keep = np.ones(len(x), dtype=bool)
    if recipe.screen is not None:
        keep = available >= recipe.screen.min_availability
        if recipe.screen.min_nonzero is not None:
            keep &= nonzero >= recipe.screen.min_nonzero
        if not keep.any():
            raise InputError(Issue("no_units_left", {"threshold": recipe.screen.min_availability}))
        x = x[keep]
        datasets["Screened"] = x
    treatment = None
    if recipe.treat is not None:
        t = recipe.treat
        treatment = treat(
            x,
            winmax=t.winmax,
            skew_threshold=t.skew_threshold,
            kurt_threshold=t.kurt_threshold,
            log=t.log,
        )
        x = treatment.values
        datasets["Treated"] = x
    norm = recipe.normalise
    nodes = [framework.by_code[c] for c in framework.indicators]
    x = _steps.normalise(
        x,
        framework.directions,
        norm.method,
        params=norm.params,
        cap=norm.cap,
        targets=np.array([n.target for n in nodes]),
        goalposts=np.array([n.goalposts or (math.nan, math.nan) for n in nodes]),
        codes=framework.indicators,
    )
    datasets["Normalised"] = x
    return Prepared(keep, x, datasets, treatment, available, nonzero)


def aggregate(
    framework: Framework,
    normalised: np.ndarray,
    weights: Mapping[str, float] | np.ndarray,
    method: str = "amean",
    *,
    unit_codes: np.ndarray | None = None,
) -> dict[int, np.ndarray]:
    """Aggregate level by level.

    Parameters
    ----------
    weights : mapping or ndarray
        ``{code: weight}``, or an array (n_runs, n_nodes) in framework node order to
        aggregate several weight sets at once.

    Returns
    -------
    dict of int to ndarray
        For each level ≥ 2, (n_units, n_codes_at_level), or with a leading run axis.
    """
    out: dict[int, np.ndarray] = {}
    current = normalised
    offsets = {}
    position = 0
    for level in range(1, framework.max_level + 1):
        offsets[level] = position
        position += len(framework.codes_at(level))
    for level in range(2, framework.max_level + 1):
        below = framework.codes_at(level - 1)
        if isinstance(weights, np.ndarray):
            start = offsets[level - 1]
            w = weights[..., start : start + len(below)]
        else:
            w = _steps.weight_vector(below, weights)
        current = _steps.aggregate_level(
            current,
            w,
            framework.membership[level],
            method,
            unit_codes=() if unit_codes is None else unit_codes,
            child_codes=below,
            parent_codes=framework.codes_at(level),
        )
        out[level] = current
    return out


@dataclass(frozen=True)
class IndexResult:
    """Scores and ranks of every aggregate, with the intermediate data sets.

    Attributes
    ----------
    scores : DataFrame
        Index ``uCode``; one column per aggregate, from the index down.
    ranks : DataFrame
        Same shape; 1 = best, ties share the best rank.
    datasets : dict of str to DataFrame
        ``Raw``, then each step run (``Denominated``, ``Imputed``, ``Screened``,
        ``Treated``, ``Normalised``) and ``Aggregated`` (normalised indicators and
        aggregates), each indexed by ``uCode``.
    treatment : DataFrame or None
        Per indicator: method, skew and kurtosis before/after, ``nwin``.
    treated_points : DataFrame or None
        Per unit and indicator: ``winhi``/``winlo`` for points of the last winsorised blocks
        (as COINr marks them), the log method for logged columns, empty otherwise.
    screening : DataFrame
        Per unit (all units): data availability, non-zero share, included.
    effective_weights : Series
        Each node's share of the index.
    """

    framework: Framework
    recipe: Recipe
    names: pd.Series
    scores: pd.DataFrame
    ranks: pd.DataFrame
    treatment: pd.DataFrame | None
    screening: pd.DataFrame
    effective_weights: pd.Series
    marks: Treatment | None = field(default=None, repr=False)
    steps: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    all_units: np.ndarray = field(default_factory=lambda: np.array([], dtype=str), repr=False)

    @cached_property
    def datasets(self) -> dict[str, pd.DataFrame]:
        """Every intermediate data set as a DataFrame (built when first asked for)."""
        indicators = list(self.framework.indicators)
        out = {}
        for name, values in self.steps.items():
            rows = (
                self.all_units if name in ("Raw", "Denominated", "Imputed") else self.scores.index
            )
            out[name] = pd.DataFrame(values, index=pd.Index(rows, name="uCode"), columns=indicators)
        # Aggregates level by level from the bottom, as COINr's data sets list them.
        framework = self.framework
        ascending = [c for lv in range(2, framework.max_level + 1) for c in framework.codes_at(lv)]
        out["Aggregated"] = pd.concat([out["Normalised"], self.scores[ascending]], axis=1)
        return out

    @cached_property
    def treated_points(self) -> pd.DataFrame | None:
        """Per unit and indicator, what treatment did to the point (built when asked for)."""
        t = self.marks
        if t is None:
            return None
        marks = np.full(t.values.shape, "", dtype=object)
        marks[t.winsorised_high] = "winhi"
        marks[t.winsorised_low] = "winlo"
        logged = np.isin(t.method, ["log_CT", "log_CT_plus"])
        marks[:, logged] = np.where(np.isnan(t.values[:, logged]), "", t.method[logged])
        return pd.DataFrame(marks, index=self.scores.index, columns=list(self.framework.indicators))

    def table(self) -> pd.DataFrame:
        """The results table: ``uCode``, ``uName``, each aggregate, ``Rank_<aggregate>``."""
        ranks = self.ranks.add_prefix("Rank_").astype("Int64")
        out = pd.concat([self.names.rename("uName"), self.scores, ranks], axis=1)
        return out.rename_axis("uCode").reset_index()


def compute(framework: Framework, data: UnitData, recipe: Recipe | None = None) -> IndexResult:
    """Compute the composite index of ``data`` under ``framework`` with ``recipe``.

    Raises
    ------
    InputError
        An option does not fit the framework or data.
    DomainError
        A method cannot be applied to the values (e.g. geometric mean of a zero).
    """
    recipe = recipe or Recipe()
    recipe.check(framework, data)
    prepared = prepare(framework, data, recipe)
    codes = data.codes[prepared.keep]
    weights = {**framework.weights(), **dict(recipe.weights)}
    levels = aggregate(framework, prepared.normalised, weights, recipe.aggregate, unit_codes=codes)
    index = pd.Index(codes, name="uCode")
    columns = [c for level in range(framework.max_level, 1, -1) for c in framework.codes_at(level)]
    scores = pd.DataFrame(
        np.hstack([levels[level] for level in range(framework.max_level, 1, -1)]),
        index=index,
        columns=columns,
    )
    ranks = pd.DataFrame(
        _steps.rank_descending(scores.to_numpy()), index=index, columns=scores.columns
    )
    treatment = None
    if prepared.treatment is not None:
        t = prepared.treatment
        treatment = pd.DataFrame(
            {
                "method": t.method,
                "skew_before": t.skew0,
                "kurt_before": t.kurt0,
                "nwin": t.nwin,
                "skew_winsorised": t.skew1,
                "kurt_winsorised": t.kurt1,
                "skew_logged": t.skew2,
                "kurt_logged": t.kurt2,
                "points_winsorised": t.winsorised_high.sum(0) + t.winsorised_low.sum(0),
            },
            index=pd.Index(framework.indicators, name="iCode"),
        )
    screening = pd.DataFrame(
        {
            "availability": prepared.availability,
            "nonzero": prepared.nonzero,
            "included": prepared.keep,
        },
        index=pd.Index(data.codes, name="uCode"),
    )
    effective = pd.Series(framework.effective_weights(weights), name="effective_weight")
    return IndexResult(
        framework=framework,
        recipe=recipe,
        names=pd.Series(data.names[prepared.keep], index=index, name="uName"),
        scores=scores,
        ranks=ranks,
        treatment=treatment,
        screening=screening,
        effective_weights=effective,
        marks=prepared.treatment,
        steps=prepared.datasets,
        all_units=data.codes,
    )
