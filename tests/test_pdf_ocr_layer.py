"""Pages of a scan with an OCR text layer (issue #15): the scan as an image, and over it each
word read in invisible text (render mode 3). As Tesseract writes one, the word and the space
after it as one string in its ``GlyphLessFont`` stretched over the word's box, each line set at
a size taken from that line's own height, whole points that differ from line to line; as a
scanner's or an archive's OCR writes one, each word alone in its own text object of an ordinary
font (Times-Roman), scaled to the word's box."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from pipeline.extract import ExtractOptions, extract
from pipeline.extract.pdf.objects import page_objects
from tests.test_extract_pdf import _pdf_capture

MONO = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
GLYPHLESS = (b"DejaVuSansMono", b"XGlyphLessFont")
"""The same length, so the file's offsets hold: a font whose glyphs are all one width, as the
glyphs of Tesseract's ``GlyphLessFont`` are, named as Tesseract names its font."""

LEFT = ("The rules in this subchapter shall apply to all positions in the competitive service "
        "and to all incumbents of such positions except where the rule concerned says "
        "otherwise and the office has decided that they do not apply to the positions and "
        "employees of the excepted service named in the schedules").split()
RIGHT = ("An employee shall be considered as being in the competitive service when he has a "
         "competitive status and occupies a competitive position unless he is serving under a "
         "temporary appointment that was made for a limited time by the office for a purpose "
         "it names in the record of that appointment").split()


def _glyphless() -> str:
    if not MONO.exists():
        pytest.skip("no DejaVu Sans Mono to stand for Tesseract's GlyphLessFont")
    if "Mono" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Mono", str(MONO)))
    return "Mono"


def _ocr_line(canvas, words: list[str], x0: float, x1: float, baseline: float,
              size: float) -> None:
    """``words`` read on one line from ``x0`` to ``x1`` and sized ``size``: each word's box as
    wide as the printed word (``LETTER`` a letter, whatever size the OCR gave the line), the
    boxes spread to fill the measure, and each word with a space after it stretched over its
    box, invisible."""
    _invisible_words(canvas, words, x0, x1, baseline, size, _glyphless(), " ")


def _invisible_words(canvas, words: list[str], x0: float, x1: float, baseline: float,
                     size: float, font: str, after: str) -> None:
    """Each of ``words``, with ``after`` it, in a text object of its own in invisible ``font``
    at ``size``, scaled (``Tz``) to its box: as wide as the printed word (``LETTER`` a
    letter), the boxes spread to fill ``x0`` to ``x1``."""
    widths = [LETTER * len(word) for word in words]
    gap = (x1 - x0 - sum(widths)) / max(len(words) - 1, 1)
    x = x0
    for word, width in zip(words, widths):
        text = canvas.beginText(x, baseline)
        text.setTextRenderMode(3)
        text.setFont(font, size)
        drawn = word + after
        text.setHorizScale(100 * width / stringWidth(drawn, font, size))
        text.textOut(drawn)
        canvas.drawText(text)
        x += width + gap


LETTER = 4.5
"""Points: the printed letters' width (a 9-point book face)..."""
WORD_SPACE = 2.8
"""...and its word space."""


def _ragged(x0: float, words: list[str]) -> float:
    """Where a line of ``words`` set ragged right from ``x0`` ends."""
    return x0 + LETTER * sum(map(len, words)) + WORD_SPACE * (len(words) - 1)


def _lines(words: list[str], measure: int = 48) -> list[list[str]]:
    """``words`` set in lines of at most ``measure`` letters and spaces."""
    lines: list[list[str]] = [[]]
    for word in words:
        if lines[-1] and len(" ".join(lines[-1] + [word])) > measure:
            lines.append([])
        lines[-1].append(word)
    return lines


def _scan(canvas) -> None:
    image = io.BytesIO()
    Image.new("L", (612, 792), 240).save(image, format="PNG")
    canvas.drawImage(ImageReader(io.BytesIO(image.getvalue())), 0, 0, 612, 792)


def _scanned_pdf(draw) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(612, 792))
    _scan(canvas)
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _extract(tmp_path: Path, draw) -> object:
    data = _scanned_pdf(draw)
    assert GLYPHLESS[0] in data
    capture, data = _pdf_capture(tmp_path, data.replace(*GLYPHLESS), "scan.pdf")
    return extract(data, capture, ExtractOptions())


def _text(result) -> str:
    return " ".join(b.text for b in result.blocks).replace("\n", " ")


SIZES = (8, 10, 9, 10, 8, 11, 8, 9, 10, 8, 10, 9)
"""Tesseract's sizes for one column's lines of one printed size."""


def test_two_columns_of_an_ocr_layer_read_column_by_column(tmp_path):
    """The gutter between two scanned columns (9 points) is no wider than the gaps between an
    OCR layer's last letter of one word and the next word (each word's letters end a glyph
    short of its box) measured in the layer's sizes: the gutter is found from the word boxes,
    and each column reads whole before the next."""
    left, right = _lines(LEFT), _lines(RIGHT)
    measure = max(_ragged(72, words) for words in left)  # the left column justified
    gutter = measure + 9

    def page(canvas):
        for row, words in enumerate(left):
            _ocr_line(canvas, words, 72, measure if row < len(left) - 1 else _ragged(72, words),
                      700 - 12 * row, SIZES[row % len(SIZES)])
        for row, words in enumerate(right):  # a scan's baselines are a point or so apart
            _ocr_line(canvas, words, gutter, _ragged(gutter, words), 699 - 12 * row,
                      SIZES[(row + 3) % len(SIZES)])

    text = _text(_extract(tmp_path, page))
    assert " ".join(LEFT) in text
    assert " ".join(RIGHT) in text
    assert text.index(" ".join(LEFT)) < text.index(" ".join(RIGHT))


def test_ocr_layer_line_read_smaller_is_no_row_of_scripts(tmp_path):
    """A line the OCR sized a few points under the line above it has a box that reaches into
    that line (each box is a whole size tall): its short words are no superscripts to read
    among the line above's letters."""
    lines = _lines(LEFT)

    def page(canvas):
        for row, words in enumerate(lines):
            _ocr_line(canvas, words, 72, 296, 700 - 8.5 * row, 10 if row % 2 == 0 else 8)

    text = _text(_extract(tmp_path, page))
    assert " ".join(LEFT) in text


def test_ocr_layer_lines_of_one_paragraph_at_noisy_sizes_are_one_paragraph(tmp_path):
    """Lines of one justified paragraph that the OCR sized 8 to 11 points are one paragraph,
    not a run of headings between pieces of it; a short line over the paragraph stays apart."""
    lines = _lines(LEFT)

    def page(canvas):
        _ocr_line(canvas, ["Extent", "of", "the", "service"], 72, 160, 724, 11)
        for row, words in enumerate(lines):
            # the last line is the paragraph's end: shorter than the measure
            x1 = 296 if row < len(lines) - 1 else 72 + 5.5 * len(" ".join(words))
            _ocr_line(canvas, words, 72, x1, 700 - 12 * row, SIZES[row])

    result = _extract(tmp_path, page)
    paragraphs = [b.text.replace("\n", " ") for b in result.blocks if b.kind == "paragraph"]
    assert paragraphs == [" ".join(LEFT)]
    assert [b.kind for b in result.blocks if "Extent" in b.text] == ["heading"]


def _word_objects_line(canvas, words: list[str], x0: float, x1: float, baseline: float,
                       size: float) -> None:
    """``words`` read on one line as a scanner's or an archive's OCR writes them: each word's
    box as wide as the printed word (``LETTER`` a letter), the boxes spread to fill ``x0`` to
    ``x1``, and each word alone, without a space, in its own text object of invisible
    Times-Roman at the line's ``size``, scaled horizontally (``Tz``) to fill its box."""
    _invisible_words(canvas, words, x0, x1, baseline, size, "Times-Roman", "")


def _extract_scan(tmp_path: Path, draw) -> object:
    capture, data = _pdf_capture(tmp_path, _scanned_pdf(draw), "scan.pdf")
    return extract(data, capture, ExtractOptions())


def test_words_of_a_layer_in_times_set_without_spaces_read_apart(tmp_path):
    """A layer of one text object a word, without spaces, its letters scaled to the word's box:
    the scan's word spaces in a tight line (0.1 em of the layer's size) are word breaks, not
    the kerning a typeset line's gaps that narrow would be."""
    lines = _lines(LEFT, 40)

    def page(canvas):
        for row, words in enumerate(lines):
            width = LETTER * sum(map(len, words)) + 1.0 * (len(words) - 1)
            _word_objects_line(canvas, words, 72, 72 + width, 700 - 12 * row, 10)

    assert " ".join(LEFT) in _text(_extract_scan(tmp_path, page))


def test_pdfminer_reads_which_fonts_are_an_ocr_layer():
    """pdfminer's path (pages PDFium cannot read) tells the layer as PDFium's does: the fonts
    drawn only invisibly over a page-sized image; without the image, invisible text is none."""
    def draw(scan: bool) -> bytes:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=(612, 792))
        if scan:
            _scan(canvas)
        canvas.setFont("Helvetica", 10)
        canvas.drawString(72, 600, "A visible line")  # drawn first: the mode stays set
        _word_objects_line(canvas, ["Hidden", "words"], 72, 140, 700, 10)
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    for scan, fonts in ((True, {"Times-Roman"}), (False, set())):
        with pdfplumber.open(io.BytesIO(draw(scan))) as pdf:
            page = pdf.pages[0]
            found = page_objects(page, {}, set())
            assert found.ocr_fonts(float(page.width), float(page.height)) == fonts


MIDDLE = ("The committee met in the spring and again in the autumn to hear the reports of the "
          "working groups and to decide which of their proposals the society should put before "
          "the members at the annual meeting in the winter").split()
JOURNAL_SIZES = (9, 10, 9, 10, 9, 11, 9, 9, 10, 9, 10, 9)
"""A scanner's layer's sizes for one column's lines of one printed size (the line's height)."""


def test_three_columns_of_a_times_layer_read_in_order_without_headings(tmp_path):
    """A three-column journal page scanned, its layer one Times-Roman text object a word: the
    lines the layer sized a point or two over the rest are body text (no headings splitting
    a column), each column reads whole before the next, and the footer's date stays apart."""
    columns = [_lines(LEFT, 36), _lines(MIDDLE, 36), _lines(RIGHT, 36)]
    measure = max(_ragged(0, words) for lines in columns for words in lines)

    def page(canvas):
        for c, lines in enumerate(columns):
            x0 = 54 + c * (measure + 12)
            for row, words in enumerate(lines):
                x1 = x0 + measure if row < len(lines) - 1 else _ragged(x0, words)
                _word_objects_line(canvas, words, x0, x1, 700 - 11 * row - 0.7 * c,
                                   JOURNAL_SIZES[(row + 4 * c) % len(JOURNAL_SIZES)])
        _word_objects_line(canvas, ["13", "DECEMBER", "1968"], 54, 134, 80, 8)
        _word_objects_line(canvas, ["1243"], 560, 578, 80, 8)

    result = _extract_scan(tmp_path, page)
    assert [b.kind for b in result.blocks] == ["paragraph"] * len(result.blocks)
    text = _text(result)
    read = [text.index(" ".join(words)) for words in (LEFT, MIDDLE, RIGHT)]
    assert read == sorted(read)
    assert not result.footnotes
