"""Lineage: which earlier capture a passage copies, found across the whole archive.

Before a run commits, each new passage of at least ``MIN_WORDS`` words is compared with every
passage archived so far and with the run's other passages:

    exact   the same words (case, spacing and punctuation aside): a hash of them
    near    MinHash over word pairs with LSH banding finds candidates; each candidate is
            confirmed on the texts themselves: the words they share in order (difflib's ratio
            over the two word sequences) reach NEAR_SIMILARITY

The origin is the matching passage of a document of another site captured first: a site that
repeats its own text (a newsletter box, a disclaimer, a related-stories teaser) is using its
template, not reprinting, so two pages that share only a header are not a reprint. Words that
recur in ``BOILERPLATE_DOCS`` or more documents of one site are that site's chrome and are
neither an origin nor a copy anywhere, and stop being indexed. A document whose borrowed words
from one origin document reach ``REPRINT_SHARE`` is marked as a reprint of it.

The index is the ``lineage_index`` table: one row per passage for its exact hash and one per LSH
band, written with the run, so each run only hashes its own new passages and looks up the
archive by key (a predicate pushed down to the Parquet files, not a scan of the text).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.archive import Archive, RunWriter
from pipeline.query import Snapshot
from pipeline.schema import arrow_schema
from pipeline.textutil.fingerprint import (
    BANDS,
    MIN_WORDS,
    exact_key,
    normal_words,
    passage_keys,
)

NEAR_SIMILARITY = 0.8
"""Share of words in common, in order (2·matches / total words). A copy with 3 % of its words
changed keeps about 0.97; unrelated prose on the same topic stays under 0.4."""
HASH_CHUNK = 5000
"""Passages whose words and shingles are held at once while :func:`link` hashes them."""
WORDS_KEPT = 20_000
"""Tokenised passages :func:`link` keeps for further comparisons before it starts afresh."""
BOILERPLATE_DOCS = 3
REPRINT_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Origin:
    passage_id: str
    doc_id: str
    captured_at: datetime
    similarity: float


@dataclass(frozen=True, slots=True)
class _Entry:
    """One indexed passage: what a lookup returns and what an origin is chosen from."""

    passage_id: str
    doc_id: str
    captured_at: datetime
    host: str
    exact: int


def site_of(document: dict[str, Any]) -> str:
    """The site a document came from: its URL's host; for a file, the publisher its registry
    entry names, else its folder."""
    parts = urlsplit(document.get("canonical_url") or document.get("uri") or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return parts.netloc.lower().removeprefix("www.")
    publisher = json.loads(document.get("source_metadata") or "{}").get("publisher")
    if publisher:
        return str(publisher)
    return (document.get("uri") or "").rsplit("/", 1)[0]


def link(archive: Archive, run: RunWriter) -> None:
    """Fill in the lineage of the run's new passages and documents, and stage their index rows.

    Sets ``origin_*`` on each passage row and ``borrowed_share`` and ``reprint_of`` on each
    document row, and writes the ``lineage_index`` rows to the run's staging folder, so lineage
    is committed in the same archive version as the passages it describes. Only the rows the
    run holds in memory are linked, against the archive and the rows it spilled before: a long
    run links each batch once, before spilling it, as a run of its own would be linked.

    Memory: what outlives hashing is 33 int64 keys per passage (words and shingles are made
    ``HASH_CHUNK`` passages at a time); only keys another passage shares get a bucket; texts
    are tokenised when a candidate is compared; the index rows are built as Arrow columns.
    """
    documents = {(d["doc_id"], d["doc_version"]): d for d in run.rows["documents"]}
    candidates = [p for p in run.rows["passages"] if (p["doc_id"], p["doc_version"]) in documents]
    linkable, exacts, bands = _keys(candidates, run.passage_keys)

    sites = {key: site_of(document) for key, document in documents.items()}
    entries = []
    for index, key in zip(linkable, exacts.tolist()):
        row = candidates[index]
        version = (row["doc_id"], row["doc_version"])
        entries.append(_Entry(row["passage_id"], row["doc_id"],
                              documents[version]["captured_at"], sites[version], key))
    keys, counts = np.unique(np.concatenate([exacts, bands.ravel()]), return_counts=True)
    archived = _lookup(archive, run, keys)
    # A key no other passage has can give no candidate: it needs no bucket.
    shared = np.union1d(keys[counts > 1], np.fromiter(archived, np.int64, len(archived)))
    exact_shared = np.isin(exacts, shared)
    bands_shared = [row[mask] for row, mask in zip(bands, np.isin(bands, shared))]

    by_key = _Buckets()  # filled earliest first: the entries a full bucket keeps are those
    for key, found in archived.items():
        for entry in sorted(found, key=_capture_order):
            by_key.add(key, entry)
    for position in sorted(range(len(entries)), key=lambda i: _capture_order(entries[i])):
        new = entries[position]
        if exact_shared[position]:
            by_key.add(new.exact, new)
        for key in bands_shared[position].tolist():
            by_key.add(key, new)

    texts = {entry.passage_id: candidates[index]["text"]
             for entry, index in zip(entries, linkable)}
    texts.update(_texts(archive, run, by_key.passage_ids() - texts.keys()))
    words_of = _Words(texts)
    chrome = _boilerplate(by_key, exacts[exact_shared].tolist())
    origins: dict[str, Origin] = {}
    for position, new in enumerate(entries):
        if new.exact in chrome:
            continue
        origin = _origin(new, by_key, bands_shared[position].tolist(), words_of, chrome)
        if origin is not None:
            origins[new.passage_id] = origin

    for row in run.rows["passages"]:
        origin = origins.get(row["passage_id"])
        if origin is not None:
            row.update(origin_passage_id=origin.passage_id, origin_doc_id=origin.doc_id,
                       origin_captured_at=origin.captured_at,
                       origin_similarity=origin.similarity)
    _mark_reprints(run, documents, origins)
    run.stage("lineage_index", _index_rows(run, entries, exacts, bands, archived,
                                           [candidates[i]["doc_version"] for i in linkable]))


def _keys(passages: Sequence[dict[str, Any]], made: dict[str, tuple[int, ...] | None]
          ) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Positions of the passages of MIN_WORDS or more words, their exact keys and their
    (n, BANDS) band keys: those ``made`` with their documents (in the extraction workers),
    the others hashed here HASH_CHUNK at a time."""
    keys = [made.get(p["passage_id"], ()) for p in passages]
    missing = [i for i, k in enumerate(keys) if k == ()]
    for first in range(0, len(missing), HASH_CHUNK):
        chunk = missing[first:first + HASH_CHUNK]
        for i, made_here in zip(chunk, passage_keys([passages[i]["text"] for i in chunk])):
            keys[i] = made_here
    linkable = [i for i, k in enumerate(keys) if k]
    table = np.array([keys[i] for i in linkable], dtype=np.int64).reshape(-1, 1 + BANDS)
    return linkable, table[:, 0].copy(), table[:, 1:].copy()


def _capture_order(entry: _Entry) -> tuple[datetime, str]:
    return entry.captured_at, entry.doc_id


class _Buckets:
    """Index entries by key, at most BOILERPLATE_DOCS documents of one site per key and one
    entry per document: enough to choose an origin (the earliest of another site) and to
    recognise a site's chrome, and bounded however often one line repeats (100,000 copies of a
    footer cost three entries, not 100,000 candidates for each of 100,000 passages)."""

    def __init__(self) -> None:
        self._entries: dict[int, list[_Entry]] = {}
        # Flat, by (key, document) and (key, site): a set and a Counter per key cost more
        # than the rest of linking a crawl whose pages share many keys.
        self._docs: set[tuple[int, str]] = set()
        self._sites: dict[tuple[int, str], int] = {}

    def add(self, key: int, entry: _Entry) -> None:
        doc, site = (key, entry.doc_id), (key, entry.host)
        taken = self._sites.get(site, 0)
        if doc in self._docs or taken >= BOILERPLATE_DOCS:
            return
        self._docs.add(doc)
        self._sites[site] = taken + 1
        self._entries.setdefault(key, []).append(entry)

    def get(self, key: int, default: Sequence[_Entry] = ()) -> Sequence[_Entry]:
        return self._entries.get(key, default)

    def passage_ids(self) -> set[str]:
        return {entry.passage_id for found in self._entries.values() for entry in found}


class _Words:
    """Words of passages by id, tokenised when a candidate is first compared (most passages
    have none) and kept for the next comparison, WORDS_KEPT at most."""

    def __init__(self, texts: dict[str, str]) -> None:
        self._texts = texts
        self._words: dict[str, list[str]] = {}

    def __call__(self, passage_id: str) -> list[str]:
        found = self._words.get(passage_id)
        if found is None:
            if len(self._words) >= WORDS_KEPT:
                self._words.clear()
            found = self._words[passage_id] = normal_words(self._texts.get(passage_id, ""))
        return found


def _origin(new: _Entry, by_key: _Buckets, bands: list[int], words_of: _Words,
            chrome: set[int]) -> Origin | None:
    """The earliest-captured passage of another document that ``new`` copies, if any."""
    seen: dict[str, tuple[_Entry, bool]] = {}
    for found in by_key.get(new.exact, ()):
        seen[found.passage_id] = (found, True)
    for key in bands:
        for found in by_key.get(key, ()):
            seen.setdefault(found.passage_id, (found, False))
    best: Origin | None = None
    for found, same_words in seen.values():
        if found.host == new.host or found.exact in chrome:
            continue  # a site repeating its own text is its template, not a reprint
        if (found.captured_at, found.doc_id) >= (new.captured_at, new.doc_id):
            continue  # not earlier: the new passage may be its origin, never the reverse
        if best is not None and (found.captured_at, found.doc_id) >= (best.captured_at,
                                                                       best.doc_id):
            continue
        similarity = 1.0 if same_words else _word_ratio(words_of(new.passage_id),
                                                        words_of(found.passage_id))
        if similarity >= NEAR_SIMILARITY:
            best = Origin(found.passage_id, found.doc_id, found.captured_at, round(similarity, 4))
    return best


def _word_ratio(a: list[str], b: list[str]) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio() if a and b else 0.0


def _boilerplate(by_key: _Buckets, exacts: Iterable[int]) -> set[int]:
    """Exact hashes whose words occur in BOILERPLATE_DOCS or more documents of one site."""
    chrome = set()
    for key in set(exacts):
        per_host: dict[str, set[str]] = defaultdict(set)
        for found in by_key.get(key, ()):
            if found.exact == key:
                per_host[found.host].add(found.doc_id)
        if any(len(docs) >= BOILERPLATE_DOCS for docs in per_host.values()):
            chrome.add(key)
    return chrome


def _mark_reprints(run: RunWriter, documents: dict[tuple[str, int], dict[str, Any]],
                   origins: dict[str, Origin]) -> None:
    borrowed: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    for row in run.rows["passages"]:
        origin = origins.get(row["passage_id"])
        if origin is not None:
            borrowed[(row["doc_id"], row["doc_version"])][origin.doc_id] += row["word_count"]
    for key, document in documents.items():
        total = document["word_count"]  # the sum of its passages' word counts
        from_each = borrowed.get(key, Counter())
        top = from_each.most_common(1)
        document["borrowed_share"] = round(sum(from_each.values()) / total, 4) if total else 0.0
        document["reprint_of"] = (top[0][0] if top and total
                                  and top[0][1] / total >= REPRINT_SHARE else None)


def _index_rows(run: RunWriter, entries: list[_Entry], exacts: np.ndarray, bands: np.ndarray,
                archived: dict[int, list[_Entry]], doc_versions: list[int]) -> pa.Table:
    """Index rows for the new passages, an exact row and then its band rows each, as Arrow
    columns. A passage whose exact words are archived already adds its exact row only, and a
    site's chrome stops being indexed past BOILERPLATE_DOCS documents, so 100,000 copies of
    one line cost a few rows, not 100,000 lookups each."""
    indexed: Counter[tuple[str, int]] = Counter(
        (e.host, key) for key, found in archived.items() for e in found if e.exact == key)
    banded = {key for key, found in archived.items() if any(e.exact == key for e in found)}
    wanted = np.zeros((len(entries), 1 + BANDS), dtype=bool)  # (exact row, band rows)
    for position, new in enumerate(entries):
        if indexed[(new.host, new.exact)] > BOILERPLATE_DOCS:
            continue
        indexed[(new.host, new.exact)] += 1
        wanted[position, 0] = True
        wanted[position, 1:] = new.exact not in banded  # the first copy's bands only
        banded.add(new.exact)
    keys = np.concatenate([exacts[:, None], bands], axis=1)[wanted]
    owner = pa.array(np.nonzero(wanted)[0])
    per_entry = {"passage_id": [e.passage_id for e in entries],
                 "doc_id": [e.doc_id for e in entries], "doc_version": doc_versions,
                 "captured_at": [e.captured_at for e in entries],
                 "host": [e.host for e in entries], "exact_key": exacts}
    schema = arrow_schema("lineage_index")
    columns: dict[str, pa.Array] = {
        name: pa.array(values, schema.field(name).type).take(owner)
        for name, values in per_entry.items()}
    columns["key"] = pa.array(keys, pa.int64())
    columns["key_kind"] = pa.array(np.where(np.nonzero(wanted)[1] == 0, "exact", "band"),
                                   pa.string())
    columns["run_id"] = pa.array([run.run_id] * len(keys), pa.string())
    return pa.table([columns[f.name] for f in schema], schema=schema)


def _lookup(archive: Archive, run: RunWriter, keys: np.ndarray) -> dict[int, list[_Entry]]:
    """Index entries under any of the (sorted, distinct) keys, archived or spilled earlier in
    this run (a long run links its documents a batch at a time)."""
    if not len(keys):  # a run with nothing new: no filter would read every row
        return {}
    wanted = pa.array(keys, pa.int64())
    columns = ["key", "passage_id", "doc_id", "captured_at", "host", "exact_key"]
    # Archived rows first, then spilled ones in spill order: a bucket keeps the first entry
    # of each document, so the order decides ties between a document's passages.
    index = pa.concat_tables([archive.lookup("lineage_index", "key", wanted, columns),
                              run.lookup_staged("lineage_index", keys, columns)])
    found: dict[int, list[_Entry]] = defaultdict(list)
    for key, *entry in zip(*(index[c].to_pylist() for c in columns)):
        found[key].append(_Entry(*entry))
    return found


def _texts(archive: Archive, run: RunWriter, passage_ids: set[str]) -> dict[str, str]:
    """Texts of the archived (or spilled) candidates a bucket kept."""
    texts: dict[str, str] = {}
    if passage_ids:
        which = pc.field("passage_id").isin(pa.array(sorted(passage_ids)))
        for passages in (archive.scan("passages", which, ["passage_id", "text"]),
                         run.scan_staged("passages", which, ["passage_id", "text"])):
            texts.update(zip(passages["passage_id"].to_pylist(),
                             passages["text"].to_pylist()))
    return texts


# -- reading lineage back ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Sighting:
    """A document in which a passage's words appear, and when it was captured."""

    passage_id: str
    doc_id: str
    captured_at: datetime
    similarity: float


@dataclass(frozen=True, slots=True)
class PassageLineage:
    first: Sighting
    """Where the words were first captured (the passage itself if nothing came before)."""
    also: tuple[Sighting, ...]
    """Every other document carrying them, exactly or nearly, in capture order."""


def passage_lineage(snapshot: Snapshot, passage: dict[str, Any], captured_at: datetime
                    ) -> PassageLineage | None:
    """First sighting and other copies of ``passage`` (a ``passages`` row captured at
    ``captured_at``) as of the snapshot's version; None for a passage too short to take
    part."""
    tokens = normal_words(passage["text"])
    if len(tokens) < MIN_WORDS:
        return None
    own = Sighting(passage["passage_id"], passage["doc_id"], captured_at, 1.0)
    first = own
    if passage.get("origin_passage_id"):
        first = Sighting(passage["origin_passage_id"], passage["origin_doc_id"],
                         passage["origin_captured_at"], passage["origin_similarity"])
    same = snapshot.key_rows("lineage_index", "key", exact_key(tokens),
                             pc.field("key_kind") == "exact",
                             ["passage_id", "doc_id", "captured_at"]).to_pylist()
    copies = snapshot.rows("passages", pc.field("origin_passage_id") == first.passage_id,
                           columns=["passage_id", "doc_id", "origin_similarity"]).to_pylist()
    captured = _capture_times(snapshot, {c["doc_id"] for c in copies})
    seen = {first.doc_id: first}
    for row in same:
        seen.setdefault(row["doc_id"], Sighting(row["passage_id"], row["doc_id"],
                                                row["captured_at"], 1.0))
    for row in copies:
        if row["doc_id"] in captured:
            seen.setdefault(row["doc_id"], Sighting(row["passage_id"], row["doc_id"],
                                                    captured[row["doc_id"]],
                                                    row["origin_similarity"]))
    seen.setdefault(own.doc_id, own)
    ordered = sorted(seen.values(), key=lambda s: (s.captured_at, s.doc_id))
    head = first if first.doc_id != own.doc_id else ordered[0]
    return PassageLineage(head, tuple(s for s in ordered if s.doc_id != head.doc_id))


def borrowed_passages(snapshot: Snapshot, doc_id: str, doc_version: int
                      ) -> list[dict[str, Any]]:
    """The passages of one document version that copy an earlier capture, in reading order."""
    rows = snapshot.rows("passages", (pc.field("doc_id") == doc_id)
                         & (pc.field("doc_version") == doc_version)
                         & pc.field("origin_passage_id").is_valid(),
                         columns=["passage_id", "ordinal", "text", "word_count",
                                  "origin_passage_id", "origin_doc_id", "origin_captured_at",
                                  "origin_similarity"]).to_pylist()
    return sorted(rows, key=lambda r: r["ordinal"])


def _capture_times(snapshot: Snapshot, doc_ids: set[str]) -> dict[str, datetime]:
    if not doc_ids:
        return {}
    rows = snapshot.rows("documents", pc.field("doc_id").isin(pa.array(sorted(doc_ids))),
                         columns=["doc_id", "captured_at"]).to_pylist()
    first: dict[str, datetime] = {}
    for row in rows:
        if row["doc_id"] not in first or row["captured_at"] < first[row["doc_id"]]:
            first[row["doc_id"]] = row["captured_at"]
    return first
