"""The archive page's document list: a snapshot and filters in, one page of documents out.

Filtering, counting and sorting are done on Arrow columns, and only the page shown becomes
Python rows, so the list stays fast with 100,000 documents.

A document's status says what its snapshot's version did to it, in the words of the versions
table's counts: ``new`` (its first version was made by this archive version), ``changed`` (a
later version of it was), ``unchanged`` (its latest version is older), ``failed`` (its source
failed in a run of this version; the document keeps its last good version).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args
from weakref import WeakKeyDictionary

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.errors import AuditError, shorten
from pipeline.query import Row, Snapshot

Status = Literal["new", "changed", "unchanged", "failed"]
STATUSES: tuple[Status, ...] = get_args(Status)
PAGE_SIZE = 100
"""Documents per page of the list."""
COLUMNS = ["doc_id", "doc_version", "source_id", "kind", "title", "passage_count",
           "footnote_count", "captured_at", "run_id"]


@dataclass(frozen=True, slots=True)
class Filters:
    kind: str = ""
    source: str = ""
    """A part of the source id, any case."""
    status: str = ""
    page: int = 1
    """1-based."""

    def __post_init__(self) -> None:
        if self.status and self.status not in STATUSES:
            raise AuditError(f"status must be one of {', '.join(STATUSES)}, not "
                             f"{shorten(self.status)!r}")
        if self.page < 1:
            raise AuditError(f"page must be 1 or more, not {self.page}")


@dataclass(frozen=True, slots=True)
class DocumentList:
    documents: list[Row]
    """This page's documents by doc_id, each with its ``status``."""
    total: int
    """Documents matching the filters."""
    pages: int
    kinds: list[str]
    """Every kind in the snapshot, for the filter's choices."""
    statuses: dict[str, int]
    """status -> documents of that status in the snapshot (filters aside)."""


def document_list(snapshot: Snapshot, filters: Filters) -> DocumentList:
    """The page of documents matching ``filters``, and what the filters can choose from."""
    latest = _documents(snapshot)
    chosen = latest
    if filters.kind:
        chosen = chosen.filter(pc.equal(chosen["kind"], filters.kind))
    if filters.source:
        chosen = chosen.filter(pc.match_substring(chosen["source_id"], filters.source,
                                                  ignore_case=True))
    if filters.status:
        chosen = chosen.filter(pc.equal(chosen["status"], filters.status))
    pages = max(1, -(-chosen.num_rows // PAGE_SIZE))
    if filters.page > pages:
        raise AuditError(f"page {filters.page} of {pages}: there are {chosen.num_rows:,} "
                         "documents")
    shown = chosen.slice((filters.page - 1) * PAGE_SIZE, PAGE_SIZE)
    counts: dict[str, int] = {s: 0 for s in STATUSES}
    for entry in pc.value_counts(latest["status"]).to_pylist():
        counts[entry["values"]] = entry["counts"]
    return DocumentList(shown.to_pylist(), chosen.num_rows, pages,
                        sorted(pc.unique(latest["kind"]).to_pylist()), counts)


_listed: WeakKeyDictionary[Snapshot, pa.Table] = WeakKeyDictionary()


def _documents(snapshot: Snapshot) -> pa.Table:
    """Every document's latest row with its status, by doc_id: made once per snapshot (the
    app keeps a version's snapshot until a run commits), filtered on each request."""
    if snapshot not in _listed:
        latest = _latest(snapshot.rows("documents", columns=COLUMNS))
        latest = latest.append_column("status", _statuses(snapshot, latest))
        _listed[snapshot] = latest.take(pc.sort_indices(latest, [("doc_id", "ascending")]))
    return _listed[snapshot]


def _latest(docs: pa.Table) -> pa.Table:
    """Each document's row of its highest doc_version."""
    newest = docs.group_by("doc_id").aggregate([("doc_version", "max")])
    newest = newest.rename_columns(["doc_id", "doc_version"])
    return docs.join(newest, ["doc_id", "doc_version"], join_type="inner")


def _statuses(snapshot: Snapshot, latest: pa.Table) -> pa.Array:
    """Each row's status at the snapshot's version."""
    this_version = [r["run_id"] for r in snapshot.runs
                    if r["archive_version"] == snapshot.version]
    made_now = pc.is_in(latest["run_id"], pa.array(this_version, pa.string()))
    failures = snapshot.rows("failures", pc.field("run_id").isin(this_version), ["source_id"])
    failed = pc.is_in(latest["source_id"], pc.unique(failures["source_id"]))
    first = pc.equal(latest["doc_version"], 1)
    # Made by this version wins: its source failed in one run of the version, then worked.
    return pc.if_else(pc.and_(failed, pc.invert(made_now)), "failed",
                      pc.if_else(made_now, pc.if_else(first, "new", "changed"), "unchanged"))
