"""PDFs: a PDF's bytes in, an Extraction of blocks in reading order out.

    pages.py          open within the limits; each page read once (objects.py, tables.py)
    syntax.py         plain PDF objects parsed in one pass; pdfminer's parser for the rest
    fonts.py          fonts without ToUnicode -> text from their embedded glyph names
    lines.py          characters (chars.py records) -> line segments; columns.py splits rows
    formulas.py       display formulas in those lines: stacked parts, tall delimiters, limits
    order.py          line segments -> blocks, column-aware reading order
    figures.py        vector strokes -> drawings, whose labels become figure passages
    furniture.py      running heads, footers, page numbers: repeated margin text -> removed
    line_numbers.py   a manuscript's margin line numbers, taken out before the lines are built
    notes.py          the note area at each page bottom -> footnotes; raised markers -> links
    classify.py       headings, captions, call-outs, list items
    drafts.py         passage texts: markers removed and linked, hyphens decided, breaks rejoined

Provenance: every block, footnote and removed row has the page number and bbox (x0, top, x1,
bottom in points) of its first part; a paragraph continued across a column or page break keeps
the first part's locator and records the other parts' pages and boxes in a ``join-break``
transform, whose ``char_start``/``char_end`` say where the part stands in the passage's text
(where the page broke: a running head was printed there). Unmapped glyphs (``(cid:N)``,
Private Use Area) are never emitted as text: they are counted per page and lower
``DocumentMeta.text_quality``.
"""

from __future__ import annotations

import time
from collections import Counter
from itertools import chain
from typing import Any

from pipeline.errors import ContentLimitExceeded, ExtractError, NeedsOCR
from pipeline.extract.ocr.pages import ocr_pdf_pages
from pipeline.extract.ocr.provenance import with_ocr
from pipeline.extract.pdf import NAME, VERSION  # bumped there: read without importing this
from pipeline.extract.pdf.classify import (
    captions_by_style,
    classify,
    figure_text,
    heading_levels,
    headings_by_face,
)
from pipeline.extract.pdf.drafts import (
    drafts_of,
    footnotes_of,
    merge_breaks,
    round_bbox,
)
from pipeline.extract.pdf.furniture import (
    find_furniture,
    on_bars,
    running_tables,
    section_numbers,
)
from pipeline.extract.pdf.lines import body_size_of
from pipeline.extract.pdf.meta import document_meta
from pipeline.extract.pdf.notes import Note, marker_candidates, notes_of, split_notes, strays
from pipeline.extract.pdf.order import LayoutBlock, page_blocks, reading_order
from pipeline.extract.pdf.pages import (
    PageData,
    metadata,
    open_pdf,
    read_pages,
    release,
    xmp_bytes,
)
from pipeline.model import (
    Block,
    Capture,
    Extraction,
    ExtractOptions,
    Locator,
    Removed,
    Transform,
)
from pipeline.textutil.hyphenation import Vocabulary
from pipeline.textutil.words import STOP_WORDS

MIN_TEXT_QUALITY = 0.2
"""Below this share of mapped glyphs the text layer is unusable: the PDF needs OCR."""


def extract(data: bytes, capture: Capture, options: ExtractOptions) -> Extraction:
    """Read every page once, OCR the pages without a usable text layer (ocr/pages.py), then
    build blocks, footnotes and furniture for the document."""
    started = time.monotonic()
    pdf, fonts = open_pdf(data, capture, options.max_objects)
    try:
        if not pdf.pages:
            raise ExtractError(f"{capture.uri} has no pages")
        if len(pdf.pages) > options.max_pages:
            raise ContentLimitExceeded(f"{capture.uri} has {len(pdf.pages):,} pages, over the "
                                       f"{options.max_pages:,}-page limit")
        pages = read_pages(pdf, data, fonts, capture, options)
        info = metadata(pdf)
        xmp = xmp_bytes(pdf)
    finally:
        release(pdf)
    text_pages = list(pages)
    records = ocr_pdf_pages(data, pages, capture, options, started)
    ocr_pages = {r.page for r in records}
    glyphs = sum(p.glyphs for p in text_pages if p.number not in ocr_pages)
    bad = sum(p.bad_glyphs for p in text_pages if p.number not in ocr_pages)
    return with_ocr(document(pages, info, xmp, capture), records,
                    1 - bad / glyphs if glyphs else 1.0, glyphs, options.ocr)


def document(pages: list[PageData], info: dict[str, Any], xmp: bytes | None,
             capture: Capture) -> Extraction:
    """The document from its pages' lines, however they were read (text layer or OCR)."""
    glyphs = sum(p.glyphs for p in pages)
    bad = sum(p.bad_glyphs for p in pages)
    if glyphs == 0 and not any(p.tables for p in pages):
        raise NeedsOCR(f"{capture.uri} has no text layer on any of its {len(pages)} pages: "
                       "it needs OCR")
    quality = 1 - bad / glyphs if glyphs else 1.0
    if quality < MIN_TEXT_QUALITY:
        raise NeedsOCR(f"{capture.uri}: {bad:,} of {glyphs:,} glyphs have no Unicode mapping "
                       "(fonts without ToUnicode): it needs OCR")
    removed = _remove_furniture(pages) + _rotated(pages) + _line_numbers(pages)
    body_size = body_size_of(line for page in pages for line in page.lines)
    page_blocks_, notes, marker_removed = _layout(pages, body_size)
    language = _language(page_blocks_)
    vocabulary = Vocabulary.from_texts(chain(
        ("\n".join(l.text for l in b.lines) for blocks in page_blocks_ for b in blocks),
        ("\n".join(l.text for l in n.lines) for page_notes in notes for n in page_notes)),
        language)
    drafts = merge_breaks([d for blocks, labels in zip(page_blocks_, notes)
                            for d in drafts_of(blocks, labels, vocabulary, marker_removed)],
                           vocabulary)
    footnotes = footnotes_of(notes, vocabulary)
    meta = document_meta(info, xmp, drafts, quality)
    transforms = tuple(Transform("glyphs", f"page {p.number}: {p.bad_glyphs} of {p.glyphs} "
                                           "glyphs unmapped ((cid:N) or Private Use Area), "
                                           "left out of the text")
                       for p in pages if p.bad_glyphs)
    blocks = tuple(Block(d.kind, d.text, Locator(page_number=d.page, bbox=round_bbox(d.bbox)),  # type: ignore[arg-type]
                         tuple(d.transforms), d.level, tuple(dict.fromkeys(d.refs)))
                   for d in drafts if d.text.strip())
    return Extraction(NAME, VERSION, meta, blocks, footnotes,
                      tuple(removed) + tuple(marker_removed),
                      transforms + (Transform("language", f"{language} (stop words)"),))


def _remove_furniture(pages: list[PageData]) -> list[Removed]:
    for page in pages:
        page.lines = on_bars(page.lines, page.bars)
    verdicts = find_furniture([p.lines for p in pages], [p.height for p in pages],
                              [p.bars for p in pages], [p.figures for p in pages],
                              [bool(p.tables) for p in pages])
    removed = []
    for page in pages:
        kept = []
        for line in page.lines:
            verdict = verdicts.get(id(line))
            if verdict is None:
                kept.append(line)
            else:
                removed.append(Removed(verdict.rule, line.text, Locator(page_number=page.number,
                                                                        bbox=round_bbox(line.bbox)),
                                       "furniture", verdict.evidence))
        page.lines = kept
    tables = running_tables([p.tables for p in pages], [p.lines for p in pages],
                            [p.height for p in pages])
    for page in pages:
        for table in page.tables:
            verdict = tables.get(id(table))
            if verdict is not None:
                removed.append(Removed(verdict.rule, "\n".join(line.text for line in table.lines),
                                       Locator(page_number=page.number,
                                               bbox=round_bbox(table.bbox)),
                                       "furniture", verdict.evidence))
        page.tables = [table for table in page.tables if id(table) not in tables]
    return removed


def _rotated(pages: list[PageData]) -> list[Removed]:
    return [Removed("rotated-text", p.rotated, Locator(page_number=p.number), "furniture",
                    "characters set sideways (upright=False), e.g. a margin stamp")
            for p in pages if p.rotated]


def _line_numbers(pages: list[PageData]) -> list[Removed]:
    return [Removed("line-number", text, Locator(page_number=p.number, bbox=round_bbox(box)),
                    "furniture", evidence)
            for p in pages for text, box, evidence in p.line_numbers]


def _language(page_blocks_: list[list[LayoutBlock]]) -> str:
    words: Counter[str] = Counter()
    for blocks in page_blocks_[:20]:
        for block in blocks:
            for line in block.lines:
                words.update(w.lower() for w in line.text.split())
    scores = {lang: sum(words[w] for w in stop) for lang, stop in STOP_WORDS.items()}
    return max(scores, key=scores.__getitem__)


def _layout(pages: list[PageData], body_size: float
            ) -> tuple[list[list[LayoutBlock]], list[list[Note]], list[Removed]]:
    all_blocks, all_notes = [], []
    last: Note | None = None  # the last note of the pages before
    for page in pages:
        text, figures = figure_text(page)
        blocks = page_blocks(section_numbers(text)) + page.tables + figures
        body, note_blocks = split_notes(blocks, body_size, page.rules, page is pages[0],
                                        page.grids, page.figures)
        notes = notes_of(note_blocks, marker_candidates(body)) if note_blocks else []
        stray = strays(notes, note_blocks, last, page is pages[0])
        if stray:  # no note runs on after a finished one: chart labels, a licence line
            body += stray
            moved = {id(line) for block in stray for line in block.lines}
            for note in notes:
                note.lines = [line for line in note.lines if id(line) not in moved]
            notes = [note for note in notes if note.lines]
        last = notes[-1] if notes else last
        ordered = reading_order(body, page.rules)
        classify(ordered, page, body_size)
        all_blocks.append(ordered)
        all_notes.append(notes)
    headings_by_face(all_blocks)
    every = [b for blocks in all_blocks for b in blocks]
    captions_by_style(every, body_size)
    heading_levels(every, body_size)
    return all_blocks, all_notes, []
