"""Browse: time every page of ``archivist browse`` on an archive of 100,000 documents.

    .venv/bin/python benchmarks/browse.py [--docs 100000] [--repeat 5] [--store DIR]

Ingesting 100,000 documents through the flows takes hours on two cores (benchmarks/bulk.py:
about 5 documents a second), so the archive is written straight into its Delta tables instead:
five documents made by benchmarks/scale.py's generator (two HTML pages, two text files, a PDF)
are ingested through the library's real steps, and every generated document copies the rows of
one of them, as that ingest wrote them, with its own id, its own text (scale.py's sentences for
its number), its own raw bytes (the template's with a line of its own appended, so the pane
reads and hashes a real capture of its own; the locators stay the template's) and its lineage
index rows made from its text. Version 1 holds them all; version 2 changes one passage of
every 100th document, adds 1 in 1,000 new documents and records a failure for 1 in 2,000
sources. Rows are validated against schemas/ (``to_arrow``) and appended in chunks; each
version's ``runs`` row is written by ``Archive.commit``.

Each page is then fetched over HTTP from the real app (uvicorn on 127.0.0.1) once to warm it
(the first search builds the search index: timed on its own), then ``--repeat`` times; the
median and the slowest are printed against the 300 ms goal. The baseline, measured in the same
run, is the scan the search page did before the index (``Snapshot.search``); the ratio is
printed last. ``--store`` keeps the generated store for another run (it is reused if there).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from scale import sentence, write_corpus  # noqa: E402  (benchmarks/ is this script's folder)

GOAL_MS = 300.0
CHUNK = 10_000
"""Documents generated and appended per Delta commit."""
TEMPLATES = 5
CHANGED_EVERY, NEW_EVERY, FAILED_EVERY = 100, 1000, 2000
NO_ORIGIN = {"origin_passage_id": None, "origin_doc_id": None, "origin_captured_at": None,
             "origin_similarity": None}
"""A generated passage copies no earlier one (the templates may copy each other)."""


def ingest_templates(folder: Path, store: Any) -> None:
    """The template documents, through the library's ingest steps and lineage."""
    from pipeline.archive import Archive, RunWriter
    from pipeline.build import ingest_source, plan_ingest, record_result
    from pipeline.capture import CaptureOptions
    from pipeline.lineage import link
    from pipeline.registry import load_registry

    registry = write_corpus(folder, TEMPLATES)
    archive = Archive(store)
    now = datetime.now(timezone.utc)
    run = RunWriter(str(uuid.uuid4()), now, str(registry))
    for work in plan_ingest(load_registry(registry), archive, now):
        record_result(run, ingest_source(work, store, CaptureOptions()))
    link(archive, run)
    archive.commit(run)


def paragraphs(n: int) -> list[str]:
    """Document n's paragraphs exactly as scale.py writes them."""
    return [" ".join(sentence(n, k * 4 + j) for j in range(4)) for k in range(4)]


def retext(text: str, t: int, n: int) -> str:
    """A template passage's text as document n's: its paragraph, title or record numbers."""
    own = paragraphs(t)
    if text in own:
        return paragraphs(n)[own.index(text)]
    return text.replace(f"Document {t}", f"Document {n}").replace(f"Record {t}.",
                                                                    f"Record {n}.")


def short_id(*parts: object) -> str:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).hexdigest()


class Generator:
    """Rows of generated documents copied from the templates' rows."""

    def __init__(self, archive: Any) -> None:
        from pipeline.query import Snapshot

        snap = Snapshot(archive)
        self.archive = archive
        self.store = archive.store
        self.rows: dict[int, dict[str, list[dict[str, Any]]]] = {}
        captures = {r["sha256"]: r for r in snap.rows("captures").to_pylist()}
        for t in range(TEMPLATES):
            doc_id = f"doc-{t:05d}"
            tables = {table: snap.current(table, doc_id)
                      for table in ("documents", "passages", "footnotes", "removed")}
            tables["captures"] = [captures[tables["documents"][0]["capture_sha256"]]]
            self.rows[t] = tables
        self.blobs = {t: self.store.read_blob(self.rows[t]["captures"][0]["sha256"])
                      for t in range(TEMPLATES)}

    def document(self, n: int, run_id: str, doc_version: int, captured_at: datetime,
                 edit: bool = False) -> dict[str, list[dict[str, Any]]]:
        """Document n's rows at ``doc_version`` (``edit``: one passage's text changed)."""
        t = n % TEMPLATES
        rows = self.rows[t]
        doc_id = f"gen-{n:06d}"
        suffix = {"html": b"<!-- copy %d v%d -->\n", "pdf": b"%%copy %d v%d\n"}.get(
            rows["documents"][0]["kind"], b"\n[copy %d v%d]\n")
        data = self.blobs[t] + suffix % (n, doc_version)
        sha = hashlib.sha256(data).hexdigest()
        path = Path(self.store.blob_path(sha))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)  # no fsync: generated data, not an archive to keep
        common = {"doc_id": doc_id, "doc_version": doc_version, "run_id": run_id,
                  "capture_sha256": sha}
        passages = []
        for p in rows["passages"]:
            text = retext(p["text"], t, n)
            if edit and p["ordinal"] == 1:
                text = text.replace("river", "stream", 1) + " Revised."
            passages.append({**p, **common, "text": text, **NO_ORIGIN,
                             "passage_id": short_id(doc_id, p["ordinal"], text)})
        footnotes = [{**f, **common, "text": retext(f["text"], t, n),
                      "footnote_id": short_id(doc_id, "note", f["label"], doc_version)}
                     for f in rows["footnotes"]]
        removed = [{**r, **common} for r in rows["removed"]]
        source_id = f"source-{n:06d}"
        doc = rows["documents"][0]
        documents = [{**doc, **common, "source_id": source_id,
                      "uri": f"https://example.org/{doc_id}", "title": f"Document {n}",
                      "content_hash": short_id(doc_id, doc_version, edit),
                      "captured_at": captured_at, "borrowed_share": None, "reprint_of": None}]
        capture = {**rows["captures"][0], "source_id": source_id, "sha256": sha,
                   "size": len(data), "uri": f"https://example.org/{doc_id}",
                   "captured_at": captured_at, "run_id": run_id}
        return {"documents": documents, "passages": passages, "footnotes": footnotes,
                "removed": removed, "captures": [capture]}


def lineage_rows(passages: list[dict[str, Any]], captured_at: datetime) -> Any:
    """The ``lineage_index`` rows of new passages (an exact key and 32 band keys each), as
    lineage.link writes them for passages seen nowhere before."""
    import numpy as np
    import pyarrow as pa

    from pipeline.schema import arrow_schema
    from pipeline.textutil.fingerprint import (
        MIN_WORDS,
        band_keys,
        exact_key,
        normal_words,
        shingles,
    )

    long = [(p, normal_words(p["text"])) for p in passages]
    long = [(p, tokens) for p, tokens in long if len(tokens) >= MIN_WORDS]
    if not long:
        return arrow_schema("lineage_index").empty_table()
    bands = band_keys([shingles(tokens) for _, tokens in long])
    exact = np.array([exact_key(tokens) for _, tokens in long], dtype=np.int64)
    per = bands.shape[1] + 1
    keys = np.concatenate([exact[:, None], bands], axis=1).reshape(-1)
    kinds = (["exact"] + ["band"] * bands.shape[1]) * len(long)

    def repeat(values: list[Any]) -> list[Any]:
        return [v for v in values for _ in range(per)]

    columns = {"key": keys, "key_kind": kinds,
               "passage_id": repeat([p["passage_id"] for p, _ in long]),
               "doc_id": repeat([p["doc_id"] for p, _ in long]),
               "doc_version": repeat([p["doc_version"] for p, _ in long]),
               "captured_at": [captured_at] * len(keys), "host": ["example.org"] * len(keys),
               "exact_key": np.repeat(exact, per), "run_id": repeat([p["run_id"] for p, _ in long])}
    schema = arrow_schema("lineage_index")
    return pa.table({f.name: pa.array(columns[f.name], f.type) for f in schema}, schema=schema)


def write_version(archive: Any, gen: Generator, numbers: list[tuple[int, int, bool]],
                  failed: list[int], at: datetime) -> None:
    """One run: documents (number, doc_version, edited), failures, then its runs row."""
    from deltalake import write_deltalake

    from pipeline.archive import DATA_TABLES, WRITER_PROPERTIES, RunWriter, layout
    from pipeline.errors import CaptureError
    from pipeline.schema import to_arrow

    run = RunWriter(str(uuid.uuid4()), at, "generated")
    for first in range(0, len(numbers), CHUNK):
        tables: dict[str, list[dict[str, Any]]] = {t: [] for t in DATA_TABLES}
        for n, doc_version, edit in numbers[first:first + CHUNK]:
            for table, rows in gen.document(n, run.run_id, doc_version, at, edit).items():
                tables[table].extend(rows)
            run.outcomes[f"source-{n:06d}"] = "new" if doc_version == 1 else "changed"
        batches = {t: to_arrow(t, rows) for t, rows in tables.items() if rows}
        batches["lineage_index"] = lineage_rows(tables["passages"], at)
        for table, batch in batches.items():  # as Archive.commit writes them
            write_deltalake(archive.uri(table), layout(batch), mode="append",
                            schema_mode="merge", writer_properties=WRITER_PROPERTIES)
        print(f"  {first + len(numbers[first:first + CHUNK]):,} documents", flush=True)
    for n in failed:
        run.add_failure(f"source-{n:06d}", CaptureError("generated: the server said 503"), None)
    write_deltalake(archive.uri("failures"), to_arrow("failures", run.rows["failures"]),
                    mode="append", schema_mode="merge")
    run.rows["failures"] = []
    run.appended.update(DATA_TABLES)  # written above: commit writes the runs row only,
    run.force_version = True  # and, not seeing these rows, would keep the version
    archive.commit(run)


def generate(store_path: Path, docs: int) -> None:
    from pipeline.archive import Archive
    from pipeline.store import Store

    store = Store.at(store_path)
    with tempfile.TemporaryDirectory(prefix="archivist-browse-") as tmp:
        ingest_templates(Path(tmp), store)
    archive = Archive(store)
    gen = Generator(archive)
    start = datetime.now(timezone.utc)
    print("version 2 (generated):", flush=True)
    write_version(archive, gen, [(n, 1, False) for n in range(docs)], [], start)
    changed = [(n, 2, True) for n in range(0, docs, CHANGED_EVERY)]
    new = [(n, 1, False) for n in range(docs, docs + docs // NEW_EVERY)]
    print("version 3 (generated):", flush=True)
    write_version(archive, gen, changed + new, list(range(1, docs, FAILED_EVERY)),
                  start + timedelta(days=1))


def serve(archive: Any) -> tuple[str, Any]:
    import uvicorn

    from pipeline.browse.app import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(archive), log_level="warning"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server


def timed(client: Any, path: str, repeat: int) -> tuple[float, float, float]:
    """(first, median, slowest) milliseconds of GET ``path``."""
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"GET {path}: {response.status_code} {response.text[:300]}")
    return times[0], statistics.median(times[1:]), max(times[1:])


def pages(archive: Any, docs: int) -> list[tuple[str, str]]:
    """(page kind, path) of every page the benchmark times."""
    from pipeline.browse.listing import PAGE_SIZE
    from pipeline.query import Snapshot

    snap = Snapshot(archive)
    n = docs // 2 + 7  # a document of each kind near the middle of the list
    by_kind = {}
    for number in range(n, n + TEMPLATES):
        doc = snap.document(f"gen-{number:06d}")
        by_kind[doc.document["kind"]] = doc
    middle = max(1, docs * 2 // 5 // PAGE_SIZE // 2)  # 2 in 5 documents are text files
    edited = f"gen-{(docs // 2) // CHANGED_EVERY * CHANGED_EVERY:06d}"
    out = [("archive", "/"),
           ("documents: status", "/?status=changed"),
           ("documents: kind, a middle page", f"/?kind=text&page={middle}"),
           ("documents: source", f"/?source={n:06d}"),
           ("search: one document", f"/search?q=Record+{n}.2"),
           ("search: common words", "/search?q=border+testimony"),
           ("search: version 2", f"/search?q=Record+{n}.2&version=2")]
    for kind, doc in sorted(by_kind.items()):
        doc_id = doc.document["doc_id"]
        passage = doc.passages[min(1, len(doc.passages) - 1)]["passage_id"]
        out += [(f"document: {kind}", f"/doc/{doc_id}"),
                (f"document + pane: {kind}", f"/doc/{doc_id}?item={passage}"),
                (f"source pane: {kind}", f"/pane/{passage}")]
        if kind == "pdf":
            out.append(("page image: pdf", f"/page/{passage}/1.png"))
        if kind == "html":
            out += [("captured page: html", f"/capture/{passage}"),
                    ("lineage (after the pane): html", f"/lineage/{passage}")]
    out += [("document, older version", f"/doc/{edited}?version=2"),
            ("diff: version 2 to 3", "/diff"),
            ("diff: version 2 to 3, page 2", "/diff?page=2"),
            ("diff: one document", f"/diff?doc={edited}")]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--store", type=Path, help="keep (or reuse) the generated store here")
    args = parser.parse_args()
    import httpx

    from pipeline.archive import Archive
    from pipeline.browse.index import SearchIndex
    from pipeline.query import Snapshot
    from pipeline.store import Store

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    tmp = None
    if args.store is None:
        tmp = tempfile.mkdtemp(prefix="archivist-browse-store-")
        args.store = Path(tmp)
    try:
        if not (args.store / "curated").exists():
            started = time.perf_counter()
            generate(args.store, args.docs)
            print(f"generated {args.docs:,} documents in {time.perf_counter() - started:.0f} s",
                  flush=True)
        archive = Archive(Store.at(args.store))
        started = time.perf_counter()
        SearchIndex(archive).update()
        print(f"search index built in {time.perf_counter() - started:.0f} s", flush=True)
        url, server = serve(archive)
        rows = []
        with httpx.Client(base_url=url, timeout=600) as client:
            for kind, path in pages(archive, args.docs):
                first, median, slowest = timed(client, path, args.repeat)
                rows.append((kind, first, median, slowest))
                print(f"  {kind}: {median:.0f} ms", flush=True)
        server.should_exit = True
        phrase = f"Record {args.docs // 2 + 7}.2"
        scan = []
        for _ in range(max(1, args.repeat // 2)):
            started = time.perf_counter()
            Snapshot(archive).search(phrase, 50)
            scan.append((time.perf_counter() - started) * 1000)
        indexed = next(r for r in rows if r[0] == "search: one document")[2]
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{'page':<34} {'first ms':>9} {'median ms':>10} {'max ms':>8}  goal {GOAL_MS:.0f} ms")
    for kind, first, median, slowest in rows:
        verdict = "ok" if slowest <= GOAL_MS else "over"
        print(f"{kind:<34} {first:>9.0f} {median:>10.0f} {slowest:>8.0f}  {verdict}")
    print(f"\nload average {os.getloadavg()[0]:.1f}")
    print(f"baseline: the scan search (Snapshot.search) {statistics.median(scan):.0f} ms; the "
          f"search page over the index {indexed:.0f} ms: ratio "
          f"{statistics.median(scan) / indexed:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
