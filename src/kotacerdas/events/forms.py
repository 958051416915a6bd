"""Forms of the secretariat's organising pages: an event, and a session of its agenda.

The forms only carry what was typed; :mod:`kotacerdas.events.services.agenda` judges it,
so a page and the API report a problem in the same words. Times are typed as a date and
a clock time in the host region's zone (WITA for Kupang) and handed on as aware datetimes;
they are shown back in that zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotacerdas.regions import selectors as region_selectors
from kotacerdas.regions.codes import normalise_region_code
from kotacerdas.regions.models import Region, TimeZone

from .models import Event, Session, Speaker
from .services.agenda import EVENT_FIELDS, SESSION_FIELDS, next_statuses

BLANK = [("", "—")]
EMPTY = (None, "", [], ())
SPARE_PRACTICE_INPUTS = 3


def _label(model: Any, name: str) -> Any:
    return capfirst(model._meta.get_field(name).verbose_name)


def _text(label: Any, *, maxlength: int | None = None, multiline: bool = False, **kw: Any):
    attrs: dict[str, Any] = {"maxlength": maxlength} if maxlength else {}
    widget = forms.Textarea(attrs={"rows": 4, **attrs}) if multiline else forms.TextInput(attrs)
    return forms.CharField(label=label, required=False, widget=widget, **kw)


def zone_of(region: Region | None) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo((region.timezone if region else "") or TimeZone.WIB)


def zone_label(region: Region | None) -> str:
    """``WITA (UTC+8)``: the zone in which the page reads and shows times."""
    key = (region.timezone if region else "") or TimeZone.WIB
    return str(TimeZone(key).label) if key in TimeZone.values else key


# --- a date and a clock time in the host's zone ---------------------------------------------


class LocalDateTimeWidget(forms.SplitDateTimeWidget):
    """A date input and a time input showing a UTC moment in ``zone``."""

    def __init__(self, zone: zoneinfo.ZoneInfo) -> None:
        super().__init__(
            date_attrs={"type": "date", "aria-label": _("date")},
            time_attrs={"type": "time", "aria-label": _("time")},
            date_format="%Y-%m-%d",
            time_format="%H:%M",
        )
        self.zone = zone

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.datetime):
            local = value.astimezone(self.zone)
            return [local.date(), local.time().replace(second=0, microsecond=0)]
        return [None, None]


class LocalDateTimeField(forms.SplitDateTimeField):
    """A moment typed as a date and a clock time in ``zone``; cleans to an aware datetime
    (``None`` when both are empty)."""

    def __init__(self, *, zone: zoneinfo.ZoneInfo, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(
            input_date_formats=["%Y-%m-%d"],
            input_time_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
            widget=LocalDateTimeWidget(zone),
            error_messages={
                "invalid_date": gettext_lazy("Enter the date."),
                "invalid_time": gettext_lazy("Enter the time."),
            },
            **kwargs,
        )
        self.zone = zone

    def compress(self, data_list: list[Any]) -> dt.datetime | None:
        if not data_list:
            return None
        day, clock = data_list
        if day in EMPTY:
            raise ValidationError(self.error_messages["invalid_date"], code="invalid_date")
        if clock in EMPTY:
            raise ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        return timezone.make_aware(dt.datetime.combine(day, clock), self.zone)


def _moment(label: Any, zone: zoneinfo.ZoneInfo, region: Region | None) -> LocalDateTimeField:
    return LocalDateTimeField(
        zone=zone,
        label=label,
        help_text=_("Date and local time in %(zone)s.") % {"zone": zone_label(region)},
    )


# --- choosing the host region of a new event -----------------------------------------------


class HostRegionForm(forms.Form):
    """The first step of a new event: its host region, whose zone the times are typed in."""

    region = forms.CharField(
        label=gettext_lazy("Host region (Kemendagri code)"),
        max_length=20,
        help_text=gettext_lazy(
            "The kabupaten or kota that hosts the event, e.g. 53.71 for Kota Kupang. Its "
            "time zone (WIB, WITA or WIT) is the one in which you enter the times."
        ),
        widget=forms.TextInput(attrs={"list": "regions", "autocomplete": "off"}),
        error_messages={"required": gettext_lazy("Enter the host region's code.")},
    )

    def clean_region(self) -> Region:
        raw = self.cleaned_data["region"]
        code = normalise_region_code(raw)
        region = region_selectors.current_region(code)
        if region is None:
            raise ValidationError(_("Unknown region code “%(code)s”.") % {"code": code})
        return region


# --- the event -----------------------------------------------------------------------------


class EventForm(forms.Form):
    """An event's fields; times in the zone of ``region`` (the host the page was made for)."""

    def __init__(
        self,
        data: Any = None,
        *,
        region: Region | None,
        event: Event | None = None,
        **kwargs: Any,
    ) -> None:
        if event is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(event, name) for name in EventForm.FIELDS},
                "host_region": event.host_region.code,
            }
        elif region is not None:
            kwargs.setdefault("initial", {}).setdefault("host_region", region.code)
        super().__init__(data, **kwargs)
        self.region = region
        self.zone = zone_of(region)
        fields = self.fields
        fields["host_region"] = forms.CharField(
            label=_label(Event, "host_region"),
            required=False,
            widget=forms.TextInput(attrs={"list": "regions", "autocomplete": "off"})
            if event is not None
            else forms.HiddenInput(),
            help_text=_(
                "Kemendagri code. Times keep their moment when the host changes, and are "
                "shown in the new host's zone afterwards."
            )
            if event is not None
            else "",
        )
        fields["slug"] = _text(
            _label(Event, "slug"),
            maxlength=80,
            help_text=_("In the address: lowercase letters, digits and hyphens."),
        )
        fields["name"] = _text(_label(Event, "name"), maxlength=200)
        fields["theme"] = _text(_label(Event, "theme"), maxlength=300)
        fields["description"] = _text(_label(Event, "description"), multiline=True)
        fields["venue"] = _text(_label(Event, "venue"), maxlength=200)
        fields["city"] = _text(_label(Event, "city"), maxlength=120)
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            fields[name] = _moment(_label(Event, name), self.zone, region)
        fields["capacity"] = forms.CharField(
            label=_label(Event, "capacity"),
            required=False,
            help_text=Event._meta.get_field("capacity").help_text,
            widget=forms.NumberInput(attrs={"min": 1, "step": 1}),
        )
        fields["requires_approval"] = forms.BooleanField(
            label=_label(Event, "requires_approval"), required=False
        )
        # Every status is accepted here and the service says which move is not allowed;
        # the list offers only the moves the event can make now.
        status = forms.ChoiceField(
            label=_label(Event, "status"), required=False, choices=Event.Status.choices
        )
        offered = next_statuses(event.status if event else None)
        status.widget.choices = [c for c in Event.Status.choices if c[0] in offered]
        fields["status"] = status
        if event is None:
            self.initial.setdefault("status", Event.Status.DRAFT)

    # What the form edits: every fact of an event except its host, chosen before.
    FIELDS = tuple(name for name in EVENT_FIELDS if name != "host_region")

    def values(self) -> dict[str, Any]:
        """What to hand to ``create_event`` / ``update_event``."""
        data = self.cleaned_data
        return {
            "host_region": data["host_region"].strip(),
            **{name: data[name] for name in self.FIELDS},
        }

    def time_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("starts_at", "ends_at")]

    def registration_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("registration_opens_at", "registration_closes_at")]


# --- a session -----------------------------------------------------------------------------


class PracticeInputs(forms.MultipleHiddenInput):
    """One text box per linked practice (its short name) plus a few empty ones, each
    offering the published practices as suggestions as one types."""

    input_type = "text"
    template_name = "events/organise/_practice_inputs.html"

    def format_value(self, value: Any) -> list[str]:
        values = [str(v) for v in (value or []) if str(v).strip()]
        return [*values, *([""] * SPARE_PRACTICE_INPUTS)]

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else id_

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for subwidget in context["widget"]["subwidgets"]:
            subwidget["type"] = "text"
        return context


class PracticeRefsField(forms.Field):
    widget = PracticeInputs

    def to_python(self, value: Any) -> list[str]:
        refs: list[str] = []
        for item in value or []:
            text = str(item).strip()
            if text and text not in refs:
                refs.append(text)
        return refs


class SessionForm(forms.Form):
    """A session's fields; times in the event's zone."""

    def __init__(
        self, data: Any = None, *, event: Event, session: Session | None = None, **kw: Any
    ) -> None:
        if session is not None:
            kw.setdefault(
                "initial",
                {
                    **{name: getattr(session, name) for name in self.FIELDS},
                    "practices": [p.slug for p in session.practices.all()],
                },
            )
        super().__init__(data, **kw)
        region = event.host_region
        zone = event.zone
        self.fields["title"] = _text(_label(Session, "title"), maxlength=200)
        self.fields["kind"] = forms.ChoiceField(
            label=_label(Session, "kind"), required=False, choices=[*BLANK, *Session.Kind.choices]
        )
        self.fields["room"] = _text(_label(Session, "room"), maxlength=120)
        self.fields["starts_at"] = _moment(_label(Session, "starts_at"), zone, region)
        self.fields["ends_at"] = _moment(_label(Session, "ends_at"), zone, region)
        for name in ("starts_at", "ends_at"):
            widget = self.fields[name].widget
            widget.widgets[0].attrs |= {
                "min": f"{event.starts_at.astimezone(zone):%Y-%m-%d}",
                "max": f"{event.ends_at.astimezone(zone):%Y-%m-%d}",
            }
        self.fields["description"] = _text(_label(Session, "description"), multiline=True)
        self.fields["practices"] = PracticeRefsField(
            label=_label(Session, "practices"),
            required=False,
            widget=PracticeInputs(attrs={"list": "published-practices", "autocomplete": "off"}),
            help_text=_(
                "The short name of a published practice of the library, one per box; "
                "suggestions appear as you type. Save to get more boxes."
            ),
        )

    FIELDS = SESSION_FIELDS

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **{name: data[name] for name in self.FIELDS},
            "practices": data["practices"],
        }


class SpeakerForm(forms.Form):
    name = _text(_label(Speaker, "name"), maxlength=200)
    role = forms.ChoiceField(
        label=_label(Speaker, "role"), required=False, choices=[*BLANK, *Speaker.Role.choices]
    )
    affiliation = _text(_label(Speaker, "affiliation"), maxlength=200)
    region = _text(gettext_lazy("Region (code, optional)"), maxlength=20)


SpeakerFormSet = forms.formset_factory(SpeakerForm, extra=1, can_delete=True, max_num=50)


def speaker_formset(data: Any = None, *, session: Session | None = None) -> Any:
    """The speakers' rows: the session's speakers in order, and an empty row to add to."""
    if data is not None:
        # A bound formset gets no initial rows: Django would skip a posted row equal to
        # its initial one as "unchanged" and lose it.
        return SpeakerFormSet(data, prefix="speakers")
    rows = [
        {
            "name": s.name,
            "role": s.role,
            "affiliation": s.affiliation,
            "region": s.region.code if s.region else "",
        }
        for s in (session.speakers.select_related("region") if session else [])
    ]
    return SpeakerFormSet(initial=rows, prefix="speakers")


def with_extra_row(formset: Any) -> Any:
    """The same bound formset with one more empty row."""
    data = formset.data.copy()
    key = f"{formset.prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        return formset
    if total < formset.max_num:
        data[key] = str(total + 1)
    return type(formset)(data, prefix=formset.prefix)


def speakers_of(formset: Any) -> list[dict[str, Any]]:
    """The speakers typed in the rows, in order, without removed and empty rows."""
    speakers = []
    for form in formset.forms:
        values = {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        if form.cleaned_data.get("DELETE") or not any(values.values()):
            continue
        speakers.append(values)
    return speakers
