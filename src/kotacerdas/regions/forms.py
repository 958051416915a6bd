"""Forms for the region profile and the network pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .codes import normalise_region_code
from .models import Cohort, CohortMember, Contact, Membership, Network, Region, RegionHead


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class RegionCodeField(forms.CharField):
    """A kabupaten/kota code typed as 53.71 or 5371; cleans to the current Region."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Region code"))
        kwargs.setdefault("help_text", _("Kemendagri code, for example 53.71 or 5371."))
        super().__init__(max_length=13, **kwargs)

    def clean(self, value: Any) -> Region:
        code = normalise_region_code(super().clean(value))
        region = Region.objects.filter(code=code, retired_at__isnull=True).first()
        if region is None:
            raise ValidationError(
                _("No current kabupaten/kota has the code %(code)s."), params={"code": code}
            )
        return region


class RegionFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name or code"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. Kota Kupang")}),
    )
    province = forms.ChoiceField(label=_("Province"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Region.Kind.choices]
    )
    network = forms.ChoiceField(label=_("Network member"), required=False)
    cohort = forms.ChoiceField(label=_("Cohort"), required=False)

    def __init__(self, *args: Any, provinces: Any, networks: Any, cohorts: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", _("All provinces"))] + [
            (p.code, p.name) for p in provinces
        ]
        self.fields["network"].choices = [("", _("Any"))] + [(n.slug, n.name) for n in networks]
        self.fields["cohort"].choices = [("", _("Any"))] + [(c.slug, c.name) for c in cohorts]


def _website_field() -> forms.URLField:
    # Addresses typed without a scheme are taken as https, as Django 6 will do.
    return forms.URLField(label=_("website"), required=False, assume_scheme="https")


class RegionProfileForm(forms.ModelForm):
    website = _website_field()

    class Meta:
        model = Region
        fields = ["website", "description"]


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "position", "agency", "email", "phone", "is_primary"]


class RegionHeadForm(forms.ModelForm):
    class Meta:
        model = RegionHead
        fields = ["title", "name", "deputy_name", "term_start", "term_end", "source"]
        widgets = {"term_start": DateInput(), "term_end": DateInput()}


class NetworkForm(forms.ModelForm):
    website = _website_field()

    class Meta:
        model = Network
        fields = ["slug", "name", "description", "website", "founded_year", "is_demo", "source"]


class MembershipForm(forms.ModelForm):
    region = RegionCodeField()

    class Meta:
        model = Membership
        fields = ["role", "joined_on", "left_on", "note", "is_demo", "source"]
        widgets = {"joined_on": DateInput(), "left_on": DateInput()}


class EndMembershipForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DateInput())


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["slug", "programme", "year", "name", "description", "is_demo", "source"]


class CohortMemberForm(forms.ModelForm):
    region = RegionCodeField()

    class Meta:
        model = CohortMember
        fields = ["status", "is_demo", "source"]


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("UTF-8 CSV with a header row; at most 2 MB.")
    )

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 2 MB."))
        return upload.read()
