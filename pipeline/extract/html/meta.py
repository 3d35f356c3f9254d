"""Page metadata: a parsed HTML tree in, a DocumentMeta out.

trafilatura's metadata functions already read meta tags, Open Graph, JSON-LD and visible
bylines, and htmldate finds the publication date; we call the ones ``extract_metadata``
chains (not its categories, tags and licence lookups, which we do not store; none modify
the tree) and add what they do not give: the update date, the language and the canonical
link. Dates stay apart from the capture time. The byline reader is trafilatura's
``extract_author`` rewritten as one walk over the tree (see ``extract_author``), the title
reader its ``extract_title`` with the headings found by one walk (see ``extract_title``), and
the publication date is htmldate's ``find_date`` without its copy of the tree and its
searches that cannot find a date (see ``publication_date``).
"""

from __future__ import annotations

import json
import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from itertools import accumulate, islice
from typing import TYPE_CHECKING

from htmldate.core import (
    ALWAYS_TAGS,
    CLASS_CUES,
    TIMESTAMP_LOOSE_PATTERN,
    TIMESTAMP_PATTERN,
    examine_abbr_elements,
    examine_elements,
    examine_header,
    examine_time_elements,
    is_date_candidate,
    serialize,
)
from htmldate.extractors import (
    DATE_CORE_PATTERN,
    DAY_RE,
    FAST_TAGS,
    MONTH_RE,
    TEXT_PATTERNS,
    discard_unwanted,
    extract_url_date,
    idiosyncrasies_search,
    img_search,
    json_search,
    pattern_search,
)
from htmldate.settings import CLEANING_LIST
from htmldate.utils import Extractor, clean_html
from htmldate.validators import get_max_date, get_min_date
from lxml import etree
from trafilatura.baseline import block_text
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import (
    examine_meta,
    examine_title_element,
    extract_meta_json,
    extract_sitename,
    extract_url,
)
from trafilatura.metadata import (
    extract_author as trafilatura_author,
)
from trafilatura.settings import set_date_params
from trafilatura.utils import trim
from trafilatura.xpaths import TITLE_XPATHS

from pipeline.model import Capture, DocumentMeta

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# trafilatura and htmldate log every odd date or JSON-LD blob at WARNING: noise for a run log.
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).setLevel(logging.ERROR)

# (attribute, value) of the meta tags naming a page's update date and its language, most
# trusted first.
_UPDATED_META = (("property", "article:modified_time"), ("property", "og:updated_time"),
                 ("itemprop", "dateModified"), ("name", "last-modified"))
_LANG_META = (("http-equiv", "content-language"), ("name", "language"),
              ("property", "og:locale"))


# JSON-LD blocks larger than this are data dumps, not page metadata; skip parsing them.
MAX_JSON_LD_CHARS = 200_000

# trafilatura's AUTHOR_DISCARD_XPATHS and AUTHOR_XPATHS (trafilatura 2.0, xpaths.py) as Python
# tests on one element's tag and attributes; ``extract_author`` says why.
_DISCARD_TAGS = frozenset({"a", "div", "section", "span"})
_DISCARD_ID = re.compile(r"^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile(r"^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|"
                            r"embedly-instagram|article-(?:share|support)|print|category|"
                            r"meta-date|meta-reviewer")
_BYLINE_TAGS = (frozenset({"a", "address", "div", "link", "p", "span", "strong"}),
                frozenset({"a", "div", "h3", "h4", "p", "span"}))
_BYLINE_CLASS = (re.compile(r"author-?name|AuthorName|authorName"),
                 re.compile(r"author|channel-name|zuozhe|bianji|xiaobian|submitted-by|"
                            r"posted-by|journalist-name"),
                 re.compile(r"[Aa]uthor|screenname|writer|[Bb]yline"))
# The elements the tests below may select or delete, in document order (pure XPath 1.0,
# which libxml2 runs without calling back into Python), and a test that every element one
# of the byline tests selects passes, other than by the class equalities it names.
# trafilatura runs its XPaths on a copy of the root element alone, so ``//`` is the root's
# subtree here too, not markup the parser put beside it.
_CANDIDATES = etree.XPath(
    "descendant-or-self::*[@class or @id or @itemprop or @data-component or @rel or "
    "@data-testid or self::author or self::time or self::figure]")
# Strings at least one of every byline test's matches holds ("uthor" for [Aa]uthor, "yline"
# for [Bb]yline, the class equalities whole), searched for in the attribute values: a
# page's few elements holding one are all the tests need to see.
_EXACT_BYLINE_CLASSES = ("username", "byl", "BBL")  # whole class values the tests compare to
_BYLINE_NEEDLES = ("uthor", "channel-name", "zuozhe", "bianji", "xiaobian", "submitted-by",
                   "posted-by", "journalist-name", "screenname", "writer", "yline",
                   *_EXACT_BYLINE_CLASSES)
_MAYBE_BYLINE = re.compile(r"[Aa]uthor|channel-name|zuozhe|bianji|xiaobian|submitted-by|"
                           r"posted-by|journalist-name|screenname|writer|[Bb]yline")
_BYLINE_ID = (re.compile(r"author|zuozhe|bianji|xiaobian"), re.compile(r"[Aa]uthor"))
# A piece of every id, class or itemprop value htmldate's ``is_date_candidate`` accepts:
# "date" or "Date", "datum" or "Datum", its id-or-class cues ("[Mm]eta|time|publish|footer")
# and its class cues (plain words).
DATE_CUE_WORDS = ("ate", "atum", "eta", "time", "publish", "footer",
                  *CLASS_CUES.pattern.split("|"))


def _any_word(words: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern whose search finds whether one of ``words`` occurs (not which): words
    holding another are left out and the rest grouped by their first letter, so that sre
    rejects most positions at one character (searching the plain alternation took twice
    as long)."""
    kept = [word for word in words if not any(other != word and other in word for other in words)]
    groups: dict[str, list[str]] = {}
    for word in kept:
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return re.compile("|".join(f"{re.escape(first)}(?:{'|'.join(rests)})"
                               for first, rests in groups.items()))


_DATE_CUES = _any_word(DATE_CUE_WORDS)
_MAX_DATE_CORES = 1000
"""htmldate's ``idiosyncrasies_search`` reads the windows of this many cores at most."""
# What follows the 4-digit year of every match of htmldate's TIMESTAMP_PATTERN ("2004-3-12
# 10:05:00") and TIMESTAMP_LOOSE_PATTERN ("2004-3-12"), the time without its optional parts.
# Starting with a hyphen, sre skips to each one with a plain character scan, where a search
# for the full pattern tries its year at every character.
_TIMESTAMP_TAIL = re.compile(f"-{MONTH_RE}-{DAY_RE}[T ][0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}")
_LOOSE_TIMESTAMP_TAIL = re.compile(f"-{MONTH_RE}-{DAY_RE}")
# ``itertext()``'s strings as libxml2 lists them, not one Python step per element: the
# parser merges adjacent text (also around the comments it drops) and lxml sets a text or
# tail as one node, so each string is an element's text or tail, as ``itertext`` yields.
_TEXT_NODES = etree.XPath("descendant-or-self::text()", smart_strings=False)
# htmldate's ``discard_unwanted`` removes the divs its DISCARD_EXPRESSIONS selects, those
# with one of these ids (the Wayback Machine's banner): libxml2 evaluates that XPath's
# predicate, two attribute comparisons, for every div of the page (13% of the date search
# on news pages), and finding none is the rule. Every div id read as a plain string shows
# whether it has anything to remove.
_WAYBACK_BANNER_IDS = frozenset({"wm-ipp-base", "wm-ipp"})
_DIV_IDS = etree.XPath("descendant::div/@id", smart_strings=False)
# trafilatura's first TITLE_XPATHS regular expression, on an h1's or h2's class.
_TITLE_CLASS = re.compile(r"(?:post-|entry-|article-|post__)title|headline")
MAX_TITLE_CHARS = 200
"""trafilatura's length limit for a title found by its TITLE_XPATHS."""
MAX_AUTHOR_CHARS = 120
"""trafilatura's length limit for a byline's text."""


def read_metadata(root: etree._Element, capture: Capture) -> DocumentMeta:
    """Title, authors, the update date, language, site name, canonical URL and description;
    the publication date is ``publication_date``'s, read once nothing else needs the tree."""
    default_url = capture.final_url or (capture.uri if capture.uri.startswith("http") else None)
    found = examine_meta(root)
    if found.author and " " not in found.author:
        found.author = None  # a single token is a handle or a site name, as trafilatura judges
    try:
        found = extract_meta_json(root, found)
    except Exception:  # noqa: BLE001 - trafilatura's JSON-LD reader fails on odd blobs
        pass
    tags = _page_tags(root)
    url = _canonical(tags["link"]) or found.url or extract_url(root, default_url)
    author = found.author or extract_author(root)
    return DocumentMeta(
        title=found.title or extract_title(root) or None,
        authors=tuple(a.strip() for a in (author or "").split(";") if a.strip()),
        updated=_updated(tags["meta"], tags["script"]),
        language=_language(root, tags["meta"]),
        site_name=(found.sitename or extract_sitename(root) or "").lstrip("@") or None,
        canonical_url=url or None,
        description=found.description or None,
    )


def publication_date(root: etree._Element, url: str | None) -> str | None:
    """htmldate's ``find_date(root, url=url)`` as trafilatura calls it (the fast search, the
    original date, none later than today), the same answer, but pruning ``root`` itself:
    ``find_date`` copies a tree it is given before pruning it (1.5% of a news page's
    extraction), so call this only once nothing else will read ``root``. ``url`` is
    ``DocumentMeta.canonical_url``: when it is None, the page's canonical links have no
    href but blanks, where ``find_date``'s own look for one would find no date either."""
    params = set_date_params(False)
    options = Extractor(False, get_max_date(params["max_date"]), get_min_date(None), True,
                        "%Y-%m-%d")
    found = extract_url_date(url, options) or examine_header(root, options) or \
        json_search(root, options) or examine_abbr_elements(root, options)
    if found is not None:
        return found
    try:
        clean_html(root, CLEANING_LIST)
    except ValueError:  # libxml2 refuses a NUL or control character: search what is left
        pass
    else:
        if not _WAYBACK_BANNER_IDS.isdisjoint(_DIV_IDS(root)):
            discard_unwanted(root)
    found = (examine_elements(_date_candidates(root), options)
             or examine_elements(root.xpath(".//title|.//h1"), options)
             or examine_time_elements(root, options))
    if found is not None:
        return found
    markup = serialize(root)
    found = (_timestamp_search(markup, TIMESTAMP_PATTERN, _TIMESTAMP_TAIL, options)
             or img_search(root, options)
             or (idiosyncrasies_search(markup, options) if _text_date_near_core(markup)
                 else None))
    if found is not None:
        return found
    clean_html(root, ["script", "style"])
    return _timestamp_search(" ".join(_TEXT_NODES(root)), TIMESTAMP_LOOSE_PATTERN,
                             _LOOSE_TIMESTAMP_TAIL, options)


def _timestamp_search(text: str, pattern: re.Pattern[str], tail: re.Pattern[str],
                      options: Extractor) -> str | None:
    """htmldate's ``pattern_search(text, pattern, options)`` for its TIMESTAMP_PATTERN or
    TIMESTAMP_LOOSE_PATTERN, whose matches are a 4-digit year and then ``tail``'s: the first
    match starts 4 characters before the first ``tail`` (tried one by one, overlapping)
    where the pattern matches."""
    found = tail.search(text, 4)
    while found is not None:
        if pattern.match(text, found.start() - 4) is not None:
            return pattern_search(text[found.start() - 4:], pattern, options)
        found = tail.search(text, found.start() + 1)
    return None


def _date_candidates(root: etree._Element) -> list[etree._Element]:
    """htmldate's ``date_candidates(root, False)``, the same elements: ``is_date_candidate``
    reads every attribute of each element of its tags in Python (5% of a news page's
    extraction); only elements whose attribute values hold one of its cues need it."""
    found = []
    for element in root.iterdescendants(*FAST_TAGS, *ALWAYS_TAGS):
        values = element.values()
        if values and _DATE_CUES.search(" ".join(values)):
            if element.tag in ALWAYS_TAGS or is_date_candidate(element):
                found.append(element)
        elif element.tag in ALWAYS_TAGS:
            found.append(element)
    return found


def _text_date_near_core(markup: str) -> bool:
    """Whether htmldate's ``idiosyncrasies_search(markup, ...)`` reads a match of its
    TEXT_PATTERNS ("posted on 12/3/2004"): one lies within 60 characters of one of the first
    ``_MAX_DATE_CORES`` cores, or there are more cores than that (then it searches the whole
    page). Most pages have none, and finding the cores as htmldate does, by trying
    DATE_CORE_PATTERN at every digit of the markup, was 6% of a news page's extraction."""
    cores = _date_cores(markup)
    for core in islice(cores, _MAX_DATE_CORES):
        if TEXT_PATTERNS.search(markup, max(0, core.start() - 60), core.end() + 60):
            return True
    return next(cores, None) is not None


def _date_cores(markup: str) -> Iterator[re.Match[str]]:
    """``DATE_CORE_PATTERN.finditer(markup)``'s matches, tried only where one can start: at
    most 3 characters before each of ``_date_core_anchors``, and not before the end of the
    last core, where ``finditer`` resumes."""
    anchors = _date_core_anchors(markup)
    resume = 0  # the end of the last core: no core starts before it
    untried = 0  # no core starts before it, other than at a tried position
    index = 0
    while index < len(anchors):
        digit = anchors[index]
        for start in range(max(resume, untried, digit - 3), digit + 1):
            core = DATE_CORE_PATTERN.match(markup, start)
            if core is not None:
                yield core
                resume = untried = core.end()
                break
        else:
            untried = digit + 1
        index = bisect_left(anchors, untried, index + 1)  # the next anchor from ``untried``


def _date_core_anchors(markup: str) -> list[int]:
    """The offsets of the anchors of date cores, overlapping: a digit, a dot or slash, 1-2
    digits, a dot or slash and 2 digits, what every match of htmldate's DATE_CORE_PATTERN
    ("12/3/2004": 1-4 digits, a separator, 1-2 digits, one again, 2-4 digits) holds from the
    digit before its first separator on, at most 3 characters after its start. numpy tests
    every character at once, where a regular expression's search starting with a class of
    characters tested them one by one (7% of the date search on news pages)."""
    import numpy as np  # here, not with the module: see locate.newline_offsets

    from pipeline.textutil.codes import char_codes

    codes = char_codes(markup)
    size = len(codes)
    # Padded past the end, where nothing matches, so that each shift below is a full slice.
    digits = np.zeros(size + 6, dtype=bool)
    separators = np.zeros(size + 6, dtype=bool)
    digits[:size] = (codes >= ord("0")) & (codes <= ord("9"))
    separators[:size] = (codes == ord(".")) | (codes == ord("/"))

    def ahead(flags: npt.NDArray[np.bool_], shift: int) -> npt.NDArray[np.bool_]:
        return flags[shift:shift + size]

    found = ahead(digits, 0) & ahead(separators, 1) & ahead(digits, 2) & (
        (ahead(separators, 3) & ahead(digits, 4) & ahead(digits, 5))
        | (ahead(digits, 3) & ahead(separators, 4) & ahead(digits, 5) & ahead(digits, 6)))
    anchors: list[int] = np.flatnonzero(found).tolist()
    return anchors


def extract_title(root: etree._Element) -> str | None:
    """trafilatura's ``extract_title``, same answer. Its first and third TITLE_XPATHS select
    headings whose class or id names a title: libxml2 tests every element of the page for
    their tags, a third of the metadata's time on a page without a title meta tag. Here one
    walk in C finds the headings, tested in Python as the XPaths test them (``re:test`` and
    ``contains`` read an attribute's value, or "" when it is missing)."""
    h1_results = root.findall(".//h1")
    if len(h1_results) == 1 and (title := block_text(h1_results[0])):
        return title
    headings = list(root.iter("h1", "h2", "h3"))  # ``//*`` is the whole tree: root is its top
    named = (_metainfo(h for h in headings if h.tag != "h3" and (
                 _TITLE_CLASS.search(h.get("class") or "") or "headline" in (h.get("id") or "")
                 or "headline" in (h.get("itemprop") or "")))
             or _metainfo(TITLE_XPATHS[1](root))
             or _metainfo(h for h in headings
                          if "title" in (h.get("class") or "") or "title" in (h.get("id") or "")))
    if named:
        return named
    title, first, second = examine_title_element(root)
    for part in (first, second, title):
        if part and "." not in part:
            return part
    for h1_result in h1_results:
        if title := block_text(h1_result):
            return title
    if h2_results := root.xpath(".//h2"):
        title = block_text(h2_results[0])
    return title or None


def _metainfo(elements: Iterable[etree._Element]) -> str | None:
    """trafilatura's ``extract_metainfo`` for one XPath's ``elements``: the first one's text
    that is 3 to 199 characters long."""
    for element in elements:
        content = trim(" ".join(element.itertext()))
        if content and 2 < len(content) < MAX_TITLE_CHARS:
            return content
    return None


def extract_author(root: etree._Element) -> str | None:
    """trafilatura's ``extract_author``, same answer: the first element found by the first of
    its three byline XPaths whose text is 3 to 119 characters, after deleting comment, sidebar,
    ``time`` and ``figure`` elements, normalised by ``normalize_authors``. trafilatura deletes
    them from a deep copy of the page and runs XPaths whose EXSLT regular expressions call
    back into Python for every element, a quarter of a page's extraction time; here one walk
    over the original tree applies the same tests, and the deleted elements are only skipped
    (their tails kept, as trafilatura's ``delete_element`` keeps them)."""
    # One walk for both tags that send the reader another way: lxml's ``find`` looks ahead
    # for a second match, so each absent tag cost a walk of the whole tree.
    tags = {element.tag for element in root.iter("rel", "author")}
    if "rel" in tags:
        # The first XPath also tests a child <rel> element's text, which deletions inside
        # it could change; no page seen has one, so trafilatura's own function answers.
        return trafilatura_author(root)
    found: tuple[list[etree._Element], ...] = ([], [], [])
    gone: dict[etree._Element, bool] = {}
    for element in _byline_candidates(root, "author" in tags):
        tests = _byline_tests(element, element.tag)
        # Only bylines and what lies around them need the deletion test (most elements are
        # neither: testing them all was half of this function's time).
        if any(tests) and not _gone(element, gone):
            for index, matches in enumerate(tests):
                if matches:
                    found[index].append(element)
    for candidates in found:
        for element in candidates:
            if any(_gone(parent, gone) for parent in element.iterancestors()):
                continue
            text = " ".join(" ".join(_kept_text(element, gone)).split())
            if 2 < len(text) < MAX_AUTHOR_CHARS:
                return normalize_authors(None, text)
    return None


def _byline_candidates(root: etree._Element, authors: bool) -> list[etree._Element]:
    """The elements ``_byline_tests`` may select and a few more, in document order: those
    with an attribute holding one of ``_BYLINE_NEEDLES``, found by one string search over
    every element's attribute values, or every candidate when the page has ``author``
    elements (``authors``). All attributes are searched, not only the six the tests read:
    a needle in another (an ``href`` to "/author/...") adds an element the tests reject,
    and reading every element's values costs less than libxml2's walk per attribute."""
    if authors:
        return list(_CANDIDATES(root))
    elements = list(root.iter(etree.Element))
    values = list(map(" ".join, map(etree._Element.values, elements)))
    text = "\n".join(values)
    hits: set[int] = set()
    for needle in _BYLINE_NEEDLES:
        at = text.find(needle)
        while at >= 0:
            hits.add(at)
            at = text.find(needle, at + 1)
    starts = list(accumulate(map((1).__add__, map(len, values)), initial=0))
    return [elements[index] for index in sorted({bisect_right(starts, at) - 1 for at in hits})]


def _gone(element: etree._Element, seen: dict[etree._Element, bool]) -> bool:
    """Whether trafilatura deletes ``element`` before looking for bylines (remembered in
    ``seen``): ``time`` and ``figure`` elements, and those its discard XPath selects."""
    found = seen.get(element)
    if found is None:
        tag = element.tag
        found = seen[element] = tag in ("time", "figure") or (
            tag in _DISCARD_TAGS and _discarded(element))
    return found


def _discarded(element: etree._Element) -> bool:
    """trafilatura's first AUTHOR_DISCARD_XPATHS predicate (the tag is checked already)."""
    id_, class_ = element.get("id") or "", element.get("class") or ""
    return (id_ == "comments" or class_ in ("comments", "title", "date")
            or bool(_DISCARD_ID.search(id_)) or bool(_DISCARD_CLASS.search(class_))
            or "Figure" in (element.get("data-component") or ""))


def _byline_tests(element: etree._Element, tag: str) -> tuple[bool, bool, bool]:
    """Whether each of trafilatura's three AUTHOR_XPATHS selects ``element`` (a page with no
    ``rel`` element: see ``extract_author``)."""
    class_, id_ = element.get("class") or "", element.get("id") or ""
    itemprop = element.get("itemprop") or ""
    words = " ".join((class_, id_, itemprop, element.get("data-component") or "",
                      element.get("rel") or "", element.get("data-testid") or ""))
    if tag != "author" and not _MAYBE_BYLINE.search(words) and \
            class_ not in _EXACT_BYLINE_CLASSES:
        return False, False, False
    first = tag == "author" or (tag in _BYLINE_TAGS[0] and (
        element.get("rel") == "author" or id_ == "author" or class_ == "author"
        or itemprop == "author name" or element.get("data-testid") in ("AuthorCard", "AuthorURL")
        or bool(_BYLINE_CLASS[0].search(class_))))
    second = tag in _BYLINE_TAGS[1] and (
        class_ == "byline" or class_ in _EXACT_BYLINE_CLASSES or "author" in itemprop
        or bool(_BYLINE_ID[0].search(id_)) or bool(_BYLINE_CLASS[1].search(class_)))
    third = ("Byline" in (element.get("data-component") or "") or "author" in itemprop
             or bool(_BYLINE_ID[1].search(id_)) or bool(_BYLINE_CLASS[2].search(class_)))
    return first, second, third


def _kept_text(element: etree._Element, gone: dict[etree._Element, bool]) -> list[str]:
    """The pieces ``itertext`` yields for ``element`` once the elements in ``gone`` are deleted
    with their tails kept: a deleted element's tail joins the text before it."""
    pieces: list[str] = []
    frames = [(element, iter(element), [element.text or ""])]
    while frames:
        node, children, text = frames[-1]
        child = next(children, None)
        if child is None:
            pieces.append(text[0])
            frames.pop()
            if frames:
                frames[-1][2][0] = node.tail or ""
        elif _gone(child, gone):
            text[0] += child.tail or ""
        else:
            pieces.append(text[0])
            frames.append((child, iter(child), [child.text or ""]))
    return pieces


def _page_tags(root: etree._Element) -> dict[str, list[etree._Element]]:
    """The page's meta, link and script elements by tag, each in document order, found by one
    walk in C: an XPath for each of the update date's meta tags, the JSON-LD scripts and
    the canonical links walked the whole tree (on 40 news pages 34 million instructions,
    this walk and the tests of each element in Python 14)."""
    found: dict[str, list[etree._Element]] = {"meta": [], "link": [], "script": []}
    for element in root.iterdescendants("meta", "link", "script"):
        found[element.tag].append(element)
    return found


def _updated(metas: list[etree._Element], scripts: list[etree._Element]) -> str | None:
    content = _meta_content(metas, _UPDATED_META)
    if content:
        return content
    for script in scripts:
        if script.get("type") != "application/ld+json":
            continue
        text = script.text or ""
        if "dateModified" not in text or len(text) > MAX_JSON_LD_CHARS:
            continue
        value = _json_ld_value(text, "dateModified")
        if value:
            return value
    return None


def _json_ld_value(text: str, key: str) -> str | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            value = item.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _language(root: etree._Element, metas: list[etree._Element]) -> str | None:
    lang = (root.get("lang") or root.get("xml:lang") or "").strip()
    if lang:
        return lang
    content = _meta_content(metas, _LANG_META)
    return content.replace("_", "-") if content else None


def _meta_content(metas: list[etree._Element], pairs: tuple[tuple[str, str], ...]
                  ) -> str | None:
    """The first non-blank ``content`` of ``metas`` (in document order) matching the first
    pair that has one (the others are passed over)."""
    for name, value in pairs:
        for meta in metas:
            if meta.get(name) == value:
                content = (meta.get("content") or "").strip()
                if content:
                    return content
    return None


def _canonical(links: list[etree._Element]) -> str | None:
    for link in links:
        if link.get("rel") == "canonical":
            href = (link.get("href") or "").strip()
            if href:
                return href
    return None

