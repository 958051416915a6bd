"""Admin for the audit trail (read-only) and the mixin that audits admin writes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from . import audit
from .models import AuditEvent


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes land in the audit trail."""

    def _region_code(self, obj: models.Model) -> str:
        region = getattr(obj, "region", None)
        return getattr(region, "code", "") or getattr(obj, "code", "") or ""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = {}
        if change and obj.pk:
            old = type(obj).objects.filter(pk=obj.pk).first()
            before = audit.snapshot(old) if old else {}
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action=AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE,
            obj=obj,
            region_code=self._region_code(obj),
            changes=audit.diff(before, audit.snapshot(obj)),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(
            actor=request.user,
            action=AuditEvent.Action.DELETE,
            obj=obj,
            region_code=self._region_code(obj),
            changes=audit.diff(audit.snapshot(obj), {}),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Shown to the secretariat but never changed here: the records go through services
    that keep rules the admin would skip (the audit trail, workflows, quotas)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    list_display = ["at", "actor_label", "channel", "action", "object_type", "object_repr"]
    list_filter = ["channel", "action", "object_type"]
    search_fields = ["actor_label", "object_repr", "object_id", "region_code"]
    date_hierarchy = "at"
