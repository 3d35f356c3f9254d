"""Bad input and faults: each fails cleanly with its own error class, and nothing else is lost.

Documents are made at test time (reportlab for PDFs, a hand-written PDF for a font without a
ToUnicode map); HTTP faults come from a real server on 127.0.0.1. Extraction is tested through
the public ``pipeline.extract.extract`` and the ingest flow, never through extractor internals.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import socket
import struct
import threading
import time
import zlib
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pdfbytes import assemble
from reportlab.pdfgen import canvas

from pipeline.capture import CaptureOptions, capture, sniff
from pipeline.errors import (
    EmptySource,
    ExtractError,
    FetchError,
    NeedsOCR,
    TooLarge,
    UnsupportedKind,
)
from pipeline.extract import ExtractOptions, extract
from pipeline.model import Capture, Source

ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00!\x00\x00\x00\x00\x00"
PROSE = ("Le café de la gare était fermé; nous avons marché jusqu'à l'hôtel, où la crème "
         "brûlée était délicieuse. ") * 5


def capture_of(data: bytes, name: str = "doc") -> Capture:
    media_type, kind = sniff(data, None, name)
    return Capture(source_id="doc", uri=name, captured_at=datetime.now(timezone.utc),
                   sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                   media_type=media_type, kind=kind)


def text_of(data: bytes, options: ExtractOptions = ExtractOptions()) -> str:
    return "\n".join(block.text for block in extract(data, capture_of(data), options).blocks)


def make_pdf(pages: int = 1, *, text: bool = True, encrypt: str | None = None) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=encrypt)
    for number in range(1, pages + 1):
        if text:
            pdf.drawString(72, 720, f"Page {number} of the report says hello.")
        else:  # a scan: marks on the page, no text layer
            pdf.rect(100, 100, 300, 300, fill=1)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pdf_without_tounicode() -> bytes:
    """A PDF whose only font is an Identity-H CID font with no ToUnicode map."""
    content = b"BT /F1 12 Tf 72 700 Td <0041004200430044> Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NoMap /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoMap /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R "
        b"/DW 600 >>",
        b"<< /Type /FontDescriptor /FontName /NoMap /Flags 4 /FontBBox [0 0 600 800] "
        b"/ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>",
    ]
    return assemble(objects)


# -- bytes that are not what they claim ------------------------------------------------------

def test_zero_bytes_is_an_empty_source():
    with pytest.raises(EmptySource, match="0 bytes"):
        extract(b"", capture_of(b""))


def test_bytes_of_no_supported_kind_name_the_media_type():
    with pytest.raises(UnsupportedKind, match="not HTML, PDF, text or a page image") as error:
        extract(ZIP, capture_of(ZIP, "archive"))
    assert error.value.source_id == "doc"


def test_html_whose_meta_charset_lies_is_still_extracted():
    page = (b'<html><head><meta charset="utf-8"></head><body><p>' + PROSE.encode("cp1252")
            + b"</p></body></html>")
    assert "crème brûlée" in text_of(page)


def test_invalid_utf8_byte_in_a_text_capture_keeps_the_valid_text():
    data = ("Title\n\n" + PROSE + "\n").encode().replace(b"gare", b"g\xffre")
    assert "crème brûlée" in text_of(data)


def test_invalid_utf8_in_a_text_capture_does_not_fail_the_document():
    data = ("Title\n\n" + PROSE + "\n").encode().replace(b"gare", b"g\xffre")
    text = text_of(data)
    assert text.startswith("Title") and "jusqu" in text


def test_a_10000_deep_dom_fails_cleanly_or_keeps_the_deep_text():
    page = (b"<html><body>" + b"<div>" * 10_000 + b"<p>deep text</p>" + b"</div>" * 10_000
            + b"</body></html>")
    try:
        text = text_of(page)
    except ExtractError as error:
        assert "deep" in error.message or "nested" in error.message
    else:
        assert "deep text" in text


def test_a_50_mb_page_is_refused_or_extracted_within_the_time_limit():
    paragraph = b"<p>Paragraph %d of a very large page, with enough words to matter.</p>\n"
    page = (b"<html><body>" + b"".join(paragraph % i for i in range(700_000))
            + b"</body></html>")
    assert len(page) > 50_000_000
    options = ExtractOptions(max_seconds=30)
    try:
        text = text_of(page, options)
    except ExtractError as error:  # a size or time limit, said as such
        assert "limit" in error.message or "within" in error.message
    else:
        assert "Paragraph 699999 of a very large page" in text


# -- hostile and broken PDFs -----------------------------------------------------------------

def test_a_truncated_pdf_is_an_extract_error_naming_the_parser_problem():
    with pytest.raises(ExtractError, match="EOF|truncated|xref|damaged"):
        extract(make_pdf()[:300], capture_of(make_pdf()[:300]))


def test_an_encrypted_pdf_fails_saying_it_needs_a_password():
    data = make_pdf(encrypt="secret")
    with pytest.raises(ExtractError, match="(?i)password|encrypted"):
        extract(data, capture_of(data))


def test_an_image_only_pdf_needs_ocr():
    data = make_pdf(text=False)
    with pytest.raises(NeedsOCR, match="OCR"):
        extract(data, capture_of(data))


def test_a_pdf_whose_font_lacks_tounicode_never_archives_cid_placeholders():
    data = pdf_without_tounicode()
    try:
        text = text_of(data)
    except ExtractError as error:
        assert error.message
    else:
        assert "(cid:" not in text


@pytest.fixture(scope="module")
def pdf_2000_pages() -> bytes:
    return make_pdf(2000)


def test_a_2000_page_pdf_over_the_page_limit_is_refused(pdf_2000_pages):
    with pytest.raises(ExtractError, match="2,000 pages, over the 1,000-page limit"):
        extract(pdf_2000_pages, capture_of(pdf_2000_pages), ExtractOptions(max_pages=1000))


def dense_pdf(pages: int, lines: int = 60) -> bytes:
    """``pages`` pages sharing one content stream of ``lines`` full lines of text: small to
    build and store, but every page has to be parsed and laid out on its own."""
    text = b"".join(b"(%s) Tj T* " % (b"Line %d of a page that fills its width with words" % n)
                    for n in range(lines))
    content = b"BT /F1 9 Tf 11 TL 36 760 Td " + text + b"ET"
    kids = b" ".join(b"%d 0 R" % (5 + n) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ] + [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
         b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"] * pages
    return assemble(objects)


def test_a_2000_page_pdf_over_the_time_limit_fails_instead_of_stalling():
    # 120,000 lines cannot be read in one second (that would be 2,000 pages/s, over 100 times
    # the extractor's speed), so the limit fires however fast the machine or warm the worker.
    data = dense_pdf(2000)
    with pytest.raises(ExtractError, match="limit|within"):
        extract(data, capture_of(data), ExtractOptions(max_seconds=1))


# -- HTTP faults -----------------------------------------------------------------------------

class Faulty(BaseHTTPRequestHandler):
    """Each path is one kind of misbehaving server; ``hits`` records (path, time) per request."""

    hits: list[tuple[str, float]] = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.hits.append((self.path, time.monotonic()))
        handler = getattr(self, "_" + self.path.strip("/").replace("-", "_"), None)
        if handler is None:
            return self._send(404, b"no such page")
        handler()

    def _send(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading at its limit

    def _error(self):
        self._send(500, b"boom")

    def _busy(self):
        if sum(1 for path, _ in self.hits if path == "/busy") == 1:
            return self._send(429, b"slow down", Retry_After="1")
        self._send(200, b"Finally served.\n", Content_Type="text/plain")

    def _reset(self):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def _slow(self):
        time.sleep(2)
        self._send(200, b"too late")

    def _loop_a(self):
        self._send(302, b"", Location="/loop-b")

    def _loop_b(self):
        self._send(302, b"", Location="/loop-a")

    def _to_file(self):
        self._send(302, b"", Location="file:///etc/passwd")

    def _declared_huge(self):
        self.send_response(200)
        self.send_header("Content-Length", str(10**9))
        self.end_headers()

    def _streamed_huge(self):  # no Content-Length: the body runs until the connection closes
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        for _ in range(64):
            self.wfile.write(b"x" * 65536)

    def _trickle(self):  # a byte every 0.1 s: no read waits long, the whole never ends
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        try:
            for _ in range(1000):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _cut_short(self):  # promises 1,000 bytes, sends 10 and hangs up
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"0123456789")

    def _gzip_bomb(self):
        self._send(200, bomb("gzip"), Content_Type="text/html", Content_Encoding="gzip")

    def _deflate_bomb(self):
        self._send(200, bomb("deflate"), Content_Type="text/html", Content_Encoding="deflate")

    def _double_gzip_bomb(self):  # gzip of a gzip bomb: only the inner stage inflates
        self._send(200, gzip.compress(bomb("gzip")), Content_Type="text/html",
                   Content_Encoding="gzip, gzip")

    def log_message(self, *args):
        pass


BOMB_BYTES = 256 * 1024 * 1024


@functools.cache
def bomb(coding: str) -> bytes:
    """256 MiB of zeros compressed to about 250 KB (gzip, or raw deflate as some servers send)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31 if coding == "gzip" else -zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    return b"".join([*(packer.compress(zeros) for _ in range(BOMB_BYTES // len(zeros))),
                     packer.flush()])


@pytest.fixture(scope="module")
def faulty_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Faulty)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


FAST = CaptureOptions(allow_private_hosts=("127.0.0.1",), retries=2, backoff_s=0.01,
                      timeout_s=0.5, max_bytes=1_000_000)


def fetch(store, base: str, path: str, options: CaptureOptions = FAST) -> Capture:
    return capture(Source(path.strip("/"), f"{base}{path}"), store, options)


def test_404_is_a_terminal_fetch_error_and_is_not_retried(store, faulty_server):
    Faulty.hits.clear()
    with pytest.raises(FetchError, match="HTTP 404") as error:
        fetch(store, faulty_server, "/gone")
    assert not error.value.transient and len(Faulty.hits) == 1


def test_500_is_retried_then_a_transient_fetch_error(store, faulty_server):
    Faulty.hits.clear()
    with pytest.raises(FetchError, match="HTTP 500") as error:
        fetch(store, faulty_server, "/error")
    assert error.value.transient and len(Faulty.hits) == 1 + FAST.retries


def test_429_waits_for_retry_after_then_captures(store, faulty_server):
    Faulty.hits.clear()
    result = fetch(store, faulty_server, "/busy")
    assert result.http_status == 200
    assert store.read_blob(result.sha256) == b"Finally served.\n"
    (_, first), (_, second) = Faulty.hits
    assert second - first >= 0.9  # Retry-After: 1 was honoured, not the 0.01 s backoff


def test_connection_reset_is_a_transient_fetch_error(store, faulty_server):
    with pytest.raises(FetchError, match="could not reach") as error:
        fetch(store, faulty_server, "/reset")
    assert error.value.transient


def test_a_slow_server_times_out(store, faulty_server):
    with pytest.raises(FetchError, match="timed out after 0.5 s"):
        fetch(store, faulty_server, "/slow", CaptureOptions(
            allow_private_hosts=("127.0.0.1",), retries=0, timeout_s=0.5))


def test_a_redirect_loop_is_named(store, faulty_server):
    with pytest.raises(FetchError, match="redirect loop: .*loop-a -> .*loop-b -> .*loop-a"):
        fetch(store, faulty_server, "/loop-a")


def test_a_redirect_to_a_file_url_is_refused(store, faulty_server):
    with pytest.raises(FetchError, match="refusing redirect to file:///etc/passwd"):
        fetch(store, faulty_server, "/to-file")
    assert store.blobs() == []


@pytest.mark.parametrize("path", ["/declared-huge", "/streamed-huge"])
def test_a_response_over_the_byte_limit_is_refused_and_nothing_is_stored(store, faulty_server, path):
    with pytest.raises(TooLarge, match="1,000,000-byte limit"):
        fetch(store, faulty_server, path)
    assert store.blobs() == []


@pytest.mark.parametrize("path", ["/gzip-bomb", "/deflate-bomb", "/double-gzip-bomb"])
def test_issue_13_a_compression_bomb_stops_at_the_limit_and_stores_nothing(store, faulty_server,
                                                                            path):
    bomb("gzip"), bomb("deflate")  # made before the clock starts (about a second each)
    started = time.monotonic()
    with pytest.raises(TooLarge, match="decodes to more than the 1,000,000-byte limit"):
        fetch(store, faulty_server, path)
    assert time.monotonic() - started < 10
    assert store.blobs() == [] and store.files(store.warc) == []


def test_issue_13_a_trickling_server_is_stopped_by_the_capture_deadline(store, faulty_server):
    options = CaptureOptions(allow_private_hosts=("127.0.0.1",), retries=3, timeout_s=1,
                             deadline_s=1.5)
    started = time.monotonic()
    with pytest.raises(FetchError, match="not captured within the 1.5-s capture deadline; "
                       r"raise \[settings.capture\] deadline_s") as error:
        fetch(store, faulty_server, "/trickle", options)
    assert 1.5 <= time.monotonic() - started < 3
    assert not error.value.transient  # a retry by the flow would only spend another deadline


def test_issue_13_a_silent_tls_handshake_is_stopped_by_the_capture_deadline(store):
    silent = socket.create_server(("127.0.0.1", 0))  # accepts, never answers the ClientHello
    options = CaptureOptions(allow_private_hosts=("127.0.0.1",), retries=0, timeout_s=5,
                             deadline_s=1)
    started = time.monotonic()
    try:
        with pytest.raises(FetchError, match="not captured within the 1-s capture deadline"):
            capture(Source("tls", f"https://127.0.0.1:{silent.getsockname()[1]}/"), store,
                    options)
    finally:
        silent.close()
    assert time.monotonic() - started < 2


def test_issue_13_retries_stop_at_the_capture_deadline(store, faulty_server):
    options = CaptureOptions(allow_private_hosts=("127.0.0.1",), retries=8, backoff_s=0.4,
                             deadline_s=2)
    Faulty.hits.clear()
    started = time.monotonic()
    with pytest.raises(FetchError, match="could not reach .*not retried, as the 2-s capture "
                       "deadline would pass first") as error:
        fetch(store, faulty_server, "/cut-short", options)
    assert time.monotonic() - started < 2
    assert len(Faulty.hits) == 3 and not error.value.transient  # waits 0.4 + 0.8, not 1.6 more
    assert store.blobs() == []


# -- a whole run with bad sources ------------------------------------------------------------

def write_registry(folder: Path, entries: list[tuple[str, str]], settings: str = "") -> Path:
    lines = [settings]
    for source_id, uri in entries:
        lines.append(f'[[source]]\nid = "{source_id}"\nuri = "{uri}"\n')
    path = folder / "sources.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.slow
def test_cli_run_records_each_failure_archives_the_rest_and_keeps_old_versions(
        tmp_path, store, faulty_server, prefect_harness):
    from typer.testing import CliRunner

    from pipeline.archive import Archive
    from pipeline.cli import app

    (tmp_path / "good.txt").write_text("A good source\n\nIt has a paragraph.\n")
    settings = '[settings]\nallow_private_hosts = ["127.0.0.1"]\n'
    first = write_registry(tmp_path, [("good", "good.txt")], settings)
    assert CliRunner().invoke(app, ["ingest", str(first), "--store", str(store.root)]).exit_code == 0
    version_1 = Archive(store).read("passages", version=1).to_pylist()

    files = {"empty.txt": b"", "picture.bin": ZIP, "cut.pdf": make_pdf()[:300],
             "locked.pdf": make_pdf(encrypt="secret"), "scan.pdf": make_pdf(text=False)}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    entries = [("good", "good.txt"), ("empty", "empty.txt"), ("picture", "picture.bin"),
               ("cut", "cut.pdf"), ("locked", "locked.pdf"), ("scan", "scan.pdf"),
               ("gone", f"{faulty_server}/gone"), ("escape", f"{faulty_server}/to-file")]
    result = CliRunner().invoke(app, ["ingest", str(write_registry(tmp_path, entries, settings)),
                                      "--store", str(store.root)])
    assert result.exit_code == 1, result.output
    archive = Archive(store)
    failures = {f["source_id"]: f for f in archive.read("failures").to_pylist()}
    assert set(failures) == {"empty", "picture", "cut", "locked", "scan", "gone", "escape"}
    for source_id in failures:
        assert f"✗ {source_id}" in result.output
    expected = {"empty": "EmptySource", "picture": "UnsupportedKind", "scan": "NeedsOCR",
                "gone": "FetchError", "escape": "FetchError"}
    for source_id, error_class in expected.items():
        assert failures[source_id]["error_class"] == error_class
    assert all(failures[s]["stage"] == "extract" and failures[s]["capture_sha256"]
               for s in ("empty", "picture", "cut", "locked", "scan"))
    assert failures["gone"]["stage"] == "capture" and failures["gone"]["capture_sha256"] is None
    # Failures and an unchanged source change no content: the run is recorded, no new version.
    assert archive.latest_version() == 1 and archive.runs()[-1]["new_version"] is False
    assert archive.runs()[-1]["failed"] == 7 and archive.runs()[-1]["unchanged_docs"] == 1
    assert archive.read("passages", version=1).to_pylist() == version_1
