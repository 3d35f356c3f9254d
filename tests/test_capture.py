import base64
import gc
import gzip
import hashlib
import os
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator

from pipeline.capture import CaptureOptions, capture, read_limited, sniff
from pipeline.errors import CaptureError, FetchError, TooLarge
from pipeline.model import Source

LOOPBACK = CaptureOptions(allow_private_hosts=("127.0.0.1",), retries=0)
PAGE = "<html><head><title>T</title></head><body><p>Café crème</p></body></html>".encode()


def test_local_file_is_stored_byte_for_byte_under_its_sha256(store, tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"line one\r\nline two\xff\n")
    result = capture(Source("a", str(path)), store)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert result.sha256 == digest and result.size == 20
    assert store.blob_path(digest).read_bytes() == path.read_bytes()
    assert result.kind == "text" and result.http_status is None
    assert result.captured_at.tzinfo is not None


def test_capturing_the_same_bytes_again_is_a_revisit_and_writes_nothing_new(store, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("same")
    first = capture(Source("a", str(path)), store)
    mtime = store.blob_path(first.sha256).stat().st_mtime_ns
    second = capture(Source("a", str(path)), store, previous=first)
    assert second.revisit and second.sha256 == first.sha256
    assert store.blob_path(first.sha256).stat().st_mtime_ns == mtime
    assert len(store.blobs()) == 1


def test_a_file_is_read_whole_up_to_the_limit_even_if_it_grew_after_its_size(tmp_path,
                                                                              monkeypatch):
    # Read as long as the file was, then on to the limit: asking for the whole limit at once
    # made a buffer of the limit's size (100 MB) for every file.
    path = tmp_path / "growing.html"
    path.write_bytes(b"<p>one</p>")
    with path.open("rb") as handle:
        assert read_limited(handle, 100, path, "growing") == b"<p>one</p>"
    with path.open("rb") as handle, pytest.raises(TooLarge, match="9-byte limit"):
        read_limited(handle, 9, path, "growing")
    before = os.stat(path)
    path.write_bytes(b"<p>one</p><p>two</p>")
    monkeypatch.setattr(os, "fstat", lambda fd: before)  # grown since its size was read
    for limit in (20, 100):
        with path.open("rb") as handle:
            assert read_limited(handle, limit, path, "growing") == b"<p>one</p><p>two</p>"
    with path.open("rb") as handle, pytest.raises(TooLarge, match="19-byte limit"):
        read_limited(handle, 19, path, "growing")


def test_missing_file_is_a_capture_error_naming_the_path(store, tmp_path):
    with pytest.raises(CaptureError, match="file not found: .*missing.txt") as error:
        capture(Source("gone", str(tmp_path / "missing.txt")), store)
    assert error.value.source_id == "gone"


@pytest.mark.parametrize("data, content_type, kind", [
    (b"%PDF-1.7\n...", None, "pdf"),
    (b"\xef\xbb\xbf<!DOCTYPE html><html>", None, "html"),
    (b"<div>fragment</div>", "text/html; charset=utf-8", "html"),
    (b"Plain words.\nMore words.", None, "text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png", "image"),
    (b"II*\x00\x08\x00\x00\x00", None, "image"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", None, "image"),
    (b"PK\x03\x04\x14\x00\x00\x00", "application/zip", None),
])
def test_kind_is_detected_from_bytes_then_headers(data, content_type, kind):
    assert sniff(data, content_type, "x")[1] == kind


def test_a_page_image_is_known_by_its_signature_not_its_name():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    assert sniff(png, "image/jpeg", "scan.jpg") == ("image/png", "image")


def test_http_capture_writes_a_warc_response_with_sha256_digests(store, http_server):
    base, routes = http_server
    routes["/page"] = (200, {"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"',
                             "Last-Modified": "Tue, 03 Mar 2008 10:00:00 GMT"}, PAGE)
    result = capture(Source("page", f"{base}/page"), store, LOOPBACK)
    assert result.http_status == 200 and result.kind == "html"
    assert (result.etag, result.charset) == ('"v1"', "utf-8")
    assert store.read_blob(result.sha256) == PAGE
    with open(store.root / result.warc_path, "rb") as handle:
        records = [(r.rec_type, r.rec_headers, r.content_stream().read())
                   for r in ArchiveIterator(handle)]
    assert len(records) == 1
    rec_type, headers, payload = records[0]
    assert rec_type == "response" and payload == PAGE
    assert headers.get_header("WARC-Target-URI") == f"{base}/page"
    expected = base64.b32encode(hashlib.sha256(PAGE).digest()).decode()
    assert headers.get_header("WARC-Payload-Digest") == f"sha256:{expected}"


def test_writing_a_response_record_leaves_no_file_open(store, http_server):
    """A long crawl writes one record per page: none may leave a spooled file for the GC."""
    base, routes = http_server
    routes["/page"] = (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        capture(Source("page", f"{base}/page"), store, LOOPBACK)
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_gzip_transfer_is_archived_as_sent_and_stored_decoded(store, http_server):
    base, routes = http_server
    routes["/gz"] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                     gzip.compress(PAGE))
    result = capture(Source("gz", f"{base}/gz"), store, LOOPBACK)
    assert store.read_blob(result.sha256) == PAGE
    with open(store.root / result.warc_path, "rb") as handle:
        (payload,) = [record.raw_stream.read() for record in ArchiveIterator(handle)]
    assert payload == routes["/gz"][2]  # the WARC keeps the body as sent


def test_304_from_a_conditional_request_records_a_revisit(store, http_server):
    base, routes = http_server
    routes["/p"] = (200, {"ETag": '"v1"', "Content-Type": "text/html"}, PAGE)
    first = capture(Source("p", f"{base}/p"), store, LOOPBACK)
    routes["/p"] = (304, {"ETag": '"v1"'}, b"")
    second = capture(Source("p", f"{base}/p"), store, LOOPBACK, previous=first)
    assert second.revisit and second.http_status == 304 and second.sha256 == first.sha256
    with open(store.root / second.warc_path, "rb") as handle:
        (record,) = list(ArchiveIterator(handle))
    assert record.rec_type == "revisit"


def test_redirects_are_followed_only_to_http(store, http_server):
    base, routes = http_server
    routes["/old"] = (301, {"Location": "/new"}, b"")
    routes["/new"] = (200, {"Content-Type": "text/plain"}, b"moved here")
    assert capture(Source("r", f"{base}/old"), store, LOOPBACK).final_url == f"{base}/new"
    routes["/evil"] = (302, {"Location": "file:///etc/passwd"}, b"")
    with pytest.raises(FetchError, match="only http and https are followed"):
        capture(Source("e", f"{base}/evil"), store, LOOPBACK)


def test_loopback_hosts_are_refused_unless_the_registry_allows_them(store, http_server):
    base, routes = http_server
    routes["/p"] = (200, {}, b"text")
    with pytest.raises(FetchError, match="non-public address 127.0.0.1"):
        capture(Source("p", f"{base}/p"), store, CaptureOptions(retries=0))


def test_a_store_write_leaves_no_temporary_files(store):
    store.put_blob(b"x" * 1000)
    files = [p for p in store.raw.rglob("*") if p.is_file()]
    assert len(files) == 1 and not any(name.startswith(".tmp") for name in os.listdir(files[0].parent))


@given(st.binary(max_size=300))
def test_text_is_judged_by_its_share_of_control_bytes_counted_one_by_one(head):
    from pipeline.capture import _looks_like_text

    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    expected = head.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        bool(head) and b"\x00" not in head and control / len(head) < 0.02)
    assert _looks_like_text(head) == expected
