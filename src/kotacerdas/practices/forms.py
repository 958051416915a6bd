"""Forms of the pages where officers write practices and the secretariat reviews them.

The practice forms only carry what was typed. :func:`~kotacerdas.practices.content.
parse_record` judges the content, so a page, the API and an import report the same
problem in the same words; :class:`PracticeEditor` builds the record from its forms and
puts each problem back on the field or formset row its path names (``outcomes[2].unit``
is the unit of the second outcome row on the page).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotacerdas.regions.codes import normalise_code, normalise_region_code
from kotacerdas.regions.models import Region

from . import taxonomy
from .content import FACTS, MAX_CONTACTS, MAX_OUTCOMES, MAX_PREREQUISITES, FieldProblem
from .models import (
    Form,
    Funding,
    Initiator,
    Language,
    Outcome,
    PracticeContact,
    PracticeVersion,
    Prerequisite,
    Stage,
)
from .services.transfer import MAX_BYTES as IMPORT_MAX_BYTES

BLANK = [("", "—")]
SDG_NAMES = (
    gettext_lazy("No poverty"),
    gettext_lazy("Zero hunger"),
    gettext_lazy("Good health and well-being"),
    gettext_lazy("Quality education"),
    gettext_lazy("Gender equality"),
    gettext_lazy("Clean water and sanitation"),
    gettext_lazy("Affordable and clean energy"),
    gettext_lazy("Decent work and economic growth"),
    gettext_lazy("Industry, innovation and infrastructure"),
    gettext_lazy("Reduced inequalities"),
    gettext_lazy("Sustainable cities and communities"),
    gettext_lazy("Responsible consumption and production"),
    gettext_lazy("Climate action"),
    gettext_lazy("Life below water"),
    gettext_lazy("Life on land"),
    gettext_lazy("Peace, justice and strong institutions"),
    gettext_lazy("Partnerships for the goals"),
)
NARRATIVE_HELP = {
    "situation": gettext_lazy("What was the problem, and for whom, before the practice started?"),
    "objectives": gettext_lazy("What did the region set out to achieve, and how?"),
    "resources": gettext_lazy("Budget, funding sources, staff, partners and technology used."),
    "process": gettext_lazy("The steps taken, in order, and who took them."),
    "results": gettext_lazy("What changed, with figures; give the figures as outcomes below too."),
    "sustainability": gettext_lazy("How it keeps going: regulation, budget lines, staff, revenue."),
    "lessons": gettext_lazy("What worked, what did not, what you would do differently."),
    "transferability": gettext_lazy("What another region needs to adopt it."),
}
TEXT = forms.TextInput
NUMBER = {"inputmode": "decimal", "autocomplete": "off"}
WHOLE = {"inputmode": "numeric", "autocomplete": "off"}
# Thousands written the Indonesian (6.100.000.000), English (6,100,000,000) or ISO
# (6 100 000 000) way, and Indonesian decimals (12,5 and 6.100.000,5).
_GROUPED = re.compile(r"^-?\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*$")
_DOT_GROUPS = re.compile(r"^-?\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?$|^-?\d{1,3}(?:\.\d{3})+,\d+$")
_COMMA_GROUPS = re.compile(r"^-?\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?$|^-?\d{1,3}(?:,\d{3})+\.\d+$")
_SPACE_GROUPS = re.compile(r"^-?\d{1,3}(?: \d{3})+(?:[.,]\d+)?$")
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


def _whole_number_text(value: str) -> str:
    """A whole number as typed, with thousands separators taken out."""
    value = value.strip().replace("\u00a0", " ")
    if _GROUPED.match(value):
        return re.sub(r"[.,\s]", "", value)
    return value


def _decimal_text(value: str) -> str:
    """A decimal as typed, in the form ``parse_record`` reads: ``6.100.000,5``, ``12,5``
    and ``6,100,000.5`` become ``6100000.5``, ``12.5`` and ``6100000.5``. A lone
    ``1.234`` stays a decimal; anything else is left for ``parse_record`` to judge."""
    value = value.strip().replace("\u00a0", " ")
    if _DOT_GROUPS.match(value):
        return value.replace(".", "").replace(",", ".")
    if _COMMA_GROUPS.match(value):
        return value.replace(",", "")
    if _SPACE_GROUPS.match(value):
        return value.replace(" ", "").replace(",", ".")
    if _DECIMAL_COMMA.match(value):
        return value.replace(",", ".")
    return value


def _text(label: Any, *, multiline: bool = False, maxlength: int | None = None, **kw: Any):
    attrs = {"maxlength": maxlength} if maxlength else {}
    widget = forms.Textarea(attrs={"rows": 4, **attrs}) if multiline else TEXT(attrs=attrs)
    return forms.CharField(label=label, required=False, strip=True, widget=widget, **kw)


def _choice(label: Any, choices: Iterable[tuple[Any, Any]], **kw: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=[*BLANK, *choices], **kw)


def _field_label(model: Any, name: str) -> Any:
    return capfirst(model._meta.get_field(name).verbose_name)


def _checkboxes(label: Any, **kw: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, required=False, widget=forms.CheckboxSelectMultiple, **kw
    )


def _keep_order(selected: list[str], before: list[str]) -> list[str]:
    return [v for v in before if v in selected] + [v for v in selected if v not in before]


class PracticeForm(forms.Form):
    """What a version of a practice says, apart from its outcome, prerequisite and contact
    rows. Fields are lenient on purpose: ``parse_record`` says what is wrong."""

    title = _text(_field_label(PracticeVersion, "title"), maxlength=200)
    summary = _text(
        _field_label(PracticeVersion, "summary"),
        multiline=True,
        help_text=gettext_lazy("At most 250 words: what the practice is and what it achieved."),
    )
    language = forms.ChoiceField(
        label=_field_label(PracticeVersion, "language"), choices=Language.choices, required=False
    )
    stage = _choice(_field_label(PracticeVersion, "stage"), Stage.choices)
    form = _choice(_field_label(PracticeVersion, "form"), Form.choices)
    initiator = _choice(_field_label(PracticeVersion, "initiator"), Initiator.choices)
    digital = forms.BooleanField(
        label=gettext_lazy("Digital: the practice relies on information technology"), required=False
    )
    started_on = forms.CharField(
        label=_field_label(PracticeVersion, "started_on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("YYYY-MM-DD"),
    )
    applied_on = forms.CharField(
        label=_field_label(PracticeVersion, "applied_on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("YYYY-MM-DD"),
    )
    pillars = _checkboxes(_field_label(PracticeVersion, "pillars"))
    sub_elements = _checkboxes(
        _field_label(PracticeVersion, "sub_elements"),
        help_text=gettext_lazy("Each sub-element belongs to one of the pillars ticked above."),
    )
    sdgs = _checkboxes(
        _field_label(PracticeVersion, "sdgs"),
        choices=[
            (str(n), f"{n}. {name}") for n, name in zip(taxonomy.SDGS, SDG_NAMES, strict=True)
        ],
    )
    budget_idr = forms.CharField(
        label=_field_label(PracticeVersion, "budget_idr"),
        required=False,
        widget=TEXT(attrs=WHOLE),
        help_text=gettext_lazy("A whole number of rupiah, e.g. 850000000 or 850.000.000."),
    )
    funding_sources = _checkboxes(
        _field_label(PracticeVersion, "funding_sources"), choices=Funding.choices
    )
    partner_regions = _text(
        _field_label(PracticeVersion, "partner_regions"),
        help_text=gettext_lazy(
            "Kemendagri codes of partner regions, separated by commas: 53.11, 53.12."
        ),
    )
    partner_organisations = _text(
        _field_label(PracticeVersion, "partner_organisations"),
        multiline=True,
        help_text=gettext_lazy("One organisation per line."),
    )
    situation = _text(_field_label(PracticeVersion, "situation"), multiline=True)
    objectives = _text(_field_label(PracticeVersion, "objectives"), multiline=True)
    resources = _text(_field_label(PracticeVersion, "resources"), multiline=True)
    process = _text(_field_label(PracticeVersion, "process"), multiline=True)
    results = _text(_field_label(PracticeVersion, "results"), multiline=True)
    sustainability = _text(_field_label(PracticeVersion, "sustainability"), multiline=True)
    lessons = _text(_field_label(PracticeVersion, "lessons"), multiline=True)
    transferability = _text(_field_label(PracticeVersion, "transferability"), multiline=True)
    change_note = _text(
        _field_label(PracticeVersion, "change_note"),
        maxlength=300,
        help_text=gettext_lazy("For the reviewers: what changed in this version and why."),
    )

    # Fields that are not part of the record (the create form's lead region and slug).
    OUTSIDE_RECORD: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pillars"].choices = taxonomy.pillar_choices()
        self.fields["sub_elements"].choices = taxonomy.sub_element_choices()
        for name, text in NARRATIVE_HELP.items():
            self.fields[name].help_text = text

    def clean_budget_idr(self) -> str:
        return _whole_number_text(self.cleaned_data["budget_idr"])

    def clean_partner_regions(self) -> list[str]:
        codes = []
        for raw in re.split(r"[,;\s]+", self.cleaned_data["partner_regions"]):
            if raw:
                try:
                    codes.append(normalise_code(raw))
                except ValidationError:
                    codes.append(raw)  # the service names the unknown code
        return codes

    def clean_partner_organisations(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["partner_organisations"].splitlines()]

    def record(self) -> dict[str, Any]:
        data = self.cleaned_data
        record = {name: data.get(name) for name in (*FACTS, "change_note")}
        record["partner_organisations"] = [o for o in record["partner_organisations"] or [] if o]
        # Checkboxes come back in the page's order; keep the stored order of what stays
        # ticked, so saving an unchanged practice changes nothing.
        for name in ("pillars", "sub_elements", "funding_sources"):
            record[name] = _keep_order(data.get(name) or [], self.initial.get(name) or [])
        record["sdgs"] = [
            int(n) for n in _keep_order(data.get("sdgs") or [], self.initial.get("sdgs") or [])
        ]
        record["narrative"] = {name: data.get(name, "") for name in PracticeVersion.NARRATIVE}
        return record

    @staticmethod
    def initial_from(record: dict[str, Any]) -> dict[str, Any]:
        initial = {
            key: value
            for key, value in record.items()
            if key not in ("narrative", "outcomes", "prerequisites", "contacts")
        }
        initial.update(record.get("narrative") or {})
        initial["sdgs"] = [str(n) for n in record.get("sdgs") or []]
        initial["partner_regions"] = ", ".join(record.get("partner_regions") or [])
        initial["partner_organisations"] = "\n".join(record.get("partner_organisations") or [])
        initial["change_note"] = ""
        return initial


class NewPracticeForm(PracticeForm):
    """The first version of a new practice; the secretariat also chooses its lead region."""

    slug = forms.SlugField(
        label=gettext_lazy("Short name in the address (optional)"),
        required=False,
        max_length=80,
        help_text=gettext_lazy(
            "Lowercase letters, digits and hyphens; made from the title when empty."
        ),
    )
    lead_region = forms.CharField(
        label=gettext_lazy("Lead region (Kemendagri code)"),
        max_length=20,
        help_text=gettext_lazy("The kabupaten or kota whose practice this is, e.g. 53.71."),
    )

    OUTSIDE_RECORD = ("slug", "lead_region")

    def __init__(self, *args: Any, choose_region: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not choose_region:
            del self.fields["lead_region"]
        self.order_fields(["lead_region", "slug", "title"])

    def clean_slug(self) -> str:
        return self.cleaned_data["slug"].lower()

    def clean_lead_region(self) -> Region:
        code = normalise_region_code(self.cleaned_data["lead_region"])
        region = Region.objects.filter(code=code, retired_at__isnull=True).first()
        if region is None:
            raise ValidationError(_("Unknown region code “%(code)s”.") % {"code": code})
        return region


class OutcomeForm(forms.Form):
    name = _text(_field_label(Outcome, "name"), maxlength=200)
    unit = _text(_field_label(Outcome, "unit"), maxlength=60)
    baseline = forms.CharField(
        label=_field_label(Outcome, "baseline"), required=False, widget=TEXT(attrs=NUMBER)
    )
    baseline_year = forms.CharField(
        label=_field_label(Outcome, "baseline_year"), required=False, widget=TEXT(attrs=WHOLE)
    )
    value = forms.CharField(
        label=_field_label(Outcome, "value"), required=False, widget=TEXT(attrs=NUMBER)
    )
    year = forms.CharField(
        label=_field_label(Outcome, "year"), required=False, widget=TEXT(attrs=WHOLE)
    )
    source = _text(_field_label(Outcome, "source"), maxlength=500)
    pad = forms.BooleanField(
        label=gettext_lazy("PAD"),
        required=False,
        help_text=gettext_lazy("Own-source revenue (PAD) in rupiah; the unit is then IDR."),
    )

    def clean_baseline(self) -> str:
        return _decimal_text(self.cleaned_data["baseline"])

    def clean_value(self) -> str:
        return _decimal_text(self.cleaned_data["value"])


class PrerequisiteForm(forms.Form):
    kind = _choice(_field_label(Prerequisite, "kind"), Prerequisite.Kind.choices)
    description = _text(_field_label(Prerequisite, "description"), maxlength=300)
    min_budget_idr = forms.CharField(
        label=_field_label(Prerequisite, "min_budget_idr"),
        required=False,
        widget=TEXT(attrs=WHOLE),
    )
    readiness = forms.ChoiceField(
        label=_field_label(Prerequisite, "readiness_code"), required=False
    )
    min_level = _choice(
        _field_label(Prerequisite, "min_level"), [(str(n), str(n)) for n in range(1, 6)]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["readiness"].choices = [*BLANK, *taxonomy.readiness_choices()]

    def clean_min_budget_idr(self) -> str:
        return _whole_number_text(self.cleaned_data["min_budget_idr"])


class ContactForm(forms.Form):
    name = _text(_field_label(PracticeContact, "name"), maxlength=150)
    position = _text(_field_label(PracticeContact, "title"), maxlength=150)
    agency = _text(_field_label(PracticeContact, "agency"), maxlength=200)
    email = _text(_field_label(PracticeContact, "email"), maxlength=254)
    phone = _text(_field_label(PracticeContact, "phone"), maxlength=30)


def _formset(form: type[forms.Form], maximum: int) -> type[forms.BaseFormSet]:
    # One blank row to add to; rows beyond the maximum are reported by parse_record.
    return forms.formset_factory(form, extra=1, can_delete=True, max_num=maximum)


OutcomeFormSet = _formset(OutcomeForm, MAX_OUTCOMES)
PrerequisiteFormSet = _formset(PrerequisiteForm, MAX_PREREQUISITES)
ContactFormSet = _formset(ContactForm, MAX_CONTACTS)
ROWS = {
    "outcomes": (OutcomeFormSet, gettext_lazy("Outcome")),
    "prerequisites": (PrerequisiteFormSet, gettext_lazy("Prerequisite")),
    "contacts": (ContactFormSet, gettext_lazy("Contact")),
}
_ROW_PATH = re.compile(r"^(?P<rows>[a-z_]+)(?:\[(?P<index>\d+)\])?(?:\.(?P<field>\w+))?$")


def _add_error(form: forms.BaseForm, field: str | None, message: str) -> None:
    """``form.add_error`` that also works on an unbound form (the page shown after a
    submission is refused shows the stored content with the problems on it)."""
    if not hasattr(form, "cleaned_data"):
        form.cleaned_data = {}
    form.add_error(field if field in form.fields else None, message)


@dataclass(frozen=True)
class ShownProblem:
    """A problem as the list at the top of the page says it: where, then what."""

    where: str
    message: str
    anchor: str


class PracticeEditor:
    """The practice form and its three formsets, bound together.

    ``record()`` gives the record to hand to ``parse_record``; ``attach()`` puts the
    problems ``parse_record`` or a service reports back next to their fields.
    """

    def __init__(
        self,
        data: Any = None,
        *,
        record: dict[str, Any] | None = None,
        new: bool = False,
        choose_region: bool = False,
    ) -> None:
        record = record or {"language": Language.INDONESIAN, "digital": True}
        initial = PracticeForm.initial_from(record)
        if new:
            self.form: PracticeForm = NewPracticeForm(
                data, initial=initial, choose_region=choose_region
            )
        else:
            self.form = PracticeForm(data, initial=initial)
        # A bound formset gets no initial rows: Django would skip a posted row equal to its
        # initial one as "unchanged" (an extra form may be empty), and lose it.
        self.formsets = {
            name: formset(
                data,
                prefix=name,
                initial=None if data is not None else record.get(name) or [],
            )
            for name, (formset, _label) in ROWS.items()
        }
        # record row number (1-based, as parse_record counts) → formset form index
        self.positions: dict[str, list[int]] = {
            name: list(range(len(record.get(name) or []))) for name in ROWS
        }
        self.problems: list[ShownProblem] = []

    @property
    def outcomes(self) -> forms.BaseFormSet:
        return self.formsets["outcomes"]

    @property
    def prerequisites(self) -> forms.BaseFormSet:
        return self.formsets["prerequisites"]

    @property
    def contacts(self) -> forms.BaseFormSet:
        return self.formsets["contacts"]

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        return all([valid, *(f.is_valid() for f in self.formsets.values())])

    def record_ready(self) -> bool:
        """The forms hold a record to check: only fields outside it (lead region, short
        name) may have errors."""
        self.is_valid()
        for name in self.form.OUTSIDE_RECORD:
            for message in self.form.errors.get(name, []):
                self.problems.append(
                    ShownProblem(
                        str(self.form.fields[name].label),
                        message,
                        f"field-{self.form.add_prefix(name)}",
                    )
                )
        return set(self.form.errors) <= set(self.form.OUTSIDE_RECORD) and all(
            f.is_valid() for f in self.formsets.values()
        )

    def record(self) -> dict[str, Any]:
        record = self.form.record()
        for name, formset in self.formsets.items():
            rows, positions = [], []
            for index, form in enumerate(formset.forms):
                values = {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
                if form.cleaned_data.get("DELETE") or not any(
                    v not in (None, "", False) for v in values.values()
                ):
                    continue  # removed, or a blank row
                rows.append(values)
                positions.append(index)
            record[name] = rows
            self.positions[name] = positions
        return record

    def extra_row(self, name: str) -> PracticeEditor:
        """The same bound editor with one more blank row in formset ``name``."""
        formset = self.formsets.get(name)
        if formset is None or not formset.is_bound:
            return self
        data = formset.data.copy()
        key = f"{name}-TOTAL_FORMS"
        try:
            total = int(data.get(key, 0))
        except ValueError:
            return self
        if total < formset.max_num:
            data[key] = str(total + 1)
        self.formsets[name] = type(formset)(data, prefix=name)
        return self

    def attach(self, problems: Iterable[FieldProblem]) -> None:
        for problem in problems:
            self.problems.append(self._attach(problem.field, problem.message))

    def _attach(self, path: str, message: str) -> ShownProblem:
        form = self.form
        match = _ROW_PATH.match(path)
        if match and match["rows"] in self.formsets:
            return self._attach_row(match["rows"], match["index"], match["field"], message)
        if path.startswith("narrative."):
            name = path.split(".", 1)[1]
        else:
            name = path.split(".")[0].split("[")[0]  # sdgs[2] is the SDG list
        if name not in form.fields:
            name = ""
        _add_error(form, name or None, message)
        if name:
            return ShownProblem(
                str(form.fields[name].label), message, f"field-{form.add_prefix(name)}"
            )
        return ShownProblem("", message, "")

    def _attach_row(
        self, rows: str, number: str | None, field: str | None, message: str
    ) -> ShownProblem:
        formset = self.formsets[rows]
        positions = self.positions[rows]
        index = None
        if number is not None and 0 < int(number) <= len(positions):
            index = positions[int(number) - 1]
        if index is None or index >= len(formset.forms):
            formset.non_form_errors().append(message)
            return ShownProblem(str(_rows_title(rows)), message, f"rows-{rows}")
        row = formset.forms[index]
        field = field if field in row.fields else None
        _add_error(row, field, message)
        where = f"{ROWS[rows][1]} {index + 1}"
        if field:
            where += f" · {row.fields[field].label}"
        return ShownProblem(where, message, f"row-{row.prefix}")


def _rows_title(name: str) -> Any:
    model = {"outcomes": Outcome, "prerequisites": Prerequisite, "contacts": PracticeContact}[name]
    return capfirst(model._meta.verbose_name_plural)


class ReviewForm(forms.Form):
    """The secretariat's checklist: a 1–5 score on each of the juries' criteria."""

    verified = forms.BooleanField(
        label=gettext_lazy("Evidence verified: the outcome figures match their sources"),
        required=False,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment to the region"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Required when you return the practice: say what needs to change."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scores = {
            f"score_{c.code}": forms.ChoiceField(
                label=c.label,
                help_text=c.question,
                required=False,
                choices=[(str(n), str(n)) for n in range(1, 6)],
                widget=forms.RadioSelect,
            )
            for c in taxonomy.CRITERIA
        }
        self.fields = {**scores, **self.fields}

    def score_fields(self) -> list[forms.BoundField]:
        return [self[f"score_{code}"] for code in taxonomy.CRITERION_CODES]

    def scores(self) -> dict[str, int]:
        return {
            code: int(self.cleaned_data[f"score_{code}"])
            for code in taxonomy.CRITERION_CODES
            if self.cleaned_data.get(f"score_{code}")
        }

    def attach(self, problems: Iterable[FieldProblem]) -> None:
        for problem in problems:
            field = problem.field
            if field.startswith("scores."):
                field = "score_" + field.split(".", 1)[1]
            self.add_error(field if field in self.fields else None, problem.message)


class AttachmentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), required=False, max_length=200)
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("A PDF or an image (PNG, JPEG, WebP)."),
        error_messages={"required": gettext_lazy("Choose a file to attach.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Shown on the editor page, whose own form has a title field too.
        kwargs.setdefault("auto_id", "id_attachment_%s")
        super().__init__(*args, **kwargs)


class NewVersionForm(forms.Form):
    change_note = forms.CharField(
        label=gettext_lazy("What will change (optional)"), required=False, max_length=300
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Practices file"),
        help_text=gettext_lazy(
            "JSON, XLSX (the template's four sheets) or UTF-8 CSV; at most 20 MB."
        ),
        error_messages={"required": gettext_lazy("Choose a file to import.")},
    )

    def clean_file(self) -> tuple[bytes, str]:
        """The file's content and name, once it has a kind the importer reads."""
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in (".json", ".xlsx", ".csv"):
            raise ValidationError(_("Upload a .json, .xlsx or .csv file."))
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(_("The file is larger than 20 MB."))
        return upload.read(), upload.name
