"""PDF layout: one page's pdfplumber characters in, text lines and blocks in reading order out.

Characters become rows (shared baseline), rows split into line segments at gaps wider than a
column gutter (except a short label and its text, in a list of such rows), segments stack into
blocks (same size and style, small leading), and blocks are ordered by a column-aware XY-cut:
columns left to right, full-width elements (titles, headings, tables) between the column runs
they separate.

Raised small characters (superscripts) are kept apart as marker candidates with their offset in
the line, so the footnote step can remove confirmed markers and put the others back.
All sizes are in PDF points; thresholds are relative to the font size, so they scale.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pipeline.extract.pdf.fonts import HANGING_FONT

Char = dict[str, Any]

ROW_BASELINE_EM = 0.3
"""Characters whose baselines differ by less than this share of the font size sit on one row."""
SAME_BASELINE = 0.1
"""Points: characters whose baselines differ by less than this share a row in any case."""
WORD_GAP_EM = 0.15
"""A gap wider than this (em) between two characters is a word space: kerning stays below it,
tight justified spaces (about 0.2 em) stay above it."""
SEGMENT_GAP_EM = 1.5
"""A gap wider than this (em) always splits a row into segments: justified spaces stay far
below it, table cells and most column gutters are wider."""
CANDIDATE_GAP_EM = 0.45
"""A narrower gap wider than this (em) splits a row when it lines up with gaps in other rows:
TeX's two-column gutter is only 10 pt (one em)."""
COLUMN_MIN_EM = 4.0
"""Text (em) a gap needs on both sides to start a column gutter: columns hold words, not the
dot leaders, section numbers and page numbers of a table of contents."""
GUTTER_ROWS = 6
"""Rows that must have a gap at the same x for a narrow gap to count as a column gutter."""
EDGE_TOLERANCE = 1.0
"""Points: gaps line up when the text left of them ends, or right of them starts, this close
(a column's edges are straight; a river of stretched spaces wanders)."""
GUTTER_SEARCH_ROWS = 40
"""How many rows up and down to look for the gaps that line up with one."""
LABEL_ROWS = 6
"""Rows up and down searched for other labels at the same two edges."""
LABELLED_SHARE = 2 / 3
"""Share of the nearby rows with text at the texts' edge that must have a label beside it."""
LABEL_SHARE = 0.6
"""Labels take at most this share of the way to their texts' edge (prose lines fill theirs)..."""
LABEL_PITCH_EM = 12.0
"""...and their texts start within this many em of them: the columns of an index or of a
page are further apart."""
RAISED_SIZE = 0.92
"""A character smaller than this share of its row's size is a superscript candidate..."""
RAISED_LOOKAHEAD = 8
"""Rows below a raised character searched for the line it belongs to (other columns' rows
may sit in between)."""
SCRIPT_RUN_MAX = 4
"""Longest run of small characters (between spaces) taken for a super- or subscript."""
RAISED_EM = 0.15
"""...when its bottom is raised at least this share of the row size above the baseline."""
ASCENT_EM = 0.75
"""A line box reaches this share of the size above the baseline..."""
DESCENT_EM = 0.25
"""...and this share below it."""
LEADING_EM = 0.75
"""A vertical gap between lines larger than this share of the size starts a new block."""
INDENT_EM = 0.8
"""A line indented more than this (em) against its block starts a new paragraph."""
SIZE_TOLERANCE = 0.1
"""Lines whose sizes differ by more than this share belong to different blocks."""
GUTTER_MIN = 6.0
"""Narrowest vertical white strip (points) taken as a column gutter in the XY-cut."""
HEADING_SIZE = 1.15
"""A short block set this much larger than the body is a heading."""
BOLD_SHARE = 0.6
"""A line is bold when this share of its characters uses a bold font."""

_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
              "\ufb05": "st", "\ufb06": "st", "\u0132": "IJ", "\u0133": "ij"}
_ACCENTS = {"\u02dc": "\u0303", "\u02c6": "\u0302", "\u00a8": "\u0308", "\u00af": "\u0304",
            "\u00b4": "\u0301", "\u0060": "\u0300", "\u02d9": "\u0307", "\u02c7": "\u030c",
            "\u02d8": "\u0306", "\u02da": "\u030a"}
"""Spacing accents (˜ ˆ ¨ ¯ ´ ` ˙ ˇ ˘ ˚) and the combining marks they become over a letter."""
_BOLD = re.compile(r"bold|black|heavy|semibold|demi|,b$|-b$"
                   r"|(?:^|\+)(?:cm|lm|sf|eu)(?:ss|tt)?bx?(?:ti|sl)?\d", re.IGNORECASE)
"""Bold by name, or a TeX font whose short name says so: CMBX12, CMB10, CMSSBX10, SFBX1200."""
_ITALIC = re.compile(r"italic|oblique|,i$|-i$|(?:^|\+)(?:cm|lm|sf)(?:bx)?(?:ti|sl|mi)\d",
                     re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[•◦▪▫●○■□►▶‣⁃∙·❖➢➤✓✔❑◆◇–—-]\s|"
                     r"\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s)")
_CID = re.compile(r"\(cid:\d+\)")
CAPTION = re.compile(r"^(?i:Figure|Fig\.|Table|Tab\.|Abbildung|Abb\.|Tabelle|Photo|Chart|Map|"
                     r"Graph|Exhibit|Plate|Box|Illustration|Image|Grafik|Bild|Listing)\s*"
                     r"[0-9IVX]+[0-9.\-–]*[a-z]?"
                     r"(?:\s*[:.–—|-](?:\s|$)|\s+(?=[A-ZÄÖÜ0-9\"“(]))")
"""The opening of a figure, table or listing caption (``Figure 3-11 Selecting …``,
``Abbildung 1.2:``), not a sentence that cites one (``Figure 3-5 shows …``)."""


def is_bad_glyph(text: str) -> bool:
    """A glyph with no Unicode meaning: ``(cid:N)`` (no ToUnicode map), Private Use Area, or
    the replacement character a ToUnicode map gives for glyphs it does not know."""
    if text.startswith("(cid:"):
        return True
    return any(0xE000 <= ord(ch) <= 0xF8FF or ch == "\ufffd" for ch in text)


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

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def bold(self) -> bool:
        return self.bold_share >= BOLD_SHARE


BUILT_WHOLE = frozenset({"table", "figure"})
"""Block kinds their finders build whole (a ruled table, a drawing's labels): they are no
headings, notes or paragraphs, and their one line holds the whole text."""


@dataclass(slots=True)
class LayoutBlock:
    """Lines stacked into one block of one page; ``kind`` is decided later."""

    lines: list[Line]
    kind: str = "paragraph"
    level: int | None = None

    @property
    def x0(self) -> float:
        return min(line.x0 for line in self.lines)

    @property
    def x1(self) -> float:
        return max(line.x1 for line in self.lines)

    @property
    def top(self) -> float:
        return self.lines[0].top

    @property
    def bottom(self) -> float:
        return max(line.bottom for line in self.lines)

    @property
    def size(self) -> float:
        return self.lines[0].size

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, min(line.top for line in self.lines), self.x1, self.bottom)

    @property
    def page(self) -> int:
        return self.lines[0].page


# -- characters -> line segments -------------------------------------------------------------

def body_size_of(lines: Iterable[Line]) -> float:
    """The size (to half a point) that sets the most text: the body's."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size * 2) / 2] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def page_lines(chars: list[Char], page_number: int,
               exclude: Sequence[tuple[float, float, float, float]] = ()) -> list[Line]:
    """Upright characters outside ``exclude`` boxes (tables) as line segments, top to bottom."""
    kept = [c for c in chars if c["upright"] and c["text"] and not _inside(c, exclude)]
    rows = _rows(kept)
    gutters = _gutters(rows)
    split = [_segments(row, {x for r, x in gutters if r == index})
             for index, row in enumerate(rows)]
    segments = [segment for row in _join_labels(split) for segment in row]
    lines = []
    for segment in _attach_stray_marks(segments):
        line = _line(segment, page_number)
        if line is not None:
            lines.append(line)
    lines.sort(key=lambda l: (round(l.top), l.x0))
    return lines


def _inside(c: Char, boxes: Sequence[tuple[float, float, float, float]]) -> bool:
    if not boxes:
        return False
    x, y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    return any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)


def _rows(chars: list[Char]) -> list[list[Char]]:
    """Group characters by baseline, then attach rows of super- or subscripts to the row they
    touch."""
    rows: list[list[Char]] = []
    hanging = [c for c in chars if _hangs(c)]
    placed = {id(c) for c in hanging}
    level = [c for c in chars if id(c) not in placed] if hanging else chars
    for c in sorted(level, key=lambda c: c["baseline"]):
        if rows:
            # measured from the row's first character (chaining would let rows drift), or
            # level with the last one (a word must not lose its line to rounding)
            first, last = rows[-1][0], rows[-1][-1]
            size = min(c["size"], first["size"]) or 1.0
            if (c["baseline"] - first["baseline"] <= ROW_BASELINE_EM * size
                    or c["baseline"] - last["baseline"] <= SAME_BASELINE):
                rows[-1].append(c)
                continue
        rows.append([c])
    for c in hanging:  # placed only roughly (HANGING_EM): join the nearest row of full-size text
        _nearest_row(c, rows).append(c)
    return _attach_small_rows(rows)


def _nearest_row(c: Char, rows: list[list[Char]]) -> list[Char]:
    """The row whose largest characters' baseline is nearest ``c``'s, within half its size,
    or a new row of its own (kept in baseline order)."""
    best, distance = None, 0.5 * c["size"]
    for row in rows:
        if abs(row[0]["baseline"] - c["baseline"]) > 2 * c["size"]:
            continue
        largest = max(b["size"] for b in row)
        if largest < RAISED_SIZE * c["size"]:  # a row of scripts: their line is elsewhere
            continue
        baseline = next(b["baseline"] for b in row if b["size"] == largest)
        if abs(baseline - c["baseline"]) <= distance:
            best, distance = row, abs(baseline - c["baseline"])
    if best is None:
        best = []
        at = next((i for i, row in enumerate(rows) if row[0]["baseline"] > c["baseline"]),
                  len(rows))
        rows.insert(at, best)
    return best


def _attach_small_rows(rows: list[list[Char]]) -> list[list[Char]]:
    """Characters of a row of small characters that reach into a neighbouring row's line box,
    next to its text, join that row: raised into the row below them (superscripts, note
    labels) or lowered from the row above (subscripts dropped further than a row's tolerance)."""
    sized = [(row, _mode_size(row)) for row in rows]  # small joiners leave a row's size as is
    merged: list[tuple[list[Char], float]] = []
    for i, (row, size) in enumerate(sized):
        if not _is_space_row(row):
            largest = max(c["size"] for c in row)
            below = i + 1 < len(sized) and largest < RAISED_SIZE * sized[i + 1][1]
            above = bool(merged) and largest < RAISED_SIZE * merged[-1][1]
            scripts = _short_runs(row) if below or above else set()
            if below:
                row = [c for c in row if id(c) not in scripts
                       or not _attach(c, sized[i + 1:i + 1 + RAISED_LOOKAHEAD])]
            if row and above:
                row = [c for c in row if id(c) not in scripts
                       or not _attach(c, merged[:-1 - RAISED_LOOKAHEAD:-1], lowered=True)]
            if not row:
                continue
        merged.append((row, size))
    return [row for row, _ in merged]


def _short_runs(row: list[Char]) -> set[int]:
    """``id`` of the characters in runs of at most ``SCRIPT_RUN_MAX`` (scripts and markers are
    short; a line of small print beside a large heading in another column is not)."""
    runs: list[list[Char]] = []
    previous: Char | None = None
    for c in sorted(row, key=lambda c: c["x0"]):
        if c["text"].isspace():
            previous = None
            continue
        if previous is None or c["x0"] - previous["x1"] > WORD_GAP_EM * c["size"]:
            runs.append([])
        runs[-1].append(c)
        previous = c
    return {id(c) for run in runs if len(run) <= SCRIPT_RUN_MAX for c in run}


def _attach(c: Char, rows: list[tuple[list[Char], float]], lowered: bool = False) -> bool:
    """Add ``c`` to the row among ``rows`` (with their sizes) whose line box it reaches into and
    whose text is nearest beside it (several columns' rows sit at nearly the same height)."""
    best: tuple[float, list[Char]] | None = None
    for row, size in rows:
        if c["size"] >= RAISED_SIZE * size:
            continue
        if lowered:
            if c["top"] > max(b["bottom"] for b in row) - 0.1 * size:
                continue
        elif min(b["top"] for b in row) - 0.1 * size > c["bottom"]:
            continue
        # measured to the larger text only: a word beside a note label is no script
        distance = min((max(b["x0"] - c["x1"], c["x0"] - b["x1"], 0.0) for b in row
                        if c["size"] < RAISED_SIZE * b["size"]), default=float("inf"))
        # raised over a letter, it is no superscript but an operator's limit over the next
        # line's letters (over the operator itself, a limit is at home)
        if (distance <= 1.5 * size and (best is None or distance < best[0])
                and (lowered or not any(_overlap(c, b) for b in row
                                        if not b["text"].isspace() and not _hangs(b)))):
            best = (distance, row)
    if best is None:
        return False
    best[1].append(c)
    return True


def _overlap(c: Char, b: Char) -> bool:
    """Over half of ``c`` stands over or under ``b`` (a limit under an operator, over the next
    line's letters); a superscript beside its base, even kerned back over a comma, does not."""
    return min(c["x1"], b["x1"]) - max(c["x0"], b["x0"]) > (c["x1"] - c["x0"]) / 2


@lru_cache(maxsize=1024)
def _hanging_font(fontname: str) -> bool:
    return bool(HANGING_FONT.search(fontname))


def _hangs(c: Char) -> bool:
    """A big operator or delimiter from TeX's extension font."""
    return _hanging_font(c.get("fontname", ""))


def _limits_beside_operators(chars: list[Char]) -> list[Char]:
    """``chars`` (left to right) with each big operator's limits (the small characters over
    or under it, and those they run on into) moved next to it: the upper limit before it, the
    lower one after, as the formula is read, instead of interleaved by x."""
    operators = [c for c in chars if _hangs(c)]
    if not operators:
        return chars
    ordered = list(chars)
    for operator in operators:
        small = [c for c in ordered if c["size"] < RAISED_SIZE * operator["size"]]
        limits = [c for c in small if _overlap(c, operator)]
        taken = {id(c) for c in limits}
        for limit in limits:  # grows while it runs: a limit wider than its operator
            for c in small:
                if id(c) not in taken and _runs_on(limit, c):
                    limits.append(c)
                    taken.add(id(c))
        if not limits:
            continue
        upper = sorted((c for c in limits if c["baseline"] < operator["baseline"]),
                       key=_row_then_x)
        lower = sorted((c for c in limits if c["baseline"] >= operator["baseline"]),
                       key=_row_then_x)
        rest = [c for c in ordered if id(c) not in taken]
        at = next(i for i, c in enumerate(rest) if c is operator)
        ordered = rest[:at] + upper + [operator] + lower + rest[at + 1:]
    return ordered


def _row_then_x(c: Char) -> tuple[int, float]:
    """Reading order of a limit's characters: a limit may take two lines."""
    return round(c["baseline"]), c["x0"]


def _runs_on(a: Char, b: Char) -> bool:
    """``b`` continues ``a``'s word: same baseline, no word gap between them."""
    return (abs(a["baseline"] - b["baseline"]) < 0.1 * a["size"]
            and max(b["x0"] - a["x1"], a["x0"] - b["x1"]) < WORD_GAP_EM * a["size"])


def _is_space_row(row: list[Char]) -> bool:
    return all(c["text"].isspace() for c in row)


def _mode_size(chars: list[Char]) -> float:
    """The most common size (to 0.1 pt) of the visible characters; 1.0 without any."""
    sizes = [c["size"] for c in chars if not c["text"].isspace()]
    if not sizes:
        return 1.0
    if sizes.count(sizes[0]) == len(sizes):  # one size on most rows: skip the counting
        return round(sizes[0], 1)
    return Counter(round(s, 1) for s in sizes).most_common(1)[0][0]


def _gutters(rows: list[list[Char]]) -> set[tuple[int, float]]:
    """``(row index, gap x0)`` of the narrow gaps that are column gutters.

    A gutter separates two text columns: it is found first where the row has at least
    ``COLUMN_MIN_EM`` of text on both sides (dot leaders, list numbers and page numbers in a
    table of contents do not) and lines up with such gaps in other rows (rows with no text there
    do not interrupt it; a stretched word space has text above or below it). Rows whose text
    beside the gutter is short (a paragraph's last line) then take it from a row that has it.
    """
    gaps: list[list[tuple[float, float]]] = []
    wide: list[list[tuple[float, float]]] = []
    spans: list[tuple[float, float]] = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        ink = [c for c in row if not c["text"].isspace()]
        spans.append((ink[0]["x0"], ink[-1]["x1"]) if ink else (0.0, 0.0))
        row_gaps = [(p["x1"], c["x0"]) for p, c in zip(ink, ink[1:])
                    if c["x0"] - p["x1"] > CANDIDATE_GAP_EM * c["size"]]
        gaps.append(row_gaps)
        edges = [spans[-1][0]] + [x for gap in row_gaps for x in gap] + [spans[-1][1]]
        least = COLUMN_MIN_EM * _mode_size(ink)
        wide.append([gap for i, gap in enumerate(row_gaps)
                     if edges[2 * i + 1] - edges[2 * i] >= least
                     and edges[2 * i + 3] - edges[2 * i + 2] >= least])
    confirmed: dict[int, list[tuple[float, float]]] = {}
    for r, row_gaps in enumerate(wide):
        for gap in row_gaps:
            if _aligned(gap, r, wide, gaps, spans, -1) + _aligned(gap, r, wide, gaps, spans, 1) + 1 >= GUTTER_ROWS:
                confirmed.setdefault(r, []).append(gap)
    found = {(r, gap[0]) for r, row_gaps in confirmed.items() for gap in row_gaps}
    for r, row_gaps in enumerate(gaps):
        near = [g for i in range(max(0, r - GUTTER_SEARCH_ROWS), r + GUTTER_SEARCH_ROWS + 1)
                for g in confirmed.get(i, ())]
        found.update((r, gap[0]) for gap in row_gaps if any(_same_edge(gap, g) for g in near))
    return found


def _aligned(gap: tuple[float, float], r: int, wide: list[list[tuple[float, float]]],
             gaps: list[list[tuple[float, float]]], spans: list[tuple[float, float]],
             step: int) -> int:
    """Rows in direction ``step`` with a wide gap at the same edge, before a row with text
    across (a row with a narrower gap there does not count but does not interrupt either)."""
    found, i = 0, r + step
    while 0 <= i < len(gaps) and abs(i - r) <= GUTTER_SEARCH_ROWS and found < GUTTER_ROWS:
        if any(_same_edge(gap, g) for g in wide[i]):
            found += 1
        elif (not any(_same_edge(gap, g) for g in gaps[i])
              and spans[i][0] < gap[0] and spans[i][1] > gap[1]):
            break
        i += step
    return found


def _same_edge(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) <= EDGE_TOLERANCE or abs(a[1] - b[1]) <= EDGE_TOLERANCE


def _segments(row: list[Char], gutters: set[float]) -> list[list[Char]]:
    """Split a (sorted) row at gutters; drop duplicated (fake-bold) characters."""
    segments: list[list[Char]] = []
    previous: Char | None = None
    for c in row:
        if c["text"].isspace():
            if segments:
                segments[-1].append(c)
            continue
        if previous is not None:
            if (c["text"] == previous["text"] and abs(c["x0"] - previous["x0"]) < 1.0
                    and abs(c["top"] - previous["top"]) < 1.0):
                continue
            if _is_gutter(previous, c, gutters):
                segments.append([])
        if not segments:
            segments.append([])
        segments[-1].append(c)
        previous = c
    return segments


def _join_labels(rows: list[list[list[Char]]]) -> list[list[list[Char]]]:
    """Rejoin a row's label with the text beside it where rows line up as a list of short
    labels (symbols, terms, form numbers) and their texts: the label's left edge and its
    text's left edge repeat in nearby rows, close by, and no label fills its column the way
    a line of prose does. Read apart, the labels would make a column of their own, read
    before all their texts."""
    pairs = [[(segment[0]["x0"], following[0]["x0"], _ink_width(segment))
              for segment, following in zip(row, row[1:])] for row in rows]
    joined = []
    for r, row in enumerate(rows):
        out = [row[0]] if row else []
        window = slice(max(0, r - LABEL_ROWS), r + LABEL_ROWS + 1)
        for i, (x0, text_x0, _) in enumerate(pairs[r]):
            alike = [w for near in pairs[window] for a, b, w in near
                     if abs(a - x0) <= EDGE_TOLERANCE and abs(b - text_x0) <= EDGE_TOLERANCE]
            # rows with text at that edge, labelled or not: a text column that only a few
            # labels (a table's last column) happen to sit beside is no list of labels
            texts = sum(1 for near in rows[window]
                        if any(abs(s[0]["x0"] - text_x0) <= EDGE_TOLERANCE for s in near))
            pitch = text_x0 - x0
            if (len(alike) >= 3 and len(alike) >= LABELLED_SHARE * texts
                    and max(alike) <= LABEL_SHARE * pitch
                    and pitch <= LABEL_PITCH_EM * row[i][0]["size"]):
                out[-1] = out[-1] + row[i + 1]
            else:
                out.append(row[i + 1])
        joined.append(out)
    return joined


def _ink_width(segment: list[Char]) -> float:
    ink = [c for c in segment if not c["text"].isspace()]
    return ink[-1]["x1"] - ink[0]["x0"] if ink else 0.0


def _attach_stray_marks(segments: list[list[Char]]) -> list[list[Char]]:
    """A segment of one to three small characters that ended up on another column's row (a
    note label a hair off its line's baseline) joins the larger text it touches."""
    boxes = [(_top(segment), _bottom(segment), segment[0]["x0"], segment[-1]["x1"])
             for segment in segments]
    absorbed: set[int] = set()
    for i, segment in enumerate(segments):
        ink = [c for c in segment if not c["text"].isspace()]
        if not 0 < len(ink) <= 3:
            continue
        top, bottom, x0, x1 = boxes[i]
        largest = max(c["size"] for c in ink)
        for j, other in enumerate(segments):
            o_top, o_bottom, o_x0, o_x1 = boxes[j]
            if j in absorbed or o_top >= bottom or o_bottom <= top:
                continue
            size = _mode_size(other)
            if largest < RAISED_SIZE * size and (0 <= o_x0 - x1 <= 0.5 * size
                                                 or 0 <= x0 - o_x1 <= 0.5 * size):
                other.extend(ink)
                other.sort(key=lambda c: c["x0"])
                absorbed.add(i)
                break
    return [segment for i, segment in enumerate(segments) if i not in absorbed]


def _is_gutter(previous: Char, c: Char, gutters: set[float]) -> bool:
    gap = c["x0"] - previous["x1"]
    return gap > SEGMENT_GAP_EM * max(c["size"], previous["size"]) or previous["x1"] in gutters


def _line(chars: list[Char], page_number: int) -> Line | None:
    """Text of one segment with word spaces from geometry and raised characters set apart."""
    chars = _limits_beside_operators(chars)
    size = _mode_size(chars)
    baseline = _baseline(chars, size)
    parts: list[str] = []
    raised: list[tuple[int, str]] = []
    bold = italic = bad = 0
    previous: Char | None = None
    for c in chars:
        text: str = c["text"]
        if text.isspace():
            previous = c
            continue
        if (text in _ACCENTS and parts and not parts[-1].isspace() and previous is not None
                and not previous["text"].isspace() and c["x0"] < previous["x1"]):
            parts[-1] += _ACCENTS[text]  # set over the letter before it (TeX's math accents)
            continue  # the letter stays ``previous``: the gap after it is the letter's
        if previous is not None and _is_word_gap(previous, c):
            _append_space(parts)
        if is_bad_glyph(text):
            bad += 1
            previous = c
            continue
        text = _LIGATURES.get(text, text)
        style = _style(c.get("fontname", ""))
        bold += style[0]
        italic += style[1]
        if c["size"] < RAISED_SIZE * size and c["bottom"] < baseline - RAISED_EM * size:
            offset = sum(len(p) for p in parts)
            if raised and raised[-1][0] == offset:
                raised[-1] = (offset, raised[-1][1] + text)
            else:
                raised.append((offset, text))
        else:
            parts.append(text)
        previous = c
    text = "".join(parts).rstrip()
    count = sum(1 for c in chars if not c["text"].isspace())
    lead = ""
    if raised and raised[0][0] == 0:
        lead = raised.pop(0)[1]
        text = text.lstrip()
        shift = len("".join(parts)) - len("".join(parts).lstrip())
        raised = [(o - shift, t) for o, t in raised]
    if not text and not lead:
        return None if not bad else Line(page_number, chars[0]["x0"], _line_top(chars),
                                         chars[-1]["x1"], _line_bottom(chars), "", size, 0.0,
                                         False, [], "", bad, count)
    letters = max(count - bad, 1)
    ink = [c for c in chars if not c["text"].isspace()]  # a space may lie past a gutter
    return Line(page_number, min(c["x0"] for c in ink), _line_top(chars),
                max(c["x1"] for c in ink), _line_bottom(chars), text, size, bold / letters,
                italic / letters >= BOLD_SHARE, raised, lead, bad, count)


@lru_cache(maxsize=4096)
def _style(fontname: str) -> tuple[bool, bool]:
    """(bold, italic) as the font name tells it."""
    return bool(_BOLD.search(fontname)), bool(_ITALIC.search(fontname))


def _line_top(chars: list[Char]) -> float:
    """The line's top from its characters' baselines: pdfminer hangs each glyph box from its
    font's descent, and math fonts declare descents of a whole line, which would make lines
    overlap their neighbours."""
    return min(c["baseline"] - ASCENT_EM * c["size"] for c in chars)


def _line_bottom(chars: list[Char]) -> float:
    return max(c["baseline"] + DESCENT_EM * c["size"] for c in chars)


def _top(chars: list[Char]) -> float:
    return min(c["top"] for c in chars)


def _bottom(chars: list[Char]) -> float:
    return max(c["bottom"] for c in chars)


def _baseline(chars: list[Char], size: float) -> float:
    """The line's usual character bottom: the bounding boxes (unlike ``baseline``) include a
    text rise, the way some writers raise superscripts."""
    bottoms = sorted(c["bottom"] for c in chars if abs(c["size"] - size) < 0.5)
    return bottoms[len(bottoms) // 2] if bottoms else max(c["bottom"] for c in chars)


def _is_word_gap(previous: Char, c: Char) -> bool:
    if previous["text"].isspace():
        return True
    return c["x0"] - previous["x1"] > WORD_GAP_EM * min(c["size"], previous["size"])


def _append_space(parts: list[str]) -> None:
    if parts and not parts[-1].endswith(" "):
        parts.append(" ")


# -- line segments -> blocks -----------------------------------------------------------------

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
        if line.x0 >= last.x1 or line.x1 <= last.x0:
            continue
        if abs(line.size - last.size) > SIZE_TOLERANCE * max(line.size, last.size):
            continue
        if line.bold != last.bold or _starts_new_paragraph(block, line):
            continue
        if best_gap is None or gap < best_gap:
            best, best_gap = block, gap
    return best


def _starts_new_paragraph(block: LayoutBlock, line: Line) -> bool:
    if line.lead_label or _BULLET.match(line.text):
        return True
    if len(block.lines) < 2:  # a hanging indent (list item, note) continues its first line
        return False
    indent = line.x0 - min(l.x0 for l in block.lines[1:])
    return indent > INDENT_EM * line.size and line.x1 >= block.x1 - line.size


# -- reading order ---------------------------------------------------------------------------

def reading_order(blocks: list[LayoutBlock]) -> list[LayoutBlock]:
    """Column-aware XY-cut: split at a vertical gutter when every block in the region allows
    it (columns, left to right); otherwise cut into horizontal bands, merging neighbouring
    bands while they still share a gutter so a column run is read column by column."""
    if len(blocks) <= 1:
        return list(blocks)
    columns = _vertical_cut(blocks)
    if len(columns) > 1:
        return [b for column in columns for b in reading_order(column)]
    bands = _horizontal_cut(blocks)
    if len(bands) == 1:
        return sorted(blocks, key=lambda b: (b.top, b.x0))
    ordered: list[LayoutBlock] = []
    for group in _merge_column_bands(bands):
        ordered.extend(reading_order(group) if len(group) < len(blocks) else
                       sorted(group, key=lambda b: (b.top, b.x0)))
    return ordered


def _vertical_cut(blocks: list[LayoutBlock]) -> list[list[LayoutBlock]]:
    spans = sorted((b.x0, b.x1) for b in blocks)
    cuts = []
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= GUTTER_MIN:
            cuts.append((reach + x0) / 2)
        reach = max(reach, x1)
    if not cuts:
        return [blocks]
    columns: list[list[LayoutBlock]] = [[] for _ in range(len(cuts) + 1)]
    for b in blocks:
        columns[sum(1 for cut in cuts if b.x0 > cut)].append(b)
    return [c for c in columns if c]


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


def _merge_column_bands(bands: list[list[LayoutBlock]]) -> list[list[LayoutBlock]]:
    groups: list[list[LayoutBlock]] = [bands[0]]
    for band in bands[1:]:
        candidate = groups[-1] + band
        if len(_vertical_cut(candidate)) > 1:
            groups[-1] = candidate
        else:
            groups.append(band)
    return groups
