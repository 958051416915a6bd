"""Pages of events (public)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
