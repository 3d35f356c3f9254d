"""OCR lines in, the character records the PDF layout code reads (``pdf/chars.py``) out.

The recogniser gives each line a box and each character a horizontal position; the layout code
also needs positions it can line up (column edges), a font size, a baseline and raised
characters (footnote markers). They come from the ink of the line in the page image: each
word's box is fitted to its ink and widened by a glyph's side bearings, so word gaps and
column edges measure as in a PDF; the median ink of the x-height letters (a, c, e, m, ...)
sits on the baseline, and ascenders and capitals stand ``CAP_EM`` of the size above it (a line
without them is sized by its x-height, as the page's other lines relate the two). A digit (or
``*``, ``†``) whose ink ends well above the baseline, or that the recogniser read as a
superscript digit, is set raised and smaller.

All coordinates out are PDF points of the upright page, (x0, top, x1, bottom) from the top left,
as pdfplumber's characters are.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from pipeline.extract.ocr.engine import OcrChar, OcrLine, OcrPage
from pipeline.extract.pdf.chars import TEXT, TOP, X0, X1, Char

CAP_EM = 0.7
"""Height of capitals and ascenders above the baseline, in em (Times 0.66-0.68, Computer
Modern 0.68-0.69, Helvetica and Arial 0.72)."""
X_HEIGHT_EM = 0.48
"""Height of the x-height band in em (Times 0.45, Helvetica 0.52, most faces between), for a
page with too few lines to measure its face's own."""
BAND_FLOOR = 0.03
"""A pixel row with less ink than this share of the line's busiest row is leading."""
MIN_LETTERS = 2
TALL_OVER_X = 1.2
"""An ascender or capital rises at least this many x-heights above the baseline (1.3 in
Helvetica, 1.6 in Computer Modern and Times)."""
"""Letters of a kind a line needs for its size to be measured from them."""
RAISED_X_HEIGHT = 0.55
"""A marker candidate whose ink ends this share of the x-height above the baseline is raised: a
superscript's ink ends about one x-height above it, while a digit's own strokes looked at
without its stem (the crossbar of a 4, the bowl of a 9: up to 0.5 x-height) made ``54``
read as ``5`` with a raised ``4``."""
SUPERSCRIPT_RISE = 0.3
"""Em above the baseline at which a digit the recogniser read as a superscript is set."""
MARK_GAP_EM = 0.4
"""The digits of one marker stand closer than this (em: the ink of ``11`` leaves 0.3 em; the
space after a marker may be as narrow, so the raised ink is looked for only up to the next
word)."""
RAISED_SIZE = 0.65
"""Font size (share of the line's) given to a raised character."""
SNAP = 0.07
"""Lines within this share of the page's commonest size are set in it: measured sizes wobble
with the letters a line happens to hold; the layout code splits blocks at a tenth."""
FONT = "OCR"
"""Font name of every OCR character (no style is recognised: nothing is bold or italic)."""
LETTER_GAP = 0.08
"""Ink gaps narrower than this share of a line's ink band (about an em) lie between letters of
one word: letters stand 0-0.05 em apart, justified word spaces at least 0.2 em."""
DROPPED_SPACE_EM = 0.4
"""An ink gap this wide (em) inside a recognised word is a space the recogniser dropped:
letters stand under 0.1 em apart, word spaces leave at least 0.25 em of paper."""
MIN_COLUMN_INK = 2
"""Ink pixels a pixel column of a line needs to count as ink (one is grain or JPEG noise)."""
LEFT_BEARING_EM, RIGHT_BEARING_EM, POINT_BEARING_EM = 0.04, 0.06, 0.1
"""Space (em) between a word's ink and its advance box on the left, on the right, and right of
a closing comma or full stop, as measured on a Computer Modern page rendered at 200 dpi (the
antialiased edge left out of the ink is part of it; on a Times page the word gaps then match
the PDF's to 0.004 em in the median, 0.033 em at the 90th percentile). Without it word gaps
read 0.1 em wider than the PDF's, and most of a justified line's spaces pass for column
gutter candidates (columns.py CANDIDATE_GAP_EM)."""
GAP_MARGIN_EM = 0.015
"""Added to each side's bearing: a word gap read too wide splits a column's text into pieces
too short to confirm its gutter, one read a little narrow costs nothing (gutters are about
twice as wide as the widest justified space), so the measured gaps err low by about their
spread."""
_POINTS = set(",.;:")
_DASHES = set("-‐‑‒–—")
_MARKS = set("0123456789*†‡§")
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))
_RUN = _MARKS | set(_SUPERSCRIPTS)
"""Characters of a marker run: a raised ``12`` may be read ``1²``."""
_X_LETTERS = set("acemnorsuvwxz")
_TALL = set("bdhklABDEFHIKLMNPRTUVWXYZ")
_CAPITALS = set("ABCDEFGHIKLMNOPRSTUVWXYZ0123456789")


def page_chars(page: OcrPage, dpi: float) -> tuple[list[Char], tuple[OcrLine, ...]]:
    """Every recognised character of the page as a layout character, in points; and the
    page's lines with their words fitted to the ink (pixels), for the words' boxes."""
    ink = page.ink
    scale = 72.0 / dpi
    fitted = [_fitted(ink, line) for line in _untangled(ink, page.lines)]
    measured = [_measure(ink, line) for line in fitted]
    # the face's x-height, from the lines measured both ways, sizes the lines without
    # ascenders or capitals as the others are sized
    shares = [m.x_height / m.size for m in measured if m.x_height and not m.by_x_height]
    x_em = float(np.median(shares)) if len(shares) >= MIN_LETTERS else X_HEIGHT_EM
    sizes = _snapped([m.x_height / x_em if m.by_x_height and m.x_height else m.size
                      for m in measured])
    fitted = [_spaced(ink, line, m) for line, m in zip(fitted, measured)]
    chars: list[Char] = []
    for line, m, size in zip(fitted, measured, sizes):
        chars.extend(_line_chars(ink, line, size, m.baseline, scale))
    return chars, tuple(fitted)


RULE_MIN_POINTS = 36.0
"""A horizontal run of ink at least this long (points) outside the text lines is a rule (a
note separator is a third of the text width, about 150 points)..."""
RULE_MAX_POINTS = 3.0
"""...when it is at most this thick: pdf/notes.py's RULE_MAX_HEIGHT (2 points, a filled
bar's height) and the pen's width with a pixel of blur, which ink adds to a line the PDF
draws with no height (UNMISS's heading bar: 2.2 points of ink clean, more on a copy)."""


def page_rules(page: OcrPage, dpi: float) -> list[tuple[float, float, float, float]]:
    """Horizontal rules drawn on the page (points, upright page): the PDF reads them from its
    vector graphics, a scan has them only as ink. The ink inside the text lines' boxes is left
    out (an underline is part of its line), not the whole rows they cover: a heading's bar
    drawn on across the page level with the heading (UNMISS's GENERAL TRENDS) is a rule
    beside it, and tells the reading order that the columns above it end there."""
    least = int(RULE_MIN_POINTS * dpi / 72)
    ink = page.ink.copy()
    for line in page.lines:
        x0, top, x1, bottom = (int(v) for v in line.box)
        ink[max(top, 0):bottom + 1, max(x0, 0):x1 + 1] = False
    candidates = np.flatnonzero(ink.sum(axis=1) >= least)
    found: list[tuple[int, int, int]] = []  # row, x0, x1 of each row's longest run
    for row in candidates.tolist():
        x0, x1 = _longest_run(ink[row])
        if x1 - x0 >= least:
            found.append((row, x0, x1))
    rules: list[list[int]] = []  # top, bottom, x0, x1
    for row, x0, x1 in found:
        if rules and row == rules[-1][1] + 1 and abs(x0 - rules[-1][2]) <= 2:
            rules[-1][1] = row
        else:
            rules.append([row, row, x0, x1])
    scale = 72.0 / dpi
    return [(x0 * scale, top * scale, x1 * scale, (bottom + 1) * scale)
            for top, bottom, x0, x1 in rules if (bottom + 1 - top) * scale <= RULE_MAX_POINTS]


def _longest_run(row: np.ndarray) -> tuple[int, int]:
    """Half-open (x0, x1) of the longest run of True in ``row``."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], row.astype(np.int8), [0]))))
    starts, ends = edges[::2], edges[1::2]
    if not starts.size:
        return 0, 0
    best = int(np.argmax(ends - starts))
    return int(starts[best]), int(ends[best])


def _untangled(ink: np.ndarray, lines: tuple[OcrLine, ...]) -> list[OcrLine]:
    """The lines with the boxes of two pieces of one row that overlap cut apart at the widest
    ink gap in the overlap: the detector splits a row at a raised marker (``areas.`` and
    ``23 In fact``) with boxes that both take in the marker's ink, and a word fitted to
    ink that is not its own stands over the marker (which then joins no line)."""
    boxes = [list(line.box) for line in lines]
    for a in boxes:
        for b in boxes:
            overlap = min(a[3], b[3]) - max(a[1], b[1])
            if not (a[0] < b[0] < a[2] <= b[2]
                    and overlap >= 0.5 * min(a[3] - a[1], b[3] - b[1])):
                continue
            top, bottom = int(max(a[1], b[1])), int(min(a[3], b[3]))
            start = int(b[0])
            empty = np.flatnonzero(~ink[top:bottom, start:int(np.ceil(a[2]))].any(axis=0))
            gaps = _runs(empty, 0)
            if gaps:
                x0, x1 = max(gaps, key=lambda g: g[1] - g[0])
                a[2] = b[0] = start + (x0 + x1) / 2
    return [replace(line, box=(box[0], box[1], box[2], box[3]))
            for line, box in zip(lines, boxes)]


def _fitted(ink: np.ndarray, line: OcrLine) -> OcrLine:
    """The line with each word's box fitted to its ink.

    The recogniser places a character only to within its output column (about 1.5 points at
    200 dpi), so the edges of a column of text would wobble by more than the point the
    layout code's gutter test allows (columns.py ALIGN_TOLERANCE). The ink of the line's band
    is cut into runs at gaps wider than letters leave; each run goes to the word whose
    predicted span holds its centre (or the nearest), the word takes the runs' extent, and its
    characters are spread over it in proportion. Where two words meet, the runs are split at
    the ink gap that is widest for its distance from where the recogniser put the space
    (``_split_at``): its cells run up to a glyph's width past the ink, so the first letter
    after a space (``model, compartmen-``, ``abuses. This``) went to the word before. A run
    reaching well past both sides of the recogniser's space is cut at its least-inked column
    near it: italic and script letters touch across a space (``of S`` one run in ``Journal of
    Statistical Software``)."""
    top, bottom, left, columns, runs = _line_ink(ink, line)
    words = _words(line.chars)
    if not runs or not words:
        return line
    reach = SPACE_REACH * (bottom - top)
    for k in range(len(words) - 1):
        runs = _cut(runs, (words[k][3] + words[k + 1][2]) / 2, columns, left, reach)
    owners = [min(range(len(words)), key=lambda w: _distance((a + b) / 2, words[w]))
              for a, b in runs]
    owners = _split_at(runs, words, owners, reach)
    extents: list[list[float]] = [[] for _ in words]
    for (start, end), owner in zip(runs, owners):
        extents[owner] += [start, end]
    chars = list(line.chars)
    for word, extent in zip(words, extents):
        if extent:
            _spread(chars, word, min(extent), max(extent))
    for i, ch in enumerate(chars):  # a space spans the gap between its words
        if ch.text.isspace() and 0 < i < len(chars) - 1:
            chars[i] = replace(ch, x0=chars[i - 1].x1, x1=max(chars[i + 1].x0, chars[i - 1].x1))
    return replace(line, chars=tuple(chars))


class LineInk(NamedTuple):
    """A line's own band of ink (``_band``), column by column, in pixels of the upright page."""

    top: int
    bottom: int
    left: int
    """The first column: the left of the line's box."""
    columns: np.ndarray
    """Ink pixels in each column of the band, from ``left`` to the box's right."""
    runs: list[tuple[int, int]]
    """Runs of inked columns (page x, half-open), apart where a gap is wider than letters
    leave (``LETTER_GAP``)."""


def _line_ink(ink: np.ndarray, line: OcrLine) -> LineInk:
    top, bottom = _band(ink, line)
    left = max(int(line.box[0]), 0)
    columns = ink[top:bottom, left:max(int(np.ceil(line.box[2])), left + 1)].sum(axis=0)
    runs = [(left + a, left + b) for a, b in
            _runs(np.flatnonzero(columns >= MIN_COLUMN_INK), LETTER_GAP * (bottom - top))]
    return LineInk(top, bottom, left, columns, runs)


SPACE_REACH = 0.8
"""A word space is looked for this share of the line's ink band (capitals to baseline, about
0.7 em: so about a glyph's width) either side of where the recogniser put it..."""
SPACE_DRIFT = 0.5
"""...a gap counting its width less this share of its distance from there: the widest gap
near the recogniser's space is the space (a letter gap is a fraction of a word space), but of
two spaces around a short word (``of a book``) the nearer."""


def _cut(runs: list[tuple[int, int]], space: float, columns: np.ndarray, left: int,
         reach: float) -> list[tuple[int, int]]:
    """``runs`` with the one reaching ``BRIDGE`` of ``reach`` past both sides of ``space``
    cut in two at its least-inked column within ``reach`` of it (that column left out), unless
    a gap between runs lies within ``reach`` of it."""
    if any(abs((a1 + b0) / 2 - space) <= reach for (_, a1), (b0, _) in zip(runs, runs[1:])):
        return runs  # a gap near the space parts the words
    out = []
    for a, b in runs:
        if a < space - BRIDGE * reach and b > space + BRIDGE * reach:
            first, last = max(a + 1, int(space - reach)), min(b - 1, int(space + reach))
            cut = first + int(np.argmin(columns[first - left:last - left]))
            out += [(a, cut), (cut + 1, b)]
        else:
            out.append((a, b))
    return out


BRIDGE = 0.5
"""A run of ink reaching this share of ``SPACE_REACH`` past both sides of the recogniser's space
bridges it: letters touching across the space."""


def _split_at(runs: list[tuple[int, int]], words: list[Word], owners: list[int],
              reach: float) -> list[int]:
    """``owners`` (each ink run's word, in order) with each boundary between two words that
    both own runs moved to the best gap between runs within ``reach`` of the recogniser's
    space (widest, less ``SPACE_DRIFT`` of its distance from it); runs stay in order and each
    word keeps at least one run."""
    out = list(owners)
    for k in range(len(words) - 1):
        firsts = [j for j, o in enumerate(out) if o > k]
        if not firsts or not any(o == k for o in out) or out[firsts[0]] != k + 1:
            continue
        split = firsts[0]  # runs[split:] belong to later words
        expected = (words[k][3] + words[k + 1][2]) / 2
        low = next(j for j, o in enumerate(out) if o == k) + 1  # word k keeps a run
        high = max(j for j, o in enumerate(out) if o == k + 1)  # so does word k + 1
        best, score = split, -np.inf
        for j in range(low, high + 1):
            gap, middle = runs[j][0] - runs[j - 1][1], (runs[j][0] + runs[j - 1][1]) / 2
            if abs(middle - expected) <= reach and gap - SPACE_DRIFT * abs(
                    middle - expected) > score:
                best, score = j, gap - SPACE_DRIFT * abs(middle - expected)
        for j in range(low, high + 1):
            out[j] = k if j < best else k + 1
    return out


def _spaced(ink: np.ndarray, line: OcrLine, measure: Measure) -> OcrLine:
    """The line with a space where a word's ink has a gap as wide as a word space: the
    recogniser drops narrow spaces, most often after a note's number (``4 HRNK`` read as
    ``4HRNK``, so the note has no label). A gap before ink standing above the baseline is
    kept: that is a raised marker after its word; so is a gap beside a hyphen or dash, whose
    glyph stands in wide side bearings of its own (``user-accessible``)."""
    top, _, _, _, runs = _line_ink(ink, line)
    least = DROPPED_SPACE_EM * measure.size
    chars = list(line.chars)
    for first, last, x0, x1 in reversed(_words(line.chars)):  # inserting keeps earlier indices
        inside = [r for r in runs if x0 - 1 <= r[0] and r[1] <= x1 + 1]
        for (_, gap0), (gap1, end) in reversed(list(zip(inside, inside[1:]))):
            if gap1 - gap0 < least or _above(ink, gap1, end, top, measure):
                continue
            split = next((i for i in range(first, last + 1)
                          if (chars[i].x0 + chars[i].x1) / 2 >= (gap0 + gap1) / 2), None)
            if split is None or split == first or _DASHES & {chars[split - 1].text,
                                                               chars[split].text}:
                continue
            word = (first, last, x0, x1)
            _spread(chars, (first, split - 1, chars[first].x0, chars[split - 1].x1),
                    chars[first].x0, gap0)
            _spread(chars, (split, last, chars[split].x0, chars[last].x1), gap1, chars[last].x1)
            chars.insert(split, OcrChar(" ", gap0, gap1, chars[split].confidence))
            first, last, x0, x1 = word[0], split - 1, x0, gap0
    return replace(line, chars=tuple(chars))


def _above(ink: np.ndarray, x0: int, x1: int, top: int, measure: Measure) -> bool:
    """Whether the ink between ``x0`` and ``x1`` ends above the baseline (a raised mark)."""
    rows = np.flatnonzero(ink[top:int(measure.baseline) + 2, x0:x1].any(axis=1))
    return bool(rows.size) and top + rows[-1] + 1 < measure.baseline - RAISED_X_HEIGHT * (
        measure.x_height or X_HEIGHT_EM * measure.size)


def _runs(ink_columns: np.ndarray, letter_gap: float) -> list[tuple[int, int]]:
    """Half-open runs of ink columns, joined across gaps up to ``letter_gap`` pixels."""
    runs: list[tuple[int, int]] = []
    for x in ink_columns.tolist():
        if runs and x - runs[-1][1] <= letter_gap:
            runs[-1] = (runs[-1][0], x + 1)
        else:
            runs.append((x, x + 1))
    return runs


Word = tuple[int, int, float, float]
"""Index of a word's first and last character, and its predicted x0 and x1 (pixels)."""


def _words(chars: tuple[OcrChar, ...]) -> list[Word]:
    """Each run of non-space characters with its span as the recogniser placed it."""
    words: list[Word] = []
    for i, ch in enumerate(chars):
        if ch.text.isspace():
            continue
        if words and words[-1][1] == i - 1:
            words[-1] = (words[-1][0], i, words[-1][2], ch.x1)
        else:
            words.append((i, i, ch.x0, ch.x1))
    return words


def _distance(x: float, word: Word) -> float:
    return max(word[2] - x, x - word[3], 0.0)


def _spread(chars: list[OcrChar], word: Word, x0: float, x1: float) -> None:
    """Map the word's characters from their predicted span onto ``x0``..``x1``."""
    first, last, old0, old1 = word
    scale = (x1 - x0) / max(old1 - old0, 1e-6)
    for i in range(first, last + 1):
        ch = chars[i]
        chars[i] = replace(ch, x0=x0 + (ch.x0 - old0) * scale, x1=x0 + (ch.x1 - old0) * scale)


class Measure(NamedTuple):
    size: float
    """Pixels per em."""
    baseline: float
    x_height: float | None
    """Pixels; None when the line has too few x-height letters to measure it."""
    by_x_height: bool
    """The size is the x-height over ``X_HEIGHT_EM`` (no ascenders or capitals to go by)."""


def _measure(ink: np.ndarray, line: OcrLine) -> Measure:
    """Size and baseline of a line in pixels: the baseline is the median ink bottom of its
    x-height letters (a, c, e, m, ...), the size its ascenders' and capitals' median height
    over it (``CAP_EM``), which varies less between faces than the x-height (Computer Modern
    0.43 em, Helvetica 0.52) that measures lines without them. Whole-row ink profiles
    mislead on short lines, where two capitals or a number move them."""
    top, bottom = _band(ink, line)
    low, tall, capitals = ([span for ch in line.chars if ch.text in letters
                            if (span := _ink_rows(ink, ch.x0, ch.x1, top, bottom)) is not None]
                           for letters in (_X_LETTERS, _TALL, _CAPITALS))
    if len(low) >= MIN_LETTERS:
        baseline = float(np.median([s[1] for s in low]))
        x_height = max(baseline - float(np.median([s[0] for s in low])), 1.0)
        # a tall letter whose column shows no more than x-height ink was placed on a
        # neighbour (positions inside a word are approximate): left out
        tops = [s[0] for s in tall if s[0] < baseline - TALL_OVER_X * x_height]
        if len(tops) >= MIN_LETTERS:
            return Measure(max(baseline - float(np.median(tops)), 1.0) / CAP_EM, baseline,
                           x_height, False)
        return Measure(x_height / X_HEIGHT_EM, baseline, x_height, True)
    if len(capitals) >= MIN_LETTERS:
        baseline = float(np.median([s[1] for s in capitals]))
        return Measure(max(baseline - float(np.median([s[0] for s in capitals])), 1.0) / CAP_EM,
                       baseline, None, False)
    return Measure((bottom - top) / 1.3, float(bottom), None, False)


def _band(ink: np.ndarray, line: OcrLine) -> tuple[int, int]:
    """Rows (top, bottom) of the line's own ink: the detector's box is generous and may take
    in the descenders and ascenders of the lines above and below, so the band is the run of
    rows with the most ink between rows where the ink nearly stops (the leading between
    lines)."""
    x0, top, x1, bottom = (int(round(v)) for v in line.box)
    top, x0 = max(top, 0), max(x0, 0)
    rows = ink[top:max(bottom, top + 1), x0:max(x1, x0 + 1)].sum(axis=1)
    if rows.size == 0 or rows.max() == 0:
        return top, max(bottom, top + 1)
    # the run of rows over the floor holding the most ink: the busiest single row may be the
    # baseline serifs of the line above, cut off by a box that a raised marker made taller
    runs = _runs(np.flatnonzero(rows > BAND_FLOOR * rows.max()), 0)
    first, last = max(runs, key=lambda run: int(rows[run[0]:run[1]].sum()))
    return top + first, top + last


def _ink_rows(ink: np.ndarray, x0: float, x1: float, top: int, bottom: int
              ) -> tuple[float, float] | None:
    """Top and bottom (pixels) of the ink in the middle of a character's column. Ink touching
    the band's top is followed up while it goes on: the band of a line with few ascenders
    (a share of ``BAND_FLOOR`` of its busiest row) may end at its x-height."""
    inset = (x1 - x0) * 0.2  # the recogniser's positions are approximate: skip neighbours
    left, right = max(int(x0 + inset), 0), max(int(x1 - inset), int(x0) + 1)
    rows = np.flatnonzero(ink[max(top, 0):bottom, left:right].any(axis=1))
    if rows.size == 0:
        return None
    first = max(top, 0) + int(rows[0])
    while first > max(top - (bottom - top), 0) and ink[first - 1, left:right].any():
        first -= 1
    return float(first), float(max(top, 0) + rows[-1] + 1)


def _snapped(sizes: list[float]) -> list[float]:
    if not sizes:
        return []
    common = float(np.median(sizes))
    return [common if abs(s - common) <= SNAP * common else s for s in sizes]


def _line_chars(ink: np.ndarray, line: OcrLine, size: float, baseline: float,
                scale: float) -> list[Char]:
    raised = _raised_runs(ink, line.chars, baseline, size)
    chars = tuple(replace(ch, x0=raised[i][0], x1=raised[i][1]) if i in raised else ch
                  for i, ch in enumerate(line.chars))
    out: list[Char] = []
    for i, ch in enumerate(chars):
        text, char_size, char_bottom = ch.text, size, baseline
        if i in raised:
            text = _SUPERSCRIPTS.get(text, text)
            char_size, char_bottom = RAISED_SIZE * size, raised[i][2]
        elif text in _SUPERSCRIPTS:  # the recogniser read it raised: set it raised
            text = _SUPERSCRIPTS[text]
            char_size, char_bottom = RAISED_SIZE * size, baseline - SUPERSCRIPT_RISE * size
        x0, x1 = _advance(chars, i, size)
        out.append((text, x0 * scale, x1 * scale, (char_bottom - CAP_EM * char_size) * scale,
                    char_bottom * scale, char_bottom * scale, char_size * scale, FONT, True))
    for i, char in enumerate(out):  # a space still spans the gap between its words
        if char[TEXT].isspace() and 0 < i < len(out) - 1:
            out[i] = (char[TEXT], out[i - 1][X1], max(out[i + 1][X0], out[i - 1][X1]),
                      *char[TOP:])
    return out


def _advance(chars: tuple[OcrChar, ...], i: int, size: float) -> tuple[float, float]:
    """The character's span widened, at a word's ends, from its ink to the advance box a PDF
    glyph has (the layout code's gaps are between advance boxes); by at most half the space
    beside it less half a pixel: italic letters overhang, and a narrow ink gap closed by the
    bearings of both words put the next word's first letter before the space (``ofS
    oftware``)."""
    x0, x1 = chars[i].x0, chars[i].x1
    if i == 0 or chars[i - 1].text.isspace():
        grow = (LEFT_BEARING_EM + GAP_MARGIN_EM) * size
        x0 -= min(grow, _half_gap(chars[i - 1])) if i else grow
    if i == len(chars) - 1 or chars[i + 1].text.isspace():
        right = POINT_BEARING_EM if chars[i].text in _POINTS else RIGHT_BEARING_EM
        grow = (right + GAP_MARGIN_EM) * size
        x1 += min(grow, _half_gap(chars[i + 1])) if i < len(chars) - 1 else grow
    return x0, x1


def _half_gap(space: OcrChar) -> float:
    return max((space.x1 - space.x0 - 1.0) / 2, 0.0)


def _raised_runs(ink: np.ndarray, chars: tuple[OcrChar, ...], baseline: float, size: float
                 ) -> dict[int, tuple[float, float, float]]:
    """Index of each character of a raised run of marker characters -> its new x0, x1 and
    the run's ink bottom (pixels). A run glued to a word (a marker) or opening the line (a
    note's label) is raised when the ink where it starts ends above the baseline, and its
    ink runs on from there while it stays raised (``_raised_ink``): the recogniser places
    the characters of a word only roughly, and worst its raised ones (``promise."13``: the
    ``3`` placed over the gap and the next word), so the run's characters are spread over
    the ink found."""
    found: dict[int, tuple[float, float, float]] = {}
    i = 0
    while i < len(chars):
        if chars[i].text not in _RUN or i and chars[i - 1].text in _RUN | {" "}:
            i += 1
            continue
        end = i
        while end + 1 < len(chars) and chars[end + 1].text in _RUN:
            end += 1
        # the ink between the characters around the run: the next word's start is fitted
        # to its ink, the neighbours inside a word are only placed
        low = (chars[i - 1].x0 + chars[i - 1].x1) / 2 if i else 0.0
        follow = chars[end + 1:end + 3]
        high = (follow[1].x0 if follow[0].text == " " and len(follow) > 1
                else (follow[0].x0 + follow[0].x1) / 2) if follow else float(ink.shape[1])
        blob = _raised_ink(ink, (chars[i].x0 + chars[i].x1) / 2, (low, high), baseline, size)
        if blob is None and any(c.text in _SUPERSCRIPTS for c in chars[i:end + 1]):
            # the recogniser saw it raised (``1²`` for a raised 12): one run, one height
            blob = chars[i].x0, chars[end].x1, baseline - SUPERSCRIPT_RISE * size
        if blob is not None:
            left, right, bottom = blob
            left = max(left, min(chars[i].x0, right - 1.0))  # a quote before it is raised too
            if follow and not follow[0].text.isspace():
                # and the arm of a letter glued after it, its bar just over the band's top
                # (``18The``: the ``8`` spread over the ``T``'s left serif stood over the
                # ``T``, not beside its base, and the marker was lost)
                right = max(left + 1.0, min(right, max(chars[end].x1, follow[0].x0)))
            step = (right - left) / (end + 1 - i)
            for k in range(i, end + 1):
                found[k] = (left + (k - i) * step, left + (k + 1 - i) * step, bottom)
        i = end + 1
    return found


def _raised_ink(ink: np.ndarray, x: float, bounds: tuple[float, float], baseline: float,
                size: float) -> tuple[float, float, float] | None:
    """(x0, x1, bottom) in pixels of the raised glyphs nearest ``x`` within ``bounds``; None
    when no glyph within 0.3 em of it is raised. A glyph (a run of ink columns) is raised when
    its ink between the capitals' top and the baseline ends above the baseline and rises over
    the x-height (a hyphen ends above the baseline too); the glyphs next to it join while they
    are raised and closer than ``MARK_GAP_EM``. Whole glyphs are judged: the edge of an ``8``
    or the crossbar of a ``4`` on the baseline ends above it."""
    top = max(int(baseline - CAP_EM * size), 0)
    first, last = max(int(bounds[0]) + 1, 0), min(int(bounds[1]), ink.shape[1])
    region = ink[top:int(baseline) + 2, first:max(last, first)]
    if not region.size:
        return None
    lowest = top + region.shape[0] - np.argmax(region[::-1], axis=0)  # the row under the ink
    highest = top + np.argmax(region, axis=0)
    high = baseline - RAISED_X_HEIGHT * X_HEIGHT_EM * size
    glyphs = [(a, b, int(lowest[a:b].max()),
               bool(lowest[a:b].max() < high
                    and highest[a:b].min() < baseline - X_HEIGHT_EM * size))
              for a, b in _runs(np.flatnonzero(region.any(axis=0)), 0)]
    reach, gap = 0.3 * size, MARK_GAP_EM * size
    near = [k for k, (a, b, _, raised) in enumerate(glyphs)
            if raised and first + b > x - reach and first + a < x + reach]
    if not near:
        return None
    at = min(near, key=lambda k: abs(first + (glyphs[k][0] + glyphs[k][1]) / 2 - x))
    lo = hi = at
    while lo > 0 and glyphs[lo - 1][3] and glyphs[lo][0] - glyphs[lo - 1][1] <= gap:
        lo -= 1
    while hi + 1 < len(glyphs) and glyphs[hi + 1][3] and glyphs[hi + 1][0] - glyphs[hi][1] <= gap:
        hi += 1
    return (float(first + glyphs[lo][0]), float(first + glyphs[hi][1]),
            float(max(g[2] for g in glyphs[lo:hi + 1])))
