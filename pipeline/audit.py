"""Audit: the raw bytes behind a locator, a PDF page with its boxes, and the store's fixity.

``raw_snippet`` reads back from ``raw/`` what a locator points at (the characters at its
offsets for HTML and text; the words inside the bbox for PDF), and ``continued_parts`` where a
passage went on after a column or page break: ``pipeline.query``'s trace shows both beside the
archived text. ``render_page`` draws a PDF page or a page image with its passages' boxes.

``verify`` recomputes the SHA-256 of every raw blob, checks every blob the archive refers to is
present, flags files that should not be in the raw store, and reads every Parquet file of every
table. It returns problems instead of raising, so a report names all of them at once.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import pyarrow.parquet as pq
from deltalake import DeltaTable

from pipeline.archive import Archive, one_line
from pipeline.errors import ArchiveError, AuditError, CaptureError, PipelineError, shorten
from pipeline.extract.source import decode_source
from pipeline.model import Capture, Locator, Transform
from pipeline.rows import transforms_from_row
from pipeline.schema import TABLES
from pipeline.store import Store

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def continued_parts(transforms: tuple[Transform, ...]) -> tuple[Locator, ...]:
    """The locators a passage's ``join-break`` transforms record for its continued parts."""
    return tuple(Locator(page_number=t.page_number, bbox=t.bbox) for t in transforms
                 if t.name == "join-break" and t.page_number is not None and t.bbox is not None)


def raw_snippet(archive: Archive, capture: Capture, locator: Locator) -> str:
    """The stored source text at ``locator``."""
    return snippet_of(raw_bytes(archive, capture), capture, locator)


def raw_bytes(archive: Archive, capture: Capture) -> bytes:
    """The capture's bytes as stored in raw/, or an AuditError if the blob is missing."""
    store = archive.store
    if not store.has_blob(capture.sha256):
        raise AuditError(f"raw blob {capture.sha256} is missing from "
                         f"{store.uri(store.blob_path(capture.sha256).parent)}; "
                         "run `archivist verify`")
    return store.read_blob(capture.sha256)


def warc_payload(archive: Archive, capture: Capture) -> tuple[bytes, str]:
    """The payload of the WARC record a capture of a WARC source names, read back out of the
    WARC and checked against the archived SHA-256, with a line saying which record it was."""
    # Imported here: the WARC reader (warcio, and the fsspec it loads) costs every read
    # command about 0.05 s of CPU at start, and only a WARC source's captures need it.
    from pipeline.sources.webarchive import read_record

    try:
        payload = read_record(archive.store, capture)
    except CaptureError as exc:
        raise AuditError(exc.message, source_id=exc.source_id) from None
    found = hashlib.sha256(payload).hexdigest()
    if found != capture.sha256:
        raise AuditError(f"record {capture.warc_record_id} in {capture.warc_path} now holds "
                         f"bytes with SHA-256 {found}, not the archived {capture.sha256}")
    return payload, (f"{capture.warc_record_id} at offset {capture.warc_offset:,} "
                     f"({capture.warc_length:,} bytes) of {capture.warc_path} (file SHA-256 "
                     f"{capture.warc_sha256}); payload read back, SHA-256 matches")


def snippet_of(data: bytes, capture: Capture, locator: Locator) -> str:
    """The text of ``data`` (a capture's bytes) at ``locator``."""
    if capture.kind == "image":  # pixels, no text: the page, bbox and ocr transform locate it
        return ""
    if capture.kind == "pdf" and locator.page_number is not None:
        return _pdf_snippet(data, locator.page_number, locator.bbox)
    text = decode_source(data, capture).text
    if locator.char_start is not None:
        end = (locator.char_end if locator.char_end is not None
               else text.find("\n", locator.char_start))
        return text[locator.char_start:end]
    if locator.line_start is not None:
        lines = text.splitlines()
        return "\n".join(lines[locator.line_start - 1:(locator.line_end or locator.line_start)])
    return ""


def _pdf_snippet(data: bytes, page_number: int,
                 bbox: tuple[float, float, float, float] | None) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data), pages=[page_number]) as pdf:
        page = pdf.pages[0]
        if bbox is not None:
            x0, top, x1, bottom = bbox
            page = page.within_bbox((max(0, x0 - 1), max(0, top - 1),
                                     min(page.width, x1 + 1), min(page.height, bottom + 1)))
        return page.extract_text() or ""


PAGE_RESOLUTION = 100
"""Pixels per inch of a rendered page: a US Letter page becomes 850 x 1100 pixels."""
PASSAGE_STROKE = (220, 40, 40)
FOOTNOTE_STROKE = (40, 90, 220)


def render_page(store: Store, document: dict[str, Any], passages: list[dict[str, Any]],
                footnotes: list[dict[str, Any]], page_number: int, out: PurePath,
                resolution: int = PAGE_RESOLUTION) -> tuple[int, int]:
    """Render page ``page_number`` (1-based) of a PDF or page-image document (its
    ``documents`` row) from its stored capture to a PNG at ``out``, the bbox on that page of
    each of its passages drawn in red and of each footnote in blue.

    Returns the image size in pixels (the page size in points scaled by resolution / 72)."""
    doc_id = document["doc_id"]
    if document["kind"] not in ("pdf", "image"):
        raise AuditError(f"{shorten(doc_id)!r} is a {document['kind']} document: only PDFs "
                         "and page images have pages")
    data = store.read_blob(document["capture_sha256"])
    boxes = [(box, colour) for rows, colour in ((passages, PASSAGE_STROKE),
                                                (footnotes, FOOTNOTE_STROKE))
             for box in _boxes_on_page(rows, page_number)]
    if document["kind"] == "image":
        return _render_image_page(data, doc_id, page_number, boxes, out, resolution)
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        if not 1 <= page_number <= len(pdf.pages):
            raise AuditError(f"{shorten(doc_id)!r} has pages 1 to {len(pdf.pages)}, not "
                             f"{page_number}")
        image = pdf.pages[page_number - 1].to_image(resolution=resolution)
        for box, colour in boxes:
            image.draw_rect(box, fill=(*colour, 30), stroke=colour, stroke_width=2)
        image.save(str(out), format="PNG")
        return image.original.size


def _render_image_page(data: bytes, doc_id: str, page_number: int,
                       boxes: list[tuple[tuple[float, float, float, float], tuple[int, int, int]]],
                       out: PurePath, resolution: int) -> tuple[int, int]:
    """A page image drawn as a PDF page is: its boxes are in points at the image's dpi (as OCR
    read it), so the page is scaled to ``resolution`` and the boxes by resolution / 72."""
    from PIL import Image, ImageDraw

    from pipeline.extract.ocr.images import page_image

    try:
        page = page_image(data, shorten(doc_id), page_number)
    except PipelineError as exc:
        raise AuditError(exc.message) from None
    scale = resolution / page.dpi
    size = (max(1, round(page.image.width * scale)), max(1, round(page.image.height * scale)))
    picture = page.image.resize(size, Image.Resampling.LANCZOS).convert("RGBA")
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for (x0, top, x1, bottom), colour in boxes:
        draw.rectangle([v * resolution / 72 for v in (x0, top, x1, bottom)],
                       fill=(*colour, 30), outline=(*colour, 255), width=2)
    Image.alpha_composite(picture, overlay).convert("RGB").save(str(out), format="PNG")
    return size


def _boxes_on_page(rows: list[dict[str, Any]],
                   page_number: int) -> list[tuple[float, float, float, float]]:
    """Boxes of the rows on the page: each row's own bbox, and the parts continued from an
    earlier page that its ``join-break`` transforms record."""
    boxes = []
    for row in rows:
        if row["page_number"] == page_number and row["bbox"] is not None:
            boxes.append(tuple(row["bbox"]))
        boxes += [part.bbox for part in continued_parts(transforms_from_row(row))
                  if part.page_number == page_number and part.bbox is not None]
    return boxes


# -- verify ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Problem:
    kind: str
    """changed, missing, extra or unreadable"""
    path: str
    detail: str


def verify(archive: Archive) -> list[Problem]:
    """Every fixity and readability problem in the store; an empty list means all is well."""
    problems = _verify_blobs(archive)
    problems += _verify_tables(archive)
    return problems


def _verify_blobs(archive: Archive) -> list[Problem]:
    store = archive.store
    problems = []
    present: set[str] = set()
    for path in store.blobs():
        name = path.name
        if not _HEX64.match(name) or path.parent.name != name[:2]:
            problems.append(Problem("extra", store.uri(path), "not a content-addressed blob"))
            continue
        present.add(name)
        actual = _sha256_file(store, path)
        if actual != name:
            problems.append(Problem("changed", store.uri(path), f"SHA-256 is now {actual}"))
    try:
        referenced = set(archive.read("captures")["sha256"].to_pylist())
    except ArchiveError:  # a damaged runs or captures table: _verify_tables names the file
        referenced = set()
    for sha in sorted(referenced - present):
        problems.append(Problem("missing", store.uri(store.blob_path(sha)),
                                "the archive refers to this capture but the blob is gone"))
    return problems


def _verify_tables(archive: Archive) -> list[Problem]:
    problems = []
    store = archive.store
    filesystem = store.filesystem()
    for table in TABLES:
        if not store.exists(archive.path(table) / "_delta_log"):
            continue
        try:
            files = DeltaTable(archive.uri(table),
                               storage_options=store.storage_options).file_uris()
        except Exception as exc:  # a broken log: name the table
            problems.append(Problem("unreadable", archive.uri(table),
                                    f"Delta log: {one_line(exc)}"))
            continue
        for uri in files:
            try:
                pq.read_table(uri.removeprefix("file://").removeprefix("s3://"),
                              filesystem=filesystem)
            except Exception as exc:  # pyarrow raises several classes for a damaged file
                problems.append(Problem("unreadable", uri,
                                        f"{type(exc).__name__}: {one_line(exc)}"))
    return problems


def _sha256_file(store: Store, path: PurePath) -> str:
    digest = hashlib.sha256()
    with store.filesystem().open_input_stream(str(path)) as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
