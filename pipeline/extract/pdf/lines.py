"""PDF lines: one page's characters (chars.py records) in, line segments out.

Characters become rows (shared baseline), super- and subscripts and TeX's big operators' limits
join the row they belong to, rows split into segments at column gutters (columns.py), and each
segment becomes a ``Line``: text with word spaces from geometry, ligatures unfolded, raised
small characters kept apart as marker candidates with their offset, so the footnote step can
remove confirmed markers and put the others back. Display formulas, whose parts TeX stacks
off their row's baseline, are read by formulas.py at the steps ``page_lines`` names.
All sizes are in PDF points; thresholds are relative to the font size, so they scale.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import count, groupby, repeat
from operator import itemgetter, sub

from pipeline.extract.pdf.chars import (
    BASELINE,
    BOTTOM,
    BY_BASELINE,
    BY_SIZE,
    BY_X0,
    FONTNAME,
    RAISED_SIZE,
    ROW_BASELINE_EM,
    SAME_BASELINE,
    SIZE,
    TEXT,
    TOP,
    UPRIGHT,
    WORD_GAP_EM,
    X0,
    X1,
    Char,
    is_bad_glyph,
    mode_of_sizes,
    mode_size,
)
from pipeline.extract.pdf.columns import (
    LABEL_PITCH_EM,
    LETTER_GAP_EM,
    join_labels,
    join_numbers,
    join_spaced_lines,
    padded_word_spaces,
    row_gutters,
    row_inks,
    row_segments,
    segment_gap,
    split_sublabels,
    word_space,
)
from pipeline.extract.pdf.formulas import (
    ARROW_PIECES,
    any_hanging,
    hanging_font,
    hanging_fonts,
    hangs,
    is_big_delimiter,
    labelled_braces,
    limits_beside_operators,
    overlap,
    read_braced,
    read_raised_delimiters,
    stack_displays,
    tall_bars,
)
from pipeline.extract.pdf.geometry import Box, centre_in, near

_BY_X1 = itemgetter(X1)
_BY_FONTNAME = itemgetter(FONTNAME)
_BY_TOP: Callable[[Char], float] = itemgetter(TOP)
_BY_BOTTOM: Callable[[Char], float] = itemgetter(BOTTOM)

RAISED_LOOKAHEAD = 8
"""Rows below a raised character searched for the line it belongs to (other columns' rows
may sit in between)."""
SCRIPT_RUN_MAX = 4
"""Longest run of small characters (between spaces) taken for a super- or subscript."""
PHRASE_GAP_EM = 1.0
"""Runs of a row this close (em) are words of one phrase: word spaces, stretched ones too; a
column's gutter is wider. A phrase holding a word longer than ``SCRIPT_RUN_MAX`` letters is
text, none of its short words a script: a form's 12-point instructions set a hair under its
14.5-point heading reach into the heading's line box (``To``, ``the``, ``on`` were read among
the heading's letters), while a column's line start on a row with other columns' text (``If
due``) still joins its line."""
RAISED_EM = 0.15
"""A character smaller than ``RAISED_SIZE`` of its row's size is a superscript candidate when
its bottom is raised at least this share of the row size above the baseline."""
ASCENT_EM = 0.75
"""A line box reaches this share of the size above the baseline..."""
DESCENT_EM = 0.25
"""...and this share below it."""
OCR_SIZE_SNAP = 0.2
"""Share above the commonest size within which an OCR layer's line sizes are noise (a heading
stands further out: the flyer's are a quarter larger than its text)."""
HEADING_SIZE = 1.15
"""A short block set this much larger than the body is a heading."""
BOLD_SHARE = 0.6
"""A line is bold when this share of its characters uses a bold font."""
TITLE_GAP_EM = 1.0
"""A gap wider than this (em) with a change of font and size across it may set a caption
apart from the text before it on its row (``_titles_apart``)..."""
TITLE_SIZE = 0.9
"""...when the smaller side's size is under this share of the larger's."""
CAPTION_FLUSH_PT = 1.0
"""A caption's next line starts this close to its first line's left edge."""
FEW_INK = 3
"""A segment of at most this many visible characters may be a stray mark (a note label or
marker a hair off its line's baseline) that belongs to the text beside it."""
LIGATURE_SPACE_EM = 0.4
"""A space character that begins less than this (em) after a ligature's start is set inside
the ligature's glyph, before its two or three letters (``ﬁ`` about half an em, ``ﬀ`` and ``ﬃ``
wider) can have ended: a text layer's filler (``speciﬁ c``), no word space."""
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
              "\ufb05": "st", "\ufb06": "st", "\u0132": "IJ", "\u0133": "ij"}
_ACCENTS = {"\u02dc": "\u0303", "\u02c6": "\u0302", "\u00a8": "\u0308", "\u00af": "\u0304",
            "\u00b4": "\u0301", "\u0060": "\u0300", "\u02d9": "\u0307", "\u02c7": "\u030c",
            "\u02d8": "\u0306", "\u02da": "\u030a"}
"""Spacing accents (˜ ˆ ¨ ¯ ´ ` ˙ ˇ ˘ ˚) and the combining marks they become over a letter."""
NOTE_MARKS = frozenset("*∗⋆†‡§¶‖")
"""Symbols that label notes (``∗`` and ``⋆`` are TeX's asterisk and star)."""
_SYMBOL_FONT = re.compile(r"wingdings|webdings|dingbats|symbol", re.IGNORECASE)
_BULLETS = frozenset("•●▪■◦○►▶‣⁃∙·❖➢➤✓✔❑◆◇")
END_MARKS = frozenset("■□∎")
"""End-of-proof marks (TeX's ``\\qed``): set after a proof's last words, often flush right."""
_SENTENCE_ENDS = frozenset(".!?)]")
_BOLD = re.compile(r"bold|black|heavy|semibold|demi|[,.-]b$"
                   r"|(?:^|\+)(?:cm|lm|sf|eu)(?:ss|tt)?bx?(?:ti|sl)?\d", re.IGNORECASE)
"""Bold by name (``Arial,Bold``, ``Foo-B``, the ``.B`` that Advent 3B2's renamed fonts carry:
``AdvTTaf7f9f4f.B``), or a TeX font whose short name says so: CMBX12, CMB10, CMSSBX10,
SFBX1200."""
_ITALIC = re.compile(r"italic|oblique|[,.-]i$|(?:^|\+)(?:cm|lm|sf)(?:bx)?(?:ti|sl|mi)\d",
                     re.IGNORECASE)
BODY_TEXT = 2000
"""Characters of text before a reference list's heading enough to tell the body's size."""
_BACK_MATTER = re.compile(
    r"^\s*(?:[0-9IVX]{1,4}\.?\s+)?(?i:references|bibliography|literature cited|works cited|"
    r"reference list|literatur|literaturverzeichnis|références|références bibliographiques|"
    r"bibliographie|referencias|referências|bibliografía|bibliografia|literatuur|"
    r"riferimenti bibliografici)\s*$")
"""A reference list's heading alone on its line, numbered or not."""
CAPTION = re.compile(r"^(?:(?:(?i:Appendix|Supplementary|Supplemental|Extended\s+Data)\s+)?"
                     r"(?i:Figure|Fig\.?|Table|Tab\.|Abbildung|Abb\.|Tabelle|Photo|Chart|Map|"
                     r"Graph|Exhibit|Plate|Box|Illustration|Image|Grafik|Bild|Listing|"
                     r"Tableau|Graphique|Schéma|Encadré|Carte|Tabla|Cuadro|Figura|Gráfico|"
                     r"Gráfica|Mapa|Imagen|Tabela|Quadro|Imagem|Tabella|Grafico|Tabel|Figuur|"
                     r"Afbeelding|Grafiek)\s*"
                     r"(?:[A-Z]{1,3}[-.–]?(?=[0-9]))?[0-9IVX]+[0-9.\-–]*[a-z]?"
                     r"(?:\s*[:.–—|-](?:\s|$)|\s*[:–—|](?=[A-ZÀ-ÖØ-Þ\"“(])"
                     r"|\s+(?=[A-ZÀ-ÖØ-Þ0-9\"“(]))"
                     r"|(?:FIGURE|TABLE|EXHIBIT|CHART|Figure|Table|Exhibit|Chart)\.\s+"
                     r"(?=[A-ZÀ-ÖØ-Þ\"“(])"
                     r"|[表图圖]\s*[0-9]+(?:[.\-–][0-9]+)*\s+(?=[\u4e00-\u9fff]))")
"""The opening of a figure, table or listing caption (``Figure 3-11 Selecting …``,
``Abbildung 1.2:``, ``Tableau 2 :``, ``Figura 1 –``, ``表 1 用地``; an appendix's or a summary's
number has its letters, ``Table ES-1 Percent …``, ``Figure A3.``, or its word,
``Appendix Figure 1.``; ``Fig 2.`` without its stop; a colon or dash right before a capital,
``Figure 4:Clusters``, ``Figure 5—Costs``: a text layer may drop the space, a report sets
none; the one table or figure of an article may go unnumbered, ``TABLE. Inequality …``: no
sentence opens with the word and a stop), not a sentence that cites one (``Figure 3-5 shows
…``)."""


@dataclass(slots=True)
class Line:
    """One line segment of one page: text without its raised marker candidates."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    size: float
    bold_share: float
    """Share of the line's letters set in a bold font (a run-in heading is partly bold)."""
    italic: bool
    raised: list[tuple[int, str]] = field(default_factory=list)
    """Superscript candidates: (offset into ``text``, characters); confirmed ones are markers."""
    lead_label: str = ""
    """Raised characters that opened the line (a footnote label in a note area)."""
    bad_glyphs: int = 0
    chars: int = 0
    face: str = ""
    """The font (subset tag dropped) of the line's first and last glyphs when they share it,
    else empty: the face a line set in one face throughout is set in."""
    seq: int = 0
    """Where the line's first-drawn glyph comes among the page's glyphs in the order the
    content stream draws them (the order a drawing program writes an axis or a legend in)."""
    ocr: bool = False
    """Whether the line is wholly an OCR text layer's (``page_lines``' ``ocr_fonts``)."""

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def bold(self) -> bool:
        return self.bold_share >= BOLD_SHARE


def body_size_of(lines: Iterable[Line]) -> float:
    """The size (to half a point) that sets the most text: the body's. Counted before the
    reference list when one is headed as such after ``BODY_TEXT`` characters: a bibliography in
    small print can outweigh a short paper's text (or a sample of its pages), and taken for the
    body it makes the paper's notes body-size and its text large."""
    sizes: Counter[float] = Counter()
    before: Counter[float] | None = None
    for line in lines:
        if before is None and _BACK_MATTER.match(line.text):
            before = sizes.copy()
        sizes[round(line.size * 2) / 2] += len(line.text)
    if before is not None and before.total() >= BODY_TEXT:
        sizes = before
    return sizes.most_common(1)[0][0] if sizes else 10.0


def page_lines(chars: list[Char], page_number: int,
               exclude: Sequence[tuple[float, float, float, float]] = (),
               heavy: Collection[str] = (), drawings: Sequence[Box] = (),
               bars: Sequence[Box] = (), ocr_fonts: Collection[str] = ()) -> list[Line]:
    """Upright characters outside ``exclude`` boxes (tables) as line segments, top to bottom;
    ``heavy`` names fonts that are bold whatever their names say; ``drawings``: the page's
    drawings (figures.py's regions), whose labels are read in the order they were drawn: a
    line within its size of one has its ``seq`` set (the lines ``classify.figure_text`` may
    take for labels), the others keep 0; ``bars``: the page's thin horizontal strokes, among
    them the fraction bars of its formulas; ``ocr_fonts``: the fonts of the page's OCR text
    layer (objects.py's ``PageObjects.ocr_fonts``), whose lines are marked ``ocr``."""
    kept = [c for c in chars if c[UPRIGHT] and c[TEXT]]
    if ocr_fonts:
        kept = _ocr_word_breaks(_ocr_word_boxes(_snap_ocr_sizes(kept, ocr_fonts), ocr_fonts),
                                ocr_fonts)
    if exclude:
        kept = [c for c in kept if not _in_any(c, exclude)]
    kept = tall_bars(_drop_capitals(kept))
    braces = labelled_braces(kept)
    if braces:  # read with the formula they brace, not as rows of their own
        taken = {id(c) for brace in braces for c in (*brace.pieces, *brace.label)}
        kept = [c for c in kept if id(c) not in taken]
    # TeX's big operators: looked for among the page's fonts once, not per row and line
    operators = any(map(hanging_font, set(map(_BY_FONTNAME, kept))))
    rows = _rows(kept, operators, bars, ocr_fonts)
    gutters: dict[int, set[float]] = {}
    inks = row_inks(rows)
    if bars:
        _numerators_first(rows, bars)
    space = word_space(rows, inks)
    for r, x in row_gutters(rows, space, inks):
        gutters.setdefault(r, set()).add(x)
    split_em = segment_gap(space)
    padded = padded_word_spaces(rows, split_em, inks)
    split = [row_segments(row, gutters.get(index, set()), split_em, padded.get(index, ()))
             for index, row in enumerate(rows)]
    split = _captions_beside(split, space)
    joined = join_spaced_lines(join_numbers(join_labels(split_sublabels(split))), gutters)
    segments = [segment for row in joined for segment in _join_end_marks(_join_bullets(row))]
    drawn: dict[int, int] | None = None  # the drawn order's index, once a label needs it
    lines = []
    segments = stack_displays(_attach_stray_marks(segments), operators, bars)
    if braces:
        segments = read_braced(segments, braces)
    if operators:
        segments = read_raised_delimiters(segments)
    for segment in segments:
        line = _line(segment, page_number, heavy, operators)
        if line is not None:
            if ocr_fonts:
                line.ocr = _all_in(segment, ocr_fonts)
            if drawings and _near_a_drawing(line, drawings):
                if drawn is None:
                    drawn = dict(zip(map(id, kept), count()))
                # spacers have no place in the stream
                line.seq = min(map(drawn.get, map(id, segment), repeat(len(kept))))
            lines.append(line)
    lines.sort(key=lambda l: (round(l.top), l.x0))
    return lines


def _near_a_drawing(line: Line, drawings: Sequence[Box]) -> bool:
    """Whether ``line`` comes within its size of one of ``drawings``, as
    ``figures.region_of(line.bbox, drawings, reach=line.size)`` finds it (figures.py imports
    what imports this module)."""
    box, reach = line.bbox, line.size
    return any(near(box, drawing, reach) for drawing in drawings)


def _numerators_first(rows: list[list[Char]], bars: Sequence[Box]) -> None:
    """Each row (sorted by x) with a fraction's numerator before its denominator where the
    two start at the same x, one over and one under a bar of ``bars`` (``1/2`` in a case's
    condition): their x0 differ by rounding alone. ``_line`` reads a stack upper part first
    only when the line's baseline lies between its parts; a display's case rows read in its
    formula's line both stand above that line's baseline, and the fraction read ``21``."""
    for row in rows:
        for k in range(1, len(row)):
            low, high = row[k - 1], row[k]
            if (high[X0] - low[X0] <= 0.1 and high[BASELINE] < low[BASELINE]
                    and any(bar[0] - 1.0 <= (high[X0] + high[X1]) / 2 <= bar[2] + 1.0
                            and high[BASELINE] < bar[1] < low[TOP] + 0.5 * low[SIZE]
                            for bar in bars)):
                row[k - 1], row[k] = high, low


def _captions_beside(rows: list[list[list[Char]]], space: float) -> list[list[list[Char]]]:
    """The rows' segments with captions set beside the text split off (``_titles_apart``), and
    so the next lines of a caption set beside the text (a segment opening with a caption's
    label): a row under one, read as one segment, splits where a gap wider
    than two word spaces (``space``, ems) ends flush with the caption's left edge at its size
    (an AIAA paper's wrapped figure, ``strate the automated ... varioref`` then ``function of
    applied field.``); the caption ends at the first row that does not."""
    out = []
    caption: Char | None = None  # the first letter of the caption's line on the row above
    for row in rows:
        if caption is not None and len(row) == 1:
            parts = _split_under(row[0], caption, space)
            caption = parts[1][0] if len(parts) == 2 else None
        else:
            parts = [part for segment in row for part in _titles_apart(segment)]
            caption = next((part[0] for part in parts
                            if part[0][TEXT].isupper() and CAPTION.match(_plain_text(part))),
                           None)
        out.append(parts)
    return out


def _split_under(segment: list[Char], caption: Char, space: float) -> list[list[Char]]:
    """``segment`` split before its letter flush under ``caption``'s (``_captions_beside``)."""
    previous: Char | None = None
    for i, c in enumerate(segment):
        if c[TEXT].isspace():
            continue
        if (previous is not None and abs(c[X0] - caption[X0]) <= CAPTION_FLUSH_PT
                and abs(c[SIZE] - caption[SIZE]) <= 0.1
                and c[X0] - previous[X1] > 2 * max(space, WORD_GAP_EM) * c[SIZE]):
            return [segment[:i], segment[i:]]
        previous = c
    return [segment]


def _titles_apart(segment: list[Char]) -> list[list[Char]]:
    """``segment`` split before a caption set beside text on its row: a table's title in the
    margin of a paragraph's first line (``... of 2006 attended`` then ``Table 1: Student
    Enrollment,``). The title is told by the opening ``CAPTION`` matches after a gap wider
    than ``TITLE_GAP_EM`` where font and size change (by ``TITLE_SIZE``) between two letters or
    digits; a justified line's stretched space keeps its words' style, and a sentence citing
    a table names it in the text's own font."""
    fonts = list(map(_BY_FONTNAME, segment))
    if fonts.count(fonts[0]) == len(fonts):  # most segments: set in one font
        return [segment]
    sizes = list(map(BY_SIZE, segment))
    if sizes.count(sizes[0]) == len(sizes) and sizes[0] >= 0:
        return [segment]  # one size (math in a text's italic): no side is smaller
    ink = [i for i, c in enumerate(segment) if not c[TEXT].isspace()]
    for before, after in zip(ink, ink[1:]):
        left, right = segment[before], segment[after]
        # most pairs: one font, or (a formula's) no gap of an em of the left one's size,
        # which the larger size's em only widens
        if (left[FONTNAME] == right[FONTNAME]
                or right[X0] - left[X1] <= TITLE_GAP_EM * left[SIZE]):
            continue
        widest = max(left[SIZE], right[SIZE])
        if (right[X0] - left[X1] > TITLE_GAP_EM * widest
                and min(left[SIZE], right[SIZE]) < TITLE_SIZE * widest
                and left[TEXT].isalnum() and right[TEXT].isalnum()
                and CAPTION.match(_plain_text(segment[after:]))):
            return [segment[:after], segment[after:]]
    return [segment]


def _plain_text(chars: list[Char]) -> str:
    """The characters' text with a space at each gap a word space wide (``LETTER_GAP_EM``)."""
    parts: list[str] = []
    previous: Char | None = None
    for c in chars:
        if c[TEXT].isspace():
            continue
        if previous is not None and c[X0] - previous[X1] > LETTER_GAP_EM * c[SIZE]:
            parts.append(" ")
        parts.append(c[TEXT])
        previous = c
    return "".join(parts)


def _snap_ocr_sizes(chars: list[Char], ocr_fonts: Collection[str]) -> list[Char]:
    """An OCR text layer (in ``ocr_fonts``) sizes each line from its
    own letters, so one typewriter's lines come out 9 to 13 pt: a size at most
    ``OCR_SIZE_SNAP`` above the layer's commonest size on the page is that size, or body lines
    read as headings. (Smaller sizes are kept: small print, a stamp above a memo's title, is
    told by its size.)"""
    ocr = [c for c in chars if c[FONTNAME] in ocr_fonts]
    if not ocr:
        return chars
    common = mode_size(ocr)
    snapped: dict[int, Char] = {
        id(c): (c[TEXT], c[X0], c[X1], c[TOP], c[BOTTOM], c[BASELINE], common, c[FONTNAME],
                c[UPRIGHT])
        for c in ocr if common < c[SIZE] <= (1 + OCR_SIZE_SNAP) * common}
    return [snapped.get(id(c), c) for c in chars] if snapped else chars


OCR_CHAIN_EM = 0.01
"""Ems within which a glyph of an OCR layer starts where the one before it ends: the two are
set by one string, one word."""


def _ocr_word_boxes(chars: list[Char], ocr_fonts: Collection[str]) -> list[Char]:
    """Tesseract sets each word it read, with a space after it, as one string stretched over
    the word's box: the letters end a glyph short of the box's right edge and its space fills
    the rest, so the gaps between letters are a glyph wider than the page's word spaces, and a
    column gutter no wider than the widest of them. Here the letters share the whole box and
    the space stands at its end with no width: the gaps between words are the page's."""
    out = list(chars)
    start, end = 0, len(out)
    while start < end:
        first = out[start]
        if first[TEXT].isspace() or first[FONTNAME] not in ocr_fonts:
            start += 1
            continue
        last = start  # the word: the glyphs set one after another, each where the last ended
        while (last + 1 < end and not out[last + 1][TEXT].isspace()
               and _chained(out[last], out[last + 1])):
            last += 1
        space = last + 1
        if space < end and out[space][TEXT].isspace() and _chained(out[last], out[space]):
            x0, x1 = first[X0], out[space][X1]
            width = (x1 - x0) / (space - start)
            for k in range(start, space):
                out[k] = (out[k][TEXT], x0 + (k - start) * width, x0 + (k - start + 1) * width,
                          *out[k][TOP:])
            out[space] = (out[space][TEXT], x1, x1, *out[space][TOP:])
            last = space
        start = last + 1
    return out


OCR_WORD_GAP_EM = 0.03
"""Ems of a gap between two glyphs of a layer that chains its words' letters that is no
rounding: the gap between two word boxes."""
OCR_CHAINED_SHARE = 0.5
"""Share of an OCR layer's neighbouring letters (drawn one after the other on one baseline)
that chain, at least, for the layer to be one that sets each word's letters end to end."""


def _ocr_word_breaks(chars: list[Char], ocr_fonts: Collection[str]) -> list[Char]:
    """A space after each word of an OCR layer that sets the words it read without one: an
    archive's or a scanner's layer (ABBYY's, Acrobat's) draws each word as a text object of its
    own, its glyphs scaled to fill the word's box, so a word's letters chain (each starts where
    the one before it ends) and the gap to the next word is the scan's word space, which in a
    tight line is narrower than the ``WORD_GAP_EM`` a typeset line's space is
    (``ratherrare``). On a layer whose letters mostly chain, a gap between two of its glyphs
    on one baseline is a word break, however narrow; a layer that places letter by letter (no
    chains) is left to the gaps as measured."""
    pairs = [(k, c) for k, (before, c) in enumerate(zip(chars, chars[1:]), 1)
             if c[FONTNAME] in ocr_fonts and c[BASELINE] == before[BASELINE]
             and c[FONTNAME] == before[FONTNAME]
             and not c[TEXT].isspace() and not before[TEXT].isspace()]
    if not pairs:
        return chars
    gaps = [(k, (c[X0] - chars[k - 1][X1]) / c[SIZE]) for k, c in pairs if c[SIZE] > 0]
    if sum(abs(gap) <= OCR_CHAIN_EM for _, gap in gaps) < OCR_CHAINED_SHARE * len(gaps):
        return chars
    breaks = {k for k, gap in gaps if gap > OCR_WORD_GAP_EM}
    if not breaks:
        return chars
    out: list[Char] = []
    for k, c in enumerate(chars):
        if k in breaks:  # the space ends the word before it, with no width (as Tesseract's)
            before = chars[k - 1]
            out.append((" ", before[X1], before[X1], *before[TOP:]))
        out.append(c)
    return out


def _chained(before: Char, c: Char) -> bool:
    return (c[BASELINE] == before[BASELINE] and c[FONTNAME] == before[FONTNAME]
            and abs(c[X0] - before[X1]) <= OCR_CHAIN_EM * c[SIZE])


DROP_CAP_SIZE = 2.0
"""A letter set at least this many times the page's commonest size may be a drop capital..."""
DROP_CAP_ROWS = 2
"""...when at least this many rows of text start right of it, within its height..."""
DROP_CAP_REACH = 0.5
"""...at most this many of its ems right of it, the first row's top level with its top
(within the text's size)..."""
CAP_HEIGHT_EM = 0.7
"""...its top no lower than its baseline less this many of its ems, a capital's height: the
glyph box hangs from the descent the font declares, and a face that declares most of its em
(Adobe Caslon's bold in a magazine) puts the box's top level with the capital's second row."""


def _drop_capitals(chars: list[Char]) -> list[Char]:
    """``chars`` with each drop capital moved into the first row beside it, right before that
    row's first letter, at that row's size: a paragraph's first letter set two or three lines
    tall sits on the baseline of its last line (``T`` beside ``he division ...``), where it
    would open the wrong line, and its size would make that line a heading."""
    # most pages set no character twice the size of their smallest: then none is twice the
    # commonest size (rounding to 0.1 pt takes that at most 0.05 below a size), and the
    # sizes need no counting (a NaN first leaves both NaN: the counting runs)
    if not chars or (max(chars, key=BY_SIZE)[SIZE]
                     < DROP_CAP_SIZE * (min(chars, key=BY_SIZE)[SIZE] - 0.1)):
        return chars
    common = mode_size(chars)
    caps = [c for c in chars if c[SIZE] >= DROP_CAP_SIZE * common and len(c[TEXT]) == 1
            and c[TEXT].isalpha()]
    if not caps:
        return chars
    moved: dict[int, Char] = {}
    # the text a capital's rows may hold, sorted by x once: each capital bisects for what is
    # within its reach (a manual's page sets dozens of large letters); a NaN x is never within
    text = [c for c in chars if c[SIZE] < HEADING_SIZE * common and not c[TEXT].isspace()
            and c[X0] == c[X0]]
    by_x = sorted(range(len(text)), key=lambda i: text[i][X0])
    xs = [text[i][X0] for i in by_x]
    for cap in caps:
        reach = cap[X1] + DROP_CAP_REACH * cap[SIZE]
        top = min(cap[TOP], cap[BASELINE] - CAP_HEIGHT_EM * cap[SIZE])
        within = sorted(by_x[bisect_left(xs, cap[X1] - 1):bisect_right(xs, reach)])
        beside = [c for c in (text[i] for i in within)
                  if top - common <= c[TOP] and c[BOTTOM] <= cap[BOTTOM] + common]
        baselines = sorted({round(c[BASELINE]) for c in beside})
        rows = [b for i, b in enumerate(baselines) if not i or b - baselines[i - 1] > 1]
        # a row set on a baseline above the capital's top is not beside it: the last line of
        # the paragraph before may reach within an em of the capital
        rows = [row for row in rows if row > top]
        if len(rows) < DROP_CAP_ROWS:
            continue
        first = min((c for c in beside if abs(round(c[BASELINE]) - rows[0]) <= 1),
                    key=BY_X0)
        if abs(first[TOP] - top) > common:
            continue
        width = first[SIZE] * 0.6  # about a capital's width at the row's size
        moved[id(cap)] = (cap[TEXT], first[X0] - width, first[X0], first[TOP], first[BOTTOM],
                          first[BASELINE], first[SIZE], cap[FONTNAME], cap[UPRIGHT])
    return [moved.get(id(c), c) for c in chars] if moved else chars


def _in_any(c: Char, boxes: Sequence[Box]) -> bool:
    """Whether the character's centre lies in one of ``boxes``."""
    if not boxes:
        return False
    box = (c[X0], c[TOP], c[X1], c[BOTTOM])
    return any(centre_in(box, b) for b in boxes)


def _rows(chars: list[Char], operators: bool = True,
          bars: Sequence[Box] = (), ocr_fonts: Collection[str] = ()) -> list[list[Char]]:
    """Group characters by baseline, then attach rows of super- or subscripts to the row they
    touch; ``operators`` False says no character is set in a hanging font; ``bars``: the
    page's fraction bars; ``ocr_fonts``: an OCR layer's fonts (``_attach_small_rows``)."""
    rows: list[list[Char]] = []
    fonts = hanging_fonts(chars) if operators else ()
    hanging = [c for c in chars if c[FONTNAME] in fonts] if fonts else []
    level = [c for c in chars if c[FONTNAME] not in fonts] if hanging else chars
    row: list[Char] = []
    # the character the row's reach is measured from: its baseline, size and whether it is a
    # letter or digit, kept apart
    first_baseline = first_size = 0.0
    first_alnum = False
    # characters on one baseline (most of a row's) are taken together: after the first, each
    # is level with the one before it, so it joins that one's row
    for _, level_run in groupby(sorted(level, key=BY_BASELINE), key=BY_BASELINE):
        run = list(level_run)
        c = run[0]
        if row:
            # measured from the row's first letter or digit (chaining would let rows drift;
            # a symbol raised above its line, the ``~`` of a ``≅``, would move the row's
            # reach up and leave the ``=`` under it a row of its own), or level with the last
            # character (a word must not lose its line to rounding)
            size = c[SIZE] if c[SIZE] < first_size else first_size  # min, inline
            size = size or 1.0
            joins = (c[BASELINE] - first_baseline <= ROW_BASELINE_EM * size
                     or c[BASELINE] - row[-1][BASELINE] <= SAME_BASELINE)
        else:
            joins = False
        if joins:
            row += run
            if c[SIZE] * RAISED_SIZE > first_size and c[TEXT].isalnum():
                # the row opened with small characters raised above its text (the LaTeX
                # logo's ``A`` over a heading's line): its reach is measured from that text,
                # or a letter lowered in it (the logo's ``E``) leaves it
                first_baseline, first_size = c[BASELINE], c[SIZE]
        else:
            row = run
            first_baseline, first_size, first_alnum = c[BASELINE], c[SIZE], c[TEXT].isalnum()
            rows.append(row)
        if not first_alnum:
            for letter in run:
                if letter[TEXT].isalnum():
                    first_baseline, first_size, first_alnum = letter[BASELINE], letter[SIZE], True
                    break
    for c in hanging:  # placed only roughly (HANGING_EM): join the nearest row of full-size text
        _nearest_row(c, rows).append(c)
    return _attach_small_rows(rows, bars, bool(hanging), ocr_fonts)


def _nearest_row(c: Char, rows: list[list[Char]]) -> list[Char]:
    """The row whose largest characters' baseline is nearest ``c``'s, within half its size,
    or a new row of its own (kept in baseline order)."""
    best, distance = None, 0.5 * c[SIZE]
    for row in rows:
        if abs(row[0][BASELINE] - c[BASELINE]) > 2 * c[SIZE]:
            continue
        largest = max(b[SIZE] for b in row)
        if largest < RAISED_SIZE * c[SIZE]:  # a row of scripts: their line is elsewhere
            continue
        baseline = next(b[BASELINE] for b in row if b[SIZE] == largest)
        if abs(baseline - c[BASELINE]) <= distance:
            best, distance = row, abs(baseline - c[BASELINE])
    if best is None:
        best = []
        at = next((i for i, row in enumerate(rows) if row[0][BASELINE] > c[BASELINE]),
                  len(rows))
        rows.insert(at, best)
    return best


def _attach_small_rows(rows: list[list[Char]], bars: Sequence[Box] = (),
                       operators: bool = True, ocr_fonts: Collection[str] = ()
                       ) -> list[list[Char]]:
    """Characters of a row of small characters that reach into a neighbouring row's line box,
    next to its text, join that row: raised into the row below them (superscripts, note
    labels) or lowered from the row above (subscripts dropped further than a row's tolerance).
    ``operators`` False: no character hangs, so no operator's limit is looked for. A row
    wholly in ``ocr_fonts``, an OCR layer's, stays a row. Tesseract sets each text line it read
    on one baseline (a raised note mark sits on it too) at a size taken from that line's own
    height, so a line read a point or two smaller than its neighbours is no row of scripts,
    and its box, a whole size tall, reaches into the line above (``Competittoiveb e``)."""
    # small joiners leave a row's size as is; most rows are set in one size throughout,
    # which is then their size and, while no joiner has come, their largest (``alike``:
    # the row's length and that size; none where sizes differ)
    sized: list[tuple[list[Char], float]] = []
    alike: list[tuple[int, float] | None] = []
    for row in rows:
        sizes = list(map(BY_SIZE, row))
        if sizes.count(sizes[0]) == len(sizes):
            first = (row[0][SIZE] if not row[0][TEXT].isspace()  # most rows: no generator
                     else next((c[SIZE] for c in row if not c[TEXT].isspace()), None))
            sized.append((row, 1.0 if first is None else round(first, 1)))
            alike.append((len(sizes), sizes[0]))
        else:
            sized.append((row, mode_size(row)))
            alike.append(None)
    merged: list[tuple[list[Char], float]] = []
    extents: dict[int, _Extent] = {}
    for i, (row, size) in enumerate(sized):
        if not _is_space_row(row) and not (ocr_fonts and _all_in(row, ocr_fonts)):
            # a row's letters and digits say whether it is a row of scripts: a full-size
            # symbol raised into it (the ``∼`` of a ``≅`` stacked over its ``=``) is none;
            # without them its marks do, not its math symbols (primes beside that ``∼``)
            one = alike[i]
            if one is not None and one[0] == len(row):
                largest = one[1]
            else:
                largest = max([c[SIZE] for c in row if c[TEXT].isalnum()]
                              or [c[SIZE] for c in row if not _is_math_symbol(c)]
                              or [c[SIZE] for c in row])
            below = i + 1 < len(sized) and largest < RAISED_SIZE * sized[i + 1][1]
            above = bool(merged) and largest < RAISED_SIZE * merged[-1][1]
            if below:
                row = _attach_runs(row, sized[i + 1:i + 1 + RAISED_LOOKAHEAD], extents,
                                   bars=bars, operators=operators)
            elif operators and any(largest < RAISED_SIZE * s
                                   for _, s in sized[i + 2:i + 1 + RAISED_LOOKAHEAD]):
                # a display operator's upper limit stands over the row of its formula's
                # superscripts, not right over the formula: of a row further down, only
                # what stands over one of its big operators joins it
                row = _attach_runs(row, sized[i + 1:i + 1 + RAISED_LOOKAHEAD], extents,
                                   limits=True)
            if row and above:
                # a label set over an extensible arrow of the row below (``Def. 12.a`` over
                # ``=====⇒``) is no subscript of the row above, whose letters it would be
                # read among: it stays for the arrow (formulas.py's ``_arrow_under``)
                row = _attach_runs(row, merged[:-1 - RAISED_LOOKAHEAD:-1], extents,
                                   lowered=True, arrows=sized[i + 1][0] if below else (),
                                   operators=operators)
            if not row:
                continue
        merged.append((row, size))
    return [row for row, _ in merged]


def _all_in(row: list[Char], fonts: Collection[str]) -> bool:
    return all(c[FONTNAME] in fonts for c in row)


def _attach_runs(row: list[Char], rows: list[tuple[list[Char], float]],
                 extents: dict[int, _Extent],
                 lowered: bool = False, limits: bool = False,
                 arrows: Sequence[Char] = (), bars: Sequence[Box] = (),
                 operators: bool = True) -> list[Char]:
    """``row`` without its short runs that joined one of ``rows`` (``_attach``). A run moves
    whole or not at all: a word's last letter that reaches beside a larger heading of the next
    column is no script of it (``based i`` | ``n 4. Experience``). ``limits``: only a run
    standing over one of its target row's big operators moves; a run set over an extensible
    arrow of the row ``arrows`` stays (``_over_arrow``); a lone character over a fraction
    bar of ``bars`` no wider than two of it is a small fraction's numerator
    (``_lone_numerator``). ``operators`` False: no character of the page hangs."""
    moved: set[int] = set()
    for run in _short(_outside_prose(_runs(row))):
        if arrows and _over_arrow(run, arrows):
            continue
        # the first character's row first: most runs go nowhere, and then the others need
        # no search
        target = _attach(run[0], rows, extents, lowered,
                         bool(bars) and len(run) == 1 and _lone_numerator(run[0], bars),
                         operators)
        if target is not None and limits and not any(
                hangs(b) and overlap(c, b) for c in run for b in target):
            continue
        if target is not None and all(_attach(c, rows, extents, lowered, False, operators)
                                      is target for c in run[1:]):
            target.extend(run)
            moved.update(map(id, run))
    return [c for c in row if id(c) not in moved] if moved else row


def _lone_numerator(c: Char, bars: Sequence[Box]) -> bool:
    """Whether ``c`` alone stands over a fraction bar (its top within the lower half of ``c``
    or half an em under it) that reaches at most twice its width: the whole numerator of a
    small fraction in a line (``\\frac{α}{2^n}``). A display's longer numerators, whose
    lone subscripts stand over wide bars, are formulas.py's to stack."""
    middle, width = (c[X0] + c[X1]) / 2, c[X1] - c[X0]
    return any(bar[0] - 1.0 <= middle <= bar[2] + 1.0 and bar[2] - bar[0] <= 2 * width
               and c[TOP] + 0.5 * c[SIZE] <= bar[1] <= c[BOTTOM] + 0.5 * c[SIZE]
               for bar in bars)


def _over_arrow(run: list[Char], row: Sequence[Char]) -> bool:
    """Whether the characters of ``row`` under ``run`` are two or more arrow pieces, and
    nothing else: the run is (part of) a label set over an extensible arrow
    (``\\xRightarrow{Def. 12.a}``), as formulas.py's ``_arrow_under`` tells it among a
    display's parts."""
    x0, x1 = min(c[X0] for c in run), max(c[X1] for c in run)
    under = [c for c in row if c[X0] < x1 and c[X1] > x0 and not c[TEXT].isspace()]
    return len(under) >= 2 and all(c[TEXT] in ARROW_PIECES for c in under)


def _short(runs: list[list[Char]]) -> list[list[Char]]:
    """The runs of at most ``SCRIPT_RUN_MAX`` characters (scripts and markers are short; a
    line of small print beside a large heading in another column is not)."""
    return [run for run in runs if _is_short(run)]


def _is_short(run: list[Char]) -> bool:
    # most runs are short: their length is checked first
    return len(run) <= SCRIPT_RUN_MAX or _script_length(run) <= SCRIPT_RUN_MAX


def _outside_prose(runs: list[list[Char]]) -> list[list[Char]]:
    """``runs`` (left to right) less the phrases of text among them (``PHRASE_GAP_EM``)."""
    kept: list[list[Char]] = []
    phrase: list[list[Char]] = []
    for run in [*runs, []]:
        if phrase and (not run or run[0][X0] - phrase[-1][-1][X1]
                       > PHRASE_GAP_EM * run[0][SIZE]):
            # a word, not a run of scripts with scripts of their own (``V_i∈T_Y``)
            if not any(not _is_short(words)
                       and sum(c[TEXT].isalpha() for c in words) > SCRIPT_RUN_MAX
                       for words in phrase):
                kept += phrase
            phrase = []
        phrase.append(run)
    return kept


def _runs(row: list[Char]) -> list[list[Char]]:
    """A row's runs of characters between word spaces, left to right."""
    runs: list[list[Char]] = []
    previous: Char | None = None
    for c in sorted(row, key=BY_X0):
        if c[TEXT].isspace():
            previous = None
            continue
        if previous is None or c[X0] - previous[X1] > WORD_GAP_EM * c[SIZE]:
            runs.append([])
        runs[-1].append(c)
        previous = c
    return runs


def _script_length(run: list[Char]) -> int:
    """A run's characters at its own size: its own scripts, smaller still (``V_i∈T_Y``, an
    operator's limit set beside it in a line), are no letters of small print."""
    largest = max(c[SIZE] for c in run)
    return sum(1 for c in run if c[SIZE] >= RAISED_SIZE * largest)


_Extent = tuple[list[Char], int, float, float, list[float], list[Char], float]
"""A row's measures for ``_attach``, with the row and the length they were taken at: its top
and bottom, and once a character has reached into its line box, its characters' x0 in order,
those characters, and the widest one's width (empty until then)."""


def _x_index(extent: _Extent) -> _Extent:
    """``extent`` with its row's characters ordered by x0."""
    row = extent[0]
    by_x = sorted(row, key=BY_X0)
    return (*extent[:4], list(map(BY_X0, by_x)), by_x,
            max(0.0, *map(sub, map(_BY_X1, row), map(BY_X0, row))))


def _attach(c: Char, rows: list[tuple[list[Char], float]],
            extents: dict[int, _Extent],
            lowered: bool = False, numerator: bool = False,
            operators: bool = True) -> list[Char] | None:
    """The row among ``rows`` (with their sizes) whose line box ``c`` reaches into and whose
    text is nearest beside it (several columns' rows sit at nearly the same height), or None.
    ``extents`` keeps each row's measures (``_Extent``) while its length stays the same;
    ``numerator``: ``c`` is a small fraction's numerator (``_lone_numerator``); ``operators``
    False: no character of the page hangs (no font asked)."""
    best: tuple[float, list[Char]] | None = None
    for row, size in rows:
        if c[SIZE] >= RAISED_SIZE * size:
            continue
        extent = extents.get(id(row))
        if extent is None or extent[0] is not row or extent[1] != len(row):
            # the line box of the row's own text: a big delimiter from the extension font
            # reaches up and down past it (a ``{`` opening a display's second row reached
            # over the first row's subscripts, which then joined the second row)
            level = ([b for b in row if not is_big_delimiter(b)] or row
                     if operators and any_hanging(row) else row)
            extent = extents[id(row)] = (row, len(row), min(map(_BY_TOP, level)),
                                         max(map(_BY_BOTTOM, level)), [], [], 0.0)
        if lowered:
            if c[TOP] > extent[3] - 0.1 * size:
                continue
        elif extent[2] - 0.1 * size > c[BOTTOM]:
            continue
        if not extent[5]:
            extent = extents[id(row)] = _x_index(extent)
        # only characters starting within reach of ``c`` can be nearer than 1.5 em or stand
        # over or under it: those from its left edge less the reach and the row's widest
        # character to its right edge plus the reach (a point more either way for rounding);
        # a long row is not measured character by character for each small one
        reach = 1.5 * size if size > 0 else 0.0
        x0s = extent[4]
        near = extent[5][bisect_left(x0s, c[X0] - reach - extent[6] - 1.0):
                         bisect_right(x0s, c[X1] + reach + 1.0)]
        # measured to the larger text only: a word beside a note label is no script
        distance = min([max(b[X0] - c[X1], c[X0] - b[X1], 0.0) for b in near
                        if c[SIZE] < RAISED_SIZE * b[SIZE]], default=float("inf"))
        # raised over a letter, it is no superscript but an operator's limit over the next
        # line's letters (over the operator itself, a limit is at home); a numerator stands
        # over its denominator's small characters. Over means with its foot above the
        # letter's middle: the LaTeX logo's small ``A``, kerned back over its ``L``, stands
        # beside it in the line
        if (distance <= 1.5 * size and (best is None or distance < best[0])
                and (lowered or not any(overlap(c, b) and c[BOTTOM] < (b[TOP] + b[BOTTOM]) / 2
                                        for b in near
                                        if not b[TEXT].isspace()
                                        and not (operators and hangs(b))
                                        and not (numerator
                                                 and c[SIZE] >= RAISED_SIZE * b[SIZE])))):
            best = (distance, row)
    return None if best is None else best[1]


def _is_math_symbol(c: Char) -> bool:
    """A relation or operator (Unicode's math symbols: ``=``, ``∼``, ``+``), not a mark."""
    return unicodedata.category(c[TEXT][:1]) == "Sm"




def _is_space_row(row: list[Char]) -> bool:
    # most rows open with a visible character: decided without a generator
    return not row or row[0][TEXT].isspace() and all(c[TEXT].isspace() for c in row)


def _attach_stray_marks(segments: list[list[Char]]) -> list[list[Char]]:
    """A segment of one to three small characters that ended up on another column's row (a
    note label or marker a hair off its line's baseline) joins the larger text it touches or
    sits inside."""
    if not any(_few_ink(segment) for segment in segments):  # most pages: none
        return segments
    boxes = [(_top(segment), _bottom(segment), segment[0][X0], segment[-1][X1])
             for segment in segments]
    # the segments level with a mark are looked up, in their order, among those sorted by
    # top: from the mark's top less the tallest segment's height (and a point for rounding)
    # to its bottom; a NaN edge has no place in that order, and then every segment is asked
    heights = [box[1] - box[0] for box in boxes]
    by_top: list[int] | None = None
    if all(height == height for height in heights):
        by_top = sorted(range(len(boxes)), key=lambda j: boxes[j][0])
        tops = [boxes[j][0] for j in by_top]
        reach = max(heights) + 1.0
    absorbed: set[int] = set()
    sizes: dict[int, tuple[int, float]] = {}  # each segment's size, at the length it had
    for i, segment in enumerate(segments):
        ink = _few_ink(segment)  # here: a segment grows by the marks it takes in
        if not ink:
            continue
        top, bottom, x0, x1 = boxes[i]
        largest = max(c[SIZE] for c in ink)
        level = (range(len(segments)) if by_top is None else
                 sorted(by_top[bisect_left(tops, top - reach):bisect_left(tops, bottom)]))
        for j in level:
            other = segments[j]
            o_top, o_bottom, o_x0, o_x1 = boxes[j]
            if j in absorbed or o_top >= bottom or o_bottom <= top:
                continue
            known = sizes.get(j)
            if known is None or known[0] != len(other):
                known = sizes[j] = (len(other), mode_size(other))
            size = known[1]
            # beside the text, or inside it: a marker after a word in mid-line, whose
            # baseline matched another column's row better than its own line's
            if largest < RAISED_SIZE * size and (0 <= o_x0 - x1 <= 0.5 * size
                                                 or 0 <= x0 - o_x1 <= 0.5 * size
                                                 or _raised_after_a_word(ink, other, size)):
                other.extend(ink)
                other.sort(key=BY_X0)
                absorbed.add(i)
                break
    return [segment for i, segment in enumerate(segments) if i not in absorbed]


def _few_ink(segment: list[Char]) -> list[Char]:
    """The segment's visible characters when there are ``FEW_INK`` or fewer, else none: the
    count stops past them (a line of text is no stray mark)."""
    ink: list[Char] = []
    for c in segment:
        if not c[TEXT].isspace():
            if len(ink) == FEW_INK:
                return []
            ink.append(c)
    return ink


def _raised_after_a_word(ink: list[Char], other: list[Char], size: float) -> bool:
    """Whether the marks stand raised in a gap of ``other``'s text, right after one of its
    characters, as a note marker follows its word (a script of a formula above or below
    stands over letters, or lower)."""
    x0, x1 = min(c[X0] for c in ink), max(c[X1] for c in ink)
    touch = 0.1 * size  # boxes that meet share an edge, give or take rounding
    letters = [c for c in other if not c[TEXT].isspace()]
    if not letters or any(c[X0] < x1 - touch and c[X1] > x0 + touch for c in letters):
        return False
    if not any(-touch <= x0 - c[X1] <= 0.5 * size for c in letters):
        return False
    bottoms = sorted(c[BOTTOM] for c in letters)
    return max(c[BOTTOM] for c in ink) < bottoms[len(bottoms) // 2] - RAISED_EM * size


def _line(chars: list[Char], page_number: int, heavy: Collection[str] = (),
          operators: bool = True) -> Line | None:
    """Text of one segment with word spaces from geometry and raised characters set apart
    (``operators`` False: the page has no big operators to put their limits beside)."""
    if operators:
        chars = limits_beside_operators(chars)
    ink = [c for c in chars if not c[TEXT].isspace()]  # a space may lie past a gutter
    # most lines are set in one size throughout: then it is the line's size, its smallest,
    # and the size its top and bottom are measured with
    every_size = list(map(BY_SIZE, chars))
    one_size = every_size.count(every_size[0]) == len(every_size)
    if one_size:
        size = round(ink[0][SIZE], 1) if ink else 1.0
        least = ink[0][SIZE] if ink else None
    else:
        sizes = list(map(BY_SIZE, ink))
        size = mode_of_sizes(sizes)
        least = min(sizes) if sizes else None
    small = RAISED_SIZE * size
    # where a raised character's bottom stands: worked out for lines with a small character
    # only (most lines have none)
    raised_bottom: float | None = None
    if least is not None and least < small:  # most lines hold no small character to stack
        raised_bottom = _baseline(chars, size) - RAISED_EM * size
        # ``ink`` stays right for the line's edges: a stack keeps its leftmost x0, rightmost x1
        chars = _stacked_scripts(chars, small, raised_bottom)
    parts: list[str] = []
    raised: list[tuple[int, str]] = []
    bold = italic = bad = 0
    tracking = _tracking(ink, size)
    # a word gap is wider than WORD_GAP_EM of the smaller of two characters' sizes: on a line
    # set in one size, of that size, worked out once
    word_gap = WORD_GAP_EM * every_size[0] + tracking
    previous: Char | None = None
    after_space = False  # whether ``previous`` is a space
    font: str | None = None  # the font whose style ``bold_one`` and ``italic_one`` hold
    bold_one = italic_one = False
    # _is_word_gap and _append_space written out: this loop runs once per character
    for c in chars:
        text: str = c[TEXT]
        if text.isspace():
            if (previous is not None and not after_space
                    and c[X0] - previous[X0] < LIGATURE_SPACE_EM * previous[SIZE]
                    and _is_ligature(previous[TEXT])):
                continue  # the ligature stays ``previous``: the gap after its glyph decides
            previous, after_space = c, True
            continue
        if previous is not None:
            if (text in _ACCENTS and parts and not parts[-1].isspace() and not after_space
                    and c[X0] < previous[X1]):
                parts[-1] += _ACCENTS[text]  # set over the letter before it (TeX's accents)
                continue  # the letter stays ``previous``: the gap after it is the letter's
            if not one_size:
                least = c[SIZE] if c[SIZE] < previous[SIZE] else previous[SIZE]
                word_gap = WORD_GAP_EM * least + tracking
            if after_space or c[X0] - previous[X1] > word_gap:
                if parts and not parts[-1].endswith(" "):
                    parts.append(" ")
        previous, after_space = c, False
        # one character below the Private Use Area is no bad glyph: skip the regular expression
        if (len(text) != 1 or text >= "\ue000") and is_bad_glyph(text):
            bad += 1
            continue
        if text in _LIGATURES:
            text = _LIGATURES[text]
        bullet = not parts and _is_bullet(c)
        if bullet:  # a dingbat opening a line reads as whatever its font maps its code to
            text = "• "
        fontname = c[FONTNAME]
        if fontname != font:
            font = fontname
            bold_one, italic_one = _style(fontname)
            bold_one = bold_one or bool(heavy) and fontname in heavy
        bold += bold_one
        italic += italic_one
        if c[SIZE] < small and not bullet:
            if raised_bottom is None:  # a NaN size hid the small ones from ``min``
                raised_bottom = _baseline(chars, size) - RAISED_EM * size
            if c[BOTTOM] < raised_bottom:
                offset = sum(len(p) for p in parts)
                if raised and raised[-1][0] == offset:
                    raised[-1] = (offset, raised[-1][1] + text)
                else:
                    raised.append((offset, text))
                continue
        parts.append(text)
    text = "".join(parts).rstrip()
    count = len(ink)
    lead = ""
    if raised and raised[0][0] == 0:
        lead = raised.pop(0)[1]
        text = text.lstrip()
        shift = len("".join(parts)) - len("".join(parts).lstrip())
        raised = [(o - shift, t) for o, t in raised]
    if not text and not lead:
        if not bad:
            return None
        top, bottom = _line_extent(chars, every_size[0] if one_size else None)
        return Line(page_number, chars[0][X0], top, chars[-1][X1], bottom, "", size, 0.0,
                    False, [], "", bad, count)
    letters = max(count - bad, 1)
    first, last = ink[0][FONTNAME], ink[-1][FONTNAME]
    top, bottom = _line_extent(chars, every_size[0] if one_size else None)
    return Line(page_number, min(map(BY_X0, ink)), top, max(map(_BY_X1, ink)), bottom, text,
                size, bold / letters, italic / letters >= BOLD_SHARE, raised, lead, bad, count,
                first.rpartition("+")[2] if first == last else "")


TRACKING_MAX_EM = 0.5
"""A line's letters set this many ems apart or more are no tracked word: a row of figures or
of single letters spaced out, whose gaps are word spaces."""
TRACKING_EVEN_EM = 0.1
"""Tracking sets letters evenly apart: most gaps within this many ems of their median."""
TRACKING_SHARE = 0.75


def _tracking(ink: list[Char], size: float) -> float:
    """The points a letter-spaced line (a magazine's tracked heading) sets between the letters
    of a word, which are no word spaces; 0.0 for a line set solid. Tracked: its first gaps and
    most of all its gaps wider than a word space would be, evenly, its characters mostly
    letters and digits and none a symbol (a formula's spacing is uneven and its operators stand
    apart by design; an ellipsis's dots are spaced out)."""
    if (len(ink) < 4 or ink[1][X0] - ink[0][X1] <= WORD_GAP_EM * size
            or any(b[X0] - a[X1] <= WORD_GAP_EM * size for a, b in zip(ink[1:3], ink[2:4]))):
        return 0.0  # the common case, decided on the first letters (most on the first two)
    gaps = sorted(b[X0] - a[X1] for a, b in zip(ink, ink[1:]))
    median = gaps[len(gaps) // 2]
    even = sum(1 for g in gaps if abs(g - median) <= TRACKING_EVEN_EM * size)
    if (median > TRACKING_MAX_EM * size or even < TRACKING_SHARE * len(gaps)
            or not all(c[TEXT].isalnum() or c[TEXT] in ".,:;'’-&" for c in ink)
            or sum(1 for c in ink if c[TEXT].isalnum()) < len(ink) / 2):
        return 0.0
    return median


def _stacked_scripts(chars: list[Char], small: float, raised_bottom: float) -> list[Char]:
    """``chars`` with each run of scripts set one over the other (a superscript over a
    subscript, an inline operator's limits: ``z_1^2``, ``\\sum_{k=0}^{n+1}``) read upper before
    lower instead of interleaved by x (``nk=+01``): a run of small characters (no word space
    in it) with characters both raised and not, one of each standing over the other (a
    subscript between raised letters, ``SL_2(R)`` set small under a sign, stands beside
    them). The stack's first and last characters take its left and right edges, so the word
    gaps around it are measured from the stack."""
    # the runs as index ranges from the small characters' places (most of a line's
    # characters are no script): the line is copied only where a stack is reordered
    runs: list[list[int]] = []
    for i in [i for i, c in enumerate(chars) if c[SIZE] < small and not c[TEXT].isspace()]:
        if runs and runs[-1][1] == i:
            runs[-1][1] = i + 1
        else:
            runs.append([i, i + 1])
    out = chars
    for start, end in runs:
        if end - start < 2:
            continue
        run = chars[start:end]
        upper = [r for r in run if r[BOTTOM] < raised_bottom]
        lower = [r for r in run if r[BOTTOM] >= raised_bottom]
        if any(overlap(u, b) or overlap(b, u) for u in upper for b in lower):
            # the word gaps before and after the run are the stack's, not its parts'
            x0, x1 = min(r[X0] for r in run), max(r[X1] for r in run)
            first, last = upper[0], lower[-1]
            if out is chars:
                out = list(chars)
            out[start:end] = [(first[TEXT], x0, *first[X1:]), *upper[1:], *lower[:-1],
                              (last[TEXT], last[X0], x1, *last[TOP:])]
    return out


def _join_bullets(row: list[list[Char]]) -> list[list[Char]]:
    """A row's segments with a lone bullet glyph joined to the text after it (set a tab
    away, it would be a paragraph of its own), when that text starts as near as a list's
    text does (``LABEL_PITCH_EM``): a ring or dot further away, a formula's ``◦`` in
    another column's row, is no bullet of it."""
    out: list[list[Char]] = []
    for segment in row:
        if (out and _is_bullet_segment(out[-1])
                and segment[0][X0] - out[-1][0][X0] <= LABEL_PITCH_EM * segment[0][SIZE]):
            out[-1] = out[-1] + segment
        else:
            out.append(segment)
    return out


def _join_end_marks(row: list[list[Char]]) -> list[list[Char]]:
    """A row's segments with a lone end mark (``END_MARKS``) that no text follows joined to
    the text before it when that text ends a sentence, however far right the mark is set:
    it closes that text, where a bullet opens the text after it (``_join_bullets`` took
    those). After a word (an index's letter ``M``) a far mark is another column's."""
    if len(row) < 2 or not any(_is_end_mark(segment) for segment in row[1:]):
        return row  # most rows
    out: list[list[Char]] = [row[0]]
    for segment in row[1:]:
        ink = [c[TEXT] for c in out[-1] if not c[TEXT].isspace()]
        if _is_end_mark(segment) and ink and ink[-1] in _SENTENCE_ENDS:
            out[-1] = out[-1] + segment
        else:
            out.append(segment)
    return out


def _is_end_mark(segment: list[Char]) -> bool:
    ink = [c for c in segment if not c[TEXT].isspace()]
    return len(ink) == 1 and ink[0][TEXT] in END_MARKS


def _is_bullet_segment(segment: list[Char]) -> bool:
    ink = [c for c in segment if not c[TEXT].isspace()]
    return len(ink) == 1 and (ink[0][TEXT] in _BULLETS or _is_bullet(ink[0]))


def _is_bullet(c: Char) -> bool:
    """A glyph of a dingbat font (Wingdings, ZapfDingbats), or a Symbol font's non-letter:
    their codes map to letters and punctuation ("!", "l", "§") that mean nothing as text. A
    Symbol font's note marks (TeX sets ``\\thanks`` with its asterisk ∗) are marks, not
    bullets."""
    kind = _symbol_font(c[FONTNAME])
    return kind == "dingbat" or (kind == "symbol" and not c[TEXT].isalnum()
                                 and c[TEXT] not in NOTE_MARKS)


@lru_cache(maxsize=1024)
def _symbol_font(fontname: str) -> str:
    match = _SYMBOL_FONT.search(fontname)
    if not match:
        return ""
    return "symbol" if match.group(0).lower() == "symbol" else "dingbat"


@lru_cache(maxsize=4096)
def _style(fontname: str) -> tuple[bool, bool]:
    """(bold, italic) as the font name tells it."""
    return bool(_BOLD.search(fontname)), bool(_ITALIC.search(fontname))


def _line_extent(chars: list[Char], size: float | None) -> tuple[float, float]:
    """The line's top and bottom from its characters' baselines: pdfminer hangs each glyph
    box from its font's descent, and math fonts declare descents of a whole line, which
    would make lines overlap their neighbours. ``size``: the one size every character is set
    in, or None; then the extreme baselines give the same top and bottom (adding a constant
    keeps the order of floats)."""
    if size is None:
        return (min([c[BASELINE] - ASCENT_EM * c[SIZE] for c in chars]),
                max([c[BASELINE] + DESCENT_EM * c[SIZE] for c in chars]))
    baselines = list(map(BY_BASELINE, chars))
    return min(baselines) - ASCENT_EM * size, max(baselines) + DESCENT_EM * size


def _top(chars: list[Char]) -> float:
    return min(map(_BY_TOP, chars))


def _bottom(chars: list[Char]) -> float:
    return max(map(_BY_BOTTOM, chars))


def _is_ligature(text: str) -> bool:
    """Whether one glyph sets ``text`` as two or more letters (``ﬁ``, or ``fi`` by ToUnicode)."""
    return text in _LIGATURES or len(text) > 1 and text.isalpha()


def _baseline(chars: list[Char], size: float) -> float:
    """The line's usual character bottom: the bounding boxes (unlike ``baseline``) include a
    text rise, the way some writers raise superscripts."""
    bottoms = sorted([c[BOTTOM] for c in chars if abs(c[SIZE] - size) < 0.5])
    return bottoms[len(bottoms) // 2] if bottoms else max(c[BOTTOM] for c in chars)


def _is_word_gap(previous: Char, c: Char) -> bool:
    if previous[TEXT].isspace():
        return True
    return c[X0] - previous[X1] > WORD_GAP_EM * min(c[SIZE], previous[SIZE])


def _append_space(parts: list[str]) -> None:
    if parts and not parts[-1].endswith(" "):
        parts.append(" ")
