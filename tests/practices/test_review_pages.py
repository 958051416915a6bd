"""The secretariat's review page: who may use it, the checklist, the diff against the
published version, earlier rounds and the messages when a decision is incomplete."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from kotacerdas.practices import services
from kotacerdas.practices.content import parse_record
from kotacerdas.practices.models import Review

from .fixtures import RECORD, SCORES, make_record
from .test_manage_pages import (
    LOGIN,
    ROLES,
    errors_at,
    form_data,
    marked_text,
    messages_of,
    sent,
    snapshot,
    subject,
    text_of,
)

pytestmark = pytest.mark.integration
ALL_SCORES = {f"score_{code}": str(value) for code, value in SCORES.items()}


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def second_version_in_review(published_practice, officer, secretariat):
    """Version 2 of a published practice, with a new title and results, in review."""
    version = services.start_new_version(actor=officer, practice=published_practice)
    record = make_record(
        title="Pajak Restoran Daring untuk Seluruh Kota",
        narrative={**RECORD["narrative"], "results": "Realisasi pajak restoran naik 45 persen."},
    )
    services.update_version(actor=officer, version=version, data=parse_record(record))
    version = services.submit_version(actor=officer, version=version)
    return services.start_review(actor=secretariat, version=version)


def _url(version) -> str:
    return f"/practices/{version.practice.slug}/review/"


# (name, state fixture, data, expected for anonymous, officer of 53.71, officer of 53.11,
# secretariat, admin). None as data means GET.
CASES: list[tuple[str, str, Any, tuple]] = [
    ("page", "submitted_version", None, (LOGIN, 403, 404, 200, 200)),
    ("start", "submitted_version", {"action": "start"}, (LOGIN, 403, 404, 302, 302)),
    (
        "return",
        "review_version",
        {"action": "return", "comment": "Lengkapi sumber."},
        (LOGIN, 403, 404, 302, 302),
    ),
    (
        "publish",
        "review_version",
        {"action": "publish", **ALL_SCORES},
        (LOGIN, 403, 404, 302, 302),
    ),
    # A published practice is public: other regions see it exists, and are refused.
    (
        "publish-v2",
        "second_version_in_review",
        {"action": "publish", **ALL_SCORES},
        (LOGIN, 403, 403, 302, 302),
    ),
]


@pytest.mark.parametrize(
    ("name", "state", "data", "role", "expected"),
    [
        pytest.param(name, state, data, role, expected, id=f"{name}-{role}")
        for name, state, data, statuses in CASES
        for role, expected in zip(ROLES, statuses, strict=True)
    ],
)
def test_review_permissions(request, db, client, name, state, data, role, expected):
    version = request.getfixturevalue(state)
    for fixture in ("officer", "other_officer", "secretariat", "admin_user"):
        request.getfixturevalue(fixture)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    before = snapshot()
    response = client.get(_url(version)) if data is None else client.post(_url(version), data)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == expected
    if expected in (LOGIN, 403, 404) or data is None:
        assert snapshot() == before
    else:
        version.refresh_from_db()
        assert (
            version.status
            == {
                "start": "in_review",
                "return": "returned",
                "publish": "published",
                "publish-v2": "published",
            }[name]
        )


def test_review_page_shows_the_version_and_a_start_button(client, secretariat, submitted_version):
    client.force_login(secretariat)
    body = client.get(_url(submitted_version)).content.decode()
    assert 'data-testid="start-review"' in body
    assert 'data-testid="review-form"' not in body
    assert 'data-testid="changes"' not in body  # nothing is published yet
    version_body = body.split('data-testid="version-body"')[1]
    for text in (
        RECORD["summary"],
        RECORD["narrative"]["situation"],
        RECORD["narrative"]["transferability"],
        "Realisasi pajak restoran",
        "Laporan realisasi pendapatan Bapenda",
        "Rp 850,000,000",
        "ECO Smart Economy",
    ):
        assert text in version_body, text
    assert (
        f'href="/practices/{submitted_version.practice.slug}/?version=1"' in body
    )  # the page as the public will see it
    assert 'data-testid="rounds"' not in body
    assert "This version has not been reviewed before." in body


def test_checklist_asks_each_criterion_with_its_question(client, secretariat, review_version):
    client.force_login(secretariat)
    body = client.get(_url(review_version)).content.decode()
    form = body.split('data-testid="review-form"')[1].split("</form>")[0]
    rows = re.findall(r'<tr id="field-score_(\w+)">\s*<th scope="row">(.*?)</th>', form, re.S)
    assert [(code, text_of(label)) for code, label in rows] == [
        ("impact", "ImpactDid the practice measurably improve the situation before?"),
        (
            "partnership",
            "PartnershipAre other agencies, regions, communities or the private sector involved?",
        ),
        (
            "sustainability",
            "SustainabilityIs it funded, regulated and staffed to continue after its first years?",
        ),
        ("leadership", "LeadershipDo the region's leaders own it and keep it going?"),
        (
            "innovation",
            "Innovation in contextIs it new for this kind of region, or a new way of solving a "
            "known problem?",
        ),
        (
            "transferability",
            "TransferabilityCould another region adopt it, and does the record say what that "
            "takes?",
        ),
        ("evidence", "EvidenceAre the outcome figures backed by a source that can be checked?"),
    ]
    assert form.count('type="radio"') == 35
    assert 'name="verified"' in form and 'name="comment"' in form


def test_publish_needs_every_score_and_changes_nothing(client, secretariat, review_version):
    client.force_login(secretariat)
    before = snapshot()
    scores = {
        k: v for k, v in ALL_SCORES.items() if k not in ("score_leadership", "score_evidence")
    }
    response = client.post(_url(review_version), {"action": "publish", **scores})
    assert response.status_code == 422
    body = response.content.decode()
    assert errors_at(body, "id_score_leadership") == ["Score every criterion from 1 to 5."]
    assert errors_at(body, "id_score_evidence") == ["Score every criterion from 1 to 5."]
    assert errors_at(body, "id_score_impact") == []
    # the scores given are kept
    assert re.search(r'name="score_impact" value="4"[^>]*checked', body)
    assert snapshot() == before


def test_score_out_of_range_is_refused(client, secretariat, review_version):
    client.force_login(secretariat)
    before = snapshot()
    response = client.post(
        _url(review_version), {"action": "publish", **ALL_SCORES, "score_impact": "9"}
    )
    assert response.status_code == 422
    assert errors_at(response.content.decode(), "id_score_impact") == [
        "Select a valid choice. 9 is not one of the available choices."
    ]
    assert snapshot() == before


def test_return_needs_a_comment(client, secretariat, review_version):
    client.force_login(secretariat)
    before = snapshot()
    response = client.post(_url(review_version), {"action": "return", "comment": "   "})
    assert response.status_code == 422
    assert errors_at(response.content.decode(), "id_comment") == ["Say what needs to change."]
    assert snapshot() == before


def test_unknown_action_changes_nothing(client, secretariat, review_version):
    client.force_login(secretariat)
    before = snapshot()
    response = client.post(_url(review_version), {"action": "delete"}, follow=True)
    assert messages_of(response.content.decode()) == ["Choose what to do with the practice."]
    assert snapshot() == before


def test_second_start_is_told_not_possible(client, secretariat, submitted_version):
    client.force_login(secretariat)
    first = client.post(_url(submitted_version), {"action": "start"}, follow=True)
    assert messages_of(first.content.decode()) == [
        "The review has started; Kota Kupang has been told."
    ]
    before = snapshot()
    response = client.post(_url(submitted_version), {"action": "start"}, follow=True)
    assert response.redirect_chain == [(_url(submitted_version), 302)]
    assert messages_of(response.content.decode()) == [
        "Version 1 is in review; that is not possible now."
    ]
    assert snapshot() == before


def test_nothing_to_review(client, secretariat, draft_practice):
    client.force_login(secretariat)
    body = client.get(f"/practices/{draft_practice.slug}/review/").content.decode()
    assert marked_text(body, "nothing-to-review", "</p>") == (
        "No version of this practice is waiting for review: version 1 is draft."
    )
    before = snapshot()
    response = client.post(f"/practices/{draft_practice.slug}/review/", {"action": "start"})
    assert response.status_code == 302
    assert snapshot() == before


def test_diff_against_the_published_version(client, secretariat, second_version_in_review):
    client.force_login(secretariat)
    body = client.get(_url(second_version_in_review)).content.decode()
    table = body.split('data-testid="changes"')[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', table, re.S)
    assert [label for label, _cells in rows] == ["Title", "Results"]
    title_cells = rows[0][1]
    assert re.findall(r"<del>(.*?)</del>", title_cells) == ["dengan Perekam Transaksi"]
    assert re.findall(r"<ins>(.*?)</ins>", title_cells) == ["untuk Seluruh Kota"]
    results = rows[1][1]
    assert re.findall(r"<del>(.*?)</del>", results) == ["dalam dua tahun."]
    assert re.findall(r"<ins>(.*?)</ins>", results) == ["45 persen."]
    assert "Changes since the published version 1" in body


def test_saving_unchanged_content_through_the_page_is_no_change(
    client, officer, secretariat, published_practice
):
    client.force_login(officer)
    slug = published_practice.slug
    client.post(f"/practices/{slug}/new-version/")
    # A browser sends ticked boxes in the page's order (GOV before ECO).
    data = form_data(RECORD, pillars=["GOV", "ECO"], sub_elements=["GOV.POL", "ECO.TRX"])
    assert client.post(f"/practices/{slug}/edit/", data).status_code == 302
    version = published_practice.versions.get(number=2)
    assert (version.pillars, version.sub_elements) == (["ECO", "GOV"], ["ECO.TRX", "GOV.POL"])
    client.post(f"/practices/{slug}/submit/")
    client.force_login(secretariat)
    body = client.get(f"/practices/{slug}/review/").content.decode()
    assert marked_text(body, "changes", "</p>") == (
        "The content is the same as the published version."
    )


def test_earlier_rounds_are_shown_after_a_return(
    client, officer, secretariat, review_version, django_capture_on_commit_callbacks
):
    services.return_version(
        actor=secretariat, version=review_version, comment="Tambahkan foto.", scores={"impact": 2}
    )
    version = services.submit_version(actor=officer, version=review_version)
    client.force_login(secretariat)
    body = client.get(_url(version)).content.decode()
    table = body.split('data-testid="rounds"')[1].split("</table>")[0]
    cells = [
        [text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    ]
    assert [row[1:] for row in cells] == [
        ["secretariat", "returned with comments", "2 / 35", "no", "Tambahkan foto."]
    ]
    assert cells[0][0].endswith("WITA")


def test_publish_through_the_page_tells_the_region(
    client, officer, secretariat, review_version, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(review_version), {"action": "publish", "verified": "on", **ALL_SCORES}
        )
    slug = review_version.practice.slug
    assert (response.status_code, response["Location"]) == (302, f"/practices/{slug}/")
    review = Review.objects.get()
    assert (review.decision, review.scores, review.verified, review.reviewer) == (
        "published",
        SCORES,
        True,
        secretariat,
    )
    assert sent() == [
        (
            subject("Practice published: %(title)s", title=RECORD["title"]),
            ["officer.kupang@example.org"],
        )
    ]
    assert "27" in mail.outbox[0].body and "35" in mail.outbox[0].body
    page = client.get(f"/practices/{slug}/")
    assert RECORD["title"] in page.content.decode()
