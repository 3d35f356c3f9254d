"""The ingest flow: capture -> build (extract, clean, segment) -> commit, over a registry.

Only wiring lives here: Prefect tasks around pipeline functions, retries for transient errors,
bounded concurrency (a thread pool), and a summary artifact. A source that fails is recorded
as a ``failures`` row and the rest of the run goes on; the whole run commits as one archive
version.

Run it with ``archivist ingest`` or directly::

    python -m flows.ingest examples/sources.toml --store /tmp/archive
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime, timezone

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from pipeline.archive import Archive, DocumentRecord, RunSummary, RunWriter
from pipeline.build import Built, build_document
from pipeline.capture import CaptureOptions, capture
from pipeline.errors import PipelineError
from pipeline.extract import ExtractOptions
from pipeline.model import Capture, Source
from pipeline.registry import load_registry
from pipeline.schedule import due_sources
from pipeline.store import Store

ProgressCallback = Callable[[str, str], None]
"""Called with (source id, outcome) as each source finishes; the CLI draws a progress bar."""
progress_listener: ContextVar[ProgressCallback | None] = ContextVar("progress", default=None)


def _is_transient(task, task_run, state) -> bool:  # noqa: ANN001 - Prefect's callback signature
    error = state.result(raise_on_failure=False)
    return isinstance(error, PipelineError) and error.transient


# capture() already retries HTTP errors with backoff; this is one more try after a pause, for
# outages longer than that backoff.
@task(name="capture", retries=1, retry_delay_seconds=5, retry_condition_fn=_is_transient,
      cache_policy=NO_CACHE, persist_result=False)
def capture_task(source: Source, store: Store, options: CaptureOptions,
                 previous: Capture | None) -> Capture:
    return capture(source, store, options, previous)


@task(name="build", cache_policy=NO_CACHE, persist_result=False)
def build_task(capture: Capture, store: Store, previous: DocumentRecord | None,
               options: ExtractOptions) -> Built:
    return build_document(capture, store, previous, options)


@task(name="commit", retries=3, retry_delay_seconds=1, retry_condition_fn=_is_transient,
      cache_policy=NO_CACHE, persist_result=False)
def commit_task(archive: Archive, run: RunWriter) -> int:
    return archive.commit(run)


@flow(name="archivist-ingest", log_prints=True)
def ingest(registry: str, store: str | None = None) -> RunSummary:
    """Capture the due sources of ``registry``, build documents, commit one archive version."""
    the_store = Store.at(store)
    reg = load_registry(registry)
    archive = Archive(the_store)
    previous_docs = archive.latest_documents()
    previous_captures = archive.latest_captures()
    options = CaptureOptions(allow_private_hosts=reg.allow_private_hosts,
                             allowed_roots=reg.allowed_roots)
    run = RunWriter(run_id=str(flow_run.id or "local"), started_at=datetime.now(timezone.utc),
                    registry=str(reg.path))
    notify = _progress_callback()
    by_future = {}
    last_captured = {sid: c.captured_at for sid, c in previous_captures.items()}
    for source in due_sources(reg.sources, last_captured, run.started_at):
        future = capture_task.submit(source, the_store, options, previous_captures.get(source.id))
        by_future[future] = source

    builds = {}
    for future in as_completed(list(by_future)):
        source = by_future[future]
        try:
            captured: Capture = future.result()
        except Exception as error:  # recorded as a failure row; the run goes on
            run.add_failure(source.id, error, None)
            notify(source.id, "failed")
            continue
        run.add_capture(captured)
        build = build_task.submit(captured, the_store, previous_docs.get(source.id),
                                  ExtractOptions())
        builds[build] = (source, captured)

    for future in as_completed(list(builds)):
        source, captured = builds[future]
        try:
            built: Built = future.result()
        except Exception as error:
            run.add_failure(source.id, error, captured.sha256)
        else:
            if built.doc_version is None:
                run.add_unchanged(source.id)
            else:
                run.add_document(built.document, source, captured, built.doc_version)
        notify(source.id, run.outcomes[source.id])

    summary = RunSummary.of(run, commit_task(archive, run))
    _publish(summary)
    return summary


def _progress_callback() -> ProgressCallback:
    """The listener set by :func:`run_ingest`, or one that ignores progress.

    A function rather than a use of the ContextVar inside the flow: Prefect ships the flow
    function to Dask workers by value, and a ContextVar cannot be pickled.
    """
    return progress_listener.get() or (lambda source_id, outcome: None)


def _publish(summary: RunSummary) -> None:
    rows = [{"source": sid, "outcome": outcome} for sid, outcome in sorted(summary.outcomes.items())]
    rows += [{"source": sid, "outcome": f"failed in {stage}: {cls}: {msg}"}
             for sid, stage, cls, msg in summary.failures]
    create_table_artifact(rows, key="ingest-summary",
                          description=f"Archive version {summary.archive_version}")


def run_ingest(registry: str, store: str | None = None, max_workers: int = 4,
               progress: ProgressCallback | None = None, runner: str = "thread",
               address: str | None = None) -> RunSummary:
    """Run the flow with ``max_workers`` threads, or on a Dask cluster (``runner="dask"``).

    Dask: ``address`` (``tcp://host:port``) names a running scheduler; without it a local
    cluster of ``max_workers`` single-threaded worker processes is started for the run.
    """
    token = progress_listener.set(progress)
    try:
        task_runner = make_task_runner(runner, max_workers, address)
        return ingest.with_options(task_runner=task_runner)(registry, store)
    finally:
        progress_listener.reset(token)


def make_task_runner(runner: str, max_workers: int, address: str | None = None):  # noqa: ANN201
    """The Prefect task runner for ``thread`` or ``dask``."""
    if runner == "thread":
        return ThreadPoolTaskRunner(max_workers=max_workers)
    if runner != "dask":
        raise PipelineError(f"unknown runner {runner!r}: use thread or dask")
    require_api_server()
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    # Worker processes (spawned: deltalake must not be forked), one task each at a time;
    # dashboard on a free port so two runs on one machine do not clash on 8787.
    return DaskTaskRunner(cluster_kwargs={"n_workers": max_workers, "threads_per_worker": 1,
                                          "processes": True, "dashboard_address": ":0"})


def require_api_server() -> None:
    """Refuse Dask without a real Prefect server: each worker would start its own."""
    from prefect.settings import PREFECT_API_URL

    if not (PREFECT_API_URL.value() or "").startswith("http"):
        raise PipelineError(
            "--runner dask needs a running Prefect server that every Dask worker can reach "
            "(with Prefect's temporary server each worker starts its own and the run fails): "
            "start one with `prefect server start --host 127.0.0.1 --port 4200` and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api here and on the workers; see "
            "docs/scale-out.md")


if __name__ == "__main__":
    result = run_ingest(sys.argv[1], sys.argv[3] if len(sys.argv) > 3 else None)
    print(f"archive version {result.archive_version}: {result.outcomes}")
    sys.exit(0 if result.ok else 1)
