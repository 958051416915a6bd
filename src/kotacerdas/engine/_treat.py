"""Outlier treatment as COINr's ``Treat`` does it by default.

A column is left alone unless both |skew| ≥ the skew threshold and excess kurtosis ≥ the
kurtosis threshold. Otherwise it is winsorised, one tied block of extreme values at a time,
at most ``winmax`` points; if that does not bring it within the thresholds, the original
column is log-transformed instead. All columns are treated together, one winsorising step
per loop turn, so the cost does not grow with a Python loop over indicators.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._stats import nan_min_max, skew_kurt

PASS, FAIL, UNKNOWN = 1, 0, -1


@dataclass(frozen=True)
class Treatment:
    """Outcome of :func:`treat`, one entry per column.

    Attributes
    ----------
    values : ndarray, shape (n_units, n_columns)
    method : ndarray of str
        ``none`` (passed), ``winsorise``, ``log_CT`` / ``log_CT_plus`` or ``untreated``
        (a check could not be computed, e.g. zero variance after winsorising).
    skew0, kurt0, skew1, kurt1, skew2, kurt2 : ndarray
        Skewness and kurtosis before, after winsorising and after the log (NaN if not done).
    nwin : ndarray of int
        Size of the last winsorised block at the top plus at the bottom (COINr's ``nwin``).
    winsorised_high, winsorised_low : ndarray of bool, shape (n_units, n_columns)
        Points of the last winsorised blocks, as COINr marks them.
    """

    values: np.ndarray
    method: np.ndarray
    skew0: np.ndarray
    kurt0: np.ndarray
    skew1: np.ndarray
    kurt1: np.ndarray
    skew2: np.ndarray
    kurt2: np.ndarray
    nwin: np.ndarray
    winsorised_high: np.ndarray
    winsorised_low: np.ndarray


def _check(skew: np.ndarray, kurt: np.ndarray, skew_thresh: float, kurt_thresh: float):
    """R's ``abs(skew) < s | kurt < k`` with its three-valued logic: PASS, FAIL or UNKNOWN."""
    with np.errstate(invalid="ignore"):
        passed = (np.abs(skew) < skew_thresh) | (kurt < kurt_thresh)
    unknown = ~passed & (np.isnan(skew) | np.isnan(kurt))
    return np.where(passed, PASS, np.where(unknown, UNKNOWN, FAIL))


def log_transform(x: np.ndarray, kind: str, skew: np.ndarray | None = None) -> np.ndarray:
    """COINr's ``log_CT`` and ``log_CT_plus`` of each column (NaN kept).

    ``log_CT``: log(x − min + 0.01·(max − min)). ``log_CT_plus`` uses that for columns with
    positive skew and −log(max + 0.01·(max − min) − x) for the others.
    """
    low, high = nan_min_max(x)
    a = 0.01 * (high - low)
    with np.errstate(invalid="ignore", divide="ignore"):
        right = np.log(x - low + a)
        if kind == "log_CT":
            return right
        if skew is None:
            skew, _ = skew_kurt(x)
        left = -np.log(high + a - x)
        with np.errstate(invalid="ignore"):
            positive = skew > 0
        return np.where(positive, right, left)


def treat(
    x: np.ndarray,
    *,
    winmax: int = 5,
    skew_threshold: float = 2.0,
    kurt_threshold: float = 3.5,
    log: str = "log_CT",
) -> Treatment:
    """Treat outliers column by column on the raw scale.

    Parameters
    ----------
    x : ndarray, shape (n_units, n_columns)
        Raw values (before directions are applied); NaN is ignored.
    winmax : int
        Winsorising stops once the last tied block(s) hold ``winmax`` points or more.
    skew_threshold, kurt_threshold : float
        A column passes when |skew| < skew_threshold or kurtosis < kurt_threshold.
    log : {"log_CT", "log_CT_plus", "none"}
        What to apply to the original column when winsorising is not enough.

    Returns
    -------
    Treatment
    """
    x = np.asarray(x, dtype=float)
    n_cols = x.shape[1]
    skew0, kurt0 = skew_kurt(x)
    state0 = _check(skew0, kurt0, skew_threshold, kurt_threshold)
    method = np.full(n_cols, "none", dtype=object)
    method[state0 == UNKNOWN] = "untreated"
    nan_cols = np.full(n_cols, np.nan)
    skew1, kurt1, skew2, kurt2 = nan_cols.copy(), nan_cols.copy(), nan_cols.copy(), nan_cols.copy()
    nwin = np.zeros(n_cols, dtype=int)
    win_hi = np.zeros_like(x, dtype=bool)
    win_lo = np.zeros_like(x, dtype=bool)
    out = x.copy()

    cols = np.flatnonzero(state0 == FAIL)
    if cols.size:
        w = x[:, cols].copy()
        skew, kurt = skew0[cols], kurt0[cols]
        n_hi = np.zeros(cols.size, dtype=int)
        n_lo = np.zeros(cols.size, dtype=int)
        last_hi = np.zeros_like(w, dtype=bool)
        last_lo = np.zeros_like(w, dtype=bool)
        broken = np.zeros(cols.size, dtype=bool)
        state = np.full(cols.size, FAIL)
        while True:
            active = (state == FAIL) & (n_hi + n_lo < winmax) & ~broken
            if not active.any():
                break
            # Only the columns still being winsorised take part in this turn.
            a = np.flatnonzero(active)
            sub = w[:, a]
            missing = np.isnan(sub)
            low, high = nan_min_max(sub)
            up = skew[a] >= 0
            is_high, is_low = sub == high, sub == low
            at_high = is_high & up
            at_low = is_low & ~up
            below_high = np.where(is_high | missing, -np.inf, sub).max(0)
            above_low = np.where(is_low | missing, np.inf, sub).min(0)
            w[:, a] = np.where(at_high, below_high, np.where(at_low, above_low, sub))
            last_hi[:, a] = np.where(up, at_high, last_hi[:, a])
            last_lo[:, a] = np.where(up, last_lo[:, a], at_low)
            n_hi[a] = np.where(up, at_high.sum(0), n_hi[a])
            n_lo[a] = np.where(up, n_lo[a], at_low.sum(0))
            new_skew, new_kurt = skew_kurt(w[:, a])
            skew[a], kurt[a] = new_skew, new_kurt
            state[a] = _check(new_skew, new_kurt, skew_threshold, kurt_threshold)
            # R evaluates the loop condition on an NA check and stops with an error; COINr's
            # Treat catches it and returns the column untreated.
            broken |= active & (state == UNKNOWN) & (n_hi + n_lo < winmax)
        nwin[cols] = n_hi + n_lo
        skew1[cols], kurt1[cols] = skew, kurt
        ok = (state == PASS) & ~broken
        untreated = broken | (state == UNKNOWN)
        method[cols[ok]] = "winsorise"
        method[cols[untreated]] = "untreated"
        out[:, cols[ok]] = w[:, ok]
        win_hi[:, cols[ok]] = last_hi[:, ok]
        win_lo[:, cols[ok]] = last_lo[:, ok]
        still = ~ok & ~untreated
        if still.any() and log == "none":
            # Without a fallback transformation the winsorised column is the best there is.
            out[:, cols[still]] = w[:, still]
            method[cols[still]] = "winsorise"
        elif still.any():
            logged_cols = cols[still]
            logged = log_transform(x[:, logged_cols], log, skew0[logged_cols])
            out[:, logged_cols] = logged
            method[logged_cols] = log
            skew2[logged_cols], kurt2[logged_cols] = skew_kurt(logged)
    return Treatment(out, method, skew0, kurt0, skew1, kurt1, skew2, kurt2, nwin, win_hi, win_lo)
