"""The indicator framework (a tree of indicators and aggregates) and the unit data.

Both are read from COINr-style tables (``iMeta`` and ``iData``) or, for the framework, from
the project's YAML. Reading validates everything at once and reports each problem with its
row and column; the rest of the engine can then trust its inputs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ._errors import InputError, Issue

TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other")
META_COLUMNS = ("iCode", "Level", "Type", "Parent")
MISSING_TEXT = frozenset({"", "NA", "NaN", "nan", "NULL", "null"})


@dataclass(frozen=True)
class Node:
    """One indicator or aggregate of the framework."""

    code: str
    level: int
    parent: str | None
    weight: float = 1.0
    direction: int = 1
    name: str = ""
    unit: str = ""
    target: float = math.nan
    denominator: str | None = None
    goalposts: tuple[float, float] | None = None  # (worst, best) on the raw scale


@dataclass(frozen=True)
class Framework:
    """A validated indicator tree.

    Attributes
    ----------
    nodes : tuple of Node
        Indicators first, then aggregates level by level, each in the order given.
    groups : tuple of str
        Names of the data's group columns (COINr ``Type = Group``).
    denominators : tuple of str
        Names of the data's denominator columns (COINr ``Type = Denominator``).
    """

    nodes: tuple[Node, ...]
    groups: tuple[str, ...] = ()
    denominators: tuple[str, ...] = ()
    by_code: Mapping[str, Node] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_code", {node.code: node for node in self.nodes})

    @cached_property
    def indicators(self) -> tuple[str, ...]:
        return tuple(node.code for node in self.nodes if node.level == 1)

    @cached_property
    def max_level(self) -> int:
        return max(node.level for node in self.nodes)

    def codes_at(self, level: int) -> tuple[str, ...]:
        """Codes of the nodes at ``level`` in framework order."""
        return tuple(node.code for node in self.nodes if node.level == level)

    @cached_property
    def aggregates(self) -> tuple[str, ...]:
        """Aggregate codes from the top (the index) down, each level in framework order."""
        return tuple(
            code for level in range(self.max_level, 1, -1) for code in self.codes_at(level)
        )

    @cached_property
    def root(self) -> str:
        return self.codes_at(self.max_level)[0]

    @cached_property
    def _children(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for node in self.nodes:
            if node.parent is not None:
                out.setdefault(node.parent, []).append(node.code)
        return {code: tuple(kids) for code, kids in out.items()}

    def children(self, code: str) -> tuple[str, ...]:
        return self._children.get(code, ())

    def ancestor(self, code: str, level: int) -> str:
        """The aggregate at ``level`` above ``code`` (``code`` itself at its own level)."""
        node = self.by_code[code]
        while node.level < level:
            node = self.by_code[node.parent]  # type: ignore[index]
        return node.code

    @cached_property
    def directions(self) -> np.ndarray:
        """Direction (+1/-1) of each indicator, shape (n_indicators,)."""
        return np.array([self.by_code[c].direction for c in self.indicators], dtype=float)

    def weights(self) -> dict[str, float]:
        """The framework's own weight of every indicator and aggregate."""
        return {node.code: node.weight for node in self.nodes}

    def effective_weights(self, weights: Mapping[str, float] | None = None) -> dict[str, float]:
        """Each node's share of the index: weights normalised within siblings, multiplied down.

        As COINr's ``get_eff_weights``: in the ASEM example ``Goods`` = 1/5 · 1/5 · 1/2.
        """
        w = {**self.weights(), **(weights or {})}
        out: dict[str, float] = {}
        for level in range(self.max_level, 0, -1):
            for code in self.codes_at(level):
                node = self.by_code[code]
                if node.parent is None:
                    out[code] = 1.0
                    continue
                siblings = self.children(node.parent)
                total = sum(w[s] for s in siblings)
                out[code] = out[node.parent] * (w[code] / total if total else math.nan)
        return out

    @cached_property
    def membership(self) -> dict[int, np.ndarray]:
        """For each level L ≥ 2, the 0/1 matrix (codes at L-1) × (codes at L) of parenthood."""
        out = {}
        for level in range(2, self.max_level + 1):
            below, here = self.codes_at(level - 1), self.codes_at(level)
            index = {code: j for j, code in enumerate(here)}
            matrix = np.zeros((len(below), len(here)))
            for i, code in enumerate(below):
                matrix[i, index[self.by_code[code].parent]] = 1.0  # type: ignore[index]
            out[level] = matrix
        return out


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _number(value: Any, issues: list[Issue], row: int, column: str, default: float) -> float:
    text = _text(value)
    if text in MISSING_TEXT:
        return default
    try:
        return float(text)
    except ValueError:
        issues.append(Issue("bad_number", {"value": text}, row, column))
        return default


def read_meta(table: pd.DataFrame) -> Framework:
    """Read a COINr-style ``iMeta`` table into a :class:`Framework`.

    Parameters
    ----------
    table : DataFrame
        Columns ``iCode``, ``Level``, ``Type`` and ``Parent`` are required; ``iName``,
        ``Direction`` (default 1), ``Weight`` (default 1), ``Unit``, ``Target`` and
        ``Denominator`` are optional. Cells may be strings or numbers.

    Raises
    ------
    InputError
        With one issue per problem, each naming its row (header = row 1) and column.
    """
    issues: list[Issue] = [
        Issue("missing_column", {"column": c}, 1, c) for c in META_COLUMNS if c not in table
    ]
    if issues:
        raise InputError(issues)
    if table.empty:
        raise InputError(Issue("empty_table"))
    records = []
    skipped: set[str] = set()
    skipped_parents: set[str] = set()
    for i, raw in enumerate(table.to_dict("records")):
        row = i + 2
        kind = _text(raw.get("Type"))
        if kind not in TYPES:
            issues.append(Issue("bad_type", {"value": kind}, row, "Type"))
            skipped.add(_text(raw.get("iCode")))
            skipped_parents.add(_text(raw.get("Parent")))
            continue
        record: dict[str, Any] = {"row": row, "code": _text(raw.get("iCode")), "type": kind}
        if not record["code"]:
            issues.append(Issue("missing_code", {}, row, "iCode"))
            continue
        if kind in ("Indicator", "Aggregate"):
            level_text = _text(raw.get("Level"))
            try:
                level = float(level_text)
                if level != int(level) or level < 1:
                    raise ValueError
            except ValueError:
                issues.append(Issue("bad_level", {"value": level_text}, row, "Level"))
                skipped.add(record["code"])
                skipped_parents.add(_text(raw.get("Parent")))
                continue
            record["level"] = int(level)
            record["parent"] = _text(raw.get("Parent")) or None
            # Direction before Weight: the order of COINr's iMeta columns, so problems of
            # one row are reported left to right.
            direction = _number(raw.get("Direction"), issues, row, "Direction", 1.0)
            if direction not in (1.0, -1.0):
                issues.append(
                    Issue("bad_direction", {"value": _text(raw.get("Direction"))}, row, "Direction")
                )
            record["direction"] = int(direction) if direction in (1.0, -1.0) else 1
            record["weight"] = _number(raw.get("Weight"), issues, row, "Weight", 1.0)
            record["target"] = _number(raw.get("Target"), issues, row, "Target", math.nan)
            record["denominator"] = _text(raw.get("Denominator")) or None
            record["name"] = _text(raw.get("iName"))
            record["unit"] = _text(raw.get("Unit"))
        records.append(record)
    return _build(records, issues, skipped, skipped_parents)


def framework_from_records(records: Sequence[Mapping[str, Any]]) -> Framework:
    """Build and validate a framework from plain records.

    Each record has ``code``, ``type`` and, for indicators and aggregates, ``level``,
    ``parent``, ``weight``, ``direction``, and optionally ``name``, ``unit``, ``target``,
    ``denominator``, ``goalposts`` and ``row`` (where it came from, for messages).
    """
    return _build(records, [], set(), set())


def _build(
    records: Sequence[Mapping[str, Any]],
    issues: list[Issue],
    skipped: set[str],
    skipped_parents: set[str],
) -> Framework:
    """Validate the tree and build it; ``issues`` already found are reported with the rest.

    ``skipped`` holds codes of rows that could not be read and ``skipped_parents`` their
    parents. Problems that only follow from them (a gap in the levels, a parent that is one
    of them, an aggregate whose only children they were) are not reported again.
    """
    cell_issues = len(issues)
    seen: dict[str, int] = {}
    tree: list[Mapping[str, Any]] = []
    groups: list[str] = []
    denominators: list[str] = []
    for record in records:
        row, code = record.get("row"), record["code"]
        if code in seen:
            issues.append(Issue("duplicate_code", {"code": code}, row, "iCode"))
            continue
        seen[code] = 1
        kind = record["type"]
        if kind in ("Indicator", "Aggregate"):
            if kind == "Indicator" and record["level"] != 1:
                issues.append(Issue("bad_level", {"value": record["level"]}, row, "Level"))
            if record.get("weight", 1.0) < 0:
                issues.append(Issue("negative_weight", {"value": record["weight"]}, row, "Weight"))
            tree.append(record)
        elif kind == "Group":
            groups.append(code)
        elif kind == "Denominator":
            denominators.append(code)
    levels = {record["level"] for record in tree}
    if not any(record["type"] == "Indicator" for record in tree):
        issues.append(Issue("no_indicators"))
    for level in range(1, max(levels, default=1) + 1):
        if level not in levels:
            issues.append(Issue("levels_not_contiguous", {"level": level}))
    by_code = {record["code"]: record for record in tree}
    top = max(levels, default=1)
    roots = [r["code"] for r in tree if r["level"] == top]
    if len(roots) > 1:
        issues.append(Issue("several_roots", {"codes": ", ".join(roots)}))
    for record in tree:
        row, parent = record.get("row"), record.get("parent")
        if record["level"] == top:
            continue
        if not parent:
            issues.append(
                Issue(
                    "no_parent", {"code": record["code"], "level": record["level"]}, row, "Parent"
                )
            )
        elif parent not in by_code or by_code[parent]["type"] != "Aggregate":
            issues.append(Issue("unknown_parent", {"parent": parent}, row, "Parent"))
        elif by_code[parent]["level"] != record["level"] + 1:
            issues.append(
                Issue(
                    "parent_wrong_level",
                    {
                        "parent": parent,
                        "parent_level": by_code[parent]["level"],
                        "expected": record["level"] + 1,
                    },
                    row,
                    "Parent",
                )
            )
        denominator = record.get("denominator")
        if denominator and denominator not in denominators:
            # COINr also accepts a denominator column that iMeta does not list; so do we, and
            # the data reader checks that the column exists.
            denominators.append(denominator)
    if skipped:
        issues[cell_issues:] = [
            i
            for i in issues[cell_issues:]
            if i.code != "levels_not_contiguous"
            and not (i.code == "unknown_parent" and i.params.get("parent") in skipped)
        ]
    parents = {record.get("parent") for record in tree} | skipped_parents
    for record in tree:
        if record["type"] == "Aggregate" and record["code"] not in parents:
            issues.append(
                Issue("childless_aggregate", {"code": record["code"]}, record.get("row"), "iCode")
            )
    if issues:
        raise InputError(issues)
    ordered = sorted(tree, key=lambda r: r["level"])  # stable: framework order within a level
    nodes = tuple(
        Node(
            code=r["code"],
            level=r["level"],
            parent=r.get("parent") if r["level"] < top else None,
            weight=float(r.get("weight", 1.0)),
            direction=int(r.get("direction", 1)) if r["level"] == 1 else 1,
            name=r.get("name") or "",
            unit=r.get("unit") or "",
            target=float(r["target"]) if r.get("target") is not None else math.nan,
            denominator=r.get("denominator") or None,
            goalposts=tuple(r["goalposts"]) if r.get("goalposts") else None,
        )
        for r in ordered
    )
    return Framework(nodes=nodes, groups=tuple(groups), denominators=tuple(denominators))


def read_framework_yaml(document: Mapping[str, Any], *, language: str = "en") -> Framework:
    """Build a framework from the project's YAML document (already parsed).

    The document has ``aggregates`` and ``indicators`` lists whose entries carry ``code``,
    ``level`` (aggregates; indicators are level 1), ``parent``, ``weight``, ``direction``,
    ``name`` and ``unit`` as ``{language: text}``, ``target``, ``denominator`` and optional
    ``goalposts: [worst, best]``.
    """

    def label(value: Any) -> str:
        if isinstance(value, Mapping):
            return str(value.get(language) or next(iter(value.values()), ""))
        return "" if value is None else str(value)

    records: list[dict[str, Any]] = []
    for kind, key in (("Indicator", "indicators"), ("Aggregate", "aggregates")):
        for entry in document.get(key) or ():
            records.append(
                {
                    "code": str(entry["code"]),
                    "type": kind,
                    "level": 1 if kind == "Indicator" else int(entry["level"]),
                    "parent": entry.get("parent"),
                    "weight": float(entry.get("weight", 1)),
                    "direction": int(entry.get("direction", 1)),
                    "name": label(entry.get("name")),
                    "unit": label(entry.get("unit")),
                    "target": entry.get("target"),
                    "denominator": entry.get("denominator"),
                    "goalposts": entry.get("goalposts"),
                }
            )
    return framework_from_records(records)


@dataclass(frozen=True)
class UnitData:
    """Values of the framework's indicators for a set of units (one year).

    Attributes
    ----------
    codes : ndarray of str, shape (n_units,)
        Unit codes, sorted as COINr sorts them.
    names : ndarray of str, shape (n_units,)
    values : ndarray of float, shape (n_units, n_indicators)
        Indicator values in framework order; NaN where missing.
    groups : dict of str to ndarray of object
        Each group column; ``None`` where a unit has no group.
    denominators : dict of str to ndarray of float
    """

    codes: np.ndarray
    names: np.ndarray
    values: np.ndarray
    groups: Mapping[str, np.ndarray] = field(default_factory=dict)
    denominators: Mapping[str, np.ndarray] = field(default_factory=dict)

    def take(self, keep: np.ndarray) -> UnitData:
        """The same data restricted to the units where ``keep`` is true."""
        return UnitData(
            codes=self.codes[keep],
            names=self.names[keep],
            values=self.values[keep],
            groups={k: v[keep] for k, v in self.groups.items()},
            denominators={k: v[keep] for k, v in self.denominators.items()},
        )


def _parse_column(
    column: pd.Series, name: str, issues: list[Issue], rows: np.ndarray
) -> np.ndarray:
    """The column as floats; a cell that is not a number is an issue at its ``rows`` entry."""
    if column.dtype.kind in "fiu":
        return column.to_numpy(dtype=float)
    text = column.astype("string").str.strip().fillna("")
    missing = text.isin(MISSING_TEXT).to_numpy()
    filled = text.where(~missing, "nan")
    try:
        return filled.astype(float).to_numpy()
    except ValueError:
        pass
    out = np.full(len(text), np.nan)
    for i, value in enumerate(filled):
        try:
            out[i] = float(value)
        except ValueError:
            issues.append(Issue("bad_number", {"value": value}, int(rows[i]), name))
    return out


def read_data(table: pd.DataFrame, framework: Framework, *, time: int | None = None) -> UnitData:
    """Read a COINr-style ``iData`` table for ``framework``.

    Parameters
    ----------
    table : DataFrame
        One row per unit: ``uCode``, optional ``uName`` and ``Time``, the framework's group
        and denominator columns, and one column per indicator. Extra columns are ignored.
    framework : Framework
    time : int, optional
        The year to use when the table holds several.

    Raises
    ------
    InputError
        With one issue per problem (row counted with the header as row 1).
    """
    issues: list[Issue] = []
    if "uCode" not in table:
        issues.append(Issue("missing_column", {"column": "uCode"}, 1, "uCode"))
    for column in framework.indicators:
        if column not in table:
            issues.append(Issue("missing_indicator", {"code": column}, 1, column))
    needed_denominators = {framework.by_code[c].denominator for c in framework.indicators} - {None}
    for column in sorted(needed_denominators):
        if column not in table:
            issues.append(Issue("unknown_denominator", {"denominator": column}, 1, column))
    if "uCode" not in table:
        raise InputError(issues)
    rows = np.arange(len(table))
    if "Time" in table:
        times = _parse_column(table["Time"], "Time", issues, rows + 2)
        distinct = sorted({t for t in times if not math.isnan(t)})
        if time is not None:
            rows = rows[times == time]
            if not len(rows):
                raise InputError(Issue("unknown_time", {"time": time}, None, "Time"))
        elif len(distinct) > 1:
            raise InputError(
                Issue(
                    "several_times",
                    {"times": ", ".join(str(int(t)) for t in distinct)},
                    None,
                    "Time",
                )
            )
    table = table.iloc[rows]
    codes = table["uCode"].astype("string").str.strip().fillna("").to_numpy(dtype=object)
    seen: dict[str, int] = {}
    for i, code in zip(rows, codes, strict=True):
        if not code:
            issues.append(Issue("missing_unit_code", {}, i + 2, "uCode"))
        elif code in seen:
            issues.append(Issue("duplicate_unit", {"code": code}, i + 2, "uCode"))
        seen[code] = 1
    numbers = rows + 2  # spreadsheet row numbers of the rows kept
    values = np.column_stack(
        [
            _parse_column(table[c], c, issues, numbers)
            if c in table
            else np.full(len(rows), np.nan)
            for c in framework.indicators
        ]
    )
    denominators = {
        c: _parse_column(table[c], c, issues, numbers) for c in framework.denominators if c in table
    }
    if issues:
        raise InputError(issues)
    names = (
        table["uName"].astype("string").fillna("").to_numpy(dtype=object)
        if "uName" in table
        else codes.copy()
    )
    groups = {}
    for column in framework.groups:
        if column in table:
            group = table[column].astype("string").str.strip()
            group = group.where(~group.isin(MISSING_TEXT), None)
            groups[column] = group.to_numpy(dtype=object, na_value=None)
    order = np.argsort(codes.astype(str), kind="stable")
    return UnitData(
        codes=codes[order].astype(str),
        names=names[order].astype(str),
        values=values[order],
        groups={k: v[order] for k, v in groups.items()},
        denominators={k: v[order] for k, v in denominators.items()},
    )


def read_weights(table: pd.DataFrame, framework: Framework) -> dict[str, float]:
    """Read a weights table (columns ``iCode`` and ``Weight``) into ``{code: weight}``."""
    issues = [
        Issue("missing_column", {"column": c}, 1, c) for c in ("iCode", "Weight") if c not in table
    ]
    if issues:
        raise InputError(issues)
    weights: dict[str, float] = {}
    for i, record in enumerate(table.to_dict("records")):
        code = _text(record["iCode"])
        if code not in framework.by_code:
            issues.append(Issue("unknown_code", {"code": code}, i + 2, "iCode"))
            continue
        if _text(record["Weight"]) in MISSING_TEXT:
            issues.append(Issue("missing_value", {}, i + 2, "Weight"))
            continue
        weight = _number(record["Weight"], issues, i + 2, "Weight", math.nan)
        if weight < 0:
            issues.append(Issue("negative_weight", {"value": weight}, i + 2, "Weight"))
        weights[code] = weight
    if issues:
        raise InputError(issues)
    return weights
