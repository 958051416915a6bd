from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.models import AuditEvent


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, for example “data portal sync”."),
    )


class AuditFilterForm(forms.Form):
    region_code = forms.CharField(label=_("Region code"), required=False, max_length=13)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *AuditEvent.Channel.choices]
    )
    actor = forms.CharField(label=_("User"), required=False, max_length=150)
