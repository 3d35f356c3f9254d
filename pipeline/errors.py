"""Errors raised by the pipeline, one branch per stage.

    PipelineError                 source_id, stage, message; .transient says "retry may help",
                                  .deterministic "the same bytes, extractor and options fail so
                                  again" (an ExtractError but a limit or a crash)
    ├── RegistryError             a registry file or one of its entries is invalid
    ├── CaptureError              the source could not be read or fetched
    │   ├── FetchError            HTTP status, connection, timeout, redirect problems
    │   └── TooLarge              more bytes than the configured limit
    ├── ExtractError              the bytes could not be turned into a document
    │   ├── UnsupportedKind       the bytes match no extractor
    │   ├── EmptySource           zero bytes, or no text at all
    │   ├── EncryptedPDF
    │   ├── NeedsOCR              a PDF with no text layer
    │   ├── LimitExceeded         over a configured time or memory limit
    │   │   └── ContentLimitExceeded  the bytes hold more than a limit allows (pages,
    │   │                         objects, pixels, bytes of a page): fails so again
    │   └── ExtractorCrashed      the isolated extractor process died (a parser crash, OOM kill)
    ├── ArchiveError              validation against schemas/ or a Delta write failed
    │   └── SchemaViolation
    ├── AuditError                trace or verify found something wrong
    └── ScheduleError             a cron schedule is invalid or the Prefect server will not run

Library code raises these; the CLI prints them as one red line, and the ingest flow records
them as ``failures`` rows and goes on with the other sources.
"""

from __future__ import annotations

SHOWN_CHARS = 80
"""Characters of a user-given value (an id, a name) a message repeats: ids are a few dozen
characters, and a 10,000-character one echoed whole buries the message."""


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` cut to ``limit`` characters for a message, saying how long it was."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


class PipelineError(Exception):
    stage = "pipeline"
    transient = False
    deterministic = False
    """The same input through the same code fails so again: a run may record the failure again
    instead of repeating the work (see ``pipeline.build.failed_again``)."""

    def __init__(self, message: str, *, source_id: str | None = None,
                 transient: bool | None = None):
        super().__init__(message)
        self.message = message
        self.source_id = source_id
        if transient is not None:
            self.transient = transient

    def __str__(self) -> str:
        where = f"[{shorten(self.source_id)}] " if self.source_id else ""
        return f"{where}{self.message}"


class RegistryError(PipelineError):
    stage = "registry"


class CaptureError(PipelineError):
    stage = "capture"


class FetchError(CaptureError):
    pass


class TooLarge(CaptureError):
    pass


class ExtractError(PipelineError):
    stage = "extract"
    deterministic = True


class UnsupportedKind(ExtractError):
    pass


class EmptySource(ExtractError):
    pass


class EncryptedPDF(ExtractError):
    pass


class NeedsOCR(ExtractError):
    pass


class LimitExceeded(ExtractError):
    deterministic = False  # a time or memory limit may pass on a less busy machine


class ContentLimitExceeded(LimitExceeded):
    deterministic = True  # the same bytes hold as many pages, objects or pixels next time


class ExtractorCrashed(ExtractError):
    deterministic = False  # an OOM kill or a crash of the worker, not the bytes' fault alone


class ArchiveError(PipelineError):
    stage = "archive"


class SchemaViolation(ArchiveError):
    pass


class AuditError(PipelineError):
    stage = "audit"


class ScheduleError(PipelineError):
    stage = "schedule"
