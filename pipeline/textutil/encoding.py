"""Encoding: raw bytes to text, and repair of text that was decoded wrongly before us.

``decode`` chooses a charset from evidence in this order: a byte-order mark, the charset the
server declared, the charset the document declares (HTML ``<meta>``), strict UTF-8, and finally
charset-normalizer's detection. A declared charset is believed only if the bytes decode cleanly
with it; when it fails, detection decides and the disagreement is recorded. Offsets in locators
point into the text ``decode`` returns, so decoding never rewrites characters (no ftfy here).

``repair`` is the per-passage text repair: ftfy (mojibake, ligatures, HTML entities left in
text) then Unicode NFC; each returns the transform it applied.
"""

from __future__ import annotations

import codecs
import importlib.util
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from pipeline.model import Transform

if TYPE_CHECKING:
    import ftfy

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Charsets that decode any byte sequence, so "decodes cleanly" says nothing about them: a
# server labelling UTF-8 pages ISO-8859-1 is a common lie.
# charset-normalizer ranks Baltic and Central European code pages first on short Western
# text; windows-1252 is the web's default single-byte charset, so it wins near-ties.
_CP1252_CHAOS_MARGIN = 0.1
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)


@cache
def _ftfy() -> tuple[ModuleType, ftfy.TextFixerConfig]:
    """ftfy and our settings, imported at the first repair: an extraction worker only decodes
    (ftfy costs 0.04 s at its start). Archival text keeps curly quotes and full-width forms:
    they are the author's, not damage."""
    import ftfy

    return ftfy, ftfy.TextFixerConfig(unescape_html=False, fix_line_breaks=False,
                                      uncurl_quotes=False, fix_character_width=False,
                                      normalization=None, explain=False)


_ASCII_FTFY_FIXES = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
"""The only ASCII characters the fixes above change: ftfy's control characters (terminal
escapes start with one); mojibake, ligatures, C1 controls and surrogates are never ASCII, and
NFC leaves ASCII as it is."""


_FTFY_MAX_LINE = 1_000_000
"""ftfy's ``max_decode_length``: it leaves longer lines to its slower fixes."""
_FTFY_MAPS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\u206a-\u206f"
                        "\ufeff\ufff9-\ufffc\u0132\u0133\u0149\u01c4-\u01cc\u01f1-\u01f3"
                        "\ufb00-\ufb06]")
"""What ftfy 6.3's ``fix_and_explain`` changes with the settings above, character by
character: C1 controls, surrogates, the control characters it removes (``CONTROL_CHARS``,
the escape that opens a terminal escape among them) and the Latin ligatures it spells out
(``LIGATURES``). Copied from ``ftfy.chardata`` (a test checks it against them) so that text
holding none of them, and no mojibake (``_MOJIBAKE_NEEDS``), is judged without importing
ftfy, whose import costs 0.03 s of CPU: half of a one-page PDF's extraction."""
_MOJIBAKE_NEEDS = re.compile("[^\x00-\x7f]{2}|[\x80-\x9f\u0152\u0153\u00c2\u00c3]")
"""What a line must hold for ftfy's mojibake test (``is_bad``) to find anything: every
pattern of its ``BADNESS_RE`` matches two non-ASCII characters side by side, except a C1
control, ``Œ``/``œ`` before a non-letter and ``Â``/``Ã`` before a space (a test tries every
lone BMP character against ``is_bad``)."""


def _ftfy_leaves_alone(text: str) -> bool:
    """Whether ftfy would return ``text`` unchanged, found without its per-line fixes: two
    ``str.translate`` calls with a mapping walk every character in Python's slow path for
    non-ASCII text, 60% of a web page's repair. Lines longer than ftfy's cut are left to it.
    ftfy splits text into lines before anything else, so its mojibake test is per line, as
    ftfy cuts them."""
    if len(text) > _FTFY_MAX_LINE or _FTFY_MAPS.search(text):
        return False
    if not _MOJIBAKE_NEEDS.search(text):
        return True
    is_bad = _is_bad()
    start = 0
    while start < len(text):  # ftfy's lines: each up to and including its "\n"
        end = text.find("\n", start) + 1 or len(text)
        if is_bad(text[start:end]):
            return False
        start = end
    return True


@cache
def _is_bad() -> Callable[[str], bool]:
    """ftfy's mojibake test, ``ftfy.badness.is_bad``, with its module run on its own where
    ftfy is not imported yet: ``from ftfy.badness import`` runs ftfy's package first, which
    imports its codecs, character tables and wcwidth (0.046 s of CPU, a sixth of a 16-page
    PDF's extraction), while the module itself, its one pattern and only ``re`` and
    ``warnings``, costs 0.007 s. Most texts with two non-ASCII characters side by side need
    only the test."""
    package = None if "ftfy" in sys.modules else importlib.util.find_spec("ftfy")
    if package is not None and package.origin:
        spec = importlib.util.spec_from_file_location(
            "ftfy.badness", Path(package.origin).with_name("badness.py"))
        if spec is not None and spec.loader is not None:
            badness = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(badness)
            is_bad: Callable[[str], bool] = badness.is_bad
            return is_bad
    from ftfy.badness import is_bad

    return is_bad


MOSTLY_UTF8_RATIO = 3
"""Valid non-ASCII characters needed per undecodable sequence to call damaged text UTF-8."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    transform: Transform
    """How the encoding was chosen, for the document's transform list."""


def decode(data: bytes, declared: str | None = None, *, sniff_meta: bool = False) -> Decoded:
    """Decode ``data`` using the best-supported charset; never raises on bad bytes."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decoded(data, encoding, "bom")
    candidates = []
    if declared:
        candidates.append((declared, "http-charset"))
    if sniff_meta:
        match = _META_CHARSET.search(data[:8192])
        if match:
            candidates.append((match.group(1).decode("ascii", "replace"), "meta-charset"))
    rejected = []
    for encoding, evidence in candidates:
        normalised = _normalise_name(encoding)
        if normalised is None:
            rejected.append(f"{evidence} {encoding!r} unknown")
            continue
        text = _clean_text(data, normalised)
        if text is not None:
            # Text in another charset is almost never valid multi-byte UTF-8 by chance, while
            # pages served as UTF-8 under a stale label are common: the bytes outvote the label.
            if normalised != "utf-8" and _is_multibyte_utf8(data):
                rejected.append(f"{evidence} {encoding!r} contradicted by valid multi-byte UTF-8")
                continue
            return _decoded(data, normalised, evidence, rejected, text)
        rejected.append(f"{evidence} {encoding!r} does not decode the bytes")
    text = _clean_text(data, "utf-8")
    if text is not None:
        return _decoded(data, "utf-8", "valid-utf-8", rejected, text)
    if _mostly_utf8(data):
        return _decoded(data, "utf-8", "mostly-utf-8", rejected)
    # Imported here: most pages say or show their encoding, and the process that only
    # repairs passages (``archivist extract``'s own) never detects one (0.01 s a start).
    import charset_normalizer

    matches = charset_normalizer.from_bytes(data[:1_000_000])
    best = matches.best()
    web_default = next((m for m in matches if m.encoding == "cp1252"), None)
    if best is not None and web_default is not None and best.encoding != "cp1252" and \
            web_default.chaos <= best.chaos + _CP1252_CHAOS_MARGIN:
        return _decoded(data, "cp1252", "detected-windows-1252", rejected + [
            f"detected {best.encoding} no clearer than windows-1252"])
    if best is not None and best.encoding.startswith(("utf_16", "utf_32")) and b"\x00" not in data:
        # UTF-16/32 text without a BOM is full of NUL bytes; short Latin text fools the detector.
        return _decoded(data, "cp1252", "windows-1252-fallback", rejected + [
            f"detected {best.encoding} impossible without NUL bytes"])
    encoding = best.encoding if best is not None else "utf-8"
    return _decoded(data, encoding, "detected" if best else "fallback-utf-8-replace", rejected)


def _decoded(data: bytes, encoding: str, evidence: str,
             rejected: list[str] | None = None, text: str | None = None) -> Decoded:
    """``text``: ``data`` decoded cleanly already (the same string as with replacements)."""
    if text is None:
        text = data.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    detail = f"encoding={encoding}; evidence={evidence}"
    if rejected:
        detail += "; rejected: " + ", ".join(rejected)
    replaced = text.count("\ufffd")
    if replaced:
        detail += f"; {replaced} undecodable byte sequences replaced by U+FFFD"
    return Decoded(text, encoding, Transform("decode", detail))


def _normalise_name(name: str) -> str | None:
    try:
        canonical = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    # Browsers read ISO-8859-1 and ASCII labels as windows-1252; do the same.
    return "cp1252" if canonical in ("latin-1", "iso8859-1", "ascii") else canonical


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few damaged bytes: valid multi-byte characters far outnumber the bad ones.

    Single-byte text (windows-1252 and the like) almost never forms valid multi-byte UTF-8,
    so a text where most non-ASCII decodes as UTF-8 is UTF-8 with damage, and decoding it as a
    code page would garble every good character to save the few bad ones.
    """
    text = data[:1_000_000].decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for char in text if char > "\x7f" and char != "\ufffd")
    return good >= MOSTLY_UTF8_RATIO * bad


def _is_multibyte_utf8(data: bytes) -> bool:
    """Valid UTF-8 with non-ASCII sequences: by chance, single-byte text almost never is."""
    return not data.isascii() and _clean_text(data, "utf-8") is not None


def _clean_text(data: bytes, encoding: str) -> str | None:
    """``data`` decoded, or None when it does not decode cleanly: the text is kept, not
    decoded again for the document."""
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def repair(text: str) -> tuple[str, tuple[Transform, ...]]:
    """ftfy then NFC; returns the text and the transforms that changed something."""
    if text.isascii() and not _ASCII_FTFY_FIXES.search(text):
        return text, ()  # ftfy would walk it line by line to change nothing
    transforms: list[Transform] = []
    if _ftfy_leaves_alone(text):
        fixed = text
    else:
        ftfy, config = _ftfy()
        fixed = ftfy.fix_text(text, config=config)
    if fixed != text:
        transforms.append(Transform("ftfy", f"{_describe_change(text, fixed)}"))
    normal = unicodedata.normalize("NFC", fixed)
    if normal != fixed:
        transforms.append(Transform("nfc"))
    return normal, tuple(transforms)


def _describe_change(before: str, after: str) -> str:
    """The first differing stretch, enough for an auditor to see what ftfy did."""
    start = next((i for i, (a, b) in enumerate(zip(before, after)) if a != b),
                 min(len(before), len(after)))
    return f"{before[start:start + 12]!r} -> {after[start:start + 12]!r}"
