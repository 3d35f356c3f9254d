"""Reprocess: re-extract archived documents from the raw store, without fetching anything.

In: an :class:`~pipeline.archive.Archive` (and optionally the first archive version whose
documents to redo). Out: one committed archive version and its
:class:`~pipeline.archive.RunSummary`. This is what follows an extractor upgrade: every
document is rebuilt from the exact bytes it was built from; it gets a new document version
(recording the extractor name and version that made it) only if its content changed.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from pipeline.archive import Archive, RunSummary, RunWriter
from pipeline.build import build_document, recorded_options
from pipeline.errors import PipelineError
from pipeline.lineage import link
from pipeline.model import Capture, DocumentRecord, ExtractOptions, OcrMode, Source
from pipeline.rows import capture_from_row

FORCE = "reprocess"
"""Stands in for the extractor version of the previous build so the skip check never fires:
reprocessing exists to re-run extractors whose version string did not change too."""


def reprocess(archive: Archive, since_version: int | None = None,
              options: ExtractOptions = ExtractOptions(), ocr: OcrMode | None = None
              ) -> RunSummary:
    """Rebuild current documents (those written at ``since_version`` or later) from raw bytes,
    each with the OCR setting it was built with, or with ``ocr`` for all when given."""
    run = RunWriter(run_id=f"reprocess-{uuid.uuid4()}", started_at=datetime.now(timezone.utc),
                    registry=None)
    captures = _captures_by_sha(archive)
    for row in _documents(archive, since_version):
        capture = captures[(row["source_id"], row["capture_sha256"])]
        previous = DocumentRecord(row["doc_id"], row["doc_version"], row["capture_sha256"],
                                  row["content_hash"], FORCE)
        try:
            built = build_document(capture, archive.store, previous,
                                   replace(options, ocr=ocr) if ocr
                                   else recorded_options(row, options))
        except PipelineError as error:
            run.add_failure(row["source_id"], error, capture.sha256)
            continue
        if built.doc_version is None or built.document is None:
            run.add_unchanged(row["source_id"])
        else:
            run.add_document(built.document, _source(row), capture, built.doc_version)
    link(archive, run)
    return RunSummary.of(run, archive.commit(run))


def _documents(archive: Archive, since_version: int | None) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = archive.current("documents").to_pylist()
    if since_version is None:
        return docs
    archive.resolve_version(since_version)  # a version that does not exist is an error
    recent = {r["run_id"] for r in archive.runs() if r["archive_version"] >= since_version}
    return [d for d in docs if d["run_id"] in recent]


def _captures_by_sha(archive: Archive) -> dict[tuple[str, str], Capture]:
    """(source id, sha256) -> the first capture of those bytes (a revisit points at it too)."""
    found: dict[tuple[str, str], Capture] = {}
    for row in sorted(archive.read("captures").to_pylist(), key=lambda r: r["captured_at"]):
        key = (row["source_id"], row["sha256"])
        if key not in found:
            found[key] = replace(capture_from_row(row), revisit=False)
    return found


def _source(row: dict[str, Any]) -> Source:
    """The source as the document row remembers it (the registry may have moved on)."""
    metadata = json.loads(row["source_metadata"] or "{}")
    return Source(id=row["source_id"], uri=row["uri"], metadata=metadata)
