"""A document's rows (pipeline/rows.py): a document built in the extraction worker, with its
passages' lineage keys, gives the rows a document built in the calling process gives."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from pipeline.clean import clean
from pipeline.extract import isolate
from pipeline.extract.dispatch import extract_in_process
from pipeline.model import Capture, ExtractOptions, Source
from pipeline.rows import derive, document_rows, extract_file
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
