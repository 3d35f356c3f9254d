"""Lineage and signals: reprints point to their originals through the real ingest flow."""

from __future__ import annotations

import json
import random
from datetime import datetime, timezone

import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable

from flows.ingest import run_ingest
from pipeline.archive import Archive, RunWriter
from pipeline.lineage import link, passage_lineage
from pipeline.textutil.fingerprint import exact_key, minhash, normal_words, shingles
from pipeline.textutil.signals import detect_language, text_signals

PARAGRAPHS = [
    "Women crossing the Tumen River in winter are often sold to brokers before they reach a "
    "city, according to interviews that aid workers in Yanji conducted over three years.",
    "Brokers in Jilin province arrange marriages for a fee that rose sharply after the famine, "
    "and most of the women interviewed had been sold more than once by different networks.",
    "Local officials in border towns rarely investigate these cases, because the women have no "
    "legal status in China and face repatriation if they report the crimes committed against them.",
    "Returned women are held in detention centres where former prisoners describe forced labour, "
    "beatings and interrogations about contact with missionaries or South Korean organisations.",
    "Several of the women who later reached Seoul said they had tried to cross the border twice, "
    "paying guides with money borrowed from relatives who stayed behind in the northern provinces.",
]
UNRELATED = [
    "The harbour authority approved a new schedule for container ships that will reduce waiting "
    "times at the northern quay during the busy autumn season for grain exports.",
    "Engineers expect the dredging work to finish before the spring tides, after which the "
    "larger vessels can use the channel without waiting for high water at the bar.",
]
CHROME = ("This note is part of our continuing coverage of the regional shipping industry, its "
          "workers and the towns that depend on it.")


def edited(text: str, share: float, seed: int) -> str:
    """``text`` with ``share`` of its words replaced, as a sub-editor's light touch would."""
    words = text.split()
    rng = random.Random(seed)
    for i in rng.sample(range(len(words)), max(1, round(share * len(words)))):
        words[i] = "reportedly"
    return " ".join(words)


def write_doc(path, title, paragraphs):
    path.write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n")


def write_registry(folder, names, publishers=None):
    publishers = publishers or {}
    entries = "".join(f'[[source]]\nid = "{n}"\nuri = "{n}.txt"\nkind = "text"\n'
                      f'publisher = "{publishers.get(n, n)}"\n\n' for n in names)
    (folder / "sources.toml").write_text(entries)
    return folder / "sources.toml"


def test_minhash_estimates_jaccard_and_exact_key_ignores_case_and_punctuation():
    a = shingles(normal_words(PARAGRAPHS[0] + " " + PARAGRAPHS[1]))
    b = shingles(normal_words(edited(PARAGRAPHS[0] + " " + PARAGRAPHS[1], 0.1, 1)))
    true = len(a & b) / len(a | b)
    signatures = minhash([a, b])
    estimate = float((signatures[0] == signatures[1]).mean())
    assert abs(estimate - true) < 0.12
    assert exact_key(normal_words("The  Border, report.")) == exact_key(normal_words("the border report"))


@pytest.mark.usefixtures("prefect_harness")
def test_a_lightly_edited_reprint_points_to_its_original_and_unrelated_text_nowhere(tmp_path, store):
    sources = tmp_path / "sources"
    sources.mkdir()
    write_doc(sources / "original.txt", "Sold across the border", PARAGRAPHS)
    first = run_ingest(str(write_registry(sources, ["original"])), str(store.root))
    assert first.ok

    # A reprint with 3 % of its words changed and a site header and footer of its own, and an
    # unrelated page of the same site: ingested in a later run, as reprints usually are.
    reprint = ["Daily Border Digest home page with all the latest news from the region today"]
    reprint += [edited(p, 0.03, seed) for seed, p in enumerate(PARAGRAPHS)] + [CHROME]
    write_doc(sources / "reprint.txt", "Reprinted: sold across the border", reprint)
    write_doc(sources / "unrelated.txt", "Harbour news", UNRELATED + [CHROME])
    sites = {"original": "Border Monitor", "reprint": "Daily Digest", "unrelated": "Daily Digest"}
    second = run_ingest(str(write_registry(sources, ["original", "reprint", "unrelated"], sites)),
                        str(store.root))
    assert second.ok

    archive = Archive(store)
    passages = archive.current("passages").to_pylist()
    by_doc = {d: [p for p in passages if p["doc_id"] == d] for d in ("original", "reprint", "unrelated")}
    original_ids = {p["passage_id"] for p in by_doc["original"]}
    long_reprinted = [p for p in by_doc["reprint"] if len(p["text"].split()) >= 20 and p["text"] != CHROME]
    assert len(long_reprinted) == len(PARAGRAPHS)
    assert all(p["origin_passage_id"] in original_ids for p in long_reprinted)
    assert all(p["origin_doc_id"] == "original" and 0.7 <= p["origin_similarity"] < 1
               for p in long_reprinted)
    assert not any(p["origin_passage_id"] for p in by_doc["unrelated"])
    assert not any(p["origin_passage_id"] for p in by_doc["original"])  # it came first

    # What an auditor sees: the reprint's borrowed passages, and a trace naming the original.
    from typer.testing import CliRunner

    from pipeline.cli import app

    runner = CliRunner()
    listed = runner.invoke(app, ["lineage", "reprint", "--store", str(store.root), "--json"])
    assert listed.exit_code == 0, listed.output
    borrowed = json.loads(listed.output)
    assert borrowed["reprint_of"] == "original" and len(borrowed["borrowed"]) == len(PARAGRAPHS)
    traced = runner.invoke(app, ["trace", long_reprinted[0]["passage_id"], "--store",
                                 str(store.root), "--json"])
    lineage = json.loads(traced.output)["lineage"]
    assert lineage["first"]["doc_id"] == "original"
    shown = runner.invoke(app, ["trace", by_doc["original"][1]["passage_id"], "--store",
                                str(store.root)], env={"COLUMNS": "200"})
    assert "first seen in original" in shown.output and "also in reprint" in shown.output

    documents = {d["doc_id"]: d for d in archive.current("documents").to_pylist()}
    assert documents["reprint"]["reprint_of"] == "original"
    assert documents["reprint"]["borrowed_share"] > 0.5
    assert documents["unrelated"]["reprint_of"] is None
    assert documents["original"]["detected_language"] == "en"


@pytest.mark.usefixtures("prefect_harness")
def test_site_chrome_shared_by_many_pages_and_short_phrases_link_nowhere(tmp_path, store):
    sources = tmp_path / "sources"
    sources.mkdir()
    names = [f"page{i}" for i in range(4)]
    for i, name in enumerate(names):
        # Every page carries the same newsletter box and a short shared phrase, and text of
        # its own: only the box and the phrase are common, and neither is a borrowing.
        own = (f"Page {i} reports on the harbour schedule number {i} with details that no "
               f"other page of this site repeats about berth {i * 7} and crane {i * 3}.")
        write_doc(sources / f"{name}.txt", f"Harbour note {i}", [own, CHROME, "Read more"])
    site = {name: "Harbour Gazette" for name in names}
    run_ingest(str(write_registry(sources, names[:1], site)), str(store.root))
    run_ingest(str(write_registry(sources, names, site)), str(store.root))
    passages = Archive(store).current("passages").to_pylist()
    assert {p["doc_id"] for p in passages if p["text"] == CHROME} == set(names)
    # Four pages of one site carry the box: it is the site's chrome, never an origin or a copy.
    linked = [p for p in passages if p["origin_passage_id"]]
    assert linked == []


def test_signals_of_prose_numbers_and_a_mixed_language_document():
    prose = text_signals(PARAGRAPHS[0])
    assert prose.language.code == "en" and prose.word_count == len(PARAGRAPHS[0].split())
    assert prose.alpha_share == 1.0 and 0.2 < (prose.stopword_share or 0) < 0.7
    table = text_signals("2009 | 1,204 | 33.5% | 2010 | 1,876 | 41.2% | 2011 | 2,034 | 44.0%")
    assert (table.digit_ratio or 0) > 0.5 and (table.alpha_share or 0) < 0.2
    assert table.language.code is None or (table.stopword_share or 0) == 0
    assert detect_language("Abstract").code is None  # one word: no guess
    assert detect_language("북한 여성들의 인신매매에 관한 증언과 국경 지역의 현실을 기록한 보고서").code == "ko"


KOREAN = ["북한 여성들은 국경을 넘은 뒤 중개인에게 팔려 가는 경우가 많으며 이들 중 다수는 여러 번 팔린 경험이 있다고 증언했다."]


@pytest.mark.usefixtures("prefect_harness")
def test_export_dedup_near_and_lang_write_a_dataset_that_croissant_and_datasets_read(
        tmp_path, store, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # local files only: no hub, no network
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    import datasets
    import duckdb
    import mlcroissant

    from pipeline.export import export

    sources = tmp_path / "sources"
    sources.mkdir()
    write_doc(sources / "original.txt", "Sold across the border", PARAGRAPHS)
    sites = {"original": "Border Monitor", "reprint": "Daily Digest", "korean": "Seoul Desk"}
    run_ingest(str(write_registry(sources, ["original"], sites)), str(store.root))
    write_doc(sources / "reprint.txt", "Reprinted: sold across the border",
              [edited(p, 0.03, seed) for seed, p in enumerate(PARAGRAPHS)]
              + [PARAGRAPHS[0]])  # an exact copy too
    write_doc(sources / "korean.txt", "국경 보고서", KOREAN * 2)
    run_ingest(str(write_registry(sources, ["original", "reprint", "korean"], sites)),
               str(store.root))

    out = tmp_path / "handoff"
    result = export(Archive(store), out, dedup="near", languages=("en",))
    tables = out / "tables"
    kept = duckdb.sql(f"select doc_id, text from '{tables / 'passages.parquet'}'").fetchall()
    duplicates = duckdb.sql(f"select doc_id, kept_doc_id, method from "
                            f"'{tables / 'duplicates.parquet'}'").fetchall()
    assert {d for d, _ in kept} == {"original", "reprint"}  # korean left out by --lang
    assert [t for d, t in kept if d == "original"] and \
        len([t for d, t in kept if d == "reprint" and len(t.split()) >= 20]) == 0
    assert {(d, k) for d, k, _ in duplicates} == {("reprint", "original")}
    assert {m for _, _, m in duplicates} == {"near", "exact"}
    assert result.row_counts["duplicates"] == len(duplicates) == len(PARAGRAPHS) + 1

    dataset = mlcroissant.Dataset(jsonld=out / "croissant.json")  # validates, or raises
    texts = [r["passages/text"] for r in dataset.records(record_set="passages")]
    assert len(texts) == len(kept)
    loaded = datasets.load_dataset("parquet", data_files=str(tables / "passages.parquet"),
                                   split="train", cache_dir=str(tmp_path / "hf"))
    assert loaded.num_rows == len(kept) and "origin_passage_id" in loaded.column_names


@pytest.mark.usefixtures("prefect_harness")
def test_a_document_of_one_repeated_sentence_and_empty_or_one_word_lines_stay_cheap(tmp_path, store):
    """2,000 copies of one line in one document, and again on another site: every copy is
    linked, and the line is indexed a few times, not 4,000."""
    sources = tmp_path / "sources"
    sources.mkdir()
    line = "Please read our terms of service before you continue to use this website today."
    write_doc(sources / "first.txt", "Terms", [line] * 2_000 + ["ok", "Fine."])
    write_doc(sources / "second.txt", "Terms again", [line] * 2_000)
    sites = {"first": "One Site", "second": "Another Site"}
    run_ingest(str(write_registry(sources, ["first"], sites)), str(store.root))
    assert run_ingest(str(write_registry(sources, ["first", "second"], sites)),
                      str(store.root)).ok
    archive = Archive(store)
    index = archive.current("lineage_index")
    assert index.num_rows <= 2 * (1 + 32 + 3)  # one banded first copy, a few exact rows
    second = [p for p in archive.current("passages").to_pylist() if p["doc_id"] == "second"]
    assert len(second) >= 2_000 and all(p["origin_doc_id"] == "first" for p in second
                                         if p["text"] == line)


def test_candidates_per_key_stay_bounded_however_often_a_line_repeats():
    from datetime import datetime, timezone

    from pipeline.lineage import BOILERPLATE_DOCS, _Buckets, _Entry

    buckets = _Buckets()
    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for n in range(100_000):
        buckets.add(7, _Entry(f"p{n}", f"doc{n % 1000}", when, f"site{n % 5}", 7))
    kept = buckets.get(7)
    assert len(kept) == 5 * BOILERPLATE_DOCS  # three documents of each of the five sites
    assert len({e.doc_id for e in kept}) == len(kept)


def test_a_run_with_no_new_passages_reads_no_index_rows(tmp_path, store):
    """An unchanged re-run links nothing, so it must not read the lineage index: with no keys
    to look up, the lookup once had no filter and read every row (0.8 s on the sample corpus)."""
    sources = tmp_path / "sources"
    sources.mkdir()
    write_doc(sources / "first.txt", "Original", PARAGRAPHS)
    registry = str(write_registry(sources, ["first"]))
    run_ingest(registry, str(store.root))

    scanned: list[str] = []

    class Watched(Archive):
        def scan(self, table, *args, **kwargs):
            scanned.append(table)
            return super().scan(table, *args, **kwargs)

    run = RunWriter(run_id="unchanged", started_at=datetime.now(timezone.utc),
                    registry=registry)
    link(Watched(store), run)
    assert "lineage_index" not in scanned and run.rows["lineage_index"] == []


def test_index_rows_are_written_in_key_order_so_a_key_lookup_skips_row_groups(tmp_path, store):
    """Hash keys spread over every file: sorted, each row group's min/max statistics span a
    narrow range, and a lookup of one key can skip all but one row group of each file."""
    sources = tmp_path / "sources"
    sources.mkdir()
    write_doc(sources / "long.txt", "Long", [edited(p, 0.3, seed) for seed in range(16)
                                              for p in PARAGRAPHS])
    run_ingest(str(write_registry(sources, ["long"])), str(store.root))
    index = DeltaTable(str(Archive(store).uri("lineage_index")))
    ranges = []
    for uri in index.file_uris():
        metadata = pq.ParquetFile(uri).metadata
        column = metadata.schema.names.index("key")
        ranges += [(metadata.row_group(g).column(column).statistics.min,
                    metadata.row_group(g).column(column).statistics.max)
                   for g in range(metadata.num_row_groups)]
    assert len(ranges) >= 2
    assert all(high < low for (_, high), (low, _) in zip(ranges, ranges[1:]))


def test_a_key_is_read_from_the_row_groups_whose_key_range_holds_it(tmp_path, store):
    """The lineage of one passage (the workbench's pane, trace) reads its exact key from the
    row groups whose min/max range holds it, known from the files' footers read once per
    snapshot, and finds the same rows as a filter over the whole index."""
    import pyarrow.compute as pc

    from pipeline.query import Snapshot

    sources = tmp_path / "sources"
    sources.mkdir()
    write_doc(sources / "long.txt", "Long", [edited(p, 0.3, seed) for seed in range(16)
                                              for p in PARAGRAPHS])
    write_doc(sources / "copy.txt", "Copy", PARAGRAPHS[:2])
    write_doc(sources / "twin.txt", "Twin", PARAGRAPHS[:2])
    run_ingest(str(write_registry(sources, ["long", "copy", "twin"])), str(store.root))
    snapshot = Snapshot(Archive(store))
    index = snapshot.rows("lineage_index", columns=["key", "key_kind"])
    exact = pc.equal(index["key_kind"], "exact")
    keys = sorted(set(index.filter(exact)["key"].to_pylist()))
    columns = ["passage_id", "doc_id", "key_kind"]
    for key in keys[:: max(1, len(keys) // 20)] + [keys[0] - 1]:
        found = snapshot.key_rows("lineage_index", "key", key, pc.field("key_kind") == "exact",
                                  columns)
        expected = snapshot.rows("lineage_index", (pc.field("key") == key)
                                 & (pc.field("key_kind") == "exact"), columns)
        assert sorted(found.to_pylist(), key=str) == sorted(expected.to_pylist(), key=str)
    ranges = snapshot._ranges[("lineage_index", "key")]
    spans = [span for _, file_spans in ranges.files for span in file_spans]
    holding = [sum(1 for span in spans if span is None or span[0] <= k <= span[1]) for k in keys]
    assert len(spans) >= 2 and max(holding) <= len(ranges.files)
    copied = next(p for p in snapshot.passages("copy") if p["text"] == PARAGRAPHS[0])
    captured = snapshot.document("copy").document["captured_at"]
    lineage = passage_lineage(snapshot, copied, captured)
    assert lineage is not None
    assert {s.doc_id for s in (lineage.first, *lineage.also)} == {"copy", "twin"}


def _filler(count: int, seed: int) -> list[tuple[str, str, list[str]]]:
    """``count`` documents of random words, each of its own site: they share no passage."""
    rng = random.Random(seed)
    vocabulary = [f"word{n}" for n in range(5_000)]
    return [(f"fill-{seed}-{n}", f"f{seed}-{n}.example",
             [" ".join(rng.choices(vocabulary, k=40)) for _ in range(3)]) for n in range(count)]


def _run_of(documents, batch: int | None, sabotage: bool = False):
    """A run of ``documents`` (doc id, site, paragraphs), linked and spilled every ``batch``
    documents as a long ingest does (None: linked once); ``sabotage``: the first spilled
    lineage_index file is overwritten with garbage after each spill."""
    from datetime import timedelta

    from pipeline.model import Block, Capture, DocumentMeta, Extraction, Locator, Source
    from pipeline.segment import segment

    run = RunWriter(run_id="one", started_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    for n, (doc_id, site, paragraphs) in enumerate(documents):
        capture = Capture(doc_id, f"https://{site}/{doc_id}",
                          run.started_at + timedelta(minutes=n), doc_id, 1, "text/html", "html")
        extraction = Extraction("test", "1", DocumentMeta(),
                                tuple(Block("paragraph", p, Locator()) for p in paragraphs))
        run.add_document(segment(doc_id, extraction), Source(doc_id, capture.uri), capture, 1)
        if batch and (n + 1) % batch == 0:
            yield run
            run.spill()
            if sabotage:
                run.staged["lineage_index"][0].write_bytes(b"not parquet")
    yield run


def _linked_in_batches(store, batch: int | None, documents=None
                       ) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Ingest originals, copies, an edited copy, an excerpt, unrelated pages and one site's
    chrome (or ``documents``) as one run, linked and spilled every ``batch`` documents as a
    long ingest does (None: linked once); returns its passages' origins, documents' reprint
    marks and index."""
    chrome = [CHROME]
    documents = documents or [
        ("orig-a", "a.example", PARAGRAPHS[:3]), ("orig-b", "b.example", PARAGRAPHS[3:]),
        ("copy-c", "c.example", chrome + PARAGRAPHS[:3]),
        ("edit-d", "d.example", [edited(p, 0.03, n) for n, p in enumerate(PARAGRAPHS)]),
        ("part-c", "c.example", chrome + PARAGRAPHS[3:4]),
        ("unrel-c", "c.example", chrome + UNRELATED),
        ("copy-e", "e.example", PARAGRAPHS[1:] + UNRELATED[:1])]
    archive = Archive(store)
    for run in _run_of(documents, batch):
        link(archive, run)
    archive.commit(run)
    origins = sorted((p["passage_id"], p["origin_passage_id"], p["origin_similarity"])
                     for p in archive.current("passages").to_pylist())
    reprints = sorted((d["doc_id"], d["reprint_of"], d["borrowed_share"])
                      for d in archive.current("documents").to_pylist())
    index = sorted((r["passage_id"], r["key"], r["key_kind"])
                   for r in archive.current("lineage_index").to_pylist())
    return origins, reprints, index


def test_batch_boundaries_lose_no_candidate_pairs(tmp_path, monkeypatch):
    """Linked a document at a time (each batch's index rows and passages spilled before the
    next looks them up) and hashed three passages at a time, a run gets the same origins,
    reprint marks and index rows as linked in one piece: copies whose original is in an
    earlier batch are found, and chrome is recognised across batches."""
    import pipeline.lineage
    from pipeline.store import Store

    whole = _linked_in_batches(Store.at(tmp_path / "whole"), None)
    monkeypatch.setattr(pipeline.lineage, "HASH_CHUNK", 3)
    batched = _linked_in_batches(Store.at(tmp_path / "batched"), 1)
    assert batched == whole
    origins, reprints, index = whole
    assert sum(o is not None for _, o, _ in origins) >= 10  # copies, the edit, the excerpt
    assert {d: r for d, r, _ in reprints}["copy-c"] == "orig-a"
    assert {k for _, _, k in index} == {"exact", "band"}


def test_a_reprint_several_spills_after_its_original_is_linked_as_in_one_piece(tmp_path):
    """The original in the first spilled batch, four spills of unrelated pages, then two
    copies of other sites (the second spilled batch on): found through the filter of spilled
    keys and the files' key columns, with the same origins, marks and index as linked once."""
    from pipeline.store import Store

    documents = ([("orig-a", "a.example", PARAGRAPHS[:3] + [CHROME])] + _filler(7, 1)
                 + [("copy-c", "c.example", PARAGRAPHS[:3]),
                    ("edit-d", "d.example", [edited(p, 0.03, n) for n, p in
                                             enumerate(PARAGRAPHS[:3])])])
    whole = _linked_in_batches(Store.at(tmp_path / "whole"), None, documents)
    batched = _linked_in_batches(Store.at(tmp_path / "batched"), 2, documents)
    assert batched == whole
    reprints = {d: r for d, r, _ in whole[1]}
    assert reprints["copy-c"] == reprints["edit-d"] == "orig-a"


def test_a_batch_sharing_no_key_with_the_spilled_ones_reads_no_spilled_index_file(tmp_path):
    """Linking opens no spilled lineage_index file for keys the filter of spilled keys rules
    out: the first file is garbage after each spill here, and unrelated batches still link
    (looking every batch's keys up in every spilled file made linking's per-batch cost grow
    with the run: 38 % of its time at 10,000 records)."""
    from pipeline.store import Store

    archive = Archive(Store.at(tmp_path / "store"))
    for run in _run_of(_filler(6, 2), 1, sabotage=True):
        link(archive, run)
    assert len(run.staged["lineage_index"]) == 6
    assert all(p["origin_passage_id"] is None for p in run.rows["passages"])


def test_link_memory_per_passage_stays_small_however_large_the_batch(tmp_path, monkeypatch):
    """Python memory of linking 4,000 new passages, hashed 500 at a time: a few KB each
    (the 33 int64 keys, an entry, the words of one hash chunk). Holding every passage's
    shingles, a bucket per key and the index rows as dicts cost 39 KB a passage, so a run of
    50,000 peaked at 3.45 GB."""
    import tracemalloc
    from datetime import timedelta

    import pipeline.lineage
    from pipeline.model import Block, Capture, DocumentMeta, Extraction, Locator, Source
    from pipeline.segment import segment
    from pipeline.store import Store

    monkeypatch.setattr(pipeline.lineage, "HASH_CHUNK", 500)
    rng = random.Random(5)
    vocabulary = [f"word{n}" for n in range(5_000)]
    run = RunWriter(run_id="big", started_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    passages = 4_000
    for d in range(passages // 20):
        capture = Capture(f"d{d}", f"https://s{d % 7}.example/d{d}",
                          run.started_at + timedelta(seconds=d), f"d{d}", 1, "text/html", "html")
        blocks = tuple(Block("paragraph", " ".join(rng.choices(vocabulary, k=40)), Locator())
                       for _ in range(20))
        run.add_document(segment(f"d{d}", Extraction("t", "1", DocumentMeta(), blocks)),
                         Source(f"d{d}", capture.uri), capture, 1)
    tracemalloc.start()
    try:
        link(Archive(Store.at(tmp_path / "store")), run)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak / passages < 12 * 1024
    assert run.rows["lineage_index"] == [] and run.staged["lineage_index"]  # rows on disk


def test_link_takes_the_keys_made_with_the_document_and_makes_the_others(tmp_path):
    # The extraction worker makes each passage's keys (pipeline.rows.derive); link must index
    # those, not hash the text again, and still hash a passage that came without keys.
    from pipeline.store import Store
    from pipeline.textutil.fingerprint import BANDS, passage_keys

    archive = Archive(Store.at(str(tmp_path / "archive")))
    run = RunWriter(run_id="run", started_at=datetime(2024, 1, 1, tzinfo=timezone.utc))
    when = datetime(2024, 1, 1, tzinfo=timezone.utc)
    run.rows["documents"].append({"doc_id": "d", "doc_version": 1, "uri": "https://a.example/d",
                                  "canonical_url": None, "source_metadata": "{}",
                                  "captured_at": when, "word_count": 60})
    for n, text in enumerate(PARAGRAPHS[:2]):
        run.rows["passages"].append({"passage_id": f"p{n}", "doc_id": "d", "doc_version": 1,
                                     "text": text, "word_count": 30})
    made = (7, *range(100, 100 + BANDS))  # not what hashing p0's text gives
    run.passage_keys["p0"] = made
    link(archive, run)
    index = run.scan_staged("lineage_index", None, ["passage_id", "key"]).to_pylist()
    assert sorted(r["key"] for r in index if r["passage_id"] == "p0") == sorted(made)
    assert sorted(r["key"] for r in index if r["passage_id"] == "p1") == \
        sorted(passage_keys([PARAGRAPHS[1]])[0])
