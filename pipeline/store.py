"""The store: one root holding the raw layer (``raw/``) and the archive (``curated/``).

The root is a local folder or an S3-compatible prefix (``s3://bucket/prefix``). Raw bytes are
content-addressed: ``raw/sha256/ab/abcdef…`` holds exactly the bytes whose SHA-256 is
``abcdef…``; an existing blob is never rewritten.

Locally a file is written to a temporary file under ``raw/.incoming/``, fsynced, and renamed
into place, so a crash leaves either the whole file or nothing at its final name. On S3 a PUT
(single or multipart) becomes visible only once complete, which gives the same guarantee.
S3 settings come from the environment (``AWS_ENDPOINT_URL``, ``AWS_ALLOW_HTTP``,
``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``, ``AWS_REGION``), the
names both pyarrow's and deltalake's S3 clients understand.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath
from typing import TYPE_CHECKING

from pipeline import LIBC, STORE_ENV

if TYPE_CHECKING:  # imported where used: pyarrow costs 0.15 s of every command's start
    from pyarrow import fs

S3_PREFIX = "s3://"
INCOMING = ".incoming"
"""Folder under ``raw/`` for files being written; never listed as blobs."""
COPY_CHUNK = 1 << 20
_S3_ENV = ("AWS_ENDPOINT_URL", "AWS_ALLOW_HTTP", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
           "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION")


@dataclass(frozen=True, slots=True)
class Store:
    root: PurePath
    """A local absolute ``Path``, or ``PurePosixPath("bucket/prefix")`` for an S3 store."""
    remote: bool = False

    @classmethod
    def at(cls, root: str | Path | None = None) -> Store:
        """The store at ``root``, else ``$ARCHIVIST_STORE``, else the current directory.

        ``s3://bucket/prefix`` selects an S3-compatible object store.
        """
        chosen = str(root or os.environ.get(STORE_ENV) or ".")
        if chosen.startswith(S3_PREFIX):
            return cls(PurePosixPath(chosen.removeprefix(S3_PREFIX).strip("/")), remote=True)
        return cls(Path(chosen).expanduser().resolve())

    def __str__(self) -> str:
        return self.uri(self.root)

    @property
    def raw(self) -> PurePath:
        return self.root / "raw"

    @property
    def curated(self) -> PurePath:
        return self.root / "curated"

    @property
    def warc(self) -> PurePath:
        return self.raw / "warc"

    # -- addressing ----------------------------------------------------------------------

    def uri(self, path: PurePath) -> str:
        """What deltalake and people are given for ``path``: a local path or ``s3://…``."""
        return f"{S3_PREFIX}{path}" if self.remote else str(path)

    @property
    def storage_options(self) -> dict[str, str] | None:
        """deltalake ``storage_options`` for an S3 store, from the environment."""
        if not self.remote:
            return None
        return {name: os.environ[name] for name in _S3_ENV if os.environ.get(name)}

    def filesystem(self) -> fs.FileSystem:
        from pyarrow import fs

        return _s3_filesystem() if self.remote else fs.LocalFileSystem()

    # -- blobs ---------------------------------------------------------------------------

    def blob_path(self, sha256: str) -> PurePath:
        return self.raw / "sha256" / sha256[:2] / sha256

    def put_blob(self, data: bytes) -> str:
        """Store ``data`` under its SHA-256 and return the hex digest."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.blob_path(sha256)
        if not self.exists(target):
            self.put_file(target, data)
        return sha256

    @contextmanager
    def blob_batch(self) -> Iterator[BlobBatch]:
        """Blobs put in the body are in place when it ends (see :class:`BlobBatch`); if it
        raises, the ones not yet in place are left out."""
        batch = BlobBatch(self)
        try:
            yield batch
        except BaseException:
            batch.drop()
            raise
        batch.flush()

    def read_blob(self, sha256: str) -> bytes:
        return self.read_file(self.blob_path(sha256))

    def has_blob(self, sha256: str) -> bool:
        return self.exists(self.blob_path(sha256))

    def blobs(self) -> list[PurePath]:
        """Every file under ``raw/sha256`` (including ones that should not be there)."""
        return self.files(self.raw / "sha256")

    # -- files ---------------------------------------------------------------------------

    def put_file(self, target: PurePath, data: bytes) -> None:
        """Write ``data`` at ``target`` so that readers see all of it or none of it."""
        if not self.remote:
            atomic_write(Path(target), data, staging=Path(self.raw) / INCOMING)
            return
        with _s3_filesystem().open_output_stream(str(target)) as out:
            out.write(data)

    def copy_in(self, source: Path, target: PurePath) -> None:
        """Copy a local file of any size to ``target`` in chunks, with :meth:`put_file`'s
        all-or-nothing guarantee (a WARC kept in raw/ can be many gigabytes)."""
        if self.remote:
            with open(source, "rb") as handle, \
                    _s3_filesystem().open_output_stream(str(target)) as out:
                for chunk in iter(lambda: handle.read(COPY_CHUNK), b""):
                    out.write(chunk)
            return
        staging = Path(self.raw) / INCOMING
        staging.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=staging, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out, open(source, "rb") as handle:
                for chunk in iter(lambda: handle.read(COPY_CHUNK), b""):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(Path(target).parent)

    def read_file(self, path: PurePath) -> bytes:
        if not self.remote:
            return Path(path).read_bytes()
        with _s3_filesystem().open_input_stream(str(path)) as stream:
            data: bytes = stream.read()
            return data

    def exists(self, path: PurePath) -> bool:
        if not self.remote:
            return Path(path).exists()
        from pyarrow import fs

        return bool(_s3_filesystem().get_file_info(str(path)).type != fs.FileType.NotFound)

    def files(self, under: PurePath) -> list[PurePath]:
        """Every file below ``under``, sorted; empty when it does not exist."""
        if not self.remote:
            base = Path(under)
            return sorted(p for p in base.rglob("*") if p.is_file()) if base.exists() else []
        from pyarrow import fs

        selector = fs.FileSelector(str(under), recursive=True, allow_not_found=True)
        infos = _s3_filesystem().get_file_info(selector)
        return sorted(PurePosixPath(i.path) for i in infos if i.type == fs.FileType.File)


def _s3_filesystem() -> fs.S3FileSystem:
    """pyarrow's S3 client configured like deltalake's, from the same environment variables;
    one client per setting, reused."""
    return _s3_client(tuple(os.environ.get(name) for name in _S3_ENV))


@functools.lru_cache(maxsize=4)
def _s3_client(settings: tuple[str | None, ...]) -> fs.S3FileSystem:
    """The client for these values of :data:`_S3_ENV`. Delayed open: a blob is then written
    with one PUT instead of a three-request multipart upload (an error shows when the stream
    closes, which ``put_file`` waits for). 150 blobs put and read back on moto, alternating,
    load 19: 2.9-3.3 s against 4.4-5.4 s with a new client per call and no delayed open."""
    from pyarrow import fs

    env = dict(zip(_S3_ENV, settings, strict=True))
    endpoint = env["AWS_ENDPOINT_URL"]
    scheme = "http" if endpoint and endpoint.startswith("http://") else "https"
    return fs.S3FileSystem(
        endpoint_override=endpoint.split("://", 1)[-1] if endpoint else None, scheme=scheme,
        access_key=env["AWS_ACCESS_KEY_ID"], secret_key=env["AWS_SECRET_ACCESS_KEY"],
        session_token=env["AWS_SESSION_TOKEN"],
        region=env["AWS_REGION"] or env["AWS_DEFAULT_REGION"], allow_delayed_open=True)


def atomic_write(target: Path, data: bytes, staging: Path | None = None) -> None:
    """Write ``data`` to ``target`` so that readers see all of it or none of it.

    The temporary file lives in ``staging`` (same file system; default: beside ``target``) so
    that a crash mid-write leaves nothing under the target's name.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = staging or target.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


_SYNCFS = getattr(LIBC, "syncfs", None)
"""Linux's syncfs(2): flush one file system; None elsewhere."""
BLOB_BATCH = 256
"""Blobs a :class:`BlobBatch` writes before it syncs and names them."""


class BlobBatch:
    """Many blobs with one file-system sync for all their data, then their names, instead of
    two fsyncs each (the file, its folder), for a web archive's thousands of payloads: those
    were 37 of the 49 s reading a 10,000-record WARC took (16 s with batches). Each is written to
    ``raw/.incoming/`` unsynced; every :data:`BLOB_BATCH` blobs, and at the end, the file
    system is synced, the files renamed into place, and synced again, so a blob's name still
    only ever holds its whole bytes, as with :meth:`Store.put_blob`. On S3, or without
    syncfs, each blob is put as :meth:`Store.put_blob` puts it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pending: dict[str, tuple[Path, Path]] = {}
        """sha256 -> (its unsynced temporary file, its final name)"""

    def put(self, data: bytes) -> str:
        """Store ``data`` under its SHA-256 (in place once the batch is flushed); the digest."""
        if self.store.remote or _SYNCFS is None:
            return self.store.put_blob(data)
        sha256 = hashlib.sha256(data).hexdigest()
        target = Path(self.store.blob_path(sha256))
        if sha256 in self.pending or target.exists():
            return sha256
        staging = Path(self.store.raw) / INCOMING
        staging.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=staging, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.pending[sha256] = (Path(tmp), target)
        if len(self.pending) >= BLOB_BATCH:
            self.flush()
        return sha256

    def flush(self) -> None:
        """Sync the pending blobs' bytes, give them their names, sync the names."""
        if not self.pending:
            return
        staging = Path(self.store.raw) / INCOMING
        _sync_file_system(staging)
        for tmp, target in self.pending.values():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
        _sync_file_system(staging)
        self.pending.clear()

    def drop(self) -> None:
        """Remove the pending blobs' temporary files: they never get their names."""
        for tmp, _ in self.pending.values():
            tmp.unlink(missing_ok=True)
        self.pending.clear()


def _sync_file_system(folder: Path) -> None:
    assert _SYNCFS is not None
    fd = os.open(folder, os.O_RDONLY)
    try:
        if _SYNCFS(fd) != 0:
            error = ctypes.get_errno()
            raise OSError(error, f"syncfs of {folder}: {os.strerror(error)}")
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
