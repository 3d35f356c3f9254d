"""The decoded text of a capture, shared by the HTML and text extractors and by ``trace``."""

from __future__ import annotations

from pipeline.model import Capture
from pipeline.textutil.encoding import Decoded, decode


def decode_source(data: bytes, capture: Capture) -> Decoded:
    """The decoded text that HTML and text locators' character offsets point into."""
    return decode(data, capture.charset, sniff_meta=capture.kind == "html")
