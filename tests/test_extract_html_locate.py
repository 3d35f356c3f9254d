"""Source offsets for HTML (pipeline/extract/html/locate.py): the start-tag scanner and the
alignment of start tags with the parsed tree's elements."""

from __future__ import annotations

import math
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree, html

from pipeline.extract.html.locate import _LINE_CAP, _TOKENS, SourceMap, newline_offsets

# The scanner's meaning, written the slow way: comments, CDATA and raw-text bodies run
# lazily to their first terminator or to the end of the text.
LAZY_TOKENS = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<!\[CDATA\[.*?(?:\]\]>|\Z)"
    r"|<(script|style|textarea|title|xmp)\b[^>]*>.*?(?:</\1\s*>|\Z)"
    r"|<([a-zA-Z][a-zA-Z0-9:_-]*)",
    re.DOTALL | re.IGNORECASE)
PIECES = ["<", ">", "-", "!", "/", "]", "[", "<!--", "-->", "--->", "<![CDATA[", "]]>",
          "<script>", "</script >", "</SCRIPT>", "<style a=1>", "</style>", "<title>",
          "</title", "<p>", "<div class=x>", "</div>", "x", " ", "\n", "é"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_scanner_finds_what_the_lazy_pattern_finds(source: str) -> None:
    def tokens(pattern: re.Pattern[str]) -> list[tuple[tuple[int, int], str | None, str | None]]:
        return [(m.span(), m.group(1), m.group(2)) for m in pattern.finditer(source)]

    assert tokens(_TOKENS) == tokens(LAZY_TOKENS)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["\n", "\r\n", "\r", "x", " ", "é", "\u2028", "\u010a",
                                 "\U0001f600", "\ud800", "\x0a\x00"]), max_size=20).map("".join))
def test_newline_offsets_are_the_newlines(source: str) -> None:
    """ASCII or not (a character whose code holds byte 0x0a, one beyond the first plane, a
    lone surrogate), the offsets are those of each "\\n"."""
    assert newline_offsets(source) == [m.start() for m in re.finditer("\n", source)]


def test_scanner_skips_tags_inside_scripts_and_comments() -> None:
    source = "<p><script>if (a<b) x = '<div>'</script><!-- <span> --><em>"
    assert [m.group(2) for m in _TOKENS.finditer(source) if m.group(2)] == ["p", "em"]


def reference_starts(source: str, root: etree._Element) -> dict[etree._Element, int]:
    """SourceMap's alignment written plainly (as before its loop was tuned): each element
    takes the next unused start tag of its name, skipping tags that end on earlier lines
    (dropped by the parser), none when the next lies on a later line (implied)."""
    by_tag: dict[str, list[int]] = {}
    for match in _TOKENS.finditer(source):
        if match.lastindex:
            by_tag.setdefault(match[match.lastindex].lower(), []).append(match.start())
    newlines = [m.start() for m in re.finditer("\n", source)]
    line_starts = [0.0, 0.0, *(n + 1 for n in newlines), math.inf, math.inf]
    last = len(line_starts) - 1
    cursor: dict[str, int] = {}
    found: dict[etree._Element, int] = {}
    for element in root.iter(etree.Element):
        starts = by_tag.get(element.tag)
        if not starts:
            continue
        index = cursor.get(element.tag, 0)
        line = element.sourceline or 0
        if 0 < line < _LINE_CAP:
            first, after = line_starts[min(line, last)], line_starts[min(line + 1, last)]
            while index < len(starts) and starts[index] < first and \
                    source.find(">", starts[index]) < first:
                index += 1
            if index < len(starts) and starts[index] >= after:
                cursor[element.tag] = index
                continue
        if index < len(starts):
            found[element] = starts[index]
            cursor[element.tag] = index + 1
    return found


MARKUP = ["<p>", "</p>", "<div>", "</div>", "<body>", "<html>", "<head>", "<title>t</title>",
          "<table>", "<tr>", "<td>", "</td>", "<li>", "<ul>", "</ul>", "<span>", "</body>",
          "<b>", "</b>", "text", "\n", "\n\n", " ", "<br>", "<!-- <p> -->", "<script>a<b</script>",
          "<tbody>", "<caption>", "<col>", "<frameset>", "<option>", "<select>", "<tr>\n<td>",
          "<P>", "<DIV>", "<Div>", "</DIV>"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(MARKUP), min_size=1, max_size=40).map("".join))
def test_start_tags_align_with_elements_as_the_plain_alignment_does(source: str) -> None:
    # Dropped tags (a second <body>), implied elements (<tbody>, <html>) and tags on lines
    # before or after an element's must come out as the plain loop gives them.
    try:
        root = html.document_fromstring(source)
    except etree.ParserError:
        return
    assert SourceMap(source, root)._starts == reference_starts(source, root)


END_MARKUP = [*MARKUP, "</P>", "</Div >", "</DIV\n>", "</divx>", "</div", "<!-- </p> -->",
              "İ", "<section>", "</section>", "<p class='</p>'>", "x" * 70, "</ul>\n",
              # Names the end tag pattern reads in part or not at all, and the Kelvin sign,
              # which lower-cases to "k": no plain end tag for the fast path to take.
              "<k>", "</k>", "</\u212a>", "<x.y>", "</x.y>", "<o:p>", "</o:p>", "<é>", "</é>"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(END_MARKUP), min_size=1, max_size=40).map("".join),
       st.integers(min_value=0, max_value=6))
def test_end_tags_searched_for_are_the_indexed_ones(source: str, budget: int) -> None:
    # Searched back from each element's limit (lower-cased a window at a time, any case,
    # a name's whole length; a plain "</name>" taken without the pattern) or indexed once the searches read too much, every element's
    # span ends where the index of all end tags says.
    try:
        root = html.document_fromstring(source)
    except etree.ParserError:
        return
    searched, indexed = SourceMap(source, root), SourceMap(source, root)
    searched._searched = (4 - budget) * len(source)  # some pages reach the budget at once
    indexed._index_end_tags()
    for element in root.iter(etree.Element):
        assert searched.span(element) == indexed.span(element)


def test_an_end_tag_only_lower_casing_makes_plain_is_not_taken() -> None:
    # U+212A, the Kelvin sign, lower-cases to "k": "</\u212a>" reads as "</k>" in the
    # lower-cased window, but the end tag pattern reads ASCII letters only.
    source = "<div><k>a</\u212a>b</div>"
    root = html.document_fromstring(source)
    searched, indexed = SourceMap(source, root), SourceMap(source, root)
    indexed._index_end_tags()
    element = root.find(".//k")
    assert searched.span(element) == indexed.span(element)
    assert searched.span(element).end == len(source)  # type: ignore[union-attr]
