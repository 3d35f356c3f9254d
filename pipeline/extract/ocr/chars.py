"""OCR lines in, the character records the PDF layout code reads (``pdf/chars.py``) out.

The recogniser gives each line a box and each character a horizontal position; the layout code
also needs a font size, a baseline and raised characters (footnote markers). They come from the
ink of the line in the page image: the median ink of its x-height letters (a, c, e, m, ...)
sits on the baseline and is ``X_HEIGHT_EM`` of the size high; a line without them is measured
by its capitals and digits (``CAP_EM``). A digit (or ``*``, ``†``) whose ink ends well above the
baseline, or that the recogniser read as a superscript digit, is set raised and smaller.

All coordinates out are PDF points of the upright page, (x0, top, x1, bottom) from the top left,
as pdfplumber's characters are.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pipeline.extract.ocr.engine import OcrLine, OcrPage
from pipeline.extract.pdf.chars import Char

CAP_EM = 0.7
"""Height of capitals and ascenders above the baseline, in em (most text faces: 0.66-0.75)."""
X_HEIGHT_EM = 0.48
"""Height of the x-height band in em (Times 0.45, Helvetica 0.52, most faces between)."""
BAND_FLOOR = 0.03
"""A pixel row with less ink than this share of the line's busiest row is leading."""
MIN_LETTERS = 2
"""Letters of a kind a line needs for its size to be measured from them."""
RAISED_X_HEIGHT = 0.3
"""A marker candidate whose ink ends this share of the x-height above the baseline is raised."""
RAISED_SIZE = 0.65
"""Font size (share of the line's) given to a raised character."""
SNAP = 0.07
"""Lines within this share of the page's commonest size are set in it: measured sizes wobble
with the letters a line happens to hold; the layout code splits blocks at a tenth."""
FONT = "OCR"
"""Font name of every OCR character (no style is recognised: nothing is bold or italic)."""
_MARKS = set("0123456789*†‡§")
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))
_X_LETTERS = set("acemnorsuvwxz")
_CAPITALS = set("ABCDEFGHIKLMNOPRSTUVWXYZ0123456789")


def page_chars(page: OcrPage, dpi: float) -> list[Char]:
    """Every recognised character of the page as a layout character, in points."""
    ink = np.asarray(page.image) < _threshold(page.image)
    scale = 72.0 / dpi
    measured = [(line, _measure(ink, line)) for line in page.lines]
    sizes = _snapped([m[0] for _, m in measured])
    chars: list[Char] = []
    for (line, (_, baseline)), size in zip(measured, sizes):
        chars.extend(_line_chars(ink, line, size, baseline, scale))
    return chars


def _threshold(image: Any) -> int:
    """Ink is darker than halfway between the page's paper and its darkest tenth."""
    pixels = np.asarray(image)
    paper = float(np.percentile(pixels, 90))
    dark = float(np.percentile(pixels, 1))
    return int((paper + dark) / 2) if paper - dark > 40 else 128


def _measure(ink: np.ndarray, line: OcrLine) -> tuple[float, float]:
    """(size, baseline) of a line in pixels from the ink of its x-height letters (a, c, e, m,
    ...; failing those, its capitals and digits): the median of their ink tops and bottoms.
    Whole-row ink profiles mislead on short lines, where two capitals or a number move them."""
    top, bottom = _band(ink, line)
    for letters, em in ((_X_LETTERS, X_HEIGHT_EM), (_CAPITALS, CAP_EM)):
        spans = [span for ch in line.chars if ch.text in letters
                 if (span := _ink_rows(ink, ch.x0, ch.x1, top, bottom)) is not None]
        if len(spans) >= MIN_LETTERS:
            glyph_top = float(np.median([s[0] for s in spans]))
            baseline = float(np.median([s[1] for s in spans]))
            return max(baseline - glyph_top, 1.0) / em, baseline
    return (bottom - top) / 1.3, float(bottom)


def _band(ink: np.ndarray, line: OcrLine) -> tuple[int, int]:
    """Rows (top, bottom) of the line's own ink: the detector's box is generous and may take
    in the descenders and ascenders of the lines above and below, so the band grows from the
    line's busiest row until the ink nearly stops (the leading between lines)."""
    x0, top, x1, bottom = (int(round(v)) for v in line.box)
    top, x0 = max(top, 0), max(x0, 0)
    rows = ink[top:max(bottom, top + 1), x0:max(x1, x0 + 1)].sum(axis=1)
    if rows.size == 0 or rows.max() == 0:
        return top, max(bottom, top + 1)
    floor = BAND_FLOOR * rows.max()
    first = last = int(rows.argmax())
    while first > 0 and rows[first - 1] > floor:
        first -= 1
    while last < rows.size - 1 and rows[last + 1] > floor:
        last += 1
    return top + first, top + last + 1


def _ink_rows(ink: np.ndarray, x0: float, x1: float, top: int, bottom: int
              ) -> tuple[float, float] | None:
    """Top and bottom (pixels) of the ink in the middle of a character's column."""
    inset = (x1 - x0) * 0.2  # the recogniser's positions are approximate: skip neighbours
    columns = ink[max(top, 0):bottom, max(int(x0 + inset), 0):max(int(x1 - inset), int(x0) + 1)]
    rows = np.flatnonzero(columns.any(axis=1))
    if rows.size == 0:
        return None
    return float(top + rows[0]), float(top + rows[-1] + 1)


def _snapped(sizes: list[float]) -> list[float]:
    if not sizes:
        return []
    common = float(np.median(sizes))
    return [common if abs(s - common) <= SNAP * common else s for s in sizes]


def _line_chars(ink: np.ndarray, line: OcrLine, size: float, baseline: float,
                scale: float) -> list[Char]:
    top = baseline - CAP_EM * size
    out: list[Char] = []
    for i, ch in enumerate(line.chars):
        text, char_size, char_bottom = ch.text, size, baseline
        if text in _SUPERSCRIPTS:  # the recogniser read it raised: set it raised
            text = _SUPERSCRIPTS[text]
            char_size, char_bottom = RAISED_SIZE * size, baseline - RAISED_X_HEIGHT * size
        elif text in _MARKS and i > 0 and line.chars[i - 1].text != " ":
            raised = _raised_bottom(ink, ch.x0, ch.x1, top, baseline, size)
            if raised is not None:
                char_size, char_bottom = RAISED_SIZE * size, raised
        out.append({"text": text, "x0": ch.x0 * scale, "x1": ch.x1 * scale,
                    "top": (char_bottom - CAP_EM * char_size) * scale,
                    "bottom": char_bottom * scale, "baseline": char_bottom * scale,
                    "size": char_size * scale, "fontname": FONT, "upright": True})
    return out


def _raised_bottom(ink: np.ndarray, x0: float, x1: float, top: float, baseline: float,
                   size: float) -> float | None:
    """The bottom of the character's ink when it ends well above the baseline (a superscript)."""
    columns = ink[max(int(top), 0):int(baseline) + 1, max(int(x0), 0):max(int(x1), int(x0) + 1)]
    rows = np.flatnonzero(columns.any(axis=1))
    if rows.size == 0:
        return None
    bottom = int(top) + float(rows[-1] + 1)
    x_height = X_HEIGHT_EM * size
    return bottom if bottom < baseline - RAISED_X_HEIGHT * x_height else None
