"""Public pages: the national ranking, the framework and the downloads of published results.

The index section of a region's page is drawn by the regions app from
:func:`kotacerdas.assessments.presentation.region_index_context`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from kotacerdas.core.tabular import csv_bytes, xlsx_bytes
from kotacerdas.regions.models import Province, Region
from kotacerdas.web.responses import CSV, XLSX, download

from .. import presentation
from ..models import Computation
from ..selectors import public as selectors


class RankingForm(forms.Form):
    """The filters of the national ranking (a GET form; every field optional)."""

    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, required=False)
    aggregate = forms.ChoiceField(label=gettext_lazy("Ranked on"), required=False)
    q = forms.CharField(
        label=gettext_lazy("Name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": gettext_lazy("e.g. Kota Kupang")}
        ),
    )
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("All kinds")), *Region.Kind.choices],
    )
    population = forms.ChoiceField(
        label=gettext_lazy("Population"),
        required=False,
        choices=[("", gettext_lazy("Any size"))]
        + [(c.key, c.label) for c in selectors.POPULATION_CLASSES],
    )
    order = forms.ChoiceField(
        label=gettext_lazy("Order"), required=False, choices=selectors.RANKING_ORDERS
    )

    def __init__(
        self,
        *args: Any,
        years: list[int],
        aggregates: list[tuple[str, str]],
        provinces: list[Province],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["aggregate"].choices = aggregates
        self.fields["province"].choices = [("", _("All provinces"))] + [
            (p.code, p.name) for p in provinces
        ]


def _chosen_year(request: HttpRequest, years: list[int]) -> int | None:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    return year if year in years else (years[0] if years else None)


@require_safe
def national(request: HttpRequest) -> HttpResponse:
    """The national ranking of a published year, with the map, sensitivity and method."""
    years = selectors.published_years()
    year = _chosen_year(request, years)
    computation = selectors.latest_published_computation(year) if year else None
    context: dict[str, Any] = {"years": years, "framework": selectors.latest_framework()}
    if computation is not None:
        form = RankingForm(
            request.GET or None,
            initial={"year": year},
            years=years,
            aggregates=selectors.aggregate_choices(computation),
            provinces=list(Province.objects.filter(retired_at__isnull=True).order_by("name")),
        )
        filters = selectors.RankingFilters()
        if form.is_bound:
            form.is_valid()
            # A filter with a wrong value is dropped (and shown as an error); the others apply.
            data = form.cleaned_data
            filters = selectors.RankingFilters(
                q=data.get("q") or "",
                province=data.get("province") or "",
                kind=data.get("kind") or "",
                population=data.get("population") or "",
                aggregate=data.get("aggregate") or "",
                order=data.get("order") or "rank",
            )
        context.update(presentation.national_context(computation, filters))
        context["form"] = form
        context["filters"] = filters
    template = (
        "assessments/public/_national_results.html"
        if request.htmx and computation is not None
        else "assessments/public/national.html"
    )
    return render(request, template, context)


@require_safe
def framework(request: HttpRequest) -> HttpResponse:
    """The indicator tree and maturity levels of the latest framework."""
    tree = selectors.framework_tree()
    if tree is None:
        raise Http404(_("No indicator framework is loaded yet."))
    return render(request, "assessments/public/framework.html", {"tree": tree})


def _published_or_404(year: int) -> Computation:
    computation = selectors.latest_published_computation(year)
    if computation is None:
        raise Http404(_("No results are published for %(year)s.") % {"year": year})
    return computation


def _filename(computation: Computation, extension: str) -> str:
    demo = "-demo" if computation.is_demo else ""
    return f"kotacerdas-index-{computation.cycle.year}{demo}.{extension}"


def _bool_text(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


@require_safe
def results_csv(request: HttpRequest, year: int) -> HttpResponse:
    """The published results of ``year`` as CSV (UTF-8 with a byte-order mark for Excel)."""
    computation = _published_or_404(year)
    header, rows = selectors.published_results_table(computation)
    # Open data: booleans as true/false, as other open-data portals write them.
    rows = [[_bool_text(v) for v in row] for row in rows]
    return download(csv_bytes(header, rows), CSV, _filename(computation, "csv"))


@require_safe
def results_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    """The published results of ``year`` as XLSX, with a sheet saying how they were made."""
    computation = _published_or_404(year)
    header, rows = selectors.published_results_table(computation)
    framework = computation.cycle.framework
    about: list[list[Any]] = [
        [_("Results of the %(framework)s") % {"framework": framework}],
        [_("Year"), computation.cycle.year],
        [_("Published"), computation.published_at.strftime("%Y-%m-%d")],
    ]
    if computation.is_demo:
        about.append(
            [_("DEMO"), _("Illustrative demo results computed from invented values, not official.")]
        )
    about += [[note] for note in selectors.method_notes(computation)]
    content = xlsx_bytes([("results", [header, *rows]), ("about", about)])
    return download(content, XLSX, _filename(computation, "xlsx"))


urlpatterns: list = [
    path("", national, name="national"),
    path("framework/", framework, name="framework"),
    path("<int:year>/results.csv", results_csv, name="published-csv"),
    path("<int:year>/results.xlsx", results_xlsx, name="published-xlsx"),
]
