"""The extraction worker (pipeline/extract/isolate.py) imports only the extractors it needs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pipeline.extract import extract, extract_then, isolate
from pipeline.extract.dispatch import extract_in_process
from pipeline.model import Capture, ExtractOptions

PDF = next((Path(__file__).parent / "fixtures" / "pdf").glob("*.pdf"))
PAGE = b"<html><body><article><p>" + b"A sentence of prose for the worker. " * 8 + \
    b"</p></article></body></html>"


def capture(data: bytes, kind: str, media_type: str) -> Capture:
    return Capture(source_id="doc", uri=f"file:///doc.{kind}",
                   captured_at=datetime(2024, 1, 1, tzinfo=timezone.utc), sha256="0" * 64,
                   size=len(data), media_type=media_type, kind=kind)  # type: ignore[arg-type]


def worker_libraries() -> str:
    worker = isolate._workers.current
    return Path(f"/proc/{worker._process.pid}/maps").read_text()


@pytest.fixture
def worker_importing_this_folder(monkeypatch):  # noqa: ANN001, ANN201
    """A fresh worker for this thread that can import this module, for steps that run in the
    worker; the next test's worker starts without that path."""
    here = str(Path(__file__).parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [
        here, os.environ.get("PYTHONPATH")])))
    isolate._workers.current = None
    yield
    isolate._workers.current = None


def test_a_web_page_does_not_load_the_pdf_stack_and_a_pdf_then_does() -> None:
    isolate._workers.current = None  # a fresh worker for this thread
    assert extract(PAGE, capture(PAGE, "html", "text/html")).blocks
    assert "pdfium" not in worker_libraries()
    data = PDF.read_bytes()
    assert extract(data, capture(data, "pdf", "application/pdf")).blocks
    assert "pdfium" in worker_libraries()


def test_a_web_page_gets_its_metadata_in_the_worker_without_trafilatura_s_language_model(
        ) -> None:
    # trafilatura would import py3langid for a language filter the worker never calls; its
    # metadata readers (JSON-LD, bylines) and htmldate work without it. (numpy itself is
    # loaded: the source map and the date search test a page's characters with it.)
    page = (b'<html lang="en"><head><title>Worker page</title><script type="application/ld+json">'
            b'{"@type": "NewsArticle", "headline": "Worker page", "datePublished": '
            b'"2021-03-04"}</script><meta name="author" content="Ada Lovelace">'
            b"</head><body><article><h1>Worker page</h1><p>"
            + b"A sentence of prose for the worker. " * 8 + b"</p></article></body></html>")
    isolate._workers.current = None  # a fresh worker for this thread
    meta = extract(page, capture(page, "html", "text/html")).meta
    assert (meta.title, meta.authors, meta.published) == (
        "Worker page", ("Ada Lovelace",), "2021-03-04")


def test_the_html_extractor_imported_for_a_forked_worker_starts_no_thread() -> None:
    # isolate._fork imports the extractor, the language model kept out, then forks: numpy
    # would start OpenBLAS's threads there, which a forked worker cannot have.
    code = ("import os, sys; from pipeline.extract import isolate; "
            "isolate._keep_out_language_model(); import pipeline.extract.html.extractor; "
            "print('numpy' in sys.modules, len(os.listdir('/proc/self/task')))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.split() == ["False", "1"]


def test_the_html_extractor_does_not_import_ftfy() -> None:
    # A worker decodes pages; ftfy repairs passages in the clean stage, outside the worker.
    code = ("import sys, pipeline.extract.isolate, pipeline.extract.html.extractor; "
            "print('ftfy' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


def test_the_worker_hands_back_the_extraction_it_made_field_for_field() -> None:
    # Model objects cross the pipe as their class and field values (model._pickled_by_fields):
    # blocks, footnotes, removed rows with evidence, locators, metadata, transforms.
    data = (Path(__file__).resolve().parents[1] / "examples" / "html"
            / "002_impunity_watch.html").read_bytes()
    page = capture(data, "html", "text/html")
    here = extract_in_process(data, page, ExtractOptions())
    assert here.footnotes and here.removed and here.transforms and here.meta.title
    assert any(b.locator.char_start is not None for b in here.blocks)
    assert extract(data, page) == here


def test_stopping_idle_workers_spares_one_extracting_and_the_next_document_restarts_one(
        ) -> None:
    assert extract(PAGE, capture(PAGE, "html", "text/html")).blocks
    worker = isolate._workers.current
    with worker.busy:   # as while a document is extracted
        isolate.stop_idle_workers()
        assert worker.alive()
    assert isolate.stop_idle_workers() >= 1 and not worker.alive()
    assert extract(PAGE, capture(PAGE, "html", "text/html")).blocks
    assert isolate._workers.current is not worker and isolate._workers.current.alive()


def test_an_error_of_the_step_after_extraction_is_raised_by_the_caller_and_the_worker_goes_on(
        ) -> None:
    page = capture(PAGE, "html", "text/html")
    with pytest.raises(TypeError, match="has no len"):
        extract_then(PAGE, page, ExtractOptions(), len)  # len(Extraction), in the worker
    worker = isolate._workers.current
    assert extract_then(PAGE, page, ExtractOptions(), repr).startswith("Extraction(")
    assert isolate._workers.current is worker and worker.alive()


def test_a_run_s_process_learns_extractor_versions_without_importing_the_extractors() -> None:
    # The run's process decides what to skip by extractor versions but extracts nothing:
    # importing the extractors for their version strings cost it 28 MB (lxml, trafilatura,
    # pdfplumber, PDFium, Pillow). Fresh process: in this one they are imported already.
    import json
    import os

    from pipeline.extract.dispatch import extractor_for
    from tests.conftest import ROOT

    kinds = ["html", "pdf", "text", "image"]
    code = ("import json, sys; from pipeline.extract import extractor_version; "
            f"versions = [extractor_version(k) for k in {kinds!r}]; "
            "heavy = ['trafilatura', 'pdfplumber', 'pypdfium2', 'PIL', 'htmldate']; "
            "print(json.dumps([versions, [m for m in heavy if m in sys.modules]]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    versions, imported = json.loads(done.stdout)
    assert versions == [f"{extractor_for(k).NAME}/{extractor_for(k).VERSION}" for k in kinds]
    assert imported == []


@pytest.mark.parametrize("kind", ["html", "pdf", "text", "image"])
def test_an_extractor_records_the_version_its_package_declares(kind: str) -> None:
    # The run's process reads NAME and VERSION from the package's __init__.py, the worker's
    # extraction records the extractor module's: a VERSION set again in the module would
    # make the two disagree and the run would skip (or redo) the wrong documents.
    import importlib

    from pipeline.extract.dispatch import extractor_for, extractor_version

    module = extractor_for(kind)  # type: ignore[arg-type]
    package = importlib.import_module(module.__name__.rpartition(".")[0])
    assert (module.NAME, module.VERSION) == (package.NAME, package.VERSION)
    assert extractor_version(kind) == f"{package.NAME}/{package.VERSION}"  # type: ignore[arg-type]


def test_a_version_bump_in_the_package_is_what_the_run_records(monkeypatch) -> None:  # noqa: ANN001
    from pipeline.extract import html
    from pipeline.extract.dispatch import extractor_version

    recorded = extract(PAGE, capture(PAGE, "html", "text/html"))  # made in the worker
    assert extractor_version("html") == f"html/{recorded.extractor_version}" == \
        f"html/{html.VERSION}"
    monkeypatch.setattr(html, "VERSION", html.VERSION + "-next")
    assert extractor_version("html") == f"html/{html.VERSION}"


_KEPT: list[bytes] = []
"""In the worker: the chunks a 'parse' left alive between the ones it freed."""


def _resident_mb(extraction: object) -> float:
    """In the worker: its resident memory now, in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _fragment_heap(extraction: object) -> float:
    """In the worker: allocate 80 MB in 4 KB chunks, as a parse's nodes and strings are, and
    free all but one in 64, so that the freed pages lie between live chunks, where free() does
    not hand them back; the resident memory at that peak."""
    chunks = [bytes(4096) for _ in range(20_000)]
    _KEPT.extend(chunks[::64])
    peak = _resident_mb(extraction)
    del chunks
    return peak


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; glibc's trim")
@pytest.mark.usefixtures("worker_importing_this_folder")
def test_a_worker_gives_back_the_memory_a_document_freed() -> None:
    # A worker lives for the whole run: what one document's parse freed stayed resident
    # (20-30 MB more a worker over a crawl's pages and PDFs, beside every other process).
    page = capture(PAGE, "html", "text/html")
    before = extract_then(PAGE, page, ExtractOptions(), _resident_mb)
    peak = extract_then(PAGE, page, ExtractOptions(), _fragment_heap)
    after = extract_then(PAGE, page, ExtractOptions(), _resident_mb)
    assert peak - before > 70
    assert after - before < 20, (before, peak, after)


_TRIMS: list[int] = []
"""In the worker: one entry per heap trim since :func:`_trims` was first called there."""


def _trims(extraction: object) -> int:
    """In the worker: how many times it has trimmed its heap since this was first called."""
    if not _TRIMS:
        real = isolate.release_freed_memory

        def counted() -> None:
            _TRIMS.append(1)
            real()

        _TRIMS.append(0)
        isolate.release_freed_memory = counted  # type: ignore[assignment]
    return sum(_TRIMS)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.usefixtures("worker_importing_this_folder")
def test_a_worker_trims_its_heap_only_once_it_holds_more_than_the_slack() -> None:
    # A trim after every document cost the next parse the pages it handed back (5% of a web
    # page's time in the worker); a small page leaves the worker's memory as it was.
    page = capture(PAGE, "html", "text/html")
    # The first document's parse grows the worker (the extractor's caches): a trim after it.
    counts = [extract_then(PAGE, page, ExtractOptions(), _trims) for _ in range(4)]
    extract_then(PAGE, page, ExtractOptions(), _fragment_heap)
    after_fragmenting = extract_then(PAGE, page, ExtractOptions(), _trims)
    assert counts[1] == counts[2] == counts[3], counts
    assert after_fragmenting == counts[3] + 1


def _collector_state(extraction: object) -> tuple[bool, int]:
    """In the worker: whether the cyclic collector runs, and how many objects it skips."""
    import gc

    return gc.isenabled(), gc.get_freeze_count()


@pytest.mark.usefixtures("worker_importing_this_folder")
def test_a_worker_collects_cycles_while_extracting_and_skips_its_imports() -> None:
    # The worker imports with the collector paused (every collection during the imports
    # walked all their objects so far), then freezes what they made and turns it back on:
    # a document's cycles are collected, the imports' objects are not walked again.
    page = capture(PAGE, "html", "text/html")
    enabled, frozen = extract_then(PAGE, page, ExtractOptions(), _collector_state)
    assert enabled and frozen > 10_000, frozen


def test_a_worker_forked_for_the_extract_command_keeps_the_time_limit_and_crash_isolation(
        ) -> None:
    # Within forking_workers a process with one thread imports the extractor and forks its
    # worker, which therefore has this script's own functions (a fresh interpreter would not
    # find them). A worker over the time limit is killed, one that crashes fails its document
    # only, each next document gets a new forked worker, and none is left behind.
    code = textwrap.dedent(f"""
        import os, re, signal, time
        from datetime import datetime, timezone
        from pipeline.errors import ExtractorCrashed, LimitExceeded
        from pipeline.extract import extract_then, isolate
        from pipeline.model import Capture, ExtractOptions

        def pid(extraction): return os.getpid()
        def crash(extraction): os.kill(os.getpid(), signal.SIGKILL)
        def stall(extraction): time.sleep(60)

        page = {PAGE!r}
        capture = Capture(source_id="doc", uri="file:///doc.html", captured_at=datetime(
            2024, 1, 1, tzinfo=timezone.utc), sha256="0" * 64, size=len(page),
            media_type="text/html", kind="html")
        isolate.DEADLINE_GRACE_S = 0.2
        quick = ExtractOptions(max_seconds=0.1)
        pids = []
        with isolate.forking_workers():
            pids.append(extract_then(page, capture, ExtractOptions(), pid))
            for then, error in ((stall, LimitExceeded), (crash, ExtractorCrashed)):
                try:
                    extract_then(page, capture, quick, then)
                except error as exc:
                    print(type(exc).__name__, re.split(r": |; | \\(", str(exc))[1])
                pids.append(extract_then(page, capture, ExtractOptions(), pid))
        print(len(set(pids)), os.getpid() not in pids)
        isolate.stop_idle_workers()
        try:
            os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            print("no child left")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines() == [
        "LimitExceeded extraction did not finish within 0.3 s and was stopped",
        "ExtractorCrashed the html extractor's worker process was killed by signal 9",
        "3 True", "no child left"]
