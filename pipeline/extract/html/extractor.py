"""HTML pages: bytes in, the article's blocks, footnotes, removed chrome and metadata out.

    decode      pipeline.textutil.encoding (BOM, HTTP charset, meta charset, detection), recorded
    parse       lxml/libxml2, tolerant of broken markup; limits on size and nesting depth
    blocks      pipeline.extract.html.boilerplate: text blocks, the main-content region, verdicts
    footnotes   markers (sup > a[href^=#], doc-noteref, cite_note) linked to their notes, and
                the items of end-of-article Notes/References/Sources lists
    metadata    trafilatura's meta-tag/JSON-LD/byline reader and htmldate
    provenance  XPath plus [char_start, char_end) of each block's element in the decoded
                text (``decode_source``), found by ``locate.SourceMap``

Every block the reader does not get is returned as a ``Removed`` row with the rule and its
evidence, so "what was dropped from this page, and why" has an answer.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from typing import Literal

from lxml import etree, html

from pipeline import without_cycle_collection
from pipeline.errors import ContentLimitExceeded, EmptySource, ExtractError, LimitExceeded
from pipeline.extract.html import NAME, VERSION  # bumped there: read without importing this
from pipeline.extract.html import boilerplate as bp
from pipeline.extract.html.kind import declared_kind
from pipeline.extract.html.locate import SourceMap
from pipeline.extract.html.meta import publication_date, read_metadata
from pipeline.extract.source import decode_source
from pipeline.model import (
    Block,
    Capture,
    Extraction,
    ExtractOptions,
    FootnoteBlock,
    Locator,
    Removed,
    Transform,
)

# trafilatura refuses pages above 20 MB too: real articles are far smaller, and libxml2's
# tree for a page costs roughly ten times its size in memory.
MAX_HTML_BYTES = 20_000_000
# Text with more than this share of control characters is binary data, not a page.
MAX_CONTROL_SHARE = 0.05
_CONTROL_BYTES = bytes((*range(0x00, 0x09), *range(0x0e, 0x20)))
_BACKLINK = re.compile(r"^(\s*(\^|↑|↩|jump up|back)\s*)+|(\s*(↩|↑)\s*)+$", re.IGNORECASE)
_NOTE_CONTAINER_TAGS = frozenset({"li", "p", "div", "dd", "td", "aside", "section"})
# ``findtext(".//title")``'s element without its cost: lxml's ``find`` looks ahead for a
# second match, a walk of the whole tree, where libxml2 stops at the first.
_FIRST_TITLE = etree.XPath("descendant::title[1]")
_LOOKUP = etree.ElementDefaultClassLookup(element=html.HtmlElement, comment=html.HtmlComment,
                                          pi=html.HtmlProcessingInstruction,
                                          entity=html.HtmlEntity)


def extract(data: bytes, capture: Capture, options: ExtractOptions) -> Extraction:
    """The article in ``data`` (an HTML page) as blocks with provenance; see the module doc."""
    # An extraction holds an object per element (below) and makes thousands more; they form
    # no cycles and reference counting frees them all by its end, but while they live the
    # cyclic collector walks them again and again and, as they outlive its young
    # generations, walks every long-lived object of the process too (its whole-heap
    # collections, cache misses above all): paused, it has almost nothing to do afterwards.
    with without_cycle_collection():
        return _extract(data, capture, options)


def _extract(data: bytes, capture: Capture, options: ExtractOptions) -> Extraction:
    deadline = time.monotonic() + options.max_seconds
    if len(data) > MAX_HTML_BYTES:
        raise ContentLimitExceeded(f"{capture.uri}: HTML page is {len(data):,} bytes, over the "
                                   f"{MAX_HTML_BYTES:,}-byte limit for one page; split it or "
                                   "register it with kind = \"text\"", source_id=capture.source_id)
    decoded = decode_source(data, capture)
    source = decoded.text
    _refuse_binary(source, capture)
    root = _parse(source, capture)
    # lxml makes an element's Python object when a walk reaches it and frees it when the walk
    # moves on, so each of the extraction's walks of the whole tree (blocks, layout, source
    # map, metadata) made and freed one per element again: held here, they are made once.
    elements = list(root.iter())
    walk = bp.text_blocks(root)
    _check_time(deadline, capture, "finding text blocks")
    meta = read_metadata(root, capture)
    body = root.find("body")
    # Markup after a stray </body> lands beside the body, under <html>: then the whole
    # page is the field to choose from, or all of it would be outside the main content.
    strays = any(child.tag not in ("head", "body") for child in root.iterchildren(etree.Element))
    top = body if body is not None and not strays else root
    # The <title> element names the page's own headline; meta.title may be the site's h1.
    title = _FIRST_TITLE(root)
    page_title = (title[0].text if title else None) or meta.title
    reading = _read(root, walk.blocks, top, page_title, meta.title, options.comments)
    if reading is None:
        # Nothing worth the name is visible, but a display:none element holds more text
        # than the visible page: a page that hides itself until its scripts run (an
        # anti-flicker or app-shell wrapper). An archive keeps what the scripts would show.
        shown = bp.hidden_page(walk)
        if shown:
            walk = bp.text_blocks(root, frozenset(shown))
            reading = _read(root, walk.blocks, top, page_title, meta.title, options.comments)
            if reading is not None:
                kind, verdicts = reading
                reading = (replace(kind, evidence=f"{kind.evidence}; the page hides its "
                                   f"content until scripts run: {bp.describe(shown[0])} "
                                   "read as shown"), verdicts)
    if reading is None:
        raise EmptySource(f"{capture.uri}: no main content: the page's text is only short "
                          f"fragments (labels, prices, menu items), no prose outside its "
                          f"footer nor a run of records in any of its {len(walk.blocks)} "
                          "text blocks; a page built by scripts?", source_id=capture.source_id)
    kind, verdicts = reading
    if kind.detail not in ("listing", "forum"):
        bp.drop_author_bio(walk.blocks, verdicts, meta.authors)
    _check_time(deadline, capture, "scoring blocks")
    builder = _Builder(root, source)
    blocks, footnotes, removed = builder.build(walk, verdicts)
    if not blocks and not footnotes:
        raise EmptySource(f"{capture.uri}: no main content: {len(walk.blocks)} text blocks, "
                          "all navigation or chrome (a listing or an error page?); the "
                          "removed blocks say why", source_id=capture.source_id)
    # Last: the date search prunes the tree (see ``publication_date``).
    meta = replace(meta, published=publication_date(root, meta.canonical_url) or None)
    del elements
    return Extraction(NAME, VERSION, meta, tuple(blocks), tuple(footnotes), tuple(removed),
                      (decoded.transform, kind))


def _as_thread(blocks: list[bp.TextBlock], top: etree._Element, page_title: str | None,
               title: str | None, comments: bool) -> list[bp.Verdict]:
    """The page read as a forum thread: its posts, comment-named or not, are the content."""
    return bp.classify(blocks, bp.main_container(blocks, top, page_title, "forum"), title,
                       comments, "forum")


def _read(root: etree._Element, blocks: list[bp.TextBlock], top: etree._Element,
          page_title: str | None, title: str | None, comments: bool
          ) -> tuple[Transform, list[bp.Verdict]] | None:
    """The page's kind and a verdict per block, or None when no reading finds prose nor
    a run of records."""
    kind, region = _page_kind(root, blocks, top, page_title)
    verdicts = bp.classify(blocks, region, title, comments, kind.detail, page_title)
    if bp.body_chars(blocks, verdicts) == 0:
        # Every prose block sat under a chrome-looking class (a forum, a shop, a docs page
        # built from "widget" divs): read the page again ignoring such class names, and
        # take that reading if it finds prose worth the name.
        plain = bp.without_chrome(blocks)
        fallback = bp.classify(plain, bp.main_container(plain, top, page_title), title,
                               comments)
        if bp.body_chars(plain, fallback) >= bp.MIN_FALLBACK_BODY_CHARS:
            verdicts = fallback
        else:
            # All the prose sits in comment-named elements: with no article beside them,
            # the discussion is the page (a forum thread that declares nothing).
            thread = _as_thread(blocks, top, page_title, title, comments)
            if bp.body_chars(blocks, thread) >= bp.MIN_FALLBACK_BODY_CHARS:
                verdicts = thread
                kind = Transform("page-kind", "forum", evidence=f"{kind.evidence}; all its "
                                 "prose is in comment-named elements, with no article")
    post = bp.thread_post(blocks, verdicts) if kind.detail not in ("listing", "forum") \
        else None
    if post is not None:
        # The article is the opening post of a thread whose replies were removed as
        # comments: read the page as the thread it is.
        thread = _as_thread(blocks, top, page_title, title, comments)
        if bp.body_chars(blocks, thread) > bp.body_chars(blocks, verdicts):
            verdicts = thread
            kind = Transform("page-kind", "forum", evidence=f"{kind.evidence}; its article, "
                             f"{bp.describe(post)}, is one of a run of alike posts whose "
                             "others are named replies or comments")
    if kind.detail != "listing" and (not bp.holds_prose(blocks, verdicts)
                                     or bp.in_page_footer(blocks, verdicts)):
        # No reading found a sentence or a line of prose outside the page's footer. A run
        # of alike records (product cards: a name and a price) is content made of short
        # pieces, and so is what a page's <main> holds under its headline (a product's
        # price and sizes, a schedule's games); with neither, the page holds only labels,
        # prices and buttons ("(24)", "Save $100", "Help"): a page built by scripts,
        # whose content is not in its HTML, or an error page.
        plain = bp.without_chrome(blocks)
        found = bp.record_run(plain, top)
        if found is not None:
            verdicts = bp.read_records(plain, *found, title)
            kind = Transform("page-kind", "listing",
                             evidence=f"{kind.evidence}; no prose, but {found[1]}")
            return kind, verdicts
        main = bp.headlined_main(plain)
        if main is None:
            return _read_ignoring_class_names(plain, top, page_title, title, comments, kind)
        evidence = f"no prose nor records, but the headline in {bp.describe(main)}"
        verdicts = bp.read_records(plain, [main], evidence, title)
        kind = replace(kind, evidence=f"{kind.evidence}; {evidence}")
    return kind, verdicts


def _read_ignoring_class_names(plain: list[bp.TextBlock], top: etree._Element,
                               page_title: str | None, title: str | None, comments: bool,
                               kind: Transform) -> tuple[Transform, list[bp.Verdict]] | None:
    """The last reading of a page about to be refused, its blocks ``plain`` (no class name
    saying chrome): a reference page built from "widget" boxes, its name over a line and
    its code, is short, not empty."""
    verdicts = bp.classify(plain, bp.main_container(plain, top, page_title), title, comments)
    return (kind, verdicts) if bp.titled_prose(plain, verdicts, page_title) else None


def _page_kind(root: etree._Element, blocks: list[bp.TextBlock], top: etree._Element,
               title: str | None) -> tuple[Transform, bp.Region]:
    """The page's kind as a recorded decision, and the region to read for it. A kind its
    schema.org data declares stands; otherwise a run of entries makes a listing."""
    declared = declared_kind(root)
    # og:type article is on listings too, but a page calling itself an article is read as
    # one: a news story framed by carousels of headlines looks like a listing by structure.
    if declared.kind not in (None, "listing", "product") or \
            (declared.strong and declared.kind == "product"):
        return (Transform("page-kind", declared.kind, evidence=declared.evidence),
                bp.main_container(blocks, top, title, declared.kind))
    shared = bp.layout(blocks, top, title)  # both readings below share it
    article = bp.main_container(blocks, top, title, shared=shared)
    entries, evidence = bp.listing_region(blocks, top, title, article, shared)
    if entries is not None:
        return Transform("page-kind", "listing", evidence=evidence), entries
    kind = declared.kind if declared.kind != "listing" else None
    if kind == "product":
        article = bp.main_container(blocks, top, title, kind, shared)
    return (Transform("page-kind", kind or "article",
                      evidence=f"{declared.evidence}; {evidence}"), article)


def _refuse_binary(source: str, capture: Capture) -> None:
    sample = source[:65536]
    if not sample.strip():
        raise EmptySource(f"{capture.uri}: the page holds only whitespace",
                          source_id=capture.source_id)
    share = control_count(sample) / len(sample)
    if share > MAX_CONTROL_SHARE:
        raise ExtractError(f"{capture.uri}: bytes are not HTML ({share:.0%} control or "
                           "undecodable characters); check the registry's kind",
                           source_id=capture.source_id)


def control_count(text: str) -> int:
    """Control characters (other than tab, newlines, vertical tab, form feed and carriage
    return) and replacement characters in ``text``. UTF-8 writes every other character with
    bytes of 0x80 and above, so the control bytes of its encoding are its control
    characters, which ``bytes.translate`` counts three times faster than a regex search."""
    encoded = text.encode("utf-8", "surrogatepass")
    return len(encoded) - len(encoded.translate(None, _CONTROL_BYTES)) + text.count("\ufffd")


def _parse(source: str, capture: Capture) -> etree._Element:
    # huge_tree lifts libxml2's depth limit from 256 to 2048 levels; deeper markup stops
    # the parser, and a page silently cut there would be worse than a clear error.
    parser = html.HTMLParser(encoding="utf-8", huge_tree=True, no_network=True,
                             remove_comments=True, remove_pis=True)
    # lxml.html picks each element's class (FormElement, InputElement, ...) in Python every
    # time an element is touched; one class for all, chosen in C, halves the cost of walking
    # the tree, and nothing here uses the form classes' extras.
    parser.set_element_class_lookup(_LOOKUP)
    try:
        root = html.document_fromstring(source.encode("utf-8", "surrogatepass"), parser=parser)
    except etree.ParserError as exc:
        raise EmptySource(f"{capture.uri}: no markup to parse ({exc})",
                          source_id=capture.source_id) from exc
    for entry in parser.error_log:
        if entry.level_name == "FATAL" and "depth" in entry.message.lower():
            raise ExtractError(f"{capture.uri}: markup nested too deeply at line {entry.line} "
                               f"({entry.message.strip()}); the parser stops there, so the "
                               "rest of the page would be lost", source_id=capture.source_id)
    return root


def _check_time(deadline: float, capture: Capture, step: str) -> None:
    if time.monotonic() > deadline:
        raise LimitExceeded(f"{capture.uri}: over the time budget while {step}; raise "
                            "ExtractOptions.max_seconds if the page is legitimately huge",
                            source_id=capture.source_id, transient=False)


class _Builder:
    """Turns text blocks and verdicts into model rows with locators."""

    def __init__(self, root: etree._Element, source: str) -> None:
        self._root = root
        self._map = SourceMap(source, root)
        self._locators: dict[etree._Element, Locator] = {}

    def locator(self, element: etree._Element) -> Locator:
        found = self._locators.get(element)
        if found is None:
            span = self._map.span(element)
            xpath = self._map.xpath(element)
            if span is None:
                found = Locator(xpath=xpath)
            else:
                found = Locator(xpath=xpath, char_start=span.start, char_end=span.end,
                                line_start=span.line,
                                line_end=self._map.line_of(max(span.end - 1, span.start)))
            self._locators[element] = found
        return found

    def build(self, walk: bp.Walk, verdicts: list[bp.Verdict]
              ) -> tuple[list[Block], list[FootnoteBlock], list[Removed]]:
        notes, note_owners = self._referenced_notes(walk.blocks, verdicts)
        blocks: list[Block] = []
        removed: list[Removed] = []
        end_notes = 0
        owner_set = set(note_owners.values())
        for block, verdict in zip(walk.blocks, verdicts):
            if owner_set and _inside_any(block.element, owner_set):
                continue
            if verdict.note:
                end_notes += 1
                notes.append(FootnoteBlock(str(end_notes), block.text,
                                           self.locator(block.element)))
            elif verdict.keep and verdict.kind is not None:
                refs = tuple(label for label, target in block.notes if target in note_owners)
                level = block.level if verdict.kind in ("heading", "title") else None
                if verdict.kind == "title":
                    level = 1
                blocks.append(Block(verdict.kind, block.text, self.locator(block.element),
                                    level=level, footnote_refs=refs))
            else:
                category: Literal["marker", "boilerplate"] = (
                    "marker" if verdict.rule == "notes-heading" else "boilerplate")
                removed.append(Removed(verdict.rule, block.text, self.locator(block.element),
                                       category, verdict.evidence))
        for element, reason in walk.hidden:
            text = " ".join(element.text_content().split())
            if text:
                removed.append(Removed("hidden", text, self.locator(element),
                                       evidence=reason))
        return blocks, notes, removed

    def _referenced_notes(self, blocks: list[bp.TextBlock], verdicts: list[bp.Verdict]
                          ) -> tuple[list[FootnoteBlock], dict[str, etree._Element]]:
        """Notes that kept passages point to, keyed by target id; their owners' elements."""
        labels: dict[str, str] = {}
        for block, verdict in zip(blocks, verdicts):
            if verdict.keep:
                for label, target in block.notes:
                    labels.setdefault(target, label)
        if not labels:
            return [], {}
        by_id = {e.get("id"): e for e in self._root.iterfind(".//*[@id]")}
        notes: list[FootnoteBlock] = []
        owners: dict[str, etree._Element] = {}
        for target, label in labels.items():
            element = by_id.get(target)
            if element is None:
                continue
            owner = _note_owner(element)
            text = _BACKLINK.sub("", " ".join(owner.text_content().split())).strip()
            if text.startswith(label):
                text = text[len(label):].lstrip(" .):]")
            if text:
                owners[target] = owner
                notes.append(FootnoteBlock(label or str(len(notes) + 1), text,
                                           self.locator(owner)))
        return notes, owners


def _note_owner(element: etree._Element) -> etree._Element:
    """The list item or paragraph holding a note whose id may sit on an inline anchor."""
    node: etree._Element | None = element
    while node is not None and node.tag not in _NOTE_CONTAINER_TAGS:
        node = node.getparent()
    return node if node is not None else element


def _inside_any(element: etree._Element, targets: set[etree._Element]) -> bool:
    node: etree._Element | None = element
    while node is not None:
        if node in targets:
            return True
        node = node.getparent()
    return False


def text_of(extraction: Extraction) -> str:
    """The article's running text: passages other than the title, bylines and captions."""
    return "\n".join(b.text for b in extraction.blocks
                     if b.kind not in ("title", "byline", "caption"))
