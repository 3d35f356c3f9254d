"""PDFs: lines built from pdfplumber's words, grouped into paragraphs by vertical gaps.

The first version reads each page once (and closes it, keeping memory flat), groups words
into lines and lines into blocks, and records page number and bounding box for each block.
Columns, furniture, dehyphenation and footnotes are issue #4.
"""

from __future__ import annotations

import time

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect

from pipeline.errors import EncryptedPDF, ExtractError, NeedsOCR
from pipeline.extract import ExtractOptions
from pipeline.model import Block, Capture, DocumentMeta, Extraction, Locator

NAME = "pdf"
VERSION = "0.1.0"

PARAGRAPH_GAP = 1.5
"""A vertical gap larger than this many line heights starts a new block."""


def extract(data: bytes, capture: Capture, options: ExtractOptions) -> Extraction:
    import io

    started = time.monotonic()
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PDFPasswordIncorrect:
        raise EncryptedPDF(f"{capture.uri} is encrypted and needs a password") from None
    blocks: list[Block] = []
    with pdf:
        if len(pdf.pages) > options.max_pages:
            raise ExtractError(f"{capture.uri} has {len(pdf.pages):,} pages, over the "
                               f"{options.max_pages:,}-page limit")
        info = pdf.metadata or {}
        for page in pdf.pages:
            if time.monotonic() - started > options.max_seconds:
                raise ExtractError(f"{capture.uri}: over the {options.max_seconds:g} s limit "
                                   f"at page {page.page_number}")
            blocks.extend(_page_blocks(page))
            page.close()
    if not blocks:
        raise NeedsOCR(f"{capture.uri} has no text layer: it needs OCR")
    title = info.get("Title") if isinstance(info.get("Title"), str) else None
    return Extraction(NAME, VERSION, DocumentMeta(title=title or None), tuple(blocks))


def _page_blocks(page: pdfplumber.page.Page) -> list[Block]:
    lines = page.extract_text_lines(return_chars=False)
    blocks: list[Block] = []
    group: list[dict] = []
    for line in lines:
        if group:
            height = group[-1]["bottom"] - group[-1]["top"]
            if line["top"] - group[-1]["bottom"] > PARAGRAPH_GAP * max(height, 1.0) * 0.5:
                blocks.append(_block(page, group))
                group = []
        group.append(line)
    if group:
        blocks.append(_block(page, group))
    return blocks


def _block(page: pdfplumber.page.Page, lines: list[dict]) -> Block:
    bbox = (min(l["x0"] for l in lines), min(l["top"] for l in lines),
            max(l["x1"] for l in lines), max(l["bottom"] for l in lines))
    return Block(kind="paragraph", text="\n".join(l["text"] for l in lines),
                 locator=Locator(page_number=page.page_number, bbox=bbox))
