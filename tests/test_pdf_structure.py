"""PDF structure on layouts found in the widened set's tuning half (issue #15): each a small
page typeset here with the pattern, fixed by typography or geometry rather than for one file."""

from __future__ import annotations

from pathlib import Path

import reportlab
from pdfbytes import assemble
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from tests.test_pdf_unseen import (
    BODY,
    _extract_blocks,
    _extract_file,
    _paragraph,
    _typeset,
    _typeset_pages,
)


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

    result = _typeset_pages(tmp_path, [first, second])
    texts = [b.text for b in result.blocks]
    assert texts[0] == "Patient Experiences of Heart Failure Programmes"
    assert not any(journal in t or "doi:10" in t or "Hindawi" in t for t in texts)
    assert sorted(r.locator.page_number for r in result.removed if r.text == journal) == [1, 2]


def test_first_pages_longer_running_head_above_the_title_is_furniture(tmp_path):
    """A journal prints over an article's first page, at the text's size, a longer form of
    the running head a later page carries (``Field Botany 49: e1112020, 4 tab., 3 fig.,
    2022`` over ``Field Botany 49: e1112020, 2022``), with the article's type over its doi
    just above it, so it stands isolated nowhere: it opens with the recurring head, so it is
    the head too, not the article's text; the title under it stays. The heads alternate
    (the journal's over even pages, the authors' over odd ones), so the journal's recurs on
    one later page only."""
    def first(canvas):
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(500, 761, "Article")
        canvas.drawString(72, 750, "Field Botany 49: e1112020, 4 tab., 3 fig., 2022")
        canvas.drawString(400, 750, "http://dx.doi.org/10.1590/2236-8906-111/2020")
        canvas.setFont("Times-Bold", 16)
        canvas.drawString(72, 710, "Chemical Prospecting of Five Senna Species")
        _paragraph(canvas, 680, rows=40)

    def head(text: str, top: float):
        def later(canvas):
            canvas.setFont("Times-Roman", 10)
            canvas.drawString(72, 750, text)
            _paragraph(canvas, top, rows=50)
        return later

    result = _typeset_pages(tmp_path, [first, head("Field Botany 49: e1112020, 2022", 720),
                                       head("Neves et al.: Chemical prospecting of Senna", 712)])
    texts = [b.text for b in result.blocks]
    assert texts[0] == "Chemical Prospecting of Five Senna Species"
    assert not any("Field Botany 49" in t for t in texts)


def test_preprint_slug_above_a_bold_title_at_the_body_size_is_furniture(tmp_path):
    """A manuscript's slug in small print over its first page (``Draft version February 26,
    2021`` over ``Typeset using LaTeX default style in AASTeX631``), above a title set bold
    at the text's own size: a masthead as a journal's over a larger title is, none of the
    article's text. Small print over a first line that is no title (plain text) stays."""
    def first(canvas):
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(60, 740, "Draft version February 26, 2021")
        canvas.drawString(60, 730, "Typeset using LaTeX default style in AASTeX631")
        canvas.setFont("Times-Bold", 10)
        canvas.drawCentredString(306, 690, "Template Article with Examples")
        _paragraph(canvas, 660, rows=40)

    def second(canvas):
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(60, 750, "2")
        canvas.drawString(80, 750, "Schwarz et al.")
        _paragraph(canvas, 720, rows=50)

    result = _typeset_pages(tmp_path, [first, second])
    texts = [b.text for b in result.blocks]
    assert texts[0] == "Template Article with Examples"
    assert not any("Draft version" in t or "Typeset using" in t for t in texts)

    def plain(canvas):
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(60, 740, "Minutes taken by the secretary, 26 February 2021")
        _paragraph(canvas, 700, rows=40)

    result = _typeset_pages(tmp_path, [plain, second])
    assert any("Minutes taken by the secretary" in b.text for b in result.blocks)


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

    result = _typeset_pages(tmp_path, [first, second])
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

    result = _typeset_pages(tmp_path, [opener(1, "Purpose"), opener(2, "Introduction"), plain])
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


def test_unlabelled_author_note_at_a_first_page_column_foot(tmp_path):
    """An article's correspondence note, in small print alone at the foot of its column on
    the first page, with no label and no rule: a note, and its telephone number broken at a
    line end (``+46`` / ``90 786 66 95``) opens no note of its own. The same small print on a
    later page, with no evidence, stays text."""
    rows = ["Correspondence should be addressed to: Anna Author, Centre for",
            "Population Studies, Umea University, Umea, Sweden. Phone: +46",
            "90 786 66 95. Email: anna@example.org. Received 9 May 2013."]

    def page(canvas):
        canvas.setFont("Times-Bold", 18)
        canvas.drawString(72, 740, "Stressful Life Events and Dementia")
        _paragraph(canvas, 700, rows=40)
        canvas.setFont("Times-Roman", 7)
        for i, row in enumerate(rows):
            canvas.drawString(72, 200 - 8.5 * i, row)

    def later(canvas):
        _paragraph(canvas, 720, rows=40)
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(72, 200, "Printed in the United Kingdom on recycled paper.")

    result = _typeset_pages(tmp_path, [page, later])
    assert [(f.label, f.text[:30]) for f in result.footnotes] == [
        ("", "Correspondence should be addre")]
    assert "90 786 66 95" in result.footnotes[0].text
    assert any("Printed in the United Kingdom" in b.text for b in result.blocks)


def test_short_line_ending_a_sentence_ends_a_note(tmp_path):
    """In a first page's note area, a labelled note of one short sentence is followed by an
    unlabelled one (``Correspondence: ...``): the short line that ends a sentence closes the
    first, so the second is not glued onto it. A note running over full lines stays whole."""
    def page(canvas):
        _paragraph(canvas, 720, rows=40)
        canvas.line(72, 180, 200, 180)
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(72, 170, "1 These authors contributed equally to this work.")
        canvas.drawString(72, 161, "Correspondence: Professor Edward Sturrock (email edward@"
                                   "example.org), Professor Kelly Chibale (email")
        canvas.drawString(72, 152, "kelly@example.org) or Professor Ravi Acharya.")
        canvas.drawString(72, 143, "2 A second note that runs over two lines of the note area, "
                                   "set full out to the right edge of the column so")
        canvas.drawString(72, 134, "that it is one note.")

    result = _typeset(tmp_path, page)
    assert [(f.label, f.text[:20]) for f in result.footnotes] == [
        ("1", "These authors contri"), ("", "Correspondence: Prof"), ("2", "A second note that r")]


def test_running_heads_that_alternate_between_left_and_right_pages(tmp_path):
    """A manual's left pages carry the chapter's title and its right pages the section's, set
    higher: in four pages the left head comes twice, on every other page, and is furniture all
    the same."""
    def page(number: int, head: str | None):
        def draw(canvas):
            if head:
                canvas.setFont("Times-Roman", 9)
                canvas.drawString(72, 750 if number % 2 == 0 else 765, head)
            _paragraph(canvas, 720, rows=40)
            canvas.setFont("Times-Roman", 11)
            canvas.drawString(72, 720 - 12 * 41, f"Paragraph {number} ends here.")
        return draw

    left, right = "Command Codes BMFOL and BMFOR", "IDRS Terminal Responses"
    result = _typeset_pages(tmp_path, [page(1, None), page(2, left), page(3, right),
                                  page(4, left)])
    assert not any(left in b.text for b in result.blocks)
    assert sorted(r.locator.page_number for r in result.removed if r.text == left) == [2, 4]


def test_heading_on_a_drawn_band_is_no_figure(tmp_path):
    """``Abstract`` set on a band drawn in curved pieces (a shaded bar with rounded ends) is
    a heading: a drawing one line tall is a bar behind its text, not a figure whose labels it
    holds."""
    def page(canvas):
        canvas.setFillColorRGB(0.85, 0.85, 0.9)
        for x in range(64, 530, 10):
            canvas.circle(x, 707, 7, fill=1, stroke=0)
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont("Times-Bold", 10.3)
        canvas.drawString(63, 703, "Abstract")
        _paragraph(canvas, 685, rows=10)

    result = _extract_blocks(_typeset(tmp_path, page))
    assert result[0] == ("heading", "Abstract")


def test_subheadings_in_a_face_of_their_own(tmp_path):
    """Subheadings set in a sans-serif a step smaller than a serif body, right above their
    paragraphs at its leading (BMC's ``Setting``, ``Interviews``): the face, used for nothing
    but such lines, makes them headings. A face that also sets a line inside a paragraph is a
    text face, and its opening lines stay text."""
    def page(canvas):
        y = 720
        for heading in ("Setting", "Tools for data collection", "Ethical considerations"):
            canvas.setFont(_vera(), 9.2)
            canvas.drawString(72, y, heading)
            y = _paragraph(canvas, y - 12, rows=5) - 14

    result = _extract_blocks(_typeset(tmp_path, page))
    assert [t for k, t in result if k == "heading"] == [
        "Setting", "Tools for data collection", "Ethical considerations"]
    assert [k for k, t in result] == ["heading", "paragraph"] * 3

    def quoted(canvas):
        y = 720
        for opening in ("Setting", "Tools for data collection"):
            canvas.setFont(_vera(), 9.2)
            canvas.drawString(72, y, opening)
            y = _paragraph(canvas, y - 12, rows=5) - 14
        y = _paragraph(canvas, y, rows=2)
        canvas.setFont(_vera(), 9.2)
        canvas.drawString(72, y, "print('a line of code set inside the paragraph')")
        _paragraph(canvas, y - 12, rows=2)

    result = _extract_blocks(_typeset(tmp_path, quoted))
    assert not [t for k, t in result if k == "heading"]


def test_small_print_off_the_text_column_is_no_author_note(tmp_path):
    """On a first page, unlabelled small print right under the text is an author note only
    where it starts at the text's left edge under body text: a centred footer's second line
    under its first (``Use subject to Terms ...`` under ``© 2023 Nokia.``) and a chart's
    legend inside the column are no notes."""
    def page(canvas):
        canvas.setFont("Times-Bold", 18)
        canvas.drawString(72, 740, "Port Cross-Connect")
        _paragraph(canvas, 700, rows=40)
        canvas.setFont("Helvetica", 6.2)
        canvas.drawString(300, 198, "C/0")
        canvas.setFont("Helvetica-Bold", 8)
        canvas.drawCentredString(306, 150, "© 2023 Example Corporation.")
        canvas.setFont("Helvetica", 8)
        canvas.drawCentredString(306, 140, "Use subject to Terms available at: example.com/terms.")

    result = _typeset(tmp_path, page)
    assert not result.footnotes
    assert any(b.text.startswith("Use subject to Terms") for b in result.blocks)


def test_section_number_a_tab_before_its_title(tmp_path):
    """A report's numbered heading (``1.3`` and ``Document Overview`` a tab apart, bold, a
    point below the 12-point body): the number and title are one heading."""
    def page(canvas):
        y = _paragraph(canvas, 720, rows=3, size=12)
        for number, title in (("1.3", "Document Overview"), ("1.4", "Using the Framework")):
            canvas.setFont("Helvetica-Bold", 11)
            canvas.drawString(72, y - 12, number)
            canvas.drawString(108, y - 12, title)
            y = _paragraph(canvas, y - 30, rows=4, size=12) - 6

    result = _extract_blocks(_typeset(tmp_path, page))
    assert [t for k, t in result if k == "heading"] == [
        "1.3 Document Overview", "1.4 Using the Framework"]


def test_line_in_the_footer_band_of_other_pages_is_furniture(tmp_path):
    """A form's catalogue number printed once at the foot of its first page (``Cat. No.
    11368V``), a little above the height where the later pages print their page number and
    title: furniture, though it recurs nowhere."""
    def first(canvas):
        _paragraph(canvas, 720, rows=45)
        canvas.setFont("Helvetica", 8)
        canvas.drawCentredString(306, 43, "Cat. No. 11368V")  # not quite at their height

    def later(number):
        def page(canvas):
            _paragraph(canvas, 720, rows=45)
            canvas.setFont("Helvetica", 8)
            canvas.drawString(72, 38, f"-{number}-")
            canvas.drawString(400, 38, "Instructions for Form 1040NR")
        return page

    result = _typeset_pages(tmp_path, [first, later(2), later(3), later(4)])
    assert not any("Cat. No." in b.text for b in result.blocks)
    assert any(r.text == "Cat. No. 11368V" for r in result.removed)


def test_numbered_headings_in_small_capitals(tmp_path):
    """IEEE's section headings in small capitals (``I. I`` at 10 points, ``NTRODUCTION`` at
    8): most of the line is set below the body size, the numbering and the capitals make it a
    heading. A line of capitals without a number at that size (a table's column head) stays
    text."""
    def page(canvas):
        y = 720
        for number, initial, rest in (("I.", "I", "NTRODUCTION"), ("II.", "B", "ACKGROUND")):
            text = canvas.beginText(250, y)
            text.setFont("Times-Roman", 10)
            text.textOut(f"{number} {initial}")
            text.setFont("Times-Roman", 8)
            text.textOut(rest)
            canvas.drawText(text)
            y = _paragraph(canvas, y - 18, rows=5) - 14
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(72, y, "ESTIMATED COSTS")
        _paragraph(canvas, y - 14, rows=3)

    result = _extract_blocks(_typeset(tmp_path, page))
    assert [t for k, t in result if k == "heading"] == ["I. INTRODUCTION", "II. BACKGROUND"]


def test_heading_measured_against_the_text_under_it(tmp_path):
    """JSS's first page: ``Abstract`` in bold at the abstract's 10 points (the body is 10.9)
    under two authors set side by side. The reading order may pass from it to the second
    author, in 12 points; the text it heads is the abstract right under it."""
    def page(canvas):
        canvas.setFont("Times-Bold", 17)
        canvas.drawCentredString(306, 740, "TIMP: An R Package for Modeling")
        canvas.setFont("Times-Bold", 12)
        canvas.drawString(140, 700, "Katharine M. Mullen")
        canvas.drawString(331, 700, "Ivo H. M. van Stokkum")
        canvas.setFont("Times-Roman", 10.9)
        canvas.drawString(132, 686, "Vrije Universiteit Amsterdam")
        canvas.drawString(330, 686, "Vrije Universiteit Amsterdam")
        canvas.setFont("Times-Bold", 10)
        canvas.drawString(280, 640, "Abstract")
        _paragraph(canvas, 622, rows=6, x=108)
        _paragraph(canvas, 520, rows=30, size=10.9)

    result = _extract_blocks(_typeset(tmp_path, page))
    assert ("heading", "Abstract") in result


def test_small_print_under_a_rule_does_not_run_on_a_finished_note(tmp_path):
    """A chart's month labels under its gridline at the foot of page 2 have no label: they
    do not continue page 1's last note, which ended its sentence, but stay on their page. A
    note broken mid-sentence at a page's foot still runs on."""
    def first(canvas):  # the notes stand higher than page 2's small print: no running foot
        _paragraph(canvas, 720, rows=30)
        canvas.line(72, 340, 216, 340)
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(72, 330, "1 Of the 294 incidents documented, 12 were verified later.")

    def chart(canvas):
        _paragraph(canvas, 650, rows=34)
        canvas.line(72, 200, 540, 200)
        canvas.setFont("Helvetica", 7)
        for i, month in enumerate(("Jan", "Feb", "Mar", "Apr")):
            canvas.drawString(80 + 120 * i, 190, month)

    result = _typeset_pages(tmp_path, [first, chart])
    assert [(f.label, f.text) for f in result.footnotes] == [
        ("1", "Of the 294 incidents documented, 12 were verified later.")]
    assert any("Jan" in b.text for b in result.blocks)

    def broken(canvas):
        _paragraph(canvas, 720, rows=30)
        canvas.line(72, 340, 216, 340)
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(72, 330, "1 Of the 294 incidents documented, 12 were verified")

    def rest(canvas):
        _paragraph(canvas, 650, rows=34)
        canvas.line(72, 200, 216, 200)
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(72, 190, "during the reporting period.")

    result = _typeset_pages(tmp_path, [broken, rest])
    assert [f.text for f in result.footnotes] == [
        "Of the 294 incidents documented, 12 were verified\nduring the reporting period."]


def test_a_notes_last_line_at_a_pages_foot_is_no_footer_by_its_position(tmp_path):
    """A note at the foot of page 1 (raised label, standing apart under its rule) and a
    chart's legend alone at the same height on page 2: two isolated lines at one height on
    both pages of the document, but a line opening with a raised label is a note's (#16: the
    scanned UNMISS brief lost its note 2 to the legend under its chart on the next page)."""
    def first(canvas):
        _paragraph(canvas, 720, rows=30)
        canvas.line(72, 92, 216, 92)
        canvas.setFont("Times-Roman", 6.5)
        canvas.drawString(72, 82, "2")
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(77, 78, "Of the 294 incidents documented, 24 were recorded later.")

    def chart(canvas):
        _paragraph(canvas, 700, rows=30)
        canvas.setFont("Helvetica", 7)
        canvas.drawString(150, 82, "Year-2022    Year-2023    Year-2024")

    result = _typeset_pages(tmp_path, [first, chart])
    assert [(f.label, f.text) for f in result.footnotes] == [
        ("2", "Of the 294 incidents documented, 24 were recorded later.")]


def test_a_line_repeated_under_each_pages_heading_is_the_texts(tmp_path):
    """Each section of a standard opens a page with its heading and, under it, the same line
    (``This section is informative.``) at the same height, in the top margin band under the
    running head: it recurs, but a heading of the page's own stands between it and the edge,
    so it is the text's, not furniture. The running head above stays furniture."""
    def page(number: int, title: str):
        def draw(canvas):
            canvas.setFont("Helvetica", 8)
            canvas.drawString(72, 745, "NIST SP 800-63-3")
            canvas.setFont("Helvetica-Bold", 14)
            canvas.drawString(72, 700, f"{number} {title}")
            canvas.setFont("Times-Italic", 10)
            canvas.drawString(72, 676, "This section is informative.")
            _paragraph(canvas, 650, rows=45)
        return draw

    result = _typeset_pages(tmp_path, [page(1, "Purpose"), page(2, "Introduction"),
                                       page(3, "Definitions"), page(4, "Models")])
    kept = [b for b in result.blocks if b.text == "This section is informative."]
    assert [b.locator.page_number for b in kept] == [1, 2, 3, 4]
    assert not any("NIST SP" in b.text for b in result.blocks)


def test_space_the_text_layer_sets_inside_a_ligature_is_no_word_space(tmp_path):
    """A card deck's text layer follows each ``ﬁ`` ligature with a space character set back
    inside the ligature's own glyph (the next letter starts where the ligature ends), so
    readers gave ``speciﬁ c areas``: the page shows no gap there."""
    # Helvetica names the ligature's glyph ``/fi`` (code 30 here); its advance is 500/1000
    # em, and TJ's 278 steps back a space's width (Helvetica's 278) before the space is set
    line = b"[(Research on speci\x1e) 278 ( c areas and groups of people, \x1eve of them.)] TJ"
    content = b"BT /F1 10 Tf 72 700 Td " + line + b" ET"
    data = assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding"
        b" << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [30 /fi] >> >>",
    ])
    text = " ".join(b.text for b in _extract_file(tmp_path, data, "ligature-space.pdf").blocks)
    assert "Research on specific areas and groups of people, five of them." in text


def test_a_path_broken_after_its_slash_at_the_line_end_reads_whole(tmp_path):
    """A manual breaks ``$MISSION/build/cpux/Makefile`` after a slash where the line ran out
    of room, and an article breaks ``e/ou`` the same way across a page: no word space
    follows a slash inside a path or an ``and/or``. A listing's short lines that end in a
    slash, where the next line's word would have fit, stay apart."""
    manual = ["Specify the extension for the executable file of the core by editing the",
              "file that holds the settings of each platform, $MISSION/build/",
              "cpux/Makefile. Set the extension to bin for Linux and o for vxWorks."]

    def first(canvas):
        canvas.setFont("Times-Roman", 10)
        for i, row in enumerate(manual):
            canvas.drawString(72, 700 - 12 * i, row)
        canvas.drawString(72, 640, "The mission tree holds these folders:")
        for i, row in enumerate(("apps/", "docs/", "build/")):
            canvas.drawString(90, 626 - 12 * i, row)
        for i, row in enumerate(("Contact: http://www.example.org/~team/",
                                 "Ivo Smith, Department of Physics, http://www.example.org/",
                                 "http://www.example.net/ for the archive of past releases")):
            canvas.drawString(72, 570 - 12 * i, row)
        _paragraph(canvas, 520, rows=4)
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, 460, "The tests showed the presence of secondary metabolites in")
        canvas.drawString(72, 448, "every extract, by reactions that turned the solution's colour e/")

    def second(canvas):
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, 720, "or left a precipitate, characteristic of each class of compound.")
        _paragraph(canvas, 700, rows=8)

    text = " ".join(" ".join(b.text for b in _typeset_pages(tmp_path, [first, second]).blocks)
                    .split())
    assert "settings of each platform, $MISSION/build/cpux/Makefile. Set the" in text
    assert "the solution's colour e/or left a precipitate" in text
    assert "apps/docs/" not in text and "docs/build/" not in text
    # an address block's lines: a name, and an address of its own, after an address's slash
    assert "~team/ Ivo Smith" in text and "example.org/ http://www.example.net/" in text


def test_a_hyphen_before_a_bracket_at_the_line_end_stays_without_a_space(tmp_path):
    """A chemical name breaks after its hyphen where a bracket follows (``5,5'-dithiobis-``
    ``[2-nitrobenzoic acid]``): words break between letters, so the hyphen is the name's own
    and the line runs on with no word space; a hyphen between letters still joins."""
    lines = ["The enzyme assay was run in sterile plates of ninety-six wells, adding the",
             "substrate, then a solution of the chromogenic reagent 5,5'-dithiobis-",
             "[2-nitrobenzoic acid] in buffer, and the extracts of each species at a con-",
             "centration of two milligrams per millilitre in the same buffer as before."]

    def page(canvas):
        canvas.setFont("Times-Roman", 10)
        for i, row in enumerate(lines):
            canvas.drawString(72, 700 - 12 * i, row)
        _paragraph(canvas, 640, rows=6)

    text = " ".join(" ".join(b.text for b in _typeset_pages(tmp_path, [page]).blocks).split())
    assert "reagent 5,5'-dithiobis-[2-nitrobenzoic acid] in buffer" in text
    assert "at a concentration of two" in text


def test_running_heads_a_hair_apart_across_a_position_bucket_stand_at_one_height(tmp_path):
    """An article's even and odd pages print different running heads at one height, set 0.7
    pt apart (``Botany Journal 49: e1112020, 2022`` on page 2, ``Smith et al.: ...`` on page
    3), and its first page a journal line there, under a label set higher (``Article``), so
    the text area's top proves nothing: counted by position, lines a hair apart stand at one
    height even where they fall either side of a position bucket's edge."""
    heads = ["Botany Journal 49: e1112020, 4 tab., 3 fig., 2022",
             "Botany Journal 49: e1112020, 2022",
             "Smith et al.: Chemical prospecting of Senna species"]

    def page(index: int, head: str):
        def draw(canvas):
            canvas.setFont("Times-Roman", 10)
            canvas.drawString(72, 746.3 + (0.7 if index == 2 else 0), head)
            if index == 0:
                canvas.drawRightString(540, 764.3, "Article")
            _paragraph(canvas, 706.3, rows=40)
        return draw

    result = _typeset_pages(tmp_path, [page(i, head) for i, head in enumerate(heads)])
    assert [r.locator.page_number for r in result.removed if r.text == heads[2]] == [3]
    assert not any(heads[2] in b.text for b in result.blocks)


def test_a_ruled_header_table_on_every_page_is_a_running_head(tmp_path):
    """A guide exported from Word opens each page with a ruled header table (the centre, the
    title, the document number, ``Page N of 9``): read as a table, it escaped the repetition
    that convicts running heads line by line, and came out as a table on every page."""
    def page(number: int):
        def draw(canvas):
            canvas.setFont("Helvetica", 8)
            rows = [("Johnson Space Center", "Performance Monitor User's Guide", "Baseline"),
                    ("Doc. No. JSC-1234", "Date: September 2014", f"Page {number} of 9")]
            for row, cells in enumerate(rows):
                for x, cell in zip((76, 236, 416), cells):
                    canvas.drawString(x, 758 - 16 * row, cell)
            for y in (770, 754, 738):
                canvas.line(72, y, 540, y)
            for x in (72, 230, 410, 540):
                canvas.line(x, 770, x, 738)
            _paragraph(canvas, 700, rows=40)
        return draw

    result = _typeset_pages(tmp_path, [page(n) for n in range(1, 5)])
    assert not any("JSC-1234" in b.text for b in result.blocks)
    assert sorted(r.locator.page_number for r in result.removed
                  if "JSC-1234" in r.text) == [1, 2, 3, 4]


def test_slug_across_the_page_under_a_column_note(tmp_path):
    """A proceedings slug centred across the page under the right column's note (``Proceedings
    of the 58th Annual Meeting ...``, under an ACL paper's first page) starts left of that
    column: small print set across the columns continues no note of one column, nor opens
    one. The note above it stays one note."""
    def page(canvas):
        for x in (60, 320):
            canvas.setFont("Times-Roman", 11)
            for row in range(38):
                start = (row * 37) % (len(BODY) - 45)
                canvas.drawString(x, 720 - 13 * row, BODY[start:start + 43].strip())
        canvas.line(320, 226, 420, 226)
        canvas.setFont("Times-Roman", 9)
        canvas.drawString(320, 216, "2 A note set at the foot of the right column.")
        canvas.setFont("Times-Roman", 9)
        canvas.drawCentredString(306, 196, "Proceedings of the 58th Annual Meeting of the "
                                           "Association for Computational Linguistics, "
                                           "pages 2270-2282")

    result = _typeset(tmp_path, page)
    assert [(f.label, f.text) for f in result.footnotes] == [
        ("2", "A note set at the foot of the right column.")]
