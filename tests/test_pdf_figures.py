"""Drawings (pdf/figures.py): strokes grouped by nearness, the sweep against every pair; bar
charts of filled rectangles, and the rectangles that are no bars."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.pdfgen.canvas import Canvas

from pipeline.capture import read_local
from pipeline.extract import ExtractOptions, extract
from pipeline.extract.pdf.figures import REACH, bar_rows, near_groups

# halves of a point: exact in binary, so a pair's nearness reads the same from either box
_coordinate = st.integers(0, 400).map(lambda v: v / 2)


@st.composite
def _boxes(draw):
    corners = draw(st.lists(st.tuples(_coordinate, _coordinate, _coordinate, _coordinate),
                            max_size=40))
    return [(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)) for x0, y0, x1, y1 in corners]


def _near(a, b) -> bool:
    return (a[0] - REACH <= b[2] and b[0] <= a[2] + REACH
            and a[1] - REACH <= b[3] and b[1] <= a[3] + REACH)


# lists of up to 40 boxes are slow to draw on a loaded machine: no timing is what this tests
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_boxes())
def test_strokes_are_grouped_as_every_pair_of_near_strokes_joins_them(boxes):
    """Groups are the connected sets of near boxes, each in index order, the groups in the
    order of their first box (figure_regions lists drawings in that order)."""
    group = list(range(len(boxes)))  # the smallest index each box is joined to
    changed = True
    while changed:
        changed = False
        for i, a in enumerate(boxes):
            for j, b in enumerate(boxes):
                if _near(a, b) and group[j] > group[i]:
                    group[j], changed = group[i], True
    expected: dict[int, list[int]] = {}
    for i, g in enumerate(group):
        expected.setdefault(g, []).append(i)
    assert near_groups(boxes) == list(expected.values())


def test_a_plots_strokes_join_through_their_neighbours():
    # a row of short strokes two points apart, drawn out of order, and one far away
    boxes = [(float(x), 50.0, x + 1.0, 51.0) for x in (8, 0, 4, 12, 2, 6, 10)]
    assert near_groups(boxes + [(100.0, 100.0, 101.0, 101.0)]) == [[0, 1, 2, 3, 4, 5, 6], [7]]


BODY = ("The survey asked every household how far it lived from the nearest clinic and how often "
        "it could reach one in the rainy season, when most roads are closed for weeks at a time.")


def _extract_page(tmp_path: Path, draw) -> list[tuple[str, str]]:
    """Kind and text of the blocks of one page: body text above and below what ``draw`` adds
    between y 300 and 560."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(612, 792))
    canvas.setFont("Times-Roman", 11)
    for y in (*range(720, 600, -14), *range(250, 130, -14)):
        start = (y * 7) % (len(BODY) - 45)
        canvas.drawString(72, y, BODY[start:start + 45] + " and so on")
    draw(canvas)
    canvas.showPage()
    canvas.save()
    path = tmp_path / "page.pdf"
    path.write_bytes(buffer.getvalue())
    capture, data = read_local(path, "pdf")
    return [(b.kind, b.text) for b in extract(data, capture, ExtractOptions()).blocks]


def test_a_chart_of_filled_bars_alone_is_a_figure(tmp_path):
    """A bar chart drawn with filled rectangles only (no curve, no stroked line): its value
    labels and tick labels are one figure passage, not numbers read as paragraphs and
    call-outs."""
    values = [2, 34, 41, 50, 59, 17, 22, 25, 10]

    def chart(canvas):
        canvas.setFont("Helvetica-Bold", 7)
        for i, value in enumerate(values):
            x = 150 + 36 * i
            canvas.setFillColorRGB(1, 0, 0)
            canvas.rect(x, 400, 14, 2 * value, fill=1, stroke=0)
            canvas.setFillColorRGB(0, 0, 0)
            canvas.drawCentredString(x + 7, 404 + 2 * value, str(value))
            canvas.drawCentredString(x + 7, 390, f"{20 + 5 * i}-{24 + 5 * i}")

    blocks = _extract_page(tmp_path, chart)
    figures = [t for k, t in blocks if k == "figure"]
    assert len(figures) == 1
    assert all(str(v) in figures[0].split() for v in values) and "20-24" in figures[0]
    assert not any(k != "figure" and ("59" in t or "20-24" in t) for k, t in blocks)


def test_shaded_tables_and_tinted_boxes_stay_text(tmp_path):
    """Rectangles that share a base but are no bars: a table's shaded header cells (one
    height, touching), its banded rows (one width), and paragraphs on three tinted boxes side
    by side (one base and width, different heights, but holding prose)."""
    def page(canvas):
        canvas.setFont("Helvetica", 8)
        for i, head in enumerate(("District", "Clinics", "Roads", "Months")):
            canvas.setFillColorRGB(0.8, 0.8, 0.9)
            canvas.rect(72 + 90 * i, 540, 90, 14, fill=1, stroke=0)
            canvas.setFillColorRGB(0, 0, 0)
            canvas.drawString(76 + 90 * i, 544, head)
        for row in range(6):
            if row % 2:
                canvas.setFillColorRGB(0.93, 0.93, 0.93)
                canvas.rect(72, 526 - 14 * row, 360, 14, fill=1, stroke=0)
            canvas.setFillColorRGB(0, 0, 0)
            for i, cell in enumerate((f"North {row}", str(3 + row), str(12 * row), "4")):
                canvas.drawString(76 + 90 * i, 530 - 14 * row, cell)
        canvas.setFont("Times-Roman", 9)
        for i, rows in enumerate((5, 3, 4)):
            x = 72 + 160 * i
            canvas.setFillColorRGB(0.9, 0.95, 0.9)
            canvas.rect(x, 290, 150, 12 * rows + 10, fill=1, stroke=0)
            canvas.setFillColorRGB(0, 0, 0)
            for row in range(rows):
                start = (row * 29 + i * 11) % (len(BODY) - 30)
                canvas.drawString(x + 5, 290 + 12 * (rows - row), BODY[start:start + 30])

    blocks = _extract_page(tmp_path, page)
    assert not [t for k, t in blocks if k == "figure"]
    text = " ".join(t for _, t in blocks)
    assert all(word in text for word in ("District", "Months", "North 3", "36"))


def test_bar_rows_upright_lying_and_touching_but_not_repeated_cells():
    """Bars stand on one base with one thickness and lengths of their own, upright or laid
    on their side, apart or touching (a histogram); a fill and its outline are one bar. A
    table's fills that share a left edge and a height (a header cell above banded rows)
    repeat the table's width, and its borders are rules: no bars."""
    upright = [(10.0 + 20 * i, 90.0 - 10 * i, 24.0 + 20 * i, 100.0) for i in range(4)]
    outlines = [(x0 + 0.1, top, x1, bottom) for x0, top, x1, bottom in upright]
    lying = [(50.0, 200.0 + 12 * i, 60.0 + 15 * i, 208.0 + 12 * i) for i in range(3)]
    histogram = [(300.0 + 8 * i, 93.0 - 7 * i, 308.0 + 8 * i, 100.0) for i in range(5)]
    table = [(72.0, 540.0, 162.0, 554.0)] + [(72.0, 512.0 - 28 * r, 432.0, 526.0 - 28 * r)
                                             for r in range(3)]
    # a table's borders drawn as rectangles 1.5 pt thick: a corner, the top and a shorter
    # rule, all from its left edge
    borders = [(327.8, 319.3, 329.3, 320.8), (327.8, 319.3, 544.7, 320.8),
               (327.8, 423.5, 466.9, 425.0)]
    rows = bar_rows(upright + outlines + lying + histogram + table + borders, 1e6)
    def rounded(row):
        return sorted(tuple(round(v) for v in box) for box in row)

    assert sorted(rounded(row) for row in rows) == sorted(
        rounded(row) for row in (upright, lying, histogram))
