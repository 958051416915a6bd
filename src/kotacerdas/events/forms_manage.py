"""Forms of delegation management and the secretariat's desk: a participant, a quota, a
region to invite, a certificate to revoke. They carry what was typed; the services judge
it and their field problems are put back next to the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kotacerdas.regions import selectors as region_selectors
from kotacerdas.regions.models import Region

from .models import LARGEST_COUNT, ParticipantRole


class ParticipantForm(forms.Form):
    """One participant of a region's delegation."""

    name = forms.CharField(label=_("Name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=ParticipantRole.choices)
    position = forms.CharField(
        label=_("Position"),
        max_length=200,
        required=False,
        help_text=_("As the region names it, e.g. Camat Kelapa Lima."),
    )
    kecamatan_code = forms.ChoiceField(label=_("Kecamatan"), required=False)
    kelurahan_code = forms.CharField(
        label=_("Kelurahan/desa code"),
        max_length=13,
        required=False,
        help_text=_("Kemendagri code, e.g. 53.71.01.1001; leave empty if none."),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("The ticket is sent to this address.")
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    def __init__(self, *args: Any, region_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kecamatan = region_selectors.subdivisions(region_code)
        self.fields["kecamatan_code"].choices = [("", "—")] + [
            (k.code, f"{k.name} ({k.code})") for k in kecamatan
        ]


class QuotaForm(forms.Form):
    """A limit for a role, a region, or a role within a region (0 removes nobody already
    confirmed; an empty limit removes the quota)."""

    region = forms.CharField(
        label=_("Region code"),
        max_length=8,
        required=False,
        help_text=_("Kemendagri code such as 53.71; empty for every region."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("every role")), *ParticipantRole.choices], required=False
    )
    limit = forms.IntegerField(
        label=_("Limit"),
        min_value=0,
        max_value=LARGEST_COUNT,
        required=False,
        help_text=_("Leave empty to remove the quota."),
    )

    def clean_region(self) -> Any:
        code = self.cleaned_data["region"].strip()
        if not code:
            return None
        try:
            return region_selectors.get_region(code)
        except (Region.DoesNotExist, ValidationError):
            raise ValidationError(_("No region has the code %(code)s.") % {"code": code}) from None


class InviteForm(forms.Form):
    """A region whose delegation the secretariat opens."""

    region = forms.CharField(label=_("Region code"), max_length=8, help_text=_("e.g. 53.71"))

    clean_region = QuotaForm.clean_region


class RevokeForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=20)
    reason = forms.CharField(label=_("Reason"), max_length=300)
