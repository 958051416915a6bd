"""The library's workflow in a real browser: an officer writes a practice, the secretariat
returns it, the officer revises it, the secretariat publishes it, and a visitor finds it
through search with an inflected Indonesian word and with a synonym."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kotacerdas.accounts.models import Role
from kotacerdas.practices import search
from kotacerdas.practices.models import Practice, PracticeVersion

from ..conftest import PASSWORD
from ..factories import ProvinceFactory, RegionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Tabungan Sampah Warga di Kelurahan"


@pytest.fixture
def people(transactional_db):
    # Flushing between transactional tests empties the models' tables but not the search
    # index, which is no model: start from an index that matches the empty database.
    search.rebuild_index()
    province = ProvinceFactory(code="53", name="Nusa Tenggara Timur")
    kupang = RegionFactory(code="53.71", name="Kota Kupang", province=province)
    officer = UserFactory(username="petugas.kupang", role=Role.OFFICER, region=kupang)
    secretariat = UserFactory(username="sekretariat", role=Role.SECRETARIAT, region=None)
    yield officer, secretariat
    # Leave no document behind for the tests that follow this one's flush.
    search.backend().clear()


def log_in(browser, base_url: str, username: str):
    context = browser.new_context(base_url=base_url, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    return context, page


def review(page) -> None:
    page.goto("/practices/manage/")
    page.get_by_test_id("queue").locator("tr", has_text=TITLE).get_by_test_id("review").click()
    page.get_by_test_id("start-review").click()


def test_officer_submits_secretariat_returns_then_publishes_and_a_visitor_finds_it(
    browser, live_server, people
):
    officer_context, officer = log_in(browser, live_server.url, "petugas.kupang")
    officer.goto("/practices/manage/")
    officer.get_by_test_id("create").click()
    officer.locator("[name=title]").fill(TITLE)
    officer.locator("[name=summary]").fill(
        "Warga menabung sampah terpilah di bank sampah kelurahan; hasil penjualannya "
        "dicatat sebagai tabungan dan sebagian menjadi retribusi."
    )
    officer.locator("[name=stage]").select_option("applied")
    officer.locator("[name=form]").select_option("public_service")
    officer.locator("[name=initiator]").select_option("community")
    officer.locator("input[name=pillars][value=ENV]").check()
    officer.locator("input[name=sub_elements][value='ENV.WST']").check()
    officer.locator("[name=situation]").fill("Sampah rumah tangga dibuang ke sungai.")
    officer.locator("[name=objectives]").fill("Mengurangi sampah yang dibuang sembarangan.")
    officer.locator("[name=process]").fill("Setiap kelurahan membuka bank sampah sepekan sekali.")
    officer.locator("[name=results]").fill("Sampah yang terkumpul naik setiap bulan.")
    officer.locator("[name=outcomes-0-name]").fill("Sampah terpilah terkumpul")
    officer.locator("[name=outcomes-0-unit]").fill("ton per tahun")
    officer.locator("[name=outcomes-0-value]").fill("120")
    officer.locator("[name=outcomes-0-year]").fill("2024")
    officer.locator("[name=outcomes-0-source]").fill("Catatan Dinas Lingkungan Hidup")
    officer.get_by_test_id("save").click()
    expect(officer.get_by_test_id("version-line")).to_contain_text("Versi 1")
    officer.get_by_test_id("submit").click()

    practice = Practice.objects.get()
    slug = practice.slug
    secretariat_context, secretariat = log_in(browser, live_server.url, "sekretariat")
    review(secretariat)
    secretariat.locator("[name=comment]").fill("Sebutkan dasar hukum retribusinya.")
    secretariat.get_by_test_id("return").click()
    assert practice.versions.get().status == PracticeVersion.Status.RETURNED

    officer.goto("/practices/manage/")
    expect(officer.get_by_test_id(f"practice-{slug}")).to_contain_text(
        "Sebutkan dasar hukum retribusinya."
    )
    officer.get_by_test_id(f"practice-{slug}").get_by_test_id("edit").click()
    expect(officer.get_by_test_id("review-comment")).to_contain_text("dasar hukum")
    officer.locator("[name=process]").fill(
        "Setiap kelurahan membuka bank sampah sepekan sekali, diatur Peraturan Wali Kota."
    )
    officer.get_by_test_id("save").click()
    officer.get_by_test_id("submit").click()
    assert practice.versions.get().status == PracticeVersion.Status.SUBMITTED

    review(secretariat)
    for criterion in (
        "impact",
        "partnership",
        "sustainability",
        "leadership",
        "innovation",
        "transferability",
        "evidence",
    ):
        secretariat.locator(f"input[name=score_{criterion}][value='4']").check()
    secretariat.locator("[name=verified]").check()
    secretariat.get_by_test_id("publish").click()
    expect(secretariat.get_by_test_id("status-badge")).to_have_count(0)
    assert practice.versions.get().status == PracticeVersion.Status.PUBLISHED
    officer_context.close()
    secretariat_context.close()

    visitor_context = browser.new_context(base_url=live_server.url, locale="id-ID")
    visitor = visitor_context.new_page()
    visitor.set_default_timeout(10_000)
    # "persampahan" is inflected (per-…-an): the practice only says "sampah".
    visitor.goto("/practices/")
    visitor.get_by_test_id("search-form").locator("[name=q]").fill("persampahan")
    visitor.get_by_test_id("search-form").locator("[name=q]").press("Enter")
    results = visitor.get_by_test_id("results")
    expect(results).to_contain_text(TITLE)
    expect(results.locator("mark").first).to_be_visible()
    # "limbah" appears nowhere in the practice: the synonym list joins it to "sampah".
    visitor.get_by_test_id("search-form").locator("[name=q]").fill("limbah")
    visitor.get_by_test_id("search-form").locator("[name=q]").press("Enter")
    expect(results).to_contain_text(TITLE)
    results.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_test_id("summary")).to_contain_text("bank sampah kelurahan")
    expect(visitor.get_by_test_id("evidence-status")).to_be_visible()
    visitor_context.close()
