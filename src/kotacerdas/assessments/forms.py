"""Forms of the cycle pages: opening a cycle, uploading values, computing and analysing.

The compute form speaks the engine's option strings (``minmax:0,100``, ``log_CT``), and
:func:`describe_options` says the same choices back in plain words on result pages.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.regions.models import Province

from .models import Cycle, Framework
from .services.computing import DEFAULT_OPTIONS, UNCERTAINTY_DEFAULTS
from .services.values import MAX_UPLOAD_BYTES

IMPUTE_CHOICES = [
    (
        "none",
        _("None — a missing value stays missing; aggregates use the indicators a region has."),
    ),
    ("mean", _("Mean — fill a missing value with the average of the regions that have one.")),
    (
        "median",
        _(
            "Median — fill it with the middle value of the regions that have one (less pulled by "
            "extremes)."
        ),
    ),
    (
        "row-mean:2",
        _(
            "Region's own sub-element mean — fill it from the region's other indicators in the "
            "same sub-element."
        ),
    ),
    (
        "row-mean:3",
        _(
            "Region's own pillar mean — fill it from the region's other indicators in the same "
            "pillar."
        ),
    ),
    (
        "group-mean:kind",
        _("Mean of its kind — fill it with the average of the other kota, or kabupaten."),
    ),
    (
        "group-mean:peer_group",
        _("Mean of its peer group — the average of regions of the same kind and population class."),
    ),
    (
        "group-median:province",
        _("Median of its province — the middle value of the province's other regions."),
    ),
]
TREAT_CHOICES = [
    (
        "winsorise",
        _(
            "Winsorise — pull in the few extreme values of a strongly skewed indicator, then take "
            "logs if that is not enough."
        ),
    ),
    ("none", _("None — use the values as they are, extremes included.")),
]
LOG_CHOICES = [
    ("log_CT", _("Log — when winsorising is not enough, take the logarithm of the indicator.")),
    (
        "log_CT_plus",
        _(
            "Log, both sides — the same, and a mirrored logarithm for indicators skewed towards "
            "low values."
        ),
    ),
    ("none", _("None — never take logarithms; only winsorise.")),
]
NORMALISE_CHOICES = [
    (
        "minmax",
        _(
            "Min–max — the lowest region gets the lower bound, the highest the upper bound (0 to "
            "100 by default)."
        ),
    ),
    (
        "zscore",
        _(
            "Z-score — distance from the average in standard deviations, rescaled to a mean and "
            "spread (0 and 1 by default)."
        ),
    ),
    ("rank", _("Rank — only the order counts (1 = lowest), not the size of the gaps.")),
    ("prank", _("Percentile rank — the share of the other regions a region is ahead of, 0 to 1.")),
    ("borda", _("Borda — points by position: the last region gets 0, the next 1, and so on.")),
    (
        "dist2max",
        _(
            "Distance to the best — how far a region has come from the lowest value to the best "
            "region's, 0 to 1."
        ),
    ),
    (
        "dist2targ",
        _(
            "Distance to target — how far a region has come from the lowest value to the "
            "framework's target (1 = target reached; beyond it, more than 1)."
        ),
    ),
    (
        "dist2targ-capped",
        _(
            "Distance to target, capped — the same, with regions beyond the target counted as "
            "reaching it (at most 1)."
        ),
    ),
]
PARAMETERISED = ("minmax", "zscore")
AGGREGATE_CHOICES = [
    ("amean", _("Arithmetic mean — a weak indicator can be made up by a strong one.")),
    (
        "gmean",
        _("Geometric mean — a weak indicator weighs more; every value must be above zero."),
    ),
    ("hmean", _("Harmonic mean — weak indicators weigh most; no value may be zero.")),
]
# The engine's names of the uncertain inputs (``engine.Uncertain``).
UNCERTAIN_INPUTS = {
    "winmax": _("Outlier treatment (how many values may be winsorised)"),
    "normalise": _("Normalisation method"),
    "weight_set": _("Weights"),
    "aggregate": _("Aggregation method"),
    "impute": _("Imputation of missing values"),
}


def _label(choices: list[tuple[str, Any]], value: str) -> str:
    for key, label in choices:
        if key == value:
            return str(label)
    return value


def describe_options(options: dict[str, Any]) -> list[tuple[str, str]]:
    """The method choices of a computation as (what, how) pairs in plain words."""
    normalise = str(options.get("normalise", ""))
    method, _sep, params = normalise.partition(":")
    normalised = _label(NORMALISE_CHOICES, method)
    if params:
        normalised += " " + str(_("Bounds used: %(bounds)s.")) % {
            "bounds": params.replace(",", " – ")
        }
    screen = options.get("screen_min_availability")
    treat = options.get("treat")
    rows = [
        (str(_("Missing values")), _label(IMPUTE_CHOICES, str(options.get("impute", "none")))),
        (
            str(_("Screening")),
            str(_("None — every region with a value is computed."))
            if screen is None
            else str(_("Regions with less than %(share)s%% of the indicators get no score."))
            % {"share": f"{100 * float(screen):g}"},
        ),
        (str(_("Outliers")), _label(TREAT_CHOICES, str(treat))),
    ]
    if treat == "winsorise":
        rows += [
            (
                str(_("Outlier limits")),
                str(
                    _(
                        "At most %(winmax)s values winsorised per indicator; an indicator is "
                        "treated when its skewness is above %(skew)s and its kurtosis above "
                        "%(kurt)s."
                    )
                )
                % {
                    "winmax": options.get("winmax"),
                    "skew": options.get("skew_threshold"),
                    "kurt": options.get("kurt_threshold"),
                },
            ),
            (str(_("Logarithm")), _label(LOG_CHOICES, str(options.get("log")))),
        ]
    rows += [
        (str(_("Normalisation")), normalised),
        (str(_("Aggregation")), _label(AGGREGATE_CHOICES, str(options.get("aggregate")))),
    ]
    weighting = options.get("weighting", "framework")
    if weighting == "equal":
        rows.append((str(_("Weights")), str(_("Equal weights"))))
    elif weighting == "pca":
        rows.append(
            (
                str(_("Weights")),
                str(_("From the data: first principal component of each sub-element")),
            )
        )
    elif options.get("weights"):
        rows.append(
            (
                str(_("Weights")),
                ", ".join(f"{code} = {weight:g}" for code, weight in options["weights"].items()),
            )
        )
    return rows


def uncertain_input_name(name: str) -> str:
    return str(UNCERTAIN_INPUTS.get(name, name))


class CycleForm(forms.Form):
    framework = forms.ModelChoiceField(
        label=_("Framework"), queryset=Framework.objects.all(), empty_label=None
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        help_text=_("One cycle per year; values of the cycle may come from this year or earlier."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        latest = Framework.objects.order_by("-created_at", "-pk").first()
        self.fields["framework"].initial = latest.pk if latest else None
        self.fields["year"].initial = timezone.localdate().year


class CycleStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Cycle.Status.choices)


class ValuesUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Values file"),
        help_text=_("The filled-in template as .xlsx or UTF-8 .csv; at most 10 MB."),
    )

    def clean_file(self) -> tuple[bytes, str]:
        """The file's content and name, once it has the right kind and size."""
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in (".csv", ".xlsx"):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 10 MB."))
        return upload.read(), upload.name


class CoverageFilterForm(forms.Form):
    COMPLETENESS = [
        ("", _("All regions")),
        ("complete", _("Every indicator")),
        ("partial", _("Some indicators")),
        ("none", _("No values")),
    ]

    q = forms.CharField(
        label=_("Name or code"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. Kota Kupang")}),
    )
    province = forms.ChoiceField(label=_("Province"), required=False)
    completeness = forms.ChoiceField(label=_("Values"), required=False, choices=COMPLETENESS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", _("All provinces"))] + [
            (p.code, p.name) for p in Province.objects.filter(retired_at__isnull=True)
        ]


class ComputeForm(forms.Form):
    """The method choices of a computation, with the platform's defaults."""

    impute = forms.ChoiceField(
        label=_("Missing values"),
        choices=IMPUTE_CHOICES,
        widget=forms.RadioSelect,
        help_text=_("What to do when a region has no value for an indicator."),
    )
    screen_min_availability = forms.FloatField(
        label=_("Minimum share of indicators"),
        required=False,
        min_value=0,
        max_value=1,
        widget=forms.NumberInput(attrs={"step": "0.05"}),
        help_text=_(
            "A region with less than this share of the indicators (0 to 1) gets no score "
            "rather than a guess. Leave empty to compute every region."
        ),
    )
    treat = forms.ChoiceField(
        label=_("Outliers"),
        choices=TREAT_CHOICES,
        widget=forms.RadioSelect,
        help_text=_("An indicator is treated only when it is strongly skewed."),
    )
    winmax = forms.IntegerField(
        label=_("Most values winsorised per indicator"),
        min_value=0,
        help_text=_("Beyond this many, the indicator is log-transformed instead."),
    )
    skew_threshold = forms.FloatField(
        label=_("Skewness limit"),
        help_text=_("An indicator is treated when its absolute skewness is above this …"),
    )
    kurt_threshold = forms.FloatField(
        label=_("Kurtosis limit"), help_text=_("… and its kurtosis is above this.")
    )
    log = forms.ChoiceField(label=_("Logarithm"), choices=LOG_CHOICES, widget=forms.RadioSelect)
    normalise = forms.ChoiceField(
        label=_("Normalisation"),
        choices=NORMALISE_CHOICES,
        widget=forms.RadioSelect,
        help_text=_("How indicators measured in different units are brought to one scale."),
    )
    normalise_params = forms.CharField(
        label=_("Normalisation bounds"),
        required=False,
        max_length=40,
        help_text=_(
            "Only for min–max (lowest,highest, e.g. 0,100) and z-score (mean,spread, e.g. "
            "10,2 to keep every score above zero for the geometric mean). Empty: the default."
        ),
    )
    aggregate = forms.ChoiceField(
        label=_("Aggregation"),
        choices=AGGREGATE_CHOICES,
        widget=forms.RadioSelect,
        help_text=_(
            "How indicators are combined into sub-elements, pillars and the index. "
            "Maturity levels are given only for min–max 0–100 with the arithmetic mean."
        ),
    )

    weighting = forms.ChoiceField(
        label=_("Weights"),
        choices=[
            ("framework", _("The framework's weights")),
            ("equal", _("Equal weights")),
            ("pca", _("From the data: first principal component of each sub-element")),
        ],
        widget=forms.RadioSelect,
        help_text=_(
            "The framework's weights are the network's agreed choice. Equal weights give "
            "every indicator the same share within its sub-element. Principal-component "
            "weights follow how the indicators vary together in the data (signed loadings; "
            "an indicator that moves against the others gets a negative weight)."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_from(DEFAULT_OPTIONS))
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_from(options: dict[str, Any]) -> dict[str, Any]:
        method, _sep, params = str(options["normalise"]).partition(":")
        return {
            **{k: v for k, v in options.items() if k not in ("normalise", "weights")},
            "normalise": method,
            "normalise_params": params,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("normalise_params") and data.get("normalise") not in PARAMETERISED:
            self.add_error(
                "normalise_params", _("Only min–max and z-score normalisation take bounds.")
            )
        return data

    def options(self) -> dict[str, Any]:
        """The engine's option values for the cleaned choices."""
        data = dict(self.cleaned_data)
        params = data.pop("normalise_params").replace(" ", "")
        data["normalise"] = f"{data['normalise']}:{params}" if params else data["normalise"]
        return data

    def add_engine_issue(self, option: str, message: str) -> None:
        """Show an engine complaint about ``option`` (``--normalise``) on its field."""
        field = option.lstrip("-").replace("-", "_")
        if field == "normalise" and self.cleaned_data.get("normalise_params"):
            field = "normalise_params"
        self.add_error(field if field in self.fields else None, message)


class UncertaintyForm(forms.Form):
    runs = forms.IntegerField(
        label=_("Monte-Carlo runs"),
        min_value=10,
        max_value=5000,
        initial=UNCERTAINTY_DEFAULTS["runs"],
        help_text=_("Each run recomputes the index with one random combination of the choices."),
    )
    sensitivity_n = forms.IntegerField(
        label=_("Sensitivity sample size"),
        min_value=4,
        max_value=1000,
        initial=UNCERTAINTY_DEFAULTS["sensitivity_n"],
        help_text=_("The base sample of the sensitivity analysis; it costs six runs per unit."),
    )
