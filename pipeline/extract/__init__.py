"""Extract: a Capture and its bytes in, an Extraction out.

One module per kind, each exposing ``NAME``, ``VERSION`` and
``extract(data: bytes, capture: Capture, options: ExtractOptions) -> Extraction``:

    html.py   beautifulsoup4 + lxml: main content, boilerplate recorded as removed blocks
    pdf.py    pdfplumber characters: reading order, furniture, footnotes, page + bbox
    text.py   plain-text captures: saved web pages and PDF text layers

The module is picked by the capture's detected (or declared) kind, and runs in a reusable
worker process (isolate.py) that bounds each document's memory and time.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from pipeline.clean.encoding import Decoded, decode
from pipeline.errors import EmptySource, ExtractError, PipelineError, UnsupportedKind
from pipeline.extract.isolate import run_isolated
from pipeline.model import Capture, Extraction, Kind

_MODULES: dict[Kind, str] = {
    "html": "pipeline.extract.html",
    "pdf": "pipeline.extract.pdf",
    "text": "pipeline.extract.text",
}


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """Per-document limits; a registry sets them in its ``[settings.extract]`` table."""

    max_pages: int = 3000
    """PDFs with more pages are refused rather than stalling a run."""
    max_objects: int | None = 1_000_000
    """PDFs whose cross-reference table lists more objects are refused before any page is
    read (0 or None: no limit). The busiest bench PDF has 32 objects a page; this allows over
    300 for each of ``max_pages``, and pdfminer's table of that many entries fits in memory."""
    max_seconds: float = 600.0
    """Wall-clock budget for one document: extractors check it between pages, and the worker
    process of a document that overruns it by ``isolate.DEADLINE_GRACE_S`` is killed."""
    max_memory_mb: int | None = 2048
    """Address space of the worker process while it extracts one document (0 or None: no
    limit). An idle worker takes about 75 MB of it; the 117-page bench book peaks at 170 MB."""


def extractor_for(kind: Kind) -> ModuleType:
    return importlib.import_module(_MODULES[kind])


def extractor_version(kind: Kind | None) -> str:
    """``name/version`` of the extractor that handles ``kind`` (``none`` for unsupported bytes)."""
    if kind is None:
        return "none"
    module = extractor_for(kind)
    return f"{module.NAME}/{module.VERSION}"


def decode_source(data: bytes, capture: Capture) -> Decoded:
    """The decoded text that HTML and text locators' character offsets point into."""
    return decode(data, capture.charset, sniff_meta=capture.kind == "html")


def preload_extractors() -> None:
    """Import every extractor now (a worker process does this once, before its first document)."""
    for kind in _MODULES:
        extractor_for(kind)


def extract(data: bytes, capture: Capture, options: ExtractOptions = ExtractOptions()) -> Extraction:
    """Run the extractor for the capture's kind within the options' limits.

    The work happens in this thread's worker process (``isolate.py``): memory is capped at
    ``max_memory_mb``, a document over ``max_seconds`` has its worker killed, and a worker that
    crashes fails only the document it was reading. Every error is an ExtractError.
    """
    _extractable_kind(data, capture)  # refused here, without a trip to the worker
    return run_isolated(data, capture, options)


def extract_in_process(data: bytes, capture: Capture, options: ExtractOptions) -> Extraction:
    """The worker's side of :func:`extract`: run the extractor here, turning foreign errors
    into ExtractError. Only the extractors' own checks between pages bound it here."""
    module = extractor_for(_extractable_kind(data, capture))
    try:
        return module.extract(data, capture, options)
    except PipelineError as exc:
        exc.source_id = exc.source_id or capture.source_id
        raise
    except RecursionError:
        raise ExtractError(f"{capture.uri}: markup nested too deeply to parse",
                           source_id=capture.source_id) from None
    except Exception as exc:  # a parser's own error: keep its class name in the message
        raise ExtractError(f"{capture.kind} extractor failed on {capture.uri}: "
                           f"{_describe(exc)}", source_id=capture.source_id) from exc


def _extractable_kind(data: bytes, capture: Capture) -> Kind:
    if not data:
        raise EmptySource(f"{capture.uri} is empty (0 bytes): nothing to extract",
                          source_id=capture.source_id)
    if capture.kind is None:
        raise UnsupportedKind(f"{capture.uri} ({capture.media_type}, {capture.size:,} bytes) "
                              "is not HTML, PDF or text; set kind = ... in the registry "
                              "if detection is wrong", source_id=capture.source_id)
    return capture.kind


def _describe(exc: BaseException) -> str:
    """``Class: message`` of an error and of the errors it wraps (pdfplumber wraps pdfminer's)."""
    parts: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(parts) < 4:
        text = str(seen).strip()
        parts.append(f"{type(seen).__name__}: {text}" if text else type(seen).__name__)
        inner = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = inner or seen.__cause__
    return " <- ".join(parts)
