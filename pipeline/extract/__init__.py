"""Extract: a Capture and its bytes in, an Extraction out.

One module per kind, each exposing ``NAME``, ``VERSION`` and
``extract(data: bytes, capture: Capture, options: ExtractOptions) -> Extraction``:

    html.py   beautifulsoup4 + lxml: main content, boilerplate recorded as removed blocks
    pdf.py    pdfplumber characters: reading order, furniture, footnotes, page + bbox
    text.py   plain-text captures: saved web pages and PDF text layers

The module is picked by the capture's detected (or declared) kind.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from pipeline.clean.encoding import Decoded, decode
from pipeline.errors import EmptySource, ExtractError, PipelineError, UnsupportedKind
from pipeline.model import Capture, Extraction, Kind

_MODULES: dict[Kind, str] = {
    "html": "pipeline.extract.html",
    "pdf": "pipeline.extract.pdf",
    "text": "pipeline.extract.text",
}


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    max_pages: int = 3000
    """PDFs with more pages are refused rather than stalling a run."""
    max_objects: int | None = 1_000_000
    """PDFs whose cross-reference table lists more objects are refused before any page is
    read (0 or None: no limit). The busiest bench PDF has 32 objects a page; this allows over
    300 for each of ``max_pages``, and pdfminer's table of that many entries fits in memory."""
    max_seconds: float = 600.0
    """Wall-clock budget for one document: extractors check it between pages, and
    :func:`extract` stops waiting for an extractor that overruns it by ``DEADLINE_GRACE_S``."""


DEADLINE_GRACE_S = 5.0
"""Extra time before :func:`extract` gives up on an extractor, so the extractor's own check
between pages (with its precise message) normally fires first."""


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


def extract(data: bytes, capture: Capture, options: ExtractOptions = ExtractOptions()) -> Extraction:
    """Run the extractor for the capture's kind, turning foreign errors into ExtractError."""
    if not data:
        raise EmptySource(f"{capture.uri} is empty (0 bytes): nothing to extract",
                          source_id=capture.source_id)
    if capture.kind is None:
        raise UnsupportedKind(f"{capture.uri} ({capture.media_type}, {capture.size:,} bytes) "
                              "is not HTML, PDF or text; set kind = ... in the registry "
                              "if detection is wrong", source_id=capture.source_id)
    module = extractor_for(capture.kind)
    try:
        return _within_deadline(lambda: module.extract(data, capture, options),
                                options.max_seconds + DEADLINE_GRACE_S, capture)
    except PipelineError as exc:
        exc.source_id = exc.source_id or capture.source_id
        raise
    except RecursionError:
        raise ExtractError(f"{capture.uri}: markup nested too deeply to parse",
                           source_id=capture.source_id) from None
    except Exception as exc:  # a parser's own error: keep its class name in the message
        raise ExtractError(f"{capture.kind} extractor failed on {capture.uri}: "
                           f"{_describe(exc)}", source_id=capture.source_id) from exc


def _within_deadline(call: Callable[[], Extraction], seconds: float,
                     capture: Capture) -> Extraction:
    """Run ``call`` in its own thread and stop waiting after ``seconds``.

    A parser stuck inside C code (lxml, pdfminer on a hostile file) cannot be interrupted
    from Python; the run moves on and the abandoned daemon thread ends with its parser.
    """
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def target() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the caller, which translates it
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=target, name=f"extract-{capture.source_id}", daemon=True).start()
    if not done.wait(seconds):
        raise ExtractError(f"{capture.uri}: extraction did not finish within {seconds:g} s; "
                           "raise ExtractOptions.max_seconds if the document is simply large",
                           source_id=capture.source_id)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _describe(exc: BaseException) -> str:
    """``Class: message`` of an error and of the errors it wraps (pdfplumber wraps pdfminer's)."""
    parts = []
    seen: BaseException | None = exc
    while seen is not None and len(parts) < 4:
        text = str(seen).strip()
        parts.append(f"{type(seen).__name__}: {text}" if text else type(seen).__name__)
        inner = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = inner or seen.__cause__
    return " <- ".join(parts)
