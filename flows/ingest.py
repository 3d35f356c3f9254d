"""The ingest flow: capture -> build (extract, clean, segment) -> commit, over a registry.

Only wiring lives here: Prefect tasks around pipeline functions, retries for transient errors,
bounded concurrency (a thread pool), and a summary artifact. A source that fails is recorded
as a ``failures`` row and the rest of the run goes on; the whole run commits as one archive
version.

Run it with ``archivist ingest`` or directly::

    python -m flows.ingest examples/sources.toml --store /tmp/archive
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from datetime import datetime, timezone
from itertools import islice
from typing import TYPE_CHECKING, Any, cast

from prefect import Task, flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture, as_completed
from prefect.runtime import flow_run, task_run
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows.server import local_api
from pipeline import release_freed_memory
from pipeline.build import (
    SourceResult,
    SourceWork,
    ingest_source,
    plan_run,
    record_expansion,
    record_result,
)
from pipeline.capture import CaptureOptions
from pipeline.errors import PipelineError
from pipeline.extract.isolate import stop_idle_workers
from pipeline.model import Source
from pipeline.registry import Registry, load_registry
from pipeline.sources import (
    Planned,
    Previous,
    finish_expansion,
    plan_expansion,
    read_part,
    reuse,
)
from pipeline.sources.webarchive import PartScan, WarcPart
from pipeline.store import Store

# The archive and lineage (Delta, the archive's schemas, numpy: about 35 MB) are imported
# where the run's process uses them: a Dask worker imports this module to run a batch (the
# tasks' functions refer to it) and never touches the archive.
if TYPE_CHECKING:
    from pipeline.archive import Archive, RunSummary, RunWriter

ProgressCallback = Callable[[SourceResult], None]
"""Called with each source's result as its batch finishes; the CLI draws a progress bar."""
progress_listener: ContextVar[ProgressCallback | None] = ContextVar("progress", default=None)


MAX_BATCH = 25
"""Sources per task at most. Prefect's bookkeeping costs about as much per task as capturing
and extracting a small page, so a thousand sources go as forty tasks, not two thousand."""
BATCHES_PER_WORKER = 4
"""Small registries still spread over the workers: at least this many batches per worker."""
CAPTURE_RETRY_DELAY_S = 5.0
"""capture() already retries HTTP errors with backoff; sources that still failed for a
passing reason get one more try after this pause (Prefect's retry of :func:`ingest_again`), for
outages longer than that backoff."""
BATCHES_IN_FLIGHT = 2
"""Batches submitted per worker at a time: one running, one queued so no worker waits."""
SPILL_DOCUMENTS = 200
"""Documents a run holds in memory before linking them and spilling their rows to its
staging folder."""
SPILL_PASSAGES = 4000
"""Or passages: what a run holds grows with them, not with documents. 200 real web pages of a
crawl hold about 8,000 (41 each), and the run's process rose 150-180 MB at each such link and
spill (10,000-record WARC); 4,000 keeps about 100 of those pages, or 200 of 20 passages."""
PART_BYTES = 16 << 20
"""A WARC file is read in parts of this many bytes, a task each, so that every worker reads
records of a large crawl at once (a part of web pages holds about a thousand records, whose
small captures its task returns); the parts are merged in file order, as one reader reads."""
SCHEDULER_WAIT_S = 10.0
"""How long a ``--address`` scheduler has to answer and to have at least one worker. Without
this check a wrong address fails after Dask's 30 s connect timeout with a traceback, and a
scheduler without workers (or a port that is not Dask's) waits for ever."""


def _is_transient(task: Task[Any, Any], task_run: TaskRun, state: State[Any]) -> bool:
    error = state.result(raise_on_failure=False)
    return isinstance(error, PipelineError) and error.transient


@task(name="ingest-batch", cache_policy=NO_CACHE, persist_result=False)
def ingest_batch(batch: list[SourceWork], store: Store,
                 options: CaptureOptions) -> list[SourceResult]:
    results = []
    for work in batch:
        if _stop_requested():  # interrupted: start nothing new, the run will not commit
            raise RunInterrupted("the run was interrupted")
        results.append(ingest_source(work, store, options))
    return results


@task(name="capture-again", retries=1, retry_delay_seconds=CAPTURE_RETRY_DELAY_S,
      retry_condition_fn=_is_transient, cache_policy=NO_CACHE, persist_result=False)
def ingest_again(first: SourceResult, work: SourceWork, store: Store,
                 options: CaptureOptions) -> SourceResult:
    """One more try, through Prefect's retry, for a source whose capture failed for a passing
    reason. The first pass's failure is this task's first attempt, so its one retry, after
    :data:`CAPTURE_RETRY_DELAY_S`, is the second pass; whatever that gives is the result."""
    if task_run.run_count <= 1 and first.error is not None:
        raise first.error
    return ingest_source(work, store, options)


@task(name="link-lineage", cache_policy=NO_CACHE, persist_result=False)
def link_task(archive: Archive, run: RunWriter) -> None:
    """Find the run's passages that copy earlier captures (``pipeline.lineage``)."""
    from pipeline.lineage import link  # the run's process only: see the imports

    link(archive, run)


@task(name="expand-entry", cache_policy=NO_CACHE, persist_result=False)
def expand_entry(entry: Source, store: Store, options: CaptureOptions,
                 previous: Previous | None, part_bytes: int) -> Planned:
    """One task per bulk entry: all of its expansion but reading a WARC's records, which are
    left in parts of ``part_bytes`` for :func:`read_warc_part`."""
    return plan_expansion(entry, store, options, previous, part_bytes)


@task(name="read-warc-part", cache_policy=NO_CACHE, persist_result=False)
def read_warc_part(entry: Source, store: Store, options: CaptureOptions,
                   part: WarcPart) -> PartScan:
    """One part of a WARC file, read in one stream (no task per record); its documents then
    go to the ingest batches like any others."""
    return read_part(entry, store, options, part)


@task(name="commit", retries=3, retry_delay_seconds=1, retry_condition_fn=_is_transient,
      cache_policy=NO_CACHE, persist_result=False)
def commit_task(archive: Archive, run: RunWriter) -> int:
    return archive.commit(run)


@flow(name="archivist-ingest", log_prints=True)
def ingest(registry: str, store: str | None = None, workers: int = 4,
           force_version: bool = False) -> RunSummary:
    """Capture the due sources of ``registry``, build documents, commit the run (a new archive
    version if content changed or ``force_version``)."""
    from pipeline.archive import RunWriter  # the run's process only: see the imports

    the_store = Store.at(store)
    reg = load_registry(registry)
    run = RunWriter(run_id=str(flow_run.id or "local"), started_at=datetime.now(timezone.utc),
                    registry=str(reg.path), force_version=force_version)
    try:
        summary = _ingest_run(run, reg, the_store, workers)
    finally:  # committed, failed or interrupted: the spilled rows are not needed any more
        run.discard_staging()
    _publish(summary)
    return summary


def _ingest_run(run: RunWriter, reg: Registry, the_store: Store, workers: int) -> RunSummary:
    """The flow's work: plan, expand, capture and build in batches, link, commit."""
    from pipeline.archive import Archive, RunSummary  # the run's process only: see the imports

    archive = Archive(the_store)
    options = CaptureOptions.of(reg)
    plan = plan_run(reg, archive, run.started_at)
    work = list(plan.work)
    expanding = [_expand(e, plan.previous.get(e.id), the_store, options) for e in plan.entries]
    planned = [p if isinstance(p, Planned) else p.result() for p in expanding]
    for entry_plan in planned:
        if entry_plan.expansion.reused:  # the files are the last expansion's: its captures
            reuse(entry_plan.expansion, plan.previous[entry_plan.expansion.entry.id],
                  entry_plan.expansion.files)
    reading = [[read_warc_part.submit(p.expansion.entry, the_store, options, part)
                for part in p.parts or []] for p in planned]
    submitted = any(reading) or any(not isinstance(p, Planned) for p in expanding)
    for entry_plan, parts in zip(planned, reading):
        expansion = finish_expansion(entry_plan, [f.result() for f in parts], the_store,
                                     options)
        parts.clear()  # each part's records, merged, are let go
        record_expansion(run, expansion)
        children = plan.children(expansion)
        work += children.work
        for source_id in children.unchanged:
            run.add_unchanged(source_id)
        for captured in children.recaptured:
            run.add_capture(captured)
            run.add_unchanged(captured.source_id)
        for failed in children.failed:
            record_result(run, failed)

    notify = _progress_callback()
    retriable: list[SourceResult] = []

    def take(result: SourceResult) -> None:
        if result.retriable:
            retriable.append(result)
        else:
            _record(archive, run, result)

    _run_batches(work, the_store, options, workers, notify, take)
    by_source = {w.source.id: w for w in work}
    again = [ingest_again.submit(r, by_source[r.source.id], the_store, options)
             for r in retriable]
    for future in again:
        _record(archive, run, future.result())

    # Nothing is extracted after this point: the idle workers' ~100 MB each would otherwise
    # sit beside the linking and the commit, the run's peak (10,000-record WARC, 2 workers).
    if work or submitted:  # else no task ran: no worker, and on Dask no cluster, was started
        print(f"stopped {_stop_idle_extractors()} idle extraction workers before the commit")
    link_task(archive, cast("RunWriter", quote(run)))
    if _stop_requested():  # a signal came while the sources were read: commit nothing
        raise RunInterrupted("the run was interrupted before its commit")
    return RunSummary.of(run, commit_task(archive, cast("RunWriter", quote(run))))


def _expand(entry: Source, previous: Previous | None, store: Store,
            options: CaptureOptions) -> Planned | PrefectFuture[Planned]:
    """Plan a bulk entry's expansion: here, in the run's process, for a WARC entry read by an
    earlier run (its files are hashed, and nothing more if they are unchanged), else in a task.
    An unchanged crawl then submits no task at all, so a Dask run starts no cluster (the
    runner starts it at the first task): its re-run took 40 s against the thread runner's 12,
    most of it starting and stopping the cluster for one task that hashed the file."""
    if entry.bulk == "warc" and previous is not None:
        return plan_expansion(entry, store, options, previous, PART_BYTES)
    return expand_entry.submit(entry, store, options, _outline(previous), PART_BYTES)


def _outline(previous: Previous | None) -> Previous | None:
    """``previous`` without its captures and failures: enough for the expansion task to tell
    whether the files are those read last time. Prefect walks a task's arguments (about half a
    second for 3,000 captures, several times a task) and Dask turns a ``quote``d one into a
    tuple; the flow adds the captures to a reused expansion itself."""
    return None if previous is None else replace(previous, captures=(), failures=())


def _stop_idle_extractors() -> int:
    """Stop the idle extraction workers of this process and, on Dask, of every Dask worker
    process, where the batches ran (``stop_idle_workers`` reaches only its own process's);
    how many were stopped."""
    stopped = stop_idle_workers()
    context = FlowRunContext.get()
    dask = sys.modules.get("prefect_dask.task_runners")  # imported if the runner is Dask's
    if context is not None and dask is not None and isinstance(context.task_runner,
                                                               dask.DaskTaskRunner):
        stopped += sum(context.task_runner.client.run(stop_idle_workers).values())
    return stopped


def _record(archive: Archive, run: RunWriter, result: SourceResult) -> None:
    """Add a result to the run; every :data:`SPILL_DOCUMENTS` documents (or
    :data:`SPILL_PASSAGES` passages), link them and spill the rows held to the run's staging
    folder, so a crawl's rows never all sit in memory."""
    record_result(run, result)
    if (len(run.rows["documents"]) >= SPILL_DOCUMENTS
            or len(run.rows["passages"]) >= SPILL_PASSAGES):
        # quote: Prefect would otherwise walk every row the run holds looking for futures to
        # wait on (minutes and gigabytes for a few thousand documents); the task gets `run`.
        link_task(archive, cast("RunWriter", quote(run)))
        run.spill()
        release_freed_memory()


def _run_batches(work: list[SourceWork], store: Store, options: CaptureOptions, workers: int,
                 notify: Callable[[SourceResult], None],
                 take: Callable[[SourceResult], None]) -> None:
    """Run ``work`` in batches over the task runner, giving each result to ``notify`` and
    ``take`` as its batch finishes. At most :data:`BATCHES_IN_FLIGHT` per worker are submitted
    at a time: a finished batch's future holds its documents until it is let go."""
    size = max(1, min(MAX_BATCH, -(-len(work) // (workers * BATCHES_PER_WORKER))))
    batches = iter([work[i:i + size] for i in range(0, len(work), size)])
    running = [ingest_batch.submit(b, store, options)
               for b in islice(batches, workers * BATCHES_IN_FLIGHT)]
    while running:
        finished = as_completed(running)
        done = next(finished)
        finished.close()
        running.remove(done)
        for batch in islice(batches, 1):
            running.append(ingest_batch.submit(batch, store, options))
        for result in done.result():
            notify(result)
            take(result)
        del done


def _progress_callback() -> ProgressCallback:
    """The listener set by :func:`run_ingest`, or one that ignores progress.

    A function rather than a use of the ContextVar inside the flow: Prefect ships the flow
    function to Dask workers by value, and a ContextVar cannot be pickled.
    """
    return progress_listener.get() or (lambda result: None)


def _publish(summary: RunSummary) -> None:
    rows = [{"source": sid, "outcome": outcome}
            for sid, outcome in sorted(summary.outcomes.items())]
    rows += [{"source": sid, "outcome": f"failed in {stage}: {cls}: {msg}"}
             for sid, stage, cls, msg in summary.failures]
    create_table_artifact(rows, key="ingest-summary",
                          description=f"Archive version {summary.archive_version}")


def run_ingest(registry: str, store: str | None = None, max_workers: int = 4,
               progress: ProgressCallback | None = None, runner: str = "thread",
               address: str | None = None, force_version: bool = False) -> RunSummary:
    """Run the flow with ``max_workers`` threads, or on a Dask cluster (``runner="dask"``).

    Dask: ``address`` (``tcp://host:port``) names a running scheduler, checked before the flow
    starts (see :func:`check_scheduler`); without it a local cluster of one worker process
    running ``max_workers`` threads is started for the run. Prefect's settings of this
    process, ``PREFECT_API_URL`` among them, travel with each task and override the workers' own.
    """
    token = progress_listener.set(progress)
    try:
        with stop_on_signals():
            # Before the shared local API is set up: Dask workers need a server they can reach,
            # which the caller must name, and a local one must not pass that check.
            task_runner = make_task_runner(runner, max_workers, address)
            with local_api():
                return ingest.with_options(task_runner=task_runner)(registry, store,
                                                                    max_workers, force_version)
    finally:
        progress_listener.reset(token)


class RunInterrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM stopped the run; nothing of it was committed. ``status`` is the exit
    status a command should end with: 128 + the signal number."""

    def __init__(self, message: str, status: int = 128 + signal.SIGINT) -> None:
        super().__init__(message)
        self.status = status


stopping = threading.Event()
"""Set by SIGINT or SIGTERM during :func:`run_ingest`; checked before each source and before
the commit (tasks run in other threads, where no KeyboardInterrupt arrives)."""


def _stop_requested() -> bool:
    """Whether a signal asked this process to stop. Dask pickles the flow's and ingest_batch's
    functions by value (their module names are the Flow and the Task), so both read
    ``stopping`` through this function, which pickles by reference: an Event holds a lock and
    cannot be pickled."""
    return stopping.is_set()


INTERRUPT_GRACE_S = 3.0
"""After a signal the run has this long to report its crash to Prefect and return; then the
process exits with 128 + the signal number. A source stuck in a network read or an extractor
does not stop when asked (each is bounded only by its own long time limit), and leaving
without it is safe: nothing reaches the archive before the run's single commit, and raw
bytes are only ever renamed into place whole."""


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into :class:`RunInterrupted` in the main thread, promptly.

    Outside the main thread (where Python cannot install handlers) this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopping.clear()

    def interrupt(signum: int, frame: object) -> None:
        first = not stopping.is_set()
        stopping.set()
        if first:
            timer = threading.Timer(INTERRUPT_GRACE_S, _leave, args=(128 + signum,))
            timer.daemon = True
            timer.start()
        raise RunInterrupted(f"{signal.Signals(signum).name}: the run was stopped", 128 + signum)

    previous = {s: signal.signal(s, interrupt) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _leave(status: int) -> None:
    """Exit now: the grace after a signal is over and the run has not returned."""
    sys.stderr.write("interrupted: the run stopped without committing anything\n")
    sys.stderr.flush()
    os._exit(status)


def make_task_runner(runner: str, max_workers: int,
                     address: str | None = None) -> TaskRunner[Any]:
    """The Prefect task runner for ``thread`` or ``dask``."""
    if runner == "thread":
        return ThreadPoolTaskRunner(max_workers=max_workers)
    if runner != "dask":
        raise PipelineError(f"unknown runner {runner!r}: use thread or dask")
    require_api_server()
    from prefect_dask.task_runners import DaskTaskRunner

    if address:
        check_scheduler(address)
        return DaskTaskRunner(address=address)
    # One worker process (spawned: deltalake must not be forked) running a task per thread:
    # each thread extracts in its own extraction process, where a document's CPU goes, so a
    # Dask worker process per thread would only add its imports and a batch's documents
    # (about 200 MB each; 10,000-record WARC). Dashboard on a free port so two runs on one
    # machine do not clash on 8787.
    return DaskTaskRunner(cluster_kwargs={"n_workers": 1, "threads_per_worker": max_workers,
                                          "processes": True, "dashboard_address": ":0"})


def check_scheduler(address: str) -> int:
    """The number of workers of the Dask scheduler at ``address``, or a PipelineError that says
    what is wrong within :data:`SCHEDULER_WAIT_S` (waits that long for a first worker)."""
    from distributed.comm.addressing import get_address_host_port

    try:
        host, port = get_address_host_port(address)
    except ValueError as exc:
        raise PipelineError(f"--address {address!r} is not a Dask scheduler address "
                            f"like tcp://HOST:8786: {exc}") from None
    try:  # a closed port is refused at once, where Dask's own connect retries until its timeout
        socket.create_connection((host, port), timeout=SCHEDULER_WAIT_S).close()
    except OSError as exc:
        raise PipelineError(
            f"cannot reach a Dask scheduler at {address}: {exc.strerror or exc}. Check "
            "--address, or start the scheduler and its workers as docs/scale-out.md shows"
        ) from None
    identity: dict[str, Any] = {}
    try:
        return asyncio.run(asyncio.wait_for(_wait_for_workers(address, identity),
                                            SCHEDULER_WAIT_S))
    except (OSError, TimeoutError) as exc:
        if not identity:
            raise PipelineError(f"{address} does not answer as a Dask scheduler within "
                                f"{SCHEDULER_WAIT_S:g} s ({str(exc) or 'no reply'})") from None
        raise PipelineError(f"the Dask scheduler at {address} has no workers after "
                            f"{SCHEDULER_WAIT_S:g} s: start some with `dask worker {address} "
                            "--nthreads 1`") from None


async def _wait_for_workers(address: str, identity: dict[str, Any]) -> int:
    """Ask the scheduler who it is until a worker has joined; ``identity`` keeps the answer."""
    from distributed.core import rpc

    async with rpc(address) as scheduler:
        while True:
            identity.update(await scheduler.identity())
            if identity["workers"]:
                return len(identity["workers"])
            await asyncio.sleep(0.25)


def require_api_server() -> None:
    """Refuse Dask without a real Prefect server: each worker would start its own."""
    from prefect.settings import PREFECT_API_URL

    if not (PREFECT_API_URL.value() or "").startswith("http"):
        raise PipelineError(
            "--runner dask needs a running Prefect server that every Dask worker can reach "
            "(with Prefect's temporary server each worker starts its own and the run fails): "
            "start one with `prefect server start --host 0.0.0.0 --port 4200` and set "
            "PREFECT_API_URL=http://HOST:4200/api where the run starts (each task takes that "
            "URL to its worker: HOST must be a name the workers reach the server by); see "
            "docs/scale-out.md")


if __name__ == "__main__":
    result = run_ingest(sys.argv[1], sys.argv[3] if len(sys.argv) > 3 else None)
    print(f"archive version {result.archive_version}: {result.outcomes}")
    sys.exit(0 if result.ok else 1)
