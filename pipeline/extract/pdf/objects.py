"""PDF page objects: a pdfplumber page in, the characters, rules, boxes and images the layout
needs out, read straight from pdfminer's layout tree.

pdfplumber's ``page.chars`` turns every pdfminer object into a dict of some twenty resolved
attributes (a quarter of the parse time on a text-heavy book); the layout reads nine. The
coordinates follow pdfplumber's conventions exactly (``top``/``bottom`` from the page top,
shifted by the MediaBox origin), so ``page.find_tables`` and ``to_image`` agree with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage, LTLine, LTRect

from pipeline.extract.pdf.chars import Char
from pipeline.extract.pdf.geometry import Box


@dataclass(slots=True)
class PageObjects:
    chars: list[Char]
    rects: list[Box]
    lines: list[Box]
    """Straight lines (``LTLine``), as pdfplumber's ``page.lines``."""
    images: list[Box]
    curves: list[Box]
    """Other paths (``LTCurve``): the strokes of charts and diagrams."""
    heavy: set[str] = field(default_factory=set)
    """Names of the fonts whose descriptor says bold (fonts.is_heavy), as the chars name them."""


def page_objects(page: pdfplumber.page.Page, descents: Mapping[str, float],
                 heavy: set[str]) -> PageObjects:
    """The page's characters (chars.py records: pdfplumber's fields and ``baseline``), rects, lines,
    images and curves. ``descents`` (font name -> descent per unit of size, an extension
    font's shifted by ``pdf_fonts.HANGING_EM``) places each baseline: a glyph box hangs that
    far below it, and math fonts' boxes hang far lower. ``heavy``: the bold fonts' names
    (fonts.EncodingResourceManager.heavy)."""
    height = float(page.height)
    mb_x0, mb_top = float(page.mediabox[0]), float(page.mediabox[1])
    found = PageObjects([], [], [], [], [], heavy)
    stack = list(reversed(page.layout._objs))
    while stack:
        obj = stack.pop()
        if isinstance(obj, LTChar):
            found.chars.append(_char(obj, height, mb_x0, mb_top, descents))
        elif isinstance(obj, LTContainer):
            stack.extend(reversed(obj._objs))
        elif isinstance(obj, (LTCurve, LTImage)):  # LTRect and LTLine are LTCurves too
            box = (obj.x0 + mb_x0, height - obj.y1 + mb_top, obj.x1 + mb_x0,
                   height - obj.y0 + mb_top)
            target = (found.rects if isinstance(obj, LTRect) else
                      found.lines if isinstance(obj, LTLine) else
                      found.images if isinstance(obj, LTImage) else found.curves)
            target.append(box)
    return found


def _char(obj: LTChar, height: float, mb_x0: float, mb_top: float,
          descents: Mapping[str, float]) -> Char:
    fontname = obj.fontname
    if isinstance(fontname, bytes):  # rare byte-encoded font names
        fontname = fontname.decode("latin-1")
    bottom = height - obj.y0 + mb_top
    return (obj.get_text(), obj.x0 + mb_x0, obj.x1 + mb_x0, height - obj.y1 + mb_top, bottom,
            bottom + descents.get(fontname, 0.0) * obj.size, obj.size, fontname, obj.upright)
