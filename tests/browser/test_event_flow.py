"""Events in a real browser: an officer registers the region's delegation up to its quota
(the next participant goes onto the waiting list), a staff member of the secretariat checks
a participant in twice at the desk, the secretariat issues certificates, and a visitor
verifies one on the public page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from kotacerdas.accounts.models import Role
from kotacerdas.events.models import Certificate, CheckIn, Event, Quota, Registration

from ..conftest import PASSWORD
from ..factories import ProvinceFactory, RegionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "sbp-citynet-2019"


@pytest.fixture
def seminar(transactional_db):
    province = ProvinceFactory(code="53", name="Nusa Tenggara Timur")
    kupang = RegionFactory(code="53.71", name="Kota Kupang", province=province)
    UserFactory(username="petugas.kupang", role=Role.OFFICER, region=kupang)
    UserFactory(username="sekretariat", role=Role.SECRETARIAT, region=None)
    event = Event.objects.create(
        slug=SLUG,
        name="Sharing Best Practices CityNet Indonesia 2019",
        theme="Strategi Pengembangan Smart City",
        host_region=kupang,
        city="Kupang",
        starts_at=dt.datetime(2019, 10, 16, 0, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2019, 10, 18, 9, 0, tzinfo=dt.UTC),
        capacity=50,
        status=Event.Status.OPEN,
    )
    Quota.objects.create(event=event, region=kupang, role="camat", limit=2)
    return event


def log_in(browser, base_url: str, username: str):
    context = browser.new_context(base_url=base_url, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    return context, page


def register(page, name: str, role: str = "camat") -> None:
    form = page.get_by_test_id("register-form")
    form.locator("[name=name]").fill(name)
    form.locator("[name=role]").select_option(role)
    page.get_by_test_id("register").click()


def test_delegation_up_to_the_quota_check_in_twice_and_a_verified_certificate(
    browser, live_server, seminar
):
    # An officer goes from the event page to the region's delegation and registers three
    # camat against a quota of two.
    officer_context, officer = log_in(browser, live_server.url, "petugas.kupang")
    officer.goto(f"/events/{SLUG}/")
    officer.get_by_test_id("delegation-link").click()
    expect(officer.get_by_test_id("no-participants")).to_be_visible()
    register(officer, "Camat Alak (demo)")
    register(officer, "Camat Maulafa (demo)")
    expect(officer.get_by_test_id("count-confirmed")).to_have_text("2")
    register(officer, "Camat Oebobo (demo)")
    expect(officer.locator(".message")).to_contain_text("Camat Oebobo (demo)")
    expect(officer.get_by_test_id("count-confirmed")).to_have_text("2")
    expect(officer.get_by_test_id("count-waitlisted")).to_have_text("1")
    rows = officer.get_by_test_id("participant")
    expect(rows).to_have_count(3)
    expect(rows.nth(2).locator(".registration-waitlisted")).to_be_visible()
    expect(officer.get_by_test_id("ticket-code")).to_have_count(2)
    code = officer.get_by_test_id("ticket-code").first.inner_text()
    officer_context.close()
    assert list(Registration.objects.order_by("pk").values_list("name", "status")) == [
        ("Camat Alak (demo)", "confirmed"),
        ("Camat Maulafa (demo)", "confirmed"),
        ("Camat Oebobo (demo)", "waitlisted"),
    ]

    # The secretariat's staff check the first participant in, typing the code with a dash
    # in lower case, and then scan the same ticket again.
    staff_context, staff = log_in(browser, live_server.url, "sekretariat")
    staff.goto(f"/events/{SLUG}/checkin/")
    staff.locator("[name=place]").fill("Meja A")
    staff.get_by_test_id("checkin-code").fill(f"{code[:4].lower()}-{code[4:]}")
    staff.get_by_test_id("checkin-code").press("Enter")
    result = staff.get_by_test_id("checkin-result")
    expect(result).to_have_attribute("data-outcome", "success")
    expect(result).to_contain_text("Camat Alak (demo)")
    staff.get_by_test_id("checkin-code").fill(code)
    staff.get_by_test_id("checkin-code").press("Enter")
    expect(result).to_have_attribute("data-outcome", "already")
    expect(result).to_contain_text("WITA")
    expect(result).to_contain_text("Meja A")
    assert CheckIn.objects.count() == 1

    # Certificates go to those who checked in.
    staff.goto(f"/events/{SLUG}/desk/")
    staff.get_by_test_id("issue-certificates").click()
    expect(staff.get_by_test_id("certificate-counts")).to_contain_text("1")
    staff_context.close()
    certificate = Certificate.objects.get()
    assert certificate.registration.name == "Camat Alak (demo)"

    # A visitor, signed in to nothing, verifies the code.
    visitor_context = browser.new_context(base_url=live_server.url, locale="id-ID")
    visitor = visitor_context.new_page()
    visitor.set_default_timeout(10_000)
    visitor.goto("/events/verify/")
    form = visitor.get_by_test_id("verify-form")
    form.locator("[name=code]").fill(certificate.code.lower())
    form.get_by_role("button").click()
    expect(visitor.get_by_test_id("certificate-name")).to_have_text("Camat Alak (demo)")
    expect(visitor.get_by_test_id("certificate-event")).to_contain_text(
        "Sharing Best Practices CityNet Indonesia 2019"
    )
    expect(visitor.get_by_test_id("certificate-status")).to_have_attribute("data-status", "valid")
    visitor_context.close()
