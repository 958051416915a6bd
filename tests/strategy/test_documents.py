"""The masterplan's files, opened again with their own libraries: the DOCX with
python-docx (headings, the contents and page fields, tables, images, language), the PDFs
with pypdf (text, outline, pages), each compared with the reading it was drawn from.

Indonesian strings of this feature are not translated yet, so the Indonesian files are
checked for their structure and for what reads the same in both languages (names, ids,
amounts in the Indonesian number format); the English files for their words too.
"""

from __future__ import annotations

import copy
import re
from io import BytesIO

import docx
import pytest
from django.utils import translation
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from pypdf import PdfReader

from kotacerdas.core import pdf
from kotacerdas.strategy import content as plan_content
from kotacerdas.strategy import documents, reading

from .fixtures import plan, practices

pytestmark = pytest.mark.integration

HEADINGS_EN = [
    "Vision and mission",
    "Regional profile",
    "Readiness",
    "Smart-city index results",
    "Gaps, largest first",
    "Strategies and programmes",
    "Quick wins",
    "Roadmap",
    "Budget by year and funding source",
    "Regional revenue (PAD)",
]
PILLARS_EN = [  # the fixture plan's strategies: the framework's pillar order
    "Smart Governance",
    "Smart Branding",
    "Smart Economy",
    "Smart Living",
    "Smart Society",
    "Smart Environment",
]
NOTE = "Anggaran 2027 menunggu persetujuan DPRD."
VISION_NOTE = "Visi ini disepakati dalam musrenbang 2025."


def _name(en: str, id_: str) -> dict[str, str]:
    return {"en": en, "id": id_}


INDEX_SOURCE = plan_content.source("index", "KotaCerdas Smart City Index", year=2025, demo=True)
PILLAR_RESULTS = [  # code, names, score, rank, peers' mean
    ("GOV", _name("Smart Governance", "Tata Kelola Cerdas"), 65.6, 139, 63.5),
    ("BRD", _name("Smart Branding", "Citra Daerah"), 60.2, 202, 59.9),
    ("ECO", _name("Smart Economy", "Ekonomi Cerdas"), 77.3, 54, 56.4),
    ("LIV", _name("Smart Living", "Kehidupan Cerdas"), 47.4, 290, 56.5),
    ("SOC", _name("Smart Society", "Masyarakat Cerdas"), 54.6, 196, 56.7),
    ("ENV", _name("Smart Environment", "Lingkungan Cerdas"), 74.5, 55, 54.7),
]


@pytest.fixture
def document(plan) -> dict:
    """Version 1 of the fixture plan as the generator drafted it."""
    return plan.versions.get().content


@pytest.fixture
def rich(document) -> dict:
    """The draft with what the demo network gives Kota Kupang: readiness answers, index
    results with similar regions and gaps (so three charts), a quick win, and a note of
    the region's officers; demo content."""
    content = copy.deepcopy(document)
    content["demo"] = True
    content["readiness"] = {
        "year": 2025,
        "demo": True,
        "overall": 4.3,
        "dimensions": [
            {"code": "STR", "name": _name("Structure", "Struktur"), "mean": 4.5},
            {"code": "INF", "name": _name("Infrastructure", "Infrastruktur"), "mean": 4.4},
            {"code": "SUP", "name": _name("Superstructure", "Suprastruktur"), "mean": 3.9},
        ],
        "texts": [plan_content.generated("readiness_none")],
        "sources": [plan_content.source("readiness", "Penilaian Mandiri", year=2025, demo=True)],
    }
    content["index"] = {
        "year": 2025,
        "pillars": [
            {"code": c, "name": n, "score": s, "rank": r, "rank_low": r - 9, "rank_high": r + 14}
            | {"peer_mean": p}
            for c, n, s, r, p in PILLAR_RESULTS
        ],
        "texts": [plan_content.generated("index_none")],
        "sources": [INDEX_SOURCE],
    }
    ranked = sorted(PILLAR_RESULTS, key=lambda row: row[2] - row[4])
    content["gaps"] = [
        {"code": c, "name": n, "score": s, "peer_mean": p, "gap": round(p - s, 1)}
        | {"text": plan_content.generated("gap", name=n, score=s, gap=p - s, peer_mean=p)}
        | {"sources": [INDEX_SOURCE]}
        for c, n, s, _r, p in ranked
    ]
    content["programmes"][1]["quick_win"] = True
    content["notes"] = {
        "budget": plan_content.written(NOTE),
        "vision": plan_content.written(VISION_NOTE),
    }
    return content


def read(content: dict, language: str, title: str = "Masterplan Kota Kupang 2026–2035"):
    return reading.read(title, content, language)


def walk(sections: list[reading.Section]):
    for section in sections:
        yield section
        yield from walk(section.subsections)


def tables_of(view: reading.Reading) -> list[reading.Table]:
    return [table for section in walk(view.sections) for table in section.tables]


def charts_of(view: reading.Reading) -> list[reading.Chart]:
    return [chart for section in walk(view.sections) for chart in section.charts]


def open_docx(data: bytes):
    return docx.Document(BytesIO(data))


def headings(doc, level: int) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def instructions(element) -> list[str]:
    return [" ".join(t.text.split()) for t in element.iter(qn("w:instrText"))]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def outline_titles(outline) -> list:
    return [outline_titles(item) if isinstance(item, list) else item.title for item in outline]


def flat(outline) -> list:
    return [
        entry for item in outline for entry in (flat(item) if isinstance(item, list) else [item])
    ]


def rupiah(amount: int, language: str) -> str:
    with translation.override(language):
        return reading.rupiah(amount)


# --- DOCX -----------------------------------------------------------------------------------


def test_docx_in_english_has_the_plans_headings_contents_and_page_fields(document):
    view = read(document, "en")
    doc = open_docx(documents.plan_docx(view))
    assert [p.text for p in doc.paragraphs[:3]] == [
        "Masterplan Kota Kupang 2026–2035",
        "Kota Kupang",
        "Planning horizon 2026–2035",
    ]
    assert doc.paragraphs[0].style.name == "Title"
    assert headings(doc, 1) == HEADINGS_EN
    assert headings(doc, 2) == ["Vision", "Mission", *PILLARS_EN]
    body = doc.element.body
    assert instructions(body) == ['TOC \\o "1-3" \\h \\z \\u']
    footer = doc.sections[0].footer
    assert instructions(footer._element) == ["PAGE", "NUMPAGES"]
    assert footer.paragraphs[0].text.startswith("Masterplan Kota Kupang 2026–2035 · ")
    assert doc.sections[0].different_first_page_header_footer  # no footer on the title page
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    assert (
        defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}").get(qn("w:val"))
        == "en-US"
    )
    assert doc.core_properties.language == "en-US"
    assert doc.core_properties.title == "Masterplan Kota Kupang 2026–2035"
    assert "DEMO" not in "\n".join(p.text for p in doc.paragraphs)


def test_docx_vision_mission_paragraphs_and_their_sources(rich):
    view = read(rich, "en")
    doc = open_docx(documents.plan_docx(view))
    texts = [p.text for p in doc.paragraphs]
    start = texts.index("Vision")
    assert texts[start : start + 3 + len(view.mission)] == [
        "Vision",
        view.vision,
        "Mission",
        *view.mission,
    ]
    assert [p.style.name for p in doc.paragraphs[start + 3 : start + 3 + len(view.mission)]] == [
        "List Number"
    ] * len(view.mission)
    # Sentences that share their sources name them once, after them, in small print.
    gaps = next(s for s in view.sections if s.key == "gaps")
    first = texts.index(gaps.paragraphs[0].text)
    assert texts[first : first + 7] == [
        "Smart Living scores 47.4, 9.1 points below similar regions (56.5).",
        "Smart Society scores 54.6, 2.1 points below similar regions (56.7).",
        *[p.text for p in gaps.paragraphs[2:]],
        "Sources: KotaCerdas Smart City Index, 2025 (demo data)",
    ]
    assert doc.paragraphs[first + 6].style.name == "Sources"
    assert doc.styles["Sources"].font.size.pt == 8
    programme = rich["programmes"][0]
    line = next(i for i, text in enumerate(texts) if text.startswith(f"{programme['id']} · "))
    assert texts[line + 1] == "Sources: " + "; ".join(
        reading.source_label(s) for s in programme["sources"]
    )


def test_docx_tables_are_the_readings_with_header_rows_aligned_numbers_and_total(document):
    view = read(document, "en")
    doc = open_docx(documents.plan_docx(view))
    expected = tables_of(view)
    assert [cells(t) for t in doc.tables] == [
        [t.header, *t.rows, *([t.total] if t.total else [])] for t in expected
    ]
    for grid, table in zip(doc.tables, expected, strict=True):
        assert grid.style.name == "Table Grid"
        assert grid.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        for row in grid.rows[1:]:
            assert [c.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT for c in row.cells] == [
                i in table.numeric for i in range(len(table.header))
            ]
    # The programmes as the content lists them, one table per strategy.
    in_strategy = [
        index
        for index, section in enumerate(
            section for section in walk(view.sections) for _table in section.tables
        )
        if section.key.startswith("strategy-")
    ]
    programmes = [row[:2] for i in in_strategy for row in cells(doc.tables[i])[1:]]
    by_id = {p["id"]: p["title"] for p in document["programmes"]}
    in_strategies = [pid for s in document["strategies"] for pid in s["programmes"]]
    assert programmes == [[pid, by_id[pid]] for pid in in_strategies]
    assert sorted(in_strategies) == sorted(by_id)
    budget = next(
        grid for grid in doc.tables if cells(grid)[0][0] == "Year" and "Total" in cells(grid)[0]
    )
    total = plan_content.budget(document).total
    assert cells(budget)[-1][0] == "Total"
    assert cells(budget)[-1][-1] == rupiah(total, "en") == "Rp 2,120,000,000"
    last = budget.rows[-1].cells
    assert all(run.bold for cell in last for run in cell.paragraphs[0].runs)
    assert not any(run.bold for cell in budget.rows[1].cells for run in cell.paragraphs[0].runs)


def test_docx_of_a_demo_plan_says_demo_shows_each_chart_and_the_officers_note(rich):
    view = read(rich, "en")
    doc = open_docx(documents.plan_docx(view))
    texts = [p.text for p in doc.paragraphs]
    assert texts[3] == "DEMO — illustrative, not official"
    assert doc.sections[0].footer.paragraphs[0].text.startswith("DEMO · Masterplan Kota Kupang")
    charts = charts_of(view)
    assert len(charts) == 3
    assert len(doc.inline_shapes) == len(charts)
    pictures = [r.target_part.blob for r in doc.part.rels.values() if r.reltype.endswith("/image")]
    assert len(pictures) == 3 and all(p.startswith(b"\x89PNG\r\n\x1a\n") for p in pictures)
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert [c.title for c in charts] == [
        "Readiness by dimension",
        "Pillars against similar regions",
        "Estimated cost by year (billion rupiah)",
    ]
    assert all(c.title in captions for c in charts)
    titles = [p.text if p.style.name == "Heading 1" else "" for p in doc.paragraphs]
    note = texts.index("Officers' note: " + NOTE)
    assert titles.index("Budget by year and funding source") < note
    assert note < titles.index("Regional revenue (PAD)")
    assert doc.paragraphs[note].runs[0].bold
    # The note on the vision closes the vision and mission, before the profile.
    vision_note = texts.index("Officers' note: " + VISION_NOTE)
    assert texts.index(view.mission[-1]) < vision_note < titles.index("Regional profile")


def test_docx_in_indonesian_has_the_same_structure_names_ids_and_amounts(rich):
    english, indonesian = read(rich, "en"), read(rich, "id")
    doc = open_docx(documents.plan_docx(indonesian))
    assert headings(doc, 1)[1:] == [s.title for s in indonesian.sections]
    assert len(headings(doc, 1)) == len(HEADINGS_EN)
    assert headings(doc, 2)[2:] == [
        "Tata Kelola Cerdas (Smart Governance)",
        "Citra Daerah (Smart Branding)",
        "Ekonomi Cerdas (Smart Economy)",
        "Kehidupan Cerdas (Smart Living)",
        "Masyarakat Cerdas (Smart Society)",
        "Lingkungan Cerdas (Smart Environment)",
    ]
    assert [cells(t) for t in doc.tables] == [
        [t.header, *t.rows, *([t.total] if t.total else [])] for t in tables_of(indonesian)
    ]
    assert len(doc.tables) == len(tables_of(english))
    total = plan_content.budget(rich).total
    assert cells(doc.tables[-2])[-1][-1] == rupiah(total, "id") == "Rp 2.120.000.000"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Kota Kupang" in text
    rows = [row[:2] for grid in doc.tables for row in cells(grid)]
    for programme in rich["programmes"]:
        assert f"{programme['id']} · " in text
        assert [programme["id"], programme["title"]] in rows
    lang = doc.styles.element.find(qn("w:docDefaults")).find(
        f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )
    assert (lang.get(qn("w:val")), doc.core_properties.language) == ("id-ID", "id-ID")
    assert len(doc.inline_shapes) == len(charts_of(indonesian)) == 3


# --- PDF ------------------------------------------------------------------------------------


def test_pdf_in_english_has_contents_outline_programmes_total_and_page_numbers(rich):
    view = read(rich, "en")
    data = documents.plan_pdf(view)
    pdf = PdfReader(BytesIO(data))
    text = pdf_text(data)
    pages = len(pdf.pages)
    assert pages > 1
    assert pdf.metadata.title == "Masterplan Kota Kupang 2026–2035"
    assert outline_titles(pdf.outline) == [
        "Vision and mission",
        ["Vision", "Mission"],
        *HEADINGS_EN[1:6],
        PILLARS_EN,
        *HEADINGS_EN[6:],
    ]
    first = pdf.pages[0].extract_text()
    assert "DEMO — illustrative, not official" in first
    assert "Planning horizon 2026–2035" in first
    contents = pdf.pages[1].extract_text().splitlines()
    assert contents[:2] == [f"DEMO · Masterplan Kota Kupang 2026–2035 · 2 / {pages}", "Contents"]
    # Each entry with the page its section starts on, as the outline has it.
    entries = [
        (item.title, pdf.get_destination_page_number(item) + 1) for item in flat(pdf.outline)
    ]
    assert contents[2:] == [f"{title} {page}" for title, page in entries]
    assert [title for title, _page in entries] == [
        "Vision and mission",
        "Vision",
        "Mission",
        *HEADINGS_EN[1:6],
        *PILLARS_EN,
        *HEADINGS_EN[6:],
    ]
    for programme in rich["programmes"]:
        assert programme["title"] in text
    assert rupiah(plan_content.budget(rich).total, "en") in text
    assert "Sources: KotaCerdas Smart City Index, 2025 (demo data)" in text
    assert NOTE in text
    mission_end = text.index(view.mission[-1][:40])
    assert mission_end < text.index(VISION_NOTE) < text.index("Regional profile", mission_end)
    images = sum(len(page.images) for page in pdf.pages)
    assert images == len(charts_of(view)) == 3


def test_pdf_in_indonesian_keeps_names_ids_and_indonesian_amounts(document):
    view = read(document, "id")
    data = documents.plan_pdf(view)
    text = pdf_text(data)
    assert len(PdfReader(BytesIO(data)).pages) > 1
    assert "Kota Kupang" in text
    for programme in document["programmes"]:
        assert programme["title"] in text
    assert rupiah(plan_content.budget(document).total, "id") in text
    titles = outline_titles(PdfReader(BytesIO(data)).outline)
    strategies = next(s for s in view.sections if s.key == "strategies")
    assert [t for t in titles if isinstance(t, str)][1:] == [s.title for s in view.sections]
    assert titles[7] == [sub.title for sub in strategies.subsections]


def test_pdf_wraps_long_cells_and_titles_without_losing_words(document):
    content = copy.deepcopy(document)
    long_title = "Digitalisasi " * 15 + "Pelayanan Terpadu Satu Pintu"
    content["programmes"][0]["title"] = long_title.strip()
    content["programmes"][0]["agency"] = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"
    text = " ".join(pdf_text(documents.plan_pdf(read(content, "en"))).split())
    assert "Pelayanan Terpadu Satu Pintu" in text
    assert text.count("Digitalisasi") >= 15


# --- one-page summary -----------------------------------------------------------------------


def test_summary_of_a_demo_plan_is_one_page_with_the_plans_key_facts(rich):
    view = read(rich, "en")
    pdf = PdfReader(BytesIO(documents.summary_pdf(view)))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    budget = plan_content.budget(rich)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert lines[:3] == [
        "Masterplan Kota Kupang 2026–2035",
        "Kota Kupang · Planning horizon 2026–2035",
        "DEMO — illustrative, not official",
    ]
    assert view.vision in " ".join(lines)
    for number, mission in enumerate(view.mission, start=1):
        assert f"{number}. {mission}" in lines
    gaps = next(s for s in view.sections if s.key == "gaps").tables[0].rows
    assert [row[0] for row in gaps[:3]] == ["Smart Living", "Smart Society", "Smart Branding"]
    assert all(" ".join(row) in lines for row in gaps[:3])
    assert "Smart Governance 65.6" not in text  # the fourth gap is left out
    win = rich["programmes"][1]
    assert f"{win['id']} · {win['title']}" in lines
    assert f"Total estimated cost: {rupiah(budget.total, 'en')}" in lines
    assert f"APBD: {rupiah(budget.source_total('apbd'), 'en')}" in lines
    assert f"KPBU: {rupiah(budget.source_total('partnership'), 'en')}" in lines
    assert "Programmes expected to raise regional revenue (PAD): 2" in lines


def test_summary_of_a_plan_with_many_long_programmes_still_fits_one_page(document):
    content = copy.deepcopy(document)
    template = content["programmes"][0]
    content["programmes"] = [
        template
        | {
            "id": f"P{n}",
            "title": f"Programme {n} " + "with a long descriptive title " * 6,
            "quick_win": True,
            "pad_effect": {"amount": 1_000_000 * n, "years": 2},
        }
        for n in range(1, plan_content.MAX_PROGRAMMES + 1)
    ]
    content["strategies"][0]["programmes"] = [p["id"] for p in content["programmes"]]
    for strategy in content["strategies"][1:]:
        strategy["programmes"] = []
    content["vision"] = plan_content.written("A region that serves its people well. " * 130)
    content["mission"] = [plan_content.written(f"Mission {n}. " + "Serve " * 60) for n in range(9)]
    view = read(content, "en", title="Rencana Induk " + "Kota Cerdas " * 15)
    pdf = PdfReader(BytesIO(documents.summary_pdf(view)))
    assert len(pdf.pages) == 1
    text = " ".join(pdf.pages[0].extract_text().split())
    assert "P1 · Programme 1 with" in text
    assert re.search(r"… and (\d+) more", text)
    shown = [int(n) for n in re.findall(r"… and (\d+) more", text)]
    assert len(shown) == 2  # the missions and the quick wins
    assert shown[1] == plan_content.MAX_PROGRAMMES - len(re.findall(r"\bP\d+ · ", text))
    assert "Programmes expected to raise regional revenue (PAD): 60" in text
    assert rupiah(plan_content.budget(content).total, "en") in text


def test_summary_without_quick_wins_or_gaps_says_so(document):
    text = PdfReader(BytesIO(documents.summary_pdf(read(document, "en")))).pages[0].extract_text()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "No programme qualifies as a quick win yet." in lines
    # Without index results the gaps table shows the pillars with no score yet.
    assert "Smart Governance — — —" in lines


def test_without_dejavu_the_pdfs_fall_back_to_helvetica_and_print_every_name(document, monkeypatch):
    """A machine without DejaVu Sans prints in Helvetica (Windows-1252): a character
    outside it as its base letters, never an error."""
    monkeypatch.setattr(pdf, "unicode_font", lambda: None)
    content = copy.deepcopy(document)
    content["programmes"][0]["title"] = "Kênh thông tin Đà Nẵng"
    view = read(content, "en", title="Masterplan Kota Kupang 2026–2035 ✓")
    plan_pdf = PdfReader(BytesIO(documents.plan_pdf(view)))
    summary = PdfReader(BytesIO(documents.summary_pdf(view)))
    fonts = {
        font["/BaseFont"]
        for page in plan_pdf.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts == {"/Helvetica", "/Helvetica-Bold"}
    text = " ".join("\n".join(p.extract_text() for p in plan_pdf.pages).split())
    assert "Kênh thông tin ?à Nang" in text  # ê ô à are Windows-1252; Đ has no base letter
    assert "Masterplan Kota Kupang 2026–2035 ?" in text
    assert rupiah(plan_content.budget(content).total, "en") in text
    assert len(summary.pages) == 1


def test_a_word_wider_than_the_page_is_cut_into_lines_quickly(document):
    content = copy.deepcopy(document)
    word = "https://kupangkota.go.id/" + "x" * 4000
    content["vision"] = plan_content.written(word)
    pdf = PdfReader(BytesIO(documents.plan_pdf(read(content, "en"))))
    text = "".join(pdf.pages[2].extract_text().split())
    assert word in text
