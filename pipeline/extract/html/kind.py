"""What kind of page this is, from what the page says about itself, with the evidence.

Sites declare their page's kind for search engines: schema.org JSON-LD ``@type``, microdata
``itemtype`` and Open Graph's ``og:type``. Only the page's own entities count (top-level
JSON-LD nodes, ``@graph`` members, a ``WebPage``'s ``mainEntity``, microdata items not
nested in another item): an article's author is a ``Person`` and a product's price an
``Offer`` without making the page a person or an offer. The declared kind is evidence, not
the verdict: ``boilerplate.is_listing`` also looks at the page's structure (a run of alike
entries, each a headline link), since most listings declare nothing or only ``website``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from lxml import etree

PageKind = Literal["article", "listing", "product", "forum", "documentation", "page"]

# schema.org types, by the kind of page whose main entity they are.
FORUM_TYPES = frozenset({"DiscussionForumPosting", "QAPage", "SocialMediaPosting"})
PRODUCT_TYPES = frozenset({"Product", "ProductGroup", "IndividualProduct", "ProductModel"})
LISTING_TYPES = frozenset({"CollectionPage", "SearchResultsPage", "ItemList", "OfferCatalog"})
DOC_TYPES = frozenset({"TechArticle", "APIReference", "SoftwareSourceCode"})
ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "BlogPosting", "Report",
                           "ScholarlyArticle", "OpinionNewsArticle", "AnalysisNewsArticle",
                           "ReportageNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle",
                           "LiveBlogPosting", "Recipe", "HowTo", "MedicalWebPage"})
# JSON-LD blocks larger than this are data dumps (a shop's whole catalogue), not a label.
MAX_JSON_LD_CHARS = 200_000
_LAST_SEGMENT = re.compile(r"[^/#]+$")
# Elements with an ``itemtype``, in document order: libxml2 tests the attribute in C where
# ``iterfind(".//*[@itemtype]")`` made a Python object of every element to test it.
_ITEMS = etree.XPath("descendant::*/@itemtype/..")


@dataclass(frozen=True, slots=True)
class Declared:
    """The kind a page declares (``None``: nothing telling) and where it says so."""

    kind: PageKind | None
    evidence: str
    strong: bool = False
    """schema.org's types name the main entity; ``og:type article`` is on many listings."""


def declared_kind(root: etree._Element) -> Declared:
    """The page's kind as its structured data declares it; see the module docstring."""
    types = list(_json_ld_types(root)) + list(_microdata_types(root))
    found = {t for t, _ in types}
    products = sum(1 for t, _ in types if t in PRODUCT_TYPES)
    where = {t: source for t, source in reversed(types)}

    def said(kinds: frozenset[str]) -> str:
        name = sorted(found & kinds)[0]
        return f"{where[name]} {name}"

    if found & FORUM_TYPES:
        return Declared("forum", said(FORUM_TYPES), True)
    if products >= 2:
        return Declared("listing", f"{products} schema.org Product entities", True)
    if found & DOC_TYPES:
        return Declared("documentation", said(DOC_TYPES), True)
    if found & ARTICLE_TYPES:
        return Declared("article", said(ARTICLE_TYPES), True)
    if products == 1:
        return Declared("product", said(PRODUCT_TYPES), True)
    if found & LISTING_TYPES:
        return Declared("listing", said(LISTING_TYPES), True)
    og = (root.xpath("string(//meta[@property='og:type']/@content)") or "").strip().lower()
    if og.startswith("product.group"):
        return Declared("listing", f"og:type {og}")
    if og.startswith("product") or og.endswith(":item"):
        return Declared("product", f"og:type {og}")
    if og == "article":
        return Declared("article", "og:type article")
    return Declared(None, f"og:type {og}" if og else "no schema.org type or og:type")


def _json_ld_types(root: etree._Element) -> Iterator[tuple[str, str]]:
    for script in root.iterfind(".//script[@type='application/ld+json']"):
        text = script.text or ""
        if len(text) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(text)
        except ValueError:  # sites ship broken JSON-LD often; it is only a hint
            continue
        for node in _main_nodes(data):
            for name in _type_names(node.get("@type")):
                yield name, "JSON-LD"


def _main_nodes(data: object) -> Iterator[dict[str, object]]:
    """Top-level nodes, ``@graph`` members and a ``WebPage``'s ``mainEntity``."""
    nodes = data if isinstance(data, list) else [data]
    for node in nodes:
        if not isinstance(node, dict):
            continue
        graph = node.get("@graph")
        if isinstance(graph, list):
            yield from _main_nodes(graph)
        yield node
        main = node.get("mainEntity")
        if isinstance(main, dict):
            yield main
        elif isinstance(main, list):
            yield from (m for m in main if isinstance(m, dict))


def _type_names(value: object) -> Iterator[str]:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            match = _LAST_SEGMENT.search(item)  # "https://schema.org/Product" -> Product
            if match:
                yield match.group(0)


def _microdata_types(root: etree._Element) -> Iterator[tuple[str, str]]:
    for element in _ITEMS(root):
        if element.get("itemprop") is not None:
            continue  # a property of another item (a post's author, a product's offer)
        for itemtype in (element.get("itemtype") or "").split():
            for name in _type_names(itemtype):
                yield name, "microdata"
