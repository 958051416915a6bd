"""Forms of the masterplan pages: a new plan's horizon, the editor of a version, and the
secretariat's comments.

The editor carries what was typed. :func:`~kotacerdas.strategy.content.check` judges the
document, so the page and the API report the same problem in the same words;
:class:`PlanEditor` builds the next version's document from the version it was opened on
and puts each problem back next to the field or programme row its path names
(``programmes[2].start_year`` is the first year of the programme saved third).

What the officer did not touch stays as it was: a generated text the form shows in the
page's language and gets back unchanged keeps its key (so it still reads in both
languages), a changed one becomes the officer's own text; a programme keeps its texts,
sources, practice, revenue effect and transferability, and saving the version replaces
the generated sentences the edit made untrue (:func:`~kotacerdas.strategy.content.settle`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from kotacerdas.practices import taxonomy

from . import content as plan_content
from .content import FUNDING, MAX_PROGRAMMES, MAX_TEXT, MAX_TITLE, Problem
from .texts import render

LANGUAGES = (("id", "Bahasa Indonesia"), ("en", "English"))
NOTE_SECTIONS = plan_content.SECTIONS
BLANK = [("", "—")]
WHOLE = {"inputmode": "numeric", "autocomplete": "off"}
NUMBER = {"inputmode": "decimal", "autocomplete": "off"}
FUNDING_LABELS = {
    "apbd": "APBD",
    "apbn": "APBN",
    "village_fund": gettext_lazy("Village funds (Dana Desa)"),
    "csr": "CSR",
    "partnership": gettext_lazy("Public-private partnership (KPBU)"),
    "other": pgettext_lazy("funding source", "Other"),
}
FUNDING_CHOICES = [(code, FUNDING_LABELS[code]) for code in FUNDING]


# --- numbers as typed ------------------------------------------------------------------------

_INTEGER = re.compile(r"^-?\d+$")
# Longer digit strings are no amount anyone types, and Python refuses to convert them.
MAX_DIGITS = 30


def _grouped(value: str, separator: str) -> bool:
    sep = re.escape(separator)
    return re.fullmatch(rf"-?\d{{1,3}}(?:{sep}\d{{3}})+(?:[.,]\d+)?", value) is not None


def parse_number(text: str, language: str) -> Any:
    """A number typed on the page: ``1.700.000.000`` or ``45,2`` on an Indonesian page,
    ``1,700,000,000`` or ``45.2`` on an English one (spaces group thousands in both, and
    a lone ``.`` or ``,`` followed by other than three digits is the decimal mark).
    None when empty; the text itself when it is no number, for the check to name it."""
    value = (text or "").strip().replace("\u00a0", " ")
    value = value.removeprefix("Rp").removeprefix("rp").strip().replace(" ", "")
    if not value:
        return None
    thousands, decimal = (",", ".") if language == "en" else (".", ",")
    if _grouped(value, thousands):
        value = value.replace(thousands, "")
    elif value.count(thousands) == 1 and decimal not in value:
        # A lone mark before other than three digits is the decimal mark whatever the
        # language: 10,0 on an English page, 12.5 on an Indonesian one.
        value = value.replace(thousands, decimal)
    value = value.replace(decimal, ".")
    if value.count(".") > 1:
        return text.strip()
    try:
        number = float(value)
    except ValueError:
        return text.strip()
    if "." not in value and _INTEGER.match(value) and len(value) <= MAX_DIGITS:
        return int(value)
    return number


def parse_whole(text: str) -> Any:
    """A year or a number of years: an int, None when empty, else the text as typed."""
    value = (text or "").strip()
    if not value:
        return None
    return int(value) if _INTEGER.match(value) and len(value) <= MAX_DIGITS else value


def show_number(value: Any, language: str, *, grouped: bool = False) -> str:
    """A stored number as the page shows it in ``language``."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    with translation.override(language):
        return number_format(value, force_grouping=grouped)


def _lines(text: str) -> str:
    """Text from a textarea with its line ends as ``\\n`` and no space around it."""
    return "\n".join(
        line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n")
    ).strip()


def _keep_order(selected: list[str], before: list[str]) -> list[str]:
    return [v for v in before if v in selected] + [v for v in selected if v not in before]


# --- creating and commenting -----------------------------------------------------------------


class CreateForm(forms.Form):
    """The horizon of a new masterplan; the service judges the years."""

    start_year = forms.IntegerField(label=gettext_lazy("First year"), widget=forms.NumberInput)
    end_year = forms.IntegerField(label=gettext_lazy("Last year"), widget=forms.NumberInput)
    title = forms.CharField(
        label=gettext_lazy("Title (optional)"),
        required=False,
        max_length=MAX_TITLE,
        help_text=gettext_lazy("Made from the region's name and the years when empty."),
    )


class CommentForm(forms.Form):
    section = forms.ChoiceField(label=gettext_lazy("Section"))
    text = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 3000}),
    )

    def __init__(self, *args: Any, titles: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        titles = titles or {}
        self.fields["section"].choices = [
            (key, titles.get(key, key)) for key in plan_content.SECTIONS
        ]


# --- the editor ------------------------------------------------------------------------------


def _textarea(label: Any, rows: int = 4, **kw: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": MAX_TEXT}),
        **kw,
    )


def _line(label: Any, attrs: dict[str, Any] | None = None, **kw: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs=attrs or {"maxlength": MAX_TITLE}),
        **kw,
    )


class PlanForm(forms.Form):
    """Vision, mission, the officers' note on each section, and what changed."""

    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)
    language = forms.ChoiceField(widget=forms.HiddenInput, choices=LANGUAGES, required=False)
    vision = _textarea(gettext_lazy("Vision"), rows=3)
    mission = _textarea(
        gettext_lazy("Mission"), rows=5, help_text=gettext_lazy("One mission per line.")
    )
    change_note = _line(
        gettext_lazy("What changed"),
        attrs={"maxlength": 300},
        help_text=gettext_lazy("A line for the version list: what this version changes and why."),
    )

    def __init__(self, *args: Any, titles: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        titles = titles or {}
        for key in NOTE_SECTIONS:
            self.fields[f"note_{key}"] = _textarea(
                titles.get(key, key),
                help_text=gettext_lazy("Shown under the section as the officers' note."),
            )

    def note_fields(self) -> list[forms.BoundField]:
        return [self[f"note_{key}"] for key in NOTE_SECTIONS]


class ProgrammeForm(forms.Form):
    """One programme row. Lenient on purpose: ``content.check`` says what is wrong."""

    id = forms.CharField(required=False, widget=forms.HiddenInput)
    title = _line(gettext_lazy("Programme"))
    pillar = forms.ChoiceField(label=gettext_lazy("Pillar"), required=False)
    agency = _line(gettext_lazy("Lead agency"))
    start_year = _line(gettext_lazy("First year"), attrs=WHOLE)
    duration_years = _line(gettext_lazy("Duration (years)"), attrs=WHOLE)
    cost_idr = _line(
        gettext_lazy("Cost (rupiah)"),
        attrs=NUMBER,
        help_text=gettext_lazy("Optional; a whole number of rupiah."),
    )
    metric = _line(gettext_lazy("Outcome metric"))
    unit = _line(gettext_lazy("Unit"))
    target = _line(gettext_lazy("Target"), attrs=NUMBER)
    funding = forms.MultipleChoiceField(
        label=gettext_lazy("Funding sources"),
        required=False,
        choices=FUNDING_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    quick_win = forms.BooleanField(label=gettext_lazy("Quick win"), required=False)

    # The fields a row edits; everything else of a programme is kept as it was.
    EDITED = (
        "title",
        "pillar",
        "agency",
        "start_year",
        "duration_years",
        "cost_idr",
        "metric",
        "unit",
        "target",
        "funding",
        "quick_win",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pillar"].choices = [*BLANK, *taxonomy.pillar_choices()]

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(name) for name in self.EDITED)


class BaseProgrammeFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields[forms.formsets.DELETION_FIELD_NAME].label = _("Remove")
        order = form.fields[forms.formsets.ORDERING_FIELD_NAME]
        order.label = pgettext("place in a list", "Position")
        order.help_text = _("Change the numbers to reorder the programmes.")
        order.widget.attrs.update({"min": 1, "class": "position"})


ProgrammeFormSet = forms.formset_factory(
    ProgrammeForm,
    formset=BaseProgrammeFormSet,
    extra=1,
    can_delete=True,
    can_order=True,
    max_num=MAX_PROGRAMMES,
)


@dataclass(frozen=True)
class ShownProblem:
    """A problem as the list at the top of the page says it: where, then what."""

    where: str
    message: str
    anchor: str


@dataclass
class Row:
    """A programme row of the page with the stored programme it edits (None for a new one)."""

    form: forms.Form
    programme: dict[str, Any] | None


_PATH = re.compile(r"^(?P<name>[a-z_]+)(?:\[(?P<index>\d+)\])?(?:\.(?P<field>\w+))?$")


def _add_error(form: forms.BaseForm, field: str | None, message: str) -> None:
    if not hasattr(form, "cleaned_data"):
        form.cleaned_data = {}
    form.add_error(field if field in form.fields else None, message)


class PlanEditor:
    """The plan form and the programme formset for editing one version's document.

    ``document()`` gives the next version's document; ``attach()`` puts the problems the
    check reports back next to their fields.
    """

    def __init__(
        self,
        data: Any = None,
        *,
        base: dict[str, Any],
        number: int,
        language: str,
        titles: dict[str, str] | None = None,
    ) -> None:
        self.base = base
        if data is not None and data.get("language") in dict(LANGUAGES):
            # Compare with the texts as the form showed them, whatever the page is in now.
            language = data["language"]
        self.language = language
        self.titles = titles or {}
        self.form = PlanForm(data, initial=self._initial(number), titles=self.titles)
        self.programmes = ProgrammeFormSet(
            data,
            prefix="programmes",
            initial=None if data is not None else self._programme_initial(),
        )
        self.by_id = {p["id"]: p for p in base["programmes"]}
        self.positions: list[int] = []  # index in the saved list -> index of the form
        self.problems: list[ShownProblem] = []

    # --- showing ---

    def _initial(self, number: int) -> dict[str, Any]:
        base, language = self.base, self.language
        notes = base.get("notes") or {}
        initial: dict[str, Any] = {
            "based_on": number,
            "language": language,
            "vision": render(base["vision"], language),
            "mission": "\n".join(render(m, language) for m in base["mission"]),
        }
        for key in NOTE_SECTIONS:
            initial[f"note_{key}"] = render(notes.get(key), language)
        return initial

    def _programme_initial(self) -> list[dict[str, Any]]:
        rows = []
        for p in self.base["programmes"]:
            row = {name: p.get(name) for name in ProgrammeForm.EDITED}
            row["id"] = p["id"]
            row["start_year"] = show_number(p.get("start_year"), self.language)
            row["duration_years"] = show_number(p.get("duration_years"), self.language)
            row["cost_idr"] = show_number(p.get("cost_idr"), self.language, grouped=True)
            row["target"] = show_number(p.get("target"), self.language)
            row["funding"] = list(p.get("funding") or [])
            rows.append(row)
        return rows

    @property
    def rows(self) -> list[Row]:
        rows = []
        for form in self.programmes.forms:
            pid = form["id"].value() if form.is_bound else form.initial.get("id")
            rows.append(Row(form, self.by_id.get(pid or "")))
        return rows

    def extra_row(self) -> PlanEditor:
        """The same bound editor with one more blank programme row."""
        formset = self.programmes
        if not formset.is_bound:
            return self
        data = formset.data.copy()
        key = "programmes-TOTAL_FORMS"
        try:
            total = int(data.get(key, 0))
        except ValueError:
            return self
        if total < formset.max_num:
            data[key] = str(total + 1)
        self.programmes = ProgrammeFormSet(data, prefix="programmes")
        return self

    # --- reading what was typed ---

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        return self.programmes.is_valid() and valid

    @property
    def change_note(self) -> str:
        return self.form.cleaned_data.get("change_note") or ""

    def _text(self, typed: str, before: dict[str, Any] | None) -> dict[str, Any] | None:
        """``before`` when the form gives it back as it showed it, else the typed text."""
        typed = _lines(typed)
        if before is not None and typed == _lines(render(before, self.language)):
            return before
        return plan_content.written(typed)

    def _mission(self, typed: str) -> list[dict[str, Any]]:
        unused = list(self.base["mission"])
        mission = []
        for line in _lines(typed).split("\n"):
            line = line.strip()
            if not line:
                continue
            match = next((m for m in unused if render(m, self.language).strip() == line), None)
            if match is not None:
                unused.remove(match)
                mission.append(match)
            else:
                mission.append(plan_content.written(line))
        return mission

    def _notes(self) -> dict[str, Any]:
        before = self.base.get("notes") or {}
        data = self.form.cleaned_data
        notes = {}
        for key, note in before.items():
            if key not in NOTE_SECTIONS:
                notes[key] = note  # a note this form does not show stays
        for key in NOTE_SECTIONS:
            typed = _lines(data.get(f"note_{key}", ""))
            if typed:
                notes[key] = self._text(typed, before.get(key))
        return notes

    def _programme(self, data: dict[str, Any], before: dict[str, Any] | None, pid: str):
        values = {
            "title": data.get("title", ""),
            "pillar": data.get("pillar", ""),
            "agency": data.get("agency", ""),
            "start_year": parse_whole(data.get("start_year", "")),
            "duration_years": parse_whole(data.get("duration_years", "")),
            "cost_idr": parse_number(data.get("cost_idr", ""), self.language),
            "metric": data.get("metric", ""),
            "unit": data.get("unit", ""),
            "target": parse_number(data.get("target", ""), self.language),
            "funding": list(data.get("funding") or []),
            "quick_win": bool(data.get("quick_win")),
        }
        if isinstance(values["cost_idr"], float) and values["cost_idr"].is_integer():
            values["cost_idr"] = int(values["cost_idr"])
        if before is None:
            return {
                "id": pid,
                **values,
                "practice": None,
                "baseline": None,
                "target_change_pct": None,
                "pad_effect": None,
                "fit": {"score": None, "unknown": 0, "needs_first": []},
                "texts": [],
                "sources": [],
            }
        programme = copy.deepcopy(before)
        values["funding"] = _keep_order(values["funding"], list(before.get("funding") or []))
        for name, value in values.items():
            old = before.get(name)
            if name in ("title", "agency", "metric", "unit", "pillar"):
                same = (old or "") == value
            elif name == "quick_win":
                same = bool(old) == value
            elif name == "funding":
                same = value == list(old or [])
            else:  # numbers: 120 typed for a stored 120.0 is no change
                same = value == old
            if not same:
                programme[name] = value
        # The sentences a changed cost, target or quick-win flag made untrue are settled
        # when the version is saved (content.settle), for the API's edits as well.
        return programme

    def _next_ids(self) -> Iterable[str]:
        numbers = [
            int(p["id"][1:])
            for p in self.base["programmes"]
            if re.fullmatch(r"P\d+", str(p.get("id", "")))
        ]
        n = max(numbers, default=0)
        while True:
            n += 1
            yield f"P{n}"

    def document(self) -> dict[str, Any]:
        """The next version's document; call after ``is_valid()``."""
        data = self.form.cleaned_data
        document = copy.deepcopy(self.base)
        document["vision"] = self._text(data.get("vision", ""), self.base["vision"])
        document["mission"] = self._mission(data.get("mission", ""))
        document["notes"] = self._notes()

        kept = []
        for index, form in enumerate(self.programmes.forms):
            row = form.cleaned_data
            if not row or row.get("DELETE") or form.is_blank():
                continue
            order = row.get("ORDER")
            kept.append(((order is None, order or 0, index), index, form))
        kept.sort(key=lambda item: item[0])
        new_ids = self._next_ids()
        programmes, self.positions, seen = [], [], set()
        for _key, index, form in kept:
            row = form.cleaned_data
            pid = row.get("id") or ""
            before = self.by_id.get(pid) if pid not in seen else None
            if before is None:
                pid = next(new_ids)
            seen.add(pid)
            programmes.append(self._programme(row, before, pid))
            self.positions.append(index)
        document["programmes"] = programmes
        document["strategies"] = _strategies(self.base.get("strategies") or [], programmes)
        return document

    # --- problems ---

    def attach(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.problems.append(self._attach(problem.path, problem.message))

    def attach_error(self, error: ValidationError) -> None:
        """A service's ValidationError: on the field it names, else above the form."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.problems.append(self._attach(name, message))
        else:
            for message in error.messages:
                self.problems.append(self._attach("", message))

    def _attach(self, path: str, message: str) -> ShownProblem:
        match = _PATH.match(path)
        name = match["name"] if match else ""
        if name == "programmes":
            return self._attach_row(match["index"], match["field"], message)
        form = self.form
        field = {
            "vision": "vision",
            "mission": "mission",
            "note": "change_note",
            "notes": f"note_{match['field']}" if match and match["field"] else "",
        }.get(name, "")
        if field not in form.fields:
            field = ""
        _add_error(form, field or None, message)
        if field:
            return ShownProblem(
                str(form.fields[field].label), message, f"field-{form.add_prefix(field)}"
            )
        return ShownProblem("", message, "")

    def _attach_row(self, number: str | None, field: str | None, message: str) -> ShownProblem:
        formset = self.programmes
        index = None
        if number is not None and int(number) < len(self.positions):
            index = self.positions[int(number)]
        if index is None or index >= len(formset.forms):
            formset.non_form_errors().append(message)
            return ShownProblem(_("Programmes"), message, "programmes")
        row = formset.forms[index]
        field = field if field in row.fields and field != "id" else None
        _add_error(row, field, message)
        pid = row.cleaned_data.get("id") or ""
        where = _("Programme %(id)s") % {"id": pid} if pid in self.by_id else _("New programme")
        where = f"{where} · {row.cleaned_data.get('title') or '—'}"
        if field:
            where += f" · {row.fields[field].label}"
        return ShownProblem(where, message, f"row-{row.prefix}")


def _strategies(before: list[dict[str, Any]], programmes: list[dict[str, Any]]):
    """Each pillar's strategy with the ids of its programmes in the plan's new order: a
    removed programme leaves its strategy, a new one (or one moved to another pillar)
    joins its pillar's strategy."""
    rank = {p["id"]: i for i, p in enumerate(programmes)}
    pillar = {p["id"]: p.get("pillar") for p in programmes}
    strategies = copy.deepcopy(before)
    placed = set()
    for strategy in strategies:
        ids = [
            i
            for i in strategy.get("programmes", [])
            if i in rank and pillar[i] == strategy["pillar"]
        ]
        strategy["programmes"] = ids
        placed.update(ids)
    by_pillar = {s["pillar"]: s for s in strategies}
    for programme in programmes:
        strategy = by_pillar.get(programme.get("pillar"))
        if programme["id"] not in placed and strategy is not None:
            strategy["programmes"].append(programme["id"])
    for strategy in strategies:
        strategy["programmes"].sort(key=rank.__getitem__)
    return strategies
