"""What the engine reports when its input or a method choice cannot be used.

The engine knows no Django and no translations. Every problem carries a stable ``code``, an
English ``template`` with ``%(name)s`` placeholders and the ``params`` that fill it, so
that a caller with a translation catalogue can say the same thing in another language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Every message the engine can produce, by code. Callers translate by code; a test checks
# that the platform's catalogue covers exactly these.
MESSAGES: dict[str, str] = {
    "missing_column": "required column %(column)s is missing",
    "empty_table": "the table has no rows",
    "duplicate_code": "code %(code)s appears more than once",
    "missing_code": "the code is empty",
    "missing_value": "a value is required",
    "bad_type": "type %(value)s is not one of Indicator, Aggregate, Group, Denominator, Other",
    "bad_level": "level %(value)s is not a whole number of 1 or more",
    "levels_not_contiguous": "levels must run 1, 2, 3 … without gaps; level %(level)s is missing",
    "bad_number": "%(value)s is not a number",
    "bad_direction": "direction %(value)s must be 1 or -1",
    "negative_weight": "weight %(value)s must not be negative",
    "unknown_parent": "parent %(parent)s is not an aggregate of this framework",
    "parent_wrong_level": (
        "parent %(parent)s is at level %(parent_level)s; expected level %(expected)s"
    ),
    "no_parent": "code %(code)s at level %(level)s needs a parent",
    "several_roots": "the framework needs exactly one top aggregate; found %(codes)s",
    "childless_aggregate": "aggregate %(code)s has no children",
    "no_indicators": "the framework has no indicators",
    "unknown_denominator": "denominator %(denominator)s is not a Denominator column of the data",
    "missing_indicator": "indicator %(code)s of the framework has no column in the data",
    "missing_unit_code": "the unit code is empty",
    "duplicate_unit": "unit %(code)s appears more than once",
    "several_times": "the data holds several years (%(times)s); choose one",
    "unknown_time": "the data holds no rows for year %(time)s",
    "unknown_group": "group column %(column)s is not in the data",
    "unknown_level": "level %(level)s is not an aggregate level of this framework",
    "unknown_code": "code %(code)s is not in the framework",
    "bad_option": "%(option)s: %(reason)s",
    "no_units_left": "no unit is left after screening (minimum availability %(threshold)s)",
    "gmean_domain": (
        "the geometric mean of %(aggregate)s for unit %(unit)s needs positive values, but "
        "%(child)s is %(value)s"
    ),
    "hmean_domain": (
        "the harmonic mean of %(aggregate)s for unit %(unit)s cannot use a zero, but %(child)s is 0"
    ),
    "no_target": "distance to target needs a target for indicator %(code)s",
    "no_goalposts": "goalposts normalisation needs goalposts for indicator %(code)s",
    "bad_weight_set": "weight set %(set)s is not in the weight sets file",
    "bad_design": "design row %(row)s: %(reason)s",
    "unreadable_file": "%(path)s cannot be read: %(reason)s",
    "unknown_format": "%(path)s: use a .csv, .xlsx, .yaml or .yml file",
}


@dataclass(frozen=True)
class Issue:
    """One problem, located where possible.

    Attributes
    ----------
    code : str
        Key of :data:`MESSAGES`.
    params : mapping
        Values for the placeholders of the template.
    row : int or None
        Row of the input table, counting the header as row 1 as a spreadsheet does.
    column : str or None
        Column of the input table.
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    row: int | None = None
    column: str | None = None

    @property
    def template(self) -> str:
        return MESSAGES[self.code]

    @property
    def message(self) -> str:
        return self.template % dict(self.params)

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return (", ".join(where) + ": " if where else "") + self.message


class EngineError(ValueError):
    """Raised with every :class:`Issue` found; nothing is computed when it is raised."""

    def __init__(self, issues: list[Issue] | Issue):
        issues = [issues] if isinstance(issues, Issue) else list(issues)
        # By row as a spreadsheet reads (problems without a row first), stable within a row.
        self.issues: tuple[Issue, ...] = tuple(
            sorted(issues, key=lambda i: -1 if i.row is None else i.row)
        )
        super().__init__("; ".join(str(issue) for issue in self.issues))


class InputError(EngineError):
    """The framework, the data or an option is not usable as given."""


class DomainError(EngineError):
    """A method cannot be applied to these values (COINr refuses in the same places)."""
