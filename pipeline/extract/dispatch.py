"""Run one document's extractor in this process: the worker side of ``pipeline.extract``.

Picks the extractor module for the capture's kind and turns foreign errors into ExtractError.
``isolate.py`` calls this inside its worker process; nothing here bounds memory or time beyond
the extractors' own checks between pages.
"""

from __future__ import annotations

import importlib
from typing import Protocol, cast

from pipeline.errors import EmptySource, ExtractError, PipelineError, UnsupportedKind
from pipeline.model import Capture, Extraction, ExtractOptions, Kind

_MODULES: dict[Kind, str] = {
    "html": "pipeline.extract.html.extractor",
    "pdf": "pipeline.extract.pdf.extractor",
    "text": "pipeline.extract.text.extractor",
    "image": "pipeline.extract.ocr.extractor",
}


class Extractor(Protocol):
    """What every extractor module has: its name, version and ``extract`` function."""

    NAME: str
    VERSION: str

    def extract(self, data: bytes, capture: Capture, options: ExtractOptions) -> Extraction: ...


def extractor_for(kind: Kind) -> Extractor:
    return cast(Extractor, importlib.import_module(_MODULES[kind]))


def extractor_version(kind: Kind | None) -> str:
    """``name/version`` of the extractor that handles ``kind`` (``none`` for unsupported bytes).

    Taken from the extractor's package, whose ``__init__.py`` holds ``NAME`` and ``VERSION``
    and imports nothing: a run's process decides what to build again by these versions but
    extracts nothing itself, and importing the extractors (lxml, trafilatura, pdfplumber,
    PDFium, Pillow) cost it 28 MB resident and 0.25 s."""
    if kind is None:
        return "none"
    package = importlib.import_module(_MODULES[kind].rpartition(".")[0])
    return f"{package.NAME}/{package.VERSION}"


def extract_in_process(data: bytes, capture: Capture, options: ExtractOptions) -> Extraction:
    """The worker's side of :func:`extract`: run the extractor here, turning foreign errors
    into ExtractError. Only the extractors' own checks between pages bound it here."""
    module = extractor_for(extractable_kind(data, capture))
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


def as_extracted(extraction: Extraction) -> Extraction:
    """The extraction as it is: what an isolated extraction makes of it unless told otherwise."""
    return extraction


def extractable_kind(data: bytes, capture: Capture) -> Kind:
    if not data:
        raise EmptySource(f"{capture.uri} is empty (0 bytes): nothing to extract",
                          source_id=capture.source_id)
    if capture.kind is None:
        raise UnsupportedKind(f"{capture.uri} ({capture.media_type}, {capture.size:,} bytes) "
                              "is not HTML, PDF, text or a page image; set kind = ... in the "
                              "registry if detection is wrong", source_id=capture.source_id)
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
