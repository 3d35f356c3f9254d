"""Plain-text captures: paragraphs separated by blank lines, with line ranges and offsets.

The first version: one passage per run of non-blank lines, lines joined with spaces. The
chrome of saved web pages and the layout breaks of PDF text layers are handled by the text
cleaning rules (issue #5).
"""

from __future__ import annotations

from pipeline.extract import ExtractOptions, decode_source
from pipeline.model import Block, Capture, DocumentMeta, Extraction, Locator

NAME = "text"
VERSION = "0.1.0"


def extract(data: bytes, capture: Capture, options: ExtractOptions) -> Extraction:
    decoded = decode_source(data, capture)
    blocks = []
    for start, end, first_line, last_line in paragraph_spans(decoded.text):
        locator = Locator(char_start=start, char_end=end, line_start=first_line,
                          line_end=last_line)
        kind = "title" if not blocks else "paragraph"
        blocks.append(Block(kind=kind, text=decoded.text[start:end], locator=locator,
                            level=1 if kind == "title" else None))
    title = blocks[0].text.strip() if blocks else None
    return Extraction(NAME, VERSION, DocumentMeta(title=title), tuple(blocks),
                      transforms=(decoded.transform,))


def paragraph_spans(text: str) -> list[tuple[int, int, int, int]]:
    """``(char_start, char_end, first_line, last_line)`` of each run of non-blank lines."""
    spans = []
    offset, current = 0, None
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        content_end = offset + len(line.rstrip("\r\n"))
        if line.strip():
            current = (current[0], content_end, current[2], number) if current else (
                offset, content_end, number, number)
        elif current:
            spans.append(current)
            current = None
        offset += len(line)
    if current:
        spans.append(current)
    return spans
