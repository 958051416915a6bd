"""Reading input tables from files and writing results, in full precision."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ._errors import InputError, Issue
from ._framework import Framework, read_framework_yaml, read_meta


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV (UTF-8, with or without BOM) or XLSX file as a table of strings.

    Every cell is kept as text so that the readers can name the row and column of a value
    that is not a number, and so that a code such as ``NA`` (Namibia) stays a code.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        if suffix == ".xlsx":
            table = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
            return table.rename(columns=lambda c: str(c).strip())
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(
            Issue("unreadable_file", {"path": path.name, "reason": " ".join(str(exc).split())})
        ) from exc
    raise InputError(Issue("unknown_format", {"path": path.name}))


def read_framework_file(path: str | Path, *, language: str = "en") -> Framework:
    """Read a framework from a COINr-style iMeta table (.csv/.xlsx) or the project's YAML."""
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            document: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise InputError(
                Issue("unreadable_file", {"path": path.name, "reason": " ".join(str(exc).split())})
            ) from exc
        if not isinstance(document, dict):
            raise InputError(
                Issue("unreadable_file", {"path": path.name, "reason": "not a mapping"})
            )
        return read_framework_yaml(document, language=language)
    return read_meta(read_table(path))


def write_csv(table: pd.DataFrame, path: str | Path) -> None:
    """Write ``table`` as CSV with every float in full (round-trip) precision."""
    table.to_csv(path, index=False, float_format=None, na_rep="")
