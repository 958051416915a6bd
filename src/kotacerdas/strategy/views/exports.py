"""The files of a masterplan version: the whole plan as DOCX or PDF and a one-page summary
as PDF, in Indonesian unless ``?lang=en`` asks for English.

Who may download: whoever may read the plan (the region's officers and the secretariat);
anonymous visitors are sent to sign in, other signed-in users get 403, and an unknown
plan or version is a 404.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kotacerdas.web.responses import DOCX, PDF, download

from .. import documents, reading, selectors
from ..models import Masterplan, PlanVersion
from . import plan_or_404

LANGUAGES = ("id", "en")


def _version(request: HttpRequest, pk: int, number: int) -> tuple[Masterplan, PlanVersion]:
    plan = plan_or_404(request, pk)
    version = selectors.version_of(plan, number)
    if version is None:
        raise Http404(_("The masterplan has no version %(number)s.") % {"number": number})
    return plan, version


def filename(
    plan: Masterplan, version: PlanVersion, language: str, extension: str, part: str = ""
) -> str:
    """``masterplan-53.71-2026-2035-v2-id.docx`` (with ``part``: ``...-v2-summary-id.pdf``):
    ASCII, so every browser keeps it as it is."""
    stem = f"masterplan-{plan.region.code}-{plan.start_year}-{plan.end_year}-v{version.number}"
    return "-".join(p for p in (stem, part, language) if p) + f".{extension}"


def _export(
    render: Callable[[reading.Reading], bytes], content_type: str, extension: str, part: str = ""
):
    @login_required
    @require_safe
    def view(request: HttpRequest, pk: int, number: int) -> HttpResponse:
        plan, version = _version(request, pk, number)
        language = request.GET.get("lang", "id")
        if language not in LANGUAGES:
            return HttpResponseBadRequest(
                _("The parameter lang must be id (Indonesian) or en (English)."),
                content_type="text/plain; charset=utf-8",
            )
        body = render(reading.read(plan.title, version.content, language, demo=plan.is_demo))
        name = filename(plan, version, language, extension, part)
        return download(body, content_type, name)

    return view


plan_docx = _export(documents.plan_docx, DOCX, "docx")
plan_pdf = _export(documents.plan_pdf, PDF, "pdf")
summary_pdf = _export(documents.summary_pdf, PDF, "pdf", part="summary")

urlpatterns = [
    path("<int:pk>/v<int:number>/plan.docx", plan_docx, name="docx"),
    path("<int:pk>/v<int:number>/plan.pdf", plan_pdf, name="pdf"),
    path("<int:pk>/v<int:number>/summary.pdf", summary_pdf, name="summary"),
]
