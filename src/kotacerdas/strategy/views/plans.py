"""Pages of masterplans (plans)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
