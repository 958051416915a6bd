"""Bulk import and export of practices as JSON, XLSX or CSV.

JSON holds whole records (the shape of ``data/demo-practices.yaml``). XLSX holds four
sheets joined by the practice's short name: ``practices``, ``outcomes``, ``prerequisites``
and ``contacts``. CSV holds the ``practices`` sheet only, since a flat file cannot carry
the lists under a practice. An import is checked whole first and applied in one
transaction, or not at all; every problem names its row and column (sheet and column for
XLSX, record and field for JSON). Imported practices start as drafts of their lead region.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kotacerdas.core.services import require_rule
from kotacerdas.core.tabular import (
    ImportRejected,
    Problem,
    csv_bytes,
    decode,
    read_workbook,
    xlsx_bytes,
)
from kotacerdas.regions.models import Region

from .. import selectors
from ..content import FACTS, RESERVED_SLUGS, ContentInvalid, PracticeData, parse_record, record_of
from ..content import SLUG as SLUG_PATTERN
from ..models import Practice, PracticeVersion
from .library import create_practice

MAX_BYTES = 20 * 1024 * 1024
LIST_SEPARATOR = ";"
PRACTICE_COLUMNS = ("slug", "lead_region", *FACTS, *PracticeVersion.NARRATIVE)
LIST_COLUMNS = {
    "pillars",
    "sub_elements",
    "sdgs",
    "funding_sources",
    "partner_regions",
    "partner_organisations",
}
CHILD_SHEETS = {
    "outcomes": (
        "slug",
        "name",
        "unit",
        "baseline",
        "baseline_year",
        "value",
        "year",
        "source",
        "pad",
    ),
    "prerequisites": ("slug", "kind", "description", "min_budget_idr", "readiness", "min_level"),
    "contacts": ("slug", "name", "position", "agency", "email", "phone"),
}
EXPORT_EXTRA = ("is_demo", "version", "published_at", "review_score", "verified", "url")


# --- reading ---------------------------------------------------------------------------


class _Source:
    """Records read from a file, and where each field of each record came from."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        # record index → field path → (row, column) for the report
        self.places: list[dict[str, tuple[int | None, str]]] = []
        self.kind = "json"

    def place(self, index: int, path: str) -> tuple[int | None, str]:
        places = self.places[index]
        if path in places:
            return places[path]
        head = path.split(".")[0]
        if head in places:
            return places[head]
        base = head.split("[")[0]
        return places.get(base, places.get("", (None, "")))


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        value = value.strip()
        # Undo the apostrophe our own exports put before formula-like text.
        if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@"):
            value = value[1:]
    return value


def _split(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    return [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()]


def _flat_record(row: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {"narrative": {}}
    for name, value in row.items():
        if name in PracticeVersion.NARRATIVE:
            record["narrative"][name] = value
        elif name in LIST_COLUMNS:
            record[name] = _split(value)
        else:
            record[name] = value
    return record


def _table(
    header: list[Any],
    rows: list[list[Any]],
    columns: tuple[str, ...],
    sheet: str,
    problems: list[Problem],
) -> list[tuple[int, dict[str, Any]]]:
    names = [str(h or "").strip().lower() for h in header]
    label = f"{sheet}: " if sheet else ""
    if not any(names):
        problems.append(Problem(1, "", label + _("The sheet is empty.")))
        return []
    for name in names:
        if name and name not in columns and name not in EXPORT_EXTRA:
            problems.append(Problem(1, label + name, _("Unknown column.")))
    for required in (
        ("slug",) if sheet not in ("", "practices") else ("slug", "lead_region", "title")
    ):
        if required not in names:
            problems.append(Problem(1, label + required, _("This column is missing.")))
    table = []
    for number, cells in enumerate(rows, start=2):
        values = [_cell(c) for c in cells]
        if not any(v != "" for v in values):
            continue
        # A value under no header would be dropped unseen (a workbook pads every row to
        # its widest, so the header row is padded with blank names too).
        if any(v != "" for i, v in enumerate(values) if i >= len(names) or not names[i]):
            problems.append(
                Problem(number, label.strip(": "), _("This row has more cells than the header."))
            )
            continue
        table.append(
            (number, {n: v for n, v in zip(names, values, strict=False) if n and n in columns})
        )
    return table


def _read_xlsx(content: bytes, source: _Source, problems: list[Problem]) -> None:
    sheets = {
        name.strip().lower(): (rows[0] if rows else [], rows[1:])
        for name, rows in read_workbook(content).items()
    }
    if "practices" not in sheets:
        raise ImportRejected([Problem(None, "", _("The workbook has no sheet named “practices”."))])
    source.kind = "xlsx"
    header, rows = sheets["practices"]
    by_slug: dict[str, int] = {}
    for number, row in _table(header, rows, PRACTICE_COLUMNS, "practices", problems):
        index = len(source.records)
        source.records.append(_flat_record(row))
        source.places.append(
            {"": (number, "practices")}
            | {name: (number, f"practices: {name}") for name in PRACTICE_COLUMNS}
            | {f"narrative.{n}": (number, f"practices: {n}") for n in PracticeVersion.NARRATIVE}
        )
        slug = str(row.get("slug", ""))
        if slug in by_slug:
            problems.append(
                Problem(number, "practices: slug", _("“%(slug)s” appears twice.") % {"slug": slug})
            )
        by_slug[slug] = index
    for sheet, columns in CHILD_SHEETS.items():
        if sheet not in sheets:
            continue
        header, rows = sheets[sheet]
        for number, row in _table(header, rows, columns, sheet, problems):
            slug = str(row.pop("slug", ""))
            if slug not in by_slug:
                problems.append(
                    Problem(
                        number,
                        f"{sheet}: slug",
                        _("No practice “%(slug)s” on the practices sheet.") % {"slug": slug},
                    )
                )
                continue
            index = by_slug[slug]
            items = source.records[index].setdefault(sheet, [])
            items.append(row)
            position = len(items)
            source.places[index][f"{sheet}[{position}]"] = (number, sheet)
            for column in columns:
                source.places[index][f"{sheet}[{position}].{column}"] = (
                    number,
                    f"{sheet}: {column}",
                )


def _read_csv(content: bytes, source: _Source, problems: list[Problem]) -> None:
    import csv

    text = decode(content)
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise ImportRejected(
            [Problem(line, "", _("This line contains a NUL character; the file is not CSV text."))]
        )
    rows = list(csv.reader(io.StringIO(text)))
    source.kind = "csv"
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    for number, row in _table(header, body, PRACTICE_COLUMNS, "", problems):
        source.records.append(_flat_record(row))
        source.places.append(
            {"": (number, "")}
            | {name: (number, name) for name in PRACTICE_COLUMNS}
            | {f"narrative.{n}": (number, n) for n in PracticeVersion.NARRATIVE}
        )


def _read_json(content: bytes, source: _Source) -> None:
    try:
        document = json.loads(decode(content))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportRejected(
            [Problem(None, "", _("The file is not valid JSON (%(error)s).") % {"error": exc})]
        ) from None
    items = document.get("practices") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise ImportRejected(
            [
                Problem(
                    None,
                    "",
                    _("Expected a list of practices, or an object with a “practices” list."),
                )
            ]
        )
    for item in items:
        source.records.append(item if isinstance(item, dict) else {"_invalid": True})
        source.places.append({})


def read_file(content: bytes, filename: str) -> _Source:
    if len(content) > MAX_BYTES:
        raise ImportRejected([Problem(None, "", _("The file is larger than 20 MB."))])
    name = filename.lower()
    source = _Source()
    problems: list[Problem] = []
    if name.endswith(".xlsx"):
        _read_xlsx(content, source, problems)
    elif name.endswith(".csv"):
        _read_csv(content, source, problems)
    elif name.endswith(".json"):
        _read_json(content, source)
    else:
        raise ImportRejected([Problem(None, "", _("Upload a .json, .xlsx or .csv file."))])
    if problems:
        raise ImportRejected(problems)
    if not source.records:
        raise ImportRejected([Problem(None, "", _("The file holds no practices."))])
    return source


# --- checking and applying ---------------------------------------------------------------


def _problem(source: _Source, index: int, path: str, message: str) -> Problem:
    if source.kind == "json":
        where = f"practices[{index + 1}]" + (f".{path}" if path else "")
        return Problem(None, "", f"{where}: {message}")
    row, column = source.place(index, path)
    return Problem(row, column, message)


def plan_import(
    *, actor: Any, content: bytes, filename: str
) -> list[tuple[Region, str, PracticeData]]:
    """Check every record; return what to create, or raise ImportRejected with every problem.

    The secretariat imports for every region, an officer only rows of their own region."""
    require_rule(actor, "practices.import_practices")
    source = read_file(content, filename)
    regions = {r.code: r for r in Region.objects.all()}
    existing = set(
        Practice.objects.filter(
            slug__in=[str(r.get("slug", "")) for r in source.records]
        ).values_list("slug", flat=True)
    )
    problems: list[Problem] = []
    plan = []
    seen: set[str] = set()
    for index, record in enumerate(source.records):
        if record.get("_invalid"):
            problems.append(_problem(source, index, "", _("Expected an object.")))
            continue
        slug = str(record.get("slug") or "").strip()
        code = str(record.get("lead_region") or "").strip()
        if not slug or not SLUG_PATTERN.match(slug) or len(slug) > 80:
            problems.append(
                _problem(
                    source,
                    index,
                    "slug",
                    _("A short name of lowercase letters, digits and hyphens is required."),
                )
            )
        elif slug in RESERVED_SLUGS:
            problems.append(
                _problem(
                    source,
                    index,
                    "slug",
                    _("“%(slug)s” is reserved; choose another short name.") % {"slug": slug},
                )
            )
        elif slug in existing:
            problems.append(
                _problem(
                    source,
                    index,
                    "slug",
                    _("A practice with the short name “%(slug)s” exists.") % {"slug": slug},
                )
            )
        elif slug in seen:
            problems.append(
                _problem(source, index, "slug", _("“%(slug)s” appears twice.") % {"slug": slug})
            )
        seen.add(slug)
        region = regions.get(code)
        if region is None:
            problems.append(
                _problem(
                    source,
                    index,
                    "lead_region",
                    _("Unknown region code “%(code)s”.") % {"code": code},
                )
            )
        elif region.retired_at is not None:
            # As the indicator import does: a region merged or split away takes no new data.
            problems.append(
                _problem(
                    source,
                    index,
                    "lead_region",
                    _("Region %(code)s is retired from the registry.") % {"code": region.code},
                )
            )
        elif actor is not None and not actor.has_perm("practices.add_practice", region):
            problems.append(
                _problem(
                    source,
                    index,
                    "lead_region",
                    _("You may not add practices for %(region)s.") % {"region": region.name},
                )
            )
        try:
            data = parse_record(record)
        except ContentInvalid as invalid:
            problems += [_problem(source, index, p.field, p.message) for p in invalid.problems]
            continue
        unknown = [c for c in data.partner_regions if c not in regions]
        problems += [
            _problem(
                source, index, "partner_regions", _("Unknown region code “%(code)s”.") % {"code": c}
            )
            for c in unknown
        ]
        # Checked here as create_practice would, so the file is rejected with its row
        # instead of failing half-way through the import.
        if region is not None and region.code in data.partner_regions:
            problems.append(
                _problem(
                    source,
                    index,
                    "partner_regions",
                    _("The lead region cannot also be a partner."),
                )
            )
        if region is not None:
            plan.append((region, slug, data))
    if problems:
        raise ImportRejected(problems)
    return plan


def import_practices(*, actor: Any, content: bytes, filename: str) -> list[Practice]:
    """Create every practice in the file as a draft, or none of them."""
    plan = plan_import(actor=actor, content=content, filename=filename)
    with transaction.atomic():
        return [
            create_practice(actor=actor, region=region, data=data, slug=slug)
            for region, slug, data in plan
        ]


# --- writing -------------------------------------------------------------------------------


def _export_rows(practices: list[Practice]) -> list[dict[str, Any]]:
    reviews = selectors.published_reviews([p.pk for p in practices])
    rows = []
    for practice in practices:
        version = practice.published_version
        review = reviews.get(practice.pk)
        record = record_of(version)
        record = {"slug": practice.slug, "lead_region": practice.lead_region.code, **record}
        record.update(
            is_demo=practice.is_demo,
            version=version.number,
            published_at=version.published_at.isoformat() if version.published_at else None,
            review_score=review.total if review else None,
            verified=bool(review and review.verified),
        )
        rows.append(record)
    return rows


def export_queryset() -> list[Practice]:
    return list(
        selectors.published_practices()
        .prefetch_related(*selectors.version_content_prefetch("published_version__"))
        .order_by("slug")
    )


def export_json(practices: list[Practice]) -> bytes:
    document = {"practices": _export_rows(practices)}
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _flat(record: dict[str, Any]) -> list[Any]:
    values = []
    for name in PRACTICE_COLUMNS:
        value = record["narrative"][name] if name in PracticeVersion.NARRATIVE else record.get(name)
        if name in LIST_COLUMNS:
            value = LIST_SEPARATOR.join(str(v) for v in value or [])
        values.append(value)
    values += [
        record[name] for name in ("is_demo", "version", "published_at", "review_score", "verified")
    ]
    return values


def _children(rows: list[dict[str, Any]], sheet: str) -> list[list[Any]]:
    columns = CHILD_SHEETS[sheet]
    return [
        [record["slug"], *[item.get(c) for c in columns[1:]]]
        for record in rows
        for item in record[sheet]
    ]


HEADER = [*PRACTICE_COLUMNS, "is_demo", "version", "published_at", "review_score", "verified"]


def export_csv(practices: list[Practice]) -> bytes:
    rows = _export_rows(practices)
    return csv_bytes(HEADER, [_flat(r) for r in rows])


def export_xlsx(practices: list[Practice]) -> bytes:
    rows = _export_rows(practices)
    sheets = [("practices", [HEADER, *[_flat(r) for r in rows]])]
    for sheet, columns in CHILD_SHEETS.items():
        sheets.append((sheet, [list(columns), *_children(rows, sheet)]))
    return xlsx_bytes(sheets)


def template_xlsx() -> bytes:
    """An empty workbook with the four sheets and their headers, for data entry."""
    sheets = [("practices", [list(PRACTICE_COLUMNS)])]
    sheets += [(sheet, [list(columns)]) for sheet, columns in CHILD_SHEETS.items()]
    return xlsx_bytes(sheets)


__all__ = [
    "export_csv",
    "export_json",
    "export_queryset",
    "export_xlsx",
    "import_practices",
    "plan_import",
    "template_xlsx",
]
