"""Bulk import and export of practices: JSON, XLSX (four sheets) and CSV, checked whole
and applied all or nothing, every problem naming its record and field or its row and
column; exports opened again with their own libraries, and re-imported."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from kotacerdas.core.models import AuditEvent
from kotacerdas.core.tabular import ImportRejected, Problem
from kotacerdas.practices import services
from kotacerdas.practices.content import parse_record, record_of
from kotacerdas.practices.models import Practice, PracticeVersion
from kotacerdas.practices.services import transfer
from kotacerdas.regions.models import Region

from .fixtures import RECORD, SCORES, make_practice, make_record, publish

pytestmark = pytest.mark.integration

SLUG = "pajak-restoran-daring-dengan-perekam-transaksi"
PAD_UNIT = "An effect on own-source revenue (PAD) is given in rupiah: the unit must be “IDR”."
NARRATIVE = list(RECORD["narrative"])


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _json_record(slug: str, region: str, **overrides: Any) -> dict[str, Any]:
    return {"slug": slug, "lead_region": region, **make_record(**overrides)}


def _json(*records: Any, wrap: bool = True) -> bytes:
    document: Any = {"practices": list(records)} if wrap else list(records)
    return json.dumps(document).encode()


def _import(actor, content: bytes, filename: str):
    return transfer.import_practices(actor=actor, content=content, filename=filename)


def _rejected(actor, content: bytes, filename: str) -> list[Problem]:
    with pytest.raises(ImportRejected) as raised:
        _import(actor, content, filename)
    assert (Practice.objects.count(), PracticeVersion.objects.count()) == (0, 0)
    return raised.value.problems


def _messages(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


def _xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _practice_row(slug: str, region: str, **overrides: Any) -> list[Any]:
    values = {
        "slug": slug,
        "lead_region": region,
        "language": "id",
        "title": RECORD["title"],
        "summary": RECORD["summary"],
        "pillars": "ECO;GOV",
        "sub_elements": "ECO.TRX;GOV.POL",
        "sdgs": "8;16",
        "stage": "applied",
        "form": "public_service",
        "digital": "ya",
        "initiator": "agency",
        "started_on": "2019-03-01",
        "applied_on": "2020-01-15",
        "budget_idr": 850_000_000,
        "funding_sources": "apbd;partnership",
        "partner_regions": None,
        "partner_organisations": "bank pembangunan daerah",
        **RECORD["narrative"],
        **overrides,
    }
    return [values[name] for name in transfer.PRACTICE_COLUMNS]


def _children(slug: str, **overrides: Any) -> dict[str, list[list[Any]]]:
    outcome = RECORD["outcomes"][0]
    rows = {
        "outcomes": [
            [slug, *[outcome[c] for c in transfer.CHILD_SHEETS["outcomes"][1:]]],
        ],
        "prerequisites": [
            [slug, *[p.get(c) for c in transfer.CHILD_SHEETS["prerequisites"][1:]]]
            for p in RECORD["prerequisites"]
        ],
        "contacts": [
            [slug, *[c.get(k) for k in transfer.CHILD_SHEETS["contacts"][1:]]]
            for c in RECORD["contacts"]
        ],
    }
    rows.update(overrides)
    return rows


def _workbook(practices: list[list[Any]], **children: list[list[Any]]) -> bytes:
    sheets = {"practices": [list(transfer.PRACTICE_COLUMNS), *practices]}
    for sheet, columns in transfer.CHILD_SHEETS.items():
        sheets[sheet] = [list(columns), *children.get(sheet, [])]
    return _xlsx(sheets)


def _csv(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


# --- JSON ----------------------------------------------------------------------------------


def test_import_json_creates_every_practice_as_a_draft(secretariat, kupang, sumba):
    content = _json(
        _json_record("pajak-restoran", "53.71"),
        _json_record("pajak-hotel", "53.11", title="Pajak Hotel Daring", partner_regions=["53.71"]),
    )
    created = _import(secretariat, content, "praktik.json")

    assert [(p.slug, p.lead_region.code, p.is_demo, p.created_by) for p in created] == [
        ("pajak-restoran", "53.71", False, secretariat),
        ("pajak-hotel", "53.11", False, secretariat),
    ]
    first, second = (p.versions.get() for p in created)
    assert (first.number, first.status, second.status) == (1, "draft", "draft")
    assert record_of(first) == RECORD
    assert record_of(second) == make_record(title="Pajak Hotel Daring", partner_regions=["53.71"])
    assert list(
        AuditEvent.objects.order_by("pk").values_list("actor_label", "action", "region_code")
    ) == [("secretariat", "create", "53.71"), ("secretariat", "create", "53.11")]


def test_import_json_reads_a_plain_list(secretariat, kupang):
    created = _import(secretariat, _json(_json_record("a", "53.71"), wrap=False), "a.JSON")
    assert [p.slug for p in created] == ["a"]


def test_import_json_one_bad_record_rejects_the_whole_file(secretariat, kupang, sumba):
    good = _json_record("pajak-restoran", "53.71")
    bad = _json_record(
        "pajak-hotel", "53.11", outcomes=[{**RECORD["outcomes"][0], "unit": "persen"}]
    )
    problems = _rejected(secretariat, _json(good, bad), "praktik.json")
    assert problems == [Problem(None, "", f"practices[2].outcomes[1].unit: {PAD_UNIT}")]
    assert _messages(problems) == [f"practices[2].outcomes[1].unit: {PAD_UNIT}"]
    assert not AuditEvent.objects.exists()


def test_import_json_reports_every_problem_of_every_record(secretariat, kupang, sumba):
    make_practice(None, kupang)  # takes SLUG
    content = _json(
        _json_record(SLUG, "53.71"),
        _json_record("Bukan Slug", "99.99", title="", sdgs=[18]),
        "bukan objek",
        _json_record("dua-kali", "53.71", partner_regions=["53.71", "00.00"]),
        _json_record("dua-kali", "53.11"),
    )
    with pytest.raises(ImportRejected) as raised:
        _import(secretariat, content, "praktik.json")
    assert _messages(raised.value.problems) == [
        f"practices[1].slug: A practice with the short name “{SLUG}” exists.",
        "practices[2].slug: A short name of lowercase letters, digits and hyphens is required.",
        "practices[2].lead_region: Unknown region code “99.99”.",
        "practices[2].title: This field is required.",
        "practices[2].sdgs[1]: Must be at most 17.",
        "practices[3]: Expected an object.",
        "practices[4].partner_regions: Unknown region code “00.00”.",
        "practices[4].partner_regions: The lead region cannot also be a partner.",
        "practices[5].slug: “dua-kali” appears twice.",
    ]
    assert Practice.objects.count() == 1


def test_import_json_officer_may_not_add_another_regions_practice(officer, kupang, sumba):
    content = _json(_json_record("milik-kupang", "53.71"), _json_record("milik-sumba", "53.11"))
    with pytest.raises(ImportRejected) as raised:
        _import(officer, content, "praktik.json")
    assert _messages(raised.value.problems) == [
        "practices[2].lead_region: You may not add practices for Kabupaten Sumba Timur."
    ]
    assert not Practice.objects.exists()


def test_import_json_refuses_a_retired_lead_region(secretariat, kupang, sumba):
    Region.objects.filter(pk=sumba.pk).update(retired_at=timezone.now())
    content = _json(_json_record("milik-sumba", "53.11"))
    assert _messages(_rejected(secretariat, content, "praktik.json")) == [
        "practices[1].lead_region: Region 53.11 is retired from the registry."
    ]


def test_import_json_officer_adds_own_regions_practices(officer, kupang):
    created = _import(officer, _json(_json_record("milik-kupang", "53.71")), "praktik.json")
    assert [(p.slug, p.created_by, p.versions.get().author) for p in created] == [
        ("milik-kupang", officer, officer)
    ]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (
            b"{",
            "a.json",
            "The file is not valid JSON (Expecting property name enclosed in "
            "double quotes: line 1 column 2 (char 1)).",
        ),
        (
            b'{"items": []}',
            "a.json",
            "Expected a list of practices, or an object with a “practices” list.",
        ),
        (
            b'"teks"',
            "a.json",
            "Expected a list of practices, or an object with a “practices” list.",
        ),
        (b"[]", "a.json", "The file holds no practices."),
        (b'{"practices": []}', "a.json", "The file holds no practices."),
        (b"\xff\xfe{", "a.json", "The file is not UTF-8 text. Save it as CSV UTF-8 and try again."),
        (b"[]", "a.txt", "Upload a .json, .xlsx or .csv file."),
        (b"[]", "json", "Upload a .json, .xlsx or .csv file."),
    ],
)
def test_import_rejects_an_unreadable_file(secretariat, content, filename, message):
    assert _messages(_rejected(secretariat, content, filename)) == [message]


def test_import_rejects_a_file_over_20_mb(secretariat):
    content = b"[" + b" " * (20 * 1024 * 1024) + b"]"
    assert _messages(_rejected(secretariat, content, "a.json")) == [
        "The file is larger than 20 MB."
    ]


def test_plan_import_changes_nothing(secretariat, kupang):
    plan = transfer.plan_import(
        actor=secretariat, content=_json(_json_record("a", "53.71")), filename="a.json"
    )
    assert [(region.code, slug, data) for region, slug, data in plan] == [
        ("53.71", "a", parse_record(RECORD))
    ]
    assert (Practice.objects.count(), AuditEvent.objects.count()) == (0, 0)


# --- XLSX ----------------------------------------------------------------------------------


def test_import_xlsx_reads_the_four_sheets(secretariat, kupang, sumba):
    second = "pajak-hotel"
    children = _children(SLUG)
    more = _children(second)
    content = _workbook(
        [
            _practice_row(SLUG, "53.71"),
            _practice_row(second, "53.11", title="Pajak Hotel Daring", partner_regions="53.71"),
        ],
        outcomes=children["outcomes"] + more["outcomes"],
        prerequisites=children["prerequisites"] + more["prerequisites"],
        contacts=children["contacts"],
    )
    created = _import(secretariat, content, "praktik.xlsx")
    assert [p.slug for p in created] == [SLUG, second]
    assert record_of(created[0].versions.get()) == RECORD
    assert record_of(created[1].versions.get()) == make_record(
        title="Pajak Hotel Daring", partner_regions=["53.71"], contacts=[]
    )


def test_import_xlsx_names_sheet_row_and_column(secretariat, kupang, sumba):
    outcome = RECORD["outcomes"][0]
    content = _workbook(
        [_practice_row(SLUG, "53.71"), _practice_row("pajak-hotel", "53.11", stage="pilot")],
        outcomes=[
            [SLUG, *[outcome[c] for c in transfer.CHILD_SHEETS["outcomes"][1:]]],
            [SLUG, "Retribusi parkir", "persen", None, None, 12, 2022, "Dishub", "ya"],
            ["pajak-hotel", "Okupansi", "persen", 10, None, 20, 2022, "BPS", "tidak"],
        ],
        prerequisites=[[SLUG, "skills", "Operator", 5, None, None]],
        contacts=[["pajak-hotel", "Petugas", "", "", "bukan-email", ""]],
    )
    problems = _rejected(secretariat, content, "praktik.xlsx")
    assert problems == [
        Problem(3, "outcomes: unit", PAD_UNIT),
        Problem(2, "prerequisites: min_budget_idr", "Only a budget prerequisite has an amount."),
        Problem(3, "practices: stage", "“pilot” is not one of: initiative, trial, applied."),
        Problem(4, "outcomes: baseline_year", "Give the baseline and its year together."),
        Problem(2, "contacts: email", "“bukan-email” is not an e-mail address."),
    ]
    assert _messages(problems)[0] == f"Row 3, column outcomes: unit: {PAD_UNIT}"


def test_import_xlsx_names_the_practice_row_of_list_and_narrative_problems(secretariat, kupang):
    content = _workbook(
        [_practice_row(SLUG, "53.71", sdgs="8;18", situation="x" * 10001, partner_regions="99.99")]
    )
    assert _rejected(secretariat, content, "praktik.xlsx") == [
        Problem(2, "practices: situation", "At most 10000 characters (this has 10001)."),
        Problem(2, "practices: sdgs", "Must be at most 17."),
    ]


def test_import_xlsx_names_the_row_of_an_unknown_partner(secretariat, kupang):
    content = _workbook(
        [_practice_row(SLUG, "53.71"), _practice_row("dua", "53.71", partner_regions="53.71;99.99")]
    )
    assert _rejected(secretariat, content, "praktik.xlsx") == [
        Problem(3, "practices: partner_regions", "Unknown region code “99.99”."),
        Problem(3, "practices: partner_regions", "The lead region cannot also be a partner."),
    ]


def test_import_xlsx_problems_of_the_sheets_themselves(secretariat, kupang):
    content = _xlsx(
        {
            "Practices": [
                [*transfer.PRACTICE_COLUMNS[:3], "judul", *transfer.PRACTICE_COLUMNS[4:]],
                _practice_row(SLUG, "53.71"),
                _practice_row(SLUG, "53.71"),
                [*_practice_row("lain", "53.71"), None, "sel berlebih"],
            ],
            "outcomes": [["name", "unit"], ["Realisasi", "IDR"]],
            "contacts": [["slug", "name"], ["tidak-ada", "Petugas"]],
        }
    )
    assert _rejected(secretariat, content, "praktik.xlsx") == [
        Problem(1, "practices: judul", "Unknown column."),
        Problem(1, "practices: title", "This column is missing."),
        Problem(4, "practices", "This row has more cells than the header."),
        Problem(3, "practices: slug", f"“{SLUG}” appears twice."),
        Problem(1, "outcomes: slug", "This column is missing."),
        Problem(2, "outcomes: slug", "No practice “” on the practices sheet."),
        Problem(2, "contacts: slug", "No practice “tidak-ada” on the practices sheet."),
    ]


def test_import_xlsx_without_a_practices_sheet(secretariat):
    content = _xlsx({"Sheet": [["slug"]]})
    assert _messages(_rejected(secretariat, content, "a.xlsx")) == [
        "The workbook has no sheet named “practices”."
    ]


def test_import_xlsx_that_is_not_a_workbook(secretariat):
    problems = _rejected(secretariat, b"PK\x03\x04 bukan", "a.xlsx")
    assert len(problems) == 1
    assert problems[0].message.startswith("The file is not a readable XLSX workbook (")


def test_import_xlsx_skips_empty_rows_and_keeps_row_numbers(secretariat, kupang):
    content = _workbook(
        [[None] * 5, _practice_row(SLUG, "53.71", stage="pilot")],
    )
    assert _rejected(secretariat, content, "a.xlsx") == [
        Problem(3, "practices: stage", "“pilot” is not one of: initiative, trial, applied.")
    ]


# --- CSV -----------------------------------------------------------------------------------


def test_import_csv_reads_the_practices_sheet(secretariat, kupang):
    content = "\ufeff".encode() + _csv(
        transfer.PRACTICE_COLUMNS, [_practice_row(SLUG, "53.71", digital="tidak")]
    )
    created = _import(secretariat, content, "praktik.csv")
    assert record_of(created[0].versions.get()) == make_record(
        digital=False, outcomes=[], prerequisites=[], contacts=[]
    )


def test_import_csv_names_row_and_column(secretariat, kupang, sumba):
    content = _csv(
        transfer.PRACTICE_COLUMNS,
        [
            _practice_row("satu", "53.71"),
            _practice_row("dua", "53.11", pillars="ECO;XYZ", started_on="2019-02-30"),
            _practice_row("tiga", "99.99"),
        ],
    )
    assert _rejected(secretariat, content, "praktik.csv") == [
        Problem(3, "pillars", "“XYZ” is not one of: GOV, BRD, ECO, LIV, SOC, ENV."),
        Problem(3, "started_on", "“2019-02-30” is not a date (YYYY-MM-DD)."),
        Problem(
            3, "sub_elements", "Sub-element GOV.POL belongs to pillar GOV, which is not listed."
        ),
        Problem(4, "lead_region", "Unknown region code “99.99”."),
    ]


def test_import_csv_officer_importing_another_regions_row(officer, kupang, sumba):
    content = _csv(
        transfer.PRACTICE_COLUMNS,
        [_practice_row("satu", "53.71"), _practice_row("dua", "53.11")],
    )
    assert _messages(_rejected(officer, content, "praktik.csv")) == [
        "Row 3, column lead_region: You may not add practices for Kabupaten Sumba Timur."
    ]


def test_import_csv_with_an_existing_slug(secretariat, kupang):
    make_practice(None, kupang)
    content = _csv(transfer.PRACTICE_COLUMNS, [_practice_row(SLUG, "53.71")])
    with pytest.raises(ImportRejected) as raised:
        _import(secretariat, content, "praktik.csv")
    assert raised.value.problems == [
        Problem(2, "slug", f"A practice with the short name “{SLUG}” exists.")
    ]
    assert Practice.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"slug,lead_region,title\nsatu,53.71,a\0b\n",
            "Row 2: This line contains a NUL character; the file is not CSV text.",
        ),
        (b"", "Row 1: The sheet is empty."),
        (b"slug,lead_region,title\n", "The file holds no practices."),
    ],
)
def test_import_csv_unreadable(secretariat, content, message):
    assert _messages(_rejected(secretariat, content, "a.csv")) == [message]


def test_import_csv_missing_and_unknown_columns(secretariat):
    content = _csv(["slug", "judul"], [["a", "b"]])
    assert _rejected(secretariat, content, "a.csv") == [
        Problem(1, "judul", "Unknown column."),
        Problem(1, "lead_region", "This column is missing."),
        Problem(1, "title", "This column is missing."),
    ]


# --- exporting -------------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://contoh.invalid","klik")'


@pytest.fixture
def library(officer, secretariat, kupang, sumba):
    """Two published practices (Kupang's verified, Sumba's demo and unverified) and a draft."""
    kupang_practice = publish(make_practice(officer, kupang), secretariat)
    data = parse_record(
        make_record(
            title="Pasar Daring UMKM", summary=f"{FORMULA} pasar", partner_regions=["53.71"]
        )
    )
    sumba_practice = services.create_practice(actor=None, region=sumba, data=data, is_demo=True)
    publish(sumba_practice, secretariat, verified=False, scores={**SCORES, "impact": 1})
    make_practice(officer, kupang, title="Masih Draf")
    return [kupang_practice, sumba_practice]


def _expected_rows(practices) -> list[dict[str, Any]]:
    rows = []
    for practice in practices:
        practice.refresh_from_db()
        version = practice.published_version
        review = version.reviews.get()
        rows.append(
            {
                "slug": practice.slug,
                "lead_region": practice.lead_region.code,
                **record_of(version),
                "is_demo": practice.is_demo,
                "version": version.number,
                "published_at": version.published_at.isoformat(),
                "review_score": review.total,
                "verified": review.verified,
            }
        )
    return rows


def test_export_queryset_holds_published_practices_by_slug(library):
    assert [p.slug for p in transfer.export_queryset()] == [SLUG, "pasar-daring-umkm"]


def test_export_json(library):
    document = json.loads(transfer.export_json(transfer.export_queryset()))
    expected = _expected_rows(library)
    assert document == {"practices": expected}
    assert [(r["is_demo"], r["review_score"], r["verified"]) for r in expected] == [
        (False, 27, True),
        (True, 24, False),
    ]
    # JSON is data, not a spreadsheet: formula-like text stays as written.
    assert document["practices"][1]["summary"] == f"{FORMULA} pasar"


def _flat(row: dict[str, Any]) -> list[Any]:
    values = []
    for name in transfer.HEADER:
        value = row["narrative"][name] if name in NARRATIVE else row[name]
        if isinstance(value, list):
            value = ";".join(str(v) for v in value)
        values.append(value)
    return values


def test_export_csv(library):
    content = transfer.export_csv(transfer.export_queryset())
    assert content.startswith("\ufeff".encode())
    header, *rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    expected = [
        ["" if v is None else str(v) for v in _flat(row)] for row in _expected_rows(library)
    ]
    expected[1][transfer.HEADER.index("summary")] = f"'{FORMULA} pasar"
    assert header == transfer.HEADER
    assert rows == expected
    assert rows[0][-5:] == ["False", "1", expected[0][-3], "27", "True"]
    assert rows[1][transfer.HEADER.index("partner_regions")] == "53.71"


def test_export_xlsx(library):
    book = load_workbook(io.BytesIO(transfer.export_xlsx(transfer.export_queryset())))
    assert book.sheetnames == ["practices", "outcomes", "prerequisites", "contacts"]
    rows = [list(r) for r in book["practices"].iter_rows(values_only=True)]
    # An empty list is an empty cell.
    expected = [[v if v != "" else None for v in _flat(row)] for row in _expected_rows(library)]
    expected[1][transfer.HEADER.index("summary")] = f"'{FORMULA} pasar"
    assert rows == [transfer.HEADER, *expected]
    summary = book["practices"].cell(row=3, column=transfer.HEADER.index("summary") + 1)
    assert summary.data_type == "s"  # text, not a formula
    slugs = [SLUG, "pasar-daring-umkm"]
    outcome = RECORD["outcomes"][0]
    assert [list(r) for r in book["outcomes"].iter_rows(values_only=True)] == [
        list(transfer.CHILD_SHEETS["outcomes"]),
        *[[s, *[outcome[c] for c in transfer.CHILD_SHEETS["outcomes"][1:]]] for s in slugs],
    ]
    assert [list(r) for r in book["prerequisites"].iter_rows(values_only=True)] == [
        list(transfer.CHILD_SHEETS["prerequisites"]),
        *[
            [
                s,
                p["kind"],
                p["description"],
                p.get("min_budget_idr"),
                p["readiness"],
                p["min_level"],
            ]
            for s in slugs
            for p in RECORD["prerequisites"]
        ],
    ]
    contact = RECORD["contacts"][0]
    assert [list(r) for r in book["contacts"].iter_rows(values_only=True)] == [
        list(transfer.CHILD_SHEETS["contacts"]),
        *[[s, *[contact[c] or None for c in transfer.CHILD_SHEETS["contacts"][1:]]] for s in slugs],
    ]


def test_export_of_a_practice_with_a_new_draft_keeps_the_published_version(
    officer, secretariat, kupang
):
    practice = publish(make_practice(officer, kupang), secretariat)
    draft = services.start_new_version(actor=officer, practice=practice)
    services.update_version(
        actor=officer, version=draft, data=parse_record(make_record(title="Belum Terbit"))
    )
    document = json.loads(transfer.export_json(transfer.export_queryset()))
    assert [(p["title"], p["version"]) for p in document["practices"]] == [(RECORD["title"], 1)]


def test_formula_title_is_neutralised_and_reimported_as_written(secretariat, officer, kupang):
    practice = publish(make_practice(officer, kupang, title=FORMULA), secretariat)
    content = transfer.export_xlsx(transfer.export_queryset())
    book = load_workbook(io.BytesIO(content))
    title = book["practices"].cell(row=2, column=transfer.HEADER.index("title") + 1)
    assert (title.value, title.data_type) == (f"'{FORMULA}", "s")
    csv_text = transfer.export_csv(transfer.export_queryset()).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(csv_text)))[1][3] == f"'{FORMULA}"

    services.delete_practice(actor=secretariat, practice=practice)
    (again,) = _import(secretariat, content, "ekspor.xlsx")
    assert again.versions.get().title == FORMULA


def test_exported_xlsx_reimports_to_the_same_records(library, secretariat):
    before = {p.slug: record_of(p.published_version) for p in transfer.export_queryset()}
    content = transfer.export_xlsx(transfer.export_queryset())
    # Re-importing beside the originals: every short name is taken.
    with pytest.raises(ImportRejected) as raised:
        _import(secretariat, content, "ekspor.xlsx")
    assert raised.value.problems == [
        Problem(2, "practices: slug", f"A practice with the short name “{SLUG}” exists."),
        Problem(3, "practices: slug", "A practice with the short name “pasar-daring-umkm” exists."),
    ]
    for practice in library:
        services.delete_practice(actor=secretariat, practice=practice)

    created = _import(secretariat, content, "ekspor.xlsx")
    assert {p.slug: record_of(p.versions.get()) for p in created} == before
    assert [(p.lead_region.code, p.versions.get().status) for p in created] == [
        ("53.71", "draft"),
        ("53.11", "draft"),
    ]


def test_exported_xlsx_reimports_under_new_short_names(library, secretariat):
    before = [record_of(p.published_version) for p in transfer.export_queryset()]
    book = load_workbook(io.BytesIO(transfer.export_xlsx(transfer.export_queryset())))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=2):
            row[0].value = f"{row[0].value}-salinan"
    out = io.BytesIO()
    book.save(out)
    created = _import(secretariat, out.getvalue(), "salinan.xlsx")
    assert [p.slug for p in created] == [f"{SLUG}-salinan", "pasar-daring-umkm-salinan"]
    assert [record_of(p.versions.get()) for p in created] == before


def test_exported_json_and_csv_reimport(library, secretariat):
    published = transfer.export_queryset()
    before = [record_of(p.published_version) for p in published]
    as_json = transfer.export_json(published)
    as_csv = transfer.export_csv(published)
    for practice in library:
        services.delete_practice(actor=secretariat, practice=practice)

    from_json = _import(secretariat, as_json, "ekspor.json")
    assert [record_of(p.versions.get()) for p in from_json] == before
    for practice in from_json:
        services.delete_practice(actor=secretariat, practice=practice)
    from_csv = _import(secretariat, as_csv, "ekspor.csv")
    # A flat file carries no outcomes, prerequisites or contacts.
    assert [record_of(p.versions.get()) for p in from_csv] == [
        {**record, "outcomes": [], "prerequisites": [], "contacts": []} for record in before
    ]


def test_template_xlsx_has_the_four_sheets_with_their_headers():
    book = load_workbook(io.BytesIO(transfer.template_xlsx()))
    assert {
        name: [list(r) for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames
    } == {
        "practices": [list(transfer.PRACTICE_COLUMNS)],
        "outcomes": [list(transfer.CHILD_SHEETS["outcomes"])],
        "prerequisites": [list(transfer.CHILD_SHEETS["prerequisites"])],
        "contacts": [list(transfer.CHILD_SHEETS["contacts"])],
    }
