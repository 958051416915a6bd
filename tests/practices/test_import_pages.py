"""The import page: a good file creates drafts, a bad one shows the whole report and
creates nothing; officers import for their own region only."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from kotacerdas.practices.content import record_of
from kotacerdas.practices.models import Practice
from kotacerdas.practices.services.transfer import CHILD_SHEETS, PRACTICE_COLUMNS

from .fixtures import RECORD, make_record
from .test_manage_pages import LOGIN, errors_at, snapshot, text_of

pytestmark = pytest.mark.integration
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def json_file(*records: dict[str, Any], name: str = "praktik.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps({"practices": list(records)}).encode())


def kupang_record(slug: str = "pajak-restoran-daring", region: str = "53.71") -> dict[str, Any]:
    return make_record(slug=slug, lead_region=region)


def report(body: str) -> list[tuple[str, str, str]]:
    """The rows of the import report: (row, column, problem)."""
    table = body.split('data-testid="problems"')[1].split("</table>")[0].split("<tbody>")[1]
    return [
        tuple(text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def created(body: str) -> list[str]:
    block = body.split('data-testid="created"')[1].split("</ul>")[0]
    return [text_of(item) for item in re.findall(r"<li>(.*?)</li>", block, re.S)]


def test_good_json_creates_drafts_and_lists_them(client, officer, kupang):
    client.force_login(officer)
    response = client.post("/practices/manage/import/", {"file": json_file(kupang_record())})
    assert response.status_code == 200
    body = response.content.decode()
    assert created(body) == ["pajak-restoran-daring — Kota Kupang"]
    assert 'href="/practices/pajak-restoran-daring/edit/"' in body
    practice = Practice.objects.get()
    version = practice.versions.get()
    assert (practice.slug, practice.lead_region, version.status, version.author) == (
        "pajak-restoran-daring",
        kupang,
        "draft",
        officer,
    )
    assert record_of(version) == RECORD


def _bad_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "practices"
    sheet.append(
        ["slug", "lead_region", "title", "summary", "pillars", "stage", "form", "initiator"]
    )
    sheet.append(
        [
            "pajak-daring",
            "53.71",
            "Pajak Daring",
            "Ringkas.",
            "ECO;XXX",
            "applied",
            "other",
            "agency",
        ]
    )
    sheet.append(["retribusi", "53.71", "", "Ringkas.", "ECO", "bogus", "other", "agency"])
    outcomes = book.create_sheet("outcomes")
    outcomes.append(["slug", "name", "unit", "value", "year", "source", "pad"])
    outcomes.append(["pajak-daring", "Realisasi pajak", "%", 10, 2021, "Bapenda", "ya"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_bad_xlsx_shows_sheet_row_and_column_and_creates_nothing(client, officer, kupang):
    client.force_login(officer)
    before = snapshot()
    upload = SimpleUploadedFile("praktik.xlsx", _bad_workbook(), content_type=XLSX)
    response = client.post("/practices/manage/import/", {"file": upload})
    assert response.status_code == 422
    body = response.content.decode()
    assert "The file has 4 problems. Nothing was changed." in body
    assert report(body) == [
        ("2", "practices: pillars", "“XXX” is not one of: GOV, BRD, ECO, LIV, SOC, ENV."),
        (
            "2",
            "outcomes: unit",
            "An effect on own-source revenue (PAD) is given in rupiah: the unit must be “IDR”.",
        ),
        ("3", "practices: title", "This field is required."),
        ("3", "practices: stage", "“bogus” is not one of: initiative, trial, applied."),
    ]
    assert snapshot() == before
    assert 'data-testid="created"' not in body


def test_bad_json_names_record_and_field(client, officer, kupang):
    client.force_login(officer)
    record = kupang_record()
    record["outcomes"] = [dict(RECORD["outcomes"][0], year="tahun lalu")]
    response = client.post("/practices/manage/import/", {"file": json_file(record)})
    assert response.status_code == 422
    assert report(response.content.decode()) == [
        ("—", "—", "practices[1].outcomes[1].year: “tahun lalu” is not a whole number.")
    ]
    assert Practice.objects.count() == 0


def test_officer_imports_for_own_region_only(client, other_officer, kupang, sumba):
    client.force_login(other_officer)
    before = snapshot()
    response = client.post(
        "/practices/manage/import/",
        {
            "file": json_file(
                kupang_record("satu", "53.11"), kupang_record("dua", "53.71"), name="dua.json"
            )
        },
    )
    assert response.status_code == 422
    assert report(response.content.decode()) == [
        (
            "—",
            "—",
            "practices[2].lead_region: You may not add practices for Kota Kupang.",
        )
    ]
    assert snapshot() == before
    # The page says so before the upload, too.
    page = client.get("/practices/manage/import/").content.decode()
    assert "You may import practices of Kabupaten Sumba Timur only." in page


def test_secretariat_imports_for_any_region(client, secretariat, kupang, sumba):
    client.force_login(secretariat)
    response = client.post(
        "/practices/manage/import/",
        {"file": json_file(kupang_record("satu", "53.11"), kupang_record("dua", "53.71"))},
    )
    assert created(response.content.decode()) == [
        "satu — Kabupaten Sumba Timur",
        "dua — Kota Kupang",
    ]
    assert list(Practice.objects.order_by("slug").values_list("slug", "lead_region__code")) == [
        ("dua", "53.71"),
        ("satu", "53.11"),
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("praktik.txt", b"{}", "Upload a .json, .xlsx or .csv file."),
        ("praktik.json", b"{bukan json", None),
    ],
)
def test_unreadable_files_are_explained(client, officer, kupang, name, content, message):
    client.force_login(officer)
    response = client.post("/practices/manage/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 422
    body = response.content.decode()
    if message:
        assert errors_at(body, "id_file") == [message]
    else:
        [(row, column, problem)] = report(body)
        assert (row, column) == ("—", "—")
        assert problem.startswith("The file is not valid JSON (")
    assert Practice.objects.count() == 0


def test_missing_file_is_explained(client, officer):
    client.force_login(officer)
    response = client.post("/practices/manage/import/", {})
    assert errors_at(response.content.decode(), "id_file") == ["Choose a file to import."]


def test_template_is_an_xlsx_with_the_four_sheets(client, officer):
    client.force_login(officer)
    response = client.get("/practices/manage/template.xlsx")
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="kotacerdas-praktik.xlsx"'
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    headers = {name: list(next(book[name].iter_rows(values_only=True))) for name in book.sheetnames}
    book.close()
    assert headers == {
        "practices": list(PRACTICE_COLUMNS),
        **{sheet: list(columns) for sheet, columns in CHILD_SHEETS.items()},
    }


@pytest.mark.parametrize(
    ("role", "page", "post", "template"),
    [
        ("anonymous", LOGIN, LOGIN, LOGIN),
        ("officer", 200, 200, 200),
        ("other_officer", 200, 422, 200),  # the file's practice belongs to Kota Kupang
        ("secretariat", 200, 200, 200),
        ("admin_user", 200, 200, 200),
    ],
)
def test_import_permissions(request, db, client, kupang, sumba, role, page, post, template):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    before = snapshot()
    responses = {
        "page": client.get("/practices/manage/import/"),
        "post": client.post("/practices/manage/import/", {"file": json_file(kupang_record())}),
        "template": client.get("/practices/manage/template.xlsx"),
    }
    for name, expected in (("page", page), ("post", post), ("template", template)):
        response = responses[name]
        if expected == LOGIN:
            assert response.status_code == 302, name
            assert response["Location"].startswith("/accounts/login/?next="), name
        else:
            assert response.status_code == expected, name
    if post == 200:
        assert list(Practice.objects.values_list("slug", "lead_region__code")) == [
            ("pajak-restoran-daring", "53.71")
        ]
    else:
        assert snapshot() == before
