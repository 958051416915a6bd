from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "kotacerdas.practices"
    verbose_name = _("Best-practice library")
    default_auto_field = "django.db.models.BigAutoField"
