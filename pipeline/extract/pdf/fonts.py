"""Glyph names to Unicode for simple fonts without a ``/ToUnicode`` map, as PDF 32000-1 9.6.6 says.

A simple font whose ``/Encoding`` is missing, or is a ``/Differences`` dict without a
``/BaseEncoding``, takes the codes it does not list from the embedded font program's own
(built-in) encoding. pdfminer reads that only from Type 1 programs (``/FontFile``); for a compact
program (``/FontFile3``, ``/Type1C``) it falls back to StandardEncoding, so TeX's math fonts read
wrong: CMMI's code 13 (``gamma``) becomes ``(cid:13)``, its 59 (``comma``) a ``;``, CMSY's
``arrowright`` a ``!``. And pdfminer knows only the Adobe Glyph List's names, so a
``/Differences`` entry naming a TeX glyph (``epsilon1``, ``parenleftbigg``) keeps
StandardEncoding's guess for its code.

``EncodingResourceManager`` builds each font as pdfminer does (once per font object), then sets
every code that the CFF program's built-in encoding or the ``/Differences`` name to that glyph's
Unicode text: Adobe Glyph List, ``uniXXXX`` names, and the TeX names the list lacks. A code whose
glyph name means nothing gets no text, so it comes out as ``(cid:N)`` and counts as a bad glyph
instead of a wrong letter. Fonts with a ``/ToUnicode`` map and Type 3 fonts (whose glyph names
are often arbitrary while their codes are ASCII) are left as pdfminer builds them.

A Type 1 program's encoding is read in one pass (``type1_entries``), by fonts.py and, through
a subclass installed in ``pdfminer.pdffont``, by pdfminer building the font; the same pairs as
pdfminer's parser, which reads what the pass leaves to it.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
from collections.abc import Mapping
from functools import cache, lru_cache

from pdfminer import pdffont
from pdfminer.encodingdb import name2unicode
from pdfminer.latin_enc import ENCODING
from pdfminer.pdffont import (
    CFFFont,
    PDFFont,
    PDFSimpleFont,
    PDFType1Font,
    Type1FontHeaderParser,
)
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdftypes import PDFObjRef, PDFStream, dict_value, int_value, resolve1
from pdfminer.psparser import LIT, PSEOF, PSException, PSLiteral, literal_name

_STANDARD_STRINGS = CFFFont.STANDARD_STRINGS  # the 391 names a CFF string id below 391 means
_STANDARD_ENCODING = {code: name for name, code, _mac, _win, _pdf in ENCODING if code}
_CID_KEYED = 1230  # the Top DICT's ROS operator (12 30): a CID font, not a simple font's program

# TeX's glyph names (Computer Modern, AMS) that the Adobe Glyph List lacks, and three it maps
# otherwise: ``phi`` is the stroked form (U+03D5 since Unicode 3.0), ``phi1`` the curly one, and
# ``dotlessj`` has a real code point. Each ``*big``/``*text`` name is a larger size of its base.
_TEX_BASE = {
    "negationslash": "\u0338", "mapsto": "\u21a6", "arrowbothv": "\u2195",
    "arrowdblbothv": "\u21d5", "arrownortheast": "\u2197", "arrowsoutheast": "\u2198",
    "arrownorthwest": "\u2196", "arrowsouthwest": "\u2199", "arrowhookleft": "\u21aa",
    "arrowhookright": "\u21a9", "harpoonleftup": "\u21bc", "harpoonleftdown": "\u21bd",
    "harpoonrightup": "\u21c0", "harpoonrightdown": "\u21c1", "owner": "\u220b",
    "triangle": "\u25b3", "triangleinv": "\u25bd", "latticetop": "\u22a4",
    "turnstileleft": "\u22a2", "turnstileright": "\u22a3", "unionmulti": "\u228e",
    "unionsq": "\u2294", "intersectionsq": "\u2293", "subsetsqequal": "\u2291",
    "supersetsqequal": "\u2292", "wreathproduct": "\u2240", "coproduct": "\u2210",
    "diamondmath": "\u22c4", "equivasymptotic": "\u224d", "precedesequal": "\u2aaf",
    "followsequal": "\u2ab0", "lessmuch": "\u226a", "greatermuch": "\u226b",
    "follows": "\u227b", "similarequal": "\u2243", "circlecopyrt": "\u25ef",
    "bardbl": "\u2016", "prime": "\u2032", "Rfractur": "\u211c", "Ifractur": "\u2111",
    # AGL's angleleft is U+2329, which NFC turns into U+3008
    "angbracketleft": "\u3008", "angbracketright": "\u3009",
    "epsilon1": "\u03b5", "rho1": "\u03f1", "pi1": "\u03d6", "phi": "\u03d5",
    "phi1": "\u03c6", "dotlessj": "\u0237", "star": "\u22c6", "lscript": "\u2113",
    "vector": "\u20d7", "tie": "\u2040", "flat": "\u266d", "natural": "\u266e",
    "sharp": "\u266f", "slurabove": "\u2322", "slurbelow": "\u2323",
    "vextendsingle": "\u2223", "vextenddouble": "\u2225",
    "bracehtipdownleft": "\ufe37", "bracehtipdownright": "\ufe37",
    "bracehtipupleft": "\ufe38", "bracehtipupright": "\ufe38",
    "squaresolid": "\u25a0", "square": "\u25a1", "measuredangle": "\u2221",
    "sphericalangle": "\u2222", "subsetnoteql": "\u228a", "supersetnoteql": "\u228b",
    "notexistential": "\u2204", "lessorequalslant": "\u2a7d",
    "greaterorequalslant": "\u2a7e", "trianglesolid": "\u25b2",
    "triangleinvsolid": "\u25bc", "triangleright": "\u22b3", "triangleleft": "\u22b2",
    "complement": "\u2201", "backprime": "\u2035", "mho": "\u2127",
}
_TEX_SIZED = {  # CMEX: delimiters in four sizes, operators in two, accents in three widths
    **{f"{base}{size}": char for base, char in [
        ("parenleft", "("), ("parenright", ")"), ("bracketleft", "["), ("bracketright", "]"),
        ("braceleft", "{"), ("braceright", "}"), ("floorleft", "\u230a"),
        ("floorright", "\u230b"), ("ceilingleft", "\u2308"), ("ceilingright", "\u2309"),
        ("angbracketleft", "\u3008"), ("angbracketright", "\u3009"), ("slash", "/"),
        ("backslash", "\\"), ("radical", "\u221a")]
       for size in ("big", "Big", "bigg", "Bigg")},
    **{f"{base}{size}": char for base, char in [
        ("summation", "\u2211"), ("product", "\u220f"), ("coproduct", "\u2210"),
        ("integral", "\u222b"), ("contintegral", "\u222e"), ("union", "\u22c3"),
        ("intersection", "\u22c2"), ("unionmulti", "\u2a04"), ("unionsq", "\u2a06"),
        ("logicaland", "\u22c0"), ("logicalor", "\u22c1"), ("circledot", "\u2a00"),
        ("circleplus", "\u2a01"), ("circlemultiply", "\u2a02")]
       for size in ("text", "display")},
    **{f"{base}{size}": char for base, char in [("hatwide", "\u0302"), ("tildewide", "\u0303")]
       for size in ("", "r", "st")},
}
TEX_GLYPHS = {**_TEX_BASE, **_TEX_SIZED}
Reading = tuple[dict[str, "int | None"], dict[str, "str | None"]]
"""A font's texts as pdfminer reads them with the one code that has each (None for a text
several codes share; ``code_width`` its advance width), and PDFium's texts translated to
pdfminer's."""
GLYPH_NAMES_CACHED = 4096
"""Glyph names whose text is kept once read (a book's fonts name the same glyphs over)."""


HANGING_FONT = re.compile(r"(?:^|\+)(?:CMEX|LMEX|LMMathExtension|EUEX|txex|pxex|esint)",
                          re.IGNORECASE)
HANGING_EM = 0.75
"""TeX's extension fonts (CMEX and its kin) draw big operators and delimiters hanging below
their origin, centred on the formula's axis: counted this much lower, such a glyph lands on its
formula's row rather than on the line above."""


HEAVY_WEIGHT = 600
"""A font at least this heavy (600 semibold, 700 bold) is bold whatever its name says: URW's
bold Times is ``NimbusRomNo9L-Medi``, Helvetica Neue's ``HelveticaNeue-BdCn``. TeX's bold
fonts stay below it (CMBX10's stems give 570); their names say bold."""
FORCE_BOLD = 1 << 18
"""The font descriptor's ForceBold flag (bit 19): set on bold fonts only."""


_REGULAR_NAME = re.compile(r"[-,](?:regular|roman|book|light|thin|italic|oblique|it(?![a-z]))",
                           re.IGNORECASE)
"""A font name that says its weight is a text weight (``MinionPro-Regular``, ``Foo-Book``), or
names only a slant, the text weight's (``AGaramondPro-Italic``, ``MinionPro-It``,
``Helvetica-Oblique``; a bold italic says so: ``-BoldItalic``)."""


def is_heavy(weight: float, flags: int, name: str = "") -> bool:
    """Whether a font's weight (as PDFium reads it: from the descriptor's stem width) or its
    ForceBold flag says bold. A name that says regular outweighs both, which some producers
    write wrong (InDesign's Minion Pro Regular at StemV 157, its Bold at 145: every line of a
    brochure's body read as bold; Adobe Garamond Pro Italic at StemV 130, so a line of a
    journal's paragraph naming a title in italics was read as a bold line and cut the
    paragraph in three)."""
    return not _REGULAR_NAME.search(name) and (weight >= HEAVY_WEIGHT or bool(flags & FORCE_BOLD))


def descriptor_weight(descriptor: Mapping[str, object]) -> float:
    """A font's weight from its descriptor's /StemV, by PDFium's formula (so both character
    sources judge a font alike)."""
    stem = resolve1(descriptor.get("StemV", 0))
    stem = stem if isinstance(stem, (int, float)) else 0
    return stem * 5 if stem < 140 else stem * 4 + 140


SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
"""A subset font's tag (``BRYBCZ+CMR17``); PDFium names some fonts without it."""


def font_name(font: PDFFont) -> str:
    """The font's name as text (pdfminer keeps some as bytes)."""
    name = font.fontname
    return name.decode("latin-1") if isinstance(name, bytes) else str(name)


class EncodingResourceManager(PDFResourceManager):
    """pdfminer's resource manager with simple fonts' glyph names read as the module says,
    keeping each font's descent by name (``descents``): a glyph box hangs that far below the
    baseline, so the baseline is found again from the box, text rise included. An extension
    font's entry also holds its ``HANGING_EM``, so its glyphs' baselines come out on their
    formula's row. ``heavy`` names the fonts whose descriptor says bold (``is_heavy``)."""

    def __init__(self) -> None:
        super().__init__()
        self._builtin: dict[int, dict[int, str]] = {}  # per program (stream object id)
        self.descents: dict[str, float] = {}
        self.heavy: set[str] = set()
        self._glyph_names: dict[PDFFont, dict[int, str]] = {}  # where fonts.py read them
        self._readings: dict[PDFFont, Reading | None] = {}
        self._shared: dict[PDFFont, frozenset[str]] = {}
        self.truncated: dict[str, set[str]] = {}
        """By font name (no subset tag), the letters a font's ToUnicode map gives ligatures
        (``_mend_ligatures``)."""
        self._truncations = 0  # letters recorded in ``truncated`` so far
        self._named: dict[object, tuple[PDFFont, str, str]] = {}  # by font object id
        self._named_fonts: set[int] = set()  # ids of the fonts kept there
        self._decoded: dict[tuple[str, int, int, int],
                            dict[int, tuple[str, float | None] | None]] = {}

    def get_font(self, objid: object, spec: Mapping[str, object]) -> PDFFont:
        cached = bool(objid) and objid in self._cached_fonts
        font = super().get_font(objid, spec)
        if not cached:
            name = font_name(font)
            hanging = HANGING_EM if HANGING_FONT.search(name) else 0.0
            self.descents.setdefault(name, font.get_descent() + hanging)
            flags = resolve1(font.descriptor.get("Flags", 0))
            if is_heavy(descriptor_weight(font.descriptor),
                        flags if isinstance(flags, int) else 0, name):
                self.heavy.add(name)
            if isinstance(font, PDFType1Font) and font.unicode_map is None:
                self._name_glyphs(font, spec)  # PDFTrueTypeFont is a PDFType1Font too
            elif isinstance(font, PDFSimpleFont) and font.unicode_map is not None:
                self._mend_ligatures(font, spec)
        return font

    def named_font(self, ref: object) -> tuple[PDFFont, str, str]:
        """The font a page's resources name by ``ref`` (a reference to the font's dictionary,
        or the dictionary), its name and that name without a subset tag. A font read by
        reference is pdfminer's one font object of that reference, so it is looked up once
        per document (a book's pages name the same 55 fonts 1,413 times)."""
        objid = ref.objid if isinstance(ref, PDFObjRef) else None
        named = self._named.get(objid) if objid else None
        if named is None:
            font = self.get_font(objid, dict_value(ref))
            tagged = font_name(font)
            named = (font, tagged, SUBSET_TAG.sub("", tagged))
            if objid and self.caching:  # pdfminer keeps the font by the reference
                self._named[objid] = named
                self._named_fonts.add(id(font))
        return named

    def decoded(self, fontname: str, font: PDFFont | None, widths: PDFFont | None
                ) -> dict[int, tuple[str, float | None] | None]:
        """Where a page's decoder keeps what it read of PDFium's font ``fontname`` by code,
        ``font`` being the page's pdfminer font of that name and ``widths`` the font whose
        /Widths it compares: one store for every page that names these fonts by reference
        while ``truncated`` stays as it is, as the reading depends on nothing else (a book
        decoded 16,659 codes page by page, most of them over); a new one otherwise."""
        if not all(f is None or id(f) in self._named_fonts for f in (font, widths)):
            return {}
        return self._decoded.setdefault((fontname, id(font), id(widths), self._truncations), {})

    def reading(self, font: PDFFont | None) -> Reading | None:
        """The texts pdfminer reads from a simple font without ToUnicode (None: no such font)
        with the one code that has it, whose width is the text's (PDFium finds a width by
        Unicode, so it may take another code's: cm-super's ß), and for each text PDFium reads
        from one of its glyph names by the Adobe Glyph List, pdfminer's text of that glyph
        (None where glyphs of different texts share PDFium's text). Worked out once per
        font; the widths only for the texts a page sets (``code_width``): most of a font's
        encoding names glyphs its subset lacks, whose widths pdfminer finds by two failed
        look-ups each."""
        if not isinstance(font, PDFSimpleFont) or font.unicode_map is not None:
            return None
        if font not in self._readings:
            names = self._glyph_names.get(font, {})
            pdfium_texts: dict[str, set[str]] = {}
            for code, text in font.cid2unicode.items():
                name = names.get(code)
                pdfium_text = text if name is None else adobe_glyph_unicode(name)
                if pdfium_text is not None:
                    pdfium_texts.setdefault(pdfium_text, set()).add(text)
            translated = {seen: next(iter(texts)) if len(texts) == 1 else None
                          for seen, texts in pdfium_texts.items()}
            codes: dict[str, list[int]] = {}
            for code, text in font.cid2unicode.items():
                codes.setdefault(text, []).append(code)
            self._readings[font] = ({text: found[0] if len(found) == 1 else None
                                     for text, found in codes.items()}, translated)
        return self._readings[font]

    def shared_texts(self, font: PDFFont | None) -> frozenset[str]:
        """The texts a font's ToUnicode map gives to glyphs of different widths (a face's two
        figure ones, ``1`` at 571 and at 364 units; a simple font's small capital read as its
        lower-case letter, TeX's hyphen and its hyphen character): PDFium finds a width by
        Unicode, so it may take the other glyph's. Worked out once per font."""
        if font is None:
            return frozenset()
        if font not in self._shared:
            mapped = getattr(getattr(font, "unicode_map", None), "cid2unichr", None)
            widths: dict[str, set[float]] = {}
            for cid, text in (mapped.items() if isinstance(mapped, dict) else ()):
                widths.setdefault(text, set()).add(font.char_width(cid))
            self._shared[font] = frozenset(t for t, found in widths.items() if len(found) > 1)
        return self._shared[font]

    def _mend_ligatures(self, font: PDFSimpleFont, spec: Mapping[str, object]) -> None:
        """Read a ligature by its glyph name where the font's ToUnicode map gives it one of its
        letters only (InDesign's ``/fi`` -> ``i``, ``/T_h`` -> ``h``: "classii ed", "h ey"):
        the ``/Differences`` name is the more specific. The letters so given are recorded in
        ``truncated``: PDFium reads such a glyph as that letter, which it cannot tell from the
        letter's own glyph."""
        encoding = resolve1(spec.get("Encoding"))
        if not isinstance(encoding, dict) or font.unicode_map is None:
            return
        mapped = font.unicode_map.cid2unichr
        untagged = SUBSET_TAG.sub("", font_name(font))
        for code, name in _differences(resolve1(encoding.get("Differences"))).items():
            named = glyph_unicode(name)
            letters = unicodedata.normalize("NFKC", named) if named else ""
            given = mapped.get(code)
            if (len(letters) > 1 and letters.isalpha() and given is not None
                    and len(given) == 1 and given in letters):
                mapped[code] = letters
                self.truncated.setdefault(untagged, set()).add(given)
                self._truncations += 1

    def _name_glyphs(self, font: PDFType1Font, spec: Mapping[str, object]) -> None:
        encoding = resolve1(spec.get("Encoding"))
        names: dict[int, str] = {}
        if encoding is None or isinstance(encoding, dict) and "BaseEncoding" not in encoding:
            names.update(self._builtin_encoding(dict_value(spec.get("FontDescriptor", {}))))
        if isinstance(encoding, dict):
            names.update(_differences(resolve1(encoding.get("Differences"))))
        if not names:
            return
        self._glyph_names[font] = names
        cid2unicode = {code: text for code, text in font.cid2unicode.items() if code not in names}
        for code, name in names.items():
            text = glyph_unicode(name)
            if text is not None:
                cid2unicode[code] = text
        font.cid2unicode = cid2unicode  # a new dict: pdfminer shares its encoding tables

    def _builtin_encoding(self, descriptor: Mapping[str, object]) -> dict[int, str]:
        """The embedded program's code -> glyph name table, read once per program."""
        for key, read in (("FontFile3", _cff_program), ("FontFile", _type1_program)):  # noqa: B007
            program = resolve1(descriptor.get(key))
            if isinstance(program, PDFStream):
                break
        else:
            return {}
        if program.objid in self._builtin:
            return self._builtin[program.objid]
        try:
            names = read(program)
        except (IndexError, KeyError, ValueError, struct.error, PSException):  # damaged
            names = {}
        if program.objid is not None:
            self._builtin[program.objid] = names
        return names


def code_width(font: PDFFont | None, code: int | None) -> float | None:
    """The advance width of ``code`` (a ``Reading``'s) per unit of size, as pdfminer finds
    it in ``font``; None for None."""
    return None if code is None or font is None else font.char_width(code)


@lru_cache(maxsize=GLYPH_NAMES_CACHED)
def glyph_unicode(name: str) -> str | None:
    """The Unicode text of a glyph name (Adobe Glyph List, ``uniXXXX``, TeX names), or None."""
    if name in TEX_GLYPHS:
        return TEX_GLYPHS[name]
    return adobe_glyph_unicode(name)


@lru_cache(maxsize=GLYPH_NAMES_CACHED)
def adobe_glyph_unicode(name: str) -> str | None:
    """The text of a glyph name by the Adobe Glyph List alone (and ``uniXXXX``), as PDFium
    reads it; None for a name the list lacks."""
    try:
        return name2unicode(name)
    except (KeyError, ValueError):
        return None


def _differences(differences: object) -> dict[int, str]:
    """A ``/Differences`` array as code -> glyph name."""
    names: dict[int, str] = {}
    code = 0
    for item in differences if isinstance(differences, list) else []:
        if isinstance(item, int):
            code = item
        elif isinstance(item, PSLiteral):
            names[code] = literal_name(item)
            code += 1
    return names


def _cff_program(program: PDFStream) -> dict[int, str]:
    if literal_name(program.get("Subtype")) != "Type1C":  # OpenType and CID programs: no table
        return {}
    return cff_encoding(program.get_data())


def _type1_program(program: PDFStream) -> dict[int, str]:
    """The ``dup CODE /name put`` entries of a Type 1 program's clear-text part."""
    header = program.get_data()[:int_value(program["Length1"])]
    entries = type1_entries(header)
    if entries is not None:
        return {int(code): name for code, name in entries}
    parser = Type1FontHeaderParser(io.BytesIO(header))
    names: dict[int, str] = {}
    while True:
        try:
            code, name = parser.nextobject()  # the parser yields only (int, name) pairs
        except PSEOF:
            return names
        names[int(code)] = str(name)


_T1_TOKEN = rb"""
    (?P<space>[ \t\n\r\x0b\x0c\x00]+) | (?P<comment>%[^\r\n]*)
  | /(?P<literal>[^#/%\[\]()<>{}\s]*) | (?P<number>[-+0-9][0-9]*(?:\.[0-9]*)?|\.[0-9]*)
  | (?P<keyword>[A-Za-z][^#/%\[\]()<>{}\s]*) | (?P<string>\() | (?P<open><<|[\[{])
  | <[0-9A-Fa-f \t\n\r\x0b\x0c]* | (?P<close>>>|[\]}]) | (?P<other>.)
"""
"""One token of a Type 1 program's clear text as pdfminer's ``PSBaseParser`` splits it: white
space (NUL too), a comment, a literal name, a number, a keyword, a string's opening, an
array's, procedure's or dictionary's opening or closing, a hex string (up to the character
that ends it, which the parser reads next), or any other character (a one-character keyword
to pdfminer, or a lone ``>``, which it drops)."""


@cache
def _t1_token() -> re.Pattern[bytes]:
    """``_T1_TOKEN`` compiled, once a process reads a Type 1 program (not at import)."""
    return re.compile(_T1_TOKEN, re.VERBOSE | re.DOTALL)


_T1_STRING_END = re.compile(rb"[()\\]")
_T1_OCTAL = re.compile(rb"[0-7]{1,3}")
_T1_CLOSES = {b"]": b"[", b"}": b"{", b">>": b"<<"}
_T1_OPAQUE = object()
"""A value on the stack that is no number and no name (a string, an array...)."""


def type1_entries(header: bytes) -> list[tuple[int, str]] | None:
    """The (code, glyph name) pairs pdfminer's ``Type1FontHeaderParser`` yields from a Type 1
    program's clear text, in its order, read in one pass of one regular expression a token
    where the parser makes several Python calls a character (6 of latex-multicolumn's 29 ms,
    twice: once by pdfminer building the font, once by ``_type1_program``): every ``put``
    takes the two values last pushed in its array, procedure or dictionary, and makes a pair
    when they are a number (an integer or a boolean) and a name. None where the parser might
    read otherwise, left to it: a name with a ``#`` escape or bytes past UTF-8, a string never
    closed or with an octal escape past 255, a ``put`` with fewer than two values, a
    dictionary of an odd length."""
    match = _t1_token().match
    entries: list[tuple[int, str]] = []
    stack: list[object] = []
    contexts: list[tuple[bytes, list[object]]] = []
    kind = b""
    at, end = 0, len(header)
    while at < end:
        token = match(header, at)
        assert token is not None  # ``other`` matches any character
        group, text, at = token.lastgroup, token.group(), token.end()
        if group == "space" or group == "comment" or group == "other":
            continue
        if group == "literal":
            if header[at:at + 1] == b"#":
                return None
            try:
                stack.append(LIT(text[1:].decode("utf-8")))
            except UnicodeDecodeError:
                return None
        elif group == "number":
            try:
                stack.append(float(text) if b"." in text else int(text))
            except ValueError:  # a sign or a point alone: no token
                pass
        elif group == "keyword":
            if text == b"put":
                if len(stack) < 2:
                    return None
                key, value = stack[-2:]
                del stack[-2:]
                if isinstance(key, int) and isinstance(value, PSLiteral):
                    entries.append((key, literal_name(value)))
            elif text == b"true" or text == b"false":
                stack.append(text == b"true")
        elif group == "string":
            depth = 1
            while depth:
                found = _T1_STRING_END.search(header, at)
                if found is None:
                    return None
                at = found.end()
                if found.group() == b"\\":  # the next character is escaped
                    code = _T1_OCTAL.match(header, at)
                    if code is not None and int(code.group(), 8) > 255:
                        return None  # pdfminer's parser fails an assertion
                    at += 1
                else:
                    depth += 1 if found.group() == b"(" else -1
            stack.append(_T1_OPAQUE)
        elif group == "open":
            contexts.append((kind, stack))
            kind, stack = text, []
        elif group == "close":
            if kind != _T1_CLOSES[text]:
                continue  # pdfminer drops a closing that does not match
            if text == b">>" and len(stack) % 2:
                return None
            kind, stack = contexts.pop()
            stack.append(_T1_OPAQUE)
        else:  # a hex string
            stack.append(_T1_OPAQUE)
    return entries


class _Type1HeaderParser(Type1FontHeaderParser):
    """pdfminer's parser of a Type 1 program's encoding (``PDFType1Font`` reads a font without
    /Encoding by it), reading it by ``type1_entries`` where that reads as it does."""

    def get_encoding(self) -> dict[int, str]:
        data = self.fp.getvalue() if isinstance(self.fp, io.BytesIO) else None
        entries = None if data is None else type1_entries(data)
        if entries is None:
            return super().get_encoding()
        for code, name in entries:
            try:
                self._cid2unicode[code] = name2unicode(name)
            except KeyError:
                pass  # as pdfminer: no text for a name it does not know
        return self._cid2unicode


pdffont.Type1FontHeaderParser = _Type1HeaderParser  # type: ignore[misc]


def cff_encoding(data: bytes) -> dict[int, str]:
    """The code -> glyph name table of a CFF font program's first font (Adobe TN 5176): its
    Encoding and charset read together. Empty for a CID-keyed program or the Expert encoding."""
    _names, pos = _index(data, data[2])
    top_dicts, pos = _index(data, pos)
    strings, _pos = _index(data, pos)
    top = _dict(top_dicts[0])
    if _CID_KEYED in top:
        return {}
    glyphs = _u16(data, int(top[17][0]))
    glyph_names = _charset(data, int(top.get(15, [0])[0]), glyphs, strings)
    offset = int(top.get(16, [0])[0])
    if offset == 0:  # StandardEncoding, for the glyphs the program has
        present = set(glyph_names)
        return {code: name for code, name in _STANDARD_ENCODING.items() if name in present}
    if offset == 1:  # ExpertEncoding: old-style figures and small capitals, no text of its own
        return {}
    fmt = data[offset]
    codes: dict[int, str] = {}
    if fmt & 0x7F == 0:
        count = data[offset + 1]
        for gid, code in enumerate(data[offset + 2:offset + 2 + count], start=1):
            codes[code] = glyph_names[gid]
        pos = offset + 2 + count
    elif fmt & 0x7F == 1:
        ranges, gid = data[offset + 1], 1
        for i in range(ranges):
            first, left = data[offset + 2 + 2 * i], data[offset + 3 + 2 * i]
            for code in range(first, first + left + 1):
                codes[code] = glyph_names[gid]
                gid += 1
        pos = offset + 2 + 2 * ranges
    else:
        raise ValueError(f"unknown CFF encoding format {fmt}")
    if fmt & 0x80:  # supplements: more codes for glyphs already encoded
        for i in range(data[pos]):
            code, sid = data[pos + 1 + 3 * i], _u16(data, pos + 2 + 3 * i)
            codes[code] = _string(sid, strings)
    return {code: name for code, name in codes.items() if name != ".notdef"}


def _charset(data: bytes, offset: int, glyphs: int, strings: list[bytes]) -> list[str]:
    """Glyph names by glyph id."""
    if offset == 0:  # ISOAdobe: string ids 0..228 in order
        return [_STANDARD_STRINGS[gid] for gid in range(min(glyphs, 229))]
    if offset in (1, 2):  # Expert and ExpertSubset charsets: no names a text needs
        return [".notdef"] * glyphs
    sids = [0]
    fmt, pos = data[offset], offset + 1
    if fmt == 0:
        sids += [_u16(data, pos + 2 * i) for i in range(glyphs - 1)]
    elif fmt in (1, 2):
        while len(sids) < glyphs:
            first = _u16(data, pos)
            left = data[pos + 2] if fmt == 1 else _u16(data, pos + 2)
            sids.extend(range(first, first + left + 1))
            pos += 3 if fmt == 1 else 4
    else:
        raise ValueError(f"unknown CFF charset format {fmt}")
    return [_string(sid, strings) for sid in sids[:glyphs]]


def _string(sid: int, strings: list[bytes]) -> str:
    if sid < len(_STANDARD_STRINGS):
        return _STANDARD_STRINGS[sid]
    return strings[sid - len(_STANDARD_STRINGS)].decode("latin-1")


def _u16(data: bytes, pos: int) -> int:
    return (data[pos] << 8) | data[pos + 1]


def _index(data: bytes, pos: int) -> tuple[list[bytes], int]:
    """A CFF INDEX at ``pos``: its items and the position after it."""
    count = _u16(data, pos)
    if count == 0:
        return [], pos + 2
    size = data[pos + 2]
    offsets = [int.from_bytes(data[pos + 3 + i * size:pos + 3 + (i + 1) * size], "big")
               for i in range(count + 1)]
    base = pos + 2 + (count + 1) * size  # offsets count from 1
    return [data[base + offsets[i]:base + offsets[i + 1]] for i in range(count)], \
        base + offsets[-1]


def _dict(data: bytes) -> dict[int, list[float]]:
    """A CFF DICT: operator (``12 x`` as 1200 + x) -> operands."""
    found: dict[int, list[float]] = {}
    operands: list[float] = []
    i = 0
    while i < len(data):
        b0 = data[i]
        if b0 <= 21:
            op = 1200 + data[i + 1] if b0 == 12 else b0
            i += 2 if b0 == 12 else 1
            found[op], operands = operands, []
        elif b0 == 28:
            operands.append(struct.unpack_from(">h", data, i + 1)[0])
            i += 3
        elif b0 == 29:
            operands.append(struct.unpack_from(">i", data, i + 1)[0])
            i += 5
        elif b0 == 30:  # a real: nibbles up to an 0xF; no offset is one, so its value is unused
            i += 1
            while data[i] & 0x0F != 0x0F and data[i] >> 4 != 0x0F:
                i += 1
            operands.append(0.0)
            i += 1
        elif 32 <= b0 <= 246:
            operands.append(b0 - 139)
            i += 1
        elif 247 <= b0 <= 250:
            operands.append((b0 - 247) * 256 + data[i + 1] + 108)
            i += 2
        elif 251 <= b0 <= 254:
            operands.append(-(b0 - 251) * 256 - data[i + 1] - 108)
            i += 2
        else:
            raise ValueError(f"reserved CFF DICT byte {b0}")
    return found
