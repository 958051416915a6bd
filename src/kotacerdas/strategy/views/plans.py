"""Pages of masterplans: the list, drafting a new one, a version as it reads, the editor that
saves the next version, the comparison of two versions, and the secretariat's comments.

Thin: each view finds the plan, asks the rule directly (as the services do: an
administrator gets no more than the secretariat), calls one service or builds one page
context (:mod:`kotacerdas.strategy.presentation`) and renders. Who may see a plan: the
secretariat and the officers of its region; everyone else is refused (403), an anonymous
visitor is sent to log in.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kotacerdas.regions import selectors as region_selectors
from kotacerdas.regions.models import Region
from kotacerdas.web.forms import attach_errors

from .. import presentation, selectors, services
from ..content import ContentInvalid
from ..forms import CommentForm, CreateForm, PlanEditor
from ..models import Masterplan
from . import plan_or_404, require

STALE = 409  # the plan moved on while the editor was open
DEFAULT_YEARS = 10


def _version_url(plan: Masterplan, number: int, anchor: str = "") -> str:
    url = reverse("strategy:version", kwargs={"pk": plan.pk, "number": number})
    return f"{url}#{anchor}" if anchor else url


def _version_number(value: Any) -> int | None:
    """A version number as a form sends it (1 or more), else None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 1 else None


# --- the list and a new plan -----------------------------------------------------------------


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    return render(request, "strategy/list.html", presentation.list_context(request.user))


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, code: str) -> HttpResponse:
    try:
        region = region_selectors.get_region(code)
    except (Region.DoesNotExist, ValidationError):
        raise Http404(_("No region has the code %(code)s.") % {"code": code}) from None
    require(request, "strategy.create_masterplan", region)
    next_year = timezone.localdate().year + 1
    form = CreateForm(
        request.POST if request.method == "POST" else None,
        initial={"start_year": next_year, "end_year": next_year + DEFAULT_YEARS - 1},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = services.create_masterplan(
                    actor=request.user,
                    region=region,
                    start_year=data["start_year"],
                    end_year=data["end_year"],
                    title=data["title"],
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("KotaCerdas drafted version 1. Read it, then edit it into your plan."),
                )
                return redirect("strategy:detail", pk=plan.pk)
    return render(
        request,
        "strategy/create.html",
        {"form": form, "region": region, "plans": selectors.plans_for(region)},
        status=status,
    )


# --- reading a version -----------------------------------------------------------------------


def _version_page(request: HttpRequest, pk: int, number: int | None) -> HttpResponse:
    plan = plan_or_404(request, pk)
    context = presentation.version_context(request.user, plan, number)
    if context is None:
        raise Http404(_("This masterplan has no such version."))
    return render(request, "strategy/detail.html", context)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _version_page(request, pk, None)


@login_required
@require_GET
def version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    return _version_page(request, pk, number)


@login_required
@require_POST
def comment(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    plan = selectors.plan_by_pk(pk)
    shown = selectors.version_of(plan, number) if plan else None
    if shown is None:
        raise Http404(_("This masterplan has no such version."))
    require(request, "strategy.comment_masterplan", shown)
    form = CommentForm(request.POST)
    section = request.POST.get("section", "")
    if form.is_valid():
        try:
            services.add_comment(
                actor=request.user,
                version=shown,
                section=form.cleaned_data["section"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            problems = exc.messages
        else:
            problems = []
    else:
        problems = [message for errors in form.errors.values() for message in errors]
    if problems:
        for message in problems:
            messages.error(request, _("Your comment was not saved: %(why)s") % {"why": message})
        return redirect(_version_url(plan, number, "comment-form"))
    messages.success(request, _("Your comment is saved; the region sees it on this version."))
    return redirect(_version_url(plan, number, f"section-{section}"))


# --- editing ---------------------------------------------------------------------------------


def _editor_page(
    request: HttpRequest,
    plan: Masterplan,
    editor: PlanEditor,
    number: int,
    *,
    latest: int,
    stale: bool = False,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "strategy/edit.html",
        {
            "plan": plan,
            "editor": editor,
            "form": editor.form,
            "number": number,
            "latest": latest,
            "stale": stale,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk, "strategy.edit_masterplan")
    latest = selectors.latest_version(plan)
    if latest is None:
        raise Http404(_("This masterplan has no version to edit."))
    posted = request.POST if request.method == "POST" else None
    # Build on the version the form was opened on: its texts and programme ids are the
    # ones the form shows. Saving a version that is no longer the latest is refused.
    based_on = _version_number(posted.get("based_on")) if posted is not None else latest.number
    base = selectors.version_of(plan, based_on) if based_on else None
    base = base or latest
    language = presentation.page_language()
    titles = presentation.section_titles()
    editor = PlanEditor(
        posted, base=base.content, number=base.number, language=language, titles=titles
    )
    page = {"latest": latest.number}
    if posted is None:
        return _editor_page(request, plan, editor, base.number, **page)
    if posted.get("add"):
        return _editor_page(request, plan, editor.extra_row(), base.number, **page)
    if not editor.is_valid():
        return _editor_page(request, plan, editor, base.number, status=400, **page)
    try:
        saved = services.save_version(
            actor=request.user,
            masterplan=plan,
            content=editor.document(),
            note=editor.change_note,
            based_on=based_on or 0,
        )
    except ContentInvalid as invalid:
        editor.attach(invalid.problems)
        return _editor_page(request, plan, editor, base.number, status=400, **page)
    except ValidationError as exc:
        stale = "based_on" in getattr(exc, "error_dict", {})
        editor.attach_error(exc)
        return _editor_page(
            request, plan, editor, base.number, stale=stale, status=STALE if stale else 400, **page
        )
    messages.success(request, _("Version %(number)d is saved.") % {"number": saved.number})
    return redirect(_version_url(plan, saved.number))


# --- comparing -------------------------------------------------------------------------------


@login_required
@require_GET
def diff(request: HttpRequest, pk: int, a: int, b: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    old, new = selectors.version_of(plan, a), selectors.version_of(plan, b)
    if old is None or new is None:
        raise Http404(_("This masterplan has no such version."))
    return render(request, "strategy/diff.html", presentation.diff_context(plan, old, new))


@login_required
@require_GET
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """The version selectors' form: on to the comparison of the two chosen versions."""
    plan = plan_or_404(request, pk)
    a, b = _version_number(request.GET.get("a")), _version_number(request.GET.get("b"))
    if a is None or b is None:
        messages.error(request, _("Choose two versions to compare."))
        return redirect("strategy:detail", pk=plan.pk)
    return redirect("strategy:diff", pk=plan.pk, a=a, b=b)


urlpatterns = [
    path("", plan_list, name="list"),
    path("new/<str:code>/", create, name="create"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/v<int:number>/", version, name="version"),
    path("<int:pk>/edit/", edit, name="edit"),
    path("<int:pk>/diff/", compare, name="compare"),
    path("<int:pk>/diff/<int:a>/<int:b>/", diff, name="diff"),
    path("<int:pk>/v<int:number>/comment/", comment, name="comment"),
]
