"""Public pages of the library and what officers do with other regions' practices.

Everyone reads the library, a practice's published version, the learning network, a
region's recommendations and the transferability check. Signed-in officers record their
region's adoptions and ask questions; the lead region answers; a region's officers and
the secretariat state the region's priorities. Each view parses its input, calls one
selector, service or advice function, and renders (contexts come from
:mod:`kotacerdas.practices.presentation`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kotacerdas.core.rules import is_officer
from kotacerdas.regions import selectors as region_selectors
from kotacerdas.regions.models import Region
from kotacerdas.web.responses import CSV, XLSX, download

from .. import advice, presentation, search, selectors, services
from ..content import ContentInvalid
from ..forms_public import (
    AdoptionForm,
    AnswerForm,
    PrioritiesForm,
    QuestionForm,
    RegionChoiceForm,
    SearchForm,
    show_problems,
)
from ..models import Practice, PracticeVersion, Question, Replication
from ..services import transfer

PAGE_SIZE = 20


def _practice_or_404(slug: str) -> Practice:
    practice = selectors.practice_by_slug(slug)
    if practice is None:
        raise Http404(_("No practice has the short name %(slug)s.") % {"slug": slug})
    return practice


def _published_or_404(slug: str) -> Practice:
    practice = _practice_or_404(slug)
    if practice.published_version is None:
        raise Http404(_("The practice %(slug)s is not published.") % {"slug": slug})
    return practice


def _region_or_404(code: str) -> Region:
    try:
        return region_selectors.get_region(code)
    except (Region.DoesNotExist, ValidationError):
        raise Http404(_("No region has the code %(code)s.") % {"code": code}) from None


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("You may not change this."))


def _detail_url(practice: Practice, anchor: str = "") -> str:
    return presentation.practice_url(practice) + (f"#{anchor}" if anchor else "")


def _save_form(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], Any],
    *,
    aliases: dict[str, str] | None = None,
) -> Any:
    """On a valid POST, ``save(cleaned_data)``; a service's problems land on the form.

    Returns what ``save`` returned, or None when the form (or the service) refused it.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ContentInvalid as exc:
        show_problems(form, exc, aliases)
    return None


def _status(request: HttpRequest) -> int:
    """A form shown again after a POST is an unprocessable submission."""
    return 422 if request.method == "POST" else 200


# --- the library -----------------------------------------------------------------------------


@require_safe
def practice_list(request: HttpRequest) -> HttpResponse:
    """Search and browse the published practices, with facets and downloads."""
    form = SearchForm(request.GET)
    result = search.search_practices(
        form.query(),
        filters={name: request.GET.getlist(name) for name in search.FACETS},
        page=form.page_number(),
        per_page=PAGE_SIZE,
    )
    user = request.user
    region = getattr(user, "region", None) if is_officer(user) else None
    context = presentation.list_context(result, request.GET)
    context.update(
        form=form,
        can_create=user.has_perm("practices.add_practice", region),
        can_import=user.has_perm("practices.import_practices"),
        own_region=region,
    )
    return render(request, "practices/list.html", context)


EXPORTS: dict[str, tuple[Callable[[list[Practice]], bytes], str]] = {
    "csv": (transfer.export_csv, CSV),
    "xlsx": (transfer.export_xlsx, XLSX),
    "json": (transfer.export_json, "application/json"),
}


@require_safe
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every published practice as CSV, XLSX or JSON (open data; demo rows say so)."""
    if fmt not in EXPORTS:
        raise Http404(_("There is no export as %(format)s.") % {"format": fmt})
    writer, content_type = EXPORTS[fmt]
    filename = f"kotacerdas-practices-{timezone.localdate():%Y-%m-%d}.{fmt}"
    return download(writer(transfer.export_queryset()), content_type, filename)


@require_safe
def network(request: HttpRequest) -> HttpResponse:
    """Who learns from whom, the most replicated practices and the most active sharers."""
    return render(request, "practices/public/network.html", presentation.network_context())


# --- recommendations and priorities ----------------------------------------------------------


def _recommendations_page(
    request: HttpRequest, region: Region, form: PrioritiesForm | None = None
) -> HttpResponse:
    facts, recommendations = advice.recommend(region)
    can_set = request.user.has_perm("practices.set_priorities", region)
    if can_set and form is None:
        form = PrioritiesForm(initial=PrioritiesForm.initial_for(selectors.stated_pillars(region)))
    context = {
        "region": region,
        "rows": presentation.recommendation_rows(recommendations),
        "any_demo": any(r.practice.is_demo for r in recommendations),
        "form": form if can_set else None,
        **presentation.facts_context(facts),
    }
    return render(
        request, "practices/public/recommendations.html", context, status=_status(request)
    )


@require_safe
def recommendations(request: HttpRequest, code: str) -> HttpResponse:
    """Practices of other regions for ``code``, best first, each with its reason."""
    region = _region_or_404(code)
    if region.code != code:
        return redirect("practices:recommendations", code=region.code, permanent=True)
    return _recommendations_page(request, region)


@login_required
@require_POST
def priorities(request: HttpRequest, code: str) -> HttpResponse:
    """A region's officers or the secretariat state the pillars to improve first."""
    region = _region_or_404(code)
    _require(request, "practices.set_priorities", region)
    form = PrioritiesForm(request.POST)
    saved = _save_form(
        request,
        form,
        lambda data: services.set_priorities(
            actor=request.user, region=region, pillars=form.pillars()
        ),
        aliases={"pillars": "first"},
    )
    if saved is None:
        return _recommendations_page(request, region, form)
    messages.success(request, _("The priorities of %(region)s were saved.") % {"region": region})
    return redirect("practices:recommendations", code=region.code)


# --- transferability -------------------------------------------------------------------------


@require_safe
def fit(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Whether the practice fits a region: each prerequisite against the region's facts."""
    practice = _published_or_404(slug)
    region = _region_or_404(code)
    report = advice.check_fit(practice, region)
    return render(
        request,
        "practices/public/fit.html",
        {
            "practice": practice,
            "version": practice.published_version,
            "region": region,
            "report": report,
            "rows": presentation.fit_rows(report),
            **presentation.facts_context(report.facts),
        },
    )


@require_safe
def fit_choose(request: HttpRequest, slug: str) -> HttpResponse:
    """The region chooser of the transferability check (a GET form)."""
    practice = _published_or_404(slug)
    form = RegionChoiceForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("practices:fit", slug=practice.slug, code=form.cleaned_data["region"].code)
    return render(
        request,
        "practices/public/fit_choose.html",
        {"practice": practice, "version": practice.published_version, "form": form},
    )


# --- one practice ----------------------------------------------------------------------------


def _detail_page(
    request: HttpRequest,
    practice: Practice,
    version: PracticeVersion,
    *,
    ask_form: QuestionForm | None = None,
    answer_form: AnswerForm | None = None,
    answer_to: int | None = None,
) -> HttpResponse:
    context = presentation.detail_context(practice, version, request.user)
    context.update(
        ask_form=ask_form or QuestionForm(),
        answer_form=answer_form,
        answer_to=answer_to,
        fit_form=RegionChoiceForm(),
    )
    return render(request, "practices/detail.html", context, status=_status(request))


@require_safe
def practice_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The practice page: the published version, or ``?version=N`` for those allowed."""
    practice = _practice_or_404(slug)
    number = request.GET.get("version")
    if number is not None:
        try:
            number = int(number)
        except ValueError:
            raise Http404(_("There is no version %(number)s.") % {"number": number}) from None
    version = selectors.visible_version(practice, request.user, number)
    if version is None:
        raise Http404(_("No practice has the short name %(slug)s.") % {"slug": slug})
    return _detail_page(request, practice, version)


# --- adopting --------------------------------------------------------------------------------


def _adoption_initial(replication: Replication | None) -> dict[str, Any] | None:
    if replication is None:
        return None
    return {
        "status": replication.status,
        "started_on": replication.started_on,
        "ended_on": replication.ended_on,
        "notes": replication.notes,
    }


@login_required
def adopt(request: HttpRequest, slug: str) -> HttpResponse:
    """Record that a region adopts the practice: an officer for their own region, the
    secretariat for the region it names."""
    practice = _published_or_404(slug)
    _require(request, "practices.record_adoption", practice)
    user = request.user
    choose_region = not is_officer(user)
    existing = None if choose_region else practice.replications.filter(region=user.region).first()
    form = AdoptionForm(
        request.POST or None, initial=_adoption_initial(existing), choose_region=choose_region
    )

    def save(data: dict[str, Any]) -> Replication:
        return services.record_adoption(
            actor=user,
            practice=practice,
            region=data["region"] if choose_region else user.region,
            status=data["status"],
            started_on=data["started_on"],
            ended_on=data["ended_on"],
            notes=data["notes"],
        )

    replication = _save_form(request, form, save)
    if replication is not None:
        messages.success(
            request,
            _("The adoption by %(region)s was recorded.") % {"region": replication.region},
        )
        return redirect(_detail_url(practice, "replications"))
    return render(
        request,
        "practices/public/adopt.html",
        {
            "practice": practice,
            "version": practice.published_version,
            "form": form,
            "existing": existing,
            "region": None if choose_region else user.region,
        },
        status=_status(request),
    )


@login_required
def replication_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the status, dates or notes of an adoption the user's region recorded."""
    replication = get_object_or_404(
        Replication.objects.select_related(
            "practice__published_version", "practice__lead_region", "region"
        ),
        pk=pk,
    )
    _require(request, "practices.change_replication", replication)
    form = AdoptionForm(
        request.POST or None, initial=_adoption_initial(replication), choose_region=False
    )
    saved = _save_form(
        request,
        form,
        lambda data: services.update_adoption(
            actor=request.user,
            replication=replication,
            status=data["status"],
            started_on=data["started_on"],
            ended_on=data["ended_on"],
            notes=data["notes"],
        ),
    )
    practice = replication.practice
    if saved is not None:
        messages.success(
            request, _("The adoption by %(region)s was updated.") % {"region": replication.region}
        )
        return redirect(_detail_url(practice, "replications"))
    return render(
        request,
        "practices/public/adopt.html",
        {
            "practice": practice,
            "version": practice.published_version,
            "form": form,
            "existing": replication,
            "region": replication.region,
            "editing": True,
        },
        status=_status(request),
    )


# --- questions and answers -------------------------------------------------------------------


def _login_first(request: HttpRequest, practice: Practice) -> HttpResponse | None:
    """Send a visitor to the login page, and back to the practice (not to a POST-only URL)."""
    if request.user.is_authenticated:
        return None
    return redirect_to_login(_detail_url(practice, "questions"))


def _shown_version(request: HttpRequest, practice: Practice) -> PracticeVersion:
    version = selectors.visible_version(practice, request.user)
    if version is None:  # pragma: no cover - only those who see the practice get this far
        raise Http404
    return version


@require_POST
def ask(request: HttpRequest, slug: str) -> HttpResponse:
    """An officer of another region asks the lead region about the practice."""
    practice = _published_or_404(slug)
    if (login := _login_first(request, practice)) is not None:
        return login
    if not presentation.can_ask(request.user, practice):
        raise PermissionDenied(_("You may not change this."))
    form = QuestionForm(request.POST)
    question = _save_form(
        request,
        form,
        lambda data: services.ask_question(
            actor=request.user, practice=practice, text=data["text"]
        ),
    )
    if question is not None:
        messages.success(
            request,
            _("Your question was sent to %(region)s.") % {"region": practice.lead_region},
        )
        return redirect(_detail_url(practice, f"question-{question.pk}"))
    return _detail_page(request, practice, _shown_version(request, practice), ask_form=form)


@require_POST
def answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The lead region (or the secretariat) answers a question about the practice."""
    practice = _published_or_404(slug)
    if (login := _login_first(request, practice)) is not None:
        return login
    question = get_object_or_404(Question, pk=pk, practice=practice)
    _require(request, "practices.answer_question", practice)
    form = AnswerForm(request.POST)
    saved = _save_form(
        request,
        form,
        lambda data: services.answer_question(
            actor=request.user, question=question, text=data["text"]
        ),
    )
    if saved is not None:
        messages.success(request, _("Your answer was published."))
        return redirect(_detail_url(practice, f"question-{question.pk}"))
    return _detail_page(
        request,
        practice,
        _shown_version(request, practice),
        answer_form=form,
        answer_to=question.pk,
    )


# Fixed prefixes first: a practice's short name must never shadow them.
urlpatterns = [
    path("", practice_list, name="list"),
    path("export/<str:fmt>/", export, name="export"),
    path("network/", network, name="network"),
    path("for/<str:code>/", recommendations, name="recommendations"),
    path("for/<str:code>/priorities/", priorities, name="priorities"),
    path("adoptions/<int:pk>/edit/", replication_edit, name="replication_edit"),
    path("<slug:slug>/", practice_detail, name="detail"),
    path("<slug:slug>/fit/", fit_choose, name="fit_choose"),
    path("<slug:slug>/fit/<str:code>/", fit, name="fit"),
    path("<slug:slug>/adopt/", adopt, name="adopt"),
    path("<slug:slug>/questions/", ask, name="ask"),
    path("<slug:slug>/questions/<int:pk>/answer/", answer, name="answer"),
]
