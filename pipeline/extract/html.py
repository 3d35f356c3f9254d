"""HTML pages: block elements of the page minus obvious chrome, with XPath and offsets.

The first version drops script/style and the HTML5 chrome elements (nav, header, footer,
aside, form) and keeps headings, paragraphs, list items, quotes, captions and tables in
document order. Scoring boilerplate removal is issue #3.
"""

from __future__ import annotations

from lxml import etree, html

from pipeline.extract import ExtractOptions, decode_source
from pipeline.model import Block, Capture, DocumentMeta, Extraction, Locator, Removed

NAME = "html"
VERSION = "0.1.0"

CHROME_TAGS = {"nav", "header", "footer", "aside", "form"}
DROP_TAGS = {"script", "style", "noscript", "template", "svg"}
BLOCK_KINDS = {"h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading",
               "h5": "heading", "h6": "heading", "p": "paragraph", "li": "list_item",
               "blockquote": "quote", "figcaption": "caption", "table": "table", "pre": "code"}


def extract(data: bytes, capture: Capture, options: ExtractOptions) -> Extraction:
    decoded = decode_source(data, capture)
    source = decoded.text
    line_offsets = _line_offsets(source)
    root = html.document_fromstring(source.encode("utf-8"),
                                    parser=html.HTMLParser(encoding="utf-8", no_network=True))
    tree = root.getroottree()
    title = (root.findtext(".//title") or "").strip() or None
    blocks: list[Block] = []
    removed: list[Removed] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in DROP_TAGS or _inside(element, CHROME_TAGS | DROP_TAGS | set(BLOCK_KINDS)):
            continue
        locator = Locator(xpath=tree.getpath(element),
                          char_start=_offset(line_offsets, element.sourceline),
                          line_start=element.sourceline, line_end=element.sourceline)
        text = _text(element)
        if element.tag in CHROME_TAGS:
            if text:
                removed.append(Removed(f"html5-{element.tag}", text, locator))
            continue
        kind = BLOCK_KINDS.get(element.tag)
        if kind and text:
            level = int(element.tag[1]) if kind == "heading" else None
            blocks.append(Block(kind=kind, text=text, locator=locator, level=level))
    return Extraction(NAME, VERSION, DocumentMeta(title=title), tuple(blocks), (),
                      tuple(removed), (decoded.transform,))


def _inside(element: etree._Element, tags: set[str]) -> bool:
    return any(isinstance(a.tag, str) and a.tag in tags for a in element.iterancestors())


def _text(element: etree._Element) -> str:
    if element.tag == "table":
        rows = ["\t".join(" ".join(c.text_content().split()) for c in row.iter("td", "th"))
                for row in element.iter("tr")]
        return "\n".join(r for r in rows if r.strip())
    return " ".join(element.text_content().split())


def _line_offsets(text: str) -> list[int]:
    offsets = [0]
    for index, char in enumerate(text):
        if char == "\n":
            offsets.append(index + 1)
    return offsets


def _offset(line_offsets: list[int], line: int | None) -> int | None:
    if line is None or line < 1 or line > len(line_offsets):
        return None
    return line_offsets[line - 1]
