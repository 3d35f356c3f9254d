"""The store: one root folder holding the raw layer (``raw/``) and the archive (``curated/``).

Raw bytes are content-addressed: ``raw/sha256/ab/abcdef…`` holds exactly the bytes whose SHA-256
is ``abcdef…``. A blob is written to a temporary file in the same folder, fsynced, and renamed
into place, so a crash leaves either the whole blob or nothing; an existing blob is never
rewritten.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

STORE_ENV = "ARCHIVIST_STORE"


@dataclass(frozen=True, slots=True)
class Store:
    root: Path

    @classmethod
    def at(cls, root: str | Path | None = None) -> Store:
        """The store at ``root``, else ``$ARCHIVIST_STORE``, else the current directory."""
        chosen = root or os.environ.get(STORE_ENV) or "."
        return cls(Path(chosen).expanduser().resolve())

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def curated(self) -> Path:
        return self.root / "curated"

    @property
    def warc(self) -> Path:
        return self.raw / "warc"

    def blob_path(self, sha256: str) -> Path:
        return self.raw / "sha256" / sha256[:2] / sha256

    def put_blob(self, data: bytes) -> str:
        """Store ``data`` under its SHA-256 and return the hex digest."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.blob_path(sha256)
        if not target.exists():
            atomic_write(target, data)
        return sha256

    def read_blob(self, sha256: str) -> bytes:
        return self.blob_path(sha256).read_bytes()

    def blobs(self) -> list[Path]:
        """Every file under ``raw/sha256`` (including ones that should not be there)."""
        base = self.raw / "sha256"
        return sorted(p for p in base.rglob("*") if p.is_file()) if base.exists() else []


def atomic_write(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so that readers see all of it or none of it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
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


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
