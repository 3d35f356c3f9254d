"""The raw store and the archive on S3-compatible storage: a moto S3 server on 127.0.0.1
(the ``s3_server`` and ``s3_store`` fixtures are in conftest.py)."""

from __future__ import annotations

import pytest

from pipeline.archive import Archive
from pipeline.audit import verify
from pipeline.store import Store


def test_store_at_s3_uri_is_remote():
    store = Store.at("s3://bucket/some/prefix/")
    assert store.remote
    assert store.uri(store.curated / "runs") == "s3://bucket/some/prefix/curated/runs"


def test_blobs_round_trip_on_s3(s3_store: Store):
    sha = s3_store.put_blob(b"hello archive")
    assert s3_store.put_blob(b"hello archive") == sha  # content-addressed: no second object
    assert s3_store.read_blob(sha) == b"hello archive"
    assert s3_store.has_blob(sha)
    assert [p.name for p in s3_store.blobs()] == [sha]


def test_a_blob_is_one_put_not_a_multipart_upload(s3_store: Store, caplog):
    """#17: every WARC payload on S3 cost a three-request multipart upload (moto's log)."""
    import logging

    caplog.set_level(logging.INFO, logger="werkzeug")   # moto's server logs each request
    s3_store.put_blob(b"a small payload " * 100)
    requests = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    writes = [m for m in requests if '"PUT ' in m or '"POST ' in m]
    assert len(writes) == 1 and "/raw/sha256/" in writes[0], requests


def _commit_corpus(corpus, store: Store) -> Archive:
    """Capture, build and commit the sample corpus without Prefect."""
    from datetime import datetime, timezone

    from pipeline.archive import RunWriter
    from pipeline.build import ingest_source, plan_ingest, record_result
    from pipeline.capture import CaptureOptions
    from pipeline.registry import load_registry

    archive = Archive(store)
    registry = load_registry(corpus)
    run = RunWriter(f"run-{len(archive.runs()) + 1}", datetime.now(timezone.utc))
    for work in plan_ingest(registry, archive, run.started_at):
        record_result(run, ingest_source(work, store, CaptureOptions()))
    archive.commit(run)
    return archive


def test_archive_commits_reads_and_verifies_on_s3(corpus, s3_store: Store):
    archive = _commit_corpus(corpus, s3_store)
    assert archive.exists()
    assert archive.latest_version() == 1
    assert archive.read("documents").num_rows == 5
    assert archive.read("passages").num_rows > 5
    assert verify(archive) == []

    again = _commit_corpus(corpus, s3_store)
    assert again.latest_version() == 1  # recorded, but nothing changed: no new version
    assert again.runs()[-1]["unchanged_docs"] == 5 and not again.runs()[-1]["new_version"]
    assert again.read("documents", version=1).num_rows == 5


def test_verify_on_s3_names_changed_missing_and_extra_blobs(corpus, s3_store: Store):
    archive = _commit_corpus(corpus, s3_store)
    s3 = s3_store.filesystem()
    blobs = s3_store.blobs()
    changed, missing = blobs[0], blobs[1]
    with s3.open_output_stream(str(changed)) as out:
        out.write(b"tampered")
    s3.delete_file(str(missing))
    extra = s3_store.raw / "sha256" / "zz" / "notes.txt"
    with s3.open_output_stream(str(extra)) as out:
        out.write(b"stray")

    problems = {(p.kind, p.path) for p in verify(archive)}
    assert problems == {("changed", s3_store.uri(changed)), ("missing", s3_store.uri(missing)),
                        ("extra", s3_store.uri(extra))}


@pytest.mark.slow
def test_ingest_flow_writes_to_s3(corpus, s3_store: Store, prefect_harness):
    from flows.ingest import run_ingest

    summary = run_ingest(str(corpus), str(s3_store), max_workers=2)
    assert summary.ok
    assert summary.count("new") == 5
    archive = Archive(Store.at(str(s3_store)))
    assert archive.read("documents").num_rows == 5
    warcs = s3_store.files(s3_store.warc)
    assert warcs == []  # local sources have no HTTP exchange to record
    assert verify(archive) == []


def test_concurrent_commits_on_s3_take_distinct_versions_and_duplicate_nothing(corpus, s3_store):
    """No file lock reaches S3: the conditional runs-row commit and reconcile must do its job."""
    import threading
    from datetime import datetime, timezone

    from pipeline.archive import RunWriter
    from pipeline.build import build_document
    from pipeline.capture import capture
    from pipeline.registry import load_registry

    built = []
    for source in load_registry(corpus).sources:
        captured = capture(source, s3_store)
        built.append((source, captured, build_document(captured, s3_store, None)))
    runs = []
    for run_id in ("a", "b", "c"):  # every run numbers its documents from the empty archive
        run = RunWriter(run_id, datetime.now(timezone.utc))
        for source, captured, result in built:
            run.add_capture(captured)
            run.add_document(result.document, source, captured, result.doc_version)
        runs.append(run)
    versions: list[int] = []
    start = threading.Barrier(len(runs))

    def commit(run: RunWriter) -> None:
        start.wait()
        versions.append(Archive(s3_store).commit(run))

    threads = [threading.Thread(target=commit, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    archive = Archive(s3_store)
    assert versions == [1, 1, 1]  # the first made it; the others found their content there
    assert [(r["archive_version"], r["new_version"]) for r in archive.runs()] == [
        (1, True), (1, False), (1, False)]
    documents = archive.current("documents").to_pylist()
    assert len(documents) == 5 and {d["doc_version"] for d in documents} == {1}
    passages = archive.current("passages")["passage_id"].to_pylist()
    assert len(passages) == len(set(passages))
