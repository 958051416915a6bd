"""Check-ins per second and latency when 500 participants arrive in a burst.

Run ``make bench`` or ``.venv/bin/python bench/checkin.py`` (both databases: SQLite,
then PostgreSQL if it is reachable), or one of them with ``--database sqlite`` or
``--database postgresql``. PostgreSQL is the server of ``DATABASE_URL`` (else
``postgresql://postgres@127.0.0.1:5432/postgres``); a dedicated database
``kotacerdas_bench_checkin_<pid>`` is created on it and dropped at the end. SQLite is a
file in a temporary folder, configured as the platform configures it (WAL, immediate
transactions, 20 s busy timeout).

Each run migrates an empty database, creates an event with 500 confirmed participants
from 20 delegations (bulk inserts: the setup is not what is measured), and then fires the
500 check-ins at once through the real path: the HTTP check-in page, through Django's
test client with every middleware (sessions, CSRF enforced, authentication, audit
channel), from 8 desks on 8 threads, each signed in as a secretariat user and taking the
next ticket from a shared queue. Two thirds of the tickets are QR payloads, a third are
typed codes (grouped, lower case). It prints the wall time of the burst, check-ins per
second and the p50, p95 and max latency of one check-in (request to rendered page). It
then checks that exactly 500 check-ins and 500 audit rows exist, and fires a second burst
of 50 repeated scans, which must all answer that the ticket was already checked in and
create nothing.

There is no floor: the figures are printed as measured. The exit status is 1 when a check
fails (a wrong count, a page that is not the expected answer, a "database is locked").
The Python web stack holds the GIL for most of a request, so threads measure how the
database copes with concurrent writers more than they add throughput.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import _throwaway  # bench/ is on sys.path when a script here runs

PARTICIPANTS = 500
REPEATS = 50
DESKS = 8
DELEGATIONS = 20
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
SLUG = "bench-checkin"
URL = f"/events/{SLUG}/checkin/"


# --- the parent process: one child per database -------------------------------------------


def run_child(database: str, args: argparse.Namespace) -> int:
    command = [sys.executable, __file__, "--database", database]
    command += ["--participants", str(args.participants), "--desks", str(args.desks)]
    return subprocess.run(command, check=False).returncode  # noqa: S603 (our own script)


def build(participants: int, desk_count: int) -> tuple[Any, list[str], list[Any]]:
    """The event, each participant's scan (QR payload or typed code), and the desks'
    secretariat users."""
    import datetime as dt

    from kotacerdas.accounts.models import Role, User
    from kotacerdas.events import documents, services
    from kotacerdas.events.models import Delegation, Event, Registration
    from kotacerdas.events.services.registration import CODE_ALPHABET, CODE_LENGTH
    from kotacerdas.regions.models import Province, Region

    province = Province.objects.create(
        code="53", name="Nusa Tenggara Timur", capital="Kupang", timezone="Asia/Makassar"
    )
    regions = [
        Region.objects.create(
            code=f"53.{i + 1:02d}",
            name=f"Kabupaten Bench {i + 1}",
            search_name=f"bench {i + 1}",
            kind="kabupaten",
            province=province,
            timezone="Asia/Makassar",
        )
        for i in range(DELEGATIONS)
    ]
    starts = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)
    event = Event.objects.create(
        slug=SLUG,
        name="Benchmark seminar",
        host_region=regions[0],
        city="Kupang",
        starts_at=starts,
        ends_at=starts + dt.timedelta(days=2),
        capacity=participants,
        status=Event.Status.OPEN,
    )
    delegations = Delegation.objects.bulk_create(
        Delegation(event=event, region=region) for region in regions
    )
    tokens: set[str] = set()
    codes: set[str] = set()
    while len(codes) < participants:
        codes.add("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))
    while len(tokens) < participants:
        tokens.add(secrets.token_urlsafe(32))
    registrations = Registration.objects.bulk_create(
        Registration(
            delegation=delegations[i % len(delegations)],
            name=f"Peserta Bench {i + 1}",
            role="staff",
            status=Registration.Status.CONFIRMED,
            token=token,
            code=code,
        )
        for i, (token, code) in enumerate(zip(sorted(tokens), sorted(codes), strict=True))
    )
    scans = [
        documents.grouped_code(r.code).lower() if i % 3 == 2 else services.ticket_payload(r)
        for i, r in enumerate(registrations)
    ]
    desks = [
        User.objects.create(username=f"desk{n + 1}", role=Role.SECRETARIAT, region=None)
        for n in range(desk_count)
    ]
    return event, scans, desks


class Desk:
    """One check-in desk: a signed-in browser-like client with its CSRF token."""

    def __init__(self, user: Any, number: int) -> None:
        from django.test import Client

        self.client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
        self.client.force_login(user)
        page = self.client.get(URL)
        if page.status_code != 200:
            raise RuntimeError(f"the check-in page answered {page.status_code}")
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
        if found is None:
            raise RuntimeError("the check-in page has no CSRF token")
        self.token = found.group(1)
        self.place = f"Meja {number}"

    def scan(self, code: str) -> tuple[float, str]:
        """The latency of one check-in (seconds) and the outcome the page showed."""
        data = {"code": code, "place": self.place, "session": "", "csrfmiddlewaretoken": self.token}
        start = time.perf_counter()
        response = self.client.post(URL, data)
        elapsed = time.perf_counter() - start
        body = response.content.decode()
        marker = 'data-outcome="'
        at = body.find(marker)
        outcome = body[at + len(marker) : body.find('"', at + len(marker))] if at >= 0 else ""
        return elapsed, f"{response.status_code} {outcome}"


def burst(desks: list[Desk], scans: list[str]) -> tuple[float, list[float], list[str]]:
    """Every scan, taken from one queue by all desks at once: wall time, latencies and
    outcomes."""
    from django.db import connection

    work: queue.SimpleQueue[str] = queue.SimpleQueue()
    for code in scans:
        work.put(code)
    latencies: list[float] = []
    outcomes: list[str] = []
    lock = threading.Lock()
    ready = threading.Barrier(len(desks) + 1)

    def run(desk: Desk) -> None:
        try:
            ready.wait()
            while True:
                try:
                    code = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    elapsed, outcome = desk.scan(code)
                except Exception as error:  # a locked database, a crash: counted, shown
                    elapsed, outcome = 0.0, f"error {type(error).__name__}: {error}"
                with lock:
                    latencies.append(elapsed)
                    outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(desk,)) for desk in desks]
    for thread in threads:
        thread.start()
    ready.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, latencies, outcomes


def percentile(sorted_values: list[float], q: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(q * len(sorted_values)) - 1))
    return sorted_values[index]


def measure(database: str, participants: int, desk_count: int) -> int:
    server = os.environ.get("DATABASE_URL", DEFAULT_SERVER)
    with tempfile.TemporaryDirectory(prefix="kotacerdas-bench-") as tmp:
        drop = _throwaway.configure(database, Path(tmp), server, "checkin")
        try:
            return _measure(participants, desk_count)
        finally:
            drop()


def _measure(participants: int, desk_count: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kotacerdas.core.models import AuditEvent
    from kotacerdas.events.models import CheckIn

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - start
    start = time.perf_counter()
    event, scans, users = build(participants, desk_count)
    built = time.perf_counter() - start
    desks = [Desk(user, n + 1) for n, user in enumerate(users)]
    label = "SQLite" if connection.vendor == "sqlite" else "PostgreSQL"
    print(
        f"{label}: migrated in {migrated:.1f} s; {participants} confirmed participants and "
        f"{len(desks)} desks set up in {built:.1f} s; machine: {os.cpu_count()} CPUs,"
        f" load average {os.getloadavg()[0]:.1f}"
    )

    wall, latencies, outcomes = burst(desks, scans)
    ms = sorted(t * 1000 for t in latencies)
    print(
        f"{label:10s} burst of {len(scans)}: {wall:5.2f} s, {len(scans) / wall:6.1f} check-ins/s"
        f" | latency p50 {percentile(ms, 0.50):6.1f} ms, p95 {percentile(ms, 0.95):6.1f} ms,"
        f" max {ms[-1]:6.1f} ms | {len(desks)} desks (threads)"
    )
    ok = _expect(outcomes, {"200 success"}, "first burst")

    arrived = CheckIn.objects.filter(registration__delegation__event=event).count()
    audited = AuditEvent.objects.filter(object_type="events.checkin").count()
    counted = arrived == participants and audited == participants
    ok &= counted
    print(
        f"{label:10s} check-ins recorded: {arrived}, audited: {audited} "
        f"(expected {participants}): {'ok' if counted else 'WRONG'}"
    )

    repeats = scans[:: max(1, len(scans) // REPEATS)][:REPEATS]
    wall, latencies, outcomes = burst(desks, repeats)
    ms = sorted(t * 1000 for t in latencies)
    after = CheckIn.objects.filter(registration__delegation__event=event).count()
    # "repeat": the same desk scanned the ticket seconds ago (the page says it was sent
    # twice); "already": another desk or longer ago. Neither records anything.
    ok &= _expect(outcomes, {"200 already", "200 repeat"}, "repeated scans")
    ok &= after == arrived
    print(
        f"{label:10s} burst of {len(repeats)} repeated scans: {wall:5.2f} s,"
        f" p95 {percentile(ms, 0.95):6.1f} ms; new check-ins: {after - arrived}"
        f" (expected 0): {'ok' if after == arrived else 'WRONG'}"
    )
    connection.close()
    return 0 if ok else 1


def _expect(outcomes: list[str], expected: set[str], what: str) -> bool:
    wrong = [o for o in outcomes if o not in expected]
    if wrong:
        print(
            f"  {what}: {len(wrong)} of {len(outcomes)} answers were not one of"
            f" {sorted(expected)}, e.g. {statistics.multimode(wrong)}"
        )
    return not wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"])
    parser.add_argument("--participants", type=int, default=PARTICIPANTS)
    parser.add_argument("--desks", type=int, default=DESKS)
    args = parser.parse_args()
    if args.database:
        return measure(args.database, args.participants, args.desks)
    status = run_child("sqlite", args)
    server = os.environ.get("DATABASE_URL", DEFAULT_SERVER)
    reachable, why = _throwaway.postgres_reachable(server)
    if not reachable:
        print(f"PostgreSQL at {server} is unreachable ({why}); skipped.")
        # Asked for by name (DATABASE_URL set) and not there: that is a failure.
        return 1 if "DATABASE_URL" in os.environ else status
    return run_child("postgresql", args) or status


if __name__ == "__main__":
    sys.exit(main())
