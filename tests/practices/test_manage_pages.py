"""The pages where officers write practices: the whole workflow through the pages, the
editor's validation messages, attachments, permissions and the list of one's practices."""

from __future__ import annotations

import copy
import html
import re
import struct
import zlib
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from kotacerdas.core.models import AuditEvent
from kotacerdas.practices import services
from kotacerdas.practices.content import record_of
from kotacerdas.practices.models import (
    Attachment,
    Outcome,
    Practice,
    PracticeContact,
    PracticeVersion,
    Prerequisite,
    Review,
)

from .fixtures import RECORD, SCORES, make_practice, make_record, publish

pytestmark = pytest.mark.integration

ROLES = ("anonymous", "officer", "other_officer", "secretariat", "admin_user")
LOGIN = "login"
ROW_KEYS = {
    "outcomes": ("name", "unit", "baseline", "baseline_year", "value", "year", "source", "pad"),
    "prerequisites": ("kind", "description", "min_budget_idr", "readiness", "min_level"),
    "contacts": ("name", "position", "agency", "email", "phone"),
}


# --- helpers shared with the review and import page tests ----------------------------------


@pytest.fixture
def client():
    """English pages, so assertions do not depend on the Indonesian catalogue."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Attachments are stored under the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def form_data(record: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """The editor's POST data for ``record`` (the shape of ``fixtures.RECORD``)."""
    data: dict[str, Any] = {
        "language": record.get("language", ""),
        "title": record.get("title", ""),
        "summary": record.get("summary", ""),
        "stage": record.get("stage", ""),
        "form": record.get("form", ""),
        "initiator": record.get("initiator", ""),
        "started_on": record.get("started_on") or "",
        "applied_on": record.get("applied_on") or "",
        "budget_idr": "" if record.get("budget_idr") is None else str(record["budget_idr"]),
        "pillars": list(record.get("pillars", [])),
        "sub_elements": list(record.get("sub_elements", [])),
        "sdgs": [str(n) for n in record.get("sdgs", [])],
        "funding_sources": list(record.get("funding_sources", [])),
        "partner_regions": ", ".join(record.get("partner_regions", [])),
        "partner_organisations": "\n".join(record.get("partner_organisations", [])),
        "change_note": record.get("change_note", ""),
        **record.get("narrative", {}),
    }
    if record.get("digital"):
        data["digital"] = "on"
    for name, keys in ROW_KEYS.items():
        items = record.get(name, [])
        data |= {
            f"{name}-TOTAL_FORMS": str(len(items)),
            f"{name}-INITIAL_FORMS": "0",
            f"{name}-MIN_NUM_FORMS": "0",
            f"{name}-MAX_NUM_FORMS": "1000",
        }
        for index, item in enumerate(items):
            for key in keys:
                value = item.get(key)
                if key == "pad":
                    if value:
                        data[f"{name}-{index}-pad"] = "on"
                else:
                    data[f"{name}-{index}-{key}"] = "" if value is None else str(value)
    data.update(overrides)
    return data


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def problems_of(body: str) -> list[str]:
    """The problems listed at the top of the editor."""
    if 'data-testid="problems"' not in body:
        return []
    block = body.split('data-testid="problems"', 1)[1].split("</ul>", 1)[0]
    return [text_of(item) for item in re.findall(r"<li>(.*?)</li>", block, re.S)]


def errors_at(body: str, key: str) -> list[str]:
    """The error messages of a field (``id_title``) or of a formset row (``id_outcomes-1``),
    in page order."""
    found = re.findall(r'<ul class="errorlist[^"]*" id="(id_[^"]+)_error">(.*?)</ul>', body, re.S)
    return [
        text_of(item)
        for field_id, errors in found
        if field_id == key or field_id.startswith(key + "-")
        for item in re.findall(r"<li>(.*?)</li>", errors, re.S)
    ]


def marked_text(body: str, testid: str, end: str = "</div>") -> str:
    """The text of the element marked ``data-testid=testid`` (up to ``end``)."""
    block = body.split(f'data-testid="{testid}"', 1)[1].split(">", 1)[1]
    return text_of(block.split(end, 1)[0])


def messages_of(body: str) -> list[str]:
    return [
        text_of(item)
        for item in re.findall(r'<li class="message[^"]*"[^>]*>(.*?)</li>', body, re.S)
    ]


def snapshot() -> tuple:
    """Everything a write could change, to assert that a refused one changed nothing."""
    return (
        list(Practice.objects.order_by("pk").values_list("pk", "slug", "published_version_id")),
        list(
            PracticeVersion.objects.order_by("pk").values_list(
                "pk", "number", "status", "title", "updated_at"
            )
        ),
        Outcome.objects.count(),
        Prerequisite.objects.count(),
        PracticeContact.objects.count(),
        list(Attachment.objects.order_by("pk").values_list("pk", "version_id", "file")),
        list(Review.objects.order_by("pk").values_list("pk", "decision")),
        AuditEvent.objects.count(),
        len(mail.outbox),
    )


def subject(msgid: str, **values: Any) -> str:
    """An e-mail subject as the platform's default language says it."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(msgid) % values


def sent() -> list[tuple[str, list[str]]]:
    return [(m.subject, m.to) for m in mail.outbox]


def pdf_bytes() -> bytes:
    """A small but complete one-page PDF."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def png_bytes() -> bytes:
    """A valid 1×1 green PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x0b\x6e\x4f")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def download(response) -> bytes:
    """The body of a (streaming) response, read whole so the file is closed."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


# --- the whole workflow through the pages --------------------------------------------------


def test_workflow_from_draft_to_published_through_the_pages(
    client, officer, secretariat, admin_user, django_capture_on_commit_callbacks
):
    secretariat_client = Client(HTTP_ACCEPT_LANGUAGE="en")
    secretariat_client.force_login(secretariat)
    client.force_login(officer)
    title = RECORD["title"]

    # The officer writes a new practice: it is a draft of their own region.
    assert client.get("/practices/manage/new/").status_code == 200
    response = client.post("/practices/manage/new/", form_data(make_record()))
    practice = Practice.objects.get()
    assert (response.status_code, response["Location"]) == (
        302,
        f"/practices/{practice.slug}/edit/",
    )
    assert (practice.slug, practice.lead_region.code, practice.created_by) == (
        "pajak-restoran-daring-dengan-perekam-transaksi",
        "53.71",
        officer,
    )
    version = practice.versions.get()
    assert (version.number, version.status, version.author) == (1, "draft", officer)
    assert record_of(version) == RECORD

    # It edits the formsets: a second outcome, the regulation prerequisite removed, a
    # second contact; a blank row is ignored.
    record = make_record(
        outcomes=[
            *RECORD["outcomes"],
            {
                "name": "Restoran dengan perekam",
                "unit": "restoran",
                "baseline": 0,
                "baseline_year": 2019,
                "value": 140,
                "year": 2021,
                "source": "Data Bapenda",
                "pad": False,
            },
            {},
        ],
        contacts=[*RECORD["contacts"], {"name": "Admin Bapenda", "phone": "0380 123"}],
    )
    data = form_data(record, **{"prerequisites-1-DELETE": "on"})
    response = client.post(f"/practices/{practice.slug}/edit/", data)
    assert (response.status_code, response["Location"]) == (
        302,
        f"/practices/{practice.slug}/edit/",
    )
    stored = record_of(practice.versions.get())
    assert [o["name"] for o in stored["outcomes"]] == [
        "Realisasi pajak restoran",
        "Restoran dengan perekam",
    ]
    assert stored["outcomes"][1] == {
        "name": "Restoran dengan perekam",
        "unit": "restoran",
        "baseline": 0,
        "baseline_year": 2019,
        "value": 140,
        "year": 2021,
        "source": "Data Bapenda",
        "pad": False,
    }
    assert stored["prerequisites"] == RECORD["prerequisites"][:1]
    assert stored["contacts"][1] == {
        "name": "Admin Bapenda",
        "position": "",
        "agency": "",
        "email": "",
        "phone": "0380 123",
    }
    assert "Saved." in messages_of(client.get(f"/practices/{practice.slug}/edit/").content.decode())

    # Submitting tells the secretariat (and the administrator) by e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/practices/{practice.slug}/submit/")
    assert (response.status_code, response["Location"]) == (302, "/practices/manage/")
    assert practice.versions.get().status == "submitted"
    submitted = subject("Practice submitted for review: %(title)s", title=title)
    assert sent() == [
        (submitted, ["admin@example.org"]),
        (submitted, ["secretariat@example.org"]),
    ]

    # The secretariat sees it in the queue and starts the review: the region is told.
    body = secretariat_client.get("/practices/manage/").content.decode()
    assert f'href="/practices/{practice.slug}/review/"' in body.split('data-testid="queue"')[1]
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            f"/practices/{practice.slug}/review/", {"action": "start"}
        )
    assert (response.status_code, response["Location"]) == (
        302,
        f"/practices/{practice.slug}/review/",
    )
    assert practice.versions.get().status == "in_review"
    assert sent()[2:] == [
        (subject("Review started: %(title)s", title=title), ["officer.kupang@example.org"])
    ]

    # It returns the practice with a comment; the region is told.
    comment = "Tambahkan sumber data untuk jumlah restoran."
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            f"/practices/{practice.slug}/review/",
            {"action": "return", "comment": comment, "score_impact": "3"},
        )
    assert (response.status_code, response["Location"]) == (302, "/practices/manage/")
    version = practice.versions.get()
    review = version.reviews.get()
    assert (version.status, review.decision, review.comment, review.scores, review.reviewer) == (
        "returned",
        "returned",
        comment,
        {"impact": 3},
        secretariat,
    )
    assert sent()[3:] == [
        (
            subject("Practice returned with comments: %(title)s", title=title),
            ["officer.kupang@example.org"],
        )
    ]
    assert comment in mail.outbox[3].body

    # The officer sees the comment on the list and on top of the editor, revises and submits.
    body = client.get("/practices/manage/").content.decode()
    row = body.split(f'data-testid="practice-{practice.slug}"')[1].split("</tr>")[0]
    assert marked_text(row, "review-comment") == f"Returned with comments: {comment}"
    assert 'data-testid="status">returned<' in row
    body = client.get(f"/practices/{practice.slug}/edit/").content.decode()
    notice = marked_text(body, "review-comment")
    assert notice.startswith("The secretariat returned this version on")
    assert notice.endswith(
        f"with these comments: {comment} Revise the practice, save it, and submit it again."
    )
    revised = copy.deepcopy(record)
    revised["outcomes"][1]["source"] = "Data Bapenda, daftar restoran 2021"
    response = client.post(
        f"/practices/{practice.slug}/edit/",
        form_data(revised, **{"prerequisites-1-DELETE": "on", "change_note": "Sumber data"}),
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/practices/{practice.slug}/submit/").status_code == 302
    assert sent()[4:] == [
        (submitted, ["admin@example.org"]),
        (submitted, ["secretariat@example.org"]),
    ]

    # The secretariat starts the review again and publishes with every score.
    with django_capture_on_commit_callbacks(execute=True):
        secretariat_client.post(f"/practices/{practice.slug}/review/", {"action": "start"})
    scores = {f"score_{code}": str(value) for code, value in SCORES.items()}
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            f"/practices/{practice.slug}/review/",
            {"action": "publish", "verified": "on", "comment": "Lengkap.", **scores},
        )
    assert (response.status_code, response["Location"]) == (302, f"/practices/{practice.slug}/")
    practice.refresh_from_db()
    version = practice.versions.get()
    assert (version.status, version.change_note, practice.published_version) == (
        "published",
        "Sumber data",
        version,
    )
    final = version.reviews.order_by("-pk").first()
    assert (final.decision, final.scores, final.verified, final.comment) == (
        "published",
        SCORES,
        True,
        "Lengkap.",
    )
    assert sent()[6:] == [
        (subject("Review started: %(title)s", title=title), ["officer.kupang@example.org"]),
        (subject("Practice published: %(title)s", title=title), ["officer.kupang@example.org"]),
    ]

    # Anyone reads it on the public page; the officer's list offers a new version.
    assert title in Client().get(f"/practices/{practice.slug}/").content.decode()
    body = client.get("/practices/manage/").content.decode()
    assert 'data-testid="new-version"' in body and 'data-testid="edit"' not in body


def test_officer_creates_for_own_region_and_secretariat_chooses(
    client, officer, other_officer, secretariat, kupang, sumba
):
    client.force_login(other_officer)
    # An officer has no lead-region field; a posted one is ignored.
    response = client.post(
        "/practices/manage/new/", form_data(make_record(title="Satu"), lead_region="53.71")
    )
    assert response.status_code == 302
    client.force_login(secretariat)
    page = client.get("/practices/manage/new/").content.decode()
    assert 'name="lead_region"' in page
    response = client.post(
        "/practices/manage/new/",
        form_data(make_record(title="Dua"), lead_region="5371", slug="praktik-dua"),
    )
    assert response.status_code == 302
    assert list(
        Practice.objects.order_by("slug").values_list("slug", "lead_region__code", "created_by")
    ) == [("praktik-dua", "53.71", secretariat.pk), ("satu", "53.11", other_officer.pk)]


def test_create_names_an_unknown_lead_region_and_the_content_problems_together(
    client, secretariat, kupang
):
    client.force_login(secretariat)
    response = client.post(
        "/practices/manage/new/", form_data(make_record(title=""), lead_region="99.99")
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert errors_at(body, "id_lead_region") == ["Unknown region code “99.99”."]
    assert problems_of(body) == [
        "Lead region (Kemendagri code): Unknown region code “99.99”.",
        "Title: This field is required.",
    ]
    assert Practice.objects.count() == 0


def test_create_with_a_taken_short_name(client, officer, draft_practice):
    client.force_login(officer)
    before = snapshot()
    response = client.post(
        "/practices/manage/new/", form_data(make_record(), slug=draft_practice.slug)
    )
    assert response.status_code == 422
    message = f"A practice with the short name “{draft_practice.slug}” exists."
    assert errors_at(response.content.decode(), "id_slug") == [message]
    assert problems_of(response.content.decode()) == [
        f"Short name in the address (optional): {message}"
    ]
    assert snapshot() == before


# --- validation messages --------------------------------------------------------------------


def test_edit_shows_each_problem_next_to_its_field_and_row_and_saves_nothing(
    client, officer, draft_practice
):
    client.force_login(officer)
    before = snapshot()
    record = make_record(
        title="",
        started_on="2019-13-01",
        budget_idr="banyak",
        outcomes=[
            RECORD["outcomes"][0],
            {
                "name": "Restoran terdaftar",
                "unit": "%",
                "value": "sepuluh",
                "year": 2021,
                "source": "Bapenda",
                "pad": True,
            },
        ],
        prerequisites=[
            {"kind": "regulation", "description": "Perkada", "min_budget_idr": 1000},
        ],
        contacts=[{"name": "Bidang", "email": "bukan-alamat"}],
    )
    response = client.post(f"/practices/{draft_practice.slug}/edit/", form_data(record))
    assert response.status_code == 422
    body = response.content.decode()
    assert problems_of(body) == [
        "Title: This field is required.",
        "Started: “2019-13-01” is not a date (YYYY-MM-DD).",
        "Budget (rupiah): “banyak” is not a whole number.",
        "Outcome 2 · Value: “sepuluh” is not a number.",
        "Outcome 2 · Unit: An effect on own-source revenue (PAD) is given in rupiah: "
        "the unit must be “IDR”.",
        "Prerequisite 1 · Minimum budget (rupiah): Only a budget prerequisite has an amount.",
        "Contact 1 · E-mail: “bukan-alamat” is not an e-mail address.",
    ]
    assert errors_at(body, "id_title") == ["This field is required."]
    assert errors_at(body, "id_started_on") == ["“2019-13-01” is not a date (YYYY-MM-DD)."]
    assert errors_at(body, "id_outcomes-1") == [
        "An effect on own-source revenue (PAD) is given in rupiah: the unit must be “IDR”.",
        "“sepuluh” is not a number.",
    ]
    assert errors_at(body, "id_outcomes-0") == []
    assert errors_at(body, "id_prerequisites-0") == ["Only a budget prerequisite has an amount."]
    assert errors_at(body, "id_contacts-0") == ["“bukan-alamat” is not an e-mail address."]
    # What was typed is shown again, not the stored content.
    assert 'value="sepuluh"' in body
    assert snapshot() == before


def test_edit_maps_a_problem_to_the_row_on_the_page_when_rows_above_are_removed(
    client, officer, draft_practice
):
    client.force_login(officer)
    record = make_record(
        outcomes=[
            RECORD["outcomes"][0],
            {"name": "Tanpa satuan", "unit": "", "value": 1, "year": 2021, "source": "x"},
        ]
    )
    data = form_data(record, **{"outcomes-0-DELETE": "on"})
    body = client.post(f"/practices/{draft_practice.slug}/edit/", data).content.decode()
    # parse_record sees the second row as outcomes[1]; the page names it row 2.
    assert problems_of(body) == ["Outcome 2 · Unit: This field is required."]
    assert errors_at(body, "id_outcomes-1") == ["This field is required."]


def test_edit_reads_indonesian_thousands_and_decimal_commas(client, officer, draft_practice):
    client.force_login(officer)
    record = make_record(budget_idr="850.000.000")
    record["outcomes"] = [
        dict(RECORD["outcomes"][0], baseline="4.200.000.000", value="6.100.000.000,5")
    ]
    response = client.post(f"/practices/{draft_practice.slug}/edit/", form_data(record))
    assert response.status_code == 302
    stored = record_of(draft_practice.versions.get())
    assert (stored["budget_idr"], stored["outcomes"][0]["baseline"]) == (850_000_000, 4_200_000_000)
    assert stored["outcomes"][0]["value"] == 6_100_000_000.5


def test_edit_refuses_a_tampered_choice_without_an_error_page(client, officer, draft_practice):
    client.force_login(officer)
    before = snapshot()
    data = form_data(RECORD, sdgs=["18"], **{"outcomes-TOTAL_FORMS": "x"})
    response = client.post(f"/practices/{draft_practice.slug}/edit/", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert errors_at(body, "id_sdgs") == [
        "Select a valid choice. 18 is not one of the available choices."
    ]
    assert snapshot() == before


def test_edit_names_an_unknown_partner_region(client, officer, draft_practice):
    client.force_login(officer)
    before = snapshot()
    data = form_data(make_record(partner_regions=["53.99", "5311"]))
    body = client.post(f"/practices/{draft_practice.slug}/edit/", data).content.decode()
    # 5311 is read as 53.11, which does not exist in this test's registry either
    assert problems_of(body) == [
        "Partner regions: Unknown region code “53.99”.",
        "Partner regions: Unknown region code “53.11”.",
    ]
    assert errors_at(body, "id_partner_regions") == [
        "Unknown region code “53.99”.",
        "Unknown region code “53.11”.",
    ]
    assert snapshot() == before


def test_edit_with_an_empty_post_is_not_an_error_page(client, officer, draft_practice):
    client.force_login(officer)
    before = snapshot()
    response = client.post(f"/practices/{draft_practice.slug}/edit/", {})
    assert response.status_code == 422
    assert "ManagementForm data is missing or has been tampered with" in response.content.decode()
    assert snapshot() == before


def test_add_row_shows_one_more_empty_row_and_saves_nothing(client, officer, draft_practice):
    client.force_login(officer)
    before = snapshot()
    data = form_data(make_record(title="Judul yang belum disimpan"), add="outcomes")
    response = client.post(f"/practices/{draft_practice.slug}/edit/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="row-outcomes-1"' in body and 'id="row-outcomes-2"' not in body
    assert 'value="Judul yang belum disimpan"' in body
    assert problems_of(body) == []
    assert snapshot() == before


def test_submit_lists_the_empty_required_sections(client, officer, kupang):
    practice = make_practice(
        officer,
        kupang,
        narrative={**RECORD["narrative"], "situation": "", "results": ""},
        outcomes=[],
    )
    client.force_login(officer)
    before = snapshot()
    response = client.post(f"/practices/{practice.slug}/submit/")
    assert response.status_code == 422
    body = response.content.decode()
    assert problems_of(body) == [
        "Situation before: This section is empty.",
        "Results: This section is empty.",
        "Outcomes: Give at least one outcome with its source.",
    ]
    assert errors_at(body, "id_situation") == ["This section is empty."]
    assert errors_at(body, "id_results") == ["This section is empty."]
    assert "The practice is not complete enough to be reviewed yet." in messages_of(body)
    assert snapshot() == before


# --- published versions, new versions -------------------------------------------------------


def test_published_version_cannot_be_edited_and_offers_a_new_version(
    client, officer, published_practice
):
    client.force_login(officer)
    url = f"/practices/{published_practice.slug}/edit/"
    body = client.get(url).content.decode()
    assert 'data-testid="practice-form"' not in body
    assert marked_text(body, "locked").startswith("Version 1 is published and cannot be changed.")
    assert f'action="/practices/{published_practice.slug}/new-version/"' in body
    before = snapshot()
    response = client.post(url, form_data(make_record(title="Diubah")), follow=True)
    assert "Version 1 is published; that is not possible now." in messages_of(
        response.content.decode()
    )
    assert snapshot() == before

    response = client.post(
        f"/practices/{published_practice.slug}/new-version/", {"change_note": "Data 2023"}
    )
    assert (response.status_code, response["Location"]) == (302, url)
    latest = published_practice.versions.order_by("-number").first()
    assert (latest.number, latest.status, latest.change_note) == (2, "draft", "Data 2023")
    body = client.get(url).content.decode()
    assert 'data-testid="practice-form"' in body
    assert f'value="{RECORD["title"]}"' in body
    # The published version is unchanged and still the public one.
    published_practice.refresh_from_db()
    assert published_practice.published_version.number == 1


def test_submitted_version_is_locked_for_its_region(client, officer, submitted_version):
    client.force_login(officer)
    body = client.get(f"/practices/{submitted_version.practice.slug}/edit/").content.decode()
    assert marked_text(body, "locked") == (
        "Version 1 is submitted and cannot be edited while the secretariat reviews it. "
        "It comes back to its region if the secretariat returns it with comments."
    )
    assert 'data-testid="new-version"' not in body


# --- permissions ----------------------------------------------------------------------------


@pytest.fixture
def world(draft_practice, officer, other_officer, secretariat, admin_user, kupang):
    """A complete draft of Kota Kupang with an attachment."""
    upload = SimpleUploadedFile("laporan.pdf", pdf_bytes())
    version = draft_practice.versions.get()
    attachment = services.add_attachment(actor=officer, version=version, upload=upload)
    return {"practice": draft_practice, "attachment": attachment}


def _pdf_upload() -> dict[str, Any]:
    return {"title": "Laporan", "file": SimpleUploadedFile("laporan.pdf", pdf_bytes())}


# (name, url, data, expected for anonymous, officer of 53.71, officer of 53.11, secretariat,
# admin). The draft belongs to Kota Kupang (53.71).
WRITES: list[tuple[str, Any, Any, tuple]] = [
    (
        "edit",
        lambda w: f"/practices/{w['practice'].slug}/edit/",
        lambda w: form_data(make_record(title="Diubah")),
        (LOGIN, 302, 404, 302, 302),
    ),
    (
        "submit",
        lambda w: f"/practices/{w['practice'].slug}/submit/",
        lambda w: {},
        (LOGIN, 302, 404, 302, 302),
    ),
    (
        "attach",
        lambda w: f"/practices/{w['practice'].slug}/attachments/",
        lambda w: _pdf_upload(),
        (LOGIN, 302, 404, 302, 302),
    ),
    (
        "attachment-delete",
        lambda w: f"/practices/attachments/{w['attachment'].pk}/delete/",
        lambda w: {},
        (LOGIN, 302, 404, 302, 302),
    ),
    (
        "new-version-of-draft",
        lambda w: f"/practices/{w['practice'].slug}/new-version/",
        lambda w: {},
        (LOGIN, 302, 404, 302, 302),  # writers are told it is not possible now
    ),
    (
        "create",
        lambda w: "/practices/manage/new/",
        lambda w: form_data(make_record(title="Praktik Baru"), lead_region="53.71"),
        (LOGIN, 302, 302, 302, 302),
    ),
]


@pytest.mark.parametrize(
    ("name", "url", "data", "role", "expected"),
    [
        pytest.param(name, url, data, role, expected, id=f"{name}-{role}")
        for name, url, data, statuses in WRITES
        for role, expected in zip(ROLES, statuses, strict=True)
    ],
)
def test_write_permissions(request, db, client, world, name, url, data, role, expected):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    before = snapshot()
    response = client.post(url(world), data(world))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == expected
    if expected in (LOGIN, 403, 404) or name == "new-version-of-draft":
        assert snapshot() == before
    else:
        assert snapshot() != before


@pytest.mark.parametrize(
    ("role", "expected"),
    list(zip(ROLES, (LOGIN, 302, 403, 302, 302), strict=True)),
)
def test_new_version_permissions(request, db, client, published_practice, role, expected):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    before = snapshot()
    response = client.post(f"/practices/{published_practice.slug}/new-version/")
    if expected == LOGIN:
        assert response["Location"].startswith("/accounts/login/?next=")
        assert snapshot() == before
    elif expected == 403:
        assert response.status_code == 403
        assert snapshot() == before
    else:
        assert response.status_code == 302
        assert list(published_practice.versions.values_list("number", "status")) == [
            (2, "draft"),
            (1, "published"),
        ]


@pytest.mark.parametrize(
    ("role", "expected"),
    list(zip(ROLES, (LOGIN, 302, 403, 302, 302), strict=True)),
)
def test_edit_of_a_published_practice_permissions(
    request, db, client, published_practice, role, expected
):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    before = snapshot()
    response = client.post(
        f"/practices/{published_practice.slug}/edit/", form_data(make_record(title="X"))
    )
    if expected == LOGIN:
        assert response["Location"].startswith("/accounts/login/?next=")
    elif expected == 403:
        assert response.status_code == 403
    else:  # its writers are told that a published version does not change
        assert (response.status_code, response["Location"]) == (
            302,
            f"/practices/{published_practice.slug}/edit/",
        )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("role", "expected"),
    list(zip(ROLES, (LOGIN, 200, 404, 200, 200), strict=True)),
)
def test_edit_page_permissions(request, db, client, draft_practice, role, expected):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(f"/practices/{draft_practice.slug}/edit/")
    if expected == LOGIN:
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == expected


def test_write_urls_refuse_get(client, officer, world):
    client.force_login(officer)
    slug = world["practice"].slug
    for url in [
        f"/practices/{slug}/submit/",
        f"/practices/{slug}/new-version/",
        f"/practices/{slug}/attachments/",
        f"/practices/attachments/{world['attachment'].pk}/delete/",
    ]:
        assert client.get(url).status_code == 405, url


def test_unknown_practice_is_404(client, secretariat):
    client.force_login(secretariat)
    for url in ["/practices/nope/edit/", "/practices/nope/review/"]:
        assert client.get(url).status_code == 404
    assert client.post("/practices/nope/submit/").status_code == 404
    assert client.get("/practices/attachments/999/").status_code == 404


# --- attachments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [("laporan.pdf", pdf_bytes(), "application/pdf"), ("foto.png", png_bytes(), "image/png")],
)
def test_attach_a_real_pdf_and_png(client, officer, draft_practice, name, content, kind):
    client.force_login(officer)
    response = client.post(
        f"/practices/{draft_practice.slug}/attachments/",
        {"title": "Bukti", "file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert response.redirect_chain == [(f"/practices/{draft_practice.slug}/edit/#attachments", 302)]
    assert messages_of(response.content.decode()) == ["Attached “Bukti”."]
    attachment = Attachment.objects.get()
    assert (attachment.title, attachment.content_type, attachment.size, attachment.uploaded_by) == (
        "Bukti",
        kind,
        len(content),
        officer,
    )
    downloaded = client.get(f"/practices/attachments/{attachment.pk}/")
    assert downloaded["Content-Type"] == kind
    assert download(downloaded) == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "setup.exe",
            b"MZ\x90\x00" + b"\x00" * 60,
            "Attach a PDF or an image (PNG, JPEG, WebP); “setup.exe” is neither.",
        ),
        ("catatan.pdf", b"ini bukan PDF\n", "“catatan.pdf” does not look like a PDF file."),
    ],
)
def test_attach_refuses_other_kinds_of_file(
    client, officer, draft_practice, name, content, message
):
    client.force_login(officer)
    before = snapshot()
    response = client.post(
        f"/practices/{draft_practice.slug}/attachments/",
        {"title": "", "file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert messages_of(response.content.decode()) == [message]
    assert snapshot() == before


def test_attach_refuses_a_too_large_file(client, officer, draft_practice, settings):
    settings.KOTACERDAS_ATTACHMENT_MAX_BYTES = 2**20
    client.force_login(officer)
    before = snapshot()
    content = pdf_bytes().ljust(2**20 + 2**19, b"%")
    response = client.post(
        f"/practices/{draft_practice.slug}/attachments/",
        {"file": SimpleUploadedFile("besar.pdf", content)},
        follow=True,
    )
    assert messages_of(response.content.decode()) == ["“besar.pdf” is 1.5 MB; at most 1.0 MB."]
    assert snapshot() == before


def test_attach_without_a_file_says_so(client, officer, draft_practice):
    client.force_login(officer)
    response = client.post(f"/practices/{draft_practice.slug}/attachments/", {}, follow=True)
    assert messages_of(response.content.decode()) == ["Choose a file to attach."]
    assert Attachment.objects.count() == 0


def test_remove_attachment(client, officer, world):
    client.force_login(officer)
    attachment = world["attachment"]
    response = client.post(f"/practices/attachments/{attachment.pk}/delete/", follow=True)
    assert messages_of(response.content.decode()) == ["Removed “laporan.pdf”."]
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "draft", "published"),
    [
        ("anonymous", 404, 200),
        ("officer", 200, 200),
        ("other_officer", 404, 200),
        ("secretariat", 200, 200),
        ("admin_user", 200, 200),
    ],
)
def test_download_permissions(request, db, client, officer, kupang, role, draft, published):
    content = pdf_bytes()
    public = make_practice(officer, kupang, title="Publik")
    services.add_attachment(
        actor=officer,
        version=public.versions.get(),
        upload=SimpleUploadedFile("publik.pdf", content),
    )
    publish(public, request.getfixturevalue("secretariat"))
    hidden = make_practice(officer, kupang, title="Rahasia")
    secret = services.add_attachment(
        actor=officer,
        version=hidden.versions.get(),
        upload=SimpleUploadedFile("draf.pdf", content),
    )
    shown = Attachment.objects.get(version=public.published_version)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    for attachment, expected in ((secret, draft), (shown, published)):
        response = client.get(f"/practices/attachments/{attachment.pk}/")
        body = download(response)
        assert response.status_code == expected
        if expected == 200:
            assert body == content
            assert response["Content-Disposition"].startswith("inline; filename=")


# --- the list of one's practices -------------------------------------------------------------


def test_mine_needs_login(client):
    response = client.get("/practices/manage/")
    assert response["Location"] == "/accounts/login/?next=/practices/manage/"


def test_officer_list_shows_only_own_region_with_latest_status(
    client, officer, other_officer, secretariat, kupang, sumba
):
    make_practice(other_officer, sumba, title="Praktik Sumba")
    published = publish(make_practice(officer, kupang, title="Sudah Terbit"), secretariat)
    services.start_new_version(actor=officer, practice=published)
    make_practice(officer, kupang, title="Masih Draf")
    client.force_login(officer)
    body = client.get("/practices/manage/").content.decode()
    block = body.split('data-testid="practices"')[1].split("</table>")[0]
    rows = [
        [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", block.split("<tbody>")[1], re.S)
    ]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("Masih Draf", "1", "draft"),
        ("Sudah Terbit", "2", "draft an earlier version is published"),
    ]
    assert all(r[3].endswith("WITA") for r in rows)
    assert "Praktik Sumba" not in body


def test_dashboard_links_to_the_practices_pages(client, officer):
    client.force_login(officer)
    body = client.get("/accounts/").content.decode()
    assert 'href="/practices/manage/"' in body


@pytest.mark.parametrize("n", [1, 3])
def test_officer_list_query_count(client, django_assert_num_queries, officer, kupang, n):
    for i in range(n):
        practice = make_practice(officer, kupang, title=f"Praktik {i}")
        version = services.submit_version(actor=officer, version=practice.versions.get())
    client.force_login(officer)
    # session, user, the user's region, versions with practices, their review rounds, and
    # the user's and group permissions once (the menu asks about the assessment pages)
    with django_assert_num_queries(7):
        response = client.get("/practices/manage/")
    assert response.content.decode().count('data-testid="practice-') == n
    assert version.status == "submitted"


@pytest.mark.parametrize("n", [1, 3])
def test_secretariat_list_query_count(
    client, django_assert_num_queries, officer, secretariat, kupang, n
):
    for i in range(n):
        practice = make_practice(officer, kupang, title=f"Praktik {i}")
        services.submit_version(actor=officer, version=practice.versions.get())
        make_practice(officer, kupang, title=f"Draf {i}")
    client.force_login(secretariat)
    # session, user, queue, working versions, their review rounds
    with django_assert_num_queries(5):
        response = client.get("/practices/manage/")
    body = response.content.decode()
    queue = body.split('data-testid="queue"')[1].split("</table>")[0]
    working = body.split('data-testid="working"')[1].split("</table>")[0]
    assert (queue.count("<tr>") - 1, working.count("<tr ")) == (n, n)
