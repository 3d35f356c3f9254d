"""OCR'd pages: a page image in, the ``PageData`` the PDF layout code reads and an ``OcrRecord``
of what was done out; and, for PDFs, which pages to OCR and their images rendered by PDFium.

A PDF page is OCR'd when ``ExtractOptions.ocr`` is ``always``, or when it is ``auto`` and the
page's text layer fails ``textlayer.judge``; its lines then replace the text layer's. Pages are
rendered and read one at a time, so a long scan keeps one page image in memory.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline import release_freed_memory
from pipeline.errors import ExtractError, LimitExceeded
from pipeline.extract.ocr.textlayer import judge
from pipeline.extract.pdf.lines import page_lines
from pipeline.extract.pdf.pages import PageData
from pipeline.model import Capture, ExtractOptions

if TYPE_CHECKING:  # the engine (numpy, PIL: about 18 MB) is imported when a page is OCR'd
    from PIL import Image

    from pipeline.extract.ocr.engine import OcrChar, OcrLine

PDF_DPI = 200
"""Resolution PDF pages are rendered at for OCR: the recogniser scales every line to 48 pixels
high, and 8-point footnotes are 22 pixels high at 200 dpi (benchmarks/ocr_quality.py compares
200 and 300 dpi)."""

Box = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class OcrRecord:
    """What OCR did on one page, for the transforms and confidences of its blocks."""

    page: int
    reason: str
    """Why: ``image`` (a page image), ``always`` (the source says so) or the text layer's
    verdict (``no-text``, ``unmapped-glyphs``, ``outside-page``, ``non-words``, ``glued-words``)."""
    evidence: str
    dpi: float
    confidence: float | None
    """Mean character confidence on the page (None: no text found)."""
    rotation: int
    skew: float
    lines: tuple[tuple[Box, float, int], ...]
    """Each OCR line's box (points, upright page), confidence and character count."""
    source_size: tuple[float, float]
    """(width, height) of the page as given, in points."""
    upright_size: tuple[float, float]
    """(width, height) of the upright page the boxes are on, in points."""
    words: tuple[tuple[str, Box, float], ...] = ()
    """Each OCR word: its text, box (points, upright page) and mean character confidence."""

    def to_source(self, box: Box) -> Box:
        """A box of the upright page as a box on the page as given (its bounding box when the
        page was turned by a few degrees)."""
        if not self.rotation and not self.skew:
            return box
        corners = [self._point(x, y) for x in (box[0], box[2]) for y in (box[1], box[3])]
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        return (min(xs), min(ys), max(xs), max(ys))

    def _point(self, x: float, y: float) -> tuple[float, float]:
        from pipeline.extract.ocr.engine import to_source

        return to_source(x, y, self.rotation, self.skew, self.source_size, self.upright_size)


def ocr_page(image: Image.Image, number: int, dpi: float, reason: str, evidence: str
             ) -> tuple[PageData, OcrRecord]:
    """Read one page image; its lines in PDF points (``dpi`` pixels per 72 points)."""
    from pipeline.extract.ocr.chars import page_chars, page_rules
    from pipeline.extract.ocr.engine import read_page

    page = read_page(image)
    chars, fitted = page_chars(page, dpi)
    lines = page_lines(chars, number)
    scale = 72.0 / dpi
    width, height = page.image.width * scale, page.image.height * scale
    record = OcrRecord(number, reason, evidence, dpi, page.confidence, page.rotation, page.skew,
                       tuple(((l.box[0] * scale, l.box[1] * scale, l.box[2] * scale,
                               l.box[3] * scale), l.confidence, len(l.chars))
                             for l in page.lines),
                       (page.source_size[0] * scale, page.source_size[1] * scale),
                       (width, height), _words(fitted, scale))
    glyphs = sum(line.chars for line in lines)
    return PageData(number, width, height, lines, [], page_rules(page, dpi), [], [], [], "",
                    glyphs, 0), record


def _words(lines: tuple[OcrLine, ...], scale: float) -> tuple[tuple[str, Box, float], ...]:
    """The lines' words (runs of non-space characters), boxes scaled by ``scale``."""
    words = []
    for line in lines:
        run: list[OcrChar] = []
        for char in (*line.chars, None):  # None ends the last word
            if char is not None and not char.text.isspace():
                run.append(char)
                continue
            if run:
                box = (run[0].x0 * scale, line.box[1] * scale, run[-1].x1 * scale,
                       line.box[3] * scale)
                words.append(("".join(c.text for c in run), box,
                              sum(c.confidence for c in run) / len(run)))
            run = []
    return tuple(words)


def ocr_pdf_pages(data: bytes, pages: list[PageData], capture: Capture,
                  options: ExtractOptions, started: float) -> list[OcrRecord]:
    """OCR the pages whose text layer is missing or junk (or every page, or none, as
    ``options.ocr`` says), replacing them in ``pages``; the records of the pages OCR'd."""
    if options.ocr == "never":
        return []
    chosen = []
    for index, page in enumerate(pages):
        if options.ocr == "always":
            chosen.append((index, "always", "ocr = \"always\" for this source"))
            continue
        verdict = judge(page)
        if verdict.ocr:
            chosen.append((index, verdict.reason, verdict.evidence))
    if not chosen:
        return []
    render = _renderer(data, capture)
    records = []
    for index, reason, evidence in chosen:
        if time.monotonic() - started > options.max_seconds:
            raise LimitExceeded(f"{capture.uri}: over the {options.max_seconds:g} s limit at "
                                f"page {pages[index].number} (OCR reads about a page in 5-20 s "
                                "on two cores; raise max_seconds for long scans)")
        pages[index], record = ocr_page(render(index), pages[index].number, PDF_DPI, reason,
                                        evidence)
        records.append(record)
        release_freed_memory()  # a page's arrays: kept, a long scan drifted 4 MB a page
    if not any(p.glyphs for p in pages) and not any(p.tables for p in pages):
        raise ExtractError(f"{capture.uri}: OCR found no text on any of its {len(pages)} "
                           "pages (blank pages or pictures)")
    return records


def _renderer(data: bytes, capture: Capture) -> Callable[[int], Image.Image]:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # only scans pay for it

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ExtractError(f"{capture.uri}: PDFium cannot open the PDF to render its pages "
                           f"for OCR: {exc}") from None

    def render(index: int) -> Image.Image:
        page = document[index]
        try:
            image: Image.Image = page.render(scale=PDF_DPI / 72, grayscale=True).to_pil()
            return image
        finally:
            page.close()

    return render
