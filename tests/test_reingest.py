"""Re-ingestion end to end: a real HTTP server on 127.0.0.1 with ETag/Last-Modified, three runs.

Run 1 ingests every page; run 2 gets 304s and records revisits with no new versions; run 3
sees two edited pages and one removed paragraph, and ``diff`` reports exactly those. Every
version exports as a BagIt bag that validates and reads back with DuckDB and pandas.
"""

from __future__ import annotations

import hashlib
import os
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import bagit
import duckdb
import pandas as pd
import pytest
from warcio.archiveiterator import ArchiveIterator

from pipeline.archive import Archive
from pipeline.diff import diff_versions
from pipeline.export import export
from pipeline.registry import load_registry
from pipeline.schedule import source_statuses
from pipeline.store import Store

PARAGRAPHS = {
    "rivers": ["The river runs along the border for five hundred kilometres and freezes in "
               "the coldest weeks of winter.",
               "People who cross at night rely on guides who know where the water is shallow.",
               "Guards patrol the banks and the crossings change from one season to the next."],
    "markets": ["Markets in the border towns sell rice, batteries and second-hand phones.",
                "Traders move goods across the river when the guards can be persuaded.",
                "Prices rise sharply in spring when the roads are closed by the thaw."],
    "shelters": ["Shelters in the cities take in women who have escaped forced marriages.",
                 "Volunteers teach the language and help with papers for the journey south.",
                 "Many stay only a few weeks before moving on to a safer country."],
    "letters": ["The letters were written over ten years and kept in a biscuit tin.",
                "They describe daily life in a village near the river in plain words.",
                "The last letter ends with a promise to write again in the autumn."],
}


def page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (f"<!doctype html><html lang=\"en\"><head><title>{title}</title></head><body>"
            f"<nav><a href=\"/\">Home</a></nav><article><h1>{title}</h1>\n{body}</article>"
            "<footer>Copyright 2024</footer></body></html>").encode()


class Site:
    """Pages served with ETag and Last-Modified, answering 304 to a matching conditional GET."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[bytes, str, str]] = {}
        self.statuses: list[int] = []
        self.lock = threading.Lock()

    def put(self, path: str, body: bytes, modified: float) -> None:
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        self.pages[path] = (body, etag, formatdate(modified, usegmt=True))

    def handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                found = site.pages.get(self.path)
                status = 404 if found is None else (
                    304 if self.headers.get("If-None-Match") == found[1] else 200)
                with site.lock:
                    site.statuses.append(status)
                self.send_response(status)
                if found is not None:
                    self.send_header("ETag", found[1])
                    self.send_header("Last-Modified", found[2])
                body = found[0] if status == 200 else b""
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        return Handler


@pytest.fixture(scope="module")
def site():
    the_site = Site()
    for number, (name, paragraphs) in enumerate(PARAGRAPHS.items()):
        the_site.put(f"/{name}.html", page(name.title(), paragraphs), 1_700_000_000 + number)
    server = ThreadingHTTPServer(("127.0.0.1", 0), the_site.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    the_site.base = f"http://127.0.0.1:{server.server_port}"
    yield the_site
    server.shutdown()
    server.server_close()


def registry_for(folder: Path, base: str, names) -> Path:
    entries = "".join(f'[[source]]\nid = "{n}"\nuri = "{base}/{n}.html"\n\n' for n in names)
    path = folder / "sources.toml"
    path.write_text('[settings]\nallow_private_hosts = ["127.0.0.1"]\n\n' + entries)
    return path


@pytest.fixture(scope="module")
def three_runs(site, tmp_path_factory, prefect_harness):
    """Run 1: all new (version 1); run 2: nothing changed (still version 1); run 3: three pages
    edited (version 2)."""
    from flows.ingest import run_ingest

    folder = tmp_path_factory.mktemp("reingest")
    registry = registry_for(folder, site.base, PARAGRAPHS)
    store = Store.at(folder / "store")
    summaries, blobs, statuses = [], [], []
    for run in range(3):
        if run == 2:
            rivers, markets, shelters = (list(PARAGRAPHS[k]) for k in
                                         ("rivers", "markets", "shelters"))
            rivers[1] = rivers[1].replace("at night", "before dawn")
            markets[0] = markets[0].replace("second-hand phones", "used radios")
            del shelters[2]
            site.put("/rivers.html", page("Rivers", rivers), 1_800_000_000)
            site.put("/markets.html", page("Markets", markets), 1_800_000_000)
            site.put("/shelters.html", page("Shelters", shelters), 1_800_000_000)
        site.statuses.clear()
        summaries.append(run_ingest(str(registry), str(store.root), max_workers=4))
        blobs.append(len(store.blobs()))
        statuses.append(sorted(site.statuses))
    return Archive(store), summaries, blobs, statuses


@pytest.mark.slow
def test_first_run_ingests_every_page(three_runs):
    archive, summaries, _, statuses = three_runs
    assert summaries[0].count("new") == 4 and summaries[0].ok
    assert statuses[0] == [200] * 4
    assert archive.document_versions(1) == {name: 1 for name in PARAGRAPHS}


@pytest.mark.slow
def test_second_run_records_revisits_without_new_bytes_or_versions(three_runs):
    archive, summaries, blobs, statuses = three_runs
    assert statuses[1] == [304] * 4  # the conditional request was sent and honoured
    assert summaries[1].count("unchanged") == 4 and summaries[1].count("new") == 0
    assert blobs[1] == blobs[0]  # no new raw bytes
    assert summaries[1].archive_version == 1 and not summaries[1].new_version
    run2 = archive.runs()[1]["run_id"]
    captures = [c for c in archive.read("captures", 1).to_pylist() if c["run_id"] == run2]
    assert len(captures) == 4 and all(c["revisit"] and c["http_status"] == 304 for c in captures)
    for capture in captures:
        with open(archive.store.root / capture["warc_path"], "rb") as handle:
            records = list(ArchiveIterator(handle))
        assert [r.rec_type for r in records] == ["revisit"]
        assert records[0].rec_headers.get_header("WARC-Payload-Digest") == \
            f"sha256:{capture['sha256']}"


@pytest.mark.slow
def test_third_run_diff_reports_exactly_the_edits(three_runs):
    archive, summaries, blobs, _ = three_runs
    assert summaries[2].count("changed") == 3 and summaries[2].count("unchanged") == 1
    assert blobs[2] == blobs[1] + 3
    assert summaries[2].archive_version == 2
    result = diff_versions(archive, 1, 2)
    found = sorted((c.doc_id, c.item, c.change) for c in result.changes)
    assert found == [("markets", "passage", "changed"), ("rivers", "passage", "changed"),
                     ("shelters", "passage", "removed")]
    by_doc = {c.doc_id: c for c in result.changes}
    assert ("delete", "at night") in by_doc["rivers"].words
    assert ("insert", "before dawn") in by_doc["rivers"].words
    assert ("delete", "second-hand phones.") in by_doc["markets"].words
    assert by_doc["shelters"].old_text == PARAGRAPHS["shelters"][2]


@pytest.mark.slow
@pytest.mark.parametrize("version", [1, 2])
def test_every_version_exports_as_a_valid_bag_that_reads_back(three_runs, tmp_path, version):
    archive = three_runs[0]
    out = tmp_path / f"v{version}"
    result = export(archive, out, version, bag=True)
    bag = bagit.Bag(str(out))
    bag.validate()  # raises BagValidationError on any checksum or completeness problem
    assert "sha256" in bag.algorithms
    for table in ("documents", "passages", "captures", "runs"):
        expected = (archive.current(table, version) if table in ("documents", "passages")
                    else archive.read(table, version)).num_rows
        parquet = out / "data" / "tables" / f"{table}.parquet"
        count = duckdb.connect().execute(
            "SELECT count(*) FROM read_parquet(?)", [str(parquet)]).fetchone()[0]
        assert count == expected == len(pd.read_parquet(parquet)) == result.row_counts[table]
    card = (out / "data" / "README.md").read_text()
    assert f"archive version {version}" in card and "rivers" in card
    assert "read_parquet" in card and "pd.read_parquet" in card


def test_local_file_unchanged_is_a_revisit_without_reading(tmp_path, store):
    from pipeline.capture import capture
    from pipeline.model import Source

    path = tmp_path / "note.txt"
    path.write_text("A short note about the river.\n")
    source = Source("note", str(path))
    first = capture(source, store)
    assert not first.revisit and first.mtime is not None
    second = capture(source, store, previous=first)
    assert second.revisit and second.sha256 == first.sha256
    os.utime(path, (1_600_000_000, 1_600_000_000))  # touched, same bytes: hash decides
    third = capture(source, store, previous=second)
    assert third.revisit and third.mtime != second.mtime
    path.write_text("A short note about the river, edited.\n")
    fourth = capture(source, store, previous=third)
    assert not fourth.revisit and fourth.sha256 != first.sha256


@pytest.mark.slow
def test_failing_source_keeps_its_version_and_goes_stale(site, tmp_path, prefect_harness):
    from flows.ingest import run_ingest

    site.put("/gone.html", page("Gone", PARAGRAPHS["letters"]), 1_700_000_100)
    registry = registry_for(tmp_path, site.base, ["gone", "letters"])
    store = Store.at(tmp_path / "store")
    run_ingest(str(registry), str(store.root))
    del site.pages["/gone.html"]
    for _ in range(3):
        summary = run_ingest(str(registry), str(store.root))
        assert [f[0] for f in summary.failures] == ["gone"]
    archive = Archive(store)
    assert archive.document_versions()["gone"] == 1  # the last good version is still there
    captures = archive.read("captures").to_pylist()
    statuses = {s.source_id: s for s in source_statuses(
        load_registry(registry).sources, archive.runs(), captures,
        archive.read("failures").to_pylist(), stale_after=3)}
    assert statuses["gone"].stale and statuses["gone"].consecutive_failures == 3
    assert "404" in statuses["gone"].last_error
    assert not statuses["letters"].stale and statuses["letters"].consecutive_failures == 0
