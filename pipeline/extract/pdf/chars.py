"""PDF characters: the one record every character source hands the layout code.

The layout (lines.py, formulas.py, columns.py, order.py) reads nothing but lists of these
records, so any source can feed it: PDFium (pdfium.py), pdfminer's layout tree (objects.py), or
words from OCR split into characters. Coordinates are PDF points from the page's top-left
corner (pdfplumber's convention): ``top`` < ``bottom``, ``x0`` < ``x1``.

A record is a plain tuple read by the field numbers below (``c[X0]``): the layout reads each
glyph's fields many times over, and a tuple is made about ten times faster than a dict of
the same fields and read a quarter faster.

The measures of a row of characters below are shared by the line builder (lines.py) and the
formula reader (formulas.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from operator import itemgetter
from typing import Final

Char = tuple[str, float, float, float, float, float, float, str, bool]
"""One glyph as drawn on the page: (text, x0, x1, top, bottom, baseline, size, fontname,
upright)."""
TEXT: Final = 0
"""Its Unicode text (a ligature may be two or three letters); ``(cid:N)`` when the font maps
it to nothing (see ``is_bad_glyph``); a space where the source has one."""
X0: Final = 1
X1: Final = 2
TOP: Final = 3
BOTTOM: Final = 4
"""The glyph box, as the font's metrics give it (math fonts' boxes can be very deep)."""
BASELINE: Final = 5
"""The y of the line the glyph sits on (from the page top): rows are grouped by it."""
SIZE: Final = 6
"""Font size in points, as set (the text matrix's scale times the font size)."""
FONTNAME: Final = 7
"""The font's name (``ABCDEF+Times-Bold``): bold and italic are read from it."""
UPRIGHT: Final = 8
"""False for text set sideways (margin stamps): the layout leaves such characters out."""

BY_X0 = itemgetter(X0)
"""Sort key: a record's left edge."""
BY_BASELINE = itemgetter(BASELINE)
"""Sort key: a record's baseline."""
BY_SIZE = itemgetter(SIZE)
"""Sort key: a record's size."""

ROW_BASELINE_EM = 0.3
"""Characters whose baselines differ by less than this share of the font size sit on one row."""
SAME_BASELINE = 0.1
"""Points: characters whose baselines differ by less than this share a row in any case."""
WORD_GAP_EM = 0.15
"""A gap wider than this (em) between two characters is a word space: kerning stays below it,
tight justified spaces (about 0.2 em) stay above it."""
RAISED_SIZE = 0.92
"""A character smaller than this share of its row's size is set small: a script, a limit, or a
note marker (a superscript candidate when raised: lines.py's ``RAISED_EM``)."""

_UNMAPPED = re.compile("[\ue000-\uf8ff\ufffd]")
"""Private Use Area and the replacement character."""
_FEW_SIZES = 8
"""Up to this many distinct sizes, ``mode_size`` counts each with one pass of ``list.count``
(a row's two or three sizes: cheaper than building a ``Counter``)."""


def is_bad_glyph(text: str) -> bool:
    """A glyph with no Unicode meaning: ``(cid:N)`` (no ToUnicode map), Private Use Area, or
    the replacement character a ToUnicode map gives for glyphs it does not know."""
    return text.startswith("(cid:") or _UNMAPPED.search(text) is not None


def mode_size(chars: Iterable[Char]) -> float:
    """The most common size (to 0.1 pt) of the visible characters; 1.0 without any."""
    return mode_of_sizes([c[SIZE] for c in chars if not c[TEXT].isspace()])


def mode_of_sizes(sizes: list[float]) -> float:
    """``mode_size`` of the visible characters' sizes, in their order."""
    if not sizes:
        return 1.0
    if sizes.count(sizes[0]) == len(sizes):  # one size on most rows: skip the counting
        return round(sizes[0], 1)
    # each distinct size rounded once: counts and first-seen order (ties) as when rounding all
    distinct = dict.fromkeys(sizes)
    counts = (Counter(sizes).items() if len(distinct) > _FEW_SIZES
              else ((size, sizes.count(size)) for size in distinct))
    rounded: dict[float, int] = {}
    for size, n in counts:
        key = round(size, 1)
        rounded[key] = rounded.get(key, 0) + n
    return max(rounded.items(), key=itemgetter(1))[0]  # the first-seen of equal counts


OFF_PAGE_SHARE = 0.5
"""A run of glyphs with more than this share of its box past the page's edges is not read."""


def on_the_page(chars: list[Char], width: float, height: float) -> list[Char]:
    """``chars`` without the runs (one font, size and baseline, one after another as drawn)
    that lie mostly past the page's edges, where no reader sees them: a PostScript driver's
    font download sets whole alphabets (``zyxwvutsrq...``) at 100 pt from a point near the
    page's edge, and their first letters would otherwise join the page's text."""
    for c in chars:  # a loop, not ``all`` over a generator: most pages have every glyph on
        if not (0 <= c[X0] and c[X1] <= width and 0 <= c[TOP] and c[BOTTOM] <= height):
            break
    else:
        return chars
    kept: list[Char] = []
    start = 0
    for end in range(1, len(chars) + 1):
        if end < len(chars) and _same_run(chars[end - 1], chars[end]):
            continue
        run = chars[start:end]
        x0, x1 = min(c[X0] for c in run), max(c[X1] for c in run)
        top, bottom = min(c[TOP] for c in run), max(c[BOTTOM] for c in run)
        seen = (max(0.0, min(x1, width) - max(x0, 0.0))
                * max(0.0, min(bottom, height) - max(top, 0.0)))
        if seen >= (1 - OFF_PAGE_SHARE) * (x1 - x0) * (bottom - top):
            kept += run
        start = end
    return kept


def _same_run(a: Char, b: Char) -> bool:
    return a[FONTNAME] == b[FONTNAME] and a[SIZE] == b[SIZE] and a[BASELINE] == b[BASELINE]
