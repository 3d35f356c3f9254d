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
from dataclasses import dataclass
from types import ModuleType

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
    max_seconds: float = 600.0
    """Wall-clock budget for one document; checked between pages and blocks."""


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
        return module.extract(data, capture, options)
    except PipelineError as exc:
        exc.source_id = exc.source_id or capture.source_id
        raise
    except RecursionError:
        raise ExtractError(f"{capture.uri}: markup nested too deeply to parse",
                           source_id=capture.source_id) from None
    except Exception as exc:  # a parser's own error: keep its class name in the message
        raise ExtractError(f"{capture.kind} extractor failed on {capture.uri}: "
                           f"{type(exc).__name__}: {exc}", source_id=capture.source_id) from exc
