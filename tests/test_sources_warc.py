"""WARC and WACZ sources: real WARC files written with warcio, ingested by the real flow."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.capture import CaptureOptions
from pipeline.cli import _entry_counts, app
from pipeline.model import Source
from pipeline.schedule import source_statuses
from pipeline.sources import expand, url_key
from pipeline.sources.webarchive import read_record
from tests.pdfbytes import assemble

ARTICLE = ("<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
           + "<p>{title} is a page about rivers and the people who live beside them, "
             "written so that the extractor finds a main region worth keeping.</p>" * 4
           + "</article></body></html>")


def page(title: str) -> bytes:
    return ARTICLE.format(title=title).encode()


def a_pdf(text: str) -> bytes:
    stream = b"BT /F1 12 Tf 72 720 Td (" + text.encode() + b") Tj ET"
    return assemble([b"<< /Type /Catalog /Pages 2 0 R >>",
                     b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                     b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
                     b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
                     b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


class Crawl:
    """Writes a WARC the way a crawler does: warcinfo, request/response pairs, revisits."""

    def __init__(self, gzip_records: bool = True, version: str = "1.1"):
        self.buffer = io.BytesIO()
        self.writer = WARCWriter(self.buffer, gzip=gzip_records, warc_version=version)
        self.writer.write_record(self.writer.create_warcinfo_record("crawl.warc", {"software": "test"}))

    def response(self, url: str, body: bytes, status: str = "200 OK",
                 content_type: str = "text/html; charset=utf-8", date: str | None = None,
                 headers: list[tuple[str, str]] = ()) -> str:
        request = self.writer.create_warc_record(
            url, "request", http_headers=StatusAndHeaders(
                f"GET {url} HTTP/1.1", [("Host", "example.org")], is_http_request=True))
        http = StatusAndHeaders(status, [("Content-Type", content_type), *headers],
                                protocol="HTTP/1.1")
        extra = {"WARC-Date": date} if date else None
        record = self.writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                length=len(body), http_headers=http,
                                                warc_headers_dict=extra)
        self.writer.write_record(request)
        self.writer.write_record(record)
        return record.rec_headers.get_header("WARC-Payload-Digest")

    def revisit(self, url: str, of_url: str, digest: str, date: str) -> None:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        self.writer.write_record(self.writer.create_revisit_record(
            url, digest=digest, refers_to_uri=of_url, refers_to_date="2024-01-01T00:00:00Z",
            http_headers=http, warc_headers_dict={"WARC-Date": date}))

    def other(self, url: str, kind: str, body: bytes = b"x") -> None:
        self.writer.write_record(self.writer.create_warc_record(
            url, kind, payload=io.BytesIO(body), length=len(body), warc_content_type="text/dns"
            if url.startswith("dns:") else "application/json"))

    def save(self, path: Path) -> Path:
        path.write_bytes(self.buffer.getvalue())
        return path


def typical_crawl(gzip_records: bool = True, version: str = "1.1") -> Crawl:
    crawl = Crawl(gzip_records, version)
    crawl.other("dns:example.org", "response", b"20240101000000\nexample.org. 60 IN A 93.184.216.34")
    crawl.response("http://example.org/robots.txt", b"User-agent: *\nDisallow:\n",
                   content_type="text/plain")
    digest = crawl.response("http://example.org/rivers", page("Rivers"),
                            date="2024-01-01T00:00:00Z")
    crawl.response("http://example.org/report.pdf", a_pdf("Annual report on river levels"),
                   content_type="application/pdf")
    crawl.response("http://example.org/notes.txt", b"Field notes\n\nThe water was high in May.\n",
                   content_type="text/plain; charset=utf-8")
    crawl.response("http://example.org/old", b"", status="301 Moved Permanently",
                   headers=[("Location", "http://example.org/rivers")])
    crawl.response("http://example.org/missing", b"not here", status="404 Not Found")
    crawl.response("http://example.org/logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40,
                   content_type="image/png")
    crawl.response("http://example.org/style.css", b"body { color: red }", content_type="text/css")
    crawl.response("http://example.org/mirror", page("Rivers"))   # same payload, other URL
    crawl.revisit("http://example.org/rivers-again", "http://example.org/rivers", digest,
                  "2024-02-01T00:00:00Z")
    crawl.other("http://example.org/rivers", "metadata", b'{"outlinks": []}')
    return crawl


def registry(folder: Path, entry: str) -> Path:
    path = folder / "sources.toml"
    path.write_text(entry)
    return path


def test_url_key_is_stable_and_normalised() -> None:
    assert url_key("HTTP://Example.COM:80/a?b=2&a=1#top") == "example.com/a?a=1&b=2"
    assert url_key("https://example.com") == "example.com/"
    assert url_key("https://example.com:8443/x") == "example.com:8443/x"


@pytest.mark.parametrize("gzip_records, version", [(True, "1.1"), (False, "1.0")])
def test_a_crawl_expands_into_one_document_per_readable_response(
        tmp_path: Path, store, gzip_records: bool, version: str) -> None:
    from pipeline.registry import load_registry

    suffix = ".warc.gz" if gzip_records else ".warc"
    typical_crawl(gzip_records, version).save(tmp_path / f"crawl{suffix}")
    entry = load_registry(registry(tmp_path, '[[source]]\nid = "crawl"\nkind = "warc"\n'
                                             f'uri = "crawl{suffix}"\n')).sources[0]
    expansion = expand(entry, store, CaptureOptions())

    ids = sorted(c.source.id for c in expansion.children)
    assert ids == ["crawl/example.org/mirror", "crawl/example.org/notes.txt",
                   "crawl/example.org/report.pdf", "crawl/example.org/rivers",
                   "crawl/example.org/rivers-again"]
    counts = expansion.counts
    assert counts["request"] == 9 and counts["warcinfo"] == 1 and counts["metadata"] == 1
    assert counts["dns"] == 1 and counts["robots.txt"] == 1 and counts["image"] == 1
    assert counts["http 3xx"] == 1 and counts["http 4xx"] == 1 and counts["other media"] == 1
    assert not expansion.failures
    by_id = {c.source.id: c.capture for c in expansion.children}
    rivers, again = by_id["crawl/example.org/rivers"], by_id["crawl/example.org/rivers-again"]
    assert rivers.kind == "html" and rivers.charset == "utf-8" and rivers.http_status == 200
    assert rivers.captured_at.isoformat() == "2024-01-01T00:00:00+00:00"
    assert store.read_blob(rivers.sha256) == page("Rivers")
    # the revisit is the response it repeats: same record, its own date and URL
    assert again.revisit and again.warc_record_id == rivers.warc_record_id
    assert again.sha256 == rivers.sha256 and again.captured_at.month == 2
    assert by_id["crawl/example.org/report.pdf"].kind == "pdf"
    assert by_id["crawl/example.org/mirror"].sha256 == rivers.sha256   # stored once
    assert len(store.blobs()) == 3
    whole = (tmp_path / f"crawl{suffix}").read_bytes()
    assert rivers.warc_sha256 == hashlib.sha256(whole).hexdigest()
    # the record is where the capture says: read it back out of the WARC
    assert read_record(store, rivers) == page("Rivers")
    raw = whole[rivers.warc_offset:rivers.warc_offset + rivers.warc_length]
    assert (gzip.decompress(raw) if gzip_records else raw).startswith(b"WARC/" + version.encode())


def find_text(archive, phrase: str) -> list[dict]:  # noqa: ANN001 - an Archive
    from pipeline.query import Snapshot

    return [{"id": h.id, "doc_id": h.doc_id} for h in Snapshot(archive).search(phrase).hits]


def trace(archive, item_id: str):  # noqa: ANN001, ANN201 - an Archive, a query.Trace
    from pipeline.query import Snapshot

    return Snapshot(archive).trace(item_id)


def run_flow(registry_path: Path, store):  # noqa: ANN201 - a RunSummary
    from flows.ingest import run_ingest

    return run_ingest(str(registry_path), str(store.root), 2)


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_a_warc_trace_a_passage_to_its_record_and_rerun_for_a_hash(
        tmp_path: Path, store) -> None:
    from pipeline.archive import Archive
    from pipeline.export import provenance

    typical_crawl().save(tmp_path / "crawl.warc.gz")
    path = registry(tmp_path, '[[source]]\nid = "crawl"\nkind = "warc"\nuri = "crawl.warc.gz"\n'
                              'title = "Spring crawl"\n')
    first = run_flow(path, store)
    archive = Archive(store)
    assert first.ok, first.failures
    assert first.count("new") == 5
    docs = {d["doc_id"]: d for d in archive.current("documents").to_pylist()}
    assert set(docs) == {"crawl/example.org/rivers", "crawl/example.org/rivers-again",
                         "crawl/example.org/mirror", "crawl/example.org/report.pdf",
                         "crawl/example.org/notes.txt"}
    assert docs["crawl/example.org/rivers"]["uri"] == "http://example.org/rivers"
    assert docs["crawl/example.org/report.pdf"]["kind"] == "pdf"
    [expansion] = archive.read("expansions").to_pylist()
    assert expansion["source_id"] == "crawl" and expansion["documents"] == 5
    assert {c["name"]: c["count"] for c in expansion["counts"]}["http 4xx"] == 1

    hit = next(h for h in find_text(archive, "river levels") if h["doc_id"].endswith("report.pdf"))
    traced = trace(archive, hit["id"])
    assert "river levels" in traced.snippet
    assert traced.warc_record and "SHA-256 matches" in traced.warc_record
    assert traced.capture.warc_record_id in traced.warc_record
    prov = provenance(archive, "crawl/example.org/report.pdf").serialize()
    assert traced.capture.warc_record_id in prov and '"arch:warc_offset"' in prov

    second = run_flow(path, store)
    assert second.ok and second.count("unchanged") == 5 and second.count("new") == 0
    assert second.archive_version == first.archive_version   # nothing changed: no version
    assert archive.read("documents").num_rows == 5
    # the same WARC again: its records are not read, nothing new is captured
    rerun = [c for c in archive.read("captures").to_pylist() if c["run_id"] == second.run_id]
    assert rerun == []
    again = [e for e in archive.read("expansions").to_pylist() if e["run_id"] == second.run_id]
    assert [(e["files"], e["counts"], e["documents"]) for e in again] == [
        (expansion["files"], expansion["counts"], 5)]

    # a third run over a WARC cut short: the lost record is one failure, the rest unchanged,
    # each recaptured from the new file (its SHA-256) without being built again
    data = (tmp_path / "crawl.warc.gz").read_bytes()
    (tmp_path / "crawl.warc.gz").write_bytes(data[:-200])
    third = run_flow(path, store)
    assert [f[0] for f in third.failures] == ["crawl"]
    assert third.count("unchanged") == 5
    recaptured = [c for c in archive.read("captures").to_pylist() if c["run_id"] == third.run_id]
    assert len(recaptured) == 5
    assert {c["warc_sha256"] for c in recaptured} == {hashlib.sha256(data[:-200]).hexdigest()}
    [status] = source_statuses([Source("crawl", "")], archive.runs(),
                               archive.read("captures").to_pylist(),
                               archive.read("failures").to_pylist(),
                               expansions=archive.read("expansions").to_pylist())
    assert status.consecutive_failures == 0 and status.documents == 5 and status.failed == 1
    counts = _entry_counts(status)
    assert counts.startswith("5 (1 failed); not archived:") and "http 4xx 1" in counts
    shown = CliRunner().invoke(app, ["status", "--store", str(store.root)])
    assert shown.exit_code == 0 and "crawl" in shown.output
    assert "example.org" not in shown.output   # the entry's documents are its counts
    as_json = CliRunner().invoke(app, ["status", "--store", str(store.root), "--json"])
    assert json.loads(as_json.stdout) == [{
        "source_id": "crawl", "last_success": status.last_success.isoformat(),
        "consecutive_failures": 0, "last_error": None, "next_due": None, "stale": False,
        "documents": 5, "failed": 1, "counts": [list(c) for c in status.counts]}]


@pytest.mark.usefixtures("prefect_harness")
def test_trace_fails_clearly_when_the_warc_was_changed_and_keep_warc_survives_a_move(
        tmp_path: Path, store) -> None:
    from pipeline.archive import Archive
    from pipeline.errors import AuditError

    crawl = tmp_path / "in" / "crawl.warc.gz"
    crawl.parent.mkdir()
    typical_crawl().save(crawl)
    path = registry(tmp_path, '[[source]]\nid = "kept"\nkind = "warc"\nuri = "in"\n'
                              'keep_warc = true\n\n[[source]]\nid = "inplace"\nkind = "warc"\n'
                              'uri = "in/*.warc.gz"\n')
    assert run_flow(path, store).ok
    archive = Archive(store)
    hits = {h["doc_id"].split("/")[0]: h for h in find_text(archive, "high in May")}
    crawl.write_bytes(typical_crawl().buffer.getvalue())   # same URLs, new record ids
    assert "SHA-256 matches" in (trace(archive, hits["kept"]["id"]).warc_record or "")
    with pytest.raises(AuditError, match="the file changed since it was archived"):
        trace(archive, hits["inplace"]["id"])
    crawl.write_bytes(typical_crawl().buffer.getvalue()[:4])
    with pytest.raises(AuditError, match="the file changed since it was archived"):
        trace(archive, hits["inplace"]["id"])
    crawl.unlink()
    with pytest.raises(AuditError, match="keep_warc"):
        trace(archive, hits["inplace"]["id"])
    assert "raw/sha256/" in (trace(archive, hits["kept"]["id"]).warc_record or "")


def damaged(tmp_path: Path, gzip_records: bool = True) -> tuple[bytes, list[tuple[int, int, str]]]:
    """A crawl of five pages and where each record is: (offset, length, target)."""
    from warcio.archiveiterator import ArchiveIterator

    crawl = Crawl(gzip_records)
    for number in range(5):
        crawl.response(f"http://example.org/p{number}", page(f"Page {number}"))
    data = crawl.buffer.getvalue()
    records = ArchiveIterator(io.BytesIO(data))
    places = []
    for record in records:
        target = record.rec_headers.get_header("WARC-Target-URI") or ""
        places.append((records.get_record_offset(), records.get_record_length(),
                       record.rec_type + " " + target))
    return data, places


def expand_bytes(tmp_path: Path, store, data: bytes, suffix: str = ".warc.gz"):  # noqa: ANN201
    from pipeline.registry import load_registry

    (tmp_path / f"bad{suffix}").write_bytes(data)
    entry = load_registry(registry(tmp_path, f'[[source]]\nid = "bad"\nkind = "warc"\n'
                                             f'uri = "bad{suffix}"\n')).sources[0]
    return expand(entry, store, CaptureOptions())


def pages_of(expansion) -> list[str]:  # noqa: ANN001
    return sorted(c.source.id.rsplit("/", 1)[1] for c in expansion.children)


def test_a_bad_gzip_member_mid_file_fails_that_record_and_reading_goes_on(tmp_path, store) -> None:
    data, places = damaged(tmp_path)
    offset, length, what = next(p for p in places if p[2].endswith("/p2") and "response" in p[2])
    broken = data[:offset + 20] + b"\x00" * 40 + data[offset + 60:]
    expansion = expand_bytes(tmp_path, store, broken)
    assert pages_of(expansion) == ["p0", "p1", "p3", "p4"]
    [failure] = expansion.failures
    assert f"bytes from offset {offset:,} are no readable WARC record" in failure.message
    assert failure.source_id == "bad"


def test_a_truncated_warc_archives_every_whole_record_and_fails_the_tail(tmp_path, store) -> None:
    data, places = damaged(tmp_path)
    offset, length, _ = places[-1]
    expansion = expand_bytes(tmp_path, store, data[:offset + length // 2])
    assert pages_of(expansion) == ["p0", "p1", "p2", "p3"]
    [failure] = expansion.failures
    assert "truncated" in failure.message


@pytest.mark.parametrize("change", [-40, +40])
def test_a_record_whose_content_length_lies_is_a_failure_of_that_record(
        tmp_path, store, change: int) -> None:
    data, places = damaged(tmp_path, gzip_records=False)
    offset, length, _ = next(p for p in places if p[2] == "response http://example.org/p1")
    record = data[offset:offset + length]
    declared = int(record.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    lying = record.replace(b"Content-Length: %d" % declared, b"Content-Length: %d" % (declared + change))
    expansion = expand_bytes(tmp_path, store, data[:offset] + lying + data[offset + length:], ".warc")
    assert "p1" not in pages_of(expansion)
    assert {"p0", "p3", "p4"} <= set(pages_of(expansion))
    messages = " | ".join(f.message for f in expansion.failures)
    assert "does not end where the next record starts" in messages
    assert any(f.source_id == "bad/example.org/p1" for f in expansion.failures)


def test_a_payload_whose_encoding_cannot_be_undone_fails_that_document_only(tmp_path,
                                                                           store) -> None:
    from pipeline.registry import load_registry

    crawl = Crawl()
    crawl.response("http://example.org/packed", b"\x00\x01", headers=[("Content-Encoding", "x-pack")])
    crawl.response("http://example.org/small", page("Small"))
    crawl.save(tmp_path / "mixed.warc.gz")
    entry = load_registry(registry(tmp_path, '[[source]]\nid = "mixed"\nkind = "warc"\n'
                                             'uri = "mixed.warc.gz"\n')).sources[0]
    expansion = expand(entry, store, CaptureOptions())
    assert pages_of(expansion) == ["small"]
    [failure] = expansion.failures
    assert failure.source_id == "mixed/example.org/packed"
    assert "cannot undo Content-Encoding 'x-pack'" in failure.message


def test_a_wacz_is_read_and_a_missing_warc_inside_it_is_a_recorded_failure(tmp_path, store) -> None:
    from pipeline.registry import load_registry

    data = typical_crawl().buffer.getvalue()
    package = {"profile": "data-package", "resources": [
        {"path": "archive/data.warc.gz", "hash": "sha256:" + hashlib.sha256(data).hexdigest()},
        {"path": "archive/lost.warc.gz", "hash": "sha256:" + "0" * 64}]}
    with zipfile.ZipFile(tmp_path / "site.wacz", "w") as wacz:
        wacz.writestr("archive/data.warc.gz", data, compress_type=zipfile.ZIP_STORED)
        wacz.writestr("datapackage.json", json.dumps(package))
    entry = load_registry(registry(tmp_path, '[[source]]\nid = "site"\nkind = "wacz"\n'
                                             'uri = "site.wacz"\n')).sources[0]
    expansion = expand(entry, store, CaptureOptions())
    assert len(expansion.children) == 5
    [failure] = expansion.failures
    assert "archive/lost.warc.gz" in failure.message and "does not hold" in failure.message
    rivers = next(c.capture for c in expansion.children if c.source.id == "site/example.org/rivers")
    assert rivers.warc_path.endswith("site.wacz#archive/data.warc.gz")
    assert read_record(store, rivers) == page("Rivers")


def test_a_record_over_the_byte_limit_is_a_failure_of_that_record(tmp_path: Path, store) -> None:
    from pipeline.errors import TooLarge
    from pipeline.registry import load_registry

    crawl = Crawl()
    crawl.response("http://example.org/rivers", page("Rivers"))
    crawl.response("http://example.org/huge", b"<html><body>" + b"x" * 5000 + b"</body></html>")
    crawl.save(tmp_path / "crawl.warc.gz")
    entry = load_registry(registry(tmp_path, '[[source]]\nid = "crawl"\nkind = "warc"\n'
                                             'uri = "crawl.warc.gz"\n')).sources[0]
    expansion = expand(entry, store, CaptureOptions(max_bytes=len(page("Rivers")) + 10))
    assert [c.source.id for c in expansion.children] == ["crawl/example.org/rivers"]
    (failure,) = expansion.failures
    assert isinstance(failure, TooLarge) and failure.source_id == "crawl/example.org/huge"


def read_in_parts(path: Path, store, cuts: list[int]):  # noqa: ANN001, ANN201 - an Expansion
    """Expand the one-file entry at ``path`` read as parts that begin at ``cuts``."""
    from dataclasses import replace

    from pipeline.registry import load_registry
    from pipeline.sources import Expansion
    from pipeline.sources.webarchive import merge_parts, plan_warc, read_part

    entry = load_registry(registry(path.parent, f'[[source]]\nid = "bad"\nkind = "warc"\n'
                                                f'uri = "{path.name}"\n')).sources[0]
    expansion = Expansion(entry)
    [whole] = plan_warc(entry, store, CaptureOptions(), expansion)
    bounds = [0, *cuts, whole.warc.size]
    parts = [replace(whole, start=a, end=b, resume=0 if a == 0 else None)
             for a, b in zip(bounds, bounds[1:])]
    merge_parts(entry, store, CaptureOptions(), expansion,
                [read_part(entry, store, CaptureOptions(), p) for p in parts])
    return expansion


def outcome(expansion) -> tuple:  # noqa: ANN001
    """Everything an expansion says, in a comparable form."""
    return (sorted((c.source.id, c.capture) for c in expansion.children),
            sorted(expansion.counts.items()),
            [(f.source_id, type(f).__name__, f.message) for f in expansion.failures])


def a_payload_that_looks_like_records() -> bytes:
    """A text page quoting WARC records: in an uncompressed WARC its lines look like the start
    of the next record to a reader that begins inside it."""
    fake = Crawl(gzip_records=False)
    fake.response("http://example.org/quoted", page("Quoted"))
    return b"Notes on the WARC format.\r\n\r\n" + fake.buffer.getvalue()


def sweep(data: bytes) -> list[int]:
    """Cut points to try: around every record start, and evenly over the file."""
    from warcio.archiveiterator import ArchiveIterator

    records = ArchiveIterator(io.BytesIO(data))
    starts = set()
    try:
        for _ in records:
            starts.add(records.get_record_offset())
    except Exception:  # noqa: BLE001, S110 - a damaged file: the starts before the damage
        pass
    near = {s + d for s in starts for d in (-5, -3, -2, -1, 0, 1, 2, 40)}
    return sorted(c for c in near | set(range(1, len(data), max(1, len(data) // 60)))
                  if 0 < c < len(data))


@pytest.mark.parametrize("case", ["typical gzip", "typical plain", "bad gzip member",
                                  "truncated", "length lies", "quoted records", "empty"])
def test_reading_in_parts_gives_what_one_reader_gives_wherever_the_cuts_fall(
        tmp_path: Path, store, case: str) -> None:
    """#17: a WARC split into byte ranges for several workers expands exactly as one reader
    reads it: the same children (captures, offsets), counts and failures, for every cut tried
    (two parts, and three parts at once), on sound, damaged and misleading files."""
    suffix = ".warc.gz"
    if case.startswith("typical"):
        data = typical_crawl(case.endswith("gzip")).buffer.getvalue()
        suffix = ".warc.gz" if case.endswith("gzip") else ".warc"
    elif case == "quoted records":
        crawl = Crawl(gzip_records=False)
        digest = crawl.response("http://example.org/a", page("A"))
        crawl.response("http://example.org/notes", a_payload_that_looks_like_records(),
                       content_type="text/plain")
        crawl.revisit("http://example.org/a-again", "http://example.org/a", digest,
                      "2024-02-01T00:00:00Z")
        data, suffix = crawl.buffer.getvalue(), ".warc"
    elif case == "empty":
        data = b""
    else:
        data, places = damaged(tmp_path, gzip_records=case != "length lies")
        offset, length, _ = next(p for p in places if p[2] == "response http://example.org/p2")
        if case == "bad gzip member":
            data = data[:offset + 20] + b"\x00" * 40 + data[offset + 60:]
        elif case == "truncated":
            data = data[:places[-1][0] + places[-1][1] // 2]
        else:
            record = data[offset:offset + length]
            declared = int(record.split(b"Content-Length: ")[1].split(b"\r\n")[0])
            data = data[:offset] + record.replace(b"Content-Length: %d" % declared,
                                                  b"Content-Length: %d" % (declared - 40)
                                                  ) + data[offset + length:]
        suffix = ".warc" if case == "length lies" else ".warc.gz"
    path = tmp_path / f"bad{suffix}"   # the file expand_bytes writes
    path.write_bytes(data)
    one_reader = outcome(read_in_parts(path, store, []))
    if case != "empty":
        assert one_reader[0] and one_reader == outcome(expand_bytes(tmp_path, store, data, suffix))
    cuts = sweep(data)
    for cut in cuts:
        assert outcome(read_in_parts(path, store, [cut])) == one_reader, cut
    for first, second in zip(cuts[::7], cuts[3::7]):
        if first < second:
            assert outcome(read_in_parts(path, store, [first, second])) == one_reader
