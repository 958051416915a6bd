"""Pages of events (manage)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
