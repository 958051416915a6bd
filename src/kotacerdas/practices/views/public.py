"""Public pages of the library and what officers do with other regions' practices."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from .. import selectors


def practice_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "practices/list.html", {"practices": selectors.published_practices()[:50]}
    )


def practice_detail(request: HttpRequest, slug: str) -> HttpResponse:
    practice = selectors.practice_by_slug(slug)
    version = selectors.visible_version(practice, request.user) if practice else None
    if version is None:
        raise Http404
    return render(request, "practices/detail.html", {"practice": practice, "version": version})


urlpatterns = [
    path("", practice_list, name="list"),
    path("<slug:slug>/", practice_detail, name="detail"),
]
