"""Render a document for people: Markdown with its sections, passages and footnotes; and
rows as indented JSON (``to_json``, ``to_json_utf8``), quickly.

Input is archive rows (or the same rows ``archivist extract`` builds), so what is shown is
exactly what is stored. Footnote markers are written back after the passage that referenced
them, and the notes are listed at the end: as Markdown footnotes (``[^1]`` and ``[^1]: …``)
for files, or, for a terminal, which shows Markdown footnotes as raw text run together in one
paragraph, as superscripts (``¹``) and a list of notes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from functools import partial
from itertools import chain
from json.encoder import encode_basestring as _encode_string
from typing import Any, Literal

import orjson

Notes = Literal["markdown", "terminal"]
_SUPERSCRIPT = str.maketrans("0123456789+-=()abcdefghijklmnoprstuvwxyz",
                             "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ")

_PREFIX = {"list_item": "- ", "quote": "> ", "caption": "*Caption:* ", "byline": "*",
           "callout": "> **Note:** ", "figure": "*Figure text:* ",
           "comment": "> *Comment:* "}
_SUFFIX = {"byline": "*"}


def to_markdown(document: dict[str, Any], passages: list[dict[str, Any]],
                footnotes: list[dict[str, Any]], notes: Notes = "markdown") -> str:
    """The document as Markdown; ``notes="terminal"`` for a screen (see the module docstring)."""
    lines: list[str] = []
    title = document.get("title")
    if title:
        lines += [f"# {title}", ""]
    facts = [f"{label}: {document[key]}" for key, label in
             (("published", "Published"), ("site_name", "Site"), ("uri", "Source"),
              ("doc_version", "Version")) if document.get(key)]
    if document.get("authors"):
        facts.insert(0, "By " + ", ".join(document["authors"]))
    if facts:
        lines += ["*" + " · ".join(str(f) for f in facts) + "*", ""]
    for passage in sorted(passages, key=lambda p: p["ordinal"]):
        rendered = _passage(passage, title, notes)
        if rendered:
            lines += [rendered, ""]
    if footnotes:
        lines += ["---", "", "**Notes**", ""]
        for note in footnotes:
            lines.append(f"[^{note['label']}]: {note['text']}" if notes == "markdown"
                         else f"- **{note['label']}** {note['text']}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def superscript(label: str) -> str:
    """A footnote label as superscript characters (a character with none stays as it is)."""
    return label.lower().translate(_SUPERSCRIPT)


def _markers(labels: list[str], notes: Notes) -> str:
    if notes == "markdown":
        return "".join(f"[^{label}]" for label in labels)
    return "˒".join(superscript(label) for label in labels)  # ¹˒² is two notes, ¹² one


def _passage(passage: dict[str, Any], title: str | None, notes: Notes) -> str:
    text: str = passage["text"]
    markers = _markers(passage.get("footnote_labels") or [], notes)
    kind = passage["kind"]
    if kind == "title":
        return f"# {text}" if text != title else ""
    if kind == "heading":
        level = min(6, len(passage.get("section_path") or ()) + 1)
        return f"{'#' * level} {text}{markers}"
    if kind in ("table", "code"):
        return "```\n" + text + "\n```"
    return _PREFIX.get(kind, "") + text + _SUFFIX.get(kind, "") + markers


def to_text(passages: list[dict[str, Any]]) -> str:
    """The clean passages in order, one per paragraph, separated by blank lines."""
    ordered = sorted(passages, key=lambda p: p["ordinal"])
    return "\n\n".join(p["text"] for p in ordered) + ("\n" if ordered else "")


def to_json(value: Any, default: Callable[[Any], Any]) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False, default=default)``, character for
    character. With ``indent`` the standard library encodes in pure Python, one generator
    step per value, which on a page's rows (tens of thousands of values with provenance)
    cost as much as extracting the page; this walks the rows once, writes the scalars of a
    list or dict in its own loop (most values of a row are) and leaves strings to the C
    string encoder."""
    parts: list[str] = []
    _json_parts(value, default, "\n", parts, {})
    return "".join(parts)


def to_json_utf8(value: Any, default: Callable[[Any], Any], errors: str = "strict") -> bytes:
    """``(to_json(value, default) + "\\n").encode("utf-8", errors)``, byte for byte, written by
    orjson (in C, straight to UTF-8) where it writes what ``json.dumps`` does: values of the
    JSON types themselves (not their subclasses) and of those ``default`` converts (dates
    and times: orjson's own differ), floats from 1e-4 to 1e16, where both write the shortest
    digits that read back (orjson writes 1e-05 as 0.00001 and NaN as null), strings without
    lone surrogates, integers of 64 bits, keys that are strings, nesting orjson takes;
    anything else goes to :func:`to_json`. On a page's rows an eighth of the instructions of
    ``to_json`` and the encoding, the check (a little under half of it) included."""
    if _orjson_writes_as_json([value]):
        try:
            return orjson.dumps(value, partial(_checked, default), _ORJSON_OPTIONS)
        except (orjson.JSONEncodeError, _NotJsonLike):
            pass
    return (to_json(value, default) + "\n").encode("utf-8", errors)


_ORJSON_OPTIONS = (orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
                   | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS
                   | orjson.OPT_PASSTHROUGH_DATACLASS)
_JSON_LEAVES = {str, int, bool, type(None)}
_NUMBERS = {float, int, bool, type(None)}
_PASSED_TO_DEFAULT = {datetime, date, time}
"""What orjson hands to ``default`` with the options above and writes nothing of itself."""


class _NotJsonLike(Exception):
    """``default`` made a value that orjson would not write as json.dumps does."""


def _checked(default: Callable[[Any], Any], value: Any) -> Any:
    converted = default(value)
    if not _orjson_writes_as_json([converted]):
        raise _NotJsonLike
    return converted


def _orjson_writes_as_json(values: Sequence[Any]) -> bool:
    """Whether orjson writes each of ``values`` and all they hold as json.dumps does (but
    for what only orjson refuses: keys other than strings, surrogates, integers over 64 bits,
    deep nesting). Checks a level of nesting at a time, by a loop in C over its values'
    types (a page's rows are tens of thousands of values, most of them strings, integers and
    None, which need nothing more); rows of as many columns as each other (a table's) go a
    column at a time, so that each column's floats and lists are picked out at once."""
    types = set(map(type, values))
    if types <= _JSON_LEAVES:
        return True
    if types <= _NUMBERS:  # finite, and written without an exponent by json.dumps (repr)
        nonzero = list(filter(None, values))
        return not nonzero or (math.isfinite(sum(nonzero)) and min(map(abs, nonzero)) >= 1e-4
                               and max(map(abs, nonzero)) < 1e16)
    for kind in types - _JSON_LEAVES:
        picked: Sequence[Any] = values if len(types) == 1 else [
            v for v in values if type(v) is kind]
        if kind is float:
            if not _orjson_writes_as_json(picked):
                return False
        elif kind is list or kind is tuple:
            if not _orjson_writes_as_json(list(chain.from_iterable(picked))):
                return False
        elif kind is dict:
            if set(map(type, chain.from_iterable(map(dict.values, picked)))) <= _JSON_LEAVES:
                continue
            if len(set(map(len, picked))) == 1:
                if not all(map(_orjson_writes_as_json, zip(*map(dict.values, picked)))):
                    return False
            elif not _orjson_writes_as_json(list(chain.from_iterable(map(dict.values, picked)))):
                return False
        elif kind not in _PASSED_TO_DEFAULT:
            return False
    return True


def _json_parts(value: Any, default: Callable[[Any], Any], newline: str,
                parts: list[str], keys: dict[Any, str]) -> None:
    """Append ``value``'s JSON; ``keys`` caches each dict key's ``"key": `` (rows repeat them)."""
    scalar = _SCALARS.get(type(value))
    if scalar is not None:
        parts.append(scalar(value))
    # The order of checks is json.encoder's: str, None, bools, int, float, lists, dicts
    # (subclasses of the exact types above land here).
    elif isinstance(value, str):
        parts.append(_encode_string(value))
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        parts.append(_float(value))
    elif isinstance(value, (list, tuple)):
        if not value:
            parts.append("[]")
            return
        inner = newline + "  "
        rows = _table(value, default, inner, keys) if type(value[0]) is dict else None
        if rows is not None:
            parts.append("[" + inner + ("," + inner).join(rows) + newline + "]")
            return
        separator = "[" + inner
        for item in value:
            scalar = _SCALARS.get(type(item))
            if scalar is not None:
                parts.append(separator + scalar(item))
            else:
                parts.append(separator)
                _json_parts(item, default, inner, parts, keys)
            separator = "," + inner
        parts.append(newline + "]")
    elif isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            named = keys.get(key) if type(key) is str else None
            if named is None:
                named = _json_key(key) + ": "
                if type(key) is str:
                    keys[key] = named
            scalar = _SCALARS.get(type(item))
            if scalar is not None:
                parts.append(separator + named + scalar(item))
            else:
                parts.append(separator + named)
                _json_parts(item, default, inner, parts, keys)
            separator = "," + inner
        parts.append(newline + "}")
    else:
        _json_parts(default(value), default, newline, parts, keys)


def _table(rows: list[Any] | tuple[Any, ...], default: Callable[[Any], Any], newline: str,
           keys: dict[Any, str]) -> list[str] | None:
    """Each row's JSON when ``rows`` are dicts with the same string keys in the same order (a
    table's rows), else None. A row is its table's template filled with its values' JSON,
    which is made a column at a time: a column of one scalar type by one ``map``, with no
    Python step per value (a page's removed rows are most of its JSON)."""
    if len(rows) < 2 or set(map(type, rows)) != {dict} or len(set(map(tuple, rows))) != 1:
        return None
    names = tuple(rows[0])
    if not names or set(map(type, names)) != {str}:
        return None
    fields = []
    for name in names:
        named = keys.get(name)
        if named is None:
            named = keys[name] = _json_key(name) + ": "
        fields.append(named.replace("%", "%%") + "%s")
    inner = newline + "  "
    template = "{" + inner + ("," + inner).join(fields) + newline + "}"
    columns = [_column(column, default, inner, keys) for column in zip(*map(dict.values, rows))]
    return list(map(template.__mod__, zip(*columns)))


def _column(values: tuple[Any, ...], default: Callable[[Any], Any], newline: str,
            keys: dict[Any, str]) -> list[str]:
    """The JSON of each of a column's values, written at ``newline``'s depth."""
    types = set(map(type, values))
    if len(types) == 1:
        kind = types.pop()
        scalar = _SCALARS.get(kind)
        if scalar is not None:
            # A column of one value (a row's document, run, capture) is written once; not
            # for floats, where 0.0 == -0.0.
            if kind is not float and values.count(values[0]) == len(values):
                return [scalar(values[0])] * len(values)
            return list(map(scalar, values))
    elif types <= _SCALARS.keys():
        return [_SCALARS[type(value)](value) for value in values]
    out = []
    for value in values:
        parts: list[str] = []
        _json_parts(value, default, newline, parts, keys)
        out.append("".join(parts))
    return out


def _json_key(key: Any) -> str:
    """Keys as json.encoder writes them: strings encoded, numbers and constants as text."""
    if isinstance(key, str):
        return _encode_string(key)
    if isinstance(key, float):
        return _encode_string(_float(key))
    if key is True or key is False or key is None:
        return _encode_string({True: "true", False: "false", None: "null"}[key])
    if isinstance(key, int):
        return _encode_string(int.__repr__(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


_SCALARS: dict[type, Callable[[Any], str]] = {
    str: _encode_string, type(None): lambda _: "null", bool: lambda b: "true" if b else "false",
    int: int.__repr__, float: _float}
"""JSON text of a value by its exact type (a subclass takes json.encoder's isinstance path)."""
