"""PDF reading order (issue #15): the book's order against its reference text, each cause
typeset here on a small page: what the column-aware XY-cut must read top to bottom, and what
it may read column by column."""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth

from tests.test_extract_pdf import (
    _extract_text,
    _line,
    _pdf_with_big_operator,
    draw_line_chart,
)
from tests.test_pdf_unseen import _paragraph, _typeset


def _texts(result) -> list[str]:
    return [" ".join(b.text.split()) for b in result.blocks]


def _index(texts: list[str], start: str) -> int:
    return next(i for i, t in enumerate(texts) if t.startswith(start))


def test_a_centred_caption_over_a_short_heading_is_read_first(tmp_path):
    """A figure's centred caption, then a short heading at the left margin under it: the
    two sit side by side with a gap between them, one above the other, but they are no
    columns (read as columns, the heading came before the caption above it)."""
    def page(canvas):
        _paragraph(canvas, 720, rows=5)
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(200, 640, "Abbildung 1.11: Beispiele fuer verschiedene Knoten")
        canvas.setFont("Times-Bold", 10)
        canvas.drawString(72, 610, "Definition 21")
        _paragraph(canvas, 596, rows=5)

    texts = _texts(_typeset(tmp_path, page))
    assert _index(texts, "Abbildung 1.11") < _index(texts, "Definition 21")


def test_display_formulas_between_short_lines_stay_where_they_are(tmp_path):
    """Centred formulas, each between short lines of text at the left margin ("gibt mit",
    "und ist"): every line and formula is read in its place, top to bottom."""
    def page(canvas):
        _paragraph(canvas, 720, rows=3)
        canvas.setFont("Times-Roman", 10)
        rows = [(72, "gibt mit"), (250, "H(z, 0) = g(z) for all z"), (72, "und fuer jedes t ist"),
                (250, "H(z, t) a knot"), (72, "ein Knoten.")]
        for i, (x, text) in enumerate(rows):
            canvas.drawString(x, 670 - 20 * i, text)
        _paragraph(canvas, 560, rows=3)

    texts = _texts(_typeset(tmp_path, page))
    order = [_index(texts, start) for start in ("gibt mit", "H(z, 0)", "und fuer", "H(z, t)",
                                                 "ein Knoten")]
    assert order == sorted(order)


def test_two_columns_with_a_heading_are_still_read_column_by_column(tmp_path):
    """The rule above keeps real columns: a heading alone in the left column, between
    paragraphs of both columns, is read with its column, before the right column."""
    def page(canvas):
        _paragraph(canvas, 720, rows=8, size=9)
        canvas.setFont("Times-Roman", 9)
        for row in range(24):
            canvas.drawString(320, 720 - 10.8 * row, f"Right column line {row} runs on a while.")
        canvas.setFont("Times-Bold", 11)
        canvas.drawString(72, 620, "Second Section")
        _paragraph(canvas, 600, rows=8, size=9)

    text = " ".join(_texts(_typeset(tmp_path, page)))
    assert text.index("Second Section") < text.index("Right column line 0")


def test_a_raised_dot_in_another_columns_row_is_no_bullet(tmp_path):
    """A small raised dot after a symbol in the left column (the book's interior ``M°``) shares
    its baseline with a row of the right column, a column away; read as that row's bullet it
    glued the two columns into one line."""
    left = [("AxB", "Kreuzprodukt"), ("dM", "Rand der Menge M"), ("M", "Inneres der Menge M"),
            ("AuB", "Vereinigung"), ("AnB", "Schnitt")]
    right = [("[g]", "Homotopieklasse von g"), ("g1*g2", "Zusammenhaengen von Wegen"),
             ("g(x)", "Inverser Weg"), ("C", "Bild eines Weges")]

    def page(canvas):
        canvas.setFont("Times-Roman", 10)
        for i, (label, text) in enumerate(left):
            canvas.drawString(72, 700 - 14 * i, label)
            canvas.drawString(120, 700 - 14 * i, text)
        for i, (label, text) in enumerate(right):  # rows 4 pt above the left column's
            canvas.drawString(320, 690 - 14 * i, label)
            canvas.drawString(360, 690 - 14 * i, text)
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(72 + canvas.stringWidth("M", "Times-Roman", 10) + 0.5, 676, "•")

    texts = _texts(_typeset(tmp_path, page))
    assert not any(t.startswith("•") for t in texts)
    assert "Homotopieklasse von g g1*g2 Zusammenhaengen" in " ".join(texts)




def test_a_display_fraction_is_read_where_it_stands(tmp_path):
    """A display formula with fractions set at full size, their numerators and denominators
    0.7 em above and below its baseline: each is read in the formula's row, the numerator
    first, and the line of text under the formula stays after it (the parts were lines of
    their own, read before the formula or stacked with the line under it)."""
    def page(canvas):
        _paragraph(canvas, 720, rows=3)
        canvas.setFont("Times-Roman", 10)
        x = 150.0
        for text, stack in (("g(t) = ( r cos", None), (None, ("t", "r")), (", r sin", None),
                            (None, ("t", "r")), (") for t in [0, 2r]", None)):
            if text:
                canvas.drawString(x, 640, text)
                x += canvas.stringWidth(text, "Times-Roman", 10) + 2
            else:
                canvas.drawString(x, 647, stack[0])
                canvas.drawString(x, 633, stack[1])
                x += 6
        canvas.drawString(72, 617, "is parametrised by arc length, since it holds that")
        _paragraph(canvas, 590, rows=3)

    text = " ".join(_texts(_typeset(tmp_path, page)))
    assert ("g(t) = ( r cos t r , r sin t r ) for t in [0, 2r] is parametrised by arc length"
            in text)


def test_a_display_opening_with_a_fraction_reads_it_in_its_row(tmp_path):
    """A display formula that opens with a fraction (``1/2 |ln x| = ...``), its numerator
    and denominator left of the row's first character: they are read at the row's start,
    not as lines of their own before the formula and after it."""
    def page(canvas):
        _paragraph(canvas, 720, rows=3)
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, 660, "Then it holds that")
        canvas.drawString(200, 647, "1")
        canvas.drawString(200, 633, "2")
        canvas.drawString(207, 640, "| ln d(a, z) | = | ln d(z, a) |")
        canvas.drawString(72, 617, "for every point of the plane.")
        _paragraph(canvas, 590, rows=3)

    text = " ".join(_texts(_typeset(tmp_path, page)))
    assert "1 2 | ln d(a, z) | = | ln d(z, a) |" in text
    assert text.index("Then it holds") < text.index("1 2 | ln") < text.index("for every point")


def test_inline_fractions_set_small_are_read_in_their_row(tmp_path):
    """Fractions set small in a line (``\\tfrac``): numerators and denominators longer than
    a script, one over the other across the line's baseline, a short numerator centred over
    a long denominator. Each is read where it stands in the line, not as lines of their own
    above and below it (the line was split at the fractions' gaps)."""
    def page(canvas):
        _paragraph(canvas, 720, rows=3)
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(100, 640, "b) DV(z1, z4, z3, z2) =")
        x = 100 + canvas.stringWidth("b) DV(z1, z4, z3, z2) =", "Times-Roman", 10) + 3
        canvas.setFont("Times-Roman", 7)  # shifted up 0.4 em and down 0.35 em, as TeX's
        canvas.drawString(x, 644, "(z1-z2)(z3-z4)")
        canvas.drawString(x, 636.5, "(z1-z4)(z3-z2)")
        x += canvas.stringWidth("(z1-z2)(z3-z4)", "Times-Roman", 7) + 3
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(x, 640, "=")
        x += 8
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(x + 22, 644, "1")
        canvas.drawString(x, 636.5, "DV(z1, z2, z3, z4)")
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(100, 617, "c) The other cases follow in the same way.")
        _paragraph(canvas, 590, rows=3)

    texts = _texts(_typeset(tmp_path, page))
    line = texts[_index(texts, "b) DV")]
    assert line.startswith("b) DV(z1, z4, z3, z2) =")
    assert "(z1-z4)(z3-z2) =" in line and line.endswith("DV(z1, z2, z3, z4)")
    assert line.index("(z1-z2)") < line.index("(z1-z4)") < line.index("DV(z1, z2")


def test_a_display_matrix_is_read_in_its_formula(tmp_path):
    """A two-row matrix in a formula's parentheses, its rows 0.65 em above and below the
    formula's baseline: read row by row between the parentheses, before the text after the
    formula and the line under it."""
    def page(canvas):
        _paragraph(canvas, 720, rows=3)
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(150, 640, "s = (")
        canvas.drawString(169.5, 646.5, "a 0")
        canvas.drawString(169.5, 633.5, "0 b")
        canvas.drawString(183.5, 640, "), also s(z) = a z. From this follow the cases")
        canvas.drawString(72, 617, "shown in the figures below.")
        _paragraph(canvas, 590, rows=3)

    text = " ".join(_texts(_typeset(tmp_path, page)))
    assert "s = ( a 0 0 b ), also s(z) = a z. From this follow the cases shown in" in text


def test_a_heading_on_a_rule_across_both_columns_is_read_between_the_column_runs(tmp_path):
    """A section heading set at the left with its rule drawn on across the page, between two
    column runs: the right column above the rule is read before the heading (read as the left
    column's, the heading came before the right column's first paragraphs)."""
    def column(canvas, x: float, top: float, label: str, rows: int) -> None:
        canvas.setFont("Times-Roman", 10)
        for row in range(rows):
            canvas.drawString(x, top - 12 * row, f"{label} line {row} of this column runs on.")

    def page(canvas):
        column(canvas, 72, 720, "Upper left", 12)
        column(canvas, 320, 720, "Upper right", 10)
        canvas.setFont("Times-Bold", 16)
        canvas.drawString(90, 560, "GENERAL TRENDS")
        canvas.setLineWidth(1)
        canvas.line(230, 565, 560, 565)
        column(canvas, 72, 535, "Lower left", 20)
        column(canvas, 320, 535, "Lower right", 20)

    text = " ".join(_texts(_typeset(tmp_path, page)))
    order = [text.index(s) for s in ("Upper left line 0", "Upper right line 0", "GENERAL TRENDS",
                                     "Lower left line 0", "Lower right line 0")]
    assert order == sorted(order)


def test_a_heading_under_two_columns_opens_the_text_across_the_page(tmp_path):
    """A section heading set at the left under a run of two columns, close over the text
    across the page that it opens (the flyer's ``Additional Features`` over its list): read
    after both columns, before that text (read as the left column's last line, it came
    before the right column and ran into its first paragraph)."""
    def column(canvas, x: float, label: str) -> None:
        canvas.setFont("Times-Roman", 10)
        for row in range(12):
            canvas.drawString(x, 700 - 12 * row, f"{label} line {row} of this column runs on.")

    def page(canvas):
        column(canvas, 72, "Left")
        column(canvas, 320, "Right")
        canvas.setFont("Times-Bold", 11)
        canvas.drawString(72, 550, "Additional Features")
        canvas.setFont("Times-Roman", 10)
        for row in range(4):
            canvas.drawString(72, 537 - 12 * row, f"Item {row}: a feature described in a "
                              "line that runs across the whole width of the page.")

    text = " ".join(_texts(_typeset(tmp_path, page)))
    order = [text.index(s) for s in ("Left line 11", "Right line 0", "Right line 11",
                                     "Additional Features", "Item 0")]
    assert order == sorted(order)


def test_a_short_last_paragraph_of_the_left_column_stays_in_it(tmp_path):
    """The rule above keeps a left column's last paragraph, set below the right column's end
    and as far from the text across the page under it as a float is: it is read before the
    right column."""
    def page(canvas):
        canvas.setFont("Times-Roman", 10)
        for row in range(12):
            canvas.drawString(72, 700 - 12 * row, f"Left line {row} of this column runs on.")
        for row in range(9):
            canvas.drawString(320, 700 - 12 * row, f"Right line {row} of this column runs on.")
        canvas.drawString(72, 550, "Last left line, a paragraph of its own.")
        for row in range(4):
            canvas.drawString(72, 520 - 12 * row, f"Item {row}: a feature described in a "
                              "line that runs across the whole width of the page.")

    text = " ".join(_texts(_typeset(tmp_path, page)))
    assert text.index("Last left line") < text.index("Right line 0") < text.index("Item 0")


def test_columns_whose_baselines_do_not_line_up_split_at_a_narrow_gutter(tmp_path):
    """Two columns 1.2 em apart whose lines sit on one baseline only in a short stretch (a
    heading shifted the right column's lines by half a line above and below it): few rows
    hold both columns, but every line of the right column starts at the gutter, so the rows
    that do are split there (read as one line, a row ran from the left column into the
    right one)."""
    def right(canvas, row, y):
        canvas.drawString(302, y, f"Right column line {row} goes on here.")

    text = " ".join(_texts(_typeset(tmp_path, _columns_out_of_step(right))))
    right_text = " ".join(f"Right column line {row} goes on here." for row in range(28))
    assert LEFT_COLUMN in text and right_text in text


LEFT_COLUMN = " ".join(f"the left column's line {row} is set flush right" for row in range(30))


def test_columns_that_share_few_baselines_split_where_a_row_holds_both(tmp_path):
    """Two columns whose baselines meet only now and then (the Federal Register's, set at
    different sizes and leadings): here in three rows. In the middle one the right column's
    paragraph opens indented beside a left paragraph's short last line, so that row's gap is
    wider than the gutter and runs over it: it interrupts no gutter, and the rows further on
    that hold both columns are still split (read as one line, ``exist or`` ran into
    ``(b) Affected ADs``)."""
    def page(canvas):
        canvas.setFont("Times-Roman", 9)
        for i in range(25):
            y = 700 - 12 * i
            if i == 10:
                canvas.drawString(72, y, "a paragraph's short last line.")
            else:
                canvas.drawRightString(290, y, f"the left column's line {i} is set flush right")
        canvas.setFont("Times-Roman", 8)
        for j in range(25):
            level = j in (5, 10, 15)  # on a left line's baseline; elsewhere half a line off
            canvas.drawString(308 if j == 10 else 300, 700 - 12 * j - (0 if level else 6),
                              f"Right column line {j} goes on here.")

    text = " ".join(_texts(_typeset(tmp_path, page)))
    assert "line 15 is set flush right the left column's line 16" in text
    assert all(f"Right column line {j} goes on here." in text for j in range(25))


def _columns_out_of_step(right):
    """A page of two columns 1.2 em apart: 30 lines set flush right against the gutter, and 28
    drawn by ``right(canvas, row, y)`` level with them only in rows 12 to 15 (a heading
    shifted the rest by half a line)."""
    def page(canvas):
        canvas.setFont("Times-Roman", 10)
        for row in range(30):
            canvas.drawRightString(290, 700 - 12 * row,
                                   f"the left column's line {row} is set flush right")
        for row in range(28):
            right(canvas, row, 700 - 12 * row - (0 if 12 <= row < 16 else 6))

    return page


def test_side_heads_are_read_with_the_text_beside_them(tmp_path):
    """A manual's sections with their numbers and titles in a narrow margin column, each
    level with the top of its text: each head is read before its own text, not all heads
    before all the text (a column of side heads is no column of text)."""
    sections = [("2.3.59.1.1", "Background", 3), ("2.3.59.1.2", "Authority", 1),
                ("2.3.59.1.3", "Responsibilities", 2), ("2.3.59.1.4", "Program Review", 2)]

    def page(canvas):
        top = 720.0
        for number, title, rows in sections:
            canvas.setFont("Helvetica", 9)
            canvas.drawString(72, top, number)
            canvas.setFont("Helvetica-Bold", 9)
            canvas.drawString(72, top - 11, title)
            canvas.setFont("Helvetica", 9)
            for row in range(rows):
                canvas.drawString(200, top - 11 * row,
                                  f"The text of section {number} in its line {row} goes on.")
            top -= 11 * max(rows, 2) + 22

    text = " ".join(_texts(_typeset(tmp_path, page)))
    order = [text.index(s) for number, title, _ in sections
             for s in (number, title, f"The text of section {number} in its line 0")]
    assert order == sorted(order)


def test_a_narrow_gutter_before_numbered_references_is_found(tmp_path):
    """As above, with a reference list in the right column: each line opens with its number
    set a space before the text (``6.  Rogers FB``), so the text right of the gutter up to
    that space is short; the words after it count as the column's text too."""
    def reference(canvas, row, y):
        canvas.drawString(302, y, f"{row + 1}.")
        canvas.drawString(322, y, f"Author {row} AB: A paper, 2009.")

    assert LEFT_COLUMN in " ".join(_texts(_typeset(tmp_path, _columns_out_of_step(reference))))


def test_a_charts_labels_are_read_in_the_order_they_were_drawn(tmp_path):
    """A chart's labels have no rows to read: top to bottom, the y axis's ticks came before
    the x axis's and each tick row split the other axis. In the order drawn, each axis is
    read whole (the book's figures, and its reference text, read them so)."""
    def page(canvas):
        _paragraph(canvas, 720, rows=3)
        canvas.setFont("Times-Roman", 10)
        draw_line_chart(canvas)
        for i, value in enumerate(("0", "50", "100")):
            canvas.drawRightString(96, 452 + 60 * i, value)
        canvas.drawString(250, 610, "Sales")
        _paragraph(canvas, 380, rows=3)

    figure = next(b.text for b in _typeset(tmp_path, page).blocks if b.kind == "figure")
    assert " ".join(figure.split()) == "Jan Feb Mar Apr 0 50 100 Sales"


def test_a_charts_tick_at_the_page_foot_closes_no_page(tmp_path):
    """A chart at the foot of a page, its tick ``1`` alone on its row like a page number:
    the caption under the chart stays in the text, after the chart (taken for the folio, the
    tick made everything under it a footer, and the caption went out as furniture)."""
    def page(canvas):
        _paragraph(canvas, 720, rows=30)
        canvas.line(200, 110, 400, 110)
        canvas.line(300, 100, 300, 200)
        for x in (220, 260, 340, 380):
            canvas.line(x, 110, x, 106)
        path = canvas.beginPath()
        path.moveTo(210, 190)
        path.curveTo(250, 120, 350, 120, 390, 190)
        canvas.drawPath(path)
        canvas.setFont("Times-Roman", 10)
        canvas.drawRightString(296, 186, "2")
        canvas.drawRightString(296, 146, "1")
        for x, tick in ((216, "-2"), (256, "-1"), (338, "1"), (378, "2")):
            canvas.drawString(x, 96, tick)
        canvas.drawString(200, 76, "Figure 4.21: Lines that meet no parallel.")

    result = _typeset(tmp_path, page)
    kinds = [b.kind for b in result.blocks]
    assert _texts(result)[-1] == "Figure 4.21: Lines that meet no parallel."
    assert kinds[-2:] == ["figure", "caption"]
    assert not [r for r in result.removed if r.text.startswith("Figure")]


def test_a_contents_pages_numbers_are_read_with_their_rows(tmp_path):
    """A table of contents whose page numbers stand right-aligned, a wide gap after their
    titles: each number is read with its title, down to the page's foot (read apart, the
    numbers came after all the titles, and those in the bottom margin, one above the other,
    were each taken for the page's number and removed)."""
    def page(canvas):
        canvas.setFont("Times-Bold", 14)
        canvas.drawString(72, 720, "Contents")
        canvas.setFont("Times-Roman", 10)
        for row in range(26):
            y = 690 - 24 * row
            canvas.drawString(72, y, f"{row + 1} Chapter on topic number {row + 1}")
            canvas.drawRightString(540, y, str(3 * row + 2))

    result = _typeset(tmp_path, page)
    text = " ".join(_texts(result))
    assert "number 1 2 2 Chapter on topic number 2 5 3 Chapter" in text
    assert text.endswith("25 Chapter on topic number 25 74 26 Chapter on topic number 26 77")
    assert not [r for r in result.removed if r.rule == "page-number"]


def test_a_subfigures_caption_is_read_after_its_drawing_not_among_its_labels(tmp_path):
    """Two charts side by side, each with its caption ``(a) ...`` set just under it, within
    the reach of its tick labels: each caption is a passage of its own, read after its chart
    (short enough for a label, it was read among the chart's ticks)."""
    def chart(canvas, x0, caption):
        canvas.line(x0, 450, x0 + 180, 450)
        canvas.line(x0, 450, x0, 560)
        path = canvas.beginPath()
        path.moveTo(x0, 460)
        path.curveTo(x0 + 60, 540, x0 + 120, 470, x0 + 175, 550)
        canvas.drawPath(path)
        for i, tick in enumerate(("0", "1", "2")):
            canvas.line(x0 + 20 + 70 * i, 450, x0 + 20 + 70 * i, 446)
            canvas.drawString(x0 + 17 + 70 * i, 440, tick)
        canvas.drawString(x0 + 50, 430, caption)

    def page(canvas):
        _paragraph(canvas, 720, rows=5)
        canvas.setFont("Times-Roman", 10)
        chart(canvas, 80, "(a) Growth by year")
        chart(canvas, 330, "(b) Decline by year")
        canvas.drawString(200, 400, "Figure 3: Two trends")
        _paragraph(canvas, 370, rows=3)

    result = _typeset(tmp_path, page)
    pairs = [(b.kind, " ".join(b.text.split())) for b in result.blocks]
    figures = [i for i, (kind, _) in enumerate(pairs) if kind == "figure"]
    assert [pairs[i][1] for i in figures] == ["0 1 2", "0 1 2"]
    texts = [text for _, text in pairs]
    assert texts.index("(a) Growth by year") == figures[0] + 1
    assert texts.index("(b) Decline by year") == figures[1] + 1


def test_scripts_set_one_over_the_other_read_upper_then_lower(tmp_path):
    """A superscript over a subscript (``z_1^2``) and an inline sum's limits (``n+1`` over
    ``k=0``) stand at the same x: read upper then lower, not interleaved by x (``z12``,
    ``nk=+01``); ``F_j^{-1}(x)`` stays one word. A subscript between raised letters stands
    beside them and keeps its place (``SL2(R)`` set small above a line)."""
    def page(canvas):
        _paragraph(canvas, 720, rows=3)
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, 640, "so that z")
        x = 72 + canvas.stringWidth("so that z", "Times-Roman", 10)
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(x + 0.6, 644, "2")  # shifted right of the subscript, as TeX's
        canvas.drawString(x + 0.1, 637, "1")
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(x + 7, 640, "holds and the sum")
        x += 10 + canvas.stringWidth("holds and the sum", "Times-Roman", 10)
        canvas.drawString(x, 640, "S")
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(x + 6, 645, "n+1")
        canvas.drawString(x + 6, 636.5, "k=0")
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(x + 18, 640, "a is finite, and F")
        x += 18 + canvas.stringWidth("a is finite, and F", "Times-Roman", 10)
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(x + 0.5, 644, "-1")
        canvas.drawString(x + 0.5, 637, "j")
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(x + 5.5, 640, "(x) is open.")
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(250, 624, "SL")
        canvas.drawString(258, 622, "2")
        canvas.drawString(262, 624, "(R)")
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, 617, "which ends the proof of the claim made before.")
        _paragraph(canvas, 590, rows=3)

    text = " ".join(_texts(_typeset(tmp_path, page)))
    assert "so that z21 holds" in text
    assert "Sn+1k=0 a is finite, and F-1j(x) is open." in text
    assert "SL2(R)" in text


def test_side_by_side_subcaptions_set_close_are_read_one_after_the_other(tmp_path):
    """Two subfigures' captions side by side, the first ending right where ``(b)`` starts
    (LaTeX's subcaptions set too close for a gutter), each wrapping onto a second line that
    hangs under its text: each caption is read whole, not row by row across both (``... sich
    im(b) Die beiden ...``)."""
    def page(canvas):
        _paragraph(canvas, 720, rows=5)
        canvas.setFont("Times-Roman", 8)
        left = "(a) Die beiden markierten Dreiecke schneiden sich im"
        canvas.drawString(104, 500, left)
        x = 104 + canvas.stringWidth(left, "Times-Roman", 8)
        canvas.drawString(x, 500, "(b) Die beiden markierten Dreiecke schneiden sich im")
        hang = canvas.stringWidth("(a) ", "Times-Roman", 8)
        canvas.drawString(104 + hang, 490, "Mittelpunkt und in einer Seite.")
        canvas.drawString(x + hang, 490, "Mittelpunkt und aussen.")
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(220, 470, "Abbildung 2.11: Fehlerhafte Triangulierungen")
        _paragraph(canvas, 440, rows=3)

    texts = _texts(_typeset(tmp_path, page))
    assert ("(a) Die beiden markierten Dreiecke schneiden sich im Mittelpunkt und in einer "
            "Seite.") in texts
    assert "(b) Die beiden markierten Dreiecke schneiden sich im Mittelpunkt und aussen." in texts
    assert texts.index("(b) Die beiden markierten Dreiecke schneiden sich im Mittelpunkt und "
                       "aussen.") < _index(texts, "Abbildung 2.11")


def _pdf_with_sum(content: bytes) -> bytes:
    """One page: /F1 Helvetica, /F2 a non-embedded TeX extension font (CMEX10) whose code 83
    draws the display sum (∑ by its ToUnicode map)."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /S def"
            b" 1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <53> <2211>"
            b" endbfchar endcmap CMapName currentdict /CMap defineresource pop end end")
    return _pdf_with_big_operator(content, to_unicode=cmap)


def test_a_sums_upper_limit_over_a_row_of_superscripts_joins_its_formula(tmp_path):
    """A display sum's upper limit ``d`` stands over the row of its formula's superscripts
    (the ``k`` of ``(-1)^k``), not right over the formula's row: it is read with its sum,
    its limits set off by spaces as a display's stacked parts are, not as a line of its own
    before the formula (``d d`` over ``∑k=0 ... ∑k=1``)."""
    def width(text: str, size: float = 11) -> float:
        return stringWidth(text, "Helvetica", size)

    content = _line(72, 730, b"Beweis: die Formel folgt durch Einsetzen in die Definition.")
    content += _line(72, 700, b"Also gilt")
    x = 72 + width("Also gilt ")
    for limit, rest in ((b"k=0", b"a ="), (b"k=1", b"b und damit die Behauptung.")):
        content += _line(x, 708.2, b"S", b"/F2 11")  # hanging from above its baseline
        content += _line(x + 2, 714, b"d", b"/F1 7") + _line(x, 694.5, limit, b"/F1 7")
        x += 12
        content += _line(x, 700, b"(-1)") + _line(x + width("(-1)") + 0.5, 704.5, b"k", b"/F1 7")
        x += width("(-1)") + width("k", 7) + 3
        content += _line(x, 700, rest)
        x += width(rest.decode() + " ")
    content += _line(72, 676, b"Damit ist alles gezeigt, was zu zeigen war.")
    text, result = _extract_text(tmp_path, _pdf_with_sum(content))
    assert "d" not in [b.text.split()[0] for b in result.blocks]
    assert "Also gilt d∑ k=0 (-1)k a = d∑ k=1 (-1)k b und damit" in text


def test_a_label_over_an_arrow_is_read_before_the_arrow(tmp_path):
    """A label set small over an extensible arrow (``\\xRightarrow{Bem. 15}``), over the
    arrow's pieces: read in its row right before the arrow, its words spaced, not as a line
    of its own before the row (too long for a script, it stands over the row's glyphs)."""
    def page(canvas):
        _paragraph(canvas, 720, rows=3)
        canvas.setFont("Times-Roman", 10)
        head = "c) Ist Z(y) und Z(x) nicht leer "
        canvas.drawString(100, 640, head)
        x = 100 + canvas.stringWidth(head, "Times-Roman", 10)
        canvas.drawString(x, 640, "=====")
        arrow = canvas.stringWidth("=====", "Times-Roman", 10)
        canvas.drawString(x + arrow + 3, 640, "so ist Z(y) mit Z(x) zusammenhaengend.")
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(x + 2, 646, "Bem. 15")
        _paragraph(canvas, 610, rows=3)

    texts = _texts(_typeset(tmp_path, page))
    assert "Bem. 15" not in texts
    assert ("c) Ist Z(y) und Z(x) nicht leer Bem. 15 ===== so ist Z(y) mit Z(x) "
            "zusammenhaengend.") in texts


def test_a_label_over_an_arrow_under_a_line_is_no_subscript_of_that_line(tmp_path):
    """The same label over an arrow that opens a row, set close under the line above
    (``Dann ist U offen in Y.`` / ``Def. 12.a`` over ``=====``): it reached into that line's
    box, joined it as a row of subscripts and was read among its letters (``DDaefn. n12i.ast
    U``). It stays for the arrow, read right before it."""
    def page(canvas):
        _paragraph(canvas, 720, rows=3)
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(100, 652, "Dann ist U offen in Y.")
        canvas.drawString(100, 640, "=====")
        arrow = canvas.stringWidth("=====", "Times-Roman", 10)
        canvas.drawString(100 + arrow + 3, 640, "f(U) ist offen in X. Dann ist x in f(U).")
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(101, 646, "Def. 12.a")
        _paragraph(canvas, 610, rows=3)

    text = " ".join(_texts(_typeset(tmp_path, page)))
    assert "Dann ist U offen in Y. Def. 12.a ===== f(U) ist offen in X." in text, text


def test_a_word_over_a_relation_is_read_before_it(tmp_path):
    """A label of words set small over a single ``=`` (``\\overset{\\text{Binomischer
    Lehrsatz}}{=}``, two lines over it): read right before its ``=``, its lines top to bottom,
    and the row, which the label's width had split at both sides of the ``=``, read on
    through it, at its own size (the label's letters outnumber its own), so the row under it
    goes on its paragraph. The label had been read before the row, or with the row's right
    part after the rows under it."""
    def page(canvas):
        _paragraph(canvas, 720, rows=3)
        canvas.setFont("Times-Roman", 10)
        left = "f = (x + 1)n"
        canvas.drawString(100, 640, left)
        x = 100 + canvas.stringWidth(left + " ", "Times-Roman", 10)
        equals = canvas.stringWidth("=", "Times-Roman", 10)
        label = canvas.stringWidth("Binomischer", "Times-Roman", 7)
        canvas.drawString(x + (label - equals) / 2, 640, "=")
        canvas.drawString(x + label + 3, 640, "g + h")
        canvas.drawString(100, 628, "und g = (x - 1)n = g - 1 folgt.")
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(x, 653.5, "Binomischer")
        width = canvas.stringWidth("Lehrsatz", "Times-Roman", 7)
        canvas.drawString(x + (label - width) / 2, 646.5, "Lehrsatz")
        _paragraph(canvas, 600, rows=3)

    texts = _texts(_typeset(tmp_path, page))
    assert ("f = (x + 1)n Binomischer Lehrsatz = g + h und g = (x - 1)n = g - 1 folgt."
            in texts), texts


def _fraction(canvas, x: float, baseline: float, numerator: str, denominator: str,
              size: float = 10) -> float:
    """A display fraction at ``x`` in a formula's row on ``baseline``, set as TeX sets it:
    its bar on the math axis (0.25 em up), the numerator's baseline 0.45 em over the bar,
    the denominator's 0.95 em under it, the shorter part centred; the x after the bar."""
    canvas.setFont("Times-Roman", size)
    wide = max(canvas.stringWidth(t, "Times-Roman", size) for t in (numerator, denominator))
    axis = baseline + 0.25 * size
    canvas.setLineWidth(0.4)
    canvas.line(x, axis, x + wide, axis)
    for text, y in ((numerator, axis + 0.45 * size), (denominator, axis - 0.95 * size)):
        canvas.drawString(x + (wide - canvas.stringWidth(text, "Times-Roman", size)) / 2, y,
                          text)
    return x + wide


def test_a_long_display_fraction_after_a_formulas_end_is_read_in_its_row(tmp_path):
    """A display fraction closing a formula's row (``s(z) = (a(x + iy) + b)/(c(x + iy) + d)``),
    numerator and denominator longer than a script: the bar under the one and over the
    other says they are the fraction's parts, read after the ``=``, not as lines of their own
    before and after the formula (a line of text there was no part of it)."""
    def page(canvas):
        _paragraph(canvas, 720, rows=3)
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, 666, "Then it holds that")
        canvas.drawString(200, 640, "s(z) =")  # a thick space and TeX's null delimiter after
        _fraction(canvas, 204 + canvas.stringWidth("s(z) =", "Times-Roman", 10), 640,
                  "a(x + iy) + b", "c(x + iy) + d")
        canvas.drawString(72, 614, "for every point of the plane.")
        _paragraph(canvas, 590, rows=3)

    text = " ".join(_texts(_typeset(tmp_path, page)))
    assert "Then it holds that s(z) = a(x + iy) + b c(x + iy) + d for every point" in text


def test_numerators_of_fractions_side_by_side_are_read_each_with_its_fraction(tmp_path):
    """Two display fractions with a ``·`` between them (``= (ax + b)/(cx + d) · (cx - d)/(cx
    - d)``): the numerators stand close enough to make one line over both bars, the
    denominators another. Each is split at the gap between the bars, and each fraction is
    read whole where it stands: the ``·`` after the first, not before both."""
    def page(canvas):
        _paragraph(canvas, 720, rows=3)
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, 666, "Then it holds that")
        canvas.drawString(200, 640, "w =")
        x = _fraction(canvas, 204 + canvas.stringWidth("w =", "Times-Roman", 10), 640,
                      "(ax + b) + iay", "(cx + d) + icy") + 3
        canvas.drawString(x, 640, "·")
        _fraction(canvas, x + 6, 640, "(cx + d) - icy", "(cx + d) - icy")
        canvas.drawString(72, 614, "for every point of the plane.")
        _paragraph(canvas, 590, rows=3)

    text = " ".join(_texts(_typeset(tmp_path, page)))
    assert ("w = (ax + b) + iay (cx + d) + icy · (cx + d) - icy (cx + d) - icy for every"
            in text)


def _brace_cmap() -> bytes:
    """A ToUnicode map for the test's CMEX10: code 56 (``8``) is the big brace ``{``."""
    return (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /B def"
            b" 1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <38> <007B>"
            b" endbfchar endcmap CMapName currentdict /CMap defineresource pop end end")


def test_a_case_distinctions_rows_are_read_after_its_brace(tmp_path):
    """``d(x, y) = { 0 falls x = y und z = w / 1 falls x ≠ y oder z ≠ w``: the two rows after
    the formula's end, above and below its baseline, each longer than a fraction's part. The
    big brace opens them: they are read after ``d(x, y) =``, not the first before it."""
    content = _line(72, 730, b"Sei X eine Menge und seien x, y, z, w beliebige Punkte.")
    content += _line(72, 716, b"Dann heisst")
    content += _line(150, 700, b"d(x, y) =") + _line(200, 708.2, b"8", b"/F2 11")
    content += _line(210, 708, b"0 falls x = y und z = w")
    content += _line(210, 692, b"1 falls x != y oder z != w")
    content += _line(72, 676, b"die diskrete Metrik auf X, wie man leicht sieht.")
    text, _ = _extract_text(tmp_path, _pdf_with_big_operator(content, to_unicode=_brace_cmap()))
    assert ("Dann heisst d(x, y) = { 0 falls x = y und z = w 1 falls x != y oder z != w die"
            in text)


def test_a_case_distinctions_conditions_set_in_a_column_stay_in_their_rows(tmp_path):
    """A case distinction whose conditions stand in a column of their own, far enough from
    the values (``0`` and ``42``) to split each row: each condition is read after its value,
    row by row, not both after the whole formula."""
    content = _line(72, 730, b"Sei X eine Menge und seien x, y, z, w beliebige Punkte.")
    content += _line(72, 716, b"Dann heisst")
    content += _line(150, 700, b"f(x) =") + _line(190, 708.2, b"8", b"/F2 11")
    content += _line(200, 708, b"0") + _line(240, 708, b"falls x in Q")
    content += _line(200, 692, b"42") + _line(240, 692, b"falls x in R ohne Q")
    content += _line(72, 676, b"ist weder stetig noch offen, wie man leicht sieht.")
    text, _ = _extract_text(tmp_path, _pdf_with_big_operator(content, to_unicode=_brace_cmap()))
    assert "f(x) = { 0 falls x in Q 42 falls x in R ohne Q ist weder stetig" in text


def _hooks_cmap() -> bytes:
    """A ToUnicode map for the test's CMEX10: codes 48/49 (``0``, ``1``) are the top hooks
    of tall parentheses ``⎛ ⎞``, 64/65 (``@``, ``A``) their bottom hooks ``⎝ ⎠``."""
    return (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /P def"
            b" 1 begincodespacerange <00> <FF> endcodespacerange 4 beginbfchar <30> <239B>"
            b" <31> <239E> <40> <239D> <41> <23A0> endbfchar endcmap CMapName currentdict"
            b" /CMap defineresource pop end end")


def _tall_parentheses(left: float, right: float, top: float = 721.75, bottom: float = 702.25
                      ) -> bytes:
    """A pair of tall parentheses built from TeX's hooks (``_hooks_cmap``): the top hooks ``0``
    and ``1`` with their origins at ``top`` (by default 0.75 em over a matrix's top row at
    713.5), the bottom hooks ``@`` and ``A`` at ``bottom``; ``left`` and ``right``: each side's x."""
    return b"".join(_line(x, y, code, b"/F2 11")
                    for y, codes in ((top, (b"0", b"1")), (bottom, (b"@", b"A")))
                    for code, x in zip(codes, (left, right)))


def test_a_three_row_matrix_in_tall_parentheses_is_read_row_by_row_in_its_formula(tmp_path):
    """A three-row matrix whose parentheses are built from TeX's pieces (top and bottom
    hooks, one over the other): its top and bottom rows stand 1.2 em from the formula's
    row, too far to be a stacked part. It is read in the formula, row by row, after
    ``J(u, v) =``: its top row is not read before the formula, nor its last row after it."""
    x = 120 + stringWidth("J(u, v) = ", "Helvetica", 11)
    content = _line(72, 744, b"Die Jacobi-Matrix der Parametrisierung ist dann")
    content += _line(120, 700, b"J(u, v) =")
    content += _tall_parentheses(x, x + 110)
    for y, first, second in ((713.5, b"-a sin u", b"b cos u"), (700, b"a cos u", b"b sin u"),
                             (686.5, b"0", b"1")):
        content += _line(x + 12, y, first) + _line(x + 62, y, second)
    content += _line(72, 660, b"und hat Rang 2 fuer jeden Punkt der Flaeche.")
    text, _ = _extract_text(tmp_path, _pdf_with_big_operator(content, to_unicode=_hooks_cmap()))
    assert ("Parametrisierung ist dann J(u, v) = ⎛⎝ -a sin u b cos u a cos u b sin u 0 1 ⎞⎠ und"
            in text)


def test_a_matrix_whose_last_row_hangs_low_is_read_after_its_formulas_lead(tmp_path):
    """The same matrix set wider, ``J(u, v) =`` a segment of its own left of it, and under
    its last row's entries a small line (the denominators of its fractions) 1.1 em below the
    bottom hooks' baseline: the matrix was taken for no clean one, text running into it from
    below, and its rows were read in pieces around the formula's lead."""
    x = 120 + stringWidth("J(u, v) = ", "Helvetica", 11) + 4
    content = _line(72, 744, b"Die Jacobi-Matrix der Parametrisierung ist dann")
    content += _line(120, 700, b"J(u, v) =")
    content += _tall_parentheses(x, x + 120)
    for y, first, second in ((713.5, b"-a sin u", b"b cos u"), (700, b"a cos u", b"b sin u"),
                             (686.5, b"0", b"dz")):
        content += _line(x + 24, y, first) + _line(x + 72, y, second)
    content += _line(x + 72, 681.9, b"dv", b"/F1 8")
    content += _line(72, 650, b"und hat Rang 2 fuer jeden Punkt der Flaeche.")
    text, _ = _extract_text(tmp_path, _pdf_with_big_operator(content, to_unicode=_hooks_cmap()))
    assert "Parametrisierung ist dann J(u, v) = ⎛⎝ -a sin u b cos u a cos u b sin u" in text


def test_column_vectors_side_by_side_are_each_read_whole_in_their_formula(tmp_path):
    """Two column vectors in tall parentheses side by side (``a x b := (a1 a2 a3) x (b1 b2
    b3)``): each row of entries is one row of text running across both vectors. Each vector
    is read whole, top to bottom, in the formula's row (the middle one), not the rows across
    (``a1 b1``, ``a3 b3`` around the formula)."""
    content = _line(72, 744, b"Seien a und b Vektoren im Raum. Dann ist")
    content += _line(120, 700, b"a x b :=")
    x = 120 + stringWidth("a x b := ", "Helvetica", 11)
    for left in (x, x + 44):
        content += _tall_parentheses(left, left + 24)
    for y, entry in ((713.5, b"1"), (700, b"2"), (686.5, b"3")):
        content += _line(x + 10, y, b"a" + entry) + _line(x + 54, y, b"b" + entry)
    content += _line(x + 35, 700, b"x")
    content += _line(72, 660, b"das Kreuzprodukt der beiden Vektoren.")
    text, _ = _extract_text(tmp_path, _pdf_with_big_operator(content, to_unicode=_hooks_cmap()))
    assert "Dann ist a x b := ⎛⎝ a1 a2 a3 ⎞⎠ x ⎛⎝ b1 b2 b3 ⎞⎠ das Kreuzprodukt" in text


def test_a_matrix_of_small_fractions_is_read_entry_by_entry(tmp_path):
    """A Jacobian of small fractions in tall parentheses (``dx/du (p)``, three rows): each
    fraction's denominator stands about as low as the numerator of the row under it, so by
    baselines the two made one row (``du dy``). Read by the rows' math axes, where the bars
    lie: row by row, each fraction's numerator then its denominator, then ``(p)``."""
    x = 120 + stringWidth("J(p) = ", "Helvetica", 11)
    content = _line(72, 744, b"Die Jacobi-Matrix der Parametrisierung ist dann")
    content += _line(120, 697.3, b"J(p) =")
    content += _tall_parentheses(x, x + 76, 723.75, 698.25)
    for axis, top in ((714.5, b"dx"), (700, b"dy"), (685.5, b"dz")):
        for left, bottom in ((x + 12, b"du"), (x + 46, b"dv")):
            content += b"%.1f %.1f 9 0.4 re f " % (left, axis)
            content += _line(left, axis + 1.6, top, b"/F1 8") + _line(left, axis - 6.5, bottom,
                                                                       b"/F1 8")
            content += _line(left + 11, axis - 2.7, b"(p)")
    content += _line(72, 660, b"und hat Rang 2 fuer jeden Punkt der Flaeche.")
    text, _ = _extract_text(tmp_path, _pdf_with_big_operator(content, to_unicode=_hooks_cmap()))
    # the order is the point: a raised numerator is put back without its spaces
    assert "J(p)=⎛⎝dxdu(p)dxdv(p)dydu(p)dydv(p)dzdu(p)dzdv(p)⎞⎠und" in text.replace(" ", "")


def test_a_tall_norm_built_from_pieces_is_read_around_its_formula(tmp_path):
    """A tall norm around a display fraction (``det(I) = ‖ dF/du (p) ‖²``), each bar built
    from four pieces of TeX's extension font one over the other (``∥``): the pieces made rows
    of their own that split the formula's rows, its numerator and ``det(I) =`` read apart.
    Each bar is read as one glyph, on the formula's row."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /N def"
            b" 1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <7D> <2225>"
            b" endbfchar endcmap CMapName currentdict /CMap defineresource pop end end")
    x = 150 + stringWidth("det(I) = ", "Helvetica", 11)
    content = _line(72, 744, b"Dann gilt fuer die erste Fundamentalform die Gleichung")
    content += _line(150, 700, b"det(I) =")
    for left in (x, x + 44):
        for y in (716.5, 710, 703.5, 697):  # the pieces: origins 0.75 em up
            content += _line(left, y, b"}", b"/F2 11")
    content += b"%.1f 702.6 12 0.4 re f " % (x + 11)
    content += _line(x + 11, 707.6, b"dF") + _line(x + 11, 692.4, b"du")
    content += _line(x + 25, 700, b"(p)") + _line(x + 54, 710, b"2", b"/F1 8")
    content += _line(72, 664, b"fuer jeden Punkt der Flaeche und jede Parametrisierung.")
    text, _ = _extract_text(tmp_path, _pdf_with_big_operator(content, to_unicode=cmap))
    assert "Gleichung det(I) = ∥ dF du (p) ∥2 fuer jeden Punkt" in text


def test_a_line_under_a_display_in_pieces_is_read_after_the_display(tmp_path):
    """A display's rows with their limits set small beside them, a column apart (the book's
    sums and integrals over ``V_i``), then ``Beweis:`` at the left margin under the display,
    in a column of its own: it joined the display's column run as a third column and was read
    before the display's terms."""
    def page(canvas):
        _paragraph(canvas, 720, rows=4)
        for row, terms in enumerate(("= sum fdA over V", "- sum fdA over V and W",
                                     "+ sum fdA over U, V and W")):
            canvas.setFont("Times-Roman", 10)
            canvas.drawString(230, 650 - 20 * row, terms)
            canvas.setFont("Times-Roman", 7)
            canvas.drawString(200, 644 - 20 * row, "i=1")
        canvas.setFont("Times-Bold", 10)
        canvas.drawString(72, 580, "Beweis:")
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(90, 566, "a) Mit Transformationsformel.")

    text = " ".join(_texts(_typeset(tmp_path, page)))
    assert text.index("+ sum fdA over U") < text.index("Beweis")


def test_a_raised_symbol_leaves_the_superscripts_beside_it_to_their_line(tmp_path):
    """A line with an exponent (``e^{2pit}``) and, left of it, a full-size ``~`` raised to the
    exponent's height (the upper half of a ``≅`` stacked over its ``=``): the ``~`` made the
    exponent's row one of full-size text, so the exponent stayed a row of its own and the
    line split at the gap it left, its rest read after the next line."""
    def page(canvas):
        _paragraph(canvas, 720, rows=3)
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, 650, "also ist G = Z. Dabei ist g(t) = e")
        x = 72 + stringWidth("also ist G = Z. Dabei ist g(t) = e", "Times-Roman", 10)
        canvas.drawString(72 + stringWidth("also ist G ", "Times-Roman", 10), 653, "~")
        canvas.setFont("Times-Roman", 7)
        canvas.drawString(x, 653.9, "2pit")
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(x + stringWidth("2pit", "Times-Roman", 7) + 9, 650,
                          "= cos(2pt) + i sin(2pt) und")
        canvas.drawString(90, 636, "g_k := g * g ist ein Isomorphismus.")
        _paragraph(canvas, 610, rows=3)

    text = " ".join(_texts(_typeset(tmp_path, page)))
    assert "g(t) = e2pit = cos(2pt)" in text and text.index("cos(2pt)") < text.index("g_k := g")


def test_a_stacked_congruence_sign_stays_in_its_line(tmp_path):
    """``≅`` built as TeX does, a ``~`` raised over a ``=`` set a hair low: the raised ``~``
    opened the row and moved its reach up, so the ``=`` under it made a row and a line of its
    own, and the next line (``Bew.: ...``), stacked under that stray ``=``, came after the
    lines that follow it."""
    def page(canvas):
        _paragraph(canvas, 720, rows=3)
        for y, (before, after) in ((650, ("(a) Beh.: AB", "AC and ABC congruent ACB")),
                                   (636, ("Bew.: Sei AB", "AC."))):
            canvas.setFont("Times-Roman", 10)
            canvas.drawString(90, y, before)
            x = 90 + stringWidth(before + " ", "Times-Roman", 10)
            canvas.drawString(x, y + 3.0, "~")
            canvas.drawString(x, y - 0.5, "=")
            canvas.drawString(x + stringWidth("= ", "Times-Roman", 10), y, after)
        canvas.drawString(90, 622, "Then there is an isometry f with f(B) = C.")
        _paragraph(canvas, 596, rows=3)

    text = " ".join(_texts(_typeset(tmp_path, page)))
    assert text.index("Bew.: Sei AB") < text.index("Then there is an isometry")


def test_two_matrices_side_by_side_are_each_read_in_their_formulas_row(tmp_path):
    """Two two-row matrices set close on either side of a display's ``=``: their top rows,
    a little above the formula's row, made one segment across the ``=``, which no gap of the
    formula could hold, so the display read ``(a b) = (e f)`` / ``(c d) (g h)`` / ``I :=``."""
    def width(text: str) -> float:
        return stringWidth(text, "Times-Roman", 10)

    def page(canvas):
        _paragraph(canvas, 720, rows=3)
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(100, 650, "I :=")
        x = 100 + width("I :=") + 3
        for top, bottom in (("(a   b)", "(c   d)"), ("(e   f)", "(g   h)")):
            canvas.drawString(x, 656.2, top)
            canvas.drawString(x, 643.8, bottom)
            x += width(top) + 3
            if top.startswith("(a"):
                canvas.drawString(x, 650, "=")
                x += width("=") + 3
        _paragraph(canvas, 610, rows=3)

    assert "I := (a b) (c d) = (e f) (g h)" in " ".join(_texts(_typeset(tmp_path, page)))


def test_a_subscript_with_scripts_of_its_own_stays_in_its_line(tmp_path):
    """An operator's limit set beside it in a line, five small characters of which two are
    its own scripts, smaller still (``V_i∈T_Y``): as a run longer than a script's it stayed a
    row of its own, the line split at the gap it left, and the line's rest was read after the
    lines under it."""
    def page(canvas):
        _paragraph(canvas, 720, rows=3)
        canvas.setFont("Times-Roman", 10)
        head = "Eine Ueberlagerung heisst es, wenn p(U) = U"
        canvas.drawString(72, 650, head)
        x = 72 + stringWidth(head, "Times-Roman", 10)
        for text, size, drop in (("V", 7, 3), ("i", 5, 4), ("e", 7, 3), ("T", 7, 3),
                                 ("Y", 5, 4)):
            canvas.setFont("Times-Roman", size)
            canvas.drawString(x, 650 - drop, text)
            x += stringWidth(text, "Times-Roman", size)
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(x + 2, 650, "V und p ist ein Homoeomorphismus.")
        canvas.drawString(72, 636, "Alle Punkte liegen diskret in Y, da Haeufungspunkte viele")
        canvas.drawString(72, 622, "Elemente in jeder Umgebung benoetigen.")
        _paragraph(canvas, 596, rows=3)

    text = " ".join(_texts(_typeset(tmp_path, page)))
    assert text.index("ein Homoeomorphismus") < text.index("Alle Punkte")


def test_primes_raised_beside_a_raised_symbol_stay_on_their_line(tmp_path):
    """``(ii) CAB ≅ C'A'B'``: the ``~`` of the ``≅`` stands raised over its ``=`` at full size,
    the primes raised at script size to about its height. The primes and the ``~`` made one
    row, which the ``~``'s size said was no row of scripts: the primes stayed a line of their
    own, read before ``(ii)``, and left gaps in ``C A B``."""
    def page(canvas):
        _paragraph(canvas, 720, rows=3)
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(72, 650, "(ii) CAB =")
        at = 72 + stringWidth("(ii) CAB ", "Times-Roman", 10)
        canvas.drawString(at, 653, "~")
        x = 72 + stringWidth("(ii) CAB = ", "Times-Roman", 10)
        for letter in "CAB":
            canvas.setFont("Times-Roman", 10)
            canvas.drawString(x, 650, letter)
            x += stringWidth(letter, "Times-Roman", 10)
            canvas.setFont("Times-Roman", 7)
            canvas.drawString(x, 653.6, "'")
            x += stringWidth("'", "Times-Roman", 7) + 0.5
        _paragraph(canvas, 630, rows=3)

    text = " ".join(_texts(_typeset(tmp_path, page)))
    assert "(ii) CAB = C'A'B'" in text


def test_a_big_brace_does_not_pull_the_line_aboves_subscripts_into_its_line(tmp_path):
    """Two display rows, ``k_1(s) := min ...`` over ``k_2(s) := max { ...``: the second row's
    ``{`` from the extension font hangs from an origin at the first row's height, and its box
    reached over the first row's subscript, which then joined the second row (``k(s)`` over
    ``k12(s)``)."""
    content = (_line(72, 730, b"Seien die beiden folgenden Zahlen gegeben durch", b"/F1 11")
               + _line(100, 700, b"k", b"/F1 11") + _line(105.5, 697, b"1", b"/F1 7")
               + _line(110, 700, b"(s) := min der Werte", b"/F1 11")
               + _line(100, 683, b"k", b"/F1 11") + _line(105.5, 680, b"2", b"/F1 7")
               + _line(110, 683, b"(s) := max", b"/F1 11") + _line(170, 691.2, b"{", b"/F2 11")
               + _line(180, 683, b"der Werte", b"/F1 11")
               + _line(72, 660, b"und beide heissen Hauptkruemmungen der Flaeche.", b"/F1 11"))
    text, _ = _extract_text(tmp_path, _pdf_with_big_operator(content))
    assert "k1(s) := min der Werte" in text and "k2(s) := max" in text


def _pdf_with_brace_pieces(content: bytes) -> bytes:
    """One page: /F1 Helvetica, /F2 a non-embedded TeX extension font (CMEX10) whose codes
    65 and 66 draw a horizontal brace's pieces (``︸`` and ``︷`` by its ToUnicode map)."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /B def"
            b" 1 begincodespacerange <00> <FF> endcodespacerange 2 beginbfchar <41> <FE38>"
            b" <42> <FE37> endbfchar endcmap CMapName currentdict /CMap defineresource pop end"
            b" end")
    return _pdf_with_big_operator(content, to_unicode=cmap)


def _braced(x: float, content: bytes, label: bytes, under: bool) -> tuple[bytes, float]:
    """``content`` on the formula's baseline (700) at ``x`` with a brace under it (over it)
    and ``label`` centred under (over) the brace, as TeX sets ``\\underbrace`` and
    ``\\overbrace``: four pieces, an end, the tip's two halves, an end; the x after it."""
    wide = stringWidth(content.decode(), "Helvetica", 11)
    piece = 0.833 * 11
    brace_y, label_y = (691.3, 681.7) if under else (713.0, 718.5)
    ends, tips = (b"A", b"B") if under else (b"B", b"A")
    stream = _line(x, 700, content)
    for at, glyph in ((x, ends), (x + wide / 2 - piece, tips), (x + wide / 2, tips),
                      (x + wide - piece, ends)):
        stream += _line(at, brace_y, glyph, b"/F2 11")
    label_wide = stringWidth(label.decode(), "Helvetica", 8)
    stream += _line(x + (wide - label_wide) / 2, label_y, label, b"/F1 8")
    return stream, x + wide


def test_a_braces_label_is_read_with_the_part_it_braces(tmp_path):
    """Labels set small under an underbrace and over an overbrace (``\\underbrace{(A n A1)}
    _{abgeschlossen}``): each read in the formula's row, the one under right after the part
    it braces, the one over right before it, not as lines of their own after the formula
    (nor inside the text line under it)."""
    content = _line(72, 730, b"Beweis: die Formel folgt durch Einsetzen in die Definition.")
    content += _line(72, 700, b"A =")
    first, x = _braced(96, b"(A n A1)", b"abgeschlossen", under=True)
    content += first + _line(x + 4, 700, b"u")
    second, x = _braced(x + 14, b"(A n A2)", b"genau ein Punkt", under=False)
    content += second + _line(x + 4, 700, b"ist unerlaubte Zerlegung.")
    content += _line(72, 668, b"Damit ist alles gezeigt, was zu zeigen war.")
    text, _ = _extract_text(tmp_path, _pdf_with_brace_pieces(content))
    assert ("A = (A n A1) abgeschlossen u genau ein Punkt (A n A2) ist unerlaubte "
            "Zerlegung.") in text
    assert "Damit ist alles gezeigt, was zu zeigen war." in text


def test_tall_angle_brackets_cut_as_one_glyph_are_read_around_what_they_enclose(tmp_path):
    """Scalar products of column vectors in tall parentheses, ``= ⟨ (a) , (b) ⟩ − ⟨ (a) ,
    (a) ⟩²``, each angle bracket one glyph of TeX's extension font whose origin stands 1.7 em
    over the formula's baseline (an em when counted as hanging): the brackets joined the
    vectors' top row and were read as a row of their own before the formula, whose row the
    vectors' gutters had cut in parts (``g =`` last). Each bracket is read where it stands."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /A def"
            b" 1 begincodespacerange <00> <FF> endcodespacerange 6 beginbfchar <30> <239B>"
            b" <31> <239E> <40> <239D> <41> <23A0> <44> <27E8> <45> <27E9> endbfchar endcmap"
            b" CMapName currentdict /CMap defineresource pop end end")
    content = _line(72, 744, b"Seien a und b Vektoren im Raum. Dann gilt die Gleichung")
    content += _line(120, 700, b"g =")
    x = 120 + stringWidth("g = ", "Helvetica", 11)
    for pair, (first, second) in enumerate(((b"a", b"b"), (b"a", b"a"))):
        left = x + pair * 110
        for code, at in ((b"D", left), (b"E", left + 88)):  # the brackets
            content += _line(at, 718.7, code, b"/F2 11")
        for vector, name in ((left + 10, first), (left + 50, second)):
            content += _tall_parentheses(vector, vector + 24)
            for y, entry in ((713.5, b"1"), (700, b"2"), (686.5, b"3")):
                content += _line(vector + 10, y, name + entry)
        content += _line(left + 44, 700, b",")
    content += _line(x + 100, 700, b"-") + _line(x + 208, 716, b"2", b"/F1 8")
    content += _line(72, 660, b"fuer je zwei Vektoren des Raumes.")
    text, _ = _extract_text(tmp_path, _pdf_with_big_operator(content, to_unicode=cmap))
    assert ("Gleichung g = ⟨ ⎛⎝ a1 a2 a3 ⎞⎠ , ⎛⎝ b1 b2 b3 ⎞⎠ ⟩ - ⟨ ⎛⎝ a1 a2 a3 ⎞⎠ , ⎛⎝ a1 a2 a3 ⎞⎠ ⟩2"
            " fuer je zwei" in text), text


def _justified(canvas, top: float, words: list[str], right: float, rows: int,
               x: float = 72) -> None:
    """``rows`` lines filled from ``words`` and set from ``x`` to ``right``, each line's word
    spaces stretched to reach it."""
    words = list(words)
    for row in range(rows):
        line = [words.pop(0)]
        while words and stringWidth(" ".join(line + words[:1]), "Times-Roman", 10) < right - x:
            line.append(words.pop(0))
        widths = [stringWidth(word, "Times-Roman", 10) for word in line]
        space = (right - x - sum(widths)) / (len(line) - 1)
        at = x
        for word, width in zip(line, widths):
            canvas.drawString(at, top - 12 * row, word)
            at += width + space


def test_a_justified_line_split_by_a_stretched_quad_is_read_whole(tmp_path):
    """A proof's line of formulas set a quad apart and stretched by the justification: its
    last formula stands 1.7 em after the one before and ends at the text's right edge, while
    the lines under it are short. Read apart, it came after the whole paragraph."""
    left = "Dann ist H stetig, H(t, 0) = g(t), H(t, 1) = g(f(t)),"
    last = "H(0, s) = g(0) und H(1, s) ="
    start = 72 + stringWidth(left, "Times-Roman", 10) + 17
    right = start + stringWidth(last, "Times-Roman", 10)
    prose = ("Sei X ein topologischer Raum und seien die Wege g und f so gegeben wie oben in "
             "der Bemerkung beschrieben, dann gilt die folgende Aussage ueber beide Wege und "
             "ihre Homotopie, die wir nun Schritt fuer Schritt beweisen wollen, indem wir eine "
             "stetige Abbildung angeben und ihre Eigenschaften nachrechnen.").split()

    def page(canvas):
        canvas.setFont("Times-Roman", 10)
        _justified(canvas, 720, prose, right, rows=3)
        canvas.drawString(72, 684, left)
        canvas.drawString(start, 684, last)
        canvas.drawString(72, 672, "g(1 - s + s) = g(1)")
        canvas.drawString(72, 660, "=> H ist Homotopie.")
        _justified(canvas, 640, prose, right, rows=3)

    text = " ".join(_texts(_typeset(tmp_path, page)))
    assert f"{left} {last} g(1 - s + s) = g(1) => H ist Homotopie." in text, text


def test_small_fractions_in_lines_one_under_the_other_are_read_in_their_lines(tmp_path):
    """A line ending in a small fraction (``\\frac{o}{2^n}`` in text, numerator and
    denominator set small either side of the baseline) over a line opening with another: the
    first numerator stands over its own denominator, no limit over a next line's letters, and
    the second hangs under the first line's first word, no subscript of it (read inside it,
    ``Daann``)."""
    def page(canvas):
        _paragraph(canvas, 720, rows=3)
        head = "Dann gibt es fuer jedes n ein Dreieck mit Innenwinkel x <"
        for baseline, x, before, after in ((640, 100, head, ". Fuer"),
                                           (626.4, 102, "", "< e ist dann die Summe groesser")):
            canvas.setFont("Times-Roman", 11)
            canvas.drawString(x, baseline, before)
            x += canvas.stringWidth(before, "Times-Roman", 11) + (3 if before else 0)
            canvas.setFont("Times-Roman", 8)
            canvas.drawString(x + 2.5, baseline + 4.2, "o")
            canvas.drawString(x, baseline - 4.3, "2")
            canvas.setFont("Times-Roman", 6)  # 2 to the n: the exponent near the baseline
            canvas.drawString(x + 4.2, baseline - 1.6, "n")
            canvas.setLineWidth(0.4)
            canvas.line(x, baseline + 2.7, x + 7.3, baseline + 2.7)
            canvas.setFont("Times-Roman", 11)
            canvas.drawString(x + 11, baseline, after)
        _paragraph(canvas, 600, rows=3)

    text = " ".join(_texts(_typeset(tmp_path, page)))
    assert "Dann gibt es" in text, text
    assert "x < o2n . Fuer o2n < e ist dann" in text, text


def test_a_small_fractions_digits_at_one_x_in_a_case_row_read_numerator_first(tmp_path):
    """A small fraction's numerator and denominator of one width at the same x (``1/2`` in a
    case's condition) differ in x0 by rounding alone. The case rows are read in their
    formula's line, whose baseline is the middle row's: both digits stand raised there and
    are not read as a stack, so the numerator over the bar must come first by itself (it
    read ``21`` when the denominator's x0 came out a hair less)."""
    first = b"H(t, 2s) falls 0 < s <"
    x = 212 + stringWidth(first.decode(), "Helvetica", 11)
    content = _line(72, 730, b"Sei H eine Homotopie und seien s, t beliebige Punkte.")
    content += _line(72, 716, b"Dann heisst")
    content += _line(130, 700, b"H(t, s) =") + _line(200, 708.2, b"8", b"/F2 11")
    content += _line(210, 708, first) + _line(210, 692, b"H(t, 2s - 1) falls 0 < s < 1")
    content += b"BT /F1 8 Tf %.2f 703.7 Td (2) Tj ET " % x
    content += b"BT /F1 8 Tf %.2f 712.2 Td (1) Tj ET " % (x + 0.02)
    content += b"%.2f 710.7 4.5 0.4 re f " % x
    content += _line(72, 676, b"die zusammengesetzte Homotopie, wie man leicht sieht.")
    text, _ = _extract_text(tmp_path, _pdf_with_big_operator(content, to_unicode=_brace_cmap()))
    assert "falls 0 < s < 12" in text, text

