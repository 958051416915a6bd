"""The index from import to the public region page, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kotacerdas.accounts.models import Role
from kotacerdas.assessments import demo
from kotacerdas.assessments.models import Computation, Cycle, IndicatorValue
from kotacerdas.assessments.services.frameworks import load_shipped
from kotacerdas.regions.models import Region
from kotacerdas.regions.services import sync_registry

from ..assessments.fixtures import SAMPLE_CODES, fill
from ..conftest import PASSWORD
from ..factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "region_code,indicator_code,value,unit,source,year\n"
# Three problems the report must name by row and column, and one good row.
WITH_ERRORS = HEADER + (
    "53.71,GOV.SVC.01,3.2,,SPBE KemenPAN-RB 2024,2024\n"
    "99.99,GOV.SVC.01,3.0,,SPBE KemenPAN-RB 2024,2024\n"
    "53.71,GOV.POL.01,dua puluh,,DJPK 2024,2024\n"
    "53.71,ECO.WEL.01,250,,BPS 2024,2024\n"
)
FIXED = HEADER + (
    "53.71,GOV.SVC.01,3.2,,SPBE KemenPAN-RB 2024,2024\n"
    "53.71,GOV.POL.01,20.5,,DJPK 2024,2024\n"
    "53.71,ECO.WEL.01,8.9,,BPS 2024,2024\n"
)


@pytest.fixture
def cycle(transactional_db):
    sync_registry(actor=None)
    framework, _questionnaire = load_shipped(actor=None)
    cycle = Cycle.objects.create(framework=framework, year=2025, status=Cycle.Status.OPEN)
    # The other sample regions bring demo values, so the index has a spread to rank.
    fill(cycle, [r for r in Region.objects.filter(code__in=SAMPLE_CODES) if r.code != "53.71"])
    UserFactory(username="sekretariat", role=Role.SECRETARIAT, region=None)
    return cycle


def kupang_file(cycle) -> str:
    """The fixed file: the three rows above corrected, and Kupang's other 50 indicators
    from the seeded model (a test file; such numbers never reach a real page)."""
    kupang = Region.objects.get(code="53.71")
    given = {"GOV.SVC.01", "GOV.POL.01", "ECO.WEL.01"}
    rows = [
        f"53.71,{node.code},{value},,Uji peramban,2024\n"
        for _region, node, value in demo.generate(cycle.framework, [kupang], [2025])[2025]
        if node.code not in given
    ]
    return FIXED + "".join(rows)


def upload(page, content: str, name: str = "nilai-kupang.csv") -> None:
    page.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode()}]
    )
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()


def test_secretariat_imports_fixes_computes_publishes_and_a_visitor_sees_the_region(
    page, browser, live_server, cycle
):
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill("sekretariat")
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    page.get_by_test_id("cycles-link").click()
    page.get_by_role("link", name="2025").first.click()
    page.get_by_test_id("import-link").click()

    upload(page, WITH_ERRORS)
    problems = page.get_by_test_id("problems")
    expect(problems).to_contain_text("Berkas memiliki 3 masalah. Tidak ada yang diubah.")
    rows = problems.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator("td")).to_have_text(
        ["3", "region_code", "Kode daerah 99.99 tidak ada dalam registri."]
    )
    expect(rows.nth(1).locator("td")).to_have_text(["4", "value", "“dua puluh” bukan angka."])
    expect(rows.nth(2).locator("td")).to_have_text(
        ["5", "value", re.compile(r"^250 berada di luar rentang valid .* ECO\.WEL\.01")]
    )
    assert not IndicatorValue.objects.filter(region__code="53.71").exists()

    fixed = kupang_file(cycle)
    upload(page, fixed)
    stored = fixed.count("\n") - 1
    expect(page.get_by_test_id("counts")).to_contain_text(str(stored))
    expect(page.get_by_test_id("changes")).to_contain_text("GOV.POL.01")
    page.get_by_test_id("confirm").click()
    expect(page.locator(".messages, [role=status]").first).to_be_visible()
    assert IndicatorValue.objects.filter(region__code="53.71").count() == stored

    page.goto("/index/cycles/2025/")
    page.get_by_role("link", name="Hitung indeks").click()
    page.get_by_role("button", name="Hitung", exact=True).click()
    expect(page.get_by_test_id("status")).to_be_visible()
    computation = Computation.objects.get()
    assert page.url.endswith(f"/index/computations/{computation.pk}/")
    expect(page.get_by_test_id("ranking")).to_contain_text("Kota Kupang")

    page.get_by_test_id("run-uncertainty").click()
    expect(page.get_by_role("columnheader", name="Indeks total STi")).to_be_visible()
    page.locator(f"form[action$='/computations/{computation.pk}/publish/'] button").click()
    expect(page.get_by_test_id("published")).to_contain_text(re.compile(r"\d"))
    computation.refresh_from_db()
    assert computation.is_published

    visitor = browser.new_context(base_url=live_server.url, locale="id-ID").new_page()
    visitor.goto("/regions/53.71/")
    section = visitor.get_by_test_id("index-section")
    expect(section).to_be_visible()
    kupang = computation.results.get(region__code="53.71", node__code="INDEX")
    expect(visitor.get_by_test_id("index-rank")).to_contain_text(f"{kupang.rank} dari 12")
    expect(visitor.get_by_test_id("radar").locator("svg")).to_be_visible()
    expect(visitor.get_by_test_id("index-map").locator("svg")).to_be_visible()
    expect(visitor.get_by_test_id("trend").locator("svg")).to_be_visible()
    # Kupang's own values are not demo, but the ranking includes demo regions: labelled.
    expect(visitor.get_by_test_id("demo-notice")).to_be_visible()
    visitor.context.close()
