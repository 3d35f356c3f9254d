"""Bulk sources: one registry entry in, many documents out.

An entry of kind ``warc``, ``wacz``, ``folder``, ``urls``, ``sitemap`` or ``feed`` is expanded
at the start of each run (where it is due) into an :class:`Expansion`: its children, each a
:class:`~pipeline.model.Source` with the id ``<entry id>/<key>`` (a normalised URL or a
relative path), plus counts of what became of every record or line, and one failure per record,
file or line that could not be read. A child either carries its capture already (a WARC record:
the payload is in raw/ and the capture points at the record) or is an ordinary HTTP or file
source that the run captures like any other, under the same security rules.

    webarchive.py   warc, wacz: streaming record reader, revisits, trace back to a record
    listing.py      folder, urls
    feeds.py        sitemap (index, .gz), feed (RSS, Atom): fetched each run, XML parsed safely
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pipeline.capture import CaptureOptions
from pipeline.errors import PipelineError
from pipeline.model import Capture, Source
from pipeline.store import Store


@dataclass(frozen=True, slots=True)
class Child:
    """One document an entry expanded into."""

    source: Source
    capture: Capture | None = None
    """Already captured (a WARC record); ``None``: capture ``source`` as any source."""
    lastmod: datetime | None = None
    """When the listing says the document last changed (sitemap ``lastmod``, feed
    ``updated``): a child captured since then is not fetched again."""


@dataclass
class Expansion:
    """What expanding one entry gave."""

    entry: Source
    children: list[Child] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    """Records or lines by what became of them (``document`` for each child)."""
    failures: list[PipelineError] = field(default_factory=list)
    """One per unreadable record, file or line; ``source_id`` names the child or the entry."""
    files: list[tuple[str, str | None]] = field(default_factory=list)
    """(location, SHA-256) of every file or URL read."""
    expanded_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def fail(self, error: PipelineError, count_as: str = "unreadable") -> None:
        self.failures.append(error)
        self.counts[count_as] += 1


def expand(entry: Source, store: Store, options: CaptureOptions) -> Expansion:
    """Expand a bulk entry; a failure of the entry as a whole is recorded, not raised."""
    from pipeline.sources import feeds, listing, webarchive

    expanders = {"warc": webarchive.expand_warc, "wacz": webarchive.expand_wacz,
                 "folder": listing.expand_folder, "urls": listing.expand_urls,
                 "sitemap": feeds.expand_sitemap, "feed": feeds.expand_feed}
    expansion = Expansion(entry)
    if entry.bulk is None:
        raise ValueError(f"{entry.id} is no bulk entry")
    try:
        expanders[entry.bulk](entry, store, options, expansion)
    except PipelineError as error:
        error.source_id = error.source_id or entry.id
        expansion.fail(error)
    expansion.expanded_at = datetime.now(timezone.utc)
    return expansion


def child_source(entry: Source, key: str, uri: str) -> Source:
    """The source of one document of ``entry``: id ``<entry id>/<key>``, the entry's metadata."""
    return Source(id=f"{entry.id}/{key}", uri=uri, kind=None, every=None,
                  metadata=dict(entry.metadata))


DEFAULT_PORTS = {"http": 80, "https": 443}


def url_key(url: str) -> str:
    """A URL as a stable document key: host lower-cased, default port, fragment and scheme
    dropped (http and https of one page are one document), query parameters sorted.

    ``HTTP://Example.com:80/a?b=2&a=1#top`` -> ``example.com/a?a=1&b=2``
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").rstrip(".")
    if parts.port is not None and parts.port != DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{parts.port}"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    key = urlunsplit(("", host, parts.path or "/", query, "")).removeprefix("//")
    return key


def inside(path: Path, roots: tuple[Path, ...]) -> bool:
    """Whether ``path`` (``..`` and symlinks resolved) lies under one of ``roots`` (or there
    are no roots)."""
    real = path.resolve()
    return not roots or any(real.is_relative_to(root.resolve()) for root in roots)


def url_problem(url: str) -> str | None:
    """Why ``url`` is no fetchable http(s) URL, or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError as exc:
        return f"{url[:80]!r} is no valid URL ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return f"{url[:80]!r} is no http(s) URL"
    if not parts.hostname or any(ch.isspace() for ch in url):
        return f"{url[:80]!r} has no host or has spaces"
    return None
