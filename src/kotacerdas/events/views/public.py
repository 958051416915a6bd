"""Public pages of events: the list, an event's page with its agenda, its calendar files
and printable agenda, and the verification of certificates of attendance.

A draft event is the secretariat's alone: to everyone else its pages and files do not
exist (404). Contexts come from :mod:`kotacerdas.events.presentation`.

Certificate verification shows what the certificate itself says and nothing more; an
unknown code gets one plain answer (404) whatever it resembles, and an address that keeps
asking about unknown codes is slowed down (429) for a while.
"""

from __future__ import annotations

from django import forms
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kotacerdas.web.responses import PDF, download

from .. import documents, presentation, selectors
from ..models import Certificate, Event, Session

# Unknown codes one address may ask about in a window before it waits (a real visitor
# mistypes a few times; guessing 12-character codes needs millions of tries).
MISS_LIMIT = 30
MISS_WINDOW = 10 * 60  # seconds

ICS = "text/calendar; charset=utf-8"


def _event_or_404(request: HttpRequest, slug: str) -> Event:
    event = selectors.visible_event(request.user, slug)
    if event is None:
        raise Http404(_("No event has the short name %(slug)s.") % {"slug": slug})
    return event


# --- events ---------------------------------------------------------------------------------


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    """Upcoming and past events, optionally of one year or one status."""
    context = presentation.list_context(
        request.user,
        year=request.GET.get("year", ""),
        status=request.GET.get("status", ""),
    )
    return render(request, "events/public/list.html", context)


@require_safe
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The event's page: what, where, when, places left and the agenda."""
    event = _event_or_404(request, slug)
    return render(
        request, "events/public/detail.html", presentation.detail_context(event, request.user)
    )


@require_safe
def event_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole event and each session as an iCalendar file."""
    event = _event_or_404(request, slug)
    return download(documents.event_ics(event), ICS, f"{event.slug}.ics")


@require_safe
def session_calendar(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One session of the event as an iCalendar file."""
    event = _event_or_404(request, slug)
    session = Session.objects.filter(event=event, pk=pk).first()
    if session is None:
        raise Http404(_("The event has no session %(number)s.") % {"number": pk})
    session.event = event
    return download(documents.session_ics(session), ICS, f"{event.slug}-session-{session.pk}.ics")


@require_safe
def agenda_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The printable agenda (A4 PDF), opened in the browser."""
    event = _event_or_404(request, slug)
    return download(documents.agenda_pdf(event), PDF, f"{event.slug}-agenda.pdf", inline=True)


# --- certificates ---------------------------------------------------------------------------


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=40,
        help_text=gettext_lazy(
            "The code printed on the certificate, for example K7QM-XRT4-WZ2P. "
            "Capitals, dashes and spaces do not matter."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = selectors.certificate_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("A verification code has letters and digits."))
        return code


def _miss_key(request: HttpRequest) -> str:
    return f"events:verify-misses:{request.META.get('REMOTE_ADDR', '')}"


def _throttled(request: HttpRequest) -> bool:
    return cache.get(_miss_key(request), 0) >= MISS_LIMIT


def _count_miss(request: HttpRequest) -> None:
    key = _miss_key(request)
    cache.add(key, 0, MISS_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired in between: start a new window
        cache.set(key, 1, MISS_WINDOW)


def _verify_page(
    request: HttpRequest, form: VerifyForm, *, status: int = 200, **context
) -> HttpResponse:
    response = render(
        request, "events/public/verify.html", {"form": form, **context}, status=status
    )
    # Verification pages name people: not for search engines.
    response["X-Robots-Tag"] = "noindex"
    return response


def _too_many(request: HttpRequest) -> HttpResponse:
    return _verify_page(request, VerifyForm(), status=429, throttled=True)


@require_safe
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """The verification form; a submitted code leads to the certificate's page."""
    if "code" not in request.GET:
        return _verify_page(request, VerifyForm())
    form = VerifyForm(request.GET)
    if form.is_valid():
        return redirect("events:certificate", code=form.cleaned_data["code"])
    return _verify_page(request, form)


def _certificate(request: HttpRequest, code: str) -> Certificate | None:
    """The certificate ``code`` names, if the visitor may see its event (a draft event's
    certificates do not exist for the public); unknown codes count against the address."""
    certificate = selectors.verifiable_certificate(code, request.user)
    if certificate is None:
        _count_miss(request)
    return certificate


def _unknown(request: HttpRequest, code: str) -> HttpResponse:
    return _verify_page(
        request, VerifyForm(initial={"code": code}), status=404, unknown=True, asked=code
    )


@require_safe
@never_cache
def certificate_page(request: HttpRequest, code: str) -> HttpResponse:
    """What the certificate says and whether it is valid or revoked."""
    if _throttled(request):
        return _too_many(request)
    certificate = _certificate(request, code)
    if certificate is None:
        return _unknown(request, code)
    response = render(
        request,
        "events/public/certificate.html",
        presentation.certificate_context(certificate, request.user),
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
@never_cache
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The certificate as a PDF; a revoked certificate has none (410)."""
    if _throttled(request):
        return _too_many(request)
    certificate = _certificate(request, code)
    if certificate is None:
        return _unknown(request, code)
    if certificate.revoked_at is not None:
        context = presentation.certificate_context(certificate, request.user)
        response = render(
            request, "events/public/certificate.html", {**context, "no_pdf": True}, status=410
        )
        response["X-Robots-Tag"] = "noindex"
        return response
    verify_url = request.build_absolute_uri(
        reverse("events:certificate", kwargs={"code": certificate.code})
    )
    event = certificate.registration.delegation.event
    return download(
        documents.certificate_pdf(certificate, verify_url),
        PDF,
        f"{event.slug}-certificate-{certificate.code}.pdf",
    )


# Fixed paths first: an event's short name must never shadow them.
urlpatterns = [
    path("", event_list, name="list"),
    path("verify/", verify, name="verify"),
    path("verify/<str:code>/", certificate_page, name="certificate"),
    path("verify/<str:code>/certificate.pdf", certificate_pdf, name="certificate_pdf"),
    path("<slug:slug>/", event_detail, name="detail"),
    path("<slug:slug>/calendar.ics", event_calendar, name="calendar"),
    path("<slug:slug>/agenda.pdf", agenda_pdf, name="agenda_pdf"),
    path("<slug:slug>/sessions/<int:pk>/calendar.ics", session_calendar, name="session_calendar"),
]
