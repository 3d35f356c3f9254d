"""PDFs: pdfplumber characters in, an Extraction of blocks in reading order out.

Each page is parsed once (pdfminer's layout tree read by objects.py: characters, rules,
boxes, strokes; pdfplumber's table finder only where ruling lines cross) and closed at once, so
memory stays flat; only compact line records are kept. Then, over the whole document:

    fonts.py          fonts without ToUnicode -> text from their embedded glyph names
    layout.py         characters -> line segments -> blocks, column-aware reading order
    figures.py        vector strokes -> drawings, whose labels become figure passages
    furniture.py      running heads, footers, page numbers: repeated margin text -> removed
    notes.py          the note area at each page bottom -> footnotes; raised markers -> links
    textutil/hyphenation.py  line-end hyphens joined or kept on evidence, each decision recorded

Provenance: every block, footnote and removed row has the page number and bbox (x0, top, x1,
bottom in points) of its first part; a paragraph continued across a column or page break keeps
the first part's locator and records the other parts' pages and boxes in a ``join-break``
transform. Unmapped glyphs (``(cid:N)``, Private Use Area) are never emitted as text: they are
counted per page and lower ``DocumentMeta.text_quality``.
"""

from __future__ import annotations

import functools
import io
import re
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import chain, islice

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.errors import EncryptedPDF, ExtractError, LimitExceeded, NeedsOCR
from pipeline.extract.pdf.figures import figure_regions, region_of
from pipeline.extract.pdf.fonts import EncodingResourceManager
from pipeline.extract.pdf.furniture import find_furniture
from pipeline.extract.pdf.layout import (
    BUILT_WHOLE,
    CAPTION,
    HEADING_SIZE,
    LayoutBlock,
    Line,
    body_size_of,
    page_blocks,
    page_lines,
    reading_order,
)
from pipeline.extract.pdf.meta import document_meta
from pipeline.extract.pdf.notes import RULE_MAX_HEIGHT, Note, notes_of, split_notes
from pipeline.extract.pdf.objects import page_objects
from pipeline.model import (
    Block,
    Capture,
    Extraction,
    ExtractOptions,
    FootnoteBlock,
    Locator,
    Removed,
    Transform,
)
from pipeline.textutil.hyphenation import Vocabulary, decide, hyphen_break

NAME = "pdf"
VERSION = "0.5.1"

HEADING_MAX_CHARS = 200
"""Longer blocks are never headings, however they are set."""
HEADING_MAX_LINES = 3
MIN_TEXT_QUALITY = 0.2
"""Below this share of mapped glyphs the text layer is unusable: the PDF needs OCR."""
FIGURE_LABEL_WORDS = 6
"""A line of a drawing's labels has at most this many words..."""
FIGURE_PROSE_SHARE = 0.2
"""...and a region where more of its lines are longer holds prose, not labels."""
TABLE_TITLE_MAX_CHARS = 150
"""A table's title (a short line or two right above it) is at most this long."""
TABLE_MIN_CROSSINGS = 9
"""A ruled table of two rows and two columns has three horizontal rules crossing three vertical
ones: pages with fewer crossings skip find_tables, which converts every object of the page."""
EDGE_THIN = 2.0
"""Points: a line or box at most this thick is one horizontal (or vertical) edge."""
EDGE_TOLERANCE = 3.0
"""Points: edges this close count as crossing (pdfplumber's default intersection tolerance)."""
CALLOUT_MIN_AREA = 0.03
"""A filled or framed box covering at least this share of the page (and not most of it) is a
call-out when blocks sit inside it."""

_SENTENCE_END = re.compile(r"[.!?:;…\"”’)\]]\s*$")
_HEADING_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+\S")
_BULLET = re.compile(r"^\s*(?:[•◦▪▫●○■□►▶‣⁃∙·❖➢➤✓✔❑◆◇]\s*|[–—-]\s+|\(?(?:\d{1,2}|[a-z])[.)]\s+)")
_NUMBERED_LABEL = re.compile(r"^[A-Z][a-z]{2,}\s+[0-9]+(?:[-.–][0-9]+)*[a-z]?[:.]?\s+[A-Z]")
_GLUED = re.compile(r"(?<=[^\W\d_][.,;:!?)\]\"”’])(\d{1,3})(?=\s|$)")
_SUSPENDED = {"und", "oder", "bis", "sowie", "and", "or", "to", "nor", "et", "ou"}
_STOP = {"en": {"the", "and", "of", "to", "in", "is", "that", "for"},
         "de": {"der", "die", "und", "das", "ist", "nicht", "mit", "von"},
         "fr": {"le", "la", "les", "et", "des", "est", "une", "pour"},
         "es": {"el", "la", "los", "y", "que", "por", "una", "para"}}


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


@dataclass(slots=True)
class Draft:
    """A block being assembled: mutable until it becomes a frozen Block."""

    kind: str
    text: str
    page: int
    bbox: tuple[float, float, float, float]
    level: int | None = None
    refs: list[str] = field(default_factory=list)
    transforms: list[Transform] = field(default_factory=list)


def extract(data: bytes, capture: Capture, options: ExtractOptions) -> Extraction:
    """Read every page once, then build blocks, footnotes and furniture for the document."""
    pdf, fonts = _open(data, capture, options.max_objects)
    with pdf:
        if not pdf.pages:
            raise ExtractError(f"{capture.uri} has no pages")
        if len(pdf.pages) > options.max_pages:
            raise LimitExceeded(f"{capture.uri} has {len(pdf.pages):,} pages, over the "
                                f"{options.max_pages:,}-page limit")
        pages = _read_pages(pdf, fonts.descents, capture, options)
        info = _safe_metadata(pdf)
        xmp = _xmp(pdf)
    return _document(pages, info, xmp, capture)


def _open(data: bytes, capture: Capture, max_objects: int | None
          ) -> tuple[pdfplumber.PDF, EncodingResourceManager]:
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
        pdf.close()
        raise LimitExceeded(f"{capture.uri} lists more than {max_objects:,} objects in its "
                            "cross-reference table, over the max_objects limit: raise it "
                            "([settings.extract] in the registry) if the file is genuine")
    pdf.rsrcmgr = fonts = EncodingResourceManager()
    return pdf, fonts


def _read_pages(pdf: pdfplumber.PDF, descents: Mapping[str, float], capture: Capture,
                options: ExtractOptions) -> list[PageData]:
    started = time.monotonic()
    pages = []
    for page in pdf.pages:
        if time.monotonic() - started > options.max_seconds:
            raise LimitExceeded(f"{capture.uri}: over the {options.max_seconds:g} s limit "
                                f"at page {page.page_number}")
        try:
            pages.append(_read_page(page, descents))
        finally:
            page.close()
    return pages


def _read_page(page: pdfplumber.page.Page, descents: Mapping[str, float]) -> PageData:
    objects = page_objects(page, descents)
    chars = objects.chars
    tables = _tables(page, objects.rects, objects.lines, chars)
    table_boxes = [t.bbox for t in tables]
    rules = [o for o in objects.rects + objects.lines
             if o[3] - o[1] <= RULE_MAX_HEIGHT and o[2] - o[0] >= 20]
    area = page.width * page.height
    boxes = [o for o in objects.rects
             if CALLOUT_MIN_AREA * area <= (o[2] - o[0]) * (o[3] - o[1]) <= 0.6 * area]
    images = objects.images
    rotated = "".join(c["text"] for c in chars if not c["upright"]).strip()
    text_lines = page_lines(chars, page.page_number, table_boxes)
    bad = sum(l.bad_glyphs for l in text_lines)
    glyphs = sum(l.chars for l in text_lines)
    figures = figure_regions(objects.curves, objects.lines, area)
    return PageData(page.page_number, float(page.width), float(page.height), text_lines, tables,
                    rules, boxes, images, figures, rotated, glyphs, bad)


def _tables(page: pdfplumber.page.Page, rects: list[tuple[float, float, float, float]],
            lines: list[tuple[float, float, float, float]], chars: list[dict]
            ) -> list[LayoutBlock]:
    """Ruled tables with at least two rows and two columns, as one block each.

    pdfplumber's table finder is given the edges and characters this module has already read:
    its own ``page.edges`` and ``table.extract`` would convert every object of the page again."""
    if _crossings(rects + lines) < TABLE_MIN_CROSSINGS:
        return []
    edges = [edge for box in rects for edge in _box_edges(box)]
    edges += [edge for line in lines for edge in _line_edges(line)]
    vertical = [e for e in edges if e["orientation"] == "v"]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    if len(vertical) < 2 or len(horizontal) < 2:
        return []
    found = []
    for table in page.find_tables({"vertical_strategy": "explicit",
                                   "horizontal_strategy": "explicit",
                                   "explicit_vertical_lines": vertical,
                                   "explicit_horizontal_lines": horizontal}):
        rows = [[_cell_text(cell, chars, page.page_number) for cell in row.cells]
                for row in table.rows]
        if len(rows) < 2 or max((len(r) for r in rows), default=0) < 2:
            continue
        text = "\n".join("\t".join(row) for row in rows)
        x0, top, x1, bottom = table.bbox
        line = Line(page.page_number, x0, top, x1, bottom, text, 0.0, 0.0, False)
        found.append(LayoutBlock([line], kind="table"))
    return found


def _box_edges(box: tuple[float, float, float, float]) -> list[dict]:
    """A box's four sides as pdfplumber edges (a thin box's short sides are dropped by the
    table finder's minimum edge length)."""
    x0, top, x1, bottom = box
    return [_edge(x0, top, x1, top), _edge(x0, bottom, x1, bottom),
            _edge(x0, top, x0, bottom), _edge(x1, top, x1, bottom)]


def _line_edges(line: tuple[float, float, float, float]) -> list[dict]:
    """A straight line as one edge; a slanted one (a drawing's stroke) is no table rule."""
    x0, top, x1, bottom = line
    if bottom - top <= EDGE_THIN:
        return [_edge(x0, (top + bottom) / 2, x1, (top + bottom) / 2)]
    if x1 - x0 <= EDGE_THIN:
        return [_edge((x0 + x1) / 2, top, (x0 + x1) / 2, bottom)]
    return []


def _edge(x0: float, top: float, x1: float, bottom: float) -> dict:
    return {"object_type": "rect_edge", "x0": x0, "x1": x1, "top": top, "bottom": bottom,
            "width": x1 - x0, "height": bottom - top,
            "orientation": "h" if top == bottom else "v"}


def _cell_text(cell: tuple[float, float, float, float] | None, chars: list[dict],
               page_number: int) -> str:
    if cell is None:
        return ""
    x0, top, x1, bottom = cell
    inside = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 < x1
              and top <= (c["top"] + c["bottom"]) / 2 < bottom]
    return " ".join(line.text for line in page_lines(inside, page_number))


def _crossings(rules: list[tuple[float, float, float, float]]) -> int:
    """How many horizontal edges cross vertical ones (a box has four edges, a rule one)."""
    horizontal, vertical = [], []
    for x0, top, x1, bottom in rules:
        if x1 - x0 > EDGE_THIN:
            horizontal += [(top, x0, x1)] if bottom - top <= EDGE_THIN else [(top, x0, x1),
                                                                             (bottom, x0, x1)]
        if bottom - top > EDGE_THIN:
            vertical += [(x0, top, bottom)] if x1 - x0 <= EDGE_THIN else [(x0, top, bottom),
                                                                          (x1, top, bottom)]
    tolerance = EDGE_TOLERANCE
    return sum(1 for y, x0, x1 in horizontal for x, top, bottom in vertical
               if x0 - tolerance <= x <= x1 + tolerance and top - tolerance <= y <= bottom + tolerance)


def _safe_metadata(pdf: pdfplumber.PDF) -> dict:
    try:
        return dict(pdf.metadata or {})
    except Exception:  # unreadable Info: metadata is optional, the text is not
        return {}


def _xmp(pdf: pdfplumber.PDF) -> bytes | None:
    try:
        stream = pdf.doc.catalog.get("Metadata")
        return stream.resolve().get_data() if stream is not None else None
    except Exception:  # a broken XMP stream only loses metadata
        return None


# -- the document ----------------------------------------------------------------------------

def _document(pages: list[PageData], info: dict, xmp: bytes | None, capture: Capture) -> Extraction:
    glyphs = sum(p.glyphs for p in pages)
    bad = sum(p.bad_glyphs for p in pages)
    if glyphs == 0 and not any(p.tables for p in pages):
        raise NeedsOCR(f"{capture.uri} has no text layer on any of its {len(pages)} pages: "
                       "it needs OCR")
    quality = 1 - bad / glyphs if glyphs else 1.0
    if quality < MIN_TEXT_QUALITY:
        raise NeedsOCR(f"{capture.uri}: {bad:,} of {glyphs:,} glyphs have no Unicode mapping "
                       "(fonts without ToUnicode): it needs OCR")
    removed = _remove_furniture(pages) + _rotated(pages)
    body_size = body_size_of(line for page in pages for line in page.lines)
    page_blocks_, notes, marker_removed = _layout(pages, body_size)
    language = _language(page_blocks_)
    vocabulary = Vocabulary.from_texts(chain(
        ("\n".join(l.text for l in b.lines) for blocks in page_blocks_ for b in blocks),
        ("\n".join(l.text for l in n.lines) for page_notes in notes for n in page_notes)),
        language)
    drafts = _merge_breaks([d for blocks, labels in zip(page_blocks_, notes)
                            for d in _drafts(blocks, labels, vocabulary, marker_removed)],
                           vocabulary)
    footnotes = _footnotes(notes, vocabulary)
    meta = document_meta(info, xmp, drafts, quality)
    transforms = tuple(Transform("glyphs", f"page {p.number}: {p.bad_glyphs} of {p.glyphs} "
                                           "glyphs unmapped ((cid:N) or Private Use Area), "
                                           "left out of the text")
                       for p in pages if p.bad_glyphs)
    blocks = tuple(Block(d.kind, d.text, Locator(page_number=d.page, bbox=_round(d.bbox)),  # type: ignore[arg-type]
                         tuple(d.transforms), d.level, tuple(dict.fromkeys(d.refs)))
                   for d in drafts if d.text.strip())
    return Extraction(NAME, VERSION, meta, blocks, footnotes,
                      tuple(removed) + tuple(marker_removed),
                      transforms + (Transform("language", f"{language} (stop words)"),))


def _round(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return tuple(round(v, 2) for v in bbox)  # type: ignore[return-value]


def _remove_furniture(pages: list[PageData]) -> list[Removed]:
    verdicts = find_furniture([p.lines for p in pages], [p.height for p in pages])
    removed = []
    for page in pages:
        kept = []
        for line in page.lines:
            verdict = verdicts.get(id(line))
            if verdict is None or (
                    verdict.rule == "page-number"  # a chart's tick label is no page number
                    and region_of(line.bbox, page.figures, reach=line.size) is not None):
                kept.append(line)
            else:
                removed.append(Removed(verdict.rule, line.text, Locator(page_number=page.number,
                                                                        bbox=_round(line.bbox)),
                                       "furniture", verdict.evidence))
        page.lines = kept
    return removed


def _rotated(pages: list[PageData]) -> list[Removed]:
    return [Removed("rotated-text", p.rotated, Locator(page_number=p.number), "furniture",
                    "characters set sideways (upright=False), e.g. a margin stamp")
            for p in pages if p.rotated]


def _language(page_blocks_: list[list[LayoutBlock]]) -> str:
    words: Counter[str] = Counter()
    for blocks in page_blocks_[:20]:
        for block in blocks:
            for line in block.lines:
                words.update(w.lower() for w in line.text.split())
    scores = {lang: sum(words[w] for w in stop) for lang, stop in _STOP.items()}
    return max(scores, key=scores.__getitem__)


# -- per page: notes, blocks, kinds ----------------------------------------------------------

def _layout(pages: list[PageData], body_size: float
            ) -> tuple[list[list[LayoutBlock]], list[list[Note]], list[Removed]]:
    all_blocks, all_notes = [], []
    for page in pages:
        text, figures = _figure_text(page)
        body, note_blocks = split_notes(page_blocks(text) + page.tables + figures, body_size,
                                        page.rules)
        notes = notes_of(note_blocks) if note_blocks else []
        ordered = reading_order(body)
        _classify(ordered, page, body_size)
        all_blocks.append(ordered)
        all_notes.append(notes)
    every = [b for blocks in all_blocks for b in blocks]
    _captions_by_style(every, body_size)
    _heading_levels(every, body_size)
    return all_blocks, all_notes, []


def _figure_text(page: PageData) -> tuple[list[Line], list[LayoutBlock]]:
    """The page's lines outside drawings, and one figure block per drawing: its labels are the
    short lines in it or just outside it (tick labels). A drawing holding prose (a framed box
    of text) is no figure, and prose beside a drawing stays text."""
    if not page.figures:
        return page.lines, []
    inside: dict[int, list[Line]] = {}
    prose: dict[int, int] = {}
    text = []
    for line in page.lines:
        region = region_of(line.bbox, page.figures, reach=line.size)
        if region is None or len(line.text.split()) > FIGURE_LABEL_WORDS:
            text.append(line)
            if region is not None and region_of(line.bbox, [page.figures[region]]) is not None:
                prose[region] = prose.get(region, 0) + 1
        else:
            inside.setdefault(region, []).append(line)
    figures = []
    for region, lines in inside.items():
        if prose.get(region, 0) > FIGURE_PROSE_SHARE * (len(lines) + prose.get(region, 0)):
            text.extend(lines)
            continue
        lines.sort(key=lambda l: (round(l.top), l.x0))
        joined = " ".join(l.text for l in lines if l.text)
        x0, top = min(l.x0 for l in lines), min(l.top for l in lines)
        x1, bottom = max(l.x1 for l in lines), max(l.bottom for l in lines)
        label = Line(page.number, x0, top, x1, bottom, joined, lines[0].size, 0.0, False)
        figures.append(LayoutBlock([label], kind="figure"))
    text.sort(key=lambda l: (round(l.top), l.x0))
    return text, figures


def _classify(blocks: list[LayoutBlock], page: PageData, body_size: float) -> None:
    tables = [b.bbox for b in blocks if b.kind == "table"]
    for i, block in enumerate(blocks):
        if block.kind in BUILT_WHOLE:
            continue
        first = block.lines[0].text
        following = next((b.size for b in blocks[i + 1:] if b.kind not in BUILT_WHOLE),
                         body_size)
        if _is_heading(block, body_size, min(body_size, following)):
            block.kind = "heading"
        elif (CAPTION.match(first) or (_near_figure(block, page) and block.size < body_size)
              or _titles_table(block, tables)):
            block.kind = "caption"
        elif any(_inside(block.bbox, box) for box in page.boxes):
            block.kind = "callout"
        elif _BULLET.match(first):
            block.kind = "list_item"


def _is_heading(block: LayoutBlock, body_size: float, text_size: float) -> bool:
    """Larger than the body, or bold and about as large as the text it heads (small print,
    such as a regulation's text, has bold headings of its own size)."""
    text = " ".join(l.text for l in block.lines).strip()
    if (not text or len(text) > HEADING_MAX_CHARS or len(block.lines) > HEADING_MAX_LINES
            or not any(ch.isalpha() for ch in text) or text.endswith((".", ",", ";"))):
        return False
    larger = block.size >= HEADING_SIZE * body_size
    bold = (all(l.bold_share >= HEADING_BOLD_SHARE for l in block.lines)
            and block.size >= SMALLER_HEADING * text_size)
    return larger or (bold and len(text) < 120 and not CAPTION.match(text))


def _titles_table(block: LayoutBlock, tables: list[tuple[float, float, float, float]]) -> bool:
    """A short line or two right above a table, within its width: the table's title."""
    text = " ".join(l.text for l in block.lines)
    if len(block.lines) > 2 or len(text) > TABLE_TITLE_MAX_CHARS or _SENTENCE_END.search(text):
        return False
    return any(0 <= t[1] - block.bottom <= 2 * block.size and block.x0 >= t[0] - block.size
               and block.x1 <= t[2] + block.size for t in tables)

SMALLER_HEADING = 0.95
"""A bold block must be at least this share of the body size to be a heading..."""
HEADING_BOLD_SHARE = 0.9
"""...and this share of each line's letters bold (``Tax benefits. The following`` is a
paragraph that opens with a run-in heading)."""


def _captions_by_style(blocks: list[LayoutBlock], body_size: float) -> None:
    """A numbered label (``Example 2-1 Query …``, ``Scheme 3 …``) set in the style of the
    document's own captions is a caption too, when that style is not the body's: the caption
    words a document uses are its own."""
    # captions set like the body say nothing (the body size is to half a point)
    styles = {style for style in (_caption_style(b) for b in blocks
                                  if b.kind == "caption" and CAPTION.match(b.lines[0].text))
              if style[1] or style[2] or abs(style[0] - body_size) >= 0.5}
    if not styles:
        return
    for block in blocks:
        if (block.kind == "paragraph" and len(block.lines) <= HEADING_MAX_LINES
                and _NUMBERED_LABEL.match(block.lines[0].text)
                and _caption_style(block) in styles):
            block.kind = "caption"


def _caption_style(block: LayoutBlock) -> tuple[float, bool, bool]:
    line = block.lines[0]
    return round(line.size, 1), line.italic, line.bold


def _heading_levels(blocks: list[LayoutBlock], body_size: float) -> None:
    """Level 1 for the largest heading size, 2 for the next, ...; numbering depth wins."""
    sizes = sorted({round(b.size * 2) / 2 for b in blocks if b.kind == "heading"}, reverse=True)
    for block in blocks:
        if block.kind != "heading":
            continue
        number = _HEADING_NUMBER.match(block.lines[0].text)
        if number and block.size < HEADING_SIZE * 1.6 * body_size:
            block.level = min(number.group(1).count(".") + 1, 6)
        else:
            block.level = min(sizes.index(round(block.size * 2) / 2) + 1, 6)


def _near_figure(block: LayoutBlock, page: PageData) -> bool:
    x0, top, x1, bottom = block.bbox
    return any(abs(top - im[3]) < 15 or abs(im[1] - bottom) < 15
               for im in page.images if im[0] < x1 and im[2] > x0)


def _inside(inner: tuple[float, float, float, float], outer: tuple[float, float, float, float]) -> bool:
    return (inner[0] >= outer[0] - 1 and inner[1] >= outer[1] - 1 and inner[2] <= outer[2] + 1
            and inner[3] <= outer[3] + 1)


# -- text assembly: markers, dehyphenation ---------------------------------------------------

def _drafts(blocks: list[LayoutBlock], notes: list[Note], vocabulary: Vocabulary,
            removed: list[Removed]) -> list[Draft]:
    labels = {n.label for n in notes if n.label}
    drafts = []
    for block in blocks:
        if block.kind in BUILT_WHOLE:
            line = block.lines[0]
            drafts.append(Draft(block.kind, line.text, line.page, block.bbox))
            continue
        draft = Draft(block.kind, "", block.page, block.bbox, block.level)
        for line in block.lines:
            text, markers = _line_markers(line, labels)
            _append(draft, text, vocabulary)
            start = len(draft.text) - len(text)
            for offset, label in markers:
                draft.refs.append(label)
                draft.transforms.append(Transform(
                    "footnote-marker", f"removed {label!r} at offset {start + offset} "
                                       f"(page {line.page}) -> note {label}",
                    page_number=line.page, bbox=_round(line.bbox)))
                removed.append(Removed("footnote-marker", label,
                                       Locator(page_number=line.page, bbox=_round(line.bbox)),
                                       "marker", f"offset {start + offset} in the block text"))
        drafts.append(draft)
    return drafts


def _line_markers(line: Line, labels: set[str]) -> tuple[str, list[tuple[int, str]]]:
    """The line's text with confirmed markers removed (and others put back), and the markers."""
    text = line.text
    markers: list[tuple[int, str]] = []
    for offset, raw in reversed(line.raised):
        parts = [p for p in re.split(r"[,\s]+", raw.strip()) if p]
        if parts and all(p in labels for p in parts):
            markers = [(offset, p) for p in parts] + markers
        else:
            text = text[:offset] + raw + text[offset:]
            markers = [(o + len(raw), p) for o, p in markers]
    if line.lead_label:
        if line.lead_label.strip() in labels:
            markers.insert(0, (0, line.lead_label.strip()))
        else:
            text = line.lead_label + text
            markers = [(o + len(line.lead_label), p) for o, p in markers]
    return _glued_markers(text, labels, markers)


def _glued_markers(text: str, labels: set[str], markers: list[tuple[int, str]]
                   ) -> tuple[str, list[tuple[int, str]]]:
    """Same-size note numbers glued after punctuation (``Response.2``), when the page has
    that note."""
    for match in reversed(list(_GLUED.finditer(text))):
        label = match.group(1)
        if label in labels:
            start, end = match.span(1)
            text = text[:start] + text[end:]
            markers = [(o - (end - start) if o > start else o, p) for o, p in markers]
            markers.append((start, label))
    markers.sort()
    return text, markers


def _append(draft: Draft, text: str, vocabulary: Vocabulary) -> None:
    """Add a line to the draft, joining or keeping a line-end hyphen on evidence."""
    if not draft.text:
        draft.text = text
        return
    parts = hyphen_break(draft.text, text)
    if parts and draft.text[-2:-1].isalpha():
        decision = decide(*parts, vocabulary)
        draft.transforms.append(decision.transform())
        if decision.join:
            draft.text = draft.text[:-1] + text
        elif parts[1].lower() in _SUSPENDED:
            draft.text += " " + text
        else:
            draft.text += text
    elif draft.text.endswith(("—", "–")) and draft.text[-2:-1].isalnum() and text[:1].isalnum():
        draft.text += text
    else:
        draft.text += "\n" + text


def _merge_breaks(drafts: list[Draft], vocabulary: Vocabulary) -> list[Draft]:
    """Rejoin paragraphs cut by a column or page break: a paragraph that ends mid-sentence
    continues in the next paragraph after the break, skipping floats (captions, call-outs,
    tables) set between them."""
    out: list[Draft] = []
    for draft in drafts:
        target = _open_paragraph(out, draft)
        if target is None:
            out.append(draft)
            continue
        target.transforms.append(Transform(
            "join-break", f"continued on page {draft.page}, bbox "
                          f"({', '.join(f'{v:.1f}' for v in draft.bbox)})",
            page_number=draft.page, bbox=_round(draft.bbox)))
        _append(target, draft.text, vocabulary)
        target.refs.extend(draft.refs)
        target.transforms.extend(draft.transforms)
    return out


def _open_paragraph(out: list[Draft], draft: Draft) -> Draft | None:
    if draft.kind != "paragraph":
        return None
    for previous in reversed(out):
        if previous.kind in ("caption", "callout", "table", "figure"):
            continue
        if previous.kind != "paragraph" or _SENTENCE_END.search(previous.text):
            return None
        broke = previous.page != draft.page or draft.bbox[1] < previous.bbox[3]
        return previous if broke else None
    return None


def _footnotes(notes: list[list[Note]], vocabulary: Vocabulary) -> tuple[FootnoteBlock, ...]:
    """Footnote blocks; a label-less note area continues the last note of an earlier page."""
    drafts: list[Draft] = []
    labels: list[str] = []
    for page_notes in notes:
        for note in page_notes:
            first = note.lines[0]
            if note.continued and drafts:
                target = drafts[-1]
                target.transforms.append(Transform(
                    "join-break", f"note continued on page {first.page}",
                    page_number=first.page, bbox=_round(_lines_box(note.lines, first.page))))
            else:
                target = Draft("footnote", "", first.page, first.bbox)
                drafts.append(target)
                labels.append(note.label)
            for line in note.lines:
                _append(target, line.text, vocabulary)
                target.bbox = _union(target.bbox, line.bbox) if line.page == target.page else target.bbox
    return tuple(FootnoteBlock(label, d.text, Locator(page_number=d.page, bbox=_round(d.bbox)),
                               tuple(d.transforms)) for label, d in zip(labels, drafts))


def _lines_box(lines: list[Line], page: int) -> tuple[float, float, float, float]:
    """The box around the lines on ``page``."""
    return functools.reduce(_union, (line.bbox for line in lines if line.page == page))


def _union(a: tuple[float, float, float, float], b: tuple[float, float, float, float]
           ) -> tuple[float, float, float, float]:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
