"""Pages of masterplans (exports)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
