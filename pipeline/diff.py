"""Diff two archive versions: documents, passages and footnotes added, removed or changed.

In: an :class:`~pipeline.archive.Archive` and two archive versions. Out: an
:class:`ArchiveDiff`, one :class:`Change` per difference, each changed text with a word-level
diff; ``rows()`` gives them as flat records (JSON, Parquet) and ``render()`` as rich text.

Passages are matched first by their stable id (hash of section path and normalised text, so a
passage nobody touched keeps its id whatever happened around it), then, among the ones left,
by word similarity: an edited paragraph gets a new id but is still the same paragraph.
Footnotes are matched by id (label and occurrence), so an edited note is ``changed``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.archive import Archive
from pipeline.errors import ArchiveError
from pipeline.query import Snapshot

if TYPE_CHECKING:
    from rich.console import ConsoleRenderable

MIN_SIMILARITY = 0.5
"""Word-sequence ratio from which an unmatched old and new passage count as one edited passage:
below it they share less than half their words, and reading them as remove + add is clearer."""

Item = Literal["document", "passage", "footnote"]
ChangeKind = Literal["added", "removed", "changed"]
WordOp = tuple[Literal["equal", "insert", "delete"], str]



@dataclass(frozen=True, slots=True)
class Change:
    """One difference between version A and version B of the archive."""

    doc_id: str
    item: Item
    change: ChangeKind
    old_id: str | None
    new_id: str | None
    old_text: str | None
    new_text: str | None
    ordinal: int | None
    """Position in reading order: in version B, or in A for removed items."""
    similarity: float | None = None
    words: tuple[WordOp, ...] = ()
    """Word-level edit script of a changed text: equal, delete (A only) and insert (B only)."""


@dataclass(frozen=True, slots=True)
class ArchiveDiff:
    version_a: int
    version_b: int
    changes: tuple[Change, ...]

    def count(self, item: Item, change: ChangeKind) -> int:
        return sum(1 for c in self.changes if c.item == item and c.change == change)

    def rows(self) -> list[dict[str, Any]]:
        """Flat records for downstream use; ``words`` as a list of {op, text}."""
        return [{"version_a": self.version_a, "version_b": self.version_b, "doc_id": c.doc_id,
                 "item": c.item, "change": c.change, "old_id": c.old_id, "new_id": c.new_id,
                 "old_text": c.old_text, "new_text": c.new_text, "ordinal": c.ordinal,
                 "similarity": c.similarity,
                 "words": [{"op": op, "text": text} for op, text in c.words]}
                for c in self.changes]

    def to_arrow(self) -> pa.Table:
        return pa.Table.from_pylist(self.rows(), schema=DIFF_SCHEMA)


DIFF_SCHEMA = pa.schema([
    ("version_a", pa.int64()), ("version_b", pa.int64()), ("doc_id", pa.string()),
    ("item", pa.string()), ("change", pa.string()), ("old_id", pa.string()),
    ("new_id", pa.string()), ("old_text", pa.string()), ("new_text", pa.string()),
    ("ordinal", pa.int64()), ("similarity", pa.float64()),
    ("words", pa.list_(pa.struct([("op", pa.string()), ("text", pa.string())]))),
])


@dataclass(frozen=True, slots=True)
class DocumentChange:
    """A document whose latest version differs between archive versions A and B."""

    doc_id: str
    old_version: int | None
    """Its latest document version at A; None if it did not exist then."""
    new_version: int | None
    """At B; None if it did not exist then (B older than A)."""

    @property
    def change(self) -> ChangeKind:
        if self.old_version is None:
            return "added"
        return "removed" if self.new_version is None else "changed"


def diff_versions(archive: Archive, version_a: int | None = None, version_b: int | None = None,
                  doc_id: str | None = None) -> ArchiveDiff:
    """What changed from archive version A (default: the one before B) to B (default: the
    latest), optionally in one document only."""
    snapshot_a, snapshot_b = compared(Snapshot(archive, version_b), version_a)
    documents = changed_documents(snapshot_a, snapshot_b, doc_id)
    return ArchiveDiff(snapshot_a.version, snapshot_b.version,
                       tuple(document_changes(snapshot_a, snapshot_b, documents)))


def compared(snapshot_b: Snapshot, version_a: int | None) -> tuple[Snapshot, Snapshot]:
    """The snapshots of versions A and B: B is ``snapshot_b``, A the version before it unless
    ``version_a`` is given."""
    return snapshot_b.at(earlier_version(snapshot_b, version_a)), snapshot_b


def earlier_version(snapshot_b: Snapshot, version_a: int | None) -> int:
    """Version A of a diff to ``snapshot_b``: ``version_a``, by default the one before B."""
    if version_a is None and snapshot_b.version < 2:
        raise ArchiveError(f"the archive has only version {snapshot_b.version}: nothing to "
                           "compare it with")
    return snapshot_b.version - 1 if version_a is None else version_a


def changed_documents(snapshot_a: Snapshot, snapshot_b: Snapshot,
                      doc_id: str | None = None) -> list[DocumentChange]:
    """The documents (or only ``doc_id``) whose latest version differs between the two
    snapshots, by doc_id.

    Only a document that a run between the two versions wrote can differ. Those runs' rows
    are found by run id, which the files' and row groups' statistics skip on (a run appends
    files of its own, and compaction keeps their rows together), and then only those
    documents' version numbers are read: with 1,000 of 100,000 documents changed, not every
    document's."""
    older, newer = sorted((snapshot_a, snapshot_b), key=lambda s: s.version)
    between = [r["run_id"] for r in newer.runs if r["archive_version"] > older.version]
    if not between:
        return []
    where = pc.field("run_id").isin(pa.array(between, pa.string()))
    if doc_id is not None:
        where = where & (pc.field("doc_id") == doc_id)
    written = pc.unique(newer.rows("documents", where, ["doc_id"])["doc_id"]).to_pylist()
    if not written:
        return []
    rows = newer.rows("documents", _among(written), ["doc_id", "doc_version", "run_id"])
    before = {r["run_id"] for r in older.runs}
    at_older: dict[str, int] = {}
    at_newer: dict[str, int] = {}
    for doc, number, run_id in zip(rows["doc_id"].to_pylist(), rows["doc_version"].to_pylist(),
                                   rows["run_id"].to_pylist()):
        at_newer[doc] = max(number, at_newer.get(doc, 0))
        if run_id in before:
            at_older[doc] = max(number, at_older.get(doc, 0))
    changes = []
    for doc in sorted(at_newer):
        if at_older.get(doc) != at_newer[doc]:
            old, new = ((at_older.get(doc), at_newer[doc]) if newer is snapshot_b
                        else (at_newer[doc], at_older.get(doc)))
            changes.append(DocumentChange(doc, old, new))
    return changes


def document_changes(snapshot_a: Snapshot, snapshot_b: Snapshot,
                     documents: Sequence[DocumentChange]) -> list[Change]:
    """The changes within ``documents`` (from :func:`changed_documents`, or a page of them):
    only their rows are read."""
    later = snapshot_b if snapshot_b.version >= snapshot_a.version else snapshot_a
    doc_ids = [d.doc_id for d in documents]
    passages = _by_document(later, "passages", doc_ids, ["passage_id", "text", "ordinal"])
    footnotes = _by_document(later, "footnotes", doc_ids, ["footnote_id", "text"])
    titles = _by_document(later, "documents", doc_ids, ["title"])
    changes: list[Change] = []
    for d in documents:
        doc, old, new = d.doc_id, d.old_version, d.new_version
        if old is None or new is None:
            row = titles[(doc, max(v for v in (old, new) if v is not None))][0]
            changes.append(Change(doc, "document", d.change, doc if old is not None else None,
                                  doc if new is not None else None,
                                  row["title"] if old is not None else None,
                                  row["title"] if new is not None else None, None))
            continue
        changes += match_items(doc, "passage", "passage_id", passages.get((doc, old), []),
                               passages.get((doc, new), []))
        changes += match_items(doc, "footnote", "footnote_id", footnotes.get((doc, old), []),
                               footnotes.get((doc, new), []))
    return changes


def _among(doc_ids: Sequence[str]) -> pc.Expression:
    """Rows of ``doc_ids``: rows are written sorted by doc_id, so the row groups' statistics
    skip those of other documents."""
    return pc.field("doc_id").isin(pa.array(doc_ids, pa.string()))


def _by_document(later: Snapshot, table: str, doc_ids: Sequence[str],
                 columns: list[str]) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """(doc_id, doc_version) -> rows of ``doc_ids`` (the ``columns`` a diff shows), over every
    row visible at the later version."""
    grouped: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    if not doc_ids:
        return grouped
    for row in later.rows(table, _among(doc_ids), ["doc_id", "doc_version", *columns]).to_pylist():
        grouped[(row["doc_id"], row["doc_version"])].append(row)
    return grouped


def match_items(doc_id: str, item: Item, id_column: str, old: list[dict[str, Any]],
                new: list[dict[str, Any]]) -> list[Change]:
    """Pair old and new rows by id, then by similarity; what is left was removed or added."""
    new_by_id = {r[id_column]: r for r in new}
    pairs, old_left = [], []
    for row in old:
        twin = new_by_id.pop(row[id_column], None)
        if twin is None:
            old_left.append(row)
        elif twin["text"] != row["text"]:  # same id, so only case or spacing differ
            pairs.append((row, twin))
    new_left = [r for r in new if r[id_column] in new_by_id]
    similar, old_left, new_left = _pair_by_similarity(old_left, new_left)
    changes = [_changed(doc_id, item, id_column, o, n, s) for o, n, s in
               [(o, n, None) for o, n in pairs] + similar]
    changes += [Change(doc_id, item, "removed", r[id_column], None, r["text"], None,
                       r.get("ordinal")) for r in old_left]
    changes += [Change(doc_id, item, "added", None, r[id_column], None, r["text"],
                       r.get("ordinal")) for r in new_left]
    return sorted(changes, key=lambda c: (c.ordinal is None, c.ordinal or 0, c.change))


def _pair_by_similarity(old: list[dict[str, Any]], new: list[dict[str, Any]]
                        ) -> tuple[list[tuple[dict[str, Any], dict[str, Any], float]],
                                   list[dict[str, Any]], list[dict[str, Any]]]:
    """Greedy best-first pairing of rows whose word similarity reaches MIN_SIMILARITY."""
    scored = []
    for i, o in enumerate(old):
        for j, n in enumerate(new):
            matcher = SequenceMatcher(None, _tokens(o["text"]), _tokens(n["text"]),
                                      autojunk=False)
            if matcher.real_quick_ratio() >= MIN_SIMILARITY and \
                    matcher.quick_ratio() >= MIN_SIMILARITY:
                ratio = matcher.ratio()
                if ratio >= MIN_SIMILARITY:
                    scored.append((ratio, i, j))
    used_old, used_new, pairs = set(), set(), []
    for ratio, i, j in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((old[i], new[j], round(ratio, 4)))
    return (pairs, [o for i, o in enumerate(old) if i not in used_old],
            [n for j, n in enumerate(new) if j not in used_new])


def _changed(doc_id: str, item: Item, id_column: str, old: dict[str, Any], new: dict[str, Any],
             similarity: float | None) -> Change:
    words = word_diff(old["text"], new["text"])
    if similarity is None:
        similarity = round(SequenceMatcher(None, _tokens(old["text"]), _tokens(new["text"]),
                                           autojunk=False).ratio(), 4)
    return Change(doc_id, item, "changed", old[id_column], new[id_column], old["text"],
                  new["text"], new.get("ordinal"), similarity, words)


def _tokens(text: str) -> list[str]:
    return text.split()


def word_diff(old: str, new: str) -> tuple[WordOp, ...]:
    """Edit script from ``old`` to ``new`` at word level.

    Each span is words joined by single spaces (passages are whitespace-normalised by
    cleaning already): the equal and delete spans, joined by spaces, give ``old``'s words; the
    equal and insert spans give ``new``'s.
    """
    a, b = _tokens(old), _tokens(new)
    ops: list[WordOp] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            ops.append(("delete", " ".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(("insert", " ".join(b[j1:j2])))
        if tag == "equal":
            ops.append(("equal", " ".join(a[i1:i2])))
    return tuple(ops)


def render(diff: ArchiveDiff) -> ConsoleRenderable:  # rich imported here only
    """The diff for a terminal: one panel per document, deletions red, insertions green."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    if not diff.changes:
        return Text(f"No differences between archive versions {diff.version_a} and "
                    f"{diff.version_b}.")
    panels, by_doc = [], defaultdict(list)
    for change in diff.changes:
        by_doc[change.doc_id].append(change)
    styles = {"equal": "", "delete": "red strike", "insert": "green underline"}
    for doc_id, changes in by_doc.items():
        lines = []
        for c in changes:
            line = Text(f"{c.change:>7} {c.item}", style={"added": "green", "removed": "red",
                                                           "changed": "yellow"}[c.change])
            line.append(f" #{c.ordinal}: " if c.ordinal is not None else ": ")
            if c.change == "changed":
                for number, (op, text) in enumerate(c.words):
                    line.append((" " if number else "") + text, style=styles[op])
            else:
                line.append(c.new_text or c.old_text or "",
                            style="green" if c.change == "added" else "red")
            lines.append(line)
        panels.append(Panel(Group(*lines), title=Text(doc_id), title_align="left"))
    summary = Text(", ".join(f"{diff.count(i, k)} {i}s {k}" for i in ("document", "passage",
                                                                       "footnote")
                             for k in ("added", "removed", "changed") if diff.count(i, k)))
    return Group(*panels, summary)
