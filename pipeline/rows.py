"""The archive tables' rows for one document: a capture's bytes in, plain dicts out with the
archive's column names (``schemas/`` describes them), nothing stored.

Kept apart from ``pipeline.archive`` so what only makes rows (``archivist extract`` on a folder)
does not import the Delta and dataset stack, about 0.2 s of CPU at every process start. Capture,
clean and segment are imported by the functions that run them: the archive and every read
command import this module for its row helpers only (extraction itself runs in a worker).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from pipeline import __version__, without_cycle_collection
from pipeline.extract import extract_then
from pipeline.model import (
    Capture,
    Extraction,
    ExtractOptions,
    Kind,
    Locator,
    SegmentedDocument,
    Source,
    Transform,
)
from pipeline.textutil.signals import document_languages, passage_signals, repeated_line_share

T = TypeVar("T")


def derive(data: bytes, capture: Capture, options: ExtractOptions = ExtractOptions(), *,
           keys: bool = True) -> SegmentedDocument:
    """Extract, clean and segment one capture's bytes and make its passages' lineage keys
    (unless ``keys`` is false: only linking reads them), all in the extraction worker: a run's
    workers then do that side by side, while the run's own process, whose threads share one
    interpreter lock, does less (hashing a crawl's passages was half of its linking). The
    passages' signals are measured by :func:`document_rows`, in the run's process: guessing
    languages in every worker would cost each one the language model (about 80 MB
    resident)."""
    from pipeline.segment import doc_id_for

    return extract_then(data, capture, options,
                        partial(_built, doc_id_for(capture.source_id), keys=keys))


def _built(doc_id: str, extraction: Extraction, *, keys: bool = True) -> SegmentedDocument:
    """The worker's part of :func:`derive`, after extraction."""
    from pipeline.clean import clean
    from pipeline.segment import segment

    document = segment(doc_id, clean(extraction))
    if not keys:
        return document
    # Imported here: the keys need numpy (0.07 s at a worker's start), rows alone do not.
    from pipeline.textutil.fingerprint import passage_keys

    return replace(document, keys=passage_keys([p.text for p in document.passages]))


def extract_file(path: Path, kind: Kind | None = None,
                 options: ExtractOptions = ExtractOptions()) -> dict[str, list[dict[str, Any]]]:
    """One local file through the pipeline, nothing stored: the rows an ingest would archive
    (documents, sections, passages, footnotes, removed), as version 1 of run ``extract``.
    No lineage keys: the rows do not hold them."""
    return extract_file_then(path, kind, options, _as_made)


def extract_file_then(path: Path, kind: Kind | None, options: ExtractOptions,
                      then: Callable[[dict[str, list[dict[str, Any]]]], T]) -> T:
    """What ``then`` makes of :func:`extract_file`'s rows, all in the extraction worker, which
    hands back only that (``archivist extract``: the bytes it writes): a page's segmented
    document, pickled there and unpickled here, was 2% of the command's instructions. The
    rows are made with the cycle collector paused: they form no cycles (its passes over them
    were 1% of the command's instructions)."""
    from pipeline.capture import read_local
    from pipeline.segment import doc_id_for

    captured, data = read_local(path, kind)
    return extract_then(data, captured, options,
                        partial(_rows_then, then, doc_id_for(captured.source_id), captured))


def _rows_then(then: Callable[[dict[str, list[dict[str, Any]]]], T], doc_id: str,
               capture: Capture, extraction: Extraction) -> T:
    """The worker's part of :func:`extract_file_then`, after extraction: the rows, made as the
    caller made them before (no memory limit; the language model, which the worker keeps out
    while it imports extractors, loaded)."""
    from pipeline.extract.isolate import as_caller

    document = _built(doc_id, extraction, keys=False)
    as_caller()
    with without_cycle_collection():
        return then(document_rows(document, Source(capture.source_id, capture.uri), capture,
                                  1, "extract"))


def _as_made(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return rows


def _transforms(transforms: tuple[Transform, ...]) -> list[dict[str, Any]]:
    return [{"name": t.name, "detail": t.detail, "page_number": t.page_number,
             "bbox": list(t.bbox) if t.bbox is not None else None,
             "char_start": t.char_start, "char_end": t.char_end, "evidence": t.evidence}
            for t in transforms]


def transforms_from_row(row: dict[str, Any]) -> tuple[Transform, ...]:
    """A row's transforms; rows written before the typed fields existed lack them (None)."""
    out = []
    for item in row.get("transforms") or ():
        bbox = item.get("bbox")
        out.append(Transform(item["name"], item.get("detail") or "",
                             page_number=item.get("page_number"),
                             bbox=tuple(bbox) if bbox is not None else None,
                             char_start=item.get("char_start"), char_end=item.get("char_end"),
                             evidence=item.get("evidence")))
    return tuple(out)


def locator_columns(locator: Locator) -> dict[str, Any]:
    return {"page_number": locator.page_number,
            "bbox": list(locator.bbox) if locator.bbox is not None else None,
            "xpath": locator.xpath, "char_start": locator.char_start,
            "char_end": locator.char_end, "line_start": locator.line_start,
            "line_end": locator.line_end}


def locator_from_row(row: dict[str, Any]) -> Locator:
    bbox = row.get("bbox")
    return Locator(page_number=row.get("page_number"),
                   bbox=tuple(bbox) if bbox is not None else None,
                   xpath=row.get("xpath"), char_start=row.get("char_start"),
                   char_end=row.get("char_end"), line_start=row.get("line_start"),
                   line_end=row.get("line_end"))


NO_ORIGIN = {"origin_passage_id": None, "origin_doc_id": None, "origin_captured_at": None,
             "origin_similarity": None}
"""A passage's lineage columns until ``pipeline.lineage.link`` finds where it came from."""


def document_rows(doc: SegmentedDocument, source: Source, capture: Capture, doc_version: int,
                  run_id: str) -> dict[str, list[dict[str, Any]]]:
    """The rows one document version adds to documents, sections, passages, footnotes, removed."""
    ex = doc.extraction
    meta = ex.meta
    provenance = {"capture_sha256": capture.sha256, "extractor": ex.extractor,
                  "extractor_version": ex.extractor_version, "pipeline_version": __version__,
                  "run_id": run_id}
    key = {"doc_id": doc.doc_id, "doc_version": doc_version}
    document = {
        **key, "source_id": source.id, "uri": source.uri, "kind": capture.kind or "unknown",
        "media_type": capture.media_type, "content_hash": doc.content_hash,
        "title": meta.title or _str_or_none(source.metadata.get("title")),
        "authors": list(meta.authors), "published": meta.published, "updated": meta.updated,
        "language": meta.language, "site_name": meta.site_name,
        "canonical_url": meta.canonical_url, "description": meta.description,
        "text_quality": meta.text_quality, "needs_ocr": meta.needs_ocr,
        "passage_count": len(doc.passages), "footnote_count": len(doc.footnotes),
        "captured_at": capture.captured_at, "transforms": _transforms(ex.transforms),
        "source_metadata": json.dumps(source.metadata, sort_keys=True, default=str),
        **provenance}
    sections = [{**key, "section_id": s.section_id, "path": list(s.path), "heading": s.heading,
                 "level": s.level, "ordinal": s.ordinal, "run_id": run_id}
                for s in doc.sections]
    signals = passage_signals([p.text for p in doc.passages])
    passages = [{"passage_id": p.passage_id, **key, "ordinal": p.ordinal, "kind": p.kind,
                 "text": p.text, "section_id": p.section_id, "section_path": list(p.section_path),
                 **locator_columns(p.locator), "transforms": _transforms(p.transforms),
                 "footnote_labels": list(p.footnote_labels), **s.columns(), **NO_ORIGIN,
                 **provenance}
                for p, s in zip(doc.passages, signals)]
    language, languages = document_languages([(s.language, s.word_count) for s in signals])
    document.update(detected_language=language.code, language_confidence=language.confidence,
                    languages=languages, word_count=sum(s.word_count for s in signals),
                    repeated_line_share=repeated_line_share([p.text for p in doc.passages]),
                    borrowed_share=None, reprint_of=None)  # pipeline.lineage fills these in
    footnotes = [{"footnote_id": f.footnote_id, **key, "label": f.label, "text": f.text,
                  "passage_ids": list(f.passage_ids), **locator_columns(f.locator),
                  "transforms": _transforms(f.transforms), **provenance}
                 for f in doc.footnotes]
    # A web page removes several blocks for each passage it keeps (13,028 on the 91
    # scrapinghub dev pages, against 2,284 passages): one dict display a row, not merged
    # from a key dict made for it.
    doc_id, sha256 = doc.doc_id, capture.sha256
    removed = [{"doc_id": doc_id, "doc_version": doc_version, "ordinal": i,
                "category": r.category, "rule": r.rule, "evidence": r.evidence or None,
                "text": r.text, **locator_columns(r.locator),
                "capture_sha256": sha256, "run_id": run_id}
               for i, r in enumerate(ex.removed)]
    return {"documents": [document], "sections": sections, "passages": passages,
            "footnotes": footnotes, "removed": removed}


def capture_row(capture: Capture, run_id: str) -> dict[str, Any]:
    return {"source_id": capture.source_id, "uri": capture.uri,
            "captured_at": capture.captured_at, "sha256": capture.sha256, "size": capture.size,
            "media_type": capture.media_type, "kind": capture.kind,
            "http_status": capture.http_status, "final_url": capture.final_url,
            "etag": capture.etag, "last_modified": capture.last_modified,
            "headers": [{"name": k, "value": v} for k, v in capture.headers],
            "warc_path": capture.warc_path, "revisit": capture.revisit, "mtime": capture.mtime,
            "extractor_version": capture.extractor_version,
            "warc_sha256": capture.warc_sha256, "warc_offset": capture.warc_offset,
            "warc_length": capture.warc_length, "warc_record_id": capture.warc_record_id,
            "extract_error": capture.extract_error, "extract_options": capture.extract_options,
            "run_id": run_id}


def capture_from_row(row: dict[str, Any]) -> Capture:
    return Capture(source_id=row["source_id"], uri=row["uri"], captured_at=row["captured_at"],
                   sha256=row["sha256"], size=row["size"], media_type=row["media_type"],
                   kind=row["kind"], http_status=row["http_status"], final_url=row["final_url"],
                   etag=row["etag"], last_modified=row["last_modified"],
                   headers=tuple((h["name"], h["value"]) for h in row["headers"]),
                   warc_path=row["warc_path"], revisit=row["revisit"], mtime=row.get("mtime"),
                   extractor_version=row.get("extractor_version"),
                   warc_sha256=row.get("warc_sha256"), warc_offset=row.get("warc_offset"),
                   warc_length=row.get("warc_length"), warc_record_id=row.get("warc_record_id"),
                   extract_error=row.get("extract_error"),
                   extract_options=row.get("extract_options"))


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
