"""Releases and cleanup: named tags on archive versions, and a vacuum that keeps them readable.

In: an :class:`~pipeline.archive.Archive`. Out: rows of the ``tags`` table, and a
:class:`VacuumPlan` listing the data files no protected version needs.

Why compaction comes first: every table is append-only, so the newest Delta snapshot still
references every file ever written and nothing is unreferenced. ``compact`` rewrites many small
files into a few large ones and records the result as a new archive version (a maintenance run
with no sources); only then are the small files needed solely by older versions. deltalake's
own ``vacuum`` would delete them regardless of which versions people rely on, so the plan is
computed here: a file is deleted only if no tagged archive version and not the latest one (nor
the tables' current snapshots) reference it. Untagged old versions stop being readable.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import PurePosixPath
from typing import Any

from deltalake import DeltaTable, write_deltalake

from pipeline.archive import DATA_TABLES, Archive, RunWriter, dataset
from pipeline.errors import ArchiveError, shorten
from pipeline.schema import to_arrow

TAGS = "tags"


@dataclass(frozen=True, slots=True)
class Tag:
    name: str
    archive_version: int
    run_id: str
    created_at: datetime
    note: str | None


def tags(archive: Archive) -> list[Tag]:
    """Every tag, oldest first."""
    table = _delta(archive, TAGS)
    rows = dataset(table).to_table().to_pylist() if table is not None else []
    return sorted((Tag(**row) for row in rows), key=lambda t: t.created_at)


def tag(archive: Archive, name: str, version: int | None = None, note: str | None = None) -> Tag:
    """Name archive ``version`` (default: latest); a tag name can be used once."""
    number = archive.resolve_version(version)
    if any(t.name == name for t in tags(archive)):
        raise ArchiveError(f"tag {shorten(name)!r} already exists; pick another name (tags are "
                           "releases and never move)")
    run = next(r for r in archive.runs() if r["archive_version"] == number)
    new = Tag(name, number, run["run_id"], datetime.now(timezone.utc), note)
    write_deltalake(archive.uri(TAGS), to_arrow(TAGS, [_row(new)]), mode="append",
                    storage_options=archive.store.storage_options)
    return new


def tagged_version(archive: Archive, name: str) -> int:
    """The archive version a tag names, or ArchiveError listing the tags there are."""
    found = [t for t in tags(archive) if t.name == name]
    if not found:
        known = ", ".join(t.name for t in tags(archive)) or "none"
        raise ArchiveError(f"no tag {shorten(name)!r}; tags: {known}")
    return found[0].archive_version


@dataclass(frozen=True, slots=True)
class VacuumPlan:
    """What vacuum would delete, and what it keeps readable."""

    protected_versions: tuple[int, ...]
    """Archive versions kept readable: every tagged one and the latest."""
    files: tuple[tuple[str, int], ...]
    """(path, size in bytes) of each data file no protected version needs."""

    @property
    def bytes(self) -> int:
        return sum(size for _, size in self.files)


def compact(archive: Archive) -> int | None:
    """Rewrite each table's small files into large ones; the new archive version, or None.

    The compacted state is committed as a maintenance run (no sources, same rows) so that the
    latest archive version references the large files and the small ones become removable.
    """
    compacted = False
    for table in DATA_TABLES:
        delta = _delta(archive, table)
        if delta is not None and len(delta.file_uris()) > 1:
            metrics = delta.optimize.compact()
            compacted = compacted or metrics.get("numFilesRemoved", 0) > 0
    if not compacted:
        return None
    # Forced: the compacted files are what the new version reads, so vacuum may drop the old.
    run = RunWriter(run_id=f"compact-{uuid.uuid4()}", started_at=datetime.now(timezone.utc),
                    registry=None, force_version=True)
    return archive.commit(run)


def plan_vacuum(archive: Archive) -> VacuumPlan:
    """Data files that only unprotected archive versions reference (nothing is deleted)."""
    runs = archive.runs()
    if not runs:
        return VacuumPlan((), ())
    protected = sorted({t.archive_version for t in tags(archive)} | {runs[-1]["archive_version"]})
    delta_versions = _protected_delta_versions(runs, protected)
    filesystem = archive.store.filesystem()
    files = []
    for table in DATA_TABLES:
        delta = _delta(archive, table)
        if delta is None:
            continue
        keep = _files_at(archive, table, delta_versions.get(table, set()) | {delta.version()})
        ever = _files_at(archive, table, set(range(delta.version() + 1)))
        for path in sorted(ever - keep):
            info = filesystem.get_file_info(path)
            if info.size is not None:  # already gone: nothing to delete
                files.append((path, info.size))
    return VacuumPlan(tuple(protected), tuple(files))


def vacuum(archive: Archive, plan: VacuumPlan) -> int:
    """Delete the files of ``plan``; returns how many were deleted."""
    filesystem = archive.store.filesystem()
    for path, _ in plan.files:
        filesystem.delete_file(path)
    return len(plan.files)


def _protected_delta_versions(runs: list[dict[str, Any]],
                              protected: list[int]) -> dict[str, set[int]]:
    needed: dict[str, set[int]] = {}
    for run in runs:
        if run["archive_version"] in protected:
            for tv in run["table_versions"]:
                needed.setdefault(tv["table"], set()).add(tv["version"])
    return needed


def _files_at(archive: Archive, table: str, versions: set[int]) -> set[str]:
    """Paths (as the store's file system names them) of the files of ``table`` at ``versions``."""
    paths: set[str] = set()
    for version in versions:
        if version < 0:
            continue
        delta = DeltaTable(archive.uri(table), version=version,
                           storage_options=archive.store.storage_options)
        paths.update(str(PurePosixPath(u.removeprefix("file://").removeprefix("s3://")))
                     for u in delta.file_uris())
    return paths


def _delta(archive: Archive, table: str) -> DeltaTable | None:
    if not archive.store.exists(archive.path(table) / "_delta_log"):
        return None
    return DeltaTable(archive.uri(table), storage_options=archive.store.storage_options)


def _row(t: Tag) -> dict[str, Any]:
    return {"name": t.name, "archive_version": t.archive_version, "run_id": t.run_id,
            "created_at": t.created_at, "note": t.note}
