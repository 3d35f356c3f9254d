"""Query: the archive as of one version, read for people and programs.

In: an :class:`~pipeline.archive.Archive` and an archive version (or a time). Out: typed
results whose rows carry the archive's field names (``schemas/*.json``): a document with its
passages, footnotes and removed rows; the passages and footnotes that contain a phrase, each
with the match in context; a passage or footnote traced down to its raw bytes; the versions.
The CLI renders these, and the web workbench reads the same functions.

A :class:`Snapshot` reads the runs table once and opens every other table at most once, at
the Delta version its archive version recorded. Each read pushes its filter down (files whose
min/max statistics rule it out are never opened, then Parquet row groups are skipped) and
reads only the columns it needs.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import reduce
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa
import pyarrow.compute as pc

from pipeline import without_cycle_collection
from pipeline.archive import (
    Archive,
    KeyRanges,
    dataset,
    delta_versions,
    resolve_version,
    scan,
)
from pipeline.audit import continued_parts, raw_snippet, snippet_of, warc_payload
from pipeline.errors import ArchiveError, AuditError, shorten
from pipeline.model import Capture, Locator, Source
from pipeline.rows import capture_from_row, locator_from_row, transforms_from_row
from pipeline.schedule import STALE_AFTER_FAILURES, SourceStatus, statuses_of
from pipeline.schema import arrow_schema

if TYPE_CHECKING:
    import pyarrow.dataset as pads

Row = dict[str, Any]
"""One archive row, keyed by the field names of its table's contract in ``schemas/``."""
ItemTable = Literal["passages", "footnotes"]
ID_COLUMN: dict[ItemTable, str] = {"passages": "passage_id", "footnotes": "footnote_id"}
SEARCH_LIMIT = 20
"""Matches ``search`` returns unless asked for more; the total is always counted."""
CONTEXT_CHARS = 60
"""Characters shown on each side of a match: about a line of text around the phrase."""


@dataclass(frozen=True, slots=True)
class DocumentView:
    """One document as stored at a version: its row and its rows in the other tables."""

    document: Row
    passages: list[Row]
    """In reading order (``ordinal``)."""
    footnotes: list[Row]
    """In the order they were extracted (their labels' order)."""
    removed: list[Row]
    """What extraction left out (boilerplate, page furniture), with the rule that did."""


@dataclass(frozen=True, slots=True)
class Hit:
    """A passage or footnote containing the phrase searched for."""

    id: str
    table: ItemTable
    doc_id: str
    doc_version: int
    ordinal: int | None
    """The passage's position in reading order; None for a footnote."""
    text: str
    start: int
    end: int
    """The first match is ``text[start:end]`` (half-open character offsets)."""

    def context(self, width: int = CONTEXT_CHARS) -> tuple[str, str, str]:
        """(before, match, after): up to ``width`` characters each side, "…" where cut."""
        before = self.text[max(0, self.start - width):self.start]
        after = self.text[self.end:self.end + width]
        return (("…" if self.start > width else "") + before, self.text[self.start:self.end],
                after + ("…" if self.end + width < len(self.text) else ""))


@dataclass(frozen=True, slots=True)
class SearchResult:
    phrase: str
    total: int
    """How many current passages and footnotes contain the phrase."""
    hits: tuple[Hit, ...]
    """The first of them (passages, then footnotes; by document and reading order)."""


@dataclass(frozen=True, slots=True)
class Trace:
    """Where a passage or footnote came from, down to the raw bytes."""

    kind: Literal["passage", "footnote"]
    row: Row
    document: Row
    capture: Capture
    locator: Locator
    snippet: str
    """The raw source text at the locator and at each of ``parts``, as stored in raw/."""
    parts: tuple[Locator, ...] = ()
    """Where the text continues after a column or page break (PDF), in reading order."""
    warc_record: str | None = None
    """For a record of a WARC source: the record the bytes were read back from (the snippet
    is then read from the WARC), and that their SHA-256 is the archived one."""


class Snapshot:
    """The archive as of one version (default: the latest)."""

    def __init__(self, archive: Archive, version: int | None = None,
                 as_of: datetime | None = None) -> None:
        self._open_at(archive, archive.runs(), version, as_of)

    def at(self, version: int) -> Snapshot:
        """The same archive at another version, without reading the runs table again."""
        other = Snapshot.__new__(Snapshot)
        other._open_at(self.archive, self._all_runs, version, None)
        return other

    def _open_at(self, archive: Archive, runs: list[Row], version: int | None,
                 as_of: datetime | None) -> None:
        self.archive = archive
        self._all_runs = runs
        self.version = resolve_version(runs, version, as_of,
                                       archive.store.uri(archive.store.curated))
        self.runs = [r for r in runs if r["archive_version"] <= self.version]
        """The committed runs up to this version, oldest first (``runs`` table rows)."""
        self._delta_versions = delta_versions(self.runs[-1])
        self._committed = [r["run_id"] for r in self.runs]
        self._tables: dict[str, pads.Dataset | None] = {}
        self._ranges: dict[tuple[str, str], KeyRanges] = {}
        self._latest: dict[str, int] | None = None

    @property
    def all_runs(self) -> list[Row]:
        """Every committed run, this version's and later ones, oldest first."""
        return self._all_runs

    @property
    def latest(self) -> int:
        """The archive's latest version (this snapshot's may be an older one)."""
        return int(self._all_runs[-1]["archive_version"])

    # -- reading --------------------------------------------------------------------------

    def rows(self, table: str, where: pc.Expression | None = None,
             columns: list[str] | None = None) -> pa.Table:
        """Visible rows of ``table`` matching ``where`` (all rows of each document version
        visible at this snapshot, not only the latest: see :meth:`current`)."""
        delta = self._open(table)
        if delta is None:
            empty = arrow_schema(table).empty_table()
            return empty.select(columns) if columns else empty
        visible = pc.field("run_id").isin(self._committed)
        return scan(delta, table, visible if where is None else visible & where, columns)

    def key_rows(self, table: str, column: str, value: int, where: pc.Expression,
                 columns: list[str]) -> pa.Table:
        """Visible rows of ``table`` whose ``column``, which its files are written sorted by
        (the lineage index's hash key), equals ``value`` and that match ``where``: read from
        the row groups whose range of ``column`` holds it (see :class:`KeyRanges`, kept for
        the snapshot)."""
        delta = self._open(table)
        if delta is None:
            return arrow_schema(table).empty_table().select(columns)
        if (table, column) not in self._ranges:
            self._ranges[(table, column)] = KeyRanges.read(delta, table, column)
        return self._ranges[(table, column)].rows(
            value, where & pc.field("run_id").isin(self._committed), columns)

    def current(self, table: str, doc_id: str | None = None,
                columns: list[str] | None = None) -> list[Row]:
        """Rows of ``table`` in each document's latest version (or one document's)."""
        found: list[Row] = self.current_table(table, doc_id, columns).to_pylist()
        return found

    def current_table(self, table: str, doc_id: str | None = None,
                      columns: list[str] | None = None) -> pa.Table:
        """:meth:`current` as an Arrow table (for writing it out whole)."""
        if doc_id is not None:
            number = self._version_of(doc_id)
            if number is None:
                raise self._unknown(doc_id)
            where = (pc.field("doc_id") == doc_id) & (pc.field("doc_version") == number)
            return self.rows(table, where, columns)
        latest = self.document_versions()
        keys = ["doc_id", "doc_version"]
        data = self.rows(table, None, None if columns is None else
                         columns + [k for k in keys if k not in columns])
        keep = [latest.get(d) == v for d, v in zip(data["doc_id"].to_pylist(),
                                                    data["doc_version"].to_pylist())]
        data = data.filter(pa.array(keep, type=pa.bool_()))
        return data if columns is None else data.select(columns)

    def document_versions(self) -> dict[str, int]:
        """doc_id -> its latest doc_version at this snapshot."""
        if self._latest is None:
            data = self.rows("documents", columns=["doc_id", "doc_version"])
            latest: dict[str, int] = {}
            for doc_id, number in zip(data["doc_id"].to_pylist(),
                                      data["doc_version"].to_pylist()):
                latest[doc_id] = max(number, latest.get(doc_id, 0))
            self._latest = latest
        return self._latest

    def _version_of(self, doc_id: str) -> int | None:
        """One document's latest doc_version here, or None: its rows alone are read (files'
        doc_id statistics skip the rest) unless every document's is known already."""
        if self._latest is not None:
            return self._latest.get(doc_id)
        found = self.rows("documents", pc.field("doc_id") == doc_id, ["doc_version"])
        number: int | None = pc.max(found["doc_version"]).as_py()
        return number

    # -- the questions people ask -----------------------------------------------------------

    def documents(self) -> list[Row]:
        """Every document's latest row, by doc_id."""
        return sorted(self.current("documents"), key=lambda r: r["doc_id"])

    def document(self, doc_id: str) -> DocumentView:
        """One document with its passages, footnotes and removed rows."""
        return DocumentView(self.current("documents", doc_id)[0], self.passages(doc_id),
                            self.footnotes(doc_id), self.removed(doc_id))

    def passages(self, doc_id: str) -> list[Row]:
        """A document's passages in reading order."""
        return sorted(self.current("passages", doc_id), key=lambda r: r["ordinal"])

    def footnotes(self, doc_id: str) -> list[Row]:
        """A document's footnotes in the order they were extracted."""
        return self.current("footnotes", doc_id)

    def removed(self, doc_id: str) -> list[Row]:
        """What extraction left out of a document, in the order it was met."""
        return sorted(self.current("removed", doc_id), key=lambda r: r["ordinal"])

    def search(self, phrase: str, limit: int = SEARCH_LIMIT) -> SearchResult:
        """Current passages and footnotes whose text contains ``phrase`` (ignoring case)."""
        if not phrase.strip():
            raise AuditError("give a phrase to search for")
        if limit < 1:
            raise AuditError(f"the limit must be 1 or more, not {limit}")
        latest = self.document_versions()
        pattern = re.compile(re.escape(phrase), re.IGNORECASE)
        hits: list[Hit] = []
        tables: tuple[ItemTable, ...] = ("passages", "footnotes")
        for table in tables:
            id_column = ID_COLUMN[table]
            columns = [id_column, "doc_id", "doc_version", "text"]
            columns += ["ordinal"] if table == "passages" else []
            where = pc.match_substring(pc.field("text"), phrase, ignore_case=True)
            found = sorted(self.rows(table, where, columns).to_pylist(),
                           key=lambda r: (r["doc_id"], r.get("ordinal") or 0))
            for row in found:
                if latest.get(row["doc_id"]) != row["doc_version"]:
                    continue
                match = pattern.search(row["text"])  # Arrow and re fold case alike but for
                start, end = match.span() if match else (0, 0)  # rare letters: then no span
                hits.append(Hit(row[id_column], table, row["doc_id"], row["doc_version"],
                                row.get("ordinal"), row["text"], start, end))
        return SearchResult(phrase, len(hits), tuple(hits[:limit]))

    def trace(self, item_id: str, read_source: bool = True, doc_id: str | None = None,
              documents: Sequence[Row] = ()) -> Trace:
        """A passage or footnote (its id, or a unique prefix of it) down to its raw bytes;
        without ``read_source`` the bytes are not read (no snippet, no WARC record): the row,
        its document, capture and locator only, for callers that read the source themselves.
        ``doc_id``, when the caller knows the item's document, reads only that document's rows:
        ids are hashes, so only a document filter lets the files' statistics skip files.
        ``documents``: rows of the item's document the caller has read (not read again)."""
        if not item_id:
            raise AuditError("give a passage or footnote id")
        tables: tuple[ItemTable, ...] = ("passages", "footnotes")
        for table in tables:
            id_column = ID_COLUMN[table]
            where = pc.starts_with(pc.field(id_column), item_id)
            if doc_id is not None:
                where = where & (pc.field("doc_id") == doc_id)
            # Only the two key columns of every file first: ids are hashes, which no file's
            # statistics rule out. Then whole rows of the documents found, which they do.
            keys = self.rows(table, where, [id_column, "doc_id"])
            ids = set(keys[id_column].to_pylist())
            if len(ids) > 1:
                raise AuditError(f"{shorten(item_id)!r} starts {len(ids)} {table} ids; give "
                                 "more characters")
            if ids:
                found = [pc.field("doc_id") == d for d in set(keys["doc_id"].to_pylist())]
                matches = self.rows(table, where & reduce(operator.or_, found)).to_pylist()
                row = max(matches, key=lambda r: r["doc_version"])
                document = next((d for d in documents if (d["doc_id"], d["doc_version"])
                                 == (row["doc_id"], row["doc_version"])), None)
                return self.trace_row(table, row, read_source, document)
        raise AuditError(f"no passage or footnote id starts with {shorten(item_id)!r}; find ids "
                         "with `archivist trace --text \"a phrase\"`")

    def statuses(self, sources: Sequence[Source] | None = None,
                 stale_after: int = STALE_AFTER_FAILURES) -> list[SourceStatus]:
        """Each source's health up to this version: last good capture, failures in a row,
        next due time, stale or not; ``sources`` default to every one the archive has seen."""
        with without_cycle_collection():
            columns = ["run_id", "source_id"]
            failures = _records(self.rows("failures", columns=[*columns, "stage", "error_class",
                                                               "message"]))
            expansions = _records(self.rows("expansions", columns=[
                *columns, "documents", "expanded_at", "counts"]))
            captures = self.rows("captures", columns=[*columns, "captured_at"])
            latest = dict(zip(*_columns(_latest_captures(captures, self._committed))))
            # Only sources with failures or expansions are walked over the runs they appear
            # in: only their captures are needed run by run.
            walked = pa.array({r["source_id"] for r in (*failures, *expansions)}, pa.string())
            run_ids, source_ids, times = _columns(captures.filter(
                pc.is_in(captures["source_id"], value_set=walked)))
            captured = dict(zip(zip(run_ids, source_ids), times))
            listed: Sequence[Source | str] | None = sources
            if listed is None:  # a bulk entry's documents are counted on the entry's row
                entries = {r["source_id"] for r in expansions}
                seen = set(latest) | {r["source_id"] for r in failures}
                if entries:
                    seen = {s for s in seen if s.split("/")[0] not in entries} | entries
                listed = sorted(seen)
            return statuses_of(listed, self.runs, captured, failures, stale_after, expansions,
                               latest)

    def trace_row(self, table: ItemTable, row: Row, read_source: bool = True,
                  document: Row | None = None) -> Trace:
        """:meth:`trace` of a row already read; ``document``, its document version's row if
        the caller has it too (else it is read)."""
        kind: Literal["passage", "footnote"] = "passage" if table == "passages" else "footnote"
        given = document is not None and (document["doc_id"], document["doc_version"]) \
            == (row["doc_id"], row["doc_version"])
        documents = [document] if document is not None and given else self.rows(
            "documents", (pc.field("doc_id") == row["doc_id"])
            & (pc.field("doc_version") == row["doc_version"])).to_pylist()
        same_payload = pc.field("sha256") == row["capture_sha256"]
        # One payload can be many documents' (a crawl's duplicated pages): this one's source's
        # capture first, found by source id, which files' statistics can skip on (a hash
        # cannot); then any.
        captures = [] if not documents else self.rows(
            "captures", same_payload & (pc.field("source_id") == documents[0]["source_id"])
        ).to_pylist()
        captures = captures or self.rows("captures", same_payload).to_pylist()
        if not documents or not captures:
            raise AuditError(f"{kind} {row[ID_COLUMN[table]]} names document "
                             f"{row['doc_id']} version {row['doc_version']} and capture "
                             f"{row['capture_sha256']}, which the archive lacks; run "
                             "`archivist verify`")
        capture = capture_from_row(min(captures, key=lambda r: r["captured_at"]))
        locator = locator_from_row(row)
        parts = continued_parts(transforms_from_row(row))
        if not read_source:
            return Trace(kind, row, documents[0], capture, locator, "", parts)
        if capture.warc_offset is not None:
            payload, record = warc_payload(self.archive, capture)
            snippet = "\n".join(snippet_of(payload, capture, at) for at in (locator, *parts))
            return Trace(kind, row, documents[0], capture, locator, snippet, parts, record)
        snippet = "\n".join(raw_snippet(self.archive, capture, at) for at in (locator, *parts))
        return Trace(kind, row, documents[0], capture, locator, snippet, parts)

    # -- helpers --------------------------------------------------------------------------

    def _open(self, table: str) -> pads.Dataset | None:
        """The table at this version as a dataset, made once: making one lists the table's
        files and reads their statistics from the Delta log."""
        if table not in self._tables:
            number = self._delta_versions.get(table)
            self._tables[table] = (None if number is None or number < 0
                                   else dataset(self.archive.open(table, number)))
        return self._tables[table]

    def _unknown(self, doc_id: str) -> ArchiveError:
        known = sorted(self.document_versions())
        listed = ", ".join(known[:20]) + (f" and {len(known) - 20} more" if len(known) > 20
                                          else "")
        return ArchiveError(f"no document {shorten(doc_id)!r} at archive version "
                            f"{self.version}; documents: {listed or 'none'}")


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _records(table: pa.Table) -> list[Row]:
    """``table.to_pylist()``, several times faster for a UTC timestamp column: pyarrow converts
    each such value through the time zone (2.7 s for 100,000 captures on a loaded machine,
    against 0.3 s for the epoch plus microseconds)."""
    return [dict(zip(table.column_names, row)) for row in zip(*_columns(table))]


def _columns(table: pa.Table) -> list[list[Any]]:
    """Each column of ``table`` as a list, UTC timestamps made as in :func:`_records`."""
    values = []
    for column in table.columns:
        kind = column.type
        if pa.types.is_timestamp(kind) and kind.unit == "us" and kind.tz in ("UTC", "+00:00"):
            values.append([None if us is None else _EPOCH + timedelta(microseconds=us)
                           for us in column.cast(pa.int64()).to_pylist()])
        else:
            values.append(column.to_pylist())
    return values


def _latest_captures(captures: pa.Table, run_ids: list[str]) -> pa.Table:
    """Each source's ``source_id`` and ``captured_at`` in the last of ``run_ids`` (oldest
    first) that captured it, sorted by source id: found by Arrow, not by a Python dict of
    every capture (an archive of many runs holds one per source and run)."""
    position = pc.index_in(captures["run_id"], value_set=pa.array(run_ids, pa.string()))
    found = captures.append_column("position", position).filter(pc.is_valid(position))
    ordered = found.sort_by([("source_id", "ascending"), ("position", "descending")])
    ordered = ordered.select(["source_id", "captured_at"])
    if ordered.num_rows < 2:
        return ordered
    ids = ordered["source_id"].combine_chunks()
    return ordered.filter(pa.concat_arrays([pa.array([True]), pc.not_equal(ids[1:], ids[:-1])]))


def versions(archive: Archive) -> list[Row]:
    """Every committed run, oldest first, as ``runs`` rows (``new_version`` false: the run
    changed nothing and kept the version it found)."""
    runs = archive.runs()
    if not runs:
        raise ArchiveError(f"no archive at {archive.store.uri(archive.store.curated)} yet: "
                           "run `archivist ingest`")
    return runs
