"""PDF columns within rows: where a row of characters splits into line segments.

A row splits at any gap wider than ``SEGMENT_GAP_EM``, and at a narrower gap that lines up with
gaps in many other rows (a column gutter: TeX's is one em). A list of short labels with their
texts beside them (a symbol list, a form's line numbers) is joined back row by row, so the
labels do not make a column of their own; so is a justified line that a stretched quad split
(``join_spaced_lines``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Collection, Sequence

from pipeline.extract.pdf.chars import (
    BASELINE,
    BY_SIZE,
    BY_X0,
    SIZE,
    TEXT,
    TOP,
    X0,
    X1,
    Char,
    mode_of_sizes,
    mode_size,
)

SEGMENT_GAP_EM = 1.5
"""A gap wider than this (em) always splits a row into segments: justified spaces stay far
below it, table cells and most column gutters are wider."""
CANDIDATE_GAP_EM = 0.45
"""A narrower gap wider than this (em) splits a row when it lines up with gaps in other rows:
TeX's two-column gutter is only 10 pt (one em)."""
COLUMN_MIN_EM = 4.0
"""Text (em) a gap needs on both sides to start a column gutter: columns hold words, not the
dot leaders, section numbers and page numbers of a table of contents."""
LETTER_GAP_EM = 0.15
"""A gap narrower than this (em) is letter spacing, not a word space..."""
WIDE_SPACE_GUTTER = 2.0
"""...and where the page's typical word space is itself as wide as ``CANDIDATE_GAP_EM`` (a
typewriter's, an OCR layer's word boxes) a narrow gutter must be this many word spaces wide,
and a gap that always splits ``WIDE_SPACE_SEGMENT`` of them: monospaced words line up from
row to row, and two spaces end a sentence."""
WIDE_SPACE_SEGMENT = 2.5
TYPED_PAD_CELLS = 4.2
"""In a row set in one monospaced font, a gap its own space characters fill, at most this many
character cells wide, is a word space padded to justify the line (a typewriter's two spaces
after a sentence, one or two more to fill the measure)..."""
TYPED_COLUMN_CELLS = 2.0
"""...unless a row next to it has a gap at least this many cells wide that ends where it ends:
then the words after it start a column (a code listing's, a text-mode table's)."""
MONOSPACE_MIN_CHARS = 8
"""Characters a row needs, all of one advance, to count as set in a monospaced font."""
GUTTER_ROWS = 6
"""Rows that must have a gap at the same x for a narrow gap to count as a column gutter."""
ALIGN_TOLERANCE = 1.0
"""Points: gaps line up when the text left of them ends, or right of them starts, this close
(a column's edges are straight; a river of stretched spaces wanders)."""
EDGE_GAP_ROWS = 2
"""...or in at least this many rows, the rest made up by rows of the next column alone that
start at the gap's right edge, when the text left of the gap is a line of prose, at least
``PROSE_EM`` long (a list's short labels, a form's, are no column)."""
PROSE_EM = 8.0
GUTTER_SEARCH_ROWS = 40
"""How many rows up and down to look for the gaps that line up with one."""
LABEL_ROWS = 6
"""Rows up and down searched for other labels at the same two edges."""
LABELLED_SHARE = 2 / 3
"""Share of the nearby rows with text at the texts' edge that must have a label beside it."""
LABEL_SHARE = 0.6
"""Labels take at most this share of the way to their texts' edge (prose lines fill theirs)..."""
SPACED_GAP_EM = 2.5
"""Widest gap (em) of a justified line's stretched space between two formulas."""
LIST_GAP_LINES = 2.0
"""Ems from a list's row within which a row of a label run into its text is one of it."""
LABEL_PITCH_EM = 12.0
"""...and their texts start within this many em of them: the columns of an index or of a
page are further apart."""


def row_inks(rows: list[list[Char]]) -> list[list[Char]]:
    """Each row sorted by x in place, and its characters other than spaces: what
    ``word_space``, ``row_gutters`` and ``padded_word_spaces`` measure, listed once for the
    three."""
    inks = []
    for row in rows:
        row.sort(key=BY_X0)
        inks.append([c for c in row if not c[TEXT].isspace()])
    return inks


def word_space(rows: list[list[Char]], inks: list[list[Char]] | None = None) -> float:
    """The page's typical word space in ems: the median of the gaps between a letter or digit
    and the next, wider than letter spacing and narrower than ``SEGMENT_GAP_EM`` (0 without
    any): a table of contents' dot leaders and the gaps before its page numbers are no word
    spaces. ``inks``: ``row_inks(rows)``, when the caller has it."""
    gaps: list[float] = []
    for ink in row_inks(rows) if inks is None else inks:
        # the gap first: most pairs are letters of one word, closer than a word space
        gaps += [gap for p, c in zip(ink, ink[1:])
                 if c[SIZE] > 0 and LETTER_GAP_EM < (gap := (c[X0] - p[X1]) / c[SIZE])
                 < SEGMENT_GAP_EM and p[TEXT].isalnum() and c[TEXT].isalnum()]
    gaps.sort()
    return gaps[len(gaps) // 2] if gaps else 0.0


def segment_gap(space: float) -> float:
    """Ems of a gap that always splits a row, on a page whose word space is ``space`` ems."""
    return max(SEGMENT_GAP_EM, WIDE_SPACE_SEGMENT * space)


def row_gutters(rows: list[list[Char]], space: float = 0.0,
                inks: list[list[Char]] | None = None) -> set[tuple[int, float]]:
    """``(row index, gap x0)`` of the narrow gaps that are column gutters.

    A gutter separates two text columns: it is found first where the row has at least
    ``COLUMN_MIN_EM`` of text on both sides (dot leaders, list numbers and page numbers in a
    table of contents do not) and lines up with such gaps in other rows (rows with no text there
    do not interrupt it; a stretched word space has text above or below it). Rows whose text
    beside the gutter is short (a paragraph's last line) then take it from a row that has it.
    ``space``: the page's word space (``word_space``); ``inks``: ``row_inks(rows)``.
    """
    candidate = CANDIDATE_GAP_EM if space < CANDIDATE_GAP_EM else WIDE_SPACE_GUTTER * space
    gaps: list[list[tuple[float, float]]] = []
    wide: list[list[tuple[float, float]]] = []
    prose: list[list[tuple[float, float]]] = []  # wide gaps after a line of prose's length
    spans: list[tuple[float, float]] = []
    for ink in row_inks(rows) if inks is None else inks:
        spans.append((ink[0][X0], ink[-1][X1]) if ink else (0.0, 0.0))
        row_gaps = [(p[X1], c[X0]) for p, c in zip(ink, ink[1:])
                    if c[X0] - p[X1] > candidate * c[SIZE]]
        gaps.append(row_gaps)
        if not row_gaps:  # most rows: no gap to measure
            wide.append([])
            prose.append([])
            continue
        edges = [spans[-1][0]] + [x for gap in row_gaps for x in gap] + [spans[-1][1]]
        least = COLUMN_MIN_EM * mode_of_sizes(list(map(BY_SIZE, ink)))  # mode_size: all ink
        runs = _word_runs(ink, row_gaps)
        wide.append([gap for i, gap in enumerate(row_gaps)
                     if edges[2 * i + 1] - edges[2 * i] >= least
                     and (edges[2 * i + 3] - edges[2 * i + 2] >= least or runs[i] >= least)])
        prose.append([gap for i, gap in enumerate(row_gaps) if gap in wide[-1]
                      and edges[2 * i + 1] - edges[2 * i] >= PROSE_EM / COLUMN_MIN_EM * least])
    confirmed: dict[int, list[tuple[float, float]]] = {}
    for r, row_gaps in enumerate(wide):
        for gap in row_gaps:
            up, up_edges = _aligned(gap, r, wide, gaps, spans, -1)
            down, down_edges = _aligned(gap, r, wide, gaps, spans, 1)
            if (up + 1 + down >= GUTTER_ROWS
                    or gap in prose[r] and up + 1 + down >= EDGE_GAP_ROWS
                    and up + 1 + down + up_edges + down_edges >= GUTTER_ROWS):
                confirmed.setdefault(r, []).append(gap)
    found = {(r, gap[0]) for r, row_gaps in confirmed.items() for gap in row_gaps}
    for r, row_gaps in enumerate(gaps if confirmed else ()):
        if not row_gaps:  # most rows: no gap to take a gutter at
            continue
        near = [g for i in range(max(0, r - GUTTER_SEARCH_ROWS), r + GUTTER_SEARCH_ROWS + 1)
                for g in confirmed.get(i, ())]
        # the text before a gap starts at the row's start or after the gap before it: a
        # worksheet's line number set inside a gutter (its text a little further right) is
        # no column's line
        starts = [spans[r][0]] + [gap[1] for gap in row_gaps[:-1]]
        found.update((r, gap[0]) for gap, start in zip(row_gaps, starts)
                     if any(_same_gutter(gap, g) and start < g[0] - ALIGN_TOLERANCE
                            for g in near))
    return found


def _word_runs(ink: list[Char], row_gaps: list[tuple[float, float]]) -> list[float]:
    """For each gap, the width of the text after it up to the next gap wider than
    ``SEGMENT_GAP_EM``, when that text holds letters (a list label's number and the words
    set a space after it, ``(a) Comments``, ``6. Rogers``), else 0 (dot leaders). ``ink``
    is in x order; each run is walked from its gap to its end, from the last gap back, a
    run that reaches the one after it taking that one's end."""
    widths: list[float] = []
    following = len(ink)  # where the run after this gap's starts, and that run's end
    following_end, following_letters = 0.0, False
    for _, x in reversed(row_gaps):
        # the text after the gap starts at its last character at x (several may be)
        j = k = bisect_right(ink, x, key=BY_X0) - 1
        letters = False
        while True:
            if k == following:
                end, letters = following_end, letters or following_letters
                break
            c = ink[k]
            letters = letters or c[TEXT].isalpha()
            if k + 1 < len(ink) and ink[k + 1][X0] - c[X1] <= SEGMENT_GAP_EM * c[SIZE]:
                k += 1
            else:
                end = c[X1]
                break
        following, following_end, following_letters = j, end, letters
        widths.append(end - x if letters else 0.0)
    widths.reverse()
    return widths


def _same_gutter(gap: tuple[float, float], gutter: tuple[float, float]) -> bool:
    """A row's gap at a gutter: it ends where the gutter's next column starts, or it starts
    at the gutter's left edge and its text after it does not start inside the gutter (a
    word space level with a ragged line's end beside the gutter, such as a list's, does)."""
    return (abs(gap[1] - gutter[1]) <= ALIGN_TOLERANCE
            or abs(gap[0] - gutter[0]) <= ALIGN_TOLERANCE
            and gap[1] >= gutter[1] - ALIGN_TOLERANCE)


def _aligned(gap: tuple[float, float], r: int, wide: list[list[tuple[float, float]]],
             gaps: list[list[tuple[float, float]]], spans: list[tuple[float, float]],
             step: int) -> tuple[int, int]:
    """Rows in direction ``step`` with a wide gap at the same edge, before a row with text
    across (a row with a narrower gap there does not count but does not interrupt either);
    and rows of the next column alone whose text starts at the gap's right edge (columns
    whose baselines do not line up share few rows, but every line of the next column starts
    at the gutter; a ragged column's line ends prove nothing)."""
    found = edges = 0
    i = r + step
    while 0 <= i < len(gaps) and abs(i - r) <= GUTTER_SEARCH_ROWS and found < GUTTER_ROWS:
        if any(_same_edge(gap, g) for g in wide[i]):
            found += 1
        elif (not any(_same_edge(gap, g) or _contains(g, gap) for g in gaps[i])
              and spans[i][0] < gap[0] and spans[i][1] > gap[1]):
            break
        elif abs(spans[i][0] - gap[1]) <= ALIGN_TOLERANCE:
            edges += 1
        i += step
    return found, edges


def _contains(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Gap ``a`` holds gap ``b``: no ink of its row stands in ``b`` (a paragraph's first line,
    indented, leaves a wider gap before the next column than its other lines)."""
    return a[0] <= b[0] + ALIGN_TOLERANCE and a[1] >= b[1] - ALIGN_TOLERANCE


def _same_edge(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) <= ALIGN_TOLERANCE or abs(a[1] - b[1]) <= ALIGN_TOLERANCE


def row_segments(row: list[Char], gutters: set[float], split_em: float = SEGMENT_GAP_EM,
                 padded: Collection[float] = ()) -> list[list[Char]]:
    """Split a (sorted) row at gutters and at gaps wider than ``split_em`` (``segment_gap``)
    but those after the x1s in ``padded`` (``padded_word_spaces``); drop duplicated (fake-bold)
    characters."""
    segments: list[list[Char]] = []
    previous: Char | None = None
    for c in row:
        if c[TEXT].isspace():
            if segments:
                segments[-1].append(c)
            continue
        if previous is not None:
            if (c[TEXT] == previous[TEXT] and abs(c[X0] - previous[X0]) < 1.0
                    and abs(c[TOP] - previous[TOP]) < 1.0):
                continue
            # a gap wider than any word space, or at a column gutter (once per character)
            widest = c[SIZE] if c[SIZE] > previous[SIZE] else previous[SIZE]
            if (c[X0] - previous[X1] > split_em * widest and previous[X1] not in padded
                    or gutters and previous[X1] in gutters):  # most rows have no gutter
                segments.append([])
        if not segments:
            segments.append([])
        segments[-1].append(c)
        previous = c
    return segments


def padded_word_spaces(rows: list[list[Char]], split_em: float,
                       inks: list[list[Char]]) -> dict[int, set[float]]:
    """By row index, the x1s of the characters before gaps wider than ``split_em`` that are
    word spaces of a typewritten line justified by whole cells (``TYPED_PAD_CELLS``): the row
    set in one monospaced font, the gap holding its space characters, and no row next to it
    (within two lines) having a gap of ``TYPED_COLUMN_CELLS`` or more that ends where it ends.
    ``inks``: ``row_inks(rows)``, which sorts ``rows`` by x."""
    found: dict[int, set[float]] = {}
    wide: list[list[tuple[float, float]] | None] = [None] * len(rows)

    def gaps_of(index: int) -> list[tuple[float, float]]:
        # (x1 before, x0 after) of a row's gaps between its inked characters
        if wide[index] is None:
            ink = inks[index]
            wide[index] = [(p[X1], c[X0]) for p, c in zip(ink, ink[1:])]
        return wide[index] or []

    for index, (row, ink) in enumerate(zip(rows, inks)):
        # the gaps wider than ``split_em`` straight from the row (most rows have none): the
        # other gaps are listed only for a typewritten row's neighbours
        if len(ink) < MONOSPACE_MIN_CHARS or _advances_differ(row):
            continue  # no monospaced row (``_monospace_cell``: asked of its first two glyphs)
        least = split_em * row[0][SIZE]
        candidates = [(p[X1], c[X0]) for p, c in zip(ink, ink[1:]) if c[X0] - p[X1] > least]
        if not candidates:
            continue
        cell = _monospace_cell(row)
        if not cell:
            continue
        near = [other for other in (index - 1, index + 1) if 0 <= other < len(rows)
                and rows[other] and abs(rows[other][0][BASELINE] - row[0][BASELINE])
                <= 2.5 * row[0][SIZE]]
        for x1, x0 in candidates:
            if x0 - x1 > TYPED_PAD_CELLS * cell or not any(
                    c[TEXT].isspace() and x1 - 0.5 <= c[X0] < x0 for c in row):
                continue
            if any(abs(after - x0) <= ALIGN_TOLERANCE
                   and after - before >= TYPED_COLUMN_CELLS * cell
                   for other in near for before, after in gaps_of(other)):
                continue
            found.setdefault(index, set()).add(x1)
    return found


def _advances_differ(row: list[Char]) -> bool:
    """Whether the row's first two visible characters (it has two) take advances no
    monospaced row's do, or the first none: then ``_monospace_cell`` is 0.0, by the same
    test of the second glyph."""
    first: Char | None = None
    for c in row:
        if c[TEXT].isspace():
            continue
        if first is None:
            first = c
            continue
        advance = first[X1] - first[X0]
        return advance <= 0 or abs((c[X1] - c[X0]) - advance) > 0.01 * advance
    return False


def _monospace_cell(row: list[Char]) -> float:
    """The advance every glyph of ``row`` takes when they all take one (a monospaced font
    throughout, ``MONOSPACE_MIN_CHARS`` or more of them), else 0.0."""
    ink = [c for c in row if not c[TEXT].isspace()]
    if len(ink) < MONOSPACE_MIN_CHARS:
        return 0.0
    first = ink[0][X1] - ink[0][X0]
    if first <= 0 or any(abs((c[X1] - c[X0]) - first) > 0.01 * first for c in ink):
        return 0.0
    return first


def join_labels(rows: list[list[list[Char]]]) -> list[list[list[Char]]]:
    """Rejoin a row's label with the text beside it where rows line up as a list of short
    labels (symbols, terms, form numbers) and their texts: the label's left edge and its
    text's left edge repeat in nearby rows, close by, and no label fills its column the way
    a line of prose does. Read apart, the labels would make a column of their own, read
    before all their texts."""
    pairs = [[(segment[0][X0], following[0][X0], _ink_width(segment))
              for segment, following in zip(row, row[1:])] for row in rows]
    starts = [[segment[0][X0] for segment in row] for row in rows]
    joined = []
    for r, row in enumerate(rows):
        out = [row[0]] if row else []
        window = slice(max(0, r - LABEL_ROWS), r + LABEL_ROWS + 1)
        for i, (x0, text_x0, _) in enumerate(pairs[r]):
            pitch = text_x0 - x0
            if pitch > LABEL_PITCH_EM * row[i][0][SIZE]:  # checked first: it is the cheapest
                out.append(row[i + 1])
                continue
            alike = {n: w for n in range(window.start, min(window.stop, len(rows)))
                     for a, b, w in pairs[n]
                     if abs(a - x0) <= ALIGN_TOLERANCE and abs(b - text_x0) <= ALIGN_TOLERANCE}
            if not alike:
                out.append(row[i + 1])
                continue
            if _is_label_list(rows, starts[window], r, alike, x0, text_x0, pitch):
                out[-1] = out[-1] + row[i + 1]
            else:
                out.append(row[i + 1])
        joined.append(out)
    return joined


def _is_label_list(rows: list[list[list[Char]]], window_starts: list[list[float]], r: int,
                   alike: dict[int, float], x0: float, text_x0: float, pitch: float) -> bool:
    """Whether the rows near row ``r`` with a label at ``x0`` and its text at ``text_x0``
    (``alike``: their labels' ink widths by row) make a list of labels. Rows whose label runs
    into its text a word space before it (one segment, ``γ1 ∗ γ2 Zusammenhängen``) are
    labelled rows too (``_run_into_rows``), and show the labels' column as wide as the way to
    the texts: then a label may take most of it. Rows with text at that edge, labelled or
    not, must be mostly labelled: a text column that only a few labels (a table's last
    column) happen to sit beside is no list of labels. The run-into rows are looked for only
    where the labelled rows alone do not decide (they are the dearest to find)."""

    def text_rows() -> int:  # rows with text at the texts' edge
        return sum(1 for xs in window_starts
                   if any(abs(x - text_x0) <= ALIGN_TOLERANCE for x in xs))

    labelled = len(alike)
    fits = max(alike.values()) <= LABEL_SHARE * pitch  # no label fills its column
    if fits and labelled >= 3:
        edge = text_rows()
        if labelled >= LABELLED_SHARE * edge:
            return True  # more labelled rows only keep it a list
        labelled += _run_into_rows(rows, r, alike, x0, text_x0)
        return labelled >= LABELLED_SHARE * edge
    run_into = _run_into_rows(rows, r, alike, x0, text_x0)
    if not run_into and not fits:
        return False
    labelled += run_into
    return labelled >= 3 and labelled >= LABELLED_SHARE * text_rows()


def _run_into_rows(rows: list[list[list[Char]]], r: int, labelled: Collection[int],
                   x0: float, text_x0: float) -> int:
    """How many rows near row ``r``, other than the ``labelled`` ones, hold a label run into
    its text (``_runs_into``) and stand in the list: each within ``LIST_GAP_LINES`` of a
    labelled row or of one found before (a caption's line above a table, a note under it,
    may hold a word at the texts' edge by chance)."""
    # searched twice as far as the labels (``LABEL_ROWS``): the chain keeps them to the
    # list, while a page's rows interleave the rows of the column beside it
    candidates = [n for n in range(max(0, r - 2 * LABEL_ROWS),
                                   min(r + 2 * LABEL_ROWS + 1, len(rows)))
                  if n not in labelled and rows[n] and _runs_into(rows[n], x0, text_x0)]
    if not candidates:
        return 0
    tops = {n: min(c[TOP] for segment in rows[n] for c in segment) for n in candidates}
    listed = [min(c[TOP] for segment in rows[n] for c in segment) for n in labelled]
    reach = LIST_GAP_LINES * max(c[SIZE] for n in labelled for c in rows[n][0])
    found = 0
    for n in sorted(candidates, key=lambda n: min(abs(tops[n] - top) for top in listed)):
        if min(abs(tops[n] - top) for top in listed) <= reach:
            listed.append(tops[n])
            found += 1
    return found


def _runs_into(row: list[list[Char]], x0: float, text_x0: float) -> bool:
    """Whether a segment of the row starts at ``x0`` and holds a word starting at
    ``text_x0``: a label and its text a word space apart. The text must open with a word
    (two letters): a table's cells of numbers or formulas set a space apart are no labels."""
    for segment in row:
        if abs(segment[0][X0] - x0) > ALIGN_TOLERANCE:
            continue
        previous = None
        for k, c in enumerate(segment):
            if c[TEXT].isspace():
                continue
            if (previous is not None and abs(c[X0] - text_x0) <= ALIGN_TOLERANCE
                    and c[X0] - previous[X1] > LETTER_GAP_EM * c[SIZE]):
                return (c[TEXT].isalpha() and k + 1 < len(segment)
                        and segment[k + 1][TEXT].isalpha())
            if c[X0] > text_x0 + ALIGN_TOLERANCE:
                break
            previous = c
    return False


def join_spaced_lines(rows: list[list[list[Char]]],
                      gutters: dict[int, set[float]] | None = None) -> list[list[list[Char]]]:
    """Rejoin a justified line that wide spaces split (formulas set a ``\\quad`` apart, or the
    few long words of a narrow column's loose line, stretched further by the justification):
    its parts from the split on end at a column's right edge, each gap is under
    ``SPACED_GAP_EM`` and no column gutter (``gutters``: by row, the x1s before them), and no
    row near it has text ending or starting at the gap's edges, as a table's columns or a
    list's labels have, nor a gap across it other than such a stretched space of its own (the
    stretched spaces of a loose paragraph's lines overlap, a river, and one of its words may
    stand right over another's: ``_meets_gap``). Read apart, the line's end was read after
    the whole paragraph, its words as a column of their own."""
    # the columns' right edges: the ends that three or more rows share (full lines)
    ends = Counter(round(_ink_end(segment)) for row in rows for segment in row)
    rights = sorted(end for end, count in ends.items() if count >= 3)
    if not rights:
        return rows
    gutters = gutters or {}
    # per row, the gaps that would close a stretched line: (x1 before, x0 after), read from
    # the row's end, each while the parts after it reach a right edge
    stretched: list[set[tuple[float, float]]] = []
    for r, row in enumerate(rows):
        found: set[tuple[float, float]] = set()
        reaches = _at_edge(_ink_end(row[-1]), rights) if len(row) > 1 else False
        for segment, following in zip(reversed(row[:-1]), reversed(row[1:])):
            gap = (_ink_end(segment), following[0][X0])
            if (reaches and gap[1] - gap[0] <= SPACED_GAP_EM * mode_size(segment)
                    and gap[0] not in gutters.get(r, ())):
                found.add(gap)
            else:
                reaches = _at_edge(gap[0], rights)
        stretched.append(found)
    if not any(stretched):  # most pages: no line to rejoin
        return rows
    joined = list(rows)
    for r, row in enumerate(rows):
        if not stretched[r]:
            continue
        near = range(max(0, r - LABEL_ROWS), min(len(rows), r + LABEL_ROWS + 1))
        parts = [row[-1]]
        for segment in reversed(row[:-1]):
            left_end, right_start = _ink_end(segment), parts[0][0][X0]
            size = mode_size(segment)
            evidence = [_meets_gap(rows[i], left_end, right_start, 2 * SPACED_GAP_EM * size,
                                   stretched[i]) for i in near if i != r]
            if ((left_end, right_start) in stretched[r] and STRONG not in evidence
                    and evidence.count(WEAK) < 2):
                parts[0] = segment + parts[0]
            else:
                parts.insert(0, segment)
        joined[r] = parts
    return joined


def _at_edge(x: float, edges: Sequence[float]) -> bool:
    """``x`` is within ``ALIGN_TOLERANCE`` of one of the sorted ``edges``."""
    i = bisect_right(edges, x)
    return any(abs(edges[j] - x) <= ALIGN_TOLERANCE for j in (i - 1, i)
               if 0 <= j < len(edges))


def _ink_end(segment: list[Char]) -> float:
    """The segment's last visible character's right edge."""
    if not segment[-1][TEXT].isspace():  # most segments: no generator needed
        return segment[-1][X1]
    return next((c[X1] for c in reversed(segment) if not c[TEXT].isspace()), segment[-1][X1])


WEAK, STRONG = 1, 2
"""What a row near a stretched gap says of it (``_meets_gap``): an edge of its own at the gap's
that bounds a stretched space of its own (a loose line's word over another's: once is chance,
a table's cells line up in row after row), or a gap or edge that is no stretched space's."""


def _meets_gap(row: list[list[Char]], left_end: float, right_start: float,
               widest: float, stretched: Collection[tuple[float, float]] = ()) -> int:
    """``STRONG`` where the row has a gap of its own across ``[left_end, right_start]``, no
    wider than ``widest`` (a short line's end far from a mark at the margin is no such gap)
    and not among its ``stretched`` ones, or text ending at its left edge or starting at its
    right one; ``WEAK`` where that text's edge bounds one of its ``stretched`` gaps; else 0."""
    for segment, following in zip(row, row[1:]):
        end, start = _ink_end(segment), following[0][X0]
        if (end < right_start and start > left_end and start - end <= widest
                and (end, start) not in stretched):
            return STRONG
    found = 0
    for segment in row:
        end, start = _ink_end(segment), segment[0][X0]
        if abs(end - left_end) <= ALIGN_TOLERANCE or abs(start - right_start) <= ALIGN_TOLERANCE:
            if not any(end == gap[0] or start == gap[1] for gap in stretched):
                return STRONG
            found = WEAK
    return found


def join_numbers(rows: list[list[list[Char]]]) -> list[list[list[Char]]]:
    """Rejoin a row's last segment to the text before it when it is a bare number in a column
    of right-aligned numbers (a table of contents' page numbers, set apart from a chapter's
    title by a wide gap while its sections' reach theirs through dot leaders): each number
    belongs to its row. Read apart, the numbers were read after all the titles, or each with
    the row under it."""
    # each row's last segment's visible characters, listed where they are asked for: a row
    # whose last one is a digit (most rows end in a letter or a mark), and rows near a number
    # of a column for their right edges
    lasts: list[list[Char] | None] = [None] * len(rows)

    def last_ink(r: int) -> list[Char]:
        ink = lasts[r]
        if ink is None:
            ink = lasts[r] = ([c for c in rows[r][-1] if not c[TEXT].isspace()] if rows[r]
                              else [])
        return ink

    ends: list[float | None] = []  # per row: its last segment's right edge, after a digit
    for r, row in enumerate(rows):  # after a title, not a chart's labels: a column's width
        if not row or not row[-1] or not _ends_in_a_digit(row[-1]):
            ends.append(None)
            continue
        ink = last_ink(r)
        title = row[-2] if len(row) > 1 else row[-1]
        ends.append(ink[-1][X1] if _ink_width(title) >= COLUMN_MIN_EM * mode_size(ink)
                    else None)
    joined = []
    for r, row in enumerate(rows):
        x1 = ends[r]
        ink = last_ink(r) if x1 is not None and len(row) > 1 else []
        if x1 is not None and ink and len(ink) <= NUMBER_DIGITS and all(
                c[TEXT].isdigit() for c in ink):
            near = range(max(0, r - LABEL_ROWS), min(len(rows), r + LABEL_ROWS + 1))
            # the numbers close their rows: no text goes on right of them (a reference
            # list's right-aligned labels, each before its entry, are no such column)
            aligned = [e for i, e in ((i, ends[i]) for i in near)
                       if i != r and e is not None and abs(e - x1) <= ALIGN_TOLERANCE]
            if (len(aligned) >= NUMBER_COLUMN_ROWS - 1
                    and all(max((c[X1] for c in last_ink(i)), default=0.0)
                            <= x1 + ALIGN_TOLERANCE for i in near)):
                row = row[:-2] + [row[-2] + row[-1]]
        joined.append(row)
    return joined


def _ends_in_a_digit(segment: list[Char]) -> bool:
    """Whether the segment's last visible character is a digit."""
    last = (segment[-1] if not segment[-1][TEXT].isspace()  # most segments: no generator
            else next((c for c in reversed(segment) if not c[TEXT].isspace()), None))
    return last is not None and last[TEXT].isdigit()


NUMBER_DIGITS = 4
"""A page number's most digits."""
NUMBER_COLUMN_ROWS = 3
"""Rows near one another whose last text is a number ending at one right edge: a column."""


def _ink_width(segment: list[Char]) -> float:
    """From the segment's first visible character's left edge to its last one's right edge
    (each found from its end: a whole line is not walked for its two ends)."""
    if segment and not segment[0][TEXT].isspace() and not segment[-1][TEXT].isspace():
        return segment[-1][X1] - segment[0][X0]  # most segments: no generator needed
    first = next((c for c in segment if not c[TEXT].isspace()), None)
    if first is None:
        return 0.0
    last = next(c for c in reversed(segment) if not c[TEXT].isspace())
    return last[X1] - first[X0]


HANG_EM = 0.3
"""How far (em) past a label's text a hanging line of its caption may start."""
_SUBLABEL = re.compile(r"\(([a-z])\)")
"""A subfigure's label: a letter in parentheses (``(b)``)."""


def split_sublabels(rows: list[list[list[Char]]]) -> list[list[list[Char]]]:
    """Split a row's segment before a subfigure label (``(b)``) inside it when the segment
    opens with the label before it (``(a)``) and the next row has text starting between
    that label and its text, with nothing across the label (the hanging lines of side-by-side
    subcaptions, set too close for a gutter). Read whole, each row of the two captions
    interleaved them (``... schneiden sich im(b) Die beiden ...``)."""
    out = []
    for r, row in enumerate(rows):
        below = rows[r + 1] if r + 1 < len(rows) else []
        if not below:
            out.append(row)
            continue
        split: list[list[Char]] = []
        for segment in row:
            split += _split_at_sublabels(segment, below)
        out.append(split)
    return out


def _split_at_sublabels(segment: list[Char], below: list[list[Char]]) -> list[list[Char]]:
    if not segment or segment[0][TEXT] != "(":  # most segments: checked without a pass
        return [segment]
    ink = [c for c in segment if not c[TEXT].isspace()]
    text = "".join(c[TEXT] for c in ink)
    at_char = [i for i, c in enumerate(ink) for _ in c[TEXT]]  # a ligature is one glyph
    opening = _SUBLABEL.match(text)
    if opening is None or "(" not in text[3:]:  # most segments: no label in them
        return [segment]
    size = mode_size(ink)
    baseline = ink[0][BASELINE]
    lines = [[c for c in s if not c[TEXT].isspace()] for s in below]
    lines = [s for s in lines if s and 0 < s[0][BASELINE] - baseline <= 2 * size]
    letter = opening.group(1)
    for found in _SUBLABEL.finditer(text, 3):
        if ord(found.group(1)) != ord(letter) + 1:
            continue
        label = ink[at_char[found.start()]]
        start = ink[at_char[found.end()]][X0] if found.end() < len(text) else ink[-1][X1]
        x = label[X0]
        # a hanging line starts at the label's text, give or take its first glyph's bearing
        if (any(x - ALIGN_TOLERANCE <= s[0][X0] <= start + HANG_EM * size for s in lines)
                and not any(s[0][X0] < x - ALIGN_TOLERANCE < s[-1][X1] for s in lines)):
            at = next(i for i, c in enumerate(segment) if c is label)
            return [segment[:at]] + _split_at_sublabels(segment[at:], below)
        letter = found.group(1)
    return [segment]
