"""Events and their agendas as the secretariat writes them.

Every time arrives as an aware datetime and is stored in UTC; the pages read what the
secretariat types in the host region's own zone (WITA for Kupang) and convert it before it
gets here. Each service checks the whole input and reports every problem at once, keyed by
field, in the words a page shows next to that field.

An event moves through its statuses one way: draft → open ⇄ closed → held, and an open
event may be marked held directly; a held event stays held. Its capacity never drops below
the participants already confirmed, and a higher capacity moves the waiting list up at
once, under the same lock on the event row as every registration.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kotacerdas.core import audit
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.services import require_rule
from kotacerdas.practices.models import Practice
from kotacerdas.regions import selectors as region_selectors
from kotacerdas.regions.codes import normalise_region_code
from kotacerdas.regions.models import Region

from .. import selectors
from ..models import (
    FIRST_YEAR,
    LARGEST_COUNT,
    LAST_YEAR,
    CheckIn,
    Event,
    Session,
    Speaker,
)
from .registration import locked_event, promote_waiting

EventStatus = Event.Status
# Paths of the events pages that an event's short name must never shadow.
RESERVED_SLUGS = frozenset({"new", "verify"})
TRANSITIONS = frozenset(
    {
        (EventStatus.DRAFT, EventStatus.OPEN),
        (EventStatus.OPEN, EventStatus.CLOSED),
        (EventStatus.CLOSED, EventStatus.OPEN),
        (EventStatus.CLOSED, EventStatus.HELD),
        (EventStatus.OPEN, EventStatus.HELD),
    }
)
INITIAL_STATUSES = (EventStatus.DRAFT, EventStatus.OPEN)
EVENT_FIELDS = (
    "slug",
    "name",
    "theme",
    "description",
    "host_region",
    "venue",
    "city",
    "starts_at",
    "ends_at",
    "registration_opens_at",
    "registration_closes_at",
    "capacity",
    "requires_approval",
    "status",
)
SESSION_FIELDS = ("title", "kind", "room", "starts_at", "ends_at", "description")
MAX_SPEAKERS = 50
MAX_PRACTICES = 50
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")

Errors = dict[str, list[str]]


def status_allowed(before: str, after: str) -> bool:
    """Whether an event may go from status ``before`` to ``after`` (staying is allowed)."""
    return before == after or (before, after) in TRANSITIONS


def next_statuses(status: str | None) -> list[str]:
    """The statuses an event in ``status`` may be given (``None``: a new event), in order."""
    if status is None:
        return list(INITIAL_STATUSES)
    return [s for s in EventStatus.values if status_allowed(status, s)]


# --- checking what was given ------------------------------------------------------------


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _required() -> str:
    return _("This field is required.")


def _text(errors: Errors, field: str, value: Any, limit: int | None, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        _add(errors, field, _("Enter text."))
        return ""
    value = value.strip()
    if "\0" in value:
        _add(errors, field, _("The text contains a NUL character."))
    elif limit is not None and len(value) > limit:
        _add(errors, field, _("At most %(n)d characters.") % {"n": limit})
    elif required and not value:
        _add(errors, field, _required())
    return value


def _moment(errors: Errors, field: str, value: Any, required: bool) -> dt.datetime | None:
    if value in (None, ""):
        if required:
            _add(errors, field, _required())
        return None
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        _add(errors, field, _("Enter a date and time with its time zone."))
        return None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        _add(
            errors,
            field,
            _("Enter a date from %(first)d to %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
        )
        return None
    return value.astimezone(dt.UTC)


def _whole(errors: Errors, field: str, value: Any) -> int | None:
    if value in (None, ""):
        _add(errors, field, _required())
        return None
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    elif isinstance(value, int) and not isinstance(value, bool):
        return value
    _add(errors, field, _("Enter a whole number."))
    return None


def _region(errors: Errors, field: str, value: Any, current: Region | None) -> Region | None:
    """A region of the registry, given as a Region or its code; a retired region is only
    kept where it already is."""
    if value in (None, ""):
        _add(errors, field, _required())
        return None
    if isinstance(value, Region):
        if current is not None and value.pk == current.pk:
            return value
        code = value.code
    else:
        try:
            code = normalise_region_code(str(value))
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
            return None
    if current is not None and code == current.code:
        return current
    region = region_selectors.current_region(code)
    if region is None:
        _add(errors, field, _("Unknown region code “%(code)s”.") % {"code": code})
    return region


def _local_text(region: Region, moment: dt.datetime) -> str:
    """``16 Okt 2019 08:00 WITA``: a moment as the host region reads it."""
    zone_name = region.timezone or "Asia/Jakarta"
    local = moment.astimezone(zoneinfo.ZoneInfo(zone_name))
    label = region.timezone_abbreviation or zone_name
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {label}"


# --- events --------------------------------------------------------------------------------


def _slug(errors: Errors, value: Any, event: Event | None) -> str:
    if event is not None and value == event.slug:
        return event.slug  # kept as it is, even if made before these rules
    slug = _text(errors, "slug", value, 80, required=True).lower()
    if "slug" in errors:
        return slug
    if not _SLUG.match(slug):
        _add(
            errors,
            "slug",
            _(
                "A short name is made of lowercase letters, digits and single hyphens or "
                "underscores between them, such as sbp-citynet-2019."
            ),
        )
    elif slug in RESERVED_SLUGS:
        _add(
            errors,
            "slug",
            _("“%(slug)s” is the address of a page of the site; choose another short name.")
            % {"slug": slug},
        )
    else:
        others = Event.objects.filter(slug=slug)
        if event is not None:
            others = others.exclude(pk=event.pk)
        if others.exists():
            _add(
                errors,
                "slug",
                _("Another event already has the short name “%(slug)s”.") % {"slug": slug},
            )
    return slug


def _current_values(event: Event | None) -> dict[str, Any]:
    if event is None:
        return {
            "theme": "",
            "description": "",
            "venue": "",
            "city": "",
            "registration_opens_at": None,
            "registration_closes_at": None,
            "requires_approval": False,
            "status": EventStatus.DRAFT,
        }
    return {name: getattr(event, name) for name in EVENT_FIELDS}


def _check_event(data: dict[str, Any], event: Event | None) -> dict[str, Any]:
    """The event's values after ``data`` (only the keys it has change on an update),
    checked together. Call it under the event's lock when updating."""
    merged = _current_values(event) | {k: v for k, v in data.items() if k in EVENT_FIELDS}
    errors: Errors = {}
    values: dict[str, Any] = {
        "slug": _slug(errors, merged.get("slug"), event),
        "name": _text(errors, "name", merged.get("name"), 200, required=True),
        "theme": _text(errors, "theme", merged.get("theme"), 300, required=False),
        "description": _text(errors, "description", merged.get("description"), None, False),
        "venue": _text(errors, "venue", merged.get("venue"), 200, required=False),
        "city": _text(errors, "city", merged.get("city"), 120, required=False),
        "host_region": _region(
            errors, "host_region", merged.get("host_region"), event.host_region if event else None
        ),
        "requires_approval": bool(merged.get("requires_approval")),
    }
    for field in ("starts_at", "ends_at"):
        values[field] = _moment(errors, field, merged.get(field), required=True)
    for field in ("registration_opens_at", "registration_closes_at"):
        values[field] = _moment(errors, field, merged.get(field), required=False)
    starts, ends = values["starts_at"], values["ends_at"]
    opens, closes = values["registration_opens_at"], values["registration_closes_at"]
    if starts and ends and ends <= starts:
        _add(errors, "ends_at", _("An event ends after it starts."))
    if opens and closes and closes <= opens:
        _add(errors, "registration_opens_at", _("Registration opens before it closes."))
    if ends and closes and closes > ends:
        _add(
            errors, "registration_closes_at", _("Registration closes no later than the event ends.")
        )
    if ends and opens and not closes and opens >= ends:
        _add(errors, "registration_opens_at", _("Registration opens before the event ends."))

    capacity = _whole(errors, "capacity", merged.get("capacity"))
    if capacity is not None and capacity < 1:
        _add(errors, "capacity", _("The capacity is at least 1."))
    elif capacity is not None and capacity > LARGEST_COUNT:
        _add(errors, "capacity", _("The capacity is at most %(n)d.") % {"n": LARGEST_COUNT})
    elif capacity is not None and event is not None and capacity < event.capacity:
        confirmed = selectors.confirmed_count(event)
        if capacity < confirmed:
            _add(
                errors,
                "capacity",
                ngettext(
                    "%(n)d participant is confirmed: the capacity cannot be lower than %(n)d.",
                    "%(n)d participants are confirmed: the capacity cannot be lower than %(n)d.",
                    confirmed,
                )
                % {"n": confirmed},
            )
    values["capacity"] = capacity

    status = merged.get("status") or ""
    if status not in EventStatus.values:
        _add(errors, "status", _("Choose one of the statuses."))
    elif event is None and status not in INITIAL_STATUSES:
        _add(errors, "status", _("A new event is a draft or open for registration."))
    elif event is not None and not status_allowed(event.status, status):
        _add(
            errors,
            "status",
            _("The status of an event cannot change from “%(before)s” to “%(after)s”.")
            % {
                "before": EventStatus(event.status).label,
                "after": EventStatus(status).label,
            },
        )
    values["status"] = status

    if event is not None and starts and ends and not ({"starts_at", "ends_at"} & errors.keys()):
        outside = event.sessions.filter(Q(starts_at__lt=starts) | Q(ends_at__gt=ends)).count()
        if outside:
            _add(
                errors,
                "starts_at" if event.sessions.filter(starts_at__lt=starts).exists() else "ends_at",
                ngettext(
                    "%(n)d session of the agenda falls outside these dates; move or delete "
                    "it first.",
                    "%(n)d sessions of the agenda fall outside these dates; move or delete "
                    "them first.",
                    outside,
                )
                % {"n": outside},
            )
    if errors:
        raise ValidationError(errors)
    return values


def create_event(*, actor: Any, data: dict[str, Any]) -> Event:
    """A new event from ``data`` (the fields of :data:`EVENT_FIELDS`; ``host_region`` as a
    Region or its code, times as aware datetimes). It starts as a draft unless ``status``
    says open."""
    require_rule(actor, "events.manage_event", None)
    values = _check_event(data, None)
    try:
        with transaction.atomic():
            event = Event.objects.create(**values)
            audit.record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=event,
                region_code=event.host_region.code,
                changes=audit.diff({}, audit.snapshot(event)),
            )
    except IntegrityError:  # the same short name saved at the same moment
        raise ValidationError(
            {
                "slug": [
                    _("Another event already has the short name “%(slug)s”.")
                    % {"slug": values["slug"]}
                ]
            }
        ) from None
    return event


def update_event(*, actor: Any, event: Event, data: dict[str, Any]) -> Event:
    """Change the event's fields named in ``data``. A higher capacity confirms waiting
    participants that now fit, in the order they registered. Returns the saved event."""
    require_rule(actor, "events.manage_event", event)
    try:
        with transaction.atomic():
            locked = locked_event(event)
            values = _check_event(data, locked)
            before = audit.snapshot(locked)
            capacity_before = locked.capacity
            for name, value in values.items():
                setattr(locked, name, value)
            locked.save()
            changes = audit.diff(before, audit.snapshot(locked))
            if changes:
                audit.record(
                    actor=actor,
                    action=AuditEvent.Action.UPDATE,
                    obj=locked,
                    region_code=locked.host_region.code,
                    changes=changes,
                )
            if locked.capacity > capacity_before:
                promote_waiting(actor=actor, event=locked)
    except IntegrityError:
        raise ValidationError(
            {
                "slug": [
                    _("Another event already has the short name “%(slug)s”.")
                    % {"slug": data.get("slug", "")}
                ]
            }
        ) from None
    return locked


# --- sessions ------------------------------------------------------------------------------


def _speakers(errors: Errors, items: Any) -> list[dict[str, Any]]:
    if not isinstance(items, list | tuple):
        _add(errors, "speakers", _("Give the speakers as a list."))
        return []
    if len(items) > MAX_SPEAKERS:
        _add(errors, "speakers", _("At most %(n)d speakers.") % {"n": MAX_SPEAKERS})
        return []
    speakers = []
    codes: dict[str, Region | None] = {}
    for number, item in enumerate(items, start=1):
        row: Errors = {}
        item = item if isinstance(item, dict) else {}
        name = _text(row, "name", item.get("name"), 200, required=True)
        affiliation = _text(row, "affiliation", item.get("affiliation"), 200, required=False)
        role = item.get("role") or ""
        if role not in Speaker.Role.values:
            _add(row, "role", _("Choose one of the speaker roles."))
        region = item.get("region") or None
        if region is not None and not isinstance(region, Region):
            code = str(region).strip()
            if code not in codes:
                try:
                    normalised = normalise_region_code(code)
                except ValidationError:
                    normalised = code
                codes[code] = Region.objects.filter(code=normalised).first()
            region = codes[code]
            if region is None:
                _add(row, "region", _("Unknown region code “%(code)s”.") % {"code": code})
        for messages in row.values():
            for message in messages:
                _add(
                    errors,
                    "speakers",
                    _("Speaker %(n)d: %(problem)s") % {"n": number, "problem": message},
                )
        speakers.append({"name": name, "role": role, "affiliation": affiliation, "region": region})
    return speakers


def _practices(errors: Errors, refs: Any) -> list[Practice]:
    """The practices named by id or short name, in the order given, once each."""
    if not isinstance(refs, list | tuple):
        _add(errors, "practices", _("Give the practices as a list."))
        return []
    if len(refs) > MAX_PRACTICES:
        _add(errors, "practices", _("At most %(n)d practices.") % {"n": MAX_PRACTICES})
        return []
    ids = [r for r in refs if isinstance(r, int) and not isinstance(r, bool)]
    slugs = [r.strip().lower() for r in refs if isinstance(r, str) and r.strip()]
    found = Practice.objects.filter(Q(pk__in=ids) | Q(slug__in=slugs)).select_related(
        "published_version"
    )
    by_id = {p.pk: p for p in found}
    by_slug = {p.slug: p for p in found}
    practices: list[Practice] = []
    for ref in refs:
        if isinstance(ref, str) and not ref.strip():
            continue
        if isinstance(ref, str):
            practice = by_slug.get(ref.strip().lower())
        elif isinstance(ref, int) and not isinstance(ref, bool):
            practice = by_id.get(ref)
        else:
            practice = None
        if practice is None:
            _add(errors, "practices", _("There is no practice “%(ref)s”.") % {"ref": ref})
        elif practice.published_version_id is None:
            _add(
                errors,
                "practices",
                _("“%(ref)s” is not published: only published practices can be linked.")
                % {"ref": practice.slug},
            )
        elif practice not in practices:
            practices.append(practice)
    return practices


def _session_state(session: Session) -> dict[str, Any]:
    """What the audit trail keeps of a session: its fields, speakers and practices."""
    state = audit.snapshot(session)
    state["speakers"] = [
        f"{s.name} ({s.role})" for s in session.speakers.order_by("position", "pk")
    ]
    state["practices"] = sorted(session.practices.values_list("slug", flat=True))
    return state


def _check_session(
    event: Event, session: Session | None, data: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]] | None, list[Practice] | None]:
    current: dict[str, Any] = (
        {name: getattr(session, name) for name in SESSION_FIELDS}
        if session is not None
        else {"room": "", "description": ""}
    )
    merged = current | {k: v for k, v in data.items() if k in SESSION_FIELDS}
    errors: Errors = {}
    values = {
        "title": _text(errors, "title", merged.get("title"), 200, required=True),
        "room": _text(errors, "room", merged.get("room"), 120, required=False),
        "description": _text(errors, "description", merged.get("description"), None, False),
        "starts_at": _moment(errors, "starts_at", merged.get("starts_at"), required=True),
        "ends_at": _moment(errors, "ends_at", merged.get("ends_at"), required=True),
    }
    kind = merged.get("kind") or ""
    if kind not in Session.Kind.values:
        _add(errors, "kind", _("Choose one of the session types."))
    values["kind"] = kind
    starts, ends = values["starts_at"], values["ends_at"]
    if starts and ends and ends <= starts:
        _add(errors, "ends_at", _("A session ends after it starts."))
    region = event.host_region
    if starts and starts < event.starts_at:
        _add(
            errors,
            "starts_at",
            _("A session takes place during the event, which starts %(when)s.")
            % {"when": _local_text(region, event.starts_at)},
        )
    if ends and ends > event.ends_at:
        _add(
            errors,
            "ends_at",
            _("A session takes place during the event, which ends %(when)s.")
            % {"when": _local_text(region, event.ends_at)},
        )
    speakers = _speakers(errors, data["speakers"]) if "speakers" in data else None
    practices = _practices(errors, data["practices"]) if "practices" in data else None
    if errors:
        raise ValidationError(errors)
    return values, speakers, practices


def save_session(
    *, actor: Any, event: Event, session: Session | None = None, data: dict[str, Any]
) -> Session:
    """Add a session to the event's agenda, or change one of its sessions.

    ``data`` has the session's fields (times as aware datetimes, within the event),
    ``speakers`` as a list of ``{name, role, affiliation}`` (and optionally ``region``, a
    code) that replaces the speakers whole, in order, and ``practices`` as a list of
    Practice ids or short names, of which only published ones can be linked. On a change,
    keys left out keep their values."""
    require_rule(actor, "events.manage_event", event)
    if session is not None and session.event_id != event.pk:
        raise ValueError("The session belongs to another event.")
    values, speakers, practices = _check_session(event, session, data)
    creating = session is None
    with transaction.atomic():
        if session is None:
            session = Session(event=event)
            before: dict[str, Any] = {}
        else:
            session = Session.objects.select_for_update().get(pk=session.pk)
            before = _session_state(session)
        for name, value in values.items():
            setattr(session, name, value)
        session.save()
        if speakers is not None:
            session.speakers.all().delete()
            Speaker.objects.bulk_create(
                Speaker(session=session, position=position, **speaker)
                for position, speaker in enumerate(speakers)
            )
        if practices is not None:
            session.practices.set(practices)
        changes = audit.diff(before, _session_state(session))
        if creating or changes:
            audit.record(
                actor=actor,
                action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
                obj=session,
                region_code=event.host_region.code,
                changes=changes,
            )
    return session


def delete_session(*, actor: Any, session: Session) -> None:
    """Take a session off the agenda, with its speakers and practice links. A session at
    which participants checked in stays: their attendance is a record."""
    event = session.event
    require_rule(actor, "events.manage_event", event)
    with transaction.atomic():
        attended = CheckIn.objects.filter(session=session).count()
        if attended:
            raise ValidationError(
                ngettext(
                    "%(n)d participant checked in to this session; it cannot be deleted.",
                    "%(n)d participants checked in to this session; it cannot be deleted.",
                    attended,
                )
                % {"n": attended}
            )
        audit.record(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            obj=session,
            region_code=event.host_region.code,
            changes=audit.diff(_session_state(session), {}),
        )
        session.delete()
