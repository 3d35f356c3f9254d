"""Rebuild: the curated archive derived again from ``raw/`` and the runs log, checked, swapped in.

In: an :class:`~pipeline.archive.Archive` on a local store. Out: a :class:`Rebuilt` that says,
per archive version, whether the fresh tables hold what the old ones did.

The log is what the runs recorded: the ``runs`` table, the ``captures`` and ``failures`` of each
run, and the ``documents`` rows (which capture each document version was built from, with the
source's metadata). Everything else (sections, passages, footnotes, removed, lineage, and the
documents rows themselves) is derived again from the raw bytes, run by run in commit order,
into a fresh table set beside the old one (``curated.rebuild/``), keeping each run's id, times
and version decision. Then every archive version is compared: documents by id, version and
content hash; the other tables by their row ids where the old table can still be read, and by
the counts the old documents rows recorded where it cannot (a truncated Parquet file). Only if
all agree is the old set moved aside (``curated.before-rebuild-<time>/``, kept for the user to
delete) and the fresh one renamed into its place, under the commit lock so no ingest commits
meanwhile. A crash between the two renames leaves both sets whole under their names.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pipeline.archive import Archive, RunWriter
from pipeline.build import recorded_options
from pipeline.clean import clean
from pipeline.errors import ArchiveError, PipelineError
from pipeline.extract import extract
from pipeline.lineage import link
from pipeline.model import ExtractOptions, Source
from pipeline.rows import capture_from_row, document_rows
from pipeline.segment import segment

LOG_TABLES = ("runs", "captures", "failures", "documents")
"""What the runs recorded: read, never derived; a damaged one cannot be rebuilt from."""
ROW_IDS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id", "doc_version", "content_hash"),
    "sections": ("doc_id", "doc_version", "section_id"),
    "passages": ("passage_id", "doc_version"),
    "footnotes": ("footnote_id", "doc_version"),
    "removed": ("doc_id", "doc_version", "ordinal"),
}
"""The columns that identify a row of each derived table, compared version by version."""
COUNTED = {"passages": "passage_count", "footnotes": "footnote_count"}
"""Derived tables whose rows per document version the documents rows count."""


@dataclass(frozen=True, slots=True)
class VersionCheck:
    """How one archive version of the fresh tables compares with the old ones."""

    archive_version: int
    matches: bool
    detail: str
    """What was compared (and, if it differs, how)."""


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """The outcome: the checks, and where the old tables went (None: nothing was swapped)."""

    checks: tuple[VersionCheck, ...]
    kept_at: Path | None

    @property
    def ok(self) -> bool:
        return self.kept_at is not None


def rebuild(archive: Archive, options: ExtractOptions = ExtractOptions()) -> Rebuilt:
    """Derive the archive again from raw/ and its log, compare, and swap it in if it matches."""
    if archive.store.remote:
        raise ArchiveError("rebuild works on a local store (a folder cannot be swapped "
                           "atomically on S3): copy the store to a folder first")
    if not archive.exists():
        raise ArchiveError(f"no archive at {archive.curated} to rebuild")
    fresh_path = Path(archive.curated).with_name("curated.rebuild")
    with archive.commit_lock():
        log = _read_log(archive)
        _missing_blobs(archive, log["documents"], log["captures"])
        shutil.rmtree(fresh_path, ignore_errors=True)  # a rebuild that stopped half-way
        fresh = Archive(archive.store, fresh_path)
        for run in log["runs"]:
            fresh.commit(_derive_run(archive, fresh, run, log, options))
        checks = tuple(_compare(archive, fresh, log))
        if not all(c.matches for c in checks):
            return Rebuilt(checks, None)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        kept = Path(archive.curated).with_name(f"curated.before-rebuild-{stamp}")
        os.rename(archive.curated, kept)
        os.rename(fresh_path, archive.curated)
    return Rebuilt(checks, kept)


def _read_log(archive: Archive) -> dict[str, list[dict[str, Any]]]:
    """The log tables' rows (all committed rows); a damaged one stops the rebuild."""
    log: dict[str, list[dict[str, Any]]] = {"runs": archive.runs()}
    for table in LOG_TABLES[1:]:
        try:
            log[table] = archive.read(table).to_pylist()
        except PipelineError as exc:
            raise ArchiveError(f"cannot rebuild: the {table} table, part of the runs log, "
                               f"cannot be read ({exc.message})") from exc
    return log


def _missing_blobs(archive: Archive, documents: list[dict[str, Any]],
                   captures: list[dict[str, Any]]) -> None:
    needed = {d["capture_sha256"] for d in documents} | {c["sha256"] for c in captures}
    missing = sorted(sha for sha in needed if not archive.store.has_blob(sha))
    if missing:
        raise ArchiveError(f"cannot rebuild: {len(missing)} capture(s) are missing from raw/ "
                           f"(first: {missing[0]}); `archivist verify` lists them")


def _derive_run(archive: Archive, fresh: Archive, run: dict[str, Any],
                log: dict[str, list[dict[str, Any]]], options: ExtractOptions) -> RunWriter:
    """The run's rows again: its captures and failures as recorded, its documents re-derived."""
    run_id = run["run_id"]
    writer = RunWriter(run_id=run_id, started_at=run["started_at"], registry=run["registry"],
                       recorded=run)
    writer.rows["captures"] = [c for c in log["captures"] if c["run_id"] == run_id]
    writer.rows["failures"] = [f for f in log["failures"] if f["run_id"] == run_id]
    for row in (d for d in log["documents"] if d["run_id"] == run_id):
        capture = capture_from_row(_capture_of(row, log["captures"]))
        extraction = clean(extract(archive.store.read_blob(capture.sha256), capture,
                                   recorded_options(row, options)))
        document = segment(row["doc_id"], extraction)
        for table, rows in document_rows(document, _source(row), capture, row["doc_version"],
                                         run_id).items():
            writer.rows[table].extend(rows)
    link(fresh, writer)  # lineage against the runs derived before this one, as at ingest
    return writer


def _capture_of(document: dict[str, Any], captures: list[dict[str, Any]]) -> dict[str, Any]:
    """The capture a document version was built from: its run's capture of those bytes, else
    the first capture of them (a reprocess run builds from an earlier run's capture)."""
    same = [c for c in captures if c["source_id"] == document["source_id"]
            and c["sha256"] == document["capture_sha256"]]
    own = [c for c in same if c["run_id"] == document["run_id"]]
    return (own or sorted(same, key=lambda c: c["captured_at"]))[0]


def _source(row: dict[str, Any]) -> Source:
    """The source as the document row recorded it."""
    return Source(id=row["source_id"], uri=row["uri"],
                  metadata=json.loads(row["source_metadata"] or "{}"))


def _compare(old: Archive, fresh: Archive,
             log: dict[str, list[dict[str, Any]]]) -> list[VersionCheck]:
    versions = sorted({r["archive_version"] for r in log["runs"]})
    return [_compare_version(old, fresh, v) for v in versions]


def _compare_version(old: Archive, fresh: Archive, version: int) -> VersionCheck:
    notes, differs = [], []
    documents = old.read("documents", version).to_pylist()
    for table, columns in ROW_IDS.items():
        new_rows = fresh.read(table, version).select(list(columns)).to_pylist()
        try:
            old_rows = old.read(table, version).select(list(columns)).to_pylist()
        except PipelineError:  # damaged: compare with what the documents rows counted
            if table not in COUNTED:
                notes.append(f"{len(new_rows)} {table} (unreadable before: not compared)")
            elif _counted(table, documents, new_rows):
                notes.append(f"{len(new_rows)} {table} (unreadable before: as many as the "
                             "documents counted)")
            else:
                differs.append(f"{table}: unreadable before, and {len(new_rows)} rows now "
                               "where the documents counted another number")
            continue
        if sorted(map(_key, old_rows)) == sorted(map(_key, new_rows)):
            notes.append(f"{len(new_rows)} {table}")
        else:
            differs.append(f"{table}: {len(old_rows)} rows before, {len(new_rows)} now")
    if differs:
        return VersionCheck(version, False, "; ".join(differs))
    return VersionCheck(version, True, ", ".join(notes))


def _counted(table: str, documents: list[dict[str, Any]], rows: list[dict[str, Any]]) -> bool:
    """Whether ``rows`` are as many as the documents rows counted for ``table``."""
    return bool(sum(d[COUNTED[table]] for d in documents) == len(rows))


def _key(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(v) for v in row.values())
