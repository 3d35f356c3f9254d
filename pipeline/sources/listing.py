"""Folder and URL-list sources: the files of a folder, or the URLs of a list, each a document.

``folder``: every regular file under the entry's folder whose path relative to it (POSIX
separators) matches one of the ``include`` globs (default: all) and none of the ``exclude``
globs (``fnmatch`` rules: ``*`` also crosses ``/``, so ``*.pdf`` matches at any depth). Its id
is ``<entry id>/<relative path>``, the same on every run and machine. A symlink whose target
lies outside the folder, or outside the registry's allowed folders, is refused and recorded.
The files are then captured as local sources (an unchanged size and mtime costs no read).

``urls``: a text file with one URL a line (blank lines and ``#`` comments skipped), or a CSV
file (``.csv``) with a ``url`` column and optional ``id`` and ``title`` columns. Each URL is
an HTTP source captured like any other, under the same rules (no private addresses unless
allowed, http(s) redirects only, conditional GET). A line that is no http(s) URL and a
malformed CSV row are each a recorded failure; the other lines are ingested.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path

from pipeline.capture import CaptureOptions, open_regular_file, read_limited
from pipeline.errors import CaptureError
from pipeline.model import Source
from pipeline.sources import Child, Expansion, child_source, inside, url_key, url_problem
from pipeline.store import Store

MAX_LIST_BYTES = 64 * 1024 * 1024
"""A URL list over this is refused: a million URLs take about 100 MB."""
_KEY = re.compile(r"^[^\s/][^\s]{0,511}$")
"""A CSV ``id``: no whitespace, not starting with ``/``; it becomes ``<entry id>/<id>``."""


def expand_folder(entry: Source, store: Store, options: CaptureOptions,
                  expansion: Expansion) -> None:
    """Each matching file under the folder, in path order."""
    root = Path(entry.uri)
    if not root.is_dir():
        raise CaptureError(f"folder not found: {root}", source_id=entry.id)
    if not inside(root, options.allowed_roots):
        raise CaptureError(f"{root} lies outside the allowed folders; add it to [settings] "
                           "allowed_roots", source_id=entry.id)
    real_root = root.resolve()
    found: list[tuple[str, Path]] = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        here = Path(folder)
        for name in [*files, *(d for d in dirs if (here / d).is_symlink())]:
            path = here / name
            relative = path.relative_to(root).as_posix()
            if not _selected(relative, entry):
                continue
            if path.is_symlink() and not (path.resolve().is_relative_to(real_root)
                                          and inside(path, options.allowed_roots)):
                expansion.fail(CaptureError(f"{relative} is a symlink to {path.resolve()}, "
                                            f"outside {root}: refused",
                                            source_id=f"{entry.id}/{relative}"),
                               "refused symlink")
            elif path.is_file():
                found.append((relative, path))
            else:
                expansion.counts["not a regular file"] += 1
    for relative, path in sorted(found):
        expansion.children.append(Child(child_source(entry, relative, str(path))))
    expansion.counts["document"] = len(found)


def _selected(relative: str, entry: Source) -> bool:
    included = not entry.include or any(fnmatchcase(relative, p) for p in entry.include)
    return included and not any(fnmatchcase(relative, p) for p in entry.exclude)


def expand_urls(entry: Source, store: Store, options: CaptureOptions,
                expansion: Expansion) -> None:
    """One HTTP child per valid line or row."""
    path = Path(entry.uri)
    if not inside(path, options.allowed_roots):
        raise CaptureError(f"{path} lies outside the allowed folders; add its folder to "
                           "[settings] allowed_roots", source_id=entry.id)
    with open_regular_file(path.resolve(), entry.id) as (handle, _):
        data = read_limited(handle, MAX_LIST_BYTES, path, entry.id)
    text = data.decode("utf-8-sig", errors="replace")
    rows = _csv_rows(text, entry, expansion) if path.suffix.lower() == ".csv" else (
        (number, line.strip(), None, None) for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.lstrip().startswith("#"))
    seen: set[str] = set()
    for number, url, key, title in rows:
        problem = url_problem(url)
        if problem:
            expansion.fail(CaptureError(f"{path.name} line {number}: {problem}",
                                        source_id=entry.id), "malformed line")
            continue
        key = key or url_key(url)
        if key in seen:
            expansion.counts["duplicate url"] += 1
            continue
        seen.add(key)
        source = child_source(entry, key, url)
        if title:
            source.metadata["title"] = title
        expansion.children.append(Child(source))
    expansion.counts["document"] = len(expansion.children)


def _csv_rows(text: str, entry: Source, expansion: Expansion
              ) -> Iterator[tuple[int, str, str | None, str | None]]:
    """(line number, url, id, title) of each well-formed row; the others are failures."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = {name.strip().lower(): name for name in reader.fieldnames or ()}
    if "url" not in columns:
        raise CaptureError(f"{Path(entry.uri).name}: the CSV header {reader.fieldnames} has no "
                           "'url' column (optional: id, title)", source_id=entry.id)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            expansion.fail(CaptureError(f"{Path(entry.uri).name} line {reader.line_num}: "
                                        f"unreadable CSV ({exc})", source_id=entry.id),
                           "malformed line")
            continue
        if None in row or any(v is None for v in row.values()):
            expansion.fail(CaptureError(
                f"{Path(entry.uri).name} line {reader.line_num}: {len(reader.fieldnames or ())} "
                "columns expected, the row has "
                f"{'more' if None in row else 'fewer'}", source_id=entry.id), "malformed line")
            continue
        key = (row.get(columns.get("id", ""), "") or "").strip()
        if key and not _KEY.match(key):
            expansion.fail(CaptureError(f"{Path(entry.uri).name} line {reader.line_num}: id "
                                        f"{key!r} has whitespace or starts with '/'",
                                        source_id=entry.id), "malformed line")
            continue
        title = (row.get(columns.get("title", ""), "") or "").strip() or None
        yield reader.line_num, row[columns["url"]].strip(), key or None, title
