"""A masterplan in a real browser, in Indonesian: an officer goes from the region page to a
generated draft, edits the vision into version 2, and downloads it as DOCX, which says
the new vision."""

from __future__ import annotations

import docx
import pytest
from playwright.sync_api import expect

from kotacerdas.accounts.models import Role
from kotacerdas.practices import search
from kotacerdas.strategy.models import Masterplan

from ..conftest import PASSWORD
from ..factories import ProvinceFactory, RegionFactory, UserFactory
from ..practices.fixtures import make_practice, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VISION = "Kupang 2035: kota kasih yang melayani warganya dengan data dan layanan digital."


@pytest.fixture
def library(transactional_db):
    # Flushing between transactional tests empties the models' tables but not the search
    # index, which is no model: start from an index that matches the empty database.
    search.rebuild_index()
    province = ProvinceFactory(code="53", name="Nusa Tenggara Timur")
    kupang = RegionFactory(code="53.71", name="Kota Kupang", province=province, population=404120)
    sumba = RegionFactory(code="53.11", name="Kabupaten Sumba Timur", province=province)
    UserFactory(username="petugas.kupang", role=Role.OFFICER, region=kupang)
    secretariat = UserFactory(username="sekretariat", role=Role.SECRETARIAT, region=None)
    author = UserFactory(username="petugas.sumba", role=Role.OFFICER, region=sumba)
    practices = [
        publish(make_practice(author, sumba), secretariat),
        publish(
            make_practice(
                author,
                sumba,
                title="Bank Sampah Kelurahan",
                pillars=["ENV"],
                sub_elements=["ENV.WST"],
                budget_idr=120_000_000,
            ),
            secretariat,
        ),
    ]
    yield practices
    # Leave no document behind for the tests that follow this one's flush.
    search.backend().clear()


def log_in(browser, base_url: str, username: str):
    context = browser.new_context(base_url=base_url, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    return context, page


def test_officer_drafts_edits_and_downloads_the_masterplan(browser, live_server, library):
    context, page = log_in(browser, live_server.url, "petugas.kupang")

    page.goto("/regions/53.71/")
    expect(page.get_by_test_id("masterplans-section")).to_be_visible()
    page.get_by_test_id("draft-masterplan").click()
    page.locator("[name=start_year]").fill("2026")
    page.locator("[name=end_year]").fill("2035")
    page.get_by_test_id("generate").click()

    expect(page.get_by_test_id("vision")).to_contain_text("Kota Kupang 2035")
    plan = Masterplan.objects.get()
    assert page.url == f"{live_server.url}/masterplans/{plan.pk}/"
    programmes = page.get_by_test_id("section-strategies")
    for practice in library:
        expect(programmes).to_contain_text(practice.published_version.title)

    page.get_by_test_id("edit").click()
    page.locator("[name=vision]").fill(VISION)
    page.locator("[name=change_note]").fill("Visi kami sendiri")
    page.get_by_test_id("save").click()

    expect(page.get_by_test_id("vision")).to_have_text(VISION)
    assert page.url == f"{live_server.url}/masterplans/{plan.pk}/v2/"
    expect(page.locator("[data-testid=versions] tr.current")).to_have_attribute("data-number", "2")
    assert plan.versions.get(number=2).content["vision"] == {"text": VISION}

    with page.expect_download() as download_info:
        page.get_by_test_id("download-docx-id").click()
    download = download_info.value
    assert download.suggested_filename == "masterplan-53.71-2026-2035-v2-id.docx"
    document = docx.Document(download.path())
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert any(VISION in text for text in paragraphs + cells)
    context.close()
