"""Method choices written as short option strings (``minmax:0,100``, ``group-mean:COL``).

The command line, the web forms and the stored results all use these strings, so a result
always says exactly how it was computed and the same text recomputes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._errors import InputError, Issue
from ._pipeline import Impute, Normalise, Recipe, Screen, Treat


def _bad(option: str, reason: str) -> InputError:
    return InputError(Issue("bad_option", {"option": option, "reason": reason}))


def _numbers(option: str, text: str, count: int) -> tuple[float, ...]:
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        raise _bad(option, f"{text!r} is not {count} comma-separated numbers") from None
    if len(values) != count:
        raise _bad(option, f"{text!r} is not {count} comma-separated numbers")
    return values


def parse_normalise(text: str) -> Normalise:
    """``minmax:L,U``, ``zscore:M,S``, ``rank``, ``prank``, ``borda``, ``dist2max``,
    ``dist2targ``, ``dist2targ-capped``, ``fracmax`` or ``goalposts[:SCALE]``."""
    name, _, arg = text.strip().partition(":")
    if name == "minmax":
        low, high = _numbers("--normalise", arg or "0,100", 2)
        if low >= high:
            raise _bad("--normalise", "the lower bound must be below the upper bound")
        return Normalise("minmax", (low, high))
    if name == "zscore":
        mean, sd = _numbers("--normalise", arg or "0,1", 2)
        if sd <= 0:
            raise _bad("--normalise", "the standard deviation must be positive")
        return Normalise("zscore", (mean, sd))
    if name == "goalposts":
        return Normalise("goalposts", _numbers("--normalise", arg or "100", 1))
    if name in ("rank", "prank", "borda", "dist2max", "dist2targ", "fracmax") and not arg:
        return Normalise(name, ())
    if name == "dist2targ-capped" and not arg:
        return Normalise("dist2targ", (), cap=True)
    raise _bad("--normalise", f"unknown method {text!r}")


def format_normalise(normalise: Normalise) -> str:
    def num(value: float) -> str:
        return f"{value:g}"

    if normalise.method in ("minmax", "zscore", "goalposts"):
        return f"{normalise.method}:{','.join(num(v) for v in normalise.params)}"
    if normalise.method == "dist2targ" and normalise.cap:
        return "dist2targ-capped"
    return normalise.method


def parse_impute(text: str) -> Impute | None:
    """``none``, ``mean``, ``median``, ``group-mean:COL``, ``group-median:COL`` or
    ``row-mean:LEVEL``."""
    name, _, arg = text.strip().partition(":")
    if name in ("", "none") and not arg:
        return None
    if name in ("mean", "median") and not arg:
        return Impute(name)
    if name in ("group-mean", "group-median"):
        if not arg:
            raise _bad("--impute", f"{name} needs a group column, e.g. {name}:Region")
        return Impute(name, group=arg)
    if name == "row-mean":
        try:
            return Impute(name, level=int(arg))
        except ValueError:
            raise _bad("--impute", "row-mean needs a level, e.g. row-mean:2") from None
    raise _bad("--impute", f"unknown method {text!r}")


def format_impute(impute: Impute | None) -> str:
    if impute is None:
        return "none"
    if impute.group:
        return f"{impute.method}:{impute.group}"
    if impute.level is not None:
        return f"{impute.method}:{impute.level}"
    return impute.method


def recipe_from_options(
    *,
    denominate: bool = False,
    impute: str = "none",
    screen_min_availability: float | None = None,
    treat: str = "winsorise",
    winmax: int = 5,
    skew_threshold: float = 2.0,
    kurt_threshold: float = 3.5,
    log: str = "log_CT",
    normalise: str = "minmax:0,100",
    aggregate: str = "amean",
    weights: Mapping[str, float] | None = None,
) -> Recipe:
    """Build a :class:`Recipe` from the command line's option values.

    Raises
    ------
    InputError
        Naming every option that is wrong, not only the first.
    """
    issues: list[Issue] = []

    def check(ok: bool, option: str, reason: str) -> None:
        if not ok:
            issues.append(_bad(option, reason).issues[0])

    check(treat in ("winsorise", "none"), "--treat", f"unknown method {treat!r}")
    check(log in ("log_CT", "log_CT_plus", "none"), "--log", f"unknown method {log!r}")
    check(aggregate in ("amean", "gmean", "hmean"), "--aggregate", f"unknown method {aggregate!r}")
    check(
        screen_min_availability is None or 0 <= screen_min_availability <= 1,
        "--screen-min-availability",
        "give a share between 0 and 1",
    )
    check(winmax >= 0, "--winmax", "give 0 or more")
    parsed: dict[str, Any] = {}
    for key, parse, text in (
        ("impute", parse_impute, impute),
        ("normalise", parse_normalise, normalise),
    ):
        try:
            parsed[key] = parse(text)
        except InputError as exc:
            issues.extend(exc.issues)
    if issues:
        raise InputError(issues)
    return Recipe(
        denominate=denominate,
        impute=parsed["impute"],
        screen=None if screen_min_availability is None else Screen(screen_min_availability),
        treat=None if treat == "none" else Treat(winmax, skew_threshold, kurt_threshold, log),
        normalise=parsed["normalise"],
        aggregate=aggregate,
        weights=tuple(sorted((weights or {}).items())),
    )


def recipe_options(recipe: Recipe) -> dict[str, Any]:
    """The option values that rebuild ``recipe`` with :func:`recipe_from_options`."""
    treat = recipe.treat
    return {
        "denominate": recipe.denominate,
        "impute": format_impute(recipe.impute),
        "screen_min_availability": recipe.screen.min_availability if recipe.screen else None,
        "treat": "winsorise" if treat else "none",
        "winmax": treat.winmax if treat else 5,
        "skew_threshold": treat.skew_threshold if treat else 2.0,
        "kurt_threshold": treat.kurt_threshold if treat else 3.5,
        "log": treat.log if treat else "log_CT",
        "normalise": format_normalise(recipe.normalise),
        "aggregate": recipe.aggregate,
        "weights": dict(recipe.weights),
    }
