"""Journal and proceedings layouts the widened set gained in #15's session 22 (an AAS Journals
manuscript, MNRAS, LNCS, an AIAA paper), each failure shown by a small page typeset here and
fixed by method."""

from __future__ import annotations

from tests.test_pdf_unseen import _typeset

PROSE = ["During this time the style gained growing acceptance in the community as it filled",
         "an author need to obtain an approximate number of manuscript pages prior to the",
         "submission for cost and length estimates. The tighter typeset also had the added",
         "advantage of saving paper when printing out hard copies of the whole manuscript.",
         "Clearly authors want to have access to a tightly typeset version of the article",
         "when corresponding with their co-authors and when sending out their preprints."]


def _numbered_lines(first: int, number_size: float = 6):
    """``PROSE`` in 10-point Times at x 72, each line numbered from ``first`` in the left
    margin, right-aligned at x 40 (a manuscript's line numbers, as lineno sets them)."""
    def page(canvas):
        for row, text in enumerate(PROSE):
            y = 700 - 12 * row
            canvas.setFont("Times-Roman", 10)
            canvas.drawString(72, y, text)
            canvas.setFont("Times-Roman", number_size)
            canvas.drawRightString(40, y, str(first + row))
    return page


def test_margin_line_numbers_are_furniture(tmp_path):
    """An AAS Journals manuscript numbers every line in the left margin (``27``, ``28``, ...
    set small, right-aligned): the numbers were read into the text (``E 29 which itself``) or
    as paragraphs of their own. A column of numbers counting up by one, line by line, set
    smaller than the text beside it and apart from all of it, numbers the lines: furniture."""
    result = _typeset(tmp_path, _numbered_lines(27))
    text = " ".join(" ".join(b.text.split()) for b in result.blocks)
    assert ("an author need to obtain an approximate number of manuscript pages prior to the "
            "submission") in text
    assert not any(ch.isdigit() for ch in text)
    numbers = [r for r in result.removed if r.rule == "line-number"]
    assert [r.text for r in numbers] == [str(n) for n in range(27, 27 + len(PROSE))]


def test_numbers_at_the_text_size_stay(tmp_path):
    """A form numbers its lines at the size of their labels: those numbers are the lines'
    names, not a manuscript's count, and stay."""
    result = _typeset(tmp_path, _numbered_lines(1, number_size=10))
    text = " ".join(" ".join(b.text.split()) for b in result.blocks)
    assert "2" in text.split()
    assert not any(r.rule == "line-number" for r in result.removed)


def test_a_code_listings_numbers_stay(tmp_path):
    """A code listing numbers its lines small, in its own margin (an AIAA paper's fancyvrb
    listing): the prose above it starts left of the numbers, so they stand inside the text's
    measure and belong to the listing."""
    def page(canvas):
        canvas.setFont("Times-Roman", 10)
        for row, text in enumerate(PROSE[:3]):
            canvas.drawString(72, 700 - 12 * row, text)
        for row, code in enumerate(["def advect():", "    for i in range(9):", "        step(i)",
                                    "        check(i)", "    report()", "    return"]):
            y = 650 - 10 * row
            canvas.setFont("Courier", 9)
            canvas.drawString(96, y, code)
            canvas.setFont("Times-Roman", 5)
            canvas.drawRightString(82, y, str(row + 1))

    result = _typeset(tmp_path, page)
    assert not any(r.rule == "line-number" for r in result.removed)


def test_centred_titles_at_the_body_size_are_headings(tmp_path):
    """The AAS Journals centre their section titles over the text at its size and in its face
    (``1. INTRODUCTION``; ``3.5. Enhanced graphics`` in italics): stacked at the text's leading,
    each was read as the first words of the paragraph under it. A section's number and words,
    or words in capitals, centred over prose and short of both its ends, title it."""
    def page(canvas):
        centre = 72 + max(canvas.stringWidth(t, "Times-Roman", 10) for t in PROSE) / 2
        canvas.setFont("Times-Roman", 10)
        canvas.drawCentredString(centre, 712, "1. INTRODUCTION")
        for row, text in enumerate(PROSE[:3]):
            canvas.drawString(72 + (10 if row == 0 else 0), 700 - 12 * row, text)
        canvas.setFont("Times-Italic", 10)
        canvas.drawCentredString(centre, 652, "3.5. Enhanced graphics")
        canvas.setFont("Times-Roman", 10)
        for row, text in enumerate(PROSE[3:]):
            canvas.drawString(72 + (10 if row == 0 else 0), 640 - 12 * row, text)

    result = _typeset(tmp_path, page)
    headings = [b.text for b in result.blocks if b.kind == "heading"]
    assert headings == ["1. INTRODUCTION", "3.5. Enhanced graphics"]
    assert any(b.text.startswith("During this time") for b in result.blocks)
    assert any(b.text.startswith("advantage of saving") for b in result.blocks)


def test_a_centred_formula_stays_in_its_paragraph(tmp_path):
    """A display formula is centred over the text too: its symbols are no title's words."""
    def page(canvas):
        centre = 72 + max(canvas.stringWidth(t, "Times-Roman", 10) for t in PROSE) / 2
        canvas.setFont("Times-Roman", 10)
        canvas.drawCentredString(centre, 712, "E = m c + 2")
        for row, text in enumerate(PROSE[:3]):
            canvas.drawString(72, 700 - 12 * row, text)

    result = _typeset(tmp_path, page)
    assert not any(b.kind == "heading" for b in result.blocks)


def test_a_drop_capital_opens_the_row_level_with_its_top(tmp_path):
    """An AIAA paper's ``dropping`` capital ``A`` hangs two lines deep beside ``nd this is``,
    under the last line of the paragraph before, whose top is less than an em above the
    capital's: the capital was set before that line's letters (``whi A ch``) and the paragraph
    it opens lost it. The capital opens the row whose top is level with its own."""
    def page(canvas):
        canvas.setFont("Times-Roman", 10)
        for row, text in enumerate(PROSE[:3]):
            canvas.drawString(72, 700 - 12 * row, text)
        canvas.setFont("Times-Roman", 30)
        canvas.drawString(72, 652, "A")
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(93, 664, "nd this is an example of a dropped capital letter at the beginning")
        canvas.drawString(93, 652, "of a paragraph using the dropping package, which is a bit less")
        canvas.drawString(72, 640, "refined than the lettrine package, but some authors may already have it.")

    result = _typeset(tmp_path, page)
    text = " ".join(" ".join(b.text.split()) for b in result.blocks)
    assert "And this is an example of a dropped capital" in text
    assert "submission for cost and length estimates." in text


def test_a_caption_beside_the_text_keeps_its_next_line(tmp_path):
    """An AIAA paper wraps its text around a figure whose caption stands beside the text's
    rows: the caption's first line, opening with its label, is split off its row, but its
    second line (``function of applied field.``) was read into the text's line beside it. A
    row under such a caption splits where a gap ends flush with the caption's left edge, at its
    size."""
    text = ["Tables with footnotes can be coded using the package. Note",
            "that this table was purposely placed on another page to show",
            "the automated page reference mechanism provided by varioref",
            "package. Of course, one would normally have the table where it",
            "is described, in the text that describes it, and not elsewhere."]

    def page(canvas):
        width = max(canvas.stringWidth(t, "Times-Roman", 10) for t in text)
        canvas.setFont("Times-Roman", 10)
        for row, line in enumerate(text):
            canvas.drawString(72, 700 - 12 * row, line)
        canvas.setFont("Times-Bold", 9)
        canvas.drawString(72 + width + 8, 688 - 4.5, "Figure 1.")
        canvas.setFont("Times-Roman", 9)
        canvas.drawString(72 + width + 8 + 40, 688 - 4.5, "Magnetization as a")
        canvas.drawString(72 + width + 8, 676 - 2.5, "function of applied field.")

    result = _typeset(tmp_path, page)
    captions = [" ".join(b.text.split()) for b in result.blocks if b.kind == "caption"]
    assert captions == ["Figure 1. Magnetization as a function of applied field."]
    body = " ".join(" ".join(b.text.split()) for b in result.blocks if b.kind != "caption")
    assert "provided by varioref package. Of course" in body
