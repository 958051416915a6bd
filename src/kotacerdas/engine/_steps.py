"""The pipeline's steps on plain arrays: denominate, impute, screen, normalise, aggregate.

Arrays are (n_units, n_columns) with NaN for missing values; every function is vectorised
over units and columns. Formulas and edge cases follow COINr 1.1.14 (see the conformance
folder's METHODS.md), which the tests check to 1e-9.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ._errors import DomainError, InputError, Issue
from ._stats import nan_mean_sd, nan_min_max, rank_min


def denominate(
    x: np.ndarray, denominators: Sequence[np.ndarray | None], scale: float = 1.0
) -> np.ndarray:
    """Divide each column by its denominator column (``None``: left as is).

    COINr's ``x / (denom / ScaleFactor)``.
    """
    out = x.copy()
    for j, denom in enumerate(denominators):
        if denom is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                out[:, j] = x[:, j] / (denom / scale)
    return out


def impute_column(x: np.ndarray, how: str, groups: np.ndarray | None = None) -> np.ndarray:
    """Fill missing values with the column mean or median, overall or within each group.

    Parameters
    ----------
    how : {"mean", "median"}
    groups : ndarray of object, shape (n_units,), optional
        Group of each unit; units with no group (``None``) are left untouched. A group with
        no observed value stays missing.
    """
    stat = np.nanmean if how == "mean" else np.nanmedian
    out = x.copy()
    missing = np.isnan(x)
    if not missing.any():
        return out
    if groups is None:
        blocks = [np.ones(len(x), dtype=bool)]
    else:
        labels = [g for g in dict.fromkeys(groups.tolist()) if g is not None]
        blocks = [groups == g for g in labels]
    for block in blocks:
        part = x[block]
        observed = ~np.isnan(part)
        fill = np.full(x.shape[1], np.nan)
        has = observed.any(axis=0)
        if has.any():
            fill[has] = stat(part[:, has], axis=0)
        out[block] = np.where(np.isnan(part), fill, part)
    return out


def impute_row(x: np.ndarray, directions: np.ndarray, column_groups: Sequence[str]) -> np.ndarray:
    """Fill each missing value with the unit's mean over the other indicators of its group.

    The columns are first direction-adjusted and min-max scaled to [0, 1], the mean is taken
    there and the result scaled back (COINr's ``impute_by = "row"`` with
    ``normalise_first = TRUE``). Observed values never change.
    """
    adjusted = x * directions
    low, high = nan_min_max(adjusted)
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = (adjusted - low) / (high - low)
    filled = scaled.copy()
    labels = np.asarray(column_groups, dtype=object)
    for label in dict.fromkeys(column_groups):
        cols = labels == label
        block = scaled[:, cols]
        present = ~np.isnan(block)
        with np.errstate(invalid="ignore", divide="ignore"):
            row_mean = np.where(present, block, 0.0).sum(axis=1) / present.sum(axis=1)
        filled[:, cols] = np.where(present, block, row_mean[:, None])
    back = (filled * (high - low) + low) * directions
    return np.where(np.isnan(x), back, x)


def availability(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per unit: share of indicators present and share of present values that are not zero."""
    n_ind = x.shape[1]
    n_na = np.isnan(x).sum(axis=1)
    n_zero = (x == 0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1 - n_na / n_ind, 1 - n_zero / (n_ind - n_na)


NORMALISERS = (
    "minmax",
    "zscore",
    "rank",
    "prank",
    "borda",
    "dist2max",
    "dist2targ",
    "fracmax",
    "goalposts",
)


def normalise(
    x: np.ndarray,
    directions: np.ndarray,
    method: str = "minmax",
    *,
    params: Sequence[float] = (0.0, 100.0),
    targets: np.ndarray | None = None,
    cap: bool = False,
    goalposts: np.ndarray | None = None,
    codes: Sequence[str] = (),
) -> np.ndarray:
    """Normalise each column after multiplying it by its direction.

    Parameters
    ----------
    x : ndarray, shape (n_units, n_indicators)
    directions : ndarray, shape (n_indicators,)
    method : str
        ``minmax`` to [l, u] (``params``), ``zscore`` to mean m and sd s (``params``; sample
        sd), ``rank`` (1 = lowest, ties share the lowest), ``prank`` (rank − 1)/(n − 1),
        ``borda`` (rank − 1), ``dist2max`` (1 − (max − x)/(max − min)), ``dist2targ``
        ((x − min)/(target − min), capped at 1 when ``cap``), ``fracmax`` (x / max) or
        ``goalposts`` ((x − worst)/(best − worst) clipped to [0, 1] times ``params[0]``).
    targets : ndarray, shape (n_indicators,), optional
        Targets on the raw scale, for ``dist2targ``.
    goalposts : ndarray, shape (n_indicators, 2), optional
        (worst, best) on the raw scale, for ``goalposts``.

    Returns
    -------
    ndarray, same shape as ``x``
        A column with no spread becomes NaN where the formula divides by it, as in COINr.
    """
    v = x * directions
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "minmax":
            low, high = nan_min_max(v)
            lo, hi = params
            return (v - low) / (high - low) * (hi - lo) + lo
        if method == "zscore":
            mean, sd = nan_mean_sd(v)
            m, s = params
            out = (v - mean) / sd * s + m
            out[:, sd == 0] = np.nan
            return out
        if method in ("rank", "prank", "borda"):
            ranks = rank_min(v)
            if method == "rank":
                return ranks
            if method == "borda":
                return ranks - 1
            n = (~np.isnan(v)).sum(axis=0)
            return (ranks - 1) / (n - 1)
        if method == "dist2max":
            low, high = nan_min_max(v)
            return 1 - (high - v) / (high - low)
        if method == "fracmax":
            _, high = nan_min_max(v)
            return v / high
        if method == "dist2targ":
            if targets is None or np.isnan(targets).any():
                missing = [
                    codes[j] if codes else str(j)
                    for j in np.flatnonzero(targets is None or np.isnan(targets))
                ]
                raise InputError([Issue("no_target", {"code": c}) for c in missing])
            target = targets * directions
            low, _ = nan_min_max(v)
            out = (v - low) / (target - low)
            if cap:
                out = np.minimum(out, 1.0)
            return out
        if method == "goalposts":
            if goalposts is None or np.isnan(goalposts).any():
                bad = (
                    range(v.shape[1])
                    if goalposts is None
                    else np.flatnonzero(np.isnan(goalposts).any(axis=1))
                )
                raise InputError(
                    [Issue("no_goalposts", {"code": codes[j] if codes else j}) for j in bad]
                )
            worst = goalposts[:, 0] * directions
            best = goalposts[:, 1] * directions
            scale = params[0] if params else 1.0
            return np.clip((v - worst) / (best - worst), 0.0, 1.0) * scale
    raise InputError(Issue("bad_option", {"option": "normalise", "reason": method}))


def aggregate_level(
    x: np.ndarray,
    weights: np.ndarray,
    membership: np.ndarray,
    method: str = "amean",
    *,
    unit_codes: Sequence[str] = (),
    child_codes: Sequence[str] = (),
    parent_codes: Sequence[str] = (),
) -> np.ndarray:
    """Aggregate one level: each parent from its non-missing children, weights renormalised.

    Parameters
    ----------
    x : ndarray, shape (n_units, n_children)
    weights : ndarray, shape (n_children,) or (n_runs, n_children)
        With a second dimension, one aggregation per weight vector (returns a leading run
        axis), which the Monte-Carlo analysis uses to aggregate all runs at once.
    membership : ndarray, shape (n_children, n_parents)
        1 where the child belongs to the parent.
    method : {"amean", "gmean", "hmean"}

    Returns
    -------
    ndarray, shape (n_units, n_parents) or (n_runs, n_units, n_parents)

    Raises
    ------
    DomainError
        ``gmean`` on a value ≤ 0 or ``hmean`` on a zero, naming the first unit and
        aggregate concerned, where COINr stops too.
    """
    present = ~np.isnan(x)
    if method == "gmean":
        bad = present & (x <= 0)
    elif method == "hmean":
        bad = present & (x == 0)
    else:
        bad = None
    if bad is not None and bad.any():
        *_, unit, child = np.argwhere(bad)[0]
        parent = int(np.flatnonzero(membership[child])[0])
        code = "gmean_domain" if method == "gmean" else "hmean_domain"
        raise DomainError(
            Issue(
                code,
                {
                    "unit": unit_codes[unit] if len(unit_codes) else unit,
                    "aggregate": parent_codes[parent] if len(parent_codes) else parent,
                    "child": child_codes[child] if len(child_codes) else child,
                    "value": repr(float(x[unit, child])),
                },
            )
        )
    wm = weights[..., :, None] * membership  # (..., children, parents)
    filled = np.where(present, x, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "amean":
            num = filled @ wm
            den = present.astype(float) @ wm
            return num / den
        if method == "gmean":
            logs = np.where(present, np.log(np.where(present, x, 1.0)), 0.0)
            return np.exp((logs @ wm) / (present.astype(float) @ wm))
        if method == "hmean":
            inverse = np.where(present, 1.0 / np.where(present, x, 1.0), 0.0)
            return (present.astype(float) @ wm) / (inverse @ wm)
    raise InputError(Issue("bad_option", {"option": "aggregate", "reason": method}))


def rank_descending(scores: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score; ties share the best rank ("1224"); NaN stays NaN."""
    return rank_min(-scores)


def weight_vector(codes: Sequence[str], weights: Mapping[str, float]) -> np.ndarray:
    return np.array([weights[c] for c in codes], dtype=float)
