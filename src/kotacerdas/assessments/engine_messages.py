"""The engine's messages in the platform's languages.

The engine (``kotacerdas.engine``) knows no Django; each of its problems has a code and
English template. This catalogue repeats every template through ``gettext`` so that the
extractor finds it; a test checks that it covers exactly the engine's codes with the same
placeholders.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.tabular import Problem
from kotacerdas.engine import Issue

CATALOGUE = {
    "missing_column": _("required column %(column)s is missing"),
    "empty_table": _("the table has no rows"),
    "duplicate_code": _("code %(code)s appears more than once"),
    "missing_code": _("the code is empty"),
    "missing_value": _("a value is required"),
    "bad_type": _("type %(value)s is not one of Indicator, Aggregate, Group, Denominator, Other"),
    "bad_level": _("level %(value)s is not a whole number of 1 or more"),
    "levels_not_contiguous": _(
        "levels must run 1, 2, 3 … without gaps; level %(level)s is missing"
    ),
    "bad_number": _("%(value)s is not a number"),
    "bad_direction": _("direction %(value)s must be 1 or -1"),
    "negative_weight": _("weight %(value)s must not be negative"),
    "unknown_parent": _("parent %(parent)s is not an aggregate of this framework"),
    "parent_wrong_level": _(
        "parent %(parent)s is at level %(parent_level)s; expected level %(expected)s"
    ),
    "no_parent": _("code %(code)s at level %(level)s needs a parent"),
    "several_roots": _("the framework needs exactly one top aggregate; found %(codes)s"),
    "childless_aggregate": _("aggregate %(code)s has no children"),
    "no_indicators": _("the framework has no indicators"),
    "unknown_denominator": _("denominator %(denominator)s is not a Denominator column of the data"),
    "missing_indicator": _("indicator %(code)s of the framework has no column in the data"),
    "missing_unit_code": _("the unit code is empty"),
    "duplicate_unit": _("unit %(code)s appears more than once"),
    "several_times": _("the data holds several years (%(times)s); choose one"),
    "unknown_time": _("the data holds no rows for year %(time)s"),
    "unknown_group": _("group column %(column)s is not in the data"),
    "unknown_level": _("level %(level)s is not an aggregate level of this framework"),
    "unknown_code": _("code %(code)s is not in the framework"),
    "bad_option": _("%(option)s: %(reason)s"),
    "no_units_left": _("no unit is left after screening (minimum availability %(threshold)s)"),
    "gmean_domain": _(
        "the geometric mean of %(aggregate)s for unit %(unit)s needs positive values, but "
        "%(child)s is %(value)s"
    ),
    "hmean_domain": _(
        "the harmonic mean of %(aggregate)s for unit %(unit)s cannot use a zero, but %(child)s is 0"
    ),
    "no_target": _("distance to target needs a target for indicator %(code)s"),
    "no_goalposts": _("goalposts normalisation needs goalposts for indicator %(code)s"),
    "bad_weight_set": _("weight set %(set)s is not in the weight sets file"),
    "bad_design": _("design row %(row)s: %(reason)s"),
    "unreadable_file": _("%(path)s cannot be read: %(reason)s"),
    "unknown_format": _("%(path)s: use a .csv, .xlsx, .yaml or .yml file"),
}


def describe(issue: Issue) -> str:
    """The issue in the active language, with its row and column when known."""
    template = CATALOGUE.get(issue.code)
    message = (str(template) if template else issue.template) % dict(issue.params)
    if issue.row is None and not issue.column:
        return message
    if issue.row is None:
        return gettext("Column %(column)s: %(message)s") % {
            "column": issue.column,
            "message": message,
        }
    return str(Problem(issue.row, issue.column or "", message))
