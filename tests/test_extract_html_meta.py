"""Page metadata (pipeline/extract/html/meta.py): the byline reader gives trafilatura's answer.

``meta.extract_author`` replaces trafilatura's ``extract_author`` (a deep copy of the page and
XPaths with regular-expression callbacks) for speed; each page below exercises one of its
rules, and both functions must agree on it as well as on the expected byline.
"""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.html import meta
from pipeline.extract.html.extractor import _parse
from pipeline.model import Capture

CAPTURE = Capture(source_id="page", uri="file:///page.html",
                  captured_at=datetime(2024, 1, 1, tzinfo=timezone.utc), sha256="0" * 64,
                  size=0, media_type="text/html", kind="html")

BYLINES = {
    "first XPath, class": ('<p>Intro text.</p><span class="author-name">Ada Lovelace</span>',
                           "Ada Lovelace"),
    "first XPath, rel": ('<a rel="author" href="/ada">Ada Lovelace</a>', "Ada Lovelace"),
    "author element": ("<author>Grace Hopper</author>", "Grace Hopper"),
    "second XPath, id": ('<h4 id="zuozhe-box">Li Bai</h4>', "Li Bai"),
    "second XPath beats third": ('<section class="writer">Mary Shelley</section>'
                                 '<div class="byline">Percy Shelley</div>', "Percy Shelley"),
    "third XPath, itemprop": ('<section itemprop="author">Mary Shelley</section>',
                              "Mary Shelley"),
    "first text in range wins": ('<span class="author">AB</span>'
                                 '<span class="author">Alan Turing</span>', "Alan Turing"),
    "byline inside comments is deleted": (
        '<div id="comments"><span class="author">A Commenter</span></div>'
        '<p class="byline">Jane Austen</p>', "Jane Austen"),
    "sidebar class deletes its subtree": (
        '<div class="left-sidebar"><div class="author">Side Bar</div></div>', None),
    # trafilatura deletes <time> but keeps its tail, glued to the text before it.
    "deleted element's tail is kept": (
        '<span class="author">By<time>May 1</time>Jane Doe</span>', "ByJane Doe"),
    "figure deleted inside a byline": (
        '<div class="byline">Ann <figure>Photo credit</figure>Smith</div>', "Ann Smith"),
    "too long": ('<div class="byline">' + "word " * 40 + "</div>", None),
    "a rel child uses trafilatura's own reader": (
        '<div><rel>me</rel> Rel Person</div>', "Me Rel Person"),
}


@pytest.mark.parametrize("name", BYLINES)
def test_author_matches_trafilatura(name: str) -> None:
    body, expected = BYLINES[name]
    root = _parse(f"<html><head><title>T</title></head><body>{body}</body></html>", CAPTURE)
    assert meta.extract_author(root) == expected
    assert meta.trafilatura_author(root) == expected


def test_author_ignores_markup_beside_the_root() -> None:
    """A second <html> after the first lands beside the root; trafilatura copies the root
    alone, so a byline out there is not the page's (a real page in WCXB has one)."""
    root = _parse("<html><body><p>Text</p></body></html><html><body>"
                  '<div id="author">Out There</div></body></html>', CAPTURE)
    assert meta.extract_author(root) == meta.trafilatura_author(root)


# Attribute values mixing the byline tests' words, equalities and near misses.
_FRAGMENTS = ("author", "Author", "AUTHOR", "author-name", "AuthorName", "byline", "Byline",
              "byl", "BBL", "username", "writer", "screenname", "posted-by", "zuozhe",
              "comments", "sidebar", "AuthorCard", "nav", "main", "x", "\n", " ", "-", "")


@given(st.lists(st.tuples(
    st.sampled_from(("div", "span", "a", "p", "h3", "section", "time", "strong")),
    st.sampled_from(("class", "id", "itemprop", "data-component", "rel", "data-testid",
                     "title")),
    st.lists(st.sampled_from(_FRAGMENTS), max_size=3).map("".join),
    st.booleans()), min_size=1, max_size=12))
@settings(max_examples=300, deadline=None)
def test_byline_candidates_hold_every_element_a_test_selects(
        elements: list[tuple[str, str, str, bool]]) -> None:
    """The byline reader tests only the elements whose attribute values hold one of its
    words (found in one string search over all of them); every element one of its tests
    selects must be among them, in document order and once, and the byline it reads is
    still trafilatura's."""
    markup = "".join(
        f'<{tag} {name}="{escape(value)}" {"class" if name != "class" and nested else "lang"}'
        f'="byline">Jo Bloggs{"<b>Ann Lee</b>" if nested else ""}</{tag}>'
        for tag, name, value, nested in elements)
    root = _parse(f"<html><body>{markup}</body></html>", CAPTURE)
    candidates = meta._byline_candidates(root, authors=False)
    selected = [e for e in meta._CANDIDATES(root) if any(meta._byline_tests(e, e.tag))]
    assert [e for e in candidates if e in set(selected)] == selected
    assert len(set(candidates)) == len(candidates)
    assert meta.extract_author(root) == meta.trafilatura_author(root)


def test_every_byline_word_holds_a_needle() -> None:
    """A word added to a byline test without a needle for it would never be tested: the
    candidates are only the elements whose attributes hold a needle."""
    import re

    for pattern in (meta._MAYBE_BYLINE, *meta._BYLINE_ID, *meta._BYLINE_CLASS):
        for word in pattern.pattern.split("|"):
            literal = re.sub(r"\[(\w)\w\]", r"\1", word).replace("-?", "")  # [Aa]uthor: Author
            assert any(needle in literal for needle in meta._BYLINE_NEEDLES), word


def test_byline_candidates_are_few() -> None:
    """A page of many classed elements and one byline: only the byline's element and those
    whose names merely contain a byline word are tested."""
    filler = "".join(f'<div class="row col-{i}" id="block{i}"><p>Text {i}.</p></div>'
                     for i in range(200))
    root = _parse(f'<html><body>{filler}<div class="meta" id="authors-box">'
                  '<span class="byline">Ann Lee</span></div></body></html>', CAPTURE)
    assert [e.get("class") for e in meta._byline_candidates(root, authors=False)] == ["meta", "byline"]
    assert meta.extract_author(root) == meta.trafilatura_author(root) == "Ann Lee"
