"""Tell the audit trail which channel a request came through."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import audit
from .models import AuditEvent


class AuditChannelMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith("/api/"):
            name = AuditEvent.Channel.API
        elif path.startswith("/admin/"):
            name = AuditEvent.Channel.ADMIN
        else:
            name = AuditEvent.Channel.UI
        with audit.channel(name):
            return self.get_response(request)
