"""The same ingest flow on a 2-worker Dask cluster (prefect-dask), against a real Prefect API."""

from __future__ import annotations

import os

import pytest

from pipeline.archive import Archive
from pipeline.errors import PipelineError


def test_dask_runner_without_a_prefect_server_says_what_to_do(monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.ingest import make_task_runner

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with temporary_settings({PREFECT_API_URL: None}):
        with pytest.raises(PipelineError, match="prefect server start .*PREFECT_API_URL"):
            make_task_runner("dask", 2)


def test_an_unknown_runner_is_refused():
    from flows.ingest import make_task_runner

    with pytest.raises(PipelineError, match="unknown runner 'spark'"):
        make_task_runner("spark", 2)


def test_the_batch_task_pickles_by_value_as_dask_sends_it():
    """Dask cannot pickle a Prefect task's function by reference (the module attribute is the
    Task), so it sends it by value with the globals it uses: none may hold a lock."""
    import cloudpickle

    from flows.ingest import ingest_batch

    assert cloudpickle.loads(cloudpickle.dumps(ingest_batch.fn)).__name__ == "ingest_batch"


def test_a_dask_worker_builds_a_batch_without_loading_the_archive(tmp_path):
    """A Dask worker unpickles the batch task and its work (what it imports then stays for
    the run) but never touches the archive: Delta and the archive's schemas cost each worker
    about 30 MB. A document the archive knows already travels in the work as well."""
    import subprocess
    import sys

    import cloudpickle

    from flows.ingest import ingest_batch
    from pipeline.build import SourceWork
    from pipeline.model import DocumentRecord, Source
    from tests.conftest import ROOT

    work = SourceWork(Source(id="doc", uri="doc.html"),
                      previous_document=DocumentRecord("doc", 1, "0" * 64, "1" * 64, "html/0"))
    (tmp_path / "task").write_bytes(cloudpickle.dumps((ingest_batch, [work])))
    code = ("import pickle, sys; pickle.loads(open(sys.argv[1], 'rb').read()); "
            "print(sorted(m for m in ('deltalake', 'pipeline.archive', 'pipeline.lineage', "
            "'lxml') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "task")], check=True,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.split() == ["[]"]


@pytest.mark.slow
def test_a_local_cluster_is_one_worker_process_whose_threads_extract_side_by_side(
        prefect_harness, monkeypatch):
    # A document's CPU goes to its thread's extraction process; a Dask worker process per
    # thread only added its imports and a batch's documents (about 200 MB each at 10,000
    # records), and a run's memory goal is for the whole tree.
    from datetime import datetime, timezone

    from prefect.settings import PREFECT_API_URL

    from flows.ingest import make_task_runner
    from pipeline.extract import extract
    from pipeline.extract.isolate import stop_idle_workers
    from pipeline.model import Capture

    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    page = b"<html><body><article><p>" + b"A sentence of prose for a thread. " * 8 + \
        b"</p></article></body></html>"
    captured = Capture(source_id="doc", uri="file:///doc.html", kind="html",
                       captured_at=datetime(2024, 1, 1, tzinfo=timezone.utc), sha256="0" * 64,
                       size=len(page), media_type="text/html")
    with make_task_runner("dask", 2) as runner:
        client = runner.client
        assert [w["nthreads"] for w in client.scheduler_info()["workers"].values()] == [2]
        done = client.gather([client.submit(extract, page, captured, pure=False)
                              for _ in range(8)])
        assert all(extraction.blocks for extraction in done)
        # Both threads extracted, each in an extraction process of its own.
        assert list(client.run(stop_idle_workers).values()) == [2]


@pytest.mark.slow
def test_ingest_on_a_local_dask_cluster_matches_the_thread_runner(corpus, tmp_path, store,
                                                                  prefect_harness, monkeypatch):
    from prefect.settings import PREFECT_API_URL

    from flows.ingest import run_ingest
    from pipeline.store import Store

    # The harness runs a real API server; spawned workers find it through the environment.
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    dask = run_ingest(str(corpus), str(store.root), max_workers=2, runner="dask")
    assert dask.ok, dask.failures
    assert dask.count("new") == 5

    threads = Store.at(tmp_path / "threads")
    run_ingest(str(corpus), str(threads.root), max_workers=2)
    by_dask, by_threads = Archive(store), Archive(threads)
    columns = ["passage_id", "doc_id", "text", "char_start", "char_end"]
    assert (sorted(by_dask.read("passages").select(columns).to_pylist(), key=str)
            == sorted(by_threads.read("passages").select(columns).to_pylist(), key=str))

    again = run_ingest(str(corpus), str(store.root), max_workers=2, runner="dask")
    assert again.count("unchanged") == 5 and not again.new_version
    assert by_dask.latest_version() == 1  # nothing changed: recorded, no new version
    assert "PREFECT_API_URL" in os.environ


@pytest.mark.slow
def test_cli_dask_run_without_a_server_starts_one_and_archives(corpus, store, monkeypatch):
    from typer.testing import CliRunner

    from pipeline.cli import app

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    result = CliRunner().invoke(app, ["ingest", str(corpus), "--store", str(store.root),
                                      "--runner", "dask", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "started a Prefect server at http://127.0.0.1:" in result.output
    assert Archive(store).read("documents").num_rows == 5
    assert "PREFECT_API_URL" not in os.environ


def _archive_rows(archive: Archive) -> dict[str, list]:
    """What two runs over one WARC must agree on, table by table."""
    columns = {
        "documents": ["doc_id", "doc_version", "content_hash", "kind", "uri"],
        "passages": ["passage_id", "doc_id", "text", "char_start", "char_end"],
        "captures": ["source_id", "sha256", "captured_at", "warc_path", "warc_sha256",
                     "warc_offset", "warc_length", "warc_record_id", "revisit"],
        "expansions": ["source_id", "files", "documents", "counts"],
        "failures": ["source_id", "stage", "message"]}
    return {table: sorted((tuple(str(r[c]) for c in names)
                           for r in archive.read(table).select(names).to_pylist()), key=str)
            for table, names in columns.items()}


def _task_run_names(flow_run_id: str) -> list[str]:
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(
            id=FlowRunFilterId(any_=[UUID(flow_run_id)])))
    return [run.name.rsplit("-", 1)[0] for run in runs]


def _flow_log(flow_run_id: str) -> list[str]:
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogWorker

    # The run's log lines reach the API from a background worker, in batches: without
    # waiting for it, a line printed just before the run ended was sometimes not there yet.
    APILogWorker.drain_all(timeout=30)
    with get_client(sync_client=True) as client:
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(
            any_=[UUID(flow_run_id)])))
    return [log.message for log in logs]


def _children() -> set[tuple[int, str]]:
    """This process's descendants, but multiprocessing's resource tracker: Dask's spawned
    workers start it, and it lives as long as this process, by design."""
    import psutil

    found = set()
    for child in psutil.Process().children(recursive=True):
        try:
            command = " ".join(child.cmdline())
        except psutil.NoSuchProcess:
            continue
        if "resource_tracker" not in command:
            found.add((child.pid, command[:200]))
    return found


@pytest.mark.slow
def test_a_warc_read_in_parts_on_dask_with_the_store_on_s3_archives_what_a_local_run_does(
        tmp_path, s3_store, prefect_harness, monkeypatch, request):
    """#17: a WARC split into offset ranges, read and built by two Dask worker threads,
    the store on S3 (moto on 127.0.0.1), archives exactly what the thread runner archives
    from the whole file into a local store; no process of the cluster is left behind."""
    import logging
    import time
    from functools import partial

    from prefect.settings import PREFECT_API_URL

    import flows.ingest
    from flows.ingest import run_ingest
    from pipeline.store import Store
    from tests.test_sources_warc import page, registry, typical_crawl

    crawl = typical_crawl()
    for n in range(6):
        crawl.response(f"http://example.org/topic/{n}", page(f"Topic {n}"))
    warc = crawl.save(tmp_path / "crawl.warc.gz")
    path = registry(tmp_path, '[[source]]\nid = "crawl"\nkind = "warc"\nuri = "crawl.warc.gz"\n')
    local = Store.at(tmp_path / "local")
    assert warc.stat().st_size < flows.ingest.PART_BYTES   # read whole: one part
    flow_logs = logging.getLogger("prefect.flow_runs")   # the session's level is WARNING: the
    request.addfinalizer(partial(flow_logs.setLevel, flow_logs.level))  # flow says at INFO
    flow_logs.setLevel(logging.INFO)
    by_threads = run_ingest(str(path), str(local.root), max_workers=2)
    assert by_threads.ok and by_threads.count("new") == 11

    monkeypatch.setattr(flows.ingest, "PART_BYTES", warc.stat().st_size // 5 + 1)
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    before = _children()
    on_dask = run_ingest(str(path), str(s3_store), max_workers=2, runner="dask")
    assert on_dask.ok and on_dask.outcomes == by_threads.outcomes
    assert _task_run_names(on_dask.run_id).count("read-warc-part") == 5
    assert _task_run_names(by_threads.run_id).count("read-warc-part") == 1
    # the batches ran in the Dask worker's threads: their idle extraction workers, one each, are
    # stopped before the commit as the thread runner's are
    stopped = "stopped 2 idle extraction workers before the commit"
    assert stopped in _flow_log(on_dask.run_id) and stopped in _flow_log(by_threads.run_id)
    remote = Archive(Store.at(str(s3_store)))
    assert _archive_rows(remote) == _archive_rows(Archive(local))
    assert s3_store.has_blob(remote.read("captures")["sha256"][0].as_py())

    # Unchanged: the file is hashed in the run's process and no task is submitted, so the
    # runner never starts its cluster (a cluster started here would fail the run).
    import distributed

    def no_cluster(*args, **kwargs):
        raise AssertionError("an unchanged WARC's re-run started a Dask cluster")

    monkeypatch.setattr(distributed, "LocalCluster", no_cluster)
    again = run_ingest(str(path), str(s3_store), max_workers=2, runner="dask")
    assert again.ok and again.count("unchanged") == 11 and not again.new_version
    assert not {"expand-entry", "read-warc-part", "ingest-batch"} & set(_task_run_names(again.run_id))

    deadline = time.monotonic() + 30   # the worker process exits as the cluster closes
    while _children() - before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _children() - before == set()
