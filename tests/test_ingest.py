"""End to end: the real ingest flow on Prefect's local engine, writing a real Delta archive."""

import socket
import time

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from flows.ingest import run_ingest
from pipeline.archive import Archive
from pipeline.audit import verify
from pipeline.query import Snapshot

pytestmark = pytest.mark.usefixtures("prefect_harness")

HTML = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Border report</title>
</head><body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<main><h1>Border report</h1>
<p>Women crossing the Tumen River are often sold to brokers before they reach a city.</p>
<p>Aid groups in Yanji say the trade has grown since the famine of the late 1990s.</p>
</main><footer>Copyright 2009</footer></body></html>"""


def make_pdf(path):
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 760, "Brokers in Jilin province arrange marriages for a fee.")
    pdf.drawString(72, 745, "Most women interviewed had been sold more than once.")
    pdf.showPage()
    pdf.save()


def write_registry(folder, entries, settings=""):
    lines = [settings] if settings else []
    for source_id, uri in entries:
        lines.append(f'[[source]]\nid = "{source_id}"\nuri = "{uri}"\n')
    path = folder / "sources.toml"
    path.write_text("\n".join(lines))
    return path


def ids_of(archive, version=None):
    return sorted(archive.document_versions(version))


def test_sample_corpus_becomes_archive_version_1_and_an_unchanged_rerun_adds_no_versions(corpus, store):
    first = run_ingest(str(corpus), str(store.root))
    archive = Archive(store)
    assert first.ok and first.archive_version == 1 and first.count("new") == 5
    docs = archive.current("documents").to_pylist()
    assert len(docs) == 5 and {d["doc_version"] for d in docs} == {1}
    passages = archive.current("passages")
    assert passages.num_rows > 100
    assert set(passages["doc_id"].to_pylist()) == {d["doc_id"] for d in docs}
    assert set(passages["run_id"].to_pylist()) == {first.run_id}

    second = run_ingest(str(corpus), str(store.root))
    # Recorded, but no new archive version for a run that changed nothing (#12).
    assert second.archive_version == 1 and not second.new_version
    assert second.count("unchanged") == 5
    assert archive.read("documents").num_rows == 5  # no new document versions
    assert [(r["run_id"], r["archive_version"], r["new_version"]) for r in archive.runs()] == [
        (first.run_id, 1, True), (second.run_id, 1, False)]
    captures = archive.read("captures").to_pylist()  # the revisits are read with version 1
    assert len(captures) == 10
    assert [c["revisit"] for c in captures if c["run_id"] == second.run_id] == [True] * 5

    forced = run_ingest(str(corpus), str(store.root), force_version=True)
    assert forced.archive_version == 2 and forced.new_version
    assert archive.latest_version() == 2 and archive.read("documents").num_rows == 5


def test_changing_one_source_versions_only_that_document_and_keeps_the_old_one(corpus, store):
    run_ingest(str(corpus), str(store.root))
    seed = corpus.parent / "seeds" / "000_0709e5aed7a81254.txt"
    original = seed.read_text(encoding="utf-8")
    seed.write_text(original.replace("In a sobering presentation", "In a sober presentation"),
                    encoding="utf-8")
    summary = run_ingest(str(corpus), str(store.root))
    assert summary.count("changed") == 1 and summary.count("unchanged") == 4
    archive = Archive(store)
    changed = [s for s, o in summary.outcomes.items() if o == "changed"]
    assert changed == ["wilson-2008-struggle-for-survival"]
    assert archive.document_versions(2)[changed[0]] == 2
    assert archive.document_versions(1)[changed[0]] == 1

    def text_at(version):
        rows = archive.current("passages", version).to_pylist()
        return " ".join(r["text"] for r in rows if r["doc_id"] == changed[0])

    assert "In a sobering presentation" in text_at(1)
    assert "In a sober presentation" in text_at(2)
    assert "In a sobering presentation" not in text_at(2)


def test_trace_reads_back_the_raw_snippet_for_each_input_kind(tmp_path, store):
    (tmp_path / "page.html").write_bytes(HTML)
    make_pdf(tmp_path / "report.pdf")
    (tmp_path / "note.txt").write_text("Field note\n\nThe broker asked 3,000 yuan for each woman.\n")
    registry = write_registry(tmp_path, [("page", "page.html"), ("report", "report.pdf"),
                                         ("note", "note.txt")])
    assert run_ingest(str(registry), str(store.root)).ok
    archive = Archive(store)
    passages = archive.current("passages").to_pylist()
    for doc_id, phrase in (("page", "Tumen River"), ("report", "Jilin province"),
                           ("note", "3,000 yuan")):
        row = next(p for p in passages if p["doc_id"] == doc_id and phrase in p["text"])
        result = Snapshot(archive).trace(row["passage_id"])
        assert phrase in result.snippet.replace("\n", " ")
        assert result.capture.sha256 == row["capture_sha256"]
    pdf_row = next(p for p in passages if p["doc_id"] == "report")
    assert pdf_row["page_number"] == 1 and len(pdf_row["bbox"]) == 4
    html_row = next(p for p in passages if p["doc_id"] == "page" and "Yanji" in p["text"])
    assert html_row["xpath"].startswith("/html/body")


def test_verify_passes_then_names_a_raw_file_changed_by_one_byte(corpus, store):
    run_ingest(str(corpus), str(store.root))
    archive = Archive(store)
    assert verify(archive) == []
    blob = store.blobs()[0]
    data = bytearray(blob.read_bytes())
    data[10] ^= 0x01
    blob.write_bytes(bytes(data))
    problems = verify(archive)
    assert [(p.kind, p.path) for p in problems] == [("changed", str(blob))]


def test_http_source_is_ingested_from_a_loopback_server_with_its_warc(tmp_path, store, http_server):
    base, routes = http_server
    routes["/report"] = (200, {"Content-Type": "text/html; charset=utf-8", "ETag": '"a1"'}, HTML)
    registry = write_registry(tmp_path, [("web", f"{base}/report")],
                              settings='[settings]\nallow_private_hosts = ["127.0.0.1"]\n')
    summary = run_ingest(str(registry), str(store.root))
    assert summary.ok, summary.failures
    capture = Archive(store).read("captures").to_pylist()[0]
    assert capture["http_status"] == 200 and capture["etag"] == '"a1"'
    assert (store.root / capture["warc_path"]).stat().st_size > 0


def test_bad_sources_fail_with_their_reason_and_the_rest_is_archived(tmp_path, store):
    (tmp_path / "good.txt").write_text("A good source\n\nIt has a paragraph.\n")
    (tmp_path / "empty.txt").write_bytes(b"")
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    registry = write_registry(
        tmp_path, [("good", "good.txt"), ("missing", "missing.txt"), ("empty", "empty.txt"),
                   ("down", f"http://127.0.0.1:{closed_port}/x")],
        settings='[settings]\nallow_private_hosts = ["127.0.0.1"]\n')
    summary = run_ingest(str(registry), str(store.root))
    assert not summary.ok and summary.outcomes["good"] == "new"
    archive = Archive(store)
    failures = {f["source_id"]: f for f in archive.read("failures").to_pylist()}
    assert set(failures) == {"missing", "empty", "down"}
    assert failures["missing"]["stage"] == "capture" and "file not found" in failures["missing"]["message"]
    assert failures["empty"]["error_class"] == "EmptySource" and "0 bytes" in failures["empty"]["message"]
    assert failures["empty"]["capture_sha256"] is not None
    assert failures["down"]["error_class"] == "FetchError" and "could not reach" in failures["down"]["message"]
    assert ids_of(archive) == ["good"]


def test_an_extractor_upgrade_that_changes_nothing_is_paid_for_once(corpus, store, monkeypatch):
    from pipeline import rows
    from pipeline.extract import text

    run_ingest(str(corpus), str(store.root))
    monkeypatch.setattr(text, "VERSION", text.VERSION + "-upgraded")
    calls = []
    original = rows.extract_then  # counted where the work is handed to the extraction worker
    monkeypatch.setattr(rows, "extract_then", lambda *a: calls.append(a[1].source_id) or original(*a))
    upgraded = run_ingest(str(corpus), str(store.root))
    assert upgraded.count("unchanged") == 5 and len(calls) == 5  # re-extracted, same content
    captures = Archive(store).read("captures").to_pylist()
    assert {c["extractor_version"] for c in captures if c["run_id"] == upgraded.run_id} == {
        f"text/{text.VERSION}"}
    calls.clear()
    assert run_ingest(str(corpus), str(store.root)).count("unchanged") == 5
    assert calls == []  # the capture rows remember the upgrade: no second re-extraction


def test_a_source_down_for_longer_than_captures_backoff_is_tried_again_by_prefect(
        tmp_path, store, http_server):
    """503 for capture's four attempts (3.5 s of backoff), then up: Prefect's retry of the
    capture-again task, after its delay, archives it (#12: no hand-rolled retry pass)."""
    from flows.ingest import CAPTURE_RETRY_DELAY_S

    base, routes = http_server
    asked = []

    def flaky():
        asked.append(time.monotonic())
        status, body = (503, b"busy") if len(asked) <= 4 else (200, HTML)
        return status, {"Content-Type": "text/html; charset=utf-8"}, body

    routes["/"] = flaky
    registry = write_registry(tmp_path, [("flaky", f"{base}/")],
                              '[settings]\nallow_private_hosts = ["127.0.0.1"]\n')
    summary = run_ingest(str(registry), str(store.root))
    assert summary.ok and summary.outcomes == {"flaky": "new"}
    assert len(asked) == 5  # four in the first pass, one in Prefect's retry
    assert asked[4] - asked[3] >= CAPTURE_RETRY_DELAY_S
