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
