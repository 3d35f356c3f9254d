"""PDF metadata: the Info dictionary, the XMP packet and the first page's blocks in, a
DocumentMeta out.

Info wins over XMP for each field it has (it is what most viewers show); when neither gives a
usable title, the largest heading on the first page stands in for it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

from pipeline.model import DocumentMeta

_PDF_DATE = re.compile(r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?")
_XMP_FIELD = {
    "title": re.compile(rb"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>", re.S),
    "creator": re.compile(rb"<dc:creator>.*?<rdf:li[^>]*>(.*?)</rdf:li>", re.S),
    "created": re.compile(rb"<xmp:CreateDate>(.*?)</xmp:CreateDate>|xmp:CreateDate=\"([^\"]+)\""),
    "modified": re.compile(rb"<xmp:ModifyDate>(.*?)</xmp:ModifyDate>|xmp:ModifyDate=\"([^\"]+)\""),
}
_JUNK_TITLE = re.compile(r"^(untitled|microsoft word|document\d*|\W*)$|\.(docx?|pdf|indd|tex)$",
                         re.IGNORECASE)


class _Draft(Protocol):
    """What the title fallback reads of a block being drafted."""

    kind: str
    text: str
    page: int
    level: int | None


def document_meta(info: dict[str, Any], xmp: bytes | None, drafts: Sequence[_Draft],
                  quality: float) -> DocumentMeta:
    """Title, authors and dates from Info, then XMP, then the first page's largest heading."""
    title = _text(info.get("Title")) or _xmp(xmp, "title")
    if not title or _JUNK_TITLE.search(title):
        title = _first_heading(drafts)
    author = _text(info.get("Author")) or _xmp(xmp, "creator")
    authors = tuple(a.strip() for a in re.split(r";|\band\b|,(?=\s*[A-Z][a-z]+\s+[A-Z])", author)
                    if a.strip()) if author else ()
    published = _date(_text(info.get("CreationDate"))) or _date(_xmp(xmp, "created"))
    updated = _date(_text(info.get("ModDate"))) or _date(_xmp(xmp, "modified"))
    return DocumentMeta(title=title, authors=authors, published=published, updated=updated,
                        text_quality=round(quality, 4))


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-16" if value.startswith(b"\xfe\xff") else "latin-1", "replace")
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _xmp(xmp: bytes | None, name: str) -> str | None:
    if not xmp:
        return None
    match = _XMP_FIELD[name].search(xmp)
    if not match:
        return None
    raw = next(g for g in match.groups() if g is not None)
    return _text(raw.decode("utf-8", "replace"))


def _date(value: str | None) -> str | None:
    """``D:20090415103000+09'00'`` or an ISO date -> ``2009-04-15`` (date part only)."""
    if not value:
        return None
    match = _PDF_DATE.match(value.replace("-", "")[:14])
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    return f"{year}-{month}-{day}"


def _first_heading(drafts: Sequence[_Draft]) -> str | None:
    page = min((d.page for d in drafts), default=1)
    first = [d for d in drafts if d.page == page]
    headings = [d for d in first if d.kind in ("heading", "title")]
    if headings:
        return " ".join(min(headings, key=lambda d: d.level or 9).text.split())
    return None
