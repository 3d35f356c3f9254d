"""Source offsets for HTML (pipeline/extract/html/locate.py): the start-tag scanner."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.html.locate import _TOKENS

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


def test_scanner_skips_tags_inside_scripts_and_comments() -> None:
    source = "<p><script>if (a<b) x = '<div>'</script><!-- <span> --><em>"
    assert [m.group(2) for m in _TOKENS.finditer(source) if m.group(2)] == ["p", "em"]
