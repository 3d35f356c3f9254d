"""Page metadata: a parsed HTML tree in, a DocumentMeta out.

trafilatura's metadata functions already read meta tags, Open Graph, JSON-LD and visible
bylines, and htmldate finds the publication date; we call the ones ``extract_metadata``
chains (not its categories, tags and licence lookups, which we do not store; none modify
the tree) and add what they do not give: the update date, the language and the canonical
link. Dates stay apart from the capture time.
"""

from __future__ import annotations

import json
import logging

from htmldate import find_date
from lxml import etree
from trafilatura.metadata import (
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import set_date_params

from pipeline.model import Capture, DocumentMeta

# trafilatura and htmldate log every odd date or JSON-LD blob at WARNING: noise for a run log.
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).setLevel(logging.ERROR)

_UPDATED_META = (".//meta[@property='article:modified_time']",
                 ".//meta[@property='og:updated_time']",
                 ".//meta[@itemprop='dateModified']",
                 ".//meta[@name='last-modified']")
_LANG_META = (".//meta[@http-equiv='content-language']", ".//meta[@name='language']",
              ".//meta[@property='og:locale']")
# JSON-LD blocks larger than this are data dumps, not page metadata; skip parsing them.
MAX_JSON_LD_CHARS = 200_000


def read_metadata(root: etree._Element, capture: Capture) -> DocumentMeta:
    """Title, authors, dates, language, site name, canonical URL and description."""
    default_url = capture.final_url or (capture.uri if capture.uri.startswith("http") else None)
    found = examine_meta(root)
    if found.author and " " not in found.author:
        found.author = None  # a single token is a handle or a site name, as trafilatura judges
    try:
        found = extract_meta_json(root, found)
    except Exception:  # noqa: BLE001 - trafilatura's JSON-LD reader fails on odd blobs
        pass
    url = _canonical(root) or found.url or extract_url(root, default_url)
    author = found.author or extract_author(root)
    published = find_date(root, **{**set_date_params(False), "url": url})
    return DocumentMeta(
        title=found.title or extract_title(root) or None,
        authors=tuple(a.strip() for a in (author or "").split(";") if a.strip()),
        published=published or None,
        updated=_updated(root),
        language=_language(root),
        site_name=(found.sitename or extract_sitename(root) or "").lstrip("@") or None,
        canonical_url=url or None,
        description=found.description or None,
    )


def _updated(root: etree._Element) -> str | None:
    for path in _UPDATED_META:
        for meta in root.iterfind(path):
            content = (meta.get("content") or "").strip()
            if content:
                return content
    for script in root.iterfind(".//script[@type='application/ld+json']"):
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


def _language(root: etree._Element) -> str | None:
    lang = (root.get("lang") or root.get("xml:lang") or "").strip()
    if lang:
        return lang
    for path in _LANG_META:
        for meta in root.iterfind(path):
            content = (meta.get("content") or "").strip()
            if content:
                return content.replace("_", "-")
    return None


def _canonical(root: etree._Element) -> str | None:
    for link in root.iterfind(".//link[@rel='canonical']"):
        href = (link.get("href") or "").strip()
        if href:
            return href
    return None

