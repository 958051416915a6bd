"""Importing indicator values through the pages: template, check, preview, confirm.

Files are built here with csv and openpyxl, uploaded through the test client, and the
outcome is read back from the database, the audit trail and the pages themselves.
"""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from openpyxl import Workbook, load_workbook

from kotacerdas.assessments.models import IndicatorValue, ValueUpload
from kotacerdas.assessments.services import values
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.tabular import ImportRejected

from .fixtures import fill

pytestmark = pytest.mark.integration

HEADER = "region_code,indicator_code,unit,value,source,year\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def client(client):
    """English pages, so assertions do not depend on the Indonesian catalogue."""
    client.cookies["django_language"] = "en"
    return client


def _upload(client, content: bytes, name: str, year: int = 2025):
    return client.post(
        f"/index/cycles/{year}/import/", {"file": _file(content, name)}, format="multipart"
    )


def _file(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def _problems(response) -> list[tuple[str, str, str]]:
    """(row, column, reason) of every problem in the report table."""
    block = response.content.decode().split('data-testid="problems"', 1)[1].split("</table>")[0]
    rows = re.findall(
        r'<tr><td class="num">([^<]*)</td><td>(?:<code>([^<]*)</code>|—)</td><td>(.*?)</td></tr>',
        block,
        re.S,
    )
    return [(row, column, html.unescape(reason)) for row, column, reason in rows]


def _table(response, testid: str) -> list[list[str]]:
    """The cells of a table's body rows as text, tags removed and spaces collapsed."""
    block = response.content.decode().split(f'data-testid="{testid}"', 1)[1].split("</table>")[0]
    body = block.split("<tbody>", 1)[1]
    return [
        [
            " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def _counts(response) -> dict[str, str]:
    block = response.content.decode().split('data-testid="counts"', 1)[1].split("</dl>")[0]
    return dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", block))


def _messages(response) -> list[str]:
    return [
        html.unescape(m) for m in re.findall(r'role="status">([^<]*)<', response.content.decode())
    ]


def _stored(cycle) -> list[tuple]:
    return list(
        IndicatorValue.objects.filter(cycle=cycle)
        .order_by("region__code", "indicator__code")
        .values_list("region__code", "indicator__code", "value", "source", "year", "is_demo")
    )


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "values"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the validation report -----------------------------------------------------------------

BAD_CSV = (
    HEADER
    + "53.71,GOV.SVC.01,,3.5,BPS Kota Kupang 2024,2024\n"  # fine on its own
    + "99.99,GOV.SVC.01,,3,BPS,2024\n"  # unknown region
    + "53.71,NOPE.01,,3,BPS,2024\n"  # unknown indicator
    + "5371,GOV.SVC.02,,abc,BPS,2024\n"  # not a number
    + "53.71,GOV.SVC.01,,9,BPS,2024\n"  # out of range and a duplicate of row 2
    + "53.71,GOV.SVC.03,,12,,2024\n"  # no source
    + "53.71,GOV.BUR.01,,70,BPS,2030\n"  # a year after the cycle
    + "53.71,GOV.BUR.02,percent,70,BPS,2024\n"  # wrong unit
    + "53.71,GOV.BUR.03,,,,\n"  # empty value: skipped, not an error
).encode()

BAD_CSV_PROBLEMS = [
    ("3", "region_code", "Region code 99.99 is not in the registry."),
    (
        "4",
        "indicator_code",
        "Indicator NOPE.01 is not in the framework KotaCerdas Smart City Index (2025.1).",
    ),
    ("5", "value", "“abc” is not a number."),
    ("6", "value", "9 is outside the valid range 0 to 5 of GOV.SVC.01 (index 0-5)."),
    ("6", "indicator_code", "Region 53.71 and indicator GOV.SVC.01 already appear in row 2."),
    (
        "7",
        "source",
        "Name the source of the value, for example “BPS, Kota Kupang Dalam Angka 2024”.",
    ),
    ("8", "year", "The data year must be between 2000 and 2025."),
    (
        "9",
        "unit",
        "The unit “percent” does not match the indicator's unit “score 0-100”; convert the value first.",
    ),
]


def test_csv_with_errors_lists_every_problem_and_stores_no_value(client, officer, cycle, registry):
    client.force_login(officer)
    response = _upload(client, BAD_CSV, "kupang.csv")
    assert response.status_code == 422
    assert _problems(response) == BAD_CSV_PROBLEMS
    body = response.content.decode()
    assert "The file has 8 problems. Nothing was changed." in body
    assert "Upload a corrected file" in body and 'type="file"' in body
    assert _stored(cycle) == []
    # the file is kept (so the report can be seen again) but never applied
    upload = ValueUpload.objects.get()
    assert (upload.filename, upload.uploaded_by, upload.applied_at, upload.summary) == (
        "kupang.csv",
        officer,
        None,
        {},
    )
    assert not AuditEvent.objects.filter(object_type="assessments.indicatorvalue").exists()


def test_xlsx_with_errors_is_reported_by_row_and_column(client, secretariat, cycle, registry):
    client.force_login(secretariat)
    content = _xlsx(
        [
            ["region_code", "indicator_code", "value", "source", "year"],
            ["53.71", "GOV.SVC.01", 3.5, "BPS", 2024],
            ["53.71", "GOV.SVC.02", "lots", "BPS", 2024],
            ["53.11", "GOV.SVC.02", -1, "BPS", 2024],
        ]
    )
    response = _upload(client, content, "values.xlsx")
    assert response.status_code == 422
    assert _problems(response) == [
        ("3", "value", "“lots” is not a number."),
        ("4", "value", "-1 is outside the valid range 0 to 100 of GOV.SVC.02 (score 0-100)."),
    ]
    assert _stored(cycle) == []


def test_officer_importing_another_regions_row_is_refused(client, officer, cycle, registry):
    client.force_login(officer)
    content = (
        HEADER + "53.71,GOV.SVC.01,,3.5,BPS,2024\n" + "53.11,GOV.SVC.01,,2.5,BPS,2024\n"
    ).encode()
    response = _upload(client, content, "two.csv")
    assert response.status_code == 422
    assert _problems(response) == [
        ("3", "region_code", "You may import values only for your own region; 53.11 is not."),
    ]
    assert _stored(cycle) == []


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("values.txt", b"region_code\n", "Upload a .csv or .xlsx file."),
        ("values.xlsx", b"not a workbook", None),
    ],
)
def test_wrong_kind_of_file_is_refused(client, officer, cycle, registry, name, content, expected):
    client.force_login(officer)
    response = _upload(client, content, name)
    assert response.status_code == 422
    body = html.unescape(response.content.decode())
    if expected:
        assert expected in body  # a form error: the file was not even stored
        assert not ValueUpload.objects.exists()
    else:
        [(row, column, reason)] = _problems(response)
        assert (row, column) == ("—", "")
        assert reason.startswith("The file is not a readable XLSX workbook")
    assert _stored(cycle) == []


def test_closed_cycle_refuses_imports(client, officer, cycle, registry):
    cycle.status = "closed"
    cycle.save()
    client.force_login(officer)
    assert "This cycle is closed" in client.get("/index/cycles/2025/import/").content.decode()
    response = _upload(client, (HEADER + "53.71,GOV.SVC.01,,3.5,BPS,2024\n").encode(), "a.csv")
    assert _problems(response) == [
        ("—", "", "The 2025 cycle is closed; its values can no longer change.")
    ]
    assert _stored(cycle) == []


# --- preview and confirmation --------------------------------------------------------------


def test_officer_imports_a_fixed_csv_after_preview(client, officer, cycle, registry):
    IndicatorValue.objects.create(
        cycle=cycle,
        region=officer.region,
        indicator=cycle.framework.nodes.get(code="GOV.SVC.02"),
        value=60,
        source="Ombudsman 2023",
        year=2023,
    )
    client.force_login(officer)
    fixed = (
        HEADER
        + '53.71,GOV.SVC.01,index 0-5,"3,5",BPS Kota Kupang 2024,2024\n'
        + "5371,GOV.SVC.02,,72.5,Ombudsman RI 2024,2024\n"
        + "53.71,GOV.SVC.03,hari,12,DPMPTSP Kota Kupang,\n"
        + "53.71,GOV.SVC.04,,,,\n"
    ).encode()
    response = _upload(client, fixed, "kupang-fixed.csv")
    upload = ValueUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/index/cycles/2025/import/{upload.pk}/"

    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert _counts(preview) == {
        "New values": "2",
        "Changed values": "1",
        "Unchanged values": "0",
        "Rows skipped (no value)": "1",
        "Regions": "1",
    }
    # changed values first, then new ones in file order
    assert _table(preview, "changes") == [
        [
            "3",
            "53.71 Kota Kupang",
            "GOV.SVC.02 Public service delivery compliance score",
            "60.0",
            "72.5 score 0-100",
            "Ombudsman RI 2024 (was Ombudsman 2023)",
            "2024 (was 2023)",
        ],
        [
            "2",
            "53.71 Kota Kupang",
            "GOV.SVC.01 Electronic-Based Government System (SPBE) Index",
            "new",
            "3.5 index 0-5",
            "BPS Kota Kupang 2024",
            "2024",
        ],
        [
            "4",
            "53.71 Kota Kupang",
            "GOV.SVC.03 Average follow-up time for public complaints",
            "new",
            "12.0 days",
            "DPMPTSP Kota Kupang",
            "2025",
        ],
    ]
    assert _stored(cycle) == [("53.71", "GOV.SVC.02", 60.0, "Ombudsman 2023", 2023, False)]

    confirmed = client.post(response["Location"])
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/index/cycles/2025/"
    assert _stored(cycle) == [
        ("53.71", "GOV.SVC.01", 3.5, "BPS Kota Kupang 2024", 2024, False),
        ("53.71", "GOV.SVC.02", 72.5, "Ombudsman RI 2024", 2024, False),
        ("53.71", "GOV.SVC.03", 12.0, "DPMPTSP Kota Kupang", 2025, False),
    ]
    assert IndicatorValue.objects.filter(updated_by=officer).count() == 3
    event = AuditEvent.objects.get(object_type="assessments.indicatorvalue")
    assert (event.actor, event.channel, event.action, event.region_code) == (
        officer,
        "ui",
        "import",
        "53.71",
    )
    assert event.changes == {
        "GOV.SVC.01": [None, 3.5],
        "GOV.SVC.02": [60.0, 72.5],
        "GOV.SVC.03": [None, 12.0],
    }
    page = client.get("/index/cycles/2025/")
    assert _messages(page) == [
        "Imported: 2 new and 1 changed values; 0 were already stored. Regions: 1."
    ]
    uploads = page.content.decode().split('data-testid="uploads"')[1].split("</table>")[0]
    assert "kupang-fixed.csv" in uploads and "imported " in uploads and "WITA" in uploads
    upload.refresh_from_db()
    assert upload.applied_at is not None
    assert upload.summary == {"new": 2, "changed": 1, "unchanged": 0, "skipped": 1, "regions": 1}


def test_secretariat_imports_an_xlsx_for_several_regions_audited_per_region(
    client, secretariat, cycle, registry
):
    client.force_login(secretariat)
    content = _xlsx(
        [
            list(values.COLUMNS),
            ["53.71", "Kota Kupang", "GOV.SVC.01", "", "index 0-5", 3.5, "KemenPAN-RB 2024", 2024],
            ["53.11", "", "GOV.SVC.01", "", "", 2, "KemenPAN-RB 2024", 2024],
            ["51.71", "", "GOV.SVC.02", "", "", 81.25, "Ombudsman RI 2024", 2023],
            ["53.71", "Kota Kupang", "GOV.SVC.02", "", "", None, "", None],
        ]
    )
    response = _upload(client, content, "network.xlsx")
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert _counts(preview) == {
        "New values": "3",
        "Changed values": "0",
        "Unchanged values": "0",
        "Rows skipped (no value)": "1",
        "Regions": "3",
    }
    assert client.post(response["Location"]).status_code == 302
    assert _stored(cycle) == [
        ("51.71", "GOV.SVC.02", 81.25, "Ombudsman RI 2024", 2023, False),
        ("53.11", "GOV.SVC.01", 2.0, "KemenPAN-RB 2024", 2024, False),
        ("53.71", "GOV.SVC.01", 3.5, "KemenPAN-RB 2024", 2024, False),
    ]
    events = AuditEvent.objects.filter(object_type="assessments.indicatorvalue").order_by(
        "region_code"
    )
    assert [(e.region_code, e.actor, e.action, e.changes) for e in events] == [
        ("51.71", secretariat, "import", {"GOV.SVC.02": [None, 81.25]}),
        ("53.11", secretariat, "import", {"GOV.SVC.01": [None, 2.0]}),
        ("53.71", secretariat, "import", {"GOV.SVC.01": [None, 3.5]}),
    ]


def test_confirming_twice_is_refused(client, officer, cycle, registry):
    client.force_login(officer)
    response = _upload(client, (HEADER + "53.71,GOV.SVC.01,,3.5,BPS,2024\n").encode(), "a.csv")
    assert client.post(response["Location"]).status_code == 302
    again = client.post(response["Location"])
    assert again.status_code == 422
    assert _problems(again) == [("—", "", "This file has already been imported.")]
    assert 'data-testid="confirm"' not in again.content.decode()
    assert AuditEvent.objects.filter(object_type="assessments.indicatorvalue").count() == 1
    # the preview of an applied file says so and offers no second confirmation
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="applied"' in page and 'data-testid="confirm"' not in page


def test_confirmation_rechecks_the_file_against_todays_data(
    client, officer, secretariat, cycle, registry
):
    client.force_login(officer)
    response = _upload(client, (HEADER + "53.71,GOV.SVC.01,,3.5,BPS,2024\n").encode(), "a.csv")
    cycle.status = "closed"  # the secretariat closes the cycle meanwhile
    cycle.save()
    confirmed = client.post(response["Location"])
    assert confirmed.status_code == 422
    assert _problems(confirmed) == [
        ("—", "", "The 2025 cycle is closed; its values can no longer change.")
    ]
    assert _stored(cycle) == []
    assert ValueUpload.objects.get().applied_at is None


def test_preview_of_a_large_file_shows_500_changes_and_counts_the_rest(
    client, secretariat, cycle, sample_regions
):
    rows = values.template_rows(cycle, sample_regions)
    nodes = {n.code: n for n in cycle.framework.nodes.filter(level=1)}

    def middle(code: str) -> float:
        return (nodes[code].min_value + nodes[code].max_value) / 2

    content = _xlsx(
        [list(values.COLUMNS)] + [[*r[:5], middle(r[2]), "BPS 2024", 2024] for r in rows]
    )
    client.force_login(secretariat)
    response = _upload(client, content, "all.xlsx")
    preview = client.get(response["Location"])
    body = preview.content.decode()
    assert len(rows) == 12 * 53
    assert _counts(preview)["New values"] == "636"
    assert body.split('data-testid="changes"')[1].count("<tr><td") == 500
    assert "… and 136 more changes." in body


def test_another_officer_cannot_see_or_confirm_an_upload(
    client, officer, other_officer, cycle, registry
):
    stored, _plan = values.upload(
        actor=officer,
        cycle=cycle,
        content=(HEADER + "53.71,GOV.SVC.01,,3.5,BPS,2024\n").encode(),
        filename="a.csv",
    )
    client.force_login(other_officer)
    url = f"/index/cycles/2025/import/{stored.pk}/"
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert _stored(cycle) == []
    # nor does it appear in their uploads
    page = client.get("/index/cycles/2025/").content.decode()
    assert "a.csv" not in page and "No file has been uploaded yet." in page


# --- the template --------------------------------------------------------------------------


def test_officer_template_xlsx_has_own_region_rows_prefilled(client, officer, cycle, registry):
    fill(cycle, [officer.region])
    client.force_login(officer)
    response = client.get("/index/cycles/2025/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert (
        response["Content-Disposition"] == 'attachment; filename="kotacerdas-nilai-2025-53.71.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["values", "indicators"]
    rows = list(book["values"].iter_rows(values_only=True))
    assert rows[0] == values.COLUMNS
    assert len(rows) == 1 + 53
    assert {r[0] for r in rows[1:]} == {"53.71"}
    stored = {
        v.indicator.code: v
        for v in IndicatorValue.objects.filter(cycle=cycle).select_related("indicator")
    }
    first = rows[1]
    value = stored[first[2]]
    assert first == (
        "53.71",
        "Kota Kupang",
        "GOV.SVC.01",
        value.indicator.name_en,
        "index 0-5",
        value.value,
        value.source,
        value.year,
    )
    assert len(list(book["indicators"].iter_rows(values_only=True))) == 1 + 53


def test_secretariat_template_csv_for_one_province(client, secretariat, cycle, registry):
    client.force_login(secretariat)
    response = client.get("/index/cycles/2025/template.csv?province=53")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="kotacerdas-nilai-2025-53.csv"'
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == values.COLUMNS
    regions = {r[0] for r in rows[1:]}
    assert regions == set(
        registry.filter(province__code="53", retired_at__isnull=True).values_list("code", flat=True)
    )
    assert len(rows) == 1 + 53 * len(regions)
    assert all(r[5] == r[6] == r[7] == "" for r in rows[1:])  # nothing stored yet


def test_secretariat_template_for_all_regions_is_named_by_year(
    client, secretariat, cycle, registry
):
    client.force_login(secretariat)
    response = client.get("/index/cycles/2025/template.csv")
    assert response["Content-Disposition"] == 'attachment; filename="kotacerdas-nilai-2025.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) - 1 == 53 * registry.filter(retired_at__isnull=True).count()


def test_template_filled_in_and_uploaded_round_trips(client, officer, cycle, registry):
    client.force_login(officer)
    book = load_workbook(io.BytesIO(client.get("/index/cycles/2025/template.xlsx").content))
    sheet = book["values"]
    for row in sheet.iter_rows(min_row=2, max_row=4):
        row[5].value, row[6].value, row[7].value = 2, "BPS Kota Kupang Dalam Angka 2024", 2024
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, out.getvalue(), "kotacerdas-nilai-2025-53.71.xlsx")
    assert response.status_code == 302
    assert _counts(client.get(response["Location"]))["Rows skipped (no value)"] == "50"
    client.post(response["Location"])
    assert [v[:3] for v in _stored(cycle)] == [
        ("53.71", "GOV.SVC.01", 2.0),
        ("53.71", "GOV.SVC.02", 2.0),
        ("53.71", "GOV.SVC.03", 2.0),
    ]


def test_a_confirmation_racing_another_is_refused(officer, cycle, registry):
    stored, _plan = values.upload(
        actor=officer,
        cycle=cycle,
        content=(HEADER + "53.71,GOV.SVC.01,,3.5,BPS,2024\n").encode(),
        filename="a.csv",
    )
    # two requests (a double click) load the upload before either has applied it
    first = ValueUpload.objects.get(pk=stored.pk)
    second = ValueUpload.objects.get(pk=stored.pk)
    values.apply_upload(actor=officer, stored=first)
    with pytest.raises(ImportRejected):
        values.apply_upload(actor=officer, stored=second)
