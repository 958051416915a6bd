"""Helpers shared by the form views of every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kotacerdas.core.tabular import ImportRejected


def attach_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def form_view(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    save: Callable[[dict[str, Any]], Any],
    template: str,
    context: dict[str, Any],
    success_url: str | Callable[[Any], str],
) -> HttpResponse:
    """Render ``form``; on a valid POST call ``save(cleaned_data)`` and redirect.

    A ValidationError from the service lands on the form; an import rejected by its
    validation report is shown as the list of problems, and nothing was changed.
    """
    problems = None
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        except ImportRejected as exc:
            problems = exc.problems
        else:
            return redirect(success_url(result) if callable(success_url) else success_url)
    status = 422 if request.method == "POST" else 200
    return render(request, template, {**context, "form": form, "problems": problems}, status=status)


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    save: Callable[[dict[str, Any]], Any],
    title: str,
    back_url: str,
    success_url: str | Callable[[Any], str] | None = None,
    **context: Any,
) -> HttpResponse:
    """:func:`form_view` on the standard form page, returning to ``back_url`` by default."""
    return form_view(
        request,
        form,
        save=save,
        template="web/form_page.html",
        context={"page_title": title, "back_url": back_url, **context},
        success_url=back_url if success_url is None else success_url,
    )
