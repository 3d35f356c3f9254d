"""PDF structure on layouts found in the widened set's tuning half (issue #15): each a small
page typeset here with the pattern, fixed by typography or geometry rather than for one file."""

from __future__ import annotations

import io
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from pipeline.capture import read_local
from pipeline.extract import ExtractOptions, extract
from tests.test_pdf_unseen import BODY, _extract_blocks, _paragraph, _typeset


def _document(tmp_path: Path, pages: list) -> object:
    """One page per function in ``pages``, each drawing on the canvas."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(612, 792))
    for draw in pages:
        draw(canvas)
        canvas.showPage()
    canvas.save()
    path = tmp_path / "doc.pdf"
    path.write_bytes(buffer.getvalue())
    capture, data = read_local(path, "pdf")
    return extract(data, capture, ExtractOptions())


def _vera() -> str:
    """Vera Sans (regular weight: its descriptor does not say bold)."""
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        fonts = Path(reportlab.__file__).parent / "fonts"
        pdfmetrics.registerFont(TTFont("Vera", str(fonts / "Vera.ttf")))
    return "Vera"


def test_bold_by_a_dot_b_font_suffix(tmp_path):
    """Headings at about the body size, in a font whose only mark of weight is its ``.B``
    suffix (Advent 3B2 renames its fonts ``AdvTT<hash>.B``, ``.I``), stand apart from the
    paragraph under them. The name is as long as Vera's, so the file's offsets hold."""
    name = b"AdvTTaf7f9f4f01234567.B"

    def page(canvas):
        y = 720
        for heading in ("Background", "Methods"):
            canvas.setFont(_vera(), 10.3)
            canvas.drawString(72, y, heading)
            y = _paragraph(canvas, y - 13, size=9.8) - 14

    result = _extract_blocks(_typeset(tmp_path, page, (b"BitstreamVeraSans-Roman", name)))
    assert [t for k, t in result if k == "heading"] == ["Background", "Methods"]
    assert not any(t.startswith(("Background", "Methods")) for k, t in result if k != "heading")


def test_title_over_five_lines_at_display_size(tmp_path):
    """An article's title wrapped over five lines at twice the body size is its heading."""
    title = ["Understanding the barriers to setting up a", "healthcare quality improvement",
             "process in resource-limited settings: a", "situational analysis at a hospital",
             "in a city in Malawi"]

    def page(canvas):
        canvas.setFont("Times-Roman", 22)
        for i, row in enumerate(title):
            canvas.drawString(72, 730 - 26 * i, row)
        _paragraph(canvas, 580, rows=12)

    result = _extract_blocks(_typeset(tmp_path, page))
    assert (result[0][0], " ".join(result[0][1].split())) == ("heading", " ".join(title))


def _article_page(number: int, head: str):
    def page(canvas):
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(72, 760, head)
        canvas.drawCentredString(306, 40, str(number))
        _paragraph(canvas, 720, rows=40)
    return page


def test_journal_masthead_above_the_title_is_furniture(tmp_path):
    """A journal's masthead (publisher, journal, volume, doi) in small print above the
    article's title on its first page is furniture, and so is the journal's name where it
    comes back as a later page's running head; the title and the text stay."""
    journal = "Rehabilitation Research and Practice"

    def first(canvas):
        canvas.setFont("Times-Roman", 8)
        for i, row in enumerate(("Hindawi Publishing Corporation", journal,
                                 "Volume 2010, Article ID 157939, 6 pages",
                                 "doi:10.1155/2010/157939")):
            canvas.drawString(72, 750 - 9 * i, row)
        canvas.setFont("Times-Bold", 18)
        canvas.drawString(72, 680, "Patient Experiences of Heart Failure Programmes")
        _paragraph(canvas, 640, rows=40)

    def second(canvas):
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(72, 750, "2")
        canvas.drawString(90, 750, journal)
        _paragraph(canvas, 720, rows=50)

    result = _document(tmp_path, [first, second])
    texts = [b.text for b in result.blocks]
    assert texts[0] == "Patient Experiences of Heart Failure Programmes"
    assert not any(journal in t or "doi:10" in t or "Hindawi" in t for t in texts)
    assert sorted(r.locator.page_number for r in result.removed if r.text == journal) == [1, 2]


def test_small_print_above_a_title_is_kept_on_later_pages(tmp_path):
    """Only the first page has a masthead: a later page's small print above large text (a
    figure's note above a section title) is the document's own."""
    def first(canvas):
        canvas.setFont("Times-Bold", 18)
        canvas.drawString(72, 730, "A Report on Rural Clinics")
        _paragraph(canvas, 700, rows=40)

    def second(canvas):
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(72, 750, "Source: household survey of the district, 2019.")
        canvas.setFont("Times-Bold", 18)
        canvas.drawString(72, 720, "Findings")
        _paragraph(canvas, 690, rows=40)

    result = _document(tmp_path, [first, second])
    assert any("Source: household survey" in b.text for b in result.blocks)


def test_section_number_and_title_on_a_bar(tmp_path):
    """A standard's section openers: the number and the title a tab apart, in white on a
    black band at the same place on each opening page. One heading each, not a page number
    and a running head."""
    def opener(number: int, title: str):
        def page(canvas):
            canvas.setFont("Helvetica", 9)
            canvas.drawString(72, 740, "NIST SP 800-63-3")
            canvas.drawCentredString(306, 50, str(number))
            canvas.setFillColorRGB(0, 0, 0)
            canvas.rect(68, 692, 478, 16, fill=1, stroke=0)
            canvas.setFillColorRGB(1, 1, 1)
            canvas.setFont("Helvetica-Bold", 12)
            canvas.drawString(73, 696, str(number))
            canvas.drawString(102, 696, title)
            canvas.setFillColorRGB(0, 0, 0)
            _paragraph(canvas, 660, rows=30, size=12)
        return page

    def plain(canvas):
        canvas.setFont("Helvetica", 9)
        canvas.drawString(72, 740, "NIST SP 800-63-3")
        canvas.drawCentredString(306, 50, "3")
        _paragraph(canvas, 700, rows=30, size=12)

    result = _document(tmp_path, [opener(1, "Purpose"), opener(2, "Introduction"), plain])
    assert [b.text for b in result.blocks if b.kind == "heading"] == ["1 Purpose",
                                                                      "2 Introduction"]
    assert not any(r.text in ("Purpose", "Introduction") for r in result.removed)


def test_hyphen_after_a_digit_at_a_line_end_is_kept(tmp_path):
    """A document number broken after its hyphen (``SP 800-`` / ``63B``) is one id: the
    hyphen stays and no space comes in."""
    def page(canvas):
        canvas.setFont("Times-Roman", 11)
        canvas.drawString(72, 700, "The companion volumes are published as SP 800-")
        canvas.drawString(72, 687, "63B and SP 800-63C, which " + BODY[:40])
        _paragraph(canvas, 660)

    result = _typeset(tmp_path, page)
    assert "SP 800-63B and SP 800-63C" in result.blocks[0].text
