"""Pages for the secretariat and officers: cycles, value imports, computations.

Thin: parse, check the permission, call one service or selector, render. Officers see
their own region and their own uploads; the secretariat sees everything and alone opens
cycles, computes and publishes. Unpublished computations exist only for the secretariat.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kotacerdas import engine
from kotacerdas.core.tabular import ImportRejected, csv_bytes, xlsx_bytes
from kotacerdas.web.forms import attach_errors, form_page, form_view
from kotacerdas.web.responses import CSV, XLSX, download

from .. import selectors
from ..engine_messages import describe
from ..forms import (
    ComputeForm,
    CoverageFilterForm,
    CycleForm,
    CycleStatusForm,
    UncertaintyForm,
    ValuesUploadForm,
    describe_options,
    uncertain_input_name,
)
from ..models import Computation, Cycle, ValueUpload
from ..services import computing, cycles, values

PAGE_SIZE = 50
PREVIEW_ROWS = 500
CONTENT_TYPES = {"xlsx": XLSX, "csv": CSV}


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this."))


def _own_region(request: HttpRequest) -> Any:
    return getattr(request.user, "region", None)


def _require_participant(request: HttpRequest) -> None:
    """The secretariat, or an officer acting for their own region."""
    _require(request, "assessments.view_region_values", _own_region(request))


def _cycle_or_404(year: int) -> Cycle:
    try:
        return selectors.cycle_for_year(year)
    except Cycle.DoesNotExist:
        raise Http404(_("There is no %(year)s cycle.") % {"year": year}) from None


def _cycle_url(cycle: Cycle) -> str:
    return reverse("assessments:cycle", kwargs={"year": cycle.year})


def _computation_url(computation: Computation) -> str:
    return reverse("assessments:computation", kwargs={"pk": computation.pk})


def _download(content: bytes, filename: str, fmt: str) -> HttpResponse:
    return download(content, CONTENT_TYPES[fmt], filename)


# --- cycles --------------------------------------------------------------------------------


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    _require_participant(request)
    return render(
        request,
        "assessments/manage/cycles.html",
        {
            "rows": selectors.cycle_rows(
                include_unpublished=request.user.has_perm("assessments.view_unpublished")
            ),
            "can_manage": request.user.has_perm("assessments.manage_cycles"),
            "viewer_region": _own_region(request),
        },
    )


@login_required
def cycle_create(request: HttpRequest) -> HttpResponse:
    _require(request, "assessments.manage_cycles")
    form = CycleForm(request.POST or None)

    def save(data: dict[str, Any]) -> Cycle:
        cycle = cycles.open_cycle(actor=request.user, **data)
        messages.success(request, _("The %(year)s cycle is open for data.") % {"year": cycle.year})
        return cycle

    return form_page(
        request,
        form,
        save=save,
        title=_("Open a new cycle"),
        back_url=reverse("assessments:cycles"),
        success_url=_cycle_url,
    )


@login_required
@require_POST
def cycle_status(request: HttpRequest, year: int) -> HttpResponse:
    _require(request, "assessments.manage_cycles")
    cycle = _cycle_or_404(year)
    form = CycleStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose open or closed."))
        return redirect(_cycle_url(cycle))
    cycles.set_cycle_status(actor=request.user, cycle=cycle, status=form.cleaned_data["status"])
    if cycle.status == Cycle.Status.CLOSED:
        messages.success(request, _("The %(year)s cycle is closed.") % {"year": cycle.year})
    else:
        messages.success(request, _("The %(year)s cycle is open again.") % {"year": cycle.year})
    return redirect(_cycle_url(cycle))


@login_required
def cycle_detail(request: HttpRequest, year: int) -> HttpResponse:
    _require_participant(request)
    cycle = _cycle_or_404(year)
    user = request.user
    sees_all = user.has_perm("assessments.import_all_values")
    indicators = selectors.cycle_indicators(cycle)
    context: dict[str, Any] = {
        "cycle": cycle,
        "sees_all": sees_all,
        "can_manage": user.has_perm("assessments.manage_cycles"),
        "can_compute": user.has_perm("assessments.compute_index"),
        "viewer_region": _own_region(request),
        "indicators": len(indicators),
        "coverage": selectors.indicator_coverage(cycle, indicators),
        "uploads": selectors.cycle_uploads(cycle, uploaded_by=None if sees_all else user),
        "computations": selectors.cycle_computations(
            cycle, published_only=not user.has_perm("assessments.view_unpublished")
        ),
    }
    if sees_all:
        form = CoverageFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        regions = selectors.region_coverage(cycle, indicators=len(indicators), **filters)
        query = request.GET.copy()
        query.pop("page", None)
        context |= {
            "filter_form": form,
            "page": Paginator(regions, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": query.urlencode(),
        }
    else:
        context["region_values"] = selectors.region_values(cycle, user.region, indicators)
    return render(request, "assessments/manage/cycle.html", context)


@login_required
def template_download(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    _require_participant(request)
    cycle = _cycle_or_404(year)
    if request.user.has_perm("assessments.import_all_values"):
        province = request.GET.get("province", "").strip()
        regions = selectors.current_regions(province=province)
        suffix = f"-{province}" if province.isdigit() and len(province) == 2 else ""
    else:
        regions = [request.user.region]
        suffix = f"-{request.user.region.code}"
    content = values.template_file(cycle, regions, fmt)
    return _download(content, f"kotacerdas-nilai-{cycle.year}{suffix}.{fmt}", fmt)


# --- importing values ----------------------------------------------------------------------


@login_required
def values_import(request: HttpRequest, year: int) -> HttpResponse:
    _require(request, "assessments.import_values", _own_region(request))
    cycle = _cycle_or_404(year)
    form = ValuesUploadForm(request.POST or None, request.FILES or None)

    def save(data: dict[str, Any]) -> ValueUpload:
        content, filename = data["file"]
        stored, _plan = values.upload(
            actor=request.user, cycle=cycle, content=content, filename=filename
        )
        return stored

    return form_view(
        request,
        form,
        save=save,
        template="assessments/manage/import.html",
        context={
            "page_title": _("Import values for %(cycle)s") % {"cycle": cycle},
            "back_url": _cycle_url(cycle),
            "cycle": cycle,
            "sees_all": request.user.has_perm("assessments.import_all_values"),
            "columns": values.COLUMNS,
            "required": values.REQUIRED,
        },
        success_url=lambda stored: reverse(
            "assessments:upload", kwargs={"year": cycle.year, "upload_id": stored.pk}
        ),
    )


def _visible_upload(request: HttpRequest, year: int, upload_id: int) -> ValueUpload:
    cycle = _cycle_or_404(year)
    stored = get_object_or_404(
        ValueUpload.objects.select_related("cycle__framework", "uploaded_by"),
        pk=upload_id,
        cycle=cycle,
    )
    user = request.user
    if not (
        user.has_perm("assessments.import_all_values")
        or (
            stored.uploaded_by_id == user.pk
            and user.has_perm("assessments.import_values", user.region)
        )
    ):
        raise PermissionDenied(
            _("Only the person who uploaded a file or the secretariat may see it.")
        )
    return stored


@login_required
@require_http_methods(["GET", "POST"])
def upload_preview(request: HttpRequest, year: int, upload_id: int) -> HttpResponse:
    stored = _visible_upload(request, year, upload_id)
    plan, problems, status = None, None, 200
    if request.method == "POST":
        try:
            plan = values.apply_upload(actor=request.user, stored=stored)
        except ImportRejected as exc:
            problems, status = exc.problems, 422
        else:
            counts = plan.counts()
            messages.success(
                request,
                _(
                    "Imported: %(new)d new and %(changed)d changed values; %(unchanged)d were "
                    "already stored. Regions: %(regions)d."
                )
                % counts,
            )
            return redirect(_cycle_url(stored.cycle))
    elif stored.applied_at is None:
        try:
            plan = selectors.upload_plan(actor=request.user, stored=stored)
        except ImportRejected as exc:
            problems = exc.problems
    changes = [c for c in plan.shown() if c.kind != "unchanged"] if plan else []
    return render(
        request,
        "assessments/manage/preview.html",
        {
            "stored": stored,
            "cycle": stored.cycle,
            "counts": plan.counts() if plan else stored.summary,
            "changes": changes[:PREVIEW_ROWS],
            "more": max(0, len(changes) - PREVIEW_ROWS),
            "problems": problems,
            "can_confirm": plan is not None and stored.applied_at is None,
            "viewer_region": _own_region(request),
        },
        status=status,
    )


# --- computing -----------------------------------------------------------------------------


@login_required
def compute(request: HttpRequest, year: int) -> HttpResponse:
    _require(request, "assessments.compute_index")
    cycle = _cycle_or_404(year)
    form = ComputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            computation = computing.compute_cycle(
                actor=request.user, cycle=cycle, options=form.options()
            )
        except engine.InputError as exc:
            for issue in exc.issues:
                form.add_engine_issue(str(issue.params.get("option", "")), describe(issue))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            if computation.status == Computation.Status.DONE:
                messages.success(request, _("The index was computed."))
            else:
                messages.error(request, _("The computation failed; the reason is shown below."))
            return redirect(_computation_url(computation))
    return render(
        request,
        "assessments/manage/compute.html",
        {"cycle": cycle, "form": form},
        status=422 if request.method == "POST" else 200,
    )


def _visible_computation(request: HttpRequest, pk: int) -> Computation | HttpResponse:
    """The computation if the viewer may see it: published ones are public."""
    computation = get_object_or_404(
        Computation.objects.select_related("cycle__framework", "created_by"), pk=pk
    )
    if computation.is_published or request.user.has_perm("assessments.view_unpublished"):
        return computation
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404(_("No such computation."))


def computation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    computation = _visible_computation(request, pk)
    if isinstance(computation, HttpResponse):
        return computation
    return render(
        request,
        "assessments/manage/computation.html",
        {
            **_progress_context(computation),
            "options": describe_options(computation.options),
            "top": selectors.ranking_top(computation),
            "can_compute": request.user.has_perm("assessments.compute_index"),
            "can_publish": request.user.has_perm("assessments.publish_results"),
            "uncertainty_form": UncertaintyForm(),
            "viewer_region": _own_region(request),
        },
    )


def _progress_context(computation: Computation) -> dict[str, Any]:
    running = computation.uncertainty_is_running
    return {
        "computation": computation,
        "cycle": computation.cycle,
        "running": running,
        "sensitivity": [
            {**row, "label": uncertain_input_name(str(row.get("input", "")))}
            for row in computation.sensitivity or []
        ],
    }


def computation_progress(request: HttpRequest, pk: int) -> HttpResponse:
    computation = _visible_computation(request, pk)
    if isinstance(computation, HttpResponse):
        return computation
    context = _progress_context(computation)
    response = render(request, "assessments/manage/_progress.html", context)
    if request.htmx and not context["running"]:
        # The analysis finished while the page was open: reload it to show rank intervals.
        response["HX-Refresh"] = "true"
    return response


def computation_results(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    computation = _visible_computation(request, pk)
    if isinstance(computation, HttpResponse):
        return computation
    if computation.status != Computation.Status.DONE:
        raise Http404(_("A failed computation has no results."))
    header, rows = selectors.results_table(computation)
    if fmt == "csv":
        content = csv_bytes(header, rows)
    else:
        content = xlsx_bytes([("results", [header, *rows])])
    name = f"kotacerdas-hasil-{computation.cycle.year}-{computation.pk}.{fmt}"
    return _download(content, name, fmt)


def _computation_action(request: HttpRequest, pk: int, perm: str, action: Any) -> HttpResponse:
    _require(request, perm)
    computation = get_object_or_404(Computation.objects.select_related("cycle"), pk=pk)
    try:
        message = action(computation)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, message)
    return redirect(_computation_url(computation))


@login_required
@require_POST
def computation_uncertainty(request: HttpRequest, pk: int) -> HttpResponse:
    form = UncertaintyForm(request.POST)

    def run(computation: Computation) -> str:
        if not form.is_valid():
            raise ValueError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        computing.start_uncertainty(
            actor=request.user, computation=computation, options=form.cleaned_data
        )
        return _("The uncertainty analysis has started; its progress is shown below.")

    return _computation_action(request, pk, "assessments.compute_index", run)


@login_required
@require_POST
def computation_publish(request: HttpRequest, pk: int) -> HttpResponse:
    def run(computation: Computation) -> str:
        computing.publish(actor=request.user, computation=computation)
        return _("The computation is published; it replaces any earlier result of the cycle.")

    return _computation_action(request, pk, "assessments.publish_results", run)


@login_required
@require_POST
def computation_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    def run(computation: Computation) -> str:
        computing.unpublish(actor=request.user, computation=computation)
        return _("The computation is no longer published.")

    return _computation_action(request, pk, "assessments.publish_results", run)


urlpatterns = [
    path("cycles/", cycle_list, name="cycles"),
    path("cycles/new/", cycle_create, name="cycle-create"),
    path("cycles/<int:year>/", cycle_detail, name="cycle"),
    path("cycles/<int:year>/status/", cycle_status, name="cycle-status"),
    path(
        "cycles/<int:year>/template.xlsx",
        template_download,
        {"fmt": "xlsx"},
        name="template-xlsx",
    ),
    path("cycles/<int:year>/template.csv", template_download, {"fmt": "csv"}, name="template-csv"),
    path("cycles/<int:year>/import/", values_import, name="import"),
    path("cycles/<int:year>/import/<int:upload_id>/", upload_preview, name="upload"),
    path("cycles/<int:year>/compute/", compute, name="compute"),
    path("computations/<int:pk>/", computation_detail, name="computation"),
    path("computations/<int:pk>/progress/", computation_progress, name="computation-progress"),
    path(
        "computations/<int:pk>/results.csv",
        computation_results,
        {"fmt": "csv"},
        name="results-csv",
    ),
    path(
        "computations/<int:pk>/results.xlsx",
        computation_results,
        {"fmt": "xlsx"},
        name="results-xlsx",
    ),
    path(
        "computations/<int:pk>/uncertainty/",
        computation_uncertainty,
        name="computation-uncertainty",
    ),
    path("computations/<int:pk>/publish/", computation_publish, name="computation-publish"),
    path("computations/<int:pk>/unpublish/", computation_unpublish, name="computation-unpublish"),
]
