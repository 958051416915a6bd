"""Weights that come from a rule or from the data rather than from the framework."""

from __future__ import annotations

import numpy as np

from ._errors import InputError, Issue
from ._framework import Framework
from ._pipeline import IndexResult


def equal_weights(framework: Framework) -> dict[str, float]:
    """Weight 1 for every indicator and aggregate: siblings count the same."""
    return {node.code: 1.0 for node in framework.nodes}


def pca_weights(
    result: IndexResult, *, level: int = 1, by_groups: bool = True, orient: bool = True
) -> dict[str, float]:
    """The first principal component's loadings as weights of the codes at ``level``.

    As COINr's ``get_PCA``: ``prcomp(center = TRUE, scale. = TRUE)`` on the rows without
    missing values, separately for the children of each parent when ``by_groups``, and the
    weights are the raw PC1 loadings (not normalised). The data are ``result``'s
    normalised indicators (level 1) or aggregates (higher levels), so directions are
    already applied.

    Parameters
    ----------
    result : IndexResult
        A computation whose data sets supply the columns.
    level : int
        Level of the codes whose weights are replaced.
    by_groups : bool
        One PCA per parent group (COINr's default) or one over the whole level.
    orient : bool
        The sign of a principal component is arbitrary (whatever LAPACK returns). With
        ``orient`` each group's loadings are flipped, if needed, so that they sum to a
        positive number; COINr keeps the raw sign, which can invert an aggregate. Pass
        ``False`` to get COINr's raw loadings.

    Returns
    -------
    dict
        ``{code: weight}`` for the codes at ``level``.

    Raises
    ------
    InputError
        When a group has fewer than two complete rows or a column without variance.
    """
    framework = result.framework
    if not 1 <= level < framework.max_level:
        raise InputError(Issue("unknown_level", {"level": level}))
    codes = framework.codes_at(level)
    frame = result.datasets["Aggregated"][list(codes)]
    if by_groups:
        groups: dict[str | None, list[str]] = {}
        for code in codes:
            groups.setdefault(framework.by_code[code].parent, []).append(code)
    else:
        groups = {None: list(codes)}
    weights: dict[str, float] = {}
    for parent, members in groups.items():
        if len(members) == 1:
            weights[members[0]] = 1.0
            continue
        x = frame[members].dropna().to_numpy(dtype=float)
        sd = x.std(axis=0, ddof=1) if len(x) > 1 else np.zeros(len(members))
        if len(x) < 2 or np.any(sd == 0):
            raise InputError(
                Issue(
                    "bad_option",
                    {
                        "option": "pca",
                        "reason": f"group {parent or 'all'} has too few complete rows "
                        "or a column without variance",
                    },
                )
            )
        z = (x - x.mean(axis=0)) / sd
        _, _, vt = np.linalg.svd(z, full_matrices=False)
        loadings = vt[0]
        if orient and loadings.sum() < 0:
            loadings = -loadings
        weights.update(zip(members, loadings.tolist(), strict=True))
    return weights
