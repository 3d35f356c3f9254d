"""The PDFium character source (pdf/pdfium.py) against pdfminer's (pdf/objects.py): the layout
was tuned on pdfminer's records, so PDFium's must agree with them, or the page must take the
pdfminer path."""

from __future__ import annotations

import ctypes
import io
from functools import partial

import pdfplumber
import pypdfium2 as pdfium
import pytest
from pdfbytes import assemble
from reportlab.pdfgen.canvas import Canvas

from pipeline.extract.pdf.chars import BASELINE, BOTTOM, FONTNAME, SIZE, TEXT, UPRIGHT, X0, X1
from pipeline.extract.pdf.fonts import EncodingResourceManager
from pipeline.extract.pdf.objects import page_objects
from pipeline.extract.pdf.pages import _decoder
from pipeline.extract.pdf.pdfium import PdfiumDocument


def _both(data: bytes, index: int = 0):
    """(pdfminer's, PDFium's) objects of one page."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pdf.rsrcmgr = fonts = EncodingResourceManager()
        page = pdf.pages[index]
        slow = page_objects(page, fonts.descents, fonts.heavy)
        document = PdfiumDocument(data)
        try:
            fast = document.page_objects(index, float(page.height), float(page.mediabox[0]),
                                         float(page.mediabox[1]), partial(_decoder, page, fonts))
        finally:
            document.close()
    return slow, fast


def _drawn() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(400, 400))
    canvas.setFont("Helvetica", 10)
    canvas.drawString(40, 360, "Plain text, with a space.")
    canvas.setFont("Helvetica-BoldOblique", 14)
    canvas.drawString(40, 330, "Title Type")  # an oblique T overhangs its advance width
    canvas.setFont("Times-Roman", 7)
    canvas.drawString(40, 310, "small print")
    canvas.saveState()
    canvas.translate(40, 280)
    canvas.scale(2, 2)  # text set at 1 pt in a matrix that doubles it
    canvas.setFont("Helvetica", 6)
    canvas.drawString(0, 0, "scaled")
    canvas.restoreState()
    canvas.rect(40, 100, 120, 60)
    canvas.line(200, 100, 300, 100)
    canvas.bezier(200, 150, 230, 200, 260, 120, 300, 160)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_pdfium_characters_and_shapes_match_pdfminers():
    slow, fast = _both(_drawn())
    assert fast is not None
    def key(c):
        return round(c[BASELINE]), c[X0]

    slow_chars, fast_chars = sorted(slow.chars, key=key), sorted(fast.chars, key=key)
    assert "".join(c[TEXT] for c in fast_chars) == "".join(c[TEXT] for c in slow_chars)
    for a, b in zip(slow_chars, fast_chars):
        for field in (X0, X1, BASELINE, SIZE):
            assert b[field] == pytest.approx(a[field], abs=0.05), (a, b, field)
        assert b[BOTTOM] == pytest.approx(a[BOTTOM], abs=0.5)  # descent: AFM vs PDFium
        assert b[UPRIGHT] == a[UPRIGHT]
    for kind in ("rects", "lines", "curves"):
        assert len(getattr(fast, kind)) == len(getattr(slow, kind)) == 1, kind
        for v, w in zip(getattr(fast, kind)[0], getattr(slow, kind)[0]):
            assert v == pytest.approx(w, abs=0.01), kind


def _one_font_page(content: bytes, font: bytes, descriptor: bytes = b"") -> bytes:
    """A 400 x 400 page drawing ``content`` with one font, F1 (object 5; its descriptor 6)."""
    return assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 400] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        font,
        *([descriptor] if descriptor else []),
    ])


def test_pdfminers_characters_are_the_records_its_ltchars_make():
    """On the pdfminer path each character becomes a record as it is drawn, without an
    ``LTChar``: the records are those made from pdfplumber's layout tree, field by field, for
    text raised, scaled, turned, in a form XObject, in a vertical CID font (W2 and DW2
    widths and origins) and a character its font cannot map."""
    from pdfminer.layout import LTChar, LTContainer

    content = (b"BT /F1 10 Tf 40 300 Td 3 Ts 120 Tz (Rise) Tj 0 Ts 100 Tz (n) Tj ET "
               b"BT /F1 9 Tf 0 1 -1 0 380 40 Tm (Turned) Tj ET /X1 Do "
               b"BT /F2 12 Tf 200 350 Td <0041004200430044> Tj ET "
               b"BT /F3 10 Tf 40 200 Td (\\377) Tj ET")
    form = b"BT /F1 8 Tf 2 0 0 2 10 20 Tm (In a form) Tj ET"
    data = assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 -20 400 400] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R /F3 9 0 R >> /XObject << /X1 10 0 R >> "
        b">> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Tall /Encoding /Identity-V "
        b"/DescendantFonts [7 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Tall /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R "
        b"/DW 1000 /DW2 [880 -1000] /W2 [66 [-900 300 800]] >>",
        b"<< /Type /FontDescriptor /FontName /Tall /Flags 4 /FontBBox [0 -200 1000 900] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Unnamed /FirstChar 255 /LastChar 255 "
        b"/Widths [500] /Encoding << /Differences [255 /g255] >> >>",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 400 400] /Resources << /Font << /F1 5 0 R "
        b">> >> /Length %d >>\nstream\n%s\nendstream" % (len(form), form)])
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pdf.rsrcmgr = fonts = EncodingResourceManager()
        page = pdf.pages[0]
        records = page_objects(page, fonts.descents, fonts.heavy).chars
        height, mb_x0, mb_top = float(page.height), float(page.mediabox[0]), float(page.mediabox[1])
        made = []
        stack = list(reversed(page.layout._objs))
        while stack:
            obj = stack.pop()
            if isinstance(obj, LTChar):
                bottom = height - obj.y0 + mb_top
                made.append((obj.get_text(), obj.x0 + mb_x0, obj.x1 + mb_x0,
                             height - obj.y1 + mb_top, bottom,
                             bottom + fonts.descents.get(obj.fontname, 0.0) * obj.size,
                             obj.size, obj.fontname, obj.upright))
            elif isinstance(obj, LTContainer):
                stack.extend(reversed(obj._objs))
    assert len(records) == 4 + 1 + 6 + 9 + 4 + 1
    assert {c[UPRIGHT] for c in records} == {True, False}
    assert any(c[TEXT].startswith("(cid:") for c in records)
    assert repr(records) == repr(made)


def test_actual_text_replacements_are_read_as_their_glyphs():
    """PDFium puts an /ActualText replacement in place of the glyphs, spread over their span,
    with boxes that do not hang from the font's descent; pdfminer reads the glyphs. Such a
    page went to pdfminer; its text page is now made again without the replacements, and
    reads the glyphs where pdfminer puts them (each small capital of a German guide's
    headings spanned by its letter: 21 of its 24 pages)."""
    content = (b"BT /F1 10 Tf 40 300 Td (Plain) Tj ET /Span << /ActualText (Inhalte) >> BDC "
               b"BT /F1 10 Tf 40 280 Td (INHALTE) Tj ET EMC "
               b"BT /F1 10 Tf 40 260 Td /Span << /ActualText (w) >> BDC (W) Tj EMC (ORT) Tj ET")
    data = _one_font_page(content, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    slow, fast = _both(data)
    assert "".join(c[TEXT] for c in slow.chars) == "PlainINHALTEWORT"
    assert fast is not None
    assert [c[TEXT] for c in fast.chars] == [c[TEXT] for c in slow.chars]
    for a, b in zip(slow.chars, fast.chars):
        assert (b[X0], b[X1], b[BASELINE], b[SIZE]) == pytest.approx(
            (a[X0], a[X1], a[BASELINE], a[SIZE]), abs=0.01), a[TEXT]


def _to_unicode(*entries: bytes) -> bytes:
    """A ToUnicode CMap of one-byte codes, each entry ``b"<code> <UTF-16BE text>"``."""
    return (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
            b"1 begincodespacerange <00> <FF> endcodespacerange %d beginbfchar " % len(entries)
            + b" ".join(entries)
            + b" endbfchar endcmap CMapName currentdict /CMap defineresource pop end end")


def test_a_simple_fonts_small_capital_is_as_wide_as_its_glyph():
    """A simple font whose ToUnicode reads a small capital as its lower-case letter (the
    German guide's ``R`` as ``r``) or two hyphens of different widths as one (Latin Modern's):
    PDFium finds a width by Unicode, another glyph's, and the gap left before the next letter
    read as a word space (``In halt``, ``lipics- v2021``). The character is as wide as
    its glyph, as pdfminer reads it."""
    content = b"BT /F1 10 Tf 40 300 Td (RrR) Tj ET"
    wide, narrow = b"700 0 0 0 700 700 d1 0 0 700 700 re f", b"450 0 0 0 450 500 d1 0 0 450 500 re f"
    cmap = _to_unicode(b"<52> <0072>", b"<72> <0072>")
    data = assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 400] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        (b"<< /Type /Font /Subtype /Type3 /BaseFont /SmallCaps /FontBBox [0 0 700 700] "
         b"/FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << /R 6 0 R /r 7 0 R >> "
         b"/Encoding << /Type /Encoding /Differences [82 /R 114 /r] >> "
         b"/FirstChar 82 /LastChar 114 /Widths [700" + b" 0" * 31 + b" 450] /ToUnicode 8 0 R "
         b"/FontDescriptor 9 0 R >>"),
        b"<< /Length %d >>\nstream\n" % len(wide) + wide + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(narrow) + narrow + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
        (b"<< /Type /FontDescriptor /FontName /SmallCaps /Flags 32 /FontBBox [0 0 700 700] "
         b"/ItalicAngle 0 /Ascent 700 /Descent 0 /CapHeight 700 /StemV 80 >>"),
    ])
    slow, fast = _both(data)
    assert "".join(c[TEXT] for c in slow.chars) == "rrr"
    assert [c[X1] - c[X0] for c in slow.chars] == pytest.approx([7.0, 4.5, 7.0])
    assert fast is not None
    assert [c[TEXT] for c in fast.chars] == [c[TEXT] for c in slow.chars]
    for a, b in zip(slow.chars, fast.chars):
        assert (b[X0], b[X1]) == pytest.approx((a[X0], a[X1]), abs=0.01), a[TEXT]


def test_a_text_at_two_widths_in_either_font_of_a_shared_name_is_as_wide_as_its_glyph():
    """pdfTeX writes one font twice where a page sets it in two encodings, both resources under
    one subset-tagged name (the ASME template's TeX Gyre Termes: the hyphen at 0x2D, 333 units,
    and TeX's hyphen character at 0x7F, 167 units, both read as ``-``). pdfminer cannot tell
    which of the two PDFium's characters are set in, but a text either font gives glyphs of
    two widths is measured by its glyph (the loose box), not by PDFium's advance by Unicode,
    another glyph's: before, the hyphen was half its width and the gap after it a word space
    (``sub- subsection``, ``full- page``)."""
    content = b"BT /F1 10 Tf 40 300 Td (RrR) Tj /F2 10 Tf (R) Tj ET"
    wide, narrow = b"700 0 0 0 700 700 d1 0 0 700 700 re f", b"450 0 0 0 450 500 d1 0 0 450 500 re f"
    cmap = _to_unicode(b"<52> <0072>", b"<72> <0072>")
    font = (b"<< /Type /Font /Subtype /Type3 /BaseFont /ABCDEF+SmallCaps /FontBBox [0 0 700 700] "
            b"/FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << /R 6 0 R /r 7 0 R >> "
            b"/Encoding << /Type /Encoding /Differences [82 /R 114 /r] >> "
            b"/FirstChar 82 /LastChar 114 /Widths [700" + b" 0" * 31 + b" 450] /ToUnicode 8 0 R "
            b"/FontDescriptor 9 0 R >>")
    other = (b"<< /Type /Font /Subtype /Type3 /BaseFont /ABCDEF+SmallCaps /FontBBox [0 0 700 700] "
             b"/FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << /R 6 0 R >> "
             b"/Encoding << /Type /Encoding /Differences [82 /R] >> "
             b"/FirstChar 82 /LastChar 82 /Widths [700] /ToUnicode 8 0 R /FontDescriptor 9 0 R >>")
    data = assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 400] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R /F2 10 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        font,
        b"<< /Length %d >>\nstream\n" % len(wide) + wide + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(narrow) + narrow + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
        (b"<< /Type /FontDescriptor /FontName /ABCDEF+SmallCaps /Flags 32 "
         b"/FontBBox [0 0 700 700] /ItalicAngle 0 /Ascent 700 /Descent 0 /CapHeight 700 "
         b"/StemV 80 >>"),
        other,
    ])
    slow, fast = _both(data)
    assert "".join(c[TEXT] for c in slow.chars) == "rrrr"
    assert fast is not None
    assert [c[TEXT] for c in fast.chars] == [c[TEXT] for c in slow.chars]
    for a, b in zip(slow.chars, fast.chars):
        assert (b[X0], b[X1]) == pytest.approx((a[X0], a[X1]), abs=0.01), a[TEXT]


def test_tex_glyph_name_read_otherwise_stays_on_the_pdfium_path():
    """PDFium reads the glyph name ``phi1`` by the Adobe Glyph List (ϕ), fonts.py by TeX's
    names (φ, the curly one): the character is translated through its glyph name, so the page
    reads as pdfminer reads it without taking the pdfminer path (geotopo-book: 21 pages)."""
    content = b"BT /F1 10 Tf 40 300 Td (x = A) Tj ET"
    widths = b" ".join(b"%d" % (300 + 7 * (code % 40)) for code in range(32, 123))
    data = _one_font_page(content, (
        b"<< /Type /Font /Subtype /Type1 /BaseFont /MathItalic /FirstChar 32 /LastChar 122 "
        b"/Widths [" + widths + b"] /FontDescriptor 6 0 R "
        b"/Encoding << /Type /Encoding /Differences [65 /phi1] >> >>"), (
        b"<< /Type /FontDescriptor /FontName /MathItalic /Flags 34 /FontBBox [0 -250 1000 750] "
        b"/ItalicAngle 0 /Ascent 750 /Descent -250 /CapHeight 700 /StemV 80 >>"))
    slow, fast = _both(data)
    assert fast is not None
    assert [c[TEXT] for c in fast.chars] == [c[TEXT] for c in slow.chars]
    assert "".join(c[TEXT] for c in fast.chars) == "x = \u03c6"
    for a, b in zip(slow.chars, fast.chars):
        assert (b[X0], b[X1]) == pytest.approx((a[X0], a[X1]), abs=0.01)


def test_a_glyph_pdfium_cannot_name_is_as_wide_as_the_fonts_widths_say():
    """A glyph PDFium finds no Unicode for (TeX's ``negationslash``: zero-width, set over the
    = after it) is as wide as the font's /Widths says, not as PDFium's box, and stays a
    character of its own though the = starts where it does. Before, it took PDFium's box and
    was merged with the = into one character, as if the two were one ligature glyph."""
    content = b"BT /F1 10 Tf 40 300 Td (x A= y) Tj ET"
    widths = b" ".join(b"0" if code == 65 else b"%d" % (300 + 7 * (code % 40))
                       for code in range(32, 123))
    data = _one_font_page(content, (
        b"<< /Type /Font /Subtype /Type1 /BaseFont /MathSymbols /FirstChar 32 /LastChar 122 "
        b"/Widths [" + widths + b"] /FontDescriptor 6 0 R "
        b"/Encoding << /Type /Encoding /Differences [65 /negationslash] >> >>"), (
        b"<< /Type /FontDescriptor /FontName /MathSymbols /Flags 34 /FontBBox [0 -250 1000 750] "
        b"/ItalicAngle 0 /Ascent 750 /Descent 0 /CapHeight 700 /StemV 80 >>"))
    slow, fast = _both(data)
    assert fast is not None
    assert [c[TEXT] for c in fast.chars] == [c[TEXT] for c in slow.chars]
    assert "\u0338" in [c[TEXT] for c in fast.chars]
    for a, b in zip(slow.chars, fast.chars):
        assert (b[X0], b[X1]) == pytest.approx((a[X0], a[X1]), abs=0.01), a[TEXT]


def test_a_glyph_pdfium_names_by_another_list_is_read_by_its_code(monkeypatch):
    """TeX's LINE10 names two glyphs ``a1`` and ``a26``: PDFium reads them by the Zapf Dingbats
    list (U+2701, U+271A), pdfminer, which lacks it, as ``(cid:1)`` and ``(cid:26)``. Their
    character codes (from PDFium's own records) are read as pdfminer reads them, as wide as
    the font's /Widths, on the PDFium path (geotopo-book's page 29 went to pdfminer); read
    through the API, which gives no codes, the page still goes to pdfminer."""
    from pipeline.extract.pdf import pdfium as reader

    content = b"BT /F1 10 Tf 40 300 Td (x\\001 y\\032) Tj ET"
    widths = b" ".join(b"%d" % (500 if code == 1 else 1000 if code == 26 else 400)
                       for code in range(1, 123))
    data = _one_font_page(content, (
        b"<< /Type /Font /Subtype /Type1 /BaseFont /LINE10 /FirstChar 1 /LastChar 122 "
        b"/Widths [" + widths + b"] /FontDescriptor 6 0 R "
        b"/Encoding << /Type /Encoding /Differences [1 /a1 26 /a26] >> >>"), (
        b"<< /Type /FontDescriptor /FontName /LINE10 /Flags 4 /FontBBox [0 -250 1000 750] "
        b"/ItalicAngle 0 /Ascent 750 /Descent -250 /CapHeight 700 /StemV 80 >>"))
    slow, fast = _both(data)
    assert fast is not None
    assert [c[TEXT] for c in fast.chars] == [c[TEXT] for c in slow.chars] == [
        "x", "(cid:1)", " ", "y", "(cid:26)"]
    for a, b in zip(slow.chars, fast.chars):
        assert (b[X0], b[X1], b[BOTTOM]) == pytest.approx((a[X0], a[X1], a[BOTTOM]), abs=0.01)
    monkeypatch.setattr(reader, "_char_list_at", lambda *_: None)
    assert _both(data)[1] is None


@pytest.mark.parametrize("content, types", [
    # a line-end hyphen: PDFium's U+0002, of a type (3) the API does not tell
    (b"BT /F1 10 Tf 40 300 Td (A broken exam-) Tj 0 -12 Td (ple goes on.) Tj ET", {0, 3}),
    # code 0 without a Unicode, and codes the font names no glyph for (NOT_UNICODE)
    (b"BT /F1 10 Tf 40 300 Td (x\\000y z \\201\\237) Tj ET", {0, 2}),
    # text turned and scaled; a break and a space PDFium generates between words drawn apart
    (b"BT /F1 10 Tf 0 1 -1 0 40 100 Tm (up) Tj 2 0 0 3 80 200 Tm (wide) Tj 30 0 Td (far) Tj ET",
     {0, 1}),
])
def test_the_characters_read_at_once_are_what_each_call_gives(monkeypatch, content, types):
    """``_records`` reads a page's characters in one piece from PDFium's array of them, where
    ``_char_list_at`` found it on this build (four to six calls a character before); every
    field reads as the API gives it character by character, and the character code, which
    the API does not give, is there too."""
    from pypdfium2 import raw

    from pipeline.extract.pdf import pdfium as reader

    data = _one_font_page(content, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    document = pdfium.PdfDocument(data)
    page = raw.FPDF_LoadPage(document.raw, 0)
    text_page = raw.FPDFText_LoadPage(page)
    try:
        address = ctypes.cast(text_page, ctypes.c_void_p).value or 0
        count = raw.FPDFText_CountChars(text_page)
        monkeypatch.setattr(reader, "_LOCATED", {})  # found again, on this page
        assert reader._char_list_at(address, 0) is None and not reader._LOCATED  # no text
        assert reader._char_list_at(address, count) is not None  # the locked build's
        each = reader._api_records(address, count)
        at_once = list(reader._records(address, count))
        assert {kind for kind, *_ in at_once} == types
        assert [(kind if kind in (reader.GENERATED, reader.NOT_UNICODE) else 0, text,
                 reader.NO_CODE, *rest) for kind, text, _, *rest in at_once] == each
        # the codes the API does not give: these ASCII codes' own, read as Unicode too
        assert all(code == text for kind, text, code, *_ in at_once
                   if kind in (0, reader.NOT_UNICODE))
    finally:
        raw.FPDFText_ClosePage(text_page)
        raw.FPDF_ClosePage(page)
        document.close()


def test_a_paths_points_read_at_once_are_what_each_segment_gives():
    """``_raw_points`` reads a path's segments in one piece from PDFium's array of points
    (four calls a segment before); every path of a drawn page, rectangles, lines, curves,
    closed and open figures, reads as segment by segment through the API."""
    import ctypes

    from pypdfium2 import raw

    from pipeline.extract.pdf import pdfium as reader

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(400, 400))
    canvas.rect(40, 100, 120, 60, fill=1)
    canvas.line(200, 100, 300, 100)
    canvas.bezier(200, 150, 230, 200, 260, 120, 300, 160)
    canvas.circle(100, 300, 30)
    figure = canvas.beginPath()  # two figures in one path, the first closed
    figure.moveTo(10, 10)
    figure.lineTo(50, 20)
    figure.lineTo(30, 40)
    figure.close()
    figure.moveTo(60, 60)
    figure.curveTo(70, 80, 90, 80, 100, 60)
    canvas.drawPath(figure)
    canvas.showPage()
    canvas.save()
    assert reader._points_readable()
    document = pdfium.PdfDocument(buffer.getvalue())
    page = raw.FPDF_LoadPage(document.raw, 0)
    try:
        objects, _, _ = reader._objects(ctypes.cast(page, ctypes.c_void_p).value or 0)
        paths = [obj for obj, kind, _ in objects if kind == reader.PATH]
        assert len(paths) == 5
        for path in paths:
            count = reader._count_segments(path)
            assert reader._raw_points(path, count) is not None
            assert reader._raw_points(path, count) == reader._api_points(path, count)
        assert any(close for path in paths
                   for *_, close in reader._api_points(path, reader._count_segments(path)))
    finally:
        raw.FPDF_ClosePage(page)
        document.close()


def test_rectangles_boxed_from_their_points_are_boxed_as_any_path(monkeypatch):
    """A figure of five points drawn as ``re`` draws it (most paths) is classified and boxed
    from its points directly; the page's rects, curves and lines are those that splitting
    it into subpaths gives: upright, turned, scaled and mirrored rectangles, a figure of that
    shape with a slanted side, one that ends off its start (a curve), one with a negative
    zero corner."""
    from pipeline.extract.pdf import pdfium as reader

    content = (b"10 20 100 50 re f "
               b"q 0.8 0.6 -0.6 0.8 200 30 cm 0 0 40 30 re S Q "
               b"q 2 0 0 -1.5 30 300 cm 0 0 20 10 re f Q "
               b"q -1 0 0 1 390 0 cm 5 5 30 30 re f Q "
               b"50 200 m 90 200 l 95 240 l 50 240 l 50 200 l h S "
               b"150 200 m 190 200 l 190 240 l 150 240 l 151 201 l h S "
               b"-0 0 m 40 0 l 40 -0 l -0 -0 l -0 0 l h f")
    data = _one_font_page(content, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    _, direct = _both(data)
    monkeypatch.setattr(reader, "_points_readable", lambda: False)  # each path's subpaths
    _, split = _both(data)
    assert direct is not None and split is not None
    assert len(direct.rects) == 5 and len(direct.curves) == 2
    assert repr((direct.rects, direct.curves, direct.lines)) == repr(
        (split.rects, split.curves, split.lines))


def test_a_page_read_through_the_api_is_the_page_read_at_once(monkeypatch):
    """Where another PDFium build keeps its characters otherwise (``_char_list_at`` None),
    each character is read through the API: the same page."""
    from pipeline.extract.pdf import pdfium as reader

    _, at_once = _both(_drawn())
    monkeypatch.setattr(reader, "_char_list_at", lambda *_: None)
    _, each = _both(_drawn())
    assert at_once is not None and at_once.chars
    assert each is not None and each.chars == at_once.chars


def _with_form(content: bytes, form: bytes) -> bytes:
    """One page drawing ``content`` and a form XObject drawing ``form``; both name a font
    Helvetica, each its own object."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    content += b" q /X1 Do Q"
    return assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 400] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        font,
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 400 400] /Resources << /Font << "
        b"/F2 7 0 R >> >> /Length %d >>\nstream\n%s\nendstream" % (len(form), form),
        font])


@pytest.mark.parametrize(("form", "read"), [
    (b"10 10 100 50 re f", False),  # a drawing: its fonts name no character of the page
    (b"BT /F2 10 Tf 72 200 Td (In the form) Tj ET", True)])
def test_the_fonts_of_forms_are_read_only_when_a_form_holds_text(monkeypatch, form, read):
    """A page's forms (a book's figures, each a form of forms and images) are resolved for
    their fonts only when PDFium finds text inside one: pdfminer parsing every figure's
    objects took a twentieth of the book's extraction."""
    from pipeline.extract.pdf import pages

    walked = []
    real = pages._font_refs
    monkeypatch.setattr(pages, "_font_refs", lambda *args: walked.append(1) or real(*args))
    slow, fast = _both(_with_form(b"BT /F1 10 Tf 72 300 Td (On the page) Tj ET", form))
    assert fast is not None
    assert "".join(c[TEXT] for c in fast.chars) == "".join(c[TEXT] for c in slow.chars)
    assert bool(walked) is read


def test_a_ligature_from_a_font_of_ligatures_alone_is_as_wide_as_its_glyph():
    """A ligature set from a font holding nothing else (a journal's ``+fb`` font: ``ﬁ`` in
    ``sig-ﬁ-nal``), whose ToUnicode reads the glyph as ``f`` and ``i``: the font has no
    width for either letter, so both came out with no width, and the gap the glyph left
    before ``nal`` read as a word space (``signifi cance``). The glyph is one character as
    wide as its advance, as pdfminer reads it."""
    content = b"BT /F1 10 Tf 40 300 Td (sig) Tj /F2 10 Tf (!) Tj /F1 10 Tf (nal) Tj ET"
    glyph = b"500 0 0 0 500 700 d1 0 0 500 700 re f"
    cmap = _to_unicode(b"<21> <00660069>")
    data = assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 400] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        (b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 500 700] "
         b"/FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << /fi 7 0 R >> "
         b"/Encoding << /Type /Encoding /Differences [33 /fi] >> "
         b"/FirstChar 33 /LastChar 33 /Widths [500] /ToUnicode 8 0 R >>"),
        b"<< /Length %d >>\nstream\n" % len(glyph) + glyph + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
    ])
    slow, fast = _both(data)
    assert fast is not None
    assert [c[TEXT] for c in fast.chars] == [c[TEXT] for c in slow.chars]
    assert "fi" in [c[TEXT] for c in fast.chars]
    for a, b in zip(slow.chars, fast.chars):
        assert (b[X0], b[X1]) == pytest.approx((a[X0], a[X1]), abs=0.01), a[TEXT]


def test_a_nameless_type3_fonts_unmapped_glyphs_are_read_by_its_pdfminer_font():
    """A Type3 font has no /BaseFont: pdfminer names it ``unknown``, PDFium leaves it nameless.
    A glyph PDFium finds no Unicode for (a figure's ``/Bullet``, drawn inside a form) is read
    with the page's font of PDFium's name, so the nameless font went unfound and the page
    took the pdfminer path (geotopo-book p. 40). It is read on the PDFium path as pdfminer
    reads it, the font named as pdfminer names it."""
    glyph = b"0 0 -50 -50 50 50 d1 -50 -50 100 100 re f"
    form = b"BT /F2 10 Tf 60 200 Td (b) Tj 30 0 Td (b) Tj ET"
    content = b"BT /F1 10 Tf 40 300 Td (A dot:) Tj ET q /X1 Do Q"
    data = assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 400] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 400 400] /Resources << /Font << "
        b"/F2 7 0 R >> >> /Length %d >>\nstream\n%s\nendstream" % (len(form), form),
        (b"<< /Type /Font /Subtype /Type3 /FontBBox [-1000 -1000 1000 1000] "
         b"/FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << /Bullet 8 0 R >> "
         b"/Encoding << /Type /Encoding /Differences [98 /Bullet] >> "
         b"/FirstChar 98 /LastChar 98 /Widths [0] >>"),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(glyph), glyph),
    ])
    slow, fast = _both(data)
    assert [c[TEXT] for c in slow.chars if c[FONTNAME] == "unknown"] == ["b", "b"]
    assert fast is not None
    assert [(c[TEXT], c[FONTNAME]) for c in fast.chars] == [
        (c[TEXT], c[FONTNAME]) for c in slow.chars]
    for a, b in zip(slow.chars, fast.chars):
        assert (b[X0], b[X1], b[BASELINE]) == pytest.approx((a[X0], a[X1], a[BASELINE]),
                                                            abs=0.01), a[TEXT]
