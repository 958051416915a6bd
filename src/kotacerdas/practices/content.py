"""The content of a practice as one plain record, checked field by field.

Forms, the API, bulk imports and the demo loader all hand a practice over as the same
record (the shape of ``data/demo-practices.yaml``); :func:`parse_record` checks every
field and reports every problem with the field's path (``outcomes[2].unit``), so an
import report can name the row and column and a form can name the field.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from . import taxonomy
from .models import Form, Funding, Initiator, Language, PracticeVersion, Prerequisite, Stage

MAX_SUMMARY_WORDS = 250
MAX_OUTCOMES = 12
MAX_PREREQUISITES = 12
MAX_CONTACTS = 6
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Fixed paths beside ``/practices/<slug>/`` in the pages and the API: a practice with one
# of these short names would be hidden behind them.
RESERVED_SLUGS = frozenset(
    {"adoptions", "attachments", "export", "for", "import", "manage", "network", "recommendations"}
)
EARLIEST_YEAR = 1990
PAD_UNIT = "IDR"
# More than any Indonesian budget (the state budget is a few thousand trillion rupiah), and
# well inside the 64-bit integer the database stores amounts in.
MAX_RUPIAH = 10**15
# Outcome figures are stored with 4 decimal places in 20 digits; SQLite keeps them as
# doubles (about 16 significant digits), and a double that rounds up to 10**16 no longer
# reads back into the column's 20 digits. Figures below 10**15 are safe on both.
OUTCOME_PLACES = decimal.Decimal("0.0001")
OUTCOME_LIMIT = decimal.Decimal(10) ** 15


# The plain facts of a practice's content (besides the narrative and the lists of outcomes,
# prerequisites and contacts), in the order forms, files and comparisons show them.
FACTS = (
    "language",
    "title",
    "summary",
    "pillars",
    "sub_elements",
    "sdgs",
    "stage",
    "form",
    "digital",
    "initiator",
    "started_on",
    "applied_on",
    "budget_idr",
    "funding_sources",
    "partner_regions",
    "partner_organisations",
)


@dataclass
class OutcomeData:
    name: str
    unit: str
    baseline: decimal.Decimal | None
    baseline_year: int | None
    value: decimal.Decimal
    year: int
    source: str
    pad: bool = False


@dataclass
class PrerequisiteData:
    kind: str
    description: str
    min_budget_idr: int | None = None
    readiness: str = ""
    min_level: int | None = None


@dataclass
class ContactData:
    name: str
    position: str = ""
    agency: str = ""
    email: str = ""
    phone: str = ""


@dataclass
class PracticeData:
    """Everything a version of a practice says."""

    language: str
    title: str
    summary: str
    pillars: list[str]
    sub_elements: list[str]
    sdgs: list[int]
    stage: str
    form: str
    digital: bool
    initiator: str
    started_on: dt.date | None
    applied_on: dt.date | None
    budget_idr: int | None
    funding_sources: list[str]
    partner_regions: list[str]
    partner_organisations: list[str]
    narrative: dict[str, str]
    outcomes: list[OutcomeData] = field(default_factory=list)
    prerequisites: list[PrerequisiteData] = field(default_factory=list)
    contacts: list[ContactData] = field(default_factory=list)
    change_note: str = ""

    def version_fields(self) -> dict[str, Any]:
        """The values of :class:`PracticeVersion`'s own columns."""
        names = [name for name in FACTS if name != "partner_regions"] + ["change_note"]
        values = {name: getattr(self, name) for name in names}
        values.update({name: self.narrative.get(name, "") for name in PracticeVersion.NARRATIVE})
        return values


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class ContentInvalid(Exception):
    def __init__(self, problems: list[FieldProblem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class _Checker:
    """Collects problems while reading a record; every reader returns a usable default."""

    def __init__(self, record: Mapping[str, Any]):
        self.record = record
        self.problems: list[FieldProblem] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(FieldProblem(path, message))

    def text(
        self, source: Mapping[str, Any], key: str, path: str, *, required=False, max_length=None
    ) -> str:
        value = source.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.fail(path, _("Expected text."))
            return ""
        value = str(value).strip()
        if "\0" in value:
            self.fail(path, _("The text contains a NUL character."))
            return ""
        if required and not value:
            self.fail(path, _("This field is required."))
        if max_length and len(value) > max_length:
            self.fail(
                path,
                _("At most %(max)d characters (this has %(count)d).")
                % {"max": max_length, "count": len(value)},
            )
        return value

    def choice(self, source, key, path, choices, *, required=True) -> str:
        value = self.text(source, key, path, required=required)
        if value and value not in choices:
            self.fail(
                path,
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(choices)},
            )
        return value

    def items(self, source, key, path) -> list[Any]:
        value = source.get(key)
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return [part.strip() for part in re.split(r"[;,]", value) if part.strip()]
        if not isinstance(value, list | tuple):
            self.fail(path, _("Expected a list."))
            return []
        return list(value)

    def choices(self, source, key, path, choices) -> list[str]:
        values = [str(v).strip() for v in self.items(source, key, path)]
        for value in values:
            if value not in choices:
                self.fail(
                    path,
                    _("“%(value)s” is not one of: %(choices)s.")
                    % {"value": value, "choices": ", ".join(choices)},
                )
        return list(dict.fromkeys(values))

    def integer(self, source, key, path, *, required=False, minimum=None, maximum=None):
        value = source.get(key)
        if value is None or value == "":
            if required:
                self.fail(path, _("This field is required."))
            return None
        try:
            if isinstance(value, bool):
                raise ValueError
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
            number = (
                int(str(value).strip().replace("_", ""))
                if not isinstance(value, int | float)
                else int(value)
            )
        except (TypeError, ValueError):
            self.fail(path, _("“%(value)s” is not a whole number.") % {"value": value})
            return None
        if minimum is not None and number < minimum:
            self.fail(path, _("Must be at least %(min)s.") % {"min": minimum})
        if maximum is not None and number > maximum:
            self.fail(path, _("Must be at most %(max)s.") % {"max": maximum})
        return number

    def decimal(self, source, key, path, *, required=False) -> decimal.Decimal | None:
        value = source.get(key)
        if value is None or value == "":
            if required:
                self.fail(path, _("This field is required."))
            return None
        try:
            if isinstance(value, bool):
                raise decimal.InvalidOperation
            number = decimal.Decimal(str(value).strip())
        except decimal.InvalidOperation:
            self.fail(path, _("“%(value)s” is not a number.") % {"value": value})
            return None
        if not number.is_finite() or abs(number) >= OUTCOME_LIMIT:
            self.fail(path, _("“%(value)s” is not a usable number.") % {"value": value})
            return None
        # Rounded as the database will store it, so a value just below the limit cannot
        # round up past the 20 digits the column holds.
        rounded = number.quantize(OUTCOME_PLACES)
        if abs(rounded) >= OUTCOME_LIMIT:
            self.fail(path, _("“%(value)s” is not a usable number.") % {"value": value})
            return None
        return number if rounded == number else rounded

    def date(self, source, key, path) -> dt.date | None:
        value = source.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(path, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value})
            return None

    def boolean(self, source, key, path, *, default: bool) -> bool:
        value = source.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"1", "true", "yes", "ya", "y"}:
            return True
        if text in {"0", "false", "no", "tidak", "n"}:
            return False
        self.fail(path, _("“%(value)s” is not yes or no.") % {"value": value})
        return default

    def mapping(self, source, key, path) -> Mapping[str, Any]:
        value = source.get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.fail(path, _("Expected a group of fields."))
            return {}
        return value


def _outcomes(check: _Checker, this_year: int) -> list[OutcomeData]:
    items = check.items(check.record, "outcomes", "outcomes")
    if len(items) > MAX_OUTCOMES:
        check.fail("outcomes", _("At most %(max)d outcomes.") % {"max": MAX_OUTCOMES})
    result = []
    for index, item in enumerate(items[:MAX_OUTCOMES], start=1):
        path = f"outcomes[{index}]"
        if not isinstance(item, Mapping):
            check.fail(path, _("Expected a group of fields."))
            continue
        outcome = OutcomeData(
            name=check.text(item, "name", f"{path}.name", required=True, max_length=200),
            unit=check.text(item, "unit", f"{path}.unit", required=True, max_length=60),
            baseline=check.decimal(item, "baseline", f"{path}.baseline"),
            baseline_year=check.integer(
                item,
                "baseline_year",
                f"{path}.baseline_year",
                minimum=EARLIEST_YEAR,
                maximum=this_year,
            ),
            value=check.decimal(item, "value", f"{path}.value", required=True)
            or decimal.Decimal(0),
            year=check.integer(
                item,
                "year",
                f"{path}.year",
                required=True,
                minimum=EARLIEST_YEAR,
                maximum=this_year,
            )
            or 0,
            source=check.text(item, "source", f"{path}.source", required=True, max_length=500),
            pad=check.boolean(item, "pad", f"{path}.pad", default=False),
        )
        if outcome.pad and outcome.unit != PAD_UNIT:
            check.fail(
                f"{path}.unit",
                _(
                    "An effect on own-source revenue (PAD) is given in rupiah: "
                    "the unit must be “%(unit)s”."
                )
                % {"unit": PAD_UNIT},
            )
        if (outcome.baseline is None) != (outcome.baseline_year is None):
            check.fail(
                f"{path}.baseline_year",
                _("Give the baseline and its year together."),
            )
        if outcome.baseline_year and outcome.year and outcome.baseline_year > outcome.year:
            check.fail(f"{path}.baseline_year", _("The baseline year is after the outcome year."))
        result.append(outcome)
    return result


def _prerequisites(check: _Checker) -> list[PrerequisiteData]:
    items = check.items(check.record, "prerequisites", "prerequisites")
    if len(items) > MAX_PREREQUISITES:
        check.fail(
            "prerequisites", _("At most %(max)d prerequisites.") % {"max": MAX_PREREQUISITES}
        )
    kinds = [k.value for k in Prerequisite.Kind]
    result = []
    for index, item in enumerate(items[:MAX_PREREQUISITES], start=1):
        path = f"prerequisites[{index}]"
        if not isinstance(item, Mapping):
            check.fail(path, _("Expected a group of fields."))
            continue
        need = PrerequisiteData(
            kind=check.choice(item, "kind", f"{path}.kind", kinds),
            description=check.text(
                item, "description", f"{path}.description", required=True, max_length=300
            ),
            min_budget_idr=check.integer(
                item, "min_budget_idr", f"{path}.min_budget_idr", minimum=0, maximum=MAX_RUPIAH
            ),
            readiness=check.choice(
                item, "readiness", f"{path}.readiness", taxonomy.readiness_codes(), required=False
            ),
            min_level=check.integer(item, "min_level", f"{path}.min_level", minimum=1, maximum=5),
        )
        if need.min_budget_idr is not None and need.kind != Prerequisite.Kind.BUDGET:
            check.fail(f"{path}.min_budget_idr", _("Only a budget prerequisite has an amount."))
        if bool(need.readiness) != (need.min_level is not None):
            check.fail(
                f"{path}.min_level",
                _("Give the readiness question and its minimum level together."),
            )
        result.append(need)
    return result


def _contacts(check: _Checker) -> list[ContactData]:
    items = check.items(check.record, "contacts", "contacts")
    if len(items) > MAX_CONTACTS:
        check.fail("contacts", _("At most %(max)d contacts.") % {"max": MAX_CONTACTS})
    result = []
    for index, item in enumerate(items[:MAX_CONTACTS], start=1):
        path = f"contacts[{index}]"
        if not isinstance(item, Mapping):
            check.fail(path, _("Expected a group of fields."))
            continue
        contact = ContactData(
            name=check.text(item, "name", f"{path}.name", required=True, max_length=150),
            position=check.text(item, "position", f"{path}.position", max_length=150),
            agency=check.text(item, "agency", f"{path}.agency", max_length=200),
            email=check.text(item, "email", f"{path}.email", max_length=254),
            phone=check.text(item, "phone", f"{path}.phone", max_length=30),
        )
        if contact.email:
            try:
                validate_email(contact.email)
            except ValidationError:
                check.fail(
                    f"{path}.email",
                    _("“%(value)s” is not an e-mail address.") % {"value": contact.email},
                )
        result.append(contact)
    return result


def _texts(check: _Checker, key: str, *, max_length: int | None = None) -> list[str]:
    """A list of short texts, each checked like any text field (a NUL character would
    otherwise reach the database, which PostgreSQL refuses)."""
    values = []
    for index, item in enumerate(check.items(check.record, key, key), start=1):
        value = check.text({"v": item}, "v", f"{key}[{index}]", max_length=max_length)
        if value:
            values.append(value)
    return values


def parse_record(record: Mapping[str, Any], *, today: dt.date | None = None) -> PracticeData:
    """Check a practice record and return its content, or raise :class:`ContentInvalid`
    listing every problem."""
    today = today or dt.date.today()
    check = _Checker(record)
    pillars = taxonomy.pillar_codes()
    parents = taxonomy.sub_element_parents()
    narrative_source = check.mapping(record, "narrative", "narrative")
    summary = check.text(record, "summary", "summary", required=True, max_length=3000)
    words = len(summary.split())
    if words > MAX_SUMMARY_WORDS:
        check.fail(
            "summary",
            _("The summary has %(count)d words; at most %(max)d.")
            % {"count": words, "max": MAX_SUMMARY_WORDS},
        )
    data = PracticeData(
        language=check.choice(record, "language", "language", Language.values, required=False)
        or Language.INDONESIAN,
        title=check.text(record, "title", "title", required=True, max_length=200),
        summary=summary,
        pillars=check.choices(record, "pillars", "pillars", pillars),
        sub_elements=check.choices(record, "sub_elements", "sub_elements", tuple(parents)),
        sdgs=[],
        stage=check.choice(record, "stage", "stage", Stage.values),
        form=check.choice(record, "form", "form", Form.values),
        digital=check.boolean(record, "digital", "digital", default=True),
        initiator=check.choice(record, "initiator", "initiator", Initiator.values),
        started_on=check.date(record, "started_on", "started_on"),
        applied_on=check.date(record, "applied_on", "applied_on"),
        budget_idr=check.integer(record, "budget_idr", "budget_idr", minimum=0, maximum=MAX_RUPIAH),
        funding_sources=check.choices(record, "funding_sources", "funding_sources", Funding.values),
        partner_regions=_texts(check, "partner_regions"),
        partner_organisations=_texts(check, "partner_organisations", max_length=200),
        narrative={
            name: check.text(narrative_source, name, f"narrative.{name}", max_length=10000)
            for name in PracticeVersion.NARRATIVE
        },
        change_note=check.text(record, "change_note", "change_note", max_length=300),
    )
    for index, value in enumerate(check.items(record, "sdgs", "sdgs"), start=1):
        number = check.integer({"v": value}, "v", f"sdgs[{index}]", minimum=1, maximum=17)
        if number is not None and number not in data.sdgs:
            data.sdgs.append(number)
    if not data.pillars:
        check.fail("pillars", _("Name at least one pillar."))
    for code in data.sub_elements:
        if code in parents and parents[code] not in data.pillars:
            check.fail(
                "sub_elements",
                _("Sub-element %(code)s belongs to pillar %(pillar)s, which is not listed.")
                % {"code": code, "pillar": parents[code]},
            )
    for name, when in (("started_on", data.started_on), ("applied_on", data.applied_on)):
        if when and when > today:
            check.fail(name, _("The date is in the future."))
    if data.started_on and data.applied_on and data.applied_on < data.started_on:
        check.fail("applied_on", _("The practice cannot be applied before it started."))
    data.outcomes = _outcomes(check, today.year)
    data.prerequisites = _prerequisites(check)
    data.contacts = _contacts(check)
    if check.problems:
        raise ContentInvalid(check.problems)
    return data


def _number(value: decimal.Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def record_of(version: PracticeVersion) -> dict[str, Any]:
    """The version's content as a record :func:`parse_record` accepts (for export and for
    copying a version). Uses prefetched relations when they are there."""
    data = {
        "language": version.language,
        "title": version.title,
        "summary": version.summary,
        "pillars": list(version.pillars),
        "sub_elements": list(version.sub_elements),
        "sdgs": list(version.sdgs),
        "stage": version.stage,
        "form": version.form,
        "digital": version.digital,
        "initiator": version.initiator,
        "started_on": version.started_on.isoformat() if version.started_on else None,
        "applied_on": version.applied_on.isoformat() if version.applied_on else None,
        "budget_idr": version.budget_idr,
        "funding_sources": list(version.funding_sources),
        "partner_regions": [r.code for r in version.partner_regions.all()],
        "partner_organisations": list(version.partner_organisations),
        "narrative": {name: getattr(version, name) for name in PracticeVersion.NARRATIVE},
        "outcomes": [
            {
                "name": o.name,
                "unit": o.unit,
                "baseline": _number(o.baseline),
                "baseline_year": o.baseline_year,
                "value": _number(o.value),
                "year": o.year,
                "source": o.source,
                "pad": o.affects_pad,
            }
            for o in version.outcomes.all()
        ],
        "prerequisites": [
            {
                key: value
                for key, value in {
                    "kind": p.kind,
                    "description": p.description,
                    "min_budget_idr": p.min_budget_idr,
                    "readiness": p.readiness_code or None,
                    "min_level": p.min_level,
                }.items()
                if value is not None
            }
            for p in version.prerequisites.all()
        ],
        "contacts": [
            {
                "name": c.name,
                "position": c.title,
                "agency": c.agency,
                "email": c.email,
                "phone": c.phone,
            }
            for c in version.contacts.all()
        ],
    }
    return data


def as_plain(data: PracticeData) -> dict[str, Any]:
    """A JSON-safe dict of parsed content (dates as ISO text, decimals as numbers)."""
    plain = asdict(data)
    for name in ("started_on", "applied_on"):
        if plain[name] is not None:
            plain[name] = plain[name].isoformat()
    for outcome in plain["outcomes"]:
        outcome["baseline"] = _number(outcome["baseline"])
        outcome["value"] = _number(outcome["value"])
    return plain
