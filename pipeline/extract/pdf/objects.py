"""PDF page objects: a pdfplumber page in, the characters, rules, boxes and images the layout
needs out, read straight from pdfminer's interpreter (characters, as they are drawn) and
layout tree (the rest).

pdfplumber's ``page.chars`` turns every pdfminer object into a dict of some twenty resolved
attributes (a quarter of the parse time on a text-heavy book); the layout reads nine. The
coordinates follow pdfplumber's conventions exactly (``top``/``bottom`` from the page top,
shifted by the MediaBox origin), so ``page.find_tables`` and ``to_image`` agree with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pdfplumber
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTContainer, LTCurve, LTImage, LTLine, LTRect
from pdfminer.pdfcolor import PDFColorSpace
from pdfminer.pdfdevice import PDFTextSeq
from pdfminer.pdffont import PDFFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFGraphicState, PDFPageInterpreter, PDFResourceManager, PDFTextState
from pdfminer.utils import Matrix, apply_matrix_rect
from pdfplumber.utils.exceptions import PdfminerException

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
    hidden: set[str] = field(default_factory=set)
    """Names of the fonts some of the page's text is drawn in invisibly (render mode 3 or 7)..."""
    shown: set[str] = field(default_factory=set)
    """...and of those some of its text is drawn in visibly."""

    def ocr_fonts(self, width: float, height: float) -> frozenset[str]:
        """The fonts of the page's OCR text layer: a scan (an image covering ``SCAN_SHARE``
        of the page) with text drawn over it invisibly, in fonts it draws nothing visible in.
        Whoever made the layer (Tesseract's ``GlyphLessFont``, a scanner's or an archive's
        Times-Roman or Arial), its text is the reading of the picture under it, so its sizes,
        boxes and spaces are an OCR engine's, not a typesetter's."""
        fonts = self.hidden - self.shown
        if not fonts or not self.scanned(width, height):
            return frozenset()
        return frozenset(fonts)

    def scanned(self, width: float, height: float) -> bool:
        """Whether one of the page's images covers ``SCAN_SHARE`` of the ``width`` by
        ``height`` page: the page is a scan."""
        return any(covered(image, width, height) >= SCAN_SHARE for image in self.images)


SCAN_SHARE = 0.8
"""Share of the page an image covers for the page to be a scan: a page's picture, cropped a
little or not at all, where a figure leaves the margins and some text."""
INVISIBLE_MODES = frozenset((3, 7))
"""Text render modes that draw nothing: neither fill nor stroke (7 adds the text to the clip)."""


def covered(box: Box, width: float, height: float) -> float:
    """Share of the ``width`` by ``height`` page that ``box`` covers."""
    if width <= 0 or height <= 0:
        return 0.0
    seen = (max(0.0, min(box[2], width) - max(box[0], 0.0))
            * max(0.0, min(box[3], height) - max(box[1], 0.0)))
    return seen / (width * height)


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
    # the page interpreted as pdfplumber's ``page.layout`` does it, the characters made records
    # as they are drawn (``_CharRecorder``)
    device = _CharRecorder(page.pdf.rsrcmgr, page.page_number, found,
                           (height, mb_x0, mb_top, descents))
    try:
        PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    except Exception as e:
        raise PdfminerException(e) from e
    stack = list(reversed(device.get_result()._objs))
    while stack:
        obj = stack.pop()
        if isinstance(obj, LTContainer):
            stack.extend(reversed(obj._objs))
        elif isinstance(obj, (LTCurve, LTImage)):  # LTRect and LTLine are LTCurves too
            box = (obj.x0 + mb_x0, height - obj.y1 + mb_top, obj.x1 + mb_x0,
                   height - obj.y0 + mb_top)
            target = (found.rects if isinstance(obj, LTRect) else
                      found.lines if isinstance(obj, LTLine) else
                      found.images if isinstance(obj, LTImage) else found.curves)
            target.append(box)
    return found


class _CharRecorder(PDFPageAggregator):
    """pdfminer's layout device, each character a chars.py record in drawing order instead of
    an ``LTChar`` in the layout tree (on a page of text, making and then reading the
    ``LTChar``s took a sixth of pdfminer's time). The record's fields are computed as
    ``LTChar`` computes its box and size, then shifted as pdfplumber's coordinates are: the
    page's ``height``, the MediaBox origin, the fonts' ``descents`` (``page_objects``)."""

    def __init__(self, rsrcmgr: PDFResourceManager, pageno: int, found: PageObjects,
                 page: tuple[float, float, float, Mapping[str, float]]) -> None:
        super().__init__(rsrcmgr, pageno=pageno)
        self._chars = found.chars
        self._found = found
        self._page = page
        self._fonts = found.shown  # where the next string's font is named: its render mode's

    def render_string(self, textstate: PDFTextState, seq: PDFTextSeq, ncs: PDFColorSpace,
                      graphicstate: PDFGraphicState) -> None:
        found = self._found
        self._fonts = found.hidden if textstate.render in INVISIBLE_MODES else found.shown
        super().render_string(textstate, seq, ncs, graphicstate)

    def render_char(self, matrix: Matrix, font: PDFFont, fontsize: float, scaling: float,
                    rise: float, cid: int, ncs: PDFColorSpace,
                    graphicstate: PDFGraphicState) -> float:
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = self.handle_undefined_char(font, cid)
        adv = font.char_width(cid) * fontsize * scaling
        vertical = font.is_vertical()
        if vertical:
            vx, vy = font.char_disp(cid)  # type: ignore[misc]
            vx = fontsize * 0.5 if vx is None else vx * fontsize * 0.001
            vy = (1000 - vy) * fontsize * 0.001
            bbox = (-vx, vy + rise + adv, -vx + fontsize, vy + rise)
        else:
            descent = font.get_descent() * fontsize
            bbox = (0, descent + rise, adv, descent + rise + fontsize)
        a, b, c, d, _, _ = matrix
        upright = a * d * scaling > 0 and b * c <= 0
        x0, y0, x1, y1 = apply_matrix_rect(matrix, bbox)
        if x1 < x0:
            x0, x1 = x1, x0
        if y1 < y0:
            y0, y1 = y1, y0
        size = x1 - x0 if vertical else y1 - y0
        fontname = font.fontname
        if isinstance(fontname, bytes):  # rare byte-encoded font names
            fontname = fontname.decode("latin-1")
        self._fonts.add(fontname)
        height, mb_x0, mb_top, descents = self._page
        bottom = height - y0 + mb_top
        self._chars.append((text, x0 + mb_x0, x1 + mb_x0, height - y1 + mb_top, bottom,
                            bottom + descents.get(fontname, 0.0) * size, size, fontname,
                            upright))
        return adv
