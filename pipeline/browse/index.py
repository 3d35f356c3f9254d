"""The workbench's search index: the archive's passages and footnotes in, an SQLite FTS5 index
answering "which current passages and footnotes at version N contain these words" out.

The index is a derived cache, never part of the archive: a file beside it (``cache/`` under a
local store's root, not in ``curated/`` where the Delta tables are; for an S3 store, the user's
cache folder). It holds every version's rows at once: each row carries the archive version
that made it, and a table of document versions says which is current at a version, so one
index answers for every version the version picker shows.

It grows with the archive: before a search, the runs committed since it was last brought up to
date are indexed (only their rows are read, by ``run_id``). It is built again from nothing when
it is missing, unreadable, of another format, or when a run it indexed is no longer the same in
the archive (``archivist rebuild`` made the tables again): the archive is the truth, the index
only a faster way to read it. A file lock keeps two servers from indexing the same runs twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

from pipeline import user_cache
from pipeline.archive import Archive, delta_versions
from pipeline.errors import AuditError

FORMAT = 2
"""Bumped when the index's tables change: an index of another format is built again."""
INDEX_FILE = "search.sqlite"
CACHE_FOLDER = Path("cache") / "browse"
"""Under a local store's root: beside ``raw/`` and ``curated/``, not inside either."""
COUNT_LIMIT = 1000
"""Matches counted before the total is given as "more than", and up to which they are ranked:
ranking or counting every match of a word in most of 100,000 documents takes seconds (4.9 s
for two common words, benchmarks/browse.py), listing the first ones as archived does not."""
CONTEXT_TOKENS = 24
"""Words of context ``snippet()`` keeps around the best match: about two lines of text."""
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
"""Private-use characters marking a match in a snippet (removed from the indexed text, so a
passage cannot contain them)."""
BATCH_ROWS = 50_000
"""Rows read from the archive and inserted per step of a (re)build."""

ItemKind = Literal["passage", "footnote"]


@dataclass(frozen=True, slots=True)
class Match:
    """One passage or footnote containing the words searched for."""

    id: str
    kind: ItemKind
    doc_id: str
    doc_version: int
    ordinal: int | None
    """The passage's position in reading order; for a footnote, None."""
    label: str | None
    """The footnote's label; for a passage, None."""
    fragments: tuple[tuple[str, bool], ...]
    """The text around the best match, as (text, is_match) pieces in order; "…" where cut."""


@dataclass(frozen=True, slots=True)
class Found:
    words: str
    version: int
    total: int
    """Matching current passages and footnotes, counted up to ``COUNT_LIMIT`` + 1."""
    matches: tuple[Match, ...]
    """The first of them, at most the limit asked for: the best (FTS5's bm25 rank) when there
    are no more than ``COUNT_LIMIT``, else in the order they were archived."""
    ranked: bool

    @property
    def more(self) -> bool:
        """Whether ``total`` stopped counting at ``COUNT_LIMIT``."""
        return self.total > COUNT_LIMIT


def index_path(archive: Archive) -> Path:
    """Where the archive's search index lives (a local path even for an S3 store)."""
    store = archive.store
    if not store.remote:
        return Path(store.root) / CACHE_FOLDER / INDEX_FILE
    key = hashlib.sha256(str(store).encode()).hexdigest()[:16]
    return user_cache() / key / INDEX_FILE


def fts_query(words: str) -> str:
    """The words as an FTS5 phrase (they must appear in this order), the last one also as a
    prefix so a half-typed word finds its completions; quotes in them are FTS5-escaped."""
    cleaned = " ".join(words.replace(MARK_OPEN, " ").replace(MARK_CLOSE, " ").split())
    if not cleaned:
        raise AuditError("give words to search for")
    return '"' + cleaned.replace('"', '""') + '" *'


class SearchIndex:
    """The FTS5 index of one archive, brought up to date before each search."""

    def __init__(self, archive: Archive, path: Path | None = None) -> None:
        self.archive = archive
        self.path = path or index_path(archive)

    def search(self, words: str, version: int, limit: int) -> Found:
        """Current passages and footnotes at archive ``version`` containing ``words``."""
        query = fts_query(words)
        self.update()
        with self._connect() as db:
            total = db.execute(_COUNT, {"q": query, "v": version,
                                        "limit": COUNT_LIMIT + 1}).fetchone()[0]
            ranked = total <= COUNT_LIMIT
            rows = db.execute(_SEARCH.format(order="fts.rank" if ranked else "fts.rowid"),
                              {"q": query, "v": version, "limit": limit, "open": MARK_OPEN,
                               "close": MARK_CLOSE, "tokens": CONTEXT_TOKENS}).fetchall()
        return Found(words, version, total, tuple(_match(row) for row in rows), ranked)

    def document_of(self, item_id: str) -> str | None:
        """The document a passage or footnote id belongs to, if the index has it (an id names
        one document for good: it hashes the document's id), without bringing it up to date."""
        if self._indexed_runs() is None:
            return None
        with self._connect() as db:
            found = db.execute("SELECT doc_id FROM items WHERE id = ? LIMIT 1",
                               (item_id,)).fetchone()
        return None if found is None else str(found[0])

    def update(self) -> int:
        """Index the runs committed since the last update (all of them, into a new file, if
        the index is missing or no longer matches the archive); the rows added."""
        runs = self.archive.runs()
        with self._lock():
            indexed = self._indexed_runs()
            if indexed is None or not _still_matches(indexed, runs):
                self._create()
                indexed = {}
            new = [r for r in runs if r["run_id"] not in indexed]
            if not new:
                return 0
            with self._connect() as db:
                added = self._add(db, new)
                db.executemany("INSERT INTO runs VALUES (?, ?, ?)",
                               [(r["run_id"], r["archive_version"], _fingerprint(r))
                                for r in new])
            return added

    # -- building -----------------------------------------------------------------------

    def _add(self, db: sqlite3.Connection, runs: list[dict[str, object]]) -> int:
        made_in = {str(r["run_id"]): int(str(r["archive_version"])) for r in runs}
        new_runs = pa.array(list(made_in), pa.string())
        where = pc.field("run_id").isin(new_runs)
        docs = self.archive.scan("documents", where, ["doc_id", "doc_version", "run_id"])
        db.executemany("INSERT OR IGNORE INTO docs VALUES (?, ?, ?)",
                       [(d, v, made_in[r]) for d, v, r in zip(
                           docs["doc_id"].to_pylist(), docs["doc_version"].to_pylist(),
                           docs["run_id"].to_pylist())])
        added = 0
        for table, id_column, extra in (("passages", "passage_id", "ordinal"),
                                        ("footnotes", "footnote_id", "label")):
            data = self.archive.scan(table, where, [id_column, "doc_id", "doc_version", extra,
                                                    "text", "run_id"])
            kind = "passage" if table == "passages" else "footnote"
            for batch in data.to_batches(BATCH_ROWS):
                columns = batch.to_pydict()
                texts = [_clean(t) for t in columns["text"]]
                rows = list(zip(columns[id_column], [kind] * batch.num_rows, columns["doc_id"],
                                columns["doc_version"],
                                columns[extra] if extra == "ordinal" else [None] * len(texts),
                                columns[extra] if extra == "label" else [None] * len(texts),
                                [made_in[r] for r in columns["run_id"]]))
                start = db.execute("SELECT coalesce(max(rowid), 0) FROM items").fetchone()[0]
                db.executemany("INSERT INTO items (rowid, id, kind, doc_id, doc_version, "
                               "ordinal, label, made_in) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               [(start + i + 1, *row) for i, row in enumerate(rows)])
                db.executemany("INSERT INTO fts (rowid, text) VALUES (?, ?)",
                               [(start + i + 1, t) for i, t in enumerate(texts)])
                added += batch.num_rows
        return added

    def _create(self) -> None:
        """A new, empty index in place of whatever was there (written beside, then renamed)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = self.path.with_name(self.path.name + ".new")
        fresh.unlink(missing_ok=True)
        db = sqlite3.connect(fresh)
        try:
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version = {FORMAT}")
            db.commit()
        finally:
            db.close()
        os.replace(fresh, self.path)

    def _indexed_runs(self) -> dict[str, str] | None:
        """run_id -> fingerprint of the runs indexed; None if there is no usable index."""
        if not self.path.exists():
            return None
        try:
            with self._connect() as db:
                if db.execute("PRAGMA user_version").fetchone()[0] != FORMAT:
                    return None
                return dict(db.execute("SELECT run_id, fingerprint FROM runs").fetchall())
        except sqlite3.DatabaseError:  # damaged or not an index at all: it is only a cache
            return None

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=60)
        try:
            with db:  # one transaction: committed on success, rolled back on an error
                yield db
        finally:
            db.close()

    @contextmanager
    def _lock(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _fingerprint(run: dict[str, object]) -> str:
    """What must stay the same for the index's rows of a run to be the archive's: its version
    and the Delta versions its rows were read at."""
    tables = delta_versions(run)
    return (f"{run['archive_version']}:{tables.get('documents')}:{tables.get('passages')}:"
            f"{tables.get('footnotes')}")


def _still_matches(indexed: dict[str, str], runs: list[dict[str, object]]) -> bool:
    """Whether every run indexed is still in the archive as it was indexed."""
    now = {str(r["run_id"]): _fingerprint(r) for r in runs}
    return all(now.get(run_id) == fingerprint for run_id, fingerprint in indexed.items())


def _clean(text: str) -> str:
    return text.replace(MARK_OPEN, " ").replace(MARK_CLOSE, " ")


def _match(row: tuple[object, ...]) -> Match:
    item_id, kind, doc_id, doc_version, ordinal, label, snippet = row
    pieces = str(snippet).replace(MARK_CLOSE, MARK_OPEN).split(MARK_OPEN)
    fragments = tuple((piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece)
    return Match(str(item_id), "passage" if kind == "passage" else "footnote", str(doc_id),
                 int(str(doc_version)), None if ordinal is None else int(str(ordinal)),
                 None if label is None else str(label), fragments)


_SCHEMA = """
CREATE TABLE runs (run_id TEXT PRIMARY KEY, archive_version INTEGER, fingerprint TEXT);
CREATE TABLE docs (doc_id TEXT, doc_version INTEGER, made_in INTEGER,
                   PRIMARY KEY (doc_id, doc_version)) WITHOUT ROWID;
CREATE TABLE items (rowid INTEGER PRIMARY KEY, id TEXT, kind TEXT, doc_id TEXT,
                    doc_version INTEGER, ordinal INTEGER, label TEXT, made_in INTEGER);
CREATE INDEX items_id ON items (id);
CREATE VIRTUAL TABLE fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
"""
# A row is current at version v if its document version was made by v and no later version of
# the document was: the docs table's key answers that per match.
_CURRENT = """
    i.made_in <= :v AND NOT EXISTS (
        SELECT 1 FROM docs d WHERE d.doc_id = i.doc_id AND d.doc_version > i.doc_version
                                   AND d.made_in <= :v)
"""
_SEARCH = f"""
SELECT i.id, i.kind, i.doc_id, i.doc_version, i.ordinal, i.label,
       snippet(fts, 0, :open, :close, '…', :tokens)
FROM fts JOIN items i ON i.rowid = fts.rowid
WHERE fts MATCH :q AND {_CURRENT}
ORDER BY {{order}} LIMIT :limit
"""
_COUNT = f"""
SELECT count(*) FROM (SELECT 1 FROM fts JOIN items i ON i.rowid = fts.rowid
                      WHERE fts MATCH :q AND {_CURRENT} LIMIT :limit)
"""
