"""The workbench's search index (pipeline/browse/index.py) over a real archive.

The archive is ingested through the library's own steps (real extraction, real Delta tables):
version 1 holds a seed report (with footnotes) and a short note naming a ferry; version 2 edits the
note to name another. Each test works on its own copy of the store, so
what one does to the index (or the tables) is never seen by another.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import SEEDS
from test_query import ingest

from pipeline.archive import Archive
from pipeline.browse.index import COUNT_LIMIT, SearchIndex, fts_query, index_path
from pipeline.browse.listing import Filters, document_list
from pipeline.errors import ArchiveError, AuditError
from pipeline.query import Snapshot
from pipeline.store import Store

NOTE_V1 = "Families crossed the Oskarvik Ferry at night, guided by brokers from the village.\n"
NOTE_V2 = "Families crossed the Brennholm Ferry at night, guided by brokers from the village.\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("index")
    shutil.copyfile(SEEDS / "003_b5b1913a230cda32.txt", base / "report.txt")
    (base / "note.txt").write_text(NOTE_V1, encoding="utf-8")
    (base / "gone.txt").write_text("A page that is gone by the second run.\n", encoding="utf-8")
    registry = base / "sources.toml"
    registry.write_text('[[source]]\nid = "report"\nuri = "report.txt"\n\n'
                        '[[source]]\nid = "note"\nuri = "note.txt"\n\n'
                        '[[source]]\nid = "gone"\nuri = "gone.txt"\n', encoding="utf-8")
    store = Store.at(base / "store")
    assert ingest(registry, store) == 1
    (base / "note.txt").write_text(NOTE_V2, encoding="utf-8")
    (base / "gone.txt").unlink()  # its capture fails: the document keeps version 1
    assert ingest(registry, store) == 2
    return base / "store"


@pytest.fixture
def archive(built, tmp_path) -> Archive:
    return Archive(Store.at(shutil.copytree(built, tmp_path / "store")))


def test_the_document_list_says_what_each_version_did(archive):
    def listed(version, **filters):
        found = document_list(Snapshot(archive, version), Filters(**filters))
        return {d["doc_id"]: d["status"] for d in found.documents}, found

    assert listed(1)[0] == {"gone": "new", "note": "new", "report": "new"}
    statuses, found = listed(2)
    assert statuses == {"gone": "failed", "note": "changed", "report": "unchanged"}
    assert found.statuses == {"new": 0, "changed": 1, "unchanged": 1, "failed": 1}
    assert listed(2, status="failed")[0] == {"gone": "failed"}
    assert listed(2, source="NOT")[0] == {"note": "changed"}
    assert listed(2, kind="pdf")[1].total == 0 and listed(2)[1].kinds == ["text"]
    with pytest.raises(AuditError, match="page 2 of 1"):
        listed(2, page=2)
    with pytest.raises(AuditError, match="status must be one of"):
        Filters(status="gone")


def marked(match) -> list[str]:
    return [text for text, is_match in match.fragments if is_match]


def test_each_version_finds_its_own_text(archive):
    index = SearchIndex(archive)
    old = index.search("oskarvik ferry", 1, 10)
    assert [(m.doc_id, m.doc_version, m.kind) for m in old.matches] == [("note", 1, "passage")]
    assert marked(old.matches[0]) == ["Oskarvik Ferry"]
    assert "".join(t for t, _ in old.matches[0].fragments) == NOTE_V1.strip()
    # Version 2 edited the note: its old text is no longer current there.
    assert index.search("oskarvik ferry", 2, 10).total == 0
    new = index.search("Brennholm", 2, 10)
    assert [(m.doc_id, m.doc_version) for m in new.matches] == [("note", 2)]
    assert index.search("Brennholm", 1, 10).total == 0
    # The report did not change: the same passages answer at both versions.
    assert index.search("families", 1, 10).total == index.search("families", 2, 10).total


def test_it_agrees_with_a_scan_of_the_current_rows(archive):
    """Every current passage and footnote with a word starting so, none other, at each
    version (FTS5's unicode61 words: runs of letters and digits)."""
    index = SearchIndex(archive)
    for version in (1, 2):
        snapshot = Snapshot(archive, version)
        expected = {r[column] for table, column in (("passages", "passage_id"),
                                                    ("footnotes", "footnote_id"))
                    for r in snapshot.current(table)
                    if any(w.startswith("china") for w in re.findall(r"[^\W_]+", r["text"].lower()))}
        found = index.search("china", version, 1000)
        assert expected and {m.id for m in found.matches} == expected
        assert found.total == len(expected)


def test_footnotes_are_found_with_their_label(archive):
    note = Snapshot(archive).footnotes("report")[0]
    words = " ".join(note["text"].split()[:4])
    found = SearchIndex(archive).search(words, 2, 50)
    hit = next(m for m in found.matches if m.id == note["footnote_id"])
    assert hit.kind == "footnote" and hit.label == note["label"] and hit.ordinal is None


def test_the_last_word_may_be_half_typed_and_quotes_are_only_text(archive):
    index = SearchIndex(archive)
    assert [m.doc_id for m in index.search("crossed the Osk", 1, 5).matches] == ["note"]
    for odd in ('"', 'river" OR "x', "NEAR(a b)", "*", "river AND"):
        index.search(odd, 2, 5)  # FTS5 syntax never reaches the user as an error
    with pytest.raises(AuditError, match="give words"):
        index.search("  ", 2, 5)
    assert fts_query('say "hi"') == '"say ""hi""" *'


def test_it_lives_beside_the_archive_not_in_its_tables(archive):
    SearchIndex(archive).update()
    path = index_path(archive)
    assert path.exists() and path.is_relative_to(archive.store.root)
    assert not path.is_relative_to(Path(archive.store.curated))
    assert not path.is_relative_to(Path(archive.store.raw))


def test_searching_reads_the_index_not_the_tables(archive):
    index = SearchIndex(archive)
    index.update()
    for data in Path(archive.store.curated, "passages").glob("*.parquet"):
        data.unlink()  # a scan of the passages would now fail
    assert index.search("Brennholm", 2, 5).total == 1
    with pytest.raises(ArchiveError, match="data file of the passages table is gone"):
        Snapshot(archive).current("passages")


def test_new_runs_are_added_without_building_again(built, tmp_path):
    store = Store.at(shutil.copytree(built, tmp_path / "store"))
    archive = Archive(store)
    first_run = archive.runs()[0]
    # An index made when only version 1 existed: one run indexed.
    index = SearchIndex(archive)
    index.update()
    with sqlite3.connect(index.path) as db:
        db.execute("DELETE FROM runs WHERE run_id != ?", (first_run["run_id"],))
        rows_v1 = db.execute("SELECT count(*) FROM items WHERE made_in = 1").fetchone()[0]
        db.execute("DELETE FROM items WHERE made_in > 1")
        db.execute("DELETE FROM docs WHERE made_in > 1")
    inode = index.path.stat().st_ino
    added = index.update()
    assert added == len(Snapshot(archive).current("passages", "note"))  # the edited note only
    assert index.path.stat().st_ino == inode  # the same file, grown
    with sqlite3.connect(index.path) as db:
        assert db.execute("SELECT count(*) FROM items WHERE made_in = 1").fetchone()[0] == rows_v1
    assert index.search("Brennholm", 2, 5).total == 1
    assert index.update() == 0


@pytest.mark.parametrize("damage", ["missing", "garbage", "other run", "old format"])
def test_a_missing_or_stale_index_is_built_again(archive, damage):
    index = SearchIndex(archive)
    index.update()
    if damage == "missing":
        index.path.unlink()
    elif damage == "garbage":
        index.path.write_bytes(b"not an index" * 100)
    elif damage == "other run":  # e.g. `archivist rebuild` made the tables again
        with sqlite3.connect(index.path) as db:
            db.execute("UPDATE runs SET fingerprint = 'x'")
            db.execute("DELETE FROM items")
    else:
        with sqlite3.connect(index.path) as db:
            db.execute("PRAGMA user_version = 0")
            db.execute("DELETE FROM items")
    assert index.search("Brennholm", 2, 5).total == 1
    assert index.search("oskarvik ferry", 1, 5).total == 1


def test_counting_stops_at_the_limit(archive, monkeypatch):
    import pipeline.browse.index as module

    index = SearchIndex(archive)
    every = index.search("the", 2, 5)
    assert 2 < every.total <= COUNT_LIMIT + 1 and len(every.matches) == 5
    assert every.ranked
    monkeypatch.setattr(module, "COUNT_LIMIT", 2)
    capped = index.search("the", 2, 5)
    assert capped.total == 3 and capped.more and not capped.ranked
    # Past the limit the matches come in the order they were archived, still only current ones.
    with sqlite3.connect(index.path) as db:
        order = dict(db.execute("SELECT id, rowid FROM items").fetchall())
    assert [order[m.id] for m in capped.matches] == sorted(order[m.id] for m in capped.matches)
    assert {m.id for m in capped.matches} <= {m.id for m in index.search("the", 2, 1000).matches}
