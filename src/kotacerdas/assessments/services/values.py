"""Indicator values: the import template, the checked preview and the all-or-nothing import.

A file (CSV or XLSX) has one row per region and indicator. Every problem in it is reported
at once by row, column and reason; nothing is written unless the whole file is clean. The
preview compares each value with the one already stored so that the person importing
sees what will change before confirming.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core import audit
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.services import require
from kotacerdas.core.tabular import (
    ImportRejected,
    Problem,
    csv_bytes,
    decode,
    read_workbook,
    xlsx_bytes,
)
from kotacerdas.regions.codes import normalise_region_code
from kotacerdas.regions.models import Region

from ..models import Cycle, IndicatorValue, Node, ValueUpload

COLUMNS = (
    "region_code",
    "region_name",
    "indicator_code",
    "indicator_name",
    "unit",
    "value",
    "source",
    "year",
)
REQUIRED = ("region_code", "indicator_code", "value", "source")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
EARLIEST_YEAR = 2000


@dataclass(frozen=True)
class Change:
    """What importing one row does to the stored value."""

    row: int
    region: Region
    indicator: Node
    old: float | None
    new: float
    source: str
    year: int
    old_source: str = ""
    old_year: int | None = None

    @property
    def kind(self) -> str:
        if self.old is None:
            return "new"
        if self.old == self.new and self.old_source == self.source and self.old_year == self.year:
            return "unchanged"
        return "changed"


@dataclass
class ImportPlan:
    cycle: Cycle
    changes: list[Change] = field(default_factory=list)
    skipped: int = 0

    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "changed": 0, "unchanged": 0}
        for change in self.changes:
            counts[change.kind] += 1
        counts["skipped"] = self.skipped
        counts["regions"] = len({c.region.pk for c in self.changes})
        return counts

    def shown(self) -> list[Change]:
        """New and changed values first (what the import does), then unchanged ones."""
        order = {"changed": 0, "new": 1, "unchanged": 2}
        return sorted(self.changes, key=lambda c: (order[c.kind], c.row))


def read_records(content: bytes, filename: str) -> list[dict[str, Any]]:
    """Rows of a CSV or XLSX file as ``{column: text}`` with ``_row`` (header = row 1)."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportRejected([Problem(None, "", _("The file is larger than 10 MB."))])
    name = filename.lower()
    if name.endswith(".xlsx"):
        header, rows = _xlsx_rows(content)
    elif name.endswith(".csv"):
        text = decode(content)
        if "\0" in text:
            line = text[: text.index("\0")].count("\n") + 1
            raise ImportRejected(
                [
                    Problem(
                        line, "", _("This line contains a NUL character; the file is not CSV text.")
                    )
                ]
            )
        reader = csv.reader(io.StringIO(text))
        header = next(reader, [])
        rows = list(reader)
    else:
        raise ImportRejected([Problem(None, "", _("Upload a .csv or .xlsx file."))])
    header = [str(h or "").strip().lower() for h in header]
    problems = [Problem(1, c, _("This column is missing.")) for c in REQUIRED if c not in header]
    problems += [Problem(1, h, _("Unknown column.")) for h in header if h and h not in COLUMNS]
    if not any(header):
        problems = [Problem(1, "", _("The file is empty."))]
    if problems:
        raise ImportRejected(problems)
    records = []
    for number, cells in enumerate(rows, start=2):
        if len(cells) > len(header) and any(str(c or "").strip() for c in cells[len(header) :]):
            problems.append(Problem(number, "", _("This row has more cells than the header.")))
            continue
        record: dict[str, Any] = {"_row": number}
        for name, cell in zip(header, cells, strict=False):
            if name:
                record[name] = cell
        records.append(record)
    if problems:
        raise ImportRejected(problems)
    return records


def _xlsx_rows(content: bytes) -> tuple[list[Any], list[list[Any]]]:
    sheets = read_workbook(content)
    rows = sheets["values"] if "values" in sheets else next(iter(sheets.values()), [])
    return (rows[0] if rows else []), rows[1:]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_number(value: Any) -> float:
    """A number from a cell: 12.5, 12,5 (Indonesian decimal comma) or a spreadsheet number."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        number = float(text)
    if not math.isfinite(number):
        raise ValueError
    return number


def _number_text(value: float) -> str:
    return f"{value:g}"


def plan_import(*, actor: Any, cycle: Cycle, content: bytes, filename: str) -> ImportPlan:
    """Check a values file completely and say what importing it would change.

    Raises
    ------
    ImportRejected
        With every problem found, each naming its row and column.
    """
    if cycle.status != Cycle.Status.OPEN:
        raise ImportRejected(
            [
                Problem(
                    None,
                    "",
                    _("The %(year)s cycle is closed; its values can no longer change.")
                    % {"year": cycle.year},
                )
            ]
        )
    records = read_records(content, filename)
    indicators = {n.code: n for n in cycle.framework.nodes.filter(level=1)}
    regions = {r.code: r for r in Region.objects.all()}
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    parsed: list[tuple[int, Region, Node, float, str, int]] = []
    skipped = 0
    allowed: dict[int, bool] = {}
    for record in records:
        row = record["_row"]
        value_text = _text(record.get("value"))
        code_text = _text(record.get("region_code"))
        indicator_code = _text(record.get("indicator_code"))
        if not value_text:
            # Template rows left empty are not an error: the region has no value for them.
            skipped += 1
            continue
        before = len(problems)
        region = None
        try:
            region = regions.get(normalise_region_code(code_text))
            if region is None:
                problems.append(
                    Problem(
                        row,
                        "region_code",
                        _("Region code %(code)s is not in the registry.") % {"code": code_text},
                    )
                )
        except ValidationError:
            problems.append(
                Problem(
                    row,
                    "region_code",
                    _("Region code %(code)s is not in the registry.") % {"code": code_text},
                )
            )
        if region is not None and region.retired_at is not None:
            problems.append(
                Problem(
                    row,
                    "region_code",
                    _("Region %(code)s is retired from the registry.") % {"code": region.code},
                )
            )
        if region is not None and actor is not None:
            if region.pk not in allowed:
                allowed[region.pk] = actor.has_perm("assessments.import_values", region)
            if not allowed[region.pk]:
                problems.append(
                    Problem(
                        row,
                        "region_code",
                        _("You may import values only for your own region; %(code)s is not.")
                        % {"code": region.code},
                    )
                )
        indicator = indicators.get(indicator_code)
        if indicator is None:
            problems.append(
                Problem(
                    row,
                    "indicator_code",
                    _("Indicator %(code)s is not in the framework %(framework)s.")
                    % {"code": indicator_code or "—", "framework": cycle.framework},
                )
            )
        number = None
        try:
            number = parse_number(record.get("value"))
        except ValueError:
            problems.append(
                Problem(row, "value", _("“%(value)s” is not a number.") % {"value": value_text})
            )
        if number is not None and indicator is not None:
            low, high = indicator.min_value, indicator.max_value
            if (low is not None and number < low) or (high is not None and number > high):
                problems.append(
                    Problem(
                        row,
                        "value",
                        _(
                            "%(value)s is outside the valid range %(low)s to %(high)s of %(code)s "
                            "(%(unit)s)."
                        )
                        % {
                            "value": value_text,
                            "low": "−∞" if low is None else _number_text(low),
                            "high": "∞" if high is None else _number_text(high),
                            "code": indicator.code,
                            "unit": indicator.unit,
                        },
                    )
                )
        unit = _text(record.get("unit"))
        if (
            unit
            and indicator is not None
            and unit.casefold() not in {indicator.unit_id.casefold(), indicator.unit_en.casefold()}
        ):
            problems.append(
                Problem(
                    row,
                    "unit",
                    _(
                        "The unit “%(unit)s” does not match the indicator's unit “%(expected)s”; "
                        "convert the value first."
                    )
                    % {"unit": unit, "expected": indicator.unit},
                )
            )
        source = _text(record.get("source"))
        if not source:
            problems.append(
                Problem(
                    row,
                    "source",
                    _(
                        "Name the source of the value, for example “BPS, Kota Kupang Dalam Angka "
                        "2024”."
                    ),
                )
            )
        year_text = _text(record.get("year"))
        year = cycle.year
        if year_text:
            try:
                year = int(float(year_text.replace(",", ".")))
                if str(year) != year_text and float(year_text.replace(",", ".")) != year:
                    raise ValueError
                if not EARLIEST_YEAR <= year <= cycle.year:
                    problems.append(
                        Problem(
                            row,
                            "year",
                            _("The data year must be between %(low)s and %(high)s.")
                            % {"low": EARLIEST_YEAR, "high": cycle.year},
                        )
                    )
            except ValueError:
                problems.append(
                    Problem(row, "year", _("“%(value)s” is not a year.") % {"value": year_text})
                )
        if region is not None and indicator is not None:
            key = (region.code, indicator.code)
            if key in seen:
                problems.append(
                    Problem(
                        row,
                        "indicator_code",
                        _("Region %(region)s and indicator %(code)s already appear in row %(row)s.")
                        % {"region": region.code, "code": indicator.code, "row": seen[key]},
                    )
                )
            else:
                seen[key] = row
        if len(problems) == before:
            parsed.append((row, region, indicator, number, source, year))  # type: ignore[arg-type]
    if not parsed and not problems:
        problems.append(Problem(None, "", _("The file holds no values.")))
    if problems:
        raise ImportRejected(problems)
    existing = {
        (v.region_id, v.indicator_id): v
        for v in IndicatorValue.objects.filter(cycle=cycle, region__in={p[1].pk for p in parsed})
    }
    plan = ImportPlan(cycle=cycle, skipped=skipped)
    for row, region, indicator, number, source, year in parsed:
        old = existing.get((region.pk, indicator.pk))
        plan.changes.append(
            Change(
                row=row,
                region=region,
                indicator=indicator,
                old=old.value if old else None,
                new=number,
                source=source,
                year=year,
                old_source=old.source if old else "",
                old_year=old.year if old else None,
            )
        )
    return plan


def upload(
    *, actor: Any, cycle: Cycle, content: bytes, filename: str
) -> tuple[ValueUpload, ImportPlan]:
    """Keep an uploaded file and check it; the caller shows the plan as a preview.

    The file is stored even when it has problems, so that the person importing can see
    the report again; nothing is applied until :func:`apply_upload`.
    """
    if actor is not None and not actor.has_perm("assessments.import_all_values"):
        require(actor, "assessments.import_values", getattr(actor, "region", None))
    stored = ValueUpload.objects.create(
        cycle=cycle,
        filename=filename[:200],
        content=content,
        uploaded_by=audit.acting_user(actor),
    )
    plan = plan_import(actor=actor, cycle=cycle, content=content, filename=filename)
    stored.summary = plan.counts()
    stored.save(update_fields=["summary"])
    return stored, plan


def apply_upload(*, actor: Any, stored: ValueUpload) -> ImportPlan:
    """Check the stored file again against today's data and apply it whole."""
    already = ImportRejected([Problem(None, "", _("This file has already been imported."))])
    if stored.applied_at is not None:
        raise already
    plan = plan_import(
        actor=actor, cycle=stored.cycle, content=bytes(stored.content), filename=stored.filename
    )
    with transaction.atomic():
        # A double click confirms twice at once: the row lock lets only the first through.
        locked = ValueUpload.objects.select_for_update().get(pk=stored.pk)
        if locked.applied_at is not None:
            raise already
        apply_plan(actor=actor, plan=plan)
        stored.applied_at = timezone.now()
        stored.summary = plan.counts()
        stored.save(update_fields=["applied_at", "summary"])
    return plan


def apply_plan(*, actor: Any, plan: ImportPlan, is_demo: bool = False) -> dict[str, int]:
    """Write a checked plan in one transaction and audit the changes region by region."""
    user = audit.acting_user(actor)
    by_region: dict[Region, list[Change]] = defaultdict(list)
    for change in plan.changes:
        if change.kind != "unchanged":
            by_region[change.region].append(change)
    with transaction.atomic():
        existing = {
            (v.region_id, v.indicator_id): v
            for v in IndicatorValue.objects.select_for_update().filter(
                cycle=plan.cycle, region__in=[r.pk for r in by_region]
            )
        }
        create, update = [], []
        for changes in by_region.values():
            for change in changes:
                current = existing.get((change.region.pk, change.indicator.pk))
                if current is None:
                    create.append(
                        IndicatorValue(
                            cycle=plan.cycle,
                            region=change.region,
                            indicator=change.indicator,
                            value=change.new,
                            source=change.source,
                            year=change.year,
                            updated_by=user,
                            is_demo=is_demo,
                        )
                    )
                else:
                    current.value, current.source, current.year = (
                        change.new,
                        change.source,
                        change.year,
                    )
                    current.updated_by, current.is_demo = user, is_demo
                    current.updated_at = timezone.now()
                    update.append(current)
        IndicatorValue.objects.bulk_create(create, batch_size=1000)
        IndicatorValue.objects.bulk_update(
            update,
            ["value", "source", "year", "updated_by", "is_demo", "updated_at"],
            batch_size=1000,
        )
        for region, changes in by_region.items():
            audit.record(
                actor=actor,
                action=AuditEvent.Action.IMPORT,
                object_type="assessments.indicatorvalue",
                object_id=str(plan.cycle.pk),
                object_repr=f"{plan.cycle} — {region.code} {region.name}"[:300],
                region_code=region.code,
                changes={c.indicator.code: [c.old, c.new] for c in changes},
            )
    return plan.counts()


def template_rows(cycle: Cycle, regions: Iterable[Region]) -> list[list[Any]]:
    """One row per region and indicator, pre-filled with the values already stored."""
    indicators = list(cycle.framework.nodes.filter(level=1).order_by("position"))
    regions = list(regions)
    stored = {
        (v.region_id, v.indicator_id): v
        for v in IndicatorValue.objects.filter(cycle=cycle, region__in=[r.pk for r in regions])
    }
    rows = []
    for region in regions:
        for indicator in indicators:
            value = stored.get((region.pk, indicator.pk))
            rows.append(
                [
                    region.code,
                    region.name,
                    indicator.code,
                    indicator.name,
                    indicator.unit,
                    value.value if value else None,
                    value.source if value else "",
                    value.year if value else None,
                ]
            )
    return rows


def template_file(cycle: Cycle, regions: Iterable[Region], fmt: str = "xlsx") -> bytes:
    """The import template as XLSX (values and indicator sheets) or CSV (UTF-8 with BOM)."""
    rows = template_rows(cycle, regions)
    if fmt == "csv":
        return csv_bytes(COLUMNS, rows)
    indicators = [
        [
            _("code"),
            _("name"),
            _("unit"),
            _("direction"),
            _("lowest valid value"),
            _("highest valid value"),
            _("data source"),
            _("definition"),
        ]
    ]
    for node in cycle.framework.nodes.filter(level=1).order_by("position"):
        indicators.append(
            [
                node.code,
                node.name,
                node.unit,
                _("higher is better") if node.direction > 0 else _("lower is better"),
                node.min_value,
                node.max_value,
                node.data_source,
                node.definition,
            ]
        )
    return xlsx_bytes([("values", [list(COLUMNS), *rows]), ("indicators", indicators)])
