"""Capture: a Source in, a Capture out, with the raw bytes stored under their SHA-256.

Local files are read as they are, if they are regular files. HTTP(S) sources are fetched with
httpx: timeouts, retries with backoff (honouring ``Retry-After``), one deadline over all of it,
a size limit on the body as sent and as decoded, connections only to checked public addresses
(``pipeline.net``), redirects followed by hand so that only http/https targets are accepted,
conditional requests from the previous capture, and a WARC record (SHA-256 digests) of every
response.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO, TypeGuard
from urllib.parse import urljoin, urlsplit

from pipeline import __version__
from pipeline.errors import CaptureError, FetchError, TooLarge, shorten
from pipeline.model import CAPTURE_DEADLINE_S, Capture, Kind, Source

if TYPE_CHECKING:  # the HTTP stack (httpx, warcio: 0.15 s) is imported where a fetch needs it,
    import ssl  # so that reading local files (archivist extract) starts without it

    import httpx

    from pipeline.net import Deadline
    from pipeline.registry import Registry
    from pipeline.store import Store

RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}
MAX_BYTES = 100 * 1024 * 1024
"""Default limit on a capture's bytes (decoded, for HTTP) and on a local file's size."""
URL_SHOWN = 200
"""Characters of a URL echoed in a message: enough to tell pages apart, not a 10,000-character
query string."""
_DEADLINE_HINT = "; raise [settings.capture] deadline_s in the registry to allow more"
USER_AGENT = f"Archivist/{__version__} (+archival ingestion; polite single requests)"


@dataclass(frozen=True, slots=True)
class CaptureOptions:
    timeout_s: float = 20.0
    """Longest wait for one connect, read or write."""
    deadline_s: float = CAPTURE_DEADLINE_S
    """Longest time a whole capture may take, redirects and retries included."""
    retries: int = 3
    backoff_s: float = 0.5
    """First retry waits this long, doubling each time (unless Retry-After says otherwise)."""
    max_retry_wait_s: float = 30.0
    max_bytes: int = MAX_BYTES
    max_redirects: int = 10
    allow_private_hosts: tuple[str, ...] = field(default=())
    """Hosts allowed to resolve to special-use addresses, such as loopback (refused otherwise)."""
    allowed_roots: tuple[Path, ...] = field(default=())
    """Folders local sources must resolve into (after ``..`` and symlinks); empty: anywhere."""

    @classmethod
    def of(cls, registry: Registry) -> CaptureOptions:
        """The options a registry's ``[settings]`` ask for; defaults for the rest."""
        return cls(allow_private_hosts=registry.allow_private_hosts,
                   allowed_roots=registry.allowed_roots, deadline_s=registry.capture_deadline_s)


def capture(source: Source, store: Store, options: CaptureOptions = CaptureOptions(),
            previous: Capture | None = None) -> Capture:
    """Read or fetch ``source``, store its bytes, and describe what was captured."""
    if source.is_http:
        return _capture_http(source, store, options, previous)
    return _capture_file(source, store, options, previous)


def _capture_file(source: Source, store: Store, options: CaptureOptions,
                  previous: Capture | None) -> Capture:
    path = _inside_roots(Path(source.uri), source.id, options.allowed_roots)
    with open_regular_file(path, source.id) as (handle, status):
        if status.st_size > options.max_bytes:
            raise TooLarge(f"{path} is {status.st_size:,} bytes, over the "
                           f"{options.max_bytes:,}-byte limit", source_id=source.id)
        mtime = datetime.fromtimestamp(status.st_mtime, timezone.utc)
        if _file_unchanged(previous, status.st_size, mtime, store):
            return replace(previous, captured_at=_now(), revisit=True)
        data = read_limited(handle, options.max_bytes, path, source.id)
    sha256 = store.put_blob(data)
    media_type, kind = sniff(data, None, str(path), source.kind)
    return Capture(source_id=source.id, uri=source.uri, captured_at=_now(), sha256=sha256,
                   size=len(data), media_type=media_type, kind=kind,
                   revisit=previous is not None and previous.sha256 == sha256, mtime=mtime)


@contextmanager
def open_regular_file(path: Path, source_id: str) -> Iterator[tuple[BinaryIO, os.stat_result]]:
    """``path`` open for reading, with the status of the open descriptor, if it is a regular file.

    Anything else is refused: opening a FIFO blocks until a writer comes, and a device such as
    ``/dev/zero`` says it holds 0 bytes and never ends. The type is checked on the path before
    opening (opening some devices acts on them) and again on the descriptor, so a file swapped
    in between cannot slip through. ``O_NONBLOCK`` keeps even that open from waiting; symlinks
    are not followed, so ``path`` must already be resolved (and checked against its roots).
    """
    try:
        _require_regular(os.stat(path), path, source_id)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_NOCTTY)
    except FileNotFoundError:
        raise CaptureError(f"file not found: {path}", source_id=source_id) from None
    except PermissionError:
        raise CaptureError(f"no permission to read {path}", source_id=source_id) from None
    except OSError as exc:
        raise CaptureError(f"cannot open {path}: {exc.strerror}", source_id=source_id) from None
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(fd)
        _require_regular(status, path, source_id)
        yield handle, status


def _require_regular(status: os.stat_result, path: Path, source_id: str) -> None:
    if not stat.S_ISREG(status.st_mode):
        what = next((name for test, name in _FILE_TYPES if test(status.st_mode)), "special file")
        raise CaptureError(f"{path} is {what}, not a regular file; only regular files are "
                           "captured", source_id=source_id)


_FILE_TYPES = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
               (stat.S_ISSOCK, "a socket"))


def read_limited(handle: BinaryIO, max_bytes: int, path: Path, source_id: str) -> bytes:
    """All of ``handle``, refused with TooLarge if it holds more than ``max_bytes`` (a file may
    grow after its size was checked). Read as long as the file is now, then on to the limit if
    it has grown: asking for ``max_bytes`` at once made a buffer that large for every file
    (100 MB, the pages the file filled faulted in, copied out and unmapped: 0.2 ms of a web
    page's 0.35 ms here)."""
    try:
        expected = min(os.fstat(handle.fileno()).st_size, max_bytes)
        data = handle.read(expected + 1)
        if len(data) > expected:  # grown since its size was read
            data += handle.read(max_bytes + 1 - len(data))
    except OSError as exc:
        raise CaptureError(f"cannot read {path}: {exc.strerror}", source_id=source_id) from None
    if len(data) > max_bytes:
        raise TooLarge(f"{path} holds more than the {max_bytes:,}-byte limit",
                       source_id=source_id)
    return data


def _file_unchanged(previous: Capture | None, size: int, mtime: datetime,
                    store: Store) -> TypeGuard[Capture]:
    """Same size and modification time as last time, and those bytes still stored: skip reading.

    Timestamps are compared at the microsecond precision the captures table keeps. An edit
    that keeps both size and mtime is missed, as rsync's quick check misses it; touching the
    file (or ``archivist reprocess``) forces a fresh read.
    """
    return (previous is not None and previous.mtime is not None and previous.size == size
            and previous.mtime == mtime and store.has_blob(previous.sha256))


def _inside_roots(path: Path, source_id: str, roots: tuple[Path, ...]) -> Path:
    """``path`` with ``..`` and symlinks resolved, refused unless it lies under one of ``roots``.

    Resolving at capture time (not only when the registry is read) also catches a file that
    was replaced by a symlink since.
    """
    real = path.resolve()
    if roots and not any(real.is_relative_to(root.resolve()) for root in roots):
        link = _first_symlink(path)
        through = f" (through the symlink {link} -> {os.readlink(link)})" if link else ""
        raise CaptureError(f"{path} resolves to {real}{through}, outside the allowed folders "
                           f"({', '.join(str(r) for r in roots)}); add its folder to "
                           "[settings] allowed_roots in the registry to allow it",
                           source_id=source_id)
    return real


def _first_symlink(path: Path) -> Path | None:
    """The first folder or file on ``path`` that is a symlink (what a refusal should name)."""
    return next((p for p in (*reversed(path.parents), path) if p.is_symlink()), None)


def _capture_http(source: Source, store: Store, options: CaptureOptions,
                  previous: Capture | None) -> Capture:
    from pipeline.warc import response_record_bytes, revisit_record_bytes

    conditional = {}
    if previous is not None and previous.etag:
        conditional["If-None-Match"] = previous.etag
    if previous is not None and previous.last_modified:
        conditional["If-Modified-Since"] = previous.last_modified
    response, raw, body, final_url = _fetch(source, options, conditional)
    headers = tuple((k, v) for k, v in response.headers.multi_items())
    captured_at = _now()

    if response.status_code == 304 and previous is not None:
        revisit = Capture(source_id=source.id, uri=source.uri, captured_at=captured_at,
                          sha256=previous.sha256, size=previous.size,
                          media_type=previous.media_type, kind=previous.kind,
                          http_status=response.status_code, final_url=final_url,
                          etag=previous.etag, last_modified=previous.last_modified,
                          headers=headers, revisit=True)
        return _with_warc(revisit, store,
                          revisit_record_bytes(final_url, previous, response, captured_at))

    sha256 = store.put_blob(body)
    media_type, kind = sniff(body, response.headers.get("content-type"), final_url, source.kind)
    capture = Capture(source_id=source.id, uri=source.uri, captured_at=captured_at,
                      sha256=sha256, size=len(body), media_type=media_type, kind=kind,
                      http_status=response.status_code, final_url=final_url,
                      etag=response.headers.get("etag"),
                      last_modified=response.headers.get("last-modified"), headers=headers,
                      revisit=previous is not None and previous.sha256 == sha256)
    return _with_warc(capture, store, response_record_bytes(final_url, response, raw, captured_at))


def _with_warc(capture: Capture, store: Store, warc: bytes) -> Capture:
    """Store the capture's WARC record under ``warc/<date>/`` and point the capture at it."""
    stamp = capture.captured_at.strftime("%Y%m%dT%H%M%S%fZ")
    warc_path = (store.warc / capture.captured_at.strftime("%Y/%m/%d")
                 / f"{stamp}-{capture.source_id}.warc.gz")
    store.put_file(warc_path, warc)
    return replace(capture, warc_path=str(warc_path.relative_to(store.root)))


def _fetch(source: Source, options: CaptureOptions,
           conditional: dict[str, str]) -> tuple[httpx.Response, bytes, bytes, str]:
    """GET with retries: the final response, its body as sent and decoded, and the final URL."""
    from pipeline.net import Deadline

    deadline = Deadline(options.deadline_s)
    attempt = 0
    while True:
        try:
            return _follow_redirects(source, options, conditional, deadline)
        except FetchError as exc:
            if not exc.transient or attempt >= options.retries:
                raise
            attempt += 1
            wait = getattr(exc, "retry_after", None)
            delay = min(wait if wait is not None else options.backoff_s * 2 ** (attempt - 1),
                        options.max_retry_wait_s)
            if delay >= deadline.remaining():
                raise FetchError(f"{exc.message}; not retried, as the {options.deadline_s:g}-s "
                                 f"capture deadline would pass first{_DEADLINE_HINT}",
                                 source_id=source.id, transient=False) from None
            time.sleep(delay)


def _follow_redirects(source: Source, options: CaptureOptions, conditional: dict[str, str],
                      deadline: Deadline) -> tuple[httpx.Response, bytes, bytes, str]:
    import httpx

    from pipeline.net import GuardedBackend, GuardedTransport

    url = source.uri
    seen: list[str] = []
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate", **conditional}
    backend = GuardedBackend(source.id, options.allow_private_hosts, deadline)
    with httpx.Client(transport=GuardedTransport(backend, _ssl_context()),
                      timeout=options.timeout_s, follow_redirects=False) as client:
        while True:
            _check_scheme(url, source.id)
            seen.append(url)
            response, raw, body = _get(client, url, headers, source.id, options, deadline)
            if response.status_code not in (301, 302, 303, 307, 308):
                break
            location = response.headers.get("location")
            if not location:
                raise FetchError(f"{_shown(url)} answered {response.status_code} without a "
                                 "Location", source_id=source.id)
            url = urljoin(url, location)
            if url in seen:
                raise FetchError(f"redirect loop: {' -> '.join(map(_shown, [*seen, url]))}",
                                 source_id=source.id)
            if len(seen) > options.max_redirects:
                raise FetchError(f"more than {options.max_redirects} redirects from "
                                 f"{_shown(source.uri)}", source_id=source.id)
    if response.status_code == 304 and conditional:
        return response, raw, body, url
    if response.status_code >= 400 or response.status_code < 200:
        error = FetchError(f"{_shown(url)} answered HTTP {response.status_code} "
                           f"{response.reason_phrase}".rstrip(), source_id=source.id,
                           transient=response.status_code in RETRY_STATUSES)
        error.retry_after = _retry_after(response.headers.get("retry-after"))  # type: ignore[attr-defined]
        raise error
    return response, raw, body, url


def _get(client: httpx.Client, url: str, headers: dict[str, str], source_id: str,
         options: CaptureOptions, deadline: Deadline) -> tuple[httpx.Response, bytes, bytes]:
    """One GET: the response, its body as sent, and its body with Content-Encoding undone."""
    import httpx

    try:
        with client.stream("GET", url, headers=headers) as response:
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > options.max_bytes:
                raise TooLarge(f"{_shown(url)} declares {int(declared):,} bytes, over the "
                               f"{options.max_bytes:,}-byte limit", source_id=source_id)
            raw, body = read_body(response.iter_raw(), response.headers.get("content-encoding"),
                                  options.max_bytes, url, source_id)
            return response, raw, body
    except httpx.TimeoutException as exc:
        if deadline.passed:
            raise FetchError(f"{_shown(url)} was not captured within the {deadline.seconds:g}-s "
                             f"capture deadline{_DEADLINE_HINT}", source_id=source_id) from None
        raise FetchError(f"{_shown(url)} timed out after {options.timeout_s:g} s "
                         f"({type(exc).__name__})", source_id=source_id, transient=True) from None
    except httpx.TransportError as exc:
        raise FetchError(f"could not reach {_shown(url)}: {exc or type(exc).__name__}",
                         source_id=source_id, transient=True) from None


def read_body(chunks: Iterable[bytes], content_encoding: str | None, max_bytes: int,
              url: str, source_id: str) -> tuple[bytes, bytes]:
    """An HTTP body as sent (for the WARC record) and as meant (Content-Encoding undone).

    Both are held to ``max_bytes`` while the chunks stream in, so neither a long body nor a
    small compressed one that inflates to gigabytes is ever whole in memory or on disk.
    """
    from pipeline.net import ContentDecoder, DecodedTooLarge, DecodingFailed

    decoder = ContentDecoder(content_encoding, max_bytes)
    raw, body = bytearray(), bytearray()
    try:
        for chunk in chunks:
            raw += chunk
            if len(raw) > max_bytes:
                raise TooLarge(f"{_shown(url)} sent more than the {max_bytes:,}-byte limit",
                               source_id=source_id)
            if not decoder.identity:
                for piece in decoder.decode(chunk):
                    body += piece
    except DecodedTooLarge:
        raise TooLarge(f"{_shown(url)} sent a {content_encoding} body that decodes to more than "
                       f"the {max_bytes:,}-byte limit", source_id=source_id) from None
    except DecodingFailed as exc:
        raise FetchError(f"could not undo Content-Encoding {content_encoding!r}: {exc}",
                         source_id=source_id) from None
    return bytes(raw), bytes(raw if decoder.identity else body)


@cache
def _ssl_context() -> ssl.SSLContext:
    """Loading the CA bundle takes ~70 ms: do it once per process, not once per source."""
    import httpx

    return httpx.create_ssl_context()


def _shown(url: str) -> str:
    return shorten(url, URL_SHOWN)


def _check_scheme(url: str, source_id: str) -> None:
    scheme = urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise FetchError(f"refusing redirect to {_shown(url)}: only http and https are "
                         "followed", source_id=source_id)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    from email.utils import parsedate_to_datetime  # with the HTTP stack, not at every start

    try:
        return max(0.0, (parsedate_to_datetime(value) - _now()).total_seconds())
    except (TypeError, ValueError):
        return None


def sniff(data: bytes, content_type: str | None, name: str,
          declared: Kind | None = None) -> tuple[str, Kind | None]:
    """Media type and kind: the registry's word first, then the bytes (PDF magic, markup
    anywhere in the document's head), then the Content-Type, then the file name.

    Markup is never read as text: pages open with scripts, conditional comments or long
    comment banners before any ``<html>``, so the bytes are searched past them, not just the
    first few kilobytes."""
    if declared is not None:
        if declared == "image":
            return _image_type(data) or "application/octet-stream", declared
        return {"html": "text/html", "pdf": "application/pdf",
                "text": "text/plain"}[declared], declared
    if b"%PDF-" in data[:1024]:
        return "application/pdf", "pdf"
    image = _image_type(data)
    if image:  # by signature only: a .jpg holding a PNG is the PNG it is
        return image, "image"
    mime = (content_type or "").split(";")[0].strip().lower()
    suffix = PurePosixPath(urlsplit(name).path if "://" in name else name).suffix.lower()
    textual = _looks_like_text(data[:4096])
    if textual and _is_markup(data[:_MARKUP_SCAN_BYTES], suffix not in _TEXT_SUFFIXES):
        return (mime if mime in _HTML_TYPES else "text/html"), "html"
    if mime in _HTML_TYPES:
        return mime, "html"
    if textual and suffix in _HTML_SUFFIXES:
        return "text/html", "html"
    if textual:
        return "text/plain", "text"
    return mime or "application/octet-stream", None


_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx",
                            ".jsp"})
# A text file may quote a page; its name is believed unless markup opens it.
_TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".rst", ".csv", ".log"})
# How far into the bytes to look for markup: a head full of inline scripts can run to
# hundreds of kilobytes before <body>.
_MARKUP_SCAN_BYTES = 1 << 20
# A document's first non-blank bytes that only markup opens with.
_MARKUP_OPENING = re.compile(
    rb"<(?:!doctype\s+html|!--|\?xml|(?:html|head|body|script|style|meta|link|title|base|"
    rb"div|table|p|h[1-6]|center|font|frameset|noscript|form|span|a|img|ul|header|nav|main|"
    rb"article|section)[\s>/])", re.IGNORECASE)
# The elements that make a page, wherever in its head they sit.
_PAGE_TAGS = re.compile(rb"<(?:html|head|body|frameset)[\s>]", re.IGNORECASE)


_IMAGE_SIGNATURES = ((b"II*\x00", "image/tiff"), (b"MM\x00*", "image/tiff"),
                     (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
"""Page images (read by OCR): TIFF in either byte order, PNG, JPEG."""


def _image_type(data: bytes) -> str | None:
    return next((media for magic, media in _IMAGE_SIGNATURES if data.startswith(magic)), None)


def _is_markup(data: bytes, search: bool) -> bool:
    """Markup opens the bytes, or (unless the name says text) a page element is in them."""
    body = data.lstrip(b"\xef\xbb\xbf \t\r\n\f")
    return bool(_MARKUP_OPENING.match(body) or (search and _PAGE_TAGS.search(body)))


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a BOM
        return True
    if not head or b"\x00" in head:
        return False
    # The control bytes counted as the ones translate deletes (a loop in C, not per byte).
    control = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return control / len(head) < 0.02


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def _now() -> datetime:
    return datetime.now(timezone.utc)


def read_local(path: str | Path, kind: Kind | None = None,
               max_bytes: int = MAX_BYTES) -> tuple[Capture, bytes]:
    """Describe a local file as a capture without storing it (for ``archivist extract``)."""
    path = Path(path).resolve()
    with open_regular_file(path, path.stem) as (handle, _):
        data = read_limited(handle, max_bytes, path, path.stem)
    media_type, detected = sniff(data, None, str(path), kind)
    return Capture(source_id=path.stem, uri=str(path), captured_at=_now(),
                   sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                   media_type=media_type, kind=detected), data
