"""Sign-in, the personal dashboard with API tokens, and the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kotacerdas.regions.codes import normalise_code

from . import selectors, services
from .forms import AuditFilterForm, TokenForm
from .models import ApiToken


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/form.html"
    success_url = reverse_lazy("accounts:dashboard")
    extra_context = {"page_title": gettext_lazy("Change password")}

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    token_form = TokenForm()
    new_token = request.session.pop("new_token", None)
    return render(
        request,
        "accounts/dashboard.html",
        {
            "tokens": selectors.tokens_of(request.user),
            "token_form": token_form,
            "new_token": new_token,
        },
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("accounts:dashboard")
    _token, plain = services.create_token(
        actor=request.user, user=request.user, name=form.cleaned_data["name"]
    )
    # Shown once on the next page, then gone: only the digest is stored.
    request.session["new_token"] = plain
    return redirect("accounts:dashboard")


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_token(actor=request.user, token=token)
    messages.success(request, _("The token %(prefix)s… was revoked.") % {"prefix": token.prefix})
    return redirect("accounts:dashboard")


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("core.view_auditevent"):
        raise PermissionDenied(_("Only the secretariat may read the audit trail."))
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    code = filters.get("region_code", "")
    if code:
        try:
            filters["region_code"] = normalise_code(code)
        except ValidationError as exc:
            form.add_error("region_code", exc)
            filters["region_code"] = code
    events = selectors.audit_trail(**filters).select_related("actor")
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "accounts/audit.html", {"form": form, "page": page, "query": query.urlencode()}
    )
