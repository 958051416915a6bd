"""KotaCerdas's composite-index engine: plain numpy and pandas, no Django.

It builds a composite index the way the OECD/JRC Handbook on Constructing Composite
Indicators prescribes and gives the same results as the JRC's R package COINr 1.1.14:
denominate, impute, screen, treat outliers, normalise, weight, aggregate and rank, then
Monte-Carlo uncertainty and variance-based sensitivity analysis.

>>> framework = read_meta(meta_table)            # doctest: +SKIP
>>> data = read_data(data_table, framework)      # doctest: +SKIP
>>> result = compute(framework, data, Recipe())  # doctest: +SKIP
>>> result.table()                               # doctest: +SKIP
"""

from ._errors import MESSAGES, DomainError, EngineError, InputError, Issue
from ._framework import (
    Framework,
    Node,
    UnitData,
    framework_from_records,
    read_data,
    read_framework_yaml,
    read_meta,
    read_weights,
)
from ._io import read_framework_file, read_table, write_csv
from ._options import (
    format_impute,
    format_normalise,
    parse_impute,
    parse_normalise,
    recipe_from_options,
    recipe_options,
)
from ._pipeline import (
    AGGREGATORS,
    IMPUTERS,
    LOGS,
    Impute,
    IndexResult,
    Normalise,
    Recipe,
    Screen,
    Treat,
    compute,
)
from ._stats import rank_min, skew_kurt
from ._steps import NORMALISERS
from ._uncertainty import (
    Analysis,
    Runs,
    Uncertain,
    cut,
    evaluate,
    noisy_weights,
    replay,
    saltelli,
    sensitivity,
    sensitivity_indices,
    uncertainty,
)
from ._weights import equal_weights, pca_weights

__all__ = [
    "AGGREGATORS",
    "IMPUTERS",
    "LOGS",
    "MESSAGES",
    "NORMALISERS",
    "Analysis",
    "DomainError",
    "EngineError",
    "Framework",
    "Impute",
    "IndexResult",
    "InputError",
    "Issue",
    "Node",
    "Normalise",
    "Recipe",
    "Runs",
    "Screen",
    "Treat",
    "Uncertain",
    "UnitData",
    "compute",
    "cut",
    "equal_weights",
    "evaluate",
    "format_impute",
    "format_normalise",
    "framework_from_records",
    "noisy_weights",
    "parse_impute",
    "parse_normalise",
    "pca_weights",
    "rank_min",
    "read_data",
    "read_framework_file",
    "read_framework_yaml",
    "read_meta",
    "read_table",
    "read_weights",
    "recipe_from_options",
    "recipe_options",
    "replay",
    "saltelli",
    "sensitivity",
    "sensitivity_indices",
    "skew_kurt",
    "uncertainty",
    "write_csv",
]
