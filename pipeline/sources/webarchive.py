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

Parts: a WARC file can be read as byte ranges (:class:`WarcPart`), each by another worker
(:func:`plan_warc`, :func:`read_part`, :func:`merge_parts`). A part reads the records that
start after its first byte, finding the first by the same search that resumes reading after a
damaged stretch, and goes on past its last byte to the end of the record it is in. Merging
replays every part's records in file order, so revisits find responses read by an earlier
part and the later of two records of one URL wins, as with one reader; a part that did not
begin where the part before stopped (bytes inside a payload that looked like a record start)
is read again from there. The result is the one reader's, whatever the parts.

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
from collections.abc import Iterator
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
from pipeline.store import BlobBatch, Store

WARC_SUFFIXES = (".warc", ".warc.gz")
GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/1."
RESYNC_CHUNK = 1 << 20
"""Bytes read at a time while looking for the next record after an unreadable one."""
SEPARATOR = b"\r\n\r\n"
"""What follows each record (in a gzipped WARC inside its member, counted in its length)."""
DOCUMENT_TYPES = {"text/html", "application/xhtml+xml", "application/pdf", "text/plain"}
"""Content-Types whose payloads become documents; a missing or generic one is sniffed."""
WARC_TYPES = {"warcinfo", "response", "resource", "request", "metadata", "revisit",
              "conversion", "continuation"}
GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream"}
READ_ERRORS = (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error, EOFError,
               ValueError, OSError, zipfile.BadZipFile)
"""What warcio, zlib and zipfile raise on damaged input (bugs still raise)."""


class _QuietIterator(ArchiveIterator):  # type: ignore[misc]  # warcio has no type hints
    """warcio prints a warning to stderr when a record's Content-Length does not end at a
    record boundary; we read ``err_count`` instead and record a failure for that record.

    WARC only, from the first record: warcio guesses the format from the first record it
    reads, so bytes that are no record would fail with another message where reading began
    (a part, a resumed read) than after a record."""

    INC_RECORD = ""

    def __init__(self, handle: IO[bytes]) -> None:
        super().__init__(handle)
        self.known_format = "warc"


@dataclass(frozen=True, slots=True)
class WarcFile:
    """One WARC file to read: where it is, as a capture records it, and its SHA-256."""

    location: str
    """An absolute local path, a path under the store root (``raw/sha256/…``) for a copy kept
    in raw/, and for a WACZ either of those plus ``#archive/<member>``."""
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class WarcPart:
    """Some records of one WARC file, for one reader: those whose reading begins in
    [``start``, ``end``), reading beginning where the record before ends."""

    path: str
    """The file to open (a WACZ's WARC files are read whole: :func:`whole_part`)."""
    warc: WarcFile
    start: int
    end: int
    read_at: datetime
    """A record's capture time when its WARC-Date is unreadable: when the expansion began."""
    resume: int | None = None
    """Where the record after ``start`` begins, when ``start`` is known to be where the record
    before ends (the file's start, a part read again by :func:`merge_parts`); None: the part
    begins at the first record start found from ``start``."""


@dataclass(frozen=True, slots=True)
class _Response:
    """A response record read: its capture, placed in the file, and its payload digest."""

    capture: Capture
    digest: str | None


@dataclass(frozen=True, slots=True)
class _Revisit:
    """A revisit record, resolved when the parts are merged: the response it repeats may have
    been read by an earlier part."""

    child_id: str
    target: str
    captured_at: datetime
    status: int
    headers: tuple[tuple[str, str], ...]
    keys: tuple[str, ...]
    """Where to look for the response: its WARC-Record-ID, ``digest url``, digest."""


@dataclass(frozen=True, slots=True)
class _Failed:
    error: CaptureError
    count_as: str = "unreadable"


_Event = str | _Failed | _Response | _Revisit
"""What one record (or damaged stretch) of a part gave: a count name, a failure, a response, a
revisit."""


@dataclass
class PartScan:
    """What reading one part gave, in file order, for :func:`merge_parts`."""

    part: WarcPart
    begun: tuple[int, int] | None
    """Where reading began: the end of the record before the part's first, and where that
    first record starts; None when no record begins in the part."""
    stopped: tuple[int, int] | None = None
    """Where the next part's reading must begin, as ``begun`` (after this part's last record,
    or the record after a damaged stretch); None at the end of the file."""
    events: list[_Event] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Reader:
    """What reading a part needs besides the file."""

    entry: Source
    store: Store
    options: CaptureOptions
    part: WarcPart
    blobs: BlobBatch
    """Where the part's payloads are put: in place when the part's read returns."""


@dataclass
class _Scan:
    """State of merging one entry's parts, in file order."""

    entry: Source
    expansion: Expansion
    children: dict[str, Child] = field(default_factory=dict)
    originals: dict[str, Capture] = field(default_factory=dict)
    """Responses read, for revisits: by WARC-Record-ID, by ``digest url`` and by digest."""


# -- entry points ----------------------------------------------------------------------------

def plan_warc(entry: Source, store: Store, options: CaptureOptions, expansion: Expansion,
              previous: Previous | None = None, part_bytes: int | None = None) -> list[WarcPart]:
    """Hash the entry's WARC files and cut each into parts of ``part_bytes`` (None: whole
    files) for :func:`read_part`; none when each file is the one ``previous`` read (same
    SHA-256, same settings): then its children are taken from there."""
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
        return []
    expansion.files.extend(files)
    step = part_bytes or max((w.size for _, w in warcs), default=1)
    return [WarcPart(str(path), warc, start, min(start + step, warc.size), expansion.expanded_at,
                     resume=0 if start == 0 else None)
            for path, warc in warcs for start in range(0, max(warc.size, 1), max(step, 1))]


def read_part(entry: Source, store: Store, options: CaptureOptions,
              part: WarcPart) -> PartScan:
    """Read one part's records (a file that cannot be opened is a failure of the part)."""
    try:
        with open_regular_file(Path(part.path).resolve(), entry.id) as (handle, _):
            with store.blob_batch() as blobs:
                return _read_part(_Reader(entry, store, options, part, blobs), handle)
    except CaptureError as error:
        return PartScan(part, None, None, [_Failed(error, "unreadable file")])


def merge_parts(entry: Source, store: Store, options: CaptureOptions, expansion: Expansion,
                scans: list[PartScan]) -> None:
    """Add the records of every part to ``expansion`` as one reader reading the files in
    order would (``scans`` in the order :func:`plan_warc` gave the parts). A part that did not
    begin where the one before it stopped is read again, here, from there; the parts of a
    file after one that reached its end (or could not open it) add nothing."""
    scan = _Scan(entry, expansion)
    stopped: tuple[int, int] | None = None
    for part_scan in scans:
        part = part_scan.part
        if part.start > 0:
            if stopped is None:
                continue
            if part_scan.begun != stopped:
                part_scan = read_part(entry, store, options,
                                      replace(part, start=stopped[0], resume=stopped[1]))
        for event in part_scan.events:
            _apply(scan, event)
        stopped = part_scan.stopped
    _finish(scan)


def whole_part(path: str, warc: WarcFile, read_at: datetime) -> WarcPart:
    """All of one WARC file as one part."""
    return WarcPart(path, warc, 0, warc.size, read_at, resume=0)


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
    scan = _Scan(entry, expansion)
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
                    part = whole_part(str(path), warc, expansion.expanded_at)
                    with store.blob_batch() as blobs:
                        read = _read_part(_Reader(entry, store, options, part, blobs), inner)
                    for event in read.events:
                        _apply(scan, event)
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

def _read_part(reader: _Reader, handle: IO[bytes]) -> PartScan:
    """Read the part's records, resuming after damaged stretches, until one ends at or past
    the part's end (the file's end for its last part)."""
    part = reader.part
    place = (part.start, part.resume) if part.resume is not None else _first_record(handle,
                                                                                     part)
    scan = PartScan(part, place)
    while place is not None and place[0] < part.end:
        place = _read_from(reader, handle, place, scan)
    scan.stopped = place
    return scan


def _first_record(handle: IO[bytes], part: WarcPart) -> tuple[int, int] | None:
    """(where reading begins, where the record starts) for the first record whose reading
    begins at or after the part's start; None if there is none."""
    gzipped = _gzipped(part.warc)
    search = part.start if gzipped else part.start - 1  # the magic includes the newline before
    while True:
        found = _next_record_start(handle, search, part.warc)
        if found is None:
            return None
        begins = found if gzipped else _end_before(handle, found)
        if begins >= part.start:
            return begins, found
        search = found + (1 if gzipped else 0)


def _end_before(handle: IO[bytes], offset: int) -> int:
    """Where the record before the one at ``offset`` ends in an uncompressed WARC: before the
    separator. (Another writer's separator gives ``offset``: the part does not begin where
    the one before stopped and is read again from there.)"""
    start = max(offset - len(SEPARATOR), 0)
    handle.seek(start)
    return start if handle.read(offset - start) == SEPARATOR else offset


def _read_from(reader: _Reader, handle: IO[bytes], place: tuple[int, int],
               scan: PartScan) -> tuple[int, int] | None:
    """Read records from ``place`` (where the record before ends, where the next starts)
    until one ends at or past the end of a part that is not the file's last; returns where
    reading goes on: after that record, at the next record after a damaged stretch, or None
    at the end of the file."""
    part = reader.part
    last = part.end >= part.warc.size
    end, start = place
    handle.seek(start)
    records = _QuietIterator(handle)
    try:
        for record in records:
            errors = records.err_count
            event = _read_record(reader, record)
            offset: int = records.get_record_offset()
            length: int = records.get_record_length()
            end = offset + length
            damage = _damage(record, records.err_count > errors)
            if damage:
                event = _Failed(_record_failure(reader, record, offset, damage))
            elif isinstance(event, _Response):
                event = replace(event, capture=replace(event.capture, warc_offset=offset,
                                                       warc_length=length))
            scan.events.append(event)
            if end >= part.end and not last:
                # warcio is past the blank lines after the record (and past a first line that
                # was not blank, when the record's length lied): where the next one starts
                return end, records.offset
    except READ_ERRORS as exc:
        resume = _next_record_start(handle, end + 1, part.warc)
        where = f"offset {resume:,}" if resume is not None else "no later record"
        scan.events.append(_Failed(CaptureError(
            f"{part.warc.location}: bytes from offset {end:,} are no readable WARC record "
            f"({type(exc).__name__}: {_first_line(exc)}); skipped to {where}",
            source_id=reader.entry.id)))
        return None if resume is None else (resume, resume)
    if end < part.warc.size and _tail(handle, end).strip():
        scan.events.append(_Failed(CaptureError(
            f"{part.warc.location}: the file ends inside a record: {part.warc.size - end:,} "
            f"bytes from offset {end:,} are no complete record (a truncated WARC?)",
            source_id=reader.entry.id)))
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


def _gzipped(warc: WarcFile) -> bool:
    return PurePath(warc.location.split("#")[-1]).name.endswith(".gz")


def _next_record_start(handle: IO[bytes], start: int, warc: WarcFile) -> int | None:
    """Offset of the next place a record starts: a gzip member whose first bytes decompress to
    ``WARC/1.``, or a ``WARC/1.`` line in an uncompressed file."""
    gzipped = _gzipped(warc)
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


def _read_record(reader: _Reader, record: ArcWarcRecord) -> _Event:
    """What a record is: a count name, a failure, a response (not yet placed in the file) or
    a revisit. The payload is read here, before the iterator moves past the record."""
    skip = _classify(record)
    if skip is not None:
        return skip
    entry, warc = reader.entry, reader.part.warc
    target = record.rec_headers.get_header("WARC-Target-URI")
    child_id = f"{entry.id}/{url_key(target)}"
    if record.rec_type == "revisit":
        return _revisit(reader, record, target, child_id)
    try:
        payload = _payload(record, reader.options.max_bytes, child_id)
    except CaptureError as error:
        return _Failed(error)
    content_type = record.http_headers.get_header("Content-Type")
    media_type, kind = sniff(payload, content_type, target)
    if kind is None:
        return "other media"
    sha256 = reader.blobs.put(payload)
    http = record.http_headers
    capture = Capture(
        source_id=child_id, uri=target, captured_at=_warc_date(record, reader.part.read_at),
        sha256=sha256, size=len(payload), media_type=media_type, kind=kind,
        http_status=int(http.get_statuscode()), final_url=target,
        etag=http.get_header("ETag"), last_modified=http.get_header("Last-Modified"),
        headers=tuple(http.headers), warc_path=warc.location, warc_sha256=warc.sha256,
        warc_record_id=record.rec_headers.get_header("WARC-Record-ID"))
    return _Response(capture, record.rec_headers.get_header("WARC-Payload-Digest"))


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


def _revisit(reader: _Reader, record: ArcWarcRecord, target: str, child_id: str) -> _Revisit:
    """A revisit is the response it repeats (same payload), captured at the revisit's date:
    the one its WARC-Refers-To names, else the one of its WARC-Refers-To-Target-URI with its
    payload digest, else the first with that digest (see :func:`_resolve`)."""
    headers = record.rec_headers
    digest = headers.get_header("WARC-Payload-Digest") or ""
    refers_to = headers.get_header("WARC-Refers-To-Target-URI") or ""
    keys = [headers.get_header("WARC-Refers-To") or ""]
    if digest:
        keys += [f"{digest} {url_key(refers_to)}", digest]
    http = record.http_headers
    return _Revisit(child_id, target, _warc_date(record, reader.part.read_at),
                    int(http.get_statuscode()), tuple(http.headers), tuple(keys))


def _apply(scan: _Scan, event: _Event) -> None:
    """Add one record's event to the merged expansion."""
    if isinstance(event, str):
        scan.expansion.counts[event] += 1
    elif isinstance(event, _Failed):
        scan.expansion.fail(event.error, event.count_as)
    elif isinstance(event, _Revisit):
        resolved = _resolve(scan, event)
        if isinstance(resolved, str):
            scan.expansion.counts[resolved] += 1
        else:
            _add(scan, resolved)
    else:
        placed = event.capture
        scan.originals[placed.warc_record_id or ""] = placed
        if event.digest:
            scan.originals[f"{event.digest} {url_key(placed.uri)}"] = placed
            scan.originals.setdefault(event.digest, placed)
        _add(scan, placed)


def _resolve(scan: _Scan, revisit: _Revisit) -> Capture | str:
    """The capture a revisit stands for, or the count name of one whose response was not
    read before it."""
    original = next((scan.originals[k] for k in revisit.keys if k in scan.originals), None)
    if original is None:
        return "revisit without its original"
    return replace(original, source_id=revisit.child_id, uri=revisit.target,
                   final_url=revisit.target, captured_at=revisit.captured_at, revisit=True,
                   http_status=revisit.status if revisit.status != 304
                   else original.http_status, headers=revisit.headers or original.headers)


def _add(scan: _Scan, made: Capture) -> None:
    """Keep a record's child; of two records of one URL, the later capture is the document."""
    kept = scan.children.get(made.source_id)
    if kept is not None:
        scan.expansion.counts["duplicate url"] += 1
        assert kept.capture is not None
        if kept.capture.captured_at > made.captured_at:
            return
    source = replace(child_source(scan.entry, made.source_id.split("/", 1)[1], made.uri),
                     kind=made.kind)
    scan.children[made.source_id] = Child(source, made)


def _record_failure(reader: _Reader, record: ArcWarcRecord, offset: int,
                    why: str) -> CaptureError:
    target = record.rec_headers.get_header("WARC-Target-URI")
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    entry = reader.entry
    child = f"{entry.id}/{url_key(target)}" if target else entry.id
    return CaptureError(f"{reader.part.warc.location}: record {record_id} at offset "
                        f"{offset:,} is damaged: {why}", source_id=child)


def _finish(scan: _Scan) -> None:
    scan.expansion.children.extend(scan.children.values())
    scan.expansion.counts["document"] = len(scan.children)


def _warc_date(record: ArcWarcRecord, fallback: datetime) -> datetime:
    value = record.rec_headers.get_header("WARC-Date") or ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return fallback
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

