"""Plain-text captures: saved web pages and PDF text layers, cleaned as an editor would.

In: the bytes of a text capture. Out: an Extraction whose blocks carry line ranges and
character offsets into the decoded text (``decode_source``), footnotes, and every removed piece
of chrome or page furniture with its rule and evidence.

Two kinds of capture are told apart by the shape of their lines (``looks_like_text_layer``):

    layer.py   a PDF text layer: wrapped lines, page starts, notes at page bottoms
    web.py     a web page saved as visible text: one line per paragraph, site chrome
"""

from __future__ import annotations

from pipeline.extract.source import decode_source
from pipeline.extract.text import NAME, VERSION  # bumped there: read without importing this
from pipeline.extract.text.layer import extract_layer, looks_like_text_layer
from pipeline.extract.text.lines import split_lines
from pipeline.extract.text.web import extract_web
from pipeline.model import Capture, Extraction, ExtractOptions, Transform


def extract(data: bytes, capture: Capture, options: ExtractOptions) -> Extraction:
    """Decode, detect the kind of text capture, and run its cleaner."""
    decoded = decode_source(data, capture)
    if looks_like_text_layer(split_lines(decoded.text)):
        result = extract_layer(decoded.text)
        form = Transform("text-form", "pdf-text-layer: most lines wrap onto the next")
    else:
        result = extract_web(decoded.text)
        form = Transform("text-form", "web-page-text: one line per paragraph")
    return Extraction(NAME, VERSION, result.meta, result.blocks, result.footnotes,
                      result.removed, (decoded.transform, form))
