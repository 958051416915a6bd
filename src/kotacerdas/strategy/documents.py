"""The files of a masterplan version: the whole plan as DOCX and as PDF, and a one-page
summary as PDF, each returned as bytes for a view, the CLI or a test.

Every file is drawn from one :class:`~kotacerdas.strategy.reading.Reading`, the same the
plan's page shows, so a file cannot say something the page does not; the files' own
labels (contents, sources, page numbers) follow the reading's language.

Charts arrive as SVG from :mod:`kotacerdas.charts` and are rendered to PNG with resvg,
each distinct SVG once (a few are kept: a version's DOCX and PDF show the same charts).
The fonts follow :mod:`kotacerdas.events.documents`: DejaVu Sans when a package on the
machine ships it (for the PDF text and the charts' lettering alike), else the PDF core
font Helvetica, in which a character outside Windows-1252 prints as its base letters or
``?``, and the charts use the system's fonts.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import resvg_py
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from fpdf import FPDF, XPos, YPos
from fpdf.outline import OutlineSection

from kotacerdas.core.pdf import HousePDF, unicode_font

from .reading import Chart, Paragraph, Reading, Section, Table

__all__ = ["plan_docx", "plan_pdf", "summary_pdf"]

LANGUAGE_TAGS = {"id": "id-ID", "en": "en-US"}
TOC_FIELD = 'TOC \\o "1-3" \\h \\z \\u'
GREY = (90, 90, 90)
SUMMARY_GAPS = 3


# --- shared -------------------------------------------------------------------------------


def _demo_line() -> str:
    return _("DEMO — illustrative, not official")


def _horizon_line(reading: Reading) -> str:
    return _("Planning horizon %(horizon)s") % {"horizon": reading.horizon}


def _sources_line(sources: list[str]) -> str:
    return _("Sources: %(sources)s") % {"sources": "; ".join(sources)}


def _cited(paragraphs: list[Paragraph]) -> Iterator[tuple[list[str], list[str]]]:
    """Paragraphs as runs that cite the same sources, so a section whose every sentence
    comes from the index names the index once, after the run, and not after each line."""
    run: list[str] = []
    sources: list[str] = []
    for paragraph in paragraphs:
        if not paragraph.text:
            continue
        if run and paragraph.sources != sources:
            yield run, sources
            run = []
        run.append(paragraph.text)
        sources = paragraph.sources
    if run:
        yield run, sources


def _sections(reading: Reading) -> dict[str, Section]:
    return {section.key: section for section in reading.sections}


@functools.lru_cache(maxsize=32)
def _chart_png(svg: str) -> bytes:
    """An SVG chart as a white-backed PNG at 1.5 times its size (about 150 dpi at the
    width of a page's text: sharp enough to print, and a third of the time of twice the
    size), rendered once for all the files that show it."""
    fonts = unicode_font()
    options: dict[str, Any] = {"zoom": 1.5, "background": "#ffffff"}
    if fonts is not None:
        # The PDF's own font, and no time spent scanning the system's fonts.
        options |= {
            "skip_system_fonts": True,
            "font_files": [str(fonts[0]), str(fonts[1])],
            "font_family": "DejaVu Sans",
            "sans_serif_family": "DejaVu Sans",
        }
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, **options))


def _ratio(png: bytes) -> float:
    """Width over height, read from the PNG header."""
    width, height = struct.unpack(">II", png[16:24])
    return width / height if height else 1.0


# --- DOCX ---------------------------------------------------------------------------------


def _field(paragraph: DocxParagraph, instruction: str, shown: str = "") -> None:
    """A complex field (``PAGE``, ``NUMPAGES``) whose value the word processor fills in."""
    _field_start(paragraph, instruction)
    if shown:
        paragraph.add_run(shown)
    _field_end(paragraph)


def _fld_char(paragraph: DocxParagraph, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(char)


def _field_start(paragraph: DocxParagraph, instruction: str) -> None:
    _fld_char(paragraph, "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    paragraph.add_run()._r.append(text)
    _fld_char(paragraph, "separate")


def _field_end(paragraph: DocxParagraph) -> None:
    _fld_char(paragraph, "end")


class _Docx:
    """The plan as a Word document, A4, in the reading's language."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.doc: DocxDocument = Document()
        self._page()
        self._styles()
        # python-docx looks a style up by name through every style of the document, for
        # each paragraph; the ids, once, keep a long plan fast.
        self._style_ids: dict[str, str] = {}

    def _style_id(self, name: str) -> str:
        if name not in self._style_ids:
            self._style_ids[name] = self.doc.styles[name].style_id
        return self._style_ids[name]

    def _styled(self, paragraph: DocxParagraph, style: str) -> DocxParagraph:
        paragraph._p.style = self._style_id(style)
        return paragraph

    def _para(self, text: str = "", style: str = "") -> DocxParagraph:
        paragraph = self.doc.add_paragraph(text)
        return self._styled(paragraph, style) if style else paragraph

    # setup

    def _page(self) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.2)
        # The title page carries no footer.
        section.different_first_page_header_footer = True
        self.text_width = section.page_width - section.left_margin - section.right_margin

    def _styles(self) -> None:
        tag = LANGUAGE_TAGS.get(self.reading.language, self.reading.language)
        styles = self.doc.styles
        run_defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
        lang = run_defaults.find(qn("w:rPr")).find(qn("w:lang"))
        lang.set(qn("w:val"), tag)
        lang.set(qn("w:eastAsia"), tag)
        settings = self.doc.settings.element
        theme = settings.find(qn("w:themeFontLang"))
        if theme is not None:
            theme.set(qn("w:val"), tag)
        # Word then fills in the table of contents and the page count when it opens.
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.find(qn("w:compat")).addprevious(update)

        normal = styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(10.5)
        styles["Footer"].font.size = Pt(8)
        sources = styles.add_style("Sources", WD_STYLE_TYPE.PARAGRAPH)
        sources.base_style = normal
        sources.font.size = Pt(8)
        sources.font.italic = True
        sources.font.color.rgb = RGBColor(*GREY)
        cell = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
        cell.base_style = normal
        cell.font.size = Pt(9)
        cell.paragraph_format.space_after = Pt(0)
        cell.paragraph_format.line_spacing = 1.0
        for level in (1, 2):
            toc = styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
            toc.base_style = normal
            toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            toc.paragraph_format.space_after = Pt(2)

        properties = self.doc.core_properties
        properties.title = self.reading.title
        properties.subject = f"{self.reading.region}, {self.reading.horizon}"
        properties.author = properties.last_modified_by = "KotaCerdas"
        properties.created = properties.modified = timezone.now()
        properties.revision = 1
        properties.language = tag
        properties.keywords = _("DEMO") if self.reading.demo else ""
        properties.comments = _demo_line() if self.reading.demo else ""

    # parts

    def _title_page(self) -> None:
        reading = self.reading
        self._para(reading.title, "Title")
        self._para(reading.region, "Subtitle")
        self.doc.add_paragraph(_horizon_line(reading))
        if reading.demo:
            run = self.doc.add_paragraph().add_run(_demo_line())
            run.bold = True
            run.font.color.rgb = RGBColor(0xB0, 0x3A, 0x2E)
        self._page_break()

    def _footer(self) -> None:
        paragraph = self.doc.sections[0].footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        parts = [_("DEMO")] if self.reading.demo else []
        parts.append(self.reading.title)
        paragraph.add_run(" · ".join(parts) + " · ")
        _field(paragraph, "PAGE", "1")
        paragraph.add_run(" / ")
        _field(paragraph, "NUMPAGES", "1")

    def _contents(self) -> None:
        """A TOC field, shown until it is updated as the list of headings without page
        numbers, so a reader whose program does not update fields still sees the contents."""
        self._para(_("Contents"), "TOC Heading")
        entries = [(1, _("Vision and mission"))]
        for section in self.reading.sections:
            entries.append((1, section.title))
            entries += [(2, sub.title) for sub in section.subsections]
        paragraphs = [self._para(style=f"TOC {level}") for level, _title in entries]
        _field_start(paragraphs[0], TOC_FIELD)
        for paragraph, (_level, title) in zip(paragraphs, entries, strict=True):
            paragraph.add_run(title)
        _field_end(paragraphs[-1])
        self._page_break()

    def _page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _vision(self) -> None:
        self._para(_("Vision and mission"), "Heading 1")
        self._para(_("Vision"), "Heading 2")
        self.doc.add_paragraph(self.reading.vision)
        self._para(_("Mission"), "Heading 2")
        for item in self.reading.mission:
            self._para(item, "List Number")
        self._note(self.reading.vision_note)

    def _note(self, note: str) -> None:
        if note:
            paragraph = self._para(style="Quote")
            paragraph.add_run(_("Officers' note:") + " ").bold = True
            paragraph.add_run(note)

    def _section(self, section: Section, level: int) -> None:
        self._para(section.title, f"Heading {level}")
        for texts, sources in _cited(section.paragraphs):
            for text in texts:
                self.doc.add_paragraph(text)
            if sources:
                self._para(_sources_line(sources), "Sources")
        for table in section.tables:
            self._table(table)
        for chart in section.charts:
            self._chart(chart)
        self._note(section.note)
        for sub in section.subsections:
            self._section(sub, level + 1)

    def _table(self, table: Table) -> None:
        self._para(table.caption, "Caption")
        rows = [table.header, *table.rows] + ([table.total] if table.total else [])
        grid = self.doc.add_table(rows=len(rows), cols=len(table.header))
        grid._tbl.tblPr.style = self._style_id("Table Grid")
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        last = len(rows) - 1
        for index, (row, values) in enumerate(zip(grid.rows, rows, strict=True)):
            bold = index == 0 or (table.total is not None and index == last)
            if index == 0:
                # Repeated at the top of each page the table runs over.
                header = OxmlElement("w:tblHeader")
                header.set(qn("w:val"), "true")
                row._tr.get_or_add_trPr().append(header)
            for column, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                paragraph = cell.paragraphs[0]
                self._styled(paragraph, "Table Text")
                if column in table.numeric:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                run = paragraph.add_run(value)
                if bold:
                    run.bold = True
        self.doc.add_paragraph()

    def _chart(self, chart: Chart) -> None:
        png = _chart_png(chart.svg)
        width = min(self.text_width, int(Cm(11) * _ratio(png)))
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run().add_picture(BytesIO(png), width=width)
        self._para(chart.title, "Caption")

    def build(self) -> bytes:
        self._title_page()
        self._footer()
        self._contents()
        self._vision()
        for section in self.reading.sections:
            self._section(section, 1)
        buffer = BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def plan_docx(reading: Reading) -> bytes:
    """The plan as a DOCX file: title page, a table of contents (a field the word
    processor updates), a heading per section and subsection, paragraphs with their
    sources, tables with header rows, charts as PNG images, the officers' notes, and the
    title and page number in the footer."""
    with translation.override(reading.language):
        return _Docx(reading).build()


# --- PDF ----------------------------------------------------------------------------------

PADDING = 1.2  # mm inside a table cell
RED = (176, 58, 46)
NOTE = (244, 241, 230)  # the fill behind an officers' note


class _Pdf(HousePDF):
    """An A4 page in the house font that prints every character it is given somehow (as
    :mod:`kotacerdas.events.documents` does).

    Text is wrapped here, a word's width measured once, and set line by line: fpdf2's
    own ``multi_cell`` re-measures a line at every character, which made a long plan
    take seconds. With ``measuring`` set, nothing is drawn and only the height advances,
    so a page can be tried before it is set.
    """

    def __init__(self, reading: Reading, *, footer: bool = True) -> None:
        super().__init__()
        self.reading = reading
        self.with_footer = footer
        self.measuring = False
        self._widths: dict[tuple[str, bool, float], float] = {}
        self.set_title(reading.title)
        self.set_subject(f"{reading.region}, {reading.horizon}")
        self.set_lang(LANGUAGE_TAGS.get(reading.language, reading.language))
        self.set_margins(15, 15)
        self.set_auto_page_break(True, margin=16)

    # text

    @staticmethod
    def line_height(size: float) -> float:
        return size * 0.3528 * 1.3

    def width_of(self, word: str, size: float, bold: bool) -> float:
        key = (word, bold, size)
        if key not in self._widths:
            self.font(size, bold=bold)
            self._widths[key] = self.get_string_width(word)
        return self._widths[key]

    def wrap(self, text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
        """``text`` in lines no wider than ``width`` (mm), broken between words, and
        within a word only when it is wider than a line by itself."""
        lines: list[str] = []
        space = self.width_of(" ", size, bold)
        for part in text.split("\n"):
            line, used = "", 0.0
            for word in part.split():
                wide = self.width_of(word, size, bold)
                if line and used + space + wide <= width:
                    line, used = f"{line} {word}", used + space + wide
                    continue
                if line:
                    lines.append(line)
                if wide > width:
                    *full, word = self._pieces(word, width, size, bold)
                    lines += full
                    wide = self.width_of(word, size, bold)
                line, used = word, wide
            lines.append(line)
        return lines

    def _pieces(self, word: str, width: float, size: float, bold: bool) -> list[str]:
        """A word too wide for a line, cut into pieces that fit."""
        pieces, piece, used = [], "", 0.0
        for char in word:
            wide = self.width_of(char, size, bold)
            if piece and used + wide > width:
                pieces.append(piece)
                piece, used = "", 0.0
            piece, used = piece + char, used + wide
        return [*pieces, piece]

    def text_block(
        self,
        text: str,
        size: float,
        *,
        bold: bool = False,
        align: str = "L",
        colour: tuple[int, int, int] | None = None,
        fill: tuple[int, int, int] | None = None,
    ) -> None:
        """A paragraph from the left margin to the right one, breaking pages as needed."""
        height = self.line_height(size)
        lines = self.wrap(text, self.epw - 2 * self.c_margin, size, bold=bold)
        if self.measuring:
            self.set_y(self.get_y() + height * len(lines))
            return
        self.font(size, bold=bold)
        if colour:
            self.set_text_color(*colour)
        if fill:
            self.set_fill_color(*fill)
        for line in lines:
            self.set_x(self.l_margin)
            self.cell(
                self.epw,
                height,
                line,
                align=align,
                fill=fill is not None,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        if colour:
            self.set_text_color(0, 0, 0)

    def heading(self, text: str, level: int) -> None:
        """A heading kept with what follows it, with its entry in the outline."""
        if self.will_page_break(40):
            self.add_page()
        else:
            self.ln(4 if level == 0 else 2)
        self.start_section(text, level=level)
        self.text_block(text, 15 if level == 0 else 12, bold=True)
        self.ln(1.5)

    def footer(self) -> None:
        if not self.with_footer or self.page_no() == 1:
            return
        parts = [_("DEMO")] if self.reading.demo else []
        title = self.reading.title
        parts.append(title if len(title) <= 90 else title[:89] + "…")
        parts.append(f"{self.page_no()} / {{nb}}")
        self.set_y(-11)
        self.font(7.5)
        self.set_text_color(*GREY)
        self.cell(0, 4, " · ".join(parts), align="C")
        self.set_text_color(0, 0, 0)

    # tables

    def grid(self, table: Table, widths: list[float], size: float) -> None:
        """A table with its header row repeated on each page it runs over, numbers aligned
        right, the total row in bold."""
        height = self.line_height(size)
        header = [
            self._cell_lines(text, width, size, True, False)
            for text, width in zip(table.header, widths, strict=True)
        ]
        rows = [(row, False) for row in table.rows]
        if table.total:
            rows.append((table.total, True))
        self._grid_row(header, widths, height, size, bold=True, fill=True, right=table.numeric)
        for values, bold in rows:
            lines = [
                self._cell_lines(v, w, size, bold, c in table.numeric)
                for c, (v, w) in enumerate(zip(values, widths, strict=True))
            ]
            needed = max(len(cell) for cell in lines) * height + 2 * PADDING
            if not self.measuring and self.will_page_break(needed):
                self.add_page()
                self._grid_row(
                    header, widths, height, size, bold=True, fill=True, right=table.numeric
                )
            self._grid_row(lines, widths, height, size, bold=bold, fill=False, right=table.numeric)

    def _cell_lines(self, text: str, width: float, size: float, bold: bool, number: bool):
        if number:  # an amount is never broken; the layout made room for it
            return [text]
        return self.wrap(text, width - 2 * PADDING, size, bold=bold)

    def _grid_row(self, lines, widths, height, size, *, bold, fill, right) -> None:
        top = self.get_y()
        row_height = max(len(cell) for cell in lines) * height + 2 * PADDING
        if self.measuring:
            self.set_y(top + row_height)
            return
        self.font(size, bold=bold)
        if fill:
            self.set_fill_color(232, 236, 240)
            self.rect(self.l_margin, top, sum(widths), row_height, style="F")
        x = self.l_margin
        for column, (cell, width) in enumerate(zip(lines, widths, strict=True)):
            for index, line in enumerate(cell):
                self.set_xy(x + PADDING, top + PADDING + index * height)
                self.cell(width - 2 * PADDING, height, line, align="R" if column in right else "L")
            x += width
        self.set_draw_color(190, 190, 190)
        self.line(self.l_margin, top + row_height, self.l_margin + sum(widths), top + row_height)
        self.set_draw_color(0, 0, 0)
        self.set_xy(self.l_margin, top + row_height)

    def bytes(self) -> bytes:
        return bytes(self.output())


def _table_layout(pdf: _Pdf, table: Table) -> tuple[float, list[float]]:
    """A font size and column widths (mm) for the page: amounts and short columns as wide
    as their longest value, the longer text columns sharing what is left (and wrapping);
    a smaller font when the amounts alone would not fit."""
    columns = range(len(table.header))
    rows = [(row, False) for row in table.rows]
    if table.total:
        rows.append((table.total, True))
    size = 8.0
    natural = [
        max(pdf.width_of(row[c], size, bold) for row, bold in [(table.header, True), *rows])
        + 2 * PADDING
        + 0.5
        for c in columns
    ]
    if sum(natural) <= pdf.epw:
        # Nothing wraps: the spare width is shared equally.
        spare = (pdf.epw - sum(natural)) / len(natural)
        return size, [w + spare for w in natural]
    for size in (8.0, 7.0, 6.5, 6.0):
        longest = []
        for c in columns:
            words = table.header[c].split() or [""]
            head = max(pdf.width_of(word, size, True) for word in words)
            cells = [pdf.width_of(row[c], size, bold) for row, bold in rows]
            longest.append(max([head, *cells]) + 2 * PADDING + 0.5)
        fixed = {c for c in columns if c in table.numeric or longest[c] <= 28}
        flexible = [c for c in columns if c not in fixed]
        room = pdf.epw - sum(longest[c] for c in fixed)
        if room >= 24 * len(flexible):
            break
    if not flexible or room <= 0:
        # Nothing to wrap: the columns share the page as their contents do.
        return size, [w * pdf.epw / sum(longest) for w in longest]
    widths = list(longest)
    wanted = sum(longest[c] for c in flexible)
    if wanted <= room:
        for c in flexible:
            widths[c] = longest[c] + (room - wanted) * longest[c] / wanted
    else:
        floor = min(24.0, room / len(flexible))
        spare = room - floor * len(flexible)
        extra = sum(longest[c] - floor for c in flexible)
        for c in flexible:
            widths[c] = floor + spare * (longest[c] - floor) / extra
    return size, widths


def _pdf_table(pdf: _Pdf, table: Table) -> None:
    size, widths = _table_layout(pdf, table)
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.text_block(table.caption, 8.5, bold=True)
    pdf.ln(0.5)
    pdf.grid(table, widths, size)
    pdf.ln(3)


def _pdf_chart(pdf: _Pdf, chart: Chart) -> None:
    png = _chart_png(chart.svg)
    ratio = _ratio(png)
    width = min(pdf.epw, 150.0, 95.0 * ratio)
    height = width / ratio
    if pdf.will_page_break(height + 8):
        pdf.add_page()
    pdf.image(BytesIO(png), x=pdf.l_margin + (pdf.epw - width) / 2, w=width, h=height)
    pdf.text_block(chart.title, 8, align="C", colour=GREY)
    pdf.ln(3)


def _pdf_section(pdf: _Pdf, section: Section, level: int) -> None:
    pdf.heading(section.title, level)
    for texts, sources in _cited(section.paragraphs):
        for text in texts:
            pdf.text_block(text, 9.5)
            pdf.ln(1.2)
        if sources:
            pdf.text_block(_sources_line(sources), 7, colour=GREY)
            pdf.ln(1.8)
    for table in section.tables:
        _pdf_table(pdf, table)
    for chart in section.charts:
        _pdf_chart(pdf, chart)
    _pdf_note(pdf, section.note)
    for sub in section.subsections:
        _pdf_section(pdf, sub, level + 1)


def _pdf_contents(pdf: FPDF, outline: list[OutlineSection]) -> None:
    assert isinstance(pdf, _Pdf)
    pdf.set_x(pdf.l_margin)
    pdf.text_block(_("Contents"), 15, bold=True)
    pdf.ln(3)
    for entry in outline:
        size = 10 if entry.level == 0 else 9
        pdf.font(size, bold=entry.level == 0)
        indent = 6.0 * entry.level
        link = pdf.add_link(page=entry.page_number)
        height = pdf.line_height(size) + 1
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(pdf.epw - indent - 15, height, entry.name, link=link)
        pdf.cell(15, height, str(entry.page_number), align="R", link=link)
        pdf.ln(height)


def _pdf_title_page(pdf: _Pdf) -> None:
    reading = pdf.reading
    pdf.add_page()
    pdf.set_y(80)
    pdf.text_block(reading.title, 22, bold=True, align="C")
    pdf.ln(4)
    pdf.text_block(reading.region, 14, align="C")
    pdf.text_block(_horizon_line(reading), 11, align="C")
    if reading.demo:
        pdf.ln(8)
        pdf.text_block(_demo_line(), 11, bold=True, align="C", colour=RED)


def _pdf_note(pdf: _Pdf, note: str) -> None:
    if note:
        pdf.text_block(_("Officers' note:"), 9, bold=True, fill=NOTE)
        pdf.text_block(note, 9, fill=NOTE)
        pdf.ln(2)


def _pdf_vision(pdf: _Pdf) -> None:
    reading = pdf.reading
    pdf.heading(_("Vision and mission"), 0)
    pdf.heading(_("Vision"), 1)
    pdf.text_block(reading.vision, 10)
    pdf.heading(_("Mission"), 1)
    for number, item in enumerate(reading.mission, start=1):
        pdf.text_block(f"{number}. {item}", 9.5)
        pdf.ln(0.8)
    _pdf_note(pdf, reading.vision_note)


def plan_pdf(reading: Reading) -> bytes:
    """The plan as a PDF: the same parts as the DOCX, with a contents page, bookmarks for
    every section and subsection, and page numbers in the footer."""
    with translation.override(reading.language):
        pdf = _Pdf(reading)
        _pdf_title_page(pdf)
        pdf.add_page()
        pdf.insert_toc_placeholder(_pdf_contents, pages=1)
        _pdf_vision(pdf)
        for section in reading.sections:
            _pdf_section(pdf, section, 0)
        return pdf.bytes()


# --- one-page summary ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Limits:
    """How much of each list and text the summary shows; tightened until it fits."""

    mission: int
    quick_wins: int
    text: int  # characters of the vision
    item: int  # characters of a mission or a programme title


SUMMARY_LIMITS = (
    _Limits(mission=6, quick_wins=10, text=700, item=160),
    _Limits(mission=5, quick_wins=8, text=550, item=130),
    _Limits(mission=4, quick_wins=6, text=400, item=110),
    _Limits(mission=3, quick_wins=4, text=240, item=80),
)


def _clip(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _more(items: list[str], limit: int) -> list[str]:
    """At most ``limit`` items, then "… and N more"."""
    if len(items) <= limit:
        return items
    return [*items[:limit], _("… and %(n)d more") % {"n": len(items) - limit}]


@dataclass(frozen=True)
class _Facts:
    gaps: Table | None
    quick_wins: list[tuple[str, str]]  # (id, title)
    budget: list[tuple[str, str]]  # (funding source, amount)
    total: str
    revenue_count: int


def _summary_facts(reading: Reading) -> _Facts:
    """What the summary shows, read off the sections' tables: the reading is the one
    source of every figure in every file."""
    sections = _sections(reading)

    def first_table(key: str) -> Table | None:
        section = sections.get(key)
        return section.tables[0] if section and section.tables else None

    gaps = first_table("gaps")
    wins = first_table("quick_wins")
    budget = first_table("budget")
    revenue = first_table("revenue")
    by_source: list[tuple[str, str]] = []
    total = "—"
    if budget is not None and budget.total:
        by_source = list(zip(budget.header[1:-1], budget.total[1:-1], strict=True))
        total = budget.total[-1]
    return _Facts(
        gaps=Table(
            gaps.caption,
            gaps.header,
            [[_clip(row[0], 60), *row[1:]] for row in gaps.rows[:SUMMARY_GAPS]],
            numeric=gaps.numeric,
        )
        if gaps and gaps.rows
        else None,
        quick_wins=[(row[0], row[1]) for row in wins.rows] if wins else [],
        budget=by_source,
        total=total,
        revenue_count=len(revenue.rows) if revenue else 0,
    )


def _summary_body(pdf: _Pdf, facts: _Facts, limits: _Limits) -> None:
    reading = pdf.reading

    def label(text: str) -> None:
        pdf.ln(2.5)
        pdf.text_block(text, 10.5, bold=True)
        pdf.ln(0.5)

    pdf.text_block(_clip(reading.title, 160), 16, bold=True)
    pdf.text_block(f"{reading.region} · {_horizon_line(reading)}", 10.5)
    if reading.demo:
        pdf.text_block(_demo_line(), 9, bold=True, colour=RED)

    label(_("Vision"))
    pdf.text_block(_clip(reading.vision, limits.text), 9)
    label(_("Mission"))
    missions = [f"{n}. {_clip(m, limits.item)}" for n, m in enumerate(reading.mission, 1)]
    for line in _more(missions, limits.mission):
        pdf.text_block(line, 9)

    label(_("Largest gaps to similar regions"))
    if facts.gaps is not None:
        size, widths = _table_layout(pdf, facts.gaps)
        pdf.grid(facts.gaps, widths, size)
    else:
        pdf.text_block(_("No gap is known yet."), 9)

    label(_("Quick wins"))
    if facts.quick_wins:
        lines = [f"{pid} · {_clip(title, limits.item)}" for pid, title in facts.quick_wins]
        for line in _more(lines, limits.quick_wins):
            pdf.text_block(line, 9)
    else:
        pdf.text_block(_("No programme qualifies as a quick win yet."), 9)

    label(_("Budget"))
    pdf.text_block(_("Total estimated cost: %(total)s") % {"total": facts.total}, 9.5, bold=True)
    for source, amount in facts.budget:
        pdf.text_block(f"{source}: {amount}", 9)
    pdf.ln(1)
    pdf.text_block(
        _("Programmes expected to raise regional revenue (PAD): %(n)d")
        % {"n": facts.revenue_count},
        9.5,
    )


def summary_pdf(reading: Reading) -> bytes:
    """The plan on one A4 page: title, region, horizon, vision, mission, the largest gaps,
    the quick wins, the budget by funding source and the number of programmes expected to
    raise regional revenue. Long lists end with "… and N more", and lists and texts are
    cut shorter until the page holds them all."""
    with translation.override(reading.language):
        facts = _summary_facts(reading)
        pdf = _Pdf(reading, footer=False)
        pdf.set_auto_page_break(False)
        pdf.set_margins(16, 14)
        pdf.add_page()
        bottom = pdf.h - 18
        pdf.measuring = True
        for limits in SUMMARY_LIMITS:
            pdf.set_y(pdf.t_margin)
            _summary_body(pdf, facts, limits)
            if pdf.get_y() <= bottom:
                break
        pdf.measuring = False
        pdf.set_y(pdf.t_margin)
        _summary_body(pdf, facts, limits)
        pdf.set_y(pdf.h - 12)
        pdf.font(7)
        pdf.set_text_color(*GREY)
        pdf.cell(0, 4, _("A summary; the full plan names the source of every figure."))
        return pdf.bytes()
