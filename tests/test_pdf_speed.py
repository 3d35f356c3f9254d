"""The PDF layout's speed paths (#15): work skipped where its answer is known, with the same
answers. Each test counts the work a case needs; the extraction of every bench PDF is
compared byte for byte before and after such a change."""

import ctypes
import io
from collections import Counter
from functools import partial

from hypothesis import given
from hypothesis import strategies as st
from pypdfium2 import raw
from reportlab.pdfgen.canvas import Canvas

from pipeline.extract.pdf import (
    classify,
    columns,
    formulas,
    line_numbers,
    lines,
    order,
    pdfium,
)
from pipeline.extract.pdf.chars import Char, mode_size
from pipeline.extract.pdf.lines import Line
from pipeline.extract.pdf.order import LayoutBlock


def _word(text: str, x: float, baseline: float, size: float) -> list[Char]:
    """One glyph per letter, each 0.5 em wide, touching the next."""
    return [(t, x + i * 0.5 * size, x + (i + 1) * 0.5 * size, baseline - 0.75 * size,
             baseline + 0.25 * size, baseline, size, "Times-Roman", True)
            for i, t in enumerate(text)]


def _counting(monkeypatch, module, name: str) -> Counter[str]:
    calls: Counter[str] = Counter()
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls[name] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


@given(st.lists(st.tuples(st.sampled_from([" ", "a", "b"]),
                          st.sampled_from([6.0, 6.04, 6.06, 8.0, 9.96, 10.0, 10.02, 11.5, 12.0,
                                           7.0, 7.25, 14.0, 5.5])), max_size=40))
def test_the_mode_size_is_the_most_common_rounded_size_first_seen_on_ties(glyphs):
    chars = [(t, 0.0, 0.0, 0.0, 0.0, 0.0, s, "", True) for t, s in glyphs]
    sizes = [round(s, 1) for t, s in glyphs if not t.isspace()]
    expected = Counter(sizes).most_common(1)[0][0] if sizes else 1.0
    assert mode_size(chars) == expected


def test_a_small_run_that_joins_no_row_is_searched_for_once(monkeypatch):
    """A run of small print whose first character reaches no row stays where it is, whatever
    its other characters would reach: the others are not searched for."""
    calls = _counting(monkeypatch, lines, "_attach")
    small = _word("abc", 300.0, 100.0, 6.0)  # far right of the line below: no script of it
    body = _word("Hello", 50.0, 103.0, 10.0) + _word("world", 90.0, 103.0, 10.0)
    out = lines.page_lines(small + body, 1)
    assert sorted(line.text for line in out) == ["Hello world", "abc"]
    assert calls["_attach"] == 1


def test_rows_without_a_gap_are_not_measured_for_gutters(monkeypatch):
    calls = _counting(monkeypatch, columns, "mode_size")
    rows = [_word("continuous", 50.0, 100.0 + 12 * i, 10.0) for i in range(5)]
    assert columns.row_gutters(rows) == set()
    assert calls["mode_size"] == 0


def test_segments_without_a_stray_mark_are_left_as_they_are(monkeypatch):
    """Only a segment of one to three visible characters can be a stray mark: a page without
    one needs no segment's box."""
    calls = _counting(monkeypatch, lines, "_top")
    segments = [_word("Paragraph", 50.0, 100.0 + 12 * i, 10.0) for i in range(4)]
    assert lines._attach_stray_marks(segments) == segments
    assert calls["_top"] == 0


def _counting_property(monkeypatch, cls, name: str) -> Counter[str]:
    calls: Counter[str] = Counter()
    real = getattr(cls, name)

    def counted(self):
        calls[name] += 1
        return real.fget(self)

    monkeypatch.setattr(cls, name, property(counted))
    return calls


def _blocks(count: int) -> list[LayoutBlock]:
    """One block a row, each of one line."""
    return [LayoutBlock([Line(1, 50.0, 100.0 + 14 * i, 300.0, 110.0 + 14 * i, f"Row {i}", 10.0,
                              0.0, False)]) for i in range(count)]


def test_the_text_a_heading_heads_is_found_measuring_the_heading_once(monkeypatch):
    """The heading's edges are passes over its lines: measured once, not once per block."""
    blocks = _blocks(30)
    calls = _counting_property(monkeypatch, LayoutBlock, "bottom")
    assert classify._headed(blocks[0], blocks) is blocks[1]
    assert calls["bottom"] == 1


def test_a_blocks_edges_are_measured_once_while_its_lines_stay():
    """The reading order, the classifier and the furniture finder ask a block for its edges
    many times over: measured once (four passes over its lines), again when lines are
    appended or the list is replaced."""
    block = _blocks(3)[0]
    assert block.bbox == (50.0, 100.0, 300.0, 110.0)
    assert block._box is not None and block.bbox is block._box[2]  # kept, not measured again
    block.lines.append(Line(1, 40.0, 114.0, 200.0, 124.0, "More", 10.0, 0.0, False))
    assert (block.x0, block.x1, block.bottom) == (40.0, 300.0, 124.0)
    block.lines = block.lines[1:]
    assert block.bbox == (40.0, 114.0, 200.0, 124.0)
    assert order._vertical_cut([block, *_blocks(3)[1:]]) == [[block, *_blocks(3)[1:]]]


def test_text_objects_set_alike_share_one_look():
    """A book's 31,375 text objects are set 219 ways: the sizes and the font's facts are
    worked out once per font, matrix and size, and text objects set alike get that one
    record, whose decoded codes they share."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(400, 400))
    for i, font in enumerate(["Helvetica", "Helvetica", "Times-Roman", "Helvetica"]):
        canvas.setFont(font, 10)
        canvas.drawString(40, 360 - 20 * i, f"Line {i}")  # a text object each
    canvas.save()
    document = pdfium.PdfiumDocument(buffer.getvalue())
    page = raw.FPDF_LoadPage(document._doc.raw, 0)
    text_page = raw.FPDFText_LoadPage(page)
    try:
        address = ctypes.cast(text_page, ctypes.c_void_p).value or 0
        faces: dict = {}
        looks: dict = {}
        texts: dict = {}
        found = []
        records = pdfium._api_records(address, raw.FPDFText_CountChars(text_page))
        for k, (*_, scale, address_of_obj) in enumerate(records):
            if address_of_obj and address_of_obj not in [o for o, _ in found]:
                found.append((address_of_obj, document._font(address, k, address_of_obj, scale,
                                                              {}, faces, looks, texts)))
    finally:
        raw.FPDFText_ClosePage(text_page)
        raw.FPDF_ClosePage(page)
        document.close()
    assert len(found) == 4
    first, second, times, last = (look for _, look in found)
    assert first is second is last and times is not first
    assert len(looks) == 2 and len(faces) == 2
    # what each character adds or compares is in points already: made once per look
    _, size, upright, hang, drop, slack, *_ = first
    assert upright and hang == 0.0 and drop < 0 and slack == 0.05 * size == 0.5


def test_the_word_space_leaves_the_rows_sorted_for_the_gutters():
    """The word space reads each row left to right, as the gutters do next: the rows are
    sorted once, in place, and the gutters' sort finds them in order."""
    rows = [list(reversed(_word("Hello", 50.0, 100.0, 10.0) + _word("world", 90.0, 100.0, 10.0)))]
    space = columns.word_space(rows)
    assert rows[0] == sorted(rows[0], key=lambda c: c[1])
    assert space == columns.word_space([list(reversed(rows[0]))])


class _ScanCounting(dict):
    """Segments' stack facts that count the passes over them."""

    scans = 0

    def values(self):
        self.scans += 1
        return super().values()


def test_a_small_fraction_looks_for_its_row_only_between_its_two_parts():
    """A form's hundreds of small parts: each pair of parts one over the other looks for the
    row between them among the rows sorted by baseline, not by a pass over every segment."""
    info = _ScanCounting()
    for i in range(40):  # small parts stacked in one column, 3 pt apart, and rows beside
        info[i] = (100.0 + 3 * i, 6.0, 50.0, 60.0, [])
        info[100 + i] = (101.5 + 3 * i, 10.0, 200.0, 300.0, [])
    spans = formulas._fraction_spans(info)
    assert spans  # parts one over the other across a row's baseline are fractions
    assert info.scans <= 2


def test_paths_drawn_in_one_matrix_have_it_composed_once(monkeypatch):
    """A chart's thousands of rectangles share their matrix: it is composed with the page's
    once, not twice per rectangle."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(400, 400))
    for i in range(50):
        canvas.rect(20 + 7 * i, 100, 5, 5 + i, fill=1)
    canvas.save()
    calls = _counting(monkeypatch, pdfium, "_compose")
    document = pdfium.PdfiumDocument(buffer.getvalue())
    try:
        found = document.page_objects(0, 400.0, 0.0, 0.0, lambda forms: lambda *args: None)
    finally:
        document.close()
    assert found is not None and len(found.rects) == 50
    assert calls["_compose"] <= 2


def test_rectangles_read_at_once_are_what_their_segments_give():
    """``_shapes`` reads a figure of four sides closed at its fifth point (a rectangle drawn
    with ``re``, most paths) without splitting it into subpaths: every path gets the kind
    and box that reading its segments one by one gives, a rectangle, a rotated one, a diamond
    closed the same way, an open five-point line and a closed figure of other sizes alike."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(400, 400))
    canvas.rect(20, 30, 100, 50, fill=1)
    canvas.rect(200, 30, 0, 50)  # a rule drawn as a rectangle of no width
    canvas.saveState()
    canvas.rotate(30)
    canvas.rect(150, 100, 60, 20)
    canvas.restoreState()
    for points, closed in (([(50, 200), (80, 230), (50, 260), (20, 230), (50, 200)], True),
                           ([(100, 300), (150, 300), (150, 350), (100, 350), (90, 340)], False),
                           ([(200, 200), (260, 200), (260, 240)], True)):
        path = canvas.beginPath()
        path.moveTo(*points[0])
        for point in points[1:]:
            path.lineTo(*point)
        if closed:
            path.close()
        canvas.drawPath(path)
    canvas.save()
    document = pdfium.PdfiumDocument(buffer.getvalue())
    page = raw.FPDF_LoadPage(document._doc.raw, 0)
    try:
        listed = pdfium._objects(ctypes.cast(page, ctypes.c_void_p).value or 0)
        assert listed is not None
        objects = listed[0]
        flip = (1.0, 0.0, 0.0, -1.0, 0.0, 400.0)
        found = pdfium.PageObjects([], [], [], [], [])
        document._shapes(objects, flip, found)
        expected = pdfium.PageObjects([], [], [], [], [])
        for obj, _, outer in objects:
            m = raw.FS_MATRIX()
            assert pdfium._object_matrix(obj, ctypes.addressof(m))
            to_page = pdfium._compose(pdfium._compose((m.a, m.b, m.c, m.d, m.e, m.f), outer),
                                      flip)
            segments = pdfium._api_points(obj, pdfium._count_segments(obj))
            for shape, points in pdfium._subpaths(segments):
                getattr(expected, shape).append(pdfium._box(points, to_page))
    finally:
        raw.FPDF_ClosePage(page)
        document.close()
    assert len(objects) == 6
    assert (found.rects, found.lines, found.curves) == (expected.rects, expected.lines,
                                                         expected.curves)
    assert len(found.rects) == 3 and len(found.curves) == 3  # rects as pdfminer: unturned


_ALONG = st.floats(0, 60, allow_nan=False).map(lambda v: round(v, 2))


@given(st.lists(st.tuples(st.sampled_from([10.0, 11.5, 12.0, 13.1, 14.0, 17.5, 30.0, 30.004]),
                          _ALONG, _ALONG, st.booleans()), min_size=1, max_size=40))
def test_edges_are_merged_as_pdfplumber_merges_them(drawn):
    # ruled tables merge their edges themselves (tuples, not a dict per edge and move): the
    # edges, their order and their arithmetic must be pdfplumber's own merge_edges'
    from pdfplumber.table import merge_edges

    from pipeline.extract.pdf.tables import _merged, _side

    sides = [_side(position, min(a, b), position, max(a, b) + 0.5) if vertical
             else _side(min(a, b), position, max(a, b) + 0.5, position)
             for position, a, b, vertical in drawn]
    edges = [{"object_type": "rect_edge", "x0": x0, "x1": x1, "top": top, "bottom": bottom,
              "width": width, "height": height, "orientation": kind}
             for kind, x0, x1, top, bottom, width, height in sides]
    theirs = merge_edges(edges, 3, 3, 3, 3)
    for kind in ("v", "h"):
        ours = _merged([side[1:] for side in sides if side[0] == kind], kind)
        assert ours == [e for e in theirs if e["orientation"] == kind]


def test_a_stacked_part_before_its_row_looks_for_its_other_part_near_the_row_only():
    """A fraction opening a display (its numerator before the formula's row, the denominator
    across the row's baseline) is found among the parts within a stacked part's distance of
    the row, not by a pass over every candidate of the page."""
    info = _ScanCounting()
    numerator, row, denominator = (_word("a", 100.0, 95.0, 10.0), _word("= x", 106.0, 100.0, 10.0),
                                   _word("b", 100.0, 105.0, 10.0))
    for i, segment in enumerate((numerator, row, denominator)):
        info[i] = formulas._stack_info(segment)
    for i in range(3, 300):  # a form's other candidates, far down the page
        info[i] = formulas._stack_info(_word("c", 50.0, 200.0 + 3 * i, 10.0))
    order = sorted(info, key=lambda i: info[i][0])
    by_baseline = (order, [info[i][0] for i in order])
    assert formulas._stack_hosts(0, info, by_baseline, [1, 2], set(), []) == (1, None)
    assert info.scans == 0


def test_a_line_without_small_characters_has_no_raised_bottom_worked_out(monkeypatch):
    """Only a character smaller than its line's size can be raised: a line without one needs
    no baseline of its characters' bottoms."""
    calls = _counting(monkeypatch, lines, "_baseline")
    plain = lines._line(_word("Hello", 50.0, 100.0, 10.0), 1)
    assert plain is not None and plain.raised == [] and calls["_baseline"] == 0
    marked = lines._line(_word("Hello", 50.0, 100.0, 10.0) + _word("1", 75.0, 96.0, 6.0), 1)
    assert marked is not None and marked.raised == [(5, "1")] and calls["_baseline"] == 1


def test_rows_without_a_hanging_font_are_not_searched_for_big_delimiters(monkeypatch):
    """A big delimiter comes from TeX's extension font: a row set without it is measured
    as it stands."""
    calls = _counting(monkeypatch, lines, "is_big_delimiter")
    out = lines.page_lines(_word("Hello", 50.0, 100.0, 10.0) + _word("1", 75.0, 96.0, 6.0), 1)
    assert [(line.text, line.raised) for line in out] == [("Hello", [(5, "1")])]
    assert calls["is_big_delimiter"] == 0


def test_a_line_without_a_hanging_font_asks_its_font_once_for_operators(monkeypatch):
    """On a page with big operators, a line of text without one has no limits to move: its
    font is asked once whether it hangs, not each of its characters."""
    calls = _counting(monkeypatch, formulas, "hanging_font")
    line = _word("Hello", 50.0, 100.0, 10.0) + _word("world", 90.0, 100.0, 10.0)
    assert formulas.limits_beside_operators(line) is line
    assert calls["hanging_font"] == 1


def test_the_pdfium_calls_made_per_character_and_path_hold_the_gil():
    """The PDFium calls made for every character, text object and path are called holding
    the GIL (``PYFUNCTYPE``): releasing and taking it back around each call, as
    ``CFUNCTYPE`` does, cost more than many of the calls themselves. The page reads the same
    either way (``test_pdf_pdfium``'s typed calls)."""
    for name in ("_text_object", "_generated", "_map_error", "_origin", "_loose_box",
                 "_font_of", "_char_matrix", "_font_size", "_object_matrix", "_count_segments",
                 "_segment", "_object_type", "_page_object"):
        assert getattr(pdfium, name)._flags_ & ctypes._FUNCFLAG_PYTHONAPI, name


@given(st.lists(st.tuples(st.sampled_from("vh"), st.sampled_from([0, 10, 20, 30.5, 45, 60, 60.5]),
                          st.sampled_from([0, 10, 20, 30.5, 45, 60, 60.5]),
                          st.sampled_from([0, 10, 20, 30.5, 45, 60, 60.5])),
                max_size=16))
def test_cells_are_pdfplumbers_cells(drawn):
    # the ruled tables' cells come from their own search: the cells, and their order, must be
    # pdfplumber's intersections_to_cells' from the same intersections
    from pdfplumber.table import edges_to_intersections, intersections_to_cells

    from pipeline.extract.pdf.tables import _cells

    edges = [{"x0": at, "x1": at, "top": min(a, b), "bottom": max(a, b), "orientation": "v"}
             if kind == "v" else
             {"x0": min(a, b), "x1": max(a, b), "top": at, "bottom": at, "orientation": "h"}
             for kind, at, a, b in drawn if a != b]
    intersections = edges_to_intersections(edges, 3, 3)
    assert _cells(intersections) == intersections_to_cells(intersections)


def test_a_ruled_grid_is_found_without_pdfplumbers_cell_search(monkeypatch):
    """A page's ruled table is found as pdfplumber's finder finds it, without its search for
    cells, which builds sets of edges for every pair of points it tests."""
    import pdfplumber
    import pdfplumber.table

    from pipeline.extract.pdf import tables

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(300, 300))
    for i in range(4):
        canvas.line(50, 50 + 40 * i, 250, 50 + 40 * i)
        canvas.line(50 + 50 * i, 50, 50 + 50 * i, 170)
        canvas.drawString(60 + 50 * i, 60, f"c{i}")
        canvas.drawString(60 + 50 * i, 100, f"d{i}")
    canvas.save()
    with pdfplumber.open(io.BytesIO(buffer.getvalue())) as pdf:
        page = pdf.pages[0]
        settings = {"vertical_strategy": "lines", "horizontal_strategy": "lines",
                    "snap_tolerance": 0, "join_tolerance": 0}
        expected = [table.cells for table in page.find_tables(settings)]
        calls = _counting(monkeypatch, pdfplumber.table, "intersections_to_cells")
        found = [table.cells for table in tables._TableFinder(page, settings).tables]
    assert found == expected and len(found[0]) == 9
    assert calls["intersections_to_cells"] == 0


def test_a_drawings_labels_alone_are_placed_in_the_drawn_order():
    """Only a line within its size of a drawing may be one of its labels (``figure_text``):
    such lines have their place in the order the page drew its glyphs, the others keep 0."""
    label = _word("East", 100.0, 100.0, 10.0)
    axis = _word("North", 100.0, 80.0, 10.0)
    prose = _word("Text", 100.0, 300.0, 10.0)
    out = lines.page_lines(prose + label + axis, 1, drawings=[(90.0, 70.0, 200.0, 110.0)])
    assert [(line.text, line.seq) for line in out] == [("North", 8), ("East", 4), ("Text", 0)]


def test_small_runs_on_a_page_without_a_hanging_font_ask_no_font(monkeypatch):
    """A superscript looks for its row: on a page without a character of TeX's extension font
    no row holds a big delimiter or operator, so no font is asked whether it hangs."""
    calls = _counting(monkeypatch, lines, "any_hanging")
    out = lines.page_lines(_word("Hello", 50.0, 100.0, 10.0) + _word("1", 75.0, 96.0, 6.0), 1)
    assert [(line.text, line.raised) for line in out] == [("Hello", [(5, "1")])]
    assert calls["any_hanging"] == 0


def test_a_line_without_a_stack_of_scripts_is_not_copied():
    """Scripts one over the other are read upper first; a line whose small characters stand
    side by side (a superscript alone) is given back as it is."""
    word = _word("x", 50.0, 100.0, 10.0)
    upper = (*_word("2", 55.0, 96.0, 6.0)[0][:6], 6.0, "Times-Roman", True)
    lower = (*_word("1", 55.0, 102.0, 6.0)[0][:6], 6.0, "Times-Roman", True)
    alone = word + [upper]
    assert lines._stacked_scripts(alone, 9.2, 99.0) is alone
    stacked = lines._stacked_scripts(word + [lower, upper], 9.2, 99.0)
    assert [c[0] for c in stacked] == ["x", "2", "1"]


def test_the_blocks_under_a_heading_are_found_from_their_edges_listed_once(monkeypatch):
    """A page's blocks are each asked for the text they head: the others' edges are listed
    once per page, not asked of every block for each."""
    blocks = _blocks(30)
    edges = [(b.top, b.x0, b.x1) for b in blocks]
    calls = _counting_property(monkeypatch, LayoutBlock, "x0")
    assert classify._headed(blocks[0], blocks, edges) is blocks[1]
    assert calls["x0"] == 1  # the heading's own


class _CountingPattern:
    def __init__(self, pattern):
        self.pattern, self.calls = pattern, 0

    def search(self, text):
        self.calls += 1
        return self.pattern.search(text)


def test_a_page_without_rules_reads_no_line_for_an_underlined_title(monkeypatch):
    """A title is underlined by one of the page's rules: without rules, no line's text is
    read for a title's look."""
    counting = _CountingPattern(classify.SENTENCE_END)
    monkeypatch.setattr(classify, "SENTENCE_END", counting)
    line = Line(1, 50.0, 100.0, 120.0, 110.0, "Results", 10.0, 0.0, False)
    assert not classify._underlined_title(line, [])
    assert counting.calls == 0
    assert classify._underlined_title(line, [(50.0, 111.0, 120.0, 111.5)])
    assert counting.calls == 1


def test_a_long_text_is_not_read_letter_by_letter_for_capitals():
    """Capitals mark a short heading: a text longer than one is no such heading, its letters
    uncounted."""
    class Text(str):
        def __iter__(self):
            raise AssertionError("letters read")

    assert not classify._in_capitals(Text("A" * (classify.CAPS_MAX_CHARS + 1)))
    assert classify._in_capitals("INTRODUCTION")



class _Segments(list):
    """A page's segments, counting those read by index."""

    reads = 0

    def __getitem__(self, index):
        _Segments.reads += 1
        return super().__getitem__(index)


def test_a_stray_mark_is_measured_against_the_segments_level_with_it():
    """A note marker a hair off its line joins the text beside it, looked for among the
    segments whose tops lie within the tallest segment's reach of its own, not among all the
    page's; a NaN edge, which has no place in that order, has every segment asked."""
    rows = [_word("Paragraph", 50.0, 100.0 + 12 * i, 10.0) for i in range(200)]
    marker = _word("1", 95.0, 98.0 + 12 * 199, 6.0)  # raised after the last row's word
    for nan_edge, reads in ((False, 1), (True, 200)):
        segments = _Segments([list(row) for row in rows] + [list(marker)])
        if nan_edge:
            segments[150] = [(*c[:3], float("nan"), *c[4:]) for c in segments[150]]
        _Segments.reads = 0
        out = lines._attach_stray_marks(segments)
        assert len(out) == 200 and "".join(c[0] for c in out[199]) == "Paragraph1"
        assert _Segments.reads == reads


def test_numbers_inside_the_text_are_not_read_as_words_for_line_numbers(monkeypatch):
    """Digits flush on an edge with text on both sides of them (a listing's numbers inside
    the measure, a table's column) can be no margin's line numbers, which stand clear of all
    the page's text: the page's words are not built. In the margin they still are, and found."""
    calls = _counting(monkeypatch, line_numbers, "_words")
    prose = [c for row in range(6) for c in _word("text here", 50.0, 100.0 + 12 * row, 10.0)]
    listing = [c for row in range(6)
               for c in _word(str(row + 1), 120.0, 100.0 + 12 * row, 6.0)
               + _word("code", 140.0, 100.0 + 12 * row, 10.0)]
    chars, found = line_numbers.without_line_numbers(prose + listing)
    assert (chars, found, calls["_words"]) == (prose + listing, [], 0)
    margin = [c for row in range(6) for c in _word(str(row + 1), 20.0, 100.0 + 12 * row, 6.0)]
    chars, found = line_numbers.without_line_numbers(margin + prose)
    assert chars == prose and [text for text, *_ in found] == ["1", "2", "3", "4", "5", "6"]
    assert calls["_words"] == 1


def test_the_text_under_a_heading_is_looked_for_among_the_blocks_in_reach_below_it():
    """Blocks sorted by top once per page: each block tests only those whose tops lie from
    a point over its bottom to its reach under it, and gets the block it got testing all
    (the nearest top, the first on the page of equal ones; a NaN top: all are tested)."""
    def block(x0: float, top: float, x1: float, size: float = 10.0) -> LayoutBlock:
        return LayoutBlock([Line(1, x0, top, x1, top + size, "Text", size, 0.0, False)])

    blocks = [block(50.0, 100.0, 300.0), block(320.0, 112.0, 500.0), block(50.0, 125.0, 300.0),
              block(60.0, 111.0, 200.0), block(50.0, 111.0, 300.0), block(50.0, 400.0, 300.0),
              block(50.0, 109.5, 300.0, 14.0)]
    for page in (blocks, [*blocks, block(50.0, float("nan"), 300.0)]):
        edges = [(b.top, b.x0, b.x1) for b in page]
        tops = classify._tops_in_order(edges)
        assert (tops is None) == (page is not blocks)
        for b in page:
            assert classify._headed(b, page, edges, tops) is classify._headed(b, page)
    edges = [(b.top, b.x0, b.x1) for b in blocks]
    tops = classify._tops_in_order(edges)
    assert classify._headed(blocks[0], blocks, edges, tops) is blocks[6]  # a point over its foot
    assert classify._headed(blocks[6], blocks, edges, tops) is blocks[2]
    assert classify._headed(blocks[6], blocks[:2] + blocks[3:], edges[:2] + edges[3:],
                            classify._tops_in_order(edges[:2] + edges[3:])) is None


def test_the_pages_are_built_once(monkeypatch, tmp_path):
    """pdfplumber's ``close`` builds its list of pages again to close each; the extraction
    releases the document without it."""
    import pdfplumber.page

    from pipeline.extract.pdf.extractor import extract
    from pipeline.model import ExtractOptions
    from tests.test_extract_pdf import _pdf_capture

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(300, 300))
    for text in ("First page.", "Second page.", "Third page."):
        canvas.drawString(50, 250, text)
        canvas.showPage()
    canvas.save()
    built = _counting(monkeypatch, pdfplumber.page.Page, "__init__")
    capture, data = _pdf_capture(tmp_path, buffer.getvalue(), "pages.pdf")
    extraction = extract(data, capture, ExtractOptions())  # in this process
    assert [b.text for b in extraction.blocks] == ["First page.", "Second page.", "Third page."]
    assert built["__init__"] == 3


def _same_text_on_pages(pages: int) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(300, 300))
    for _ in range(pages):
        canvas.setFont("Helvetica", 10)
        canvas.drawString(40, 250, "Same words")
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(40, 230, "on every page")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _read_pages(data: bytes) -> list:
    """Each page's characters as ``read_pages`` reads them: PDFium's, checked by one
    resource manager for the document."""
    import pdfplumber

    from pipeline.extract.pdf.fonts import EncodingResourceManager
    from pipeline.extract.pdf.pages import _decoder

    found = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pdf.rsrcmgr = fonts = EncodingResourceManager()
        document = pdfium.PdfiumDocument(data)
        try:
            for index, page in enumerate(pdf.pages):
                found.append(document.page_objects(
                    index, float(page.height), float(page.mediabox[0]),
                    float(page.mediabox[1]), partial(_decoder, page, fonts)).chars)
        finally:
            document.close()
    return found


def test_the_fonts_pages_share_are_read_and_decoded_once(monkeypatch):
    """Pages naming the same font objects share what was read of them: each font is looked
    up once, and each of its codes decoded once, whichever page sets it again."""
    from pipeline.extract.pdf import fonts, pages

    looked_up = _counting(monkeypatch, fonts.EncodingResourceManager, "get_font")
    widths = _counting(monkeypatch, pages, "code_width")
    chars = _read_pages(_same_text_on_pages(3))
    assert chars[0] == chars[1] == chars[2]
    assert "".join(c[0] for c in chars[0]) == "Same wordson every page"
    assert looked_up["get_font"] == 2  # Helvetica, Times-Roman
    assert widths["code_width"] == len(set("Same words")) + len(set("on every page"))


def test_a_characters_matrix_is_read_from_its_record(monkeypatch):
    """Once the text page's records are located, reading a page asks PDFium for no
    character's matrix: the record holds it."""
    data = _same_text_on_pages(2)
    _read_pages(data)  # the records' place is found on a first page
    calls = _counting(monkeypatch, pdfium, "_char_matrix")
    assert "".join(c[0] for c in _read_pages(data)[1]) == "Same wordson every page"
    assert calls["_char_matrix"] == 0


def test_a_paths_last_segment_is_not_asked_once_its_points_are_shown_in_one_array(monkeypatch):
    """Each path's first and last segments are checked to stand at its array's ends until
    ``PATHS_CHECKED`` paths have been, then a long path made for the purpose shows PDFium
    keeps a path's points in one array: a call a path fewer, the same points."""
    monkeypatch.setattr(pdfium, "PATHS_CHECKED", 2)
    monkeypatch.setattr(pdfium, "_CONTIGUITY", {"checked": 0, "proven": False})
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(400, 400))
    for i in range(5):
        canvas.rect(40 + 50 * i, 100, 30, 60 + i)
    canvas.showPage()
    canvas.save()
    document = pdfium.pdfium.PdfDocument(buffer.getvalue())
    page = raw.FPDF_LoadPage(document.raw, 0)
    try:
        objects, _, _ = pdfium._objects(ctypes.cast(page, ctypes.c_void_p).value or 0)
        paths = [obj for obj, kind, _ in objects if kind == pdfium.PATH]
        expected = [pdfium._api_points(path, pdfium._count_segments(path)) for path in paths]
        calls = _counting(monkeypatch, pdfium, "_segment")
        asked, found = [], []
        for path in paths:
            before = calls["_segment"]
            found.append(pdfium._raw_points(path, pdfium._count_segments(path)))
            asked.append(calls["_segment"] - before)
    finally:
        raw.FPDF_ClosePage(page)
        document.close()
    assert found == expected
    assert asked == [2, 2 + 2, 1, 1, 1]  # the second path's count adds the long path's check


class _CountedText(str):
    """A glyph's text that counts the times it is asked whether it is a space."""

    asked = 0

    def isspace(self) -> bool:
        _CountedText.asked += 1
        return super().isspace()


def test_a_rows_last_segment_is_listed_for_a_page_number_only_after_a_digit(monkeypatch):
    """A column of page numbers closes rows whose last segment ends in a digit: the last
    segments of rows ending in a letter are not gone through, and a contents' rows are still
    joined to their numbers."""
    monkeypatch.setattr(_CountedText, "asked", 0)
    rows = [[[(_CountedText(t), *c[1:]) for c in _word("a line of prose", 50.0, 100.0 + 12 * i,
                                                       10.0) for t in c[0]]]
            for i in range(6)]
    assert columns.join_numbers(rows) == rows
    assert _CountedText.asked == len(rows)  # each row's last character
    contents = [[_word(f"Chapter{i}", 50.0, 100.0 + 12 * i, 10.0),
                 _word(str(10 + i), 400.0, 100.0 + 12 * i, 10.0)] for i in range(4)]
    assert [len(row) for row in columns.join_numbers(contents)] == [1, 1, 1, 1]


def test_a_row_set_in_proportional_type_is_not_measured_for_typed_word_spaces(monkeypatch):
    """Only a monospaced row's wide gaps can be a typewriter's padded word spaces: a row whose
    first two glyphs take different advances is not gone through for its gaps."""
    calls = _counting(monkeypatch, columns, "_monospace_cell")
    row = [("W", 50.0, 60.0, 90.0, 100.0, 98.0, 10.0, "Times-Roman", True),
           *_word("ide gap", 60.0, 98.0, 10.0), *_word("here", 160.0, 98.0, 10.0)]
    assert columns.padded_word_spaces([row], 1.5, columns.row_inks([row])) == {}
    assert calls["_monospace_cell"] == 0
