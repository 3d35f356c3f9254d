"""The document model: the types every stage takes and returns.

Data flows one way:

    Source --capture--> Capture (+ raw bytes in the store)
           --extract--> Extraction (blocks, footnotes, removed chrome, metadata)
           --clean-->   Extraction (same shape, text repaired, transforms recorded)
           --segment--> SegmentedDocument (sections, passages, footnotes with stable ids)
           --archive--> rows in the Delta tables under curated/

Conventions: offsets are half-open ``[char_start, char_end)`` into the *decoded* source text;
``page_number`` is 1-based; ``bbox`` is ``(x0, top, x1, bottom)`` in PDF points; line numbers
are 1-based and inclusive.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import datetime
from operator import attrgetter
from typing import Any, Literal, TypeVar

Kind = Literal["html", "pdf", "text", "image"]
KINDS: tuple[Kind, ...] = ("html", "pdf", "text", "image")
"""``image``: page images (TIFF, PNG, JPEG), read by OCR."""
OcrMode = Literal["auto", "always", "never"]
OCR_MODES: tuple[OcrMode, ...] = ("auto", "always", "never")
OCR_SETTING = "ocr-setting"
"""Name of the document transform recording a PDF's OCR setting other than ``auto`` (its
``evidence`` is the mode), so reprocessing reads the document as ingest did."""
BulkKind = Literal["warc", "wacz", "folder", "urls", "sitemap", "feed"]
BULK_KINDS: tuple[BulkKind, ...] = ("warc", "wacz", "folder", "urls", "sitemap", "feed")
"""Registry kinds of one entry that expands into many documents (see ``pipeline/sources/``)."""
CAPTURE_DEADLINE_S = 300.0
"""Default time one capture may take from its first connection to its last byte, retries
included: long enough for a 100 MB body over a slow link, short enough to bound a run. Here,
not in ``pipeline.registry``, so that reading local files (``archivist extract``) imports
no registry parsing."""

PassageKind = Literal[
    "title",
    "heading",
    "paragraph",
    "list_item",
    "quote",
    "caption",
    "table",
    "figure",
    "callout",
    "byline",
    "code",
    "comment",
]


_T = TypeVar("_T")


def _pickled_by_fields(cls: type[_T]) -> type[_T]:
    """Pickle instances as the class and its field values. A slotted dataclass's own
    ``__getstate__``/``__setstate__`` look up ``fields()`` for every object, and an extraction
    worker hands back thousands of blocks, locators and removed rows per page (half the cost
    of the trip: 2.7 -> 1.2 ms a web page). Only for classes whose ``__init__`` takes every
    field and changes none."""
    values = attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]

    def __reduce__(self: _T) -> tuple[Callable[..., _T], tuple[Any, ...]]:
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


def _slot_init(cls: type[_T]) -> type[_T]:
    """Give a frozen slotted dataclass an ``__init__`` that stores each field through its
    slot's descriptor. The generated one calls ``object.__setattr__`` per field, which looks
    the descriptor up by name every time: 1.5 -> 0.55 us a ``Locator``, and an extraction
    makes a locator and a removed row for each of a web page's hundreds of blocks. Same
    signature, defaults and values; only for classes whose fields all have plain defaults
    or none (no ``default_factory``, ``init=False`` or ``__post_init__``)."""
    params: list[str] = []
    lines: list[str] = []
    namespace: dict[str, Any] = {}
    for item in fields(cls):  # type: ignore[arg-type]
        if not item.init or item.default_factory is not MISSING or \
                hasattr(cls, "__post_init__"):
            raise TypeError(f"{cls.__name__}.{item.name}: only plain fields take _slot_init")
        if item.default is MISSING:
            params.append(item.name)
        else:
            params.append(f"{item.name}=_default_{item.name}")
            namespace[f"_default_{item.name}"] = item.default
        namespace[f"_set_{item.name}"] = cls.__dict__[item.name].__set__
        lines.append(f"    _set_{item.name}(self, {item.name})")
    exec(f"def __init__(self, {', '.join(params)}):\n" + "\n".join(lines), namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = cls.__init__.__annotations__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """Per-document limits; a registry sets them in its ``[settings.extract]`` table."""

    max_pages: int = 3000
    """PDFs with more pages are refused rather than stalling a run."""
    max_objects: int | None = 1_000_000
    """PDFs whose cross-reference table lists more objects are refused before any page is
    read (0 or None: no limit). The busiest bench PDF has 32 objects a page; this allows over
    300 for each of ``max_pages``, and pdfminer's table of that many entries fits in memory."""
    max_seconds: float = 600.0
    """Wall-clock budget for one document: extractors check it between pages, and the worker
    process of a document that overruns it by ``isolate.DEADLINE_GRACE_S`` is killed."""
    max_memory_mb: int | None = 2048
    """Address space of the worker process while it extracts one document (0 or None: no
    limit). An idle worker takes about 75 MB of it; the 117-page bench book peaks at 170 MB."""
    comments: bool = False
    """Keep a web page's comment thread as passages of kind ``comment`` (archives often want
    the discussion); off, comments are removed as chrome like the rest."""
    ocr: OcrMode = "auto"
    """PDF pages to OCR: ``auto`` those without a usable text layer (no text on a scan, glyphs
    without Unicode, text outside the page, junk words on a scan), ``always`` every page,
    ``never`` none (such a PDF stops with NeedsOCR). Page images are always OCR'd."""


@dataclass(frozen=True, slots=True)
class Source:
    """One ``[[source]]`` entry of a registry file."""

    id: str
    uri: str
    kind: Kind | None = None
    every: str | None = None
    """Re-capture cadence such as ``"1d"``; ``None`` means every run."""
    ocr: OcrMode | None = None
    """Overrides the registry's ``ExtractOptions.ocr`` for this source."""
    metadata: dict[str, object] = field(default_factory=dict, hash=False, compare=False)
    bulk: BulkKind | None = None
    """Set for an entry that expands into many documents, each ``<id>/<key>``."""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    """Glob patterns (relative paths) a ``folder`` entry keeps and leaves out."""
    keep_warc: bool = False
    """A ``warc``/``wacz`` entry also copies each WARC file into raw/ (its payloads always are)."""

    @property
    def is_http(self) -> bool:
        return self.uri.startswith(("http://", "https://"))


@dataclass(frozen=True, slots=True)
class Capture:
    """What capture learned about one source: the bytes live in the raw store under ``sha256``."""

    source_id: str
    uri: str
    captured_at: datetime
    sha256: str
    size: int
    media_type: str
    kind: Kind | None
    """``None`` when the bytes match no supported kind: they are still kept, extraction refuses."""
    http_status: int | None = None
    final_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    warc_path: str | None = None
    revisit: bool = False
    """True when the source answered 304 or the bytes were identical to the last capture."""
    mtime: datetime | None = None
    """Modification time of a local file (UTC): with ``size`` it lets a re-capture skip reading."""
    extractor_version: str | None = None
    """``name/version`` of the extractor that processed these bytes in the run that recorded
    this capture (``None`` until then, or if the run failed first)."""
    warc_sha256: str | None = None
    """For a record read from a WARC source: SHA-256 of the WARC file (for a WACZ, of the
    WARC inside it) that ``warc_path`` names, and the record's place in it."""
    warc_offset: int | None = None
    warc_length: int | None = None
    """Bytes of the record in the file as stored (its gzip member, for a .warc.gz)."""
    warc_record_id: str | None = None
    extract_error: str | None = None
    """Class of the error extracting these bytes stopped with in the run that recorded this
    capture, when the same bytes, extractor (``extractor_version``) and options
    (``extract_options``) fail so again (``PipelineError.deterministic``); ``None`` when they
    were built, or not tried, or failed for a reason that may pass (a time or memory limit)."""
    extract_options: str | None = None
    """The extraction options of that failed attempt (``pipeline.build.options_key``)."""

    @property
    def charset(self) -> str | None:
        """The charset the server declared in Content-Type, if any."""
        for name, value in self.headers:
            if name.lower() == "content-type" and "charset=" in value.lower():
                return value.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
        return None


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """What the archive knows of the latest version of one document."""

    doc_id: str
    doc_version: int
    capture_sha256: str
    content_hash: str
    extractor_version: str


@_slot_init
@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Locator:
    """Where a piece of text lives in its raw capture."""

    page_number: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    xpath: str | None = None
    char_start: int | None = None
    char_end: int | None = None
    line_start: int | None = None
    line_end: int | None = None

    def to_json(self) -> str:
        data = {k: getattr(self, k) for k in self.__slots__ if getattr(self, k) is not None}
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Locator:
        data = json.loads(text)
        if "bbox" in data:
            data["bbox"] = tuple(data["bbox"])
        return cls(**data)

    def describe(self) -> str:
        """A short human reading, e.g. ``page 3, bbox (72.0, 90.1, 540.0, 130.4)``."""
        parts = []
        if self.page_number is not None:
            parts.append(f"page {self.page_number}")
        if self.bbox is not None:
            parts.append("bbox (" + ", ".join(f"{v:.1f}" for v in self.bbox) + ")")
        if self.xpath:
            parts.append(f"xpath {self.xpath}")
        if self.line_start is not None:
            parts.append(f"lines {self.line_start}-{self.line_end}")
        if self.char_start is not None:
            parts.append(f"chars [{self.char_start}, {self.char_end})")
        return ", ".join(parts) or "unknown"


@_slot_init
@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Transform:
    """One cleaning step applied to a piece of text, with enough detail to audit or undo it.

    ``detail`` is for people; the optional typed fields say where the step acted (same
    conventions as :class:`Locator`) and on what evidence, so code never parses ``detail``.
    """

    name: str
    detail: str = ""
    page_number: int | None = None
    """1-based page the step acted on, e.g. where a paragraph continued after a page break."""
    bbox: tuple[float, float, float, float] | None = None
    """Box on ``page_number`` of the text the step took in, e.g. the continued part."""
    char_start: int | None = None
    """Half-open offsets into the decoded source text of what the step changed; for a
    ``join-break`` (a PDF has no source text), into the passage's own text: where the part
    continued on ``page_number`` stands in it (the cleaning steps move them with the text)."""
    char_end: int | None = None
    evidence: str | None = None
    """Why the step decided as it did, e.g. the word counts behind a dehyphenation."""


@_slot_init
@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Block:
    """A unit of extracted text in reading order, before segmentation gives it an identity."""

    kind: PassageKind
    text: str
    locator: Locator
    transforms: tuple[Transform, ...] = ()
    level: int | None = None
    """Heading level (1 = top) for ``heading`` and ``title`` blocks."""
    footnote_refs: tuple[str, ...] = ()
    """Labels of the footnotes this block references (markers already removed from ``text``)."""

    def with_text(self, text: str, transform: Transform) -> Block:
        """A copy with new text and one more transform recorded, or ``self`` if nothing changed."""
        if text == self.text:
            return self
        return replace(self, text=text, transforms=self.transforms + (transform,))


@_slot_init
@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class FootnoteBlock:
    label: str
    text: str
    locator: Locator
    transforms: tuple[Transform, ...] = ()

    def with_text(self, text: str, transform: Transform) -> FootnoteBlock:
        if text == self.text:
            return self
        return replace(self, text=text, transforms=self.transforms + (transform,))


@_slot_init
@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Removed:
    """Text the extractor left out of the passages (boilerplate, page furniture), and why."""

    rule: str
    text: str
    locator: Locator
    category: Literal["boilerplate", "furniture", "marker"] = "boilerplate"
    evidence: str = ""


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class DocumentMeta:
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    """Publication date as ISO 8601 text (date or datetime), kept apart from capture time."""
    updated: str | None = None
    language: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    description: str | None = None
    text_quality: float | None = None
    """Share of characters that decoded to real text (1.0 = clean; PDF (cid:N)/PUA lower it)."""
    needs_ocr: bool = False


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Extraction:
    """The result of one extractor on one capture."""

    extractor: str
    extractor_version: str
    meta: DocumentMeta
    blocks: tuple[Block, ...]
    footnotes: tuple[FootnoteBlock, ...] = ()
    removed: tuple[Removed, ...] = ()
    transforms: tuple[Transform, ...] = ()
    """Document-level decisions, e.g. which encoding was used and why."""


@_slot_init
@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Section:
    section_id: str
    path: tuple[str, ...]
    heading: str
    level: int
    ordinal: int


@_slot_init
@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Passage:
    passage_id: str
    ordinal: int
    kind: PassageKind
    text: str
    section_id: str | None
    section_path: tuple[str, ...]
    locator: Locator
    transforms: tuple[Transform, ...]
    footnote_labels: tuple[str, ...]


@_slot_init
@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Footnote:
    footnote_id: str
    label: str
    text: str
    locator: Locator
    transforms: tuple[Transform, ...]
    passage_ids: tuple[str, ...]
    """Passages whose text carried this footnote's marker."""


@_slot_init
@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class SegmentedDocument:
    doc_id: str
    extraction: Extraction
    sections: tuple[Section, ...]
    passages: tuple[Passage, ...]
    footnotes: tuple[Footnote, ...]
    keys: tuple[tuple[int, ...] | None, ...] | None = field(default=None, compare=False)
    """Each passage's lineage keys (``pipeline.textutil.fingerprint.passage_keys``), made where
    the document was built (the extraction worker: ``pipeline.rows.derive``), so that the
    run's own process does not; None: not made yet (``pipeline.lineage.link`` makes them)."""

    @property
    def content_hash(self) -> str:
        """Hash of what a reader sees: changes only when passages, footnotes or metadata change."""
        from pipeline.ids import stable_hash

        parts = [repr(self.extraction.meta)]
        parts += [f"{p.kind}\x1f{p.text}\x1f{p.section_path}" for p in self.passages]
        parts += [f"{f.label}\x1f{f.text}" for f in self.footnotes]
        return stable_hash(*parts, length=64)
