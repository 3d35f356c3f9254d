"""Page images: TIFF (one page or many), PNG or JPEG bytes in, an Extraction out.

Each page image is read by OCR (pages.py) into the lines the PDF layout code reads, and the
document is built exactly as a PDF's is (``pdf/extractor.document``): columns, reading order,
headings, furniture, footnotes, dehyphenation. Boxes are in points at the image's resolution
(``dpi`` pixels per 72 points), page numbers are frame numbers.
"""

from __future__ import annotations

import time
from dataclasses import replace

from pipeline import release_freed_memory
from pipeline.errors import ContentLimitExceeded, ExtractError, LimitExceeded
from pipeline.extract.ocr import NAME, VERSION  # bumped there: read without importing this
from pipeline.extract.ocr.images import page_count, page_images
from pipeline.extract.ocr.pages import OcrRecord, ocr_page
from pipeline.extract.ocr.provenance import with_ocr
from pipeline.extract.pdf.extractor import document
from pipeline.extract.pdf.pages import PageData
from pipeline.model import Capture, Extraction, ExtractOptions


def extract(data: bytes, capture: Capture, options: ExtractOptions) -> Extraction:
    """OCR every page of the image, within the page and time limits."""
    started = time.monotonic()
    count = page_count(data, capture.uri)
    if count > options.max_pages:
        raise ContentLimitExceeded(f"{capture.uri} has {count:,} pages, over the "
                                   f"{options.max_pages:,}-page limit")
    pages: list[PageData] = []
    records: list[OcrRecord] = []
    for image in page_images(data, capture.uri):
        if time.monotonic() - started > options.max_seconds:
            raise LimitExceeded(f"{capture.uri}: over the {options.max_seconds:g} s limit at "
                                f"page {image.number} (OCR reads about a page in 5-20 s on two "
                                "cores; raise max_seconds for long scans)")
        page, record = ocr_page(image.image, image.number, image.dpi, "image",
                                f"{image.image.width} x {image.image.height} pixels at "
                                f"{image.dpi:g} dpi")
        pages.append(page)
        records.append(record)
        release_freed_memory()  # a page's arrays: kept, a long scan drifted 4 MB a page
    if not any(p.glyphs for p in pages):
        raise ExtractError(f"{capture.uri}: OCR found no text on any of its {len(pages)} "
                           "page(s) (a blank page or a picture)")
    extraction = with_ocr(document(pages, {}, None, capture), records)
    return replace(extraction, extractor=NAME, extractor_version=VERSION)
