"""Footnote markers in running text: which numbers are note references and which are not.

In: the source text, a note label, and a window of the source to search. Out: the best marker
for that label, or ``None``. A marker is a number glued to the text it annotates
(``Response.2``, ``people).3``, ``Report25``) or, in some exports, set off by one space after
the end of a sentence (``Korea. 51``). Numbers in text (years, counts, ``Case 1``) are told
apart by *sequence evidence*: notes are numbered 1..N in reading order and each marker lies
between the previous marker and its own note, so only the expected label is searched, only in
that window, and glued forms are preferred to ambiguous ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CLOSERS = ".,;:)]”\"’'!?…"
"""Characters a marker may be glued to besides letters: sentence and clause ends, quotes."""
_FOLLOWERS = "—–-,;:)"
"""Characters that may directly follow a marker besides whitespace (``cases59—are``)."""
TIER_EVIDENCE = ("glued to a word or closing punctuation",
                 "glued after a number's point or comma (could be a decimal)",
                 "one space after a sentence end")


@dataclass(frozen=True, slots=True)
class Marker:
    """A note reference in the source: ``source[start:end] == label``."""

    label: str
    start: int
    end: int
    tier: int
    """0 = glued to a word or punctuation, 1 = after ``digit.`` (decimal-like), 2 = spaced."""

    @property
    def evidence(self) -> str:
        return TIER_EVIDENCE[self.tier]


def find_marker(source: str, label: str, start: int, end: int,
                skip: tuple[tuple[int, int], ...] = ()) -> Marker | None:
    """The best marker for ``label`` in ``source[start:end]`` outside the ``skip`` spans.

    The lowest tier wins; within a tier the earliest occurrence, since markers run in order.
    """
    best: Marker | None = None
    pattern = re.compile(rf"(?<!\d){re.escape(label)}(?!\d)")
    for match in pattern.finditer(source, start, end):
        if any(a <= match.start() < b for a, b in skip):
            continue
        tier = marker_tier(source, match.start(), match.end())
        if tier is not None and (best is None or tier < best.tier):
            best = Marker(label, match.start(), match.end(), tier)
            if tier == 0:
                break
    return best


def marker_tier(source: str, start: int, end: int) -> int | None:
    """How much a number at ``source[start:end]`` looks like a note marker (None: not at all)."""
    after = source[end:end + 1]
    if after and not after.isspace() and after not in _FOLLOWERS:
        return None
    before = source[start - 1:start] if start else ""
    before2 = source[start - 2:start - 1] if start > 1 else ""
    if before.isalpha():
        return 0
    if before and before in _CLOSERS:
        return 1 if before in ".," and before2.isdigit() else 0
    if before == " " and before2 and before2 in _CLOSERS:
        return 2
    return None
