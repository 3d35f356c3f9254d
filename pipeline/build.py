"""One capture through extract -> clean -> segment, and the decision whether it is a new version.

This is the per-source unit of work the ingest flow runs as a task; it reads the bytes back
from the raw store so that what is archived is derived from exactly what was stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.archive import DocumentRecord
from pipeline.clean import clean
from pipeline.extract import ExtractOptions, extract, extractor_version
from pipeline.model import Capture, SegmentedDocument
from pipeline.segment import doc_id_for, segment
from pipeline.store import Store


@dataclass(frozen=True, slots=True)
class Built:
    """A document and the version it gets, or ``doc_version=None`` when nothing changed."""

    document: SegmentedDocument | None
    doc_version: int | None


def can_skip(capture: Capture, previous: DocumentRecord | None) -> bool:
    """Same bytes through the same extractor give the same document: skip all the work."""
    return (previous is not None and previous.capture_sha256 == capture.sha256
            and previous.extractor_version == extractor_version(capture.kind))


def build_document(capture: Capture, store: Store, previous: DocumentRecord | None,
                   options: ExtractOptions = ExtractOptions()) -> Built:
    """Extract, clean and segment a capture; number the version if its content changed."""
    if can_skip(capture, previous):
        return Built(None, None)
    extraction = clean(extract(store.read_blob(capture.sha256), capture, options))
    document = segment(doc_id_for(capture.source_id), extraction)
    if previous is not None and previous.content_hash == document.content_hash:
        return Built(document, None)
    return Built(document, 1 if previous is None else previous.doc_version + 1)
