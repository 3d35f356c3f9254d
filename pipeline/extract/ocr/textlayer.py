"""Whether a PDF page's own text layer is worth keeping: the page as read (``PageData``) in, a
verdict with the evidence out.

A page is OCR'd when it is a scan with no text, or when its text layer is junk: many glyphs without
Unicode (``(cid:N)``), text placed outside the page, or words that are no words (an old OCR
layer glues words together and misreads letters). Words are checked against wordfreq's
lexicons for the languages the archive mostly holds; only Latin-script words are judged, so a
Korean or Chinese text layer is never called junk for its words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.extract.pdf.lines import Line
from pipeline.extract.pdf.pages import PageData

MIN_CHARS = 10
"""A page with fewer characters than this has no text layer to speak of."""
MAX_BAD_SHARE = 0.3
"""Share of glyphs without Unicode above which the layer is junk."""
MAX_OUTSIDE_SHARE = 0.3
"""Share of characters outside the page box above which the layer is junk."""
MAX_NONWORD_SHARE = 0.45
"""Share of sampled words unknown to every lexicon above which the layer is junk: proper
names, terms and numbers keep real prose well below a third."""
MAX_GLUED_SHARE = 0.15
"""Share of sampled words that are runs of several words glued together."""
GLUED_LETTERS = 18
"""An unknown word this long is taken for words glued together."""
SAMPLE_WORDS = 40
"""Words checked per page, spread over it (the lexicon look-up costs most)."""
MIN_LETTERS = 60
"""Latin-script words with fewer letters in all give no verdict on words."""
SCAN_AREA = 0.5
"""An image covering this share of a page is a scan of it."""
LANGUAGES = ("en", "de", "fr", "es")
"""Lexicons tried in turn; the next is loaded (about a second each) only while the words
still look unknown."""
_WORD = re.compile(r"^[^\W\d_]+$")
_LATIN = re.compile(r"^[A-Za-z\u00c0-\u024f]+$")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")


@dataclass(frozen=True, slots=True)
class Verdict:
    ocr: bool
    reason: str
    """``no-text``, ``unmapped-glyphs``, ``outside-page``, ``non-words``, ``glued-words`` or
    ``usable``."""
    evidence: str


def judge(page: PageData) -> Verdict:
    """The verdict on one page's text layer, from its lines.

    Words are judged only on a page that carries a scan (an image over ``SCAN_AREA`` of it): a
    born-digital page of names, code or formulas is full of unknown words and is no junk."""
    glyphs = page.glyphs + sum(len(t.lines[0].text) for t in page.tables)
    scanned = _scanned(page)
    if glyphs < MIN_CHARS:
        return Verdict(scanned, "no-text", f"{glyphs} characters"
                       + (", a scan covers the page" if scanned else ", no scan on the page"))
    if page.bad_glyphs > MAX_BAD_SHARE * page.glyphs:
        return Verdict(True, "unmapped-glyphs",
                       f"{page.bad_glyphs} of {page.glyphs} glyphs have no Unicode")
    outside = sum(line.chars for line in page.lines if not _on_page(line, page))
    if outside > MAX_OUTSIDE_SHARE * page.glyphs:
        return Verdict(True, "outside-page",
                       f"{outside} of {page.glyphs} characters lie outside the page")
    if not scanned:
        return Verdict(False, "usable", "born-digital page (no scan under the text)")
    return _words_verdict([line.text for line in page.lines])


def _scanned(page: PageData) -> bool:
    area = page.width * page.height
    return any((x1 - x0) * (bottom - top) >= SCAN_AREA * area
               for x0, top, x1, bottom in page.images)


def _words_verdict(texts: Sequence[str]) -> Verdict:
    words = [w for w in (_EDGE.sub("", t) for text in texts for t in text.split())
             if _WORD.match(w) and _LATIN.match(w) and len(w) >= 3]
    if sum(len(w) for w in words) < MIN_LETTERS:
        return Verdict(False, "usable", f"{len(words)} Latin-script words: too few to judge")
    step = max(1, len(words) // SAMPLE_WORDS)
    sample = words[::step][:SAMPLE_WORDS]
    unknown = [w for w in sample if not _known(w.lower(), LANGUAGES[0])]
    for language in LANGUAGES[1:]:  # an English page never loads the other lexicons
        if len(unknown) <= MAX_NONWORD_SHARE * len(sample):
            break
        unknown = [w for w in unknown if not _known(w.lower(), language)]
    glued = [w for w in unknown if len(w) >= GLUED_LETTERS]
    evidence = (f"{len(unknown)} of {len(sample)} sampled words unknown, {len(glued)} glued"
                + (f" (e.g. {', '.join(unknown[:3])})" if unknown else ""))
    if len(glued) > MAX_GLUED_SHARE * len(sample):
        return Verdict(True, "glued-words", evidence)
    if len(unknown) > MAX_NONWORD_SHARE * len(sample):
        return Verdict(True, "non-words", evidence)
    return Verdict(False, "usable", evidence)


def _known(word: str, language: str) -> bool:
    """Whether wordfreq lists the word, looked up in the compact tables (lexicon.py), where
    wordfreq's own dict of a language costs its import and a second of CPU to build."""
    from pipeline.textutil.lexicon import listed  # imported at first use, like hyphenation's

    return listed(word, language)


def _on_page(line: Line, page: PageData) -> bool:
    x, y = (line.x0 + line.x1) / 2, (line.top + line.bottom) / 2
    return -1 <= x <= page.width + 1 and -1 <= y <= page.height + 1
