"""Extraction in a reusable worker process: bytes, capture and options in, an Extraction out
(or what a step given by the caller makes of it there).

    caller --(data, capture, options, then)--> worker --(then(Extraction) or error)--> caller

``then`` is a function the worker applies to the extraction before answering (the ingest
cleans and segments the document and makes its passages' lineage keys there,
``pipeline.rows.derive``),
so that per-document work runs in the workers, in parallel, not in the caller's process,
whose one interpreter lock every thread of a run shares. It travels by reference (a function
of a module, or a ``functools.partial`` of one); the worker imports its module.

Each calling thread has one long-lived worker, started on first use and reused for every
document after that. A worker imports an extractor when its first document of that kind comes
(a folder of web pages never loads the PDF and OCR stacks), before that document's clock
starts. Per document:

- memory: the worker caps its address space (``RLIMIT_AS``) at ``max_memory_mb``, so a runaway
  parse gets MemoryError, which comes back as :class:`LimitExceeded`; that worker is replaced,
  as is one still holding over half the limit after a document.
- time: the caller waits ``max_seconds`` plus ``DEADLINE_GRACE_S``, then kills the worker, so a
  parser stuck in C code stops instead of running on in the background.
- crashes: a worker that dies (a segfault in a parser, the kernel's out-of-memory killer) is
  :class:`ExtractorCrashed` for that document; the next document gets a new worker.

Workers are fresh interpreters started with :mod:`subprocess` rather than :mod:`multiprocessing`:
Dask worker processes are daemonic and multiprocessing refuses to start children there; a fresh
interpreter does not re-import the caller's ``__main__`` and inherits no forked state (deltalake
must not be forked). Within :func:`forking_workers` (the ``extract`` command), a process with one
thread and no deltalake instead imports the extractor itself and forks the worker: one
interpreter's start instead of two. Requests and answers are pickled over two pipes.
"""

from __future__ import annotations

import gc
import os
import resource
import signal
import subprocess
import sys
import threading
import time
import traceback
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar, cast

from pipeline import LIBC, release_freed_memory
from pipeline.errors import ExtractError, ExtractorCrashed, LimitExceeded
from pipeline.extract.dispatch import extract_in_process, extractor_for
from pipeline.model import Capture, Extraction, ExtractOptions, Kind

DEADLINE_GRACE_S = 5.0
"""Extra time before the caller kills a worker, so an extractor's own check between pages
(with its precise message) normally fires first."""
START_TIMEOUT_S = 120.0
"""A new worker must have started, and a worker imported an extractor, by then (about 0.6 s
for all of them on an idle machine; generous because a loaded 2-core machine has taken many
times that)."""
STOP_TIMEOUT_S = 5.0
"""An idle worker exits as soon as its request pipe closes; one that does not is killed."""
READY = "ready"
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
"""The folder holding ``pipeline/``: workers import the very package their caller uses."""
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
TRIM_SLACK_MB = 8
_LANGUAGE_PACKAGE = "py3langid"
"""The language model's package, which a worker keeps out while it imports extractors."""
"""Freed heap a worker may keep between documents before it hands it back to the system."""

T = TypeVar("T")
Then = Callable[[Extraction], T]
"""What the worker makes of an extraction before answering (``dispatch.as_extracted``:
nothing)."""

_forking = False
"""Whether new workers are forked from this process: see :func:`forking_workers`."""
_workers = threading.local()
_started: weakref.WeakSet[Worker] = weakref.WeakSet()
"""Every worker this process started, whichever thread uses it, for :func:`stop_idle_workers`."""


def run_isolated(data: bytes, capture: Capture, options: ExtractOptions, then: Then[T]) -> T:
    """Extract in this thread's worker process, starting (or replacing) it as needed, and
    return ``then`` of the extraction, applied there (its errors are raised here)."""
    while True:
        worker: Worker | None = getattr(_workers, "current", None)
        if worker is None or not worker.alive():
            worker = _workers.current = Worker(capture.kind)
        with worker.busy:
            if worker.alive():  # not stopped by stop_idle_workers since the check above
                return worker.extract(data, capture, options, then)


@contextmanager
def forking_workers() -> Iterator[None]:
    """Within the block, a worker this process starts is forked from it, with the extractor
    its first document needs imported here first, if the process may fork (one thread, no
    deltalake: :func:`_may_fork`); otherwise it is a fresh interpreter as usual. For the
    ``extract`` command: a fresh worker's start repeated much of the command's own (forking
    saves 2.6% of the instructions of a folder of 91 web pages). The worker forked keeps
    every limit and check of a fresh one."""
    global _forking
    before, _forking = _forking, True
    try:
        yield
    finally:
        _forking = before


def _may_fork() -> bool:
    """Forking copies only the calling thread, so a process running others (numpy's OpenBLAS
    pool counts: ``/proc`` lists every thread) would hand the worker locks held by threads
    that are not there; deltalake's runtime must not be forked at all."""
    if not _forking or "deltalake" in sys.modules:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # not Linux
        return False


def stop_idle_workers() -> int:
    """Stop this process's workers that are not extracting a document now, and say how many.
    A worker holds about 100 MB; an ingest stops them before it links and commits, which need
    the memory, and a thread that extracts again later starts a new one."""
    stopped = 0
    for worker in list(_started):
        if worker.busy.acquire(blocking=False):
            try:
                if worker.alive():
                    worker.stop()
                    stopped += 1
            finally:
                worker.busy.release()
    return stopped


class Worker:
    """One extraction process and the two pipes to it."""

    def __init__(self, kind: Kind | None = None) -> None:
        """A worker, forked with ``kind``'s extractor imported where :func:`_may_fork`."""
        self._loaded: set[Kind] = set()
        child_reads, parent_writes = os.pipe()
        parent_reads, child_writes = os.pipe()
        self._owner = os.getpid()
        self._process: subprocess.Popen[bytes] | _Forked
        if kind is not None and _may_fork() and (forked := _fork(
                kind, child_reads, child_writes, (parent_reads, parent_writes))) is not None:
            self._process = forked
            self._loaded.add(kind)
        else:
            path = os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))
            self._process = subprocess.Popen(
                [sys.executable, "-c",  # serve() turns the collector back on: _settle_imports
                 "import gc; gc.disable(); from pipeline.extract.isolate import serve; serve()",
                 str(child_reads), str(child_writes)],
                pass_fds=(child_reads, child_writes), stdin=subprocess.DEVNULL,
                env={**os.environ, "PYTHONPATH": path})
        os.close(child_reads)
        os.close(child_writes)
        self._requests = Connection(parent_writes, readable=False)
        self._replies = Connection(parent_reads, writable=False)
        self._stop = weakref.finalize(self, _stop, self._process, self._requests, self._replies)
        self.busy = threading.Lock()
        """Held while a document is extracted, so that :func:`stop_idle_workers` skips it."""
        self._wait_ready("start")
        _started.add(self)

    def stop(self) -> None:
        """Close the pipes and reap the process (an idle worker exits by itself)."""
        self._stop()

    def _wait_ready(self, step: str) -> None:
        try:
            ready = self._replies.poll(START_TIMEOUT_S) and self._replies.recv() == READY
        except (OSError, EOFError):
            ready = False
        if not ready:
            self._stop()
            raise ExtractorCrashed(f"the extraction worker process did not {step} (its error, "
                                   "if any, is on stderr); check that the environment can run "
                                   f"{sys.executable} -c 'import pipeline.extract'")

    def alive(self) -> bool:
        """Running, and this process started it (a forked copy must not share its pipes)."""
        return (os.getpid() == self._owner and self._stop.alive
                and self._process.poll() is None)

    def extract(self, data: bytes, capture: Capture, options: ExtractOptions,
                then: Then[T]) -> T:
        """Send one document, wait for its answer within the time limit, raise its error."""
        kind = capture.kind
        if kind is not None and kind not in self._loaded:
            try:
                self._requests.send(kind)
            except OSError:
                raise self._crashed(capture) from None
            self._wait_ready(f"load the {kind} extractor")
            self._loaded.add(kind)
        try:
            answer, reusable = self._ask(data, capture, options, then)
        except BaseException:  # timed out, crashed or interrupted: this worker cannot go on
            self._process.kill()
            self._stop()
            raise
        if not reusable:
            self._stop()
        if isinstance(answer, Exception):
            raise answer
        return answer

    def _ask(self, data: bytes, capture: Capture, options: ExtractOptions, then: Then[T]
             ) -> tuple[T | Exception, bool]:
        budget = options.max_seconds + DEADLINE_GRACE_S
        try:
            self._requests.send((data, capture, options, then))
            if not self._replies.poll(budget):
                raise LimitExceeded(f"{capture.uri}: extraction did not finish within "
                                    f"{budget:g} s and was stopped; raise max_seconds "
                                    "([settings.extract] in the registry) if the document is "
                                    "simply large", source_id=capture.source_id)
            answer: tuple[T | Exception, bool] = self._replies.recv()
            return answer
        except (OSError, EOFError):  # the worker died, before the request or while working
            raise self._crashed(capture) from None

    def _crashed(self, capture: Capture) -> ExtractorCrashed:
        try:
            code = self._process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            code = None
        self._stop()
        if code is None:
            how = "stopped answering"
        elif code < 0:
            how = f"was killed by signal {-code} ({signal.strsignal(-code)})"
        else:
            how = f"exited with status {code}"
        return ExtractorCrashed(
            f"{capture.uri}: the {capture.kind} extractor's worker process {how} while reading "
            "it (a crash inside a parser, or the system's out-of-memory killer); the document "
            "was not extracted, and the next one gets a new worker", source_id=capture.source_id)


class _Forked:
    """A forked worker's process, with the part of :class:`subprocess.Popen` a Worker uses."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """The exit code (negative: the signal), or TimeoutExpired after ``timeout`` s."""
        if timeout is None:
            if self.returncode is None:
                self.returncode = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
            return self.returncode
        deadline = time.monotonic() + timeout
        delay = 0.0005
        while (code := self.poll()) is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired(f"extraction worker {self.pid}", timeout)
            time.sleep(min(delay, left))
            delay = min(delay * 2, 0.05)
        return code

    def kill(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)


def _fork(kind: Kind, reads: int, writes: int, parents: tuple[int, int]) -> _Forked | None:
    """Import ``kind``'s extractor here, then fork a worker serving the pipes ``reads`` and
    ``writes`` (``parents``: this process's ends, which the worker closes). None if the
    import fails: a fresh worker then fails to load it, with the usual error."""
    collecting = gc.isenabled()
    gc.disable()
    # the language model kept out while the extractor is imported (see serve), and only then,
    # so that this process can still guess languages
    blocked = _LANGUAGE_PACKAGE not in sys.modules
    if blocked:
        _keep_out_language_model()
    try:
        extractor_for(kind)
    except Exception:
        return None
    finally:
        if blocked:
            del sys.modules[_LANGUAGE_PACKAGE]
        if collecting:
            gc.enable()
    # The imports' cycles freed, then everything frozen: neither process's collections walk
    # it again, and the worker's do not write to the pages it shares with this process.
    gc.collect()
    gc.freeze()
    for stream in (sys.stdout, sys.stderr):  # else the worker would write its copy too
        stream.flush()
    pid = os.fork()
    if pid:
        return _Forked(pid)
    code = 1
    try:
        for fd in parents:
            os.close(fd)
        nothing = os.open(os.devnull, os.O_RDONLY)
        os.dup2(nothing, 0)
        os.close(nothing)
        _keep_out_language_model()
        _serve(Connection(reads, writable=False), Connection(writes, readable=False))
        code = 0
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        os._exit(code)  # never the caller's code after the fork, nor its exit handlers


def _stop(process: subprocess.Popen[bytes] | _Forked, *pipes: Connection) -> None:
    """Close the pipes (an idle worker then exits by itself) and reap the process."""
    for pipe in pipes:
        pipe.close()
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# -- the worker's side -------------------------------------------------------------------------

def serve() -> None:
    """A fresh worker interpreter's entry: its arguments are its pipes' descriptors."""
    _keep_out_language_model()
    _serve(Connection(int(sys.argv[1]), writable=False),
           Connection(int(sys.argv[2]), readable=False))


def _serve(requests: Connection, replies: Connection) -> None:
    """The worker's loop: answer requests until the pipe closes. A request is a kind, whose
    extractor to import (so that imports do not count against a document's time), or a
    document."""
    _settle_imports()
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle
    replies.send(READY)
    trimmed = _resident_bytes() or 0
    while True:
        try:
            request = requests.recv()
        except EOFError:  # the caller closed the pipe or is gone
            return
        if isinstance(request, str):
            _load(cast(Kind, request))
            replies.send(READY)
            continue
        data, capture, options, then = request
        del request
        _cap_memory(options.max_memory_mb)
        answer, reusable = _answer(data, capture, options, then)
        del data
        reusable = reusable and not _holds_half_of(options.max_memory_mb)
        _cap_memory(None)  # the answer and the next request may need more than this limit
        _send(replies, answer, reusable, capture)
        del answer
        # A parse's freed heap stays with the worker until trimmed (0.1-8 ms): 20-30 MB held
        # for the rest of the run by each worker on pages and PDFs of a crawl. Trimmed once
        # the worker holds TRIM_SLACK_MB more than after its last trim, not after every
        # document: each trim's pages are faulted in again by the next parse (5% of a web
        # page's time in the worker).
        resident = _resident_bytes()
        if resident is None or resident > trimmed + TRIM_SLACK_MB * 2**20:
            release_freed_memory()
            trimmed = _resident_bytes() or 0


def _load(kind: Kind) -> None:
    """Import ``kind``'s extractor with the cyclic collector paused, then settle."""
    gc.disable()
    extractor_for(kind)
    _settle_imports()


def _settle_imports() -> None:
    """The collector back on after imports made with it paused (the worker starts with it off):
    importing an extractor makes tens of thousands of tracked objects that live as long as the
    worker, and every collection during the imports walked all those made so far (7% of the
    worker's start). One collection frees the imports' own cycles; the rest are frozen, so
    that no collection while extracting walks them again either."""
    gc.collect()
    gc.freeze()
    gc.enable()


def _send(replies: Connection, answer: object, reusable: bool, capture: Capture) -> None:
    try:
        replies.send((answer, reusable))
    except Exception as exc:  # pickling failed before any byte was written
        replies.send((ExtractError(f"{capture.uri}: the extraction could not be handed back "
                                   f"from its worker process: {type(exc).__name__}: {exc}",
                                   source_id=capture.source_id), False))


def _keep_out_language_model() -> None:
    """trafilatura imports py3langid (and its model) for a language filter no extractor calls;
    languages are guessed outside the worker (but for :func:`as_caller`'s work). A None entry
    makes that import fail, which trafilatura expects (py3langid is optional there); a package
    already imported stays."""
    sys.modules.setdefault(_LANGUAGE_PACKAGE, None)  # type: ignore[arg-type]


def as_caller() -> None:
    """For a worker's ``then`` doing what its caller used to do itself
    (``rows.extract_file_then``: the language model and the rows): for the rest of its
    document no memory limit, as in the caller, and the language model importable."""
    _cap_memory(None)
    if _LANGUAGE_PACKAGE in sys.modules and sys.modules[_LANGUAGE_PACKAGE] is None:
        del sys.modules[_LANGUAGE_PACKAGE]


def _cap_memory(max_memory_mb: int | None) -> None:
    """Limit this process's address space for the next document (no limit for 0 or None)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = max_memory_mb * 2**20 if max_memory_mb else hard
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _resident_bytes() -> int | None:
    """This process's resident memory; None where ``/proc`` cannot tell (not Linux)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize()
    except OSError:
        return None


def _holds_half_of(max_memory_mb: int | None) -> bool:
    """Whether this worker's address space is over half the limit after a document: memory an
    interpreter has freed is not always returned to the system, and a new worker gives the next
    document the whole limit. Linux only: it reads ``/proc``."""
    if not max_memory_mb:
        return False
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except OSError:
        return False
    return pages * resource.getpagesize() > max_memory_mb * 2**19


def _out_of_memory(error: BaseException) -> bool:
    """Whether a MemoryError is behind ``error`` (parsers often wrap it in their own errors)."""
    seen: BaseException | None = error
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, MemoryError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _answer(data: bytes, capture: Capture, options: ExtractOptions, then: Then[T]
            ) -> tuple[T | Exception, bool]:
    """``then`` of the extraction, or the error, and whether this worker may take the next
    document (not after MemoryError: an allocation may have failed half-way through a
    parser's state). The extractor's errors are PipelineErrors already; an error of ``then``
    goes back as it is, to be raised by the caller as if ``then`` had run there."""
    limit = options.max_memory_mb or 0
    try:
        return then(extract_in_process(data, capture, options)), True
    except Exception as error:
        if not _out_of_memory(error):
            return error, True
        if not limit:
            return error, False
    return LimitExceeded(f"{capture.uri}: extraction needed more than the {limit:,} MB memory "
                         "limit; raise max_memory_mb ([settings.extract] in the registry) if "
                         "the document is genuine", source_id=capture.source_id), False


def _die_with_parent() -> None:
    """On Linux the kernel kills this worker when the thread that started it ends, so a parser
    stuck in C code does not outlive a caller that was itself killed mid-document."""
    if sys.platform.startswith("linux"):
        LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
