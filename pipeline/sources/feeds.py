"""Sitemap and feed sources: fetched each run, their pages captured when new or changed.

``sitemap``: a sitemap (``urlset``), a sitemap index (``sitemapindex``) whose sitemaps are
fetched in turn, either of them gzipped. ``feed``: RSS 2.0, RSS 1.0 (RDF) or Atom. Each listed
URL becomes a child ``<entry id>/<normalised URL>`` carrying the listing's ``lastmod``
(sitemap) or ``updated``/``published``/``pubDate`` (feed): a child captured since that date is
not fetched again; one without a date is fetched with a conditional GET from its last capture.

The listings and their pages are fetched by :func:`pipeline.capture.capture`, so every rule of
an HTTP source holds (no private addresses unless allowed, http(s) redirects only, size
limits), and the listing itself is kept in raw/ with its WARC record. XML is parsed by lxml
with entities left unresolved, no DTD loaded, nothing fetched and libxml2's size guards on; a
document that declares entities (a billion-laughs bomb, an external entity) is refused.
Bounds: :data:`MAX_SITEMAPS` sitemaps and :data:`MAX_URLS` URLs an entry, a gzipped sitemap
inflated to at most :data:`MAX_XML_BYTES`; an index that lists itself is read once.
"""

from __future__ import annotations

import zlib
from collections import deque
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from lxml import etree

from pipeline.capture import CaptureOptions, capture
from pipeline.errors import CaptureError
from pipeline.model import Source
from pipeline.sources import Child, Expansion, child_source, url_key, url_problem
from pipeline.store import Store

MAX_SITEMAPS = 1000
"""Sitemaps fetched for one entry at most (the protocol's index lists up to 50,000; a site
with more than a thousand is split over several entries)."""
MAX_URLS = 200_000
"""URLs taken from one entry at most."""
MAX_XML_BYTES = 50 * 1024 * 1024
"""The protocol's limit for an uncompressed sitemap; a .gz inflating past it is refused."""
MAX_NESTING = 2
"""An index may list indexes (the protocol says it should not); deeper ones are refused."""
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          load_dtd=False, dtd_validation=False, recover=False)


class FeedError(CaptureError):
    """A listing that cannot or may not be read."""


def expand_sitemap(entry: Source, store: Store, options: CaptureOptions,
                   expansion: Expansion) -> None:
    """Fetch the sitemap (and, for an index, its sitemaps) and list their URLs."""
    queue: deque[tuple[str, int]] = deque([(entry.uri, 0)])
    seen: set[str] = set()
    children: dict[str, Child] = {}
    while queue:
        url, depth = queue.popleft()
        if url_key(url) in seen:
            expansion.counts["repeated sitemap"] += 1
            continue
        if len(seen) >= MAX_SITEMAPS:
            expansion.fail(FeedError(f"{entry.uri} leads to over {MAX_SITEMAPS:,} sitemaps; "
                                     f"read the first {MAX_SITEMAPS:,}, skipped {len(queue) + 1:,}",
                                     source_id=entry.id), "sitemap over the limit")
            break
        seen.add(url_key(url))
        try:
            root = _fetch_xml(entry, url, store, options, expansion)
        except CaptureError as error:
            if depth == 0:
                raise
            expansion.fail(error)
            continue
        tag = etree.QName(root).localname
        if tag == "sitemapindex":
            if depth >= MAX_NESTING:
                expansion.fail(FeedError(f"{url}: sitemap indexes nested over {MAX_NESTING} "
                                         "deep; skipped", source_id=entry.id), "too deep")
                continue
            for loc, _ in _entries(root, "sitemap"):
                problem = url_problem(loc)
                if problem:
                    expansion.fail(FeedError(f"{url}: {problem}", source_id=entry.id),
                                   "malformed entry")
                else:
                    queue.append((loc, depth + 1))
        elif tag == "urlset":
            for loc, lastmod in _entries(root, "url"):
                _add(entry, loc, lastmod, None, children, expansion, url)
        else:
            expansion.fail(FeedError(f"{url} is no sitemap: its root element is <{tag}>",
                                     source_id=entry.id), "not a sitemap")
    expansion.children.extend(children.values())
    expansion.counts["document"] = len(children)


def expand_feed(entry: Source, store: Store, options: CaptureOptions,
                expansion: Expansion) -> None:
    """Fetch the feed and list its items' links."""
    root = _fetch_xml(entry, entry.uri, store, options, expansion)
    children: dict[str, Child] = {}
    for link, updated, title in _feed_items(root, entry):
        _add(entry, link, updated, title, children, expansion, entry.uri)
    expansion.children.extend(children.values())
    expansion.counts["document"] = len(children)


def _add(entry: Source, url: str, lastmod: str | None, title: str | None,
         children: dict[str, Child], expansion: Expansion, listing: str) -> None:
    problem = url_problem(url)
    if problem:
        expansion.fail(FeedError(f"{listing}: {problem}", source_id=entry.id), "malformed entry")
        return
    key = url_key(url)
    if f"{entry.id}/{key}" in children:
        expansion.counts["duplicate url"] += 1
        return
    if len(children) >= MAX_URLS:
        expansion.counts["over the url limit"] += 1
        return
    source = child_source(entry, key, url)
    if title:
        source.metadata["title"] = title
    children[source.id] = Child(source, lastmod=_date(lastmod))


def _fetch_xml(entry: Source, url: str, store: Store, options: CaptureOptions,
               expansion: Expansion) -> etree._Element:
    """Capture ``url`` (kept in raw/ with its WARC record) and parse it safely."""
    listing = capture(Source(id=entry.id, uri=url), store, options)
    expansion.files.append((url, listing.sha256))
    data = store.read_blob(listing.sha256)
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, url, entry.id)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"{url} is not well-formed XML: {exc}", source_id=entry.id) from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise FeedError(f"{url} declares XML entities (an entity-expansion bomb or an external "
                        "entity): refused; sitemaps and feeds need none", source_id=entry.id)
    return root


def _gunzip(data: bytes, url: str, source_id: str) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, MAX_XML_BYTES + 1)
    except zlib.error as exc:
        raise FeedError(f"{url} is no readable gzip: {exc}", source_id=source_id) from None
    if len(out) > MAX_XML_BYTES:
        raise FeedError(f"{url} inflates to over {MAX_XML_BYTES:,} bytes (a gzip bomb?): "
                        "refused", source_id=source_id)
    return out


def _entries(root: etree._Element, tag: str) -> list[tuple[str, str | None]]:
    """(loc, lastmod) of each ``<url>`` or ``<sitemap>`` child, any namespace."""
    found = []
    for item in root:
        if not isinstance(item.tag, str) or etree.QName(item).localname != tag:
            continue
        fields = {etree.QName(f).localname: (f.text or "").strip()
                  for f in item if isinstance(f.tag, str)}
        if fields.get("loc"):
            found.append((fields["loc"], fields.get("lastmod") or None))
    return found


def _feed_items(root: etree._Element, entry: Source) -> list[tuple[str, str | None, str | None]]:
    """(link, date, title) of each item of an RSS or Atom feed."""
    kind = etree.QName(root).localname
    if kind not in ("rss", "RDF", "feed"):
        raise FeedError(f"{entry.uri} is no RSS or Atom feed: its root element is <{kind}>",
                        source_id=entry.id)
    items = []
    for item in root.iter():
        if not isinstance(item.tag, str) or etree.QName(item).localname not in ("item", "entry"):
            continue
        fields: dict[str, str] = {}
        for field in item:
            if not isinstance(field.tag, str):
                continue
            name = etree.QName(field).localname
            if name == "link":
                rel = field.get("rel", "alternate")
                href = field.get("href") or (field.text or "").strip()
                if rel == "alternate" and href:
                    fields.setdefault("link", href)
            else:
                fields.setdefault(name, (field.text or "").strip())
        date = fields.get("updated") or fields.get("published") or fields.get("pubDate") or (
            fields.get("date"))
        if fields.get("link"):
            items.append((fields["link"], date or None, fields.get("title") or None))
    return items


def _date(text: str | None) -> datetime | None:
    """A W3C/ISO 8601 date (sitemaps, Atom) or an RFC 822 one (RSS), as UTC; None if neither."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
