"""The flows a person actually uses, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kotacerdas.regions.models import Contact

from ..conftest import PASSWORD
from ..factories import ProvinceFactory, RegionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def regions(transactional_db):
    ntt = ProvinceFactory(code="53", name="Nusa Tenggara Timur", timezone="Asia/Makassar")
    bali = ProvinceFactory(code="51", name="Bali", timezone="Asia/Makassar")
    kupang = RegionFactory(code="53.71", name="Kota Kupang", province=ntt, capital="Kupang")
    RegionFactory(code="53.11", name="Kabupaten Sumba Timur", province=ntt)
    RegionFactory(code="51.71", name="Kota Denpasar", province=bali)
    return kupang


def test_visitor_browses_directory_filters_opens_profile_and_switches_language(page, regions):
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Kota cerdas yang saling belajar")
    page.get_by_role("link", name="Daerah", exact=True).first.click()
    expect(page.get_by_test_id("result-count")).to_have_text("3 daerah ditemukan")

    page.get_by_label("Provinsi").select_option("53")  # htmx reloads the results
    expect(page.get_by_test_id("result-count")).to_have_text("2 daerah ditemukan")
    assert "province=53" in page.url

    page.get_by_role("link", name="Kota Kupang").click()
    expect(page.locator("h1")).to_contain_text("Kota Kupang")
    expect(page.get_by_text("WITA (UTC+8)")).to_be_visible()

    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", name="Registry facts")).to_be_visible()
    page.get_by_role("link", name="Regions", exact=True).first.click()
    expect(page.get_by_test_id("result-count")).to_have_text("3 regions found")  # it persists


def test_officer_edits_own_contact_and_is_refused_on_another_region(page, regions):
    UserFactory(username="officer.kupang", role="officer", region=regions)
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill("officer.kupang")
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_test_id("role")).to_have_text("petugas daerah")

    page.get_by_test_id("my-region").click()
    page.get_by_test_id("add-contact").click()
    page.get_by_label("Nama").fill("Ina Bara")
    page.get_by_label("Instansi").fill("Diskominfo Kota Kupang")
    page.get_by_label("Surel").fill("ina@example.go.id")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_test_id("contacts")).to_contain_text("Ina Bara")
    assert Contact.objects.get().region.code == "53.71"

    response = page.goto("/regions/53.11/contacts/add/")
    assert response.status == 403
    expect(page.get_by_test_id("forbidden")).to_be_visible()
    page.goto("/regions/53.11/")
    expect(page.get_by_test_id("add-contact")).to_have_count(0)
