"""PDF block kinds: one page's blocks in reading order in, each a heading, caption, call-out,
list item, figure or paragraph.

Headings from size, weight and numbering (a bold heading is measured against the text it
heads; a run-in bold phrase is no heading), captions from their opening words, their place by
an image or above a table, or the document's own caption style; the labels inside a drawing
(figures.py) become one figure block.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from pipeline.extract.pdf.figures import region_of
from pipeline.extract.pdf.geometry import Box, centre_in, near, within
from pipeline.extract.pdf.lines import CAPTION, HEADING_SIZE, Line
from pipeline.extract.pdf.order import BUILT_WHOLE, NUMBERED_TITLE, LayoutBlock, centred_title
from pipeline.extract.pdf.pages import PageData
from pipeline.textutil.words import LIST_MARK, NEW_ITEM

CALLOUT_SLACK = 1.0
"""Points a block may stick out of a framed or filled box and still be inside it."""
HEADING_MAX_CHARS = 200
"""Longer blocks are never headings, however they are set."""
HEADING_MAX_LINES = 3
DISPLAY_SIZE = 1.6
"""A block set this many times the body size is display type: a title wrapped over up to
``DISPLAY_MAX_LINES`` lines (and twice ``HEADING_MAX_CHARS``) is still a heading, since prose is
never set that large."""
DISPLAY_MAX_LINES = 6
WRAPPED_HEADING_CHARS = 100
"""A block set larger than the body and bold throughout, at most this long, may wrap over
``DISPLAY_MAX_LINES`` too: a narrow column breaks a heading of a dozen words into four lines."""
HEADED_GAP_EM = 3.0
"""A heading stands at most this many of its ems above the text it heads."""
FIGURE_LABEL_WORDS = 6
"""A line of a drawing's labels has at most this many words..."""
FIGURE_PROSE_SHARE = 0.2
"""...and a region where more of its lines are longer holds prose, not labels."""
CAPTION_LEADING = 0.6
"""A caption's next line starts at most this many of its ems under the line before..."""
CAPTION_SIZE_SLACK = 0.5
"""...set in its size to this many points."""
BAND_EM = 2.0
"""A drawing at most this many ems of its text tall is a band behind a line (``Abstract`` on
its bar), not a figure: a chart or a diagram is taller than one line of its labels."""
PICTURE_MAX_SHARE = 0.5
"""Lines on an image covering at most this share of the page label it; a page-wide image is
a background (a cover's title is set on its photograph), and so is one as wide as the page
(``BACKGROUND_WIDTH``), a strip of a background drawn in several..."""
BACKGROUND_WIDTH = 0.9
"""An image spanning this share of the page's width or more is a background's strip."""
PICTURE_MIN_EM = 5.0
"""...and so is an image less than this many of the line's ems tall (a heading's coloured bar,
a logo)..."""
PICTURE_MIN_LABELS = 2
"""...or one that holds fewer separate lines than this (a heading on its banner): a picture's
labels come several."""
FIGURE_GAP = 15.0
"""Points a picture's caption stands at most from it."""
SCAN_SHARE = 0.9
"""An image covering this share of the page makes it a scan..."""
SCAN_CAPTION_SIZE = 0.9
"""...where a caption is set at most this share of the body size..."""
PICTURE_GAP_LINES = 5.0
"""...beside a hole in the text at least this many body lines tall: the picture."""
RULE_UNDER_EM = 1.5
"""A table's title stands at most this many of its ems above its header rule, and the rule
as far above the first row of cells."""
ROW_TOLERANCE = 2.0
"""Points: cells whose tops are this close start one row."""
HEADER_ROW_EM = 3.0
"""A table's title without a rule stands at most this many of its ems above its header row..."""
HEADER_CELLS = 3
"""...a row of at least this many cells side by side (a cell: a short line or a stack of them)..."""
HEADER_CELL_WORDS = 4
"""...each at most this many words (a column's heading, not a line of prose)."""
TABLE_TITLE_MAX_CHARS = 150
"""A table's title (a short line or two right above it) is at most this long."""
SMALLER_HEADING = 0.95
"""A bold block must be at least this share of the body size to be a heading..."""
HEADING_BOLD_SHARE = 0.9
"""...and this share of each line's letters bold (``Tax benefits. The following`` is a
paragraph that opens with a run-in heading)."""
CAPS_MIN_LETTERS = 4
"""A heading in capitals at the body size has at least this many letters (``NOTE`` is one;
``US`` or ``EU`` alone are abbreviations)..."""
CAPS_MAX_CHARS = 80
"""...at most this many characters: a longer line in capitals is text set that way..."""
CAPS_LETTER_SHARE = 0.7
"""...and letters make this share of its characters (``⇒ A = (A ∩ B)``, ``SGBV, (74), 48%``
are a formula and a chart's label)."""
FACE_HEADING_SIZE = 0.9
"""A heading told by its face alone is set at least this share of the size of the text it
heads (a step down the type scale, 9 on 10, at most)..."""
FACE_HEADING_MIN_RUNS = 2
"""...and its face sets at least this many such headings in the document (one short line in
another face may be anything: a signature, a label)."""
SENTENCE_END = re.compile(r"[.!?:;…\"”’)\]]\s*$")
_SUBCAPTION = re.compile(r"^\([a-z]\)\s*[^\W\d_]")
"""A subfigure's caption: its letter in parentheses, then words (``(a) Fall 1``)."""
_HEADING_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+\S")
_SECTION_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.)\s+\S")
BOLD_AFTER = 0.5
"""A block whose first line has less than this share of bold letters is not set bold."""
SMALL_CAPS = 0.7
"""A numbered line in capitals set at least this share of its text's size is a heading in
small capitals (their letters are set about 0.7-0.8 of the size, only the initials full)."""
CAPTION_LABEL = re.compile(r"^(?i:Figure|Fig\.|Table|Exhibit|Chart|Map|Graph|Photo|Plate|Box|"
                           r"Abbildung|Tabelle|Tableau|Tabla|Figura|Tabela|Cuadro|Quadro|Grafico|"
                           r"Gráfico|Figuur|Tabel)\s*(?:[A-Z]{1,3}[-.–]?(?=[0-9]))?[0-9IVX]+"
                           r"[0-9.\-–]*[a-z]?[:.]?$")
"""A caption's label alone on its line (``Figure 3``, ``TABLE IV``, ``Exhibit A-2:``)."""
LABEL_TAB_EM = 4.0
"""A caption's title starts at most this many ems right of its label on the label's row..."""
LABEL_ROW_SLACK = 0.3
"""...its top within this share of the label's size of the label's."""
UNDERLINE_EM = 0.5
"""An underline lies under its line's baseline, at most this many of its ems below the line's
box, and starts and ends within this many ems of its text's ends..."""
UNDERLINE_OVERRUN_EM = 2.0
"""...running on at most this many ems past them in all (a rule under a table's head row or
between paragraphs runs across the column)."""
_NUMBERED_LABEL = re.compile(r"^[A-Z][a-z]{2,}\s+[0-9]+(?:[-.–][0-9]+)*[a-z]?[:.]?\s+[A-Z]")


def figure_text(page: PageData) -> tuple[list[Line], list[LayoutBlock]]:
    """The page's lines outside drawings, and one figure block per drawing: its labels are the
    short lines in it or just outside it (tick labels). A drawing holding prose (a framed box
    of text) is no figure, and prose beside a drawing stays text."""
    if not page.figures:
        return page.lines, []
    inside: dict[int, list[Line]] = {}
    prose: dict[int, int] = {}
    text = []
    captions = _caption_lines(page.lines)
    ends = _paragraph_ends(page.lines, page.figures)
    for line in page.lines:
        region = region_of(line.bbox, page.figures, reach=line.size)
        # a subfigure's caption under its drawing, ``(b) Fall 2``, is read after it as text,
        # not among its labels (nor is it prose that makes the drawing a framed text); so is
        # a short caption set close over or under its drawing (``Figure 3. Trends``)
        caption = id(line) in captions
        if (region is None or caption or len(line.text.split()) > FIGURE_LABEL_WORDS
                or _past_the_edge(line, page.figures[region]) or id(line) in ends):
            text.append(line)
            if (not caption and region is not None
                    and region_of(line.bbox, [page.figures[region]]) is not None):
                prose[region] = prose.get(region, 0) + 1
        else:
            inside.setdefault(region, []).append(line)
    figures = []
    for region, lines in inside.items():
        box = page.figures[region]
        if (prose.get(region, 0) > FIGURE_PROSE_SHARE * (len(lines) + prose.get(region, 0))
                or box[3] - box[1] <= BAND_EM * max(l.size for l in lines)):
            text.extend(lines)  # prose in a frame, or a line on a band (a heading's bar)
            continue
        # a drawing's labels have no rows to read by: read top to bottom, a chart's y-axis
        # ticks interleave with its points' labels; the order they were drawn in keeps each
        # axis, legend and node together
        lines.sort(key=lambda l: l.seq)
        joined = " ".join(l.text for l in lines if l.text)
        x0, top = min(l.x0 for l in lines), min(l.top for l in lines)
        x1, bottom = max(l.x1 for l in lines), max(l.bottom for l in lines)
        label = Line(page.number, x0, top, x1, bottom, joined, lines[0].size, 0.0, False)
        figures.append(LayoutBlock([label], kind="figure"))
    text.sort(key=lambda l: (round(l.top), l.x0))
    return text, figures


def _past_the_edge(line: Line, region: Box) -> bool:
    """Whether ``line`` runs across the drawing's left or right edge, an em of it or more on
    either side, with its middle outside: a drawing's labels stand inside it or just outside
    its edge, while text set beside a drawing whose box reaches under it (a timeline's
    strokes) starts inside and runs on past it."""
    middle = (line.x0 + line.x1) / 2
    if region[0] <= middle <= region[2]:
        return False
    return any(line.x0 + line.size <= edge <= line.x1 - line.size for edge in region[::2])


def _paragraph_ends(lines: list[Line], regions: list[Box]) -> set[int]:
    """The ids of the lines that end a paragraph running past a drawing's edge
    (``_past_the_edge``): each stands under such a line, or under another such end, at its
    left edge, size and leading (``research.`` under ``conducting efficient, open, and
    reproducible``), so it is that paragraph's, not a label, though short and inside the box."""
    ends: set[int] = set()
    by_top = sorted(lines, key=lambda l: l.top)
    for k, line in enumerate(by_top):
        for above in reversed(by_top[:k]):
            if line.top - above.top > 2 * line.size:
                break
            if (above.top < line.top and abs(above.x0 - line.x0) <= 1.0
                    and abs(above.size - line.size) <= 0.1):
                if id(above) in ends or any(_past_the_edge(above, region) for region in regions
                                            if near(above.bbox, region, above.size)):
                    ends.add(id(line))
                break
    return ends


def _caption_lines(lines: list[Line]) -> set[int]:
    """The ids of the lines of captions: those opening with a caption's or a subfigure's label
    (a drawing's own labels never do), and the lines under each at its size and leading,
    starting within an em of it (``distance to a clinic`` wrapped under ``Figure 3: Share of
    households by``)."""
    captions: list[Line] = []
    for line in sorted(lines, key=lambda l: l.top):
        if (_SUBCAPTION.match(line.text) or CAPTION.match(line.text)
                or any(abs(line.size - above.size) <= CAPTION_SIZE_SLACK
                       and 0 <= line.top - above.bottom <= CAPTION_LEADING * line.size
                       and abs(line.x0 - above.x0) <= line.size for above in captions)):
            captions.append(line)
    return {id(line) for line in captions}


def headings_by_face(pages: list[list[LayoutBlock]]) -> None:
    """Subheadings set in a face of their own (a sans-serif semibold over a serif body) at
    about the body's size: the short lines that open a block in a face that is not the body's,
    followed by a line in the body's face, become a heading block of their own. Only where the
    document uses that face for nothing else: every line set in it opens its block (italic or
    a code face also sets lines inside paragraphs) and it heads text at least
    ``FACE_HEADING_MIN_RUNS`` times. ``pages``: each page's blocks in reading order."""
    faces: dict[str, int] = {}
    for line in (line for blocks in pages for b in blocks if b.kind not in BUILT_WHOLE
                 for line in b.lines):
        faces[line.face] = faces.get(line.face, 0) + len(line.text)
    body_face = max(faces, key=faces.__getitem__, default="")
    runs: dict[str, list[tuple[list[LayoutBlock], LayoutBlock, int]]] = {}
    inside: set[str] = set()
    for blocks in pages:
        for i, block in enumerate(blocks):
            if block.kind != "paragraph":
                continue
            n = _face_run(block)
            inside.update(line.face for line in block.lines[n:])
            after = (block.lines[n] if n < len(block.lines)
                     else blocks[i + 1].lines[0] if i + 1 < len(blocks) else None)
            if (n and after is not None and after.face != block.lines[0].face
                    and _heads_text(block.lines[:n], after)):
                runs.setdefault(block.lines[0].face, []).append((blocks, block, n))
    for face, found in runs.items():
        if face in inside or face == body_face or len(found) < FACE_HEADING_MIN_RUNS:
            continue
        for blocks, block, n in found:
            index = next(i for i, b in enumerate(blocks) if b is block)
            rest = [LayoutBlock(block.lines[n:])] if n < len(block.lines) else []
            blocks[index:index + 1] = [LayoutBlock(block.lines[:n], kind="heading"), *rest]


def _face_run(block: LayoutBlock) -> int:
    """How many of the block's first lines share the first line's face (0 without one)."""
    face = block.lines[0].face
    if not face:
        return 0
    return next((i for i, line in enumerate(block.lines) if line.face != face),
                len(block.lines))


def _heads_text(lines: list[Line], after: Line) -> bool:
    """Whether ``lines`` may be a heading over the text line ``after``: short, not a sentence
    or a caption, about its size."""
    text = " ".join(line.text for line in lines).strip()
    return (len(lines) <= HEADING_MAX_LINES and 0 < len(text) < 120
            and any(ch.isalpha() for ch in text) and not text.endswith((".", ",", ";", ":"))
            and not CAPTION.match(text) and not _NUMBERED_LABEL.match(text)
            and not LIST_MARK.match(text)
            and all(line.size >= FACE_HEADING_SIZE * after.size for line in lines))


def classify(blocks: list[LayoutBlock], page: PageData, body_size: float) -> None:
    _split_underlined_titles(blocks, page)
    _join_caption_labels(blocks)
    tables = [b.bbox for b in blocks if b.kind == "table"]
    pictures = _labelled_pictures(blocks, page)
    by_top = _by_top(page.lines)
    edges = [(b.top, b.x0, b.x1) for b in blocks]  # for _headed: the loop changes kinds only
    tops = _tops_in_order(edges)
    for i, block in enumerate(blocks):
        if block.kind in BUILT_WHOLE:
            continue
        first = block.lines[0].text
        if (len(block.lines) == 1 and not CAPTION.match(first)
                and any(centre_in(block.bbox, im) and im[3] - im[1] >= PICTURE_MIN_EM * block.size
                        for im in pictures)):
            block.kind = "figure"  # a label set on a picture heads no text
            continue
        after = _headed(block, blocks, edges, tops) or next(
            (b for b in blocks[i + 1:] if b.kind not in BUILT_WHOLE), None)
        if (_titles_rows_under_a_rule(block, blocks, page, body_size)
                or _titles_a_header_row(block, page, body_size, by_top)):
            block.kind = "caption"
        elif len(block.lines) == 1 and CAPTION_LABEL.match(first):
            # a caption's label left alone (``Figure 2`` over a chart framed with its title,
            # too far above it to be joined) names a figure: it heads no section
            block.kind = "caption"
        elif block.size < FACE_HEADING_SIZE * body_size and _titles_table(block, tables):
            # a short line set smaller than the body right over a table is its title, bold or
            # not: no heading is set smaller than any heading may be (``FACE_HEADING_SIZE``)
            block.kind = "caption"
        elif (_is_heading(block, body_size, min(body_size, after.size if after else body_size),
                          after)
              or len(block.lines) == 1 and after is not None
              and (_titles_prose(block.lines[0], after, page)
                   or centred_title(block.lines[0], after.lines[0]))):
            block.kind = "heading"
        # a label alone on its line opens the title under it (``Table ES-1`` / ``Percent …``)
        elif (CAPTION.match(" ".join(line.text for line in block.lines[:2]))
              or _near_figure(block, page, body_size)
              or _titles_table(block, tables) or _by_a_scanned_picture(block, page, body_size)):
            block.kind = "caption"
        elif any(within(block.bbox, box, CALLOUT_SLACK) for box in page.boxes):
            block.kind = "callout"
        elif _opens_item(block):
            block.kind = "list_item"


def _split_underlined_titles(blocks: list[LayoutBlock], page: PageData) -> None:
    """A block's first line underlined across its whole width, a title's words, over prose it
    was stacked with at the text's size and leading, made a block of its own: a word
    processor's heading style sets the heading at the body's size, its bold and italics often
    drawn by the producer rather than named by the font, so the underline is what shows it."""
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if (block.kind not in BUILT_WHOLE and len(block.lines) > 1
                and _titles_prose(block.lines[0], LayoutBlock(block.lines[1:]), page)):
            blocks.insert(i + 1, LayoutBlock(block.lines[1:]))
            block.lines = block.lines[:1]
        i += 1


def _titles_prose(line: Line, after: LayoutBlock, page: PageData) -> bool:
    """Whether ``line`` is an underlined title (``_underlined_title``) alone on its row over
    ``after``, prose whose first line no rule underlines: a table's column heads, underlined
    side by side, head figures; a title wrapped over two lines is underlined on both."""
    return (_underlined_title(line, page.rules) and _prose(after)
            and not any(_underlines(rule, after.lines[0]) for rule in page.rules)
            and not any(other is not line and other.top < line.bottom and other.bottom > line.top
                        for other in page.lines))


def _underlined_title(line: Line, rules: list[Box]) -> bool:
    """Whether ``line`` reads as a title (a capital first, a few words, no sentence's end or
    inner stop, no caption's label) and a rule underlines all of it (``UNDERLINE_*``)."""
    if not rules:  # most pages: nothing to underline a title with
        return False
    text = line.text.strip()
    words = text.split()
    if (not text[:1].isupper() or not 1 <= len(words) <= ITALIC_TITLE_WORDS
            or SENTENCE_END.search(text) or text.endswith(",") or ". " in text
            or sum(ch.isalpha() or ch.isspace() for ch in text) < ITALIC_TITLE_LETTERS * len(text)
            or CAPTION.match(text)):
        return False
    return any(_underlines(rule, line) for rule in rules)


def _underlines(rule: Box, line: Line) -> bool:
    reach = UNDERLINE_EM * line.size
    return (line.bottom - line.size <= rule[1] <= line.bottom + reach
            and abs(rule[0] - line.x0) <= reach and abs(rule[2] - line.x1) <= reach
            and (rule[2] - rule[0]) - (line.x1 - line.x0) <= UNDERLINE_OVERRUN_EM * line.size)


PROSE_WORDS = 4
"""Prose opens with a line of at least this many words, in lower case for the most part."""


def _prose(block: LayoutBlock) -> bool:
    """Whether ``block`` opens with a line of prose (``PROSE_WORDS``)."""
    text = block.lines[0].text
    return (len(text.split()) >= PROSE_WORDS
            and sum(ch.islower() for ch in text) >= len(text) / 2)


def _join_caption_labels(blocks: list[LayoutBlock]) -> None:
    """A caption's label alone in a block of its own (``Figure 3``, set apart from its title by
    a paragraph's gap) joined in place by the block right under it, its title: the label heads
    no section, and alone it would say nothing of what the figure shows. A title is set no
    larger than its label, but for a label in small capitals (``TABLE 6``): a label in a
    table's small print under it with the text going on at its own size below is alone."""
    i = 0
    while i < len(blocks) - 1:
        block, title = blocks[i], blocks[i + 1]
        if (block.kind not in BUILT_WHOLE and title.kind not in BUILT_WHOLE
                and len(block.lines) == 1 and CAPTION_LABEL.match(block.lines[0].text)
                and (0 <= title.top - block.bottom <= HEADED_GAP_EM * block.size
                     and title.x0 < block.x1 and title.x1 > block.x0
                     or _beside(block, title))
                and len(title.lines) <= HEADING_MAX_LINES
                and (title.size <= block.size + CAPTION_SIZE_SLACK
                     or _in_capitals(block.lines[0].text))):
            block.lines = block.lines + title.lines
            del blocks[i + 1]
        i += 1


def _beside(label: LayoutBlock, title: LayoutBlock) -> bool:
    """Whether ``title`` starts on ``label``'s row a tab or so to its right (``Table 1`` in
    bold, then its title in the text face: a journal's caption style)."""
    return (abs(title.top - label.top) <= LABEL_ROW_SLACK * label.size
            and 0 <= title.x0 - label.x1 <= LABEL_TAB_EM * label.size)


def _opens_item(block: LayoutBlock) -> bool:
    """Whether a list mark opens the block with text after it: a mark alone (a proof's end
    mark ■ on a line of its own) opens no item; a bullet on a line of its own over its text
    does."""
    first = block.lines[0].text
    mark = LIST_MARK.match(first)
    return mark is not None and (len(block.lines) > 1 or bool(first[mark.end():].strip()))


def _tops_in_order(edges: list[tuple[float, float, float]]
                   ) -> tuple[list[int], list[float]] | None:
    """The blocks' indices by their tops (``edges``' first), and those tops in that order;
    None when a top is NaN, which has no place in the order."""
    if any(edge[0] != edge[0] for edge in edges):
        return None
    order = sorted(range(len(edges)), key=lambda i: edges[i][0])
    return order, [edges[i][0] for i in order]


def _headed(block: LayoutBlock, blocks: list[LayoutBlock],
            edges: list[tuple[float, float, float]] | None = None,
            tops: tuple[list[int], list[float]] | None = None) -> LayoutBlock | None:
    """The text right under ``block`` within its width, which a heading heads: in a title
    area set side by side (authors beside ``Abstract``) the reading order may go elsewhere.
    ``edges``: each block's top, x0 and x1, when the caller has them (a page's blocks are
    each asked for the others' edges); ``tops``: ``_tops_in_order(edges)``, and then only
    the blocks whose tops are in reach are tested."""
    # the block's edges once, not per block (each is a pass over its lines); the cheap
    # test on ``top`` first
    bottom, x0, x1 = block.bottom, block.x0, block.x1
    reach = HEADED_GAP_EM * block.size
    if edges is None:
        edges = [(b.top, b.x0, b.x1) for b in blocks]
    indices: Iterable[int] = range(len(blocks))
    if tops is not None:
        # from the first top at ``bottom - 1`` up to the last within reach (a difference
        # grows with the top), tested below as every block is, in the page's order
        order, in_order = tops
        reached = []
        for k in range(bisect_left(in_order, bottom - 1), len(order)):
            if in_order[k] - bottom > reach:
                break
            reached.append(order[k])
        indices = sorted(reached)
    under = [b for b, (top, b_x0, b_x1) in ((blocks[i], edges[i]) for i in indices)
             if b is not block and top >= bottom - 1 and top - bottom <= reach
             and b.kind not in BUILT_WHOLE and b_x0 < x1 and b_x1 > x0]
    return min(under, key=lambda b: b.top, default=None)


def _labelled_pictures(blocks: list[LayoutBlock], page: PageData) -> list[Box]:
    """The page's images that may carry labels (``PICTURE_*``)."""
    area = page.width * page.height
    lines = [line.bbox for b in blocks if b.kind not in BUILT_WHOLE for line in b.lines]
    return [im for im in page.images
            if (im[2] - im[0]) * (im[3] - im[1]) <= PICTURE_MAX_SHARE * area
            and im[2] - im[0] < BACKGROUND_WIDTH * page.width
            and sum(1 for box in lines if centre_in(box, im)) >= PICTURE_MIN_LABELS]


def _is_heading(block: LayoutBlock, body_size: float, text_size: float,
                after: LayoutBlock | None) -> bool:
    """Larger than the body, or bold and about as large as the text it heads (small print,
    such as a regulation's text, has bold headings of its own size), or in capitals over
    prose (``after``, the next block: code and formulas in capitals come in runs)."""
    text = " ".join(l.text for l in block.lines).strip()
    display = block.size >= DISPLAY_SIZE * body_size
    bold = all(l.bold_share >= HEADING_BOLD_SHARE for l in block.lines)
    larger = block.size >= HEADING_SIZE * body_size
    wrapped = larger and bold and len(text) <= WRAPPED_HEADING_CHARS
    if (not text or len(text) > HEADING_MAX_CHARS * (2 if display else 1)
            or len(block.lines) > (DISPLAY_MAX_LINES if display or wrapped
                                   else HEADING_MAX_LINES)
            or not any(ch.isalpha() for ch in text) or text.endswith((",", ";"))
            or text.endswith(".") and not _numbered_bold(text, bold, after)):
        return False
    prose_after = after is not None and any(ch.islower() for ch in after.lines[0].text)
    if (len(block.lines) == 1 and _SECTION_NUMBER.match(text) and _in_capitals(text)
            and block.size >= SMALL_CAPS * text_size and prose_after):
        return True  # ``I. INTRODUCTION`` in small capitals (mostly set at their small size)
    # a section's number marks a heading as its size would, and capitals stand taller than
    # the text's small letters: either may be set a step smaller than the text
    numbered = _HEADING_NUMBER.match(text) is not None
    capitals = not numbered and _in_capitals(text)  # asked once (numbered: at the end only)
    smallest = FACE_HEADING_SIZE if numbered or capitals else SMALLER_HEADING
    if CAPTION.match(text):
        # a caption's label says what the block is, set bold and a step larger than the text
        # (a report's ``Table 1.`` over its table) too; only display type heads a section
        return display
    if _plain_numbered_title(block, after) and block.size >= SMALLER_HEADING * text_size:
        return True
    if block.size < smallest * text_size:
        return larger
    return (larger or bold and (len(text) < 120 or _numbered_bold(text, bold, after))
            or prose_after and (capitals or numbered and _in_capitals(text))
            or _italic_title(block, after))


ITALIC_TITLE_WORDS = 8
"""An italic line of at most this many words, no sentence's end inside it (a run-in label's
``Line 7c, column (2). You must``) and at least ``ITALIC_TITLE_LETTERS`` of it letters and
spaces (no formula), may title the paragraph under it..."""
ITALIC_TITLE_LETTERS = 0.9


def _italic_title(block: LayoutBlock, after: LayoutBlock | None) -> bool:
    """...when it stands alone as a block, in italics throughout, opening with a capital and
    ending in no stop, over a paragraph of two or more lines set upright (``Targeting:
    Specifically Named Individuals``): a subsection's title set at the text's size and
    weight."""
    line = block.lines[0]
    words = line.text.split()
    letters = sum(ch.isalpha() or ch.isspace() for ch in line.text)
    return (len(block.lines) == 1 and line.italic and 2 <= len(words) <= ITALIC_TITLE_WORDS
            and line.text[:1].isupper() and not line.text.rstrip().endswith((".", ":"))
            and ". " not in line.text and letters >= ITALIC_TITLE_LETTERS * len(line.text)
            and after is not None and len(after.lines) >= 2
            and not after.lines[0].italic and abs(after.size - block.size) <= 0.5)


def _plain_numbered_title(block: LayoutBlock, after: LayoutBlock | None) -> bool:
    """One line of a section's number and a title of words (``3.2 Data collection``) over a
    paragraph of prose that opens with no number of its own: a heading, though set at the
    body's size and weight (a list's short numbered items are followed by the next item)."""
    text = block.lines[0].text.strip()
    return (len(block.lines) == 1 and NUMBERED_TITLE.match(text) is not None
            and after is not None and len(after.lines) >= 2
            and any(ch.islower() for ch in after.lines[0].text)
            and not NEW_ITEM.match(after.lines[0].text)
            and not NUMBERED_TITLE.match(after.lines[0].text))


def _numbered_bold(text: str, bold: bool, after: LayoutBlock | None) -> bool:
    """A section's number opening a block set bold throughout, over text that is not bold: a
    heading, though it ends in a full stop as a sentence does (``1. Estimation of current
    exposure on a nationwide basis.``); bold items of a list are followed by more of them."""
    return (bold and _HEADING_NUMBER.match(text) is not None and after is not None
            and after.lines[0].bold_share < BOLD_AFTER)


def _in_capitals(text: str) -> bool:
    """Set in capitals throughout (``INTRODUCTION``, ``TITLE I: WIPO TREATY``): at the body's
    size and weight, capitals are what marks a heading."""
    if len(text) > CAPS_MAX_CHARS:  # most texts: their letters go uncounted
        return False
    letters = [ch for ch in text if ch.isalpha()]
    ink = sum(1 for ch in text if not ch.isspace())
    return (len(letters) >= CAPS_MIN_LETTERS and len(letters) >= CAPS_LETTER_SHARE * ink
            and all(ch.isupper() for ch in letters))


def _titles_table(block: LayoutBlock, tables: list[tuple[float, float, float, float]]) -> bool:
    """A short line or two right above a table, within its width: the table's title."""
    text = " ".join(l.text for l in block.lines)
    if len(block.lines) > 2 or len(text) > TABLE_TITLE_MAX_CHARS or SENTENCE_END.search(text):
        return False
    return any(0 <= t[1] - block.bottom <= 2 * block.size and block.x0 >= t[0] - block.size
               and block.x1 <= t[2] + block.size for t in tables)


def _titles_rows_under_a_rule(block: LayoutBlock, blocks: list[LayoutBlock], page: PageData,
                              body_size: float) -> bool:
    """A short line or two over a rule as wide as it, with two or more blocks side by side
    right under the rule: the title of a table the table finder did not take (its header
    rule the only rule, or its grid open), ``Inflation-Adjusted Amounts for ...`` over its
    ``IF you ...`` / ``THEN ...`` columns. A heading over a rule heads prose, one block, and
    a title set larger than the text is the document's or a section's (a manual's cover
    title over the rule of its letterhead)."""
    text = " ".join(l.text for l in block.lines)
    if (len(block.lines) > 2 or len(text) > TABLE_TITLE_MAX_CHARS or not page.rules
            or block.size >= HEADING_SIZE * body_size):
        return False
    x0, _, x1, bottom = block.bbox
    near = [r for r in page.rules if abs(r[3] - r[1]) < 1
            and 0 <= r[1] - bottom <= RULE_UNDER_EM * block.size]
    if not near:
        return False
    y = min(r[1] for r in near)
    row = [r for r in near if abs(r[1] - y) < 1]
    left, right = min(r[0] for r in row), max(r[2] for r in row)
    if left > x0 + block.size or right < x1 - block.size:
        return False
    cells = [b for b in blocks if b is not block and b.kind not in BUILT_WHOLE
             and 0 <= b.top - y <= RULE_UNDER_EM * block.size
             and b.x0 >= left - block.size and b.x1 <= right + block.size]
    return any(abs(a.top - b.top) < ROW_TOLERANCE and (a.x1 < b.x0 or b.x1 < a.x0)
               for i, a in enumerate(cells) for b in cells[i + 1:])


def _by_top(lines: list[Line]) -> tuple[list[float], list[int]] | None:
    """The lines' tops in order and the lines' indices in that order, for ``bisect``; None
    when a top is NaN (it has no place in the order)."""
    order = sorted(range(len(lines)), key=lambda i: lines[i].top)
    tops = [lines[i].top for i in order]
    return None if any(top != top for top in tops) else (tops, order)


def _titles_a_header_row(block: LayoutBlock, page: PageData, body_size: float,
                         by_top: tuple[list[float], list[int]] | None = None) -> bool:
    """A short line centred over a row of column headings right under it (``ESTIMATED COSTS``
    over ``Action``, ``Labor cost``, ``Parts cost``, ...): the title of a table without rule or
    grid, whose rows the table finder cannot take. Columns of prose under a heading start
    with long lines, and a title set larger than the text is the document's or a section's.
    ``by_top``: ``_by_top(page.lines)``."""
    text = " ".join(l.text for l in block.lines)
    if (len(block.lines) > 2 or len(text) > TABLE_TITLE_MAX_CHARS
            or block.size >= HEADING_SIZE * body_size):
        return False
    x0, _, x1, bottom = block.bbox
    reach = HEADER_ROW_EM * block.size
    band = page.lines
    if by_top is not None:
        # the lines whose tops lie from the title's bottom to a point past the band's foot,
        # bisected (each short block of a page asked for the band under it was a pass over
        # the page's lines), in the page's order; the band's own test below stays exact
        tops, order = by_top
        band = [page.lines[i] for i in sorted(order[bisect_left(tops, bottom):
                                                    bisect_right(tops, bottom + reach + 1.0)])]
    # a heading cell may wrap over two lines, set to the row's middle or foot: the cells are
    # the stacks of lines in the band under the title, side by side
    cells: list[list[Line]] = []
    for line in sorted((l for l in band if 0 <= l.top - bottom <= reach), key=lambda l: l.x0):
        if cells and line.x0 < max(l.x1 for l in cells[-1]):
            cells[-1].append(line)
        else:
            cells.append([line])
    if (len(cells) < HEADER_CELLS
            or any(len(l.text.split()) > HEADER_CELL_WORDS for cell in cells for l in cell)):
        return False
    left, right = cells[0][0].x0, max(l.x1 for l in cells[-1])
    return left <= x0 and x1 <= right and abs((x0 + x1) - (left + right)) / 2 <= block.size * 4


def captions_by_style(blocks: list[LayoutBlock], body_size: float) -> None:
    """A numbered label (``Example 2-1 Query …``, ``Scheme 3 …``) set in the style of the
    document's own captions is a caption too, when that style is not the body's: the caption
    words a document uses are its own."""
    # captions set like the body say nothing (the body size is to half a point)
    styles = {style for style in (_caption_style(b) for b in blocks
                                  if b.kind == "caption" and CAPTION.match(b.lines[0].text))
              if style[1] or style[2] or abs(style[0] - body_size) >= 0.5}
    if not styles:
        return
    for block in blocks:
        if (block.kind == "paragraph" and len(block.lines) <= HEADING_MAX_LINES
                and _NUMBERED_LABEL.match(block.lines[0].text)
                and _caption_style(block) in styles):
            block.kind = "caption"


def _caption_style(block: LayoutBlock) -> tuple[float, bool, bool]:
    line = block.lines[0]
    return round(line.size, 1), line.italic, line.bold


def heading_levels(blocks: list[LayoutBlock], body_size: float) -> None:
    """Level 1 for the largest heading size, 2 for the next, ...; numbering depth wins."""
    sizes = sorted({round(b.size * 2) / 2 for b in blocks if b.kind == "heading"}, reverse=True)
    for block in blocks:
        if block.kind != "heading":
            continue
        number = _HEADING_NUMBER.match(block.lines[0].text)
        if number and block.size < HEADING_SIZE * 1.6 * body_size:
            block.level = min(number.group(1).count(".") + 1, 6)
        else:
            block.level = min(sizes.index(round(block.size * 2) / 2) + 1, 6)


def _by_a_scanned_picture(block: LayoutBlock, page: PageData, body_size: float) -> bool:
    """On a scan (one image covering the page) a picture is no object of its own, only a
    hole in the text layer: a line or two of small print with text-free space at least
    ``PICTURE_GAP_LINES`` body lines tall above or below it, across its width and inside the
    page's text, is the picture's caption (``The Yankee Lookout.`` under an engraving)."""
    if (len(block.lines) > HEADING_MAX_LINES - 1 or block.size > SCAN_CAPTION_SIZE * body_size
            or not any((im[2] - im[0]) * (im[3] - im[1]) >= SCAN_SHARE * page.width * page.height
                       for im in page.images)):
        return False
    gap = PICTURE_GAP_LINES * body_size
    x0, top, x1, bottom = block.bbox
    across = [l for l in page.lines if l.x0 < x1 and l.x1 > x0 and l not in block.lines]
    above = [l.bottom for l in across if l.bottom <= top]
    below = [l.top for l in across if l.top >= bottom]
    clear_above = bool(above) and top - max(above) >= gap
    clear_below = bool(below) and min(below) - bottom >= gap
    # the hole is inside the page's text, not the margin above its first line or under its last
    return (clear_above and any(l.bottom <= top - gap for l in page.lines)
            or clear_below and any(l.top >= bottom + gap for l in page.lines))


def _near_figure(block: LayoutBlock, page: PageData, body_size: float) -> bool:
    """Whether ``block`` is a picture's caption without a label: set smaller than the text
    right over or under it, across its width, or a line or two in italics right under it at
    the text's size (a report's photo caption, ``The new clinic at Juba, opened in May.``)."""
    x0, top, x1, bottom = block.bbox
    across = [im for im in page.images if im[0] < x1 and im[2] > x0]
    if block.size < body_size:
        return any(abs(top - im[3]) < FIGURE_GAP or abs(im[1] - bottom) < FIGURE_GAP
                   for im in across)
    return (len(block.lines) < HEADING_MAX_LINES and all(line.italic for line in block.lines)
            and any(0 <= top - im[3] < FIGURE_GAP for im in across))


