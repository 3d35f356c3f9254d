"""WARC records of HTTP responses, with SHA-256 digests (warcio defaults to SHA-1)."""

from __future__ import annotations

import io
from datetime import datetime

import httpx
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from pipeline.model import Capture


class _Sha256WARCWriter(WARCWriter):  # type: ignore[misc]  # warcio has no type hints
    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


def _writer(buffer: io.BytesIO) -> WARCWriter:
    return _Sha256WARCWriter(buffer, gzip=True, warc_version="1.1")


def _http_headers(response: httpx.Response) -> StatusAndHeaders:
    status = f"{response.status_code} {response.reason_phrase}".strip()
    return StatusAndHeaders(status, list(response.headers.multi_items()), protocol="HTTP/1.1")


def response_record_bytes(url: str, response: httpx.Response, raw: bytes,
                          captured_at: datetime) -> bytes:
    """A gzipped WARC file holding one ``response`` record of the body exactly as sent."""
    buffer = io.BytesIO()
    writer = _writer(buffer)
    # with the length given, warcio digests the payload where it is instead of spooling it to a
    # temporary file it never closes
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(raw), length=len(raw),
        http_headers=_http_headers(response),
        warc_headers_dict={"WARC-Date": _warc_date(captured_at)})
    writer.write_record(record)
    return buffer.getvalue()


def revisit_record_bytes(url: str, previous: Capture, response: httpx.Response,
                         captured_at: datetime) -> bytes:
    """A ``revisit`` record: the server said 304, the payload is the one captured before."""
    buffer = io.BytesIO()
    writer = _writer(buffer)
    record = writer.create_revisit_record(
        url, digest=f"sha256:{previous.sha256}", refers_to_uri=previous.final_url or url,
        refers_to_date=_warc_date(previous.captured_at), http_headers=_http_headers(response),
        warc_headers_dict={"WARC-Date": _warc_date(captured_at)})
    writer.write_record(record)
    return buffer.getvalue()


def _warc_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
