"""Line numbers in a page's margin: a manuscript numbered line by line (lineno, as the AAS
Journals' and many review and preprint styles set it). The numbers' characters are taken out
before the rows are built, so no number is read into the line it counts (``E 29 which
itself``) or stands as a paragraph of its own.

A column of numbers counts a page's lines when at least ``MIN_NUMBERS`` of them, their right
edges (left margin) or left edges (right margin) flush, count up by one from top to bottom, are
set smaller than the text beside them, and stand apart from every other character of the page
by a margin. A form numbers its lines at its labels' size (the numbers name the lines); a
code listing's numbers stand inside the text's measure, where other lines begin.
"""

from __future__ import annotations

from statistics import median

from pipeline.extract.pdf.chars import BASELINE, BOTTOM, SIZE, TEXT, TOP, UPRIGHT, X0, X1, Char
from pipeline.extract.pdf.geometry import Box

MIN_NUMBERS = 5
"""A column of fewer numbers may be anything: a short list's, a listing's."""
FLUSH_PT = 1.0
"""Numbers whose aligned edges are this close stand in one column."""
COUNT_SHARE = 0.8
"""This share of the steps down the column add exactly one (a display or a figure may skip a
number or two; no step goes down)."""
SMALLER = 0.85
"""The numbers are set at most this share of the size of the text at their height."""
MARGIN_EM = 1.0
"""The column stands at least this many of the text's ems clear of it."""
WORD_GAP_EM = 0.25
"""Characters closer than this (em) on a baseline are one word."""
ROW_PT = 0.5
"""Characters whose baselines differ by less than this share a row."""


def without_line_numbers(chars: list[Char]) -> tuple[list[Char], list[tuple[str, Box, str]]]:
    """``chars`` less the margin line numbers' characters, and the numbers found."""
    found = _columns(chars)
    if not found:
        return chars, []
    taken = {id(c) for *_, word in found for c in word}
    return ([c for c in chars if id(c) not in taken],
            [(text, box, evidence) for text, box, evidence, _ in found])


def _columns(chars: list[Char]) -> list[tuple[str, Box, str, list[Char]]]:
    digits = [c for c in chars if c[UPRIGHT] and c[TEXT].isdigit()]
    if not (_aligned(digits, X1) or _aligned(digits, X0)):
        return []  # most pages: the words below are not worth building
    upright = [c for c in chars if c[UPRIGHT] and c[TEXT].strip()]
    if not _clear_of_the_text(digits, upright):
        return []  # the pages with digits flush in their text (a table, equation numbers)
    numbers = [word for word in _words(upright)
               if len(word) <= 4 and all(c[TEXT].isdigit() for c in word)]
    if len(numbers) < MIN_NUMBERS:
        return []
    found: list[tuple[str, Box, str, list[Char]]] = []
    taken: set[int] = set()
    for side, edge in (("left", X1), ("right", X0)):
        for column in _flush(numbers, edge):
            if id(column[0]) in taken or not _counts(column):
                continue
            evidence = _apart(column, upright, side)
            if evidence:
                taken.update(id(word) for word in column)
                found.extend(("".join(c[TEXT] for c in word), _box(word), evidence, word)
                             for word in column)
    return found


def _aligned(digits: list[Char], edge: int) -> bool:
    """Whether ``MIN_NUMBERS`` of ``digits`` have their ``edge`` within ``FLUSH_PT``: what a
    column of numbers flush on that edge holds (``_flush``: each number's last digit for X1,
    its first for X0), so that a page without it has none. A NaN edge has no order: then the
    search decides."""
    edges = sorted(c[X1] if edge == X1 else c[X0] for c in digits)
    if any(e != e for e in edges):
        return True
    return any(b - a <= FLUSH_PT for a, b in zip(edges, edges[MIN_NUMBERS - 1:]))


def _clear_of_the_text(digits: list[Char], upright: list[Char]) -> bool:
    """Whether ``MIN_NUMBERS`` of ``digits`` flush on one edge stand left of every character
    of ``upright`` but digits, or right of every one: a column ``_apart`` takes does, standing
    clear of all the page's other characters (most pages whose digits pass ``_aligned`` align
    them in a table or a list inside the text). A NaN edge or size, or a negative size, may
    pass ``_apart`` however the characters stand: then the search decides."""
    if not all(c[X0] == c[X0] and c[X1] == c[X1] and c[SIZE] >= 0 for c in upright):
        return True
    text = [c for c in upright if not c[TEXT].isdigit()]
    left = min((c[X0] for c in text), default=float("inf"))
    right = max((c[X1] for c in text), default=float("-inf"))
    return (_aligned([c for c in digits if c[X1] <= left], X1)
            or _aligned([c for c in digits if c[X0] >= right], X0))


def _words(chars: list[Char]) -> list[list[Char]]:
    """The characters as words: rows by baseline, split at gaps and changes of size."""
    words: list[list[Char]] = []
    ordered = sorted(chars, key=lambda c: (c[BASELINE], c[X0]))
    rows: list[list[Char]] = []
    for c in ordered:
        if rows and abs(c[BASELINE] - rows[-1][0][BASELINE]) < ROW_PT:
            rows[-1].append(c)
        else:
            rows.append([c])
    for row in rows:
        row.sort(key=lambda c: c[X0])
        word = [row[0]]
        for c in row[1:]:
            previous = word[-1]
            if (c[X0] - previous[X1] > WORD_GAP_EM * previous[SIZE]
                    or abs(c[SIZE] - previous[SIZE]) > 0.1):
                words.append(word)
                word = [c]
            else:
                word.append(c)
        words.append(word)
    return words


def _flush(numbers: list[list[Char]], edge: int) -> list[list[list[Char]]]:
    """The numbers in columns by their ``edge`` (X1: right-aligned; X0: left-aligned)."""
    def key(word: list[Char]) -> float:
        return word[-1][X1] if edge == X1 else word[0][X0]

    columns: list[list[list[Char]]] = []
    for word in sorted(numbers, key=key):
        if columns and key(word) - key(columns[-1][0]) <= FLUSH_PT:
            columns[-1].append(word)
        else:
            columns.append([word])
    return [sorted(column, key=lambda w: w[0][TOP]) for column in columns
            if len(column) >= MIN_NUMBERS]


def _counts(column: list[list[Char]]) -> bool:
    values = [int("".join(c[TEXT] for c in word)) for word in column]
    steps = [b - a for a, b in zip(values, values[1:])]
    return all(step > 0 for step in steps) and (
        sum(step == 1 for step in steps) >= COUNT_SHARE * len(steps))


def _apart(column: list[list[Char]], chars: list[Char], side: str) -> str:
    """Why the column is a margin's line numbers, or ``""``: set smaller than the text at its
    height and clear of all the page's text."""
    ids = {id(c) for word in column for c in word}
    top = min(word[0][TOP] for word in column)
    bottom = max(max(c[BOTTOM] for c in word) for word in column)
    beside = [c for c in chars if id(c) not in ids and top <= c[BASELINE] <= bottom]
    others = [c for c in chars if id(c) not in ids]
    if not beside:
        return ""
    size = median(c[SIZE] for c in beside)
    if median(word[0][SIZE] for word in column) > SMALLER * size:
        return ""
    # clear of the page's text, not only of the lines beside it: a code listing's numbers
    # stand in the margin of the listing, inside the text's measure
    if side == "left":
        clear = min(c[X0] for c in others) - max(word[-1][X1] for word in column)
    else:
        clear = min(word[0][X0] for word in column) - max(c[X1] for c in others)
    if clear < MARGIN_EM * size:
        return ""
    first, last = ("".join(c[TEXT] for c in column[i]) for i in (0, -1))
    return (f"{side} margin: {len(column)} numbers counting up by one ({first}-{last}), set "
            "smaller than the text beside them and clear of the page's text")


def _box(word: list[Char]) -> Box:
    return (min(c[X0] for c in word), min(c[TOP] for c in word),
            max(c[X1] for c in word), max(c[BOTTOM] for c in word))
