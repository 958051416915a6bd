"""Users with one role each, and the API tokens they hold."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("region officer")
    SECRETARIAT = "secretariat", _("network secretariat")
    ADMIN = "admin", _("administrator")


class User(AbstractUser):
    """A signed-in person. Public visitors are anonymous and have no account."""

    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.OFFICER)
    # An officer works for exactly one region; the secretariat and admins for none.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    position = models.CharField(_("position"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="officer") | models.Q(region__isnull=False),
                name="officer_has_region",
                violation_error_message=_("A region officer must belong to a region."),
            )
        ]

    def clean(self) -> None:
        super().clean()
        if self.role == Role.OFFICER and self.region_id is None:
            raise ValidationError({"region": _("A region officer must belong to a region.")})
        if self.role != Role.OFFICER and self.region_id is not None:
            raise ValidationError({"region": _("Only a region officer is bound to a region.")})


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
