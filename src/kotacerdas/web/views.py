"""Site-wide pages: home and about."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kotacerdas.regions import selectors as region_selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"overview": region_selectors.network_overview()})


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html")
