"""What visitors see of the library: the search page with its facets, the practice page
for every role and version, the downloads and the learning network, through Django's test
client in English."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from kotacerdas.practices import services
from kotacerdas.practices.content import parse_record
from kotacerdas.practices.models import Replication
from kotacerdas.practices.services import transfer

from ..factories import ProvinceFactory, RegionFactory
from .fixtures import RECORD, make_practice, make_record, publish

pytestmark = pytest.mark.integration

SLUG = "pajak-restoran-daring-dengan-perekam-transaksi"
ROLES = ["anonymous", "officer", "other_officer", "secretariat", "admin_user"]
WASTE = {
    "title": "Bank Sampah Desa Berbasis Aplikasi",
    "summary": "Warga menabung sampah terpilah di bank sampah desa dan menerima saldo di aplikasi.",
    "pillars": ["ENV"],
    "sub_elements": ["ENV.WST"],
    "sdgs": [11, 12],
    "stage": "trial",
    "funding_sources": ["village_fund"],
    "budget_idr": 60_000_000,
    "outcomes": [
        {
            "name": "Sampah terpilah",
            "unit": "ton per tahun",
            "baseline": 12,
            "baseline_year": 2021,
            "value": 30.5,
            "year": 2023,
            "source": "Laporan bank sampah desa",
        }
    ],
    "prerequisites": [],
}
MARKET = {
    "title": "Pasar Daring Produk UMKM",
    "summary": "Usaha mikro menjual produk lokal di pasar daring milik pemerintah kota.",
    "pillars": ["ECO"],
    "sub_elements": ["ECO.TRX"],
    "sdgs": [8],
    "stage": "initiative",
    "funding_sources": ["apbd"],
    "budget_idr": 2_000_000_000,
    "started_on": "2021-05-01",
    "applied_on": None,
    "outcomes": [
        {
            "name": "Pelaku UMKM yang berjualan",
            "unit": "usaha",
            "baseline": None,
            "baseline_year": None,
            "value": 140,
            "year": 2022,
            "source": "Data dinas koperasi",
        }
    ],
}


def _client(request, role: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _results(html: str) -> list[str]:
    block = re.search(r'data-testid="results">(.*?)</ol>', html, re.S)
    return re.findall(r'data-slug="([^"]+)"', block.group(1)) if block else []


def _facet(html: str, name: str) -> list[tuple[str, int, bool]]:
    """(value, count, checked) of each checkbox of one facet, in page order."""
    block = re.search(rf'data-facet="{name}">(.*?)</fieldset>', html, re.S)
    if block is None:
        return []
    return [
        (value, int(count), bool(checked))
        for value, checked, count in re.findall(
            r'value="([^"]+)"( checked)?[^>]*>.*?data-count="(\d+)"', block.group(1), re.S
        )
    ]


def _testids(html: str, prefix: str) -> set[str]:
    return set(re.findall(rf'data-testid="({prefix}[a-z-]*)"', html))


def _demo(actor, region, **overrides):
    return services.create_practice(
        actor=actor, region=region, data=parse_record(make_record(**overrides)), is_demo=True
    )


@pytest.fixture
def library(officer, other_officer, secretariat, kupang, sumba):
    """Three published practices: Kupang's restaurant tax (verified, PAD effect), Sumba
    Timur's waste bank (not verified) and Kupang's demo marketplace."""
    tax = publish(make_practice(officer, kupang), secretariat)
    waste = publish(make_practice(other_officer, sumba, **WASTE), secretariat, verified=False)
    market = publish(_demo(officer, kupang, **MARKET), secretariat)
    return tax, waste, market


# --- the library page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_browses_every_published_practice_newest_first(library, draft_practice):
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/"))
    assert _results(html) == [
        "pasar-daring-produk-umkm",
        "bank-sampah-desa-berbasis-aplikasi",
        SLUG,
    ]
    assert 'data-testid="result-count" data-total="3">3 published practices</h2>' in html


@pytest.mark.django_db
def test_list_rows_show_region_stage_pillars_and_badges(library):
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/"))
    cards = dict(
        re.findall(r'<li class="practice-card" data-slug="([^"]+)">(.*?)</li>', html, re.S)
    )
    tax, waste, market = (
        cards[SLUG],
        cards["bank-sampah-desa-berbasis-aplikasi"],
        cards["pasar-daring-produk-umkm"],
    )
    assert '<a href="/regions/53.71/">Kota Kupang</a>' in tax
    assert "· applied" in tax and "Smart Economy, Smart Governance" in tax
    assert "✓ evidence verified" in tax
    assert "PAD: raised PAD by Rp 1.9 billion in 2 years" in tax
    assert 'class="badge demo"' not in tax
    assert '<a href="/regions/53.11/">Kabupaten Sumba Timur</a>' in waste
    assert "· trial" in waste and "Smart Environment" in waste
    assert "evidence verified" not in waste and "PAD:" not in waste
    assert 'class="badge demo"' in market and "DEMO" in market


@pytest.mark.django_db
def test_list_search_highlights_and_marks_only_the_snippet_safe(library):
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/?q=sampah"))
    assert _results(html) == ["bank-sampah-desa-berbasis-aplikasi"]
    assert "1 practice matches “sampah”" in html
    snippet = re.search(r'<p class="snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>sampah</mark>" in snippet
    # The query is escaped wherever it is echoed.
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/?q=<b>sampah</b>"))
    assert "<b>sampah</b>" not in html
    assert "&lt;b&gt;sampah&lt;/b&gt;" in html


@pytest.mark.django_db
def test_list_search_finds_an_inflected_word_and_a_synonym(library):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert _results(_html(client.get("/practices/?q=persampahan"))) == [
        "bank-sampah-desa-berbasis-aplikasi"
    ]
    assert SLUG in _results(_html(client.get("/practices/?q=PAD")))


@pytest.mark.django_db
def test_list_facets_count_and_keep_the_chosen_values_ticked(library):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    html = _html(client.get("/practices/"))
    assert _facet(html, "pillar") == [
        ("ECO", 2, False),
        ("ENV", 1, False),
        ("GOV", 1, False),
    ]
    assert _facet(html, "stage") == [
        ("applied", 1, False),
        ("initiative", 1, False),
        ("trial", 1, False),
    ]
    assert _facet(html, "verified") == [("yes", 2, False), ("no", 1, False)]

    html = _html(client.get("/practices/?pillar=ECO&stage=applied"))
    assert _results(html) == [SLUG]
    assert _facet(html, "pillar") == [("ECO", 1, True), ("GOV", 1, False)]
    assert _facet(html, "stage") == [("applied", 1, True), ("initiative", 1, False)]
    assert 'data-testid="clear-filters"' in html


@pytest.mark.django_db
def test_list_repeated_facet_values_are_alternatives(library):
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/?pillar=ENV&pillar=GOV"))
    assert sorted(_results(html)) == ["bank-sampah-desa-berbasis-aplikasi", SLUG]


@pytest.mark.django_db
def test_list_unknown_facets_and_bad_page_are_ignored(library):
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/?colour=red&page=zero"))
    assert len(_results(html)) == 3


@pytest.mark.django_db
def test_list_a_chosen_value_without_hits_stays_to_be_unticked(library):
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/?pillar=ECO&stage=trial"))
    assert _results(html) == []
    # Each facet counts with the other facets' filters, so the stages stay to choose from.
    assert _facet(html, "stage") == [
        ("applied", 1, False),
        ("initiative", 1, False),
        ("trial", 0, True),
    ]
    assert "No published practice matches." in html


@pytest.mark.django_db
def test_list_suggests_a_spelling_and_keeps_the_filters(library):
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/?q=sanpah&stage=trial"))
    suggestion = re.search(r'data-testid="suggestion">(.*?)</p>', html, re.S).group(1)
    assert suggestion == 'Did you mean <a href="?q=sampah&amp;stage=trial">sampah</a>?'


@pytest.mark.django_db
def test_list_paginates_and_keeps_the_query(library, monkeypatch):
    monkeypatch.setattr("kotacerdas.practices.views.public.PAGE_SIZE", 2)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    first = _html(client.get("/practices/?stage=applied&stage=trial&stage=initiative"))
    assert _results(first) == ["pasar-daring-produk-umkm", "bank-sampah-desa-berbasis-aplikasi"]
    assert "Page 1 of 2" in first
    link = re.search(r'<a href="\?([^"]+)" rel="next">', first).group(1)
    assert link == "stage=applied&amp;stage=trial&amp;stage=initiative&amp;page=2"
    second = _html(client.get("/practices/?" + link.replace("&amp;", "&")))
    assert _results(second) == [SLUG]
    assert "Page 2 of 2" in second
    assert 'rel="next"' not in second
    assert re.search(r'<a href="\?([^"]+)" rel="prev">', second).group(1) == (
        "stage=applied&amp;stage=trial&amp;stage=initiative&amp;page=1"
    )


@pytest.mark.django_db
def test_list_links_the_downloads(library):
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/"))
    block = re.search(r'data-testid="exports">(.*?)</p>', html, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', block) == [
        "/practices/export/csv/",
        "/practices/export/xlsx/",
        "/practices/export/json/",
    ]


@pytest.mark.parametrize(
    ("role", "links"),
    [
        ("anonymous", {"network-link"}),
        ("officer", {"network-link", "own-recommendations", "create-link"}),
        ("other_officer", {"network-link", "own-recommendations", "create-link"}),
        ("secretariat", {"network-link", "create-link"}),
        ("admin_user", {"network-link", "create-link"}),
    ],
)
def test_list_links_by_role(request, db, kupang, role, links):
    html = _html(_client(request, role).get("/practices/"))
    assert (
        set(re.findall(r'data-testid="([a-z-]+-link|own-recommendations)"', html))
        - {
            "practices-link",
            "events-link",
            "account-link",
            "cycles-link",
        }
        == links
    )


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 3])
def test_list_query_count_does_not_grow(officer, secretariat, kupang, n, django_assert_num_queries):
    for i in range(n):
        publish(make_practice(officer, kupang, title=f"Praktik Pajak Daerah {i}"), secretariat)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    with django_assert_num_queries(4):
        html = _html(client.get("/practices/?q=pajak"))
    assert len(_results(html)) == n


# --- one practice ----------------------------------------------------------------------------


@pytest.fixture
def community(published_practice, other_officer, officer, secretariat, sumba):
    """Kupang's practice with a similar one of Sumba Timur, Sumba Timur adopting it, and a
    question of Sumba Timur answered by Kupang."""
    similar = publish(
        make_practice(
            other_officer,
            sumba,
            title="Retribusi Pasar Nontunai",
            pillars=["ECO"],
            sub_elements=["ECO.TRX"],
        ),
        secretariat,
    )
    services.record_adoption(
        actor=other_officer,
        practice=published_practice,
        region=sumba,
        status="in_progress",
        started_on=dt.date(2024, 2, 1),
        notes="Uji coba di 20 restoran.",
    )
    question = services.ask_question(
        actor=other_officer, practice=published_practice, text="Berapa biaya per perangkat?"
    )
    services.answer_question(actor=officer, question=question, text="Sekitar Rp 5 juta.")
    return published_practice, similar, question


@pytest.mark.django_db
def test_detail_shows_the_whole_published_record(community):
    _practice, similar, question = community
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/practices/{SLUG}/"))
    assert f"<h1>{RECORD['title']}" in html
    assert 'data-version="1" data-status="published"' in html
    assert 'data-testid="status-badge"' not in html
    assert '<a href="/regions/53.71/" data-testid="lead-region">Kota Kupang</a>' in html
    facts = dict(
        re.findall(
            r"<dt>([^<]+)</dt><dd[^>]*>(.*?)</dd>",
            re.search(r'data-testid="facts">(.*?)</dl>', html, re.S).group(1),
        )
    )
    assert {k: v for k, v in facts.items() if k not in ("Version", "First published")} == {
        "Pillars": "Smart Economy, Smart Governance",
        "Sub-elements": 'Transaction Ecosystem <span class="muted">(ECO.TRX)</span>, '
        'Policy <span class="muted">(GOV.POL)</span>',
        "SDG goals": "SDG 8, SDG 16",
        "Stage": "applied",
        "Form": "public service",
        "Digital": "digital",
        "Initiator": "regional agency",
        "Started": "1 Mar 2019",
        "Applied since": "15 Jan 2020",
        "Budget": "Rp 850.0 million",
        "Funding": "regional budget (APBD), partnership",
        "Language": "Indonesian",
    }
    assert facts["Version"].startswith("1, published ") and facts["Version"].endswith(" WITA")
    for name, text in RECORD["narrative"].items():
        assert f'<p data-testid="narrative-{name}">{text}</p>' in html
    outcome = re.search(r'data-testid="outcomes">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    cells = [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", outcome, re.S)
    ]
    assert cells == [
        "Realisasi pajak restoran PAD",
        "Rp 4.2 billion",
        "Rp 6.1 billion",
        "2019–2021",
        "+Rp 1.9 billion",
        "Laporan realisasi pendapatan Bapenda",
    ]
    assert "Rp 500.0 million" in html and "(level 3 or more)" in html
    assert '<a href="mailto:bapenda@example.invalid">bapenda@example.invalid</a>' in html
    # The review: total out of 35, each criterion, the evidence status.
    assert '<strong data-testid="review-total">27 of 35 points</strong>' in html
    assert re.findall(r'data-score="(\d)"', html) == ["4", "3", "4", "3", "4", "5", "4"]
    assert 'data-testid="evidence-status" data-verified="yes"' in html
    # Who adopted it, similar practices, questions and answers.
    replication = re.search(r'data-testid="replications">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert 'data-region="53.11"' in replication.group(1)
    assert 'data-status="in_progress">in progress</td><td>1 Feb 2024</td><td>—</td>' in (
        replication.group(1)
    )
    assert "Uji coba di 20 restoran." in replication.group(1)
    similar_block = re.search(r'data-testid="similar">(.*?)</ul>', html, re.S).group(1)
    assert f'<a href="/practices/{similar.slug}/">Retribusi Pasar Nontunai</a>' in similar_block
    assert f'id="question-{question.pk}"' in html
    assert "Berapa biaya per perangkat?" in html and "Sekitar Rp 5 juta." in html


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.mark.django_db
def test_detail_links_the_attachments(officer, secretariat, kupang, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    practice = make_practice(officer, kupang)
    attachment = services.add_attachment(
        actor=officer,
        version=practice.versions.get(),
        upload=SimpleUploadedFile("laporan.pdf", PDF, content_type="application/pdf"),
        title="Laporan realisasi 2021",
    )
    publish(practice, secretariat)
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/practices/{SLUG}/"))
    block = re.search(r'data-testid="attachments">(.*?)</ul>', html, re.S).group(1)
    assert re.sub(r"\s+", " ", block).strip() == (
        f'<li><a href="/practices/attachments/{attachment.pk}/">Laporan realisasi 2021</a> '
        f'<span class="muted">(application/pdf, {len(PDF)} bytes)</span></li>'
    )


@pytest.mark.django_db
def test_detail_of_a_demo_practice_says_so(officer, secretariat, kupang):
    practice = publish(_demo(officer, kupang), secretariat)
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/practices/{practice.slug}/"))
    assert 'data-testid="demo-notice"' in html
    assert "This practice is illustrative demo content" in html


@pytest.mark.parametrize(
    ("role", "actions", "ask_form", "answer_forms"),
    [
        ("anonymous", set(), False, 0),
        ("officer", {"action-new-version"}, False, 1),
        ("other_officer", {"action-adopt", "action-fit"}, True, 0),
        ("secretariat", {"action-new-version", "action-adopt"}, False, 1),
        ("admin_user", {"action-new-version", "action-adopt"}, False, 1),
    ],
)
def test_detail_actions_of_a_published_practice_by_role(
    request, db, community, role, actions, ask_form, answer_forms
):
    html = _html(_client(request, role).get(f"/practices/{SLUG}/"))
    assert _testids(html, "action-") == actions
    assert ('data-testid="ask-form"' in html) is ask_form
    assert html.count('data-testid="answer-form"') == answer_forms
    assert ("Log in as a region officer to ask a question." in html) is (role == "anonymous")


@pytest.mark.parametrize(
    ("role", "actions"),
    [
        ("officer", {"action-edit", "action-submit"}),
        ("secretariat", {"action-edit", "action-submit"}),
        ("admin_user", {"action-edit", "action-submit"}),
    ],
)
def test_detail_actions_of_a_draft_by_role(request, db, draft_practice, role, actions):
    html = _html(_client(request, role).get(f"/practices/{SLUG}/"))
    assert _testids(html, "action-") == actions


@pytest.mark.parametrize(
    ("role", "actions"),
    [("officer", set()), ("secretariat", {"action-review"})],
)
def test_detail_actions_of_a_submitted_version(request, db, submitted_version, role, actions):
    html = _html(_client(request, role).get(f"/practices/{SLUG}/"))
    assert _testids(html, "action-") == actions


# Visibility: (practice state, query, role) → the version shown, or 404.
VISIBILITY = [
    ("published", "", dict.fromkeys(ROLES, 1)),
    ("published", "?version=1", dict.fromkeys(ROLES, 1)),
    (
        "draft",
        "",
        {"anonymous": 404, "officer": 1, "other_officer": 404, "secretariat": 1, "admin_user": 1},
    ),
    (
        "draft",
        "?version=1",
        {"anonymous": 404, "officer": 1, "other_officer": 404, "secretariat": 1, "admin_user": 1},
    ),
    ("published+draft", "", dict.fromkeys(ROLES, 1)),
    (
        "published+draft",
        "?version=2",
        {"anonymous": 404, "officer": 2, "other_officer": 404, "secretariat": 2, "admin_user": 2},
    ),
    ("published+draft", "?version=1", dict.fromkeys(ROLES, 1)),
    ("published+draft", "?version=9", dict.fromkeys(ROLES, 404)),
    ("published+draft", "?version=two", dict.fromkeys(ROLES, 404)),
]


@pytest.fixture
def practice_in(request, officer, secretariat, kupang):
    def make(state):
        practice = make_practice(officer, kupang)
        if state.startswith("published"):
            publish(practice, secretariat)
        if state == "published+draft":
            services.start_new_version(actor=officer, practice=practice, change_note="Data 2024")
        return practice

    return make


@pytest.mark.parametrize(("state", "query", "expected"), VISIBILITY)
@pytest.mark.parametrize("role", ROLES)
def test_detail_version_visibility(request, db, practice_in, state, query, expected, role):
    practice_in(state)
    response = _client(request, role).get(f"/practices/{SLUG}/{query}")
    if expected[role] == 404:
        assert response.status_code == 404
    else:
        html = _html(response)
        assert re.search(r'data-testid="practice" data-version="(\d+)"', html).group(1) == str(
            expected[role]
        )


@pytest.mark.django_db
def test_detail_of_a_working_version_says_what_the_public_sees(request, practice_in):
    practice_in("published+draft")
    html = _html(_client(request, "officer").get(f"/practices/{SLUG}/?version=2"))
    assert '<span class="badge status status-draft" data-testid="status-badge">draft</span>' in html
    notice = re.sub(
        r"\s+", " ", re.search(r'data-testid="version-notice">(.*?)</p>', html, re.S).group(1)
    )
    assert notice == (
        f"You are looking at version 2 (draft). The public sees the published "
        f'<a href="/practices/{SLUG}/">version 1</a>.'
    )
    html = _html(_client(request, "secretariat").get(f"/practices/{SLUG}/"))
    assert "version-notice" not in html


@pytest.mark.django_db
def test_detail_of_an_unpublished_practice_says_only_its_region_sees_it(request, draft_practice):
    html = _html(_client(request, "officer").get(f"/practices/{SLUG}/"))
    assert "The practice is not published: only its region and the secretariat can see it." in html
    assert 'data-testid="review"' in html and "has not been reviewed and published yet" in html


@pytest.mark.parametrize(
    ("role", "rows"),
    [
        ("anonymous", [("2", False), ("1", False)]),
        ("other_officer", [("2", False), ("1", False)]),
        ("officer", [("3", True), ("2", False), ("1", True)]),
        ("secretariat", [("3", True), ("2", False), ("1", True)]),
    ],
)
def test_detail_version_history_by_role(request, db, officer, secretariat, kupang, role, rows):
    """v1 superseded, v2 published (shown), v3 a draft: the public sees the versions that
    were published and opens none; the region and the secretariat see and open every one."""
    practice = publish(make_practice(officer, kupang), secretariat)
    services.start_new_version(actor=officer, practice=practice)
    publish(practice, secretariat)
    services.start_new_version(actor=officer, practice=practice)
    html = _html(_client(request, role).get(f"/practices/{SLUG}/"))
    table = re.search(r'data-testid="versions">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    found = [
        (number, f'?version={number}"' in row)
        for number, row in re.findall(r'<tr data-number="(\d+)"(.*?)</tr>', table, re.S)
    ]
    assert found == rows


@pytest.mark.django_db
def test_detail_unknown_practice_is_404(client):
    assert Client().get("/practices/no-such-practice/").status_code == 404


# --- exports ---------------------------------------------------------------------------------


@pytest.fixture
def exported(officer, secretariat, kupang, sumba, other_officer):
    """Kupang's practice and a demo practice whose summary a spreadsheet would run."""
    publish(make_practice(officer, kupang), secretariat)
    publish(
        _demo(other_officer, sumba, **{**WASTE, "summary": '=HYPERLINK("http://x") bank sampah'}),
        secretariat,
    )


def _download(fmt: str):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/practices/export/{fmt}/")
    assert response.status_code == 200
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="kotacerdas-practices-{today}.{fmt}"'
    )
    return response


EXPECTED_EXPORT = {
    "bank-sampah-desa-berbasis-aplikasi": {
        "lead_region": "53.11",
        "title": "Bank Sampah Desa Berbasis Aplikasi",
        "summary": '\'=HYPERLINK("http://x") bank sampah',
        "pillars": "ENV",
        "stage": "trial",
        "is_demo": True,
        "version": 1,
        "review_score": 27,
        "verified": True,
    },
    SLUG: {
        "lead_region": "53.71",
        "title": RECORD["title"],
        "summary": RECORD["summary"],
        "pillars": "ECO;GOV",
        "stage": "applied",
        "is_demo": False,
        "version": 1,
        "review_score": 27,
        "verified": True,
    },
}


@pytest.mark.django_db
def test_export_csv(exported):
    response = _download("csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert list(rows[0]) == transfer.HEADER
    assert {row["slug"]: {name: row[name] for name in EXPECTED_EXPORT[SLUG]} for row in rows} == {
        slug: {name: str(value) for name, value in expected.items()}
        for slug, expected in EXPECTED_EXPORT.items()
    }


@pytest.mark.django_db
def test_export_xlsx(exported):
    response = _download("xlsx")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["practices", "outcomes", "prerequisites", "contacts"]
    header, *rows = book["practices"].iter_rows(values_only=True)
    assert list(header) == transfer.HEADER
    found = {
        row[0]: {name: row[header.index(name)] for name in EXPECTED_EXPORT[SLUG]} for row in rows
    }
    assert found == EXPECTED_EXPORT
    outcomes = [row[:2] for row in book["outcomes"].iter_rows(values_only=True)]
    assert outcomes == [
        ("slug", "name"),
        ("bank-sampah-desa-berbasis-aplikasi", "Sampah terpilah"),
        (SLUG, "Realisasi pajak restoran"),
    ]


@pytest.mark.django_db
def test_export_json(exported):
    response = _download("json")
    assert response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    found = {
        p["slug"]: {
            name: p[name] for name in EXPECTED_EXPORT[SLUG] if name not in ("summary", "pillars")
        }
        for p in document["practices"]
    }
    assert found == {
        slug: {k: v for k, v in expected.items() if k not in ("summary", "pillars")}
        for slug, expected in EXPECTED_EXPORT.items()
    }
    # JSON is data, not a spreadsheet: the text stays as written.
    by_slug = {p["slug"]: p for p in document["practices"]}
    assert by_slug["bank-sampah-desa-berbasis-aplikasi"]["summary"] == (
        '=HYPERLINK("http://x") bank sampah'
    )
    assert by_slug[SLUG]["pillars"] == ["ECO", "GOV"]


@pytest.mark.django_db
def test_export_other_format_is_404(exported):
    assert Client().get("/practices/export/pdf/").status_code == 404


@pytest.mark.django_db
def test_export_leaves_out_unpublished_practices(draft_practice):
    document = json.loads(_download("json").content)
    assert document == {"practices": []}


# --- the learning network --------------------------------------------------------------------


@pytest.fixture
def network(library, officer, other_officer, secretariat, kupang, sumba):
    """Sumba Timur and Denpasar adopt Kupang's tax practice, Kupang adopts Sumba Timur's
    waste bank, a stopped adoption that does not count, and Denpasar adopts the demo one."""
    tax, waste, market = library
    sumba.latitude, sumba.longitude = -9.65, 120.26
    sumba.save()
    denpasar = RegionFactory(
        code="51.71",
        name="Kota Denpasar",
        province=ProvinceFactory(code="51", name="Bali"),
        latitude=-8.65,
        longitude=115.22,
    )
    far = RegionFactory(code="53.10", name="Kabupaten Tanpa Koordinat")
    for practice, region, status in [
        (tax, sumba, Replication.Status.ADOPTED),
        (tax, denpasar, Replication.Status.IN_PROGRESS),
        (tax, far, Replication.Status.STOPPED),
        (waste, kupang, Replication.Status.PLANNED),
        (market, denpasar, Replication.Status.ADOPTED),
    ]:
        services.record_adoption(actor=secretariat, practice=practice, region=region, status=status)
    return tax, waste, market


@pytest.mark.django_db
def test_network_page_lists_pairs_and_rankings(network):
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/network/"))
    table = re.search(r'data-testid="network-edges">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    rows = re.findall(
        r'data-source="([\d.]+)" data-target="([\d.]+)">.*?data-practices="(\d+)">\d+( <span class="badge demo")?',
        table,
        re.S,
    )
    assert rows == [
        ("53.71", "51.71", "2", ' <span class="badge demo"'),
        ("53.11", "53.71", "1", ""),
        ("53.71", "53.11", "1", ""),
    ]
    assert 'data-testid="demo-notice"' in html
    replicated = re.search(r'data-testid="most-replicated">(.*?)</ol>', html, re.S).group(1)
    items = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
        for item in re.findall(r"<li[^>]*>(.*?)</li>", replicated, re.S)
    ]
    assert items == [
        f"{RECORD['title']} — Kota Kupang · 2 regions adopt it",
        "Pasar Daring Produk UMKM — Kota Kupang · 1 region adopts it DEMO",
    ]
    sharers = re.search(r'data-testid="sharers">(.*?)</ol>', html, re.S).group(1)
    assert [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
        for item in re.findall(r"<li[^>]*>(.*?)</li>", sharers, re.S)
    ] == ["Kota Kupang · 2 practices, 3 adoptions"]


@pytest.mark.django_db
def test_network_map_draws_each_pair_between_placed_regions(network):
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/network/"))
    svg = re.search(r'data-testid="network-map">\s*(<svg.*?</svg>)', html, re.S).group(1)
    assert 'role="img"' in svg and "<script" not in svg
    assert re.search(r"<title[^>]*>Who learns from whom \(demo\)</title>", svg)
    edges = re.findall(
        r'data-source="([\d.]+)" data-target="([\d.]+)" data-practices="(\d+)"><title>([^<]+)</title>',
        svg,
    )
    assert edges == [
        ("53.71", "51.71", "2", "Kota Kupang → Kota Denpasar: 2 practices"),
        ("53.11", "53.71", "1", "Kabupaten Sumba Timur → Kota Kupang: 1 practice"),
        ("53.71", "53.11", "1", "Kota Kupang → Kabupaten Sumba Timur: 1 practice"),
    ]
    widths = {
        m[1]: float(m[0])
        for m in re.findall(
            r'stroke-width="([\d.]+)" stroke-linecap="round" marker-end="[^"]+" data-source="[\d.]+" data-target="([\d.]+)"',
            svg,
        )
    }
    assert widths["51.71"] > widths["53.11"]
    nodes = re.findall(r'<a href="(/regions/[\d.]+/)"><g class="node" data-key="([\d.]+)">', svg)
    assert sorted(nodes) == [
        ("/regions/51.71/", "51.71"),
        ("/regions/53.11/", "53.11"),
        ("/regions/53.71/", "53.71"),
    ]
    assert "Kota Kupang: shares 3 adoptions, adopts 1 practice" in svg


@pytest.mark.django_db
def test_network_lists_regions_it_cannot_place(network, sumba):
    sumba.latitude = sumba.longitude = None
    sumba.save()
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/network/"))
    assert "Not on the map (no coordinates): Kabupaten Sumba Timur." in html
    assert 'data-target="53.11" data-practices' not in html.split("</svg>")[0]


@pytest.mark.django_db
def test_network_page_without_adoptions(library):
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/network/"))
    assert 'data-testid="network-empty"' in html
    assert "<svg" not in html.split("</header>")[1]


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 3])
def test_network_query_count_does_not_grow(
    officer, secretariat, kupang, n, django_assert_num_queries
):
    for i in range(n):
        practice = publish(make_practice(officer, kupang, title=f"Praktik {i}"), secretariat)
        region = RegionFactory(code=f"53.{20 + i}", latitude=-9.0 - i, longitude=121.0 + i)
        services.record_adoption(
            actor=secretariat, practice=practice, region=region, status="adopted"
        )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    with django_assert_num_queries(5):
        html = _html(client.get("/practices/network/"))
    assert html.count('<tr data-source="53.71"') == n
