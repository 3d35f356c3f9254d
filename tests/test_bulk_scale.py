"""Bulk sources at crawl scale (#17): a long run spills its rows to a staging folder and still
commits one archive version, or nothing at all; an unchanged WARC is not read again. Real WARCs
written by warcio, the real flow, a real Delta archive."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.archive import DATA_TABLES, Archive, RunWriter
from pipeline.capture import CaptureOptions
from pipeline.registry import load_registry
from pipeline.sources import expand
from tests.test_sources_warc import Crawl, page, registry, run_flow

SHARED = ("The flood of the spring of that year reached the old mill at the bend of the river "
          "and stayed there for eleven days while the town waited for the water to fall.")


def crawl_of(count: int) -> Crawl:
    """``count`` pages on example.org, then one on copies.example that reprints the first's
    long paragraph: a copy whose origin is captured earlier, on another site."""
    crawl = Crawl()
    for n in range(count):
        body = page(f"Topic {n}").replace(b"</article>",
                                         f"<p>{SHARED if n == 0 else f'Notes {n}.'}</p>"
                                         "</article>".encode())
        crawl.response(f"http://example.org/page/{n}", body, date=f"2024-01-{n + 1:02d}T00:00:00Z")
    crawl.response("http://copies.example/reprint", page("Reprint").replace(
        b"</article>", f"<p>{SHARED}</p></article>".encode()), date="2024-03-01T00:00:00Z")
    return crawl


def ingest(folder: Path, store, workers: int = 1, **kwargs):  # noqa: ANN001, ANN201
    from flows.ingest import run_ingest

    path = registry(folder, '[[source]]\nid = "crawl"\nkind = "warc"\nuri = "crawl.warc.gz"\n')
    return run_ingest(str(path), str(store.root), workers, **kwargs)


def table_rows(archive: Archive, table: str, columns: list[str]) -> list[tuple]:
    return sorted(tuple(r[c] for c in columns) for r in archive.read(table).to_pylist())


def files_under(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if p.is_file()}


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("bound", ["SPILL_DOCUMENTS", "SPILL_PASSAGES"])
def test_a_run_that_spills_after_every_document_commits_the_same_rows_as_one_version(
        tmp_path: Path, monkeypatch, bound: str) -> None:
    import flows.ingest
    from pipeline.store import Store

    crawl_of(6).save(tmp_path / "crawl.warc.gz")
    held = ingest(tmp_path, Store.at(tmp_path / "held"))   # under both bounds: never spills
    staging: list[Path] = []
    spill = RunWriter.spill

    def spill_and_note(run: RunWriter) -> None:
        spill(run)
        staging.append(run.staging)

    monkeypatch.setattr(RunWriter, "spill", spill_and_note)
    monkeypatch.setattr(flows.ingest, bound, 1)   # every document has a passage or more
    spilled = ingest(tmp_path, Store.at(tmp_path / "spilled"))

    assert held.ok and spilled.ok and spilled.count("new") == held.count("new") == 7
    assert len(staging) == 7 and not staging[0].exists()   # removed after the commit
    one, other = Archive(Store.at(tmp_path / "held")), Archive(Store.at(tmp_path / "spilled"))
    assert spilled.archive_version == 1 and [r["archive_version"] for r in other.runs()] == [1]
    for table in DATA_TABLES:   # one Delta commit, one data file per table for the whole run
        assert other._version(table) == 0 and len(other.open(table, 0).file_uris()) <= 1
    columns = {"documents": ["doc_id", "doc_version", "content_hash", "borrowed_share",
                             "reprint_of", "word_count"],
               "passages": ["passage_id", "doc_id", "text", "origin_passage_id",
                            "origin_doc_id"],
               "lineage_index": ["passage_id", "key", "key_kind"],
               "captures": ["source_id", "sha256", "warc_offset"]}
    for table, names in columns.items():
        assert table_rows(other, table, names) == table_rows(one, table, names), table
    # the reprint, linked in a batch of its own, found its origin in an earlier spilled batch
    copies = [p for p in other.read("passages").to_pylist() if p["text"] == SHARED]
    origin = {p["doc_id"]: p["origin_doc_id"] for p in copies}
    assert origin == {"crawl/example.org/page/0": None,
                      "crawl/copies.example/reprint": "crawl/example.org/page/0"}


@pytest.mark.usefixtures("prefect_harness")
def test_a_run_stopped_after_spilling_leaves_the_archive_exactly_as_it_was(
        tmp_path: Path, store, monkeypatch) -> None:
    import flows.ingest
    from flows.ingest import RunInterrupted

    crawl_of(2).save(tmp_path / "crawl.warc.gz")
    assert ingest(tmp_path, store).ok
    before = files_under(Path(store.root))
    archive = Archive(store)
    rows_before = {t: archive.read(t).num_rows for t in DATA_TABLES}

    crawl_of(8).save(tmp_path / "crawl.warc.gz")   # six more pages
    staging: list[Path] = []
    spill = RunWriter.spill

    def spill_and_note(run: RunWriter) -> None:
        spill(run)
        staging.append(run.staging)

    def stop_after_three(result) -> None:  # noqa: ANN001 - what a SIGINT does, mid-run
        seen.append(result)
        if len(seen) == 3:
            flows.ingest.stopping.set()

    seen: list = []
    monkeypatch.setattr(RunWriter, "spill", spill_and_note)
    monkeypatch.setattr(flows.ingest, "SPILL_DOCUMENTS", 1)
    with pytest.raises(RunInterrupted):
        ingest(tmp_path, store, progress=stop_after_three)

    assert len(staging) >= 2, "the run should have spilled before it was stopped"
    assert not any(path.exists() for path in staging)
    new_blobs = {f for f in files_under(Path(store.root)) if f not in before}
    assert all(f.startswith("raw/") for f in new_blobs)   # payloads only: nothing in curated/
    assert {f: s for f, s in files_under(Path(store.root)).items() if f in before} == before
    assert {t: archive.read(t).num_rows for t in DATA_TABLES} == rows_before
    assert archive.latest_version() == 1


@pytest.mark.usefixtures("prefect_harness")
def test_an_unchanged_warc_costs_its_hash_and_a_changed_one_or_setting_is_read_again(
        tmp_path: Path, store) -> None:
    from datetime import datetime, timezone

    from pipeline.build import plan_run

    crawl = crawl_of(2)
    crawl.response("http://example.org/packed", b"\x00\x01",
                   headers=[("Content-Encoding", "x-pack")])   # unreadable: a failure
    crawl.save(tmp_path / "crawl.warc.gz")
    first = run_flow(registry(tmp_path, '[[source]]\nid = "crawl"\nkind = "warc"\n'
                                        'uri = "crawl.warc.gz"\n'), store)
    assert first.count("new") == 3 and [f[0] for f in first.failures] == [
        "crawl/example.org/packed"]

    second = run_flow(tmp_path / "sources.toml", store)
    assert second.count("unchanged") == 3 and second.failures == first.failures
    archive = Archive(store)
    assert [c for c in archive.read("captures").to_pylist() if c["run_id"] == second.run_id] == []

    reg = load_registry(tmp_path / "sources.toml")
    entry = reg.sources[0]
    plan = plan_run(reg, archive, datetime.now(timezone.utc))
    reused = expand(entry, store, CaptureOptions(), plan.previous["crawl"])
    assert reused.reused and len(reused.children) == 3
    assert plan.children(reused).work == [] and len(plan.children(reused).unchanged) == 3
    assert [f.message for f in reused.failures] == [first.failures[0][3]]

    smaller = expand(entry, store, CaptureOptions(max_bytes=100), plan.previous["crawl"])
    assert not smaller.reused and len(smaller.children) < 3   # read again, under the new limit

    crawl.response("http://example.org/later", page("Later"))
    crawl.save(tmp_path / "crawl.warc.gz")
    changed = expand(entry, store, CaptureOptions(), plan.previous["crawl"])
    assert not changed.reused and len(changed.children) == 4
    third = run_flow(tmp_path / "sources.toml", store)
    assert third.count("new") == 1 and third.count("unchanged") == 3


@pytest.mark.usefixtures("prefect_harness")
def test_no_extraction_worker_is_alive_while_the_run_links_and_commits(
        tmp_path: Path, store, monkeypatch) -> None:
    import pipeline.lineage
    from pipeline.extract import extract, isolate
    from tests.test_extract_isolate import PAGE, capture

    crawl_of(3).save(tmp_path / "crawl.warc.gz")
    alive_at: dict[str, list[int]] = {}
    commit, link = Archive.commit, pipeline.lineage.link

    def alive() -> list[int]:
        return [w._process.pid for w in list(isolate._started) if w.alive()]

    def commit_and_note(archive: Archive, run: RunWriter) -> int:
        alive_at["commit"] = alive()
        return commit(archive, run)

    def link_and_note(archive: Archive, run: RunWriter) -> None:
        alive_at.setdefault("link", alive())
        link(archive, run)

    monkeypatch.setattr(Archive, "commit", commit_and_note)
    monkeypatch.setattr(pipeline.lineage, "link", link_and_note)
    summary = ingest(tmp_path, store, workers=2)

    assert summary.ok and summary.count("new") == 4
    assert alive_at == {"link": [], "commit": []}   # each held ~100 MB beside the commit
    assert extract(PAGE, capture(PAGE, "html", "text/html")).blocks and alive()   # restarts


@pytest.mark.parametrize("entry", ["flows.ingest", "pipeline.cli"])
def test_a_run_s_arrow_buffers_come_from_malloc_unless_the_user_chose(entry: str) -> None:
    # Arrow's default mimalloc kept every spilled batch's pages: a 2,000-record WARC's run grew
    # 146 MB over 10 spills while Arrow counted nothing in use (see pipeline/__init__.py).
    # Arrow reads the setting at its first allocation, so each check is a fresh process.
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    def backend(**env: str) -> str:
        base = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
        code = (f"import {entry}, pyarrow.parquet as pq, pyarrow as pa; "
                "print(pa.default_memory_pool().backend_name)")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env={**base, "PYTHONPATH": str(ROOT), **env}, check=True)
        return done.stdout.strip()

    assert backend() == "system"
    assert backend(ARROW_DEFAULT_MEMORY_POOL="mimalloc") == "mimalloc"


def test_a_warc_s_payloads_are_put_with_a_sync_a_batch_not_two_fsyncs_each(
        tmp_path: Path, store, monkeypatch) -> None:
    # Two fsyncs a payload (the file, its folder) were 37 of the 49 s a 10,000-record WARC
    # took to read on a loaded machine.
    import hashlib
    import os

    import pipeline.store

    fsyncs: list[int] = []
    syncs: list[int] = []
    fsync, syncfs = os.fsync, pipeline.store._SYNCFS
    assert syncfs is not None, "a Linux C library has syncfs"

    def counted_fsync(fd: int) -> None:
        fsyncs.append(fd)
        fsync(fd)

    def counted_syncfs(fd: int) -> int:
        syncs.append(fd)
        return int(syncfs(fd))

    monkeypatch.setattr(os, "fsync", counted_fsync)
    monkeypatch.setattr(pipeline.store, "_SYNCFS", counted_syncfs)
    monkeypatch.setattr(pipeline.store, "BLOB_BATCH", 8)
    crawl_of(20).save(tmp_path / "crawl.warc.gz")
    reg = load_registry(registry(tmp_path, '[[source]]\nid = "crawl"\nkind = "warc"\n'
                                           'uri = "crawl.warc.gz"\n'))
    expansion = expand(reg.sources[0], store, CaptureOptions())

    assert len(expansion.children) == 21 and not expansion.failures
    assert fsyncs == [] and len(syncs) == 2 * 3   # data, then names, of 8 + 8 + 5 blobs
    for child in expansion.children:
        assert child.capture is not None
        data = store.read_blob(child.capture.sha256)
        assert hashlib.sha256(data).hexdigest() == child.capture.sha256
    assert list((Path(store.raw) / ".incoming").iterdir()) == []


def test_blobs_of_a_batch_that_fails_never_get_their_names(store, monkeypatch) -> None:
    import hashlib

    import pipeline.store

    monkeypatch.setattr(pipeline.store, "BLOB_BATCH", 2)
    blobs = [f"payload {n}".encode() for n in range(3)]
    with pytest.raises(RuntimeError), store.blob_batch() as batch:
        for data in blobs:
            batch.put(data)
        raise RuntimeError("the part's reader failed")

    named = [store.has_blob(hashlib.sha256(d).hexdigest()) for d in blobs]
    assert named == [True, True, False]   # the first two were flushed, the third never was
    assert list((Path(store.raw) / ".incoming").iterdir()) == []


CHROME = (b"<html><head><title>Index</title></head><body><nav><ul><li><a href='/a'>Home</a></li>"
          b"<li><a href='/b'>About us</a></li></ul></nav><footer>Copyright 2024</footer>"
          b"</body></html>")
"""A page that is all navigation: its extraction fails with EmptySource, whatever the run."""


@pytest.mark.usefixtures("prefect_harness")
def test_bytes_that_failed_are_not_extracted_again_until_the_extractor_or_options_change(
        tmp_path: Path, store, monkeypatch) -> None:
    from datetime import datetime, timezone

    import pipeline.build
    from pipeline.extract import html
    from pipeline.registry import load_registry

    crawl = crawl_of(1)
    crawl.response("http://example.org/index", CHROME)
    crawl.save(tmp_path / "crawl.warc.gz")
    (tmp_path / "menu.html").write_bytes(CHROME)
    entries = (f'[[source]]\nid = "crawl"\nkind = "warc"\nuri = "crawl.warc.gz"\n\n'
               f'[[source]]\nid = "menu"\nuri = "{tmp_path / "menu.html"}"\n')
    path = registry(tmp_path, entries)
    built: list[str] = []
    derive = pipeline.build.derive

    def counted(data: bytes, capture, options):  # noqa: ANN001, ANN202
        built.append(capture.source_id)
        return derive(data, capture, options)

    monkeypatch.setattr(pipeline.build, "derive", counted)
    failing = ["crawl/example.org/index", "menu"]
    first = run_flow(path, store)
    assert first.count("new") == 2 and sorted(f[0] for f in first.failures) == failing
    assert {f[2] for f in first.failures} == {"EmptySource"}
    marked = [c for c in Archive(store).read("captures").to_pylist() if c["source_id"] in failing]
    assert {(c["extract_error"], c["extractor_version"]) for c in marked} == {
        ("EmptySource", f"html/{html.VERSION}")}

    built.clear()
    second = run_flow(path, store)   # same bytes, extractor and options: the failures again
    assert built == [] and sorted(second.failures) == sorted(first.failures)
    assert second.count("unchanged") == 2
    plan = pipeline.build.plan_run(load_registry(path), Archive(store), datetime.now(timezone.utc))
    assert sorted(plan.failures) == failing   # each capture's failure row was found again

    registry(tmp_path, "[settings.extract]\ncomments = true\n\n" + entries)
    third = run_flow(path, store)    # other options: tried again (and failing again)
    assert sorted(built) == failing and sorted(third.failures) == sorted(first.failures)

    built.clear()
    monkeypatch.setattr(html, "VERSION", html.VERSION + "-next")
    fourth = run_flow(path, store)   # a new extractor: everything of its kind is built again
    assert set(failing) <= set(built) and sorted(fourth.failures) == sorted(first.failures)


def test_a_failure_that_may_pass_leaves_the_capture_unmarked() -> None:
    from datetime import datetime, timezone

    from pipeline.build import failed_again, failed_capture
    from pipeline.errors import (
        ContentLimitExceeded,
        EmptySource,
        ExtractorCrashed,
        LimitExceeded,
    )
    from pipeline.model import Capture, ExtractOptions

    capture = Capture("s", "http://example.org/", datetime.now(timezone.utc), "ab" * 32, 10,
                      "text/html", "html")
    options = ExtractOptions()
    for passing in (LimitExceeded("over the time budget"), ExtractorCrashed("killed"),
                    RuntimeError("a bug")):
        assert failed_capture(capture, passing, options) == capture
    failed = failed_capture(capture, EmptySource("no main content"), options)
    assert failed.extract_error == "EmptySource" and failed_again(capture, failed, options)
    too_many = failed_capture(capture, ContentLimitExceeded("has 4,000 pages"), options)
    assert too_many.extract_error == "ContentLimitExceeded"
    assert failed_again(capture, too_many, options)
    assert not failed_again(capture, too_many, ExtractOptions(max_pages=5000))
    assert not failed_again(capture, failed, ExtractOptions(ocr="never"))


def test_expanding_a_crawl_does_not_load_the_xml_parser(tmp_path: Path) -> None:
    # The run's process expands the crawl but parses no XML: only sitemaps and feeds need lxml.
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    crawl_of(2).save(tmp_path / "crawl.warc.gz")
    path = registry(tmp_path, '[[source]]\nid = "crawl"\nkind = "warc"\nuri = "crawl.warc.gz"\n')
    code = ("import json, sys; from pipeline.capture import CaptureOptions; "
            "from pipeline.registry import load_registry; from pipeline.sources import expand; "
            "from pipeline.store import Store; reg = load_registry(sys.argv[1]); "
            "found = expand(reg.sources[0], Store.at(sys.argv[2]), CaptureOptions.of(reg)); "
            "print(json.dumps([len(found.children), 'lxml' in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", code, str(path), str(tmp_path / "store")],
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert json.loads(done.stdout) == [3, False]


def test_a_failed_document_does_not_keep_its_batch_alive(tmp_path: Path, store) -> None:
    # An error's traceback holds the batch task's frame, whose list holds every result of the
    # batch, the failed one (and its error) among them: each batch with a failure stayed in
    # memory, documents and all, until the collector's next full pass.
    import gc

    from flows.ingest import ingest_batch
    from pipeline.build import SourceWork
    from pipeline.model import SegmentedDocument

    (tmp_path / "good.html").write_bytes(page("Kept"))
    (tmp_path / "empty.html").write_bytes(b"")
    reg = load_registry(registry(tmp_path, '[[source]]\nid = "good"\nuri = "good.html"\n\n'
                                           '[[source]]\nid = "empty"\nuri = "empty.html"\n'))
    work = [SourceWork(source) for source in reg.sources]
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)   # what a collection finds stays in gc.garbage to be seen
    try:
        results = ingest_batch.fn(work, store, CaptureOptions.of(reg))
        assert [r.outcome for r in results] == ["new", "failed"]
        del results
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, SegmentedDocument)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []


def test_a_detached_error_keeps_no_traceback_along_either_link() -> None:
    # `raise A from B` inside `except C`: A's cause is B and its context C; C's frames would
    # hold the batch as A's own did.
    from pipeline.build import _detached

    def failing() -> None:
        try:
            raise KeyError("C")
        except KeyError:
            raise ValueError("A") from OSError("B")

    try:
        failing()
    except ValueError as error:
        caught = error
    assert caught.__context__ is not None and caught.__context__.__traceback__ is not None
    _detached(caught)
    chain = [caught, caught.__cause__, caught.__context__]
    assert [type(e).__name__ for e in chain] == ["ValueError", "OSError", "KeyError"]
    assert all(e is not None and e.__traceback__ is None for e in chain)
