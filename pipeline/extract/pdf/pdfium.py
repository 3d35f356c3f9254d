"""PDF page objects read with PDFium (pypdfium2): the same ``PageObjects`` as objects.py, with
the content stream parsed in C, where pdfminer parses it in Python (that took about 80 % of the
extraction time).

The records mirror pdfminer's exactly where the layout depends on them: a character's box is
its advance width wide and hangs from the font's descent, one font size tall; ``baseline`` is
the glyph origin (an extension font's glyphs counted ``HANGING_EM`` lower, as fonts.py does);
paths are split into subpaths and each is a line (two points), a rect (a closed axis-aligned
four-corner loop) or a curve, as pdfminer classifies them.

Fonts without ToUnicode are read as pdfminer and fonts.py read them (from the embedded glyph
names), through ``decode``: a character PDFium finds no Unicode for comes back from PDFium as
its character code, which ``decode`` reads; a character PDFium does map must be one that font
has in fonts.py's reading too. A page PDFium cannot read as pdfminer would comes back as
``None``, for the pdfminer path: a character ``decode`` refuses, pages with a /Rotate
(pdfminer turns their coordinates) and text PDFium's text page leaves out (``_unboxed``).
PDFium's text page puts an /ActualText replacement in place of the glyphs it spans, where
pdfminer reads the glyphs: a page where that shows (``_Replaced``) has its text page made
again without the replacements.
"""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from pypdfium2 import raw

from pipeline.extract.pdf.chars import TEXT, TOP, X0, X1, Char, is_bad_glyph
from pipeline.extract.pdf.fonts import HANGING_EM, HANGING_FONT, is_heavy
from pipeline.extract.pdf.geometry import Box
from pipeline.extract.pdf.objects import INVISIBLE_MODES, PageObjects

Matrix = tuple[float, float, float, float, float, float]
Decode = Callable[[str, int, bool], "tuple[str, float | None] | None"]
"""(font name without its subset tag, PDFium's code, whether PDFium found no Unicode) -> the
text and, where pdfminer's font tells it, the advance width per unit of size from the font's
/Widths (None: PDFium's is used); None when pdfminer would read the character otherwise (or
the font is unknown), ``BY_CODE`` when pdfminer reads it by its character code."""
BY_CODE: tuple[str, float | None] = ("", None)
"""A ``Decode`` answer: PDFium's Unicode for the code is a text pdfminer reads from no code of
the font (TeX's LINE10 names glyphs ``a1``, ``a26``, which PDFium reads by the Zapf Dingbats
list, pdfminer as ``(cid:1)``): the character is read by its character code, as a code PDFium
finds no Unicode for is, where pdfminer finds none for that code either."""
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_BREAKS = frozenset((0x20, 0x0D, 0x0A))
"""The characters PDFium generates (a space, CR, LF): skipped, they are not the page's."""
HYPHEN_MARK = 0x02
"""PDFium reports a hyphen that ends a line as U+0002; pdfminer gives the hyphen itself."""
_V, _I = ctypes.c_void_p, ctypes.c_int


def _fast(name: str, restype: type | None, *argtypes: type) -> Callable[..., int]:
    """PDFium's ``name`` taking and returning plain addresses and numbers: pypdfium2's typed
    pointers cost a conversion on every call, and these run for every path and text object
    (and for every character where ``_records`` reads them through the API). Called
    holding the GIL (``PYFUNCTYPE``): each of these calls is shorter than the GIL's release
    and retaking, which ``CFUNCTYPE`` adds around every call (the book's per-character loop
    6 % fewer instructions)."""
    address = ctypes.cast(getattr(raw, name), _V).value or 0
    return ctypes.PYFUNCTYPE(restype, *argtypes)(address)


_text_object = _fast("FPDFText_GetTextObject", _V, _V, _I)
_unicode = _fast("FPDFText_GetUnicode", ctypes.c_uint, _V, _I)
_generated = _fast("FPDFText_IsGenerated", _I, _V, _I)
_map_error = _fast("FPDFText_HasUnicodeMapError", _I, _V, _I)
_origin = _fast("FPDFText_GetCharOrigin", _I, _V, _I, _V, _V)
_loose_box = _fast("FPDFText_GetLooseCharBox", _I, _V, _I, _V)
_font_of = _fast("FPDFTextObj_GetFont", _V, _V)
_font_size = _fast("FPDFText_GetFontSize", ctypes.c_double, _V, _I)
_char_matrix = _fast("FPDFText_GetMatrix", _I, _V, _I, _V)
_font_info = _fast("FPDFText_GetFontInfo", ctypes.c_ulong, _V, _I, _V, ctypes.c_ulong, _V)
_descent = _fast("FPDFFont_GetDescent", _I, _V, ctypes.c_float, _V)
_weight = _fast("FPDFFont_GetWeight", _I, _V)
_glyph_width = _fast("FPDFFont_GetGlyphWidth", _I, _V, ctypes.c_uint, ctypes.c_float, _V)
_segment = _fast("FPDFPath_GetPathSegment", _V, _V, _I)
_segment_type = _fast("FPDFPathSegment_GetType", _I, _V)
_segment_point = _fast("FPDFPathSegment_GetPoint", _I, _V, _V, _V)
_segment_close = _fast("FPDFPathSegment_GetClose", _I, _V)
_count_segments = _fast("FPDFPath_CountSegments", _I, _V)
_object_type = _fast("FPDFPageObj_GetType", _I, _V)
_object_matrix = _fast("FPDFPageObj_GetMatrix", _I, _V, _V)
_page_count = _fast("FPDFPage_CountObjects", _I, _V)
_page_object = _fast("FPDFPage_GetObject", _V, _V, _I)
_form_count = _fast("FPDFFormObj_CountObjects", _I, _V)
_form_object = _fast("FPDFFormObj_GetObject", _V, _V, ctypes.c_ulong)
_embedded = _fast("FPDFFont_GetIsEmbedded", _I, _V)
_font_flags = _fast("FPDFFont_GetFlags", _I, _V)
_bounds = _fast("FPDFPageObj_GetBounds", _I, _V, _V, _V, _V, _V)
_count_marks = _fast("FPDFPageObj_CountMarks", _I, _V)
_get_mark = _fast("FPDFPageObj_GetMark", _V, _V, ctypes.c_ulong)
_remove_param = _fast("FPDFPageObjMark_RemoveParam", _I, _V, _V, ctypes.c_char_p)
_render_mode = _fast("FPDFTextObj_GetTextRenderMode", _I, _V)
SYMBOLIC = 4
"""The font descriptor's Symbolic flag: glyphs outside the standard Latin set."""
PATH, IMAGE, FORM, TEXT_OBJECT = (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE,
                                  raw.FPDF_PAGEOBJ_FORM, raw.FPDF_PAGEOBJ_TEXT)
MOVETO, BEZIERTO = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_BEZIERTO
SHARED_WIDTH = -1.0
"""A ``Decode`` width: the text's glyphs in this font differ in width, so PDFium's advance by
Unicode may be another glyph's; the loose box, which PDFium measures from the glyph set, is
the character's."""
_Glyph = tuple[str, "float | None", bool]
"""A code as a look sets it: its text, its advance in points (None: the loose box's right edge
is the character's), whether the text is white space."""
_Look = tuple[str, float, bool, float, float, float, int, float,
              dict[int, "tuple[str, float | None] | None"], dict[int, _Glyph]]
"""How a text object's characters are set: font name, size, upright, how far its baseline
hangs (``HANGING_EM``) and its box drops below the origin (the descent), the slack of the
/ActualText test (a twentieth of the size), in points; font handle, scale of advance widths,
the font's codes decoded so far, and the look's glyphs (``_Glyph``) by code so far. The
products are the characters' own, made once."""
_SCALE = struct.Struct("=4f")
"""``FS_MATRIX``'s a, b, c, d (e and f, the position, follow them)."""
_MATRIX = struct.Struct("=6f")
"""``FS_MATRIX``'s a, b, c, d, e, f, read in one unpack (six attribute reads before)."""
_POINT = struct.Struct("=ffB?2x")
"""PDFium's ``CFX_Path::Point``: x, y, segment type, whether it closes its figure, padding."""
_KIND, _CLOSE = 8, 9
"""Where a point's segment type and close flag stand in its bytes."""
_RECT = struct.Struct("=ff4xff4xff4xff4xff4x")
"""Five points' x and y."""
_RECT_KINDS = bytes((raw.FPDF_SEGMENT_MOVETO, *[raw.FPDF_SEGMENT_LINETO] * 4))
_RECT_CLOSES = bytes((0, 0, 0, 0, 1))
"""A figure of four sides closed at its fifth point, as ``re`` draws a rectangle."""
_CORNERS = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)]
"""An image's unit square, which its matrix maps onto the page."""


class PdfiumDocument:
    """One PDF open in PDFium, read page by page (each page closed after it is read)."""

    def __init__(self, data: bytes) -> None:
        self._doc = pdfium.PdfDocument(data)
        self._matrix = raw.FS_MATRIX()
        # its address, and its bytes, read without a call (once per path)
        self._matrix_at = ctypes.addressof(self._matrix)
        self._matrix_bytes = (ctypes.c_char * _MATRIX.size).from_address(self._matrix_at)
        self._name = ctypes.create_string_buffer(256)
        self._flags = ctypes.c_int()
        self._float = ctypes.c_float()
        self._heavy: set[str] = set()  # fonts.is_heavy, by name (PDFium's names, as chars)

    def __len__(self) -> int:
        return len(self._doc)

    def close(self) -> None:
        self._doc.close()

    def page_objects(self, index: int, height: float, mb_x0: float, mb_y0: float,
                     decoder: Callable[[bool], Decode]) -> PageObjects | None:
        """Page ``index``'s objects in pdfplumber's coordinates (``height`` and the MediaBox
        origin as objects.py takes them), or None when the page needs the pdfminer path.
        ``decoder(forms)`` gives the page's ``Decode``; ``forms`` says whether text is drawn
        inside form XObjects, whose fonts it must then know too."""
        page = raw.FPDF_LoadPage(self._doc.raw, index)
        if not page:
            return None
        try:
            if raw.FPDFPage_GetRotation(page) != 0:
                return None
            listed = _objects(ctypes.cast(page, _V).value or 0)
            if listed is None:
                return None
            shapes, forms, object_fonts = listed
            looks: dict[int, _Look] = {}  # by text object
            chars = self._text(page, height, mb_y0, decoder(forms), object_fonts, looks)
            if chars is None:
                return None
            found = PageObjects(chars, [], [], [], [], self._heavy)
            flip = (1.0, 0.0, 0.0, -1.0, 0.0, height + 2 * mb_y0)
            self._shapes(shapes, flip, found)
            width = raw.FPDF_GetPageWidthF(page)
            if found.scanned(width, height):
                # a scan: its text objects' render modes (objects.py's ``ocr_fonts``), a
                # call each, asked on such pages alone
                for obj, look in looks.items():
                    (found.hidden if _render_mode(obj) in INVISIBLE_MODES
                     else found.shown).add(look[0])
            return found
        finally:
            raw.FPDF_ClosePage(page)

    def _text(self, page: Any, height: float, mb_y0: float, decode: Decode,
              object_fonts: dict[int, int], fonts: dict[int, _Look]) -> list[Char] | None:
        """The page's characters (``_chars``) from its text page; where /ActualText replaced
        glyphs, from a text page made again once the page's text objects lost their marks'
        /ActualText (a German guide's small capitals, each spanned by its letter: 21 of its 24
        pages went to pdfminer, a fifth of PDFium's speed). ``fonts`` gets each text object's
        ``_Look``."""
        for retry in (False, True):
            text_page = raw.FPDFText_LoadPage(page)
            fonts.clear()
            try:
                return self._chars(text_page, height, mb_y0, decode, object_fonts, fonts)
            except _Replaced:
                if retry or not _drop_actual_text(object_fonts):
                    return None
            finally:
                raw.FPDFText_ClosePage(text_page)
        return None

    def _chars(self, handle: Any, height: float, mb_y0: float, decode: Decode,
               object_fonts: dict[int, int], fonts: dict[int, _Look]) -> list[Char] | None:
        text_page = ctypes.cast(handle, _V).value or 0
        looks: dict[tuple[int, bytes, float], _Look] = {}
        faces: dict[int, tuple[str, float, float]] = {}
        widths: dict[int, dict[int, float]] = {}  # by font handle, code
        texts: dict[str, dict[int, tuple[str, float | None] | None]] = {}  # by font, code
        flip = height + 2 * mb_y0  # pdfminer measures from the MediaBox origin
        chars: list[Char] = []
        append = chars.append
        last: Char | None = None
        last_x = last_y = 0.0
        last_key = font_key = -1
        records = _records(text_page, raw.FPDFText_CountChars(handle))
        # one record a character (148,635 on the 117-page book): this loop makes no call
        for k, (kind, code, char_code, ox, oy, box_bottom, box_right, scale, key) in enumerate(
                records):
            # PDFium's generated spaces and breaks (most without a text object) are skipped
            if kind == GENERATED and code in _BREAKS:
                continue
            if not key:
                continue
            if key != font_key:  # a text object's characters come one after another
                font = fonts.get(key)
                if font is None:
                    font = fonts[key] = self._font(text_page, k, key, scale, object_fonts,
                                                   faces, looks, texts)
                look = font
                fontname, size, upright, hang, drop, slack, handle_font, _, _, glyphs = look
                advances = widths.setdefault(handle_font, {})
                font_key = key
            # PDFium gives the character code instead (code 0 also comes unflagged: TeX's
            # big parenthesis)
            unmapped = code == 0 or kind == NOT_UNICODE
            glyph = glyphs.get(-1 - code if unmapped else code)
            if glyph is None:
                glyph = self._new_glyph(decode, look, code, char_code, unmapped, advances)
                if glyph is None:
                    return None
            text, advance, space = glyph
            if (last is not None and ox == last_x and oy == last_y and key == last_key
                    and last[X1] > last[X0]):
                # one glyph, several letters (a ligature's ToUnicode): one character, as in
                # pdfminer (the layout drops a repeated letter at the same place as fake bold);
                # a glyph of no width (TeX's negation slash) only shares its origin with the
                # glyph after it
                last = chars[-1] = (last[TEXT] + text, last[X0], max(last[X1], box_right),
                                    *last[TOP:])
                continue
            last_x, last_y, last_key = ox, oy, key
            base = oy + drop  # pdfminer hangs every box from the font's descent
            if upright and not space and box_bottom > base + slack:
                # a box that stops short of its font's descent: PDFium spreads an /ActualText
                # replacement over the glyphs it replaces; pdfminer reads the glyphs
                raise _Replaced
            bottom = flip - base
            last = (text, ox, box_right if advance is None else ox + advance, bottom - size,
                    bottom, flip - oy + hang, size, fontname, upright)
            append(last)
        return chars

    def _new_glyph(self, decode: Decode, look: _Look, code: int, char_code: int,
                   unmapped: bool, advances: dict[int, float]) -> _Glyph | None:
        """How ``look`` sets a character met on the page for the first time (``_Glyph``),
        ``code`` as ``Record`` gives it, kept by look for the characters after it; None when
        ``decode`` refuses it, or reads it ``BY_CODE`` and the character code is unknown
        (``NO_CODE``)."""
        fontname, *_, font, width_scale, decoded_by, glyphs = look
        text_key = -1 - code if unmapped else code  # negative: a code without Unicode
        if text_key not in decoded_by:
            decoded_by[text_key] = decode(fontname, code, unmapped)
        decoded = decoded_by[text_key]
        if decoded is None or decoded is BY_CODE and char_code == NO_CODE:
            return None
        if decoded is BY_CODE:
            # only where pdfminer has no text for the code either: PDFium gives a ligature's
            # glyph once per letter, which its code's text would repeat
            glyph = self._new_glyph(decode, look, char_code, NO_CODE, True, advances)
            return glyph if glyph is not None and is_bad_glyph(glyph[0]) else None
        glyph = glyphs[text_key] = self._glyph(decoded, code, unmapped, font, width_scale,
                                               advances)
        return glyph

    def _glyph(self, decoded: tuple[str, float | None], code: int, unmapped: bool,
               font: int, width_scale: float, advances: dict[int, float]) -> _Glyph:
        """How a look sets ``code`` (``_Glyph``), from its text and width as ``decode`` read
        them; ``advances``: the font's advance widths by code, read so far."""
        text, width = decoded
        # pdfminer's box is the advance wide (the font's /Widths); PDFium's loose box also
        # takes in ink past it (an italic's overhang), which would close word gaps
        if unmapped:
            # PDFium's box of a glyph it cannot name is the glyph's outline, which is wider
            # than the advance where the advance is nil (TeX's negation slash, set over the =
            # after it)
            return text, None if width is None else width * width_scale, text.isspace()
        if width == SHARED_WIDTH:
            return text, None, text.isspace()
        if width is not None:
            return text, width * width_scale, text.isspace()
        advance = advances.get(code)
        if advance is None:
            # the font has no character U+0002: its width is the hyphen's
            advance = advances[code] = self._advance(
                font, ord("-") if code == HYPHEN_MARK else code)
        # a font that holds only a ligature's glyph (``+fb``, ``ﬁ`` read as ``f`` and ``i``)
        # names no letter's width: 0, where pdfminer's box is the glyph's advance, which the
        # loose box is; a glyph of no width sets no letter
        return (text, advance * width_scale if advance > 0 or advance == 0
                and not text.isalpha() else None, text.isspace())

    def _font(self, text_page: int, k: int, obj: int, scale: bytes,
              object_fonts: dict[int, int], faces: dict[int, tuple[str, float, float]],
              looks: dict[tuple[int, bytes, float], _Look],
              texts: dict[str, dict[int, tuple[str, float | None] | None]]) -> _Look:
        """How character ``k`` of text object ``obj`` is set (``_Look``), ``scale`` being
        its matrix's a, b, c, d as PDFium writes them (``Record``'s); ``faces`` keeps what
        depends on the font alone (name, hanging, descent), by font handle, ``looks`` the
        whole by font, matrix and size (a book's 31,375 text objects are set 219 ways), and
        ``texts`` the decoded codes by font name, for the page; ``object_fonts``: the font
        handles ``_objects`` read, by text object."""
        font = object_fonts.get(obj)
        if font is None:
            font = _font_of(obj) or 0
        font_size = _font_size(text_page, k)
        way = (font, scale, font_size)  # the matrix's a, b, c, d: what the sizes depend on
        look = looks.get(way)
        if look is not None:
            return look
        face = faces.get(font)
        if face is None:
            face = faces[font] = self._face(text_page, k, font)
        name, hanging, descent = face
        a, b, c, d = _SCALE.unpack(scale)
        # pdfminer's size is the glyph box's height: the font size scaled by the matrix
        size = font_size * (abs(d) if b == 0 else (b * b + d * d) ** 0.5)
        width_scale = font_size * (abs(a) if c == 0 else (a * a + c * c) ** 0.5)
        upright = a * d > 0 and b * c <= 0
        look = looks[way] = (name, size, upright, hanging * size, descent * size, 0.05 * size,
                             font, width_scale, texts.setdefault(name, {}), {})
        return look

    def _face(self, text_page: int, k: int, font: int) -> tuple[str, float, float]:
        """(name, hanging, descent per unit of size) of the font of character ``k``."""
        _font_info(text_page, k, ctypes.addressof(self._name), len(self._name),
                   ctypes.addressof(self._flags))
        # pdfminer names a font without /BaseFont (a Type3 font) "unknown"; PDFium leaves it
        # nameless, so its fonts.py reading would not be found
        name = self._name.value.decode("latin-1") or "unknown"
        descent = self._float
        _descent(font, 1000.0, ctypes.addressof(descent))
        if is_heavy(_weight(font), self._flags.value, name):
            self._heavy.add(name)
        return name, HANGING_EM if HANGING_FONT.search(name) else 0.0, descent.value / 1000

    def _advance(self, font: int, code: int) -> float:
        """The advance width of the character ``code`` (Unicode) per unit of size, -1 when
        the font has no character for it."""
        width = self._float
        if not _glyph_width(font, code, 1000.0, ctypes.byref(width)):
            return -1.0
        return width.value / 1000

    def _shapes(self, objects: list[tuple[int, int, Matrix]], flip: Matrix,
                found: PageObjects) -> None:
        """The boxes of the page's paths and images, added to ``found``'s rects, lines,
        curves and images: a few calls a path, in one loop (a JSS paper's 46 pages draw
        40,909 paths, most of them its tables' rules)."""
        # most paths share a few matrices (a chart's thousands of rectangles one): each pair
        # of the path's and its forms' matrices is composed once, found by the path's
        # matrix as PDFium writes its bytes (None: no matrix) and the forms' by identity
        # (each form's is one tuple, ``_objects``'), without making and hashing floats
        composed: dict[tuple[bytes | None, int], Matrix] = {}
        matrix, matrix_at, matrix_bytes = self._matrix, self._matrix_at, self._matrix_bytes
        readable = _points_readable()
        by_kind = {"rects": found.rects, "lines": found.lines, "curves": found.curves}
        for obj, kind, outer in objects:
            way = (matrix_bytes.raw if _object_matrix(obj, matrix_at) else None, id(outer))
            to_page = composed.get(way)
            if to_page is None:
                inner: Matrix = IDENTITY if way[0] is None else _MATRIX.unpack_from(matrix)
                to_page = composed[way] = _compose(_compose(inner, outer), flip)
            if kind == IMAGE:
                found.images.append(_box(_CORNERS, to_page))
                continue
            count = _count_segments(obj)
            data = _raw_bytes(obj, count) if readable else None
            if (count == 5 and data is not None and data[_KIND::_POINT.size] == _RECT_KINDS
                    and data[_CLOSE::_POINT.size] == _RECT_CLOSES):
                # a rectangle drawn as a figure (``re``), most paths: classified and boxed
                # from its five points as _subpaths, _classify and _box would (a figure
                # that ends off its start gets the start again: a curve, whose box that
                # repeated point leaves as it is), without their lists
                x0, y0, x1, y1, x2, y2, x3, y3, x4, y4 = _RECT.unpack(data)
                a, b, c, d, e, f = to_page
                # x and y of each point on the page, in _box's order and arithmetic
                p0, p1, p2, p3, p4 = (a * x0 + c * y0 + e, a * x1 + c * y1 + e,
                                      a * x2 + c * y2 + e, a * x3 + c * y3 + e,
                                      a * x4 + c * y4 + e)
                q0, q1, q2, q3, q4 = (b * x0 + d * y0 + f, b * x1 + d * y1 + f,
                                      b * x2 + d * y2 + f, b * x3 + d * y3 + f,
                                      b * x4 + d * y4 + f)
                closed = x4 == x0 and y4 == y0
                (found.rects if closed and (
                    x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0
                    or y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0) else found.curves
                 ).append((min(p0, p1, p2, p3, p4), min(q0, q1, q2, q3, q4),
                           max(p0, p1, p2, p3, p4), max(q0, q1, q2, q3, q4)))
                continue
            segments = (list(_POINT.iter_unpack(data)) if data is not None
                        else _api_points(obj, count))
            for shape, points in _subpaths(segments):
                by_kind[shape].append(_box(points, to_page))


def _subpaths(segments: list[tuple[float, float, int, bool]]
              ) -> list[tuple[str, list[tuple[float, float]]]]:
    """Each subpath's kind and points, as pdfminer splits them: a Bézier segment's end point
    only, not its control points."""
    found: list[tuple[str, list[tuple[float, float]]]] = []
    points: list[tuple[float, float]] = []
    curved = False
    controls = 0  # PDFium lists a Bézier segment as three points: two controls, the end
    for x, y, kind, close in segments:
        if kind == MOVETO and points:
            found.append(_classify(points, curved))
            points, curved = [], False
        if kind == BEZIERTO:
            if controls < 2:
                controls += 1
                continue
            curved = True
        controls = 0
        points.append((x, y))
        if close and points[0] != points[-1]:
            points.append(points[0])
    if points:
        found.append(_classify(points, curved))
    return found


def _raw_points(path: int, count: int) -> list[tuple[float, float, int, bool]] | None:
    """(x, y, segment type, whether it closes its figure) of each of the path's segments,
    read in one piece (``_raw_bytes``) instead of four calls a segment (83,940 segments on
    the 117-page book), or None."""
    data = _raw_bytes(path, count)
    return None if data is None else list(_POINT.iter_unpack(data))


def _raw_bytes(path: int, count: int) -> bytes | None:
    """The path's ``CFX_Path::Point``s as PDFium keeps them: a segment's handle is the
    address of its point in the path's array of them (fpdf_editpath.cpp). None when the
    first and last segments are not that array's ends, which is asked of each path until
    ``_points_contiguous`` has settled it for the process."""
    if count < 2:
        return None
    first = _segment(path, 0) or 0
    if not _CONTIGUITY["proven"]:
        if (_segment(path, count - 1) or 0) - first != (count - 1) * _POINT.size:
            return None
        _CONTIGUITY["checked"] += 1
        if _CONTIGUITY["checked"] == PATHS_CHECKED:
            _CONTIGUITY["proven"] = _points_contiguous()
    return ctypes.string_at(first, count * _POINT.size)


PATHS_CHECKED = 1000
"""Paths whose first and last segments ``_raw_bytes`` finds at their array's ends before it
asks ``_points_contiguous`` (a JSS paper draws 40,909 paths; a page or two, a few dozen):
past it, a call a path fewer."""
LONG_PATH = 1024
"""Segments of ``_points_contiguous``'s path: more than a double-ended queue of points keeps
in one block (libc++ 341, libstdc++ 42)."""
_CONTIGUITY = {"checked": 0, "proven": False}


def _points_contiguous() -> bool:
    """Whether a path's points stand in one array in this PDFium build however many there
    are (a vector: CFX_Path's ``std::vector<Point>``), checked once on a path of ``LONG_PATH``
    segments made with PDFium's own editing calls: then the first segment's address and the
    count place every point (``_points_readable`` checked how each is laid out)."""
    path = raw.FPDFPageObj_CreateNewPath(0.0, 0.0)
    try:
        for i in range(1, LONG_PATH):
            raw.FPDFPath_LineTo(path, float(i), float(i % 7))
        address = ctypes.cast(path, _V).value or 0
        count = _count_segments(address)
        first = _segment(address, 0) or 0
        return (count == LONG_PATH and first != 0
                and (_segment(address, count - 1) or 0) - first == (count - 1) * _POINT.size)
    finally:
        raw.FPDFPageObj_Destroy(path)


def _api_points(path: int, count: int) -> list[tuple[float, float, int, bool]]:
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.addressof(x), ctypes.addressof(y)
    found = []
    for i in range(count):
        segment = _segment(path, i)
        _segment_point(segment, x_ref, y_ref)
        found.append((x.value, y.value, _segment_type(segment), bool(_segment_close(segment))))
    return found


@cache
def _points_readable() -> bool:
    """Whether ``_raw_points`` reads what the API gives, checked once on a path with a
    segment of each type and a closed figure, made with PDFium's own editing calls: another
    PDFium build may lay its points out otherwise."""
    path = raw.FPDFPageObj_CreateNewPath(1.5, 2.5)
    try:
        raw.FPDFPath_LineTo(path, 3.25, -4.0)
        raw.FPDFPath_BezierTo(path, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0)
        raw.FPDFPath_Close(path)
        raw.FPDFPath_MoveTo(path, 11.0, 12.0)
        raw.FPDFPath_LineTo(path, 13.0, 14.0)
        address = ctypes.cast(path, _V).value or 0
        count = _count_segments(address)
        return count == 7 and _raw_points(address, count) == _api_points(address, count)
    finally:
        raw.FPDFPageObj_Destroy(path)


Record = tuple[int, int, int, float, float, float, float, bytes, int]
"""A character of PDFium's text page: its type (``GENERATED``, ``NOT_UNICODE``, another),
Unicode (``FPDFText_GetUnicode``: the character code where PDFium finds no Unicode), character
code (``NO_CODE`` through the API, which does not give it), origin x and y, the loose box's
bottom and right edge, its matrix's a, b, c, d as PDFium writes them (``FPDFText_GetMatrix``:
read here, a call per text object saved), its text object's address (0: none)."""
NO_CODE = -1
_RECORD = struct.Struct("=B3xIIff16x4xff4x16s8x4xQ")
"""PDFium's ``CPDF_TextPage::CharInfo`` as this build lays it out (88 bytes, read where the
``Record`` fields stand): the type (one byte), Unicode, character code, origin, glyph box and
loose box (left, bottom, right, top), matrix (a, b, c, d; e, f), text object."""
_CHAR_LIST = struct.Struct("=3Q")
"""The text page's list of ``CharInfo``s: where it starts, how many, room for how many."""
GENERATED, NOT_UNICODE = 1, 2
"""``CPDF_TextPage::CharType``: a space or break PDFium adds, a code without Unicode."""


def _records(text_page: int, count: int) -> Iterable[Record]:
    """The page's ``count`` characters, read from the text page's own array of them in one
    piece where ``_char_list_at`` found it (four to six calls a character through the API
    before); through the API otherwise."""
    at = _char_list_at(text_page, count)
    if at is not None:
        start, size, room = _CHAR_LIST.unpack(ctypes.string_at(text_page + at,
                                                               _CHAR_LIST.size))
        if size == count and room >= size and start:
            return _RECORD.iter_unpack(ctypes.string_at(start, count * _RECORD.size))
    return _api_records(text_page, count)


def _api_records(text_page: int, count: int) -> list[Record]:
    x, y, box, matrix = ctypes.c_double(), ctypes.c_double(), raw.FS_RECTF(), raw.FS_MATRIX()
    x_at, y_at, box_at, matrix_at = (ctypes.addressof(v) for v in (x, y, box, matrix))
    found = []
    for k in range(count):
        kind = (GENERATED if _generated(text_page, k) == 1 else
                NOT_UNICODE if _map_error(text_page, k) == 1 else 0)
        _origin(text_page, k, x_at, y_at)
        _loose_box(text_page, k, box_at)
        _char_matrix(text_page, k, matrix_at)
        found.append((kind, _unicode(text_page, k), NO_CODE, x.value, y.value, box.bottom,
                      box.right, ctypes.string_at(matrix_at, _SCALE.size),
                      _text_object(text_page, k) or 0))
    return found


_CHECKED = 64
"""How many characters of the first page with any ``_char_list_at`` compares."""
_LOCATED: dict[str, int | None] = {}
"""``_char_list_at``'s answer, once found (for the process: it depends on the build)."""


def _char_list_at(text_page: int, count: int) -> int | None:
    """Where in PDFium's text page its array of ``CharInfo``s is described (``_CHAR_LIST``),
    or None: found once, on the first page with characters, and taken only when its first
    ``_CHECKED`` characters read there are what the API gives, field by field but the
    character code, which the API does not give (another PDFium
    build may keep its characters otherwise: a ``std::deque`` in older ones). A page made for
    the purpose would cost more than a one-page file's reading gains: PDFium loads a font."""
    if "at" in _LOCATED or not count:
        return _LOCATED.get("at")
    checked = min(count, _CHECKED)
    expected = _api_records(text_page, checked)
    header = ctypes.string_at(text_page, 16 * 8)  # the text page's first members
    found = None
    for at in range(0, len(header) - _CHAR_LIST.size + 1, 8):
        start, size, room = _CHAR_LIST.unpack_from(header, at)
        if (size == count and size <= room < 1 << 32 and start
                and [(kind if kind in (GENERATED, NOT_UNICODE) else 0, text, NO_CODE, *rest)
                     for kind, text, _code, *rest in _RECORD.iter_unpack(ctypes.string_at(
                         start, checked * _RECORD.size))] == expected):
            found = at  # its other types (a line-end hyphen...) the API does not tell
            break
    _LOCATED["at"] = found
    return found


def _objects(page: int) -> tuple[list[tuple[int, int, Matrix]], bool, dict[int, int]] | None:
    """Every path and image of the page (by address), with its type and the matrix of the
    forms it sits in (form XObjects); whether any form holds text (most pages set all their
    text outside forms: then no form's fonts need reading); and each text object's font
    handle, by the object's address (read here for ``_unboxed``, so ``_chars`` need not ask
    again). None when the text page leaves a text object out (``_unboxed``)."""
    found: list[tuple[int, int, Matrix]] = []
    fonts: dict[int, int] = {}
    forms_text = False
    substituted: dict[int, bool] = {}  # by font: a symbolic font PDFium does not have
    stack: list[tuple[int, Matrix, bool]] = [(page, IDENTITY, False)]
    while stack:
        parent, outer, is_form = stack.pop()
        count, get = (_form_count, _form_object) if is_form else (_page_count, _page_object)
        for i in range(count(parent)):
            obj = get(parent, i) or 0
            # the font handle tells a text object (PDFium has none for other kinds): one call
            # for most objects, where the kind and then the font took two
            font = _font_of(obj) or 0
            kind = TEXT_OBJECT if font else _object_type(obj)
            if kind == TEXT_OBJECT:
                forms_text = forms_text or is_form
                fonts[obj] = font
                if _unboxed(obj, font, substituted):
                    return None
            elif kind == PATH or kind == IMAGE:
                found.append((obj, kind, outer))
            elif kind == FORM:
                m = raw.FS_MATRIX()
                _object_matrix(obj, ctypes.addressof(m))
                stack.append((obj, _compose((m.a, m.b, m.c, m.d, m.e, m.f), outer), True))
    return found, forms_text, fonts


class _Replaced(Exception):
    """A text page's characters show an /ActualText replacement (``_chars``)."""


def _drop_actual_text(objects: Iterable[int]) -> bool:
    """Take /ActualText out of the marked-content properties of the text ``objects``, so a
    text page made after reads their glyphs, as pdfminer does; whether any had one. Only
    PDFium's copy of the document changes (a property list shared by several objects or
    pages loses it for all of them)."""
    dropped = False
    for obj in objects:
        for i in range(_count_marks(obj)):
            mark = _get_mark(obj, i)
            if mark and _remove_param(obj, mark, b"ActualText"):
                dropped = True
    return dropped


def _unboxed(text: int, font: int, substituted: dict[int, bool]) -> bool:
    """Whether the text object is set in a symbolic font that is not embedded and has no
    width: PDFium draws such a font with a stand-in, which lacks the glyphs the font's
    /Differences name (TeX's extension font's ``summation``), so their boxes are empty, and
    its text page leaves out a text object of no width, text and all; pdfminer reads the
    glyph name (∑). A lone space in a Latin font has no width either, and is harmless.
    ``font``: the object's font handle."""
    stand_in = substituted.get(font)
    if stand_in is None:
        stand_in = substituted[font] = bool(
            font and not _embedded(font) and _font_flags(font) & SYMBOLIC)
    if not stand_in:
        return False
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not _bounds(text, *(ctypes.addressof(v) for v in (left, bottom, right, top))):
        return False
    return right.value - left.value <= 0


def _classify(points: list[tuple[float, float]], curved: bool
              ) -> tuple[str, list[tuple[float, float]]]:
    """pdfminer's rule: one straight segment is a line, a closed loop of four axis-aligned
    sides a rect, anything else a curve."""
    if curved:
        return "curves", points
    if len(points) == 2 or len(points) == 3 and points[2] == points[0]:
        return "lines", points[:2]
    if len(points) == 5 and points[0] == points[4]:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points[:4]
        if (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0
                or y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0):
            return "rects", points
    return "curves", points


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix that applies ``inner``, then ``outer``."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def _box(points: list[tuple[float, float]], m: Matrix) -> Box:
    """The bounding box of ``points`` transformed by ``m``."""
    a, b, c, d, e, f = m
    xs = [a * x + c * y + e for x, y in points]
    ys = [b * x + d * y + f for x, y in points]
    return (min(xs), min(ys), max(xs), max(ys))
