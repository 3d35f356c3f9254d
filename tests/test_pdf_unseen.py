"""PDF layouts the dev set lacks (issue #15), each a small page typeset here: the failure pattern
seen on held-out documents, fixed by method rather than for one file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import reportlab
from pdfbytes import assemble
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile
from reportlab.pdfgen.canvas import Canvas

from pipeline.extract import ExtractOptions, extract
from tests.test_extract_pdf import _pdf_capture

BODY = ("The survey asked every household how far it lived from the nearest clinic and how often "
        "it could reach one in the rainy season, when most roads are closed for weeks at a time.")


def _extract(tmp_path: Path, draw) -> object:
    """A page of body text with what ``draw`` adds to it."""
    def page(canvas):
        canvas.setFont("Times-Roman", 11)
        for row in range(12):
            start = (row * 45) % (len(BODY) - 45)
            canvas.drawString(72, 700 - 14 * row, BODY[start:start + 45] + " and so on")
        draw(canvas)
    return _typeset(tmp_path, page)


def test_footer_date_is_no_note(tmp_path):
    """A journal's footer date under the text is small print opening with a number, but a day,
    a month and a year are no note label."""
    def footer(canvas):
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(72, 60, "13 DECEMBER 1968")

    result = _extract(tmp_path, footer)
    assert not any(f.label == "13" for f in result.footnotes)
    assert any("13 DECEMBER 1968" in b.text for b in result.blocks) or any(
        "13 DECEMBER 1968" in r.text for r in result.removed)


def test_lone_chapter_page_number_on_a_one_page_document(tmp_path):
    """Repetition cannot prove a one-page document's page number; its shape and its place
    (alone in the bottom margin) can."""
    def number(canvas):
        canvas.setFont("Times-Roman", 9)
        canvas.drawCentredString(306, 40, "7-45")

    result = _extract(tmp_path, number)
    assert not any("7-45" in b.text for b in result.blocks)
    assert [r.rule for r in result.removed if r.text == "7-45"] == ["page-number"]


def test_dingbat_bullets_open_list_items(tmp_path):
    """Wingdings, ZapfDingbats and Symbol bullets map to letters or punctuation ("n", "!"),
    set smaller and a tab before their text: each opens a list item, not a paragraph of its
    own or a raised note label."""
    def bullets(canvas):
        for i, (font, code) in enumerate((("ZapfDingbats", "l"), ("Symbol", "\xb7"),
                                          ("ZapfDingbats", "n"))):
            canvas.setFont(font, 9)
            canvas.drawString(80, 480 - 16 * i, code)
            canvas.setFont("Times-Roman", 11)
            canvas.drawString(110, 480 - 16 * i, f"Item number {i} of the list")

    result = _extract(tmp_path, bullets)
    items = [b.text for b in result.blocks if b.kind == "list_item"]
    assert items == [f"• Item number {i} of the list" for i in range(3)]


def _typeset(tmp_path: Path, draw, rename: tuple[bytes, bytes] | None = None) -> object:
    """One page drawn by ``draw`` alone; ``rename`` swaps a font's name in the file (same
    length, so the cross-reference offsets hold) for one that does not say its weight."""
    return _typeset_pages(tmp_path, [draw], rename)


def _typeset_pages(tmp_path: Path, pages: list, rename: tuple[bytes, bytes] | None = None
                   ) -> object:
    """One page per function in ``pages``, each drawing on the canvas; extracted."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(612, 792))
    for draw in pages:
        draw(canvas)
        canvas.showPage()
    canvas.save()
    data = buffer.getvalue()
    if rename:
        assert len(rename[0]) == len(rename[1]) and rename[0] in data
        data = data.replace(rename[0], rename[1])
    return _extract_file(tmp_path, data)


def _extract_file(tmp_path: Path, data: bytes, name: str = "page.pdf") -> object:
    """``data`` saved as ``name`` and extracted as a local file is."""
    capture, data = _pdf_capture(tmp_path, data, name)
    return extract(data, capture, ExtractOptions())


def _paragraph(canvas, top: float, rows: int = 6, x: float = 72, size: float = 10,
               font: str = "Times-Roman") -> float:
    """``rows`` lines of body text from ``top`` down at normal leading; the next free y."""
    canvas.setFont(font, size)
    for row in range(rows):
        start = (row * 37) % (len(BODY) - 60)
        canvas.drawString(x, top - 1.2 * size * row, BODY[start:start + 60].strip())
    return top - 1.2 * size * rows


def _heavy_font() -> str:
    """A bold TrueType font (reportlab's own Vera Bold: its descriptor says bold)."""
    if "VeraBd" not in pdfmetrics.getRegisteredFontNames():
        fonts = Path(reportlab.__file__).parent / "fonts"
        pdfmetrics.registerFont(TTFont("VeraBd", str(fonts / "VeraBd.ttf")))
    return "VeraBd"


VERA_MEDIUM = (b"BitstreamVeraSans-Bold", b"BitstreamVeraSans-Medi")
"""URW's bold Times is NimbusRomNo9L-Medi; Helvetica Neue's is HelveticaNeue-BdCn: names that
do not say bold, while the font's descriptor (stem width, ForceBold) does."""


def test_body_size_headings_bold_by_the_font_descriptor(tmp_path):
    """Numbered headings set bold at the body size, in a font whose name does not say bold:
    the descriptor's weight makes them headings, not the first line of their paragraph."""
    def page(canvas):
        font = _heavy_font()
        y = 720
        for heading in ("1 Background", "3.1 Web crawling and basic clustering"):
            canvas.setFont(font, 10)
            canvas.drawString(72, y, heading)
            y = _paragraph(canvas, y - 13) - 14

    result = _extract_blocks(_typeset(tmp_path, page, VERA_MEDIUM))
    assert [t for k, t in result if k == "heading"] == [
        "1 Background", "3.1 Web crawling and basic clustering"]


def test_own_line_bold_heading_is_split_from_its_paragraph(tmp_path):
    """A bold heading on its own line, at normal leading above its paragraph (a handbook's
    'Boots Self-Locking Nut'), is no part of the paragraph."""
    def page(canvas):
        canvas.setFont(_heavy_font(), 10)
        canvas.drawString(72, 700, "Boots Self-Locking Nut")
        _paragraph(canvas, 688)

    result = _extract_blocks(_typeset(tmp_path, page, VERA_MEDIUM))
    assert result[0] == ("heading", "Boots Self-Locking Nut")
    assert result[1][0] == "paragraph" and not result[1][1].startswith("Boots")


def _extract_blocks(result) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in result.blocks]


def test_all_caps_headings_at_body_size(tmp_path):
    """Headings in capitals at the body size and weight, standing apart above their text,
    and the document's title set the same way at the top of its first page."""
    def page(canvas):
        canvas.setFont("Times-Roman", 10)
        canvas.drawCentredString(306, 740, "DIGITAL MILLENNIUM COPYRIGHT ACT")
        y = _paragraph(canvas, 710) - 14
        for heading in ("TITLE I: WIPO TREATY IMPLEMENTATION", "INTRODUCTION"):
            canvas.setFont("Times-Roman", 10)
            canvas.drawString(72, y, heading)
            y = _paragraph(canvas, y - 18) - 14
        # capitals that head no prose: a query's lines, a formula
        for line in ("SELECT NAME, SALARY FROM STAFF", "WHERE DEPT = 'HR' ORDER BY NAME;",
                     "A = (A + B) * (A - C)"):
            canvas.setFont("Courier", 10)
            canvas.drawString(72, y, line)
            y -= 24
        _paragraph(canvas, y)

    result = _extract_blocks(_typeset(tmp_path, page))
    assert [t for k, t in result if k == "heading"] == [
        "DIGITAL MILLENNIUM COPYRIGHT ACT", "TITLE I: WIPO TREATY IMPLEMENTATION",
        "INTRODUCTION"]


def test_bibliography_at_a_page_bottom_is_no_footnotes(tmp_path):
    """A paper's last page: numbered references in small print under a 'References' heading
    sit where notes sit, but nothing in the text is marked with their numbers."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=20) - 16
        canvas.setFont("Times-Bold", 12)
        canvas.drawString(72, y, "References")
        canvas.setFont("Times-Roman", 8)
        for i in range(1, 7):
            y -= 12
            canvas.drawString(72, y, f"{i}. A. Author and B. Writer. A study of things, "
                                     f"volume {i}. Publisher, 2009.")

    result = _typeset(tmp_path, page)
    assert result.footnotes == ()
    assert sum("A study of things" in b.text for b in result.blocks) >= 1


def test_chart_tick_labels_are_no_footnotes(tmp_path):
    """A bar chart drawn with rectangles only: its small axis labels under the text open with
    numbers, but no marker in the text points at them."""
    def page(canvas):
        _paragraph(canvas, 720, rows=12)
        for i, height in enumerate((40, 80, 60, 100)):
            canvas.rect(120 + 60 * i, 120, 30, height, fill=1)
        canvas.line(100, 120, 380, 120)
        canvas.setFont("Helvetica", 7)
        for i, year in enumerate(("2010", "2011", "2012", "2013")):
            canvas.drawString(122 + 60 * i, 110, year)
        canvas.drawString(80, 100, "0 20 40 60 80 100 percent of households")

    result = _typeset(tmp_path, page)
    assert result.footnotes == ()


def test_author_note_on_the_first_page(tmp_path):
    """An author note marked with TeX's asterisk (∗, U+2217) after a name, printed small at
    the page bottom."""
    def page(canvas):
        canvas.setFont("Times-Bold", 16)
        canvas.drawCentredString(306, 740, "Clustering News Across Languages")
        canvas.setFont("Times-Roman", 11)
        canvas.drawCentredString(300, 715, "Ann Author")
        canvas.setFont("Symbol", 7)
        canvas.drawString(358, 719, "∗")
        _paragraph(canvas, 680, rows=30)
        canvas.setFont("Symbol", 6)
        canvas.drawString(72, 66, "∗")
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(77, 62, "Work done while the author was at the University of Nowhere.")

    result = _typeset(tmp_path, page)
    assert [f.text for f in result.footnotes] == [
        "Work done while the author was at the University of Nowhere."]


def test_vertical_margin_stamp_is_furniture(tmp_path):
    """A workshop's stamp set sideways in the left margin (rotated by the page's transform,
    not the text matrix) is no passage."""
    stamp = "published at http://ceur-ws.org/Vol-1234"

    def page(canvas):
        _paragraph(canvas, 720, rows=20)
        canvas.saveState()
        canvas.translate(40, 300)
        canvas.rotate(90)
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(0, 0, stamp)
        canvas.restoreState()

    result = _typeset(tmp_path, page)
    assert not any("ceur" in b.text for b in result.blocks)
    assert any("ceur" in r.text for r in result.removed)


@pytest.mark.parametrize("equation", ["E = m c2 + p v (1)", "E = m c2 + p v,"])
def test_caption_after_a_display_equation(tmp_path, equation):
    """A figure caption set right under a display equation, at the body size and leading,
    is a caption of its own, not the equation paragraph's last line: whether the equation
    ends in its number or, set in its sentence, in a comma."""
    def page(canvas):
        y = _paragraph(canvas, 720)
        canvas.setFont("Times-Italic", 10)
        canvas.drawCentredString(306, y, equation)
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, y - 12, "Figure 3: The pipeline of the clustering system, "
                                      "from crawl to clusters.")
        _paragraph(canvas, y - 40)

    result = _extract_blocks(_typeset(tmp_path, page))
    assert [t for k, t in result if k == "caption"] == [
        "Figure 3: The pipeline of the clustering system, from crawl to clusters."]


def test_caption_labels_in_other_spellings_after_display_equations(tmp_path):
    """Captions right under display equations at the body size and leading are told by their
    label alone: ``Fig`` without its full stop, a colon or a dash with no space before the
    title (a text layer that drops it, a report's ``Figure 5—``), and an appendix's or a
    supplement's figure (``Appendix Figure A1.``)."""
    captions = ["Fig 2. The pipeline of the clustering system, from crawl to clusters.",
                "Figure 4:Clusters found per month in the crawl of the news sites.",
                "Figure 5\u2014Estimated costs of the crawl for each of the sites.",
                "Appendix Figure A1. Share of pages kept after the duplicates were removed."]

    def page(canvas):
        y = _paragraph(canvas, 740, rows=3)
        for n, caption in enumerate(captions):
            canvas.setFont("Times-Italic", 10)
            canvas.drawCentredString(306, y, f"E = m c2 + p v ({n + 1})")
            canvas.setFont("Times-Roman", 10)
            canvas.drawString(72, y - 12, caption)
            y = _paragraph(canvas, y - 40, rows=3)

    result = _extract_blocks(_typeset(tmp_path, page))
    assert [t for k, t in result if k == "caption"] == captions


def test_running_head_printed_on_one_page_only_above_the_text(tmp_path):
    """A brochure's title printed as the running head of its second page only, in the margin
    above the text, whose first line stands where the first page's text starts: furniture,
    though it recurs nowhere. A later page's heading at the top of the text stays, and so
    does one above the text of a first page that starts lower (a chapter's opening page)."""
    def first(canvas):
        canvas.setFont("Helvetica-Bold", 12)
        canvas.drawString(72, 720, "Preparing for the clinic visit")
        _paragraph(canvas, 700, rows=40)

    def second(canvas):
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawString(72, 760, "Your Guide to Rural Clinics")
        canvas.setFont("Helvetica-Bold", 12)
        canvas.drawString(72, 720, "What the clinics offer")
        _paragraph(canvas, 700, rows=40)

    result = _typeset_pages(tmp_path, [first, second])
    assert not any("Your Guide" in b.text for b in result.blocks)
    assert any(r.text == "Your Guide to Rural Clinics" for r in result.removed)
    headings = [b.text for b in result.blocks if b.kind == "heading"]
    assert headings == ["Preparing for the clinic visit", "What the clinics offer"]

    def opening(canvas):
        canvas.setFont("Helvetica-Bold", 12)
        canvas.drawString(72, 560, "Preparing for the clinic visit")
        _paragraph(canvas, 540, rows=28)

    def later(canvas):
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawString(72, 760, "Reaching the clinics")
        _paragraph(canvas, 730, rows=40)

    result = _typeset_pages(tmp_path, [opening, later])
    assert "Reaching the clinics" in [b.text for b in result.blocks]


def test_caption_set_bold_and_larger_than_the_text_is_a_caption(tmp_path):
    """A report's table and figure titles set bold and a step larger than its text (``Table
    1.`` over its rows, ``Figure 2:`` over its chart) open with a caption's label: captions,
    not headings, though set as a heading would be."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=12, size=9)
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawString(72, y - 24, "Table 1. Clinics and roads by district")
        canvas.setFont("Times-Roman", 9)
        y -= 44
        for k in range(1, 8):
            for x, cell in ((72, f"District {k} north"), (260, f"{k * 13}"), (330, f"{k * 7}.5")):
                canvas.drawString(x, y, cell)
            y -= 12
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawString(72, y - 24, "Figure 2: Share of households by distance")
        canvas.rect(72, y - 200, 300, 160)
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawString(72, y - 230, "Distance and season")
        _paragraph(canvas, y - 250, rows=8, size=9)

    kinds = dict((t, k) for k, t in _extract_blocks(_typeset(tmp_path, page)))
    assert kinds["Table 1. Clinics and roads by district"] == "caption"
    assert kinds["Figure 2: Share of households by distance"] == "caption"
    assert kinds["Distance and season"] == "heading"


def test_caption_label_a_tab_before_its_title_on_its_row(tmp_path):
    """A journal's caption style: the label in bold (``Table 1``), its title in the text face
    a tab to its right on the same row. The label alone was a heading and its title a
    paragraph; together they are the table's caption."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=12)
        canvas.setFont("Times-Bold", 9)
        canvas.drawString(72, y - 20, "Table 1")
        canvas.setFont("Times-Roman", 9)
        canvas.drawString(130, y - 20, "Households by distance to the nearest clinic")
        canvas.rect(72, y - 140, 400, 110)
        _paragraph(canvas, y - 170, rows=10)

    result = _extract_blocks(_typeset(tmp_path, page))
    captions = [" ".join(t.split()) for k, t in result if k == "caption"]
    assert captions == ["Table 1 Households by distance to the nearest clinic"]
    assert not any(k == "heading" for k, _ in result)


def _line_chart(canvas, x0: float, base: float) -> None:
    """A drawn line chart 300 wide and 120 tall over ``base``, its year ticks under it."""
    canvas.line(x0, base, x0 + 300, base)
    canvas.line(x0, base, x0, base + 120)
    path = canvas.beginPath()
    path.moveTo(x0, base + 10)
    path.curveTo(x0 + 100, base + 100, x0 + 200, base + 20, x0 + 295, base + 110)
    canvas.drawPath(path)
    canvas.setFont("Times-Roman", 8)
    for i, tick in enumerate(("2010", "2015", "2020")):
        canvas.line(x0 + 20 + 120 * i, base, x0 + 20 + 120 * i, base - 4)
        canvas.drawString(x0 + 12 + 120 * i, base - 12, tick)


@pytest.mark.parametrize("caption", [["Figure 3. Trends"],
                                     ["Figure 3: Share of households by", "distance to a clinic"]])
def test_short_caption_set_close_over_a_drawing_is_no_label_of_it(tmp_path, caption):
    """A figure's short caption set a few points over its drawn chart, within the reach of
    the chart's labels, one line or wrapped over two: a caption read before the chart (it was
    read among the chart's tick labels, and the passage was no caption)."""
    def page(canvas):
        _paragraph(canvas, 720, rows=5)
        _line_chart(canvas, 120, 480)
        canvas.setFont("Times-Roman", 9)
        for row, text in enumerate(reversed(caption)):
            canvas.drawString(120, 604 + 11 * row, text)
        _paragraph(canvas, 400, rows=5)

    result = [(k, " ".join(t.split())) for k, t in _extract_blocks(_typeset(tmp_path, page))]
    kinds = [k for k, _ in result]
    assert ("caption", " ".join(caption)) in result
    assert ("figure", "2010 2015 2020") in result
    assert kinds.index("caption") == kinds.index("figure") - 1


def test_a_tables_header_rule_under_its_title_separates_no_notes(tmp_path):
    """A table in small print at the page's foot, its title over a rule and its rows under
    it: the rule is the table's header rule, not a note separator, and a row's numbers
    (``4  0.5  0.1``) open no note (under the rule they were taken for note 4)."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=20) - 30
        canvas.setFont("Times-Bold", 10)
        canvas.drawString(72, y, "Table 2. Rates by region")
        canvas.line(72, y - 6, 400, y - 6)
        canvas.setFont("Times-Roman", 9)
        for k in range(8):
            y -= 12
            for x, cell in ((72, f"Region {k + 1}"), (220, f"{k * 13 + 4}"),
                            (300, f"{k * 7}.5"), (380, f"{k * 3}.1")):
                canvas.drawString(x, y - 8, cell)

    result = _typeset(tmp_path, page)
    assert not result.footnotes
    assert any(b.text.startswith("Region 1") for b in result.blocks)


def test_marker_nearer_another_columns_row_links(tmp_path):
    """A raised note number in mid-line whose baseline lies nearer the next column's row (set
    a point and a half higher) than its own line's: it is still its line's marker, linked to
    the note, not a stray '1' of its own."""
    def page(canvas):
        _paragraph(canvas, 700, rows=8, x=72, size=9)
        _paragraph(canvas, 701.5, rows=8, x=330, size=9)
        canvas.setFont("Times-Roman", 9)
        canvas.drawString(72, 610, "Reports")
        canvas.drawString(330, 611.5, "and the operator agreed")
        x = 72 + canvas.stringWidth("Reports", "Times-Roman", 9) + 0.5
        canvas.setFont("Times-Roman", 5.85)
        canvas.drawString(x, 612, "1")
        canvas.setFont("Times-Roman", 9)
        canvas.drawString(x + 6, 610, "from the accident")
        _paragraph(canvas, 599, rows=4, x=72, size=9)
        canvas.line(72, 120, 160, 120)
        canvas.setFont("Times-Roman", 5.85)
        canvas.drawString(72, 112, "1")
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(76, 110, "The board's final report of the accident.")

    result = _typeset(tmp_path, page)
    assert [(f.label, f.text) for f in result.footnotes] == [
        ("1", "The board's final report of the accident.")]
    cited = [b for b in result.blocks if "1" in b.footnote_refs]
    assert len(cited) == 1 and "Reports from the accident" in cited[0].text
    assert not any(b.text.strip() == "1" for b in result.blocks)


def test_affiliation_numbers_are_no_note_markers(tmp_path):
    """A paper's author line numbers its affiliations with raised digits, and each affiliation
    line opens with its number: a note 1 at the page bottom is cited by the text's marker,
    not by the first author's affiliation."""
    def raised(canvas, x, y, text, label):
        canvas.setFont("Times-Roman", 11)
        canvas.drawString(x, y, text)
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(x + canvas.stringWidth(text, "Times-Roman", 11) + 0.5, y + 4, label)

    def page(canvas):
        canvas.setFont("Times-Bold", 16)
        canvas.drawCentredString(306, 740, "Question Answering over Many Languages")
        x = 180
        for i, name in enumerate(("Ann Author", ", Bob Writer", ", Cy Coder")):
            raised(canvas, x, 715, name, str(i + 1))
            x += canvas.stringWidth(name, "Times-Roman", 11) + 4
        for i, place in enumerate(("University of Nowhere", "Institute of Elsewhere",
                                   "College of Somewhere")):
            canvas.setFont("Times-Roman", 7)
            canvas.drawString(230, 698 - 13 * i + 4, str(i + 1))
            canvas.setFont("Times-Roman", 10)
            canvas.drawString(235, 698 - 13 * i, place)
        y = _paragraph(canvas, 640, rows=10, size=10)
        raised(canvas, 72, y, "The task was run for the first time", "1")
        _paragraph(canvas, y - 12, rows=10, size=10)
        canvas.line(72, 100, 160, 100)
        canvas.setFont("Times-Roman", 6)
        canvas.drawString(72, 92, "1")
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(76, 90, "In the evaluation campaign of that year.")

    result = _typeset(tmp_path, page)
    assert [f.label for f in result.footnotes] == ["1"]
    cited = [b.text for b in result.blocks if b.footnote_refs]
    assert len(cited) == 1 and "The task was run for the first time" in cited[0]


def test_title_repeated_as_the_running_head_is_kept(tmp_path):
    """A report's title, set large at the top of its first page, comes back small as the
    running head of the pages after it: the heads are furniture, the title is not."""
    title = "The Digital Millennium Copyright Act"
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(612, 792))
    for number in range(1, 5):
        if number == 1:
            canvas.setFont("Times-Bold", 16)
            canvas.drawCentredString(306, 740, title)
        else:
            canvas.setFont("Times-Italic", 9)
            canvas.drawCentredString(306, 745, title)
        canvas.setFont("Times-Roman", 10)
        for row in range(40):
            canvas.drawString(72, 700 - 14 * row, f"Page {number}, line {row}: " + BODY[:60])
        canvas.showPage()
    canvas.save()
    result = _extract_file(tmp_path, buffer.getvalue(), "report.pdf")
    assert (result.blocks[0].kind, result.blocks[0].text) == ("heading", title)
    assert [r.locator.page_number for r in result.removed if r.text == title] == [2, 3, 4]


def test_labels_on_a_picture_are_no_headings(tmp_path):
    """A call-out set large on a photograph or a pasted chart labels the picture: it heads no
    text, whatever its size or weight."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    def page(canvas):
        y = _paragraph(canvas, 720, rows=8)
        picture = Image.new("RGB", (40, 30), (200, 220, 240))
        canvas.drawImage(ImageReader(picture), 120, y - 230, width=300, height=200)
        canvas.setFont("Helvetica-Bold", 13)
        canvas.drawString(150, y - 80, "Newspapers")
        canvas.drawString(300, y - 160, "Boots self-locking nut")
        _paragraph(canvas, y - 260, rows=8)

    result = _extract_blocks(_typeset(tmp_path, page))
    assert [t for k, t in result if k == "heading"] == []
    assert any("Newspapers" in t for _, t in result)


@pytest.mark.parametrize(("font", "kind"), [("Times-Italic", "caption"),
                                             ("Times-Roman", "paragraph")])
def test_a_photographs_caption_in_italics_at_the_texts_size(tmp_path, font, kind):
    """A photograph's caption without a label, one line in italics right under it at the
    text's size: a caption (only small print by a picture was one); the same line set like
    the text stays a paragraph."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    def page(canvas):
        y = _paragraph(canvas, 720, rows=5)
        picture = Image.new("RGB", (40, 30), (200, 220, 240))
        canvas.drawImage(ImageReader(picture), 72, y - 190, width=260, height=160)
        canvas.setFont(font, 10)
        canvas.drawString(72, y - 204, "The new clinic at Juba, opened in May.")
        _paragraph(canvas, y - 240, rows=5)

    result = _extract_blocks(_typeset(tmp_path, page))
    assert (kind, "The new clinic at Juba, opened in May.") in result


@pytest.mark.parametrize(("slug", "first_number", "slug_size", "slug_y"), [
    ("Proceedings of the 50th Annual Meeting of the Society, pages 11-21", 11, 8, 76),
    # an ACL paper's slug a few points under its number, closer than a margin line keeps
    # clear of others: the number, alone on its row under the text, still closes the text
    ("Proceedings of the 58th Annual Meeting of the Association, pages 2270-2282", 2270, 9,
     90),
])
def test_slug_under_the_first_pages_number_is_furniture(tmp_path, slug, first_number,
                                                          slug_size, slug_y):
    """A proceedings paper prints its citation line once, under the first page's number: no
    repetition proves it, but nothing of a page's text is printed below its folio."""

    def page(number):
        def draw(canvas):
            canvas.setFont("Times-Roman", 10)
            for row in range(45):
                canvas.drawString(72, 720 - 12 * row, f"Page {number}, line {row}: {BODY[:60]}")
            canvas.drawCentredString(306, 100, str(first_number - 1 + number))
            if number == 1:
                canvas.setFont("Times-Italic", slug_size)
                canvas.drawCentredString(306, slug_y, slug)
        return draw

    result = _typeset_pages(tmp_path, [page(1), page(2), page(3)])
    assert not any(slug in b.text for b in result.blocks)
    assert [r.locator.page_number for r in result.removed if r.text == slug] == [1]


def test_back_matter_in_small_print_is_no_notes(tmp_path):
    """An article's back matter (author details, competing interests) is set in small print
    under its own small headings: a raised affiliation number opens its first line, but small
    print under a heading, or under small print that is no note, is a section, not notes."""
    def page(canvas):
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, 720, "Our study of clinics in the district")
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(229, 724, "1")
        y = _paragraph(canvas, 706, rows=20) - 14
        canvas.setFont("Helvetica-Bold", 7.5)
        canvas.drawString(72, y, "Author details")
        canvas.setFont("Helvetica", 5)
        canvas.drawString(72, y - 7, "1")
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(75, y - 10, "Department of Surgery, University of Calgary, Calgary, Canada.")
        canvas.setFont("Helvetica-Bold", 7.5)
        canvas.drawString(72, y - 30, "Competing interests")
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(72, y - 40, "The authors declare that they have no competing interests.")

    result = _typeset(tmp_path, page)
    assert result.footnotes == ()
    assert any("no competing interests" in b.text for b in result.blocks)


def test_a_lone_number_between_notes_does_not_end_the_note_area(tmp_path):
    """Small print under small print that is no note is a section set small, but a lone
    number is no section: the scanned sample report's note 33 ends ``p.`` / ``74.`` and the
    scan read ``74.`` smaller than its note, a block of its own (#16: note 34 under it was
    read as a paragraph)."""
    def page(canvas):
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, 720, "Tom O'Neill recounts the stories of two young women")
        canvas.drawString(72, 706, "Mike Kim wrote about the brokers in the border towns")
        canvas.setFont("Times-Roman", 6.5)
        canvas.drawString(72 + canvas.stringWidth("Tom O'Neill recounts the stories of two "
                                                  "young women", "Times-Roman", 10) + 1, 724, "1")
        canvas.drawString(72 + canvas.stringWidth("Mike Kim wrote about the brokers in the "
                                                  "border towns", "Times-Roman", 10) + 1, 710, "2")
        _paragraph(canvas, 692, rows=30)
        canvas.line(72, 300, 200, 300)
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(72, 290, "1 Tom O'Neill, Escaping North Korea, National Geographic, "
                                   "February 2009, p.")
        canvas.setFont("Times-Roman", 5)
        canvas.drawString(72, 282, "74.")
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(72, 270, "2 Mike Kim, Escaping North Korea (Lanham, MD: Rowman & "
                                   "Littlefield, 2008), pp. 83-84.")

    result = _typeset(tmp_path, page)
    assert [f.label for f in result.footnotes] == ["1", "2"]
    assert result.footnotes[1].text.startswith("Mike Kim")


def test_licence_line_under_the_notes_is_no_note(tmp_path):
    """A first page's notes sit under a separator rule at the foot of one column; the licence
    line printed under them across the page is neither under that rule nor in that column."""
    def page(canvas):
        canvas.setFont("Times-Bold", 16)
        canvas.drawCentredString(306, 740, "Complications of prophylaxis in trauma")
        _paragraph(canvas, 700, rows=45, x=60, size=9)
        _paragraph(canvas, 700, rows=45, x=330, size=9)
        canvas.line(60, 198, 240, 198)
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(60, 188, "* Correspondence: ball.chad@example.org")
        canvas.setFont("Times-Roman", 6.5)
        canvas.drawString(150, 160, "© 2010 Datta et al; licensee Central Ltd. This is an Open Access "
                                    "article distributed under the terms of the licence.")

    result = _typeset(tmp_path, page)
    assert [f.text for f in result.footnotes] == ["Correspondence: ball.chad@example.org"]


def test_body_size_is_the_texts_not_the_reference_lists(tmp_path):
    """A short paper (or a sample of its pages) whose reference list in small print holds
    more text than its body: the body's size is the text's before the list, so the first
    page's footnote is still small print under the body."""
    def first(canvas):
        canvas.setFont("Times-Roman", 10)
        for row in range(40):
            canvas.drawString(72, 720 - 13 * row, f"Line {row} of the text: {BODY[:55]}")
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(72 + 10 + canvas.stringWidth(f"Line 39 of the text: {BODY[:55]}",
                                                       "Times-Roman", 10) - 10, 720 - 13 * 39 + 4,
                          "1")
        canvas.line(72, 150, 200, 150)
        canvas.setFont("Times-Roman", 7.5)
        canvas.drawString(72, 140, "1 The survey was run by the district's health office in 2019.")

    def references(start):
        def draw(canvas):
            if start == 1:
                canvas.setFont("Times-Bold", 10)
                canvas.drawString(72, 755, "References")
            canvas.setFont("Times-Roman", 7.5)
            for row in range(70):
                canvas.drawString(72, 740 - 9.5 * row, f"{start + row}. A. Author and B. Writer. "
                                  f"A study of clinics and roads, volume {row}. Publisher, 2009.")
        return draw

    result = _typeset_pages(tmp_path, [first, references(1), references(71)])
    assert [f.label for f in result.footnotes] == ["1"]


def test_table_titles_in_other_languages_are_captions(tmp_path):
    """A French table title (``Tableau 2 :``) in small print under a rule, and a Spanish one
    (``Cuadro 1.``) over its table: captions in the document's language, neither a note nor
    a paragraph."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=30) - 10
        canvas.setFont("Times-Bold", 9)
        canvas.drawString(72, y - 4, "Cuadro 1. Hogares por distancia a la clínica")
        canvas.rect(72, y - 80, 300, 60)
        canvas.line(72, 150, 400, 150)
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(72, 140, "Tableau 2 : Désordres acido-basiques simples")

    result = _typeset(tmp_path, page)
    assert result.footnotes == ()
    kinds = {b.text: b.kind for b in result.blocks}
    assert kinds.get("Tableau 2 : Désordres acido-basiques simples") == "caption"
    assert kinds.get("Cuadro 1. Hogares por distancia a la clínica") == "caption"


def test_boxes_behind_a_paragraph_are_no_table(tmp_path):
    """A report's paragraph set in a grid of boxes (row shading, a link's box) crosses enough
    rules to look like a table, but its text stands side by side on one row at most."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=8) - 20
        canvas.setFont("Times-Roman", 10)
        for row in range(5):
            top = y - 14 * row
            for x0, x1 in ((72, 420), (420, 470), (470, 540)):
                canvas.rect(x0, top - 4, x1 - x0, 14, stroke=1, fill=0)
            canvas.drawString(74, top, f"Row {row} of the paragraph about open government data sets")
        canvas.drawString(422, y - 14 * 3, "Data.gov")
        canvas.drawString(472, y - 14 * 3, "increases")

    result = _typeset(tmp_path, page)
    assert not any(b.kind == "table" for b in result.blocks)
    assert any("Row 2 of the paragraph" in b.text for b in result.blocks)


def test_page_label_beside_a_drawing_is_furniture(tmp_path):
    """A report's footer ``Page 1`` printed next to a figure's strokes: a chart's bare tick
    number there may be no page number, but a number with the word page is one."""
    def page(number):
        def draw(canvas):
            canvas.setFont("Times-Roman", 10)
            for row in range(40):
                canvas.drawString(72, 720 - 13 * row, f"Page {number}, row {row}: {BODY[:50]}")
            if number == 1:
                for i in range(6):  # a small chart's strokes right beside the footer
                    canvas.bezier(98 + 12 * i, 45, 102 + 12 * i, 70, 106 + 12 * i, 50,
                                  110 + 12 * i, 80)
            canvas.setFont("Helvetica", 7)
            canvas.drawString(72, 50, f"Page {number}")
        return draw

    result = _typeset_pages(tmp_path, [page(1), page(2)])
    assert not any(b.text.startswith("Page 1") and len(b.text) < 10 for b in result.blocks)
    assert not any("Page 1" in f.text for f in result.footnotes)
    assert [r.locator.page_number for r in result.removed if r.text == "Page 1"] == [1]


def test_back_matter_box_under_a_page_wide_rule_is_no_note(tmp_path):
    """The last page's box of back matter under a page-wide rule: small print, unlabelled,
    after the previous page's last note ended its sentence, so it continues no note, and
    neither does the paragraph after it."""
    def first(canvas):
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, 720, "The strategy was issued in March of that year")
        canvas.setFont("Times-Roman", 6)
        canvas.drawString(286, 724, "1")
        _paragraph(canvas, 706, rows=40)
        canvas.line(72, 150, 200, 150)
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(72, 140, "1 The White House, National Strategy (Washington, D.C.: 2023).")

    def last(canvas):
        _paragraph(canvas, 720, rows=30, x=72)
        canvas.line(40, 300, 572, 300)
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(72, 290, "We conducted our work from May to June in accordance with")
        canvas.drawString(72, 281, "the framework that is relevant to our objectives.")
        canvas.drawString(72, 266, "Cover photo source: the agency's own library.")

    result = _typeset_pages(tmp_path, [first, last])
    assert [(f.label, f.locator.page_number) for f in result.footnotes] == [("1", 1)]
    assert any("Cover photo source" in b.text for b in result.blocks)


def test_page_of_pages_with_a_slash_is_a_page_number(tmp_path):
    """A browser printout or a slide numbers its pages ``1/5`` or ``3 / 21``: a page number
    on a one-page excerpt too, where nothing repeats."""
    def footer(canvas):
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(540, 40, "1/5")

    result = _extract(tmp_path, footer)
    assert not any("1/5" in b.text for b in result.blocks)
    assert [r.rule for r in result.removed if r.text == "1/5"] == ["page-number"]


def test_a_tables_notes_and_source_are_no_footnotes(tmp_path):
    """A statistical table at a page's foot, its numbered notes cited by raised numbers in
    its cells, then ``NOTE:`` and ``SOURCE:`` lines: the table's notes, not the page's."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=25) - 20
        canvas.setFont("Times-Roman", 9.5)
        for row, (name, value) in enumerate((("Public schools", "49,484"),
                                             ("Private schools", "5,268"),
                                             ("Prekindergarten", "1,066"))):
            canvas.drawString(72, y - 12 * row, name)
            canvas.drawString(300, y - 12 * row, value)
        canvas.setFont("Times-Roman", 6)
        canvas.drawString(332, y - 12 * 2 + 4, "1")
        canvas.line(72, y - 40, 400, y - 40)
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(72, y - 50, "1 Includes private nursery enrollment in schools that offer "
                                      "kindergarten or higher grades.")
        canvas.drawString(72, y - 59, "NOTE: Some data have been revised from previously "
                                      "published figures.")
        canvas.drawString(72, y - 68, "SOURCE: Department of Education, Common Core of Data.")

    result = _typeset(tmp_path, page)
    assert result.footnotes == ()
    assert any("SOURCE: Department of Education" in b.text for b in result.blocks)


def test_a_pointer_to_a_tables_notes_is_no_footnote(tmp_path):
    """A statistical table running to the foot of an article's first page and on over the
    next, with ``See notes at end of table.`` in small print under its last row there: a
    pointer to the table's notes, which the page's notes never are, though it stands alone
    in small print at the column's foot as an author note does."""
    def rows(canvas, top: float, count: int) -> None:
        canvas.setFont("Times-Roman", 10)
        for row in range(count):
            canvas.drawString(72, top - 12 * row, f"State {row + 1}")
            for col in range(4):
                canvas.drawString(200 + 80 * col, top - 12 * row, f"{(row + 3) * (col + 7)},{row}21")

    def first(canvas):
        canvas.setFont("Times-Bold", 16)
        canvas.drawString(72, 740, "Public High School Graduates by State")
        _paragraph(canvas, 710, rows=6)
        rows(canvas, 620, 40)
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(72, 620 - 12 * 40 - 4, "See notes at end of table.")

    def second(canvas):
        rows(canvas, 720, 10)
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(72, 580, "NOTE: Some data have been revised from previously published "
                                   "figures.")
        _paragraph(canvas, 550, rows=20)

    result = _typeset_pages(tmp_path, [first, second])
    assert result.footnotes == ()
    assert any("See notes at end of table." in b.text for b in result.blocks)


def test_capitals_heading_a_step_smaller_than_its_text(tmp_path):
    """A journal's ``ABSTRACT`` set in capitals half a point under the abstract's text: the
    capitals stand as tall as the text's capitals, so it heads the text all the same."""
    def page(canvas):
        canvas.setFont("Helvetica", 9)
        canvas.drawString(72, 720, "ABSTRACT")
        _paragraph(canvas, 698, rows=8, size=9.5)
        _paragraph(canvas, 590, rows=20, size=9.5)

    result = _extract_blocks(_typeset(tmp_path, page))
    assert ("heading", "ABSTRACT") in result



def test_a_forms_numbered_fields_are_no_notes(tmp_path):
    """A form's field labels in small print, each opening with a raised number, each in its
    ruled box under the text: a grid with text in one column holds no table, but it frames
    its text, and a page's notes stand in no frame."""
    labels = ("Name (as shown on your income tax return)", "Business name, if different",
              "Address (number, street, and apt. or suite no.)", "City, state, and ZIP code")

    def page(canvas):
        _paragraph(canvas, 720, rows=30)
        for row, label in enumerate(labels):
            top = 300 - 24 * row
            canvas.rect(72, top - 24, 400, 24)
            canvas.rect(472, top - 24, 68, 24)
            canvas.setFont("Helvetica", 5)
            canvas.drawString(75, top - 6, str(row + 1))
            canvas.setFont("Helvetica", 7)
            canvas.drawString(79, top - 9, label)

    result = _typeset(tmp_path, page)
    assert result.footnotes == ()
    assert any("Business name" in b.text for b in result.blocks)


def test_a_formulas_indices_over_the_text_below_are_no_note(tmp_path):
    """A display formula's row of small indices (``iab`` under a sum, after a fraction's
    ``2``) near a page's foot opens with a number the text cites (a square's raised 2), but
    body text follows it: the paragraph below starts left of it, above its bottom, so its
    block is no larger text *below*; its lines are."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=10)
        lead = "over the pixels, as in the model of the sum of squares v"
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, y, lead)
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(72 + canvas.stringWidth(lead, "Times-Roman", 10), y + 4, "2")
        y -= 40
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(150, y, "P(v, h) = exp ( v + h (w v) + h (w h) )")
        canvas.drawString(100, y - 9, "2s")
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(300, y - 12, "2 iab")
        _paragraph(canvas, y - 22, rows=3)

    result = _typeset(tmp_path, page)
    assert result.footnotes == ()


def test_small_print_under_a_rule_after_the_first_page_continues_a_note_or_is_none(tmp_path):
    """A table in small print under its header rule at a later page's foot (SciELO's species
    table) opens with no label: it can only continue a note of the pages before, and there is
    none; on the first page unlabelled small print may be an author note."""
    def first(canvas):
        _paragraph(canvas, 720, rows=30)

    def second(canvas):
        y = _paragraph(canvas, 720, rows=20) - 20
        canvas.line(72, y, 520, y)
        canvas.setFont("Helvetica", 7)
        for row, name in enumerate(("Lower stratum", "Herb", "Liana", "Palm", "Shrub")):
            canvas.drawString(72, y - 10 - 9 * row, name)
            canvas.drawString(200, y - 10 - 9 * row, f"{11.4 + row:.1f}   {0.3 * row:.1f}")
            canvas.drawString(330, y - 10 - 9 * row, f"{59.5 - row:.1f}   {4.6 + row:.1f}")

    result = _typeset_pages(tmp_path, [first, second])
    assert result.footnotes == ()


def test_a_notes_label_a_tab_before_its_text_is_no_page_number(tmp_path):
    """NIST's reports set a note's raised number at the margin and its text a tab to the
    right: alone on its piece of the row in the bottom band, the number read as a page
    number and the note lost its label."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=12)
        lead = "The scoring system is described on its web site"
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, y, lead)
        canvas.setFont("Times-Roman", 6)
        canvas.drawString(72 + canvas.stringWidth(lead, "Times-Roman", 10), y + 4, "1")
        canvas.line(72, 112, 216, 112)
        canvas.drawString(72, 100, "1")
        canvas.setFont("Times-Roman", 9)
        canvas.drawString(90, 97, "The Common Vulnerability Scoring System web site is at "
                                  "http://www.first.org/cvss/.")

    result = _typeset(tmp_path, page)
    assert [(f.label, f.text) for f in result.footnotes] == [
        ("1", "The Common Vulnerability Scoring System web site is at "
              "http://www.first.org/cvss/.")]
    assert not any(r.text == "1" for r in result.removed if r.rule == "page-number")


def test_a_words_last_letter_beside_a_larger_heading_stays_in_its_word(tmp_path):
    """Hindawi's two columns: a left-column line ends a tab's width from a section heading
    set larger in the right column, its baseline a little lower. Each short word of the
    smaller row could be a raised script of the heading's row, and the word ``in`` was taken
    letter by letter: ``n`` reached near enough the heading, ``i`` did not (``based i``)."""
    line = "rehabilitation programmes. Each programme was based in"

    def page(canvas):
        _paragraph(canvas, 720, rows=20, x=50)
        _paragraph(canvas, 720, rows=8, x=309)
        y = 720 - 12 * 21
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(291 - canvas.stringWidth(line, "Times-Roman", 10), y, line)
        canvas.setFont("Times-Bold", 12)
        canvas.drawString(308.7, y - 5.5, "4. Experience of Programmes")
        _paragraph(canvas, y - 12, rows=8, x=50)
        _paragraph(canvas, y - 24, rows=8, x=309)

    result = _typeset(tmp_path, page)
    text = " ".join(b.text.replace("\n", " ") for b in result.blocks)
    assert "was based in" in text and "based i " not in text
    assert any(b.text == "4. Experience of Programmes" for b in result.blocks)


def test_small_print_headings_in_a_face_of_their_own_over_back_matter(tmp_path):
    """A BMC review's back matter: small headings (``Competing interests``) in a face that
    sets nothing else, over small print in a face of its own, not the body's serif. Headings
    told by their face were only looked for over the body's face."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=12) - 20
        for title, text in (("Author details", "Department of Surgery, University of Calgary."),
                            ("Competing interests", "The authors declare that they have no "
                                                    "competing interests."),
                            ("Authors' contributions", "ID designed the study and wrote the "
                                                       "manuscript.")):
            canvas.setFont("Courier", 7.5)
            canvas.drawString(72, y, title)
            canvas.setFont("Helvetica", 7.5)
            canvas.drawString(72, y - 9, text)
            canvas.drawString(72, y - 18, "All authors read and approved the final manuscript.")
            y -= 36

    result = _typeset(tmp_path, page)
    headings = [b.text for b in result.blocks if b.kind == "heading"]
    assert headings == ["Author details", "Competing interests", "Authors' contributions"]
    assert any(b.text.startswith("The authors declare") for b in result.blocks)


def test_a_page_drawn_in_a_form_reads_the_forms_font_widths(tmp_path):
    """A page imported into another file is drawn inside a form XObject: the page names one
    subset of a font, the form draws with another subset of the same font, whose /Widths
    differ (zero for the glyphs the page's subset lacks). The widths were taken from the
    page's font by its name: zero-wide ``T``, ``B``, ``E`` read ``T able 2: B LE U``. A name
    two fonts share now tells nothing, so PDFium's own widths stand."""
    from pipeline.extract.pdf.pages import _page_fonts, open_pdf

    def widths(zero: str) -> bytes:
        return " ".join("0" if chr(c) in zero else str(round(pdfmetrics.stringWidth(
            chr(c), "Times-Roman", 1000))) for c in range(32, 127)).encode()

    def font(tag: bytes, zero: str) -> bytes:
        return (b"<< /Type /Font /Subtype /Type1 /BaseFont /%s+NimbusRomNo9L-Regu "
                b"/FirstChar 32 /LastChar 126 /Widths [%s] /FontDescriptor << /Type "
                b"/FontDescriptor /FontName /%s+NimbusRomNo9L-Regu /Flags 34 /FontBBox "
                b"[0 -200 1000 900] /ItalicAngle 0 /Ascent 700 /Descent -200 /CapHeight 700 "
                b"/StemV 80 >> >>" % (tag, widths(zero), tag))

    content = b"BT /F2 10 Tf 72 720 Td (Table 2: BLEU results) Tj ET"
    data = assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> >>",
        b"<< /Length 6 >>\nstream\n/X1 Do\nendstream",
        font(b"ABCDEF", "TBLEU:"),
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << "
        b"/F2 7 0 R >> >> /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        font(b"GHIJKL", ""),
    ], b"1.4")
    capture, data = _pdf_capture(tmp_path, data, "form.pdf")
    pdf, fonts = open_pdf(data, capture, None)
    with pdf:
        assert _page_fonts(pdf.pages[0], fonts)["NimbusRomNo9L-Regu"] is None
    assert [b.text for b in extract(data, capture, ExtractOptions()).blocks] == [
        "Table 2: BLEU results"]


def test_small_print_on_the_row_of_the_page_number_is_furniture(tmp_path):
    """A journal's footer printed once on a page (a reissued article keeps its old footer
    beside the folio, ``The Authors Journal compilation © 2014 Biochemical Society`` by
    ``306``): repetition cannot prove it, its place on the folio's row can. Its small print
    under the text was read as a note."""
    def page(canvas):
        _paragraph(canvas, 720, rows=40)
        canvas.setFont("Helvetica", 7)
        canvas.drawString(58, 40, "The Authors Journal compilation 2014 Biochemical Society")
        canvas.drawString(540, 40, "306")

    result = _typeset(tmp_path, page)
    assert result.footnotes == ()
    assert [r.rule for r in result.removed if "Journal compilation" in r.text] == [
        "running-footer"]


def test_month_row_under_a_charts_gridlines_is_no_note(tmp_path):
    """A line chart at the foot of a report's first page: its gridlines are thin rules like a
    note separator, and the row of twelve month labels under them is small print too long
    for a figure label. A rule inside a drawing is no separator: the row is no note."""
    months = "SEP OCT NOV DEC JAN FEB MAR APR MAY JUN JUL AUG"

    def page(canvas):
        _paragraph(canvas, 720, rows=20, size=12)
        canvas.line(100, 150, 460, 150)  # the x axis and the y axis
        canvas.line(100, 150, 100, 250)
        for y in (170, 190, 210, 230):  # gridlines, touching no axis end
            canvas.line(102, y, 460, y)
        path = canvas.beginPath()
        path.moveTo(100, 170)
        path.curveTo(200, 240, 300, 160, 450, 220)
        canvas.drawPath(path)
        canvas.setFont("Helvetica-Bold", 8)
        canvas.drawString(104, 138, months.replace(" ", "    "))

    result = _typeset(tmp_path, page)
    assert result.footnotes == ()
    assert any(months in b.text for b in result.blocks)


def test_ligature_whose_tounicode_keeps_one_letter_reads_by_its_glyph_name(tmp_path):
    """InDesign's ToUnicode maps a ligature to its last letter (``/fi`` -> ``i``, ``/T_h`` ->
    ``h``): "classii ed", "h e". The font's /Differences names the glyph: its letters win."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /T def"
            b" /CMapType 2 def 1 begincodespacerange <00> <ff> endcodespacerange"
            b" 3 beginbfrange <1e> <1e> <0069> <1f> <1f> <0068> <20> <7e> <0020> endbfrange"
            b" endcmap CMapName currentdict /CMap defineresource pop end end")
    lines = [b"\x1fe survey classi\x1eed every household by its distance",
             b"to the nearest clinic and by the season of the year."]
    content = b"BT /F1 12 Tf 14 TL 72 700 Td " + b" ".join(
        b"(" + line + b") Tj T*" for line in lines) + b" ET"
    data = assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R /Encoding"
        b" << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [30 /fi /T_h] >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
    ])
    text = " ".join(b.text for b in _extract_file(tmp_path, data, "ligatures.pdf").blocks)
    assert "The survey classified every household" in text


def test_negative_tick_of_a_chart_at_the_page_foot_is_no_page_number(tmp_path):
    """A line chart at the foot of a page with values below zero: its lowest tick ``-20``
    stands alone in the bottom margin like a page number, but a chart's bare numbers are its
    ticks, signed or not."""
    def page(canvas):
        _paragraph(canvas, 720, rows=40)
        canvas.line(100, 40, 100, 160)
        canvas.line(100, 80, 400, 80)
        path = canvas.beginPath()
        path.moveTo(100, 60)
        path.curveTo(180, 150, 260, 40, 390, 140)
        canvas.drawPath(path)
        canvas.setFont("Helvetica", 7)
        for i, value in enumerate(("-20", "0", "20", "40")):
            canvas.drawRightString(96, 38 + 40 * i, value)
            canvas.line(97, 40 + 40 * i, 100, 40 + 40 * i)

    result = _typeset(tmp_path, page)
    assert not [r for r in result.removed if r.text.strip() == "-20"]
    assert any("-20" in b.text for b in result.blocks if b.kind == "figure")


def test_note_line_ended_with_room_for_the_next_word_ends_its_note(tmp_path):
    """An affiliation note ends without a full stop, well short of the note's measure; the
    next line (``Full list of author information ...``) is a note of its own, since its first
    word would have fit on the line before: a note's line breaks only where the next word
    does not fit."""
    def page(canvas):
        _paragraph(canvas, 720, rows=40)
        canvas.line(72, 100, 300, 100)
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(72, 90, "* Correspondence: someone@example.org")
        canvas.setFont("Helvetica", 5)
        canvas.drawString(72, 83, "1")
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(75, 80, "Project Officer, Project Fives Alive! Health Directorate, "
                                  "National Catholic")
        canvas.drawString(72, 71, "Secretariat, P. O. Box KA 9712, Accra, Ghana")
        canvas.drawString(72, 62, "Full list of author information is available at the end "
                                  "of the article")

    result = _typeset(tmp_path, page)
    assert [(f.label, f.text[:20], f.text[-12:]) for f in result.footnotes] == [
        ("*", "Correspondence: some", "@example.org"),
        ("1", "Project Officer, Pro", "Accra, Ghana"),
        ("", "Full list of author ", " the article")]


VERA_BOOK = (b"BitstreamVeraSans-Bold", b"BitstreamVeraSans-Book")
"""A font whose name says its weight is a text weight while its descriptor's stem width says
bold (InDesign writes Minion Pro Regular's StemV above its Bold's)."""


def test_font_named_regular_is_no_bold_whatever_its_stem_width(tmp_path):
    """A brochure set wholly in one font whose descriptor's stem width says bold: read as bold,
    a two-line paragraph under a question read as a second heading."""
    def page(canvas):
        font = _heavy_font()
        y = 720
        for question in ("What financial resources are there?", "Why consider a loan?"):
            canvas.setFont(font, 14)
            canvas.drawString(72, y, question)
            canvas.setFont(font, 9)
            canvas.drawString(72, y - 16, "You and your family have the responsibility of "
                                          "planning and paying for")
            canvas.drawString(72, y - 27, "college. Your financial resources come from")
            for i, item in enumerate(("scholarships,", "personal savings, and", "work.")):
                canvas.drawString(84, y - 46 - 13 * i, "\u2022 " + item)
            y = _paragraph(canvas, y - 90, rows=8, size=9, font=font) - 20

    result = _extract_blocks(_typeset(tmp_path, page, VERA_BOOK))
    assert [t for k, t in result if k == "heading"] == [
        "What financial resources are there?", "Why consider a loan?"]


def test_slide_titles_in_their_bar_are_headings_not_running_heads(tmp_path):
    """A slide deck prints each slide's title in a bar at the top, at the same height on every
    slide, and the words change from slide to slide as a chapter's running head does; set
    larger than the text, they are the slides' headings, while the footline under them
    (repeated) is furniture."""
    titles = ["The Problem", "Common Solutions", "A Brief Overview", "Alternatives"]

    def slide(title: str):
        def draw(canvas):
            canvas.setPageSize((363, 272))
            canvas.setFillColorRGB(0.2, 0.2, 0.7)
            canvas.rect(0, 246, 363, 26, stroke=0, fill=1)
            canvas.setFillColorRGB(1, 1, 1)
            canvas.setFont("Helvetica", 14)
            canvas.drawString(13, 255, title)
            canvas.setFillColorRGB(0, 0, 0)
            canvas.setFont("Helvetica", 11)
            for row in range(4):
                canvas.drawString(50, 220 - 16 * row, f"Point {row + 1} about {title.lower()}")
            canvas.setFont("Helvetica", 5)
            canvas.drawString(120, 4, "Aaron Example    A talk about two factors")
        return draw

    result = _typeset_pages(tmp_path, [slide(title) for title in titles])
    assert [b.text for b in result.blocks if b.kind == "heading"] == titles
    assert all(r.text not in titles for r in result.removed)
    assert all("Aaron Example" not in b.text for b in result.blocks)


def test_letter_prefixed_page_number_on_a_short_excerpt(tmp_path):
    """An executive summary numbers its pages ``ES-2``, an appendix ``A-10``: standing alone
    at the page foot, a page number even where no other page repeats it."""
    def number(canvas):
        canvas.setFont("Times-Roman", 10)
        canvas.drawCentredString(306, 40, "ES-2")

    result = _extract(tmp_path, number)
    assert not any("ES-2" in b.text for b in result.blocks)
    assert [r.rule for r in result.removed if r.text == "ES-2"] == ["page-number"]


def test_numbered_bold_heading_ending_in_a_full_stop(tmp_path):
    """A report's numbered section titles set bold at the body size and ended with a full
    stop, one line or two, over plain text: headings, not list items."""
    long_title = ("2. Estimation of mercury deposition on a regional scale (40 km grid) and "
                  "comparison of these")

    def page(canvas):
        canvas.setFont("Times-Bold", 10)
        canvas.drawString(72, 720, "1. Estimation of current exposure on a nationwide basis.")
        y = _paragraph(canvas, 700) - 14
        canvas.setFont("Times-Bold", 10)
        canvas.drawString(72, y, long_title)
        canvas.drawString(100, y - 12, "deposition data with species distribution information.")
        _paragraph(canvas, y - 32)

    result = _extract_blocks(_typeset(tmp_path, page))
    assert [t for k, t in result if k == "heading"] == [
        "1. Estimation of current exposure on a nationwide basis.",
        long_title + "\ndeposition data with species distribution information."]


def test_table_label_alone_over_its_title_is_a_caption(tmp_path):
    """A table's label on a line of its own (``Table ES-1``, an executive summary's number)
    with the title on the lines under it: one caption, not a bold heading."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=8) - 20
        canvas.setFont("Times-Bold", 10)
        canvas.drawCentredString(306, y, "Table ES-1")
        canvas.drawCentredString(306, y - 12, "Percent of Species Range Overlapping")
        canvas.drawCentredString(306, y - 24, "with Regions of High Mercury Deposition")
        canvas.setFont("Times-Roman", 10)
        top = y - 40
        for row in range(4):
            canvas.line(200, top - 18 * row, 412, top - 18 * row)
            canvas.drawString(206, top - 18 * row - 13, f"Species {row}")
            canvas.drawString(330, top - 18 * row - 13, f"{20 + row}%")
        canvas.line(200, top - 72, 412, top - 72)
        canvas.line(200, top, 200, top - 72)
        canvas.line(320, top, 320, top - 72)
        canvas.line(412, top, 412, top - 72)
        _paragraph(canvas, top - 100)

    result = _extract_blocks(_typeset(tmp_path, page))
    assert ("caption", "Table ES-1\nPercent of Species Range Overlapping\nwith Regions of High "
                       "Mercury Deposition") in result


def test_caption_under_a_picture_on_a_scanned_page(tmp_path):
    """A scanned book page is one image with an OCR text layer over it: an engraving is no
    object of its own, only a hole in the text; the line of small print under that hole is
    its caption. Small print that follows the text with no hole above it (a quoted verse) is
    no caption."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    scan = io.BytesIO()
    Image.new("L", (432, 648), 235).save(scan, format="PNG")

    def page(canvas):
        canvas.setPageSize((432, 648))
        canvas.drawImage(ImageReader(io.BytesIO(scan.getvalue())), 0, 0, 432, 648)
        y = _paragraph(canvas, 590, rows=4, x=57, size=11)
        canvas.setFont("Times-Roman", 9)
        canvas.drawString(150, y - 150, "The Yankee Lookout.")
        y = _paragraph(canvas, y - 166, rows=4, x=57, size=11)
        canvas.setFont("Times-Roman", 9)
        canvas.drawString(120, y, "Let not a murmur meet the ear.")
        _paragraph(canvas, y - 14, rows=4, x=57, size=11)

    kinds = {text: kind for kind, text in _extract_blocks(_typeset(tmp_path, page))}
    assert kinds.get("The Yankee Lookout.") == "caption"
    assert kinds.get("Let not a murmur meet the ear.") != "caption"


def test_typewriter_double_spaces_that_line_up_are_no_column_gutter(tmp_path):
    """A typewritten memo (or its OCR layer) sets every letter on one pitch, so word spaces
    are as wide as a narrow gutter and two spaces after a full stop line up from row to row:
    where the page's own word space is that wide, those gaps leave the rows whole."""
    sentences = [f"The {word} clearance was granted in May." for word in
                 ("first", "other", "third", "local", "final", "short", "later", "older")]

    def page(canvas):
        canvas.setFont("Courier", 10)
        for row, sentence in enumerate(sentences):
            canvas.drawString(72, 700 - 12 * row, f"{sentence}  It came in March 196{row}.")

    result = _typeset(tmp_path, page)
    text = " ".join(b.text for b in result.blocks).replace("\n", " ")
    assert "The first clearance was granted in May. It came in March 1960. The other" in text


def test_ocr_layer_lines_measured_a_little_larger_are_body_text(tmp_path):
    """An OCR text layer (invisible text over a scan, here in an ordinary font) sizes each
    line from the letters it holds, so a typewritten paragraph's lines come out a point or two
    apart: a line measured a step larger than the layer's commonest size is body text, not a
    heading that splits its paragraph."""
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        fonts = Path(reportlab.__file__).parent / "fonts"
        pdfmetrics.registerFont(TTFont("Vera", str(fonts / "Vera.ttf")))

    def page(canvas):
        scan = io.BytesIO()
        Image.new("L", (612, 792), 240).save(scan, format="PNG")
        canvas.drawImage(ImageReader(io.BytesIO(scan.getvalue())), 0, 0, 612, 792)
        for row in range(10):
            start = (row * 37) % (len(BODY) - 60)
            text = canvas.beginText(72, 700 - 13 * row)
            text.setTextRenderMode(3)
            text.setFont("Vera", 11.8 if row == 4 else 10)
            text.textOut(BODY[start:start + 60].strip())
            canvas.drawText(text)

    result = _typeset(tmp_path, page)
    assert [b.kind for b in result.blocks] == ["paragraph"]


def test_title_over_a_header_rule_and_side_by_side_cells_is_a_caption(tmp_path):
    """An instruction booklet's table has no ``Table N`` label and no grid the table finder
    takes, only a rule under its bold title and its columns of cells under that: the title
    is the table's caption. A bold heading over a rule with one block of prose under it stays
    a heading."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=6) - 20
        canvas.setFont("Times-Bold", 9)
        canvas.drawString(72, y, "Inflation-Adjusted Amounts for Expatriation Actions")
        canvas.line(72, y - 4, 160, y - 4)
        canvas.line(160, y - 4, 400, y - 4)
        canvas.setFont("Times-Roman", 9)
        for row, (left, right) in enumerate((("IF you expatriated", "THEN the rules apply if"),
                                             ("during . . .", "your tax was more than"))):
            canvas.drawString(72, y - 16 - 11 * row, left)
            canvas.drawString(220, y - 16 - 11 * row, right)
        y -= 80
        canvas.setFont("Times-Bold", 10)
        canvas.drawString(72, y, "Exception for dual citizens")
        canvas.line(72, y - 4, 400, y - 4)
        _paragraph(canvas, y - 16)

    kinds = {text: kind for kind, text in _extract_blocks(_typeset(tmp_path, page))}
    assert kinds.get("Inflation-Adjusted Amounts for Expatriation Actions") == "caption"
    assert kinds.get("Exception for dual citizens") == "heading"


def test_word_space_is_measured_between_words_not_before_page_numbers():
    """A table of contents' rows are a short title and, far to the right, its page number:
    that gap is no word space, or the page's word space would be taken for a typewriter's
    and its rows would no longer split before their numbers (the book's contents page kept
    its folio in a passage)."""
    from pipeline.extract.pdf.columns import CANDIDATE_GAP_EM, word_space

    def row(y: float, words: list[str], number: str) -> list[tuple]:
        chars, x = [], 72.0
        for word in words:
            for letter in word:
                chars.append((letter, x, x + 5, y - 8, y + 2, y, 10.0, "Times-Roman", True))
                x += 5
            x += 3  # a word space: 0.3 em
        chars.extend((digit, 500 + 5 * i, 505 + 5 * i, y - 8, y + 2, y, 10.0, "Times-Roman",
                      True) for i, digit in enumerate(number))
        return chars

    rows = [row(100 + 14 * i, ["Symbol", "list"], str(100 + i)) for i in range(8)]
    assert word_space(rows) < CANDIDATE_GAP_EM


def test_a_pages_own_running_head_beside_its_folio_in_the_heads_style(tmp_path):
    """A manual's left pages print the section's title beside the folio, its right pages the
    chapter's (``2.3 IDRS Terminal Responses`` by ``page 2`` once, ``Command Codes ...`` on the
    others): in a short excerpt a left page's head recurs on no other page, but it stands on
    the folio's row in the face and size of the heads that do recur. It was read as a heading."""
    def page(number):
        def draw(canvas):
            if number > 1:
                canvas.setFont("Helvetica", 16)
                head = "Terminal Responses Overview" if number == 3 else "Command Codes Guide"
                x = 300 if number == 3 else 72
                canvas.drawString(x, 730, head)
                canvas.setFont("Helvetica", 11)
                canvas.drawString(72 if number == 3 else 500, 730, f"page {number - 1}")
            else:
                canvas.setFont("Helvetica-Bold", 16)
                canvas.drawString(72, 730, "Manual Transmittal")
            _paragraph(canvas, 690, rows=40, font="Helvetica")
        return draw

    result = _typeset_pages(tmp_path, [page(n) for n in range(1, 5)])
    assert not any("Terminal Responses" in b.text for b in result.blocks)
    assert [r.rule for r in result.removed if r.text == "Terminal Responses Overview"] == [
        "running-header"]
    assert any(b.text == "Manual Transmittal" for b in result.blocks)


def test_capitals_title_centred_over_a_header_row_is_a_caption(tmp_path):
    """A regulation's cost table has no ``Table N`` label, no rule and no grid: only its title
    in capitals centred over a row of short column headings, then rows of dot leaders. The
    title is the table's caption, not a heading; a capitals heading over prose stays one."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=6) - 24
        canvas.setFont("Helvetica", 8)
        canvas.drawCentredString(306, y, "ESTIMATED COSTS")
        for x, head in ((80, "Action"), (240, "Labor cost"), (360, "Parts cost"),
                        (460, "Cost per product")):
            canvas.drawString(x, y - 22, head)
        for row in range(3):
            canvas.drawString(72, y - 44 - 10 * row, f"Step {row} installation ...... 1 work-hour"
                                                     " x $85 per hour = $85 ...... $0 ...... $85")
        y -= 100
        canvas.setFont("Helvetica", 10)
        canvas.drawString(72, y, "AUTHORITY FOR THIS RULEMAKING")
        _paragraph(canvas, y - 20)

    kinds = {text: kind for kind, text in _extract_blocks(_typeset(tmp_path, page))}
    assert kinds.get("ESTIMATED COSTS") == "caption"
    assert kinds.get("AUTHORITY FOR THIS RULEMAKING") == "heading"


def test_heading_wrapped_over_four_lines_of_a_narrow_column(tmp_path):
    """Instructions set in narrow columns wrap a larger bold heading of a dozen words over four
    lines (``Special Rules for Former / U.S. Citizens and Former / U.S. Long-Term /
    Residents``): few words make a heading, however many lines the column needs for them."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=8, x=300, size=9.5) - 16
        canvas.setFont("Helvetica-Bold", 14)
        for row, text in enumerate(("Special Rules for Former", "U.S. Citizens and Former",
                                    "U.S. Long-Term", "Residents")):
            canvas.drawString(300, y - 16.5 * row, text)
        _paragraph(canvas, y - 80, rows=8, x=300, size=9.5)

    kinds = _extract_blocks(_typeset(tmp_path, page))
    assert ("heading", "Special Rules for Former U.S. Citizens and Former U.S. Long-Term "
                       "Residents") in [(k, " ".join(t.split())) for k, t in kinds]
    assert [k for k, _ in kinds].count("heading") == 1


def test_drop_capital_opens_the_first_line_beside_it(tmp_path):
    """A magazine's drop capital stands three lines tall beside the paragraph's first lines,
    on the baseline of the third: it is the first letter of the first line (``The division
    ...``), not a word opening the third."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def page(canvas):
        canvas.setFont("Times-Bold", 47)
        canvas.drawString(72, 676, "T")
        x = 72 + stringWidth("T", "Times-Bold", 47) + 3
        canvas.setFont("Times-Roman", 10)
        for y, text in ((700, "he division published four reports this year on the security"),
                        (688, "of networks and on the testing of cryptographic modules for"),
                        (676, "the agencies that rely on them in their daily operations.")):
            canvas.drawString(x, y, text)
        canvas.drawString(72, 664, "Each report was reviewed by the program office before it "
                                   "was released.")
        _paragraph(canvas, 640)

    texts = [" ".join(t.split()) for _, t in _extract_blocks(_typeset(tmp_path, page))]
    assert texts[0].startswith("The division published four reports this year on the security "
                               "of networks and on the testing of cryptographic modules for the "
                               "agencies that rely on them in their daily operations. Each report")


def test_letter_spaced_heading_reads_as_words(tmp_path):
    """A magazine layout tracks its headings and running heads out (every letter a third of
    an em apart): the gaps between the letters of a word are the line's tracking, not word
    spaces, which are wider again (``KEY FINDINGS``, not ``K E Y F I N D I N G S``)."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=8) - 24
        text = canvas.beginText(72, y)
        text.setFont("Helvetica-Bold", 10)
        text.setCharSpace(3)
        text.textLine("KEY FINDINGS OF THE 2005 REVIEW")
        text.setCharSpace(0)  # the text state outlives the text object
        canvas.drawText(text)
        _paragraph(canvas, y - 18, rows=8)

    texts = [t for _, t in _extract_blocks(_typeset(tmp_path, page))]
    assert "KEY FINDINGS OF THE 2005 REVIEW" in texts


def test_classification_stamp_in_the_bottom_margin_is_furniture(tmp_path):
    """A memo's classification block, stamped once under its text (``GROUP 1 / Excluded from
    automatic / downgrading and / declassification``), is a narrow stack of small print centred
    on one axis: no repetition proves it, its shape does. Small print set flush to the column
    (an author's note) is no stamp."""
    def page(canvas):
        _paragraph(canvas, 720, rows=40, size=10)
        canvas.setFont("Times-Roman", 7)
        for row, text in enumerate(("GROUP 1", "Excluded from automatic", "downgrading and",
                                    "declassification")):
            canvas.drawCentredString(330, 80 - 8 * row, text)

    result = _typeset(tmp_path, page)
    assert not any("downgrading" in b.text for b in result.blocks)
    assert [r.rule for r in result.removed if r.text == "downgrading and"] == ["stamp"]


def test_flush_small_print_under_the_text_is_no_stamp(tmp_path):
    def page(canvas):
        _paragraph(canvas, 720, rows=40, size=10)
        canvas.setFont("Times-Roman", 7)
        for row, text in enumerate(("Prepared by the", "Office of Research", "and Evaluation",
                                    "for the Board")):
            canvas.drawString(72, 80 - 8 * row, text)

    result = _typeset(tmp_path, page)
    assert not any(r.rule == "stamp" for r in result.removed)


def test_caption_label_alone_over_its_title_set_apart(tmp_path):
    """A report sets its figure's label in bold on a line of its own and the title under it a
    paragraph's gap apart (``Figure 3`` / ``Share of households ...``): the label heads no
    section, and with its title it is one caption."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=10)
        canvas.rect(72, y - 200, 300, 180, fill=1)
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(72, y - 214, "Figure 3")
        canvas.setFont("Helvetica", 9)
        canvas.drawString(72, y - 228, "Share of households within five kilometres of a clinic")
        _paragraph(canvas, y - 260, rows=10)

    blocks = _extract_blocks(_typeset(tmp_path, page))
    assert ("caption", "Figure 3\nShare of households within five kilometres of a clinic") in [
        (k, t) for k, t in blocks]



def _three_columns_with_notes(canvas) -> float:
    """A report page's top: three columns of body text, each citing a note by a raised
    number, each note set small under a short rule at its column's foot; the next free y."""
    for column, (x, label) in enumerate(((54, "8"), (240, "9"), (426, "10"))):
        canvas.setFont("Times-Roman", 9)
        for row in range(6):
            start = (row * 23 + column * 11) % (len(BODY) - 40)
            canvas.drawString(x, 740 - 11 * row, BODY[start:start + 36].strip())
        canvas.drawString(x, 740 - 11 * 6, "as the survey found in 2010.")
        canvas.setFont("Times-Roman", 5.5)
        canvas.drawString(x + 112, 744 - 11 * 6, label)
        canvas.line(x, 660, x + 60, 660)
        canvas.setFont("Times-Roman", 5.5)
        canvas.drawString(x, 651, label)
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(x + 6, 648, f"Note {label} on how the households were")
        canvas.drawString(x, 640, "counted, with the survey's own definitions.")
    return 620


def test_notes_at_the_columns_feet_over_a_table_across_the_page(tmp_path):
    """Three columns of text end in their notes (raised labels the text cites, under short
    rules), and a table's title runs across the page below them, set larger than the notes:
    that float is no larger text of the notes' columns, so the notes stay notes."""
    def page(canvas):
        y = _three_columns_with_notes(canvas)
        canvas.setFont("Times-Roman", 9)
        canvas.drawString(54, y, "Table 1.")
        canvas.setFont("Times-Bold", 12)
        canvas.drawString(54, y - 13, "Prevalence of Disability for Selected Age Groups: 2005 "
                                      "and 2010")
        canvas.setFont("Times-Roman", 9)
        for row in range(8):
            canvas.drawString(54, y - 40 - 12 * row, f"Age group {row}")
            canvas.drawString(300, y - 40 - 12 * row, f"{1000 + 37 * row}")
            canvas.drawString(420, y - 40 - 12 * row, f"{12.5 + row:.1f}")

    result = _typeset(tmp_path, page)
    assert [f.label for f in result.footnotes] == ["8", "9", "10"]
    assert all(f.text.startswith(f"Note {f.label} on how") for f in result.footnotes)


def test_small_print_under_a_table_title_is_no_note_after_the_notes_above(tmp_path):
    """Under the columns' notes, a table's title, its ``(Numbers in thousands)`` line in small
    print and a table whose rules are drawn cell by cell: small print follows a note only
    right under it, and a table's own rules, reaching a cell its box left out, are no note
    separators."""
    def page(canvas):
        y = _three_columns_with_notes(canvas)
        canvas.setFont("Times-Bold", 12)
        canvas.drawString(54, y, "Prevalence of Disability for Selected Age Groups: 2005 "
                                 "and 2010")
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(54, y - 12, "(Numbers in thousands)")
        top = y - 24
        edges = [54, 160, 250, 340, 430, 520, 558]
        for row in range(9):
            rule_y = top - 14 * row
            for left, right in zip(edges, edges[1:]):
                canvas.line(left, rule_y, right, rule_y)  # drawn cell by cell
            if row < 8:
                canvas.setFont("Times-Roman", 7)
                canvas.drawString(56, rule_y - 10, f"Category {row} . . . . .")
                for left in edges[1:-2]:
                    canvas.drawString(left + 4, rule_y - 10, f"{100 + 7 * row + left}")
                canvas.drawString(532, rule_y - 10, "(X)")
        for x in edges[1:-1]:
            canvas.line(x, top, x, top - 14 * 8)

    result = _typeset(tmp_path, page)
    assert [f.label for f in result.footnotes] == ["8", "9", "10"]
    assert not any("Numbers in thousands" in f.text or "(X)" in f.text
                   for f in result.footnotes)


def test_affiliations_under_an_underlined_link_are_no_notes(tmp_path):
    """A title page's affiliations in small print, each opening with a raised number its
    author cites, the e-mail addresses underlined as links, above the abstract in larger
    text: a link's underline is no note separator, so the text below still tells them from
    notes."""
    def page(canvas):
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(140, 700, "Anna Author, Bruno Writer, and Carla Scholar")
        canvas.setFont("Times-Roman", 6)
        for x, number in ((198, "1"), (260, "2"), (352, "3")):
            canvas.drawString(x, 704, number)
        for row, place in enumerate(("University of Trento, Italy (anna@unitn.it)",
                                     "University of Madrid, Spain (bruno@uned.es)",
                                     "University of Sofia, Bulgaria (carla@uni-sofia.bg)")):
            y = 680 - 11 * row
            canvas.setFont("Times-Roman", 6)
            canvas.drawString(160, y + 3, str(row + 1))
            canvas.setFont("Times-Roman", 9)
            canvas.drawString(164, y, place)
            canvas.line(300, y - 1.5, 380, y - 1.5)  # the address's link underline
        _paragraph(canvas, 620, rows=14)

    result = _typeset(tmp_path, page)
    assert result.footnotes == ()


def test_numbered_headings_at_the_body_size_and_weight(tmp_path):
    """Numbered section titles set in the body's face, size and weight at its leading, right
    over their paragraphs: a short line of a number and words, with no sentence's end, heads
    the paragraph under it rather than opening it."""
    def page(canvas):
        canvas.setFont("Times-Roman", 10)
        y = 720
        for title in ("3.1 Study area", "3.2 Data collection"):
            canvas.drawString(72, y, title)
            y = _paragraph(canvas, y - 12, rows=5)
            y -= 12

    blocks = _extract_blocks(_typeset(tmp_path, page))
    assert ("heading", "3.1 Study area") in blocks
    assert ("heading", "3.2 Data collection") in blocks


def test_a_numbered_subsection_title_under_its_sections_is_a_heading_of_its_own(tmp_path):
    """``2.1 Savings ...`` in bold, then ``2.1.1 Drive profiles ...`` in bold at nearly its
    size right under it: two headings, not one wrapped over two lines."""
    def page(canvas):
        font = _heavy_font()
        canvas.setFont(font, 11)
        canvas.drawString(72, 720, "2.1 Savings from Improving Individual Driving Profiles")
        canvas.setFont(font, 10)
        canvas.drawString(72, 706, "2.1.1 Drive Profile Subsample from Real-World Travel Survey")
        _paragraph(canvas, 690, rows=8)

    blocks = _extract_blocks(_typeset(tmp_path, page))
    assert ("heading", "2.1 Savings from Improving Individual Driving Profiles") in blocks
    assert ("heading", "2.1.1 Drive Profile Subsample from Real-World Travel Survey") in blocks


def test_a_footer_in_two_parts_on_a_one_page_document(tmp_path):
    """A one-page document's footer set in two parts, its guide's title by the text's left
    edge and its date by the right, clear of the text above it: furniture, though nothing
    repeats it. A text's last row spans its column."""
    def page(canvas):
        _paragraph(canvas, 720, rows=30, x=72)
        canvas.setFont("Helvetica-Oblique", 8)
        canvas.drawString(72, 80, "Prospective New Awardee Guide")
        canvas.drawRightString(405, 80, "June 2011")
        canvas.setFont("Helvetica", 8)
        canvas.drawCentredString(238, 50, "26")

    result = _typeset(tmp_path, page)
    assert not any("Awardee" in b.text or "June 2011" in b.text for b in result.blocks)
    assert {r.text for r in result.removed} >= {"Prospective New Awardee Guide", "June 2011"}


def test_a_line_stacked_on_a_page_number_that_says_page(tmp_path):
    """``Appendix 5`` set flush right right above ``Page 8 of 11`` in the top margin of a
    one-page document, in the folio's size and weight: one stack of the margin, furniture with
    the folio, not a heading."""
    def page(canvas):
        canvas.setFont("Helvetica-BoldOblique", 10)
        canvas.drawRightString(540, 750, "Appendix 5")
        canvas.drawRightString(540, 739, "Page 8 of 11")
        _paragraph(canvas, 690, rows=30, x=72)

    result = _typeset(tmp_path, page)
    assert not any("Appendix 5" in b.text for b in result.blocks)
    assert {"Appendix 5", "Page 8 of 11"} <= {r.text for r in result.removed}


VERA_ITALIC = (b"BitstreamVeraSans-Bold", b"BitstreamVeraSa-Italic")
"""A font whose name names only a slant (the text weight's italic) while its descriptor's stem
width says bold (Adobe Garamond Pro Italic's StemV 130)."""


def test_font_named_italic_is_no_bold_whatever_its_stem_width(tmp_path):
    """A paragraph with one line set mostly in italics (a work's title): in a font named
    ``-Italic`` whose stem width says bold, the line had been read as bold and cut the
    paragraph in three."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=4)
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, y, "according to codes from the ")
        x = 72 + canvas.stringWidth("according to codes from the ", "Times-Roman", 10)
        canvas.setFont(_heavy_font(), 10)
        canvas.drawString(x, y, "International Classification of Diseases,")
        _paragraph(canvas, y - 12, rows=4)

    result = _extract_blocks(_typeset(tmp_path, page, VERA_ITALIC))
    assert len(result) == 1 and result[0][0] == "paragraph"
    assert "according to codes from the International Classification" in result[0][1]


def _justified(canvas, top: float, lines: list[str]) -> None:
    """Lines set full from x 72 to 492 (their word spaces stretched), 12 pt apart."""
    canvas.setFont("Times-Roman", 10)
    for i, line in enumerate(lines):
        words = line.split()
        ink = sum(canvas.stringWidth(w, "Times-Roman", 10) for w in words)
        gap = (420 - ink) / (len(words) - 1)
        x = 72.0
        for word in words:
            canvas.drawString(x, top - 12 * i, word)
            x += canvas.stringWidth(word, "Times-Roman", 10) + gap


def _rows(count: int, first: str, last_word: str = "") -> list[str]:
    """``first``, then lines of about 70 characters of body text; the last line's final word
    replaced by ``last_word``."""
    rows, text = [first], " ".join([BODY] * 6)
    while len(rows) < count:
        cut = text[:71].rfind(" ")
        rows.append(text[:cut])
        text = text[cut + 1:]
    if last_word:
        rows[-1] = rows[-1].rsplit(" ", 1)[0] + " " + last_word
    return rows


@pytest.mark.parametrize("last_words, run_on, joined", [
    ("such", "as diabetes, which varies substantially across racial and ethnic groups.",
     "such as diabetes, which varies"),
    ("(District of", "Columbia), with a median of 126.1 per 100,000 in the state of North",
     "(District of Columbia), with a median")])
def test_paragraph_runs_on_past_a_table_read_as_text(tmp_path, last_words, run_on, joined):
    """A paragraph cut by the page break mid-sentence (its last line full) runs on under a
    table at the next page's top, set without rules, so its cells and note read as text: the
    cells (numbers) and the note (after the table's caption) had been taken for the
    paragraph's continuation, and the real one, opening in lower case or closing the
    paragraph's open parenthesis, was left apart."""
    def page1(canvas):
        _justified(canvas, 720, _rows(
            12, "Heart disease and stroke are the first and third leading causes of death",
            last_words))

    def page2(canvas):
        canvas.setFont("Times-Bold", 10)
        canvas.drawString(72, 720, "Table 1. Deaths by age group and sex, 2006")
        canvas.setFont("Times-Roman", 9)
        header = ("Age group", "No.", "Rate", "(95% CI)")
        for row, cells in enumerate([header] + [("45-54", "263", "11.8", "(10.4-13.2)")] * 5):
            for x, cell in zip((72, 200, 300, 400), cells):
                canvas.drawString(x, 700 - 11 * row, cell)
        canvas.drawString(72, 626, "Abbreviation: CI = confidence interval.")
        _justified(canvas, 600, _rows(6, run_on))

    result = _extract_blocks(_typeset_pages(tmp_path, [page1, page2]))
    text = " ".join(result[0][1].split())
    assert joined in text
    assert "45-54" not in text and "Abbreviation" not in text


def test_footer_in_one_part_under_the_notes_of_a_one_page_document(tmp_path):
    """A one-page summary's footer, set once at the text's right edge under the page's notes
    (small print), cannot repeat: its place under the notes says it is no text (it had read as
    a heading, and kept the notes above it from being notes)."""
    def page(canvas):
        _justified(canvas, 720, _rows(8, "Imports and higher operating costs continued to "
                                         "challenge abrasives producers", "ended."))
        _justified(canvas, 610, _rows(6, "Natural and manufactured abrasives, such as garnet, "
                                         "emery, or metallic ones,", "ended."))
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(72, 112, "1")
        canvas.drawString(76, 110, "Rounded to the nearest 5,000 tons to protect proprietary data.")
        canvas.drawString(72, 102, "2")
        canvas.drawString(76, 100, "Defined as imports less exports plus stock adjustments.")
        canvas.setFont("Times-Bold", 10)
        footer = "Geological Survey, Commodity Summaries, January 2011"
        canvas.drawString(492 - canvas.stringWidth(footer, "Times-Bold", 10), 70, footer)

    result = _typeset(tmp_path, page)
    assert not any("Geological Survey" in b.text for b in result.blocks)
    assert any(r.text.startswith("Geological Survey") and r.category == "furniture"
               for r in result.removed)


def test_alphabets_set_off_the_page_by_a_font_download_are_not_read(tmp_path):
    """A PostScript driver's font download leaves whole alphabets at 100 pt running from a
    point on the page far past its right edge (``zyxwvutsrq...``), one of them inside a
    paragraph's rows: their first letters had read as headings, cut the paragraph in two and
    kept the page's number at its foot from being seen as one (the alphabets stood under it)."""
    alphabet = "zyxwvutsrqponmlkjihgfedcbaZYWVUTSRQPONMLKJIHGFEDCBA"

    def page(canvas):
        _justified(canvas, 700, _rows(8, "Air toxics are emitted from a wide variety of sources, "
                                         "including stationary", "ended."))
        _justified(canvas, 590, _rows(8, "Air toxics emissions in urban areas can be of "
                                         "particular concern because", "ended."))
        canvas.setFont("Helvetica-Bold", 100)
        canvas.drawString(540, 790, alphabet)
        canvas.drawString(147, 520, alphabet)
        canvas.drawString(540, 20, alphabet)
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(303, 40, "2")

    result = _typeset(tmp_path, page)
    text = " ".join(b.text for b in result.blocks)
    assert "zyx" not in text and "ZYW" not in text
    assert [b.text.split()[:3] for b in result.blocks] == [
        ["Air", "toxics", "are"], ["Air", "toxics", "emissions"]]
    assert any(r.text == "2" and r.category == "furniture" for r in result.removed)


@pytest.mark.parametrize("label", ["TABLE.", "Table."])
def test_unnumbered_table_title_in_bold_is_a_caption(tmp_path, label):
    """The one table of an article may go unnumbered (``TABLE. Inequality in income ...``),
    its title set bold at the page's top over the table's header rows: it had read as a
    heading, for a caption's label needed a number."""
    title = f"{label} Inequality in income and premature mortality, United States, 1997-2007"

    def page(canvas):
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(72, 720, title)
        canvas.line(72, 714, 540, 714)
        canvas.setFont("Helvetica-Bold", 8)
        canvas.drawCentredString(400, 704, "Year")
        canvas.line(270, 700, 540, 700)
        canvas.drawString(72, 690, "Inequality measure")
        for col in range(5):
            canvas.drawRightString(300 + 60 * col, 690, str(2003 + col))
        canvas.line(72, 685, 540, 685)
        canvas.setFont("Helvetica", 8)
        for row, name in enumerate(["Median household income", "Household income inequality",
                                    "Premature mortality"]):
            canvas.drawString(72, 670 - 18 * row, name)
            for col in range(5):
                canvas.drawRightString(300 + 60 * col, 670 - 18 * row, f"0.{45 + row}{col}0")
        canvas.line(72, 628, 540, 628)
        _paragraph(canvas, 600, rows=8)

    result = _typeset(tmp_path, page)
    kinds = {b.text: b.kind for b in result.blocks}
    assert kinds.get(title) == "caption"


def test_typewritten_lines_justified_by_whole_spaces_stay_whole(tmp_path):
    """Text set in Courier and justified by padding word spaces with whole character cells
    (three or four after a sentence's end, ``users.   Thus,``): such a gap is wider than the
    1.5 em that always splits a row, so the words after it had been cut off into a paragraph
    of their own, read after the paragraph they belong to."""
    lines = ["ESTIMATING THE POPULATION DISTRIBUTION - There are many continuous",
             "biomedical variables for which the   population distribution is of",
             "interest to users.  The population standard deviation is often used",
             "as a measure of the dispersion of the observations in a population",
             "when the distribution is approximately symmetric, and intakes that",
             "most interests users.    Thus, the distinction between long-run and",
             "one-day distributions of dietary intakes must be made clear in the",
             "text accompanying any table displaying the estimated percentiles."]

    def page(canvas):
        canvas.setFont("Courier", 12)
        for i, line in enumerate(lines):
            canvas.drawString(72, 700 - 13 * i, line)
        for i, line in enumerate(lines[2:6]):
            canvas.drawString(72, 560 - 13 * i, line.replace("   ", " "))

    result = _typeset(tmp_path, page)
    text = " ".join(" ".join(b.text for b in result.blocks).split())
    assert "for which the population distribution is of interest" in text
    assert "users. Thus, the distinction between long-run" in text
    assert len(result.blocks) == 2


def test_paragraph_runs_on_past_a_ruled_table_and_its_note(tmp_path):
    """A paragraph cut by the page break runs on under a ruled table set at the next page's
    top and the table's note (``ᵃ U.S. EPA, 1995b``, opening with a raised label): the note,
    the first paragraph after the table, had been taken for the paragraph's continuation and
    the real continuation joined after it (``At this dietary ᵃU.S. EPA, 1995b exposure``)."""
    def page1(canvas):
        _justified(canvas, 720, _rows(12, "In the effects assessment for piscivorous mammals, "
                                          "both the GLWQI and", "dietary"))

    def page2(canvas):
        canvas.setFont("Times-Bold", 10)
        canvas.drawCentredString(306, 730, "Table 5-3 Wildlife Criteria in the GLWQIa")
        canvas.setFont("Times-Roman", 9)
        for row, cells in enumerate([("Species", "GLWQI", "This Report"), ("Mink", "2880", "1038"),
                                     ("Otter", "1930", "764"), ("Eagle", "1920", "1818")]):
            for x, cell in zip((80, 220, 360), cells):
                canvas.drawString(x, 706 - 18 * row, cell)
        for row in range(5):
            canvas.line(72, 718 - 18 * row, 500, 718 - 18 * row)
        for x in (72, 210, 350, 500):
            canvas.line(x, 718, x, 646)
        canvas.setFont("Times-Roman", 5.4)
        canvas.drawString(72, 629, "a")
        canvas.setFont("Times-Roman", 9)
        canvas.drawString(76, 626, "U.S. EPA, 1995b")
        _justified(canvas, 590, _rows(6, "exposure, there were changes in the liver, lesions in "
                                         "the central nervous", "ended."))

    result = _extract_blocks(_typeset_pages(tmp_path, [page1, page2]))
    text = " ".join(result[0][1].split())
    assert "dietary exposure, there were changes" in text
    assert "EPA" not in text


def test_a_note_citing_a_table_by_its_title_is_a_note(tmp_path):
    """A footnote whose text opens with the table it cites (``¹¹ Table 186. Enrollment, staff,
    and degrees ...``) reads as a caption by its words, but a caption never opens with a
    raised label: it had been read as a caption, and the note after it as a paragraph."""
    def page(canvas):
        canvas.setFont("Times-Roman", 11)
        lines = ["Student enrollment in these institutions in the fall of 2006 measured",
                 "17.8 million, in four-year and two-year institutions alike."]
        canvas.drawString(72, 720, lines[0])
        canvas.drawString(72, 706, lines[1])
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(72 + canvas.stringWidth(lines[1], "Times-Roman", 11) + 1, 711, "11, 12")
        _paragraph(canvas, 690, rows=30, size=11)
        canvas.line(72, 280, 200, 280)
        for y, label, text in ((268, "11", "Table 186. Enrollment, staff, and degrees conferred "
                                           "in postsecondary institutions, fall 2006."),
                               (256, "12", "These numbers may not equal the 17.8 million shown "
                                           "due to rounding.")):
            canvas.setFont("Times-Roman", 6)
            canvas.drawString(72, y + 3, label)
            canvas.setFont("Times-Roman", 9)
            canvas.drawString(80, y, text)

    result = _typeset(tmp_path, page)
    assert [f.label for f in result.footnotes] == ["11", "12"]
    assert result.footnotes[0].text.startswith("Table 186.")
    assert not any(b.kind == "caption" for b in result.blocks)


@pytest.mark.parametrize("end, number", [("and a UF of", "2. This Report used a UF of 1"),
                                         ("the handbook for campus crime reporting, p.",
                                          "11. Retrieved September 25, 2008, from the"),
                                         ("incident. In 26 percent (n =",
                                          "71) of the incidents, the subject died of a")])
def test_a_number_wrapped_mid_sentence_opens_no_list_item(tmp_path, end, number):
    """A sentence's number wrapped to the next line (``a UF of`` / ``2. This Report used``, a
    citation's ``p.`` / ``11. Retrieved``) reads like a list's enumerator: the line had started
    a list item of its own, cutting the paragraph mid-sentence."""
    def page(canvas):
        rows = _rows(4, "In calculating the wildlife reference dose, the GLWQI used a UF of 3")
        rows[-1] = rows[-1][:70 - len(end)].rsplit(" ", 1)[0] + " " + end
        _justified(canvas, 700, rows + [number + " and more words to end it."])
        _justified(canvas, 620, _rows(4, "A formal analysis of uncertainty around the estimate "
                                         "was not attempted.", "ended."))

    result = _typeset(tmp_path, page)
    assert [b.kind for b in result.blocks] == ["paragraph", "paragraph"]
    assert " ".join(number.split()[:3]) in " ".join(result.blocks[0].text.split())


def test_italic_subsection_title_at_the_text_size_is_a_heading(tmp_path):
    """A subsection's title set in italics at the text's size and weight, alone over its
    paragraph (``Targeting: Specifically Named Individuals``), had read as a one-line
    paragraph."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=5, size=12) - 20
        canvas.setFont("Times-Italic", 12)
        canvas.drawString(72, y, "Targeting: Specifically Named Individuals")
        _paragraph(canvas, y - 24, rows=5, size=12)

    result = _typeset(tmp_path, page)
    kinds = {b.text: b.kind for b in result.blocks}
    assert kinds.get("Targeting: Specifically Named Individuals") == "heading"


def test_a_report_number_over_a_one_page_excerpt_is_furniture(tmp_path):
    """A report's number printed once at the top right of a one-page excerpt (``10-P-0154``),
    flush with the text's right edge and alone above it, cannot repeat: its shape and place
    say it heads the page, not the text (it had read as a paragraph)."""
    def page(canvas):
        canvas.setFont("Helvetica", 10)
        canvas.drawRightString(492, 750, "10-P-0154")
        _justified(canvas, 700, _rows(8, "Air toxics are emitted from a wide variety of "
                                         "sources, including stationary", "ended."))
        _justified(canvas, 590, _rows(8, "Air toxics emissions in urban areas can be of "
                                         "particular concern because", "ended."))
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(303, 40, "2")

    result = _typeset(tmp_path, page)
    assert not any("10-P-0154" in b.text for b in result.blocks)
    assert any(r.text == "10-P-0154" and r.category == "furniture" for r in result.removed)


def test_headings_atop_two_of_three_pages_are_no_running_heads(tmp_path):
    """Two pages that open with a heading at one height (``What method of attack was used?``,
    ``QUALITATIVE OBSERVATIONS``), the third with its heading an em lower, as the text runs:
    the height recurs but the text does not, and the third page's text reaches up to it, so it
    is inside the text area, not a margin (both headings had gone as running heads)."""
    def page(heading: str, top: float, number: int):
        def draw(canvas):
            canvas.setFont("Times-Bold", 12)
            canvas.drawString(72, top, heading)
            canvas.setFont("Times-Roman", 12)
            words = (BODY.split() * 60)[number:]
            for row in range(40):  # each page's own rows: no text recurs at a height
                canvas.drawString(72, top - 27.4 - 13.8 * row, " ".join(words[row * 12:
                                                                             row * 12 + 12]))
            canvas.setFont("Times-Roman", 9)
            canvas.drawString(72, 40, "Campus Attacks")
            canvas.drawString(475, 40, f"Page {number}")
        return draw

    result = _typeset_pages(tmp_path, [page("What method of attack was used?", 710, 17),
                                       page("QUALITATIVE OBSERVATIONS", 710, 18),
                                       page("How did target selection compare?", 696, 19)])
    kinds = {b.text: b.kind for b in result.blocks}
    assert kinds.get("What method of attack was used?") == "heading"
    assert kinds.get("QUALITATIVE OBSERVATIONS") == "heading"
    assert not any("Campus Attacks" in b.text or "Page 1" in b.text for b in result.blocks)


def test_a_table_title_beside_a_paragraphs_first_line_is_its_caption(tmp_path):
    """A table set in the right margin of a paragraph, its bold title level with the text's
    first line a little over an em after its last word (``... of 2006 attended`` then ``Table
    1: Student Enrollment,``): the row had been read as one line, the title's first line
    inside the paragraph and its second a caption of its own."""
    def page(canvas):
        _paragraph(canvas, 720, rows=8, size=12)
        words = (BODY.split() * 20)[7:]
        canvas.setFont("Times-Roman", 12)
        for row in range(8):
            canvas.drawString(72, 600 - 13.8 * row, " ".join(words[row * 6:row * 6 + 6]))
        first = "The majority of the enrolled students in the fall of 2006 attended"
        end = 72 + canvas.stringWidth(first, "Times-Roman", 12)
        canvas.drawString(72, 600, first)
        canvas.setFont("Times-Bold", 10)
        canvas.drawString(end + 14.7, 599, "Table 1: Student Enrollment,")
        canvas.drawString(end + 17, 587, "by Age Group, Fall 2006")
        _paragraph(canvas, 470, rows=8, size=12)

    result = _typeset(tmp_path, page)
    captions = [" ".join(b.text.split()) for b in result.blocks if b.kind == "caption"]
    assert captions == ["Table 1: Student Enrollment, by Age Group, Fall 2006"]
    assert not any("Table 1" in b.text for b in result.blocks if b.kind == "paragraph")


def test_a_notes_line_ending_a_sentence_a_word_short_of_the_edge_runs_on(tmp_path):
    """A reference in a footnote whose first line ends a sentence (``(NCES 2009-020).``) short
    of the column's edge, but by less than the next line's first word (``Washington,``): the
    line broke because the word did not fit, so the note runs on (it had been cut, its second
    line an unlabelled note). A line ending a sentence with room for the next word still ends
    its note (``These authors contributed equally.`` / ``Correspondence: ...``)."""
    def page(canvas):
        _paragraph(canvas, 720, rows=40)
        canvas.line(72, 180, 200, 180)
        first = "Snyder, T.D., Dillow, S.A., and Hoffman, C.M. (2009). Digest of Education " \
                "Statistics 2008 (NCES 2009-020)."
        second = "Washington, DC: National Center for Education Statistics, Institute of " \
                 "Education Sciences, U.S. Department of Education."
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(76, 170, first)
        canvas.drawString(72, 161, second)
        canvas.drawString(72, 152, "Retrieved June 1, 2009, from the web site.")
        canvas.drawString(76, 143, "These authors contributed equally to this work.")
        canvas.drawString(72, 134, "Correspondence: Professor Edward Sturrock (email edward@"
                                   "example.org), at the university.")
        canvas.setFont("Times-Roman", 5)
        canvas.drawString(72, 173, "7")
        canvas.drawString(72, 146, "8")
        short = canvas.stringWidth(second, "Times-Roman", 8) - \
            canvas.stringWidth(first, "Times-Roman", 8) - 4
        assert 3 * 8 < short < canvas.stringWidth("Washington, ", "Times-Roman", 8)

    result = _typeset(tmp_path, page)
    assert [(f.label, f.text[:20]) for f in result.footnotes] == [
        ("7", "Snyder, T.D., Dillow"), ("8", "These authors contri"), ("", "Correspondence: Prof")]
    assert "Washington, DC" in result.footnotes[0].text


def test_a_web_address_beside_a_lone_pages_number_is_furniture(tmp_path):
    """A one-page excerpt's footer: the page's number, bold and larger, centred under the text,
    and the publisher's web address at the body's size right of it on its row. Nothing can
    recur, and the address, at the body's size, had been read as a paragraph; standing apart
    from the text on the number's row, it is the footer's."""
    def page(canvas):
        _paragraph(canvas, 700, rows=30, size=12)
        canvas.setFont("Times-Bold", 17)
        canvas.drawCentredString(306, 60, "1")
        canvas.setFont("Times-Roman", 12)
        canvas.drawRightString(540, 61, "www.example.org")

    result = _typeset(tmp_path, page)
    assert not any("www.example.org" in b.text for b in result.blocks)
    assert any(r.text == "www.example.org" and r.category == "furniture" for r in result.removed)


def test_a_title_over_a_shape_bleeding_off_the_page_is_a_heading(tmp_path):
    """A journal's first page with a coloured shape in its top corner, drawn to bleed off the
    paper, and the article's title set partly over it: the shape's box held the title, whose
    lines were read as the shape's labels (a figure). A drawing runs past no page's edge."""
    def page(canvas):
        canvas.setFillColorRGB(0.1, 0.6, 0.4)
        for radius in (160, 140, 120, 100):  # each under a quarter of the page: no frame
            canvas.circle(60, 800, radius, stroke=1, fill=1)
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont("Helvetica-Bold", 20)
        canvas.drawString(170, 700, "Diabetes gestacional autorreferido - uma")
        canvas.drawString(170, 676, "análise da Pesquisa Nacional")
        _paragraph(canvas, 560, rows=30)

    result = _typeset(tmp_path, page)
    headings = [" ".join(b.text.split()) for b in result.blocks if b.kind == "heading"]
    assert headings == ["Diabetes gestacional autorreferido - uma análise da Pesquisa Nacional"]
    assert not any(b.kind == "figure" for b in result.blocks)


def test_a_note_opening_with_a_label_and_a_colon_after_a_short_line_is_a_note(tmp_path):
    """A first page's author notes, one a line each: ``Correspondence: ... E-mail: ...`` ends
    short with no full stop, and ``Funding: ...`` under it runs over two lines. A note's
    first line short of the measure may title its note, so it had run on into the funding
    note; a line opening with a label and a colon, with room for its first word on the line
    above, opens a note of its own."""
    def page(canvas):
        _paragraph(canvas, 720, rows=40)
        canvas.line(72, 180, 200, 180)
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(72, 170, "1 These authors contributed equally to this work.")
        canvas.drawString(72, 161, "Correspondence: Jane Doe. E-mail: jane.doe@example.org")
        canvas.drawString(72, 152, "Funding: National Council for Scientific and Technological "
                                   "Development, a research grant for the first")
        canvas.drawString(72, 143, "author. The study had no other source of funding.")

    result = _typeset(tmp_path, page)
    assert [(f.label, f.text[:20]) for f in result.footnotes] == [
        ("1", "These authors contri"), ("", "Correspondence: Jane"), ("", "Funding: National Co")]


def test_notes_numbered_in_parentheses_are_notes(tmp_path):
    """A word processor's journal template sets its notes as ``(4) For a discussion ...``
    under the separator rule, the text citing them with a raised ``4``: the parenthesised
    number was no note label, so the notes read as list items in the body."""
    def page(canvas):
        canvas.setFont("Times-Roman", 12)
        canvas.drawString(72, 700, "Let us look at the phases of growth from a demand-led view,")
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(72 + canvas.stringWidth("Let us look at the phases of growth from a "
                                                  "demand-led view,", "Times-Roman", 12), 705, "4")
        canvas.setFont("Times-Roman", 12)
        canvas.drawString(72, 686, "seeking to tell structural changes from conjunctural ones.")
        _paragraph(canvas, 660, rows=28, size=12)
        canvas.line(72, 150, 200, 150)
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(90, 140, "(4) For a discussion on this theoretical perspective in "
                                   "development economics, see Serrano (2001).")

    result = _typeset(tmp_path, page)
    assert [(f.label, f.text[:16]) for f in result.footnotes] == [("4", "For a discussion")]
    assert not any("For a discussion" in b.text for b in result.blocks)


def test_a_run_of_note_symbols_a_stretched_space_before_its_text_labels_the_note(tmp_path):
    """An author note labelled ``****``, set small a justified line's stretched space before
    its text: the label stood apart as a line of its own and read as body text (and joined
    the next page's text as a paragraph cut by the break); it labels the note as a tab's
    number does."""
    def page(canvas):
        _paragraph(canvas, 720, rows=40)
        canvas.line(72, 180, 200, 180)
        canvas.setFont("Times-Roman", 5)
        canvas.drawString(90, 173, "***")
        canvas.drawString(90, 162, "****")
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(98, 170, "Researcher at the National Council for Scientific and "
                                   "Technological Development.")
        canvas.drawString(105, 159, "Adjunct   professor   at   the   Federal   University   of   "
                                    "Rio   Grande   do   Norte,   Natal,   Brazil.")

    result = _typeset(tmp_path, page)
    assert [(f.label, f.text[:16]) for f in result.footnotes] == [
        ("***", "Researcher at th"), ("****", "Adjunct professo")]
    assert not any("****" in b.text for b in result.blocks)


def test_a_title_set_flush_right_is_one_heading(tmp_path):
    """A journal's title in three lines set flush right, each starting further in than the one
    above (``Decreased levels of ...`` / ``immune blood cells: ...`` / ``implications in
    prostate cancer``): the third line, starting right of the second and ending where it
    ends, read as an indented first line, so the title split in two headings."""
    def page(canvas):
        canvas.setFont("Helvetica", 20)
        for y, text in ((700, "Decreased levels of cathepsin Z mRNA expressed by"),
                        (676, "immune blood cells: diagnostic and prognostic"),
                        (652, "implications in prostate cancer")):
            canvas.drawRightString(540, y, text)
        _paragraph(canvas, 600, rows=30)

    result = _typeset(tmp_path, page)
    headings = [" ".join(b.text.split()) for b in result.blocks if b.kind == "heading"]
    assert headings == ["Decreased levels of cathepsin Z mRNA expressed by immune blood cells: "
                        "diagnostic and prognostic implications in prostate cancer"]


def _author_notes(canvas, texts: list[str]) -> None:
    """Two columns of 9 pt body text, then ``texts`` at 8 pt (0.89 of the body: larger than an
    author note without a rule) at the first column's foot, a blank line apart."""
    _paragraph(canvas, 720, rows=50, size=9)
    _paragraph(canvas, 720, rows=50, x=320, size=9)
    canvas.setFont("Helvetica", 8)
    for row, text in enumerate(texts):
        canvas.drawString(72, 150 - 19 * row, text)


def test_a_rule_drawn_as_a_rounded_bar_separates_the_notes_under_it(tmp_path):
    """A journal's note separator drawn as a filled bar with rounded ends (a curve to
    pdfminer's kinds, 1.5 pt tall): it was no rule, so the author notes under it, set at 0.89
    of the body, read as body text."""
    def page(canvas):
        canvas.roundRect(72, 165, 468, 1.5, 0.75, stroke=0, fill=1)
        _author_notes(canvas, ["These authors contributed equally.",
                               "Received March 30, 2021 | Accepted June 10, 2021"])

    result = _typeset(tmp_path, page)
    assert [f.text[:14] for f in result.footnotes] == ["These authors ", "Received March"]
    assert not any("These authors" in b.text for b in result.blocks)


def test_a_note_symbol_glued_to_the_first_word_of_a_note_block_labels_it(tmp_path):
    """``*These authors contributed equally`` under a correspondence line that ended short
    of the column, not ending a sentence: the glued ``*`` was read as text and the note ran on
    from the correspondence line."""
    def page(canvas):
        canvas.line(72, 165, 540, 165)
        _author_notes(canvas, ["Correspondence: E.R. Suarez: <e.suarez@example.edu>",
                               "*These authors contributed equally to this work."])

    result = _typeset(tmp_path, page)
    assert [(f.label, f.text[:13]) for f in result.footnotes] == [
        ("", "Correspondenc"), ("*", "These authors")]


def test_a_lone_pages_folio_and_running_head_on_one_row_are_furniture(tmp_path):
    """A report's table page printed alone: ``42`` and ``Styrene-Acrylonitrile Trimer, NTP TR
    573`` share the top row, at 10 pt over a table set at 8 pt. Nothing repeats, and both were
    taken for display lines (set larger than the page's body, the table), so the number read as
    a paragraph and the head as a heading."""
    def page(canvas):
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, 750, "42")
        canvas.drawRightString(540, 750, "Styrene-Acrylonitrile Trimer, NTP TR 573")
        canvas.setFont("Times-Bold", 10)
        canvas.drawString(72, 716, "Mean Body Weights of Pups to Postnatal Day 20")
        canvas.setFont("Times-Roman", 8)
        for row in range(30):
            y = 690 - 10 * row
            for column in range(8):
                canvas.drawRightString(110 + 60 * column, y, f"{(row * 7 + column * 3) % 90 + 5}.{row % 10}")

    result = _typeset(tmp_path, page)
    texts = [b.text for b in result.blocks]
    assert not any(t.strip() == "42" or "NTP TR 573" in t for t in texts)
    assert any("Mean Body Weights" in t for t in texts)


def test_a_contents_entry_under_the_running_head_is_no_running_head(tmp_path):
    """A contents page's last entry carried over under its running head: ``Stichwortverzeichnis``
    and its page ``111`` alone on a row, as a folio and its head are, but under them; only a
    page's outermost row holds its folio."""
    def page(canvas):
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(90, 760, "2")
        canvas.drawRightString(540, 760, "Inhaltsverzeichnis")
        canvas.setFont("Helvetica", 11)
        canvas.drawString(90, 725, "Stichwortverzeichnis")
        canvas.drawRightString(540, 725, "111")
        _paragraph(canvas, 680, rows=40)

    result = _typeset(tmp_path, page)
    assert any("Stichwortverzeichnis" in b.text for b in result.blocks)
    assert not any("Inhaltsverzeichnis" in b.text for b in result.blocks)


def test_the_first_line_of_a_numbered_page_printed_alone_is_its_running_head(tmp_path):
    """A glossary's page printed alone: ``Appendix A—Glossary`` isolated over the text in
    italics, the page number ``A-3`` at its foot. No other page shows the head repeated; the
    page's number shows it is a page of a longer document, so its first line, neither bold nor
    set as a heading, is the running head. Without the number the line stays."""
    def page(numbered: bool):
        def draw(canvas):
            canvas.setFont("Times-Italic", 11)
            canvas.drawRightString(540, 752, "Appendix A—Glossary")
            canvas.setFont("Times-Bold", 10)
            canvas.drawString(72, 712, "Age received bachelor’s degree")
            _paragraph(canvas, 690, rows=45)
            if numbered:
                canvas.setFont("Times-Roman", 12)
                canvas.drawCentredString(306, 40, "A-3")
        return draw

    numbered = _typeset(tmp_path, page(True))
    assert not any("Glossary" in b.text for b in numbered.blocks)
    assert any("Age received" in b.text for b in numbered.blocks)
    unnumbered = _typeset(tmp_path, page(False))
    assert any("Glossary" in b.text for b in unnumbered.blocks)


def test_table_title_inside_the_tables_frame_is_a_caption(tmp_path):
    """A report's exhibit framed whole: its label and title stand in the frame's first row,
    ruled off from the header row under them. That row is the table's caption, not one of
    its cells."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=6) - 20
        left, right, top = 150, 462, y
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawCentredString(306, top - 14, "Exhibit 19")
        canvas.drawCentredString(306, top - 26, "Percentage of Schools Identified for Improvement")
        rows = [top - 34, top - 52, top - 70, top - 88]
        canvas.setFont("Helvetica", 9)
        for i, label in enumerate(["Designation", "Low-performing", "High-performing"]):
            canvas.drawString(left + 6, rows[i] - 13, label)
            canvas.drawString(360, rows[i] - 13, "Share" if i == 0 else f"{30 + i}%")
        for rule in [top, *rows]:
            canvas.line(left, rule, right, rule)
        canvas.line(left, top, left, rows[-1])
        canvas.line(right, top, right, rows[-1])
        canvas.line(350, rows[0], 350, rows[-1])
        _paragraph(canvas, rows[-1] - 30)

    result = _extract_blocks(_typeset(tmp_path, page))
    assert ("caption", "Exhibit 19\nPercentage of Schools Identified for Improvement") in result
    tables = [t for k, t in result if k == "table"]
    assert len(tables) == 1 and tables[0].startswith("Designation\tShare")


def test_small_bold_title_over_a_ruled_table_is_its_caption(tmp_path):
    """A regulator's report titles a table in bold a size under the text, right over its
    grid, and prints its label (``Table 2``) under the source line: the title is the
    table's caption, not a heading, since no heading is set smaller than the text it heads.
    Bold at the text's size right over a table, a section's title stays a heading."""
    def page(title_size: float, title: str):
        def draw(canvas):
            y = _paragraph(canvas, 720, rows=8) - 20
            canvas.setFont("Times-Bold", title_size)
            canvas.drawString(72, y, title)
            left, right, top = 72, 520, y - 6
            rows = [top - 16, top - 32, top - 48]
            canvas.setFont("Times-Roman", 10)
            for i, label in enumerate(["Differences with respect to Germany", "Q1 2009 - Q4 2009",
                                       "Q1 2010"]):
                canvas.drawString(left + 2, [top, *rows][i] - 12, label)
                canvas.drawString(300, [top, *rows][i] - 12, "Portugal" if i == 0 else f"0.{i}3")
                canvas.drawString(420, [top, *rows][i] - 12, "Greece" if i == 0 else f"0.{i}7")
            for rule in [top, *rows]:
                canvas.line(left, rule, right, rule)
            for x in (left, 290, 410, right):
                canvas.line(x, top, x, rows[-1])
            canvas.setFont("Times-Roman", 8)
            canvas.drawString(72, rows[-1] - 10, "Source: Bloomberg (computations of the staff).")
            canvas.setFont("Times-Bold", 8)
            canvas.drawString(72, rows[-1] - 30, "Table 2")
            _paragraph(canvas, rows[-1] - 60)
        return draw

    title = "Correlation coefficients of the spread and yield differences for selected countries"
    result = _extract_blocks(_typeset(tmp_path, page(8, title)))
    assert ("caption", title) in result
    assert any(k == "table" for k, _ in result)
    result = _extract_blocks(_typeset(tmp_path, page(10, "Spreads and yields")))
    assert ("heading", "Spreads and yields") in result


def test_a_figures_label_alone_over_its_framed_chart_is_no_heading(tmp_path):
    """A report's chart framed with its title inside the frame, its label alone in bold on the
    line over the frame (``Figure 2``): the label is the figure's caption, never a heading."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=6) - 24
        canvas.setFont("Times-Bold", 10)
        canvas.drawString(120, y, "Figure 2")
        frame_top = y - 8
        canvas.rect(120, frame_top - 180, 380, 180)
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawCentredString(310, frame_top - 24, "Incidents of Directed Assaults,")
        canvas.drawCentredString(310, frame_top - 38, "by Month, 1900-2008")
        points = [(150 + 30 * i, frame_top - 150 + (i * 37) % 60) for i in range(12)]
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            canvas.line(x0, y0, x1, y1)
        canvas.setFont("Helvetica", 8)
        for i, month in enumerate(["SEP", "OCT", "NOV", "DEC", "JAN", "FEB"]):
            canvas.drawString(150 + 60 * i, frame_top - 170, month)
        _paragraph(canvas, frame_top - 210)

    result = _extract_blocks(_typeset(tmp_path, page))
    assert ("caption", "Figure 2") in result
    assert not any(k == "heading" and t.startswith("Figure") for k, t in result)



def test_a_tables_last_row_repeated_over_its_continuation_is_no_running_footer(tmp_path):
    """A statistical table continued on the next page lists the same states, so its last row
    (``Wyoming``) ends both pages at one height in the bottom margin: repeated, yet a row of
    the table, set right under the rows above it at their left edge, not a footer, which
    stands apart from the text. The folio under it stays furniture."""
    states = [f"State {k + 1}" for k in range(26)] + ["Wyoming"]

    def table(first_year: int):
        def page(canvas):
            canvas.setFont("Times-Roman", 9)
            y = 400.0
            for k, state in enumerate(states):
                canvas.drawString(72, y, state)
                for column in range(5):
                    canvas.drawRightString(
                        230 + 60 * column, y, f"{5_000 + 311 * k + 977 * (first_year + column):,}")
                y -= 11
            canvas.drawString(72, 40, f"{first_year + 51}")
        return page

    result = _typeset_pages(tmp_path, [table(1), table(2)])
    assert sum(b.text.count("Wyoming") for b in result.blocks) == 2
    assert not any("Wyoming" in r.text for r in result.removed)
    assert {r.text for r in result.removed} == {"52", "53"}


def _statistical_page(canvas, foot: list[tuple[str, str, float]]) -> None:
    """Body text, a table's rows and its source line in small print, then ``foot``: lines of
    (text, ``left`` or ``right``, size) set in Courier right under the source line."""
    y = _paragraph(canvas, 720, rows=20, size=9) - 12
    canvas.setFont("Helvetica", 6)
    for k in range(30):
        canvas.drawString(72, y, f"Offense {k + 1} . . . . . . . . . . . . . .")
        canvas.drawRightString(300, y, f"{26_347 + 977 * k:,}")
        canvas.drawRightString(400, y, f"{14_581 + 311 * k:,}")
        y -= 6.5
    canvas.drawString(72, y - 2, "Source: U.S. Department of Justice, Federal Bureau of Investigation.")
    y -= 11
    for text, side, size in foot:
        canvas.setFont("Courier", size)
        if side == "left":
            canvas.drawString(72, y, text)
        else:
            canvas.drawRightString(540, y, text)
        y -= size + 1


def test_a_folio_line_in_a_face_of_its_own_at_a_lone_pages_foot_is_furniture(tmp_path):
    """A statistical abstract's page ends with its folio and section title, set in a face no
    other text of the page uses, right under a table's source line, and the publication's
    name under it: printed once, so no repetition proves them, but the page's foot in a face
    of its own, opening with a page number, is its frame."""
    result = _typeset(tmp_path, lambda canvas: _statistical_page(canvas, [
        ("206  Law Enforcement, Courts, and Prisons", "left", 8),
        ("U.S. Census Bureau, Statistical Abstract of the United States: 2012", "right", 6)]))
    text = " ".join(b.text for b in result.blocks)
    assert "Law Enforcement" not in text and "Statistical Abstract" not in text
    assert "Source: U.S. Department of Justice" in text


def test_a_signature_in_a_face_of_its_own_at_a_pages_foot_stays_text(tmp_path):
    """A foreword's last page ends with its signature, the name over its role in a face no
    other text of the page uses: no page number opens or closes it, so it stays text."""
    result = _typeset(tmp_path, lambda canvas: _statistical_page(canvas, [
        ("John H. Weitzmann", "left", 8), ("Legal Project Lead", "left", 6)]))
    text = " ".join(b.text for b in result.blocks)
    assert "John H. Weitzmann" in text and "Legal Project Lead" in text


def test_small_figures_in_a_tables_rows_in_the_bottom_margin_are_no_page_numbers(tmp_path):
    """A table's last rows run into the bottom margin, its small figures (``543``, ``192``)
    each a line of their own between the wider columns: a bare number beside other figures on
    its row is a table's cell, not a page number (taken for one, it took its row with it as
    print beside a folio). The page's own number under the table stays furniture."""
    rows = [("Other assaults", "1,032,502 672,865 332,435 15,127 12,075"),
            ("Forgery and counterfeiting", "67,054 44,730 21,251 345 728"),
            ("Fraud", "161,233 108,032 50,367 1,315 1,519"),
            ("Embezzlement", "13,960 9,208 4,429 75 248"),
            ("Vandalism", "212,173 157,723 48,746 3,352 2,352"),
            ("Gambling", "8,046 2,290 5,518 27 211"),
            ("Liquor laws", "444,087 373,189 50,431 14,876 5,591"),
            ("Drunkenness", "469,958 387,542 71,020 8,552 2,844"),
            ("Vagrancy", "26,347 14,581 11,031 543 192"),
            ("All other offenses", "2,929,217 1,937,221 911,670 43,880 36,446"),
            ("Suspicion", "1,513 677 828 1 7"),
            ("Runaways", "73,616 48,343 19,670 1,653 3,950")]

    def page(canvas):
        _paragraph(canvas, 720, rows=25, size=9)
        canvas.setFont("Helvetica", 6)
        y = 150.0
        for label, figures in rows:
            canvas.drawString(72, y, label + " . . . . . . . . . .")
            for column, figure in enumerate(figures.split()):
                canvas.drawRightString(250 + 42 * column, y, figure)
            y -= 6.5
        canvas.setFont("Times-Roman", 9)
        canvas.drawString(300, 40, "206")

    result = _typeset(tmp_path, page)
    assert {r.text for r in result.removed} == {"206"}
    text = " ".join(b.text for b in result.blocks)
    assert "Vagrancy" in text and "Suspicion" in text and "543" in text and "828" in text



def _two_figure_ones_pdf() -> bytes:
    """One line in an Identity-H font (Vera, embedded) whose ToUnicode gives ``1`` to two
    glyphs: the font's figure one, 364 units wide by /W, and the glyph the text sets, 571."""
    font = TTFontFile(str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"))
    program = Path(font.filename).read_bytes()
    # the glyph set comes first in the ToUnicode map: PDFium's look-up by Unicode takes
    # the later one
    one, set_one = font.charToGlyph[ord("1")], font.charToGlyph[ord('"')]
    line = "The card is exempt under 5 CFR 1320(h)3 of the rules for surveys."
    glyphs = {ch: set_one if ch == "1" else font.charToGlyph[ord(ch)] for ch in set(line)}
    content = (b"BT /F1 11 Tf 72 700 Td <" + "".join(f"{glyphs[ch]:04x}" for ch in line).encode()
               + b"> Tj ET")
    pairs = sorted({(gid, ord(ch)) for ch, gid in glyphs.items()} | {(one, ord("1"))})
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /T def"
            b" /CMapType 2 def 1 begincodespacerange <0000> <ffff> endcodespacerange"
            + b" %d beginbfchar " % len(pairs)
            + b" ".join(b"<%04x> <%04x>" % pair for pair in pairs)
            + b" endbfchar endcmap CMapName currentdict /CMap defineresource pop end end")
    widths = b" ".join(b"%d [%d]" % (gid, 571 if ch == "1" else 318 if ch == " " else 600)
                       for ch, gid in glyphs.items()) + b" %d [364]" % one
    return assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Vera /Encoding /Identity-H"
        b" /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+Vera /CIDSystemInfo"
        b" << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R"
        b" /CIDToGIDMap /Identity /DW 1000 /W [" + widths + b"] >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
        b"<< /Type /FontDescriptor /FontName /ABCDEF+Vera /Flags 32 /FontBBox"
        b" [-183 -236 1287 928] /ItalicAngle 0 /Ascent 928 /Descent -236 /CapHeight 729"
        b" /StemV 80 /FontFile2 9 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(program), program),
    ])


def test_a_figure_two_glyphs_share_is_as_wide_as_the_one_set(tmp_path):
    """An OpenType face's two figure ones (571 units and 364), both mapped to ``1``: PDFium's
    width by Unicode was the other glyph's, and the narrow one opened a word space inside
    ``1320`` (``5 CFR 1 320``)."""
    text = " ".join(b.text for b in _extract_file(tmp_path, _two_figure_ones_pdf(),
                                                  "figures.pdf").blocks)
    assert "exempt under 5 CFR 1320(h)3 of the rules" in text


def test_a_journals_footer_with_its_folio_printed_once_is_furniture(tmp_path):
    """A journal article's first page: its footer, the journal's name, issue date and the
    page's number in small print flush with the text's right edge under all the text, printed
    once (a one-page excerpt). Nothing can repeat it; a page number closing a short line of
    words alone under the text, flush with the text's edge, marks it as the page's foot. It had
    read as a paragraph."""
    def page(canvas):
        _justified(canvas, 700, _rows(14, "The biennial projections assume that the economy is "
                                          "at or near full employment in", "ended."))
        canvas.setFont("Helvetica", 7)
        canvas.drawRightString(492, 60, "Quarterly Labor Review  \u2022  January 2012    65")

    result = _typeset(tmp_path, page)
    assert not any("Quarterly Labor Review" in b.text for b in result.blocks)
    assert any(r.text.startswith("Quarterly Labor Review") and r.category == "furniture"
               for r in result.removed)


def test_an_underlined_title_at_the_body_size_is_a_heading(tmp_path):
    """A report's section title set at the text's size and weight, on its own line, underlined
    across its whole width (a word processor's heading style; its bold and italics drawn by
    the producer, not named by the font), right above the paragraph it heads: a heading, not
    the paragraph's first line. A word underlined inside a line of text heads nothing."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=6, size=11) - 12
        canvas.setFont("Times-Roman", 11)
        canvas.drawString(72, y, "Credit Derivatives Markets")
        width = canvas.stringWidth("Credit Derivatives Markets", "Times-Roman", 11)
        canvas.setLineWidth(0.6)
        canvas.line(72, y - 1.5, 72 + width, y - 1.5)
        _paragraph(canvas, y - 16, rows=6, size=11)
        canvas.drawString(72, y - 120, "Only this word is underlined in the line of text.")
        canvas.line(72, y - 121.5, 72 + canvas.stringWidth("Only", "Times-Roman", 11), y - 121.5)

    result = _extract_blocks(_typeset(tmp_path, page))
    assert [t for k, t in result if k == "heading"] == ["Credit Derivatives Markets"]
    assert not any(t.startswith("Credit Derivatives Markets ") for _, t in result)


def test_a_drop_capital_whose_font_declares_a_deep_descent_opens_the_first_row(tmp_path):
    """A magazine's drop capital three rows tall, in a face whose descriptor declares a descent
    of most of its em: the glyph box hangs that far under the baseline, so its top stands well
    below the capital's ink, level with the second row. A capital's top is its baseline less
    its cap height, whatever the box: the capital opens the first row (``This release``),
    not the second (``his release ... TStatistics``)."""
    rows = ["his release of the Bureau of Labor", "Statistics projections, which are",
            "published every two years, is the", "second since the recession that began",
            "in December of that year and ended."]

    def page(canvas):
        _paragraph(canvas, 720, rows=4)
        canvas.setFont(_heavy_font(), 40)
        canvas.drawString(72, 640 - 26, "T")
        canvas.setFont("Times-Roman", 11)
        for i, row in enumerate(rows):
            canvas.drawString(100 if i < 3 else 72, 640 - 13 * i, row)

    result = _typeset(tmp_path, page, (b"/Descent -240", b"/Descent -700"))
    text = " ".join(" ".join(b.text for b in result.blocks).split())
    assert "This release of the Bureau of Labor Statistics projections, which are" in text


def test_underlined_column_heads_and_a_title_underlined_on_both_lines(tmp_path):
    """Underlined words that are no title over prose: a table's column heads underlined side by
    side over their cells, and a bold title wrapped over two lines, each underlined (one
    heading, not its first line and then its second)."""
    def page(canvas):
        canvas.setFont("Times-Roman", 10)
        for col, head in enumerate(("Iowa Ethanol", "Nebraska Ethanol", "Dakota Ethanol")):
            x = 72 + 150 * col
            canvas.drawString(x, 720, head)
            canvas.line(x, 718.5, x + canvas.stringWidth(head, "Times-Roman", 10), 718.5)
            for row in range(3):
                canvas.drawString(x, 706 - 12 * row, f"steady demand from {row + 2} plants")
        font = _heavy_font()
        for i, part in enumerate(("Conventional Parties to the Armed Conflict", "and Groups")):
            canvas.setFont(font, 10)
            canvas.drawString(72, 600 - 12 * i, part)
            canvas.line(72, 598.5 - 12 * i, 72 + canvas.stringWidth(part, font, 10), 598.5 - 12 * i)
        _paragraph(canvas, 570)

    result = _extract_blocks(_typeset(tmp_path, page, VERA_MEDIUM))
    headings = [t for k, t in result if k == "heading"]
    assert not any("Ethanol" in t for t in headings)
    assert [" ".join(t.split()) for t in headings] == [
        "Conventional Parties to the Armed Conflict and Groups"]


def test_a_small_print_label_under_its_table_takes_no_paragraph_for_its_title(tmp_path):
    """A report's table titled above and labelled ``Table 2`` below in its notes' small print,
    a paragraph of the text's size right under the label: the paragraph is no title of the
    label (a caption's title is set no larger than its label), so it stays a paragraph."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=6, size=11) - 20
        canvas.setFont("Times-Bold", 8)
        canvas.drawString(72, y, "Correlation coefficients of the spread and yield differences")
        canvas.setFont("Times-Roman", 10)
        for row in range(4):
            canvas.drawString(72, y - 16 - 15 * row, f"Q{row + 1} 2009")
            for col in range(4):
                canvas.drawString(200 + 70 * col, y - 16 - 15 * row, f"0.{row}{col + 1}")
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(72, y - 88, "Source: Bloomberg (own computations).")
        canvas.setFont("Times-Bold", 8)
        canvas.drawString(72, y - 104, "Table 2")
        _paragraph(canvas, y - 124, rows=3, size=11)

    result = _extract_blocks(_typeset(tmp_path, page))
    assert ("caption", "Table 2") in result
    assert any(k == "paragraph" and t.startswith("The survey asked") for k, t in result[1:])


def test_a_background_drawn_in_page_wide_strips_labels_nothing(tmp_path):
    """A page's background (a coloured margin band) drawn as a stack of image strips, each as
    wide as the page: no strip is a picture whose labels its lines are, so a one-line
    paragraph over one stays a paragraph and a table's label over one a caption."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    def page(canvas):
        strip = ImageReader(Image.new("RGB", (60, 9), (235, 240, 250)))
        for i in range(9):
            canvas.drawImage(strip, 0, 88 * i, width=612, height=88)
        y = _paragraph(canvas, 720, rows=6)
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, y - 30, "Both measures reflect the country's risk of default.")
        canvas.setFont("Times-Bold", 10)
        canvas.drawString(72, y - 60, "Table 2")
        _paragraph(canvas, y - 90)

    result = _extract_blocks(_typeset(tmp_path, page))
    assert ("paragraph", "Both measures reflect the country's risk of default.") in result
    assert ("caption", "Table 2") in result


NARROW_COLUMN = ("Paragraphing is controlled by several parameters and one of the most important "
                 "is the tolerance which controls the allowed looseness of the lines in a "
                 "paragraph set in narrow columns where few words share each line")


def _narrow_justified(canvas, x: float, top: float, lines: list[str], width: float = 150
                      ) -> None:
    """``lines`` set from ``x`` to ``x + width`` in 10 pt Times, each line's word spaces
    stretched to fill the measure (the last one set ragged), 12 pt apart."""
    canvas.setFont("Times-Roman", 10)
    for i, line in enumerate(lines):
        words = line.split()
        ink = sum(canvas.stringWidth(w, "Times-Roman", 10) for w in words)
        gap = ((width - ink) / (len(words) - 1) if i < len(lines) - 1
               else canvas.stringWidth(" ", "Times-Roman", 10))
        at = x
        for word in words:
            canvas.drawString(at, top - 12 * i, word)
            at += canvas.stringWidth(word, "Times-Roman", 10) + gap


def _column_lines(count: int, offset: int) -> list[str]:
    """``count`` lines of body text that fill 150 pt with word spaces of about 3 pt."""
    words, lines = (NARROW_COLUMN.split() * 4)[offset:], []
    while len(lines) < count:
        line = [words.pop(0)]
        while (stringWidth("".join(line + words[:1]), "Times-Roman", 10)
               + 3 * len(line) <= 150):
            line.append(words.pop(0))
        lines.append(" ".join(line))
    return lines


def test_loose_justified_lines_of_a_narrow_column_are_read_whole(tmp_path):
    """Three justified columns 150 pt wide: a line of few long words stretches its spaces past
    1.5 em (TeX's sloppy paragraphs), and the stretched spaces of the lines above and under
    it overlap them (a river). Each such line ends at its column's right edge like every full
    line: it is one line, not words read as a column of their own after the paragraph."""
    loose = ["Separation of columns with", "vertical rules is achieved",
             "by setting the parameter", "to some positive value and", "the width is known."]

    def page(canvas):
        for column, x in enumerate((54, 222, 390)):
            lines = _column_lines(10, 7 * column)
            if column == 1:
                lines = lines[:4] + loose[:-1] + lines[4:8] + loose[-1:]
            _narrow_justified(canvas, x, 720, lines)

    text = " ".join(" ".join(b.text.split()) for b in _typeset(tmp_path, page).blocks)
    assert ("Separation of columns with vertical rules is achieved by setting the parameter to "
            "some positive value and") in text, text


def _latex_logo(canvas, x: float, y: float) -> float:
    """TeX's ``\\LaTeX`` at 10 pt Times from ``x`` on baseline ``y``: an ``L``, a small ``A``
    (7 pt) raised 2.6 pt (Latin Modern's) and kerned back over the ``L``, then ``T``, a
    lowered ``E`` and ``X`` kerned together; the x after it."""
    canvas.setFont("Times-Roman", 10)
    canvas.drawString(x, y, "L")
    x += canvas.stringWidth("L", "Times-Roman", 10) - 3.6
    canvas.setFont("Times-Roman", 7)
    canvas.drawString(x, y + 2.6, "A")
    x += canvas.stringWidth("A", "Times-Roman", 7) - 1.5
    canvas.setFont("Times-Roman", 10)
    canvas.drawString(x, y, "T")
    x += canvas.stringWidth("T", "Times-Roman", 10) - 1.7
    canvas.drawString(x, y - 2.2, "E")
    x += canvas.stringWidth("E", "Times-Roman", 10) - 1.2
    canvas.drawString(x, y, "X")
    return x + canvas.stringWidth("X", "Times-Roman", 10)


def test_the_latex_logos_raised_a_is_read_in_its_word(tmp_path):
    """The LaTeX logo's small ``A`` stands raised beside the ``L`` it is kerned back over,
    its foot at a fifth of an em, well inside the line: no limit over the line's letters but
    a letter of the word (it had been read as a paragraph of its own, the word as ``LTEX``)."""
    def page(canvas):
        _paragraph(canvas, 720, rows=4)
        for row in range(3):
            y = 660 - 12 * row
            canvas.setFont("Times-Roman", 10)
            canvas.drawString(72, y, "The system")
            x = _latex_logo(canvas, 72 + canvas.stringWidth("The system ", "Times-Roman", 10),
                            y)
            canvas.setFont("Times-Roman", 10)
            canvas.drawString(x + 2.5, y, "sets the page for the typographers.")
        _paragraph(canvas, 610, rows=4)

    result = _extract_blocks(_typeset(tmp_path, page))
    text = " ".join(t for _, t in result)
    assert "The system LATEX sets the page" in text, result
    assert not any(t.strip() == "A" for _, t in result), result


def test_a_labelled_note_opening_with_note_colon_is_no_tables_note(tmp_path):
    """A manual's title notes under the page's short rule: ``∗`` and ``†`` raised before their
    texts, the second reading ``Note: This package is ...``. A table's or chart's ``Note:``
    line opens unlabelled; a note's label before it makes it a footnote (the stack had been
    dropped as a table's notes, both read as body text)."""
    def notes(canvas):
        canvas.line(72, 118, 200, 118)
        for y, label, text in ((106, "*", "This file has version number v1.9d, last revised "
                                           "2021/11/30."),
                               (96, "\u2020", "Note: This package is released under terms which "
                                              "affect its use in commercial applications.")):
            canvas.setFont("Times-Roman", 5.5)
            canvas.drawString(72, y + 3, label)
            canvas.setFont("Times-Roman", 8)
            canvas.drawString(76, y, text)

    result = _extract(tmp_path, notes)
    assert [f.label for f in result.footnotes] == ["*", "\u2020"], result.footnotes
    assert result.footnotes[1].text.startswith("Note: This package")


def test_a_headings_lowered_logo_letter_stays_in_its_line(tmp_path):
    """A chapter title at 24 pt with the LaTeX logo: its ``A`` (20 pt, raised 3 pt) has the
    lowest baseline-order place, so the row was measured from it, and the logo's ``E``, lowered
    6.2 pt (a quarter em, within the title's own reach), fell out of the title as a heading
    ``E`` of its own (``The LAT X System``)."""
    def page(canvas):
        x = 72.0
        canvas.setFont("Times-Bold", 24)
        canvas.drawString(x, 700, "The L")
        x += canvas.stringWidth("The L", "Times-Bold", 24) - 8.6
        canvas.setFont("Times-Bold", 20)
        canvas.drawString(x, 703, "A")
        x += canvas.stringWidth("A", "Times-Bold", 20) - 3.6
        canvas.setFont("Times-Bold", 24)
        canvas.drawString(x, 700, "T")
        x += canvas.stringWidth("T", "Times-Bold", 24) - 4.1
        canvas.drawString(x, 693.8, "E")
        x += canvas.stringWidth("E", "Times-Bold", 24) - 2.9
        canvas.drawString(x, 700, "X System")
        _paragraph(canvas, 660, rows=6)

    result = _extract_blocks(_typeset(tmp_path, page))
    assert result[0] == ("heading", "The LATEX System"), result
    assert not any(t.strip() == "E" for _, t in result), result


def _raised(canvas, x: float, y: float, mark: str, size: float = 6.5) -> float:
    """``mark`` set small and raised 4 points over the baseline ``y`` at ``x``; its right edge."""
    canvas.setFont("Times-Roman", size)
    canvas.drawString(x, y + 4, mark)
    return x + canvas.stringWidth(mark, "Times-Roman", size)


def test_a_separator_set_as_a_row_of_dashes_is_a_rule(tmp_path):
    """A court's slip opinion separates its notes with a row of em dashes set as text, no
    drawn rule: the row is no text of the page, and the small print under it on the next
    page, opening with no label, continues the note before (it was read as a paragraph)."""
    def first(canvas):
        _paragraph(canvas, 720, rows=20, size=12)
        canvas.drawString(72, 410, "Tarrant asks us to infer from the silence of the compact.")
        _raised(canvas, 72 + canvas.stringWidth("Tarrant asks us to infer from the silence of "
                                                "the compact.", "Times-Roman", 12), 410, "11")
        canvas.setFont("Times-Roman", 12)
        canvas.drawString(72, 390, "\u2014" * 6)
        x = _raised(canvas, 80, 374, "11")
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(x + 1, 374, "Of course, the power of States to control water within "
                                      "their borders may be")
        canvas.drawString(72, 362, "subject to limits in certain circumstances, and here we "
                                   "deal only with that")

    def second(canvas):
        _paragraph(canvas, 720, rows=20, size=12)
        canvas.setFont("Times-Roman", 12)
        canvas.drawString(72, 390, "\u2014" * 6)
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, 374, "allocation. As noted infra, Tarrant has not raised any "
                                   "challenge to the control of")
        canvas.drawString(72, 362, "the water allocated to it by the Compact.")

    result = _typeset_pages(tmp_path, [first, second])
    assert not any("\u2014\u2014" in b.text for b in result.blocks), result.blocks
    assert not any("allocation" in b.text for b in result.blocks), result.blocks
    assert [f.label for f in result.footnotes] == ["11"], result.footnotes
    assert result.footnotes[0].text.endswith("allocated to it by the Compact.")


def test_a_boxs_note_under_a_row_of_underscores(tmp_path):
    """A report's box ends with its own note: a row of underscores set as text over it, the
    note's ``*`` glued to the box's last word (``used*.``), and the text after the box below
    it at body size (the note was read as a caption)."""
    def page(canvas):
        _paragraph(canvas, 720, rows=20, size=10)
        canvas.drawString(72, 470, "the exact circumstances under which it will be used*.")
        canvas.drawString(72, 456, "_" * 60)
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(72, 440, "* See, for instance, W. Buiter (2010): Sovereign Liquidity "
                                   "Facility, Citigroup Economics.")
        _paragraph(canvas, 420, rows=8, size=10)

    result = _typeset(tmp_path, page)
    assert [f.label for f in result.footnotes] == ["*"], result.footnotes
    assert not any("____" in b.text for b in result.blocks), result.blocks


def test_a_number_opening_a_line_of_a_raised_label_note_is_no_label(tmp_path):
    """Notes labelled with raised numbers: a line of one of them that happens to open with
    the next number (``5 and 40 percent of ...``, a quoted provision wrapped there) is no note
    of its own when the page's text cites no such number (it read as note 5)."""
    def page(canvas):
        _paragraph(canvas, 720, rows=20, size=12)
        canvas.drawString(72, 410, "the upstream States must permit more water to reach it.")
        _raised(canvas, 72 + canvas.stringWidth("the upstream States must permit more water to "
                                                "reach it.", "Times-Roman", 12), 410, "4")
        canvas.line(72, 390, 160, 390)
        x = _raised(canvas, 80, 374, "4")
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(x + 1, 374, "In such circumstances, the relevant paragraph provides "
                                      "that water equal to")
        canvas.drawString(72, 362, "40 percent of the total weekly runoff originating in "
                                   "subbasin")
        canvas.drawString(72, 350, "5 and 40 percent of undesignated water flowing into "
                                   "subbasin 5 shall flow.")

    result = _typeset(tmp_path, page)
    assert [f.label for f in result.footnotes] == ["4"], result.footnotes
    assert result.footnotes[0].text.endswith("subbasin 5 shall flow.")


def test_notes_labelled_in_parentheses_cited_so(tmp_path):
    """The EU's Official Journal cites its notes with raised numbers in parentheses
    (``Regulation (EU) 2016/679 (1)``) and labels them so at the foot: the second note, not
    right under the rule, needs the page to cite its number, and a raised ``(2)`` does (it
    was read as a paragraph, and neither marker linked its note)."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=24, size=10)
        for mark in ("(1)", "(2)"):
            text = "having regard to the opinion of the Economic and Social Committee"
            canvas.setFont("Times-Roman", 10)
            canvas.drawString(72, y, text)
            _raised(canvas, 72 + canvas.stringWidth(text, "Times-Roman", 10) + 1, y, mark)
            y -= 12
        canvas.line(72, y - 6, 200, y - 6)
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(72, y - 18, "(1) OJ L 119, 4.5.2016, p. 1.")
        canvas.drawString(72, y - 28, "(2) OJ C 97, 28.2.2022, p. 60.")

    result = _typeset(tmp_path, page)
    assert [f.label for f in result.footnotes] == ["1", "2"], result.footnotes
    assert not any(b.text.startswith("(2)") for b in result.blocks), result.blocks
    assert [r for b in result.blocks for r in b.footnote_refs] == ["1", "2"], result.blocks
    assert not any("(1)" in b.text for b in result.blocks), result.blocks


def test_a_note_cited_only_from_a_ruled_tables_cell(tmp_path):
    """A report's ruled table cites a page footnote from a cell (``Region 2³``); the note at
    the page's foot, under no rule and opening with a plain number, needs the page to cite
    it, and the cell's raised mark was dropped with the table's text (no note was found)."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=10, size=10)
        top = y - 10
        for row in range(5):
            canvas.line(72, top - 16 * row, 400, top - 16 * row)
        for x in (72, 250, 400):
            canvas.line(x, top, x, top - 64)
        canvas.setFont("Times-Roman", 9)
        for row in range(4):
            canvas.drawString(76, top - 12 - 16 * row, f"Region {row + 1}")
            canvas.drawString(254, top - 12 - 16 * row, f"{10 + row}.5")
        _raised(canvas, 76 + canvas.stringWidth("Region 2", "Times-Roman", 9), top - 28, "3", 5)
        y = _paragraph(canvas, top - 90, rows=20, size=10)
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(72, y - 20, "3 Region 2 includes the two northern districts merged "
                                      "in 2015.")

    result = _typeset(tmp_path, page)
    assert [f.label for f in result.footnotes] == ["3"], result.footnotes
    assert any(b.kind == "table" for b in result.blocks), result.blocks

def test_a_page_filling_background_is_no_tables_frame(tmp_path):
    """A report page painted white edge to edge and past them (a design tool's backgrounds),
    a coloured band across its top and foot with a dark box in each (``2018 | HIGHLIGHTS``,
    ``... | 2019``), and short coloured bars beside its paragraphs (a 2018 annual report's
    highlights page): a background's sides are the page's edges, not rules, so the bands and
    bars they cross frame no table and the page is read as its heading and paragraphs;
    before, the whole page was one table."""
    def page(canvas):
        canvas.setFillColorRGB(1, 1, 1)
        canvas.rect(0, -2400, 612, 4755, stroke=0, fill=1)
        canvas.rect(0, 1, 612, 792, stroke=0, fill=1)
        canvas.setFillColorRGB(0.06, 0.48, 0.22)
        canvas.rect(0, 730, 612, 64, stroke=0, fill=1)
        canvas.rect(0, 0, 612, 80, stroke=0, fill=1)
        top = 700
        for i in range(5):
            bar_x = 480 if i % 2 == 0 else 60
            canvas.setFillColorRGB(0.06, 0.48, 0.22)
            if i == 0:
                canvas.rect(bar_x, top - 20, 3.3, 133, stroke=0, fill=1)
            canvas.rect(bar_x, top - 60, 3.3, 19.3, stroke=0, fill=1)
            canvas.rect(bar_x, top - 30, 3.3, 19.3, stroke=0, fill=1)
            if i % 2 == 0:
                canvas.rect(bar_x, top - 130, 3.3, 133, stroke=0, fill=1)
            canvas.setFillColorRGB(0, 0, 0)
            top = _paragraph(canvas, top, rows=4, x=72 if i % 2 == 0 else 110) - 40
        canvas.setFillColorRGB(0.1, 0.13, 0.32)
        canvas.rect(20, 730, 138, 64, stroke=0, fill=1)
        canvas.rect(454, 0, 138, 80, stroke=0, fill=1)
        canvas.setFillColorRGB(1, 1, 1)
        canvas.setFont("Helvetica-Bold", 28)
        canvas.drawString(50, 750, "2018")
        canvas.drawString(170, 750, "HIGHLIGHTS")
        canvas.drawString(480, 30, "2019")
        canvas.setFont("Helvetica", 12)
        canvas.drawString(40, 50, "In 2019 we will continue to run workshops and trainings.")
        canvas.drawString(40, 34, "We are looking forward to an exciting and busy year ahead!")

    result = _extract_blocks(_typeset(tmp_path, page))
    assert not [text for kind, text in result if kind == "table"]
    assert sum(1 for kind, _ in result if kind == "paragraph") >= 5


def test_prose_running_past_a_drawings_edge_is_no_label_of_it(tmp_path):
    """A timeline drawn down the left of a page whose lines reach under the start of a
    mission statement set large beside it (an annual report's mission page): the statement's
    lines start inside the drawing's box and run far past its edge, which no label of the
    drawing does, and each paragraph's last short line, under its lines at their edge, size
    and leading, ends it; before, every line of six words or fewer was read as one of the
    drawing's labels."""
    def page(canvas):
        canvas.setStrokeColorRGB(0.9, 0.6, 0.1)
        canvas.setLineWidth(4)
        for i, (y, x) in enumerate(((760, 40), (640, 300), (520, 60), (470, 310), (420, 80))):
            canvas.circle(x, y, 12, stroke=1, fill=0)
            canvas.setFont("Helvetica-Bold", 11)
            canvas.drawString(x - 12, y - 4, str(1998 + 4 * i))
            canvas.setFont("Helvetica", 10)
            label_x = x + 20 if x < 200 else x - 70
            canvas.drawString(label_x, y + 8, "Lesson")
            canvas.drawString(label_x, y - 4, "Published")
        canvas.line(40, 760, 300, 640)
        canvas.line(300, 640, 60, 520)
        canvas.line(60, 520, 310, 470)
        canvas.line(310, 470, 80, 420)
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont("Helvetica", 12)
        for i, text in enumerate(("The Carpentries builds global capacity in",
                                  "essential data and computational skills for",
                                  "conducting efficient, open, and reproducible",
                                  "research.")):
            canvas.drawString(290, 740 - 15 * i, text)
        for i, text in enumerate(("We collaboratively develop openly-available",
                                  "lessons and deliver these lessons using",
                                  "evidence-based teaching practices.")):
            canvas.drawString(290, 610 - 15 * i, text)

    result = [(kind, " ".join(text.split()))
              for kind, text in _extract_blocks(_typeset(tmp_path, page))]
    assert ("paragraph", "The Carpentries builds global capacity in essential data and "
            "computational skills for conducting efficient, open, and reproducible "
            "research.") in result
    assert ("paragraph", "We collaboratively develop openly-available lessons and deliver "
            "these lessons using evidence-based teaching practices.") in result
    assert any(kind == "figure" and "Published" in text for kind, text in result)


def test_a_notes_line_opening_with_a_number_where_no_label_stands(tmp_path):
    """A law review's notes open indented with plain numbers the text cites; note 1's second
    line, at the margin, opens ``2 U.S.C. §§ 431-455``: no label, which stands where the
    labels stand (it was read as note 2, and the real note 2 ran into it)."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=12, size=11)
        for mark in ("1", "2", "3"):
            text = "the statute reaches every committee that spends money on an election."
            canvas.setFont("Times-Roman", 11)
            canvas.drawString(72, y, text)
            _raised(canvas, 72 + canvas.stringWidth(text, "Times-Roman", 11), y, mark)
            y -= 13
        canvas.line(72, y - 4, 200, y - 4)
        canvas.setFont("Times-Roman", 9)
        rows = [(84, "1 See Federal Election Campaign Act of 1971, Pub. L. No. 92-225, 86 "
                     "Stat. 3, codified at"),
                (72, "2 U.S.C. §§ 431-455 (1976), as amended by the Act of 1974, and the cases "
                     "that construe it."),
                (84, "2 Buckley v. Valeo, 424 U.S. 1, 19-23 (1976) (per curiam), holding the "
                     "limits on spending"),
                (72, "unconstitutional while it upheld the limits on contributions to "
                     "candidates."),
                (84, "3 Id. at 25-29.")]
        for row, (x, text) in enumerate(rows):
            canvas.drawString(x, y - 16 - 11 * row, text)

    result = _typeset(tmp_path, page)
    assert [f.label for f in result.footnotes] == ["1", "2", "3"], result.footnotes
    assert result.footnotes[0].text.endswith("the cases that construe it.")
    assert result.footnotes[1].text.startswith("Buckley v. Valeo")
