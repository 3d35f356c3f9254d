"""Bulk sources: one registry entry in, many documents out.

An entry of kind ``warc``, ``wacz``, ``folder``, ``urls``, ``sitemap`` or ``feed`` is expanded
at the start of each run (where it is due) into an :class:`Expansion`: its children, each a
:class:`~pipeline.model.Source` with the id ``<entry id>/<key>`` (a normalised URL or a
relative path), plus counts of what became of every record or line, and one failure per record,
file or line that could not be read. A child either carries its capture already (a WARC record:
the payload is in raw/ and the capture points at the record) or is an ordinary HTTP or file
source that the run captures like any other, under the same security rules.

    webarchive.py   warc, wacz: streaming record reader (a WARC in parts, for several
                    workers), revisits, trace back to a record
    listing.py      folder, urls
    feeds.py        sitemap (index, .gz), feed (RSS, Atom): fetched each run, XML parsed safely
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pipeline import __version__
from pipeline.capture import CaptureOptions
from pipeline.errors import PipelineError
from pipeline.model import Capture, Source
from pipeline.store import Store

if TYPE_CHECKING:
    from pipeline.sources.webarchive import PartScan, WarcPart


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
    settings: str | None = None
    """What besides the files decides the expansion (see :func:`settings_of`), for web
    archives: with the same files it gives the same children."""
    reused: bool = False
    """The files and settings were those of the last expansion: its children were taken
    from it, nothing was read but the files' bytes for their SHA-256."""

    def fail(self, error: PipelineError, count_as: str = "unreadable") -> None:
        self.failures.append(error)
        self.counts[count_as] += 1


@dataclass(frozen=True, slots=True)
class Previous:
    """An entry's last expansion as the archive recorded it: a web archive whose files and
    settings are the same again is not read a second time (:func:`reuse`)."""

    files: tuple[tuple[str, str | None], ...]
    settings: str | None
    counts: dict[str, int]
    captures: tuple[Capture, ...]
    """The latest capture of each of its children (a record of those files)."""
    failures: tuple[PipelineError, ...]
    """What that expansion recorded as unreadable."""


@dataclass
class Planned:
    """An entry expanded but for the records of its WARC files, which are left in parts for
    :func:`read_part` (on any worker); :func:`finish_expansion` merges what they read."""

    expansion: Expansion
    parts: list[WarcPart] | None = None
    """None: nothing is left to read (no ``warc`` entry, or one whose last expansion is
    reused, or whose files could not be listed)."""


def expand(entry: Source, store: Store, options: CaptureOptions,
           previous: Previous | None = None) -> Expansion:
    """Expand a bulk entry; a failure of the entry as a whole is recorded, not raised.
    ``previous``: its last expansion, which a web archive reuses if nothing changed."""
    planned = plan_expansion(entry, store, options, previous)
    return finish_expansion(planned, [read_part(entry, store, options, part)
                                      for part in planned.parts or []], store, options)


def plan_expansion(entry: Source, store: Store, options: CaptureOptions,
                   previous: Previous | None = None,
                   part_bytes: int | None = None) -> Planned:
    """All of :func:`expand` but reading the records of a ``warc`` entry's files, which are
    cut into parts of ``part_bytes`` (None: one part a file) for :func:`read_part`."""
    from pipeline.sources import listing, webarchive

    expansion = Expansion(entry)
    parts: list[WarcPart] | None = None
    if entry.bulk is None:
        raise ValueError(f"{entry.id} is no bulk entry")
    try:
        if entry.bulk == "warc":
            parts = webarchive.plan_warc(entry, store, options, expansion, previous, part_bytes)
            parts = None if expansion.reused else parts
        elif entry.bulk == "wacz":
            webarchive.expand_wacz(entry, store, options, expansion, previous)
        elif entry.bulk in ("sitemap", "feed"):
            from pipeline.sources import feeds  # lxml: only these two parse XML

            listed = feeds.expand_sitemap if entry.bulk == "sitemap" else feeds.expand_feed
            listed(entry, store, options, expansion)
        else:
            expanders = {"folder": listing.expand_folder, "urls": listing.expand_urls}
            expanders[entry.bulk](entry, store, options, expansion)
    except PipelineError as error:
        error.source_id = error.source_id or entry.id
        expansion.fail(error)
    return Planned(expansion, parts)


def read_part(entry: Source, store: Store, options: CaptureOptions,
              part: WarcPart) -> PartScan:
    """Read the records of one part of a WARC file (see :func:`plan_expansion`)."""
    from pipeline.sources import webarchive

    return webarchive.read_part(entry, store, options, part)


def finish_expansion(planned: Planned, scans: list[PartScan], store: Store,
                     options: CaptureOptions) -> Expansion:
    """The entry's expansion: the records its parts read (``scans``, in the parts' order)
    merged as one reader would have read them."""
    from pipeline.sources import webarchive

    expansion = planned.expansion
    if planned.parts is not None:
        webarchive.merge_parts(expansion.entry, store, options, expansion, scans)
    expansion.expanded_at = datetime.now(timezone.utc)
    return expansion


def settings_of(entry: Source, options: CaptureOptions) -> str:
    """What decides a web archive's expansion besides its files' bytes: the reader (the
    pipeline version), the payload limit and where the files are kept."""
    return json.dumps({"pipeline": __version__, "uri": entry.uri, "keep_warc": entry.keep_warc,
                       "max_bytes": options.max_bytes}, sort_keys=True)


def reuse(expansion: Expansion, previous: Previous | None,
          files: list[tuple[str, str | None]]) -> bool:
    """Take the children, counts and failures of ``previous`` if it read the same ``files``
    (location and SHA-256) with the same settings; whether it did."""
    if (previous is None or previous.settings != expansion.settings
            or previous.files != tuple(files)):
        return False
    entry = expansion.entry
    expansion.files = list(files)
    expansion.children = [
        Child(replace(child_source(entry, c.source_id.removeprefix(f"{entry.id}/"), c.uri),
                      kind=c.kind), c) for c in previous.captures]
    expansion.counts = Counter(previous.counts)
    expansion.failures = list(previous.failures)
    expansion.reused = True
    return True


def child_source(entry: Source, key: str, uri: str) -> Source:
    """The source of one document of ``entry``: id ``<entry id>/<key>``, the entry's metadata
    and OCR setting."""
    return Source(id=f"{entry.id}/{key}", uri=uri, kind=None, every=None, ocr=entry.ocr,
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
