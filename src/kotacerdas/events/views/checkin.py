"""Pages of events (checkin)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
