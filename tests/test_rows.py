"""A document's rows (pipeline/rows.py): a document built in the extraction worker, with its
passages' lineage keys, gives the rows a document built in the calling process gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from pipeline.clean import clean
from pipeline.extract import isolate
from pipeline.extract.dispatch import extract_in_process
from pipeline.model import Capture, ExtractOptions, Locator, Removed, Source
from pipeline.rows import derive, document_rows, extract_file, locator_columns
from pipeline.segment import doc_id_for, segment
from pipeline.textutil.fingerprint import passage_keys

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "html" / "002_impunity_watch.html"


def page_capture(data: bytes) -> Capture:
    return Capture(source_id="page", uri="https://example.org/page", size=len(data),
                   captured_at=datetime(2024, 1, 1, tzinfo=timezone.utc), sha256="0" * 64,
                   media_type="text/html", kind="html")


def test_a_document_built_in_the_worker_with_its_keys_gives_the_rows_built_here() -> None:
    data = EXAMPLE.read_bytes()
    captured = page_capture(data)
    derived = derive(data, captured)
    here = segment(doc_id_for("page"), clean(extract_in_process(data, captured,
                                                                 ExtractOptions())))
    assert here.keys is None and derived == here  # keys are not compared
    texts = [p.text for p in derived.passages]
    assert derived.keys == passage_keys(texts) and None in derived.keys
    assert any(derived.keys)
    source = Source("page", captured.uri)
    assert document_rows(derived, source, captured, 1, "run") == \
        document_rows(here, source, captured, 1, "run")


def test_archivist_extract_s_worker_makes_the_rows_with_the_language_model(
        tmp_path: Path) -> None:
    # The rows hold no lineage keys (a MinHash per page). The worker makes them, so that the
    # command prints what it hands back: it loads the language model (py3langid, numpy),
    # which it keeps out while importing the extractors, once the document is extracted.
    page = tmp_path / "page.html"
    page.write_bytes(EXAMPLE.read_bytes())
    isolate._workers.current = None  # a fresh worker for this thread
    rows = extract_file(page)
    assert rows["passages"] and rows["documents"][0]["extractor"] == "html"
    assert {p["language"] for p in rows["passages"]} & {"en"}
    worker = isolate._workers.current
    assert "_multiarray_umath" in Path(f"/proc/{worker._process.pid}/maps").read_text()


def test_a_removed_row_is_its_block_with_the_locator_columns_in_their_order() -> None:
    data = EXAMPLE.read_bytes()
    captured = page_capture(data)
    document = derive(data, captured, keys=False)
    removed = (Removed("nav", "Home", Locator(xpath="/html/body/nav[1]", char_start=3,
                                              char_end=7, line_start=1, line_end=1)),
               Removed("furniture", "Page 2", Locator(page_number=2, bbox=(1.0, 2.0, 3.0, 4.5)),
                       category="furniture", evidence="repeats on 9 pages"))
    document = replace(document, extraction=replace(document.extraction, removed=removed))
    rows = document_rows(document, Source("page", captured.uri), captured, 3, "run")["removed"]
    expected = [{"doc_id": document.doc_id, "doc_version": 3, "ordinal": i,
                 "category": r.category, "rule": r.rule, "evidence": r.evidence or None,
                 "text": r.text, **locator_columns(r.locator), "capture_sha256": "0" * 64,
                 "run_id": "run"} for i, r in enumerate(removed)]
    assert [list(row.items()) for row in rows] == [list(row.items()) for row in expected]
