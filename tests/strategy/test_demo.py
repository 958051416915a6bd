"""The demo masterplan: Kota Kupang 2026–2035 drafted from the demo index and library, edited
once and reported on once; labelled demo wherever it shows, and idempotent."""

from __future__ import annotations

import io

import docx
import lxml.html
import pytest
from django.test import Client

from kotacerdas.accounts.models import Role
from kotacerdas.assessments import demo as index_demo
from kotacerdas.assessments.services.frameworks import load_shipped
from kotacerdas.core.models import AuditEvent
from kotacerdas.practices import demo as practices_demo
from kotacerdas.regions import demo as regions_demo
from kotacerdas.regions.services import sync_registry
from kotacerdas.strategy import demo
from kotacerdas.strategy.models import Masterplan, PlanVersion, ProgressReport
from tests.factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _stored() -> tuple[int, int, int, int]:
    return (
        Masterplan.objects.count(),
        PlanVersion.objects.count(),
        ProgressReport.objects.count(),
        AuditEvent.objects.count(),
    )


def _sources(content: dict) -> list[dict]:
    found = []
    for part in ("profile", "readiness", "index"):
        if content.get(part):
            found += content[part]["sources"]
    for gap in content["gaps"]:
        found += gap.get("sources", [])
    for programme in content["programmes"]:
        found += programme["sources"]
    return found


def test_the_demo_masterplan_is_drafted_edited_reported_and_labelled_demo():
    sync_registry(actor=None)
    load_shipped(actor=None)
    regions_demo.load_demo(actor=None)
    index_demo.load()
    practices_demo.load()

    assert demo.load() == {"masterplans": 1, "versions": 2, "reports": 1}

    plan = Masterplan.objects.get()
    assert (plan.region.code, plan.start_year, plan.end_year) == ("53.71", 2026, 2035)
    assert plan.is_demo and plan.title.endswith("(contoh)")
    first, second = plan.versions.order_by("number")
    assert (first.generated, second.generated) == (True, False)
    assert first.content["demo"] and second.content["demo"]
    assert "(demo)" in second.note
    # Drafted from the demo library and index: programmes exist, and every figure the plan
    # cites is demo content, never an official figure of Kota Kupang.
    assert len(second.content["programmes"]) >= 3
    cited = _sources(second.content)
    assert cited and all(s["demo"] for s in cited if s["kind"] in ("index", "practice"))
    # The officers' edit: notes that say they are examples, the second programme a quick win.
    notes = second.content["notes"]
    assert set(notes) == {"vision", "budget"}
    assert all(n["text"].startswith("Catatan contoh (demo)") for n in notes.values())
    quick = second.content["programmes"][1]
    assert quick["quick_win"]
    assert any(t.get("key") in ("quick_win", "quick_win_set") for t in quick["texts"])
    # The report on 2026: submitted, scored, demo.
    report = ProgressReport.objects.get()
    assert (report.year, report.version_id, report.is_demo) == (2026, second.pk, True)
    assert report.submitted_at is not None and report.score is not None
    started = [pid for pid, e in report.entries.items() if e["status"] == "in_progress"]
    assert started == [p["id"] for p in second.content["programmes"][:2]]

    # Labelled on the pages the region's officer sees and in the files.
    officer = UserFactory(username="officer.kupang", role=Role.OFFICER, region=plan.region)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    page = lxml.html.fromstring(client.get(f"/masterplans/{plan.pk}/").content.decode())
    assert page.xpath("//h1//span[contains(@class,'demo')]")
    region = lxml.html.fromstring(client.get("/regions/53.71/").content.decode())
    for testid in ("masterplans-section", "masterplan-scorecard"):
        section = region.xpath(f"//*[@data-testid='{testid}']")[0]
        assert section.xpath(".//span[contains(@class,'demo')]"), testid
    word = client.get(f"/masterplans/{plan.pk}/v2/plan.docx")
    assert word.status_code == 200
    text = [p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs]
    assert "DEMO — ilustrasi, bukan dokumen resmi" in text  # files are Indonesian by default

    # A second load adds nothing and writes nothing.
    before = _stored()
    assert demo.load() == {"masterplans": 0, "versions": 0, "reports": 0}
    assert _stored() == before


def test_without_kota_kupang_nothing_is_loaded(sumba):
    assert demo.load() == {"masterplans": 0, "versions": 0, "reports": 0}
    assert _stored() == (0, 0, 0, 0)
