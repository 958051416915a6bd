"""All-or-nothing imports of tabular files (CSV) with a report that names row and column.

An importer declares its columns; :func:`read_rows` parses every row, collects every
problem (not only the first) and returns parsed rows only when there are none. The
caller applies the rows in one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Parser = Callable[[str], Any]


@dataclass(frozen=True)
class Column:
    name: str
    parse: Parser = str
    required: bool = True


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file. ``row`` counts the header as row 1, like a spreadsheet."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ImportRejected(Exception):
    """Raised when an input has problems; nothing was changed."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            _("“%(value)s” is not a date; use YYYY-MM-DD.") % {"value": value}
        ) from None


def parse_bool(value: str) -> bool:
    folded = value.strip().lower()
    if folded in {"1", "true", "yes", "ya", "y"}:
        return True
    if folded in {"0", "false", "no", "tidak", "n", ""}:
        return False
    raise ValueError(_("“%(value)s” is not yes or no.") % {"value": value})


def choice(options: Iterable[str]) -> Parser:
    allowed = list(options)

    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(
                _("“%(value)s” is not one of: %(options)s.")
                % {"value": value, "options": ", ".join(allowed)}
            )
        return value

    return parse


def decode(raw: bytes | str) -> str:
    """Text of an uploaded file: UTF-8 (with or without BOM); a clear error otherwise."""
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected(
            [
                Problem(
                    None, "", _("The file is not UTF-8 text. Save it as CSV UTF-8 and try again.")
                )
            ]
        ) from None


def read_rows(raw: bytes | str, columns: list[Column]) -> list[dict[str, Any]]:
    """Parse a CSV file into dicts of typed values, or raise :class:`ImportRejected`."""
    rows, problems = parse_rows(raw, columns)
    if problems:
        raise ImportRejected(problems)
    return rows


def parse_rows(
    raw: bytes | str, columns: list[Column]
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Parse a CSV file into the rows that parsed cleanly and the problems of the others.

    Each row dict carries its spreadsheet row number as ``_row``. A file whose header is
    wrong raises :class:`ImportRejected` at once: no row can be read without it.
    """
    text = decode(raw)
    if "\0" in text:
        # The csv module refuses NUL bytes; say so instead of failing on the first one.
        line = text[: text.index("\0")].count("\n") + 1
        raise ImportRejected(
            [Problem(line, "", _("This line contains a NUL character; the file is not CSV text."))]
        )
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    problems: list[Problem] = []
    if not header:
        raise ImportRejected([Problem(1, "", _("The file is empty."))])
    reader.fieldnames = header
    known = {c.name for c in columns}
    for column in columns:
        if column.required and column.name not in header:
            problems.append(Problem(1, column.name, _("This column is missing.")))
    for name in header:
        if name not in known:
            problems.append(Problem(1, name, _("Unknown column.")))
    if problems:
        raise ImportRejected(problems)

    rows: list[dict[str, Any]] = []
    for number, record in enumerate(reader, start=2):
        if None in record:
            problems.append(Problem(number, "", _("This row has more cells than the header.")))
            continue
        parsed: dict[str, Any] = {"_row": number}
        before = len(problems)
        for column in columns:
            value = (record.get(column.name) or "").strip()
            if value == "":
                if column.required:
                    problems.append(Problem(number, column.name, _("A value is required.")))
                parsed[column.name] = None
                continue
            try:
                parsed[column.name] = column.parse(value)
            except ValidationError as exc:
                problems.append(Problem(number, column.name, " ".join(exc.messages)))
            except ValueError as exc:
                problems.append(Problem(number, column.name, str(exc)))
        if len(problems) == before:
            rows.append(parsed)
    if not rows and not problems:
        problems.append(Problem(2, "", _("The file has a header but no rows.")))
    return rows, problems


def read_workbook(content: bytes) -> dict[str, list[list[Any]]]:
    """Every sheet of an XLSX file as rows of cell values, by sheet name (as written).

    A file that is not a readable workbook is an :class:`ImportRejected` with one problem.
    """
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ImportRejected(
            [
                Problem(
                    None,
                    "",
                    _("The file is not a readable XLSX workbook (%(error)s).") % {"error": exc},
                )
            ]
        ) from None
    try:
        return {
            name: [list(row) for row in book[name].iter_rows(values_only=True)]
            for name in book.sheetnames
        }
    finally:
        book.close()


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_bytes(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    """A CSV download: UTF-8 with a byte-order mark (so spreadsheets read it as UTF-8),
    missing values as empty cells, formula-like text neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else safe_cell(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: Iterable[tuple[str, Iterable[Iterable[Any]]]]) -> bytes:
    """An XLSX download with one sheet per ``(name, rows)``, formula-like text neutralised."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([safe_cell(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
