"""The progress pages: who sees and who reports, the yearly form's round trip, a submitted
report read-only, the scorecard over the years, and the submitted totals on the region
page (drafts never)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kotacerdas.core.models import AuditEvent
from kotacerdas.strategy import services
from kotacerdas.strategy.models import ProgressReport
from kotacerdas.strategy.presentation import region_scorecard_context

from .fixtures import english, plan, practices
from .test_progress import ENTRIES, STORED, edited

pytestmark = pytest.mark.integration

ROLES = ("anonymous", "officer", "other_officer", "secretariat", "admin_user")
LOGIN = "login"
FORM = {
    "status-P1": "done",
    "policy-P1": "1",
    "institution-P1": "1",
    "budget-P1": "1",
    "outcome-P1": "80",
    "status-P2": "in_progress",
    "policy-P2": "1",
    "institution-P2": "1",
    "outcome-P2": "130",
    "baseline-P2": "100",
    "status-P3": "in_progress",
    "policy-P3": "1",
    "budget-P3": "1",
    "outcome-P3": "30",
    "baseline-P3": "10,0",  # a decimal comma, as typed in Indonesian
    "note": "First year.",
}


def _client(request, role: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _text(response) -> str:
    return _text_of(response.content.decode())


def _url(plan_, year: int | None = None) -> str:
    if year is None:
        return f"/masterplans/{plan_.pk}/progress/"
    return f"/masterplans/{plan_.pk}/progress/{year}/"


def _expect(response, expected) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", LOGIN),
        ("officer", 200),
        ("other_officer", 403),
        ("secretariat", 200),
        ("admin_user", 200),
    ],
)
def test_who_sees_the_progress_pages(request, db, plan, role, expected):
    client = _client(request, role)
    _expect(client.get(_url(plan)), expected)
    _expect(client.get(_url(plan, 2027)), expected)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", LOGIN),
        ("officer", 302),
        ("other_officer", 403),
        ("secretariat", 403),
        ("admin_user", 403),
    ],
)
def test_who_reports_progress(request, db, plan, role, expected):
    response = _client(request, role).post(_url(plan, 2027), {**FORM, "action": "draft"})
    _expect(response, expected)
    assert ProgressReport.objects.count() == (1 if expected == 302 else 0)


def test_the_form_shows_only_to_the_regions_officers(request, db, plan):
    officer_page = _client(request, "officer").get(_url(plan, 2027)).content.decode()
    secretariat_page = _client(request, "secretariat").get(_url(plan, 2027)).content.decode()
    assert 'name="status-P1"' in officer_page and 'data-testid="submit"' in officer_page
    assert 'name="status-P1"' not in secretariat_page
    assert 'data-testid="submit"' not in secretariat_page


def test_numbers_are_read_and_shown_in_the_pages_language(db, plan, officer):
    """On an Indonesian page 1.250 is one thousand two hundred and fifty, and 12,5 a
    decimal; the form gives them back the same way."""
    edited(plan, officer)
    client = Client()  # Indonesian, the default
    client.force_login(officer)
    form = {**FORM, "outcome-P1": "1.250", "outcome-P2": "12,5", "action": "draft"}
    assert client.post(_url(plan, 2027), form).status_code == 302
    entries = ProgressReport.objects.get().entries
    assert (entries["P1"]["outcome"], entries["P2"]["outcome"]) == (1250.0, 12.5)
    html = client.get(_url(plan, 2027)).content.decode()
    assert 'name="outcome-P1" id="outcome-P1" value="1250"' in html
    assert 'name="outcome-P2" id="outcome-P2" value="12,5"' in html


def test_a_number_too_long_to_convert_is_named_not_a_failure(request, db, plan, officer):
    edited(plan, officer)
    client = _client(request, "officer")
    response = client.post(_url(plan, 2027), {**FORM, "outcome-P1": "9" * 5000, "action": "draft"})
    assert response.status_code == 400
    assert "Programme P1: the outcome value is a number." in _text(response)
    assert not ProgressReport.objects.exists()


def test_a_year_outside_the_horizon_is_not_found(request, db, plan):
    assert _client(request, "officer").get(_url(plan, 2036)).status_code == 404
    assert _client(request, "officer").get("/masterplans/999999/progress/").status_code == 404


def test_the_form_round_trip_saves_a_draft_and_shows_its_scorecard(request, db, plan, officer):
    version2 = edited(plan, officer)
    client = _client(request, "officer")
    page = client.get(_url(plan, 2027)).content.decode()
    # One row per programme of the latest version; a baseline asked where the target is
    # a change in per cent (P2, P3), not for a target value (P1).
    assert re.findall(r'data-programme="([^"]+)"', page) == ["P1", "P2", "P3"]
    assert 'name="baseline-P1"' not in page and 'name="baseline-P2"' in page
    # Each row names the programme's pillar as the reader reads it, not by its code.
    assert "Smart Governance · from 2026" in _text_of(page)
    response = client.post(_url(plan, 2027), {**FORM, "action": "draft"})
    assert response.status_code == 302
    assert response["Location"] == _url(plan, 2027)
    report = ProgressReport.objects.get()
    assert (report.year, report.version_id, report.note, report.submitted_at) == (
        2027,
        version2.pk,
        "First year.",
        None,
    )
    assert report.entries == STORED
    assert report.score == 82.6
    page = client.get(_url(plan, 2027))
    html = page.content.decode()
    assert "The report for 2027 is saved as a draft." in _text(page)
    # The saved values come back in the form.
    assert '<option value="done" selected>' in html
    assert 'name="budget-P1" value="1" checked' in html
    assert 'name="institution-P3" value="1">' in html
    assert 'name="outcome-P2" id="outcome-P2" value="130"' in html
    assert 'name="baseline-P3" id="baseline-P3" value="10"' in html
    assert ">First year.</textarea>" in html
    # And the scorecard it earned.
    text = _text(page)
    assert "Total score: 82.6 out of 100" in text
    assert (
        "Not assessable: Baseline improvement, Impact. Their weight (40 of 100) is left out "
        "and the other components' weights are scaled up to add up to 100."
    ) in text
    assert "7 of 9 outputs (policy, institution, budget) delivered by the 3 programmes" in text
    assert "Scored with: Ministry smart-city evaluation weights (Kemenkominfo/Komdigi)" in text


def test_bad_input_is_shown_on_its_row_and_nothing_is_saved(request, db, plan, officer):
    edited(plan, officer)
    client = _client(request, "officer")
    response = client.post(
        _url(plan, 2027), {**FORM, "outcome-P2": "a lot", "status-P3": "sleeping"}
    )
    assert response.status_code == 400
    text = _text(response)
    assert "The report was not saved: Programme P2: the outcome value is a number." in text
    assert "Programme P3: the status is one of not started, in progress, done, dropped." in text
    html = response.content.decode()
    assert 'data-programme="P2" class="has-problem"' in html
    assert 'name="outcome-P2" id="outcome-P2" value="a lot"' in html
    assert ProgressReport.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="strategy.progressreport").exists()


def test_a_submitted_report_is_shown_read_only_and_refuses_changes(request, db, plan, officer):
    edited(plan, officer)
    client = _client(request, "officer")
    response = client.post(_url(plan, 2027), {**FORM, "action": "submit"})
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.submitted_at is not None
    page = client.get(_url(plan, 2027))
    html, text = page.content.decode(), _text(page)
    assert "The report for 2027 is submitted; it is now final." in text
    assert "the report is final." in text
    assert 'name="status-P1"' not in html and 'class="progress-form"' not in html
    assert re.findall(r'data-programme="([^"]+)"', html) == ["P1", "P2", "P3"]
    # Each row as reported: status, outputs delivered, outcome value (and baseline).
    assert "target 100 IDR done policy, institution, budget 80 IDR P2" in text
    assert "in progress policy, institution 130 IDR baseline 100 P3" in text
    refused = client.post(_url(plan, 2027), {**FORM, "outcome-P1": "100", "action": "draft"})
    assert refused.status_code == 400
    assert "and is final; it can no longer be changed." in _text(refused)
    # The refused values are not shown as if reported.
    assert "budget 80 IDR P2" in _text(refused)
    assert 'name="outcome-P1"' not in refused.content.decode()
    report.refresh_from_db()
    assert report.entries == STORED


def test_the_scorecard_over_the_years(request, db, plan, officer, english):
    edited(plan, officer)
    services.save_report(actor=officer, masterplan=plan, year=2026, entries=ENTRIES, submit=True)
    services.save_report(actor=officer, masterplan=plan, year=2027, entries={})
    page = _client(request, "secretariat").get(_url(plan))
    assert page.status_code == 200
    html = page.content.decode()
    rows = re.findall(r'<tr data-year="(\d+)">(.*?)</tr>', html, re.S)
    assert [year for year, _cells in rows] == [str(y) for y in range(2026, 2036)]
    cells = {
        year: [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, re.S)
        ]
        for year, body in rows
    }
    assert cells["2026"] == ["2026", "submitted", "82.6", "n/a", "77.8", "80.0", "n/a", "100.0"]
    # Nothing reported in 2027: only the quick win, due and not done, is assessable.
    assert cells["2027"] == ["2027", "draft", "0.0", "n/a", "n/a", "n/a", "n/a", "0.0"]
    assert cells["2028"] == ["2028", "not reported", "—", "—", "—", "—", "—", "—"]
    assert f'href="{_url(plan, 2028)}"' in html
    assert html.count("<svg") == 1 and 'data-testid="progress-trend"' in html
    assert "Weights: Baseline improvement 10 · Output (policy, institutions, budget) 20" in (
        _text(page)
    )


def test_the_scorecard_page_costs_the_same_queries_for_one_or_three_reports(
    request, db, plan, officer
):
    client = _client(request, "officer")
    services.save_report(actor=officer, masterplan=plan, year=2026, entries={})
    client.get(_url(plan))  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(_url(plan))
    for year in (2027, 2028):
        services.save_report(actor=officer, masterplan=plan, year=year, entries={})
    with CaptureQueriesContext(connection) as three:
        client.get(_url(plan))
    assert len(three) == len(one)


def test_the_region_page_shows_submitted_totals_only(request, db, plan, officer):
    edited(plan, officer)
    region_url = "/regions/53.71/"
    anonymous = _client(request, "anonymous")
    # Nothing submitted: no section at all, even with a draft.
    services.save_report(actor=officer, masterplan=plan, year=2027, entries=ENTRIES)
    assert 'data-testid="masterplan-scorecard"' not in anonymous.get(region_url).content.decode()
    services.save_report(actor=officer, masterplan=plan, year=2026, entries=ENTRIES, submit=True)
    page = anonymous.get(region_url)
    html = page.content.decode()
    assert 'data-testid="masterplan-scorecard"' in html
    rows = re.findall(r'<tr data-plan="\d+" data-year="(\d+)">(.*?)</tr>', html, re.S)
    assert [(year, _text_of(body)) for year, body in rows] == [("2026", f"{plan.title} 2026 82.6")]
    # A visitor gets no link to the plan, which only its region and the secretariat read.
    assert f'href="{_url(plan)}"' not in html
    officer_page = _client(request, "officer").get(region_url).content.decode()
    assert f'href="{_url(plan)}"' in officer_page


def test_the_region_page_scorecard_costs_one_query(db, plan, officer, kupang):
    for year in (2026, 2027, 2028):
        services.save_report(actor=officer, masterplan=plan, year=year, entries={}, submit=True)
    with CaptureQueriesContext(connection) as queries:
        context = region_scorecard_context(kupang, AnonymousUser())
    assert len(queries) == 1
    assert [r.year for r in context["plans"][0].reports] == [2026, 2027, 2028]


def _text_of(fragment: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()
