"""PDF blocks and reading order: one page's line segments in, blocks in reading order out.

Segments stack into blocks (same size and weight, overlapping, small leading, no indented or
bulleted new paragraph, no numbered title over it), and blocks are ordered by a column-aware
XY-cut: columns left to right, full-width elements (titles, headings, tables) between the
column runs they separate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.extract.pdf.lines import CAPTION, END_MARKS, Line
from pipeline.textutil.words import NEW_ITEM

LEADING_EM = 0.75
"""A vertical gap between lines larger than this share of the size starts a new block."""
INDENT_EM = 0.8
"""A line indented more than this (em) against its block starts a new paragraph."""
SIZE_TOLERANCE = 0.1
"""Lines whose sizes differ by more than this share belong to different blocks..."""
OCR_SIZE_NOISE = 0.4
"""...unless both are an OCR layer's and differ by at most this share (``_ocr_run_on``)."""
TITLE_SHORT_EM = 4.0
"""A numbered title's line ends at least this many ems short of the line under it."""
NUMBERED_TITLE = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\s+[A-Z][^\W\d_]+(?:[ -][^\W\d_]+)*$")
"""A section's number (no full stop after it, as a list item's has) and a title of words
(``3.2 Data collection``)."""
CENTRED_TITLE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?[^\W\d_]+(?:[ -][^\W\d_]+)*$")
"""A section's number, with its stop or without, and a title of words (``3.5. Enhanced
graphics``), or words alone: a centred title's text (``centred_title``)."""
CENTRE_EM = 1.0
"""A line whose centre is this many ems or fewer from the centre of the line under it is set
centred over it."""
AVERAGE_CHAR_EM = 0.6
"""A generous width of one character in ems."""
ALIGN_PT = 1.0
"""Points: lines whose ends are this close end flush with each other."""
GUTTER_MIN = 6.0
"""Narrowest vertical white strip (points) taken as a column gutter in the XY-cut."""


_LEADER_OR_NUMBER = re.compile(r"(?:\.\s?\.\s?\.|\d)\s*$")
"""A line ending in dot leaders or a number (a contents entry's page, a table's figure)."""
_CLOSED = re.compile(r"[.!?:;)\]]\s*$")
"""A line that ends a sentence or a numbered equation (``(3)``): a caption may open after it."""
_MID_SENTENCE = re.compile(r"(?:\b[a-z]+|\b(?:p|pp|No|no|Nos|Vol|vol|Ch|ch|Sec|sec|Fig|fig|"
                           r"Eq|eq)\.|[,=(])$")
"""A line ending in the middle of a sentence: a lower-case word with no stop after it, an
abbreviation a number follows (``p.``, ``No.``), a comma, or what a number follows (``(n =``
/ ``71) of the incidents``)."""
_FORMULA_COMMA = re.compile(r"[=<>≤≥≈≠∈∑∫].*,\s*$")
"""A formula's line ending in the comma of the sentence it is set in (``E = mc²,``): a caption
opening the next line starts a block as after a full stop."""

BUILT_WHOLE = frozenset({"table", "figure"})
"""Block kinds their finders build whole (a ruled table, a drawing's labels): they are no
headings, notes or paragraphs, and their one line holds the whole text."""


@dataclass(slots=True)
class LayoutBlock:
    """Lines stacked into one block of one page; ``kind`` is decided later."""

    lines: list[Line]
    kind: str = "paragraph"
    level: int | None = None
    _box: tuple[list[Line], int, tuple[float, float, float, float]] | None = field(
        default=None, init=False, repr=False, compare=False)
    """The lines' box, with the list and length it was measured on: the reading order, the
    classifier and the furniture finder ask each block for its edges many times over, and a
    block changes only by lines appended to its list or a new list."""

    @property
    def x0(self) -> float:
        return self.bbox[0]

    @property
    def x1(self) -> float:
        return self.bbox[2]

    @property
    def top(self) -> float:
        return self.lines[0].top

    @property
    def bottom(self) -> float:
        return self.bbox[3]

    @property
    def size(self) -> float:
        return self.lines[0].size

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        lines, box = self.lines, self._box
        if box is None or box[0] is not lines or box[1] != len(lines):
            box = self._box = (lines, len(lines), (
                min([line.x0 for line in lines]), min([line.top for line in lines]),
                max([line.x1 for line in lines]), max([line.bottom for line in lines])))
        return box[2]

    @property
    def page(self) -> int:
        return self.lines[0].page


def page_blocks(lines: list[Line]) -> list[LayoutBlock]:
    """Stack lines into blocks: a line continues the block right above it when it overlaps it
    horizontally, has the same size and weight, and follows at normal leading."""
    blocks: list[LayoutBlock] = []
    for line in lines:
        target = _continued_block(blocks, line)
        if target is None:
            blocks.append(LayoutBlock([line]))
        else:
            target.lines.append(line)
    return blocks


def _continued_block(blocks: list[LayoutBlock], line: Line) -> LayoutBlock | None:
    best, best_gap = None, None
    for block in blocks:
        last = block.lines[-1]
        gap = line.top - last.bottom
        if gap < -0.5 * line.size or gap > LEADING_EM * line.size:
            continue
        closes = _closes(block, line)
        if (line.x0 >= last.x1 or line.x1 <= last.x0) and not closes:
            continue
        if (abs(line.size - last.size) > SIZE_TOLERANCE * max(line.size, last.size)
                and not _ocr_run_on(last, line)):
            continue
        if line.bold != last.bold or not closes and _starts_new_paragraph(block, line):
            continue
        if best_gap is None or gap < best_gap:
            best, best_gap = block, gap
    return best


def _ocr_run_on(last: Line, line: Line) -> bool:
    """Whether ``line`` may run on from ``last`` whatever their sizes: both are lines of an OCR
    layer, where the OCR engine sizes each line from its own height rounded to a point (one
    column's body lines come out 8 to 11 pt), and ``last`` fills the measure as far as
    ``line`` does, so it ends no paragraph and is no heading (a heading stops short of the
    text under it), or ``line`` goes no further and opens in lower case: a paragraph's last
    line (``tion or an excepted position.``), which no heading's text opens with."""
    if not (last.ocr and line.ocr
            and max(last.size, line.size) <= (1 + OCR_SIZE_NOISE) * min(last.size, line.size)):
        return False
    reach = min(last.size, line.size)
    return (abs(last.x1 - line.x1) <= reach
            or line.x1 <= last.x1 + reach and line.text[:1].islower())


def _closes(block: LayoutBlock, line: Line) -> bool:
    """Whether ``line`` is an end mark alone (a proof's ■) set flush right under ``block``:
    it closes the block, beyond its short last line."""
    return (line.text.strip() in END_MARKS and line.x0 > block.x0
            and abs(line.x1 - block.x1) <= line.size)


def _starts_new_paragraph(block: LayoutBlock, line: Line) -> bool:
    if line.lead_label or _numbered_title(block, line):
        return True
    if len(block.lines) == 1 and centred_title(block.lines[0], line):
        return True
    if NEW_ITEM.match(line.text) and not _number_wrapped_to(block, line):
        return True
    if CAPTION.match(line.text) and (_CLOSED.search(block.lines[-1].text)
                                     or _FORMULA_COMMA.search(block.lines[-1].text)):
        return True  # a caption set at the body's size and leading, under an equation
    if len(block.lines) < 2:  # a hanging indent (list item, note) continues its first line
        return False
    if _flush_right(block, line):
        return False
    indent = line.x0 - min(l.x0 for l in block.lines[1:])
    return indent > INDENT_EM * line.size and line.x1 >= block.x1 - line.size


def _flush_right(block: LayoutBlock, line: Line) -> bool:
    """Whether ``block`` and ``line`` under it are set flush right and ragged left: every line
    ends where ``line`` does (within ``ALIGN_PT``) and the block's first line starts left of
    its second (a title set flush right, each line starting further in). Where the lines
    start proves no indent there: a paragraph's first line never starts left of its next. Not
    a table of contents' entries or a table's stub, whose dot leaders and numbers end them
    flush right."""
    first, second = block.lines[0], block.lines[1]
    return (second.x0 - first.x0 > INDENT_EM * line.size
            and all(abs(l.x1 - line.x1) <= ALIGN_PT and _LEADER_OR_NUMBER.search(l.text) is None
                    for l in (*block.lines, line)))


def _number_wrapped_to(block: LayoutBlock, line: Line) -> bool:
    """Whether ``line``, opening with what reads as an enumerator (``2. This Report``, ``11.
    Retrieved``), is a sentence's number wrapped to the next line (``a UF of`` / ``2. ...``,
    a citation's ``p.`` / ``11. ...``): the block opens with no enumerator (a raised note
    label is none), and its last line runs to
    the right edge of the two and ends mid-sentence (a word in lower case, or an abbreviation
    a number follows)."""
    first, last = block.lines[0], block.lines[-1]
    return (not NEW_ITEM.match(first.text)
            and max(block.x1, line.x1) - last.x1 <= line.size
            and _MID_SENTENCE.search(last.text) is not None)


def _numbered_title(block: LayoutBlock, line: Line) -> bool:
    """Whether ``block`` is one line holding a section's number and a title of words, ending
    short of ``line`` under it by more than that line's first word (ragged text breaks only
    where the next word does not fit), which starts where it does: a heading set at the body's
    size and weight, which the paragraph under it does not continue; nor does a numbered
    title under it."""
    title = block.lines[0]
    if len(block.lines) > 1 or NUMBERED_TITLE.match(title.text.strip()) is None:
        return False
    if NUMBERED_TITLE.match(line.text.strip()):
        return True  # a subsection's number and title under its section's (``2.1`` / ``2.1.1``)
    word = line.text.split(maxsplit=1)[0] if line.text.strip() else ""
    return (abs(line.x0 - title.x0) <= 2 * INDENT_EM * line.size
            and line.x1 - title.x1 > max(TITLE_SHORT_EM, (len(word) + 1) * AVERAGE_CHAR_EM)
            * line.size)


def centred_title(title: Line, line: Line) -> bool:
    """Whether ``title``, a section's number and words or words in capitals alone, stands
    centred over ``line``, a line of prose, short of both its ends by ``TITLE_SHORT_EM`` ems: a
    heading set at the body's size and in its face (the AAS Journals' ``1. INTRODUCTION`` and
    ``3.5. Enhanced graphics``), which the paragraph under it does not continue. A display
    formula is centred too, but its symbols are no title's words; a paragraph's last line is
    set flush left."""
    text = title.text.strip()
    if CENTRED_TITLE.match(text) is None or not (text[0].isdigit() or text.isupper()):
        return False
    margin = TITLE_SHORT_EM * line.size
    return (title.x0 - line.x0 >= margin and line.x1 - title.x1 >= margin
            and abs(title.x0 + title.x1 - line.x0 - line.x1) / 2 <= CENTRE_EM * line.size
            and any(ch.islower() for ch in line.text))


Rule = tuple[float, float, float, float]
"""A horizontal rule's box (x0, top, x1, bottom)."""


def reading_order(blocks: list[LayoutBlock], rules: Sequence[Rule] = ()) -> list[LayoutBlock]:
    """Column-aware XY-cut: split at a vertical gutter when every block in the region allows
    it (columns, left to right) and no rule drawn across the gutter between the region's
    blocks says the text above and below it are apart (a full-width heading's bar);
    otherwise cut into horizontal bands, merging neighbouring bands while they still share a
    gutter so a column run is read column by column."""
    if len(blocks) <= 1:
        return list(blocks)
    columns = _vertical_cut(blocks, rules)
    if len(columns) > 1:
        sections = _side_head_sections(columns)
        if sections is not None:
            return [b for heads, body in sections for b in heads + reading_order(body, rules)]
        return [b for column in columns for b in reading_order(column, rules)]
    bands = _horizontal_cut(blocks)
    if len(bands) == 1:
        return sorted(blocks, key=lambda b: (b.top, b.x0))
    ordered: list[LayoutBlock] = []
    for group in _merge_column_bands(bands, rules):
        ordered.extend(reading_order(group, rules) if len(group) < len(blocks) else
                       sorted(group, key=lambda b: (b.top, b.x0)))
    return ordered


def _vertical_cut(blocks: list[LayoutBlock], rules: Sequence[Rule] = ()
                  ) -> list[list[LayoutBlock]]:
    spans = sorted((b.x0, b.x1) for b in blocks)
    top = min(b.bbox[1] for b in blocks)
    bottom = max(b.bottom for b in blocks)
    across = [r for r in rules if top < r[1] and r[3] < bottom]
    cuts = []
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= GUTTER_MIN and not any(r[0] <= reach and r[2] >= x0 for r in across):
            cuts.append((reach + x0) / 2)
        reach = max(reach, x1)
    if not cuts:
        return [blocks]
    columns: list[list[LayoutBlock]] = [[] for _ in range(len(cuts) + 1)]
    for b in blocks:
        columns[sum(1 for cut in cuts if b.x0 > cut)].append(b)
    return [c for c in columns if c]


SIDE_HEAD_SHARE = 0.5
"""A column of side heads is at most this share of the widest text column's width (the
columns of a page of text are about as wide as each other)..."""


def _side_head_sections(columns: list[list[LayoutBlock]]
                        ) -> list[tuple[list[LayoutBlock], list[LayoutBlock]]] | None:
    """(side head, the text beside and under it) in order, when the leftmost column holds
    side heads: a narrow column of short groups, each level at its top with a block of the
    text beside it (a manual's section number and title in the margin, a list's item
    numbers). Read as a column, every head came before all the text. The text above the
    first head comes first, with no head. None when the column is no side heads."""
    left = sorted(columns[0], key=lambda b: b.top)
    text = [b for column in columns[1:] for b in column]
    left_width = max(b.x1 for b in left) - min(b.x0 for b in left)
    text_width = max(max(b.x1 for b in column) - min(b.x0 for b in column)
                     for column in columns[1:])
    if left_width > SIDE_HEAD_SHARE * text_width:
        return None
    groups: list[list[LayoutBlock]] = [[left[0]]]
    for b in left[1:]:
        if b.top - groups[-1][-1].bottom > LEADING_EM * b.size:
            groups.append([])
        groups[-1].append(b)
    if len(groups) < 2 or any(
            not any(abs(t.top - group[0].top) <= 0.5 * group[0].size for t in text)
            for group in groups):
        return None
    starts = [group[0].top - 0.5 * group[0].size for group in groups] + [float("inf")]
    sections: list[tuple[list[LayoutBlock], list[LayoutBlock]]] = [
        ([], [b for b in text if b.top < starts[0]])]
    sections += [(group, [b for b in text if starts[i] <= b.top < starts[i + 1]])
                 for i, group in enumerate(groups)]
    return [(heads, body) for heads, body in sections if heads or body]


def _horizontal_cut(blocks: list[LayoutBlock]) -> list[list[LayoutBlock]]:
    ordered = sorted(blocks, key=lambda b: b.bbox[1])
    bands: list[list[LayoutBlock]] = [[ordered[0]]]
    reach = ordered[0].bottom
    for b in ordered[1:]:
        if b.bbox[1] >= reach - 0.5:
            bands.append([])
        bands[-1].append(b)
        reach = max(reach, b.bottom)
    return bands


def _merge_column_bands(bands: list[list[LayoutBlock]], rules: Sequence[Rule] = ()
                        ) -> list[list[LayoutBlock]]:
    """Bands joined into column runs: a band joins the run above it when they still share a
    gutter and the run already has text on both sides of it. Two bands that merely sit side
    by side one above the other (a centred caption over a short heading, a display formula
    beside the line under it) are no columns: read as columns, the lower one would come
    first. Nor does a band join that opens the text under the run (``_opens_next``)."""
    groups: list[list[LayoutBlock]] = [bands[0]]
    for i, band in enumerate(bands[1:], 1):
        candidate = groups[-1] + band
        columns = _vertical_cut(candidate, rules)
        if (len(columns) > 1 and _spans_columns(groups[-1], columns)
                and _in_run_columns(band, groups[-1], columns)
                and not _opens_next(groups[-1], band, bands[i + 1:i + 2], rules)):
            groups[-1] = candidate
        else:
            groups.append(band)
    return groups


def _opens_next(run: list[LayoutBlock], band: list[LayoutBlock], after: list[list[LayoutBlock]],
                rules: Sequence[Rule]) -> bool:
    """Whether ``band``, under a column run and on one side of its gutter, heads the band
    after it rather than ending a column: the band after it crosses the run's gutters (text
    across the page) and lies nearer to it than the run does (a section's heading after two
    columns, set close over the full-width text it opens, was read at the foot of the left
    column, before the right one)."""
    if not after:
        return False
    nxt = after[0]
    gap_above = min(b.bbox[1] for b in band) - max(b.bottom for b in run)
    gap_below = min(b.bbox[1] for b in nxt) - max(b.bottom for b in band)
    if gap_below >= gap_above:
        return False
    return not _spans_columns(run, _vertical_cut(run + nxt, rules))  # one column spans none


def _in_run_columns(band: list[LayoutBlock], run: list[LayoutBlock],
                    columns: list[list[LayoutBlock]]) -> bool:
    """Whether ``band`` has text in a column that holds text of ``run``: a band wholly in a
    column of its own beside the run continues none of its columns (a proof's ``Beweis:``
    under a display formula whose pieces stand apart like columns was read beside the
    formula's lower rows, before them)."""
    in_band = {id(b) for b in band}
    in_run = {id(b) for b in run}
    return any(any(id(b) in in_band for b in column) and any(id(b) in in_run for b in column)
               for column in columns)


def _spans_columns(group: list[LayoutBlock], columns: list[list[LayoutBlock]]) -> bool:
    """Whether ``group`` has blocks in two or more of ``columns``."""
    members = {id(b) for b in group}
    return sum(1 for column in columns if any(id(b) in members for b in column)) > 1
