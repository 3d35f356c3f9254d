import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from deltalake import write_deltalake

from pipeline import not_installed
from pipeline.archive import Archive, RunWriter
from pipeline.errors import ArchiveError
from pipeline.model import Block, Capture, DocumentMeta, Extraction, Locator, Source
from pipeline.schema import to_arrow
from pipeline.segment import segment

NOW = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)


def run_with(run_id, text, version=1, doc_id="doc"):
    run = RunWriter(run_id, NOW)
    capture = Capture(doc_id, f"/{doc_id}.txt", NOW, "ab" * 32, 5, "text/plain", "text")
    extraction = Extraction("text", "1", DocumentMeta(title="T"),
                            (Block("paragraph", text, Locator(line_start=1, line_end=1)),))
    run.add_capture(capture)
    run.add_document(segment(doc_id, extraction), Source(doc_id, capture.uri), capture, version)
    return run


def test_each_commit_is_the_next_archive_version_and_old_versions_stay_readable(store):
    archive = Archive(store)
    assert archive.commit(run_with("r1", "first text")) == 1
    assert archive.commit(run_with("r2", "second text", version=2)) == 2
    texts = lambda v: archive.current("passages", v)["text"].to_pylist()  # noqa: E731
    assert texts(1) == ["first text"] and texts(2) == ["second text"]
    assert archive.read("passages", 2).num_rows == 2  # history is kept


def test_rows_of_a_run_that_never_committed_are_invisible(store):
    archive = Archive(store)
    archive.commit(run_with("r1", "committed"))
    orphan = run_with("crashed", "half-written", version=2)
    write_deltalake(str(archive.path("passages")), to_arrow("passages", orphan.rows["passages"]),
                    mode="append")  # the crash: data written, no runs row
    assert archive.current("passages")["text"].to_pylist() == ["committed"]
    archive.commit(run_with("r3", "next run", version=2))
    assert archive.current("passages")["text"].to_pylist() == ["next run"]
    assert "crashed" not in archive.read("passages")["run_id"].to_pylist()


def test_versions_can_be_chosen_by_number_or_time(store):
    archive = Archive(store)
    archive.commit(run_with("r1", "one"))
    committed = archive.runs()[0]["committed_at"]
    archive.commit(run_with("r2", "two", version=2))
    assert archive.resolve_version(as_of=committed) == 1
    assert archive.resolve_version() == 2
    with pytest.raises(ArchiveError, match="versions are 1..2"):
        archive.resolve_version(7)
    with pytest.raises(ArchiveError, match="no archive version existed"):
        archive.resolve_version(as_of=committed - timedelta(days=1))


def test_an_empty_archive_says_how_to_fill_it(store):
    with pytest.raises(ArchiveError, match="archivist ingest"):
        Archive(store).resolve_version()


def test_failures_are_recorded_with_stage_and_class(store):
    from pipeline.errors import FetchError

    run = RunWriter("r1", NOW)
    run.add_failure("web", FetchError("http://x answered HTTP 404", source_id="web"), None)
    Archive(store).commit(run)
    (row,) = Archive(store).read("failures").to_pylist()
    assert (row["stage"], row["error_class"], row["message"]) == (
        "capture", "FetchError", "http://x answered HTTP 404")


def test_a_run_is_written_by_document_in_small_row_groups(store, monkeypatch):
    """One document's rows then sit in one or two row groups of a file, whose doc_id
    statistics let a lookup skip the others (the workbench reads by document)."""
    import pyarrow.parquet as pq

    import pipeline.archive as module

    monkeypatch.setattr(module, "WRITER_PROPERTIES",
                        module.WriterProperties(max_row_group_size=2))
    archive = Archive(store)
    run = RunWriter("r1", NOW)
    for n in (3, 1, 5, 2, 0, 4):  # added out of order, as a parallel ingest finishes them
        doc = run_with("r1", " ".join(f"Paragraph {k} of document {n}." for k in range(5)),
                       doc_id=f"doc-{n}")
        for table, rows in doc.rows.items():
            run.rows[table] += rows
        run.outcomes.update(doc.outcomes)
    archive.commit(run)
    files = list((store.curated / "documents").glob("*.parquet"))
    ids = pq.read_table(files[0])["doc_id"].to_pylist()
    assert ids == [f"doc-{n}" for n in range(6)]
    groups = pq.ParquetFile(files[0]).metadata
    column = groups.schema.names.index("doc_id")
    spans = [(groups.row_group(g).column(column).statistics.min,
              groups.row_group(g).column(column).statistics.max)
             for g in range(groups.num_row_groups)]
    assert spans == [("doc-0", "doc-1"), ("doc-2", "doc-3"), ("doc-4", "doc-5")]


def test_a_commit_compacts_a_table_of_many_small_files_and_every_version_reads_the_same(
        store, monkeypatch):
    """A run adds a file to each table; after many runs the commit merges them, and older
    versions still read what they read before, a document's rows in their order."""
    import pipeline.archive as module

    monkeypatch.setattr(module, "COMPACT_SMALL_FILES", 3)
    archive = Archive(store)
    before = {}
    for n in range(1, 7):
        run = run_with(f"r{n}", "unused", version=n)
        run.rows["passages"].clear()
        run.rows["documents"].clear()
        blocks = tuple(Block("paragraph", f"Run {n}, paragraph {9 - k}.",
                             Locator(line_start=k, line_end=k)) for k in range(9))
        capture = Capture("doc", "/doc.txt", NOW, "ab" * 32, 5, "text/plain", "text")
        run.add_document(segment("doc", Extraction("text", "1", DocumentMeta(title="T"), blocks)),
                         Source("doc", capture.uri), capture, n)
        archive.commit(run)
        before[n] = archive.read("passages", n).to_pylist()
    files = lambda table: archive._delta(table).get_add_actions().num_rows  # noqa: E731
    assert files("passages") <= 3 and files("runs") <= 3
    for n, rows in before.items():
        assert archive.read("passages", n).to_pylist() == rows
    assert archive.current("passages")["text"].to_pylist() == [
        f"Run 6, paragraph {9 - k}." for k in range(9)]


def test_the_archive_loads_without_pandas_and_pandas_still_loads_after():
    """pyarrow.dataset would import pandas in every process that opens the archive."""
    code = ("import sys, pipeline.archive; assert 'pandas' not in sys.modules, 'loaded'; "
            "import pyarrow as pa; print(pa.table({'a': [1]}).to_pandas().a.sum())")
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(root)}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"


def test_a_module_is_hidden_only_from_the_thread_in_the_block(tmp_path, monkeypatch):
    (tmp_path / "hidden_optional.py").write_text("VALUE = 7\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    other: list[object] = []

    def import_elsewhere() -> None:
        import hidden_optional
        other.append(hidden_optional.VALUE)
        del sys.modules["hidden_optional"]

    with not_installed("hidden_optional"):
        with pytest.raises(ModuleNotFoundError, match="hidden_optional"):
            import hidden_optional  # noqa: F401
        thread = threading.Thread(target=import_elsewhere)
        thread.start()
        thread.join()
    assert other == [7]
    import hidden_optional
    assert hidden_optional.VALUE == 7
    del sys.modules["hidden_optional"]
