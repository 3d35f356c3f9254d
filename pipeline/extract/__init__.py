"""Extract: a Capture and its bytes in, an Extraction out.

One package per kind, each with an ``extractor`` module exposing ``NAME``, ``VERSION`` and
``extract(data: bytes, capture: Capture, options: ExtractOptions) -> Extraction``, and the
steps that kind needs beside it:

    html/   lxml: main content (boilerplate.py), XPaths and offsets (locate.py), metadata
    pdf/    pdfplumber characters: lines and columns, reading order, furniture, notes, tables
    text/   plain-text captures: saved web pages (web.py) and PDF text layers (layer.py)

``dispatch.py`` picks the extractor by the capture's detected (or declared) kind; ``isolate.py``
runs it in a reusable worker process that bounds each document's memory and time; ``source.py``
decodes the bytes that HTML and text locators point into.
"""

from __future__ import annotations

from pipeline.extract.dispatch import as_extracted, extractable_kind, extractor_version
from pipeline.extract.isolate import T, Then, run_isolated
from pipeline.model import Capture, Extraction, ExtractOptions

__all__ = ["ExtractOptions", "extract", "extract_then", "extractor_version"]


def extract(data: bytes, capture: Capture,
            options: ExtractOptions = ExtractOptions()) -> Extraction:
    """Run the extractor for the capture's kind within the options' limits.

    The work happens in this thread's worker process (``isolate.py``): memory is capped at
    ``max_memory_mb``, a document over ``max_seconds`` has its worker killed, and a worker that
    crashes fails only the document it was reading. Every error is an ExtractError.
    """
    return extract_then(data, capture, options, as_extracted)


def extract_then(data: bytes, capture: Capture, options: ExtractOptions, then: Then[T]) -> T:
    """:func:`extract`, then ``then`` of the extraction, in the same worker process and within
    the same limits; ``then`` must be picklable by reference (see ``isolate.py``)."""
    extractable_kind(data, capture)  # refused here, without a trip to the worker
    return run_isolated(data, capture, options, then)
