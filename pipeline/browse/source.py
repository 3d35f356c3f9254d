"""What the source pane shows: the raw capture around a passage or footnote.

PDF and page images (scans OCR read): a page rendered to PNG from the stored bytes, and each
box on it as fractions of the page (the browser lays them over the image, so the image can
scale). HTML: the captured markup with
the element at the locator's offsets marked by an attribute and an inline style, so the
highlight needs no script. Text: the lines of the locator with a few around them.
"""

from __future__ import annotations

import io
import json
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from PIL import Image

from pipeline.audit import continued_parts
from pipeline.errors import AuditError, PipelineError, shorten
from pipeline.extract.ocr.images import PageImage, page_count, page_image
from pipeline.extract.source import decode_source
from pipeline.model import Capture
from pipeline.rows import transforms_from_row

PAGE_SCALE = 1.5
"""108 dpi: a US Letter page becomes 918 x 1188 pixels, sharp in a half-width pane."""
HIGHLIGHT_ID = "archivist-highlight"
"""The id given to the highlighted element: the frame's URL fragment scrolls to it."""
HIGHLIGHT_STYLE = (f"<style>#{HIGHLIGHT_ID}{{outline:3px solid #d33 !important;"
                   "background:#fff3a8 !important;scroll-margin-top:4em}</style>")
CONTEXT_LINES = 3
_OPEN_TAG = re.compile(r"<[A-Za-z][A-Za-z0-9:-]*")
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_CACHE_PAGES = 32
LOW_CONFIDENCE, HIGH_CONFIDENCE = 0.8, 0.95
"""OCR words under 0.8 are shown as doubtful (the extractor names them too), from 0.95 as
sure; between, as worth a look."""


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle on a page as fractions of its width and height (CSS percentages)."""

    item_id: str
    left: float
    top: float
    width: float
    height: float
    label: str = ""
    """For a removed row: its category, rule and evidence."""


@dataclass(frozen=True, slots=True)
class OcrWord:
    """A word OCR read, as its ``ocr-words`` transform recorded it."""

    text: str
    confidence: float
    page_number: int
    bbox: tuple[float, float, float, float]
    """(x0, top, x1, bottom) in PDF points on the page as given."""

    @property
    def level(self) -> str:
        """'low', 'mid' or 'high': how much to trust the word, for its colour."""
        if self.confidence < LOW_CONFIDENCE:
            return "low"
        return "mid" if self.confidence < HIGH_CONFIDENCE else "high"


@dataclass(frozen=True, slots=True)
class PageView:
    page_number: int
    page_count: int
    highlight: tuple[Box, ...]
    others: tuple[Box, ...]
    removed: tuple[Box, ...] = ()
    """What extraction left out on the page (running heads, page numbers, ...)."""
    words: tuple[tuple[Box, OcrWord], ...] = ()
    """The item's OCR words on the page, each with its box."""


def page_size(data: bytes, page_number: int, kind: str | None = "pdf") -> tuple[float, float, int]:
    """(width, height) of a page in points and the document's page count: a PDF's page, or
    a page image's frame in points at its resolution, as OCR located the boxes on it."""
    if kind == "image":
        scan = _scan_page(data, page_number)
        return (scan.image.width * 72 / scan.dpi, scan.image.height * 72 / scan.dpi,
                _scan_pages(data))
    pdf = pdfium.PdfDocument(data)
    try:
        count = len(pdf)
        if not 1 <= page_number <= count:
            raise AuditError(f"the PDF has pages 1 to {count}, not {page_number}")
        width, height = pdf[page_number - 1].get_size()
        return width, height, count
    finally:
        pdf.close()


def _scan_page(data: bytes, page_number: int) -> PageImage:
    try:
        return page_image(data, "the captured image", page_number)
    except PipelineError as exc:
        raise AuditError(exc.message) from None


def _scan_pages(data: bytes) -> int:
    try:
        return page_count(data, "the captured image")
    except PipelineError as exc:
        raise AuditError(exc.message) from None


_rendered: OrderedDict[tuple[str, int], bytes] = OrderedDict()


def page_png(sha256: str, data: bytes, page_number: int, kind: str | None = "pdf") -> bytes:
    """Page ``page_number`` (1-based) of a PDF or a page image as a PNG at ``PAGE_SCALE``
    pixels a point; the last few pages rendered are kept."""
    key = (sha256, page_number)
    if key in _rendered:
        _rendered.move_to_end(key)
        return _rendered[key]
    if kind == "image":
        scan = _scan_page(data, page_number)
        scale = PAGE_SCALE * 72 / scan.dpi
        image = scan.image.resize((max(1, round(scan.image.width * scale)),
                                   max(1, round(scan.image.height * scale))),
                                  Image.Resampling.LANCZOS)
    else:
        pdf = pdfium.PdfDocument(data)
        try:
            if not 1 <= page_number <= len(pdf):
                raise AuditError(f"the PDF has pages 1 to {len(pdf)}, not {page_number}")
            image = pdf[page_number - 1].render(scale=PAGE_SCALE).to_pil()
        finally:
            pdf.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    _rendered[key] = out.getvalue()
    while len(_rendered) > _CACHE_PAGES:
        _rendered.popitem(last=False)
    return _rendered[key]


def boxes_on_page(row: dict[str, Any], id_column: str, page_number: int,
                  width: float, height: float) -> list[Box]:
    """A row's boxes on a page: its own bbox, and the parts continued from another page."""
    found = []
    if row["page_number"] == page_number and row["bbox"] is not None:
        found.append(tuple(row["bbox"]))
    found += [part.bbox for part in continued_parts(transforms_from_row(row))
              if part.page_number == page_number and part.bbox is not None]
    return [Box(row[id_column], x0 / width, top / height, (x1 - x0) / width,
                (bottom - top) / height) for x0, top, x1, bottom in found]


def ocr_words(row: dict[str, Any]) -> list[OcrWord]:
    """The OCR words of a passage or footnote row (none unless OCR read it), in reading order,
    from the evidence of its ``ocr-words`` transforms."""
    found = []
    for step in row["transforms"] or ():
        if step["name"] != "ocr-words" or not step["evidence"]:
            continue
        try:
            words = json.loads(step["evidence"])
        except ValueError as exc:
            raise AuditError(f"the ocr-words transform of {shorten(str(row.get('passage_id')))} "
                             f"is not the JSON it should be: {exc}") from None
        found += [OcrWord(str(text), float(confidence), int(step["page_number"]),
                          (float(x0), float(top), float(x1), float(bottom)))
                  for text, confidence, x0, top, x1, bottom in words]
    return found


def page_view(data: bytes, page_number: int, item: dict[str, Any], id_column: str,
              rows: list[tuple[dict[str, Any], str]],
              removed: list[dict[str, Any]], kind: str | None = "pdf") -> PageView:
    """The boxes on one page (of a PDF, or of a page image: ``kind``): ``item``'s
    highlighted, every other row's (with its id column) outlined, the removed rows' marked,
    and the item's OCR words with their confidence."""
    width, height, count = page_size(data, page_number, kind)
    own = boxes_on_page(item, id_column, page_number, width, height)
    others = [box for row, column in rows if row[column] != item[id_column]
              for box in boxes_on_page(row, column, page_number, width, height)]
    left_out = [Box("", x0 / width, top / height, (x1 - x0) / width, (bottom - top) / height,
                    f"removed ({row['category']}, {row['rule']}): {row['evidence']}")
                for row in removed if row["page_number"] == page_number and row["bbox"]
                for x0, top, x1, bottom in [row["bbox"]]]
    words = [(Box("", x0 / width, top / height, (x1 - x0) / width, (bottom - top) / height,
                  f"{word.text}: confidence {word.confidence:.2f}"), word)
             for word in ocr_words(item) if word.page_number == page_number
             for x0, top, x1, bottom in [word.bbox]]
    return PageView(page_number, count, tuple(own), tuple(others), tuple(left_out),
                    tuple(words))


def highlighted_html(data: bytes, capture: Capture, char_start: int, char_end: int) -> str:
    """The captured page's markup with the element at [char_start, char_end) given the
    highlight id, and the highlight's style put first (before any of the page's own)."""
    text = decode_source(data, capture).text
    if not 0 <= char_start < char_end <= len(text):
        raise AuditError(f"offsets [{char_start}, {char_end}) fall outside the "
                         f"{len(text):,} characters of capture {capture.sha256}")
    tag = _OPEN_TAG.match(text, char_start)
    if tag is None:  # the locator points at text, not an element: wrap it
        marked = (text[:char_start] + f'<mark id="{HIGHLIGHT_ID}">' + text[char_start:char_end]
                  + "</mark>" + text[char_end:])
    else:  # an attribute given twice keeps its first value: ours wins over the page's id
        marked = text[:tag.end()] + f' id="{HIGHLIGHT_ID}"' + text[tag.end():]
    # In the head, not before the doctype (which would put the page in quirks mode).
    head = _HEAD_END.search(marked)
    at = head.start() if head else 0
    return marked[:at] + HIGHLIGHT_STYLE + marked[at:]


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    text: str
    highlighted: bool


def text_lines(data: bytes, capture: Capture, line_start: int | None, line_end: int | None,
               char_start: int | None, char_end: int | None) -> list[Line]:
    """The located lines of a text capture, and ``CONTEXT_LINES`` either side."""
    text = decode_source(data, capture).text
    if line_start is None and char_start is not None:
        line_start = text.count("\n", 0, char_start) + 1
        line_end = text.count("\n", 0, char_end if char_end is not None else char_start) + 1
    if line_start is None:
        raise AuditError(f"no line or character offsets to show in capture "
                         f"{shorten(capture.sha256)}")
    last = line_end if line_end is not None else line_start
    lines = text.splitlines()
    first_shown = max(1, line_start - CONTEXT_LINES)
    last_shown = min(len(lines), last + CONTEXT_LINES)
    return [Line(n, lines[n - 1], line_start <= n <= last)
            for n in range(first_shown, last_shown + 1)]
