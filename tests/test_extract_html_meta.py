"""Page metadata (pipeline/extract/html/meta.py): the byline reader gives trafilatura's answer.

``meta.extract_author`` replaces trafilatura's ``extract_author`` (a deep copy of the page and
XPaths with regular-expression callbacks) for speed; each page below exercises one of its
rules, and both functions must agree on it as well as on the expected byline.
"""

from __future__ import annotations

import re
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


# Pages whose date each step of htmldate's fast search finds first (url, head, body).
DATES = {
    "in the URL": ("https://example.org/2021/03/04/story.html", "", "<p>Text.</p>",
                   "2021-03-04"),
    "meta tag": (None, '<meta property="article:published_time" content="2020-05-06">',
                 "<p>Text.</p>", "2020-05-06"),
    "JSON-LD": (None, '<script type="application/ld+json">{"datePublished": "2019-07-08"}'
                '</script>', "<p>Text.</p>", "2019-07-08"),
    "abbr": (None, "", '<abbr class="published" title="2018-09-10">Sep 10</abbr>',
             "2018-09-10"),
    "classed element": (None, "", '<div class="post-date">2017-11-12</div>', "2017-11-12"),
    "itemprop first, id second": (None, "", '<span itemprop="x" id="dateline">2016-01-02'
                                  "</span>", "2016-01-02"),
    "footer, pruned iframe before it": (None, "", '<iframe>2001-01-01</iframe><footer>'
                                        "Posted 2015-02-03</footer>", "2015-02-03"),
    "heading": (None, "", "<h1>News of 2014-04-05</h1><p>Text.</p>", "2014-04-05"),
    "time element": (None, "", '<time datetime="2013-06-07">June</time>', "2013-06-07"),
    "timestamp in markup": (None, "", '<p data-x="2012-08-09T10:11:12">Text.</p>',
                            "2012-08-09"),
    "loose date in text": (None, "", "<p>Written 2011-10-11 by us.</p>", "2011-10-11"),
    "script dates are not text": (None, "", "<script>var d = '2010-12-13';</script>"
                                  "<p>Text.</p>", None),
    "archive banner discarded": (None, "", '<div id="wm-ipp-base"><div class="date">'
                                 "2009-01-02</div></div><p>Text.</p>", None),
    "no date": (None, "", '<div class="content"><p>Text.</p></div>', None),
}


@pytest.mark.parametrize("name", DATES)
def test_publication_date_is_htmldates(name: str) -> None:
    """``publication_date`` prunes the tree itself where htmldate's ``find_date`` prunes a
    copy: the same date at every step of the search."""
    from htmldate import find_date
    from trafilatura.settings import set_date_params

    url, head, body, expected = DATES[name]
    page = f"<html><head><title>T</title>{head}</head><body>{body}</body></html>"
    assert meta.publication_date(_parse(page, CAPTURE), url) == expected
    assert find_date(_parse(page, CAPTURE), **{**set_date_params(False), "url": url}) == expected


@given(st.lists(st.tuples(
    st.sampled_from(("div", "span", "p", "li", "small", "footer", "section", "iframe", "b")),
    st.sampled_from(("class", "id", "itemprop", "title", "lang")),
    st.sampled_from(("date", "Date", "meta", "byline", "footer-info-lastmod", "x", "content")),
    st.sampled_from(("2008-03-04", "4.5.2007", "March 2006", "text", "")),
    st.booleans()), min_size=1, max_size=8))
@settings(max_examples=200, deadline=None)
def test_publication_date_is_htmldates_on_mixed_pages(elements: list[tuple[str, str, str, str, bool]]
                                       ) -> None:
    """Elements of tags htmldate's fast search reads, skips and prunes, with and without the
    attributes it tests, nested or not: the same date as ``find_date``."""
    from htmldate import find_date
    from trafilatura.settings import set_date_params

    markup = "".join(f'<{tag} {name}="{value}">{text}' + ("" if nested else f"</{tag}>")
                     for tag, name, value, text, nested in elements)
    page = f"<html><body>{markup}</body></html>"
    assert meta.publication_date(_parse(page, CAPTURE), None) == \
        find_date(_parse(page, CAPTURE), **set_date_params(False))


def _date_options():  # type: ignore[no-untyped-def]
    """htmldate's options as ``publication_date`` builds them."""
    from htmldate.utils import Extractor
    from htmldate.validators import get_max_date, get_min_date
    from trafilatura.settings import set_date_params

    return Extractor(False, get_max_date(set_date_params(False)["max_date"]), get_min_date(None),
                     True, "%Y-%m-%d")


@given(st.lists(st.sampled_from(("0", "1", "2", "31", "2004", "19999", ".", "/", "x", " ")),
                max_size=30).map("".join))
@settings(max_examples=500, deadline=None)
def test_date_cores_are_htmldates(text: str) -> None:
    """The cores found from their anchors are DATE_CORE_PATTERN's ``finditer`` matches,
    overlapping candidates and digit runs longer than a core included."""
    from htmldate.extractors import DATE_CORE_PATTERN

    assert [core.span() for core in meta._date_cores(text)] == \
        [core.span() for core in DATE_CORE_PATTERN.finditer(text)]


@given(st.lists(st.sampled_from(("0", "1", "29", "2004", ".", "/", "x", "\u0663", "\uff0e", "\u2215",
                                 "\U0001f600", "\ud800")), max_size=30).map("".join))
@settings(max_examples=500, deadline=None)
def test_date_core_anchors_are_the_pattern_s(text: str) -> None:
    """numpy's anchors are where the pattern they stand for matches, ASCII text or not
    (other scripts' digits and separators are not ASCII's)."""
    pattern = re.compile(r"[0-9][./][0-9]{1,2}[./][0-9]{2}")
    assert meta._date_core_anchors(text) == \
        [start for start in range(len(text)) if pattern.match(text, start)]


@given(st.lists(st.sampled_from(("posted on ", "Datum: ", "updated ", "12/3/2004", "1.2.2003",
                                 "2004/11/3", "31.12.99", "x" * 70, "<p>", " ", "7", "/")),
                max_size=12).map("".join))
@settings(max_examples=500, deadline=None)
def test_idiosyncrasies_skipped_only_when_htmldate_finds_nothing(markup: str) -> None:
    """``publication_date`` skips ``idiosyncrasies_search`` only on markup where it would
    find nothing: no text date within 60 characters of a core, nor 1,000 cores."""
    from htmldate.extractors import idiosyncrasies_search

    if not meta._text_date_near_core(markup):
        assert idiosyncrasies_search(markup, _date_options()) is None


def test_idiosyncrasies_past_the_core_limit() -> None:
    """Past 1,000 cores htmldate searches the whole page: so is a page with that many."""
    from htmldate.extractors import idiosyncrasies_search

    markup = "1/2/33 " * 1001 + "posted on 4/5/2006"
    assert meta._text_date_near_core(markup)
    assert idiosyncrasies_search(markup, _date_options()) == "2006-05-04"
    assert not meta._text_date_near_core("1/2/33 " * 1000 + "x" * 61 + "posted on ")


@given(st.lists(st.tuples(
    st.sampled_from(("div", "span", "p", "li", "small", "footer", "time", "b", "h2")),
    st.sampled_from(("class", "id", "itemprop", "title", "href")),
    st.sampled_from(("date", "Date", "DATE", "datum", "Meta", "time", "byline", "entry-info",
                     "footer-info-lastmod", "footer", "published", "x", "")),
    st.booleans()), min_size=1, max_size=10))
@settings(max_examples=300, deadline=None)
def test_date_candidates_are_htmldates(elements: list[tuple[str, str, str, bool]]) -> None:
    """The elements whose attributes hold a cue, tested by ``is_date_candidate``, are
    htmldate's candidates, in the same order."""
    from htmldate.core import date_candidates

    markup = "".join(f'<{tag} {name}="{value}" lang="en">x' + ("" if nested else f"</{tag}>")
                     for tag, name, value, nested in elements)
    root = _parse(f"<html><body>{markup}</body></html>", CAPTURE)
    assert meta._date_candidates(root) == date_candidates(root, False)


@given(st.lists(st.tuples(
    st.sampled_from(("div", "span", "section")),
    st.sampled_from(("id", "class", "ID")),
    st.sampled_from(("wm-ipp-base", "wm-ipp", "wm-ipp-x", "WM-IPP", "x")),
    st.booleans()), max_size=6))
@settings(max_examples=300, deadline=None)
def test_wayback_banner_ids_show_what_htmldate_discards(elements: list[tuple[str, str, str, bool]]
                                                        ) -> None:
    """The page's div ids hold a banner id exactly when htmldate's DISCARD_EXPRESSIONS
    selects a div, on pages with and without one, nested or not, its ids on other tags."""
    from htmldate.extractors import DISCARD_EXPRESSIONS

    markup = "".join(f'<{tag} {name}="{value}">x' + ("" if nested else f"</{tag}>")
                     for tag, name, value, nested in elements)
    root = _parse(f"<html><body>{markup}</body></html>", CAPTURE)
    assert bool(DISCARD_EXPRESSIONS(root)) == \
        (not meta._WAYBACK_BANNER_IDS.isdisjoint(meta._DIV_IDS(root)))


def test_wayback_banner_ids_are_htmldates() -> None:
    """``_WAYBACK_BANNER_IDS`` are the ids DISCARD_EXPRESSIONS selects divs by: a new
    htmldate that changes the expression fails here."""
    from htmldate.extractors import DISCARD_EXPRESSIONS

    ids = " or ".join(f'@id="{name}"' for name in sorted(meta._WAYBACK_BANNER_IDS,
                                                          reverse=True))
    assert DISCARD_EXPRESSIONS.path == f".//div[{ids}]"


@given(st.lists(st.tuples(
    st.sampled_from(("meta", "link", "script", "div")),
    st.sampled_from(("property", "itemprop", "name", "http-equiv", "rel", "type")),
    st.sampled_from(("article:modified_time", "dateModified", "last-modified",
                     "content-language", "og:locale", "canonical", "application/ld+json",
                     "x")),
    st.sampled_from(("2020-01-02", " ", "en_GB", "https://example.org/a")),
    st.booleans()), max_size=8))
@settings(max_examples=300, deadline=None)
def test_page_tags_give_what_the_xpaths_gave(elements: list[tuple[str, str, str, str, bool]]
                                             ) -> None:
    """The update date, language and canonical link read from the page's meta, link and
    script elements are those read from the elements each XPath selected, on pages with
    those tags in the head and the body, beside other tags and attributes."""
    from lxml import etree

    def metas(pairs: tuple[tuple[str, str], ...]) -> etree.XPath:
        return etree.XPath("descendant::meta[{}]".format(
            " or ".join(f"@{name}='{value}'" for name, value in pairs)))

    def tag(name: str, attribute: str, value: str, text: str) -> str:
        json_ld = f'{{"dateModified": "{text}"}}'
        return {"meta": f'<meta {attribute}="{value}" content="{text}">',
                "link": f'<link {attribute}="{value}" href="{text}">',
                "script": f'<script {attribute}="{value}">{json_ld}</script>',
                "div": f'<div {attribute}="{value}">{text}</div>'}[name]

    head = "".join(tag(*element[:4]) for element in elements if element[4])
    body = "".join(tag(*element[:4]) for element in elements if not element[4])
    root = _parse(f"<html><head>{head}</head><body>{body}</body></html>", CAPTURE)
    tags = meta._page_tags(root)
    updated = meta._meta_content(metas(meta._UPDATED_META)(root), meta._UPDATED_META)
    if not updated:
        updated = next(filter(None, (
            meta._json_ld_value(script.text or "", "dateModified")
            for script in root.xpath("descendant::script[@type='application/ld+json']")
            if "dateModified" in (script.text or ""))), None)
    assert meta._updated(tags["meta"], tags["script"]) == updated
    language = meta._meta_content(metas(meta._LANG_META)(root), meta._LANG_META)
    assert meta._language(root, tags["meta"]) == (language.replace("_", "-") if language
                                                  else None)
    canonical = [(link.get("href") or "").strip()
                 for link in root.xpath("descendant::link[@rel='canonical']")]
    assert meta._canonical(tags["link"]) == next(filter(None, canonical), None)


@given(st.lists(st.tuples(
    st.sampled_from(("h1", "h2", "h3", "div", "title")),
    st.sampled_from(("class", "id", "itemprop", "lang")),
    st.sampled_from(("entry-title", "post-title", "post__title", "headline", "subtitle", "x")),
    st.sampled_from(("A Story", "ab", "site.com | News", "Long " * 45, ""))),
    max_size=6))
@settings(max_examples=300, deadline=None)
def test_title_is_trafilaturas(elements: list[tuple[str, str, str, str]]) -> None:
    """Headings named as titles or not, one h1 or several, a <title> with a dot and none
    of them: the title trafilatura's ``extract_title`` gives."""
    from trafilatura.metadata import extract_title

    head = "".join(f"<title>{text}</title>" for tag, _, _, text in elements if tag == "title")
    body = "".join(f'<{tag} {name}="{value}">{text}</{tag}>'
                   for tag, name, value, text in elements if tag != "title")
    root = _parse(f"<html><head>{head}</head><body>{body}</body></html>", CAPTURE)
    assert meta.extract_title(root) == extract_title(root)


@given(st.lists(st.sampled_from((*meta.DATE_CUE_WORDS, "d", "a", "t", "e", "-", " ", "au", "pub")),
                max_size=8).map("".join))
@settings(max_examples=500, deadline=None)
def test_date_cue_search_finds_what_the_alternation_finds(values: str) -> None:
    """``_DATE_CUES`` (words holding another left out, the rest grouped by first letter)
    finds a cue where htmldate's cues written as one alternation find one."""
    import re

    from htmldate.core import CLASS_CUES

    plain = re.compile(f"ate|atum|eta|time|publish|footer|{CLASS_CUES.pattern}")
    assert (meta._DATE_CUES.search(values) is None) == (plain.search(values) is None)


@given(st.lists(st.sampled_from(("2004", "1999", "2041", "3", "12", "0", "-", "--", "T", " ",
                                 ":", "10:05:00", ".5", "Z", "+01:00", "x", "<a>")),
                max_size=14).map("".join))
@settings(max_examples=500, deadline=None)
def test_timestamp_search_is_htmldates(text: str) -> None:
    """Trying htmldate's timestamp patterns only where their hyphenated tail is finds the
    date its ``pattern_search`` finds, with or without the time."""
    from htmldate.core import TIMESTAMP_LOOSE_PATTERN, TIMESTAMP_PATTERN
    from htmldate.extractors import pattern_search

    options = _date_options()
    for pattern, tail in ((TIMESTAMP_PATTERN, meta._TIMESTAMP_TAIL),
                          (TIMESTAMP_LOOSE_PATTERN, meta._LOOSE_TIMESTAMP_TAIL)):
        assert meta._timestamp_search(text, pattern, tail, options) == \
            pattern_search(text, pattern, options)


def test_timestamp_patterns_are_a_year_and_a_tail() -> None:
    """``_timestamp_search`` rests on htmldate's timestamp patterns being a 4-digit year
    and then the tails: a new htmldate that changes them fails here."""
    from htmldate.core import TIMESTAMP_LOOSE_PATTERN, TIMESTAMP_PATTERN
    from htmldate.extractors import DAY_RE, MONTH_RE, TIME_TZ_RE, YEAR_RE

    assert YEAR_RE == "(?:199[0-9]|20[0-3][0-9])"
    assert TIMESTAMP_PATTERN.pattern == f"({YEAR_RE}-{MONTH_RE}-{DAY_RE})({TIME_TZ_RE})"
    assert TIMESTAMP_LOOSE_PATTERN.pattern == f"({YEAR_RE}-{MONTH_RE}-{DAY_RE})({TIME_TZ_RE})?"
    assert TIME_TZ_RE.startswith("[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:")
    assert not TIMESTAMP_PATTERN.flags & re.IGNORECASE


@given(st.lists(st.sampled_from(("<p>", "</p>", "<b>", "</b>", "<script>x</script>",
                                 "<style>y</style>", "<!--c-->", "<?pi?>", "2004-", "3-12",
                                 " &amp; ", "text", "<br>")), max_size=12).map("".join))
@settings(max_examples=300, deadline=None)
def test_text_nodes_are_itertexts(markup: str) -> None:
    """The text nodes libxml2 lists are ``itertext()``'s strings, on a parsed page and once
    htmldate has dropped its scripts and styles (their tails joined to the text before)."""
    from htmldate.utils import clean_html

    root = _parse(f"<html><body>{markup}</body></html>", CAPTURE)
    assert meta._TEXT_NODES(root) == list(root.itertext())
    clean_html(root, ["script", "style"])
    assert meta._TEXT_NODES(root) == list(root.itertext())
