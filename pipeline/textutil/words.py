"""Marks and word lists the extractors of every kind read text by.

``BULLETS`` are the glyphs that open a list item in print; ``BULLET`` matches one at the start
of a line with the spaces after it. ``MINOR_WORDS`` stay lower case inside a title-cased
heading; ``STOP_WORDS``, the most common words of each language, tell which one a text is in.
"""

from __future__ import annotations

import re

BULLETS = "•◦▪▫●○■□►▶‣⁃∙·❖➢➤✓✔❑◆◇"
BULLET = re.compile(rf"^\s*[{BULLETS}]\s*")
LIST_MARK = re.compile(rf"^\s*(?:[{BULLETS}]\s*|[–—-]\s+|\(?(?:\d{{1,2}}|[a-z])[.)]\s+)")
"""What makes a PDF block a list item: a bullet, a dash and a space, or an enumerator and a
space (``1.``, ``(b)``)."""
NEW_ITEM = re.compile(rf"^\s*(?:[{BULLETS}–—-]\s|\(?(?:\d{{1,2}}|[a-z]|[ivx]{{1,4}})[.)]\s)")
"""What makes a line of a PDF block start a new paragraph: as ``LIST_MARK``, and roman
enumerators (``iv)``), but only with a space after a bullet. (Classifying by this one too
makes ``(iii)`` items list items: a change of output left for its own test.)"""

STOP_WORDS = {"en": frozenset({"the", "and", "of", "to", "in", "is", "that", "for"}),
              "de": frozenset({"der", "die", "und", "das", "ist", "nicht", "mit", "von"}),
              "fr": frozenset({"le", "la", "les", "et", "des", "est", "une", "pour"}),
              "es": frozenset({"el", "la", "los", "y", "que", "por", "una", "para"}),
              "it": frozenset({"di", "che", "della", "dei", "per", "sono", "gli", "nel"}),
              "pt": frozenset({"não", "uma", "com", "em", "ao", "os", "pelo", "são"})}
"""Language code to stop words; the first language wins a tie. Each set holds words the other
languages do not use (Italian ``di``, ``che``; Portuguese ``não``, ``em``), since the words
they share (``la``, ``de``) count for every language that lists them: Italian and Portuguese
were read as French or Spanish, and their line-end hyphens decided by that lexicon."""

MINOR_WORDS = frozenset(
    "a an and as at but by for from in into is it its of on or over the their them these this "
    "those to with without some are be not than that via".split())
