"""OCR provenance: an Extraction and the records of its OCR'd pages in, the same Extraction with
an ``ocr`` transform on each block and footnote of those pages, boxes on the page as given, one
``ocr-page`` decision per page and the confidence in ``text_quality`` out.

The ``ocr`` transform names the engine, its models and version, the resolution and the mean
confidence of the OCR lines under the block; ``text_quality`` becomes the character-weighted
mean of the OCR'd pages' confidences and the share of mapped glyphs on the other pages.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TypeVar

from pipeline.extract.ocr.pages import Box, OcrRecord
from pipeline.model import (
    OCR_SETTING,
    Block,
    Extraction,
    FootnoteBlock,
    Locator,
    OcrMode,
    Removed,
    Transform,
)

T = TypeVar("T", Block, FootnoteBlock)
UNSURE_CONFIDENCE = 0.8
"""Words read with less confidence are named in the ``ocr-words`` detail, for an auditor to
check against the page first (a round number, not fitted; lines under 0.5 are dropped)."""


def with_ocr(extraction: Extraction, records: list[OcrRecord], glyph_quality: float = 1.0,
             text_glyphs: int = 0, mode: OcrMode = "auto") -> Extraction:
    """``extraction`` with the OCR'd pages' provenance; ``glyph_quality`` and ``text_glyphs``
    describe the pages read from their own text layer (none for page images). A PDF's OCR
    setting other than ``auto`` (``mode``) is recorded as an ``ocr-setting`` transform."""
    if mode != "auto":
        setting = Transform(OCR_SETTING, f'ocr = "{mode}" for this source: '
                            + ("every page OCR'd" if mode == "always"
                               else "no page OCR'd, text layers kept as they are"),
                            evidence=mode)
        extraction = replace(extraction, transforms=extraction.transforms + (setting,))
    if not records:
        return extraction
    from pipeline.extract.ocr.engine import engine_version  # numpy and PIL: OCR'd pages only

    by_page = {r.page: r for r in records}
    version = engine_version()
    blocks = tuple(_marked(b, by_page, version) for b in extraction.blocks)
    footnotes = tuple(_marked(f, by_page, version) for f in extraction.footnotes)
    removed = tuple(_removed(r, by_page) for r in extraction.removed)
    decisions = tuple(Transform("ocr-page", f"page {r.page} OCR'd ({r.reason}): rotated "
                                            f"{r.rotation}°, deskewed {r.skew:g}°, "
                                            f"{_confidence_text(r.confidence)}",
                                page_number=r.page, evidence=r.evidence) for r in records)
    meta = replace(extraction.meta, text_quality=_quality(records, glyph_quality, text_glyphs))
    return replace(extraction, blocks=blocks, footnotes=footnotes, removed=removed, meta=meta,
                   transforms=extraction.transforms + decisions)


def _marked(block: T, by_page: dict[int, OcrRecord], version: str) -> T:
    record = by_page.get(block.locator.page_number or 0)
    if record is None or block.locator.bbox is None:
        return block
    confidence = _confidence(record, block.locator.bbox)
    transform = Transform("ocr", f"{version}, {record.dpi:g} dpi, "
                                 f"{_confidence_text(confidence)}",
                          page_number=record.page, bbox=_rounded(block.locator.bbox),
                          evidence=f"{record.reason}: {record.evidence}")
    locator = replace(block.locator, bbox=_rounded(record.to_source(block.locator.bbox)))
    read: tuple[Transform, ...] = _words(record, block.locator.bbox)
    return replace(block, locator=locator, transforms=(transform, *read) + block.transforms)


def _words(record: OcrRecord, box: Box) -> tuple[Transform, ...]:
    """An ``ocr-words`` transform: the words read inside ``box``, each with its confidence
    and its box on the page as given, as JSON in the evidence (``[text, confidence, x0, top,
    x1, bottom]`` each), for an auditor to see which words the recogniser was unsure of."""
    inside = [(text, confidence, _rounded(record.to_source(word)))
              for text, word, confidence in record.words
              if box[0] - 1 <= (word[0] + word[2]) / 2 <= box[2] + 1
              and box[1] - 1 <= (word[1] + word[3]) / 2 <= box[3] + 1]
    if not inside:
        return ()
    unsure = [text for text, confidence, _ in inside if confidence < UNSURE_CONFIDENCE]
    detail = (f"{len(inside)} words read, {len(unsure)} with confidence under "
              f"{UNSURE_CONFIDENCE:g}" + (f": {', '.join(unsure[:10])}" if unsure else ""))
    evidence = json.dumps([[text, round(confidence, 3), *at] for text, confidence, at in inside],
                          ensure_ascii=False, separators=(",", ":"))
    return (Transform("ocr-words", detail, page_number=record.page, evidence=evidence),)


def _removed(row: Removed, by_page: dict[int, OcrRecord]) -> Removed:
    record = by_page.get(row.locator.page_number or 0)
    if record is None or row.locator.bbox is None:
        return row
    return replace(row, locator=Locator(page_number=record.page,
                                        bbox=_rounded(record.to_source(row.locator.bbox))))


def _confidence(record: OcrRecord, box: Box) -> float | None:
    """Character-weighted mean confidence of the OCR lines whose centre lies in ``box``."""
    total = weight = 0.0
    for (x0, top, x1, bottom), confidence, chars in record.lines:
        x, y = (x0 + x1) / 2, (top + bottom) / 2
        if box[0] - 1 <= x <= box[2] + 1 and box[1] - 1 <= y <= box[3] + 1:
            total += confidence * chars
            weight += chars
    return total / weight if weight else record.confidence


def _quality(records: list[OcrRecord], glyph_quality: float, text_glyphs: int) -> float:
    total, weight = glyph_quality * text_glyphs, float(text_glyphs)
    for record in records:
        chars = sum(n for _, _, n in record.lines)
        if record.confidence is not None:
            total += record.confidence * chars
            weight += chars
    return round(total / weight, 4) if weight else 0.0


def _confidence_text(confidence: float | None) -> str:
    return "no text found" if confidence is None else f"mean confidence {confidence:.3f}"


def _rounded(box: Box) -> Box:
    return (round(box[0], 1), round(box[1], 1), round(box[2], 1), round(box[3], 1))
