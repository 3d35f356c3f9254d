"""PDF pages: the file opened within its limits, each page read once into a ``PageData``.

Each page is parsed once (pdfminer's layout tree read by objects.py: characters, rules, boxes,
strokes; ruled tables by tables.py) and closed at once, so memory stays flat; only compact line
records are kept. Encrypted and broken files and files over the object limit fail here with a
clear error, before any page is read.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdffont import PDFFont, PDFSimpleFont, PDFUnicodeNotDefined
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.pdftypes import PDFObjRef, PDFStream, dict_value, resolve1
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException
from pypdfium2 import PdfiumError  # type: ignore[import-untyped]

from pipeline.errors import ContentLimitExceeded, EncryptedPDF, ExtractError, LimitExceeded
from pipeline.extract.pdf.chars import TEXT, UPRIGHT, on_the_page
from pipeline.extract.pdf.figures import bleeds, figure_regions
from pipeline.extract.pdf.fonts import (
    SUBSET_TAG,
    EncodingResourceManager,
    Reading,
    code_width,
)
from pipeline.extract.pdf.geometry import Box
from pipeline.extract.pdf.line_numbers import without_line_numbers
from pipeline.extract.pdf.lines import Line, page_lines
from pipeline.extract.pdf.notes import RULE_MAX_HEIGHT
from pipeline.extract.pdf.objects import PageObjects, page_objects
from pipeline.extract.pdf.order import LayoutBlock
from pipeline.extract.pdf.pdfium import (
    BY_CODE,
    HYPHEN_MARK,
    SHARED_WIDTH,
    Decode,
    PdfiumDocument,
)
from pipeline.extract.pdf.syntax import read_plain_objects
from pipeline.extract.pdf.tables import ruled_tables
from pipeline.model import Capture, ExtractOptions

CALLOUT_MIN_AREA = 0.03
"""A filled or framed box covering at least this share of the page (and not most of it) is a
call-out when blocks sit inside it."""
FRACTION_BAR_HEIGHT = 1.5
"""Points: a horizontal stroke at most this thick may be a formula's fraction bar."""
DASH_RULE = re.compile(r"[\u2014\u2015\u2500\u2501_]{3,}")
"""A line of nothing but em dashes (or horizontal bars, box-drawing strokes, underscores) is a
rule set as text: a court's slip opinion separates its notes with ``——————``, a report its
box's note with a row of underscores."""


@dataclass(slots=True)
class PageData:
    number: int
    width: float
    height: float
    lines: list[Line]
    tables: list[LayoutBlock]
    rules: list[tuple[float, float, float, float]]
    boxes: list[tuple[float, float, float, float]]
    images: list[tuple[float, float, float, float]]
    figures: list[tuple[float, float, float, float]]
    """Regions of vector drawings (pdf_figures.py): their text is kept as figure passages."""
    rotated: str
    glyphs: int
    bad_glyphs: int
    bars: list[tuple[float, float, float, float]] = field(default_factory=list)
    """Boxes too small to hold a call-out but taller than a rule: the band behind a heading."""
    grids: list[tuple[float, float, float, float]] = field(default_factory=list)
    """Ruled grids that hold no table (a form's fields, boxes behind a paragraph)."""
    line_numbers: list[tuple[str, Box, str]] = field(default_factory=list)
    """A manuscript's margin line numbers (line_numbers.py): text, box, evidence."""


def open_pdf(data: bytes, capture: Capture, max_objects: int | None
          ) -> tuple[pdfplumber.pdf.PDF, EncodingResourceManager]:
    """The open PDF and the resource manager that reads its fonts (pdf_fonts.py)."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PdfminerException, PDFPasswordIncorrect, PDFSyntaxError, PSException) as exc:
        # pdfplumber wraps pdfminer's errors: the password error may be the cause
        if any(isinstance(e, PDFPasswordIncorrect)
               for e in (exc, exc.__cause__, exc.__context__, *exc.args)):
            raise EncryptedPDF(f"{capture.uri} is encrypted with a user password: supply the "
                               "password or a decrypted copy") from None
        raise ExtractError(f"{capture.uri} is not a readable PDF (truncated or broken "
                           f"cross-reference table?): {exc}") from exc
    # Counted before any page is read, and only up to the limit: an xref stream can declare
    # millions of entries in a few bytes.
    entries = chain.from_iterable(xref.get_objids() for xref in pdf.doc.xrefs)
    if max_objects and sum(1 for _ in islice(entries, max_objects + 1)) > max_objects:
        release(pdf)
        raise ContentLimitExceeded(f"{capture.uri} lists more than {max_objects:,} objects in "
                                   "its cross-reference table, over the max_objects limit: raise "
                                   "it ([settings.extract] in the registry) if the file is "
                                   "genuine")
    read_plain_objects(pdf.doc, data)
    pdf.rsrcmgr = fonts = EncodingResourceManager()
    return pdf, fonts


def release(pdf: pdfplumber.pdf.PDF) -> None:
    """Drop what pdfplumber keeps of the document (its pages). Not its ``close``: that drops
    the list of pages, then parses the page tree again to close every page of a new list
    (a 117-page book's pages built twice), where ``read_pages`` closed each page it read;
    the stream is the caller's (``open_pdf`` opens the bytes in memory)."""
    pdf.flush_cache()


def read_pages(pdf: pdfplumber.pdf.PDF, data: bytes, fonts: EncodingResourceManager,
               capture: Capture, options: ExtractOptions) -> list[PageData]:
    """Every page's data, read by PDFium where it can (pdfium.py), else by pdfminer."""
    started = time.monotonic()
    pages = []
    fast = _pdfium(data, len(pdf.pages))
    try:
        for index, page in enumerate(pdf.pages):
            if time.monotonic() - started > options.max_seconds:
                raise LimitExceeded(f"{capture.uri}: over the {options.max_seconds:g} s limit "
                                    f"at page {page.page_number}")
            try:
                if fast:
                    _decode_contents(page)
                objects = fast and fast.page_objects(index, float(page.height),
                                                     float(page.mediabox[0]),
                                                     float(page.mediabox[1]),
                                                     partial(_decoder, page, fonts))
                pages.append(_read_page(page, objects or page_objects(page, fonts.descents,
                                                                      fonts.heavy)))
            finally:
                page.close()
    finally:
        if fast:
            fast.close()
    return pages


def _decode_contents(page: pdfplumber.page.Page) -> None:
    """Inflate the page's content streams in Python first. PDFium aborts the whole process
    when an allocation fails, so a stream that inflates past the worker's memory limit (a
    decompression bomb) must fail here, as a MemoryError the worker reports as over the limit;
    the streams are small for real pages, and zlib decodes them at C speed."""
    contents = resolve1(page.page_obj.attrs.get("Contents"))
    for stream in contents if isinstance(contents, list) else [contents]:
        stream = resolve1(stream)
        if isinstance(stream, PDFStream):
            stream.get_data()


def _pdfium(data: bytes, pages: int) -> PdfiumDocument | None:
    """The document open in PDFium, or None where PDFium cannot read it as pdfminer does."""
    try:
        fast = PdfiumDocument(data)
    except PdfiumError:  # pdfminer opened it: every page takes the pdfminer path
        return None
    if len(fast) != pages:
        fast.close()
        return None
    return fast


def _decoder(page: pdfplumber.page.Page, fonts: EncodingResourceManager,
             forms: bool = True) -> Decode:
    """PDFium's characters checked against pdfminer's reading of the page's fonts: a code PDFium
    finds no Unicode for is read with pdfminer's font (fonts.py's glyph names included); in a
    simple font without ToUnicode, a character PDFium maps must be one pdfminer's reading of
    that font has, or one PDFium read from a glyph name that fonts.py reads otherwise (TeX's
    ``phi1``: the Adobe Glyph List's ϕ for PDFium, φ for fonts.py), then it is fonts.py's
    text. None sends the page to pdfminer: a font the page's resources do not name uniquely
    (a form XObject's own fonts, two subsets of one font) or a character the two read
    differently. ``forms`` False: no text is drawn inside a form XObject, so the forms'
    fonts are not read (resolving every form and image of a book's figures took a twentieth
    of its extraction time)."""
    by_name: dict[str, PDFFont | None] = {}
    namesakes: dict[str, list[PDFFont]] = {}
    readings: dict[str, Reading | None] = {}
    # by PDFium's font name: the name without its subset tag, pdfminer's font, the letters
    # its ToUnicode gives ligatures and the texts it gives glyphs of different widths
    # (``shared_texts``, from the font of the tagged name where two subsets share the
    # untagged one), worked out once (the page's fonts are all read at its first character,
    # so these stay as they are for the page), and the codes read so far by these fonts
    # (``EncodingResourceManager.decoded``: shared with the other pages naming them)
    faces: dict[str, tuple[str, PDFFont | None, Collection[str], Collection[str],
                           dict[int, tuple[str, float | None] | None]]] = {}

    def decode(fontname: str, code: int, unmapped: bool) -> tuple[str, float | None] | None:
        face = faces.get(fontname)
        if face is None:
            if not by_name:
                by_name.update(_page_fonts(page, fonts, forms, namesakes))
            untagged = SUBSET_TAG.sub("", fontname)  # PDFium keeps the tag of some fonts
            font = by_name.get(untagged)
            widths = font or by_name.get(fontname)
            # a name two fonts share (pdfTeX's one font in two encodings): which of them a
            # character is set in is unknown, so a text either sets at two widths is measured
            # by its glyph; what is read so depends on the page's fonts of that name, so it is
            # kept for the page alone
            namesake = [] if widths else namesakes.get(untagged, [])
            shared = frozenset().union(*map(fonts.shared_texts, namesake)) if namesake else (
                fonts.shared_texts(widths))
            face = faces[fontname] = (untagged, font, fonts.truncated.get(untagged, ()), shared,
                                      {} if namesake else fonts.decoded(fontname, font, widths))
        known = face[4]
        key = -1 - code if unmapped else code
        if key not in known:
            known[key] = read(face, code, unmapped)
        return known[key]

    def read(face: tuple[str, PDFFont | None, Collection[str], Collection[str], object],
             code: int, unmapped: bool) -> tuple[str, float | None] | None:
        fontname, font, truncated, shared, _ = face
        if not unmapped:
            text = "-" if code == HYPHEN_MARK else chr(code)
            if text in truncated:
                return None  # a ligature's glyph or the letter's own: pdfminer's codes tell
            if fontname not in readings:
                readings[fontname] = fonts.reading(font)
            reading = readings[fontname]
            if reading is None:
                return text, SHARED_WIDTH if text in shared else None
            if text in reading[0]:
                return text, code_width(font, reading[0][text])
            if text not in reading[1]:
                return BY_CODE  # a glyph name PDFium reads by another list than pdfminer's
            translated = reading[1][text]
            return None if translated is None else (
                translated, code_width(font, reading[0][translated]))
        if font is None:
            return None
        # a simple font's code is pdfminer's cid: its width is the font's /Widths entry
        width = font.char_width(code) if isinstance(font, PDFSimpleFont) else None
        try:
            return font.to_unichr(code), width
        except PDFUnicodeNotDefined:
            return f"(cid:{code})", width  # as pdfminer writes it: counted as unmapped

    return decode


def _page_fonts(page: pdfplumber.page.Page, fonts: EncodingResourceManager,
                forms: bool = True, namesakes: dict[str, list[PDFFont]] | None = None
                ) -> dict[str, PDFFont | None]:
    """The page's fonts by name (subset tag dropped; None for a name two fonts share), also
    by the tagged name, and with ``forms`` those of the form XObjects it draws; ``namesakes``
    gets every font by its untagged name."""
    found: dict[str, PDFFont | None] = {"": None}
    refs = _font_refs(page.page_obj.resources) if forms else list(
        dict_value(dict_value(page.page_obj.resources).get("Font") or {}).values())
    for ref in refs:
        font, tagged, name = fonts.named_font(ref)
        found[name] = font if name not in found or found[name] is font else None
        if namesakes is not None and font is not None:
            namesakes.setdefault(name, []).append(font)
        if tagged != name:  # PDFium keeps the tag of some fonts
            found[tagged] = font if tagged not in found or found[tagged] is font else None
    return found


def _font_refs(resources: Any, seen: set[int] | None = None) -> list[Any]:
    """The fonts of a resource dictionary and of the form XObjects it holds, theirs too: a
    page drawn inside a form (a page imported into another file) names its own subset of a
    font and draws with the form's, whose /Widths are another's (zero for glyphs the page's
    subset lacks: ``T able 2: B LE U``)."""
    seen = set() if seen is None else seen
    resources = dict_value(resources)
    refs = list(dict_value(resources.get("Font") or {}).values())
    for ref in dict_value(resources.get("XObject") or {}).values():
        objid = ref.objid if isinstance(ref, PDFObjRef) else id(ref)
        if objid in seen:
            continue
        seen.add(objid)
        form = resolve1(ref)
        if (isinstance(form, PDFStream) and "Resources" in form.attrs
                and getattr(form.attrs.get("Subtype"), "name", None) == "Form"):
            refs += _font_refs(form.attrs["Resources"], seen)
    return refs


def _read_page(page: pdfplumber.page.Page, objects: PageObjects) -> PageData:
    chars, numbers = without_line_numbers(on_the_page(objects.chars, float(page.width),
                                                      float(page.height)))
    tables, grids = ruled_tables(page, objects.rects, objects.lines, chars)
    table_boxes = [t.bbox for t in tables]
    strokes = objects.rects + objects.lines
    # what may stand on a rule: the strokes taller than a rule (a drawing's thin ones are most)
    tall = [s for s in strokes if s[3] - s[1] > RULE_MAX_HEIGHT]
    # a rule may be drawn as a filled outline (a bar with rounded ends, a curve to pdfminer):
    # its box makes it one, not its path
    rules = [o for o in strokes + objects.curves
             if o[3] - o[1] <= RULE_MAX_HEIGHT and o[2] - o[0] >= 20
             and not _in_drawing(o, tall)]
    area = page.width * page.height
    boxes = [o for o in objects.rects
             if CALLOUT_MIN_AREA * area <= (o[2] - o[0]) * (o[3] - o[1]) <= 0.6 * area]
    images = objects.images
    rotated = "".join([c[TEXT] for c in chars if not c[UPRIGHT]]).strip()
    figures = [region for region in figure_regions(objects.curves, objects.lines, area,
                                                   objects.rects)
               if not bleeds(region, float(page.width), float(page.height))]
    fraction_bars = [o for o in strokes
                     if o[3] - o[1] <= FRACTION_BAR_HEIGHT and o[2] - o[0] >= 1]
    text_lines = page_lines(chars, page.page_number, table_boxes, objects.heavy, figures,
                            fraction_bars,
                            objects.ocr_fonts(float(page.width), float(page.height)))
    dashes = [line for line in text_lines if line.x1 - line.x0 >= 20
              and DASH_RULE.fullmatch(line.text.replace(" ", ""))]
    if dashes:  # drawn with glyphs, read as a rule is: no text, a note separator
        text_lines = [line for line in text_lines if not any(line is d for d in dashes)]
        rules += [(d.x0, (d.top + d.bottom) / 2, d.x1, (d.top + d.bottom) / 2) for d in dashes]
    bad = sum(l.bad_glyphs for l in text_lines)
    glyphs = sum(l.chars for l in text_lines)
    bars = [o for o in objects.rects if o[3] - o[1] > RULE_MAX_HEIGHT and o[2] - o[0] >= 20
            and (o[2] - o[0]) * (o[3] - o[1]) < CALLOUT_MIN_AREA * area]
    return PageData(page.page_number, float(page.width), float(page.height), text_lines, tables,
                    rules, boxes, images, figures, rotated, glyphs, bad, bars, grids, numbers)


TOUCH_PT = 1.0


def _in_drawing(rule: tuple[float, float, float, float],
                tall: list[tuple[float, float, float, float]]) -> bool:
    """Whether one of ``tall`` (the page's strokes taller than a rule) stands on ``rule`` or
    hangs from it (a chart's bars on their axis, a frame's sides on its edge): then it is part
    of a drawing, while a note separator touches nothing."""
    x0, top, x1, bottom = rule
    return any(s[0] < x1 and s[2] > x0
               and (abs(s[3] - top) <= TOUCH_PT or abs(s[1] - bottom) <= TOUCH_PT)
               for s in tall)


def metadata(pdf: pdfplumber.pdf.PDF) -> dict[str, Any]:
    try:
        return dict(pdf.metadata or {})
    except Exception:  # unreadable Info: metadata is optional, the text is not
        return {}


def xmp_bytes(pdf: pdfplumber.pdf.PDF) -> bytes | None:
    try:
        stream = pdf.doc.catalog.get("Metadata")
        return stream.resolve().get_data() if stream is not None else None
    except Exception:  # a broken XMP stream only loses metadata
        return None
