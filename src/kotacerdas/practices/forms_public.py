"""Forms of the library's public pages: search, choosing a region, adopting a practice,
asking and answering questions, and stating a region's priorities.

The forms check what a form can check (required fields, lengths, dates, known choices);
the services check the rest and their :class:`~kotacerdas.practices.content.ContentInvalid`
problems are put back on these forms' fields by :func:`show_problems`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kotacerdas.regions import selectors as region_selectors
from kotacerdas.regions.codes import normalise_region_code
from kotacerdas.regions.forms import DateInput, RegionCodeField
from kotacerdas.regions.models import Region

from . import taxonomy
from .content import ContentInvalid
from .models import Replication
from .services.community import MAX_TEXT

MAX_QUERY = 200
MAX_PRIORITIES = 3
# A region chooser lists at most this many regions when a name matches several.
MAX_MATCHES = 20


def show_problems(
    form: forms.BaseForm, exc: ContentInvalid, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's field problems on the form: on the field when the form has it
    (``aliases`` maps a service's field name to the form's), else above the form."""
    for problem in exc.problems:
        name = problem.field.split(".", 1)[0].split("[", 1)[0]
        name = (aliases or {}).get(name, name)
        form.add_error(name if name in form.fields else None, problem.message)


class SearchForm(forms.Form):
    """The search box of the library (a GET form; the facets are read beside it)."""

    q = forms.CharField(
        label=_("Search the library"),
        required=False,
        max_length=MAX_QUERY,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("e.g. pajak daerah, sampah, UMKM")}
        ),
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def query(self) -> str:
        """The query to search for; a query over the limit is cut rather than refused."""
        if self.is_valid():
            return self.cleaned_data["q"] or ""
        return str(self.data.get("q", ""))[:MAX_QUERY]

    def page_number(self) -> int:
        if self.is_valid():
            return self.cleaned_data["page"] or 1
        return 1


class RegionChoiceForm(forms.Form):
    """Choose a region by its Kemendagri code (53.71 or 5371) or by its name."""

    region = forms.CharField(
        label=_("Region"),
        max_length=120,
        help_text=_("Kemendagri code such as 53.71, or the name, such as Kota Kupang."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.matches: list[Region] = []

    def clean_region(self) -> Region:
        text = self.cleaned_data["region"].strip()
        try:
            code = normalise_region_code(text)
        except ValidationError:
            code = None
        if code is not None:
            region = Region.objects.filter(code=code, retired_at__isnull=True).first()
            if region is None:
                raise ValidationError(
                    _("No current kabupaten/kota has the code %(code)s."), params={"code": code}
                )
            return region
        found = list(
            region_selectors.search_regions(region_selectors.RegionFilters(q=text))[
                : MAX_MATCHES + 1
            ]
        )
        exact = [r for r in found if r.name.casefold() == text.casefold()]
        if len(exact) == 1 or len(found) == 1:
            return (exact or found)[0]
        if not found:
            raise ValidationError(
                _("No current kabupaten/kota is called “%(name)s”."), params={"name": text}
            )
        self.matches = found[:MAX_MATCHES]
        raise ValidationError(
            _("Several regions match “%(name)s”; choose one below."), params={"name": text}
        )


class AdoptionForm(forms.Form):
    """Record that a region adopts a practice; the secretariat also names the region."""

    region = RegionCodeField(label=_("Adopting region"))
    status = forms.ChoiceField(label=_("Status"), choices=Replication.Status.choices)
    started_on = forms.DateField(label=_("Started"), required=False, widget=DateInput())
    ended_on = forms.DateField(
        label=_("Ended"),
        required=False,
        widget=DateInput(),
        help_text=_("Only for an adoption that is done or stopped."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you took over, what you changed, who to ask."),
    )

    def __init__(self, *args: Any, choose_region: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not choose_region:
            del self.fields["region"]


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The lead region's officers are told by e-mail and answer here."),
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class PrioritiesForm(forms.Form):
    """The pillars a region wants to improve first, most important first."""

    first = forms.ChoiceField(label=_("First priority"))
    second = forms.ChoiceField(label=_("Second priority"), required=False)
    third = forms.ChoiceField(label=_("Third priority"), required=False)

    ORDER = ("first", "second", "third")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = taxonomy.pillar_choices()
        self.fields["first"].choices = [("", _("Choose a pillar")), *choices]
        for name in self.ORDER[1:]:
            self.fields[name].choices = [("", _("none")), *choices]

    @classmethod
    def initial_for(cls, pillars: list[str]) -> dict[str, str]:
        return dict(zip(cls.ORDER, pillars[:MAX_PRIORITIES], strict=False))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        seen: set[str] = set()
        for name in self.ORDER:
            value = data.get(name)
            if value and value in seen:
                self.add_error(name, _("This pillar is already chosen above."))
            elif value:
                seen.add(value)
        return data

    def pillars(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.ORDER if self.cleaned_data.get(name)]
