from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "kotacerdas.assessments"
    verbose_name = _("Assessments and index")
    default_auto_field = "django.db.models.BigAutoField"
