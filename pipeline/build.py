"""One capture through extract -> clean -> segment, and the decision whether it is a new version.

``ingest_source`` is the per-source unit of work the ingest flow runs (in batches, as Prefect
tasks): capture, then build. Building reads the bytes back from the raw store so that what is
archived is derived from exactly what was stored.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from pipeline import errors
from pipeline.capture import CaptureOptions, capture
from pipeline.errors import PipelineError
from pipeline.extract import ExtractOptions, extractor_version
from pipeline.model import (
    OCR_MODES,
    OCR_SETTING,
    Capture,
    DocumentRecord,
    OcrMode,
    SegmentedDocument,
    Source,
)
from pipeline.registry import Registry
from pipeline.rows import derive, transforms_from_row
from pipeline.schedule import due_sources
from pipeline.sources import Expansion, Previous
from pipeline.store import Store

if TYPE_CHECKING:  # the run's process passes them in: a Dask worker that imports this module
    # to build documents then need not load Delta and the archive's schemas (about 30 MB)
    from pipeline.archive import Archive, RunWriter


@dataclass(frozen=True, slots=True)
class Built:
    """A document and the version it gets, or ``doc_version=None`` when nothing changed."""

    document: SegmentedDocument | None
    doc_version: int | None


def can_skip(capture: Capture, previous: DocumentRecord | None,
             previous_capture: Capture | None = None) -> bool:
    """Same bytes through the same extractor give the same document: skip all the work.

    "Same extractor" is the one that built the document, or the one that last processed these
    bytes and found the content unchanged (after an upgrade that changed nothing, the document
    row keeps the old version; the capture row records the new one, so the work is done once).
    """
    if previous is None:
        return False
    current = extractor_version(capture.kind)
    built_from_these = (previous.capture_sha256 == capture.sha256
                        and previous.extractor_version == current)
    confirmed_last_time = (previous_capture is not None
                           and previous_capture.sha256 == capture.sha256
                           and previous_capture.extractor_version == current
                           and previous_capture.extract_error is None)
    return built_from_these or confirmed_last_time


def options_key(options: ExtractOptions) -> str:
    """``options`` as the JSON a capture records with a failure (``Capture.extract_options``)."""
    return json.dumps(asdict(options), sort_keys=True)


def failed_again(capture: Capture, previous_capture: Capture | None,
                 options: ExtractOptions) -> bool:
    """Whether ``capture``'s bytes failed last time in a way the same bytes, extractor and
    ``options`` repeat (``Capture.extract_error``): the failure can be recorded again without
    extracting. A new extractor version or other options try again."""
    return (previous_capture is not None and previous_capture.extract_error is not None
            and previous_capture.sha256 == capture.sha256
            and previous_capture.extractor_version == extractor_version(capture.kind)
            and previous_capture.extract_options == options_key(options))


def failed_capture(capture: Capture, error: Exception, options: ExtractOptions) -> Capture:
    """``capture`` as recorded beside its build's ``error``: marked with the extractor, the
    error's class and ``options`` when the same input fails so again, else as it was."""
    if not (isinstance(error, PipelineError) and error.deterministic):
        return capture
    return replace(capture, extractor_version=extractor_version(capture.kind),
                   extract_error=type(error).__name__, extract_options=options_key(options))


def _as_failed_before(capture: Capture, previous: Capture) -> Capture:
    """``capture`` marked with the failure ``previous`` recorded for the same bytes."""
    return replace(capture, extractor_version=previous.extractor_version,
                   extract_error=previous.extract_error, extract_options=previous.extract_options)


def build_document(capture: Capture, store: Store, previous: DocumentRecord | None,
                   options: ExtractOptions = ExtractOptions(),
                   previous_capture: Capture | None = None) -> Built:
    """Extract, clean and segment a capture; number the version if its content changed."""
    if can_skip(capture, previous, previous_capture):
        return Built(None, None)
    document = derive(store.read_blob(capture.sha256), capture, options)
    if previous is not None and previous.content_hash == document.content_hash:
        return Built(document, None)
    return Built(document, 1 if previous is None else previous.doc_version + 1)


@dataclass(frozen=True, slots=True)
class SourceWork:
    """One source to ingest, with what the archive already knows about it."""

    source: Source
    previous_capture: Capture | None = None
    previous_document: DocumentRecord | None = None
    extract_options: ExtractOptions = ExtractOptions()
    """The registry's per-document limits (``[settings.extract]``)."""
    captured: Capture | None = None
    """Captured already, when its bulk entry was expanded (a WARC record): only built."""
    previous_failure: PipelineError | None = None
    """The error ``previous_capture``'s bytes failed with, when that failure repeats
    (``Capture.extract_error``): recorded again if the bytes, extractor and options are the
    same, without extracting."""


@dataclass(frozen=True, slots=True)
class SourceResult:
    """What ingesting one source gave: a capture and a build, or the error that stopped it."""

    source: Source
    capture: Capture | None
    built: Built | None
    error: Exception | None = None

    @property
    def outcome(self) -> str:
        """new, changed, unchanged or failed."""
        if self.error is not None:
            return "failed"
        if self.built is None or self.built.doc_version is None:
            return "unchanged"
        return "new" if self.built.doc_version == 1 else "changed"

    @property
    def retriable(self) -> bool:
        """Capture failed for a reason that may pass (timeout, 503, connection reset)."""
        return (self.capture is None and isinstance(self.error, PipelineError)
                and self.error.transient)


def ingest_source(work: SourceWork, store: Store, capture_options: CaptureOptions) -> SourceResult:
    """Capture then build one source; any error is returned, not raised, so a batch goes on."""
    try:
        captured = work.captured or capture(work.source, store, capture_options,
                                            work.previous_capture)
    except Exception as error:  # recorded as a failures row by the caller
        return SourceResult(work.source, None, None, _detached(error))
    if (work.previous_failure is not None and work.previous_capture is not None
            and failed_again(captured, work.previous_capture, work.extract_options)):
        return SourceResult(work.source, _as_failed_before(captured, work.previous_capture),
                            None, work.previous_failure)
    try:
        built = build_document(captured, store, work.previous_document, work.extract_options,
                               work.previous_capture)
    except Exception as error:
        return SourceResult(work.source, failed_capture(captured, error, work.extract_options),
                            None, _detached(error))
    processed = replace(captured, extractor_version=extractor_version(captured.kind))
    return SourceResult(work.source, processed, built)


def _detached(error: Exception) -> Exception:
    """``error`` without its traceback, nor those of the errors it wraps (the failure row keeps
    class and message). A traceback holds the frames it passed through, the batch task's among
    them with every result of its batch so far, and the result holds the error: a reference
    cycle that kept whole batches of documents alive until the collector's next full pass
    (three batches in each Dask worker at the end of a 2,000-record crawl; in a run's process,
    whose many rows make full passes rare, for longer)."""
    seen: set[int] = set()
    chain: list[BaseException | None] = [error]
    while chain:  # both links: after `raise A from B` in `except C`, C's frames hold the batch too
        link = chain.pop()
        if link is None or id(link) in seen:
            continue
        seen.add(id(link))
        link.__traceback__ = None
        chain += (link.__cause__, link.__context__)
    return error


@dataclass(frozen=True, slots=True)
class ChildPlan:
    """What a run does with an expansion's children."""

    work: list[SourceWork]
    """Children to capture or build, in the ingest batches."""
    unchanged: list[str]
    """Ids of children left as they are, with nothing to record: the listing says they have
    not changed since their last capture, or their capture is that capture again (a record
    of an unchanged web archive) and was built by the current extractor."""
    recaptured: list[Capture]
    """Children captured anew (a record of another web archive file) with the bytes the
    current extractor last built: their capture is recorded, nothing is built."""
    failed: list[SourceResult]
    """Children whose bytes failed last time in a way that repeats, with the same extractor
    and options: their capture and that failure are recorded again, nothing is extracted."""


@dataclass(frozen=True, slots=True)
class Plan:
    """What a run does: its due single sources, its due bulk entries (expanded by the flow,
    their children then planned by :meth:`children`), and what the archive already knows."""

    work: list[SourceWork]
    entries: list[Source]
    documents: dict[str, DocumentRecord] = field(default_factory=dict)
    captures: dict[str, Capture] = field(default_factory=dict)
    extract_options: ExtractOptions = ExtractOptions()
    previous: dict[str, Previous] = field(default_factory=dict)
    """entry id -> its last expansion, for web archive entries that have one."""
    failures: dict[str, PipelineError] = field(default_factory=dict)
    """source id -> the error its latest capture's bytes failed with, where that repeats."""

    def children(self, expansion: Expansion) -> ChildPlan:
        """Work for each child of ``expansion``, and the children that need none."""
        plan = ChildPlan([], [], [], [])
        for child in expansion.children:
            sid = child.source.id
            previous = self.captures.get(sid)
            document = self.documents.get(sid)
            if (child.lastmod is not None and previous is not None and document is not None
                    and previous.captured_at >= child.lastmod):
                plan.unchanged.append(sid)
                continue
            captured = child.capture
            if captured is not None and previous is not None:
                captured = replace(captured, revisit=captured.revisit
                                   or previous.sha256 == captured.sha256)
                if can_skip(captured, document, previous):
                    if _same_record(captured, previous):
                        plan.unchanged.append(sid)
                    else:
                        plan.recaptured.append(replace(
                            captured, extractor_version=extractor_version(captured.kind)))
                    continue
            options = source_options(child.source, self.extract_options)
            error = self.failures.get(sid)
            if (captured is not None and previous is not None and error is not None
                    and failed_again(captured, previous, options)):
                plan.failed.append(SourceResult(child.source,
                                                _as_failed_before(captured, previous), None,
                                                error))
                continue
            plan.work.append(SourceWork(child.source, previous, document, options, captured,
                                        error))
        return plan


def _same_record(captured: Capture, previous: Capture) -> bool:
    """Whether two captures are one WARC record read again (same file, offset, payload)."""
    return (captured.warc_sha256 is not None and captured.sha256 == previous.sha256
            and captured.warc_sha256 == previous.warc_sha256
            and captured.warc_offset == previous.warc_offset)


def plan_run(registry: Registry, archive: Archive, now: datetime) -> Plan:
    """The single sources and bulk entries of ``registry`` due at ``now``, with what the
    archive knows of them and the registry's extraction limits."""
    documents = archive.latest_documents()
    captures = archive.latest_captures()
    expansions = archive.latest_expansions()
    last_captured = {sid: c.captured_at for sid, c in captures.items()}
    last_captured.update({sid: row["expanded_at"] for sid, row in expansions.items()})
    due = due_sources(registry.sources, last_captured, now)
    failures = recorded_failures(archive, captures)
    work = [SourceWork(s, captures.get(s.id), documents.get(s.id),
                       source_options(s, registry.extract_options), None, failures.get(s.id))
            for s in due if s.bulk is None]
    entries = [s for s in due if s.bulk is not None]
    previous = {e.id: _previous(archive, expansions[e.id], captures) for e in entries
                if e.bulk in ("warc", "wacz") and e.id in expansions}
    return Plan(work, entries, documents, captures, registry.extract_options, previous,
                failures)


def recorded_failures(archive: Archive, captures: dict[str, Capture]) -> dict[str, PipelineError]:
    """source id -> the error its latest capture's bytes failed with, for the captures that
    record a failure which repeats (``Capture.extract_error``), as the run's ``failures`` row
    gave it. A capture whose failure row is not found has none: it is extracted again."""
    import pyarrow as pa  # the run's process only, like the archive (a Dask worker: 8 MB)
    import pyarrow.compute as pc

    failed = {sid: c for sid, c in captures.items() if c.extract_error is not None}
    if not failed:
        return {}
    rows = archive.scan("failures", pc.field("source_id").isin(pa.array(list(failed))),
                        ["source_id", "error_class", "message", "capture_sha256"]).to_pylist()
    found: dict[str, PipelineError] = {}
    for row in rows:
        capture, cls = failed[row["source_id"]], getattr(errors, row["error_class"], None)
        if (row["capture_sha256"] == capture.sha256 and row["error_class"] == capture.extract_error
                and isinstance(cls, type) and issubclass(cls, PipelineError)
                and cls.deterministic):
            found[row["source_id"]] = cls(row["message"], source_id=row["source_id"])
    return found


def _previous(archive: Archive, row: dict[str, Any], captures: dict[str, Capture]) -> Previous:
    """An entry's last expansion: its ``expansions`` row, the latest captures of its children
    from its files, and the failures it recorded."""
    import pyarrow.compute as pc  # the run's process only: see recorded_failures

    entry, run_id = row["source_id"], row["run_id"]
    files = tuple((f["location"], f["sha256"]) for f in row["files"])
    shas = {sha for _, sha in files}
    children = tuple(c for sid, c in captures.items()
                     if sid.startswith(f"{entry}/") and c.warc_sha256 in shas)
    failed = archive.scan("failures", (pc.field("run_id") == run_id)
                          & (pc.field("stage") == "capture"),
                          ["source_id", "error_class", "message"]).to_pylist()
    failures = tuple(_error(f) for f in failed
                     if f["source_id"] == entry or f["source_id"].startswith(f"{entry}/"))
    return Previous(files, row.get("settings"), {c["name"]: c["count"] for c in row["counts"]},
                    children, failures)


def _error(row: dict[str, Any]) -> PipelineError:
    """A recorded capture failure as the error it was (its class, message and source)."""
    cls = getattr(errors, row["error_class"], None)
    if not (isinstance(cls, type) and issubclass(cls, errors.CaptureError)):
        cls = errors.CaptureError
    return cls(row["message"], source_id=row["source_id"])


def source_options(source: Source, options: ExtractOptions) -> ExtractOptions:
    """The registry's extraction options with the source's own OCR setting, if it has one (a
    bulk entry's children inherit the entry's)."""
    return replace(options, ocr=source.ocr) if source.ocr else options


def recorded_options(row: dict[str, Any], options: ExtractOptions) -> ExtractOptions:
    """``options`` with the OCR setting an archived document was built with, from the
    ``ocr-setting`` transform of its documents ``row`` (none: ``auto``), so reprocessing and
    rebuilding read it as ingest did, whatever the registry says now."""
    recorded = next((t.evidence for t in transforms_from_row(row)
                     if t.name == OCR_SETTING and t.evidence in OCR_MODES), "auto")
    return replace(options, ocr=cast(OcrMode, recorded))


def plan_ingest(registry: Registry, archive: Archive, now: datetime) -> list[SourceWork]:
    """The single sources of ``registry`` due at ``now`` (bulk entries need expanding first:
    see :func:`plan_run`)."""
    return plan_run(registry, archive, now).work


def record_expansion(run: RunWriter, expansion: Expansion) -> None:
    """Add an entry's expansion to the run: its row, and a failure row per unreadable part."""
    for error in expansion.failures:
        run.add_failure(error.source_id or expansion.entry.id, error, None)
    run.add_expansion(expansion.entry.id, expansion.entry.bulk or "", expansion.expanded_at,
                      expansion.files, len(expansion.children), dict(expansion.counts),
                      len(expansion.failures), expansion.settings)


def record_result(run: RunWriter, result: SourceResult) -> None:
    """Add one source's result to the run: its capture, then its document or its failure."""
    captured, built = result.capture, result.built
    if captured is not None:
        run.add_capture(captured)
    if result.error is not None:
        run.add_failure(result.source.id, result.error, captured.sha256 if captured else None)
    elif built is None or built.document is None or built.doc_version is None:
        run.add_unchanged(result.source.id)
    elif captured is None:  # ingest_source builds only from a capture
        raise ValueError(f"{result.source.id}: a built document without the capture it came from")
    else:
        run.add_document(built.document, result.source, captured, built.doc_version)
