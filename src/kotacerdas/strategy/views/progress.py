"""Pages of masterplans (progress)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
