"""Small frameworks and data sets for hand-computed engine tests (public API only)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from kotacerdas import engine


def unit_codes(n: int) -> list[str]:
    """``u01``, ``u02``, …: already in the order the engine sorts units."""
    return [f"u{i + 1:02d}" for i in range(n)]


def flat(
    codes: Sequence[str] = ("i1",),
    *,
    directions: Mapping[str, int] | None = None,
    weights: Mapping[str, float] | None = None,
    targets: Mapping[str, float] | None = None,
    goalposts: Mapping[str, tuple[float, float]] | None = None,
    denominators: Mapping[str, str] | None = None,
    groups: Sequence[str] = (),
) -> engine.Framework:
    """Indicators ``codes`` directly under one aggregate ``Index`` (level 2)."""
    return tree(
        {"Index": list(codes)},
        directions=directions,
        weights=weights,
        targets=targets,
        goalposts=goalposts,
        denominators=denominators,
        groups=groups,
        root=None,
    )


def tree(
    pillars: Mapping[str, Sequence[str]],
    *,
    directions: Mapping[str, int] | None = None,
    weights: Mapping[str, float] | None = None,
    targets: Mapping[str, float] | None = None,
    goalposts: Mapping[str, tuple[float, float]] | None = None,
    denominators: Mapping[str, str] | None = None,
    groups: Sequence[str] = (),
    root: str | None = "Index",
) -> engine.Framework:
    """Indicators under the aggregates ``pillars`` (level 2), all under ``root`` (level 3).

    With ``root=None`` the pillars themselves are the top (then give exactly one).
    """
    directions, weights = directions or {}, weights or {}
    targets, goalposts, denominators = targets or {}, goalposts or {}, denominators or {}
    records: list[dict[str, Any]] = []
    for pillar, codes in pillars.items():
        for code in codes:
            records.append(
                {
                    "code": code,
                    "type": "Indicator",
                    "level": 1,
                    "parent": pillar,
                    "weight": weights.get(code, 1.0),
                    "direction": directions.get(code, 1),
                    "target": targets.get(code),
                    "goalposts": goalposts.get(code),
                    "denominator": denominators.get(code),
                }
            )
    for pillar in pillars:
        records.append(
            {
                "code": pillar,
                "type": "Aggregate",
                "level": 2,
                "parent": root,
                "weight": weights.get(pillar, 1.0),
            }
        )
    if root is not None:
        records.append({"code": root, "type": "Aggregate", "level": 3, "parent": None})
    records += [{"code": g, "type": "Group"} for g in groups]
    return engine.framework_from_records(records)


def data(
    framework: engine.Framework,
    columns: Mapping[str, Sequence[Any]],
    codes: Sequence[str] | None = None,
) -> engine.UnitData:
    """Unit data from columns (indicators, groups, denominators) through ``read_data``."""
    n = len(next(iter(columns.values())))
    table = pd.DataFrame(
        {"uCode": list(codes or unit_codes(n)), **{k: list(v) for k, v in columns.items()}}
    )
    return engine.read_data(table, framework)


def run(
    framework: engine.Framework, unit_data: engine.UnitData, **recipe: Any
) -> engine.IndexResult:
    """``compute`` with a recipe that, unless told otherwise, does not treat outliers."""
    recipe.setdefault("treat", None)
    return engine.compute(framework, unit_data, engine.Recipe(**recipe))


def column(result: engine.IndexResult, dataset: str, code: str = "i1") -> np.ndarray:
    return result.datasets[dataset][code].to_numpy()
