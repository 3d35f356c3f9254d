"""WARC and WACZ sources: every archived HTTP response with a readable payload is a document.

In: a ``warc`` entry (a ``.warc`` or ``.warc.gz`` file, a folder of them, or a glob) or a
``wacz`` entry (a WACZ zip, whose ``archive/*.warc[.gz]`` files are read). Out: one child per
response record with a 2xx status and an HTML, PDF or plain-text payload, its capture pointing
at the record: the WARC file's SHA-256, the record's offset and length, its WARC-Record-ID and
WARC-Target-URI, WARC-Date as capture time, the HTTP headers (for the charset). Requests,
metadata, warcinfo, DNS, 3xx/4xx/5xx, images and other media are counted, not archived.
Revisit records resolve through WARC-Payload-Digest to the response they repeat. WARC 1.0 and
1.1, one gzip member per record or none.

Streaming: warcio's ArchiveIterator reads one record at a time; a payload (at most
``max_bytes``) is hashed and put in raw/ under its SHA-256 as it is read, so memory holds one
payload and a small capture per document, whatever the size of the WARC. A payload already in
raw/ costs its hash. A record that cannot be read (a bad gzip member, a Content-Length that
does not end where the next record starts, a truncated tail) is a failure; reading resumes at
the next record.

Provenance: the payload lives in raw/ and the capture says where it came from.
:func:`read_record` reopens the WARC at that offset and checks the WARC-Record-ID and that the
payload's SHA-256 is the capture's, so a trace proves the stored bytes against the WARC
without hashing a many-gigabyte file again. The WARC is read in place by default (a crawl is
usually kept anyway, and copying it doubles the disk it takes); with ``keep_warc = true`` the
WARC (or WACZ) file is also copied into raw/ under its SHA-256, the capture points there, and
trace and verify no longer depend on the original file staying where it was.
"""

from __future__ import annotations

import glob
import hashlib
import json
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path, PurePath
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeadersParserException

from pipeline.capture import CaptureOptions, open_regular_file, sniff
from pipeline.errors import CaptureError, TooLarge
from pipeline.model import Capture, Source
from pipeline.sources import (
    Child,
    Expansion,
    Previous,
    child_source,
    inside,
    reuse,
    settings_of,
    url_key,
)
from pipeline.store import Store

WARC_SUFFIXES = (".warc", ".warc.gz")
GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/1."
RESYNC_CHUNK = 1 << 20
"""Bytes read at a time while looking for the next record after an unreadable one."""
DOCUMENT_TYPES = {"text/html", "application/xhtml+xml", "application/pdf", "text/plain"}
"""Content-Types whose payloads become documents; a missing or generic one is sniffed."""
WARC_TYPES = {"warcinfo", "response", "resource", "request", "metadata", "revisit",
              "conversion", "continuation"}
GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream"}
READ_ERRORS = (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error, EOFError,
               ValueError, OSError, zipfile.BadZipFile)
"""What warcio, zlib and zipfile raise on damaged input (bugs still raise)."""


_Outcome = str | Callable[[int, int], Capture | CaptureError]
"""What a record is: a count name, or a function of (offset, length) giving its child."""


class _QuietIterator(ArchiveIterator):  # type: ignore[misc]  # warcio has no type hints
    """warcio prints a warning to stderr when a record's Content-Length does not end at a
    record boundary; we read ``err_count`` instead and record a failure for that record."""

    INC_RECORD = ""


@dataclass(frozen=True, slots=True)
class WarcFile:
    """One WARC file to read: where it is, as a capture records it, and its SHA-256."""

    location: str
    """An absolute local path, a path under the store root (``raw/sha256/…``) for a copy kept
    in raw/, and for a WACZ either of those plus ``#archive/<member>``."""
    sha256: str
    size: int


@dataclass
class _Scan:
    """State of one entry's scan across its files."""

    entry: Source
    store: Store
    options: CaptureOptions
    expansion: Expansion
    children: dict[str, Child] = field(default_factory=dict)
    originals: dict[str, Capture] = field(default_factory=dict)
    """Responses read, for revisits: by WARC-Record-ID, by ``digest url`` and by digest."""


# -- entry points ----------------------------------------------------------------------------

def expand_warc(entry: Source, store: Store, options: CaptureOptions,
                expansion: Expansion, previous: Previous | None = None) -> None:
    """Read every WARC file of a ``warc`` entry, unless each is the one ``previous`` read
    (same SHA-256, same settings): then its children are taken from there."""
    expansion.settings = settings_of(entry, options)
    warcs = []
    for path in _warc_paths(entry, options, expansion):
        try:
            with open_regular_file(path.resolve(), entry.id) as (handle, _):
                sha256, size = _hash_stream(handle)
        except CaptureError as error:  # not a regular file, unreadable
            expansion.fail(error, "unreadable file")
            continue
        location = _keep(path, sha256, store) if entry.keep_warc else str(path)
        warcs.append((path, WarcFile(location, sha256, size)))
    files: list[tuple[str, str | None]] = [(w.location, w.sha256) for _, w in warcs]
    if not expansion.failures and reuse(expansion, previous, files):
        return
    scan = _Scan(entry, store, options, expansion)
    for path, warc in warcs:
        try:
            with open_regular_file(path.resolve(), entry.id) as (handle, _):
                expansion.files.append((warc.location, warc.sha256))
                _scan_file(scan, warc, handle)
        except CaptureError as error:
            expansion.fail(error, "unreadable file")
    _finish(scan)


def expand_wacz(entry: Source, store: Store, options: CaptureOptions,
                expansion: Expansion, previous: Previous | None = None) -> None:
    """Read the WARC files inside a WACZ; a file its datapackage lists but the zip lacks, or
    whose SHA-256 differs from the listed one, is a failure of that file. A WACZ with the
    SHA-256 and settings of ``previous`` is not opened: its children are taken from there."""
    path = Path(entry.uri)
    if not inside(path, options.allowed_roots):
        raise CaptureError(f"{path} lies outside the allowed folders; add its folder to "
                           "[settings] allowed_roots", source_id=entry.id)
    with open_regular_file(path.resolve(), entry.id) as (handle, _):
        sha256, _ = _hash_stream(handle)
        base = _keep(path, sha256, store) if entry.keep_warc else str(path)
        expansion.settings = settings_of(entry, options)
        if previous is not None and previous.files[:1] == ((base, sha256),):
            # The WACZ's own SHA-256 covers every member: its first file row decides.
            if reuse(expansion, previous, list(previous.files)):
                return
        expansion.files.append((base, sha256))
        _expand_wacz(entry, path, handle, base, store, options, expansion)


def _expand_wacz(entry: Source, path: Path, handle: IO[bytes], base: str, store: Store,
                 options: CaptureOptions, expansion: Expansion) -> None:
    scan = _Scan(entry, store, options, expansion)
    try:
        with zipfile.ZipFile(handle) as wacz:
            for member, expected in _wacz_members(wacz, path, entry, expansion):
                with wacz.open(member) as inner:
                    member_sha, size = _hash_stream(inner)
                    if expected is not None and expected != member_sha:
                        expansion.fail(CaptureError(
                            f"{path.name}: {member} has SHA-256 {member_sha}, but "
                            f"datapackage.json lists {expected}; the WACZ is damaged, its "
                            "records are skipped", source_id=entry.id), "damaged file")
                        continue
                    warc = WarcFile(f"{base}#{member}", member_sha, size)
                    expansion.files.append((warc.location, member_sha))
                    _scan_file(scan, warc, inner)
    except zipfile.BadZipFile as exc:
        raise CaptureError(f"{path} is not a readable WACZ (zip): {exc}",
                           source_id=entry.id) from None
    _finish(scan)


def _wacz_members(wacz: zipfile.ZipFile, path: Path, entry: Source,
                  expansion: Expansion) -> list[tuple[str, str | None]]:
    """(member, listed SHA-256 or None) of each WARC in the WACZ; listed but missing ones
    are failures."""
    names = set(wacz.namelist())
    present = sorted(n for n in names if n.startswith("archive/") and n.endswith(WARC_SUFFIXES))
    listed: dict[str, str | None] = {}
    if "datapackage.json" in names:
        try:
            package = json.loads(wacz.read("datapackage.json"))
            for resource in package.get("resources", []):
                name = str(resource.get("path", ""))
                if name.startswith("archive/"):
                    digest = str(resource.get("hash", ""))
                    listed[name] = digest.removeprefix("sha256:") if digest.startswith(
                        "sha256:") else None
        except (ValueError, AttributeError) as exc:
            expansion.fail(CaptureError(f"{path.name}: datapackage.json is unreadable ({exc}); "
                                        "reading the archive/ folder as it is",
                                        source_id=entry.id), "damaged file")
    for name in sorted(set(listed) - names):
        expansion.fail(CaptureError(f"{path.name}: datapackage.json lists {name}, which the "
                                    "zip does not hold; its records are missing",
                                    source_id=entry.id), "missing file")
    if not present and not listed:
        raise CaptureError(f"{path.name} holds no archive/*.warc or *.warc.gz: not a WACZ?",
                           source_id=entry.id)
    return [(name, listed.get(name)) for name in present]


def _warc_paths(entry: Source, options: CaptureOptions, expansion: Expansion) -> list[Path]:
    """The entry's WARC files: the file, the folder's WARC files, or the glob's matches,
    sorted; any outside the allowed folders is a failure."""
    uri = entry.uri
    if any(ch in uri for ch in "*?["):
        paths = [Path(p) for p in sorted(glob.glob(uri, recursive=True))]
    elif Path(uri).is_dir():
        paths = sorted(p for p in Path(uri).rglob("*") if p.name.endswith(WARC_SUFFIXES))
    else:
        paths = [Path(uri)]
    kept = []
    for path in paths:
        if not inside(path, options.allowed_roots):
            expansion.fail(CaptureError(f"{path} resolves to {path.resolve()}, outside the "
                                        "allowed folders; add its folder to [settings] "
                                        "allowed_roots", source_id=entry.id), "refused file")
        elif not path.is_file():
            expansion.fail(CaptureError(f"WARC file not found: {path}", source_id=entry.id),
                           "missing file")
        else:
            kept.append(path)
    if not paths:
        raise CaptureError(f"no WARC files (*.warc, *.warc.gz) at {uri}", source_id=entry.id)
    return kept


# -- reading records -------------------------------------------------------------------------

def _scan_file(scan: _Scan, warc: WarcFile, handle: IO[bytes]) -> None:
    """Read every record of one WARC file, resuming after unreadable stretches."""
    position: int | None = 0
    while position is not None:
        position = _scan_from(scan, warc, handle, position)


def _scan_from(scan: _Scan, warc: WarcFile, handle: IO[bytes], start: int) -> int | None:
    """Read records from ``start``; returns where to resume after a damaged stretch, or None
    at the end of the file."""
    handle.seek(start)
    records = _QuietIterator(handle)
    end = start
    try:
        for record in records:
            errors = records.err_count
            outcome = _read_record(scan, warc, record)
            offset, length = records.get_record_offset(), records.get_record_length()
            end = offset + length
            damage = _damage(record, records.err_count > errors)
            if damage:
                _fail_record(scan, record, warc, offset, damage)
            elif isinstance(outcome, str):
                scan.expansion.counts[outcome] += 1
            else:
                _add(scan, outcome(offset, length))
    except READ_ERRORS as exc:
        resume = _next_record_start(handle, end + 1, warc)
        where = f"offset {resume:,}" if resume is not None else "no later record"
        scan.expansion.fail(CaptureError(
            f"{warc.location}: bytes from offset {end:,} are no readable WARC record "
            f"({type(exc).__name__}: {_first_line(exc)}); skipped to {where}",
            source_id=scan.entry.id))
        return resume
    if end < warc.size and _tail(handle, end).strip():
        scan.expansion.fail(CaptureError(
            f"{warc.location}: the file ends inside a record: {warc.size - end:,} bytes from "
            f"offset {end:,} are no complete record (a truncated WARC?)",
            source_id=scan.entry.id))
    return None


def _damage(record: ArcWarcRecord, misaligned: bool) -> str | None:
    """Why a record that warcio read is not sound, or None.

    warcio reads leniently: a Content-Length that does not end at a record boundary only
    raises its error count, a file that ends inside a record's block gives a short block, and
    a gzip member cut short can yield a fragment of a header (``WARC-Type: met``, no length).
    """
    length = record.rec_headers.get_header("Content-Length")
    if record.rec_type not in WARC_TYPES or length is None or not length.isdigit():
        return (f"its header is cut short or damaged (WARC-Type {record.rec_type!r}, "
                f"Content-Length {length!r}): a truncated file?")
    if misaligned:
        return (f"its Content-Length {length} does not end where the next record starts "
                "(a wrong length, or bytes lost)")
    if getattr(record.raw_stream, "limit", 0) > 0:
        return f"the file ends before its Content-Length {length} does: a truncated file?"
    return None


def _tail(handle: IO[bytes], end: int) -> bytes:
    handle.seek(end)
    return handle.read(RESYNC_CHUNK)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:120] if text else type(exc).__name__


def _next_record_start(handle: IO[bytes], start: int, warc: WarcFile) -> int | None:
    """Offset of the next place a record starts: a gzip member whose first bytes decompress to
    ``WARC/1.``, or a ``WARC/1.`` line in an uncompressed file."""
    gzipped = PurePath(warc.location.split("#")[-1]).name.endswith(".gz")
    magic = GZIP_MAGIC if gzipped else b"\n" + WARC_MAGIC
    position = start
    while True:
        handle.seek(position)
        chunk = handle.read(RESYNC_CHUNK + len(magic))
        if len(chunk) < len(magic):
            return None
        found = chunk.find(magic)
        while found != -1:
            candidate = position + found + (0 if gzipped else 1)
            if not gzipped or _starts_a_record(handle, candidate):
                return candidate
            found = chunk.find(magic, found + 1)
        position += RESYNC_CHUNK


def _starts_a_record(handle: IO[bytes], offset: int) -> bool:
    handle.seek(offset)
    try:
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(handle.read(4096), 16)
    except zlib.error:
        return False
    return head.startswith(WARC_MAGIC)


def _read_record(scan: _Scan, warc: WarcFile, record: ArcWarcRecord) -> _Outcome:
    """What a record is: a count name, or a function of (offset, length) giving its child.

    The payload is read here, before the iterator moves past the record; the child is made
    only once its length is known to be sound.
    """
    skip = _classify(record)
    if skip is not None:
        return skip
    target = record.rec_headers.get_header("WARC-Target-URI")
    child_id = f"{scan.entry.id}/{url_key(target)}"
    if record.rec_type == "revisit":
        return _revisit(scan, record, target, child_id)
    try:
        payload = _payload(record, scan.options.max_bytes, child_id)
    except CaptureError as error:
        failure = error  # `error` is unbound when the except block ends, before the call
        return lambda offset, length: failure
    content_type = record.http_headers.get_header("Content-Type")
    media_type, kind = sniff(payload, content_type, target)
    if kind is None:
        return "other media"
    sha256 = scan.store.put_blob(payload)
    http = record.http_headers
    capture = Capture(
        source_id=child_id, uri=target, captured_at=_warc_date(record, scan.expansion),
        sha256=sha256, size=len(payload), media_type=media_type, kind=kind,
        http_status=int(http.get_statuscode()), final_url=target,
        etag=http.get_header("ETag"), last_modified=http.get_header("Last-Modified"),
        headers=tuple(http.headers), warc_path=warc.location, warc_sha256=warc.sha256,
        warc_record_id=record.rec_headers.get_header("WARC-Record-ID"))
    digest = record.rec_headers.get_header("WARC-Payload-Digest")

    def located(offset: int, length: int) -> Capture:
        placed = replace(capture, warc_offset=offset, warc_length=length)
        scan.originals[capture.warc_record_id or ""] = placed
        if digest:
            scan.originals[f"{digest} {url_key(target)}"] = placed
            scan.originals.setdefault(digest, placed)
        return placed
    return located


def _classify(record: ArcWarcRecord) -> str | None:
    """The count name of a record that is no document, or None for a candidate."""
    if record.rec_type not in ("response", "revisit"):
        return str(record.rec_type)
    target = record.rec_headers.get_header("WARC-Target-URI") or ""
    if not target.startswith(("http://", "https://")):
        return "dns" if target.startswith("dns:") else "non-http"
    if record.http_headers is None:
        return "no http headers"
    if record.rec_headers.get_header("WARC-Truncated"):
        return "truncated by the crawler"
    if record.rec_headers.get_header("WARC-Segment-Number"):
        return "segmented"
    if url_key(target).endswith("/robots.txt") and url_key(target).count("/") == 1:
        return "robots.txt"
    status = record.http_headers.get_statuscode() or ""
    if not status.isdigit():
        return "no http status"
    if record.rec_type == "response" and not 200 <= int(status) < 300:
        return f"http {status[0]}xx"
    mime = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if mime.startswith("image/"):
        return "image"
    if mime not in DOCUMENT_TYPES | GENERIC_TYPES and record.rec_type == "response":
        return "other media"
    return None


def _payload(record: ArcWarcRecord, max_bytes: int, child_id: str) -> bytes:
    """The entity body with chunking and Content-Encoding undone, as an HTTP capture stores it."""
    encoding = (record.http_headers.get_header("Content-Encoding") or "").strip().lower()
    if encoding not in ("", "identity") and encoding not in (
            BufferedReader.get_supported_decompressors()):
        raise CaptureError(f"cannot undo Content-Encoding {encoding!r} of "
                           f"{record.rec_headers.get_header('WARC-Target-URI')}",
                           source_id=child_id)
    try:
        payload: bytes = record.content_stream().read(max_bytes + 1)
    except (zlib.error, ValueError, EOFError) as exc:
        raise CaptureError(f"the payload of {record.rec_headers.get_header('WARC-Record-ID')} "
                           f"cannot be decoded: {exc}", source_id=child_id) from None
    if len(payload) > max_bytes:
        raise TooLarge(f"the payload is over the {max_bytes:,}-byte limit", source_id=child_id)
    return payload


def _revisit(scan: _Scan, record: ArcWarcRecord, target: str, child_id: str) -> _Outcome:
    """A revisit is the response it repeats (same payload), captured at the revisit's date:
    the one its WARC-Refers-To names, else the one of its WARC-Refers-To-Target-URI with its
    payload digest, else the first with that digest."""
    headers = record.rec_headers
    digest = headers.get_header("WARC-Payload-Digest") or ""
    refers_to = headers.get_header("WARC-Refers-To-Target-URI") or ""
    keys = [headers.get_header("WARC-Refers-To") or ""]
    if digest:
        keys += [f"{digest} {url_key(refers_to)}", digest]
    original = next((scan.originals[k] for k in keys if k in scan.originals), None)
    if original is None:
        return "revisit without its original"
    http = record.http_headers
    status = int(http.get_statuscode())
    capture = replace(original, source_id=child_id, uri=target, final_url=target,
                      captured_at=_warc_date(record, scan.expansion), revisit=True,
                      http_status=status if status != 304 else original.http_status,
                      headers=tuple(http.headers) or original.headers)
    return lambda offset, length: capture


def _add(scan: _Scan, made: Capture | CaptureError) -> None:
    """Keep a record's child; of two records of one URL, the later capture is the document."""
    if isinstance(made, CaptureError):
        scan.expansion.fail(made)
        return
    kept = scan.children.get(made.source_id)
    if kept is not None:
        scan.expansion.counts["duplicate url"] += 1
        assert kept.capture is not None
        if kept.capture.captured_at > made.captured_at:
            return
    source = replace(child_source(scan.entry, made.source_id.split("/", 1)[1], made.uri),
                     kind=made.kind)
    scan.children[made.source_id] = Child(source, made)


def _fail_record(scan: _Scan, record: ArcWarcRecord, warc: WarcFile, offset: int,
                 why: str) -> None:
    target = record.rec_headers.get_header("WARC-Target-URI")
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    child = f"{scan.entry.id}/{url_key(target)}" if target else scan.entry.id
    scan.expansion.fail(CaptureError(f"{warc.location}: record {record_id} at offset "
                                     f"{offset:,} is damaged: {why}", source_id=child))


def _finish(scan: _Scan) -> None:
    scan.expansion.children.extend(scan.children.values())
    scan.expansion.counts["document"] = len(scan.children)


def _warc_date(record: ArcWarcRecord, expansion: Expansion) -> datetime:
    value = record.rec_headers.get_header("WARC-Date") or ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return expansion.expanded_at
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# -- files -----------------------------------------------------------------------------------

def _hash_stream(handle: IO[bytes]) -> tuple[str, int]:
    """SHA-256 and size of all of ``handle``, read in chunks; leaves it at the start."""
    handle.seek(0)
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: handle.read(RESYNC_CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    return digest.hexdigest(), size


def _keep(path: Path, sha256: str, store: Store) -> str:
    """Copy the file into raw/ under its SHA-256 (once); its location relative to the store."""
    target = store.blob_path(sha256)
    if not store.exists(target):
        store.copy_in(path, target)
    return str(target.relative_to(store.root))


@contextmanager
def open_location(store: Store, location: str) -> Iterator[IO[bytes]]:
    """A seekable handle on the WARC a capture names (see :attr:`WarcFile.location`)."""
    path, _, member = location.partition("#") if ".wacz#" in location else (location, "", "")
    if Path(path).is_absolute():
        handle: IO[bytes] = open(path, "rb")
    elif store.remote:
        handle = store.filesystem().open_input_file(str(store.root / path))
    else:
        handle = open(Path(store.root) / path, "rb")
    with handle:
        if not member:
            yield handle
            return
        with zipfile.ZipFile(handle) as wacz, wacz.open(member) as inner:
            yield inner


def read_record(store: Store, capture: Capture) -> bytes:
    """The payload of the record ``capture`` points at, read from its WARC; raises
    CaptureError when the file is gone or the record there is not the one recorded."""
    if capture.warc_offset is None or capture.warc_path is None:
        raise CaptureError(f"{capture.source_id} was not read from a WARC source",
                           source_id=capture.source_id)
    try:
        with open_location(store, capture.warc_path) as handle:
            handle.seek(capture.warc_offset)
            record = next(iter(_QuietIterator(handle)))
            found = record.rec_headers.get_header("WARC-Record-ID")
            if found != capture.warc_record_id:
                raise CaptureError(f"{capture.warc_path} has record {found} at offset "
                                   f"{capture.warc_offset:,}, not {capture.warc_record_id}: "
                                   "the file changed since it was archived",
                                   source_id=capture.source_id)
            return _payload(record, max(capture.size, 1), capture.source_id)
    except (FileNotFoundError, KeyError) as exc:
        raise CaptureError(f"the WARC {capture.warc_path} is gone ({exc}); archive with "
                           "keep_warc = true to keep a copy in raw/",
                           source_id=capture.source_id) from None
    except (StopIteration, *READ_ERRORS) as exc:
        raise CaptureError(f"no readable record at offset {capture.warc_offset:,} of "
                           f"{capture.warc_path} ({type(exc).__name__}): the file changed "
                           "since it was archived", source_id=capture.source_id) from None

