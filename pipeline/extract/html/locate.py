"""Source offsets for parsed HTML elements: an lxml tree and its source text in, spans out.

lxml reports only ``sourceline`` (the line where a start tag *ends*, capped at 65535), and the
parser adds elements the source never wrote (``html``, ``body``, a ``p`` around stray text) and
drops some it did (a second ``body``). So we scan the source once for start tags (skipping
comments, ``<script>``/``<style>`` bodies and CDATA, where ``<tag`` is not markup) and align
them with the tree's elements in document order, tag by tag: an element takes the next unused
start tag of its name unless that tag lies on a later line than the element (then the parser
implied the element, and it gets no span); tags on earlier lines were dropped by the parser
and are skipped. An element's span ends after its own end tag when the source has one before
the next element that is not its descendant, else where that next element starts.
"""

from __future__ import annotations

import bisect
import math
import re
from typing import NamedTuple

from lxml import etree

# libxml2 stores line numbers in 16 bits: from here on ``sourceline`` says nothing.
_LINE_CAP = 65535
# Comments, CDATA and raw-text bodies run to their first terminator or the end of the text;
# written as "characters that cannot start the terminator, then one that does not" rather than
# a lazy ``.*?``, which tries the terminator at every character of a long inline script.
_TOKENS = re.compile(
    r"<!--[^-]*(?:-(?!->)[^-]*)*(?:-->)?"                  # comment (maybe unterminated)
    r"|<!\[CDATA\[[^\]]*(?:\](?!\]>)[^\]]*)*(?:\]\]>)?"
    r"|<(script|style|textarea|title|xmp)\b[^>]*>[^<]*(?:<(?!/\1\s*>)[^<]*)*(?:</\1\s*>)?"
    r"|<([a-zA-Z][a-zA-Z0-9:_-]*)",                        # raw-text elements, start tags
    re.IGNORECASE)
_END_TAGS = re.compile(r"</([a-zA-Z][a-zA-Z0-9:_-]*)\s*>")
_NAME = re.compile(r"[a-z][a-z0-9:_-]*")  # ``_END_TAGS``'s names, lower-cased
# End tags are searched for back from where an element ends, first in this many characters,
# until the searches have read the source this many times over; then they are indexed (see
# ``SourceMap._end_tag_before``).
_NEAR = 64
_SEARCH_BUDGET = 4


class Span(NamedTuple):
    """A named tuple: one is made for every located block, and a frozen dataclass's
    ``__init__`` costs several times a tuple's."""

    start: int
    end: int
    line: int
    """1-based line of the start tag's ``<``."""


def newline_offsets(source: str) -> list[int]:
    """The offsets of the newlines in ``source``, in order: numpy compares every character at
    once, where ``re.finditer`` made a match object per line (15% of the source map)."""
    # imported here, not with the module: numpy starts OpenBLAS's threads at import, and the
    # extract command's parent imports this module without extracting and must stay one
    # thread to fork its worker (isolate._may_fork)
    import numpy as np

    from pipeline.textutil.codes import char_codes

    offsets: list[int] = np.flatnonzero(char_codes(source) == ord("\n")).tolist()
    return offsets


class SourceMap:
    """Spans of a tree's elements in the source text they were parsed from."""

    def __init__(self, source: str, root: etree._Element) -> None:
        self._source = source
        self._newlines = newline_offsets(source)
        self._starts: dict[etree._Element, int] = {}
        self._searched = 0  # characters the end tag searches have read
        self._ends: dict[str, list[int]] | None = None
        self._paths: dict[etree._Element, str] = {}
        self._plain_names: dict[str, bool] = {}  # tag: whether ``_NAME`` matches it
        self._align(root)

    def xpath(self, element: etree._Element) -> str:
        """``element``'s XPath, as lxml's ``getpath`` writes it. getpath counts an element's
        same-tag siblings on every call, which is quadratic on a page of 100,000 sibling
        divs; here each parent's children are numbered once."""
        found = self._paths.get(element)
        if found is not None:
            return found
        parent = element.getparent()
        if parent is None:
            found = f"/{element.tag}"
            self._paths[element] = found
            return found
        prefix = self.xpath(parent)
        children = list(parent.iterchildren(etree.Element))
        tags = [child.tag for child in children]  # lxml makes a new string at every read
        counts: dict[str, int] = {}
        for tag in tags:
            counts[tag] = counts.get(tag, 0) + 1
        seen: dict[str, int] = {}
        paths = self._paths
        for child, tag in zip(children, tags):
            if counts[tag] == 1:
                paths[child] = f"{prefix}/{tag}"
            else:
                seen[tag] = seen.get(tag, 0) + 1
                paths[child] = f"{prefix}/{tag}[{seen[tag]}]"
        return paths[element]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._newlines, offset - 1) + 1

    def span(self, element: etree._Element) -> Span | None:
        """The half-open span of ``element``'s markup, or None when the parser implied it."""
        start = self._starts.get(element)
        if start is None:
            return None
        end = self._end(element, start)
        return Span(start, end, self.line_of(start))

    def _align(self, root: etree._Element) -> None:
        by_tag: dict[str, list[int]] = {}
        # Keyed by the name as written, lower-cased after: one ``lower`` per distinct name,
        # not per tag (this loop runs for every start tag of the page).
        for match in _TOKENS.finditer(self._source):
            group = match.lastindex  # 1: a raw-text element, 2: any other start tag
            if group:
                name = match[group]
                if name in by_tag:
                    by_tag[name].append(match.start())
                else:
                    by_tag[name] = [match.start()]
        for name in [name for name in by_tag if name != name.lower()]:
            merged = by_tag.setdefault(name.lower(), [])
            merged.extend(by_tag.pop(name))
            merged.sort()  # each name's starts are in order: merged, in document order
        # ``line_starts[n]``: offset of line n's first character (1-based lines; past the
        # last line, beyond any offset; ``map``: no Python frame per line).
        line_starts = [0.0, 0.0, *map((1).__add__, self._newlines), math.inf, math.inf]
        last = len(line_starts) - 1
        cursor = dict.fromkeys(by_tag, 0)  # per tag, the index of its next unused start tag
        located = self._starts
        tag_end = self._start_tag_end
        for element in root.iter(etree.Element):
            tag = element.tag
            starts = by_tag.get(tag)
            if starts is None:
                continue
            index = cursor[tag]
            count = len(starts)
            if index >= count:
                continue
            line = element.sourceline or 0
            if 0 < line < _LINE_CAP:
                # Lines compared as offsets: a tag is on an earlier line than ``line`` when it
                # starts before the line's first character, on a later one from the next's.
                if line < last:
                    first, after = line_starts[line], line_starts[line + 1]
                else:
                    first = after = line_starts[last]
                # Skip start tags the parser dropped (they end on lines before this one's).
                while index < count and starts[index] < first and tag_end(starts[index]) < first:
                    index += 1
                if index < count and starts[index] >= after:
                    cursor[tag] = index
                    continue  # implied by the parser: no markup of its own
                if index >= count:
                    continue  # every start tag was skipped: the next element tries again
            located[element] = starts[index]
            cursor[tag] = index + 1

    def _start_tag_end(self, start: int) -> int:
        """Offset of the ``>`` closing the start tag at ``start``, whose line lxml reports as
        ``sourceline``."""
        close = self._source.find(">", start)
        return close if close >= 0 else start

    def _end(self, element: etree._Element, start: int) -> int:
        limit = self._following_start(element)
        found = self._end_tag_before(element.tag.lower(), start, limit)
        if found is not None:
            return found
        end = limit
        while end > start and self._source[end - 1].isspace():
            end -= 1
        return end

    def _end_tag_before(self, tag: str, start: int, limit: int) -> int | None:
        """The end offset of the last ``tag`` end tag lying wholly inside [start, limit).
        A page has about five end tags for each element located, and indexing them all
        cost more than searching back from ``limit``, which mostly stops within a few
        characters, at the element's own end tag: first in the last ``_NEAR`` characters,
        then in all of [start, limit), each lower-cased (lower-casing the whole page cost
        more). The index is built when the searches have read the source
        ``_SEARCH_BUDGET`` times over (unclosed elements nested deep) or lower-casing
        moved the offsets (a character made two: "İ")."""
        if self._ends is None and self._searched > _SEARCH_BUDGET * len(self._source):
            self._index_end_tags()
        if self._ends is None:
            needle = f"</{tag}"
            plain = self._plain_names.get(tag)
            if plain is None:
                plain = self._plain_names[tag] = _NAME.fullmatch(tag) is not None
            near = max(start, limit - _NEAR)
            for low in (near, start) if near > start else (start,):
                window = self._source[low:limit].lower()
                if len(window) != limit - low:
                    self._index_end_tags()
                    break
                self._searched += limit - low
                at = window.rfind(needle)
                # Mostly the element's own end tag, written plainly ("</p>"): its next
                # character closes it, and ``_END_TAGS`` would match it whole when the
                # name is one it reads and the source's letters are ASCII (lower-casing
                # makes a few others ASCII: U+212A, the Kelvin sign).
                close = at + len(needle)
                if at >= 0 and window.startswith(">", close) and plain and \
                        self._source[low + at:low + close].isascii():
                    return low + close + 1
                while at >= 0:
                    # ``_END_TAGS``'s match at this "</" is one of its matches on the page
                    # (none can start inside another), with the whole name.
                    match = _END_TAGS.match(self._source, low + at)
                    if match is not None and match.end() <= limit and \
                            match.group(1).lower() == tag:
                        return match.end()
                    at = window.rfind(needle, 0, at)
            else:
                return None
        assert self._ends is not None
        ends = self._ends.get(tag, [])
        index = bisect.bisect_right(ends, limit) - 1
        return ends[index] if index >= 0 and ends[index] > start else None

    def _index_end_tags(self) -> None:
        """Every end tag's end offset, by name."""
        self._ends = {}
        for match in _END_TAGS.finditer(self._source):
            self._ends.setdefault(match.group(1).lower(), []).append(match.end())

    def _following_start(self, element: etree._Element) -> int:
        node: etree._Element | None = element
        while node is not None:
            sibling = node.getnext()
            while sibling is not None:
                start = self._first_start(sibling)
                if start is not None:
                    return start
                sibling = sibling.getnext()
            node = node.getparent()
        return len(self._source)

    def _first_start(self, element: etree._Element) -> int | None:
        """Start of ``element`` or, if the parser implied it, of its first located descendant."""
        start = self._starts.get(element)
        if start is not None or not len(element):  # most are located, or have no children
            return start
        for node in element.iter(etree.Element):
            start = self._starts.get(node)
            if start is not None:
                return start
        return None

