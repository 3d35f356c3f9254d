"""Archivist: an archival ingestion pipeline with provenance.

Stages, in the order data flows: ``capture`` -> ``extract`` -> ``clean`` -> ``segment`` ->
``archive`` -> ``audit``. Nothing here imports Prefect; ``flows/`` wires these functions into
Prefect tasks and flows.
"""

import ctypes
import gc
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import IO

__version__ = "0.1.0"
STORE_ENV = "ARCHIVIST_STORE"
"""The environment variable naming the store when ``--store`` is not given (here, not in
``pipeline.store``: ``archivist extract`` names no store and imports none)."""

# Arrow's buffers from the C library's malloc, not Arrow's default mimalloc, which kept the
# pages of every batch a long ingest linked, spilled and let go: in a 2,000-record WARC's run
# one 1 GB mimalloc reservation grew by 146 MB over 10 spills while Arrow counted 0 bytes in
# use; with malloc the process stayed flat (the heap trimmed after each spill).
# Read once, when Arrow first allocates: so here, before anything imports pyarrow. A value
# the user set wins.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")


@contextmanager
def not_installed(name: str) -> Iterator[None]:
    """Within the block, imports made by this thread find no module ``name``: for an optional
    dependency that a library loads eagerly and Archivist never uses. Other threads, and this
    one after the block, import it as usual; a module already imported is not hidden."""
    import importlib.abc  # here: importlib.resources with it, 0.01 s of every process start

    thread = threading.get_ident()

    class Hide(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname: str, path: Sequence[str] | None,
                      target: ModuleType | None = None) -> ModuleSpec | None:
            if fullname == name and threading.get_ident() == thread:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    hide = Hide()
    sys.meta_path.insert(0, hide)
    try:
        yield
    finally:
        sys.meta_path.remove(hide)


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Within the block, Python's cycle collector does not run: for code that makes many
    objects that form no cycles (a row per source of a large archive), which the collector
    would otherwise walk again and again as they pile up (a quarter of the time of making
    100,000 source statuses). Reference counting still frees everything; the collector runs
    as usual after the block."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def user_cache() -> Path:
    """Where Archivist keeps files it derives for this user (``$XDG_CACHE_HOME/archivist``):
    nothing in it is archive data, and deleting it only costs the time to make it again."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "archivist"


def cached_copy(name: str, source: Path, suffix: str) -> Path:
    """Where the user's cache keeps a file derived from the installed file ``source``:
    ``<name>-<source's size>-<its time><suffix>``, so an upgraded or second install gets its
    own copy (made with :func:`write_whole` and ``source``, which clears the stale ones)."""
    stat = source.stat()
    return user_cache() / f"{name}-{stat.st_size}-{stat.st_mtime_ns}{suffix}"


def write_whole(target: Path, write: Callable[[IO[bytes]], object],
                source: Path | None = None) -> None:
    """Make a file of the user's cache whole or not at all: ``write`` fills a temporary file
    beside it, which is then renamed, so another process reads the whole file or none.

    ``source`` is the installed file the copy is derived from (a wheel's model, a word list).
    The copy is recorded as made from it, and copies whose sources have since been replaced
    or removed are deleted: every install or upgrade names its copies afresh, and without
    this each left its own behind (125 MB for the language model alone)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if source is not None:  # before the copy exists, so no copy is ever seen without it
        stat = source.stat()
        made_from = {"source": str(source.resolve()), "size": stat.st_size,
                     "mtime_ns": stat.st_mtime_ns}
        write_whole(_made_from_path(target), lambda out: out.write(json.dumps(made_from).encode()))
    import tempfile  # here, as only a cache's first use writes

    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".part", delete=False) as out:
        try:
            write(out)
            out.close()
            os.replace(out.name, target)
        except BaseException:
            os.unlink(out.name)
            raise
    if source is not None:
        _delete_stale_copies(target.parent)


def _made_from_path(copy: Path) -> Path:
    return copy.with_name(copy.name + ".source")


def _delete_stale_copies(folder: Path) -> None:
    """Delete the copies in ``folder`` whose recorded source is gone or changed, and those
    made before sources were recorded. Folders (the browse indexes) and files being written
    (``.part``) are left alone; a copy another process still has mapped stays readable to
    it (the system frees it when the last user closes it)."""
    for path in folder.iterdir():
        if path.suffix in (".source", ".part") or not path.is_file():
            continue
        try:
            made_from = json.loads(_made_from_path(path).read_text(encoding="utf-8"))
            stat = os.stat(made_from["source"])
            if (stat.st_size, stat.st_mtime_ns) == (made_from["size"], made_from["mtime_ns"]):
                continue
        except FileNotFoundError:  # no record (an older copy), or the source is gone
            pass
        except (OSError, ValueError, KeyError, TypeError):  # unreadable: not ours to judge
            continue
        path.unlink(missing_ok=True)
        _made_from_path(path).unlink(missing_ok=True)


LIBC = ctypes.CDLL(None, use_errno=True)
"""The C library the interpreter runs on, opened once for every call Archivist makes into it
(malloc_trim and mallopt here, syncfs in the store, prctl in extraction workers)."""
_MALLOC_TRIM = getattr(LIBC, "malloc_trim", None)
"""glibc's malloc_trim, or None where the C library has none (macOS, musl)."""
_MALLOPT = getattr(LIBC, "mallopt", None)
_M_ARENA_MAX = -8  # from glibc's <malloc.h>
MALLOC_ARENAS = 2
"""glibc gives threads heaps of their own (up to 8 a core) and keeps what each freed: a run's
flow thread, batch threads and Arrow's pool threads spread a spilled batch's garbage over
several. Two, set here before any of them starts (as ``MALLOC_ARENA_MAX=2`` would; a value
the user set wins): a 2,000-record WARC's run peaked at 507 instead of 534 MB, same load."""
if _MALLOPT is not None and "MALLOC_ARENA_MAX" not in os.environ:
    _MALLOPT(_M_ARENA_MAX, MALLOC_ARENAS)


def release_freed_memory() -> None:
    """Hand heap pages freed by a finished unit of work (a spilled batch, an OCR'd page) back
    to the system. glibc keeps them for reuse, spread over its per-thread arenas, and a long
    run grew by them: a 4,000-record WARC's run kept 35-45 MB more at every spill, and a
    57-page scan drifted from about 850 to 1,200 MB resident while its live memory stayed
    flat (trimmed: 260-540 MB throughout)."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
