"""``kotacerdas events ...``: list, export, check-in, certificates and verification."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from kotacerdas.events import services
from kotacerdas.events.models import Event

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

# 16 October 2019, 08:00 WITA (UTC+8).
START = dt.datetime(2019, 10, 16, 0, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("events", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def seminar(kupang):
    kupang.timezone = "Asia/Makassar"
    kupang.save()
    event = Event.objects.create(
        slug="seminar-kupang",
        name="Seminar Kupang",
        host_region=kupang,
        starts_at=START,
        ends_at=START + dt.timedelta(days=2),
        capacity=10,
        status=Event.Status.OPEN,
    )
    delegation = services.open_delegation(actor=None, event=event, region=kupang)
    ana = services.register_participant(
        actor=None, delegation=delegation, data={"name": "Ana", "role": "head"}
    )
    return event, ana


def test_list_shows_the_local_start_date_and_status(seminar):
    assert run("list") == "seminar-kupang\t2019-10-16\tKota Kupang\topen\tSeminar Kupang\n"


def test_checkin_twice_reports_the_first_arrival(seminar):
    event, ana = seminar

    first = run("checkin", event.slug, ana.code.lower(), "--place", "Pintu A")
    second = run("checkin", event.slug, ana.code)

    assert first == "Checked in: Ana (Kota Kupang).\n"
    checkin = ana.checkins.get()
    local = checkin.at.astimezone(event.zone)
    assert second == f"Already checked in at {local:%Y-%m-%d %H:%M} (Pintu A): Ana.\n"


def test_checkin_with_an_unknown_code_is_a_one_line_error(seminar):
    event, _ana = seminar
    with pytest.raises(CommandError) as error:
        run("checkin", event.slug, "ZZZZZZZZZZ")
    assert str(error.value) == "No ticket has this code."
    assert error.value.returncode == 2


def test_certificates_then_verify_and_revoke(seminar):
    event, ana = seminar
    run("checkin", event.slug, ana.code)

    assert run("certificates", event.slug) == "Issued 1 certificate(s).\n"
    assert run("certificates", event.slug) == "Issued 0 certificate(s).\n"
    certificate = ana.certificate
    assert run("verify", certificate.code) == "Valid: Ana attended Seminar Kupang.\n"

    services.revoke_certificate(actor=None, certificate=certificate, reason="Salah nama")
    with pytest.raises(CommandError) as error:
        run("verify", certificate.code)
    assert str(error.value) == f"Certificate {certificate.code} was revoked: Salah nama"


def test_export_csv_lists_the_participants(seminar, tmp_path):
    event, _ana = seminar
    out = tmp_path / "peserta.csv"

    assert run("export", event.slug, "--format", "csv", "--out", str(out)) == (
        f"Exported 1 participant(s) to {out}.\n"
    )
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    assert [r[:4] for r in rows] == [
        ["region_code", "region", "name", "role"],
        ["53.71", "Kota Kupang", "Ana", "head"],
    ]


def test_unknown_event_is_a_one_line_error(db):
    with pytest.raises(CommandError) as error:
        run("certificates", "tidak-ada")
    assert str(error.value) == "No event has the short name “tidak-ada”."
