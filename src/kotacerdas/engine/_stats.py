"""Column statistics that ignore missing values, vectorised over columns."""

from __future__ import annotations

import numpy as np


def nan_mean(x: np.ndarray, present: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Column mean ignoring NaN, refined by a second pass over the residuals as R's
    ``mean`` does, so that a constant column's mean is exactly its value."""
    mean = np.where(present, x, 0.0).sum(axis=0) / n
    return mean + np.where(present, x - mean, 0.0).sum(axis=0) / n


def _constant(x: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Columns whose present values are all equal (zero variance, whatever the rounding)."""
    low = np.where(present, x, np.inf).min(axis=0)
    high = np.where(present, x, -np.inf).max(axis=0)
    return low == high


def skew_kurt(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Excel's SKEW and KURT (e1071 type 2) of each column, ignoring NaN.

    Parameters
    ----------
    x : ndarray, shape (n_units, n_columns)

    Returns
    -------
    skew, kurt : ndarray, shape (n_columns,)
        Skewness is NaN below 3 values, excess kurtosis below 4, both for zero variance.
    """
    present = ~np.isnan(x)
    n = present.sum(axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = nan_mean(x, present, n)
        d = np.where(present, x - mean, 0.0)
        d2 = d * d
        m2 = np.where(_constant(x, present), 0.0, d2.sum(axis=0) / n)
        m3 = (d2 * d).sum(axis=0) / n
        m4 = (d2 * d2).sum(axis=0) / n
        g1 = m3 / m2**1.5
        skew = np.sqrt(n * (n - 1)) / (n - 2) * g1
        kurt = ((n + 1) * (m4 / m2**2 - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    skew[(n < 3) | (m2 == 0)] = np.nan
    kurt[(n < 4) | (m2 == 0)] = np.nan
    return skew, kurt


def rank_min(x: np.ndarray) -> np.ndarray:
    """Rank each column ascending, ties sharing the lowest rank; NaN stays NaN.

    R's ``rank(x, ties.method = "min", na.last = "keep")``, vectorised over columns.
    """
    x = np.asarray(x, dtype=float)
    squeeze = x.ndim == 1
    if squeeze:
        x = x[:, None]
    order = np.argsort(x, axis=0, kind="stable")  # NaN sorts last
    s = np.take_along_axis(x, order, axis=0)
    n = x.shape[0]
    starts = np.ones_like(s, dtype=bool)
    starts[1:] = s[1:] != s[:-1]
    position = np.where(starts, np.arange(n)[:, None], 0)
    first = np.maximum.accumulate(position, axis=0) + 1.0
    ranks = np.empty_like(x)
    np.put_along_axis(ranks, order, first, axis=0)
    ranks[np.isnan(x)] = np.nan
    return ranks[:, 0] if squeeze else ranks


def nan_min_max(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column minimum and maximum ignoring NaN (NaN for an all-missing column), no warning."""
    present = ~np.isnan(x)
    any_present = present.any(axis=0)
    low = np.where(present, x, np.inf).min(axis=0)
    high = np.where(present, x, -np.inf).max(axis=0)
    low[~any_present] = np.nan
    high[~any_present] = np.nan
    return low, high


def nan_mean_sd(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column mean and sample standard deviation (n − 1) ignoring NaN."""
    present = ~np.isnan(x)
    n = present.sum(axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = nan_mean(x, present, n)
        d = np.where(present, x - mean, 0.0)
        sd = np.sqrt((d * d).sum(axis=0) / (n - 1))
    sd[_constant(x, present) & (n > 1)] = 0.0
    return mean, sd
