"""The shared core: the audit trail and the demo label every domain model can carry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Provenance(models.Model):
    """Whether a record is demo content, and the public source that backs it if not."""

    is_demo = models.BooleanField(
        _("demo content"),
        default=False,
        help_text=_("Illustrative content that is not an official record."),
    )
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One write to the platform: who did it, through which channel, and what changed."""

    class Channel(models.TextChoices):
        UI = "ui", _("web interface")
        API = "api", _("API")
        ADMIN = "admin", _("admin site")
        CLI = "cli", _("command line")
        SYSTEM = "system", _("system")

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        DELETE = "delete", _("deleted")
        IMPORT = "import", _("imported")
        SYNC = "sync", _("synchronised")
        LOGIN = "login", _("logged in")
        TOKEN = "token", _("token")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    # Kept even if the user is deleted later, so the trail stays readable.
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    region_code = models.CharField(_("region code"), max_length=13, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def change_lines(self) -> list[str]:
        """``field: old → new`` for each change; a summary value (a count) as ``field: value``."""
        lines = []
        # Sorted: PostgreSQL's jsonb does not keep the order the keys were written in.
        for field, change in sorted(self.changes.items()):
            if isinstance(change, list) and len(change) == 2:
                old, new = ("∅" if v in (None, "") else v for v in change)
                lines.append(f"{field}: {old} → {new}")
            else:
                lines.append(f"{field}: {change}")
        return lines
