"""Read a ``sources.toml`` registry into :class:`~pipeline.model.Source` objects.

A registry lists one ``[[source]]`` table per source::

    [[source]]
    id = "wilson-2008-lagon"          # stable: the document id derives from it
    uri = "seeds/000_0709e5aed7a81254.txt"   # http(s) URL or a path relative to this file
    kind = "text"                     # optional: html, pdf, text or image; detected otherwise
    every = "1d"                      # optional re-capture cadence
    ocr = "auto"                      # optional: which PDF pages to OCR (auto, always, never)
    title = "A Struggle for Survival" # free metadata: title, publisher, tags, ...

An optional ``[settings]`` table holds ``allow_private_hosts``, ``allowed_roots``, in
``[settings.extract]`` the per-document limits of :class:`~pipeline.extract.ExtractOptions`
(``max_seconds``, ``max_memory_mb``, ``max_pages``, ``max_objects``), ``ocr`` (which PDF
pages to OCR) and ``comments`` (keep web pages' comment threads as ``comment`` passages) and,
in ``[settings.capture]``,
``deadline_s``: the longest one capture may take, retries included.

A bulk entry expands into many documents, each ``<id>/<key>`` (see ``pipeline/sources/``)::

    [[source]]
    id = "crawl-2024"
    uri = "crawls/*.warc.gz"          # kind warc: a file, a folder or a glob; wacz: one .wacz
    kind = "warc"                     # or wacz, folder, urls, sitemap, feed
    keep_warc = false                 # warc/wacz: also copy the WARC files into raw/
    include = ["*.html", "*.pdf"]     # folder: globs over relative paths
    exclude = ["drafts/*"]

Unknown keys, duplicate ids and unsupported schemes are errors that name the entry.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from pipeline.errors import RegistryError, shorten
from pipeline.model import (
    BULK_KINDS,
    CAPTURE_DEADLINE_S,
    KINDS,
    OCR_MODES,
    ExtractOptions,
    Source,
)

CORE_KEYS = {"id", "uri", "kind", "every", "ocr"}
BULK_KEYS = {"include": ("folder",), "exclude": ("folder",), "keep_warc": ("warc", "wacz")}
"""Keys of bulk entries, each with the kinds it applies to."""
METADATA_KEYS = {"title", "publisher", "tags", "author", "language", "notes", "published"}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_CADENCE = re.compile(r"^\d+[mhdw]$")


@dataclass(frozen=True, slots=True)
class Registry:
    path: Path
    sources: tuple[Source, ...]
    allow_private_hosts: tuple[str, ...] = ()
    """Hosts (e.g. ``127.0.0.1``) an HTTP source may resolve to although they are private."""
    allowed_roots: tuple[Path, ...] = ()
    """Folders local sources must lie in: the registry's own, plus ``[settings] allowed_roots``."""
    extract_options: ExtractOptions = ExtractOptions()
    """Per-document limits from ``[settings.extract]``; defaults for keys it leaves out."""
    capture_deadline_s: float = CAPTURE_DEADLINE_S
    """``[settings.capture] deadline_s``: seconds one capture may take, retries included."""


def load_registry(path: str | Path) -> Registry:
    """Parse and validate a registry file; local paths become absolute paths."""
    path = Path(path).resolve()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegistryError(f"registry file not found: {path}") from None
    except IsADirectoryError:
        raise RegistryError(f"{path} is a folder: give the sources.toml file in it") from None
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{path.name} is not a text file: byte {exc.start} is not UTF-8; "
                            "a registry is TOML with [[source]] tables") from None
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path.name} is not valid TOML: {exc}") from None

    unknown_top = set(data) - {"source", "settings"}
    if unknown_top:
        raise RegistryError(f"{path.name}: unknown top-level keys {sorted(unknown_top)}; "
                            "expected [[source]] tables and an optional [settings] table")
    settings = data.get("settings", {})
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise RegistryError(f"{path.name}: 'source' must be an array of tables: write [[source]]")

    sources: list[Source] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        source = _parse_entry(entry, number, path.parent)
        if source.id in seen:
            raise RegistryError(f"{path.name}: source #{number} repeats id "
                                f"{shorten(source.id)!r}")
        seen.add(source.id)
        sources.append(source)
    return Registry(path, tuple(sources), tuple(settings.get("allow_private_hosts", ())),
                    _allowed_roots(settings, path), _extract_options(settings, path),
                    _capture_deadline(settings, path))


def _allowed_roots(settings: dict[str, Any], path: Path) -> tuple[Path, ...]:
    """The registry's folder and each ``allowed_roots`` entry (relative to it), symlinks
    resolved."""
    extra = settings.get("allowed_roots", [])
    if not isinstance(extra, list) or not all(isinstance(r, str) for r in extra):
        raise RegistryError(f"{path.name}: [settings] allowed_roots must be a list of folders, "
                            'e.g. allowed_roots = ["/data/captures"]')
    return (path.parent, *((path.parent / Path(r).expanduser()).resolve() for r in extra))


def _extract_options(settings: dict[str, Any], path: Path) -> ExtractOptions:
    """``[settings.extract]`` as ExtractOptions: known keys only, each a number >= 0 (a whole
    number where the default is one) or, for switches, true or false; ``ocr`` one of its
    modes."""
    table = settings.get("extract", {})
    defaults = {f.name: f.default for f in fields(ExtractOptions)}
    if not isinstance(table, dict):
        raise RegistryError(f"{path.name}: [settings] extract must be a table, e.g. "
                            "[settings.extract] with max_memory_mb = 4096")
    unknown = set(table) - set(defaults)
    if unknown:
        raise RegistryError(f"{path.name}: [settings.extract] has unknown keys {sorted(unknown)}; "
                            f"allowed: {list(defaults)}")
    for key, value in table.items():
        if key == "ocr":
            if value not in OCR_MODES:
                raise RegistryError(f"{path.name}: [settings.extract] ocr must be one of "
                                    f"{', '.join(OCR_MODES)}, not {value!r}")
        elif isinstance(defaults[key], bool):
            if not isinstance(value, bool):
                raise RegistryError(f"{path.name}: [settings.extract] {key} must be true or "
                                    f"false, not {value!r}")
            continue
        whole = isinstance(defaults[key], int)
        number = int if whole else float | int
        if isinstance(value, bool) or not isinstance(value, number) or value < 0:
            raise RegistryError(f"{path.name}: [settings.extract] {key} must be a "
                                f"{'whole ' if whole else ''}number >= 0, not {value!r}")
    return ExtractOptions(**table)


def _capture_deadline(settings: dict[str, Any], path: Path) -> float:
    """``[settings.capture] deadline_s``, a number of seconds > 0; the default if absent."""
    table = settings.get("capture", {})
    example = "[settings.capture] with deadline_s = 600"
    if not isinstance(table, dict):
        raise RegistryError(f"{path.name}: [settings] capture must be a table, e.g. {example}")
    unknown = set(table) - {"deadline_s"}
    if unknown:
        raise RegistryError(f"{path.name}: [settings.capture] has unknown keys {sorted(unknown)}; "
                            f"allowed: ['deadline_s'], e.g. {example}")
    value = table.get("deadline_s", CAPTURE_DEADLINE_S)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise RegistryError(f"{path.name}: [settings.capture] deadline_s must be a number of "
                            f"seconds > 0, not {value!r}")
    return float(value)


def _parse_entry(entry: dict[str, Any], number: int, base: Path) -> Source:
    name = f"source #{number}" + (f" ({shorten(str(entry['id']))!r})" if "id" in entry
                                  else "")
    unknown = set(entry) - CORE_KEYS - METADATA_KEYS - set(BULK_KEYS)
    if unknown:
        raise RegistryError(f"{name}: unknown keys {sorted(unknown)}; allowed: "
                            f"{sorted(CORE_KEYS | METADATA_KEYS | set(BULK_KEYS))}")
    for key in ("id", "uri"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise RegistryError(f"{name}: '{key}' is required and must be a string")
    if not _ID.match(entry["id"]):
        raise RegistryError(f"{name}: id must be letters, digits, '.', '_' or '-' (max 128)")
    kind = entry.get("kind")
    if kind is not None and kind not in KINDS + BULK_KINDS:
        raise RegistryError(f"{name}: kind {kind!r} is not one of {', '.join(KINDS + BULK_KINDS)}")
    bulk = kind if kind in BULK_KINDS else None
    every = entry.get("every")
    if every is not None and not _CADENCE.match(str(every)):
        raise RegistryError(f"{name}: every={every!r} must look like 30m, 6h, 1d or 2w")
    ocr = entry.get("ocr")
    if ocr is not None and ocr not in OCR_MODES:
        raise RegistryError(f"{name}: ocr {ocr!r} is not one of {', '.join(OCR_MODES)}")
    uri = _resolve_uri(entry["uri"], base, name)
    if bulk in ("warc", "wacz", "folder", "urls") and uri.startswith(("http://", "https://")):
        raise RegistryError(f"{name}: a {bulk} entry reads a local path, not a URL")
    if bulk in ("sitemap", "feed") and not uri.startswith(("http://", "https://")):
        raise RegistryError(f"{name}: a {bulk} entry is fetched: its uri must be http(s)")
    metadata = {k: v for k, v in entry.items() if k in METADATA_KEYS}
    return Source(id=entry["id"], uri=uri, kind=None if bulk else kind, every=every, ocr=ocr,
                  metadata=metadata, bulk=bulk, **_bulk_options(entry, bulk, name))


def _bulk_options(entry: dict[str, Any], bulk: str | None, name: str) -> dict[str, Any]:
    """include/exclude (lists of globs) and keep_warc (a bool), each on its own kinds only."""
    options: dict[str, Any] = {}
    for key, kinds in BULK_KEYS.items():
        if key not in entry:
            continue
        if bulk not in kinds:
            raise RegistryError(f"{name}: {key!r} applies to kind {' or '.join(kinds)} only")
        value = entry[key]
        if key == "keep_warc":
            if not isinstance(value, bool):
                raise RegistryError(f"{name}: keep_warc must be true or false")
            options[key] = value
        elif isinstance(value, list) and all(isinstance(v, str) and v for v in value):
            options[key] = tuple(value)
        else:
            raise RegistryError(f'{name}: {key} must be a list of globs, e.g. ["*.html"]')
    return options


def _resolve_uri(uri: str, base: Path, name: str) -> str:
    if uri.startswith(("http://", "https://")):
        return uri
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]+):", uri)
    if scheme and len(scheme.group(1)) > 1:  # one letter is a Windows drive, not a scheme
        raise RegistryError(f"{name}: scheme {scheme.group(1)!r} is not supported; "
                            "use http://, https:// or a local path")
    # Absolute but not resolved: capture resolves it, and names the link it followed when the
    # target lies outside the allowed folders.
    return str(base / uri)
