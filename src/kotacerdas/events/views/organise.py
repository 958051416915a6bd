"""Pages of events (organise)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
